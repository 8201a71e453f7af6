/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The FPM decoder (lib/fpm/parse.c) on frames built with libmnl as zebra
 * 8.4 builds them (/work/shared/FRR.md, docs/frr.md).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "pg_fpm_parse.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* A frame under construction: header, then messages. */
struct fb {
	uint32_t buf[PG_FPM_MAX_FRAME / 4 + 1];
	size_t len;
};

static uint8_t *
fb_bytes(struct fb *f)
{
	return (uint8_t *)f->buf;
}

static void
fb_init(struct fb *f)
{
	memset(f, 0, sizeof(*f));
	f->len = PG_FPM_HDR_LEN;
}

static size_t
fb_end(struct fb *f)
{
	uint8_t *b = fb_bytes(f);

	b[0] = PG_FPM_VERSION;
	b[1] = PG_FPM_TYPE_NETLINK;
	b[2] = (uint8_t)(f->len >> 8);
	b[3] = (uint8_t)f->len;
	return f->len;
}

static struct nlmsghdr *
fb_msg(struct fb *f, uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(fb_bytes(f) + f->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	return nlh;
}

static void
fb_done(struct fb *f, struct nlmsghdr *nlh)
{
	f->len += MNL_ALIGN(nlh->nlmsg_len);
}

static void
put_ip4(struct nlmsghdr *nlh, uint16_t type, uint32_t ip)
{
	uint32_t n = htonl(ip);

	mnl_attr_put(nlh, type, 4, &n);
}

struct rt {
	uint16_t type;          /* RTM_NEWROUTE / RTM_DELROUTE */
	uint8_t family;
	uint32_t dst;
	uint8_t len;
	uint8_t protocol;
	uint8_t rtm_type;
	uint8_t table;
	uint32_t rta_table;     /* 0: none */
	uint32_t gw, oif, nh_id;
};

static void
add_route(struct fb *f, const struct rt *r)
{
	struct nlmsghdr *nlh = fb_msg(f, r->type);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = r->family ? r->family : AF_INET;
	rtm->rtm_dst_len = r->len;
	rtm->rtm_table = r->table ? r->table : 254;
	rtm->rtm_protocol = r->protocol ? r->protocol : 196;
	rtm->rtm_type = r->type == RTM_DELROUTE ? 0 : (r->rtm_type ? r->rtm_type : RTN_UNICAST);
	if (rtm->rtm_family == AF_INET6) {
		uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

		mnl_attr_put(nlh, RTA_DST, 16, a6);
	} else {
		put_ip4(nlh, RTA_DST, r->dst);
	}
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 20);
	if (r->rta_table)
		mnl_attr_put_u32(nlh, RTA_TABLE, r->rta_table);
	if (r->nh_id)
		mnl_attr_put_u32(nlh, RTA_NH_ID, r->nh_id);
	if (r->gw)
		put_ip4(nlh, RTA_GATEWAY, r->gw);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	fb_done(f, nlh);
}

static void
add_nh(struct fb *f, uint16_t type, uint32_t id, uint32_t gw, uint32_t oif)
{
	struct nlmsghdr *nlh = fb_msg(f, type);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));

	nhm->nh_family = AF_INET;
	nhm->nh_protocol = 11;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	if (gw)
		put_ip4(nlh, NHA_GATEWAY, gw);
	if (oif)
		mnl_attr_put_u32(nlh, NHA_OIF, oif);
	fb_done(f, nlh);
}

/* A group object; @p weights (NULL: all 1) as the wire has them, - 1. */
static void
add_group_w(struct fb *f, uint32_t id, const uint32_t *members, const uint8_t *weights,
	    unsigned int n)
{
	struct nlmsghdr *nlh = fb_msg(f, RTM_NEWNEXTHOP);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	struct nexthop_grp g[24];
	unsigned int i;

	nhm->nh_family = 0;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	memset(g, 0, sizeof(g));
	for (i = 0; i < n; i++) {
		g[i].id = members[i];
		g[i].weight = weights != NULL ? (uint8_t)(weights[i] - 1) : 0;
	}
	mnl_attr_put(nlh, NHA_GROUP, n * sizeof(g[0]), g);
	fb_done(f, nlh);
}

static void
add_group(struct fb *f, uint32_t id, const uint32_t *members, unsigned int n)
{
	add_group_w(f, id, members, NULL, n);
}

static struct pg_fpm_parser P;
static struct pg_fpm_route out[PG_FPM_MAX_OPS];
static unsigned int n_out;
static char err[PG_FPM_ERR_LEN];

static void
setup(void)
{
	pg_fpm_parser_init(&P);
	n_out = 0;
	err[0] = '\0';
}

static void
teardown(void)
{
	pg_fpm_parser_fini(&P);
}

static int
parse(struct fb *f)
{
	size_t len = fb_end(f);

	return pg_fpm_parse_frame(&P, fb_bytes(f), len, out, PG_FPM_MAX_OPS, &n_out, err);
}

START_TEST(route_add_and_del)
{
	static struct fb f;
	struct rt r = { .type = RTM_NEWROUTE, .dst = IP(10, 77, 1, 9), .len = 16,
			.gw = IP(198, 51, 100, 2), .oif = 7 };

	fb_init(&f);
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_ADD);
	ck_assert_uint_eq(out[0].prefix, IP(10, 77, 0, 0));    /* host bits cleared */
	ck_assert_uint_eq(out[0].len, 16);
	ck_assert_uint_eq(out[0].gw, IP(198, 51, 100, 2));
	ck_assert_uint_eq(out[0].oif, 7);
	ck_assert_uint_eq(out[0].protocol, 196);
	ck_assert_uint_eq(P.c.frames, 1);
	ck_assert_uint_eq(P.c.messages, 1);

	/* DELROUTE carries only RTA_DST and RTA_PRIORITY */
	fb_init(&f);
	r = (struct rt){ .type = RTM_DELROUTE, .dst = IP(10, 77, 0, 0), .len = 16 };
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_DEL);
	ck_assert_uint_eq(out[0].prefix, IP(10, 77, 0, 0));
	ck_assert_uint_eq(out[0].gw, 0);

	/* the default route */
	fb_init(&f);
	r = (struct rt){ .type = RTM_NEWROUTE, .len = 0, .gw = IP(198, 51, 100, 2) };
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].len, 0);
	ck_assert_uint_eq(out[0].prefix, 0);
}
END_TEST

START_TEST(nexthop_objects_then_route)
{
	static struct fb f;
	const uint32_t members[] = { 11, 12 };
	struct rt r = { .type = RTM_NEWROUTE, .dst = IP(10, 1, 0, 0), .len = 16, .nh_id = 11 };

	fb_init(&f);
	add_nh(&f, RTM_NEWNEXTHOP, 11, IP(198, 51, 100, 2), 3);
	add_nh(&f, RTM_NEWNEXTHOP, 12, IP(198, 51, 100, 3), 3);
	add_nh(&f, RTM_NEWNEXTHOP, 13, 0, 4);                  /* connected hop */
	add_group(&f, 20, members, 2);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 0);
	ck_assert_uint_eq(P.c.nexthops_added, 4);
	ck_assert_ptr_nonnull(pg_fpm_nh_find(&P, 20));
	ck_assert_uint_eq(pg_fpm_nh_find(&P, 20)->group_n, 2);

	/* a route by RTA_NH_ID: only DST, PRIORITY and NH_ID */
	fb_init(&f);
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].gw, IP(198, 51, 100, 2));
	ck_assert_uint_eq(out[0].oif, 3);

	/* an ECMP group: every member's gateway, the first as gw */
	fb_init(&f);
	r.nh_id = 20;
	r.dst = IP(10, 2, 0, 0);
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].gw, IP(198, 51, 100, 2));
	ck_assert_uint_eq(out[0].n_gw, 2);
	ck_assert_uint_eq(out[0].gws[0], IP(198, 51, 100, 2));
	ck_assert_uint_eq(out[0].gws[1], IP(198, 51, 100, 3));
	ck_assert_uint_eq(out[0].weights[0], 1);
	ck_assert_uint_eq(out[0].weights[1], 1);
	ck_assert_uint_eq(P.c.ecmp_truncated, 0);

	/* weights: NHA_GROUP carries weight - 1 (3 -> 2 on the wire; 256 -> 255) */
	{
		const uint8_t w[] = { 3, 255 };

		fb_init(&f);
		add_group_w(&f, 22, members, w, 2);
		r.nh_id = 22;
		add_route(&f, &r);
		ck_assert_int_eq(parse(&f), 0);
		ck_assert_uint_eq(n_out, 1);
		ck_assert_uint_eq(out[0].n_gw, 2);
		ck_assert_uint_eq(out[0].weights[0], 3);
		ck_assert_uint_eq(out[0].weights[1], 255);
		r.nh_id = 20;
	}

	/* a group over PG_FPM_MAX_ECMP members: the first ones, counted */
	{
		uint32_t big[PG_FPM_MAX_ECMP + 1];
		unsigned int k;

		fb_init(&f);
		for (k = 0; k < (sizeof(big) / sizeof(big[0])); k++) {
			big[k] = 100 + k;
			add_nh(&f, RTM_NEWNEXTHOP, big[k], IP(198, 51, 100, 100 + k), 3);
		}
		add_group(&f, 21, big, (sizeof(big) / sizeof(big[0])));
		r.nh_id = 21;
		add_route(&f, &r);
		ck_assert_int_eq(parse(&f), 0);
		ck_assert_uint_eq(n_out, 1);
		ck_assert_uint_eq(out[0].n_gw, PG_FPM_MAX_ECMP);
		ck_assert_uint_eq(out[0].gws[PG_FPM_MAX_ECMP - 1],
				  IP(198, 51, 100, 100 + PG_FPM_MAX_ECMP - 1));
		ck_assert_uint_eq(P.c.ecmp_truncated, 1);
		r.nh_id = 20;
	}

	/* a connected hop: OIF only */
	fb_init(&f);
	r.nh_id = 13;
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].gw, 0);
	ck_assert_uint_eq(out[0].oif, 4);

	/* an id never announced: counted, and the prefix's old route goes */
	fb_init(&f);
	r.nh_id = 99;
	add_route(&f, &r);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_DEL);
	ck_assert_uint_eq(out[0].prefix, IP(10, 2, 0, 0));
	ck_assert_uint_eq(P.c.ignored[PG_FPM_IGN_unknown_nexthop], 1);

	/* deleted objects are forgotten; a reset forgets them all */
	fb_init(&f);
	add_nh(&f, RTM_DELNEXTHOP, 12, 0, 0);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_ptr_null(pg_fpm_nh_find(&P, 12));
	ck_assert_uint_eq(P.c.nexthops_deleted, 1);
	ck_assert_ptr_nonnull(pg_fpm_nh_find(&P, 11));
	pg_fpm_parser_reset(&P);
	ck_assert_ptr_null(pg_fpm_nh_find(&P, 11));
}
END_TEST

START_TEST(del_then_new_in_one_frame)
{
	static struct fb f;
	struct rt d = { .type = RTM_DELROUTE, .dst = IP(10, 3, 0, 0), .len = 16 };
	struct rt n = { .type = RTM_NEWROUTE, .dst = IP(10, 3, 0, 0), .len = 16,
			.gw = IP(198, 51, 100, 9) };

	fb_init(&f);
	add_route(&f, &d);
	add_route(&f, &n);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 2);     /* in frame order: the caller batches */
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_DEL);
	ck_assert_uint_eq(out[1].op, PG_FPM_ROUTE_ADD);
	ck_assert_uint_eq(out[1].gw, IP(198, 51, 100, 9));
	ck_assert_uint_eq(P.c.messages, 2);
}
END_TEST

START_TEST(ignored_with_reasons)
{
	static struct fb f;
	struct rt v6 = { .type = RTM_NEWROUTE, .family = AF_INET6, .len = 32, .oif = 2 };
	struct rt t = { .type = RTM_NEWROUTE, .dst = IP(10, 4, 0, 0), .len = 16,
			.table = 10, .gw = IP(198, 51, 100, 2) };
	struct rt big = { .type = RTM_NEWROUTE, .dst = IP(10, 5, 0, 0), .len = 16,
			  .table = 0, .rta_table = 1000, .gw = IP(198, 51, 100, 2) };
	struct rt bh = { .type = RTM_NEWROUTE, .dst = IP(10, 6, 0, 0), .len = 16,
			 .rtm_type = RTN_BLACKHOLE };
	struct rt nonh = { .type = RTM_NEWROUTE, .dst = IP(10, 7, 0, 0), .len = 16 };
	struct nlmsghdr *nlh;

	fb_init(&f);
	add_route(&f, &v6);
	add_route(&f, &t);
	big.table = 0;
	add_route(&f, &big);
	add_route(&f, &bh);
	add_route(&f, &nonh);
	nlh = fb_msg(&f, RTM_NEWLINK);                  /* an unknown type */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	fb_done(&f, nlh);
	ck_assert_int_eq(parse(&f), 0);
	/* other tables: nothing; IPv6 out of an OIF: a route; a blackhole and
	 * a route without a next hop in the main table replace the old route
	 * by none */
	ck_assert_uint_eq(n_out, 3);
	ck_assert_uint_eq(out[0].family, AF_INET6);
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_ADD);
	ck_assert_uint_eq(out[0].oif, 2);
	ck_assert_uint_eq(out[1].op, PG_FPM_ROUTE_DEL);
	ck_assert_uint_eq(out[1].prefix, IP(10, 6, 0, 0));
	ck_assert_uint_eq(out[2].op, PG_FPM_ROUTE_DEL);
	ck_assert_uint_eq(out[2].prefix, IP(10, 7, 0, 0));
	ck_assert_uint_eq(P.c.ignored[PG_FPM_IGN_table], 2);
	ck_assert_uint_eq(P.c.ignored[PG_FPM_IGN_type], 1);
	ck_assert_uint_eq(P.c.ignored[PG_FPM_IGN_no_nexthop], 1);
	ck_assert_uint_eq(P.c.ignored[PG_FPM_IGN_msg_type], 1);
	ck_assert_uint_eq(P.c.messages, 6);
	ck_assert_uint_eq(P.c.errors, 0);
	ck_assert_str_eq(pg_fpm_ignore_names[PG_FPM_IGN_no_oif], "no_oif");
}
END_TEST

static void
add_route6(struct fb *f, uint16_t type, const uint8_t dst[16], uint8_t len,
	   const uint8_t *gw, uint32_t oif, uint32_t nh_id)
{
	struct nlmsghdr *nlh = fb_msg(f, type);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = 254;
	rtm->rtm_protocol = 196;
	rtm->rtm_type = type == RTM_DELROUTE ? 0 : RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, 16, dst);
	if (nh_id)
		mnl_attr_put_u32(nlh, RTA_NH_ID, nh_id);
	if (gw != NULL)
		mnl_attr_put(nlh, RTA_GATEWAY, 16, gw);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	fb_done(f, nlh);
}

START_TEST(ipv6_routes)
{
	static struct fb f;
	/* host bits set: they must come out cleared */
	const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0, 0, 0xff, [15] = 1 };
	const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09 };
	const uint8_t glob[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2 };
	const uint8_t ll[16] = { 0xfe, 0x80, [15] = 0x22 };
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;
	unsigned int cut;

	fb_init(&f);
	add_route6(&f, RTM_NEWROUTE, dst, 48, glob, 0, 0);
	add_route6(&f, RTM_NEWROUTE, dst, 64, ll, 7, 0);
	nlh = fb_msg(&f, RTM_NEWNEXTHOP);               /* a link-local NH object */
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = AF_INET6;
	mnl_attr_put_u32(nlh, NHA_ID, 9);
	mnl_attr_put(nlh, NHA_GATEWAY, 16, ll);
	mnl_attr_put_u32(nlh, NHA_OIF, 8);
	fb_done(&f, nlh);
	add_route6(&f, RTM_NEWROUTE, dst, 56, NULL, 0, 9);
	add_route6(&f, RTM_DELROUTE, dst, 48, NULL, 0, 0);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 4);
	ck_assert_uint_eq(out[0].family, AF_INET6);
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_ADD);
	ck_assert_uint_eq(out[0].len, 48);
	ck_assert_mem_eq(out[0].prefix6, want, 16);
	ck_assert_uint_eq(out[0].has_gw6, 1);
	ck_assert_mem_eq(out[0].gw6, glob, 16);
	ck_assert_uint_eq(out[0].oif, 0);
	ck_assert_mem_eq(out[1].gw6, ll, 16);
	ck_assert_uint_eq(out[1].oif, 7);
	ck_assert_uint_eq(out[2].len, 56);
	ck_assert_uint_eq(out[2].has_gw6, 1);
	ck_assert_mem_eq(out[2].gw6, ll, 16);
	ck_assert_uint_eq(out[2].oif, 8);
	ck_assert_uint_eq(out[3].op, PG_FPM_ROUTE_DEL);
	ck_assert_mem_eq(out[3].prefix6, want, 16);
	ck_assert_uint_eq(out[3].len, 48);

	/* multipath: every hop with its OIF and weight (rtnh_hops + 1) */
	fb_init(&f);
	nlh = fb_msg(&f, RTM_NEWROUTE);
	{
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		uint8_t mp[2][sizeof(struct rtnexthop) + 20];
		unsigned int k;

		rtm->rtm_family = AF_INET6;
		rtm->rtm_dst_len = 48;
		rtm->rtm_table = 254;
		rtm->rtm_type = RTN_UNICAST;
		mnl_attr_put(nlh, RTA_DST, 16, dst);
		for (k = 0; k < 2; k++) {
			struct rtnexthop rh = { .rtnh_len = sizeof(mp[k]),
						.rtnh_hops = (uint8_t)(2 * k),
						.rtnh_ifindex = (int)(4 + k) };
			struct nlattr a = { .nla_len = 20, .nla_type = RTA_GATEWAY };

			memcpy(mp[k], &rh, sizeof(rh));
			memcpy(mp[k] + sizeof(rh), &a, sizeof(a));
			memcpy(mp[k] + sizeof(rh) + sizeof(a), k == 0 ? glob : ll, 16);
		}
		mnl_attr_put(nlh, RTA_MULTIPATH, sizeof(mp), mp);
	}
	fb_done(&f, nlh);
	ck_assert_int_eq(parse(&f), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_ADD);
	ck_assert_mem_eq(out[0].gw6, glob, 16);
	ck_assert_uint_eq(out[0].oif, 4);
	ck_assert_uint_eq(out[0].n_gw, 2);
	ck_assert_mem_eq(out[0].gws6[0], glob, 16);
	ck_assert_mem_eq(out[0].gws6[1], ll, 16);
	ck_assert_uint_eq(out[0].oifs[0], 4);
	ck_assert_uint_eq(out[0].oifs[1], 5);
	ck_assert_uint_eq(out[0].weights[0], 1);
	ck_assert_uint_eq(out[0].weights[1], 3);
	ck_assert_uint_eq(P.c.ecmp_truncated, 0);

	/* an IPv6 NHA_GROUP of two link-local objects, weighted 1:4 */
	{
		const uint8_t ll2[16] = { 0xfe, 0x80, [15] = 0x23 };
		const uint32_t members[] = { 9, 10 };
		const uint8_t w[] = { 1, 4 };

		fb_init(&f);
		nlh = fb_msg(&f, RTM_NEWNEXTHOP);
		nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
		nhm->nh_family = AF_INET6;
		mnl_attr_put_u32(nlh, NHA_ID, 10);
		mnl_attr_put(nlh, NHA_GATEWAY, 16, ll2);
		mnl_attr_put_u32(nlh, NHA_OIF, 6);
		fb_done(&f, nlh);
		add_group_w(&f, 30, members, w, 2);
		add_route6(&f, RTM_NEWROUTE, dst, 48, NULL, 0, 30);
		ck_assert_int_eq(parse(&f), 0);
		ck_assert_uint_eq(n_out, 1);
		ck_assert_uint_eq(out[0].op, PG_FPM_ROUTE_ADD);
		ck_assert_uint_eq(out[0].n_gw, 2);
		ck_assert_mem_eq(out[0].gw6, ll, 16);
		ck_assert_uint_eq(out[0].oif, 8);
		ck_assert_mem_eq(out[0].gws6[0], ll, 16);
		ck_assert_mem_eq(out[0].gws6[1], ll2, 16);
		ck_assert_uint_eq(out[0].oifs[0], 8);
		ck_assert_uint_eq(out[0].oifs[1], 6);
		ck_assert_uint_eq(out[0].weights[0], 1);
		ck_assert_uint_eq(out[0].weights[1], 4);
		ck_assert_uint_eq(P.c.ecmp_truncated, 0);
	}

	/* cut anywhere inside an IPv6 route: the frame is refused */
	fb_init(&f);
	add_route6(&f, RTM_NEWROUTE, dst, 64, ll, 7, 0);
	{
		const size_t full = f.len;

		for (cut = PG_FPM_HDR_LEN + 1; cut < full; cut++) {
			f.len = cut;
			ck_assert_int_lt(parse(&f), 0);
			ck_assert_uint_eq(n_out, 0);
		}
		f.len = full;
		ck_assert_int_eq(parse(&f), 0);
		ck_assert_uint_eq(n_out, 1);
	}

	/* a 4-byte gateway on an IPv6 route */
	fb_init(&f);
	nlh = fb_msg(&f, RTM_NEWROUTE);
	{
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = AF_INET6;
		rtm->rtm_dst_len = 48;
		rtm->rtm_table = 254;
		rtm->rtm_type = RTN_UNICAST;
	}
	mnl_attr_put(nlh, RTA_DST, 16, dst);
	put_ip4(nlh, RTA_GATEWAY, IP(198, 51, 100, 2));
	fb_done(&f, nlh);
	ck_assert_int_lt(parse(&f), 0);
	ck_assert_ptr_nonnull(strstr(err, "RTA_GATEWAY"));
	/* prefix length 129 */
	fb_init(&f);
	add_route6(&f, RTM_NEWROUTE, dst, 129, glob, 0, 0);
	ck_assert_int_lt(parse(&f), 0);
	ck_assert_ptr_nonnull(strstr(err, "prefix length 129"));
}
END_TEST

START_TEST(bad_headers)
{
	uint8_t b[32] = { 1, 1, 0, 3 };

	ck_assert_int_eq(pg_fpm_frame_len(b, 3, err), 0);          /* need more */
	ck_assert_int_eq(pg_fpm_frame_len(b, 4, err), -1);         /* length 3 */
	ck_assert_ptr_nonnull(strstr(err, "length 3"));
	b[0] = 2;
	b[3] = 30;
	ck_assert_int_eq(pg_fpm_frame_len(b, 32, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "version 2"));
	b[0] = 1;
	ck_assert_int_eq(pg_fpm_frame_len(b, 29, err), 0);
	ck_assert_int_eq(pg_fpm_frame_len(b, 32, err), 30);
}
END_TEST

START_TEST(garbage)
{
	uint8_t b[256];
	unsigned int i, rejected = 0;

	/* headers right, bodies random: never a crash, every rejection named */
	srand(7);
	for (i = 0; i < 20000; i++) {
		size_t len = 20 + (size_t)rand() % (sizeof(b) - 20);
		size_t k;
		int ret;

		for (k = 0; k < len; k++)
			b[k] = (uint8_t)rand();
		b[0] = 1;
		b[1] = 1;
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		err[0] = '\0';
		ret = pg_fpm_parse_frame(&P, b, len, out, PG_FPM_MAX_OPS, &n_out, err);
		if (ret < 0) {
			rejected++;
			ck_assert(err[0] != '\0');
			ck_assert_uint_eq(n_out, 0);
		}
	}
	ck_assert_uint_gt(rejected, 19000);
	ck_assert_uint_eq(P.c.errors, rejected);
}
END_TEST

START_TEST(truncated_at_every_byte)
{
	static struct fb f;
	const uint32_t members[] = { 31, 32 };
	struct rt r = { .type = RTM_NEWROUTE, .dst = IP(10, 8, 0, 0), .len = 16, .nh_id = 40 };
	uint8_t copy[1024];
	size_t len, cut, bounds[5];
	unsigned int nb = 0, k;

	fb_init(&f);
	bounds[nb++] = f.len;
	add_nh(&f, RTM_NEWNEXTHOP, 31, IP(198, 51, 100, 2), 3);
	bounds[nb++] = f.len;
	add_nh(&f, RTM_NEWNEXTHOP, 32, IP(198, 51, 100, 3), 3);
	bounds[nb++] = f.len;
	add_group(&f, 40, members, 2);
	bounds[nb++] = f.len;
	add_route(&f, &r);
	len = fb_end(&f);
	ck_assert_uint_lt(len, sizeof(copy));
	/* A frame whose length field says it ends earlier: the cut lands in
	 * every field of every message. A cut between two messages is a
	 * whole, shorter frame. */
	for (cut = PG_FPM_HDR_LEN; cut < len; cut++) {
		for (k = 1; k < nb && bounds[k] != cut; k++)
			;
		if (k < nb)
			continue;
		memcpy(copy, fb_bytes(&f), cut);
		copy[2] = (uint8_t)(cut >> 8);
		copy[3] = (uint8_t)cut;
		err[0] = '\0';
		ck_assert_msg(pg_fpm_parse_frame(&P, copy, cut, out, PG_FPM_MAX_OPS,
						 &n_out, err) < 0, "cut at %zu accepted", cut);
		ck_assert_msg(err[0] != '\0', "cut at %zu: no error text", cut);
		ck_assert_uint_eq(n_out, 0);
		/* all or nothing: no next-hop object of the frame was kept */
		ck_assert_ptr_null(pg_fpm_nh_find(&P, 31));
		/* and a header that promises more than there is */
		memcpy(copy, fb_bytes(&f), len);
		ck_assert_int_lt(pg_fpm_parse_frame(&P, copy, cut, out, PG_FPM_MAX_OPS,
						    &n_out, err), 0);
	}
	ck_assert_uint_eq(P.c.frames, 0);
	ck_assert_uint_eq(P.c.errors, 2 * (len - PG_FPM_HDR_LEN - (nb - 1)));
	/* the whole frame still goes through */
	ck_assert_int_eq(pg_fpm_parse_frame(&P, fb_bytes(&f), len, out, PG_FPM_MAX_OPS,
					    &n_out, err), 0);
	ck_assert_uint_eq(n_out, 1);
	ck_assert_uint_eq(out[0].gw, IP(198, 51, 100, 2));
}
END_TEST

START_TEST(bad_fields)
{
	static struct fb f;
	struct rt r = { .type = RTM_NEWROUTE, .dst = IP(10, 9, 0, 0), .len = 33,
			.gw = IP(198, 51, 100, 2) };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	fb_init(&f);
	add_route(&f, &r);
	ck_assert_int_lt(parse(&f), 0);
	ck_assert_ptr_nonnull(strstr(err, "prefix length 33"));

	/* RTA_GATEWAY of 3 bytes */
	fb_init(&f);
	nlh = fb_msg(&f, RTM_NEWROUTE);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 8;
	put_ip4(nlh, RTA_DST, IP(10, 0, 0, 0));
	mnl_attr_put(nlh, RTA_GATEWAY, 3, "abc");
	fb_done(&f, nlh);
	ck_assert_int_lt(parse(&f), 0);
	ck_assert_ptr_nonnull(strstr(err, "RTA_GATEWAY"));

	/* a next-hop object without an id */
	fb_init(&f);
	add_nh(&f, RTM_NEWNEXTHOP, 0, IP(198, 51, 100, 2), 3);
	ck_assert_int_lt(parse(&f), 0);
	ck_assert_ptr_nonnull(strstr(err, "NHA_ID"));
	ck_assert_uint_eq(P.c.errors, 3);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fpm");
	TCase *tc = tcase_create("fpm");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, route_add_and_del);
	tcase_add_test(tc, nexthop_objects_then_route);
	tcase_add_test(tc, del_then_new_in_one_frame);
	tcase_add_test(tc, ignored_with_reasons);
	tcase_add_test(tc, ipv6_routes);
	tcase_add_test(tc, bad_headers);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, truncated_at_every_byte);
	tcase_add_test(tc, bad_fields);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, getenv("CK_TAP_LOG_FILE_NAME") != NULL ? CK_SILENT : CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
