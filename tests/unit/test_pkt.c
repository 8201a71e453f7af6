/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Header validation, rewrite and local answers on byte arrays (no EAL).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pg_pkt.h"

static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x99 }};

/* A frame: Ethernet + IPv4 (20 bytes, or with options) + payload. */
struct frame {
	uint8_t b[256] __rte_aligned(8);
	uint32_t len;
};

static struct rte_ether_hdr *
eth_of(struct frame *f)
{
	return (struct rte_ether_hdr *)f->b;
}

static struct rte_ipv4_hdr *
ip_of(struct frame *f)
{
	return (struct rte_ipv4_hdr *)(f->b + sizeof(struct rte_ether_hdr));
}

static void
ip_fix_cksum(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, (ip->version_ihl & 0xf) * 4u);
}

static void
make_ip(struct frame *f, uint8_t ihl_words, uint16_t payload, uint8_t ttl, uint8_t proto)
{
	struct rte_ether_hdr *eth = eth_of(f);
	struct rte_ipv4_hdr *ip = ip_of(f);
	const uint32_t hlen = ihl_words * 4u;

	memset(f, 0, sizeof(*f));
	eth->dst_addr = our_mac;
	eth->src_addr = peer_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = (uint8_t)(0x40 | ihl_words);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + payload));
	ip->packet_id = RTE_BE16(0x1234);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = RTE_BE32(PG_IPV4(192, 0, 2, 10));
	ip->dst_addr = RTE_BE32(PG_IPV4(203, 0, 113, 7));
	/* Options are NOPs: valid and checksummed like the rest. */
	memset((uint8_t *)ip + sizeof(*ip), 1, hlen - sizeof(*ip));
	ip_fix_cksum(ip);
	f->len = (uint32_t)sizeof(*eth) + hlen + payload;
}

static unsigned int
validate(struct frame *f)
{
	const uint32_t l3 = f->len - (uint32_t)sizeof(struct rte_ether_hdr);

	return pg_ip4_validate(ip_of(f), l3, l3, false);
}

START_TEST(eth_accepts_ours_and_group)
{
	struct frame f;
	uint16_t et = 0;

	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, NULL, &et), PG_PKT_OK);
	ck_assert_uint_eq(et, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	memset(&eth_of(&f)->dst_addr, 0xff, 6);
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, NULL, &et), PG_PKT_OK);
	eth_of(&f)->dst_addr = (struct rte_ether_addr){{ 0x01, 0, 0x5e, 0, 0, 1 }};
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, NULL, &et), PG_PKT_OK);
}
END_TEST

START_TEST(eth_drops_other_unicast_and_runt)
{
	struct frame f;
	uint16_t et;

	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	eth_of(&f)->dst_addr = peer_mac;
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, NULL, &et), PG_DROP_bad_l2);
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), 13, &our_mac, NULL, &et), PG_DROP_runt);
}
END_TEST

START_TEST(ip_valid)
{
	struct frame f;

	make_ip(&f, 5, 18, 64, IPPROTO_UDP);
	ck_assert_uint_eq(validate(&f), PG_PKT_OK);
	make_ip(&f, 15, 0, 64, IPPROTO_UDP);   /* 40 bytes of options */
	ck_assert_uint_eq(validate(&f), PG_PKT_OK);
}
END_TEST

START_TEST(ip_bad_version)
{
	struct frame f;

	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ip_of(&f)->version_ihl = 0x65;
	ip_fix_cksum(ip_of(&f));
	ck_assert_uint_eq(validate(&f), PG_DROP_bad_version);
}
END_TEST

START_TEST(ip_bad_ihl)
{
	struct frame f;
	uint8_t ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		make_ip(&f, 5, 8, 64, IPPROTO_UDP);
		ip_of(&f)->version_ihl = (uint8_t)(0x40 | ihl);
		ck_assert_uint_eq(validate(&f), PG_DROP_bad_ihl);
	}
}
END_TEST

START_TEST(ip_bad_checksum)
{
	struct frame f;

	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ip_of(&f)->hdr_checksum ^= RTE_BE16(0x0001);
	ck_assert_uint_eq(validate(&f), PG_DROP_bad_checksum);
	/* The NIC's word counts: a checked-good header skips the software sum. */
	ck_assert_uint_eq(pg_ip4_validate(ip_of(&f), 28, 28, true), PG_PKT_OK);
}
END_TEST

START_TEST(ip_bad_length)
{
	struct frame f;

	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ip_of(&f)->total_length = RTE_BE16(19);        /* below the header */
	ip_fix_cksum(ip_of(&f));
	ck_assert_uint_eq(validate(&f), PG_DROP_bad_length);
	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ip_of(&f)->total_length = RTE_BE16(29);        /* one past the frame */
	ip_fix_cksum(ip_of(&f));
	ck_assert_uint_eq(validate(&f), PG_DROP_bad_length);
	/* Ethernet padding after the datagram is fine. */
	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ck_assert_uint_eq(pg_ip4_validate(ip_of(&f), 46, 46, false), PG_PKT_OK);
}
END_TEST

START_TEST(ip_truncated_every_length)
{
	struct frame f;
	uint32_t l;

	make_ip(&f, 6, 8, 64, IPPROTO_UDP);  /* 24-byte header */
	for (l = 0; l < 24; l++)
		ck_assert_uint_eq(pg_ip4_validate(ip_of(&f), l, l, false), PG_DROP_runt);
	for (l = 24; l < 32; l++)
		ck_assert_uint_eq(pg_ip4_validate(ip_of(&f), l, l, false), PG_DROP_bad_length);
	ck_assert_uint_eq(pg_ip4_validate(ip_of(&f), 32, 32, false), PG_PKT_OK);
}
END_TEST

START_TEST(martians)
{
	ck_assert(pg_ip4_martian_src(PG_IPV4(0, 1, 2, 3)));
	ck_assert(pg_ip4_martian_src(PG_IPV4(127, 0, 0, 1)));
	ck_assert(pg_ip4_martian_src(PG_IPV4(224, 0, 0, 5)));
	ck_assert(pg_ip4_martian_src(PG_IPV4(255, 255, 255, 255)));
	ck_assert(!pg_ip4_martian_src(PG_IPV4(192, 0, 2, 1)));
	ck_assert(!pg_ip4_martian_src(PG_IPV4(223, 255, 255, 254)));
	ck_assert(pg_ip4_martian_dst(PG_IPV4(239, 1, 1, 1)));
	ck_assert(pg_ip4_martian_dst(PG_IPV4(240, 0, 0, 1)));
	ck_assert(!pg_ip4_martian_dst(PG_IPV4(10, 0, 0, 1)));
}
END_TEST

/* TTL decrement with the incremental update must equal a full recompute
 * for every TTL and many header contents (RFC 1624). */
START_TEST(ttl_dec_matches_full_recompute)
{
	struct frame f;
	unsigned int ttl, k;

	srand(7);
	for (k = 0; k < 2000; k++) {
		for (ttl = 2; ttl < 256; ttl += (k < 4 ? 1 : 37)) {
			struct rte_ipv4_hdr *ip;
			uint16_t inc;

			make_ip(&f, 5, 8, (uint8_t)ttl, IPPROTO_UDP);
			ip = ip_of(&f);
			ip->packet_id = (uint16_t)rand();
			ip->src_addr = (uint32_t)rand() * 2654435761u;
			ip->dst_addr = (uint32_t)rand();
			ip->fragment_offset = (uint16_t)(rand() & 0x40);
			ip_fix_cksum(ip);
			pg_ip4_ttl_dec(ip);
			ck_assert_uint_eq(ip->time_to_live, ttl - 1);
			inc = ip->hdr_checksum;
			ck_assert_uint_eq(rte_raw_cksum(ip, 20), 0xffff);
			ip_fix_cksum(ip);
			ck_assert_uint_eq(inc, ip->hdr_checksum);
		}
	}
}
END_TEST

/* The one header whose checksum field is 0xFEFF before: the sum wraps. */
START_TEST(ttl_dec_checksum_wrap)
{
	struct frame f;
	struct rte_ipv4_hdr *ip;
	uint32_t id;

	/* Search the packet id that gives checksum 0xFEFF (network order). */
	for (id = 0; id < 65536; id++) {
		make_ip(&f, 5, 8, 64, IPPROTO_UDP);
		ip = ip_of(&f);
		ip->packet_id = (uint16_t)id;
		ip_fix_cksum(ip);
		if (ip->hdr_checksum == RTE_BE16(0xfeff) ||
		    ip->hdr_checksum == 0xfeff)
			break;
	}
	ck_assert_uint_lt(id, 65536);
	pg_ip4_ttl_dec(ip);
	ck_assert_uint_eq(rte_raw_cksum(ip, 20), 0xffff);
}
END_TEST

START_TEST(eth_rewrite_sets_both_macs)
{
	struct frame f;
	uint8_t l2[12] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x02, 0, 0, 0, 0, 0x02 };

	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	pg_eth_rewrite(eth_of(&f), l2);
	ck_assert_mem_eq(f.b, l2, 12);
	ck_assert_uint_eq(eth_of(&f)->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	ck_assert_uint_eq(ip_of(&f)->version_ihl, 0x45);
}
END_TEST

static uint32_t
make_arp(struct frame *f, uint16_t op, uint32_t tip)
{
	struct rte_ether_hdr *eth = eth_of(f);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	memset(f, 0, sizeof(*f));
	memset(&eth->dst_addr, 0xff, 6);
	eth->src_addr = peer_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	arp->arp_data.arp_sha = peer_mac;
	arp->arp_data.arp_sip = RTE_BE32(PG_IPV4(192, 0, 2, 10));
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	f->len = 60;
	return f->len;
}

START_TEST(arp_request_for_us_is_answered)
{
	const uint32_t ours = RTE_BE32(PG_IPV4(192, 0, 2, 1));
	struct frame f;
	struct rte_arp_hdr *arp;

	make_arp(&f, RTE_ARP_OP_REQUEST, PG_IPV4(192, 0, 2, 1));
	ck_assert_uint_eq(pg_arp_reply(eth_of(&f), f.len, &our_mac, ours), PG_PKT_OK);
	arp = (struct rte_arp_hdr *)(eth_of(&f) + 1);
	ck_assert_uint_eq(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	ck_assert(rte_is_same_ether_addr(&arp->arp_data.arp_sha, &our_mac));
	ck_assert_uint_eq(arp->arp_data.arp_sip, ours);
	ck_assert(rte_is_same_ether_addr(&arp->arp_data.arp_tha, &peer_mac));
	ck_assert_uint_eq(arp->arp_data.arp_tip, RTE_BE32(PG_IPV4(192, 0, 2, 10)));
	ck_assert(rte_is_same_ether_addr(&eth_of(&f)->dst_addr, &peer_mac));
	ck_assert(rte_is_same_ether_addr(&eth_of(&f)->src_addr, &our_mac));
}
END_TEST

START_TEST(arp_other_cases_dropped)
{
	const uint32_t ours = RTE_BE32(PG_IPV4(192, 0, 2, 1));
	struct frame f;
	struct rte_arp_hdr *arp;

	make_arp(&f, RTE_ARP_OP_REQUEST, PG_IPV4(192, 0, 2, 2));
	ck_assert_uint_eq(pg_arp_reply(eth_of(&f), f.len, &our_mac, ours), PG_DROP_arp_not_ours);
	make_arp(&f, RTE_ARP_OP_REPLY, PG_IPV4(192, 0, 2, 1));
	ck_assert_uint_eq(pg_arp_reply(eth_of(&f), f.len, &our_mac, ours), PG_DROP_arp_not_ours);
	make_arp(&f, RTE_ARP_OP_REQUEST, PG_IPV4(192, 0, 2, 1));
	ck_assert_uint_eq(pg_arp_reply(eth_of(&f), 14 + 27, &our_mac, ours), PG_DROP_runt);
	arp = (struct rte_arp_hdr *)(eth_of(&f) + 1);
	arp->arp_hlen = 8;
	ck_assert_uint_eq(pg_arp_reply(eth_of(&f), f.len, &our_mac, ours), PG_DROP_bad_arp);
	make_arp(&f, RTE_ARP_OP_REQUEST, PG_IPV4(192, 0, 2, 1));
	arp->arp_data.arp_sha.addr_bytes[0] = 0x01;   /* group sender MAC */
	ck_assert_uint_eq(pg_arp_reply(eth_of(&f), f.len, &our_mac, ours), PG_DROP_bad_arp);
}
END_TEST

static void
make_echo(struct frame *f, uint8_t type, uint16_t data)
{
	struct rte_icmp_hdr *icmp;
	uint16_t i;

	make_ip(f, 5, (uint16_t)(sizeof(*icmp) + data), 64, IPPROTO_ICMP);
	ip_of(f)->dst_addr = RTE_BE32(PG_IPV4(192, 0, 2, 1));
	ip_fix_cksum(ip_of(f));
	icmp = (struct rte_icmp_hdr *)(ip_of(f) + 1);
	icmp->icmp_type = type;
	icmp->icmp_ident = RTE_BE16(0x4242);
	icmp->icmp_seq_nb = RTE_BE16(7);
	for (i = 0; i < data; i++)
		((uint8_t *)(icmp + 1))[i] = (uint8_t)(i * 7);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + data);
}

/* Check then answer, as the data path does: sum over the ICMP message. */
static unsigned int
echo(struct frame *f, uint32_t seg_len)
{
	const uint32_t tlen = rte_be_to_cpu_16(ip_of(f)->total_length);
	const uint32_t hlen = (ip_of(f)->version_ihl & 0xf) * 4u;
	uint16_t sum = rte_raw_cksum((uint8_t *)ip_of(f) + hlen, tlen - hlen);
	unsigned int r = pg_icmp_echo_check(eth_of(f), ip_of(f), seg_len, sum);

	if (r == PG_PKT_OK)
		pg_icmp_echo_reply(eth_of(f), ip_of(f), seg_len, &our_mac);
	return r;
}

START_TEST(icmp_echo_is_answered)
{
	struct frame f;
	struct rte_icmp_hdr *icmp;
	uint16_t want;

	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 37);   /* odd length on purpose */
	ck_assert_uint_eq(echo(&f, f.len), PG_PKT_OK);
	icmp = (struct rte_icmp_hdr *)(ip_of(&f) + 1);
	ck_assert_uint_eq(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	ck_assert_uint_eq(icmp->icmp_ident, RTE_BE16(0x4242));
	ck_assert_uint_eq(rte_raw_cksum(icmp, sizeof(*icmp) + 37), 0xffff);
	/* Same value as a full recompute. */
	want = icmp->icmp_cksum;
	icmp->icmp_cksum = 0;
	ck_assert_uint_eq(want, (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + 37));
	ck_assert_uint_eq(ip_of(&f)->src_addr, RTE_BE32(PG_IPV4(192, 0, 2, 1)));
	ck_assert_uint_eq(ip_of(&f)->dst_addr, RTE_BE32(PG_IPV4(192, 0, 2, 10)));
	ck_assert_uint_eq(ip_of(&f)->time_to_live, PG_ICMP_REPLY_TTL);
	ck_assert_uint_eq(rte_raw_cksum(ip_of(&f), 20), 0xffff);
	ck_assert(rte_is_same_ether_addr(&eth_of(&f)->dst_addr, &peer_mac));
	ck_assert(rte_is_same_ether_addr(&eth_of(&f)->src_addr, &our_mac));
}
END_TEST

/* An all-zero echo request: the reply's message sums to zero, and only a
 * 0xffff checksum makes it verify (RFC 1624's eqn. 3 gives -0 = 0x0000). */
START_TEST(icmp_echo_all_zero_checksum)
{
	struct frame f;
	struct rte_icmp_hdr *icmp;

	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 0);
	icmp = (struct rte_icmp_hdr *)(ip_of(&f) + 1);
	icmp->icmp_ident = 0;
	icmp->icmp_seq_nb = 0;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp));
	ck_assert_uint_eq(echo(&f, f.len), PG_PKT_OK);
	ck_assert_uint_eq(icmp->icmp_cksum, 0xffff);
	ck_assert_uint_eq(rte_raw_cksum(icmp, sizeof(*icmp)), 0xffff);
}
END_TEST

START_TEST(icmp_not_answered)
{
	struct frame f;
	struct rte_icmp_hdr *icmp;

	make_echo(&f, RTE_IP_ICMP_ECHO_REPLY, 8);
	ck_assert_uint_eq(echo(&f, f.len), PG_DROP_not_ours_local);
	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 8);
	icmp = (struct rte_icmp_hdr *)(ip_of(&f) + 1);
	icmp->icmp_cksum ^= 0x0100;
	ck_assert_uint_eq(echo(&f, f.len), PG_DROP_bad_icmp);
	/* ICMP header cut by the first segment */
	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 8);
	ck_assert_uint_eq(echo(&f, 14 + 20 + 7), PG_DROP_bad_icmp);
	/* IP says shorter than an ICMP header */
	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 8);
	ip_of(&f)->total_length = RTE_BE16(20 + 7);
	ck_assert_uint_eq(pg_icmp_echo_check(eth_of(&f), ip_of(&f), f.len, 0xffff),
			  PG_DROP_bad_icmp);
	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 8);
	ip_of(&f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ck_assert_uint_eq(echo(&f, f.len), PG_DROP_not_ours_local);
	make_ip(&f, 5, 8, 64, IPPROTO_UDP);
	ck_assert_uint_eq(echo(&f, f.len), PG_DROP_not_ours_local);
}
END_TEST

/* Eqn. 3 equals a full recompute when the other words are not all zero:
 * echo replies with id 0xffff/seq 0xffff keep 0x0000 (their rest sums to -0). */
START_TEST(icmp_echo_minus_zero_kept)
{
	struct frame f;
	struct rte_icmp_hdr *icmp;

	make_echo(&f, RTE_IP_ICMP_ECHO_REQUEST, 0);
	icmp = (struct rte_icmp_hdr *)(ip_of(&f) + 1);
	icmp->icmp_ident = 0xffff;
	icmp->icmp_seq_nb = 0xffff;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp));
	ck_assert_uint_eq(echo(&f, f.len), PG_PKT_OK);
	ck_assert_uint_eq(icmp->icmp_cksum, 0);
	ck_assert_uint_eq(rte_raw_cksum(icmp, sizeof(*icmp)), 0xffff);
}
END_TEST

/* The 32-bit fast sum equals the 16-bit reference on any 20 bytes. */
START_TEST(sum20_matches_raw_cksum)
{
	uint8_t h[20];
	unsigned int k, i;

	srand(11);
	for (k = 0; k < 200000; k++) {
		for (i = 0; i < sizeof(h); i++)
			h[i] = (uint8_t)(k < 3 ? (k == 0 ? 0 : 0xff) : rand());
		ck_assert_uint_eq(pg_ip4_sum20(h), rte_raw_cksum(h, sizeof(h)));
	}
}
END_TEST

/* The fast test never passes a frame the full checks would drop, and
 * passes the plain good one: mutate every byte of the headers. */
START_TEST(fast_ok_agrees_with_full_checks)
{
	struct frame f;
	uint32_t d, pos, passed = 0;
	unsigned int bit;

	make_ip(&f, 5, 26, 64, IPPROTO_UDP);
	ck_assert(pg_ip4_fast_ok(eth_of(&f), f.len, f.len, &our_mac, 0, &d));
	ck_assert_uint_eq(d, PG_IPV4(203, 0, 113, 7));
	ck_assert(!pg_ip4_fast_ok(eth_of(&f), f.len, f.len, &our_mac,
				  RTE_MBUF_F_RX_IP_CKSUM_BAD, &d));
	for (pos = 0; pos < 34; pos++) {
		for (bit = 0; bit < 8; bit++) {
			struct frame g = f;
			uint16_t et;
			bool full;

			g.b[pos] ^= (uint8_t)(1u << bit);
			full = pg_eth_input(eth_of(&g), g.len, &our_mac, NULL, &et) == PG_PKT_OK &&
			       !rte_is_multicast_ether_addr(&eth_of(&g)->dst_addr) &&
			       et == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
			       pg_ip4_validate(ip_of(&g), g.len - 14, g.len - 14, false) ==
			       PG_PKT_OK &&
			       !pg_ip4_martian_src(rte_be_to_cpu_32(ip_of(&g)->src_addr)) &&
			       !pg_ip4_martian_dst(rte_be_to_cpu_32(ip_of(&g)->dst_addr));
			if (pg_ip4_fast_ok(eth_of(&g), g.len, g.len, &our_mac, 0, &d)) {
				ck_assert_msg(full, "fast test passed byte %u bit %u", pos, bit);
				passed++;
			}
		}
	}
	/* Only the 48 source-MAC bits may change freely: any other flip breaks
	 * our MAC, the ethertype, the version/IHL or the checksum. */
	ck_assert_uint_eq(passed, 48);
	/* Truncated: never passes. */
	for (pos = 0; pos < 34; pos++)
		ck_assert(!pg_ip4_fast_ok(eth_of(&f), pos, f.len, &our_mac, 0, &d));
	/* Options present: left to the full checks. */
	make_ip(&f, 6, 8, 64, IPPROTO_UDP);
	ck_assert(!pg_ip4_fast_ok(eth_of(&f), f.len, f.len, &our_mac, 0, &d));
}
END_TEST

START_TEST(drop_names_complete)
{
	unsigned int r;

	for (r = 0; r < PG_DROP_MAX; r++) {
		ck_assert_ptr_nonnull(pg_drop_names[r]);
		ck_assert_ptr_nonnull(pg_drop_help[r]);
	}
	ck_assert_str_eq(pg_drop_names[PG_DROP_ttl_exceeded], "ttl_exceeded");
	ck_assert_str_eq(pg_drop_names[PG_DROP_tx_full], "tx_full");
}
END_TEST

static Suite *
pkt_suite(void)
{
	Suite *s = suite_create("pkt");
	TCase *tc = tcase_create("pkt");

	tcase_add_test(tc, eth_accepts_ours_and_group);
	tcase_add_test(tc, eth_drops_other_unicast_and_runt);
	tcase_add_test(tc, ip_valid);
	tcase_add_test(tc, ip_bad_version);
	tcase_add_test(tc, ip_bad_ihl);
	tcase_add_test(tc, ip_bad_checksum);
	tcase_add_test(tc, ip_bad_length);
	tcase_add_test(tc, ip_truncated_every_length);
	tcase_add_test(tc, martians);
	tcase_add_test(tc, ttl_dec_matches_full_recompute);
	tcase_add_test(tc, ttl_dec_checksum_wrap);
	tcase_add_test(tc, eth_rewrite_sets_both_macs);
	tcase_add_test(tc, arp_request_for_us_is_answered);
	tcase_add_test(tc, arp_other_cases_dropped);
	tcase_add_test(tc, icmp_echo_is_answered);
	tcase_add_test(tc, icmp_echo_all_zero_checksum);
	tcase_add_test(tc, icmp_not_answered);
	tcase_add_test(tc, icmp_echo_minus_zero_kept);
	tcase_add_test(tc, sum20_matches_raw_cksum);
	tcase_add_test(tc, fast_ok_agrees_with_full_checks);
	tcase_add_test(tc, drop_names_complete);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pkt_suite());
	int failed;

	/* With TAP on stdout (meson), check's own summary would be noise. */
	srunner_run_all(sr, getenv("CK_TAP_LOG_FILE_NAME") != NULL ? CK_SILENT : CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
