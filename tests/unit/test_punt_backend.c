/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The exception path's two kinds of kernel interface (lib/punt/backend.c,
 * no EAL): the vdev name and devargs each gets, and the device check that
 * makes pktgate refuse to start with one clear line when /dev/vhost-net
 * is missing (tests/pkt/test_punt.py checks that line end to end).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "punt_private.h"

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0a, 0xff};

START_TEST(tap_vdev)
{
	char name[64], args[160];

	ck_assert_int_eq(pg_punt_vdev(PG_CONF_MIRROR_TAP, 3, "pg-lan", mac, name, sizeof(name),
				      args, sizeof(args)), 0);
	ck_assert_str_eq(name, "net_tap_pg3");
	ck_assert_str_eq(args, "iface=pg-lan,mac=02:00:00:00:0a:ff");
	ck_assert_str_eq(pg_punt_backend_name(PG_CONF_MIRROR_TAP), "tap");
}
END_TEST

START_TEST(virtio_user_vdev)
{
	char name[64], args[160];

	ck_assert_int_eq(pg_punt_vdev(PG_CONF_MIRROR_VIRTIO_USER, 0, "fifteen-chars-x", mac,
				      name, sizeof(name), args, sizeof(args)), 0);
	/* "net_virtio_user" prefix: the vdev bus picks the driver by it. */
	ck_assert_str_eq(name, "net_virtio_user_pg0");
	ck_assert_str_eq(args, "path=/dev/vhost-net,queues=1,queue_size=512,"
			 "iface=fifteen-chars-x,mac=02:00:00:00:0a:ff");
	ck_assert_str_eq(pg_punt_backend_name(PG_CONF_MIRROR_VIRTIO_USER), "virtio_user");
	/* Too little room is an error, not a truncated argument list. */
	ck_assert_int_eq(pg_punt_vdev(PG_CONF_MIRROR_VIRTIO_USER, 0, "x", mac, name,
				      sizeof(name), args, 40), -ENAMETOOLONG);
}
END_TEST

/* The check reports the device each backend needs, and whether this host
 * has it: the same answer access(2) gives. */
START_TEST(device_check)
{
	const char *dev = NULL;
	int ret;

	ret = pg_punt_backend_check(PG_CONF_MIRROR_VIRTIO_USER, &dev);
	ck_assert_str_eq(dev, "/dev/vhost-net");
	ck_assert_int_eq(ret, access("/dev/vhost-net", R_OK | W_OK) == 0 ? 0 : -errno);
	if (access("/dev/vhost-net", F_OK) != 0)
		ck_assert_int_eq(ret, -ENOENT);
	ret = pg_punt_backend_check(PG_CONF_MIRROR_TAP, &dev);
	ck_assert_str_eq(dev, "/dev/net/tun");
	ck_assert_int_eq(ret, access("/dev/net/tun", R_OK | W_OK) == 0 ? 0 : -errno);
}
END_TEST

static Suite *
backend_suite(void)
{
	Suite *s = suite_create("punt_backend");
	TCase *tc = tcase_create("backend");

	tcase_add_test(tc, tap_vdev);
	tcase_add_test(tc, virtio_user_vdev);
	tcase_add_test(tc, device_check);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	SRunner *sr = srunner_create(backend_suite());
	int failed;

	srunner_run_all(sr, tap != NULL && strcmp(tap, "-") == 0 ? CK_SILENT : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
