/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * A reader on another lcore while a live table changes (test_fib_live.c,
 * test_fib6_live.c): change k (from 1) points one prefix via gateway
 * number gw_after(k), a neighbor whose MAC ends in that number. The
 * reader looks up an address in the copy it holds, holds it a while as a
 * burst does, and checks that the copy did not change under it and that
 * the answer is that of a change that had not been superseded before the
 * lookup (never stale, never torn).
 */
#ifndef PG_TEST_LIVE_READER_H
#define PG_TEST_LIVE_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "pg_fib.h"
#include "pg_rcu.h"

#define N_GW 50

static inline uint8_t
gw_after(uint64_t k)
{
	return (uint8_t)(10 + k % N_GW);
}

/* What a test hands the reader: its table seen through one copy. */
struct live_reader_ops {
	const void *(*active)(void);                     /* pg_fib*_active() */
	uint64_t (*lookup)(const void *side);            /* the address's nh */
	const struct pg_nexthop *(*nh)(const void *side, uint64_t idx);
	void (*set_rcu)(struct rte_rcu_qsbr *rcu);
	int (*change)(uint64_t k);                       /* 0 or an errno */
	uint32_t nh_cap;
};

static struct rte_rcu_qsbr *live_rcu;
static volatile uint64_t live_generation;   /* changes returned so far */
static volatile int live_stop;
static uint64_t live_checks, live_bad;

/* Was the answer (gateway number @p seen, 0: no route) that of a change in
 * [lo, hi]? Changes before lo had returned before the lookup: older
 * answers are stale. */
static inline bool
answer_in(uint8_t seen, uint64_t lo, uint64_t hi)
{
	uint64_t k;

	if (hi - lo >= N_GW)
		return true;    /* too many changes meanwhile to tell */
	for (k = lo; k <= hi; k++)
		if (k == 0 ? seen == 0 : seen == gw_after(k))
			return true;
	return false;
}

static int
live_reader_main(void *arg)
{
	const struct live_reader_ops *ops = arg;

	rte_rcu_qsbr_thread_register(live_rcu, 0);
	rte_rcu_qsbr_thread_online(live_rcu, 0);
	while (!__atomic_load_n(&live_stop, __ATOMIC_ACQUIRE)) {
		const uint64_t g = __atomic_load_n(&live_generation, __ATOMIC_ACQUIRE);
		const void *s = ops->active();
		const uint64_t nh = ops->lookup(s);
		const struct pg_nexthop *h = ops->nh(s, nh);
		const uint8_t seen = h->type == PG_NH_NO_ROUTE ? 0 :
				     h->type == PG_NH_FORWARD ? h->l2[5] : 255;
		const struct pg_nexthop copy = *h;
		uint64_t g2;
		unsigned int spin;

		/* Hold the copy a while, as a burst does: it must not change
		 * under us (the writer waits for our quiescent state). */
		for (spin = 0; spin < 200; spin++)
			rte_pause();
		g2 = __atomic_load_n(&live_generation, __ATOMIC_ACQUIRE);
		if (ops->lookup(s) != nh || memcmp(&copy, ops->nh(s, nh), sizeof(copy)) != 0) {
			if (live_bad++ == 0)
				fprintf(stderr, "reader: the copy changed while held\n");
		}
		/* Change g had returned: its answer or a newer one (up to the
		 * one under way after g2), never older, never torn. */
		if (nh >= ops->nh_cap || !answer_in(seen, g, g2 + 1)) {
			if (live_bad++ == 0)
				fprintf(stderr, "reader: changes %lu..%lu done, saw nh %lu type %u mac ..%u\n",
					(unsigned long)g, (unsigned long)g2, (unsigned long)nh,
					h->type, h->l2[5]);
		}
		live_checks++;
		rte_rcu_qsbr_quiescent(live_rcu, 0);
	}
	rte_rcu_qsbr_thread_offline(live_rcu, 0);
	return 0;
}

/* 2000 changes while the reader runs on the next lcore; nothing bad seen. */
static inline void
live_reader_run(struct live_reader_ops *ops)
{
	const unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	uint64_t k;

	ck_assert_uint_lt(lcore, RTE_MAX_LCORE);
	live_rcu = pg_rcu_create(1, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(live_rcu);
	ops->set_rcu(live_rcu);
	live_generation = 0;
	live_stop = 0;
	live_checks = live_bad = 0;
	ck_assert_int_eq(rte_eal_remote_launch(live_reader_main, ops, lcore), 0);
	for (k = 1; k <= 2000; k++) {
		ck_assert_int_eq(ops->change(k), 0);
		__atomic_store_n(&live_generation, k, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&live_stop, 1, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(lcore);
	ops->set_rcu(NULL);
	pg_rcu_free(live_rcu);
	ck_assert_uint_gt(live_checks, 0);
	ck_assert_uint_eq(live_bad, 0);
}

#endif /* PG_TEST_LIVE_READER_H */
