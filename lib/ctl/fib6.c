/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib6.h>
#include <rte_malloc.h>

#include "pg_fib6.h"

/* The next hops every port owns, before the neighbors' ones. */
#define NH_LOCAL(port) (2u * (port))
#define NH_UNRESOLVED(port) (2u * (port) + 1u)

static int
precedence(uint8_t origin)
{
	switch (origin) {
	case PG_ROUTE_ORIGIN_LOCAL: return 3;
	case PG_ROUTE_ORIGIN_STATIC: return 2;
	case PG_ROUTE_ORIGIN_NEIGHBOR: return 1;
	default: return 0;
	}
}

static int
route_key_cmp(const struct pg_fib6_route *x, const struct pg_fib6_route *y)
{
	int c = memcmp(x->prefix, y->prefix, 16);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int
route_cmp(const void *a, const void *b)
{
	const struct pg_fib6_route *x = a, *y = b;
	int c = route_key_cmp(x, y);

	/* Winner first, so dedup keeps the first of each run. */
	return c != 0 ? c : precedence(y->origin) - precedence(x->origin);
}

static void
mask6(uint8_t ip[16], unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (len <= 8 * i)
			ip[i] = 0;
		else if (len < 8 * (i + 1))
			ip[i] &= (uint8_t)(0xff00 >> (len - 8 * i));
}

static void
add_route(struct pg_fib6 *fib, const uint8_t prefix[16], uint8_t len,
	  uint8_t origin, uint32_t nh, const uint8_t *gw)
{
	struct pg_fib6_route *r = &fib->routes[fib->n_routes++];

	memset(r, 0, sizeof(*r));
	memcpy(r->prefix, prefix, 16);
	mask6(r->prefix, len);
	r->len = len;
	r->origin = origin;
	r->nh = nh;
	if (gw != NULL)
		memcpy(r->gw, gw, 16);
}

static void
set_nh(struct pg_fib6 *fib, uint32_t idx, uint8_t type, uint16_t port,
       const uint8_t *dst_mac, const struct rte_ether_addr *macs, const uint8_t *ip)
{
	struct pg_nexthop *nh = &fib->nh[idx];

	memset(nh, 0, sizeof(*nh));
	if (dst_mac != NULL)
		memcpy(nh->l2, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(nh->l2 + RTE_ETHER_ADDR_LEN, macs[port].addr_bytes, RTE_ETHER_ADDR_LEN);
	nh->port = port;
	nh->type = type;
	if (ip != NULL)
		memcpy(fib->nh_ip[idx], ip, 16);
}

static int
find_neighbor6(const struct pg_conf *conf, const uint8_t ip[16], uint16_t port)
{
	unsigned int i;

	for (i = 0; i < conf->n_neighbors6; i++)
		if (memcmp(conf->neighbors6[i].ip, ip, 16) == 0 &&
		    conf->neighbors6[i].port == port)
			return (int)i;
	return -1;
}

bool
pg_fib6_wanted(const struct pg_conf *conf)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++)
		if (conf->ports[i].has_ip6)
			return true;
	return false;
}

/* tbl8 groups the TRIE may need: one per byte of a prefix beyond the
 * first 24 bits (the TRIE's direct table). An upper bound, plus room. */
static uint32_t
tbl8_needed(const struct pg_fib6 *fib)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < fib->n_routes; i++)
		if (fib->routes[i].len > 24)
			n += (fib->routes[i].len - 24 + 7) / 8;
	n += n / 2 + 256;
	return n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
}

struct pg_fib6 *
pg_fib6_create(const struct pg_conf *conf, const struct rte_ether_addr *macs,
	       int socket, char err[PG_CONF_ERR_LEN])
{
	static unsigned int instance;
	struct rte_fib6_conf fc;
	struct pg_fib6 *fib;
	char name[32], buf[PG_CONF_IP6_STRLEN];
	uint32_t max_routes, i, j;

	fib = calloc(1, sizeof(*fib));
	if (fib == NULL)
		goto nomem;
	fib->n_nh = 2 * conf->n_ports + conf->n_neighbors6 + 1;
	fib->nh = rte_zmalloc_socket("pg_nexthops6", fib->n_nh * sizeof(*fib->nh),
				     RTE_CACHE_LINE_SIZE, socket);
	fib->nh_ip = calloc(fib->n_nh, sizeof(*fib->nh_ip));
	/* global + link-local + connected per port, one per neighbor and route */
	max_routes = 3 * conf->n_ports + conf->n_neighbors6 + conf->n_routes6;
	fib->routes = malloc(max_routes * sizeof(*fib->routes));
	if (fib->nh == NULL || fib->nh_ip == NULL || fib->routes == NULL)
		goto nomem;

	fib->n_ports = conf->n_ports;
	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];
		struct pg_fib6_port *fp = &fib->port[i];

		set_nh(fib, NH_LOCAL(i), PG_NH_LOCAL, (uint16_t)i, NULL, macs, p->ip6);
		set_nh(fib, NH_UNRESOLVED(i), PG_NH_UNRESOLVED, (uint16_t)i, NULL, macs, NULL);
		if (!p->has_ip6)
			continue;
		fp->enabled = true;
		memcpy(fp->global, p->ip6, 16);
		pg_conf_ip6_link_local(macs[i].addr_bytes, fp->ll);
		memcpy(fp->sn[0], fp->global + 13, 3);
		memcpy(fp->sn[1], fp->ll + 13, 3);
		add_route(fib, fp->global, 128, PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), NULL);
		add_route(fib, fp->ll, 128, PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), NULL);
		add_route(fib, p->ip6, p->ip6_len, PG_ROUTE_ORIGIN_CONNECTED,
			  NH_UNRESOLVED(i), NULL);
	}
	for (i = 0; i < conf->n_neighbors6; i++) {
		const struct pg_conf_neighbor6 *n = &conf->neighbors6[i];
		const uint32_t idx = 2 * conf->n_ports + i;

		set_nh(fib, idx, PG_NH_FORWARD, n->port, n->mac, macs, n->ip);
		/* fe80:: is per link and never routed: next hop only. */
		if (!(n->ip[0] == 0xfe && (n->ip[1] & 0xc0) == 0x80))
			add_route(fib, n->ip, 128, PG_ROUTE_ORIGIN_NEIGHBOR, idx, n->ip);
	}
	for (i = 0; i < conf->n_routes6; i++) {
		const struct pg_conf_route6 *r = &conf->routes6[i];
		uint32_t nh = NH_UNRESOLVED(r->port);
		const uint8_t *gw = NULL;

		if (r->kind == PG_ROUTE_VIA) {
			int n = find_neighbor6(conf, r->via, r->port);

			gw = r->via;
			if (n >= 0)
				nh = 2 * conf->n_ports + (uint32_t)n;
		}
		add_route(fib, r->prefix, r->len, PG_ROUTE_ORIGIN_STATIC, nh, gw);
	}

	qsort(fib->routes, fib->n_routes, sizeof(*fib->routes), route_cmp);
	for (i = 0, j = 0; i < fib->n_routes; i++) {
		if (j > 0 && route_key_cmp(&fib->routes[j - 1], &fib->routes[i]) == 0)
			continue;
		fib->routes[j++] = fib->routes[i];
	}
	fib->n_routes = j;

	set_nh(fib, fib->n_nh - 1, PG_NH_NO_ROUTE, 0, NULL, macs, NULL);
	fib->default_nh = fib->n_nh - 1;
	for (i = 0; i < fib->n_routes; i++)
		if (fib->routes[i].len == 0)
			fib->default_nh = fib->routes[i].nh;

	memset(&fc, 0, sizeof(fc));
	fc.type = RTE_FIB6_TRIE;
	fc.default_nh = fib->default_nh;
	fc.max_routes = (int)RTE_MAX(2 * fib->n_routes, 1024u);
	/* The TRIE's first level is 2^24 next hops whatever the table holds:
	 * 2-byte entries (32 MiB) while the next-hop indexes fit (one bit is
	 * the TRIE's own flag), 4-byte (64 MiB) beyond. */
	fc.trie.nh_sz = fib->n_nh < (1u << 15) ? RTE_FIB6_TRIE_2B : RTE_FIB6_TRIE_4B;
	fc.trie.num_tbl8 = tbl8_needed(fib);
	snprintf(name, sizeof(name), "pg_fib6_%u", instance++);
	fib->v6 = rte_fib6_create(name, socket, &fc);
	if (fib->v6 == NULL) {
		snprintf(err, PG_CONF_ERR_LEN,
			 "routes: cannot create the IPv6 table for %u routes: %s",
			 fib->n_routes, rte_strerror(rte_errno));
		pg_fib6_free(fib);
		return NULL;
	}
	for (i = 0; i < fib->n_routes; i++) {
		const struct pg_fib6_route *r = &fib->routes[i];
		int ret;

		if (r->len == 0)
			continue;
		ret = rte_fib6_add(fib->v6, r->prefix, r->len, r->nh);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "routes: cannot install %s/%u: %s",
				 pg_conf_ip6_str(r->prefix, buf, sizeof(buf)), r->len,
				 strerror(-ret));
			pg_fib6_free(fib);
			return NULL;
		}
	}
	return fib;

nomem:
	snprintf(err, PG_CONF_ERR_LEN, "routes: out of memory building the IPv6 table");
	pg_fib6_free(fib);
	return NULL;
}

void
pg_fib6_free(struct pg_fib6 *fib)
{
	if (fib == NULL)
		return;
	rte_fib6_free(fib->v6);
	rte_free(fib->nh);
	free(fib->nh_ip);
	free(fib->routes);
	free(fib);
}

const struct pg_fib6_route *
pg_fib6_find(const struct pg_fib6 *fib, const uint8_t prefix[16], uint8_t len)
{
	struct pg_fib6_route key;
	size_t lo = 0, hi = fib->n_routes;

	memcpy(key.prefix, prefix, 16);
	mask6(key.prefix, len);
	key.len = len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = route_key_cmp(&fib->routes[mid], &key);

		if (c == 0)
			return &fib->routes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

uint32_t
pg_fib6_lookup(const struct pg_fib6 *fib, const uint8_t ip[16])
{
	uint8_t a[1][16];
	uint64_t nh;

	memcpy(a[0], ip, 16);
	rte_fib6_lookup_bulk(fib->v6, a, &nh, 1);
	return (uint32_t)nh;
}
