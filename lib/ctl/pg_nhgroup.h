/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_NHGROUP_H
#define PG_NHGROUP_H

/**
 * @file
 * ECMP next-hop groups of either family (docs/decisions/0010-ecmp.md):
 * the table of groups that the IPv4 table (fib.c) and the IPv6 table
 * (fib6.c) each own one of. A route through a group points at a next hop
 * of type PG_NH_GROUP, which names the group. A group maps a flow hash onto
 * PG_FIB_GROUP_BUCKETS buckets, each naming one member's next-hop index
 * (resilient hashing: a member that goes moves only its own buckets), in
 * proportion to the members' weights.
 *
 * Group contents never change while a route points at them: a different
 * member set (or weights) is a different group, written before any route
 * names it, so both copies of a table share one group array.
 *
 * What is here knows nothing of addresses or next-hop tables: members are
 * next-hop indexes of the owning table, which keeps the references (the
 * group's next hop's count is the group's, the group holds one on each
 * member).
 */

#include <assert.h>
#include <stdint.h>

#define PG_FIB_GROUP_BUCKETS 64u
#define PG_FIB_GROUP_MAX_MEMBERS 32u
/** Largest member weight: NHA_GROUP and RTA_MULTIPATH carry weight - 1 in
 * a byte. */
#define PG_NHGROUP_MAX_WEIGHT 256u

/** One next-hop group as workers read it: bucket -> member. */
struct pg_nh_group {
	uint16_t nh[PG_FIB_GROUP_BUCKETS];    /**< member's next-hop index */
	uint8_t slot[PG_FIB_GROUP_BUCKETS];   /**< member's position (counters) */
};

/** The bucket of a flow hash: its top bits after a multiply, so neither the
 * NIC's RETA (low bits) nor the pipeline distributor (top bits of the
 * plain hash) leave a worker with only some of the buckets. */
static inline uint32_t
pg_fib_group_bucket(uint32_t hash)
{
	return (hash * 2654435761u) >> 26;
}

static_assert(PG_FIB_GROUP_BUCKETS == 64, "pg_fib_group_bucket() gives 6 bits");

/** Control-plane view of one next-hop group. */
struct pg_fib_group {
	uint32_t nh;             /**< its PG_NH_GROUP next hop (routes: nh_ref[nh]); 0: free */
	uint8_t n;               /**< members */
	uint16_t member[PG_FIB_GROUP_MAX_MEMBERS];  /**< next-hop indexes, ascending */
	uint16_t weight[PG_FIB_GROUP_MAX_MEMBERS];  /**< 1..PG_NHGROUP_MAX_WEIGHT */
	uint8_t buckets[PG_FIB_GROUP_MAX_MEMBERS];  /**< buckets each member got */
};

struct pg_nexthop;

/** The table that owns a group table: its next-hop references. */
struct pg_nhgroup_owner {
	void *table;
	const struct pg_nexthop *ctl_nh;    /**< the table's next hops (metadata) */
	uint32_t *nh_ref;                   /**< the table's reference counts */
	/** Give back one reference on next hop @p nh (frees a group at 0). */
	void (*ref_drop)(void *table, uint32_t nh);
	/** A new next hop @p e that nothing points at yet, with one reference
	 * held: its index, or a negative errno. */
	int (*nh_new)(void *table, const struct pg_nexthop *e);
};

/** The groups of one table. */
struct pg_nhgroups {
	struct pg_fib_group *groups;    /**< max_groups entries */
	struct pg_nh_group *grp;        /**< what workers read (both copies) */
	uint64_t *pkts;                 /**< [worker][group][member] packets */
	uint32_t max_groups;
	uint32_t max_members;
	uint32_t n_groups;              /**< in use */
	/** Set by the owner after pg_nhgroups_init() (pg_nhgroups_bind()). */
	struct pg_nhgroup_owner owner;
};

/** The owning table's side of @p t, once its next-hop arrays exist:
 * @p table is passed back to @p ref_drop and @p nh_new. */
void pg_nhgroups_bind(struct pg_nhgroups *t, void *table, const struct pg_nexthop *ctl_nh,
		      uint32_t *nh_ref, void (*ref_drop)(void *table, uint32_t nh),
		      int (*nh_new)(void *table, const struct pg_nexthop *e));

/** A member set being built: next-hop indexes and weights. */
struct pg_nhgroup_set {
	unsigned int n;
	uint32_t nh[PG_FIB_GROUP_MAX_MEMBERS];
	uint16_t weight[PG_FIB_GROUP_MAX_MEMBERS];
};

/**
 * The route value for member set @p s, one reference held on each member,
 * which the result takes over: one distinct next hop is itself; more are a
 * group, the existing one with the same members and weights (the member
 * references go back) or a new one whose buckets are seeded from route
 * value @p seed's group where it can (0 or no group: none). One reference
 * held on the result. Call under the owner's lock. -ENOSPC (references
 * given back) when no group is free.
 */
int pg_nhgroups_hold(struct pg_nhgroups *t, struct pg_nhgroup_set *s, uint32_t seed,
		     uint32_t *value);

/**
 * At a table's creation: the route value of a `vias:` route of @p n
 * gateways (one reference held): @p member gives gateway k's next hop
 * (made if new, no reference taken; negative when the table is full),
 * @p weights its weight (0: 1). Errors name the limit hit (@p nh_cap
 * next hops, max_group_members, max_groups) in @p err.
 */
int pg_nhgroups_conf_hold(struct pg_nhgroups *t,
			  int (*member)(void *table, unsigned int k, const void *arg),
			  const void *arg, const uint16_t *weights, unsigned int n,
			  uint32_t nh_cap, uint32_t *value, char *err);

/** The last route of group next hop @p nh went: the references on its
 * members go back and the group is free. */
void pg_nhgroups_put(struct pg_nhgroups *t, uint32_t nh);

/** The group of route value @p value (@p n_nh: next hops in use), or NULL
 * when it is no group. Metadata, under the owner's lock. */
const struct pg_fib_group *pg_nhgroups_of(const struct pg_nhgroups *t, uint32_t value,
					  uint32_t n_nh);

/** Allocate the tables (buckets on @p socket, counters for every worker
 * slot, calloc'd: only used pages are touched). -ENOMEM. */
int pg_nhgroups_init(struct pg_nhgroups *t, uint32_t max_groups, uint32_t max_members,
		     int socket);
void pg_nhgroups_fini(struct pg_nhgroups *t);

/** Next hops for a table of @p nh next hops when it has @p max_groups
 * groups rather than @p default_groups: each group takes one, so groups
 * beyond the default get room of their own. */
static inline uint32_t
pg_nhgroups_nh_room(uint32_t nh, uint32_t max_groups, uint32_t default_groups)
{
	return max_groups > default_groups ? nh + (max_groups - default_groups) : nh;
}

/** Counters of one worker slot, as workers index them. */
static inline uint32_t
pg_nhgroups_worker_stride(const struct pg_nhgroups *t)
{
	return t->max_groups * t->max_members;
}

/**
 * Sort @p s by next hop and fold duplicates (a gateway named twice counts
 * once, with its first weight). The next-hop indexes folded away are
 * written to @p dropped (their references are the caller's to give back).
 * Returns how many were folded.
 */
unsigned int pg_nhgroup_set_normalize(struct pg_nhgroup_set *s, uint32_t *dropped);

/** The group with exactly this (normalized) member set and weights, or -1. */
int pg_nhgroups_find(const struct pg_nhgroups *t, const struct pg_nhgroup_set *s);

/**
 * Take a free group for next hop @p nh with members @p s (normalized),
 * fill its buckets (seeded from group @p seed where it can, -1: none) and
 * zero its counters. Nothing may point at a free group: its buckets and
 * counters are written directly. Returns the group index, or -ENOSPC.
 */
int pg_nhgroups_add(struct pg_nhgroups *t, uint32_t nh, const struct pg_nhgroup_set *s,
		    int seed);

/** Group @p g's last route went: free again (its buckets stay until a new
 * group takes the index, after the change's grace period). */
void pg_nhgroups_del(struct pg_nhgroups *t, uint32_t g);

/**
 * Buckets per member in proportion to @p weight (largest remainder of
 * 64 * w / sum, ties to the earlier member; every member at least one,
 * taken from the member with the most): equal weights give 64/n, the
 * first 64 % n one more. Exposed for tests.
 */
void pg_nhgroup_shares(const uint16_t *weight, unsigned int n,
		       uint8_t quota[PG_FIB_GROUP_MAX_MEMBERS]);

/** Packets of member @p k of group @p g, summed over workers. */
uint64_t pg_nhgroups_packets(const struct pg_nhgroups *t, uint32_t g, unsigned int k);

/** The per-packet part (workers): the member next hop of group @p g for
 * flow hash @p hash, counted in worker @p worker's slot. */
static inline uint32_t
pg_nhgroup_member(const struct pg_nh_group *grp, uint64_t *pkts, uint32_t members,
		  uint32_t worker_stride, uint32_t worker, uint32_t g, uint32_t hash)
{
	const uint32_t b = pg_fib_group_bucket(hash);
	uint64_t *c = &pkts[(size_t)worker * worker_stride + g * members + grp[g].slot[b]];

	/* Only this worker writes its slot: no atomic add needed. */
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
	return grp[g].nh[b];
}

#endif /* PG_NHGROUP_H */
