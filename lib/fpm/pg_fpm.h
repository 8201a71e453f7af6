/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FPM_H
#define PG_FPM_H

/**
 * @file
 * pktgate as FRR's forwarding plane: a TCP listener for zebra's FPM
 * connection (zebra -M dplane_fpm_nl, docs/frr.md) whose route changes go
 * into the live table as origin "fpm" (pg_fib.h: local > static > fpm >
 * neighbor > connected).
 *
 * Runs on the control thread only (pg_fpm_poll() every tick, non-blocking):
 * the table's change functions must not run anywhere else. One client at
 * a time; a new connection replaces the old one (zebra reconnects after a
 * restart before the old socket is seen closed).
 *
 * Resync: zebra replays everything on every connect with no end marker.
 * A new connection marks every FPM route stale; a route re-sent clears its
 * mark; once resync_quiet_ms pass without a frame, routes still marked
 * are removed. A closed connection leaves the routes in place (forwarding
 * goes on while zebra restarts) and abandons a resync under way.
 *
 * A bad frame header, a malformed message or a frame that cannot be
 * parsed: one log line, the connection is reset, and nothing of that frame
 * reaches the table.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_fpm_parse.h"

struct pg_fpm;

/** What /pktgate/fpm reports. */
struct pg_fpm_stats {
	bool connected;
	bool resync_pending;        /**< stale routes wait for the quiet period */
	char listen[32];
	char peer[32];              /**< "addr:port" of the client, or "" */
	uint64_t connections;       /**< accepted */
	uint64_t resets;            /**< closed by us on a bad frame */
	uint64_t routes_added;      /**< NEWROUTE installed (replaces included) */
	uint64_t routes_deleted;    /**< DELROUTE that removed a route */
	uint64_t stale_removed;     /**< removed after a resync */
	uint64_t nexthops;          /**< next-hop objects known now */
	uint64_t bytes;
	struct pg_fpm_parse_counters parse;
	char last_error[PG_CONF_ERR_LEN];
};

/**
 * Listen as @p conf says.
 * @return the listener, or NULL with @p err filled (address in use...).
 */
struct pg_fpm *pg_fpm_create(const struct pg_conf_fpm *conf, struct pg_fib *fib,
			     char err[PG_CONF_ERR_LEN]);

/**
 * Kernel interface @p ifindex mirrors pktgate port @p port (docs/punt.md):
 * a route whose OIF is that interface goes out of that port. Call before
 * the first poll; at most one mapping per port.
 */
void pg_fpm_map_ifindex(struct pg_fpm *f, int ifindex, uint16_t port);

/**
 * The IPv6 table IPv6 routes go to (origin fpm as well); without one
 * they are counted as no_ipv6. Call before the first poll.
 */
struct pg_fib6;
void pg_fpm_set_fib6(struct pg_fpm *f, struct pg_fib6 *fib6);

/** Accept, read and apply what arrived; remove stale routes when due. */
void pg_fpm_poll(struct pg_fpm *f, double now);

/** Close the sockets. FPM routes stay in the table. */
void pg_fpm_free(struct pg_fpm *f);

/** A consistent copy of the counters, from any thread. */
void pg_fpm_get_stats(struct pg_fpm *f, struct pg_fpm_stats *s);

#endif /* PG_FPM_H */
