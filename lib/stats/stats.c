/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <string.h>

#include "pg_stats.h"

const char *const pg_drop_names[PG_DROP_MAX] = {
#define PG_DROP_NAME(name, help) [PG_DROP_##name] = #name,
	PG_DROP_REASONS(PG_DROP_NAME)
#undef PG_DROP_NAME
};

const char *const pg_drop_help[PG_DROP_MAX] = {
#define PG_DROP_HELP(name, help) [PG_DROP_##name] = help,
	PG_DROP_REASONS(PG_DROP_HELP)
#undef PG_DROP_HELP
};

const char *const pg_icmp_names[PG_ICMP_MAX] = {
#define PG_ICMP_NAME(name, help) [PG_ICMP_##name] = #name,
	PG_ICMP_COUNTERS(PG_ICMP_NAME)
#undef PG_ICMP_NAME
};

const char *const pg_icmp_help[PG_ICMP_MAX] = {
#define PG_ICMP_HELP(name, help) [PG_ICMP_##name] = help,
	PG_ICMP_COUNTERS(PG_ICMP_HELP)
#undef PG_ICMP_HELP
};

void
pg_stats_sum(const struct pg_lcore_stats *const *lcores, unsigned int n,
	     struct pg_stats_total *out)
{
	unsigned int i, r, p;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const struct pg_lcore_stats *s = lcores[i];

		out->rx += pg_stats_read(&s->rx);
		out->tx += pg_stats_read(&s->tx);
		out->forwarded += pg_stats_read(&s->forwarded);
		out->local += pg_stats_read(&s->local);
		out->ip_options += pg_stats_read(&s->ip_options);
		out->ctl_tx += pg_stats_read(&s->ctl_tx);
		out->punted += pg_stats_read(&s->punted);
		out->consumed += pg_stats_read(&s->consumed);
		for (r = 0; r < PG_DROP_MAX; r++)
			out->drop[r] += pg_stats_read(&s->drop[r]);
		for (r = 0; r < PG_ICMP_MAX; r++)
			out->icmp[r] += pg_stats_read(&s->icmp[r]);
		for (p = 0; p < PG_STATS_MAX_PORTS; p++) {
			out->port[p].rx += pg_stats_read(&s->port[p].rx);
			out->port[p].tx += pg_stats_read(&s->port[p].tx);
			out->port[p].rx_drops += pg_stats_read(&s->port[p].rx_drops);
			out->port[p].tx_drops += pg_stats_read(&s->port[p].tx_drops);
		}
	}
	for (r = 0; r < PG_DROP_MAX; r++)
		out->drops += out->drop[r];
}
