#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
#
# Instructions per packet of the forwarding stages, counted by callgrind:
# repeatable to the instruction whatever else the machine runs, unlike any
# rate measured on a shared VM.
#
# Input: 51 200 64-byte UDP frames, 256 flows (tools/gen_flows.py, 200
# copies of the 256-frame file) to 198.18.1.0/24, one route 198.18.0.0/16
# via one static neighbor; net_pcap reads the file once (finite), net_null
# frees what pktgate sends; --idle-exit ends the run. Counted: everything
# inside pg_fwd_burst (stages + TX buffering, the PMDs' TX only when a TX
# buffer fills inside it), divided by the packets forwarded.
#
#   tools/bench/callgrind_fwd.sh [PKTGATE] [OUTDIR]
#     PKTGATE  default build-native/app/pktgate/pktgate (-Dnative=true
#              -Dbuildtype=release, i.e. -O3 -march=native)
#     OUTDIR   default /tmp/pg-callgrind: pcap, config, callgrind.out, log,
#              annotate.txt (callgrind_annotate per source line)
#   Environment: FLOWS (256), COPIES (200), ROUTES_YAML (a file of extra
#   route lines "  - {prefix: ..., via: 203.0.113.2}" appended to routes:),
#   CONFIG (another pktgate config with the same two ports instead of
#   tools/bench/callgrind.yaml, e.g. callgrind-2port.yaml: a burst that
#   fans out over both ports).
#
# Prints one line: "pg_fwd_burst: <Ir> instructions - <PMD TX inside it>,
# <n> packets, <x> instructions/packet". Needs valgrind; runs with --no-huge (no root needed
# beyond what EAL wants for --no-huge).
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
PG=${1:-$REPO/build-native/app/pktgate/pktgate}
OUT=${2:-/tmp/pg-callgrind}
FLOWS=${FLOWS:-256}
COPIES=${COPIES:-200}
mkdir -p "$OUT"

one="$OUT/flows$FLOWS.pcap"
pcap="$OUT/flows$FLOWS-x$COPIES.pcap"
if [ ! -s "$pcap" ]; then
	/usr/bin/python3 "$REPO/tools/gen_flows.py" --flows "$FLOWS" --size 64 \
		--dst-mac 02:00:00:00:00:01 --out "$one" 198.18.1.0/24 >/dev/null
	/usr/bin/python3 - "$one" "$pcap" "$COPIES" <<'EOF'
import sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
with open(dst, "wb") as f:
    f.write(data[:24])                 # pcap file header, then the records
    f.write(data[24:] * copies)
EOF
fi

cfg="$OUT/callgrind.yaml"
cp "${CONFIG:-$REPO/tools/bench/callgrind.yaml}" "$cfg"
if [ -n "${ROUTES_YAML:-}" ]; then
	cat "$ROUTES_YAML" >> "$cfg"
fi

prefix="pg-callgrind-$$"
pkts=$((FLOWS * COPIES))
if [ -z "${SKIP_PKTGATE:-}" ]; then
rm -f "$OUT/callgrind.out"
valgrind --tool=callgrind --toggle-collect=pg_fwd_burst --dump-instr=yes \
	--callgrind-out-file="$OUT/callgrind.out" \
	"$PG" -l 0,1 --no-huge -m 512 --file-prefix "$prefix" --no-pci \
	--vdev "net_pcap0,rx_pcap=$pcap,tx_pcap=$OUT/lan-out.pcap" \
	--vdev net_null0,no-rx=1 \
	-- -c "$cfg" --idle-exit 3000 > "$OUT/log" 2>&1 || {
		echo "pktgate under valgrind failed, see $OUT/log" >&2
		exit 1
	}
rm -rf "/tmp/dpdk/${prefix:?}" "/var/run/dpdk/${prefix:?}" 2>/dev/null || true

callgrind_annotate --auto=yes --show-percs=no "$OUT/callgrind.out" > "$OUT/annotate.txt" 2>/dev/null ||
	callgrind_annotate --auto=yes "$OUT/callgrind.out" > "$OUT/annotate.txt"

ir=$(grep -m1 "PROGRAM TOTALS" "$OUT/annotate.txt" | awk '{gsub(",", "", $1); print $1}')
# When a TX buffer fills inside pg_fwd_burst (PG_BURST >= PG_TX_BUF), or
# a TX strategy sends from inside the burst, the PMD's TX runs inside it
# too: net_null's TX burst and, when packets also leave by the net_pcap
# port, net_pcap's (Debian strips their symbols: the heaviest function of
# each library, inclusive; net_pcap's RX never runs inside pg_fwd_burst)
# are left out. The ethdev call itself (inline) stays in.
callgrind_annotate --inclusive=yes "$OUT/callgrind.out" > "$OUT/annotate-incl.txt" 2>/dev/null
pmd=$(awk 'index($0, "librte_net_null.so") { gsub(",", "", $1); print $1; exit }' \
	"$OUT/annotate-incl.txt")
pmd2=$(awk 'index($0, "librte_net_pcap.so") { gsub(",", "", $1); print $1; exit }' \
	"$OUT/annotate-incl.txt")
awk -v ir="$ir" -v t="${pmd:-0}" -v t2="${pmd2:-0}" -v n="$pkts" 'BEGIN {
	printf "pg_fwd_burst: %d instructions - net_null TX %d - net_pcap TX %d, %d packets, %.1f instructions/packet\n",
		ir, t, t2, n, (ir - t - t2) / n }'
fi

[ -n "${L3FWD:-}" ] || exit 0

# l3fwd on the same pcap: it never stops by itself, so wait until net_null
# has sent every frame (EAL telemetry), then SIGINT.
lprefix="pg-callgrind-l3fwd-$$"
rm -f "$OUT/callgrind-l3fwd.out"
valgrind --tool=callgrind --toggle-collect=l3fwd_lpm_send_packets \
	--toggle-collect=lpm_parse_ptype --dump-instr=yes \
	--callgrind-out-file="$OUT/callgrind-l3fwd.out" \
	"$L3FWD" -l 1 --no-huge -m 512 --file-prefix "$lprefix" --no-pci \
	--vdev "net_pcap0,rx_pcap=$pcap" --vdev net_null0,no-rx=1 \
	-- -p 0x3 --config "(0,0,1),(1,0,1)" --parse-ptype --lookup=lpm \
	> "$OUT/log-l3fwd" 2>&1 &
vpid=$!
/usr/bin/python3 "$REPO/tools/bench/wait_sent.py" "$lprefix" 1 "$pkts" || true
kill -INT "$vpid"
wait "$vpid" || true
rm -rf "/tmp/dpdk/${lprefix:?}" "/var/run/dpdk/${lprefix:?}" 2>/dev/null || true

callgrind_annotate --inclusive=yes "$OUT/callgrind-l3fwd.out" > "$OUT/annotate-l3fwd-incl.txt"
callgrind_annotate --auto=yes "$OUT/callgrind-l3fwd.out" > "$OUT/annotate-l3fwd.txt"
fn_ir() {
	awk -v f="$1" 'index($0, f) { gsub(",", "", $1); print $1; exit }' \
		"$OUT/annotate-l3fwd-incl.txt"
}
send=$(fn_ir ':l3fwd_lpm_send_packets ')
# net_null's TX burst (Debian strips its symbols): the heaviest function of
# librte_net_null in the inclusive list.
ntx=$(fn_ir 'librte_net_null.so')
ptype=$(fn_ir ':lpm_parse_ptype ')
awk -v s="${send:-0}" -v t="${ntx:-0}" -v p="${ptype:-0}" -v n="$pkts" 'BEGIN {
	printf "l3fwd: send_packets %d - net_null tx %d + parse_ptype %d = %d instructions, %.1f instructions/packet\n",
		s, t, p, s - t + p, (s - t + p) / n }'
