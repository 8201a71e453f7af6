/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * libFuzzer target: the control-socket command parser and dispatch
 * (pg_cmd_parse, pg_cmd_dispatch). The input is one request line as the
 * server hands it over (up to the first NUL). Checks the contract: the
 * parser answers 0 with a known command or -1 with one non-empty line;
 * every reply is one JSON object on one line starting {"ok": , with no raw
 * control byte, within the buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_cmd: %s\n", what);
		abort();
	}
}

/* A handler for every command, echoing what was parsed. */
static int
echo(const struct pg_cmd *cmd, struct pg_json *out, char *err, size_t errlen, void *arg)
{
	(void)arg;
	if (cmd->type == PG_CMD_ACL_RELOAD) {
		snprintf(err, errlen, "%s: refused", cmd->path);
		return -1;
	}
	pg_json_uint(out, "prefix_len", cmd->prefix_len);
	pg_json_uint(out, "offset", cmd->offset);
	pg_json_string(out, "port", cmd->port);
	pg_json_string(out, "path", cmd->path);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char reply[PG_CMD_MAX_REPLY];
	struct pg_cmd_handlers h;
	char err[PG_CMD_ERR_LEN];
	struct pg_cmd cmd;
	unsigned int t;
	size_t n, i;
	char *line;
	int ret;

	line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';

	memset(err, 'x', sizeof(err));
	ret = pg_cmd_parse(line, &cmd, err, sizeof(err));
	if (ret == 0) {
		check(cmd.type < PG_CMD_MAX, "unknown command type");
		check(memchr(cmd.port, '\0', sizeof(cmd.port)) != NULL, "port name unterminated");
		check(memchr(cmd.path, '\0', sizeof(cmd.path)) != NULL, "path unterminated");
	} else {
		check(ret == -1, "error other than -1");
		check(strnlen(err, sizeof(err)) > 0 && strnlen(err, sizeof(err)) < sizeof(err),
		      "error message empty or unterminated");
		check(strchr(err, '\n') == NULL, "error message spans lines");
	}

	memset(&h, 0, sizeof(h));
	for (t = 0; t < PG_CMD_MAX; t += 2)   /* half available, half not */
		h.fn[t] = echo;
	h.fn[PG_CMD_ACL_RELOAD] = echo;
	n = pg_cmd_dispatch(&h, line, reply, sizeof(reply));
	check(n > 0 && n < sizeof(reply) && strlen(reply) == n, "reply length");
	check(strncmp(reply, "{\"ok\": ", 7) == 0, "reply does not start with {\"ok\": ");
	check(reply[n - 1] == '\n' && reply[n - 2] == '}', "reply does not end with }\\n");
	for (i = 0; i + 1 < n; i++)
		check((unsigned char)reply[i] >= 0x20 && (unsigned char)reply[i] < 0x80,
		      "raw control or non-ASCII byte in the reply");
	free(line);
	return 0;
}
