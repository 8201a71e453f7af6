/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CTL_RENDER_H
#define PG_CTL_RENDER_H

#include <stdio.h>

#include "json.h"

/*
 * The human view of an {"ok": true, ...} reply: scalars as aligned
 * "key value" lines, objects as indented blocks, arrays of small objects
 * (routes, neighbors, commands) as tables, arrays of wide objects (ports)
 * as one block per element. It knows no command: new reply fields show
 * up without a change here.
 */
void pg_ctl_render(const struct pg_jnode *reply, FILE *out);

#endif
