/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_RING_H
#define PG_RING_H

/**
 * @file
 * The rings between pipeline stages: one single-producer/single-consumer
 * rte_ring per (RX lcore, forwarding lcore) pair, with counters split by
 * writer so that producer and consumer never share a cache line.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_ring.h>

#define PG_RING_NAME_LEN 32

struct pg_ring_link {
	struct rte_ring *ring;
	char name[PG_RING_NAME_LEN];
	unsigned int producer_lcore;
	unsigned int consumer_lcore;
	unsigned int size;                 /**< slots */
	/** Written by the producer only. */
	struct {
		uint64_t enqueued;
		uint64_t dropped_full;     /**< packets that found the ring full */
		uint64_t peak;             /**< highest occupancy seen after an enqueue */
	} prod __rte_cache_aligned;
	/** Written by the consumer only. */
	struct {
		uint64_t dequeued;
	} cons __rte_cache_aligned;
} __rte_cache_aligned;

/**
 * Create the n_rx x n_fwd links (link[r * n_fwd + f] goes from RX lcore r
 * to forwarding lcore f), each ring of @p size slots on the consumer's
 * socket.
 *
 * @return the array (free with pg_rings_free()), or NULL with rte_errno set.
 */
struct pg_ring_link *pg_rings_create(const unsigned int *rx_lcores, unsigned int n_rx,
				     const unsigned int *fwd_lcores, unsigned int n_fwd,
				     unsigned int size);

void pg_rings_free(struct pg_ring_link *links, unsigned int n);

#endif /* PG_RING_H */
