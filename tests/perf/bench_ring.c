/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The cost of one pipeline ring hop: an SP/SC rte_ring carrying bursts of
 * 32 mbuf pointers from one lcore to another, as pg_worker.c uses it (the
 * consumer reads mbuf->port, like forward_runs(), so the mbuf's cache line
 * moves between cores as in pktgate). Reports TSC cycles per packet on the
 * producer and on the consumer, median/min/max of several runs, and the
 * same enqueue+dequeue pair on one lcore (no cross-core traffic) as the
 * floor. A benchmark, not a test: it prints numbers, never fails on speed.
 *
 * Run: bench_ring --no-huge -m 256 --no-pci -l 0,1   (two CPUs: one each)
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#define BURST 32
#define N_MBUFS 4096
#define PER_RUN (1u << 24)
#define RUNS 5

static struct rte_ring *ring;
static struct rte_mbuf *mbufs[N_MBUFS];
static volatile uint64_t consumer_cycles, sink;

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
consumer(void *arg)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t got = 0, acc = 0, t0 = 0;

	(void)arg;
	while (got < PER_RUN) {
		unsigned int n = rte_ring_sc_dequeue_burst(ring, (void **)pkts, BURST, NULL);
		unsigned int i;

		if (n != 0 && got == 0)
			t0 = rte_rdtsc();
		for (i = 0; i < n; i++)
			acc += pkts[i]->port;
		got += n;
	}
	consumer_cycles = rte_rdtsc() - t0;
	sink = acc;
	return 0;
}

static double
producer_run(unsigned int lcore, double *cons_cpp)
{
	uint64_t sent = 0, t0, t1;
	unsigned int k = 0;

	rte_eal_remote_launch(consumer, NULL, lcore);
	t0 = rte_rdtsc();
	while (sent < PER_RUN) {
		unsigned int n = rte_ring_sp_enqueue_burst(ring, (void *const *)&mbufs[k],
							   BURST, NULL);
		sent += n;
		k = (k + BURST) % N_MBUFS;
		/* the RX lcore writes the mbuf header (the PMD does) */
		mbufs[k]->port = (uint16_t)(sent & 1);
	}
	t1 = rte_rdtsc();
	rte_eal_wait_lcore(lcore);
	*cons_cpp = (double)consumer_cycles / PER_RUN;
	return (double)(t1 - t0) / PER_RUN;
}

static double
single_core_run(void)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t t0, acc = 0;
	unsigned int i, k = 0, j;

	t0 = rte_rdtsc();
	for (i = 0; i < PER_RUN / BURST; i++) {
		rte_ring_sp_enqueue_burst(ring, (void *const *)&mbufs[k], BURST, NULL);
		rte_ring_sc_dequeue_burst(ring, (void **)pkts, BURST, NULL);
		for (j = 0; j < BURST; j++)
			acc += pkts[j]->port;
		k = (k + BURST) % N_MBUFS;
	}
	sink = acc;
	return (double)(rte_rdtsc() - t0) / PER_RUN;
}

int
main(int argc, char **argv)
{
	struct rte_mempool *mp;
	double prod[RUNS], cons[RUNS], single[RUNS];
	unsigned int r, worker;

	if (rte_eal_init(argc, argv) < 0)
		return 1;
	worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "need two lcores (-l 0,1)\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("bench", N_MBUFS * 2 - 1, 256, 0, 256, SOCKET_ID_ANY);
	ring = rte_ring_create("bench", 1024, SOCKET_ID_ANY,
			       RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (mp == NULL || ring == NULL || rte_pktmbuf_alloc_bulk(mp, mbufs, N_MBUFS) != 0)
		return 1;
	for (r = 0; r < RUNS; r++) {
		prod[r] = producer_run(worker, &cons[r]);
		single[r] = single_core_run();
	}
	qsort(prod, RUNS, sizeof(double), cmp_double);
	qsort(cons, RUNS, sizeof(double), cmp_double);
	qsort(single, RUNS, sizeof(double), cmp_double);
	printf("TSC %.3f GHz, bursts of %d, %d runs x %u packets, ring 1024 SP/SC\n",
	       (double)rte_get_tsc_hz() / 1e9, BURST, RUNS, PER_RUN);
	printf("cross-core producer  cycles/packet median %.2f min %.2f max %.2f\n",
	       prod[RUNS / 2], prod[0], prod[RUNS - 1]);
	printf("cross-core consumer  cycles/packet median %.2f min %.2f max %.2f\n",
	       cons[RUNS / 2], cons[0], cons[RUNS - 1]);
	printf("one core enq+deq     cycles/packet median %.2f min %.2f max %.2f\n",
	       single[RUNS / 2], single[0], single[RUNS - 1]);
	rte_eal_cleanup();
	return 0;
}
