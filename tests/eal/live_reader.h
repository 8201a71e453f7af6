/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * A reader on another lcore while a live table changes (test_fib_live.c,
 * test_fib6_live.c): change k (from 1) points one prefix via gateway
 * number gw_after(k), a neighbor whose MAC ends in that number. The
 * reader looks up an address in the copy it holds, holds it a while as a
 * burst does, and checks that the copy did not change under it and that
 * the answer is that of a change that had not been superseded before the
 * lookup (never stale, never torn). live_reader_run() / live_reader_run6()
 * set it all up for a table and a change function; live_reader_start() /
 * live_reader_stop() serve readers of their own (test_fib_live.c's growth).
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

#include <rte_fib.h>
#include <rte_fib6.h>

#include "pg_fib.h"
#include "pg_fib6.h"
#include "pg_fib_lookup.h"
#include "pg_nhgroup.h"
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

/* Fresh state, a QSBR variable the table waits on (@p set_rcu), and @p fn
 * started on the next lcore: the lcore, for live_reader_stop(). */
static inline unsigned int
live_reader_start(lcore_function_t *fn, void *arg, void (*set_rcu)(struct rte_rcu_qsbr *rcu))
{
	const unsigned int lcore = rte_get_next_lcore(-1, 1, 0);

	ck_assert_uint_lt(lcore, RTE_MAX_LCORE);
	live_rcu = pg_rcu_create(1, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(live_rcu);
	set_rcu(live_rcu);
	live_generation = 0;
	live_stop = 0;
	live_checks = live_bad = 0;
	ck_assert_int_eq(rte_eal_remote_launch(fn, arg, lcore), 0);
	return lcore;
}

/* Stop the reader, wait for it, take the table's QSBR variable back. The
 * caller checks live_checks / live_bad (after its own checks). */
static inline void
live_reader_stop(unsigned int lcore, void (*set_rcu)(struct rte_rcu_qsbr *rcu))
{
	__atomic_store_n(&live_stop, 1, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(lcore);
	set_rcu(NULL);
	pg_rcu_free(live_rcu);
}

/* The reader saw something and saw nothing bad. */
static inline void
live_reader_check(void)
{
	ck_assert_uint_gt(live_checks, 0);
	ck_assert_uint_eq(live_bad, 0);
}

/* 2000 changes while the reader runs on the next lcore; nothing bad seen. */
static inline void
live_reader_ops_run(struct live_reader_ops *ops)
{
	const unsigned int lcore = live_reader_start(live_reader_main, ops, ops->set_rcu);
	uint64_t k;

	for (k = 1; k <= 2000; k++) {
		const int ret = ops->change(k);

		if (ret != 0) {
			live_reader_stop(lcore, ops->set_rcu);
			ck_abort_msg("change %lu: %d", (unsigned long)k, ret);
		}
		__atomic_store_n(&live_generation, k, __ATOMIC_RELEASE);
	}
	live_reader_stop(lcore, ops->set_rcu);
	live_reader_check();
}

/* ---- the two tables as the reader sees them ------------------------------ */

/* Set before the reader starts; read by it. */
static struct pg_fib *live_fib4;
static uint32_t live_dst4;
static struct pg_fib6 *live_fib6;
static uint8_t live_dst6[16];

/* A flow's bucket when the answer is a group: the member fwd would take. */
#define LIVE_FLOW_HASH 0x12345678u

static inline const void *
live_active4(void)
{
	return pg_fib_active(live_fib4);
}

/* The DPDK lookup, which the inline one (workers') must agree with: a
 * disagreement is an index past nh_cap, which the reader counts as bad. */
static inline uint64_t
live_lookup4(const void *side)
{
	const struct pg_fib_side *s = side;
	uint32_t ip = live_dst4;
	uint64_t nh, inl;

	rte_fib_lookup_bulk(s->v4, &ip, &nh, 1);
	pg_fib_lookup4(s, &ip, &inl, 1);
	return inl == nh ? nh : UINT64_MAX;
}

/* Next hop @p idx of a copy (@p nh, @p grp), through the group's bucket
 * for LIVE_FLOW_HASH as fwd goes (pg_nhgroup_member() without the
 * counter); an index past @p cap reads as no route. */
static inline const struct pg_nexthop *
live_follow(const struct pg_nexthop *nh, const struct pg_nh_group *grp, uint64_t idx,
	    uint32_t cap)
{
	const struct pg_nexthop *h = &nh[idx < cap ? idx : PG_NH_IDX_NO_ROUTE];

	if (h->type != PG_NH_GROUP)
		return h;
	return &nh[grp[pg_nexthop_group(h)].nh[pg_fib_group_bucket(LIVE_FLOW_HASH)]];
}

static inline const struct pg_nexthop *
live_nh4(const void *side, uint64_t idx)
{
	const struct pg_fib_side *s = side;

	return live_follow(s->nh, s->grp, idx, live_fib4->nh_cap);
}

static inline void
live_set_rcu4(struct rte_rcu_qsbr *rcu)
{
	pg_fib_set_rcu(live_fib4, rcu);
}

static inline const void *
live_active6(void)
{
	return pg_fib6_active(live_fib6);
}

static inline uint64_t
live_lookup6(const void *side)
{
	uint8_t a[1][16];
	uint64_t nh;

	memcpy(a[0], live_dst6, 16);
	rte_fib6_lookup_bulk(((const struct pg_fib6_side *)side)->v6, a, &nh, 1);
	return nh;
}

static inline const struct pg_nexthop *
live_nh6(const void *side, uint64_t idx)
{
	const struct pg_fib6_side *s = side;

	return live_follow(s->nh, s->grp, idx, live_fib6->nh_cap);
}

static inline void
live_set_rcu6(struct rte_rcu_qsbr *rcu)
{
	pg_fib6_set_rcu(live_fib6, rcu);
}

/* 2000 calls of @p change (k = 1..2000) on IPv4 table @p table while a reader
 * on the next lcore looks up @p dst: never stale, never torn. */
static inline void
live_reader_run(struct pg_fib *table, uint32_t dst, int (*change)(uint64_t k))
{
	struct live_reader_ops ops = { live_active4, live_lookup4, live_nh4, live_set_rcu4,
				       change, table->nh_cap };

	live_fib4 = table;
	live_dst4 = dst;
	live_reader_ops_run(&ops);
}

/* The same for IPv6 table @p table and address @p dst. */
static inline void
live_reader_run6(struct pg_fib6 *table, const uint8_t dst[16], int (*change)(uint64_t k))
{
	struct live_reader_ops ops = { live_active6, live_lookup6, live_nh6, live_set_rcu6,
				       change, table->nh_cap };

	live_fib6 = table;
	memcpy(live_dst6, dst, 16);
	live_reader_ops_run(&ops);
}

#endif /* PG_TEST_LIVE_READER_H */
