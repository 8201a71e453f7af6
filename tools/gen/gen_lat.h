/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef GEN_LAT_H
#define GEN_LAT_H

/**
 * @file
 * Latency histogram in TSC cycles, log-linear (as HdrHistogram): values
 * below 128 get a bucket each, above that every power of two is split into
 * 64 buckets, so any value is known to within 1/64 (1.6%). 3776 buckets
 * (30 KB) cover the whole 64-bit range: a fixed array, no allocation and
 * no sampling on the receive path, and exact counts for every frame.
 */

#include <stdint.h>

#include <rte_common.h>

#define GEN_LAT_SUB_BITS 6
#define GEN_LAT_SUB (1u << GEN_LAT_SUB_BITS)
#define GEN_LAT_BUCKETS ((64 - GEN_LAT_SUB_BITS + 1) * GEN_LAT_SUB)

struct gen_lat {
	uint64_t n;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t bucket[GEN_LAT_BUCKETS];
};

static inline unsigned int
gen_lat_index(uint64_t v)
{
	unsigned int shift = 0;

	if (v >= 2 * GEN_LAT_SUB)
		shift = (unsigned int)(63 - __builtin_clzll(v)) - GEN_LAT_SUB_BITS;
	return shift * GEN_LAT_SUB + (unsigned int)(v >> shift);
}

/** Record one sample (cycles). */
static inline void
gen_lat_add(struct gen_lat *l, uint64_t v)
{
	l->bucket[gen_lat_index(v)]++;
	l->n++;
	l->sum += v;
	if (v < l->min)
		l->min = v;
	if (v > l->max)
		l->max = v;
}

/** Empty the histogram. */
void gen_lat_reset(struct gen_lat *l);

/**
 * Value at quantile @p q (0..1) in cycles: the middle of the bucket that
 * holds the sample of that rank, clamped to [min, max]. 0 when empty.
 */
uint64_t gen_lat_quantile(const struct gen_lat *l, double q);

#endif /* GEN_LAT_H */
