/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_TOKEN_BUCKET_H
#define PG_TOKEN_BUCKET_H

/**
 * @file
 * A token bucket counted in TSC cycles, one per lcore (no sharing, no
 * atomics). Credit is time: every cycle that passes adds one, a token
 * costs hz / rate cycles, and the credit is capped at @c burst tokens.
 * Taking a token is one subtraction and one compare: no division, no
 * floating point. Pure over the time it is given, so tests pass the
 * clock in.
 */

#include <stdbool.h>
#include <stdint.h>

struct pg_token_bucket {
	uint64_t credit;     /**< cycles banked, <= cap */
	uint64_t last;       /**< time of the last refill */
	uint64_t cost;       /**< cycles per token; 0: the bucket is off */
	uint64_t cap;        /**< burst * cost */
};

/**
 * Set up a full bucket: @p burst tokens at once, then @p rate a second.
 * @p rate 0 leaves it off (pg_token_take() always refuses).
 */
static inline void
pg_token_init(struct pg_token_bucket *b, uint64_t hz, uint32_t rate, uint32_t burst,
	      uint64_t now)
{
	b->cost = rate == 0 ? 0 : (hz / rate > 0 ? hz / rate : 1);
	b->cap = b->cost * burst;
	b->credit = b->cap;
	b->last = now;
}

/** Take one token at time @p now; false when there is none. */
static inline bool
pg_token_take(struct pg_token_bucket *b, uint64_t now)
{
	/* A clock read on another core may lag a little: never go back. */
	if (now > b->last) {
		const uint64_t gain = now - b->last;

		b->credit = gain >= b->cap - b->credit ? b->cap : b->credit + gain;
		b->last = now;
	}
	if (b->cost == 0 || b->credit < b->cost)
		return false;
	b->credit -= b->cost;
	return true;
}

#endif /* PG_TOKEN_BUCKET_H */
