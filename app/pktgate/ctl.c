/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_version.h>

#include "check.h"
#include "ctl.h"
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

/*
 * One page of the installed routes. The table's metadata (routes[],
 * ctl_nh[]) is changed only by the control thread, which is also the
 * thread running this: no pg_fib_lock() needed (that is for telemetry).
 */
static int
h_route_list(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
	     void *arg)
{
	const struct pg_ctl_view *v = arg;
	const struct pg_fib *fib = v->fib;
	uint64_t i;

	(void)err;
	(void)errlen;
	page_header(out, fib->n_routes, cmd->offset);
	pg_json_array_open(out, "routes");
	for (i = cmd->offset; i < fib->n_routes && i < (uint64_t)cmd->offset + PAGE_SIZE_ENTRIES;
	     i++) {
		const struct pg_fib_route *r = &fib->routes[i];
		const struct pg_nexthop *nh = &fib->ctl_nh[r->nh];
		char pfx[24], ip[20], via[20];

		snprintf(pfx, sizeof(pfx), "%s/%u", pg_conf_ip4_str(r->prefix, ip, sizeof(ip)),
			 r->len);
		/* The gateway: the next hop's address, or a configured gateway
		 * that is not a neighbor yet. */
		if (nh->type == PG_NH_FORWARD)
			pg_conf_ip4_str(fib->nh_ip[r->nh], via, sizeof(via));
		else if (r->gw != 0)
			pg_conf_ip4_str(r->gw, via, sizeof(via));
		else
			snprintf(via, sizeof(via), "-");
		pg_json_object_open(out, NULL);
		pg_json_string(out, "prefix", pfx);
		pg_json_string(out, "via", via);
		pg_json_string(out, "port", nh->type == PG_NH_NO_ROUTE ? "-" :
				v->ports->port[nh->port].name);
		pg_json_string(out, "type", nh_type_name(nh->type));
		pg_json_string(out, "origin", pg_fib_origin_name((enum pg_route_origin)r->origin));
		pg_json_object_close(out);
	}
	pg_json_array_close(out);
	return 0;
}

/* Neighbors: the next hops marked as a neighbor entry (MAC known),
 * configured ("static") or learned by ARP. */
static int
h_neighbor_list(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen,
		void *arg)
{
	const struct pg_ctl_view *v = arg;
	const struct pg_fib *fib = v->fib;
	uint32_t i, seen = 0, shown = 0;

	(void)err;
	(void)errlen;
	page_header(out, fib->n_neighbors, cmd->offset);
	pg_json_array_open(out, "neighbors");
	for (i = 0; i < fib->n_nh && shown < PAGE_SIZE_ENTRIES; i++) {
		const struct pg_nexthop *nh = &fib->ctl_nh[i];
		char ip[20], mac[20];

		if (!fib->nh_neigh[i] || seen++ < cmd->offset)
			continue;
		pg_json_object_open(out, NULL);
		pg_json_string(out, "ip", pg_conf_ip4_str(fib->nh_ip[i], ip, sizeof(ip)));
		pg_json_string(out, "mac", pg_conf_mac_str(nh->l2, mac, sizeof(mac)));
		pg_json_string(out, "port", v->ports->port[nh->port].name);
		pg_json_string(out, "state", fib->nh_neigh[i] == PG_FIB_NEIGH_DYNAMIC ?
				"learned" : "static");
		pg_json_object_close(out);
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
	h->arg = view;
}
