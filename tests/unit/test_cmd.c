/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Unit tests for lib/ctlsock's EAL-free part: the command parser (every
 * command, every error class, exact messages), the JSON writer and the
 * dispatch (handlers, "not available", errors, overflow), plus a seeded
 * random-input run that must never crash or produce a broken reply.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <check.h>

#include "pg_cmd.h"
#include "pg_json.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char err[PG_CMD_ERR_LEN];
static struct pg_cmd cmd;

static void
ok(const char *line, enum pg_cmd_type type)
{
	int ret = pg_cmd_parse(line, &cmd, err, sizeof(err));

	ck_assert_msg(ret == 0, "'%s' rejected: %s", line, err);
	ck_assert_msg(cmd.type == type, "'%s' parsed as %s", line, pg_cmd_name(cmd.type));
}

/* ---- every command, accepted ---- */

START_TEST(test_simple_commands)
{
	ok("stats", PG_CMD_STATS);
	ok("ports\n", PG_CMD_PORTS);
	ok("  help \r\n", PG_CMD_HELP);
	ok("version", PG_CMD_VERSION);
	ok("route load /tmp/routes.txt", PG_CMD_ROUTE_LOAD);
	ok("\tstats\t", PG_CMD_STATS);
}
END_TEST

START_TEST(test_route_add_via)
{
	ok("route add 10.0.0.0/8 via 198.51.100.2", PG_CMD_ROUTE_ADD);
	ck_assert_int_eq(cmd.addr.family, AF_INET);
	ck_assert_uint_eq(cmd.addr.v4, IP4(10, 0, 0, 0));
	ck_assert_uint_eq(cmd.prefix_len, 8);
	ck_assert(cmd.has_via && !cmd.has_port);
	ck_assert_int_eq(cmd.via.family, AF_INET);
	ck_assert_uint_eq(cmd.via.v4, IP4(198, 51, 100, 2));
	ck_assert_uint_eq(cmd.n_via, 1);
	/* ECMP: every gateway, in order; via is the first. */
	ok("route add 198.51.100.0/24 via 10.0.1.2 via 10.0.1.3", PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.n_via, 2);
	ck_assert_uint_eq(cmd.via.v4, IP4(10, 0, 1, 2));
	ck_assert_uint_eq(cmd.vias[0].v4, IP4(10, 0, 1, 2));
	ck_assert_uint_eq(cmd.vias[1].v4, IP4(10, 0, 1, 3));
	ok("route add 0.0.0.0/0 via 192.0.2.254", PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.prefix_len, 0);
	ok("route add 192.0.2.77/32 via 192.0.2.50", PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.addr.v4, IP4(192, 0, 2, 77));
	/* A link-local gateway names its link. */
	ok("route add 2001:db8:5::/48 via fe80::1 port wan", PG_CMD_ROUTE_ADD);
	ck_assert(cmd.has_via && cmd.has_port);
	ck_assert_int_eq(cmd.via.family, AF_INET6);
	ck_assert_str_eq(cmd.port, "wan");
	/* ECMP over link-local gateways: each with its port, weights. */
	ok("route add 2001:db8::/32 via fe80::1 port wan weight 3 via fe80::2 port wan2 "
	   "via 2001:db8:2::5", PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.n_via, 3);
	ck_assert_str_eq(cmd.via_port[0], "wan");
	ck_assert_str_eq(cmd.via_port[1], "wan2");
	ck_assert_str_eq(cmd.via_port[2], "");
	ck_assert_uint_eq(cmd.weight[0], 3);
	ck_assert_uint_eq(cmd.weight[1], 1);
	ck_assert_uint_eq(cmd.weight[2], 1);
	ck_assert(cmd.has_port);
	ck_assert_str_eq(cmd.port, "wan");       /* the first gateway's */
	ok("route add 10.0.0.0/8 via 10.0.1.2 weight 256 port lan via 10.0.1.3 weight 1",
	   PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.weight[0], 256);
	ck_assert_str_eq(cmd.via_port[0], "lan");
	ck_assert_uint_eq(cmd.weight[1], 1);
}
END_TEST

START_TEST(test_route_add_port)
{
	ok("route add 10.9.0.0/16 port lan", PG_CMD_ROUTE_ADD);
	ck_assert(cmd.has_port && !cmd.has_via);
	ck_assert_str_eq(cmd.port, "lan");
	ok("route add 10.9.0.0/16 port wan-1_B", PG_CMD_ROUTE_ADD);
	ck_assert_str_eq(cmd.port, "wan-1_B");
}
END_TEST

START_TEST(test_route_ipv6)
{
	static const uint8_t net[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x01 };
	static const uint8_t gw[16] = { 0xfe, 0x80, [15] = 1 };

	ok("route add 2001:db8:1::/48 via fe80::1", PG_CMD_ROUTE_ADD);
	ck_assert_int_eq(cmd.addr.family, AF_INET6);
	ck_assert_mem_eq(cmd.addr.v6, net, 16);
	ck_assert_uint_eq(cmd.prefix_len, 48);
	ck_assert_int_eq(cmd.via.family, AF_INET6);
	ck_assert_mem_eq(cmd.via.v6, gw, 16);
	ok("route add ::/0 port wan", PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.prefix_len, 0);
	ok("route del 2001:db8:1::/127", PG_CMD_ROUTE_DEL);
	ok("route add 2001:db8::1/128 port lan", PG_CMD_ROUTE_ADD);
	ck_assert_uint_eq(cmd.prefix_len, 128);
}
END_TEST

START_TEST(test_route_del_list)
{
	ok("route del 203.0.113.0/24", PG_CMD_ROUTE_DEL);
	ck_assert_uint_eq(cmd.addr.v4, IP4(203, 0, 113, 0));
	ck_assert_uint_eq(cmd.prefix_len, 24);
	ok("route list", PG_CMD_ROUTE_LIST);
	ck_assert_uint_eq(cmd.offset, 0);
	ok("route list 128", PG_CMD_ROUTE_LIST);
	ck_assert_uint_eq(cmd.offset, 128);
	ok("route list 0", PG_CMD_ROUTE_LIST);
	ok("route list 4294967295", PG_CMD_ROUTE_LIST);
	ck_assert_uint_eq(cmd.offset, UINT32_MAX);
}
END_TEST

START_TEST(test_neighbor_commands)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0xab };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	ok("neighbor add 198.51.100.3 02:00:00:00:00:AB", PG_CMD_NEIGHBOR_ADD);
	ck_assert_uint_eq(cmd.addr.v4, IP4(198, 51, 100, 3));
	ck_assert_mem_eq(cmd.mac, mac, 6);
	ck_assert(!cmd.has_port);
	ok("neighbor add 198.51.100.3 02:00:00:00:00:ab port wan", PG_CMD_NEIGHBOR_ADD);
	ck_assert(cmd.has_port);
	ck_assert_str_eq(cmd.port, "wan");
	ok("neighbor add 2001:db8::2 02:00:00:00:00:ab port wan", PG_CMD_NEIGHBOR_ADD);
	ck_assert_int_eq(cmd.addr.family, AF_INET6);
	ck_assert_mem_eq(cmd.addr.v6, v6, 16);
	ok("neighbor del 198.51.100.3", PG_CMD_NEIGHBOR_DEL);
	ck_assert_uint_eq(cmd.addr.v4, IP4(198, 51, 100, 3));
	ck_assert(!cmd.has_port);
	ok("neighbor del fe80::9 port lan", PG_CMD_NEIGHBOR_DEL);
	ck_assert(cmd.has_port);
	ck_assert_str_eq(cmd.port, "lan");
	ok("neighbor list", PG_CMD_NEIGHBOR_LIST);
	ok("neighbor list 7", PG_CMD_NEIGHBOR_LIST);
	ck_assert_uint_eq(cmd.offset, 7);
}
END_TEST

START_TEST(test_file_commands)
{
	ok("config check /etc/pktgate/pktgate.yaml", PG_CMD_CONFIG_CHECK);
	ck_assert_str_eq(cmd.path, "/etc/pktgate/pktgate.yaml");
	ok("acl reload /etc/pktgate/acl.yaml", PG_CMD_ACL_RELOAD);
	ck_assert_str_eq(cmd.path, "/etc/pktgate/acl.yaml");
}
END_TEST

START_TEST(test_names_and_usage)
{
	unsigned int t;

	for (t = 0; t < PG_CMD_MAX; t++) {
		ck_assert_str_ne(pg_cmd_name((enum pg_cmd_type)t), "?");
		/* The synopsis starts with the command's own words. */
		ck_assert_msg(strncmp(pg_cmd_usage((enum pg_cmd_type)t),
				      pg_cmd_name((enum pg_cmd_type)t),
				      strlen(pg_cmd_name((enum pg_cmd_type)t))) == 0,
			      "usage of %s", pg_cmd_name((enum pg_cmd_type)t));
	}
	ck_assert_str_eq(pg_cmd_name(PG_CMD_MAX), "?");
}
END_TEST

/* ---- every error class, with the exact message ---- */

static const struct {
	const char *line, *err;
} bad[] = {
	/* a link-local gateway's port */
	{ "route add 2001:db8:5::/48 via fe80::1 port",
	  "route add: missing port NAME after 'port'" },
	{ "route add 2001:db8:5::/48 via fe80::1 dev wan",
	  "route add: unexpected word 'dev' (usage: route add PREFIX via GW [port NAME] [weight N] [via GW2 ...] | "
	  "route add PREFIX port NAME)" },
	/* ECMP weights */
	{ "route add 10.0.0.0/8 via 192.0.2.1 weight 0 via 192.0.2.2",
	  "route add: invalid weight '0' (1..256)" },
	{ "route add 10.0.0.0/8 via 192.0.2.1 weight 257",
	  "route add: invalid weight '257' (1..256)" },
	{ "route add 10.0.0.0/8 via 192.0.2.1 weight",
	  "route add: invalid weight '' (1..256)" },
	/* the request as a whole */
	{ "", "empty request (try 'help')" },
	{ " \t \r\n", "empty request (try 'help')" },
	{ "stats\x01", "byte 0x01 at column 6 is not printable ASCII" },
	{ "route add \xc3\xa9", "byte 0xc3 at column 11 is not printable ASCII" },
	{ "stats\nports", "byte 0x0a at column 6 is not printable ASCII" },
	{ "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n "
	  "o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s",
	  "too many words (max 68)" },
	/* ECMP: gateways after the first */
	{ "route add 10.0.0.0/8 via 192.0.2.1 via",
	  "route add: missing gateway address after 'via'" },
	{ "route add 10.0.0.0/8 via 192.0.2.1 via 2001:db8::1",
	  "route add: gateway 2001:db8::1 is IPv6 but prefix 10.0.0.0/8 is IPv4" },
	{ "bogus", "unknown command 'bogus' (try 'help')" },
	{ "Stats", "unknown command 'Stats' (try 'help')" },
	{ "route", "route: missing subcommand (add, del, list, load)" },
	{ "route show", "route: unknown subcommand 'show' (add, del, list, load)" },
	{ "neighbor flush", "neighbor: unknown subcommand 'flush' (add, del, list)" },
	{ "acl", "acl: missing subcommand (reload)" },
	{ "config load x", "config: unknown subcommand 'load' (check)" },
	/* trailing words */
	{ "stats now", "stats: unexpected word 'now' (usage: stats)" },
	{ "help me", "help: unexpected word 'me' (usage: help)" },
	{ "version 2", "version: unexpected word '2' (usage: version)" },
	{ "ports lan", "ports: unexpected word 'lan' (usage: ports)" },
	{ "route list 1 2", "route list: unexpected word '2' (usage: route list [OFFSET])" },
	{ "route del 10.0.0.0/8 now",
	  "route del: unexpected word 'now' (usage: route del PREFIX)" },
	{ "route add 10.0.0.0/8 port lan x",
	  "route add: unexpected word 'x' (usage: route add PREFIX via GW [port NAME] [weight N] [via GW2 ...] | route add PREFIX port NAME)" },
	{ "config check a b", "config check: unexpected word 'b' (usage: config check FILE)" },
	/* prefixes */
	{ "route add", "route add: missing PREFIX (usage: route add PREFIX via GW [port NAME] [weight N] [via GW2 ...] | "
	  "route add PREFIX port NAME)" },
	{ "route del", "route del: missing PREFIX (usage: route del PREFIX)" },
	{ "route load", "route load: missing FILE (usage: route load FILE)" },
	{ "route load a b", "route load: unexpected word 'b' (usage: route load FILE)" },
	{ "route add 10.0.0.0 via 192.0.2.1", "route add: invalid prefix '10.0.0.0' "
	  "(expected ADDRESS/LEN, e.g. 192.0.2.0/24 or 2001:db8::/32)" },
	{ "route add /8 via 192.0.2.1", "route add: invalid prefix '/8' "
	  "(expected ADDRESS/LEN, e.g. 192.0.2.0/24 or 2001:db8::/32)" },
	{ "route add 10.0.0/8 via 192.0.2.1",
	  "route add: invalid address '10.0.0' in prefix '10.0.0/8'" },
	{ "route add 010.0.0.0/8 via 192.0.2.1",
	  "route add: invalid address '010.0.0.0' in prefix '010.0.0.0/8'" },
	{ "route add 10.0.0.256/32 via 192.0.2.1",
	  "route add: invalid address '10.0.0.256' in prefix '10.0.0.256/32'" },
	{ "route add 2001:db8:::/48 port lan",
	  "route add: invalid address '2001:db8:::' in prefix '2001:db8:::/48'" },
	{ "route add 10.0.0.0/33 via 192.0.2.1",
	  "route add: invalid length '33' in prefix '10.0.0.0/33' (0..32)" },
	{ "route add 10.0.0.0/08 via 192.0.2.1",
	  "route add: invalid length '08' in prefix '10.0.0.0/08' (0..32)" },
	{ "route add 10.0.0.0/ via 192.0.2.1",
	  "route add: invalid length '' in prefix '10.0.0.0/' (0..32)" },
	{ "route add 10.0.0.0/-1 via 192.0.2.1",
	  "route add: invalid length '-1' in prefix '10.0.0.0/-1' (0..32)" },
	{ "route add 2001:db8::/129 port lan",
	  "route add: invalid length '129' in prefix '2001:db8::/129' (0..128)" },
	{ "route add 10.0.0.1/8 via 192.0.2.1",
	  "route add: host bits set in '10.0.0.1/8' (did you mean 10.0.0.0/8?)" },
	{ "route del 2001:db8::1/64",
	  "route del: host bits set in '2001:db8::1/64' (did you mean 2001:db8::/64?)" },
	{ "route del 192.0.2.1/0",
	  "route del: host bits set in '192.0.2.1/0' (did you mean 0.0.0.0/0?)" },
	/* route add: via / port */
	{ "route add 10.0.0.0/8", "route add: missing 'via GW' or 'port NAME' after the prefix" },
	{ "route add 10.0.0.0/8 dev lan",
	  "route add: expected 'via' or 'port' after the prefix, got 'dev'" },
	{ "route add 10.0.0.0/8 via", "route add: missing gateway address after 'via'" },
	{ "route add 10.0.0.0/8 via gw1", "route add: invalid gateway address 'gw1'" },
	{ "route add 10.0.0.0/8 via 192.0.2.1/32",
	  "route add: invalid gateway address '192.0.2.1/32'" },
	{ "route add 10.0.0.0/8 via fe80::1",
	  "route add: gateway fe80::1 is IPv6 but prefix 10.0.0.0/8 is IPv4" },
	{ "route add 2001:db8::/32 via 192.0.2.1",
	  "route add: gateway 192.0.2.1 is IPv4 but prefix 2001:db8::/32 is IPv6" },
	{ "route add 10.0.0.0/8 port", "route add: missing port NAME after 'port'" },
	{ "route add 10.0.0.0/8 port l@n",
	  "route add: invalid port name 'l@n' (1..31 of A-Z a-z 0-9 _ -)" },
	{ "route add 10.0.0.0/8 port 0123456789012345678901234567890123",
	  "route add: invalid port name '0123456789012345678901234567890123' (1..31 of A-Z a-z 0-9 _ -)" },
	/* offsets */
	{ "route list x", "route list: invalid OFFSET 'x' (a number 0..4294967295)" },
	{ "route list -1", "route list: invalid OFFSET '-1' (a number 0..4294967295)" },
	{ "route list 010", "route list: invalid OFFSET '010' (a number 0..4294967295)" },
	{ "neighbor list 4294967296",
	  "neighbor list: invalid OFFSET '4294967296' (a number 0..4294967295)" },
	{ "neighbor list 99999999999999999999999",
	  "neighbor list: invalid OFFSET '99999999999999999999999' (a number 0..4294967295)" },
	/* neighbors */
	{ "neighbor add", "neighbor add: missing IP (usage: neighbor add IP MAC [port NAME])" },
	{ "neighbor del", "neighbor del: missing IP (usage: neighbor del IP [port NAME])" },
	{ "neighbor add 198.51.100.300 02:00:00:00:00:01",
	  "neighbor add: invalid IP address '198.51.100.300'" },
	{ "neighbor del 10.0.0.0/8", "neighbor del: invalid IP address '10.0.0.0/8'" },
	{ "neighbor add 198.51.100.3",
	  "neighbor add: missing MAC (usage: neighbor add IP MAC [port NAME])" },
	{ "neighbor add 198.51.100.3 02:00:00:00:01",
	  "neighbor add: invalid MAC address '02:00:00:00:01' (expected xx:xx:xx:xx:xx:xx)" },
	{ "neighbor add 198.51.100.3 02-00-00-00-00-01",
	  "neighbor add: invalid MAC address '02-00-00-00-00-01' (expected xx:xx:xx:xx:xx:xx)" },
	{ "neighbor add 198.51.100.3 0g:00:00:00:00:01",
	  "neighbor add: invalid MAC address '0g:00:00:00:00:01' (expected xx:xx:xx:xx:xx:xx)" },
	{ "neighbor add 198.51.100.3 01:00:5e:00:00:01",
	  "neighbor add: MAC address 01:00:5e:00:00:01 is not a unicast address" },
	{ "neighbor add 198.51.100.3 00:00:00:00:00:00",
	  "neighbor add: MAC address 00:00:00:00:00:00 is not a unicast address" },
	{ "neighbor add 198.51.100.3 02:00:00:00:00:01 dev wan",
	  "neighbor add: expected 'port' after the MAC, got 'dev'" },
	{ "neighbor add 198.51.100.3 02:00:00:00:00:01 port",
	  "neighbor add: missing port NAME after 'port'" },
	{ "neighbor add 198.51.100.3 02:00:00:00:00:01 port wan now",
	  "neighbor add: unexpected word 'now' (usage: neighbor add IP MAC [port NAME])" },
	/* files */
	{ "config check", "config check: missing FILE (usage: config check FILE)" },
	{ "acl reload", "acl reload: missing FILE (usage: acl reload FILE)" },
};

START_TEST(test_errors)
{
	int ret = pg_cmd_parse(bad[_i].line, &cmd, err, sizeof(err));

	ck_assert_msg(ret == -1, "'%s' accepted", bad[_i].line);
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(test_error_too_long)
{
	static char line[PG_CMD_MAX_LINE + 10];
	char path[PG_CMD_PATH_LEN + 20];

	memset(line, 'a', sizeof(line) - 1);
	ck_assert_int_eq(pg_cmd_parse(line, &cmd, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "request too long (max 4095 bytes)");
	/* a file name longer than the path limit, in a line that fits */
	memcpy(path, "/", 1);
	memset(path + 1, 'p', PG_CMD_PATH_LEN);
	path[PG_CMD_PATH_LEN + 1] = '\0';
	snprintf(line, sizeof(line), "config check %s", path);
	ck_assert_int_eq(pg_cmd_parse(line, &cmd, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config check: file name too long (1025 bytes, max 1023)");
	/* a small err buffer is cut, never overrun */
	ck_assert_int_eq(pg_cmd_parse("bogus", &cmd, err, 8), -1);
	ck_assert_str_eq(err, "unknown");
}
END_TEST

/* ---- the JSON writer ---- */

START_TEST(test_json_writer)
{
	char buf[256];
	struct pg_json j;

	pg_json_init(&j, buf, sizeof(buf));
	pg_json_object_open(&j, NULL);
	pg_json_bool(&j, "ok", true);
	pg_json_uint(&j, "n", UINT64_MAX);
	pg_json_int(&j, "i", -5);
	pg_json_string(&j, "s", "a\"b\\c\nd\x01\xc3");
	pg_json_array_open(&j, "a");
	pg_json_uint(&j, NULL, 1);
	pg_json_object_open(&j, NULL);
	pg_json_bool(&j, "x", false);
	pg_json_object_close(&j);
	pg_json_array_close(&j);
	pg_json_array_open(&j, "empty");
	pg_json_array_close(&j);
	pg_json_object_close(&j);
	ck_assert(!j.overflow);
	ck_assert_str_eq(buf, "{\"ok\": true, \"n\": 18446744073709551615, \"i\": -5, "
			 "\"s\": \"a\\\"b\\\\c\\nd\\u0001\\u00c3\", \"a\": [1, {\"x\": false}], "
			 "\"empty\": []}");
	ck_assert_uint_eq(j.len, strlen(buf));
}
END_TEST

START_TEST(test_json_overflow)
{
	char buf[16];
	struct pg_json j;
	unsigned int i;

	pg_json_init(&j, buf, sizeof(buf));
	pg_json_object_open(&j, NULL);
	pg_json_string(&j, "key", "a value that does not fit");
	ck_assert(j.overflow);
	ck_assert_uint_lt(j.len, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), j.len);
	/* too deep */
	pg_json_init(&j, buf, sizeof(buf));
	for (i = 0; i <= PG_JSON_MAX_DEPTH; i++)
		pg_json_array_open(&j, NULL);
	ck_assert(j.overflow);
	/* closing more than was opened */
	pg_json_init(&j, buf, sizeof(buf));
	pg_json_array_close(&j);
	ck_assert(j.overflow);
}
END_TEST

/* ---- dispatch ---- */

static struct pg_cmd seen;
static int calls;

static int
h_stats(const struct pg_cmd *c, struct pg_json *out, char *e, size_t elen, void *arg)
{
	(void)e;
	(void)elen;
	seen = *c;
	calls++;
	pg_json_uint(out, "rx", 42);
	pg_json_string(out, "arg", arg);
	return 0;
}

static int
h_fail(const struct pg_cmd *c, struct pg_json *out, char *e, size_t elen, void *arg)
{
	(void)c;
	(void)arg;
	pg_json_uint(out, "half", 1);    /* dropped: the reply is an error */
	snprintf(e, elen, "%s: cannot open: No such file or directory", "/nope.yaml");
	return -ENOENT;
}

static int
h_errno_only(const struct pg_cmd *c, struct pg_json *out, char *e, size_t elen, void *arg)
{
	(void)c;
	(void)out;
	(void)e;
	(void)elen;
	(void)arg;
	return -EBUSY;
}

static int
h_huge(const struct pg_cmd *c, struct pg_json *out, char *e, size_t elen, void *arg)
{
	unsigned int i;

	(void)c;
	(void)e;
	(void)elen;
	(void)arg;
	pg_json_array_open(out, "routes");
	for (i = 0; i < 10000; i++)
		pg_json_string(out, NULL, "203.0.113.0/24 via 198.51.100.2 port wan static");
	pg_json_array_close(out);
	return 0;
}

static struct pg_cmd_handlers handlers(void)
{
	struct pg_cmd_handlers h;

	memset(&h, 0, sizeof(h));
	h.fn[PG_CMD_STATS] = h_stats;
	h.fn[PG_CMD_ROUTE_LIST] = h_stats;
	h.fn[PG_CMD_CONFIG_CHECK] = h_fail;
	h.fn[PG_CMD_PORTS] = h_errno_only;
	h.fn[PG_CMD_NEIGHBOR_LIST] = h_huge;
	h.arg = "ctx";
	return h;
}

START_TEST(test_dispatch_ok)
{
	struct pg_cmd_handlers h = handlers();
	static char buf[PG_CMD_MAX_REPLY];
	size_t n;

	calls = 0;
	n = pg_cmd_dispatch(&h, "stats\n", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": true, \"rx\": 42, \"arg\": \"ctx\"}\n");
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_int_eq(calls, 1);
	pg_cmd_dispatch(&h, "route list 5", buf, sizeof(buf));
	ck_assert_int_eq(calls, 2);
	ck_assert_int_eq(seen.type, PG_CMD_ROUTE_LIST);
	ck_assert_uint_eq(seen.offset, 5);
}
END_TEST

START_TEST(test_dispatch_errors)
{
	struct pg_cmd_handlers h = handlers();
	static char buf[PG_CMD_MAX_REPLY];

	pg_cmd_dispatch(&h, "bogus command", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"unknown command 'bogus' (try 'help')\"}\n");
	/* The table-changing commands until the application wires them. */
	pg_cmd_dispatch(&h, "route add 10.0.0.0/8 via 192.0.2.1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"route add: not available in this build\"}\n");
	pg_cmd_dispatch(&h, "neighbor del 192.0.2.1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"neighbor del: not available in this build\"}\n");
	pg_cmd_dispatch(&h, "acl reload /x", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"acl reload: not available in this build\"}\n");
	/* ... but a bad request is reported as such first. */
	pg_cmd_dispatch(&h, "route add 10.0.0.1/8 via 192.0.2.1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"route add: host bits set in "
			 "'10.0.0.1/8' (did you mean 10.0.0.0/8?)\"}\n");
	pg_cmd_dispatch(&h, "config check /nope.yaml", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"config check: /nope.yaml: cannot open: "
			 "No such file or directory\"}\n");
	pg_cmd_dispatch(&h, "ports", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"ports: Device or resource busy\"}\n");
	pg_cmd_dispatch(&h, "neighbor list", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"neighbor list: reply too large "
			 "(max 65536 bytes)\"}\n");
	/* a quote in the bad word stays valid JSON */
	pg_cmd_dispatch(&h, "say\"hi", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"unknown command 'say\\\"hi' (try 'help')\"}\n");
}
END_TEST

START_TEST(test_dispatch_help)
{
	struct pg_cmd_handlers h = handlers();
	static char buf[PG_CMD_MAX_REPLY];

	pg_cmd_dispatch(&h, "help", buf, sizeof(buf));
	ck_assert_msg(strncmp(buf, "{\"ok\": true, \"commands\": [{\"usage\": \"route add PREFIX "
			      "via GW [port NAME] [weight N] [via GW2 ...] | route add PREFIX port NAME\", \"available\": false}, ",
			      strlen("{\"ok\": true, \"commands\": [{\"usage\": \"route add PREFIX "
				     "via GW [port NAME] [weight N] [via GW2 ...] | route add PREFIX port NAME\", \"available\": false}, ")) == 0,
		      "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "{\"usage\": \"stats\", \"available\": true}"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"usage\": \"help\", \"available\": true}"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"usage\": \"version\", \"available\": false}"));
	ck_assert_ptr_nonnull(strstr(buf, "}]}\n"));
}
END_TEST

START_TEST(test_dispatch_small_buffer)
{
	struct pg_cmd_handlers h = handlers();
	char buf[64];

	pg_cmd_dispatch(&h, "stats", buf, 48);
	ck_assert_str_eq(buf, "{\"ok\": true, \"rx\": 42, \"arg\": \"ctx\"}\n");
	pg_cmd_dispatch(&h, "bogus-bogus-bogus-bogus-bogus", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ok\": false, \"error\": \"error message too long\"}\n");
}
END_TEST

/*
 * Random requests from a pool of good and bad words plus random bytes: the
 * parser answers 0 or -1 with one non-empty line, and every reply is one
 * JSON object on one line. Seeded, so a failure reproduces.
 */
START_TEST(test_random_input)
{
	static const char *const pool[] = {
		"route", "add", "del", "list", "neighbor", "acl", "reload", "stats", "ports",
		"config", "check", "help", "version", "via", "port", "lan", "10.0.0.0/8",
		"10.0.0.1/8", "192.0.2.1", "::/0", "2001:db8::/32", "fe80::1", "/x.yaml",
		"02:00:00:00:00:01", "01:00:00:00:00:01", "0", "4294967296", "", " ", "\t",
		"/", "::", "1.2.3.4/33", "ff:ff",
	};
	struct pg_cmd_handlers h = handlers();
	static char buf[PG_CMD_MAX_REPLY];
	char line[256];
	unsigned int i, k;
	size_t n;

	srand(12345);
	for (i = 0; i < 200000; i++) {
		size_t off = 0;
		unsigned int words = (unsigned int)rand() % 7;
		int ret;

		line[0] = '\0';
		for (k = 0; k < words && off < sizeof(line) - 40; k++) {
			if (rand() % 8 == 0) {
				line[off++] = (char)(rand() % 256);
				line[off] = '\0';
				if (line[off - 1] == '\0')
					off--;
			} else {
				off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
							k > 0 ? " " : "",
							pool[rand() % (int)(sizeof(pool) /
									  sizeof(pool[0]))]);
			}
		}
		/* check's assertions cost a syscall each: test plainly, fail loudly */
		ret = pg_cmd_parse(line, &cmd, err, sizeof(err));
		if (!(ret == 0 && cmd.type < PG_CMD_MAX) &&
		    !(ret == -1 && err[0] != '\0' && strchr(err, '\n') == NULL))
			ck_abort_msg("'%s': ret %d, err '%s'", line, ret, err);
		n = pg_cmd_dispatch(&h, line, buf, sizeof(buf));
		if (strncmp(buf, "{\"ok\": ", 7) != 0 || n != strlen(buf) ||
		    strchr(buf, '\n') != buf + n - 1)
			ck_abort_msg("reply to '%s': %s", line, buf);
		for (k = 0; k < n - 1; k++)
			if ((unsigned char)buf[k] < 0x20)
				ck_abort_msg("raw control byte in reply to '%s'", line);
	}
}
END_TEST

static Suite *
cmd_suite(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_simple_commands);
	tcase_add_test(tc, test_route_add_via);
	tcase_add_test(tc, test_route_add_port);
	tcase_add_test(tc, test_route_ipv6);
	tcase_add_test(tc, test_route_del_list);
	tcase_add_test(tc, test_neighbor_commands);
	tcase_add_test(tc, test_file_commands);
	tcase_add_test(tc, test_names_and_usage);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_error_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_writer);
	tcase_add_test(tc, test_json_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_test(tc, test_dispatch_ok);
	tcase_add_test(tc, test_dispatch_errors);
	tcase_add_test(tc, test_dispatch_help);
	tcase_add_test(tc, test_dispatch_small_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_random_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	SRunner *sr = srunner_create(cmd_suite());
	int failed;

	srunner_run_all(sr, tap != NULL && strcmp(tap, "-") == 0 ? CK_SILENT : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
