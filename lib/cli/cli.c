/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_cli.h"

const char *
pg_cli_usage(void)
{
	return "usage: pktgate [EAL options] -- -c FILE [--duration SECONDS]\n"
	       "               [--idle-exit MS] [--stats-interval SECONDS]\n"
	       "       pktgate --check-config FILE | --version | --help\n"
	       "  -c, --config FILE        YAML configuration (see docs/config.md)\n"
	       "  --duration SECONDS       stop cleanly after SECONDS\n"
	       "  --idle-exit MS           stop once no port received a packet for MS ms\n"
	       "  --stats-interval SECONDS print a stats line every SECONDS (0: off;\n"
	       "                           default 1 on a terminal, off otherwise)\n"
	       "  --check-config FILE      validate FILE (no EAL, no ports) and exit\n";
}

static int
parse_seconds(const char *opt, const char *val, double *out, char *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(val, &end);
	if (errno != 0 || end == val || *end != '\0' || !isfinite(v) || v < 0 ||
	    v > 1e9) {
		snprintf(err, PG_CLI_ERR_LEN, "%s: '%s' is not a number of seconds >= 0",
			 opt, val);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
parse_ms(const char *opt, const char *val, uint64_t *out, char *err)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (val[0] == '-' || val[0] == '\0')
		goto bad;
	v = strtoull(val, &end, 10);
	if (errno != 0 || *end != '\0' || v > 86400000ULL * 365)
		goto bad;
	*out = v;
	return 0;
bad:
	snprintf(err, PG_CLI_ERR_LEN, "%s: '%s' is not a number of milliseconds", opt, val);
	return -EINVAL;
}

/* Options that stand alone, before any EAL argument. */
static int
parse_standalone(int argc, char **argv, struct pg_cli *cli, char *err)
{
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0) {
		cli->version = true;
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli->help = true;
		return 1;
	}
	if (strcmp(argv[1], "--check-config") == 0) {
		if (argc != 3) {
			snprintf(err, PG_CLI_ERR_LEN, "--check-config: needs exactly one FILE");
			return -EINVAL;
		}
		cli->check_config = argv[2];
		return 1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct pg_cli *cli, char err[PG_CLI_ERR_LEN])
{
	int i, sep = -1, ret;

	memset(cli, 0, sizeof(*cli));
	err[0] = '\0';
	if (argc >= 2) {
		ret = parse_standalone(argc, argv, cli, err);
		if (ret != 0)
			return ret < 0 ? ret : 0;
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 0) {
		snprintf(err, PG_CLI_ERR_LEN,
			 "missing '--' between EAL options and pktgate options (need -c FILE)");
		return -EINVAL;
	}
	cli->eal_argc = sep;

	for (i = sep + 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *val;

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			cli->help = true;
			continue;
		}
		if (strcmp(opt, "--version") == 0) {
			cli->version = true;
			continue;
		}
		if (strcmp(opt, "-c") != 0 && strcmp(opt, "--config") != 0 &&
		    strcmp(opt, "--duration") != 0 && strcmp(opt, "--idle-exit") != 0 &&
		    strcmp(opt, "--stats-interval") != 0) {
			snprintf(err, PG_CLI_ERR_LEN, "unknown option '%s'", opt);
			return -EINVAL;
		}
		if (i + 1 >= argc) {
			snprintf(err, PG_CLI_ERR_LEN, "%s: missing value", opt);
			return -EINVAL;
		}
		val = argv[++i];
		ret = 0;
		if (strcmp(opt, "-c") == 0 || strcmp(opt, "--config") == 0)
			cli->config = val;
		else if (strcmp(opt, "--duration") == 0)
			ret = parse_seconds(opt, val, &cli->duration_s, err);
		else if (strcmp(opt, "--idle-exit") == 0)
			ret = parse_ms(opt, val, &cli->idle_exit_ms, err);
		else {
			ret = parse_seconds(opt, val, &cli->stats_interval_s, err);
			cli->stats_interval_set = true;
		}
		if (ret != 0)
			return ret;
	}
	if (cli->config == NULL && !cli->help && !cli->version) {
		snprintf(err, PG_CLI_ERR_LEN, "-c FILE: no configuration file given");
		return -EINVAL;
	}
	return 0;
}

int
pg_cli_parse(int argc, char **argv, struct pg_cli *cli, char err[PG_CLI_ERR_LEN])
{
	const int ret = parse_args(argc, argv, cli, err);
	char *p;

	/* Errors quote arguments, which may hold line breaks or terminal
	 * escapes: the caller prints one line (found by tests/fuzz/fuzz_cli). */
	if (ret != 0)
		for (p = err; *p != '\0'; p++)
			if (iscntrl((unsigned char)*p))
				*p = ' ';
	return ret;
}
