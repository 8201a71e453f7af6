/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "pg_telemetry.h"
#include "tel_private.h"

/* Entries per page of /pktgate/routes and /pktgate/neighbors: strings of up
 * to ~60 bytes each stay well under the 16 KiB reply limit of 22.11. */
#define PAGE_SIZE_ENTRIES 128

/*
 * The control thread withdraws the view (and frees what it points to) while
 * the telemetry thread may be answering: a mutex between these two
 * non-data-path threads keeps them apart. Workers never take it.
 */
static pthread_mutex_t view_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pg_telemetry_view view;
static int view_valid;

/* ICMP error counters under "icmp_<name>": the drop reason frag_needed
 * and the ICMP counter frag_needed are different things. */
static void
icmp_fields(const uint64_t icmp[PG_ICMP_MAX], const struct pg_fields *f)
{
	char name[48];
	unsigned int i;

	for (i = 0; i < PG_ICMP_MAX; i++) {
		snprintf(name, sizeof(name), "icmp_%s", pg_icmp_names[i]);
		f->u64(f->ctx, name, pg_stats_read(&icmp[i]));
	}
}

void
pg_telemetry_totals_fields(const struct pg_stats_total *t, const struct pg_ports *ports,
			   const struct pg_fields *f)
{
	f->u64(f->ctx, "rx", t->rx);
	f->u64(f->ctx, "tx", t->tx);
	f->u64(f->ctx, "forwarded", t->forwarded);
	f->u64(f->ctx, "local", t->local);
	f->u64(f->ctx, "ip_options", t->ip_options);
	f->u64(f->ctx, "ctl_tx", t->ctl_tx);
	f->u64(f->ctx, "consumed", t->consumed);
	f->u64(f->ctx, "drops", t->drops);
	/* Leak watch: flat under steady traffic, back to its idle value after. */
	f->u64(f->ctx, "mbufs_in_use", pg_ports_mbufs_in_use(ports));
	icmp_fields(t->icmp, f);
}

static void
tel_str(void *ctx, const char *key, const char *val)
{
	rte_tel_data_add_dict_string(ctx, key, val);
}

static void
tel_u64(void *ctx, const char *key, uint64_t val)
{
	tel_dict_u64(ctx, key, val);
}

static void
tel_i64(void *ctx, const char *key, int64_t val)
{
	rte_tel_data_add_dict_int(ctx, key, (int)val);
}

static int
cmd_stats(const char *cmd __rte_unused, const char *params __rte_unused,
	  struct rte_tel_data *d)
{
	const struct pg_fields f = { tel_str, tel_u64, tel_i64, d };
	struct pg_stats_total t;
	unsigned int r;

	pg_workers_sum(view.workers, &t);
	rte_tel_data_start_dict(d);
	pg_telemetry_totals_fields(&t, view.ports, &f);
	for (r = 0; r < PG_DROP_MAX; r++)
		tel_dict_u64(d, pg_drop_names[r], t.drop[r]);
	return 0;
}

static int
one_lcore(unsigned int lcore, struct rte_tel_data *d)
{
	const struct pg_fields f = { tel_str, tel_u64, tel_i64, d };
	unsigned int w, r;

	for (w = 0; w < view.workers->n; w++) {
		const struct pg_worker *wk = view.workers->w[w];
		const struct pg_lcore_stats *s = &wk->stats;
		uint64_t polls, busy;

		if (wk->lcore_id != lcore)
			continue;
		polls = pg_stats_read(&s->polls);
		busy = pg_stats_read(&s->busy_polls);
		rte_tel_data_start_dict(d);
		tel_dict_u64(d, "lcore", lcore);
		rte_tel_data_add_dict_string(d, "role", pg_worker_role_name(wk->role));
		tel_dict_u64(d, "rx", pg_stats_read(&s->rx));
		tel_dict_u64(d, "tx", pg_stats_read(&s->tx));
		tel_dict_u64(d, "forwarded", pg_stats_read(&s->forwarded));
		tel_dict_u64(d, "local", pg_stats_read(&s->local));
		tel_dict_u64(d, "consumed", pg_stats_read(&s->consumed));
		tel_dict_u64(d, "polls", polls);
		tel_dict_u64(d, "busy_polls", busy);
		tel_dict_u64(d, "busy_pct", (uint64_t)pg_stats_busy_pct(s));
		/* Raw loop time, so that a reader can take a busy ratio over any
		 * interval (busy_pct is since start); seconds = tsc / tsc_hz. */
		tel_dict_u64(d, "busy_tsc", pg_stats_read(&s->busy_tsc));
		tel_dict_u64(d, "total_tsc", pg_stats_read(&s->total_tsc));
		for (r = 0; r < PG_DROP_MAX; r++)
			tel_dict_u64(d, pg_drop_names[r], pg_stats_read(&s->drop[r]));
		icmp_fields(s->icmp, &f);
		return 0;
	}
	if (lcore == view.main_lcore) {
		rte_tel_data_start_dict(d);
		tel_dict_u64(d, "lcore", lcore);
		rte_tel_data_add_dict_string(d, "role", "control");
		return 0;
	}
	return -EINVAL;
}

enum { LC_LCORE, LC_ROLE, LC_RX, LC_TX, LC_FWD, LC_DROPS, LC_BUSY };
static const struct pg_tel_col lcore_cols[] = {
	[LC_LCORE] = { "lcore", PG_TEL_COL_U64 },
	[LC_ROLE] = { "role", PG_TEL_COL_STR },
	[LC_RX] = { "rx", PG_TEL_COL_U64 },
	[LC_TX] = { "tx", PG_TEL_COL_U64 },
	[LC_FWD] = { "forwarded", PG_TEL_COL_U64 },
	[LC_DROPS] = { "drops", PG_TEL_COL_U64 },
	[LC_BUSY] = { "busy_pct", PG_TEL_COL_U64 },
};

/* No param: one column per field, one row per lcore (the control lcore
 * first). With an lcore id: that lcore's counters, drops by reason. */
static int
cmd_lcores(const char *cmd __rte_unused, const char *params,
	   struct rte_tel_data *d)
{
	struct pg_tel_table t;
	unsigned int w, r;

	if (params != NULL && *params != '\0') {
		unsigned int id;

		if (pg_tel_lcore_param(params, &id) != 0)
			return -EINVAL;
		return one_lcore(id, d);
	}
	PG_TEL_TABLE_INIT(&t, lcore_cols);
	rte_tel_data_start_dict(d);
	pg_tel_table_u64(&t, LC_LCORE, view.main_lcore);
	pg_tel_table_str(&t, LC_ROLE, "control");
	for (r = LC_RX; r <= LC_BUSY; r++)      /* the control lcore counts nothing */
		pg_tel_table_u64(&t, r, 0);
	for (w = 0; w < view.workers->n; w++) {
		const struct pg_worker *wk = view.workers->w[w];
		const struct pg_lcore_stats *s = &wk->stats;
		uint64_t sum = 0;

		for (r = 0; r < PG_DROP_MAX; r++)
			sum += pg_stats_read(&s->drop[r]);
		pg_tel_table_u64(&t, LC_LCORE, wk->lcore_id);
		pg_tel_table_str(&t, LC_ROLE, pg_worker_role_name(wk->role));
		pg_tel_table_u64(&t, LC_RX, pg_stats_read(&s->rx));
		pg_tel_table_u64(&t, LC_TX, pg_stats_read(&s->tx));
		pg_tel_table_u64(&t, LC_FWD, pg_stats_read(&s->forwarded));
		pg_tel_table_u64(&t, LC_DROPS, sum);
		pg_tel_table_u64(&t, LC_BUSY, (uint64_t)pg_stats_busy_pct(s));
	}
	pg_tel_table_put(&t, d);
	return 0;
}

static int
find_port(const char *params)
{
	unsigned int i;
	char *end;
	unsigned long idx;

	for (i = 0; i < view.ports->n_ports; i++)
		if (strcmp(view.ports->port[i].name, params) == 0)
			return (int)i;
	errno = 0;
	idx = strtoul(params, &end, 10);
	if (*end == '\0' && end != params && errno == 0 && idx < view.ports->n_ports)
		return (int)idx;
	return -1;
}

static void
port_addr(const struct pg_port *p, char *buf, size_t len)
{
	char ip[20];

	snprintf(buf, len, "%s/%u", pg_conf_ip4_str(p->ip4, ip, sizeof(ip)), p->ip4_len);
}

void
pg_telemetry_port_fields(const struct pg_ports *ports, unsigned int i,
			 const struct pg_stats_total *t, const struct pg_fields *f)
{
	const struct pg_port *p = &ports->port[i];
	char mac[RTE_ETHER_ADDR_FMT_SIZE], addr[32];
	struct rte_eth_stats es;

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	port_addr(p, addr, sizeof(addr));
	f->str(f->ctx, "name", p->name);
	f->str(f->ctx, "device", p->device);
	f->u64(f->ctx, "port_id", p->port_id);
	f->str(f->ctx, "mac", mac);
	if (view.fib6 != NULL && view.fib6->port[i].enabled) {
		char a[PG_CONF_IP6_STRLEN + 4];

		pg_conf_ip6_str(view.fib6->port[i].global, a, sizeof(a));
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%u",
			 view.conf->ports[i].ip6_len);
		f->str(f->ctx, "ipv6", a);
		f->str(f->ctx, "ipv6_link_local",
		       pg_conf_ip6_str(view.fib6->port[i].ll, a, sizeof(a)));
	}
	f->str(f->ctx, "ipv4", addr);
	f->u64(f->ctx, "rx_queues", p->n_rxq);
	f->u64(f->ctx, "tx_queues", p->n_txq);
	f->u64(f->ctx, "rx_desc", p->rx_desc);
	f->u64(f->ctx, "tx_desc", p->tx_desc);
	f->i64(f->ctx, "socket", p->socket);
	f->u64(f->ctx, "rx", t->port[i].rx);
	f->u64(f->ctx, "tx", t->port[i].tx);
	f->u64(f->ctx, "rx_drops", t->port[i].rx_drops);
	f->u64(f->ctx, "tx_drops", t->port[i].tx_drops);
	/* The device's own view: misses happen before we ever see a packet. */
	if (rte_eth_stats_get(p->port_id, &es) == 0) {
		f->u64(f->ctx, "hw_ipackets", es.ipackets);
		f->u64(f->ctx, "hw_opackets", es.opackets);
		f->u64(f->ctx, "hw_imissed", es.imissed);
		f->u64(f->ctx, "hw_ierrors", es.ierrors);
		f->u64(f->ctx, "hw_oerrors", es.oerrors);
		f->u64(f->ctx, "hw_rx_nombuf", es.rx_nombuf);
	}
}

static int
one_port(unsigned int i, const struct pg_stats_total *t, struct rte_tel_data *d)
{
	const struct pg_fields f = { tel_str, tel_u64, tel_i64, d };

	rte_tel_data_start_dict(d);
	pg_telemetry_port_fields(view.ports, i, t, &f);
	return 0;
}

enum { PT_NAME, PT_DEV, PT_MAC, PT_IP4, PT_RXQ, PT_TXQ, PT_RX, PT_TX, PT_RXD, PT_TXD };
static const struct pg_tel_col port_cols[] = {
	[PT_NAME] = { "name", PG_TEL_COL_STR },
	[PT_DEV] = { "device", PG_TEL_COL_STR },
	[PT_MAC] = { "mac", PG_TEL_COL_STR },
	[PT_IP4] = { "ipv4", PG_TEL_COL_STR },
	[PT_RXQ] = { "rx_queues", PG_TEL_COL_U64 },
	[PT_TXQ] = { "tx_queues", PG_TEL_COL_U64 },
	[PT_RX] = { "rx", PG_TEL_COL_U64 },
	[PT_TX] = { "tx", PG_TEL_COL_U64 },
	[PT_RXD] = { "rx_drops", PG_TEL_COL_U64 },
	[PT_TXD] = { "tx_drops", PG_TEL_COL_U64 },
};

/* No param: one column per field, one row per port. With a port name or
 * index: that port in detail. */
static int
cmd_ports(const char *cmd __rte_unused, const char *params,
	  struct rte_tel_data *d)
{
	struct pg_tel_table tab;
	struct pg_stats_total t;
	unsigned int i;

	pg_workers_sum(view.workers, &t);
	if (params != NULL && *params != '\0') {
		int idx = find_port(params);

		return idx < 0 ? -EINVAL : one_port((unsigned int)idx, &t, d);
	}
	PG_TEL_TABLE_INIT(&tab, port_cols);
	rte_tel_data_start_dict(d);
	for (i = 0; i < view.ports->n_ports; i++) {
		const struct pg_port *p = &view.ports->port[i];
		char m[RTE_ETHER_ADDR_FMT_SIZE], a[32];

		rte_ether_format_addr(m, sizeof(m), &p->mac);
		port_addr(p, a, sizeof(a));
		pg_tel_table_str(&tab, PT_NAME, p->name);
		pg_tel_table_str(&tab, PT_DEV, p->device);
		pg_tel_table_str(&tab, PT_MAC, m);
		pg_tel_table_str(&tab, PT_IP4, a);
		pg_tel_table_u64(&tab, PT_RXQ, p->n_rxq);
		pg_tel_table_u64(&tab, PT_TXQ, p->n_txq);
		pg_tel_table_u64(&tab, PT_RX, t.port[i].rx);
		pg_tel_table_u64(&tab, PT_TX, t.port[i].tx);
		pg_tel_table_u64(&tab, PT_RXD, t.port[i].rx_drops);
		pg_tel_table_u64(&tab, PT_TXD, t.port[i].tx_drops);
	}
	pg_tel_table_put(&tab, d);
	return 0;
}

static int
page_offset(const char *params, unsigned long *offset)
{
	char *end;

	*offset = 0;
	if (params == NULL || *params == '\0')
		return 0;
	errno = 0;
	*offset = strtoul(params, &end, 10);
	return *end == '\0' && end != params && errno == 0 && params[0] != '-' ? 0 : -EINVAL;
}

/* A next hop as text; @p gw is its address as text (FORWARD only). */
static const char *
nh_text(const struct pg_nexthop *h, const char *gw, char *buf, size_t len)
{
	const char *port = view.ports->port[h->port].name;

	switch (h->type) {
	case PG_NH_LOCAL:
		snprintf(buf, len, "local %s", port);
		break;
	case PG_NH_UNRESOLVED:
		snprintf(buf, len, "port %s unresolved", port);
		break;
	case PG_NH_NO_ROUTE:
		snprintf(buf, len, "unreachable");
		break;
	default:
		snprintf(buf, len, "via %s port %s", gw, port);
	}
	return buf;
}

/* Count, and with an offset param a page of routes as text. */
static int
cmd_routes(const char *cmd __rte_unused, const char *params,
	   struct rte_tel_data *d)
{
	struct rte_tel_data *list;
	unsigned long off, i;

	if (page_offset(params, &off) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pg_fib_lock(view.fib);
	tel_dict_u64(d, "count", view.fib->n_routes);
	tel_dict_u64(d, "offset", off);
	tel_dict_u64(d, "page_size", PAGE_SIZE_ENTRIES);
	list = pg_tel_str_array();
	for (i = off; list != NULL && i < view.fib->n_routes &&
	     i < off + PAGE_SIZE_ENTRIES; i++) {
		const struct pg_fib_route *r = &view.fib->routes[i];
		char line[RTE_TEL_MAX_STRING_LEN], pfx[20], nh[80], gw[20];
		const char *gw_note = "";

		if (pg_fib_is_group(view.fib, r->nh)) {
			/* Members and their counters: /pktgate/nhgroups. */
			snprintf(line, sizeof(line), "%s/%u ecmp group %u %s",
				 pg_conf_ip4_str(r->prefix, pfx, sizeof(pfx)), r->len,
				 pg_nexthop_group(&view.fib->ctl_nh[r->nh]),
				 pg_fib_origin_name((enum pg_route_origin)r->origin));
			rte_tel_data_add_array_string(list, line);
			continue;
		}

		/* A gateway that is not a neighbor yet: say which. */
		if (r->gw != 0 && view.fib->ctl_nh[r->nh].type == PG_NH_UNRESOLVED)
			gw_note = " (gateway unresolved)";
		pg_conf_ip4_str(view.fib->nh_ip[r->nh], gw, sizeof(gw));
		snprintf(line, sizeof(line), "%s/%u %s %s%s",
			 pg_conf_ip4_str(r->prefix, pfx, sizeof(pfx)), r->len,
			 nh_text(&view.fib->ctl_nh[r->nh], gw, nh, sizeof(nh)),
			 pg_fib_origin_name((enum pg_route_origin)r->origin), gw_note);
		rte_tel_data_add_array_string(list, line);
	}
	pg_fib_unlock(view.fib);
	pg_tel_put_column(d, "routes", list);
	return 0;
}

/* ECMP next-hop groups (nhgroups.c). */
static int
cmd_nhgroups(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return pg_tel_nhgroups(view.fib, view.ports, params, d);
}

static int
cmd_nhgroups6(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return pg_tel_nhgroups6(view.fib6, view.ports, params, d);
}

/* A resolver's counters; @p requests names what it sends. */
static void
put_neigh_counters(struct rte_tel_data *d, const struct pg_neigh_counters *c,
		   unsigned int incomplete, const char *requests)
{
	tel_dict_u64(d, "incomplete", incomplete);
	tel_dict_u64(d, requests, c->requests);
	tel_dict_u64(d, "learned", c->learned);
	tel_dict_u64(d, "expired", c->expired);
	tel_dict_u64(d, "failed", c->failed);
}

/* /pktgate/neighbors and /pktgate/neighbors6: one row per neighbor. */
enum { NB_IP, NB_MAC, NB_PORT, NB_STATE };
static const struct pg_tel_col neigh_cols[] = {
	[NB_IP] = { "ip", PG_TEL_COL_STR },
	[NB_MAC] = { "mac", PG_TEL_COL_STR },
	[NB_PORT] = { "port", PG_TEL_COL_STR },
	[NB_STATE] = { "state", PG_TEL_COL_STR },
};

/* One neighbor's row; @p ip as text. */
static void
neigh_row(struct pg_tel_table *t, const char *ip, const struct pg_nexthop *h, uint8_t kind)
{
	char m[20];

	pg_tel_table_str(t, NB_IP, ip);
	pg_tel_table_str(t, NB_MAC, pg_conf_mac_str(h->l2, m, sizeof(m)));
	pg_tel_table_str(t, NB_PORT, view.ports->port[h->port].name);
	pg_tel_table_str(t, NB_STATE, kind == PG_FIB_NEIGH_DYNAMIC ? "learned" : "static");
}

static int
cmd_neighbors(const char *cmd __rte_unused, const char *params,
	      struct rte_tel_data *d)
{
	const struct pg_fib *fib = view.fib;
	struct pg_tel_table t;
	unsigned long off, i, k = 0;

	if (page_offset(params, &off) != 0)
		return -EINVAL;
	PG_TEL_TABLE_INIT(&t, neigh_cols);
	rte_tel_data_start_dict(d);
	if (view.neigh != NULL) {
		struct pg_neigh_counters c;
		unsigned int incomplete;

		/* Before the table lock: the resolver takes its own lock first. */
		pg_neigh_counters(view.neigh, &c, &incomplete);
		put_neigh_counters(d, &c, incomplete, "arp_requests");
	}
	pg_fib_lock(fib);
	tel_dict_u64(d, "count", fib->n_neighbors);
	tel_dict_u64(d, "offset", off);
	for (i = 0; i < fib->n_nh && k < off + PAGE_SIZE_ENTRIES; i++) {
		char a[20];

		if (!fib->nh_neigh[i] || k++ < off)
			continue;
		neigh_row(&t, pg_conf_ip4_str(fib->nh_ip[i], a, sizeof(a)), &fib->ctl_nh[i],
			  fib->nh_neigh[i]);
	}
	pg_fib_unlock(fib);
	pg_tel_table_put(&t, d);
	return 0;
}

/* The IPv6 table like /pktgate/routes; count 0 when IPv6 is off. */
static int
cmd_routes6(const char *cmd __rte_unused, const char *params,
	    struct rte_tel_data *d)
{
	const struct pg_fib6 *f6 = view.fib6;
	struct rte_tel_data *list;
	unsigned long off, i;
	uint32_t n;

	if (page_offset(params, &off) != 0)
		return -EINVAL;
	list = pg_tel_str_array();
	rte_tel_data_start_dict(d);
	if (f6 != NULL)
		pg_fib6_lock(f6);
	n = f6 != NULL ? f6->n_routes : 0;
	tel_dict_u64(d, "count", n);
	tel_dict_u64(d, "offset", off);
	tel_dict_u64(d, "page_size", PAGE_SIZE_ENTRIES);
	for (i = off; list != NULL && i < n && i < off + PAGE_SIZE_ENTRIES; i++) {
		const struct pg_fib6_route *r = &f6->routes[i];
		const struct pg_nexthop *h = &f6->ctl_nh[r->nh];
		char line[RTE_TEL_MAX_STRING_LEN], pfx[PG_CONF_IP6_STRLEN];
		char gw[PG_CONF_IP6_STRLEN], nh[96];
		static const uint8_t zero[16];
		const char *gw_note = "";

		if (h->type == PG_NH_GROUP) {
			/* Members and their counters: /pktgate/nhgroups6. */
			snprintf(line, sizeof(line), "%s/%u ecmp group %u %s",
				 pg_conf_ip6_str(r->prefix, pfx, sizeof(pfx)), r->len,
				 pg_nexthop_group(h),
				 pg_fib_origin_name((enum pg_route_origin)r->origin));
			rte_tel_data_add_array_string(list, line);
			continue;
		}
		if (memcmp(r->gw, zero, 16) != 0 && h->type == PG_NH_UNRESOLVED)
			gw_note = " (gateway unresolved)";
		pg_conf_ip6_str(f6->nh_ip[r->nh], gw, sizeof(gw));
		snprintf(line, sizeof(line), "%s/%u %s %s%s",
			 pg_conf_ip6_str(r->prefix, pfx, sizeof(pfx)), r->len,
			 nh_text(h, gw, nh, sizeof(nh)),
			 pg_fib_origin_name((enum pg_route_origin)r->origin), gw_note);
		rte_tel_data_add_array_string(list, line);
	}
	if (f6 != NULL)
		pg_fib6_unlock(f6);
	pg_tel_put_column(d, "routes", list);
	return 0;
}

/* IPv6 neighbors (link-local ones included) like /pktgate/neighbors. */
static int
cmd_neighbors6(const char *cmd __rte_unused, const char *params,
	       struct rte_tel_data *d)
{
	const struct pg_fib6 *f6 = view.fib6;
	struct pg_tel_table t;
	unsigned long off, i, k = 0;

	if (page_offset(params, &off) != 0)
		return -EINVAL;
	PG_TEL_TABLE_INIT(&t, neigh_cols);
	rte_tel_data_start_dict(d);
	if (view.neigh6 != NULL) {
		struct pg_neigh_counters c;
		unsigned int incomplete;

		/* Before the table lock: the resolver takes its own lock first. */
		pg_neigh6_counters(view.neigh6, &c, &incomplete);
		put_neigh_counters(d, &c, incomplete, "nd_solicits");
	}
	if (f6 != NULL)
		pg_fib6_lock(f6);
	tel_dict_u64(d, "count", f6 != NULL ? f6->n_neighbors : 0);
	tel_dict_u64(d, "offset", off);
	for (i = 0; f6 != NULL && i < f6->n_nh && k < off + PAGE_SIZE_ENTRIES; i++) {
		char a[PG_CONF_IP6_STRLEN];

		if (!f6->nh_neigh[i] || k++ < off)
			continue;
		neigh_row(&t, pg_conf_ip6_str(f6->nh_ip[i], a, sizeof(a)), &f6->ctl_nh[i],
			  f6->nh_neigh[i]);
	}
	if (f6 != NULL)
		pg_fib6_unlock(f6);
	pg_tel_table_put(&t, d);
	return 0;
}

static const char *
mode_name(void)
{
	return view.workers->mode == PG_MODE_PIPELINE ? "pipeline" : "rtc";
}

enum { RG_NAME, RG_PROD, RG_CONS, RG_SIZE, RG_ENQ, RG_DEQ, RG_FULL, RG_COUNT, RG_PEAK };
static const struct pg_tel_col ring_cols[] = {
	[RG_NAME] = { "name", PG_TEL_COL_STR },
	[RG_PROD] = { "producer_lcore", PG_TEL_COL_U64 },
	[RG_CONS] = { "consumer_lcore", PG_TEL_COL_U64 },
	[RG_SIZE] = { "size", PG_TEL_COL_U64 },
	[RG_ENQ] = { "enqueued", PG_TEL_COL_U64 },
	[RG_DEQ] = { "dequeued", PG_TEL_COL_U64 },
	[RG_FULL] = { "dropped_full", PG_TEL_COL_U64 },
	[RG_COUNT] = { "count", PG_TEL_COL_U64 },
	[RG_PEAK] = { "peak", PG_TEL_COL_U64 },
};

/* One row per ring: who feeds it, who drains it, how full it got. */
static int
cmd_rings(const char *cmd __rte_unused, const char *params __rte_unused,
	  struct rte_tel_data *d)
{
	const struct pg_workers *ws = view.workers;
	struct pg_tel_table t;
	unsigned int i;

	PG_TEL_TABLE_INIT(&t, ring_cols);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "mode", mode_name());
	tel_dict_u64(d, "n_rings", ws->n_links);
	for (i = 0; i < ws->n_links && i < RTE_TEL_MAX_ARRAY_ENTRIES; i++) {
		const struct pg_ring_link *l = &ws->links[i];

		pg_tel_table_str(&t, RG_NAME, l->name);
		pg_tel_table_u64(&t, RG_PROD, l->producer_lcore);
		pg_tel_table_u64(&t, RG_CONS, l->consumer_lcore);
		pg_tel_table_u64(&t, RG_SIZE, l->size);
		pg_tel_table_u64(&t, RG_ENQ, pg_stats_read(&l->prod.enqueued));
		pg_tel_table_u64(&t, RG_DEQ, pg_stats_read(&l->cons.dequeued));
		pg_tel_table_u64(&t, RG_FULL, pg_stats_read(&l->prod.dropped_full));
		pg_tel_table_u64(&t, RG_COUNT, rte_ring_count(l->ring));
		pg_tel_table_u64(&t, RG_PEAK, pg_stats_read(&l->prod.peak));
	}
	pg_tel_table_put(&t, d);
	return 0;
}

/* /pktgate/acl: the rules' columns, then the lists'. */
enum {
	AC_PORT, AC_DIR, AC_RULE, AC_TEXT, AC_ACTION, AC_HITS,
	AC_LPORT, AC_LDIR, AC_LDEF, AC_LDHITS, AC_LRULES
};
static const struct pg_tel_col acl_cols[] = {
	[AC_PORT] = { "port", PG_TEL_COL_STR },
	[AC_DIR] = { "direction", PG_TEL_COL_STR },
	[AC_RULE] = { "rule", PG_TEL_COL_U64 },
	[AC_TEXT] = { "text", PG_TEL_COL_STR },
	[AC_ACTION] = { "action", PG_TEL_COL_STR },
	[AC_HITS] = { "hits", PG_TEL_COL_U64 },
	[AC_LPORT] = { "list_port", PG_TEL_COL_STR },
	[AC_LDIR] = { "list_direction", PG_TEL_COL_STR },
	[AC_LDEF] = { "list_default", PG_TEL_COL_STR },
	[AC_LDHITS] = { "list_default_hits", PG_TEL_COL_U64 },
	[AC_LRULES] = { "list_rules", PG_TEL_COL_U64 },
};

/*
 * Firewall: one row per rule (a page of PAGE_SIZE_ENTRIES from the offset
 * param, over all lists in order), and one row per list with its default
 * action's hits. Hits are summed over lcores; they restart at a reload.
 */
static int
cmd_acl(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct pg_acl *acl;
	struct pg_tel_table t;
	unsigned long off, row = 0;
	unsigned int i, k, n;

	if (page_offset(params, &off) != 0)
		return -EINVAL;
	PG_TEL_TABLE_INIT(&t, acl_cols);
	rte_tel_data_start_dict(d);
	if (view.acl != NULL)
		pg_acl_lock(view.acl);
	acl = view.acl != NULL ? pg_acl_current(view.acl) : NULL;
	n = pg_acl_n_lists(acl);
	rte_tel_data_add_dict_string(d, "classify", pg_acl_alg_name());
	tel_dict_u64(d, "n_lists", n);
	tel_dict_u64(d, "offset", off);
	tel_dict_u64(d, "page_size", PAGE_SIZE_ENTRIES);
	for (i = 0; i < n; i++) {
		struct pg_acl_list_info li;
		const char *pname, *dname;

		pg_acl_list_info(acl, i, &li);
		pname = view.ports->port[li.port].name;
		dname = li.dir == PG_ACL_IN ? "in" : "out";
		pg_tel_table_str(&t, AC_LPORT, pname);
		pg_tel_table_str(&t, AC_LDIR, dname);
		pg_tel_table_str(&t, AC_LDEF, pg_conf_acl_action_name((enum pg_acl_action)li.def));
		pg_tel_table_u64(&t, AC_LDHITS, pg_acl_hits(acl, i, li.n_rules));
		pg_tel_table_u64(&t, AC_LRULES, li.n_rules);
		for (k = 0; k < li.n_rules; k++, row++) {
			if (row < off || row >= off + PAGE_SIZE_ENTRIES)
				continue;
			pg_tel_table_str(&t, AC_PORT, pname);
			pg_tel_table_str(&t, AC_DIR, dname);
			pg_tel_table_u64(&t, AC_RULE, k);
			pg_tel_table_str(&t, AC_TEXT, pg_acl_rule_text(acl, i, k));
			pg_tel_table_str(&t, AC_ACTION,
					 pg_conf_acl_action_name(pg_acl_rule_action(acl, i, k)));
			pg_tel_table_u64(&t, AC_HITS, pg_acl_hits(acl, i, k));
		}
	}
	if (view.acl != NULL)
		pg_acl_unlock(view.acl);
	tel_dict_u64(d, "n_rules", row);
	pg_tel_table_put(&t, d);
	return 0;
}

/* What a monitoring tool needs to interpret the rest: versions, layout, the
 * TSC rate of the *_tsc counters and the names of the drop reasons. */
static int
cmd_info(const char *cmd __rte_unused, const char *params __rte_unused,
	 struct rte_tel_data *d)
{
	struct rte_tel_data *reasons = pg_tel_str_array();
	unsigned int r;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", view.version != NULL ? view.version : "");
	rte_tel_data_add_dict_string(d, "dpdk_version", rte_version());
	rte_tel_data_add_dict_string(d, "mode", mode_name());
	tel_dict_u64(d, "main_lcore", view.main_lcore);
	tel_dict_u64(d, "workers", view.workers->n);
	tel_dict_u64(d, "ports", view.ports->n_ports);
	tel_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	for (r = 0; reasons != NULL && r < PG_DROP_MAX; r++)
		rte_tel_data_add_array_string(reasons, pg_drop_names[r]);
	pg_tel_put_column(d, "drop_reasons", reasons);
	return 0;
}

/* The FPM session (docs/frr.md): {"enabled": 0} without an fpm: section. */
static int
cmd_fpm(const char *cmd __rte_unused, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	struct pg_fpm_stats *s;
	struct rte_tel_data *ign;
	unsigned int i;

	rte_tel_data_start_dict(d);
	tel_dict_u64(d, "enabled", view.fpm != NULL);
	if (view.fpm == NULL)
		return 0;
	s = malloc(sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	pg_fpm_get_stats(view.fpm, s);
	rte_tel_data_add_dict_string(d, "listen", s->listen);
	tel_dict_u64(d, "connected", s->connected);
	rte_tel_data_add_dict_string(d, "peer", s->peer);
	tel_dict_u64(d, "connections", s->connections);
	tel_dict_u64(d, "resets", s->resets);
	tel_dict_u64(d, "resync_pending", s->resync_pending);
	tel_dict_u64(d, "bytes", s->bytes);
	tel_dict_u64(d, "frames", s->parse.frames);
	tel_dict_u64(d, "messages", s->parse.messages);
	tel_dict_u64(d, "routes_added", s->routes_added);
	tel_dict_u64(d, "routes_deleted", s->routes_deleted);
	tel_dict_u64(d, "stale_removed", s->stale_removed);
	tel_dict_u64(d, "nexthops", s->nexthops);
	tel_dict_u64(d, "nexthops_added", s->parse.nexthops_added);
	tel_dict_u64(d, "nexthops_deleted", s->parse.nexthops_deleted);
	tel_dict_u64(d, "ecmp_truncated", s->parse.ecmp_truncated);
	tel_dict_u64(d, "errors", s->parse.errors);
	rte_tel_data_add_dict_string(d, "last_error", s->last_error);
	ign = pg_tel_dict();
	for (i = 0; ign != NULL && i < PG_FPM_IGN_MAX; i++)
		tel_dict_u64(ign, pg_fpm_ignore_names[i], s->parse.ignored[i]);
	pg_tel_put_column(d, "ignored", ign);
	free(s);
	return 0;
}

/* The exception path (docs/punt.md): per mirrored port what went to the
 * kernel and back; the workers' totals (punted, punt_full). */
static int
cmd_punt(const char *cmd __rte_unused, const char *params __rte_unused,
	 struct rte_tel_data *d)
{
	struct pg_stats_total t;
	struct pg_punt_stats *s;
	unsigned int i;

	rte_tel_data_start_dict(d);
	tel_dict_u64(d, "enabled", view.punt != NULL);
	if (view.punt == NULL)
		return 0;
	s = malloc(sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	pg_punt_get_stats(view.punt, s);
	pg_workers_sum(view.workers, &t);
	tel_dict_u64(d, "ring_size", s->ring_size);
	tel_dict_u64(d, "punted", t.punted);
	tel_dict_u64(d, "punt_full", t.drop[PG_DROP_punt_full]);
	for (i = 0; i < s->n_ports; i++) {
		const struct pg_punt_port_stats *p = &s->port[i];
		struct rte_tel_data *c = pg_tel_dict();

		if (c == NULL)
			break;
		rte_tel_data_add_dict_string(c, "tap", p->tap);
		rte_tel_data_add_dict_string(c, "backend", p->backend);
		tel_dict_u64(c, "ifindex", (uint64_t)p->ifindex);
		tel_dict_u64(c, "to_kernel", p->to_kernel);
		tel_dict_u64(c, "to_kernel_drops", p->to_kernel_drops);
		tel_dict_u64(c, "from_kernel", p->from_kernel);
		tel_dict_u64(c, "from_kernel_drops", p->from_kernel_drops);
		pg_tel_put_column(d, p->port, c);
	}
	free(s);
	return 0;
}

int
pg_tel_lcore_param(const char *params, unsigned int *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(params, &end, 10);
	if (*end != '\0' || end == params || errno != 0 || v >= RTE_MAX_LCORE)
		return -EINVAL;
	*id = (unsigned int)v;
	return 0;
}

int
pg_tel_page_offset(const char *params, unsigned long *offset)
{
	return page_offset(params, offset);
}

static int
cmd_stages(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return pg_tel_stages(view.workers, params, d);
}

/* Serialise every command against pg_telemetry_fini(). */
#define LOCKED_CMD(fn) \
static int fn##_locked(const char *cmd, const char *params, struct rte_tel_data *d) \
{ \
	int ret = -ENODEV; \
	pthread_mutex_lock(&view_lock); \
	if (view_valid) \
		ret = fn(cmd, params, d); \
	pthread_mutex_unlock(&view_lock); \
	return ret; \
}
LOCKED_CMD(cmd_stats)
LOCKED_CMD(cmd_lcores)
LOCKED_CMD(cmd_ports)
LOCKED_CMD(cmd_routes)
LOCKED_CMD(cmd_neighbors)
LOCKED_CMD(cmd_rings)
LOCKED_CMD(cmd_routes6)
LOCKED_CMD(cmd_neighbors6)
LOCKED_CMD(cmd_fpm)
LOCKED_CMD(cmd_acl)
LOCKED_CMD(cmd_info)
LOCKED_CMD(cmd_punt)
LOCKED_CMD(cmd_stages)
LOCKED_CMD(cmd_nhgroups)
LOCKED_CMD(cmd_nhgroups6)

int
pg_telemetry_init(const struct pg_telemetry_view *v)
{
	static int registered;

	pthread_mutex_lock(&view_lock);
	view = *v;
	view_valid = 1;
	pthread_mutex_unlock(&view_lock);
	if (registered)
		return 0;
	registered = 1;
	return rte_telemetry_register_cmd("/pktgate/stats", cmd_stats_locked,
			"Totals: rx, tx, forwarded, local, drops by reason, ICMP errors (icmp_*). No parameters") |
	       rte_telemetry_register_cmd("/pktgate/lcores", cmd_lcores_locked,
			"Per lcore role and counters. Parameters: none (table) or lcore id") |
	       rte_telemetry_register_cmd("/pktgate/ports", cmd_ports_locked,
			"Per port config and counters. Parameters: none (table) or port name/index") |
	       rte_telemetry_register_cmd("/pktgate/routes", cmd_routes_locked,
			"Route count and a page of routes. Parameters: offset (default 0)") |
	       rte_telemetry_register_cmd("/pktgate/neighbors", cmd_neighbors_locked,
			"Neighbor table page. Parameters: offset (default 0)") |
	       rte_telemetry_register_cmd("/pktgate/routes6", cmd_routes6_locked,
			"IPv6 route count and a page of routes. Parameters: offset (default 0)") |
	       rte_telemetry_register_cmd("/pktgate/neighbors6", cmd_neighbors6_locked,
			"IPv6 neighbor table page. Parameters: offset (default 0)") |
	       rte_telemetry_register_cmd("/pktgate/rings", cmd_rings_locked,
			"Pipeline rings: lcores, size, enqueued, dequeued, dropped_full, "
			"count, peak. No parameters") |
	       rte_telemetry_register_cmd("/pktgate/fpm", cmd_fpm_locked,
			"FRR FPM session: connected, peer, frames, routes added/deleted, "
			"next hops, errors, ignored by reason, last error. No parameters") |
	       rte_telemetry_register_cmd("/pktgate/acl", cmd_acl_locked,
			"Firewall rules with hits, and per list the default action's hits. "
			"Parameters: offset into the rules (default 0)") |
	       rte_telemetry_register_cmd("/pktgate/punt", cmd_punt_locked,
			"Exception path: punted, punt_full, and per mirrored port its kernel "
			"interface and packets to/from the kernel. No parameters") |
	       rte_telemetry_register_cmd("/pktgate/info", cmd_info_locked,
			"Versions, mode, lcores, ports, tsc_hz, drop reason names. No parameters") |
	       rte_telemetry_register_cmd("/pktgate/stages", cmd_stages_locked,
			"Cycles per packet by stage, all and per lcore (-Dstage_cycles=true). "
			"Parameters: none or lcore id") |
	       rte_telemetry_register_cmd("/pktgate/nhgroups", cmd_nhgroups_locked,
			"ECMP groups, a row per member: group, routes, via, port, state, "
			"weight, buckets, packets. Parameter: first group") |
	       rte_telemetry_register_cmd("/pktgate/nhgroups6", cmd_nhgroups6_locked,
			"IPv6 ECMP groups, as /pktgate/nhgroups. Parameter: first group");
}

void
pg_telemetry_fini(void)
{
	pthread_mutex_lock(&view_lock);
	view_valid = 0;
	pthread_mutex_unlock(&view_lock);
}
