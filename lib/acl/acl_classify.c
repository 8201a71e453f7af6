/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * One rte_acl_classify() per list and burst. Category 0 holds the allow and
 * deny rules: its answer is the first of them that matches (priority falls
 * with the rule's position), 0 for none, which takes the list's default.
 * Each `count` rule has a category of its own, so that every one that
 * matches is seen; it counts only when it comes before the deciding rule.
 */

#include "acl_private.h"

static inline void
hit(uint64_t *c)
{
	/* One writer per block: a relaxed load and store is enough. */
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

static inline uint64_t
classify(const struct pg_acl *acl, const struct pg_acl_list *l,
	 const struct rte_acl_ctx *ctx, const uint8_t **data, uint32_t n,
	 unsigned int lcore)
{
	uint32_t res[PG_ACL_MAX_BURST * RTE_ACL_MAX_CATEGORIES];
	uint64_t *hits = acl->hits + (size_t)lcore * acl->stride + l->hits_off;
	const uint32_t cats = l->categories;
	uint64_t deny = 0;
	uint32_t i, c;

	if (ctx != NULL)
		rte_acl_classify(ctx, data, res, n, cats);
	else
		memset(res, 0, sizeof(res[0]) * n * cats);
	for (i = 0; i < n; i++) {
		const uint32_t *r = &res[i * cats];
		const uint32_t t = r[0];

		for (c = 1; c < cats; c++)
			if (r[c] != 0 && (t == 0 || r[c] < t))
				hit(&hits[r[c]]);
		hit(&hits[t]);
		deny |= (uint64_t)(l->action[t] == PG_ACL_DENY) << i;
	}
	return deny;
}

uint64_t
pg_acl_classify4(const struct pg_acl *acl, const struct pg_acl_list *l,
		 const uint8_t **data, uint32_t n, unsigned int lcore)
{
	return classify(acl, l, l->ctx4, data, n, lcore);
}

uint64_t
pg_acl_classify6(const struct pg_acl *acl, const struct pg_acl_list *l,
		 const uint8_t **data, uint32_t n, unsigned int lcore)
{
	return classify(acl, l, l->ctx6, data, n, lcore);
}
