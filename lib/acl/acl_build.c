/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * Config lists -> rte_acl contexts, on the control thread.
 *
 * Field layout (DPDK ACL guide: the first field is one byte and is read on
 * its own; after it the classifier reads groups of 4 consecutive bytes, one
 * group per input_index, each at the offset of the group's first field).
 * The input is the L3 header itself, so no per-packet copy is needed:
 *
 * IPv4, offsets from the IPv4 header (options removed, see
 * pg_acl_ip4_flatten()):
 *   proto      9  1 byte  bitmask  input 0
 *   src       12  4       mask     input 1
 *   dst       16  4       mask     input 2
 *   sport     20  2       range    input 3
 *   dport     22  2       range    input 3
 *   frag       6  4       bitmask  input 4  (flags+offset, TTL, proto)
 *   tcp flags 32  4       bitmask  input 5  (data offset, flags, window)
 * A rule that looks at the L4 header (ports, flags) also asks for fragment
 * offset 0: a non-first fragment has no L4 header and never matches it.
 *
 * IPv6, offsets from the IPv6 header (no extension headers walked):
 *   proto (next header) 6; src 8..23 and dst 24..39 as four 4-byte masks
 *   each; sport 40, dport 42; tcp flags 52.
 *
 * Values are given in host order; rte_acl reads the packet in network order.
 */

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "acl_private.h"

RTE_LOG_REGISTER_SUFFIX(pg_acl_logtype, acl, INFO);

enum { F4_PROTO, F4_SRC, F4_DST, F4_SPORT, F4_DPORT, F4_FRAG, F4_FLAGS, F4_NUM };
enum {
	F6_PROTO, F6_SRC0, F6_SRC1, F6_SRC2, F6_SRC3, F6_DST0, F6_DST1, F6_DST2, F6_DST3,
	F6_SPORT, F6_DPORT, F6_FLAGS, F6_NUM
};

RTE_ACL_RULE_DEF(acl4_rule, F4_NUM);
RTE_ACL_RULE_DEF(acl6_rule, F6_NUM);

#define FIELD(t, sz, f, in, off) \
	{ .type = RTE_ACL_FIELD_TYPE_##t, .size = (sz), .field_index = (f), \
	  .input_index = (in), .offset = (off) }

static const struct rte_acl_field_def defs4[F4_NUM] = {
	FIELD(BITMASK, 1, F4_PROTO, 0, 9),
	FIELD(MASK, 4, F4_SRC, 1, 12),
	FIELD(MASK, 4, F4_DST, 2, 16),
	FIELD(RANGE, 2, F4_SPORT, 3, 20),
	FIELD(RANGE, 2, F4_DPORT, 3, 22),
	FIELD(BITMASK, 4, F4_FRAG, 4, 6),
	FIELD(BITMASK, 4, F4_FLAGS, 5, 32),
};

static const struct rte_acl_field_def defs6[F6_NUM] = {
	FIELD(BITMASK, 1, F6_PROTO, 0, 6),
	FIELD(MASK, 4, F6_SRC0, 1, 8),
	FIELD(MASK, 4, F6_SRC1, 2, 12),
	FIELD(MASK, 4, F6_SRC2, 3, 16),
	FIELD(MASK, 4, F6_SRC3, 4, 20),
	FIELD(MASK, 4, F6_DST0, 5, 24),
	FIELD(MASK, 4, F6_DST1, 6, 28),
	FIELD(MASK, 4, F6_DST2, 7, 32),
	FIELD(MASK, 4, F6_DST3, 8, 36),
	FIELD(RANGE, 2, F6_SPORT, 9, 40),
	FIELD(RANGE, 2, F6_DPORT, 9, 42),
	FIELD(BITMASK, 4, F6_FLAGS, 10, 52),
};

static_assert(PG_ACL_IP4_INPUT >= 32 + 4, "IPv4 input covers the flags group");
static_assert(PG_ACL_IP6_INPUT >= 52 + 4, "IPv6 input covers the flags group");
static_assert(F4_PROTO == 0 && F6_PROTO == 0, "rule_head() fills field 0");

#define IP4_FRAG_OFFSET_MASK 0x1fff0000u   /* in the host-order frag group */

/* rte_acl contexts are looked up by name: every one needs its own. */
static unsigned int ctx_seq;

static uint32_t
be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

static void
set_l4(struct rte_acl_field *sport, struct rte_acl_field *dport,
       struct rte_acl_field *flags, const struct pg_conf_acl_rule *r)
{
	sport->value.u16 = r->sport_lo;
	sport->mask_range.u16 = r->sport_hi;
	dport->value.u16 = r->dport_lo;
	dport->mask_range.u16 = r->dport_hi;
	flags->value.u32 = (uint32_t)r->tcp_flags_value << 16;
	flags->mask_range.u32 = (uint32_t)r->tcp_flags_mask << 16;
}

/*
 * What both layouts share: priority from the position, userdata k + 1, the
 * category, and the protocol as field 0. The rule buffer comes zeroed.
 */
static void
rule_head(struct rte_acl_rule *a, const struct pg_conf_acl_rule *r, unsigned int k,
	  uint32_t category)
{
	a->data.category_mask = 1u << category;
	a->data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - k);
	a->data.userdata = k + 1;
	a->field[0].value.u8 = r->proto;
	a->field[0].mask_range.u8 = r->has_proto ? 0xff : 0;
}

static void
rule4(struct acl4_rule *a, const struct pg_conf_acl_rule *r, unsigned int k, uint32_t cat)
{
	rule_head((struct rte_acl_rule *)a, r, k, cat);
	a->field[F4_SRC].value.u32 = be32_at(r->src);
	a->field[F4_SRC].mask_range.u32 = r->src_len;
	a->field[F4_DST].value.u32 = be32_at(r->dst);
	a->field[F4_DST].mask_range.u32 = r->dst_len;
	a->field[F4_FRAG].mask_range.u32 = r->has_ports ? IP4_FRAG_OFFSET_MASK : 0;
	set_l4(&a->field[F4_SPORT], &a->field[F4_DPORT], &a->field[F4_FLAGS], r);
}

/* A /len over 128 bits as four /len's over 32. */
static void
mask128(struct rte_acl_field *f, const uint8_t addr[16], unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		const unsigned int l = len > 32 * i ? len - 32 * i : 0;

		f[i].value.u32 = be32_at(addr + 4 * i);
		f[i].mask_range.u32 = l > 32 ? 32 : l;
	}
}

static void
rule6(struct acl6_rule *a, const struct pg_conf_acl_rule *r, unsigned int k, uint32_t cat)
{
	rule_head((struct rte_acl_rule *)a, r, k, cat);
	mask128(&a->field[F6_SRC0], r->src, r->src_len);
	mask128(&a->field[F6_DST0], r->dst, r->dst_len);
	set_l4(&a->field[F6_SPORT], &a->field[F6_DPORT], &a->field[F6_FLAGS], r);
}

/*
 * One context for the rules of @p family in @p cl; *out stays NULL when
 * there is none. Rule k's category: 0 for allow/deny, its own for count.
 */
static int
build_ctx(const struct pg_conf_acl_list *cl, uint32_t categories, uint8_t family,
	  int socket, struct rte_acl_ctx **out, char *err)
{
	const bool v4 = family == PG_ACL_FAMILY_IP4;
	const size_t rsz = v4 ? sizeof(struct acl4_rule) : sizeof(struct acl6_rule);
	struct rte_acl_config cfg;
	struct rte_acl_param prm;
	struct rte_acl_ctx *ctx;
	char name[RTE_ACL_NAMESIZE];
	unsigned int k, n = 0, cat = 0;
	uint8_t *rules;
	int ret;

	*out = NULL;
	for (k = 0; k < cl->n_rules; k++)
		n += (cl->rules[k].families & family) != 0;
	if (n == 0)
		return 0;
	rules = calloc(n, rsz);
	if (rules == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "acl: out of memory for %u rules", n);
		return -ENOMEM;
	}
	n = 0;
	for (k = 0; k < cl->n_rules; k++) {
		const struct pg_conf_acl_rule *r = &cl->rules[k];
		uint32_t c = 0;

		if (r->action == PG_ACL_COUNT)
			c = ++cat;
		if (!(r->families & family))
			continue;
		if (v4)
			rule4((struct acl4_rule *)(rules + n * rsz), r, k, c);
		else
			rule6((struct acl6_rule *)(rules + n * rsz), r, k, c);
		n++;
	}

	snprintf(name, sizeof(name), "pg_acl%c_%u", v4 ? '4' : '6',
		 __atomic_fetch_add(&ctx_seq, 1, __ATOMIC_RELAXED));
	prm.name = name;
	prm.socket_id = socket;
	prm.rule_size = (uint32_t)RTE_ACL_RULE_SZ(v4 ? F4_NUM : F6_NUM);
	prm.max_rule_num = n;
	ctx = rte_acl_create(&prm);
	if (ctx == NULL) {
		free(rules);
		snprintf(err, PG_CONF_ERR_LEN, "acl: cannot create a classifier: %s",
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	ret = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)rules, n);
	free(rules);
	if (ret == 0) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.num_categories = categories;
		cfg.num_fields = v4 ? F4_NUM : F6_NUM;
		memcpy(cfg.defs, v4 ? defs4 : defs6,
		       sizeof(cfg.defs[0]) * cfg.num_fields);
		ret = rte_acl_build(ctx, &cfg);
	}
	if (ret != 0) {
		rte_acl_free(ctx);
		snprintf(err, PG_CONF_ERR_LEN, "acl: building the IPv%c classifier failed: %s",
			 v4 ? '4' : '6', strerror(-ret));
		return ret;
	}
	*out = ctx;
	return 0;
}

static void
list_free(struct pg_acl_list *l)
{
	rte_acl_free(l->ctx4);
	rte_acl_free(l->ctx6);
	free(l->action);
	free(l->text);
}

static int
build_list(const struct pg_conf_acl_list *cl, unsigned int idx, struct pg_acl_list *l,
	   int socket, char *err)
{
	unsigned int k;
	int ret;

	l->port = cl->port;
	l->dir = cl->dir;
	l->def = cl->def;
	l->n_rules = cl->n_rules;
	l->categories = cl->n_count == 0 ? 1 :
			RTE_ALIGN_CEIL(cl->n_count + 1, RTE_ACL_RESULTS_MULTIPLIER);
	l->action = calloc(cl->n_rules + 1, sizeof(*l->action));
	l->text = calloc(cl->n_rules + 1, sizeof(*l->text));
	if (l->action == NULL || l->text == NULL) {
		snprintf(err, PG_CONF_ERR_LEN, "acl[%u]: out of memory", idx);
		return -ENOMEM;
	}
	l->action[0] = cl->def;
	for (k = 0; k < cl->n_rules; k++) {
		l->action[k + 1] = cl->rules[k].action;
		memcpy(l->text[k], cl->rules[k].text, sizeof(l->text[k]));
	}
	ret = build_ctx(cl, l->categories, PG_ACL_FAMILY_IP4, socket, &l->ctx4, err);
	if (ret == 0)
		ret = build_ctx(cl, l->categories, PG_ACL_FAMILY_IP6, socket, &l->ctx6, err);
	return ret;
}

struct pg_acl *
pg_acl_build(const struct pg_conf *conf, unsigned int n_lcores, int socket,
	     char err[PG_CONF_ERR_LEN])
{
	const uint32_t per_line = RTE_CACHE_LINE_SIZE / sizeof(uint64_t);
	struct pg_acl *acl;
	uint32_t counters = 0;
	unsigned int i;

	err[0] = '\0';
	if (conf->n_acls == 0)
		return NULL;
	acl = calloc(1, sizeof(*acl));
	if (acl == NULL || (acl->lists = calloc(conf->n_acls, sizeof(*acl->lists))) == NULL) {
		free(acl);
		snprintf(err, PG_CONF_ERR_LEN, "acl: out of memory");
		return NULL;
	}
	acl->n_lists = conf->n_acls;
	for (i = 0; i < conf->n_acls; i++) {
		struct pg_acl_list *l = &acl->lists[i];

		if (build_list(&conf->acls[i], i, l, socket, err) != 0) {
			pg_acl_free(acl);
			return NULL;
		}
		l->hits_off = counters;
		counters += l->n_rules + 1;
		if (l->port >= PG_ACL_MAX_PORTS)
			continue;
		if (l->dir == PG_ACL_IN) {
			acl->fast.in[l->port] = l;
		} else {
			acl->fast.out[l->port] = l;
			acl->fast.has_out = true;
		}
	}
	acl->n_lcores = n_lcores == 0 ? 1 : n_lcores;
	acl->stride = RTE_ALIGN_CEIL(counters, per_line);
	acl->hits = rte_zmalloc_socket("pg_acl_hits",
				       (size_t)acl->stride * acl->n_lcores * sizeof(uint64_t),
				       RTE_CACHE_LINE_SIZE, socket);
	if (acl->hits == NULL) {
		pg_acl_free(acl);
		snprintf(err, PG_CONF_ERR_LEN, "acl: out of memory for hit counters");
		return NULL;
	}
	return acl;
}

void
pg_acl_free(struct pg_acl *acl)
{
	unsigned int i;

	if (acl == NULL)
		return;
	for (i = 0; i < acl->n_lists; i++)
		list_free(&acl->lists[i]);
	free(acl->lists);
	rte_free(acl->hits);
	free(acl);
}
