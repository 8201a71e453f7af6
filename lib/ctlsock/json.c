/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pg_json.h"

void
pg_json_init(struct pg_json *j, char *buf, size_t size)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->size = size;
	if (size > 0)
		buf[0] = '\0';
	else
		j->overflow = true;
}

static void
put(struct pg_json *j, const char *s, size_t n)
{
	if (j->overflow)
		return;
	if (n >= j->size - j->len) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
puts_(struct pg_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Bytes that JSON does not allow raw are escaped; bytes >= 0x80 too, so
 * that a reply is valid UTF-8 whatever a user typed. */
static void
put_string(struct pg_json *j, const char *s)
{
	const unsigned char *p;
	char esc[8];

	put(j, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0' && !j->overflow; p++) {
		size_t run = 0;

		while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > 0) {
			put(j, (const char *)p, run);
			p += run - 1;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(j, esc, 2);
		} else if (*p == '\n') {
			put(j, "\\n", 2);
		} else if (*p == '\t') {
			put(j, "\\t", 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put(j, esc, 6);
		}
	}
	put(j, "\"", 1);
}

/* Comma and key before a member. */
static void
member(struct pg_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_member[j->depth - 1])
			put(j, ", ", 2);
		j->has_member[j->depth - 1] = true;
	}
	if (key != NULL) {
		put_string(j, key);
		put(j, ": ", 2);
	}
}

static void
open_(struct pg_json *j, const char *key, const char *bracket)
{
	member(j, key);
	if (j->depth == PG_JSON_MAX_DEPTH) {
		j->overflow = true;
		return;
	}
	j->has_member[j->depth++] = false;
	puts_(j, bracket);
}

static void
close_(struct pg_json *j, const char *bracket)
{
	if (j->depth == 0) {
		j->overflow = true;
		return;
	}
	j->depth--;
	puts_(j, bracket);
}

void
pg_json_object_open(struct pg_json *j, const char *key)
{
	open_(j, key, "{");
}

void
pg_json_object_close(struct pg_json *j)
{
	close_(j, "}");
}

void
pg_json_array_open(struct pg_json *j, const char *key)
{
	open_(j, key, "[");
}

void
pg_json_array_close(struct pg_json *j)
{
	close_(j, "]");
}

void
pg_json_string(struct pg_json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j, val);
}

void
pg_json_uint(struct pg_json *j, const char *key, uint64_t val)
{
	char num[24];

	member(j, key);
	snprintf(num, sizeof(num), "%" PRIu64, val);
	puts_(j, num);
}

void
pg_json_int(struct pg_json *j, const char *key, int64_t val)
{
	char num[24];

	member(j, key);
	snprintf(num, sizeof(num), "%" PRId64, val);
	puts_(j, num);
}

void
pg_json_bool(struct pg_json *j, const char *key, bool val)
{
	member(j, key);
	puts_(j, val ? "true" : "false");
}
