/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The IPv6 resolver (pg_neigh6.h). Its state machine and rings are
 * neigh.c's (pg_neigh_timer_*(), pg_neigh_rings_*()); what differs is the
 * key (address and port), the message (Neighbor Solicitation) and the
 * table (pg_fib6).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "pg_neigh6.h"
#include "pg_pkt6.h"

RTE_LOG_REGISTER_SUFFIX(pg_neigh6_logtype, neigh6, INFO);
#define NEIGH6_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_neigh6_logtype, "pktgate.neigh6: " fmt "\n", ##__VA_ARGS__)

#define EVENTS_PER_TICK 256

struct key {
	uint8_t ip[16];
	uint16_t port;
	uint16_t zero;
};

struct entry {
	struct key k;
	uint8_t mac[6];
	struct pg_neigh_timer t;
};

struct pg_neigh6 {
	struct pg_fib6 *fib;
	struct pg_neigh_params p;
	struct rte_mempool *pool;
	struct rte_ring *inject;
	unsigned int n_rings;
	struct rte_ring **events;
	struct rte_hash *index;        /**< key -> position in entries[] */
	struct entry *entries;
	pthread_mutex_t lock;          /**< vs telemetry */
	struct pg_neigh_counters c;
};

struct pg_neigh6 *
pg_neigh6_create(struct pg_fib6 *fib, const struct pg_neigh_params *params,
		 unsigned int n_workers, struct rte_mempool *pool, struct rte_ring *inject,
		 int socket)
{
	static unsigned int instance;
	struct rte_hash_parameters hp;
	struct pg_neigh6 *n;
	char name[RTE_RING_NAMESIZE];

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	pthread_mutex_init(&n->lock, NULL);
	pg_neigh_params_defaults(&n->p, params);
	n->fib = fib;
	n->pool = pool;
	n->inject = inject;
	n->n_rings = n_workers;
	n->events = pg_neigh_rings_create("pg_n6ev", instance, n_workers,
					  sizeof(struct pg_neigh6_event), socket);
	n->entries = calloc(n->p.max_entries, sizeof(*n->entries));
	if (n->events == NULL || n->entries == NULL)
		goto fail;
	memset(&hp, 0, sizeof(hp));
	snprintf(name, sizeof(name), "pg_n6idx%u", instance++);
	hp.name = name;
	hp.entries = n->p.max_entries;
	hp.key_len = sizeof(struct key);
	hp.hash_func = rte_jhash;
	hp.socket_id = socket;
	n->index = rte_hash_create(&hp);
	if (n->index == NULL)
		goto fail;
	return n;
fail:
	pg_neigh6_free(n);
	return NULL;
}

void
pg_neigh6_free(struct pg_neigh6 *n)
{
	if (n == NULL)
		return;
	pg_neigh_rings_free(n->events, n->n_rings);
	rte_hash_free(n->index);
	free(n->entries);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

struct rte_ring *
pg_neigh6_event_ring(struct pg_neigh6 *n, unsigned int i)
{
	return i < n->n_rings ? n->events[i] : NULL;
}

/* A Neighbor Solicitation for @p e: multicast, or unicast to the MAC we
 * knew when re-checking a reachable entry. */
static void
send_solicit(struct pg_neigh6 *n, const struct entry *e, bool unicast)
{
	const struct pg_fib6_port *p = &n->fib->port[e->k.port];
	const uint32_t len = sizeof(struct rte_ether_hdr) + PG_IP6_HLEN + PG_ND_NS_LEN;
	struct rte_mbuf *m = rte_pktmbuf_alloc(n->pool);
	struct rte_ether_hdr *eth;

	if (m == NULL)
		return;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	pg_nd_ns_build(eth, &p->mac, pg_fib6_is_link_local(e->k.ip) ? p->ll : p->global,
		       e->k.ip, unicast ? e->mac : NULL);
	m->hash.usr = e->k.port;
	if (rte_ring_sp_enqueue(n->inject, m) != 0) {
		rte_pktmbuf_free(m);
		n->c.inject_full++;
		return;
	}
	n->c.requests++;
}

static struct entry *
find(struct pg_neigh6 *n, const struct key *k)
{
	const int pos = rte_hash_lookup(n->index, k);

	return pos < 0 ? NULL : &n->entries[pos];
}

static void
forget(struct pg_neigh6 *n, struct entry *e)
{
	const struct key k = e->k;

	rte_hash_del_key(n->index, &k);
	memset(e, 0, sizeof(*e));
}

/* Ours to resolve: on that port's link, not configured, not us. */
static bool
resolvable(struct pg_neigh6 *n, const struct key *k)
{
	if (k->port >= n->fib->n_ports || !n->fib->port[k->port].enabled)
		return false;
	if (!pg_fib6_is_link_local(k->ip) && pg_fib6_port_of(n->fib, k->ip) != (int)k->port)
		return false;
	if (memcmp(k->ip, n->fib->port[k->port].global, 16) == 0 ||
	    memcmp(k->ip, n->fib->port[k->port].ll, 16) == 0)
		return false;
	return pg_fib6_neigh_kind(n->fib, k->ip, k->port) != PG_FIB_NEIGH_STATIC;
}

static struct entry *
add(struct pg_neigh6 *n, const struct key *k)
{
	struct entry *e;
	const int pos = rte_hash_add_key(n->index, k);

	if (pos < 0) {
		n->c.table_full++;
		return NULL;
	}
	e = &n->entries[pos];
	memset(e, 0, sizeof(*e));
	e->k = *k;
	e->t.state = PG_NEIGH_INCOMPLETE;
	return e;
}

static void
on_resolve(struct pg_neigh6 *n, const struct key *k, double now)
{
	struct entry *e = find(n, k);

	if (e != NULL) {
		/* Asked already, or known; a failed address waits its hold. */
		if (pg_neigh_timer_resolve(&e->t, &n->p, now, false) == PG_NEIGH_ACT_ASK)
			send_solicit(n, e, false);
		return;
	}
	if (!resolvable(n, k) || pg_fib6_neigh_kind(n->fib, k->ip, k->port) != PG_FIB_NEIGH_NONE)
		return;
	e = add(n, k);
	if (e == NULL)
		return;
	pg_neigh_timer_resolve(&e->t, &n->p, now, true);
	send_solicit(n, e, false);
}

static void
on_seen(struct pg_neigh6 *n, const struct key *k, const struct pg_neigh6_event *ev,
	double now)
{
	struct entry *e = find(n, k);
	char err[PG_CONF_ERR_LEN], a[PG_CONF_IP6_STRLEN];

	/* A solicitation for us with its sender's address: learned (RFC 4861
	 * 7.2.3); otherwise only what we asked for. */
	if (e == NULL && ev->kind == PG_NEIGH_EV_ASKED_US && resolvable(n, k) &&
	    pg_fib6_neigh_kind(n->fib, k->ip, k->port) == PG_FIB_NEIGH_NONE)
		e = add(n, k);
	if (e == NULL)
		return;
	if (e->t.state != PG_NEIGH_REACHABLE || memcmp(e->mac, ev->mac, 6) != 0) {
		if (pg_fib6_neigh_set(n->fib, k->ip, ev->mac, k->port, PG_FIB_NEIGH_DYNAMIC,
				      err) != 0) {
			NEIGH6_LOG(WARNING, "%s: not learned: %s",
				   pg_conf_ip6_str(k->ip, a, sizeof(a)), err);
			forget(n, e);
			return;
		}
	}
	memcpy(e->mac, ev->mac, 6);
	if (pg_neigh_timer_answered(&e->t, &n->p, now))
		n->c.learned++;
}

static void
age(struct pg_neigh6 *n, struct entry *e, double now)
{
	char err[PG_CONF_ERR_LEN];

	switch (pg_neigh_timer_age(&e->t, &n->p, now, &n->c)) {
	case PG_NEIGH_ACT_ASK:
		send_solicit(n, e, false);
		break;
	case PG_NEIGH_ACT_ASK_UNICAST:
		send_solicit(n, e, true);
		break;
	case PG_NEIGH_ACT_EXPIRED:
		if (pg_fib6_neigh_kind(n->fib, e->k.ip, e->k.port) == PG_FIB_NEIGH_DYNAMIC)
			pg_fib6_neigh_del(n->fib, e->k.ip, e->k.port, err);
		forget(n, e);
		break;
	case PG_NEIGH_ACT_FORGET:
		forget(n, e);
		break;
	default:
		break;
	}
}

void
pg_neigh6_poll(struct pg_neigh6 *n, double now)
{
	struct pg_neigh6_event ev[EVENTS_PER_TICK];
	const void *kp;
	void *data;
	uint32_t iter = 0;
	unsigned int r, i, k;
	int pos;

	pthread_mutex_lock(&n->lock);
	for (r = 0; r < n->n_rings; r++) {
		k = rte_ring_sc_dequeue_burst_elem(n->events[r], ev, sizeof(ev[0]),
						   EVENTS_PER_TICK, NULL);
		n->c.events += k;
		for (i = 0; i < k; i++) {
			struct key key = { .port = ev[i].port };

			memcpy(key.ip, ev[i].ip, 16);
			if (ev[i].kind == PG_NEIGH_EV_RESOLVE)
				on_resolve(n, &key, now);
			else
				on_seen(n, &key, &ev[i], now);
		}
	}
	while ((pos = rte_hash_iterate(n->index, &kp, &data, &iter)) >= 0)
		age(n, &n->entries[pos], now);
	pthread_mutex_unlock(&n->lock);
}

bool
pg_neigh6_state_of(struct pg_neigh6 *n, const uint8_t ip[16], uint16_t port,
		   enum pg_neigh_state *st)
{
	struct key k = { .port = port };
	const struct entry *e;

	memcpy(k.ip, ip, 16);
	pthread_mutex_lock(&n->lock);
	e = find(n, &k);
	if (e != NULL)
		*st = (enum pg_neigh_state)e->t.state;
	pthread_mutex_unlock(&n->lock);
	return e != NULL;
}

void
pg_neigh6_counters(struct pg_neigh6 *n, struct pg_neigh_counters *out,
		   unsigned int *incomplete)
{
	const void *kp;
	void *data;
	uint32_t iter = 0;
	int pos;

	pthread_mutex_lock(&n->lock);
	*out = n->c;
	*incomplete = 0;
	while ((pos = rte_hash_iterate(n->index, &kp, &data, &iter)) >= 0)
		if (n->entries[pos].t.state == PG_NEIGH_INCOMPLETE ||
		    n->entries[pos].t.state == PG_NEIGH_FAILED)
			(*incomplete)++;
	pthread_mutex_unlock(&n->lock);
}
