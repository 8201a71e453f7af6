/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * /pktgate/nhgroups and /pktgate/nhgroups6: the ECMP next-hop groups of
 * the IPv4 and the IPv6 table (docs/decisions/0010-ecmp.md), one row per
 * member: its group, the routes through the group, gateway, port, state,
 * weight, buckets, and the packets the workers sent its way (summed over
 * workers, since the group was made). A page starts at group `offset` and
 * holds whole groups.
 */
#include <errno.h>

#include "pg_fib.h"
#include "pg_fib6.h"
#include "pg_port.h"
#include "tel_private.h"

#define NHGROUP_PAGE_ROWS 128

/* What differs between the families: where the member's address is. */
struct nhgroup_family {
	const struct pg_nhgroups *t;
	const struct pg_nexthop *ctl_nh;
	const uint32_t *nh_ref;
	const void *nh_ip;      /* uint32_t[] (IPv4) or uint8_t[][16] (IPv6) */
	bool v6;
};

static const char *
member_addr(const struct nhgroup_family *f, uint32_t nh, char *buf, size_t len)
{
	if (f->v6)
		return pg_conf_ip6_str(((const uint8_t (*)[16])f->nh_ip)[nh], buf, len);
	return pg_conf_ip4_str(((const uint32_t *)f->nh_ip)[nh], buf, len);
}

enum { NG_GROUP, NG_ROUTES, NG_VIA, NG_PORT, NG_STATE, NG_WEIGHT, NG_BUCKETS, NG_PACKETS };
static const struct pg_tel_col nhgroup_cols[] = {
	[NG_GROUP] = { "group", PG_TEL_COL_U64 },
	[NG_ROUTES] = { "routes", PG_TEL_COL_U64 },
	[NG_VIA] = { "via", PG_TEL_COL_STR },
	[NG_PORT] = { "port", PG_TEL_COL_STR },
	[NG_STATE] = { "state", PG_TEL_COL_STR },
	[NG_WEIGHT] = { "weight", PG_TEL_COL_U64 },
	[NG_BUCKETS] = { "buckets", PG_TEL_COL_U64 },
	[NG_PACKETS] = { "packets", PG_TEL_COL_U64 },
};

/* The table of one family's groups; @p f NULL: no table (IPv6 off). */
static int
nhgroups_table(const struct nhgroup_family *f, const struct pg_ports *ports,
	       const char *params, struct rte_tel_data *d)
{
	struct pg_tel_table t;
	unsigned long off, g, rows = 0;

	if (pg_tel_page_offset(params, &off) != 0)
		return -EINVAL;
	PG_TEL_TABLE_INIT(&t, nhgroup_cols);
	rte_tel_data_start_dict(d);
	tel_dict_u64(d, "count", f != NULL ? f->t->n_groups : 0);
	tel_dict_u64(d, "offset", off);
	tel_dict_u64(d, "max_groups", f != NULL ? f->t->max_groups : 0);
	tel_dict_u64(d, "max_group_members", f != NULL ? f->t->max_members : 0);
	for (g = off; f != NULL && g < f->t->max_groups; g++) {
		const struct pg_fib_group *m = &f->t->groups[g];
		unsigned int k;

		if (m->nh == 0)
			continue;
		if (rows + m->n > NHGROUP_PAGE_ROWS)
			break;
		rows += m->n;
		for (k = 0; k < m->n; k++) {
			const struct pg_nexthop *h = &f->ctl_nh[m->member[k]];
			char a[PG_CONF_IP6_STRLEN];

			pg_tel_table_u64(&t, NG_GROUP, g);
			pg_tel_table_u64(&t, NG_ROUTES, f->nh_ref[m->nh]);
			pg_tel_table_str(&t, NG_VIA, member_addr(f, m->member[k], a, sizeof(a)));
			pg_tel_table_str(&t, NG_PORT, ports->port[h->port].name);
			pg_tel_table_str(&t, NG_STATE, h->type == PG_NH_FORWARD ?
					 "resolved" : "unresolved");
			pg_tel_table_u64(&t, NG_WEIGHT, m->weight[k]);
			pg_tel_table_u64(&t, NG_BUCKETS, m->buckets[k]);
			pg_tel_table_u64(&t, NG_PACKETS, pg_nhgroups_packets(f->t, (uint32_t)g, k));
		}
	}
	pg_tel_table_put(&t, d);
	return 0;
}

int
pg_tel_nhgroups(const struct pg_fib *fib, const struct pg_ports *ports, const char *params,
		struct rte_tel_data *d)
{
	const struct nhgroup_family f = { &fib->groups, fib->ctl_nh, fib->nh_ref,
					  fib->nh_ip, false };
	int ret;

	pg_fib_lock(fib);
	ret = nhgroups_table(&f, ports, params, d);
	pg_fib_unlock(fib);
	return ret;
}

int
pg_tel_nhgroups6(const struct pg_fib6 *fib6, const struct pg_ports *ports,
		 const char *params, struct rte_tel_data *d)
{
	struct nhgroup_family f;
	int ret;

	if (fib6 == NULL)
		return nhgroups_table(NULL, ports, params, d);
	f = (struct nhgroup_family){ &fib6->groups, fib6->ctl_nh, fib6->nh_ref,
				     fib6->nh_ip, true };
	pg_fib6_lock(fib6);
	ret = nhgroups_table(&f, ports, params, d);
	pg_fib6_unlock(fib6);
	return ret;
}
