#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
#
# The benchmark in one command (README, "Benchmarks"): installs the Debian
# packages the harness needs if they are missing, builds pktgate -O3
# -march=native into build-bench/ (or PKTGATE_BENCH_BUILD), and runs
# tools/bench/bench.py with it, passing every argument on. Without
# arguments: one point, 256 flows of 64-byte UDP, pktgate against
# dpdk-testpmd --forward-mode=io, 5 alternating runs; the table is printed,
# JSON (and a plot) land in docs/perf/.
#
#   tools/bench/run.sh [bench.py arguments]      e.g. --sweep flows
#
# Environment: PKTGATE_L3FWD=/path/to/l3fwd adds DPDK's l3fwd (built beside
# the project, tools/bench/README.md) to the alternation.
# Needs root (hugepages, telemetry sockets under /var/run/dpdk).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${PKTGATE_BENCH_BUILD:-build-bench}
PACKAGES="build-essential meson ninja-build pkg-config dpdk dpdk-dev libdpdk-dev
libcyaml-dev check libpcap-dev libnuma-dev libmnl-dev python3-pyelftools python3
python3-scapy python3-matplotlib"

[ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root (hugepages, DPDK runtime dirs)" >&2; exit 1; }
missing=()
for p in $PACKAGES; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] ||
		missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
	echo "==> installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -q update
	DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}"
fi

cd "$ROOT"
# -march=native: the harness measures this machine's best build, as the
# reference programs are built (tools/bench/README.md).
[ -f "$BUILD/build.ninja" ] ||
	meson setup "$BUILD" -Dnative=true -Dbuildtype=release -Dtests=false
ninja -C "$BUILD" app/pktgate/pktgate
args=(--pktgate "$BUILD/app/pktgate/pktgate")
[ -z "${PKTGATE_L3FWD:-}" ] || args+=(--l3fwd "$PKTGATE_L3FWD")
exec /usr/bin/python3 tools/bench/bench.py "${args[@]}" "$@"
