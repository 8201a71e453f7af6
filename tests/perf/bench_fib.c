/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Library evaluation for the IPv4 table (docs/decisions/0004): rte_lpm
 * (what lib/ctl uses now) against rte_fib DIR-24-8 (RIB-backed control
 * plane), on the same random table of /8../32 prefixes:
 *  - build time: seconds to add N routes (the control-plane cost of loading
 *    a full table, or of FRR pushing one);
 *  - lookup: TSC cycles per address in bursts of 32 (rte_lpm_lookupx4 as the
 *    data path calls it; rte_fib_lookup_bulk), on random addresses drawn
 *    from the table so the longest match falls at every depth.
 * Median/min/max over several runs. A benchmark: it prints, never fails.
 *
 * Run: bench_fib --no-huge -m 2048 --no-pci -l 0 -- [N ...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_fib.h>
#include <rte_lpm.h>
#include <rte_vect.h>

#define BURST 32
#define N_ADDR (1u << 20)
#define MAX_RUNS 9

/* PG_BENCH_RUNS=1 for the 1M point: rte_lpm takes minutes to build it. */
static unsigned int RUNS = 5;

struct route {
	uint32_t ip;
	uint8_t depth;
};

static struct route *routes;
static uint32_t *addrs;

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
rnd32(void)
{
	return (uint32_t)rand() << 16 ^ (uint32_t)rand();
}

static void
make_table(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* a real table is mostly /24 and shorter, with some host routes */
		unsigned int r = (unsigned int)rand() % 100;
		uint8_t d = r < 60 ? 24 : r < 85 ? (uint8_t)(16 + rand() % 8) :
			    r < 95 ? (uint8_t)(8 + rand() % 8) : (uint8_t)(25 + rand() % 8);

		routes[i].depth = d;
		routes[i].ip = rnd32() & (~0u << (32 - d));
	}
	for (i = 0; i < N_ADDR; i++) {
		const struct route *rt = &routes[rand() % n];

		addrs[i] = rt->ip | (rnd32() & ~(~0u << (32 - rt->depth)));
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
		struct rte_lpm_config lc = { .max_rules = 2 * n, .number_tbl8s = n / 4 + 256 };
		struct rte_fib_conf fc = {
			.type = RTE_FIB_DIR24_8, .default_nh = 0, .max_routes = (int)(2 * n),
			.dir24_8 = { .nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = n / 4 + 256 },
		};
		char name[32];
		struct rte_lpm *lpm;
		struct rte_fib *fib;
		uint32_t hop[BURST];
		uint64_t nh[BURST], t0, acc = 0;
		double t;

		snprintf(name, sizeof(name), "l%u", id++);
		lpm = rte_lpm_create(name, SOCKET_ID_ANY, &lc);
		snprintf(name, sizeof(name), "f%u", id++);
		fib = rte_fib_create(name, SOCKET_ID_ANY, &fc);
		if (lpm == NULL || fib == NULL) {
			fprintf(stderr, "create failed for %u routes (memory?)\n", n);
			exit(1);
		}
		t = now_s();
		for (i = 0; i < n; i++)
			rte_lpm_add(lpm, routes[i].ip, routes[i].depth, i & 0xffff);
		lpm_build[r] = now_s() - t;
		t = now_s();
		for (i = 0; i < n; i++)
			rte_fib_add(fib, routes[i].ip, routes[i].depth, i & 0xffff);
		fib_build[r] = now_s() - t;

		t0 = rte_rdtsc_precise();
		for (i = 0; i < N_ADDR; i += BURST) {
			unsigned int k;

			for (k = 0; k < BURST; k += 4)
				rte_lpm_lookupx4(lpm, _mm_loadu_si128((const __m128i *)&addrs[i + k]),
						 &hop[k], 0);
			acc += hop[0] + hop[BURST - 1];
		}
		lpm_look[r] = (double)(rte_rdtsc_precise() - t0) / N_ADDR;
		t0 = rte_rdtsc_precise();
		for (i = 0; i < N_ADDR; i += BURST) {
			rte_fib_lookup_bulk(fib, &addrs[i], nh, BURST);
			acc += nh[0] + nh[BURST - 1];
		}
		fib_look[r] = (double)(rte_rdtsc_precise() - t0) / N_ADDR;
		if (acc == 42)
			printf(" ");
		rte_lpm_free(lpm);
		rte_fib_free(fib);
	}
	report("rte_lpm build", n, lpm_build, "s");
	report("rte_fib dir24_8 build", n, fib_build, "s");
	report("rte_lpm_lookupx4", n, lpm_look, "cycles/address");
	report("rte_fib_lookup_bulk", n, fib_look, "cycles/address");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const unsigned int def[] = { 1000, 100000, 1000000 };
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
