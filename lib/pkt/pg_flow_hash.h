/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FLOW_HASH_H
#define PG_FLOW_HASH_H

/**
 * @file
 * Software RSS for the pipeline distributor: a symmetric hash of the IPv4
 * or IPv6 5-tuple, so that both directions of a flow, and every packet of it, land
 * on one forwarding lcore (order is kept per flow). ECMP (lib/fwd) picks a
 * group member with it too, when the NIC gave no RSS hash.
 *
 * Symmetry comes from folding src^dst and sport^dport before hashing; the
 * hash is one CRC32-C instruction (rte_hash_crc_4byte). The alternative,
 * rte_softrss() with a symmetric Toeplitz key, is measured against it in
 * tests/perf/bench_flow_hash.c (see docs/decisions/0003).
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

static inline uint32_t
pg_flow_hash_ip4(const struct rte_ipv4_hdr *ip, uint32_t avail)
{
	const uint32_t hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	uint32_t ports = 0;

	if ((ip->next_proto_id == IPPROTO_UDP || ip->next_proto_id == IPPROTO_TCP) &&
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
					    RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	    hlen + 4 <= avail) {
		uint32_t both;

		memcpy(&both, (const uint8_t *)ip + hlen, sizeof(both));
		ports = (both >> 16) ^ (both & 0xffff);
	}
	return rte_hash_crc_4byte(ip->src_addr ^ ip->dst_addr,
				  ports ^ ((uint32_t)ip->next_proto_id << 16));
}

/*
 * IPv6 the same way: src^dst folded to 64 bits, the TCP/UDP ports when
 * they follow the fixed header (with extension headers in between, the
 * flow goes by addresses and next header only: still one lcore per flow).
 */
static inline uint32_t
pg_flow_hash_ip6(const struct rte_ipv6_hdr *ip, uint32_t avail)
{
	uint64_t a[4];
	uint32_t ports = 0;

	memcpy(a, ip->src_addr, sizeof(a));
	if ((ip->proto == IPPROTO_UDP || ip->proto == IPPROTO_TCP) &&
	    sizeof(*ip) + 4 <= avail) {
		uint32_t both;

		memcpy(&both, ip + 1, sizeof(both));
		ports = (both >> 16) ^ (both & 0xffff);
	}
	return rte_hash_crc_8byte(a[0] ^ a[1] ^ a[2] ^ a[3],
				  ports ^ ((uint32_t)ip->proto << 16));
}

/** Hash of a frame's flow; 0 for what is neither IPv4 nor IPv6 (ARP, ...). */
static inline uint32_t
pg_flow_hash(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const uint32_t avail = m->data_len - (uint32_t)sizeof(*eth);

	if (likely(m->data_len >= sizeof(*eth) + sizeof(struct rte_ipv4_hdr) &&
		   eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)))
		return pg_flow_hash_ip4((const struct rte_ipv4_hdr *)(eth + 1), avail);
	if (m->data_len >= sizeof(*eth) + sizeof(struct rte_ipv6_hdr) &&
	    eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return pg_flow_hash_ip6((const struct rte_ipv6_hdr *)(eth + 1), avail);
	return 0;
}

/** Map a 32-bit hash onto [0, n) without a division. */
static inline uint32_t
pg_flow_pick(uint32_t hash, uint32_t n)
{
	return (uint32_t)(((uint64_t)hash * n) >> 32);
}

#endif /* PG_FLOW_HASH_H */
