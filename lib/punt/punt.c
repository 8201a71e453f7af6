/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The exception path, control side (docs/punt.md, pg_punt.h): the kernel
 * interfaces (net_tap or virtio_user, backend.c,
 * docs/decisions/0008-exception-path.md), the rings from the workers, and
 * the way back through the inject ring.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "pg_punt.h"
#include "punt_private.h"

RTE_LOG_REGISTER_SUFFIX(pg_punt_logtype, punt, INFO);
#define PUNT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_punt_logtype, "pktgate.punt: " fmt "\n", ##__VA_ARGS__)

#define TAP_DESC PG_PUNT_DESC      /* each way, per kernel interface */
#define INJECT_SIZE 1024           /* our own inject ring, without dynamic ARP */
#define BURST 32
/* Work per tick and direction: bounds the control thread's tick under a
 * flood (the rings and the kernel's queue absorb the rest). */
#define PER_TICK 1024

struct punt_port {
	uint16_t port;                 /* pktgate port index */
	uint16_t tap_id;               /* ethdev id of the net_tap / virtio_user */
	enum pg_conf_mirror_backend backend;
	int ifindex;
	bool probed, started;
	char vdev[RTE_DEV_NAME_MAX_LEN];
	char tap[PG_CONF_TAP_LEN];
	/* Written by the control thread, read by telemetry: relaxed. */
	uint64_t to_kernel, to_kernel_drops, from_kernel, from_kernel_drops;
};

struct pg_punt {
	unsigned int ring_size;
	unsigned int n_rings;
	struct rte_ring *rings[PG_CONF_MAX_WORKERS];
	struct rte_ring *inject;       /* the first forwarding worker's */
	bool own_inject;
	unsigned int n_ports;
	struct punt_port ports[PG_MAX_PORTS];
	int8_t by_port[PG_MAX_PORTS];  /* pktgate port -> ports[], -1: none */
	char port_names[PG_MAX_PORTS][PG_CONF_NAME_LEN];
};

static void
add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

unsigned int
pg_punt_mbufs(const struct pg_conf *conf, unsigned int n_fwd)
{
	if (conf->n_mirrors == 0)
		return 0;
	return n_fwd * conf->punt_ring_size + conf->n_mirrors * 2 * TAP_DESC + INJECT_SIZE +
	       PG_MBUF_CACHE;
}

static struct rte_mempool *
any_pool(const struct pg_ports *ports)
{
	unsigned int s;

	for (s = 0; s < PG_MAX_SOCKETS; s++)
		if (ports->pool[s] != NULL)
			return ports->pool[s];
	return NULL;
}

/* Hot-plug the vdev (backend.c): the kernel interface appears, and gets
 * the port's MAC (net_tap at once, virtio_user when it starts). */
static int
tap_probe(struct punt_port *pp, const struct pg_port *port, unsigned int i,
	  char err[PG_CONF_ERR_LEN])
{
	char args[160];
	int ret;

	if (pg_punt_vdev(pp->backend, pp->port, pp->tap, port->mac.addr_bytes, pp->vdev,
			 sizeof(pp->vdev), args, sizeof(args)) != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: vdev arguments too long", i);
		return -ENAMETOOLONG;
	}
	ret = rte_eal_hotplug_add("vdev", pp->vdev, args);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: cannot create kernel interface "
			 "'%s' (%s %s): %s", i, pp->tap, pg_punt_backend_name(pp->backend), args,
			 strerror(-ret));
		return ret;
	}
	pp->probed = true;
	if (rte_eth_dev_get_port_by_name(pp->vdev, &pp->tap_id) != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: %s has no ethdev", i, pp->vdev);
		return -ENODEV;
	}
	return 0;
}

/* One queue each way, owned by the control thread alone. */
static int
tap_start(struct punt_port *pp, const struct pg_conf_port *cp, struct rte_mempool *pool,
	  unsigned int i, char err[PG_CONF_ERR_LEN])
{
	const int socket = (int)rte_socket_id();
	struct rte_eth_conf eth_conf;
	const char *step;
	int ret;

	memset(&eth_conf, 0, sizeof(eth_conf));
	step = "configure";
	ret = rte_eth_dev_configure(pp->tap_id, 1, 1, &eth_conf);
	if (ret == 0) {
		step = "RX queue";
		ret = rte_eth_rx_queue_setup(pp->tap_id, 0, TAP_DESC, socket, NULL, pool);
	}
	if (ret == 0) {
		step = "TX queue";
		ret = rte_eth_tx_queue_setup(pp->tap_id, 0, TAP_DESC, socket, NULL);
	}
	if (ret == 0) {
		step = "MTU";
		ret = rte_eth_dev_set_mtu(pp->tap_id, cp->mtu);
	}
	if (ret == 0) {
		step = "start";
		ret = rte_eth_dev_start(pp->tap_id);
	}
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: %s: %s failed: %s", i, pp->tap,
			 step, strerror(-ret));
		return ret;
	}
	pp->started = true;
	rte_eth_dev_set_link_up(pp->tap_id);
	return 0;
}

/* The kernel side, the same for both backends: MTU and link up (net_tap
 * did both already, virtio_user's interface is still down), addresses of
 * the port, and the neighbors pktgate was given, so that the kernel needs
 * no ARP or ND for them. */
static int
tap_kernel_setup(struct punt_port *pp, const struct pg_conf *conf, unsigned int i,
		 const struct pg_port *port, char err[PG_CONF_ERR_LEN])
{
	const struct pg_conf_port *cp = &conf->ports[i];
	const uint32_t ip4 = htonl(cp->ip4);
	uint8_t ll[16];
	unsigned int k;
	int ret;

	pp->ifindex = (int)if_nametoindex(pp->tap);
	if (pp->ifindex == 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: kernel interface %s not found "
			 "after creation", i, pp->tap);
		return -ENODEV;
	}
	ret = pg_punt_nl_link_up(pp->ifindex, cp->mtu);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: cannot set %s up (MTU %u): %s", i,
			 pp->tap, cp->mtu, strerror(-ret));
		return ret;
	}
	ret = pg_punt_nl_addr(pp->ifindex, AF_INET, &ip4, cp->ip4_len);
	if (ret == 0 && cp->has_ip6)
		ret = pg_punt_nl_addr(pp->ifindex, AF_INET6, cp->ip6, cp->ip6_len);
	/* pktgate's link-local address (the one it answers ND for), which
	 * BGP announces as next hop beside the global one: see
	 * pg_punt_ipv6_no_auto_ll(). */
	if (ret == 0 && cp->has_ip6) {
		pg_conf_ip6_link_local(port->mac.addr_bytes, ll);
		ret = pg_punt_nl_addr(pp->ifindex, AF_INET6, ll, 64);
	}
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u].tap: cannot set the addresses of %s: %s",
			 i, pp->tap, strerror(-ret));
		return ret;
	}
	for (k = 0; k < conf->n_neighbors; k++) {
		const struct pg_conf_neighbor *nb = &conf->neighbors[k];
		const uint32_t ip = htonl(nb->ip);

		if (nb->port != i)
			continue;
		ret = pg_punt_nl_neigh(pp->ifindex, AF_INET, &ip, nb->mac);
		if (ret != 0)
			PUNT_LOG(NOTICE, "%s: neighbor entry refused: %s", pp->tap, strerror(-ret));
	}
	/* IPv6 neighbors of the port: global ones (inside its prefix) and
	 * link-local ones (the config names their port). */
	for (k = 0; cp->has_ip6 && k < conf->n_neighbors6; k++) {
		const struct pg_conf_neighbor6 *nb = &conf->neighbors6[k];

		if (nb->port != i)
			continue;
		ret = pg_punt_nl_neigh(pp->ifindex, AF_INET6, nb->ip, nb->mac);
		if (ret != 0)
			PUNT_LOG(NOTICE, "%s: IPv6 neighbor entry refused: %s", pp->tap,
				 strerror(-ret));
	}
	return 0;
}

/* Every forwarding worker gets a ring; the first one's inject ring (the
 * resolver's, or ours without one) carries the kernel's frames. */
static int
attach(struct pg_punt *pu, struct pg_workers *ws)
{
	const int socket = (int)rte_socket_id();
	static unsigned int instance;
	char name[RTE_RING_NAMESIZE];
	struct pg_fwd_lcore *first = NULL;
	unsigned int i;

	for (i = 0; i < ws->n; i++) {
		struct pg_worker *wk = ws->w[i];

		if (wk->role == PG_ROLE_RX)
			continue;
		snprintf(name, sizeof(name), "pg_punt%u_%u", instance, pu->n_rings);
		pu->rings[pu->n_rings] = rte_ring_create(name, pu->ring_size,
			(int)rte_lcore_to_socket_id(wk->lcore_id), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (pu->rings[pu->n_rings] == NULL)
			return -ENOMEM;
		wk->fwd.punt = pu->rings[pu->n_rings++];
		if (first == NULL)
			first = &wk->fwd;
	}
	if (first == NULL)
		return -EINVAL;
	if (first->inject == NULL) {
		snprintf(name, sizeof(name), "pg_pinj%u", instance);
		first->inject = rte_ring_create(name, INJECT_SIZE, socket,
						RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (first->inject == NULL)
			return -ENOMEM;
		pu->own_inject = true;
	}
	pu->inject = first->inject;
	instance++;
	return 0;
}

/* Every mirror's device is there (/dev/vhost-net is often not): fail
 * with one line naming the port before anything is created. */
static int
check_backends(const struct pg_conf *conf, char err[PG_CONF_ERR_LEN])
{
	const char *dev;
	unsigned int i;
	int ret;

	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *cp = &conf->ports[i];

		if (cp->tap[0] == '\0')
			continue;
		ret = pg_punt_backend_check(cp->mirror_backend, &dev);
		if (ret == 0)
			continue;
		snprintf(err, PG_CONF_ERR_LEN, "ports[%u] '%s': the %s kernel mirror needs %s: "
			 "%s%s", i, cp->name, pg_punt_backend_name(cp->mirror_backend), dev,
			 strerror(-ret), cp->mirror_backend == PG_CONF_MIRROR_VIRTIO_USER ?
			 " (modprobe vhost_net, or punt.backend: tap)" : "");
		return ret;
	}
	return 0;
}

struct pg_punt *
pg_punt_create(const struct pg_conf *conf, const struct pg_ports *ports,
	       struct pg_workers *ws, struct pg_fwd_ctx *ctx, char err[PG_CONF_ERR_LEN])
{
	struct rte_mempool *pool = any_pool(ports);
	struct pg_punt *pu;
	unsigned int i;

	err[0] = '\0';
	if (conf->n_mirrors == 0 || check_backends(conf, err) != 0)
		return NULL;
	pu = calloc(1, sizeof(*pu));
	if (pu == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "cannot allocate the exception path");
		return NULL;
	}
	pu->ring_size = conf->punt_ring_size;
	memset(pu->by_port, -1, sizeof(pu->by_port));
	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *cp = &conf->ports[i];
		struct punt_port *pp = &pu->ports[pu->n_ports];

		snprintf(pu->port_names[i], sizeof(pu->port_names[i]), "%s", cp->name);
		if (cp->tap[0] == '\0')
			continue;
		pp->port = (uint16_t)i;
		pp->backend = cp->mirror_backend;
		snprintf(pp->tap, sizeof(pp->tap), "%s", cp->tap);
		pu->n_ports++;
		if (tap_probe(pp, &ports->port[i], i, err) != 0)
			goto fail;
		/* No IPv6 on the port, none on its mirror: no link-local
		 * chatter (router solicitations, MLD) going out of the port.
		 * Before the link goes up (tap_start), or the kernel's first
		 * MLD report and solicitation are already on their way. */
		if (!cp->has_ip6 && pg_punt_ipv6_off(pp->tap) != 0)
			PUNT_LOG(NOTICE, "%s: cannot turn IPv6 off", pp->tap);
		/* With IPv6: the mirror's link-local address must be pktgate's
		 * (added by tap_kernel_setup()), not one the kernel forms by
		 * the host's addr_gen_mode (stable-privacy or random ones are
		 * not pktgate's, and nobody answers ND for them) after a
		 * second of duplicate address detection. */
		if (cp->has_ip6 && pg_punt_ipv6_no_auto_ll(pp->tap) != 0)
			PUNT_LOG(NOTICE, "%s: cannot keep the kernel from forming its own "
				 "link-local address", pp->tap);
		if (tap_start(pp, cp, pool, i, err) != 0 ||
		    tap_kernel_setup(pp, conf, i, &ports->port[i], err) != 0)
			goto fail;
		pu->by_port[i] = (int8_t)(pu->n_ports - 1);
		PUNT_LOG(INFO, "%s: kernel interface %s (%s, ifindex %d, ethdev %u)", cp->name,
			 pp->tap, pg_punt_backend_name(pp->backend), pp->ifindex, pp->tap_id);
	}
	if (attach(pu, ws) != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "cannot allocate the punt rings (punt.ring_size %u)",
			 pu->ring_size);
		goto fail;
	}
	for (i = 0; i < pu->n_ports; i++)
		ctx->port[pu->ports[i].port].punt = 1;
	return pu;
fail:
	pg_punt_free(pu);
	/* The workers must not keep rings that are gone. */
	for (i = 0; i < ws->n; i++)
		ws->w[i]->fwd.punt = NULL;
	return NULL;
}

/* Frames of one ring to their taps; what a tap refuses is freed. */
static void
to_kernel(struct pg_punt *pu, struct rte_mbuf **pkts, unsigned int n)
{
	struct rte_mbuf *per[PG_MAX_PORTS][BURST];
	uint16_t cnt[PG_MAX_PORTS] = {0};
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		const uint32_t port = pkts[i]->hash.usr;
		const int k2 = port < PG_MAX_PORTS ? pu->by_port[port] : -1;

		if (k2 < 0) {
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		per[k2][cnt[k2]++] = pkts[i];
	}
	for (k = 0; k < pu->n_ports; k++) {
		struct punt_port *pp = &pu->ports[k];
		uint16_t sent;

		if (cnt[k] == 0)
			continue;
		sent = rte_eth_tx_burst(pp->tap_id, 0, per[k], cnt[k]);
		if (sent < cnt[k])
			rte_pktmbuf_free_bulk(&per[k][sent], cnt[k] - sent);
		add(&pp->to_kernel, sent);
		add(&pp->to_kernel_drops, cnt[k] - sent);
	}
}

/* What the kernel sent on a mirror goes out of its port, by the first
 * forwarding worker (the control thread never uses a worker's queue). */
static void
from_kernel(struct pg_punt *pu, struct punt_port *pp)
{
	struct rte_mbuf *pkts[BURST];
	unsigned int done = 0, i, sent;
	uint16_t n;

	do {
		n = rte_eth_rx_burst(pp->tap_id, 0, pkts, BURST);
		for (i = 0; i < n; i++)
			pkts[i]->hash.usr = pp->port;
		sent = n == 0 ? 0 : rte_ring_sp_enqueue_burst(pu->inject, (void **)pkts, n, NULL);
		if (sent < n)
			rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
		add(&pp->from_kernel, sent);
		add(&pp->from_kernel_drops, n - sent);
		done += n;
	} while (n == BURST && done < PER_TICK);
}

void
pg_punt_poll(struct pg_punt *pu)
{
	struct rte_mbuf *pkts[BURST];
	unsigned int r, k, n, done;

	for (r = 0; r < pu->n_rings; r++) {
		done = 0;
		do {
			n = rte_ring_sc_dequeue_burst(pu->rings[r], (void **)pkts, BURST, NULL);
			to_kernel(pu, pkts, n);
			done += n;
		} while (n == BURST && done < PER_TICK);
	}
	for (k = 0; k < pu->n_ports; k++)
		from_kernel(pu, &pu->ports[k]);
}

static void
drain_free(struct rte_ring *ring)
{
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

void
pg_punt_free(struct pg_punt *pu)
{
	unsigned int i;

	if (pu == NULL)
		return;
	for (i = 0; i < pu->n_ports; i++) {
		struct punt_port *pp = &pu->ports[i];

		if (pp->started)
			rte_eth_dev_stop(pp->tap_id);
		/* Closing the vdev removes the kernel interface. */
		if (pp->probed) {
			rte_eth_dev_close(pp->tap_id);
			rte_eal_hotplug_remove("vdev", pp->vdev);
		}
	}
	for (i = 0; i < pu->n_rings; i++) {
		drain_free(pu->rings[i]);
		rte_ring_free(pu->rings[i]);
	}
	if (pu->own_inject) {
		drain_free(pu->inject);
		rte_ring_free(pu->inject);
	}
	free(pu);
}

int
pg_punt_ifindex(const struct pg_punt *pu, uint16_t port)
{
	if (pu == NULL || port >= PG_MAX_PORTS || pu->by_port[port] < 0)
		return 0;
	return pu->ports[pu->by_port[port]].ifindex;
}

void
pg_punt_get_stats(const struct pg_punt *pu, struct pg_punt_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->ring_size = pu->ring_size;
	out->n_ports = pu->n_ports;
	for (i = 0; i < pu->n_ports; i++) {
		const struct punt_port *pp = &pu->ports[i];
		struct pg_punt_port_stats *o = &out->port[i];

		snprintf(o->port, sizeof(o->port), "%s", pu->port_names[pp->port]);
		snprintf(o->tap, sizeof(o->tap), "%s", pp->tap);
		o->backend = pg_punt_backend_name(pp->backend);
		o->ifindex = pp->ifindex;
		o->to_kernel = __atomic_load_n(&pp->to_kernel, __ATOMIC_RELAXED);
		o->to_kernel_drops = __atomic_load_n(&pp->to_kernel_drops, __ATOMIC_RELAXED);
		o->from_kernel = __atomic_load_n(&pp->from_kernel, __ATOMIC_RELAXED);
		o->from_kernel_drops = __atomic_load_n(&pp->from_kernel_drops, __ATOMIC_RELAXED);
	}
}
