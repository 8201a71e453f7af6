/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_STATS_H
#define PG_STATS_H

/**
 * @file
 * Per-lcore counters and their names.
 *
 * Every worker owns one struct pg_lcore_stats, cache aligned, that only it
 * writes (once per burst); the control thread and the telemetry thread read
 * them with relaxed loads and add them up. No locks, no atomics on the data
 * path, never two writers on one cache line.
 *
 * This header is a leaf: it depends on nothing of ours, so every stage can
 * count into it.
 */

#include <stdint.h>

#include <rte_common.h>

#include "pg_stage_cycles.h"

#define PG_STATS_MAX_PORTS 32

/** Why a packet was dropped. Every drop has exactly one reason. */
#define PG_DROP_REASONS(X) \
	X(bad_l2, "destination MAC is neither ours nor broadcast/multicast (nor, with IPv6 on, an IPv6 group we are in)") \
	X(runt, "frame shorter than its headers") \
	X(unsupported_ethertype, "ethertype we do not handle (VLAN, IPv6 on a port without ipv6, ...)") \
	X(bad_version, "IPv4 version field is not 4") \
	X(bad_ihl, "IPv4 header length below 5 words") \
	X(bad_checksum, "IPv4 header checksum wrong") \
	X(bad_length, "IPv4 total length below header length or beyond the frame") \
	X(martian_src, "source address that must not appear on the wire") \
	X(martian_dst, "destination multicast, class E or 0.0.0.0/8 (not routed)") \
	X(l2_multicast, "would be forwarded but arrived as L2 broadcast/multicast (RFC 1812 5.3.4)") \
	X(ttl_exceeded, "TTL would reach zero") \
	X(no_route, "no route to the destination") \
	X(no_neighbor, "next hop MAC unknown") \
	X(not_ours_local, "addressed to us but nothing handles it") \
	X(bad_arp, "malformed or unsupported ARP") \
	X(arp_not_ours, "ARP request for an address that is not ours, or ARP reply") \
	X(bad_icmp, "malformed ICMP to us (length, checksum)") \
	X(tx_full, "TX queue full") \
	X(ring_full, "pipeline: the ring to the forwarding lcore was full") \
	/* IPv6 forwarding, Neighbor Discovery, ICMPv6 echo (lib/fwd/fwd6.c) */ \
	X(ip6_bad_version, "IPv6 ethertype but the version field is not 6") \
	X(ip6_truncated, "IPv6 payload length beyond the end of the frame") \
	X(ip6_martian_src, "IPv6 source unspecified, loopback or multicast") \
	X(ip6_link_local, "IPv6 link-local source or destination: never forwarded (RFC 4291 2.5.6)") \
	X(ip6_multicast_dst, "IPv6 multicast destination: not routed, and not ND for us") \
	X(ip6_l2_multicast, "IPv6 unicast destination in an L2 multicast frame") \
	X(ip6_hop_limit, "IPv6 hop limit would reach zero") \
	X(ip6_no_route, "no IPv6 route to the destination") \
	X(ip6_no_neighbor, "IPv6 next hop MAC unknown") \
	X(ip6_not_ours_local, "IPv6 to us but nothing handles it (not an echo request or NS)") \
	X(icmp6_bad, "malformed ICMPv6 echo to us (length, checksum)") \
	X(nd_bad, "Neighbor Solicitation failing RFC 4861 7.1.1 checks (hop limit, checksum, code, length, target, options)") \
	X(nd_not_ours, "Neighbor Solicitation for an address not ours, or an ND message we do not take (NA, RS, RA, redirect)") \
	/* firewall (lib/acl) */ \
	X(acl_deny, "denied by the port's ACL (a deny rule or the default)") \
	/* ICMP errors and the egress MTU */ \
	X(frag_needed, "larger than the egress port's MTU with DF set (ICMP fragmentation needed)") \
	X(mtu_exceeded, "larger than the egress port's MTU without DF (not fragmented)") \
	/* exception path to the kernel (lib/punt, docs/punt.md) */ \
	X(punt_full, "for the port's kernel interface, but the ring to the control thread was full") \
	/* IPv6 egress MTU (lib/fwd/fwd6.c) */ \
	X(ip6_too_big, "IPv6 packet larger than the egress port's MTU (ICMPv6 Packet Too Big; never fragmented)")

/**
 * What became of the ICMP errors the data path owes senders (RFC 1812
 * 4.3.2): the first four were built and queued for TX, the others say why
 * none was sent. The dropped datagram itself stays counted under its drop
 * reason; an error is extra TX, so tx = forwarded + local + (the four sent
 * kinds) - icmp tx_full.
 */
#define PG_ICMP_COUNTERS(X) \
	X(time_exceeded, "sent: Time Exceeded, TTL/hop limit expired in transit (ICMP 11/0, ICMPv6 3/0)") \
	X(net_unreachable, "sent: Destination Unreachable, no route (ICMP 3/0, ICMPv6 1/0)") \
	X(host_unreachable, "sent: Destination Unreachable, next hop unresolved (ICMP 3/1, ICMPv6 1/3)") \
	X(frag_needed, "sent: larger than the egress MTU: Destination Unreachable, fragmentation needed and DF set (ICMP 3/4), Packet Too Big (ICMPv6 2/0)") \
	X(rate_limited, "not sent: over the per-lcore rate limit (icmp.rate/icmp.burst)") \
	X(suppressed, "not sent: RFC 1812 4.3.2.7 (about an ICMP error, a broadcast/multicast, a non-initial fragment, a source that is not a unicast host or is ours)") \
	X(no_route_back, "not sent: the source has no forwarding route back") \
	X(tx_full, "sent but refused by the TX queue") \
	X(neighbor_pending, "not sent: host unreachable while dynamic ARP may still resolve the next hop")

enum pg_icmp_counter {
#define PG_ICMP_ENUM(name, help) PG_ICMP_##name,
	PG_ICMP_COUNTERS(PG_ICMP_ENUM)
#undef PG_ICMP_ENUM
	PG_ICMP_MAX
};

/** ICMP counter names and help (index: enum pg_icmp_counter). */
extern const char *const pg_icmp_names[PG_ICMP_MAX];
extern const char *const pg_icmp_help[PG_ICMP_MAX];

enum pg_drop_reason {
#define PG_DROP_ENUM(name, help) PG_DROP_##name,
	PG_DROP_REASONS(PG_DROP_ENUM)
#undef PG_DROP_ENUM
	PG_DROP_MAX
};

/** Counter names, for telemetry and summaries (index: enum pg_drop_reason). */
extern const char *const pg_drop_names[PG_DROP_MAX];
extern const char *const pg_drop_help[PG_DROP_MAX];

struct pg_port_counters {
	uint64_t rx;          /**< packets received on this port by this lcore */
	uint64_t tx;          /**< packets handed to the PMD and accepted */
	uint64_t rx_drops;    /**< packets received here and dropped (any reason) */
	uint64_t tx_drops;    /**< packets for this port the TX queue refused */
};

struct pg_lcore_stats {
	uint64_t rx;          /**< packets received (all ports) */
	uint64_t tx;          /**< packets transmitted (all ports) */
	uint64_t forwarded;   /**< routed and sent to a TX buffer */
	uint64_t local;       /**< for us: answered (ARP, ICMP echo), punted or consumed */
	uint64_t ip_options;  /**< forwarded packets that carried IP options */
	/** Frames the control thread sent through this lcore (ARP requests):
	 * tx = forwarded + local + ctl_tx. */
	uint64_t ctl_tx;
	/** Handed to the exception path (a kernel interface): part of local. */
	uint64_t punted;
	/** Taken by the control plane with nothing sent (ARP replies the
	 * resolver reads): part of local, like punted, so that
	 * tx = forwarded + local - punted - consumed + ctl_tx. */
	uint64_t consumed;
	uint64_t polls;       /**< RX poll rounds */
	uint64_t busy_polls;  /**< poll rounds that received at least one packet */
	/** TSC cycles of rounds with packets / of all rounds: the busy ratio.
	 * Counting rounds would mislead: an empty poll takes ~50 cycles, a
	 * full one thousands, so a saturated lcore can show few busy rounds. */
	uint64_t busy_tsc;
	uint64_t total_tsc;
	uint64_t drop[PG_DROP_MAX];
	uint64_t icmp[PG_ICMP_MAX];  /**< ICMP errors, enum pg_icmp_counter */
	struct pg_port_counters port[PG_STATS_MAX_PORTS];
#ifdef PG_STAGE_CYCLES
	/** Cycles per stage (-Dstage_cycles=true only: without it the
	 * struct, and the code that writes it, are as before). */
	struct pg_stage_cycles stages;
#endif
} __rte_cache_aligned;

/** Sum of all lcores (filled by pg_stats_sum()). */
struct pg_stats_total {
	uint64_t rx, tx, forwarded, local, ip_options, ctl_tx, punted;
	uint64_t consumed;
	uint64_t drops;       /**< sum over all reasons */
	uint64_t drop[PG_DROP_MAX];
	uint64_t icmp[PG_ICMP_MAX];
	struct pg_port_counters port[PG_STATS_MAX_PORTS];
};

/**
 * Add @p n per-lcore blocks into @p out. Safe against concurrent writers:
 * each 64-bit field is read once with a relaxed load.
 */
void pg_stats_sum(const struct pg_lcore_stats *const *lcores, unsigned int n,
		  struct pg_stats_total *out);

/** Busy share of an lcore's loop time, in percent. */
static inline double
pg_stats_busy_pct(const struct pg_lcore_stats *s)
{
	const uint64_t total = __atomic_load_n(&s->total_tsc, __ATOMIC_RELAXED);

	return total == 0 ? 0.0 :
		100.0 * (double)__atomic_load_n(&s->busy_tsc, __ATOMIC_RELAXED) / (double)total;
}

/** Relaxed read of one counter owned by another thread. */
static inline uint64_t
pg_stats_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/** Owner-side add: one writer only, so a relaxed load+store is enough. */
static inline void
pg_stats_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

#endif /* PG_STATS_H */
