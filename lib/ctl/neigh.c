/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "pg_neigh.h"

RTE_LOG_REGISTER_SUFFIX(pg_neigh_logtype, neigh, INFO);
#define NEIGH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_neigh_logtype, "pktgate.neigh: " fmt "\n", ##__VA_ARGS__)

/* Events read per ring and tick: bounds a tick's work under an ARP storm. */
#define EVENTS_PER_TICK 256

struct entry {
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];          /**< last learned */
	struct pg_neigh_timer t;
};

struct pg_neigh {
	struct pg_fib *fib;
	struct pg_neigh_params p;
	struct rte_mempool *pool;
	struct rte_ring *inject;
	unsigned int n_rings;
	struct rte_ring **events;
	struct rte_hash *index;        /**< ip -> position in entries[] */
	struct entry *entries;
	pthread_mutex_t lock;          /**< vs telemetry */
	struct pg_neigh_counters c;
};

static const char *const state_names[] = {
	[PG_NEIGH_INCOMPLETE] = "incomplete",
	[PG_NEIGH_REACHABLE] = "reachable",
	[PG_NEIGH_PROBE] = "probe",
	[PG_NEIGH_FAILED] = "failed",
};

const char *
pg_neigh_state_name(enum pg_neigh_state st)
{
	return (unsigned int)st < RTE_DIM(state_names) ? state_names[st] : "?";
}

void
pg_neigh_params_defaults(struct pg_neigh_params *p, const struct pg_neigh_params *in)
{
	memset(p, 0, sizeof(*p));
	if (in != NULL)
		*p = *in;
	if (p->reachable_s <= 0)
		p->reachable_s = 300;
	if (p->retry_s <= 0)
		p->retry_s = 1;
	if (p->probes == 0)
		p->probes = 3;
	if (p->failed_hold_s <= 0)
		p->failed_hold_s = 20;
	if (p->max_entries == 0)
		p->max_entries = 4096;
}

/* ---- shared with neigh6.c -------------------------------------------------- */

enum pg_neigh_action
pg_neigh_timer_resolve(struct pg_neigh_timer *t, const struct pg_neigh_params *p,
		       double now, bool is_new)
{
	if (!is_new && (t->state != PG_NEIGH_FAILED || now < t->failed_until))
		return PG_NEIGH_ACT_NONE;
	t->state = PG_NEIGH_INCOMPLETE;
	t->probes = 1;
	t->deadline = now + p->retry_s;
	return PG_NEIGH_ACT_ASK;
}

bool
pg_neigh_timer_answered(struct pg_neigh_timer *t, const struct pg_neigh_params *p,
			double now)
{
	const bool learned = t->state != PG_NEIGH_REACHABLE && t->state != PG_NEIGH_PROBE;

	t->state = PG_NEIGH_REACHABLE;
	t->probes = 0;
	t->deadline = now + p->reachable_s;
	return learned;
}

enum pg_neigh_action
pg_neigh_timer_age(struct pg_neigh_timer *t, const struct pg_neigh_params *p, double now,
		   struct pg_neigh_counters *c)
{
	if (t->state == PG_NEIGH_FAILED)
		return now >= t->failed_until ? PG_NEIGH_ACT_FORGET : PG_NEIGH_ACT_NONE;
	if (now < t->deadline)
		return PG_NEIGH_ACT_NONE;
	switch (t->state) {
	case PG_NEIGH_INCOMPLETE:
		if (t->probes >= p->probes) {
			t->state = PG_NEIGH_FAILED;
			t->failed_until = now + p->failed_hold_s;
			c->failed++;
			return PG_NEIGH_ACT_NONE;
		}
		t->probes++;
		t->deadline = now + p->retry_s;
		return PG_NEIGH_ACT_ASK;
	case PG_NEIGH_REACHABLE:
		t->state = PG_NEIGH_PROBE;
		t->probes = 1;
		t->deadline = now + p->retry_s;
		return PG_NEIGH_ACT_ASK_UNICAST;
	default:        /* PROBE */
		if (t->probes >= p->probes) {
			c->expired++;
			return PG_NEIGH_ACT_EXPIRED;
		}
		t->probes++;
		t->deadline = now + p->retry_s;
		/* The last try goes to everyone: the MAC may have changed. */
		return t->probes < p->probes ? PG_NEIGH_ACT_ASK_UNICAST : PG_NEIGH_ACT_ASK;
	}
}

struct rte_ring **
pg_neigh_rings_create(const char *tag, unsigned int instance, unsigned int n,
		      unsigned int elem, int socket)
{
	struct rte_ring **r = calloc(RTE_MAX(n, 1u), sizeof(*r));
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	for (i = 0; r != NULL && i < n; i++) {
		snprintf(name, sizeof(name), "%s%u_%u", tag, instance, i);
		r[i] = rte_ring_create_elem(name, elem, PG_NEIGH_RING_SIZE, socket,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (r[i] == NULL) {
			pg_neigh_rings_free(r, i);
			return NULL;
		}
	}
	return r;
}

void
pg_neigh_rings_free(struct rte_ring **rings, unsigned int n)
{
	unsigned int i;

	for (i = 0; rings != NULL && i < n; i++)
		rte_ring_free(rings[i]);
	free(rings);
}

struct pg_neigh *
pg_neigh_create(struct pg_fib *fib, const struct pg_neigh_params *params,
		unsigned int n_workers, struct rte_mempool *pool, int socket)
{
	static unsigned int instance;
	struct rte_hash_parameters hp;
	struct pg_neigh *n;
	char name[RTE_RING_NAMESIZE];

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	pthread_mutex_init(&n->lock, NULL);
	pg_neigh_params_defaults(&n->p, params);
	n->fib = fib;
	n->pool = pool;
	n->n_rings = n_workers;
	n->events = pg_neigh_rings_create("pg_nev", instance, n_workers,
					  sizeof(struct pg_neigh_event), socket);
	n->entries = calloc(n->p.max_entries, sizeof(*n->entries));
	if (n->events == NULL || n->entries == NULL)
		goto fail;
	snprintf(name, sizeof(name), "pg_ninj%u", instance);
	n->inject = rte_ring_create(name, 256, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	memset(&hp, 0, sizeof(hp));
	snprintf(name, sizeof(name), "pg_nidx%u", instance++);
	hp.name = name;
	hp.entries = n->p.max_entries;
	hp.key_len = sizeof(uint32_t);
	hp.hash_func = rte_jhash;
	hp.socket_id = socket;
	n->index = rte_hash_create(&hp);
	if (n->inject == NULL || n->index == NULL)
		goto fail;
	return n;
fail:
	pg_neigh_free(n);
	return NULL;
}

void
pg_neigh_free(struct pg_neigh *n)
{
	struct rte_mbuf *m;

	if (n == NULL)
		return;
	pg_neigh_rings_free(n->events, n->n_rings);
	if (n->inject != NULL) {
		while (rte_ring_sc_dequeue(n->inject, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(n->inject);
	}
	rte_hash_free(n->index);
	free(n->entries);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

struct rte_ring *
pg_neigh_event_ring(struct pg_neigh *n, unsigned int i)
{
	return i < n->n_rings ? n->events[i] : NULL;
}

struct rte_ring *
pg_neigh_inject_ring(struct pg_neigh *n)
{
	return n->inject;
}

/* An ARP request for @p e->ip: broadcast, or unicast to the MAC we knew
 * when re-checking a reachable entry (RFC 1122 2.3.2.1). */
static void
send_request(struct pg_neigh *n, const struct entry *e, bool unicast)
{
	const struct pg_fib_port *p = &n->fib->ports[e->port];
	struct rte_mbuf *m = rte_pktmbuf_alloc(n->pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN -
							  RTE_ETHER_CRC_LEN);
	memset(eth, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	arp = (struct rte_arp_hdr *)(eth + 1);
	if (unicast)
		memcpy(eth->dst_addr.addr_bytes, e->mac, RTE_ETHER_ADDR_LEN);
	else
		memset(eth->dst_addr.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	eth->src_addr = p->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = p->mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(p->ip4);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(e->ip);
	m->hash.usr = e->port;
	if (rte_ring_sp_enqueue(n->inject, m) != 0) {
		rte_pktmbuf_free(m);
		n->c.inject_full++;
		return;
	}
	n->c.requests++;
}

static struct entry *
find(struct pg_neigh *n, uint32_t ip)
{
	const int pos = rte_hash_lookup(n->index, &ip);

	return pos < 0 ? NULL : &n->entries[pos];
}

static void
forget(struct pg_neigh *n, struct entry *e)
{
	const uint32_t ip = e->ip;

	rte_hash_del_key(n->index, &ip);
	memset(e, 0, sizeof(*e));
}

static void
on_resolve(struct pg_neigh *n, const struct pg_neigh_event *ev, double now)
{
	struct entry *e = find(n, ev->ip);
	int pos;

	if (e != NULL) {
		/* Asked already, or known; a failed address waits its hold. */
		if (pg_neigh_timer_resolve(&e->t, &n->p, now, false) == PG_NEIGH_ACT_ASK)
			send_request(n, e, false);
		return;
	}
	/* Configured neighbors, and addresses off our subnets, are not ours
	 * to resolve. */
	if (pg_fib_neigh_kind(n->fib, ev->ip) != PG_FIB_NEIGH_NONE ||
	    pg_fib_port_of(n->fib, ev->ip) != (int)ev->port)
		return;
	pos = rte_hash_add_key(n->index, &ev->ip);
	if (pos < 0) {
		n->c.table_full++;
		return;
	}
	e = &n->entries[pos];
	memset(e, 0, sizeof(*e));
	e->ip = ev->ip;
	e->port = ev->port;
	pg_neigh_timer_resolve(&e->t, &n->p, now, true);
	send_request(n, e, false);
}

static void
on_seen(struct pg_neigh *n, const struct pg_neigh_event *ev, double now)
{
	struct entry *e = find(n, ev->ip);
	char err[PG_CONF_ERR_LEN], a[20];
	int pos;

	if (e == NULL && ev->kind == PG_NEIGH_EV_ASKED_US &&
	    pg_fib_neigh_kind(n->fib, ev->ip) == PG_FIB_NEIGH_NONE &&
	    pg_fib_port_of(n->fib, ev->ip) == (int)ev->port) {
		pos = rte_hash_add_key(n->index, &ev->ip);
		if (pos < 0) {
			n->c.table_full++;
			return;
		}
		e = &n->entries[pos];
		memset(e, 0, sizeof(*e));
		e->ip = ev->ip;
		e->port = ev->port;
		e->t.state = PG_NEIGH_INCOMPLETE;
	}
	/* Otherwise only what we asked for is learned. */
	if (e == NULL || e->port != ev->port)
		return;
	if (e->t.state != PG_NEIGH_REACHABLE || memcmp(e->mac, ev->mac, 6) != 0) {
		if (pg_fib_neigh_set(n->fib, e->ip, ev->mac, e->port,
				     PG_FIB_NEIGH_DYNAMIC, err) != 0) {
			NEIGH_LOG(WARNING, "%s: not learned: %s",
				  pg_conf_ip4_str(e->ip, a, sizeof(a)), err);
			forget(n, e);
			return;
		}
	}
	memcpy(e->mac, ev->mac, 6);
	if (pg_neigh_timer_answered(&e->t, &n->p, now))
		n->c.learned++;
}

/* Timers of one entry. */
static void
age(struct pg_neigh *n, struct entry *e, double now)
{
	char err[PG_CONF_ERR_LEN];

	switch (pg_neigh_timer_age(&e->t, &n->p, now, &n->c)) {
	case PG_NEIGH_ACT_ASK:
		send_request(n, e, false);
		break;
	case PG_NEIGH_ACT_ASK_UNICAST:
		send_request(n, e, true);
		break;
	case PG_NEIGH_ACT_EXPIRED:
		/* Gone: routes through it stop until it answers again. */
		if (pg_fib_neigh_kind(n->fib, e->ip) == PG_FIB_NEIGH_DYNAMIC)
			pg_fib_neigh_del(n->fib, e->ip, err);
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
pg_neigh_poll(struct pg_neigh *n, double now)
{
	struct pg_neigh_event ev[EVENTS_PER_TICK];
	const void *key;
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
			if (ev[i].kind == PG_NEIGH_EV_RESOLVE)
				on_resolve(n, &ev[i], now);
			else
				on_seen(n, &ev[i], now);
		}
	}
	while ((pos = rte_hash_iterate(n->index, &key, &data, &iter)) >= 0)
		age(n, &n->entries[pos], now);
	pthread_mutex_unlock(&n->lock);
}

bool
pg_neigh_state_of(struct pg_neigh *n, uint32_t ip, enum pg_neigh_state *st)
{
	const struct entry *e;

	pthread_mutex_lock(&n->lock);
	e = find(n, ip);
	if (e != NULL)
		*st = (enum pg_neigh_state)e->t.state;
	pthread_mutex_unlock(&n->lock);
	return e != NULL;
}

void
pg_neigh_counters(struct pg_neigh *n, struct pg_neigh_counters *out,
		  unsigned int *incomplete)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	int pos;

	pthread_mutex_lock(&n->lock);
	*out = n->c;
	*incomplete = 0;
	while ((pos = rte_hash_iterate(n->index, &key, &data, &iter)) >= 0)
		if (n->entries[pos].t.state == PG_NEIGH_INCOMPLETE ||
		    n->entries[pos].t.state == PG_NEIGH_FAILED)
			(*incomplete)++;
	pthread_mutex_unlock(&n->lock);
}
