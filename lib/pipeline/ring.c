/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <stdio.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "pg_ring.h"

struct pg_ring_link *
pg_rings_create(const unsigned int *rx_lcores, unsigned int n_rx,
		const unsigned int *fwd_lcores, unsigned int n_fwd, unsigned int size)
{
	struct pg_ring_link *links;
	unsigned int r, f;

	links = rte_zmalloc("pg_rings", sizeof(*links) * n_rx * n_fwd, RTE_CACHE_LINE_SIZE);
	if (links == NULL)
		return NULL;
	for (r = 0; r < n_rx; r++) {
		for (f = 0; f < n_fwd; f++) {
			struct pg_ring_link *l = &links[r * n_fwd + f];

			snprintf(l->name, sizeof(l->name), "rx%u_to_fwd%u", rx_lcores[r],
				 fwd_lcores[f]);
			l->producer_lcore = rx_lcores[r];
			l->consumer_lcore = fwd_lcores[f];
			l->size = size;
			/* EXACT_SZ: 'size' usable slots, as configured. */
			l->ring = rte_ring_create(l->name, size,
					(int)rte_lcore_to_socket_id(fwd_lcores[f]),
					RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
			if (l->ring == NULL) {
				int err = rte_errno;

				pg_rings_free(links, r * n_fwd + f);
				rte_errno = err;
				return NULL;
			}
		}
	}
	return links;
}

void
pg_rings_free(struct pg_ring_link *links, unsigned int n)
{
	unsigned int i;

	if (links == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m;

		/* Whatever a stopped pipeline left behind goes back to its pool. */
		while (links[i].ring != NULL && rte_ring_sc_dequeue(links[i].ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(links[i].ring);
	}
	rte_free(links);
}
