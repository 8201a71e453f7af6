#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Soak test: run pktgate under traffic for a long time and check that
nothing drifts.

Traffic (--traffic):
  replay  net_pcap replays a pcap of --flows UDP flows (tools/gen_flows.py)
          from memory in an endless loop (infinite_rx=1) into port "lan";
          port "wan" is net_null. The fastest load; traffic never stops, so
          the mbuf check is "no upward drift" (below).
  gen     pktgate-gen (tools/gen) sends over memif into "lan" for the soak
          duration, then stops but stays connected (--linger): mbufs in use
          must come back to exactly the value before traffic started.

Every --interval seconds it samples /pktgate/stats over DPDK telemetry
(counters, drop reasons, mbufs_in_use) and VmRSS/HugetlbPages from
/proc/PID/status, prints one line and appends a JSON line to --samples.
At the end it stops pktgate with SIGTERM and checks, each printed as
PASS/FAIL:

  alive       pktgate ran the whole time and exited 0 on SIGTERM (no crash)
  flowing     rx grew in every interval (no stalled worker)
  monotonic   no counter ever went down
  balance     rx = forwarded + local + drops, exactly, in the final summary
  tx          tx = forwarded + local - consumed - punted + ctl_tx (ARP
              requests), exactly, when the summary reports ctl_tx
  mbufs       replay: after warm-up, the lowest in-use value of the last
              third of the samples is at most the highest of the first
              third + --mbuf-slack (a leak grows without bound; cache and
              burst noise does not); gen: in use after traffic == before
  rss         VmRSS grew at most --rss-growth-kb after the warm-up
  churn       (--churn) every pktgate-ctl route/neighbor add and del was
              accepted and /pktgate/routes or /pktgate/neighbors counted it

--churn needs pktgate-ctl (the live-change CLI). Without it the run stops
with an error saying so: churn is never silently skipped.

Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or a
missing tool. Only /usr/bin/python3 and its standard library are used.

Example (a one-hour run, as root, from the build tree):
  /usr/bin/python3 tools/soak/soak.py --pktgate build/app/pktgate/pktgate \\
      --duration 3600 --interval 10 --warmup 60 --samples soak.jsonl
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN_FLOWS = os.path.join(ROOT, "tools", "gen_flows.py")
PY = "/usr/bin/python3"

LAN_MAC = "02:00:00:00:00:01"
# Routed via the two neighbors, plus the wan subnet itself (only .2 and .3
# are configured: the rest is no_neighbor, with the ARP resolver asking for
# them in vain on net_null; .1 is not_ours_local), so forwarding, two drop
# reasons and the resolver run all the time, as in the demo.
DST_PREFIXES = ["203.0.113.0/24", "10.0.0.0/8", "100.64.0.0/10",
                "172.16.0.0/12", "198.51.100.0/24"]
# Churned routes: a range no generated flow goes to (RFC 2544's 198.18/15 is
# only used as flow *source*), so churn changes tables, not the traffic mix.
CHURN_NET = "198.19.%d.0/24"
CHURN_NEIGH = "198.51.100.%d"

CONFIG = """\
# written by tools/soak/soak.py
ports:
  - {name: lan, device: %(lan_dev)s, ipv4: 192.0.2.1/24, mac: %(lan_mac)s}
  - {name: wan, device: net_null0, ipv4: 198.51.100.1/24, mac: 02:00:00:00:01:01}
neighbors:
  - {ip: 198.51.100.2, mac: 02:00:00:00:00:99, port: wan}
  - {ip: 198.51.100.3, mac: 02:00:00:00:00:98, port: wan}
routes:
  - {prefix: 203.0.113.0/24, via: 198.51.100.2}
  - {prefix: 10.0.0.0/8, via: 198.51.100.2}
  - {prefix: 100.64.0.0/10, via: 198.51.100.3}
  - {prefix: 172.16.0.0/12, via: 198.51.100.3}
workers:
%(workers)s
%(control)s"""

# --mode: EAL lcore layout and the workers section (2 CPUs are enough).
MODES = {
    "rtc": (["-l", "0,1"], "  lcores: [1]\n"),
    "pipeline": (["--lcores", "0@0,1@1,2@1"],
                 "  mode: pipeline\n  lcores: [1, 2]\n"),
}

COUNTERS = ("rx", "tx", "forwarded", "local", "drops")


def log(msg):
    print(msg, flush=True)


class Telemetry:
    """Minimal client of DPDK's telemetry socket (SOCK_SEQPACKET, one JSON
    reply per command)."""

    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        info = json.loads(self.sock.recv(65536).decode())
        self.max_len = info.get("max_output_len", 16384)

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.max_len + 1024).decode())
        return reply.get(cmd.split(",", 1)[0])

    def close(self):
        self.sock.close()


def proc_status(pid):
    """VmRSS and HugetlbPages of pid in kB (hugepage memory is not in RSS)."""
    out = {"rss_kb": 0, "hugetlb_kb": 0}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                out["rss_kb"] = int(line.split()[1])
            elif line.startswith("HugetlbPages:"):
                out["hugetlb_kb"] = int(line.split()[1])
    return out


def find_ctl(args):
    """pktgate-ctl: --ctl, else next to pktgate in a build tree, else PATH."""
    if args.ctl:
        return args.ctl if os.access(args.ctl, os.X_OK) else None
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(args.pktgate))))
    for dirpath, _, files in os.walk(build):
        if "pktgate-ctl" in files and os.access(os.path.join(dirpath, "pktgate-ctl"), os.X_OK):
            return os.path.join(dirpath, "pktgate-ctl")
    return shutil.which("pktgate-ctl")


class Churn:
    """Adds and deletes a route and a neighbor through pktgate-ctl, one
    step per call, and checks each against the count in telemetry."""

    def __init__(self, ctl, sock):
        self.base = [ctl, "--socket", sock]
        self.step = 0
        self.ok = 0
        self.errors = []

    def _ctl(self, *words):
        p = subprocess.run(self.base + list(words), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=10)
        if p.returncode != 0:
            self.errors.append("pktgate-ctl %s: rc %d: %s"
                               % (" ".join(words), p.returncode, p.stdout.strip()))
            return False
        return True

    def run_step(self, tel):
        """One add or del; the route (or neighbor) count that telemetry
        reports must move by the expected delta."""
        i = self.step // 4 % 200
        kind = self.step % 4
        table = "/pktgate/routes" if kind < 2 else "/pktgate/neighbors"
        neigh = CHURN_NEIGH % (100 + i % 100)
        before = tel.query(table)["count"]
        if kind == 0:
            ok, delta = self._ctl("route", "add", CHURN_NET % i, "via", "198.51.100.2"), 1
        elif kind == 1:
            ok, delta = self._ctl("route", "del", CHURN_NET % i), -1
        elif kind == 2:
            ok, delta = self._ctl("neighbor", "add", neigh, "02:00:00:00:10:%02x" % (i % 100),
                                  "port", "wan"), 1
        else:
            ok, delta = self._ctl("neighbor", "del", neigh), -1
        self.step += 1
        if not ok:
            return
        after = tel.query(table)["count"]
        if after != before + delta:
            self.errors.append("step %d: %s count %d -> %d, expected %+d"
                               % (self.step, table, before, after, delta))
        else:
            self.ok += 1


def parse_summary(stdout):
    s = {}
    for line in stdout.splitlines():
        w = line.split()
        if len(w) > 2 and w[0] == "summary:" and w[2] == "s":
            s = {w[i]: int(w[i + 1]) for i in range(3, len(w) - 1, 2)}
    return s


class Soak:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="pktgate-soak-")
        self.prefix = "pgsoak%d" % os.getpid()
        self.rundir = "/var/run/dpdk" if os.geteuid() == 0 else \
            os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
        self.samples = []
        self.results = []      # (name, ok, detail)
        self.proc = self.gen = None
        self.churn = None
        self.baseline_in_use = None
        self.stopped_in_use = None

    # --- set-up ------------------------------------------------------------

    def eal(self, prefix, lcores):
        a = self.args
        e = list(lcores) + ["--file-prefix", prefix, "--no-pci",
                            "--log-level", "pmd.net.pcap:error"]
        return e + ([] if a.huge else ["--no-huge", "-m", str(a.mem_mb)])

    def write_config(self, ctl_sock):
        lan_dev = "net_memif0" if self.args.traffic == "gen" else "net_pcap0"
        control = "control:\n  socket: %s\n" % ctl_sock if ctl_sock else ""
        path = os.path.join(self.tmp, "soak.yaml")
        with open(path, "w") as f:
            f.write(CONFIG % dict(lan_dev=lan_dev, lan_mac=LAN_MAC,
                                  workers=MODES[self.args.mode][1], control=control))
        return path

    def start_pktgate(self, conf):
        a = self.args
        if a.traffic == "replay":
            pcap = os.path.join(self.tmp, "flows.pcap")
            subprocess.run([PY, GEN_FLOWS, "--flows", str(a.flows), "--size", "64",
                            "--dst-mac", LAN_MAC, "--out", pcap] + DST_PREFIXES,
                           check=True, stdout=subprocess.DEVNULL)
            lan = "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap
        else:
            lan = ("net_memif0,role=server,socket=%s,socket-abstract=no"
                   % os.path.join(self.tmp, "memif.sock"))
        cmd = ([a.pktgate] + self.eal(self.prefix, MODES[a.mode][0])
               + ["--vdev", lan, "--vdev", "net_null0,no-rx=1",
                  "--", "-c", conf, "--stats-interval", "0"])
        log("soak: %s" % " ".join(cmd))
        self.out = open(os.path.join(self.tmp, "pktgate.out"), "w+")
        self.err = open(os.path.join(self.tmp, "pktgate.err"), "w+")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err,
                                     cwd=self.tmp)
        path = os.path.join(self.rundir, self.prefix, "dpdk_telemetry.v2")
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("pktgate exited at start (rc %d): %s"
                                   % (self.proc.returncode, self.tail(self.err)))
            try:
                tel = Telemetry(path)
                if tel.query("/pktgate/stats") is not None:
                    return tel
                tel.close()
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError("telemetry %s did not answer" % path)

    def start_gen(self):
        a = self.args
        gen_prefix = self.prefix + "g"
        self.gen_prefix = gen_prefix
        # Sends for the soak, then keeps the memif open unpolled (--linger)
        # while we read the drained in-use value and stop pktgate first:
        # in 22.11 a memif side that still polls when its peer leaves can
        # crash (docs/TESTING pitfalls), so pktgate must go before gen.
        cmd = ([a.gen] + self.eal(gen_prefix, ["--lcores", "0@0,1@0"])
               + ["--vdev", "net_memif0,role=client,socket=%s,socket-abstract=no"
                  % os.path.join(self.tmp, "memif.sock"),
                  "--", "--tx-port", "0", "--flows", str(a.flows),
                  "--dst", ",".join(DST_PREFIXES), "--dst-mac", LAN_MAC,
                  "--duration", str(a.duration), "--linger", "600"])
        if a.gen_rate:
            cmd += ["--rate-pps", str(a.gen_rate)]
        log("soak: %s" % " ".join(cmd))
        self.gen_out = open(os.path.join(self.tmp, "gen.out"), "w+")
        self.gen = subprocess.Popen(cmd, stdout=self.gen_out, stderr=subprocess.STDOUT,
                                    cwd=self.tmp)

    @staticmethod
    def tail(f, n=15):
        f.flush()
        f.seek(0)
        return "".join(f.readlines()[-n:])

    # --- sampling ----------------------------------------------------------

    def sample(self, tel, t0):
        st = tel.query("/pktgate/stats")
        s = {"t": round(time.monotonic() - t0, 1)}
        s.update(proc_status(self.proc.pid))
        s["mbufs_in_use"] = st["mbufs_in_use"]
        s.update({k: v for k, v in st.items() if k != "mbufs_in_use"})
        self.samples.append(s)
        if self.args.samples:
            with open(self.args.samples, "a") as f:
                f.write(json.dumps(s) + "\n")
        prev = self.samples[-2] if len(self.samples) > 1 else None
        rate = ((s["rx"] - prev["rx"]) / (s["t"] - prev["t"]) / 1e6
                if prev and s["t"] > prev["t"] else 0.0)
        log("sample t=%7.1f s rx %.3f Mpps in_use %d rss %d kB hugetlb %d kB drops %d"
            % (s["t"], rate, s["mbufs_in_use"], s["rss_kb"], s["hugetlb_kb"], s["drops"]))
        return s

    def run(self):
        a = self.args
        ctl_sock = None
        if a.churn:
            ctl = find_ctl(a)
            if ctl is None:
                raise UsageError("--churn: pktgate-ctl not found (--ctl, the build tree of "
                                 "--pktgate, PATH): route/neighbor churn cannot run")
            ctl_sock = os.path.join(self.tmp, "ctl.sock")
            self.churn = Churn(ctl, ctl_sock)
            log("soak: churn with %s" % ctl)
        if a.samples:
            open(a.samples, "w").close()
        tel = self.start_pktgate(self.write_config(ctl_sock))
        t0 = time.monotonic()
        try:
            if a.traffic == "gen":
                time.sleep(1.0)   # idle: whatever pktgate holds without traffic
                self.baseline_in_use = tel.query("/pktgate/stats")["mbufs_in_use"]
                log("soak: before traffic: %d mbufs in use" % self.baseline_in_use)
                self.start_gen()
                self.wait_traffic(tel)
                t0 = time.monotonic()
            end = t0 + a.duration
            next_sample = t0
            while time.monotonic() < end:
                if self.proc.poll() is not None:
                    break
                if time.monotonic() >= next_sample:
                    self.sample(tel, t0)
                    next_sample += a.interval
                if self.churn is not None:
                    self.churn.run_step(tel)
                    time.sleep(a.churn_pause)
                else:
                    time.sleep(max(0.0, min(next_sample, end) - time.monotonic()))
            if self.proc.poll() is None:
                self.sample(tel, t0)
            if a.traffic == "gen" and self.proc.poll() is None:
                self.drain(tel)
        finally:
            tel.close()
            self.stop()
        self.check()

    def wait_traffic(self, tel):
        """gen mode: time starts when frames arrive, not when gen was
        launched (its EAL start-up takes a while on a busy machine)."""
        end = time.monotonic() + 60
        while tel.query("/pktgate/stats")["rx"] == 0:
            if self.gen.poll() is not None:
                raise RuntimeError("pktgate-gen exited (rc %d): %s"
                                   % (self.gen.returncode, self.tail(self.gen_out)))
            if time.monotonic() > end:
                raise RuntimeError("no traffic from pktgate-gen after 60 s: %s"
                                   % self.tail(self.gen_out))
            time.sleep(0.1)

    def drain(self, tel):
        """gen mode: wait until gen has stopped sending (rx flat), then read
        the in-use value pktgate is left with."""
        last, flat_since = None, None
        end = time.monotonic() + 30
        while time.monotonic() < end:
            rx = tel.query("/pktgate/stats")["rx"]
            now = time.monotonic()
            if rx != last:
                last, flat_since = rx, now
            elif now - flat_since >= 1.0:
                break
            time.sleep(0.1)
        # The lowest of a few reads: an ARP request of the resolver may be
        # on its way out at any moment; a leak stays in every read.
        reads = []
        for _ in range(10):
            reads.append(tel.query("/pktgate/stats")["mbufs_in_use"])
            time.sleep(0.1)
        self.stopped_in_use = min(reads)
        log("soak: after traffic: %d mbufs in use (lowest of %s)"
            % (self.stopped_in_use, reads))

    @staticmethod
    def end_process(proc, sig, timeout):
        """Ask proc to stop with sig; kill it if it has not within timeout."""
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop(self):
        # pktgate first: gen keeps the memif open (--linger) until then.
        self.end_process(self.proc, signal.SIGTERM, 30)
        self.end_process(self.gen, signal.SIGINT, 15)
        for p in (self.prefix, self.prefix + "g"):
            shutil.rmtree(os.path.join(self.rundir, p), ignore_errors=True)

    # --- checks ------------------------------------------------------------

    def result(self, name, ok, detail):
        self.results.append((name, ok, detail))
        log("%s %-9s %s" % ("PASS" if ok else "FAIL", name, detail))

    def check(self):
        a, s = self.args, self.samples
        log("soak: %d samples over %.0f s" % (len(s), s[-1]["t"] if s else 0))
        stdout = self.tail(self.out, 10 ** 6)
        rc = self.proc.returncode
        self.result("alive", rc == 0 and "stopping (signal)" in stdout,
                    "pktgate exit code %s (%s)" % (
                        rc, "stopped by our SIGTERM" if "stopping (signal)" in stdout
                        else "exited on its own: " + self.tail(self.err).strip()[-300:]))
        warm = [x for x in s if x["t"] >= a.warmup]
        if len(warm) < 3:
            self.result("samples", False, "only %d samples after the %d s warm-up: "
                        "run longer or sample more often" % (len(warm), a.warmup))
            return
        # gen mode: rx stops growing at the end, when gen's time is up.
        live = s if a.traffic == "replay" else s[:-1]
        stalls = [y["t"] for x, y in zip(live, live[1:]) if y["rx"] <= x["rx"]]
        self.result("flowing", not stalls, "rx grew in every interval" if not stalls
                    else "rx did not grow in the interval ending at t=%s" % stalls[:5])
        names = [k for k in s[0] if k not in ("t", "rss_kb", "hugetlb_kb", "mbufs_in_use")]
        down = ["%s at t=%s (%d -> %d)" % (k, y["t"], x[k], y[k])
                for x, y in zip(s, s[1:]) for k in names if y[k] < x[k]]
        self.result("monotonic", not down, "%d counters never went down" % len(names)
                    if not down else "; ".join(down[:5]))
        summ = parse_summary(stdout)
        if summ:
            total = summ["forwarded"] + summ["local"] + summ["drops"]
            self.result("balance", summ["rx"] == total,
                        "rx %d = forwarded %d + local %d + drops %d%s"
                        % (summ["rx"], summ["forwarded"], summ["local"], summ["drops"],
                           "" if summ["rx"] == total else " (off by %d)" % (summ["rx"] - total)))
            if "ctl_tx" in summ:
                # ARP requests of the resolver leave through a worker too.
                # consumed (ARP replies the resolver read) and punted (to
                # the kernel) are in local but leave by no TX queue
                out = summ["forwarded"] + summ["local"] - summ.get("consumed", 0) - \
                    summ.get("punted", 0) + summ["ctl_tx"]
                self.result("tx", summ["tx"] == out,
                            "tx %d = forwarded + local - consumed - punted + ctl_tx %d (ctl_tx %d)%s"
                            % (summ["tx"], out, summ["ctl_tx"],
                               "" if summ["tx"] == out else " (off by %d)" % (summ["tx"] - out)))
        else:
            self.result("balance", False, "no summary line in pktgate's output")
        if a.traffic == "gen":
            ok = self.stopped_in_use == self.baseline_in_use
            self.result("mbufs", ok, "in use before traffic %s, after %s"
                        % (self.baseline_in_use, self.stopped_in_use))
        else:
            third = max(1, len(warm) // 3)
            first = max(x["mbufs_in_use"] for x in warm[:third])
            last = min(x["mbufs_in_use"] for x in warm[-third:])
            self.result("mbufs", last <= first + a.mbuf_slack,
                        "in use after warm-up %d..%d; first third max %d, last third min %d "
                        "(slack %d)" % (min(x["mbufs_in_use"] for x in warm),
                                        max(x["mbufs_in_use"] for x in warm),
                                        first, last, a.mbuf_slack))
        growth = max(x["rss_kb"] for x in warm) - warm[0]["rss_kb"]
        self.result("rss", growth <= a.rss_growth_kb,
                    "VmRSS %d kB at warm-up end, max %d kB: +%d kB (bound %d kB)"
                    % (warm[0]["rss_kb"], max(x["rss_kb"] for x in warm), growth,
                       a.rss_growth_kb))
        if self.churn is not None:
            c = self.churn
            self.result("churn", not c.errors and c.ok > 0,
                        "%d changes applied%s" % (c.ok, "" if not c.errors
                                                  else "; " + "; ".join(c.errors[:3])))

    def cleanup(self):
        if self.args.keep:
            log("soak: kept %s" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


class UsageError(Exception):
    pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pktgate", required=True, help="the pktgate binary")
    ap.add_argument("--duration", type=float, default=30, help="seconds of traffic (30)")
    ap.add_argument("--interval", type=float, default=5, help="seconds between samples (5)")
    ap.add_argument("--warmup", type=float, default=10,
                    help="seconds before RSS and in-use are judged (10)")
    ap.add_argument("--traffic", choices=("replay", "gen"), default="replay")
    ap.add_argument("--gen", help="pktgate-gen binary (--traffic gen)")
    ap.add_argument("--gen-rate", type=int, default=0, help="gen: frames/s, 0 = max")
    ap.add_argument("--mode", choices=sorted(MODES), default="rtc")
    ap.add_argument("--flows", type=int, default=1024)
    ap.add_argument("--huge", action="store_true",
                    help="use hugepages (default: --no-huge -m MEM)")
    ap.add_argument("--mem-mb", type=int, default=512)
    ap.add_argument("--rss-growth-kb", type=int, default=2048,
                    help="allowed VmRSS growth after warm-up (2048)")
    ap.add_argument("--mbuf-slack", type=int, default=64,
                    help="replay: allowed in-use rise, first to last third (64)")
    ap.add_argument("--churn", action="store_true",
                    help="add/delete routes and neighbors with pktgate-ctl meanwhile")
    ap.add_argument("--churn-pause", type=float, default=0.2, help="seconds between changes")
    ap.add_argument("--ctl", help="pktgate-ctl binary (default: build tree, then PATH)")
    ap.add_argument("--samples", help="write every sample as a JSON line here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = ap.parse_args(argv)
    a.pktgate = os.path.abspath(a.pktgate)
    if a.interval <= 0 or a.duration <= 0:
        ap.error("--interval and --duration must be positive")
    if not os.access(a.pktgate, os.X_OK):
        ap.error("--pktgate %s: not an executable" % a.pktgate)
    if a.traffic == "gen":
        a.gen = a.gen or os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(a.pktgate)))), "tools", "gen", "pktgate-gen")
        if not os.access(a.gen, os.X_OK):
            ap.error("--traffic gen: pktgate-gen not found at %s (give --gen)" % a.gen)
    soak = Soak(a)
    try:
        soak.run()
    except UsageError as e:
        print("soak: %s" % e, file=sys.stderr)
        return 2
    except RuntimeError as e:
        log("FAIL start     %s" % e)
        return 1
    finally:
        soak.stop()
        soak.cleanup()
    failed = [r for r in soak.results if not r[1]]
    log("soak: %d passed, %d failed" % (len(soak.results) - len(failed), len(failed)))
    return 1 if failed or not soak.results else 0


if __name__ == "__main__":
    sys.exit(main())
