/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Firewall classify cost per packet, small list vs big list: random
 * realistic IPv4 rules (src/dst prefixes /8../32, protocols, port ranges),
 * traffic that matches only the last rule or nothing at all, classified in
 * bursts of 32 with pg_acl_classify4() (what the data path calls: rte_acl
 * plus hit counting). Prints build time, then per round the cycles per
 * packet of each size (median of 200 timed passes over 4096 packets), and
 * the median and spread over the rounds.
 *
 * usage: bench_acl [EAL args] -- [small big rounds]   (default 100 10000 7)
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "pg_acl_worker.h"
#include "pg_conf.h"

#define N_PKTS 4096
#define BURST 32
#define PASSES 200

static const char ports_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_null0, ipv4: 192.0.2.1/24}\n"
	"workers: {lcores: [1]}\n";

static uint8_t pkts[N_PKTS][64];

static uint32_t
rnd(void)
{
	return (uint32_t)rand() << 16 ^ (uint32_t)rand();
}

/* A random rule that never covers 100.64.0.0/10, where the traffic lives. */
static int
random_rule(char *buf, size_t len)
{
	static const char *const protos[] = { "tcp", "udp", "tcp", "udp", "icmp", "47" };
	const unsigned int sl = 8 + rnd() % 25, dl = 8 + rnd() % 25;
	const char *proto = protos[rnd() % 6];
	uint32_t s = rnd(), d = rnd();
	char a[20], b[20];
	int n;

	if ((s >> 24) == 100)
		s ^= 0x80000000u;
	if ((d >> 24) == 100)
		d ^= 0x80000000u;
	s &= sl == 32 ? UINT32_MAX : ~(UINT32_MAX >> sl);
	d &= dl == 32 ? UINT32_MAX : ~(UINT32_MAX >> dl);
	s = htonl(s);
	d = htonl(d);
	n = snprintf(buf, len, "      - {action: %s, src: %s/%u, dst: %s/%u, proto: %s",
		     rnd() % 2 ? "deny" : "allow", inet_ntop(AF_INET, &s, a, sizeof(a)), sl,
		     inet_ntop(AF_INET, &d, b, sizeof(b)), dl, proto);
	if (proto[0] == 't' || proto[0] == 'u') {
		const unsigned int lo = rnd() % 65000;

		if (rnd() % 2)
			n += snprintf(buf + n, len - (size_t)n, ", dport: %u-%u", lo,
				      lo + rnd() % 500);
		else
			n += snprintf(buf + n, len - (size_t)n, ", dport: %u", lo);
	}
	n += snprintf(buf + n, len - (size_t)n, "}\n");
	return n;
}

static struct pg_acl *
build(const struct pg_conf *base, unsigned int n_rules, double *build_s)
{
	const size_t cap = (size_t)n_rules * 160 + 4096;
	char *yaml = malloc(cap), err[PG_CONF_ERR_LEN];
	struct pg_conf *c;
	struct pg_acl *acl;
	size_t off;
	unsigned int i;
	uint64_t t0;

	off = (size_t)snprintf(yaml, cap, "acl:\n  - port: lan\n    rules:\n");
	for (i = 0; i + 1 < n_rules; i++)
		off += (size_t)random_rule(yaml + off, cap - off);
	/* The rule the matching half of the traffic hits: the last one. */
	off += (size_t)snprintf(yaml + off, cap - off,
		"      - {action: allow, src: 100.64.0.0/11, proto: udp, dport: 1000-2000}\n");
	c = pg_conf_acl_parse(base, yaml, off, err);
	free(yaml);
	if (c == NULL)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	t0 = rte_rdtsc();
	acl = pg_acl_build(c, 1, (int)rte_socket_id(), err);
	*build_s = (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz();
	if (acl == NULL)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	pg_conf_free(c);
	return acl;
}

/* Half the packets match the last rule (100.64/11), half match nothing. */
static void
make_traffic(void)
{
	unsigned int i;

	for (i = 0; i < N_PKTS; i++) {
		uint8_t *p = pkts[i];
		const uint32_t s = htonl((i % 2 ? 0x64400000u : 0x64600000u) | (rnd() & 0x1fffff));
		const uint32_t d = htonl(rnd());
		const uint16_t sp = htons((uint16_t)rnd()), dp = htons((uint16_t)(1000 + rnd() % 1001));

		memset(p, 0, 64);
		p[0] = 0x45;
		p[8] = 64;
		p[9] = 17;
		memcpy(p + 12, &s, 4);
		memcpy(p + 16, &d, 4);
		memcpy(p + 20, &sp, 2);
		memcpy(p + 22, &dp, 2);
	}
}

static int cmp_double(const void *a, const void *b);

/*
 * One round: PASSES passes over the traffic, each timed alone; the round's
 * figure is the median pass. The team's machines are shared: a pass the
 * scheduler interrupted is an outlier the median ignores (the TSC keeps
 * counting while we are off the CPU).
 */
static double
cycles_per_pkt(const struct pg_acl *acl)
{
	const struct pg_acl_list *l = pg_acl_in_list(acl, 0);
	static double pass_cyc[PASSES];
	const uint8_t *data[BURST];
	uint64_t t0, deny = 0;
	unsigned int pass, i, k;

	for (pass = 0; pass < PASSES; pass++) {
		t0 = rte_rdtsc_precise();
		for (i = 0; i < N_PKTS; i += BURST) {
			for (k = 0; k < BURST; k++)
				data[k] = pkts[i + k];
			deny |= pg_acl_classify4(acl, l, data, BURST, 0);
		}
		pass_cyc[pass] = (double)(rte_rdtsc_precise() - t0) / N_PKTS;
	}
	if (deny != 0)
		rte_exit(EXIT_FAILURE, "traffic hit a deny rule: the list is wrong\n");
	qsort(pass_cyc, PASSES, sizeof(pass_cyc[0]), cmp_double);
	return pass_cyc[PASSES / 2];
}

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	unsigned int small = 100, big = 10000, rounds = 7, r;
	double cs[64], cb[64], bs_small, bs_big;
	struct pg_acl *a_small, *a_big;
	char err[PG_CONF_ERR_LEN];
	struct pg_conf *base;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	argc -= n;
	argv += n;
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc > 3) {
		small = (unsigned int)atoi(argv[1]);
		big = (unsigned int)atoi(argv[2]);
		rounds = (unsigned int)atoi(argv[3]);
	}
	if (rounds == 0 || rounds > 64)
		rounds = 7;
	base = pg_conf_parse(ports_yaml, sizeof(ports_yaml) - 1, err);
	if (base == NULL)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	srand(1);
	make_traffic();
	a_small = build(base, small, &bs_small);
	a_big = build(base, big, &bs_big);
	printf("classify method: %s; TSC %.2f GHz\n", pg_acl_alg_name(),
	       (double)rte_get_tsc_hz() / 1e9);
	printf("build: %u rules %.3f s, %u rules %.3f s\n", small, bs_small, big, bs_big);
	for (r = 0; r < rounds; r++) {
		/* Alternate which goes first: no order bias. */
		if (r % 2) {
			cb[r] = cycles_per_pkt(a_big);
			cs[r] = cycles_per_pkt(a_small);
		} else {
			cs[r] = cycles_per_pkt(a_small);
			cb[r] = cycles_per_pkt(a_big);
		}
		printf("round %u: %u rules %.1f cycles/pkt, %u rules %.1f cycles/pkt\n",
		       r, small, cs[r], big, cb[r]);
	}
	qsort(cs, rounds, sizeof(cs[0]), cmp_double);
	qsort(cb, rounds, sizeof(cb[0]), cmp_double);
	printf("median over %u rounds: %u rules %.1f (min %.1f max %.1f), "
	       "%u rules %.1f (min %.1f max %.1f) cycles/pkt; ratio %.2f\n",
	       rounds, small, cs[rounds / 2], cs[0], cs[rounds - 1], big, cb[rounds / 2],
	       cb[0], cb[rounds - 1], cb[rounds / 2] / cs[rounds / 2]);
	pg_acl_free(a_small);
	pg_acl_free(a_big);
	pg_conf_free(base);
	rte_eal_cleanup();
	return 0;
}
