/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * pktgate-gen: a small DPDK traffic generator for testing pktgate. Parse
 * our options (before EAL, so bad input touches nothing), set up the TX and
 * RX ports, launch the TX/RX roles on worker lcores, and run the timeline
 * on the main lcore: wait for TX to finish, let the in-flight frames drain,
 * stop RX, report.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "gen.h"
#include "gen_lat.h"
#include "gen_report.h"
#include "gen_worker.h"

#ifndef GEN_VERSION
#define GEN_VERSION "unknown"
#endif

#define EXIT_USAGE 2

enum {
	GEN_RX_DESC = 1024,
	GEN_TX_DESC = 1024,
	/* TX: the TX ring, a burst being built, the refused ones, and on a
	 * loopback device (net_ring) the frames queued on its RX side too;
	 * 2^k - 1 is what mempools store best. */
	GEN_TX_POOL = 16383,
	GEN_RX_POOL = 8191,
	GEN_POOL_CACHE = 256,
	GEN_LINK_WAIT_MS = 10000,
	GEN_TICK_MS = 10,
};

static volatile sig_atomic_t signals;

static void
on_signal(int sig)
{
	(void)sig;
	signals++;
}

static int
fail(int code, const char *fmt, ...) __rte_format_printf(2, 3);

static int
fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("pktgate-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The TX mempool's mbufs only ever hold our frames: zero their data once so
 * the bytes past the 64-byte template (frames > 64 bytes) are zeros rather
 * than whatever the memory held. */
static void
zero_mbuf_data(struct rte_mempool *mp, void *opaque, void *obj, unsigned int idx)
{
	struct rte_mbuf *m = obj;

	RTE_SET_USED(mp);
	RTE_SET_USED(opaque);
	RTE_SET_USED(idx);
	memset(m->buf_addr, 0, m->buf_len);
}

static int
port_setup(uint16_t port, struct rte_mempool *rx_pool, int socket, bool is_tx)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nb_rxd = GEN_RX_DESC, nb_txd = GEN_TX_DESC;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret != 0)
		return fail(-1, "port %u: cannot get device info: %s", port, strerror(-ret));
	memset(&conf, 0, sizeof(conf));
	/* Every mbuf on the TX queue comes from the TX pool with refcnt 1. */
	if (is_tx && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE))
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	/* One queue pair even where only one direction is used: some drivers
	 * refuse a port without RX or TX queues. */
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret != 0)
		return fail(-1, "port %u: configure failed: %s", port, strerror(-ret));
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret != 0)
		return fail(-1, "port %u: descriptor counts refused: %s", port, strerror(-ret));
	ret = rte_eth_rx_queue_setup(port, 0, nb_rxd, (unsigned int)socket, NULL, rx_pool);
	if (ret != 0)
		return fail(-1, "port %u: RX queue setup failed: %s", port, strerror(-ret));
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	ret = rte_eth_tx_queue_setup(port, 0, nb_txd, (unsigned int)socket, &txconf);
	if (ret != 0)
		return fail(-1, "port %u: TX queue setup failed: %s", port, strerror(-ret));
	return 0;
}

static int
wait_link(const uint16_t *ports, unsigned int n_ports)
{
	unsigned int waited, i;
	bool said = false;

	for (waited = 0; waited <= GEN_LINK_WAIT_MS; waited += 50) {
		unsigned int up = 0;

		for (i = 0; i < n_ports; i++) {
			struct rte_eth_link link;

			if (rte_eth_link_get_nowait(ports[i], &link) == 0 &&
			    link.link_status == RTE_ETH_LINK_UP)
				up++;
		}
		if (up == n_ports)
			return 0;
		if (signals != 0)
			break;
		if (!said && waited >= 500) {
			fprintf(stderr, "pktgate-gen: waiting up to %u s for link up\n",
				GEN_LINK_WAIT_MS / 1000);
			said = true;
		}
		sleep_ms(50);
	}
	for (i = 0; i < n_ports; i++) {
		struct rte_eth_link link;

		if (rte_eth_link_get_nowait(ports[i], &link) != 0 ||
		    link.link_status != RTE_ETH_LINK_UP)
			fail(0, "port %u: link down", ports[i]);
	}
	return -1;
}

static void
print_interval(FILE *out, const struct gen_tx *tx, const struct gen_rx *rx,
	       double t, double dt, uint64_t *last_tx, uint64_t *last_rx)
{
	const uint64_t ntx = gen_ctr_read(&tx->st.packets) + gen_ctr_read(&tx->st.warmup);
	const uint64_t nrx = gen_ctr_read(&rx->st.packets) + gen_ctr_read(&rx->st.warmup);

	fprintf(out, "[%7.1f s] tx %9.3f Mpps  rx %9.3f Mpps  total tx %" PRIu64
		" rx %" PRIu64 "\n", t, (double)(ntx - *last_tx) / dt / 1e6,
		(double)(nrx - *last_rx) / dt / 1e6, ntx, nrx);
	fflush(out);
	*last_tx = ntx;
	*last_rx = nrx;
}

/* The main lcore's part: stop TX on a signal, print rates, and once TX is
 * done give the frames in flight --drain-ms to come back before RX stops. */
static void
control(const struct gen_cfg *cfg, const struct gen_tx *tx, const struct gen_rx *rx,
	FILE *out)
{
	const double start = now_s();
	double next = start + cfg->stats_interval_s, last = start;
	uint64_t last_tx = 0, last_rx = 0;
	bool stop_sent = false;
	unsigned int ms;

	while (!gen_tx_done()) {
		if (signals != 0 && !stop_sent) {
			gen_stop_tx();
			stop_sent = true;
		}
		sleep_ms(GEN_TICK_MS);
		if (cfg->stats_interval_s > 0 && now_s() >= next) {
			const double t = now_s();

			print_interval(out, tx, rx, t - start, t - last, &last_tx, &last_rx);
			last = t;
			next += cfg->stats_interval_s;
		}
	}
	for (ms = 0; ms < cfg->drain_ms; ms += GEN_TICK_MS)
		sleep_ms(RTE_MIN((unsigned int)GEN_TICK_MS, cfg->drain_ms - ms));
	gen_stop_rx();
}

static void
collect(struct gen_report *r, const struct gen_cfg *cfg, const struct gen_tx *tx,
	const struct gen_rx *rx, uint64_t hz)
{
	const uint16_t ids[2] = { cfg->tx_port, cfg->rx_port };
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->hz = hz;
	r->tx = tx->st;
	r->rx = rx->st;
	r->lat = &rx->lat;
	if (r->tx.start_tsc != 0 && r->tx.end_tsc > r->tx.start_tsc)
		r->duration_s = (double)(r->tx.end_tsc - r->tx.start_tsc) / (double)hz;
	r->n_ports = cfg->tx_port == cfg->rx_port ? 1 : 2;
	for (i = 0; i < r->n_ports; i++) {
		struct gen_report_port *p = &r->port[i];

		p->id = ids[i];
		p->role = r->n_ports == 1 ? "tx+rx" : (i == 0 ? "tx" : "rx");
		if (rte_eth_dev_get_name_by_port(p->id, p->name) != 0)
			snprintf(p->name, sizeof(p->name), "?");
		/* Read now: a memif peer resets the counters when it leaves. */
		p->stats_ok = rte_eth_stats_get(p->id, &p->st) == 0;
	}
}

static void
linger(double s)
{
	const sig_atomic_t seen = signals;
	const double end = now_s() + s;

	while (now_s() < end && signals == seen)
		sleep_ms(GEN_TICK_MS);
}

static int
run(const struct gen_cfg *cfg, FILE *json, FILE *out)
{
	static struct gen_worker workers[2];
	const uint16_t port_ids[2] = { cfg->tx_port, cfg->rx_port };
	const unsigned int n_ports = cfg->tx_port == cfg->rx_port ? 1 : 2;
	const uint64_t hz = rte_get_tsc_hz();
	struct rte_mempool *tx_pool = NULL, *rx_pool = NULL;
	struct rte_ether_addr src_mac;
	struct gen_tpl tpl = { .flows = NULL };
	struct gen_report rep;
	struct gen_tx *tx = NULL;
	struct gen_rx *rx = NULL;
	unsigned int tx_lcore, rx_lcore, extra, i, started = 0;
	int tx_socket, rx_socket, code = EXIT_FAILURE, ret;

	for (i = 0; i < n_ports; i++)
		if (!rte_eth_dev_is_valid_port(port_ids[i]))
			return fail(EXIT_USAGE, "%s %u: no such DPDK port (%u available)",
				    i == 0 ? "--tx-port" : "--rx-port", port_ids[i],
				    rte_eth_dev_count_avail());
	tx_lcore = rte_get_next_lcore(-1, 1, 0);
	if (tx_lcore >= RTE_MAX_LCORE)
		return fail(EXIT_USAGE, "needs a worker lcore besides the main lcore (e.g. -l 0,1)");
	rx_lcore = rte_get_next_lcore(tx_lcore, 1, 0);
	if (rx_lcore >= RTE_MAX_LCORE)
		rx_lcore = tx_lcore;
	extra = rte_lcore_count() - (rx_lcore == tx_lcore ? 2 : 3);
	if (extra != 0)
		fprintf(stderr, "pktgate-gen: %u lcore(s) beyond TX and RX left idle\n", extra);
	tx_socket = (int)rte_lcore_to_socket_id(tx_lcore);
	rx_socket = (int)rte_lcore_to_socket_id(rx_lcore);

	tx_pool = rte_pktmbuf_pool_create("gen_tx", GEN_TX_POOL, GEN_POOL_CACHE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, tx_socket);
	rx_pool = rte_pktmbuf_pool_create("gen_rx", GEN_RX_POOL, GEN_POOL_CACHE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, rx_socket);
	if (tx_pool == NULL || rx_pool == NULL) {
		fail(0, "cannot create mbuf pools: %s", rte_strerror(rte_errno));
		goto out;
	}
	rte_mempool_obj_iter(tx_pool, zero_mbuf_data, NULL);
	tx = rte_zmalloc_socket("gen_tx", sizeof(*tx), RTE_CACHE_LINE_SIZE, tx_socket);
	rx = rte_zmalloc_socket("gen_rx", sizeof(*rx), RTE_CACHE_LINE_SIZE, rx_socket);
	if (tx == NULL || rx == NULL) {
		fail(0, "cannot allocate worker state");
		goto out;
	}

	for (i = 0; i < n_ports; i++)
		if (port_setup(port_ids[i], rx_pool, i == 0 ? tx_socket : rx_socket,
			       port_ids[i] == cfg->tx_port) != 0)
			goto out;
	/* Frames that come back are addressed to whatever the far end chose
	 * (our --dst-mac through a loop, a neighbor MAC through a router). */
	ret = rte_eth_promiscuous_enable(cfg->rx_port);
	if (ret != 0 && ret != -ENOTSUP)
		fprintf(stderr, "pktgate-gen: port %u: promiscuous mode: %s\n",
			cfg->rx_port, strerror(-ret));
	if (cfg->has_src_mac)
		src_mac = cfg->src_mac;
	else
		rte_eth_macaddr_get(cfg->tx_port, &src_mac);
	if (gen_tpl_build(&tpl, cfg, &src_mac, tx_socket) != 0) {
		fail(0, "cannot allocate the table of %u flows", cfg->n_flows);
		goto out;
	}

	for (i = 0; i < n_ports; i++) {
		ret = rte_eth_dev_start(port_ids[i]);
		if (ret != 0) {
			fail(0, "port %u: start failed: %s (a memif client needs its server"
			     " running)", port_ids[i], strerror(-ret));
			goto out;
		}
		started++;
	}
	if (wait_link(port_ids, n_ports) != 0)
		goto out;

	tx->port = cfg->tx_port;
	tx->burst = (uint16_t)cfg->burst;
	tx->pool = tx_pool;
	tx->tpl = &tpl;
	tx->hz = hz;
	tx->warmup_s = cfg->warmup_s;
	tx->duration_s = cfg->duration_s;
	tx->count = cfg->count;
	tx->rate_pps = cfg->rate_pps;
	rx->port = cfg->rx_port;
	rx->burst = (uint16_t)cfg->burst;
	gen_lat_reset(&rx->lat);
	if (rx_lcore == tx_lcore) {
		workers[0].tx = tx;
		workers[0].rx = rx;
	} else {
		workers[0].tx = tx;
		workers[1].rx = rx;
		/* RX first, so it polls before the first frame comes back. */
		ret = rte_eal_remote_launch(gen_worker_main, &workers[1], rx_lcore);
		if (ret != 0) {
			fail(0, "cannot launch RX on lcore %u: %s", rx_lcore, strerror(-ret));
			goto out;
		}
	}
	ret = rte_eal_remote_launch(gen_worker_main, &workers[0], tx_lcore);
	if (ret != 0) {
		fail(0, "cannot launch TX on lcore %u: %s", tx_lcore, strerror(-ret));
		gen_stop_rx();
		rte_eal_mp_wait_lcore();
		goto out;
	}

	control(cfg, tx, rx, out);
	rte_eal_mp_wait_lcore();

	collect(&rep, cfg, tx, rx, hz);
	rep.tx_lcore = tx_lcore;
	rep.rx_lcore = rx_lcore;
	gen_report_text(out, &rep);
	code = EXIT_SUCCESS;
	if (json != NULL && gen_report_json(json, &rep) != 0)
		code = fail(EXIT_FAILURE, "--json: write failed");
	if (rep.tx.packets == 0)
		code = fail(EXIT_FAILURE, "no frame was sent in the measured phase");
	if (cfg->linger_s > 0)
		linger(cfg->linger_s);

out:
	for (i = 0; i < started; i++)
		rte_eth_dev_stop(port_ids[i]);
	for (i = 0; i < n_ports; i++)
		if (rte_eth_dev_is_valid_port(port_ids[i]))
			rte_eth_dev_close(port_ids[i]);
	gen_tpl_free(&tpl);
	rte_free(tx);
	rte_free(rx);
	rte_mempool_free(tx_pool);
	rte_mempool_free(rx_pool);
	return code;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct gen_cfg cfg;
	char err[GEN_ERR_LEN];
	FILE *json = NULL, *out = stdout;
	int code;

	if (gen_args_parse(argc, argv, &cfg, err) != 0)
		return fail(EXIT_USAGE, "%s", err);
	if (cfg.help) {
		fputs(gen_usage(), stdout);
		return EXIT_SUCCESS;
	}
	if (cfg.version) {
		printf("pktgate-gen %s (%s)\n", GEN_VERSION, rte_version());
		return EXIT_SUCCESS;
	}
	/* Open the JSON file first: a bad path fails before any port moves. */
	if (cfg.json != NULL && strcmp(cfg.json, "-") == 0) {
		json = stdout;
		out = stderr;   /* stdout carries nothing but the JSON object */
	} else if (cfg.json != NULL) {
		json = fopen(cfg.json, "w");
		if (json == NULL)
			return fail(EXIT_USAGE, "--json: cannot open '%s': %s", cfg.json,
				    strerror(errno));
	}

	/* EAL writes its log to stdout by default; keep stdout for results. */
	rte_openlog_stream(stderr);
	if (rte_eal_init(cfg.eal_argc, argv) < 0) {
		code = rte_errno == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
		fail(code, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	code = run(&cfg, json, out);
	rte_eal_cleanup();
out:
	if (json != NULL && json != stdout) {
		/* No report: leave no empty file that looks like one. */
		const bool empty = ftell(json) == 0;

		if (fclose(json) != 0 && code == EXIT_SUCCESS)
			code = fail(EXIT_FAILURE, "--json: write failed");
		if (empty)
			unlink(cfg.json);
	}
	return code;
}
