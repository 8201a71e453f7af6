/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * Frame template and per-flow table, built once at start.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "gen.h"
#include "gen_worker.h"

static_assert(sizeof(struct rte_ether_hdr) == GEN_OFF_IP, "frame layout");
static_assert(GEN_OFF_IP + offsetof(struct rte_ipv4_hdr, hdr_checksum) == GEN_OFF_IP_CKSUM,
	      "frame layout");
static_assert(GEN_OFF_IP + offsetof(struct rte_ipv4_hdr, dst_addr) == GEN_OFF_IP_DST,
	      "frame layout");
static_assert(GEN_OFF_IP + sizeof(struct rte_ipv4_hdr) == GEN_OFF_UDP, "frame layout");
static_assert(GEN_OFF_UDP + sizeof(struct rte_udp_hdr) == GEN_OFF_STAMP, "frame layout");

void
gen_tpl_fill(struct gen_tpl *tpl, const struct gen_cfg *cfg,
	     const struct rte_ether_addr *src_mac, struct gen_flow *flows)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)tpl->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(tpl->hdr + GEN_OFF_IP);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(tpl->hdr + GEN_OFF_UDP);
	struct rte_ipv4_hdr scratch;
	uint32_t i;

	memset(tpl->hdr, 0, sizeof(tpl->hdr));
	tpl->n_flows = cfg->n_flows;
	tpl->frame_len = (uint16_t)(cfg->size - GEN_FCS_LEN);

	eth->dst_addr = cfg->dst_mac;
	eth->src_addr = *src_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(tpl->frame_len - GEN_OFF_IP));
	/* DF with ID 0: an atomic datagram (RFC 6864), so no per-frame ID. */
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = cfg->ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(cfg->src_ip);
	udp->dst_port = rte_cpu_to_be_16(cfg->udp_dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(tpl->frame_len - GEN_OFF_UDP));
	/* UDP checksum 0: "not computed", allowed over IPv4 (RFC 768). */

	tpl->flows = flows;
	/* Full checksum per flow at start (about 10 ms for 1M flows) rather
	 * than an incremental update per frame on the data path. */
	scratch = *ip;
	for (i = 0; i < cfg->n_flows; i++) {
		struct gen_flow *f = &tpl->flows[i];

		f->dst = rte_cpu_to_be_32(gen_flow_dst(cfg, i));
		f->sport = rte_cpu_to_be_16((uint16_t)(cfg->udp_sport + i % GEN_UDP_SPORT_SPAN));
		scratch.dst_addr = f->dst;
		scratch.hdr_checksum = 0;
		f->ip_cksum = rte_ipv4_cksum(&scratch);
	}
}

int
gen_tpl_build(struct gen_tpl *tpl, const struct gen_cfg *cfg,
	      const struct rte_ether_addr *src_mac, int socket)
{
	struct gen_flow *flows;

	flows = rte_malloc_socket("gen_flows", sizeof(*flows) * cfg->n_flows,
				  RTE_CACHE_LINE_SIZE, socket);
	if (flows == NULL)
		return -ENOMEM;
	gen_tpl_fill(tpl, cfg, src_mac, flows);
	return 0;
}

void
gen_tpl_free(struct gen_tpl *tpl)
{
	rte_free(tpl->flows);
	tpl->flows = NULL;
}
