/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_WORKER_H
#define PG_WORKER_H

/**
 * @file
 * Worker lcores and their run-to-completion loop: poll every RX queue the
 * worker owns, run the burst through the forwarding stages, flush the TX
 * buffers once per round. The main lcore never runs this: it is the
 * control thread.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pg_fwd.h"
#include "pg_port.h"
#include "pg_stats.h"

enum pg_worker_role {
	PG_ROLE_RTC,         /**< run-to-completion: RX, process, TX */
};

struct pg_worker_rxq {
	uint16_t port_id;    /**< ethdev id */
	uint16_t port;       /**< pktgate port index */
	uint16_t queue;
};

struct pg_worker {
	struct pg_lcore_stats stats;   /**< first: its own cache lines */
	struct pg_fwd_lcore fwd;
	unsigned int lcore_id;
	unsigned int index;            /**< worker number = its queue id */
	enum pg_worker_role role;
	uint16_t n_rxq;
	struct pg_worker_rxq rxq[PG_MAX_PORTS];
} __rte_cache_aligned;

/**
 * Allocate and bind @p n workers (one per lcore in @p lcores, on its own
 * NUMA socket). Worker i polls queue i of every port that has one and
 * transmits on queue i of every port.
 *
 * @return 0 or -ENOMEM.
 */
int pg_workers_create(struct pg_worker **workers, const unsigned int *lcores,
		      unsigned int n, const struct pg_ports *ports,
		      const struct pg_fwd_ctx *ctx);

void pg_workers_free(struct pg_worker **workers, unsigned int n);

/** lcore entry point (rte_eal_remote_launch), arg is a struct pg_worker. */
int pg_worker_main(void *arg);

/** Ask every worker to leave its loop (async-signal-safe). */
void pg_workers_stop(void);

const char *pg_worker_role_name(enum pg_worker_role role);

#endif /* PG_WORKER_H */
