/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Live changes of the IPv4 table: routes, neighbors, precedence coming
 * back, refusals that leave the table as it was, both copies kept equal,
 * and a reader on another lcore that never sees a torn or stale answer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_eal.h>
#include <rte_fib.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "live_reader.h"    /* before fib_test_main.h's fib */
#include "fib_test_main.h"
#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_fib_lookup.h"
#include "pg_pkt.h"
#include "pg_rcu.h"

static const char conf_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_null0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n"
	"  - {name: wan, device: net_null1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02}\n"
	"neighbors:\n"
	"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n"
	"routes:\n"
	"  - {prefix: 172.16.0.0/12, via: 198.51.100.7}\n"
	"workers:\n"
	"  lcores: [1]\n";

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0xbb };

/* The next hop a packet to @p ip gets now. */
static const struct pg_nexthop *
nh_of(uint32_t ip)
{
	return &pg_fib_active(fib)->nh[pg_fib_lookup(fib, ip)];
}

START_TEST(static_route_add_replace_del)
{
	char err[PG_CONF_ERR_LEN];

	ck_assert_uint_eq(nh_of(PG_IPV4(10, 1, 2, 3))->type, PG_NH_NO_ROUTE);
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 1, 0, 0), 16,
					  PG_IPV4(198, 51, 100, 2), -1, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 1, 2, 3))->type, PG_NH_FORWARD);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 1, 2, 3))->port, 1);
	ck_assert_mem_eq(nh_of(PG_IPV4(10, 1, 2, 3))->l2, "\x02\0\0\0\0\x99", 6);
	/* Replace: out of lan, directly. */
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 1, 0, 0), 16, 0, 0, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 1, 2, 3))->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 1, 2, 3))->port, 0);
	ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(10, 1, 0, 0), 16, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 1, 2, 3))->type, PG_NH_NO_ROUTE);
	ck_assert_ptr_null(pg_fib_find(fib, PG_IPV4(10, 1, 0, 0), 16));
	ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(10, 1, 0, 0), 16, err), -ENOENT);
	ck_assert_msg(strstr(err, "no such static route") != NULL, "%s", err);
}
END_TEST

/*
 * A route longer than /24 with the same next hop as its covering route
 * (one gateway for both), added and deleted a few times, must not use up
 * DPDK's tbl8 reservations: later long routes in fresh /24s still go in
 * (DPDK 22.11 miscounts this case; found by tests/fuzz/fuzz_fib).
 */
START_TEST(long_route_with_parents_next_hop)
{
	const uint32_t gw = PG_IPV4(198, 51, 100, 2);
	char err[PG_CONF_ERR_LEN];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 0, 0, 0), 8, gw, -1, err), 0);
		ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 1, 2, 3), 32, gw, -1, err), 0);
		ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(10, 1, 2, 3), 32, err), 0);
		ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(10, 0, 0, 0), 8, err), 0);
	}
	for (i = 0; i < 8; i++) {
		ck_assert_msg(pg_fib_route_add(fib, PG_IPV4(203, 0, 113 - i, 5), 32, gw, -1,
					       err) == 0, "%s", err);
		ck_assert_uint_eq(nh_of(PG_IPV4(203, 0, 113 - i, 5))->type, PG_NH_FORWARD);
	}
	ck_assert_msg(pg_fib_route_add(fib, PG_IPV4(100, 64, 0, 128), 25, 0, 0, err) == 0,
		      "%s", err);
	ck_assert_uint_eq(nh_of(PG_IPV4(100, 64, 0, 200))->type, PG_NH_UNRESOLVED);
}
END_TEST

/* A static route over a connected subnet wins; deleting it brings the
 * connected route back. Our own addresses cannot be taken. */
START_TEST(precedence_comes_back)
{
	char err[PG_CONF_ERR_LEN];
	const uint32_t n = fib->n_routes;

	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(192, 0, 2, 0), 24,
					  PG_IPV4(198, 51, 100, 2), -1, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(192, 0, 2, 50))->type, PG_NH_FORWARD);
	ck_assert_uint_eq(fib->n_routes, n);
	ck_assert_uint_eq(pg_fib_find(fib, PG_IPV4(192, 0, 2, 0), 24)->origin,
			  PG_ROUTE_ORIGIN_STATIC);
	ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(192, 0, 2, 0), 24, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(192, 0, 2, 50))->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(pg_fib_find(fib, PG_IPV4(192, 0, 2, 0), 24)->origin,
			  PG_ROUTE_ORIGIN_CONNECTED);
	/* Still local after a refused attempt. */
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(192, 0, 2, 1), 32,
					  PG_IPV4(198, 51, 100, 2), -1, err), -EEXIST);
	ck_assert_uint_eq(nh_of(PG_IPV4(192, 0, 2, 1))->type, PG_NH_LOCAL);
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 0, 0, 0), 8,
					  PG_IPV4(203, 0, 113, 1), -1, err), -EINVAL);
	ck_assert_msg(strstr(err, "203.0.113.1") != NULL, "%s", err);
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 0, 0, 0), 8,
					  PG_IPV4(198, 51, 100, 1), -1, err), -EINVAL);
	ck_assert_uint_eq(fib->n_routes, n);
}
END_TEST

/* Routes from a routing daemon lose to static ones and come back when the
 * static one goes; bulk loads of daemon routes wait behind static ones. */
START_TEST(fpm_routes_below_static)
{
	struct pg_fib_route_spec v[2];
	char err[PG_CONF_ERR_LEN];
	const uint32_t p = PG_IPV4(10, 7, 0, 0);

	ck_assert_int_eq(pg_fib_route_add_origin(fib, PG_ROUTE_ORIGIN_FPM, p, 16,
						 PG_IPV4(198, 51, 100, 2), -1, err), 0);
	ck_assert_uint_eq(pg_fib_find(fib, p, 16)->origin, PG_ROUTE_ORIGIN_FPM);
	ck_assert_uint_eq(nh_of(p | 1)->port, 1);
	ck_assert_int_eq(pg_fib_route_add(fib, p, 16, 0, 0, err), 0);
	ck_assert_uint_eq(pg_fib_find(fib, p, 16)->origin, PG_ROUTE_ORIGIN_STATIC);
	ck_assert_uint_eq(nh_of(p | 1)->port, 0);
	/* A daemon update while the static route wins changes nothing seen. */
	memset(v, 0, sizeof(v));
	v[0].prefix = p;
	v[0].len = 16;
	v[0].gw = PG_IPV4(198, 51, 100, 9);
	v[0].port = -1;
	v[0].line = 1;
	v[1].prefix = PG_IPV4(10, 8, 0, 0);
	v[1].len = 16;
	v[1].gw = PG_IPV4(198, 51, 100, 2);
	v[1].port = -1;
	v[1].line = 2;
	ck_assert_int_eq(pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, 2, err), 0);
	ck_assert_uint_eq(nh_of(p | 1)->port, 0);
	ck_assert_uint_eq(pg_fib_find(fib, PG_IPV4(10, 8, 0, 0), 16)->origin,
			  PG_ROUTE_ORIGIN_FPM);
	/* The static one goes: the daemon's latest comes back. */
	ck_assert_int_eq(pg_fib_route_del(fib, p, 16, err), 0);
	ck_assert_uint_eq(pg_fib_find(fib, p, 16)->origin, PG_ROUTE_ORIGIN_FPM);
	ck_assert_uint_eq(pg_fib_find(fib, p, 16)->gw, PG_IPV4(198, 51, 100, 9));
	ck_assert_uint_eq(nh_of(p | 1)->type, PG_NH_UNRESOLVED);
	ck_assert_int_eq(pg_fib_route_del(fib, p, 16, err), -ENOENT);
	ck_assert_int_eq(pg_fib_route_del_origin(fib, PG_ROUTE_ORIGIN_FPM, p, 16, err), 0);
	ck_assert_uint_eq(nh_of(p | 1)->type, PG_NH_NO_ROUTE);
	ck_assert_int_eq(pg_fib_route_add_origin(fib, PG_ROUTE_ORIGIN_LOCAL, p, 16, 0, 0, err),
			 -EINVAL);
}
END_TEST

/* Learning a gateway fixes every route through it; forgetting it undoes. */
START_TEST(neighbor_resolves_routes)
{
	char err[PG_CONF_ERR_LEN];
	const uint32_t gw = PG_IPV4(198, 51, 100, 7);
	const uint32_t nn = fib->n_neighbors;

	ck_assert_uint_eq(nh_of(PG_IPV4(172, 20, 0, 1))->type, PG_NH_UNRESOLVED);
	ck_assert_int_eq(pg_fib_neigh_set(fib, gw, mac_a, -1, PG_FIB_NEIGH_STATIC, err), 0);
	ck_assert_uint_eq(fib->n_neighbors, nn + 1);
	ck_assert_uint_eq(nh_of(PG_IPV4(172, 20, 0, 1))->type, PG_NH_FORWARD);
	ck_assert_mem_eq(nh_of(PG_IPV4(172, 20, 0, 1))->l2, mac_a, 6);
	ck_assert_mem_eq(nh_of(gw)->l2, mac_a, 6);
	ck_assert_uint_eq(pg_fib_find(fib, gw, 32)->origin, PG_ROUTE_ORIGIN_NEIGHBOR);
	/* The MAC moves: one change, every route follows. */
	ck_assert_int_eq(pg_fib_neigh_set(fib, gw, mac_b, -1, PG_FIB_NEIGH_STATIC, err), 0);
	ck_assert_mem_eq(nh_of(PG_IPV4(172, 20, 0, 1))->l2, mac_b, 6);
	ck_assert_uint_eq(fib->n_neighbors, nn + 1);
	ck_assert_int_eq(pg_fib_neigh_del(fib, gw, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(172, 20, 0, 1))->type, PG_NH_UNRESOLVED);
	ck_assert_ptr_null(pg_fib_find(fib, gw, 32));
	ck_assert_uint_eq(nh_of(gw)->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(fib->n_neighbors, nn);
	ck_assert_int_eq(pg_fib_neigh_del(fib, gw, err), -ENOENT);
	/* Learned entries never replace configured ones; the reverse works. */
	ck_assert_int_eq(pg_fib_neigh_set(fib, gw, mac_a, -1, PG_FIB_NEIGH_DYNAMIC, err), 0);
	ck_assert_uint_eq(pg_fib_neigh_kind(fib, gw), PG_FIB_NEIGH_DYNAMIC);
	ck_assert_int_eq(pg_fib_neigh_set(fib, gw, mac_b, -1, PG_FIB_NEIGH_STATIC, err), 0);
	ck_assert_uint_eq(pg_fib_neigh_kind(fib, gw), PG_FIB_NEIGH_STATIC);
	ck_assert_int_eq(pg_fib_neigh_set(fib, gw, mac_a, -1, PG_FIB_NEIGH_DYNAMIC, err),
			 -EEXIST);
	ck_assert_mem_eq(nh_of(gw)->l2, mac_b, 6);
	ck_assert_int_eq(pg_fib_neigh_del(fib, gw, err), 0);
	/* An unresolved gateway's next hop names the gateway for the workers. */
	ck_assert_uint_eq(pg_nexthop_unresolved_ip(nh_of(PG_IPV4(172, 20, 0, 1))),
			  rte_cpu_to_be_32(gw));
	/* Wrong family of mistakes: not on a subnet, ours, multicast MAC. */
	ck_assert_int_eq(pg_fib_neigh_set(fib, PG_IPV4(203, 0, 113, 1), mac_a, -1,
					  PG_FIB_NEIGH_STATIC, err), -EINVAL);
	ck_assert_int_eq(pg_fib_neigh_set(fib, PG_IPV4(192, 0, 2, 1), mac_a, -1,
					  PG_FIB_NEIGH_STATIC, err), -EINVAL);
	ck_assert_int_eq(pg_fib_neigh_set(fib, PG_IPV4(192, 0, 2, 9),
					  (const uint8_t *)"\x01\0\x5e\0\0\1", -1,
					  PG_FIB_NEIGH_STATIC, err), -EINVAL);
}
END_TEST

/* The default route is the lookup's miss value: it follows its gateway. */
START_TEST(default_route_follows_gateway)
{
	char err[PG_CONF_ERR_LEN];
	const uint32_t gw = PG_IPV4(192, 0, 2, 77);

	ck_assert_int_eq(pg_fib_route_add(fib, 0, 0, gw, -1, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(8, 8, 8, 8))->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(nh_of(PG_IPV4(8, 8, 8, 8))->port, 0);
	ck_assert_int_eq(pg_fib_neigh_set(fib, gw, mac_a, -1, PG_FIB_NEIGH_STATIC, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(8, 8, 8, 8))->type, PG_NH_FORWARD);
	ck_assert_mem_eq(nh_of(PG_IPV4(8, 8, 8, 8))->l2, mac_a, 6);
	ck_assert_int_eq(pg_fib_route_del(fib, 0, 0, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(8, 8, 8, 8))->type, PG_NH_NO_ROUTE);
	/* The neighbor itself stays. */
	ck_assert_mem_eq(nh_of(gw)->l2, mac_a, 6);
}
END_TEST

/* Out of tbl8 groups: the change is refused whole, the table unchanged,
 * and the next change that fits works on both copies. */
START_TEST(table_full_changes_nothing)
{
	const struct pg_fib_limits lim = { .max_tbl8 = 3, .tbl8_limit = 3 };
	char err[PG_CONF_ERR_LEN];
	uint32_t n, i, full;

	teardown();
	fib = make(&lim);
	/* /32s in new /24s until the groups run out. */
	for (i = 0; i < 64; i++) {
		n = fib->n_routes;
		if (pg_fib_route_add(fib, PG_IPV4(10, 0, i, 1), 32, 0, 1, err) != 0)
			break;
	}
	ck_assert_uint_lt(i, 64);
	ck_assert_uint_gt(i, 0);
	full = i;
	ck_assert_msg(strstr(err, "table full") != NULL, "%s", err);
	ck_assert_uint_eq(fib->n_routes, n);
	ck_assert_ptr_null(pg_fib_find(fib, PG_IPV4(10, 0, full, 1), 32));
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 0, full, 1))->type, PG_NH_NO_ROUTE);
	/* Room again: the refused route goes in, on both copies. */
	ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(10, 0, 0, 1), 32, err), 0);
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 0, full, 1), 32, 0, 1, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 0, full, 1))->port, 1);
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 0, full, 0), 24, 0, 0, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 0, full, 1))->port, 1);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 0, full, 2))->port, 0);
}
END_TEST

/* rte_fib's answer, which the workers' inline walk (pg_fib_lookup.h)
 * must give too, after any change. */
static uint64_t
side_lookup(const struct pg_fib_side *s, uint32_t ip)
{
	uint64_t nh, inl;

	rte_fib_lookup_bulk(s->v4, &ip, &nh, 1);
	ck_assert_uint_ne(s->nh_bytes, 0);      /* DPDK 22.11's layout recognised */
	pg_fib_lookup4(s, &ip, &inl, 1);
	ck_assert_uint_eq(inl, nh);
	return nh;
}

static void
fill_specs(struct pg_fib_route_spec *v, unsigned int n)
{
	unsigned int i;

	srand(11);
	for (i = 0; i < n; i++) {
		v[i].len = (uint8_t)(8 + rand() % 25);
		v[i].prefix = PG_IPV4(20 + rand() % 100, 0, 0, 0) | ((uint32_t)rand() & 0xffffff);
		v[i].gw = PG_IPV4(198, 51, 100, 100 + rand() % 20);   /* new gateways */
		v[i].port = -1;
		v[i].line = i + 1;
	}
}

/* Both copies answer like the route list: the longest installed prefix. */
static void
check_copies_match(unsigned int samples)
{
	unsigned int i;

	for (i = 0; i < samples; i++) {
		const uint32_t ip = PG_IPV4(20 + rand() % 100, 0, 0, 0) |
				    ((uint32_t)rand() & 0xffffff);
		const struct pg_fib_route *best = NULL;
		int l;

		for (l = 32; l >= 0 && best == NULL; l--)
			best = pg_fib_find(fib, ip, (uint8_t)l);
		ck_assert_uint_eq(side_lookup(&fib->side[0], ip),
				  best != NULL ? best->nh : PG_NH_IDX_DEFAULT);
		ck_assert_uint_eq(side_lookup(&fib->side[1], ip),
				  best != NULL ? best->nh : PG_NH_IDX_DEFAULT);
	}
}

/* ---- growing tbl8 room --------------------------------------------------- */

/* Route k of a long-route load: 20.0.0.0 + k * 256 + 16 /28, each in a /24
 * of its own (one tbl8 group each), out of port k & 1. */
static uint32_t
long_prefix(uint32_t k)
{
	return PG_IPV4(20, 0, 0, 16) + (k << 8);
}

static void
long_specs(struct pg_fib_route_spec *v, uint32_t first, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].prefix = long_prefix(first + i);
		v[i].len = 28;
		v[i].port = (int16_t)((first + i) & 1);
		v[i].line = i + 1;
	}
}

static int
load_long(uint32_t first, uint32_t n, char err[PG_CONF_ERR_LEN])
{
	struct pg_fib_route_spec *v = calloc(n, sizeof(*v));
	int ret;

	ck_assert_ptr_nonnull(v);
	long_specs(v, first, n);
	ret = pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, n, err);
	free(v);
	return ret;
}

/* The next hop of routes out of port @p p: its connected subnet's. */
static uint32_t
port_nh(uint32_t p)
{
	const struct pg_fib_route *r = p == 0 ? pg_fib_find(fib, PG_IPV4(192, 0, 2, 0), 24) :
					       pg_fib_find(fib, PG_IPV4(198, 51, 100, 0), 24);

	ck_assert_ptr_nonnull(r);
	return r->nh;
}

/* The next-hop index long route @p k has (present) or a miss (absent)
 * gives, in both copies: inside the /28 and just outside it. */
static void
check_long_one(uint32_t k, bool present)
{
	const uint32_t in = long_prefix(k) + 5, out = long_prefix(k) - 15;
	const uint64_t want = present ? port_nh(k & 1) : PG_NH_IDX_DEFAULT;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ck_assert_msg(side_lookup(&fib->side[i], in) == want,
			      "copy %u, route %u: nh %lu, want %lu", i, k,
			      (unsigned long)side_lookup(&fib->side[i], in), (unsigned long)want);
		ck_assert_uint_eq(side_lookup(&fib->side[i], out), PG_NH_IDX_DEFAULT);
	}
}

/* check_long_one() for some 2000 routes of [first, first + n), its ends
 * included. */
static void
check_long(uint32_t first, uint32_t n, bool present)
{
	const uint32_t step = n / 2000 + 1;
	uint32_t k;

	for (k = first; k < first + n; k += step)
		check_long_one(k, present);
	if (n != 0)
		check_long_one(first + n - 1, present);
}

/* The copies are as big as each other and as the table says. */
static void
check_sizes(void)
{
	ck_assert_uint_eq(fib->side_tbl8[0], fib->n_tbl8);
	ck_assert_uint_eq(fib->side_tbl8[1], fib->n_tbl8);
	ck_assert_uint_le(fib->n_tbl8, fib->max_tbl8);
}

/* 10 000 /24s with a /28 each: 4096 groups at start, the load makes the
 * copies grow and goes in whole. */
START_TEST(tbl8_grows_past_start_room)
{
	enum { N = 10000 };
	char err[PG_CONF_ERR_LEN];
	const uint32_t n0 = fib->n_routes;
	struct pg_fib_route_spec *v = calloc(N, sizeof(*v));

	ck_assert_uint_eq(fib->n_tbl8, 4096);
	ck_assert_int_eq(load_long(0, N, err), 0);
	ck_assert_uint_eq(fib->n_routes, n0 + N);
	ck_assert_uint_ge(fib->n_tbl8, N);
	ck_assert_uint_le(fib->n_tbl8, 32767);     /* 2-byte entries still */
	ck_assert_uint_eq(fib->tbl8_rebuilds, 2);  /* one rebuild per copy */
	check_sizes();
	check_long(0, N, true);
	ck_assert_uint_eq(nh_of(PG_IPV4(172, 16, 1, 1))->type, PG_NH_UNRESOLVED);
	/* The grown copies take changes like any: one route, then all out. */
	ck_assert_int_eq(pg_fib_route_add(fib, PG_IPV4(10, 0, 0, 1), 32, 0, 0, err), 0);
	ck_assert_uint_eq(nh_of(PG_IPV4(10, 0, 0, 1))->type, PG_NH_UNRESOLVED);
	ck_assert_ptr_nonnull(v);
	long_specs(v, 0, N);
	ck_assert_int_eq(pg_fib_route_del_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N, err), 0);
	check_long(0, N, false);
	check_sizes();
	free(v);
}
END_TEST

/* Single adds grow the room too, both copies each time. */
START_TEST(tbl8_grows_route_by_route)
{
	const struct pg_fib_limits lim = { .max_tbl8 = 64 };
	char err[PG_CONF_ERR_LEN];
	uint32_t k;

	teardown();
	fib = make(&lim);
	ck_assert_uint_eq(fib->n_tbl8, 64);
	for (k = 0; k < 300; k++) {
		ck_assert_msg(pg_fib_route_add(fib, long_prefix(k), 28, 0, (int)(k & 1), err) == 0,
			      "%s", err);
		check_sizes();
	}
	ck_assert_uint_eq(fib->n_tbl8, 512);
	check_long(0, 300, true);
}
END_TEST

/* Past tbl8_limit a load is refused whole: nothing in either copy, the
 * routes there before still answered, and what fits still goes in. */
START_TEST(tbl8_refused_at_limit_changes_nothing)
{
	const struct pg_fib_limits lim = { .max_tbl8 = 64, .tbl8_limit = 256 };
	char err[PG_CONF_ERR_LEN];
	uint32_t n0;

	teardown();
	fib = make(&lim);
	ck_assert_int_eq(load_long(0, 100, err), 0);
	n0 = fib->n_routes;
	ck_assert_int_eq(load_long(100, 200, err), -ENOSPC);
	ck_assert_msg(strstr(err, "table full") != NULL && strstr(err, "256 tbl8 groups") != NULL,
		      "%s", err);
	ck_assert_uint_eq(fib->n_routes, n0);
	ck_assert_ptr_null(pg_fib_find(fib, long_prefix(100), 28));
	check_long(0, 100, true);
	check_long(100, 200, false);
	ck_assert_uint_eq(nh_of(PG_IPV4(198, 51, 100, 2))->type, PG_NH_FORWARD);
	/* One copy grew to the limit before the refusal: the next change
	 * brings the other one level. */
	ck_assert_uint_eq(fib->n_tbl8, 256);
	ck_assert_int_eq(load_long(100, 100, err), 0);
	check_sizes();
	check_long(0, 200, true);
	/* 200 /24s and the ports' two: 60 more do not fit 256. */
	ck_assert_int_eq(load_long(200, 60, err), -ENOSPC);
	check_long(200, 60, false);
	check_sizes();
}
END_TEST

/* Past 32704 groups the copies take 4-byte entries. A load refused at
 * the limit leaves the copy it grew with 4-byte entries beside the one
 * workers read, with 2-byte ones, until the next change: both answer
 * right, and that change levels them. */
START_TEST(tbl8_grows_to_4byte_entries)
{
	enum { N = 20100 };
	const struct pg_fib_limits lim = { .max_tbl8 = 20000, .tbl8_limit = 40000 };
	char err[PG_CONF_ERR_LEN];
	const struct pg_fib_side *active;

	teardown();
	fib = make(&lim);
	ck_assert_uint_eq(fib->n_tbl8, 20032);     /* rounded as rte_fib does */
	ck_assert_int_eq(load_long(0, N, err), 0);
	ck_assert_uint_eq(fib->n_tbl8, 32704);     /* 2-byte entries while they do */
	check_sizes();
	/* 40 100 /24s: refused at 40 000 groups. */
	ck_assert_int_eq(load_long(N, 20000, err), -ENOSPC);
	active = pg_fib_active(fib);
	ck_assert_uint_eq(fib->side_tbl8[active - fib->side], 32704);
	ck_assert_uint_eq(fib->side_tbl8[1 - (active - fib->side)], 40000);
	check_long(0, N, true);
	check_long(N, 20000, false);
	/* The next change publishes the 4-byte copy, rebuilds the other. */
	ck_assert_int_eq(pg_fib_route_del(fib, long_prefix(7), 28, err), 0);
	ck_assert_ptr_ne(pg_fib_active(fib), active);
	check_sizes();
	ck_assert_uint_eq(fib->n_tbl8, 40000);
	check_long(7, 1, false);
	check_long(8, N - 8, true);
	ck_assert_int_eq(load_long(N, 10000, err), 0);
	check_long(N, 10000, true);
	ck_assert_uint_eq(nh_of(PG_IPV4(198, 51, 100, 2))->type, PG_NH_FORWARD);
}
END_TEST

/* A bulk load is one change: all routes or none; the later line wins. */
START_TEST(bulk_load_all_or_nothing)
{
	enum { N = 5000 };
	struct pg_fib_route_spec *v = calloc(N + 2, sizeof(*v)), dup;
	char err[PG_CONF_ERR_LEN];
	const uint32_t n0 = fib->n_routes;
	unsigned int i;

	ck_assert_ptr_nonnull(v);
	fill_specs(v, N);
	/* The last line is our own address: nothing may change. */
	v[N].prefix = PG_IPV4(192, 0, 2, 1);
	v[N].len = 32;
	v[N].port = 1;
	v[N].line = N + 1;
	ck_assert_int_eq(pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N + 1, err), -EEXIST);
	ck_assert_msg(strstr(err, "line 5001") != NULL, "%s", err);
	ck_assert_uint_eq(fib->n_routes, n0);
	ck_assert_uint_eq(nh_of(v[0].prefix)->type, PG_NH_NO_ROUTE);

	/* Same routes (the call sorted them), plus a duplicate prefix whose
	 * later line wins. */
	fill_specs(v, N);
	v[N].prefix = v[0].prefix;
	v[N].len = v[0].len;
	v[N].gw = 0;
	v[N].port = 0;
	v[N].line = N + 1;
	dup = v[N];
	ck_assert_int_eq(pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, N + 1, err), 0);
	check_copies_match(20000);
	fill_specs(v, N);
	for (i = 0; i < N; i++) {
		if (v[i].prefix == dup.prefix && v[i].len == dup.len)
			continue;
		const struct pg_fib_route *r = pg_fib_find(fib, v[i].prefix, v[i].len);

		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->origin, PG_ROUTE_ORIGIN_STATIC);
	}
	ck_assert_uint_eq(fib->ctl_nh[pg_fib_find(fib, dup.prefix, dup.len)->nh].type,
			  PG_NH_UNRESOLVED);
	ck_assert_uint_eq(pg_fib_find(fib, dup.prefix, dup.len)->gw, 0);
	ck_assert_uint_eq(fib->ctl_nh[pg_fib_find(fib, dup.prefix, dup.len)->nh].port, 0);
	free(v);
}
END_TEST

/* Thousands of random changes: both copies answer alike, and like the
 * route list says. */
START_TEST(copies_stay_equal)
{
	char err[PG_CONF_ERR_LEN];
	unsigned int i;

	srand(7);
	for (i = 0; i < 3000; i++) {
		const uint8_t len = (uint8_t)(8 + rand() % 25);
		const uint32_t p = (PG_IPV4(10, 0, 0, 0) | ((uint32_t)rand() & 0xffffff)) &
				   (~0u << (32 - len));
		const uint32_t gw = PG_IPV4(198, 51, 100, 10 + rand() % 4);

		switch (rand() % 4) {
		case 0:
		case 1:
			pg_fib_route_add(fib, p, len, gw, -1, err);
			break;
		case 2:
			pg_fib_route_del(fib, p & ~0xffu, (uint8_t)RTE_MIN(len, 24), err);
			break;
		default:
			if (rand() & 1)
				pg_fib_neigh_set(fib, gw, rand() & 1 ? mac_a : mac_b, -1,
						 PG_FIB_NEIGH_STATIC, err);
			else
				pg_fib_neigh_del(fib, gw, err);
		}
	}
	for (i = 0; i < 20000; i++) {
		const uint32_t ip = PG_IPV4(10, 0, 0, 0) | ((uint32_t)rand() & 0xffffff);
		const uint64_t a = side_lookup(&fib->side[0], ip);
		const uint64_t b = side_lookup(&fib->side[1], ip);

		ck_assert_uint_eq(a, b);
		ck_assert_mem_eq(&fib->side[0].nh[a], &fib->ctl_nh[a], sizeof(struct pg_nexthop));
		ck_assert_mem_eq(&fib->side[1].nh[a], &fib->ctl_nh[a], sizeof(struct pg_nexthop));
	}
	/* Each route's first address, against a longest match over the list. */
	for (i = 0; i < fib->n_routes; i++) {
		const uint32_t ip = fib->routes[i].prefix;
		const struct pg_fib_route *best = NULL;
		int l;

		for (l = 32; l > 0 && best == NULL; l--)
			best = pg_fib_find(fib, ip, (uint8_t)l);
		ck_assert_ptr_nonnull(best);
		ck_assert_uint_eq(side_lookup(&fib->side[0], ip), best->nh);
		ck_assert_uint_eq(side_lookup(&fib->side[1], ip), best->nh);
	}
}
END_TEST

/* A bulk delete is one change: all routes or none; a static route over a
 * daemon's prefix stays, the daemon's waiting one goes. */
START_TEST(bulk_delete_all_or_nothing)
{
	enum { N = 3000 };
	struct pg_fib_route_spec *v = calloc(N + 1, sizeof(*v));
	char err[PG_CONF_ERR_LEN];
	const uint32_t n0 = fib->n_routes;
	uint32_t n_fpm, shadow0, sp, i;
	uint8_t sl;

	ck_assert_ptr_nonnull(v);
	fill_specs(v, N);
	ck_assert_int_eq(pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, N, err), 0);
	n_fpm = fib->n_routes - n0;
	ck_assert_uint_gt(n_fpm, N / 2);           /* random prefixes collide */
	/* A static route over one of them: the FPM one waits behind it. */
	sp = v[7].prefix;
	sl = v[7].len;
	ck_assert_int_eq(pg_fib_route_add(fib, sp, sl, 0, 0, err), 0);
	shadow0 = fib->n_shadow;
	ck_assert_uint_ge(shadow0, 1);

	/* One prefix without an FPM route: nothing goes. */
	fill_specs(v, N);
	v[N].prefix = PG_IPV4(9, 9, 9, 0);
	v[N].len = 24;
	v[N].line = N + 1;
	ck_assert_int_eq(pg_fib_route_del_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, N + 1, err), -ENOENT);
	ck_assert_msg(strstr(err, "line 3001") != NULL && strstr(err, "9.9.9.0/24") != NULL,
		      "%s", err);
	ck_assert_uint_eq(fib->n_routes, n0 + n_fpm);
	ck_assert_uint_eq(fib->n_shadow, shadow0);
	check_copies_match(5000);
	/* A static-only prefix is not the daemon's to delete. */
	v[0].prefix = sp;
	v[0].len = sl;
	v[0].line = 1;
	ck_assert_int_eq(pg_fib_route_del_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, 1, err), 0);
	ck_assert_int_eq(pg_fib_route_del_bulk(fib, PG_ROUTE_ORIGIN_STATIC, v, 1, err), -ENOENT);
	ck_assert_uint_eq(pg_fib_find(fib, sp, sl)->origin, PG_ROUTE_ORIGIN_FPM);
	ck_assert_int_eq(pg_fib_route_add(fib, sp, sl, 0, 0, err), 0);

	/* All of them, duplicates included: back to the start but the
	 * static route, and both copies agree everywhere. */
	fill_specs(v, N);
	ck_assert_int_eq(pg_fib_route_del_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, N, err), 0);
	ck_assert_uint_eq(fib->n_routes, n0 + 1);
	ck_assert_uint_eq(fib->n_shadow, shadow0 - 1);
	ck_assert_uint_eq(pg_fib_find(fib, sp, sl)->origin, PG_ROUTE_ORIGIN_STATIC);
	for (i = 0; i + 1 < fib->n_routes; i++)
		ck_assert(fib->routes[i].prefix < fib->routes[i + 1].prefix ||
			  (fib->routes[i].prefix == fib->routes[i + 1].prefix &&
			   fib->routes[i].len < fib->routes[i + 1].len));
	check_copies_match(20000);
	ck_assert_uint_eq(nh_of(PG_IPV4(198, 51, 100, 2))->type, PG_NH_FORWARD);
	free(v);
}
END_TEST

/* ---- a reader on another lcore while the table changes ------------------ */

/* Change k: 10.5.0.0/16 via 198.51.100.gw_after(k). */
static int
r_change(uint64_t k)
{
	char err[PG_CONF_ERR_LEN];

	return pg_fib_route_add(fib, PG_IPV4(10, 5, 0, 0), 16,
				PG_IPV4(198, 51, 100, gw_after(k)), -1, err);
}

START_TEST(reader_never_sees_stale_or_torn)
{
	char err[PG_CONF_ERR_LEN];
	uint64_t k;

	for (k = 0; k < N_GW; k++) {
		const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, gw_after(k) };

		ck_assert_int_eq(pg_fib_neigh_set(fib, PG_IPV4(198, 51, 100, gw_after(k)),
						  mac, -1, PG_FIB_NEIGH_STATIC, err), 0);
	}
	live_reader_run(fib, PG_IPV4(10, 5, 1, 1), r_change);
}
END_TEST

/* ---- a reader on another lcore while the copies grow --------------------- */
/* (live_reader.h's state, probes of its own) */

enum { GROW_BATCH = 2500, GROW_BATCHES = 14 };
static volatile uint32_t batches_loaded;
static uint32_t grow_nh[2], grow_conf_nh;

/* One probe: what table @p v4 answers for long route @p k, checked
 * against what it may answer; 0 if fine. */
static int
grow_probe(struct rte_fib *v4, uint32_t k, bool may_miss, bool may_hit, uint64_t *answer)
{
	uint32_t ip = long_prefix(k) + 1;
	uint64_t nh = UINT64_MAX;

	rte_fib_lookup_bulk(v4, &ip, &nh, 1);
	*answer = nh;
	if (nh == PG_NH_IDX_DEFAULT)
		return may_miss ? 0 : -1;
	return may_hit && nh == grow_nh[k & 1] ? 0 : -1;
}

static int
grow_reader_main(void *arg)
{
	uint32_t round = 0;

	(void)arg;
	rte_rcu_qsbr_thread_register(live_rcu, 0);
	rte_rcu_qsbr_thread_online(live_rcu, 0);
	while (!__atomic_load_n(&live_stop, __ATOMIC_ACQUIRE)) {
		const uint32_t g = __atomic_load_n(&batches_loaded, __ATOMIC_ACQUIRE);
		/* The burst's copy and its table, read once as fwd.c does:
		 * lookups below only through them. */
		const struct pg_fib_side *s = pg_fib_active(fib);
		struct rte_fib *v4 = s->v4;
		uint32_t conf_ip = PG_IPV4(172, 16, 1, 1);
		uint64_t conf_nh = UINT64_MAX;
		const uint32_t n_done = g * GROW_BATCH;
		/* The last route returned, an older one, one of the load under
		 * way (either answer), one two loads on (a miss: the load
		 * after this one may be published already, but cannot return
		 * before this round ends, so the next cannot start). */
		const uint32_t k[4] = { n_done - 1, (round * 7919u) % RTE_MAX(n_done, 1u),
					n_done + round % GROW_BATCH, n_done + 2 * GROW_BATCH + 5 };
		const bool hit[4] = { true, true, true, false };
		const bool miss[4] = { false, false, true, true };
		uint64_t a[4], b;
		unsigned int i, spin;
		int bad = 0;

		for (i = g == 0 ? 2 : 0; i < 4; i++)
			bad |= grow_probe(v4, k[i], miss[i], hit[i], &a[i]);
		/* Held a while, as a burst holds it: the copy must not
		 * change under us (the writer waits for us). */
		for (spin = 0; spin < 200; spin++)
			rte_pause();
		for (i = g == 0 ? 2 : 0; i < 4; i++)
			bad |= grow_probe(v4, k[i], miss[i], hit[i], &b) != 0 || b != a[i];
		rte_fib_lookup_bulk(v4, &conf_ip, &conf_nh, 1);
		bad |= conf_nh != grow_conf_nh;
		if (bad && live_bad++ == 0)
			fprintf(stderr, "grow reader: batches %u done, route %u: nh %lu\n",
				g, k[0], (unsigned long)a[0]);
		live_checks++;
		round++;
		rte_rcu_qsbr_quiescent(live_rcu, 0);
	}
	rte_rcu_qsbr_thread_offline(live_rcu, 0);
	return 0;
}

/* Loads that make the copies grow three times (8192 -> 16384 -> 32704
 * 2-byte -> 40000 4-byte) while a reader looks up through the copy it
 * holds: never a wrong or stale answer, never a copy changing under it. */
START_TEST(reader_during_growth)
{
	const struct pg_fib_limits lim = { .max_tbl8 = 8192, .tbl8_limit = 40000 };
	char err[PG_CONF_ERR_LEN];
	unsigned int lcore;
	uint32_t b;

	teardown();
	fib = make(&lim);
	grow_nh[0] = port_nh(0);
	grow_nh[1] = port_nh(1);
	grow_conf_nh = pg_fib_lookup(fib, PG_IPV4(172, 16, 1, 1));
	batches_loaded = 0;
	live_fib4 = fib;
	lcore = live_reader_start(grow_reader_main, NULL, live_set_rcu4);
	for (b = 0; b < GROW_BATCHES; b++) {
		const int ret = load_long(b * GROW_BATCH, GROW_BATCH, err);

		if (ret != 0) {
			live_reader_stop(lcore, live_set_rcu4);
			ck_abort_msg("batch %u: %s", b, err);
		}
		__atomic_store_n(&batches_loaded, b + 1, __ATOMIC_RELEASE);
	}
	live_reader_stop(lcore, live_set_rcu4);
	ck_assert_uint_eq(fib->n_tbl8, 40000);
	ck_assert_uint_eq(fib->tbl8_rebuilds, 6);
	check_sizes();
	check_long(0, GROW_BATCH * GROW_BATCHES, true);
	live_reader_check();
}
END_TEST

static Suite *
live_suite(void)
{
	Suite *s = suite_create("fib_live");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, static_route_add_replace_del);
	tcase_add_test(tc, long_route_with_parents_next_hop);
	tcase_add_test(tc, precedence_comes_back);
	tcase_add_test(tc, fpm_routes_below_static);
	tcase_add_test(tc, neighbor_resolves_routes);
	tcase_add_test(tc, default_route_follows_gateway);
	tcase_add_test(tc, table_full_changes_nothing);
	tcase_add_test(tc, tbl8_grows_past_start_room);
	tcase_add_test(tc, tbl8_grows_route_by_route);
	tcase_add_test(tc, tbl8_refused_at_limit_changes_nothing);
	tcase_add_test(tc, tbl8_grows_to_4byte_entries);
	tcase_add_test(tc, copies_stay_equal);
	tcase_add_test(tc, bulk_load_all_or_nothing);
	tcase_add_test(tc, bulk_delete_all_or_nothing);
	tcase_add_test(tc, reader_never_sees_stale_or_torn);
	tcase_add_test(tc, reader_during_growth);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	(void)argc;
	return fib_test_main(argv[0], "0,1", "--file-prefix=pg_test_fib_live", conf_yaml,
			     sizeof(conf_yaml) - 1, live_suite());
}
