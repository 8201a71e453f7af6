/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <assert.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_fib.h>
#include <rte_prefetch.h>
#include <rte_vect.h>

#include "fwd_private.h"
#include "pg_acl_worker.h"
#include "pg_fib_lookup.h"
#include "pg_flow_hash.h"
#include "pg_fwd_worker.h"
#include "pg_neigh.h"
#include "pg_icmp_error.h"
#include "pg_pkt.h"

/* How far ahead the parse loop prefetches packet data (decision 0009). */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 4
#endif
/* arp_input's verdict for a frame it consumed without an answer. */
#define PG_PKT_CONSUMED (PG_PKT_OK + 1)

void
pg_fwd_lcore_init(struct pg_fwd_lcore *lc, const struct pg_fwd_ctx *ctx,
		  struct pg_lcore_stats *stats, uint16_t txq)
{
	memset(lc, 0, sizeof(*lc));
	lc->ctx = ctx;
	lc->stats = stats;
	lc->txq = txq;
	pg_token_init(&lc->icmp_bucket, rte_get_tsc_hz(), ctx->icmp_rate, ctx->icmp_burst,
		      rte_rdtsc());
	lc->miss_hold_tsc = rte_get_tsc_hz() / 1000 * PG_NEIGH_MISS_HOLD_MS;
}

static void
neigh_event(struct pg_fwd_lcore *lc, uint8_t kind, uint32_t ip_be, uint16_t port,
	    const struct rte_ether_addr *mac)
{
	struct pg_neigh_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ip = rte_be_to_cpu_32(ip_be);
	ev.port = port;
	ev.kind = kind;
	if (mac != NULL)
		memcpy(ev.mac, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	/* Full means the control thread is behind: the next miss asks again. */
	rte_ring_sp_enqueue_elem(lc->neigh_events, &ev, sizeof(ev));
}

/* A packet found no MAC for its next hop: ask the control thread to
 * resolve the gateway (or, on a connected subnet, the destination), once
 * per hold time. The packet itself is dropped (pg_neigh.h). */
static __rte_noinline void
neigh_miss(struct pg_fwd_lcore *lc, const struct pg_nexthop *nh, uint32_t dst_be)
{
	uint32_t ip = pg_nexthop_unresolved_ip(nh);
	struct pg_fwd_miss *c;
	uint64_t now;

	if (lc->neigh_events == NULL)
		return;
	if (ip == 0)
		ip = dst_be;
	c = &lc->miss[(rte_be_to_cpu_32(ip) * 2654435761u) >> 26];
	now = rte_rdtsc();
	if (c->ip == ip && now - c->tsc < lc->miss_hold_tsc)
		return;
	c->ip = ip;
	c->tsc = now;
	neigh_event(lc, PG_NEIGH_EV_RESOLVE, ip, nh->port, NULL);
}

void
pg_fwd_inject(struct pg_fwd_lcore *lc)
{
	struct pg_lcore_stats *st = lc->stats;
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(lc->inject, (void **)&m) == 0) {
		const uint16_t port = (uint16_t)m->hash.usr;

		if (port >= lc->ctx->n_ports ||
		    rte_eth_tx_burst(lc->ctx->port[port].port_id, lc->txq, &m, 1) != 1) {
			rte_pktmbuf_free(m);
			continue;
		}
		pg_stats_add(&st->ctl_tx, 1);
		pg_stats_add(&st->tx, 1);
		pg_stats_add(&st->port[port].tx, 1);
	}
}

/*
 * Per-packet state of one burst, kept in burst-local arrays (structure of
 * arrays, so the route lookup loads four destinations at once) rather than
 * in the mbuf: the stages never touch an extra mbuf cache line. It must stay
 * small: 16 bytes a packet, four packets to a cache line.
 */
struct burst_state {
	uint32_t dst[PG_BURST];            /**< IPv4 destination, host order */
	uint64_t hop[PG_BURST];            /**< next hop index (rte_fib gives 64 bits) */
	struct rte_mbuf *pkts[PG_BURST];   /**< IPv4 packets that passed stage 1 */
};
static_assert(sizeof(struct burst_state) / PG_BURST <= RTE_CACHE_LINE_SIZE,
	      "per-packet metadata must fit one cache line");
static_assert(PG_BURST <= 64, "opt_mask has one bit per packet of a burst");

/* Drop reasons that owe the sender an ICMP error, one bit each. */
#define ICMP_REASONS (UINT64_C(1) << PG_DROP_ttl_exceeded | UINT64_C(1) << PG_DROP_no_route | \
		      UINT64_C(1) << PG_DROP_no_neighbor | UINT64_C(1) << PG_DROP_frag_needed)
static_assert(PG_DROP_MAX <= 64, "ICMP_REASONS has one bit per drop reason");
static_assert(RTE_PKTMBUF_HEADROOM >= PG_ICMP4_ERR_GROW,
	      "ICMP errors are built in the headroom of the packet they report");

/* The error each of those reasons sends (RFC 1812 5.2.7.1, 5.3.1; RFC 1191). */
static const struct {
	uint8_t type, code, counter;
} icmp_kind[PG_DROP_MAX] = {
	[PG_DROP_ttl_exceeded] = { PG_ICMP4_TIME_EXCEEDED, PG_ICMP4_TTL_EXCEEDED_CODE,
				   PG_ICMP_time_exceeded },
	[PG_DROP_no_route] = { PG_ICMP4_DEST_UNREACH, PG_ICMP4_NET_UNREACH_CODE,
			       PG_ICMP_net_unreachable },
	/* Code 1, not 0: there is a route, its next hop (or the host on a
	 * connected subnet) does not resolve (RFC 1812 5.2.7.1). */
	[PG_DROP_no_neighbor] = { PG_ICMP4_DEST_UNREACH, PG_ICMP4_HOST_UNREACH_CODE,
				  PG_ICMP_host_unreachable },
	[PG_DROP_frag_needed] = { PG_ICMP4_DEST_UNREACH, PG_ICMP4_FRAG_NEEDED_CODE,
				  PG_ICMP_frag_needed },
};

/* Look up n destinations (inline DIR-24-8 walk, pg_fib_lookup.h); a miss
 * takes the default route's next hop, which is the NO_ROUTE next hop
 * without one. */
static inline void
route_lookup(const struct pg_fib_side *fib, uint32_t *dst, uint64_t *hop, uint16_t n)
{
	pg_fib_lookup4(fib, dst, hop, n);
}

/* ECMP (docs/decisions/0010-ecmp.md): the member of group next hop @p nh
 * that flow hash @p hash goes to (its bucket: *@p bucket). */
static inline uint32_t
group_pick(const struct pg_fib_side *fib, const struct pg_nexthop *nh, uint32_t hash,
	   uint32_t *bucket)
{
	*bucket = pg_fib_group_bucket(hash);
	return fib->grp[pg_nexthop_group(nh)].nh[*bucket];
}

/* The flow hash of an IPv4 packet: the NIC's RSS hash when it gave one,
 * else the same CRC32-C the pipeline distributor uses. */
static inline uint32_t
ecmp_hash(const struct rte_mbuf *m)
{
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		return m->hash.rss;
	return pg_flow_hash_ip4(rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
							sizeof(struct rte_ether_hdr)),
				m->data_len - (uint32_t)sizeof(struct rte_ether_hdr));
}

/*
 * A packet whose route is a next-hop group: the member its flow goes to
 * (its next-hop index), counted for that member (per worker;
 * /pktgate/nhgroups sums). Out of line: single-path routes never come
 * here (their next hop is FORWARD, or one of the other special kinds).
 */
static __rte_noinline uint32_t
group_member(struct pg_fwd_lcore *lc, const struct pg_fib_side *fib,
	     const struct pg_nexthop *nh, const struct rte_mbuf *m)
{
	const uint32_t g = pg_nexthop_group(nh);
	uint32_t bucket, hop;

	hop = group_pick(fib, nh, ecmp_hash(m), &bucket);
	pg_stats_add(&fib->grp_pkts[(size_t)lc->rcu_id * fib->grp_worker_stride +
				    g * fib->grp_members + fib->grp[g].slot[bucket]], 1);
	return hop;
}

/*
 * Turn the dropped datagram @p m into the ICMP error that reports it, in
 * its own mbuf (headers written into the headroom in front of the quoted
 * datagram), and queue it along the route back to its source. The error's
 * source is the address of the port the datagram came in on. Returns false
 * when no error is sent (each case counted): the caller frees @p m.
 */
static bool
icmp_error(struct pg_fwd_lcore *lc, const struct pg_fib_side *fib, uint16_t in_port,
	   struct rte_mbuf *m, unsigned int reason, const struct pg_nexthop *nh)
{
	const struct pg_fwd_ctx *ctx = lc->ctx;
	struct pg_lcore_stats *st = lc->stats;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const uint32_t src_be = ip->src_addr;
	const struct pg_nexthop *back;
	uint32_t src = rte_be_to_cpu_32(src_be), quote, len, g;
	uint64_t hop;
	uint8_t *frame;

	/* With dynamic ARP a miss starts a resolution (the datagram is not
	 * held): the next hop may answer in a moment, and this worker cannot
	 * tell a pending resolution from a failed one. Host unreachable is
	 * for a neighbor that does not resolve (RFC 1812 5.2.7.1; Linux sends
	 * it when resolution fails), so only static neighbors give one. */
	if (reason == PG_DROP_no_neighbor && lc->neigh_events != NULL) {
		pg_stats_add(&st->icmp[PG_ICMP_neighbor_pending], 1);
		return false;
	}
	if (!pg_icmp4_error_allowed(eth, ip, m->data_len) ||
	    rte_pktmbuf_headroom(m) < PG_ICMP4_ERR_GROW) {
		pg_stats_add(&st->icmp[PG_ICMP_suppressed], 1);
		return false;
	}
	/* Back along the route to the source, never blindly out of the
	 * ingress port; a LOCAL next hop means the source is one of our
	 * addresses or a subnet broadcast: no error for those either. */
	route_lookup(fib, &src, &hop, 1);
	back = &fib->nh[hop];
	if (back->type == PG_NH_GROUP)  /* the hash is symmetric: the flow's own way back */
		back = &fib->nh[group_pick(fib, back, pg_flow_hash_ip4(ip, m->data_len -
				(uint32_t)sizeof(*eth)), &g)];
	if (!icmp_err_may_send(lc, back))
		return false;
	quote = RTE_MIN(pg_icmp4_quote_len(rte_be_to_cpu_16(ip->total_length)),
			(uint32_t)m->data_len - (uint32_t)sizeof(*eth));
	frame = icmp_err_frame(m, PG_ICMP4_ERR_GROW);
	len = pg_icmp4_error_build(frame, quote, ctx->port[in_port].ip4_be, src_be,
				   icmp_kind[reason].type, icmp_kind[reason].code,
				   reason == PG_DROP_frag_needed ?
				   rte_cpu_to_be_32(ctx->port[nh->port].mtu) : 0,
				   back->l2);
	icmp_err_queue(lc, in_port, back, m, len, icmp_kind[reason].counter);
	return true;
}

/*
 * Drop with a reason that may owe the sender an ICMP error: the slow path
 * of every drop the route stage decides. The datagram is counted under its
 * reason either way; it becomes the error or goes to the drop list.
 * @p nh is the route it failed on (for "fragmentation needed", its port's
 * MTU goes into the error), @p fib the burst's copy of the table (the route
 * back is looked up in the same copy as the route forward).
 */
static __rte_noinline void
drop_icmp(struct pg_fwd_lcore *lc, struct drop_list *dl, const struct pg_fib_side *fib,
	  uint16_t in_port, struct rte_mbuf *m, unsigned int reason,
	  const struct pg_nexthop *nh)
{
	pg_stats_add(&lc->stats->drop[reason], 1);
	if (((ICMP_REASONS >> reason) & 1) && lc->icmp_bucket.cost != 0 &&
	    icmp_error(lc, fib, in_port, m, reason, nh))
		return;
	dl->pkts[dl->n++] = m;
}

/* Over the egress MTU: with DF the sender learns the MTU (RFC 1191), without
 * it the datagram is dropped, not fragmented (docs/architecture.md). */
static inline unsigned int
mtu_reason(const struct rte_ipv4_hdr *ip)
{
	return ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG) ?
	       PG_DROP_frag_needed : PG_DROP_mtu_exceeded;
}

/* ARP: the slow path, kept out of line so the IPv4 loop stays small. */
static __rte_noinline unsigned int
arp_input(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m)
{
	const struct pg_fwd_port *p = &lc->ctx->port[in_port];
	unsigned int r;

	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_arp_hdr *arp = (const struct rte_arp_hdr *)(eth + 1);

	r = pg_arp_reply(eth, m->data_len, &p->mac, p->ip4_be);
	if (r == PG_PKT_OK) {
		/* A request for us: the asker is a neighbor worth knowing
		 * (its address and MAC are now the reply's target). */
		if (lc->neigh_events != NULL)
			neigh_event(lc, PG_NEIGH_EV_ASKED_US, arp->arp_data.arp_tip, in_port,
				    &arp->arp_data.arp_tha);
		tx_enqueue_local(lc, in_port, m);
		return r;
	}
	/* A reply to one of our requests (pg_arp_reply checked its header),
	 * or to the kernel interface's: it goes there too (docs/punt.md). */
	if (r == PG_DROP_arp_not_ours && (lc->neigh_events != NULL || p->punt) &&
	    arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY) &&
	    arp->arp_data.arp_tip == p->ip4_be) {
		if (lc->neigh_events != NULL)
			neigh_event(lc, PG_NEIGH_EV_SEEN, arp->arp_data.arp_sip, in_port,
				    &arp->arp_data.arp_sha);
		if (p->punt)
			return punt(lc, in_port, m);
		pg_stats_add(&lc->stats->local, 1);
		pg_stats_add(&lc->stats->consumed, 1);
		rte_pktmbuf_free(m);
		return PG_PKT_CONSUMED;
	}
	return r;
}

/*
 * For us but not handled here (TCP, UDP, other ICMP, fragments, broadcasts):
 * to the kernel interface of the ingress port, else of the port that owns
 * the address (the kernel takes any of its addresses on any interface);
 * dropped as @p reason when neither has one.
 */
static unsigned int
punt_local(struct pg_fwd_lcore *lc, uint16_t in_port, uint16_t local_port,
	   struct rte_mbuf *m, unsigned int reason)
{
	if (lc->ctx->port[in_port].punt)
		return punt(lc, in_port, m);
	return punt_or(lc, local_port, m, reason);
}

/*
 * Addressed to us: answer ICMP echo out of the ingress port; the rest goes
 * to the kernel interface if there is one (punt_local()), else is dropped.
 * Only our own unicast address is answered: a reply to a directed broadcast
 * would need a source that is not the broadcast (RFC 1122 3.2.2.6 lets us
 * discard those, and RFC 2644 asks routers not to amplify them).
 */
static __rte_noinline unsigned int
local_input(struct pg_fwd_lcore *lc, uint16_t in_port, uint16_t local_port,
	    struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	const uint32_t hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	const uint32_t off = (uint32_t)sizeof(*eth) + hlen;
	const uint32_t tlen = rte_be_to_cpu_16(ip->total_length);
	uint16_t sum = 0;
	unsigned int r;

	if (ip->dst_addr != lc->ctx->port[local_port].ip4_be)
		return punt_local(lc, in_port, local_port, m, PG_DROP_not_ours_local);
	/* The IPv4 checks put tlen within the frame; the message may span
	 * segments (jumbo frames arrive chained). */
	if (tlen > hlen) {
		if (m->nb_segs == 1 && off + (tlen - hlen) <= m->data_len)
			sum = rte_raw_cksum(rte_pktmbuf_mtod_offset(m, void *, off), tlen - hlen);
		else if (rte_raw_cksum_mbuf(m, off, tlen - hlen, &sum) != 0)
			return PG_DROP_bad_icmp;
	}
	r = pg_icmp_echo_check(eth, ip, m->data_len, sum);
	if (r == PG_DROP_not_ours_local)
		return punt_local(lc, in_port, local_port, m, r);
	if (r != PG_PKT_OK)
		return r;
	pg_icmp_echo_reply(eth, ip, m->data_len, &lc->ctx->port[in_port].mac);
	tx_enqueue_local(lc, in_port, m);
	return PG_PKT_OK;
}

/* What the classifier reads of b->pkts[i]: its IPv4 header, or for a packet
 * with options a flattened copy in flat (so the L4 ports are where the
 * classifier expects them). */
static inline const uint8_t *
acl_input(const struct burst_state *b, uint16_t i, uint64_t opts,
	  uint8_t flat[PG_ACL_IP4_INPUT])
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(b->pkts[i],
		const struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));

	return unlikely((opts >> i) & 1) ? pg_acl_ip4_flatten(ip, flat) : (const uint8_t *)ip;
}

/* Take the packets of @p deny out of the burst (acl_deny), keeping order. */
static uint16_t
acl_drop(struct pg_fwd_lcore *lc, struct burst_state *b, uint16_t n, uint64_t deny,
	 uint64_t *opt_mask, struct drop_list *dl)
{
	const uint64_t opts = *opt_mask;
	uint64_t kept_opts = 0;
	uint16_t i, k = 0;

	for (i = 0; i < n; i++) {
		if ((deny >> i) & 1) {
			drop(lc, dl, b->pkts[i], PG_DROP_acl_deny);
			continue;
		}
		kept_opts |= ((opts >> i) & 1) << k;
		b->dst[k] = b->dst[i];
		b->hop[k] = b->hop[i];
		b->pkts[k++] = b->pkts[i];
	}
	*opt_mask = kept_opts;
	return k;
}

/*
 * Stage 1b, the firewall on the way in: one bulk classify of the burst's
 * IPv4 packets against the ingress port's list. Returns the new count.
 */
static __rte_noinline uint16_t
acl_filter_in(struct pg_fwd_lcore *lc, const struct pg_acl *acl, const struct pg_acl_list *l,
	      struct burst_state *b, uint16_t n, uint64_t *opt_mask, struct drop_list *dl)
{
	uint8_t flat[PG_BURST][PG_ACL_IP4_INPUT];
	const uint8_t *data[PG_BURST];
	uint64_t deny;
	uint16_t i;

	for (i = 0; i < n; i++)
		data[i] = acl_input(b, i, *opt_mask, flat[i]);
	deny = pg_acl_classify4(acl, l, data, n, lc->rcu_id);
	PG_STAGE_MARK(lc->stats, PG_STAGE_acl, n);
	if (likely(deny == 0))
		return n;
	return acl_drop(lc, b, n, deny, opt_mask, dl);
}

/*
 * Stage 2b, the firewall on the way out: packets the route sends out of a
 * port with an out list, one bulk classify per such port. Packets for us
 * and answers are not filtered (they do not leave by a route).
 */
static __rte_noinline uint16_t
acl_filter_out(struct pg_fwd_lcore *lc, const struct pg_acl *acl,
	       const struct pg_fib_side *fib, struct burst_state *b, uint16_t n,
	       uint64_t *opt_mask, struct drop_list *dl)
{
	const struct pg_nexthop *nhs = fib->nh;
	uint8_t flat[PG_BURST][PG_ACL_IP4_INPUT];
	const uint8_t *data[PG_BURST];
	uint8_t idx[PG_BURST];
	uint64_t pending = 0, m;
	uint64_t deny_all = 0, deny;
	uint16_t i, j, k, port;

	for (i = 0; i < n; i++) {
		const struct pg_nexthop *nh = &nhs[b->hop[i]];

		/* ECMP: filtered by the member's port, so pick it now. */
		if (nh->type == PG_NH_GROUP) {
			b->hop[i] = group_member(lc, fib, nh, b->pkts[i]);
			nh = &nhs[b->hop[i]];
		}
		if (nh->type == PG_NH_FORWARD && pg_acl_out_list(acl, nh->port) != NULL)
			pending |= UINT64_C(1) << i;
	}
	while (pending != 0) {
		port = nhs[b->hop[rte_bsf64(pending)]].port;
		for (k = 0, m = pending; m != 0; m &= m - 1) {
			i = (uint16_t)rte_bsf64(m);
			if (nhs[b->hop[i]].port != port)
				continue;
			pending &= ~(UINT64_C(1) << i);
			data[k] = acl_input(b, i, *opt_mask, flat[i]);
			idx[k++] = (uint8_t)i;
		}
		deny = pg_acl_classify4(acl, pg_acl_out_list(acl, port), data, k, lc->rcu_id);
		for (j = 0; j < k; j++)
			deny_all |= ((deny >> j) & 1) << idx[j];
	}
	PG_STAGE_MARK(lc->stats, PG_STAGE_acl, n);
	if (likely(deny_all == 0))
		return n;
	return acl_drop(lc, b, n, deny_all, opt_mask, dl);
}

/*
 * Stage 3 for next hops other than FORWARD: answered locally (PG_PKT_OK) or
 * the drop reason, in RFC 1812 order (for a route out of a port we cannot
 * send on, L2, TTL and MTU are judged before the missing neighbor: a
 * neighbor is resolved for the datagram as it would leave).
 */
static __rte_noinline unsigned int
stage3_special(struct pg_fwd_lcore *lc, uint16_t in_port, const struct pg_nexthop *nh,
	       struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

	switch (nh->type) {
	case PG_NH_LOCAL:
		return local_input(lc, in_port, nh->port, m);
	case PG_NH_NO_ROUTE:
		return PG_DROP_no_route;
	default:
		if (rte_is_multicast_ether_addr(&eth->dst_addr))
			return PG_DROP_l2_multicast;
		if (ip->time_to_live <= 1)
			return PG_DROP_ttl_exceeded;
		if (rte_be_to_cpu_16(ip->total_length) > lc->ctx->port[nh->port].mtu)
			return mtu_reason(ip);
		neigh_miss(lc, nh, ip->dst_addr);
		return PG_DROP_no_neighbor;
	}
}

/*
 * Stage 1 for everything the fast test did not pass: the checks in their
 * RFC 1812 order, each failure under its own reason. ARP is answered here;
 * IPv6 frames on a port with IPv6 on are set aside for pg_fwd6_burst().
 * Returns true for an IPv4 packet to route (its destination in *dst).
 */
static __rte_noinline bool
stage1_slow(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m,
	    struct drop_list *dl, uint32_t *dst, uint64_t *opt_mask, uint16_t idx,
	    bool *l2_mcast)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const uint64_t cksum = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	const struct pg_fib6 *f6 = lc->ctx->fib6;
	const struct pg_fib6_port *p6 = f6 != NULL && f6->port[in_port].enabled ?
					&f6->port[in_port] : NULL;
	uint32_t src, d;
	uint16_t et;
	unsigned int r;

	r = pg_eth_input(eth, m->data_len, &lc->ctx->port[in_port].mac,
			 p6 != NULL ? p6->sn : NULL, &et);
	if (r != PG_PKT_OK)
		goto drop;
	if (et != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		if (et == RTE_BE16(RTE_ETHER_TYPE_IPV6) && p6 != NULL) {
			lc->v6[lc->n_v6++] = m;
			return false;
		}
		if (et != RTE_BE16(RTE_ETHER_TYPE_ARP)) {
			r = PG_DROP_unsupported_ethertype;
			goto drop;
		}
		r = arp_input(lc, in_port, m);
		if (r != PG_PKT_OK && r != PG_PKT_CONSUMED)
			goto drop;
		return false;
	}
	if (cksum == RTE_MBUF_F_RX_IP_CKSUM_BAD) {
		r = PG_DROP_bad_checksum;
		goto drop;
	}
	r = pg_ip4_validate(ip, m->data_len - (uint32_t)sizeof(*eth),
			    m->pkt_len - (uint32_t)sizeof(*eth),
			    cksum == RTE_MBUF_F_RX_IP_CKSUM_GOOD);
	if (r != PG_PKT_OK)
		goto drop;
	src = rte_be_to_cpu_32(ip->src_addr);
	d = rte_be_to_cpu_32(ip->dst_addr);
	if (pg_ip4_martian_src(src)) {
		r = PG_DROP_martian_src;
		goto drop;
	}
	if (pg_ip4_martian_dst(d)) {
		/* Limited broadcast is for us, just not handled; so is
		 * link-local multicast (OSPF, VRRP...) if the kernel
		 * interface takes it. */
		r = d == UINT32_MAX ? PG_DROP_not_ours_local : PG_DROP_martian_dst;
		if (d == UINT32_MAX || (d & 0xffffff00) == 0xe0000000)
			r = punt_or(lc, in_port, m, r);
		if (r == PG_PKT_OK)
			return false;
		goto drop;
	}
	if (ip->version_ihl != RTE_IPV4_VHL_DEF)
		*opt_mask |= UINT64_C(1) << idx;
	/* Only frames that came this way can be L2 multicast or broadcast
	 * (the fast test wants our unicast MAC): stage 3 tests for them
	 * only in bursts that have one. */
	if (rte_is_multicast_ether_addr(&eth->dst_addr))
		*l2_mcast = true;
	*dst = d;
	return true;
drop:
	drop(lc, dl, m, r);
	return false;
}

/*
 * Stage 1 for one packet: into the burst state (b->dst, b->pkts) if it is
 * an IPv4 packet to route. Its route's tbl24 line is prefetched then: the
 * lookup is a stage away, time for the line to arrive (1M routes do not
 * fit the caches).
 */
static __rte_always_inline void
stage1(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m, uint64_t mac48,
       const uint8_t *pf_base, unsigned int pf_shift, struct burst_state *b, unsigned int *n_ip,
       uint64_t *opt_mask, bool *l2_mcast, struct drop_list *dl, const bool hw_cksum)
{
	/* Written in place by either path: no local whose address escapes
	 * into the slow path (it would live on the stack). */
	uint32_t *d = &b->dst[*n_ip];

	if (likely(pg_ip4_fast_ok48(rte_pktmbuf_mtod(m, const struct rte_ether_hdr *),
				    m->data_len, m->pkt_len, mac48,
				    hw_cksum ? m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK :
				    RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, d)) ||
	    stage1_slow(lc, in_port, m, dl, d, opt_mask, (uint16_t)*n_ip, l2_mcast)) {
		rte_prefetch0(pf_base + ((uint64_t)*d >> pf_shift));
		b->pkts[(*n_ip)++] = m;
	}
}

/*
 * Stage 1 for a burst: the common case passes one fast test; anything else
 * takes the slow path, which names the drop reason. Two loops so that the
 * one prefetching packet data PREFETCH_AHEAD packets on needs no bound test
 * per packet. Inlined twice: with @p hw_cksum false (a port whose RX does
 * not check checksums) the mbuf's checksum flags are not even read, every
 * header is verified in software. Returns how many IPv4 packets to route.
 */
static __rte_always_inline unsigned int
stage1_burst(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
	     uint64_t mac48, const uint8_t *pf_base, unsigned int pf_shift,
	     struct burst_state *b, uint64_t *opt_mask, bool *l2_mcast, struct drop_list *dl,
	     const bool hw_cksum)
{
	unsigned int i, n_ip = 0;

	for (i = 0; i + PREFETCH_AHEAD < n; i++) {
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		stage1(lc, in_port, pkts[i], mac48, pf_base, pf_shift, b, &n_ip, opt_mask, l2_mcast,
		       dl, hw_cksum);
	}
	for (; i < n; i++)
		stage1(lc, in_port, pkts[i], mac48, pf_base, pf_shift, b, &n_ip, opt_mask, l2_mcast,
		       dl, hw_cksum);
	return n_ip;
}

/* How stage 3 finds each packet's next hop. */
enum hop_mode {
	HOP_ARRAY,      /* in b->hop already (stage 2 ran: rte_fib, egress ACL) */
	HOP_WALK_2B,    /* walk the table here, 2-byte entries */
	HOP_WALK_4B,    /* 4-byte entries */
	HOP_TBL8,       /* b->hop holds the tbl24 entry (2-byte), finish the walk */
};

/* Read the tbl24 entry of each destination into b->hop, prefetching the
 * tbl8 line of those that need one (2-byte entries). Returns whether any
 * did. */
static inline bool
tbl24_pass(const struct pg_fib_side *fib, struct burst_state *b, unsigned int n)
{
	uint64_t ext = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		b->hop[i] = pg_fib_walk4_2b_start(fib->tbl24, fib->tbl8, b->dst[i]);
		ext |= b->hop[i];
	}
	return (ext & PG_FIB_EXT_ENT) != 0;
}

/*
 * Stage 3: TTL, rewrite, into the egress TX buffer. One test on the next
 * hop's type keeps everything but plain forwarding out of the hot path.
 * Inlined once per hop_mode: without an egress ACL the route lookup
 * happens here, one table read per packet, with no pass of its own.
 * Returns how many forwarded packets carried IP options.
 */
static __rte_always_inline uint64_t
stage3(struct pg_fwd_lcore *lc, const struct pg_fib_side *fib, uint16_t in_port,
       const struct burst_state *b, unsigned int n_ip, uint64_t opt_mask, struct drop_list *dl,
       const enum hop_mode mode, const bool l2_mcast)
{
	const struct pg_fwd_ctx *ctx = lc->ctx;
	const struct pg_nexthop *nhs = fib->nh;
	const void *t24 = fib->tbl24, *t8 = fib->tbl8;
	/* The TX buffer of the last egress port, its count kept here: the
	 * header stores below could alias it, the local cannot. The slow
	 * paths only touch the answer and error buffers. */
	struct pg_tx_buf *tb = &lc->tx[0];
	uint16_t tport = 0, tn = tb->n;
	/* The egress port's MTU, reloaded with the TX buffer when the port
	 * changes: the MTU test is one register compare (decision 0009). */
	uint16_t tmtu = ctx->port[0].mtu;
	uint64_t not_fwd = 0;      /* bit i: b->pkts[i] was not forwarded */
	bool tbl8_seen = false;    /* HOP_WALK_2B: some route was longer than /24 */
	unsigned int i;

	for (i = 0; i < n_ip; i++) {
		struct rte_mbuf *m = b->pkts[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		const uint32_t hop = mode == HOP_ARRAY ? (uint32_t)b->hop[i] :
				     mode == HOP_WALK_2B ?
				     pg_fib_walk4_2b_seen(t24, t8, b->dst[i], &tbl8_seen) :
				     mode == HOP_TBL8 ?
				     pg_fib_walk4_2b_finish(t8, (uint32_t)b->hop[i], b->dst[i]) :
				     pg_fib_walk4_4b(t24, t8, b->dst[i]);
		const struct pg_nexthop *nh = &nhs[hop];
		unsigned int r;
		uint32_t ttlw;

		if (unlikely(nh->type != PG_NH_FORWARD)) {
			/* ECMP: the flow's member, then on as any route. */
			if (nh->type == PG_NH_GROUP)
				nh = &nhs[group_member(lc, fib, nh, m)];
			if (nh->type != PG_NH_FORWARD) {
				r = stage3_special(lc, in_port, nh, m);
				if (r != PG_PKT_OK)
					drop_icmp(lc, dl, fib, in_port, m, r, nh);
				not_fwd |= UINT64_C(1) << i;
				continue;
			}
		}
		/* RFC 1812 5.3.4: a unicast datagram in a link-layer
		 * broadcast/multicast frame is not forwarded (only bursts
		 * with such a frame test). */
		if (l2_mcast && unlikely(rte_is_multicast_ether_addr(&eth->dst_addr))) {
			drop(lc, dl, m, PG_DROP_l2_multicast);
			not_fwd |= UINT64_C(1) << i;
			continue;
		}
		/* The egress port's TX buffer and MTU first (a packet dropped
		 * below leaves the buffer as it was). */
		if (unlikely(nh->port != tport)) {
			tb->n = tn;
			tport = nh->port;
			tb = &lc->tx[tport];
			tn = tb->n;
			tmtu = ctx->port[tport].mtu;
		}
		/* TTL, protocol and checksum: one load for the test and the
		 * update. */
		ttlw = pg_ip4_ttl_word(ip);
		if (unlikely(pg_ip4_ttl_of_word(ttlw) <= 1)) {
			drop_icmp(lc, dl, fib, in_port, m, PG_DROP_ttl_exceeded, nh);
			not_fwd |= UINT64_C(1) << i;
			continue;
		}
		if (unlikely(pg_be16(ip->total_length) > tmtu)) {
			drop_icmp(lc, dl, fib, in_port, m, mtu_reason(ip), nh);
			not_fwd |= UINT64_C(1) << i;
			continue;
		}
		pg_ip4_ttl_dec_word(ip, ttlw);
		pg_eth_rewrite(eth, nh->l2);
		tb->pkts[tn++] = m;
		if (unlikely(tn == PG_TX_BUF)) {
			tb->n = tn;
			pg_fwd_tx_flush(lc, tport);
			tn = 0;
		}
	}
	tb->n = tn;
	if (mode == HOP_WALK_2B && unlikely(tbl8_seen))
		lc->tbl8_seen = true;
	/* Only the slow path lets options through: count from its mask. */
	return unlikely(opt_mask != 0) ? (uint64_t)__builtin_popcountll(opt_mask & ~not_fwd) : 0;
}

void
pg_fwd_burst(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf **pkts,
	     uint16_t n)
{
	const struct pg_fwd_ctx *ctx = lc->ctx;
	const uint64_t mac48 = pg_eth_mac48(&ctx->port[in_port].mac);
	/* One copy of the table for the whole burst: a change published
	 * meanwhile is seen from the next burst on (docs/decisions/0007). */
	const struct pg_fib_side *fib = pg_fib_active(ctx->fib);
	const unsigned int nh_bytes = fib->nh_bytes;
	const uint8_t *pf_base;
	unsigned int pf_shift;
	/* Same for the firewall lists: one load, one test when there are none. */
	const struct pg_acl *acl = __atomic_load_n(&ctx->acl, __ATOMIC_ACQUIRE);
	struct pg_lcore_stats *st = lc->stats;
	struct burst_state b;
	struct drop_list dl;
	uint64_t options;
	uint64_t opt_mask = 0;     /* bit i: b.pkts[i] carries IP options */
	/* Some packet to route came in an L2 multicast/broadcast frame
	 * (stage1_slow()); a port MAC that is not unicast (never configured
	 * so: conf_validate.c) would let them through the fast test too. */
	bool l2_mcast = rte_is_multicast_ether_addr(&ctx->port[in_port].mac);
	unsigned int n_ip = 0;
	uint16_t i;

	dl.n = 0;
	pg_fib_prefetch_base(fib, &b, &pf_base, &pf_shift);
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));

	/* Stage 1: Ethernet and IPv4 header checks; ARP answered here. */
	if (ctx->port[in_port].sw_cksum)
		n_ip = stage1_burst(lc, in_port, pkts, n, mac48, pf_base, pf_shift, &b,
				    &opt_mask, &l2_mcast, &dl, false);
	else
		n_ip = stage1_burst(lc, in_port, pkts, n, mac48, pf_base, pf_shift, &b,
				    &opt_mask, &l2_mcast, &dl, true);
	PG_STAGE_MARK(st, PG_STAGE_validate, n);

	/* Stage 1b: the ingress port's ACL, if it has one. */
	if (unlikely(acl != NULL) && pg_acl_in_list(acl, in_port) != NULL && n_ip != 0)
		n_ip = acl_filter_in(lc, acl, pg_acl_in_list(acl, in_port), &b, n_ip, &opt_mask,
				     &dl);

	if (likely(acl == NULL || !pg_acl_has_out(acl)) && nh_bytes != 0) {
		/* Stage 2 inside stage 3: one table read per packet, so its
		 * cycles count under rewrite and lookup stays near zero. */
		PG_STAGE_MARK(st, PG_STAGE_lookup, n_ip);
		if (likely(nh_bytes == 2 && !l2_mcast && !lc->tbl8_seen))
			options = stage3(lc, fib, in_port, &b, n_ip, opt_mask, &dl, HOP_WALK_2B,
					 false);
		else if (nh_bytes == 2 && lc->tbl8_seen) {
			/* The last burst had routes longer than /24 (big
			 * tables): read every tbl24 entry first, prefetching
			 * the tbl8 lines, so those dependent reads overlap. */
			lc->tbl8_seen = tbl24_pass(fib, &b, n_ip);
			options = stage3(lc, fib, in_port, &b, n_ip, opt_mask, &dl, HOP_TBL8,
					 true);
		}
		else if (nh_bytes == 2)
			options = stage3(lc, fib, in_port, &b, n_ip, opt_mask, &dl, HOP_WALK_2B,
					 true);
		else
			options = stage3(lc, fib, in_port, &b, n_ip, opt_mask, &dl, HOP_WALK_4B,
					 true);
	} else {
		/* Stage 2: the route lookup for the burst. */
		route_lookup(fib, b.dst, b.hop, n_ip);
		PG_STAGE_MARK(st, PG_STAGE_lookup, n_ip);
		/* Stage 2b: the egress ports' ACLs, if any port has one. */
		if (unlikely(acl != NULL) && pg_acl_has_out(acl) && n_ip != 0)
			n_ip = acl_filter_out(lc, acl, fib, &b, n_ip, &opt_mask, &dl);
		options = stage3(lc, fib, in_port, &b, n_ip, opt_mask, &dl, HOP_ARRAY, true);
	}

	drop_list_free(lc, &dl, in_port);
	pg_stats_add(&st->ip_options, options);
	PG_STAGE_MARK(st, PG_STAGE_rewrite, n_ip);
	/* IPv6 in bulk after the IPv4 burst: one test here is all it costs
	 * the IPv4 path. */
	if (unlikely(lc->n_v6 != 0))
		pg_fwd6_burst(lc, in_port);
}
