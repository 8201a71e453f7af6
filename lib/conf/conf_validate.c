/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Raw document (strings as written) -> validated struct pg_conf.
 *
 * Every rule of docs/config.md lives here. Each failure produces one line,
 * "<field path>: <reason>", and stops: the first problem is reported, in
 * document order (ports, neighbors, routes, workers, arp, icmp).
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
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

/* ---- IPv6 ---------------------------------------------------------------- */

static bool
zero_bytes(const uint8_t *p, unsigned int n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return false;
	return true;
}

/* Written with a ':': how the lists tell an IPv6 entry from an IPv4 one. */
static bool
is_ip6_text(const char *s)
{
	return strchr(s, ':') != NULL;
}

static bool
parse_ip6(const char *s, uint8_t ip[16])
{
	return inet_pton(AF_INET6, s, ip) == 1;
}

/* "addr/len" (len 0..128, decimal, no leading zero); @p why on failure. */
static bool
parse_ip6_prefix(const char *s, uint8_t ip[16], unsigned int *len,
		 const char **why)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/'), *p;
	unsigned int v = 0, digits = 0;

	if (slash == NULL) {
		*why = "missing /len";
		return false;
	}
	if ((size_t)(slash - s) >= sizeof(addr)) {
		*why = "bad address";
		return false;
	}
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (!parse_ip6(addr, ip)) {
		*why = "bad address";
		return false;
	}
	for (p = slash + 1; *p >= '0' && *p <= '9'; p++) {
		if (digits == 1 && v == 0)
			break;
		v = v * 10 + (unsigned int)(*p - '0');
		if (++digits > 3)
			break;
	}
	if (digits == 0 || digits > 3 || *p != '\0' || v > 128) {
		*why = "bad prefix length";
		return false;
	}
	*len = v;
	return true;
}

/* True when @p a and @p b agree in their first @p len bits. */
static bool
ip6_same_prefix(const uint8_t a[16], const uint8_t b[16], unsigned int len)
{
	unsigned int full = len / 8, rest = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ b[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}

static void
ip6_mask(const uint8_t ip[16], unsigned int len, uint8_t out[16])
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		out[i] = len >= 8 * (i + 1) ? ip[i] : len <= 8 * i ? 0 :
			 (uint8_t)(ip[i] & (0xff00 >> (len - 8 * i)));
}

static bool
ip6_is_link_local(const uint8_t ip[16])
{
	return ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
}

/* Why @p ip cannot be a unicast host address, or NULL if it can. */
static const char *
ip6_not_host(const uint8_t ip[16])
{
	static const uint8_t zero[16];
	static const uint8_t loopback[16] = { [15] = 1 };

	if (memcmp(ip, zero, 16) == 0)
		return "the unspecified address";
	if (memcmp(ip, loopback, 16) == 0)
		return "the loopback address";
	if (ip[0] == 0xff)
		return "a multicast address";
	return NULL;
}

/* All host bits zero: the Subnet-Router anycast address (RFC 4291 2.6.1). */
static bool
ip6_is_subnet_anycast(const uint8_t ip[16], unsigned int len)
{
	uint8_t net[16];

	if (len >= 127)
		return false;
	ip6_mask(ip, len, net);
	return memcmp(net, ip, 16) == 0;
}

/* Port whose IPv6 prefix holds @p ip, -1 if none. */
static int
find_subnet6(const struct pg_conf *conf, const uint8_t ip[16])
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];

		if (p->has_ip6 && ip6_same_prefix(ip, p->ip6, p->ip6_len))
			return (int)i;
	}
	return -1;
}

/*
 * Duplicate check for 17-byte keys (an address and a length): sort, then
 * report the duplicate that comes first in the file. Returns the index of
 * that later entry (and its first occurrence in *first), or -1.
 */
struct key17 {
	uint8_t key[17];
	unsigned int idx;
};

static int
key17_cmp(const void *a, const void *b)
{
	const struct key17 *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	return c != 0 ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

static long
key17_first_dup(struct key17 *k, unsigned int n, unsigned int *first)
{
	long best = -1;
	unsigned int i, run = 0;

	qsort(k, n, sizeof(*k), key17_cmp);
	for (i = 1; i < n; i++) {
		if (memcmp(k[i].key, k[i - 1].key, sizeof(k[i].key)) != 0) {
			run = i;
			continue;
		}
		if (best < 0 || k[i].idx < (unsigned int)best) {
			best = k[i].idx;
			*first = k[run].idx;
		}
	}
	return best;
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

/* Booleans are the words true and false, nothing YAML 1.1 would also take. */
static int
check_bool(const char *path, const char *s, bool *v, char *err)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*v = s[0] == 't';
		return 0;
	}
	pg_conf_set_err(err, "%s: expected true or false, got '%.64s'", path, s);
	return -1;
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

/* The port a neighbors[i] / routes[i] entry names, or -1 with err set. */
static int
entry_port(const struct pg_conf *conf, const char *list, unsigned int i,
	   const char *name, char *err)
{
	int port = find_port(conf, name);

	if (port < 0)
		pg_conf_set_err(err, "%s[%u].port: unknown port '%.64s'", list, i, name);
	return port;
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

/* ports[i].ipv6: our global address and the connected IPv6 prefix. */
static int
build_port_ip6(const char *text, unsigned int i, struct pg_conf *conf,
	       char *err)
{
	struct pg_conf_port *p = &conf->ports[i];
	char a[PG_CONF_IP6_STRLEN], b[PG_CONF_IP6_STRLEN];
	uint8_t net[16], qnet[16];
	const char *why;
	unsigned int len, j;

	if (!parse_ip6_prefix(text, p->ip6, &len, &why)) {
		pg_conf_set_err(err,
			"ports[%u].ipv6: '%.64s' is not an IPv6 prefix addr/len (%s)",
			i, text, why);
		return -1;
	}
	if (len < 1) {
		pg_conf_set_err(err,
			"ports[%u].ipv6: prefix length %u is out of range (1..128)",
			i, len);
		return -1;
	}
	why = ip6_not_host(p->ip6);
	if (why == NULL && ip6_is_link_local(p->ip6))
		why = "link-local (the port's fe80:: address is derived from its MAC)";
	if (why == NULL && ip6_is_subnet_anycast(p->ip6, len))
		why = "the Subnet-Router anycast address of its prefix";
	if (why != NULL) {
		pg_conf_set_err(err, "ports[%u].ipv6: %s is %s", i,
				pg_conf_ip6_str(p->ip6, a, sizeof(a)), why);
		return -1;
	}
	ip6_mask(p->ip6, len, net);
	for (j = 0; j < i; j++) {
		const struct pg_conf_port *q = &conf->ports[j];

		if (!q->has_ip6 || !ip6_same_prefix(p->ip6, q->ip6,
						    len < q->ip6_len ? len : q->ip6_len))
			continue;
		ip6_mask(q->ip6, q->ip6_len, qnet);
		pg_conf_set_err(err,
			"ports[%u].ipv6: prefix %s/%u overlaps prefix %s/%u of ports[%u] ('%s')",
			i, pg_conf_ip6_str(net, a, sizeof(a)), len,
			pg_conf_ip6_str(qnet, b, sizeof(b)), q->ip6_len, j, q->name);
		return -1;
	}
	p->ip6_len = (uint8_t)len;
	p->has_ip6 = true;
	return 0;
}

/* A mirror backend's name (kernel_mirror, punt.backend); -1: none. */
static int
mirror_backend(const char *s)
{
	if (strcmp(s, "tap") == 0)
		return PG_CONF_MIRROR_TAP;
	if (strcmp(s, "virtio_user") == 0)
		return PG_CONF_MIRROR_VIRTIO_USER;
	return -1;
}

/*
 * kernel_mirror / tap: the exception path's kernel interface (docs/punt.md).
 * `tap: NAME` alone turns it on; `kernel_mirror: true` alone names it
 * pg-<port>; `kernel_mirror: tap|virtio_user` turns it on with that
 * backend instead of punt.backend's. The name must be a valid Linux
 * interface name, unique.
 */
static int
build_port_mirror(const struct pg_conf_raw_port *r, unsigned int i,
		  struct pg_conf *conf, char *err)
{
	struct pg_conf_port *p = &conf->ports[i];
	bool mirror = r->tap != NULL;
	char path[64];
	unsigned int j;
	size_t n;

	if (r->kernel_mirror != NULL) {
		const int backend = mirror_backend(r->kernel_mirror);

		if (backend >= 0) {
			p->mirror_backend = (enum pg_conf_mirror_backend)backend;
			mirror = true;
		} else if (strcmp(r->kernel_mirror, "true") == 0 ||
			   strcmp(r->kernel_mirror, "false") == 0) {
			mirror = r->kernel_mirror[0] == 't';
		} else {
			pg_conf_set_err(err, "ports[%u].kernel_mirror: expected true, false, tap or "
					"virtio_user, got '%.64s'", i, r->kernel_mirror);
			return -1;
		}
		if (!mirror && r->tap != NULL) {
			pg_conf_set_err(err, "ports[%u].tap: given with kernel_mirror: false", i);
			return -1;
		}
	}
	if (!mirror)
		return 0;
	snprintf(path, sizeof(path), "ports[%u].tap", i);
	if (r->tap != NULL)
		n = (size_t)snprintf(p->tap, sizeof(p->tap), "%s", r->tap);
	else
		n = (size_t)snprintf(p->tap, sizeof(p->tap), "pg-%s", p->name);
	if (n == 0 || n >= sizeof(p->tap)) {
		pg_conf_set_err(err, "%s: '%.64s%s' must be 1..%zu characters (a kernel "
				"interface name)%s", path, r->tap != NULL ? r->tap : "pg-",
				r->tap != NULL ? "" : p->name, sizeof(p->tap) - 1,
				r->tap != NULL ? "" : "; set tap: to a shorter name");
		p->tap[0] = '\0';
		return -1;
	}
	if (strspn(p->tap, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789_-.") != n || strcmp(p->tap, ".") == 0 ||
	    strcmp(p->tap, "..") == 0) {
		pg_conf_set_err(err, "%s: '%s' may only contain A-Z, a-z, 0-9, '_', '-' "
				"and '.'", path, p->tap);
		p->tap[0] = '\0';
		return -1;
	}
	for (j = 0; j < i; j++) {
		if (strcmp(conf->ports[j].tap, p->tap) == 0) {
			pg_conf_set_err(err, "%s: duplicate kernel interface '%s' (also ports[%u])",
					path, p->tap, j);
			p->tap[0] = '\0';
			return -1;
		}
	}
	conf->n_mirrors++;
	return 0;
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

	if (r->ipv6 != NULL && build_port_ip6(r->ipv6, i, conf, err) < 0)
		return -1;

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
	p->mtu = PG_CONF_DEFAULT_MTU;
	if (r->mtu != NULL) {
		snprintf(path, sizeof(path), "ports[%u].mtu", i);
		if (check_uint(path, r->mtu, PG_CONF_MIN_MTU, PG_CONF_MAX_MTU, &v,
			       err) < 0)
			return -1;
		p->mtu = (uint16_t)v;
		/* IPv6 packets leave by the same MTU, and no IPv6 link may
		 * carry less than 1280 (RFC 8200 5). */
		if (p->has_ip6 && p->mtu < PG_CONF_MIN_MTU6) {
			pg_conf_set_err(err, "%s: %u is below %u, the IPv6 minimum MTU "
					"(RFC 8200 5), on a port with ipv6", path, p->mtu,
					PG_CONF_MIN_MTU6);
			return -1;
		}
	}
	return build_port_mirror(r, i, conf, err);
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
	       const struct pg_conf *conf, struct pg_conf_neighbor *n, char *err)
{
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

	port = entry_port(conf, "neighbors", i, r->port, err);
	if (port < 0)
		return -1;
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

/* An IPv6 neighbor: on a port with IPv6, in its prefix or link-local. */
static int
build_neighbor6(const struct pg_conf_raw_neighbor *r, unsigned int i,
		const struct pg_conf *conf, struct pg_conf_neighbor6 *n, char *err)
{
	const struct pg_conf_port *p;
	char a[PG_CONF_IP6_STRLEN], path[32];
	uint8_t ll[16];
	const char *why;
	int port;

	if (!parse_ip6(r->ip, n->ip)) {
		pg_conf_set_err(err,
			"neighbors[%u].ip: '%.64s' is not an IPv4 or IPv6 address",
			i, r->ip);
		return -1;
	}
	why = ip6_not_host(n->ip);
	if (why != NULL) {
		pg_conf_set_err(err, "neighbors[%u].ip: %s is %s", i, r->ip, why);
		return -1;
	}
	port = entry_port(conf, "neighbors", i, r->port, err);
	if (port < 0)
		return -1;
	n->port = (uint16_t)port;
	p = &conf->ports[port];
	if (!p->has_ip6) {
		pg_conf_set_err(err,
			"neighbors[%u].ip: IPv6 neighbor %s on port '%s', which has no ipv6",
			i, r->ip, p->name);
		return -1;
	}
	if (ip6_is_link_local(n->ip)) {
		/* Only fe80::/64 is used on links (RFC 4291 2.5.6). */
		if (n->ip[1] != 0x80 || !zero_bytes(n->ip + 2, 6)) {
			pg_conf_set_err(err,
				"neighbors[%u].ip: %s is link-local but outside fe80::/64",
				i, r->ip);
			return -1;
		}
		if (p->has_mac) {
			pg_conf_ip6_link_local(p->mac, ll);
			if (memcmp(ll, n->ip, 16) == 0) {
				pg_conf_set_err(err,
					"neighbors[%u].ip: %s is the link-local address of port '%s' itself",
					i, r->ip, p->name);
				return -1;
			}
		}
	} else {
		if (!ip6_same_prefix(n->ip, p->ip6, p->ip6_len)) {
			uint8_t net[16];

			ip6_mask(p->ip6, p->ip6_len, net);
			pg_conf_set_err(err,
				"neighbors[%u].ip: %s is outside the prefix %s/%u of port '%s'",
				i, r->ip, pg_conf_ip6_str(net, a, sizeof(a)),
				p->ip6_len, p->name);
			return -1;
		}
		if (memcmp(n->ip, p->ip6, 16) == 0) {
			pg_conf_set_err(err,
				"neighbors[%u].ip: %s is the address of port '%s' itself",
				i, r->ip, p->name);
			return -1;
		}
		if (ip6_is_subnet_anycast(n->ip, p->ip6_len)) {
			pg_conf_set_err(err,
				"neighbors[%u].ip: %s is the Subnet-Router anycast address of port '%s'",
				i, r->ip, p->name);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "neighbors[%u].mac", i);
	return check_mac(path, r->mac, n->mac, err);
}

static int
build_neighbors(const struct pg_conf_raw *raw, struct pg_conf *conf,
		char *err)
{
	unsigned int i, n = raw->neighbors_count, n6 = 0;
	struct key17 *keys6 = NULL;
	struct key_set seen;
	char a[PG_CONF_IP6_STRLEN];
	unsigned int first6;
	long first;
	int ret = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		n6 += is_ip6_text(raw->neighbors[i].ip);
	conf->neighbors = calloc(n - n6 + 1, sizeof(*conf->neighbors));
	conf->neighbors6 = calloc(n6 + 1, sizeof(*conf->neighbors6));
	keys6 = calloc(n6 + 1, sizeof(*keys6));
	if (conf->neighbors == NULL || conf->neighbors6 == NULL || keys6 == NULL ||
	    key_set_init(&seen, n) < 0) {
		free(keys6);
		pg_conf_set_err(err, "neighbors: out of memory");
		return -1;
	}
	for (i = 0; i < n && ret == 0; i++) {
		const struct pg_conf_raw_neighbor *r = &raw->neighbors[i];

		if (is_ip6_text(r->ip)) {
			struct pg_conf_neighbor6 *nb = &conf->neighbors6[conf->n_neighbors6];

			ret = build_neighbor6(r, i, conf, nb, err);
			if (ret == 0) {
				memcpy(keys6[conf->n_neighbors6].key, nb->ip, 16);
				keys6[conf->n_neighbors6++].idx = i;
			}
			continue;
		}
		ret = build_neighbor(r, i, conf, &conf->neighbors[conf->n_neighbors], err);
		if (ret < 0)
			break;
		first = key_set_add(&seen, conf->neighbors[conf->n_neighbors].ip, i);
		if (first >= 0) {
			pg_conf_set_err(err,
				"neighbors[%u].ip: duplicate neighbor %s (also neighbors[%ld])",
				i, pg_conf_ip4_str(conf->neighbors[conf->n_neighbors].ip, a,
						   sizeof(a)), first);
			ret = -1;
			break;
		}
		conf->n_neighbors++;
	}
	/* Link-local neighbors are per link: the same fe80:: address may sit
	 * on two ports, so the key is address and port. */
	for (i = 0; ret == 0 && i < conf->n_neighbors6; i++)
		keys6[i].key[16] = ip6_is_link_local(conf->neighbors6[i].ip) ?
				   (uint8_t)conf->neighbors6[i].port : 0xff;
	if (ret == 0) {
		first = key17_first_dup(keys6, conf->n_neighbors6, &first6);
		if (first >= 0) {
			pg_conf_set_err(err,
				"neighbors[%ld].ip: duplicate neighbor %s (also neighbors[%u])",
				first, raw->neighbors[first].ip, first6);
			ret = -1;
		}
	}
	free(keys6);
	key_set_free(&seen);
	return ret;
}

/* A route's gateway @p text, named @p field in errors: an IPv4 host inside
 * a connected subnet, not ours; its address and port. */
static int
route_gw(const struct pg_conf *conf, const char *field, const char *text,
	 const char *prefix, uint32_t *ip, int *port_out, char *err)
{
	const struct pg_conf_port *p;
	const char *why;
	char a[16];
	int port;

	if (is_ip6_text(text)) {
		pg_conf_set_err(err, "%s: IPv6 gateway %s for the IPv4 prefix %s",
				field, text, prefix);
		return -1;
	}
	if (!parse_ip4(text, ip)) {
		pg_conf_set_err(err, "%s: '%s' is not an IPv4 address a.b.c.d", field, text);
		return -1;
	}
	/*
	 * Every neighbor lies inside its port's subnet and subnets do not
	 * overlap, so "a neighbor or inside a connected subnet" boils down
	 * to the subnet lookup, and it picks the neighbor's port too.
	 */
	port = find_subnet(conf, *ip);
	why = ip4_not_host(*ip);
	if (port < 0 || why != NULL) {
		pg_conf_set_err(err,
			"%s: %s is neither a neighbor nor inside a connected subnet",
			field, text);
		return -1;
	}
	p = &conf->ports[port];
	if (*ip == p->ip4) {
		pg_conf_set_err(err, "%s: %s is our own address (port '%s')",
				field, text, p->name);
		return -1;
	}
	why = ip4_subnet_edge(*ip, p->ip4_len);
	if (why != NULL) {
		pg_conf_set_err(err, "%s: %s is the %s address of %s/%u", field, text, why,
				pg_conf_ip4_str(p->ip4 & mask_of(p->ip4_len), a, sizeof(a)),
				p->ip4_len);
		return -1;
	}
	*port_out = port;
	return 0;
}

/* One `vias:` entry: "ADDR" or "ADDR weight N" (N 1..PG_CONF_MAX_WEIGHT,
 * default 1). The address goes to @p addr. */
static int
via_weight(const char *field, const char *text, char *addr, size_t addr_len,
	   uint16_t *weight, char *err)
{
	const char *sp = strchr(text, ' ');
	unsigned long w;
	char *end;

	*weight = 1;
	if (sp == NULL) {
		snprintf(addr, addr_len, "%s", text);
		return 0;
	}
	if ((size_t)(sp - text) >= addr_len || strncmp(sp, " weight ", 8) != 0) {
		pg_conf_set_err(err, "%s: '%s' is not 'ADDRESS' or 'ADDRESS weight N'", field,
				text);
		return -1;
	}
	errno = 0;
	w = strtoul(sp + 8, &end, 10);
	if (*end != '\0' || errno != 0 || sp[8] < '1' || sp[8] > '9' || w > PG_CONF_MAX_WEIGHT) {
		pg_conf_set_err(err, "%s: weight '%s' must be 1..%u", field, sp + 8,
				PG_CONF_MAX_WEIGHT);
		return -1;
	}
	memcpy(addr, text, (size_t)(sp - text));
	addr[sp - text] = '\0';
	*weight = (uint16_t)w;
	return 0;
}

/* Room for one more `vias:` list of @p size bytes at the end of *@p arr
 * (@p n lists so far), zeroed, after checking the list's length; NULL
 * with @p err set. */
static void *
vias_grow(const struct pg_conf_raw_route *r, unsigned int i, void **arr, unsigned int n,
	  size_t size, char *err)
{
	uint8_t *grown;

	if (r->vias_count < 1 || r->vias_count > PG_CONF_MAX_VIA) {
		pg_conf_set_err(err, "routes[%u].vias: %u gateways (1..%u)", i, r->vias_count,
				PG_CONF_MAX_VIA);
		return NULL;
	}
	grown = realloc(*arr, (n + 1) * size);
	if (grown == NULL) {
		pg_conf_set_err(err, "routes[%u].vias: out of memory", i);
		return NULL;
	}
	*arr = grown;
	memset(grown + n * size, 0, size);
	return grown + n * size;
}

/* `vias: [a, b, ...]`: an ECMP route (docs/decisions/0010-ecmp.md). */
static int
build_route_vias(const struct pg_conf_raw_route *r, unsigned int i, struct pg_conf *conf,
		 struct pg_conf_route *rt, char *err)
{
	struct pg_conf_ecmp *e = vias_grow(r, i, (void **)&conf->ecmp, conf->n_ecmp,
					   sizeof(*e), err);
	char field[48], addr[24];
	unsigned int k;
	int port;

	if (e == NULL)
		return -1;
	e->n = r->vias_count;
	for (k = 0; k < r->vias_count; k++) {
		snprintf(field, sizeof(field), "routes[%u].vias[%u]", i, k);
		if (via_weight(field, r->vias[k], addr, sizeof(addr), &e->weight[k], err) != 0 ||
		    route_gw(conf, field, addr, r->prefix, &e->via[k], &port, err) != 0)
			return -1;
		if (k == 0)
			rt->port = (uint16_t)port;
	}
	rt->kind = PG_ROUTE_VIA;
	rt->via = e->via[0];
	rt->ecmp = ++conf->n_ecmp;
	return 0;
}

static int
build_route(const struct pg_conf_raw_route *r, unsigned int i,
	    struct pg_conf *conf, struct pg_conf_route *rt, char *err)
{
	bool has_via = r->via[0] != '\0' || r->vias != NULL;
	bool has_port = r->port != NULL;
	char a[16], field[32];
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
	rt->ecmp = 0;

	if (has_via == has_port) {
		pg_conf_set_err(err,
			"routes[%u]: give exactly one of 'via' or 'port' (got %s)",
			i, has_via ? "both" : "neither");
		return -1;
	}
	if (r->via[0] != '\0' && r->vias != NULL) {
		pg_conf_set_err(err, "routes[%u]: give 'via' (one gateway) or 'vias' "
				"(a list), not both", i);
		return -1;
	}

	if (has_port) {
		port = entry_port(conf, "routes", i, r->port, err);
		if (port < 0)
			return -1;
		rt->kind = PG_ROUTE_PORT;
		rt->port = (uint16_t)port;
		rt->via = 0;
		return 0;
	}
	if (r->vias != NULL)
		return build_route_vias(r, i, conf, rt, err);
	snprintf(field, sizeof(field), "routes[%u].via", i);
	if (route_gw(conf, field, r->via, r->prefix, &rt->via, &port, err) != 0)
		return -1;
	rt->kind = PG_ROUTE_VIA;
	rt->port = (uint16_t)port;
	return 0;
}

/* An IPv6 gateway @p text (of route @p prefix) named by @p field: its
 * address and port. A link-local one must be a neighbor (which names the
 * port); a global one lies in a port's prefix. */
static int
route6_gw(const struct pg_conf *conf, const char *field, const char *text,
	  const char *prefix, uint8_t via[16], int *port_out, char *err)
{
	unsigned int k;
	int port;

	if (!is_ip6_text(text)) {
		pg_conf_set_err(err, "%s: IPv4 gateway %s for the IPv6 prefix %s",
				field, text, prefix);
		return -1;
	}
	if (!parse_ip6(text, via)) {
		pg_conf_set_err(err, "%s: '%s' is not an IPv6 address", field, text);
		return -1;
	}
	if (ip6_is_link_local(via)) {
		/* fe80:: exists on every link: only a neighbor says which. */
		for (k = 0; k < conf->n_neighbors6; k++)
			if (memcmp(conf->neighbors6[k].ip, via, 16) == 0)
				break;
		if (k == conf->n_neighbors6) {
			pg_conf_set_err(err,
				"%s: link-local gateway %s is not a neighbor (a neighbors entry names its port)",
				field, text);
			return -1;
		}
		*port_out = conf->neighbors6[k].port;
		return 0;
	}
	port = find_subnet6(conf, via);
	if (port < 0 || ip6_not_host(via) != NULL) {
		pg_conf_set_err(err, "%s: %s is neither a neighbor nor inside a connected prefix",
				field, text);
		return -1;
	}
	if (memcmp(via, conf->ports[port].ip6, 16) == 0) {
		pg_conf_set_err(err, "%s: %s is our own address (port '%s')",
				field, text, conf->ports[port].name);
		return -1;
	}
	*port_out = port;
	return 0;
}

/* `vias:` of an IPv6 route: its gateways (docs/decisions/0010-ecmp.md). */
static int
build_route6_vias(const struct pg_conf_raw_route *r, unsigned int i, struct pg_conf *conf,
		  struct pg_conf_route6 *rt, char *err)
{
	struct pg_conf_ecmp6 *e = vias_grow(r, i, (void **)&conf->ecmp6, conf->n_ecmp6,
					    sizeof(*e), err);
	char field[48], addr[PG_CONF_IP6_STRLEN + 8];
	unsigned int k;
	int port;

	if (e == NULL)
		return -1;
	e->n = r->vias_count;
	for (k = 0; k < r->vias_count; k++) {
		snprintf(field, sizeof(field), "routes[%u].vias[%u]", i, k);
		if (via_weight(field, r->vias[k], addr, sizeof(addr), &e->weight[k], err) != 0 ||
		    route6_gw(conf, field, addr, r->prefix, e->via[k], &port, err) != 0)
			return -1;
		e->port[k] = (uint16_t)port;
	}
	rt->kind = PG_ROUTE_VIA;
	rt->port = e->port[0];
	memcpy(rt->via, e->via[0], 16);
	rt->ecmp = ++conf->n_ecmp6;
	return 0;
}

/* A route whose prefix is IPv6: the same rules as IPv4, in IPv6 terms. */
static int
build_route6(const struct pg_conf_raw_route *r, unsigned int i,
	     struct pg_conf *conf, struct pg_conf_route6 *rt, char *err)
{
	char a[PG_CONF_IP6_STRLEN], field[32];
	uint8_t net[16];
	const char *why;
	unsigned int len;
	int port;

	if (!parse_ip6_prefix(r->prefix, rt->prefix, &len, &why)) {
		pg_conf_set_err(err, "routes[%u].prefix: '%s' is not an IPv6 prefix addr/len (%s)",
				i, r->prefix, why);
		return -1;
	}
	ip6_mask(rt->prefix, len, net);
	if (memcmp(net, rt->prefix, 16) != 0) {
		pg_conf_set_err(err,
			"routes[%u].prefix: host bits set in %s (did you mean %s/%u?)",
			i, r->prefix, pg_conf_ip6_str(net, a, sizeof(a)), len);
		return -1;
	}
	rt->len = (uint8_t)len;
	rt->ecmp = 0;
	if (r->via[0] != '\0' && r->vias != NULL) {
		pg_conf_set_err(err, "routes[%u]: give 'via' (one gateway) or 'vias' "
				"(a list), not both", i);
		return -1;
	}
	if ((r->via[0] != '\0' || r->vias != NULL) == (r->port != NULL)) {
		pg_conf_set_err(err,
			"routes[%u]: give exactly one of 'via' or 'port' (got %s)",
			i, r->port != NULL ? "both" : "neither");
		return -1;
	}
	if (r->vias != NULL)
		return build_route6_vias(r, i, conf, rt, err);
	if (r->port != NULL) {
		port = entry_port(conf, "routes", i, r->port, err);
		if (port < 0)
			return -1;
		if (!conf->ports[port].has_ip6) {
			pg_conf_set_err(err,
				"routes[%u].port: IPv6 route out of port '%s', which has no ipv6",
				i, r->port);
			return -1;
		}
		rt->kind = PG_ROUTE_PORT;
		rt->port = (uint16_t)port;
		memset(rt->via, 0, sizeof(rt->via));
		return 0;
	}
	snprintf(field, sizeof(field), "routes[%u].via", i);
	if (route6_gw(conf, field, r->via, r->prefix, rt->via, &port, err) != 0)
		return -1;
	rt->kind = PG_ROUTE_VIA;
	rt->port = (uint16_t)port;
	return 0;
}

static int
build_routes(const struct pg_conf_raw *raw, struct pg_conf *conf, char *err)
{
	unsigned int i, n = raw->routes_count, n6 = 0, first6;
	struct key17 *keys6 = NULL;
	struct key_set seen;
	char a[16];
	long first;
	int ret = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		n6 += is_ip6_text(raw->routes[i].prefix);
	conf->routes = malloc((n - n6 + 1) * sizeof(*conf->routes));
	if (n6 > 0) {
		conf->routes6 = malloc(n6 * sizeof(*conf->routes6));
		keys6 = calloc(n6, sizeof(*keys6));
	}
	if (conf->routes == NULL || (n6 > 0 && (conf->routes6 == NULL || keys6 == NULL)) ||
	    key_set_init(&seen, n - n6) < 0) {
		free(keys6);
		pg_conf_set_err(err, "routes: out of memory (%u routes)", n);
		return -1;
	}
	/* In document order, so the first problem in the file is reported. */
	for (i = 0; i < n && ret == 0; i++) {
		const struct pg_conf_raw_route *r = &raw->routes[i];
		struct pg_conf_route *rt;

		if (is_ip6_text(r->prefix)) {
			struct pg_conf_route6 *r6 = &conf->routes6[conf->n_routes6];

			ret = build_route6(r, i, conf, r6, err);
			if (ret == 0) {
				memcpy(keys6[conf->n_routes6].key, r6->prefix, 16);
				keys6[conf->n_routes6].key[16] = r6->len;
				keys6[conf->n_routes6++].idx = i;
			}
			continue;
		}
		rt = &conf->routes[conf->n_routes];
		ret = build_route(r, i, conf, rt, err);
		if (ret < 0)
			break;
		first = key_set_add(&seen, (uint64_t)rt->prefix << 8 | rt->len, i);
		if (first >= 0) {
			pg_conf_set_err(err,
				"routes[%u].prefix: duplicate route %s/%u (also routes[%ld])",
				i, pg_conf_ip4_str(rt->prefix, a, sizeof(a)),
				rt->len, first);
			ret = -1;
			break;
		}
		conf->n_routes++;
	}
	if (ret == 0 && conf->n_routes6 > 0) {
		first = key17_first_dup(keys6, conf->n_routes6, &first6);
		if (first >= 0) {
			pg_conf_set_err(err,
				"routes[%ld].prefix: duplicate route %s (also routes[%u])",
				first, raw->routes[first].prefix, first6);
			ret = -1;
		}
	}
	free(keys6);
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
	if (a->dynamic != NULL && check_bool("arp.dynamic", a->dynamic, &c->dynamic, err) < 0)
		return -1;
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

/*
 * control.socket / control.enabled. An empty value means "not given" here
 * as everywhere (docs/config.md), so switching the socket off is an explicit
 * `enabled: false` rather than `socket: ""`.
 */
static int
build_control(const struct pg_conf_raw_control *c, struct pg_conf *conf, char *err)
{
	const char *path = PG_CONF_DEFAULT_CONTROL_SOCKET;
	bool enabled = true;

	if (c->enabled != NULL && check_bool("control.enabled", c->enabled, &enabled, err) < 0)
		return -1;
	if (c->socket != NULL) {
		if (!enabled) {
			pg_conf_set_err(err, "control.socket: given but control.enabled is false");
			return -1;
		}
		if (c->socket[0] != '/') {
			pg_conf_set_err(err, "control.socket: '%.64s' is not an absolute path",
					c->socket);
			return -1;
		}
		if (strlen(c->socket) >= PG_CONF_SOCKET_LEN) {
			pg_conf_set_err(err,
				"control.socket: path too long for a unix socket (%zu bytes, max %d)",
				strlen(c->socket), PG_CONF_SOCKET_LEN - 1);
			return -1;
		}
		if (c->socket[strlen(c->socket) - 1] == '/') {
			pg_conf_set_err(err, "control.socket: '%.64s' names a directory, not a socket file",
					c->socket);
			return -1;
		}
		path = c->socket;
		conf->control_socket_set = true;
	}
	if (enabled)
		snprintf(conf->control_socket, sizeof(conf->control_socket), "%s", path);
	else
		conf->control_socket[0] = '\0';
	return 0;
}

/* fpm: present = on; "addr:port", both parts required. */
static int
build_fpm(const struct pg_conf_raw_fpm *f, struct pg_conf *conf, char *err)
{
	struct pg_conf_fpm *c = &conf->fpm;
	unsigned long v;
	const char *colon;

	c->enabled = false;
	c->addr = 0x7f000001;
	c->port = 2620;
	c->resync_quiet_ms = 3000;
	c->max_routes = 0;
	if (f == NULL)
		return 0;
	c->enabled = true;
	if (f->listen != NULL) {
		colon = parse_ip4_head(f->listen, &c->addr);
		if (colon == NULL || *colon != ':' ||
		    check_uint("fpm.listen", colon + 1, 1, 65535, &v, err) < 0) {
			pg_conf_set_err(err, "fpm.listen: expected an IPv4 address:port such as "
					"127.0.0.1:2620, got '%.64s'", f->listen);
			return -1;
		}
		c->port = (uint16_t)v;
	}
	if (f->resync_quiet_ms != NULL) {
		if (check_uint("fpm.resync_quiet_ms", f->resync_quiet_ms, 100, 600000, &v, err) < 0)
			return -1;
		c->resync_quiet_ms = (unsigned int)v;
	}
	if (f->max_routes != NULL) {
		if (check_uint("fpm.max_routes", f->max_routes, 0, 1u << 24, &v, err) < 0)
			return -1;
		c->max_routes = (unsigned int)v;
	}
	return 0;
}

/* icmp: the per-lcore rate limit of ICMP errors; rate 0 turns them off. */
static int
build_icmp(const struct pg_conf_raw_icmp *r, struct pg_conf *conf, char *err)
{
	unsigned long v;

	conf->icmp_rate = PG_CONF_DEFAULT_ICMP_RATE;
	conf->icmp_burst = PG_CONF_DEFAULT_ICMP_BURST;
	if (r == NULL)
		return 0;
	if (r->rate != NULL) {
		if (check_uint("icmp.rate", r->rate, 0, PG_CONF_MAX_ICMP_RATE, &v, err) < 0)
			return -1;
		conf->icmp_rate = (unsigned int)v;
	}
	if (r->burst != NULL) {
		if (check_uint("icmp.burst", r->burst, 1, PG_CONF_MAX_ICMP_BURST, &v,
			       err) < 0)
			return -1;
		conf->icmp_burst = (unsigned int)v;
	}
	return 0;
}

/* punt.backend, and the ports' mirrors that name no backend of their own. */
static int
build_punt_backend(const struct pg_conf_raw_punt *r, struct pg_conf *conf, char *err)
{
	unsigned int i;

	conf->punt_backend = PG_CONF_MIRROR_TAP;
	if (r != NULL && r->backend != NULL) {
		if (mirror_backend(r->backend) < 0) {
			pg_conf_set_err(err, "punt.backend: expected tap or virtio_user, got '%.64s'",
					r->backend);
			return -1;
		}
		conf->punt_backend = (enum pg_conf_mirror_backend)mirror_backend(r->backend);
	}
	for (i = 0; i < conf->n_ports; i++)
		if (conf->ports[i].tap[0] != '\0' &&
		    conf->ports[i].mirror_backend == PG_CONF_MIRROR_DEFAULT)
			conf->ports[i].mirror_backend = conf->punt_backend;
	return 0;
}

/* punt: the exception path's rings and backend (docs/punt.md). */
static int
build_punt(const struct pg_conf_raw_punt *r, struct pg_conf *conf, char *err)
{
	unsigned long v;

	conf->punt_ring_size = PG_CONF_DEFAULT_PUNT_RING;
	if (build_punt_backend(r, conf, err) < 0)
		return -1;
	if (r == NULL || r->ring_size == NULL)
		return 0;
	if (check_uint("punt.ring_size", r->ring_size, PG_CONF_MIN_PUNT_RING,
		       PG_CONF_MAX_RING_SIZE, &v, err) < 0)
		return -1;
	if ((v & (v - 1)) != 0) {
		pg_conf_set_err(err, "punt.ring_size: %lu is not a power of two", v);
		return -1;
	}
	conf->punt_ring_size = (unsigned int)v;
	return 0;
}

/* One optional count of limits: (absent: 0, the table's default). */
static int
limit_uint(const char *path, const char *s, unsigned long min, unsigned long max,
	   unsigned int *out, char *err)
{
	unsigned long v;

	if (s == NULL)
		return 0;
	if (check_uint(path, s, min, max, &v, err) < 0)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* limits: table room set up front; absent keys stay 0 (pktgate sizes). */
static int
build_limits(const struct pg_conf_raw_limits *r, struct pg_conf *conf, char *err)
{
	struct pg_conf_limits *l = &conf->limits;

	memset(l, 0, sizeof(*l));
	if (r == NULL)
		return 0;
	if (limit_uint("limits.ipv4_tbl8_groups", r->ipv4_tbl8_groups, PG_CONF_MIN_TBL8,
		       PG_CONF_MAX_TBL8, &l->ipv4_tbl8_groups, err) < 0 ||
	    limit_uint("limits.ipv4_tbl8_groups_max", r->ipv4_tbl8_groups_max,
		       PG_CONF_MIN_TBL8, PG_CONF_MAX_TBL8, &l->ipv4_tbl8_groups_max, err) < 0 ||
	    limit_uint("limits.ipv4_ecmp_groups", r->ipv4_ecmp_groups, 1,
		       PG_CONF_MAX_ECMP_GROUPS, &l->ipv4_ecmp_groups, err) < 0 ||
	    limit_uint("limits.ipv4_ecmp_group_members", r->ipv4_ecmp_group_members,
		       PG_CONF_MIN_ECMP_MEMBERS, PG_CONF_MAX_ECMP_MEMBERS,
		       &l->ipv4_ecmp_group_members, err) < 0 ||
	    limit_uint("limits.ipv6_ecmp_groups", r->ipv6_ecmp_groups, 1,
		       PG_CONF_MAX_ECMP_GROUPS, &l->ipv6_ecmp_groups, err) < 0 ||
	    limit_uint("limits.ipv6_ecmp_group_members", r->ipv6_ecmp_group_members,
		       PG_CONF_MIN_ECMP_MEMBERS, PG_CONF_MAX_ECMP_MEMBERS,
		       &l->ipv6_ecmp_group_members, err) < 0)
		return -1;
	if (l->ipv4_tbl8_groups_max != 0 && l->ipv4_tbl8_groups > l->ipv4_tbl8_groups_max) {
		pg_conf_set_err(err, "limits.ipv4_tbl8_groups_max: %u is below "
				"limits.ipv4_tbl8_groups %u", l->ipv4_tbl8_groups_max,
				l->ipv4_tbl8_groups);
		return -1;
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
	    build_control(&raw->control, conf, err) < 0 ||
	    pg_conf_acl_build(raw, conf, err) < 0 ||
	    build_fpm(raw->fpm, conf, err) < 0 ||
	    build_icmp(raw->icmp, conf, err) < 0 ||
	    build_punt(raw->punt, conf, err) < 0 ||
	    build_limits(raw->limits, conf, err) < 0)
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
