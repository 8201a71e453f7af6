/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Raw document (strings as written) -> validated struct pg_conf.
 *
 * Every rule of docs/config.md lives here. Each failure produces one line,
 * "<field path>: <reason>", and stops: the first problem is reported, in
 * document order (ports, neighbors, routes, workers).
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_private.h"

#define MIN_DESC 64
#define MAX_DESC 16384
#define MAX_LCORE 1024          /* lcore ids are < 1024 (RTE_MAX_LCORE cap) */
#define MAX_NAME (PG_CONF_NAME_LEN - 1)
#define MAX_DEVICE (PG_CONF_DEVICE_LEN - 1)

void
pg_conf_set_err(char err[PG_CONF_ERR_LEN], const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(err, PG_CONF_ERR_LEN, fmt, ap);
	va_end(ap);
	/* Quoted user values may hold line breaks; callers rely on one line. */
	for (p = err; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p))
			*p = ' ';
}

static uint32_t
mask_of(unsigned int len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/*
 * Strict dotted quad at the start of @p s: four decimal octets 0..255
 * without leading zeros (inet_aton() would read "010" as octal 8, so we
 * refuse to guess). Returns the first character after it, or NULL.
 */
static const char *
parse_ip4_head(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		unsigned int octet = 0, digits = 0;

		if (i > 0 && *s++ != '.')
			return NULL;
		while (*s >= '0' && *s <= '9') {
			if (digits == 1 && octet == 0)
				return NULL;
			octet = octet * 10 + (unsigned int)(*s - '0');
			if (++digits > 3 || octet > 255)
				return NULL;
			s++;
		}
		if (digits == 0)
			return NULL;
		v = v << 8 | octet;
	}
	*ip = v;
	return s;
}

static bool
parse_ip4(const char *s, uint32_t *ip)
{
	const char *end = parse_ip4_head(s, ip);

	return end != NULL && *end == '\0';
}

/*
 * "a.b.c.d/len". On failure returns false and points @p why at the
 * reason; the length range is left to the caller (ports and routes
 * differ).
 */
static bool
parse_ip4_prefix(const char *s, uint32_t *ip, unsigned int *len,
		 const char **why)
{
	const char *p = parse_ip4_head(s, ip);
	unsigned int v = 0, digits = 0;

	if (p == NULL) {
		*why = "bad address";
		return false;
	}
	if (*p == '\0') {
		*why = "missing /len";
		return false;
	}
	if (*p++ != '/') {
		*why = "junk after the address";
		return false;
	}
	while (*p >= '0' && *p <= '9') {
		if (digits == 1 && v == 0)
			break;          /* "/08": leading zero */
		v = v * 10 + (unsigned int)(*p++ - '0');
		if (++digits > 2)
			break;
	}
	if (digits == 0 || digits > 2 || *p != '\0') {
		*why = "bad prefix length";
		return false;
	}
	*len = v;
	return true;
}

/* Why @p ip cannot be a host (ours or a neighbor's), or NULL if it can. */
static const char *
ip4_not_host(uint32_t ip)
{
	if (ip == 0)
		return "the unspecified address";
	if (ip == UINT32_MAX)
		return "the limited broadcast address";
	if ((ip >> 28) == 0xe)
		return "a multicast address";
	if ((ip >> 24) == 127)
		return "a loopback address";
	return NULL;
}

/* Network or broadcast address of a subnet that has those (len <= 30). */
static const char *
ip4_subnet_edge(uint32_t ip, unsigned int len)
{
	uint32_t mask = mask_of(len);

	if (len > 30)
		return NULL;
	if ((ip & ~mask) == 0)
		return "network";
	if ((ip & ~mask) == ~mask)
		return "broadcast";
	return NULL;
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i;

	for (i = 0; i < 6; i++) {
		char hex[3];

		if (i > 0 && *s++ != ':')
			return false;
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]))
			return false;
		hex[0] = s[0];
		hex[1] = s[1];
		hex[2] = '\0';
		mac[i] = (uint8_t)strtoul(hex, NULL, 16);
		s += 2;
	}
	return *s == '\0';
}

/* Why @p mac cannot be a station address, or NULL if it can. */
static const char *
mac_not_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (mac[0] & 1)
		return "a multicast/broadcast MAC address";
	if (memcmp(mac, zero, sizeof(zero)) == 0)
		return "the all-zero MAC address";
	return NULL;
}

static int
check_mac(const char *path, const char *s, uint8_t mac[6], char *err)
{
	const char *why;

	if (!parse_mac(s, mac)) {
		pg_conf_set_err(err,
			"%s: invalid MAC address '%.64s' (expected xx:xx:xx:xx:xx:xx)",
			path, s);
		return -1;
	}
	why = mac_not_unicast(mac);
	if (why != NULL) {
		pg_conf_set_err(err, "%s: %s is %s", path, s, why);
		return -1;
	}
	return 0;
}

/*
 * Plain decimal, no sign, nothing after it: libcyaml's own integer
 * parsing (strtoll) would accept "4 queues" or "0x10". Values too large to
 * matter saturate so that the range check reports them.
 */
static bool
parse_uint(const char *s, unsigned long *v)
{
	unsigned long acc = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (acc < 100000000UL)
			acc = acc * 10 + (unsigned long)(*s - '0');
		else
			acc = 1000000000UL;
	}
	*v = acc;
	return true;
}

static int
check_uint(const char *path, const char *s, unsigned long min,
	   unsigned long max, unsigned long *v, char *err)
{
	if (!parse_uint(s, v)) {
		pg_conf_set_err(err,
			"%s: expected a non-negative integer, got '%.64s'",
			path, s);
		return -1;
	}
	if (*v < min || *v > max) {
		pg_conf_set_err(err, "%s: %lu is out of range (%lu..%lu)",
				path, *v, min, max);
		return -1;
	}
	return 0;
}

static int
check_desc(const char *path, const char *s, uint16_t *out, char *err)
{
	unsigned long v;

	if (!parse_uint(s, &v)) {
		pg_conf_set_err(err,
			"%s: expected a non-negative integer, got '%.64s'",
			path, s);
		return -1;
	}
	if (v < MIN_DESC || v > MAX_DESC || (v & (v - 1)) != 0) {
		pg_conf_set_err(err,
			"%s: %lu must be a power of two in %u..%u",
			path, v, MIN_DESC, MAX_DESC);
		return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

static int
find_port(const struct pg_conf *conf, const char *name)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++)
		if (strcmp(conf->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Port whose connected subnet holds @p ip; subnets never overlap. */
static int
find_subnet(const struct pg_conf *conf, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];

		if (((ip ^ p->ip4) & mask_of(p->ip4_len)) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * Open-addressing set of 64-bit keys remembering the first index that
 * used each key: duplicate checks over millions of routes must stay O(n).
 */
struct key_set {
	uint64_t *keys;
	uint32_t *idx;          /* index + 1; 0 marks a free slot */
	size_t mask;
	unsigned int shift;
};

static int
key_set_init(struct key_set *s, size_t n)
{
	size_t cap = 16;
	unsigned int bits = 4;

	while (cap < 2 * n) {
		cap <<= 1;
		bits++;
	}
	s->keys = malloc(cap * sizeof(*s->keys));
	s->idx = calloc(cap, sizeof(*s->idx));
	s->mask = cap - 1;
	s->shift = 64 - bits;
	if (s->keys == NULL || s->idx == NULL) {
		free(s->keys);
		free(s->idx);
		return -1;
	}
	return 0;
}

static void
key_set_free(struct key_set *s)
{
	free(s->keys);
	free(s->idx);
}

/* Add @p key for index @p i; returns the earlier index holding it, or -1. */
static long
key_set_add(struct key_set *s, uint64_t key, unsigned int i)
{
	/* Fibonacci hashing: keys are addresses with long runs of zeros. */
	size_t h = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> s->shift);

	for (; s->idx[h] != 0; h = (h + 1) & s->mask)
		if (s->keys[h] == key)
			return (long)s->idx[h] - 1;
	s->keys[h] = key;
	s->idx[h] = i + 1;
	return -1;
}

static int
build_port(const struct pg_conf_raw_port *r, unsigned int i,
	   struct pg_conf *conf, char *err)
{
	struct pg_conf_port *p = &conf->ports[i];
	char path[64], a[16], b[16];
	const char *why;
	unsigned long v;
	unsigned int len, j;
	size_t n;

	snprintf(path, sizeof(path), "ports[%u].name", i);
	n = strlen(r->name);
	if (n == 0 || n > MAX_NAME) {
		pg_conf_set_err(err, "%s: must be 1..%u characters long",
				path, MAX_NAME);
		return -1;
	}
	if (strspn(r->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "abcdefghijklmnopqrstuvwxyz0123456789_-") != n) {
		pg_conf_set_err(err,
			"%s: '%s' may only contain A-Z, a-z, 0-9, '_' and '-'",
			path, r->name);
		return -1;
	}
	for (j = 0; j < i; j++) {
		if (strcmp(conf->ports[j].name, r->name) == 0) {
			pg_conf_set_err(err,
				"%s: duplicate port name '%s' (also ports[%u])",
				path, r->name, j);
			return -1;
		}
	}
	memcpy(p->name, r->name, n + 1);

	snprintf(path, sizeof(path), "ports[%u].device", i);
	n = strlen(r->device);
	if (n == 0 || n > MAX_DEVICE) {
		pg_conf_set_err(err, "%s: must be 1..%u characters long",
				path, MAX_DEVICE);
		return -1;
	}
	for (j = 0; j < i; j++) {
		if (strcmp(conf->ports[j].device, r->device) == 0) {
			pg_conf_set_err(err,
				"%s: duplicate device '%s' (also ports[%u])",
				path, r->device, j);
			return -1;
		}
	}
	memcpy(p->device, r->device, n + 1);

	snprintf(path, sizeof(path), "ports[%u].ipv4", i);
	if (!parse_ip4_prefix(r->ipv4, &p->ip4, &len, &why)) {
		pg_conf_set_err(err,
			"%s: '%.64s' is not a.b.c.d/len (%s)", path, r->ipv4,
			why);
		return -1;
	}
	if (len < 1 || len > 32) {
		pg_conf_set_err(err,
			"%s: prefix length %u is out of range (1..32)",
			path, len);
		return -1;
	}
	p->ip4_len = (uint8_t)len;
	why = ip4_not_host(p->ip4);
	if (why != NULL) {
		pg_conf_set_err(err, "%s: %s is %s", path,
				pg_conf_ip4_str(p->ip4, a, sizeof(a)), why);
		return -1;
	}
	why = ip4_subnet_edge(p->ip4, len);
	if (why != NULL) {
		pg_conf_set_err(err, "%s: %s is the %s address of %s/%u",
			path, pg_conf_ip4_str(p->ip4, a, sizeof(a)), why,
			pg_conf_ip4_str(p->ip4 & mask_of(len), b, sizeof(b)),
			len);
		return -1;
	}
	for (j = 0; j < i; j++) {
		const struct pg_conf_port *q = &conf->ports[j];
		unsigned int l = len < q->ip4_len ? len : q->ip4_len;

		if (((p->ip4 ^ q->ip4) & mask_of(l)) == 0) {
			pg_conf_set_err(err,
				"%s: subnet %s/%u overlaps subnet %s/%u of ports[%u] ('%s')",
				path,
				pg_conf_ip4_str(p->ip4 & mask_of(len), a,
						sizeof(a)), len,
				pg_conf_ip4_str(q->ip4 & mask_of(q->ip4_len),
						b, sizeof(b)), q->ip4_len,
				j, q->name);
			return -1;
		}
	}

	if (r->mac != NULL) {
		snprintf(path, sizeof(path), "ports[%u].mac", i);
		if (check_mac(path, r->mac, p->mac, err) < 0)
			return -1;
		p->has_mac = true;
	}

	if (r->rx_queues != NULL) {
		snprintf(path, sizeof(path), "ports[%u].rx_queues", i);
		if (check_uint(path, r->rx_queues, 1, PG_CONF_MAX_QUEUES, &v,
			       err) < 0)
			return -1;
		p->rx_queues = (uint16_t)v;
	}

	p->rx_desc = PG_CONF_DEFAULT_RX_DESC;
	if (r->rx_desc != NULL) {
		snprintf(path, sizeof(path), "ports[%u].rx_desc", i);
		if (check_desc(path, r->rx_desc, &p->rx_desc, err) < 0)
			return -1;
	}
	p->tx_desc = PG_CONF_DEFAULT_TX_DESC;
	if (r->tx_desc != NULL) {
		snprintf(path, sizeof(path), "ports[%u].tx_desc", i);
		if (check_desc(path, r->tx_desc, &p->tx_desc, err) < 0)
			return -1;
	}
	return 0;
}

static int
build_ports(const struct pg_conf_raw *raw, struct pg_conf *conf, char *err)
{
	unsigned int i;

	if (raw->ports_count == 0) {
		pg_conf_set_err(err, "ports: at least one port is required");
		return -1;
	}
	if (raw->ports_count > PG_CONF_MAX_PORTS) {
		pg_conf_set_err(err, "ports: too many ports (%u, max %u)",
				raw->ports_count, PG_CONF_MAX_PORTS);
		return -1;
	}
	for (i = 0; i < raw->ports_count; i++) {
		if (build_port(&raw->ports[i], i, conf, err) < 0)
			return -1;
		/* Later ports are checked against the ones before them. */
		conf->n_ports = i + 1;
	}
	return 0;
}

static int
build_neighbor(const struct pg_conf_raw_neighbor *r, unsigned int i,
	       struct pg_conf *conf, char *err)
{
	struct pg_conf_neighbor *n = &conf->neighbors[i];
	const struct pg_conf_port *p;
	char a[16], b[16], path[32];
	const char *why;
	int port;

	if (!parse_ip4(r->ip, &n->ip)) {
		pg_conf_set_err(err,
			"neighbors[%u].ip: '%.64s' is not an IPv4 address a.b.c.d",
			i, r->ip);
		return -1;
	}
	why = ip4_not_host(n->ip);
	if (why != NULL) {
		pg_conf_set_err(err, "neighbors[%u].ip: %s is %s", i, r->ip,
				why);
		return -1;
	}

	port = find_port(conf, r->port);
	if (port < 0) {
		pg_conf_set_err(err, "neighbors[%u].port: unknown port '%.64s'",
				i, r->port);
		return -1;
	}
	n->port = (uint16_t)port;
	p = &conf->ports[port];
	if (((n->ip ^ p->ip4) & mask_of(p->ip4_len)) != 0) {
		pg_conf_set_err(err,
			"neighbors[%u].ip: %s is outside the subnet %s/%u of port '%s'",
			i, r->ip,
			pg_conf_ip4_str(p->ip4 & mask_of(p->ip4_len), a,
					sizeof(a)),
			p->ip4_len, p->name);
		return -1;
	}
	if (n->ip == p->ip4) {
		pg_conf_set_err(err,
			"neighbors[%u].ip: %s is the address of port '%s' itself",
			i, r->ip, p->name);
		return -1;
	}
	why = ip4_subnet_edge(n->ip, p->ip4_len);
	if (why != NULL) {
		pg_conf_set_err(err,
			"neighbors[%u].ip: %s is the %s address of %s/%u",
			i, pg_conf_ip4_str(n->ip, a, sizeof(a)), why,
			pg_conf_ip4_str(p->ip4 & mask_of(p->ip4_len), b,
					sizeof(b)),
			p->ip4_len);
		return -1;
	}

	snprintf(path, sizeof(path), "neighbors[%u].mac", i);
	return check_mac(path, r->mac, n->mac, err);
}

static int
build_neighbors(const struct pg_conf_raw *raw, struct pg_conf *conf,
		char *err)
{
	unsigned int i, n = raw->neighbors_count;
	struct key_set seen;
	char a[16];
	long first;
	int ret = 0;

	if (n == 0)
		return 0;
	conf->neighbors = calloc(n, sizeof(*conf->neighbors));
	if (conf->neighbors == NULL || key_set_init(&seen, n) < 0) {
		pg_conf_set_err(err, "neighbors: out of memory");
		return -1;
	}
	conf->n_neighbors = n;
	for (i = 0; i < n; i++) {
		ret = build_neighbor(&raw->neighbors[i], i, conf, err);
		if (ret < 0)
			break;
		first = key_set_add(&seen, conf->neighbors[i].ip, i);
		if (first >= 0) {
			pg_conf_set_err(err,
				"neighbors[%u].ip: duplicate neighbor %s (also neighbors[%ld])",
				i, pg_conf_ip4_str(conf->neighbors[i].ip, a,
						   sizeof(a)), first);
			ret = -1;
			break;
		}
	}
	key_set_free(&seen);
	return ret;
}

static int
build_route(const struct pg_conf_raw_route *r, unsigned int i,
	    struct pg_conf *conf, char *err)
{
	struct pg_conf_route *rt = &conf->routes[i];
	const struct pg_conf_port *p;
	bool has_via = r->via[0] != '\0';
	bool has_port = r->port != NULL;
	char a[16];
	const char *why;
	unsigned int len;
	int port;

	if (!parse_ip4_prefix(r->prefix, &rt->prefix, &len, &why)) {
		if (r->prefix[0] == '\0')
			pg_conf_set_err(err,
				"routes[%u].prefix: required key is missing", i);
		else
			pg_conf_set_err(err,
				"routes[%u].prefix: '%s' is not a.b.c.d/len (%s)",
				i, r->prefix, why);
		return -1;
	}
	if (len > 32) {
		pg_conf_set_err(err,
			"routes[%u].prefix: prefix length %u is out of range (0..32)",
			i, len);
		return -1;
	}
	if ((rt->prefix & ~mask_of(len)) != 0) {
		pg_conf_set_err(err,
			"routes[%u].prefix: host bits set in %s (did you mean %s/%u?)",
			i, r->prefix,
			pg_conf_ip4_str(rt->prefix & mask_of(len), a, sizeof(a)),
			len);
		return -1;
	}
	rt->len = (uint8_t)len;

	if (has_via == has_port) {
		pg_conf_set_err(err,
			"routes[%u]: give exactly one of 'via' or 'port' (got %s)",
			i, has_via ? "both" : "neither");
		return -1;
	}

	if (has_port) {
		port = find_port(conf, r->port);
		if (port < 0) {
			pg_conf_set_err(err,
				"routes[%u].port: unknown port '%.64s'",
				i, r->port);
			return -1;
		}
		rt->kind = PG_ROUTE_PORT;
		rt->port = (uint16_t)port;
		rt->via = 0;
		return 0;
	}

	if (!parse_ip4(r->via, &rt->via)) {
		pg_conf_set_err(err,
			"routes[%u].via: '%s' is not an IPv4 address a.b.c.d",
			i, r->via);
		return -1;
	}
	/*
	 * Every neighbor lies inside its port's subnet and subnets do not
	 * overlap, so "a neighbor or inside a connected subnet" boils down
	 * to the subnet lookup, and it picks the neighbor's port too.
	 */
	port = find_subnet(conf, rt->via);
	why = ip4_not_host(rt->via);
	if (port < 0 || why != NULL) {
		pg_conf_set_err(err,
			"routes[%u].via: %s is neither a neighbor nor inside a connected subnet",
			i, r->via);
		return -1;
	}
	p = &conf->ports[port];
	if (rt->via == p->ip4) {
		pg_conf_set_err(err,
			"routes[%u].via: %s is our own address (port '%s')",
			i, r->via, p->name);
		return -1;
	}
	why = ip4_subnet_edge(rt->via, p->ip4_len);
	if (why != NULL) {
		pg_conf_set_err(err,
			"routes[%u].via: %s is the %s address of %s/%u",
			i, r->via, why,
			pg_conf_ip4_str(p->ip4 & mask_of(p->ip4_len), a,
					sizeof(a)), p->ip4_len);
		return -1;
	}
	rt->kind = PG_ROUTE_VIA;
	rt->port = (uint16_t)port;
	return 0;
}

static int
build_routes(const struct pg_conf_raw *raw, struct pg_conf *conf, char *err)
{
	unsigned int i, n = raw->routes_count;
	struct key_set seen;
	char a[16];
	long first;
	int ret = 0;

	if (n == 0)
		return 0;
	conf->routes = malloc(n * sizeof(*conf->routes));
	if (conf->routes == NULL) {
		pg_conf_set_err(err, "routes: out of memory (%u routes)", n);
		return -1;
	}
	conf->n_routes = n;
	for (i = 0; i < n; i++)
		if (build_route(&raw->routes[i], i, conf, err) < 0)
			return -1;

	if (key_set_init(&seen, n) < 0) {
		pg_conf_set_err(err, "routes: out of memory (%u routes)", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct pg_conf_route *rt = &conf->routes[i];

		first = key_set_add(&seen, (uint64_t)rt->prefix << 8 | rt->len,
				    i);
		if (first >= 0) {
			pg_conf_set_err(err,
				"routes[%u].prefix: duplicate route %s/%u (also routes[%ld])",
				i, pg_conf_ip4_str(rt->prefix, a, sizeof(a)),
				rt->len, first);
			ret = -1;
			break;
		}
	}
	key_set_free(&seen);
	return ret;
}

/* workers.mode, and the keys that only make sense in pipeline mode. */
static int
build_mode(const struct pg_conf_raw_workers *w, struct pg_conf *conf, char *err)
{
	unsigned long v;

	conf->mode = PG_MODE_RTC;
	conf->rx_lcores = 0;
	conf->ring_size = PG_CONF_DEFAULT_RING_SIZE;
	if (w->mode != NULL && strcmp(w->mode, "pipeline") == 0) {
		conf->mode = PG_MODE_PIPELINE;
	} else if (w->mode != NULL && strcmp(w->mode, "rtc") != 0) {
		pg_conf_set_err(err, "workers.mode: '%s' is not a mode (rtc, pipeline)",
				w->mode);
		return -1;
	}
	if (conf->mode == PG_MODE_RTC) {
		if (w->rx_lcores != NULL || w->ring_size != NULL) {
			pg_conf_set_err(err, "workers.%s: only with mode: pipeline",
					w->rx_lcores != NULL ? "rx_lcores" : "ring_size");
			return -1;
		}
		return 0;
	}
	if (conf->n_workers < 2) {
		pg_conf_set_err(err,
			"workers.lcores: pipeline mode needs at least 2 lcores (RX, then workers)");
		return -1;
	}
	conf->rx_lcores = 1;
	if (w->rx_lcores != NULL) {
		if (check_uint("workers.rx_lcores", w->rx_lcores, 1,
			       conf->n_workers - 1, &v, err) < 0)
			return -1;
		conf->rx_lcores = (unsigned int)v;
	}
	if (w->ring_size != NULL) {
		if (check_uint("workers.ring_size", w->ring_size, PG_CONF_MIN_RING_SIZE,
			       PG_CONF_MAX_RING_SIZE, &v, err) < 0)
			return -1;
		if ((v & (v - 1)) != 0) {
			pg_conf_set_err(err, "workers.ring_size: %lu is not a power of two", v);
			return -1;
		}
		conf->ring_size = (unsigned int)v;
	}
	return 0;
}

static int
build_workers(const struct pg_conf_raw_workers *w, struct pg_conf *conf,
	      char *err)
{
	/* Where each lcore was first seen, + 1; 0 when not yet. */
	unsigned int first[MAX_LCORE] = { 0 };
	unsigned long v;
	char path[64];
	unsigned int i;

	if (w->lcores_count == 0) {
		pg_conf_set_err(err,
			"workers.lcores: at least one worker lcore is required");
		return -1;
	}
	if (w->lcores_count > PG_CONF_MAX_WORKERS) {
		pg_conf_set_err(err,
			"workers.lcores: too many worker lcores (%u, max %u)",
			w->lcores_count, PG_CONF_MAX_WORKERS);
		return -1;
	}
	for (i = 0; i < w->lcores_count; i++) {
		snprintf(path, sizeof(path), "workers.lcores[%u]", i);
		if (check_uint(path, w->lcores[i], 0, MAX_LCORE - 1, &v,
			       err) < 0)
			return -1;
		if (first[v] != 0) {
			pg_conf_set_err(err,
				"%s: duplicate lcore %lu (also workers.lcores[%u])",
				path, v, first[v] - 1);
			return -1;
		}
		first[v] = i + 1;
		conf->worker_lcores[i] = (unsigned int)v;
	}
	conf->n_workers = w->lcores_count;
	return build_mode(w, conf, err);
}

static int
build_arp(const struct pg_conf_raw_arp *a, struct pg_conf *conf, char *err)
{
	struct pg_conf_arp *c = &conf->arp;
	unsigned long v;

	c->dynamic = true;
	c->reachable_s = 300;
	c->retry_ms = 1000;
	c->probes = 3;
	c->max_entries = 4096;
	if (a == NULL)
		return 0;
	if (a->dynamic != NULL) {
		if (strcmp(a->dynamic, "true") == 0) {
			c->dynamic = true;
		} else if (strcmp(a->dynamic, "false") == 0) {
			c->dynamic = false;
		} else {
			pg_conf_set_err(err, "arp.dynamic: expected true or false, got '%.64s'",
					a->dynamic);
			return -1;
		}
	}
	if (a->reachable != NULL) {
		if (check_uint("arp.reachable", a->reachable, 1, 86400, &v, err) < 0)
			return -1;
		c->reachable_s = (unsigned int)v;
	}
	if (a->retry != NULL) {
		if (check_uint("arp.retry_ms", a->retry, 10, 60000, &v, err) < 0)
			return -1;
		c->retry_ms = (unsigned int)v;
	}
	if (a->probes != NULL) {
		if (check_uint("arp.probes", a->probes, 1, 100, &v, err) < 0)
			return -1;
		c->probes = (unsigned int)v;
	}
	if (a->max_entries != NULL) {
		if (check_uint("arp.max_entries", a->max_entries, 16, 1u << 20, &v, err) < 0)
			return -1;
		c->max_entries = (unsigned int)v;
	}
	return 0;
}

int
pg_conf_raw_build(const struct pg_conf_raw *raw, struct pg_conf *conf,
		  char err[PG_CONF_ERR_LEN])
{
	if (build_ports(raw, conf, err) < 0 ||
	    build_neighbors(raw, conf, err) < 0 ||
	    build_routes(raw, conf, err) < 0 ||
	    build_workers(&raw->workers, conf, err) < 0 ||
	    build_arp(raw->arp, conf, err) < 0 ||
	    pg_conf_acl_build(raw, conf, err) < 0)
		return -1;
	return 0;
}

bool
pg_conf_parse_ip4_prefix(const char *s, uint32_t *ip, unsigned int *len,
			 const char **why)
{
	return parse_ip4_prefix(s, ip, len, why);
}

bool
pg_conf_parse_uint(const char *s, unsigned long *v)
{
	return parse_uint(s, v);
}
