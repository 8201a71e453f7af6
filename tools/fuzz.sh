#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
#
# Build and run the libFuzzer targets of tests/fuzz (README.md there).
#
#   tools/fuzz.sh                 configure build-fuzz/ (clang, ASan+UBSan,
#                                 -Dfuzz=true), build, run every target
#   tools/fuzz.sh run EXE SEEDS   run one target from its seed directory
#                                 (what each meson test of suite 'fuzz' does)
#
# Environment:
#   PKTGATE_FUZZ_TIME      seconds per target (default 60)
#   PKTGATE_FUZZ_BUILD     build directory (default build-fuzz)
#   PKTGATE_FUZZ_ARGS      extra libFuzzer flags (e.g. -jobs=2, -dict=...)
#
# New inputs a run finds go to <build>/tests/fuzz/work/<target>/ (kept
# between local runs, so the corpus grows); a crash, leak, sanitizer report
# or broken invariant fails the run and leaves the input that caused it in
# <build>/tests/fuzz/artifacts/<target>/, whose path is printed together with
# the command that replays it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIME=${PKTGATE_FUZZ_TIME:-60}

# Sanitizer reports are fatal; leak checking per input is libFuzzer's
# (-detect_leaks), the report at exit would only list what EAL keeps.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0}

run_one() {
	local exe=$1 seeds=$2 name dir work art rc=0 f dict=()

	name=$(basename "$exe")
	name=${name#fuzz_}
	dir=$(cd "$(dirname "$exe")" && pwd)
	work=$dir/work/$name
	art=$dir/artifacts/$name
	mkdir -p "$work" "$art"
	# A dictionary of the input's tokens, if the target has one.
	[ -f "$seeds/../../$name.dict" ] && dict=(-dict="$seeds/../../$name.dict")
	# Only what this run leaves counts as its finding.
	find "$art" -type f -delete
	echo "fuzz $name: ${TIME}s from $seeds (corpus $work)"
	# shellcheck disable=SC2086  # PKTGATE_FUZZ_ARGS is a list of flags
	timeout --signal=KILL $((TIME * 2 + 120)) \
		"$exe" -max_total_time="$TIME" -timeout=20 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" \
		${PKTGATE_FUZZ_ARGS:-} "$work" "$seeds" 2>&1 | tail -n 200 || rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "fuzz $name: FAILED (exit $rc)"
		for f in "$art"/*; do
			[ -f "$f" ] || continue
			echo "reproducer: $f"
			echo "replay:     $dir/$(basename "$exe") $f"
		done
		return 1
	fi
	echo "fuzz $name: ok"
}

case "${1:-all}" in
run)
	[ $# -eq 3 ] || { echo "usage: $0 run EXE SEED_DIR" >&2; exit 2; }
	run_one "$2" "$3"
	;;
all)
	BUILD=${PKTGATE_FUZZ_BUILD:-build-fuzz}
	cd "$ROOT"
	if [ ! -f "$BUILD/meson-private/coredata.dat" ]; then
		CC=clang meson setup "$BUILD" -Dfuzz=true -Dtests=false -Dnative=false \
			-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
	fi
	# meson test builds what the tests need (the targets), nothing more.
	meson test -C "$BUILD" --suite fuzz --print-errorlogs
	;;
-h | --help | help)
	sed -n '3,21p' "$0" | sed 's/^# \{0,1\}//'
	;;
*)
	echo "usage: $0 [all] | run EXE SEED_DIR" >&2
	exit 2
	;;
esac
