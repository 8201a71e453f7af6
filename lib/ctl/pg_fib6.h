/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FIB6_H
#define PG_FIB6_H

/**
 * @file
 * The IPv6 forwarding table: one rte_fib6 (TRIE; chosen over rte_lpm6 by
 * measurement, docs/decisions/0005) whose next hops index an array of the
 * same struct pg_nexthop as IPv4, with the design of docs/decisions/0002:
 *   - our addresses (global and link-local) are /128 LOCAL routes;
 *   - each global neighbor is a /128 FORWARD host route (link-local
 *     neighbors get a next hop but no route: fe80:: is never routed);
 *   - connected prefixes and `port:` routes: -> UNRESOLVED of that port;
 *   - `via:` routes: the gateway neighbor's FORWARD next hop, else the
 *     port's UNRESOLVED one.
 * Precedence for one prefix: local > configured route > neighbor > connected.
 *
 * Kept apart from struct pg_fib (IPv4) on purpose: that one is being
 * reworked for live updates, this one joins the same scheme afterwards.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "pg_conf.h"
#include "pg_fib.h"

struct rte_fib6;

/** What the data path needs of a port's IPv6 side. */
struct pg_fib6_port {
	bool enabled;              /**< `ipv6:` configured on the port */
	uint8_t global[16];        /**< our global address */
	uint8_t ll[16];            /**< our link-local address (from the MAC) */
	/** Low 24 bits of the solicited-node groups we listen to (RFC 4291
	 * 2.7.1): [0] for global, [1] for link-local. */
	uint8_t sn[2][3];
};

/** A route as installed, for telemetry. */
struct pg_fib6_route {
	uint8_t prefix[16];
	uint8_t len;
	uint8_t origin;            /**< enum pg_route_origin */
	uint16_t reserved;
	uint32_t nh;               /**< index into pg_fib6.nh */
	uint8_t gw[16];            /**< gateway; all zero if none */
};

struct pg_fib6 {
	struct rte_fib6 *v6;              /**< prefix -> index into nh */
	struct pg_nexthop *nh;            /**< n_nh entries, on the workers' socket */
	uint32_t n_nh;
	uint8_t (*nh_ip)[16];             /**< next hop address per nh (zero: none) */
	struct pg_fib6_route *routes;     /**< sorted by (prefix, len), unique */
	uint32_t n_routes;
	uint32_t default_nh;              /**< ::/0's next hop, else NO_ROUTE */
	unsigned int n_ports;
	struct pg_fib6_port port[PG_CONF_MAX_PORTS];
};

/** True when some port of @p conf has IPv6 on (else no table is built). */
bool pg_fib6_wanted(const struct pg_conf *conf);

/**
 * Build the table from the config and the ports' MAC addresses (index =
 * pktgate port index).
 *
 * @return the table, or NULL with @p err filled.
 */
struct pg_fib6 *pg_fib6_create(const struct pg_conf *conf,
			       const struct rte_ether_addr *macs, int socket,
			       char err[PG_CONF_ERR_LEN]);

void pg_fib6_free(struct pg_fib6 *fib);

/** Exact lookup of an installed route; NULL if absent. */
const struct pg_fib6_route *pg_fib6_find(const struct pg_fib6 *fib,
					 const uint8_t prefix[16], uint8_t len);

/** Next hop index for @p ip; control-plane and test use. */
uint32_t pg_fib6_lookup(const struct pg_fib6 *fib, const uint8_t ip[16]);

#endif /* PG_FIB6_H */
