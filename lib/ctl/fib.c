/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_malloc.h>

#include "pg_fib.h"

/* The next hops every port owns, before the neighbors' ones. */
#define NH_LOCAL(port) (2u * (port))
#define NH_UNRESOLVED(port) (2u * (port) + 1u)

static const char *const origin_names[] = {
	[PG_ROUTE_ORIGIN_LOCAL] = "local",
	[PG_ROUTE_ORIGIN_CONNECTED] = "connected",
	[PG_ROUTE_ORIGIN_NEIGHBOR] = "neighbor",
	[PG_ROUTE_ORIGIN_STATIC] = "static",
};

const char *
pg_fib_origin_name(enum pg_route_origin origin)
{
	return (unsigned int)origin < RTE_DIM(origin_names) ? origin_names[origin] : "?";
}

/* Which of two routes for one prefix wins (higher wins). */
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
route_cmp(const void *a, const void *b)
{
	const struct pg_fib_route *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* Winner first, so dedup keeps the first of each run. */
	return precedence(y->origin) - precedence(x->origin);
}

static uint32_t
mask_of(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static void
add_route(struct pg_fib *fib, uint32_t prefix, uint8_t len, uint8_t origin,
	  uint32_t nh, uint32_t gw)
{
	struct pg_fib_route *r = &fib->routes[fib->n_routes++];

	r->prefix = prefix & mask_of(len);
	r->len = len;
	r->origin = origin;
	r->reserved = 0;
	r->nh = nh;
	r->gw = gw;
}

static void
set_nh(struct pg_fib *fib, uint32_t idx, uint8_t type, uint16_t port,
       const uint8_t *dst_mac, const struct pg_fib_port *ports, uint32_t ip)
{
	struct pg_nexthop *nh = &fib->nh[idx];

	memset(nh, 0, sizeof(*nh));
	if (dst_mac != NULL)
		memcpy(nh->l2, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(nh->l2 + RTE_ETHER_ADDR_LEN, ports[port].mac.addr_bytes,
	       RTE_ETHER_ADDR_LEN);
	nh->port = port;
	nh->type = type;
	fib->nh_ip[idx] = ip;
}

static int
find_neighbor(const struct pg_conf *conf, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < conf->n_neighbors; i++)
		if (conf->neighbors[i].ip == ip)
			return (int)i;
	return -1;
}

struct pg_fib *
pg_fib_create(const struct pg_conf *conf, const struct pg_fib_port *ports,
	      int socket, char err[PG_CONF_ERR_LEN])
{
	static unsigned int instance;
	struct rte_fib_conf fc;
	struct pg_fib *fib;
	char name[32];
	uint32_t max_routes, n_long = 0, i, j;

	fib = calloc(1, sizeof(*fib));
	if (fib == NULL)
		goto nomem;
	/* per port LOCAL and UNRESOLVED, one per neighbor, one NO_ROUTE */
	fib->n_nh = 2 * conf->n_ports + conf->n_neighbors + 1;
	fib->nh = rte_zmalloc_socket("pg_nexthops", fib->n_nh * sizeof(*fib->nh),
				     RTE_CACHE_LINE_SIZE, socket);
	fib->nh_ip = calloc(fib->n_nh, sizeof(*fib->nh_ip));
	/* local + broadcast + connected per port, one per neighbor and route */
	max_routes = 3 * conf->n_ports + conf->n_neighbors + conf->n_routes;
	fib->routes = malloc(max_routes * sizeof(*fib->routes));
	if (fib->nh == NULL || fib->nh_ip == NULL || fib->routes == NULL)
		goto nomem;

	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];
		const uint32_t net = p->ip4 & mask_of(p->ip4_len);

		set_nh(fib, NH_LOCAL(i), PG_NH_LOCAL, (uint16_t)i, NULL, ports, p->ip4);
		set_nh(fib, NH_UNRESOLVED(i), PG_NH_UNRESOLVED, (uint16_t)i, NULL, ports, 0);
		add_route(fib, p->ip4, 32, PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), 0);
		add_route(fib, net, p->ip4_len, PG_ROUTE_ORIGIN_CONNECTED,
			  NH_UNRESOLVED(i), 0);
		/* Directed broadcast is for us, never forwarded (RFC 2644). */
		if (p->ip4_len <= 30)
			add_route(fib, net | ~mask_of(p->ip4_len), 32,
				  PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), 0);
	}
	for (i = 0; i < conf->n_neighbors; i++) {
		const struct pg_conf_neighbor *n = &conf->neighbors[i];
		const uint32_t idx = 2 * conf->n_ports + i;

		set_nh(fib, idx, PG_NH_FORWARD, n->port, n->mac, ports, n->ip);
		add_route(fib, n->ip, 32, PG_ROUTE_ORIGIN_NEIGHBOR, idx, n->ip);
	}
	for (i = 0; i < conf->n_routes; i++) {
		const struct pg_conf_route *r = &conf->routes[i];
		uint32_t nh = NH_UNRESOLVED(r->port), gw = 0;

		if (r->kind == PG_ROUTE_VIA) {
			int n = find_neighbor(conf, r->via);

			gw = r->via;
			if (n >= 0)
				nh = 2 * conf->n_ports + (uint32_t)n;
		}
		add_route(fib, r->prefix, r->len, PG_ROUTE_ORIGIN_STATIC, nh, gw);
	}

	/* One entry per prefix: the highest precedence wins. */
	qsort(fib->routes, fib->n_routes, sizeof(*fib->routes), route_cmp);
	for (i = 0, j = 0; i < fib->n_routes; i++) {
		if (j > 0 && fib->routes[j - 1].prefix == fib->routes[i].prefix &&
		    fib->routes[j - 1].len == fib->routes[i].len)
			continue;
		fib->routes[j++] = fib->routes[i];
		if (fib->routes[i].len > 24)
			n_long++;
	}
	fib->n_routes = j;

	/* rte_fib has a default next hop for misses: the default route's, else
	 * NO_ROUTE; depth-0 routes therefore need no table entry. */
	set_nh(fib, fib->n_nh - 1, PG_NH_NO_ROUTE, 0, NULL, ports, 0);
	fib->default_nh = fib->n_nh - 1;
	for (i = 0; i < fib->n_routes; i++)
		if (fib->routes[i].len == 0)
			fib->default_nh = fib->routes[i].nh;

	memset(&fc, 0, sizeof(fc));
	fc.type = RTE_FIB_DIR24_8;
	fc.default_nh = fib->default_nh;
	/* Headroom for routes added at run time by the control plane. */
	fc.max_routes = (int)RTE_MAX(2 * fib->n_routes, 1024u);
	fc.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
	fc.dir24_8.num_tbl8 = RTE_MAX(n_long + n_long / 2, 256u);
	snprintf(name, sizeof(name), "pg_fib%u", instance++);
	fib->v4 = rte_fib_create(name, socket, &fc);
	if (fib->v4 == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "routes: cannot create the table for %u routes: %s",
			 fib->n_routes, rte_strerror(rte_errno));
		pg_fib_free(fib);
		return NULL;
	}
	for (i = 0; i < fib->n_routes; i++) {
		const struct pg_fib_route *r = &fib->routes[i];
		int ret;

		if (r->len == 0)
			continue;
		ret = rte_fib_add(fib->v4, r->prefix, r->len, r->nh);
		if (ret != 0) {
			char buf[20];

			snprintf(err, PG_CONF_ERR_LEN, "routes: cannot install %s/%u: %s",
				 pg_conf_ip4_str(r->prefix, buf, sizeof(buf)), r->len,
				 strerror(-ret));
			pg_fib_free(fib);
			return NULL;
		}
	}
	return fib;

nomem:
	snprintf(err, PG_CONF_ERR_LEN, "routes: out of memory building the table");
	pg_fib_free(fib);
	return NULL;
}

void
pg_fib_free(struct pg_fib *fib)
{
	if (fib == NULL)
		return;
	rte_fib_free(fib->v4);
	rte_free(fib->nh);
	free(fib->nh_ip);
	free(fib->routes);
	free(fib);
}

const struct pg_fib_route *
pg_fib_find(const struct pg_fib *fib, uint32_t prefix, uint8_t len)
{
	struct pg_fib_route key = { .prefix = prefix & mask_of(len), .len = len };
	size_t lo = 0, hi = fib->n_routes;

	/* routes[] is sorted by (prefix, len) and unique. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pg_fib_route *r = &fib->routes[mid];

		if (r->prefix == key.prefix && r->len == key.len)
			return r;
		if (r->prefix < key.prefix || (r->prefix == key.prefix && r->len < key.len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

uint32_t
pg_fib_lookup(const struct pg_fib *fib, uint32_t ip)
{
	uint64_t nh;

	rte_fib_lookup_bulk(fib->v4, &ip, &nh, 1);
	return (uint32_t)nh;
}
