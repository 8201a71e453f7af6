#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cycles per packet by stage: pktgate built with -Dstage_cycles=true on
bench.py's topology (net_pcap infinite_rx -> pktgate rtc, one worker on
CPU 1 -> net_null), /pktgate/stages read at both ends of a window.

    tools/bench/stages.py --pktgate build-stages/app/pktgate/pktgate \\
        --flows 256 [--routes 1000000] [--runs 3] [--json out.json]
    tools/bench/stages.py --pktgate build/app/pktgate/pktgate --flows 256 \\
        --perf perf.data        # perf record -e cpu-clock of the worker CPU

Prints per run the table (cycles per packet of each stage, its share), the
forwarding rate (net_null opackets) and, over runs, the median per stage.
The TSC runs on while the worker is preempted: on a shared machine every
stage is inflated by the time others had its CPU (schedstat gives the
share; "on-CPU" columns scale by it). With --perf the window is recorded by `perf record -e cpu-clock -C 1`
(timer sampling: works in VMs without a PMU); a binary without the stage
counters gives the rate and the profile only. Needs root (hugepages,
/var/run/dpdk). Reports numbers; never fails because of a speed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def stage_rows(st):
    """{stage: (cycles, packets, calls)} of a /pktgate/stages reply."""
    return {n: (st["cycles"][i], st["packets"][i], st["calls"][i])
            for i, n in enumerate(st["stage"])}


def window_table(s0, s1):
    """Cycles per packet of each stage between two replies, over the
    packets received in the window (the 'total' row's packets)."""
    a, b = stage_rows(s0), stage_rows(s1)
    pkts = b["total"][1] - a["total"][1]
    out = {}
    for name in b:
        cyc = b[name][0] - a[name][0]
        out[name] = {"cycles_per_packet": cyc / pkts if pkts else 0.0,
                     "packets": b[name][1] - a[name][1], "calls": b[name][2] - a[name][2]}
    return pkts, out


def lcore_ns(pid):
    """lcore id -> ns its worker thread has run on a CPU so far."""
    out = {}
    for comm, ns, _ in bench.thread_sched(pid).values():
        if comm.startswith(("rte-worker-", "lcore-worker-")):
            out[int(comm.rsplit("-", 1)[1])] = ns
    return out


def pipeline_variant():
    return bench.Variant("pktgate-pipeline", "pktgate", ["--lcores", "0@0,1@0,2@1"], 2,
                         mode="pipeline", pg_lcores=[1, 2],
                         note="bench.py's pipeline layout: RX lcore 1 shares CPU 0 with the "
                              "control thread, forwarding lcore 2 on CPU 1")


def run_once(args, ctx, point, perf_out):
    variant = pipeline_variant() if args.pipeline else bench.pktgate_rtc1()
    prefix = "pgstages%d" % os.getpid()
    bench.remove_run_dir(prefix)
    tmp = tempfile.mkdtemp(prefix="pg-stages-")
    cfg = os.path.join(tmp, "c.yaml")
    with open(cfg, "w") as f:
        f.write(bench.pktgate_config(variant, ctx.pool, point.get("routes_yaml")))
    argv = bench.build_argv(variant, ctx, prefix, point["input"].path, cfg)
    log = open(os.path.join(tmp, "log"), "w+")
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    sock = os.path.join(bench.run_dir(prefix), "dpdk_telemetry.v2")
    tel = None
    try:
        deadline = time.monotonic() + 60 + point.get("start_timeout", 0)
        while tel is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise bench.HarnessError("pktgate did not start: %s" % bench.log_tail(log.name))
            if os.path.exists(sock):
                try:
                    tel = bench.Telemetry(sock)
                except OSError:
                    pass
            time.sleep(0.2)
        while True:
            ids = bench.port_ids(tel)
            st = tel.query("/ethdev/stats,%d" % ids[bench.SINK_DEV]) if bench.SINK_DEV in ids \
                else None
            if st and st.get("opackets", 0) > 0:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise bench.HarnessError("no traffic: %s" % bench.log_tail(log.name))
            time.sleep(0.2)
        time.sleep(args.warmup)
        sink = ids[bench.SINK_DEV]
        c0 = lcore_ns(proc.pid)
        t0, o0, s0 = time.monotonic(), tel.query("/ethdev/stats,%d" % sink)["opackets"], \
            tel.query("/pktgate/stages")
        l0 = {lc: tel.query("/pktgate/stages,%d" % lc) for lc in variant.pg_lcores}
        if perf_out:
            subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "9999",
                            "-p", str(proc.pid), "-o", perf_out, "--", "sleep",
                            str(args.seconds)], check=True)
        else:
            time.sleep(args.seconds)
        t1, o1, s1 = time.monotonic(), tel.query("/ethdev/stats,%d" % sink)["opackets"], \
            tel.query("/pktgate/stages")
        l1 = {lc: tel.query("/pktgate/stages,%d" % lc) for lc in variant.pg_lcores}
        c1 = lcore_ns(proc.pid)
    finally:
        if tel is not None:
            tel.close()
        bench.stop_process(proc)
        bench.remove_run_dir(prefix)
    share = {lc: (c1.get(lc, 0) - c0.get(lc, 0)) / ((t1 - t0) * 1e9)
             for lc in variant.pg_lcores}
    res = {"mpps": (o1 - o0) / (t1 - t0) / 1e6, "tsc_hz": bench.parse_tsc(log.name),
           "worker_cpu_share": min(share.values())}
    if s0 and s0.get("enabled"):
        res["packets"], res["stages"] = window_table(s0, s1)
        if args.pipeline:
            # Each lcore over its own packets (RX lcore: received; forwarding
            # lcore: dequeued), scaled by its own CPU share.
            res["lcores"] = {}
            for lc in variant.pg_lcores:
                n, tab = window_table(l0[lc], l1[lc])
                res["lcores"][lc] = {"role": l1[lc]["role"], "cpu_share": share[lc],
                                     "packets": n, "stages": tab}
    return res


def print_run(point, n, res):
    # The TSC runs on while another thread has the worker's CPU: with a
    # share below 1 every stage is inflated by that time, where it fell.
    print("%s run %d: %.2f Mpps, TSC %.2f GHz, worker had %.0f %% of its CPU%s"
          % (point["label"], n, res["mpps"], (res["tsc_hz"] or 0) / 1e9,
             100 * res["worker_cpu_share"],
             "" if res["worker_cpu_share"] >= bench.CONTENDED else " (CONTENDED)"))
    if "stages" not in res:
        print("  (binary without -Dstage_cycles=true: no stage table)")
        return
    for lc, v in res.get("lcores", {}).items():
        print("  lcore %d (%s), %.0f %% of its CPU, per packet it handled (on-CPU):"
              % (lc, v["role"], 100 * v["cpu_share"]))
        for name, x in v["stages"].items():
            if x["calls"]:
                print("    %-13s %8.2f" % (name, x["cycles_per_packet"] * v["cpu_share"]))
    total = res["stages"]["total"]["cycles_per_packet"]
    for name, v in res["stages"].items():
        if v["calls"] or name == "total":
            print("  %-13s %8.2f cycles/packet %5.1f %%  on-CPU %7.2f  packets %d calls %d"
                  % (name, v["cycles_per_packet"], 100 * v["cycles_per_packet"] / total
                     if total else 0, v["cycles_per_packet"] * res["worker_cpu_share"],
                     v["packets"], v["calls"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pktgate", required=True)
    ap.add_argument("--flows", type=int, default=256)
    ap.add_argument("--routes", type=int, default=0,
                    help="random routes as bench.py --sweep routes (0: one /16)")
    ap.add_argument("--route-flows", type=int, default=1024)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--memory", choices=["auto", "huge", "no-huge"], default="auto")
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "pktgate-bench"))
    ap.add_argument("--perf", help="perf.data path: record the worker CPU in the window")
    ap.add_argument("--pipeline", action="store_true",
                    help="bench.py's pipeline layout (RX lcore + one forwarding lcore)")
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    if args.routes:
        rs = bench.RouteSet(args.routes, args.seed, args.route_flows, args.workdir)
        inp = bench.Input(args.route_flows, args.size, ["%s/32" % d for d in rs.destinations],
                          "%d flows over %d random routes" % (args.route_flows, args.routes))
        point = {"label": "%d routes" % args.routes, "input": inp,
                 "routes_yaml": rs.routes_yaml(), "start_timeout": 600.0 * args.routes / 1e6}
    else:
        inp = bench.Input(args.flows, args.size, [bench.FLOW_PREFIX], "%d flows" % args.flows)
        point = {"label": "%d flows" % args.flows, "input": inp}
    inp.make(args.workdir)
    mem, mem_desc = bench.choose_memory(args.memory)
    ctx = types.SimpleNamespace(args=types.SimpleNamespace(pktgate=args.pktgate),
                                mem_args=mem, pool=bench.pool_plan(inp.flows))
    print("pktgate %s, %s, memory: %s" % (args.pktgate, point["label"], mem_desc))
    runs = []
    for n in range(args.runs):
        perf = None
        if args.perf:
            perf = args.perf if args.runs == 1 else "%s.%d" % (args.perf, n)
        res = run_once(args, ctx, point, perf)
        print_run(point, n, res)
        runs.append(res)
    summary = {"point": point["label"], "mpps_median": statistics.median(r["mpps"] for r in runs),
               "mpps": [round(r["mpps"], 3) for r in runs],
               "worker_cpu_share": [round(r["worker_cpu_share"], 3) for r in runs]}
    if all("stages" in r for r in runs):
        summary["cycles_per_packet_median"] = {
            name: round(statistics.median(r["stages"][name]["cycles_per_packet"] for r in runs), 2)
            for name in runs[0]["stages"]}
        # Scaled by the share of the window the worker was on its CPU: an
        # estimate of the cycles a packet costs a core of its own, valid
        # when preemptions fall on the stages in proportion to their time.
        summary["cycles_per_packet_on_cpu_median"] = {
            name: round(statistics.median(r["stages"][name]["cycles_per_packet"] *
                                          r["worker_cpu_share"] for r in runs), 2)
            for name in runs[0]["stages"]}
    print(json.dumps(summary, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": summary, "runs": runs, "machine": bench.machine_info()}, f,
                      indent=1)


if __name__ == "__main__":
    main()
