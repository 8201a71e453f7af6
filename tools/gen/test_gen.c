/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * pktgate-gen without EAL: the command line, the flow spread, the frame
 * template and the latency histogram.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "gen.h"
#include "gen_lat.h"
#include "gen_worker.h"

static int
parse(struct gen_cfg *cfg, char *err, const char **args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = "pktgate-gen";
	while (*args != NULL)
		argv[argc++] = (char *)(uintptr_t)*args++;
	argv[argc] = NULL;
	return gen_args_parse(argc, argv, cfg, err);
}

START_TEST(args_full)
{
	const char *a[] = { "-l", "0,1", "--no-huge", "--", "--tx-port", "1",
		"--rx-port=2", "--flows", "1M", "--size", "1518", "--rate-pps", "2500k",
		NULL };
	const char *b[] = { "--", "--tx-port", "0", "--duration", "2.5",
		"--count", "10k", "--dst", "10.1.2.3/8,192.0.2.128/31", "--src",
		"198.18.0.9", "--dst-mac", "02:00:00:00:00:AA", "--src-mac",
		"02:00:00:00:00:bb", "--burst", "64", "--warmup", "0.5", "--json",
		"-", "--stats-interval", "1", "--drain-ms", "0", "--linger", "2",
		"--udp-src", "49152", "--udp-dst", "5001", "--ttl", "1", NULL };
	struct gen_cfg cfg;
	char err[GEN_ERR_LEN];

	ck_assert_int_eq(parse(&cfg, err, a), 0);
	ck_assert_int_eq(cfg.eal_argc, 4);
	ck_assert_uint_eq(cfg.tx_port, 1);
	ck_assert_uint_eq(cfg.rx_port, 2);
	ck_assert_uint_eq(cfg.n_flows, 1000000);
	ck_assert_uint_eq(cfg.size, 1518);
	ck_assert_uint_eq(cfg.rate_pps, 2500000);
	/* "2.5M" is not an integer: suffixes multiply whole numbers only */
	ck_assert_int_eq(parse(&cfg, err, (const char *[]){ "--", "--tx-port", "0",
			 "--rate-pps", "2.5M", NULL }), -EINVAL);

	ck_assert_int_eq(parse(&cfg, err, b), 0);
	ck_assert_int_eq(cfg.eal_argc, 1);
	ck_assert_uint_eq(cfg.rx_port, 0);
	ck_assert_double_eq(cfg.duration_s, 2.5);
	ck_assert_uint_eq(cfg.count, 10000);
	ck_assert_uint_eq(cfg.n_prefixes, 2);
	ck_assert_uint_eq(cfg.prefix[0].addr, GEN_IPV4(10, 0, 0, 0));   /* host bits cleared */
	ck_assert_uint_eq(cfg.prefix[0].len, 8);
	ck_assert_uint_eq(cfg.prefix[1].addr, GEN_IPV4(192, 0, 2, 128));
	ck_assert_uint_eq(cfg.src_ip, GEN_IPV4(198, 18, 0, 9));
	ck_assert_uint_eq(cfg.dst_mac.addr_bytes[5], 0xaa);
	ck_assert(cfg.has_src_mac);
	ck_assert_uint_eq(cfg.src_mac.addr_bytes[5], 0xbb);
	ck_assert_uint_eq(cfg.burst, 64);
	ck_assert_double_eq(cfg.warmup_s, 0.5);
	ck_assert_str_eq(cfg.json, "-");
	ck_assert_uint_eq(cfg.drain_ms, 0);
	ck_assert_uint_eq(cfg.udp_sport, 49152);
	ck_assert_uint_eq(cfg.udp_dport, 5001);
	ck_assert_uint_eq(cfg.ttl, 1);
}
END_TEST

START_TEST(args_defaults)
{
	const char *a[] = { "--", "--tx-port", "3", NULL };
	struct gen_cfg cfg;
	char err[GEN_ERR_LEN];

	ck_assert_int_eq(parse(&cfg, err, a), 0);
	ck_assert_uint_eq(cfg.rx_port, 3);
	ck_assert_uint_eq(cfg.n_flows, 1024);
	ck_assert_uint_eq(cfg.size, 64);
	ck_assert_uint_eq(cfg.rate_pps, 0);
	ck_assert_double_eq(cfg.duration_s, 0);
	ck_assert_uint_eq(cfg.count, 0);
	ck_assert_uint_eq(cfg.burst, 32);
	ck_assert_uint_eq(cfg.drain_ms, 200);
	ck_assert_uint_eq(cfg.n_prefixes, 1);
	ck_assert_uint_eq(cfg.prefix[0].addr, GEN_IPV4(203, 0, 113, 0));
	ck_assert(!cfg.has_src_mac);
	ck_assert_ptr_null(cfg.json);
}
END_TEST

/* Every bad value fails with an error that starts with the option's name. */
START_TEST(args_errors)
{
	static const char *const bad[][3] = {
		{ "--flows", "0", "--flows" }, { "--flows", "2M", "--flows" },
		{ "--flows", "1x", "--flows" }, { "--size", "63", "--size" },
		{ "--size", "1519", "--size" }, { "--rate-pps", "-1", "--rate-pps" },
		{ "--duration", "0", "--duration" }, { "--duration", "nan", "--duration" },
		{ "--duration", "1s", "--duration" }, { "--count", "0x10", "--count" },
		{ "--dst", "10.0.0.0", "--dst" }, { "--dst", "10.0.0.0/33", "--dst" },
		{ "--dst", "10.0.0.0/0", "--dst" }, { "--dst", "10.0.0.0/8,", "--dst" },
		{ "--dst", ",10.0.0.0/8", "--dst" }, { "--dst", "010.0.0.0/8", "--dst" },
		{ "--dst", "10.0.0.0/8x", "--dst" }, { "--src", "1.2.3", "--src" },
		{ "--dst-mac", "02:00:00:00:00", "--dst-mac" },
		{ "--src-mac", "02:00:00:00:00:0g", "--src-mac" },
		{ "--burst", "0", "--burst" }, { "--burst", "257", "--burst" },
		{ "--warmup", "-1", "--warmup" }, { "--drain-ms", "60001", "--drain-ms" },
		{ "--udp-src", "0", "--udp-src" }, { "--udp-src", "49153", "--udp-src" },
		{ "--udp-dst", "65536", "--udp-dst" }, { "--ttl", "0", "--ttl" },
		{ "--rx-port", "32", "--rx-port" }, { "--json", "", "--json" },
		{ "--bogus", "1", "--bogus" },
	};
	struct gen_cfg cfg;
	char err[GEN_ERR_LEN];
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		const char *a[] = { "--", "--tx-port", "0", bad[i][0], bad[i][1], NULL };

		ck_assert_msg(parse(&cfg, err, a) == -EINVAL, "%s %s accepted",
			      bad[i][0], bad[i][1]);
		ck_assert_msg(strncmp(err, bad[i][2], strlen(bad[i][2])) == 0,
			      "%s %s: error '%s'", bad[i][0], bad[i][1], err);
	}
	ck_assert_int_eq(parse(&cfg, err, (const char *[]){ "--", NULL }), -EINVAL);
	ck_assert_str_eq(err, "--tx-port: required (pktgate-gen [EAL options] -- --tx-port N ...)");
	ck_assert_int_eq(parse(&cfg, err, (const char *[]){ "--", "--tx-port", NULL }), -EINVAL);
	ck_assert_str_eq(err, "--tx-port: needs a value (see --help)");
	ck_assert_int_eq(parse(&cfg, err, (const char *[]){ "--", "--help=1", NULL }), -EINVAL);
	ck_assert_int_eq(parse(&cfg, err, (const char *[]){ "--tx-port", "0", NULL }), -EINVAL);
	ck_assert(strncmp(err, "--: missing", 11) == 0);
	ck_assert_int_eq(parse(&cfg, err, (const char *[]){ "--help", NULL }), 0);
	ck_assert(cfg.help);
}
END_TEST

START_TEST(flow_spread)
{
	const char *a[] = { "--", "--tx-port", "0", "--dst",
		"203.0.113.0/24,192.0.2.128/31,198.51.100.7/32", NULL };
	struct gen_cfg cfg;
	char err[GEN_ERR_LEN];

	ck_assert_int_eq(parse(&cfg, err, a), 0);
	/* consecutive flows take different prefixes */
	ck_assert_uint_eq(gen_flow_dst(&cfg, 0), GEN_IPV4(203, 0, 113, 1));
	ck_assert_uint_eq(gen_flow_dst(&cfg, 1), GEN_IPV4(192, 0, 2, 128));
	ck_assert_uint_eq(gen_flow_dst(&cfg, 2), GEN_IPV4(198, 51, 100, 7));
	ck_assert_uint_eq(gen_flow_dst(&cfg, 3), GEN_IPV4(203, 0, 113, 2));
	ck_assert_uint_eq(gen_flow_dst(&cfg, 4), GEN_IPV4(192, 0, 2, 129));
	ck_assert_uint_eq(gen_flow_dst(&cfg, 7), GEN_IPV4(192, 0, 2, 128));  /* /31 wraps */
	/* /24: hosts .1 to .254, never the network or broadcast address */
	ck_assert_uint_eq(gen_flow_dst(&cfg, 3 * 253), GEN_IPV4(203, 0, 113, 254));
	ck_assert_uint_eq(gen_flow_dst(&cfg, 3 * 254), GEN_IPV4(203, 0, 113, 1));
}
END_TEST

START_TEST(template_checksums)
{
	const char *a[] = { "--", "--tx-port", "0", "--flows", "5000", "--size", "1518",
		"--dst", "10.0.0.0/8,100.64.0.0/10,203.0.113.0/24", "--ttl", "7", NULL };
	const struct rte_ether_addr mac = { .addr_bytes = { 2, 0, 0, 0, 0, 0x42 } };
	static struct gen_flow flows[5000];
	static struct gen_tpl tpl;
	struct gen_cfg cfg;
	char err[GEN_ERR_LEN];
	uint8_t frame[64];
	uint32_t i;

	ck_assert_int_eq(parse(&cfg, err, a), 0);
	gen_tpl_fill(&tpl, &cfg, &mac, flows);
	ck_assert_uint_eq(tpl.frame_len, 1514);
	for (i = 0; i < cfg.n_flows; i++) {
		const struct rte_ipv4_hdr *ip = (const void *)(frame + GEN_OFF_IP);
		const struct rte_udp_hdr *udp = (const void *)(frame + GEN_OFF_UDP);

		/* exactly what tx_fill does */
		memcpy(frame, tpl.hdr, sizeof(frame));
		memcpy(frame + GEN_OFF_IP_CKSUM, &flows[i].ip_cksum, 2);
		memcpy(frame + GEN_OFF_IP_DST, &flows[i].dst, 4);
		memcpy(frame + GEN_OFF_UDP, &flows[i].sport, 2);
		ck_assert_uint_eq(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
		ck_assert_uint_eq(rte_be_to_cpu_32(ip->dst_addr), gen_flow_dst(&cfg, i));
		ck_assert_uint_eq(rte_be_to_cpu_16(ip->total_length), 1500);
		ck_assert_uint_eq(ip->time_to_live, 7);
		ck_assert_uint_eq(rte_be_to_cpu_16(udp->src_port), 1024 + i % 16384);
		ck_assert_uint_eq(rte_be_to_cpu_16(udp->dgram_len), 1480);
		ck_assert_uint_eq(udp->dgram_cksum, 0);
	}
	ck_assert_uint_eq(frame[11], 0x42);   /* source MAC */
}
END_TEST

static int
cmp_u64(const void *x, const void *y)
{
	const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

START_TEST(latency_quantiles)
{
	enum { N = 200000 };
	static struct gen_lat l;
	static uint64_t v[N];
	static const double qs[] = { 0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 1.0 };
	uint64_t x = 88172645463325252ULL;
	unsigned int i;

	gen_lat_reset(&l);
	for (i = 0; i < N; i++) {
		/* xorshift64; log-uniform values from 1 to ~2^40 cycles */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[i] = (x >> 24) >> (x % 40);
		gen_lat_add(&l, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	ck_assert_uint_eq(l.n, N);
	ck_assert_uint_eq(l.min, v[0]);
	ck_assert_uint_eq(l.max, v[N - 1]);
	for (i = 0; i < RTE_DIM(qs); i++) {
		const uint64_t rank = qs[i] * N < 1 ? 1 : (uint64_t)(qs[i] * N + 0.999999);
		const uint64_t exact = v[rank - 1], got = gen_lat_quantile(&l, qs[i]);
		const double rel = exact ? ((double)got - (double)exact) / (double)exact : 0;

		ck_assert_msg(rel < 1.0 / 64 && rel > -1.0 / 64,
			      "q %.3f: %lu vs exact %lu", qs[i], (unsigned long)got,
			      (unsigned long)exact);
	}
	/* below 128 cycles every value has its own bucket */
	gen_lat_reset(&l);
	for (i = 0; i < 100; i++)
		gen_lat_add(&l, i);
	ck_assert_uint_eq(gen_lat_quantile(&l, 0.5), 49);
	ck_assert_uint_eq(gen_lat_quantile(&l, 0.99), 98);
	/* the largest value maps inside the array */
	ck_assert_uint_lt(gen_lat_index(UINT64_MAX), GEN_LAT_BUCKETS);
	gen_lat_reset(&l);
	ck_assert_uint_eq(gen_lat_quantile(&l, 0.5), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, args_full);
	tcase_add_test(tc, args_defaults);
	tcase_add_test(tc, args_errors);
	tcase_add_test(tc, flow_spread);
	tcase_add_test(tc, template_checksums);
	tcase_add_test(tc, latency_quantiles);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* With TAP on stdout (meson), check's own summary would be noise. */
	srunner_run_all(sr, getenv("CK_TAP_LOG_FILE_NAME") != NULL ? CK_SILENT : CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
