/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_NEIGH_TABLE_H
#define PG_NEIGH_TABLE_H

/**
 * @file
 * The entries of a resolver, shared by ARP (neigh.c) and ND (neigh6.c):
 * the index, what to do with a RESOLVE or SEEN event, the per-entry
 * probe/expire step and the telemetry reads. What differs between the two
 * comes in through struct pg_neigh_ops: whether an address may be learned,
 * the request frame, and the forwarding table that gets the result.
 *
 * Not thread safe by itself: the resolvers hold pg_neigh_table.lock around
 * every call (the control thread polls, telemetry reads).
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg_neigh.h"

struct rte_hash;
struct rte_mbuf;
struct rte_mempool;
struct rte_ring;

/** The hash key of an entry (zero it before filling: ND hashes all 20 bytes). */
union pg_neigh_key {
	uint32_t ip4;               /**< ARP: the address, host order (4-byte key) */
	struct {
		uint8_t ip[16];
		uint16_t port;      /**< link-local addresses repeat per port */
		uint16_t zero;
	} ip6;                      /**< ND: 20-byte key */
};

struct pg_neigh_entry {
	union pg_neigh_key k;
	uint16_t port;
	uint8_t mac[6];             /**< last learned */
	struct pg_neigh_timer t;
};

/** What the ARP and ND resolvers do differently. */
struct pg_neigh_ops {
	/** Ours to learn: on @p port's link, not configured, not us. */
	bool (*may_learn)(void *ctx, const union pg_neigh_key *k, uint16_t port);
	/** Write the request for @p e into @p m (empty): to everyone, or
	 * unicast to e->mac when re-checking a reachable entry. */
	void (*build_request)(void *ctx, const struct pg_neigh_entry *e, bool unicast,
			      struct rte_mbuf *m);
	/** Put @p mac for @p e into the forwarding table as a dynamic
	 * neighbor; on failure log why and return -1 (the entry is dropped). */
	int (*install)(void *ctx, const struct pg_neigh_entry *e, const uint8_t mac[6]);
	/** @p e stopped answering: take it out of the forwarding table if it
	 * is still the dynamic neighbor there. */
	void (*expire)(void *ctx, const struct pg_neigh_entry *e);
	/** Read a worker's event (an element of the event rings). */
	void (*decode)(const void *ev, union pg_neigh_key *k, uint16_t *port, uint8_t *kind,
		       const uint8_t **mac);
};

struct pg_neigh_table {
	const struct pg_neigh_ops *ops;
	void *ctx;                     /**< the resolver, for ops */
	struct pg_neigh_params p;
	struct rte_mempool *pool;      /**< for requests */
	struct rte_ring *inject;       /**< requests to send */
	unsigned int n_rings;
	struct rte_ring **events;      /**< one per worker */
	unsigned int event_size;       /**< bytes of one ring element */
	struct rte_hash *index;        /**< key -> position in entries[] */
	struct pg_neigh_entry *entries;
	pthread_mutex_t lock;          /**< control thread vs telemetry */
	struct pg_neigh_counters c;
};

/** What pg_neigh_table_init() needs besides ops and ctx. */
struct pg_neigh_table_params {
	const char *tag;               /**< ring and hash names: tag + "ev", "idx" */
	unsigned int instance;         /**< makes the names unique */
	uint32_t key_len;              /**< bytes of union pg_neigh_key hashed */
	unsigned int n_rings;          /**< event rings: one per worker */
	unsigned int event_size;
	struct rte_mempool *pool;
	struct rte_ring *inject;
	int socket;
};

/** Set up @p t (zeroed); 0, or -1 (pg_neigh_table_fini() cleans up). */
int pg_neigh_table_init(struct pg_neigh_table *t, const struct pg_neigh_table_params *tp,
			const struct pg_neigh_params *params, const struct pg_neigh_ops *ops,
			void *ctx);
/** Frees what init made (not the inject ring). */
void pg_neigh_table_fini(struct pg_neigh_table *t);

/** Control thread, every tick: read events, send requests, age entries. */
void pg_neigh_table_poll(struct pg_neigh_table *t, double now);

/** Telemetry: takes the lock itself. */
bool pg_neigh_table_state_of(struct pg_neigh_table *t, const union pg_neigh_key *k,
			     enum pg_neigh_state *st);
void pg_neigh_table_counters(struct pg_neigh_table *t, struct pg_neigh_counters *out,
			     unsigned int *incomplete);

#endif /* PG_NEIGH_TABLE_H */
