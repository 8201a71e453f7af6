/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Request line -> reply line: parse, look the handler up, wrap what it
 * wrote in {"ok": true, ...} or turn its error into {"ok": false, ...}.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pg_cmd.h"

size_t
pg_cmd_error_reply(const char *msg, char *buf, size_t size)
{
	struct pg_json j;

	pg_json_init(&j, buf, size - 1);
	pg_json_object_open(&j, NULL);
	pg_json_bool(&j, "ok", false);
	pg_json_string(&j, "error", msg);
	pg_json_object_close(&j);
	if (j.overflow) {
		/* Only with a tiny buffer: say so rather than cut the JSON. */
		pg_json_init(&j, buf, size - 1);
		pg_json_object_open(&j, NULL);
		pg_json_bool(&j, "ok", false);
		pg_json_string(&j, "error", "error message too long");
		pg_json_object_close(&j);
	}
	buf[j.len] = '\n';
	buf[j.len + 1] = '\0';
	return j.len + 1;
}

/* help lists every command and whether this build can run it. */
static void
help(const struct pg_cmd_handlers *h, struct pg_json *out)
{
	unsigned int t;

	pg_json_array_open(out, "commands");
	for (t = 0; t < PG_CMD_MAX; t++) {
		pg_json_object_open(out, NULL);
		pg_json_string(out, "usage", pg_cmd_usage((enum pg_cmd_type)t));
		pg_json_bool(out, "available", t == PG_CMD_HELP || h->fn[t] != NULL);
		pg_json_object_close(out);
	}
	pg_json_array_close(out);
}

size_t
pg_cmd_dispatch(const struct pg_cmd_handlers *h, const char *line, char *buf, size_t size)
{
	char err[PG_CMD_ERR_LEN], msg[PG_CMD_ERR_LEN + 64];
	struct pg_cmd cmd;
	struct pg_json out;
	int ret;

	if (pg_cmd_parse(line, &cmd, err, sizeof(err)) != 0)
		return pg_cmd_error_reply(err, buf, size);
	if (cmd.type != PG_CMD_HELP && h->fn[cmd.type] == NULL) {
		snprintf(msg, sizeof(msg), "%s: not available in this build",
			 pg_cmd_name(cmd.type));
		return pg_cmd_error_reply(msg, buf, size);
	}
	/* One byte kept back for the newline. */
	pg_json_init(&out, buf, size - 1);
	pg_json_object_open(&out, NULL);
	pg_json_bool(&out, "ok", true);
	err[0] = '\0';
	if (cmd.type == PG_CMD_HELP) {
		help(h, &out);
		ret = 0;
	} else {
		ret = h->fn[cmd.type](&cmd, &out, err, sizeof(err), h->arg);
	}
	if (ret != 0) {
		snprintf(msg, sizeof(msg), "%s: %s", pg_cmd_name(cmd.type),
			 err[0] != '\0' ? err : strerror(ret < 0 ? -ret : ret));
		return pg_cmd_error_reply(msg, buf, size);
	}
	pg_json_object_close(&out);
	if (out.overflow) {
		snprintf(msg, sizeof(msg), "%s: reply too large (max %zu bytes)",
			 pg_cmd_name(cmd.type), size);
		return pg_cmd_error_reply(msg, buf, size);
	}
	buf[out.len] = '\n';
	buf[out.len + 1] = '\0';
	return out.len + 1;
}
