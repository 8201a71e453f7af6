/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_WORKER_H
#define PG_WORKER_H

/**
 * @file
 * Worker lcores and their loops. The main lcore never runs these: it is the
 * control thread.
 *
 * rtc mode: every worker polls its RX queue of every port, runs the burst
 * through the forwarding stages and transmits on its own TX queues.
 *
 * pipeline mode: RX lcores poll RX queues and spread packets over the
 * forwarding lcores by a symmetric flow hash, through one SP/SC ring per
 * (RX lcore, forwarding lcore) pair; forwarding lcores dequeue, run the
 * stages and transmit on their own TX queues.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pg_conf.h"
#include "pg_fwd.h"
#include "pg_port.h"
#include "pg_ring.h"
#include "pg_stats.h"

enum pg_worker_role {
	PG_ROLE_RTC,         /**< run-to-completion: RX, process, TX */
	PG_ROLE_RX,          /**< pipeline: RX and distribute to rings */
	PG_ROLE_FWD,         /**< pipeline: dequeue, process, TX */
};

struct pg_worker_rxq {
	uint16_t port_id;    /**< ethdev id */
	uint16_t port;       /**< pktgate port index */
	uint16_t queue;
};

struct pg_worker {
	struct pg_lcore_stats stats;   /**< first: its own cache lines */
	struct pg_fwd_lcore fwd;       /**< rtc and fwd roles */
	unsigned int lcore_id;
	unsigned int index;            /**< position in workers.lcores */
	enum pg_worker_role role;
	uint16_t n_rxq;
	struct pg_worker_rxq rxq[PG_MAX_PORTS];
	/** rx role: ring to each forwarding lcore; fwd role: ring from each RX lcore. */
	struct pg_ring_link **links;
	unsigned int n_links;
} __rte_cache_aligned;

/** Everything the workers of one run share. */
struct pg_workers {
	struct pg_worker *w[PG_CONF_MAX_WORKERS];
	unsigned int n;
	enum pg_conf_mode mode;
	unsigned int rx_lcores[PG_CONF_MAX_WORKERS];   /**< lcores polling RX queues */
	unsigned int n_rx;
	unsigned int fwd_lcores[PG_CONF_MAX_WORKERS];  /**< lcores owning TX queues */
	unsigned int n_fwd;
	struct pg_ring_link *links;                    /**< n_rx * n_fwd in pipeline mode */
	unsigned int n_links;
};

/** Split the configured lcores into RX and forwarding roles (no allocation). */
void pg_workers_plan(struct pg_workers *ws, const struct pg_conf *conf);

/**
 * Allocate the per-lcore state (each on its lcore's NUMA socket) and, in
 * pipeline mode, the rings.
 *
 * @return 0 or a negative errno.
 */
int pg_workers_create(struct pg_workers *ws, const struct pg_conf *conf,
		      const struct pg_ports *ports, const struct pg_fwd_ctx *ctx);

void pg_workers_free(struct pg_workers *ws);

/** lcore entry point (rte_eal_remote_launch), arg is a struct pg_worker. */
int pg_worker_main(void *arg);

/**
 * Stop the workers in order: RX first, then (once the RX lcores have left
 * their loops) the forwarding lcores, which empty their rings before they
 * return, so no packet is left in flight. Waits for all of them.
 */
void pg_workers_stop(struct pg_workers *ws);

const char *pg_worker_role_name(enum pg_worker_role role);

/** Sum every worker's counters into @p out (lock-free reads). */
void pg_workers_sum(const struct pg_workers *ws, struct pg_stats_total *out);

#endif /* PG_WORKER_H */
