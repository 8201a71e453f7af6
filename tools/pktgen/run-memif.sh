#!/bin/bash
# run-memif.sh: one throughput measurement of pktgate driven by Pktgen-DPDK
# over two memif links, no NIC needed.
#
#   PKTGEN=/path/to/pktgen tools/pktgen/run-memif.sh
#
#   pktgen port 0 --memif--> pktgate lan ... wan --memif--> pktgen port 1
#
# 1. starts pktgate on tools/pktgen/pktgate-memif.yaml, both ports memif
#    servers, and waits for its "running" line;
# 2. starts pktgen (client of both sockets) under `script` (it needs a TTY)
#    with tools/pktgen/throughput.lua, which sends for PG_SECONDS, stops,
#    writes one JSON line and then holds the links up;
# 3. reads pktgate's telemetry (/pktgate/stats, /ethdev/stats) while pktgen
#    is still connected (memif zeroes counters on disconnect);
# 4. stops pktgate (SIGINT) and only then lets pktgen quit: DPDK 22.11's
#    memif driver can crash a side that is still polling when its peer
#    leaves, and pktgate polls until it is told to stop, so it goes first.
#
# Output: the pktgen JSON line, pktgate's counters, a comparison, and
# one final line `RESULT {...}` (JSON). Logs stay in the printed work dir.
# Exit status: 0 when a measurement was made (whatever the rate or loss),
# 1 when something failed to run, 2 on bad usage, 3 when the numbers were
# collected but pktgate then exited abnormally (crash / non-zero status).
#
# Environment (all optional except PKTGEN):
#   PKTGEN            pktgen binary (Pktgen-DPDK 23.06.1, built with Lua;
#                     see tools/pktgen/README.md)                  REQUIRED
#   PKTGATE           pktgate binary        (default: build/app/pktgate/pktgate)
#   PKTGATE_CONF      config      (default: tools/pktgen/pktgate-memif.yaml)
#   PKTGATE_LCORES    pktgate --lcores      (default: 0@0,1@1)
#   PKTGEN_LCORES     pktgen --lcores       (default: 0@1,1@0)
#                     The two busy pollers (pktgate's worker lcore 1 and
#                     pktgen's lcore 1) must sit on DIFFERENT CPUs, or the
#                     rate collapses to ~0.1 Mpps.
#   PKTGATE_MEM       pktgate memory options (default: --huge-unlink -m 256,
#                     or --no-huge -m 512 when fewer than 256 MB of
#                     hugepages are free)
#   PKTGEN_MEM        pktgen memory options (default: --no-huge -m 3072:
#                     pktgen 23.06 makes 5 pools of 24576 x 10 KB mbufs per
#                     port, ~2.4 GB for two ports; memif itself uses memfd)
#   LAN_SOCK/WAN_SOCK memif socket paths (default /tmp/pktgate-lan.sock,
#                     /tmp/pktgate-wan.sock)
#   PKTGEN_MAC0/1     MACs of pktgen's ports (default 02:00:00:00:00:02 and
#                     02:00:00:00:01:02, as in pktgate-memif.yaml)
#   PG_SECONDS, PG_SIZE, PG_RATE, PG_DST_MIN, ...  passed to throughput.lua
#                     (see its header)
#   WORKDIR           where logs go (default: a new /tmp/pktgen-run.XXXXXX)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

if [ -z "${PKTGEN:-}" ] || [ ! -x "${PKTGEN:-}" ]; then
	cat >&2 <<EOF
run-memif.sh: set PKTGEN to a Pktgen-DPDK binary (now: '${PKTGEN:-}').
Build it outside this repository (details in tools/pktgen/README.md):
  apt-get install -y dpdk-dev libdpdk-dev meson ninja-build pkg-config \\
      libpcap-dev libnuma-dev python3-pyelftools liblua5.4-dev libbsd-dev
  git clone https://github.com/pktgen/Pktgen-DPDK /tmp/pktgen-src
  cd /tmp/pktgen-src && git checkout pktgen-23.06.1
  # fix 1: lib/lua/meson.build: add 'dpdk' to the liblua dependencies list
  # fix 2: app/pktgen-port-cfg.c: accept -ENOTSUP from rte_eth_dev_set_mtu()
  meson setup build -Denable_lua=true && ninja -C build
  PKTGEN=/tmp/pktgen-src/build/app/pktgen $0
EOF
	exit 2
fi

PKTGATE=${PKTGATE:-$REPO/build/app/pktgate/pktgate}
PKTGATE_CONF=${PKTGATE_CONF:-$HERE/pktgate-memif.yaml}
LUA=${LUA:-$HERE/throughput.lua}
PKTGATE_LCORES=${PKTGATE_LCORES:-0@0,1@1}
PKTGEN_LCORES=${PKTGEN_LCORES:-0@1,1@0}
LAN_SOCK=${LAN_SOCK:-/tmp/pktgate-lan.sock}
WAN_SOCK=${WAN_SOCK:-/tmp/pktgate-wan.sock}
PKTGEN_MAC0=${PKTGEN_MAC0:-02:00:00:00:00:02}
PKTGEN_MAC1=${PKTGEN_MAC1:-02:00:00:00:01:02}
PKTGEN_MEM=${PKTGEN_MEM:---no-huge -m 3072}
export PG_SECONDS=${PG_SECONDS:-10}
case $PG_SECONDS in
''|*[!0-9]*) echo "run-memif.sh: PG_SECONDS must be a whole number of seconds" >&2; exit 2 ;;
esac
TELEMETRY=${TELEMETRY:-dpdk-telemetry.py}
PY=/usr/bin/python3

for f in "$PKTGATE" ; do
	[ -x "$f" ] || { echo "run-memif.sh: $f: not an executable (set PKTGATE)" >&2; exit 2; }
done
for f in "$PKTGATE_CONF" "$LUA"; do
	[ -r "$f" ] || { echo "run-memif.sh: $f: not readable" >&2; exit 2; }
done
command -v script >/dev/null || { echo "run-memif.sh: needs script(1) (bsdutils)" >&2; exit 2; }
command -v "$TELEMETRY" >/dev/null || { echo "run-memif.sh: needs $TELEMETRY (dpdk)" >&2; exit 2; }

if [ -z "${PKTGATE_MEM:-}" ]; then
	free_mb=$(awk '/^HugePages_Free/ {f=$2} /^Hugepagesize/ {s=$2} END {print int(f*s/1024)}' /proc/meminfo)
	if [ "${free_mb:-0}" -ge 256 ] && grep -qs hugetlbfs /proc/mounts; then
		PKTGATE_MEM="--huge-unlink -m 256"
	else
		PKTGATE_MEM="--no-huge -m 512"
	fi
fi

WORKDIR=${WORKDIR:-$(mktemp -d /tmp/pktgen-run.XXXXXX)}
mkdir -p "$WORKDIR"
GATE_PREFIX=pktgate-pg$$
GEN_PREFIX=pktgen-pg$$
GATE_LOG=$WORKDIR/pktgate.log
GEN_LOG=$WORKDIR/pktgen.log
RESULT=$WORKDIR/pktgen-result.json
HOLD=$WORKDIR/pktgen-may-quit
TEL=$WORKDIR/pktgate-telemetry.json
rm -f "$RESULT" "$HOLD" "$TEL"

GATE_PID=
GEN_PID=
GATE_RC=
GEN_RC=

say() { echo "run-memif: $*"; }

# A memif server cannot bind over a socket somebody else is listening on.
for s in "$LAN_SOCK" "$WAN_SOCK"; do
	if [ -e "$s" ]; then
		if ss -xl 2>/dev/null | grep -qF " $s "; then
			echo "run-memif.sh: $s is in use by another process; set LAN_SOCK/WAN_SOCK" >&2
			exit 1
		fi
		rm -f "$s"
	fi
done

# wait_exit PID SECONDS: wait for a child to end; its status (or "timeout")
# goes to $RC (no command substitution: a subshell cannot wait for our child).
RC=
wait_exit() {
	local pid=$1 t=$2 i
	for ((i = 0; i < t * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		RC=timeout
		return
	fi
	wait "$pid"
	RC=$?
}

cleanup() {
	# Only the processes this script started, by PID; pktgate first (see 4.).
	if [ -n "$GATE_PID" ] && kill -0 "$GATE_PID" 2>/dev/null; then
		kill -INT "$GATE_PID" 2>/dev/null
		wait_exit "$GATE_PID" 10
		[ "$RC" = timeout ] && kill -KILL "$GATE_PID" 2>/dev/null
	fi
	if [ -n "$GEN_PID" ] && kill -0 "$GEN_PID" 2>/dev/null; then
		touch "$HOLD"
		wait_exit "$GEN_PID" 10
		[ "$RC" = timeout ] && kill -TERM "$GEN_PID" 2>/dev/null
	fi
	rm -rf "/var/run/dpdk/$GATE_PREFIX" "/var/run/dpdk/$GEN_PREFIX"
	rm -f "$LAN_SOCK" "$WAN_SOCK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "run-memif.sh: $*" >&2
	echo "run-memif.sh: logs in $WORKDIR" >&2
	exit 1
}

say "work dir $WORKDIR"

# 1. pktgate: both memif ports are servers. --duration is only a safety net.
GATE_CMD=("$PKTGATE" --lcores "$PKTGATE_LCORES" --file-prefix "$GATE_PREFIX" --no-pci
	$PKTGATE_MEM
	--vdev "net_memif0,role=server,socket=$LAN_SOCK,socket-abstract=no"
	--vdev "net_memif1,role=server,socket=$WAN_SOCK,socket-abstract=no"
	-- -c "$PKTGATE_CONF" --stats-interval 0 --duration $((PG_SECONDS + 300)))
say "pktgate: ${GATE_CMD[*]}"
"${GATE_CMD[@]}" </dev/null >"$GATE_LOG" 2>&1 &
GATE_PID=$!

for ((i = 0; i < 300; i++)); do
	grep -q ') running$' "$GATE_LOG" 2>/dev/null && break
	kill -0 "$GATE_PID" 2>/dev/null || { GATE_PID=; cat "$GATE_LOG" >&2; fail "pktgate exited before running"; }
	sleep 0.1
done
grep -q ') running$' "$GATE_LOG" || { cat "$GATE_LOG" >&2; fail "pktgate not running after 30 s"; }
say "$(grep ') running$' "$GATE_LOG")"

# 2. pktgen as the client of both sockets, under script(1) for its TTY.
GEN_CMD="$PKTGEN --lcores $PKTGEN_LCORES --file-prefix $GEN_PREFIX --no-pci $PKTGEN_MEM"
GEN_CMD+=" --vdev net_memif0,role=client,socket=$LAN_SOCK,socket-abstract=no,mac=$PKTGEN_MAC0"
GEN_CMD+=" --vdev net_memif1,role=client,socket=$WAN_SOCK,socket-abstract=no,mac=$PKTGEN_MAC1"
GEN_CMD+=" -- -P -m '1.[0-1]' -f $LUA"
say "pktgen: $GEN_CMD"
export PG_OUT=$RESULT PG_HOLD=$HOLD PG_HOLD_MAX=${PG_HOLD_MAX:-120}
export PG_SRC_MAC=${PG_SRC_MAC:-$PKTGEN_MAC0}
TERM=dumb script -qfec "$GEN_CMD" /dev/null </dev/null >"$GEN_LOG" 2>&1 &
GEN_PID=$!

limit=$((PG_SECONDS + 90))
for ((i = 0; i < limit * 10; i++)); do
	[ -s "$RESULT" ] && break
	kill -0 "$GEN_PID" 2>/dev/null || break
	kill -0 "$GATE_PID" 2>/dev/null || break
	sleep 0.1
done
if [ ! -s "$RESULT" ]; then
	kill -0 "$GATE_PID" 2>/dev/null || say "pktgate died: $(tail -3 "$GATE_LOG")"
	tr -d '\r' <"$GEN_LOG" | grep -a -E 'PANIC|Cannot|rror' | head -5 >&2
	fail "pktgen gave no result within $limit s"
fi

# 3. pktgate's counters, while pktgen still holds both links.
printf '/pktgate/stats\n/ethdev/stats,0\n/ethdev/stats,1\n' |
	"$TELEMETRY" -f "$GATE_PREFIX" >"$TEL" 2>"$WORKDIR/telemetry.err"
[ "$(grep -c '^{' "$TEL")" = 3 ] || say "warning: telemetry incomplete ($(cat "$WORKDIR/telemetry.err"))"

# 4. pktgate first (SIGINT), then release pktgen.
kill -INT "$GATE_PID"
wait_exit "$GATE_PID" 20
GATE_RC=$RC
if [ "$GATE_RC" = timeout ]; then
	kill -KILL "$GATE_PID" 2>/dev/null
	wait "$GATE_PID" 2>/dev/null
fi
GATE_PID=
touch "$HOLD"
wait_exit "$GEN_PID" 30
GEN_RC=$RC
[ "$GEN_RC" = timeout ] && kill -TERM "$GEN_PID" 2>/dev/null
GEN_PID=

say "pktgate exit: $GATE_RC; pktgen exit: $GEN_RC"
grep '^summary:' "$GATE_LOG" | sed 's/^/  /'

# Report: pktgen's view against pktgate's.
"$PY" - "$RESULT" "$TEL" "$GATE_RC" "$GEN_RC" <<'EOF'
import json, sys
res = json.loads(open(sys.argv[1]).read())
gate_rc, gen_rc = sys.argv[3], sys.argv[4]
stats, eth = {}, []
for line in open(sys.argv[2]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    if "/pktgate/stats" in d:
        stats = d["/pktgate/stats"]
    elif "/ethdev/stats" in d:
        eth.append(d["/ethdev/stats"])
print("pktgen : " + json.dumps(res))
if "error" in res:
    sys.exit(1)
drops = {k: v for k, v in stats.items()
         if v and k not in ("rx", "tx", "forwarded", "local", "ip_options", "drops")}
print("pktgate: rx %s tx %s forwarded %s drops %s %s" % (
    stats.get("rx"), stats.get("tx"), stats.get("forwarded"), stats.get("drops"),
    json.dumps(drops)))
if len(eth) == 2:
    print("pktgate ethdev: lan ipackets %d imissed %d | wan opackets %d oerrors %d" % (
        eth[0]["ipackets"], eth[0]["imissed"], eth[1]["opackets"], eth[1]["oerrors"]))
checks = []
if stats:
    checks.append(("pktgen tx == pktgate rx", res["tx"], stats["rx"]))
    checks.append(("pktgate tx == pktgen rx", stats["tx"], res["rx"]))
    checks.append(("pktgen loss == pktgate drops", res["loss"], stats["drops"]))
if len(eth) == 2:
    checks.append(("pktgen tx == lan ipackets", res["tx"], eth[0]["ipackets"]))
    checks.append(("wan opackets == pktgen rx", eth[1]["opackets"], res["rx"]))
agree = all(a == b for _, a, b in checks) and bool(checks)
for name, a, b in checks:
    print("  %-30s %12d %12d  %s" % (name, a, b, "ok" if a == b else "DIFFER by %d" % (a - b)))
out = dict(res)
out.update({"pktgate_rx": stats.get("rx"), "pktgate_tx": stats.get("tx"),
            "pktgate_drops": stats.get("drops"), "pktgate_drop_reasons": drops,
            "counters_agree": agree, "pktgate_exit": gate_rc, "pktgen_exit": gen_rc})
print("RESULT " + json.dumps(out))
EOF
py_rc=$?
[ $py_rc = 0 ] || fail "no usable measurement"
if [ "$GATE_RC" != 0 ]; then
	say "WARNING: pktgate ended with status $GATE_RC (see $GATE_LOG)"
	exit 3
fi
if [ "$GEN_RC" != 0 ]; then
	say "note: pktgen ended with status $GEN_RC after the measurement (see $GEN_LOG)"
fi
exit 0
