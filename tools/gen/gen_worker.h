/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef GEN_WORKER_H
#define GEN_WORKER_H

/**
 * @file
 * The generator's data path: frame templates, per-lcore TX and RX state,
 * and the lcore function. The main lcore never sends or receives; it reads
 * the counters below (relaxed loads, one writer each) and drives the
 * timeline through gen_stop_tx() / gen_tx_done() / gen_stop_rx().
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "gen.h"
#include "gen_lat.h"

/**
 * What differs between flows, ready to store into the frame. The rest of
 * the headers is the same for every flow and sits in one 64-byte template.
 *
 * Why not a full 64-byte template per flow, or headers computed from the
 * flow index? Measured on this project's 2-core host (1M flows, 40M
 * frames, gcc -O3 -march=native, frame built into a 2 KB buffer + stamp):
 * 64-byte per-flow templates 13.8-14.4 cycles/frame, base template + this
 * 8-byte entry 14.0-14.7, computed (prefix host + checksum from the index)
 * 11.4-14.8. All within noise and small next to the PMD's cost per frame;
 * the entry table is 8x smaller than per-flow templates (8 MB at 1M flows),
 * which leaves the cache to the mbufs, and it has no per-frame division or
 * checksum, which a computed header needs for arbitrary prefix lists.
 */
struct gen_flow {
	rte_be32_t dst;
	rte_be16_t sport;
	rte_be16_t ip_cksum;   /**< full IPv4 header checksum for this flow */
};

static_assert(sizeof(struct gen_flow) == 8, "flow entry size");

struct gen_tpl {
	uint8_t hdr[64] __rte_aligned(64);  /**< frame bytes 0..63, per-flow fields 0 */
	struct gen_flow *flows;             /**< n_flows entries */
	uint32_t n_flows;
	uint16_t frame_len;                 /**< bytes in the mbuf: size - FCS */
};

/**
 * Fill the template and @p flows (cfg->n_flows entries); no EAL needed.
 */
void gen_tpl_fill(struct gen_tpl *tpl, const struct gen_cfg *cfg,
		  const struct rte_ether_addr *src_mac, struct gen_flow *flows);

/**
 * Allocate the flow table on @p socket and fill it with gen_tpl_fill().
 *
 * @return 0 or -ENOMEM.
 */
int gen_tpl_build(struct gen_tpl *tpl, const struct gen_cfg *cfg,
		  const struct rte_ether_addr *src_mac, int socket);

/** Free the flow table. */
void gen_tpl_free(struct gen_tpl *tpl);

/** TX counters; only the TX lcore writes them. */
struct gen_tx_stats {
	uint64_t packets;      /**< measured frames taken by the driver */
	uint64_t bytes;        /**< their bytes, FCS excluded */
	uint64_t warmup;       /**< warm-up frames taken by the driver */
	uint64_t unsent;       /**< built but still queued when TX stopped */
	uint64_t alloc_fail;   /**< bursts not built: mempool empty */
	uint64_t start_tsc;    /**< measured phase began (0: not yet) */
	uint64_t end_tsc;      /**< TX stopped (0: still running) */
} __rte_cache_aligned;

/** RX counters; only the RX lcore writes them. */
struct gen_rx_stats {
	uint64_t packets;      /**< measured frames (our magic) received */
	uint64_t bytes;
	uint64_t warmup;       /**< warm-up frames received */
	uint64_t other;        /**< frames that are not ours */
	uint64_t bad_cksum;    /**< ours, but the IPv4 header checksum is wrong */
	uint64_t reordered;    /**< ours, sequence below the highest seen */
} __rte_cache_aligned;

/** State of the TX role. */
struct gen_tx {
	struct gen_tx_stats st;
	uint16_t port;
	uint16_t burst;
	struct rte_mempool *pool;
	const struct gen_tpl *tpl;
	uint64_t hz;
	double warmup_s;
	double duration_s;
	uint64_t count;        /**< 0: no limit */
	uint64_t rate_pps;     /**< 0: no limit */
	/* run state */
	uint32_t flow;         /**< next flow */
	uint32_t seq;
	rte_be32_t magic_be;
	bool warm;
	uint64_t warm_end;
	uint64_t deadline;     /**< 0: none */
	uint64_t left;         /**< measured frames still to build */
	uint64_t cost;         /**< token bucket: cycles per frame << GEN_RATE_SHIFT */
	uint64_t credit;
	uint64_t credit_max;
	uint64_t last_tsc;
	uint16_t n_pending;    /**< built but refused by a full TX queue */
	struct rte_mbuf *pending[GEN_BURST_MAX];
} __rte_cache_aligned;

/** State of the RX role. */
struct gen_rx {
	struct gen_rx_stats st;
	uint16_t port;
	uint16_t burst;
	uint32_t next_seq;
	struct gen_lat lat;    /**< read by the main lcore only after the join */
} __rte_cache_aligned;

/** One worker lcore: TX, RX or both. */
struct gen_worker {
	struct gen_tx *tx;     /**< NULL: no TX on this lcore */
	struct gen_rx *rx;     /**< NULL: no RX on this lcore */
};

/** lcore entry point; @p arg is a struct gen_worker. */
int gen_worker_main(void *arg);

/** Ask TX to stop (signal). */
void gen_stop_tx(void);

/** TX has stopped and its counters are final. */
bool gen_tx_done(void);

/** Ask RX to stop (after the drain time). */
void gen_stop_rx(void);

/** Relaxed read of a counter another lcore writes. */
static inline uint64_t
gen_ctr_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

#endif /* GEN_WORKER_H */
