/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_JSON_H
#define PG_JSON_H

/**
 * @file
 * A JSON writer into a fixed buffer, for the control socket's replies: one
 * object per reply, members added in order, commas and escaping handled
 * here. No allocation; when the buffer is too small the writer stops and
 * sets @c overflow (the caller then answers with an error instead).
 *
 * Every function takes the member's key; pass NULL inside an array.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_JSON_MAX_DEPTH 8

struct pg_json {
	char *buf;
	size_t size;                    /**< bytes at buf */
	size_t len;                     /**< bytes written, buf[len] == '\0' */
	bool overflow;                  /**< something did not fit (or too deep) */
	unsigned int depth;
	bool has_member[PG_JSON_MAX_DEPTH]; /**< a comma is due before the next */
};

void pg_json_init(struct pg_json *j, char *buf, size_t size);
void pg_json_object_open(struct pg_json *j, const char *key);
void pg_json_object_close(struct pg_json *j);
void pg_json_array_open(struct pg_json *j, const char *key);
void pg_json_array_close(struct pg_json *j);
void pg_json_string(struct pg_json *j, const char *key, const char *val);
void pg_json_uint(struct pg_json *j, const char *key, uint64_t val);
void pg_json_int(struct pg_json *j, const char *key, int64_t val);
void pg_json_bool(struct pg_json *j, const char *key, bool val);

#endif /* PG_JSON_H */
