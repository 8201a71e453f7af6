/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PUNT_PRIVATE_H
#define PG_PUNT_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* punt.c's log type, for the files beside it. */
extern int pg_punt_logtype;

/* rtnetlink on a kernel interface (netlink.c); 0 or -errno. */

/** Add (or replace) address @p addr/@p len, AF_INET or AF_INET6. */
int pg_punt_nl_addr(int ifindex, int family, const void *addr, uint8_t len);

/** A neighbor pktgate knows, as a REACHABLE kernel entry. */
int pg_punt_nl_neigh(int ifindex, int family, const void *addr, const uint8_t mac[6]);

/** Remove the kernel's entry for @p addr (-ENOENT: there was none). */
int pg_punt_nl_neigh_del(int ifindex, int family, const void *addr);

/** No IPv6 on an interface whose port has none (no link-local chatter). */
int pg_punt_ipv6_off(const char *ifname);

/** Is @p a inside @p prefix/@p len (IPv6, network order)? */
static inline bool
pg_punt_in_prefix6(const uint8_t a[16], const uint8_t prefix[16], unsigned int len)
{
	const unsigned int bytes = len / 8, bits = len % 8;

	if (memcmp(a, prefix, bytes) != 0)
		return false;
	return bits == 0 || ((a[bytes] ^ prefix[bytes]) & (0xff00 >> bits)) == 0;
}

/** No link-local address formed by the kernel (addr_gen_mode none): the
 * caller adds the port's own. Before the link goes up. */
int pg_punt_ipv6_no_auto_ll(const char *ifname);

#endif /* PG_PUNT_PRIVATE_H */
