/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FWD_H
#define PG_FWD_H

/**
 * @file
 * The forwarding stages, control side: the read-only context the workers
 * share and the per-lcore state they own. The fast path is in
 * pg_fwd_worker.h.
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "pg_acl.h"
#include "pg_fib.h"
#include "pg_fib6.h"
#include "pg_stats.h"
#include "pg_token_bucket.h"

#define PG_FWD_MAX_PORTS PG_STATS_MAX_PORTS
/* Build-time knobs, measured in docs/decisions/0009-hot-loop-tuning.md
 * (e.g. meson setup -Dc_args=-DPG_BURST=64 for a variant build). */
#ifndef PG_BURST
#define PG_BURST 32                /**< RX burst, at most 64 */
#endif
#ifndef PG_TX_BUF
#define PG_TX_BUF 64               /**< per-port TX buffer; flushed when full or per loop */
#endif

/** What a worker needs to know of a port. */
struct pg_fwd_port {
	struct rte_ether_addr mac;
	uint16_t port_id;          /**< ethdev id */
	uint32_t ip4_be;           /**< our address, network order */
	uint16_t mtu;              /**< largest IPv4 datagram it sends (ports[].mtu) */
	/** A kernel interface mirrors the port: what is for us and not
	 * handled here is punted to it (docs/punt.md). In the padding. */
	uint8_t punt;
	/** 1: the port's RX does not check IPv4 header checksums (offload
	 * off), so the hot loop verifies every header in software without
	 * reading the mbuf's checksum flags; 0: the flags are honoured. */
	uint8_t sw_cksum;
};

/** Shared; tables inside change only by pointer swaps behind rcu. */
struct pg_fwd_ctx {
	const struct pg_fib *fib;
	/** Grace periods for table changes (pg_rcu.h); NULL: tables never
	 * change while workers run. */
	struct rte_rcu_qsbr *rcu;
	/** IPv6 table and our IPv6 addresses per port; NULL when no port has
	 * IPv6 on (IPv6 frames are then unsupported_ethertype). Built once at
	 * start; not yet under the live-update scheme of docs/decisions/0007. */
	const struct pg_fib6 *fib6;
	/** Firewall lists (pg_acl.h), NULL when none; replaced whole behind
	 * rcu (pg_acl_reload()), read once per burst with an acquire load. */
	const struct pg_acl *acl;
	unsigned int n_ports;
	struct pg_fwd_port port[PG_FWD_MAX_PORTS];
	/** ethdev port id -> pktgate port index, for packets that reach a
	 * forwarding lcore by ring (mbuf->port is the ethdev id). */
	uint8_t port_index[RTE_MAX_ETHPORTS];
	uint32_t icmp_rate;        /**< ICMP errors a second per lcore; 0: none */
	uint32_t icmp_burst;       /**< ICMP errors at once per lcore */
};

/*
 * Packets wait here until the round ends or the buffer fills. forwarded and
 * local are counted when the TX queue takes a packet, so that
 * rx = forwarded + local + drops holds exactly (a refused packet is a
 * tx_full drop, not also forwarded); answers (ARP, ICMP) have buffers of
 * their own so the forwarding path needs no per-packet flag. ICMP errors
 * have a third set: they are extra TX, counted by type when built (the
 * datagram they report stays counted as a drop).
 */
struct pg_tx_buf {
	uint16_t n;
	struct rte_mbuf *pkts[PG_TX_BUF];
};

/* Recent next-hop misses this lcore reported (pg_neigh.h): one report per
 * address per hold time, however many packets wait for it. */
#define PG_FWD_MISS_CACHE 64

struct pg_fwd_miss {
	uint32_t ip;
	uint64_t tsc;
};

/** One worker's forwarding state: written by that worker only. */
struct pg_fwd_lcore {
	const struct pg_fwd_ctx *ctx;
	struct pg_lcore_stats *stats;
	uint16_t txq;              /**< our TX queue on every port */
	uint16_t rcu_id;           /**< our reader id in ctx->rcu */
	uint16_t n_local_pending;  /**< answers waiting in tx_local[] */
	/** The last burst had a destination whose route is longer than /24
	 * (a tbl8 read): the next one prefetches tbl8 lines (fwd.c). */
	bool tbl8_seen;
	struct rte_ring *neigh_events;   /**< to the control thread (NULL: none) */
	struct rte_ring *inject;         /**< frames the control thread sends via us */
	struct rte_ring *punt;           /**< to the exception path (NULL: none) */
	struct rte_ring *neigh6_events;  /**< IPv6 ones (pg_neigh6.h; NULL: none) */
	uint64_t miss_hold_tsc;
	struct pg_fwd_miss miss[PG_FWD_MISS_CACHE];
	uint16_t n_v6;             /**< IPv6 frames of this burst set aside */
	struct rte_mbuf *v6[PG_BURST]; /**< for the IPv6 stage after IPv4's */
	uint16_t n_err_pending;    /**< ICMP errors waiting in tx_err[] */
	struct pg_token_bucket icmp_bucket;          /**< ICMP error rate limit */
	struct pg_tx_buf tx[PG_FWD_MAX_PORTS];       /**< forwarded */
	struct pg_tx_buf tx_local[PG_FWD_MAX_PORTS]; /**< answers, out of the ingress port */
	struct pg_tx_buf tx_err[PG_FWD_MAX_PORTS];   /**< ICMP errors, along the route back */
} __rte_cache_aligned;

/** Bind @p lc to the shared context, its counters and its TX queue; its
 * ICMP error bucket starts full. */
void pg_fwd_lcore_init(struct pg_fwd_lcore *lc, const struct pg_fwd_ctx *ctx,
		       struct pg_lcore_stats *stats, uint16_t txq);

#endif /* PG_FWD_H */
