#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""How fast a zebra replay goes into pktgate's table over FPM: starts
pktgate (net_pcap/--no-huge, as tests/pkt/test_fpm.py), sends one next-hop
object and N routes using it, one frame per route as zebra 8.4 does, then
reconnects and replays them all again (the resync path), and prints the
times until /pktgate/fpm has taken them. Reports numbers only.

usage: tools/fpm_replay.py PKTGATE [N=100000]
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pkt"))
import pgtest  # noqa: E402
import test_fpm as t  # noqa: E402


def routes(n):
    return [t.frame(t.route(t.RTM_NEWROUTE, "%d.%d.%d.0/24" % (
        20 + i // 65536, (i // 256) % 256, i % 256), nh_id=7)) for i in range(n)]


def replay(r, frames, n_before, key="routes_added"):
    z = t.Zebra(r.port)
    t0 = time.time()
    z.send(t.frame(t.nexthop(7, pgtest.GW_IP, 5)) + b"".join(frames))
    sent = time.time() - t0
    ok = pgtest.wait_until(lambda: r.q("/pktgate/fpm")[key] >= n_before + len(frames),
                           timeout=600)
    took = time.time() - t0
    return z, sent, took, ok


def main():
    pgtest.set_pktgate(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    frames = routes(n)
    r = t.Running()
    try:
        z, sent, took, ok = replay(r, frames, 0)
        print("first replay: %d routes, %d bytes, sent in %.2f s, in the table after "
              "%.2f s (%.0f routes/s)%s" % (n, sum(map(len, frames)), sent, took, n / took,
                                            "" if ok else " TIMEOUT"))
        z.close()
        z, sent, took, ok = replay(r, frames, n)
        print("reconnect + full replay: %d routes in %.2f s (%.0f routes/s)%s" % (
            n, took, n / took, "" if ok else " TIMEOUT"))
        z.close()
        print("table: %d routes" % r.q("/pktgate/routes")["count"])
    finally:
        r.close()


if __name__ == "__main__":
    main()
