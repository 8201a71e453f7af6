#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
#
# The one entry point for a fresh Debian 12 machine (and for CI):
#
#   tools/setup.sh demo   install what is missing, build, run the 10 s demo
#   tools/setup.sh test   install what is missing, build afresh, run every test
#
# Runs unattended (CI=true, no stdin) as root; as another user it uses sudo
# for apt-get and hugepages, and runs the demo without hugepages.
#
# Environment:
#   PKTGATE_BUILD_DIR     build directory, relative to the tree (default: build)
#   PKTGATE_SKIP_INSTALL  1: do not check or install Debian packages
set -euo pipefail

# Every Debian package the build, the demo and the test suites need.
# Add new ones here, space separated.
PACKAGES="build-essential meson ninja-build pkg-config dpdk dpdk-dev
libdpdk-dev libcyaml-dev check libpcap-dev libnuma-dev python3-pyelftools
python3 python3-scapy iproute2 ethtool iputils-ping tcpdump procps
tcpreplay iperf3 clang libclang-rt-14-dev dpkg-dev debhelper fakeroot lintian
libmnl-dev frr
python3-prometheus-client prometheus"
# prometheus is there for promtool (tests/pkt/test_monitoring.py checks
# /metrics with `promtool check metrics`): ~21 MB to download, ~320 MB
# installed with its web UI's JavaScript, ~35 s. install_packages keeps its
# postinst from starting a Prometheus server (policy-rc.d), see there.

HUGEPAGES_MB=1024          # what we reserve if fewer are configured
HUGEPAGES_NEED_MB=256      # free hugepage memory the demo wants, else --no-huge
DEMO_PREFIX="pktgate-demo" # EAL --file-prefix of the demo
DEMO_FLOWS=1024
DEMO_PREFIXES="203.0.113.0/24 10.0.0.0/8 100.64.0.0/10 172.16.0.0/12 198.51.100.0/24"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${PKTGATE_BUILD_DIR:-build}
ASAN_BUILD=${BUILD}-asan     # the sanitizer build of `test`
FUZZ_BUILD=${BUILD}-fuzz     # the libFuzzer build of `test` (clang)
STAGES_BUILD=${BUILD}-stages # pktgate with -Dstage_cycles=true, for `test`
PY=/usr/bin/python3        # Debian's: the only one that sees python3-scapy

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root: directly if we are, else through sudo.
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "setup.sh: need root (or sudo) for: $*" >&2
		return 1
	fi
}

apt() {
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get -q -o DPkg::Lock::Timeout=600 "$@"
}

install_packages() {
	local p status missing=() n=0

	if [ "${PKTGATE_SKIP_INSTALL:-0}" = 1 ]; then
		say "packages: not checked (PKTGATE_SKIP_INSTALL=1)"
		return 0
	fi
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
		die "no dpkg/apt-get: this script installs Debian 12 packages" \
		    "(set PKTGATE_SKIP_INSTALL=1 if you installed them yourself)"
	fi
	for p in $PACKAGES; do
		n=$((n + 1))
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "packages: all $n present"
		return 0
	fi
	say "packages: installing ${missing[*]}"
	# A fresh image has no package lists; a mirror can hiccup: retry.
	local try
	for try in 1 2 3; do
		apt update && break
		[ "$try" -lt 3 ] || die "apt-get update failed"
		sleep 5
	done
	# Packages we need only for their tools (prometheus for promtool) must
	# not start services on the developer's or CI host: a policy-rc.d that
	# says "no" for the duration of the install, unless one exists already.
	local policy=/usr/sbin/policy-rc.d ours=0 rc=0
	if [ ! -e "$policy" ] && [ -w /usr/sbin ]; then
		printf '#!/bin/sh\n# tools/setup.sh: no service starts while it installs\nexit 101\n' \
			>"$policy" && chmod 755 "$policy" && ours=1
	fi
	DEBIAN_FRONTEND=noninteractive apt install -y --no-install-recommends "${missing[@]}" ||
		rc=$?
	[ "$ours" = 0 ] || rm -f "$policy"
	[ "$rc" = 0 ] || die "apt install failed"
}

# configure_and_build FRESH TARGET [meson options...]
#   FRESH=1: delete the build directory first; TARGET: ninja target or "".
configure_and_build() {
	local fresh=$1 target=$2
	shift 2

	cd "$ROOT"
	case "$BUILD" in
	"" | . | .. | / | ./ | ../*) die "refusing build directory '$BUILD'" ;;
	esac
	if [ "$fresh" = 1 ] && [ -e "$BUILD" ]; then
		say "build: removing $BUILD/ for a fresh configuration"
		rm -rf -- "$BUILD"
	fi
	if [ -f "$BUILD/meson-private/coredata.dat" ]; then
		say "build: reconfiguring $BUILD/ $*"
		meson setup --reconfigure "$BUILD" "$@" ||
			meson setup --wipe "$BUILD" "$@"
	else
		say "build: configuring $BUILD/ $*"
		meson setup "$BUILD" "$@"
	fi
	say "build: ninja -C $BUILD $target"
	# shellcheck disable=SC2086  # an empty target means "everything"
	ninja -C "$BUILD" $target
}

# Reserve hugepages and mount hugetlbfs if we can; set HUGE_OK=1 when enough
# free hugepage memory is there to use.
HUGE_OK=0
setup_hugepages() {
	local size_kb total free want_pages

	HUGE_OK=0
	size_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
	if [ -z "$size_kb" ] || [ "$size_kb" -eq 0 ]; then
		say "hugepages: not supported by this kernel; using --no-huge"
		return 0
	fi
	if ! is_root; then
		# DPDK needs root to use hugepage files; --no-huge is fine for the demo.
		say "hugepages: not root; the demo runs with --no-huge -m 512"
		return 0
	fi
	want_pages=$((HUGEPAGES_MB * 1024 / size_kb))
	total=$(cat /proc/sys/vm/nr_hugepages)
	# Only ever raise the count: other processes may be using what is there.
	if [ "$total" -lt "$want_pages" ]; then
		{ echo "$want_pages" > /proc/sys/vm/nr_hugepages; } 2>/dev/null || true
	fi
	if ! awk '$3 == "hugetlbfs" {found = 1} END {exit !found}' /proc/mounts; then
		{ mkdir -p /dev/hugepages &&
		  mount -t hugetlbfs nodev /dev/hugepages; } 2>/dev/null || true
	fi
	total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	if ! awk '$3 == "hugetlbfs" {found = 1} END {exit !found}' /proc/mounts; then
		say "hugepages: no hugetlbfs mount (not permitted here?); using --no-huge"
	elif [ $((free * size_kb / 1024)) -lt "$HUGEPAGES_NEED_MB" ]; then
		say "hugepages: only $free of $total free ($((size_kb / 1024)) MB each); using --no-huge"
	else
		say "hugepages: $free of $total free ($((size_kb / 1024)) MB each)"
		HUGE_OK=1
	fi
}

# Where EAL keeps its runtime files (telemetry socket, mp socket).
dpdk_rundir() {
	if is_root; then
		echo /var/run/dpdk
	else
		echo "${XDG_RUNTIME_DIR:-/tmp}/dpdk"
	fi
}

demo_cleanup() {
	rm -rf -- "$(dpdk_rundir)/${DEMO_PREFIX:?}"
	if is_root; then
		rm -f /dev/hugepages/"${DEMO_PREFIX}"map_* 2>/dev/null || true
	fi
}

cmd_demo() {
	local pktgate pcap eal

	install_packages
	# Keep whatever options build/ already has (default: -march=native, the
	# fastest demo); only pktgate itself is needed.
	configure_and_build 0 app/pktgate/pktgate
	setup_hugepages

	cd "$ROOT"
	pktgate=$BUILD/app/pktgate/pktgate
	# Absolute: dpdk-dumpcap, a secondary process, re-opens the vdev's
	# rx_pcap file by this name from its own working directory.
	case "$BUILD" in
	/*) pcap=$BUILD/demo-flows.pcap ;;
	*) pcap=$ROOT/$BUILD/demo-flows.pcap ;;
	esac
	if [ ! -s "$pcap" ] || [ tools/gen_flows.py -nt "$pcap" ]; then
		say "traffic: $DEMO_FLOWS UDP flows of 64-byte frames -> $pcap"
		# shellcheck disable=SC2086
		"$PY" tools/gen_flows.py --flows "$DEMO_FLOWS" --size 64 \
			--dst-mac 02:00:00:00:00:01 --out "$pcap" $DEMO_PREFIXES
	fi
	if pgrep -f -- "--file-prefix $DEMO_PREFIX( |$)" >/dev/null 2>&1; then
		die "another pktgate demo is running (--file-prefix $DEMO_PREFIX); stop it first"
	fi

	# Lcore 0 is the control thread, lcore 1 the worker (config/demo.yaml).
	if [ "$(nproc)" -ge 2 ]; then
		eal=(-l "0,1")
	else
		eal=(--lcores "0@0,1@0")    # one CPU: both threads share it
	fi
	eal+=(--file-prefix "$DEMO_PREFIX" --no-pci)
	[ "$HUGE_OK" = 1 ] || eal+=(--no-huge -m 512)
	eal+=(--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "net_null0,no-rx=1")

	say "demo: $pktgate ${eal[*]} -- -c config/demo.yaml --stats-interval 1 --duration 10"
	trap demo_cleanup EXIT
	"$pktgate" "${eal[@]}" -- -c config/demo.yaml --stats-interval 1 --duration 10
	cat <<EOF

==> demo done. While a demo runs (tools/setup.sh demo in another terminal), try:
    printf '/pktgate/stats\n' | dpdk-telemetry.py -f $DEMO_PREFIX
    dpdk-dumpcap --file-prefix=$DEMO_PREFIX -i 0 -c 100 -w /tmp/lan.pcapng
The whole test suite: tools/setup.sh test. More in README.md.
EOF
}

# Checks that run outside meson test (the Debian package build): their
# names, by result, for the closing summary.
EXTRA_OK=()
EXTRA_FAIL=()

# run_check NAME COMMAND...: run one such check and record its result.
run_check() {
	local name=$1 start
	shift
	say "test: $name: $*"
	start=$(date +%s)
	if "$@"; then
		EXTRA_OK+=("$name")
		say "test: $name: OK ($(($(date +%s) - start)) s)"
	else
		EXTRA_FAIL+=("$name")
		say "test: $name: FAIL ($(($(date +%s) - start)) s)"
		return 1
	fi
}

# Meson's summary of each build directory given and the checks of
# run_check, then one closing line "N passed, M failed" over all of them.
print_test_summary() {
	local dir name logs=()

	for dir in "$@"; do
		if [ -f "$dir/meson-logs/testlog.txt" ]; then
			say "meson test summary ($dir)"
			grep -E '^(Ok|Expected Fail|Fail|Unexpected Pass|Skipped|Timeout): ' \
				"$dir/meson-logs/testlog.txt" || true
		fi
		[ -f "$dir/meson-logs/testlog.json" ] && logs+=("$dir/meson-logs/testlog.json")
	done
	if [ $((${#EXTRA_OK[@]} + ${#EXTRA_FAIL[@]})) -gt 0 ]; then
		say "checks outside meson test"
		for name in ${EXTRA_OK[@]+"${EXTRA_OK[@]}"}; do echo "Ok:   $name"; done
		for name in ${EXTRA_FAIL[@]+"${EXTRA_FAIL[@]}"}; do echo "Fail: $name"; done
	fi
	EXTRA_PASSED=${#EXTRA_OK[@]} EXTRA_FAILED=${#EXTRA_FAIL[@]} \
		"$PY" - ${logs[@]+"${logs[@]}"} <<'EOF'
import collections, json, os, sys

results = collections.Counter()
results["OK"] += int(os.environ["EXTRA_PASSED"])
results["FAIL"] += int(os.environ["EXTRA_FAILED"])
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            if line.strip():
                results[json.loads(line).get("result", "ERROR")] += 1
passed = results["OK"] + results["EXPECTEDFAIL"]
failed = sum(results[r] for r in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"))
other = sum(results.values()) - passed - failed - results["SKIP"]
if results["SKIP"] or other:
    print("(%d skipped%s)" % (results["SKIP"], ", %d unknown" % other if other else ""))
print("%d passed, %d failed" % (passed, failed + other))
EOF
}

cmd_test() {
	local rc=0 deb_out

	install_packages
	# A fresh directory: nothing left from an earlier configuration (e.g. a
	# sanitizer build) changes what CI tests. -Dnative=false: CI runners and
	# developers' machines differ in CPU; portable code generation means a
	# failure seen on one reproduces on the other, and a binary built on one
	# never dies of SIGILL on another. (The demo and benchmarks use native.)
	configure_and_build 1 "" -Dnative=false -Dtests=true
	setup_hugepages
	cd "$ROOT"
	say "test: meson test -C $BUILD --print-errorlogs"
	meson test -C "$BUILD" --print-errorlogs || rc=$?

	# The per-stage cycle counters are compiled out of every other build:
	# pktgate alone with them on (~20 s of CPU), then the telemetry case
	# that checks their packets and cycles, in rtc and pipeline layouts.
	rm -rf "${ROOT:?}/$STAGES_BUILD"
	meson setup "$STAGES_BUILD" -Dstage_cycles=true -Dnative=false -Dtests=false >/dev/null
	ninja -C "$STAGES_BUILD" app/pktgate/pktgate
	run_check stage-cycles "$PY" tests/pkt/test_telemetry.py \
		"$STAGES_BUILD/app/pktgate/pktgate" telemetry_stages || rc=1
	PG_TEST_TOPOLOGY=pipeline run_check stage-cycles-pipeline "$PY" \
		tests/pkt/test_telemetry.py "$STAGES_BUILD/app/pktgate/pktgate" \
		telemetry_stages || rc=1

	# The same unit, EAL and packet suites again with AddressSanitizer and
	# UBSan, any report fatal. Leak checking stays off: DPDK's drivers keep
	# allocations until exit by design. (e2e already ran above and needs
	# the real build's speed for its timeouts.)
	say "test: sanitizers: meson test -C $ASAN_BUILD --suite unit --suite eal --suite pkt"
	rm -rf "${ROOT:?}/$ASAN_BUILD"
	meson setup "$ASAN_BUILD" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dnative=false -Dtests=true >/dev/null
	ninja -C "$ASAN_BUILD"
	# The timeouts are hang guards sized for the real build; ASan's code
	# is 2-3x slower (fib-live, CPU-bound, ran past its 120 s on a loaded
	# machine): three times the time before one counts as hung.
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=0 \
		meson test -C "$ASAN_BUILD" --print-errorlogs --timeout-multiplier 3 \
		--suite unit --suite eal --suite pkt || rc=$?

	# Each libFuzzer target (tests/fuzz) for PKTGATE_FUZZ_TIME seconds
	# (default 60), two at a time, as meson tests of their own build: a
	# crash, sanitizer report, leak or broken invariant fails the run and
	# prints the reproducer's path.
	say "test: fuzz: ${PKTGATE_FUZZ_TIME:-60} s per target (tools/fuzz.sh)"
	rm -rf "${ROOT:?}/$FUZZ_BUILD"
	PKTGATE_FUZZ_BUILD=$FUZZ_BUILD tools/fuzz.sh || rc=$?

	# The Debian package, built from a copy of the tree in /tmp (nothing
	# is left in the checkout), listed, checked for its key paths and
	# linted (errors fail); the .deb is kept in $BUILD/deb/.
	case "$BUILD" in
	/*) deb_out=$BUILD/deb ;;
	*) deb_out=$ROOT/$BUILD/deb ;;
	esac
	run_check deb tools/package/deb-check.sh "$deb_out" || rc=1
	print_test_summary "$BUILD" "$ASAN_BUILD" "$FUZZ_BUILD"
	exit "$rc"
}

usage() {
	cat <<EOF
usage: tools/setup.sh demo|test

  demo   install missing Debian packages, build into $BUILD/, set up
         hugepages if possible, and run pktgate for 10 s on virtual ports
         (config/demo.yaml): a stats line every second, then a summary
  test   install missing Debian packages, build afresh into $BUILD/
         (-Dnative=false), and run every test suite: meson test; then
         unit/eal/pkt again under ASan+UBSan ($ASAN_BUILD/) and each
         libFuzzer target for PKTGATE_FUZZ_TIME s (default 60, $FUZZ_BUILD/)
EOF
}

case "${1:-}" in
demo) cmd_demo ;;
test) cmd_test ;;
-h | --help | help) usage ;;
*) usage >&2; exit 2 ;;
esac
