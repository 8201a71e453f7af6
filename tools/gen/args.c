/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * The generator's command line. A hand-written loop rather than getopt: EAL
 * runs getopt on its own part of argv later, and every error here names its
 * option in one line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "gen.h"

enum gen_opt {
	OPT_TX_PORT, OPT_RX_PORT, OPT_FLOWS, OPT_SIZE, OPT_RATE, OPT_DURATION,
	OPT_COUNT, OPT_DST, OPT_SRC, OPT_DST_MAC, OPT_SRC_MAC, OPT_BURST,
	OPT_WARMUP, OPT_JSON, OPT_STATS, OPT_DRAIN, OPT_LINGER, OPT_UDP_SRC,
	OPT_UDP_DST, OPT_TTL, OPT_HELP, OPT_VERSION,
};

struct gen_optdef {
	const char *name;
	enum gen_opt id;
	bool has_arg;
};

static const struct gen_optdef optdefs[] = {
	{ "--tx-port", OPT_TX_PORT, true },
	{ "--rx-port", OPT_RX_PORT, true },
	{ "--flows", OPT_FLOWS, true },
	{ "--size", OPT_SIZE, true },
	{ "--rate-pps", OPT_RATE, true },
	{ "--duration", OPT_DURATION, true },
	{ "--count", OPT_COUNT, true },
	{ "--dst", OPT_DST, true },
	{ "--src", OPT_SRC, true },
	{ "--dst-mac", OPT_DST_MAC, true },
	{ "--src-mac", OPT_SRC_MAC, true },
	{ "--burst", OPT_BURST, true },
	{ "--warmup", OPT_WARMUP, true },
	{ "--json", OPT_JSON, true },
	{ "--stats-interval", OPT_STATS, true },
	{ "--drain-ms", OPT_DRAIN, true },
	{ "--linger", OPT_LINGER, true },
	{ "--udp-src", OPT_UDP_SRC, true },
	{ "--udp-dst", OPT_UDP_DST, true },
	{ "--ttl", OPT_TTL, true },
	{ "--help", OPT_HELP, false },
	{ "-h", OPT_HELP, false },
	{ "--version", OPT_VERSION, false },
};

static const char usage[] =
"usage: pktgate-gen [EAL options] -- --tx-port N [options]\n"
"\n"
"Sends UDP/IPv4 frames over many flows out of one DPDK port, counts them\n"
"back on another (or the same) port, reports loss and latency.\n"
"\n"
"  --tx-port N          DPDK port to send on (required)\n"
"  --rx-port M          DPDK port to count on (default: the TX port)\n"
"  --flows N            flows, 1..1048576 (default 1024); k/M suffixes ok\n"
"  --size BYTES         frame size on the wire incl. FCS, 64..1518 (default 64)\n"
"  --rate-pps R         frames per second, 0 = as fast as possible (default 0)\n"
"  --duration S         send for S seconds after the warm-up\n"
"  --count PKTS         send PKTS measured frames (0 = no limit)\n"
"                       (neither --duration nor --count: until SIGINT/SIGTERM)\n"
"  --dst P[,P...]       destination prefixes, flows cycle through them\n"
"                       (default 203.0.113.0/24)\n"
"  --src IP             source address (default 198.18.0.1)\n"
"  --udp-src PORT       first UDP source port, 1..49152; flow i uses\n"
"                       PORT + i % 16384 (default 1024)\n"
"  --udp-dst PORT       UDP destination port (default 9)\n"
"  --ttl N              IPv4 TTL, 1..255 (default 64)\n"
"  --dst-mac MAC        destination MAC (default 02:00:00:00:00:01)\n"
"  --src-mac MAC        source MAC (default: the TX port's MAC)\n"
"  --burst N            frames per TX/RX burst, 1..256 (default 32)\n"
"  --warmup S           send S seconds before counting starts (default 0)\n"
"  --drain-ms MS        keep counting MS ms after TX stops (default 200)\n"
"  --stats-interval S   print rates every S seconds (default 0: off)\n"
"  --json FILE          write a JSON summary to FILE ('-': stdout; the\n"
"                       human summary then goes to stderr)\n"
"  --linger S           keep the ports open S seconds after the summary, so\n"
"                       a memif peer can stop polling first (default 0)\n"
"  --version, --help\n"
"\n"
"Lcores: one worker lcore does TX and RX (-l 0,1); with two worker lcores\n"
"the first sends and the second receives. The main lcore only reports.\n"
"Exit status: 0 done, 1 runtime failure, 2 bad arguments.\n";

const char *
gen_usage(void)
{
	return usage;
}

static int
bad(char err[GEN_ERR_LEN], const char *opt, const char *what, const char *text)
{
	snprintf(err, GEN_ERR_LEN, "%s: %s, got '%s' (see --help)", opt, what, text);
	return -EINVAL;
}

/* Decimal digits only (no sign, no hex, nothing after), with an optional
 * k/M/G multiplier where @p suffix allows it. */
static int
parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max,
	  bool suffix, uint64_t *out, char err[GEN_ERR_LEN])
{
	char what[96];
	uint64_t v = 0, mul = 1;
	const char *p = text;

	snprintf(what, sizeof(what), "expected an integer %" PRIu64 "..%" PRIu64 "%s",
		 min, max, suffix ? " (k/M/G allowed)" : "");
	if (*p < '0' || *p > '9')
		return bad(err, opt, what, text);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return bad(err, opt, what, text);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (suffix && *p != '\0' && p[1] == '\0') {
		switch (*p) {
		case 'k': case 'K': mul = 1000; p++; break;
		case 'm': case 'M': mul = 1000000; p++; break;
		case 'g': case 'G': mul = 1000000000; p++; break;
		default: break;
		}
	}
	if (*p != '\0' || (v != 0 && v > UINT64_MAX / mul))
		return bad(err, opt, what, text);
	v *= mul;
	if (v < min || v > max)
		return bad(err, opt, what, text);
	*out = v;
	return 0;
}

static int
parse_seconds(const char *opt, const char *text, double min, bool min_open,
	      double *out, char err[GEN_ERR_LEN])
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	/* A week is far beyond any test and keeps TSC arithmetic in range. */
	if (errno != 0 || end == text || *end != '\0' || !isfinite(v) ||
	    v < min || (min_open && v <= min) || v > 7 * 86400.0)
		return bad(err, opt, min_open ? "expected seconds > 0" :
			   "expected seconds >= 0", text);
	*out = v;
	return 0;
}

static int
parse_ip(const char *text, uint32_t *out)
{
	struct in_addr a;

	/* inet_pton takes only strict dotted quads (no octal, no short forms). */
	if (inet_pton(AF_INET, text, &a) != 1)
		return -EINVAL;
	*out = rte_be_to_cpu_32(a.s_addr);
	return 0;
}

static int
parse_prefixes(const char *opt, const char *text, struct gen_cfg *cfg,
	       char err[GEN_ERR_LEN])
{
	const char *p = text;

	cfg->n_prefixes = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		char item[32], *slash, *end;
		unsigned long len;
		uint32_t addr;

		/* Every item must be a prefix: "a/8,,b/8" or a trailing comma
		 * is a typo, not an empty prefix to skip. */
		if (n == 0 || n >= sizeof(item))
			return bad(err, opt, "expected a.b.c.d/len[,a.b.c.d/len...]", text);
		if (cfg->n_prefixes == GEN_MAX_PREFIXES)
			return bad(err, opt, "at most 64 prefixes", text);
		memcpy(item, p, n);
		item[n] = '\0';
		slash = strchr(item, '/');
		if (slash == NULL)
			return bad(err, opt, "expected a.b.c.d/len[,a.b.c.d/len...]", item);
		*slash = '\0';
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (parse_ip(item, &addr) != 0 || slash[1] < '0' || slash[1] > '9' ||
		    *end != '\0' || errno != 0 || len < 1 || len > 32) {
			*slash = '/';
			return bad(err, opt, "expected a.b.c.d/len (dotted quad, len 1..32)", item);
		}
		/* Host bits are ignored: 10.1.2.3/8 means 10.0.0.0/8. */
		cfg->prefix[cfg->n_prefixes].addr = addr & (uint32_t)(~0ULL << (32 - len));
		cfg->prefix[cfg->n_prefixes].len = (uint8_t)len;
		cfg->n_prefixes++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int
parse_mac(const char *opt, const char *text, struct rte_ether_addr *mac,
	  char err[GEN_ERR_LEN])
{
	unsigned int b[RTE_ETHER_ADDR_LEN];
	char tail;
	int i;

	if (strlen(text) != 17 ||
	    sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return bad(err, opt, "expected a MAC xx:xx:xx:xx:xx:xx", text);
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		mac->addr_bytes[i] = (uint8_t)b[i];
	return 0;
}

static void
set_defaults(struct gen_cfg *cfg)
{
	static const struct rte_ether_addr pktgate_demo_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 } };

	memset(cfg, 0, sizeof(*cfg));
	cfg->n_flows = 1024;
	cfg->size = GEN_SIZE_MIN;
	cfg->burst = 32;
	cfg->drain_ms = 200;
	cfg->n_prefixes = 1;
	cfg->prefix[0].addr = GEN_IPV4(203, 0, 113, 0);
	cfg->prefix[0].len = 24;
	cfg->src_ip = GEN_IPV4(198, 18, 0, 1);   /* RFC 2544 benchmark range */
	cfg->udp_sport = 1024;
	cfg->udp_dport = 9;                      /* discard */
	cfg->ttl = 64;
	/* pktgate's port MAC in the example configs, as in tools/gen_flows.py */
	cfg->dst_mac = pktgate_demo_mac;
}

static int
apply(struct gen_cfg *cfg, const struct gen_optdef *d, const char *val,
      bool *have_tx, bool *have_rx, char err[GEN_ERR_LEN])
{
	uint64_t v;
	int ret = 0;

	switch (d->id) {
	case OPT_TX_PORT:
	case OPT_RX_PORT:
		ret = parse_u64(d->name, val, 0, RTE_MAX_ETHPORTS - 1, false, &v, err);
		if (ret == 0 && d->id == OPT_TX_PORT) {
			cfg->tx_port = (uint16_t)v;
			*have_tx = true;
		} else if (ret == 0) {
			cfg->rx_port = (uint16_t)v;
			*have_rx = true;
		}
		break;
	case OPT_FLOWS:
		ret = parse_u64(d->name, val, 1, GEN_MAX_FLOWS, true, &v, err);
		cfg->n_flows = (uint32_t)v;
		break;
	case OPT_SIZE:
		ret = parse_u64(d->name, val, GEN_SIZE_MIN, GEN_SIZE_MAX, false, &v, err);
		cfg->size = (uint32_t)v;
		break;
	case OPT_RATE:
		/* 10 Gpps: above any port, and keeps the token bucket in 64 bits. */
		ret = parse_u64(d->name, val, 0, 10000000000ULL, true, &cfg->rate_pps, err);
		break;
	case OPT_DURATION:
		ret = parse_seconds(d->name, val, 0, true, &cfg->duration_s, err);
		break;
	case OPT_COUNT:
		ret = parse_u64(d->name, val, 0, UINT64_MAX / 2, true, &cfg->count, err);
		break;
	case OPT_DST:
		ret = parse_prefixes(d->name, val, cfg, err);
		break;
	case OPT_SRC:
		if (parse_ip(val, &cfg->src_ip) != 0)
			ret = bad(err, d->name, "expected an IPv4 address a.b.c.d", val);
		break;
	case OPT_DST_MAC:
		ret = parse_mac(d->name, val, &cfg->dst_mac, err);
		break;
	case OPT_SRC_MAC:
		ret = parse_mac(d->name, val, &cfg->src_mac, err);
		cfg->has_src_mac = true;
		break;
	case OPT_BURST:
		ret = parse_u64(d->name, val, 1, GEN_BURST_MAX, false, &v, err);
		cfg->burst = (uint32_t)v;
		break;
	case OPT_WARMUP:
		ret = parse_seconds(d->name, val, 0, false, &cfg->warmup_s, err);
		break;
	case OPT_JSON:
		if (*val == '\0')
			ret = bad(err, d->name, "expected a file name or '-'", val);
		cfg->json = val;
		break;
	case OPT_STATS:
		ret = parse_seconds(d->name, val, 0, false, &cfg->stats_interval_s, err);
		break;
	case OPT_DRAIN:
		ret = parse_u64(d->name, val, 0, 60000, false, &v, err);
		cfg->drain_ms = (uint32_t)v;
		break;
	case OPT_LINGER:
		ret = parse_seconds(d->name, val, 0, false, &cfg->linger_s, err);
		break;
	case OPT_UDP_SRC:
		/* The whole range base..base+16383 must be valid ports (no 0). */
		ret = parse_u64(d->name, val, 1, UINT16_MAX - (GEN_UDP_SPORT_SPAN - 1),
				false, &v, err);
		cfg->udp_sport = (uint16_t)v;
		break;
	case OPT_UDP_DST:
		ret = parse_u64(d->name, val, 1, UINT16_MAX, false, &v, err);
		cfg->udp_dport = (uint16_t)v;
		break;
	case OPT_TTL:
		ret = parse_u64(d->name, val, 1, 255, false, &v, err);
		cfg->ttl = (uint8_t)v;
		break;
	case OPT_HELP:
		cfg->help = true;
		break;
	case OPT_VERSION:
		cfg->version = true;
		break;
	}
	return ret;
}

int
gen_args_parse(int argc, char **argv, struct gen_cfg *cfg, char err[GEN_ERR_LEN])
{
	bool have_tx = false, have_rx = false;
	int i, sep, ret;

	set_defaults(cfg);
	/* Everything before "--" is EAL's, everything after ours; a lone
	 * --help or --version without "--" is ours too. */
	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	cfg->eal_argc = sep;
	if (sep == argc) {
		if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
				  strcmp(argv[1], "-h") == 0 ||
				  strcmp(argv[1], "--version") == 0)) {
			cfg->eal_argc = 1;
			sep = 0;
		} else if (argc > 1) {
			snprintf(err, GEN_ERR_LEN, "--: missing between EAL options and"
				 " generator options (pktgate-gen [EAL options] -- --tx-port N ...)");
			return -EINVAL;
		}
	}
	for (i = sep + 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq = strchr(arg, '=');
		size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		const struct gen_optdef *d = NULL;
		unsigned int k;

		for (k = 0; k < RTE_DIM(optdefs); k++)
			if (strlen(optdefs[k].name) == name_len &&
			    strncmp(optdefs[k].name, arg, name_len) == 0)
				d = &optdefs[k];
		if (d == NULL) {
			snprintf(err, GEN_ERR_LEN, "%s: unknown option (see --help)", arg);
			return -EINVAL;
		}
		if (d->has_arg) {
			if (eq != NULL) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				snprintf(err, GEN_ERR_LEN, "%s: needs a value (see --help)", d->name);
				return -EINVAL;
			}
		} else if (eq != NULL) {
			snprintf(err, GEN_ERR_LEN, "%s: takes no value (see --help)", d->name);
			return -EINVAL;
		}
		ret = apply(cfg, d, val, &have_tx, &have_rx, err);
		if (ret != 0)
			return ret;
	}
	if (cfg->help || cfg->version)
		return 0;
	if (!have_tx) {
		snprintf(err, GEN_ERR_LEN,
			 "--tx-port: required (pktgate-gen [EAL options] -- --tx-port N ...)");
		return -EINVAL;
	}
	if (!have_rx)
		cfg->rx_port = cfg->tx_port;
	return 0;
}

/* Usable host addresses of a prefix: no network or broadcast address up to
 * /30; /31 (RFC 3021) and /32 use all of theirs. */
static void
prefix_hosts(const struct gen_prefix *p, uint32_t *first, uint64_t *n)
{
	uint64_t size = 1ULL << (32 - p->len);

	if (p->len <= 30) {
		*first = p->addr + 1;
		*n = size - 2;
	} else {
		*first = p->addr;
		*n = size;
	}
}

/* Same spread as tools/gen_flows.py: consecutive flows go to different
 * prefixes (so consecutive frames take different routes), and within a
 * prefix to successive hosts. */
uint32_t
gen_flow_dst(const struct gen_cfg *cfg, uint32_t i)
{
	const struct gen_prefix *p = &cfg->prefix[i % cfg->n_prefixes];
	uint32_t first;
	uint64_t n;

	prefix_hosts(p, &first, &n);
	return first + (uint32_t)((i / cfg->n_prefixes) % n);
}

void
gen_prefixes_format(const struct gen_cfg *cfg, char *buf, size_t len)
{
	size_t off = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < cfg->n_prefixes && off < len; i++) {
		uint32_t a = cfg->prefix[i].addr;
		int n = snprintf(buf + off, len - off, "%s%u.%u.%u.%u/%u", i ? "," : "",
				 a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
				 cfg->prefix[i].len);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}
