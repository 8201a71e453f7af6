/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PUNT_PRIVATE_H
#define PG_PUNT_PRIVATE_H

#include <stdint.h>

/* rtnetlink on a kernel interface (netlink.c); 0 or -errno. */

/** Add (or replace) address @p addr/@p len, AF_INET or AF_INET6. */
int pg_punt_nl_addr(int ifindex, int family, const void *addr, uint8_t len);

/** A neighbor pktgate knows, as a REACHABLE kernel entry. */
int pg_punt_nl_neigh(int ifindex, int family, const void *addr, const uint8_t mac[6]);

/** No IPv6 on an interface whose port has none (no link-local chatter). */
int pg_punt_ipv6_off(const char *ifname);

#endif /* PG_PUNT_PRIVATE_H */
