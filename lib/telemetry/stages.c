/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * /pktgate/stages: where the workers' cycles go (lib/stats/pg_stage_cycles.h).
 * One row per stage plus "total"; columns of integers, as telemetry in 22.11
 * has no floating point: cycles per packet are given per 100 packets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "tel_private.h"

#ifdef PG_STAGE_CYCLES

enum { ST_STAGE, ST_CYCLES, ST_PACKETS, ST_CALLS, ST_CPP };
static const struct pg_tel_col stage_cols[] = {
	[ST_STAGE] = { "stage", PG_TEL_COL_STR },
	[ST_CYCLES] = { "cycles", PG_TEL_COL_U64 },
	[ST_PACKETS] = { "packets", PG_TEL_COL_U64 },
	[ST_CALLS] = { "calls", PG_TEL_COL_U64 },
	[ST_CPP] = { "cycles_per_100_packets", PG_TEL_COL_U64 },
};

/* One row: a stage's name, cycles, packets, calls and cycles per 100 of
 * @p n packets. */
static void
stage_row(struct pg_tel_table *tab, const char *name, uint64_t cycles, uint64_t pkts,
	  uint64_t calls, uint64_t n)
{
	pg_tel_table_str(tab, ST_STAGE, name);
	pg_tel_table_u64(tab, ST_CYCLES, cycles);
	pg_tel_table_u64(tab, ST_PACKETS, pkts);
	pg_tel_table_u64(tab, ST_CALLS, calls);
	pg_tel_table_u64(tab, ST_CPP, pg_stage_per_100(cycles, n));
}

/* The table of one total: stage, cycles, packets, calls and cycles per 100
 * of the total's packets (pg_stage_pkts()), so the rows add up to "total". */
static void
stage_table(const struct pg_stage_total *t, struct rte_tel_data *d)
{
	const uint64_t n = pg_stage_pkts(t);
	struct pg_tel_table tab;
	uint64_t all_calls = 0;
	unsigned int i;

	PG_TEL_TABLE_INIT(&tab, stage_cols);
	for (i = 0; i < PG_STAGE_MAX; i++) {
		stage_row(&tab, pg_stage_names[i], t->s[i].cycles, t->s[i].pkts, t->s[i].calls,
			  n);
		all_calls += t->s[i].calls;
	}
	stage_row(&tab, "total", t->cycles, n, all_calls, n);
	pg_tel_table_put(&tab, d);
}

static int
one_lcore(const struct pg_workers *ws, unsigned int lcore, struct rte_tel_data *d)
{
	unsigned int w;

	for (w = 0; w < ws->n; w++) {
		struct pg_stage_total t;

		if (ws->w[w]->lcore_id != lcore)
			continue;
		memset(&t, 0, sizeof(t));
		pg_stage_sum(&ws->w[w]->stats.stages, &t);
		tel_dict_u64(d, "lcore", lcore);
		rte_tel_data_add_dict_string(d, "role", pg_worker_role_name(ws->w[w]->role));
		stage_table(&t, d);
		return 0;
	}
	return -EINVAL;
}

int
pg_tel_stages(const struct pg_workers *ws, const char *params, struct rte_tel_data *d)
{
	struct pg_stage_total sum;
	unsigned int w;

	rte_tel_data_start_dict(d);
	tel_dict_u64(d, "enabled", 1);
	tel_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	if (params != NULL && *params != '\0') {
		unsigned int id;

		if (pg_tel_lcore_param(params, &id) != 0)
			return -EINVAL;
		return one_lcore(ws, id, d);
	}
	memset(&sum, 0, sizeof(sum));
	for (w = 0; w < ws->n; w++)
		pg_stage_sum(&ws->w[w]->stats.stages, &sum);
	stage_table(&sum, d);
	/* Each lcore's cycles per 100 of its own packets, same rows. */
	for (w = 0; w < ws->n; w++) {
		struct rte_tel_data *col = pg_tel_u64_array();
		struct pg_stage_total t;
		char key[32];
		unsigned int i;

		memset(&t, 0, sizeof(t));
		pg_stage_sum(&ws->w[w]->stats.stages, &t);
		for (i = 0; i < PG_STAGE_MAX; i++)
			tel_array_u64(col, pg_stage_per_100(t.s[i].cycles, pg_stage_pkts(&t)));
		tel_array_u64(col, pg_stage_per_100(t.cycles, pg_stage_pkts(&t)));
		snprintf(key, sizeof(key), "lcore_%u", ws->w[w]->lcore_id);
		pg_tel_put_column(d, key, col);
	}
	return 0;
}

#else

int
pg_tel_stages(const struct pg_workers *ws __rte_unused, const char *params __rte_unused,
	      struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	tel_dict_u64(d, "enabled", 0);
	return 0;
}

#endif
