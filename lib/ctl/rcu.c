/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <rte_malloc.h>

#include "pg_rcu.h"

struct rte_rcu_qsbr *
pg_rcu_create(unsigned int max_workers, int socket)
{
	const size_t sz = rte_rcu_qsbr_get_memsize(max_workers);
	struct rte_rcu_qsbr *v;

	v = rte_zmalloc_socket("pg_rcu", sz, RTE_CACHE_LINE_SIZE, socket);
	if (v == NULL)
		return NULL;
	if (rte_rcu_qsbr_init(v, max_workers) != 0) {
		rte_free(v);
		return NULL;
	}
	return v;
}

void
pg_rcu_free(struct rte_rcu_qsbr *rcu)
{
	rte_free(rcu);
}
