/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CLI_H
#define PG_CLI_H

/**
 * @file
 * The command line contract:
 *   pktgate [EAL options] -- -c FILE [--duration S] [--idle-exit MS]
 *                            [--stats-interval S]
 *   pktgate --version | --help | --check-config FILE
 * Parsed before EAL starts (no EAL needed), so bad arguments never touch a
 * port.
 */

#include <stdbool.h>
#include <stdint.h>

#define PG_CLI_ERR_LEN 256

struct pg_cli {
	int eal_argc;             /**< arguments for rte_eal_init (argv[0] included) */
	const char *config;       /**< -c FILE */
	double duration_s;        /**< 0: run until signalled */
	uint64_t idle_exit_ms;    /**< 0: off */
	double stats_interval_s;  /**< 0: off */
	bool stats_interval_set;  /**< given on the command line */
	bool version;
	bool help;
	const char *check_config; /**< --check-config FILE: validate and exit */
};

/**
 * Split argv at "--" and parse our part.
 *
 * @return 0, or -EINVAL with @p err naming the offending argument.
 */
int pg_cli_parse(int argc, char **argv, struct pg_cli *cli, char err[PG_CLI_ERR_LEN]);

/** Usage text for --help and errors. */
const char *pg_cli_usage(void);

#endif /* PG_CLI_H */
