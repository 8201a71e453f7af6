/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

/* How often the control thread wakes: bounds the latency of --idle-exit
 * and of a stop signal, and costs nothing measurable. */
#define TICK_NS (10 * 1000 * 1000)
/* With kernel interfaces the tick is also the exception path's latency
 * and bounds its rate (punt ring size per tick): shorter. */
#define PUNT_TICK_NS (1000 * 1000)

double
pg_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *
pg_stop_cause_name(enum pg_stop_cause cause)
{
	switch (cause) {
	case PG_STOP_SIGNAL: return "signal";
	case PG_STOP_DURATION: return "duration";
	case PG_STOP_IDLE: return "idle";
	}
	return "?";
}

static void
stats_line(const struct pg_control *ctl, const struct pg_stats_total *now,
	   const struct pg_stats_total *prev, double dt)
{
	unsigned int p;

	printf("stats:");
	for (p = 0; p < ctl->ports->n_ports; p++) {
		const struct pg_port_counters *a = &now->port[p], *b = &prev->port[p];

		printf(" %s rx %.3f tx %.3f drop %.3f Mpps |", ctl->ports->port[p].name,
		       (double)(a->rx - b->rx) / dt / 1e6,
		       (double)(a->tx - b->tx) / dt / 1e6,
		       (double)(a->rx_drops + a->tx_drops - b->rx_drops - b->tx_drops) /
		       dt / 1e6);
	}
	printf(" fwd %.3f Mpps drops %" PRIu64 "\n",
	       (double)(now->forwarded - prev->forwarded) / dt / 1e6, now->drops);
	fflush(stdout);
}

enum pg_stop_cause
pg_control_run(const struct pg_control *ctl)
{
	const struct timespec tick = {
		.tv_sec = 0, .tv_nsec = ctl->punt != NULL ? PUNT_TICK_NS : TICK_NS };
	const double start = pg_now_s();
	double last_rx_change = start, last_line = start;
	struct pg_stats_total prev, cur;

	pg_workers_sum(ctl->workers, &prev);
	for (;;) {
		double t;
		uint64_t last_rx = prev.rx;

		nanosleep(&tick, NULL);
		t = pg_now_s();
		if (*ctl->signalled)
			return PG_STOP_SIGNAL;
		if (ctl->duration_s > 0 && t - start >= ctl->duration_s)
			return PG_STOP_DURATION;
		if (ctl->neigh != NULL)
			pg_neigh_poll(ctl->neigh, t);
		if (ctl->neigh6 != NULL)
			pg_neigh6_poll(ctl->neigh6, t);
		if (ctl->ctlsock != NULL)
			pg_ctlsock_poll(ctl->ctlsock);
		if (ctl->fpm != NULL)
			pg_fpm_poll(ctl->fpm, t);
		if (ctl->punt != NULL)
			pg_punt_poll(ctl->punt);
		pg_workers_sum(ctl->workers, &cur);
		if (cur.rx != last_rx)
			last_rx_change = t;
		if (ctl->idle_exit_ms > 0 &&
		    (t - last_rx_change) * 1000.0 >= (double)ctl->idle_exit_ms)
			return PG_STOP_IDLE;
		if (ctl->stats_interval_s > 0 && t - last_line >= ctl->stats_interval_s) {
			stats_line(ctl, &cur, &prev, t - last_line);
			last_line = t;
			prev = cur;
		} else {
			prev.rx = cur.rx;
		}
	}
}

void
pg_control_summary(const struct pg_control *ctl, FILE *out, double elapsed_s)
{
	struct pg_stats_total t;
	unsigned int i;

	pg_workers_sum(ctl->workers, &t);
	fprintf(out, "summary: %.3f s rx %" PRIu64 " tx %" PRIu64 " forwarded %" PRIu64
		" local %" PRIu64 " drops %" PRIu64 " ip_options %" PRIu64 " ctl_tx %" PRIu64
		" punted %" PRIu64 " consumed %" PRIu64 "\n",
		elapsed_s, t.rx, t.tx, t.forwarded, t.local, t.drops, t.ip_options, t.ctl_tx,
		t.punted, t.consumed);
	for (i = 0; i < ctl->ports->n_ports; i++)
		fprintf(out, "summary: port %s rx %" PRIu64 " tx %" PRIu64 " rx_drops %"
			PRIu64 " tx_drops %" PRIu64 "\n", ctl->ports->port[i].name,
			t.port[i].rx, t.port[i].tx, t.port[i].rx_drops, t.port[i].tx_drops);
	for (i = 0; i < PG_DROP_MAX; i++)
		if (t.drop[i] != 0)
			fprintf(out, "summary: drop %s %" PRIu64 "\n", pg_drop_names[i], t.drop[i]);
	for (i = 0; i < PG_ICMP_MAX; i++)
		if (t.icmp[i] != 0)
			fprintf(out, "summary: icmp %s %" PRIu64 "\n", pg_icmp_names[i], t.icmp[i]);
	for (i = 0; i < ctl->workers->n; i++) {
		const struct pg_worker *wk = ctl->workers->w[i];
		const struct pg_lcore_stats *s = &wk->stats;
		fprintf(out, "summary: lcore %u %s rx %" PRIu64 " tx %" PRIu64
			" busy %.1f%%\n", wk->lcore_id, pg_worker_role_name(wk->role),
			pg_stats_read(&s->rx), pg_stats_read(&s->tx), pg_stats_busy_pct(s));
	}
	for (i = 0; i < ctl->workers->n_links; i++) {
		const struct pg_ring_link *l = &ctl->workers->links[i];

		fprintf(out, "summary: ring %s enqueued %" PRIu64 " dequeued %" PRIu64
			" dropped_full %" PRIu64 " peak %" PRIu64 "/%u\n", l->name,
			l->prod.enqueued, l->cons.dequeued, l->prod.dropped_full,
			l->prod.peak, l->size);
	}
	fflush(out);
}
