/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FIB_LOOKUP_H
#define PG_FIB_LOOKUP_H

/**
 * @file
 * The IPv4 lookup inline, for workers (docs/decisions/0009-hot-loop-tuning.md).
 *
 * rte_fib_lookup_bulk() costs an indirect call per burst and ~19
 * instructions per address, and prefetches its tbl24 entries only 6
 * addresses ahead. The same DIR-24-8 walk inline costs ~7 inside stage 3's
 * loop, and the worker can prefetch each tbl24 entry as soon as it has
 * parsed the destination, a whole stage before the lookup: with 1M routes
 * the table does not fit the caches and those loads miss.
 *
 * rte_fib keeps the table's layout private; side_bind_lookup() (fib.c)
 * checks at creation that the table is laid out as DPDK 22.11's dir24_8.c
 * lays it out, and checks answers against rte_fib_lookup_bulk(). When it
 * is not (another DPDK), nh_bytes stays 0 and workers call
 * rte_fib_lookup_bulk(): slower, never wrong.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_fib.h>
#include <rte_prefetch.h>

#include "pg_fib.h"

/* A tbl24/tbl8 entry: next hop << 1, bit 0 set when it points to a tbl8
 * group instead (index in the upper bits). */
#define PG_FIB_EXT_ENT 1u

/**
 * For prefetching the tbl24 entry of a destination @p dst (host order)
 * without a branch: the entry's cache line is that of
 * base + (dst >> shift). A side without the inline lookup gets @p dummy
 * and a shift that leaves 0.
 */
static inline void
pg_fib_prefetch_base(const struct pg_fib_side *s, const void *dummy,
		     const uint8_t **base, unsigned int *shift)
{
	/* 2-byte entries: entry at 2 * (dst >> 8), dst >> 7 is within it;
	 * 4-byte entries: dst >> 6 is within 4 * (dst >> 8)'s. */
	*base = s->nh_bytes != 0 ? (const uint8_t *)s->tbl24 : (const uint8_t *)dummy;
	*shift = s->nh_bytes == 2 ? 7 : s->nh_bytes == 4 ? 6 : 63;
}

/* One destination through tables of 2- or 4-byte entries. */
#define PG_FIB_WALK(type, t24, t8, dst) __extension__ ({		\
		uint32_t e_ = ((const type *)(t24))[(dst) >> 8];	\
									\
		if (unlikely(e_ & PG_FIB_EXT_ENT))			\
			e_ = ((const type *)(t8))[(e_ >> 1) * 256u + ((dst) & 0xff)]; \
		e_ >> 1; })

/** The next-hop index of @p dst (host order): nh_bytes must be 2. */
static inline uint32_t
pg_fib_walk4_2b(const void *tbl24, const void *tbl8, uint32_t dst)
{
	return PG_FIB_WALK(uint16_t, tbl24, tbl8, dst);
}

/** The same for nh_bytes 4. */
static inline uint32_t
pg_fib_walk4_4b(const void *tbl24, const void *tbl8, uint32_t dst)
{
	return PG_FIB_WALK(uint32_t, tbl24, tbl8, dst);
}

#undef PG_FIB_WALK

/**
 * First half of pg_fib_walk4_2b(): @p dst's tbl24 entry. When it points
 * to a tbl8 group, that group's line for @p dst is prefetched: the second
 * read, a dependent miss with big tables, is under way while other
 * packets are handled. pg_fib_walk4_2b_finish() completes the walk.
 */
static inline uint32_t
pg_fib_walk4_2b_start(const void *tbl24, const void *tbl8, uint32_t dst)
{
	const uint32_t e = ((const uint16_t *)tbl24)[dst >> 8];

	if (e & PG_FIB_EXT_ENT)
		rte_prefetch0(&((const uint16_t *)tbl8)[(e >> 1) * 256u + (dst & 0xff)]);
	return e;
}

/**
 * pg_fib_walk4_2b() that also sets *@p ext when it took the tbl8 read (on
 * that unlikely branch only).
 */
static inline uint32_t
pg_fib_walk4_2b_seen(const void *tbl24, const void *tbl8, uint32_t dst, bool *ext)
{
	uint32_t e = ((const uint16_t *)tbl24)[dst >> 8];

	if (unlikely(e & PG_FIB_EXT_ENT)) {
		*ext = true;
		e = ((const uint16_t *)tbl8)[(e >> 1) * 256u + (dst & 0xff)];
	}
	return e >> 1;
}

/** The next-hop index of @p dst from its tbl24 entry @p e (2-byte entries). */
static inline uint32_t
pg_fib_walk4_2b_finish(const void *tbl8, uint32_t e, uint32_t dst)
{
	if (unlikely(e & PG_FIB_EXT_ENT))
		e = ((const uint16_t *)tbl8)[(e >> 1) * 256u + (dst & 0xff)];
	return e >> 1;
}

/**
 * Next-hop indexes of @p n destinations (host order). A miss gives
 * PG_NH_IDX_DEFAULT, like rte_fib with the table's default next hop.
 */
static inline void
pg_fib_lookup4(const struct pg_fib_side *s, uint32_t *dst, uint64_t *hop, unsigned int n)
{
	unsigned int i;

	if (likely(s->nh_bytes == 2)) {
		for (i = 0; i < n; i++)
			hop[i] = pg_fib_walk4_2b(s->tbl24, s->tbl8, dst[i]);
	} else if (s->nh_bytes == 4) {
		for (i = 0; i < n; i++)
			hop[i] = pg_fib_walk4_4b(s->tbl24, s->tbl8, dst[i]);
	} else if (n != 0) {
		/* The table is only read: rte_fib's prototype lacks the const. */
		rte_fib_lookup_bulk(s->v4, dst, hop, (int)n);
	}
}

#endif /* PG_FIB_LOOKUP_H */
