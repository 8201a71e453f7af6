/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * lib/acl with EAL: lists built from YAML into rte_acl contexts, classified
 * on hand-made IPv4/IPv6 headers: verdicts, first match, count rules, hits,
 * fragments, options, IPv6; random lists against a first-match reference;
 * and a reader on another lcore classifying while the lists are reloaded.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include "pg_acl_worker.h"
#include "pg_conf.h"
#include "pg_rcu.h"

static const char base_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_ring0, ipv4: 192.0.2.1/24}\n"
	"  - {name: wan, device: net_ring1, ipv4: 198.51.100.1/24}\n"
	"workers: {lcores: [1]}\n";

static struct pg_conf *base;
static char err[PG_CONF_ERR_LEN];

/* ---- packets ---- */

struct hdr {
	uint8_t b[128];
};

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* An IPv4 header (IHL 5 + @p opt_words) followed by 16 bytes of L4. */
static const uint8_t *
mk4(struct hdr *h, uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint8_t tcp_flags, uint16_t frag, unsigned int opt_words)
{
	uint8_t *l4 = h->b + 20 + 4 * opt_words;
	uint32_t s = htonl(src), d = htonl(dst);
	uint16_t f = htons(frag), sp = htons(sport), dp = htons(dport);

	memset(h, 0, sizeof(*h));
	h->b[0] = (uint8_t)(0x45 + opt_words);
	memcpy(h->b + 6, &f, 2);
	h->b[8] = 64;
	h->b[9] = proto;
	memcpy(h->b + 12, &s, 4);
	memcpy(h->b + 16, &d, 4);
	memset(h->b + 20, 1, 4 * opt_words);         /* NOPs */
	memcpy(l4, &sp, 2);
	memcpy(l4 + 2, &dp, 2);
	l4[12] = 0x50;
	l4[13] = tcp_flags;
	return h->b;
}

static const uint8_t *
mk6(struct hdr *h, uint8_t proto, const char *src, const char *dst, uint16_t sport,
    uint16_t dport)
{
	uint16_t sp = htons(sport), dp = htons(dport);

	memset(h, 0, sizeof(*h));
	h->b[0] = 0x60;
	h->b[6] = proto;
	h->b[7] = 64;
	inet_pton(AF_INET6, src, h->b + 8);
	inet_pton(AF_INET6, dst, h->b + 24);
	memcpy(h->b + 40, &sp, 2);
	memcpy(h->b + 42, &dp, 2);
	h->b[52] = 0x50;
	return h->b;
}

static struct pg_acl *
build(const char *acl_yaml)
{
	char yaml[8192];
	struct pg_conf *c;
	struct pg_acl *acl;

	snprintf(yaml, sizeof(yaml), "%s", acl_yaml);
	c = pg_conf_acl_parse(base, yaml, strlen(yaml), err);
	ck_assert_msg(c != NULL, "%s", err);
	acl = pg_acl_build(c, 2, SOCKET_ID_ANY, err);
	ck_assert_msg(acl != NULL, "%s", err);
	pg_conf_free(c);
	return acl;
}

/* Classify one IPv4 header on lcore slot 0: true when denied. */
static bool
denied4(const struct pg_acl *acl, const uint8_t *p)
{
	const uint8_t *data[1] = { p };
	uint8_t flat[PG_ACL_IP4_INPUT];

	if ((p[0] & 0xf) > 5)
		data[0] = pg_acl_ip4_flatten((const struct rte_ipv4_hdr *)p, flat);
	return pg_acl_classify4(acl, pg_acl_in_list(acl, 0), data, 1, 0) != 0;
}

START_TEST(verdicts_and_first_match)
{
	struct pg_acl *acl = build(
		"acl:\n"
		"  - port: lan\n"
		"    rules:\n"
		"      - {action: allow, src: 10.1.0.0/16, proto: tcp, dport: 23}\n"
		"      - {action: deny, proto: tcp, dport: 23}\n"
		"      - {action: deny, src: 10.0.0.0/8, dst: 203.0.113.0/24}\n"
		"      - {action: deny, proto: udp, sport: 1000-2000, dport: 53}\n"
		"      - {action: deny, proto: tcp, flags: 'syn !ack'}\n"
		"      - {action: deny, proto: 47}\n");
	struct hdr h;

	ck_assert(!denied4(acl, mk4(&h, 6, IP4(10, 1, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0x10, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 6, IP4(10, 2, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0x10, 0, 0)));
	ck_assert(!denied4(acl, mk4(&h, 17, IP4(10, 2, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 17, IP4(10, 2, 2, 3), IP4(203, 0, 113, 9), 1, 2, 0, 0, 0)));
	ck_assert(!denied4(acl, mk4(&h, 17, IP4(11, 2, 2, 3), IP4(203, 0, 113, 9), 1, 2, 0, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 17, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 1000, 53, 0, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 17, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 2000, 53, 0, 0, 0)));
	ck_assert(!denied4(acl, mk4(&h, 17, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 2001, 53, 0, 0, 0)));
	ck_assert(!denied4(acl, mk4(&h, 17, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 999, 53, 0, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 6, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 1, 80, 0x02, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 6, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 1, 80, 0x0a, 0, 0)));
	ck_assert(!denied4(acl, mk4(&h, 6, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 1, 80, 0x12, 0, 0)));
	ck_assert(!denied4(acl, mk4(&h, 6, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 1, 80, 0x10, 0, 0)));
	ck_assert(denied4(acl, mk4(&h, 47, IP4(11, 0, 0, 1), IP4(8, 8, 8, 8), 0, 0, 0, 0, 0)));
	/* Options: the ports are found after them. */
	ck_assert(denied4(acl, mk4(&h, 6, IP4(10, 2, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0x10, 0, 1)));
	ck_assert(!denied4(acl, mk4(&h, 6, IP4(10, 1, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0x10, 0, 10)));
	ck_assert(!denied4(acl, mk4(&h, 6, IP4(10, 2, 2, 3), IP4(1, 1, 1, 1), 999, 22, 0x10, 0, 3)));
	/* A non-first fragment: port rules never match, address rules do. MF
	 * alone (first fragment) still has its ports. */
	ck_assert(!denied4(acl, mk4(&h, 6, IP4(10, 2, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0x10, 185, 0)));
	ck_assert(denied4(acl, mk4(&h, 6, IP4(10, 2, 2, 3), IP4(1, 1, 1, 1), 999, 23, 0x10, 0x2000, 0)));
	ck_assert(denied4(acl, mk4(&h, 6, IP4(10, 2, 2, 3), IP4(203, 0, 113, 1), 9, 9, 0, 0x2001, 0)));
	pg_acl_free(acl);
}
END_TEST

START_TEST(count_and_hits)
{
	struct pg_acl *acl = build(
		"acl:\n"
		"  - port: lan\n"
		"    default: deny\n"
		"    rules:\n"
		"      - {action: count, proto: udp}\n"
		"      - {action: allow, proto: udp, dport: 53}\n"
		"      - {action: count, proto: udp, dport: 50-60}\n"
		"      - {action: allow, proto: tcp}\n");
	const struct pg_acl_list *l = pg_acl_in_list(acl, 0);
	const uint8_t *data[4];
	struct hdr h[4];
	uint64_t deny;

	data[0] = mk4(&h[0], 17, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 53, 0, 0, 0);
	data[1] = mk4(&h[1], 17, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 54, 0, 0, 0);
	data[2] = mk4(&h[2], 6, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 54, 0, 0, 0);
	data[3] = mk4(&h[3], 1, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 0, 0, 0, 0, 0);
	deny = pg_acl_classify4(acl, l, data, 4, 0);
	ck_assert_uint_eq(deny, 0x2 | 0x8);
	deny = pg_acl_classify4(acl, l, data, 4, 1);      /* another lcore's slot */
	ck_assert_uint_eq(deny, 0x2 | 0x8);
	ck_assert_ptr_null(pg_acl_in_list(acl, 1));
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 0), 4);     /* both udp, twice */
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 1), 2);
	/* Counted only before the deciding rule: udp 53 stops at rule 1. */
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 2), 2);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 3), 2);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 4), 4);     /* default: udp 54, icmp */
	ck_assert_str_eq(pg_acl_rule_text(acl, 0, 2), "count proto udp dport 50-60");
	ck_assert_int_eq(pg_acl_rule_action(acl, 0, 2), PG_ACL_COUNT);
	pg_acl_free(acl);
}
END_TEST

START_TEST(ipv6_rules)
{
	struct pg_acl *acl = build(
		"acl:\n"
		"  - port: lan\n"
		"    rules:\n"
		"      - {action: allow, src: '2001:db8:1::/48', proto: tcp, dport: 22}\n"
		"      - {action: deny, proto: tcp, dport: 22}\n"
		"      - {action: deny, dst: '2001:db8:ffff::1'}\n"
		"      - {action: deny, src: 10.0.0.0/8}\n"
		"      - {action: deny, proto: icmpv6, src: '2001:db8:0:0:8000::/65'}\n");
	const struct pg_acl_list *l = pg_acl_in_list(acl, 0);
	const uint8_t *data[7];
	struct hdr h[7];

	data[0] = mk6(&h[0], 6, "2001:db8:1:2::5", "2001:db8::1", 1, 22);
	data[1] = mk6(&h[1], 6, "2001:db8:2::5", "2001:db8::1", 1, 22);
	data[2] = mk6(&h[2], 17, "2001:db8:2::5", "2001:db8:ffff::1", 1, 22);
	data[3] = mk6(&h[3], 17, "2001:db8:2::5", "2001:db8:ffff::2", 1, 22);
	data[4] = mk6(&h[4], 58, "2001:db8::8000:0:0:1", "2001:db8::2", 0, 0);
	data[5] = mk6(&h[5], 58, "2001:db8::7fff:0:0:1", "2001:db8::2", 0, 0);
	/* IPv4 rules stay out of the IPv6 context: ::a00:1 is not 10.0.0.1. */
	data[6] = mk6(&h[6], 17, "::a00:1", "2001:db8::2", 0, 0);
	ck_assert_uint_eq(pg_acl_classify6(acl, l, data, 7, 0), 0x2 | 0x4 | 0x10);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 0), 1);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 3), 0);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 5), 3);     /* default */
	pg_acl_free(acl);
}
END_TEST

START_TEST(in_and_out_lists)
{
	struct pg_acl *acl = build(
		"acl:\n"
		"  - {port: wan, direction: out, default: deny}\n"
		"  - {port: lan, rules: [{action: deny, proto: 1}]}\n");
	struct pg_acl *in_only = build("acl:\n  - {port: wan}\n");
	struct pg_acl_list_info li;
	const uint8_t *data[1];
	struct hdr h;

	ck_assert(pg_acl_has_out(acl));
	ck_assert(!pg_acl_has_out(in_only));
	ck_assert_ptr_null(pg_acl_in_list(acl, 1));
	ck_assert_ptr_null(pg_acl_out_list(acl, 0));
	ck_assert_ptr_nonnull(pg_acl_out_list(acl, 1));
	ck_assert_ptr_nonnull(pg_acl_in_list(in_only, 1));
	pg_acl_list_info(acl, 0, &li);
	ck_assert_uint_eq(li.dir, PG_ACL_OUT);
	ck_assert_uint_eq(li.port, 1);
	data[0] = mk4(&h, 6, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0, 0, 0);
	ck_assert_uint_eq(pg_acl_classify4(acl, pg_acl_out_list(acl, 1), data, 1, 0), 1);
	ck_assert_uint_eq(pg_acl_classify4(acl, pg_acl_in_list(acl, 0), data, 1, 0), 0);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, 0), 1);     /* out list's default */
	ck_assert_uint_eq(pg_acl_hits(acl, 1, 1), 1);     /* in list's default */
	pg_acl_free(acl);
	pg_acl_free(in_only);
}
END_TEST

/* ---- random lists against a first-match reference ---- */

struct ref_rule {
	int action;
	uint32_t src, dst;
	unsigned int src_len, dst_len;
	int proto;                     /* -1: any */
	unsigned int slo, shi, dlo, dhi;
};

static uint32_t
mask_of(unsigned int len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static bool
ref_match(const struct ref_rule *r, uint8_t proto, uint32_t s, uint32_t d,
	  unsigned int sp, unsigned int dp)
{
	return ((s ^ r->src) & mask_of(r->src_len)) == 0 &&
	       ((d ^ r->dst) & mask_of(r->dst_len)) == 0 &&
	       (r->proto < 0 || r->proto == proto) &&
	       sp >= r->slo && sp <= r->shi && dp >= r->dlo && dp <= r->dhi;
}

static const uint32_t pool[] = {
	IP4(10, 0, 0, 0), IP4(10, 1, 0, 0), IP4(10, 1, 2, 0), IP4(172, 16, 5, 0),
	IP4(192, 168, 1, 0), IP4(203, 0, 113, 0), IP4(198, 51, 100, 0), IP4(8, 8, 8, 0),
};

START_TEST(random_lists_match_reference)
{
	enum { N_RULES = 300, N_PKTS = 4096 };
	static struct ref_rule rules[N_RULES];
	static char yaml[N_RULES * 128];
	uint64_t want_hits[N_RULES + 1] = { 0 };
	struct pg_conf *c;
	struct pg_acl *acl;
	unsigned int i, k, mism = 0;
	size_t off;

	srand(12345);
	off = (size_t)snprintf(yaml, sizeof(yaml), "acl:\n  - port: lan\n    default: deny\n"
			       "    rules:\n");
	for (i = 0; i < N_RULES; i++) {
		struct ref_rule *r = &rules[i];
		char a[20], b[20];

		r->action = rand() % 2;
		r->src_len = (unsigned int)(rand() % 3 == 0 ? 0 : 8 + rand() % 25);
		r->dst_len = (unsigned int)(rand() % 3 == 0 ? 0 : 8 + rand() % 25);
		r->src = (pool[rand() % 8] | (uint32_t)(rand() % 256)) & mask_of(r->src_len);
		r->dst = (pool[rand() % 8] | (uint32_t)(rand() % 256)) & mask_of(r->dst_len);
		r->proto = rand() % 3 == 0 ? -1 : (rand() % 2 ? 6 : 17);
		r->slo = 0;
		r->shi = 65535;
		r->dlo = 0;
		r->dhi = 65535;
		if (r->proto >= 0 && rand() % 2) {
			r->dlo = (unsigned int)(rand() % 1024);
			r->dhi = r->dlo + (unsigned int)(rand() % 64);
		}
		if (r->proto >= 0 && rand() % 4 == 0) {
			r->slo = (unsigned int)(rand() % 60000);
			r->shi = r->slo + (unsigned int)(rand() % 5000);
		}
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off,
			"      - {action: %s, src: %s/%u, dst: %s/%u",
			r->action ? "deny" : "allow",
			inet_ntop(AF_INET, &(uint32_t){ htonl(r->src) }, a, sizeof(a)), r->src_len,
			inet_ntop(AF_INET, &(uint32_t){ htonl(r->dst) }, b, sizeof(b)), r->dst_len);
		if (r->proto >= 0)
			off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, ", proto: %d",
						r->proto);
		if (r->dlo != 0 || r->dhi != 65535)
			off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, ", dport: %u-%u",
						r->dlo, r->dhi);
		if (r->slo != 0 || r->shi != 65535)
			off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, ", sport: %u-%u",
						r->slo, r->shi);
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, "}\n");
	}
	c = pg_conf_acl_parse(base, yaml, off, err);
	ck_assert_msg(c != NULL, "%s", err);
	acl = pg_acl_build(c, 1, SOCKET_ID_ANY, err);
	ck_assert_msg(acl != NULL, "%s", err);
	pg_conf_free(c);

	for (i = 0; i < N_PKTS; i += 32) {
		struct hdr h[32];
		const uint8_t *data[32];
		bool want[32];
		uint64_t got;

		for (k = 0; k < 32; k++) {
			const uint8_t proto = rand() % 2 ? 6 : 17;
			const uint32_t s = pool[rand() % 8] | (uint32_t)(rand() % 65536);
			const uint32_t d = pool[rand() % 8] | (uint32_t)(rand() % 65536);
			const unsigned int sp = (unsigned int)rand() % 65536;
			const unsigned int dp = (unsigned int)rand() % 1100;
			unsigned int j;

			data[k] = mk4(&h[k], proto, s, d, (uint16_t)sp, (uint16_t)dp, 0, 0, 0);
			for (j = 0; j < N_RULES; j++)
				if (ref_match(&rules[j], proto, s, d, sp, dp))
					break;
			want[k] = j < N_RULES ? rules[j].action == 1 : true;
			want_hits[j < N_RULES ? j + 1 : 0]++;
		}
		got = pg_acl_classify4(acl, pg_acl_in_list(acl, 0), data, 32, 0);
		for (k = 0; k < 32; k++)
			mism += ((got >> k) & 1) != want[k];
	}
	ck_assert_uint_eq(mism, 0);
	for (k = 0; k < N_RULES; k++)
		ck_assert_msg(pg_acl_hits(acl, 0, k) == want_hits[k + 1], "rule %u: %lu hits, want %lu",
			      k, (unsigned long)pg_acl_hits(acl, 0, k),
			      (unsigned long)want_hits[k + 1]);
	ck_assert_uint_eq(pg_acl_hits(acl, 0, N_RULES), want_hits[0]);
	pg_acl_free(acl);
}
END_TEST

/* ---- reload while a reader classifies ---- */

/*
 * Generation g's list has g rules that never match and, for even g, one
 * that denies the probe: a reader can tell from a set which generation it
 * is (its rule count) and what the probe's verdict must be.
 */
static const struct pg_acl *slot;
static volatile int reader_stop;
static uint64_t published;             /* last generation whose reload returned */
static uint64_t reader_checks, reader_bad;
static struct rte_rcu_qsbr *rcu;

static int
reader_main(void *arg)
{
	struct hdr h;
	const uint8_t *data[1] = { mk4(&h, 17, IP4(10, 0, 0, 1), IP4(8, 8, 8, 8), 1, 53, 0, 0, 0) };

	(void)arg;
	rte_rcu_qsbr_thread_register(rcu, 0);
	rte_rcu_qsbr_thread_online(rcu, 0);
	while (!__atomic_load_n(&reader_stop, __ATOMIC_ACQUIRE)) {
		const uint64_t done = __atomic_load_n(&published, __ATOMIC_ACQUIRE);
		const struct pg_acl *acl = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
		struct pg_acl_list_info li;
		uint64_t deny;

		pg_acl_list_info(acl, 0, &li);
		deny = pg_acl_classify4(acl, pg_acl_in_list(acl, 0), data, 1, 0);
		/* Generation g has g + (g even) rules. */
		if (li.n_rules - (deny != 0) < done ||
		    (deny != 0) != ((li.n_rules - (deny != 0)) % 2 == 0) ||
		    pg_acl_hits(acl, 0, li.n_rules) + (deny ? pg_acl_hits(acl, 0, li.n_rules - 1) : 0) == 0) {
			if (reader_bad++ == 0)
				fprintf(stderr, "reader: set with %u rules, deny %d, published %lu\n",
					li.n_rules, deny != 0, (unsigned long)done);
		}
		reader_checks++;
		rte_rcu_qsbr_quiescent(rcu, 0);
	}
	rte_rcu_qsbr_thread_offline(rcu, 0);
	rte_rcu_qsbr_thread_unregister(rcu, 0);
	return 0;
}

static int
reload_gen(struct pg_acl_ctl *ctl, unsigned int g)
{
	static char yaml[64 * 1024];
	struct pg_conf *c;
	size_t off;
	unsigned int i;
	int ret;

	off = (size_t)snprintf(yaml, sizeof(yaml), "acl:\n  - port: lan\n    rules:\n");
	for (i = 0; i < g; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off,
					"      - {action: deny, src: 172.16.%u.%u/32}\n",
					i / 256, i % 256);
	if (g % 2 == 0)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off,
					"      - {action: deny, proto: udp, dport: 53}\n");
	c = pg_conf_acl_parse(base, yaml, off, err);
	if (c == NULL)
		return -1;
	ret = pg_acl_reload_conf(ctl, c, err);
	pg_conf_free(c);
	return ret;
}

START_TEST(reload_under_reader)
{
	const unsigned int lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	struct pg_acl_ctl ctl;
	unsigned int g;

	rcu = pg_rcu_create(1, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(rcu);
	slot = NULL;
	pg_acl_ctl_init(&ctl, &slot, rcu, base, 1, SOCKET_ID_ANY);
	ck_assert_int_eq(reload_gen(&ctl, 0), 0);
	ck_assert_ptr_nonnull(slot);
	reader_stop = 0;
	reader_checks = reader_bad = 0;
	ck_assert_int_eq(rte_eal_remote_launch(reader_main, NULL, lcore), 0);
	for (g = 1; g <= 300; g++) {
		ck_assert_msg(reload_gen(&ctl, g) == 0, "%s", err);
		__atomic_store_n(&published, g, __ATOMIC_RELEASE);
	}
	/* A bad file changes nothing. */
	ck_assert_int_ne(pg_acl_reload(&ctl, "/nonexistent/acl.yaml", err), 0);
	ck_assert_msg(strstr(err, "/nonexistent/acl.yaml: cannot open") != NULL, "%s", err);
	__atomic_store_n(&reader_stop, 1, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(lcore);
	ck_assert_uint_gt(reader_checks, 0);
	ck_assert_uint_eq(reader_bad, 0);
	{
		struct pg_acl_list_info li;

		pg_acl_list_info(slot, 0, &li);
		ck_assert_uint_eq(li.n_rules, 300 + 1);
	}
	/* Reload to no lists: workers see NULL, nothing filtered. */
	ck_assert_int_eq(pg_acl_reload_conf(&ctl, base, err), 0);
	ck_assert_ptr_null(slot);
	pg_rcu_free(rcu);
}
END_TEST

START_TEST(reload_error_keeps_running_set)
{
	static const char bad[] = "acl:\n  - port: lan\n    rules:\n      - {action: deny, proto: tcp, dport: 9-1}\n";
	struct pg_acl_ctl ctl;
	struct pg_conf *c;

	slot = NULL;
	pg_acl_ctl_init(&ctl, &slot, NULL, base, 1, SOCKET_ID_ANY);
	ck_assert_int_eq(reload_gen(&ctl, 4), 0);
	c = pg_conf_acl_parse(base, bad, sizeof(bad) - 1, err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "acl[0].rules[0].dport: range '9-1' is reversed") != NULL, "%s", err);
	ck_assert_ptr_nonnull(slot);
	ck_assert_uint_eq(pg_acl_n_lists(slot), 1);
	ck_assert_int_eq(pg_acl_reload_conf(&ctl, base, err), 0);
}
END_TEST

static Suite *
acl_suite(void)
{
	Suite *s = suite_create("acl");
	TCase *tc = tcase_create("classify");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, verdicts_and_first_match);
	tcase_add_test(tc, count_and_hits);
	tcase_add_test(tc, ipv6_rules);
	tcase_add_test(tc, in_and_out_lists);
	tcase_add_test(tc, random_lists_match_reference);
	tcase_add_test(tc, reload_under_reader);
	tcase_add_test(tc, reload_error_keeps_running_set);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	char *eal_args[] = { argv[0], "--no-huge", "-m", "512", "--no-pci", "-l", "0,1",
		"--file-prefix=pg_test_acl", "--log-level", "lib.eal:warning",
		"--log-level", "*.acl:warning", NULL };
	SRunner *sr;
	int failed;

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal_args) - 1, eal_args) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	base = pg_conf_parse(base_yaml, sizeof(base_yaml) - 1, err);
	if (base == NULL)
		rte_exit(EXIT_FAILURE, "config: %s\n", err);
	sr = srunner_create(acl_suite());
	srunner_set_fork_status(sr, CK_NOFORK);  /* EAL threads do not survive fork */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_conf_free(base);
	rte_eal_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
