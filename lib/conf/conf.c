/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * YAML -> struct pg_conf.
 *
 * libcyaml loads the document into the raw structures of conf_private.h
 * following the schema tables below (adding a key = one struct member and
 * one CYAML_FIELD_* line, plus its rule in conf_validate.c). libcyaml
 * reports problems through a log callback: we capture that text, turn it
 * into one "path: reason (line N)" line, and never print anything.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "conf_private.h"

/* Optional keys: absent or empty ("mac:") both load as NULL. */
#define OPT (CYAML_FLAG_POINTER_NULL | CYAML_FLAG_OPTIONAL)

static const cyaml_schema_field_t port_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER,
			struct pg_conf_raw_port, name, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("device", CYAML_FLAG_POINTER,
			struct pg_conf_raw_port, device, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv4", CYAML_FLAG_POINTER,
			struct pg_conf_raw_port, ipv4, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("mac", OPT,
			struct pg_conf_raw_port, mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("rx_queues", OPT,
			struct pg_conf_raw_port, rx_queues, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("rx_desc", OPT,
			struct pg_conf_raw_port, rx_desc, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("tx_desc", OPT,
			struct pg_conf_raw_port, tx_desc, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv6", OPT,
			struct pg_conf_raw_port, ipv6, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("mtu", OPT,
			struct pg_conf_raw_port, mtu, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("kernel_mirror", OPT,
			struct pg_conf_raw_port, kernel_mirror, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("tap", OPT,
			struct pg_conf_raw_port, tap, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t port_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pg_conf_raw_port,
			    port_fields),
};

static const cyaml_schema_field_t neighbor_fields[] = {
	CYAML_FIELD_STRING_PTR("ip", CYAML_FLAG_POINTER,
			struct pg_conf_raw_neighbor, ip, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("mac", CYAML_FLAG_POINTER,
			struct pg_conf_raw_neighbor, mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("port", CYAML_FLAG_POINTER,
			struct pg_conf_raw_neighbor, port, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t neighbor_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pg_conf_raw_neighbor,
			    neighbor_fields),
};

static const cyaml_schema_value_t via_schema = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t route_fields[] = {
	CYAML_FIELD_STRING("prefix", CYAML_FLAG_DEFAULT,
			struct pg_conf_raw_route, prefix, 0),
	CYAML_FIELD_STRING("via", CYAML_FLAG_OPTIONAL,
			struct pg_conf_raw_route, via, 0),
	CYAML_FIELD_STRING_PTR("port", OPT,
			struct pg_conf_raw_route, port, 0, CYAML_UNLIMITED),
	/* ECMP: libcyaml 1.3 reads a key as a scalar or as a list, never
	 * either, so the list of gateways has a key of its own. */
	CYAML_FIELD_SEQUENCE("vias", OPT, struct pg_conf_raw_route, vias, &via_schema,
			     0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t route_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pg_conf_raw_route,
			    route_fields),
};

static const cyaml_schema_value_t lcore_schema = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t workers_fields[] = {
	CYAML_FIELD_SEQUENCE("lcores", CYAML_FLAG_POINTER_NULL,
			struct pg_conf_raw_workers, lcores, &lcore_schema,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("mode", OPT,
			struct pg_conf_raw_workers, mode, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("rx_lcores", OPT,
			struct pg_conf_raw_workers, rx_lcores, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ring_size", OPT,
			struct pg_conf_raw_workers, ring_size, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t arp_fields[] = {
	CYAML_FIELD_STRING_PTR("dynamic", OPT, struct pg_conf_raw_arp, dynamic, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("reachable", OPT, struct pg_conf_raw_arp, reachable, 0,
			CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("retry_ms", OPT, struct pg_conf_raw_arp, retry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("probes", OPT, struct pg_conf_raw_arp, probes, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("max_entries", OPT, struct pg_conf_raw_arp, max_entries, 0,
			CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t control_fields[] = {
	CYAML_FIELD_STRING_PTR("socket", OPT,
			struct pg_conf_raw_control, socket, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("enabled", OPT,
			struct pg_conf_raw_control, enabled, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t acl_rule_fields[] = {
	CYAML_FIELD_STRING_PTR("action", CYAML_FLAG_POINTER,
			struct pg_conf_raw_acl_rule, action, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("src", OPT,
			struct pg_conf_raw_acl_rule, src, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("dst", OPT,
			struct pg_conf_raw_acl_rule, dst, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("proto", OPT,
			struct pg_conf_raw_acl_rule, proto, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("sport", OPT,
			struct pg_conf_raw_acl_rule, sport, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("dport", OPT,
			struct pg_conf_raw_acl_rule, dport, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("flags", OPT,
			struct pg_conf_raw_acl_rule, flags, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t acl_rule_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pg_conf_raw_acl_rule,
			    acl_rule_fields),
};

static const cyaml_schema_field_t acl_fields[] = {
	CYAML_FIELD_STRING_PTR("port", CYAML_FLAG_POINTER,
			struct pg_conf_raw_acl, port, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("direction", OPT,
			struct pg_conf_raw_acl, direction, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("default", OPT,
			struct pg_conf_raw_acl, def, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("rules", OPT,
			struct pg_conf_raw_acl, rules, &acl_rule_schema,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t acl_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pg_conf_raw_acl,
			    acl_fields),
};

static const cyaml_schema_field_t fpm_fields[] = {
	CYAML_FIELD_STRING_PTR("listen", OPT, struct pg_conf_raw_fpm, listen, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("resync_quiet_ms", OPT, struct pg_conf_raw_fpm, resync_quiet_ms,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("max_routes", OPT, struct pg_conf_raw_fpm, max_routes,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t icmp_fields[] = {
	CYAML_FIELD_STRING_PTR("rate", OPT,
			struct pg_conf_raw_icmp, rate, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("burst", OPT,
			struct pg_conf_raw_icmp, burst, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t punt_fields[] = {
	CYAML_FIELD_STRING_PTR("ring_size", OPT,
			struct pg_conf_raw_punt, ring_size, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("backend", OPT,
			struct pg_conf_raw_punt, backend, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t limits_fields[] = {
	CYAML_FIELD_STRING_PTR("ipv4_tbl8_groups", OPT,
			struct pg_conf_raw_limits, ipv4_tbl8_groups, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv4_tbl8_groups_max", OPT,
			struct pg_conf_raw_limits, ipv4_tbl8_groups_max, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv4_ecmp_groups", OPT,
			struct pg_conf_raw_limits, ipv4_ecmp_groups, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv4_ecmp_group_members", OPT,
			struct pg_conf_raw_limits, ipv4_ecmp_group_members, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv6_ecmp_groups", OPT,
			struct pg_conf_raw_limits, ipv6_ecmp_groups, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ipv6_ecmp_group_members", OPT,
			struct pg_conf_raw_limits, ipv6_ecmp_group_members, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

/*
 * Counts are checked in conf_validate.c rather than with the schema's
 * min/max so that the messages can say what the limit is about.
 */
static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_SEQUENCE("ports", CYAML_FLAG_POINTER_NULL,
			struct pg_conf_raw, ports, &port_schema,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("neighbors", OPT,
			struct pg_conf_raw, neighbors, &neighbor_schema,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("routes", OPT,
			struct pg_conf_raw, routes, &route_schema,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING("workers", CYAML_FLAG_DEFAULT,
			struct pg_conf_raw, workers, workers_fields),
	CYAML_FIELD_MAPPING_PTR("arp", OPT, struct pg_conf_raw, arp, arp_fields),
	CYAML_FIELD_MAPPING("control", CYAML_FLAG_OPTIONAL,
			struct pg_conf_raw, control, control_fields),
	CYAML_FIELD_SEQUENCE("acl", OPT,
			struct pg_conf_raw, acl, &acl_schema,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("fpm", OPT, struct pg_conf_raw, fpm, fpm_fields),
	CYAML_FIELD_MAPPING_PTR("icmp", OPT,
			struct pg_conf_raw, icmp, icmp_fields),
	CYAML_FIELD_MAPPING_PTR("punt", OPT,
			struct pg_conf_raw, punt, punt_fields),
	CYAML_FIELD_MAPPING_PTR("limits", OPT,
			struct pg_conf_raw, limits, limits_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t top_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct pg_conf_raw, top_fields),
};

/*
 * libcyaml grows a sequence with one realloc() per entry; with millions of
 * routes the copies and mremap() calls cost about a third of the load
 * time. Grow geometrically instead and let the following entries land in
 * the slack (libcyaml zeroes the new part itself).
 */
static void *
conf_mem(void *ctx, void *ptr, size_t size)
{
	size_t want;
	void *p;

	(void)ctx;
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	if (ptr == NULL)
		return malloc(size);
	if (size <= malloc_usable_size(ptr))
		return ptr;
	want = size + size / 2;
	p = want > size ? realloc(ptr, want) : NULL;
	return p != NULL ? p : realloc(ptr, size);
}

/* ---- capturing libcyaml's error report ---- */

#define MAX_FRAMES 16
#define MAX_PATH 16

enum frame_kind {
	FRAME_FIELD,            /* "in mapping field 'key'" */
	FRAME_ENTRY,            /* "in sequence entry 'n'" (1-based) */
	FRAME_MAPPING,          /* "in mapping", no current key */
};

struct frame {
	enum frame_kind kind;
	char key[32];
	unsigned long index;    /* FRAME_ENTRY: 0-based */
};

struct conf_log {
	char msg[PG_CONF_ERR_LEN];      /* first error, "Load: " stripped */
	bool in_backtrace;
	struct frame frames[MAX_FRAMES]; /* innermost first */
	unsigned int n_frames;
};

static void
conf_log_fn(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct conf_log *log = ctx;
	char line[PG_CONF_ERR_LEN];
	struct frame *f;
	unsigned long n;
	size_t len;

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(line, sizeof(line), fmt, args);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';

	if (strcmp(line, "Load: Backtrace:") == 0) {
		log->in_backtrace = true;
		return;
	}
	if (!log->in_backtrace) {
		if (log->msg[0] == '\0')
			snprintf(log->msg, sizeof(log->msg), "%s",
				 strncmp(line, "Load: ", 6) == 0 ?
				 line + 6 : line);
		return;
	}
	if (log->n_frames == MAX_FRAMES)
		return;
	f = &log->frames[log->n_frames];
	if (sscanf(line, "  in mapping field '%31[^']'", f->key) == 1) {
		f->kind = FRAME_FIELD;
	} else if (sscanf(line, "  in sequence entry '%lu'", &n) == 1 &&
		   n > 0) {
		/* libcyaml counts the entry before reading it. */
		f->kind = FRAME_ENTRY;
		f->index = n - 1;
	} else if (strncmp(line, "  in mapping ", 13) == 0) {
		f->kind = FRAME_MAPPING;
	} else {
		return;
	}
	log->n_frames++;
}

/* ---- paths such as "routes[3].via" ---- */

struct path_elem {
	const char *key;        /* NULL: a list index */
	size_t key_len;
	unsigned long index;
};

/* Outermost first; skips anonymous mappings. */
static unsigned int
frames_to_path(const struct conf_log *log, unsigned int skip,
	       struct path_elem *el, char *buf, size_t size)
{
	unsigned int i, n = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (i = log->n_frames; i > skip; i--) {
		const struct frame *f = &log->frames[i - 1];
		int w;

		if (f->kind == FRAME_MAPPING || n == MAX_PATH)
			continue;
		if (f->kind == FRAME_FIELD) {
			el[n].key = f->key;
			el[n].key_len = strlen(f->key);
			w = snprintf(buf + off, size - off, "%s%s",
				     off > 0 ? "." : "", f->key);
		} else {
			el[n].key = NULL;
			el[n].index = f->index;
			w = snprintf(buf + off, size - off, "[%lu]", f->index);
		}
		n++;
		if (w > 0 && (size_t)w < size - off)
			off += (size_t)w;
	}
	return n;
}

/* Parse the "path" part of "path: reason"; returns elements, 0 if none. */
static unsigned int
parse_path(const char *s, struct path_elem *el)
{
	unsigned int n = 0;
	char *end;

	while (*s != '\0' && *s != ':' && n < MAX_PATH) {
		if (*s == '[') {
			el[n].key = NULL;
			el[n].index = strtoul(s + 1, &end, 10);
			if (end == s + 1 || *end != ']')
				return 0;
			s = end + 1;
		} else {
			if (*s == '.')
				s++;
			el[n].key = s;
			el[n].key_len = strspn(s, "abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "0123456789_-");
			if (el[n].key_len == 0)
				return 0;
			s += el[n].key_len;
		}
		n++;
	}
	return *s == ':' ? n : 0;
}

/*
 * Line (1-based) of the node that @p el[0..n-1] names in the document,
 * re-reading it with libyaml: libcyaml does not tell where a bad key is,
 * and semantic errors are found after loading. When the last element is a
 * key, its @p nth occurrence is returned (nth = 2 finds a duplicate).
 * Returns 0 when not found.
 */
static unsigned long
yaml_locate(const char *yaml, size_t len, const struct path_elem *el,
	    unsigned int n, unsigned int nth)
{
	struct {
		bool is_map, want_key, on_path, key_match;
		unsigned long index;
	} st[32];
	unsigned int depth = 0, seen = 0;
	unsigned long found = 0;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	if (n == 0 || !yaml_parser_initialize(&parser))
		return 0;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
				     len);
	while (!done && yaml_parser_parse(&parser, &ev)) {
		bool child_on_path = false, is_node = true;
		unsigned long line = ev.start_mark.line + 1;

		switch (ev.type) {
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			is_node = false;
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			done = true;
			is_node = false;
			break;
		default:
			is_node = false;
			break;
		}
		if (is_node && depth == 0) {
			child_on_path = true;
		} else if (is_node) {
			unsigned int lvl = depth - 1;
			bool here = st[lvl].on_path && lvl < n;

			if (st[lvl].is_map && st[lvl].want_key) {
				st[lvl].want_key = false;
				st[lvl].key_match = here &&
					el[lvl].key != NULL &&
					ev.type == YAML_SCALAR_EVENT &&
					ev.data.scalar.length ==
						el[lvl].key_len &&
					memcmp(ev.data.scalar.value,
					       el[lvl].key,
					       el[lvl].key_len) == 0;
				if (st[lvl].key_match && lvl == n - 1 &&
				    ++seen == nth) {
					found = line;
					done = true;
				}
			} else if (st[lvl].is_map) {
				st[lvl].want_key = true;
				child_on_path = st[lvl].key_match;
			} else {
				unsigned long idx = st[lvl].index++;

				if (here && el[lvl].key == NULL &&
				    el[lvl].index == idx) {
					if (lvl == n - 1) {
						found = line;
						done = true;
					}
					child_on_path = true;
				}
			}
		}
		if (is_node && !done &&
		    (ev.type == YAML_SEQUENCE_START_EVENT ||
		     ev.type == YAML_MAPPING_START_EVENT)) {
			if (depth == sizeof(st) / sizeof(st[0])) {
				done = true;
			} else {
				st[depth].is_map =
					ev.type == YAML_MAPPING_START_EVENT;
				st[depth].want_key = true;
				st[depth].on_path = child_on_path;
				st[depth].key_match = false;
				st[depth].index = 0;
				depth++;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return found;
}

/* Append " (line N)" to err, cutting the reason short if need be. */
static void
err_add_line(char *err, unsigned long line)
{
	char suffix[32];
	size_t n, len;

	if (line == 0)
		return;
	n = (size_t)snprintf(suffix, sizeof(suffix), " (line %lu)", line);
	len = strlen(err);
	if (len + n >= PG_CONF_ERR_LEN)
		len = PG_CONF_ERR_LEN - 1 - n;
	memcpy(err + len, suffix, n + 1);
}

/* The mapping fields the schema allows at @p el, for "valid keys" hints. */
static const cyaml_schema_field_t *
schema_fields_at(const struct path_elem *el, unsigned int n)
{
	const cyaml_schema_value_t *v = &top_schema;
	const cyaml_schema_field_t *f;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (el[i].key == NULL && v->type == CYAML_SEQUENCE) {
			v = v->sequence.entry;
			continue;
		}
		if (el[i].key == NULL || v->type != CYAML_MAPPING)
			return NULL;
		for (f = v->mapping.fields; f->key != NULL; f++)
			if (strlen(f->key) == el[i].key_len &&
			    memcmp(f->key, el[i].key, el[i].key_len) == 0)
				break;
		if (f->key == NULL)
			return NULL;
		v = &f->value;
	}
	return v->type == CYAML_MAPPING ? v->mapping.fields : NULL;
}

/* libcyaml's names for what it wanted / what it got, in user terms. */
static const char *
cyaml_kind_str(const char *s)
{
	static const struct {
		const char *cyaml, *user;
	} names[] = {
		{ "STRING", "a single value" },
		{ "SCALAR", "a single value" },
		{ "MAPPING", "a mapping (key: value)" },
		{ "MAPPING_START", "a mapping (key: value)" },
		{ "SEQUENCE", "a list" },
		{ "SEQUENCE_START", "a list" },
		{ "ALIAS", "an alias" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].cyaml) == 0)
			return names[i].user;
	return s;
}

static void
yaml_syntax_error(const char *yaml, size_t len, const char *fallback,
		  char *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;

	if (!yaml_parser_initialize(&parser)) {
		pg_conf_set_err(err, "YAML syntax error: %s", fallback);
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
				     len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			pg_conf_set_err(err,
				"YAML syntax error%s%s: %s (line %zu, column %zu)",
				parser.context != NULL ? " " : "",
				parser.context != NULL ? parser.context : "",
				parser.problem != NULL ? parser.problem :
				fallback,
				parser.problem_mark.line + 1,
				parser.problem_mark.column + 1);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			pg_conf_set_err(err, "YAML syntax error: %s", fallback);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
}

/* Turn what libcyaml logged into err. */
static void
report_cyaml_error(const struct conf_log *log, cyaml_err_t cerr,
		   const char *yaml, size_t len, char *err)
{
	struct path_elem el[MAX_PATH + 1];
	char path[PG_CONF_ERR_LEN / 2], arg[96], arg2[64];
	const cyaml_schema_field_t *f;
	unsigned int n;
	unsigned long max;

	if (log->msg[0] == '\0') {
		pg_conf_set_err(err, "%s", cyaml_strerror(cerr));
		return;
	}

	if (sscanf(log->msg, "libyaml: %95[^\n]", arg) == 1) {
		yaml_syntax_error(yaml, len, arg, err);
		return;
	}

	if (sscanf(log->msg, "Unexpected key: %95[^\n]", arg) == 1) {
		char keys[128] = "";
		size_t off = 0;

		n = frames_to_path(log, 0, el, path, sizeof(path));
		f = schema_fields_at(el, n);
		for (; f != NULL && f->key != NULL; f++) {
			int w = snprintf(keys + off, sizeof(keys) - off,
					 "%s%s", off > 0 ? ", " : "", f->key);

			if (w < 0 || (size_t)w >= sizeof(keys) - off)
				break;
			off += (size_t)w;
		}
		el[n].key = arg;
		el[n].key_len = strlen(arg);
		if (n == 0)
			pg_conf_set_err(err, "unknown top-level key '%.64s'",
					arg);
		else
			pg_conf_set_err(err, "%s: unknown key '%.64s'", path,
					arg);
		err_add_line(err, yaml_locate(yaml, len, el, n + 1, 1));
		if (keys[0] != '\0') {
			size_t l = strlen(err);

			snprintf(err + l, PG_CONF_ERR_LEN - l,
				 "; valid keys: %s", keys);
		}
		return;
	}

	if (sscanf(log->msg, "Missing required mapping field: %95[^\n]",
		   arg) == 1) {
		/*
		 * Reported when the mapping ends; its innermost frame names
		 * the last key that was read, not the missing one.
		 */
		n = frames_to_path(log,
				   log->n_frames > 0 &&
				   log->frames[0].kind == FRAME_FIELD ? 1 : 0,
				   el, path, sizeof(path));
		pg_conf_set_err(err, "%s%s%s: required key is missing", path,
				n > 0 ? "." : "", arg);
		err_add_line(err, yaml_locate(yaml, len, el, n, 1));
		return;
	}

	n = frames_to_path(log, 0, el, path, sizeof(path));
	if (sscanf(log->msg, "Mapping field already seen: %95[^\n]",
		   arg) == 1) {
		pg_conf_set_err(err, "%s: duplicate key", path);
		err_add_line(err, yaml_locate(yaml, len, el, n, 2));
		return;
	}
	if (sscanf(log->msg, "Expecting %63s got event: %63s", arg,
		   arg2) == 2) {
		/* arg keeps the trailing ',' of "Expecting X," */
		arg[strcspn(arg, ",")] = '\0';
		pg_conf_set_err(err, "%s%sexpected %s, got %s", path,
				n > 0 ? ": " : "", cyaml_kind_str(arg),
				cyaml_kind_str(arg2));
	} else if (sscanf(log->msg, "STRING length > %lu: %95[^\n]", &max,
			  arg) == 2) {
		pg_conf_set_err(err,
				"%s: '%.64s' is too long (max %lu characters)",
				path, arg, max);
	} else if (sscanf(log->msg, "No anchor found for alias: '%63[^']",
			  arg) == 1) {
		pg_conf_set_err(err, "%s%sunknown alias '*%s'", path,
				n > 0 ? ": " : "", arg);
	} else {
		pg_conf_set_err(err, "%s%s%s", path, n > 0 ? ": " : "",
				log->msg);
	}
	err_add_line(err, yaml_locate(yaml, len, el, n, 1));
}

/* ---- public API ---- */

static bool
is_blank_document(const char *yaml, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool blank = false, done = false;

	if (len == 0)
		return true;
	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
				     len);
	/* Blank: the stream ends, or the first node is an empty scalar. */
	while (!done && yaml_parser_parse(&parser, &ev)) {
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			blank = true;
			done = true;
			break;
		case YAML_SCALAR_EVENT:
			blank = ev.data.scalar.length == 0;
			done = true;
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			break;
		default:
			done = true;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return blank;
}

/* What a document is loaded for: a whole config, or only its acl: key. */
struct conf_kind {
	const cyaml_schema_value_t *schema;
	int (*build)(const struct pg_conf_raw *raw, struct pg_conf *conf,
		     char err[PG_CONF_ERR_LEN]);
	const struct pg_conf *base;     /* acl only: the running ports */
	const char *blank_msg;
};

static struct pg_conf *conf_parse(const struct conf_kind *kind, const char *yaml,
				  size_t len, char err[PG_CONF_ERR_LEN]);

struct pg_conf *
pg_conf_parse(const char *yaml, size_t len, char err[PG_CONF_ERR_LEN])
{
	static const struct conf_kind whole = {
		.schema = &top_schema,
		.build = pg_conf_raw_build,
		.blank_msg = "empty config: expected a mapping with at least 'ports' and 'workers'",
	};

	return conf_parse(&whole, yaml, len, err);
}

/*
 * The acl-only schema: `acl` required, every other top-level key of the
 * full schema skipped unread, so a full config file reloads its ACL and a
 * key misspelt at the top still fails. Built from top_fields once.
 */
static cyaml_schema_field_t acl_only_fields[sizeof(top_fields) / sizeof(top_fields[0])];
static const cyaml_schema_value_t acl_only_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct pg_conf_raw, acl_only_fields),
};

static void
acl_only_init(void)
{
	unsigned int i;

	for (i = 0; top_fields[i].key != NULL; i++) {
		acl_only_fields[i] = top_fields[i];
		if (strcmp(top_fields[i].key, "acl") == 0) {
			acl_only_fields[i].value.flags &= ~(cyaml_flag_e)CYAML_FLAG_OPTIONAL;
			continue;
		}
		acl_only_fields[i].value.type = CYAML_IGNORE;
		acl_only_fields[i].value.flags = CYAML_FLAG_OPTIONAL;
	}
	memset(&acl_only_fields[i], 0, sizeof(acl_only_fields[i]));
}

static int
acl_only_build(const struct pg_conf_raw *raw, struct pg_conf *conf,
	       char err[PG_CONF_ERR_LEN])
{
	return pg_conf_acl_build(raw, conf, err);
}

struct pg_conf *
pg_conf_acl_parse(const struct pg_conf *base, const char *yaml, size_t len,
		  char err[PG_CONF_ERR_LEN])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const struct conf_kind acl_only = {
		.schema = &acl_only_schema,
		.build = acl_only_build,
		.base = base,
		.blank_msg = "empty file: expected a mapping with an 'acl' key",
	};

	pthread_once(&once, acl_only_init);
	return conf_parse(&acl_only, yaml, len, err);
}

static struct pg_conf *
conf_parse(const struct conf_kind *kind, const char *yaml, size_t len,
	   char err[PG_CONF_ERR_LEN])
{
	struct conf_log log;
	cyaml_config_t cfg = {
		.log_fn = conf_log_fn,
		.log_ctx = &log,
		.mem_fn = conf_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_DEFAULT,
	};
	struct pg_conf_raw *raw = NULL;
	char scratch[PG_CONF_ERR_LEN];
	struct path_elem el[MAX_PATH];
	struct pg_conf *conf;
	cyaml_err_t cerr;
	int ret;

	if (err == NULL)
		err = scratch;
	err[0] = '\0';
	if (yaml == NULL)
		len = 0;
	memset(&log, 0, sizeof(log));

	if (is_blank_document(yaml, len)) {
		pg_conf_set_err(err, "%s", kind->blank_msg);
		return NULL;
	}
	cerr = cyaml_load_data((const uint8_t *)yaml, len, &cfg, kind->schema,
			       (cyaml_data_t **)&raw, NULL);
	if (cerr != CYAML_OK) {
		report_cyaml_error(&log, cerr, yaml, len, err);
		return NULL;
	}

	conf = calloc(1, sizeof(*conf));
	if (conf == NULL) {
		pg_conf_set_err(err, "out of memory");
		cyaml_free(&cfg, kind->schema, raw, 0);
		return NULL;
	}
	if (kind->base != NULL) {
		memcpy(conf->ports, kind->base->ports, sizeof(conf->ports));
		conf->n_ports = kind->base->n_ports;
	}
	ret = kind->build(raw, conf, err);
	/* Free the raw copy first: with many routes it is the larger one. */
	cyaml_free(&cfg, kind->schema, raw, 0);
	if (ret < 0) {
		unsigned long line = 0;
		unsigned int n;

		pg_conf_free(conf);
		/* A key reached through an alias is not in the text: use
		 * the nearest enclosing node that is. */
		for (n = parse_path(err, el); n > 0 && line == 0; n--)
			line = yaml_locate(yaml, len, el, n, 1);
		err_add_line(err, line);
		return NULL;
	}
	return conf;
}

static struct pg_conf *
conf_load(const struct pg_conf *acl_base, const char *path, char err[PG_CONF_ERR_LEN])
{
	char inner[PG_CONF_ERR_LEN], scratch[PG_CONF_ERR_LEN];
	size_t len = 0, size = 64 * 1024;
	struct pg_conf *conf;
	char *buf, *p;
	FILE *f;

	if (err == NULL)
		err = scratch;
	f = fopen(path, "rb");
	if (f == NULL) {
		pg_conf_set_err(err, "%s: cannot open: %s", path,
				strerror(errno));
		return NULL;
	}
	buf = malloc(size);
	while (buf != NULL) {
		len += fread(buf + len, 1, size - len, f);
		if (len < size)
			break;
		size *= 2;
		p = realloc(buf, size);
		if (p == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = p;
	}
	if (buf == NULL || ferror(f)) {
		pg_conf_set_err(err, "%s: cannot read: %s", path,
				buf == NULL ? "out of memory" :
				strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);

	conf = acl_base != NULL ? pg_conf_acl_parse(acl_base, buf, len, inner) :
				  pg_conf_parse(buf, len, inner);
	free(buf);
	if (conf == NULL)
		pg_conf_set_err(err, "%s: %s", path, inner);
	return conf;
}

struct pg_conf *
pg_conf_load(const char *path, char err[PG_CONF_ERR_LEN])
{
	return conf_load(NULL, path, err);
}

struct pg_conf *
pg_conf_acl_load(const struct pg_conf *base, const char *path, char err[PG_CONF_ERR_LEN])
{
	return conf_load(base, path, err);
}

void
pg_conf_free(struct pg_conf *conf)
{
	unsigned int i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->n_acls; i++)
		free(conf->acls[i].rules);
	free(conf->acls);
	free(conf->neighbors);
	free(conf->routes);
	free(conf->ecmp);
	free(conf->ecmp6);
	free(conf->neighbors6);
	free(conf->routes6);
	free(conf);
}

int
pg_conf_check_runtime(const struct pg_conf *conf,
		      bool (*lcore_enabled)(unsigned int lcore),
		      unsigned int main_lcore,
		      bool (*device_exists)(const char *device),
		      char err[PG_CONF_ERR_LEN])
{
	char scratch[PG_CONF_ERR_LEN];
	unsigned int i;

	if (err == NULL)
		err = scratch;
	err[0] = '\0';
	for (i = 0; i < conf->n_workers; i++) {
		unsigned int l = conf->worker_lcores[i];

		if (lcore_enabled != NULL && !lcore_enabled(l)) {
			pg_conf_set_err(err,
				"workers.lcores[%u]: lcore %u is not enabled in EAL (use -l/--lcores)",
				i, l);
			return -EINVAL;
		}
		if (l == main_lcore) {
			pg_conf_set_err(err,
				"workers.lcores[%u]: lcore %u is the main lcore (the control thread); pick another",
				i, l);
			return -EINVAL;
		}
	}
	for (i = 0; i < conf->n_ports; i++) {
		const struct pg_conf_port *p = &conf->ports[i];

		if (device_exists != NULL && !device_exists(p->device)) {
			pg_conf_set_err(err,
				"ports[%u].device: unknown DPDK device '%s' (missing --vdev or PCI device?)",
				i, p->device);
			return -EINVAL;
		}
		/* Each RX lcore polls one queue; extra queues would starve. */
		if (p->rx_queues > pg_conf_n_rx_lcores(conf)) {
			pg_conf_set_err(err,
				"ports[%u].rx_queues: %u queues but only %u %s",
				i, p->rx_queues, pg_conf_n_rx_lcores(conf),
				conf->mode == PG_MODE_PIPELINE ? "RX lcores" : "workers");
			return -EINVAL;
		}
	}
	return 0;
}

int
pg_conf_port_index(const struct pg_conf *conf, const char *name)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++)
		if (strcmp(conf->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
pg_conf_ip4_str(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

const char *
pg_conf_ip6_str(const uint8_t ip[16], char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, ip, tmp, sizeof(tmp)) == NULL)
		tmp[0] = '\0';
	snprintf(buf, len, "%s", tmp);
	return buf;
}

void
pg_conf_ip6_link_local(const uint8_t mac[6], uint8_t ip[16])
{
	memset(ip, 0, 16);
	ip[0] = 0xfe;
	ip[1] = 0x80;
	ip[8] = mac[0] ^ 0x02;     /* the universal/local bit, inverted */
	ip[9] = mac[1];
	ip[10] = mac[2];
	ip[11] = 0xff;
	ip[12] = 0xfe;
	ip[13] = mac[3];
	ip[14] = mac[4];
	ip[15] = mac[5];
}

const char *
pg_conf_mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
