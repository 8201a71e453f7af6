/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Library evaluation for the IPv6 table (docs/decisions/0005): rte_lpm6
 * against rte_fib6 TRIE, on the same random table of /16../128 prefixes:
 *  - build time: seconds to add N routes;
 *  - lookup: TSC cycles per address in bursts of 32 (rte_lpm6_lookup_bulk_func,
 *    rte_fib6_lookup_bulk: the bulk calls the data path would make), on
 *    random addresses drawn from the table so the longest match falls at
 *    every depth.
 * Median/min/max over several runs. A benchmark: it prints, never fails.
 *
 * Run: bench_fib6 --no-huge -m 2048 --no-pci -l 0 -- [N ...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_fib6.h>
#include <rte_lpm6.h>
#include <rte_memory.h>

#define BURST 32
#define N_ADDR (1u << 19)
#define MAX_RUNS 9

static unsigned int RUNS = 5;

struct route {
	uint8_t ip[16];
	uint8_t depth;
};

static struct route *routes;
static uint8_t (*addrs)[16];

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Keep the first @p depth bits of @p ip, clear the rest. */
static void
mask6(uint8_t ip[16], unsigned int depth)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (depth >= 8) {
			depth -= 8;
			continue;
		}
		ip[i] &= (uint8_t)(0xff00 >> depth);
		depth = 0;
	}
}

static void
rnd_bytes(uint8_t *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static void
make_table(unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		/* A global table is mostly /32../48 with some /64 and host
		 * routes; the brief asks for the whole /16../128 range too. */
		unsigned int r = (unsigned int)rand() % 100;
		uint8_t d = r < 50 ? (uint8_t)(32 + rand() % 17) :
			    r < 75 ? 64 : r < 90 ? (uint8_t)(16 + rand() % 113) : 128;

		routes[i].depth = d;
		rnd_bytes(routes[i].ip, 16);
		routes[i].ip[0] = 0x20;        /* 2000::/3-ish, like real ones */
		mask6(routes[i].ip, d);
	}
	for (i = 0; i < N_ADDR; i++) {
		const struct route *rt = &routes[rand() % n];
		uint8_t host[16];

		rnd_bytes(host, 16);
		for (k = 0; k < 16; k++) {
			uint8_t keep = rt->depth >= 8 * (k + 1) ? 0xff :
				       rt->depth <= 8 * k ? 0 :
				       (uint8_t)(0xff00 >> (rt->depth - 8 * k));

			addrs[i][k] = (uint8_t)((rt->ip[k] & keep) | (host[k] & ~keep));
		}
	}
}

static double
now_s(void)
{
	return (double)rte_get_timer_cycles() / (double)rte_get_timer_hz();
}

static void
report(const char *what, unsigned int n, double *v, const char *unit)
{
	qsort(v, RUNS, sizeof(double), cmp_double);
	printf("%-8u %-34s median %9.3f min %9.3f max %9.3f %s\n", n, what,
	       v[RUNS / 2], v[0], v[RUNS - 1], unit);
}

static void
bench(unsigned int n)
{
	double lpm_build[MAX_RUNS], fib_build[MAX_RUNS], lpm_look[MAX_RUNS], fib_look[MAX_RUNS];
	static unsigned int id;
	unsigned int r, i;

	make_table(n);
	for (r = 0; r < RUNS; r++) {
		struct rte_lpm6_config lc = { .max_rules = 2 * n, .number_tbl8s = 8 * n + 1024 };
		struct rte_fib6_conf fc = {
			.type = RTE_FIB6_TRIE, .default_nh = 0, .max_routes = (int)(2 * n),
			.trie = { .nh_sz = RTE_FIB6_TRIE_4B, .num_tbl8 = 8 * n + 1024 },
		};
		char name[32];
		struct rte_lpm6 *lpm;
		struct rte_fib6 *fib;
		int32_t hop[BURST];
		uint64_t nh[BURST], t0, acc = 0;
		double t;

		snprintf(name, sizeof(name), "l%u", id++);
		lpm = rte_lpm6_create(name, SOCKET_ID_ANY, &lc);
		snprintf(name, sizeof(name), "f%u", id++);
		fib = rte_fib6_create(name, SOCKET_ID_ANY, &fc);
		if (lpm == NULL || fib == NULL) {
			fprintf(stderr, "create failed for %u routes (memory?)\n", n);
			exit(1);
		}
		t = now_s();
		for (i = 0; i < n; i++)
			rte_lpm6_add(lpm, routes[i].ip, routes[i].depth, i & 0xffff);
		lpm_build[r] = now_s() - t;
		t = now_s();
		for (i = 0; i < n; i++)
			rte_fib6_add(fib, routes[i].ip, routes[i].depth, i & 0xffff);
		fib_build[r] = now_s() - t;

		t0 = rte_rdtsc_precise();
		for (i = 0; i < N_ADDR; i += BURST) {
			rte_lpm6_lookup_bulk_func(lpm, &addrs[i], hop, BURST);
			acc += (uint64_t)hop[0] + (uint64_t)hop[BURST - 1];
		}
		lpm_look[r] = (double)(rte_rdtsc_precise() - t0) / N_ADDR;
		t0 = rte_rdtsc_precise();
		for (i = 0; i < N_ADDR; i += BURST) {
			rte_fib6_lookup_bulk(fib, &addrs[i], nh, BURST);
			acc += nh[0] + nh[BURST - 1];
		}
		fib_look[r] = (double)(rte_rdtsc_precise() - t0) / N_ADDR;
		if (acc == 42)
			printf(" ");
		rte_lpm6_free(lpm);
		rte_fib6_free(fib);
	}
	report("rte_lpm6 build", n, lpm_build, "s");
	report("rte_fib6 trie build", n, fib_build, "s");
	report("rte_lpm6_lookup_bulk_func", n, lpm_look, "cycles/address");
	report("rte_fib6_lookup_bulk (trie)", n, fib_look, "cycles/address");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const unsigned int def[] = { 1000, 100000 };
	int n_eal = rte_eal_init(argc, argv);
	unsigned int i, max = 0;

	if (n_eal < 0)
		return 1;
	if (getenv("PG_BENCH_RUNS") != NULL) {
		int v = atoi(getenv("PG_BENCH_RUNS"));

		RUNS = v < 1 ? 1 : v > MAX_RUNS ? MAX_RUNS : (unsigned int)v;
	}
	argc -= n_eal;
	argv += n_eal;
	for (i = 1; i < (unsigned int)argc; i++)
		max = RTE_MAX(max, (unsigned int)atoi(argv[i]));
	if (argc <= 1)
		max = def[RTE_DIM(def) - 1];
	routes = malloc(sizeof(*routes) * max);
	addrs = malloc(sizeof(*addrs) * N_ADDR);
	srand(7);
	printf("TSC %.3f GHz, %u lookups per run in bursts of %d, %u runs\n",
	       (double)rte_get_tsc_hz() / 1e9, N_ADDR, BURST, RUNS);
	if (argc > 1)
		for (i = 1; i < (unsigned int)argc; i++)
			bench((unsigned int)atoi(argv[i]));
	else
		for (i = 0; i < RTE_DIM(def); i++)
			bench(def[i]);
	rte_eal_cleanup();
	return 0;
}
