/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * ECMP next-hop groups in the live IPv4 table (docs/decisions/0010):
 * groups shared by member set and freed with their last route, buckets
 * that move only a departing member's flows, the default route as a
 * group, limits that refuse a change whole, groups in a bulk load.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "fib_test_main.h"
#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_pkt.h"

static const char conf_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_null0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n"
	"  - {name: wan, device: net_null1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02}\n"
	"neighbors:\n"
	"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n"
	"workers:\n"
	"  lcores: [1]\n";

#define GW(x) PG_IPV4(198, 51, 100, x)

static int
add(uint32_t prefix, uint8_t len, const uint32_t *gws, unsigned int n)
{
	char err[PG_CONF_ERR_LEN];
	const int ret = pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, prefix, len,
					       gws, NULL, n, err);

	if (ret != 0)
		fprintf(stderr, "route add: %s\n", err);
	return ret;
}

/* The group index of group next hop @p v. */
static uint32_t
gidx(uint32_t v)
{
	return pg_nexthop_group(&fib->ctl_nh[v]);
}

/* The buckets of the group @p ip routes to, as gateway addresses. */
static void
buckets_of(uint32_t ip, uint32_t out[PG_FIB_GROUP_BUCKETS])
{
	const uint32_t v = pg_fib_lookup(fib, ip);
	const struct pg_fib_side *s = pg_fib_active(fib);
	unsigned int b;

	ck_assert_msg(pg_fib_is_group(fib, v), "%#x is not a group", v);
	for (b = 0; b < PG_FIB_GROUP_BUCKETS; b++)
		out[b] = fib->nh_ip[s->grp[gidx(v)].nh[b]];
}

static unsigned int
count(const uint32_t *bk, uint32_t gw)
{
	unsigned int b, n = 0;

	for (b = 0; b < PG_FIB_GROUP_BUCKETS; b++)
		n += bk[b] == gw;
	return n;
}

START_TEST(group_shared_and_freed)
{
	const uint32_t two[] = { GW(2), GW(3) }, rev[] = { GW(3), GW(2), GW(3) };
	uint32_t bk[PG_FIB_GROUP_BUCKETS], nh[PG_FIB_GROUP_MAX_MEMBERS];
	char err[PG_CONF_ERR_LEN];
	const struct pg_fib_side *s;
	uint32_t v;

	ck_assert_int_eq(add(PG_IPV4(10, 0, 0, 0), 8, two, 2), 0);
	v = pg_fib_lookup(fib, PG_IPV4(10, 9, 9, 9));
	ck_assert(pg_fib_is_group(fib, v));
	buckets_of(PG_IPV4(10, 9, 9, 9), bk);
	ck_assert_uint_eq(count(bk, GW(2)), 32);
	ck_assert_uint_eq(count(bk, GW(3)), 32);
	/* The same set in another order, with a duplicate: the same group. */
	ck_assert_int_eq(add(PG_IPV4(172, 16, 0, 0), 12, rev, 3), 0);
	ck_assert_uint_eq(pg_fib_lookup(fib, PG_IPV4(172, 16, 1, 1)), v);
	ck_assert_uint_eq(fib->groups.n_groups, 1);
	ck_assert_uint_eq(fib->nh_ref[v], 2);
	ck_assert_uint_eq(pg_fib_group_members(fib, v, nh, NULL), 2);
	/* A member without a MAC is an UNRESOLVED next hop, like a single
	 * route's; learning it fixes the group's bucket targets. */
	s = pg_fib_active(fib);
	ck_assert_uint_eq(s->nh[nh[0]].type, PG_NH_FORWARD);
	ck_assert_uint_eq(s->nh[nh[1]].type, PG_NH_UNRESOLVED);
	ck_assert_int_eq(pg_fib_neigh_set(fib, GW(3), (const uint8_t *)"\x02\0\0\0\0\x33", -1,
					  PG_FIB_NEIGH_STATIC, err), 0);
	ck_assert_uint_eq(pg_fib_active(fib)->nh[nh[1]].type, PG_NH_FORWARD);
	ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(10, 0, 0, 0), 8, err), 0);
	ck_assert_uint_eq(fib->groups.n_groups, 1);
	ck_assert_int_eq(pg_fib_route_del(fib, PG_IPV4(172, 16, 0, 0), 12, err), 0);
	ck_assert_uint_eq(fib->groups.n_groups, 0);
	/* The group's references went with it: what is left is each
	 * neighbor's own host route. */
	ck_assert_uint_eq(fib->nh_ref[nh[0]], 1);
	ck_assert_uint_eq(fib->nh_ref[nh[1]], 1);
}
END_TEST

/* A member that goes moves only its own buckets; one that comes takes only
 * its share. */
START_TEST(resilient_buckets)
{
	const uint32_t three[] = { GW(2), GW(3), GW(4) };
	uint32_t a[PG_FIB_GROUP_BUCKETS], b[PG_FIB_GROUP_BUCKETS], c[PG_FIB_GROUP_BUCKETS];
	const uint32_t ip = PG_IPV4(10, 1, 1, 1);
	unsigned int i, moved = 0;

	ck_assert_int_eq(add(PG_IPV4(10, 0, 0, 0), 8, three, 3), 0);
	buckets_of(ip, a);
	ck_assert_int_eq(add(PG_IPV4(10, 0, 0, 0), 8, three, 2), 0);   /* .4 goes */
	buckets_of(ip, b);
	for (i = 0; i < PG_FIB_GROUP_BUCKETS; i++) {
		if (a[i] != GW(4))
			ck_assert_uint_eq(b[i], a[i]);
		else
			ck_assert(b[i] == GW(2) || b[i] == GW(3));
	}
	ck_assert_uint_eq(count(b, GW(2)), 32);
	ck_assert_uint_eq(fib->groups.n_groups, 1);    /* the old group went */
	ck_assert_int_eq(add(PG_IPV4(10, 0, 0, 0), 8, three, 3), 0);   /* .4 back */
	buckets_of(ip, c);
	for (i = 0; i < PG_FIB_GROUP_BUCKETS; i++) {
		if (c[i] != b[i]) {
			ck_assert_uint_eq(c[i], GW(4));
			moved++;
		}
	}
	ck_assert_uint_eq(moved, count(c, GW(4)));
	ck_assert_uint_ge(moved, 21);
	ck_assert_uint_le(moved, 22);
}
END_TEST

/* The default route as a group: misses read a DEFAULT slot naming it. */
START_TEST(default_route_group)
{
	const uint32_t two[] = { GW(2), GW(3) };
	const struct pg_fib_side *s;
	char err[PG_CONF_ERR_LEN];
	uint32_t v;

	ck_assert_int_eq(add(0, 0, two, 2), 0);
	v = pg_fib_find(fib, 0, 0)->nh;
	ck_assert(pg_fib_is_group(fib, v));
	s = pg_fib_active(fib);
	ck_assert_uint_eq(pg_fib_lookup(fib, PG_IPV4(8, 8, 8, 8)), PG_NH_IDX_DEFAULT);
	ck_assert_uint_eq(s->nh[PG_NH_IDX_DEFAULT].type, PG_NH_GROUP);
	ck_assert_uint_eq(pg_nexthop_group(&s->nh[PG_NH_IDX_DEFAULT]), gidx(v));
	/* Both copies agree once the change has returned. */
	ck_assert_mem_eq(&fib->side[0].nh[0], &fib->side[1].nh[0], sizeof(struct pg_nexthop));
	ck_assert_int_eq(pg_fib_route_add(fib, 0, 0, GW(2), -1, err), 0);
	ck_assert_uint_eq(pg_fib_active(fib)->nh[PG_NH_IDX_DEFAULT].type, PG_NH_FORWARD);
	ck_assert_uint_eq(fib->groups.n_groups, 0);
	ck_assert_int_eq(pg_fib_route_del(fib, 0, 0, err), 0);
	ck_assert_uint_eq(pg_fib_active(fib)->nh[PG_NH_IDX_DEFAULT].type, PG_NH_NO_ROUTE);
}
END_TEST

/* Over max_groups or max_group_members: refused with a message, nothing
 * changed. */
START_TEST(limits_refuse_whole)
{
	const struct pg_fib_limits lim = { .max_groups = 1, .max_group_members = 3 };
	const uint32_t a[] = { GW(2), GW(3) }, b[] = { GW(2), GW(4) };
	const uint32_t many[] = { GW(2), GW(3), GW(4), GW(5) };
	const uint32_t bad[] = { GW(2), PG_IPV4(203, 0, 113, 1) };
	char err[PG_CONF_ERR_LEN];
	uint32_t n_nh;

	pg_fib_free(fib);
	fib = make(&lim);
	ck_assert_int_eq(add(PG_IPV4(10, 0, 0, 0), 8, a, 2), 0);
	n_nh = fib->n_nh;
	ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC,
						PG_IPV4(11, 0, 0, 0), 8, b, NULL, 2, err), -ENOSPC);
	ck_assert_msg(strstr(err, "max_groups 1") != NULL, "%s", err);
	ck_assert_ptr_null(pg_fib_find(fib, PG_IPV4(11, 0, 0, 0), 8));
	ck_assert_uint_eq(fib->n_nh, n_nh);     /* .4's next hop not kept */
	ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC,
						PG_IPV4(11, 0, 0, 0), 8, many, NULL, 4, err), -EINVAL);
	ck_assert_msg(strstr(err, "max_group_members") != NULL, "%s", err);
	ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC,
						PG_IPV4(11, 0, 0, 0), 8, bad, NULL, 2, err), -EINVAL);
	ck_assert_msg(strstr(err, "via 203.0.113.1: not in the subnet") != NULL, "%s", err);
	ck_assert_uint_eq(fib->groups.n_groups, 1);
}
END_TEST

/* A routing daemon's way: hold a group, bulk-load routes naming it,
 * release; the routes keep it; a bulk delete frees it. */
START_TEST(bulk_with_group)
{
	const uint32_t two[] = { GW(5), GW(6) };
	struct pg_fib_route_spec v[2];
	char err[PG_CONF_ERR_LEN];
	uint32_t g;

	ck_assert_int_eq(pg_fib_group_hold(fib, two, NULL, 2, 0, &g, err), 0);
	memset(v, 0, sizeof(v));
	v[0].prefix = PG_IPV4(10, 0, 0, 0);
	v[0].len = 8;
	v[0].group = g;
	v[0].port = -1;
	v[1] = v[0];
	v[1].prefix = PG_IPV4(10, 1, 2, 128);
	v[1].len = 25;
	ck_assert_int_eq(pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, 2, err), 0);
	pg_fib_group_release(fib, g);
	ck_assert_uint_eq(fib->nh_ref[g], 2);
	ck_assert_uint_eq(pg_fib_lookup(fib, PG_IPV4(10, 1, 2, 200)), g);
	ck_assert_uint_eq(pg_fib_lookup(fib, PG_IPV4(10, 7, 7, 7)), g);
	ck_assert_int_eq(pg_fib_route_del_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, 2, err), 0);
	ck_assert_uint_eq(fib->groups.n_groups, 0);
	ck_assert_uint_eq(pg_fib_lookup(fib, PG_IPV4(10, 7, 7, 7)), PG_NH_IDX_DEFAULT);
}
END_TEST

/* `vias:` in the config: groups made at creation, shared, the default
 * route's too. */
START_TEST(config_vias)
{
	static const char yaml[] =
		"ports:\n"
		"  - {name: lan, device: net_null0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n"
		"  - {name: wan, device: net_null1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02}\n"
		"neighbors:\n"
		"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n"
		"routes:\n"
		"  - {prefix: 0.0.0.0/0, vias: [198.51.100.2, 198.51.100.3]}\n"
		"  - {prefix: 10.0.0.0/8, vias: [198.51.100.3, 198.51.100.2]}\n"
		"  - {prefix: 11.0.0.0/8, vias: [198.51.100.4]}\n"
		"  - {prefix: 12.0.0.0/8, vias: [198.51.100.2 weight 3, 198.51.100.3]}\n"
		"workers:\n"
		"  lcores: [1]\n";
	char err[PG_CONF_ERR_LEN];
	struct pg_conf *c = pg_conf_parse(yaml, sizeof(yaml) - 1, err);
	const struct pg_fib_side *s;
	uint32_t v;

	ck_assert_msg(c != NULL, "%s", err);
	pg_fib_free(fib);
	fib = pg_fib_create(c, fports, NULL, SOCKET_ID_ANY, err);
	pg_conf_free(c);
	ck_assert_msg(fib != NULL, "%s", err);
	v = pg_fib_lookup(fib, PG_IPV4(10, 1, 1, 1));
	ck_assert(pg_fib_is_group(fib, v));
	ck_assert_uint_eq(fib->groups.n_groups, 2);   /* and 12/8's weighted one */
	ck_assert_uint_eq(fib->nh_ref[v], 2);
	s = pg_fib_active(fib);
	ck_assert_uint_eq(s->nh[PG_NH_IDX_DEFAULT].type, PG_NH_GROUP);
	ck_assert_uint_eq(pg_nexthop_group(&s->nh[PG_NH_IDX_DEFAULT]), gidx(v));
	/* One gateway in a list: a plain next hop. */
	ck_assert(!pg_fib_is_group(fib, pg_fib_lookup(fib, PG_IPV4(11, 1, 1, 1))));
	ck_assert_uint_eq(s->nh[pg_fib_lookup(fib, PG_IPV4(11, 1, 1, 1))].type,
			  PG_NH_UNRESOLVED);
	/* `ADDR weight N`: 3:1 is 48/16 buckets, a group of its own. */
	{
		uint32_t bk[PG_FIB_GROUP_BUCKETS];

		buckets_of(PG_IPV4(12, 1, 1, 1), bk);
		ck_assert_uint_ne(pg_fib_lookup(fib, PG_IPV4(12, 1, 1, 1)), v);
		ck_assert_uint_eq(count(bk, GW(2)), 48);
		ck_assert_uint_eq(count(bk, GW(3)), 16);
	}
}
END_TEST

/* Weights from pg_fib_route_add_multi(): shares in proportion, the
 * group found again by members and weights. */
START_TEST(weighted_groups)
{
	const uint32_t two[] = { GW(2), GW(3) };
	const uint16_t w31[] = { 3, 1 }, w11[] = { 1, 1 }, w_bad[] = { 1, 257 };
	uint32_t bk[PG_FIB_GROUP_BUCKETS], v;
	char err[PG_CONF_ERR_LEN];
	const struct pg_fib_group *g;

	ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, PG_IPV4(10, 0, 0, 0),
						8, two, w31, 2, err), 0);
	buckets_of(PG_IPV4(10, 1, 1, 1), bk);
	ck_assert_uint_eq(count(bk, GW(2)), 48);
	ck_assert_uint_eq(count(bk, GW(3)), 16);
	v = pg_fib_lookup(fib, PG_IPV4(10, 1, 1, 1));
	g = pg_fib_group_of(fib, v);
	ck_assert_uint_eq(g->weight[0] + g->weight[1], 4);
	ck_assert_uint_eq(g->buckets[0] + g->buckets[1], 64);
	/* Equal weights given explicitly: the unweighted group. */
	ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, PG_IPV4(11, 0, 0, 0),
						8, two, w11, 2, err), 0);
	ck_assert_int_eq(add(PG_IPV4(12, 0, 0, 0), 8, two, 2), 0);
	ck_assert_uint_eq(pg_fib_lookup(fib, PG_IPV4(11, 1, 1, 1)),
			  pg_fib_lookup(fib, PG_IPV4(12, 1, 1, 1)));
	ck_assert_uint_ne(pg_fib_lookup(fib, PG_IPV4(11, 1, 1, 1)), v);
	ck_assert_uint_eq(fib->groups.n_groups, 2);
	/* 1:1 -> 3:1 on the same route: seeded, so GW(2) keeps its 32 and
	 * takes 16 of GW(3)'s; GW(3) keeps 16 of its own. */
	{
		uint32_t before[PG_FIB_GROUP_BUCKETS];
		unsigned int b, kept = 0;

		buckets_of(PG_IPV4(11, 1, 1, 1), before);
		ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC,
							PG_IPV4(11, 0, 0, 0), 8, two,
							(const uint16_t[]){ 3, 2 }, 2, err), 0);
		buckets_of(PG_IPV4(11, 1, 1, 1), bk);
		for (b = 0; b < PG_FIB_GROUP_BUCKETS; b++)
			kept += bk[b] == before[b];
		/* 3:2 is 38/26: only the 6 buckets GW(2) gains move. */
		ck_assert_uint_eq(count(bk, GW(2)), 38);
		ck_assert_uint_eq(kept, PG_FIB_GROUP_BUCKETS - 6);
	}
	ck_assert_int_eq(pg_fib_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, PG_IPV4(13, 0, 0, 0),
						8, two, w_bad, 2, err), -EINVAL);
	ck_assert_str_eq(err, "weight 257: must be 1..256");
}
END_TEST

static Suite *
ecmp_suite(void)
{
	Suite *s = suite_create("fib_ecmp");
	TCase *tc = tcase_create("groups");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, group_shared_and_freed);
	tcase_add_test(tc, resilient_buckets);
	tcase_add_test(tc, default_route_group);
	tcase_add_test(tc, limits_refuse_whole);
	tcase_add_test(tc, bulk_with_group);
	tcase_add_test(tc, config_vias);
	tcase_add_test(tc, weighted_groups);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	(void)argc;
	return fib_test_main(argv[0], "0", "--file-prefix=pg_test_fib_ecmp", conf_yaml,
			     sizeof(conf_yaml) - 1, ecmp_suite());
}
