/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "check.h"
#include "pg_fib6.h"

bool
pg_lcore_enabled(unsigned int lcore)
{
	return lcore < RTE_MAX_LCORE && rte_lcore_is_enabled(lcore);
}

bool
pg_device_exists(const char *device)
{
	uint16_t id;

	return rte_eth_dev_get_port_by_name(device, &id) == 0;
}

int
pg_check_config(const char *path, bool with_eal, struct pg_check_result *res,
		char err[PG_CONF_ERR_LEN])
{
	char inner[PG_CONF_ERR_LEN];
	struct pg_conf *conf;
	int ret = 0;

	conf = pg_conf_load(path, err);
	if (conf == NULL)
		return -EINVAL;
	if (with_eal && pg_conf_check_runtime(conf, pg_lcore_enabled, rte_get_main_lcore(),
					      pg_device_exists, inner) != 0) {
		/* Runtime messages do not name the file; load errors do. */
		snprintf(err, PG_CONF_ERR_LEN, "%.96s: %.150s", path, inner);
		ret = -EINVAL;
	}
	res->ports = conf->n_ports;
	res->neighbors = conf->n_neighbors;
	res->routes = conf->n_routes;
	res->workers = conf->n_workers;
	res->ipv6 = pg_fib6_wanted(conf);
	res->neighbors6 = conf->n_neighbors6;
	res->routes6 = conf->n_routes6;
	pg_conf_free(conf);
	return ret;
}
