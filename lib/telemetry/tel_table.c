/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Column tables for the /pktgate replies (tel_private.h): most commands
 * answer with one array per field and one row per port, lcore, ring, rule
 * or group. A reply dict frees what is handed to it; whatever could not be
 * allocated is left out (telemetry has no way to say "partial").
 */
#include <rte_common.h>

#include "tel_private.h"

static struct rte_tel_data *
new_array(enum rte_tel_value_type type)
{
	struct rte_tel_data *a = rte_tel_data_alloc();

	if (a != NULL)
		rte_tel_data_start_array(a, type);
	return a;
}

struct rte_tel_data *
pg_tel_u64_array(void)
{
	return new_array(RTE_TEL_U64_VAL);
}

struct rte_tel_data *
pg_tel_str_array(void)
{
	return new_array(RTE_TEL_STRING_VAL);
}

struct rte_tel_data *
pg_tel_dict(void)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d != NULL)
		rte_tel_data_start_dict(d);
	return d;
}

void
pg_tel_put_column(struct rte_tel_data *d, const char *name, struct rte_tel_data *col)
{
	if (col != NULL && rte_tel_data_add_dict_container(d, name, col, 0) != 0)
		rte_tel_data_free(col);
}

void
pg_tel_table_init(struct pg_tel_table *t, const struct pg_tel_col *cols, unsigned int n)
{
	unsigned int i;

	RTE_VERIFY(n <= PG_TEL_TABLE_MAX_COLS);
	t->cols = cols;
	t->n = n;
	for (i = 0; i < n; i++)
		t->data[i] = cols[i].type == PG_TEL_COL_STR ? pg_tel_str_array() :
							       pg_tel_u64_array();
}

void
pg_tel_table_u64(struct pg_tel_table *t, unsigned int col, uint64_t v)
{
	if (t->data[col] != NULL)
		tel_array_u64(t->data[col], v);
}

void
pg_tel_table_str(struct pg_tel_table *t, unsigned int col, const char *v)
{
	if (t->data[col] != NULL)
		rte_tel_data_add_array_string(t->data[col], v);
}

void
pg_tel_table_put(struct pg_tel_table *t, struct rte_tel_data *d)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		pg_tel_put_column(d, t->cols[i].name, t->data[i]);
		t->data[i] = NULL;
	}
}
