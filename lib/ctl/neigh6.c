/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The IPv6 resolver (pg_neigh6.h). Its entries, state machine and rings
 * are neigh_table.c's and neigh.c's; what differs is here: the key
 * (address and port), the message (Neighbor Solicitation) and the table
 * (pg_fib6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "pg_neigh6.h"
#include "pg_neigh_table.h"
#include "pg_pkt6.h"

RTE_LOG_REGISTER_SUFFIX(pg_neigh6_logtype, neigh6, INFO);
#define NEIGH6_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_neigh6_logtype, "pktgate.neigh6: " fmt "\n", ##__VA_ARGS__)

struct pg_neigh6 {
	struct pg_fib6 *fib;
	struct pg_neigh_table t;       /**< keyed by address and port */
};

static const uint8_t *
key_ip(const union pg_neigh_key *k)
{
	return k->ip6.ip;
}

/* Ours to resolve: on that port's link, not configured, not us. */
static bool
nd_may_learn(void *ctx, const union pg_neigh_key *k, uint16_t port)
{
	const struct pg_neigh6 *n = ctx;
	const uint8_t *ip = key_ip(k);

	if (port >= n->fib->n_ports || !n->fib->port[port].enabled)
		return false;
	if (!pg_fib6_is_link_local(ip) && pg_fib6_port_of(n->fib, ip) != (int)port)
		return false;
	if (memcmp(ip, n->fib->port[port].global, 16) == 0 ||
	    memcmp(ip, n->fib->port[port].ll, 16) == 0)
		return false;
	return pg_fib6_neigh_kind(n->fib, ip, port) == PG_FIB_NEIGH_NONE;
}

/* A Neighbor Solicitation for @p e: multicast, or unicast to the MAC we
 * knew when re-checking a reachable entry. */
static void
nd_build_request(void *ctx, const struct pg_neigh_entry *e, bool unicast,
		 struct rte_mbuf *m)
{
	const struct pg_neigh6 *n = ctx;
	const struct pg_fib6_port *p = &n->fib->port[e->port];
	const uint32_t len = sizeof(struct rte_ether_hdr) + PG_IP6_HLEN + PG_ND_NS_LEN;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	const uint8_t *ip = key_ip(&e->k);

	pg_nd_ns_build(eth, &p->mac, pg_fib6_is_link_local(ip) ? p->ll : p->global, ip,
		       unicast ? e->mac : NULL);
}

static int
nd_install(void *ctx, const struct pg_neigh_entry *e, const uint8_t mac[6])
{
	struct pg_neigh6 *n = ctx;
	char err[PG_CONF_ERR_LEN], a[PG_CONF_IP6_STRLEN];

	if (pg_fib6_neigh_set(n->fib, key_ip(&e->k), mac, e->port, PG_FIB_NEIGH_DYNAMIC,
			      err) == 0)
		return 0;
	NEIGH6_LOG(WARNING, "%s: not learned: %s", pg_conf_ip6_str(key_ip(&e->k), a, sizeof(a)),
		   err);
	return -1;
}

static void
nd_expire(void *ctx, const struct pg_neigh_entry *e)
{
	struct pg_neigh6 *n = ctx;
	char err[PG_CONF_ERR_LEN];

	if (pg_fib6_neigh_kind(n->fib, key_ip(&e->k), e->port) == PG_FIB_NEIGH_DYNAMIC)
		pg_fib6_neigh_del(n->fib, key_ip(&e->k), e->port, err);
}

static void
key_of(union pg_neigh_key *k, const uint8_t ip[16], uint16_t port)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->ip6.ip, ip, 16);
	k->ip6.port = port;
}

static void
nd_decode(const void *ev, union pg_neigh_key *k, uint16_t *port, uint8_t *kind,
	  const uint8_t **mac)
{
	const struct pg_neigh6_event *e = ev;

	key_of(k, e->ip, e->port);
	*port = e->port;
	*kind = e->kind;
	*mac = e->mac;
}

static const struct pg_neigh_ops nd_ops = {
	.may_learn = nd_may_learn,
	.build_request = nd_build_request,
	.install = nd_install,
	.expire = nd_expire,
	.decode = nd_decode,
};

struct pg_neigh6 *
pg_neigh6_create(struct pg_fib6 *fib, const struct pg_neigh_params *params,
		 unsigned int n_workers, struct rte_mempool *pool, struct rte_ring *inject,
		 int socket)
{
	static unsigned int instance;
	const struct pg_neigh_table_params tp = {
		.tag = "pg_n6",
		.instance = instance++,
		.key_len = sizeof(((union pg_neigh_key *)0)->ip6),
		.n_rings = n_workers,
		.event_size = sizeof(struct pg_neigh6_event),
		.pool = pool,
		.inject = inject,
		.socket = socket,
	};
	struct pg_neigh6 *n;

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->fib = fib;
	if (pg_neigh_table_init(&n->t, &tp, params, &nd_ops, n) != 0) {
		pg_neigh6_free(n);
		return NULL;
	}
	return n;
}

void
pg_neigh6_free(struct pg_neigh6 *n)
{
	if (n == NULL)
		return;
	pg_neigh_table_fini(&n->t);
	free(n);
}

struct rte_ring *
pg_neigh6_event_ring(struct pg_neigh6 *n, unsigned int i)
{
	return i < n->t.n_rings ? n->t.events[i] : NULL;
}

void
pg_neigh6_poll(struct pg_neigh6 *n, double now)
{
	pg_neigh_table_poll(&n->t, now);
}

bool
pg_neigh6_state_of(struct pg_neigh6 *n, const uint8_t ip[16], uint16_t port,
		   enum pg_neigh_state *st)
{
	union pg_neigh_key k;

	key_of(&k, ip, port);
	return pg_neigh_table_state_of(&n->t, &k, st);
}

void
pg_neigh6_counters(struct pg_neigh6 *n, struct pg_neigh_counters *out,
		   unsigned int *incomplete)
{
	pg_neigh_table_counters(&n->t, out, incomplete);
}
