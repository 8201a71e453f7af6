/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * What the IPv4 table tests (test_fib_live.c, test_fib_ecmp.c) share: a
 * table made from the config per test (the fixture), and main(): EAL
 * without hugepages, the config parsed, the table's port facts from it,
 * the suite run without fork (EAL threads do not survive one).
 */
#ifndef FIB_TEST_MAIN_H
#define FIB_TEST_MAIN_H

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "pg_conf.h"
#include "pg_fib.h"

static struct pg_conf *conf;
static struct pg_fib_port fports[2];
static struct pg_fib *fib;

static struct pg_fib *
make(const struct pg_fib_limits *lim)
{
	char err[PG_CONF_ERR_LEN];
	struct pg_fib *f = pg_fib_create(conf, fports, lim, SOCKET_ID_ANY, err);

	ck_assert_msg(f != NULL, "%s", err);
	return f;
}

static void
setup(void)
{
	fib = make(NULL);
}

static void
teardown(void)
{
	pg_fib_free(fib);
	fib = NULL;
}

static inline int
fib_test_main(char *argv0, char *lcores, char *file_prefix, const char *yaml,
	      size_t yaml_len, Suite *suite)
{
	char *eal_args[] = { argv0, "--no-huge", "-m", "512", "--no-pci", "-l", lcores,
		file_prefix, "--log-level", "lib.eal:warning", NULL };
	char err[PG_CONF_ERR_LEN];
	unsigned int i;
	SRunner *sr;
	int failed;

	if (rte_eal_init(RTE_DIM(eal_args) - 1, eal_args) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	conf = pg_conf_parse(yaml, yaml_len, err);
	if (conf == NULL)
		rte_exit(EXIT_FAILURE, "config: %s\n", err);
	for (i = 0; i < conf->n_ports; i++) {
		memcpy(fports[i].mac.addr_bytes, conf->ports[i].mac, 6);
		fports[i].ip4 = conf->ports[i].ip4;
		fports[i].ip4_len = conf->ports[i].ip4_len;
	}
	sr = srunner_create(suite);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_conf_free(conf);
	rte_eal_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* FIB_TEST_MAIN_H */
