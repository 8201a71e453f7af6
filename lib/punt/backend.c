/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The two kinds of kernel interface a mirror can be (docs/punt.md,
 * docs/decisions/0008-exception-path.md): the DPDK vdev that creates it,
 * and whether this host can create it at all. No EAL here: unit-tested
 * as is (tests/unit/test_punt_backend.c).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "punt_private.h"

/* vhost-net's ring: as deep as the net_tap queues (pg_punt_mbufs counts
 * PG_PUNT_DESC mbufs per direction and mirror). */
#define VIRTIO_QUEUE_SIZE PG_PUNT_DESC

const char *
pg_punt_backend_name(enum pg_conf_mirror_backend b)
{
	return b == PG_CONF_MIRROR_VIRTIO_USER ? "virtio_user" : "tap";
}

int
pg_punt_vdev(enum pg_conf_mirror_backend b, uint16_t port, const char *ifname,
	     const uint8_t mac[6], char *name, size_t name_len, char *args, size_t args_len)
{
	char m[18];
	int n;

	snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	/* Both put the MAC on the kernel side too (net_tap at probe,
	 * virtio_user's vhost-kernel backend when the port starts). */
	if (b == PG_CONF_MIRROR_VIRTIO_USER) {
		snprintf(name, name_len, "net_virtio_user_pg%u", port);
		n = snprintf(args, args_len, "path=%s,queues=1,queue_size=%u,iface=%s,mac=%s",
			     PG_PUNT_VHOST_NET, VIRTIO_QUEUE_SIZE, ifname, m);
	} else {
		snprintf(name, name_len, "net_tap_pg%u", port);
		n = snprintf(args, args_len, "iface=%s,mac=%s", ifname, m);
	}
	return n > 0 && (size_t)n < args_len ? 0 : -ENAMETOOLONG;
}

int
pg_punt_backend_check(enum pg_conf_mirror_backend b, const char **dev)
{
	*dev = b == PG_CONF_MIRROR_VIRTIO_USER ? PG_PUNT_VHOST_NET : "/dev/net/tun";
	return access(*dev, R_OK | W_OK) == 0 ? 0 : -errno;
}
