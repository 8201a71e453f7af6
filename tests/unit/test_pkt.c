/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Header validation, rewrite and local answers on byte arrays (no EAL).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pg_icmp_error.h"
#include "pg_pkt.h"
#include "pg_token_bucket.h"

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

/* The fast path's checksum test agrees with the folded sum on any 20
 * bytes that are not all zero, valid checksums or not. */
START_TEST(sum20_ok_matches_sum20)
{
	uint8_t h[20];
	unsigned int k, i, valid = 0;
	uint16_t c;

	srand(12);
	for (k = 0; k < 200000; k++) {
		for (i = 0; i < sizeof(h); i++)
			h[i] = (uint8_t)(k < 2 ? 0xff : rand());
		h[0] |= (uint8_t)(k & 1 ? 0x45 : 0x01);
		if (k & 2) {
			/* make it valid: the checksum field completes the sum */
			h[10] = h[11] = 0;
			c = (uint16_t)~pg_ip4_sum20(h);
			memcpy(&h[10], &c, sizeof(c));
		}
		ck_assert_int_eq(pg_ip4_sum20_ok(h), pg_ip4_sum20(h) == 0xffff);
		valid += pg_ip4_sum20_ok(h);
	}
	ck_assert_uint_ge(valid, 100000 / 2);
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


/* ---- ICMP errors ------------------------------------------------------------
 * Expected frames generated once with scapy (Debian python3-scapy 2.5):
 *   o4 = IP(src="192.0.2.10", dst="203.0.113.7", ttl=1, id=0x1234)
 *        / UDP(sport=4000, dport=5000) / Raw(b"ping")
 *   e = Ether(dst="02:00:00:00:00:10", src="02:00:00:00:00:01")
 *   e / IP(src="192.0.2.1", dst="192.0.2.10", tos=0xc0, id=0, flags="DF",
 *          ttl=64) / ICMP(type=11, code=0) / Raw(o4)          -> exp_te4
 *   ... / ICMP(type=3, code=4, nexthopmtu=1400) / Raw(o4)      -> exp_fn4
 *   o6 = IPv6(src="2001:db8:1::10", dst="2001:db8:2::7", hlim=1,
 *             fl=0x12345) / UDP(sport=4000, dport=5000) / Raw(b"ping6")
 *   e / IPv6(src="2001:db8:1::1", dst="2001:db8:1::10", hlim=64)
 *     / ICMPv6TimeExceeded(code=0) / Raw(o6)                   -> exp_te6
 *     / ICMPv6DestUnreach(code=3) / Raw(o6)                    -> exp_du6
 *     / ICMPv6PacketTooBig(mtu=1280) / Raw(o6)                 -> exp_ptb6
 */
static const uint8_t orig4[32] = {
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0xa9, 0x87,
	0xc0, 0x00, 0x02, 0x0a, 0xcb, 0x00, 0x71, 0x07, 0x0f, 0xa0, 0x13, 0x88,
	0x00, 0x0c, 0xff, 0xca, 0x70, 0x69, 0x6e, 0x67,
};

static const uint8_t exp_te4[74] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0xc0, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
	0xb5, 0xf5, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x0a, 0x0b, 0x00,
	0xf3, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20, 0x12, 0x34,
	0x00, 0x00, 0x01, 0x11, 0xa9, 0x87, 0xc0, 0x00, 0x02, 0x0a, 0xcb, 0x00,
	0x71, 0x07, 0x0f, 0xa0, 0x13, 0x88, 0x00, 0x0c, 0xff, 0xca, 0x70, 0x69,
	0x6e, 0x67,
};

static const uint8_t exp_fn4[74] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0xc0, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
	0xb5, 0xf5, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x0a, 0x03, 0x04,
	0xf5, 0xb3, 0x00, 0x00, 0x05, 0x78, 0x45, 0x00, 0x00, 0x20, 0x12, 0x34,
	0x00, 0x00, 0x01, 0x11, 0xa9, 0x87, 0xc0, 0x00, 0x02, 0x0a, 0xcb, 0x00,
	0x71, 0x07, 0x0f, 0xa0, 0x13, 0x88, 0x00, 0x0c, 0xff, 0xca, 0x70, 0x69,
	0x6e, 0x67,
};

static const uint8_t orig6[53] = {
	0x60, 0x01, 0x23, 0x45, 0x00, 0x0d, 0x11, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07, 0x0f, 0xa0, 0x13, 0x88, 0x00, 0x0d, 0x6c, 0x4f,
	0x70, 0x69, 0x6e, 0x67, 0x36,
};

static const uint8_t exp_te6[115] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x3d, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x03, 0x00, 0x0c, 0xcd, 0x00, 0x00,
	0x00, 0x00, 0x60, 0x01, 0x23, 0x45, 0x00, 0x0d, 0x11, 0x01, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x0f, 0xa0, 0x13, 0x88, 0x00, 0x0d,
	0x6c, 0x4f, 0x70, 0x69, 0x6e, 0x67, 0x36,
};

static const uint8_t exp_du6[115] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x3d, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x01, 0x03, 0x0e, 0xca, 0x00, 0x00,
	0x00, 0x00, 0x60, 0x01, 0x23, 0x45, 0x00, 0x0d, 0x11, 0x01, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x0f, 0xa0, 0x13, 0x88, 0x00, 0x0d,
	0x6c, 0x4f, 0x70, 0x69, 0x6e, 0x67, 0x36,
};

static const uint8_t exp_ptb6[115] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x3d, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x08, 0xcd, 0x00, 0x00,
	0x05, 0x00, 0x60, 0x01, 0x23, 0x45, 0x00, 0x0d, 0x11, 0x01, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x0f, 0xa0, 0x13, 0x88, 0x00, 0x0d,
	0x6c, 0x4f, 0x70, 0x69, 0x6e, 0x67, 0x36,
};


static const uint8_t err_l2[12] = { 0x02, 0, 0, 0, 0, 0x10, 0x02, 0, 0, 0, 0, 0x01 };

/* Lay the offending datagram out as the data path has it after moving
 * the frame start back: at buf + hdrs, the headers' room in front. */
static uint8_t *
err_buf(uint8_t *buf, size_t size, uint32_t hdrs, const uint8_t *orig, size_t len)
{
	memset(buf, 0xee, size);
	memcpy(buf + hdrs, orig, len);
	return buf;
}

START_TEST(icmp4_error_exact_bytes)
{
	uint8_t buf[128];
	uint32_t len;

	err_buf(buf, sizeof(buf), PG_ICMP4_ERR_HDRS, orig4, sizeof(orig4));
	len = pg_icmp4_error_build(buf, pg_icmp4_quote_len(sizeof(orig4)),
				   RTE_BE32(PG_IPV4(192, 0, 2, 1)), RTE_BE32(PG_IPV4(192, 0, 2, 10)),
				   PG_ICMP4_TIME_EXCEEDED, PG_ICMP4_TTL_EXCEEDED_CODE, 0, err_l2);
	ck_assert_uint_eq(len, sizeof(exp_te4));
	ck_assert_mem_eq(buf, exp_te4, sizeof(exp_te4));

	err_buf(buf, sizeof(buf), PG_ICMP4_ERR_HDRS, orig4, sizeof(orig4));
	len = pg_icmp4_error_build(buf, pg_icmp4_quote_len(sizeof(orig4)),
				   RTE_BE32(PG_IPV4(192, 0, 2, 1)), RTE_BE32(PG_IPV4(192, 0, 2, 10)),
				   PG_ICMP4_DEST_UNREACH, PG_ICMP4_FRAG_NEEDED_CODE,
				   RTE_BE32(1400), err_l2);
	ck_assert_uint_eq(len, sizeof(exp_fn4));
	ck_assert_mem_eq(buf, exp_fn4, sizeof(exp_fn4));
}
END_TEST

/* RFC 1812 4.3.2.3: at most 576 bytes of error datagram; checksums verify. */
START_TEST(icmp4_error_quote_capped)
{
	static uint8_t buf[PG_ICMP4_ERR_HDRS + 1500];
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(buf + 14);
	unsigned int i;
	uint32_t len;

	ck_assert_uint_eq(pg_icmp4_quote_len(28), 28);
	ck_assert_uint_eq(pg_icmp4_quote_len(548), 548);
	ck_assert_uint_eq(pg_icmp4_quote_len(549), 548);
	ck_assert_uint_eq(pg_icmp4_quote_len(1500), 548);
	for (i = 0; i < 1500; i++)
		buf[PG_ICMP4_ERR_HDRS + i] = (uint8_t)(i * 7);
	len = pg_icmp4_error_build(buf, pg_icmp4_quote_len(1500), RTE_BE32(PG_IPV4(192, 0, 2, 1)),
				   RTE_BE32(PG_IPV4(192, 0, 2, 10)), PG_ICMP4_DEST_UNREACH,
				   PG_ICMP4_NET_UNREACH_CODE, 0, err_l2);
	ck_assert_uint_eq(len, 14 + 576);
	ck_assert_uint_eq(rte_be_to_cpu_16(ip->total_length), 576);
	ck_assert_uint_eq(rte_raw_cksum(ip, 20), 0xffff);
	ck_assert_uint_eq(rte_raw_cksum(ip + 1, 576 - 20), 0xffff);
	ck_assert_uint_eq(buf[34], 3);
	ck_assert_uint_eq(buf[35], 0);
	ck_assert_uint_eq(buf[PG_ICMP4_ERR_HDRS + 547], (uint8_t)(547 * 7));
}
END_TEST

/* A frame (Ethernet + the IPv4 datagram of make_ip()) to ask about. */
static bool
err4_allowed(struct frame *f)
{
	return pg_icmp4_error_allowed(eth_of(f), ip_of(f), f->len);
}

START_TEST(icmp4_error_rules)
{
	static const uint8_t queries[] = { 0, 8, 9, 10, 13, 14, 15, 16, 17, 18 };
	static const uint8_t errors[] = { 3, 4, 5, 11, 12, 1, 2, 6, 7, 19, 30, 42, 255 };
	struct frame f;
	uint8_t *icmp_type = f.b + 14 + 20;
	unsigned int i;

	make_ip(&f, 5, 8, 1, IPPROTO_UDP);
	ck_assert(err4_allowed(&f));
	/* L2 broadcast / multicast frame */
	memset(&eth_of(&f)->dst_addr, 0xff, 6);
	ck_assert(!err4_allowed(&f));
	make_ip(&f, 5, 8, 1, IPPROTO_UDP);
	eth_of(&f)->dst_addr.addr_bytes[0] = 0x01;
	ck_assert(!err4_allowed(&f));
	/* L3 multicast / class E / limited broadcast destination */
	make_ip(&f, 5, 8, 1, IPPROTO_UDP);
	ip_of(&f)->dst_addr = RTE_BE32(PG_IPV4(224, 0, 0, 5));
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->dst_addr = RTE_BE32(PG_IPV4(240, 0, 0, 1));
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->dst_addr = RTE_BE32(UINT32_MAX);
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->dst_addr = RTE_BE32(PG_IPV4(223, 255, 255, 255));
	ck_assert(err4_allowed(&f));
	/* sources that are not a unicast host */
	make_ip(&f, 5, 8, 1, IPPROTO_UDP);
	ip_of(&f)->src_addr = RTE_BE32(PG_IPV4(0, 1, 2, 3));
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->src_addr = RTE_BE32(PG_IPV4(127, 0, 0, 1));
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->src_addr = RTE_BE32(PG_IPV4(239, 1, 1, 1));
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->src_addr = RTE_BE32(UINT32_MAX);
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->src_addr = RTE_BE32(PG_IPV4(1, 0, 0, 1));
	ck_assert(err4_allowed(&f));
	/* fragments: the first (MF, offset 0) yes, any later one no */
	make_ip(&f, 5, 8, 1, IPPROTO_UDP);
	ip_of(&f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ck_assert(err4_allowed(&f));
	ip_of(&f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG | 1);
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->fragment_offset = RTE_BE16(185);
	ck_assert(!err4_allowed(&f));
	ip_of(&f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ck_assert(err4_allowed(&f));
	/* ICMP: queries get errors, errors and unknown types do not */
	for (i = 0; i < sizeof(queries); i++) {
		make_ip(&f, 5, 8, 1, IPPROTO_ICMP);
		*icmp_type = queries[i];
		ck_assert_msg(err4_allowed(&f), "type %u", queries[i]);
	}
	for (i = 0; i < sizeof(errors); i++) {
		make_ip(&f, 5, 8, 1, IPPROTO_ICMP);
		*icmp_type = errors[i];
		ck_assert_msg(!err4_allowed(&f), "type %u", errors[i]);
	}
	/* an ICMP datagram whose type byte is not there */
	make_ip(&f, 5, 0, 1, IPPROTO_ICMP);
	ck_assert(!err4_allowed(&f));
	make_ip(&f, 5, 8, 1, IPPROTO_ICMP);
	ck_assert(!pg_icmp4_error_allowed(eth_of(&f), ip_of(&f), 14 + 20));
	/* with options the type byte is found after them */
	make_ip(&f, 6, 8, 1, IPPROTO_ICMP);
	f.b[14 + 24] = 8;
	ck_assert(err4_allowed(&f));
	f.b[14 + 24] = 11;
	ck_assert(!err4_allowed(&f));
}
END_TEST

static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x01 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x10 };

START_TEST(icmp6_error_exact_bytes)
{
	static const struct {
		const uint8_t *exp;
		uint8_t type, code;
		uint32_t param;
	} c[] = {
		{ exp_te6, PG_ICMP6_TIME_EXCEEDED, PG_ICMP6_HOP_LIMIT_CODE, 0 },
		{ exp_du6, PG_ICMP6_DEST_UNREACH, PG_ICMP6_ADDR_UNREACH_CODE, 0 },
		{ exp_ptb6, PG_ICMP6_PACKET_TOO_BIG, 0, 1280 },
	};
	uint8_t buf[160];
	unsigned int i;
	uint32_t len;

	for (i = 0; i < RTE_DIM(c); i++) {
		err_buf(buf, sizeof(buf), PG_ICMP6_ERR_HDRS, orig6, sizeof(orig6));
		len = pg_icmp6_error_build(buf, pg_icmp6_quote_len(sizeof(orig6)), src6, dst6,
					   c[i].type, c[i].code, c[i].param, err_l2);
		ck_assert_uint_eq(len, PG_ICMP6_ERR_HDRS + sizeof(orig6));
		ck_assert_mem_eq(buf, c[i].exp, len);
	}
	/* no route (code 0) differs from code 3 in the code and the sum only */
	err_buf(buf, sizeof(buf), PG_ICMP6_ERR_HDRS, orig6, sizeof(orig6));
	pg_icmp6_error_build(buf, sizeof(orig6), src6, dst6, PG_ICMP6_DEST_UNREACH,
			     PG_ICMP6_NO_ROUTE_CODE, 0, err_l2);
	ck_assert_uint_eq(buf[55], 0);
	ck_assert_mem_eq(buf, exp_du6, 55);
	ck_assert_uint_eq(buf[56] << 8 | buf[57], (exp_du6[56] << 8 | exp_du6[57]) + 3);
	/* Packet Too Big carries the egress MTU it is given, in network order:
	 * 1400 instead of 1280 adds 0x78 to the sum, so the checksum loses it */
	err_buf(buf, sizeof(buf), PG_ICMP6_ERR_HDRS, orig6, sizeof(orig6));
	pg_icmp6_error_build(buf, sizeof(orig6), src6, dst6, PG_ICMP6_PACKET_TOO_BIG, 0, 1400,
			     err_l2);
	ck_assert_mem_eq(buf, exp_ptb6, 56);
	ck_assert_uint_eq(buf[56] << 8 | buf[57], (exp_ptb6[56] << 8 | exp_ptb6[57]) - 0x78);
	ck_assert_mem_eq(buf + 58, "\x00\x00\x05\x78", 4);
	ck_assert_mem_eq(buf + 62, exp_ptb6 + 62, sizeof(exp_ptb6) - 62);
}
END_TEST

/* RFC 4443 2.4 (c): the error fits the minimum MTU, 1280 bytes. */
START_TEST(icmp6_error_quote_capped)
{
	static uint8_t buf[PG_ICMP6_ERR_HDRS + 2000];
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(buf + 14);
	uint32_t len, sum;

	ck_assert_uint_eq(pg_icmp6_quote_len(1232), 1232);
	ck_assert_uint_eq(pg_icmp6_quote_len(1233), 1232);
	ck_assert_uint_eq(pg_icmp6_quote_len(2000), 1232);
	memset(buf + PG_ICMP6_ERR_HDRS, 0x5a, 2000);
	len = pg_icmp6_error_build(buf, pg_icmp6_quote_len(2000), src6, dst6,
				   PG_ICMP6_PACKET_TOO_BIG, 0, 1500, err_l2);
	ck_assert_uint_eq(len, 14 + 1280);
	ck_assert_uint_eq(rte_be_to_cpu_16(ip6->payload_len), 1280 - 40);
	sum = (uint32_t)rte_ipv6_phdr_cksum(ip6, 0) + rte_raw_cksum(ip6 + 1, 1280 - 40);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
	ck_assert_uint_eq(buf[58] << 24 | buf[59] << 16 | buf[60] << 8 | buf[61], 1500);
}
END_TEST

/* An Ethernet + IPv6 frame with 16 bytes after the fixed header. */
struct frame6 {
	uint8_t b[14 + 40 + 16] __rte_aligned(8);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;
	uint8_t *next;
};

static void
make_ip6(struct frame6 *f, uint8_t next_header)
{
	memset(f->b, 0, sizeof(f->b));
	f->eth = (struct rte_ether_hdr *)f->b;
	f->ip6 = (struct rte_ipv6_hdr *)(f->b + 14);
	f->next = f->b + 14 + 40;
	f->eth->dst_addr = our_mac;
	f->ip6->vtc_flow = RTE_BE32(6u << 28);
	f->ip6->payload_len = RTE_BE16(16);
	f->ip6->proto = next_header;
	memcpy(f->ip6->src_addr, dst6, 16);
	memcpy(f->ip6->dst_addr, src6, 16);
}

static bool
err6_allowed(const struct frame6 *f, uint8_t type, uint8_t code)
{
	return pg_icmp6_error_allowed(f->eth, f->ip6, sizeof(f->b), type, code);
}

START_TEST(icmp6_error_rules)
{
	struct frame6 f;

	make_ip6(&f, IPPROTO_UDP);
	ck_assert(err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	/* L2 and L3 multicast: only Packet Too Big and Parameter Problem 2 */
	f.eth->dst_addr.addr_bytes[0] = 0x33;
	ck_assert(!err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	ck_assert(!err6_allowed(&f, PG_ICMP6_DEST_UNREACH, 0));
	ck_assert(err6_allowed(&f, PG_ICMP6_PACKET_TOO_BIG, 0));
	ck_assert(err6_allowed(&f, PG_ICMP6_PARAM_PROBLEM, 2));
	ck_assert(!err6_allowed(&f, PG_ICMP6_PARAM_PROBLEM, 1));
	make_ip6(&f, IPPROTO_UDP);
	f.ip6->dst_addr[0] = 0xff;
	ck_assert(!err6_allowed(&f, PG_ICMP6_DEST_UNREACH, 3));
	ck_assert(err6_allowed(&f, PG_ICMP6_PACKET_TOO_BIG, 0));
	/* sources: ::, ::1, multicast */
	make_ip6(&f, IPPROTO_UDP);
	memset(f.ip6->src_addr, 0, 16);
	ck_assert(!err6_allowed(&f, PG_ICMP6_PACKET_TOO_BIG, 0));
	f.ip6->src_addr[15] = 1;
	ck_assert(!err6_allowed(&f, PG_ICMP6_PACKET_TOO_BIG, 0));
	f.ip6->src_addr[15] = 2;
	ck_assert(err6_allowed(&f, PG_ICMP6_PACKET_TOO_BIG, 0));
	f.ip6->src_addr[0] = 0xff;
	ck_assert(!err6_allowed(&f, PG_ICMP6_PACKET_TOO_BIG, 0));
	/* ICMPv6: errors (type < 128) get none, informational ones do */
	make_ip6(&f, PG_IPPROTO_ICMPV6);
	f.next[0] = 1;
	ck_assert(!err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	f.next[0] = 127;
	ck_assert(!err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	f.next[0] = 128;                  /* echo request */
	ck_assert(err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	ck_assert(!pg_icmp6_error_allowed(f.eth, f.ip6, 14 + 40, PG_ICMP6_TIME_EXCEEDED, 0));
	/* fragment header: offset 0 yes, later fragments no */
	make_ip6(&f, PG_IPPROTO_FRAGMENT);
	f.next[3] = 1;                    /* M flag, offset 0 */
	ck_assert(err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	f.next[2] = 0x01;                 /* offset 32 */
	ck_assert(!err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
	f.next[2] = 0;
	f.next[3] = 0x08;                 /* offset 1 */
	ck_assert(!err6_allowed(&f, PG_ICMP6_TIME_EXCEEDED, 0));
}
END_TEST

/* The per-lcore rate limit: a full bucket, then rate per second. */
START_TEST(token_bucket_rate_and_burst)
{
	const uint64_t hz = 1000000;      /* a 1 MHz "TSC": 1000 cycles a token at 1000/s */
	struct pg_token_bucket b;
	unsigned int i;

	pg_token_init(&b, hz, 1000, 5, 100);
	for (i = 0; i < 5; i++)
		ck_assert(pg_token_take(&b, 100));
	ck_assert(!pg_token_take(&b, 100));
	ck_assert(!pg_token_take(&b, 1099));
	ck_assert(pg_token_take(&b, 1100));           /* one token per 1000 cycles */
	ck_assert(!pg_token_take(&b, 1100));
	/* a long pause refills to the burst, not beyond */
	for (i = 0; i < 5; i++)
		ck_assert(pg_token_take(&b, 10000000));
	ck_assert(!pg_token_take(&b, 10000000));
	/* a clock that goes back a little takes nothing and gives nothing */
	ck_assert(!pg_token_take(&b, 9999000));
	ck_assert(pg_token_take(&b, 10001000));
	/* rate 0: off */
	pg_token_init(&b, hz, 0, 5, 0);
	ck_assert(!pg_token_take(&b, 0));
	ck_assert(!pg_token_take(&b, UINT64_MAX));
	/* a rate above the clock: one cycle a token, never zero */
	pg_token_init(&b, 10, 1000, 2, 0);
	ck_assert_uint_eq(b.cost, 1);
}
END_TEST

START_TEST(icmp_counter_names_complete)
{
	unsigned int r;

	for (r = 0; r < PG_ICMP_MAX; r++) {
		ck_assert_ptr_nonnull(pg_icmp_names[r]);
		ck_assert_ptr_nonnull(pg_icmp_help[r]);
	}
	ck_assert_str_eq(pg_icmp_names[PG_ICMP_time_exceeded], "time_exceeded");
	ck_assert_str_eq(pg_drop_names[PG_DROP_mtu_exceeded], "mtu_exceeded");
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
	tcase_add_test(tc, sum20_ok_matches_sum20);
	tcase_add_test(tc, fast_ok_agrees_with_full_checks);
	tcase_add_test(tc, drop_names_complete);
	tcase_add_test(tc, icmp4_error_exact_bytes);
	tcase_add_test(tc, icmp4_error_quote_capped);
	tcase_add_test(tc, icmp4_error_rules);
	tcase_add_test(tc, icmp6_error_exact_bytes);
	tcase_add_test(tc, icmp6_error_quote_capped);
	tcase_add_test(tc, icmp6_error_rules);
	tcase_add_test(tc, token_bucket_rate_and_burst);
	tcase_add_test(tc, icmp_counter_names_complete);
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
