#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Forwarding rate while `pktgate-ctl route load` installs 1M IPv4 routes.

Issue #5: "Loading 1M IPv4 prefixes (`pktgate-ctl route load FILE`) takes
< 10 s and does not stop forwarding; measure the forwarding rate while it
happens." Per run:

  1. pktgate, rtc, one worker (lcore 1 on CPU 1, the control thread on
     CPU 0), as tools/bench/bench.py runs it: net_pcap0 replaying a pcap of
     UDP flows from memory (infinite_rx=1) -> pktgate -> net_null0;
  2. a sampler reads `/ethdev/stats,<net_null0>` over DPDK telemetry every
     --interval s (0.1): the forwarded rate is opackets per sample;
  3. after --before s, `pktgate-ctl route load FILE` of a generated table
     (--routes, 1M) via the configured neighbors; sampling goes on for
     --after s after the reply.

With --control, every run is followed by a control run: the same, but
instead of the load a plain busy loop pinned to CPU 0 (where the control
thread works) for as long as the load took. On a shared machine a busy
CPU 0 pushes other processes onto the worker's CPU; the control run shows
how much of the dip is that rather than the load. With --same-session
pktgate runs in the harness's session, so that with the kernel's
sched_autogroup the busy loop shares pktgate's CPU group as the control
thread does (docs/perf/route-load-under-traffic.md).

Reports the load time (pktgate's own `ms` and the client's wall time), the
rate before / during / after the load (median and min of the samples), the
worker thread's CPU share and the packets per second of worker CPU time in
each phase, and the longest stretch without a forwarded packet. Writes
<out-dir>/<name>.{json,png}. A benchmark: it reports numbers, it never
fails because of a speed. The traffic goes to 198.18.1.0/24 (a configured
/16); the loaded prefixes never cover it, so the rate measures what the load
does to forwarding, not a different lookup.

usage (root, hugepages; the harness pins itself and pktgate-ctl to CPU 0):
  /usr/bin/python3 tools/bench/load_under_traffic.py \\
      --pktgate build-native/app/pktgate/pktgate \\
      --ctl build-native/app/pktgate-ctl/pktgate-ctl --runs 3 --control
"""

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import (NEIGHBORS, SINK_DEV, SRC_DEV, FLOW_PREFIX, HarnessError,  # noqa: E402
                   Input, Telemetry, Variant, log, warn)

# Prefixes longer than /24 each need a DIR-24-8 tbl8 group; the table's
# copies grow at run time when a load needs more than they start with
# (limits: in docs/config.md). The default mix is bench.py's: 5.4 % of the
# routes /25../32 (54 000 of 1M); --long-routes says how many.
DEFAULT_LONG = 54000

# The control run's busy loop (see the module doc).
BUSY = "import time\nt = time.monotonic() + %f\nwhile time.monotonic() < t:\n    pass\n"

PHASES = ("before", "during", "after")


def route_file(path, n, n_long, seed):
    """n distinct prefixes, /8../24 in bench.py's proportions plus n_long
    /25../32, each via one of the configured neighbors; returns the prefix
    length histogram."""
    rng = random.Random(seed)
    short = {k: v for k, v in bench.ROUTE_LEN_WEIGHTS.items() if k <= 24}
    long_ = {k: v for k, v in bench.ROUTE_LEN_WEIGHTS.items() if k > 24}
    seen, hist = set(), {}
    with open(path + ".tmp", "w") as f:
        f.write("# %d random routes (%d longer than /24, seed %d), "
                "tools/bench/load_under_traffic.py\n" % (n, n_long, seed))
        for weights, count in ((short, n - n_long), (long_, n_long)):
            lens = list(weights)
            w = [weights[x] for x in lens]
            made = 0
            while made < count:
                length = rng.choices(lens, w)[0]
                net = bench.random_prefix(rng, length)
                if (net, length) in seen:
                    continue
                seen.add((net, length))
                hist[length] = hist.get(length, 0) + 1
                f.write("%s/%d via %s\n" % (bench.int2ip(net), length, rng.choice(NEIGHBORS)[0]))
                made += 1
    os.replace(path + ".tmp", path)
    return dict(sorted(hist.items()))


def free_tcp_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sampler(threading.Thread):
    """Reads the sink's opackets every interval on its own telemetry
    connection; keeps (monotonic time, opackets)."""

    def __init__(self, sock_path, sink, interval):
        super().__init__(daemon=True)
        self.tel = Telemetry(sock_path)
        self.sink, self.interval = sink, interval
        self.samples, self.error = [], None
        self.stop_ev = threading.Event()

    def run(self):
        nxt = time.monotonic()
        try:
            while not self.stop_ev.is_set():
                t0 = time.monotonic()
                s = self.tel.query("/ethdev/stats,%d" % self.sink)
                t1 = time.monotonic()
                self.samples.append(((t0 + t1) / 2, s["opackets"]))
                nxt += self.interval
                delay = nxt - time.monotonic()
                if delay > 0:
                    self.stop_ev.wait(delay)
                else:
                    nxt = time.monotonic()
        except (OSError, ValueError, KeyError, TypeError, HarnessError) as e:
            self.error = str(e)
        finally:
            self.tel.close()


def rates(samples):
    """Per interval: (start, end, Mpps)."""
    out = []
    for (t0, p0), (t1, p1) in zip(samples, samples[1:]):
        if t1 > t0:
            out.append((t0, t1, (p1 - p0) / (t1 - t0) / 1e6))
    return out


def phase(rs, lo, hi):
    """Intervals that lie in [lo, hi] (those overlapping it when none lies
    inside: a load shorter than one interval)."""
    inside = [r for r in rs if r[0] >= lo and r[1] <= hi]
    if not inside:
        inside = [r for r in rs if r[1] > lo and r[0] < hi]
    v = [r[2] for r in inside]
    if not v:
        return {"samples": 0}
    return {"samples": len(v), "median_mpps": round(statistics.median(v), 3),
            "min_mpps": round(min(v), 3), "max_mpps": round(max(v), 3)}


def longest_zero_gap(rs):
    """Longest run of consecutive intervals without a forwarded packet, s."""
    best = cur = 0.0
    for t0, t1, mpps in rs:
        if mpps == 0:
            cur += t1 - t0
            best = max(best, cur)
        else:
            cur = 0.0
    return best


def packets_between(samples, a, b):
    """Packets the sink counted between times a and b (linear between
    samples)."""
    def cum(t):
        for (t0, p0), (t1, p1) in zip(samples, samples[1:]):
            if t0 <= t <= t1:
                return p0 + (p1 - p0) * (t - t0) / (t1 - t0) if t1 > t0 else p0
        return samples[0][1] if t < samples[0][0] else samples[-1][1]
    return cum(b) - cum(a)


class Snap:
    """Thread run times and per-CPU steal at one moment."""

    def __init__(self, pid):
        self.t = time.monotonic()
        self.sched = bench.thread_sched(pid)
        self.cpus = bench.cpu_times()


def per_phase(samples, a, b):
    """Mean Mpps between two snapshots, the CPU share of each busy thread,
    steal, and Mpps per second the worker thread really ran: on a shared
    machine the last one separates what happens to pktgate from what other
    processes do to its CPU."""
    dt = b.t - a.t
    pkts = packets_between(samples, a.t, b.t)
    shares, worker = {}, 0
    for tid, (comm, run1, _) in b.sched.items():
        if tid not in a.sched:
            continue
        run = run1 - a.sched[tid][1]
        if comm.startswith(("rte-worker", "lcore-worker")):
            worker += run
        if run / (dt * 1e9) >= 0.01:
            shares["%s/%s" % (comm, tid)] = round(run / (dt * 1e9), 3)
    steal = {cpu: round((b.cpus[cpu][0] - a.cpus[cpu][0]) / (b.cpus[cpu][1] - a.cpus[cpu][1]), 3)
             for cpu in b.cpus if cpu in a.cpus and b.cpus[cpu][1] > a.cpus[cpu][1]}
    return {"mean_mpps": round(pkts / dt / 1e6, 3), "thread_cpu_share": shares,
            "worker_cpu_share": round(worker / (dt * 1e9), 3), "cpu_steal": steal,
            "mpps_per_worker_cpu": round(pkts / (worker / 1e9) / 1e6, 3) if worker else None}


def one_run(args, ctx, inp, routes_path, run_no, busy_s=None):
    prefix = "pglut%d-run%d" % (os.getpid(), run_no)
    bench.remove_run_dir(prefix)
    ctl_sock = os.path.join(args.workdir, "ctl-%d.sock" % os.getpid())
    variant = Variant("pktgate", "pktgate", ["-l", "0,1"], 1)
    cfg = bench.pktgate_config(variant, ctx.pool)
    cfg += ("control:\n  socket: %s\n"
            # fpm.max_routes is what makes room for a full table beside
            # the configured routes (docs/config.md, fpm); the listener
            # itself sits idle on a free loopback port.
            "fpm:\n  listen: \"127.0.0.1:%d\"\n  max_routes: %d\n"
            % (ctl_sock, free_tcp_port(), args.routes + 65536))
    cfg_path = os.path.join(args.workdir, "cfg.yaml")
    with open(cfg_path, "w") as f:
        f.write(cfg)
    argv = bench.build_argv(variant, ctx, prefix, inp.path, cfg_path)
    kind = "load" if busy_s is None else "control"
    logpath = os.path.join(args.workdir, "run%d-%s.log" % (run_no, kind))
    sock_path = os.path.join(bench.run_dir(prefix), "dpdk_telemetry.v2")
    res = {"run": run_no, "kind": kind, "argv": argv, "log": logpath}
    with open(logpath, "w") as logf:
        logf.write("# " + " ".join(argv) + "\n")
        logf.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf,
                                stderr=subprocess.STDOUT,
                                start_new_session=not args.same_session)
    tel = sampler = None
    try:
        deadline = time.monotonic() + args.start_timeout
        while tel is None:
            if proc.poll() is not None:
                raise HarnessError("pktgate exited with %s at start; log %s\n%s"
                                   % (proc.returncode, logpath, bench.log_tail(logpath)))
            if time.monotonic() > deadline:
                raise HarnessError("telemetry %s unreachable; log %s" % (sock_path, logpath))
            if os.path.exists(sock_path):
                try:
                    tel = Telemetry(sock_path)
                except OSError:
                    pass
            time.sleep(0.1)
        res["dpdk"] = tel.version
        ids = {}
        while SINK_DEV not in ids or SRC_DEV not in ids:
            if time.monotonic() > deadline:
                raise HarnessError("ports not in telemetry; log %s" % logpath)
            ids = bench.port_ids(tel)
            time.sleep(0.1)
        while (tel.query("/ethdev/stats,%d" % ids[SINK_DEV]) or {}).get("opackets", 0) == 0:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise HarnessError("no traffic reached %s; log %s" % (SINK_DEV, logpath))
            time.sleep(0.1)
        time.sleep(args.warmup)
        stats_before = tel.query("/pktgate/stats") or {}
        sampler = Sampler(sock_path, ids[SINK_DEV], args.interval)
        snaps = [Snap(proc.pid)]
        sampler.start()
        time.sleep(args.before)
        if busy_s is None:
            cmd = [args.ctl, "-s", ctl_sock, "--json", "-t", "300", "route", "load",
                   routes_path]
        else:
            cmd = [bench.PYTHON, "-c", BUSY % busy_s]
        res["load_argv"] = cmd
        snaps.append(Snap(proc.pid))
        r = subprocess.run(cmd, capture_output=True, text=True)
        snaps.append(Snap(proc.pid))
        if r.returncode != 0:
            raise HarnessError("%s failed (exit %d): %s%s" % (
                " ".join(cmd[-3:]), r.returncode, r.stdout.strip(), r.stderr.strip()))
        reply = json.loads(r.stdout) if busy_s is None else {"busy_s": busy_s}
        time.sleep(args.after)
        snaps.append(Snap(proc.pid))
        sampler.stop_ev.set()
        sampler.join(5)
        if sampler.error:
            raise HarnessError("sampler: %s" % sampler.error)
        if proc.poll() is not None:
            raise HarnessError("pktgate exited with %s during the run; log %s"
                               % (proc.returncode, logpath))
        after = tel.query("/pktgate/stats") or {}
        routes_now = tel.query("/pktgate/routes") or {}
    finally:
        if sampler is not None:
            sampler.stop_ev.set()
        if tel is not None:
            tel.close()
        rc, how = bench.stop_process(proc)
        res["exit_code"], res["stopped_by"] = rc, how
        bench.remove_run_dir(prefix)
    rs = rates(sampler.samples)
    t_load0, t_load1 = snaps[1].t, snaps[2].t
    res.update({
        "load_reply": reply,
        "load_ms_pktgate": reply.get("ms"),
        "load_s_client": round(t_load1 - t_load0, 3),
        "routes_in_table": routes_now.get("count"),
        "tsc_hz": bench.parse_tsc(logpath),
        "before": phase(rs, rs[0][0] if rs else 0, t_load0),
        "during": phase(rs, t_load0, t_load1),
        "after": phase(rs, t_load1, float("inf")),
        "longest_zero_gap_s": round(longest_zero_gap(rs), 3),
        "per_phase": {p: per_phase(sampler.samples, snaps[i], snaps[i + 1])
                      for i, p in enumerate(PHASES)},
        "pktgate_delta": {k: after[k] - stats_before.get(k, 0) for k in after
                          if isinstance(after[k], int) and after[k] != stats_before.get(k, 0)},
        # time relative to the start of the load, Mpps per interval
        "series": [[round((a + b) / 2 - t_load0, 3), round(m, 3)] for a, b, m in rs],
    })
    return res


def plot(result, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        warn("matplotlib missing (apt-get install python3-matplotlib): no plot")
        return False
    kinds = [k for k in ("load", "control") if any(r["kind"] == k for r in result["runs"])]
    fig, axes = plt.subplots(len(kinds), 1, figsize=(10, 4.2 * len(kinds)), sharex=True,
                             sharey=True, squeeze=False)
    for ax, kind in zip(axes[:, 0], kinds):
        for r in (x for x in result["runs"] if x["kind"] == kind):
            xs = [p[0] for p in r["series"]]
            ys = [p[1] for p in r["series"]]
            what = "load" if kind == "load" else "CPU 0 busy"
            line, = ax.plot(xs, ys, lw=1, label="run %d: %s %.1f s" % (
                r["run"], what, r["load_s_client"]))
            ax.axvspan(0, r["load_s_client"], color=line.get_color(), alpha=0.12)
        ax.set_ylabel("forwarded Mpps per %.0f ms" % (result["settings"]["interval_s"] * 1e3))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title("route load of %d routes" % result["settings"]["routes"] if kind == "load"
                     else "control: no load, a busy loop pinned to CPU 0 as long as the load took",
                     fontsize=9)
    axes[-1, 0].set_xlabel("seconds since the load (or the busy loop) started; shaded: until "
                           "it ended")
    m = result["machine"]
    fig.suptitle("pktgate %s, 1 worker, %d-flow %d B traffic; %s, %d CPUs (shared), "
                 "DPDK %s" % (result["pktgate"]["commit"], result["settings"]["flows"],
                              result["settings"]["size"], m["cpu_model"], m["cpus"],
                              result["dpdk"]), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def summary(runs):
    def stat(v):
        v = [x for x in v if x is not None]
        return {"median": round(statistics.median(v), 3), "min": round(min(v), 3),
                "max": round(max(v), 3)} if v else None
    out = {"runs": len(runs),
           "load_s_client": stat([r["load_s_client"] for r in runs]),
           "load_ms_pktgate": stat([r["load_ms_pktgate"] for r in runs]),
           "longest_zero_gap_s": stat([r["longest_zero_gap_s"] for r in runs])}
    for p in PHASES:
        out[p] = {"median_mpps": stat([r[p].get("median_mpps") for r in runs]),
                  "min_mpps": stat([r[p].get("min_mpps") for r in runs])}
        for k in ("worker_cpu_share", "mpps_per_worker_cpu"):
            out[p][k] = stat([r["per_phase"][p][k] for r in runs])
    return out


def report(r):
    pp = r["per_phase"]
    log("run %d %s: %.2f s (pktgate %s ms), %s routes; Mpps median/min before %s/%s "
        "during %s/%s after %s/%s; longest zero gap %.2f s" % (
            r["run"], r["kind"], r["load_s_client"], r["load_ms_pktgate"],
            r["routes_in_table"],
            r["before"].get("median_mpps"), r["before"].get("min_mpps"),
            r["during"].get("median_mpps"), r["during"].get("min_mpps"),
            r["after"].get("median_mpps"), r["after"].get("min_mpps"),
            r["longest_zero_gap_s"]))
    log("    worker CPU share before/during/after %s; Mpps per worker CPU-second %s" % (
        "/".join(str(pp[p]["worker_cpu_share"]) for p in PHASES),
        "/".join(str(pp[p]["mpps_per_worker_cpu"]) for p in PHASES)))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pktgate", default=os.path.join(bench.REPO, "build/app/pktgate/pktgate"))
    ap.add_argument("--ctl", default=os.path.join(bench.REPO, "build/app/pktgate-ctl/pktgate-ctl"))
    ap.add_argument("--routes", type=int, default=1000000)
    ap.add_argument("--long-routes", type=int, default=DEFAULT_LONG,
                    help="how many of them are /25../32 (default %d)" % DEFAULT_LONG)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--control", action="store_true",
                    help="after each run, a control run with CPU 0 busy instead of the load")
    ap.add_argument("--same-session", action="store_true",
                    help="run pktgate in the harness's session (and so, with the kernel's "
                         "sched_autogroup, in the same CPU group as the control busy loop)")
    ap.add_argument("--flows", type=int, default=256)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--before", type=float, default=3.0)
    ap.add_argument("--after", type=float, default=5.0)
    ap.add_argument("--start-timeout", type=float, default=60.0)
    ap.add_argument("--memory", choices=("auto", "huge", "no-huge"), default="auto")
    ap.add_argument("--workdir", default="/tmp/pktgate-lut")
    ap.add_argument("--out-dir", default=os.path.join(bench.REPO, "docs", "perf"))
    ap.add_argument("--name", default="route-load-under-traffic")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    os.makedirs(args.out_dir, exist_ok=True)
    # The harness, pktgate-ctl and the control busy loop on CPU 0 with the
    # control thread: CPU 1 belongs to the worker.
    try:
        os.sched_setaffinity(0, {0})
    except OSError as e:
        warn("cannot pin to CPU 0: %s" % e)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    class Ctx:
        pass
    ctx = Ctx()
    ctx.args = args
    ctx.mem_args, mem_desc = bench.choose_memory(args.memory)
    ctx.pool = bench.pool_plan(args.flows)
    inp = Input(args.flows, args.size, [FLOW_PREFIX],
                "%d UDP flows to %s" % (args.flows, FLOW_PREFIX))
    inp.make(args.workdir)
    routes_path = os.path.join(args.workdir, "routes%d-long%d-seed%d.txt"
                               % (args.routes, args.long_routes, args.seed))
    t = time.monotonic()
    hist = route_file(routes_path, args.routes, args.long_routes, args.seed)
    log("routes: %s (%d, written in %.1f s)" % (routes_path, args.routes, time.monotonic() - t))
    log("memory: %s" % mem_desc)
    result = {"machine": bench.machine_info(), "dpdk": bench.dpdk_version(),
              "pktgate": bench.pktgate_info(args.pktgate),
              "settings": {"routes": args.routes, "long_routes": args.long_routes,
                           "prefix_lengths": hist, "seed": args.seed, "flows": args.flows,
                           "size": args.size, "interval_s": args.interval,
                           "warmup_s": args.warmup, "before_s": args.before,
                           "after_s": args.after, "memory": mem_desc, "control": args.control,
                           "same_session": args.same_session,
                           "sched_autogroup": bench.read_file(
                               "/proc/sys/kernel/sched_autogroup_enabled").strip(),
                           "layout": "pktgate -l 0,1, workers: {lcores: [1]} (worker on CPU 1, "
                                     "control thread on CPU 0); harness, pktgate-ctl and the "
                                     "control busy loop pinned to CPU 0",
                           "input": inp.record()},
              "runs": []}
    failures = []
    for i in range(1, args.runs + 1):
        plan = [None]
        for busy in plan:
            try:
                r = one_run(args, ctx, inp, routes_path, i, busy)
            except HarnessError as e:
                warn("run %d: %s" % (i, e))
                failures.append(str(e))
                continue
            result["runs"].append(r)
            report(r)
            if busy is None and args.control:
                plan.append(r["load_s_client"])
    result["summary"] = {k: summary([r for r in result["runs"] if r["kind"] == k])
                         for k in ("load", "control")
                         if any(r["kind"] == k for r in result["runs"])}
    log(json.dumps(result["summary"], indent=1))
    result["failures"] = failures
    with open(os.path.join(args.out_dir, args.name + ".json"), "w") as f:
        json.dump(result, f, indent=1)
    if result["runs"]:
        plot(result, os.path.join(args.out_dir, args.name + ".png"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
