/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_ACL_WORKER_H
#define PG_ACL_WORKER_H

/**
 * @file
 * The firewall, fast path: classify a burst's packets against one list with
 * one rte_acl_classify() call, count hits into the calling lcore's own
 * counters, and return which packets the list denies.
 *
 * Input layout (acl_build.c): the classifier reads from the start of the L3
 * header at fixed offsets, i.e. for IPv4 a 20-byte header followed by the
 * L4 header. Packets with IP options must be passed through
 * pg_acl_ip4_flatten() first.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

#include "pg_acl.h"

#define PG_ACL_MAX_BURST 64
#define PG_ACL_MAX_PORTS PG_CONF_MAX_PORTS

/** Bytes the IPv4 classifier reads from the start of the IPv4 header. */
#define PG_ACL_IP4_INPUT 36
/** Same for IPv6 (no extension headers are walked). */
#define PG_ACL_IP6_INPUT 56

struct pg_acl_list;

/** The part of a set the workers look at. */
struct pg_acl_fast {
	/** Lists by pktgate port index; NULL: no list on that port. */
	const struct pg_acl_list *in[PG_ACL_MAX_PORTS];
	const struct pg_acl_list *out[PG_ACL_MAX_PORTS];
	/** Some port has an out list: the one test per burst for them. */
	bool has_out;
};

static inline const struct pg_acl_list *
pg_acl_in_list(const struct pg_acl *acl, uint16_t port)
{
	return ((const struct pg_acl_fast *)(const void *)acl)->in[port];
}

static inline const struct pg_acl_list *
pg_acl_out_list(const struct pg_acl *acl, uint16_t port)
{
	return ((const struct pg_acl_fast *)(const void *)acl)->out[port];
}

static inline bool
pg_acl_has_out(const struct pg_acl *acl)
{
	return ((const struct pg_acl_fast *)(const void *)acl)->has_out;
}

/**
 * Classify @p n (<= PG_ACL_MAX_BURST) IPv4 packets; @p data[i] points at
 * packet i's IPv4 header (or its flattened copy). Counts each packet on the
 * rule that decided it (and on the `count` rules before it) in slot
 * @p lcore. Returns a mask: bit i set when packet i is denied.
 */
uint64_t pg_acl_classify4(const struct pg_acl *acl, const struct pg_acl_list *l,
			  const uint8_t **data, uint32_t n, unsigned int lcore);

/** The same for IPv6 packets, @p data[i] pointing at the IPv6 header. */
uint64_t pg_acl_classify6(const struct pg_acl *acl, const struct pg_acl_list *l,
			  const uint8_t **data, uint32_t n, unsigned int lcore);

/**
 * Copy what the classifier reads of a packet with IP options into @p buf
 * as if it had none: the fixed 20 header bytes, then the L4 header from
 * where IHL puts it. Returns @p buf.
 */
static inline const uint8_t *
pg_acl_ip4_flatten(const struct rte_ipv4_hdr *ip, uint8_t buf[PG_ACL_IP4_INPUT])
{
	const unsigned int hlen = (unsigned int)(ip->version_ihl & 0xf) * 4;

	memcpy(buf, ip, sizeof(*ip));
	memcpy(buf + sizeof(*ip), (const uint8_t *)ip + hlen,
	       PG_ACL_IP4_INPUT - sizeof(*ip));
	return buf;
}

#endif /* PG_ACL_WORKER_H */
