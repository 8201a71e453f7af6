/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * pktgate: wires the libraries together. Parse the command line and the
 * config (before EAL, so bad input touches nothing), start EAL, set up
 * ports and tables, launch one worker per worker lcore, and run the control
 * thread on the main lcore until a signal, --duration or --idle-exit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "check.h"
#include "control.h"
#include "ctl.h"
#include "pg_acl.h"
#include "pg_cli.h"
#include "pg_conf.h"
#include "pg_fib.h"
#include "pg_rcu.h"
#include "pg_fwd.h"
#include "pg_port.h"
#include "pg_punt.h"
#include "pg_telemetry.h"
#include "pg_worker.h"

#define EXIT_USAGE 2

static volatile sig_atomic_t signalled;

static void
on_signal(int sig)
{
	(void)sig;
	signalled = 1;
}

static int
fail(int code, const char *err)
{
	fprintf(stderr, "pktgate: %s\n", err);
	return code;
}

static void
fill_ctx(struct pg_fwd_ctx *ctx, const struct pg_ports *ports,
	 const struct pg_fib *fib, const struct pg_fib6 *fib6, const struct pg_conf *conf)
{
	unsigned int i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->fib = fib;
	ctx->fib6 = fib6;
	ctx->n_ports = ports->n_ports;
	ctx->icmp_rate = conf->icmp_rate;
	ctx->icmp_burst = conf->icmp_burst;
	for (i = 0; i < ports->n_ports; i++) {
		ctx->port[i].mac = ports->port[i].mac;
		ctx->port[i].port_id = ports->port[i].port_id;
		ctx->port[i].ip4_be = rte_cpu_to_be_32(ports->port[i].ip4);
		ctx->port[i].mtu = conf->ports[i].mtu;
		ctx->port[i].sw_cksum = !ports->port[i].rx_ip_cksum;
		ctx->port_index[ports->port[i].port_id] = (uint8_t)i;
	}
}

/* Event rings from every forwarding worker; the first one also sends what
 * the resolver asks it to (ARP requests). */
static struct pg_neigh_params
neigh_params(const struct pg_conf_arp *arp)
{
	const struct pg_neigh_params p = {
		.reachable_s = arp->reachable_s,
		.retry_s = arp->retry_ms / 1000.0,
		.probes = arp->probes,
		.max_entries = arp->max_entries,
	};

	return p;
}

static struct pg_neigh *
attach_neigh(struct pg_workers *ws, const struct pg_ports *ports, struct pg_fib *fib,
	     const struct pg_conf_arp *arp)
{
	const int socket = (int)rte_lcore_to_socket_id(ws->fwd_lcores[0]);
	const struct pg_neigh_params p = neigh_params(arp);
	struct pg_neigh *n;
	unsigned int i, k = 0;

	n = pg_neigh_create(fib, &p, ws->n_fwd, ports->pool[socket < 0 ? 0 : socket],
			    socket);
	if (n == NULL)
		return NULL;
	for (i = 0; i < ws->n; i++) {
		struct pg_worker *wk = ws->w[i];

		if (wk->role == PG_ROLE_RX)
			continue;
		wk->fwd.neigh_events = pg_neigh_event_ring(n, k);
		if (k++ == 0)
			wk->fwd.inject = pg_neigh_inject_ring(n);
	}
	return n;
}

/* Dynamic IPv6 neighbors ride on the IPv4 resolver: same `arp:` knobs,
 * same inject ring (one producer: the control thread). */
static struct pg_neigh6 *
attach_neigh6(struct pg_workers *ws, const struct pg_ports *ports, struct pg_fib6 *fib6,
	      struct pg_neigh *neigh, const struct pg_conf_arp *arp)
{
	const int socket = (int)rte_lcore_to_socket_id(ws->fwd_lcores[0]);
	const struct pg_neigh_params p = neigh_params(arp);
	struct pg_neigh6 *n;
	unsigned int i, k = 0;

	n = pg_neigh6_create(fib6, &p, ws->n_fwd, ports->pool[socket < 0 ? 0 : socket],
			     pg_neigh_inject_ring(neigh), socket);
	if (n == NULL)
		return NULL;
	for (i = 0; i < ws->n; i++) {
		struct pg_worker *wk = ws->w[i];

		if (wk->role != PG_ROLE_RX)
			wk->fwd.neigh6_events = pg_neigh6_event_ring(n, k++);
	}
	return n;
}

static int
setup_error_code(int ret)
{
	return ret == -EINVAL || ret == -ENODEV ? EXIT_USAGE : EXIT_FAILURE;
}

/* Table room: the defaults (pg_fib.h), plus FRR's share if one is set, and
 * the tbl8 and ECMP groups of limits: (0: the defaults). Each route costs both
 * copies: no more than asked for (tests run in 256 MB). */
static const struct pg_fib_limits *
fib_limits(const struct pg_conf *conf, struct pg_fib_limits *lim)
{
	const uint32_t cand = 3 * conf->n_ports + conf->n_neighbors + conf->n_routes;

	memset(lim, 0, sizeof(*lim));
	if (conf->fpm.enabled && conf->fpm.max_routes > 0)
		lim->max_routes = RTE_MAX(2 * cand, 65536u) + conf->fpm.max_routes;
	lim->max_tbl8 = conf->limits.ipv4_tbl8_groups;
	lim->tbl8_limit = conf->limits.ipv4_tbl8_groups_max;
	lim->max_groups = conf->limits.ipv4_ecmp_groups;
	lim->max_group_members = conf->limits.ipv4_ecmp_group_members;
	return lim;
}

static int
run(const struct pg_cli *cli, struct pg_conf *conf)
{
	static struct pg_ports ports;
	static struct pg_fwd_ctx ctx;
	static struct pg_workers workers;
	static struct pg_acl_ctl acl_ctl;
	struct pg_fib_port fib_ports[PG_MAX_PORTS];
	struct pg_fib_limits limits;
	struct pg_telemetry_view view;
	struct pg_cmd_handlers handlers;
	struct pg_ctl_view ctl_view;
	struct pg_ctlsock *ctlsock = NULL;
	struct pg_port_plan plan;
	struct pg_control ctl;
	struct rte_ether_addr macs[PG_MAX_PORTS];
	struct pg_fib *fib = NULL;
	struct pg_neigh *neigh = NULL;
	struct pg_neigh6 *neigh6 = NULL;
	struct pg_fib6 *fib6 = NULL;
	struct pg_fpm *fpm = NULL;
	struct pg_punt *punt = NULL;
	char err[PG_CONF_ERR_LEN];
	enum pg_stop_cause cause;
	unsigned int i, launched = 0;
	double start;
	int ret, code = EXIT_FAILURE;

	if (pg_conf_check_runtime(conf, pg_lcore_enabled, rte_get_main_lcore(),
				  pg_device_exists, err) != 0)
		return fail(EXIT_USAGE, err);
	pg_workers_plan(&workers, conf);
	plan.rx_lcores = workers.rx_lcores;
	plan.n_rx = workers.n_rx;
	plan.tx_lcores = workers.fwd_lcores;
	plan.n_tx = workers.n_fwd;
	plan.ring_mbufs = conf->mode == PG_MODE_PIPELINE ?
			  conf->ring_size * workers.n_rx * workers.n_fwd : 0;
	plan.ring_mbufs += pg_punt_mbufs(conf, workers.n_fwd);
	ret = pg_ports_setup(&ports, conf, &plan, err);
	if (ret != 0) {
		code = fail(setup_error_code(ret), err);
		goto out_ports;
	}
	for (i = 0; i < ports.n_ports; i++) {
		fib_ports[i].mac = ports.port[i].mac;
		fib_ports[i].ip4 = ports.port[i].ip4;
		fib_ports[i].ip4_len = ports.port[i].ip4_len;
	}
	fib = pg_fib_create(conf, fib_ports, fib_limits(conf, &limits),
			    (int)rte_lcore_to_socket_id(workers.fwd_lcores[0]), err);
	if (fib == NULL) {
		fail(EXIT_FAILURE, err);
		goto out_ports;
	}
	if (pg_fib6_wanted(conf)) {
		for (i = 0; i < ports.n_ports; i++)
			macs[i] = ports.port[i].mac;
		fib6 = pg_fib6_create(conf, macs,
				      (int)rte_lcore_to_socket_id(workers.fwd_lcores[0]), err);
		if (fib6 == NULL) {
			fail(EXIT_FAILURE, err);
			goto out_fib;
		}
	}
	fill_ctx(&ctx, &ports, fib, fib6, conf);
	ctx.rcu = pg_rcu_create(workers.n, (int)rte_lcore_to_socket_id(workers.fwd_lcores[0]));
	if (ctx.rcu == NULL) {
		fail(EXIT_FAILURE, "cannot allocate the table grace-period tracker");
		goto out_fib;
	}
	pg_fib_set_rcu(fib, ctx.rcu);
	if (fib6 != NULL)
		pg_fib6_set_rcu(fib6, ctx.rcu);
	/* Counter slots by worker index: the forwarding lcores' reader ids. */
	pg_acl_ctl_init(&acl_ctl, &ctx.acl, ctx.rcu, conf, workers.n,
			(int)rte_lcore_to_socket_id(workers.fwd_lcores[0]));
	if (pg_acl_reload_conf(&acl_ctl, conf, err) != 0) {
		fail(EXIT_FAILURE, err);
		goto out_fib;
	}
	if (pg_workers_create(&workers, conf, &ports, &ctx) != 0) {
		fail(EXIT_FAILURE, "cannot allocate worker state or rings");
		goto out_fib;
	}
	if (conf->arp.dynamic)
		neigh = attach_neigh(&workers, &ports, fib, &conf->arp);
	if (conf->arp.dynamic && neigh == NULL) {
		fail(EXIT_FAILURE, "cannot allocate the neighbor resolver");
		goto out_workers;
	}
	if (neigh != NULL && fib6 != NULL) {
		neigh6 = attach_neigh6(&workers, &ports, fib6, neigh, &conf->arp);
		if (neigh6 == NULL) {
			fail(EXIT_FAILURE, "cannot allocate the IPv6 neighbor resolver");
			goto out_neigh;
		}
	}

	/* After the resolver: its inject ring, if any, carries the kernel's
	 * frames too. */
	punt = pg_punt_create(conf, &ports, &workers, &ctx, err);
	if (punt == NULL && err[0] != '\0') {
		fail(EXIT_FAILURE, err);
		goto out_neigh;
	}

	if (conf->fpm.enabled) {
		fpm = pg_fpm_create(&conf->fpm, fib, err);
		if (fpm == NULL) {
			fail(EXIT_FAILURE, err);
			goto out_punt;
		}
		pg_fpm_set_fib6(fpm, fib6);
		/* zebra names our mirror interfaces as routes' OIF. */
		for (i = 0; i < ports.n_ports; i++)
			if (pg_punt_ifindex(punt, (uint16_t)i) != 0)
				pg_fpm_map_ifindex(fpm, pg_punt_ifindex(punt, (uint16_t)i),
						   (uint16_t)i);
	}

	view.conf = conf;
	view.ports = &ports;
	view.fib = fib;
	view.fib6 = fib6;
	view.workers = &workers;
	view.neigh = neigh;
	view.neigh6 = neigh6;
	view.acl = &acl_ctl;
	view.fpm = fpm;
	view.punt = punt;
	view.main_lcore = rte_get_main_lcore();
	view.version = PG_VERSION;
	if (pg_telemetry_init(&view) != 0)
		fprintf(stderr, "pktgate: warning: telemetry commands not registered\n");
	ctl_view.conf = conf;
	ctl_view.ports = &ports;
	ctl_view.fib = fib;
	ctl_view.fib6 = fib6;
	ctl_view.workers = &workers;
	ctl_view.acl = &acl_ctl;
	ctl_view.punt = punt;
	pg_ctl_handlers_init(&handlers, &ctl_view);
	if (conf->control_socket[0] != '\0') {
		ctlsock = pg_ctlsock_create(conf->control_socket, &handlers, err, sizeof(err));
		/* A socket the file asks for must work; the default one is a
		 * convenience (not root, or another pktgate has it). */
		if (ctlsock == NULL && conf->control_socket_set) {
			fail(EXIT_FAILURE, err);
			goto out_telemetry;
		}
		if (ctlsock == NULL)
			fprintf(stderr, "pktgate: warning: %s; running without it\n", err);
	}
	/* Lets dpdk-dumpcap attach to us (needs a hugepage primary). */
	if (rte_pdump_init() != 0)
		fprintf(stderr, "pktgate: warning: pdump not available (capture off)\n");

	/* A big route table takes a while to build: a stop asked for meanwhile
	 * is honoured before any port starts. */
	if (signalled) {
		printf("pktgate: stopped during start-up (signal)\n");
		code = EXIT_SUCCESS;
		goto out_telemetry;
	}
	if (pg_ports_start(&ports, err) != 0) {
		fail(EXIT_FAILURE, err);
		goto out_telemetry;
	}
	start = pg_now_s();
	for (i = 0; i < workers.n; i++) {
		ret = rte_eal_remote_launch(pg_worker_main, workers.w[i], workers.w[i]->lcore_id);
		if (ret != 0) {
			snprintf(err, sizeof(err), "cannot launch worker on lcore %u: %s",
				 workers.w[i]->lcore_id, strerror(-ret));
			fail(EXIT_FAILURE, err);
			signalled = 1;
			break;
		}
		launched++;
	}
	printf("pktgate: %u ports, %u routes (%u in the table with local, connected and"
	       " neighbor routes), %u workers (%s) running\n", ports.n_ports, conf->n_routes,
	       fib->n_routes, launched, conf->mode == PG_MODE_PIPELINE ? "pipeline" : "rtc");
	if (fib6 != NULL)
		printf("pktgate: IPv6 on, %u routes (%u in the table with local, connected and"
		       " neighbor routes)\n", conf->n_routes6, fib6->n_routes);
	fflush(stdout);

	ctl.duration_s = cli->duration_s;
	ctl.idle_exit_ms = cli->idle_exit_ms;
	ctl.stats_interval_s = cli->stats_interval_set ? cli->stats_interval_s :
			       (isatty(STDOUT_FILENO) ? 1.0 : 0.0);
	ctl.ports = &ports;
	ctl.workers = &workers;
	ctl.neigh = neigh;
	ctl.neigh6 = neigh6;
	ctl.fpm = fpm;
	ctl.punt = punt;
	ctl.signalled = &signalled;
	ctl.ctlsock = ctlsock;
	cause = pg_control_run(&ctl);
	/* Clients get "connection refused" from now on, not a silent wait. */
	pg_ctlsock_free(ctlsock);
	ctlsock = NULL;

	pg_workers_stop(&workers);
	if (launched == workers.n)
		code = EXIT_SUCCESS;
	printf("pktgate: stopping (%s)\n", pg_stop_cause_name(cause));
	pg_control_summary(&ctl, stdout, pg_now_s() - start);

out_telemetry:
	pg_ctlsock_free(ctlsock);
	pg_telemetry_fini();
	rte_pdump_uninit();
	pg_fpm_free(fpm);
out_punt:
	pg_punt_free(punt);
out_neigh:
	pg_neigh6_free(neigh6);
	pg_neigh_free(neigh);
out_workers:
	pg_workers_free(&workers);
out_fib:
	pg_fib6_free(fib6);
	pg_acl_free((struct pg_acl *)(uintptr_t)ctx.acl);
	pg_fib_free(fib);
	pg_rcu_free(ctx.rcu);
out_ports:
	pg_ports_close(&ports);
	return code;
}

int
main(int argc, char **argv)
{
	struct pg_conf *conf;
	struct pg_cli cli;
	char err[PG_CONF_ERR_LEN];
	int ret, code;

	if (pg_cli_parse(argc, argv, &cli, err) != 0) {
		fprintf(stderr, "pktgate: %s\n%s", err, pg_cli_usage());
		return EXIT_USAGE;
	}
	if (cli.help) {
		fputs(pg_cli_usage(), stdout);
		return EXIT_SUCCESS;
	}
	if (cli.version) {
		printf("pktgate %s (%s)\n", PG_VERSION, rte_version());
		return EXIT_SUCCESS;
	}
	if (cli.check_config != NULL) {
		struct pg_check_result res;

		/* No EAL here: the file alone (config check over the control
		 * socket adds the runtime checks). */
		if (pg_check_config(cli.check_config, false, &res, err) != 0)
			return fail(EXIT_USAGE, err);
		printf("%s: OK (%u ports, %u neighbors, %u routes, %u workers",
		       cli.check_config, res.ports, res.neighbors, res.routes, res.workers);
		if (res.ipv6)
			printf("; IPv6: %u neighbors, %u routes", res.neighbors6, res.routes6);
		printf(")\n");
		return EXIT_SUCCESS;
	}
	conf = pg_conf_load(cli.config, err);
	if (conf == NULL)
		return fail(EXIT_USAGE, err);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = rte_eal_init(cli.eal_argc, argv);
	if (ret < 0) {
		snprintf(err, sizeof(err), "EAL initialisation failed: %s",
			 rte_strerror(rte_errno));
		pg_conf_free(conf);
		return fail(EXIT_USAGE, err);
	}

	code = run(&cli, conf);
	pg_conf_free(conf);
	rte_eal_cleanup();
	return code;
}
