/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The live IPv6 table (pg_fib6.h). Same scheme as fib.c, written compactly
 * rather than shared (docs/decisions/0011-live-ipv6-table.md): every change
 * is a list of candidate edits (a route of one origin for one prefix, added
 * or removed; distinct prefixes within one change), and the same three
 * functions serve single changes and bulk loads:
 *   plan()   - the steps each edit makes to a copy, from the metadata;
 *   apply()  - the steps on one copy, undone there if one fails;
 *   commit() - the edits into the metadata, then one merge pass.
 * Gateway next hops a change needs are made before it (nothing points at a
 * new index, so both copies are written directly) and held until it ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib6.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "pg_fib6.h"

RTE_LOG_REGISTER_SUFFIX(pg_fib6_logtype, fib6, INFO);
#define FIB6_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_fib6_logtype, "pktgate.fib6: " fmt "\n", ##__VA_ARGS__)

/* Fixed indexes as in IPv4 (enum in pg_fib.h): DEFAULT mirrors ::/0's. */
#define NH_LOCAL(port) (PG_NH_IDX_PORTS + 2u * (port))
#define NH_UNRESOLVED(port) (PG_NH_IDX_PORTS + 2u * (port) + 1u)
#define DEFAULT_MAX_NEXTHOPS 4096u
/* ECMP groups: the IPv4 table's defaults (pg_fib_limits); config
 * limits.ipv6_ecmp_groups / ipv6_ecmp_group_members set others. */
#define DEFAULT_MAX_GROUPS 1024u
#define DEFAULT_MAX_GROUP_MEMBERS 16u
#define MAX_NEXTHOPS_2B 32767u
#define MIN_MAX_ROUTES 65536u
/* tbl8 groups (512 bytes each with 2-byte entries) for routes added at
 * run time, per copy: learned /128 neighbors of one /64 share all but
 * their last 8 groups. */
#define MIN_TBL8 8192u
/* Growth stops here: 128 MiB of 4-byte groups per copy. */
#define MAX_TBL8 (1u << 17)

static const uint8_t zero16[16];

static int
precedence(uint8_t origin)
{
	switch (origin) {
	case PG_ROUTE_ORIGIN_LOCAL: return 4;
	case PG_ROUTE_ORIGIN_STATIC: return 3;
	case PG_ROUTE_ORIGIN_FPM: return 2;
	case PG_ROUTE_ORIGIN_NEIGHBOR: return 1;
	default: return 0;
	}
}

static void
mask6(uint8_t ip[16], unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (len <= 8 * i)
			ip[i] = 0;
		else if (len < 8 * (i + 1))
			ip[i] &= (uint8_t)(0xff00 >> (len - 8 * i));
}

static bool
in_prefix(const uint8_t ip[16], const uint8_t pfx[16], uint8_t len)
{
	uint8_t a[16], b[16];

	memcpy(a, ip, 16);
	memcpy(b, pfx, 16);
	mask6(a, len);
	mask6(b, len);
	return memcmp(a, b, 16) == 0;
}

static int
key_cmp(const uint8_t *p1, uint8_t l1, const uint8_t *p2, uint8_t l2)
{
	int c = memcmp(p1, p2, 16);

	if (c != 0)
		return c;
	return l1 < l2 ? -1 : l1 > l2;
}

static const char *
ip_str(const uint8_t ip[16], char *buf)
{
	return pg_conf_ip6_str(ip, buf, PG_CONF_IP6_STRLEN);
}

/* ---- steps on one copy -------------------------------------------------- */

enum op_kind { OP_ROUTE_SET, OP_ROUTE_DEL, OP_NH_SET };

struct fib6_op {
	uint8_t kind;
	uint8_t len;
	uint8_t had_old;
	uint8_t prefix[16];
	uint32_t nh;               /**< ROUTE_SET: new next hop; NH_SET: index */
	uint32_t old_nh;
	struct pg_nexthop entry, old_entry;
	uint8_t gw[16], old_gw[16];
};

struct ops {
	struct fib6_op *v;
	uint32_t n, cap;
	bool failed;
};

static struct fib6_op *
ops_push(struct ops *o)
{
	if (o->n == o->cap) {
		const uint32_t cap = o->cap ? 2 * o->cap : 8;
		struct fib6_op *v = realloc(o->v, cap * sizeof(*v));

		if (v == NULL) {
			o->failed = true;
			return NULL;
		}
		o->v = v;
		o->cap = cap;
	}
	memset(&o->v[o->n], 0, sizeof(o->v[0]));
	return &o->v[o->n++];
}

/* The TRIE's counterpart of fib.c's fib_add(): a route longer than /24 is
 * first added with the NO_ROUTE index (which no route carries) so the
 * tbl8 reservation is always counted, whatever its parent's next hop. */
static int
trie_add(struct rte_fib6 *v6, const uint8_t prefix[16], uint8_t len, uint32_t nh)
{
	if (len > 24 && nh != PG_NH_IDX_NO_ROUTE) {
		const int ret = rte_fib6_add(v6, prefix, len, PG_NH_IDX_NO_ROUTE);

		if (ret != 0)
			return ret;
	}
	return rte_fib6_add(v6, prefix, len, nh);
}

static int
op_do(struct pg_fib6_side *s, const struct fib6_op *op)
{
	switch (op->kind) {
	case OP_ROUTE_SET:
		return op->len == 0 ? 0 : trie_add(s->v6, op->prefix, op->len, op->nh);
	case OP_ROUTE_DEL:
		return op->len == 0 ? 0 : rte_fib6_delete(s->v6, op->prefix, op->len);
	default:
		s->nh[op->nh] = op->entry;
		memcpy(s->gw[op->nh], op->gw, 16);
		return 0;
	}
}

static void
op_undo(struct pg_fib6_side *s, const struct fib6_op *op)
{
	if (op->kind == OP_NH_SET) {
		s->nh[op->nh] = op->old_entry;
		memcpy(s->gw[op->nh], op->old_gw, 16);
	} else if (op->len != 0) {
		if (op->had_old)
			trie_add(s->v6, op->prefix, op->len, op->old_nh);
		else
			rte_fib6_delete(s->v6, op->prefix, op->len);
	}
}

static int
apply(struct pg_fib6_side *s, const struct ops *o, char *err)
{
	uint32_t i;
	int ret;

	for (i = 0; i < o->n; i++) {
		ret = op_do(s, &o->v[i]);
		if (ret == 0)
			continue;
		if (err != NULL) {
			char a[PG_CONF_IP6_STRLEN];

			snprintf(err, PG_CONF_ERR_LEN, "route %s/%u: table full (%s)",
				 ip_str(o->v[i].prefix, a), o->v[i].len, strerror(-ret));
		}
		while (i-- > 0)
			op_undo(s, &o->v[i]);
		return ret;
	}
	return 0;
}

/* ---- metadata -------------------------------------------------------------- */

static uint32_t
route_pos(const struct pg_fib6 *fib, const uint8_t prefix[16], uint8_t len, bool *found)
{
	uint32_t lo = 0, hi = fib->n_routes;

	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;
		const struct pg_fib6_route *r = &fib->routes[mid];
		const int c = key_cmp(r->prefix, r->len, prefix, len);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static uint32_t
first_dynamic_nh(const struct pg_fib6 *fib)
{
	return PG_NH_IDX_PORTS + 2 * fib->n_ports;
}

static void
nh_fill(struct pg_nexthop *e, const struct pg_fib6 *fib, uint8_t type, uint16_t port,
	const uint8_t *dst_mac)
{
	memset(e, 0, sizeof(*e));
	if (dst_mac != NULL)
		memcpy(e->l2, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(e->l2 + RTE_ETHER_ADDR_LEN, fib->port[port].mac.addr_bytes,
	       RTE_ETHER_ADDR_LEN);
	e->port = port;
	e->type = type;
}

/* The address an UNRESOLVED next hop asks for (zero: the destination's). */
static const uint8_t *
nh_gw(const struct pg_fib6 *fib, uint32_t idx)
{
	if (idx == PG_NH_IDX_DEFAULT)
		idx = fib->default_nh;
	return fib->ctl_nh[idx].type == PG_NH_UNRESOLVED && idx >= first_dynamic_nh(fib) ?
	       fib->nh_ip[idx] : zero16;
}

/* Step: next hop @p idx becomes @p e (the DEFAULT slot follows ::/0's). */
static void
plan_nh(struct pg_fib6 *fib, struct ops *o, uint32_t idx, const struct pg_nexthop *e,
	const uint8_t gw[16])
{
	struct fib6_op *op = ops_push(o);

	if (op == NULL)
		return;
	op->kind = OP_NH_SET;
	op->nh = idx;
	op->entry = *e;
	op->old_entry = fib->ctl_nh[idx];
	memcpy(op->gw, gw, 16);
	memcpy(op->old_gw, nh_gw(fib, idx), 16);
	if (idx == fib->default_nh && idx != PG_NH_IDX_DEFAULT)
		plan_nh(fib, o, PG_NH_IDX_DEFAULT, e, gw);
}

static void
nh_release(struct pg_fib6 *fib, uint32_t nh)
{
	if (fib->nh_ref[nh] != 0 || fib->nh_neigh[nh] || nh < first_dynamic_nh(fib))
		return;
	/* Free again; the copies keep the stale entry, nothing points at it. */
	memset(fib->nh_ip[nh], 0, 16);
	while (fib->n_nh > first_dynamic_nh(fib) && fib->nh_ref[fib->n_nh - 1] == 0 &&
	       !fib->nh_neigh[fib->n_nh - 1])
		fib->n_nh--;
}

static void
ref_drop(struct pg_fib6 *fib, uint32_t nh)
{
	if (fib->nh_ref[nh] == 1 && fib->ctl_nh[nh].type == PG_NH_GROUP)
		pg_nhgroups_put(&fib->groups, nh);
	fib->nh_ref[nh]--;
	nh_release(fib, nh);
}

static int
find_gw_nh(const struct pg_fib6 *fib, const uint8_t ip[16], uint16_t port)
{
	uint32_t i;

	for (i = first_dynamic_nh(fib); i < fib->n_nh; i++)
		if ((fib->nh_ref[i] != 0 || fib->nh_neigh[i]) && fib->ctl_nh[i].port == port &&
		    memcmp(fib->nh_ip[i], ip, 16) == 0)
			return (int)i;
	return -1;
}

/*
 * A new next hop @p e (address @p ip) that nothing points at yet, written
 * into the metadata and straight into both copies (no route points at
 * it; at creation the copies are made from the metadata later). One
 * reference held, the caller's. Its index, or -ENOSPC. Under the lock.
 */
static int
nh_new_held(struct pg_fib6 *fib, const struct pg_nexthop *e, const uint8_t ip[16])
{
	uint32_t idx;
	unsigned int s;

	for (idx = first_dynamic_nh(fib); idx < fib->n_nh; idx++)
		if (fib->nh_ref[idx] == 0 && !fib->nh_neigh[idx])
			break;
	if (idx >= fib->nh_cap)
		return -ENOSPC;
	fib->ctl_nh[idx] = *e;
	memcpy(fib->nh_ip[idx], ip, 16);
	fib->nh_ref[idx] = 1;
	if (idx == fib->n_nh)
		fib->n_nh++;
	for (s = 0; s < RTE_DIM(fib->side) && fib->side[s].nh != NULL; s++) {
		fib->side[s].nh[idx] = *e;
		memcpy(fib->side[s].gw[idx], e->type == PG_NH_UNRESOLVED ? ip : zero16, 16);
	}
	return (int)idx;
}

/*
 * The next hop of gateway @p ip out of @p port with one reference held
 * for the change under way: the existing one, or a new UNRESOLVED one.
 */
static int
gw_hold(struct pg_fib6 *fib, const uint8_t ip[16], uint16_t port, uint32_t *nh)
{
	struct pg_nexthop e;
	int i = find_gw_nh(fib, ip, port);

	if (i >= 0) {
		fib->nh_ref[i]++;
		*nh = (uint32_t)i;
		return 0;
	}
	nh_fill(&e, fib, PG_NH_UNRESOLVED, port, NULL);
	pthread_mutex_lock(&fib->lock);
	i = nh_new_held(fib, &e, ip);
	pthread_mutex_unlock(&fib->lock);
	if (i < 0)
		return i;
	*nh = (uint32_t)i;
	return 0;
}

/* ---- ECMP groups (pg_nhgroup.h, docs/decisions/0010-ecmp.md) -------------- */

static void
owner_ref_drop(void *table, uint32_t nh)
{
	ref_drop(table, nh);
}

static int
owner_nh_new(void *table, const struct pg_nexthop *e)
{
	return nh_new_held(table, e, zero16);
}

const struct pg_fib_group *
pg_fib6_group_of(const struct pg_fib6 *fib, uint32_t value)
{
	return pg_nhgroups_of(&fib->groups, value, fib->n_nh);
}

/* A candidate route edit. */
struct edit {
	uint8_t prefix[16];
	uint8_t len;
	uint8_t origin;
	uint8_t del;
	uint32_t nh;
	uint8_t gw[16];
};

static int
shadow_find(const struct pg_fib6 *fib, const uint8_t prefix[16], uint8_t len, int origin)
{
	int best = -1;
	uint32_t i;

	for (i = 0; i < fib->n_shadow; i++) {
		const struct pg_fib6_route *s = &fib->shadow[i];

		if (key_cmp(s->prefix, s->len, prefix, len) != 0)
			continue;
		if (origin >= 0 ? s->origin == origin :
		    best < 0 || precedence(s->origin) > precedence(fib->shadow[best].origin))
			best = (int)i;
	}
	return best;
}

/* The steps of one edit. -ENOENT: a removal of a route that is not there. */
static int
plan_edit(struct pg_fib6 *fib, struct ops *o, const struct edit *e)
{
	bool found;
	const uint32_t pos = route_pos(fib, e->prefix, e->len, &found);
	const struct pg_fib6_route *w = found ? &fib->routes[pos] : NULL;
	uint32_t after = PG_NH_IDX_NO_ROUTE;
	bool has_after;
	struct fib6_op *op;

	if (!e->del) {
		if (w != NULL && w->origin != e->origin &&
		    precedence(e->origin) < precedence(w->origin))
			return 0;                      /* waits */
		has_after = true;
		after = e->nh;
	} else {
		int best;

		if (w == NULL || w->origin != e->origin)
			return shadow_find(fib, e->prefix, e->len, e->origin) >= 0 ? 0 : -ENOENT;
		best = shadow_find(fib, e->prefix, e->len, -1);
		has_after = best >= 0;
		if (has_after)
			after = fib->shadow[best].nh;
	}
	if (w != NULL && has_after && w->nh == after)
		return 0;
	op = ops_push(o);
	if (op == NULL)
		return 0;
	op->kind = has_after ? OP_ROUTE_SET : OP_ROUTE_DEL;
	memcpy(op->prefix, e->prefix, 16);
	op->len = e->len;
	op->nh = after;
	op->had_old = w != NULL;
	op->old_nh = w != NULL ? w->nh : 0;
	if (e->len == 0) {
		/* The miss value follows the default route. Planned with the
		 * metadata's entry: a change touching ::/0 sets no next hop. */
		struct fib6_op *d = ops_push(o);

		if (d == NULL)
			return 0;
		d->kind = OP_NH_SET;
		d->nh = PG_NH_IDX_DEFAULT;
		d->entry = fib->ctl_nh[after];
		d->old_entry = fib->ctl_nh[PG_NH_IDX_DEFAULT];
		memcpy(d->gw, nh_gw(fib, after), 16);
		memcpy(d->old_gw, nh_gw(fib, fib->default_nh), 16);
	}
	return 0;
}

static void
default_follow(struct pg_fib6 *fib, uint32_t nh)
{
	fib->default_nh = nh;
	fib->ctl_nh[PG_NH_IDX_DEFAULT] = fib->ctl_nh[nh];
}

static int
insert_cmp(const void *a, const void *b)
{
	const struct pg_fib6_route *x = a, *y = b;

	return key_cmp(x->prefix, x->len, y->prefix, y->len);
}

/*
 * The edits into the metadata (lock held). Changes to existing prefixes
 * are made in place; new winners and removed ones are merged in one pass
 * at the end, so a bulk load of n routes costs one sort and one merge.
 */
static int
commit(struct pg_fib6 *fib, const struct edit *ev, uint32_t n)
{
	struct pg_fib6_route *ins = NULL, *out = NULL;
	uint8_t *drop = NULL;
	uint32_t n_ins = 0, i, j, k, o;
	bool reshape = false;

	/* Allocate first: once the metadata changes nothing may fail. */
	for (i = 0; i < n && !reshape; i++) {
		bool found;
		const uint32_t pos = route_pos(fib, ev[i].prefix, ev[i].len, &found);

		reshape = ev[i].del ? found && fib->routes[pos].origin == ev[i].origin &&
				      shadow_find(fib, ev[i].prefix, ev[i].len, -1) < 0 :
				      !found;
	}
	if (reshape) {
		ins = malloc(RTE_MAX(n, 1u) * sizeof(*ins));
		drop = calloc(RTE_MAX(fib->n_routes, 1u), 1);
		out = malloc((fib->n_routes + n) * sizeof(*out));
		if (ins == NULL || drop == NULL || out == NULL) {
			free(ins);
			free(drop);
			free(out);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++) {
		const struct edit *e = &ev[i];
		struct pg_fib6_route nr = { .len = e->len, .origin = e->origin, .nh = e->nh };
		bool found;
		const uint32_t pos = route_pos(fib, e->prefix, e->len, &found);
		struct pg_fib6_route *w = found ? &fib->routes[pos] : NULL;
		int s;

		memcpy(nr.prefix, e->prefix, 16);
		memcpy(nr.gw, e->gw, 16);
		if (!e->del) {
			fib->nh_ref[e->nh]++;
			if (w == NULL) {
				ins[n_ins++] = nr;
				if (e->len == 0)
					default_follow(fib, e->nh);
				continue;
			}
			if (w->origin != e->origin &&
			    precedence(e->origin) < precedence(w->origin)) {
				s = shadow_find(fib, e->prefix, e->len, e->origin);
				if (s >= 0) {
					ref_drop(fib, fib->shadow[s].nh);
					fib->shadow[s] = nr;
				} else {
					fib->shadow[fib->n_shadow++] = nr;
				}
				continue;
			}
			if (w->origin == e->origin)
				ref_drop(fib, w->nh);
			else
				fib->shadow[fib->n_shadow++] = *w;   /* the old winner waits */
			*w = nr;
			if (e->len == 0)
				default_follow(fib, e->nh);
			continue;
		}
		if (w == NULL || w->origin != e->origin) {
			s = shadow_find(fib, e->prefix, e->len, e->origin);
			ref_drop(fib, fib->shadow[s].nh);
			fib->shadow[s] = fib->shadow[--fib->n_shadow];
			continue;
		}
		ref_drop(fib, w->nh);
		s = shadow_find(fib, e->prefix, e->len, -1);
		if (s >= 0) {
			*w = fib->shadow[s];
			fib->shadow[s] = fib->shadow[--fib->n_shadow];
		} else {
			drop[pos] = 1;
		}
		if (e->len == 0)
			default_follow(fib, s >= 0 ? w->nh : PG_NH_IDX_NO_ROUTE);
	}
	if (reshape) {
		qsort(ins, n_ins, sizeof(*ins), insert_cmp);
		for (j = 0, k = 0, o = 0; j < fib->n_routes || k < n_ins;) {
			if (j < fib->n_routes && drop[j]) {
				j++;
			} else if (k == n_ins || (j < fib->n_routes &&
				   insert_cmp(&fib->routes[j], &ins[k]) < 0)) {
				out[o++] = fib->routes[j++];
			} else {
				out[o++] = ins[k++];
			}
		}
		free(fib->routes);
		fib->routes = out;
		fib->n_routes = o;
		out = NULL;
	}
	free(out);
	free(ins);
	free(drop);
	fib->changes++;
	return 0;
}

static int side_rebuild(struct pg_fib6 *fib, struct pg_fib6_side *s);

static struct pg_fib6_side *
inactive_side(struct pg_fib6 *fib)
{
	return fib->active == &fib->side[0] ? &fib->side[1] : &fib->side[0];
}

/*
 * One change: the edits @p ev (distinct prefixes) plus next-hop steps
 * already in @p o; @p nh_commit (may be NULL) updates next-hop metadata
 * when the change commits. Releases the gateway references in @p held.
 */
static int
run_change(struct pg_fib6 *fib, struct ops *o, const struct edit *ev, uint32_t n,
	   void (*nh_commit)(struct pg_fib6 *, void *), void *arg,
	   const uint32_t *held, uint32_t n_held, char err[PG_CONF_ERR_LEN])
{
	struct pg_fib6_side *side = inactive_side(fib), *old;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < n && ret == 0; i++)
		ret = plan_edit(fib, o, &ev[i]);
	if (ret == 0 && o->failed)
		ret = -ENOMEM;
	if (ret == 0 && fib->n_routes + fib->n_shadow + n > fib->max_routes) {
		snprintf(err, PG_CONF_ERR_LEN, "table full (max_routes %u)", fib->max_routes);
		ret = -ENOSPC;
	}
	if (ret == 0) {
		ret = apply(side, o, err);
		/* Maybe only the TRIE's leaked tbl8 count (side_rebuild()). */
		if (ret == -ENOSPC && side_rebuild(fib, side) == 0)
			ret = apply(side, o, err);
		/* Really full: the copies grow (the other one when it is
		 * rebuilt after the publish), up to max_tbl8. */
		while (ret == -ENOSPC && fib->n_tbl8 < fib->max_tbl8) {
			fib->n_tbl8 = RTE_MIN(2 * fib->n_tbl8, fib->max_tbl8);
			if (side_rebuild(fib, side) != 0)
				break;
			ret = apply(side, o, err);
		}
	}
	if (ret == 0) {
		pthread_mutex_lock(&fib->lock);
		if (nh_commit != NULL)
			nh_commit(fib, arg);
		ret = commit(fib, ev, n);
		pthread_mutex_unlock(&fib->lock);
		if (ret != 0)
			for (i = o->n; i-- > 0;)
				op_undo(side, &o->v[i]);
	}
	if (ret == -ENOMEM)
		snprintf(err, PG_CONF_ERR_LEN, "out of memory");
	pthread_mutex_lock(&fib->lock);
	while (n_held > 0)
		ref_drop(fib, held[--n_held]);
	pthread_mutex_unlock(&fib->lock);
	if (ret == 0) {
		old = (struct pg_fib6_side *)(uintptr_t)fib->active;
		__atomic_store_n(&fib->active, side, __ATOMIC_RELEASE);
		if (fib->rcu != NULL)
			rte_rcu_qsbr_synchronize(fib->rcu, RTE_QSBR_THRID_INVALID);
		/* Refused only for the leaked count: rebuilt from the
		 * committed metadata, it holds the change too. */
		if (apply(old, o, NULL) != 0 && side_rebuild(fib, old) != 0)
			FIB6_LOG(CRIT, "second copy refused a change the first took: tables differ");
	}
	free(o->v);
	return ret;
}

/* ---- checks -------------------------------------------------------------------- */

int
pg_fib6_port_of(const struct pg_fib6 *fib, const uint8_t ip[16])
{
	unsigned int p;

	if (pg_fib6_is_link_local(ip))
		return -1;
	for (p = 0; p < fib->n_ports; p++)
		if (fib->port[p].enabled &&
		    in_prefix(ip, fib->port[p].global, fib->port[p].global_len))
			return (int)p;
	return -1;
}

static bool
is_local(const struct pg_fib6 *fib, const uint8_t ip[16])
{
	bool found;
	const uint32_t pos = route_pos(fib, ip, 128, &found);

	return found && fib->routes[pos].origin == PG_ROUTE_ORIGIN_LOCAL;
}

/* The port of neighbor or gateway @p ip (what: "via", "neighbor"). */
static int
addr_port(const struct pg_fib6 *fib, const uint8_t ip[16], int port, const char *what,
	  char err[PG_CONF_ERR_LEN])
{
	char a[PG_CONF_IP6_STRLEN];
	int p;

	if (pg_fib6_is_link_local(ip)) {
		p = port;
		if (p < 0 || (unsigned int)p >= fib->n_ports || !fib->port[p].enabled) {
			snprintf(err, PG_CONF_ERR_LEN, "%s %s: a link-local address needs %s",
				 what, ip_str(ip, a), p < 0 ? "a port" : "a port with IPv6 on");
			return -EINVAL;
		}
	} else {
		p = pg_fib6_port_of(fib, ip);
		if (p < 0 || (port >= 0 && port != p)) {
			snprintf(err, PG_CONF_ERR_LEN, "%s %s: not in the prefix of %s",
				 what, ip_str(ip, a), port >= 0 ? "that port" : "any port");
			return -EINVAL;
		}
	}
	if (is_local(fib, ip)) {
		snprintf(err, PG_CONF_ERR_LEN, "%s %s: that is our own address", what,
			 ip_str(ip, a));
		return -EINVAL;
	}
	return p;
}

static bool
changeable_origin(enum pg_route_origin origin, char err[PG_CONF_ERR_LEN])
{
	if (origin == PG_ROUTE_ORIGIN_STATIC || origin == PG_ROUTE_ORIGIN_FPM)
		return true;
	snprintf(err, PG_CONF_ERR_LEN, "routes of origin %s cannot be changed",
		 pg_fib_origin_name(origin));
	return false;
}

/* Check one route spec, mask its prefix, fill in its port. */
static int
spec_check(const struct pg_fib6 *fib, struct pg_fib6_route_spec *r, bool del,
	   char err[PG_CONF_ERR_LEN])
{
	char a[PG_CONF_IP6_STRLEN], e[PG_CONF_ERR_LEN];
	bool found;
	uint32_t pos;
	int p;

	if (r->len > 128) {
		snprintf(err, PG_CONF_ERR_LEN, "line %u: prefix length %u: must be 0..128",
			 r->line, r->len);
		return -EINVAL;
	}
	mask6(r->prefix, r->len);
	if (del)
		return 0;
	if (r->group != 0) {
		/* checked when it was held */
	} else if (r->has_gw) {
		p = addr_port(fib, r->gw, r->port, "via", e);
		if (p < 0) {
			snprintf(err, PG_CONF_ERR_LEN, "line %u: %.200s", r->line, e);
			return p;
		}
		r->port = (int16_t)p;
	} else if (r->port < 0 || (unsigned int)r->port >= fib->n_ports ||
		   !fib->port[r->port].enabled) {
		snprintf(err, PG_CONF_ERR_LEN, "line %u: route %s/%u: needs a gateway or a port%s",
			 r->line, ip_str(r->prefix, a), r->len,
			 r->port >= 0 ? " with IPv6 on" : "");
		return -EINVAL;
	}
	pos = route_pos(fib, r->prefix, r->len, &found);
	if (found && fib->routes[pos].origin == PG_ROUTE_ORIGIN_LOCAL) {
		snprintf(err, PG_CONF_ERR_LEN, "line %u: route %s/%u: is our own address",
			 r->line, ip_str(r->prefix, a), r->len);
		return -EEXIST;
	}
	return 0;
}

int
pg_fib6_route_check(const struct pg_fib6 *fib, struct pg_fib6_route_spec *r,
		    char err[PG_CONF_ERR_LEN])
{
	return spec_check(fib, r, false, err);
}

static int
spec_cmp(const void *a, const void *b)
{
	const struct pg_fib6_route_spec *x = a, *y = b;
	const int c = key_cmp(x->prefix, x->len, y->prefix, y->len);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Strip the "line 0: " a single change's message carries. */
static void
unline(char err[PG_CONF_ERR_LEN])
{
	if (strncmp(err, "line 0: ", 8) == 0)
		memmove(err, err + 8, strlen(err + 8) + 1);
}

/* ---- route changes --------------------------------------------------------------- */

static int
routes_change(struct pg_fib6 *fib, enum pg_route_origin origin, bool del,
	      struct pg_fib6_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN])
{
	struct ops o = { 0 };
	struct edit *ev = NULL;
	uint32_t *held = NULL, n_held = 0, i, j;
	char a[PG_CONF_IP6_STRLEN];
	int ret = 0;

	if (!changeable_origin(origin, err))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = spec_check(fib, &v[i], del, err);
		if (ret != 0)
			return ret;
	}
	/* Sorted, one per prefix: the later line wins. */
	qsort(v, n, sizeof(*v), spec_cmp);
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && key_cmp(v[j - 1].prefix, v[j - 1].len, v[i].prefix, v[i].len) == 0)
			v[j - 1] = v[i];
		else
			v[j++] = v[i];
	}
	n = j;
	ev = calloc(RTE_MAX(n, 1u), sizeof(*ev));
	held = malloc(RTE_MAX(n, 1u) * sizeof(*held));
	if (ev == NULL || held == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct edit *e = &ev[i];

		memcpy(e->prefix, v[i].prefix, 16);
		e->len = v[i].len;
		e->origin = (uint8_t)origin;
		e->del = del;
		if (del) {
			bool found;
			const uint32_t pos = route_pos(fib, e->prefix, e->len, &found);

			if ((!found || fib->routes[pos].origin != origin) &&
			    shadow_find(fib, e->prefix, e->len, origin) < 0) {
				snprintf(err, PG_CONF_ERR_LEN, "line %u: route %s/%u: no such %s route",
					 v[i].line, ip_str(e->prefix, a), e->len,
					 pg_fib_origin_name(origin));
				ret = -ENOENT;
				goto out;
			}
			continue;
		}
		if (v[i].group != 0) {
			/* Held by the caller; one distinct gateway is a plain one. */
			e->nh = v[i].group;
			if (!pg_fib6_is_group(fib, e->nh))
				memcpy(e->gw, fib->nh_ip[e->nh], 16);
			continue;
		}
		if (!v[i].has_gw) {
			e->nh = NH_UNRESOLVED(v[i].port);
			continue;
		}
		memcpy(e->gw, v[i].gw, 16);
		ret = gw_hold(fib, v[i].gw, (uint16_t)v[i].port, &e->nh);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "line %u: next-hop table full (%u)",
				 v[i].line, fib->nh_cap);
			goto out;
		}
		held[n_held++] = e->nh;
	}
	ret = run_change(fib, &o, ev, n, NULL, NULL, held, n_held, err);
	n_held = 0;
	o.v = NULL;
out:
	pthread_mutex_lock(&fib->lock);
	while (n_held > 0)
		ref_drop(fib, held[--n_held]);
	pthread_mutex_unlock(&fib->lock);
	free(o.v);
	free(ev);
	free(held);
	return ret;
}

int
pg_fib6_route_add_bulk(struct pg_fib6 *fib, enum pg_route_origin origin,
		       struct pg_fib6_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN])
{
	return routes_change(fib, origin, false, v, n, err);
}

int
pg_fib6_route_del_bulk(struct pg_fib6 *fib, enum pg_route_origin origin,
		       struct pg_fib6_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN])
{
	return routes_change(fib, origin, true, v, n, err);
}

static int
route_one(struct pg_fib6 *fib, enum pg_route_origin origin, bool del,
	  const uint8_t prefix[16], uint8_t len, const uint8_t *gw, int port,
	  char err[PG_CONF_ERR_LEN])
{
	struct pg_fib6_route_spec s = { .len = len, .port = (int16_t)port,
					.has_gw = gw != NULL };
	int ret;

	memcpy(s.prefix, prefix, 16);
	if (gw != NULL)
		memcpy(s.gw, gw, 16);
	ret = routes_change(fib, origin, del, &s, 1, err);
	if (ret != 0)
		unline(err);
	return ret;
}

int
pg_fib6_route_add_origin(struct pg_fib6 *fib, enum pg_route_origin origin,
			 const uint8_t prefix[16], uint8_t len, const uint8_t *gw, int port,
			 char err[PG_CONF_ERR_LEN])
{
	return route_one(fib, origin, false, prefix, len, gw, port, err);
}

int
pg_fib6_route_del_origin(struct pg_fib6 *fib, enum pg_route_origin origin,
			 const uint8_t prefix[16], uint8_t len, char err[PG_CONF_ERR_LEN])
{
	return route_one(fib, origin, true, prefix, len, NULL, -1, err);
}

int
pg_fib6_group_hold(struct pg_fib6 *fib, const struct pg_fib6_gw *gws, unsigned int n,
		   uint32_t seed, uint32_t *value, char err[PG_CONF_ERR_LEN])
{
	struct pg_nhgroup_set set = { .n = n };
	int port[PG_FIB_GROUP_MAX_MEMBERS], ret;
	unsigned int i;

	if (n == 0 || n > fib->groups.max_members) {
		snprintf(err, PG_CONF_ERR_LEN, "%u next hops: must be 1..%u (max_group_members)",
			 n, fib->groups.max_members);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		set.weight[i] = gws[i].weight != 0 ? gws[i].weight : 1;
		if (set.weight[i] > PG_NHGROUP_MAX_WEIGHT) {
			snprintf(err, PG_CONF_ERR_LEN, "weight %u: must be 1..%u", set.weight[i],
				 PG_NHGROUP_MAX_WEIGHT);
			return -EINVAL;
		}
		port[i] = addr_port(fib, gws[i].ip, gws[i].port, "via", err);
		if (port[i] < 0)
			return port[i];
	}
	for (i = 0; i < n; i++) {
		if (gw_hold(fib, gws[i].ip, (uint16_t)port[i], &set.nh[i]) == 0)
			continue;
		pthread_mutex_lock(&fib->lock);
		while (i-- > 0)
			ref_drop(fib, set.nh[i]);
		pthread_mutex_unlock(&fib->lock);
		snprintf(err, PG_CONF_ERR_LEN, "next-hop table full (%u)", fib->nh_cap);
		return -ENOSPC;
	}
	pthread_mutex_lock(&fib->lock);
	ret = pg_nhgroups_hold(&fib->groups, &set, seed, value);
	pthread_mutex_unlock(&fib->lock);
	if (ret != 0)
		snprintf(err, PG_CONF_ERR_LEN, "next-hop group table full (max_groups %u)",
			 fib->groups.max_groups);
	return ret;
}

void
pg_fib6_group_release(struct pg_fib6 *fib, uint32_t value)
{
	pthread_mutex_lock(&fib->lock);
	ref_drop(fib, value);
	pthread_mutex_unlock(&fib->lock);
}

uint32_t
pg_fib6_route_seed(const struct pg_fib6 *fib, enum pg_route_origin origin,
		   const uint8_t prefix[16], uint8_t len)
{
	const struct pg_fib6_route *cur = len <= 128 ? pg_fib6_find(fib, prefix, len) : NULL;

	return cur != NULL && cur->origin == origin ? cur->nh : 0;
}

int
pg_fib6_route_add_multi(struct pg_fib6 *fib, enum pg_route_origin origin,
			const uint8_t prefix[16], uint8_t len, const struct pg_fib6_gw *gws,
			unsigned int n, char err[PG_CONF_ERR_LEN])
{
	struct pg_fib6_route_spec s = { .len = len, .port = -1 };
	int ret;

	if (n == 1)
		return pg_fib6_route_add_origin(fib, origin, prefix, len, gws[0].ip,
						gws[0].port, err);
	if (!changeable_origin(origin, err))
		return -EINVAL;
	/* The flows of members that stay keep their member. */
	ret = pg_fib6_group_hold(fib, gws, n, pg_fib6_route_seed(fib, origin, prefix, len),
				 &s.group, err);
	if (ret != 0)
		return ret;
	memcpy(s.prefix, prefix, 16);
	ret = routes_change(fib, origin, false, &s, 1, err);
	if (ret != 0)
		unline(err);
	pg_fib6_group_release(fib, s.group);
	return ret;
}

/* ---- neighbors ------------------------------------------------------------------- */

struct neigh_commit {
	uint32_t nh;
	uint8_t kind;              /**< new nh_neigh value */
};

static void
neigh_commit(struct pg_fib6 *fib, void *arg)
{
	const struct neigh_commit *c = arg;

	if (!fib->nh_neigh[c->nh] && c->kind)
		fib->n_neighbors++;
	else if (fib->nh_neigh[c->nh] && !c->kind)
		fib->n_neighbors--;
	fib->nh_neigh[c->nh] = c->kind;
}

/* The metadata's next hop @p nh becomes @p e now that the copies have it. */
static void
nh_commit_entry(struct pg_fib6 *fib, const struct ops *o)
{
	uint32_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i].kind == OP_NH_SET)
			fib->ctl_nh[o->v[i].nh] = o->v[i].entry;
}

struct neigh_commit_all {
	struct neigh_commit c;
	const struct ops *o;
};

static void
neigh_commit_all(struct pg_fib6 *fib, void *arg)
{
	struct neigh_commit_all *a = arg;

	nh_commit_entry(fib, a->o);
	neigh_commit(fib, &a->c);
}

enum pg_fib_neigh_kind
pg_fib6_neigh_kind(const struct pg_fib6 *fib, const uint8_t ip[16], int port)
{
	int nh;

	if (port < 0)
		port = pg_fib6_port_of(fib, ip);
	if (port < 0)
		return PG_FIB_NEIGH_NONE;
	nh = find_gw_nh(fib, ip, (uint16_t)port);
	return nh < 0 ? PG_FIB_NEIGH_NONE : (enum pg_fib_neigh_kind)fib->nh_neigh[nh];
}

int
pg_fib6_neigh_set(struct pg_fib6 *fib, const uint8_t ip[16], const uint8_t mac[6],
		  int port, enum pg_fib_neigh_kind kind, char err[PG_CONF_ERR_LEN])
{
	struct ops o = { 0 };
	struct edit e = { .len = 128, .origin = PG_ROUTE_ORIGIN_NEIGHBOR };
	struct neigh_commit_all c = { .o = &o };
	struct pg_nexthop entry;
	char a[PG_CONF_IP6_STRLEN];
	uint32_t nh;
	int p, ret;

	if (kind != PG_FIB_NEIGH_STATIC && kind != PG_FIB_NEIGH_DYNAMIC) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor: bad kind %d", kind);
		return -EINVAL;
	}
	p = addr_port(fib, ip, port, "neighbor", err);
	if (p < 0)
		return p;
	if (kind == PG_FIB_NEIGH_DYNAMIC &&
	    pg_fib6_neigh_kind(fib, ip, p) == PG_FIB_NEIGH_STATIC) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: configured statically",
			 ip_str(ip, a));
		return -EEXIST;
	}
	if ((mac[0] & 1) != 0 || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: mac must be a unicast address",
			 ip_str(ip, a));
		return -EINVAL;
	}
	if (gw_hold(fib, ip, (uint16_t)p, &nh) != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: next-hop table full (%u)",
			 ip_str(ip, a), fib->nh_cap);
		return -ENOSPC;
	}
	nh_fill(&entry, fib, PG_NH_FORWARD, (uint16_t)p, mac);
	if (memcmp(&entry, &fib->ctl_nh[nh], sizeof(entry)) != 0)
		plan_nh(fib, &o, nh, &entry, zero16);
	c.c.nh = nh;
	c.c.kind = (uint8_t)kind;
	memcpy(e.prefix, ip, 16);
	e.nh = nh;
	memcpy(e.gw, ip, 16);
	/* A host route for a new global neighbor; fe80:: is never routed. */
	ret = run_change(fib, &o, &e,
			 fib->nh_neigh[nh] || pg_fib6_is_link_local(ip) ? 0 : 1,
			 neigh_commit_all, &c, &nh, 1, err);
	return ret;
}

int
pg_fib6_neigh_del(struct pg_fib6 *fib, const uint8_t ip[16], int port,
		  char err[PG_CONF_ERR_LEN])
{
	struct ops o = { 0 };
	struct edit e = { .len = 128, .origin = PG_ROUTE_ORIGIN_NEIGHBOR, .del = 1 };
	struct neigh_commit_all c = { .o = &o };
	struct pg_nexthop entry;
	char a[PG_CONF_IP6_STRLEN];
	int p = port < 0 ? pg_fib6_port_of(fib, ip) : port;
	int nh = p < 0 ? -1 : find_gw_nh(fib, ip, (uint16_t)p);
	uint32_t hold;

	if (nh < 0 || !fib->nh_neigh[nh]) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: no such neighbor%s", ip_str(ip, a),
			 pg_fib6_is_link_local(ip) && port < 0 ? " (link-local: name its port)" : "");
		return -ENOENT;
	}
	hold = (uint32_t)nh;
	fib->nh_ref[hold]++;        /* released by run_change() */
	nh_fill(&entry, fib, PG_NH_UNRESOLVED, (uint16_t)p, NULL);
	plan_nh(fib, &o, hold, &entry, ip);
	c.c.nh = hold;
	c.c.kind = PG_FIB_NEIGH_NONE;
	memcpy(e.prefix, ip, 16);
	return run_change(fib, &o, &e, pg_fib6_is_link_local(ip) ? 0 : 1,
			  neigh_commit_all, &c, &hold, 1, err);
}

/* ---- creation ----------------------------------------------------------------- */

bool
pg_fib6_wanted(const struct pg_conf *conf)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++)
		if (conf->ports[i].has_ip6)
			return true;
	return false;
}

static int
route_cmp(const void *a, const void *b)
{
	const struct pg_fib6_route *x = a, *y = b;
	const int c = insert_cmp(x, y);

	/* Winner first. */
	return c != 0 ? c : precedence(y->origin) - precedence(x->origin);
}

static void
add_candidate(struct pg_fib6 *fib, const uint8_t prefix[16], uint8_t len, uint8_t origin,
	      uint32_t nh, const uint8_t *gw)
{
	struct pg_fib6_route *r = &fib->routes[fib->n_routes++];

	memset(r, 0, sizeof(*r));
	memcpy(r->prefix, prefix, 16);
	mask6(r->prefix, len);
	r->len = len;
	r->origin = origin;
	r->nh = nh;
	if (gw != NULL)
		memcpy(r->gw, gw, 16);
	fib->nh_ref[nh]++;
}

/* At creation: the next hop of a configured gateway, made UNRESOLVED if
 * new (the copies are made from the metadata later); -1 when full. */
static int
conf_gw_nh(struct pg_fib6 *fib, const uint8_t via[16], uint16_t port)
{
	int k = find_gw_nh(fib, via, port);

	if (k < 0) {
		if (fib->n_nh >= fib->nh_cap)
			return -1;
		k = (int)fib->n_nh++;
		nh_fill(&fib->ctl_nh[k], fib, PG_NH_UNRESOLVED, port, NULL);
		memcpy(fib->nh_ip[k], via, 16);
	}
	return k;
}

static int
conf_member(void *table, unsigned int k, const void *arg)
{
	const struct pg_conf_ecmp6 *e = arg;

	return conf_gw_nh(table, e->via[k], e->port[k]);
}

/* At creation: the group of a `vias:` route, one reference held. */
static int
conf_group(struct pg_fib6 *fib, const struct pg_conf_ecmp6 *e, uint32_t *value,
	   char err[PG_CONF_ERR_LEN])
{
	return pg_nhgroups_conf_hold(&fib->groups, conf_member, e, e->weight, e->n,
				     fib->nh_cap, value, err);
}

/* A TRIE holding the metadata's routes; NULL with @p err filled. */
static struct rte_fib6 *
trie_build(const struct pg_fib6 *fib, char err[PG_CONF_ERR_LEN])
{
	static unsigned int instance;
	struct rte_fib6_conf fc;
	struct rte_fib6 *v6;
	char name[32], a[PG_CONF_IP6_STRLEN];
	uint32_t i;

	memset(&fc, 0, sizeof(fc));
	fc.type = RTE_FIB6_TRIE;
	fc.default_nh = PG_NH_IDX_DEFAULT;
	fc.max_routes = (int)fib->max_routes;
	/* The TRIE's first level is 2^24 next hops whatever the table holds:
	 * 2-byte entries (32 MiB) while the next-hop and tbl8 group indexes
	 * fit beside its flag bit, 4-byte (64 MiB) beyond. */
	fc.trie.nh_sz = fib->nh_cap <= MAX_NEXTHOPS_2B && fib->n_tbl8 <= MAX_NEXTHOPS_2B ?
			RTE_FIB6_TRIE_2B : RTE_FIB6_TRIE_4B;
	fc.trie.num_tbl8 = fib->n_tbl8;
	snprintf(name, sizeof(name), "pg_fib6_%u", instance++);
	v6 = rte_fib6_create(name, fib->socket, &fc);
	if (v6 == NULL) {
		snprintf(err, PG_CONF_ERR_LEN,
			 "routes: cannot create the IPv6 table for %u routes: %s",
			 fib->n_routes, rte_strerror(rte_errno));
		return NULL;
	}
	for (i = 0; i < fib->n_routes; i++) {
		const struct pg_fib6_route *r = &fib->routes[i];
		int ret;

		if (r->len == 0)
			continue;
		ret = trie_add(v6, r->prefix, r->len, r->nh);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "routes: cannot install %s/%u: %s",
				 ip_str(r->prefix, a), r->len, strerror(-ret));
			rte_fib6_free(v6);
			return NULL;
		}
	}
	return v6;
}

/*
 * DPDK 22.11's TRIE reserves tbl8 groups for each route longer than /24 it
 * adds but never gives the reservation back when one is deleted (its
 * delete finds the prefix itself as a neighbor in the subtree and counts
 * nothing): after enough changes every such add fails with -ENOSPC while
 * the groups are free. A copy no worker reads is then rebuilt from the
 * metadata, which resets the count; -ENOSPC after that is a full table.
 */
static int
side_rebuild(struct pg_fib6 *fib, struct pg_fib6_side *s)
{
	char err[PG_CONF_ERR_LEN];
	struct rte_fib6 *v6 = trie_build(fib, err);

	if (v6 == NULL) {
		FIB6_LOG(ERR, "%s", err);
		return -ENOMEM;
	}
	rte_fib6_free(s->v6);
	s->v6 = v6;
	fib->rebuilds++;
	return 0;
}

static int
side_create(struct pg_fib6 *fib, struct pg_fib6_side *s, char err[PG_CONF_ERR_LEN])
{
	uint32_t i;

	s->nh = rte_zmalloc_socket("pg_nexthops6", fib->nh_cap * sizeof(*s->nh),
				   RTE_CACHE_LINE_SIZE, fib->socket);
	s->gw = rte_zmalloc_socket("pg_gw6", fib->nh_cap * sizeof(*s->gw),
				   RTE_CACHE_LINE_SIZE, fib->socket);
	if (s->nh == NULL || s->gw == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "routes: out of memory for %u IPv6 next hops",
			 fib->nh_cap);
		return -ENOMEM;
	}
	memcpy(s->nh, fib->ctl_nh, fib->nh_cap * sizeof(*s->nh));
	for (i = 0; i < fib->n_nh; i++)
		memcpy(s->gw[i], nh_gw(fib, i), 16);
	s->grp = fib->groups.grp;
	s->grp_pkts = fib->groups.pkts;
	s->grp_members = fib->groups.max_members;
	s->grp_worker_stride = pg_nhgroups_worker_stride(&fib->groups);
	s->v6 = trie_build(fib, err);
	return s->v6 != NULL ? 0 : -ENOMEM;
}

/* tbl8 groups the TRIE may need: one per byte of a prefix beyond the
 * first 24 bits (the TRIE's direct table). An upper bound, plus room. */
static uint32_t
tbl8_needed(const struct pg_fib6 *fib)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < fib->n_routes; i++)
		if (fib->routes[i].len > 24)
			n += (fib->routes[i].len - 24 + 7) / 8;
	n += n / 2;
	return n > UINT32_MAX / 2 ? UINT32_MAX / 2 : RTE_MAX((uint32_t)n, MIN_TBL8);
}

struct pg_fib6 *
pg_fib6_create(const struct pg_conf *conf, const struct rte_ether_addr *macs,
	       int socket, char err[PG_CONF_ERR_LEN])
{
	uint32_t cand, i, j, max_groups, max_members;
	struct pg_fib6 *fib;

	fib = calloc(1, sizeof(*fib));
	if (fib == NULL)
		goto nomem;
	pthread_mutex_init(&fib->lock, NULL);
	fib->n_ports = conf->n_ports;
	/* limits.ipv6_ecmp_* (checked by lib/conf; 0: the defaults). */
	max_groups = conf->limits.ipv6_ecmp_groups ? conf->limits.ipv6_ecmp_groups :
		     DEFAULT_MAX_GROUPS;
	max_members = conf->limits.ipv6_ecmp_group_members ?
		      conf->limits.ipv6_ecmp_group_members : DEFAULT_MAX_GROUP_MEMBERS;
	cand = RTE_MAX(first_dynamic_nh(fib) + conf->n_neighbors6 + conf->n_routes6,
		       DEFAULT_MAX_NEXTHOPS);
	cand = pg_nhgroups_nh_room(cand, max_groups, DEFAULT_MAX_GROUPS);
	fib->nh_cap = RTE_MIN(cand, MAX_NEXTHOPS_2B);
	/* global + link-local + connected per port, one per neighbor and route */
	cand = 3 * conf->n_ports + conf->n_neighbors6 + conf->n_routes6;
	fib->max_routes = RTE_MAX(2 * cand, MIN_MAX_ROUTES);
	fib->ctl_nh = calloc(fib->nh_cap, sizeof(*fib->ctl_nh));
	fib->nh_ip = calloc(fib->nh_cap, sizeof(*fib->nh_ip));
	fib->nh_ref = calloc(fib->nh_cap, sizeof(*fib->nh_ref));
	fib->nh_neigh = calloc(fib->nh_cap, sizeof(*fib->nh_neigh));
	fib->routes = malloc(RTE_MAX(cand, 1u) * sizeof(*fib->routes));
	/* Shadow room for every route the table may hold: no growth later. */
	fib->shadow = malloc(fib->max_routes * sizeof(*fib->shadow));
	if (fib->ctl_nh == NULL || fib->nh_ip == NULL || fib->nh_ref == NULL ||
	    fib->nh_neigh == NULL || fib->routes == NULL || fib->shadow == NULL ||
	    pg_nhgroups_init(&fib->groups, max_groups, max_members, socket) != 0 ||
	    first_dynamic_nh(fib) + conf->n_neighbors6 + conf->n_routes6 > fib->nh_cap)
		goto nomem;
	pg_nhgroups_bind(&fib->groups, fib, fib->ctl_nh, fib->nh_ref, owner_ref_drop,
			 owner_nh_new);

	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];
		struct pg_fib6_port *fp = &fib->port[i];

		fp->mac = macs[i];
		nh_fill(&fib->ctl_nh[NH_LOCAL(i)], fib, PG_NH_LOCAL, (uint16_t)i, NULL);
		nh_fill(&fib->ctl_nh[NH_UNRESOLVED(i)], fib, PG_NH_UNRESOLVED, (uint16_t)i, NULL);
		if (!p->has_ip6)
			continue;
		fp->enabled = true;
		memcpy(fp->global, p->ip6, 16);
		fp->global_len = p->ip6_len;
		memcpy(fib->nh_ip[NH_LOCAL(i)], p->ip6, 16);
		pg_conf_ip6_link_local(macs[i].addr_bytes, fp->ll);
		memcpy(fp->sn[0], fp->global + 13, 3);
		memcpy(fp->sn[1], fp->ll + 13, 3);
		add_candidate(fib, fp->global, 128, PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), NULL);
		add_candidate(fib, fp->ll, 128, PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), NULL);
		add_candidate(fib, p->ip6, p->ip6_len, PG_ROUTE_ORIGIN_CONNECTED,
			      NH_UNRESOLVED(i), NULL);
	}
	nh_fill(&fib->ctl_nh[PG_NH_IDX_NO_ROUTE], fib, PG_NH_NO_ROUTE, 0, NULL);
	fib->n_nh = first_dynamic_nh(fib);
	for (i = 0; i < conf->n_neighbors6; i++) {
		const struct pg_conf_neighbor6 *n = &conf->neighbors6[i];
		const uint32_t idx = fib->n_nh++;

		nh_fill(&fib->ctl_nh[idx], fib, PG_NH_FORWARD, n->port, n->mac);
		memcpy(fib->nh_ip[idx], n->ip, 16);
		fib->nh_neigh[idx] = PG_FIB_NEIGH_STATIC;
		fib->n_neighbors++;
		if (!pg_fib6_is_link_local(n->ip))
			add_candidate(fib, n->ip, 128, PG_ROUTE_ORIGIN_NEIGHBOR, idx, n->ip);
	}
	for (i = 0; i < conf->n_routes6; i++) {
		const struct pg_conf_route6 *r = &conf->routes6[i];
		uint32_t nh = NH_UNRESOLVED(r->port);
		const uint8_t *gw = NULL;

		if (r->kind == PG_ROUTE_VIA && r->ecmp != 0) {
			if (conf_group(fib, &conf->ecmp6[r->ecmp - 1], &nh, err) != 0) {
				pg_fib6_free(fib);
				return NULL;
			}
			add_candidate(fib, r->prefix, r->len, PG_ROUTE_ORIGIN_STATIC, nh,
				      pg_fib6_is_group(fib, nh) ? NULL : fib->nh_ip[nh]);
			ref_drop(fib, nh);      /* the route holds it now */
			continue;
		}
		if (r->kind == PG_ROUTE_VIA) {
			const int k = conf_gw_nh(fib, r->via, r->port);

			if (k < 0)
				goto nomem;
			gw = r->via;
			nh = (uint32_t)k;
		}
		add_candidate(fib, r->prefix, r->len, PG_ROUTE_ORIGIN_STATIC, nh, gw);
		/* find_gw_nh() sees a gateway once a route holds it. */
	}

	/* One winner per prefix, the highest precedence; the others wait. */
	qsort(fib->routes, fib->n_routes, sizeof(*fib->routes), route_cmp);
	for (i = 0, j = 0; i < fib->n_routes; i++) {
		if (j > 0 && insert_cmp(&fib->routes[j - 1], &fib->routes[i]) == 0) {
			fib->shadow[fib->n_shadow++] = fib->routes[i];
			continue;
		}
		fib->routes[j++] = fib->routes[i];
	}
	fib->n_routes = j;
	fib->default_nh = PG_NH_IDX_NO_ROUTE;
	if (fib->n_routes > 0 && fib->routes[0].len == 0)
		fib->default_nh = fib->routes[0].nh;
	fib->ctl_nh[PG_NH_IDX_DEFAULT] = fib->ctl_nh[fib->default_nh];

	fib->n_tbl8 = tbl8_needed(fib);
	fib->max_tbl8 = RTE_MAX(fib->n_tbl8, MAX_TBL8);
	fib->socket = socket;
	if (side_create(fib, &fib->side[0], err) != 0 ||
	    side_create(fib, &fib->side[1], err) != 0) {
		pg_fib6_free(fib);
		return NULL;
	}
	fib->active = &fib->side[0];
	return fib;

nomem:
	snprintf(err, PG_CONF_ERR_LEN, "routes: out of memory building the IPv6 table");
	pg_fib6_free(fib);
	return NULL;
}

void
pg_fib6_free(struct pg_fib6 *fib)
{
	unsigned int i;

	if (fib == NULL)
		return;
	for (i = 0; i < RTE_DIM(fib->side); i++) {
		rte_fib6_free(fib->side[i].v6);
		rte_free(fib->side[i].nh);
		rte_free(fib->side[i].gw);
	}
	free(fib->ctl_nh);
	free(fib->nh_ip);
	free(fib->nh_ref);
	free(fib->nh_neigh);
	free(fib->routes);
	free(fib->shadow);
	pg_nhgroups_fini(&fib->groups);
	pthread_mutex_destroy(&fib->lock);
	free(fib);
}

void
pg_fib6_set_rcu(struct pg_fib6 *fib, struct rte_rcu_qsbr *rcu)
{
	fib->rcu = rcu;
}

void
pg_fib6_lock(const struct pg_fib6 *fib)
{
	pthread_mutex_lock((pthread_mutex_t *)(uintptr_t)&fib->lock);
}

void
pg_fib6_unlock(const struct pg_fib6 *fib)
{
	pthread_mutex_unlock((pthread_mutex_t *)(uintptr_t)&fib->lock);
}

const struct pg_fib6_route *
pg_fib6_find(const struct pg_fib6 *fib, const uint8_t prefix[16], uint8_t len)
{
	uint8_t key[16];
	bool found;
	uint32_t pos;

	memcpy(key, prefix, 16);
	mask6(key, len);
	pos = route_pos(fib, key, len, &found);
	return found ? &fib->routes[pos] : NULL;
}

uint32_t
pg_fib6_lookup(const struct pg_fib6 *fib, const uint8_t ip[16])
{
	const struct pg_fib6_side *s = pg_fib6_active(fib);
	uint8_t a[1][16];
	uint64_t nh;

	memcpy(a[0], ip, 16);
	rte_fib6_lookup_bulk(s->v6, a, &nh, 1);
	return (uint32_t)nh;
}
