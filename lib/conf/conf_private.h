/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CONF_PRIVATE_H
#define PG_CONF_PRIVATE_H

/*
 * Internals shared by conf.c (YAML -> raw document, error reporting) and
 * conf_validate.c (raw document -> validated struct pg_conf).
 */

#include <stdint.h>

#include "pg_conf.h"

/* Longest text form we accept for the inline route fields, see below. */
#define PG_CONF_RAW_PREFIX_LEN 50   /* longest IPv6 text (45) + "/128" + NUL */
#define PG_CONF_RAW_ADDR_LEN 46     /* longest IPv6 text + NUL */

/*
 * The document as libcyaml loads it. Every scalar is kept as the string
 * that was written, so that conf_validate.c can parse it strictly and say
 * exactly what is wrong with it (libcyaml's own integer parsing accepts
 * trailing junk such as "4 queues"). Optional keys are NULL when absent,
 * which keeps "not given" apart from "given but invalid".
 */
struct pg_conf_raw_port {
	char *name;
	char *device;
	char *ipv4;
	char *mac;          /* optional */
	char *rx_queues;    /* optional */
	char *rx_desc;      /* optional */
	char *tx_desc;      /* optional */
	char *ipv6;         /* optional */
	char *mtu;          /* optional */
	char *kernel_mirror;  /* optional */
	char *tap;          /* optional */
};

struct pg_conf_raw_neighbor {
	char *ip;
	char *mac;
	char *port;
};

/*
 * There may be millions of routes, so the two address fields live inline
 * instead of costing one malloc() each; over-long values are rejected by
 * libcyaml with a length error. Empty means "not given".
 */
struct pg_conf_raw_route {
	char prefix[PG_CONF_RAW_PREFIX_LEN];
	char via[PG_CONF_RAW_ADDR_LEN];
	char *port;         /* optional */
	char **vias;        /* optional: ECMP gateways */
	unsigned int vias_count;
};

struct pg_conf_raw_workers {
	char **lcores;
	unsigned int lcores_count;
	char *mode;         /* optional: rtc | pipeline */
	char *rx_lcores;    /* optional, pipeline only */
	char *ring_size;    /* optional, pipeline only */
};

struct pg_conf_raw_arp {
	char *dynamic;      /* optional: true | false */
	char *reachable;    /* optional, seconds */
	char *retry;        /* optional, seconds */
	char *probes;       /* optional */
	char *max_entries;  /* optional */
};

struct pg_conf_raw_control {
	char *socket;       /* optional */
	char *enabled;      /* optional: true | false */
};

struct pg_conf_raw_acl_rule {
	char *action;
	char *src;          /* optional, like the rest */
	char *dst;
	char *proto;
	char *sport;
	char *dport;
	char *flags;
};

struct pg_conf_raw_acl {
	char *port;
	char *direction;    /* optional: in (default) */
	char *def;          /* optional: allow (default) | deny; key 'default' */
	struct pg_conf_raw_acl_rule *rules;
	unsigned int rules_count;
};

struct pg_conf_raw_fpm {
	char *listen;           /* optional: "addr:port" */
	char *resync_quiet_ms;  /* optional */
	char *max_routes;       /* optional */
};

struct pg_conf_raw_icmp {
	char *rate;         /* optional */
	char *burst;        /* optional */
};

struct pg_conf_raw_punt {
	char *ring_size;    /* optional */
	char *backend;      /* optional: tap | virtio_user */
};

struct pg_conf_raw_limits {
	char *ipv4_tbl8_groups;       /* optional */
	char *ipv4_tbl8_groups_max;   /* optional */
	char *ipv4_ecmp_groups;       /* optional */
	char *ipv4_ecmp_group_members; /* optional */
	char *ipv6_ecmp_groups;       /* optional */
	char *ipv6_ecmp_group_members; /* optional */
};

struct pg_conf_raw {
	struct pg_conf_raw_port *ports;
	unsigned int ports_count;
	struct pg_conf_raw_neighbor *neighbors;
	unsigned int neighbors_count;
	struct pg_conf_raw_route *routes;
	unsigned int routes_count;
	struct pg_conf_raw_workers workers;
	struct pg_conf_raw_arp *arp;     /* optional */
	struct pg_conf_raw_control control;   /* optional: all NULL when absent */
	struct pg_conf_raw_acl *acl;
	unsigned int acl_count;
	struct pg_conf_raw_fpm *fpm;     /* optional */
	struct pg_conf_raw_icmp *icmp;   /* optional */
	struct pg_conf_raw_punt *punt;   /* optional */
	struct pg_conf_raw_limits *limits;   /* optional */
};

/*
 * Validate @p raw and fill @p conf (zeroed by the caller). On error, writes
 * one "path: reason" line to @p err and returns -1; whatever was allocated
 * into @p conf is left for pg_conf_free().
 */
int pg_conf_raw_build(const struct pg_conf_raw *raw, struct pg_conf *conf,
		      char err[PG_CONF_ERR_LEN]);

/* acl: lists (conf_acl.c); needs conf->ports filled. */
int pg_conf_acl_build(const struct pg_conf_raw *raw, struct pg_conf *conf,
		      char err[PG_CONF_ERR_LEN]);

/* Shared parsers of conf_validate.c. */
bool pg_conf_parse_ip4_prefix(const char *s, uint32_t *ip, unsigned int *len,
			      const char **why);
bool pg_conf_parse_uint(const char *s, unsigned long *v);

/* snprintf() into err, then flatten any line breaks: err is ONE line. */
void pg_conf_set_err(char err[PG_CONF_ERR_LEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* PG_CONF_PRIVATE_H */
