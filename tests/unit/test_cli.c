/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The command line contract (no EAL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pg_cli.h"

static int
parse(struct pg_cli *cli, char *err, const char **args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "pktgate";
	while (*args != NULL)
		argv[argc++] = (char *)(uintptr_t)*args++;
	argv[argc] = NULL;
	return pg_cli_parse(argc, argv, cli, err);
}

START_TEST(full_command_line)
{
	const char *a[] = { "-l", "0,1", "--no-huge", "--", "-c", "x.yaml",
		"--duration", "2.5", "--idle-exit", "300", "--stats-interval", "1", NULL };
	struct pg_cli cli;
	char err[PG_CLI_ERR_LEN];

	ck_assert_int_eq(parse(&cli, err, a), 0);
	ck_assert_int_eq(cli.eal_argc, 4);   /* argv[0] + 3 EAL words */
	ck_assert_str_eq(cli.config, "x.yaml");
	ck_assert_double_eq(cli.duration_s, 2.5);
	ck_assert_uint_eq(cli.idle_exit_ms, 300);
	ck_assert_double_eq(cli.stats_interval_s, 1.0);
	ck_assert(cli.stats_interval_set);
}
END_TEST

START_TEST(defaults)
{
	const char *a[] = { "--", "--config", "x.yaml", NULL };
	struct pg_cli cli;
	char err[PG_CLI_ERR_LEN];

	ck_assert_int_eq(parse(&cli, err, a), 0);
	ck_assert_int_eq(cli.eal_argc, 1);
	ck_assert_double_eq(cli.duration_s, 0);
	ck_assert_uint_eq(cli.idle_exit_ms, 0);
	ck_assert(!cli.stats_interval_set);
}
END_TEST

static void
expect_error(const char **a, const char *needle)
{
	struct pg_cli cli;
	char err[PG_CLI_ERR_LEN];

	ck_assert_int_ne(parse(&cli, err, a), 0);
	ck_assert_msg(strstr(err, needle) != NULL, "'%s' not in '%s'", needle, err);
	ck_assert_ptr_null(strchr(err, '\n'));  /* one line */
}

START_TEST(errors)
{
	const char *no_sep[] = { "-l", "0,1", "-c", "x.yaml", NULL };
	const char *no_conf[] = { "-l", "0,1", "--", NULL };
	const char *unknown[] = { "--", "-c", "x", "--bogus", NULL };
	const char *missing[] = { "--", "-c", "x", "--duration", NULL };
	const char *neg[] = { "--", "-c", "x", "--duration", "-1", NULL };
	const char *junk[] = { "--", "-c", "x", "--duration", "5s", NULL };
	const char *ms[] = { "--", "-c", "x", "--idle-exit", "1.5", NULL };
	const char *ms_neg[] = { "--", "-c", "x", "--idle-exit", "-3", NULL };
	const char *si[] = { "--", "-c", "x", "--stats-interval", "nan", NULL };
	const char *cc[] = { "--check-config", NULL };

	expect_error(no_sep, "missing '--'");
	expect_error(no_conf, "-c FILE");
	expect_error(unknown, "--bogus");
	expect_error(missing, "--duration: missing value");
	expect_error(neg, "--duration");
	expect_error(junk, "'5s'");
	expect_error(ms, "--idle-exit");
	expect_error(ms_neg, "--idle-exit");
	expect_error(si, "--stats-interval");
	expect_error(cc, "--check-config");
}
END_TEST

START_TEST(standalone)
{
	const char *v[] = { "--version", NULL };
	const char *h[] = { "--help", NULL };
	const char *c[] = { "--check-config", "f.yaml", NULL };
	struct pg_cli cli;
	char err[PG_CLI_ERR_LEN];

	ck_assert_int_eq(parse(&cli, err, v), 0);
	ck_assert(cli.version);
	ck_assert_int_eq(parse(&cli, err, h), 0);
	ck_assert(cli.help);
	ck_assert_int_eq(parse(&cli, err, c), 0);
	ck_assert_str_eq(cli.check_config, "f.yaml");
	ck_assert_ptr_nonnull(strstr(pg_cli_usage(), "--idle-exit"));
}
END_TEST

/* An argument with a line break or a terminal escape is quoted in the
 * error as one printable line (found by tests/fuzz/fuzz_cli). */
START_TEST(error_is_one_printable_line)
{
	const char *a[] = { "--", "--h\a\n\x01\x1b[31m", NULL };
	const char *b[] = { "--", "-c", "x.yaml", "--duration", "1\n2", NULL };
	struct pg_cli cli;
	char err[PG_CLI_ERR_LEN];
	const char *p;

	ck_assert_int_eq(parse(&cli, err, a), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown option '--h"));
	for (p = err; *p != '\0'; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f, "control character in '%s'", err);
	ck_assert_int_eq(parse(&cli, err, b), -EINVAL);
	ck_assert_str_eq(err, "--duration: '1 2' is not a number of seconds >= 0");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, full_command_line);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, standalone);
	tcase_add_test(tc, error_is_one_printable_line);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* With TAP on stdout (meson), check's own summary would be noise. */
	srunner_run_all(sr, getenv("CK_TAP_LOG_FILE_NAME") != NULL ? CK_SILENT : CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
