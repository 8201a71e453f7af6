/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * ECMP next-hop groups in the live IPv6 table and the family-free group
 * code they share with IPv4 (docs/decisions/0010): bucket shares by
 * weight, groups of link-local (address + port) and global gateways,
 * shared by member set and weights, freed with their last route (and their
 * members with them), resilient buckets, weighted groups, `vias:` in the
 * config, groups in a bulk change, the default route as a group, and a
 * reader on another lcore while a route moves from group to group.
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
#include <rte_lcore.h>

#include "pg_conf.h"
#include "pg_fib6.h"
#include "pg_nhgroup.h"
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
	"  - {ip: 'fe80::2', mac: 02:00:00:00:00:92, port: wan}\n"
	"  - {ip: 'fe80::3', mac: 02:00:00:00:00:93, port: lan}\n"
	"routes:\n"
	"  - {prefix: '2001:db8:a0::/48', vias: ['fe80::2', 'fe80::3 weight 3']}\n"
	"  - {prefix: '::/0', vias: ['2001:db8:2::2', '2001:db8:2::5']}\n"
	"workers:\n"
	"  lcores: [1]\n";

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

static struct pg_fib6_gw
gw(const char *ip, int port, uint16_t weight)
{
	struct pg_fib6_gw g = { .port = (int16_t)port, .weight = weight };

	memcpy(g.ip, ip6(ip), 16);
	return g;
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

static int
add(const char *prefix, uint8_t len, const struct pg_fib6_gw *gws, unsigned int n)
{
	char err[PG_CONF_ERR_LEN];
	const int ret = pg_fib6_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, ip6(prefix), len,
						gws, n, err);

	if (ret != 0)
		fprintf(stderr, "route add: %s\n", err);
	return ret;
}

static int
del(const char *prefix, uint8_t len)
{
	char err[PG_CONF_ERR_LEN];

	return pg_fib6_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC, ip6(prefix), len, err);
}

/* The buckets of the group @p dst routes to, as next-hop indexes. */
static uint32_t
buckets_of(const char *dst, uint16_t out[PG_FIB_GROUP_BUCKETS])
{
	const uint32_t v = pg_fib6_lookup(fib, ip6(dst));
	const struct pg_fib6_side *s = pg_fib6_active(fib);

	ck_assert_msg(pg_fib6_is_group(fib, v), "%s: %#x is not a group", dst, v);
	memcpy(out, s->grp[pg_nexthop_group(&fib->ctl_nh[v])].nh,
	       PG_FIB_GROUP_BUCKETS * sizeof(out[0]));
	return v;
}

/* Buckets of @p bk naming the next hop of gateway @p ip on @p port. */
static unsigned int
count(const uint16_t *bk, const char *ip, uint16_t port)
{
	const uint8_t *a = ip6(ip);
	unsigned int b, n = 0;

	for (b = 0; b < PG_FIB_GROUP_BUCKETS; b++)
		n += memcmp(fib->nh_ip[bk[b]], a, 16) == 0 && fib->ctl_nh[bk[b]].port == port;
	return n;
}

/* ---- the shared code ------------------------------------------------------- */

static unsigned int
sum8(const uint8_t *q, unsigned int n)
{
	unsigned int k, s = 0;

	for (k = 0; k < n; k++)
		s += q[k];
	return s;
}

START_TEST(shares_by_weight)
{
	uint16_t w[PG_FIB_GROUP_MAX_MEMBERS];
	uint8_t q[PG_FIB_GROUP_MAX_MEMBERS];
	unsigned int k;

	/* Equal weights: 64/n, the first 64 % n one more (as before weights). */
	w[0] = w[1] = w[2] = 1;
	pg_nhgroup_shares(w, 3, q);
	ck_assert_uint_eq(q[0], 22);
	ck_assert_uint_eq(q[1], 21);
	ck_assert_uint_eq(q[2], 21);
	/* 3:1 is 48/16 exactly. */
	w[0] = 3;
	w[1] = 1;
	pg_nhgroup_shares(w, 2, q);
	ck_assert_uint_eq(q[0], 48);
	ck_assert_uint_eq(q[1], 16);
	/* 1:2: 21.33 / 42.67, the larger remainder takes the spare bucket. */
	w[0] = 1;
	w[1] = 2;
	pg_nhgroup_shares(w, 2, q);
	ck_assert_uint_eq(q[0], 21);
	ck_assert_uint_eq(q[1], 43);
	/* A tiny weight still gets one bucket, taken from the largest. */
	w[0] = 1;
	w[1] = 256;
	w[2] = 256;
	pg_nhgroup_shares(w, 3, q);
	ck_assert_uint_eq(q[0], 1);
	ck_assert_uint_eq(q[1], 31);
	ck_assert_uint_eq(q[2], 32);
	/* 32 members, one heavy: everyone at least one, 64 in all. */
	for (k = 0; k < PG_FIB_GROUP_MAX_MEMBERS; k++)
		w[k] = k == 5 ? 256 : 1;
	pg_nhgroup_shares(w, PG_FIB_GROUP_MAX_MEMBERS, q);
	for (k = 0; k < PG_FIB_GROUP_MAX_MEMBERS; k++)
		ck_assert_uint_ge(q[k], 1);
	ck_assert_uint_eq(sum8(q, PG_FIB_GROUP_MAX_MEMBERS), PG_FIB_GROUP_BUCKETS);
	ck_assert_uint_eq(q[5], PG_FIB_GROUP_BUCKETS - (PG_FIB_GROUP_MAX_MEMBERS - 1));
}
END_TEST

START_TEST(set_normalize)
{
	struct pg_nhgroup_set s = { .n = 4, .nh = { 9, 7, 9, 8 }, .weight = { 2, 1, 5, 3 } };
	uint32_t dropped[4];

	ck_assert_uint_eq(pg_nhgroup_set_normalize(&s, dropped), 1);
	ck_assert_uint_eq(dropped[0], 9);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.nh[0], 7);
	ck_assert_uint_eq(s.nh[1], 8);
	ck_assert_uint_eq(s.nh[2], 9);
	ck_assert_uint_eq(s.weight[2], 2);     /* the first weight named */
}
END_TEST

/* ---- IPv6 groups --------------------------------------------------------------- */

START_TEST(group_shared_and_freed)
{
	const struct pg_fib6_gw two[] = { gw("fe80::2", 1, 0), gw("fe80::3", 0, 0) };
	const struct pg_fib6_gw rev[] = { gw("fe80::3", 0, 0), gw("fe80::2", 1, 0),
					  gw("fe80::3", 0, 0) };
	const struct pg_fib6_gw heavy[] = { gw("fe80::2", 1, 3), gw("fe80::3", 0, 1) };
	const uint32_t n_nh = fib->n_nh, n_groups = fib->groups.n_groups;
	const struct pg_fib6_side *s;
	uint16_t bk[PG_FIB_GROUP_BUCKETS];
	const struct pg_fib_group *g;
	uint32_t v;

	ck_assert_int_eq(add("2001:db8:10::", 48, two, 2), 0);
	v = buckets_of("2001:db8:10::1", bk);
	ck_assert_uint_eq(count(bk, "fe80::2", 1), 32);
	ck_assert_uint_eq(count(bk, "fe80::3", 0), 32);
	/* Members are the neighbors' own next hops: resolved, on their port. */
	s = pg_fib6_active(fib);
	ck_assert_uint_eq(s->nh[bk[0]].type, PG_NH_FORWARD);
	ck_assert(s->nh[bk[0]].l2[5] == 0x92 || s->nh[bk[0]].l2[5] == 0x93);
	ck_assert_uint_eq(fib->groups.n_groups, n_groups + 1);
	/* The same set, in another order, a gateway twice: the same group. */
	ck_assert_int_eq(add("2001:db8:11::", 48, rev, 3), 0);
	ck_assert_uint_eq(pg_fib6_lookup(fib, ip6("2001:db8:11::1")), v);
	ck_assert_uint_eq(fib->groups.n_groups, n_groups + 1);
	ck_assert_uint_eq(fib->nh_ref[v], 2);
	/* Other weights: another group, 48/16. */
	ck_assert_int_eq(add("2001:db8:12::", 48, heavy, 2), 0);
	ck_assert_uint_ne(buckets_of("2001:db8:12::1", bk), v);
	ck_assert_uint_eq(count(bk, "fe80::2", 1), 48);
	ck_assert_uint_eq(count(bk, "fe80::3", 0), 16);
	g = pg_fib6_group_of(fib, pg_fib6_lookup(fib, ip6("2001:db8:12::1")));
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->n, 2);
	ck_assert_uint_eq(g->weight[0] + g->weight[1], 4);
	ck_assert_uint_eq(g->buckets[0] + g->buckets[1], 64);
	ck_assert_uint_eq(fib->groups.n_groups, n_groups + 2);
	/* The route list shows no gateway for a group. */
	ck_assert_mem_eq(pg_fib6_find(fib, ip6("2001:db8:12::"), 48)->gw, ip6("::"), 16);

	/* Delete: the last route of a group frees it. */
	ck_assert_int_eq(del("2001:db8:12::", 48), 0);
	ck_assert_uint_eq(fib->groups.n_groups, n_groups + 1);
	ck_assert_int_eq(del("2001:db8:10::", 48), 0);
	ck_assert_uint_eq(fib->groups.n_groups, n_groups + 1);
	ck_assert_uint_eq(fib->nh_ref[v], 1);
	ck_assert_int_eq(del("2001:db8:11::", 48), 0);
	ck_assert_uint_eq(fib->groups.n_groups, n_groups);
	ck_assert_uint_eq(fib->n_nh, n_nh);
	ck_assert_uint_eq(pg_fib6_active(fib)->nh[pg_fib6_lookup(fib, ip6("2001:db8:11::1"))].type,
			  PG_NH_GROUP);   /* the default route's group (config) */
}
END_TEST

START_TEST(unresolved_members_and_refusals)
{
	const struct pg_fib6_gw new2[] = { gw("2001:db8:2::7", -1, 0), gw("fe80::9", 1, 0) };
	const struct pg_fib6_gw ll_noport[] = { gw("2001:db8:2::7", -1, 0), gw("fe80::9", -1, 0) };
	const struct pg_fib6_gw bad_w[] = { gw("2001:db8:2::7", -1, 0), gw("fe80::9", 1, 300) };
	const uint32_t n_nh = fib->n_nh;
	char err[PG_CONF_ERR_LEN];
	uint16_t bk[PG_FIB_GROUP_BUCKETS];
	const struct pg_fib6_side *s;

	/* Gateways that are no neighbors yet: UNRESOLVED members that ask
	 * for their own address (the worker's neighbor solicitation). */
	ck_assert_int_eq(add("2001:db8:20::", 48, new2, 2), 0);
	buckets_of("2001:db8:20::1", bk);
	s = pg_fib6_active(fib);
	ck_assert_uint_eq(s->nh[bk[0]].type, PG_NH_UNRESOLVED);
	ck_assert(memcmp(s->gw[bk[0]], ip6("2001:db8:2::7"), 16) == 0 ||
		  memcmp(s->gw[bk[0]], ip6("fe80::9"), 16) == 0);
	/* Learning one fixes the group's buckets that name it. */
	ck_assert_int_eq(pg_fib6_neigh_set(fib, ip6("fe80::9"), (const uint8_t[6]){ 2, 0, 0, 0, 0, 9 },
					   1, PG_FIB_NEIGH_DYNAMIC, err), 0);
	ck_assert_uint_eq(count(bk, "fe80::9", 1), 32);
	s = pg_fib6_active(fib);
	for (unsigned int b = 0; b < PG_FIB_GROUP_BUCKETS; b++)
		if (memcmp(fib->nh_ip[bk[b]], ip6("fe80::9"), 16) == 0)
			ck_assert_uint_eq(s->nh[bk[b]].type, PG_NH_FORWARD);
	ck_assert_int_eq(pg_fib6_neigh_del(fib, ip6("fe80::9"), 1, err), 0);

	/* Refused whole, nothing left behind. */
	ck_assert_int_eq(pg_fib6_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:21::"),
						 48, ll_noport, 2, err), -EINVAL);
	ck_assert_str_eq(err, "via fe80::9: a link-local address needs a port");
	ck_assert_int_eq(pg_fib6_route_add_multi(fib, PG_ROUTE_ORIGIN_STATIC, ip6("2001:db8:21::"),
						 48, bad_w, 2, err), -EINVAL);
	ck_assert_str_eq(err, "weight 300: must be 1..256");
	ck_assert_ptr_null(pg_fib6_find(fib, ip6("2001:db8:21::"), 48));
	ck_assert_int_eq(del("2001:db8:20::", 48), 0);
	ck_assert_uint_eq(fib->n_nh, n_nh);
}
END_TEST

START_TEST(resilient_buckets)
{
	const struct pg_fib6_gw three[] = { gw("fe80::2", 1, 0), gw("fe80::3", 0, 0),
					    gw("2001:db8:2::2", -1, 0) };
	uint16_t before[PG_FIB_GROUP_BUCKETS], after[PG_FIB_GROUP_BUCKETS];
	unsigned int b, moved = 0;

	ck_assert_int_eq(add("2001:db8:30::", 48, three, 3), 0);
	buckets_of("2001:db8:30::1", before);
	/* Without fe80::3: only its buckets move. */
	ck_assert_int_eq(add("2001:db8:30::", 48, (const struct pg_fib6_gw[]){ three[0], three[2] },
			     2), 0);
	buckets_of("2001:db8:30::1", after);
	for (b = 0; b < PG_FIB_GROUP_BUCKETS; b++) {
		if (memcmp(fib->nh_ip[before[b]], ip6("fe80::3"), 16) != 0)
			ck_assert_uint_eq(after[b], before[b]);
		else
			moved++;
	}
	ck_assert_uint_eq(moved, count(before, "fe80::3", 0));
	ck_assert_uint_eq(count(after, "fe80::2", 1), 32);
}
END_TEST

/* `vias:` in the config, weighted, and the default route as a group. */
START_TEST(config_vias)
{
	uint16_t bk[PG_FIB_GROUP_BUCKETS];
	const struct pg_fib6_side *s = pg_fib6_active(fib);
	uint32_t v;

	v = buckets_of("2001:db8:a0::1", bk);
	ck_assert_uint_eq(count(bk, "fe80::2", 1), 16);
	ck_assert_uint_eq(count(bk, "fe80::3", 0), 48);
	ck_assert_uint_eq(fib->nh_ref[v], 1);
	buckets_of("2001:db8:99::1", bk);      /* a miss: ::/0 */
	ck_assert_uint_eq(s->nh[PG_NH_IDX_DEFAULT].type, PG_NH_GROUP);
	ck_assert_uint_eq(count(bk, "2001:db8:2::2", 1), 32);
	ck_assert_uint_eq(count(bk, "2001:db8:2::5", 1), 32);
	ck_assert_uint_eq(fib->groups.n_groups, 2);
}
END_TEST

/* A held group in a bulk change (what FPM does), given back after. */
START_TEST(bulk_with_group)
{
	const struct pg_fib6_gw two[] = { gw("fe80::2", 1, 2), gw("2001:db8:2::2", -1, 1) };
	struct pg_fib6_route_spec v[2];
	char err[PG_CONF_ERR_LEN];
	uint32_t value;

	ck_assert_int_eq(pg_fib6_group_hold(fib, two, 2, 0, &value, err), 0);
	memset(v, 0, sizeof(v));
	memcpy(v[0].prefix, ip6("2001:db8:40::"), 16);
	v[0].len = 48;
	v[0].port = -1;
	v[0].group = value;
	v[0].line = 1;
	memcpy(v[1].prefix, ip6("2001:db8:41::"), 16);
	v[1].len = 48;
	v[1].port = -1;
	v[1].group = value;
	v[1].line = 2;
	ck_assert_int_eq(pg_fib6_route_add_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, 2, err), 0);
	pg_fib6_group_release(fib, value);
	ck_assert_uint_eq(fib->nh_ref[value], 2);
	ck_assert_uint_eq(pg_fib6_lookup(fib, ip6("2001:db8:41::1")), value);
	ck_assert_uint_eq(pg_fib6_route_seed(fib, PG_ROUTE_ORIGIN_FPM, ip6("2001:db8:40::"), 48),
			  value);
	ck_assert_int_eq(pg_fib6_route_del_bulk(fib, PG_ROUTE_ORIGIN_FPM, v, 2, err), 0);
	ck_assert_uint_eq(fib->groups.n_groups, 2);    /* the config's two */
}
END_TEST

/* ---- a reader on another lcore while a route moves between groups ------ */

/* Change k: the route via a group of two gateways whose MACs both end in
 * gw_after(k) (fe80::N on wan, fe80::1:N on lan), so whichever bucket the
 * reader's flow takes, live_reader.h sees gateway gw_after(k). */
static struct pg_fib6_gw
reader_gw(unsigned int n, bool lan)
{
	char a[32];

	snprintf(a, sizeof(a), lan ? "fe80::1:%u" : "fe80::%u", n);
	return gw(a, lan ? 0 : 1, 1);
}

static int
r_change(uint64_t k)
{
	const struct pg_fib6_gw two[] = { reader_gw(gw_after(k), false),
					  reader_gw(gw_after(k), true) };

	return add("2001:db8:50::", 48, two, 2);
}

START_TEST(reader_never_sees_stale_or_torn)
{
	char err[PG_CONF_ERR_LEN];
	unsigned int n;

	for (n = 10; n < 10 + N_GW; n++) {
		const uint8_t mac_wan[6] = { 2, 0, 0, 0, 1, (uint8_t)n };
		const uint8_t mac_lan[6] = { 2, 0, 0, 0, 2, (uint8_t)n };
		struct pg_fib6_gw w = reader_gw(n, false), l = reader_gw(n, true);

		ck_assert_int_eq(pg_fib6_neigh_set(fib, w.ip, mac_wan, 1, PG_FIB_NEIGH_STATIC,
						   err), 0);
		ck_assert_int_eq(pg_fib6_neigh_set(fib, l.ip, mac_lan, 0, PG_FIB_NEIGH_STATIC,
						   err), 0);
	}
	/* Before the first change the address has no route at all. */
	ck_assert_int_eq(del("::", 0), 0);
	live_reader_run6(fib, ip6("2001:db8:50::1"), r_change);
	/* One group left for the route, and the config's 2001:db8:a0::/48's. */
	ck_assert_uint_eq(fib->groups.n_groups, 2);
}
END_TEST

static Suite *
ecmp6_suite(void)
{
	Suite *s = suite_create("fib6_ecmp");
	TCase *shared = tcase_create("shared");
	TCase *tc = tcase_create("groups6");

	tcase_add_test(shared, shares_by_weight);
	tcase_add_test(shared, set_normalize);
	suite_add_tcase(s, shared);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, group_shared_and_freed);
	tcase_add_test(tc, unresolved_members_and_refusals);
	tcase_add_test(tc, resilient_buckets);
	tcase_add_test(tc, config_vias);
	tcase_add_test(tc, bulk_with_group);
	tcase_add_test(tc, reader_never_sees_stale_or_torn);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	char *eal_args[] = { argv[0], "--no-huge", "-m", "512", "--no-pci", "-l", "0,1",
		"--file-prefix=pg_test_fib6_ecmp", "--log-level", "lib.eal:warning", NULL };
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
	sr = srunner_create(ecmp6_suite());
	srunner_set_fork_status(sr, CK_NOFORK);  /* EAL threads do not survive fork */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_conf_free(conf);
	rte_eal_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
