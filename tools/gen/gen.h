/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef GEN_H
#define GEN_H

/**
 * @file
 * pktgate-gen: the command line, the frame layout and the stamp that every
 * generated frame carries in its UDP payload.
 *
 * Frame (no VLAN, IPv4 without options, UDP checksum 0):
 *
 *   0  Ethernet  dst MAC, src MAC, type 0x0800               14 bytes
 *   14 IPv4      ver/ihl 0x45, DF, id 0, TTL, proto 17       20 bytes
 *   34 UDP       sport, dport, length, checksum 0              8 bytes
 *   42 stamp     magic 4, seq 4, tsc 8, flow 2 (big endian)  18 bytes
 *   60 zeros up to the frame size; the NIC adds the 4-byte FCS
 *
 * so the smallest frame (64 bytes on the wire) holds the whole stamp.
 */

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>

enum {
	GEN_FCS_LEN = 4,
	GEN_SIZE_MIN = 64,              /**< --size: frame size on the wire, FCS included */
	GEN_SIZE_MAX = 1518,
	GEN_MAX_FLOWS = 1 << 20,
	GEN_MAX_PREFIXES = 64,
	GEN_BURST_MAX = 256,
	GEN_ERR_LEN = 256,
	GEN_UDP_SPORT_SPAN = 16384,     /**< flow i uses source port base + i % span */
};

/** Byte offsets in the frame. */
enum gen_off {
	GEN_OFF_IP = 14,
	GEN_OFF_IP_CKSUM = 24,
	GEN_OFF_IP_DST = 30,
	GEN_OFF_UDP = 34,
	GEN_OFF_STAMP = 42,
};

/* "PGN1" marks frames of the measured phase, "PGN0" warm-up frames: frames
 * sent during --warmup that arrive after the counters start are told apart
 * by their magic rather than guessed by time. */
#define GEN_MAGIC_RUN  0x50474e31u
#define GEN_MAGIC_WARM 0x50474e30u

/** The stamp at the start of the UDP payload; all fields big endian. */
struct gen_stamp {
	rte_be32_t magic;
	rte_be32_t seq;   /**< 0, 1, 2... over the measured frames (per run) */
	rte_be64_t tsc;   /**< rte_rdtsc() of the sender when the burst was handed to the driver */
	rte_be16_t flow;  /**< flow index, low 16 bits */
} __rte_packed;

static_assert(sizeof(struct gen_stamp) == 18, "stamp layout");
static_assert(GEN_OFF_STAMP + sizeof(struct gen_stamp) == GEN_SIZE_MIN - GEN_FCS_LEN,
	      "the stamp must fit in a 64-byte frame");
static_assert(offsetof(struct gen_stamp, tsc) == 8, "stamp layout");

/* RTE_IPV4() of DPDK 22.11 shifts an int into the sign bit for a first
 * octet >= 128 (undefined behaviour, UBSan reports it): shift unsigned. */
#define GEN_IPV4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
			      ((uint32_t)(c) << 8) | (uint32_t)(d))

/** An IPv4 prefix, host byte order, host bits clear. */
struct gen_prefix {
	uint32_t addr;
	uint8_t len;
};

/** Everything the command line sets. */
struct gen_cfg {
	int eal_argc;                 /**< argv[0..eal_argc) go to rte_eal_init */
	uint16_t tx_port;
	uint16_t rx_port;
	uint32_t n_flows;
	uint32_t size;                /**< frame size on the wire, FCS included */
	uint64_t rate_pps;            /**< 0: as fast as possible */
	double duration_s;            /**< 0: no time limit */
	uint64_t count;               /**< measured frames to send; 0: no limit */
	double warmup_s;
	uint32_t burst;
	uint32_t drain_ms;            /**< RX keeps counting this long after TX stops */
	double stats_interval_s;      /**< 0: summary only */
	double linger_s;              /**< keep ports open after the summary */
	uint32_t n_prefixes;
	struct gen_prefix prefix[GEN_MAX_PREFIXES];
	uint32_t src_ip;              /**< host order */
	uint16_t udp_sport;           /**< base of the source port range */
	uint16_t udp_dport;
	uint8_t ttl;
	struct rte_ether_addr dst_mac;
	struct rte_ether_addr src_mac;
	bool has_src_mac;             /**< else the TX port's MAC */
	const char *json;             /**< NULL, a path, or "-" for stdout */
	bool help;
	bool version;
};

/**
 * Split the whole command line at "--" (cfg->eal_argc words go to EAL) and
 * parse the generator's part. No EAL needed: bad options never touch a port.
 *
 * @return 0, or -EINVAL with a one-line @p err that names the option.
 */
int gen_args_parse(int argc, char **argv, struct gen_cfg *cfg, char err[GEN_ERR_LEN]);

/** Usage text for --help. */
const char *gen_usage(void);

/** Destination address of flow @p i, host order. */
uint32_t gen_flow_dst(const struct gen_cfg *cfg, uint32_t i);

/** Format a prefix list back as "a.b.c.d/len,..." (for reports). */
void gen_prefixes_format(const struct gen_cfg *cfg, char *buf, size_t len);

#endif /* GEN_H */
