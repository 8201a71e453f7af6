/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The data path: build and send bursts at a set rate, receive and time
 * them. No syscalls, locks, logging or allocation here: mbufs come from the
 * TX mempool in bulk, the latency histogram is a fixed array.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "gen.h"
#include "gen_lat.h"
#include "gen_worker.h"

/* Token bucket credit is in TSC cycles with 16 fractional bits, so rates
 * that do not divide the TSC frequency keep their average exactly. */
#define GEN_RATE_SHIFT 16

/* Most credit the token bucket keeps, in microseconds of frames (at least
 * two bursts). Frames owed after the lcore was held up (another process on
 * its CPU, a slow driver) are caught up at full speed, so this bounds the
 * longest line-rate burst a --rate-pps run can produce: small enough for a
 * 1024-descriptor ring at the device under test, at the price of falling
 * short of the rate when the TX lcore loses its CPU for longer. */
#define GEN_RATE_SLACK_US 1000

/* RX looks this many frames ahead when it prefetches frame data. */
#define GEN_RX_PREFETCH 4

static uint32_t stop_tx_flag;
static uint32_t tx_done_flag;
static uint32_t stop_rx_flag;

void
gen_stop_tx(void)
{
	__atomic_store_n(&stop_tx_flag, 1, __ATOMIC_RELAXED);
}

bool
gen_tx_done(void)
{
	/* Acquire: the TX counters written before the flag are final. */
	return __atomic_load_n(&tx_done_flag, __ATOMIC_ACQUIRE) != 0;
}

void
gen_stop_rx(void)
{
	__atomic_store_n(&stop_rx_flag, 1, __ATOMIC_RELAXED);
}

/* One writer per counter: a plain add published with a relaxed store lets
 * the main lcore read it without tearing and without a locked instruction. */
static inline void
ctr_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static void
tx_init(struct gen_tx *t)
{
	const uint64_t now = rte_rdtsc();

	t->flow = 0;
	t->seq = 0;
	t->n_pending = 0;
	t->warm = t->warmup_s > 0;
	t->magic_be = rte_cpu_to_be_32(t->warm ? GEN_MAGIC_WARM : GEN_MAGIC_RUN);
	t->warm_end = now + (uint64_t)(t->warmup_s * (double)t->hz);
	t->deadline = t->duration_s > 0 ?
		      t->warm_end + (uint64_t)(t->duration_s * (double)t->hz) : 0;
	t->left = t->count != 0 ? t->count : UINT64_MAX;
	if (!t->warm)
		__atomic_store_n(&t->st.start_tsc, now, __ATOMIC_RELAXED);

	t->cost = 0;
	if (t->rate_pps != 0) {
		const uint64_t slack = RTE_MAX(2ULL * t->burst,
					       t->rate_pps * GEN_RATE_SLACK_US / 1000000);

		t->cost = (t->hz << GEN_RATE_SHIFT) / t->rate_pps;
		if (t->cost == 0)
			t->cost = 1;
		t->credit_max = slack * t->cost;
		t->credit = t->cost;
		t->last_tsc = now;
	}
}

static inline uint16_t
tx_budget(struct gen_tx *t, uint64_t now, uint16_t want)
{
	uint64_t n;

	if (t->cost == 0)
		return want;
	t->credit += (now - t->last_tsc) << GEN_RATE_SHIFT;
	t->last_tsc = now;
	if (t->credit > t->credit_max)
		t->credit = t->credit_max;
	n = t->credit / t->cost;
	if (n > want)
		n = want;
	t->credit -= n * t->cost;
	return (uint16_t)n;
}

static inline void
tx_fill(struct gen_tx *t, struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	const struct gen_tpl *tpl = t->tpl;
	const uint16_t len = tpl->frame_len;
	struct gen_stamp st;
	uint16_t i;

	st.magic = t->magic_be;
	st.tsc = rte_cpu_to_be_64(now);
	/* The data lines of freshly allocated mbufs are usually cold. */
	for (i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		const struct gen_flow *f = &tpl->flows[t->flow];

		/* 64 bytes: two 32-byte moves; bytes 60..63 of a 64-byte
		 * frame land in the tailroom. */
		memcpy(d, tpl->hdr, sizeof(tpl->hdr));
		memcpy(d + GEN_OFF_IP_CKSUM, &f->ip_cksum, sizeof(f->ip_cksum));
		memcpy(d + GEN_OFF_IP_DST, &f->dst, sizeof(f->dst));
		memcpy(d + GEN_OFF_UDP, &f->sport, sizeof(f->sport));
		st.seq = rte_cpu_to_be_32(t->seq);
		st.flow = rte_cpu_to_be_16((uint16_t)t->flow);
		memcpy(d + GEN_OFF_STAMP, &st, sizeof(st));
		m->data_len = len;
		m->pkt_len = len;
		t->seq++;
		if (unlikely(++t->flow == tpl->n_flows))
			t->flow = 0;
	}
}

static inline void
tx_account(struct gen_tx *t, uint16_t sent)
{
	if (sent == 0)
		return;
	if (t->warm) {
		ctr_add(&t->st.warmup, sent);
	} else {
		ctr_add(&t->st.packets, sent);
		ctr_add(&t->st.bytes, (uint64_t)sent * t->tpl->frame_len);
	}
}

/* Keep what the driver refused, in order, to offer it again first: the
 * sequence stays gap-free and nothing is counted that was not sent. */
static inline void
tx_send(struct gen_tx *t, struct rte_mbuf **pkts, uint16_t n)
{
	const uint16_t sent = rte_eth_tx_burst(t->port, 0, pkts, n);

	tx_account(t, sent);
	if (unlikely(sent < n)) {
		memmove(t->pending, pkts + sent, sizeof(pkts[0]) * (n - sent));
		t->n_pending = (uint16_t)(n - sent);
	} else {
		t->n_pending = 0;
	}
}

static bool
tx_finish(struct gen_tx *t, uint64_t now)
{
	if (t->n_pending != 0) {
		if (!t->warm)
			ctr_add(&t->st.unsent, t->n_pending);
		rte_pktmbuf_free_bulk(t->pending, t->n_pending);
		t->n_pending = 0;
	}
	__atomic_store_n(&t->st.end_tsc, now, __ATOMIC_RELAXED);
	__atomic_store_n(&tx_done_flag, 1, __ATOMIC_RELEASE);
	return true;
}

static void
tx_begin_measure(struct gen_tx *t, uint64_t now)
{
	/* Frames still queued from the warm-up carry the warm-up magic:
	 * drop them rather than count them into either phase. */
	if (t->n_pending != 0) {
		rte_pktmbuf_free_bulk(t->pending, t->n_pending);
		t->n_pending = 0;
	}
	t->warm = false;
	t->magic_be = rte_cpu_to_be_32(GEN_MAGIC_RUN);
	t->seq = 0;
	__atomic_store_n(&t->st.start_tsc, now, __ATOMIC_RELAXED);
}

/* One TX step; true once TX has finished for good. */
static inline bool
tx_step(struct gen_tx *t)
{
	struct rte_mbuf *pkts[GEN_BURST_MAX];
	const uint64_t now = rte_rdtsc();
	uint16_t n;

	if (unlikely(__atomic_load_n(&stop_tx_flag, __ATOMIC_RELAXED) != 0 ||
		     (t->deadline != 0 && now >= t->deadline)))
		return tx_finish(t, now);
	if (unlikely(t->warm) && now >= t->warm_end)
		tx_begin_measure(t, now);

	if (unlikely(t->n_pending != 0)) {
		const rte_be64_t tsc_be = rte_cpu_to_be_64(now);
		uint16_t i;

		/* Waiting in our queue is not the device's latency. */
		for (i = 0; i < t->n_pending; i++)
			memcpy(rte_pktmbuf_mtod_offset(t->pending[i], uint8_t *,
				GEN_OFF_STAMP + offsetof(struct gen_stamp, tsc)),
			       &tsc_be, sizeof(tsc_be));
		n = t->n_pending;
		memcpy(pkts, t->pending, sizeof(pkts[0]) * n);
		tx_send(t, pkts, n);
		return false;
	}
	if (unlikely(t->left == 0))
		return tx_finish(t, now);

	n = tx_budget(t, now, (uint16_t)RTE_MIN((uint64_t)t->burst, t->left));
	if (n == 0)
		return false;
	if (unlikely(rte_pktmbuf_alloc_bulk(t->pool, pkts, n) != 0)) {
		ctr_add(&t->st.alloc_fail, 1);
		t->credit += (uint64_t)n * t->cost;   /* not built: not spent */
		return false;
	}
	tx_fill(t, pkts, n, now);
	if (!t->warm)
		t->left -= n;
	tx_send(t, pkts, n);
	return false;
}

struct rx_acc {
	uint64_t ours;
	uint64_t bytes;
	uint64_t warm;
	uint64_t other;
	uint64_t bad_cksum;
	uint64_t reordered;
};

static inline void
rx_one(struct gen_rx *r, const struct rte_mbuf *m, uint64_t now, struct rx_acc *a)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	struct gen_stamp st;
	rte_be16_t type;
	uint64_t lat;
	uint32_t seq;

	/* Ours: untagged IPv4 without options, UDP, stamp in the first
	 * segment. Anything else (ARP, LLDP from a real link...) is counted
	 * apart and never mistaken for a lost or a late frame. */
	if (unlikely(m->data_len < GEN_OFF_STAMP + sizeof(st))) {
		a->other++;
		return;
	}
	memcpy(&type, d + 12, sizeof(type));
	if (unlikely(type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
		     d[GEN_OFF_IP] != RTE_IPV4_VHL_DEF ||
		     d[GEN_OFF_IP + offsetof(struct rte_ipv4_hdr, next_proto_id)] != IPPROTO_UDP)) {
		a->other++;
		return;
	}
	memcpy(&st, d + GEN_OFF_STAMP, sizeof(st));
	if (likely(st.magic == RTE_BE32(GEN_MAGIC_RUN))) {
		a->ours++;
		a->bytes += m->pkt_len;
		/* A forwarder under test rewrites TTL and checksum: check it. */
		if (unlikely(rte_raw_cksum(d + GEN_OFF_IP, sizeof(struct rte_ipv4_hdr)) != 0xffff))
			a->bad_cksum++;
		seq = rte_be_to_cpu_32(st.seq);
		if ((int32_t)(seq - r->next_seq) < 0)
			a->reordered++;
		else
			r->next_seq = seq + 1;
		lat = now - rte_be_to_cpu_64(st.tsc);
		if (unlikely((int64_t)lat < 0))   /* TSC skew between cores */
			lat = 0;
		gen_lat_add(&r->lat, lat);
	} else if (st.magic == RTE_BE32(GEN_MAGIC_WARM)) {
		a->warm++;
	} else {
		a->other++;
	}
}

static inline void
rx_step(struct gen_rx *r)
{
	struct rte_mbuf *pkts[GEN_BURST_MAX];
	struct rx_acc a = { 0 };
	uint64_t now;
	uint16_t n, i;

	n = rte_eth_rx_burst(r->port, 0, pkts, r->burst);
	if (n == 0)
		return;
	/* One timestamp per burst: the frames of a burst arrived together. */
	now = rte_rdtsc();
	for (i = 0; i < n && i < GEN_RX_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + GEN_RX_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + GEN_RX_PREFETCH], void *));
		rx_one(r, pkts[i], now, &a);
	}
	rte_pktmbuf_free_bulk(pkts, n);

	if (a.ours != 0) {
		ctr_add(&r->st.packets, a.ours);
		ctr_add(&r->st.bytes, a.bytes);
	}
	if (unlikely((a.warm | a.other | a.bad_cksum | a.reordered) != 0)) {
		ctr_add(&r->st.warmup, a.warm);
		ctr_add(&r->st.other, a.other);
		ctr_add(&r->st.bad_cksum, a.bad_cksum);
		ctr_add(&r->st.reordered, a.reordered);
	}
}

int
gen_worker_main(void *arg)
{
	struct gen_worker *w = arg;
	bool tx_on = w->tx != NULL;

	if (tx_on)
		tx_init(w->tx);
	for (;;) {
		if (tx_on && tx_step(w->tx)) {
			tx_on = false;
			if (w->rx == NULL)
				break;
		}
		if (w->rx != NULL) {
			if (__atomic_load_n(&stop_rx_flag, __ATOMIC_RELAXED) != 0)
				break;
			rx_step(w->rx);
		}
	}
	return 0;
}
