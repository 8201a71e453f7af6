/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Live route changes at table scale (issue #5: 1M prefixes in < 10 s):
 *  - a bulk load of N random /8../32 prefixes through 8 gateways into a
 *    running table (both copies, as `route load` does), seconds;
 *  - then single route add + del on the full table, microseconds each
 *    (a metadata insert into the sorted list plus two table changes).
 * No readers are registered, so the grace period is free here: with
 * polling workers it adds about one loop round per change.
 * Median/min/max over several runs. A benchmark: it prints, never fails.
 *
 * Run: bench_route_load --no-huge -m 4096 --no-pci -l 0 -- [N ...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>

#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_pkt.h"

#define RUNS 3
#define SINGLES 2000

static const char conf_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_null0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n"
	"  - {name: wan, device: net_null1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02}\n"
	"workers:\n"
	"  lcores: [1]\n";

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
fill(struct pg_fib_route_spec *v, unsigned int n)
{
	unsigned int i;

	srand(1);
	for (i = 0; i < n; i++) {
		v[i].len = (uint8_t)(8 + rand() % 25);
		v[i].prefix = ((uint32_t)rand() << 16 ^ (uint32_t)rand());
		if ((v[i].prefix >> 24) == 192 || (v[i].prefix >> 24) == 198)
			v[i].prefix ^= 0x40000000;
		v[i].gw = PG_IPV4(198, 51, 100, 10 + i % 8);
		v[i].port = -1;
		v[i].line = i + 1;
	}
}

int
main(int argc, char **argv)
{
	char err[PG_CONF_ERR_LEN];
	struct pg_fib_port ports[2];
	struct pg_conf *conf;
	int a, i;

	a = rte_eal_init(argc, argv);
	if (a < 0)
		return 1;
	conf = pg_conf_parse(conf_yaml, sizeof(conf_yaml) - 1, err);
	if (conf == NULL)
		return 1;
	for (i = 0; i < 2; i++) {
		memcpy(ports[i].mac.addr_bytes, conf->ports[i].mac, 6);
		ports[i].ip4 = conf->ports[i].ip4;
		ports[i].ip4_len = conf->ports[i].ip4_len;
	}
	printf("%10s %12s %12s %12s %12s %12s\n", "routes", "load_s_med", "load_s_min",
	       "load_s_max", "add_us_med", "del_us_med");
	for (i = a + 1; i < argc; i++) {
		const unsigned int n = (unsigned int)strtoul(argv[i], NULL, 10);
		const struct pg_fib_limits lim = { .max_routes = 2 * n + 1024,
						   .max_tbl8 = n / 2 + 4096 };
		struct pg_fib_route_spec *v = malloc(n * sizeof(*v));
		double load[RUNS], add[RUNS], del[RUNS];
		unsigned int r, k;

		for (r = 0; r < RUNS; r++) {
			struct pg_fib *fib = pg_fib_create(conf, ports, &lim, SOCKET_ID_ANY, err);
			double t;

			if (fib == NULL || v == NULL) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			fill(v, n);
			t = now_s();
			if (pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, n, err) != 0) {
				fprintf(stderr, "bulk: %s\n", err);
				return 1;
			}
			load[r] = now_s() - t;
			t = now_s();
			for (k = 0; k < SINGLES; k++)
				pg_fib_route_add(fib, PG_IPV4(100, 64, k >> 8, k & 0xff), 32,
						 PG_IPV4(198, 51, 100, 10), -1, err);
			add[r] = (now_s() - t) / SINGLES * 1e6;
			t = now_s();
			for (k = 0; k < SINGLES; k++)
				pg_fib_route_del(fib, PG_IPV4(100, 64, k >> 8, k & 0xff), 32, err);
			del[r] = (now_s() - t) / SINGLES * 1e6;
			pg_fib_free(fib);
		}
		qsort(load, RUNS, sizeof(double), cmp_double);
		qsort(add, RUNS, sizeof(double), cmp_double);
		qsort(del, RUNS, sizeof(double), cmp_double);
		printf("%10u %12.3f %12.3f %12.3f %12.1f %12.1f\n", n, load[RUNS / 2], load[0],
		       load[RUNS - 1], add[RUNS / 2], del[RUNS / 2]);
		fflush(stdout);
		free(v);
	}
	pg_conf_free(conf);
	rte_eal_cleanup();
	return 0;
}
