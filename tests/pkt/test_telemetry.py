#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Telemetry under traffic: pktgate replays a pcap forever (net_pcap
infinite_rx=1) into a net_null sink while a raw SOCK_SEQPACKET client asks
every /pktgate/* command, with and without parameters, and checks real
values. Then SIGINT: exit 0 and a summary that adds up.

usage: test_telemetry.py PKTGATE [case-name-substring...]
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (DROP_REASONS, GW_IP, GW_MAC, ICMP_COUNTERS, ICMP_SENT, HOST_IP, HOST_MAC,  # noqa: E402
                    LAN_MAC, WAN_MAC, Running, base_config, case, main, parse_summary,
                    replay_mix, wait_until)

EXTRA_ROUTES = 300     # more than two pages of /pktgate/routes


def config():
    routes = [("203.0.113.0/24", "via", GW_IP), ("10.9.0.0/16", "port", "lan")]
    routes += [("10.200.%d.%d/30" % (i // 64, (i % 64) * 4), "via", GW_IP)
               for i in range(EXTRA_ROUTES)]
    return base_config(routes=routes, wan_dev="net_null0")


def traffic():
    """Per replay round: 2 forwarded, 1 echo answered, 1 no_route."""
    return replay_mix(fwd_dsts=("203.0.113.5", "10.200.1.1"), payloads=(50, 50, 20, 50))


def running(extra_args=()):
    return Running(config(), traffic(), extra_args, tag="pgtel")


@case
def telemetry_every_command():
    r = running()
    try:
        # --- /pktgate/stats: counters move, keys complete, ratios right
        assert wait_until(lambda: (lambda s: s["rx"] > 10000 and all(
            s[k] > 0 for k in ("tx", "forwarded", "local", "no_route")))(
            r.q("/pktgate/stats"))), "no traffic"
        s1 = r.q("/pktgate/stats")
        time.sleep(0.3)
        s2 = wait_until(lambda: (lambda s: s if s["no_route"] > s1["no_route"] and
                                 s["local"] > s1["local"] else None)(r.q("/pktgate/stats")))
        assert s2, "counters did not increase"
        # mbufs held by rings, caches and buffers: bounded by the pool
        assert 0 < s2["mbufs_in_use"] < 1 << 20, s2
        for k in (["rx", "tx", "forwarded", "local", "ip_options", "drops"] + DROP_REASONS
                  + ["icmp_" + c for c in ICMP_COUNTERS]):
            assert k in s1, "/pktgate/stats lacks %s: %s" % (k, sorted(s1))
            assert isinstance(s1[k], int)
        for k in ("rx", "tx", "forwarded", "local", "drops", "no_route"):
            assert s2[k] > s1[k] > 0, "%s did not increase: %d -> %d" % (k, s1[k], s2[k])
        # In pipeline mode the RX lcore outruns forwarding lcores that share
        # its CPU here: full rings drop (counted), the rest keeps the mix.
        overload = {"ring_full"} if pgtest.TOPOLOGY_NAME == "pipeline" else set()
        for k in DROP_REASONS:
            if k != "no_route" and k not in overload:
                assert s2[k] == 0, "%s = %d, expected 0" % (k, s2[k])
        # one quarter each: answered, no_route; one half forwarded (full
        # rings drop by flow, not evenly by kind: no shares under overload)
        rx = s2["rx"]
        for k, share in (("forwarded", 0.5), ("local", 0.25), ("no_route", 0.25)):
            if not overload:
                assert abs(s2[k] / rx - share) < 0.02, "%s share %.3f" % (k, s2[k] / rx)
        assert s2["ip_options"] == 0

        # --- /pktgate/lcores: the table, then one lcore, then errors
        lc = r.q("/pktgate/lcores")
        for col in ("lcore", "role", "rx", "tx", "forwarded", "drops", "busy_pct"):
            assert col in lc, "lcores lacks column %s: %s" % (col, lc)
        workers = pgtest.TOPOLOGY["lcores"]
        assert lc["lcore"] == [0] + workers, lc
        assert lc["role"][0] == "control" and all(x for x in lc["role"][1:]), lc
        assert sum(lc["rx"][1:]) > 0 and lc["rx"][0] == 0, lc
        assert 0 <= max(lc["busy_pct"]) <= 100, lc
        pipeline = pgtest.TOPOLOGY_NAME == "pipeline"
        if pipeline:
            assert lc["role"][1:] == ["rx", "fwd", "fwd"], lc
            assert sum(lc["rx"][2:]) == 0 and sum(lc["forwarded"][2:]) > 0, lc
        one = r.q("/pktgate/lcores,%d" % workers[0])
        assert one["lcore"] == workers[0] and one["rx"] > 0, one
        for k in DROP_REASONS:
            assert k in one, "lcore dict lacks %s" % k
        # drops by reason are counted where the stages run
        fwd_ones = [r.q("/pktgate/lcores,%d" % w) for w in
                    (workers[1:] if pipeline else workers[:1])]
        assert sum(x["no_route"] for x in fwd_ones) > 0, fwd_ones
        # (the worker shares the 2 CPUs with this client: give it time)
        assert wait_until(lambda: r.q("/pktgate/lcores,%d" % workers[0])["rx"] > one["rx"]), \
            "lcore rx did not increase"
        # raw loop time next to the since-start percentage
        assert 0 < one["busy_tsc"] <= one["total_tsc"], one

        # --- /pktgate/info: what tools need to read the rest
        info = r.q("/pktgate/info")
        assert info["drop_reasons"] == DROP_REASONS, info
        assert info["mode"] == ("pipeline" if pipeline else "rtc"), info
        assert info["workers"] == len(workers) and info["ports"] == 2, info
        assert info["main_lcore"] == 0 and info["tsc_hz"] > 0, info
        assert info["dpdk_version"].startswith("DPDK ") and info["version"], info
        ctl = r.q("/pktgate/lcores,0")
        assert ctl["role"] == "control", ctl
        for bad in ("/pktgate/lcores,99", "/pktgate/lcores,abc", "/pktgate/lcores,1x"):
            assert r.q(bad) is None, "%s: expected an error reply" % bad

        # --- /pktgate/ports
        pt = r.q("/pktgate/ports")
        for col in ("name", "device", "mac", "ipv4", "rx_queues", "tx_queues", "rx",
                    "tx", "rx_drops", "tx_drops"):
            assert col in pt, "ports lacks column %s" % col
        assert pt["name"] == ["lan", "wan"], pt
        assert pt["device"] == ["net_pcap0", "net_null0"], pt
        assert [m.lower() for m in pt["mac"]] == [LAN_MAC, WAN_MAC], pt
        assert pt["ipv4"] == ["192.0.2.1/24", "198.51.100.1/24"], pt
        q = pgtest.TOPOLOGY["queues"]
        rq = pgtest.TOPOLOGY.get("rx_queues", q)
        assert pt["rx_queues"] == [rq, rq] and pt["tx_queues"] == [q, q], pt
        assert pt["rx"][0] > 0 and pt["rx"][1] == 0, pt
        assert pt["tx"][0] > 0 and pt["tx"][1] > 0, pt          # echo replies, forwards
        assert pt["rx_drops"][0] > 0 and pt["tx_drops"] == [0, 0], pt
        lan = r.q("/pktgate/ports,lan")
        assert lan["name"] == "lan" and lan["device"] == "net_pcap0", lan
        assert lan["hw_ipackets"] > 0 and lan["rx"] > 0, lan
        for k in ("hw_opackets", "hw_imissed", "hw_ierrors", "hw_oerrors", "hw_rx_nombuf"):
            assert k in lan, "port dict lacks %s" % k
        wan = r.q("/pktgate/ports,1")
        assert wan["name"] == "wan" and wan["mac"].lower() == WAN_MAC, wan
        assert wan["hw_opackets"] > 0 and wan["tx"] > 0, wan
        wan0 = r.q("/pktgate/ports,wan")
        assert wan0["name"] == "wan"
        for bad in ("/pktgate/ports,dmz", "/pktgate/ports,2", "/pktgate/ports,-1"):
            assert r.q(bad) is None, "%s: expected an error reply" % bad

        # --- /pktgate/rings: one per (RX lcore, forwarding lcore) in pipeline mode
        rg = r.q("/pktgate/rings")
        for col in ("name", "producer_lcore", "consumer_lcore", "size", "enqueued",
                    "dequeued", "dropped_full", "count", "peak"):
            assert col in rg, "rings lacks column %s: %s" % (col, rg)
        if pipeline:
            assert rg["mode"] == "pipeline" and rg["n_rings"] == 2, rg
            assert rg["producer_lcore"] == [1, 1] and rg["consumer_lcore"] == [2, 3], rg
            assert rg["size"] == [4096, 4096], rg
            assert all(e > 0 for e in rg["enqueued"]), rg
            assert all(dq <= e for dq, e in zip(rg["dequeued"], rg["enqueued"])), rg
            assert all(0 <= c <= p <= 4096 for c, p in zip(rg["count"], rg["peak"])), rg
            assert sum(rg["dropped_full"]) <= r.q("/pktgate/stats")["ring_full"], rg
        else:
            assert rg["mode"] == "rtc" and rg["n_rings"] == 0 and rg["name"] == [], rg

        # --- /pktgate/routes: count and pages
        n = 3 * 2 + 2 + 2 + EXTRA_ROUTES   # local, connected, bcast; neighbors; static
        rt = r.q("/pktgate/routes")
        assert rt["count"] == n, "route count %s, expected %d" % (rt["count"], n)
        assert rt["offset"] == 0 and rt["page_size"] > 0, rt
        size = rt["page_size"]
        assert len(rt["routes"]) == min(size, n), rt
        allr = []
        off = 0
        while off < n:
            page = r.q("/pktgate/routes,%d" % off)
            assert page["offset"] == off and page["count"] == n
            assert len(page["routes"]) == min(size, n - off), (off, len(page["routes"]))
            allr += page["routes"]
            off += size
        assert len(set(allr)) == n, "pages overlap or repeat"
        for want in ("203.0.113.0/24 via 198.51.100.2 port wan static",
                     "10.200.0.0/30 via 198.51.100.2 port wan static",
                     "198.51.100.2/32 via 198.51.100.2 port wan neighbor",
                     "192.0.2.10/32 via 192.0.2.10 port lan neighbor"):
            assert want in allr, "routes lack %r" % want
        assert any(x.startswith("10.9.0.0/16 ") and "lan" in x for x in allr), allr
        assert any(x.startswith("192.0.2.1/32 ") and "local" in x for x in allr), allr
        assert any(x.startswith("192.0.2.0/24 ") and "connected" in x for x in allr), allr
        past = r.q("/pktgate/routes,%d" % (n + 5))
        assert past is not None and past["count"] == n and not past.get("routes"), past
        assert r.q("/pktgate/routes,abc") is None

        # --- /pktgate/neighbors
        nb = r.q("/pktgate/neighbors")
        assert nb["count"] == 2 and nb["offset"] == 0, nb
        assert nb["ip"] == [HOST_IP, GW_IP], nb
        assert [m.lower() for m in nb["mac"]] == [HOST_MAC, GW_MAC], nb
        assert nb["port"] == ["lan", "wan"] and nb["state"] == ["static"] * 2, nb
        nb1 = r.q("/pktgate/neighbors,1")
        assert nb1["offset"] == 1 and nb1["ip"] == [GW_IP], nb1
        assert r.q("/pktgate/neighbors,x") is None

        # --- listing and help name every command; unknown ones are errors
        cmds = r.q("/")
        for c in ("/pktgate/stats", "/pktgate/lcores", "/pktgate/ports",
                  "/pktgate/routes", "/pktgate/neighbors", "/pktgate/info", "/pktgate/stages"):
            assert c in cmds, "%s not listed" % c
        h = r.tel.sock.send(b"/help,/pktgate/routes") and r.tel.sock.recv(16384)
        assert b"offset" in h, h
        assert r.q("/pktgate/nope") is None

        # --- the last word: SIGINT, exit 0, a summary that adds up
        last = r.q("/pktgate/stats")
        rc, out, err = r.stop()
        assert rc == 0, "exit %d\n%s" % (rc, err[-2000:])
        assert "stopping (signal)" in out, out
        s = parse_summary(out)
        assert s is not None, out
        assert s["rx"] >= last["rx"] and s["rx"] == s["forwarded"] + s["local"] + s["drops"], \
            s["lines"]
        assert set(s["drop"]) <= {"no_route"} | overload and s["drop"]["no_route"] > 0 \
            and sum(s["drop"].values()) == s["drops"], s["lines"]
        # each no_route datagram owes an ICMP error: the rate limit lets
        # through at most a bucket per lcore plus 1000 a second (defaults;
        # the bucket fills from before start: one second of slack), the
        # rest are counted as rate-limited; errors are extra TX
        ic = s["icmp"]
        assert ic.get("net_unreachable", 0) > 0 and ic.get("rate_limited", 0) > 0, s["lines"]
        assert ic["net_unreachable"] + ic["rate_limited"] == s["drop"]["no_route"], s["lines"]
        n_fwd = sum(1 for x in s["lcore"].values() if x["role"] != "rx")
        assert ic["net_unreachable"] <= n_fwd * (100 + 1000 * (s["elapsed"] + 1)), s["lines"]
        sent = sum(ic.get(k, 0) for k in ICMP_SENT) - ic.get("tx_full", 0)
        assert s["tx"] == s["forwarded"] + s["local"] + s.get("ctl_tx", 0) + sent, s["lines"]
        if pipeline:
            rings = s["ring"]
            assert sorted(rings) == ["rx1_to_fwd2", "rx1_to_fwd3"], s["lines"]
            # stopped in order: every ring emptied, nothing lost in flight
            assert all(x["enqueued"] == x["dequeued"] for x in rings.values()), s["lines"]
            assert sum(int(x["dropped_full"]) for x in rings.values()) == \
                s["drop"].get("ring_full", 0), s["lines"]
    finally:
        r.close()


STAGES = ["idle", "rx", "hash", "enqueue", "dequeue", "validate", "acl", "lookup",
          "rewrite", "ip6_validate", "ip6_lookup", "ip6_rewrite", "tx"]


def stage_rows(t):
    """{stage: (cycles, packets, calls, cycles per 100 packets)} of a table."""
    cols = ("cycles", "packets", "calls", "cycles_per_100_packets")
    for c in ("stage",) + cols:
        assert c in t and len(t[c]) == len(STAGES) + 1, (c, t)
    return {n: tuple(t[c][i] for c in cols) for i, n in enumerate(t["stage"])}


@case
def telemetry_stages():
    """/pktgate/stages: {"enabled": 0} unless built with -Dstage_cycles=true;
    then every stage, and packets and cycles that add up: each packet the
    lcores received went through validate, lookup and rewrite (the mix is
    all IPv4, no ACL), every cycle of the loop is in one stage."""
    r = running()
    try:
        assert wait_until(lambda: r.q("/pktgate/stats")["forwarded"] > 1000), "no traffic"
        st = r.q("/pktgate/stages")
        assert "enabled" in st, st
        if not st["enabled"]:
            assert st == {"enabled": 0}, st
            return
        workers = pgtest.TOPOLOGY["lcores"]
        pipeline = pgtest.TOPOLOGY_NAME == "pipeline"
        burst = 32 * len(workers)      # a burst between a stage mark and a counter
        l1 = r.q("/pktgate/lcores")
        st = r.q("/pktgate/stages")
        l2 = r.q("/pktgate/lcores")
        assert st["tsc_hz"] > 0 and st["stage"] == STAGES + ["total"], st
        rows = stage_rows(st)
        rx = rows["rx"][1]
        # rx is marked before the lcore counts it: L1 <= stages <= L2 + a burst
        assert sum(l1["rx"]) <= rx <= sum(l2["rx"]) + burst, (l1, rows, l2)
        assert rows["total"][1] == rx, rows
        # the rows are the whole loop: cycles add up, per-100 within rounding
        assert rows["total"][0] == sum(v[0] for k, v in rows.items() if k != "total"), rows
        assert abs(rows["total"][3] - sum(v[3] for k, v in rows.items()
                                          if k != "total")) <= len(STAGES), rows
        for k in ("rx", "validate", "lookup", "rewrite", "tx", "total"):
            assert rows[k][0] > 0 and rows[k][2] > 0 and rows[k][3] > 0, (k, rows)
        for k in ("acl", "ip6_validate", "ip6_lookup", "ip6_rewrite"):
            assert rows[k][:3] == (0, 0, 0), (k, rows)
        if pipeline:
            fed = rows["dequeue"][1]
            assert rx - burst <= rows["hash"][1] <= rx and \
                rx - burst <= rows["enqueue"][1] <= rx, rows
            assert rows["hash"][0] > 0 and rows["enqueue"][0] > 0 and fed > 0, rows
            assert fed <= rows["enqueue"][1], rows
        else:
            fed = rx
            assert rows["hash"][:3] == rows["enqueue"][:3] == rows["dequeue"][:3] == (0, 0, 0), rows
        # every packet fed to a forwarding lcore through stage 1, all IPv4 to a lookup
        assert fed - burst <= rows["validate"][1] <= fed, rows
        assert rows["validate"][1] - burst <= rows["rewrite"][1] <= rows["lookup"][1] \
            <= rows["validate"][1], rows
        # (the lcores share two CPUs with this client: give each time to run)
        st = wait_until(lambda: (lambda t: t if all(t["lcore_%d" % w][-1] > 0 for w in workers)
                                 else None)(r.q("/pktgate/stages")))
        assert st, "an lcore has no stage cycles"
        for w in workers:
            assert len(st["lcore_%d" % w]) == len(STAGES) + 1, st
            one = r.q("/pktgate/stages,%d" % w)
            assert one["lcore"] == w and one["role"] in ("rtc", "rx", "fwd"), one
            orow = stage_rows(one)
            lc = r.q("/pktgate/lcores,%d" % w)
            # an lcore's stages add up to (nearly all of) its loop time
            assert 0.5 * lc["total_tsc"] <= orow["total"][0], (orow, lc)
            if one["role"] == "fwd":
                assert orow["rx"][1] == 0 and orow["total"][1] == orow["dequeue"][1], orow
        for bad in ("/pktgate/stages,99", "/pktgate/stages,x"):
            assert r.q(bad) is None, "%s: expected an error reply" % bad
    finally:
        r.stop()
        r.close()


@case
def telemetry_lcore_param_out_of_range():
    r = running()
    try:
        w = pgtest.TOPOLOGY["lcores"][0]
        assert r.q("/pktgate/lcores,%d" % w) is not None
        big = "/pktgate/lcores,%d" % (2 ** 32 + w)
        assert r.q(big) is None, "%s answered as lcore %d" % (big, w)
    finally:
        r.stop()
        r.close()


@case
def telemetry_stats_lines_and_sigterm():
    """--stats-interval prints stats lines while running; SIGTERM stops
    cleanly too."""
    r = running(["--stats-interval", "0.3"])
    try:
        assert wait_until(lambda: r.q("/pktgate/stats")["rx"] > 0)
        time.sleep(1.0)
        rc, out, err = r.stop(signal.SIGTERM)
        assert rc == 0, "exit %d\n%s" % (rc, err[-2000:])
        lines = [x for x in out.splitlines() if x.startswith("stats:")]
        assert len(lines) >= 2, out
        assert "lan rx" in lines[-1] and "fwd" in lines[-1], lines[-1]
        assert "stopping (signal)" in out and parse_summary(out)["rx"] > 0, out
    finally:
        r.close()


if __name__ == "__main__":
    main()
