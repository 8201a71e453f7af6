/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_NEIGH_H
#define PG_NEIGH_H

/**
 * @file
 * Dynamic neighbors (ARP): next hops nobody configured are learned.
 *
 * Workers never resolve anything themselves and never wait. A packet whose
 * next hop has no MAC is dropped (`no_neighbor`, as VPP does; no queue of
 * held packets to bound and age) and the worker posts a RESOLVE event on
 * its own ring to the control thread, at most once per address per
 * PG_NEIGH_MISS_HOLD_MS. ARP replies for our addresses, and the sender of
 * ARP requests for them, come back as SEEN events. The control thread
 * (pg_neigh_poll, every tick) sends ARP requests through a ring to one
 * forwarding worker, which puts them on its TX queue, and installs what it
 * learns with pg_fib_neigh_set(): one change fixes every route through
 * that neighbor.
 *
 * Entries: INCOMPLETE (requests sent, up to `probes`, one per retry
 * interval) -> REACHABLE on a reply -> after `reachable_s`, PROBE (unicast
 * requests) -> REACHABLE again, or deleted from the table after `probes`
 * unanswered ones. An INCOMPLETE entry nobody answers becomes FAILED and is
 * not asked for again for `failed_hold_s`. Learned are the addresses we
 * asked for, and the senders of ARP requests for our addresses (RFC 826's
 * merge: whoever asks for us is about to talk to us); an unsolicited ARP
 * reply creates nothing. Static neighbors are never touched.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pg_fib.h"

struct rte_mempool;
struct rte_ring;

/** A worker's note to the control thread (16 bytes, an rte_ring element). */
struct pg_neigh_event {
	uint32_t ip;          /**< host order */
	uint16_t port;        /**< pktgate port index */
	uint8_t kind;         /**< enum pg_neigh_event_kind */
	uint8_t reserved;
	uint8_t mac[6];       /**< SEEN: the sender's MAC */
	uint8_t pad[2];
};

enum pg_neigh_event_kind {
	PG_NEIGH_EV_RESOLVE = 1,   /**< a packet needed @p ip's MAC */
	PG_NEIGH_EV_SEEN,          /**< @p ip is at @p mac (an ARP reply to us) */
	PG_NEIGH_EV_ASKED_US,      /**< @p ip at @p mac sent an ARP request for us */
};

/** Worker side: a RESOLVE for the same address at most this often. */
#define PG_NEIGH_MISS_HOLD_MS 100
#define PG_NEIGH_RING_SIZE 1024

struct pg_neigh_params {
	double reachable_s;       /**< default 300 */
	double retry_s;           /**< default 1 */
	unsigned int probes;      /**< default 3 */
	double failed_hold_s;     /**< default 20 */
	unsigned int max_entries; /**< default 4096 */
};

/** @p in (may be NULL) with its zero fields set to the defaults, into @p p. */
void pg_neigh_params_defaults(struct pg_neigh_params *p, const struct pg_neigh_params *in);

enum pg_neigh_state {
	PG_NEIGH_INCOMPLETE,
	PG_NEIGH_REACHABLE,
	PG_NEIGH_PROBE,
	PG_NEIGH_FAILED,
};

struct pg_neigh_counters {
	uint64_t requests;        /**< ARP requests sent */
	uint64_t learned;         /**< entries that became reachable */
	uint64_t expired;         /**< reachable entries that stopped answering */
	uint64_t failed;          /**< addresses that never answered */
	uint64_t events;          /**< events read from workers */
	uint64_t inject_full;     /**< requests not sent: the ring was full */
	uint64_t table_full;      /**< RESOLVE ignored: max_entries reached */
};

/* ---- shared by the ARP (neigh.c) and ND (neigh6.c) resolvers ---------------- */

/** One entry's state and timers. */
struct pg_neigh_timer {
	uint8_t state;           /**< enum pg_neigh_state */
	uint8_t probes;          /**< requests sent in this state */
	double deadline;         /**< next request, or when REACHABLE ends */
	double failed_until;
};

/** What an entry's timers ask of its resolver. */
enum pg_neigh_action {
	PG_NEIGH_ACT_NONE,
	PG_NEIGH_ACT_ASK,            /**< send a request to everyone on the link */
	PG_NEIGH_ACT_ASK_UNICAST,    /**< re-check at the MAC known */
	PG_NEIGH_ACT_EXPIRED,        /**< stopped answering: out of the table, forget */
	PG_NEIGH_ACT_FORGET,         /**< a failed address's hold is over */
};

/** A packet needs the address: ASK for a new (zeroed) or re-tried entry. */
enum pg_neigh_action pg_neigh_timer_resolve(struct pg_neigh_timer *t,
					    const struct pg_neigh_params *p,
					    double now, bool is_new);

/** An answer came: REACHABLE for reachable_s. True when it was not
 * reachable or being re-checked (newly learned). */
bool pg_neigh_timer_answered(struct pg_neigh_timer *t, const struct pg_neigh_params *p,
			     double now);

/** The timers at @p now (failed and expired ones counted in @p c). */
enum pg_neigh_action pg_neigh_timer_age(struct pg_neigh_timer *t,
					const struct pg_neigh_params *p, double now,
					struct pg_neigh_counters *c);

/** @p n SP/SC event rings of @p elem-byte elements named @p tag%u_%u
 * (instance, index); NULL on failure (none left behind). */
struct rte_ring **pg_neigh_rings_create(const char *tag, unsigned int instance,
					unsigned int n, unsigned int elem, int socket);
void pg_neigh_rings_free(struct rte_ring **rings, unsigned int n);

struct pg_neigh;

/**
 * @param n_workers  event rings to create (one per forwarding worker)
 * @param pool       mempool for ARP requests
 */
struct pg_neigh *pg_neigh_create(struct pg_fib *fib, const struct pg_neigh_params *params,
				 unsigned int n_workers, struct rte_mempool *pool,
				 int socket);
void pg_neigh_free(struct pg_neigh *n);

/** Worker @p i's event ring (it is the only producer). */
struct rte_ring *pg_neigh_event_ring(struct pg_neigh *n, unsigned int i);
/** The ring of frames to send (one forwarding worker consumes it). */
struct rte_ring *pg_neigh_inject_ring(struct pg_neigh *n);

/** Control thread, every tick: read events, send requests, age entries. */
void pg_neigh_poll(struct pg_neigh *n, double now_s);

/** State of a dynamic entry for telemetry; false if there is none. */
bool pg_neigh_state_of(struct pg_neigh *n, uint32_t ip, enum pg_neigh_state *st);
const char *pg_neigh_state_name(enum pg_neigh_state st);

/** Counters and the entries not (or no longer) in the table, for telemetry. */
void pg_neigh_counters(struct pg_neigh *n, struct pg_neigh_counters *out,
		       unsigned int *incomplete);

#endif /* PG_NEIGH_H */
