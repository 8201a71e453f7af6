/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * pktgate-ctl's neighbor changes, copied into the kernel's table on the
 * port's mirror (docs/punt.md "ARP and ND: who is authoritative"): the
 * same rule as at start (tap_kernel_setup() in punt.c), IPv4 neighbors on
 * their port, IPv6 ones inside the port's prefix or, link-local, on the
 * port the command names. What the resolver learns is not copied: the
 * kernel asks by itself, and its answers reach it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rte_log.h>

#include "pg_punt.h"
#include "punt_private.h"

#define NEIGH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pg_punt_logtype, "pktgate.punt: " fmt "\n", ##__VA_ARGS__)

/* Is IPv4 @p ip inside @p net/@p len (host order)? */
static bool
in_prefix4(uint32_t ip, uint32_t net, unsigned int len)
{
	const uint32_t mask = len == 0 ? 0 : UINT32_MAX << (32 - len);

	return ((ip ^ net) & mask) == 0;
}

/* The kernel ifindex of the mirror @p addr's neighbor entry belongs on,
 * or 0: @p port as given (-1: none), else the port whose prefix holds it.
 * IPv6 inside the port's prefix, or link-local on the port given (as at
 * start). */
static int
mirror_of(const struct pg_punt *pu, const struct pg_conf *conf, int port, int family,
	  const void *addr)
{
	static const uint8_t ll[16] = { 0xfe, 0x80 };
	unsigned int i;
	uint32_t v4;

	memcpy(&v4, addr, sizeof(v4));
	for (i = 0; pu != NULL && i < conf->n_ports; i++) {
		const struct pg_conf_port *cp = &conf->ports[i];
		bool mine;

		if (port >= 0 && i != (unsigned int)port)
			continue;
		if (family == AF_INET6)
			mine = cp->has_ip6 && (pg_punt_in_prefix6(addr, ll, 10) ? port >= 0 :
					       pg_punt_in_prefix6(addr, cp->ip6, cp->ip6_len));
		else
			mine = port >= 0 || in_prefix4(v4, cp->ip4, cp->ip4_len);
		if (mine)
			return pg_punt_ifindex(pu, (uint16_t)i);
	}
	return 0;
}

/* @p addr (AF_INET: host order uint32_t; AF_INET6: 16 bytes) in network
 * order, for netlink; @p buf holds the IPv4 one. */
static const void *
net_addr(int family, const void *addr, uint8_t buf[4])
{
	uint32_t v4;

	if (family == AF_INET6)
		return addr;
	memcpy(&v4, addr, 4);
	v4 = htonl(v4);
	memcpy(buf, &v4, 4);
	return buf;
}

void
pg_punt_neigh_set(const struct pg_punt *pu, const struct pg_conf *conf, int port,
		  int family, const void *addr, const uint8_t mac[6])
{
	const int ifindex = mirror_of(pu, conf, port, family, addr);
	uint8_t buf[4];
	int ret;

	if (ifindex == 0)
		return;
	ret = pg_punt_nl_neigh(ifindex, family, net_addr(family, addr, buf), mac);
	if (ret != 0)
		NEIGH_LOG(NOTICE, "ifindex %d: neighbor entry refused: %s", ifindex,
			  strerror(-ret));
}

void
pg_punt_neigh_del(const struct pg_punt *pu, const struct pg_conf *conf, int port,
		  int family, const void *addr)
{
	const int ifindex = mirror_of(pu, conf, port, family, addr);
	uint8_t buf[4];
	int ret;

	if (ifindex == 0)
		return;
	/* None there (the kernel dropped it, or never had it): nothing to do. */
	ret = pg_punt_nl_neigh_del(ifindex, family, net_addr(family, addr, buf));
	if (ret != 0 && ret != -ENOENT)
		NEIGH_LOG(NOTICE, "ifindex %d: neighbor entry not removed: %s", ifindex,
			  strerror(-ret));
}
