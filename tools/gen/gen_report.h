/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef GEN_REPORT_H
#define GEN_REPORT_H

/**
 * @file
 * The end-of-run summary: human text and JSON, from counters the workers
 * have stopped writing.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>

#include "gen.h"
#include "gen_lat.h"
#include "gen_worker.h"

struct gen_report_port {
	uint16_t id;
	char name[RTE_ETH_NAME_MAX_LEN];
	const char *role;          /**< "tx", "rx" or "tx+rx" */
	bool stats_ok;
	struct rte_eth_stats st;
};

struct gen_report {
	const struct gen_cfg *cfg;
	uint64_t hz;
	struct gen_tx_stats tx;
	struct gen_rx_stats rx;
	const struct gen_lat *lat;
	double duration_s;         /**< measured TX time */
	unsigned int tx_lcore;
	unsigned int rx_lcore;
	unsigned int n_ports;
	struct gen_report_port port[2];
};

/** Human summary. */
void gen_report_text(FILE *f, const struct gen_report *r);

/** JSON summary, one object. @return 0 or -EIO. */
int gen_report_json(FILE *f, const struct gen_report *r);

#endif /* GEN_REPORT_H */
