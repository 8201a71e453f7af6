#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""What a Prometheus scrape of tools/pktgate-exporter costs, and whether it
touches the worker: pktgate (rtc, one worker, net_pcap infinite_rx in,
net_null out, --no-huge) forwards while the exporter is scraped N times
back to back. Reports per scrape: wall time (median, p90), exporter CPU,
CPU of pktgate's non-worker threads (telemetry, control), /metrics size;
and the worker's forwarding rate in windows with and without scraping.
Numbers only, never a pass/fail.

usage: exporter_cost.py PKTGATE [--scrapes 200] [--rounds 3]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "pkt"))
import pgtest  # noqa: E402
from pgtest import (GW_IP, HOST_IP, HOST_MAC, IP, LAN_MAC, UDP, Ether, Raw,  # noqa: E402
                    Running, base_config)

EXPORTER = os.path.join(HERE, "..", "pktgate-exporter")
TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid, want):
    """CPU seconds of pid's threads whose name `want` accepts."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                st = f.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        fields = st[st.rindex(")") + 2:].split()
        if want(name):
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pktgate")
    ap.add_argument("--scrapes", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    pgtest.set_pktgate(a.pktgate)
    cfg = base_config(routes=[("203.0.113.0/24", "via", GW_IP)], wan_dev="net_null0")
    frame = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.5") / \
        UDP() / Raw(b"x" * 18)
    r = Running(cfg, [frame], tag="pgcost")
    ex = None
    try:
        ex = subprocess.Popen([sys.executable, EXPORTER, "--listen", "127.0.0.1:0",
                               "--file-prefix", r.prefix], stdout=subprocess.PIPE,
                              universal_newlines=True)
        url = re.search(r"http://\S+/metrics", ex.stdout.readline()).group(0)
        urllib.request.urlopen(url).read()                 # connect, warm up
        worker = "rte-worker-1"       # DPDK 22.11 names the lcore threads so
        print("machine: %d CPUs, %s" % (os.cpu_count(), os.uname().release))
        for rnd in range(a.rounds):
            # idle window: forwarding rate without scrapes
            f0, t0 = r.q("/pktgate/stats")["forwarded"], time.monotonic()
            time.sleep(2)
            idle_rate = (r.q("/pktgate/stats")["forwarded"] - f0) / (time.monotonic() - t0)
            # scrape window
            other0 = thread_cpu(r.proc.pid, lambda n: n != worker)
            ex0 = proc_cpu(ex.pid)
            f0, t0 = r.q("/pktgate/stats")["forwarded"], time.monotonic()
            walls, size = [], 0
            for _ in range(a.scrapes):
                s = time.monotonic()
                size = len(urllib.request.urlopen(url).read())
                walls.append(time.monotonic() - s)
            dt = time.monotonic() - t0
            busy_rate = (r.q("/pktgate/stats")["forwarded"] - f0) / dt
            other = thread_cpu(r.proc.pid, lambda n: n != worker) - other0
            exc = proc_cpu(ex.pid) - ex0
            walls.sort()
            print("round %d: %d scrapes in %.2f s: wall median %.2f ms, p90 %.2f ms; "
                  "exporter CPU %.2f ms/scrape; pktgate non-worker CPU %.2f ms/scrape; "
                  "/metrics %d bytes; forwarding %.2f Mpps idle, %.2f Mpps while "
                  "scraping back to back (%+.1f%%)" % (
                      rnd, a.scrapes, dt, 1e3 * statistics.median(walls),
                      1e3 * walls[int(0.9 * len(walls))], 1e3 * exc / a.scrapes,
                      1e3 * other / a.scrapes, size, idle_rate / 1e6, busy_rate / 1e6,
                      100.0 * (busy_rate - idle_rate) / idle_rate))
    finally:
        if ex is not None:
            ex.terminate()
            ex.wait()
        r.stop()
        r.close()


if __name__ == "__main__":
    main()
