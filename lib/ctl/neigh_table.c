/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * A resolver's entries (pg_neigh_table.h): one loop for ARP and ND. The
 * state machine is pg_neigh_timer_*() in neigh.c; this file applies its
 * verdicts (send, install, expire, forget) through pg_neigh_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "pg_neigh_table.h"

/* Events read per ring and tick: bounds a tick's work under an ARP or ND storm. */
#define EVENTS_PER_TICK 256
/* The largest event element (struct pg_neigh6_event). */
#define EVENT_MAX 32

int
pg_neigh_table_init(struct pg_neigh_table *t, const struct pg_neigh_table_params *tp,
		    const struct pg_neigh_params *params, const struct pg_neigh_ops *ops,
		    void *ctx)
{
	struct rte_hash_parameters hp;
	char name[RTE_HASH_NAMESIZE];
	char tag[RTE_HASH_NAMESIZE];

	pthread_mutex_init(&t->lock, NULL);
	pg_neigh_params_defaults(&t->p, params);
	t->ops = ops;
	t->ctx = ctx;
	t->pool = tp->pool;
	t->inject = tp->inject;
	t->event_size = tp->event_size;
	if (tp->event_size > EVENT_MAX || tp->key_len > sizeof(union pg_neigh_key))
		return -1;
	snprintf(tag, sizeof(tag), "%sev", tp->tag);
	t->events = pg_neigh_rings_create(tag, tp->instance, tp->n_rings, tp->event_size,
					  tp->socket);
	if (t->events == NULL)
		return -1;
	t->n_rings = tp->n_rings;
	t->entries = calloc(t->p.max_entries, sizeof(*t->entries));
	if (t->entries == NULL)
		return -1;
	memset(&hp, 0, sizeof(hp));
	snprintf(name, sizeof(name), "%sidx%u", tp->tag, tp->instance);
	hp.name = name;
	hp.entries = t->p.max_entries;
	hp.key_len = tp->key_len;
	hp.hash_func = rte_jhash;
	hp.socket_id = tp->socket;
	t->index = rte_hash_create(&hp);
	return t->index == NULL ? -1 : 0;
}

void
pg_neigh_table_fini(struct pg_neigh_table *t)
{
	pg_neigh_rings_free(t->events, t->n_rings);
	rte_hash_free(t->index);
	free(t->entries);
	pthread_mutex_destroy(&t->lock);
}

/* A request for @p e on its port, through the inject ring. */
static void
ask(struct pg_neigh_table *t, const struct pg_neigh_entry *e, bool unicast)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);

	if (m == NULL)
		return;
	t->ops->build_request(t->ctx, e, unicast, m);
	m->hash.usr = e->port;
	if (rte_ring_sp_enqueue(t->inject, m) != 0) {
		rte_pktmbuf_free(m);
		t->c.inject_full++;
		return;
	}
	t->c.requests++;
}

static struct pg_neigh_entry *
find(struct pg_neigh_table *t, const union pg_neigh_key *k)
{
	const int pos = rte_hash_lookup(t->index, k);

	return pos < 0 ? NULL : &t->entries[pos];
}

static void
forget(struct pg_neigh_table *t, struct pg_neigh_entry *e)
{
	const union pg_neigh_key k = e->k;

	rte_hash_del_key(t->index, &k);
	memset(e, 0, sizeof(*e));
}

/* A new INCOMPLETE entry, or NULL when the table is full. */
static struct pg_neigh_entry *
add(struct pg_neigh_table *t, const union pg_neigh_key *k, uint16_t port)
{
	struct pg_neigh_entry *e;
	const int pos = rte_hash_add_key(t->index, k);

	if (pos < 0) {
		t->c.table_full++;
		return NULL;
	}
	e = &t->entries[pos];
	memset(e, 0, sizeof(*e));
	e->k = *k;
	e->port = port;
	e->t.state = PG_NEIGH_INCOMPLETE;
	return e;
}

static void
on_resolve(struct pg_neigh_table *t, const union pg_neigh_key *k, uint16_t port,
	   double now)
{
	struct pg_neigh_entry *e = find(t, k);

	if (e != NULL) {
		/* Asked already, or known; a failed address waits its hold. */
		if (pg_neigh_timer_resolve(&e->t, &t->p, now, false) == PG_NEIGH_ACT_ASK)
			ask(t, e, false);
		return;
	}
	/* Configured neighbors, and addresses off the port's link, are not
	 * ours to resolve. */
	if (!t->ops->may_learn(t->ctx, k, port))
		return;
	e = add(t, k, port);
	if (e == NULL)
		return;
	pg_neigh_timer_resolve(&e->t, &t->p, now, true);
	ask(t, e, false);
}

static void
on_seen(struct pg_neigh_table *t, const union pg_neigh_key *k, uint16_t port,
	uint8_t kind, const uint8_t mac[6], double now)
{
	struct pg_neigh_entry *e = find(t, k);

	/* Whoever asks for us is about to talk to us: learned (RFC 826's
	 * merge, RFC 4861 7.2.3); otherwise only what we asked for. */
	if (e == NULL && kind == PG_NEIGH_EV_ASKED_US && t->ops->may_learn(t->ctx, k, port))
		e = add(t, k, port);
	if (e == NULL || e->port != port)
		return;
	if (e->t.state != PG_NEIGH_REACHABLE || memcmp(e->mac, mac, 6) != 0) {
		if (t->ops->install(t->ctx, e, mac) != 0) {
			forget(t, e);
			return;
		}
	}
	memcpy(e->mac, mac, 6);
	if (pg_neigh_timer_answered(&e->t, &t->p, now))
		t->c.learned++;
}

/* Timers of one entry. */
static void
age(struct pg_neigh_table *t, struct pg_neigh_entry *e, double now)
{
	switch (pg_neigh_timer_age(&e->t, &t->p, now, &t->c)) {
	case PG_NEIGH_ACT_ASK:
		ask(t, e, false);
		break;
	case PG_NEIGH_ACT_ASK_UNICAST:
		ask(t, e, true);
		break;
	case PG_NEIGH_ACT_EXPIRED:
		/* Gone: routes through it stop until it answers again. */
		t->ops->expire(t->ctx, e);
		forget(t, e);
		break;
	case PG_NEIGH_ACT_FORGET:
		forget(t, e);
		break;
	default:
		break;
	}
}

void
pg_neigh_table_poll(struct pg_neigh_table *t, double now)
{
	uint8_t ev[EVENTS_PER_TICK * EVENT_MAX] __rte_aligned(16);
	union pg_neigh_key k;
	const uint8_t *mac;
	const void *kp;
	void *data;
	uint32_t iter = 0;
	unsigned int r, i, n;
	uint16_t port;
	uint8_t kind;
	int pos;

	pthread_mutex_lock(&t->lock);
	for (r = 0; r < t->n_rings; r++) {
		n = rte_ring_sc_dequeue_burst_elem(t->events[r], ev, t->event_size,
						   EVENTS_PER_TICK, NULL);
		t->c.events += n;
		for (i = 0; i < n; i++) {
			memset(&k, 0, sizeof(k));
			t->ops->decode(ev + i * t->event_size, &k, &port, &kind, &mac);
			if (kind == PG_NEIGH_EV_RESOLVE)
				on_resolve(t, &k, port, now);
			else
				on_seen(t, &k, port, kind, mac, now);
		}
	}
	while ((pos = rte_hash_iterate(t->index, &kp, &data, &iter)) >= 0)
		age(t, &t->entries[pos], now);
	pthread_mutex_unlock(&t->lock);
}

bool
pg_neigh_table_state_of(struct pg_neigh_table *t, const union pg_neigh_key *k,
			enum pg_neigh_state *st)
{
	const struct pg_neigh_entry *e;

	pthread_mutex_lock(&t->lock);
	e = find(t, k);
	if (e != NULL)
		*st = (enum pg_neigh_state)e->t.state;
	pthread_mutex_unlock(&t->lock);
	return e != NULL;
}

void
pg_neigh_table_counters(struct pg_neigh_table *t, struct pg_neigh_counters *out,
			unsigned int *incomplete)
{
	const void *kp;
	void *data;
	uint32_t iter = 0;
	int pos;

	pthread_mutex_lock(&t->lock);
	*out = t->c;
	*incomplete = 0;
	while ((pos = rte_hash_iterate(t->index, &kp, &data, &iter)) >= 0)
		if (t->entries[pos].t.state == PG_NEIGH_INCOMPLETE ||
		    t->entries[pos].t.state == PG_NEIGH_FAILED)
			(*incomplete)++;
	pthread_mutex_unlock(&t->lock);
}
