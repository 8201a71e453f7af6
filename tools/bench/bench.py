#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""pktgate benchmark harness (outside `meson test`).

Runs pktgate, the I/O ceiling `dpdk-testpmd --forward-mode=io` and
(optionally) DPDK's l3fwd in LPM mode on the same input, in the same
invocation, alternating A B C A B C ..., several runs each, and reports per
program the median, min and max Mpps and cycles/packet, plus the ratios
pktgate/testpmd-io and pktgate/l3fwd computed from the medians of this
invocation. With --l3fwd-graph also DPDK's l3fwd-graph (the rte_graph
version of the same router, decision 0001) and pktgate/l3fwd-graph.

Input: net_pcap with rx_pcap=<pcap made by tools/gen_flows.py>,infinite_rx=1
(the PMD replays the file from memory) -> program -> net_null with no-rx=1
(a sink that frees everything and, thanks to no-rx=1, makes up no RX).
The rate is DPDK's own counter: opackets of the net_null port, read over
the EAL telemetry socket at the start and the end of a measurement window
that follows a warm-up.

See tools/bench/README.md for the command lines, how to build l3fwd beside
the project, how to read the output, and the caveats.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import textwrap
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GEN_FLOWS = os.path.join(REPO, "tools", "gen_flows.py")
PYTHON = "/usr/bin/python3"

# Addresses of the benchmark topology. 198.18.1.0/24 is what l3fwd's
# built-in LPM table sends to port 1 (the net_null sink); pktgate gets the
# same traffic and a route covering it through a static neighbor on "wan".
LAN_MAC = "02:00:00:00:00:01"
WAN_MAC = "02:00:00:00:01:01"
LAN_IP = "192.0.2.1/24"
WAN_IP = "203.0.113.1/24"
NEIGHBORS = [("203.0.113.2", "02:00:00:00:00:99"), ("203.0.113.3", "02:00:00:00:00:98"),
             ("203.0.113.4", "02:00:00:00:00:97"), ("203.0.113.5", "02:00:00:00:00:96")]
FLOW_PREFIX = "198.18.1.0/24"
PKTGATE_ROUTE = "198.18.0.0/16"
SRC_IP_BASE = "10.0.0.1"

SRC_DEV = "net_pcap0"
MEMIF_DEV = "net_memif0"
SINK_DEV = "net_null0"

# Mempool sizing (see pool_plan()): every frame of the pcap sits in an mbuf of
# the RX queue's pool for the whole run (net_pcap infinite_rx), so the pools
# must hold frames x RX queues plus what is in flight.
POOL_MARGIN = 8192
PKTGATE_MAX_DESC = 16384
TESTPMD_DEFAULT_MBUFS = 163456   # (2048 + 2*250 + 2048 + 512) * RTE_MAX_ETHPORTS(32)
L3FWD_MAX_DESC = 32768
# l3fwd-graph has no queue-size options: the recipe in tools/bench/README.md
# lets the environment (L3FWD_GRAPH_MBUFS) raise its pool's floor (NB_MBUF,
# 8192). Its bursts of 256 (RTE_GRAPH_BURST_SIZE) against a mempool cache of
# 256 flush the cache to the pool's ring and refill it on every burst, so
# mbufs rotate through the WHOLE pool: a pool sized for the largest pcap of
# the invocation would make a small pcap's point pay for a big working set.
# So its pool is sized per point: the pcap's frames + the example's own 8192.
L3FWD_GRAPH_MIN_MBUFS = 8192

HUGE_PAGES_WANTED = 600
HUGE_PAGES_CAP = 2048      # never raise nr_hugepages beyond this
CONTENDED = 0.9            # a poller that got less CPU than this in the window was contended
NOISY = 0.10               # (max - min) / median above this is printed as a spread
NO_HUGE_MB = 1024


class HarnessError(Exception):
    """The harness could not measure: a program did not start, telemetry
    was unreachable, a program died during the window."""


def log(msg):
    print(msg, flush=True)


def warn(msg):
    print("WARNING: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Machine and software facts recorded with every result

def read_file(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def machine_info():
    cpuinfo = read_file("/proc/cpuinfo")
    m = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    flags = re.search(r"^flags\s*:\s*(.*)$", cpuinfo, re.M)
    flags = flags.group(1).split() if flags else []
    return {
        "cpu_model": m.group(1).strip() if m else "unknown",
        "cpus": os.cpu_count(),
        "hypervisor": "hypervisor" in flags,
        "constant_tsc": "constant_tsc" in flags,
        "kernel": os.uname().release,
        "hostname": os.uname().nodename,
    }


def run_text(argv, cwd=None):
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def dpdk_version():
    return run_text(["pkg-config", "--modversion", "libdpdk"]) or "unknown"


def pktgate_info(binary):
    commit = run_text(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = bool(run_text(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"]))
    version = run_text([binary, "--version"]).splitlines()
    newest = 0.0
    for top in ("app", "lib"):
        for root, _, files in os.walk(os.path.join(REPO, top)):
            for f in files:
                if f.endswith((".c", ".h", ".build")):
                    newest = max(newest, os.path.getmtime(os.path.join(root, f)))
    try:
        stale = os.path.getmtime(binary) < newest
    except OSError:
        stale = None
    return {"commit": commit, "tree_dirty": dirty, "binary": os.path.abspath(binary),
            "version": version[0] if version else "unknown",
            "binary_older_than_sources": stale}


# ---------------------------------------------------------------------------
# Telemetry client (SOCK_SEQPACKET, /var/run/dpdk/<prefix>/dpdk_telemetry.v2)

class Telemetry:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(5)
        self.sock.connect(path)
        info = json.loads(self.sock.recv(4096).decode())
        self.version = info.get("version", "")
        self.max_len = int(info.get("max_output_len", 16384))

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = self.sock.recv(self.max_len)
        if not reply:
            raise HarnessError("telemetry socket closed")
        data = json.loads(reply.decode())
        return data.get(cmd.split(",")[0])

    def close(self):
        self.sock.close()


def run_dir(prefix):
    return os.path.join("/var/run/dpdk", prefix)


def hugetlbfs_mounts():
    return [line.split()[1] for line in read_file("/proc/mounts").splitlines()
            if len(line.split()) > 2 and line.split()[2] == "hugetlbfs"]


def remove_run_dir(prefix):
    """Our /var/run/dpdk/<prefix> and, should the program have been killed,
    the hugepage files it left (<mount>/<prefix>map_N); only our prefix."""
    shutil.rmtree(run_dir(prefix), ignore_errors=True)
    for mnt in hugetlbfs_mounts():
        try:
            names = os.listdir(mnt)
        except OSError:
            continue
        for n in names:
            if n.startswith(prefix + "map_"):
                try:
                    os.unlink(os.path.join(mnt, n))
                except OSError:
                    pass


# ---------------------------------------------------------------------------
# Memory: hugepages if enough are free, else --no-huge

def meminfo_pages():
    mi = read_file("/proc/meminfo")
    total = re.search(r"HugePages_Total:\s*(\d+)", mi)
    free = re.search(r"HugePages_Free:\s*(\d+)", mi)
    size = re.search(r"Hugepagesize:\s*(\d+)", mi)
    return (int(total.group(1)) if total else 0, int(free.group(1)) if free else 0,
            int(size.group(1)) if size else 0)


def hugetlbfs_mounted():
    return bool(hugetlbfs_mounts())


def choose_memory(mode):
    """Returns (EAL memory args, description)."""
    if mode == "no-huge":
        return ["--no-huge", "-m", str(NO_HUGE_MB)], "--no-huge -m %d (asked for)" % NO_HUGE_MB
    total, free, size = meminfo_pages()
    if hugetlbfs_mounted() and size == 2048 and free < HUGE_PAGES_WANTED and os.geteuid() == 0:
        want = min(HUGE_PAGES_CAP, max(1024, total + (HUGE_PAGES_WANTED - free)))
        if want > total:
            try:
                with open("/proc/sys/vm/nr_hugepages", "w") as f:
                    f.write(str(want))
                log("hugepages: %d of %d free, raised nr_hugepages to %d" % (free, total, want))
            except OSError as e:
                warn("cannot raise nr_hugepages: %s" % e)
        total, free, size = meminfo_pages()
    if hugetlbfs_mounted() and free * size >= HUGE_PAGES_WANTED * 2048:
        return [], "hugepages (%d x %d kB free of %d at start)" % (free, size, total)
    if mode == "huge":
        raise HarnessError("only %d hugepages of %d kB free; need %d x 2 MB"
                           % (free, size, HUGE_PAGES_WANTED))
    warn("only %d hugepages free: falling back to --no-huge -m %d" % (free, NO_HUGE_MB))
    return ["--no-huge", "-m", str(NO_HUGE_MB)], \
        "--no-huge -m %d (only %d hugepages free)" % (NO_HUGE_MB, free)


# ---------------------------------------------------------------------------
# Inputs

def ip2int(s):
    a, b, c, d = (int(x) for x in s.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def int2ip(n):
    return "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)


class Input:
    """A pcap made by tools/gen_flows.py, cached in the work directory."""

    def __init__(self, flows, size, prefixes, desc):
        self.flows = flows
        self.size = size
        self.prefixes = list(prefixes)
        self.desc = desc
        key = hashlib.sha1(("%d %d %s %s %s" % (flows, size, LAN_MAC, SRC_IP_BASE,
                                                 " ".join(self.prefixes))).encode()).hexdigest()[:12]
        self.name = "flows%d-size%d-%s.pcap" % (flows, size, key)
        self.path = None

    def make(self, workdir, mode="pcap"):
        self.mode = mode
        if mode == "memif":
            return None     # pktgate-gen builds the frames itself
        d = os.path.join(workdir, "pcaps")
        os.makedirs(d, exist_ok=True)
        self.path = os.path.join(d, self.name)
        if os.path.exists(self.path) and os.path.getmtime(self.path) >= os.path.getmtime(GEN_FLOWS):
            return self.path
        argv = [PYTHON, GEN_FLOWS, "--flows", str(self.flows), "--size", str(self.size),
                "--dst-mac", LAN_MAC, "--src-ip-base", SRC_IP_BASE, "--out", self.path + ".tmp"]
        r = subprocess.run(argv + self.prefixes, capture_output=True, text=True)
        if r.returncode != 0:
            raise HarnessError("gen_flows.py failed: %s" % (r.stderr.strip() or r.stdout.strip()))
        os.replace(self.path + ".tmp", self.path)
        return self.path

    def record(self):
        shown = self.prefixes if len(self.prefixes) <= 8 else \
            self.prefixes[:4] + ["... (%d destinations in all)" % len(self.prefixes)]
        if getattr(self, "mode", "pcap") == "memif":
            return {"description": self.desc, "mode": "memif",
                    "generator": "pktgate-gen (tools/gen) over memif, as fast as it can",
                    "flows": self.flows, "frame_size": self.size, "dst_mac": LAN_MAC,
                    "src_ip": SRC_IP_BASE, "destinations": shown}
        return {"description": self.desc, "mode": "pcap", "generator": "tools/gen_flows.py",
                "flows": self.flows, "frame_size": self.size, "frames_in_pcap": self.flows,
                "dst_mac": LAN_MAC, "src_ip_base": SRC_IP_BASE, "destinations": shown,
                "pcap": self.path}


# Route tables for the routes sweep: a random mix like a real IPv4 table
# (mostly /24, then /22 and /23, fewer short prefixes, some /25../32 for
# internal and host routes), inside 1.0.0.0-191.255.255.255 minus 127/8, so
# they never overlap the ports' subnets (192.0.2.0/24, 203.0.113.0/24).
ROUTE_LEN_WEIGHTS = {8: 0.05, 9: 0.05, 10: 0.1, 11: 0.1, 12: 0.2, 13: 0.3, 14: 0.5, 15: 0.7,
                     16: 1.5, 17: 0.8, 18: 1.3, 19: 2.5, 20: 4.0, 21: 5.0, 22: 11.0, 23: 10.0,
                     24: 56.0, 25: 0.4, 26: 0.4, 27: 0.4, 28: 0.4, 29: 0.5, 30: 0.5, 31: 0.2,
                     32: 2.6}
DEPTH_CLASSES = [("/8-/15", 8, 15), ("/16-/23", 16, 23), ("/24", 24, 24), ("/25-/32", 25, 32)]


def depth_class(length):
    for name, lo, hi in DEPTH_CLASSES:
        if lo <= length <= hi:
            return name
    return "other"


def random_prefix(rng, length):
    while True:
        first = rng.randint(1, 191)
        if first != 127:
            break
    addr = (first << 24) | rng.getrandbits(24)
    mask = (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
    return addr & mask


def make_route_table(n, seed):
    """n distinct prefixes; at least one per depth class when n >= 4."""
    rng = random.Random(seed)
    lens = list(ROUTE_LEN_WEIGHTS)
    weights = [ROUTE_LEN_WEIGHTS[x] for x in lens]
    table = set()
    routes = []
    forced = [rng.randint(lo, hi) for _, lo, hi in DEPTH_CLASSES] if n >= len(DEPTH_CLASSES) else []
    while len(routes) < n:
        length = forced.pop() if forced else rng.choices(lens, weights)[0]
        for _ in range(64):
            net = random_prefix(rng, length)
            if (net, length) not in table:
                table.add((net, length))
                routes.append((net, length))
                break
    return routes, table


def lpm_depth(table, addr):
    for length in range(32, 0, -1):
        if (addr & ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF), length) in table:
            return length
    return 0


def pick_destinations(routes, table, count, seed):
    """count destinations, rotating over the depth classes; each is an
    address whose longest match in the table is the route it was drawn from
    (tried a few times; the depth actually hit is what gets recorded)."""
    rng = random.Random(seed + 1)
    by_class = {}
    for net, length in routes:
        by_class.setdefault(depth_class(length), []).append((net, length))
    classes = [c for c, _, _ in DEPTH_CLASSES if c in by_class]
    dests, hist = [], {}
    for i in range(count):
        pool = by_class[classes[i % len(classes)]]
        for _ in range(16):
            net, length = rng.choice(pool)
            span = 1 << (32 - length)
            host = rng.randint(1, span - 2) if span > 2 else rng.randrange(span)
            addr = net | host
            depth = lpm_depth(table, addr)
            if depth == length:
                break
        dests.append(addr)
        hist[depth] = hist.get(depth, 0) + 1
    return dests, dict(sorted(hist.items()))


class RouteSet:
    def __init__(self, n, seed, n_flows, workdir):
        self.n = n
        d = os.path.join(workdir, "routes")
        os.makedirs(d, exist_ok=True)
        base = os.path.join(d, "routes%d-seed%d-flows%d" % (n, seed, n_flows))
        self.yaml_path = base + ".yaml"
        meta_path = base + ".json"
        if os.path.exists(self.yaml_path) and os.path.exists(meta_path) and \
                os.path.getmtime(meta_path) >= os.path.getmtime(__file__):
            with open(meta_path) as f:
                meta = json.load(f)
        else:
            t0 = time.monotonic()
            routes, table = make_route_table(n, seed)
            dests, hist = pick_destinations(routes, table, n_flows, seed)
            lens = {}
            for _, length in routes:
                lens[length] = lens.get(length, 0) + 1
            rng = random.Random(seed + 2)
            with open(self.yaml_path + ".tmp", "w") as f:
                f.write("# %d random routes (seed %d), written by tools/bench/bench.py\n" % (n, seed))
                for net, length in routes:
                    f.write("  - {prefix: %s/%d, via: %s}\n"
                            % (int2ip(net), length, rng.choice(NEIGHBORS)[0]))
            os.replace(self.yaml_path + ".tmp", self.yaml_path)
            meta = {"routes": n, "seed": seed, "prefix_lengths": dict(sorted(lens.items())),
                    "traffic_match_depths": hist,
                    "destinations": [int2ip(a) for a in dests]}
            with open(meta_path, "w") as f:
                json.dump(meta, f)
            log("  routes: generated %d routes in %.1f s" % (n, time.monotonic() - t0))
        self.meta = meta
        self.destinations = meta["destinations"]

    def routes_yaml(self):
        with open(self.yaml_path) as f:
            return f.read()


# ---------------------------------------------------------------------------
# Programs

class Variant:
    """One program in one configuration. kind: pktgate, testpmd, l3fwd."""

    def __init__(self, label, kind, eal_cores, workers, rxq=1, mode="rtc",
                 pg_lcores=None, note=""):
        self.label = label
        self.kind = kind
        self.eal_cores = eal_cores      # EAL core options
        self.workers = workers          # lcores that poll (for cycles/packet)
        self.rxq = rxq                  # RX queues on the pcap port
        self.mode = mode
        self.pg_lcores = pg_lcores or [1]
        self.note = note
        self.slug = re.sub(r"[^a-z0-9]", "", label.lower())[:20]

    def record(self):
        return {"kind": self.kind, "eal_cores": " ".join(self.eal_cores),
                "worker_lcores": self.workers, "rx_queues": self.rxq, "mode": self.mode,
                "note": self.note}


def pool_plan(max_frames):
    """Pool settings for every program of one invocation (constant within it)."""
    need = max_frames + POOL_MARGIN
    plan = {"max_frames_in_pcap_queues": max_frames, "needed_mbufs": need}
    # pktgate sizes its pool from the descriptor counts (lib/port/port.c:
    # 2^k-1 >= ~4352/worker + rx_desc + tx_desc + 136/port): net_pcap and
    # net_null ignore descriptor counts, so raising them only grows the pool.
    d = 1024
    while 4 * d + 4624 < need and d < PKTGATE_MAX_DESC:
        d *= 2
    plan["pktgate_desc"] = d
    plan["pktgate_ok"] = (1 << (4 * d + 4624).bit_length()) - 1 >= need
    plan["testpmd_mbufs"] = None if need <= TESTPMD_DEFAULT_MBUFS else need + 16384
    d = 1024
    while max(4 * d + 320, 8192) < need and d < L3FWD_MAX_DESC:
        d *= 2
    plan["l3fwd_desc"] = d
    plan["l3fwd_ok"] = max(4 * d + 320, 8192) >= need
    plan["l3fwd_graph_mbufs"] = "per point: the pcap's frames + %d (L3FWD_GRAPH_MBUFS)" \
        % L3FWD_GRAPH_MIN_MBUFS
    return plan


def pktgate_config(variant, pool, routes_yaml=None, src_dev=SRC_DEV):
    desc = pool["pktgate_desc"]
    extra = ", rx_desc: %d, tx_desc: %d" % (desc, desc) if desc > 1024 else ""
    lines = ["# written by tools/bench/bench.py",
             "ports:",
             "  - {name: lan, device: %s, ipv4: %s, mac: %s%s}" % (src_dev, LAN_IP, LAN_MAC, extra),
             "  - {name: wan, device: %s, ipv4: %s, mac: %s%s}" % (SINK_DEV, WAN_IP, WAN_MAC, extra),
             "neighbors:"]
    lines += ["  - {ip: %s, mac: %s, port: wan}" % n for n in NEIGHBORS]
    lines.append("workers:")
    if variant.mode == "pipeline":
        lines.append("  mode: pipeline")
    lines.append("  lcores: [%s]" % ", ".join(str(x) for x in variant.pg_lcores))
    lines.append("routes:")
    if routes_yaml is None:
        lines.append("  - {prefix: %s, via: %s}" % (PKTGATE_ROUTE, NEIGHBORS[0][0]))
        return "\n".join(lines) + "\n"
    return "\n".join(lines) + "\n" + routes_yaml


def memif_vdev(sock, role):
    return "%s,role=%s,socket=%s,socket-abstract=no" % (MEMIF_DEV, role, sock)


def l3fwd_graph_env(variant, point, memif):
    """Environment of one l3fwd-graph run: its pool for this point's pcap."""
    frames = 0 if memif else point["input"].flows * variant.rxq
    return {"L3FWD_GRAPH_MBUFS": str(frames + L3FWD_GRAPH_MIN_MBUFS)}


def build_argv(variant, ctx, prefix, pcap, cfg_path, memif_sock=None):
    if memif_sock:
        src_vdev = memif_vdev(memif_sock, "server")
    else:
        src_vdev = SRC_DEV + "," + ",".join(["rx_pcap=" + pcap] * variant.rxq) + ",infinite_rx=1"
    eal = variant.eal_cores + ["--file-prefix", prefix, "--no-pci",
                               "--log-level", "lib.eal:debug"] + ctx.mem_args + \
        ["--vdev", src_vdev, "--vdev", SINK_DEV + ",no-rx=1"]
    pool = ctx.pool
    if variant.kind == "pktgate":
        return [ctx.args.pktgate] + eal + ["--", "-c", cfg_path]
    if variant.kind == "testpmd":
        app = ["--forward-mode=io", "--nb-cores=%d" % variant.workers,
               "--rxq=%d" % variant.rxq, "--txq=%d" % variant.rxq,
               "--auto-start", "--stats-period", "100"]
        if pool["testpmd_mbufs"]:
            app.append("--total-num-mbufs=%d" % pool["testpmd_mbufs"])
        return [ctx.args.testpmd] + eal + ["--"] + app
    if variant.kind == "l3fwd":
        app = ["-p", "0x3", "--config", "(0,0,1),(1,0,1)", "--parse-ptype", "--lookup=lpm"]
        if pool["l3fwd_desc"] > 1024:
            app += ["--rx-queue-size", str(pool["l3fwd_desc"]),
                    "--tx-queue-size", str(pool["l3fwd_desc"])]
        return [ctx.args.l3fwd] + eal + ["--"] + app
    if variant.kind == "l3fwd-graph":
        # Both ports' RX queue 0 on lcore 1; built-in routes send
        # 198.18.1.0/24 out of port 1 (net_null0). Pool: l3fwd_graph_env().
        return [ctx.args.l3fwd_graph] + eal + ["--", "-p", "0x3",
                                               "--config", "(0,0,1),(1,0,1)"]
    raise ValueError(variant.kind)


# ---------------------------------------------------------------------------
# One run of one program

def port_ids(tel):
    ids = {}
    for pid in tel.query("/ethdev/list") or []:
        info = tel.query("/ethdev/info,%d" % pid) or {}
        ids[info.get("name")] = pid
    return ids


def stop_process(proc, timeout=15.0):
    """SIGINT by PID, wait; SIGKILL only if it does not exit."""
    if proc.poll() is not None:
        return proc.returncode, "exited before stop"
    try:
        os.kill(proc.pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout), "SIGINT"
    except subprocess.TimeoutExpired:
        warn("pid %d did not exit %.0f s after SIGINT: SIGKILL" % (proc.pid, timeout))
        proc.kill()
        return proc.wait(), "SIGKILL"


def log_tail(path, n=15):
    lines = read_file(path).splitlines()
    lines = [x for x in lines if not x.startswith("EAL: ") or "rror" in x or "annot" in x]
    return "\n".join("    | " + x for x in lines[-n:])


def parse_tsc(path):
    m = re.search(r"TSC frequency is ~(\d+) KHz", read_file(path))
    return int(m.group(1)) * 1000 if m else None


def thread_sched(pid):
    """tid -> (comm, ns on CPU, ns runnable but waiting) from /proc schedstat."""
    out = {}
    base = "/proc/%d/task" % pid
    try:
        tids = os.listdir(base)
    except OSError:
        return out
    for tid in tids:
        comm = read_file("%s/%s/comm" % (base, tid)).strip()
        st = read_file("%s/%s/schedstat" % (base, tid)).split()
        if len(st) >= 2:
            out[tid] = (comm, int(st[0]), int(st[1]))
    return out


def cpu_times():
    """cpuN -> (steal, total) jiffies from /proc/stat."""
    out = {}
    for line in read_file("/proc/stat").splitlines():
        f = line.split()
        if f and re.match(r"cpu\d+$", f[0]):
            v = [int(x) for x in f[1:]]
            out[f[0]] = (v[7] if len(v) > 7 else 0, sum(v[:8]))
    return out


def sample(tel, sink, src, pktgate_lcores, pid):
    sched = thread_sched(pid)
    cpus = cpu_times()
    t0 = time.monotonic()
    s = tel.query("/ethdev/stats,%d" % sink)
    t1 = time.monotonic()
    out = {"t": (t0 + t1) / 2, "opackets": s["opackets"], "oerrors": s.get("oerrors", 0),
           "sched": sched, "sched_t": t0, "cpus": cpus}
    if src is not None:
        r = tel.query("/ethdev/stats,%d" % src)
        out["rx_ipackets"] = r["ipackets"]
        out["rx_nombuf"] = r.get("rx_nombuf", 0)
    if pktgate_lcores is not None:
        out["pg_stats"] = tel.query("/pktgate/stats")
        out["pg_lcores"] = {lc: tel.query("/pktgate/lcores,%d" % lc) for lc in pktgate_lcores}
    return out


def gen_argv(ctx, prefix, sock, inp, duration):
    return [ctx.args.gen, "--lcores", "0@0,1@0", "--file-prefix", prefix, "--no-pci"] + \
        ctx.mem_args + ["--vdev", memif_vdev(sock, "client"), "--",
                        "--tx-port", "0", "--flows", str(inp.flows), "--size", str(inp.size),
                        "--dst", ",".join(inp.prefixes), "--dst-mac", LAN_MAC,
                        "--src", SRC_IP_BASE, "--duration", "%.1f" % duration,
                        "--linger", "3"]


def parse_gen(path):
    m = re.search(r"^\s*tx\s+(\d+) frames\s+([\d.]+) Mpps.*?unsent (\d+)", read_file(path), re.M)
    if not m:
        return None
    return {"tx_frames": int(m.group(1)), "tx_mpps": float(m.group(2)),
            "unsent": int(m.group(3))}


def wait_input_drained(tel, src, deadline):
    """memif: wait until the generator stopped sending (RX counter still)."""
    last, still_since = None, None
    while time.monotonic() < deadline:
        cur = (tel.query("/ethdev/stats,%d" % src) or {}).get("ipackets")
        now = time.monotonic()
        if cur is not None and cur == last:
            if still_since is None:
                still_since = now
            elif now - still_since >= 0.5:
                return True
        else:
            still_since = None
        last = cur
        time.sleep(0.1)
    return False


def run_once(ctx, variant, point, run_no):
    args = ctx.args
    prefix = "pgbench%d-%s" % (os.getpid(), variant.slug)
    remove_run_dir(prefix)
    logdir = os.path.join(ctx.workdir, "logs", ctx.sweep_name)
    os.makedirs(logdir, exist_ok=True)
    tag = "%s-%s-run%d" % (re.sub(r"[^A-Za-z0-9]+", "_", str(point["x"])), variant.slug, run_no)
    logpath = os.path.join(logdir, tag + ".log")
    memif = args.input == "memif"
    src_dev = MEMIF_DEV if memif else SRC_DEV
    sock = os.path.join(ctx.workdir, "memif-%d.sock" % os.getpid()) if memif else None
    if sock and os.path.exists(sock):
        os.unlink(sock)
    cfg_path = None
    if variant.kind == "pktgate":
        cfg_path = os.path.join(ctx.workdir, "cfg-%s-%s.yaml" % (ctx.sweep_name, variant.slug))
        with open(cfg_path, "w") as f:
            f.write(pktgate_config(variant, ctx.pool, point.get("routes_yaml"), src_dev))
    argv = build_argv(variant, ctx, prefix, point["input"].path, cfg_path, sock)
    gen = None
    gen_prefix = prefix + "-gen"
    gen_log = logpath[:-4] + "-gen.log"
    sock_path = os.path.join(run_dir(prefix), "dpdk_telemetry.v2")
    res = {"run": run_no, "log": logpath, "argv": argv}
    env = None
    if variant.kind == "l3fwd-graph":
        res["env"] = l3fwd_graph_env(variant, point, memif)
        env = dict(os.environ, **res["env"])
    with open(logpath, "w") as logf:
        logf.write("# " + " ".join(["%s=%s" % kv for kv in (res.get("env") or {}).items()] + argv)
                   + "\n")
        logf.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf,
                                stderr=subprocess.STDOUT, start_new_session=True, env=env)
    t_start = time.monotonic()
    tel = None
    try:
        start_timeout = args.start_timeout + point.get("start_timeout", 0)
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise HarnessError("%s exited with %s before its telemetry came up; log %s\n%s"
                                   % (variant.label, proc.returncode, logpath, log_tail(logpath)))
            if os.path.exists(sock_path):
                try:
                    tel = Telemetry(sock_path)
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise HarnessError("%s: telemetry %s unreachable after %.0f s; log %s"
                                   % (variant.label, sock_path, start_timeout, logpath))
            time.sleep(0.1)
        res["dpdk"] = tel.version
        # Wait for the ports and for traffic to reach the sink.
        ids = {}
        traffic_deadline = None
        while True:
            if proc.poll() is not None:
                raise HarnessError("%s exited with %s during start-up; log %s\n%s"
                                   % (variant.label, proc.returncode, logpath, log_tail(logpath)))
            if SINK_DEV not in ids or src_dev not in ids:
                ids = port_ids(tel)
            if memif and gen is None and src_dev in ids and SINK_DEV in ids:
                # The program is the memif server: its socket exists once the
                # port is probed; a 22.11 client does not retry, so start now.
                remove_run_dir(gen_prefix)
                gargv = gen_argv(ctx, gen_prefix, sock, point["input"],
                                 args.warmup + args.seconds + 4.0)
                res["gen_argv"] = gargv
                with open(gen_log, "w") as gf:
                    gf.write("# " + " ".join(gargv) + "\n")
                    gf.flush()
                    gen = subprocess.Popen(gargv, stdin=subprocess.DEVNULL, stdout=gf,
                                           stderr=subprocess.STDOUT, start_new_session=True)
                gen_started = time.monotonic()
            if gen is not None and gen.poll() is not None:
                raise HarnessError("pktgate-gen exited with %s before traffic flowed; log %s\n%s"
                                   % (gen.returncode, gen_log, log_tail(gen_log)))
            if SINK_DEV in ids:
                if traffic_deadline is None:
                    traffic_deadline = time.monotonic() + args.traffic_timeout + \
                        point.get("start_timeout", 0)
                st = tel.query("/ethdev/stats,%d" % ids[SINK_DEV])
                if st and st.get("opackets", 0) > 0:
                    break
            if time.monotonic() > (traffic_deadline or deadline):
                if SINK_DEV not in ids:
                    raise HarnessError("%s: no port %s in telemetry after %.0f s"
                                       % (variant.label, SINK_DEV, start_timeout))
                break   # started, but nothing reaches the sink: measured as 0 below
            time.sleep(0.1)
        res["startup_s"] = round(time.monotonic() - t_start, 2)
        pg_lcores = variant.pg_lcores if variant.kind == "pktgate" else None
        time.sleep(args.warmup)
        s0 = sample(tel, ids[SINK_DEV], ids.get(src_dev), pg_lcores, proc.pid)
        time.sleep(args.seconds)
        s1 = sample(tel, ids[SINK_DEV], ids.get(src_dev), pg_lcores, proc.pid)
        if proc.poll() is not None:
            raise HarnessError("%s exited with %s during the measurement window; log %s\n%s"
                               % (variant.label, proc.returncode, logpath, log_tail(logpath)))
        if gen is not None:
            if gen.poll() is not None and gen.returncode != 0:
                raise HarnessError("pktgate-gen exited with %s during the window; log %s\n%s"
                                   % (gen.returncode, gen_log, log_tail(gen_log)))
            # memif in 22.11: stop the traffic first, then the program, and
            # only then let the generator go (see config/memif.yaml).
            if not wait_input_drained(tel, ids[src_dev],
                                      gen_started + args.warmup + args.seconds + 20):
                warn("pktgate-gen still sending after its --duration")
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise HarnessError("%s: telemetry error: %s; log %s" % (variant.label, e, logpath))
    finally:
        if tel is not None:
            tel.close()
        rc, how = stop_process(proc)
        res["exit_code"] = rc
        res["stopped_by"] = how
        remove_run_dir(prefix)
        if gen is not None:
            try:
                gen.wait(15)
            except subprocess.TimeoutExpired:
                stop_process(gen)
            res["gen_exit_code"] = gen.returncode
            res["gen"] = parse_gen(gen_log)
            remove_run_dir(gen_prefix)
        if sock and os.path.exists(sock):
            os.unlink(sock)
    window = s1["t"] - s0["t"]
    pkts = s1["opackets"] - s0["opackets"]
    res.update({"window_s": round(window, 4), "packets": pkts, "pps": pkts / window,
                "tsc_hz": parse_tsc(logpath)})
    if "rx_ipackets" in s0:
        res["rx_pps"] = (s1["rx_ipackets"] - s0["rx_ipackets"]) / window
        res["rx_nombuf"] = s1["rx_nombuf"] - s0["rx_nombuf"]
    res["sink_oerrors"] = s1["oerrors"] - s0["oerrors"]
    # How much CPU the polling threads really got during the window: on a
    # shared machine another busy thread on the same CPU halves a poller
    # without any error anywhere. Pollers: EAL's lcore-worker-N threads,
    # and the main thread when the program polls on its main lcore (l3fwd).
    wall_ns = (s1["sched_t"] - s0["sched_t"]) * 1e9
    threads, pollers = {}, []
    for tid, (comm, run1, wait1) in s1["sched"].items():
        if tid in s0["sched"]:
            _, run0, wait0 = s0["sched"][tid]
            share = (run1 - run0) / wall_ns
            poller = comm.startswith(("rte-worker", "lcore-worker")) or \
                (variant.kind == "l3fwd" and tid == str(proc.pid))
            if share >= 0.01 or poller:
                threads["%s/%s" % (comm, tid)] = {
                    "cpu_share": round(share, 3), "poller": poller,
                    "runnable_wait_share": round((wait1 - wait0) / wall_ns, 3)}
            if poller:
                pollers.append(round(share, 3))
    res["threads"] = threads
    res["poller_cpu_share_min"] = min(pollers) if pollers else None
    steal = {}
    for cpu, (st1, tot1) in s1["cpus"].items():
        st0, tot0 = s0["cpus"].get(cpu, (st1, tot1))
        if tot1 > tot0:
            steal[cpu] = round((st1 - st0) / (tot1 - tot0), 3)
    res["cpu_steal"] = steal
    if pg_lcores is not None and s0.get("pg_stats") and s1.get("pg_stats"):
        a, b = s0["pg_stats"], s1["pg_stats"]
        delta = {k: b[k] - a[k] for k in b if isinstance(b[k], int) and k in a}
        res["pktgate"] = {"forwarded": delta.get("forwarded"), "drops": delta.get("drops"),
                          "drops_by_reason": {k: v for k, v in delta.items() if v and k not in
                                              ("rx", "tx", "forwarded", "local", "drops",
                                               "ip_options")}}
        busy = {}
        for lc in pg_lcores:
            x, y = s0["pg_lcores"].get(lc) or {}, s1["pg_lcores"].get(lc) or {}
            polls = y.get("polls", 0) - x.get("polls", 0)
            if polls > 0:
                busy[str(lc)] = {"role": y.get("role"),
                                 "busy_poll_fraction": (y.get("busy_polls", 0) - x.get("busy_polls", 0)) / polls}
        res["pktgate"]["lcores"] = busy
    if rc not in (0, None) and how == "SIGINT":
        res["note"] = "exit code %s after SIGINT" % rc
    return res


# ---------------------------------------------------------------------------
# Sweeps

def ref_variants(args):
    out = [Variant("testpmd-io", "testpmd", ["-l", "0,1"], 1,
                   note="dpdk-testpmd --forward-mode=io: no processing, the I/O ceiling")]
    if args.l3fwd:
        out.append(Variant("l3fwd-lpm", "l3fwd", ["-l", "1"], 1,
                           note="DPDK examples/l3fwd --lookup=lpm, built-in routes"))
    if args.l3fwd_graph:
        # SKIP_MAIN: the graph walks on worker lcore 1 (CPU 1); the main
        # lcore on CPU 0 prints rte_graph's stats once a second.
        out.append(Variant("l3fwd-graph", "l3fwd-graph", ["-l", "0,1"], 1,
                           note="DPDK examples/l3fwd-graph (rte_graph, rte_node ip4 nodes), "
                                "built-in routes, graph on lcore 1"))
    return out


def pktgate_rtc1():
    return Variant("pktgate", "pktgate", ["-l", "0,1"], 1, pg_lcores=[1],
                   note="rtc, one worker on CPU 1, control thread on CPU 0")


RATIOS_DEFAULT = [("pktgate", "testpmd-io"), ("pktgate", "l3fwd-lpm"),
                  ("pktgate", "l3fwd-graph")]


def sweep_flows(args):
    memif = args.input == "memif"
    xs = args.points or ([1, 256, 65536, 1048576] if memif else [1, 256, 65536, 100000])
    points = [{"x": n, "label": "%d flows" % n,
               "input": Input(n, args.size, [FLOW_PREFIX],
                              "%d UDP flows (distinct 5-tuples), %d-byte frames, destinations "
                              "cycling over the hosts of %s" % (n, args.size, FLOW_PREFIX))}
              for n in xs]
    if memif:
        notes = ["Input over memif from pktgate-gen in a second process (its lcore on CPU 0): "
                 "every program is capped by what the generator sends; a program at the "
                 "ceiling (testpmd-io) is not measured, only one below it is."]
    else:
        notes = ["1M flows is not run by default: net_pcap infinite_rx keeps every frame of "
                 "the pcap in an mbuf of the RX pool, and pktgate's pool cannot exceed "
                 "131071 mbufs (descriptor counts max 16384); 1M mbufs would also need "
                 "~2.4 GB of hugepages per program. 100000 is the largest round number that "
                 "fits pktgate's largest pool. --input memif runs 1M flows."]
    return {"title": "flows",
            "xlabel": "distinct flows" + ("" if memif else " (frames in the replayed pcap)"),
            "xscale": "log", "points": points, "variants": [pktgate_rtc1()] + ref_variants(args),
            "ratios": RATIOS_DEFAULT, "notes": notes}


def sweep_size(args):
    xs = args.points or [64, 128, 512, 1518]
    points = [{"x": s, "label": "%d B" % s,
               "input": Input(args.flows, s, [FLOW_PREFIX],
                              "%d UDP flows, %d-byte frames (incl. FCS), destinations cycling "
                              "over the hosts of %s" % (args.flows, s, FLOW_PREFIX))}
              for s in xs]
    return {"title": "size", "xlabel": "frame size, bytes incl. FCS", "xscale": "log2",
            "points": points, "variants": [pktgate_rtc1()] + ref_variants(args),
            "ratios": RATIOS_DEFAULT,
            "notes": ["net_pcap infinite_rx copies every frame into a fresh mbuf on RX, so the "
                      "copy grows with the frame size for every program alike."]}


def sweep_routes(args, workdir):
    xs = args.points or [10, 1000, 100000, 1000000]
    points = []
    for n in xs:
        rs = RouteSet(n, args.seed, args.route_flows, workdir)
        prefixes = ["%s/32" % d for d in rs.destinations]
        inp = Input(args.route_flows, args.size, prefixes,
                    "%d UDP flows, %d-byte frames, one destination each, drawn from the route "
                    "table so that the longest match falls at various depths"
                    % (args.route_flows, args.size))
        # pktgate loads its table with rte_lpm_add, whose rule search is
        # linear per depth: 1M routes took ~3.5 min to load here.
        points.append({"x": n, "label": "%d routes" % n, "input": inp,
                       "start_timeout": 600.0 * n / 1e6,
                       "routes_yaml": rs.routes_yaml(), "routes_meta":
                       {k: v for k, v in rs.meta.items() if k != "destinations"}})
    return {"title": "routes", "xlabel": "routes in pktgate's table", "xscale": "log",
            "points": points, "variants": [pktgate_rtc1()] + ref_variants(args)[:1],
            "ratios": [("pktgate", "testpmd-io")],
            "notes": ["Random /8../32 tables (mostly /24, some /25../32) in 1.0.0.0-191.255.255.255 "
                      "via 4 neighbors; the traffic's destinations rotate over the depth "
                      "classes /8-/15, /16-/23, /24, /25-/32 (recorded per point as "
                      "traffic_match_depths). testpmd-io runs the same pcap (it routes nothing)."]}


def sweep_workers(args):
    inp = Input(args.flows, args.size, [FLOW_PREFIX],
                "%d UDP flows, %d-byte frames, destinations cycling over the hosts of %s"
                % (args.flows, args.size, FLOW_PREFIX))
    variants = [
        pktgate_rtc1(),
        Variant("pktgate-rtc-2w", "pktgate", ["--lcores", "0@0,1@1,2@0"], 2, rxq=2,
                pg_lcores=[1, 2],
                note="rtc, two workers: lcore 1 on CPU 1, lcore 2 shares CPU 0 with the "
                     "control thread (main lcore); net_pcap has 2 RX queues, each replaying "
                     "the pcap"),
        Variant("pktgate-pipeline", "pktgate", ["--lcores", "0@0,1@0,2@1"], 2, mode="pipeline",
                pg_lcores=[1, 2],
                note="pipeline: RX lcore 1 shares CPU 0 with the control thread, forwarding "
                     "lcore 2 on CPU 1, one SP/SC ring between them"),
        Variant("testpmd-io", "testpmd", ["-l", "0,1"], 1,
                note="dpdk-testpmd io, one forwarding core"),
        Variant("testpmd-io-2c", "testpmd", ["--lcores", "0@0,1@1,2@0"], 2, rxq=2,
                note="dpdk-testpmd io, two forwarding cores, the second sharing CPU 0 with "
                     "the main lcore, 2 RX queues"),
    ]
    points = [{"x": "layout", "label": "lcore layouts", "input": inp}]
    return {"title": "workers", "xlabel": "variant", "xscale": "bars", "points": points,
            "variants": variants,
            "ratios": [("pktgate", "testpmd-io"), ("pktgate-rtc-2w", "testpmd-io-2c"),
                       ("pktgate-pipeline", "testpmd-io"), ("pktgate-rtc-2w", "pktgate"),
                       ("pktgate-pipeline", "pktgate")],
            "notes": ["This machine has 2 CPUs: with two worker lcores one of them shares CPU 0 "
                      "with the control thread (main lcore, mostly asleep) and with the "
                      "telemetry thread; the pipeline's RX lcore shares CPU 0 likewise.",
                      "cycles/packet = TSC Hz x polling lcores / pps: what each polling lcore "
                      "spends per packet it handles, all of them assumed busy.",
                      "ring_hop = TSC/rx_pps of the pipeline's RX lcore (RX + hash + enqueue; "
                      "it never waits) + TSC/pps of its forwarding lcore (dequeue + stages + "
                      "TX; saturated when the ring drops) - TSC/pps of rtc with one worker "
                      "(RX + stages + TX): the per-packet cost of splitting the work over a "
                      "ring. An upper bound when the ring did not drop."]}


def sweep_single(args):
    inp = Input(args.flows, args.size, [FLOW_PREFIX],
                "%d UDP flows, %d-byte frames, destinations cycling over the hosts of %s"
                % (args.flows, args.size, FLOW_PREFIX))
    return {"title": "single", "xlabel": "", "xscale": "bars",
            "points": [{"x": args.flows, "label": "%d flows, %d B" % (args.flows, args.size),
                        "input": inp}],
            "variants": [pktgate_rtc1()] + ref_variants(args), "ratios": RATIOS_DEFAULT,
            "notes": []}


# ---------------------------------------------------------------------------
# Statistics, output

def summarize(runs, workers):
    ok = [r for r in runs if "pps" in r]
    if not ok:
        return {"runs": runs, "valid_runs": 0}
    pps = [r["pps"] for r in ok]
    tscs = [r["tsc_hz"] for r in ok if r.get("tsc_hz")]
    med = statistics.median(pps)
    out = {"valid_runs": len(ok), "mpps_runs": [round(p / 1e6, 3) for p in pps],
           "median_mpps": round(med / 1e6, 3), "min_mpps": round(min(pps) / 1e6, 3),
           "max_mpps": round(max(pps) / 1e6, 3), "worker_lcores": workers}
    if med > 0:
        out["spread"] = round((max(pps) - min(pps)) / med, 3)
    shares = [r["poller_cpu_share_min"] for r in ok if r.get("poller_cpu_share_min") is not None]
    if shares:
        out["poller_cpu_share_min"] = min(shares)
        out["contended_runs"] = sum(1 for x in shares if x < CONTENDED)
    out["runs"] = runs
    if tscs and med > 0:
        tsc = statistics.median(tscs)
        out["tsc_hz"] = tsc
        # Cycles each polling lcore spends per packet it handles, all of
        # them assumed busy: TSC Hz x polling lcores / pps.
        out["cycles_per_packet"] = round(tsc * workers / med, 1)
        out["cycles_per_packet_min_max"] = [round(tsc * workers / max(pps), 1),
                                            round(tsc * workers / min(pps), 1)
                                            if min(pps) > 0 else None]
        out["tsc_hz_over_pps"] = round(tsc / med, 1)
    return out


def paired_ratios(sa, sb):
    """Ratio a/b of the runs of the same round, median (min..max) over rounds.

    The two runs of a round are seconds apart: a host that drifts (CPU
    frequency, neighbours) between rounds moves both, so the per-round
    ratio is steadier than the ratio of the two medians, which may come
    from different rounds."""
    pa = {r["run"]: r["pps"] for r in sa.get("runs", []) if r.get("pps")}
    pb = {r["run"]: r["pps"] for r in sb.get("runs", []) if r.get("pps")}
    rs = [pa[k] / pb[k] for k in sorted(pa) if k in pb and pb[k] > 0]
    if not rs:
        return None
    return {"median": round(statistics.median(rs), 3), "min": round(min(rs), 3),
            "max": round(max(rs), 3), "rounds": [round(x, 3) for x in rs]}


def ring_hop_estimate(results):
    """Cost of the ring hop, from rates only (see the workers sweep notes).

    The pipeline's RX lcore never waits (net_pcap infinite_rx always has
    frames), so TSC/rx_pps is its cost per packet: RX + flow hash + enqueue
    (or, when the ring is full, freeing the drop). When the ring drops, the
    forwarding lcore is saturated too and TSC/tx_pps is its cost: dequeue +
    stages + TX. Their sum minus rtc's TSC/pps (RX + stages + TX on one
    lcore) is what the split costs per packet: hash, enqueue, dequeue and
    the cache lines that move between the two cores. Without ring drops the
    forwarding lcore had idle time and the figure is an upper bound."""
    pipe, rtc = results.get("pktgate-pipeline"), results.get("pktgate")
    if not pipe or not rtc or "cycles_per_packet" not in pipe or "cycles_per_packet" not in rtc:
        return None
    rx, fwd, drops = [], [], 0
    for r in pipe["runs"]:
        if r.get("pps") and r.get("rx_pps") and r.get("tsc_hz"):
            rx.append(r["tsc_hz"] / r["rx_pps"])
            fwd.append(r["tsc_hz"] / r["pps"])
            drops += ((r.get("pktgate") or {}).get("drops_by_reason") or {}).get("ring_full", 0)
    if not rx:
        return None
    rx_c, fwd_c = statistics.median(rx), statistics.median(fwd)
    return {"pipeline_rx_lcore_cycles_per_packet": round(rx_c, 1),
            "pipeline_fwd_lcore_cycles_per_packet": round(fwd_c, 1),
            "rtc_cycles_per_packet": rtc["cycles_per_packet"],
            "ring_hop_estimate_cycles": round(rx_c + fwd_c - rtc["cycles_per_packet"], 1),
            "forwarding_lcore_saturated": drops > 0,
            "ring_full_drops_in_windows": drops}


def fmt_row(label, s):
    if not s.get("valid_runs"):
        return "  %-18s  no valid run" % label
    cpp = s.get("cycles_per_packet")
    cpp_txt = ("%7.1f" % cpp) if cpp else "      ?"
    if s.get("worker_lcores", 1) > 1 and cpp:
        cpp_txt += " (%d lcores x %.1f)" % (s["worker_lcores"], s["tsc_hz_over_pps"])
    cont = ""
    if s.get("spread", 0) > NOISY:
        cont += "  spread %.0f%%" % (100 * s["spread"])
    if s.get("contended_runs"):
        cont += "  %d contended run(s), poller CPU share down to %.0f%%" % (
            s["contended_runs"], 100 * s["poller_cpu_share_min"])
    return "  %-18s %8.3f %8.3f %8.3f   %-30s [%s]%s" % (
        label, s["median_mpps"], s["min_mpps"], s["max_mpps"], cpp_txt,
        " ".join("%.2f" % x for x in s["mpps_runs"]), cont)


def print_point(point, sweep):
    log("")
    log("== %s: %s" % (sweep["title"], point["label"]))
    log("  %-18s %8s %8s %8s   %-30s %s" % ("program", "median", "min", "max",
                                             "cycles/pkt per lcore", "[Mpps per run]"))
    for label, s in point["results"].items():
        log(fmt_row(label, s))
    if sweep["title"] == "size":
        log("  Gbit/s on the wire (frame + 20 B preamble/IFG): " + ", ".join(
            "%s %.2f" % (k, v["median_gbps_l1"]) for k, v in point["results"].items()
            if v.get("median_gbps_l1") is not None))
    for name, r in point["ratios"].items():
        pr = point.get("paired_ratios", {}).get(name)
        log("  ratio %-30s %s%s" % (name, "%.3f" % r if r is not None else "n/a",
                                    "   per round: median %.3f (%.3f..%.3f)"
                                    % (pr["median"], pr["min"], pr["max"]) if pr else ""))
    if point.get("ring_hop"):
        h = point["ring_hop"]
        log("  ring hop: pipeline RX lcore %.1f + forwarding lcore %.1f - rtc %.1f = %.1f "
            "cycles/packet (%s)" % (
                h["pipeline_rx_lcore_cycles_per_packet"], h["pipeline_fwd_lcore_cycles_per_packet"],
                h["rtc_cycles_per_packet"], h["ring_hop_estimate_cycles"],
                "forwarding lcore saturated: the ring dropped" if h["forwarding_lcore_saturated"]
                else "no ring drops: forwarding lcore had idle time, so this is an upper bound"))
    for label, s in point["results"].items():
        for r in s.get("runs", []):
            pg = r.get("pktgate")
            if pg and pg.get("drops"):
                log("  note: %s run %d dropped %d packets in the window: %s"
                    % (label, r["run"], pg["drops"], pg["drops_by_reason"]))


def short_num(x):
    if not isinstance(x, int) or x < 10000:
        return str(x)
    if x % (1 << 20) == 0:
        return "%dMi" % (x >> 20)
    if x % 1024 == 0:
        return "%dKi" % (x >> 10)
    if x % 1000000 == 0:
        return "%dM" % (x // 1000000)
    return "%gk" % (x / 1000)


def plot(result, png_path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        warn("python3-matplotlib is missing (apt-get install -y python3-matplotlib): no plot")
        return False
    m = result["machine"]
    title = "pktgate %s sweep — %s, %d CPUs, DPDK %s, pktgate %s%s\n%d run(s) x %.1f s " \
            "(warm-up %.1f s), alternating, median with min..max bars" % (
                result["sweep"], m["cpu_model"], m["cpus"], result["dpdk"],
                result["pktgate"]["commit"], "+dirty" if result["pktgate"]["tree_dirty"] else "",
                result["settings"]["runs"], result["settings"]["seconds"],
                result["settings"]["warmup_s"])
    points = result["points"]
    labels = list(dict.fromkeys(lbl for p in points for lbl in p["results"]))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 8.5), height_ratios=[3, 2])
    if result["xscale"] == "bars" or len(points) == 1:
        # One or few points, many variants: grouped bars.
        width = 0.8 / max(1, len(points))
        for j, p in enumerate(points):
            xs, med, lo, hi, cpp = [], [], [], [], []
            for i, lbl in enumerate(labels):
                s = p["results"].get(lbl) or {}
                if not s.get("valid_runs"):
                    continue
                xs.append(i + j * width)
                med.append(s["median_mpps"])
                lo.append(s["median_mpps"] - s["min_mpps"])
                hi.append(s["max_mpps"] - s["median_mpps"])
                cpp.append(s.get("cycles_per_packet") or 0)
            ax1.bar(xs, med, width, yerr=[lo, hi], capsize=4, label=p["label"])
            ax2.bar(xs, cpp, width, label=p["label"])
            for x, y, h in zip(xs, med, hi):
                ax1.annotate("%.1f" % y, (x, y + h), textcoords="offset points", xytext=(0, 3),
                             ha="center", va="bottom", fontsize=8)
            for x, y in zip(xs, cpp):
                ax2.annotate("%.0f" % y, (x, y), ha="center", va="bottom", fontsize=8)
        for ax in (ax1, ax2):
            ax.set_xticks(range(len(labels)))
            ax.set_xticklabels(labels, fontsize=8)
        ratio_txt = ", ".join("%s = %s" % (k, "%.3f" % v if v is not None else "n/a")
                              for p in points for k, v in p["ratios"].items())
        if ratio_txt:
            title += "\n" + textwrap.fill("ratios of medians: " + ratio_txt, 130)
        hop = points[0].get("ring_hop")
        if hop:
            title += "\nring hop (estimate): RX lcore %.0f + forwarding lcore %.0f - rtc %.0f = " \
                "%.0f cycles/packet" % (hop["pipeline_rx_lcore_cycles_per_packet"],
                                        hop["pipeline_fwd_lcore_cycles_per_packet"],
                                        hop["rtc_cycles_per_packet"],
                                        hop["ring_hop_estimate_cycles"])
        ax1.margins(y=0.12)
        ax2.set_ylabel("cycles/packet per polling lcore\n(TSC Hz x lcores / pps)")
    else:
        xs = [p["x"] for p in points]
        for lbl in labels:
            px, med, lo, hi = [], [], [], []
            for p in points:
                s = p["results"].get(lbl) or {}
                if s.get("valid_runs"):
                    px.append(p["x"])
                    med.append(s["median_mpps"])
                    lo.append(s["median_mpps"] - s["min_mpps"])
                    hi.append(s["max_mpps"] - s["median_mpps"])
            ax1.errorbar(px, med, yerr=[lo, hi], marker="o", capsize=4, label=lbl)
        ratio_names = list(dict.fromkeys(n for p in points for n in p["ratios"]))
        for name in ratio_names:
            px = [p["x"] for p in points if p["ratios"].get(name) is not None]
            py = [p["ratios"][name] for p in points if p["ratios"].get(name) is not None]
            ax2.plot(px, py, marker="s", label=name)
            for x, y in zip(px, py):
                ax2.annotate("%.2f" % y, (x, y), textcoords="offset points", xytext=(0, 5),
                             ha="center", fontsize=8)
        ax2.set_ylabel("ratio of medians")
        top = max([p["ratios"][n] for p in points for n in p["ratios"]
                   if p["ratios"][n] is not None] + [1.0])
        ax2.set_ylim(0, top * 1.15)
        for ax in (ax1, ax2):
            if result["xscale"] == "log":
                ax.set_xscale("log")
            elif result["xscale"] == "log2":
                ax.set_xscale("log", base=2)
            ax.set_xticks(xs)
            ax.set_xticklabels([short_num(x) for x in xs], fontsize=8)
            ax.minorticks_off()
        ax2.set_xlabel(result["xlabel"])
    ax1.set_ylabel("Mpps (net_null sink opackets)")
    ax1.set_ylim(bottom=0)
    ax1.grid(alpha=0.3)
    ax2.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    ax2.legend(fontsize=8, loc="lower left")
    fig.suptitle(title, fontsize=9)
    inp = points[0]["input"]
    n_runs = sum(s.get("valid_runs", 0) for p in points for s in p["results"].values())
    n_cont = sum(s.get("contended_runs", 0) for p in points for s in p["results"].values())
    src = "pktgate-gen over memif" if inp.get("mode") == "memif" else "net_pcap infinite_rx"
    foot = ("input: %s (" + ("first point: " if len(points) > 1 else "") +
            "%s) -> program -> net_null no-rx=1; memory: %s; ") % (src, inp.get("description", ""), result["settings"]["memory"]) + \
        "TSC %.0f MHz (%s)" % ((result["machine"].get("tsc_hz") or 0) / 1e6,
                               result["machine"].get("tsc_source"))
    if n_cont:
        foot += "\nCONTENDED: in %d of %d runs a polling thread got < %d%% of its CPU " \
            "(shared machine): treat the numbers as noisy" % (n_cont, n_runs, 100 * CONTENDED)
    fig.text(0.01, 0.005, foot, fontsize=6, wrap=True,
             color="darkred" if n_cont else "black")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    return True


# ---------------------------------------------------------------------------

class Ctx:
    pass


def run_sweep(ctx, sweep):
    args = ctx.args
    ctx.sweep_name = sweep["title"]
    variants = sweep["variants"]
    max_frames = 0 if args.input == "memif" else \
        max(p["input"].flows * max(v.rxq for v in variants) for p in sweep["points"])
    ctx.pool = pool_plan(max_frames)
    if not ctx.pool["pktgate_ok"]:
        warn("%d frames per pcap exceed pktgate's largest mbuf pool: pktgate will not start"
             % max_frames)
    failures = []
    if args.input == "memif":
        note = ("--input memif: pktgate-gen (a second process, its TX lcore on CPU 0) sends "
                "over memif as fast as it can; every rate is capped by the generator, which "
                "moves a lot on a shared machine. A program below the generator's rate is "
                "measured; one at it is not (see pktgate's busy-poll share). cycles/packet of "
                "an unsaturated core is not its cost.")
        if note not in sweep["notes"]:
            sweep["notes"].append(note)
        log("note: " + note)
    for point in sweep["points"]:
        point["input"].make(ctx.workdir, args.input)
        log("")
        log("-- %s: %s (%s)" % (sweep["title"], point["label"], point["input"].desc))
        runs = {v.label: [] for v in variants}
        dead = set()
        for run_no in range(1, args.runs + 1):
            for v in variants:          # A B C A B C ...
                if v.label in dead:
                    continue
                try:
                    first = run_no == 1 and point is sweep["points"][0]
                    if first:
                        log("  %s: %s" % (v.label, v.note))
                    r = run_once(ctx, v, point, run_no)
                    if first:
                        log("    $ " + " ".join(["%s=%s" % kv for kv in r.get("env", {}).items()] +
                                             [shlex.quote(a) for a in r["argv"]]))
                except HarnessError as e:
                    warn(str(e))
                    failures.append("%s / %s / run %d: %s" % (sweep["title"], point["label"],
                                                              run_no, str(e).splitlines()[0]))
                    runs[v.label].append({"run": run_no, "error": str(e)})
                    dead.add(v.label)
                    continue
                extra = ""
                if r.get("pktgate", {}).get("drops"):
                    extra = ", pktgate drops %d" % r["pktgate"]["drops"]
                if r.get("startup_s", 0) > 10:
                    extra += ", %.0f s from start to forwarding" % r["startup_s"]
                if r.get("gen"):
                    extra += ", gen sent %.3f Mpps" % r["gen"]["tx_mpps"]
                lc = (r.get("pktgate") or {}).get("lcores") or {}
                busy = [v["busy_poll_fraction"] for v in lc.values()]
                if args.input == "memif" and busy:
                    extra += ", pktgate busy polls %.0f%%" % (100 * min(busy))
                share = r.get("poller_cpu_share_min")
                if share is not None:
                    extra += ", pollers got %.0f%% CPU" % (100 * share)
                    if share < CONTENDED:
                        extra += " (CONTENDED)"
                if r.get("cpu_steal"):
                    extra += ", steal %s" % "/".join("%.0f%%" % (100 * v)
                                                      for v in r["cpu_steal"].values())
                if r["packets"] == 0:
                    failures.append("%s / %s / %s run %d: no packet reached the sink"
                                    % (sweep["title"], point["label"], v.label, run_no))
                    extra += " -- NO PACKET REACHED THE SINK (see %s)" % r["log"]
                log("  run %d/%d %-18s %8.3f Mpps  (%d pkts in %.3f s, rx %.3f Mpps%s)"
                    % (run_no, args.runs, v.label, r["pps"] / 1e6, r["packets"], r["window_s"],
                       r.get("rx_pps", 0) / 1e6, extra))
                runs[v.label].append(r)
        point["results"] = {v.label: summarize(runs[v.label], v.workers) for v in variants}
        size = point["input"].size
        for res in point["results"].values():
            if res.get("valid_runs"):
                # On the wire: frame incl. FCS + preamble/SFD (8) + inter-frame gap (12).
                res["median_gbps_l1"] = round(res["median_mpps"] * (size + 20) * 8 / 1e3, 2)
        point["ratios"] = {}
        for a, b in sweep["ratios"]:
            sa, sb = point["results"].get(a), point["results"].get(b)
            if sa is None or sb is None:
                continue
            ok = sa.get("valid_runs") and sb.get("valid_runs") and sb["median_mpps"] > 0
            point["ratios"]["%s/%s" % (a, b)] = \
                round(sa["median_mpps"] / sb["median_mpps"], 3) if ok else None
            paired = paired_ratios(sa, sb)
            if paired:
                point.setdefault("paired_ratios", {})["%s/%s" % (a, b)] = paired
        if sweep["title"] == "workers":
            point["ring_hop"] = ring_hop_estimate(point["results"])
        print_point(point, sweep)
    return failures


def tsc_of(sweep_points):
    tscs = [s["tsc_hz"] for p in sweep_points for s in p["results"].values() if s.get("tsc_hz")]
    if tscs:
        return statistics.median(tscs), "EAL log 'TSC frequency is ~N KHz' (--log-level lib.eal:debug)"
    m = re.search(r"^cpu MHz\s*:\s*([\d.]+)", read_file("/proc/cpuinfo"), re.M)
    if m:
        return float(m.group(1)) * 1e6, "/proc/cpuinfo cpu MHz (EAL log line not found)"
    return None, "unknown"


def write_result(ctx, sweep, failures, started):
    args = ctx.args
    name = sweep["title"] + (args.name_suffix or "")
    tsc, tsc_src = tsc_of(sweep["points"])
    machine = ctx.machine.copy()
    machine["tsc_hz"] = tsc
    machine["tsc_source"] = tsc_src
    points = []
    for p in sweep["points"]:
        q = {k: v for k, v in p.items() if k not in ("input", "routes_yaml")}
        q["input"] = p["input"].record()
        points.append(q)
    result = {
        "sweep": sweep["title"], "name": name,
        "started": started, "finished": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": [sys.executable] + sys.argv,
        "machine": machine, "dpdk": ctx.dpdk, "pktgate": ctx.pktgate,
        "settings": {"runs": args.runs, "warmup_s": args.warmup, "seconds": args.seconds,
                     "order": "alternating: every variant once per round, rounds repeated",
                     "memory": ctx.mem_desc, "mbuf_pools": ctx.pool,
                     "measure": "delta of opackets of the net_null sink port (/ethdev/stats over "
                                "the telemetry socket) over the window, divided by the window's "
                                "monotonic duration"},
        "programs": {v.label: v.record() for v in sweep["variants"]},
        "xlabel": sweep["xlabel"], "xscale": sweep["xscale"],
        "points": points, "notes": sweep["notes"], "harness_failures": failures,
    }
    os.makedirs(args.out_dir, exist_ok=True)
    jpath = os.path.join(args.out_dir, name + ".json")
    with open(jpath, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    ppath = os.path.join(args.out_dir, name + ".png")
    if plot(result, ppath):
        log("wrote %s and %s" % (jpath, ppath))
    else:
        log("wrote %s" % jpath)


def parse_points(s):
    out = []
    for x in s.split(","):
        x = x.strip().lower()
        mult = 1
        if x.endswith("k"):
            mult, x = 1024, x[:-1]
        elif x.endswith("m"):
            mult, x = 1024 * 1024, x[:-1]
        out.append(int(x) * mult)
    return out


def on_term(signum, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C and SIGTERM stop the running program (SIGINT by PID) before the
    # harness exits; a shell that started us in the background may have left
    # SIGINT ignored, so install the handlers explicitly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_term)
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 when every run measured (whatever the speed), 1 on a harness "
               "failure (a program did not start or died, telemetry unreachable, nothing "
               "reached the sink), 2 on bad usage.")
    ap.add_argument("--sweep", choices=["single", "flows", "routes", "size", "workers", "all"],
                    default="single",
                    help="what to vary (default single: one point, --flows and --size); "
                         "all = flows, routes, size, workers")
    ap.add_argument("--points", type=parse_points,
                    help="comma-separated sweep points instead of the defaults "
                         "(flows: 1,256,65536,100000; routes: 10,1000,100000,1000000; size: "
                         "64,128,512,1518); k/m suffixes are x1024/x1048576")
    ap.add_argument("--runs", type=int, default=5, help="runs per program per point (default 5)")
    ap.add_argument("--warmup", type=float, default=2.0,
                    help="seconds between the first packet at the sink and the window (default 2)")
    ap.add_argument("--seconds", type=float, default=5.0, help="measurement window (default 5)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: 1 run, 0.5 s warm-up, 1 s window; output named *-quick")
    ap.add_argument("--pktgate", default=os.path.join(REPO, "build", "app", "pktgate", "pktgate"),
                    help="pktgate binary (default build/app/pktgate/pktgate)")
    ap.add_argument("--testpmd", default=shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd",
                    help="dpdk-testpmd binary (default from PATH)")
    ap.add_argument("--l3fwd", help="DPDK l3fwd binary (LPM mode); omitted: l3fwd is not run")
    ap.add_argument("--l3fwd-graph", help="DPDK l3fwd-graph binary (rte_graph), built as in "
                    "tools/bench/README.md; omitted: l3fwd-graph is not run")
    ap.add_argument("--input", choices=["pcap", "memif"], default="pcap",
                    help="pcap (default): net_pcap infinite_rx replay on the program's own core; "
                         "memif: pktgate-gen in a second process sends over memif (single, "
                         "flows and size sweeps; rates are capped by the generator)")
    ap.add_argument("--gen", default=os.path.join(REPO, "build", "tools", "gen", "pktgate-gen"),
                    help="pktgate-gen binary for --input memif (default build/tools/gen/pktgate-gen)")
    ap.add_argument("--flows", type=int, default=256,
                    help="flows for single/size/workers (default 256)")
    ap.add_argument("--size", type=int, default=64,
                    help="frame size incl. FCS for single/flows/routes/workers (default 64)")
    ap.add_argument("--route-flows", type=int, default=1024,
                    help="flows (each its own destination) in the routes sweep (default 1024)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random route tables")
    ap.add_argument("--memory", choices=["auto", "huge", "no-huge"], default="auto",
                    help="auto: hugepages if %d x 2 MB are free (raising nr_hugepages as root "
                         "if needed), else --no-huge -m %d" % (HUGE_PAGES_WANTED, NO_HUGE_MB))
    ap.add_argument("--start-timeout", type=float, default=60.0,
                    help="seconds for a program's telemetry socket to come up (default 60; "
                         "the routes sweep adds 600 s per million routes)")
    ap.add_argument("--traffic-timeout", type=float, default=60.0,
                    help="seconds from the ports showing up in telemetry to the first packet at "
                         "the sink (default 60; the routes sweep adds 600 s per million routes); "
                         "past it the run counts 0 packets and the harness fails")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "docs", "perf"),
                    help="where <sweep>.json and <sweep>.png go (default docs/perf)")
    ap.add_argument("--name-suffix", default=None,
                    help="appended to the output names (default: -quick with --quick, "
                         "-points with --points)")
    ap.add_argument("--workdir", default="/tmp/pktgate-bench",
                    help="generated pcaps, route tables, configs and logs (default "
                         "/tmp/pktgate-bench)")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.warmup, args.seconds = 1, 0.5, 1.0
    if args.name_suffix is None:
        args.name_suffix = "-quick" if args.quick else ("-points" if args.points else "")
    if args.runs < 1 or args.seconds <= 0 or args.warmup < 0:
        ap.error("--runs >= 1, --seconds > 0, --warmup >= 0")
    for prog, path in (("pktgate", args.pktgate), ("testpmd", args.testpmd), ("l3fwd", args.l3fwd),
                       ("l3fwd-graph", args.l3fwd_graph)):
        if path and not os.access(path, os.X_OK):
            ap.error("%s binary %s is not executable" % (prog, path))
    if args.points and args.sweep in ("all", "workers", "single"):
        ap.error("--points needs one of --sweep flows, routes, size")
    if args.input == "memif":
        if args.sweep not in ("single", "flows", "size"):
            ap.error("--input memif works with --sweep single, flows or size")
        if not os.access(args.gen, os.X_OK):
            ap.error("pktgate-gen binary %s is not executable (--gen)" % args.gen)
        if args.name_suffix == "":
            args.name_suffix = "-memif"
        elif not args.name_suffix.endswith("memif"):
            args.name_suffix += "-memif"

    ctx = Ctx()
    ctx.args = args
    ctx.workdir = os.path.abspath(args.workdir)
    os.makedirs(ctx.workdir, exist_ok=True)
    ctx.machine = machine_info()
    ctx.dpdk = dpdk_version()
    ctx.pktgate = pktgate_info(args.pktgate)
    try:
        ctx.mem_args, ctx.mem_desc = choose_memory(args.memory)
    except HarnessError as e:
        warn(str(e))
        return 1
    log("pktgate bench: %s, %d CPUs, DPDK %s, pktgate %s%s (%s)"
        % (ctx.machine["cpu_model"], ctx.machine["cpus"], ctx.dpdk, ctx.pktgate["commit"],
           " (tree dirty)" if ctx.pktgate["tree_dirty"] else "", args.pktgate))
    log("memory: %s; %d run(s), warm-up %.1f s, window %.1f s; workdir %s"
        % (ctx.mem_desc, args.runs, args.warmup, args.seconds, ctx.workdir))
    if ctx.pktgate["binary_older_than_sources"]:
        warn("%s is older than some file under app/ or lib/: rebuild it (ninja -C ...) so that "
             "the recorded commit is what runs" % args.pktgate)
    if ctx.machine["cpus"] < 2:
        warn("fewer than 2 CPUs: the layouts assume CPUs 0 and 1")

    names = ["flows", "routes", "size", "workers"] if args.sweep == "all" else [args.sweep]
    failures = []
    try:
        for name in names:
            started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
            if name == "flows":
                sweep = sweep_flows(args)
            elif name == "size":
                sweep = sweep_size(args)
            elif name == "routes":
                sweep = sweep_routes(args, ctx.workdir)
            elif name == "workers":
                sweep = sweep_workers(args)
            else:
                sweep = sweep_single(args)
            f = run_sweep(ctx, sweep)
            failures += f
            write_result(ctx, sweep, f, started)
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    except HarnessError as e:
        warn(str(e))
        return 1
    log("")
    if failures:
        log("HARNESS FAILURES (%d):" % len(failures))
        for f in failures:
            log("  " + f)
        return 1
    log("done: every run measured (compare ratios within this invocation only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
