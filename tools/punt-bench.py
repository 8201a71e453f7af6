#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Exception path throughput (docs/decisions/0008-exception-path.md).

pktgate in a network namespace of its own, its LAN port a net_pcap vdev
replaying UDP datagrams to pktgate's own address forever (infinite_rx),
the port mirrored by a kernel interface. Every datagram is punted; the
control thread writes it to the tap, the kernel takes it (no socket: it
is dropped after the port-unreachable rate limit). Reports per round the
rate the tap took (to_kernel/s), what the ring refused (punt_full/s) and
the control thread's CPU share (utime+stime of pktgate's main thread).
Only reports numbers; run as root.

usage: punt-bench.py PKTGATE [rounds] [seconds]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pkt"))
import pgtest  # noqa: E402
from scapy.all import IP, UDP, Ether, Raw  # noqa: E402


def cpu_ticks(pid):
    with open("/proc/%d/task/%d/stat" % (pid, pid)) as f:
        w = f.read().rsplit(")", 1)[1].split()
    return int(w[11]) + int(w[12])      # utime + stime of the main thread


def pktgate_pid(ns):
    out = subprocess.run(["ip", "netns", "pids", ns], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.split()
    return int(out[0])


def one_round(seconds):
    ns = "pg-punt-bench-%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="pg-punt-bench-")
    prefix = pgtest.unique_prefix("pgpuntb")
    frame = bytes(Ether(src=pgtest.HOST_MAC, dst=pgtest.LAN_MAC) /
                  IP(src=pgtest.HOST_IP, dst=pgtest.LAN_IP) / UDP(sport=4000, dport=9) /
                  Raw(b"x" * 18))
    inp = os.path.join(tmp, "in.pcap")
    pgtest.write_pcap(inp, [frame] * 64)
    conf = os.path.join(tmp, "c.yaml")
    with open(conf, "w") as f:
        f.write("ports:\n  - {name: lan, device: net_pcap0, ipv4: %s/24, mac: '%s', "
                "tap: pg-punt-b}\nneighbors:\n  - {ip: %s, mac: '%s', port: lan}\n"
                "workers:\n  lcores: [1]\narp: {dynamic: false}\n"
                % (pgtest.LAN_IP, pgtest.LAN_MAC, pgtest.HOST_IP, pgtest.HOST_MAC))
    subprocess.run(["ip", "netns", "add", ns], check=True)
    proc = tel = None
    try:
        cmd = (["ip", "netns", "exec", ns, pgtest.PKTGATE, "-l", "0,1", "--no-huge",
                "-m", "512", "--no-pci", "--file-prefix", prefix,
                "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % inp,
                "--", "-c", conf])
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tel = pgtest.wait_for_socket(prefix, proc, ready_cmd="/pktgate/punt")
        pid = pktgate_pid(ns)
        time.sleep(1)
        a, c0, t0 = tel.query("/pktgate/punt"), cpu_ticks(pid), time.time()
        time.sleep(seconds)
        b, c1, t1 = tel.query("/pktgate/punt"), cpu_ticks(pid), time.time()
        dt = t1 - t0
        return ((b["lan"]["to_kernel"] - a["lan"]["to_kernel"]) / dt,
                (b["punt_full"] - a["punt_full"]) / dt,
                100.0 * (c1 - c0) / os.sysconf("SC_CLK_TCK") / dt)
    finally:
        if tel is not None:
            tel.close()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        subprocess.run(["ip", "netns", "del", ns])
        pgtest.cleanup_prefix(prefix)


def main():
    pgtest.set_pktgate(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5
    res = []
    for r in range(rounds):
        rate, full, cpu = one_round(seconds)
        res.append((rate, full, cpu))
        print("round %d: to_kernel %.0f pkt/s, punt_full %.0f pkt/s, control thread %.0f%% "
              "CPU" % (r + 1, rate, full, cpu), flush=True)
    for i, name in enumerate(("to_kernel pkt/s", "punt_full pkt/s", "control CPU %")):
        v = [x[i] for x in res]
        print("median %s: %.0f (min %.0f, max %.0f)" % (name, statistics.median(v),
                                                        min(v), max(v)))


if __name__ == "__main__":
    main()
