/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_APP_CHECK_H
#define PG_APP_CHECK_H

#include <stdbool.h>

#include "pg_conf.h"

/** What a config file holds, for the "OK" line and the ctl reply. */
struct pg_check_result {
	unsigned int ports, neighbors, routes, workers;
	bool ipv6;                          /**< some port has IPv6 */
	unsigned int neighbors6, routes6;
};

/**
 * Load and validate the config file @p path and, when EAL runs
 * (@p with_eal), apply the runtime checks against this process's lcores
 * and devices. Shared by `pktgate --check-config` and `config check`.
 *
 * @return 0, or -EINVAL with @p err holding one line.
 */
int pg_check_config(const char *path, bool with_eal, struct pg_check_result *res,
		    char err[PG_CONF_ERR_LEN]);

/** The EAL facts of pg_conf_check_runtime(). */
bool pg_lcore_enabled(unsigned int lcore);
bool pg_device_exists(const char *device);

#endif
