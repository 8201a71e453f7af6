/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * ECMP next-hop groups of either family (pg_nhgroup.h): allocation, the
 * buckets, the member counters, and finding a group by its member set.
 * fib.c and fib6.c own one table each and keep the references.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_nhgroup.h"

static_assert(PG_CONF_MAX_ECMP_MEMBERS == PG_FIB_GROUP_MAX_MEMBERS,
	      "limits.ipv*_ecmp_group_members' range is the group's");
static_assert(PG_CONF_MAX_ECMP_GROUPS <= UINT16_MAX / 2,
	      "a group's index fits a 2-byte next-hop entry");

int
pg_nhgroups_init(struct pg_nhgroups *t, uint32_t max_groups, uint32_t max_members,
		 int socket)
{
	memset(t, 0, sizeof(*t));
	t->max_groups = max_groups;
	t->max_members = max_members;
	t->groups = calloc(max_groups, sizeof(*t->groups));
	t->grp = rte_zmalloc_socket("pg_nh_groups", max_groups * sizeof(*t->grp),
				    RTE_CACHE_LINE_SIZE, socket);
	/* Per worker: pages are touched only where groups count. */
	t->pkts = calloc((size_t)PG_CONF_MAX_WORKERS * max_groups * max_members,
			 sizeof(uint64_t));
	if (t->groups == NULL || t->grp == NULL || t->pkts == NULL) {
		pg_nhgroups_fini(t);
		return -ENOMEM;
	}
	return 0;
}

void
pg_nhgroups_bind(struct pg_nhgroups *t, void *table, const struct pg_nexthop *ctl_nh,
		 uint32_t *nh_ref, void (*ref_drop)(void *table, uint32_t nh),
		 int (*nh_new)(void *table, const struct pg_nexthop *e))
{
	t->owner.table = table;
	t->owner.ctl_nh = ctl_nh;
	t->owner.nh_ref = nh_ref;
	t->owner.ref_drop = ref_drop;
	t->owner.nh_new = nh_new;
}

void
pg_nhgroups_fini(struct pg_nhgroups *t)
{
	free(t->groups);
	rte_free(t->grp);
	free(t->pkts);
	t->groups = NULL;
	t->grp = NULL;
	t->pkts = NULL;
}

unsigned int
pg_nhgroup_set_normalize(struct pg_nhgroup_set *s, uint32_t *dropped)
{
	unsigned int i, j, k, n_drop = 0;

	/* Insertion sort (at most 32), stable: the first weight of a
	 * gateway named twice stays first. */
	for (i = 1; i < s->n; i++) {
		const uint32_t nh = s->nh[i];
		const uint16_t w = s->weight[i];

		for (j = i; j > 0 && s->nh[j - 1] > nh; j--) {
			s->nh[j] = s->nh[j - 1];
			s->weight[j] = s->weight[j - 1];
		}
		s->nh[j] = nh;
		s->weight[j] = w;
	}
	for (i = 1, k = s->n ? 1 : 0; i < s->n; i++) {
		if (s->nh[i] == s->nh[k - 1]) {
			dropped[n_drop++] = s->nh[i];
			continue;
		}
		s->nh[k] = s->nh[i];
		s->weight[k++] = s->weight[i];
	}
	s->n = k;
	return n_drop;
}

int
pg_nhgroups_find(const struct pg_nhgroups *t, const struct pg_nhgroup_set *s)
{
	uint32_t i;
	unsigned int k;

	for (i = 0; i < t->max_groups; i++) {
		const struct pg_fib_group *g = &t->groups[i];

		if (g->nh == 0 || g->n != s->n)
			continue;
		for (k = 0; k < s->n && g->member[k] == s->nh[k] &&
		     g->weight[k] == s->weight[k]; k++)
			;
		if (k == s->n)
			return (int)i;
	}
	return -1;
}

void
pg_nhgroup_shares(const uint16_t *weight, unsigned int n,
		  uint8_t quota[PG_FIB_GROUP_MAX_MEMBERS])
{
	uint32_t rem[PG_FIB_GROUP_MAX_MEMBERS], sum = 0, given = 0;
	unsigned int k, best;

	for (k = 0; k < n; k++)
		sum += weight[k];
	for (k = 0; k < n; k++) {
		const uint32_t exact = PG_FIB_GROUP_BUCKETS * weight[k];

		quota[k] = (uint8_t)(exact / sum);
		rem[k] = exact % sum;
		given += quota[k];
	}
	/* Largest remainder; ties to the earlier member. */
	while (given < PG_FIB_GROUP_BUCKETS) {
		for (best = 0, k = 1; k < n; k++)
			if (rem[k] > rem[best])
				best = k;
		quota[best]++;
		rem[best] = 0;
		given++;
	}
	/* Every member carries some flows: a bucket from the largest. */
	for (k = 0; k < n; k++) {
		unsigned int j;

		if (quota[k] != 0)
			continue;
		for (best = 0, j = 1; j < n; j++)
			if (quota[j] > quota[best])
				best = j;
		quota[best]--;
		quota[k] = 1;
	}
}

/*
 * The buckets of new group @p g: each member gets its share
 * (pg_nhgroup_shares()). A bucket keeps the member @p seed gave it while
 * that member is in the group and under its share, so a member that goes
 * moves only its own flows and a member that comes takes only its share.
 */
static void
group_fill(struct pg_nhgroups *t, uint32_t g, const struct pg_nh_group *seed)
{
	struct pg_fib_group *m = &t->groups[g];
	struct pg_nh_group *out = &t->grp[g];
	uint8_t count[PG_FIB_GROUP_MAX_MEMBERS] = { 0 };
	bool taken[PG_FIB_GROUP_BUCKETS] = { false };
	uint32_t b, k;

	pg_nhgroup_shares(m->weight, m->n, m->buckets);
	for (b = 0; seed != NULL && b < PG_FIB_GROUP_BUCKETS; b++) {
		for (k = 0; k < m->n && m->member[k] != seed->nh[b]; k++)
			;
		if (k == m->n || count[k] == m->buckets[k])
			continue;
		out->nh[b] = m->member[k];
		out->slot[b] = (uint8_t)k;
		count[k]++;
		taken[b] = true;
	}
	/* The rest round-robin over the members still under their share. */
	for (b = 0, k = 0; b < PG_FIB_GROUP_BUCKETS; b++) {
		if (taken[b])
			continue;
		while (count[k % m->n] == m->buckets[k % m->n])
			k++;
		out->nh[b] = m->member[k % m->n];
		out->slot[b] = (uint8_t)(k % m->n);
		count[k % m->n]++;
		k++;
	}
}

int
pg_nhgroups_add(struct pg_nhgroups *t, uint32_t nh, const struct pg_nhgroup_set *s,
		int seed)
{
	struct pg_fib_group *g;
	uint32_t i, w;
	unsigned int k;

	for (i = 0; i < t->max_groups && t->groups[i].nh != 0; i++)
		;
	if (i == t->max_groups)
		return -ENOSPC;
	g = &t->groups[i];
	g->nh = nh;
	g->n = (uint8_t)s->n;
	for (k = 0; k < s->n; k++) {
		g->member[k] = (uint16_t)s->nh[k];
		g->weight[k] = s->weight[k];
	}
	/* Nothing points at a free group (its last route went a grace period
	 * ago): its buckets and counters are written directly. */
	group_fill(t, i, seed >= 0 ? &t->grp[seed] : NULL);
	for (w = 0; w < PG_CONF_MAX_WORKERS; w++)
		memset(&t->pkts[(size_t)w * pg_nhgroups_worker_stride(t) +
				(size_t)i * t->max_members],
		       0, t->max_members * sizeof(uint64_t));
	t->n_groups++;
	return (int)i;
}

void
pg_nhgroups_del(struct pg_nhgroups *t, uint32_t g)
{
	t->groups[g].n = 0;
	t->groups[g].nh = 0;
	t->n_groups--;
}

uint64_t
pg_nhgroups_packets(const struct pg_nhgroups *t, uint32_t g, unsigned int k)
{
	uint64_t sum = 0;
	unsigned int w;

	for (w = 0; w < PG_CONF_MAX_WORKERS; w++)
		sum += __atomic_load_n(&t->pkts[(size_t)w * pg_nhgroups_worker_stride(t) +
						(size_t)g * t->max_members + k],
				       __ATOMIC_RELAXED);
	return sum;
}

int
pg_nhgroups_conf_hold(struct pg_nhgroups *t,
		      int (*member)(void *table, unsigned int k, const void *arg),
		      const void *arg, const uint16_t *weights, unsigned int n,
		      uint32_t nh_cap, uint32_t *value, char *err)
{
	const struct pg_nhgroup_owner *o = &t->owner;
	struct pg_nhgroup_set set = { .n = n };
	unsigned int k;

	if (n > t->max_members) {
		snprintf(err, PG_CONF_ERR_LEN, "routes: %u gateways in one route: at most %u",
			 n, t->max_members);
		return -EINVAL;
	}
	for (k = 0; k < n; k++) {
		const int i = member(o->table, k, arg);

		if (i < 0) {
			while (k-- > 0)
				o->ref_drop(o->table, set.nh[k]);
			snprintf(err, PG_CONF_ERR_LEN, "routes: next-hop table full (%u)", nh_cap);
			return -ENOSPC;
		}
		set.nh[k] = (uint32_t)i;
		set.weight[k] = weights[k] != 0 ? weights[k] : 1;
		o->nh_ref[i]++;
	}
	if (pg_nhgroups_hold(t, &set, 0, value) != 0) {
		snprintf(err, PG_CONF_ERR_LEN, "routes: more ECMP member sets than max_groups %u",
			 t->max_groups);
		return -ENOSPC;
	}
	return 0;
}

void
pg_nhgroups_put(struct pg_nhgroups *t, uint32_t nh)
{
	const struct pg_nhgroup_owner *o = &t->owner;
	const uint32_t g = pg_nexthop_group(&o->ctl_nh[nh]);
	const struct pg_fib_group *grp = &t->groups[g];
	unsigned int i;

	for (i = 0; i < grp->n; i++)
		o->ref_drop(o->table, grp->member[i]);
	pg_nhgroups_del(t, g);
}

const struct pg_fib_group *
pg_nhgroups_of(const struct pg_nhgroups *t, uint32_t value, uint32_t n_nh)
{
	const struct pg_nexthop *e = &t->owner.ctl_nh[value];

	return value < n_nh && e->type == PG_NH_GROUP ? &t->groups[pg_nexthop_group(e)] : NULL;
}

int
pg_nhgroups_hold(struct pg_nhgroups *t, struct pg_nhgroup_set *s, uint32_t seed,
		 uint32_t *value)
{
	const struct pg_nhgroup_owner *o = &t->owner;
	uint32_t dropped[PG_FIB_GROUP_MAX_MEMBERS];
	const unsigned int n_drop = pg_nhgroup_set_normalize(s, dropped);
	struct pg_nexthop e;
	unsigned int i;
	uint16_t gi;
	int g, idx = -ENOSPC;

	for (i = 0; i < n_drop; i++)
		o->ref_drop(o->table, dropped[i]);
	if (s->n == 1) {
		*value = s->nh[0];
		return 0;
	}
	g = pg_nhgroups_find(t, s);
	if (g >= 0) {
		*value = t->groups[g].nh;
		o->nh_ref[*value]++;
		for (i = 0; i < s->n; i++)
			o->ref_drop(o->table, s->nh[i]);
		return 0;
	}
	/* A free group's index, then its next hop, then the group. */
	for (g = 0; g < (int)t->max_groups && t->groups[g].nh != 0; g++)
		;
	if (g < (int)t->max_groups) {
		gi = (uint16_t)g;
		memset(&e, 0, sizeof(e));
		memcpy(e.l2, &gi, sizeof(gi));
		e.type = PG_NH_GROUP;
		idx = o->nh_new(o->table, &e);
	}
	if (idx < 0) {
		for (i = 0; i < s->n; i++)
			o->ref_drop(o->table, s->nh[i]);
		return -ENOSPC;
	}
	pg_nhgroups_add(t, (uint32_t)idx, s, seed != 0 && o->ctl_nh[seed].type == PG_NH_GROUP ?
			(int)pg_nexthop_group(&o->ctl_nh[seed]) : -1);
	*value = (uint32_t)idx;
	return 0;
}
