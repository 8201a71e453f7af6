/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_TELEMETRY_H
#define PG_TELEMETRY_H

/**
 * @file
 * The /pktgate/... telemetry commands. They run on DPDK's telemetry thread
 * and only read: per-lcore counters with relaxed loads, tables that stay
 * unchanged while published.
 */

#include "pg_acl.h"
#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_fib6.h"
#include "pg_fpm.h"
#include "pg_port.h"
#include "pg_neigh.h"
#include "pg_punt.h"
#include "pg_neigh6.h"
#include "pg_worker.h"

/** Everything the commands may read. */
struct pg_telemetry_view {
	const struct pg_conf *conf;
	const struct pg_ports *ports;
	const struct pg_fib *fib;
	const struct pg_fib6 *fib6;       /**< NULL when IPv6 is off */
	const struct pg_workers *workers;
	struct pg_neigh *neigh;          /**< NULL: no resolver */
	struct pg_neigh6 *neigh6;        /**< NULL: no IPv6 resolver */
	struct pg_fpm *fpm;              /**< NULL: no FPM listener */
	const struct pg_punt *punt;      /**< NULL: no kernel interfaces */
	struct pg_acl_ctl *acl;          /**< firewall lists; NULL: none */
	unsigned int main_lcore;
	const char *version;   /**< pktgate's version, for /pktgate/info */
};

/**
 * A sink for named values. Telemetry and the control socket (app/pktgate/
 * ctl.c) show the totals and a port through it, so that both list the same
 * fields in the same order, each writing its own format.
 */
struct pg_fields {
	void (*str)(void *ctx, const char *key, const char *val);
	void (*u64)(void *ctx, const char *key, uint64_t val);
	void (*i64)(void *ctx, const char *key, int64_t val);
	void *ctx;
};

/** rx, tx, forwarded, local, ip_options, ctl_tx, consumed, drops, mbufs_in_use (not the
 * reasons). */
void pg_telemetry_totals_fields(const struct pg_stats_total *t, const struct pg_ports *ports,
				const struct pg_fields *f);

/** Port @p i: its settings, our counters from @p t and the device's (hw_*). */
void pg_telemetry_port_fields(const struct pg_ports *ports, unsigned int i,
			      const struct pg_stats_total *t, const struct pg_fields *f);

/** Publish @p view and register the commands (once per process). */
int pg_telemetry_init(const struct pg_telemetry_view *view);

/**
 * Withdraw the view before the objects it points to are freed; waits for a
 * command that is running to finish.
 */
void pg_telemetry_fini(void);

#endif /* PG_TELEMETRY_H */
