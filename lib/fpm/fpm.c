/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_log.h>

#include "pg_fib6.h"
#include "pg_fpm.h"

RTE_LOG_REGISTER_SUFFIX(pg_fpm_logtype, fpm, INFO);
#define FPM_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_fpm_logtype, "pktgate.fpm: " fmt "\n", ##__VA_ARGS__)

/* rtm_protocol of an interface's own subnet. */
#define PROTO_CONNECTED 2
/* Bytes read per tick: bounds a tick's work during a full-table replay
 * (a 1M-route replay is ~40 MB: a few seconds of ticks). */
#define READ_PER_TICK (1u << 20)
/* Route changes gathered before they go to the table as one batch. */
#define BATCH_CAP (READ_PER_TICK / 28u + PG_FPM_MAX_OPS)

/* One prefix as a sortable key. */
static inline uint64_t
route_key(uint32_t prefix, uint8_t len)
{
	return (uint64_t)prefix << 8 | len;
}

/* An ECMP group held during one batch, by its members (gateways, ports,
 * weights as one key): the routes of a replay share a few groups, and the
 * table's group search is linear. */
struct held_group {
	uint32_t value;
	uint8_t v6;             /* of fib6 */
	uint16_t key_len;
	uint8_t key[PG_FPM_MAX_ECMP * sizeof(struct pg_fib6_gw)];
};

/* An IPv6 FPM route present when the connection came (resync). */
struct stale6 {
	uint8_t prefix[16];
	uint8_t len;
	uint8_t stale;
};

/* A change and its place in the batch: sorted by prefix, then arrival. */
struct change {
	struct pg_fpm_route r;
	uint32_t seq;
};

struct pg_fpm {
	struct pg_fib *fib;
	struct pg_fib6 *fib6;           /**< NULL: no port has IPv6 */
	struct pg_conf_fpm conf;
	int listen_fd;
	int fd;                         /**< the client, -1: none */
	uint8_t *buf;                   /**< bytes of an incomplete frame */
	size_t buf_len;
	double last_frame;              /**< when the last frame arrived */
	struct pg_fpm_parser parser;

	/* A batch of changes in arrival order, then reduced to one per prefix. */
	struct pg_fpm_route *batch;
	uint32_t n_batch;
	struct change *sorted;
	struct pg_fib_route_spec *specs;    /**< the batch's additions */
	struct pg_fib_route_spec *dels;     /**< the batch's DELROUTEs */
	struct pg_fib6_route_spec *specs6;  /**< the batch's IPv6 additions */
	struct pg_fib6_route_spec *dels6;   /**< and deletions */
	struct held_group *held;        /**< this batch's groups (at most max_groups) */
	unsigned int n_held, held_cap;

	/* Resync: FPM routes that were in the table when the connection came,
	 * sorted; stale[i] cleared when zebra sends the prefix again. */
	uint64_t *stale_key;
	uint8_t *stale;
	uint32_t n_stale;
	struct stale6 *stale6;          /**< the same for IPv6, sorted */
	uint32_t n_stale6;
	bool resync_pending;

	/* Mirror interfaces (pg_fpm_map_ifindex()): ifindex -> port. */
	int mirror_ifindex[PG_CONF_MAX_PORTS];
	uint16_t mirror_port[PG_CONF_MAX_PORTS];
	unsigned int n_mirrors;

	pthread_mutex_t lock;           /**< pub vs telemetry */
	struct pg_fpm_stats st;         /**< the control thread's copy */
	struct pg_fpm_stats pub;        /**< what pg_fpm_get_stats() returns */
};

static void
set_error(struct pg_fpm *f, const char *msg)
{
	snprintf(f->st.last_error, sizeof(f->st.last_error), "%s", msg);
}

static void
publish(struct pg_fpm *f)
{
	f->st.parse = f->parser.c;
	f->st.nexthops = f->parser.n_nh;
	f->st.connected = f->fd >= 0;
	f->st.resync_pending = f->resync_pending;
	pthread_mutex_lock(&f->lock);
	f->pub = f->st;
	pthread_mutex_unlock(&f->lock);
}

void
pg_fpm_get_stats(struct pg_fpm *f, struct pg_fpm_stats *s)
{
	pthread_mutex_lock(&f->lock);
	*s = f->pub;
	pthread_mutex_unlock(&f->lock);
}

struct pg_fpm *
pg_fpm_create(const struct pg_conf_fpm *conf, struct pg_fib *fib, char err[PG_CONF_ERR_LEN])
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct pg_fpm *f = calloc(1, sizeof(*f));
	const int one = 1;
	char a[20];

	if (f == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "fpm: out of memory");
		return NULL;
	}
	f->fib = fib;
	f->conf = *conf;
	f->fd = -1;
	f->listen_fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	pg_fpm_parser_init(&f->parser);
	snprintf(f->st.listen, sizeof(f->st.listen), "%s:%u",
		 pg_conf_ip4_str(conf->addr, a, sizeof(a)), conf->port);
	f->buf = malloc(PG_FPM_MAX_FRAME);
	f->batch = malloc(BATCH_CAP * sizeof(*f->batch));
	f->specs = malloc(BATCH_CAP * sizeof(*f->specs));
	f->dels = malloc(BATCH_CAP * sizeof(*f->dels));
	f->sorted = malloc(BATCH_CAP * sizeof(*f->sorted));
	f->specs6 = malloc(BATCH_CAP * sizeof(*f->specs6));
	f->dels6 = malloc(BATCH_CAP * sizeof(*f->dels6));
	f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->buf == NULL || f->batch == NULL || f->specs == NULL || f->dels == NULL ||
	    f->sorted == NULL || f->specs6 == NULL || f->dels6 == NULL || f->listen_fd < 0) {
		snprintf(err, PG_CONF_ERR_LEN, "fpm: cannot set up the listener: %s",
			 f->listen_fd < 0 ? strerror(errno) : "out of memory");
		goto fail;
	}
	/* zebra reconnects to a restarted pktgate at once: no TIME_WAIT wait. */
	setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(conf->addr);
	sa.sin_port = htons(conf->port);
	if (bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(f->listen_fd, 4) != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "fpm.listen: cannot listen on %s: %s",
			 f->st.listen, strerror(errno));
		goto fail;
	}
	FPM_LOG(INFO, "listening for zebra on %s", f->st.listen);
	publish(f);
	return f;
fail:
	pg_fpm_free(f);
	return NULL;
}

void
pg_fpm_free(struct pg_fpm *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->listen_fd >= 0)
		close(f->listen_fd);
	pg_fpm_parser_fini(&f->parser);
	free(f->buf);
	free(f->batch);
	free(f->specs);
	free(f->dels);
	free(f->held);
	free(f->sorted);
	free(f->specs6);
	free(f->dels6);
	free(f->stale6);
	free(f->stale_key);
	free(f->stale);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static int
key_cmp(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
stale6_cmp(const void *a, const void *b)
{
	return memcmp(a, b, offsetof(struct stale6, stale));
}

static void
stale6_add(struct stale6 *v, uint32_t *n, const struct pg_fib6_route *r)
{
	if (r->origin != PG_ROUTE_ORIGIN_FPM)
		return;
	memcpy(v[*n].prefix, r->prefix, 16);
	v[*n].len = r->len;
	v[*n].stale = 1;
	(*n)++;
}

/* IPv6 part of resync_begin(); without memory its stale routes stay. */
static void
resync_begin6(struct pg_fpm *f)
{
	const struct pg_fib6 *fib6 = f->fib6;
	uint32_t i, n = 0;

	free(f->stale6);
	f->stale6 = NULL;
	f->n_stale6 = 0;
	if (fib6 == NULL)
		return;
	f->stale6 = malloc(RTE_MAX(fib6->n_routes + fib6->n_shadow, 1u) * sizeof(*f->stale6));
	if (f->stale6 == NULL) {
		FPM_LOG(ERR, "resync: out of memory, stale IPv6 routes will not be removed");
		return;
	}
	for (i = 0; i < fib6->n_routes; i++)
		stale6_add(f->stale6, &n, &fib6->routes[i]);
	for (i = 0; i < fib6->n_shadow; i++)
		stale6_add(f->stale6, &n, &fib6->shadow[i]);
	qsort(f->stale6, n, sizeof(*f->stale6), stale6_cmp);
	f->n_stale6 = n;
}

static void
resync_seen6(struct pg_fpm *f, const uint8_t prefix[16], uint8_t len)
{
	struct stale6 k = { .len = len };
	struct stale6 *hit;

	memcpy(k.prefix, prefix, 16);
	hit = f->n_stale6 == 0 ? NULL :
		bsearch(&k, f->stale6, f->n_stale6, sizeof(k), stale6_cmp);
	if (hit != NULL)
		hit->stale = 0;
}

static void
del6_spec(struct pg_fib6_route_spec *s, const uint8_t prefix[16], uint8_t len, uint32_t line)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->prefix, prefix, 16);
	s->len = len;
	s->line = line;
	s->port = -1;
}

/* IPv6 routes of @p n specs removed as one change, else one by one
 * (one never installed fails the bulk). Returns how many went. */
static uint32_t
del_routes6(struct pg_fpm *f, struct pg_fib6_route_spec *v, uint32_t n)
{
	char err[PG_CONF_ERR_LEN];
	uint32_t i, removed = 0;

	if (n == 0)
		return 0;
	if (pg_fib6_route_del_bulk(f->fib6, PG_ROUTE_ORIGIN_FPM, v, n, err) == 0)
		return n;
	for (i = 0; i < n; i++)
		if (pg_fib6_route_del_origin(f->fib6, PG_ROUTE_ORIGIN_FPM, v[i].prefix, v[i].len,
					     err) == 0)
			removed++;
	return removed;
}

/* IPv6 routes zebra did not send again: one change, as for IPv4. */
static uint32_t
resync_finish6(struct pg_fpm *f)
{
	struct pg_fib6_route_spec *v = malloc(RTE_MAX(f->n_stale6, 1u) * sizeof(*v));
	char err[PG_CONF_ERR_LEN];
	uint32_t i, n = 0, removed = 0;

	for (i = 0; i < f->n_stale6 && v != NULL; i++)
		if (f->stale6[i].stale) {
			del6_spec(&v[n], f->stale6[i].prefix, f->stale6[i].len, n + 1);
			n++;
		}
	if (v != NULL)
		removed = del_routes6(f, v, n);
	else
		for (i = 0; i < f->n_stale6; i++)
			if (f->stale6[i].stale &&
			    pg_fib6_route_del_origin(f->fib6, PG_ROUTE_ORIGIN_FPM,
						     f->stale6[i].prefix, f->stale6[i].len,
						     err) == 0)
				removed++;
	free(v);
	f->n_stale6 = 0;
	return removed;
}

/* Mark every FPM route (installed or waiting behind a winner) stale. */
static void
resync_begin(struct pg_fpm *f)
{
	const struct pg_fib *fib = f->fib;
	uint32_t i, n = 0, cap = fib->n_routes + fib->n_shadow;

	free(f->stale_key);
	free(f->stale);
	f->stale_key = malloc(RTE_MAX(cap, 1u) * sizeof(*f->stale_key));
	f->stale = malloc(RTE_MAX(cap, 1u));
	f->n_stale = 0;
	f->resync_pending = true;
	if (f->stale_key == NULL || f->stale == NULL) {
		/* Without the list nothing is removed: stale routes stay. */
		FPM_LOG(ERR, "resync: out of memory, stale routes will not be removed");
		f->resync_pending = false;
		return;
	}
	for (i = 0; i < fib->n_routes; i++)
		if (fib->routes[i].origin == PG_ROUTE_ORIGIN_FPM)
			f->stale_key[n++] = route_key(fib->routes[i].prefix, fib->routes[i].len);
	for (i = 0; i < fib->n_shadow; i++)
		if (fib->shadow[i].origin == PG_ROUTE_ORIGIN_FPM)
			f->stale_key[n++] = route_key(fib->shadow[i].prefix, fib->shadow[i].len);
	qsort(f->stale_key, n, sizeof(*f->stale_key), key_cmp);
	memset(f->stale, 1, n);
	f->n_stale = n;
	resync_begin6(f);
}

/* zebra sent the prefix again (or deleted it): not stale any more. */
static void
resync_seen(struct pg_fpm *f, uint64_t key)
{
	uint32_t lo = 0, hi = f->n_stale;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (f->stale_key[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->n_stale && f->stale_key[lo] == key)
		f->stale[lo] = 0;
}

/* Routes zebra did not send again: one table change for all of them. */
static void
resync_finish(struct pg_fpm *f)
{
	struct pg_fib_route_spec *v = malloc(RTE_MAX(f->n_stale, 1u) * sizeof(*v));
	char err[PG_CONF_ERR_LEN];
	uint32_t i, n = 0, removed = 0;

	for (i = 0; i < f->n_stale && v != NULL; i++) {
		if (!f->stale[i])
			continue;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].prefix = (uint32_t)(f->stale_key[i] >> 8);
		v[n].len = (uint8_t)f->stale_key[i];
		v[n].line = n + 1;
		n++;
	}
	if (v != NULL && pg_fib_route_del_bulk(f->fib, PG_ROUTE_ORIGIN_FPM, v, n, err) == 0) {
		removed = n;
	} else {
		/* Out of memory, or a route gone meanwhile: one by one. */
		for (i = 0; i < f->n_stale; i++)
			if (f->stale[i] &&
			    pg_fib_route_del_origin(f->fib, PG_ROUTE_ORIGIN_FPM,
						    (uint32_t)(f->stale_key[i] >> 8),
						    (uint8_t)f->stale_key[i], err) == 0)
				removed++;
	}
	free(v);
	removed += resync_finish6(f);
	f->st.stale_removed += removed;
	f->resync_pending = false;
	f->n_stale = 0;
	FPM_LOG(INFO, "resync done: %u stale routes removed", removed);
}

static void
drop_client(struct pg_fpm *f)
{
	/* A replay cut short says nothing about the routes it did not reach:
	 * they stay until a connection's replay completes. */
	if (f->resync_pending) {
		FPM_LOG(INFO, "resync abandoned: %s went before its replay was over",
			f->st.peer);
		f->resync_pending = false;
		f->n_stale = 0;
		f->n_stale6 = 0;
	}
	close(f->fd);
	f->fd = -1;
	f->buf_len = 0;
	f->st.peer[0] = '\0';
}

/* A bad frame: one line, the connection goes, the frame's changes too. */
static void
reset_client(struct pg_fpm *f, const char *why)
{
	FPM_LOG(ERR, "%s: %s; connection reset, routes untouched", f->st.peer, why);
	set_error(f, why);
	f->st.resets++;
	drop_client(f);
}

static void
accept_clients(struct pg_fpm *f, double now)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char a[20];
	int fd;

	while ((fd = accept4(f->listen_fd, (struct sockaddr *)&sa, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (f->fd >= 0) {
			FPM_LOG(WARNING, "%s replaced by a new connection", f->st.peer);
			drop_client(f);
		}
		f->fd = fd;
		f->buf_len = 0;
		f->last_frame = now;
		f->st.connections++;
		snprintf(f->st.peer, sizeof(f->st.peer), "%s:%u",
			 pg_conf_ip4_str(ntohl(sa.sin_addr.s_addr), a, sizeof(a)),
			 ntohs(sa.sin_port));
		pg_fpm_parser_reset(&f->parser);
		resync_begin(f);
		FPM_LOG(INFO, "zebra connected from %s: %u FPM routes stale until re-sent",
			f->st.peer, f->n_stale + f->n_stale6);
		sl = sizeof(sa);
	}
}

/* Order of two changes' prefixes: IPv4 first, then by prefix and length. */
static int
prefix_cmp(const struct pg_fpm_route *x, const struct pg_fpm_route *y)
{
	uint64_t kx, ky;
	int c;

	if (x->family != y->family)
		return x->family == AF_INET6 ? 1 : -1;
	if (x->family == AF_INET6) {
		c = memcmp(x->prefix6, y->prefix6, 16);
		return c != 0 ? c : (int)x->len - (int)y->len;
	}
	kx = route_key(x->prefix, x->len);
	ky = route_key(y->prefix, y->len);
	return kx < ky ? -1 : kx > ky;
}

static int
change_cmp(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	const int c = prefix_cmp(&x->r, &y->r);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
pg_fpm_set_fib6(struct pg_fpm *f, struct pg_fib6 *fib6)
{
	f->fib6 = fib6;
}

void
pg_fpm_map_ifindex(struct pg_fpm *f, int ifindex, uint16_t port)
{
	if (f->n_mirrors < PG_CONF_MAX_PORTS) {
		f->mirror_ifindex[f->n_mirrors] = ifindex;
		f->mirror_port[f->n_mirrors++] = port;
	}
}

/* The port whose kernel mirror interface is @p oif, or -1. */
static int
oif_port(const struct pg_fpm *f, uint32_t oif)
{
	unsigned int i;

	for (i = 0; oif != 0 && i < f->n_mirrors; i++)
		if ((uint32_t)f->mirror_ifindex[i] == oif)
			return f->mirror_port[i];
	return -1;
}

/* Port a route goes out of, or -1 (counted) when it cannot be installed.
 * An OIF that is one of our mirror interfaces names the port; else the
 * gateway's connected subnet does. */
static int
route_port(struct pg_fpm *f, const struct pg_fpm_route *r)
{
	int port = oif_port(f, r->oif);

	if (port >= 0 && (r->gw != 0 || pg_fib_port_of(f->fib, r->prefix) < 0))
		return port;
	if (r->gw != 0) {
		port = pg_fib_port_of(f->fib, r->gw);
		if (port < 0)
			f->parser.c.ignored[PG_FPM_IGN_no_port]++;
		return port;
	}
	/* No gateway: zebra's connected routes. Ours are the table's own
	 * (connected + local, with neighbor host routes): never replaced. */
	port = pg_fib_port_of(f->fib, r->prefix);
	if (port >= 0 || r->protocol == PROTO_CONNECTED) {
		f->parser.c.ignored[PG_FPM_IGN_connected_own]++;
		return -1;
	}
	/* An OIF that is no mirror interface of ours. */
	f->parser.c.ignored[PG_FPM_IGN_no_port]++;
	return -1;
}

/*
 * Port of an IPv6 route, or -1 (counted) when it cannot be installed. A
 * link-local gateway is known by address and port: the OIF (a mirror
 * interface) names the port. A global one's port holds its prefix.
 */
static int
route6_port(struct pg_fpm *f, const struct pg_fpm_route *r)
{
	int port;

	if (r->has_gw6 && pg_fib6_is_link_local(r->gw6)) {
		port = oif_port(f, r->oif);
		if (port < 0)
			f->parser.c.ignored[PG_FPM_IGN_no_oif]++;
		return port;
	}
	if (r->has_gw6) {
		port = pg_fib6_port_of(f->fib6, r->gw6);
		if (port < 0)
			f->parser.c.ignored[PG_FPM_IGN_no_port]++;
		return port;
	}
	/* No gateway: as for IPv4, our connected prefixes stay the table's. */
	if (pg_fib6_port_of(f->fib6, r->prefix6) >= 0 || r->protocol == PROTO_CONNECTED) {
		f->parser.c.ignored[PG_FPM_IGN_connected_own]++;
		return -1;
	}
	port = oif_port(f, r->oif);
	if (port < 0)
		f->parser.c.ignored[PG_FPM_IGN_no_port]++;
	return port;
}

static bool route_group6(struct pg_fpm *f, const struct pg_fpm_route *r,
			 struct pg_fib6_route_spec *s);

/* An IPv6 change of the batch into specs6 or dels6 (a NEWROUTE that
 * cannot be installed deletes: the route it replaced must not stay). */
static void
batch_route6(struct pg_fpm *f, const struct pg_fpm_route *r, uint32_t *n_specs,
	     uint32_t *n_dels)
{
	struct pg_fib6_route_spec *s;
	int port = -1;

	if (f->fib6 == NULL) {
		if (r->op == PG_FPM_ROUTE_ADD)
			f->parser.c.ignored[PG_FPM_IGN_no_ipv6]++;
		return;
	}
	if (f->resync_pending)
		resync_seen6(f, r->prefix6, r->len);
	if (r->op == PG_FPM_ROUTE_ADD && r->n_gw > 1) {
		s = &f->specs6[*n_specs];
		del6_spec(s, r->prefix6, r->len, *n_specs + 1);
		if (route_group6(f, r, s)) {
			(*n_specs)++;
			return;
		}
	} else if (r->op == PG_FPM_ROUTE_ADD) {
		port = route6_port(f, r);
	}
	if (port < 0) {
		del6_spec(&f->dels6[*n_dels], r->prefix6, r->len, *n_dels + 1);
		(*n_dels)++;
		return;
	}
	s = &f->specs6[(*n_specs)++];
	del6_spec(s, r->prefix6, r->len, *n_specs);
	s->port = (int16_t)port;
	s->has_gw = r->has_gw6;
	memcpy(s->gw, r->gw6, 16);
}

/* The batch's IPv6 changes: deletions as one change, additions as one,
 * else one by one (the bad ones counted, the first reason kept). */
static void
apply_batch6(struct pg_fpm *f, uint32_t n_specs, uint32_t n_dels)
{
	char err[PG_CONF_ERR_LEN];
	uint32_t i;

	f->st.routes_deleted += del_routes6(f, f->dels6, n_dels);
	if (n_specs == 0 ||
	    pg_fib6_route_add_bulk(f->fib6, PG_ROUTE_ORIGIN_FPM, f->specs6, n_specs, err) == 0) {
		f->st.routes_added += n_specs;
		return;
	}
	for (i = 0; i < n_specs; i++) {
		struct pg_fib6_route_spec *s = &f->specs6[i];

		/* A group's spec goes in as a bulk of one (the group is held). */
		if ((s->group != 0 ?
		     pg_fib6_route_add_bulk(f->fib6, PG_ROUTE_ORIGIN_FPM, s, 1, err) :
		     pg_fib6_route_add_origin(f->fib6, PG_ROUTE_ORIGIN_FPM, s->prefix, s->len,
					      s->has_gw ? s->gw : NULL, s->port, err)) == 0) {
			f->st.routes_added++;
		} else {
			f->parser.c.ignored[PG_FPM_IGN_rejected]++;
			set_error(f, err);
			if (pg_fib6_route_del_origin(f->fib6, PG_ROUTE_ORIGIN_FPM, s->prefix,
						     s->len, err) == 0)
				f->st.routes_deleted++;
		}
	}
	FPM_LOG(WARNING, "some IPv6 routes refused by the table, last: %s", f->st.last_error);
}

/* Give back the batch's group holds: its routes hold their own now. */
static void
groups_release(struct pg_fpm *f)
{
	while (f->n_held > 0) {
		const struct held_group *h = &f->held[--f->n_held];

		if (h->v6)
			pg_fib6_group_release(f->fib6, h->value);
		else
			pg_fib_group_release(f->fib, h->value);
	}
}

/* The batch's hold of the group with members @p key (of @p v6's table),
 * if it has one. */
static bool
held_find(const struct pg_fpm *f, bool v6, const void *key, size_t key_len, uint32_t *value)
{
	unsigned int i;

	for (i = 0; i < f->n_held; i++) {
		const struct held_group *h = &f->held[i];

		if (h->v6 == v6 && h->key_len == key_len && memcmp(h->key, key, key_len) == 0) {
			*value = h->value;
			return true;
		}
	}
	return false;
}

/* Room for one more hold; false (counted) when out of memory. */
static bool
held_room(struct pg_fpm *f)
{
	const unsigned int cap = f->held_cap ? 2 * f->held_cap : 16;
	struct held_group *g;

	if (f->n_held < f->held_cap)
		return true;
	g = realloc(f->held, cap * sizeof(*g));
	if (g == NULL) {
		f->parser.c.ignored[PG_FPM_IGN_rejected]++;
		set_error(f, "ECMP route: out of memory");
		return false;
	}
	f->held = g;
	f->held_cap = cap;
	return true;
}

static void
held_add(struct pg_fpm *f, bool v6, const void *key, size_t key_len, uint32_t value)
{
	struct held_group *h = &f->held[f->n_held++];

	h->value = value;
	h->v6 = v6;
	h->key_len = (uint16_t)key_len;
	memcpy(h->key, key, key_len);
}

/*
 * An ECMP route (docs/decisions/0010-ecmp.md): the table group of its
 * gateways that are on a port, held for the batch, into @p s. A gateway
 * on no port is left out; with one gateway left the route is a plain one
 * (s->gw). Returns false (counted) when it cannot be installed.
 */
static bool
route_group(struct pg_fpm *f, const struct pg_fpm_route *r, struct pg_fib_route_spec *s)
{
	struct {
		uint32_t gws[PG_FPM_MAX_ECMP];
		uint16_t weights[PG_FPM_MAX_ECMP];
	} m;
	char err[PG_CONF_ERR_LEN];
	unsigned int i, n = 0;
	uint32_t value;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < r->n_gw; i++)
		if (r->gws[i] != 0 && pg_fib_port_of(f->fib, r->gws[i]) >= 0) {
			m.weights[n] = r->weights[i];
			m.gws[n++] = r->gws[i];
		}
	if (n == 0) {
		f->parser.c.ignored[PG_FPM_IGN_no_port]++;
		return false;
	}
	if (n > f->fib->groups.max_members) {
		n = f->fib->groups.max_members;
		f->parser.c.ecmp_truncated++;
	}
	s->port = (int16_t)pg_fib_port_of(f->fib, m.gws[0]);
	if (n == 1) {
		s->gw = m.gws[0];
		return true;
	}
	if (held_find(f, false, &m, sizeof(m), &s->group))
		return true;
	if (!held_room(f))
		return false;
	if (pg_fib_group_hold(f->fib, m.gws, m.weights, n,
			      pg_fib_route_seed(f->fib, PG_ROUTE_ORIGIN_FPM, r->prefix, r->len),
			      &value, err) != 0) {
		f->parser.c.ignored[PG_FPM_IGN_rejected]++;
		set_error(f, err);
		return false;
	}
	held_add(f, false, &m, sizeof(m), value);
	s->group = value;
	return true;
}

/* route_group() for IPv6: a link-local member's port is its OIF's. */
static bool
route_group6(struct pg_fpm *f, const struct pg_fpm_route *r, struct pg_fib6_route_spec *s)
{
	static const uint8_t zero[16];
	struct pg_fib6_gw gws[PG_FPM_MAX_ECMP];
	char err[PG_CONF_ERR_LEN];
	unsigned int i, n = 0;
	uint32_t value;
	int port;

	memset(gws, 0, sizeof(gws));
	for (i = 0; i < r->n_gw; i++) {
		if (memcmp(r->gws6[i], zero, 16) == 0)
			continue;
		port = pg_fib6_is_link_local(r->gws6[i]) ? oif_port(f, r->oifs[i]) :
		       pg_fib6_port_of(f->fib6, r->gws6[i]);
		if (port < 0)
			continue;
		memcpy(gws[n].ip, r->gws6[i], 16);
		gws[n].port = (int16_t)port;
		gws[n++].weight = r->weights[i];
	}
	if (n == 0) {
		f->parser.c.ignored[PG_FPM_IGN_no_port]++;
		return false;
	}
	if (n > f->fib6->groups.max_members) {
		n = f->fib6->groups.max_members;
		f->parser.c.ecmp_truncated++;
	}
	s->port = gws[0].port;
	if (n == 1) {
		s->has_gw = 1;
		memcpy(s->gw, gws[0].ip, 16);
		return true;
	}
	if (held_find(f, true, gws, n * sizeof(gws[0]), &s->group))
		return true;
	if (!held_room(f))
		return false;
	if (pg_fib6_group_hold(f->fib6, gws, n,
			       pg_fib6_route_seed(f->fib6, PG_ROUTE_ORIGIN_FPM, r->prefix6, r->len),
			       &value, err) != 0) {
		f->parser.c.ignored[PG_FPM_IGN_rejected]++;
		set_error(f, err);
		return false;
	}
	held_add(f, true, gws, n * sizeof(gws[0]), value);
	s->group = value;
	return true;
}

static void
del_route(struct pg_fpm *f, uint32_t prefix, uint8_t len)
{
	char err[PG_CONF_ERR_LEN];

	if (pg_fib_route_del_origin(f->fib, PG_ROUTE_ORIGIN_FPM, prefix, len, err) == 0)
		f->st.routes_deleted++;
}

/*
 * The batch's DELROUTEs as one table change: a withdraw of N prefixes costs
 * one RCU grace period, not N (each is a wait for every worker). One of them
 * without an FPM route (never installed: no_port...) fails the bulk: then
 * one by one, the missing ones cost a lookup only.
 */
static void
del_routes(struct pg_fpm *f, uint32_t n)
{
	char err[PG_CONF_ERR_LEN];
	uint32_t i;

	if (n == 0)
		return;
	if (pg_fib_route_del_bulk(f->fib, PG_ROUTE_ORIGIN_FPM, f->dels, n, err) == 0) {
		f->st.routes_deleted += n;
		return;
	}
	for (i = 0; i < n; i++)
		del_route(f, f->dels[i].prefix, f->dels[i].len);
}

/*
 * Apply the batch: the last change per prefix wins (a DELROUTE then
 * NEWROUTE in one frame is a replace, never a gap), the deletions as one
 * table change, then the additions as one (distinct prefixes: the order
 * of the two does not matter).
 */
static void
apply_batch(struct pg_fpm *f)
{
	char err[PG_CONF_ERR_LEN];
	uint32_t i, n_specs = 0, n_dels = 0, n_specs6 = 0, n_dels6 = 0;
	int ret;

	if (f->n_batch == 0)
		return;
	for (i = 0; i < f->n_batch; i++) {
		f->sorted[i].r = f->batch[i];
		f->sorted[i].seq = i;
	}
	qsort(f->sorted, f->n_batch, sizeof(*f->sorted), change_cmp);
	for (i = 0; i < f->n_batch; i++) {
		const struct pg_fpm_route *r = &f->sorted[i].r;
		struct pg_fib_route_spec *s;
		int port;

		if (i + 1 < f->n_batch && prefix_cmp(&f->sorted[i + 1].r, r) == 0)
			continue;               /* a later change of the same prefix */
		if (r->family == AF_INET6) {
			batch_route6(f, r, &n_specs6, &n_dels6);
			continue;
		}
		if (f->resync_pending)
			resync_seen(f, route_key(r->prefix, r->len));
		if (r->op == PG_FPM_ROUTE_DEL) {
			s = &f->dels[n_dels++];
			memset(s, 0, sizeof(*s));
			s->prefix = r->prefix;
			s->len = r->len;
			s->line = n_dels;
			continue;
		}
		s = &f->specs[n_specs];
		memset(s, 0, sizeof(*s));
		s->prefix = r->prefix;
		s->len = r->len;
		if (r->n_gw > 1) {
			if (!route_group(f, r, s)) {
				del_route(f, r->prefix, r->len);
				continue;
			}
			n_specs++;
			continue;
		}
		port = route_port(f, r);
		if (port < 0) {
			/* What zebra wants cannot be installed: the old route
			 * must not stay either. */
			del_route(f, r->prefix, r->len);
			continue;
		}
		s->port = (int16_t)port;
		s->gw = r->gw;
		n_specs++;
	}
	f->n_batch = 0;
	if (n_specs6 + n_dels6 > 0)
		apply_batch6(f, n_specs6, n_dels6);
	del_routes(f, n_dels);
	if (n_specs == 0) {
		groups_release(f);
		return;
	}
	ret = pg_fib_route_add_bulk(f->fib, PG_ROUTE_ORIGIN_FPM, f->specs, n_specs, err);
	if (ret == 0) {
		f->st.routes_added += n_specs;
		groups_release(f);
		return;
	}
	/* One bad route must not cost the rest: one by one, the bad ones
	 * counted and the first reason kept. */
	for (i = 0; i < n_specs; i++) {
		const struct pg_fib_route_spec *s = &f->specs[i];

		if ((s->group != 0 ?
		     pg_fib_route_add_group(f->fib, PG_ROUTE_ORIGIN_FPM, s->prefix, s->len,
					    s->group, err) :
		     pg_fib_route_add_origin(f->fib, PG_ROUTE_ORIGIN_FPM, s->prefix, s->len,
					     s->gw, s->port, err)) == 0) {
			f->st.routes_added++;
		} else {
			f->parser.c.ignored[PG_FPM_IGN_rejected]++;
			set_error(f, err);
			del_route(f, s->prefix, s->len);
		}
	}
	groups_release(f);
	FPM_LOG(WARNING, "some routes refused by the table, last: %s", f->st.last_error);
}

/* Cut complete frames off the buffer; false when the connection was reset. */
static bool
take_frames(struct pg_fpm *f, double now)
{
	char err[PG_FPM_ERR_LEN];
	size_t off = 0;

	for (;;) {
		unsigned int n = 0;
		long len = pg_fpm_frame_len(f->buf + off, f->buf_len - off, err);

		if (len < 0) {
			reset_client(f, err);
			return false;
		}
		if (len == 0)
			break;
		if (pg_fpm_parse_frame(&f->parser, f->buf + off, (size_t)len,
				       f->batch + f->n_batch, PG_FPM_MAX_OPS, &n, err) < 0) {
			reset_client(f, err);
			return false;
		}
		f->n_batch += n;
		f->last_frame = now;
		off += (size_t)len;
	}
	memmove(f->buf, f->buf + off, f->buf_len - off);
	f->buf_len -= off;
	return true;
}

static void
read_client(struct pg_fpm *f, double now)
{
	size_t budget = READ_PER_TICK;

	while (f->fd >= 0 && budget > 0) {
		ssize_t r;

		/* Room for one more frame's worth of changes, else apply. */
		if (f->n_batch + PG_FPM_MAX_OPS > BATCH_CAP)
			apply_batch(f);
		r = read(f->fd, f->buf + f->buf_len, PG_FPM_MAX_FRAME - f->buf_len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				FPM_LOG(WARNING, "%s: read: %s; connection closed",
					f->st.peer, strerror(errno));
				drop_client(f);
			}
			break;
		}
		if (r == 0) {
			FPM_LOG(INFO, "%s closed the connection; its routes stay until the "
				"next resync", f->st.peer);
			drop_client(f);
			break;
		}
		f->st.bytes += (uint64_t)r;
		f->buf_len += (size_t)r;
		budget -= RTE_MIN(budget, (size_t)r);
		/* Any frame fits the buffer whole (64 KiB, the header's
		 * limit): a full buffer always yields a frame here. */
		if (!take_frames(f, now))
			break;
	}
	apply_batch(f);
}

/* Publishing every tick costs one small copy under a lock nobody else
 * holds for long (telemetry): simpler than tracking what changed. */
void
pg_fpm_poll(struct pg_fpm *f, double now)
{
	accept_clients(f, now);
	if (f->fd >= 0)
		read_client(f, now);
	if (f->resync_pending &&
	    (now - f->last_frame) * 1000.0 >= (double)f->conf.resync_quiet_ms)
		resync_finish(f);
	publish(f);
}
