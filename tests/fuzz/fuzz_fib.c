/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * libFuzzer target: the live IPv4 table (lib/ctl/fib.c). Each input is a
 * sequence of control-plane changes (route add/del, bulk add, neighbor
 * set/del) applied to one table, checked after every change against a
 * reference model written from pg_fib.h's contract:
 *   - a change succeeds or fails as the model says, and a failed one has
 *     an error message and leaves the table as it was;
 *   - for a set of probe addresses, the next hop the active copy gives
 *     (type, port, MACs) is the one of the longest matching prefix among
 *     local > static > neighbor > connected candidates;
 *   - both copies agree after every change;
 *   - undoing everything at the end brings the table back to its start.
 *
 * Input: records of 12 bytes (op, len, gw, port, addr selector, raw
 * address (4), MAC bytes (3)); see LLVMFuzzerTestOneInput().
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_fib.h>

#include "pg_conf.h"
#include "pg_fib.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_PORTS 2
#define MAX_MODEL 64

static const char conf_yaml[] =
	"ports:\n"
	"  - {name: lan, device: d0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n"
	"  - {name: wan, device: d1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02}\n"
	"workers:\n"
	"  lcores: [1]\n";

/* Addresses where the interesting collisions are. */
static const uint32_t pool[16] = {
	0xc0000201, 0xc00002ff, 0xc0000200, 0xc000020a, 0xc0000214, 0xc0000263,
	0xc6336401, 0xc63364ff, 0xc6336402, 0xc6336407,
	0xcb007100, 0xcb007180, 0x0a000000, 0x0a090000, 0x00000000, 0x08080808,
};

struct route {
	uint32_t prefix, gw;
	uint8_t len;
	int port;
};

struct neigh {
	uint32_t ip;
	uint8_t mac[6];
	int port;
};

static struct {
	struct route r[MAX_MODEL];
	unsigned int n_r;
	struct neigh nb[MAX_MODEL];
	unsigned int n_nb;
} model;

static char file_prefix[64];
static struct pg_fib *fib;
static struct pg_fib_port ports[N_PORTS];
static uint32_t base_routes;

static void
die(const char *what, uint32_t a, uint32_t b)
{
	fprintf(stderr, "fuzz_fib: %s (%08x %08x)\n", what, a, b);
	abort();
}

static uint32_t
mask_of(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static void
cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "/var/run/dpdk/%s", file_prefix + strlen("--file-prefix="));
	rte_eal_cleanup();
	if (fork() == 0) {
		execlp("rm", "rm", "-rf", "--", path, (char *)NULL);
		_exit(127);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal_args[] = { (*argv)[0], "-l", "0", "--no-huge", "-m", "512",
		"--no-pci", "--no-telemetry", file_prefix, "--log-level", "*:error", NULL };
	char err[PG_CONF_ERR_LEN];
	struct pg_conf *conf;
	unsigned int i;

	(void)argc;
	snprintf(file_prefix, sizeof(file_prefix), "--file-prefix=pg_fuzz_fib_%d",
		 (int)getpid());
	rte_openlog_stream(stderr);
	if (rte_eal_init(RTE_DIM(eal_args) - 1, eal_args) < 0)
		die("EAL init failed", 0, 0);
	atexit(cleanup);
	conf = pg_conf_parse(conf_yaml, sizeof(conf_yaml) - 1, err);
	if (conf == NULL)
		die(err, 0, 0);
	for (i = 0; i < N_PORTS; i++) {
		memcpy(ports[i].mac.addr_bytes, conf->ports[i].mac, 6);
		ports[i].ip4 = conf->ports[i].ip4;
		ports[i].ip4_len = conf->ports[i].ip4_len;
	}
	fib = pg_fib_create(conf, ports, NULL, SOCKET_ID_ANY, err);
	if (fib == NULL)
		die(err, 0, 0);
	pg_conf_free(conf);
	base_routes = fib->n_routes;
	return 0;
}

/* ---- the model ------------------------------------------------------------ */

static int
port_of(uint32_t ip)
{
	unsigned int p;

	for (p = 0; p < N_PORTS; p++)
		if (((ip ^ ports[p].ip4) & mask_of(ports[p].ip4_len)) == 0)
			return (int)p;
	return -1;
}

static int
local_port(uint32_t ip)
{
	unsigned int p;

	for (p = 0; p < N_PORTS; p++) {
		const uint32_t m = mask_of(ports[p].ip4_len);

		if (ip == ports[p].ip4 ||
		    (ports[p].ip4_len <= 30 && ip == ((ports[p].ip4 & m) | ~m)))
			return (int)p;
	}
	return -1;
}

static struct neigh *
find_neigh(uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < model.n_nb; i++)
		if (model.nb[i].ip == ip)
			return &model.nb[i];
	return NULL;
}

static struct route *
find_route(uint32_t prefix, uint8_t len)
{
	unsigned int i;

	for (i = 0; i < model.n_r; i++)
		if (model.r[i].prefix == prefix && model.r[i].len == len)
			return &model.r[i];
	return NULL;
}

/* What a next hop must hold: type, port and (FORWARD) the neighbor's MAC. */
struct want {
	uint8_t type;
	uint16_t port;
	const uint8_t *mac;
};

static struct want
route_want(const struct route *r)
{
	const struct neigh *n = r->gw != 0 ? find_neigh(r->gw) : NULL;

	if (n != NULL)
		return (struct want){ PG_NH_FORWARD, (uint16_t)n->port, n->mac };
	return (struct want){ PG_NH_UNRESOLVED, (uint16_t)r->port, NULL };
}

/* Longest match over every candidate; ties by precedence. */
static struct want
model_lookup(uint32_t ip)
{
	struct want w = { PG_NH_NO_ROUTE, 0, NULL };
	int best_len = -1, best_prec = -1;
	unsigned int i, p;

#define CONSIDER(len_, prec_, want_) do {                                     \
	if ((int)(len_) > best_len ||                                         \
	    ((int)(len_) == best_len && (prec_) > best_prec)) {               \
		best_len = (int)(len_);                                       \
		best_prec = (prec_);                                          \
		w = (want_);                                                  \
	}                                                                     \
} while (0)
	for (p = 0; p < N_PORTS; p++) {
		const uint32_t m = mask_of(ports[p].ip4_len);

		if (((ip ^ ports[p].ip4) & m) == 0)
			CONSIDER(ports[p].ip4_len, 0, ((struct want){ PG_NH_UNRESOLVED, (uint16_t)p, NULL }));
	}
	for (i = 0; i < model.n_nb; i++)
		if (model.nb[i].ip == ip)
			CONSIDER(32, 1, ((struct want){ PG_NH_FORWARD, (uint16_t)model.nb[i].port,
						       model.nb[i].mac }));
	for (i = 0; i < model.n_r; i++)
		if (((ip ^ model.r[i].prefix) & mask_of(model.r[i].len)) == 0)
			CONSIDER(model.r[i].len, 2, route_want(&model.r[i]));
	if (local_port(ip) >= 0)
		CONSIDER(32, 3, ((struct want){ PG_NH_LOCAL, (uint16_t)local_port(ip), NULL }));
#undef CONSIDER
	return w;
}

static void
check_nh(const struct pg_nexthop *nh, const struct want *w, uint32_t ip)
{
	if (nh->type != w->type)
		die("next hop type differs from the model", ip, ((uint32_t)nh->type << 8) | w->type);
	if (w->type == PG_NH_NO_ROUTE)
		return;
	if (nh->port != w->port)
		die("next hop port differs from the model", ip, nh->port);
	if (w->type == PG_NH_FORWARD &&
	    (memcmp(nh->l2, w->mac, 6) != 0 ||
	     memcmp(nh->l2 + 6, ports[w->port].mac.addr_bytes, 6) != 0))
		die("next hop MACs differ from the model", ip, 0);
}

/* Both copies, looked up directly, against the model. */
static void
probe(uint32_t ip)
{
	const struct want w = model_lookup(ip);
	unsigned int s;

	for (s = 0; s < 2; s++) {
		const struct pg_fib_side *side = &fib->side[s];
		uint64_t nh;

		rte_fib_lookup_bulk(side->v4, &ip, &nh, 1);
		if (nh >= fib->nh_cap)
			die("next hop index beyond the table", ip, (uint32_t)nh);
		check_nh(&side->nh[nh], &w, ip);
	}
	check_nh(&pg_fib_active(fib)->nh[pg_fib_lookup(fib, ip)], &w, ip);
}

static void
probe_around(uint32_t prefix, uint8_t len)
{
	const uint32_t m = mask_of(len);
	unsigned int i;

	for (i = 0; i < RTE_DIM(pool); i++)
		probe(pool[i]);
	probe(prefix & m);
	probe((prefix & m) | ~m);
	probe((prefix & m) - 1);
	probe(((prefix & m) | ~m) + 1);
	probe((prefix & m) | (~m & 0x5a5a5a5a));
}

/* ---- one change ---------------------------------------------------------- */

static void
expect(int got, int want, const char *err, const char *what, uint32_t a)
{
	if ((got == 0) != (want == 0)) {
		fprintf(stderr, "fuzz_fib: got %d (%s), the model wants %d\n", got, err, want);
		die(what, a, (uint32_t)got);
	}
	if (got != 0 && err[0] == '\0')
		die("failed change without an error message", a, (uint32_t)got);
}

static void
route_add(uint32_t prefix, uint8_t len, uint32_t gw, int port, bool bulk)
{
	char err[PG_CONF_ERR_LEN] = "";
	struct route *r;
	int want = 0, got, p = port;

	if (len > 32) {
		want = -EINVAL;
	} else {
		prefix &= mask_of(len);
		if (gw != 0) {
			p = port_of(gw);
			if (p < 0 || (port >= 0 && port != p) || local_port(gw) >= 0)
				want = -EINVAL;
		} else if (port < 0 || port >= N_PORTS) {
			want = -EINVAL;
		}
		if (want == 0 && len == 32 && local_port(prefix) >= 0)
			want = -EEXIST;
		if (want == 0 && find_route(prefix, len) == NULL && model.n_r == MAX_MODEL)
			return;
	}
	if (bulk) {
		struct pg_fib_route_spec spec = { .prefix = prefix, .len = len,
			.port = (int16_t)port, .gw = gw, .line = 1 };

		got = pg_fib_route_add_bulk(fib, PG_ROUTE_ORIGIN_STATIC, &spec, 1, err);
	} else {
		got = pg_fib_route_add(fib, prefix, len, gw, port, err);
	}
	expect(got, want, err, bulk ? "route add (bulk) differs from the model" :
	       "route add differs from the model", prefix);
	if (got == 0) {
		r = find_route(prefix, len);
		if (r == NULL)
			r = &model.r[model.n_r++];
		*r = (struct route){ prefix, gw, len, gw != 0 ? p : port };
		if (pg_fib_find(fib, prefix, len) == NULL)
			die("added route not found", prefix, len);
	}
	probe_around(prefix, len > 32 ? 32 : len);
}

static void
route_del(uint32_t prefix, uint8_t len)
{
	char err[PG_CONF_ERR_LEN] = "";
	struct route *r = NULL;
	int got;

	if (len <= 32) {
		prefix &= mask_of(len);
		r = find_route(prefix, len);
	}
	got = pg_fib_route_del(fib, prefix, len, err);
	expect(got, r != NULL ? 0 : -ENOENT, err, "route del differs from the model", prefix);
	if (r != NULL)
		*r = model.r[--model.n_r];
	probe_around(prefix, len > 32 ? 32 : len);
}

static void
neigh_set(uint32_t ip, const uint8_t mac[6], int port)
{
	char err[PG_CONF_ERR_LEN] = "";
	struct neigh *n = find_neigh(ip);
	const int p = port_of(ip);
	int want = 0, got;

	if (p < 0 || (port >= 0 && port != p) || local_port(ip) >= 0 ||
	    (mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		want = -EINVAL;
	if (want == 0 && n == NULL && model.n_nb == MAX_MODEL)
		return;
	got = pg_fib_neigh_set(fib, ip, mac, port, PG_FIB_NEIGH_STATIC, err);
	expect(got, want, err, "neighbor set differs from the model", ip);
	if (got == 0) {
		if (n == NULL)
			n = &model.nb[model.n_nb++];
		n->ip = ip;
		memcpy(n->mac, mac, 6);
		n->port = p;
	}
	probe_around(ip, 32);
}

static void
neigh_del(uint32_t ip)
{
	char err[PG_CONF_ERR_LEN] = "";
	struct neigh *n = find_neigh(ip);
	int got;

	got = pg_fib_neigh_del(fib, ip, err);
	expect(got, n != NULL ? 0 : -ENOENT, err, "neighbor del differs from the model", ip);
	if (n != NULL)
		*n = model.nb[--model.n_nb];
	probe_around(ip, 32);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PG_CONF_ERR_LEN];
	size_t off;

	memset(&model, 0, sizeof(model));
	for (off = 0; off + 12 <= size; off += 12) {
		const uint8_t *d = data + off;
		const uint32_t raw = (uint32_t)d[5] << 24 | (uint32_t)d[6] << 16 |
				     (uint32_t)d[7] << 8 | d[8];
		const uint32_t addr = (d[4] & 0x80) ? raw : pool[d[4] & 15];
		const uint32_t gw = d[2] == 0 ? 0 : (d[2] & 0x80) ? ~raw : pool[d[2] & 15];
		const int port = (int)(d[3] % 3) - 1;
		/* Mostly 16..33 (33 is invalid): a short prefix rewrites up
		 * to 2^24 entries of each copy, which is slow. */
		const uint8_t len = (uint8_t)(d[1] < 224 ? 16 + d[1] % 18 : d[1] % 16);
		const uint8_t mac[6] = { d[9], 0, 0, 0, d[10], d[11] };

		switch (d[0] % 5) {
		case 0: route_add(addr, len, gw, port, false); break;
		case 1: route_del(addr, len); break;
		case 2: neigh_set(addr, mac, port); break;
		case 3: neigh_del(addr); break;
		default: route_add(addr, len, gw, port, true); break;
		}
	}
	/* Undo it all: the table must be as it started. */
	while (model.n_r > 0) {
		const struct route r = model.r[model.n_r - 1];

		if (pg_fib_route_del(fib, r.prefix, r.len, err) != 0)
			die(err, r.prefix, r.len);
		model.n_r--;
	}
	while (model.n_nb > 0) {
		const uint32_t ip = model.nb[model.n_nb - 1].ip;

		if (pg_fib_neigh_del(fib, ip, err) != 0)
			die(err, ip, 0);
		model.n_nb--;
	}
	if (fib->n_routes != base_routes || fib->n_shadow != 0 || fib->n_neighbors != 0)
		die("table not back to its start", fib->n_routes, fib->n_shadow);
	probe_around(0, 0);
	return 0;
}
