/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CONF_H
#define PG_CONF_H

/**
 * @file
 * pktgate configuration: YAML file -> validated struct pg_conf.
 *
 * This library needs no EAL: everything here is plain libc + libcyaml so
 * that every validation rule is unit-testable. Checks that need the running
 * EAL (device exists, lcore enabled) take callbacks, see
 * pg_conf_check_runtime().
 *
 * All addresses are stored in host byte order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_CONF_MAX_PORTS 32
#define PG_CONF_MAX_WORKERS 64
#define PG_CONF_NAME_LEN 32      /**< port name incl. NUL */
#define PG_CONF_DEVICE_LEN 128   /**< DPDK device name incl. NUL */
#define PG_CONF_ERR_LEN 256      /**< room for one error line */
#define PG_CONF_MAX_QUEUES 64
#define PG_CONF_DEFAULT_RX_DESC 1024
#define PG_CONF_DEFAULT_TX_DESC 1024
#define PG_CONF_DEFAULT_RING_SIZE 1024
#define PG_CONF_MIN_RING_SIZE 64
#define PG_CONF_MAX_RING_SIZE 65536
/** Control socket path incl. NUL: what fits in sockaddr_un.sun_path. */
#define PG_CONF_SOCKET_LEN 108
#define PG_CONF_DEFAULT_CONTROL_SOCKET "/run/pktgate/pktgate.sock"
#define PG_CONF_DEFAULT_MTU 1500
#define PG_CONF_MIN_MTU 68          /**< RFC 791: every IPv4 link carries 68 */
#define PG_CONF_MIN_MTU6 1280       /**< RFC 8200 5: every IPv6 link carries 1280 */
#define PG_CONF_MAX_MTU 65535       /**< the largest IPv4 datagram */
#define PG_CONF_DEFAULT_ICMP_RATE 1000
#define PG_CONF_DEFAULT_ICMP_BURST 100
#define PG_CONF_MAX_ICMP_RATE 1000000
#define PG_CONF_MAX_ICMP_BURST 100000
#define PG_CONF_TAP_LEN 16          /**< kernel interface name incl. NUL (IFNAMSIZ) */
#define PG_CONF_DEFAULT_PUNT_RING 1024

/** The kind of kernel interface that mirrors a port (docs/punt.md). */
enum pg_conf_mirror_backend {
	PG_CONF_MIRROR_DEFAULT = 0,   /**< punt.backend's (while parsing only) */
	PG_CONF_MIRROR_TAP,           /**< DPDK net_tap: /dev/net/tun */
	PG_CONF_MIRROR_VIRTIO_USER,   /**< DPDK virtio_user on /dev/vhost-net */
};
/* limits.ipv4_tbl8_*: one group per /24 (2^24 of them); rte_fib counts
 * groups in 64s. */
#define PG_CONF_MIN_TBL8 64
#define PG_CONF_MAX_TBL8 (1u << 24)
/* limits.ipv{4,6}_ecmp_*: each group takes one of a table's next hops
 * (2-byte indexes, 32767 at most); a group has 2 gateways at least and
 * PG_FIB_GROUP_MAX_MEMBERS at most. */
#define PG_CONF_MAX_ECMP_GROUPS 32767
#define PG_CONF_MIN_ECMP_MEMBERS 2
#define PG_CONF_MAX_ECMP_MEMBERS 32
#define PG_CONF_MIN_PUNT_RING 4

struct pg_conf_port {
	char name[PG_CONF_NAME_LEN];
	char device[PG_CONF_DEVICE_LEN];
	uint32_t ip4;             /**< our address */
	uint8_t ip4_len;          /**< connected subnet prefix length, 1..32 */
	bool has_mac;             /**< mac given in the file */
	uint8_t mac[6];
	uint16_t rx_queues;       /**< 0: one per worker lcore */
	uint16_t rx_desc;         /**< RX ring size (default 1024) */
	uint16_t tx_desc;         /**< TX ring size (default 1024) */
	bool has_ip6;             /**< `ipv6:` given: IPv6 is on for this port */
	uint8_t ip6_len;          /**< connected IPv6 prefix length, 1..128 */
	uint8_t ip6[16];          /**< our global IPv6 address (network order) */
	uint16_t mtu;             /**< largest IPv4 datagram sent out of it (default 1500) */
	/** Exception path (kernel_mirror / tap): a kernel interface that
	 * mirrors the port gets what the data path does not handle itself
	 * (docs/punt.md); tap[0] == 0: none. */
	char tap[PG_CONF_TAP_LEN];
	/** How the mirror reaches the kernel: `kernel_mirror: tap|virtio_user`,
	 * else punt.backend (never PG_CONF_MIRROR_DEFAULT once parsed). */
	enum pg_conf_mirror_backend mirror_backend;
};

struct pg_conf_neighbor {
	uint32_t ip;
	uint8_t mac[6];
	uint16_t port;            /**< index into pg_conf.ports */
};

/** A neighbor with an IPv6 address (global in the port's prefix, or fe80::/64). */
struct pg_conf_neighbor6 {
	uint8_t ip[16];
	uint8_t mac[6];
	uint16_t port;
};

enum pg_conf_route_kind {
	PG_ROUTE_VIA,             /**< next hop is the gateway 'via' */
	PG_ROUTE_PORT,            /**< directly out of 'port'; next hop is the destination */
};

struct pg_conf_route {
	uint32_t prefix;          /**< network address, host bits cleared */
	uint8_t len;              /**< 0..32 */
	uint8_t kind;             /**< enum pg_conf_route_kind */
	uint16_t port;            /**< egress port index (resolved for VIA too) */
	uint32_t via;             /**< gateway, only for PG_ROUTE_VIA (the first of vias) */
	uint32_t ecmp;            /**< `vias:` 1 + index into pg_conf.ecmp; 0: one gateway */
};

#define PG_CONF_MAX_VIA 32        /**< gateways of one ECMP route */
#define PG_CONF_MAX_WEIGHT 256    /**< of one gateway (NHA_GROUP's weight - 1 is a byte) */

/** The gateways of one `vias:` route (ECMP), in the file's order. */
struct pg_conf_ecmp {
	unsigned int n;
	uint32_t via[PG_CONF_MAX_VIA];
	uint16_t weight[PG_CONF_MAX_VIA];   /**< `ADDR weight N`, default 1 */
};

/** The gateways of one IPv6 `vias:` route; link-local ones with their
 * neighbor's port. */
struct pg_conf_ecmp6 {
	unsigned int n;
	uint8_t via[PG_CONF_MAX_VIA][16];
	uint16_t port[PG_CONF_MAX_VIA];
	uint16_t weight[PG_CONF_MAX_VIA];
};

/** An IPv6 route; the same two kinds as IPv4. */
struct pg_conf_route6 {
	uint8_t prefix[16];       /**< host bits cleared */
	uint8_t len;              /**< 0..128 */
	uint8_t kind;             /**< enum pg_conf_route_kind */
	uint16_t port;            /**< egress port index (resolved for VIA too) */
	uint8_t via[16];          /**< gateway, only for PG_ROUTE_VIA (the first of vias) */
	uint32_t ecmp;            /**< `vias:` 1 + index into pg_conf.ecmp6; 0: one gateway */
};

/* ---- acl: (docs/config.md "acl") ---- */

#define PG_CONF_ACL_MAX_LISTS (2 * PG_CONF_MAX_PORTS)  /**< one per port and direction */
#define PG_CONF_ACL_MAX_RULES 100000     /**< per list */
#define PG_CONF_ACL_MAX_COUNT 15         /**< `count` rules per list (rte_acl categories - 1) */
#define PG_CONF_ACL_TEXT_LEN 160         /**< a rule as text, for telemetry */

enum pg_acl_action {
	PG_ACL_ALLOW = 0,
	PG_ACL_DENY,
	PG_ACL_COUNT,             /**< count, then go on to the next rule */
};

enum pg_acl_dir {
	PG_ACL_IN = 0,            /**< on packets received on the port */
	PG_ACL_OUT,               /**< on packets routed out of the port */
};

/** Which address families a rule applies to (from its addresses). */
enum {
	PG_ACL_FAMILY_IP4 = 1,
	PG_ACL_FAMILY_IP6 = 2,
};

/** One rule. Addresses in network byte order (IPv4 too); ports host order. */
struct pg_conf_acl_rule {
	uint8_t action;           /**< enum pg_acl_action */
	uint8_t families;         /**< PG_ACL_FAMILY_* bits */
	uint8_t proto;            /**< valid when has_proto */
	bool has_proto;
	uint8_t src_len, dst_len; /**< 0: any */
	uint8_t tcp_flags_mask;   /**< bits that must be ... */
	uint8_t tcp_flags_value;  /**< ... these values */
	uint16_t sport_lo, sport_hi;  /**< 0-65535 when not given */
	uint16_t dport_lo, dport_hi;
	bool has_ports;           /**< sport, dport or flags given: needs the L4 header */
	uint8_t src[16], dst[16]; /**< IPv4 in the first 4 bytes */
	char text[PG_CONF_ACL_TEXT_LEN];  /**< canonical text form */
};

/** One ordered rule list: first match wins. */
struct pg_conf_acl_list {
	uint16_t port;            /**< index into pg_conf.ports */
	uint8_t dir;              /**< enum pg_acl_dir */
	uint8_t def;              /**< default action: PG_ACL_ALLOW or PG_ACL_DENY */
	unsigned int n_rules;
	unsigned int n_count;     /**< rules with action count */
	struct pg_conf_acl_rule *rules;   /**< malloc'd */
};

/** How worker lcores share the work (workers.mode). */
enum pg_conf_mode {
	PG_MODE_RTC = 0,          /**< every worker: RX, process, TX (default) */
	PG_MODE_PIPELINE,         /**< RX lcores spread packets over workers by ring */
};

/** Dynamic neighbors (arp:), see pg_neigh.h. */
struct pg_conf_arp {
	bool dynamic;             /**< learn next hops by ARP (default true) */
	unsigned int reachable_s; /**< trust a learned MAC this long (300) */
	unsigned int retry_ms;    /**< between requests (1000) */
	unsigned int probes;      /**< requests before giving up (3) */
	unsigned int max_entries; /**< learned + pending entries (4096) */
};

/** Routes from FRR zebra over FPM (fpm:), see docs/frr.md. */
struct pg_conf_fpm {
	bool enabled;             /**< the fpm: section is present */
	uint32_t addr;            /**< listen address (default 127.0.0.1) */
	uint16_t port;            /**< listen port (default 2620) */
	unsigned int resync_quiet_ms; /**< after a reconnect, FPM routes not re-sent
				       *   are removed once this long passes
				       *   without a frame (3000) */
	unsigned int max_routes;  /**< table room for FRR's routes on top of the
				   *   default (0: they share the default room) */
};

/** Table room set up front (limits:); 0: pktgate sizes it (pg_fib.h). */
struct pg_conf_limits {
	/** tbl8 groups of each IPv4 table copy at start: one per /24 that
	 * holds routes longer than /24. */
	unsigned int ipv4_tbl8_groups;
	/** what the copies may grow to when changes need more groups */
	unsigned int ipv4_tbl8_groups_max;
	/** ECMP next-hop groups of the IPv4 / IPv6 table and gateways per
	 * group (pg_fib_limits.max_groups / max_group_members) */
	unsigned int ipv4_ecmp_groups;
	unsigned int ipv4_ecmp_group_members;
	unsigned int ipv6_ecmp_groups;
	unsigned int ipv6_ecmp_group_members;
};

struct pg_conf {
	struct pg_conf_port ports[PG_CONF_MAX_PORTS];
	unsigned int n_ports;
	struct pg_conf_neighbor *neighbors;   /**< malloc'd, n_neighbors entries */
	unsigned int n_neighbors;
	struct pg_conf_route *routes;         /**< malloc'd, n_routes entries */
	unsigned int n_routes;
	struct pg_conf_ecmp *ecmp;            /**< malloc'd: the vias: lists */
	unsigned int n_ecmp;
	struct pg_conf_ecmp6 *ecmp6;          /**< malloc'd: IPv6 vias: lists */
	unsigned int n_ecmp6;
	/** IPv6 entries of `neighbors:` / `routes:` (the same lists in the
	 * file, split by address family). */
	struct pg_conf_neighbor6 *neighbors6;
	unsigned int n_neighbors6;
	struct pg_conf_route6 *routes6;
	unsigned int n_routes6;
	unsigned int worker_lcores[PG_CONF_MAX_WORKERS];
	unsigned int n_workers;           /**< all lcores in workers.lcores */
	enum pg_conf_mode mode;
	unsigned int rx_lcores;           /**< pipeline: the first rx_lcores lcores do RX */
	unsigned int ring_size;           /**< pipeline: slots per ring (power of two) */
	struct pg_conf_arp arp;
	/** control.socket: where pktgate-ctl connects; "" when control.enabled
	 * is false. Defaults to PG_CONF_DEFAULT_CONTROL_SOCKET. */
	char control_socket[PG_CONF_SOCKET_LEN];
	bool control_socket_set;          /**< control.socket given in the file */
	struct pg_conf_acl_list *acls;    /**< malloc'd, n_acls lists */
	unsigned int n_acls;
	struct pg_conf_fpm fpm;
	unsigned int icmp_rate;           /**< ICMP errors a second per lcore; 0: none */
	unsigned int icmp_burst;          /**< ICMP errors at once per lcore */
	/** punt.ring_size: slots of each worker's ring to the exception path
	 * (power of two; one slot stays empty). */
	unsigned int punt_ring_size;
	/** punt.backend: the mirrors' kind unless a port names its own. */
	enum pg_conf_mirror_backend punt_backend;
	unsigned int n_mirrors;           /**< ports with a kernel interface */
	struct pg_conf_limits limits;
};

/**
 * Lcores that run the forwarding stages and own a TX queue on every port:
 * all of them in rtc mode, all but the RX lcores in pipeline mode.
 */
static inline unsigned int
pg_conf_n_fwd_lcores(const struct pg_conf *conf)
{
	return conf->mode == PG_MODE_PIPELINE ? conf->n_workers - conf->rx_lcores :
						conf->n_workers;
}

/** Lcores that poll RX queues: queue q of a port is polled by the q-th of them. */
static inline unsigned int
pg_conf_n_rx_lcores(const struct pg_conf *conf)
{
	return conf->mode == PG_MODE_PIPELINE ? conf->rx_lcores : conf->n_workers;
}

/**
 * Parse and validate a YAML config held in memory.
 *
 * @param yaml  the document (need not be NUL terminated)
 * @param len   its length in bytes
 * @param err   receives one line naming the field and the reason on error
 * @return the config (free with pg_conf_free()), or NULL on error.
 */
struct pg_conf *pg_conf_parse(const char *yaml, size_t len,
			      char err[PG_CONF_ERR_LEN]);

/** Like pg_conf_parse() but reads the file at @p path. */
struct pg_conf *pg_conf_load(const char *path, char err[PG_CONF_ERR_LEN]);

void pg_conf_free(struct pg_conf *conf);

/**
 * Load only the `acl:` key of the YAML file at @p path, for a reload while
 * running: the file may be a full config (its other top-level keys are
 * skipped, not checked) or hold just `acl:`, which must be present (`acl: []`
 * removes every list). Port names resolve against @p base.
 *
 * @return a config holding @p base's ports and the new lists (free with
 *   pg_conf_free()), or NULL with @p err naming the field and line.
 */
struct pg_conf *pg_conf_acl_load(const struct pg_conf *base, const char *path,
				 char err[PG_CONF_ERR_LEN]);

/** Same from a document in memory. */
struct pg_conf *pg_conf_acl_parse(const struct pg_conf *base, const char *yaml,
				  size_t len, char err[PG_CONF_ERR_LEN]);

const char *pg_conf_acl_action_name(enum pg_acl_action a);

/**
 * Checks that need the running EAL, with the EAL facts passed in so that
 * they stay testable: each worker lcore must be enabled and must not be the
 * main lcore; each device name must be known.
 *
 * @return 0, or -EINVAL with @p err filled.
 */
int pg_conf_check_runtime(const struct pg_conf *conf,
			  bool (*lcore_enabled)(unsigned int lcore),
			  unsigned int main_lcore,
			  bool (*device_exists)(const char *device),
			  char err[PG_CONF_ERR_LEN]);

/** Find a port by name; -1 when there is none. */
int pg_conf_port_index(const struct pg_conf *conf, const char *name);

/** Format helpers shared with logs and telemetry (buf >= 19 bytes). */
const char *pg_conf_ip4_str(uint32_t ip, char *buf, size_t len);
/** RFC 5952 text of an IPv6 address (buf >= PG_CONF_IP6_STRLEN). */
#define PG_CONF_IP6_STRLEN 46
const char *pg_conf_ip6_str(const uint8_t ip[16], char *buf, size_t len);
/** Our link-local address on a port with MAC @p mac: fe80::/64 with the
 * modified EUI-64 interface identifier (RFC 4291 appendix A). */
void pg_conf_ip6_link_local(const uint8_t mac[6], uint8_t ip[16]);
const char *pg_conf_mac_str(const uint8_t mac[6], char *buf, size_t len);

#endif /* PG_CONF_H */
