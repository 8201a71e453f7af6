/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <rte_version.h>

#include "gen_report.h"

/* tx - rx over the measured phase. Signed: a duplicating device under test
 * shows as negative loss instead of wrapping to a huge number. */
static int64_t
lost(const struct gen_report *r)
{
	return (int64_t)(r->tx.packets - r->rx.packets);
}

static double
loss_pct(const struct gen_report *r)
{
	return r->tx.packets == 0 ? 0.0 : 100.0 * (double)lost(r) / (double)r->tx.packets;
}

static double
per_s(uint64_t n, double s)
{
	return s > 0 ? (double)n / s : 0.0;
}

static double
us(const struct gen_report *r, uint64_t cycles)
{
	return (double)cycles * 1e6 / (double)r->hz;
}

void
gen_report_text(FILE *f, const struct gen_report *r)
{
	const struct gen_cfg *cfg = r->cfg;
	const struct gen_lat *l = r->lat;
	char dst[512], rate[32];
	unsigned int i;

	gen_prefixes_format(cfg, dst, sizeof(dst));
	if (cfg->rate_pps != 0)
		snprintf(rate, sizeof(rate), "%" PRIu64 " pps", cfg->rate_pps);
	else
		snprintf(rate, sizeof(rate), "max");
	fprintf(f, "pktgate-gen: %u flows to %s, %u-byte frames, rate %s, "
		"%.6g s measured (TX lcore %u, RX lcore %u)\n",
		cfg->n_flows, dst, cfg->size, rate, r->duration_s, r->tx_lcore, r->rx_lcore);
	fprintf(f, "  tx               %" PRIu64 " frames  %.3f Mpps  %.3f Gbit/s"
		"  (warm-up %" PRIu64 ", unsent %" PRIu64 ", alloc failures %" PRIu64 ")\n",
		r->tx.packets, per_s(r->tx.packets, r->duration_s) / 1e6,
		per_s(r->tx.bytes, r->duration_s) * 8 / 1e9,
		r->tx.warmup, r->tx.unsent, r->tx.alloc_fail);
	/* The token bucket keeps little credit (GEN_RATE_SLACK_US), so a TX
	 * lcore that loses its CPU falls behind rather than bursting: say so. */
	if (cfg->rate_pps != 0 && r->duration_s > 0 &&
	    per_s(r->tx.packets, r->duration_s) < 0.99 * (double)cfg->rate_pps)
		fprintf(f, "  note             TX reached %.1f%% of the requested rate"
			" (TX lcore too slow or not always on its CPU)\n",
			100.0 * per_s(r->tx.packets, r->duration_s) / (double)cfg->rate_pps);
	fprintf(f, "  rx               %" PRIu64 " frames  %.3f Mpps"
		"  (warm-up %" PRIu64 ", not ours %" PRIu64 ", bad IPv4 checksum %" PRIu64
		", reordered %" PRIu64 ")\n",
		r->rx.packets, per_s(r->rx.packets, r->duration_s) / 1e6,
		r->rx.warmup, r->rx.other, r->rx.bad_cksum, r->rx.reordered);
	fprintf(f, "  lost             %" PRId64 " (%.4f%%)\n", lost(r), loss_pct(r));
	if (l->n != 0)
		fprintf(f, "  latency (us)     min %.2f  median %.2f  p99 %.2f  max %.2f"
			"  mean %.2f  (%" PRIu64 " samples)\n",
			us(r, l->min), us(r, gen_lat_quantile(l, 0.5)),
			us(r, gen_lat_quantile(l, 0.99)), us(r, l->max),
			us(r, l->sum / l->n), l->n);
	else
		fprintf(f, "  latency (us)     no samples\n");
	for (i = 0; i < r->n_ports; i++) {
		const struct gen_report_port *p = &r->port[i];

		if (!p->stats_ok) {
			fprintf(f, "  port %u %-9s %s: no stats\n", p->id, p->role, p->name);
			continue;
		}
		fprintf(f, "  port %u %-9s %s: ipackets %" PRIu64 " opackets %" PRIu64
			" imissed %" PRIu64 " ierrors %" PRIu64 " oerrors %" PRIu64
			" rx_nombuf %" PRIu64 "\n",
			p->id, p->role, p->name, p->st.ipackets, p->st.opackets,
			p->st.imissed, p->st.ierrors, p->st.oerrors, p->st.rx_nombuf);
	}
	fflush(f);
}

/* Device names come from the command line: escape what JSON requires. */
static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		const unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int
gen_report_json(FILE *f, const struct gen_report *r)
{
	const struct gen_cfg *cfg = r->cfg;
	const struct gen_lat *l = r->lat;
	char dst[512];
	unsigned int i;

	gen_prefixes_format(cfg, dst, sizeof(dst));
	fprintf(f, "{\"tx_packets\": %" PRIu64 ", \"rx_packets\": %" PRIu64
		", \"lost\": %" PRId64 ", \"loss_pct\": %.6f, \"duration_s\": %.6f"
		", \"tx_pps\": %.1f, \"rx_pps\": %.1f",
		r->tx.packets, r->rx.packets, lost(r), loss_pct(r), r->duration_s,
		per_s(r->tx.packets, r->duration_s), per_s(r->rx.packets, r->duration_s));
	if (l->n != 0)
		fprintf(f, ", \"latency_us\": {\"min\": %.3f, \"median\": %.3f"
			", \"p99\": %.3f, \"max\": %.3f, \"mean\": %.3f, \"samples\": %" PRIu64 "}",
			us(r, l->min), us(r, gen_lat_quantile(l, 0.5)),
			us(r, gen_lat_quantile(l, 0.99)), us(r, l->max),
			us(r, l->sum / l->n), l->n);
	else
		fprintf(f, ", \"latency_us\": {\"min\": null, \"median\": null, \"p99\": null"
			", \"max\": null, \"mean\": null, \"samples\": 0}");
	fprintf(f, ", \"flows\": %u, \"size\": %u, \"rate_pps_requested\": %" PRIu64
		", \"dpdk_version\": ", cfg->n_flows, cfg->size, cfg->rate_pps);
	json_str(f, rte_version());
	fprintf(f, ", \"dst\": ");
	json_str(f, dst);
	fprintf(f, ", \"burst\": %u, \"warmup_s\": %.3f, \"drain_ms\": %u"
		", \"tx_bytes\": %" PRIu64 ", \"rx_bytes\": %" PRIu64
		", \"tx_warmup\": %" PRIu64 ", \"tx_unsent\": %" PRIu64
		", \"tx_alloc_fail\": %" PRIu64 ", \"rx_warmup\": %" PRIu64
		", \"rx_other\": %" PRIu64 ", \"rx_bad_ip_cksum\": %" PRIu64
		", \"rx_reordered\": %" PRIu64 ", \"tsc_hz\": %" PRIu64
		", \"tx_lcore\": %u, \"rx_lcore\": %u, \"ports\": [",
		cfg->burst, cfg->warmup_s, cfg->drain_ms, r->tx.bytes, r->rx.bytes,
		r->tx.warmup, r->tx.unsent, r->tx.alloc_fail, r->rx.warmup, r->rx.other,
		r->rx.bad_cksum, r->rx.reordered, r->hz, r->tx_lcore, r->rx_lcore);
	for (i = 0; i < r->n_ports; i++) {
		const struct gen_report_port *p = &r->port[i];

		fprintf(f, "%s{\"port\": %u, \"name\": ", i ? ", " : "", p->id);
		json_str(f, p->name);
		fprintf(f, ", \"role\": \"%s\"", p->role);
		if (p->stats_ok)
			fprintf(f, ", \"ipackets\": %" PRIu64 ", \"opackets\": %" PRIu64
				", \"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64
				", \"oerrors\": %" PRIu64 ", \"rx_nombuf\": %" PRIu64,
				p->st.ipackets, p->st.opackets, p->st.imissed,
				p->st.ierrors, p->st.oerrors, p->st.rx_nombuf);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
