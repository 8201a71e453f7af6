/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FIB6_H
#define PG_FIB6_H

/**
 * @file
 * The IPv6 forwarding table: rte_fib6 (TRIE; chosen over rte_lpm6 by
 * measurement, docs/decisions/0005) whose next hops index an array of the
 * same struct pg_nexthop as IPv4, with the design of docs/decisions/0002:
 *   - our addresses (global and link-local) are /128 LOCAL routes;
 *   - each global neighbor is a /128 FORWARD host route (link-local
 *     neighbors get a next hop but no route: fe80:: is never routed);
 *   - connected prefixes and `port:` routes: -> UNRESOLVED of that port;
 *   - `via:` routes: the gateway's next hop, FORWARD once the gateway is a
 *     known neighbor, UNRESOLVED until then; one next hop per gateway (and
 *     port, for link-local gateways);
 *   - routes over several gateways: a PG_NH_GROUP next hop naming a group
 *     of the table's own struct pg_nhgroups (pg_nhgroup.h, ECMP and
 *     weights as for IPv4, docs/decisions/0010).
 * Precedence for one prefix: local > static > fpm > neighbor > connected;
 * a route that loses is kept and comes back when the winner goes.
 *
 * Live changes follow the IPv4 table (pg_fib.h, docs/decisions/0007 and
 * 0011): two copies, a change is planned as steps from the metadata,
 * applied to the copy no worker reads (undone there if one fails),
 * committed to the metadata, published with one release store, and after
 * rte_rcu_qsbr_synchronize() applied to the old copy.
 *
 * An UNRESOLVED next hop of a gateway cannot carry the 16-byte address in
 * its 12 l2 bytes: each copy keeps the gateways' addresses in a parallel
 * array (gw[]), read by workers only for packets they cannot send.
 *
 * Threads: workers call only pg_fib6_active() and read what it returns;
 * the change functions run on one control thread; telemetry reads the
 * metadata under pg_fib6_lock().
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "pg_conf.h"
#include "pg_fib.h"

struct rte_fib6;
struct rte_rcu_qsbr;

/** What the data path needs of a port's IPv6 side. */
struct pg_fib6_port {
	bool enabled;              /**< `ipv6:` configured on the port */
	uint8_t global[16];        /**< our global address */
	uint8_t global_len;        /**< its connected prefix length */
	uint8_t ll[16];            /**< our link-local address (from the MAC) */
	/** Low 24 bits of the solicited-node groups we listen to (RFC 4291
	 * 2.7.1): [0] for global, [1] for link-local. */
	uint8_t sn[2][3];
	struct rte_ether_addr mac;
};

/** A route as installed, for telemetry and the control socket. */
struct pg_fib6_route {
	uint8_t prefix[16];
	uint8_t len;
	uint8_t origin;            /**< enum pg_route_origin */
	uint16_t reserved;
	uint32_t nh;               /**< next-hop index */
	uint8_t gw[16];            /**< gateway; all zero if none */
};

/** What workers read: one of the two copies. */
struct pg_fib6_side {
	struct rte_fib6 *v6;              /**< prefix -> next-hop index */
	struct pg_nexthop *nh;            /**< nh_cap entries */
	uint8_t (*gw)[16];                /**< UNRESOLVED gateway's address, else zero */
	/* ECMP groups, as in struct pg_fib_side. */
	const struct pg_nh_group *grp;    /**< shared by both copies */
	uint64_t *grp_pkts;               /**< [worker][group][member] packets */
	uint32_t grp_members;             /**< counters per group */
	uint32_t grp_worker_stride;       /**< counters per worker */
};

struct pg_fib6 {
	/** The copy workers read; changed with a release store. */
	const struct pg_fib6_side *active;
	struct pg_fib6_side side[2];
	struct rte_rcu_qsbr *rcu;         /**< NULL: no concurrent readers (tests) */
	pthread_mutex_t lock;             /**< metadata vs other control threads */

	/* Control-plane metadata, the truth both copies follow. */
	struct pg_nexthop *ctl_nh;        /**< what every copy's nh[] holds */
	uint8_t (*nh_ip)[16];             /**< gateway/neighbor/local address per nh */
	uint32_t *nh_ref;                 /**< routes using each nh */
	uint8_t *nh_neigh;                /**< enum pg_fib_neigh_kind */
	uint32_t n_nh;                    /**< indexes in use are below this */
	uint32_t nh_cap;
	uint32_t default_nh;              /**< ::/0's next hop, else NO_ROUTE */
	struct pg_nhgroups groups;        /**< ECMP groups; both copies' grp point here */
	struct pg_fib6_route *routes;     /**< installed winners, sorted by (prefix, len) */
	uint32_t n_routes;
	struct pg_fib6_route *shadow;     /**< candidates that lost to a winner */
	uint32_t n_shadow;
	uint32_t max_routes;
	uint32_t n_neighbors;
	uint64_t changes;                 /**< committed changes, for telemetry */
	uint64_t rebuilds;                /**< copies rebuilt (fib6.c side_rebuild()) */
	uint32_t n_tbl8;                  /**< TRIE tbl8 groups per copy */
	uint32_t max_tbl8;                /**< what n_tbl8 may grow to (full tables) */
	int socket;
	unsigned int n_ports;
	struct pg_fib6_port port[PG_CONF_MAX_PORTS];
};

/** True when some port of @p conf has IPv6 on (else no table is built). */
bool pg_fib6_wanted(const struct pg_conf *conf);

/**
 * Build the table from the config and the ports' MAC addresses (index =
 * pktgate port index), both copies.
 *
 * @return the table, or NULL with @p err filled.
 */
struct pg_fib6 *pg_fib6_create(const struct pg_conf *conf,
			       const struct rte_ether_addr *macs, int socket,
			       char err[PG_CONF_ERR_LEN]);

void pg_fib6_free(struct pg_fib6 *fib);

/** Readers to wait for after each change (see pg_fib_set_rcu()). */
void pg_fib6_set_rcu(struct pg_fib6 *fib, struct rte_rcu_qsbr *rcu);

/** The copy to read, for one burst. */
static inline const struct pg_fib6_side *
pg_fib6_active(const struct pg_fib6 *fib)
{
	return __atomic_load_n(&fib->active, __ATOMIC_ACQUIRE);
}

/**
 * Add or replace the route of @p origin (STATIC or FPM) for a prefix: via
 * @p gw (NULL: directly out of @p port). A global gateway's port is the
 * one whose prefix holds it; a link-local gateway needs @p port.
 * @return 0, or a negative errno with @p err naming the problem; the
 *   table is unchanged then.
 */
int pg_fib6_route_add_origin(struct pg_fib6 *fib, enum pg_route_origin origin,
			     const uint8_t prefix[16], uint8_t len, const uint8_t *gw,
			     int port, char err[PG_CONF_ERR_LEN]);

/** Remove the route of @p origin for a prefix; -ENOENT if there is none. */
int pg_fib6_route_del_origin(struct pg_fib6 *fib, enum pg_route_origin origin,
			     const uint8_t prefix[16], uint8_t len,
			     char err[PG_CONF_ERR_LEN]);

/** One route of a bulk change. */
struct pg_fib6_route_spec {
	uint8_t prefix[16];
	uint8_t len;
	uint8_t has_gw;
	int16_t port;        /**< -1: the gateway's port */
	uint8_t gw[16];
	uint32_t group;      /**< nonzero: a held group's value (gw, port unused) */
	uint32_t line;       /**< where it came from, for errors */
};

/**
 * Add or replace many routes of @p origin as one change: all or none (the
 * first bad one named by its line). @p v is sorted in place; for a prefix
 * given twice the later line wins.
 */
int pg_fib6_route_add_bulk(struct pg_fib6 *fib, enum pg_route_origin origin,
			   struct pg_fib6_route_spec *v, uint32_t n,
			   char err[PG_CONF_ERR_LEN]);

/** The checks pg_fib6_route_add_bulk() makes of one spec (its prefix is
 * masked and its port filled in), without changing anything. */
int pg_fib6_route_check(const struct pg_fib6 *fib, struct pg_fib6_route_spec *r,
			char err[PG_CONF_ERR_LEN]);

/** Remove the routes of @p origin for many prefixes as one change. */
int pg_fib6_route_del_bulk(struct pg_fib6 *fib, enum pg_route_origin origin,
			   struct pg_fib6_route_spec *v, uint32_t n,
			   char err[PG_CONF_ERR_LEN]);

/**
 * Add or update a neighbor (pg_fib_neigh_set() for IPv6). A global
 * address's port is the one whose prefix holds it (@p port -1); a
 * link-local one needs @p port.
 */
int pg_fib6_neigh_set(struct pg_fib6 *fib, const uint8_t ip[16], const uint8_t mac[6],
		      int port, enum pg_fib_neigh_kind kind, char err[PG_CONF_ERR_LEN]);

/** Forget a neighbor: routes through it become unresolved. */
int pg_fib6_neigh_del(struct pg_fib6 *fib, const uint8_t ip[16], int port,
		      char err[PG_CONF_ERR_LEN]);

/** What the table holds for neighbor @p ip on @p port (-1: its prefix's). */
enum pg_fib_neigh_kind pg_fib6_neigh_kind(const struct pg_fib6 *fib,
					  const uint8_t ip[16], int port);

/** One gateway of an ECMP route: a link-local one needs its port. */
struct pg_fib6_gw {
	uint8_t ip[16];
	int16_t port;        /**< -1: the port whose prefix holds ip */
	uint16_t weight;     /**< 1..PG_NHGROUP_MAX_WEIGHT; 0: 1 */
};

/**
 * ECMP (pg_fib_group_hold() for IPv6): hold the group of gateways @p gws
 * (1..max_group_members; a gateway named twice counts once) for routes to
 * name; *@p value is the route value (a plain next hop for one gateway).
 * @p seed: the route's value before (pg_fib6_route_seed()), 0: none.
 * Give it back with pg_fib6_group_release() once the routes are in.
 */
int pg_fib6_group_hold(struct pg_fib6 *fib, const struct pg_fib6_gw *gws, unsigned int n,
		       uint32_t seed, uint32_t *value, char err[PG_CONF_ERR_LEN]);
void pg_fib6_group_release(struct pg_fib6 *fib, uint32_t value);

/** The value of the installed route of @p origin for the prefix, or 0. */
uint32_t pg_fib6_route_seed(const struct pg_fib6 *fib, enum pg_route_origin origin,
			    const uint8_t prefix[16], uint8_t len);

/** Add or replace the route of @p origin through @p n gateways (ECMP when
 * there are several distinct ones). */
int pg_fib6_route_add_multi(struct pg_fib6 *fib, enum pg_route_origin origin,
			    const uint8_t prefix[16], uint8_t len,
			    const struct pg_fib6_gw *gws, unsigned int n,
			    char err[PG_CONF_ERR_LEN]);

/** Is @p nh (a route's next hop) a next-hop group? Metadata. */
static inline bool
pg_fib6_is_group(const struct pg_fib6 *fib, uint32_t nh)
{
	return fib->ctl_nh[nh].type == PG_NH_GROUP;
}

/** The group of route value @p value (metadata, under the lock), or NULL. */
const struct pg_fib_group *pg_fib6_group_of(const struct pg_fib6 *fib, uint32_t value);

/** Port whose prefix holds global @p ip, or -1 (link-local: always -1). */
int pg_fib6_port_of(const struct pg_fib6 *fib, const uint8_t ip[16]);

/** Metadata lock for readers on other control threads (telemetry). */
void pg_fib6_lock(const struct pg_fib6 *fib);
void pg_fib6_unlock(const struct pg_fib6 *fib);

/** Exact lookup of an installed route; NULL if absent. */
const struct pg_fib6_route *pg_fib6_find(const struct pg_fib6 *fib,
					 const uint8_t prefix[16], uint8_t len);

/** Next hop index for @p ip in the active copy; control-plane and test use. */
uint32_t pg_fib6_lookup(const struct pg_fib6 *fib, const uint8_t ip[16]);

static inline bool
pg_fib6_is_link_local(const uint8_t ip[16])
{
	return ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
}

#endif /* PG_FIB6_H */
