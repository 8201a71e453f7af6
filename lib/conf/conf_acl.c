/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * acl: raw lists -> validated struct pg_conf_acl_list (docs/config.md "acl").
 * Like conf_validate.c: the first problem is reported as one
 * "acl[i].rules[j].field: reason" line; conf.c adds the line number.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_private.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* TCP header flag bits, in the order of the header byte. */
static const char *const tcp_flag_names[8] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr",
};

static const struct {
	const char *name;
	uint8_t proto;
} proto_names[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmpv6", 58 }, { "sctp", 132 },
};

const char *
pg_conf_acl_action_name(enum pg_acl_action a)
{
	switch (a) {
	case PG_ACL_ALLOW: return "allow";
	case PG_ACL_DENY: return "deny";
	case PG_ACL_COUNT: return "count";
	}
	return "?";
}

static const char *
proto_name(uint8_t proto)
{
	unsigned int i;

	for (i = 0; i < DIM(proto_names); i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	return NULL;
}

/*
 * "a.b.c.d/len", "a.b.c.d" (/32), "x:y::z/len" or "x:y::z" (/128) into
 * @p addr (network order), @p len and @p family. Host bits must be clear.
 */
static int
parse_prefix(const char *path, const char *s, uint8_t addr[16], uint8_t *len,
	     uint8_t *family, char *err)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	unsigned long v = 0;
	unsigned int l, i, max;

	if (strchr(s, ':') == NULL) {
		uint32_t ip;
		const char *why;

		if (slash == NULL) {
			snprintf(buf, sizeof(buf), "%.40s/32", s);
			s = buf;
		}
		if (!pg_conf_parse_ip4_prefix(s, &ip, &l, &why)) {
			pg_conf_set_err(err, "%s: '%.64s' is not an IPv4 or IPv6 prefix (%s)",
					path, s, why);
			return -1;
		}
		if (l > 32) {
			pg_conf_set_err(err, "%s: prefix length %u is out of range (0..32)",
					path, l);
			return -1;
		}
		ip = htonl(ip);
		memcpy(addr, &ip, 4);
		*family = PG_ACL_FAMILY_IP4;
		max = 32;
	} else {
		size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);

		if (n >= sizeof(buf) || (memcpy(buf, s, n), buf[n] = '\0',
					 inet_pton(AF_INET6, buf, addr) != 1)) {
			pg_conf_set_err(err, "%s: '%.64s' is not an IPv4 or IPv6 prefix (bad address)",
					path, s);
			return -1;
		}
		v = 128;
		if (slash != NULL && (!pg_conf_parse_uint(slash + 1, &v) || v > 128)) {
			pg_conf_set_err(err, "%s: '%.64s': bad prefix length (0..128)", path, s);
			return -1;
		}
		l = (unsigned int)v;
		*family = PG_ACL_FAMILY_IP6;
		max = 128;
	}
	for (i = l; i < max; i++) {
		if (addr[i / 8] & (0x80 >> (i % 8))) {
			pg_conf_set_err(err, "%s: host bits set in '%.64s' (length %u)",
					path, s, l);
			return -1;
		}
	}
	*len = (uint8_t)l;
	return 0;
}

/* "80" or "1000-2000". */
static int
parse_port_range(const char *path, const char *s, uint16_t *lo, uint16_t *hi, char *err)
{
	char a[16];
	const char *dash = strchr(s, '-');
	unsigned long vlo, vhi;
	size_t n = dash != NULL ? (size_t)(dash - s) : strlen(s);

	if (n >= sizeof(a))
		goto bad;
	memcpy(a, s, n);
	a[n] = '\0';
	if (!pg_conf_parse_uint(a, &vlo))
		goto bad;
	vhi = vlo;
	if (dash != NULL && !pg_conf_parse_uint(dash + 1, &vhi))
		goto bad;
	if (vlo > 65535 || vhi > 65535) {
		pg_conf_set_err(err, "%s: '%.32s': ports are 0..65535", path, s);
		return -1;
	}
	if (vlo > vhi) {
		pg_conf_set_err(err, "%s: range '%.32s' is reversed (low-high)", path, s);
		return -1;
	}
	*lo = (uint16_t)vlo;
	*hi = (uint16_t)vhi;
	return 0;
bad:
	pg_conf_set_err(err, "%s: '%.32s' is not a port or a range like 1000-2000", path, s);
	return -1;
}

/* "syn !ack": names must be set, !names must be clear; space or comma apart. */
static int
parse_flags(const char *path, const char *s, uint8_t *mask, uint8_t *value, char *err)
{
	const char *p = s;

	*mask = 0;
	*value = 0;
	while (*p != '\0') {
		bool neg = false;
		size_t n;
		unsigned int b;

		if (*p == ' ' || *p == ',') {
			p++;
			continue;
		}
		if (*p == '!') {
			neg = true;
			p++;
		}
		n = strcspn(p, " ,");
		for (b = 0; b < 8; b++)
			if (strlen(tcp_flag_names[b]) == n && strncmp(p, tcp_flag_names[b], n) == 0)
				break;
		if (b == 8) {
			pg_conf_set_err(err,
				"%s: unknown TCP flag '%.*s' in '%.64s' (fin syn rst psh ack urg ece cwr, '!' for clear)",
				path, (int)(n > 16 ? 16 : n), p, s);
			return -1;
		}
		if (*mask & (1u << b)) {
			pg_conf_set_err(err, "%s: flag '%s' given twice", path, tcp_flag_names[b]);
			return -1;
		}
		*mask |= (uint8_t)(1u << b);
		if (!neg)
			*value |= (uint8_t)(1u << b);
		p += n;
	}
	if (*mask == 0) {
		pg_conf_set_err(err, "%s: no flag given", path);
		return -1;
	}
	return 0;
}

static void
text_add(char *text, const char *fmt, const char *a)
{
	size_t l = strlen(text);

	snprintf(text + l, PG_CONF_ACL_TEXT_LEN - l, fmt, a);
}

/* The canonical text of a rule, for telemetry and logs. */
static void
rule_text(struct pg_conf_acl_rule *r, const struct pg_conf_raw_acl_rule *raw)
{
	char *t = r->text;
	char num[32];
	const char *pn;
	unsigned int b;

	snprintf(t, PG_CONF_ACL_TEXT_LEN, "%s",
		 pg_conf_acl_action_name((enum pg_acl_action)r->action));
	if (raw->src != NULL)
		text_add(t, " src %s", raw->src);
	if (raw->dst != NULL)
		text_add(t, " dst %s", raw->dst);
	if (r->has_proto) {
		pn = proto_name(r->proto);
		snprintf(num, sizeof(num), "%u", r->proto);
		text_add(t, " proto %s", pn != NULL ? pn : num);
	}
	if (raw->sport != NULL)
		text_add(t, " sport %s", raw->sport);
	if (raw->dport != NULL)
		text_add(t, " dport %s", raw->dport);
	if (r->tcp_flags_mask != 0) {
		text_add(t, "%s", " flags");
		for (b = 0; b < 8; b++) {
			if (!(r->tcp_flags_mask & (1u << b)))
				continue;
			snprintf(num, sizeof(num), " %s%s",
				 (r->tcp_flags_value & (1u << b)) ? "" : "!", tcp_flag_names[b]);
			text_add(t, "%s", num);
		}
	}
}

static int
build_rule(const struct pg_conf_raw_acl_rule *raw, unsigned int li, unsigned int ri,
	   struct pg_conf_acl_rule *r, char *err)
{
	char path[80];
	uint8_t fam_src = 0, fam_dst = 0;
	unsigned long v;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->sport_hi = UINT16_MAX;
	r->dport_hi = UINT16_MAX;

	snprintf(path, sizeof(path), "acl[%u].rules[%u].action", li, ri);
	for (i = PG_ACL_ALLOW; i <= PG_ACL_COUNT; i++)
		if (strcmp(raw->action, pg_conf_acl_action_name((enum pg_acl_action)i)) == 0)
			break;
	if (i > PG_ACL_COUNT) {
		pg_conf_set_err(err, "%s: unknown action '%.32s' (allow, deny, count)",
				path, raw->action);
		return -1;
	}
	r->action = (uint8_t)i;

	if (raw->src != NULL) {
		snprintf(path, sizeof(path), "acl[%u].rules[%u].src", li, ri);
		if (parse_prefix(path, raw->src, r->src, &r->src_len, &fam_src, err) < 0)
			return -1;
	}
	if (raw->dst != NULL) {
		snprintf(path, sizeof(path), "acl[%u].rules[%u].dst", li, ri);
		if (parse_prefix(path, raw->dst, r->dst, &r->dst_len, &fam_dst, err) < 0)
			return -1;
	}
	if (fam_src != 0 && fam_dst != 0 && fam_src != fam_dst) {
		pg_conf_set_err(err, "%s: src is IPv%c but dst is IPv%c", path,
				fam_src == PG_ACL_FAMILY_IP4 ? '4' : '6',
				fam_dst == PG_ACL_FAMILY_IP4 ? '4' : '6');
		return -1;
	}
	r->families = fam_src | fam_dst;
	if (r->families == 0)
		r->families = PG_ACL_FAMILY_IP4 | PG_ACL_FAMILY_IP6;

	if (raw->proto != NULL) {
		snprintf(path, sizeof(path), "acl[%u].rules[%u].proto", li, ri);
		for (i = 0; i < DIM(proto_names); i++)
			if (strcmp(raw->proto, proto_names[i].name) == 0)
				break;
		if (i < DIM(proto_names)) {
			r->proto = proto_names[i].proto;
		} else if (pg_conf_parse_uint(raw->proto, &v) && v <= 255) {
			r->proto = (uint8_t)v;
		} else {
			pg_conf_set_err(err,
				"%s: '%.32s' is not a protocol (0..255, tcp, udp, icmp, icmpv6, sctp)",
				path, raw->proto);
			return -1;
		}
		r->has_proto = true;
	}

	if (raw->sport != NULL) {
		snprintf(path, sizeof(path), "acl[%u].rules[%u].sport", li, ri);
		if (parse_port_range(path, raw->sport, &r->sport_lo, &r->sport_hi, err) < 0)
			return -1;
	}
	if (raw->dport != NULL) {
		snprintf(path, sizeof(path), "acl[%u].rules[%u].dport", li, ri);
		if (parse_port_range(path, raw->dport, &r->dport_lo, &r->dport_hi, err) < 0)
			return -1;
	}
	if ((raw->sport != NULL || raw->dport != NULL) &&
	    (!r->has_proto || (r->proto != 6 && r->proto != 17 && r->proto != 132))) {
		pg_conf_set_err(err, "%s: a port match needs proto tcp, udp or sctp", path);
		return -1;
	}
	if (raw->flags != NULL) {
		snprintf(path, sizeof(path), "acl[%u].rules[%u].flags", li, ri);
		if (!r->has_proto || r->proto != 6) {
			pg_conf_set_err(err, "%s: TCP flags need proto tcp", path);
			return -1;
		}
		if (parse_flags(path, raw->flags, &r->tcp_flags_mask, &r->tcp_flags_value,
				err) < 0)
			return -1;
	}
	r->has_ports = raw->sport != NULL || raw->dport != NULL || raw->flags != NULL;
	rule_text(r, raw);
	return 0;
}

static int
build_list(const struct pg_conf_raw_acl *raw, unsigned int li, struct pg_conf *conf,
	   char *err)
{
	struct pg_conf_acl_list *l = &conf->acls[li];
	unsigned int j;
	int port;

	port = pg_conf_port_index(conf, raw->port);
	if (port < 0) {
		pg_conf_set_err(err, "acl[%u].port: unknown port '%.64s'", li, raw->port);
		return -1;
	}
	l->port = (uint16_t)port;
	l->dir = PG_ACL_IN;
	if (raw->direction != NULL && strcmp(raw->direction, "out") == 0) {
		l->dir = PG_ACL_OUT;
	} else if (raw->direction != NULL && strcmp(raw->direction, "in") != 0) {
		pg_conf_set_err(err, "acl[%u].direction: '%.32s' is not a direction (in, out)",
				li, raw->direction);
		return -1;
	}
	for (j = 0; j < li; j++) {
		if (conf->acls[j].port == l->port && conf->acls[j].dir == l->dir) {
			pg_conf_set_err(err,
				"acl[%u].port: a second '%s' list for port '%s' (also acl[%u])",
				li, l->dir == PG_ACL_IN ? "in" : "out", raw->port, j);
			return -1;
		}
	}
	l->def = PG_ACL_ALLOW;
	if (raw->def != NULL && strcmp(raw->def, "deny") == 0) {
		l->def = PG_ACL_DENY;
	} else if (raw->def != NULL && strcmp(raw->def, "allow") != 0) {
		pg_conf_set_err(err, "acl[%u].default: '%.32s' is not a default action (allow, deny)",
				li, raw->def);
		return -1;
	}
	if (raw->rules_count > PG_CONF_ACL_MAX_RULES) {
		pg_conf_set_err(err, "acl[%u].rules: too many rules (%u, max %u)",
				li, raw->rules_count, PG_CONF_ACL_MAX_RULES);
		return -1;
	}
	if (raw->rules_count == 0)
		return 0;
	l->rules = calloc(raw->rules_count, sizeof(*l->rules));
	if (l->rules == NULL) {
		pg_conf_set_err(err, "acl[%u].rules: out of memory", li);
		return -1;
	}
	for (j = 0; j < raw->rules_count; j++) {
		if (build_rule(&raw->rules[j], li, j, &l->rules[j], err) < 0)
			return -1;
		l->n_rules = j + 1;
		if (l->rules[j].action != PG_ACL_COUNT)
			continue;
		if (++l->n_count > PG_CONF_ACL_MAX_COUNT) {
			pg_conf_set_err(err,
				"acl[%u].rules[%u].action: too many count rules in one list (max %u)",
				li, j, PG_CONF_ACL_MAX_COUNT);
			return -1;
		}
	}
	return 0;
}

int
pg_conf_acl_build(const struct pg_conf_raw *raw, struct pg_conf *conf,
		  char err[PG_CONF_ERR_LEN])
{
	unsigned int i;

	if (raw->acl_count == 0)
		return 0;
	if (raw->acl_count > PG_CONF_ACL_MAX_LISTS) {
		pg_conf_set_err(err, "acl: too many lists (%u, max %u: one per port and direction)",
				raw->acl_count, PG_CONF_ACL_MAX_LISTS);
		return -1;
	}
	conf->acls = calloc(raw->acl_count, sizeof(*conf->acls));
	if (conf->acls == NULL) {
		pg_conf_set_err(err, "acl: out of memory");
		return -1;
	}
	for (i = 0; i < raw->acl_count; i++) {
		/* Counted first: pg_conf_free() frees a list's rules too. */
		conf->n_acls = i + 1;
		if (build_list(&raw->acl[i], i, conf, err) < 0)
			return -1;
	}
	return 0;
}
