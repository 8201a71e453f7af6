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

/** A new column of u64 / of strings (NULL when out of memory). */
struct rte_tel_data *pg_tel_u64_array(void);
struct rte_tel_data *pg_tel_str_array(void);

/** Hand a column to the reply dict, which frees it. */
void pg_tel_put_column(struct rte_tel_data *d, const char *name, struct rte_tel_data *col);

/** An lcore id parameter ("3"): 0 and *id, or -EINVAL. */
int pg_tel_lcore_param(const char *params, unsigned int *id);

/** /pktgate/stages (stages.c); @p params: none or an lcore id. */
int pg_tel_stages(const struct pg_workers *ws, const char *params, struct rte_tel_data *d);

#endif /* PG_TEL_PRIVATE_H */
