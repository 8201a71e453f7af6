/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The per-stage cycle counters of pg_stage_cycles.h (no EAL): each
 * boundary charges the cycles since the previous one to the stage that
 * ended, lcores add up, and the cycles per packet of the stages add up to
 * the total's. Built in every configuration: the accounting is the same
 * code with -Dstage_cycles=true, only the marks in the workers differ.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pg_stage_cycles.h"

START_TEST(names_complete)
{
	unsigned int i;

	for (i = 0; i < PG_STAGE_MAX; i++) {
		ck_assert_ptr_nonnull(pg_stage_names[i]);
		ck_assert_ptr_nonnull(pg_stage_help[i]);
		ck_assert_int_gt(strlen(pg_stage_help[i]), 10);
	}
	ck_assert_str_eq(pg_stage_names[PG_STAGE_idle], "idle");
	ck_assert_str_eq(pg_stage_names[PG_STAGE_tx], "tx");
}
END_TEST

/* One rtc round of a 32-packet burst at made-up TSC values. */
static void
rtc_round(struct pg_stage_cycles *sc, uint64_t *t)
{
	pg_stage_mark(sc, PG_STAGE_rx, 32, *t += 100);
	pg_stage_mark(sc, PG_STAGE_validate, 32, *t += 400);
	pg_stage_mark(sc, PG_STAGE_lookup, 32, *t += 200);
	pg_stage_mark(sc, PG_STAGE_rewrite, 30, *t += 300);
	pg_stage_mark(sc, PG_STAGE_idle, 0, *t += 10);    /* the other port */
	pg_stage_mark(sc, PG_STAGE_tx, 0, *t += 150);
}

START_TEST(marks_charge_the_stage_that_ended)
{
	struct pg_stage_cycles sc;
	struct pg_stage_total t;
	uint64_t now = 1000000;
	int i;

	memset(&sc, 0, sizeof(sc));
	pg_stage_start(&sc, now);
	for (i = 0; i < 10; i++)
		rtc_round(&sc, &now);
	ck_assert_uint_eq(sc.last, now);
	ck_assert_uint_eq(sc.s[PG_STAGE_validate].cycles, 4000);
	ck_assert_uint_eq(sc.s[PG_STAGE_validate].pkts, 320);
	ck_assert_uint_eq(sc.s[PG_STAGE_validate].calls, 10);
	ck_assert_uint_eq(sc.s[PG_STAGE_rewrite].pkts, 300);
	ck_assert_uint_eq(sc.s[PG_STAGE_tx].pkts, 0);
	ck_assert_uint_eq(sc.s[PG_STAGE_acl].calls, 0);

	memset(&t, 0, sizeof(t));
	pg_stage_sum(&sc, &t);
	/* every cycle since the start is in exactly one stage */
	ck_assert_uint_eq(t.cycles, now - 1000000);
	ck_assert_uint_eq(pg_stage_pkts(&t), 320);
	/* 11600 cycles / 320 packets = 36.25 per packet */
	ck_assert_uint_eq(pg_stage_per_100(t.cycles, pg_stage_pkts(&t)), 3625);
	ck_assert_uint_eq(pg_stage_per_100(t.s[PG_STAGE_validate].cycles, 320), 1250);
	ck_assert_uint_eq(pg_stage_per_100(5, 0), 0);
	/* rounding: 2/3 of a cycle is 67 hundredths */
	ck_assert_uint_eq(pg_stage_per_100(2, 3), 67);
	/* months of 16 lcores' cycles: no overflow in the x100 */
	ck_assert_uint_eq(pg_stage_per_100(UINT64_C(1) << 62, UINT64_C(1) << 55), 12800);
	ck_assert_uint_eq(pg_stage_per_100(UINT64_MAX, UINT64_MAX / 3), 300);
}
END_TEST

START_TEST(pipeline_lcores_add_up_per_box_packet)
{
	struct pg_stage_cycles rx, fwd[2];
	struct pg_stage_total all, one;
	uint64_t t = 0;
	int i;

	memset(&rx, 0, sizeof(rx));
	memset(fwd, 0, sizeof(fwd));
	pg_stage_start(&rx, 0);
	pg_stage_start(&fwd[0], 0);
	pg_stage_start(&fwd[1], 0);
	for (i = 0; i < 4; i++) {
		pg_stage_mark(&rx, PG_STAGE_rx, 32, t += 200);
		pg_stage_mark(&rx, PG_STAGE_hash, 32, t += 160);
		pg_stage_mark(&rx, PG_STAGE_enqueue, 32, t += 40);
	}
	/* each forwarding lcore took half of the 128 packets off its ring */
	for (i = 0; i < 2; i++) {
		uint64_t f = 0;

		pg_stage_mark(&fwd[i], PG_STAGE_dequeue, 64, f += 640);
		pg_stage_mark(&fwd[i], PG_STAGE_validate, 64, f += 1280);
		pg_stage_mark(&fwd[i], PG_STAGE_tx, 0, f += 640);
		pg_stage_mark(&fwd[i], PG_STAGE_idle, 0, f += 5000);
	}
	memset(&one, 0, sizeof(one));
	pg_stage_sum(&fwd[1], &one);
	ck_assert_uint_eq(pg_stage_pkts(&one), 64);     /* its ring's packets */
	memset(&all, 0, sizeof(all));
	pg_stage_sum(&rx, &all);
	pg_stage_sum(&fwd[0], &all);
	pg_stage_sum(&fwd[1], &all);
	ck_assert_uint_eq(pg_stage_pkts(&all), 128);    /* received once */
	ck_assert_uint_eq(all.s[PG_STAGE_dequeue].pkts, 128);
	/* busy cycles a packet through the box: (1600 + 2 x 2560) / 128 */
	ck_assert_uint_eq(pg_stage_per_100(all.cycles - all.s[PG_STAGE_idle].cycles, 128), 5250);
	ck_assert_uint_eq(all.cycles, 1600 + 2 * (2560 + 5000));
}
END_TEST

static Suite *
stages_suite(void)
{
	Suite *s = suite_create("stages");
	TCase *tc = tcase_create("stage_cycles");

	tcase_add_test(tc, names_complete);
	tcase_add_test(tc, marks_charge_the_stage_that_ended);
	tcase_add_test(tc, pipeline_lcores_add_up_per_box_packet);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	SRunner *sr = srunner_create(stages_suite());
	int failed;

	srunner_run_all(sr, tap != NULL && strcmp(tap, "-") == 0 ? CK_SILENT : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
