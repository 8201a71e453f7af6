/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * libFuzzer target: the config parser and validator (pg_conf_parse) on
 * arbitrary bytes. No EAL. Besides ASan/UBSan/LSan findings, it checks
 * the parser's contract: either a config whose fields are within their
 * documented ranges, or NULL with exactly one non-empty error line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what, const char *err)
{
	if (!ok) {
		fprintf(stderr, "fuzz_conf: %s%s%s\n", what, err ? ": " : "", err ? err : "");
		abort();
	}
}

/* What every accepted config promises the rest of pktgate. */
static void
check_conf(const struct pg_conf *c)
{
	unsigned int i;

	check(c->n_ports >= 1 && c->n_ports <= PG_CONF_MAX_PORTS, "n_ports", NULL);
	check(c->n_workers >= 1 && c->n_workers <= PG_CONF_MAX_WORKERS, "n_workers", NULL);
	check(pg_conf_n_fwd_lcores(c) >= 1 && pg_conf_n_rx_lcores(c) >= 1, "lcore roles", NULL);
	for (i = 0; i < c->n_ports; i++) {
		const struct pg_conf_port *p = &c->ports[i];

		check(memchr(p->name, 0, sizeof(p->name)) != NULL && p->name[0] != 0,
		      "port name", NULL);
		check(memchr(p->device, 0, sizeof(p->device)) != NULL && p->device[0] != 0,
		      "port device", NULL);
		check(p->ip4_len >= 1 && p->ip4_len <= 32, "ip4_len", NULL);
		check(pg_conf_port_index(c, p->name) == (int)i, "port names unique", NULL);
	}
	for (i = 0; i < c->n_neighbors; i++)
		check(c->neighbors[i].port < c->n_ports, "neighbor port", NULL);
	for (i = 0; i < c->n_routes; i++) {
		const struct pg_conf_route *r = &c->routes[i];

		check(r->len <= 32, "route len", NULL);
		check(r->len == 32 || (r->prefix & (UINT32_MAX >> r->len)) == 0,
		      "route host bits", NULL);
		check(r->port < c->n_ports, "route port", NULL);
		check(r->kind == PG_ROUTE_VIA || r->kind == PG_ROUTE_PORT, "route kind", NULL);
	}
	if (c->mode == PG_MODE_PIPELINE)
		check(c->ring_size >= PG_CONF_MIN_RING_SIZE &&
		      c->ring_size <= PG_CONF_MAX_RING_SIZE &&
		      (c->ring_size & (c->ring_size - 1)) == 0, "ring_size", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PG_CONF_ERR_LEN];
	struct pg_conf *c;
	size_t n;

	/* Poison err so a missing message shows. */
	memset(err, 'x', sizeof(err));
	c = pg_conf_parse((const char *)data, size, err);
	if (c == NULL) {
		n = strnlen(err, sizeof(err));
		check(n < sizeof(err), "error message not terminated", NULL);
		check(n > 0, "NULL config without an error message", NULL);
		check(strchr(err, '\n') == NULL, "error message spans lines", err);
		return 0;
	}
	check(err[0] == '\0', "config returned with an error message", err);
	check_conf(c);
	pg_conf_free(c);
	return 0;
}
