/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_STAGE_CYCLES_H
#define PG_STAGE_CYCLES_H

/**
 * @file
 * Optional per-stage cycle counters: where a worker's time goes, as TSC
 * cycles per packet of each stage (telemetry /pktgate/stages,
 * docs/monitoring.md).
 *
 * Built in only with `meson setup -Dstage_cycles=true` (which defines
 * PG_STAGE_CYCLES). Without it PG_STAGE_MARK() and PG_STAGE_START() expand
 * to nothing and struct pg_lcore_stats has no stage block: the data path's
 * object code is the same as without this file.
 *
 * Timing is per burst, never per packet: a worker reads the TSC once at each
 * stage boundary and charges the cycles since the previous boundary to the
 * stage that just ended. Every cycle of the loop lands in exactly one stage
 * (empty polls in "idle"), so the stages of an lcore add up to its loop time.
 * Each read costs ~20-40 cycles (rdtsc); with ~6 boundaries a burst of 32
 * that is a few cycles per packet, charged to the stages it ends.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>

/** The stages in loop order: name, what its cycles cover. */
#define PG_STAGES(X) \
	X(idle, "RX polls and TX rounds that found no packet (loop overhead while idle)") \
	X(rx, "rte_eth_rx_burst that returned packets, and the loop round around it") \
	X(hash, "pipeline RX lcore: flow hash and the split by forwarding lcore") \
	X(enqueue, "pipeline RX lcore: ring enqueue (and frees of a full ring)") \
	X(dequeue, "pipeline forwarding lcore: ring dequeue and mbuf prefetch") \
	X(validate, "IPv4 stage 1: Ethernet and IPv4 checks, ARP, IPv6 set aside") \
	X(acl, "firewall: bulk classify of in and out lists (IPv4 and IPv6)") \
	X(lookup, "IPv4 stage 2: rte_fib bulk route lookup") \
	X(rewrite, "IPv4 stage 3: next hop and neighbor, TTL, MTU, MAC rewrite, TX buffer, drops freed") \
	X(ip6_validate, "IPv6 stage 1: header checks, ND and echo to us") \
	X(ip6_lookup, "IPv6 stage 2: rte_fib6 bulk route lookup") \
	X(ip6_rewrite, "IPv6 stage 3: next hop, hop limit, MAC rewrite, TX buffer, drops freed") \
	X(tx, "TX flush of every buffer (rte_eth_tx_burst), RCU quiescent state")

enum pg_stage {
#define PG_STAGE_ENUM(name, help) PG_STAGE_##name,
	PG_STAGES(PG_STAGE_ENUM)
#undef PG_STAGE_ENUM
	PG_STAGE_MAX
};

/** Stage names and help (index: enum pg_stage). */
extern const char *const pg_stage_names[PG_STAGE_MAX];
extern const char *const pg_stage_help[PG_STAGE_MAX];

struct pg_stage_counter {
	uint64_t cycles;   /**< TSC cycles charged to the stage */
	uint64_t pkts;     /**< packets that entered it */
	uint64_t calls;    /**< times it ended (bursts, polls) */
};

/** One lcore's stage counters: written by that lcore only. */
struct pg_stage_cycles {
	uint64_t last;     /**< TSC of the previous boundary (owner only) */
	struct pg_stage_counter s[PG_STAGE_MAX];
} __rte_cache_aligned;

/** Start the clock (before a worker's loop). */
static inline void
pg_stage_start(struct pg_stage_cycles *sc, uint64_t now)
{
	sc->last = now;
}

/* Owner-side add, as pg_stats_add() (a leaf: no include of pg_stats.h). */
static inline void
pg_stage_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/** A boundary at TSC @p now: the cycles since the previous one go to
 * @p stage, which handled @p pkts packets. */
static inline void
pg_stage_mark(struct pg_stage_cycles *sc, unsigned int stage, uint64_t pkts, uint64_t now)
{
	struct pg_stage_counter *c = &sc->s[stage];

	pg_stage_add(&c->cycles, now - sc->last);
	pg_stage_add(&c->pkts, pkts);
	pg_stage_add(&c->calls, 1);
	sc->last = now;
}

#ifdef PG_STAGE_CYCLES
/** @p stats: a struct pg_lcore_stats *; @p stage: an enum pg_stage. */
#define PG_STAGE_START(stats) pg_stage_start(&(stats)->stages, rte_rdtsc())
#define PG_STAGE_MARK(stats, stage, pkts) \
	pg_stage_mark(&(stats)->stages, (stage), (pkts), rte_rdtsc())
#else
#define PG_STAGE_START(stats) do { } while (0)
#define PG_STAGE_MARK(stats, stage, pkts) do { } while (0)
#endif

/** Stage counters summed over lcores. */
struct pg_stage_total {
	struct pg_stage_counter s[PG_STAGE_MAX];
	uint64_t cycles;   /**< all stages */
};

/** Add @p sc into @p out (relaxed reads; @p out zeroed by the caller). */
void pg_stage_sum(const struct pg_stage_cycles *sc, struct pg_stage_total *out);

/**
 * The packets to divide @p t's cycles by: those that entered from a port
 * (rx). Only a pipeline forwarding lcore alone has none: its packets are
 * those it took from its rings. Over all lcores of a pipeline that makes
 * the total the cost of a packet through the box, RX lcore and forwarding
 * lcore together: cores needed = cycles per packet x packet rate / TSC hz.
 */
static inline uint64_t
pg_stage_pkts(const struct pg_stage_total *t)
{
	return t->s[PG_STAGE_rx].pkts != 0 ? t->s[PG_STAGE_rx].pkts :
	       t->s[PG_STAGE_dequeue].pkts;
}

/** Cycles per 100 packets, rounded (telemetry has no floating point in
 * 22.11); 0 without packets. Divided before the x100: the cycles of all
 * lcores pass 2^64 / 100 within weeks. */
static inline uint64_t
pg_stage_per_100(uint64_t cycles, uint64_t pkts)
{
	if (pkts == 0)
		return 0;
	return cycles / pkts * 100 + ((cycles % pkts) * 100 + pkts / 2) / pkts;
}

#endif /* PG_STAGE_CYCLES_H */
