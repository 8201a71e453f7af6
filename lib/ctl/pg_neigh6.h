/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_NEIGH6_H
#define PG_NEIGH6_H

/**
 * @file
 * Dynamic IPv6 neighbors (Neighbor Discovery, RFC 4861): pg_neigh.h's
 * resolver for the IPv6 table, with the same states, timers (the `arp:`
 * section's knobs) and rules. Workers post RESOLVE for a next hop without
 * a MAC (the packet is dropped, `ip6_no_neighbor`), SEEN for a Neighbor
 * Advertisement to us and ASKED_US for a Neighbor Solicitation for us with
 * a source link-layer address option (RFC 4861 7.2.3). The control thread
 * sends Neighbor Solicitations to the target's solicited-node group
 * (unicast to the known MAC when re-checking a reachable entry), from our
 * address on that link (global for a global target, link-local for a
 * link-local one), through the IPv4 resolver's inject ring, and installs
 * what it learns with pg_fib6_neigh_set(). An entry is (address, port):
 * a link-local address exists once per link.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pg_fib6.h"
#include "pg_neigh.h"

struct rte_mempool;
struct rte_ring;

/** A worker's note to the control thread (32 bytes, an rte_ring element). */
struct pg_neigh6_event {
	uint8_t ip[16];
	uint16_t port;        /**< pktgate port index */
	uint8_t kind;         /**< enum pg_neigh_event_kind */
	uint8_t reserved;
	uint8_t mac[6];       /**< SEEN, ASKED_US: the sender's link-layer address */
	uint8_t pad[6];
};

struct pg_neigh6;

/**
 * @param inject  the ring of frames one forwarding worker sends (the IPv4
 *                resolver's: one producer, the control thread)
 */
struct pg_neigh6 *pg_neigh6_create(struct pg_fib6 *fib, const struct pg_neigh_params *params,
				   unsigned int n_workers, struct rte_mempool *pool,
				   struct rte_ring *inject, int socket);
void pg_neigh6_free(struct pg_neigh6 *n);

/** Worker @p i's event ring (it is the only producer). */
struct rte_ring *pg_neigh6_event_ring(struct pg_neigh6 *n, unsigned int i);

/** Control thread, every tick: read events, send solicitations, age entries. */
void pg_neigh6_poll(struct pg_neigh6 *n, double now_s);

/** State of the entry for (@p ip, @p port); false if there is none. */
bool pg_neigh6_state_of(struct pg_neigh6 *n, const uint8_t ip[16], uint16_t port,
			enum pg_neigh_state *st);

/** Counters (requests = solicitations sent) and entries without a MAC. */
void pg_neigh6_counters(struct pg_neigh6 *n, struct pg_neigh_counters *out,
			unsigned int *incomplete);

#endif /* PG_NEIGH6_H */
