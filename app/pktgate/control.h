/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_APP_CONTROL_H
#define PG_APP_CONTROL_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "pg_ctlsock.h"
#include "pg_fpm.h"
#include "pg_neigh.h"
#include "pg_neigh6.h"
#include "pg_port.h"
#include "pg_punt.h"
#include "pg_worker.h"

enum pg_stop_cause {
	PG_STOP_SIGNAL,
	PG_STOP_DURATION,
	PG_STOP_IDLE,
};

struct pg_control {
	double duration_s;           /**< 0: none */
	uint64_t idle_exit_ms;       /**< 0: none */
	double stats_interval_s;     /**< 0: no stats lines */
	const struct pg_ports *ports;
	const struct pg_workers *workers;
	struct pg_neigh *neigh;      /**< NULL: no dynamic neighbors */
	struct pg_neigh6 *neigh6;    /**< NULL: no dynamic IPv6 neighbors */
	struct pg_fpm *fpm;          /**< NULL: no FPM listener */
	struct pg_punt *punt;        /**< NULL: no kernel interfaces */
	volatile sig_atomic_t *signalled;
	struct pg_ctlsock *ctlsock;  /**< NULL: no control socket */
};

/**
 * The control thread's loop on the main lcore: watches signals, duration
 * and idleness, prints stats lines, answers the control socket. Returns
 * why it stopped.
 */
enum pg_stop_cause pg_control_run(const struct pg_control *ctl);

/** Final summary: totals, per port, drops by reason, per lcore. */
void pg_control_summary(const struct pg_control *ctl, FILE *out, double elapsed_s);

const char *pg_stop_cause_name(enum pg_stop_cause cause);

/** Monotonic clock in seconds. */
double pg_now_s(void);

#endif
