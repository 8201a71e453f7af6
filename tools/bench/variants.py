#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Compare builds of pktgate (build-time knobs, docs/decisions/0009) with
the harness, in alternation: round r runs bench.py once per variant
(A B C A B C ...), each invocation one pktgate run and one testpmd-io run
on the same input, so every pktgate rate has a ceiling measured a few
seconds from it. Prints per variant the median, min and max of pktgate's
Mpps and of pktgate/testpmd-io over the rounds, raw and per CPU-second of
the poller (rate / the CPU share bench.py measured: on a shared machine a
poller may get a fraction of its CPU).

    variants.py [--rounds N] [--flows F] [--routes R] [--out DIR] \\
        NAME=PATH/TO/pktgate NAME=PATH ...

--routes R runs bench.py's routes sweep at one point (R random routes,
1024 flows over them) instead of the flows sweep at F flows. Needs root,
like bench.py; writes each invocation's JSON under --out (default
/tmp/pktgate-variants) and a summary JSON there.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def one(name, binary, args, rnd):
    out = os.path.join(args.out, "%s-r%d" % (name, rnd))
    sweep = ["--sweep", "routes", "--points", str(args.routes)] if args.routes else \
        ["--sweep", "flows", "--points", str(args.flows)]
    cmd = ["/usr/bin/python3", os.path.join(HERE, "bench.py"), "--pktgate", binary,
           "--runs", "1", "--seconds", str(args.seconds), "--warmup", str(args.warmup),
           "--out-dir", out] + sweep
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    name_json = [f for f in os.listdir(out) if f.endswith(".json")] if os.path.isdir(out) else []
    if not name_json:
        print("%s round %d: no result (see %s)" % (name, rnd, out), file=sys.stderr)
        return None
    with open(os.path.join(out, name_json[0])) as f:
        point = json.load(f)["points"][0]
    res = point["results"]
    pg = res.get("pktgate", {}).get("median_mpps")
    tp = res.get("testpmd-io", {}).get("median_mpps")
    if not pg or not tp:
        return None
    # Per CPU-second of the poller: on a shared machine the poller may get
    # a fraction of its CPU (bench.py measures the share of every run).
    share = [res[k]["runs"][0].get("poller_cpu_share_min") or 1.0 for k in ("pktgate", "testpmd-io")]
    pgn, tpn = pg / share[0], tp / share[1]
    print("%s round %d: pktgate %.2f Mpps (%.0f %% CPU), testpmd-io %.2f (%.0f %%), "
          "ratio %.3f, per CPU-second %.3f" % (name, rnd, pg, 100 * share[0], tp, 100 * share[1],
                                               pg / tp, pgn / tpn), flush=True)
    return pg, pg / tp, pgn, pgn / tpn


def stats(xs):
    return {"median": round(statistics.median(xs), 3), "min": round(min(xs), 3),
            "max": round(max(xs), 3), "n": len(xs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("variants", nargs="+", help="NAME=path/to/pktgate")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flows", type=int, default=256)
    ap.add_argument("--routes", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--warmup", type=float, default=1)
    ap.add_argument("--out", default="/tmp/pktgate-variants")
    args = ap.parse_args()
    variants = [v.split("=", 1) for v in args.variants]
    got = {name: [] for name, _ in variants}
    for rnd in range(args.rounds):
        for name, binary in variants:
            r = one(name, binary, args, rnd)
            if r is not None:
                got[name].append(r)
    summary = {}
    print("%-8s %22s %22s %22s %22s" % ("variant", "pktgate Mpps", "/testpmd-io",
                                        "Mpps per CPU-s", "/testpmd-io per CPU-s"))
    for name, _ in variants:
        if not got[name]:
            continue
        cols = [stats([x[k] for x in got[name]]) for k in range(4)]
        summary[name] = dict(zip(("mpps", "ratio_testpmd_io", "mpps_per_cpu",
                                  "ratio_testpmd_io_per_cpu"), cols))
        print("%-8s" % name + "".join(" %7.3f (%.3f..%.3f)" % (c["median"], c["min"], c["max"])
                                      for c in cols))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"args": vars(args), "variants": summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
