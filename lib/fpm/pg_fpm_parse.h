/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_FPM_PARSE_H
#define PG_FPM_PARSE_H

/**
 * @file
 * FRR's Forwarding Plane Manager stream (zebra -M dplane_fpm_nl) decoded
 * into route changes, as pure functions: no DPDK, no sockets, so every
 * malformed input is unit-testable and fuzzable (docs/frr.md).
 *
 * A frame is a 4-byte header (u8 version 1, u8 type 1 = netlink, u16
 * big-endian length including the header) and one or more host-order
 * netlink messages, parsed with libmnl. A frame is checked whole before
 * anything in it takes effect: a malformed message rejects the frame and
 * leaves the next-hop objects as they were.
 *
 * What comes out is a list of IPv4 and IPv6 route changes of table main
 * (254), each with the gateway (and OIF) it goes through, next-hop objects
 * (RTM_NEWNEXTHOP, RTA_NH_ID) already resolved. Everything else is counted
 * by reason and dropped here.
 */

#include <stddef.h>
#include <stdint.h>

#define PG_FPM_HDR_LEN 4
#define PG_FPM_VERSION 1
#define PG_FPM_TYPE_NETLINK 1
/** The length field is 16 bits: no frame is longer. */
#define PG_FPM_MAX_FRAME 65535u
/** Route changes one frame can carry (the smallest message is a bare
 * nlmsghdr + rtmsg, 28 bytes). */
#define PG_FPM_MAX_OPS (PG_FPM_MAX_FRAME / 28u + 1u)
#define PG_FPM_ERR_LEN 160
/** Gateways kept per multipath route or next-hop group (the table's
 * default max_group_members); members beyond count in ecmp_truncated. */
#define PG_FPM_MAX_ECMP 16

enum pg_fpm_op {
	PG_FPM_ROUTE_ADD = 1,   /**< add or replace (every NEWROUTE replaces) */
	PG_FPM_ROUTE_DEL,       /**< also for a NEWROUTE that cannot be installed
				 *   (blackhole, unknown next hop...): the route
				 *   zebra replaced must not stay */
};

/** One route change; IPv4 addresses in host order, IPv6 in network order. */
struct pg_fpm_route {
	uint32_t prefix;        /**< IPv4, host bits cleared */
	uint32_t gw;            /**< IPv4; 0: none (a connected route) */
	uint32_t oif;           /**< zebra's ifindex, 0: none */
	uint8_t len;
	uint8_t op;             /**< enum pg_fpm_op */
	uint8_t protocol;       /**< rtm_protocol: 2 connected, 196 static, ... */
	/** ECMP: members in gws[] (IPv4) or gws6[] (IPv6), each with its oif
	 * and weight (gw/gw6 and oif are the first's); 0 or 1: gw only */
	uint8_t n_gw;
	uint32_t gws[PG_FPM_MAX_ECMP];
	uint8_t family;         /**< AF_INET or AF_INET6 */
	uint8_t has_gw6;        /**< IPv6: gw6 is set */
	uint8_t prefix6[16];    /**< IPv6, host bits cleared */
	uint8_t gw6[16];        /**< IPv6 gateway (link-local ones need oif) */
	uint16_t weights[PG_FPM_MAX_ECMP];  /**< 1..256 (rtnh_hops, NHA_GROUP weight, + 1) */
	uint32_t oifs[PG_FPM_MAX_ECMP];     /**< IPv6 members' OIFs */
	uint8_t gws6[PG_FPM_MAX_ECMP][16];  /**< IPv6 members (zero: none) */
};

/** Why a message changed nothing (X-macro: name, description). */
#define PG_FPM_IGNORE_REASONS(X) \
	X(v4_via_v6, "IPv4 route via an IPv6 gateway (RFC 5549)") \
	X(table, "table other than main (254)") \
	X(type, "route type other than unicast (blackhole, unreachable, prohibit)") \
	X(family, "address family other than IPv4/IPv6") \
	X(msg_type, "netlink message type other than routes and next hops") \
	X(no_nexthop, "unicast route without a gateway, OIF or next-hop object") \
	X(unknown_nexthop, "RTA_NH_ID or group member never announced") \
	X(mpls, "MPLS encapsulation") \
	X(connected_own, "connected route of one of our port subnets") \
	X(no_port, "gateway not in any port subnet") \
	X(rejected, "the table refused the route") \
	X(no_ipv6, "IPv6 route, but no port has IPv6") \
	X(no_oif, "link-local gateway whose OIF is no mirror interface")

enum pg_fpm_ignore {
#define PG_FPM_X_ENUM(name, desc) PG_FPM_IGN_##name,
	PG_FPM_IGNORE_REASONS(PG_FPM_X_ENUM)
#undef PG_FPM_X_ENUM
	PG_FPM_IGN_MAX
};

extern const char *const pg_fpm_ignore_names[PG_FPM_IGN_MAX];

struct pg_fpm_parse_counters {
	uint64_t frames;            /**< accepted frames */
	uint64_t messages;          /**< netlink messages in them */
	uint64_t nexthops_added;    /**< RTM_NEWNEXTHOP applied */
	uint64_t nexthops_deleted;
	uint64_t ecmp_truncated;    /**< multipath routes with more members than kept */
	uint64_t errors;            /**< rejected frames */
	uint64_t ignored[PG_FPM_IGN_MAX];
};

/** A next-hop object (RTM_NEWNEXTHOP). */
struct pg_fpm_nh {
	uint32_t id;
	uint32_t gw;            /**< IPv4 gateway, host order; 0: none */
	uint8_t gw6[16];        /**< IPv6 gateway; all zero: none */
	uint32_t oif;
	uint32_t group_first;   /**< a group: its first member's id, else 0 */
	uint16_t group_n;       /**< members in the group (0: a single hop) */
	uint32_t group[PG_FPM_MAX_ECMP];   /**< the first members' ids */
	uint16_t weight[PG_FPM_MAX_ECMP];  /**< and weights (nexthop_grp.weight + 1) */
	uint8_t family;         /**< AF_INET, AF_INET6, 0 for a group */
	uint8_t reserved;
};

/** Decoder state: the next-hop objects of the current connection. */
struct pg_fpm_parser {
	struct pg_fpm_nh *nh;   /**< sorted by id */
	uint32_t n_nh;
	uint32_t nh_cap;
	struct pg_fpm_parse_counters c;
};

void pg_fpm_parser_init(struct pg_fpm_parser *p);
/** Forget the next-hop objects (a new connection replays them). */
void pg_fpm_parser_reset(struct pg_fpm_parser *p);
void pg_fpm_parser_fini(struct pg_fpm_parser *p);

/** A next-hop object by id, or NULL. */
const struct pg_fpm_nh *pg_fpm_nh_find(const struct pg_fpm_parser *p, uint32_t id);

/**
 * How long the frame at the head of a stream is.
 * @return its length (>= 4) when @p avail holds all of it, 0 when more
 *   bytes are needed, -1 for a bad header (@p err says why).
 */
long pg_fpm_frame_len(const uint8_t *buf, size_t avail, char err[PG_FPM_ERR_LEN]);

/**
 * Decode one whole frame (header included).
 * @param out      receives the route changes in frame order
 * @param max_out  room in @p out; PG_FPM_MAX_OPS always suffices
 * @return 0, or -1 with @p err naming the problem: then nothing was
 *   changed (next-hop objects included) and @p n_out is 0.
 */
int pg_fpm_parse_frame(struct pg_fpm_parser *p, const uint8_t *buf, size_t len,
		       struct pg_fpm_route *out, unsigned int max_out,
		       unsigned int *n_out, char err[PG_FPM_ERR_LEN]);

#endif /* PG_FPM_PARSE_H */
