/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Route table build and the forwarding burst on real mbufs, with EAL on
 * two net_ring vdevs (each loops its TX back to its RX, so what pktgate
 * sends on a port can be read back from it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_fwd.h"
#include "pg_fwd_worker.h"
#include "pg_pkt.h"
#include "pg_test_net.h"

/*
 * ASan interposes malloc itself (and our definitions would bypass its
 * set-up): under ASan the libc count is left out and only the DPDK heap and
 * mempool checks run; the plain build runs all of them.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PG_COUNT_MALLOC 0
static uint64_t mallocs;
#else
#define PG_COUNT_MALLOC 1

/*
 * Count every libc allocation of the process: these definitions interpose
 * on glibc's (which stay reachable as __libc_*), so a data path that
 * called malloc() would show up in `mallocs`.
 */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
static uint64_t mallocs;

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

void *
malloc(size_t size)
{
	__atomic_fetch_add(&mallocs, 1, __ATOMIC_RELAXED);
	return __libc_malloc(size);
}

void *
calloc(size_t n, size_t size)
{
	__atomic_fetch_add(&mallocs, 1, __ATOMIC_RELAXED);
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t size)
{
	__atomic_fetch_add(&mallocs, 1, __ATOMIC_RELAXED);
	return __libc_realloc(p, size);
}

#endif /* __SANITIZE_ADDRESS__ */

static const char conf_yaml[] = PG_TEST_NET_YAML;

static struct pg_conf *conf;
static struct pg_fib *fib;
static struct pg_fib_port fports[2];
static struct rte_mempool *pool;
static uint16_t port_id[2];

static const struct pg_nexthop *
lookup(uint32_t ip)
{
	const uint32_t nh = pg_fib_lookup(fib, ip);

	ck_assert_uint_lt(nh, fib->nh_cap);
	if (pg_fib_active(fib)->nh[nh].type == PG_NH_NO_ROUTE)
		return NULL;
	return &pg_fib_active(fib)->nh[nh];
}

START_TEST(fib_local_and_broadcast)
{
	const struct pg_nexthop *nh = lookup(PG_IPV4(192, 0, 2, 1));

	ck_assert_ptr_nonnull(nh);
	ck_assert_uint_eq(nh->type, PG_NH_LOCAL);
	ck_assert_uint_eq(nh->port, 0);
	nh = lookup(PG_IPV4(198, 51, 100, 255));
	ck_assert_uint_eq(nh->type, PG_NH_LOCAL);
	ck_assert_uint_eq(nh->port, 1);
}
END_TEST

START_TEST(fib_connected_unresolved)
{
	const struct pg_nexthop *nh = lookup(PG_IPV4(192, 0, 2, 77));

	ck_assert_uint_eq(nh->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(nh->port, 0);
	nh = lookup(PG_IPV4(10, 9, 200, 1));          /* port: route */
	ck_assert_uint_eq(nh->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(nh->port, 0);
	nh = lookup(PG_IPV4(172, 20, 0, 1));          /* via a non-neighbor */
	ck_assert_uint_eq(nh->type, PG_NH_UNRESOLVED);
	ck_assert_uint_eq(nh->port, 1);
}
END_TEST

START_TEST(fib_longest_prefix_and_neighbor)
{
	static const uint8_t l2_wan[12] = { 2, 0, 0, 0, 0, 0x99, 2, 0, 0, 0, 0, 2 };
	static const uint8_t l2_lan[12] = { 2, 0, 0, 0, 0, 0x20, 2, 0, 0, 0, 0, 1 };
	const struct pg_nexthop *nh = lookup(PG_IPV4(203, 0, 113, 5));

	ck_assert_uint_eq(nh->type, PG_NH_FORWARD);
	ck_assert_uint_eq(nh->port, 1);
	ck_assert_mem_eq(nh->l2, l2_wan, 12);
	nh = lookup(PG_IPV4(203, 0, 113, 200));       /* the /25 wins */
	ck_assert_uint_eq(nh->port, 0);
	ck_assert_mem_eq(nh->l2, l2_lan, 12);
	nh = lookup(PG_IPV4(192, 0, 2, 20));          /* neighbor host route */
	ck_assert_uint_eq(nh->type, PG_NH_FORWARD);
	ck_assert_mem_eq(nh->l2, l2_lan, 12);
	ck_assert_ptr_null(lookup(PG_IPV4(8, 8, 8, 8)));
}
END_TEST

/* A configured /32 beats the neighbor's own host route; ours beat all. */
START_TEST(fib_precedence)
{
	const struct pg_fib_route *r = pg_fib_find(fib, PG_IPV4(198, 51, 100, 2), 32);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->origin, PG_ROUTE_ORIGIN_STATIC);
	ck_assert_uint_eq(lookup(PG_IPV4(198, 51, 100, 2))->port, 0);
	r = pg_fib_find(fib, PG_IPV4(192, 0, 2, 1), 32);
	ck_assert_uint_eq(r->origin, PG_ROUTE_ORIGIN_LOCAL);
	/* 2 ports x (local, broadcast, connected) + 2 neighbors + 5 routes,
	 * less the neighbor route the static /32 replaced. */
	ck_assert_uint_eq(fib->n_routes, 6 + 2 + 5 - 1);
}
END_TEST

/* 100 000 random prefixes: every lookup equals a linear longest match. */
START_TEST(fib_large_table_matches_reference)
{
	enum { N = 100000, PROBES = 20000 };
	char err[PG_CONF_ERR_LEN];
	struct pg_conf big;
	struct pg_fib *f;
	unsigned int i, k, n = 0;

	memcpy(&big, conf, sizeof(big));
	big.routes = calloc(N, sizeof(*big.routes));
	srand(42);
	for (i = 0; i < N; i++) {
		uint8_t len = (uint8_t)(8 + rand() % 25);
		uint32_t p = ((uint32_t)rand() << 16 ^ (uint32_t)rand()) & (~0u << (32 - len));

		/* Skip the ports' subnets so the reference stays simple. */
		if ((p >> 24) == 192 || (p >> 24) == 198 || (p >> 24) == 0)
			continue;
		for (k = 0; k < n; k++)      /* cheap dedup of the few collisions */
			if (k + 64 >= n && big.routes[k].prefix == p && big.routes[k].len == len)
				break;
		if (k < n)
			continue;
		big.routes[n].prefix = p;
		big.routes[n].len = len;
		big.routes[n].kind = PG_ROUTE_PORT;
		big.routes[n].port = (uint16_t)(n & 1);
		n++;
	}
	big.n_routes = n;
	f = pg_fib_create(&big, fports, NULL, SOCKET_ID_ANY, err);
	ck_assert_msg(f != NULL, "%s", err);
	for (i = 0; i < PROBES; i++) {
		const struct pg_conf_route *r = &big.routes[rand() % n];
		uint32_t ip = r->prefix | ((uint32_t)rand() & ~(~0u << (32 - r->len)));
		const struct pg_fib_route *best = NULL;
		uint32_t nh;
		uint8_t l;

		for (l = 32; best == NULL; l--) {
			best = pg_fib_find(f, ip, l);
			if (l == 0)
				break;
		}
		ck_assert_ptr_nonnull(best);
		nh = pg_fib_lookup(f, ip);
		ck_assert_uint_eq(nh, best->nh);
	}
	pg_fib_free(f);
	free(big.routes);
}
END_TEST

/* ---- forwarding bursts on mbufs ---------------------------------------- */

static struct rte_mbuf *
mk_udp(uint32_t dst, uint8_t ttl)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(rte_pktmbuf_append(m, 64));
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(eth, 0, 64);
	eth->dst_addr = fports[0].mac;
	eth->src_addr = (struct rte_ether_addr){{ 2, 0, 0, 0, 0, 0xaa }};
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = RTE_BE16(46);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_BE32(PG_IPV4(192, 0, 2, 10));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static uint16_t
drain(uint16_t port, struct rte_mbuf **out, uint16_t max)
{
	return rte_eth_rx_burst(port_id[port], 0, out, max);
}

static void
init_lcore(struct pg_fwd_ctx *ctx, struct pg_fwd_lcore *lc, struct pg_lcore_stats *st)
{
	unsigned int i;

	memset(ctx, 0, sizeof(*ctx));
	memset(st, 0, sizeof(*st));
	ctx->fib = fib;
	ctx->n_ports = 2;
	for (i = 0; i < 2; i++) {
		ctx->port[i].mac = fports[i].mac;
		ctx->port[i].port_id = port_id[i];
		ctx->port[i].ip4_be = rte_cpu_to_be_32(fports[i].ip4);
		ctx->port[i].mtu = 1500;
	}
	/* icmp_rate 0: no ICMP errors here (tests/pkt/test_icmp_errors.py) */
	pg_fwd_lcore_init(lc, ctx, st, 0);
}

START_TEST(burst_forwards_and_counts)
{
	struct pg_fwd_ctx ctx;
	struct pg_fwd_lcore lc;
	struct pg_lcore_stats st;
	struct rte_mbuf *in[PG_BURST], *out[64];
	unsigned int base = rte_mempool_in_use_count(pool), i;

	uint16_t n;

	init_lcore(&ctx, &lc, &st);

	/* 24 good to 203.0.113.x (wan), then one of each kind of drop. */
	for (i = 0; i < 24; i++)
		in[i] = mk_udp(PG_IPV4(203, 0, 113, i + 1), 64);
	in[24] = mk_udp(PG_IPV4(203, 0, 113, 9), 1);       /* ttl_exceeded */
	in[25] = mk_udp(PG_IPV4(8, 8, 8, 8), 64);          /* no_route */
	in[26] = mk_udp(PG_IPV4(192, 0, 2, 77), 64);       /* no_neighbor */
	in[27] = mk_udp(PG_IPV4(192, 0, 2, 1), 64);        /* not_ours_local */
	in[28] = mk_udp(PG_IPV4(224, 0, 0, 5), 64);        /* martian_dst */
	in[29] = mk_udp(PG_IPV4(203, 0, 113, 9), 64);
	/* another host's unicast MAC: bad_l2 */
	rte_pktmbuf_mtod(in[29], struct rte_ether_hdr *)->dst_addr.addr_bytes[5] = 0x55;
	in[30] = mk_udp(PG_IPV4(203, 0, 113, 9), 64);
	rte_pktmbuf_mtod_offset(in[30], struct rte_ipv4_hdr *, 14)->hdr_checksum ^= 1;
	in[31] = mk_udp(PG_IPV4(203, 0, 113, 9), 64);
	rte_pktmbuf_mtod(in[31], struct rte_ether_hdr *)->ether_type =
		RTE_BE16(RTE_ETHER_TYPE_IPV6);

	pg_fwd_count_rx(&st, 0, PG_BURST);
	pg_fwd_burst(&lc, 0, in, PG_BURST);
	pg_fwd_tx_flush_all(&lc);

	ck_assert_uint_eq(st.rx, 32);
	ck_assert_uint_eq(st.forwarded, 24);
	ck_assert_uint_eq(st.tx, 24);
	ck_assert_uint_eq(st.drop[PG_DROP_ttl_exceeded], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_no_route], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_no_neighbor], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_not_ours_local], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_martian_dst], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_bad_l2], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_bad_checksum], 1);
	ck_assert_uint_eq(st.drop[PG_DROP_unsupported_ethertype], 1);
	ck_assert_uint_eq(st.port[0].rx_drops, 8);

	n = drain(1, out, 64);
	ck_assert_uint_eq(n, 24);
	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(out[i], struct rte_ether_hdr *);
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

		ck_assert_uint_eq(ip->time_to_live, 63);
		ck_assert_uint_eq(rte_raw_cksum(ip, 20), 0xffff);
		ck_assert_uint_eq(eth->dst_addr.addr_bytes[5], 0x99);
		ck_assert(rte_is_same_ether_addr(&eth->src_addr, &fports[1].mac));
		/* Order within a flow set is kept. */
		ck_assert_uint_eq(rte_be_to_cpu_32(ip->dst_addr), PG_IPV4(203, 0, 113, i + 1));
	}
	rte_pktmbuf_free_bulk(out, n);
	ck_assert_uint_eq(drain(0, out, 64), 0);
	/* Every mbuf is back: nothing leaked on any path. */
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), base);
}
END_TEST

/* RFC 1812 5.3.4: unicast IP in an L2 broadcast frame is not forwarded. */
START_TEST(burst_l2_broadcast_not_forwarded)
{
	struct pg_fwd_ctx ctx;
	struct pg_fwd_lcore lc;
	struct pg_lcore_stats st;
	struct rte_mbuf *in[1], *out[4];
	unsigned int base = rte_mempool_in_use_count(pool);

	init_lcore(&ctx, &lc, &st);
	in[0] = mk_udp(PG_IPV4(203, 0, 113, 5), 64);
	memset(rte_pktmbuf_mtod(in[0], struct rte_ether_hdr *), 0xff, 6);
	pg_fwd_burst(&lc, 0, in, 1);
	pg_fwd_tx_flush_all(&lc);
	ck_assert_uint_eq(st.drop[PG_DROP_l2_multicast], 1);
	ck_assert_uint_eq(st.forwarded, 0);
	ck_assert_uint_eq(drain(1, out, 4), 0);
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), base);
}
END_TEST

/* ---- forwarding while the table grows (entry size changes) -------------- */

/* Route k of a long-route load: 20.0.0.0 + k * 256 + 16 /28 via the wan
 * neighbor, each in a /24 of its own (one tbl8 group each). */
static uint32_t
grow_prefix(uint32_t k)
{
	return PG_IPV4(20, 0, 0, 16) + (k << 8);
}

static int
grow_load(struct pg_fib *f, uint32_t first, uint32_t n)
{
	struct pg_fib_route_spec *v = calloc(n, sizeof(*v));
	char err[PG_CONF_ERR_LEN];
	uint32_t i;
	int ret;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < n; i++) {
		v[i].prefix = grow_prefix(first + i);
		v[i].len = 28;
		v[i].gw = PG_IPV4(198, 51, 100, 2);
		v[i].port = -1;
		v[i].line = i + 1;
	}
	ret = pg_fib_route_add_bulk(f, PG_ROUTE_ORIGIN_STATIC, v, n, err);
	free(v);
	return ret;
}

/*
 * One burst through pg_fwd_burst: packets to long routes 0..n_in-1 (spread)
 * must leave on wan to the neighbor's MAC, packets to long routes from
 * n_in on (not installed) are no_route drops.
 */
static void
grow_burst(struct pg_fwd_lcore *lc, struct pg_lcore_stats *st, uint32_t n_in, uint32_t n_all)
{
	struct rte_mbuf *in[PG_BURST], *out[64];
	const uint64_t fwd0 = st->forwarded, nr0 = st->drop[PG_DROP_no_route];
	uint16_t i, n, n_fwd = 0;

	for (i = 0; i < PG_BURST; i++) {
		/* Even slots: installed routes; odd: not (while there are). */
		const uint32_t k = i % 2 == 0 || n_all == n_in ?
				   (uint32_t)(((uint64_t)i * 7919u) % n_in) :
				   n_in + (uint32_t)(((uint64_t)i * 131u) % (n_all - n_in));

		in[i] = mk_udp(grow_prefix(k) + 3, 64);
		n_fwd += i % 2 == 0 || n_all == n_in;
	}
	pg_fwd_count_rx(st, 0, PG_BURST);
	pg_fwd_burst(lc, 0, in, PG_BURST);
	pg_fwd_tx_flush_all(lc);
	ck_assert_uint_eq(st->forwarded - fwd0, n_fwd);
	ck_assert_uint_eq(st->drop[PG_DROP_no_route] - nr0, PG_BURST - n_fwd);
	n = drain(1, out, 64);
	ck_assert_uint_eq(n, n_fwd);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(rte_pktmbuf_mtod(out[i], struct rte_ether_hdr *)->dst_addr
				  .addr_bytes[5], 0x99);
	rte_pktmbuf_free_bulk(out, n);
}

/*
 * Loads that make the table grow past 32704 tbl8 groups switch its copies
 * from 2- to 4-byte entries; a load refused at the limit leaves a 4-byte
 * copy beside the 2-byte one workers read until the next change publishes
 * it. Bursts between the changes go out right whatever size the copy
 * they read has: a data path that took the entry size (or tbl24 and tbl8)
 * once, not from the copy of each burst, fails here.
 */
START_TEST(burst_across_table_growth)
{
	const struct pg_fib_limits lim = { .max_tbl8 = 64, .tbl8_limit = 40000 };
	struct pg_fwd_ctx ctx;
	struct pg_fwd_lcore lc;
	struct pg_lcore_stats st;
	char err[PG_CONF_ERR_LEN];
	unsigned int base = rte_mempool_in_use_count(pool);
	struct pg_fib *f = pg_fib_create(conf, fports, &lim, SOCKET_ID_ANY, err);
	const struct pg_fib_side *was;

	ck_assert_msg(f != NULL, "%s", err);
	init_lcore(&ctx, &lc, &st);
	ctx.fib = f;
	ck_assert_int_eq(grow_load(f, 0, 20000), 0);
	ck_assert_uint_eq(f->side_tbl8[0], 32704);          /* 2-byte entries */
	ck_assert_uint_eq(f->side_tbl8[1], 32704);
	grow_burst(&lc, &st, 20000, 41000);
	/* Refused: the copy workers do not read grew to 4-byte entries. */
	ck_assert_int_eq(grow_load(f, 20000, 21000), -ENOSPC);
	was = pg_fib_active(f);
	ck_assert_uint_eq(f->side_tbl8[was - f->side], 32704);
	ck_assert_uint_eq(f->side_tbl8[1 - (was - f->side)], 40000);
	grow_burst(&lc, &st, 20000, 41000);
	/* The next change publishes it: bursts read 4-byte entries. */
	ck_assert_int_eq(grow_load(f, 20000, 10000), 0);
	ck_assert_ptr_ne(pg_fib_active(f), was);
	ck_assert_uint_eq(f->side_tbl8[0], 40000);
	ck_assert_uint_eq(f->side_tbl8[1], 40000);
	grow_burst(&lc, &st, 30000, 41000);
	ck_assert_int_eq(grow_load(f, 30000, 9000), 0);
	grow_burst(&lc, &st, 39000, 39000);
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), base);
	pg_fib_free(f);
}
END_TEST

/* ARP request from 192.0.2.10 (02:..:aa) for 192.0.2.1, broadcast. */
static const uint8_t arp_tmpl[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	0x02, 0, 0, 0, 0, 0xaa, 192, 0, 2, 10,
	0, 0, 0, 0, 0, 0, 192, 0, 2, 1,
};

/* A burst of every kind: forwarded, local answers, drops. No check macros
 * here: they may allocate, and only the data path is being watched. */
static int
fill_mixed_burst(struct rte_mbuf **pkts, const uint8_t *tmpl, uint16_t len)
{
	static const uint32_t dsts[] = {
		PG_IPV4(203, 0, 113, 1), PG_IPV4(203, 0, 113, 200),
		PG_IPV4(8, 8, 8, 8), PG_IPV4(192, 0, 2, 77), PG_IPV4(192, 0, 2, 1),
	};
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(pool, pkts, PG_BURST) != 0)
		return -1;
	for (i = 0; i < PG_BURST; i++) {
		struct rte_ipv4_hdr *ip;

		if (i % 8 == 7) {           /* an ARP request for us: answered */
			rte_memcpy(rte_pktmbuf_append(pkts[i], sizeof(arp_tmpl)), arp_tmpl,
				   sizeof(arp_tmpl));
			continue;
		}
		rte_memcpy(rte_pktmbuf_append(pkts[i], len), tmpl, len);
		ip = rte_pktmbuf_mtod_offset(pkts[i], struct rte_ipv4_hdr *, 14);
		ip->dst_addr = rte_cpu_to_be_32(dsts[i % RTE_DIM(dsts)]);
		ip->time_to_live = (uint8_t)(i % 7 == 0 ? 1 : 64);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return 0;
}

/*
 * Steady state allocates nothing: after a warm-up, thousands of mixed bursts
 * through the stages and the TX path make no libc allocation, leave the
 * DPDK heap as it was, and return every mbuf to the pool.
 */
START_TEST(steady_state_allocates_nothing)
{
	enum { WARMUP = 100, BURSTS = 5000 };
	struct rte_malloc_socket_stats h0, h1;
	struct pg_fwd_ctx ctx;
	struct pg_fwd_lcore lc;
	struct pg_lcore_stats st;
	struct rte_mbuf *in[PG_BURST], *out[PG_TX_BUF * 2];
	struct rte_mbuf *tm = mk_udp(PG_IPV4(203, 0, 113, 1), 64);
	uint8_t tmpl[64];
	unsigned int base, i, k, failed = 0;
	uint64_t m0, m1;

	memcpy(tmpl, rte_pktmbuf_mtod(tm, void *), sizeof(tmpl));
	rte_pktmbuf_free(tm);
	init_lcore(&ctx, &lc, &st);
	base = rte_mempool_in_use_count(pool);
	for (k = 0; k < WARMUP + BURSTS; k++) {
		if (k == WARMUP) {
			m0 = __atomic_load_n(&mallocs, __ATOMIC_RELAXED);
			rte_malloc_get_socket_stats(0, &h0);
		}
		if (fill_mixed_burst(in, tmpl, sizeof(tmpl)) != 0) {
			failed++;
			break;
		}
		pg_fwd_count_rx(&st, 0, PG_BURST);
		pg_fwd_burst(&lc, 0, in, PG_BURST);
		pg_fwd_tx_flush_all(&lc);
		for (i = 0; i < 2; i++) {
			uint16_t n = drain((uint16_t)i, out, RTE_DIM(out));

			rte_pktmbuf_free_bulk(out, n);
		}
	}
	m1 = __atomic_load_n(&mallocs, __ATOMIC_RELAXED);
	rte_malloc_get_socket_stats(0, &h1);
	ck_assert_uint_eq(failed, 0);
	if (PG_COUNT_MALLOC)
		ck_assert_uint_eq(m1 - m0, 0);
	ck_assert_uint_eq(h1.alloc_count, h0.alloc_count);
	ck_assert_uint_eq(h1.heap_allocsz_bytes, h0.heap_allocsz_bytes);
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), base);
	/* and the traffic really went through every path */
	ck_assert_uint_eq(st.rx, (uint64_t)(WARMUP + BURSTS) * PG_BURST);
	ck_assert_uint_gt(st.forwarded, 0);
	ck_assert_uint_gt(st.local, 0);
	ck_assert_uint_gt(st.drop[PG_DROP_no_route], 0);
	ck_assert_uint_gt(st.drop[PG_DROP_ttl_exceeded], 0);
	ck_assert_uint_eq(st.rx, st.forwarded + st.local + st.drop[PG_DROP_no_route] +
			  st.drop[PG_DROP_no_neighbor] + st.drop[PG_DROP_ttl_exceeded] +
			  st.drop[PG_DROP_not_ours_local] + st.drop[PG_DROP_bad_icmp] +
			  st.drop[PG_DROP_tx_full]);
}
END_TEST

/* The counter above does see allocations (so a zero means something). */
START_TEST(malloc_counter_counts)
{
	uint64_t m0 = __atomic_load_n(&mallocs, __ATOMIC_RELAXED);
	void *volatile p = malloc(64);

	free(p);
	ck_assert_uint_ge(__atomic_load_n(&mallocs, __ATOMIC_RELAXED) - m0, 1);
}
END_TEST

static Suite *
fwd_suite(void)
{
	Suite *s = suite_create("fwd");
	TCase *tc = tcase_create("fwd");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fib_local_and_broadcast);
	tcase_add_test(tc, fib_connected_unresolved);
	tcase_add_test(tc, fib_longest_prefix_and_neighbor);
	tcase_add_test(tc, fib_precedence);
	tcase_add_test(tc, fib_large_table_matches_reference);
	tcase_add_test(tc, burst_forwards_and_counts);
	tcase_add_test(tc, burst_l2_broadcast_not_forwarded);
	tcase_add_test(tc, burst_across_table_growth);
	if (PG_COUNT_MALLOC)
		tcase_add_test(tc, malloc_counter_counts);
	tcase_add_test(tc, steady_state_allocates_nothing);
	suite_add_tcase(s, tc);
	return s;
}

static void
setup_ports(void)
{
	struct rte_eth_conf ec;
	unsigned int i;

	pool = rte_pktmbuf_pool_create("test_pool", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL)
		rte_exit(EXIT_FAILURE, "pool\n");
	memset(&ec, 0, sizeof(ec));
	for (i = 0; i < 2; i++) {
		char name[16];

		snprintf(name, sizeof(name), "net_ring%u", i);
		if (rte_eth_dev_get_port_by_name(name, &port_id[i]) != 0 ||
		    rte_eth_dev_configure(port_id[i], 1, 1, &ec) != 0 ||
		    rte_eth_rx_queue_setup(port_id[i], 0, 256, SOCKET_ID_ANY, NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(port_id[i], 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
		    rte_eth_dev_start(port_id[i]) != 0)
			rte_exit(EXIT_FAILURE, "cannot set up %s\n", name);
		memcpy(fports[i].mac.addr_bytes, conf->ports[i].mac, 6);
		fports[i].ip4 = conf->ports[i].ip4;
		fports[i].ip4_len = conf->ports[i].ip4_len;
	}
}

int
main(int argc, char **argv)
{
	/* 1 GB: burst_across_table_growth holds three tables of up to 103 MiB
	 * for a moment, beside the shared one. */
	char *eal_args[] = { argv[0], "--no-huge", "-m", "1024", "--no-pci",
		"--in-memory", "--log-level", "lib.eal:warning",
		"--vdev", "net_ring0", "--vdev", "net_ring1", NULL };
	char err[PG_CONF_ERR_LEN];
	SRunner *sr;
	int failed;

	(void)argc;
	rte_openlog_stream(stderr);
	/* --in-memory conflicts with --no-huge: drop it. */
	eal_args[5] = "--file-prefix=pg_test_fwd";
	if (rte_eal_init(RTE_DIM(eal_args) - 1, eal_args) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	conf = pg_conf_parse(conf_yaml, sizeof(conf_yaml) - 1, err);
	if (conf == NULL)
		rte_exit(EXIT_FAILURE, "config: %s\n", err);
	setup_ports();
	fib = pg_fib_create(conf, fports, NULL, SOCKET_ID_ANY, err);
	if (fib == NULL)
		rte_exit(EXIT_FAILURE, "fib: %s\n", err);

	sr = srunner_create(fwd_suite());
	srunner_set_fork_status(sr, CK_NOFORK);  /* EAL threads do not survive fork */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_fib_free(fib);
	pg_conf_free(conf);
	rte_eal_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
