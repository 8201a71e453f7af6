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

/* The table of one total: stage, cycles, packets, calls and cycles per 100
 * of the total's packets (pg_stage_pkts()), so the rows add up to "total". */
static void
stage_table(const struct pg_stage_total *t, struct rte_tel_data *d)
{
	struct rte_tel_data *name = pg_tel_str_array(), *cyc = pg_tel_u64_array();
	struct rte_tel_data *pkts = pg_tel_u64_array(), *calls = pg_tel_u64_array();
	struct rte_tel_data *cpp = pg_tel_u64_array();
	const uint64_t n = pg_stage_pkts(t);
	uint64_t all_calls = 0;
	unsigned int i;

	for (i = 0; i < PG_STAGE_MAX; i++) {
		rte_tel_data_add_array_string(name, pg_stage_names[i]);
		tel_array_u64(cyc, t->s[i].cycles);
		tel_array_u64(pkts, t->s[i].pkts);
		tel_array_u64(calls, t->s[i].calls);
		tel_array_u64(cpp, pg_stage_per_100(t->s[i].cycles, n));
		all_calls += t->s[i].calls;
	}
	rte_tel_data_add_array_string(name, "total");
	tel_array_u64(cyc, t->cycles);
	tel_array_u64(pkts, n);
	tel_array_u64(calls, all_calls);
	tel_array_u64(cpp, pg_stage_per_100(t->cycles, n));
	pg_tel_put_column(d, "stage", name);
	pg_tel_put_column(d, "cycles", cyc);
	pg_tel_put_column(d, "packets", pkts);
	pg_tel_put_column(d, "calls", calls);
	pg_tel_put_column(d, "cycles_per_100_packets", cpp);
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
