/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "pg_fib.h"
#include "pg_fib_lookup.h"

RTE_LOG_REGISTER_SUFFIX(pg_fib_logtype, fib, INFO);
#define FIB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_fib_logtype, "pktgate.fib: " fmt "\n", ##__VA_ARGS__)

#define NH_LOCAL(port) (PG_NH_IDX_PORTS + 2u * (port))
#define NH_UNRESOLVED(port) (PG_NH_IDX_PORTS + 2u * (port) + 1u)
/* 2-byte DIR-24-8 entries keep one bit for the tbl8 flag. */
#define MAX_NEXTHOPS_2B 32767u
#define MAX_NEXTHOPS MAX_NEXTHOPS_2B
#define MAX_GROUPS MAX_NEXTHOPS_2B     /* each takes a next hop */
#define DEFAULT_MAX_NEXTHOPS 4096u
#define DEFAULT_MAX_GROUPS 1024u
#define DEFAULT_MAX_GROUP_MEMBERS 16u
#define MIN_MAX_ROUTES 65536u
#define MIN_TBL8 4096u
/* Growth stops here unless the config says otherwise: 4-byte entries,
 * 128 MiB of groups and 64 MiB of tbl24 per copy. */
#define DEFAULT_TBL8_LIMIT (1u << 17)
/* rte_fib rounds its group count up to a multiple of 64 (bitmap slabs):
 * we do it first, so that the count we know is the count it has. */
#define TBL8_ALIGN 64u
/* The most groups 2-byte entries can index, so rounded. */
#define TBL8_MAX_2B RTE_ALIGN_FLOOR(MAX_NEXTHOPS_2B, TBL8_ALIGN)

static const char *const origin_names[] = {
	[PG_ROUTE_ORIGIN_LOCAL] = "local",
	[PG_ROUTE_ORIGIN_CONNECTED] = "connected",
	[PG_ROUTE_ORIGIN_NEIGHBOR] = "neighbor",
	[PG_ROUTE_ORIGIN_STATIC] = "static",
	[PG_ROUTE_ORIGIN_FPM] = "fpm",
};

const char *
pg_fib_origin_name(enum pg_route_origin origin)
{
	return (unsigned int)origin < RTE_DIM(origin_names) ? origin_names[origin] : "?";
}

/* Which of two routes for one prefix wins (higher wins). */
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

static uint32_t
mask_of(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static const char *
ip_str(uint32_t ip, char *buf)
{
	return pg_conf_ip4_str(ip, buf, 20);
}

/* ---- changes to one copy ---------------------------------------------------- */

enum op_kind { OP_ROUTE_SET, OP_ROUTE_DEL, OP_NH_SET };

/* One step of a change, with what it replaces so a copy can be rolled back. */
struct fib_op {
	uint8_t kind;
	uint8_t len;
	uint8_t had_old;           /**< a route was installed for the prefix */
	uint32_t prefix;
	uint32_t nh;               /**< ROUTE_SET: new next hop; NH_SET: index */
	uint32_t old_nh;
	struct pg_nexthop entry;   /**< NH_SET */
	struct pg_nexthop old_entry;
};

/*
 * A change is computed twice by the same code: once to list its steps
 * (commit = false: metadata untouched), which are applied to the copy no
 * worker reads, and, when that worked, once more to update the metadata
 * (commit = true). So a change that fails half-way leaves nothing behind.
 */
struct txn {
	bool commit;
	bool failed;               /**< out of memory listing steps */
	struct fib_op *ops;
	uint32_t n, cap;
};

static void
txn_push(struct txn *t, const struct fib_op *op)
{
	if (t->commit || t->failed)
		return;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? 2 * t->cap : 16;
		struct fib_op *o = realloc(t->ops, cap * sizeof(*o));

		if (o == NULL) {
			t->failed = true;
			return;
		}
		t->ops = o;
		t->cap = cap;
	}
	t->ops[t->n++] = *op;
}

/*
 * rte_fib_add() for every route we install. DPDK 22.11's DIR-24-8 counts a
 * tbl8 reservation when the first route longer than /24 enters a /24, but
 * skips the count when that route has its parent's next hop (it returns
 * before touching the table), while rte_fib_delete() always gives one
 * back: the count wraps below zero and from then on every route longer
 * than /24 in a fresh /24 is refused with -ENOSPC ("table full"). One next
 * hop per gateway makes equal next hops common here (10.1.2.3/32 and
 * 10.0.0.0/8 via the same router). Adding such a route first with the
 * NO_ROUTE index, which no installed route carries, takes the counting
 * path; the second add only sets its next hop. Found by tests/fuzz/fuzz_fib.
 */
static int
fib_add(struct rte_fib *v4, uint32_t prefix, uint8_t len, uint32_t nh)
{
	if (len > 24 && nh != PG_NH_IDX_NO_ROUTE) {
		const int ret = rte_fib_add(v4, prefix, len, PG_NH_IDX_NO_ROUTE);

		if (ret != 0)
			return ret;
	}
	return rte_fib_add(v4, prefix, len, nh);
}

static int
op_do(struct pg_fib_side *s, const struct fib_op *op)
{
	switch (op->kind) {
	case OP_ROUTE_SET:
		return op->len == 0 ? 0 : fib_add(s->v4, op->prefix, op->len, op->nh);
	case OP_ROUTE_DEL:
		return op->len == 0 ? 0 : rte_fib_delete(s->v4, op->prefix, op->len);
	default:
		s->nh[op->nh] = op->entry;
		return 0;
	}
}

static void
op_undo(struct pg_fib_side *s, const struct fib_op *op)
{
	if (op->kind == OP_NH_SET) {
		s->nh[op->nh] = op->old_entry;
		return;
	}
	if (op->len == 0)
		return;
	if (op->had_old)
		fib_add(s->v4, op->prefix, op->len, op->old_nh);
	else
		rte_fib_delete(s->v4, op->prefix, op->len);
}

static int
side_apply(struct pg_fib_side *s, const struct txn *t, char err[PG_CONF_ERR_LEN])
{
	uint32_t i;
	int ret;

	for (i = 0; i < t->n; i++) {
		ret = op_do(s, &t->ops[i]);
		if (ret == 0)
			continue;
		if (err != NULL) {
			char a[20];

			snprintf(err, PG_CONF_ERR_LEN, "route %s/%u: table full (%s)",
				 ip_str(t->ops[i].prefix, a), t->ops[i].len, strerror(-ret));
		}
		while (i-- > 0)
			op_undo(s, &t->ops[i]);
		return ret;
	}
	return 0;
}

static struct pg_fib_side *
inactive_side(struct pg_fib *fib)
{
	return fib->active == &fib->side[0] ? &fib->side[1] : &fib->side[0];
}

static uint32_t *
side_tbl8(struct pg_fib *fib, const struct pg_fib_side *s)
{
	return &fib->side_tbl8[s - fib->side];
}

static int side_rebuild(struct pg_fib *fib, struct pg_fib_side *s, uint32_t n_tbl8);

static int
u32_cmp(const void *a, const void *b)
{
	const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tbl8 groups a copy needs for the route list plus change @p t, at
 * most: DIR-24-8 reserves one per /24 holding a route longer than /24.
 * 0 when out of memory (the caller just doubles).
 */
static uint32_t
tbl8_need(const struct pg_fib *fib, const struct txn *t)
{
	uint32_t *blk = malloc(((size_t)fib->n_routes + t->n + 1) * sizeof(*blk));
	uint32_t i, n = 0, need = 0;

	if (blk == NULL)
		return 0;
	for (i = 0; i < fib->n_routes; i++)
		if (fib->routes[i].len > 24)
			blk[n++] = fib->routes[i].prefix >> 8;
	for (i = 0; i < t->n; i++)
		if (t->ops[i].kind != OP_NH_SET && t->ops[i].len > 24)
			blk[n++] = t->ops[i].prefix >> 8;
	qsort(blk, n, sizeof(*blk), u32_cmp);
	for (i = 0; i < n; i++)
		need += i == 0 || blk[i] != blk[i - 1];
	free(blk);
	return need;
}

/*
 * side_apply(), and when the copy runs out of tbl8 groups (-ENOSPC: too
 * many /24s hold routes longer than /24) the copy, which no worker reads,
 * is rebuilt from the route list with more groups (at least twice as many,
 * enough for the change; 4-byte entries past 32767) and the change applied
 * again, up to max_tbl8. The other copy follows in txn_finish(). Refused
 * at the limit, the copy is as it was (bigger): the change is refused whole.
 */
static int
side_apply_grow(struct pg_fib *fib, struct pg_fib_side *s, const struct txn *t,
		char err[PG_CONF_ERR_LEN])
{
	uint32_t room = 0, want;
	int ret;

	/* A copy left behind (txn_finish()) is made from the metadata
	 * first: routes and next hops. */
	if (*side_tbl8(fib, s) == 0) {
		if (side_rebuild(fib, s, fib->n_tbl8) != 0) {
			if (err != NULL)
				snprintf(err, PG_CONF_ERR_LEN, "out of memory for the table's copy");
			return -ENOMEM;
		}
		memcpy(s->nh, fib->ctl_nh, fib->nh_cap * sizeof(*s->nh));
	}
	ret = side_apply(s, t, err);
	while (ret == -ENOSPC && *side_tbl8(fib, s) < fib->max_tbl8) {
		/* What the change needs, and some: an add may take a spare
		 * group for a moment. */
		if (room == 0)
			room = tbl8_need(fib, t) * 17 / 16 + TBL8_ALIGN;
		want = 2 * *side_tbl8(fib, s);
		while (want < room && want < fib->max_tbl8)
			want *= 2;
		/* 4-byte entries double tbl24 (64 MiB): not before 2-byte
		 * ones are really too few. */
		if (*side_tbl8(fib, s) < TBL8_MAX_2B && want > TBL8_MAX_2B && room <= TBL8_MAX_2B)
			want = TBL8_MAX_2B;
		want = RTE_MIN(want, fib->max_tbl8);
		if (side_rebuild(fib, s, want) != 0) {
			if (err != NULL)
				snprintf(err, PG_CONF_ERR_LEN,
					 "table full: out of memory for %u tbl8 groups", want);
			return -ENOSPC;
		}
		fib->n_tbl8 = RTE_MAX(fib->n_tbl8, want);
		ret = side_apply(s, t, err);
	}
	if (ret == -ENOSPC && err != NULL) {
		const size_t l = strnlen(err, PG_CONF_ERR_LEN);

		snprintf(err + l, PG_CONF_ERR_LEN - l, ": all %u tbl8 groups in use",
			 *side_tbl8(fib, s));
	}
	return ret;
}

/* Publish the updated copy, wait until no worker reads the old one, bring
 * the old one level. */
static void
txn_finish(struct pg_fib *fib, struct pg_fib_side *updated, const struct txn *t)
{
	struct pg_fib_side *old = (struct pg_fib_side *)(uintptr_t)fib->active;
	uint32_t i;

	__atomic_store_n(&fib->active, updated, __ATOMIC_RELEASE);
	if (fib->rcu != NULL)
		rte_rcu_qsbr_synchronize(fib->rcu, RTE_QSBR_THRID_INVALID);
	/* The updated copy grew: the old one is rebuilt as big from the
	 * committed route list (which holds the change), its next hops
	 * take the change's steps. */
	if (*side_tbl8(fib, old) != *side_tbl8(fib, updated) &&
	    side_rebuild(fib, old, *side_tbl8(fib, updated)) == 0) {
		for (i = 0; i < t->n; i++)
			if (t->ops[i].kind == OP_NH_SET)
				op_do(old, &t->ops[i]);
		return;
	}
	/* The same steps on a copy with the same history cannot fail unless
	 * something is badly wrong: say so loudly. */
	if (side_apply(old, t, NULL) != 0) {
		FIB_LOG(CRIT, "second copy refused a change the first took: rebuilt at the next change");
		*side_tbl8(fib, old) = 0;
	}
}

/* ---- metadata ----------------------------------------------------------------- */

/* Position of (prefix, len) in routes[], or where it would go (*found false). */
static uint32_t
route_pos(const struct pg_fib *fib, uint32_t prefix, uint8_t len, bool *found)
{
	uint32_t lo = 0, hi = fib->n_routes;

	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;
		const struct pg_fib_route *r = &fib->routes[mid];

		if (r->prefix == prefix && r->len == len) {
			*found = true;
			return mid;
		}
		if (r->prefix < prefix || (r->prefix == prefix && r->len < len))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static int
grow(void **arr, uint32_t *cap, uint32_t need, size_t size)
{
	uint32_t c = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*arr, (size_t)c * size);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static void
nh_put(struct pg_fib *fib, struct txn *t, uint32_t idx, const struct pg_nexthop *e)
{
	struct fib_op op = { .kind = OP_NH_SET, .nh = idx, .entry = *e,
			     .old_entry = fib->ctl_nh[idx] };

	if (t->commit) {
		fib->ctl_nh[idx] = *e;
		if (idx == fib->default_nh)
			fib->ctl_nh[PG_NH_IDX_DEFAULT] = *e;
		return;
	}
	txn_push(t, &op);
	/* The miss value follows the default route's next hop. */
	if (idx == fib->default_nh && idx != PG_NH_IDX_DEFAULT) {
		op.nh = PG_NH_IDX_DEFAULT;
		op.old_entry = fib->ctl_nh[PG_NH_IDX_DEFAULT];
		txn_push(t, &op);
	}
}

static void
nh_fill(struct pg_nexthop *e, const struct pg_fib *fib, uint8_t type, uint16_t port,
	const uint8_t *dst_mac)
{
	memset(e, 0, sizeof(*e));
	if (dst_mac != NULL)
		memcpy(e->l2, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(e->l2 + RTE_ETHER_ADDR_LEN, fib->ports[port].mac.addr_bytes,
	       RTE_ETHER_ADDR_LEN);
	e->port = port;
	e->type = type;
}

/* Next hop @p idx as it will be once the steps listed so far are done. */
static const struct pg_nexthop *
pending_nh(const struct pg_fib *fib, const struct txn *t, uint32_t idx)
{
	uint32_t i;

	for (i = t->n; !t->commit && i-- > 0;)
		if (t->ops[i].kind == OP_NH_SET && t->ops[i].nh == idx)
			return &t->ops[i].entry;
	return &fib->ctl_nh[idx];
}

static void
nh_fill_unresolved(struct pg_nexthop *e, const struct pg_fib *fib, uint16_t port,
		   uint32_t gw)
{
	const uint32_t be = rte_cpu_to_be_32(gw);

	nh_fill(e, fib, PG_NH_UNRESOLVED, port, NULL);
	memcpy(e->l2, &be, sizeof(be));
}

static void
default_follow(struct pg_fib *fib, struct txn *t, uint32_t nh)
{
	struct fib_op op = { .kind = OP_NH_SET, .nh = PG_NH_IDX_DEFAULT,
			     .entry = *pending_nh(fib, t, nh),
			     .old_entry = *pending_nh(fib, t, PG_NH_IDX_DEFAULT) };

	if (t->commit) {
		fib->default_nh = nh;
		fib->ctl_nh[PG_NH_IDX_DEFAULT] = fib->ctl_nh[nh];
		return;
	}
	txn_push(t, &op);
}

static void
ref_drop(struct pg_fib *fib, uint32_t nh)
{
	if (fib->nh_ref[nh] == 1 && fib->ctl_nh[nh].type == PG_NH_GROUP)
		pg_nhgroups_put(&fib->groups, nh);
	if (--fib->nh_ref[nh] == 0 && nh >= PG_NH_IDX_PORTS + 2 * fib->n_ports &&
	    !fib->nh_neigh[nh]) {
		/* A gateway nobody uses: its index is free again. The copies
		 * keep the stale entry; nothing points at it. */
		fib->nh_ip[nh] = 0;
		while (fib->n_nh > PG_NH_IDX_PORTS + 2 * fib->n_ports &&
		       fib->nh_ref[fib->n_nh - 1] == 0 && !fib->nh_neigh[fib->n_nh - 1])
			fib->n_nh--;
	}
}

/* Make (prefix, len) -> nh the route of @p origin; it wins or waits. */
static int
install(struct pg_fib *fib, struct txn *t, uint32_t prefix, uint8_t len,
	uint8_t origin, uint32_t nh, uint32_t gw)
{
	const struct pg_fib_route nr = { .prefix = prefix, .len = len, .origin = origin,
					 .nh = nh, .gw = gw };
	struct fib_op op = { .kind = OP_ROUTE_SET, .prefix = prefix, .len = len, .nh = nh };
	bool found;
	uint32_t pos = route_pos(fib, prefix, len, &found);
	struct pg_fib_route *w = found ? &fib->routes[pos] : NULL;

	if (w != NULL && w->origin != origin && precedence(origin) < precedence(w->origin)) {
		/* Loses: kept for when the winner goes. */
		if (t->commit) {
			fib->shadow[fib->n_shadow++] = nr;
			fib->nh_ref[nh]++;
		}
		return 0;
	}
	if (!t->commit) {
		op.had_old = w != NULL;
		op.old_nh = w != NULL ? w->nh : 0;
		txn_push(t, &op);
		if (len == 0)
			default_follow(fib, t, nh);
		return 0;
	}
	fib->nh_ref[nh]++;
	if (w == NULL) {
		memmove(&fib->routes[pos + 1], &fib->routes[pos],
			(fib->n_routes - pos) * sizeof(*w));
		fib->n_routes++;
	} else if (w->origin != origin) {
		fib->shadow[fib->n_shadow++] = *w;    /* the old winner waits */
	} else {
		ref_drop(fib, w->nh);                 /* replaced */
	}
	fib->routes[pos] = nr;
	if (len == 0)
		default_follow(fib, t, nh);
	return 0;
}

/* Remove the route of @p origin for (prefix, len); the best waiting one
 * takes its place. -ENOENT if there is none. With @p drop (a bulk delete)
 * a winner that goes is only marked there, removed by one pass at the end. */
static int
uninstall_mark(struct pg_fib *fib, struct txn *t, uint32_t prefix, uint8_t len,
	       uint8_t origin, uint8_t *drop)
{
	struct fib_op op = { .prefix = prefix, .len = len };
	bool found;
	uint32_t pos = route_pos(fib, prefix, len, &found), i;
	int best = -1;

	for (i = 0; i < fib->n_shadow; i++) {
		const struct pg_fib_route *s = &fib->shadow[i];

		if (s->prefix != prefix || s->len != len)
			continue;
		if (found && fib->routes[pos].origin != origin && s->origin == origin) {
			/* Not the winner: just forget it. */
			if (t->commit) {
				ref_drop(fib, s->nh);
				fib->shadow[i] = fib->shadow[--fib->n_shadow];
			}
			return 0;
		}
		if (best < 0 || precedence(s->origin) > precedence(fib->shadow[best].origin))
			best = (int)i;
	}
	if (!found || fib->routes[pos].origin != origin)
		return -ENOENT;
	if (!t->commit) {
		op.had_old = 1;
		op.old_nh = fib->routes[pos].nh;
		if (best >= 0) {
			op.kind = OP_ROUTE_SET;
			op.nh = fib->shadow[best].nh;
		} else {
			op.kind = OP_ROUTE_DEL;
		}
		txn_push(t, &op);
		if (len == 0)
			default_follow(fib, t, best >= 0 ? fib->shadow[best].nh :
					       PG_NH_IDX_NO_ROUTE);
		return 0;
	}
	ref_drop(fib, fib->routes[pos].nh);
	if (best >= 0) {
		fib->routes[pos] = fib->shadow[best];
		fib->shadow[best] = fib->shadow[--fib->n_shadow];
	} else if (drop != NULL) {
		drop[pos] = 1;
	} else {
		memmove(&fib->routes[pos], &fib->routes[pos + 1],
			(fib->n_routes - pos - 1) * sizeof(fib->routes[0]));
		fib->n_routes--;
	}
	if (len == 0)
		default_follow(fib, t, best >= 0 ? fib->routes[pos].nh : PG_NH_IDX_NO_ROUTE);
	return 0;
}

static int
uninstall(struct pg_fib *fib, struct txn *t, uint32_t prefix, uint8_t len, uint8_t origin)
{
	return uninstall_mark(fib, t, prefix, len, origin, NULL);
}

static uint32_t
first_dynamic_nh(const struct pg_fib *fib)
{
	return PG_NH_IDX_PORTS + 2 * fib->n_ports;
}

static int
find_gw_nh(const struct pg_fib *fib, uint32_t ip)
{
	uint32_t i;

	for (i = first_dynamic_nh(fib); i < fib->n_nh; i++)
		if (fib->nh_ip[i] == ip && (fib->nh_ref[i] != 0 || fib->nh_neigh[i]))
			return (int)i;
	return -1;
}

/* The next hop of gateway @p ip out of @p port: the existing one, or a new
 * UNRESOLVED one. */
static int
gw_nh(struct pg_fib *fib, struct txn *t, uint32_t ip, uint16_t port, uint32_t *nh)
{
	struct pg_nexthop e;
	int i = find_gw_nh(fib, ip);
	uint32_t idx;

	if (i >= 0) {
		*nh = (uint32_t)i;
		return 0;
	}
	for (idx = first_dynamic_nh(fib); idx < fib->n_nh; idx++)
		if (fib->nh_ref[idx] == 0 && !fib->nh_neigh[idx])
			break;
	if (idx >= fib->nh_cap)
		return -ENOSPC;
	nh_fill_unresolved(&e, fib, port, ip);
	nh_put(fib, t, idx, &e);
	if (t->commit) {
		fib->nh_ip[idx] = ip;
		if (idx == fib->n_nh)
			fib->n_nh++;
	}
	*nh = idx;
	return 0;
}

int
pg_fib_port_of(const struct pg_fib *fib, uint32_t ip)
{
	unsigned int p;

	for (p = 0; p < fib->n_ports; p++) {
		const uint32_t m = mask_of(fib->ports[p].ip4_len);

		if ((ip & m) == (fib->ports[p].ip4 & m))
			return (int)p;
	}
	return -1;
}

static bool
is_local(const struct pg_fib *fib, uint32_t ip)
{
	bool found;
	uint32_t pos = route_pos(fib, ip, 32, &found);

	return found && fib->routes[pos].origin == PG_ROUTE_ORIGIN_LOCAL;
}

static int
room_for_routes(struct pg_fib *fib, uint32_t more)
{
	const uint32_t need = fib->n_routes + fib->n_shadow + more;

	if (need > fib->max_routes)
		return -ENOSPC;
	if (grow((void **)&fib->routes, &fib->routes_cap, fib->n_routes + more,
		 sizeof(*fib->routes)) != 0 ||
	    grow((void **)&fib->shadow, &fib->shadow_cap, fib->n_shadow + more,
		 sizeof(*fib->shadow)) != 0)
		return -ENOMEM;
	return 0;
}

/* ---- the change functions ------------------------------------------------- */

/*
 * Run @p fn twice (list steps, then commit) around applying the steps to
 * the copy no worker reads. The metadata lock is held for the commit only:
 * telemetry never waits for a grace period.
 */
#define CHANGE(fib, err, call) do {                                         \
	struct txn t_ = { .commit = false };                                \
	struct pg_fib_side *s_;                                             \
	int r_;                                                             \
	r_ = (call);                                                        \
	if (r_ == 0 && t_.failed)                                           \
		r_ = -ENOMEM;                                               \
	if (r_ == 0) {                                                      \
		s_ = inactive_side(fib);                                    \
		r_ = side_apply_grow(fib, s_, &t_, err);                    \
	}                                                                   \
	if (r_ == 0) {                                                      \
		t_.commit = true;                                           \
		pthread_mutex_lock(&(fib)->lock);                           \
		(void)(call);                                               \
		(fib)->changes++;                                           \
		pthread_mutex_unlock(&(fib)->lock);                         \
		txn_finish(fib, s_, &t_);                                   \
	} else if (r_ == -ENOMEM) {                                         \
		snprintf(err, PG_CONF_ERR_LEN, "out of memory");            \
	}                                                                   \
	free(t_.ops);                                                       \
	return r_;                                                          \
} while (0)

static int
do_route_add(struct pg_fib *fib, struct txn *t, uint8_t origin, uint32_t prefix,
	     uint8_t len, uint32_t gw, uint16_t port)
{
	uint32_t nh = NH_UNRESOLVED(port);
	int ret;

	if (gw != 0) {
		ret = gw_nh(fib, t, gw, port, &nh);
		if (ret != 0)
			return ret;
	}
	return install(fib, t, prefix, len, origin, nh, gw);
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

int
pg_fib_route_add(struct pg_fib *fib, uint32_t prefix, uint8_t len, uint32_t gw,
		 int port, char err[PG_CONF_ERR_LEN])
{
	return pg_fib_route_add_origin(fib, PG_ROUTE_ORIGIN_STATIC, prefix, len, gw,
				       port, err);
}

/* The port of gateway @p gw (which must be @p port unless that is
 * negative), or -EINVAL with @p err filled. */
static int
gw_port(const struct pg_fib *fib, uint32_t gw, int port, char err[PG_CONF_ERR_LEN])
{
	const int p = pg_fib_port_of(fib, gw);
	char a[20];

	if (p < 0 || (port >= 0 && port != p)) {
		snprintf(err, PG_CONF_ERR_LEN, "via %s: not in the subnet of %s",
			 ip_str(gw, a), port >= 0 ? "that port" : "any port");
		return -EINVAL;
	}
	if (is_local(fib, gw)) {
		snprintf(err, PG_CONF_ERR_LEN, "via %s: that is our own address", ip_str(gw, a));
		return -EINVAL;
	}
	return p;
}

/* May a route for (prefix, len) go in: not our own address, room left. */
static int
route_room(struct pg_fib *fib, uint32_t prefix, uint8_t len, char err[PG_CONF_ERR_LEN])
{
	bool found;
	const uint32_t pos = route_pos(fib, prefix, len, &found);
	char a[20];
	int ret;

	if (found && fib->routes[pos].origin == PG_ROUTE_ORIGIN_LOCAL) {
		snprintf(err, PG_CONF_ERR_LEN, "route %s/%u: is our own address",
			 ip_str(prefix, a), len);
		return -EEXIST;
	}
	ret = room_for_routes(fib, 1);
	if (ret != 0)
		snprintf(err, PG_CONF_ERR_LEN, "route %s/%u: %s (max_routes %u)",
			 ip_str(prefix, a), len, ret == -ENOSPC ? "table full" : "out of memory",
			 fib->max_routes);
	return ret;
}

int
pg_fib_route_add_origin(struct pg_fib *fib, enum pg_route_origin origin,
			uint32_t prefix, uint8_t len, uint32_t gw, int port,
			char err[PG_CONF_ERR_LEN])
{
	char a[20];
	int ret;

	if (!changeable_origin(origin, err))
		return -EINVAL;
	if (len > 32) {
		snprintf(err, PG_CONF_ERR_LEN, "prefix length %u: must be 0..32", len);
		return -EINVAL;
	}
	prefix &= mask_of(len);
	if (gw != 0) {
		port = gw_port(fib, gw, port, err);
		if (port < 0)
			return port;
	} else if (port < 0 || (unsigned int)port >= fib->n_ports) {
		snprintf(err, PG_CONF_ERR_LEN, "route %s/%u: needs a gateway or a port",
			 ip_str(prefix, a), len);
		return -EINVAL;
	}
	ret = route_room(fib, prefix, len, err);
	if (ret != 0)
		return ret;
	CHANGE(fib, err, do_route_add(fib, &t_, (uint8_t)origin, prefix, len, gw,
				      (uint16_t)port));
}

int
pg_fib_route_del(struct pg_fib *fib, uint32_t prefix, uint8_t len,
		 char err[PG_CONF_ERR_LEN])
{
	return pg_fib_route_del_origin(fib, PG_ROUTE_ORIGIN_STATIC, prefix, len, err);
}

int
pg_fib_route_del_origin(struct pg_fib *fib, enum pg_route_origin origin,
			uint32_t prefix, uint8_t len, char err[PG_CONF_ERR_LEN])
{
	struct txn probe = { .commit = false };
	char a[20];
	int ret;

	if (!changeable_origin(origin, err))
		return -EINVAL;
	if (len > 32) {
		snprintf(err, PG_CONF_ERR_LEN, "prefix length %u: must be 0..32", len);
		return -EINVAL;
	}
	prefix &= mask_of(len);
	ret = uninstall(fib, &probe, prefix, len, (uint8_t)origin);
	free(probe.ops);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "route %s/%u: no such %s route",
			 ip_str(prefix, a), len, pg_fib_origin_name(origin));
		return ret;
	}
	CHANGE(fib, err, uninstall(fib, &t_, prefix, len, (uint8_t)origin));
}

static int
do_neigh_set(struct pg_fib *fib, struct txn *t, uint32_t ip, const uint8_t *mac,
	     uint16_t port, uint8_t kind)
{
	struct pg_nexthop e;
	uint32_t nh;
	bool was_neigh;
	int ret;

	ret = gw_nh(fib, t, ip, port, &nh);
	if (ret != 0)
		return ret;
	was_neigh = fib->nh_neigh[nh];
	nh_fill(&e, fib, PG_NH_FORWARD, port, mac);
	if (memcmp(&e, pending_nh(fib, t, nh), sizeof(e)) != 0)
		nh_put(fib, t, nh, &e);
	if (t->commit)
		fib->nh_neigh[nh] = kind;
	if (was_neigh)
		return 0;
	if (t->commit)
		fib->n_neighbors++;
	return install(fib, t, ip, 32, PG_ROUTE_ORIGIN_NEIGHBOR, nh, ip);
}

enum pg_fib_neigh_kind
pg_fib_neigh_kind(const struct pg_fib *fib, uint32_t ip)
{
	const int nh = find_gw_nh(fib, ip);

	return nh < 0 ? PG_FIB_NEIGH_NONE : (enum pg_fib_neigh_kind)fib->nh_neigh[nh];
}

int
pg_fib_neigh_set(struct pg_fib *fib, uint32_t ip, const uint8_t mac[6], int port,
		 enum pg_fib_neigh_kind kind, char err[PG_CONF_ERR_LEN])
{
	const int p = pg_fib_port_of(fib, ip);
	char a[20];
	int ret;

	if (kind != PG_FIB_NEIGH_STATIC && kind != PG_FIB_NEIGH_DYNAMIC) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor: bad kind %d", kind);
		return -EINVAL;
	}
	if (kind == PG_FIB_NEIGH_DYNAMIC &&
	    pg_fib_neigh_kind(fib, ip) == PG_FIB_NEIGH_STATIC) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: configured statically",
			 ip_str(ip, a));
		return -EEXIST;
	}
	if (p < 0 || (port >= 0 && port != p)) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: not in the subnet of %s",
			 ip_str(ip, a), port >= 0 ? "that port" : "any port");
		return -EINVAL;
	}
	if (is_local(fib, ip)) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: that is our own address",
			 ip_str(ip, a));
		return -EINVAL;
	}
	if ((mac[0] & 1) != 0 || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: mac must be a unicast address",
			 ip_str(ip, a));
		return -EINVAL;
	}
	ret = room_for_routes(fib, 1);
	if (ret != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: table full", ip_str(ip, a));
		return ret;
	}
	if (find_gw_nh(fib, ip) < 0 && fib->n_nh >= fib->nh_cap) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: next-hop table full (%u)",
			 ip_str(ip, a), fib->nh_cap);
		return -ENOSPC;
	}
	CHANGE(fib, err, do_neigh_set(fib, &t_, ip, mac, (uint16_t)p, (uint8_t)kind));
}

static int
do_neigh_del(struct pg_fib *fib, struct txn *t, uint32_t nh)
{
	struct pg_nexthop e;
	const uint32_t ip = fib->nh_ip[nh];
	const uint16_t port = fib->ctl_nh[nh].port;

	nh_fill_unresolved(&e, fib, port, ip);
	nh_put(fib, t, nh, &e);
	if (!t->commit)
		return uninstall(fib, t, ip, 32, PG_ROUTE_ORIGIN_NEIGHBOR);
	/* The host route goes first: it holds a reference of its own. */
	fib->nh_ref[nh]++;
	uninstall(fib, t, ip, 32, PG_ROUTE_ORIGIN_NEIGHBOR);
	fib->nh_neigh[nh] = PG_FIB_NEIGH_NONE;
	fib->n_neighbors--;
	ref_drop(fib, nh);
	return 0;
}

int
pg_fib_neigh_del(struct pg_fib *fib, uint32_t ip, char err[PG_CONF_ERR_LEN])
{
	const int nh = find_gw_nh(fib, ip);
	char a[20];

	if (nh < 0 || !fib->nh_neigh[nh]) {
		snprintf(err, PG_CONF_ERR_LEN, "neighbor %s: no such neighbor", ip_str(ip, a));
		return -ENOENT;
	}
	CHANGE(fib, err, do_neigh_del(fib, &t_, (uint32_t)nh));
}

/* ---- bulk loads ------------------------------------------------------------- */

static int
spec_cmp(const void *a, const void *b)
{
	const struct pg_fib_route_spec *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Check one spec and fill in its port; the message names its line. */
static int
spec_check(const struct pg_fib *fib, struct pg_fib_route_spec *r, char err[PG_CONF_ERR_LEN])
{
	char a[20];

	if (r->len > 32) {
		snprintf(err, PG_CONF_ERR_LEN, "line %u: prefix length %u: must be 0..32",
			 r->line, r->len);
		return -EINVAL;
	}
	r->prefix &= mask_of(r->len);
	if (r->group != 0)
		return 0;       /* checked when it was held */
	if (r->gw != 0) {
		const int p = pg_fib_port_of(fib, r->gw);

		if (p < 0 || (r->port >= 0 && r->port != p)) {
			snprintf(err, PG_CONF_ERR_LEN, "line %u: via %s: not in the subnet of %s",
				 r->line, ip_str(r->gw, a), r->port >= 0 ? "that port" : "any port");
			return -EINVAL;
		}
		if (is_local(fib, r->gw)) {
			snprintf(err, PG_CONF_ERR_LEN, "line %u: via %s: that is our own address",
				 r->line, ip_str(r->gw, a));
			return -EINVAL;
		}
		r->port = (int16_t)p;
	} else if (r->port < 0 || (unsigned int)r->port >= fib->n_ports) {
		snprintf(err, PG_CONF_ERR_LEN, "line %u: route %s/%u: needs a gateway or a port",
			 r->line, ip_str(r->prefix, a), r->len);
		return -EINVAL;
	}
	return 0;
}

/* A new next hop @p e (of address @p ip, 0: none) that nothing points at
 * yet, so written to both copies directly (at creation they do not exist
 * yet: they are made from ctl_nh). One reference, the caller's. */
static int
nh_new_held(struct pg_fib *fib, const struct pg_nexthop *e, uint32_t ip)
{
	uint32_t idx;

	for (idx = first_dynamic_nh(fib); idx < fib->n_nh; idx++)
		if (fib->nh_ref[idx] == 0 && !fib->nh_neigh[idx])
			break;
	if (idx >= fib->nh_cap)
		return -ENOSPC;
	fib->ctl_nh[idx] = *e;
	if (fib->side[0].nh != NULL) {
		fib->side[0].nh[idx] = *e;
		fib->side[1].nh[idx] = *e;
	}
	fib->nh_ip[idx] = ip;
	fib->nh_ref[idx] = 1;
	if (idx == fib->n_nh)
		fib->n_nh++;
	return (int)idx;
}

/*
 * A next hop for gateway @p gw that has none yet, made before any route
 * points at it: no reader can hold an index nothing points to, so both
 * copies are written directly. It starts with one reference, the caller's.
 * Returns its index or -ENOSPC.
 */
static int
gw_new_held(struct pg_fib *fib, uint32_t gw, uint16_t port)
{
	struct pg_nexthop e;

	nh_fill_unresolved(&e, fib, port, gw);
	return nh_new_held(fib, &e, gw);
}

/*
 * Next hops for gateways not seen before, made before any route points at
 * them: no reader can hold an index nothing points to, so both copies are
 * written directly. Each holds one reference until the load commits or
 * fails. Returns how many were made, or -ENOSPC.
 */
static int
hold_gateways(struct pg_fib *fib, const struct pg_fib_route_spec *v, uint32_t n,
	      uint32_t *held)
{
	uint32_t i, n_held = 0;
	int idx;

	for (i = 0; i < n; i++) {
		if (v[i].group != 0 || v[i].gw == 0 || find_gw_nh(fib, v[i].gw) >= 0)
			continue;
		idx = gw_new_held(fib, v[i].gw, (uint16_t)v[i].port);
		if (idx < 0) {
			while (n_held > 0)
				ref_drop(fib, held[--n_held]);
			return -ENOSPC;
		}
		held[n_held++] = (uint32_t)idx;
	}
	return (int)n_held;
}

static uint32_t
spec_nh(const struct pg_fib *fib, const struct pg_fib_route_spec *r)
{
	if (r->group != 0)
		return r->group;
	return r->gw != 0 ? (uint32_t)find_gw_nh(fib, r->gw) : NH_UNRESOLVED(r->port);
}

/* What a spec of @p origin does to the route its prefix has now. */
enum spec_effect { SPEC_INSERT, SPEC_REPLACE, SPEC_DISPLACE, SPEC_WAIT };

static enum spec_effect
spec_effect(const struct pg_fib_route *w, uint8_t origin)
{
	if (w == NULL)
		return SPEC_INSERT;
	if (w->origin == origin)
		return SPEC_REPLACE;
	return precedence(origin) > precedence(w->origin) ? SPEC_DISPLACE : SPEC_WAIT;
}

/* A losing spec waits in the shadow list, replacing its origin's entry. */
static void
shadow_put(struct pg_fib *fib, const struct pg_fib_route *nr)
{
	uint32_t i;

	for (i = 0; i < fib->n_shadow; i++) {
		struct pg_fib_route *s = &fib->shadow[i];

		if (s->prefix == nr->prefix && s->len == nr->len && s->origin == nr->origin) {
			ref_drop(fib, s->nh);
			*s = *nr;
			return;
		}
	}
	fib->shadow[fib->n_shadow++] = *nr;
}

/* The route list with the specs merged in (both sorted): one pass. */
static int
bulk_commit(struct pg_fib *fib, uint8_t origin, const struct pg_fib_route_spec *v,
	    uint32_t n, uint32_t n_new)
{
	const uint32_t total = fib->n_routes + n_new;
	struct pg_fib_route *out = malloc(RTE_MAX(total, 1u) * sizeof(*out));
	uint32_t i = 0, k = 0, o = 0;

	if (out == NULL)
		return -ENOMEM;
	while (i < fib->n_routes || k < n) {
		const struct pg_fib_route *w = i < fib->n_routes ? &fib->routes[i] : NULL;
		const struct pg_fib_route_spec *r = k < n ? &v[k] : NULL;
		struct pg_fib_route nr;

		if (r == NULL || (w != NULL && (w->prefix < r->prefix ||
		    (w->prefix == r->prefix && w->len < r->len)))) {
			out[o++] = *w;
			i++;
			continue;
		}
		nr.prefix = r->prefix;
		nr.len = r->len;
		nr.origin = origin;
		nr.reserved = 0;
		nr.nh = spec_nh(fib, r);
		nr.gw = r->gw;
		fib->nh_ref[nr.nh]++;
		k++;
		if (w != NULL && w->prefix == r->prefix && w->len == r->len) {
			switch (spec_effect(w, origin)) {
			case SPEC_WAIT:
				shadow_put(fib, &nr);
				continue;       /* w stays, taken on the next round */
			case SPEC_REPLACE:
				ref_drop(fib, w->nh);
				break;
			default:
				fib->shadow[fib->n_shadow++] = *w;
			}
			i++;
		}
		if (nr.len == 0) {
			fib->default_nh = nr.nh;
			fib->ctl_nh[PG_NH_IDX_DEFAULT] = fib->ctl_nh[nr.nh];
		}
		out[o++] = nr;
	}
	free(fib->routes);
	fib->routes = out;
	fib->n_routes = o;
	fib->routes_cap = total;
	return 0;
}

int
pg_fib_route_add_bulk(struct pg_fib *fib, enum pg_route_origin origin,
		      struct pg_fib_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN])
{
	struct txn t = { .commit = false };
	struct pg_fib_side *side;
	uint32_t i, j, n_new = 0, n_displaced = 0, *held = NULL;
	int n_held = 0, ret;
	char a[20];

	if (!changeable_origin(origin, err))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = spec_check(fib, &v[i], err);
		if (ret != 0)
			return ret;
	}
	/* Sorted, one per prefix: the later line wins. */
	qsort(v, n, sizeof(*v), spec_cmp);
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && v[j - 1].prefix == v[i].prefix && v[j - 1].len == v[i].len)
			v[j - 1] = v[i];
		else
			v[j++] = v[i];
	}
	n = j;
	for (i = 0; i < n; i++) {
		bool found;
		const uint32_t pos = route_pos(fib, v[i].prefix, v[i].len, &found);

		if (found && fib->routes[pos].origin == PG_ROUTE_ORIGIN_LOCAL) {
			snprintf(err, PG_CONF_ERR_LEN, "line %u: route %s/%u: is our own address",
				 v[i].line, ip_str(v[i].prefix, a), v[i].len);
			return -EEXIST;
		}
		switch (spec_effect(found ? &fib->routes[pos] : NULL, (uint8_t)origin)) {
		case SPEC_INSERT:
			n_new++;
			break;
		case SPEC_DISPLACE:
		case SPEC_WAIT:
			n_displaced++;   /* one more in the shadow list, at most */
			break;
		default:
			break;
		}
	}
	if (fib->n_routes + fib->n_shadow + n_new + n_displaced > fib->max_routes) {
		snprintf(err, PG_CONF_ERR_LEN, "route load: %u routes would exceed max_routes %u",
			 fib->n_routes + fib->n_shadow + n_new, fib->max_routes);
		return -ENOSPC;
	}
	t.cap = 2 * n + 1;    /* a default route takes two steps */
	t.ops = malloc(t.cap * sizeof(*t.ops));
	held = malloc(RTE_MAX(n, 1u) * sizeof(*held));
	if (t.ops == NULL || held == NULL ||
	    grow((void **)&fib->shadow, &fib->shadow_cap, fib->n_shadow + n_displaced,
		 sizeof(*fib->shadow)) != 0) {
		ret = -ENOMEM;
		snprintf(err, PG_CONF_ERR_LEN, "route load: out of memory");
		goto out;
	}
	pthread_mutex_lock(&fib->lock);
	n_held = hold_gateways(fib, v, n, held);
	pthread_mutex_unlock(&fib->lock);
	if (n_held < 0) {
		ret = n_held;
		n_held = 0;
		snprintf(err, PG_CONF_ERR_LEN, "route load: next-hop table full (%u)", fib->nh_cap);
		goto out;
	}
	for (i = 0; i < n; i++) {
		bool found;
		const uint32_t pos = route_pos(fib, v[i].prefix, v[i].len, &found);
		struct fib_op *op;

		if (found && spec_effect(&fib->routes[pos], (uint8_t)origin) == SPEC_WAIT)
			continue;
		op = &t.ops[t.n++];
		memset(op, 0, sizeof(*op));
		op->kind = OP_ROUTE_SET;
		op->prefix = v[i].prefix;
		op->len = v[i].len;
		op->nh = spec_nh(fib, &v[i]);
		op->had_old = found;
		op->old_nh = found ? fib->routes[pos].nh : 0;
		if (v[i].len == 0) {
			/* The miss value follows the default route. */
			struct fib_op *d = &t.ops[t.n++];

			memset(d, 0, sizeof(*d));
			d->kind = OP_NH_SET;
			d->nh = PG_NH_IDX_DEFAULT;
			d->entry = fib->ctl_nh[op->nh];
			d->old_entry = fib->ctl_nh[PG_NH_IDX_DEFAULT];
		}
	}
	side = inactive_side(fib);
	ret = side_apply_grow(fib, side, &t, err);
	if (ret != 0)
		goto out;
	pthread_mutex_lock(&fib->lock);
	ret = bulk_commit(fib, (uint8_t)origin, v, n, n_new);
	if (ret != 0) {
		pthread_mutex_unlock(&fib->lock);
		/* Put the copy back as it was. */
		for (i = t.n; i-- > 0;)
			op_undo(side, &t.ops[i]);
		snprintf(err, PG_CONF_ERR_LEN, "route load: out of memory");
		goto out;
	}
	while (n_held > 0)
		ref_drop(fib, held[--n_held]);
	fib->changes++;
	pthread_mutex_unlock(&fib->lock);
	txn_finish(fib, side, &t);
out:
	if (n_held > 0) {
		pthread_mutex_lock(&fib->lock);
		while (n_held > 0)
			ref_drop(fib, held[--n_held]);
		pthread_mutex_unlock(&fib->lock);
	}
	free(held);
	free(t.ops);
	return ret;
}

int
pg_fib_route_del_bulk(struct pg_fib *fib, enum pg_route_origin origin,
		      struct pg_fib_route_spec *v, uint32_t n, char err[PG_CONF_ERR_LEN])
{
	struct txn t = { .commit = false };
	struct pg_fib_side *side;
	uint8_t *drop = NULL;
	uint32_t i, j;
	char a[20];
	int ret = 0;

	if (!changeable_origin(origin, err))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (v[i].len > 32) {
			snprintf(err, PG_CONF_ERR_LEN, "line %u: prefix length %u: must be 0..32",
				 v[i].line, v[i].len);
			return -EINVAL;
		}
		v[i].prefix &= mask_of(v[i].len);
	}
	qsort(v, n, sizeof(*v), spec_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || v[j - 1].prefix != v[i].prefix || v[j - 1].len != v[i].len)
			v[j++] = v[i];
	n = j;
	/* Distinct prefixes: each one's steps do not depend on the others'. */
	for (i = 0; i < n && ret == 0; i++) {
		ret = uninstall(fib, &t, v[i].prefix, v[i].len, (uint8_t)origin);
		if (ret != 0)
			snprintf(err, PG_CONF_ERR_LEN, "line %u: route %s/%u: no such %s route",
				 v[i].line, ip_str(v[i].prefix, a), v[i].len,
				 pg_fib_origin_name(origin));
	}
	if (ret != 0)
		goto out;
	drop = calloc(RTE_MAX(fib->n_routes, 1u), 1);
	if (t.failed || drop == NULL) {
		ret = -ENOMEM;
		snprintf(err, PG_CONF_ERR_LEN, "route delete: out of memory");
		goto out;
	}
	side = inactive_side(fib);
	ret = side_apply_grow(fib, side, &t, err);
	if (ret != 0)
		goto out;
	t.commit = true;
	pthread_mutex_lock(&fib->lock);
	for (i = 0; i < n; i++)
		uninstall_mark(fib, &t, v[i].prefix, v[i].len, (uint8_t)origin, drop);
	for (i = 0, j = 0; i < fib->n_routes; i++)
		if (!drop[i])
			fib->routes[j++] = fib->routes[i];
	fib->n_routes = j;
	fib->changes++;
	pthread_mutex_unlock(&fib->lock);
	txn_finish(fib, side, &t);
out:
	free(drop);
	free(t.ops);
	return ret;
}

/* ---- ECMP next-hop groups (docs/decisions/0010-ecmp.md) ------------------- */

static void
owner_ref_drop(void *table, uint32_t nh)
{
	ref_drop(table, nh);
}

static int
owner_nh_new(void *table, const struct pg_nexthop *e)
{
	return nh_new_held(table, e, 0);
}

int
pg_fib_group_hold(struct pg_fib *fib, const uint32_t *gws, const uint16_t *weights,
		  unsigned int n, uint32_t seed, uint32_t *value, char err[PG_CONF_ERR_LEN])
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
		set.weight[i] = weights != NULL ? weights[i] : 1;
		if (set.weight[i] == 0 || set.weight[i] > PG_NHGROUP_MAX_WEIGHT) {
			snprintf(err, PG_CONF_ERR_LEN, "weight %u: must be 1..%u", set.weight[i],
				 PG_NHGROUP_MAX_WEIGHT);
			return -EINVAL;
		}
		port[i] = gw_port(fib, gws[i], -1, err);
		if (port[i] < 0)
			return port[i];
	}
	pthread_mutex_lock(&fib->lock);
	for (i = 0; i < n; i++) {
		const int f = find_gw_nh(fib, gws[i]);
		const int idx = f >= 0 ? f : gw_new_held(fib, gws[i], (uint16_t)port[i]);

		if (idx < 0) {
			while (i-- > 0)
				ref_drop(fib, set.nh[i]);
			pthread_mutex_unlock(&fib->lock);
			snprintf(err, PG_CONF_ERR_LEN, "next-hop table full (%u)", fib->nh_cap);
			return -ENOSPC;
		}
		if (f >= 0)
			fib->nh_ref[idx]++;
		set.nh[i] = (uint32_t)idx;
	}
	ret = pg_nhgroups_hold(&fib->groups, &set, seed, value);
	pthread_mutex_unlock(&fib->lock);
	if (ret != 0)
		snprintf(err, PG_CONF_ERR_LEN, "next-hop group table full (max_groups %u)",
			 fib->groups.max_groups);
	return ret;
}

void
pg_fib_group_release(struct pg_fib *fib, uint32_t value)
{
	pthread_mutex_lock(&fib->lock);
	ref_drop(fib, value);
	pthread_mutex_unlock(&fib->lock);
}

/* The gateway a route with @p value shows: a group has several, none here. */
static uint32_t
value_gw(const struct pg_fib *fib, uint32_t value)
{
	return pg_fib_is_group(fib, value) ? 0 : fib->nh_ip[value];
}

static int
route_add_value(struct pg_fib *fib, uint8_t origin, uint32_t prefix, uint8_t len,
		uint32_t value, char err[PG_CONF_ERR_LEN])
{
	CHANGE(fib, err, install(fib, &t_, prefix, len, origin, value, value_gw(fib, value)));
}

/* Checks before a route of @p origin for (prefix, len) goes in. */
static int
route_check(struct pg_fib *fib, enum pg_route_origin origin, uint32_t prefix, uint8_t len,
	    char err[PG_CONF_ERR_LEN])
{
	if (!changeable_origin(origin, err))
		return -EINVAL;
	if (len > 32) {
		snprintf(err, PG_CONF_ERR_LEN, "prefix length %u: must be 0..32", len);
		return -EINVAL;
	}
	return route_room(fib, prefix & mask_of(len), len, err);
}

int
pg_fib_route_add_group(struct pg_fib *fib, enum pg_route_origin origin, uint32_t prefix,
		       uint8_t len, uint32_t value, char err[PG_CONF_ERR_LEN])
{
	const int ret = route_check(fib, origin, prefix, len, err);

	if (ret != 0)
		return ret;
	return route_add_value(fib, (uint8_t)origin, prefix & mask_of(len), len, value, err);
}

uint32_t
pg_fib_route_seed(const struct pg_fib *fib, enum pg_route_origin origin, uint32_t prefix,
		  uint8_t len)
{
	const struct pg_fib_route *cur = len <= 32 ? pg_fib_find(fib, prefix, len) : NULL;

	return cur != NULL && cur->origin == origin ? cur->nh : 0;
}

int
pg_fib_route_add_multi(struct pg_fib *fib, enum pg_route_origin origin, uint32_t prefix,
		       uint8_t len, const uint32_t *gws, const uint16_t *weights, unsigned int n,
		       char err[PG_CONF_ERR_LEN])
{
	uint32_t value;
	int ret;

	if (n == 1)
		return pg_fib_route_add_origin(fib, origin, prefix, len, gws[0], -1, err);
	ret = route_check(fib, origin, prefix, len, err);
	if (ret != 0)
		return ret;
	/* The flows of members that stay keep their member. */
	ret = pg_fib_group_hold(fib, gws, weights, n,
				pg_fib_route_seed(fib, origin, prefix, len), &value, err);
	if (ret != 0)
		return ret;
	/* A single distinct gateway comes back as a plain next hop: the same. */
	ret = route_add_value(fib, (uint8_t)origin, prefix & mask_of(len), len, value, err);
	pg_fib_group_release(fib, value);
	return ret;
}

const struct pg_fib_group *
pg_fib_group_of(const struct pg_fib *fib, uint32_t value)
{
	return pg_nhgroups_of(&fib->groups, value, fib->n_nh);
}

unsigned int
pg_fib_group_members(const struct pg_fib *fib, uint32_t value, uint32_t *nh,
		     uint64_t *packets)
{
	const struct pg_fib_group *grp = pg_fib_group_of(fib, value);
	unsigned int k;

	if (grp == NULL)
		return 0;
	for (k = 0; k < grp->n; k++) {
		nh[k] = grp->member[k];
		if (packets != NULL)
			packets[k] = pg_nhgroups_packets(&fib->groups,
							 (uint32_t)(grp - fib->groups.groups), k);
	}
	return grp->n;
}

/* ---- creation ----------------------------------------------------------------- */

static int
route_cmp(const void *a, const void *b)
{
	const struct pg_fib_route *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* Winner first. */
	return precedence(y->origin) - precedence(x->origin);
}

static void
add_candidate(struct pg_fib *fib, uint32_t prefix, uint8_t len, uint8_t origin,
	      uint32_t nh, uint32_t gw)
{
	struct pg_fib_route *r = &fib->routes[fib->n_routes++];

	r->prefix = prefix & mask_of(len);
	r->len = len;
	r->origin = origin;
	r->reserved = 0;
	r->nh = nh;
	r->gw = gw;
	fib->nh_ref[nh]++;
}

/*
 * The head of DPDK 22.11's struct dir24_8_tbl (lib/fib/dir24_8.h, private):
 * what the inline lookup (pg_fib_lookup.h) needs to find tbl24 and tbl8.
 */
struct dir24_8_head {
	uint32_t number_tbl8s;
	uint32_t rsvd_tbl8s;
	uint32_t cur_tbl8s;
	uint32_t nh_sz;                 /* enum rte_fib_dir24_8_nh_sz */
	uint64_t def_nh;
	const uint64_t *tbl8;
	const uint64_t *tbl8_idxes;
	/* tbl24[] follows, cache-line aligned */
};

/* Does the inline walk answer @p ip as rte_fib does? */
static bool
lookup_agrees(struct pg_fib_side *s, uint32_t ip)
{
	uint64_t want, got;

	if (rte_fib_lookup_bulk(s->v4, &ip, &want, 1) != 0)
		return false;
	pg_fib_lookup4(s, &ip, &got, 1);
	return got == want;
}

/*
 * Let workers walk the table inline if it is laid out as this code
 * expects: the head's fields match what we created, and lookups of every
 * installed prefix (first and last address, so tbl8 groups too) agree
 * with rte_fib's own. Otherwise nh_bytes stays 0: rte_fib_lookup_bulk.
 */
static void
side_bind_lookup(struct pg_fib *fib, struct pg_fib_side *s)
{
	/* What table_build() asked rte_fib for. */
	struct rte_fib_conf fc0 = { .default_nh = PG_NH_IDX_DEFAULT };
	const struct rte_fib_conf *fc = &fc0;

	fc0.dir24_8.num_tbl8 = fib->side_tbl8[s - fib->side];
	fc0.dir24_8.nh_sz = fc0.dir24_8.num_tbl8 <= MAX_NEXTHOPS_2B ? RTE_FIB_DIR24_8_2B :
								     RTE_FIB_DIR24_8_4B;
	const struct dir24_8_head *h = rte_fib_get_dp(s->v4);
	uint32_t i;

	s->nh_bytes = 0;
	if (h == NULL || h->nh_sz != (uint32_t)fc->dir24_8.nh_sz ||
	    h->number_tbl8s != fc->dir24_8.num_tbl8 || h->def_nh != fc->default_nh ||
	    h->tbl8 == NULL ||
	    (fc->dir24_8.nh_sz != RTE_FIB_DIR24_8_2B && fc->dir24_8.nh_sz != RTE_FIB_DIR24_8_4B))
		goto refuse;
	s->tbl24 = (const uint8_t *)h + RTE_ALIGN_CEIL(sizeof(*h), RTE_CACHE_LINE_SIZE);
	s->tbl8 = h->tbl8;
	s->nh_bytes = fc->dir24_8.nh_sz == RTE_FIB_DIR24_8_2B ? 2 : 4;
	if (!lookup_agrees(s, 0) || !lookup_agrees(s, UINT32_MAX))
		goto refuse;
	for (i = 0; i < fib->n_routes && i < 4096; i++) {
		const struct pg_fib_route *r = &fib->routes[i];
		const uint32_t last = r->prefix | (r->len == 0 ? UINT32_MAX :
						   (uint32_t)(UINT64_C(0xffffffff) >> r->len));

		if (!lookup_agrees(s, r->prefix) || !lookup_agrees(s, last))
			goto refuse;
	}
	return;
refuse:
	s->nh_bytes = 0;
	s->tbl24 = NULL;
	s->tbl8 = NULL;
	FIB_LOG(WARNING, "rte_fib layout not recognised: rte_fib_lookup_bulk, not the inline lookup");
}

/* A DIR-24-8 table of @p n_tbl8 groups holding the route list; NULL with
 * @p err filled. */
static struct rte_fib *
table_build(const struct pg_fib *fib, uint32_t n_tbl8, char err[PG_CONF_ERR_LEN])
{
	static unsigned int instance;
	struct rte_fib_conf fc;
	struct rte_fib *v4;
	char name[32];
	uint32_t i;

	memset(&fc, 0, sizeof(fc));
	fc.type = RTE_FIB_DIR24_8;
	/* Misses read the DEFAULT slot, which mirrors the default route. */
	fc.default_nh = PG_NH_IDX_DEFAULT;
	fc.max_routes = (int)fib->max_routes;
	/* 2-byte entries halve tbl24 (32 MiB instead of 64) but also index
	 * tbl8 groups: beyond 32767 groups take 4 bytes. */
	fc.dir24_8.nh_sz = n_tbl8 <= MAX_NEXTHOPS_2B ? RTE_FIB_DIR24_8_2B :
						       RTE_FIB_DIR24_8_4B;
	fc.dir24_8.num_tbl8 = n_tbl8;
	snprintf(name, sizeof(name), "pg_fib%u", instance++);
	v4 = rte_fib_create(name, fib->socket, &fc);
	if (v4 == NULL) {
		snprintf(err, PG_CONF_ERR_LEN,
			 "routes: cannot create the table (%u routes, %u tbl8 groups): %s",
			 fib->max_routes, n_tbl8, rte_strerror(rte_errno));
		return NULL;
	}
	for (i = 0; i < fib->n_routes; i++) {
		const struct pg_fib_route *r = &fib->routes[i];
		int ret;
		char a[20];

		if (r->len == 0)
			continue;
		ret = fib_add(v4, r->prefix, r->len, r->nh);
		if (ret != 0) {
			snprintf(err, PG_CONF_ERR_LEN, "routes: cannot install %s/%u: %s%s",
				 ip_str(r->prefix, a), r->len, strerror(-ret),
				 ret == -ENOSPC ? " (too few tbl8 groups)" : "");
			rte_fib_free(v4);
			return NULL;
		}
	}
	return v4;
}

static int
side_create(struct pg_fib *fib, struct pg_fib_side *s, char err[PG_CONF_ERR_LEN])
{
	s->nh = rte_zmalloc_socket("pg_nexthops", fib->nh_cap * sizeof(*s->nh),
				   RTE_CACHE_LINE_SIZE, fib->socket);
	if (s->nh == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "routes: out of memory for %u next hops",
			 fib->nh_cap);
		return -ENOMEM;
	}
	memcpy(s->nh, fib->ctl_nh, fib->nh_cap * sizeof(*s->nh));
	s->grp = fib->groups.grp;
	s->grp_pkts = fib->groups.pkts;
	s->grp_members = fib->groups.max_members;
	s->grp_worker_stride = pg_nhgroups_worker_stride(&fib->groups);
	s->v4 = table_build(fib, fib->n_tbl8, err);
	if (s->v4 == NULL)
		return -ENOMEM;
	*side_tbl8(fib, s) = fib->n_tbl8;
	side_bind_lookup(fib, s);
	return 0;
}

/* At creation: the next hop of a configured gateway, made UNRESOLVED if
 * new (the copies are made from ctl_nh later); -1 when full. */
static int
conf_gw_nh(struct pg_fib *fib, uint32_t gw, uint16_t port)
{
	int k = find_gw_nh(fib, gw);

	if (k >= 0)
		return k;
	if (fib->n_nh >= fib->nh_cap)
		return -1;
	k = (int)fib->n_nh++;
	nh_fill_unresolved(&fib->ctl_nh[k], fib, port, gw);
	fib->nh_ip[k] = gw;
	return k;
}

static int
conf_member(void *table, unsigned int k, const void *arg)
{
	const struct pg_conf_ecmp *e = arg;

	return conf_gw_nh(table, e->via[k], (uint16_t)pg_fib_port_of(table, e->via[k]));
}

/* At creation: the group of a `vias:` route, one reference held. */
static int
conf_group(struct pg_fib *fib, const struct pg_conf_ecmp *e, uint32_t *value,
	   char err[PG_CONF_ERR_LEN])
{
	return pg_nhgroups_conf_hold(&fib->groups, conf_member, e, e->weight, e->n,
				     fib->nh_cap, value, err);
}

/*
 * Copy @p s, which no worker reads, rebuilt from the route list with
 * @p n_tbl8 groups; its next hops stay. The new table is made before the
 * old one goes, so a copy is never lost (for a moment three tables exist).
 */
static int
side_rebuild(struct pg_fib *fib, struct pg_fib_side *s, uint32_t n_tbl8)
{
	char err[PG_CONF_ERR_LEN];
	struct rte_fib *v4 = table_build(fib, n_tbl8, err);

	if (v4 == NULL) {
		FIB_LOG(ERR, "%s", err);
		return -ENOMEM;
	}
	if (*side_tbl8(fib, s) != 0 && n_tbl8 > *side_tbl8(fib, s))
		FIB_LOG(INFO, "table copy %u grows: %u -> %u tbl8 groups (%u-byte entries)",
			(unsigned int)(s - fib->side), *side_tbl8(fib, s), n_tbl8,
			n_tbl8 <= MAX_NEXTHOPS_2B ? 2 : 4);
	rte_fib_free(s->v4);
	s->v4 = v4;
	*side_tbl8(fib, s) = n_tbl8;
	/* The inline lookup's tbl24, tbl8 and entry size are this table's
	 * now (the copy is published only after this). */
	side_bind_lookup(fib, s);
	fib->tbl8_rebuilds++;
	return 0;
}

/* Groups rounded up as rte_fib rounds them, at most the /24s there are. */
static uint32_t
tbl8_round(uint32_t n)
{
	const uint32_t r = RTE_ALIGN_CEIL(RTE_MAX(n, 1u), TBL8_ALIGN);

	return RTE_MIN(r, 1u << 24);
}

struct pg_fib *
pg_fib_create(const struct pg_conf *conf, const struct pg_fib_port *ports,
	      const struct pg_fib_limits *limits, int socket, char err[PG_CONF_ERR_LEN])
{
	const struct pg_fib_limits none = { 0 };
	struct pg_fib *fib;
	uint32_t cand, n_long = 0, i, j, max_groups, max_members;

	if (limits == NULL)
		limits = &none;
	fib = calloc(1, sizeof(*fib));
	if (fib == NULL)
		goto nomem;
	pthread_mutex_init(&fib->lock, NULL);
	fib->n_ports = conf->n_ports;
	memcpy(fib->ports, ports, conf->n_ports * sizeof(*ports));

	max_groups = limits->max_groups ? limits->max_groups : DEFAULT_MAX_GROUPS;
	max_members = limits->max_group_members ? limits->max_group_members :
		      DEFAULT_MAX_GROUP_MEMBERS;
	fib->nh_cap = limits->max_nexthops;
	if (fib->nh_cap == 0) {
		cand = RTE_MAX(first_dynamic_nh(fib) + conf->n_neighbors + conf->n_routes,
			       DEFAULT_MAX_NEXTHOPS);
		cand = pg_nhgroups_nh_room(cand, max_groups, DEFAULT_MAX_GROUPS);
		fib->nh_cap = RTE_MIN(cand, MAX_NEXTHOPS);
	}
	if (fib->nh_cap > MAX_NEXTHOPS) {
		snprintf(err, PG_CONF_ERR_LEN, "fib.max_nexthops %u: at most %u",
			 fib->nh_cap, MAX_NEXTHOPS);
		pg_fib_free(fib);
		return NULL;
	}
	if (max_groups > MAX_GROUPS || max_members > PG_FIB_GROUP_MAX_MEMBERS) {
		snprintf(err, PG_CONF_ERR_LEN,
			 "fib.max_groups %u / max_group_members %u: at most %u / %u",
			 max_groups, max_members, MAX_GROUPS, PG_FIB_GROUP_MAX_MEMBERS);
		pg_fib_free(fib);
		return NULL;
	}
	if (pg_nhgroups_init(&fib->groups, max_groups, max_members, socket) != 0)
		goto nomem;
	fib->ctl_nh = calloc(fib->nh_cap, sizeof(*fib->ctl_nh));
	fib->nh_ip = calloc(fib->nh_cap, sizeof(*fib->nh_ip));
	fib->nh_ref = calloc(fib->nh_cap, sizeof(*fib->nh_ref));
	fib->nh_neigh = calloc(fib->nh_cap, sizeof(*fib->nh_neigh));
	/* local + broadcast + connected per port, one per neighbor and route */
	cand = 3 * conf->n_ports + conf->n_neighbors + conf->n_routes;
	fib->max_routes = limits->max_routes ? limits->max_routes :
			  RTE_MAX(2 * cand, MIN_MAX_ROUTES);
	if (cand > fib->max_routes) {
		snprintf(err, PG_CONF_ERR_LEN, "fib.max_routes %u: the config has %u routes",
			 fib->max_routes, cand);
		pg_fib_free(fib);
		return NULL;
	}
	fib->routes_cap = cand;
	fib->routes = malloc(RTE_MAX(cand, 1u) * sizeof(*fib->routes));
	fib->shadow_cap = cand;
	fib->shadow = malloc(RTE_MAX(cand, 1u) * sizeof(*fib->shadow));
	if (fib->ctl_nh == NULL || fib->nh_ip == NULL || fib->nh_ref == NULL ||
	    fib->nh_neigh == NULL || fib->routes == NULL || fib->shadow == NULL)
		goto nomem;
	pg_nhgroups_bind(&fib->groups, fib, fib->ctl_nh, fib->nh_ref, owner_ref_drop,
			 owner_nh_new);

	nh_fill(&fib->ctl_nh[PG_NH_IDX_NO_ROUTE], fib, PG_NH_NO_ROUTE, 0, NULL);
	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];
		const uint32_t net = p->ip4 & mask_of(p->ip4_len);

		nh_fill(&fib->ctl_nh[NH_LOCAL(i)], fib, PG_NH_LOCAL, (uint16_t)i, NULL);
		nh_fill(&fib->ctl_nh[NH_UNRESOLVED(i)], fib, PG_NH_UNRESOLVED, (uint16_t)i, NULL);
		fib->nh_ip[NH_LOCAL(i)] = p->ip4;
		add_candidate(fib, p->ip4, 32, PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), 0);
		add_candidate(fib, net, p->ip4_len, PG_ROUTE_ORIGIN_CONNECTED,
			      NH_UNRESOLVED(i), 0);
		/* Directed broadcast is for us, never forwarded (RFC 2644). */
		if (p->ip4_len <= 30)
			add_candidate(fib, net | ~mask_of(p->ip4_len), 32,
				      PG_ROUTE_ORIGIN_LOCAL, NH_LOCAL(i), 0);
	}
	fib->n_nh = first_dynamic_nh(fib);
	for (i = 0; i < conf->n_neighbors; i++) {
		const struct pg_conf_neighbor *n = &conf->neighbors[i];
		const uint32_t idx = fib->n_nh++;

		nh_fill(&fib->ctl_nh[idx], fib, PG_NH_FORWARD, n->port, n->mac);
		fib->nh_ip[idx] = n->ip;
		fib->nh_neigh[idx] = PG_FIB_NEIGH_STATIC;
		fib->n_neighbors++;
		add_candidate(fib, n->ip, 32, PG_ROUTE_ORIGIN_NEIGHBOR, idx, n->ip);
	}
	for (i = 0; i < conf->n_routes; i++) {
		const struct pg_conf_route *r = &conf->routes[i];
		uint32_t nh = NH_UNRESOLVED(r->port), gw = 0;

		if (r->kind == PG_ROUTE_VIA && r->ecmp != 0) {
			if (conf_group(fib, &conf->ecmp[r->ecmp - 1], &nh, err) != 0) {
				pg_fib_free(fib);
				return NULL;
			}
			add_candidate(fib, r->prefix, r->len, PG_ROUTE_ORIGIN_STATIC, nh,
				      value_gw(fib, nh));
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
	}

	/* One winner per prefix, the highest precedence; the others wait. */
	qsort(fib->routes, fib->n_routes, sizeof(*fib->routes), route_cmp);
	for (i = 0, j = 0; i < fib->n_routes; i++) {
		if (j > 0 && fib->routes[j - 1].prefix == fib->routes[i].prefix &&
		    fib->routes[j - 1].len == fib->routes[i].len) {
			fib->shadow[fib->n_shadow++] = fib->routes[i];
			continue;
		}
		fib->routes[j++] = fib->routes[i];
		if (fib->routes[i].len > 24)
			n_long++;
	}
	fib->n_routes = j;

	fib->default_nh = PG_NH_IDX_NO_ROUTE;
	if (fib->n_routes > 0 && fib->routes[0].len == 0 && fib->routes[0].prefix == 0)
		fib->default_nh = fib->routes[0].nh;
	fib->ctl_nh[PG_NH_IDX_DEFAULT] = fib->ctl_nh[fib->default_nh];

	/* Headroom for /25../32 routes added at run time; more when a
	 * change needs it (side_apply_grow()), up to max_tbl8. */
	fib->max_tbl8 = tbl8_round(limits->tbl8_limit ? limits->tbl8_limit :
				   RTE_MAX(limits->max_tbl8, DEFAULT_TBL8_LIMIT));
	fib->n_tbl8 = tbl8_round(limits->max_tbl8 ? limits->max_tbl8 :
				 RTE_MAX(n_long + n_long / 2, MIN_TBL8));
	fib->n_tbl8 = RTE_MIN(fib->n_tbl8, fib->max_tbl8);
	fib->socket = socket;
	if (side_create(fib, &fib->side[0], err) != 0 ||
	    side_create(fib, &fib->side[1], err) != 0) {
		pg_fib_free(fib);
		return NULL;
	}
	fib->active = &fib->side[0];
	return fib;

nomem:
	snprintf(err, PG_CONF_ERR_LEN, "routes: out of memory building the table");
	pg_fib_free(fib);
	return NULL;
}

void
pg_fib_free(struct pg_fib *fib)
{
	unsigned int i;

	if (fib == NULL)
		return;
	for (i = 0; i < RTE_DIM(fib->side); i++) {
		rte_fib_free(fib->side[i].v4);
		rte_free(fib->side[i].nh);
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
pg_fib_set_rcu(struct pg_fib *fib, struct rte_rcu_qsbr *rcu)
{
	fib->rcu = rcu;
}

/* The lock is not part of the table's value: readers holding a const
 * table may take it. */
void
pg_fib_lock(const struct pg_fib *fib)
{
	pthread_mutex_lock((pthread_mutex_t *)(uintptr_t)&fib->lock);
}

void
pg_fib_unlock(const struct pg_fib *fib)
{
	pthread_mutex_unlock((pthread_mutex_t *)(uintptr_t)&fib->lock);
}

const struct pg_fib_route *
pg_fib_find(const struct pg_fib *fib, uint32_t prefix, uint8_t len)
{
	bool found;
	uint32_t pos = route_pos(fib, prefix & mask_of(len), len, &found);

	return found ? &fib->routes[pos] : NULL;
}

uint32_t
pg_fib_lookup(const struct pg_fib *fib, uint32_t ip)
{
	const struct pg_fib_side *s = pg_fib_active(fib);
	uint64_t nh;

	rte_fib_lookup_bulk(s->v4, &ip, &nh, 1);
	return (uint32_t)nh;
}
