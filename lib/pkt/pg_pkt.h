/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PKT_H
#define PG_PKT_H

/**
 * @file
 * Header parsing, validation and rewriting as pure inline functions.
 *
 * Nothing here touches queues, mbufs pools or global state: every function
 * takes header pointers and lengths and returns a verdict, so unit tests
 * call them on byte arrays and the data path inlines them into its burst
 * loop. Drop verdicts are enum pg_drop_reason values; PG_PKT_OK means "go on".
 */

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_vect.h>

#include "pg_stats.h"

/*
 * Byte swaps the compiler can see through: rte_be_to_cpu_*() is an
 * asm volatile on x86 in 22.11, which blocks folding and scheduling in the
 * hot loop.
 */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define pg_be16(x) __builtin_bswap16(x)
#define pg_be32(x) __builtin_bswap32(x)
#else
#define pg_be16(x) (x)
#define pg_be32(x) (x)
#endif

/**
 * An IPv4 address in host order. DPDK 22.11's RTE_IPV4() shifts an int into
 * the sign bit for a first octet >= 128 (undefined behaviour, which UBSan
 * reports); this one computes in uint32_t.
 */
#define PG_IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			     (uint32_t)(c) << 8 | (uint32_t)(d))

/** Verdict of a validation step that found nothing wrong. */
#define PG_PKT_OK PG_DROP_MAX

/* ---- Ethernet ---------------------------------------------------------- */

/* ---- Ethernet groups of IPv6 (RFC 2464 7) ------------------------------------ */

/**
 * For a port with IPv6 on, whether a 33:33:xx:xx:xx:xx destination is a
 * group it listens to: all-nodes (33:33:00:00:00:01) or the solicited-node
 * group of one of its addresses (33:33:ff + low 24 bits, @p sn[0..1]).
 */
static inline bool
pg_eth_ip6_group_ours(const struct rte_ether_addr *dst, const uint8_t sn[2][3])
{
	const uint8_t *d = dst->addr_bytes;

	if (d[2] == 0 && d[3] == 0 && d[4] == 0 && d[5] == 1)
		return true;
	return d[2] == 0xff && (memcmp(d + 3, sn[0], 3) == 0 || memcmp(d + 3, sn[1], 3) == 0);
}

/**
 * Accept a frame on a port whose MAC is @p ours: the destination must be
 * ours or a group (broadcast/multicast) address. On a port with IPv6 on
 * (@p sn6 not NULL) an IPv6 group MAC (33:33:...) must be one we listen to
 * (pg_eth_ip6_group_ours()); other groups go on to the IPv4 checks, which
 * drop what is not for us by name.
 *
 * @return PG_PKT_OK, PG_DROP_runt or PG_DROP_bad_l2; on OK *ethertype is set
 *   (network order).
 */
static inline unsigned int
pg_eth_input(const struct rte_ether_hdr *eth, uint32_t seg_len,
	     const struct rte_ether_addr *ours, const uint8_t (*sn6)[3],
	     uint16_t *ethertype)
{
	const uint8_t *d = eth->dst_addr.addr_bytes;

	if (unlikely(seg_len < sizeof(*eth)))
		return PG_DROP_runt;
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, ours) &&
		     !rte_is_multicast_ether_addr(&eth->dst_addr)))
		return PG_DROP_bad_l2;
	if (sn6 != NULL && d[0] == 0x33 && d[1] == 0x33 &&
	    !pg_eth_ip6_group_ours(&eth->dst_addr, sn6))
		return PG_DROP_bad_l2;
	*ethertype = eth->ether_type;
	return PG_PKT_OK;
}

/* ---- IPv4 validation (RFC 1812 section 5.2.2) ----------------------------- */

/**
 * One's complement sum of a 20-byte header folded to 16 bits (the value
 * rte_raw_cksum() returns), as five 32-bit adds instead of ten 16-bit ones:
 * the common header without options is checked on every packet.
 */
static inline uint16_t
pg_ip4_sum20(const void *hdr)
{
	uint32_t w[5];
	uint64_t s;

	memcpy(w, hdr, sizeof(w));
	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/**
 * pg_ip4_sum20(@p hdr) == 0xffff, for 20 bytes that are not all zero: the
 * one's-complement sum folds to 0xffff iff the plain sum of the 32-bit
 * words is a nonzero multiple of 0xffff (2^16 and 2^32 are 1 modulo
 * 0xffff). One multiply instead of four folds.
 */
static inline bool
pg_ip4_sum20_ok(const void *hdr)
{
	uint64_t a, b, s;
	uint32_t c;

	/* Three loads; a carry out of 64 bits is worth 1 (2^64 is 1 modulo
	 * 0xffff too), added back as in any one's-complement sum. */
	memcpy(&a, hdr, sizeof(a));
	memcpy(&b, (const uint8_t *)hdr + 8, sizeof(b));
	memcpy(&c, (const uint8_t *)hdr + 16, sizeof(c));
#ifdef RTE_ARCH_X86_64
	/* The carries as the CPU keeps them: add, adc, adc. gcc 12 makes a
	 * setb/movzx/add and a compare of the C below, and keeps the
	 * temporaries of _addcarry_u64() on the stack (decision 0009). */
	s = a;
	__asm__ ("add %[b], %[s]\n\tadc %[c], %[s]\n\tadc $0, %[s]"
		 : [s] "+r" (s) : [b] "rm" (b), [c] "r" ((uint64_t)c) : "cc");
#else
	s = a + b;
	s += s < a;
	s += c;
	s += s < c;
#endif
	return s % 0xffff == 0;
}

/**
 * Validate an IPv4 header.
 *
 * @param ip        the header (may be unaligned by 2 as after Ethernet)
 * @param seg_len   bytes contiguous from @p ip (the header must lie here)
 * @param l3_len    bytes of the frame from @p ip to its end
 * @param cksum_ok  the NIC already verified the checksum
 */
static inline unsigned int
pg_ip4_validate(const struct rte_ipv4_hdr *ip, uint32_t seg_len,
		uint32_t l3_len, bool cksum_ok)
{
	uint32_t hlen, tlen;

	if (unlikely(seg_len < sizeof(*ip)))
		return PG_DROP_runt;
	if (unlikely((ip->version_ihl >> 4) != 4))
		return PG_DROP_bad_version;
	hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (unlikely(hlen < sizeof(*ip)))
		return PG_DROP_bad_ihl;
	if (unlikely(hlen > seg_len))
		return PG_DROP_runt;
	if (!cksum_ok && unlikely((hlen == sizeof(*ip) ? pg_ip4_sum20(ip) :
				   rte_raw_cksum(ip, hlen)) != 0xffff))
		return PG_DROP_bad_checksum;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tlen < hlen || tlen > l3_len))
		return PG_DROP_bad_length;
	return PG_PKT_OK;
}

/** 1 for a first octet that makes an address martian (see below). */
static const uint8_t pg_ip4_martian_octet[256] = {
	[0] = 1, [127] = 1, [224 ... 255] = 1,
};

/**
 * First-octet classes of addresses that are never forwarded (RFC 1812
 * 4.2.2.11, 5.3.7; RFC 5735): 0/8, 127/8, 224/4 multicast, 240/4 class E.
 */
static inline bool
pg_ip4_martian_src(uint32_t src)
{
	return pg_ip4_martian_octet[src >> 24];
}

static inline bool
pg_ip4_martian_dst(uint32_t dst)
{
	return pg_ip4_martian_octet[dst >> 24];
}

/*
 * The first 8 bytes of a frame as one word: the destination MAC is the
 * bytes PG_MAC48_MASK keeps. The 4 bytes from the EtherType: IPv4 and
 * version 4 without options are the 3 PG_IP4_ETH_VHL_MASK keeps.
 */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define PG_MAC48_MASK UINT64_C(0x0000ffffffffffff)
#define PG_IP4_ETH_VHL_MASK UINT32_C(0x00ffffff)
#define PG_IP4_ETH_VHL UINT32_C(0x00450008)
#else
#define PG_MAC48_MASK UINT64_C(0xffffffffffff0000)
#define PG_IP4_ETH_VHL_MASK UINT32_C(0xffffff00)
#define PG_IP4_ETH_VHL UINT32_C(0x08004500)
#endif

/** @p mac as pg_ip4_fast_ok48() compares it (once per burst). */
static inline uint64_t
pg_eth_mac48(const struct rte_ether_addr *mac)
{
	uint64_t v = 0;

	memcpy(&v, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return v & PG_MAC48_MASK;
}

/**
 * The common case in one pass, for the hot loop: a frame to our unicast MAC
 * carrying an option-less IPv4 header that is intact, with neither address
 * martian. True means the packet only needs its route; false means "look
 * closer" (pg_ip4_validate() and friends name the problem, if any).
 *
 * @param seg_len   bytes contiguous from @p eth
 * @param frame_len bytes of the whole frame
 * @param ours48    our MAC, pg_eth_mac48()
 * @param cksum     RTE_MBUF_F_RX_IP_CKSUM_* bits the NIC set
 * @param dst       destination in host order, when true
 */
static inline bool
pg_ip4_fast_ok48(const struct rte_ether_hdr *eth, uint32_t seg_len, uint32_t frame_len,
		 uint64_t ours48, uint64_t cksum, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	uint32_t evhl, tlen;
	uint64_t dmac;

	if (seg_len < sizeof(*eth) + sizeof(*ip))
		return false;
#if defined(RTE_ARCH_X86) && defined(__SSE4_1__) && RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	/* Destination MAC, EtherType and version/IHL are in the frame's
	 * first 16 bytes: one load, one xor, one masked test against
	 * constants built once per burst (4 instructions for the 9 of the
	 * two word compares below; decision 0009). */
	{
		const __m128i want = _mm_set_epi64x((int64_t)PG_IP4_ETH_VHL << 32, (int64_t)ours48);
		const __m128i mask = _mm_set_epi64x((int64_t)PG_IP4_ETH_VHL_MASK << 32,
						    (int64_t)PG_MAC48_MASK);
		const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)eth);

		RTE_SET_USED(dmac);
		RTE_SET_USED(evhl);
		if (!_mm_testz_si128(_mm_xor_si128(x, want), mask) ||
		    cksum == RTE_MBUF_F_RX_IP_CKSUM_BAD)
			return false;
	}
#else
	/* Destination MAC, EtherType and version/IHL: two loads, two
	 * compares (pg_eth_mac48(), PG_IP4_ETH_VHL). */
	memcpy(&dmac, eth, sizeof(dmac));
	memcpy(&evhl, &eth->ether_type, sizeof(evhl));
	if (((dmac ^ ours48) & PG_MAC48_MASK) != 0 ||
	    (evhl & PG_IP4_ETH_VHL_MASK) != PG_IP4_ETH_VHL ||
	    cksum == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
#endif
	/* Version 4 in the first byte: the header is not all zero. */
	if (cksum != RTE_MBUF_F_RX_IP_CKSUM_GOOD && !pg_ip4_sum20_ok(ip))
		return false;
	/* sizeof(*ip) <= tlen <= frame_len - sizeof(*eth) in one compare
	 * (frame_len >= seg_len >= sizeof(*eth) + sizeof(*ip)). */
	tlen = pg_be16(ip->total_length);
	if (tlen - (uint32_t)sizeof(*ip) > frame_len - (uint32_t)(sizeof(*eth) + sizeof(*ip)))
		return false;
	/* Network order: the first octet is the first byte in memory. */
	if (pg_ip4_martian_octet[((const uint8_t *)&ip->src_addr)[0]] |
	    pg_ip4_martian_octet[((const uint8_t *)&ip->dst_addr)[0]])
		return false;
	*dst = pg_be32(ip->dst_addr);
	return true;
}

static inline bool
pg_ip4_fast_ok(const struct rte_ether_hdr *eth, uint32_t seg_len, uint32_t frame_len,
	       const struct rte_ether_addr *ours, uint64_t cksum, uint32_t *dst)
{
	return pg_ip4_fast_ok48(eth, seg_len, frame_len, pg_eth_mac48(ours), cksum, dst);
}

/* ---- checksums ------------------------------------------------------------ */

/**
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changed from
 * @p old to @p new. All values in network order as stored in the packet.
 * The result equals a full recompute except for a message whose other
 * words are all zero: eqn. 3 then gives 0x0000 where 0xffff is right (see
 * pg_icmp_echo_reply()).
 */
static inline uint16_t
pg_cksum_adjust16(uint16_t hc, uint16_t old, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~old;
	sum += new_word;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/** True when @p len bytes at @p p are all zero. */
static inline bool
pg_all_zero(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t i;

	for (i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/**
 * TTL, protocol and header checksum as one 32-bit word, as stored: what
 * pg_ip4_ttl_dec_word() updates, loaded once for the TTL test and the
 * update.
 */
static inline uint32_t
pg_ip4_ttl_word(const struct rte_ipv4_hdr *ip)
{
	uint32_t w;

	memcpy(&w, &ip->time_to_live, sizeof(w));
	return w;
}

/** The TTL in a word from pg_ip4_ttl_word(). */
static inline uint8_t
pg_ip4_ttl_of_word(uint32_t w)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return (uint8_t)w;
#else
	return (uint8_t)(w >> 24);
#endif
}

/**
 * Decrement TTL and patch the header checksum incrementally (RFC 1624).
 * TTL and protocol share one 16-bit word, TTL in its high byte, so the
 * word goes down by 0x0100; done in network order this is the classic
 * "checksum += htons(0x0100)" with end-around carry. @p w is
 * pg_ip4_ttl_word(@p ip), TTL > 0.
 */
static inline void
pg_ip4_ttl_dec_word(struct rte_ipv4_hdr *ip, uint32_t w)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	/* TTL in bits 0-7 (TTL > 0: no borrow), the checksum word as stored
	 * in bits 16-31, where "+= htons(0x0100)" is += 1; the end-around
	 * carry adds one more when the stored word was 0xfffe or 0xffff. One
	 * store. */
	w = w - 1 + 0x10000 + ((uint32_t)(w >= 0xfffe0000u) << 16);
	memcpy(&ip->time_to_live, &w, sizeof(w));
#else
	uint32_t c = ip->hdr_checksum;

	RTE_SET_USED(w);
	c += rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(c + (c >= 0xffff));
	ip->time_to_live--;
#endif
}

/** pg_ip4_ttl_dec_word() with its own load. */
static inline void
pg_ip4_ttl_dec(struct rte_ipv4_hdr *ip)
{
	pg_ip4_ttl_dec_word(ip, pg_ip4_ttl_word(ip));
}

/* ---- Ethernet rewrite ------------------------------------------------------- */

/** Set destination and source MAC for the next hop (12 bytes, one copy). */
static inline void
pg_eth_rewrite(struct rte_ether_hdr *eth, const uint8_t l2[12])
{
	memcpy(eth, l2, 12);
}

/* ---- ARP (RFC 826) ----------------------------------------------------------- */

/**
 * Answer an ARP request for @p our_ip (network order) in place: the frame
 * becomes the reply, to go back out of the port it came in on.
 *
 * @return PG_PKT_OK (frame rewritten), PG_DROP_runt, PG_DROP_bad_arp or
 *   PG_DROP_arp_not_ours.
 */
static inline unsigned int
pg_arp_reply(struct rte_ether_hdr *eth, uint32_t seg_len,
	     const struct rte_ether_addr *our_mac, uint32_t our_ip)
{
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *a;

	if (unlikely(seg_len < sizeof(*eth) + sizeof(*arp)))
		return PG_DROP_runt;
	if (unlikely(arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
		     arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
		     arp->arp_hlen != RTE_ETHER_ADDR_LEN ||
		     arp->arp_plen != sizeof(uint32_t)))
		return PG_DROP_bad_arp;
	a = &arp->arp_data;
	/* A sender MAC that is a group address is forged or broken. */
	if (unlikely(rte_is_multicast_ether_addr(&a->arp_sha) ||
		     rte_is_zero_ether_addr(&a->arp_sha)))
		return PG_DROP_bad_arp;
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    a->arp_tip != our_ip)
		return PG_DROP_arp_not_ours;

	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	a->arp_tha = a->arp_sha;
	a->arp_tip = a->arp_sip;
	a->arp_sha = *our_mac;
	a->arp_sip = our_ip;
	eth->dst_addr = a->arp_tha;
	eth->src_addr = *our_mac;
	return PG_PKT_OK;
}

/* ---- ICMP echo (RFC 792) -------------------------------------------------------- */

#define PG_ICMP_REPLY_TTL 64

/**
 * Check an ICMP message addressed to us and say whether it is an echo
 * request we answer. The IPv4 header was validated already, so its total
 * length lies within the frame; the ICMP header must lie in the first
 * segment (@p seg_len bytes from @p eth).
 *
 * @param icmp_sum  folded one's complement sum over the whole ICMP message
 *   (rte_raw_cksum() or rte_raw_cksum_mbuf()); 0xffff when it is intact.
 * @return PG_PKT_OK, PG_DROP_bad_icmp or PG_DROP_not_ours_local (not ICMP,
 *   not an echo request, or a fragment: we do not reassemble).
 */
static inline unsigned int
pg_icmp_echo_check(const struct rte_ether_hdr *eth, const struct rte_ipv4_hdr *ip,
		   uint32_t seg_len, uint16_t icmp_sum)
{
	const uint32_t hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	const uint32_t tlen = rte_be_to_cpu_16(ip->total_length);
	const struct rte_icmp_hdr *icmp;

	if (ip->next_proto_id != IPPROTO_ICMP)
		return PG_DROP_not_ours_local;
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
					   RTE_IPV4_HDR_OFFSET_MASK))
		return PG_DROP_not_ours_local;
	if (unlikely(tlen < hlen + sizeof(*icmp) ||
		     (uintptr_t)ip - (uintptr_t)eth + hlen + sizeof(*icmp) > seg_len))
		return PG_DROP_bad_icmp;
	if (unlikely(icmp_sum != 0xffff))
		return PG_DROP_bad_icmp;
	icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + hlen);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return PG_DROP_not_ours_local;
	return PG_PKT_OK;
}

/**
 * Turn a checked echo request (pg_icmp_echo_check()) into the echo reply in
 * place: ICMP type 0 with the checksum patched, IP addresses swapped, TTL
 * 64, Ethernet addresses swapped with @p our_mac as the source.
 */
static inline void
pg_icmp_echo_reply(struct rte_ether_hdr *eth, struct rte_ipv4_hdr *ip,
		   uint32_t seg_len, const struct rte_ether_addr *our_mac)
{
	const uint32_t hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	const uint32_t tlen = rte_be_to_cpu_16(ip->total_length);
	const uint32_t icmp_off = (uint32_t)((uintptr_t)ip - (uintptr_t)eth) + hlen;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);
	uint32_t tmp;

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = pg_cksum_adjust16(icmp->icmp_cksum,
		RTE_BE16(RTE_IP_ICMP_ECHO_REQUEST << 8),
		RTE_BE16(RTE_IP_ICMP_ECHO_REPLY << 8));
	/* A reply that is all zeros but its checksum sums to +0: only 0xffff
	 * verifies (eqn. 3 gave -0). Where the message spans segments we
	 * cannot look, and 0xffff verifies in both cases. */
	if (unlikely(icmp->icmp_cksum == 0) && icmp->icmp_ident == 0 &&
	    icmp->icmp_seq_nb == 0 &&
	    (icmp_off + (tlen - hlen) > seg_len ||
	     pg_all_zero(icmp + 1, tlen - hlen - (uint32_t)sizeof(*icmp))))
		icmp->icmp_cksum = 0xffff;

	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = PG_ICMP_REPLY_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, hlen);

	eth->dst_addr = eth->src_addr;
	eth->src_addr = *our_mac;
}

#endif /* PG_PKT_H */
