/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "pg_flow_hash.h"
#include "pg_fwd_worker.h"
#include "pg_worker.h"

/* Written by the control thread, read once per loop round by workers. RX
 * lcores stop first so that forwarding lcores can empty the rings. */
static volatile int stop_rx;
static volatile int stop_fwd;

static inline bool
should_stop(const volatile int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

const char *
pg_worker_role_name(enum pg_worker_role role)
{
	switch (role) {
	case PG_ROLE_RTC: return "rtc";
	case PG_ROLE_RX: return "rx";
	case PG_ROLE_FWD: return "fwd";
	}
	return "?";
}

void
pg_workers_sum(const struct pg_workers *ws, struct pg_stats_total *out)
{
	const struct pg_lcore_stats *s[PG_CONF_MAX_WORKERS];
	unsigned int i;

	for (i = 0; i < ws->n; i++)
		s[i] = &ws->w[i]->stats;
	pg_stats_sum(s, ws->n, out);
}

void
pg_workers_plan(struct pg_workers *ws, const struct pg_conf *conf)
{
	unsigned int i;

	memset(ws, 0, sizeof(*ws));
	ws->mode = conf->mode;
	ws->n = conf->n_workers;
	for (i = 0; i < conf->n_workers; i++) {
		const bool rx = conf->mode == PG_MODE_RTC || i < conf->rx_lcores;
		const bool fwd = conf->mode == PG_MODE_RTC || i >= conf->rx_lcores;

		if (rx)
			ws->rx_lcores[ws->n_rx++] = conf->worker_lcores[i];
		if (fwd)
			ws->fwd_lcores[ws->n_fwd++] = conf->worker_lcores[i];
	}
}

/* RX queue q of every port that has one belongs to the q-th RX lcore. */
static void
bind_rx_queues(struct pg_worker *wk, unsigned int q, const struct pg_ports *ports)
{
	unsigned int p;

	for (p = 0; p < ports->n_ports; p++) {
		const struct pg_port *port = &ports->port[p];

		if (q >= port->n_rxq)
			continue;
		wk->rxq[wk->n_rxq].port_id = port->port_id;
		wk->rxq[wk->n_rxq].port = (uint16_t)p;
		wk->rxq[wk->n_rxq].queue = (uint16_t)q;
		wk->n_rxq++;
	}
}

/* Lcores that run the stages read the tables: the grace-period tracker
 * waits for them (RX-only lcores never look at a table). */
static int
register_reader(struct pg_worker *wk, const struct pg_fwd_ctx *ctx)
{
	wk->fwd.rcu_id = (uint16_t)wk->index;
	if (ctx->rcu == NULL)
		return 0;
	return rte_rcu_qsbr_thread_register(ctx->rcu, wk->index);
}

int
pg_workers_create(struct pg_workers *ws, const struct pg_conf *conf,
		  const struct pg_ports *ports, const struct pg_fwd_ctx *ctx)
{
	const bool pipeline = ws->mode == PG_MODE_PIPELINE;
	unsigned int i, k;

	if (pipeline) {
		ws->links = pg_rings_create(ws->rx_lcores, ws->n_rx, ws->fwd_lcores,
					    ws->n_fwd, conf->ring_size);
		if (ws->links == NULL)
			return -ENOMEM;
		ws->n_links = ws->n_rx * ws->n_fwd;
	}
	for (i = 0; i < ws->n; i++) {
		const unsigned int lcore = conf->worker_lcores[i];
		struct pg_worker *wk;
		unsigned int n_links = 0;

		if (pipeline)
			n_links = i < ws->n_rx ? ws->n_fwd : ws->n_rx;
		wk = rte_zmalloc_socket("pg_worker", sizeof(*wk) +
					n_links * sizeof(wk->links[0]), RTE_CACHE_LINE_SIZE,
					(int)rte_lcore_to_socket_id(lcore));
		if (wk == NULL) {
			pg_workers_free(ws);
			return -ENOMEM;
		}
		ws->w[i] = wk;
		wk->lcore_id = lcore;
		wk->index = i;
		wk->links = (struct pg_ring_link **)(wk + 1);
		wk->n_links = n_links;
		if (!pipeline) {
			wk->role = PG_ROLE_RTC;
			bind_rx_queues(wk, i, ports);
			pg_fwd_lcore_init(&wk->fwd, ctx, &wk->stats, (uint16_t)i);
			if (register_reader(wk, ctx) != 0) {
				pg_workers_free(ws);
				return -EINVAL;
			}
		} else if (i < ws->n_rx) {
			wk->role = PG_ROLE_RX;
			bind_rx_queues(wk, i, ports);
			for (k = 0; k < ws->n_fwd; k++)
				wk->links[k] = &ws->links[i * ws->n_fwd + k];
		} else {
			const unsigned int f = i - ws->n_rx;

			wk->role = PG_ROLE_FWD;
			pg_fwd_lcore_init(&wk->fwd, ctx, &wk->stats, (uint16_t)f);
			if (register_reader(wk, ctx) != 0) {
				pg_workers_free(ws);
				return -EINVAL;
			}
			for (k = 0; k < ws->n_rx; k++)
				wk->links[k] = &ws->links[k * ws->n_fwd + f];
		}
	}
	return 0;
}

void
pg_workers_free(struct pg_workers *ws)
{
	unsigned int i;

	for (i = 0; i < ws->n; i++) {
		rte_free(ws->w[i]);
		ws->w[i] = NULL;
	}
	pg_rings_free(ws->links, ws->n_links);
	ws->links = NULL;
	ws->n_links = 0;
}

void
pg_workers_stop(struct pg_workers *ws)
{
	unsigned int i;

	__atomic_store_n(&stop_rx, 1, __ATOMIC_RELAXED);
	for (i = 0; i < ws->n; i++)
		if (ws->w[i]->role == PG_ROLE_RX)
			rte_eal_wait_lcore(ws->w[i]->lcore_id);
	__atomic_store_n(&stop_fwd, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
}

/* One loop round: one TSC read per round (~25 cycles, amortised over a
 * burst), so the busy ratio is time, not a count of rounds. */
static inline void
count_round(struct pg_lcore_stats *st, uint64_t busy, uint64_t cycles)
{
	pg_stats_add(&st->polls, 1);
	pg_stats_add(&st->busy_polls, busy);
	pg_stats_add(&st->total_tsc, cycles);
	if (busy)
		pg_stats_add(&st->busy_tsc, cycles);
}

/* ---- lcores that poll RX queues ------------------------------------------ */

/* What an RX-polling lcore does with a burst it received. */
static void
rtc_handle(struct pg_worker *wk, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	pg_fwd_burst(&wk->fwd, port, pkts, n);
}

/* Hand one RX burst to the forwarding lcores by flow hash. */
static void
distribute(struct pg_worker *wk, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *out[PG_CONF_MAX_WORKERS][PG_BURST];
	uint16_t cnt[PG_CONF_MAX_WORKERS];
	const unsigned int n_fwd = wk->n_links;
	struct pg_lcore_stats *st = &wk->stats;
	unsigned int i, f;

	memset(cnt, 0, sizeof(cnt[0]) * n_fwd);
	for (i = 0; i < n; i++) {
		f = pg_flow_pick(pg_flow_hash(pkts[i]), n_fwd);
		out[f][cnt[f]++] = pkts[i];
	}
	PG_STAGE_MARK(st, PG_STAGE_hash, n);
	for (f = 0; f < n_fwd; f++) {
		struct pg_ring_link *l = wk->links[f];
		unsigned int sent, free_slots;
		uint64_t used;

		if (cnt[f] == 0)
			continue;
		sent = rte_ring_sp_enqueue_burst(l->ring, (void *const *)out[f], cnt[f],
						 &free_slots);
		pg_stats_add(&l->prod.enqueued, sent);
		used = l->size - free_slots;
		if (used > l->prod.peak)
			__atomic_store_n(&l->prod.peak, used, __ATOMIC_RELAXED);
		if (unlikely(sent < cnt[f])) {
			const unsigned int lost = cnt[f] - sent;

			/* Never wait for room: the rest of the burst is dropped. */
			rte_pktmbuf_free_bulk(&out[f][sent], lost);
			pg_stats_add(&l->prod.dropped_full, lost);
			pg_stats_add(&st->drop[PG_DROP_ring_full], lost);
			pg_stats_add(&st->port[port].rx_drops, lost);
		}
	}
	PG_STAGE_MARK(st, PG_STAGE_enqueue, n);
}

/*
 * The polling loop of rtc and RX lcores: one burst from each RX queue per
 * round. Always inlined with a constant handler, so each role gets its own
 * loop without an indirect call per burst.
 */
static __rte_always_inline void
poll_loop(struct pg_worker *wk, bool tx_each_round,
	  void (*handle)(struct pg_worker *, uint16_t, struct rte_mbuf **, uint16_t))
{
	struct pg_lcore_stats *st = &wk->stats;
	struct rte_mbuf *pkts[PG_BURST];
	const uint16_t n_rxq = wk->n_rxq;

	uint64_t t_prev = rte_rdtsc();

	PG_STAGE_START(st);
	while (likely(!should_stop(&stop_rx))) {
		uint64_t busy = 0, t;
		uint16_t q;

		for (q = 0; q < n_rxq; q++) {
			const struct pg_worker_rxq *rq = &wk->rxq[q];
			const uint16_t n = rte_eth_rx_burst(rq->port_id, rq->queue,
							    pkts, PG_BURST);

			if (n == 0) {
				PG_STAGE_MARK(st, PG_STAGE_idle, 0);
				continue;
			}
			PG_STAGE_MARK(st, PG_STAGE_rx, n);
			busy = 1;
			pg_fwd_count_rx(st, rq->port, n);
			handle(wk, rq->port, pkts, n);
		}
		if (tx_each_round) {
			pg_fwd_tx_flush_all(&wk->fwd);
			pg_fwd_quiescent(&wk->fwd);
			PG_STAGE_MARK(st, busy ? PG_STAGE_tx : PG_STAGE_idle, 0);
		}
		t = rte_rdtsc();
		count_round(st, busy, t - t_prev);
		t_prev = t;
	}
}

static int
rtc_main(struct pg_worker *wk)
{
	pg_fwd_online(&wk->fwd);
	poll_loop(wk, true, rtc_handle);
	/* Nothing stays buffered: every packet is sent or counted. */
	pg_fwd_tx_flush_all(&wk->fwd);
	pg_fwd_offline(&wk->fwd);
	return 0;
}

static int
rx_main(struct pg_worker *wk)
{
	poll_loop(wk, false, distribute);
	return 0;
}

/* ---- pipeline: forward what the rings bring ---------------------------------- */

/* A dequeued burst mixes ports; run the stages on each run of one port,
 * in order, so per-flow order is kept. */
static inline void
forward_runs(struct pg_fwd_lcore *lc, struct rte_mbuf **pkts, unsigned int n)
{
	unsigned int i = 0;

	while (i < n) {
		const uint16_t port_id = pkts[i]->port;
		unsigned int j = i + 1;

		while (j < n && pkts[j]->port == port_id)
			j++;
		pg_fwd_burst(lc, lc->ctx->port_index[port_id], &pkts[i], (uint16_t)(j - i));
		i = j;
	}
}

/* One pass over the input rings; returns how many packets it took. */
static inline unsigned int
fwd_poll(struct pg_worker *wk)
{
	struct rte_mbuf *pkts[PG_BURST];
	unsigned int i, k, total = 0;

	for (k = 0; k < wk->n_links; k++) {
		struct pg_ring_link *l = wk->links[k];
		const unsigned int n = rte_ring_sc_dequeue_burst(l->ring, (void **)pkts,
								 PG_BURST, NULL);

		if (n == 0) {
			PG_STAGE_MARK(&wk->stats, PG_STAGE_idle, 0);
			continue;
		}
		/* The mbufs were last written on the RX lcore's core: ask for
		 * all their headers at once rather than miss on each in turn. */
		for (i = 0; i < n; i++)
			rte_prefetch0(pkts[i]);
		pg_stats_add(&l->cons.dequeued, n);
		PG_STAGE_MARK(&wk->stats, PG_STAGE_dequeue, n);
		forward_runs(&wk->fwd, pkts, n);
		total += n;
	}
	pg_fwd_tx_flush_all(&wk->fwd);
	PG_STAGE_MARK(&wk->stats, total != 0 ? PG_STAGE_tx : PG_STAGE_idle, 0);
	return total;
}

static int
fwd_main(struct pg_worker *wk)
{
	struct pg_lcore_stats *st = &wk->stats;

	uint64_t t_prev;

	pg_fwd_online(&wk->fwd);
	t_prev = rte_rdtsc();
	PG_STAGE_START(st);
	while (likely(!should_stop(&stop_fwd))) {
		const uint64_t busy = fwd_poll(wk) != 0;
		const uint64_t t = rte_rdtsc();

		pg_fwd_quiescent(&wk->fwd);
		count_round(st, busy, t - t_prev);
		t_prev = t;
	}
	/* The RX lcores have stopped: empty the rings. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	while (fwd_poll(wk) != 0)
		;
	pg_fwd_offline(&wk->fwd);
	return 0;
}

int
pg_worker_main(void *arg)
{
	struct pg_worker *wk = arg;

	switch (wk->role) {
	case PG_ROLE_RX:
		return rx_main(wk);
	case PG_ROLE_FWD:
		return fwd_main(wk);
	default:
		return rtc_main(wk);
	}
}
