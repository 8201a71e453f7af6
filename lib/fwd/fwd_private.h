/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FWD_PRIVATE_H
#define PG_FWD_PRIVATE_H

/*
 * What the stage files of lib/fwd share (fwd.c for IPv4, fwd6.c for IPv6):
 * the TX buffer inlines (forwarded, answers, ICMP errors) and the per-burst
 * drop list.
 */

#include <rte_mbuf.h>

#include "pg_fwd_worker.h"

static inline void
tx_enqueue(struct pg_fwd_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct pg_tx_buf *b = &lc->tx[port];

	b->pkts[b->n++] = m;
	if (unlikely(b->n == PG_TX_BUF))
		pg_fwd_tx_flush(lc, port);
}

/* Into an answer or error buffer, which counts in *pending; true when the
 * buffer is full now. */
static inline bool
tx_buf_add(struct pg_tx_buf *b, uint16_t *pending, struct rte_mbuf *m)
{
	b->pkts[b->n++] = m;
	(*pending)++;
	return b->n == PG_TX_BUF;
}

/* An answer (ARP reply, echo reply) goes back out of the ingress port. */
static inline void
tx_enqueue_local(struct pg_fwd_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	if (unlikely(tx_buf_add(&lc->tx_local[port], &lc->n_local_pending, m)))
		pg_fwd_tx_flush_local(lc, port);
}

/* An ICMP error goes out along the route back to the sender. */
static inline void
tx_enqueue_err(struct pg_fwd_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	if (unlikely(tx_buf_add(&lc->tx_err[port], &lc->n_err_pending, m)))
		pg_fwd_tx_flush_err(lc, port);
}

/* Drops are collected per burst and freed in bulk at its end. */
struct drop_list {
	uint16_t n;
	struct rte_mbuf *pkts[PG_BURST];
};

static inline void
drop(struct pg_fwd_lcore *lc, struct drop_list *dl, struct rte_mbuf *m,
     unsigned int reason)
{
	pg_stats_add(&lc->stats->drop[reason], 1);
	dl->pkts[dl->n++] = m;
}

/* Free a burst's drops in one call; each was counted under its reason. */
static inline void
drop_list_free(struct pg_fwd_lcore *lc, struct drop_list *dl, uint16_t in_port)
{
	if (dl->n != 0) {
		rte_pktmbuf_free_bulk(dl->pkts, dl->n);
		pg_stats_add(&lc->stats->port[in_port].rx_drops, dl->n);
	}
}

/* IPv6 stage: runs the IPv6 frames stage 1 set aside (lc->v6). */
void pg_fwd6_burst(struct pg_fwd_lcore *lc, uint16_t in_port);

#endif /* PG_FWD_PRIVATE_H */
