/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_PUNT_H
#define PG_PUNT_H

/**
 * @file
 * The exception path (docs/punt.md): for each port with `kernel_mirror` /
 * `tap`, a kernel interface (DPDK net_tap or virtio_user) carrying the port's MAC, MTU and
 * addresses. Workers punt what is for us and not handled inline into a
 * bounded ring per worker (lib/fwd, punt()); the control thread drains the
 * rings into the tap ports, and sends what the kernel transmits out of the
 * physical port through the first forwarding worker's inject ring.
 * Everything here runs on the control thread, never on a worker.
 */

#include <stdint.h>

#include "pg_conf.h"
#include "pg_fwd.h"
#include "pg_port.h"
#include "pg_worker.h"

struct pg_punt;

/** Per mirrored port, as the control thread counts them. */
struct pg_punt_port_stats {
	char port[PG_CONF_NAME_LEN];
	char tap[PG_CONF_TAP_LEN];
	const char *backend;       /**< "tap" or "virtio_user" (static string) */
	int ifindex;               /**< of the kernel interface */
	uint64_t to_kernel;        /**< punted packets the tap took */
	uint64_t to_kernel_drops;  /**< punted packets the tap refused */
	uint64_t from_kernel;      /**< frames the kernel sent, queued for the port */
	uint64_t from_kernel_drops; /**< ... refused: inject ring full */
};

struct pg_punt_stats {
	unsigned int ring_size;
	unsigned int n_ports;
	struct pg_punt_port_stats port[PG_MAX_PORTS];
};

/**
 * Mbufs the exception path may hold at once (rings and tap queues): to be
 * added to the pools' size. 0 without mirrors.
 */
unsigned int pg_punt_mbufs(const struct pg_conf *conf, unsigned int n_fwd);

/**
 * Create the kernel interfaces of @p conf's mirrored ports (net_tap or virtio_user vdevs,
 * hot-plugged and started), give them the port's MAC, MTU and addresses,
 * create a punt ring per forwarding worker and hook everything into @p ws
 * and @p ctx. Call before the workers start. Returns NULL with @p err set
 * on failure (nothing left behind); NULL with err[0] == 0 when no port is
 * mirrored.
 */
struct pg_punt *pg_punt_create(const struct pg_conf *conf, const struct pg_ports *ports,
			       struct pg_workers *ws, struct pg_fwd_ctx *ctx,
			       char err[PG_CONF_ERR_LEN]);

/** Control thread, every tick: punt rings -> taps, taps -> inject ring. */
void pg_punt_poll(struct pg_punt *pu);

/** After the workers stopped: remove the kernel interfaces, free rings. */
void pg_punt_free(struct pg_punt *pu);

/** The kernel ifindex of pktgate port @p port's mirror, or 0 (none). */
int pg_punt_ifindex(const struct pg_punt *pu, uint16_t port);

/** A snapshot of the counters (any thread). */
void pg_punt_get_stats(const struct pg_punt *pu, struct pg_punt_stats *out);

/**
 * Control thread: a neighbor pktgate-ctl added (set) or deleted, copied
 * to the kernel table of the mirror it belongs on (punt_neigh.c). @p port:
 * the port the command named, or -1; @p addr: AF_INET a uint32_t in host
 * order, AF_INET6 16 bytes. Nothing without a mirror (or with @p pu NULL);
 * a refusal is logged, the table change stands.
 */
void pg_punt_neigh_set(const struct pg_punt *pu, const struct pg_conf *conf, int port,
		       int family, const void *addr, const uint8_t mac[6]);
void pg_punt_neigh_del(const struct pg_punt *pu, const struct pg_conf *conf, int port,
		       int family, const void *addr);

#endif /* PG_PUNT_H */
