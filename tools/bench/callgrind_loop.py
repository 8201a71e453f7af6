#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Instructions per packet of the WHOLE worker loop, counted by callgrind,
for pktgate, testpmd-io and (optionally) l3fwd-LPM and l3fwd-graph on the
same input as
bench.py: net_pcap rx_pcap=<256 flows>,infinite_rx=1 -> program ->
net_null,no-rx=1.

callgrind_fwd.sh counts pg_fwd_burst only; this counts everything the
polling thread does per packet: the PMD's RX (net_pcap's replay: mbuf
alloc, copy), the program's loop and stages, the PMD's TX (net_null frees
each mbuf), and the per-round bookkeeping. Repeatable to the instruction
on a busy machine, unlike a rate.

How: valgrind --tool=callgrind --separate-threads=yes; the program runs
until net_null has sent --packets frames (EAL telemetry), then SIGINT. The
polling thread is the thread file with the most instructions (l3fwd polls
on its main thread: collection is toggled on lpm_main_loop there). With
infinite_rx every RX burst returns a full burst (32; l3fwd-graph's
ethdev_rx node asks for RTE_GRAPH_BURST_SIZE = 256), so packets = burst x
calls of net_pcap's RX function; for pktgate this is checked against its
own exit summary, for l3fwd-graph against objs/call in rte_graph's own
stats (its log). Debian strips the PMDs and testpmd: their functions show
as addresses (net_pcap's RX and net_null's TX are the heaviest of each).

    tools/bench/callgrind_loop.py --pktgate build-native/app/pktgate/pktgate \
        [--l3fwd PATH] [--l3fwd-graph PATH] [--testpmd /usr/bin/dpdk-testpmd] [--packets 320000] \
        [--out /tmp/pg-callgrind-loop] [--only pktgate]

Prints per program: total, net_pcap RX, net_null TX (inclusive), the rest
(the program's own code), and the heaviest functions by self cost, all in
instructions per packet. Writes callgrind files and logs to --out. Never
fails because of a number.
"""

import argparse
import os
import re
import signal
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PYTHON = "/usr/bin/python3"
BURST = 32
# l3fwd-graph: ethdev_rx asks net_pcap for node->size = RTE_GRAPH_BURST_SIZE.
GRAPH_BURST = 256

CONFIG = os.path.join(REPO, "tools", "bench", "callgrind.yaml")


def annotate(path, *opts):
    # Instructions only, unless asked otherwise: with --cache-sim the files
    # carry more events, and every parser below reads the first column.
    show = [] if any(o.startswith("--show=") for o in opts) else ["--show=Ir"]
    return subprocess.run(["callgrind_annotate", "--threshold=100", *show, *opts, path],
                          capture_output=True, text=True).stdout


def num(s):
    return int(s.replace(",", ""))


def run(label, argv, out, packets, toggle=None, cache_sim=False):
    """Run argv under callgrind until net_null (port 1) sent `packets`."""
    prefix = "pgcgloop-%s-%d" % (label, os.getpid())
    base = os.path.join(out, "cg-%s.out" % label)
    for f in os.listdir(out):
        if f.startswith("cg-%s.out" % label):
            os.unlink(os.path.join(out, f))
    vg = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
          "--callgrind-out-file=" + base]
    if toggle:
        vg.append("--toggle-collect=" + toggle)
    if cache_sim:
        vg.append("--cache-sim=yes")
    eal = ["--no-huge", "-m", "1024", "--file-prefix", prefix, "--no-pci",
           "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % os.path.join(out, "flows256.pcap"),
           "--vdev", "net_null0,no-rx=1"]
    cmd = vg + argv[:1] + argv[1].split() + eal + ["--"] + argv[2]
    log = os.path.join(out, "log-%s" % label)
    with open(log, "w") as lf, open(os.devnull) as null:
        proc = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, stdin=null)
        ok = subprocess.run([PYTHON, os.path.join(REPO, "tools", "bench", "wait_sent.py"),
                             prefix, "1", str(packets), "900"]).returncode == 0
        proc.send_signal(signal.SIGINT)
        proc.wait()
    if not ok:
        print("%s: did not send %d packets, see %s" % (label, packets, log), file=sys.stderr)
    # The polling thread: the one that called net_pcap's RX most (not the
    # heaviest: on a loaded machine EAL init on the main thread can
    # outweigh a poller that got little CPU).
    best, best_calls = None, 0
    for f in sorted(os.listdir(out)):
        if f.startswith("cg-%s.out-" % label):
            calls = rx_calls(annotate(os.path.join(out, f), "--tree=caller"))
            if calls > best_calls:
                best, best_calls = os.path.join(out, f), calls
    return best, log


def rx_calls(tree):
    """Calls of net_pcap's RX function from outside the PMDs."""
    calls = 0
    pat = re.compile(r"<\s+(\S+) \((\S+)x\)( \[[^\]]+\])?\n\s*[\d,]+ \([^)]*\)\s*\*\s+\S+ "
                     r"\[[^\]]*net_pcap[^\]]*\]")
    for m in pat.finditer(tree):
        if "net_pcap" in (m.group(3) or "") or "net_null" in (m.group(3) or ""):
            continue
        calls = max(calls, num(m.group(2)))
    return calls


def breakdown(path, burst=BURST):
    incl = annotate(path, "--inclusive=yes")
    excl = annotate(path)
    total = num(re.search(r"([\d,]+) \S*\s*PROGRAM TOTALS", incl).group(1))
    pkts = rx_calls(annotate(path, "--tree=caller")) * burst

    def heaviest_incl(obj):
        best = 0
        for line in incl.splitlines():
            if obj in line:
                best = max(best, num(line.split()[0]))
        return best
    rx, tx = heaviest_incl("net_pcap.so"), heaviest_incl("net_null.so")
    funcs = []
    for line in excl.splitlines():
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(\S+:\S+)(?: \[(.*)\])?$", line)
        if m and pkts and num(m.group(1)) / pkts >= 0.1 and len(funcs) < 25:
            funcs.append((num(m.group(1)) / pkts, m.group(2).split("/")[-1],
                          (m.group(3) or "").split("/")[-1]))
    return {"total": total, "packets": pkts, "rx": rx, "tx": tx, "funcs": funcs}


CACHE_EVENTS = ["D1mr", "D1mw", "DLmr", "DLmw"]


def cache_misses(path):
    """Simulated data-cache misses of the thread (--cache-sim), by event."""
    out = annotate(path, "--show=" + ",".join(CACHE_EVENTS))
    m = re.search(r"^(.*)PROGRAM TOTALS", out, re.M)
    vals = re.findall(r"([\d,]+) \(", m.group(1)) if m else []
    return dict(zip(CACHE_EVENTS, (num(v) for v in vals))) if len(vals) == 4 else None


def exit_rx(log):
    """pktgate's own count of received packets, from its exit summary."""
    try:
        with open(log) as f:
            for line in f:
                m = re.match(r"summary: \S+ s rx (\d+)", line)
                if m:
                    return int(m.group(1))
    except OSError:
        pass
    return None


def graph_objs_per_call(log):
    """objs/call of the last ethdev_rx row rte_graph's stats printed."""
    last = None
    try:
        with open(log, errors="replace") as f:
            for line in f:
                cols = [c.strip() for c in line.split("|")]
                if len(cols) > 5 and cols[1].startswith("ethdev_rx-"):
                    last = cols[5]
    except OSError:
        pass
    return last


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pktgate", default=os.path.join(REPO, "build-native", "app", "pktgate",
                                                      "pktgate"))
    ap.add_argument("--testpmd", default="/usr/bin/dpdk-testpmd")
    ap.add_argument("--l3fwd", help="l3fwd built beside the project (bench README)")
    ap.add_argument("--l3fwd-graph", help="l3fwd-graph built beside the project (bench README)")
    ap.add_argument("--packets", type=int, default=320000,
                    help="run until net_null sent this many (default 320000)")
    ap.add_argument("--out", default="/tmp/pg-callgrind-loop")
    ap.add_argument("--config", default=CONFIG,
                    help="pktgate's config (default tools/bench/callgrind.yaml; "
                         "callgrind-2port.yaml: the flows fan out over both ports)")
    ap.add_argument("--cache-sim", action="store_true",
                    help="also simulate the caches (valgrind's model, not the CPU's): data "
                         "misses per packet, L1 and last level; slower")
    ap.add_argument("--only", help="comma-separated labels: pktgate,testpmd-io,l3fwd-lpm,l3fwd-graph")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    pcap = os.path.join(args.out, "flows256.pcap")
    if not os.path.exists(pcap):
        subprocess.run([PYTHON, os.path.join(REPO, "tools", "gen_flows.py"), "--flows", "256",
                        "--size", "64", "--dst-mac", "02:00:00:00:00:01", "--out", pcap,
                        "198.18.1.0/24"], check=True, stdout=subprocess.DEVNULL)
    cfg = args.config

    progs = [("pktgate", [args.pktgate, "-l 0,1", ["-c", cfg]], None),
             ("testpmd-io", [args.testpmd, "-l 0,1",
                             ["--forward-mode=io", "--nb-cores=1", "--rxq=1", "--txq=1",
                              "--auto-start", "--stats-period", "100"]], None)]
    if args.l3fwd:
        progs.append(("l3fwd-lpm", [args.l3fwd, "-l 1",
                                    ["-p", "0x3", "--config", "(0,0,1),(1,0,1)",
                                     "--parse-ptype", "--lookup=lpm"]], "lpm_main_loop"))
    if args.l3fwd_graph:
        # The graph walks on worker lcore 1, its own thread file.
        progs.append(("l3fwd-graph", [args.l3fwd_graph, "-l 0,1",
                                      ["-p", "0x3", "--config", "(0,0,1),(1,0,1)"]], None))
    only = set(args.only.split(",")) if args.only else None
    for label, argv, toggle in progs:
        if only and label not in only:
            continue
        path, log = run(label, argv, args.out, args.packets, toggle, args.cache_sim)
        if path is None:
            print("%s: no callgrind output, see %s" % (label, log))
            continue
        burst = GRAPH_BURST if label == "l3fwd-graph" else BURST
        b = breakdown(path, burst)
        n = b["packets"]
        if n == 0:
            print("%s: no RX calls found in %s" % (label, path))
            continue
        check = ""
        if label == "pktgate":
            check = "; pktgate's own rx count %s" % exit_rx(log)
        elif label == "l3fwd-graph":
            check = "; rte_graph stats: ethdev_rx objs/call %s" % graph_objs_per_call(log)
        print("%s (%s): %d packets (%d x RX calls)%s" % (
            label, os.path.basename(path), n, burst, check))
        print("  %-28s %7.1f instr/pkt" % ("whole polling thread", b["total"] / n))
        print("  %-28s %7.1f" % ("net_pcap RX (inclusive)", b["rx"] / n))
        print("  %-28s %7.1f" % ("net_null TX (inclusive)", b["tx"] / n))
        print("  %-28s %7.1f" % ("the program's own code", (b["total"] - b["rx"] - b["tx"]) / n))
        misses = cache_misses(path) if args.cache_sim else None
        if misses:
            print("  simulated data misses/pkt: " + ", ".join(
                "%s %.2f" % (k, v / n) for k, v in misses.items()))
        for per, fn, obj in b["funcs"]:
            print("    self %7.2f  %s [%s]" % (per, fn, obj))
    return 0


if __name__ == "__main__":
    sys.exit(main())
