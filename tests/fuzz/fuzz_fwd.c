/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * libFuzzer target: raw frames through the real forwarding stages
 * (pg_fwd_burst: validation, route lookup, rewrite, ARP and ICMP echo
 * answers, after the pipeline RX lcore's pg_flow_hash) and the real TX path, on two net_ring vdevs whose TX loops back
 * to their RX, so every frame pktgate sends can be read back and checked.
 *
 * Input format (docs in tests/fuzz/README.md):
 *   byte 0              ingress port (bit 0); bit 1: the second route
 *                       table (a default route, a /31 port subnet, a
 *                       /32 port route) instead of the first; bit 2:
 *                       ARP learning on (events to a ring, as in pktgate)
 *   then per frame      len (2 bytes, big endian; capped at MAX_FRAME),
 *                       flags (bits 0-1: RX IP checksum flag the "NIC" set,
 *                       bit 2: chain into segments of seg bytes),
 *                       seg ((seg + 1) * 8 bytes a segment when bit 2),
 *                       then len bytes (fewer if the input ends).
 *
 * Each frame's segments are copied into mbufs whose headroom and tailroom
 * are then poisoned for ASan: DPDK's memory is not instrumented, so without
 * this a read past the end of a segment would go unseen.
 *
 * Invariants checked after every input (abort() on violation, so the
 * fuzzer keeps the input as a crash):
 *   - rx = forwarded + local + sum of drop reasons;
 *   - every frame counted as sent comes out of a port, and nothing else;
 *   - per-port drop counters add up to the drop reasons;
 *   - a sent IPv4 frame has a valid header checksum (unless the "NIC" had
 *     vouched for a bad one) and TTL >= 1; an echo reply has a valid ICMP
 *     checksum;
 *   - the mempool is back to its baseline: no mbuf leaked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_flow_hash.h"
#include "pg_fwd.h"
#include "pg_fwd_worker.h"
#include "pg_neigh.h"
#include "pg_pkt.h"
#include "pg_test_net.h"

#define MAX_FRAME 4096          /* jumbo enough to chain over two buffers */
#define MAX_FRAMES 96           /* three bursts */
#define N_PORTS 2

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The EAL tests' network (every kind of next hop: local addresses and
 * subnet broadcasts, neighbors, via routes to neighbors and to unresolved
 * gateways, a port route; misses are no_route). */
static const char conf_yaml[] = PG_TEST_NET_YAML;

/* The other shapes of table: a default route (misses are forwarded), a
 * /31 subnet on wan (no broadcast address), a /32 route out of a port. */
static const char conf2_yaml[] =
	"ports:\n"
	"  - {name: lan, device: net_ring0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n"
	"  - {name: wan, device: net_ring1, ipv4: 198.51.100.0/31, mac: 02:00:00:00:00:02}\n"
	"neighbors:\n"
	"  - {ip: 198.51.100.1, mac: 02:00:00:00:00:99, port: wan}\n"
	"routes:\n"
	"  - {prefix: 0.0.0.0/0, via: 198.51.100.1}\n"
	"  - {prefix: 203.0.113.7/32, port: lan}\n"
	"  - {prefix: 10.0.0.0/8, via: 192.0.2.99}\n"
	"workers:\n"
	"  lcores: [1]\n";

static char file_prefix[64];
static struct rte_mempool *pool;
/* Where the stages report neighbor events (ARP learning), as in pktgate. */
static struct rte_ring *events;
static struct pg_fwd_ctx ctxs[2];     /* one per route table */
static unsigned int pool_base;
/* Where the flow hashes go, so that computing them is not optimised out. */
static volatile uint32_t flow_hashes;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_fwd: %s\n", what);
	abort();
}

static void
check(int ok, const char *what)
{
	if (!ok)
		die(what);
}

static void
cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "/var/run/dpdk/%s", file_prefix);
	/* EAL leaves its runtime directory behind with --no-huge; the pid in
	 * the prefix keeps parallel runs apart, so remove ours. */
	rte_eal_cleanup();
	if (fork() == 0) {
		execlp("rm", "rm", "-rf", "--", path, (char *)NULL);
		_exit(127);
	}
}

/* The context of one route table; the ports are the same in both. */
static void
make_ctx(struct pg_fwd_ctx *c, const char *yaml, size_t len, const uint16_t *port_id)
{
	/* Small tables: two of them, two copies each, fit in -m 512. */
	static const struct pg_fib_limits limits = { .max_routes = 1024, .max_tbl8 = 256 };
	struct pg_fib_port fports[N_PORTS];
	char err[PG_CONF_ERR_LEN];
	struct pg_conf *conf;
	struct pg_fib *fib;
	unsigned int i;

	conf = pg_conf_parse(yaml, len, err);
	if (conf == NULL)
		die(err);
	memset(c, 0, sizeof(*c));
	for (i = 0; i < N_PORTS; i++) {
		memcpy(fports[i].mac.addr_bytes, conf->ports[i].mac, 6);
		fports[i].ip4 = conf->ports[i].ip4;
		fports[i].ip4_len = conf->ports[i].ip4_len;
		c->port[i].mac = fports[i].mac;
		c->port[i].port_id = port_id[i];
		c->port[i].ip4_be = rte_cpu_to_be_32(fports[i].ip4);
		c->port[i].mtu = conf->ports[i].mtu;   /* icmp_rate 0: no ICMP errors */
		c->port_index[port_id[i]] = (uint8_t)i;
	}
	fib = pg_fib_create(conf, fports, &limits, SOCKET_ID_ANY, err);
	if (fib == NULL)
		die(err);
	c->fib = fib;
	c->n_ports = N_PORTS;
	pg_conf_free(conf);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal_args[] = { (*argv)[0], "-l", "0", "--no-huge", "-m", "512",
		"--no-pci", "--no-telemetry", file_prefix, "--log-level", "*:error",
		"--vdev", "net_ring0", "--vdev", "net_ring1", NULL };
	struct rte_eth_conf ec;
	uint16_t port_id[N_PORTS];
	unsigned int i;

	(void)argc;
	snprintf(file_prefix, sizeof(file_prefix), "--file-prefix=pg_fuzz_fwd_%d",
		 (int)getpid());
	rte_openlog_stream(stderr);
	if (rte_eal_init(RTE_DIM(eal_args) - 1, eal_args) < 0)
		die("EAL init failed");
	atexit(cleanup);
	/* No per-lcore cache: the in-use count is exact after every input. */
	pool = rte_pktmbuf_pool_create("fuzz_pool", 8191, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL)
		die("mempool");
	memset(&ec, 0, sizeof(ec));
	for (i = 0; i < N_PORTS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "net_ring%u", i);
		if (rte_eth_dev_get_port_by_name(name, &port_id[i]) != 0 ||
		    rte_eth_dev_configure(port_id[i], 1, 1, &ec) != 0 ||
		    rte_eth_rx_queue_setup(port_id[i], 0, 1024, SOCKET_ID_ANY, NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(port_id[i], 0, 1024, SOCKET_ID_ANY, NULL) != 0 ||
		    rte_eth_dev_start(port_id[i]) != 0)
			die("port set-up");
	}
	events = rte_ring_create_elem("fuzz_neigh_events", sizeof(struct pg_neigh_event),
				      1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (events == NULL)
		die("event ring");
	make_ctx(&ctxs[0], conf_yaml, sizeof(conf_yaml) - 1, port_id);
	make_ctx(&ctxs[1], conf2_yaml, sizeof(conf2_yaml) - 1, port_id);
	pool_base = rte_mempool_in_use_count(pool);
	return 0;
}

/* Make only [data_off, data_off + data_len) of the buffer addressable. */
static void
poison_outside(struct rte_mbuf *m)
{
	uint8_t *buf = m->buf_addr;

	ASAN_POISON_MEMORY_REGION(buf, m->data_off);
	ASAN_POISON_MEMORY_REGION(buf + m->data_off + m->data_len,
				  m->buf_len - m->data_off - m->data_len);
}

static void
unpoison(struct rte_mbuf *m)
{
	for (; m != NULL; m = m->next)
		ASAN_UNPOISON_MEMORY_REGION(m->buf_addr, m->buf_len);
}

static const uint64_t cksum_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, RTE_MBUF_F_RX_IP_CKSUM_BAD,
	RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_NONE,
};

/* Marks (in mbuf->hash.usr, which the stages do not use) a frame that came
 * in as an ICMP echo request, so that an answer can be told from a forwarded
 * ICMP message on the way out. */
#define ECHO_REQUEST_IN 0x8

static bool
is_echo_request(const uint8_t *p, uint32_t len)
{
	uint32_t hlen;

	if (len < RTE_ETHER_HDR_LEN + 20 || p[12] != 0x08 || p[13] != 0x00 ||
	    p[RTE_ETHER_HDR_LEN + 9] != IPPROTO_ICMP)
		return false;
	hlen = (p[RTE_ETHER_HDR_LEN] & 0xfu) * 4;
	return len > RTE_ETHER_HDR_LEN + hlen &&
		p[RTE_ETHER_HDR_LEN + hlen] == RTE_IP_ICMP_ECHO_REQUEST;
}

/* One frame as a chain of mbufs of at most seg bytes each; NULL when the
 * pool is exhausted (not a finding: the input is skipped). */
static struct rte_mbuf *
make_frame(const uint8_t *p, uint32_t len, uint32_t seg, uint8_t flags)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;

	do {
		const uint32_t n = RTE_MIN(len - off, seg);
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		if (m == NULL) {
			if (head != NULL) {
				unpoison(head);
				rte_pktmbuf_free(head);
			}
			return NULL;
		}
		unpoison(m);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), p + off, n);
		m->data_len = (uint16_t)n;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
		}
		last = m;
		off += n;
	} while (off < len);
	head->pkt_len = len;
	head->ol_flags = cksum_flags[flags & 3];
	head->hash.usr = is_echo_request(p, len) ? ECHO_REQUEST_IN : 0;
	head->port = 0;
	for (last = head; last != NULL; last = last->next)
		poison_outside(last);
	return head;
}

static uint16_t
sum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint16_t s = 0;

	check(rte_raw_cksum_mbuf(m, off, len, &s) == 0, "cksum over the frame");
	return s;
}

/* What a port sent must be a sane frame. */
static void
check_sent(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	uint32_t hlen, tlen;

	check(m->pkt_len >= sizeof(*eth), "sent a runt");
	check(!rte_is_multicast_ether_addr(&eth->src_addr), "sent from a group MAC");
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return;
	check(m->data_len >= sizeof(*eth) + sizeof(*ip), "sent IPv4 header not in segment");
	hlen = (ip->version_ihl & 0xfu) * 4;
	tlen = rte_be_to_cpu_16(ip->total_length);
	check((ip->version_ihl >> 4) == 4 && hlen >= sizeof(*ip), "sent a bad IPv4 header");
	check(tlen >= hlen && tlen <= m->pkt_len - sizeof(*eth), "sent a bad total length");
	check(ip->time_to_live >= 1, "sent TTL 0");
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		check(sum_mbuf(m, sizeof(*eth), hlen) == 0xffff, "sent a bad IPv4 checksum");
	/* An echo request that left as a reply was answered by us (forwarding
	 * never changes the ICMP type): its checksum must verify. */
	if (m->hash.usr == ECHO_REQUEST_IN && tlen >= hlen + 8 &&
	    m->data_len >= sizeof(*eth) + hlen + 8 &&
	    rte_pktmbuf_mtod_offset(m, const uint8_t *, sizeof(*eth) + hlen)[0] ==
	    RTE_IP_ICMP_ECHO_REPLY)
		check(sum_mbuf(m, sizeof(*eth) + hlen, tlen - hlen) == 0xffff,
		      "echo reply with a bad ICMP checksum");
}

static void
run_burst(struct pg_fwd_lcore *lc, struct pg_lcore_stats *st, uint16_t in_port,
	  struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i += PG_BURST) {
		const uint16_t k = RTE_MIN((uint16_t)(n - i), (uint16_t)PG_BURST);

		pg_fwd_count_rx(st, in_port, k);
		pg_fwd_burst(lc, in_port, pkts + i, k);
	}
	pg_fwd_tx_flush_all(lc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pg_fwd_lcore lc;
	static struct pg_lcore_stats st;
	const struct pg_fwd_ctx *ctx;
	struct rte_mbuf *pkts[MAX_FRAMES], *out[256];
	uint64_t drops = 0, port_drops = 0, tx_drops = 0, sent = 0;
	uint16_t in_port, n = 0, i, p, got;
	size_t off = 1;

	if (size < 1)
		return 0;
	in_port = data[0] & 1;
	ctx = &ctxs[(data[0] >> 1) & 1];
	while (off + 4 <= size && n < MAX_FRAMES) {
		uint32_t len = (uint32_t)data[off] << 8 | data[off + 1];
		const uint8_t flags = data[off + 2];
		uint32_t seg = (flags & 4) ? ((uint32_t)data[off + 3] + 1) * 8 :
			rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;

		off += 4;
		len = RTE_MIN(len, (uint32_t)MAX_FRAME);
		len = RTE_MIN(len, (uint32_t)(size - off));
		pkts[n] = make_frame(data + off, len, seg, flags);
		if (pkts[n] == NULL)
			break;
		n++;
		off += len;
	}

	/* What a pipeline RX lcore reads of each frame to pick its lcore. */
	for (i = 0; i < n; i++)
		flow_hashes += pg_flow_hash(pkts[i]);

	memset(&st, 0, sizeof(st));
	pg_fwd_lcore_init(&lc, ctx, &st, 0);
	/* Odd inputs run with ARP learning on: replies to us are consumed
	 * (counted local, not sent) and misses ask for resolution. */
	lc.neigh_events = (data[0] & 4) ? events : NULL;
	run_burst(&lc, &st, in_port, pkts, n);

	for (p = 0; p < N_PORTS; p++) {
		while ((got = rte_eth_rx_burst(ctx->port[p].port_id, 0, out, RTE_DIM(out))) != 0) {
			for (i = 0; i < got; i++) {
				check_sent(out[i]);
				unpoison(out[i]);
			}
			rte_pktmbuf_free_bulk(out, got);
			sent += got;
		}
	}

	for (i = 0; i < PG_DROP_MAX; i++)
		drops += st.drop[i];
	for (p = 0; p < N_PORTS; p++) {
		port_drops += st.port[p].rx_drops;
		tx_drops += st.port[p].tx_drops;
	}
	check(st.rx == n, "rx counter");
	check(st.rx == st.forwarded + st.local + drops, "rx != forwarded + local + drops");
	/* An ARP reply to us is consumed by learning: local, but not sent. */
	check(lc.neigh_events != NULL ? st.tx <= st.forwarded + st.local :
	      st.tx == st.forwarded + st.local, "tx != forwarded + local");
	{
		struct pg_neigh_event ev;

		while (rte_ring_sc_dequeue_elem(events, &ev, sizeof(ev)) == 0) {
			check(ev.kind >= PG_NEIGH_EV_RESOLVE && ev.kind <= PG_NEIGH_EV_ASKED_US,
			      "neighbor event of no kind");
			check(ev.port < ctx->n_ports, "neighbor event for no port");
			check(ev.kind == PG_NEIGH_EV_RESOLVE ||
			      (!(ev.mac[0] & 1) && (ev.mac[0] | ev.mac[1] | ev.mac[2] |
						    ev.mac[3] | ev.mac[4] | ev.mac[5])),
			      "neighbor learnt with a group or zero MAC");
		}
	}
	check(sent == st.tx, "frames out != tx counter");
	check(port_drops == st.port[in_port].rx_drops, "rx_drops on a port that received nothing");
	check(port_drops + tx_drops == drops, "per-port drops != drop reasons");
	check(tx_drops == st.drop[PG_DROP_tx_full], "tx_drops != tx_full");
	check(rte_mempool_in_use_count(pool) == pool_base, "mbuf leak");
	return 0;
}
