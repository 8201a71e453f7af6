#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""BGP update -> pktgate forwarding: how long until N prefixes announced by
an eBGP peer are in pktgate's table and traffic to them is forwarded, how
long a withdraw takes, and what the data path forwards meanwhile. Numbers
only, never a pass/fail (tools/bench/README.md, docs/perf/bgp-convergence.md).

    peer ns: FRR (zebra + bgpd, AS 65002), N `network` statements
        | veth 10.255.0.0/30: the BGP session
    box ns:  FRR (zebra -M dplane_fpm_nl + bgpd, AS 65001) --FPM--> pktgate
             pktgate: lan = net_pcap infinite_rx (traffic), wan = net_null
             (198.51.100.1/24; a veth pair in the box carries the same
             subnet so that zebra resolves the next hop 198.51.100.2)

The peer holds its N prefixes back with a deny-all entry in its outbound
route-map until the session is up and its table is loaded. T0 is the
moment the entry is removed (`clear bgp ... soft out` follows at once):
announce; then the entry comes back: withdraw. Every --interval (0.1 s)
the harness reads over telemetry pktgate's route count (/pktgate/routes),
its FPM counters, no_route drops and the ports' packet counters.

Traffic: the pcap replays 64 frames to 198.18.0.1-64 (a static route in
pktgate's config: forwarded throughout) and 64 frames to .1 of 64 of the
announced prefixes, spread evenly over them, the last one included
(no_route until their routes are in). "Forwarded" is the first sample
after which no_route stops moving.

On a shared machine the worker does not always have its CPU: each sample
also records the share of the interval the worker thread ran (schedstat),
and the rate per CPU-second the worker ran (rx_mpps / worker_cpu).

FRR is pinned to CPU 0 with pktgate's control and telemetry threads;
pktgate's worker polls CPU 1.

usage: bgp_converge.py PKTGATE [--prefixes 100000] [--runs 3] [--out NAME]
"""
import argparse
import datetime
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "pkt"))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
import pgtest  # noqa: E402
from pgtest import IP, UDP, Ether, Raw, wait_for_socket  # noqa: E402
from netns_util import sh, teardown  # noqa: E402
import frr_lab  # noqa: E402

TAG = "%d" % os.getpid()
NS_PEER, NS_BOX = "pg-bgpb-peer-" + TAG, "pg-bgpb-box-" + TAG
IF_SES, IF_SES_P = "bgbs" + TAG, "bgbsp" + TAG
IF_MIR, IF_MIR_P = "bgbm" + TAG, "bgbmp" + TAG
LAN_MAC, WAN_MAC, GW_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:99"
HOST_IP, HOST_MAC = "192.0.2.10", "02:00:00:00:00:10"
SES_BOX, SES_PEER = "10.255.0.1", "10.255.0.2"
NEXT_HOP = "198.51.100.2"
AS_BOX, AS_PEER = 65001, 65002
STABLE = 64          # frames to a static route
TAIL = 64            # frames to the last announced prefixes


def log(msg):
    print(msg, flush=True)


def probed(prefixes):
    """TAIL prefixes spread evenly over the table, the last one included:
    bgpd and zebra do not send in prefix order."""
    n = len(prefixes)
    return [prefixes[(i + 1) * n // TAIL - 1] for i in range(TAIL)]


def make_pcap(path, prefixes):
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    frames = [e / IP(src=HOST_IP, dst="198.18.0.%d" % (i + 1)) / UDP(sport=1000 + i, dport=9)
              / Raw(b"s" * 18) for i in range(STABLE)]
    frames += [e / IP(src=HOST_IP, dst=frr_lab.host_in(p)) / UDP(sport=2000 + i, dport=9)
               / Raw(b"t" * 18) for i, p in enumerate(probed(prefixes))]
    pgtest.write_pcap(path, frames)


class Bench:
    def __init__(self, args, run, binary):
        self.a = args
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="pg-bgpb-")
        os.chmod(self.tmp, 0o755)
        self.prefix = "pgbgpb%s_%d" % (TAG, run)
        self.proc = self.tel = None
        self.frrs = []
        self.ns = []

    def setup(self, prefixes):
        for ns in (NS_PEER, NS_BOX):
            sh("ip", "netns", "add", ns)
            self.ns.append(ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)
        punt = self.a.session == "punt"
        sh("ip", "link", "add", IF_SES, "netns", NS_BOX, "type", "veth", "peer", "name",
           IF_SES_P, "netns", NS_PEER)
        links = [(IF_SES, NS_BOX), (IF_SES_P, NS_PEER)]
        if not punt:
            sh("ip", "link", "add", IF_MIR, "netns", NS_BOX, "type", "veth", "peer", "name",
               IF_MIR_P, "netns", NS_BOX)
            links += [(IF_MIR, NS_BOX), (IF_MIR_P, NS_BOX)]
        for ifn, ns in links:
            sh("ethtool", "-K", ifn, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off", ns=ns)
            sh("ip", "link", "set", ifn, "up", ns=ns)
        sh("ip", "addr", "add", SES_PEER + "/30", "dev", IF_SES_P, ns=NS_PEER)
        if not punt:
            sh("ip", "addr", "add", SES_BOX + "/30", "dev", IF_SES, ns=NS_BOX)
            sh("ip", "addr", "add", "198.51.100.1/24", "dev", IF_MIR, ns=NS_BOX)
        # punt: pktgate's third port `bgp` is the box's end of the session
        # veth (net_af_packet, its MAC), its mirror carries 10.255.0.1/30
        # and bgpd's session; the wan port's mirror gives zebra the next
        # hop's subnet
        ses_mac = json.loads(sh("ip", "-j", "link", "show", IF_SES, ns=NS_BOX).stdout)[0][
            "address"]
        peer_mac = json.loads(sh("ip", "-j", "link", "show", IF_SES_P, ns=NS_PEER).stdout)[0][
            "address"]

        pcap = os.path.join(self.tmp, "in.pcap")
        make_pcap(pcap, prefixes)
        conf = os.path.join(self.tmp, "pktgate.yaml")
        with open(conf, "w") as f:
            f.write("ports:\n"
                    "  - {name: lan, device: net_pcap0, ipv4: 192.0.2.1/24, mac: '%s'}\n"
                    "  - {name: wan, device: net_null0, ipv4: 198.51.100.1/24, mac: '%s'%s}\n"
                    % (LAN_MAC, WAN_MAC, ", tap: pg-bgpb-w" if punt else ""))
            if punt:
                f.write("  - {name: bgp, device: net_af_packet0, ipv4: %s/30, mac: '%s',"
                        " tap: pg-bgpb-s}\n" % (SES_BOX, ses_mac))
            f.write("neighbors:\n  - {ip: %s, mac: '%s', port: wan}\n" % (NEXT_HOP, GW_MAC))
            if punt:
                f.write("  - {ip: %s, mac: '%s', port: bgp}\n" % (SES_PEER, peer_mac))
            f.write("routes:\n  - {prefix: 198.18.0.0/16, via: %s}\n"
                    "workers: {lcores: [1]}\n"
                    "fpm: {listen: \"127.0.0.1:2620\", max_routes: %d}\n"
                    % (NEXT_HOP, len(prefixes) + 65536))
        mem = 1024 if len(prefixes) <= 200000 else 4096
        cmd = ["ip", "netns", "exec", NS_BOX, self.binary, "-l", "0,1", "--no-huge",
               "-m", str(mem), "--no-pci", "--file-prefix", self.prefix,
               "--log-level", "pmd.net.pcap:error",
               "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
               "--vdev", "net_null0,no-rx=1"]
        if punt:
            cmd += ["--vdev", "net_af_packet0,iface=%s" % IF_SES]
        cmd += ["--", "-c", conf]
        self.out = open(os.path.join(self.tmp, "pktgate.out"), "w+")
        # its own session (scheduler autogroup), as a service runs: see
        # frr_lab.Frr._spawn
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.tel = wait_for_socket(self.prefix, self.proc, timeout=60)

        top = os.path.join(self.tmp, "frr")
        os.mkdir(top)
        self.box = frr_lab.Frr(NS_BOX, top, "box", frr_lab.bgpd_conf(
            AS_BOX, SES_BOX, SES_PEER, AS_PEER), fpm="127.0.0.1 port 2620", cpus="0")
        self.peer = frr_lab.Frr(NS_PEER, top, "peer", frr_lab.bgpd_conf(
            AS_PEER, SES_PEER, SES_BOX, AS_BOX, networks=prefixes, nexthop=NEXT_HOP,
            out_deny=True), cpus="0")
        self.frrs = [self.box, self.peer]
        t = time.time()
        for f in self.frrs:
            f.start()
        # ready: FPM connected, session up, the peer's table loaded
        end = time.time() + self.a.timeout
        while time.time() < end:
            s = self.peer.vtysh("show bgp ipv4 unicast summary json", check=False).stdout
            try:
                j = json.loads(s)
            except ValueError:
                j = {}
            j = j.get("ipv4Unicast", j)    # the AF's object, wrapped or not
            up = j.get("peers", {}).get(SES_BOX, {}).get("state") == "Established"
            if up and j.get("ribCount", 0) >= len(prefixes) \
                    and self.q("/pktgate/fpm")["connected"]:
                break
            time.sleep(1)
        else:
            raise RuntimeError("not ready after %d s: %s\n%s" % (self.a.timeout, s,
                                                                  self.logs()))
        self.ready_s = time.time() - t

    def q(self, cmd):
        return self.tel.query(cmd)

    def worker_ns(self):
        """ns the worker thread has run (schedstat): a share below 1 of an
        interval means it did not have its CPU (another process on it)."""
        if not hasattr(self, "worker_tid"):
            self.worker_tid = None
            for tid in os.listdir("/proc/%d/task" % self.proc.pid):
                with open("/proc/%d/task/%s/comm" % (self.proc.pid, tid)) as f:
                    if f.read().startswith(("lcore-worker", "rte-worker")):
                        self.worker_tid = tid
        if self.worker_tid is None:
            return 0
        with open("/proc/%d/task/%s/schedstat" % (self.proc.pid, self.worker_tid)) as f:
            return int(f.read().split()[0])

    def sample(self, t0):
        ports = self.q("/pktgate/ports")
        st = self.q("/pktgate/stats")
        fpm = self.q("/pktgate/fpm")
        n = self.q("/pktgate/routes,%d" % (1 << 30))["count"]
        return {"t": time.time() - t0, "rx": ports["rx"][0], "tx": ports["tx"][1],
                "no_route": st["no_route"], "routes": n,
                "fpm_added": fpm["routes_added"], "fpm_deleted": fpm["routes_deleted"],
                "fpm_frames": fpm["frames"],
                "worker_ns": self.worker_ns()}

    def phase(self, permit, n, timeout):
        """Flip the peer's export and sample until pktgate has (permit) or
        has dropped (withdraw) all n routes and no_route has settled."""
        base = self.sample(time.time())
        want = base["routes"] + n if permit else base["routes"] - n
        t0 = time.time()
        frr_lab.set_export(self.peer, SES_BOX, permit)
        t_cmd = time.time() - t0
        samples = [dict(base, t=0.0)]
        settled = None
        while time.time() - t0 < timeout:
            time.sleep(max(0.0, self.a.interval - (time.time() - t0 - samples[-1]["t"])))
            s = self.sample(t0)
            samples.append(s)
            if s["routes"] == want:
                moving = s["no_route"] != samples[-2]["no_route"]
                if permit and moving:
                    settled = None
                elif settled is None:
                    settled = s["t"]
                elif s["t"] - settled >= 1.0:
                    break
        return self.milestones(samples, want, permit, t_cmd)

    @staticmethod
    def milestones(samples, want, permit, t_cmd):
        first = next((s["t"] for s in samples[1:] if s["routes"] != samples[0]["routes"]),
                     None)
        done = next((s["t"] for s in samples if s["routes"] == want), None)
        # zebra -> pktgate: when the last frame (of the phase) had arrived
        last = samples[-1]["fpm_frames"]
        frames_in = next((s["t"] for s in samples if s["fpm_frames"] == last), None)
        m = {"vtysh_s": round(t_cmd, 3), "first_route_s": first, "all_routes_s": done,
             "last_frame_s": frames_in, "samples": samples}
        if permit:
            final = samples[-1]["no_route"]
            i = next((i for i, s in enumerate(samples) if s["no_route"] == final), None)
            m["forwarded_s"] = samples[i]["t"] if i else None
            m["forwarded_after_s"] = samples[i - 1]["t"] if i else None
        rates = []
        for a, b in zip(samples, samples[1:]):
            dt = b["t"] - a["t"]
            if dt > 0:
                rates.append({"t": b["t"], "rx_mpps": (b["rx"] - a["rx"]) / dt / 1e6,
                              "tx_mpps": (b["tx"] - a["tx"]) / dt / 1e6,
                              "worker_cpu": (b["worker_ns"] - a["worker_ns"]) / dt / 1e9,
                              "routes": b["routes"], "fpm_frames": b["fpm_frames"]})
            c = rates[-1]["worker_cpu"]
            rates[-1]["rx_mpps_per_cpu"] = rates[-1]["rx_mpps"] / c if c > 0.02 else None
        m["rates"] = rates
        return m

    def baseline_rate(self, seconds=2.0):
        t0 = time.time()
        a = self.sample(t0)
        time.sleep(seconds)
        b = self.sample(t0)
        dt = b["t"] - a["t"]
        r = {"rx_mpps": (b["rx"] - a["rx"]) / dt / 1e6,
             "tx_mpps": (b["tx"] - a["tx"]) / dt / 1e6,
             "worker_cpu": (b["worker_ns"] - a["worker_ns"]) / dt / 1e9}
        r["rx_mpps_per_cpu"] = r["rx_mpps"] / r["worker_cpu"] if r["worker_cpu"] else None
        return r

    def logs(self):
        return "\n".join(f.logs() for f in self.frrs)

    def close(self):
        for f in self.frrs:
            f.stop()
        teardown(self, self.ns, ())


def one_run(args, run, prefixes, label, binary):
    b = Bench(args, run, binary)
    try:
        b.setup(prefixes)
        log("run %d (%s): ready after %.1f s (FRR start, session, peer table of %d)"
            % (run, label, b.ready_s, len(prefixes)))
        idle = b.baseline_rate()
        ann = b.phase(True, len(prefixes), args.timeout)
        log("run %d: announce: first route %.2f s, last FPM frame %s s, all routes %s s,"
            " probed prefixes forwarded %s s (vtysh %.2f s)"
            % (run, ann["first_route_s"] or -1, ann["last_frame_s"], ann["all_routes_s"],
               ann["forwarded_s"], ann["vtysh_s"]))
        wd = b.phase(False, len(prefixes), args.timeout)
        log("run %d: withdraw: first route gone %.2f s, last FPM frame %s s, all gone %s s"
            % (run, wd["first_route_s"] or -1, wd["last_frame_s"], wd["all_routes_s"]))
        f = b.q("/pktgate/fpm")
        return {"run": run, "label": label, "binary": binary, "ready_s": round(b.ready_s, 1), "idle_rate": idle,
                "announce": ann, "withdraw": wd,
                "fpm": {k: f[k] for k in ("frames", "messages", "routes_added",
                                          "routes_deleted", "errors", "resets")}}
    finally:
        b.close()


def summary(values):
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": round(statistics.median(v), 3), "min": round(min(v), 3),
            "max": round(max(v), 3), "runs": [round(x, 3) for x in v]}


def slim(res):
    """What goes into the JSON: the per-interval rates (rounded), not the
    raw counter samples they come from."""
    for r in res["runs"]:
        for phase in ("announce", "withdraw"):
            p = r[phase]
            p.pop("samples", None)
            for k, v in list(p.items()):
                if isinstance(v, float):
                    p[k] = round(v, 3)
            rows = rate_rows(p)
            p["rates"] = {k: [round(x[k], 3) if isinstance(x[k], float) else x[k]
                              for x in rows] for k in (rows[0] if rows else {})}


def rate_rows(p):
    """The per-interval rates as a list of dicts (the JSON keeps columns)."""
    r = p["rates"]
    if isinstance(r, dict):
        keys = list(r)
        return [dict(zip(keys, vals)) for vals in zip(*(r[k] for k in keys))]
    return r


def dump(res, path):
    """JSON with arrays of numbers on one line each."""
    text = json.dumps(res, indent=1)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]",
                  lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")


def machine():
    cpu = re.search(r"^model name\s*:\s*(.*)$", open("/proc/cpuinfo").read(), re.M)
    frr = subprocess.run([frr_lab.FRR + "/zebra", "--version"], capture_output=True,
                         text=True).stdout.splitlines()
    return {"cpu_model": cpu.group(1) if cpu else "unknown", "cpus": os.cpu_count(),
            "kernel": os.uname().release, "hostname": os.uname().nodename,
            "frr": frr[0] if frr else "unknown",
            "pktgate_commit": subprocess.run(["git", "-C", REPO, "rev-parse", "--short",
                                              "HEAD"], capture_output=True,
                                             text=True).stdout.strip()}


def plot(result, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    runs = [r for r in result["runs"] if r["label"] == "pktgate"]
    fig, axes = plt.subplots(3, 2, figsize=(12, 9), sharex="col")
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
    for col, phase in enumerate(("announce", "withdraw")):
        for r, c in zip(runs, colors):
            rates = rate_rows(r[phase])
            t = [x["t"] for x in rates]
            lbl = "run %d" % r["run"]
            axes[0][col].plot(t, [x["routes"] for x in rates], color=c, label=lbl)
            axes[1][col].plot(t, [x["rx_mpps_per_cpu"] for x in rates], color=c, lw=0.8,
                              label=lbl)
            axes[2][col].plot(t, [x["worker_cpu"] for x in rates], color=c, lw=0.8,
                              label=lbl)
            for ax in axes[:, col]:
                if r[phase]["all_routes_s"] is not None:
                    ax.axvline(r[phase]["all_routes_s"], color=c, ls=":", lw=0.8)
        axes[0][col].set_title("%s of %d prefixes (dotted: all in pktgate's table)"
                               % (phase, result["prefixes"]), fontsize=10)
        axes[0][col].set_ylabel("routes in pktgate's table")
        axes[1][col].set_ylabel("Mpps per CPU-second\nthe worker ran")
        # a sample's counters and the worker's run time are not read at the
        # same instant: single intervals spike, the scale follows the bulk
        per_cpu = sorted(x["rx_mpps_per_cpu"] for r in runs for x in rate_rows(r[phase])
                         if x["rx_mpps_per_cpu"] is not None)
        top = 2.5 * per_cpu[len(per_cpu) // 2] if per_cpu else None
        axes[1][col].set_ylim(0, top)
        axes[2][col].set_ylabel("worker's CPU share")
        axes[2][col].set_ylim(0, 1.05)
        axes[2][col].set_xlabel("seconds since the peer's %s (T0)" % phase)
        axes[0][col].legend(fontsize=8)
    m = result["machine"]
    fig.suptitle("BGP -> FRR -> FPM -> pktgate %s (session: %s); %s, %d CPUs, %s, %s"
                 % (m["pktgate_commit"], result.get("session", "direct"), m["cpu_model"],
                    m["cpus"], m["kernel"], m["frr"]), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def on_sigterm(signum, frame):
    raise KeyboardInterrupt("SIGTERM")    # so that finally blocks clean up


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    # the harness, vtysh and FRR share CPU 0 with pktgate's control thread;
    # pktgate's worker polls CPU 1
    os.sched_setaffinity(0, {0})
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pktgate")
    ap.add_argument("--baseline", help="another pktgate binary, run alternately")
    ap.add_argument("--session", choices=("punt", "direct"), default="punt",
                    help="BGP session through pktgate's exception path (a third port,"
                    " net_af_packet, with a kernel mirror) or on a veth of its own")
    ap.add_argument("--replot", metavar="JSON", help="only redraw the plot of a result")
    ap.add_argument("--prefixes", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out-dir", default=os.path.join(REPO, "docs", "perf"))
    ap.add_argument("--out", default=None, help="file name stem (bgp-<N>)")
    a = ap.parse_args()
    a.pktgate = os.path.abspath(a.pktgate)
    if a.replot:
        with open(a.replot) as f:
            res = json.load(f)
        slim(res)
        dump(res, a.replot)
        plot(res, a.replot[:-len(".json")] + ".png")
        return
    if os.geteuid() != 0:
        sys.exit("needs root (network namespaces)")
    prefixes = frr_lab.prefixes(a.prefixes)
    binaries = [("pktgate", a.pktgate)]
    if a.baseline:
        binaries.append(("baseline", os.path.abspath(a.baseline)))
    # alternating A B A B ...: the machine's load drifts
    runs = [one_run(a, i + 1, prefixes, label, b) for i in range(a.runs)
            for label, b in binaries]
    res = {"date": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
           "machine": machine(), "prefixes": a.prefixes, "interval_s": a.interval,
           "session": a.session,
           "traffic": {"stable_frames": STABLE, "tail_frames": TAIL, "frame_bytes": 64},
           "runs": runs}

    def during(r, phase, key):
        """mean of key over the samples while routes were changing"""
        p = r[phase]
        v = [x[key] for x in p["rates"] if x[key] is not None
             and (p["first_route_s"] or 0) <= x["t"] <= (p["all_routes_s"] or 1e9)]
        return statistics.mean(v) if v else None

    def summarize(runs):
        return {
        "announce_first_route_s": summary(r["announce"]["first_route_s"] for r in runs),
        "announce_all_routes_s": summary(r["announce"]["all_routes_s"] for r in runs),
        "announce_forwarded_s": summary(r["announce"]["forwarded_s"] for r in runs),
        "announce_last_frame_s": summary(r["announce"].get("last_frame_s") for r in runs),
        "withdraw_last_frame_s": summary(r["withdraw"].get("last_frame_s") for r in runs),
        "withdraw_all_routes_s": summary(r["withdraw"]["all_routes_s"] for r in runs),
        "idle_rx_mpps": summary(r["idle_rate"]["rx_mpps"] for r in runs),
        "idle_worker_cpu": summary(r["idle_rate"]["worker_cpu"] for r in runs),
        "idle_rx_mpps_per_cpu": summary(r["idle_rate"]["rx_mpps_per_cpu"] for r in runs),
        "announce_rx_mpps": summary(during(r, "announce", "rx_mpps") for r in runs),
        "announce_worker_cpu": summary(during(r, "announce", "worker_cpu") for r in runs),
        "announce_rx_mpps_per_cpu": summary(during(r, "announce", "rx_mpps_per_cpu")
                                            for r in runs),
        "withdraw_rx_mpps_per_cpu": summary(during(r, "withdraw", "rx_mpps_per_cpu")
                                            for r in runs),
        }

    res["summary"] = {label: summarize([r for r in runs if r["label"] == label])
                      for label, _ in binaries}
    slim(res)
    stem = a.out or "bgp-%d" % a.prefixes
    os.makedirs(a.out_dir, exist_ok=True)
    dump(res, os.path.join(a.out_dir, stem + ".json"))
    try:
        plot(res, os.path.join(a.out_dir, stem + ".png"))
    except ImportError:
        log("no matplotlib (apt-get install python3-matplotlib): no plot")
    for label, summ in res["summary"].items():
        log("%s (%s), %d prefixes, %d runs: median [min .. max]"
            % (label, dict(binaries)[label], a.prefixes, a.runs))
        for k, v in summ.items():
            if v is not None:
                log("  %-28s %8.3f [%.3f .. %.3f]" % (k, v["median"], v["min"], v["max"]))


if __name__ == "__main__":
    main()
