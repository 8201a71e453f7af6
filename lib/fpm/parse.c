/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/lwtunnel.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "pg_fpm_parse.h"

#define RT_TABLE_MAIN_ID 254

const char *const pg_fpm_ignore_names[PG_FPM_IGN_MAX] = {
#define PG_FPM_X_NAME(name, desc) [PG_FPM_IGN_##name] = #name,
	PG_FPM_IGNORE_REASONS(PG_FPM_X_NAME)
#undef PG_FPM_X_NAME
};

static void __attribute__((format(printf, 2, 3)))
set_err(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, PG_FPM_ERR_LEN, fmt, ap);
	va_end(ap);
}

void
pg_fpm_parser_init(struct pg_fpm_parser *p)
{
	memset(p, 0, sizeof(*p));
}

void
pg_fpm_parser_reset(struct pg_fpm_parser *p)
{
	p->n_nh = 0;
}

void
pg_fpm_parser_fini(struct pg_fpm_parser *p)
{
	free(p->nh);
	p->nh = NULL;
	p->n_nh = p->nh_cap = 0;
}

/* Position of @p id in the sorted table, or where it would go. */
static uint32_t
nh_pos(const struct pg_fpm_parser *p, uint32_t id)
{
	uint32_t lo = 0, hi = p->n_nh;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (p->nh[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct pg_fpm_nh *
pg_fpm_nh_find(const struct pg_fpm_parser *p, uint32_t id)
{
	uint32_t i = nh_pos(p, id);

	return i < p->n_nh && p->nh[i].id == id ? &p->nh[i] : NULL;
}

static int
nh_put(struct pg_fpm_parser *p, const struct pg_fpm_nh *nh)
{
	uint32_t i = nh_pos(p, nh->id);

	if (i < p->n_nh && p->nh[i].id == nh->id) {
		p->nh[i] = *nh;
		return 0;
	}
	if (p->n_nh == p->nh_cap) {
		uint32_t cap = p->nh_cap ? p->nh_cap * 2 : 64;
		struct pg_fpm_nh *v = realloc(p->nh, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		p->nh = v;
		p->nh_cap = cap;
	}
	memmove(&p->nh[i + 1], &p->nh[i], (size_t)(p->n_nh - i) * sizeof(*nh));
	p->nh[i] = *nh;
	p->n_nh++;
	return 0;
}

static void
nh_del(struct pg_fpm_parser *p, uint32_t id)
{
	uint32_t i = nh_pos(p, id);

	if (i < p->n_nh && p->nh[i].id == id) {
		memmove(&p->nh[i], &p->nh[i + 1], (size_t)(p->n_nh - i - 1) * sizeof(p->nh[0]));
		p->n_nh--;
	}
}

long
pg_fpm_frame_len(const uint8_t *buf, size_t avail, char err[PG_FPM_ERR_LEN])
{
	unsigned int len;

	if (avail < PG_FPM_HDR_LEN)
		return 0;
	if (buf[0] != PG_FPM_VERSION || buf[1] != PG_FPM_TYPE_NETLINK) {
		set_err(err, "bad frame header: version %u type %u (expected 1, 1)",
			buf[0], buf[1]);
		return -1;
	}
	len = (unsigned int)buf[2] << 8 | buf[3];
	if (len < PG_FPM_HDR_LEN + sizeof(struct nlmsghdr)) {
		set_err(err, "bad frame header: length %u is shorter than one netlink message",
			len);
		return -1;
	}
	return avail >= len ? (long)len : 0;
}

/*
 * Attribute tables. libmnl's mnl_attr_parse() stops silently at a truncated
 * attribute: attrs_parse() walks them itself and insists that they fill the
 * payload exactly, so a cut message is an error, not a shorter route.
 */
#define MAX_ATTR 32

static int
attrs_parse(const void *start, size_t len, const struct nlattr *tb[MAX_ATTR],
	    const char *what, char *err)
{
	const struct nlattr *a = start;
	long left = (long)len;

	memset(tb, 0, MAX_ATTR * sizeof(tb[0]));
	while (left > 0) {
		uint16_t type;

		if (!mnl_attr_ok(a, (int)left)) {
			set_err(err, "%s: attribute truncated (%ld bytes left)", what, left);
			return -1;
		}
		type = mnl_attr_get_type(a);
		if (type < MAX_ATTR)
			tb[type] = a;
		left -= MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	return 0;
}

static int
want_len(const struct nlattr *a, size_t len, const char *what, const char *name, char *err)
{
	if (a != NULL && mnl_attr_get_payload_len(a) != len) {
		set_err(err, "%s: %s has %u bytes, expected %zu", what, name,
			mnl_attr_get_payload_len(a), len);
		return -1;
	}
	return 0;
}

static uint32_t
get_u32(const struct nlattr *a)
{
	return a != NULL ? mnl_attr_get_u32(a) : 0;
}

/* Network-order IPv4 address attribute to host order. */
static uint32_t
get_ip4(const struct nlattr *a)
{
	uint32_t v;

	if (a == NULL)
		return 0;
	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return ntohl(v);
}

/* IPv6 gateway attribute (16 bytes, checked) into r->gw6. */
static void
get_ip6(const struct nlattr *a, struct pg_fpm_route *r)
{
	if (a == NULL)
		return;
	memcpy(r->gw6, mnl_attr_get_payload(a), 16);
	r->has_gw6 = 1;
}

static bool
ip6_zero(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* A message's fixed header (@p hdr_len bytes), then its attributes into
 * @p tb. Returns the header, or NULL with @p err filled. */
static const void *
msg_parse(const struct nlmsghdr *nlh, size_t hdr_len, const struct nlattr *tb[MAX_ATTR],
	  const char *what, char *err)
{
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(hdr_len)) {
		set_err(err, "%s: %u bytes, shorter than its header", what, nlh->nlmsg_len);
		return NULL;
	}
	if (attrs_parse(mnl_nlmsg_get_payload_offset(nlh, hdr_len),
			nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(hdr_len), tb, what, err) < 0)
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

#define MIN_OF(a, b) ((a) < (b) ? (a) : (b))

/* The hops of an RTA_MULTIPATH ({rtnexthop, nested attrs} records): the
 * first one's gateway and OIF into @p r, the gateways, OIFs and weights
 * of the first PG_FPM_MAX_ECMP into r->gws or gws6 (r->n_gw), their count
 * into *n. */
static int
multipath_hops(const struct nlattr *mp, uint8_t family, struct pg_fpm_route *r,
	       unsigned int *n, char *err)
{
	const uint8_t *b = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);
	const struct nlattr *tb[MAX_ATTR];

	*n = 0;
	while (left > 0) {
		struct rtnexthop rh;

		if (left < sizeof(rh)) {
			set_err(err, "route: RTA_MULTIPATH truncated");
			return -1;
		}
		memcpy(&rh, b, sizeof(rh));
		if (rh.rtnh_len < sizeof(rh) || (size_t)rh.rtnh_len > left) {
			set_err(err, "route: RTA_MULTIPATH hop length %u out of range",
				rh.rtnh_len);
			return -1;
		}
		if (attrs_parse(b + sizeof(rh), rh.rtnh_len - sizeof(rh), tb,
				"route: RTA_MULTIPATH hop", err) < 0 ||
		    want_len(tb[RTA_GATEWAY], family == AF_INET ? 4 : 16,
			     "route: RTA_MULTIPATH hop", "RTA_GATEWAY", err) < 0)
			return -1;
		if (*n == 0) {
			r->oif = (uint32_t)rh.rtnh_ifindex;
			r->gw = family == AF_INET ? get_ip4(tb[RTA_GATEWAY]) : 0;
			if (family == AF_INET6)
				get_ip6(tb[RTA_GATEWAY], r);
		}
		if (*n < PG_FPM_MAX_ECMP) {
			/* rtnh_hops is the weight - 1 (iproute2's "weight"). */
			r->weights[r->n_gw] = (uint16_t)(rh.rtnh_hops + 1u);
			r->oifs[r->n_gw] = (uint32_t)rh.rtnh_ifindex;
			if (family == AF_INET)
				r->gws[r->n_gw] = get_ip4(tb[RTA_GATEWAY]);
			else if (tb[RTA_GATEWAY] != NULL)
				memcpy(r->gws6[r->n_gw], mnl_attr_get_payload(tb[RTA_GATEWAY]), 16);
			r->n_gw++;
		}
		(*n)++;
		if ((size_t)RTNH_ALIGN(rh.rtnh_len) >= left)
			break;
		left -= (size_t)RTNH_ALIGN(rh.rtnh_len);
		b += RTNH_ALIGN(rh.rtnh_len);
	}
	if (*n == 0) {
		set_err(err, "route: empty RTA_MULTIPATH");
		return -1;
	}
	return 0;
}

/* Resolve a next-hop object to gw/oif; a group to its members' gateways,
 * OIFs and weights (r->gws or gws6, the first member's gw/oif as for a
 * single hop). Returns -1, or why it cannot be (enum pg_fpm_ignore, not
 * yet counted). */
static int
nh_resolve(struct pg_fpm_parser *p, uint32_t id, struct pg_fpm_route *r)
{
	const struct pg_fpm_nh *g = pg_fpm_nh_find(p, id), *nh = g;
	unsigned int k, n = 0;

	if (g != NULL && g->group_n > 0) {
		n = MIN_OF(g->group_n, PG_FPM_MAX_ECMP);
		nh = pg_fpm_nh_find(p, g->group[0]);
	}
	if (nh == NULL)
		return PG_FPM_IGN_unknown_nexthop;
	r->oif = nh->oif;
	if (r->family == AF_INET6) {
		if (nh->family == AF_INET && nh->gw != 0)
			return PG_FPM_IGN_family;
		if (!ip6_zero(nh->gw6)) {
			memcpy(r->gw6, nh->gw6, 16);
			r->has_gw6 = 1;
		}
	} else {
		if (nh->family == AF_INET6)
			return PG_FPM_IGN_v4_via_v6;
		r->gw = nh->gw;
	}
	for (k = 0; n > 1 && k < n; k++) {
		const struct pg_fpm_nh *m = pg_fpm_nh_find(p, g->group[k]);

		if (m == NULL)
			return PG_FPM_IGN_unknown_nexthop;
		if (r->family == AF_INET6 && m->family == AF_INET && m->gw != 0)
			return PG_FPM_IGN_family;
		if (r->family == AF_INET && m->family == AF_INET6)
			return PG_FPM_IGN_v4_via_v6;
		r->gws[k] = m->gw;
		memcpy(r->gws6[k], m->gw6, 16);
		r->oifs[k] = m->oif;
		r->weights[k] = g->weight[k];
		r->n_gw++;
	}
	if (g->group_n > PG_FPM_MAX_ECMP)
		p->c.ecmp_truncated++;
	return -1;
}

/* IPv6 RTA_DST (16 bytes, checked; NULL for ::/0) masked to @p len. */
static void
prefix6(const struct nlattr *a, uint8_t len, uint8_t out[16])
{
	unsigned int i;

	memset(out, 0, 16);
	if (a == NULL)
		return;
	memcpy(out, mnl_attr_get_payload(a), 16);
	for (i = 0; i < 16; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		out[i] &= (uint8_t)(0xff00u >> len);
		len = 0;
	}
}

/*
 * One RTM_NEWROUTE/RTM_DELROUTE. With @p apply false only checks; with it
 * true (the frame passed) emits a change or counts why not.
 */
static int
do_route(struct pg_fpm_parser *p, const struct nlmsghdr *nlh, bool apply,
	 struct pg_fpm_route *out, unsigned int *n_out, char *err)
{
	const bool add = nlh->nlmsg_type == RTM_NEWROUTE;
	const char *what = add ? "RTM_NEWROUTE" : "RTM_DELROUTE";
	const struct nlattr *tb[MAX_ATTR];
	const struct rtmsg *rtm;
	struct pg_fpm_route r;
	unsigned int alen, hops = 0;
	uint32_t table;

	rtm = msg_parse(nlh, sizeof(*rtm), tb, what, err);
	if (rtm == NULL)
		return -1;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) {
		if (apply)
			p->c.ignored[PG_FPM_IGN_family]++;
		return 0;
	}
	alen = rtm->rtm_family == AF_INET ? 4 : 16;
	if (rtm->rtm_dst_len > alen * 8) {
		set_err(err, "%s: prefix length %u too long", what, rtm->rtm_dst_len);
		return -1;
	}
	if (want_len(tb[RTA_DST], alen, what, "RTA_DST", err) < 0 ||
	    want_len(tb[RTA_GATEWAY], alen, what, "RTA_GATEWAY", err) < 0 ||
	    want_len(tb[RTA_OIF], 4, what, "RTA_OIF", err) < 0 ||
	    want_len(tb[RTA_TABLE], 4, what, "RTA_TABLE", err) < 0 ||
	    want_len(tb[RTA_NH_ID], 4, what, "RTA_NH_ID", err) < 0)
		return -1;
	if (tb[RTA_DST] == NULL && rtm->rtm_dst_len != 0) {
		set_err(err, "%s: /%u without RTA_DST", what, rtm->rtm_dst_len);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.family = rtm->rtm_family;
	if (tb[RTA_MULTIPATH] != NULL &&
	    multipath_hops(tb[RTA_MULTIPATH], rtm->rtm_family, &r, &hops, err) < 0)
		return -1;
	if (!apply)
		return 0;

	table = tb[RTA_TABLE] != NULL ? get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != RT_TABLE_MAIN_ID) {
		p->c.ignored[PG_FPM_IGN_table]++;
		return 0;
	}
	r.len = rtm->rtm_dst_len;
	if (rtm->rtm_family == AF_INET6)
		prefix6(tb[RTA_DST], r.len, r.prefix6);
	else
		r.prefix = r.len == 0 ? 0 : get_ip4(tb[RTA_DST]) & (UINT32_MAX << (32 - r.len));
	r.protocol = rtm->rtm_protocol;
	r.op = add ? PG_FPM_ROUTE_ADD : PG_FPM_ROUTE_DEL;
	if (add) {
		int why = -1;

		if (rtm->rtm_type != RTN_UNICAST) {
			why = PG_FPM_IGN_type;
		} else if (tb[RTA_ENCAP] != NULL || tb[RTA_NEWDST] != NULL) {
			why = PG_FPM_IGN_mpls;
		} else if (tb[RTA_NH_ID] != NULL) {
			why = nh_resolve(p, get_u32(tb[RTA_NH_ID]), &r);
		} else if (hops == 0) {
			if (r.family == AF_INET6)
				get_ip6(tb[RTA_GATEWAY], &r);
			else
				r.gw = get_ip4(tb[RTA_GATEWAY]);
			r.oif = get_u32(tb[RTA_OIF]);
		}
		if (why < 0 && r.gw == 0 && !r.has_gw6 && r.oif == 0)
			why = PG_FPM_IGN_no_nexthop;
		if (why >= 0) {
			/* zebra replaced the prefix with what we cannot install:
			 * the route it had before must not stay either. */
			p->c.ignored[why]++;
			r.op = PG_FPM_ROUTE_DEL;
			r.gw = r.oif = 0;
			r.n_gw = 0;
			r.has_gw6 = 0;
			memset(r.gw6, 0, sizeof(r.gw6));
		} else if (hops > PG_FPM_MAX_ECMP) {
			p->c.ecmp_truncated++;
		}
	}
	out[(*n_out)++] = r;
	return 0;
}

static int
do_nexthop(struct pg_fpm_parser *p, const struct nlmsghdr *nlh, bool apply, char *err)
{
	const bool add = nlh->nlmsg_type == RTM_NEWNEXTHOP;
	const char *what = add ? "RTM_NEWNEXTHOP" : "RTM_DELNEXTHOP";
	const struct nlattr *tb[MAX_ATTR];
	const struct nhmsg *nhm;
	struct pg_fpm_nh nh;
	size_t glen = 0;

	nhm = msg_parse(nlh, sizeof(*nhm), tb, what, err);
	if (nhm == NULL)
		return -1;
	if (tb[NHA_ID] == NULL || get_u32(tb[NHA_ID]) == 0) {
		set_err(err, "%s: no NHA_ID", what);
		return -1;
	}
	if (want_len(tb[NHA_ID], 4, what, "NHA_ID", err) < 0 ||
	    want_len(tb[NHA_OIF], 4, what, "NHA_OIF", err) < 0 ||
	    (tb[NHA_GATEWAY] != NULL &&
	     want_len(tb[NHA_GATEWAY], nhm->nh_family == AF_INET6 ? 16 : 4, what,
		      "NHA_GATEWAY", err) < 0))
		return -1;
	if (tb[NHA_GROUP] != NULL) {
		glen = mnl_attr_get_payload_len(tb[NHA_GROUP]);
		if (glen == 0 || glen % sizeof(struct nexthop_grp) != 0) {
			set_err(err, "%s: NHA_GROUP of %zu bytes is not a list of members",
				what, glen);
			return -1;
		}
	}
	if (!apply)
		return 0;
	if (!add) {
		nh_del(p, get_u32(tb[NHA_ID]));
		p->c.nexthops_deleted++;
		return 0;
	}
	memset(&nh, 0, sizeof(nh));
	nh.id = get_u32(tb[NHA_ID]);
	nh.family = nhm->nh_family;
	nh.oif = get_u32(tb[NHA_OIF]);
	if (nhm->nh_family == AF_INET)
		nh.gw = get_ip4(tb[NHA_GATEWAY]);
	else if (nhm->nh_family == AF_INET6 && tb[NHA_GATEWAY] != NULL)
		memcpy(nh.gw6, mnl_attr_get_payload(tb[NHA_GATEWAY]), 16);
	if (glen > 0) {
		struct nexthop_grp g;

		size_t k;

		nh.group_n = (uint16_t)MIN_OF(glen / sizeof(g), (size_t)UINT16_MAX);
		for (k = 0; k < MIN_OF((size_t)nh.group_n, (size_t)PG_FPM_MAX_ECMP); k++) {
			memcpy(&g, (const uint8_t *)mnl_attr_get_payload(tb[NHA_GROUP]) +
			       k * sizeof(g), sizeof(g));
			nh.group[k] = g.id;
			/* On the wire the weight is weight - 1 (0: weight 1). */
			nh.weight[k] = (uint16_t)(g.weight + 1u);
		}
		nh.group_first = nh.group[0];
	}
	if (nh_put(p, &nh) < 0) {
		p->c.ignored[PG_FPM_IGN_rejected]++;
		return 0;
	}
	p->c.nexthops_added++;
	return 0;
}

/* Walk the frame's messages: check only, or apply. */
static int
walk(struct pg_fpm_parser *p, const uint8_t *buf, size_t len, bool apply,
     struct pg_fpm_route *out, unsigned int max_out, unsigned int *n_out, char *err)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)(buf + PG_FPM_HDR_LEN);
	int left = (int)(len - PG_FPM_HDR_LEN);
	unsigned int n = 0;

	while (left > 0) {
		int ret = 0;

		/* mnl_nlmsg_ok() compares the length as an int: a length over
		 * 2^31 would pass it, so check it unsigned first. */
		if (left < (int)sizeof(*nlh) || nlh->nlmsg_len > (uint32_t)left ||
		    !mnl_nlmsg_ok(nlh, left)) {
			set_err(err, "netlink message %u truncated (%d bytes left, length %u)",
				n, left, left >= 4 ? nlh->nlmsg_len : 0);
			return -1;
		}
		switch (nlh->nlmsg_type) {
		case RTM_NEWROUTE:
		case RTM_DELROUTE:
			/* The check pass counts them: the apply pass fits. */
			if (!apply && ++*n_out > max_out) {
				set_err(err, "more than %u routes in one frame", max_out);
				return -1;
			}
			ret = do_route(p, nlh, apply, out, n_out, err);
			break;
		case RTM_NEWNEXTHOP:
		case RTM_DELNEXTHOP:
			ret = do_nexthop(p, nlh, apply, err);
			break;
		default:
			if (apply)
				p->c.ignored[PG_FPM_IGN_msg_type]++;
		}
		if (ret < 0)
			return -1;
		n++;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	if (apply)
		p->c.messages += n;
	return 0;
}

/* The int length fits: a frame is at most 64 KiB. Aligned buffer: netlink
 * structures are read in place. */
int
pg_fpm_parse_frame(struct pg_fpm_parser *p, const uint8_t *buf, size_t len,
		   struct pg_fpm_route *out, unsigned int max_out,
		   unsigned int *n_out, char err[PG_FPM_ERR_LEN])
{
	uint32_t copy[(PG_FPM_MAX_FRAME + 3) / 4];
	unsigned int dummy;
	long flen;

	*n_out = 0;
	flen = pg_fpm_frame_len(buf, len, err);
	if (flen < 0)
		goto bad;
	if (flen == 0 || (size_t)flen != len) {
		set_err(err, "frame length %u does not match the %zu bytes given",
			len >= 4 ? (unsigned int)buf[2] << 8 | buf[3] : 0, len);
		goto bad;
	}
	/* Netlink structures are read in place: give them 4-byte alignment. */
	memcpy(copy, buf, len);
	buf = (const uint8_t *)copy;
	dummy = 0;
	if (walk(p, buf, len, false, out, max_out, &dummy, err) < 0)
		goto bad;
	walk(p, buf, len, true, out, max_out, n_out, err);
	p->c.frames++;
	return 0;
bad:
	*n_out = 0;
	p->c.errors++;
	return -1;
}
