/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_version.h>

#include "check.h"
#include "control.h"
#include "ctl.h"
#include "pg_punt.h"
#include "pg_telemetry.h"

/* Entries per page of route list / neighbor list (about 100 bytes each:
 * far below PG_CMD_MAX_REPLY). */
#define PAGE_SIZE_ENTRIES 128

/* struct pg_fields into the reply: the field lists are telemetry's. */
static void
json_str(void *ctx, const char *key, const char *val)
{
	pg_json_string(ctx, key, val);
}

static void
json_u64(void *ctx, const char *key, uint64_t val)
{
	pg_json_uint(ctx, key, val);
}

static void
json_i64(void *ctx, const char *key, int64_t val)
{
	pg_json_int(ctx, key, val);
}

static int
h_stats(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen, void *arg)
{
	const struct pg_fields f = { json_str, json_u64, json_i64, out };
	const struct pg_ctl_view *v = arg;
	struct pg_stats_total t;
	unsigned int r;

	(void)cmd;
	(void)err;
	(void)errlen;
	pg_workers_sum(v->workers, &t);
	pg_telemetry_totals_fields(&t, v->ports, &f);
	pg_json_object_open(out, "drop");
	for (r = 0; r < PG_DROP_MAX; r++)
		pg_json_uint(out, pg_drop_names[r], t.drop[r]);
	pg_json_object_close(out);
	return 0;
}

static int
h_ports(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen, void *arg)
{
	const struct pg_fields f = { json_str, json_u64, json_i64, out };
	const struct pg_ctl_view *v = arg;
	struct pg_stats_total t;
	unsigned int i;

	(void)cmd;
	(void)err;
	(void)errlen;
	pg_workers_sum(v->workers, &t);
	pg_json_array_open(out, "ports");
	for (i = 0; i < v->ports->n_ports; i++) {
		pg_json_object_open(out, NULL);
		pg_telemetry_port_fields(v->ports, i, &t, &f);
		pg_json_object_close(out);
	}
	pg_json_array_close(out);
	return 0;
}

static const char *
nh_type_name(uint8_t type)
{
	switch (type) {
	case PG_NH_FORWARD: return "forward";
	case PG_NH_LOCAL: return "local";
	case PG_NH_UNRESOLVED: return "unresolved";
	case PG_NH_NO_ROUTE: return "unreachable";
	}
	return "?";
}

static void
page_header(struct pg_json *out, uint32_t count, uint32_t offset)
{
	pg_json_uint(out, "count", count);
	pg_json_uint(out, "offset", offset);
	pg_json_uint(out, "page_size", PAGE_SIZE_ENTRIES);
}

/* One route of either family as the reply's object. */
static void
route_entry(struct pg_json *out, const struct pg_ctl_view *v, const char *pfx,
	    const char *via, const struct pg_nexthop *nh, uint8_t origin)
{
	pg_json_object_open(out, NULL);
	pg_json_string(out, "prefix", pfx);
	pg_json_string(out, "via", via);
	pg_json_string(out, "port", nh->type == PG_NH_NO_ROUTE ? "-" :
			v->ports->port[nh->port].name);
	pg_json_string(out, "type", nh_type_name(nh->type));
	pg_json_string(out, "origin", pg_fib_origin_name((enum pg_route_origin)origin));
	pg_json_object_close(out);
}

static void route_group_json(const struct pg_ctl_view *v, struct pg_json *out,
			     const char *pfx, uint8_t origin, const struct pg_fib_group *g,
			     const struct pg_nexthop *ctl_nh, const void *nh_ip, bool v6);

static void
route_entry6(struct pg_json *out, const struct pg_ctl_view *v, const struct pg_fib6 *f6,
	     const struct pg_fib6_route *r)
{
	static const uint8_t zero[16];
	const struct pg_nexthop *nh = &f6->ctl_nh[r->nh];
	char pfx[PG_CONF_IP6_STRLEN + 4], ip[PG_CONF_IP6_STRLEN], via[PG_CONF_IP6_STRLEN];

	snprintf(pfx, sizeof(pfx), "%s/%u", pg_conf_ip6_str(r->prefix, ip, sizeof(ip)), r->len);
	if (pg_fib6_is_group(f6, r->nh)) {
		route_group_json(v, out, pfx, r->origin, pg_fib6_group_of(f6, r->nh), f6->ctl_nh,
				 f6->nh_ip, true);
		return;
	}
	if (nh->type == PG_NH_FORWARD)
		pg_conf_ip6_str(f6->nh_ip[r->nh], via, sizeof(via));
	else if (memcmp(r->gw, zero, 16) != 0)
		pg_conf_ip6_str(r->gw, via, sizeof(via));
	else
		snprintf(via, sizeof(via), "-");
	route_entry(out, v, pfx, via, nh, r->origin);
}

/* An ECMP route of either family: its members, each like a single route's
 * next hop, with its weight and buckets; @p nh_ip the table's addresses
 * (uint32_t[] for IPv4, uint8_t[][16] for IPv6). */
static void
route_group_json(const struct pg_ctl_view *v, struct pg_json *out, const char *pfx,
		 uint8_t origin, const struct pg_fib_group *g, const struct pg_nexthop *ctl_nh,
		 const void *nh_ip, bool v6)
{
	char vias[PG_FIB_GROUP_MAX_MEMBERS * (PG_CONF_IP6_STRLEN + 1) + 1];
	char ip[PG_CONF_IP6_STRLEN];
	unsigned int k;
	size_t off = 0;

	vias[0] = '\0';
	for (k = 0; k < g->n; k++) {
		if (v6)
			pg_conf_ip6_str(((const uint8_t (*)[16])nh_ip)[g->member[k]], ip, sizeof(ip));
		else
			pg_conf_ip4_str(((const uint32_t *)nh_ip)[g->member[k]], ip, sizeof(ip));
		off += (size_t)snprintf(vias + off, sizeof(vias) - off, "%s%s", k ? "," : "", ip);
	}
	pg_json_object_open(out, NULL);
	pg_json_string(out, "prefix", pfx);
	pg_json_string(out, "via", vias);
	pg_json_string(out, "port", "-");
	pg_json_string(out, "type", "ecmp");
	pg_json_string(out, "origin", pg_fib_origin_name((enum pg_route_origin)origin));
	pg_json_array_open(out, "members");
	for (k = 0; k < g->n; k++) {
		const struct pg_nexthop *m = &ctl_nh[g->member[k]];

		if (v6)
			pg_conf_ip6_str(((const uint8_t (*)[16])nh_ip)[g->member[k]], ip, sizeof(ip));
		else
			pg_conf_ip4_str(((const uint32_t *)nh_ip)[g->member[k]], ip, sizeof(ip));
		pg_json_object_open(out, NULL);
		pg_json_string(out, "via", ip);
		pg_json_string(out, "port", v->ports->port[m->port].name);
		pg_json_string(out, "type", nh_type_name(m->type));
		pg_json_uint(out, "weight", g->weight[k]);
		pg_json_uint(out, "buckets", g->buckets[k]);
		pg_json_object_close(out);
	}
	pg_json_array_close(out);
	pg_json_object_close(out);
}

/*
 * One page of the installed routes: IPv4 first, then IPv6, one count. The
 * tables' metadata is changed only by the control thread, which is also
 * the thread running this: no pg_fib_lock() needed (that is for telemetry).
 */
static int
h_route_list(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	     void *arg)
{
	const struct pg_ctl_view *v = arg;
	const struct pg_fib *fib = v->fib;
	const uint32_t n6 = v->fib6 != NULL ? v->fib6->n_routes : 0;
	uint64_t i;

	(void)err;
	(void)errlen;
	page_header(out, fib->n_routes + n6, cmd->offset);
	pg_json_array_open(out, "routes");
	for (i = cmd->offset; i < fib->n_routes + (uint64_t)n6 &&
	     i < (uint64_t)cmd->offset + PAGE_SIZE_ENTRIES; i++) {
		const struct pg_fib_route *r;
		const struct pg_nexthop *nh;
		char pfx[24], ip[20], via[20];

		if (i >= fib->n_routes) {
			route_entry6(out, v, v->fib6, &v->fib6->routes[i - fib->n_routes]);
			continue;
		}
		r = &fib->routes[i];
		snprintf(pfx, sizeof(pfx), "%s/%u", pg_conf_ip4_str(r->prefix, ip, sizeof(ip)),
			 r->len);
		if (pg_fib_is_group(fib, r->nh)) {
			route_group_json(v, out, pfx, r->origin, pg_fib_group_of(fib, r->nh),
					 fib->ctl_nh, fib->nh_ip, false);
			continue;
		}
		nh = &fib->ctl_nh[r->nh];
		/* The gateway: the next hop's address, or a configured gateway
		 * that is not a neighbor yet. */
		if (nh->type == PG_NH_FORWARD)
			pg_conf_ip4_str(fib->nh_ip[r->nh], via, sizeof(via));
		else if (r->gw != 0)
			pg_conf_ip4_str(r->gw, via, sizeof(via));
		else
			snprintf(via, sizeof(via), "-");
		route_entry(out, v, pfx, via, nh, r->origin);
	}
	pg_json_array_close(out);
	return 0;
}

static void
neighbor_entry(struct pg_json *out, const struct pg_ctl_view *v, const char *ip,
	       const struct pg_nexthop *nh, uint8_t kind)
{
	char mac[20];

	pg_json_object_open(out, NULL);
	pg_json_string(out, "ip", ip);
	pg_json_string(out, "mac", pg_conf_mac_str(nh->l2, mac, sizeof(mac)));
	pg_json_string(out, "port", v->ports->port[nh->port].name);
	pg_json_string(out, "state", kind == PG_FIB_NEIGH_DYNAMIC ? "learned" : "static");
	pg_json_object_close(out);
}

/* Neighbors: the next hops marked as a neighbor entry (MAC known),
 * configured ("static") or learned by ARP or ND; IPv4 first. */
static int
h_neighbor_list(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
		void *arg)
{
	const struct pg_ctl_view *v = arg;
	const struct pg_fib *fib = v->fib;
	const struct pg_fib6 *f6 = v->fib6;
	uint32_t i, seen = 0, shown = 0;

	(void)err;
	(void)errlen;
	page_header(out, fib->n_neighbors + (f6 != NULL ? f6->n_neighbors : 0), cmd->offset);
	pg_json_array_open(out, "neighbors");
	for (i = 0; i < fib->n_nh && shown < PAGE_SIZE_ENTRIES; i++) {
		char ip[20];

		if (!fib->nh_neigh[i] || seen++ < cmd->offset)
			continue;
		neighbor_entry(out, v, pg_conf_ip4_str(fib->nh_ip[i], ip, sizeof(ip)),
			       &fib->ctl_nh[i], fib->nh_neigh[i]);
		shown++;
	}
	for (i = 0; f6 != NULL && i < f6->n_nh && shown < PAGE_SIZE_ENTRIES; i++) {
		char ip[PG_CONF_IP6_STRLEN];

		if (!f6->nh_neigh[i] || seen++ < cmd->offset)
			continue;
		neighbor_entry(out, v, pg_conf_ip6_str(f6->nh_ip[i], ip, sizeof(ip)),
			       &f6->ctl_nh[i], f6->nh_neigh[i]);
		shown++;
	}
	pg_json_array_close(out);
	return 0;
}

static int
h_config_check(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	       void *arg)
{
	char e[PG_CONF_ERR_LEN];
	struct pg_check_result res;
	struct stat st;
	int ret;

	(void)arg;
	/* The control thread must not block: no FIFOs or devices (opening a
	 * FIFO waits for a writer, /dev/zero never ends). */
	if (stat(cmd->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", cmd->path);
		return -EINVAL;
	}
	ret = pg_check_config(cmd->path, true, &res, e);
	if (ret != 0) {
		snprintf(err, errlen, "%s", e);
		return ret;
	}
	pg_json_string(out, "file", cmd->path);
	pg_json_uint(out, "ports", res.ports);
	pg_json_uint(out, "neighbors", res.neighbors);
	pg_json_uint(out, "routes", res.routes);
	pg_json_uint(out, "workers", res.workers);
	return 0;
}

static int
h_version(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen, void *arg)
{
	(void)cmd;
	(void)err;
	(void)errlen;
	(void)arg;
	pg_json_string(out, "version", PG_VERSION);
	pg_json_string(out, "dpdk", rte_version());
	return 0;
}

/* ---- changes to the live table (pg_fib.h: applied whole, then published) ---- */

/* The port a command names, or -1 when it names none; -2 (err set) when
 * the name is unknown. */
static int
port_named(const struct pg_ctl_view *v, const char *name, char *err, size_t errlen)
{
	unsigned int i;

	if (name[0] == '\0')
		return -1;
	for (i = 0; i < v->ports->n_ports; i++)
		if (strcmp(v->ports->port[i].name, name) == 0)
			return (int)i;
	snprintf(err, errlen, "port %s: no such port", name);
	return -2;
}

static int
cmd_port(const struct pg_ctl_view *v, const struct pg_cmd *cmd, char *err, size_t errlen)
{
	return cmd->has_port ? port_named(v, cmd->port, err, errlen) : -1;
}

/*
 * What every table change starts with: the port the command names (-1:
 * none) and a table for its family. Returns 0, or -EINVAL with @p err set.
 */
static int
change_begin(const struct pg_ctl_view *v, const struct pg_cmd *cmd, int *port, char *err,
	     size_t errlen)
{
	*port = cmd_port(v, cmd, err, errlen);
	if (*port == -2)
		return -EINVAL;
	if (cmd->addr.family == AF_INET6 && v->fib6 == NULL) {
		snprintf(err, errlen, "IPv6 is off: no port has an ipv6: address");
		return -EINVAL;
	}
	return 0;
}

/* The table's answer into the reply: its err, or the table's new size. */
static int
change_end(const struct pg_ctl_view *v, const struct pg_cmd *cmd, int ret, const char *e,
	   struct pg_json *out, char *err, size_t errlen, bool routes)
{
	const bool v6 = cmd->addr.family == AF_INET6;

	if (ret != 0) {
		snprintf(err, errlen, "%s", e);
		return ret;
	}
	if (routes)
		pg_json_uint(out, "routes", v6 ? v->fib6->n_routes : v->fib->n_routes);
	else
		pg_json_uint(out, "neighbors", v6 ? v->fib6->n_neighbors : v->fib->n_neighbors);
	return 0;
}

/* err from the table (PG_CONF_ERR_LEN) into the reply's buffer. */
static int
table_err(int ret, const char *e, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", e);
	return ret;
}

/*
 * The IPv4 gateways of an ECMP command. An IPv4 next hop is found by its
 * connected subnet, so a gateway's `port NAME` only restates that: one
 * that agrees is harmless, one that contradicts it is an error (as for a
 * single `via GW port NAME`). 0, or -EINVAL with @p err set.
 */
static int
cmd_gws4(const struct pg_ctl_view *v, const struct pg_cmd *cmd, uint32_t *gws, char *err,
	 size_t errlen)
{
	char a[20];
	unsigned int k;

	for (k = 0; k < cmd->n_via; k++) {
		const int p = port_named(v, cmd->via_port[k], err, errlen);
		const int subnet = pg_fib_port_of(v->fib, cmd->vias[k].v4);

		if (p == -2)
			return -EINVAL;
		if (p >= 0 && subnet >= 0 && p != subnet) {
			snprintf(err, errlen, "via %s port %s: not in the subnet of that port (%s's)",
				 pg_conf_ip4_str(cmd->vias[k].v4, a, sizeof(a)), cmd->via_port[k],
				 v->ports->port[subnet].name);
			return -EINVAL;
		}
		gws[k] = cmd->vias[k].v4;
	}
	return 0;
}

/* The IPv6 gateways of an ECMP command: a link-local one names its port. */
static int
cmd_gws6(const struct pg_ctl_view *v, const struct pg_cmd *cmd, struct pg_fib6_gw *gws,
	 char *err, size_t errlen)
{
	unsigned int k;

	for (k = 0; k < cmd->n_via; k++) {
		const int p = port_named(v, cmd->via_port[k], err, errlen);

		if (p == -2)
			return -EINVAL;
		memcpy(gws[k].ip, cmd->vias[k].v6, 16);
		gws[k].port = (int16_t)p;
		gws[k].weight = cmd->weight[k];
	}
	return 0;
}

static int
h_route_add(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	    void *arg)
{
	struct pg_ctl_view *v = arg;
	char e[PG_CONF_ERR_LEN];
	int port, ret;

	if (change_begin(v, cmd, &port, err, errlen) != 0)
		return -EINVAL;
	if (cmd->addr.family == AF_INET6 && cmd->n_via > 1) {
		struct pg_fib6_gw gws[PG_CMD_MAX_VIA];

		if (cmd_gws6(v, cmd, gws, err, errlen) != 0)
			return -EINVAL;
		ret = pg_fib6_route_add_multi(v->fib6, PG_ROUTE_ORIGIN_STATIC, cmd->addr.v6,
					      cmd->prefix_len, gws, cmd->n_via, e);
	} else if (cmd->addr.family == AF_INET6) {
		ret = pg_fib6_route_add_origin(v->fib6, PG_ROUTE_ORIGIN_STATIC, cmd->addr.v6,
					       cmd->prefix_len, cmd->has_via ? cmd->via.v6 : NULL,
					       port, e);
	} else if (cmd->n_via > 1) {
		uint32_t gws[PG_CMD_MAX_VIA];

		if (cmd_gws4(v, cmd, gws, err, errlen) != 0)
			return -EINVAL;
		ret = pg_fib_route_add_multi(v->fib, PG_ROUTE_ORIGIN_STATIC, cmd->addr.v4,
					     cmd->prefix_len, gws, cmd->weight, cmd->n_via, e);
	} else {
		ret = pg_fib_route_add(v->fib, cmd->addr.v4, cmd->prefix_len,
				       cmd->has_via ? cmd->via.v4 : 0, port, e);
	}
	return change_end(v, cmd, ret, e, out, err, errlen, true);
}

static int
h_route_del(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	    void *arg)
{
	struct pg_ctl_view *v = arg;
	char e[PG_CONF_ERR_LEN];
	int port, ret;

	if (change_begin(v, cmd, &port, err, errlen) != 0)
		return -EINVAL;
	if (cmd->addr.family == AF_INET6)
		ret = pg_fib6_route_del_origin(v->fib6, PG_ROUTE_ORIGIN_STATIC, cmd->addr.v6,
					       cmd->prefix_len, e);
	else
		ret = pg_fib_route_del(v->fib, cmd->addr.v4, cmd->prefix_len, e);
	return change_end(v, cmd, ret, e, out, err, errlen, true);
}

/* The command's address as pg_punt_neigh_set() takes it. */
static const void *
cmd_addr(const struct pg_cmd *cmd)
{
	return cmd->addr.family == AF_INET6 ? (const void *)cmd->addr.v6 :
					      (const void *)&cmd->addr.v4;
}

static int
h_neighbor_add(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	       void *arg)
{
	struct pg_ctl_view *v = arg;
	char e[PG_CONF_ERR_LEN];
	int port, ret;

	if (change_begin(v, cmd, &port, err, errlen) != 0)
		return -EINVAL;
	if (cmd->addr.family == AF_INET6)
		ret = pg_fib6_neigh_set(v->fib6, cmd->addr.v6, cmd->mac, port,
					PG_FIB_NEIGH_STATIC, e);
	else
		ret = pg_fib_neigh_set(v->fib, cmd->addr.v4, cmd->mac, port,
				       PG_FIB_NEIGH_STATIC, e);
	if (ret == 0)
		pg_punt_neigh_set(v->punt, v->conf, port, cmd->addr.family, cmd_addr(cmd),
				  cmd->mac);
	return change_end(v, cmd, ret, e, out, err, errlen, false);
}

static int
h_neighbor_del(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	       void *arg)
{
	struct pg_ctl_view *v = arg;
	char e[PG_CONF_ERR_LEN];
	int port, ret;

	if (change_begin(v, cmd, &port, err, errlen) != 0)
		return -EINVAL;
	if (cmd->addr.family == AF_INET6)
		ret = pg_fib6_neigh_del(v->fib6, cmd->addr.v6, port, e);
	else
		ret = pg_fib_neigh_del(v->fib, cmd->addr.v4, e);
	if (ret == 0)
		pg_punt_neigh_del(v->punt, v->conf, port, cmd->addr.family, cmd_addr(cmd));
	return change_end(v, cmd, ret, e, out, err, errlen, false);
}

/* Room for one more element of @p size in *@p arr. */
static int
room_for_one(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, (*cap ? 2 * *cap : 4096) * size);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = *cap ? 2 * *cap : 4096;
	return 0;
}

/* The route values route load holds for its ECMP lines until the bulk
 * change has taken its own references. */
struct held_values {
	uint32_t *v;
	size_t n, cap;
};

static int
held_push(struct held_values *h, uint32_t value)
{
	if (room_for_one((void **)&h->v, &h->cap, h->n, sizeof(*h->v)) != 0)
		return -ENOMEM;
	h->v[h->n++] = value;
	return 0;
}

/* The route value of ECMP line @p rc (several `via`, weights, ports as
 * `route add` takes them), held: *@p value, or an error in @p e. The
 * table's groups keep the buckets of the route it replaces where they can. */
static int
load_group_hold(const struct pg_ctl_view *v, const struct pg_cmd *rc, uint32_t *value,
		char *e, size_t elen)
{
	char te[PG_CONF_ERR_LEN];
	int ret;

	if (rc->addr.family == AF_INET6) {
		struct pg_fib6_gw gws[PG_CMD_MAX_VIA];

		if (cmd_gws6(v, rc, gws, e, elen) != 0)
			return -EINVAL;
		ret = pg_fib6_group_hold(v->fib6, gws, rc->n_via,
					 pg_fib6_route_seed(v->fib6, PG_ROUTE_ORIGIN_STATIC,
							    rc->addr.v6, rc->prefix_len),
					 value, te);
	} else {
		uint32_t gws[PG_CMD_MAX_VIA];

		if (cmd_gws4(v, rc, gws, e, elen) != 0)
			return -EINVAL;
		ret = pg_fib_group_hold(v->fib, gws, rc->weight, rc->n_via,
					pg_fib_route_seed(v->fib, PG_ROUTE_ORIGIN_STATIC,
							  rc->addr.v4, rc->prefix_len),
					value, te);
	}
	if (ret != 0)
		snprintf(e, elen, "%s", te);
	return ret;
}

/*
 * route load FILE: one `route add` argument list per line ("PREFIX via GW
 * [port NAME]", "PREFIX port NAME", or ECMP: "PREFIX via GW [port NAME]
 * [weight N] via GW2 ..."; '#' comments, blank lines), loaded as ONE
 * change per family: every line or none. An ECMP line's group is held
 * while the file is read and given back after the change (the routes hold
 * their own references; after a refusal nothing names it and it goes). A
 * file with both families is checked whole (every line of both) before the
 * IPv4 part goes in; only a full IPv6 table can then refuse the IPv6 part,
 * which the error says. The control thread is busy meanwhile (seconds for a full
 * table); the workers forward on with the old tables until published.
 */
static int
h_route_load(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	     void *arg)
{
	struct pg_ctl_view *v = arg;
	struct pg_fib_route_spec *specs = NULL;
	struct pg_fib6_route_spec *specs6 = NULL;
	size_t cap = 0, n = 0, cap6 = 0, n6 = 0, len = 0;
	char *line = NULL, e[PG_CONF_ERR_LEN];
	struct held_values held = { 0 }, held6 = { 0 };
	unsigned int lineno = 0;
	uint32_t group;
	struct pg_cmd rc;
	size_t i;
	struct stat st;
	double t0 = pg_now_s();
	FILE *f;
	int ret = 0;

	/* A FIFO or device would block the control thread. */
	if (stat(cmd->path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", cmd->path, strerror(errno));
		return -ENOENT;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", cmd->path);
		return -EINVAL;
	}
	f = fopen(cmd->path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", cmd->path, strerror(errno));
		return -errno;
	}
	while (getline(&line, &len, f) >= 0) {
		char req[PG_CMD_MAX_LINE + 16], *p = line, *hash;
		int port;

		lineno++;
		hash = strchr(p, '#');
		if (hash != NULL)
			*hash = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n' || *p == '\r')
			continue;
		/* The same words `route add` takes, checked by the same parser. */
		snprintf(req, sizeof(req), "route add %s", p);
		if (pg_cmd_parse(req, &rc, e, sizeof(e)) != 0 ||
		    change_begin(v, &rc, &port, e, sizeof(e)) != 0) {
			snprintf(err, errlen, "%s line %u: %s", cmd->path, lineno, e);
			ret = -EINVAL;
			break;
		}
		group = 0;
		if (rc.n_via > 1) {
			ret = load_group_hold(v, &rc, &group, e, sizeof(e));
			if (ret != 0) {
				snprintf(err, errlen, "%s line %u: %s", cmd->path, lineno, e);
				ret = -EINVAL;    /* not "out of memory" below */
				break;
			}
			ret = held_push(rc.addr.family == AF_INET6 ? &held6 : &held, group);
			if (ret != 0) {
				if (rc.addr.family == AF_INET6)
					pg_fib6_group_release(v->fib6, group);
				else
					pg_fib_group_release(v->fib, group);
				break;
			}
		}
		if (rc.addr.family == AF_INET6) {
			struct pg_fib6_route_spec *s6;

			if (room_for_one((void **)&specs6, &cap6, n6, sizeof(*specs6)) != 0) {
				ret = -ENOMEM;
				break;
			}
			s6 = &specs6[n6++];
			memset(s6, 0, sizeof(*s6));
			memcpy(s6->prefix, rc.addr.v6, 16);
			s6->len = rc.prefix_len;
			s6->has_gw = rc.has_via;
			memcpy(s6->gw, rc.via.v6, 16);
			s6->port = (int16_t)port;
			s6->group = group;
			s6->line = lineno;
			ret = pg_fib6_route_check(v->fib6, s6, e);
			if (ret != 0) {
				snprintf(err, errlen, "%s %s", cmd->path, e);
				break;
			}
			continue;
		}
		if (room_for_one((void **)&specs, &cap, n, sizeof(*specs)) != 0) {
			ret = -ENOMEM;
			break;
		}
		specs[n].prefix = rc.addr.v4;
		specs[n].len = rc.prefix_len;
		specs[n].gw = rc.has_via ? rc.via.v4 : 0;
		specs[n].group = group;
		specs[n].port = (int16_t)port;
		specs[n].line = lineno;
		n++;
	}
	free(line);
	fclose(f);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", cmd->path);
	if (ret == 0 && n > 0) {
		ret = pg_fib_route_add_bulk(v->fib, PG_ROUTE_ORIGIN_STATIC, specs, (uint32_t)n, e);
		if (ret != 0)
			snprintf(err, errlen, "%s %s", cmd->path, e);
	}
	if (ret == 0 && n6 > 0) {
		ret = pg_fib6_route_add_bulk(v->fib6, PG_ROUTE_ORIGIN_STATIC, specs6,
					     (uint32_t)n6, e);
		if (ret != 0)
			snprintf(err, errlen, "%s %s%s", cmd->path, e,
				 n > 0 ? " (the file's IPv4 routes are in)" : "");
	}
	for (i = 0; i < held.n; i++)
		pg_fib_group_release(v->fib, held.v[i]);
	for (i = 0; i < held6.n; i++)
		pg_fib6_group_release(v->fib6, held6.v[i]);
	free(held.v);
	free(held6.v);
	free(specs);
	free(specs6);
	if (ret != 0)
		return ret;
	pg_json_string(out, "file", cmd->path);
	pg_json_uint(out, "loaded", n + n6);
	pg_json_uint(out, "routes", v->fib->n_routes);
	if (v->fib6 != NULL)
		pg_json_uint(out, "routes6", v->fib6->n_routes);
	pg_json_uint(out, "ms", (uint64_t)((pg_now_s() - t0) * 1000));
	return 0;
}

/* acl reload FILE: every list of the file's acl: key is built before any
 * is swapped in; an error leaves the running lists as they are. */
static int
h_acl_reload(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	     void *arg)
{
	struct pg_ctl_view *v = arg;
	char e[PG_CONF_ERR_LEN];
	struct stat st;
	int ret;

	if (stat(cmd->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", cmd->path);
		return -EINVAL;
	}
	ret = pg_acl_reload(v->acl, cmd->path, e);
	if (ret != 0)
		return table_err(ret, e, err, errlen);
	pg_json_string(out, "file", cmd->path);
	return 0;
}

void
pg_ctl_handlers_init(struct pg_cmd_handlers *h, struct pg_ctl_view *view)
{
	memset(h, 0, sizeof(*h));
	h->fn[PG_CMD_STATS] = h_stats;
	h->fn[PG_CMD_PORTS] = h_ports;
	h->fn[PG_CMD_ROUTE_LIST] = h_route_list;
	h->fn[PG_CMD_NEIGHBOR_LIST] = h_neighbor_list;
	h->fn[PG_CMD_CONFIG_CHECK] = h_config_check;
	h->fn[PG_CMD_VERSION] = h_version;
	h->fn[PG_CMD_ROUTE_ADD] = h_route_add;
	h->fn[PG_CMD_ROUTE_DEL] = h_route_del;
	h->fn[PG_CMD_ROUTE_LOAD] = h_route_load;
	h->fn[PG_CMD_NEIGHBOR_ADD] = h_neighbor_add;
	h->fn[PG_CMD_NEIGHBOR_DEL] = h_neighbor_del;
	if (view->acl != NULL)
		h->fn[PG_CMD_ACL_RELOAD] = h_acl_reload;
	h->arg = view;
}
