/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_ACL_PRIVATE_H
#define PG_ACL_PRIVATE_H

#include <rte_acl.h>
#include <rte_log.h>

#include "pg_acl_worker.h"

extern int pg_acl_logtype;
#define ACL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_acl_logtype, "acl: " fmt "\n", ##__VA_ARGS__)

/* One built list: read-only once published. */
struct pg_acl_list {
	struct rte_acl_ctx *ctx4;     /* NULL: no IPv4 rule, all take the default */
	struct rte_acl_ctx *ctx6;
	uint32_t categories;          /* 1, or 4/8/12/16 with count rules */
	uint32_t n_rules;
	uint32_t hits_off;            /* this list's counters in an lcore's block */
	uint16_t port;
	uint8_t dir;
	uint8_t def;
	/* [0]: the default action; [k]: rule k-1's (its userdata is k). */
	uint8_t *action;
	char (*text)[PG_CONF_ACL_TEXT_LEN];
};

struct pg_acl {
	struct pg_acl_fast fast;      /* first: pg_acl_in_list() reads it */
	struct pg_acl_list *lists;
	unsigned int n_lists;
	/*
	 * Hit counters: n_lcores blocks of stride uint64_t, each block a whole
	 * number of cache lines so that no two lcores share one. In a block,
	 * list l's counters start at l->hits_off: [0] default, [k] rule k-1.
	 */
	uint64_t *hits;
	uint32_t stride;
	unsigned int n_lcores;
};

#endif /* PG_ACL_PRIVATE_H */
