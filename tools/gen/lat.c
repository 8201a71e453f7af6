/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <math.h>
#include <string.h>

#include "gen_lat.h"

void
gen_lat_reset(struct gen_lat *l)
{
	memset(l, 0, sizeof(*l));
	l->min = UINT64_MAX;
}

/* Inverse of gen_lat_index: first value of bucket @p i and its width. */
static void
bucket_range(unsigned int i, uint64_t *lo, uint64_t *width)
{
	unsigned int shift;

	if (i < 2 * GEN_LAT_SUB) {
		*lo = i;
		*width = 1;
		return;
	}
	shift = i / GEN_LAT_SUB - 1;
	*lo = (uint64_t)(i - shift * GEN_LAT_SUB) << shift;
	*width = 1ULL << shift;
}

uint64_t
gen_lat_quantile(const struct gen_lat *l, double q)
{
	uint64_t rank, cum = 0, lo, width, v;
	unsigned int i;

	if (l->n == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)l->n);
	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	for (i = 0; i < GEN_LAT_BUCKETS; i++) {
		cum += l->bucket[i];
		if (cum >= rank)
			break;
	}
	bucket_range(i, &lo, &width);
	v = lo + (width - 1) / 2;
	if (v < l->min)
		v = l->min;
	if (v > l->max)
		v = l->max;
	return v;
}
