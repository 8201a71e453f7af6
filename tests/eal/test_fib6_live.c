/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Live changes of the IPv6 table, as test_fib_live.c for IPv4: routes,
 * neighbors (global and link-local), precedence coming back, the default
 * route following its gateway, refusals that leave the table as it was,
 * both copies kept equal, and a reader on another lcore that never sees a
 * torn or stale answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_eal.h>
#include <rte_fib6.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "pg_conf.h"
#include "pg_fib6.h"
#include "pg_rcu.h"
#include "live_reader.h"

static const char conf_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_null0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01,"
	" ipv6: '2001:db8:1::1/64'}\n"
	"  - {name: wan, device: net_null1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02,"
	" ipv6: '2001:db8:2::1/64'}\n"
	"neighbors:\n"
	"  - {ip: '2001:db8:2::2', mac: 02:00:00:00:00:99, port: wan}\n"
	"routes:\n"
	"  - {prefix: '2001:db8:ac::/48', via: '2001:db8:2::7'}\n"
	"workers:\n"
	"  lcores: [1]\n";

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0xbb };

static struct pg_conf *conf;
static struct rte_ether_addr macs[2];
static struct pg_fib6 *fib;

static const uint8_t *
ip6(const char *s)
{
	static uint8_t buf[8][16];
	static unsigned int k;
	uint8_t *a = buf[k++ % 8];

	ck_assert_int_eq(inet_pton(AF_INET6, s, a), 1);
	return a;
}

static void
setup(void)
{
	char err[PG_CONF_ERR_LEN];

	fib = pg_fib6_create(conf, macs, SOCKET_ID_ANY, err);
	ck_assert_msg(fib != NULL, "%s", err);
}

static void
teardown(void)
{
	pg_fib6_free(fib);
	fib = NULL;
}

static uint64_t
side_lookup(const struct pg_fib6_side *s, const uint8_t ip[16])
{
	uint8_t a[1][16];
	uint64_t nh;

	memcpy(a[0], ip, 16);
	rte_fib6_lookup_bulk(s->v6, a, &nh, 1);
	return nh;
}

/* The next hop a packet to @p ip gets now. */
static const struct pg_nexthop *
nh_of(const char *ip)
{
	return &pg_fib6_active(fib)->nh[pg_fib6_lookup(fib, ip6(ip))];
}

/* The address the worker would solicit for a packet to @p ip. */
static const uint8_t *
gw_of(const char *ip)
{
	return pg_fib6_active(fib)->gw[pg_fib6_lookup(fib, ip6(ip))];
}

START_TEST(route_add_replace_del)
{
	char err[PG_CONF_ERR_LEN];

	ck_assert_uint_eq(nh_of("2001:db8:10::1")->type, PG_NH_NO_ROUTE);
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:10::"),
						  48, ip6("2001:db8:2::2"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:10::1")->type, PG_NH_FORWARD);
	ck_assert_uint_eq(nh_of("2001:db8:10::1")->l2[5], 0x99);
	ck_assert_uint_eq(nh_of("2001:db8:10::1")->port, 1);
	/* Replace: via a gateway that is no neighbor yet. */
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:10::"),
						  48, ip6("2001:db8:2::5"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:10::1")->type, PG_NH_UNRESOLVED);
	ck_assert_mem_eq(gw_of("2001:db8:10::1"), ip6("2001:db8:2::5"), 16);
	/* Out of a port: the destination is the next hop (gw zero). */
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:11::"),
						  48, NULL, 0, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:11::1")->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(nh_of("2001:db8:11::1")->port, 0);
	ck_assert_mem_eq(gw_of("2001:db8:11::1"), ip6("::"), 16);
	ck_assert_int_eq(pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:10::"),
						  48, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:10::1")->type, PG_NH_NO_ROUTE);
	ck_assert_int_eq(pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:10::"),
						  48, err), -ENOENT);
	ck_assert_str_eq(err, "route 2001:db8:10::/48: no such static route");

	/* Refusals name the problem. */
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:12::"),
						  48, ip6("2001:db8:9::1"), -1, err), -EINVAL);
	ck_assert_str_eq(err, "via 2001:db8:9::1: not in the prefix of any port");
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:12::"),
						  48, ip6("fe80::1"), -1, err), -EINVAL);
	ck_assert_str_eq(err, "via fe80::1: a link-local address needs a port");
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:1::1"),
						  128, NULL, 0, err), -EEXIST);
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:12::"),
						  129, NULL, 0, err), -EINVAL);
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_LOCAL, ip6("2001:db8:12::"),
						  48, NULL, 0, err), -EINVAL);
}
END_TEST

START_TEST(link_local_gateway_and_neighbor)
{
	char err[PG_CONF_ERR_LEN];
	const uint32_t n_routes = fib->n_routes;

	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:20::"),
						  48, ip6("fe80::77"), 1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:20::1")->type, PG_NH_UNRESOLVED);
	ck_assert_mem_eq(gw_of("2001:db8:20::1"), ip6("fe80::77"), 16);
	/* The same address on the other port is another neighbor. */
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("fe80::77"), mac_a, 0, PG_FIB_NEIGH_STATIC,
					   err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:20::1")->type, PG_NH_UNRESOLVED);
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("fe80::77"), mac_b, 1, PG_FIB_NEIGH_DYNAMIC,
					   err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:20::1")->type, PG_NH_FORWARD);
	ck_assert_uint_eq(nh_of("2001:db8:20::1")->l2[5], 0xbb);
	/* No host routes for link-local neighbors. */
	ck_assert_uint_eq(fib->n_routes, n_routes + 1);
	ck_assert_uint_eq(fib->n_neighbors, 3);
	ck_assert_int_eq(pg_fib6_neigh_kind(fib, ip6("fe80::77"), 1), PG_FIB_NEIGH_DYNAMIC);
	ck_assert_int_eq(pg_fib6_neigh_kind(fib, ip6("fe80::77"), 0), PG_FIB_NEIGH_STATIC);
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("fe80::77"), mac_b, 0, PG_FIB_NEIGH_DYNAMIC,
					   err), -EEXIST);
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("fe80::77"), -1, err), -ENOENT);
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("fe80::77"), 1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:20::1")->type, PG_NH_UNRESOLVED);
	ck_assert_mem_eq(gw_of("2001:db8:20::1"), ip6("fe80::77"), 16);
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("fe80::77"), 0, err), 0);
	ck_assert_uint_eq(fib->n_neighbors, 1);
}
END_TEST

START_TEST(neighbor_resolves_routes)
{
	char err[PG_CONF_ERR_LEN];

	/* The configured route via 2001:db8:2::7 waits for its gateway. */
	ck_assert_uint_eq(nh_of("2001:db8:ac::1")->type, PG_NH_UNRESOLVED);
	ck_assert_mem_eq(gw_of("2001:db8:ac::1"), ip6("2001:db8:2::7"), 16);
	ck_assert_uint_eq(nh_of("2001:db8:2::7")->type, PG_NH_UNRESOLVED);   /* connected */
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("2001:db8:2::7"), mac_a, -1,
					   PG_FIB_NEIGH_DYNAMIC, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ac::1")->type, PG_NH_FORWARD);
	ck_assert_uint_eq(nh_of("2001:db8:ac::1")->l2[5], 0xaa);
	ck_assert_uint_eq(nh_of("2001:db8:2::7")->type, PG_NH_FORWARD);      /* host route */
	ck_assert_ptr_nonnull(pg_fib6_find(fib, ip6("2001:db8:2::7"), 128));
	/* A new MAC for the same neighbor: every route follows at once. */
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("2001:db8:2::7"), mac_b, -1,
					   PG_FIB_NEIGH_STATIC, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ac::1")->l2[5], 0xbb);
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("2001:db8:2::7"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ac::1")->type, PG_NH_UNRESOLVED);
	ck_assert_mem_eq(gw_of("2001:db8:ac::1"), ip6("2001:db8:2::7"), 16);
	ck_assert_ptr_null(pg_fib6_find(fib, ip6("2001:db8:2::7"), 128));
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("2001:db8:2::7"), -1, err), -ENOENT);
	/* Refusals. */
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("2001:db8:1::1"), mac_a, -1,
					   PG_FIB_NEIGH_STATIC, err), -EINVAL);
	ck_assert_str_eq(err, "neighbor 2001:db8:1::1: that is our own address");
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("2001:db8:1::9"), (const uint8_t[6]){ 1 },
					   -1, PG_FIB_NEIGH_STATIC, err), -EINVAL);
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("2001:db8:1::9"), mac_a, 1,
					   PG_FIB_NEIGH_STATIC, err), -EINVAL);
	ck_assert_str_eq(err, "neighbor 2001:db8:1::9: not in the prefix of that port");
}
END_TEST

START_TEST(precedence_comes_back)
{
	char err[PG_CONF_ERR_LEN];
	const uint8_t *p = ip6("2001:db8:30::");

	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_FPM, p, 48,
						  ip6("2001:db8:2::2"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:30::1")->type, PG_NH_FORWARD);
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, p, 48, NULL, 0,
						  err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:30::1")->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(pg_fib6_find(fib, p, 48)->origin, PG_ROUTE_ORIGIN_STATIC);
	/* FPM changes its losing route: still the static one forwards. */
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_FPM, p, 48,
						  ip6("2001:db8:2::8"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:30::1")->port, 0);
	ck_assert_uint_eq(fib->n_shadow, 1);
	ck_assert_int_eq(pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC, p, 48, err), 0);
	ck_assert_uint_eq(pg_fib6_find(fib, p, 48)->origin, PG_ROUTE_ORIGIN_FPM);
	ck_assert_mem_eq(gw_of("2001:db8:30::1"), ip6("2001:db8:2::8"), 16);
	ck_assert_int_eq(pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_FPM, p, 48, err), 0);
	ck_assert_ptr_null(pg_fib6_find(fib, p, 48));
	ck_assert_uint_eq(fib->n_shadow, 0);
	/* A static /128 over a neighbor's host route; the neighbor's returns. */
	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC,
						  ip6("2001:db8:2::2"), 128, NULL, 0, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:2::2")->port, 0);
	ck_assert_int_eq(pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC,
						  ip6("2001:db8:2::2"), 128, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:2::2")->l2[5], 0x99);
	/* Unused gateway next hops are given back. */
	ck_assert_uint_eq(fib->n_nh, PG_NH_IDX_PORTS + 4 + 2);
}
END_TEST

START_TEST(default_route_follows_gateway)
{
	char err[PG_CONF_ERR_LEN];

	ck_assert_int_eq(pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("::"), 0,
						  ip6("2001:db8:2::9"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ff::1")->type, PG_NH_UNRESOLVED);
	ck_assert_mem_eq(gw_of("2001:db8:ff::1"), ip6("2001:db8:2::9"), 16);
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("2001:db8:2::9"), mac_a, -1,
					   PG_FIB_NEIGH_DYNAMIC, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ff::1")->type, PG_NH_FORWARD);
	ck_assert_uint_eq(nh_of("2001:db8:ff::1")->l2[5], 0xaa);
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("2001:db8:2::9"), -1, err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ff::1")->type, PG_NH_UNRESOLVED);
	ck_assert_int_eq(pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("::"), 0,
						  err), 0);
	ck_assert_uint_eq(nh_of("2001:db8:ff::1")->type, PG_NH_NO_ROUTE);
}
END_TEST

static void
check_one(const uint8_t ip[16])
{
	const struct pg_fib6_route *best = NULL;
	int l;

	for (l = 128; l >= 0 && best == NULL; l--)
		best = pg_fib6_find(fib, ip, (uint8_t)l);
	ck_assert_uint_eq(side_lookup(&fib->side[0], ip),
			  best != NULL && best->len != 0 ? best->nh : PG_NH_IDX_DEFAULT);
	ck_assert_uint_eq(side_lookup(&fib->side[1], ip),
			  best != NULL && best->len != 0 ? best->nh : PG_NH_IDX_DEFAULT);
	if (best != NULL && best->len == 0)
		ck_assert_mem_eq(&fib->side[0].nh[PG_NH_IDX_DEFAULT],
				 &fib->ctl_nh[best->nh], sizeof(struct pg_nexthop));
}

/* Both copies answer like a longest match over the route list, at random
 * addresses and at each route's own prefix; their next hops are equal. */
static void
check_copies_match(unsigned int samples, unsigned int seed)
{
	unsigned int i, b;

	srand(seed);
	for (i = 0; i < samples; i++) {
		uint8_t ip[16];

		memcpy(ip, ip6("2001:db8::"), 16);
		for (b = 4; b < 16; b++)
			ip[b] = (uint8_t)rand();
		if (i % 4 == 0)
			ip[4] = ip[5] = ip[6] = ip[7] = 0;
		check_one(ip);
	}
	for (i = 0; i < fib->n_routes; i++)
		check_one(fib->routes[i].prefix);
	for (i = 0; i < fib->n_nh; i++) {
		ck_assert_mem_eq(&fib->side[0].nh[i], &fib->side[1].nh[i],
				 sizeof(struct pg_nexthop));
		ck_assert_mem_eq(fib->side[0].gw[i], fib->side[1].gw[i], 16);
		ck_assert_mem_eq(&fib->side[0].nh[i], &fib->ctl_nh[i], sizeof(struct pg_nexthop));
	}
}

static void
random_spec(struct pg_fib6_route_spec *s, unsigned int line)
{
	static const char *const gws[] = { "2001:db8:2::2", "2001:db8:2::3", "2001:db8:1::4" };
	unsigned int b;

	memset(s, 0, sizeof(*s));
	memcpy(s->prefix, ip6("2001:db8::"), 16);
	s->len = (uint8_t)(32 + rand() % 33);
	for (b = 4; b < 16; b++)
		s->prefix[b] = (uint8_t)rand();
	if (rand() % 4 == 0)
		s->prefix[4] = s->prefix[5] = s->prefix[6] = s->prefix[7] = 0;
	s->port = (int16_t)(rand() % 2);
	if (rand() % 3 != 0) {
		s->has_gw = 1;
		s->port = -1;
		memcpy(s->gw, ip6(gws[rand() % 3]), 16);
	}
	s->line = line;
}

/* A bulk load is one change: all routes or none; the later line wins. */
START_TEST(bulk_load_all_or_nothing)
{
	enum { N = 1000 };
	struct pg_fib6_route_spec *v = calloc(N + 1, sizeof(*v));
	char err[PG_CONF_ERR_LEN];
	const uint32_t n0 = fib->n_routes;
	unsigned int i;

	ck_assert_ptr_nonnull(v);
	srand(5);
	for (i = 0; i < N; i++)
		random_spec(&v[i], i + 1);
	/* One bad line: nothing is loaded. */
	v[N] = v[0];
	v[N].has_gw = 1;
	memcpy(v[N].gw, ip6("2001:db8:77::1"), 16);
	v[N].line = N + 1;
	ck_assert_int_eq(pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N + 1, err),
			 -EINVAL);
	ck_assert_str_eq(err, "line 1001: via 2001:db8:77::1: not in the prefix of any port");
	ck_assert_uint_eq(fib->n_routes, n0);
	check_copies_match(3000, 1);
	/* The good ones, with a prefix given twice: the later line wins. */
	srand(5);
	for (i = 0; i < N; i++)
		random_spec(&v[i], i + 1);
	v[N] = v[0];
	v[N].has_gw = 0;
	v[N].port = 0;
	v[N].line = N + 1;
	ck_assert_int_eq(pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N + 1, err), 0);
	ck_assert_uint_gt(fib->n_routes, n0 + N / 2);
	for (i = 0; i + 1 < fib->n_routes; i++) {
		const struct pg_fib6_route *x = &fib->routes[i], *y = &fib->routes[i + 1];
		int c = memcmp(x->prefix, y->prefix, 16);

		ck_assert(c < 0 || (c == 0 && x->len < y->len));
	}
	check_copies_match(20000, 2);
	/* And all of them away again, in one change. */
	ck_assert_int_eq(pg_fib6_route_del_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N + 1, err), 0);
	ck_assert_uint_eq(fib->n_routes, n0);
	ck_assert_uint_eq(fib->n_nh, PG_NH_IDX_PORTS + 4 + 2);
	check_copies_match(3000, 3);
	free(v);
}
END_TEST

/* Routes in distinct /24s each need their own tbl8 groups: a load that
 * runs the TRIE out of them (growth stopped here) is refused whole and
 * leaves both copies as they were, and the groups it took are given back;
 * with growth allowed the copies grow and take it. */
START_TEST(table_full_changes_nothing)
{
	enum { N = 2000 };
	struct pg_fib6_route_spec *v = calloc(N, sizeof(*v));
	char err[PG_CONF_ERR_LEN];
	const uint32_t n0 = fib->n_routes;
	unsigned int i;
	int ret;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < N; i++) {
		v[i].prefix[0] = 0x20;
		v[i].prefix[1] = (uint8_t)(i >> 8);
		v[i].prefix[2] = (uint8_t)i;
		v[i].prefix[15] = 1;
		v[i].len = 128;
		v[i].port = 0;
		v[i].line = i + 1;
	}
	fib->max_tbl8 = fib->n_tbl8;
	ret = pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N, err);
	ck_assert_int_eq(ret, -ENOSPC);
	ck_assert_msg(strstr(err, "table full") != NULL, "%s", err);
	ck_assert_uint_eq(fib->n_routes, n0);
	check_copies_match(3000, 4);
	/* What fits still goes in: the failed load gave its groups back. */
	ck_assert_int_eq(pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, 200, err), 0);
	ck_assert_uint_eq(fib->n_routes, n0 + 200);
	ck_assert_uint_eq(pg_fib6_lookup(fib, v[199].prefix), PG_NH_IDX_PORTS + 1);
	/* Churn far beyond the TRIE's tbl8 count, which 22.11 never gives
	 * back on delete: the copies are rebuilt and every change goes in. */
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(pg_fib6_route_del_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, 200, err), 0);
		ck_assert_int_eq(pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, 200, err), 0);
	}
	ck_assert_uint_gt(fib->rebuilds, 0);
	check_copies_match(3000, 5);
	/* Growth allowed: 2000 routes of 13 groups each go in. */
	fib->max_tbl8 = 1u << 15;
	ck_assert_int_eq(pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N, err), 0);
	ck_assert_uint_eq(fib->n_tbl8, 1u << 15);
	ck_assert_uint_eq(fib->n_routes, n0 + N);
	check_copies_match(3000, 6);
	free(v);
}
END_TEST

/* Many random single changes: both copies stay equal to the route list. */
START_TEST(copies_stay_equal)
{
	char err[PG_CONF_ERR_LEN];
	struct pg_fib6_route_spec s;
	unsigned int k;

	srand(9);
	for (k = 0; k < 3000; k++) {
		const int what = rand() % 8;

		random_spec(&s, 0);
		s.len = (uint8_t)(44 + rand() % 8 * 12);
		s.prefix[4] &= 7;
		s.prefix[5] = s.prefix[6] = s.prefix[7] = 0;
		s.prefix[8] &= 3;
		memset(s.prefix + 9, 0, 7);
		if (what == 0) {
			uint8_t ip[16];

			memcpy(ip, ip6("2001:db8:2::"), 16);
			ip[15] = (uint8_t)(2 + rand() % 3);
			if (rand() % 2)
				pg_fib6_neigh_set(fib, ip, rand() % 2 ? mac_a : mac_b, -1,
						  PG_FIB_NEIGH_STATIC, err);
			else
				pg_fib6_neigh_del(fib, ip, -1, err);
		} else if (what < 4) {
			pg_fib6_route_del_origin(fib, rand() % 2 ? PG_ROUTE_ORIGIN_STATIC :
						 PG_ROUTE_ORIGIN_FPM, s.prefix, s.len, err);
		} else {
			ck_assert_int_eq(pg_fib6_route_add_origin(fib, rand() % 2 ?
						PG_ROUTE_ORIGIN_STATIC : PG_ROUTE_ORIGIN_FPM,
						s.prefix, s.len, s.has_gw ? s.gw : NULL,
						s.port, err), 0);
		}
	}
	ck_assert_uint_gt(fib->n_routes, 100);
	check_copies_match(20000, 10);
}
END_TEST

/* ---- a reader on another lcore while the table changes ------------------ */

/* Change k: 2001:db8:50::/48 via 2001:db8:2::gw_after(k). */
static int
r_change(uint64_t k)
{
	char err[PG_CONF_ERR_LEN];
	uint8_t gw[16];

	memcpy(gw, ip6("2001:db8:2::"), 16);
	gw[15] = gw_after(k);
	return pg_fib6_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:50::"), 48,
					gw, -1, err);
}

START_TEST(reader_never_sees_stale_or_torn)
{
	char err[PG_CONF_ERR_LEN];
	uint8_t gw[16];
	uint64_t k;

	memcpy(gw, ip6("2001:db8:2::"), 16);
	for (k = 0; k < N_GW; k++) {
		const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, gw_after(k) };

		gw[15] = gw_after(k);
		ck_assert_int_eq(pg_fib6_neigh_set(fib, gw, mac, -1, PG_FIB_NEIGH_STATIC, err), 0);
	}
	live_reader_run6(fib, ip6("2001:db8:50::1"), r_change);
}
END_TEST

static Suite *
live6_suite(void)
{
	Suite *s = suite_create("fib6_live");
	TCase *tc = tcase_create("live6");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, route_add_replace_del);
	tcase_add_test(tc, link_local_gateway_and_neighbor);
	tcase_add_test(tc, neighbor_resolves_routes);
	tcase_add_test(tc, precedence_comes_back);
	tcase_add_test(tc, default_route_follows_gateway);
	tcase_add_test(tc, bulk_load_all_or_nothing);
	tcase_add_test(tc, table_full_changes_nothing);
	tcase_add_test(tc, copies_stay_equal);
	tcase_add_test(tc, reader_never_sees_stale_or_torn);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	char *eal_args[] = { argv[0], "--no-huge", "-m", "512", "--no-pci", "-l", "0,1",
		"--file-prefix=pg_test_fib6_live", "--log-level", "lib.eal:warning", NULL };
	char err[PG_CONF_ERR_LEN];
	unsigned int i;
	SRunner *sr;
	int failed;

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal_args) - 1, eal_args) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	conf = pg_conf_parse(conf_yaml, sizeof(conf_yaml) - 1, err);
	if (conf == NULL)
		rte_exit(EXIT_FAILURE, "config: %s\n", err);
	for (i = 0; i < 2; i++)
		memcpy(macs[i].addr_bytes, conf->ports[i].mac, 6);
	sr = srunner_create(live6_suite());
	srunner_set_fork_status(sr, CK_NOFORK);  /* EAL threads do not survive fork */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_conf_free(conf);
	rte_eal_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
