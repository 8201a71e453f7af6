/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_ICMP_ERROR_H
#define PG_ICMP_ERROR_H

/**
 * @file
 * ICMP and ICMPv6 error messages as pure functions over byte buffers: may
 * an error be sent about a datagram (RFC 1812 4.3.2.7, RFC 4443 2.4), and
 * the error itself, built IN PLACE in front of the datagram it quotes.
 *
 * In place: the caller moves the frame start back by PG_ICMP4_ERR_GROW
 * (PG_ICMP6_ERR_GROW) bytes into the mbuf headroom, so that the offending
 * datagram, which began after the 14-byte Ethernet header, now begins
 * right after the new Ethernet + IP + ICMP headers; the builder writes
 * those headers over the old Ethernet header and the new room, and the
 * caller cuts the frame at the returned length. No copy of the quote, no
 * allocation.
 *
 * Quote sizes: IPv4 quotes as much of the datagram as keeps the error
 * within 576 bytes (RFC 1812 4.3.2.3, which allows more than RFC 792's
 * header + 8 bytes; the transport ports of a TCP/UDP flow and anything a
 * tunnel endpoint needs are in it); IPv6 as much as keeps it within the
 * minimum MTU of 1280 bytes (RFC 4443 2.4 (c)).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

/* ---- ICMP for IPv4 (RFC 792, RFC 1191, RFC 1812) ----------------------- */

#define PG_ICMP4_TIME_EXCEEDED 11
#define PG_ICMP4_TTL_EXCEEDED_CODE 0
#define PG_ICMP4_DEST_UNREACH 3
#define PG_ICMP4_NET_UNREACH_CODE 0
#define PG_ICMP4_HOST_UNREACH_CODE 1
#define PG_ICMP4_FRAG_NEEDED_CODE 4

/** Ethernet + IPv4 (no options) + ICMP header: what precedes the quote. */
#define PG_ICMP4_ERR_HDRS (14 + 20 + 8)
/** How far the frame start moves back: the old Ethernet header is reused. */
#define PG_ICMP4_ERR_GROW (PG_ICMP4_ERR_HDRS - 14)
/** Largest error datagram (RFC 1812 4.3.2.3) and so the largest quote. */
#define PG_ICMP4_ERR_MAX_IP 576
#define PG_ICMP4_ERR_MAX_QUOTE (PG_ICMP4_ERR_MAX_IP - 20 - 8)
#define PG_ICMP_ERR_TTL 64
/** Precedence 6, internetwork control (RFC 1812 4.3.2.5; DSCP CS6). */
#define PG_ICMP4_ERR_TOS 0xc0

/**
 * True for ICMP types that are queries or replies; every other type,
 * including unknown ones, is treated as an error and never answered with
 * an error (RFC 1812 4.3.2.7; unknown types as Linux does).
 */
static inline bool
pg_icmp4_type_is_query(uint8_t type)
{
	switch (type) {
	case 0: case 8:              /* echo reply, echo */
	case 9: case 10:             /* router advertisement, solicitation */
	case 13: case 14:            /* timestamp, reply */
	case 15: case 16:            /* information request, reply */
	case 17: case 18:            /* address mask request, reply */
		return true;
	default:
		return false;
	}
}

/**
 * May an ICMP error be sent about this datagram (RFC 1812 4.3.2.7)? Not
 * when it is itself an ICMP error (or its type cannot be read), arrived
 * in a link-layer broadcast/multicast frame, is addressed to an IP
 * multicast/broadcast address, comes from a source that is not a unicast
 * host address (0/8, 127/8, 224/4 and up), or is a fragment other than
 * the first. Whether the source is one of our own addresses or a subnet
 * broadcast the caller learns from the route back (a LOCAL next hop).
 *
 * @param seg_len  bytes contiguous from @p eth; the IPv4 header lies in it
 */
static inline bool
pg_icmp4_error_allowed(const struct rte_ether_hdr *eth, const struct rte_ipv4_hdr *ip,
		       uint32_t seg_len)
{
	const uint32_t hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	const uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	const uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	const uint32_t type_off = (uint32_t)sizeof(*eth) + hlen;

	if (rte_is_multicast_ether_addr(&eth->dst_addr))
		return false;
	if ((dst >> 28) >= 0xe)              /* multicast, class E, broadcast */
		return false;
	if ((src >> 24) == 0 || (src >> 24) == 127 || (src >> 28) >= 0xe)
		return false;
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP &&
	    (type_off >= seg_len ||
	     rte_be_to_cpu_16(ip->total_length) <= hlen ||
	     !pg_icmp4_type_is_query(((const uint8_t *)eth)[type_off])))
		return false;
	return true;
}

/** Bytes of a datagram of total length @p tlen that an error quotes. */
static inline uint32_t
pg_icmp4_quote_len(uint32_t tlen)
{
	return RTE_MIN(tlen, (uint32_t)PG_ICMP4_ERR_MAX_QUOTE);
}

/**
 * Write an ICMP error in front of the @p quote_len bytes of the offending
 * datagram that start at @p frame + PG_ICMP4_ERR_HDRS.
 *
 * @param frame    start of the new frame
 * @param src_be   our address (the error's source), network order
 * @param dst_be   the offending datagram's source, network order
 * @param rest_be  the 4 bytes after the checksum, network order (for
 *                 fragmentation needed: the next-hop MTU in the low 16 bits)
 * @param l2       destination MAC then source MAC of the route back
 * @return the frame length, PG_ICMP4_ERR_HDRS + @p quote_len
 */
static inline uint32_t
pg_icmp4_error_build(uint8_t *frame, uint32_t quote_len, uint32_t src_be, uint32_t dst_be,
		     uint8_t type, uint8_t code, uint32_t rest_be, const uint8_t l2[12])
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);

	memcpy(eth, l2, 12);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = PG_ICMP4_ERR_TOS;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + quote_len));
	/* At most 576 bytes: never fragmented on the way, so DF with id 0
	 * (RFC 6864 4.2: an atomic datagram's id carries nothing). */
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = PG_ICMP_ERR_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src_be;
	ip->dst_addr = dst_be;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, sizeof(*ip));
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	memcpy(&icmp->icmp_ident, &rest_be, sizeof(rest_be));
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, 8 + quote_len);
	return PG_ICMP4_ERR_HDRS + quote_len;
}

/* ---- ICMPv6 (RFC 4443) -------------------------------------------------- */

#define PG_ICMP6_DEST_UNREACH 1
#define PG_ICMP6_NO_ROUTE_CODE 0
#define PG_ICMP6_ADDR_UNREACH_CODE 3
#define PG_ICMP6_PACKET_TOO_BIG 2
#define PG_ICMP6_TIME_EXCEEDED 3
#define PG_ICMP6_HOP_LIMIT_CODE 0
#define PG_ICMP6_PARAM_PROBLEM 4

#define PG_IPPROTO_ICMPV6 58
#define PG_IPPROTO_FRAGMENT 44

/** Ethernet + IPv6 + ICMPv6 header: what precedes the quote. */
#define PG_ICMP6_ERR_HDRS (14 + 40 + 8)
#define PG_ICMP6_ERR_GROW (PG_ICMP6_ERR_HDRS - 14)
/** The IPv6 minimum MTU bounds the error (RFC 4443 2.4 (c)). */
#define PG_ICMP6_ERR_MAX_IP 1280
#define PG_ICMP6_ERR_MAX_QUOTE (PG_ICMP6_ERR_MAX_IP - 40 - 8)

/**
 * May an ICMPv6 error of @p type / @p code be sent about this packet
 * (RFC 4443 2.4 (e))? Not about an ICMPv6 error message (types below 128,
 * or a type that cannot be read), not about a packet to a multicast
 * address or in a link-layer multicast/broadcast frame (except Packet Too
 * Big and Parameter Problem code 2, which RFC 4443 allows there), not from
 * a source that is not a unicast host address (::, ::1, ff00::/8), and not
 * about a fragment other than the first (its upper-layer header is not
 * there to quote). Only a next header directly after the fixed header is
 * looked at; our own addresses the caller finds by the route back.
 *
 * @param seg_len  bytes contiguous from @p eth; the IPv6 header lies in it
 */
static inline bool
pg_icmp6_error_allowed(const struct rte_ether_hdr *eth, const struct rte_ipv6_hdr *ip6,
		       uint32_t seg_len, uint8_t type, uint8_t code)
{
	static const uint8_t unspec[16], loop[16] = { [15] = 1 };
	const uint32_t next_off = (uint32_t)(sizeof(*eth) + sizeof(*ip6));
	const uint8_t *next = (const uint8_t *)(ip6 + 1);
	const bool to_group_ok = type == PG_ICMP6_PACKET_TOO_BIG ||
				 (type == PG_ICMP6_PARAM_PROBLEM && code == 2);
	const uint32_t plen = rte_be_to_cpu_16(ip6->payload_len);

	if (!to_group_ok && (rte_is_multicast_ether_addr(&eth->dst_addr) ||
			     ip6->dst_addr[0] == 0xff))
		return false;
	if (ip6->src_addr[0] == 0xff || memcmp(ip6->src_addr, unspec, 16) == 0 ||
	    memcmp(ip6->src_addr, loop, 16) == 0)
		return false;
	if (ip6->proto == PG_IPPROTO_ICMPV6 &&
	    (plen == 0 || next_off >= seg_len || next[0] < 128))
		return false;
	/* Fragment header: offset in the upper 13 bits of bytes 2-3. */
	if (ip6->proto == PG_IPPROTO_FRAGMENT &&
	    (plen < 8 || next_off + 4 > seg_len || ((next[2] << 8 | next[3]) & 0xfff8) != 0))
		return false;
	return true;
}

/** Bytes of a packet of @p len bytes (header + payload) an error quotes. */
static inline uint32_t
pg_icmp6_quote_len(uint32_t len)
{
	return RTE_MIN(len, (uint32_t)PG_ICMP6_ERR_MAX_QUOTE);
}

/**
 * Write an ICMPv6 error in front of the @p quote_len bytes of the
 * offending packet that start at @p frame + PG_ICMP6_ERR_HDRS; the
 * checksum covers the pseudo-header (RFC 8200 8.1).
 *
 * @param src    our address (the error's source)
 * @param dst    the offending packet's source
 * @param param  the 32-bit field after the checksum, host order: the MTU
 *               for Packet Too Big, the pointer for Parameter Problem, 0
 *               otherwise
 * @param l2     destination MAC then source MAC of the route back
 * @return the frame length, PG_ICMP6_ERR_HDRS + @p quote_len
 */
static inline uint32_t
pg_icmp6_error_build(uint8_t *frame, uint32_t quote_len, const uint8_t src[16],
		     const uint8_t dst[16], uint8_t type, uint8_t code, uint32_t param,
		     const uint8_t l2[12])
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip6 + 1);
	const uint32_t param_be = rte_cpu_to_be_32(param);
	uint32_t sum;

	/* dst may alias the quoted source address: copy before writing. */
	memmove(ip6->dst_addr, dst, 16);
	memcpy(ip6->src_addr, src, 16);
	memcpy(eth, l2, 12);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + quote_len));
	ip6->proto = PG_IPPROTO_ICMPV6;
	ip6->hop_limits = PG_ICMP_ERR_TTL;
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	memcpy(&icmp->icmp_ident, &param_be, sizeof(param_be));
	sum = (uint32_t)rte_ipv6_phdr_cksum(ip6, 0) + rte_raw_cksum(icmp, 8 + quote_len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	icmp->icmp_cksum = (uint16_t)~sum;
	return PG_ICMP6_ERR_HDRS + quote_len;
}

#endif /* PG_ICMP_ERROR_H */
