/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * libFuzzer target: the command line parser (pg_cli_parse). The input is
 * split at NUL bytes into arguments after argv[0]. Checks the contract:
 * 0 with values in range and the EAL part ending at "--", or -EINVAL
 * with one non-empty error line.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_cli.h"

#define MAX_ARGS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_cli: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1], *buf, *p, *end;
	char err[PG_CLI_ERR_LEN];
	struct pg_cli cli;
	int argc = 1, ret;

	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "pktgate";
	for (p = buf, end = buf + size; p <= end && argc < MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	memset(err, 'x', sizeof(err));
	ret = pg_cli_parse(argc, argv, &cli, err);
	if (ret != 0) {
		check(ret == -EINVAL, "error other than -EINVAL");
		check(strnlen(err, sizeof(err)) > 0 && strnlen(err, sizeof(err)) < sizeof(err),
		      "error message empty or unterminated");
		check(strchr(err, '\n') == NULL, "error message spans lines");
	} else if (!cli.version && !cli.help && cli.check_config == NULL) {
		check(cli.eal_argc >= 1 && cli.eal_argc < argc &&
		      strcmp(argv[cli.eal_argc], "--") == 0, "EAL arguments do not end at --");
		check(cli.config != NULL, "no config file and no error");
		check(isfinite(cli.duration_s) && cli.duration_s >= 0, "duration");
		check(isfinite(cli.stats_interval_s) && cli.stats_interval_s >= 0,
		      "stats interval");
	}
	free(buf);
	return 0;
}
