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

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "pg_fwd_worker.h"
#include "pg_pkt.h"

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

/*
 * ICMP errors, both families (fwd.c drop_icmp(), fwd6.c drop_icmp6()):
 * the steps after the family's own suppression rules.
 */

/* May the error go? Only along a FORWARD route back to the source (a LOCAL
 * one means the source is ours) and within the lcore's rate; a refusal is
 * counted. */
static inline bool
icmp_err_may_send(struct pg_fwd_lcore *lc, const struct pg_nexthop *back)
{
	struct pg_lcore_stats *st = lc->stats;

	if (back->type != PG_NH_FORWARD) {
		pg_stats_add(&st->icmp[back->type == PG_NH_LOCAL ? PG_ICMP_suppressed :
				       PG_ICMP_no_route_back], 1);
		return false;
	}
	if (!pg_token_take(&lc->icmp_bucket, rte_rdtsc())) {
		pg_stats_add(&st->icmp[PG_ICMP_rate_limited], 1);
		return false;
	}
	return true;
}

/* Where the error's headers go: @p grow bytes in front of the datagram, in
 * the headroom. The quote must lie in the first segment; the rest of a
 * chain is freed. */
static inline uint8_t *
icmp_err_frame(struct rte_mbuf *m, uint16_t grow)
{
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	return (uint8_t *)rte_pktmbuf_prepend(m, grow);
}

/* Queue the error built in @p m (@p len bytes) toward the route back; it
 * counts as sent (@p counter), its datagram as a drop of @p in_port. */
static inline void
icmp_err_queue(struct pg_fwd_lcore *lc, uint16_t in_port, const struct pg_nexthop *back,
	       struct rte_mbuf *m, uint32_t len, unsigned int counter)
{
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	pg_stats_add(&lc->stats->icmp[counter], 1);
	pg_stats_add(&lc->stats->port[in_port].rx_drops, 1);
	tx_enqueue_err(lc, back->port, m);
}

/*
 * The exception path (docs/punt.md): a packet for us that the stages do
 * not handle goes to the kernel interface mirroring @p port, through this
 * lcore's ring to the control thread. Never waits: a full ring is the
 * punt_full drop (the caller frees the packet). A punted packet is
 * delivered locally: it counts in local (and punted), so that
 * rx = forwarded + local + drops stays exact. Slow path only.
 */
static inline unsigned int
punt(struct pg_fwd_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	m->hash.usr = port;
	if (rte_ring_sp_enqueue(lc->punt, m) != 0)
		return PG_DROP_punt_full;
	pg_stats_add(&lc->stats->local, 1);
	pg_stats_add(&lc->stats->punted, 1);
	return PG_PKT_OK;
}

/* Punt instead of dropping for @p reason, when @p port has a kernel
 * interface; else the drop reason stands. */
static inline unsigned int
punt_or(struct pg_fwd_lcore *lc, uint16_t port, struct rte_mbuf *m, unsigned int reason)
{
	return lc->ctx->port[port].punt ? punt(lc, port, m) : reason;
}

/* IPv6 stage: runs the IPv6 frames stage 1 set aside (lc->v6). */
void pg_fwd6_burst(struct pg_fwd_lcore *lc, uint16_t in_port);

#endif /* PG_FWD_PRIVATE_H */
