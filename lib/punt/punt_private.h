/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PUNT_PRIVATE_H
#define PG_PUNT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pg_conf.h"

/* punt.c's log type, for the files beside it. */
extern int pg_punt_logtype;

/* The kernel interface's kind (backend.c). */

#define PG_PUNT_DESC 512                    /* queue depth each way, per mirror */
#define PG_PUNT_VHOST_NET "/dev/vhost-net"  /* virtio_user's kernel backend */

/** "tap" or "virtio_user" (config and telemetry spelling). */
const char *pg_punt_backend_name(enum pg_conf_mirror_backend b);

/**
 * The vdev that creates pktgate port @p port's mirror @p ifname with MAC
 * @p mac: its name (unique per port) and devargs. 0, or -ENAMETOOLONG.
 */
int pg_punt_vdev(enum pg_conf_mirror_backend b, uint16_t port, const char *ifname,
		 const uint8_t mac[6], char *name, size_t name_len, char *args, size_t args_len);

/**
 * Can this host create a mirror of kind @p b? 0, or -errno of the device
 * it needs (@p dev: its path), e.g. -ENOENT without the vhost_net module.
 */
int pg_punt_backend_check(enum pg_conf_mirror_backend b, const char **dev);

/* rtnetlink on a kernel interface (netlink.c); 0 or -errno. */

/** Add (or replace) address @p addr/@p len, AF_INET or AF_INET6. */
int pg_punt_nl_addr(int ifindex, int family, const void *addr, uint8_t len);

/** A neighbor pktgate knows, as a REACHABLE kernel entry. */
int pg_punt_nl_neigh(int ifindex, int family, const void *addr, const uint8_t mac[6]);

/** Remove the kernel's entry for @p addr (-ENOENT: there was none). */
int pg_punt_nl_neigh_del(int ifindex, int family, const void *addr);

/** MTU @p mtu and link up (virtio_user's interface stays down otherwise). */
int pg_punt_nl_link_up(int ifindex, unsigned int mtu);

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
