/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The IPv6 stage. fwd.c's stage 1 sets IPv6 frames aside (lc->v6) on ports
 * with IPv6 on; they run here after the IPv4 burst, in bulk and in their
 * order of arrival, through the same three steps as IPv4:
 *   1. header checks (RFC 8200, RFC 4291 address classes); multicast is
 *      only taken as Neighbor Discovery to a group of ours;
 *   2. one rte_fib6_lookup_bulk() for the rest;
 *   3. by next hop: forward (hop limit, MAC rewrite, TX buffer), answer
 *      (NS -> NA, echo request -> reply) or drop with a reason.
 *
 * Hop limit, no route and no neighbor drops send the sender an ICMPv6 error
 * (RFC 4443) in the out-of-line drop_icmp6(), as drop_icmp() does for IPv4;
 * a packet over the egress port's MTU gets Packet Too Big (drop_too_big6()).
 */
#include <assert.h>
#include <string.h>

#include <rte_fib6.h>

#include "fwd_private.h"
#include "pg_acl_worker.h"
#include "pg_flow_hash.h"
#include "pg_icmp_error.h"
#include "pg_neigh6.h"
#include "pg_pkt6.h"

#define ETH_HLEN ((uint32_t)sizeof(struct rte_ether_hdr))

/* Per-packet state of the IPv6 part of one burst. */
struct burst6 {
	uint8_t dst[PG_BURST][16];
	uint64_t hop[PG_BURST];
	struct rte_mbuf *pkts[PG_BURST];
};

static_assert(RTE_PKTMBUF_HEADROOM >= PG_ICMP6_ERR_GROW,
	      "ICMPv6 errors are built in the headroom of the packet they report");

/* The ICMPv6 error a drop reason owes the sender (RFC 4443 3.1, 3.3); the
 * icmp counters are shared with IPv4. type 0: none. */
static const struct {
	uint8_t type, code, counter;
} icmp6_kind[PG_DROP_MAX] = {
	[PG_DROP_ip6_hop_limit] = { PG_ICMP6_TIME_EXCEEDED, PG_ICMP6_HOP_LIMIT_CODE,
				    PG_ICMP_time_exceeded },
	[PG_DROP_ip6_no_route] = { PG_ICMP6_DEST_UNREACH, PG_ICMP6_NO_ROUTE_CODE,
				   PG_ICMP_net_unreachable },
	[PG_DROP_ip6_no_neighbor] = { PG_ICMP6_DEST_UNREACH, PG_ICMP6_ADDR_UNREACH_CODE,
				      PG_ICMP_host_unreachable },
	/* RFC 4443 3.2; counted with IPv4's "fragmentation needed", the
	 * same news: the path's MTU is smaller. */
	[PG_DROP_ip6_too_big] = { PG_ICMP6_PACKET_TOO_BIG, 0, PG_ICMP_frag_needed },
};

/* The flow hash of an IPv6 packet for ECMP: the NIC's RSS hash when it
 * gave one, else the pipeline's symmetric CRC32-C (as ecmp_hash() for
 * IPv4). */
static inline uint32_t
ecmp_hash6(const struct rte_mbuf *m)
{
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		return m->hash.rss;
	return pg_flow_hash_ip6(rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, ETH_HLEN),
				m->data_len - ETH_HLEN);
}

/*
 * ECMP (docs/decisions/0010-ecmp.md): the member next hop of group next
 * hop @p nh that the packet's flow goes to, counted for that member.
 * Out of line: single-path routes never come here.
 */
static __rte_noinline const struct pg_nexthop *
group_member6(struct pg_fwd_lcore *lc, const struct pg_fib6_side *s6,
	      const struct pg_nexthop *nh, const struct rte_mbuf *m)
{
	return &s6->nh[pg_nhgroup_member(s6->grp, s6->grp_pkts, s6->grp_members,
					 s6->grp_worker_stride, lc->rcu_id,
					 pg_nexthop_group(nh), ecmp_hash6(m))];
}

/*
 * Turn the dropped packet @p m into the ICMPv6 error that reports it, in
 * its own mbuf, and queue it along the route back to its source (looked up
 * in the same table as the route forward). Its source is the ingress
 * port's global address; @p param is the field after the checksum (the MTU
 * for Packet Too Big). Returns false when no error is sent (each case
 * counted): the caller frees @p m.
 */
static bool
icmp6_error(struct pg_fwd_lcore *lc, const struct pg_fib6 *fib6, uint16_t in_port,
	    struct rte_mbuf *m, unsigned int reason, uint32_t param)
{
	struct pg_lcore_stats *st = lc->stats;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const struct pg_fib6_side *s6 = pg_fib6_active(fib6);
	const struct pg_nexthop *back;
	uint8_t src[16], *frame;
	uint32_t quote, len;
	uint64_t hop;

	/* As for IPv4 (fwd.c icmp_error()): with dynamic neighbors a miss
	 * starts a resolution, and only a failed one is unreachable. */
	if (reason == PG_DROP_ip6_no_neighbor && lc->neigh6_events != NULL) {
		pg_stats_add(&st->icmp[PG_ICMP_neighbor_pending], 1);
		return false;
	}
	if (!pg_icmp6_error_allowed(eth, ip, m->data_len, icmp6_kind[reason].type,
				    icmp6_kind[reason].code) ||
	    rte_pktmbuf_headroom(m) < PG_ICMP6_ERR_GROW) {
		pg_stats_add(&st->icmp[PG_ICMP_suppressed], 1);
		return false;
	}
	memcpy(src, ip->src_addr, 16);
	rte_fib6_lookup_bulk(s6->v6, &src, &hop, 1);
	back = &s6->nh[hop];
	/* The hash is symmetric: the way back the reverse flow takes (not
	 * counted, as for IPv4). */
	if (back->type == PG_NH_GROUP)
		back = &s6->nh[s6->grp[pg_nexthop_group(back)].nh[pg_fib_group_bucket(
			pg_flow_hash_ip6(ip, m->data_len - ETH_HLEN))]];
	if (!icmp_err_may_send(lc, back))
		return false;
	quote = RTE_MIN(pg_icmp6_quote_len(PG_IP6_HLEN + rte_be_to_cpu_16(ip->payload_len)),
			(uint32_t)m->data_len - ETH_HLEN);
	frame = icmp_err_frame(m, PG_ICMP6_ERR_GROW);
	len = pg_icmp6_error_build(frame, quote, fib6->port[in_port].global, src,
				   icmp6_kind[reason].type, icmp6_kind[reason].code, param,
				   back->l2);
	icmp_err_queue(lc, in_port, back, m, len, icmp6_kind[reason].counter);
	return true;
}

/* Drop that may owe the sender an ICMPv6 error: the slow path of the
 * drops stage 3 decides. Counted under its reason either way. */
static __rte_noinline void
drop_icmp6(struct pg_fwd_lcore *lc, struct drop_list *dl, const struct pg_fib6 *fib6,
	   uint16_t in_port, struct rte_mbuf *m, unsigned int reason)
{
	pg_stats_add(&lc->stats->drop[reason], 1);
	if (icmp6_kind[reason].type != 0 && lc->icmp_bucket.cost != 0 &&
	    icmp6_error(lc, fib6, in_port, m, reason, 0))
		return;
	dl->pkts[dl->n++] = m;
}

/* Over the egress port's MTU (@p mtu): dropped, not fragmented (routers
 * never fragment IPv6, RFC 8200 5), and the sender learns the MTU from
 * Packet Too Big (RFC 4443 3.2, RFC 8201). */
static __rte_noinline void
drop_too_big6(struct pg_fwd_lcore *lc, struct drop_list *dl, const struct pg_fib6 *fib6,
	      uint16_t in_port, struct rte_mbuf *m, uint16_t mtu)
{
	pg_stats_add(&lc->stats->drop[PG_DROP_ip6_too_big], 1);
	if (lc->icmp_bucket.cost != 0 &&
	    icmp6_error(lc, fib6, in_port, m, PG_DROP_ip6_too_big, mtu))
		return;
	dl->pkts[dl->n++] = m;
}

/* ---- dynamic neighbors (pg_neigh6.h) ---------------------------------------------- */

static void
neigh6_event(struct pg_fwd_lcore *lc, uint8_t kind, const uint8_t ip[16], uint16_t port,
	     const uint8_t *mac)
{
	struct pg_neigh6_event ev;

	memset(&ev, 0, sizeof(ev));
	memcpy(ev.ip, ip, 16);
	ev.port = port;
	ev.kind = kind;
	if (mac != NULL)
		memcpy(ev.mac, mac, RTE_ETHER_ADDR_LEN);
	/* Full means the control thread is behind: the next miss asks again. */
	rte_ring_sp_enqueue_elem(lc->neigh6_events, &ev, sizeof(ev));
}

/* No MAC for the next hop: ask for the gateway (or, on a connected prefix,
 * the destination) once per hold time, in the miss cache IPv4 uses (keyed
 * by a fold of the address: a collision only delays one request). */
static void
neigh6_miss(struct pg_fwd_lcore *lc, const struct pg_fib6_side *s6,
	    const struct pg_nexthop *nh, const uint8_t dst[16])
{
	static const uint8_t zero[16];
	const uint8_t *ip = s6->gw[nh - s6->nh];
	struct pg_fwd_miss *c;
	uint32_t w[4], key;
	uint64_t now;

	if (memcmp(ip, zero, 16) == 0)
		ip = dst;
	memcpy(w, ip, 16);
	key = w[0] ^ w[1] ^ w[2] ^ w[3] ^ nh->port;
	c = &lc->miss[(key * 2654435761u) >> 26];
	now = rte_rdtsc();
	if (c->ip == key && now - c->tsc < lc->miss_hold_tsc)
		return;
	c->ip = key;
	c->tsc = now;
	neigh6_event(lc, PG_NEIGH_EV_RESOLVE, ip, nh->port, NULL);
}

/* A Neighbor Advertisement to us: what a solicitation of ours asked for
 * (the resolver learns only those). Counted as nd_not_ours like before:
 * the data path does not consume it. */
static unsigned int
nd_advert(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m, uint32_t len)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const struct pg_nd_msg *na = (const struct pg_nd_msg *)(ip + 1);
	const uint8_t *mac;

	if (lc->neigh6_events == NULL)
		return PG_DROP_nd_not_ours;
	if (m->nb_segs != 1 || ETH_HLEN + PG_IP6_HLEN + len > m->data_len ||
	    pg_nd_na_check(ip, na, len, pg_icmp6_sum(ip, na, len)) != PG_PKT_OK)
		return PG_DROP_nd_bad;
	mac = pg_nd_lla(na, len, PG_ND_OPT_TLLA);
	neigh6_event(lc, PG_NEIGH_EV_SEEN, na->target, in_port,
		     mac != NULL ? mac : eth->src_addr.addr_bytes);
	return PG_DROP_nd_not_ours;
}

/* Neighbor Solicitation to one of our addresses or groups: answered with
 * our advertisement if the target is an address of the ingress port. */
static unsigned int
nd_solicit(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m,
	   uint32_t len)
{
	const struct pg_fib6_port *p6 = &lc->ctx->fib6->port[in_port];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	const struct pg_nd_msg *ns = (const struct pg_nd_msg *)(ip + 1);
	const uint32_t na_frame = ETH_HLEN + PG_IP6_HLEN + PG_ND_NA_LEN;
	unsigned int r;

	/* ND messages are small: the whole of it in the first segment. */
	if (m->nb_segs != 1 || ETH_HLEN + PG_IP6_HLEN + len > m->data_len)
		return PG_DROP_nd_bad;
	r = pg_nd_ns_check(ip, ns, len, pg_icmp6_sum(ip, ns, len));
	if (r != PG_PKT_OK)
		return r;
	if (memcmp(ns->target, p6->global, 16) != 0 && memcmp(ns->target, p6->ll, 16) != 0)
		return PG_DROP_nd_not_ours;
	/* Its sender is about to talk to us (RFC 4861 7.2.3). */
	if (lc->neigh6_events != NULL && !pg_ip6_is_unspecified(ip->src_addr)) {
		const uint8_t *slla = pg_nd_lla(ns, len, PG_ND_OPT_SLLA);

		if (slla != NULL)
			neigh6_event(lc, PG_NEIGH_EV_ASKED_US, ip->src_addr, in_port, slla);
	}
	/* The advertisement may be longer than the solicitation was. */
	if (na_frame > m->data_len &&
	    rte_pktmbuf_tailroom(m) < na_frame - m->data_len)
		return PG_DROP_nd_bad;
	m->data_len = (uint16_t)na_frame;
	m->pkt_len = na_frame;
	pg_nd_na_build(eth, &lc->ctx->port[in_port].mac);
	tx_enqueue_local(lc, in_port, m);
	return PG_PKT_OK;
}

/* Echo request to one of our unicast addresses; the message may span
 * segments (jumbo frames arrive chained), as for IPv4. */
static unsigned int
echo_request(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m,
	     uint32_t len)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const uint32_t off = ETH_HLEN + PG_IP6_HLEN;
	uint16_t sum;
	unsigned int r;

	if (m->nb_segs == 1 && off + len <= m->data_len) {
		sum = pg_icmp6_sum(ip, ip + 1, len);
	} else {
		if (rte_raw_cksum_mbuf(m, off, len, &sum) != 0)
			return PG_DROP_icmp6_bad;
		sum = __rte_raw_cksum_reduce(sum + pg_ip6_phdr_sum(ip, len, PG_IPPROTO_ICMPV6));
	}
	r = pg_icmp6_echo_check(ip, m->data_len - ETH_HLEN, sum);
	if (r != PG_PKT_OK)
		return r;
	pg_icmp6_echo_reply(eth, &lc->ctx->port[in_port].mac);
	tx_enqueue_local(lc, in_port, m);
	return PG_PKT_OK;
}

/*
 * ICMPv6 addressed to us: to one of our unicast addresses, or (@p group)
 * to all-nodes / a solicited-node group of ours, where only ND is taken.
 */
static __rte_noinline unsigned int
icmp6_input(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m, bool group)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
								ETH_HLEN);
	const uint32_t len = rte_be_to_cpu_16(ip->payload_len);
	uint8_t type;

	if (ip->proto != PG_IPPROTO_ICMPV6)
		return group ? PG_DROP_ip6_multicast_dst : PG_DROP_ip6_not_ours_local;
	if (len == 0 || m->data_len < ETH_HLEN + PG_IP6_HLEN + 1)
		return group ? PG_DROP_nd_bad : PG_DROP_icmp6_bad;
	type = *(const uint8_t *)(ip + 1);
	if (type == PG_ND_NEIGHBOR_SOLICIT)
		return nd_solicit(lc, in_port, m, len);
	if (type == PG_ND_NEIGHBOR_ADVERT)
		return nd_advert(lc, in_port, m, len);
	if (type >= PG_ND_ROUTER_SOLICIT && type <= PG_ND_REDIRECT)
		return PG_DROP_nd_not_ours;
	/* No echo replies to multicast: no amplification. */
	if (group)
		return PG_DROP_ip6_multicast_dst;
	return echo_request(lc, in_port, m, len);
}

/*
 * For us, after icmp6_input(): what it would drop goes to the port's kernel
 * interface when it is for the kernel (docs/punt.md): anything to our
 * unicast address but echo requests and NS, and Neighbor Advertisements
 * (answers to the kernel's own solicitations). RS, RA, redirects and
 * multicast echo stay dropped.
 */
static __rte_noinline unsigned int
local6_input(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m, bool group)
{
	const unsigned int r = icmp6_input(lc, in_port, m, group);
	const uint8_t *type = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						      ETH_HLEN + PG_IP6_HLEN);

	if (r == PG_DROP_ip6_not_ours_local ||
	    (r == PG_DROP_nd_not_ours && *type == PG_ND_NEIGHBOR_ADVERT))
		return punt_or(lc, in_port, m, r);
	return r;
}

/* Stage 1 for one frame: the drop reason, or PG_PKT_OK with *route set
 * when it needs a lookup (else it was answered). */
static inline unsigned int
stage1(struct pg_fwd_lcore *lc, uint16_t in_port, struct rte_mbuf *m, bool *route)
{
	const struct pg_fib6_port *p6 = &lc->ctx->fib6->port[in_port];
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
								ETH_HLEN);
	unsigned int r;

	*route = false;
	r = pg_ip6_validate(ip, m->data_len - ETH_HLEN, m->pkt_len - ETH_HLEN);
	if (unlikely(r != PG_PKT_OK))
		return r;
	if (unlikely(pg_ip6_is_multicast(ip->src_addr) || pg_ip6_is_loopback(ip->src_addr)))
		return PG_DROP_ip6_martian_src;
	if (unlikely(pg_ip6_is_multicast(ip->dst_addr))) {
		if (pg_ip6_is_all_nodes(ip->dst_addr) ||
		    pg_ip6_is_solicited_node(ip->dst_addr, p6->sn[0]) ||
		    pg_ip6_is_solicited_node(ip->dst_addr, p6->sn[1]))
			return local6_input(lc, in_port, m, true);
		return PG_DROP_ip6_multicast_dst;
	}
	/* The unspecified source is only for DAD, which is multicast. */
	if (unlikely(pg_ip6_is_unspecified(ip->src_addr)))
		return PG_DROP_ip6_martian_src;
	*route = true;
	return PG_PKT_OK;
}

/*
 * The firewall on the way in, for IPv6: one bulk classify of the packets
 * to route against the ingress port's list (rules with IPv6 addresses, or
 * none). Extension headers are not walked: a rule with ports or flags only
 * matches when the next header is the L4 one. Returns the new count.
 */
static uint16_t
acl_filter_in6(struct pg_fwd_lcore *lc, uint16_t in_port, struct burst6 *b, uint16_t n,
	       struct drop_list *dl)
{
	const struct pg_acl *acl = __atomic_load_n(&lc->ctx->acl, __ATOMIC_ACQUIRE);
	const struct pg_acl_list *l;
	const uint8_t *data[PG_BURST];
	uint64_t deny;
	uint16_t i, k;

	if (likely(acl == NULL) || (l = pg_acl_in_list(acl, in_port)) == NULL)
		return n;
	for (i = 0; i < n; i++)
		data[i] = rte_pktmbuf_mtod_offset(b->pkts[i], const uint8_t *, ETH_HLEN);
	deny = pg_acl_classify6(acl, l, data, n, lc->rcu_id);
	PG_STAGE_MARK(lc->stats, PG_STAGE_acl, n);
	if (likely(deny == 0))
		return n;
	for (i = 0, k = 0; i < n; i++) {
		if ((deny >> i) & 1) {
			drop(lc, dl, b->pkts[i], PG_DROP_acl_deny);
			continue;
		}
		memcpy(b->dst[k], b->dst[i], 16);
		b->pkts[k++] = b->pkts[i];
	}
	return k;
}

/* Stage 3 for next hops other than FORWARD, as stage3_special() for IPv4. */
static __rte_noinline unsigned int
stage3_special(struct pg_fwd_lcore *lc, const struct pg_fib6_side *s6, uint16_t in_port,
	       const struct pg_nexthop *nh, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);

	if (nh->type == PG_NH_LOCAL)
		return local6_input(lc, in_port, m, false);
	if (pg_ip6_is_link_local(ip->src_addr) || pg_ip6_is_link_local(ip->dst_addr))
		return PG_DROP_ip6_link_local;
	if (nh->type == PG_NH_NO_ROUTE)
		return PG_DROP_ip6_no_route;
	if (rte_is_multicast_ether_addr(&eth->dst_addr))
		return PG_DROP_ip6_l2_multicast;
	if (ip->hop_limits <= 1)
		return PG_DROP_ip6_hop_limit;
	/* Dropped either way; with dynamic neighbors the next one may go. */
	if (lc->neigh6_events != NULL)
		neigh6_miss(lc, s6, nh, ip->dst_addr);
	return PG_DROP_ip6_no_neighbor;
}

void
pg_fwd6_burst(struct pg_fwd_lcore *lc, uint16_t in_port)
{
	const struct pg_fib6 *fib6 = lc->ctx->fib6;
	/* One copy of the live table for the whole burst (pg_fib6.h). */
	const struct pg_fib6_side *s6 = pg_fib6_active(fib6);
	const struct pg_nexthop *nhs = s6->nh;
	const uint16_t n = lc->n_v6;
	struct drop_list dl;
	struct burst6 b;
	uint16_t i, n_rt = 0;
	unsigned int r;

	dl.n = 0;
	lc->n_v6 = 0;

	/* Stage 1: header checks; ND to our groups answered here. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = lc->v6[i];
		bool route;

		r = stage1(lc, in_port, m, &route);
		if (r != PG_PKT_OK) {
			drop(lc, &dl, m, r);
			continue;
		}
		if (route) {
			memcpy(b.dst[n_rt], rte_pktmbuf_mtod_offset(m, const uint8_t *,
				ETH_HLEN + offsetof(struct rte_ipv6_hdr, dst_addr)), 16);
			b.pkts[n_rt++] = m;
		}
	}
	PG_STAGE_MARK(lc->stats, PG_STAGE_ip6_validate, n);

	/* Stage 1b: the ingress port's firewall list, as for IPv4. */
	if (n_rt != 0)
		n_rt = acl_filter_in6(lc, in_port, &b, n_rt, &dl);

	/* Stage 2: one bulk lookup. */
	if (n_rt != 0)
		rte_fib6_lookup_bulk(s6->v6, b.dst, b.hop, n_rt);
	PG_STAGE_MARK(lc->stats, PG_STAGE_ip6_lookup, n_rt);

	/* Stage 3: forward, answer or drop. */
	for (i = 0; i < n_rt; i++) {
		struct rte_mbuf *m = b.pkts[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
		const struct pg_nexthop *nh = &nhs[b.hop[i]];

		if (unlikely(nh->type != PG_NH_FORWARD)) {
			/* ECMP: the flow's member, then on as any route. */
			if (nh->type == PG_NH_GROUP)
				nh = group_member6(lc, s6, nh, m);
			if (nh->type != PG_NH_FORWARD) {
				r = stage3_special(lc, s6, in_port, nh, m);
				if (r != PG_PKT_OK)
					drop_icmp6(lc, &dl, fib6, in_port, m, r);
				continue;
			}
		}
		if (unlikely(pg_ip6_is_link_local(ip->src_addr) ||
			     pg_ip6_is_link_local(ip->dst_addr))) {
			drop(lc, &dl, m, PG_DROP_ip6_link_local);
			continue;
		}
		if (unlikely(rte_is_multicast_ether_addr(&eth->dst_addr))) {
			drop(lc, &dl, m, PG_DROP_ip6_l2_multicast);
			continue;
		}
		if (unlikely(ip->hop_limits <= 1)) {
			drop_icmp6(lc, &dl, fib6, in_port, m, PG_DROP_ip6_hop_limit);
			continue;
		}
		/* The egress MTU, one compare as for IPv4 (ctx->port[], read
		 * by every burst). An unresolved next hop is judged before it
		 * (stage3_special()): no neighbor, no MTU news. */
		if (unlikely(PG_IP6_HLEN + rte_be_to_cpu_16(ip->payload_len) >
			     lc->ctx->port[nh->port].mtu)) {
			drop_too_big6(lc, &dl, fib6, in_port, m, lc->ctx->port[nh->port].mtu);
			continue;
		}
		pg_ip6_hop_dec(ip);
		pg_eth_rewrite(eth, nh->l2);
		tx_enqueue(lc, nh->port, m);
	}
	drop_list_free(lc, &dl, in_port);
	PG_STAGE_MARK(lc->stats, PG_STAGE_ip6_rewrite, n_rt);
}
