/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_TEST_NET_H
#define PG_TEST_NET_H

/**
 * @file
 * The small network the EAL tests (tests/eal) and the packet-path fuzzer
 * (tests/fuzz) run the forwarding stages on: two net_ring ports, two
 * neighbors, and routes of every kind (via a neighbor, via a gateway
 * that is none, out of a port, nested prefixes, a /32 that overrides a
 * neighbor's host route). No default route: misses are no_route.
 */
#define PG_TEST_NET_YAML \
	"ports:\n" \
	"  - {name: lan, device: net_ring0, ipv4: 192.0.2.1/24, mac: 02:00:00:00:00:01}\n" \
	"  - {name: wan, device: net_ring1, ipv4: 198.51.100.1/24, mac: 02:00:00:00:00:02}\n" \
	"neighbors:\n" \
	"  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}\n" \
	"  - {ip: 192.0.2.20, mac: 02:00:00:00:00:20, port: lan}\n" \
	"routes:\n" \
	"  - {prefix: 203.0.113.0/24, via: 198.51.100.2}\n" \
	"  - {prefix: 203.0.113.128/25, via: 192.0.2.20}\n" \
	"  - {prefix: 10.9.0.0/16, port: lan}\n" \
	"  - {prefix: 172.16.0.0/12, via: 198.51.100.7}\n" \
	"  - {prefix: 198.51.100.2/32, via: 192.0.2.20}\n" \
	"workers:\n" \
	"  lcores: [1]\n"

#endif /* PG_TEST_NET_H */
