/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CMD_H
#define PG_CMD_H

/**
 * @file
 * Control commands: one text line (the words of `pktgate-ctl COMMAND...`)
 * -> a typed struct pg_cmd, and the dispatch of a parsed command to the
 * handler the application registered for it, producing the one-line JSON
 * reply. Plain libc, no DPDK and no I/O, so that every rule is unit-tested
 * and the parser can be fuzzed (docs/ctl.md has the grammar).
 *
 * Addresses of both families are parsed; IPv4 ones are kept in host byte
 * order like everywhere in pktgate (struct pg_conf), IPv6 ones as the 16
 * bytes in network order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg_json.h"

#define PG_CMD_MAX_LINE 4096     /**< longest request, newline included */
#define PG_CMD_NAME_LEN 32       /**< port name incl. NUL (= PG_CONF_NAME_LEN) */
#define PG_CMD_PATH_LEN 1024     /**< file name incl. NUL */
#define PG_CMD_ERR_LEN 256       /**< one error line incl. NUL */
#define PG_CMD_MAX_REPLY (64 * 1024) /**< longest reply, newline included */

enum pg_cmd_type {
	PG_CMD_ROUTE_ADD,        /**< route add PREFIX via GW [port NAME] [weight N] [via GW2 ...] | route add PREFIX port NAME */
	PG_CMD_ROUTE_DEL,        /**< route del PREFIX */
	PG_CMD_ROUTE_LIST,       /**< route list [OFFSET] */
	PG_CMD_NEIGHBOR_ADD,     /**< neighbor add IP MAC [port NAME] */
	PG_CMD_NEIGHBOR_DEL,     /**< neighbor del IP */
	PG_CMD_NEIGHBOR_LIST,    /**< neighbor list [OFFSET] */
	PG_CMD_ACL_RELOAD,       /**< acl reload FILE */
	PG_CMD_STATS,            /**< stats */
	PG_CMD_PORTS,            /**< ports */
	PG_CMD_CONFIG_CHECK,     /**< config check FILE */
	PG_CMD_HELP,             /**< help */
	PG_CMD_VERSION,          /**< version */
	PG_CMD_ROUTE_LOAD,       /**< route load FILE: many routes, one change */
	PG_CMD_MAX
};

/** An address of either family. */
/** Gateways of one ECMP route add (the table's PG_FIB_GROUP_MAX_MEMBERS). */
#define PG_CMD_MAX_VIA 32
#define PG_CMD_MAX_WEIGHT 256

struct pg_cmd_ip {
	int family;              /**< AF_INET or AF_INET6 */
	uint32_t v4;             /**< AF_INET: host byte order */
	uint8_t v6[16];          /**< AF_INET6: network byte order */
};

struct pg_cmd {
	enum pg_cmd_type type;
	struct pg_cmd_ip addr;   /**< route: the prefix's network; neighbor: its IP */
	uint8_t prefix_len;      /**< route add/del: 0..32 or 0..128 */
	bool has_via;            /**< route add ... via GW */
	struct pg_cmd_ip via;    /**< the first gateway */
	/** route add ... via GW via GW2 ...: every gateway, via first (ECMP) */
	uint8_t n_via;
	struct pg_cmd_ip vias[PG_CMD_MAX_VIA];
	/** each gateway's `port NAME` ("": none; a link-local one needs it)
	 * and `weight N` (1..256, default 1) */
	char via_port[PG_CMD_MAX_VIA][PG_CMD_NAME_LEN];
	uint16_t weight[PG_CMD_MAX_VIA];
	bool has_port;           /**< route add ... port NAME, neighbor add ... port NAME */
	char port[PG_CMD_NAME_LEN];
	uint8_t mac[6];          /**< neighbor add */
	uint32_t offset;         /**< route/neighbor list: first entry (default 0) */
	char path[PG_CMD_PATH_LEN]; /**< acl reload, config check: as given */
};

/**
 * Parse one request line. A trailing "\n" or "\r\n" is ignored; words are
 * separated by spaces or tabs; only printable ASCII is accepted.
 *
 * @return 0 with @p cmd filled, or -1 with @p err holding one line that
 *   starts with the command ("route add: ...") and names the bad word.
 */
int pg_cmd_parse(const char *line, struct pg_cmd *cmd, char *err, size_t errlen);

/** "route add", "stats", ... */
const char *pg_cmd_name(enum pg_cmd_type type);

/** The command's synopsis for help: "route add PREFIX via GW | ...". */
const char *pg_cmd_usage(enum pg_cmd_type type);

/**
 * Runs one command: adds the reply's members to @p out (an open object
 * that already holds "ok": true). Returns 0, or a negative errno with
 * @p err filled (without the command's name: dispatch puts it first).
 */
typedef int (*pg_cmd_handler_t)(const struct pg_cmd *cmd, struct pg_json *out,
				char *err, size_t errlen, void *arg);

/**
 * What the application can do. A NULL entry answers "<command>: not
 * available in this build". `help` is answered by dispatch itself.
 */
struct pg_cmd_handlers {
	pg_cmd_handler_t fn[PG_CMD_MAX];
	void *arg;                /**< passed to every handler */
};

/**
 * Parse @p line, run its handler and write the reply, one JSON object and
 * "\n", into @p buf: {"ok": true, ...} or {"ok": false, "error": "..."}.
 * A reply that does not fit becomes an error reply saying so.
 *
 * @param size  bytes at @p buf, at least 64
 * @return the reply's length (without the NUL written after it)
 */
size_t pg_cmd_dispatch(const struct pg_cmd_handlers *h, const char *line,
		       char *buf, size_t size);

/** The error reply for @p msg (as dispatch writes it); returns its length. */
size_t pg_cmd_error_reply(const char *msg, char *buf, size_t size);

#endif /* PG_CMD_H */
