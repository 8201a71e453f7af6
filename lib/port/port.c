/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "pg_port.h"

RTE_LOG_REGISTER_SUFFIX(pg_port_logtype, port, INFO);
#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_port_logtype, "pktgate.port: " fmt "\n", ##__VA_ARGS__)

/* Per worker: RX burst in flight + TX buffers + mempool cache slack. */
#define PG_MBUF_PER_WORKER (2 * 64 * PG_MAX_PORTS + PG_MBUF_CACHE)

static unsigned int
socket_index(int socket)
{
	return socket < 0 ? 0 : (unsigned int)socket;
}

static unsigned int
n_pools(const struct pg_ports *ports)
{
	unsigned int s, n = 0;

	for (s = 0; s < PG_MAX_SOCKETS; s++)
		n += ports->pool[s] != NULL;
	return n;
}

/*
 * Mbufs come from the pool of the socket of the lcore that receives them.
 * Count, per socket, every mbuf that can sit in an RX ring, a TX ring, a
 * TX buffer, an inter-lcore ring or a mempool cache.
 */
static int
create_pools(struct pg_ports *ports, const struct pg_port_plan *plan,
	     char err[PG_CONF_ERR_LEN])
{
	unsigned int need[PG_MAX_SOCKETS] = {0};
	unsigned int w, p, s, total_tx = 0;

	for (w = 0; w < plan->n_tx; w++)
		for (p = 0; p < ports->n_ports; p++)
			total_tx += ports->port[p].tx_desc + PG_MBUF_PER_WORKER / PG_MAX_PORTS;
	for (w = 0; w < plan->n_rx; w++) {
		s = socket_index(rte_lcore_to_socket_id(plan->rx_lcores[w]));
		if (s >= PG_MAX_SOCKETS) {
			snprintf(err, PG_CONF_ERR_LEN,
				 "workers.lcores: socket %u of lcore %u not supported",
				 s, plan->rx_lcores[w]);
			return -EINVAL;
		}
		need[s] += PG_MBUF_PER_WORKER;
		for (p = 0; p < ports->n_ports; p++)
			if (w < ports->port[p].n_rxq)
				need[s] += ports->port[p].rx_desc;
	}
	for (s = 0; s < PG_MAX_SOCKETS; s++) {
		char name[RTE_MEMPOOL_NAMESIZE];
		unsigned int n;

		if (need[s] == 0)
			continue;
		/* Any TX queue or ring may hold mbufs of any pool. */
		need[s] += total_tx + plan->ring_mbufs;
		/* Mempools are most memory-efficient at 2^k - 1 elements. */
		n = rte_align32pow2(need[s] + 1) - 1;
		snprintf(name, sizeof(name), "pg_mbuf_s%u", s);
		ports->pool[s] = rte_pktmbuf_pool_create(name, n, PG_MBUF_CACHE,
				0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)s);
		if (ports->pool[s] == NULL) {
			snprintf(err, PG_CONF_ERR_LEN,
				 "cannot create mbuf pool of %u on socket %u: %s",
				 n, s, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		PORT_LOG(INFO, "mbuf pool %s: %u mbufs on socket %u", name, n, s);
	}
	return 0;
}

static int
setup_one(struct pg_ports *ports, struct pg_port *port, unsigned int idx,
	  const struct pg_port_plan *plan, char err[PG_CONF_ERR_LEN])
{
	struct rte_eth_conf eth_conf;
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nb_rxd = port->rx_desc, nb_txd = port->tx_desc;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_info_get(port->port_id, &info);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u] (%s): cannot get device info: %s",
			 idx, port->name, strerror(-ret));
		return ret;
	}
	if (port->n_rxq > info.max_rx_queues) {
		snprintf(err, PG_CONF_ERR_LEN,
			 "ports[%u].rx_queues: %s supports %u RX queues, %u requested",
			 idx, port->device, info.max_rx_queues, port->n_rxq);
		return -EINVAL;
	}
	if (port->n_txq > info.max_tx_queues) {
		snprintf(err, PG_CONF_ERR_LEN,
			 "ports[%u].device: %.64s has %u TX queues, %u forwarding lcores need one each",
			 idx, port->device, info.max_tx_queues, port->n_txq);
		return -EINVAL;
	}

	memset(&eth_conf, 0, sizeof(eth_conf));
	port->rss = false;
	if (port->n_rxq > 1 && info.flow_type_rss_offloads != 0) {
		eth_conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		eth_conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
			info.flow_type_rss_offloads;
		port->rss = true;
	} else if (port->n_rxq > 1) {
		PORT_LOG(WARNING, "%s: %s has no RSS; %u RX queues get what the driver gives them",
			 port->name, port->device, port->n_rxq);
	}
	port->rx_ip_cksum = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0;
	if (port->rx_ip_cksum)
		eth_conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	/* Fast free needs every mbuf of a TX queue from one pool, refcnt 1:
	 * true with a single pool (in rtc mode also per socket, but keep the
	 * rule simple). */
	if ((info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) &&
	    n_pools(ports) == 1)
		eth_conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;

	ret = rte_eth_dev_configure(port->port_id, port->n_rxq, port->n_txq, &eth_conf);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u] (%s): configure failed: %s",
			 idx, port->name, strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port->port_id, &nb_rxd, &nb_txd);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u] (%s): descriptor counts refused: %s",
			 idx, port->name, strerror(-ret));
		return ret;
	}
	port->rx_desc = nb_rxd;
	port->tx_desc = nb_txd;

	for (q = 0; q < port->n_rxq; q++) {
		int s = (int)rte_lcore_to_socket_id(plan->rx_lcores[q]);

		ret = rte_eth_rx_queue_setup(port->port_id, q, nb_rxd, s, NULL,
					     ports->pool[socket_index(s)]);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "ports[%u] (%s): RX queue %u: %s",
				 idx, port->name, q, strerror(-ret));
			return ret;
		}
	}
	txconf = info.default_txconf;
	txconf.offloads = eth_conf.txmode.offloads;
	for (q = 0; q < port->n_txq; q++) {
		int s = (int)rte_lcore_to_socket_id(plan->tx_lcores[q]);

		ret = rte_eth_tx_queue_setup(port->port_id, q, nb_txd, s, &txconf);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "ports[%u] (%s): TX queue %u: %s",
				 idx, port->name, q, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static void
set_mac(struct pg_port *port, const struct pg_conf_port *cp)
{
	int ret;

	if (!cp->has_mac) {
		rte_eth_macaddr_get(port->port_id, &port->mac);
		return;
	}
	memcpy(port->mac.addr_bytes, cp->mac, RTE_ETHER_ADDR_LEN);
	ret = rte_eth_dev_default_mac_addr_set(port->port_id, &port->mac);
	if (ret != 0) {
		/* Virtual devices often cannot change MAC: receive everything
		 * and let the data path filter on the configured MAC. */
		PORT_LOG(NOTICE, "%s: cannot set MAC on %s (%s); using promiscuous mode",
			 port->name, port->device, strerror(-ret));
		rte_eth_promiscuous_enable(port->port_id);
	}
}

int
pg_ports_setup(struct pg_ports *ports, const struct pg_conf *conf,
	       const struct pg_port_plan *plan, char err[PG_CONF_ERR_LEN])
{
	unsigned int i;
	int ret;

	memset(ports, 0, sizeof(*ports));
	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *cp = &conf->ports[i];
		struct pg_port *port = &ports->port[i];

		snprintf(port->name, sizeof(port->name), "%s", cp->name);
		snprintf(port->device, sizeof(port->device), "%s", cp->device);
		if (rte_eth_dev_get_port_by_name(cp->device, &port->port_id) != 0) {
			snprintf(err, PG_CONF_ERR_LEN,
				 "ports[%u].device: unknown DPDK device '%s'", i, cp->device);
			return -ENODEV;
		}
		port->n_rxq = cp->rx_queues ? cp->rx_queues : (uint16_t)plan->n_rx;
		port->n_txq = (uint16_t)plan->n_tx;
		port->rx_desc = cp->rx_desc ? cp->rx_desc : PG_CONF_DEFAULT_RX_DESC;
		port->tx_desc = cp->tx_desc ? cp->tx_desc : PG_CONF_DEFAULT_TX_DESC;
		port->socket = rte_eth_dev_socket_id(port->port_id);
		port->ip4 = cp->ip4;
		port->ip4_len = cp->ip4_len;
		ports->n_ports++;
	}
	ret = create_pools(ports, plan, err);
	if (ret != 0)
		return ret;
	for (i = 0; i < ports->n_ports; i++) {
		ret = setup_one(ports, &ports->port[i], i, plan, err);
		if (ret != 0)
			return ret;
		set_mac(&ports->port[i], &conf->ports[i]);
	}
	return 0;
}

int
pg_ports_start(struct pg_ports *ports, char err[PG_CONF_ERR_LEN])
{
	unsigned int i;
	int ret;

	for (i = 0; i < ports->n_ports; i++) {
		struct pg_port *port = &ports->port[i];
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		ret = rte_eth_dev_start(port->port_id);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "ports[%u] (%s): start failed: %s",
				 i, port->name, strerror(-ret));
			return ret;
		}
		port->started = true;
		rte_ether_format_addr(mac, sizeof(mac), &port->mac);
		PORT_LOG(INFO, "%s: %s port %u mac %s rxq %u txq %u desc %u/%u socket %d%s",
			 port->name, port->device, port->port_id, mac, port->n_rxq,
			 port->n_txq, port->rx_desc, port->tx_desc, port->socket,
			 port->rss ? " rss" : "");
	}
	return 0;
}

void
pg_ports_close(struct pg_ports *ports)
{
	unsigned int i;

	for (i = 0; i < ports->n_ports; i++) {
		struct pg_port *port = &ports->port[i];

		if (port->started) {
			int ret = rte_eth_dev_stop(port->port_id);

			if (ret != 0)
				PORT_LOG(WARNING, "%s: stop failed: %s", port->name,
					 strerror(-ret));
			port->started = false;
		}
		rte_eth_dev_close(port->port_id);
	}
	for (i = 0; i < PG_MAX_SOCKETS; i++) {
		rte_mempool_free(ports->pool[i]);
		ports->pool[i] = NULL;
	}
}

unsigned int
pg_ports_mbufs_in_use(const struct pg_ports *ports)
{
	unsigned int i, n = 0;

	for (i = 0; i < PG_MAX_SOCKETS; i++)
		if (ports->pool[i] != NULL)
			n += rte_mempool_in_use_count(ports->pool[i]);
	return n;
}
