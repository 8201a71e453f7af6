/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_ACL_H
#define PG_ACL_H

/**
 * @file
 * The firewall, control side: rule lists from the config built into
 * rte_acl contexts (one IPv4 and one IPv6 context per list), per-lcore hit
 * counters, and the live reload that swaps a whole new set in behind
 * rte_rcu_qsbr (docs/architecture.md "Firewall"). The fast path is in
 * pg_acl_worker.h.
 *
 * A built set never changes: a reload builds a new one completely (any
 * error leaves the running one alone), publishes it with one release store,
 * waits for a grace period and frees the old one with its counters. Hit
 * counters therefore start from zero after a reload.
 */

#include <pthread.h>
#include <stdint.h>

#include "pg_conf.h"

struct rte_rcu_qsbr;
struct pg_acl;

/**
 * Build the lists of @p conf. @p n_lcores counter slots are allocated (one
 * per worker index, each on its own cache lines).
 *
 * @return the set; NULL with @p err filled on error. A config without
 *   lists gives NULL with err empty: nothing to filter.
 */
struct pg_acl *pg_acl_build(const struct pg_conf *conf, unsigned int n_lcores, int socket,
			    char err[PG_CONF_ERR_LEN]);

void pg_acl_free(struct pg_acl *acl);

/** Where the running set lives and how to replace it. */
struct pg_acl_ctl {
	const struct pg_acl **slot;     /**< what workers read (&pg_fwd_ctx.acl) */
	struct rte_rcu_qsbr *rcu;       /**< NULL: no concurrent readers (tests) */
	const struct pg_conf *conf;     /**< the running config: ports by name */
	unsigned int n_lcores;
	int socket;
	pthread_mutex_t lock;           /**< reload vs readers on other control threads */
};

void pg_acl_ctl_init(struct pg_acl_ctl *ctl, const struct pg_acl **slot,
		     struct rte_rcu_qsbr *rcu, const struct pg_conf *conf,
		     unsigned int n_lcores, int socket);

/**
 * Replace the running lists with those of @p conf (its `acl:` lists; its
 * ports must be the running ones). Builds first: on error nothing changes.
 * Then publishes, waits for every worker to pass a quiescent point and
 * frees the old set.
 *
 * @return 0, or a negative errno with @p err naming the field.
 */
int pg_acl_reload_conf(struct pg_acl_ctl *ctl, const struct pg_conf *conf,
		       char err[PG_CONF_ERR_LEN]);

/**
 * The same from the `acl:` key of the YAML file at @p path (a full config
 * or an acl-only file, see pg_conf_acl_load()). For the control socket's
 * `acl reload FILE`.
 */
int pg_acl_reload(struct pg_acl_ctl *ctl, const char *path, char err[PG_CONF_ERR_LEN]);

/* ---- read side for telemetry (under pg_acl_ctl.lock) ---- */

void pg_acl_lock(struct pg_acl_ctl *ctl);
void pg_acl_unlock(struct pg_acl_ctl *ctl);

/** The running set (call under the lock); NULL when there are no lists. */
const struct pg_acl *pg_acl_current(const struct pg_acl_ctl *ctl);

unsigned int pg_acl_n_lists(const struct pg_acl *acl);

/** One list as configured. */
struct pg_acl_list_info {
	uint16_t port;
	uint8_t dir;                   /**< enum pg_acl_dir */
	uint8_t def;                   /**< default action */
	unsigned int n_rules;
};

void pg_acl_list_info(const struct pg_acl *acl, unsigned int list,
		      struct pg_acl_list_info *info);

/** Text and action of rule @p rule of @p list. */
const char *pg_acl_rule_text(const struct pg_acl *acl, unsigned int list, unsigned int rule);
enum pg_acl_action pg_acl_rule_action(const struct pg_acl *acl, unsigned int list,
				      unsigned int rule);

/**
 * Hits summed over lcores: @p rule < n_rules for a rule, n_rules for the
 * packets that matched no terminal rule (the default action's).
 */
uint64_t pg_acl_hits(const struct pg_acl *acl, unsigned int list, unsigned int rule);

/** Which rte_acl classify method runs ("avx2", "sse", "scalar", ...). */
const char *pg_acl_alg_name(void);

#endif /* PG_ACL_H */
