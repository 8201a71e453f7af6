/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CTLSOCK_H
#define PG_CTLSOCK_H

/**
 * @file
 * The control socket: a unix stream socket served by the control thread,
 * which calls pg_ctlsock_poll() on every tick. Nothing here blocks: poll()
 * with a zero timeout, non-blocking accept/read/send, per-client buffers,
 * bounded requests (PG_CMD_MAX_LINE) and replies (PG_CMD_MAX_REPLY), so a
 * slow or dead client costs nothing but its slot. One caller only (the
 * control thread): no locks. Protocol and commands: docs/ctl.md.
 */

#include <stddef.h>

#include "pg_cmd.h"

#define PG_CTLSOCK_MAX_CLIENTS 16
#define PG_CTLSOCK_IDLE_TIMEOUT_S 30   /**< a silent client is closed after this */

struct pg_ctlsock;

/**
 * Create the socket at @p path: its directory is made (0700) if missing,
 * the socket gets mode 0600, a stale socket file nobody listens on is
 * replaced; a live one, or a file that is not a socket, is an error.
 *
 * @param h  copied; requests are answered through it
 * @return the server, or NULL with @p err naming the path and the reason
 */
struct pg_ctlsock *pg_ctlsock_create(const char *path, const struct pg_cmd_handlers *h,
				     char *err, size_t errlen);

/** Accept, read, answer and write whatever is ready now; never waits. */
void pg_ctlsock_poll(struct pg_ctlsock *s);

/** Close every connection and remove the socket file (if still ours). */
void pg_ctlsock_free(struct pg_ctlsock *s);

#endif /* PG_CTLSOCK_H */
