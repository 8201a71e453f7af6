/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FIB_H
#define PG_FIB_H

/**
 * @file
 * The IPv4 forwarding table: rte_fib (DIR-24-8; chosen over rte_lpm by
 * measurement, docs/decisions/0004) whose next hops index a compact
 * next-hop array, changed at run time while workers forward.
 *
 * Design (docs/decisions/0002-fib-host-routes.md): every address the data
 * path must treat specially becomes a route, so one LPM lookup answers
 * everything for a packet:
 *   - our own addresses and subnet broadcasts: /32 -> LOCAL next hop;
 *   - each neighbor: /32 -> its gateway next hop, FORWARD with its MAC
 *     (a host route, as real routers install for resolved neighbors);
 *   - connected subnets and `port:` routes: -> UNRESOLVED next hop of that
 *     port (a destination there without a neighbor entry cannot be sent);
 *   - `via:` routes: the gateway's next hop, FORWARD once the gateway is a
 *     known neighbor, UNRESOLVED until then; one next hop per gateway, so
 *     learning a neighbor fixes every route through it at once.
 * Precedence for the same prefix: local > static (config, pktgate-ctl) >
 * routing daemon (FPM) > neighbor host route > connected subnet. A route that loses is kept and comes back when the
 * winner goes.
 *
 * Live changes (docs/decisions/0007-live-tables.md): the table workers
 * read exists twice (left-right). A change is applied to the copy no worker
 * reads, that copy is published with one pointer store, the control thread
 * waits for a grace period (rte_rcu_qsbr: every worker passed a quiescent
 * point, so none still holds the old copy), and then applies the same change
 * to the old copy. 22.11's rte_fib has no RCU hook of its own, and changing
 * a DIR-24-8 table in place can recycle a tbl8 group a reader is still
 * using; two copies cost memory (tbl24 is 32 MiB with 2-byte entries, 64
 * MiB with the 4-byte ones tables over 32767 tbl8 groups need, per copy)
 * and buy changes that are never seen half-done. A change that needs more
 * tbl8 groups than a copy has rebuilds that copy, while no worker reads it,
 * with more (so the two copies may differ in entry size for a moment, 2-
 * and 4-byte): a reader takes everything it reads, the rte_fib and its
 * layout included, from the one copy it loaded for the burst.
 *
 * Threads: workers call only pg_fib_active() and read what it returns. The
 * change functions run on one control thread. The route list and next-hop
 * metadata are read by other control-plane threads (telemetry) under
 * pg_fib_lock().
 */

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>

#include "pg_conf.h"
#include "pg_nhgroup.h"

struct rte_fib;
struct rte_rcu_qsbr;

enum pg_nh_type {
	PG_NH_FORWARD = 0,   /**< rewrite with l2[] and send out of port */
	PG_NH_LOCAL,         /**< addressed to us, arrived for port */
	PG_NH_UNRESOLVED,    /**< out of port, but no MAC known */
	PG_NH_NO_ROUTE,      /**< the lookup's miss value without a default route */
	/** ECMP: a next-hop group, l2[0..1] hold its index in grp[]; the
	 * worker picks a member by the flow's hash (docs/decisions/0010). */
	PG_NH_GROUP,
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
	PG_ROUTE_ORIGIN_FPM,       /**< from a routing daemon (FRR over FPM) */
};

/** A route as installed, for telemetry and the control socket. */
struct pg_fib_route {
	uint32_t prefix;
	uint8_t len;
	uint8_t origin;      /**< enum pg_route_origin */
	uint16_t reserved;
	uint32_t nh;         /**< next-hop index */
	uint32_t gw;         /**< gateway, 0 if none */
};

/* The group a PG_NH_GROUP next hop names. */
static inline uint32_t
pg_nexthop_group(const struct pg_nexthop *nh)
{
	uint16_t g;

	memcpy(&g, nh->l2, sizeof(g));
	return g;
}

/*
 * An UNRESOLVED next hop of a gateway carries the gateway's address (network
 * order) where the MAC would go, so that a worker can ask for it.
 */
static inline uint32_t
pg_nexthop_unresolved_ip(const struct pg_nexthop *nh)
{
	uint32_t ip;

	memcpy(&ip, nh->l2, sizeof(ip));
	return ip;
}

/** What workers read: one of the two copies. */
struct pg_fib_side {
	struct rte_fib *v4;             /**< prefix -> next-hop index or group */
	struct pg_nexthop *nh;          /**< nh_cap entries, on the workers' socket */
	/* v4's DIR-24-8 arrays for the inline lookup (pg_fib_lookup.h);
	 * nh_bytes 0: layout not recognised, use rte_fib_lookup_bulk. */
	const void *tbl24;
	const void *tbl8;
	uint8_t nh_bytes;               /**< 2 or 4: bytes per entry; 0: none */
	const struct pg_nh_group *grp;  /**< max_groups entries, shared by both copies */
	uint64_t *grp_pkts;             /**< [worker][group][member] packets */
	uint32_t grp_members;           /**< counters per group (max_group_members) */
	uint32_t grp_worker_stride;     /**< counters per worker */
};

/** Next-hop indexes with a fixed meaning. */
enum {
	PG_NH_IDX_DEFAULT = 0,   /**< the lookup's miss value: a copy of the default route's */
	PG_NH_IDX_NO_ROUTE = 1,
	PG_NH_IDX_PORTS = 2,     /**< then LOCAL and UNRESOLVED of each port */
};

#define PG_FIB_MAX_PORTS PG_CONF_MAX_PORTS

/** Port facts the table needs (index = pktgate port index). */
struct pg_fib_port {
	struct rte_ether_addr mac;
	uint32_t ip4;
	uint8_t ip4_len;
};

/** Sizes fixed at creation (both copies). */
struct pg_fib_limits {
	uint32_t max_routes;     /**< 0: twice the configured ones, at least 65536 */
	/** tbl8 groups at start (one per /24 holding routes longer than /24;
	 * rounded up to a multiple of 64); 0: 1.5 x the configured ones, at
	 * least 4096. A change that needs more makes the copies grow. */
	uint32_t max_tbl8;
	uint32_t tbl8_limit;     /**< growth stops here; 0: max(max_tbl8, 131072) */
	uint32_t max_nexthops;   /**< 0: 4096; at most 32767 (2-byte entries); groups use one each */
	uint32_t max_groups;     /**< ECMP next-hop groups; 0: 1024; at most 32767 */
	uint32_t max_group_members; /**< 0: 16; at most PG_FIB_GROUP_MAX_MEMBERS */
};

struct pg_fib {
	/** The copy workers read; changed with a release store. */
	const struct pg_fib_side *active;
	struct pg_fib_side side[2];
	struct rte_rcu_qsbr *rcu;       /**< NULL: no concurrent readers (tests) */
	pthread_mutex_t lock;           /**< metadata vs other control threads */

	/* Control-plane metadata, the truth both copies follow. */
	struct pg_nexthop *ctl_nh;      /**< what every copy's nh[] holds */
	uint32_t *nh_ip;                /**< gateway/neighbor address per nh (0: none) */
	uint32_t *nh_ref;               /**< routes (and a neighbor) using each nh */
	uint8_t *nh_neigh;              /**< a neighbor (MAC known): enum pg_fib_neigh_kind */
	uint32_t n_nh;                  /**< indexes in use are below this */
	uint32_t nh_cap;
	uint32_t default_nh;            /**< the default route's nh, else NO_ROUTE */
	struct pg_nhgroups groups;      /**< ECMP groups; both copies' grp point here */
	struct pg_fib_route *routes;    /**< installed winners, sorted by (prefix, len) */
	uint32_t n_routes;
	uint32_t routes_cap;
	struct pg_fib_route *shadow;    /**< candidates that lost to a winner */
	uint32_t n_shadow;
	uint32_t shadow_cap;
	uint32_t max_routes;
	uint32_t n_neighbors;
	uint64_t changes;               /**< committed changes, for telemetry */
	/* tbl8 room: a change that needs more groups rebuilds the copy no
	 * worker reads with more, the other one after the publish. */
	uint32_t n_tbl8;                /**< groups a copy is built with now */
	uint32_t max_tbl8;              /**< what n_tbl8 may grow to */
	uint32_t side_tbl8[2];          /**< groups of each copy; 0: left behind
					 *   (rebuilt at the next change) */
	uint64_t tbl8_rebuilds;         /**< copies rebuilt (grown, caught up) */
	int socket;
	unsigned int n_ports;
	struct pg_fib_port ports[PG_FIB_MAX_PORTS];
};

/**
 * Build the table from the config (both copies).
 *
 * @return the table, or NULL with @p err filled.
 */
struct pg_fib *pg_fib_create(const struct pg_conf *conf,
			     const struct pg_fib_port *ports,
			     const struct pg_fib_limits *limits, int socket,
			     char err[PG_CONF_ERR_LEN]);

void pg_fib_free(struct pg_fib *fib);

/**
 * Readers to wait for after each change (workers register with it and
 * report quiescent states). Without one, changes assume no reader runs.
 */
void pg_fib_set_rcu(struct pg_fib *fib, struct rte_rcu_qsbr *rcu);

/** The copy to read, for one burst. */
static inline const struct pg_fib_side *
pg_fib_active(const struct pg_fib *fib)
{
	return __atomic_load_n(&fib->active, __ATOMIC_ACQUIRE);
}

/**
 * Add or replace a static route: out of @p port via @p gw (0: directly,
 * the destination is the next hop). The port of a gateway is the port
 * whose subnet holds it when @p port is negative.
 * @return 0, or a negative errno with @p err naming the problem; the
 *   table is unchanged then.
 */
int pg_fib_route_add(struct pg_fib *fib, uint32_t prefix, uint8_t len,
		     uint32_t gw, int port, char err[PG_CONF_ERR_LEN]);

/** pg_fib_route_add() for @p origin: PG_ROUTE_ORIGIN_STATIC or _FPM. A
 * route that loses to another origin's is kept and wins when that goes. */
int pg_fib_route_add_origin(struct pg_fib *fib, enum pg_route_origin origin,
			    uint32_t prefix, uint8_t len, uint32_t gw, int port,
			    char err[PG_CONF_ERR_LEN]);

/** One static route of a bulk load. */
struct pg_fib_route_spec {
	uint32_t prefix;
	uint8_t len;
	int16_t port;        /**< -1: the gateway's port */
	uint32_t gw;         /**< 0: directly out of port */
	uint32_t group;      /**< nonzero: a held group's value (gw, port unused) */
	uint32_t line;       /**< where it came from, for errors */
};

/**
 * Add or replace many static routes as one change: all of them or none
 * (the first bad one is named by its line). For loading full tables: one
 * sort and one merge instead of a search and insert per route. @p v is
 * sorted in place; for a prefix given twice the later line wins.
 */
int pg_fib_route_add_bulk(struct pg_fib *fib, enum pg_route_origin origin,
			  struct pg_fib_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN]);

/**
 * Remove the routes of @p origin for many prefixes as one change (prefix
 * and len of each spec; @p v is sorted in place): all of them or none,
 * -ENOENT naming the line of a prefix without such a route. One grace
 * period and one pass over the route list, for a routing daemon's stale
 * routes after a resync.
 */
int pg_fib_route_del_bulk(struct pg_fib *fib, enum pg_route_origin origin,
			  struct pg_fib_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN]);

/** Remove a static route. -ENOENT if there is none for the prefix. */
int pg_fib_route_del(struct pg_fib *fib, uint32_t prefix, uint8_t len,
		     char err[PG_CONF_ERR_LEN]);

/** Remove the route of @p origin for the prefix. */
int pg_fib_route_del_origin(struct pg_fib *fib, enum pg_route_origin origin,
			    uint32_t prefix, uint8_t len, char err[PG_CONF_ERR_LEN]);

enum pg_fib_neigh_kind {
	PG_FIB_NEIGH_NONE = 0,
	PG_FIB_NEIGH_STATIC,    /**< configured (file, pktgate-ctl) */
	PG_FIB_NEIGH_DYNAMIC,   /**< learned by ARP */
};

/**
 * Add or update a neighbor: packets for @p ip and for routes through it go
 * out with @p mac. The port is the one whose subnet holds @p ip when
 * @p port is negative. A learned (@p kind DYNAMIC) entry never replaces a
 * static one (-EEXIST); a static one replaces a learned one.
 */
int pg_fib_neigh_set(struct pg_fib *fib, uint32_t ip, const uint8_t mac[6],
		     int port, enum pg_fib_neigh_kind kind, char err[PG_CONF_ERR_LEN]);

/** What the table holds for neighbor @p ip (NONE: no MAC known). */
enum pg_fib_neigh_kind pg_fib_neigh_kind(const struct pg_fib *fib, uint32_t ip);

/** Forget a neighbor: routes through it become unresolved. */
int pg_fib_neigh_del(struct pg_fib *fib, uint32_t ip, char err[PG_CONF_ERR_LEN]);

/**
 * ECMP: hold the next-hop group of gateways @p gws (1..max_group_members;
 * duplicates count once, with their first weight) weighted by @p weights
 * (1..PG_NHGROUP_MAX_WEIGHT; NULL: all equal) for routes to name:
 * *@p value is the group's route value (or a plain next hop for one
 * gateway). Routes with the same member set and weights share one group. A new group takes its buckets from @p seed
 * (the next hop the route had, 0 for none) where it can, so that flows of
 * members that stay keep their member. Call pg_fib_group_release() once
 * the routes are in (they hold their own references).
 */
int pg_fib_group_hold(struct pg_fib *fib, const uint32_t *gws, const uint16_t *weights,
		      unsigned int n, uint32_t seed, uint32_t *value, char err[PG_CONF_ERR_LEN]);
void pg_fib_group_release(struct pg_fib *fib, uint32_t value);

/**
 * Add or replace the route of @p origin through @p n gateways (ECMP when
 * there are several distinct ones; n == 1 is pg_fib_route_add_origin()),
 * weighted by @p weights (NULL: equal).
 */
int pg_fib_route_add_multi(struct pg_fib *fib, enum pg_route_origin origin,
			   uint32_t prefix, uint8_t len, const uint32_t *gws,
			   const uint16_t *weights, unsigned int n, char err[PG_CONF_ERR_LEN]);

/** Add or replace the route of @p origin with @p value (a held group's,
 * pg_fib_group_hold()); the route takes its own reference. */
int pg_fib_route_add_group(struct pg_fib *fib, enum pg_route_origin origin,
			   uint32_t prefix, uint8_t len, uint32_t value,
			   char err[PG_CONF_ERR_LEN]);

/** The seed for pg_fib_group_hold(): the value of the installed route of
 * @p origin for the prefix (its buckets are kept where they can), or 0. */
uint32_t pg_fib_route_seed(const struct pg_fib *fib, enum pg_route_origin origin,
			   uint32_t prefix, uint8_t len);

/** Is @p nh (a route's next hop) a next-hop group? Metadata. */
static inline bool
pg_fib_is_group(const struct pg_fib *fib, uint32_t nh)
{
	return fib->ctl_nh[nh].type == PG_NH_GROUP;
}

/** Members of the group in route value @p value (metadata, under the
 * lock): next-hop indexes, and each one's packets summed over workers. */
unsigned int pg_fib_group_members(const struct pg_fib *fib, uint32_t value,
				  uint32_t *nh, uint64_t *packets);

/** The group of route value @p value (metadata, under the lock): members,
 * weights, buckets; NULL if @p value is no group. */
const struct pg_fib_group *pg_fib_group_of(const struct pg_fib *fib, uint32_t value);

/** Metadata lock for readers on other control threads (telemetry). */
void pg_fib_lock(const struct pg_fib *fib);
void pg_fib_unlock(const struct pg_fib *fib);

/** Exact lookup of an installed route by prefix; NULL if absent. */
const struct pg_fib_route *pg_fib_find(const struct pg_fib *fib,
				       uint32_t prefix, uint8_t len);

const char *pg_fib_origin_name(enum pg_route_origin origin);

/** Next-hop index for @p ip (host order) in the active copy. */
uint32_t pg_fib_lookup(const struct pg_fib *fib, uint32_t ip);

/** Port whose connected subnet holds @p ip, or -1. */
int pg_fib_port_of(const struct pg_fib *fib, uint32_t ip);

#endif /* PG_FIB_H */
