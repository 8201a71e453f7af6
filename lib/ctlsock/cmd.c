/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The control command parser: words -> struct pg_cmd. Strict in the same
 * way as lib/conf: no guessing (no leading zeros in lengths, no trailing
 * words, host bits of a prefix must be clear) and every error names the
 * word that is wrong.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pg_cmd.h"

/* route add PREFIX via GW ... with every gateway of an ECMP route */
#define MAX_WORDS (4 + 2 * PG_CMD_MAX_VIA)

struct words {
	const char *w[MAX_WORDS];
	unsigned int n;
	unsigned int next;       /* first word the command's own parser reads */
	enum pg_cmd_type type;   /* PG_CMD_MAX until the command is known */
};

typedef int (*parse_fn)(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen);

static int parse_route_add(struct words *, struct pg_cmd *, char *, size_t);
static int parse_route_del(struct words *, struct pg_cmd *, char *, size_t);
static int parse_offset(struct words *, struct pg_cmd *, char *, size_t);
static int parse_neighbor_add(struct words *, struct pg_cmd *, char *, size_t);
static int parse_neighbor_del(struct words *, struct pg_cmd *, char *, size_t);
static int parse_file(struct words *, struct pg_cmd *, char *, size_t);

/* Indexed by enum pg_cmd_type; a NULL sub means a one-word command. */
static const struct {
	const char *word, *sub;
	const char *usage;
	parse_fn parse;          /* NULL: no arguments */
} commands[PG_CMD_MAX] = {
	[PG_CMD_ROUTE_ADD] = { "route", "add",
		"route add PREFIX via GW [port NAME] [weight N] [via GW2 ...] | route add PREFIX port NAME",
		parse_route_add },
	[PG_CMD_ROUTE_DEL] = { "route", "del", "route del PREFIX", parse_route_del },
	[PG_CMD_ROUTE_LIST] = { "route", "list", "route list [OFFSET]", parse_offset },
	[PG_CMD_NEIGHBOR_ADD] = { "neighbor", "add", "neighbor add IP MAC [port NAME]",
		parse_neighbor_add },
	[PG_CMD_NEIGHBOR_DEL] = { "neighbor", "del", "neighbor del IP [port NAME]",
		parse_neighbor_del },
	[PG_CMD_NEIGHBOR_LIST] = { "neighbor", "list", "neighbor list [OFFSET]",
		parse_offset },
	[PG_CMD_ACL_RELOAD] = { "acl", "reload", "acl reload FILE", parse_file },
	[PG_CMD_STATS] = { "stats", NULL, "stats", NULL },
	[PG_CMD_PORTS] = { "ports", NULL, "ports", NULL },
	[PG_CMD_CONFIG_CHECK] = { "config", "check", "config check FILE", parse_file },
	[PG_CMD_HELP] = { "help", NULL, "help", NULL },
	[PG_CMD_VERSION] = { "version", NULL, "version", NULL },
	[PG_CMD_ROUTE_LOAD] = { "route", "load", "route load FILE", parse_file },
};

const char *
pg_cmd_name(enum pg_cmd_type type)
{
	static const char *const names[PG_CMD_MAX] = {
		[PG_CMD_ROUTE_ADD] = "route add", [PG_CMD_ROUTE_DEL] = "route del",
		[PG_CMD_ROUTE_LIST] = "route list", [PG_CMD_NEIGHBOR_ADD] = "neighbor add",
		[PG_CMD_NEIGHBOR_DEL] = "neighbor del", [PG_CMD_NEIGHBOR_LIST] = "neighbor list",
		[PG_CMD_ACL_RELOAD] = "acl reload", [PG_CMD_STATS] = "stats",
		[PG_CMD_PORTS] = "ports", [PG_CMD_CONFIG_CHECK] = "config check",
		[PG_CMD_HELP] = "help", [PG_CMD_VERSION] = "version",
		[PG_CMD_ROUTE_LOAD] = "route load",
	};

	return (unsigned int)type < PG_CMD_MAX ? names[type] : "?";
}

const char *
pg_cmd_usage(enum pg_cmd_type type)
{
	return (unsigned int)type < PG_CMD_MAX ? commands[type].usage : "?";
}

static void __attribute__((format(printf, 4, 5)))
set_err(const struct words *ws, char *err, size_t errlen, const char *fmt, ...)
{
	int n = 0;
	va_list ap;

	if (errlen == 0)
		return;
	/* Every message starts with the command, as the user typed it. */
	if ((unsigned int)ws->type < PG_CMD_MAX)
		n = snprintf(err, errlen, "%s: ", pg_cmd_name(ws->type));
	if (n < 0 || (size_t)n >= errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The next word, or NULL when the line ends. */
static const char *
next_word(struct words *ws)
{
	return ws->next < ws->n ? ws->w[ws->next++] : NULL;
}

static int
no_more_words(struct words *ws, char *err, size_t errlen)
{
	const char *w = next_word(ws);

	if (w == NULL)
		return 0;
	set_err(ws, err, errlen, "unexpected word '%.64s' (usage: %s)", w,
		commands[ws->type].usage);
	return -1;
}

/* Decimal, no sign, no leading zero, at most @p max. */
static int
parse_dec(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long acc = 0;
	const char *p;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		acc = acc * 10 + (unsigned long)(*p - '0');
		if (acc > max)
			return -1;
	}
	*v = acc;
	return 0;
}

/*
 * inet_pton() is strict already: dotted quads without leading zeros or
 * missing octets for IPv4, RFC 4291 text for IPv6 (no zone, no prefix).
 */
static int
parse_ip(const char *s, struct pg_cmd_ip *ip)
{
	struct in_addr a4;

	memset(ip, 0, sizeof(*ip));
	if (strchr(s, ':') != NULL) {
		ip->family = AF_INET6;
		return inet_pton(AF_INET6, s, ip->v6) == 1 ? 0 : -1;
	}
	ip->family = AF_INET;
	if (inet_pton(AF_INET, s, &a4) != 1)
		return -1;
	ip->v4 = ntohl(a4.s_addr);
	return 0;
}

static const char *
ip_str(const struct pg_cmd_ip *ip, char *buf, size_t len)
{
	struct in_addr a4;

	if (ip->family == AF_INET6)
		return inet_ntop(AF_INET6, ip->v6, buf, (socklen_t)len);
	a4.s_addr = htonl(ip->v4);
	return inet_ntop(AF_INET, &a4, buf, (socklen_t)len);
}

/* Clear the bits past @p len; returns true if any was set. */
static bool
clear_host_bits(struct pg_cmd_ip *ip, unsigned int len)
{
	bool set = false;
	unsigned int i;

	if (ip->family == AF_INET) {
		uint32_t mask = len == 0 ? 0 : UINT32_MAX << (32 - len);

		set = (ip->v4 & ~mask) != 0;
		ip->v4 &= mask;
		return set;
	}
	for (i = 0; i < 16; i++) {
		unsigned int keep = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;
		uint8_t mask = (uint8_t)(keep == 0 ? 0 : 0xff << (8 - keep));

		set |= (ip->v6[i] & ~mask) != 0;
		ip->v6[i] &= mask;
	}
	return set;
}

static int
parse_prefix(const struct words *ws, const char *w, struct pg_cmd *cmd, char *err,
	     size_t errlen)
{
	char addr[64];
	const char *slash;
	unsigned long len, max;
	char net[64];
	size_t n;

	if (w == NULL) {
		set_err(ws, err, errlen, "missing PREFIX (usage: %s)", commands[ws->type].usage);
		return -1;
	}
	slash = strchr(w, '/');
	n = slash != NULL ? (size_t)(slash - w) : 0;
	if (slash == NULL || n == 0 || n >= sizeof(addr)) {
		set_err(ws, err, errlen, "invalid prefix '%.64s' (expected ADDRESS/LEN, "
			"e.g. 192.0.2.0/24 or 2001:db8::/32)", w);
		return -1;
	}
	memcpy(addr, w, n);
	addr[n] = '\0';
	if (parse_ip(addr, &cmd->addr) != 0) {
		set_err(ws, err, errlen, "invalid address '%.64s' in prefix '%.64s'", addr, w);
		return -1;
	}
	max = cmd->addr.family == AF_INET ? 32 : 128;
	if (parse_dec(slash + 1, max, &len) != 0) {
		set_err(ws, err, errlen, "invalid length '%.16s' in prefix '%.64s' (0..%lu)",
			slash + 1, w, max);
		return -1;
	}
	cmd->prefix_len = (uint8_t)len;
	if (clear_host_bits(&cmd->addr, (unsigned int)len)) {
		set_err(ws, err, errlen, "host bits set in '%.64s' (did you mean %s/%lu?)", w,
			ip_str(&cmd->addr, net, sizeof(net)), len);
		return -1;
	}
	return 0;
}

/* Port names follow the config's rule: 1..31 of A-Z a-z 0-9 _ - */
static int
parse_port_name(const struct words *ws, const char *w, struct pg_cmd *cmd, char *err,
		size_t errlen)
{
	size_t n;

	if (w == NULL) {
		set_err(ws, err, errlen, "missing port NAME after 'port'");
		return -1;
	}
	n = strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	if (w[n] != '\0' || n >= PG_CMD_NAME_LEN) {
		set_err(ws, err, errlen, "invalid port name '%.64s' (1..%d of A-Z a-z 0-9 _ -)", w,
			PG_CMD_NAME_LEN - 1);
		return -1;
	}
	memcpy(cmd->port, w, n + 1);
	cmd->has_port = true;
	return 0;
}

/* An optional "port NAME" next; any other word is left for the caller. */
static int
parse_opt_port(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	const char *w = next_word(ws);

	if (w != NULL && strcmp(w, "port") == 0)
		return parse_port_name(ws, next_word(ws), cmd, err, errlen);
	if (w != NULL)
		ws->next--;
	return 0;
}

/* After `via GW`: an optional `port NAME` (the link of a link-local
 * gateway) and `weight N` (ECMP), in either order, for gateway n_via. */
static int
parse_via_opts(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	const char *w;
	unsigned long v;

	cmd->weight[cmd->n_via] = 1;
	cmd->via_port[cmd->n_via][0] = '\0';
	while ((w = next_word(ws)) != NULL) {
		if (strcmp(w, "port") == 0 && cmd->via_port[cmd->n_via][0] == '\0') {
			if (parse_port_name(ws, next_word(ws), cmd, err, errlen) != 0)
				return -1;
			memcpy(cmd->via_port[cmd->n_via], cmd->port, PG_CMD_NAME_LEN);
		} else if (strcmp(w, "weight") == 0) {
			w = next_word(ws);
			if (w == NULL || parse_dec(w, PG_CMD_MAX_WEIGHT, &v) != 0 || v == 0) {
				set_err(ws, err, errlen, "invalid weight '%.64s' (1..%d)",
					w != NULL ? w : "", PG_CMD_MAX_WEIGHT);
				return -1;
			}
			cmd->weight[cmd->n_via] = (uint16_t)v;
		} else {
			ws->next--;
			break;
		}
	}
	return 0;
}

static int
parse_route_add(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	const char *kind, *w;
	char a[64], b[64];

	if (parse_prefix(ws, next_word(ws), cmd, err, errlen) != 0)
		return -1;
	kind = next_word(ws);
	if (kind == NULL) {
		set_err(ws, err, errlen, "missing 'via GW' or 'port NAME' after the prefix");
		return -1;
	}
	if (strcmp(kind, "port") == 0) {
		if (parse_port_name(ws, next_word(ws), cmd, err, errlen) != 0)
			return -1;
	} else if (strcmp(kind, "via") == 0) {
		/* Several `via GW`: an ECMP route over all of them. */
		do {
			struct pg_cmd_ip *gw = &cmd->vias[cmd->n_via];

			if (cmd->n_via == PG_CMD_MAX_VIA) {
				set_err(ws, err, errlen, "more than %d gateways", PG_CMD_MAX_VIA);
				return -1;
			}
			w = next_word(ws);
			if (w == NULL) {
				set_err(ws, err, errlen, "missing gateway address after 'via'");
				return -1;
			}
			if (parse_ip(w, gw) != 0) {
				set_err(ws, err, errlen, "invalid gateway address '%.64s'", w);
				return -1;
			}
			if (gw->family != cmd->addr.family) {
				set_err(ws, err, errlen, "gateway %s is %s but prefix %s/%u is %s",
					ip_str(gw, a, sizeof(a)),
					gw->family == AF_INET ? "IPv4" : "IPv6",
					ip_str(&cmd->addr, b, sizeof(b)), cmd->prefix_len,
					cmd->addr.family == AF_INET ? "IPv4" : "IPv6");
				return -1;
			}
			if (parse_via_opts(ws, cmd, err, errlen) != 0)
				return -1;
			cmd->n_via++;
			kind = next_word(ws);
		} while (kind != NULL && strcmp(kind, "via") == 0);
		if (kind != NULL)
			ws->next--;     /* not ours: no_more_words() names it */
		cmd->via = cmd->vias[0];
		cmd->has_via = true;
		/* The first gateway's port is the command's (a single route). */
		cmd->has_port = cmd->via_port[0][0] != '\0';
		memcpy(cmd->port, cmd->via_port[0], sizeof(cmd->port));
	} else {
		set_err(ws, err, errlen, "expected 'via' or 'port' after the prefix, got '%.64s'",
			kind);
		return -1;
	}
	return no_more_words(ws, err, errlen);
}

static int
parse_route_del(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	if (parse_prefix(ws, next_word(ws), cmd, err, errlen) != 0)
		return -1;
	return no_more_words(ws, err, errlen);
}

static int
parse_offset(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	const char *w = next_word(ws);
	unsigned long v;

	cmd->offset = 0;
	if (w != NULL) {
		if (parse_dec(w, UINT32_MAX, &v) != 0) {
			set_err(ws, err, errlen, "invalid OFFSET '%.64s' (a number 0..%u)", w,
				UINT32_MAX);
			return -1;
		}
		cmd->offset = (uint32_t)v;
	}
	return no_more_words(ws, err, errlen);
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* xx:xx:xx:xx:xx:xx, as in the config file. */
static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int
parse_neighbor_ip(const struct words *ws, const char *w, struct pg_cmd *cmd, char *err,
		  size_t errlen)
{
	if (w == NULL) {
		set_err(ws, err, errlen, "missing IP (usage: %s)", commands[ws->type].usage);
		return -1;
	}
	if (parse_ip(w, &cmd->addr) != 0) {
		set_err(ws, err, errlen, "invalid IP address '%.64s'", w);
		return -1;
	}
	return 0;
}

static int
parse_neighbor_add(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	static const uint8_t zero[6];
	const char *w;

	if (parse_neighbor_ip(ws, next_word(ws), cmd, err, errlen) != 0)
		return -1;
	w = next_word(ws);
	if (w == NULL) {
		set_err(ws, err, errlen, "missing MAC (usage: %s)", commands[ws->type].usage);
		return -1;
	}
	if (parse_mac(w, cmd->mac) != 0) {
		set_err(ws, err, errlen, "invalid MAC address '%.64s' (expected xx:xx:xx:xx:xx:xx)", w);
		return -1;
	}
	if ((cmd->mac[0] & 1) != 0 || memcmp(cmd->mac, zero, 6) == 0) {
		set_err(ws, err, errlen, "MAC address %s is not a unicast address", w);
		return -1;
	}
	w = next_word(ws);
	if (w != NULL) {
		if (strcmp(w, "port") != 0) {
			set_err(ws, err, errlen, "expected 'port' after the MAC, got '%.64s'", w);
			return -1;
		}
		if (parse_port_name(ws, next_word(ws), cmd, err, errlen) != 0)
			return -1;
	}
	return no_more_words(ws, err, errlen);
}

static int
parse_neighbor_del(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	if (parse_neighbor_ip(ws, next_word(ws), cmd, err, errlen) != 0)
		return -1;
	/* A link-local neighbor is one per link: the port names it. */
	if (parse_opt_port(ws, cmd, err, errlen) != 0)
		return -1;
	return no_more_words(ws, err, errlen);
}

static int
parse_file(struct words *ws, struct pg_cmd *cmd, char *err, size_t errlen)
{
	const char *w = next_word(ws);

	if (w == NULL) {
		set_err(ws, err, errlen, "missing FILE (usage: %s)", commands[ws->type].usage);
		return -1;
	}
	if (strlen(w) >= PG_CMD_PATH_LEN) {
		set_err(ws, err, errlen, "file name too long (%zu bytes, max %d)", strlen(w),
			PG_CMD_PATH_LEN - 1);
		return -1;
	}
	strcpy(cmd->path, w);
	return no_more_words(ws, err, errlen);
}

/* "add, del, list": the subcommands of @p word, for error messages. */
static void
subcommands(const char *word, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int t;

	buf[0] = '\0';
	for (t = 0; t < PG_CMD_MAX; t++) {
		int n;

		if (strcmp(commands[t].word, word) != 0 || commands[t].sub == NULL)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off > 0 ? ", " : "", commands[t].sub);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

/* Split @p copy in place; -1 with err on an unprintable byte or too many words. */
static int
split(char *copy, struct words *ws, char *err, size_t errlen)
{
	char *p = copy;
	size_t i;

	for (i = 0; copy[i] != '\0'; i++) {
		unsigned char c = (unsigned char)copy[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			set_err(ws, err, errlen, "byte 0x%02x at column %zu is not printable ASCII",
				c, i + 1);
			return -1;
		}
	}
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0')
			return 0;
		if (ws->n == MAX_WORDS) {
			set_err(ws, err, errlen, "too many words (max %d)", MAX_WORDS);
			return -1;
		}
		ws->w[ws->n++] = p;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
}

int
pg_cmd_parse(const char *line, struct pg_cmd *cmd, char *err, size_t errlen)
{
	char copy[PG_CMD_MAX_LINE + 1], subs[64];
	struct words ws;
	size_t len = strnlen(line, PG_CMD_MAX_LINE + 1);
	const char *w;
	unsigned int t;

	memset(cmd, 0, sizeof(*cmd));
	ws.type = PG_CMD_MAX;
	ws.n = 0;
	ws.next = 0;
	if (errlen > 0)
		err[0] = '\0';
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= PG_CMD_MAX_LINE) {
		set_err(&ws, err, errlen, "request too long (max %d bytes)", PG_CMD_MAX_LINE - 1);
		return -1;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (split(copy, &ws, err, errlen) != 0)
		return -1;
	w = next_word(&ws);
	if (w == NULL) {
		set_err(&ws, err, errlen, "empty request (try 'help')");
		return -1;
	}
	for (t = 0; t < PG_CMD_MAX; t++)
		if (strcmp(commands[t].word, w) == 0)
			break;
	if (t == PG_CMD_MAX) {
		set_err(&ws, err, errlen, "unknown command '%.64s' (try 'help')", w);
		return -1;
	}
	if (commands[t].sub != NULL) {
		const char *sub = next_word(&ws);

		subcommands(w, subs, sizeof(subs));
		if (sub == NULL) {
			set_err(&ws, err, errlen, "%s: missing subcommand (%s)", w, subs);
			return -1;
		}
		for (; t < PG_CMD_MAX; t++)
			if (strcmp(commands[t].word, w) == 0 && commands[t].sub != NULL &&
			    strcmp(commands[t].sub, sub) == 0)
				break;
		if (t == PG_CMD_MAX) {
			set_err(&ws, err, errlen, "%s: unknown subcommand '%.64s' (%s)", w, sub, subs);
			return -1;
		}
	}
	cmd->type = (enum pg_cmd_type)t;
	ws.type = cmd->type;
	if (commands[t].parse != NULL)
		return commands[t].parse(&ws, cmd, err, errlen);
	return no_more_words(&ws, err, errlen);
}
