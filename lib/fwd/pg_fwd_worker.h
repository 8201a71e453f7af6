/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FWD_WORKER_H
#define PG_FWD_WORKER_H

/**
 * @file
 * The forwarding stages, fast path: what a worker calls per RX burst.
 * No locks, no system calls, no logging, no allocation.
 */

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "pg_fwd.h"

/**
 * Run one received burst through the stages: Ethernet input, IPv4 checks,
 * route lookup, TTL/MAC rewrite or local answer, into the TX buffers. Every
 * packet ends in a TX buffer or freed with its drop reason counted. Receiving
 * is counted by whoever polled the port (pg_fwd_count_rx()).
 *
 * @param in_port  pktgate port index the burst came from
 * @param n        at most PG_BURST
 */
void pg_fwd_burst(struct pg_fwd_lcore *lc, uint16_t in_port,
		  struct rte_mbuf **pkts, uint16_t n);

/** Count @p n packets received on @p port by the polling lcore. */
static inline void
pg_fwd_count_rx(struct pg_lcore_stats *st, uint16_t port, uint16_t n)
{
	pg_stats_add(&st->rx, n);
	pg_stats_add(&st->port[port].rx, n);
}

/*
 * Send what a TX buffer holds; what the queue refuses is freed and counted
 * in *refused (the tx_full drop reason, or for ICMP errors, which are no
 * received packet, their own counter). Returns how many the queue took.
 */
static inline uint16_t
pg_fwd_tx_send(struct pg_fwd_lcore *lc, struct pg_tx_buf *b, uint16_t port,
	       uint64_t *refused)
{
	struct pg_lcore_stats *st = lc->stats;
	uint16_t sent;

	sent = rte_eth_tx_burst(lc->ctx->port[port].port_id, lc->txq, b->pkts, b->n);
	if (unlikely(sent < b->n)) {
		const uint16_t lost = b->n - sent;

		rte_pktmbuf_free_bulk(&b->pkts[sent], lost);
		pg_stats_add(refused, lost);
		pg_stats_add(&st->port[port].tx_drops, lost);
	}
	pg_stats_add(&st->tx, sent);
	pg_stats_add(&st->port[port].tx, sent);
	b->n = 0;
	return sent;
}

/** Send the forwarded packets buffered for @p port. */
static inline void
pg_fwd_tx_flush(struct pg_fwd_lcore *lc, uint16_t port)
{
	struct pg_tx_buf *b = &lc->tx[port];

	if (b->n != 0)
		pg_stats_add(&lc->stats->forwarded,
			     pg_fwd_tx_send(lc, b, port, &lc->stats->drop[PG_DROP_tx_full]));
}

/* Send an answer or error buffer, which counts in *pending; returns how
 * many the queue took. */
static inline uint16_t
pg_fwd_tx_flush_pending(struct pg_fwd_lcore *lc, struct pg_tx_buf *b, uint16_t port,
			uint16_t *pending, uint64_t *refused)
{
	if (b->n == 0)
		return 0;
	*pending -= b->n;
	return pg_fwd_tx_send(lc, b, port, refused);
}

/** Send the answers buffered for @p port. */
static inline void
pg_fwd_tx_flush_local(struct pg_fwd_lcore *lc, uint16_t port)
{
	pg_stats_add(&lc->stats->local,
		     pg_fwd_tx_flush_pending(lc, &lc->tx_local[port], port, &lc->n_local_pending,
					     &lc->stats->drop[PG_DROP_tx_full]));
}

/** Send the ICMP errors buffered for @p port (counted when built). */
static inline void
pg_fwd_tx_flush_err(struct pg_fwd_lcore *lc, uint16_t port)
{
	pg_fwd_tx_flush_pending(lc, &lc->tx_err[port], port, &lc->n_err_pending,
				&lc->stats->icmp[PG_ICMP_tx_full]);
}

/** Send what the control thread queued for us (rare: out of line). */
void pg_fwd_inject(struct pg_fwd_lcore *lc);

static inline void
pg_fwd_tx_flush_all(struct pg_fwd_lcore *lc)
{
	unsigned int p;

	if (unlikely(lc->inject != NULL) && !rte_ring_empty(lc->inject))
		pg_fwd_inject(lc);
	for (p = 0; p < lc->ctx->n_ports; p++)
		pg_fwd_tx_flush(lc, (uint16_t)p);
	if (unlikely(lc->n_local_pending != 0))
		for (p = 0; p < lc->ctx->n_ports; p++)
			pg_fwd_tx_flush_local(lc, (uint16_t)p);
	if (unlikely(lc->n_err_pending != 0))
		for (p = 0; p < lc->ctx->n_ports; p++)
			pg_fwd_tx_flush_err(lc, (uint16_t)p);
}

/*
 * Between loop rounds a worker holds no table pointer: tell the grace-period
 * tracker, so that a table change waits at most one round of each worker.
 */
static inline void
pg_fwd_quiescent(const struct pg_fwd_lcore *lc)
{
	if (lc->ctx->rcu != NULL)
		rte_rcu_qsbr_quiescent(lc->ctx->rcu, lc->rcu_id);
}

/** Around a worker's loop: it reads tables from online to offline. */
static inline void
pg_fwd_online(const struct pg_fwd_lcore *lc)
{
	if (lc->ctx->rcu != NULL)
		rte_rcu_qsbr_thread_online(lc->ctx->rcu, lc->rcu_id);
}

static inline void
pg_fwd_offline(const struct pg_fwd_lcore *lc)
{
	if (lc->ctx->rcu != NULL)
		rte_rcu_qsbr_thread_offline(lc->ctx->rcu, lc->rcu_id);
}

#endif /* PG_FWD_WORKER_H */
