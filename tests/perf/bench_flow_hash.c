/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Software RSS for the pipeline distributor: cycles per packet of the
 * symmetric CRC32-C hash (pg_flow_hash_ip4) against rte_softrss() with a
 * symmetric Toeplitz key, over 64Ki distinct IPv4/UDP headers (cache-warm:
 * this measures the hash, not memory). A benchmark, not a test: it prints
 * numbers (median, min, max of several runs) and never fails on speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "pg_flow_hash.h"

#define N_FLOWS 65536
#define RUNS 9
#define PASSES 20

struct hdr {
	struct rte_ipv4_hdr ip;
	struct rte_udp_hdr udp;
} __rte_packed;

static struct hdr hdrs[N_FLOWS];

/* 0x6d5a repeated: the Toeplitz key that makes the hash symmetric. */
static uint8_t sym_key[40];

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
softrss_one(const struct hdr *h)
{
	struct rte_ipv4_tuple t;

	t.src_addr = rte_be_to_cpu_32(h->ip.src_addr);
	t.dst_addr = rte_be_to_cpu_32(h->ip.dst_addr);
	t.sport = rte_be_to_cpu_16(h->udp.src_port);
	t.dport = rte_be_to_cpu_16(h->udp.dst_port);
	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, sym_key);
}

static uint32_t
crc_one(const struct hdr *h)
{
	return pg_flow_hash_ip4(&h->ip, sizeof(*h));
}

static void
measure(const char *name, uint32_t (*fn)(const struct hdr *))
{
	double cpp[RUNS];
	volatile uint32_t sink = 0;
	unsigned int r, p, i;

	for (r = 0; r < RUNS; r++) {
		uint64_t t0 = rte_rdtsc_precise(), t1;
		uint32_t acc = 0;

		for (p = 0; p < PASSES; p++)
			for (i = 0; i < N_FLOWS; i++)
				acc += fn(&hdrs[i]);
		t1 = rte_rdtsc_precise();
		sink += acc;
		cpp[r] = (double)(t1 - t0) / ((double)PASSES * N_FLOWS);
	}
	qsort(cpp, RUNS, sizeof(cpp[0]), cmp_double);
	printf("%-28s cycles/packet median %.2f min %.2f max %.2f (%d runs x %d hashes)\n",
	       name, cpp[RUNS / 2], cpp[0], cpp[RUNS - 1], RUNS, PASSES * N_FLOWS);
	(void)sink;
}

/* Both directions of a flow must give the same value. */
static int
check_symmetry(uint32_t (*fn)(const struct hdr *))
{
	unsigned int i;

	for (i = 0; i < N_FLOWS; i++) {
		struct hdr rev = hdrs[i];

		rev.ip.src_addr = hdrs[i].ip.dst_addr;
		rev.ip.dst_addr = hdrs[i].ip.src_addr;
		rev.udp.src_port = hdrs[i].udp.dst_port;
		rev.udp.dst_port = hdrs[i].udp.src_port;
		if (fn(&rev) != fn(&hdrs[i]))
			return -1;
	}
	return 0;
}

int
main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(sym_key); i += 2) {
		sym_key[i] = 0x6d;
		sym_key[i + 1] = 0x5a;
	}
	srand(1);
	for (i = 0; i < N_FLOWS; i++) {
		hdrs[i].ip.version_ihl = RTE_IPV4_VHL_DEF;
		hdrs[i].ip.next_proto_id = IPPROTO_UDP;
		hdrs[i].ip.src_addr = (uint32_t)rand();
		hdrs[i].ip.dst_addr = (uint32_t)rand();
		hdrs[i].udp.src_port = (uint16_t)rand();
		hdrs[i].udp.dst_port = (uint16_t)rand();
	}
	printf("cycles are TSC ticks (rte_rdtsc), cache-warm headers\n");
	printf("symmetric: crc %s, softrss %s\n", check_symmetry(crc_one) ? "NO" : "yes",
	       check_symmetry(softrss_one) ? "NO" : "yes");
	measure("crc32c (pg_flow_hash_ip4)", crc_one);
	measure("rte_softrss, symmetric key", softrss_one);
	return 0;
}
