/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_TEL_PRIVATE_H
#define PG_TEL_PRIVATE_H

/* What the files of lib/telemetry share: column helpers and the commands
 * that live in files of their own. */

#include <rte_telemetry.h>
#include <rte_version.h>

#include "pg_worker.h"

/* 23.03 renamed the unsigned adders; keep one spelling here. */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define tel_dict_u64 rte_tel_data_add_dict_uint
#define tel_array_u64 rte_tel_data_add_array_uint
#else
#define tel_dict_u64 rte_tel_data_add_dict_u64
#define tel_array_u64 rte_tel_data_add_array_u64
#endif

/* ---- tel_table.c ---- */

/** A new column of u64 / of strings, a new dict (NULL when out of memory). */
struct rte_tel_data *pg_tel_u64_array(void);
struct rte_tel_data *pg_tel_str_array(void);
struct rte_tel_data *pg_tel_dict(void);

/** Hand a column (or dict) to the reply dict, which frees it; NULL is skipped. */
void pg_tel_put_column(struct rte_tel_data *d, const char *name, struct rte_tel_data *col);

enum pg_tel_col_type {
	PG_TEL_COL_U64,
	PG_TEL_COL_STR,
};

/** One column of a table: its key in the reply and what it holds. */
struct pg_tel_col {
	const char *name;
	enum pg_tel_col_type type;
};

#define PG_TEL_TABLE_MAX_COLS 16

/**
 * A table of columns: declared once as an array of struct pg_tel_col
 * (indexed by an enum of the command's own), filled cell by cell, and put
 * into the reply dict in declaration order after the command's scalar
 * keys. A new column is one line in the declaration (and its enum) plus
 * its cell.
 */
struct pg_tel_table {
	const struct pg_tel_col *cols;
	unsigned int n;
	struct rte_tel_data *data[PG_TEL_TABLE_MAX_COLS];
};

/** Allocate @p n columns (RTE_DIM of the declaration). */
void pg_tel_table_init(struct pg_tel_table *t, const struct pg_tel_col *cols, unsigned int n);
#define PG_TEL_TABLE_INIT(t, cols) pg_tel_table_init((t), (cols), RTE_DIM(cols))
/** Append a cell to column @p col (an index into the declaration). */
void pg_tel_table_u64(struct pg_tel_table *t, unsigned int col, uint64_t v);
void pg_tel_table_str(struct pg_tel_table *t, unsigned int col, const char *v);
/** Hand every column to @p d (in declaration order); @p t is empty after. */
void pg_tel_table_put(struct pg_tel_table *t, struct rte_tel_data *d);

/** A page's first entry ("128"; none: 0): 0 and *offset, or -EINVAL. */
int pg_tel_page_offset(const char *params, unsigned long *offset);

/** An lcore id parameter ("3"): 0 and *id, or -EINVAL. */
int pg_tel_lcore_param(const char *params, unsigned int *id);

/** /pktgate/stages (stages.c); @p params: none or an lcore id. */
int pg_tel_stages(const struct pg_workers *ws, const char *params, struct rte_tel_data *d);

struct pg_fib;
struct pg_fib6;
struct pg_ports;

/** /pktgate/nhgroups, /pktgate/nhgroups6 (nhgroups.c): a page of a table's
 * ECMP groups, a row per member; @p fib6 NULL: IPv6 off, no groups. */
int pg_tel_nhgroups(const struct pg_fib *fib, const struct pg_ports *ports,
		    const char *params, struct rte_tel_data *d);
int pg_tel_nhgroups6(const struct pg_fib6 *fib6, const struct pg_ports *ports,
		     const char *params, struct rte_tel_data *d);

#endif /* PG_TEL_PRIVATE_H */
