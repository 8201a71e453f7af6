/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PORT_H
#define PG_PORT_H

/**
 * @file
 * Ports: ethdev configuration, one RX/TX queue pair per worker, and one
 * mbuf pool per NUMA socket that has workers.
 *
 * Queue q of every port belongs to worker q. A worker's RX queues take mbufs
 * from the pool on the worker's socket, so a worker only ever touches its
 * own socket's memory and its TX queue only ever sees mbufs of one pool
 * (which lets us enable MBUF_FAST_FREE).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "pg_conf.h"

#define PG_MAX_PORTS PG_CONF_MAX_PORTS
#define PG_MAX_SOCKETS 8
#define PG_MBUF_CACHE 256

struct pg_port {
	char name[PG_CONF_NAME_LEN];
	char device[PG_CONF_DEVICE_LEN];
	uint16_t port_id;          /**< DPDK ethdev port id */
	uint16_t n_rxq;            /**< RX queues: workers 0..n_rxq-1 poll one each */
	uint16_t n_txq;            /**< TX queues: one per worker */
	uint16_t rx_desc, tx_desc;
	int socket;                /**< NUMA socket of the device (-1: any) */
	struct rte_ether_addr mac; /**< our MAC on this port */
	uint32_t ip4;              /**< our address, host order */
	uint8_t ip4_len;
	bool started;
	bool rss;                  /**< RSS spreads over the RX queues */
	bool rx_ip_cksum;          /**< RX checks IPv4 checksums (ol_flags) */
};

struct pg_ports {
	struct pg_port port[PG_MAX_PORTS];
	unsigned int n_ports;
	struct rte_mempool *pool[PG_MAX_SOCKETS];  /**< by socket id */
};

/**
 * Who uses the queues: RX queue q of every port is polled by rx_lcores[q],
 * TX queue q is used by tx_lcores[q]. In run-to-completion mode both lists
 * are the worker lcores; in pipeline mode the RX lcores receive and the
 * forwarding lcores transmit.
 */
struct pg_port_plan {
	const unsigned int *rx_lcores;
	unsigned int n_rx;
	const unsigned int *tx_lcores;
	unsigned int n_tx;
	unsigned int ring_mbufs;   /**< mbufs that can wait in inter-lcore rings */
};

/**
 * Configure every port of @p conf for @p plan, create the mbuf pools (one
 * per NUMA socket with RX lcores), and set up all queues. Ports are not
 * started.
 *
 * @return 0, or a negative errno with @p err naming the port and the cause.
 */
int pg_ports_setup(struct pg_ports *ports, const struct pg_conf *conf,
		   const struct pg_port_plan *plan, char err[PG_CONF_ERR_LEN]);

/** Start all ports. Nothing is flushed: the first packet must survive. */
int pg_ports_start(struct pg_ports *ports, char err[PG_CONF_ERR_LEN]);

/** Stop and close every port (pcap TX files are complete after this), free pools. */
void pg_ports_close(struct pg_ports *ports);

/** Mbufs in use across all pools (for leak checks). */
unsigned int pg_ports_mbufs_in_use(const struct pg_ports *ports);

#endif /* PG_PORT_H */
