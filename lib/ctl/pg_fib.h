/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FIB_H
#define PG_FIB_H

/**
 * @file
 * The IPv4 forwarding table: one rte_fib (DIR-24-8; chosen over rte_lpm by
 * measurement, docs/decisions/0004) whose next hops index a compact
 * next-hop array.
 *
 * Design (docs/decisions/0002-fib-host-routes.md): every address the data
 * path must treat specially becomes a route, so one LPM lookup answers
 * everything for a packet:
 *   - our own addresses and subnet broadcasts: /32 -> LOCAL next hop;
 *   - each static neighbor: /32 -> FORWARD next hop carrying its MAC
 *     (a host route, as real routers install for resolved neighbors);
 *   - connected subnets and `port:` routes: -> UNRESOLVED next hop of that
 *     port (a destination there without a neighbor entry cannot be sent);
 *   - `via:` routes: the gateway's FORWARD next hop if it is a neighbor,
 *     else the port's UNRESOLVED next hop.
 * Precedence for the same prefix: local > configured route > neighbor host
 * route > connected subnet.
 */

#include <stdint.h>

#include <rte_ether.h>

#include "pg_conf.h"

struct rte_fib;


enum pg_nh_type {
	PG_NH_FORWARD = 0,   /**< rewrite with l2[] and send out of port */
	PG_NH_LOCAL,         /**< addressed to us, arrived for port */
	PG_NH_UNRESOLVED,    /**< out of port, but no MAC known */
	PG_NH_NO_ROUTE,      /**< the lookup's miss value without a default route */
};

/** One next hop. 16 bytes: four share a cache line. */
struct pg_nexthop {
	uint8_t l2[12];      /**< destination MAC, then source (our port) MAC */
	uint16_t port;       /**< pktgate port index (not the ethdev id) */
	uint8_t type;        /**< enum pg_nh_type */
	uint8_t reserved;
} __rte_aligned(16);

enum pg_route_origin {
	PG_ROUTE_ORIGIN_LOCAL,
	PG_ROUTE_ORIGIN_CONNECTED,
	PG_ROUTE_ORIGIN_NEIGHBOR,
	PG_ROUTE_ORIGIN_STATIC,
};

/** A route as installed, for telemetry. */
struct pg_fib_route {
	uint32_t prefix;
	uint8_t len;
	uint8_t origin;      /**< enum pg_route_origin */
	uint16_t reserved;
	uint32_t nh;         /**< index into pg_fib.nh */
	uint32_t gw;         /**< gateway, 0 if none */
};

struct pg_fib {
	struct rte_fib *v4;             /**< prefix -> index into nh */
	struct pg_nexthop *nh;          /**< n_nh entries, on the workers' socket */
	uint32_t n_nh;
	struct pg_fib_route *routes;    /**< every installed prefix, in config order */
	uint32_t n_routes;
	uint32_t *nh_ip;                /**< next hop address per nh (0: none) */
	/** Next hop of 0.0.0.0/0, else the NO_ROUTE next hop: the default
	 * route is the lookup's miss value, so every lookup yields a valid
	 * index (one type test per packet). */
	uint32_t default_nh;
};

/** Port facts the table needs (index = pktgate port index). */
struct pg_fib_port {
	struct rte_ether_addr mac;
	uint32_t ip4;
	uint8_t ip4_len;
};

/**
 * Build the table from the config.
 *
 * @return the table, or NULL with @p err filled.
 */
struct pg_fib *pg_fib_create(const struct pg_conf *conf,
			     const struct pg_fib_port *ports, int socket,
			     char err[PG_CONF_ERR_LEN]);

void pg_fib_free(struct pg_fib *fib);

/** Exact lookup of an installed route by prefix; NULL if absent. */
const struct pg_fib_route *pg_fib_find(const struct pg_fib *fib,
				       uint32_t prefix, uint8_t len);

const char *pg_fib_origin_name(enum pg_route_origin origin);

/** Next hop index for @p ip (host order); control-plane and test use. */
uint32_t pg_fib_lookup(const struct pg_fib *fib, uint32_t ip);

#endif /* PG_FIB_H */
