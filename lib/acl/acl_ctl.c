/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Replacing the running lists (docs/architecture.md "Firewall"): build the
 * new set whole, publish it with one release store into the slot workers
 * read once per burst, wait until every worker has passed a quiescent
 * point (none can still hold the old set), then free the old set with its
 * counters. The same steps as the route table's (lib/ctl/fib.c txn_finish),
 * but with a fresh set each time: lists are small next to a route table
 * (10 000 rules build in well under a second, docs/perf/acl.md).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_rcu_qsbr.h>
#include <rte_vect.h>

#include "acl_private.h"

void
pg_acl_ctl_init(struct pg_acl_ctl *ctl, const struct pg_acl **slot,
		struct rte_rcu_qsbr *rcu, const struct pg_conf *conf,
		unsigned int n_lcores, int socket)
{
	ctl->slot = slot;
	ctl->rcu = rcu;
	ctl->conf = conf;
	ctl->n_lcores = n_lcores;
	ctl->socket = socket;
	pthread_mutex_init(&ctl->lock, NULL);
}

int
pg_acl_reload_conf(struct pg_acl_ctl *ctl, const struct pg_conf *conf,
		   char err[PG_CONF_ERR_LEN])
{
	struct pg_acl *acl, *old;
	unsigned int i;

	for (i = 0; i < conf->n_acls; i++) {
		if (conf->acls[i].port >= ctl->conf->n_ports) {
			snprintf(err, PG_CONF_ERR_LEN, "acl[%u].port: no such port", i);
			return -EINVAL;
		}
	}
	acl = pg_acl_build(conf, ctl->n_lcores, ctl->socket, err);
	if (acl == NULL && err[0] != '\0')
		return -EINVAL;

	pthread_mutex_lock(&ctl->lock);
	old = (struct pg_acl *)(uintptr_t)*ctl->slot;
	__atomic_store_n(ctl->slot, acl, __ATOMIC_RELEASE);
	if (ctl->rcu != NULL)
		rte_rcu_qsbr_synchronize(ctl->rcu, RTE_QSBR_THRID_INVALID);
	pthread_mutex_unlock(&ctl->lock);
	/* No worker holds it, and readers on control threads take the lock. */
	if (acl != NULL || old != NULL)
		ACL_LOG(INFO, "%u lists in place, classify method %s", conf->n_acls,
			pg_acl_alg_name());
	pg_acl_free(old);
	return 0;
}

int
pg_acl_reload(struct pg_acl_ctl *ctl, const char *path, char err[PG_CONF_ERR_LEN])
{
	struct pg_conf *conf;
	int ret;

	conf = pg_conf_acl_load(ctl->conf, path, err);
	if (conf == NULL)
		return -EINVAL;
	ret = pg_acl_reload_conf(ctl, conf, err);
	pg_conf_free(conf);
	return ret;
}

void
pg_acl_lock(struct pg_acl_ctl *ctl)
{
	pthread_mutex_lock(&ctl->lock);
}

void
pg_acl_unlock(struct pg_acl_ctl *ctl)
{
	pthread_mutex_unlock(&ctl->lock);
}

const struct pg_acl *
pg_acl_current(const struct pg_acl_ctl *ctl)
{
	return __atomic_load_n(ctl->slot, __ATOMIC_ACQUIRE);
}

unsigned int
pg_acl_n_lists(const struct pg_acl *acl)
{
	return acl == NULL ? 0 : acl->n_lists;
}

void
pg_acl_list_info(const struct pg_acl *acl, unsigned int list, struct pg_acl_list_info *info)
{
	const struct pg_acl_list *l = &acl->lists[list];

	info->port = l->port;
	info->dir = l->dir;
	info->def = l->def;
	info->n_rules = l->n_rules;
}

const char *
pg_acl_rule_text(const struct pg_acl *acl, unsigned int list, unsigned int rule)
{
	return acl->lists[list].text[rule];
}

enum pg_acl_action
pg_acl_rule_action(const struct pg_acl *acl, unsigned int list, unsigned int rule)
{
	return (enum pg_acl_action)acl->lists[list].action[rule + 1];
}

uint64_t
pg_acl_hits(const struct pg_acl *acl, unsigned int list, unsigned int rule)
{
	const struct pg_acl_list *l = &acl->lists[list];
	/* Counter 0 is the default's; rule k's is k + 1. */
	const uint32_t c = l->hits_off + (rule >= l->n_rules ? 0 : rule + 1);
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < acl->n_lcores; i++)
		sum += __atomic_load_n(&acl->hits[(size_t)i * acl->stride + c],
				       __ATOMIC_RELAXED);
	return sum;
}

/*
 * rte_acl_create() picks the widest method the CPU and the EAL's SIMD
 * limit (--force-max-simd-bitwidth, 256 by default on x86) allow; the
 * context does not tell, so repeat its choice.
 */
const char *
pg_acl_alg_name(void)
{
#ifdef RTE_ARCH_X86
	const uint16_t w = rte_vect_get_max_simd_bitwidth();

	if (w >= RTE_VECT_SIMD_512 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL))
		return "avx512x32";
	if (w >= RTE_VECT_SIMD_256 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2))
		return "avx2";
	if (w >= RTE_VECT_SIMD_128 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_1))
		return "sse";
#endif
	return "scalar";
}
