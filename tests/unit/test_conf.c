/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Unit tests for lib/conf: YAML parsing, every validation rule, error
 * messages (field path, one line) and the runtime checks. No EAL needed.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "pg_conf.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char err[PG_CONF_ERR_LEN];

/* ---- fixtures ---- */

static const char full_yaml[] =
	"# a complete config using every key\n"
	"ports:\n"
	"  - name: lan\n"
	"    device: net_pcap0\n"
	"    ipv4: 192.0.2.1/24\n"
	"    mac: 02:00:00:00:00:01\n"
	"    rx_queues: 2\n"
	"    rx_desc: 512\n"
	"    tx_desc: 4096\n"
	"  - name: wan-1\n"
	"    device: \"0000:01:00.0\"\n"
	"    ipv4: 198.51.100.1/24\n"
	"neighbors:\n"
	"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan-1}\n"
	"  - ip: 192.0.2.50\n"
	"    mac: 0A:bC:00:00:00:50\n"
	"    port: lan\n"
	"routes:\n"
	"  - {prefix: 203.0.113.0/24, via: 198.51.100.2}   # a neighbor\n"
	"  - {prefix: 10.9.0.0/16, port: lan}\n"
	"  - {prefix: 0.0.0.0/0, via: 198.51.100.254}      # in a subnet\n"
	"  - {prefix: 10.9.0.0/24, port: wan-1}            # other length\n"
	"  - {prefix: 192.0.2.77/32, via: 192.0.2.50}\n"
	"workers:\n"
	"  lcores: [1, 3]\n";

/* Sections that the error tests swap one at a time, see doc(). */
static const char ports_ok[] =
	"ports:\n"
	"  - name: lan\n"
	"    device: net_pcap0\n"
	"    ipv4: 192.0.2.1/24\n"
	"  - name: wan\n"
	"    device: net_pcap1\n"
	"    ipv4: 198.51.100.1/24\n";
static const char neighbors_ok[] =
	"neighbors:\n"
	"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n";
static const char routes_ok[] =
	"routes:\n"
	"  - {prefix: 203.0.113.0/24, via: 198.51.100.2}\n"
	"  - {prefix: 10.9.0.0/16, port: lan}\n";
static const char workers_ok[] =
	"workers:\n"
	"  lcores: [1, 2]\n";

/* A document from four sections; NULL picks the valid default. */
static const char *
doc(const char *ports, const char *neighbors, const char *routes,
    const char *workers)
{
	static char buf[16384];

	snprintf(buf, sizeof(buf), "%s%s%s%s",
		 ports != NULL ? ports : ports_ok,
		 neighbors != NULL ? neighbors : neighbors_ok,
		 routes != NULL ? routes : routes_ok,
		 workers != NULL ? workers : workers_ok);
	return buf;
}

/* One port section with a single key replaced/added. */
static const char *
one_port(const char *extra)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "ports:\n"
		 "  - name: lan\n"
		 "    device: net_pcap0\n"
		 "    ipv4: 192.0.2.1/24\n"
		 "%s", extra);
	return buf;
}

static struct pg_conf *
parse(const char *yaml)
{
	memset(err, 'X', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	return pg_conf_parse(yaml, strlen(yaml), err);
}

/* The document must be rejected with err naming every needle. */
static void
expect_error(const char *yaml, const char *needle1, const char *needle2)
{
	struct pg_conf *conf = parse(yaml);

	if (conf != NULL)
		pg_conf_free(conf);
	ck_assert_msg(conf == NULL, "accepted, expected error '%s'", needle1);
	ck_assert_msg(strstr(err, needle1) != NULL,
		      "err \"%s\" lacks \"%s\"", err, needle1);
	ck_assert_msg(needle2 == NULL || strstr(err, needle2) != NULL,
		      "err \"%s\" lacks \"%s\"", err, needle2);
	ck_assert_msg(strchr(err, '\n') == NULL, "err is not one line: %s",
		      err);
	ck_assert_uint_lt(strlen(err), PG_CONF_ERR_LEN);
}

static struct pg_conf *
expect_ok(const char *yaml)
{
	struct pg_conf *conf = parse(yaml);

	ck_assert_msg(conf != NULL, "rejected: %s", err);
	return conf;
}

/* ---- valid documents ---- */

START_TEST(test_full_config)
{
	struct pg_conf *c = expect_ok(full_yaml);
	const struct pg_conf_port *p;
	const struct pg_conf_route *r;
	static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mac_n0[6] = { 2, 0, 0, 0, 0, 0x99 };
	static const uint8_t mac_n1[6] = { 0x0a, 0xbc, 0, 0, 0, 0x50 };

	ck_assert_uint_eq(c->n_ports, 2);
	p = &c->ports[0];
	ck_assert_str_eq(p->name, "lan");
	ck_assert_str_eq(p->device, "net_pcap0");
	ck_assert_uint_eq(p->ip4, IP4(192, 0, 2, 1));
	ck_assert_uint_eq(p->ip4_len, 24);
	ck_assert(p->has_mac);
	ck_assert_mem_eq(p->mac, mac0, 6);
	ck_assert_uint_eq(p->rx_queues, 2);
	ck_assert_uint_eq(p->rx_desc, 512);
	ck_assert_uint_eq(p->tx_desc, 4096);

	p = &c->ports[1];
	ck_assert_str_eq(p->name, "wan-1");
	ck_assert_str_eq(p->device, "0000:01:00.0");
	ck_assert_uint_eq(p->ip4, IP4(198, 51, 100, 1));
	ck_assert_uint_eq(p->ip4_len, 24);
	ck_assert(!p->has_mac);
	ck_assert_uint_eq(p->rx_queues, 0);
	ck_assert_uint_eq(p->rx_desc, PG_CONF_DEFAULT_RX_DESC);
	ck_assert_uint_eq(p->tx_desc, PG_CONF_DEFAULT_TX_DESC);

	ck_assert_uint_eq(c->n_neighbors, 2);
	ck_assert_uint_eq(c->neighbors[0].ip, IP4(198, 51, 100, 2));
	ck_assert_mem_eq(c->neighbors[0].mac, mac_n0, 6);
	ck_assert_uint_eq(c->neighbors[0].port, 1);
	ck_assert_uint_eq(c->neighbors[1].ip, IP4(192, 0, 2, 50));
	ck_assert_mem_eq(c->neighbors[1].mac, mac_n1, 6);
	ck_assert_uint_eq(c->neighbors[1].port, 0);

	ck_assert_uint_eq(c->n_routes, 5);
	r = &c->routes[0];
	ck_assert_uint_eq(r->prefix, IP4(203, 0, 113, 0));
	ck_assert_uint_eq(r->len, 24);
	ck_assert_uint_eq(r->kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(r->via, IP4(198, 51, 100, 2));
	ck_assert_uint_eq(r->port, 1);
	r = &c->routes[1];
	ck_assert_uint_eq(r->prefix, IP4(10, 9, 0, 0));
	ck_assert_uint_eq(r->len, 16);
	ck_assert_uint_eq(r->kind, PG_ROUTE_PORT);
	ck_assert_uint_eq(r->port, 0);
	ck_assert_uint_eq(r->via, 0);
	r = &c->routes[2];
	ck_assert_uint_eq(r->prefix, 0);
	ck_assert_uint_eq(r->len, 0);
	ck_assert_uint_eq(r->kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(r->via, IP4(198, 51, 100, 254));
	ck_assert_uint_eq(r->port, 1);
	r = &c->routes[3];
	ck_assert_uint_eq(r->prefix, IP4(10, 9, 0, 0));
	ck_assert_uint_eq(r->len, 24);
	ck_assert_uint_eq(r->kind, PG_ROUTE_PORT);
	ck_assert_uint_eq(r->port, 1);
	r = &c->routes[4];
	ck_assert_uint_eq(r->prefix, IP4(192, 0, 2, 77));
	ck_assert_uint_eq(r->len, 32);
	ck_assert_uint_eq(r->kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(r->via, IP4(192, 0, 2, 50));
	ck_assert_uint_eq(r->port, 0);

	ck_assert_uint_eq(c->n_workers, 2);
	ck_assert_uint_eq(c->worker_lcores[0], 1);
	ck_assert_uint_eq(c->worker_lcores[1], 3);

	ck_assert_int_eq(pg_conf_port_index(c, "lan"), 0);
	ck_assert_int_eq(pg_conf_port_index(c, "wan-1"), 1);
	ck_assert_int_eq(pg_conf_port_index(c, "wan"), -1);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_minimal_config)
{
	struct pg_conf *c = expect_ok(
		"ports: [{name: p0, device: net_null0, ipv4: 10.0.0.1/8}]\n"
		"workers: {lcores: [7]}\n");

	ck_assert_uint_eq(c->n_ports, 1);
	ck_assert_uint_eq(c->ports[0].ip4, IP4(10, 0, 0, 1));
	ck_assert_uint_eq(c->ports[0].ip4_len, 8);
	ck_assert(!c->ports[0].has_mac);
	ck_assert_uint_eq(c->ports[0].rx_queues, 0);
	ck_assert_uint_eq(c->ports[0].rx_desc, 1024);
	ck_assert_uint_eq(c->ports[0].tx_desc, 1024);
	ck_assert_uint_eq(c->ports[0].mtu, 1500);
	ck_assert_uint_eq(c->icmp_rate, 1000);
	ck_assert_uint_eq(c->icmp_burst, 100);
	ck_assert_uint_eq(c->n_neighbors, 0);
	ck_assert_ptr_null(c->neighbors);
	ck_assert_uint_eq(c->n_routes, 0);
	ck_assert_ptr_null(c->routes);
	ck_assert_uint_eq(c->n_workers, 1);
	ck_assert_uint_eq(c->worker_lcores[0], 7);
	pg_conf_free(c);
}
END_TEST

/* Edge values that are valid and must stay so. */
START_TEST(test_edge_values_accepted)
{
	struct pg_conf *c = expect_ok(doc(
		"ports:\n"
		"  - {name: a, device: d0, ipv4: 192.0.2.0/31, rx_queues: 64,\n"
		"     rx_desc: 64, tx_desc: 16384}\n"
		"  - {name: B_9-x, device: d1, ipv4: 192.0.2.9/32}\n"
		"  - {name: abcdefghijklmnopqrstuvwxyz01234, device: d2,\n"
		"     ipv4: 100.64.0.1/10, mac: \"\"}\n",
		"neighbors:\n"
		"  - {ip: 192.0.2.1, mac: 02:00:00:00:00:02, port: a}\n",
		"routes: []\n",
		"workers:\n  lcores: [0, 1023]\n"));

	ck_assert_uint_eq(c->ports[0].ip4, IP4(192, 0, 2, 0));
	ck_assert_uint_eq(c->ports[0].rx_queues, 64);
	ck_assert_uint_eq(c->ports[0].rx_desc, 64);
	ck_assert_uint_eq(c->ports[0].tx_desc, 16384);
	ck_assert_uint_eq(c->ports[1].ip4_len, 32);
	ck_assert_uint_eq(strlen(c->ports[2].name), PG_CONF_NAME_LEN - 1);
	ck_assert(!c->ports[2].has_mac);
	ck_assert_uint_eq(c->n_neighbors, 1);
	ck_assert_uint_eq(c->n_routes, 0);
	ck_assert_uint_eq(c->worker_lcores[1], 1023);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_empty_optional_sections)
{
	struct pg_conf *c = expect_ok(doc(NULL, "neighbors:\n", "routes:\n",
					  NULL));

	ck_assert_uint_eq(c->n_neighbors, 0);
	ck_assert_uint_eq(c->n_routes, 0);
	pg_conf_free(c);
}
END_TEST

/* Not NUL terminated: only len bytes may be read. */
START_TEST(test_parse_uses_len)
{
	const char *yaml = doc(NULL, NULL, NULL, NULL);
	size_t len = strlen(yaml);
	char *copy = malloc(len + 32);
	struct pg_conf *c;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, yaml, len);
	memcpy(copy + len, "bogus: [\n", 9);
	c = pg_conf_parse(copy, len, err);
	ck_assert_msg(c != NULL, "%s", err);
	pg_conf_free(c);
	c = pg_conf_parse(copy, len + 9, err);
	ck_assert_ptr_null(c);
	free(copy);
}
END_TEST

/* ---- YAML level problems ---- */

START_TEST(test_empty_document)
{
	expect_error("", "empty config", NULL);
	expect_error("# nothing here\n\n", "empty config", NULL);
	expect_error("---\n", "empty config", NULL);
	ck_assert_ptr_null(pg_conf_parse(NULL, 0, err));
	ck_assert_ptr_null(pg_conf_parse("x", 0, NULL));
}
END_TEST

START_TEST(test_syntax_error)
{
	expect_error("ports: [\n  {name: lan\n", "syntax error", "line 3");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1, 2\n"),
		     "syntax error", "line 15");
	expect_error("ports:\n  - name: lan\n    device: x: y\n",
		     "syntax error", "line 3");
}
END_TEST

START_TEST(test_not_a_mapping)
{
	expect_error("- a\n- b\n", "expected a mapping", NULL);
	expect_error("hello\n", "expected a mapping", NULL);
	expect_error(doc("ports: lan\n", NULL, NULL, NULL), "ports: expected a list",
		     "(line 1)");
}
END_TEST

START_TEST(test_unknown_key_top)
{
	expect_error(doc(NULL, NULL, NULL, "workers: {lcores: [1]}\nspeed: 10\n"),
		     "unknown top-level key 'speed'", "(line 14)");
}
END_TEST

START_TEST(test_unknown_key_port)
{
	expect_error(doc(one_port("    rx_queue: 1\n"), "", "", NULL),
		     "ports[0]: unknown key 'rx_queue'", "(line 5)");
	/* the message lists what would have been valid */
	ck_assert_ptr_nonnull(strstr(err, "rx_queues"));
}
END_TEST

START_TEST(test_unknown_key_route)
{
	expect_error(doc(NULL, NULL,
			 "routes:\n"
			 "  - {prefix: 10.0.0.0/8, port: lan}\n"
			 "  - prefix: 10.1.0.0/16\n"
			 "    gateway: 198.51.100.2\n",
			 NULL),
		     "routes[1]: unknown key 'gateway'", "(line 13)");
}
END_TEST

START_TEST(test_unknown_key_workers)
{
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\n  cores: 2\n"),
		     "workers: unknown key 'cores'", NULL);
}
END_TEST

START_TEST(test_wrong_type)
{
	/* a string where an integer is expected */
	expect_error(doc(one_port("    rx_queues: many\n"), "", "", NULL),
		     "ports[0].rx_queues", "'many'");
	/* libcyaml's strtoll() would take "4 queues" as 4 */
	expect_error(doc(one_port("    rx_queues: 4 queues\n"), "", "", NULL),
		     "ports[0].rx_queues", NULL);
	/* a mapping where a string is expected */
	expect_error(doc(one_port("    mac: {a: 1}\n"), "", "", NULL),
		     "ports[0].mac: expected a single value", "(line 5)");
	/* a scalar where a mapping is expected */
	expect_error(doc(NULL, NULL, NULL, "workers: 3\n"),
		     "workers: expected a mapping", NULL);
	expect_error(doc(NULL, NULL, "routes:\n  - 10.0.0.0/8\n", NULL),
		     "routes[0]: expected a mapping", NULL);
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: 1\n"),
		     "workers.lcores: expected a list", NULL);
}
END_TEST

START_TEST(test_duplicate_key)
{
	expect_error(doc(one_port("    name: again\n"), "", "", NULL),
		     "ports[0].name: duplicate key", "(line 5)");
}
END_TEST

START_TEST(test_missing_keys)
{
	expect_error(doc("", "", "", NULL), "ports: required key is missing",
		     NULL);
	expect_error(doc(NULL, NULL, NULL, ""), "workers: required key", NULL);
	expect_error(doc(NULL, NULL, NULL, "workers: {}\n"),
		     "workers.lcores: required key", NULL);
	expect_error(doc("ports:\n  - {name: lan, ipv4: 192.0.2.1/24}\n",
			 "", "", NULL),
		     "ports[0].device: required key is missing", NULL);
	expect_error(doc("ports:\n  - {name: lan, device: d}\n", "", "", NULL),
		     "ports[0].ipv4: required key", NULL);
	expect_error(doc("ports:\n  - {ipv4: 192.0.2.1/24, device: d}\n",
			 "", "", NULL),
		     "ports[0].name: required key", NULL);
	expect_error(doc(NULL, "neighbors:\n  - {ip: 198.51.100.2, port: wan}\n",
			 NULL, NULL),
		     "neighbors[0].mac: required key", NULL);
	expect_error(doc(NULL, NULL, "routes:\n  - {port: lan}\n", NULL),
		     "routes[0].prefix: required key", NULL);
}
END_TEST

START_TEST(test_unknown_alias)
{
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [*nope]\n"),
		     "unknown alias", NULL);
}
END_TEST

/* ---- ports ---- */

START_TEST(test_ports_count)
{
	char buf[8192];
	size_t off;
	unsigned int i;

	expect_error(doc("ports: []\n", "", "", NULL),
		     "ports: at least one port", NULL);
	expect_error(doc("ports:\n", "", "", NULL), "ports: at least one port",
		     NULL);

	off = (size_t)snprintf(buf, sizeof(buf), "ports:\n");
	for (i = 0; i <= PG_CONF_MAX_PORTS; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			"  - {name: p%u, device: d%u, ipv4: 10.%u.0.1/16}\n",
			i, i, i);
	expect_error(doc(buf, "", "", NULL), "ports: too many ports", NULL);
}
END_TEST

START_TEST(test_port_name)
{
	expect_error(doc("ports:\n  - {name: \"\", device: d, ipv4: 10.0.0.1/8}\n",
			 "", "", NULL), "ports[0].name", NULL);
	expect_error(doc("ports:\n  - {name: abcdefghijklmnopqrstuvwxyz012345,"
			 " device: d, ipv4: 10.0.0.1/8}\n", "", "", NULL),
		     "ports[0].name", NULL);
	expect_error(doc("ports:\n  - {name: \"la n\", device: d,"
			 " ipv4: 10.0.0.1/8}\n", "", "", NULL),
		     "ports[0].name", "'la n'");
	expect_error(doc("ports:\n  - {name: l.an, device: d,"
			 " ipv4: 10.0.0.1/8}\n", "", "", NULL),
		     "ports[0].name", NULL);
}
END_TEST

START_TEST(test_port_name_duplicate)
{
	expect_error(doc("ports:\n"
			 "  - {name: lan, device: d0, ipv4: 10.0.0.1/16}\n"
			 "  - {name: lan, device: d1, ipv4: 10.1.0.1/16}\n",
			 "", "", NULL),
		     "ports[1].name: duplicate port name 'lan'", "(line 3)");
}
END_TEST

START_TEST(test_port_device)
{
	char buf[512], dev[PG_CONF_DEVICE_LEN + 1];

	expect_error(doc("ports:\n  - {name: a, device: \"\","
			 " ipv4: 10.0.0.1/8}\n", "", "", NULL),
		     "ports[0].device", NULL);
	memset(dev, 'd', PG_CONF_DEVICE_LEN);
	dev[PG_CONF_DEVICE_LEN] = '\0';
	snprintf(buf, sizeof(buf),
		 "ports:\n  - {name: a, device: %s, ipv4: 10.0.0.1/8}\n", dev);
	expect_error(doc(buf, "", "", NULL), "ports[0].device", NULL);
	/* the longest that fits is fine */
	dev[PG_CONF_DEVICE_LEN - 1] = '\0';
	snprintf(buf, sizeof(buf),
		 "ports:\n  - {name: a, device: %s, ipv4: 10.0.0.1/8}\n", dev);
	pg_conf_free(expect_ok(doc(buf, "", "", NULL)));
}
END_TEST

START_TEST(test_port_device_duplicate)
{
	expect_error(doc("ports:\n"
			 "  - {name: a, device: net_tap0, ipv4: 10.0.0.1/16}\n"
			 "  - {name: b, device: net_tap0, ipv4: 10.1.0.1/16}\n",
			 "", "", NULL),
		     "ports[1].device", "net_tap0");
}
END_TEST

static const char *const bad_ipv4[] = {
	"192.0.2.1",            /* missing /len */
	"192.0.2.1/",
	"192.0.2.1/0",
	"192.0.2.1/33",
	"192.0.2.1/24x",
	"x192.0.2.1/24",
	"\" 192.0.2.1/24\"",
	"\"192.0.2.1/24 \"",
	"192.0.2.256/24",
	"192.0.2/24",
	"192.0.2.1.1/24",
	"192.0.02.1/24",        /* octal or decimal? refuse */
	"192.0.2.1/024",
	"192.0.2.-1/24",
	"1920.0.2.1/24",
	"192..2.1/24",
	"0x01.0.2.1/24",
	"lan",
};

START_TEST(test_port_ipv4_syntax)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "ports:\n  - {name: a, device: d, ipv4: %s}\n", bad_ipv4[_i]);
	expect_error(doc(buf, "", "", NULL), "ports[0].ipv4", NULL);
}
END_TEST

static const char *const bad_host_ipv4[] = {
	"0.0.0.0/8",
	"224.0.0.1/24",
	"239.255.255.1/8",
	"255.255.255.255/32",
	"127.0.0.1/8",
	"192.0.2.0/24",         /* network address */
	"192.0.2.255/24",       /* broadcast address */
	"10.0.0.3/30",          /* broadcast of a /30 */
};

START_TEST(test_port_ipv4_host)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "ports:\n  - {name: a, device: d, ipv4: %s}\n",
		 bad_host_ipv4[_i]);
	expect_error(doc(buf, "", "", NULL), "ports[0].ipv4", NULL);
}
END_TEST

START_TEST(test_port_subnet_overlap)
{
	expect_error(doc("ports:\n"
			 "  - {name: a, device: d0, ipv4: 10.0.1.1/24}\n"
			 "  - {name: b, device: d1, ipv4: 10.0.0.1/16}\n",
			 "", "", NULL),
		     "ports[1].ipv4", "overlaps");
	expect_error(doc("ports:\n"
			 "  - {name: a, device: d0, ipv4: 10.0.0.1/24}\n"
			 "  - {name: b, device: d1, ipv4: 10.0.0.2/32}\n",
			 "", "", NULL),
		     "ports[1].ipv4", "overlaps");
}
END_TEST

static const char *const bad_mac[] = {
	"zz:00",
	"02:00:00:00:00",
	"02:00:00:00:00:01:02",
	"02-00-00-00-00-01",
	"0200.0000.0001",
	"2:0:0:0:0:1",
	"02:00:00:00:00:0g",
	"01:00:5e:00:00:01",    /* multicast */
	"ff:ff:ff:ff:ff:ff",    /* broadcast */
	"00:00:00:00:00:00",
};

START_TEST(test_port_mac_bad)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "    mac: \"%s\"\n", bad_mac[_i]);
	expect_error(doc(one_port(buf), "", "", NULL), "ports[0].mac", NULL);
}
END_TEST

static const char *const bad_rx_queues[] = {
	"0", "65", "-1", "abc", "1.5", "0x2", "4 queues", "99999999999999999999",
};

START_TEST(test_port_rx_queues)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "    rx_queues: %s\n", bad_rx_queues[_i]);
	expect_error(doc(one_port(buf), "", "", NULL), "ports[0].rx_queues",
		     NULL);
}
END_TEST

static const char *const bad_desc[] = {
	"0", "32", "1000", "32768", "65536", "-1024", "x",
};

START_TEST(test_port_desc)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "    rx_desc: %s\n", bad_desc[_i]);
	expect_error(doc(one_port(buf), "", "", NULL), "ports[0].rx_desc",
		     NULL);
	snprintf(buf, sizeof(buf), "    tx_desc: %s\n", bad_desc[_i]);
	expect_error(doc(one_port(buf), "", "", NULL), "ports[0].tx_desc",
		     NULL);
}
END_TEST

/* ---- neighbors ---- */

static const char *
one_neighbor(const char *ip, const char *mac, const char *port)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "neighbors:\n"
		 "  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n"
		 "  - {ip: 192.0.2.3, mac: 02:00:00:00:00:98, port: lan}\n"
		 "  - {ip: %s, mac: \"%s\", port: %s}\n", ip, mac, port);
	return buf;
}

START_TEST(test_neighbor_ip)
{
	static const char *const bad[] = {
		"198.51.100.9/32", "abc", "198.51.100", "198.51.100.300",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(doc(NULL, one_neighbor(bad[i], "02:00:00:00:00:01",
						    "wan"), "", NULL),
			     "neighbors[2].ip", NULL);
}
END_TEST

START_TEST(test_neighbor_mac)
{
	expect_error(doc(NULL, one_neighbor("198.51.100.9", "zz:00", "wan"), "",
			 NULL),
		     "neighbors[2].mac: invalid MAC address 'zz:00'", "(line 11)");
	expect_error(doc(NULL, one_neighbor("198.51.100.9", "03:00:00:00:00:01",
					    "wan"), "", NULL),
		     "neighbors[2].mac", "multicast");
	expect_error(doc(NULL, one_neighbor("198.51.100.9", "00:00:00:00:00:00",
					    "wan"), "", NULL),
		     "neighbors[2].mac", "zero");
}
END_TEST

START_TEST(test_neighbor_port)
{
	expect_error(doc(NULL, one_neighbor("198.51.100.9", "02:00:00:00:00:01",
					    "dmz"), "", NULL),
		     "neighbors[2].port", "'dmz'");
}
END_TEST

START_TEST(test_neighbor_subnet)
{
	/* in the other port's subnet */
	expect_error(doc(NULL, one_neighbor("192.0.2.9", "02:00:00:00:00:01",
					    "wan"), "", NULL),
		     "neighbors[2].ip", "outside");
	expect_error(doc(NULL, one_neighbor("10.1.1.1", "02:00:00:00:00:01",
					    "wan"), "", NULL),
		     "neighbors[2].ip", NULL);
	/* the port's own address, network and broadcast */
	expect_error(doc(NULL, one_neighbor("198.51.100.1", "02:00:00:00:00:01",
					    "wan"), "", NULL),
		     "neighbors[2].ip", "'wan'");
	expect_error(doc(NULL, one_neighbor("198.51.100.0", "02:00:00:00:00:01",
					    "wan"), "", NULL),
		     "neighbors[2].ip", "network");
	expect_error(doc(NULL, one_neighbor("198.51.100.255",
					    "02:00:00:00:00:01", "wan"), "",
			 NULL),
		     "neighbors[2].ip", "broadcast");
}
END_TEST

START_TEST(test_neighbor_duplicate)
{
	expect_error(doc(NULL, one_neighbor("198.51.100.2", "02:00:00:00:00:01",
					    "wan"), "", NULL),
		     "neighbors[2].ip: duplicate neighbor 198.51.100.2",
		     "neighbors[0]");
}
END_TEST

/* ---- routes ---- */

/* Three good routes, then @p route as routes[3]. */
static const char *
route3(const char *route)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "routes:\n"
		 "  - {prefix: 203.0.113.0/24, via: 198.51.100.2}\n"
		 "  - {prefix: 10.9.0.0/16, port: lan}\n"
		 "  - {prefix: 10.8.0.0/16, via: 192.0.2.200}\n"
		 "  - %s\n", route);
	return buf;
}

START_TEST(test_route_prefix)
{
	static const char *const bad[] = {
		"{prefix: 10.0.0.0, port: lan}",
		"{prefix: 10.0.0.0/33, port: lan}",
		"{prefix: 10.0.0/8, port: lan}",
		"{prefix: x10.0.0.0/8, port: lan}",
		"{prefix: 10.0.0.0/8x, port: lan}",
		"{prefix: 10.0.0.0/8xxxxxxxxxxxxxxxxxxxxxxxxxxx, port: lan}",
		"{prefix: \"\", port: lan}",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(doc(NULL, NULL, route3(bad[i]), NULL),
			     "routes[3].prefix", NULL);
}
END_TEST

START_TEST(test_route_host_bits)
{
	expect_error(doc(NULL, NULL, route3("{prefix: 10.0.0.1/8, port: lan}"),
			 NULL),
		     "routes[3].prefix: host bits set in 10.0.0.1/8", "(line 14)");
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 0.0.0.1/0, port: lan}"), NULL),
		     "routes[3].prefix: host bits set", NULL);
}
END_TEST

START_TEST(test_route_via_and_port)
{
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, port: lan, via: 192.0.2.9}"),
			 NULL),
		     "routes[3]", "both");
	expect_error(doc(NULL, NULL, route3("{prefix: 10.0.0.0/8}"), NULL),
		     "routes[3]", "neither");
}
END_TEST

/* ECMP: `vias:` lists the gateways; `via` keeps its one-gateway form. */
START_TEST(test_route_vias)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL,
		route3("{prefix: 10.0.0.0/8, vias: [198.51.100.2, 198.51.100.3, 192.0.2.9]}"),
		NULL));
	const struct pg_conf_route *r = &c->routes[3];

	ck_assert_uint_eq(r->kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(r->via, IP4(198, 51, 100, 2));
	ck_assert_uint_eq(r->port, 1);
	ck_assert_uint_eq(c->routes[0].ecmp, 0);
	ck_assert_uint_eq(r->ecmp, 1);
	ck_assert_uint_eq(c->n_ecmp, 1);
	ck_assert_uint_eq(c->ecmp[0].n, 3);
	ck_assert_uint_eq(c->ecmp[0].via[1], IP4(198, 51, 100, 3));
	ck_assert_uint_eq(c->ecmp[0].via[2], IP4(192, 0, 2, 9));
	ck_assert_uint_eq(c->ecmp[0].weight[0], 1);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL,
		route3("{prefix: 10.0.0.0/8, vias: [198.51.100.2 weight 3, 198.51.100.3]}"), NULL));
	ck_assert_uint_eq(c->ecmp[0].weight[0], 3);
	ck_assert_uint_eq(c->ecmp[0].weight[1], 1);
	ck_assert_uint_eq(c->ecmp[0].via[0], IP4(198, 51, 100, 2));
	pg_conf_free(c);
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, vias: [198.51.100.2 weight 257]}"), NULL),
		     "routes[3].vias[0]: weight '257' must be 1..256", NULL);
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, vias: [198.51.100.2, 10.1.1.1]}"), NULL),
		     "routes[3].vias[1]: 10.1.1.1 is neither a neighbor", "(line 14)");
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, via: 198.51.100.2, vias: [198.51.100.3]}"),
			 NULL),
		     "routes[3]: give 'via' (one gateway) or 'vias' (a list), not both", NULL);
	/* An empty list reads as no key at all. */
	expect_error(doc(NULL, NULL, route3("{prefix: 10.0.0.0/8, vias: []}"), NULL),
		     "routes[3]: give exactly one of 'via' or 'port' (got neither)", NULL);
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, port: lan, vias: [198.51.100.2]}"), NULL),
		     "routes[3]", "both");
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, vias: [198.51.100.2, 192.0.2.1]}"), NULL),
		     "routes[3].vias[1]", "own address");
}
END_TEST

START_TEST(test_route_port)
{
	expect_error(doc(NULL, NULL, route3("{prefix: 10.0.0.0/8, port: dmz}"),
			 NULL),
		     "routes[3].port", "'dmz'");
}
END_TEST

START_TEST(test_route_via)
{
	expect_error(doc(NULL, NULL,
			 "routes:\n  - {prefix: 203.0.113.0/24, via: 10.1.1.1}\n",
			 NULL),
		     "routes[0].via: 10.1.1.1 is neither a neighbor nor inside a connected subnet",
		     NULL);
	expect_error(doc(NULL, NULL, route3("{prefix: 10.0.0.0/8, via: lan}"),
			 NULL),
		     "routes[3].via", NULL);
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, via: 198.51.100.2/32}"),
			 NULL),
		     "routes[3].via", NULL);
	/* our own address, the subnet's network and broadcast address */
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, via: 192.0.2.1}"), NULL),
		     "routes[3].via", "own address");
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, via: 192.0.2.0}"), NULL),
		     "routes[3].via", "network");
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.0.0.0/8, via: 192.0.2.255}"), NULL),
		     "routes[3].via", "broadcast");
}
END_TEST

START_TEST(test_route_duplicate)
{
	expect_error(doc(NULL, NULL,
			 route3("{prefix: 10.9.0.0/16, via: 198.51.100.2}"),
			 NULL),
		     "routes[3].prefix: duplicate route 10.9.0.0/16",
		     "routes[1]");
}
END_TEST

/* ---- workers ---- */

START_TEST(test_workers_lcores)
{
	char buf[1024];
	size_t off;
	unsigned int i;

	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: []\n"),
		     "workers.lcores: at least one", NULL);
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores:\n"),
		     "workers.lcores: at least one", NULL);
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1, 1024]\n"),
		     "workers.lcores[1]", "1024");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [-1]\n"),
		     "workers.lcores[0]", NULL);
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [one]\n"),
		     "workers.lcores[0]", "'one'");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [2, 3, 2]\n"),
		     "workers.lcores[2]: duplicate lcore 2",
		     "workers.lcores[0]");

	off = (size_t)snprintf(buf, sizeof(buf), "workers:\n  lcores: [1");
	for (i = 2; i <= PG_CONF_MAX_WORKERS + 1; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, ", %u",
					i);
	snprintf(buf + off, sizeof(buf) - off, "]\n");
	expect_error(doc(NULL, NULL, NULL, buf), "workers.lcores: too many",
		     NULL);
}
END_TEST

/* ---- workers.mode (pipeline) ---- */

START_TEST(test_workers_mode)
{
	struct pg_conf *c;

	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\n"));
	ck_assert_int_eq(c->mode, PG_MODE_RTC);
	ck_assert_uint_eq(pg_conf_n_fwd_lcores(c), 1);
	ck_assert_uint_eq(pg_conf_n_rx_lcores(c), 1);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL,
			  "workers:\n  mode: rtc\n  lcores: [1, 2]\n"));
	ck_assert_int_eq(c->mode, PG_MODE_RTC);
	ck_assert_uint_eq(pg_conf_n_fwd_lcores(c), 2);
	pg_conf_free(c);

	c = expect_ok(doc(NULL, NULL, NULL,
			  "workers:\n  mode: pipeline\n  lcores: [1, 2, 3]\n"));
	ck_assert_int_eq(c->mode, PG_MODE_PIPELINE);
	ck_assert_uint_eq(c->rx_lcores, 1);
	ck_assert_uint_eq(c->ring_size, PG_CONF_DEFAULT_RING_SIZE);
	ck_assert_uint_eq(pg_conf_n_rx_lcores(c), 1);
	ck_assert_uint_eq(pg_conf_n_fwd_lcores(c), 2);
	pg_conf_free(c);

	c = expect_ok(doc(NULL, NULL, NULL,
			  "workers:\n  mode: pipeline\n  lcores: [1, 2, 3, 4]\n"
			  "  rx_lcores: 2\n  ring_size: 4096\n"));
	ck_assert_uint_eq(c->rx_lcores, 2);
	ck_assert_uint_eq(c->ring_size, 4096);
	ck_assert_uint_eq(pg_conf_n_fwd_lcores(c), 2);
	pg_conf_free(c);

	expect_error(doc(NULL, NULL, NULL, "workers:\n  mode: turbo\n  lcores: [1]\n"),
		     "workers.mode", "'turbo'");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  mode: pipeline\n  lcores: [1]\n"),
		     "workers.lcores", "at least 2");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  mode: pipeline\n  lcores: [1, 2]\n  rx_lcores: 2\n"),
		     "workers.rx_lcores", "out of range");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  mode: pipeline\n  lcores: [1, 2]\n  rx_lcores: 0\n"),
		     "workers.rx_lcores", NULL);
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  mode: pipeline\n  lcores: [1, 2]\n  ring_size: 1000\n"),
		     "workers.ring_size", "power of two");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  mode: pipeline\n  lcores: [1, 2]\n  ring_size: 32\n"),
		     "workers.ring_size", "out of range");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  mode: pipeline\n  lcores: [1, 2]\n  ring_size: 131072\n"),
		     "workers.ring_size", "out of range");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1, 2]\n  ring_size: 1024\n"),
		     "workers.ring_size", "only with mode: pipeline");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1, 2]\n  rx_lcores: 1\n"),
		     "workers.rx_lcores", "only with mode: pipeline");
}
END_TEST

/* ---- pg_conf_load ---- */

static char *
write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/pg_conf_test_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_load_file)
{
	char *path = write_temp(full_yaml);
	struct pg_conf *c = pg_conf_load(path, err);

	unlink(path);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->n_ports, 2);
	ck_assert_uint_eq(c->n_routes, 5);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_load_error_has_path)
{
	char *path = write_temp(doc(NULL, NULL, NULL, "workers: {lcores: [0, 0]}\n"));
	char prefix[80];
	struct pg_conf *c = pg_conf_load(path, err);

	unlink(path);
	ck_assert_ptr_null(c);
	snprintf(prefix, sizeof(prefix), "%s: workers.lcores[1]", path);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "%s", err);
}
END_TEST

START_TEST(test_load_missing_file)
{
	ck_assert_ptr_null(pg_conf_load("/nonexistent/pktgate.yaml", err));
	ck_assert_msg(strstr(err, "/nonexistent/pktgate.yaml") == err, "%s",
		      err);
	ck_assert_ptr_nonnull(strstr(err, strerror(ENOENT)));
}
END_TEST

/* ---- pg_conf_check_runtime ---- */

static bool
lcores_0_to_3(unsigned int lcore)
{
	return lcore <= 3;
}

static bool
pcap_devices(const char *device)
{
	return strncmp(device, "net_pcap", 8) == 0;
}

static struct pg_conf *
runtime_conf(const char *lcores, const char *rx_queues)
{
	char ports[512], workers[128];

	snprintf(ports, sizeof(ports),
		 "ports:\n"
		 "  - {name: lan, device: net_pcap0, ipv4: 192.0.2.1/24}\n"
		 "  - {name: wan, device: net_pcap1, ipv4: 198.51.100.1/24,"
		 " rx_queues: %s}\n", rx_queues);
	snprintf(workers, sizeof(workers), "workers:\n  lcores: %s\n", lcores);
	return expect_ok(doc(ports, NULL, NULL, workers));
}

START_TEST(test_runtime_ok)
{
	struct pg_conf *c = runtime_conf("[1, 2, 3]", "3");

	err[0] = 'X';
	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 0,
					       pcap_devices, err), 0);
	ck_assert_str_eq(err, "");
	pg_conf_free(c);
}
END_TEST

START_TEST(test_runtime_lcore_disabled)
{
	struct pg_conf *c = runtime_conf("[1, 5]", "1");

	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 0,
					       pcap_devices, err), -EINVAL);
	ck_assert_str_eq(err, "workers.lcores[1]: lcore 5 is not enabled in EAL"
			 " (use -l/--lcores)");
	pg_conf_free(c);
}
END_TEST

START_TEST(test_runtime_main_lcore)
{
	struct pg_conf *c = runtime_conf("[0, 1]", "1");

	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 0,
					       pcap_devices, err), -EINVAL);
	ck_assert_str_eq(err, "workers.lcores[0]: lcore 0 is the main lcore"
			 " (the control thread); pick another");
	pg_conf_free(c);
	/* with another main lcore, lcore 0 is a fine worker */
	c = runtime_conf("[0, 1]", "1");
	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 3,
					       pcap_devices, err), 0);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_runtime_device)
{
	struct pg_conf *c = expect_ok(doc(
		"ports:\n"
		"  - {name: lan, device: net_pcap0, ipv4: 192.0.2.1/24}\n"
		"  - {name: wan, device: net_tap9, ipv4: 198.51.100.1/24}\n",
		NULL, NULL, NULL));

	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 0,
					       pcap_devices, err), -EINVAL);
	ck_assert_str_eq(err, "ports[1].device: unknown DPDK device 'net_tap9'"
			 " (missing --vdev or PCI device?)");
	pg_conf_free(c);
}
END_TEST

START_TEST(test_runtime_rx_queues)
{
	struct pg_conf *c = runtime_conf("[1, 2]", "4");

	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 0,
					       pcap_devices, err), -EINVAL);
	ck_assert_str_eq(err, "ports[1].rx_queues: 4 queues but only 2 workers");
	pg_conf_free(c);
}
END_TEST

/* In pipeline mode RX queues are polled by the RX lcores only. */
START_TEST(test_runtime_rx_queues_pipeline)
{
	struct pg_conf *c = expect_ok(doc(
		"ports:\n"
		"  - {name: lan, device: net_pcap0, ipv4: 192.0.2.1/24, rx_queues: 2}\n",
		"", "", "workers:\n  mode: pipeline\n  lcores: [1, 2, 3]\n"));

	ck_assert_int_eq(pg_conf_check_runtime(c, lcores_0_to_3, 0, pcap_devices, err),
			 -EINVAL);
	ck_assert_str_eq(err, "ports[0].rx_queues: 2 queues but only 1 RX lcores");
	pg_conf_free(c);
}
END_TEST

/* ---- control ---- */

START_TEST(test_control_default)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL, NULL));

	ck_assert_str_eq(c->control_socket, PG_CONF_DEFAULT_CONTROL_SOCKET);
	ck_assert(!c->control_socket_set);
	pg_conf_free(c);
	/* An empty value is "not given", as for every optional key. */
	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\ncontrol: {socket: \"\"}\n"));
	ck_assert_str_eq(c->control_socket, PG_CONF_DEFAULT_CONTROL_SOCKET);
	ck_assert(!c->control_socket_set);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_control_socket)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL,
		"workers:\n  lcores: [1]\ncontrol:\n  socket: /tmp/pg x/ctl.sock\n"));

	ck_assert_str_eq(c->control_socket, "/tmp/pg x/ctl.sock");
	ck_assert(c->control_socket_set);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL,
		"workers:\n  lcores: [1]\ncontrol: {enabled: true, socket: /a.sock}\n"));
	ck_assert_str_eq(c->control_socket, "/a.sock");
	pg_conf_free(c);
}
END_TEST

START_TEST(test_control_disabled)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL,
		"workers:\n  lcores: [1]\ncontrol: {enabled: false}\n"));

	ck_assert_str_eq(c->control_socket, "");
	pg_conf_free(c);
}
END_TEST

static const struct {
	const char *control, *needle1, *needle2;
} bad_control[] = {
	{ "{enabled: no}", "control.enabled: expected true or false, got 'no'", "(line 15)" },
	{ "{enabled: false, socket: /x.sock}", "control.socket: given but control.enabled is false",
	  NULL },
	{ "{socket: run/x.sock}", "control.socket: 'run/x.sock' is not an absolute path", NULL },
	{ "{socket: /run/pktgate/}", "control.socket: '/run/pktgate/' names a directory", NULL },
	{ "{socket: /" "0123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789" "012345678901234567890123456}",
	  "control.socket: path too long for a unix socket (108 bytes, max 107)", NULL },
	{ "{sock: /x}", "control: unknown key 'sock'", "valid keys: socket, enabled" },
	{ "[/x.sock]", "control: expected a mapping", NULL },
};

START_TEST(test_control_bad)
{
	char w[512];

	snprintf(w, sizeof(w), "workers:\n  lcores: [1]\ncontrol: %s\n", bad_control[_i].control);
	expect_error(doc(NULL, NULL, NULL, w), bad_control[_i].needle1, bad_control[_i].needle2);
}
END_TEST

/* ---- helpers ---- */

START_TEST(test_format_helpers)
{
	static const uint8_t mac[6] = { 0x02, 0xab, 0, 0x10, 0xff, 0x01 };
	char buf[19];

	ck_assert_ptr_eq(pg_conf_ip4_str(IP4(192, 0, 2, 1), buf, sizeof(buf)),
			 buf);
	ck_assert_str_eq(buf, "192.0.2.1");
	ck_assert_str_eq(pg_conf_ip4_str(UINT32_MAX, buf, sizeof(buf)),
			 "255.255.255.255");
	ck_assert_str_eq(pg_conf_ip4_str(0, buf, sizeof(buf)), "0.0.0.0");
	ck_assert_ptr_eq(pg_conf_mac_str(mac, buf, sizeof(buf)), buf);
	ck_assert_str_eq(buf, "02:ab:00:10:ff:01");
}
END_TEST

/* ---- scale ---- */

#define N_BIG_ROUTES 100000

/* N_BIG_ROUTES distinct /24s under 11.0.0.0/8 and up, mixing both kinds. */
static char *
big_routes_doc(int dup_of)
{
	size_t size = (size_t)N_BIG_ROUTES * 64 + 4096, off;
	char *buf = malloc(size);
	unsigned int i;

	ck_assert_ptr_nonnull(buf);
	off = (size_t)snprintf(buf, size, "%s%sroutes:\n", ports_ok,
			       neighbors_ok);
	for (i = 0; i < N_BIG_ROUTES; i++) {
		uint32_t net = IP4(11, 0, 0, 0) + (i << 8);

		if (dup_of >= 0 && i == N_BIG_ROUTES - 1)
			net = IP4(11, 0, 0, 0) + ((uint32_t)dup_of << 8);
		off += (size_t)snprintf(buf + off, size - off,
			"  - {prefix: %u.%u.%u.0/24, %s}\n",
			net >> 24, (net >> 16) & 0xff, (net >> 8) & 0xff,
			i % 2 ? "via: 198.51.100.2" : "port: lan");
	}
	snprintf(buf + off, size - off, "%s", workers_ok);
	return buf;
}

START_TEST(test_many_routes)
{
	char *yaml = big_routes_doc(-1);
	struct timespec t0, t1;
	struct pg_conf *c;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = pg_conf_parse(yaml, strlen(yaml), err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(yaml);
	ck_assert_msg(c != NULL, "%s", err);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Diagnostic only: the tcase timeout is the real bound. */
	fprintf(stderr, "%u routes parsed in %.3f s\n", N_BIG_ROUTES, secs);

	ck_assert_uint_eq(c->n_routes, N_BIG_ROUTES);
	ck_assert_uint_eq(c->routes[0].prefix, IP4(11, 0, 0, 0));
	ck_assert_uint_eq(c->routes[0].kind, PG_ROUTE_PORT);
	ck_assert_uint_eq(c->routes[0].port, 0);
	ck_assert_uint_eq(c->routes[N_BIG_ROUTES - 1].prefix,
			  IP4(11, 0, 0, 0) + ((N_BIG_ROUTES - 1) << 8));
	ck_assert_uint_eq(c->routes[N_BIG_ROUTES - 1].len, 24);
	ck_assert_uint_eq(c->routes[N_BIG_ROUTES - 1].kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(c->routes[N_BIG_ROUTES - 1].via,
			  IP4(198, 51, 100, 2));
	ck_assert_uint_eq(c->routes[N_BIG_ROUTES - 1].port, 1);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_many_routes_duplicate)
{
	char *yaml = big_routes_doc(12345);
	char want[64];

	ck_assert_ptr_null(pg_conf_parse(yaml, strlen(yaml), err));
	free(yaml);
	snprintf(want, sizeof(want), "routes[%u].prefix: duplicate route",
		 N_BIG_ROUTES - 1);
	ck_assert_msg(strstr(err, want) == err, "%s", err);
	ck_assert_msg(strstr(err, "routes[12345]") != NULL, "%s", err);
}
END_TEST

/* arp: defaults, every key, and each kind of mistake named. */
START_TEST(test_arp)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL, NULL));

	ck_assert(c->arp.dynamic);
	ck_assert_uint_eq(c->arp.reachable_s, 300);
	ck_assert_uint_eq(c->arp.retry_ms, 1000);
	ck_assert_uint_eq(c->arp.probes, 3);
	ck_assert_uint_eq(c->arp.max_entries, 4096);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL,
			  "workers:\n  lcores: [1]\narp:\n  dynamic: false\n  reachable: 30\n"
			  "  retry_ms: 200\n  probes: 5\n  max_entries: 100\n"));
	ck_assert(!c->arp.dynamic);
	ck_assert_uint_eq(c->arp.reachable_s, 30);
	ck_assert_uint_eq(c->arp.retry_ms, 200);
	ck_assert_uint_eq(c->arp.probes, 5);
	ck_assert_uint_eq(c->arp.max_entries, 100);
	pg_conf_free(c);
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\narp:\n  dynamic: yes\n"),
		     "arp.dynamic", "true or false");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\narp:\n  reachable: 0\n"),
		     "arp.reachable", "out of range");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\narp:\n  retry_ms: 5\n"),
		     "arp.retry_ms", "out of range");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\narp:\n  probes: x\n"),
		     "arp.probes", "integer");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\narp:\n  max_entries: 1\n"),
		     "arp.max_entries", "out of range");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\narp:\n  timeout: 1\n"),
		     "timeout", NULL);
}
END_TEST

/* ---- IPv6 ---- */

static const char ports6[] =
	"ports:\n"
	"  - {name: lan, device: net_pcap0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01,\n"
	"     ipv6: '2001:db8:1::1/64'}\n"
	"  - {name: wan, device: net_pcap1, ipv4: 198.51.100.1/24, ipv6: '2001:db8:2::1/64'}\n"
	"  - {name: dmz, device: net_pcap2, ipv4: 203.0.113.1/24}\n";

static bool
ip6_eq(const uint8_t a[16], const char *text)
{
	char buf[PG_CONF_IP6_STRLEN];

	return strcmp(pg_conf_ip6_str(a, buf, sizeof(buf)), text) == 0;
}

START_TEST(test_ipv6_config)
{
	struct pg_conf *c = parse(doc(ports6,
		"neighbors:\n"
		"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n"
		"  - {ip: '2001:db8:1::10', mac: 02:00:00:00:00:10, port: lan}\n"
		"  - {ip: 'fe80::99', mac: 02:00:00:00:00:99, port: wan}\n"
		"  - {ip: 'fe80::99', mac: 02:00:00:00:00:98, port: lan}\n",
		"routes:\n"
		"  - {prefix: 203.0.113.0/24, via: 198.51.100.2}\n"
		"  - {prefix: '2001:db8:100::/48', via: 'fe80::99'}\n"
		"  - {prefix: '::/0', via: '2001:db8:2::fe'}\n"
		"  - {prefix: '2001:db8:300::/40', port: lan}\n", NULL));

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert(c->ports[0].has_ip6 && c->ports[1].has_ip6 && !c->ports[2].has_ip6);
	ck_assert(ip6_eq(c->ports[0].ip6, "2001:db8:1::1"));
	ck_assert_uint_eq(c->ports[0].ip6_len, 64);
	ck_assert_uint_eq(c->n_neighbors, 1);
	ck_assert_uint_eq(c->n_neighbors6, 3);
	ck_assert(ip6_eq(c->neighbors6[0].ip, "2001:db8:1::10"));
	ck_assert_uint_eq(c->neighbors6[0].port, 0);
	ck_assert_uint_eq(c->neighbors6[1].port, 1);
	ck_assert_uint_eq(c->n_routes, 1);
	ck_assert_uint_eq(c->n_routes6, 3);
	ck_assert(ip6_eq(c->routes6[0].prefix, "2001:db8:100::"));
	ck_assert_uint_eq(c->routes6[0].len, 48);
	ck_assert_uint_eq(c->routes6[0].kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(c->routes6[0].port, 1);      /* the first fe80::99 */
	ck_assert_uint_eq(c->routes6[1].len, 0);
	ck_assert_uint_eq(c->routes6[1].port, 1);
	ck_assert_uint_eq(c->routes6[2].kind, PG_ROUTE_PORT);
	ck_assert_uint_eq(c->routes6[2].port, 0);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_ipv6_link_local_from_mac)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	static const uint8_t mac_u[6] = { 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc };
	uint8_t ll[16];

	pg_conf_ip6_link_local(mac, ll);
	ck_assert(ip6_eq(ll, "fe80::5eff:fe10:2030"));
	pg_conf_ip6_link_local(mac_u, ll);        /* universal bit set in the ID */
	ck_assert(ip6_eq(ll, "fe80::21b:21ff:feaa:bbcc"));
}
END_TEST

START_TEST(test_ipv6_port_errors)
{
	expect_error(doc(one_port("    ipv6: '2001:db8::1'\n"), "", "", NULL),
		     "ports[0].ipv6", "missing /len");
	expect_error(doc(one_port("    ipv6: '2001:db8::g/64'\n"), "", "", NULL),
		     "ports[0].ipv6", "bad address");
	expect_error(doc(one_port("    ipv6: '2001:db8::1/129'\n"), "", "", NULL),
		     "ports[0].ipv6", "prefix length");
	expect_error(doc(one_port("    ipv6: '2001:db8::1/064'\n"), "", "", NULL),
		     "ports[0].ipv6", "prefix length");
	expect_error(doc(one_port("    ipv6: 'fe80::1/64'\n"), "", "", NULL),
		     "ports[0].ipv6", "link-local");
	expect_error(doc(one_port("    ipv6: 'ff02::1/64'\n"), "", "", NULL),
		     "ports[0].ipv6", "multicast");
	expect_error(doc(one_port("    ipv6: '::1/128'\n"), "", "", NULL),
		     "ports[0].ipv6", "loopback");
	expect_error(doc(one_port("    ipv6: '2001:db8::/64'\n"), "", "", NULL),
		     "ports[0].ipv6", "Subnet-Router anycast");
	expect_error(doc("ports:\n"
			 "  - {name: a, device: d0, ipv4: 192.0.2.1/24, ipv6: '2001:db8::1/48'}\n"
			 "  - {name: b, device: d1, ipv4: 198.51.100.1/24,\n"
			 "     ipv6: '2001:db8:0:5::1/64'}\n", "", "", NULL),
		     "ports[1].ipv6", "overlaps prefix 2001:db8::/48 of ports[0] ('a') (line 4)");
}
END_TEST

START_TEST(test_ipv6_neighbor_errors)
{
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: '2001:db8:9::1', mac: 02:00:00:00:00:10, port: lan}\n", "", NULL),
		     "neighbors[0].ip", "outside the prefix 2001:db8:1::/64 of port 'lan'");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: '2001:db8:3::1', mac: 02:00:00:00:00:10, port: dmz}\n", "", NULL),
		     "neighbors[0].ip", "'dmz', which has no ipv6");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: '2001:db8:1::1', mac: 02:00:00:00:00:10, port: lan}\n", "", NULL),
		     "neighbors[0].ip", "itself");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: 'fe80::ff:fe00:1', mac: 02:00:00:00:00:10, port: lan}\n", "", NULL),
		     "neighbors[0].ip", "link-local address of port 'lan' itself");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: 'fe80:1::1', mac: 02:00:00:00:00:10, port: lan}\n", "", NULL),
		     "neighbors[0].ip", "fe80::/64");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: 'ff02::1', mac: 02:00:00:00:00:10, port: lan}\n", "", NULL),
		     "neighbors[0].ip", "multicast");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: '2001:db8:1::10', mac: 02:00:00:00:00:10, port: lan}\n"
			 "  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n"
			 "  - {ip: '2001:db8:1:0::10', mac: 02:00:00:00:00:11, port: lan}\n", "", NULL),
		     "neighbors[2].ip", "duplicate neighbor 2001:db8:1:0::10 (also neighbors[0]) (line 9)");
	expect_error(doc(ports6, "neighbors:\n"
			 "  - {ip: '2001:db8:1::10', mac: 'ff:00:00:00:00:10', port: lan}\n", "", NULL),
		     "neighbors[0].mac", "multicast");
}
END_TEST

START_TEST(test_ipv6_route_errors)
{
	const char *nb = "neighbors:\n"
			 "  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n";

	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: 10.0.0.0/8, via: '2001:db8:2::2'}\n", NULL),
		     "routes[0].via", "IPv6 gateway 2001:db8:2::2 for the IPv4 prefix 10.0.0.0/8 (line");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', via: 198.51.100.2}\n", NULL),
		     "routes[0].via", "IPv4 gateway 198.51.100.2 for the IPv6 prefix");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::1/48', port: lan}\n", NULL),
		     "routes[0].prefix", "host bits set in 2001:db8:100::1/48 (did you mean 2001:db8:100::/48?)");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/129', port: lan}\n", NULL),
		     "routes[0].prefix", "bad prefix length");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', via: 'fe80::1'}\n", NULL),
		     "routes[0].via", "link-local gateway fe80::1 is not a neighbor");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', via: '2001:db8:9::1'}\n", NULL),
		     "routes[0].via", "neither a neighbor nor inside a connected prefix");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', via: '2001:db8:1::1'}\n", NULL),
		     "routes[0].via", "our own address");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', port: dmz}\n", NULL),
		     "routes[0].port", "'dmz', which has no ipv6");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', port: lan, via: '2001:db8:1::5'}\n", NULL),
		     "routes[0]", "exactly one");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', port: lan}\n"
			 "  - {prefix: 10.0.0.0/8, port: lan}\n"
			 "  - {prefix: '2001:db8:100:0::/48', port: wan}\n", NULL),
		     "routes[2].prefix", "duplicate route 2001:db8:100:0::/48 (also routes[0])");
}
END_TEST

/* ECMP for IPv6: `vias:` of global and link-local (neighbor) gateways,
 * weighted; the errors name the list entry. */
START_TEST(test_ipv6_route_vias)
{
	const char *nb = "neighbors:\n"
			 "  - {ip: 'fe80::99', mac: 02:00:00:00:00:99, port: wan}\n"
			 "  - {ip: 'fe80::98', mac: 02:00:00:00:00:98, port: lan}\n";
	struct pg_conf *c = parse(doc(ports6, nb, "routes:\n"
		"  - {prefix: '2001:db8:100::/48', vias: ['fe80::99 weight 4', 'fe80::98',"
		" '2001:db8:2::7 weight 2']}\n", NULL));
	const struct pg_conf_route6 *r;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->n_routes6, 1);
	r = &c->routes6[0];
	ck_assert_uint_eq(r->kind, PG_ROUTE_VIA);
	ck_assert_uint_eq(r->ecmp, 1);
	ck_assert_uint_eq(c->n_ecmp6, 1);
	ck_assert_uint_eq(c->ecmp6[0].n, 3);
	ck_assert(ip6_eq(c->ecmp6[0].via[0], "fe80::99"));
	ck_assert_uint_eq(c->ecmp6[0].port[0], 1);
	ck_assert_uint_eq(c->ecmp6[0].port[1], 0);
	ck_assert_uint_eq(c->ecmp6[0].port[2], 1);
	ck_assert_uint_eq(c->ecmp6[0].weight[0], 4);
	ck_assert_uint_eq(c->ecmp6[0].weight[1], 1);
	ck_assert_uint_eq(c->ecmp6[0].weight[2], 2);
	pg_conf_free(c);
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', vias: ['fe80::99', 'fe80::1']}\n", NULL),
		     "routes[0].vias[1]", "link-local gateway fe80::1 is not a neighbor");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', vias: ['fe80::99', 198.51.100.2]}\n",
			 NULL),
		     "routes[0].vias[1]", "IPv4 gateway 198.51.100.2 for the IPv6 prefix");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', via: 'fe80::99', vias: ['fe80::98']}\n",
			 NULL),
		     "routes[0]", "not both");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', vias: ['fe80::99 weight 0']}\n", NULL),
		     "routes[0].vias[0]", "weight '0' must be 1..256");
	expect_error(doc(ports6, nb, "routes:\n"
			 "  - {prefix: '2001:db8:100::/48', vias: ['fe80::99 wait 2']}\n", NULL),
		     "routes[0].vias[0]", "is not 'ADDRESS' or 'ADDRESS weight N'");
}
END_TEST

/* ---- acl: ---- */

/* The valid document plus an acl: section. */
static const char *
acl_doc(const char *acl)
{
	static char buf[32768];

	snprintf(buf, sizeof(buf), "%sacl:\n%s", doc(NULL, NULL, NULL, NULL), acl);
	return buf;
}

START_TEST(test_acl_full)
{
	struct pg_conf *c = expect_ok(acl_doc(
		"  - port: wan\n"
		"    direction: in\n"
		"    default: deny\n"
		"    rules:\n"
		"      - {action: deny, proto: tcp, dport: 23}\n"
		"      - {action: allow, src: 10.0.0.0/8, proto: udp, dport: 1000-2000}\n"
		"      - {action: count, dst: 192.0.2.7}\n"
		"      - {action: deny, proto: tcp, sport: 0-1023, flags: 'syn !ack'}\n"
		"      - {action: allow, src: '2001:db8::/32', proto: icmpv6}\n"
		"      - {action: allow, proto: 47}\n"
		"  - port: lan\n"
		"    rules: []\n"
		"  - port: lan\n"
		"    direction: out\n"));
	const struct pg_conf_acl_list *l;
	const struct pg_conf_acl_rule *r;
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	ck_assert_uint_eq(c->n_acls, 3);
	ck_assert_uint_eq(c->acls[2].dir, PG_ACL_OUT);
	ck_assert_uint_eq(c->acls[2].port, 0);
	l = &c->acls[0];
	ck_assert_uint_eq(l->port, 1);
	ck_assert_uint_eq(l->dir, PG_ACL_IN);
	ck_assert_uint_eq(l->def, PG_ACL_DENY);
	ck_assert_uint_eq(l->n_rules, 6);
	ck_assert_uint_eq(l->n_count, 1);
	r = &l->rules[0];
	ck_assert_uint_eq(r->action, PG_ACL_DENY);
	ck_assert(r->has_proto);
	ck_assert_uint_eq(r->proto, 6);
	ck_assert_uint_eq(r->dport_lo, 23);
	ck_assert_uint_eq(r->dport_hi, 23);
	ck_assert_uint_eq(r->sport_lo, 0);
	ck_assert_uint_eq(r->sport_hi, 65535);
	ck_assert(r->has_ports);
	ck_assert_uint_eq(r->families, PG_ACL_FAMILY_IP4 | PG_ACL_FAMILY_IP6);
	ck_assert_str_eq(r->text, "deny proto tcp dport 23");
	r = &l->rules[1];
	ck_assert_uint_eq(r->families, PG_ACL_FAMILY_IP4);
	ck_assert_uint_eq(r->src_len, 8);
	ck_assert_uint_eq(r->src[0], 10);
	ck_assert_uint_eq(r->dport_lo, 1000);
	ck_assert_uint_eq(r->dport_hi, 2000);
	ck_assert_str_eq(r->text, "allow src 10.0.0.0/8 proto udp dport 1000-2000");
	r = &l->rules[2];
	ck_assert_uint_eq(r->action, PG_ACL_COUNT);
	ck_assert_uint_eq(r->dst_len, 32);
	ck_assert(!r->has_proto);
	ck_assert(!r->has_ports);
	r = &l->rules[3];
	ck_assert_uint_eq(r->tcp_flags_mask, 0x12);   /* SYN, ACK */
	ck_assert_uint_eq(r->tcp_flags_value, 0x02);  /* SYN */
	ck_assert_str_eq(r->text, "deny proto tcp sport 0-1023 flags syn !ack");
	r = &l->rules[4];
	ck_assert_uint_eq(r->families, PG_ACL_FAMILY_IP6);
	ck_assert_uint_eq(r->src_len, 32);
	ck_assert_mem_eq(r->src, v6, 16);
	ck_assert_uint_eq(r->proto, 58);
	ck_assert_uint_eq(l->rules[5].proto, 47);
	ck_assert_str_eq(l->rules[5].text, "allow proto 47");
	l = &c->acls[1];
	ck_assert_uint_eq(l->port, 0);
	ck_assert_uint_eq(l->def, PG_ACL_ALLOW);
	ck_assert_uint_eq(l->n_rules, 0);
	pg_conf_free(c);
}
END_TEST

START_TEST(test_acl_absent)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL, NULL));

	ck_assert_uint_eq(c->n_acls, 0);
	ck_assert_ptr_null(c->acls);
	pg_conf_free(c);
}
END_TEST

static const struct {
	const char *acl;
	const char *needle1, *needle2;
} bad_acl[] = {
	{ "  - {port: dmz}\n", "acl[0].port: unknown port 'dmz'", "(line 16)" },
	{ "  - {port: lan, direction: sideways}\n", "acl[0].direction:", "sideways" },
	{ "  - {port: lan, direction: out}\n  - {port: lan, direction: out}\n",
	  "acl[1].port: a second 'out' list for port 'lan'", NULL },
	{ "  - {port: lan, default: drop}\n", "acl[0].default:", "'drop'" },
	{ "  - {port: lan}\n  - {port: lan, direction: in}\n",
	  "acl[1].port: a second 'in' list for port 'lan'", "(line 17)" },
	{ "  - port: lan\n    rules:\n      - {action: reject}\n",
	  "acl[0].rules[0].action: unknown action 'reject'", "(line 18)" },
	{ "  - port: lan\n    rules:\n      - {proto: tcp}\n",
	  "acl[0].rules[0].action: required key is missing", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, src: 10.0.0.0/33}\n",
	  "acl[0].rules[0].src:", "out of range" },
	{ "  - port: lan\n    rules:\n      - {action: deny, src: 10.0.0.1/8}\n",
	  "acl[0].rules[0].src: host bits set", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, dst: 10.0.0}\n",
	  "acl[0].rules[0].dst:", "not an IPv4 or IPv6 prefix" },
	{ "  - port: lan\n    rules:\n      - {action: deny, dst: '2001:db8::1/129'}\n",
	  "acl[0].rules[0].dst:", "0..128" },
	{ "  - port: lan\n    rules:\n      - {action: deny, src: 10.0.0.0/8, dst: '::1'}\n",
	  "acl[0].rules[0].dst: src is IPv4 but dst is IPv6", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: tcpp}\n",
	  "acl[0].rules[0].proto: 'tcpp' is not a protocol", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: 256}\n",
	  "acl[0].rules[0].proto:", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: tcp, dport: 2000-1000}\n",
	  "acl[0].rules[0].dport: range '2000-1000' is reversed", "(line 18)" },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: tcp, sport: 70000}\n",
	  "acl[0].rules[0].sport:", "0..65535" },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: tcp, sport: 1-}\n",
	  "acl[0].rules[0].sport:", "not a port" },
	{ "  - port: lan\n    rules:\n      - {action: deny, dport: 80}\n",
	  "acl[0].rules[0].dport: a port match needs proto tcp, udp or sctp", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: icmp, dport: 80}\n",
	  "acl[0].rules[0].dport: a port match needs proto", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: udp, flags: syn}\n",
	  "acl[0].rules[0].flags: TCP flags need proto tcp", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: tcp, flags: 'syn !fin bogus'}\n",
	  "acl[0].rules[0].flags: unknown TCP flag 'bogus'", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, proto: tcp, flags: 'syn !syn'}\n",
	  "acl[0].rules[0].flags: flag 'syn' given twice", NULL },
	{ "  - port: lan\n    rules:\n      - {action: deny, dprot: 80}\n",
	  "acl[0].rules[0]: unknown key 'dprot'", "valid keys: action, src, dst" },
};

START_TEST(test_acl_bad)
{
	expect_error(acl_doc(bad_acl[_i].acl), bad_acl[_i].needle1, bad_acl[_i].needle2);
}
END_TEST

START_TEST(test_acl_too_many_count)
{
	char acl[4096] = "  - port: lan\n    rules:\n";
	unsigned int i;

	for (i = 0; i <= PG_CONF_ACL_MAX_COUNT; i++)
		strcat(acl, "      - {action: count, proto: udp}\n");
	expect_error(acl_doc(acl), "acl[0].rules[15].action: too many count rules", "max 15");
}
END_TEST

START_TEST(test_acl_too_many_rules)
{
	const size_t n = PG_CONF_ACL_MAX_RULES + 1;
	const char line[] = "  - {action: deny}\n";
	char *y = malloc(n * 32 + 4096);
	char *p = y;
	struct pg_conf *c;
	size_t i;

	p += sprintf(p, "%sacl:\n  - port: lan\n    rules:\n", doc(NULL, NULL, NULL, NULL));
	for (i = 0; i < n; i++)
		p += sprintf(p, "    %s", line);
	c = pg_conf_parse(y, strlen(y), err);
	free(y);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "acl[0].rules: too many rules (100001, max 100000)") != NULL,
		      "%s", err);
}
END_TEST

/* Reload files: acl only, or a full config whose other keys are skipped. */
START_TEST(test_acl_only_load)
{
	struct pg_conf *base = expect_ok(doc(NULL, NULL, NULL, NULL));
	const char *only = "acl:\n  - {port: wan, default: deny}\n";
	const char *full = acl_doc("  - port: lan\n    rules:\n      - {action: deny, proto: 1}\n");
	struct pg_conf *c;
	char *path;

	c = pg_conf_acl_parse(base, only, strlen(only), err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->n_acls, 1);
	ck_assert_uint_eq(c->acls[0].port, 1);
	ck_assert_uint_eq(c->acls[0].def, PG_ACL_DENY);
	pg_conf_free(c);

	path = write_temp(full);
	c = pg_conf_acl_load(base, path, err);
	unlink(path);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->n_acls, 1);
	ck_assert_uint_eq(c->acls[0].rules[0].proto, 1);
	ck_assert_uint_eq(c->n_routes, 0);
	pg_conf_free(c);

	/* acl: must be there (acl: [] clears), a misspelt top key fails. */
	c = pg_conf_acl_parse(base, "routes: []\n", 11, err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "acl: required key is missing") != NULL, "%s", err);
	c = pg_conf_acl_parse(base, "acl: []\n", 8, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->n_acls, 0);
	pg_conf_free(c);
	c = pg_conf_acl_parse(base, "acls: []\n", 9, err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "unknown top-level key 'acls'") != NULL, "%s", err);
	c = pg_conf_acl_parse(base, "acl:\n  - {port: lan, rules: [{action: x}]}\n", 42, err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "acl[0].rules[0].action: unknown action 'x' (allow, deny, count) (line 2)")
		      != NULL, "%s", err);
	pg_conf_free(base);
}
END_TEST

/* fpm: off when absent, defaults when empty, each mistake named. */
START_TEST(test_fpm)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL, NULL));

	ck_assert(!c->fpm.enabled);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm: {}\n"));
	ck_assert(c->fpm.enabled);
	ck_assert_uint_eq(c->fpm.addr, 0x7f000001);
	ck_assert_uint_eq(c->fpm.port, 2620);
	ck_assert_uint_eq(c->fpm.resync_quiet_ms, 3000);
	ck_assert_uint_eq(c->fpm.max_routes, 0);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm:\n"
			  "  listen: \"10.0.0.1:2700\"\n  resync_quiet_ms: 500\n"
			  "  max_routes: 1000000\n"));
	ck_assert(c->fpm.enabled);
	ck_assert_uint_eq(c->fpm.addr, 0x0a000001);
	ck_assert_uint_eq(c->fpm.port, 2700);
	ck_assert_uint_eq(c->fpm.resync_quiet_ms, 500);
	ck_assert_uint_eq(c->fpm.max_routes, 1000000);
	pg_conf_free(c);
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm:\n  listen: x:1\n"),
		     "fpm.listen", "address:port");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm:\n  listen: 1.2.3.4\n"),
		     "fpm.listen", "address:port");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  lcores: [1]\nfpm:\n  listen: \"1.2.3.4:70000\"\n"),
		     "fpm.listen", "'1.2.3.4:70000'");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm:\n  resync_quiet_ms: 1\n"),
		     "fpm.resync_quiet_ms", "out of range");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm:\n  max_routes: 20000000\n"),
		     "fpm.max_routes", "out of range");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nfpm:\n  port: 1\n"),
		     "port", NULL);
}
END_TEST

/* limits: 0 (pktgate sizes) when absent; ranges and order checked. */
START_TEST(test_limits)
{
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL, NULL));

	ck_assert_uint_eq(c->limits.ipv4_tbl8_groups, 0);
	ck_assert_uint_eq(c->limits.ipv4_tbl8_groups_max, 0);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nlimits:\n"
			  "  ipv4_tbl8_groups: 65536\n  ipv4_tbl8_groups_max: 262144\n"));
	ck_assert_uint_eq(c->limits.ipv4_tbl8_groups, 65536);
	ck_assert_uint_eq(c->limits.ipv4_tbl8_groups_max, 262144);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nlimits: {}\n"));
	ck_assert_uint_eq(c->limits.ipv4_tbl8_groups, 0);
	pg_conf_free(c);
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  lcores: [1]\nlimits:\n  ipv4_tbl8_groups: 20000000\n"),
		     "limits.ipv4_tbl8_groups", "out of range (64..16777216)");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  lcores: [1]\nlimits:\n  ipv4_tbl8_groups_max: 10\n"),
		     "limits.ipv4_tbl8_groups_max", "out of range");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  lcores: [1]\nlimits:\n  ipv4_tbl8_groups: lots\n"),
		     "limits.ipv4_tbl8_groups", "'lots'");
	expect_error(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nlimits:\n"
			 "  ipv4_tbl8_groups: 100000\n  ipv4_tbl8_groups_max: 50000\n"),
		     "limits.ipv4_tbl8_groups_max", "below limits.ipv4_tbl8_groups 100000");
	expect_error(doc(NULL, NULL, NULL,
			 "workers:\n  lcores: [1]\nlimits:\n  tbl8_groups: 100\n"),
		     "tbl8_groups", NULL);
}
END_TEST

/* limits.ipv{4,6}_ecmp_*: 0 (the tables' 1024 x 16) when absent; ranges. */
START_TEST(test_limits_ecmp)
{
	static const struct {
		const char *line, *path, *msg;
	} bad[] = {
		{ "ipv6_ecmp_groups: 32768", "limits.ipv6_ecmp_groups", "out of range (1..32767)" },
		{ "ipv6_ecmp_groups: 0", "limits.ipv6_ecmp_groups", "out of range (1..32767)" },
		{ "ipv6_ecmp_group_members: 33", "limits.ipv6_ecmp_group_members",
		  "out of range (2..32)" },
		{ "ipv6_ecmp_group_members: 1", "limits.ipv6_ecmp_group_members",
		  "out of range (2..32)" },
		{ "ipv4_ecmp_groups: many", "limits.ipv4_ecmp_groups", "'many'" },
		{ "ipv4_ecmp_group_members: 40", "limits.ipv4_ecmp_group_members",
		  "out of range (2..32)" },
	};
	struct pg_conf *c = expect_ok(doc(NULL, NULL, NULL, NULL));
	unsigned int i;

	ck_assert_uint_eq(c->limits.ipv4_ecmp_groups, 0);
	ck_assert_uint_eq(c->limits.ipv4_ecmp_group_members, 0);
	ck_assert_uint_eq(c->limits.ipv6_ecmp_groups, 0);
	ck_assert_uint_eq(c->limits.ipv6_ecmp_group_members, 0);
	pg_conf_free(c);
	c = expect_ok(doc(NULL, NULL, NULL, "workers:\n  lcores: [1]\nlimits:\n"
			  "  ipv4_ecmp_groups: 4096\n  ipv4_ecmp_group_members: 32\n"
			  "  ipv6_ecmp_groups: 32767\n  ipv6_ecmp_group_members: 2\n"));
	ck_assert_uint_eq(c->limits.ipv4_ecmp_groups, 4096);
	ck_assert_uint_eq(c->limits.ipv4_ecmp_group_members, 32);
	ck_assert_uint_eq(c->limits.ipv6_ecmp_groups, 32767);
	ck_assert_uint_eq(c->limits.ipv6_ecmp_group_members, 2);
	ck_assert_uint_eq(c->limits.ipv4_tbl8_groups, 0);
	pg_conf_free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char yaml[128];

		snprintf(yaml, sizeof(yaml), "workers:\n  lcores: [1]\nlimits:\n  %s\n",
			 bad[i].line);
		expect_error(doc(NULL, NULL, NULL, yaml), bad[i].path, bad[i].msg);
	}
}
END_TEST

/* ports[].mtu: 68..65535 (1280.. with ipv6), default 1500. */
START_TEST(test_port_mtu)
{
	struct pg_conf *c = expect_ok(doc(
		"ports:\n"
		"  - {name: a, device: d0, ipv4: 192.0.2.1/24, mtu: 68}\n"
		"  - {name: b, device: d1, ipv4: 198.51.100.1/24, mtu: 65535}\n"
		"  - {name: c, device: d2, ipv4: 10.0.0.1/8, mtu: 9000}\n"
		"  - {name: d, device: d3, ipv4: 172.16.0.1/32}\n",
		"neighbors: []\n", "routes: []\n", NULL));

	ck_assert_uint_eq(c->ports[0].mtu, 68);
	ck_assert_uint_eq(c->ports[1].mtu, 65535);
	ck_assert_uint_eq(c->ports[2].mtu, 9000);
	ck_assert_uint_eq(c->ports[3].mtu, PG_CONF_DEFAULT_MTU);
	pg_conf_free(c);
	expect_error(doc(one_port("    mtu: 67\n"), "", "", NULL),
		     "ports[0].mtu: 67 is out of range (68..65535)", "(line 5)");
	expect_error(doc(one_port("    mtu: 65536\n"), "", "", NULL),
		     "ports[0].mtu: 65536 is out of range", NULL);
	expect_error(doc(one_port("    mtu: 1500 bytes\n"), "", "", NULL),
		     "ports[0].mtu: expected a non-negative integer, got '1500 bytes'", NULL);
	expect_error(doc(one_port("    mtu: -1\n"), "", "", NULL),
		     "ports[0].mtu: expected a non-negative integer", NULL);
	/* With ipv6 on, the same MTU applies to IPv6: at least 1280. */
	c = expect_ok(doc(one_port("    ipv6: '2001:db8::1/64'\n    mtu: 1280\n"), "", "",
			  NULL));
	ck_assert_uint_eq(c->ports[0].mtu, 1280);
	pg_conf_free(c);
	expect_error(doc(one_port("    ipv6: '2001:db8::1/64'\n    mtu: 1279\n"), "", "", NULL),
		     "ports[0].mtu: 1279 is below 1280, the IPv6 minimum MTU (RFC 8200 5), "
		     "on a port with ipv6", "(line 6)");
}
END_TEST

/* icmp: {rate, burst}: optional, rate 0 turns errors off. */
START_TEST(test_icmp_limits)
{
	static char yaml[16384 + 64];
	struct pg_conf *c;

	snprintf(yaml, sizeof(yaml), "%sicmp: {rate: 0}\n", doc(NULL, NULL, NULL, NULL));
	c = expect_ok(yaml);
	ck_assert_uint_eq(c->icmp_rate, 0);
	ck_assert_uint_eq(c->icmp_burst, PG_CONF_DEFAULT_ICMP_BURST);
	pg_conf_free(c);
	snprintf(yaml, sizeof(yaml), "%sicmp:\n  rate: 1000000\n  burst: 100000\n",
		 doc(NULL, NULL, NULL, NULL));
	c = expect_ok(yaml);
	ck_assert_uint_eq(c->icmp_rate, 1000000);
	ck_assert_uint_eq(c->icmp_burst, 100000);
	pg_conf_free(c);
	snprintf(yaml, sizeof(yaml), "%sicmp:\n", doc(NULL, NULL, NULL, NULL));
	c = expect_ok(yaml);
	ck_assert_uint_eq(c->icmp_rate, PG_CONF_DEFAULT_ICMP_RATE);
	pg_conf_free(c);

	snprintf(yaml, sizeof(yaml), "%sicmp: {rate: 1000001}\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "icmp.rate: 1000001 is out of range (0..1000000)", "line");
	snprintf(yaml, sizeof(yaml), "%sicmp: {burst: 0}\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "icmp.burst: 0 is out of range (1..100000)", "line");
	snprintf(yaml, sizeof(yaml), "%sicmp: {rate: fast}\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "icmp.rate: expected a non-negative integer, got 'fast'", NULL);
	snprintf(yaml, sizeof(yaml), "%sicmp: {rate: 1, bucket: 3}\n",
		 doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "icmp: unknown key 'bucket'", "valid keys: rate, burst");
	snprintf(yaml, sizeof(yaml), "%sicmp: 5\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "icmp: expected a mapping", NULL);
}
END_TEST

/* kernel_mirror / tap / punt: the exception path (docs/punt.md). */
START_TEST(test_kernel_mirror)
{
	static char yaml[16384 + 64];
	struct pg_conf *c;

	c = expect_ok(doc(NULL, NULL, NULL, NULL));
	ck_assert_str_eq(c->ports[0].tap, "");
	ck_assert_uint_eq(c->n_mirrors, 0);
	ck_assert_uint_eq(c->punt_ring_size, PG_CONF_DEFAULT_PUNT_RING);
	pg_conf_free(c);
	c = expect_ok(doc(one_port("    kernel_mirror: true\n"), "", "", NULL));
	ck_assert_str_eq(c->ports[0].tap, "pg-lan");
	ck_assert_uint_eq(c->n_mirrors, 1);
	pg_conf_free(c);
	c = expect_ok(doc(one_port("    tap: fifteen-chars-x\n"), "", "", NULL));
	ck_assert_str_eq(c->ports[0].tap, "fifteen-chars-x");
	pg_conf_free(c);
	c = expect_ok(doc(one_port("    kernel_mirror: false\n"), "", "", NULL));
	ck_assert_str_eq(c->ports[0].tap, "");
	ck_assert_uint_eq(c->n_mirrors, 0);
	pg_conf_free(c);
	snprintf(yaml, sizeof(yaml), "%spunt: {ring_size: 4}\n", doc(NULL, NULL, NULL, NULL));
	c = expect_ok(yaml);
	ck_assert_uint_eq(c->punt_ring_size, 4);
	pg_conf_free(c);

	expect_error(doc(one_port("    tap: sixteen-chars-xy\n"), "", "", NULL),
		     "ports[0].tap: 'sixteen-chars-xy' must be 1..15 characters", "line");
	expect_error(doc(one_port("    kernel_mirror: on\n"), "", "", NULL),
		     "ports[0].kernel_mirror: expected true, false, tap or virtio_user, got 'on'",
		     NULL);
	expect_error(doc(one_port("    kernel_mirror: false\n    tap: x\n"), "", "", NULL),
		     "ports[0].tap: given with kernel_mirror: false", NULL);
	expect_error(doc(one_port("    tap: 'a b'\n"), "", "", NULL),
		     "ports[0].tap: 'a b' may only contain", NULL);
	expect_error(doc(one_port("    tap: ..\n"), "", "", NULL),
		     "ports[0].tap: '..' may only contain", NULL);
	snprintf(yaml, sizeof(yaml), "%spunt: {ring_size: 96}\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "punt.ring_size: 96 is not a power of two", NULL);
	snprintf(yaml, sizeof(yaml), "%spunt: {ring_size: 2}\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "punt.ring_size: 2 is out of range (4..65536)", NULL);
}
END_TEST

/* The mirror's backend: punt.backend for all, kernel_mirror: KIND per port. */
START_TEST(test_mirror_backend)
{
	static char yaml[16384 + 64];
	struct pg_conf *c;

	c = expect_ok(doc(one_port("    kernel_mirror: true\n"), "", "", NULL));
	ck_assert_int_eq(c->punt_backend, PG_CONF_MIRROR_TAP);
	ck_assert_int_eq(c->ports[0].mirror_backend, PG_CONF_MIRROR_TAP);
	pg_conf_free(c);
	c = expect_ok(doc(one_port("    kernel_mirror: virtio_user\n"), "", "", NULL));
	ck_assert_str_eq(c->ports[0].tap, "pg-lan");
	ck_assert_uint_eq(c->n_mirrors, 1);
	ck_assert_int_eq(c->ports[0].mirror_backend, PG_CONF_MIRROR_VIRTIO_USER);
	ck_assert_int_eq(c->punt_backend, PG_CONF_MIRROR_TAP);
	pg_conf_free(c);
	snprintf(yaml, sizeof(yaml), "%spunt: {backend: virtio_user}\n",
		 doc(one_port("    tap: k0\n"), "", "", NULL));
	c = expect_ok(yaml);
	ck_assert_int_eq(c->punt_backend, PG_CONF_MIRROR_VIRTIO_USER);
	ck_assert_int_eq(c->ports[0].mirror_backend, PG_CONF_MIRROR_VIRTIO_USER);
	ck_assert_str_eq(c->ports[0].tap, "k0");
	pg_conf_free(c);
	/* A port's own kind wins over punt.backend. */
	snprintf(yaml, sizeof(yaml), "%spunt: {backend: virtio_user}\n",
		 doc(one_port("    kernel_mirror: tap\n    tap: k1\n"), "", "", NULL));
	c = expect_ok(yaml);
	ck_assert_int_eq(c->ports[0].mirror_backend, PG_CONF_MIRROR_TAP);
	ck_assert_str_eq(c->ports[0].tap, "k1");
	pg_conf_free(c);
	/* No mirror, no backend. */
	snprintf(yaml, sizeof(yaml), "%spunt: {backend: virtio_user}\n",
		 doc(NULL, NULL, NULL, NULL));
	c = expect_ok(yaml);
	ck_assert_uint_eq(c->n_mirrors, 0);
	ck_assert_int_eq(c->ports[0].mirror_backend, PG_CONF_MIRROR_DEFAULT);
	pg_conf_free(c);

	snprintf(yaml, sizeof(yaml), "%spunt: {backend: vhost}\n", doc(NULL, NULL, NULL, NULL));
	expect_error(yaml, "punt.backend: expected tap or virtio_user, got 'vhost'", NULL);
	expect_error(doc(one_port("    kernel_mirror: virtio\n"), "", "", NULL),
		     "ports[0].kernel_mirror: expected true, false, tap or virtio_user, "
		     "got 'virtio'", NULL);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("valid");
	tcase_add_test(tc, test_full_config);
	tcase_add_test(tc, test_minimal_config);
	tcase_add_test(tc, test_edge_values_accepted);
	tcase_add_test(tc, test_empty_optional_sections);
	tcase_add_test(tc, test_parse_uses_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("yaml");
	tcase_add_test(tc, test_empty_document);
	tcase_add_test(tc, test_syntax_error);
	tcase_add_test(tc, test_not_a_mapping);
	tcase_add_test(tc, test_unknown_key_top);
	tcase_add_test(tc, test_unknown_key_port);
	tcase_add_test(tc, test_unknown_key_route);
	tcase_add_test(tc, test_unknown_key_workers);
	tcase_add_test(tc, test_wrong_type);
	tcase_add_test(tc, test_duplicate_key);
	tcase_add_test(tc, test_missing_keys);
	tcase_add_test(tc, test_unknown_alias);
	suite_add_tcase(s, tc);

	tc = tcase_create("ports");
	tcase_add_test(tc, test_ports_count);
	tcase_add_test(tc, test_port_name);
	tcase_add_test(tc, test_port_name_duplicate);
	tcase_add_test(tc, test_port_device);
	tcase_add_test(tc, test_port_device_duplicate);
	tcase_add_loop_test(tc, test_port_ipv4_syntax, 0,
			    sizeof(bad_ipv4) / sizeof(bad_ipv4[0]));
	tcase_add_loop_test(tc, test_port_ipv4_host, 0,
			    sizeof(bad_host_ipv4) / sizeof(bad_host_ipv4[0]));
	tcase_add_test(tc, test_port_subnet_overlap);
	tcase_add_loop_test(tc, test_port_mac_bad, 0,
			    sizeof(bad_mac) / sizeof(bad_mac[0]));
	tcase_add_loop_test(tc, test_port_rx_queues, 0,
			    sizeof(bad_rx_queues) / sizeof(bad_rx_queues[0]));
	tcase_add_loop_test(tc, test_port_desc, 0,
			    sizeof(bad_desc) / sizeof(bad_desc[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("neighbors");
	tcase_add_test(tc, test_neighbor_ip);
	tcase_add_test(tc, test_neighbor_mac);
	tcase_add_test(tc, test_neighbor_port);
	tcase_add_test(tc, test_neighbor_subnet);
	tcase_add_test(tc, test_neighbor_duplicate);
	suite_add_tcase(s, tc);

	tc = tcase_create("routes");
	tcase_add_test(tc, test_route_prefix);
	tcase_add_test(tc, test_route_host_bits);
	tcase_add_test(tc, test_route_via_and_port);
	tcase_add_test(tc, test_route_port);
	tcase_add_test(tc, test_route_via);
	tcase_add_test(tc, test_route_vias);
	tcase_add_test(tc, test_route_duplicate);
	suite_add_tcase(s, tc);

	tc = tcase_create("workers");
	tcase_add_test(tc, test_workers_lcores);
	tcase_add_test(tc, test_workers_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("acl");
	tcase_add_test(tc, test_acl_full);
	tcase_add_test(tc, test_acl_absent);
	tcase_add_loop_test(tc, test_acl_bad, 0, sizeof(bad_acl) / sizeof(bad_acl[0]));
	tcase_add_test(tc, test_acl_too_many_count);
	tcase_add_test(tc, test_acl_only_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("mtu_icmp");
	tcase_add_test(tc, test_port_mtu);
	tcase_add_test(tc, test_icmp_limits);
	tcase_add_test(tc, test_limits_ecmp);
	tcase_add_test(tc, test_kernel_mirror);
	tcase_add_test(tc, test_mirror_backend);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, test_load_file);
	tcase_add_test(tc, test_load_error_has_path);
	tcase_add_test(tc, test_load_missing_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("runtime");
	tcase_add_test(tc, test_runtime_ok);
	tcase_add_test(tc, test_runtime_lcore_disabled);
	tcase_add_test(tc, test_runtime_main_lcore);
	tcase_add_test(tc, test_runtime_device);
	tcase_add_test(tc, test_runtime_rx_queues);
	tcase_add_test(tc, test_runtime_rx_queues_pipeline);
	tcase_add_test(tc, test_format_helpers);
	tcase_add_test(tc, test_ipv6_config);
	tcase_add_test(tc, test_ipv6_link_local_from_mac);
	tcase_add_test(tc, test_ipv6_port_errors);
	tcase_add_test(tc, test_ipv6_neighbor_errors);
	tcase_add_test(tc, test_ipv6_route_errors);
	tcase_add_test(tc, test_ipv6_route_vias);
	suite_add_tcase(s, tc);

	tc = tcase_create("control");
	tcase_add_test(tc, test_control_default);
	tcase_add_test(tc, test_control_socket);
	tcase_add_test(tc, test_control_disabled);
	tcase_add_loop_test(tc, test_control_bad, 0,
			    sizeof(bad_control) / sizeof(bad_control[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("scale");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_many_routes);
	tcase_add_test(tc, test_many_routes_duplicate);
	tcase_add_test(tc, test_arp);
	tcase_add_test(tc, test_fpm);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_acl_too_many_rules);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	/* TAP goes to stdout for meson: keep check's own report off it. */
	srunner_run_all(sr, tap != NULL && strcmp(tap, "-") == 0 ?
			CK_SILENT : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
