/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_RCU_H
#define PG_RCU_H

/**
 * @file
 * The grace-period tracker every table that workers read is published
 * behind (docs/decisions/0007-live-tables.md): workers that run the
 * forwarding stages register with their worker index and report a
 * quiescent state once per loop round, when they hold no table pointer; the
 * control thread publishes a new table with one pointer store, waits with
 * rte_rcu_qsbr_synchronize() and only then frees or reuses the old one.
 * A worker reading nothing between rounds costs one store per round.
 */

#include <rte_rcu_qsbr.h>

/** A tracker for up to @p max_workers readers on @p socket; NULL on failure. */
struct rte_rcu_qsbr *pg_rcu_create(unsigned int max_workers, int socket);

void pg_rcu_free(struct rte_rcu_qsbr *rcu);

#endif /* PG_RCU_H */
