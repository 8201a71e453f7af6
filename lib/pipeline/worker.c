/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "pg_fwd_worker.h"
#include "pg_worker.h"

/* Written by the control thread, read once per loop round by workers. */
static volatile int stop_requested;

void
pg_workers_stop(void)
{
	__atomic_store_n(&stop_requested, 1, __ATOMIC_RELAXED);
}

const char *
pg_worker_role_name(enum pg_worker_role role)
{
	switch (role) {
	case PG_ROLE_RTC: return "rtc";
	}
	return "?";
}

int
pg_workers_create(struct pg_worker **workers, const unsigned int *lcores,
		  unsigned int n, const struct pg_ports *ports,
		  const struct pg_fwd_ctx *ctx)
{
	unsigned int w, p;

	for (w = 0; w < n; w++) {
		struct pg_worker *wk;

		wk = rte_zmalloc_socket("pg_worker", sizeof(*wk), RTE_CACHE_LINE_SIZE,
					(int)rte_lcore_to_socket_id(lcores[w]));
		if (wk == NULL) {
			pg_workers_free(workers, w);
			return -ENOMEM;
		}
		wk->lcore_id = lcores[w];
		wk->index = w;
		wk->role = PG_ROLE_RTC;
		for (p = 0; p < ports->n_ports; p++) {
			const struct pg_port *port = &ports->port[p];

			if (w >= port->n_rxq)
				continue;
			wk->rxq[wk->n_rxq].port_id = port->port_id;
			wk->rxq[wk->n_rxq].port = (uint16_t)p;
			wk->rxq[wk->n_rxq].queue = (uint16_t)w;
			wk->n_rxq++;
		}
		pg_fwd_lcore_init(&wk->fwd, ctx, &wk->stats, (uint16_t)w);
		workers[w] = wk;
	}
	return 0;
}

void
pg_workers_free(struct pg_worker **workers, unsigned int n)
{
	unsigned int w;

	for (w = 0; w < n; w++) {
		rte_free(workers[w]);
		workers[w] = NULL;
	}
}

int
pg_worker_main(void *arg)
{
	struct pg_worker *wk = arg;
	struct pg_fwd_lcore *lc = &wk->fwd;
	struct pg_lcore_stats *st = &wk->stats;
	struct rte_mbuf *pkts[PG_BURST];
	const uint16_t n_rxq = wk->n_rxq;

	while (likely(__atomic_load_n(&stop_requested, __ATOMIC_RELAXED) == 0)) {
		uint64_t busy = 0;
		uint16_t q;

		for (q = 0; q < n_rxq; q++) {
			const struct pg_worker_rxq *rq = &wk->rxq[q];
			const uint16_t n = rte_eth_rx_burst(rq->port_id, rq->queue,
							    pkts, PG_BURST);

			if (n == 0)
				continue;
			busy = 1;
			pg_fwd_burst(lc, rq->port, pkts, n);
		}
		pg_fwd_tx_flush_all(lc);
		pg_stats_add(&st->polls, 1);
		pg_stats_add(&st->busy_polls, busy);
	}
	/* Nothing stays buffered: every packet is sent or counted. */
	pg_fwd_tx_flush_all(lc);
	return 0;
}
