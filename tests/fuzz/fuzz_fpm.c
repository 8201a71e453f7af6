/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * libFuzzer target for the FPM decoder: the input is a byte stream as
 * zebra's socket would deliver it, cut into frames the way the listener
 * does. Built with -Dfuzz=true (tests/fuzz/README.md); seeds in
 * corpus/fpm/ (a next-hop object then a route using it, DEL+NEW in one
 * frame, an IPv6 route).
 */
#include <stddef.h>
#include <stdint.h>

#include "pg_fpm_parse.h"

static struct pg_fpm_route out[PG_FPM_MAX_OPS];

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct pg_fpm_parser p;
	char err[PG_FPM_ERR_LEN];
	size_t off = 0;

	pg_fpm_parser_init(&p);
	while (off < len) {
		unsigned int n;
		long flen = pg_fpm_frame_len(buf + off, len - off, err);

		if (flen <= 0)
			break;
		if (pg_fpm_parse_frame(&p, buf + off, (size_t)flen, out, PG_FPM_MAX_OPS,
				       &n, err) < 0)
			break;
		off += (size_t)flen;
	}
	pg_fpm_parser_fini(&p);
	return 0;
}
