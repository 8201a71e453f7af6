#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Exception path throughput and CPU, per backend
(docs/decisions/0008-exception-path.md).

pktgate in a network namespace of its own, one worker (lcore 1), its LAN
port a net_pcap vdev, the port mirrored by a kernel interface of the
given backend (net_tap or virtio_user). Two directions:

- punt: LAN replays UDP datagrams to pktgate's own address forever
  (infinite_rx); every one is punted, the control thread hands it to the
  kernel interface, the kernel drops it (no socket). Per round: what the
  kernel interface took (to_kernel/s, and the interface's rx_packets/s),
  what it refused (to_kernel_drops/s), what the ring refused (punt_full/s).
- inject: a UDP blaster inside the namespace sends to the LAN neighbor
  (a kernel neighbor entry pktgate wrote, so no ARP) out of the mirror;
  the control thread reads the frames and the worker sends them out of
  the port: from_kernel/s, from_kernel_drops/s, the port's tx/s. The
  blaster is Python (one sendto per datagram): slow in an emulated guest.
- rst: LAN replays TCP SYNs to a closed port of ours forever; the kernel
  answers each with a RST (not rate-limited, unlike ICMP errors), which
  goes back out of the port: both directions at once, no sender program
  in the way. pkt/s = from_kernel/s (RSTs queued for the port).

CPU per round, as percent of one CPU: the control thread (utime+stime of
pktgate's main thread), vhost-net's kernel thread for virtio_user
("vhost-PID"), and the ksoftirqd threads (receive work the kernel
deferred); their sum is what the exception path costs (the worker polls
at 100 % either way; the blaster's own sending is not counted). Per
packet: that sum divided by the packets moved. Rounds alternate the
backends; "virtio_user:pin" is virtio_user with vhost-net's thread moved
to CPU 0 (the control thread's) once pktgate runs. Only reports numbers;
run as root.

usage: punt-bench.py PKTGATE [--rounds N] [--seconds S]
                     [--backends tap,virtio_user,virtio_user:pin]
                     [--paths punt,rst,inject]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pkt"))
import pgtest  # noqa: E402
from scapy.all import ARP, IP, TCP, UDP, Ether, Raw  # noqa: E402

TAP = "pg-punt-b"
HZ = os.sysconf("SC_CLK_TCK")

BLASTER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst, end, sent, err = (sys.argv[1], 9), time.time() + float(sys.argv[2]), 0, 0
data = b"x" * 18
print("go", flush=True)
while time.time() < end:
    for _ in range(256):
        try:
            s.sendto(data, dst)
            sent += 1
        except OSError:
            err += 1
print(sent, err)
"""


def thread_ticks(pid, tid):
    with open("/proc/%d/task/%d/stat" % (pid, tid)) as f:
        w = f.read().rsplit(")", 1)[1].split()
    return int(w[11]) + int(w[12])      # utime + stime


def kthreads(prefix):
    """pids of the (kernel) threads whose name starts with prefix."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                if f.read().split(" (", 1)[1].startswith(prefix):
                    found.append(int(d))
        except OSError:
            continue
    return found


def kthread_ticks(prefix):
    """Kernel threads whose name starts with prefix: vhost-net's worker of
    pktgate's device ("vhost-PID"), "ksoftirqd/"."""
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        if st.split(" (", 1)[1].startswith(prefix):
            w = st.rsplit(")", 1)[1].split()
            total += int(w[11]) + int(w[12])
    return total


def pktgate_pid(ns):
    out = subprocess.run(["ip", "netns", "pids", ns], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.split()
    return int(out[0])


def link_stats(ns):
    out = subprocess.run(["ip", "-n", ns, "-s", "-j", "link", "show", TAP],
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    s = json.loads(out)[0]["stats64"]
    return s["rx"], s["tx"]


def port_tx(tel):
    p = tel.query("/pktgate/ports")
    return p["tx"][p["name"].index("lan")]


def sample(tel, ns, pid):
    t = tel.query("/pktgate/punt")
    rx, tx = link_stats(ns)
    return {"t": time.time(), "punt": t, "lan": t["lan"], "krx": rx, "ktx": tx,
            "ctl": thread_ticks(pid, pid), "vhost": kthread_ticks("vhost-%d)" % pid),
            "softirq": kthread_ticks("ksoftirqd/"), "port_tx": port_tx(tel)}


def one_round(variant, path, seconds):
    # "virtio_user:pin": vhost-net's thread moved to CPU 0 (the control
    # thread's), away from the worker's CPU 1
    backend, pin = variant.split(":")[0], variant.endswith(":pin")
    ns = "pg-virtio-bench-%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="pg-punt-bench-")
    prefix = pgtest.unique_prefix("pgpuntb")
    if path == "punt":
        frame = bytes(Ether(src=pgtest.HOST_MAC, dst=pgtest.LAN_MAC) /
                      IP(src=pgtest.HOST_IP, dst=pgtest.LAN_IP) / UDP(sport=4000, dport=9) /
                      Raw(b"x" * 18))
        frames, infinite = [frame] * 64, 1
    elif path == "rst":
        frames = [bytes(Ether(src=pgtest.HOST_MAC, dst=pgtest.LAN_MAC) /
                        IP(src=pgtest.HOST_IP, dst=pgtest.LAN_IP) /
                        TCP(sport=20000 + i, dport=179, flags="S", seq=i))
                  for i in range(64)]
        infinite = 1
    else:
        # one ARP request answered inline, then the port is quiet
        frames = [bytes(Ether(src=pgtest.HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
                        ARP(op=1, hwsrc=pgtest.HOST_MAC, psrc=pgtest.HOST_IP,
                            pdst=pgtest.LAN_IP))]
        infinite = 0
    inp = os.path.join(tmp, "in.pcap")
    pgtest.write_pcap(inp, frames)
    conf = os.path.join(tmp, "c.yaml")
    with open(conf, "w") as f:
        f.write("ports:\n  - {name: lan, device: net_pcap0, ipv4: %s/24, mac: '%s', "
                "tap: %s}\nneighbors:\n  - {ip: %s, mac: '%s', port: lan}\n"
                "workers:\n  lcores: [1]\narp: {dynamic: false}\npunt: {backend: %s}\n"
                % (pgtest.LAN_IP, pgtest.LAN_MAC, TAP, pgtest.HOST_IP, pgtest.HOST_MAC,
                   backend))
    subprocess.run(["ip", "netns", "add", ns], check=True)
    proc = tel = blaster = None
    try:
        cmd = (["ip", "netns", "exec", ns, pgtest.PKTGATE, "-l", "0,1", "--no-huge",
                "-m", "512", "--no-pci", "--file-prefix", prefix,
                "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=%d,tx_pcap=/dev/null"
                % (inp, infinite), "--", "-c", conf])
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # generous: an emulated guest (tools/vm, tcg) starts slowly
        tel = pgtest.wait_for_socket(prefix, proc, timeout=180, ready_cmd="/pktgate/punt")
        pid = pktgate_pid(ns)
        for t in kthreads("vhost-%d)" % pid) if pin else ():
            os.sched_setaffinity(t, {0})
        if path == "inject":
            blaster = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/bin/python3", "-c",
                                        BLASTER, pgtest.HOST_IP, str(seconds + 2)],
                                       stdout=subprocess.PIPE, universal_newlines=True)
            blaster.stdout.readline()     # sending (python starts slowly when emulated)
        time.sleep(1)
        a = sample(tel, ns, pid)
        time.sleep(seconds)
        b = sample(tel, ns, pid)
        if blaster is not None:
            blaster.communicate(timeout=30)
        dt = b["t"] - a["t"]

        def rate(f):
            return (f(b) - f(a)) / dt

        def cpu(f):
            return 100.0 * (f(b) - f(a)) / HZ / dt

        # what the worker got through: punted + punt_full (it polls at
        # 100 %; less means something else took its CPU)
        r = {"backend": variant, "path": path,
             "worker": rate(lambda s: s["punt"]["punted"] + s["punt"]["punt_full"]),
             "ctl_cpu": cpu(lambda s: s["ctl"]), "vhost_cpu": cpu(lambda s: s["vhost"]),
             "softirq_cpu": cpu(lambda s: s["softirq"]),
             "total_cpu": cpu(lambda s: s["ctl"] + s["vhost"] + s["softirq"])}
        if path == "punt":
            r.update(moved=rate(lambda s: s["lan"]["to_kernel"]),
                     drops=rate(lambda s: s["lan"]["to_kernel_drops"]),
                     full=rate(lambda s: s["punt"]["punt_full"]),
                     kernel=rate(lambda s: s["krx"]["packets"]),
                     kernel_drop=rate(lambda s: s["krx"]["dropped"]))
        elif path == "rst":
            r.update(moved=rate(lambda s: s["lan"]["from_kernel"]),
                     drops=rate(lambda s: s["lan"]["from_kernel_drops"]),
                     full=rate(lambda s: s["punt"]["punt_full"]),
                     to_kernel=rate(lambda s: s["lan"]["to_kernel"]),
                     to_kernel_drops=rate(lambda s: s["lan"]["to_kernel_drops"]),
                     kernel=rate(lambda s: s["ktx"]["packets"]),
                     kernel_drop=rate(lambda s: s["ktx"]["dropped"]),
                     port_tx=rate(lambda s: s["port_tx"]))
        else:
            r.update(moved=rate(lambda s: s["lan"]["from_kernel"]),
                     drops=rate(lambda s: s["lan"]["from_kernel_drops"]),
                     full=0.0,
                     kernel=rate(lambda s: s["ktx"]["packets"]),
                     kernel_drop=rate(lambda s: s["ktx"]["dropped"]),
                     port_tx=rate(lambda s: s["port_tx"]))
        r["us_per_pkt"] = (r["total_cpu"] * 1e4 / r["moved"]) if r["moved"] else 0.0
        return r
    finally:
        if blaster is not None and blaster.poll() is None:
            blaster.kill()
            blaster.wait()
        if tel is not None:
            tel.close()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        subprocess.run(["ip", "netns", "del", ns])
        pgtest.cleanup_prefix(prefix)


FIELDS = [("worker", "worker pkt/s", "%.0f"), ("moved", "pkt/s", "%.0f"), ("drops", "drops/s", "%.0f"),
          ("kernel", "kernel if pkt/s", "%.0f"), ("ctl_cpu", "ctl CPU %", "%.1f"),
          ("vhost_cpu", "vhost CPU %", "%.1f"), ("softirq_cpu", "ksoftirqd CPU %", "%.1f"),
          ("total_cpu", "sum CPU %", "%.1f"),
          ("us_per_pkt", "us CPU/pkt", "%.2f")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pktgate")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--backends", default="tap")
    ap.add_argument("--paths", default="punt")
    o = ap.parse_args()
    pgtest.set_pktgate(o.pktgate)
    res = []
    for path in o.paths.split(","):
        for r in range(o.rounds):
            for backend in o.backends.split(","):
                x = one_round(backend, path, o.seconds)
                res.append(x)
                print("round %d %s %s: %s" % (r + 1, path, backend, " ".join(
                    "%s=%s" % (k, fmt % x[k]) for k, _, fmt in FIELDS)
                    + ("" if path == "punt" else " port_tx=%.0f" % x["port_tx"])
                    + ("" if path != "rst" else " to_kernel=%.0f to_kernel_drops=%.0f"
                       % (x["to_kernel"], x["to_kernel_drops"]))
                    + ("" if path == "inject" else " punt_full=%.0f" % x["full"])),
                    flush=True)
    print("\n| path | backend | " + " | ".join(h for _, h, _ in FIELDS) + " |")
    print("|---|---|" + "---|" * len(FIELDS))
    for path in o.paths.split(","):
        for backend in o.backends.split(","):
            xs = [x for x in res if x["path"] == path and x["backend"] == backend]
            cells = []
            for k, _, fmt in FIELDS:
                v = [x[k] for x in xs]
                cells.append(("**" + fmt + "** (" + fmt + ".." + fmt + ")")
                             % (statistics.median(v), min(v), max(v)))
            print("| %s | %s | %s |" % (path, backend, " | ".join(cells)))


if __name__ == "__main__":
    main()
