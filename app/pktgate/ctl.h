/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_APP_CTL_H
#define PG_APP_CTL_H

/*
 * The control socket's handlers: what `pktgate-ctl` can ask. They run on
 * the control thread (pg_ctlsock_poll() in pg_control_run()), the thread
 * that changes the tables (pg_fib_route_add() and friends), so they read
 * the table's metadata directly, without pg_fib_lock().
 */

#include "pg_acl.h"
#include "pg_cmd.h"
#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_fib6.h"
#include "pg_port.h"
#include "pg_worker.h"

/** Everything the handlers read; the control thread keeps it current. */
struct pg_punt;

struct pg_ctl_view {
	const struct pg_conf *conf;
	const struct pg_ports *ports;
	struct pg_fib *fib;             /**< the live table (writable for the
					     * table-changing handlers) */
	struct pg_fib6 *fib6;           /**< the live IPv6 table; NULL: IPv6 off */
	const struct pg_workers *workers;
	struct pg_acl_ctl *acl;         /**< firewall lists (acl reload) */
	const struct pg_punt *punt;     /**< mirrors (neighbor changes go to the
					     * kernel's table too); NULL: none */
};

/**
 * Fill @p h with the handlers this build has: stats, ports, route
 * add/del/list/load, neighbor add/del/list, config check, version. Table
 * changes go through pg_fib.h (whole or not at all, published after a
 * grace period), IPv6 ones through pg_fib6.h. acl reload rebuilds every list from
 * the file's acl: key and swaps them in whole (pg_acl.h).
 */
void pg_ctl_handlers_init(struct pg_cmd_handlers *h, struct pg_ctl_view *view);

#endif
