/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The IPv6 helpers of pg_pkt6.h on byte arrays (no EAL): header checks,
 * the ICMPv6 checksum, NS validation and the NA built from it, echo. The
 * frames below were built with scapy, so each expectation is an
 * independent implementation's bytes:
 *   ns_sn:  NS from 2001:db8:1::10 (02:..:10) to ff02::1:ff00:1 for
 *           2001:db8:1::1, with a source link-layer address option;
 *   na_sn:  our NA for it (R, S, O; target link-layer address option);
 *   ns_dad: DAD probe (source ::) for 2001:db8:1::1; na_dad: NA to ff02::1;
 *   echo_req / echo_rep: echo with traffic class and flow label.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pg_pkt6.h"

static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const uint8_t our_sn[2][3] = { { 0, 0, 0x01 }, { 0, 0, 0x01 } };

static const uint8_t ns_sn[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0x1c, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x10,
};
static const uint8_t na_sn[86] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x88, 0x00, 0x0a, 0x62, 0xe0, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01,
};
static const uint8_t ns_dad[78] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0x4c, 0xec, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};
static const uint8_t na_dad[86] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0x79, 0x28, 0xa0, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01,
};
static const uint8_t echo_req[67] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x86, 0xdd, 0x62, 0x81, 0x23, 0x45, 0x00, 0x0d, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0xfa, 0x5b, 0x00, 0x07,
	0x00, 0x09, 0x61, 0x62, 0x63, 0x64, 0x65,
};
static const uint8_t echo_rep[67] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x62, 0x81, 0x23, 0x45, 0x00, 0x0d, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x81, 0x00, 0xf9, 0x5b, 0x00, 0x07,
	0x00, 0x09, 0x61, 0x62, 0x63, 0x64, 0x65,
};

struct frame {
	uint8_t b[256] __rte_aligned(8);
	uint32_t len;
};

static void
load(struct frame *f, const uint8_t *bytes, uint32_t len)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, bytes, len);
	f->len = len;
}

static struct rte_ether_hdr *
eth_of(struct frame *f)
{
	return (struct rte_ether_hdr *)f->b;
}

static struct rte_ipv6_hdr *
ip6_of(struct frame *f)
{
	return (struct rte_ipv6_hdr *)(f->b + sizeof(struct rte_ether_hdr));
}

static unsigned int
ns_check(struct frame *f)
{
	struct rte_ipv6_hdr *ip = ip6_of(f);
	const uint32_t len = rte_be_to_cpu_16(ip->payload_len);

	return pg_nd_ns_check(ip, (const struct pg_nd_msg *)(ip + 1), len,
			      pg_icmp6_sum(ip, ip + 1, len));
}

START_TEST(icmp6_checksum_matches_scapy)
{
	const uint8_t *v[] = { ns_sn, na_sn, ns_dad, na_dad, echo_req, echo_rep };
	const uint32_t n[] = { sizeof(ns_sn), sizeof(na_sn), sizeof(ns_dad),
			       sizeof(na_dad), sizeof(echo_req), sizeof(echo_rep) };
	struct frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(v); i++) {
		struct rte_ipv6_hdr *ip = ip6_of(&f);
		uint32_t len;
		uint16_t want;

		load(&f, v[i], n[i]);
		len = rte_be_to_cpu_16(ip->payload_len);
		ck_assert_uint_eq(pg_icmp6_sum(ip, ip + 1, len), 0xffff);
		/* recomputed from zero it is scapy's value */
		want = ((struct rte_icmp_hdr *)(ip + 1))->icmp_cksum;
		pg_icmp6_set_cksum(ip, ip + 1, len);
		ck_assert_uint_eq(((struct rte_icmp_hdr *)(ip + 1))->icmp_cksum, want);
		/* one bit off anywhere in message or addresses: caught */
		f.b[n[i] - 1] ^= 0x10;
		ck_assert_uint_ne(pg_icmp6_sum(ip, ip + 1, len), 0xffff);
		f.b[n[i] - 1] ^= 0x10;
		ip->src_addr[15] ^= 1;
		ck_assert_uint_ne(pg_icmp6_sum(ip, ip + 1, len), 0xffff);
	}
}
END_TEST

START_TEST(ip6_validate_cases)
{
	struct frame f;
	struct rte_ipv6_hdr *ip = ip6_of(&f);
	const uint32_t l3 = sizeof(echo_req) - 14;

	load(&f, echo_req, sizeof(echo_req));
	ck_assert_uint_eq(pg_ip6_validate(ip, l3, l3), PG_PKT_OK);
	ck_assert_uint_eq(pg_ip6_validate(ip, l3, l3 + 20), PG_PKT_OK);   /* padding */
	ck_assert_uint_eq(pg_ip6_validate(ip, l3, l3 - 1), PG_DROP_ip6_truncated);
	ck_assert_uint_eq(pg_ip6_validate(ip, 39, l3), PG_DROP_runt);
	f.b[14] = 0x45;
	ck_assert_uint_eq(pg_ip6_validate(ip, l3, l3), PG_DROP_ip6_bad_version);
}
END_TEST

START_TEST(ip6_address_classes)
{
	uint8_t a[16] = { 0 };

	ck_assert(pg_ip6_is_unspecified(a) && pg_ip6_martian_src(a));
	a[15] = 1;
	ck_assert(pg_ip6_is_loopback(a) && pg_ip6_martian_src(a));
	a[0] = 0xff;
	a[1] = 0x02;
	ck_assert(pg_ip6_is_all_nodes(a) && pg_ip6_is_multicast(a) && pg_ip6_martian_src(a));
	a[0] = 0xfe;
	a[1] = 0xbf;
	ck_assert(pg_ip6_is_link_local(a) && !pg_ip6_martian_src(a));
	a[1] = 0xc0;                       /* fec0::/10, not fe80::/10 */
	ck_assert(!pg_ip6_is_link_local(a));
	memcpy(a, ns_sn + 38, 16);         /* ff02::1:ff00:1 */
	ck_assert(pg_ip6_is_solicited_node(a, our_sn[0]));
	a[15] = 2;
	ck_assert(!pg_ip6_is_solicited_node(a, our_sn[0]));
}
END_TEST

START_TEST(eth_ip6_groups)
{
	struct frame f;
	uint16_t et;

	load(&f, ns_sn, sizeof(ns_sn));    /* 33:33:ff:00:00:01: our group */
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, our_sn, &et), PG_PKT_OK);
	ck_assert_uint_eq(et, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	f.b[5] = 0x02;                     /* someone else's solicited-node group */
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, our_sn, &et), PG_DROP_bad_l2);
	/* without IPv6 on the port, group frames go on as before */
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, NULL, &et), PG_PKT_OK);
	memcpy(f.b, na_dad, 6);            /* all-nodes */
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, our_sn, &et), PG_PKT_OK);
	f.b[5] = 0x02;                     /* all-routers: not taken */
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, our_sn, &et), PG_DROP_bad_l2);
	memset(f.b, 0xff, 6);              /* broadcast and IPv4 groups: unchanged */
	ck_assert_uint_eq(pg_eth_input(eth_of(&f), f.len, &our_mac, our_sn, &et), PG_PKT_OK);
}
END_TEST

START_TEST(nd_solicitation_answered)
{
	struct frame f;

	load(&f, ns_sn, sizeof(ns_sn));
	ck_assert_uint_eq(ns_check(&f), PG_PKT_OK);
	pg_nd_na_build(eth_of(&f), &our_mac);
	ck_assert_mem_eq(f.b, na_sn, sizeof(na_sn));

	load(&f, ns_dad, sizeof(ns_dad));
	ck_assert_uint_eq(ns_check(&f), PG_PKT_OK);
	pg_nd_na_build(eth_of(&f), &our_mac);      /* grows to 86 bytes */
	ck_assert_mem_eq(f.b, na_dad, sizeof(na_dad));
}
END_TEST

/* Our own solicitation (the resolver's) is scapy's, byte for byte; an
 * advertisement is checked and its target link-layer address found. */
START_TEST(nd_solicitation_built_advert_checked)
{
	static const struct rte_ether_addr host_mac = {{ 0x02, 0, 0, 0, 0, 0x10 }};
	const uint8_t *src = ns_sn + 22, *target = ns_sn + 62;
	struct frame f;
	struct rte_ipv6_hdr *ip;
	uint32_t len;

	memset(&f, 0, sizeof(f));
	pg_nd_ns_build(eth_of(&f), &host_mac, src, target, NULL);
	ck_assert_mem_eq(f.b, ns_sn, sizeof(ns_sn));
	ck_assert_uint_eq(ns_check(&f), PG_PKT_OK);
	ck_assert_mem_eq(pg_nd_lla((const struct pg_nd_msg *)(ip6_of(&f) + 1), PG_ND_NS_LEN,
				   PG_ND_OPT_SLLA), host_mac.addr_bytes, 6);
	/* Unicast re-check: to the target and its MAC. */
	pg_nd_ns_build(eth_of(&f), &host_mac, src, target, our_mac.addr_bytes);
	ck_assert_mem_eq(eth_of(&f)->dst_addr.addr_bytes, our_mac.addr_bytes, 6);
	ck_assert_mem_eq(ip6_of(&f)->dst_addr, target, 16);
	ck_assert_uint_eq(ns_check(&f), PG_PKT_OK);

	load(&f, na_sn, sizeof(na_sn));
	ip = ip6_of(&f);
	len = rte_be_to_cpu_16(ip->payload_len);
	ck_assert_uint_eq(pg_nd_na_check(ip, (const struct pg_nd_msg *)(ip + 1), len,
					 pg_icmp6_sum(ip, ip + 1, len)), PG_PKT_OK);
	ck_assert_mem_eq(pg_nd_lla((const struct pg_nd_msg *)(ip + 1), len, PG_ND_OPT_TLLA),
			 our_mac.addr_bytes, 6);
	ck_assert_ptr_null(pg_nd_lla((const struct pg_nd_msg *)(ip + 1), len, PG_ND_OPT_SLLA));
	ip->hop_limits = 254;       /* from off the link */
	ck_assert_uint_eq(pg_nd_na_check(ip, (const struct pg_nd_msg *)(ip + 1), len,
					 pg_icmp6_sum(ip, ip + 1, len)), PG_DROP_nd_bad);
	ip->hop_limits = 255;
	f.b[70] ^= 1;               /* target changed under the checksum */
	ck_assert_uint_eq(pg_nd_na_check(ip, (const struct pg_nd_msg *)(ip + 1), len,
					 pg_icmp6_sum(ip, ip + 1, len)), PG_DROP_nd_bad);
	f.b[84] = 0;                /* another MAC, checksum fixed: fine */
	pg_icmp6_set_cksum(ip, ip + 1, len);
	ck_assert_uint_eq(pg_nd_na_check(ip, (const struct pg_nd_msg *)(ip + 1), len,
					 pg_icmp6_sum(ip, ip + 1, len)), PG_PKT_OK);
	f.b[79] = 0;                /* an option of length 0 */
	pg_icmp6_set_cksum(ip, ip + 1, len);
	ck_assert_uint_eq(pg_nd_na_check(ip, (const struct pg_nd_msg *)(ip + 1), len,
					 pg_icmp6_sum(ip, ip + 1, len)), PG_DROP_nd_bad);
}
END_TEST

/* Patch the ICMPv6 checksum after editing the message. */
static void
refix(struct frame *f)
{
	struct rte_ipv6_hdr *ip = ip6_of(f);

	pg_icmp6_set_cksum(ip, ip + 1, rte_be_to_cpu_16(ip->payload_len));
}

START_TEST(nd_solicitation_rejected)
{
	struct frame f;

	load(&f, ns_sn, sizeof(ns_sn));
	ip6_of(&f)->hop_limits = 254;
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));
	f.b[56] ^= 1;                      /* checksum */
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));
	f.b[55] = 1;                       /* code */
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));
	f.b[62] = 0xff;                    /* multicast target */
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));
	f.b[79] = 0;                       /* option length 0 */
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));
	f.b[79] = 2;                       /* option longer than the message */
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));    /* shorter than 24 bytes */
	ip6_of(&f)->payload_len = RTE_BE16(20);
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_sn, sizeof(ns_sn));    /* DAD with a source link-layer option */
	memset(ip6_of(&f)->src_addr, 0, 16);
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
	load(&f, ns_dad, sizeof(ns_dad));  /* DAD not to the target's group */
	f.b[53] = 0x02;
	refix(&f);
	ck_assert_uint_eq(ns_check(&f), PG_DROP_nd_bad);
}
END_TEST

START_TEST(icmp6_echo_answered)
{
	struct frame f;
	struct rte_ipv6_hdr *ip = ip6_of(&f);
	const uint32_t len = sizeof(echo_req) - 54;

	load(&f, echo_req, sizeof(echo_req));
	ck_assert_uint_eq(pg_icmp6_echo_check(ip, f.len - 14, pg_icmp6_sum(ip, ip + 1, len)),
			  PG_PKT_OK);
	pg_icmp6_echo_reply(eth_of(&f), &our_mac);
	ck_assert_mem_eq(f.b, echo_rep, sizeof(echo_rep));
	/* a reply is not answered again; a broken request is dropped */
	ck_assert_uint_eq(pg_icmp6_echo_check(ip, f.len - 14, pg_icmp6_sum(ip, ip + 1, len)),
			  PG_DROP_ip6_not_ours_local);
	load(&f, echo_req, sizeof(echo_req));
	f.b[f.len - 1] ^= 1;
	ck_assert_uint_eq(pg_icmp6_echo_check(ip, f.len - 14, pg_icmp6_sum(ip, ip + 1, len)),
			  PG_DROP_icmp6_bad);
	load(&f, echo_req, sizeof(echo_req));
	ip->payload_len = RTE_BE16(7);
	ck_assert_uint_eq(pg_icmp6_echo_check(ip, f.len - 14, 0xffff), PG_DROP_icmp6_bad);
}
END_TEST

START_TEST(echo_checksum_sweep)
{
	/* The incremental patch equals a full recompute for many identifiers. */
	struct frame f;
	struct rte_ipv6_hdr *ip = ip6_of(&f);
	const uint32_t len = sizeof(echo_req) - 54;
	unsigned int id;

	for (id = 0; id < 0x10000; id += 97) {
		load(&f, echo_req, sizeof(echo_req));
		f.b[58] = (uint8_t)(id >> 8);
		f.b[59] = (uint8_t)id;
		refix(&f);
		pg_icmp6_echo_reply(eth_of(&f), &our_mac);
		ck_assert_uint_eq(pg_icmp6_sum(ip, ip + 1, len), 0xffff);
	}
}
END_TEST

static Suite *
pkt6_suite(void)
{
	Suite *s = suite_create("pkt6");
	TCase *tc = tcase_create("ipv6");

	tcase_add_test(tc, icmp6_checksum_matches_scapy);
	tcase_add_test(tc, ip6_validate_cases);
	tcase_add_test(tc, ip6_address_classes);
	tcase_add_test(tc, eth_ip6_groups);
	tcase_add_test(tc, nd_solicitation_built_advert_checked);
	tcase_add_test(tc, nd_solicitation_answered);
	tcase_add_test(tc, nd_solicitation_rejected);
	tcase_add_test(tc, icmp6_echo_answered);
	tcase_add_test(tc, echo_checksum_sweep);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	SRunner *sr = srunner_create(pkt6_suite());
	int failed;

	srunner_run_all(sr, tap != NULL && strcmp(tap, "-") == 0 ? CK_SILENT : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
