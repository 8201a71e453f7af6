/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PKT6_H
#define PG_PKT6_H

/**
 * @file
 * IPv6 header checks (RFC 8200, RFC 4291 address classes), the ICMPv6
 * checksum (RFC 4443 2.3), Neighbor Discovery (RFC 4861) and ICMPv6 echo as
 * pure inline functions on header pointers, like pg_pkt.h for IPv4: unit
 * tests call them on byte arrays, lib/fwd/fwd6.c on packets.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "pg_pkt.h"

#define PG_IP6_HLEN 40u
#define PG_IPPROTO_ICMPV6 58
#define PG_ICMP6_ECHO_REQUEST 128
#define PG_ICMP6_ECHO_REPLY 129
#define PG_ND_ROUTER_SOLICIT 133
#define PG_ND_REDIRECT 137
#define PG_ND_NEIGHBOR_SOLICIT 135
#define PG_ND_NEIGHBOR_ADVERT 136
#define PG_ND_OPT_SLLA 1          /**< source link-layer address option */
#define PG_ND_OPT_TLLA 2          /**< target link-layer address option */
#define PG_ND_HOP_LIMIT 255       /**< RFC 4861: ND is link-local by hop limit */
#define PG_ICMP6_REPLY_HOP_LIMIT 64

/* Neighbor Advertisement flags (RFC 4861 4.4), network order. */
#define PG_ND_NA_ROUTER RTE_BE32(0x80000000)
#define PG_ND_NA_SOLICITED RTE_BE32(0x40000000)
#define PG_ND_NA_OVERRIDE RTE_BE32(0x20000000)

/** NS and NA share a layout: 24 bytes, then options. */
struct pg_nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t flags;          /**< NA flags; reserved (zero) in NS */
	uint8_t target[16];
} __rte_packed;

/** Our answer: the NA with a target link-layer address option. */
#define PG_ND_NA_LEN ((uint32_t)sizeof(struct pg_nd_msg) + 8u)

/* ---- address classes (RFC 4291 2.4) --------------------------------------- */

static inline bool
pg_ip6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool
pg_ip6_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static inline bool
pg_ip6_is_unspecified(const uint8_t a[16])
{
	return pg_all_zero(a, 16);
}

static inline bool
pg_ip6_is_loopback(const uint8_t a[16])
{
	return pg_all_zero(a, 15) && a[15] == 1;
}

/** ff02::1, all nodes on the link. */
static inline bool
pg_ip6_is_all_nodes(const uint8_t a[16])
{
	return a[0] == 0xff && a[1] == 0x02 && pg_all_zero(a + 2, 13) && a[15] == 1;
}

/** ff02::1:ffXX:XXXX with XX:XXXX = @p low24 (RFC 4291 2.7.1). */
static inline bool
pg_ip6_is_solicited_node(const uint8_t a[16], const uint8_t low24[3])
{
	static const uint8_t sn_prefix[13] = {
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff,
	};

	return memcmp(a, sn_prefix, 13) == 0 && memcmp(a + 13, low24, 3) == 0;
}

/* ---- IPv6 header (RFC 8200 3) ------------------------------------------------- */

/**
 * Validate an IPv6 header: the header within the first segment, version 6,
 * payload length within the frame (Ethernet padding after it is fine).
 *
 * @param seg_len  bytes contiguous from @p ip
 * @param l3_len   bytes of the frame from @p ip to its end
 * @return PG_PKT_OK, PG_DROP_runt, PG_DROP_ip6_bad_version or
 *   PG_DROP_ip6_truncated.
 */
static inline unsigned int
pg_ip6_validate(const struct rte_ipv6_hdr *ip, uint32_t seg_len, uint32_t l3_len)
{
	if (unlikely(seg_len < PG_IP6_HLEN))
		return PG_DROP_runt;
	if (unlikely((((const uint8_t *)ip)[0] >> 4) != 6))
		return PG_DROP_ip6_bad_version;
	if (unlikely(PG_IP6_HLEN + rte_be_to_cpu_16(ip->payload_len) > l3_len))
		return PG_DROP_ip6_truncated;
	return PG_PKT_OK;
}

/**
 * Source addresses never accepted (RFC 4291 2.5.2, 2.5.3, 2.7): loopback
 * and multicast; the unspecified address only as an ND DAD probe, which
 * the caller lets through before asking.
 */
static inline bool
pg_ip6_martian_src(const uint8_t src[16])
{
	return pg_ip6_is_multicast(src) || pg_ip6_is_loopback(src) ||
	       pg_ip6_is_unspecified(src);
}

/** Decrement the hop limit: IPv6 has no header checksum to patch. */
static inline void
pg_ip6_hop_dec(struct rte_ipv6_hdr *ip)
{
	ip->hop_limits--;
}

/* ---- ICMPv6 checksum (RFC 4443 2.3, RFC 8200 8.1) ------------------------------ */

/**
 * Unfolded one's complement sum of the IPv6 pseudo-header: both addresses,
 * the upper-layer length @p len and next header @p proto.
 */
static inline uint32_t
pg_ip6_phdr_sum(const struct rte_ipv6_hdr *ip, uint32_t len, uint8_t proto)
{
	uint32_t sum = __rte_raw_cksum(ip->src_addr, 32, 0);

	sum += rte_cpu_to_be_16((uint16_t)(len >> 16));
	sum += rte_cpu_to_be_16((uint16_t)len);
	sum += rte_cpu_to_be_16(proto);
	return sum;
}

/**
 * Folded sum over pseudo-header and an ICMPv6 message of @p len contiguous
 * bytes: 0xffff when the message's checksum is right.
 */
static inline uint16_t
pg_icmp6_sum(const struct rte_ipv6_hdr *ip, const void *msg, uint32_t len)
{
	return __rte_raw_cksum_reduce(__rte_raw_cksum(msg, len,
			pg_ip6_phdr_sum(ip, len, PG_IPPROTO_ICMPV6)));
}

/** Fill in the checksum of the ICMPv6 message at @p msg (@p len bytes). */
static inline void
pg_icmp6_set_cksum(const struct rte_ipv6_hdr *ip, void *msg, uint32_t len)
{
	struct rte_icmp_hdr *h = msg;

	h->icmp_cksum = 0;
	h->icmp_cksum = (uint16_t)~pg_icmp6_sum(ip, msg, len);
}

/* ---- Neighbor Discovery (RFC 4861) ------------------------------------------------ */

/**
 * Validate a Neighbor Solicitation (RFC 4861 7.1.1). The ICMPv6 message
 * (@p len bytes from @p ns, the IPv6 payload) is contiguous; @p sum is
 * pg_icmp6_sum() over it.
 *
 * @return PG_PKT_OK or PG_DROP_nd_bad.
 */
static inline unsigned int
pg_nd_ns_check(const struct rte_ipv6_hdr *ip, const struct pg_nd_msg *ns,
	       uint32_t len, uint16_t sum)
{
	const uint8_t *opt = (const uint8_t *)(ns + 1);
	const uint8_t *end = (const uint8_t *)ns + len;
	bool slla = false;

	if (ip->hop_limits != PG_ND_HOP_LIMIT || sum != 0xffff || ns->code != 0 ||
	    len < sizeof(*ns) || pg_ip6_is_multicast(ns->target))
		return PG_DROP_nd_bad;
	/* Options: type, length in units of 8 bytes (never 0), all inside. */
	while (opt < end) {
		if (end - opt < 2 || opt[1] == 0 || (uint32_t)(end - opt) < opt[1] * 8u)
			return PG_DROP_nd_bad;
		slla |= opt[0] == PG_ND_OPT_SLLA;
		opt += opt[1] * 8u;
	}
	/* DAD (unspecified source): to the solicited-node group of the
	 * target, and no source link-layer address to learn. */
	if (pg_ip6_is_unspecified(ip->src_addr) &&
	    (slla || !pg_ip6_is_solicited_node(ip->dst_addr, ns->target + 13)))
		return PG_DROP_nd_bad;
	return PG_PKT_OK;
}

/**
 * Turn a checked Neighbor Solicitation for one of our addresses into our
 * Neighbor Advertisement in place (RFC 4861 7.2.4): Router and Override set;
 * Solicited and unicast back to the solicitor, or to all-nodes without
 * Solicited when the solicitation came from the unspecified address (DAD);
 * the target link-layer address option carries @p our_mac. The frame
 * needs room for 14 + 40 + PG_ND_NA_LEN bytes; that is its new length.
 */
static inline void
pg_nd_na_build(struct rte_ether_hdr *eth, const struct rte_ether_addr *our_mac)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const struct rte_ether_addr all_nodes_mac = {
		{ 0x33, 0x33, 0, 0, 0, 0x01 } };
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct pg_nd_msg *na = (struct pg_nd_msg *)(ip + 1);
	uint8_t *opt = (uint8_t *)(na + 1);
	const bool dad = pg_ip6_is_unspecified(ip->src_addr);

	if (dad) {
		memcpy(ip->dst_addr, all_nodes, 16);
		eth->dst_addr = all_nodes_mac;
	} else {
		memcpy(ip->dst_addr, ip->src_addr, 16);
		eth->dst_addr = eth->src_addr;
	}
	eth->src_addr = *our_mac;
	memcpy(ip->src_addr, na->target, 16);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(PG_ND_NA_LEN);
	ip->proto = PG_IPPROTO_ICMPV6;
	ip->hop_limits = PG_ND_HOP_LIMIT;
	na->type = PG_ND_NEIGHBOR_ADVERT;
	na->code = 0;
	na->flags = PG_ND_NA_ROUTER | PG_ND_NA_OVERRIDE | (dad ? 0 : PG_ND_NA_SOLICITED);
	opt[0] = PG_ND_OPT_TLLA;
	opt[1] = 1;
	memcpy(opt + 2, our_mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	pg_icmp6_set_cksum(ip, na, PG_ND_NA_LEN);
}

/**
 * Validate a Neighbor Advertisement (RFC 4861 7.1.2), contiguous like
 * pg_nd_ns_check()'s solicitation.
 *
 * @return PG_PKT_OK or PG_DROP_nd_bad.
 */
static inline unsigned int
pg_nd_na_check(const struct rte_ipv6_hdr *ip, const struct pg_nd_msg *na,
	       uint32_t len, uint16_t sum)
{
	const uint8_t *opt = (const uint8_t *)(na + 1);
	const uint8_t *end = (const uint8_t *)na + len;

	if (ip->hop_limits != PG_ND_HOP_LIMIT || sum != 0xffff || na->code != 0 ||
	    len < sizeof(*na) || pg_ip6_is_multicast(na->target))
		return PG_DROP_nd_bad;
	while (opt < end) {
		if (end - opt < 2 || opt[1] == 0 || (uint32_t)(end - opt) < opt[1] * 8u)
			return PG_DROP_nd_bad;
		opt += opt[1] * 8u;
	}
	return PG_PKT_OK;
}

/**
 * The link-layer address in option @p type (PG_ND_OPT_SLLA or _TLLA) of a
 * checked ND message of @p len bytes; NULL when it has none.
 */
static inline const uint8_t *
pg_nd_lla(const struct pg_nd_msg *msg, uint32_t len, uint8_t type)
{
	const uint8_t *opt = (const uint8_t *)(msg + 1);
	const uint8_t *end = (const uint8_t *)msg + len;

	for (; opt + 8 <= end; opt += opt[1] * 8u)
		if (opt[0] == type && opt[1] == 1)
			return opt + 2;
	return NULL;
}

#define PG_ND_NS_LEN ((uint32_t)sizeof(struct pg_nd_msg) + 8u)

/**
 * Build our Neighbor Solicitation for @p target (RFC 4861 7.2.2) at @p eth,
 * which has room for 14 + 40 + PG_ND_NS_LEN bytes (the frame's length):
 * from @p src (our address on the link) and @p our_mac (the source
 * link-layer address option), to the target's solicited-node group, or,
 * with @p dst_mac (re-checking a known neighbor, 7.3.3), to the target
 * itself. Hop limit 255.
 */
static inline void
pg_nd_ns_build(struct rte_ether_hdr *eth, const struct rte_ether_addr *our_mac,
	       const uint8_t src[16], const uint8_t target[16], const uint8_t *dst_mac)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct pg_nd_msg *ns = (struct pg_nd_msg *)(ip + 1);
	uint8_t *opt = (uint8_t *)(ns + 1);
	static const uint8_t sn[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memset(eth, 0, sizeof(*eth) + PG_IP6_HLEN + PG_ND_NS_LEN);
	if (dst_mac != NULL) {
		memcpy(eth->dst_addr.addr_bytes, dst_mac, RTE_ETHER_ADDR_LEN);
		memcpy(ip->dst_addr, target, 16);
	} else {
		memcpy(ip->dst_addr, sn, 13);
		memcpy(ip->dst_addr + 13, target + 13, 3);
		eth->dst_addr.addr_bytes[0] = 0x33;
		eth->dst_addr.addr_bytes[1] = 0x33;
		memcpy(eth->dst_addr.addr_bytes + 2, ip->dst_addr + 12, 4);
	}
	eth->src_addr = *our_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	memcpy(ip->src_addr, src, 16);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(PG_ND_NS_LEN);
	ip->proto = PG_IPPROTO_ICMPV6;
	ip->hop_limits = PG_ND_HOP_LIMIT;
	ns->type = PG_ND_NEIGHBOR_SOLICIT;
	memcpy(ns->target, target, 16);
	opt[0] = PG_ND_OPT_SLLA;
	opt[1] = 1;
	memcpy(opt + 2, our_mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	pg_icmp6_set_cksum(ip, ns, PG_ND_NS_LEN);
}

/* ---- ICMPv6 echo (RFC 4443 4) ------------------------------------------------------- */

/**
 * Check an ICMPv6 message to one of our unicast addresses for an echo
 * request we answer. @p sum is the folded sum over pseudo-header and the
 * whole message (0xffff when intact); the first 8 bytes lie in the
 * first segment (@p seg_len bytes from @p ip).
 *
 * @return PG_PKT_OK, PG_DROP_icmp6_bad or PG_DROP_ip6_not_ours_local.
 */
static inline unsigned int
pg_icmp6_echo_check(const struct rte_ipv6_hdr *ip, uint32_t seg_len, uint16_t sum)
{
	const uint32_t len = rte_be_to_cpu_16(ip->payload_len);
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(ip + 1);

	if (len < sizeof(*icmp) || seg_len < PG_IP6_HLEN + sizeof(*icmp) ||
	    sum != 0xffff)
		return PG_DROP_icmp6_bad;
	if (icmp->icmp_type != PG_ICMP6_ECHO_REQUEST || icmp->icmp_code != 0)
		return PG_DROP_ip6_not_ours_local;
	return PG_PKT_OK;
}

/**
 * Turn a checked echo request into the reply in place: type 129 with the
 * checksum patched (the pseudo-header sum does not change when the
 * addresses swap; the pseudo-header is never all zero, so RFC 1624's -0
 * case cannot arise), addresses swapped, hop limit 64, MACs swapped with
 * @p our_mac as source.
 */
static inline void
pg_icmp6_echo_reply(struct rte_ether_hdr *eth, const struct rte_ether_addr *our_mac)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint8_t tmp[16];

	icmp->icmp_type = PG_ICMP6_ECHO_REPLY;
	icmp->icmp_cksum = pg_cksum_adjust16(icmp->icmp_cksum,
		RTE_BE16(PG_ICMP6_ECHO_REQUEST << 8), RTE_BE16(PG_ICMP6_ECHO_REPLY << 8));
	memcpy(tmp, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, tmp, 16);
	ip->hop_limits = PG_ICMP6_REPLY_HOP_LIMIT;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = *our_mac;
}

#endif /* PG_PKT6_H */
