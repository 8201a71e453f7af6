/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "pg_neigh.h"
#include "pg_neigh_table.h"

RTE_LOG_REGISTER_SUFFIX(pg_neigh_logtype, neigh, INFO);
#define NEIGH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_neigh_logtype, "pktgate.neigh: " fmt "\n", ##__VA_ARGS__)

struct pg_neigh {
	struct pg_fib *fib;
	struct pg_neigh_table t;       /**< keyed by the IPv4 address alone */
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

/* ---- ARP ------------------------------------------------------------------- */

static bool
arp_may_learn(void *ctx, const union pg_neigh_key *k, uint16_t port)
{
	const struct pg_neigh *n = ctx;

	return pg_fib_neigh_kind(n->fib, k->ip4) == PG_FIB_NEIGH_NONE &&
	       pg_fib_port_of(n->fib, k->ip4) == (int)port;
}

/* An ARP request for @p e: broadcast, or unicast to the MAC we knew when
 * re-checking a reachable entry (RFC 1122 2.3.2.1). */
static void
arp_build_request(void *ctx, const struct pg_neigh_entry *e, bool unicast,
		  struct rte_mbuf *m)
{
	const struct pg_neigh *n = ctx;
	const struct pg_fib_port *p = &n->fib->ports[e->port];
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

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
	arp->arp_data.arp_tip = rte_cpu_to_be_32(e->k.ip4);
}

static int
arp_install(void *ctx, const struct pg_neigh_entry *e, const uint8_t mac[6])
{
	struct pg_neigh *n = ctx;
	char err[PG_CONF_ERR_LEN], a[20];

	if (pg_fib_neigh_set(n->fib, e->k.ip4, mac, e->port, PG_FIB_NEIGH_DYNAMIC, err) == 0)
		return 0;
	NEIGH_LOG(WARNING, "%s: not learned: %s", pg_conf_ip4_str(e->k.ip4, a, sizeof(a)), err);
	return -1;
}

static void
arp_expire(void *ctx, const struct pg_neigh_entry *e)
{
	struct pg_neigh *n = ctx;
	char err[PG_CONF_ERR_LEN];

	if (pg_fib_neigh_kind(n->fib, e->k.ip4) == PG_FIB_NEIGH_DYNAMIC)
		pg_fib_neigh_del(n->fib, e->k.ip4, err);
}

static void
arp_decode(const void *ev, union pg_neigh_key *k, uint16_t *port, uint8_t *kind,
	   const uint8_t **mac)
{
	const struct pg_neigh_event *e = ev;

	k->ip4 = e->ip;
	*port = e->port;
	*kind = e->kind;
	*mac = e->mac;
}

static const struct pg_neigh_ops arp_ops = {
	.may_learn = arp_may_learn,
	.build_request = arp_build_request,
	.install = arp_install,
	.expire = arp_expire,
	.decode = arp_decode,
};

struct pg_neigh *
pg_neigh_create(struct pg_fib *fib, const struct pg_neigh_params *params,
		unsigned int n_workers, struct rte_mempool *pool, int socket)
{
	static unsigned int instance;
	struct pg_neigh_table_params tp = {
		.tag = "pg_n",
		.instance = instance++,
		.key_len = sizeof(uint32_t),
		.n_rings = n_workers,
		.event_size = sizeof(struct pg_neigh_event),
		.pool = pool,
		.socket = socket,
	};
	struct pg_neigh *n;
	char name[RTE_RING_NAMESIZE];

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->fib = fib;
	snprintf(name, sizeof(name), "pg_ninj%u", tp.instance);
	tp.inject = rte_ring_create(name, 256, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pg_neigh_table_init(&n->t, &tp, params, &arp_ops, n) != 0 || tp.inject == NULL) {
		pg_neigh_free(n);
		return NULL;
	}
	return n;
}

void
pg_neigh_free(struct pg_neigh *n)
{
	struct rte_mbuf *m;

	if (n == NULL)
		return;
	pg_neigh_table_fini(&n->t);
	if (n->t.inject != NULL) {
		while (rte_ring_sc_dequeue(n->t.inject, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(n->t.inject);
	}
	free(n);
}

struct rte_ring *
pg_neigh_event_ring(struct pg_neigh *n, unsigned int i)
{
	return i < n->t.n_rings ? n->t.events[i] : NULL;
}

struct rte_ring *
pg_neigh_inject_ring(struct pg_neigh *n)
{
	return n->t.inject;
}

void
pg_neigh_poll(struct pg_neigh *n, double now)
{
	pg_neigh_table_poll(&n->t, now);
}

bool
pg_neigh_state_of(struct pg_neigh *n, uint32_t ip, enum pg_neigh_state *st)
{
	const union pg_neigh_key k = { .ip4 = ip };

	return pg_neigh_table_state_of(&n->t, &k, st);
}

void
pg_neigh_counters(struct pg_neigh *n, struct pg_neigh_counters *out,
		  unsigned int *incomplete)
{
	pg_neigh_table_counters(&n->t, out, incomplete);
}
