#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ECMP (docs/decisions/0010-ecmp.md) on a running pktgate: 256 UDP flows
replayed forever into the LAN port, an ECMP route added over the control
socket through three gateways, one gateway then removed by replacing the
route. Read back from the WAN pcap: every member carries a fair share of
the flows, each flow leaves through one member in its own order, and
when a member goes only its flows move (each to one other member); the
flows of the members that stay keep their member. /pktgate/nhgroups
counts per member.

ecmp6_and_weights: a finite pcap of many IPv6 flows over a group of two
link-local gateways and many IPv4 flows over a 3:1 weighted group: both
members of each carry traffic, every flow leaves through one member
only, the per-member counters of /pktgate/nhgroups6 and /pktgate/nhgroups
are exactly what each gateway's MAC received and add up to the forwarded
count, the weighted group has 48/16 buckets; an IPv6 group added over the
control socket (link-local gateways with their port, a weight) shows in
route list and /pktgate/nhgroups6.

usage: test_ecmp.py PKTGATE [case-name-substring...]
"""
import collections
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (GW_IP, GW_MAC, HOST_IP, HOST_MAC, IP, LAN_IP, LAN_LEN,  # noqa: E402
                    LAN_MAC, UDP, WAN_IP, WAN_LEN, WAN_MAC, Config, Ether, IPv6, Port,
                    Raw, base_config, case, ctl_request, main, read_pcap, wait_until)

GWS = [(GW_IP, GW_MAC), ("198.51.100.3", "02:00:00:00:00:98"),
       ("198.51.100.4", "02:00:00:00:00:97")]
PREFIX = "10.50.0.0/16"
FLOWS = 256
SEQS = 8            # packets per flow per replay round, numbered
FILLER = 512        # frames for another MAC per round (bad_l2): keeps the WAN pcap small
MAGIC = b"ECMP"


def flow_frames(queue, n_queues):
    """This queue's flows (each flow on one queue only, so one worker and
    its order), SEQS numbered packets each, interleaved; then the filler."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    out = []
    mine = [f for f in range(FLOWS) if f % n_queues == queue]
    for seq in range(SEQS):
        for f in mine:
            out.append(e / IP(src=HOST_IP, dst="10.50.%d.%d" % (f // 16, 1 + f % 16))
                       / UDP(sport=10000 + f, dport=4000 + (f * 7) % 1000)
                       / Raw(MAGIC + struct.pack("!HH", f, seq) + b"x" * 30))
    filler = Ether(dst="02:00:00:00:00:77", src=HOST_MAC) / IP(src=HOST_IP, dst="8.8.8.8") \
        / UDP() / Raw(b"f" * 30)
    return out + [filler] * FILLER


def start():
    """pktgate with the gateways as neighbors and a control socket; each
    queue replays its own flows; the WAN written to pcaps (r.outs)."""
    cfg = base_config(routes=[("203.0.113.0/24", "via", GW_IP)],
                      neighbors=[(HOST_IP, HOST_MAC, "lan")]
                      + [(ip, mac, "wan") for ip, mac in GWS])
    sock = tempfile.mktemp(prefix="pg-ecmp-", suffix=".sock")
    cfg.extra = "control: {socket: %s}\n" % sock
    q = pgtest.TOPOLOGY["queues"]
    r = pgtest.Running(cfg, None, tag="pgecmp", wan_out=True,
                       per_queue=[flow_frames(i, q) for i in range(q)])
    r.ctl = lambda line: ctl_request(sock, line)
    r.sock = sock
    # The control socket comes up after telemetry (docs/ctl.md).
    if not wait_until(lambda: os.path.exists(sock)):
        r.close()
        raise AssertionError("control socket %s never appeared" % sock)
    return r


def members(r):
    """/pktgate/nhgroups as {group: {via: packets}}."""
    g = r.q("/pktgate/nhgroups")
    out = collections.defaultdict(dict)
    for grp, via, pk, st in zip(g["group"], g["via"], g["packets"], g["state"]):
        assert st == "resolved", g
        out[grp][via] = pk
    return out


def all_members_at_least(r, vias, n):
    m = members(r)
    return m if len(m) == 1 and all(list(m.values())[0].get(v, 0) >= n for v in vias) \
        else None


def flow_paths(outs):
    """Per flow, in output order, (gateway MAC, seq) of each packet."""
    mac_of = {bytes.fromhex(mac.replace(":", "")): mac for _, mac in GWS}
    paths = collections.defaultdict(list)
    for o in outs:
        for fr in read_pcap(o):
            i = fr.find(MAGIC)
            assert i > 0, "unexpected frame on the WAN: %s" % fr[:64].hex()
            f, seq = struct.unpack("!HH", fr[i + 4:i + 8])
            paths[f].append((mac_of[fr[:6]], seq))
    return paths


@case
def ecmp_flows_stay_and_move():
    r = start()
    try:
        vias = [ip for ip, _ in GWS]
        rep = r.ctl("route add %s via %s via %s via %s" % ((PREFIX,) + tuple(vias)))
        assert rep.get("ok"), rep
        lst = r.ctl("route list")
        mine = [x for x in lst["routes"] if x["prefix"] == PREFIX]
        assert len(mine) == 1 and mine[0]["type"] == "ecmp", mine
        assert sorted(m["via"] for m in mine[0]["members"]) == vias, mine
        assert mine[0]["via"] == ",".join(vias), mine
        m = wait_until(lambda: all_members_at_least(r, vias, 3000), timeout=30)
        assert m, "members never all carried traffic: %s" % members(r)
        print("    3 members: %s" % dict(list(m.values())[0]))
        # The third gateway goes: the route is replaced by one over two.
        rep = r.ctl("route add %s via %s via %s" % (PREFIX, vias[0], vias[1]))
        assert rep.get("ok"), rep
        m = wait_until(lambda: all_members_at_least(r, vias[:2], 3000), timeout=30)
        assert m, "after removing a member: %s" % members(r)
        print("    2 members: %s" % dict(list(m.values())[0]))
        ring_full = r.q("/pktgate/stats")["ring_full"]
        rc, out, err = r.stop()
        assert rc == 0, (out + err)[-2000:]
        paths = flow_paths(r.outs)
    finally:
        r.close()
        if os.path.exists(r.sock):
            os.unlink(r.sock)
    assert len(paths) >= FLOWS // 2, "only %d flows seen" % len(paths)
    first = {f: p[0][0] for f, p in paths.items()}
    share = collections.Counter(first.values())
    print("    %d flows; first member per flow: %s" % (len(paths), dict(share)))
    for _, mac in GWS:
        assert share[mac] >= len(paths) // 6, "unfair share: %s" % dict(share)
    moved = 0
    for f, p in paths.items():
        macs = [mac for mac, _ in p]
        # One path, or one switch away from the removed member to another.
        changes = [i for i in range(1, len(macs)) if macs[i] != macs[i - 1]]
        if macs[0] == GWS[2][1]:
            assert len(changes) <= 1, "flow %d switched %d times" % (f, len(changes))
            if changes:
                assert macs[-1] != GWS[2][1]
                moved += 1
        else:
            assert not changes, "flow %d of a member that stayed moved: %s" % (f, macs[:20])
        # Order: seqs 0..SEQS-1 repeating, never a step back nor a skip.
        # A full pipeline ring drops any number (ring_full, the replay
        # outruns the forwarding lcores): then the cycle cannot tell.
        seqs = [s for _, s in p]
        for i in range(1, len(seqs) if ring_full == 0 else 0):
            assert (seqs[i] - seqs[i - 1]) % SEQS == 1, \
                "flow %d out of order at %d: %s" % (f, i, seqs[max(0, i - 5):i + 5])
    assert moved >= share[GWS[2][1]] // 2, "few flows of the removed member moved"
    print("    %d flows moved off the removed member, none of the others; order %s"
          % (moved, "kept" if ring_full == 0 else "not checked (ring_full %d)" % ring_full))


# ---- IPv6 groups and weights: a finite run, counters read while it runs ----

LL_A, LL_B = "fe80::a", "fe80::b"
MAC_A, MAC_B = "02:00:00:00:00:a1", "02:00:00:00:00:b1"
HOST6 = "2001:db8:1::10"
PREFIX6 = "2001:db8:100::/48"
PREFIX_W = "10.60.0.0/16"
N6 = N4 = 256           # flows
PER_FLOW = 4


def cfg_groups():
    return Config(
        ports=[Port("lan", "net_pcap0", LAN_IP, LAN_LEN, LAN_MAC, ip6="2001:db8:1::1/64"),
               Port("wan", "net_pcap1", WAN_IP, WAN_LEN, WAN_MAC, ip6="2001:db8:2::1/64")],
        neighbors=[(HOST_IP, HOST_MAC, "lan"), (GW_IP, MAC_A, "wan"),
                   ("198.51.100.3", MAC_B, "wan"), (HOST6, HOST_MAC, "lan"),
                   (LL_A, MAC_A, "wan"), (LL_B, MAC_B, "wan")],
        routes=[(PREFIX6, "vias", [LL_A, LL_B]),
                (PREFIX_W, "vias", ["%s weight 3" % GW_IP, "198.51.100.3"])])


def group_frames():
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    out = []
    for seq in range(PER_FLOW):
        for f in range(N6):
            out.append(e / IPv6(src=HOST6, dst="2001:db8:100:%x::%x" % (f // 16, 1 + f % 16))
                       / UDP(sport=20000 + f, dport=53) / Raw(b"E6" + struct.pack("!HH", f, seq)))
        for f in range(N4):
            out.append(e / IP(src=HOST_IP, dst="10.60.%d.%d" % (f // 16, 1 + f % 16))
                       / UDP(sport=30000 + f, dport=53) / Raw(b"E4" + struct.pack("!HH", f, seq)))
    return out


def table(g):
    """A telemetry column table as a list of row dicts."""
    cols = [k for k, v in g.items() if isinstance(v, list)]
    return [dict(zip(cols, row)) for row in zip(*(g[c] for c in cols))]


def _stop(proc, prefix):
    """SIGINT our pktgate (killed after 20 s), its EAL files gone: its output."""
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    pgtest.cleanup_prefix(prefix)
    return out


@case
def ecmp6_and_weights():
    cfg = cfg_groups()
    tmp = tempfile.mkdtemp(prefix="pg-ecmp6-")
    prefix = pgtest.unique_prefix("pgecmp6")
    sock = os.path.join(tmp, "ctl.sock")
    cfg.extra = "control: {socket: %s}\n" % sock
    frames = group_frames()
    # The IPv6 TRIE (32 MiB first level, two copies) needs the room.
    pgtest.EAL_MEM_MB = max(pgtest.EAL_MEM_MB, 512)
    vdevs, outs = pgtest.pcap_vdevs(tmp, cfg, {"lan": frames})
    conf = os.path.join(tmp, "c.yaml")
    with open(conf, "w") as f:
        f.write(cfg.text())
    proc = subprocess.Popen([pgtest.PKTGATE] + pgtest.eal_args(prefix, vdevs)
                            + ["--", "-c", conf], cwd=tmp,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    tel = None
    try:
        tel = pgtest.wait_for_socket(prefix, proc)
        want = (N6 + N4) * PER_FLOW
        # Every frame forwarded (pipeline: after the RX lcore counted it).
        st = wait_until(lambda: (lambda s: s if s["forwarded"] >= want else None)(
            tel.query("/pktgate/stats")), timeout=30)
        assert st and st["forwarded"] == want and st["rx"] == want, \
            tel.query("/pktgate/stats")
        g6 = tel.query("/pktgate/nhgroups6")
        g4 = tel.query("/pktgate/nhgroups")
        # Over the control socket: link-local gateways with their port, a
        # weight; shown with weights and buckets.
        assert wait_until(lambda: os.path.exists(sock))
        rep = ctl_request(sock, "route add 2001:db8:300::/48 via %s port wan weight 3 "
                          "via 2001:db8:2::5" % LL_B)
        assert rep.get("ok"), rep
        lst = [x for x in ctl_request(sock, "route list")["routes"]
               if x["prefix"] in ("2001:db8:300::/48", PREFIX6)]
        g6_after = tel.query("/pktgate/nhgroups6")
    finally:
        if tel is not None:
            tel.close()
        out = _stop(proc, prefix)
    try:
        assert proc.returncode == 0, out[-2000:]
        sent = collections.defaultdict(collections.Counter)   # family -> mac -> packets
        member = {}                                           # (family, flow) -> macs
        for o in outs["wan"]:
            for fr in read_pcap(o):
                mac = ":".join("%02x" % b for b in fr[:6])
                assert fr[6:12] == bytes.fromhex(WAN_MAC.replace(":", "")), fr[:14].hex()
                i = fr.find(b"E6") if fr[12:14] == b"\x86\xdd" else fr.find(b"E4")
                fam = "v6" if fr[12:14] == b"\x86\xdd" else "v4"
                flow = struct.unpack("!H", fr[i + 2:i + 4])[0]
                sent[fam][mac] += 1
                member.setdefault((fam, flow), set()).add(mac)
                if fam == "v6":
                    assert fr[14 + 7] == 63, "hop limit not decremented"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rows6 = table(g6)
    assert g6["count"] == 1 and len(rows6) == 2, g6
    assert sorted(r["via"] for r in rows6) == [LL_A, LL_B], g6
    assert all(r["port"] == "wan" and r["state"] == "resolved" and r["weight"] == 1
               and r["buckets"] == 32 for r in rows6), g6
    by_via = {r["via"]: r["packets"] for r in rows6}
    print("    IPv6 2 members: %s (frames out %s)" % (by_via, dict(sent["v6"])))
    assert by_via[LL_A] > 0 and by_via[LL_B] > 0, by_via
    assert by_via[LL_A] == sent["v6"][MAC_A] and by_via[LL_B] == sent["v6"][MAC_B], \
        (by_via, sent["v6"])
    assert sum(by_via.values()) == N6 * PER_FLOW, by_via

    rows4 = table(g4)
    assert g4["count"] == 1 and len(rows4) == 2, g4
    w = {r["via"]: (r["weight"], r["buckets"], r["packets"]) for r in rows4}
    print("    IPv4 3:1: %s (weight, buckets, packets)" % w)
    assert w[GW_IP][:2] == (3, 48) and w["198.51.100.3"][:2] == (1, 16), w
    assert w[GW_IP][2] > 0 and w["198.51.100.3"][2] > 0, w
    assert w[GW_IP][2] == sent["v4"][MAC_A] and w["198.51.100.3"][2] == sent["v4"][MAC_B], \
        (w, sent["v4"])
    assert w[GW_IP][2] + w["198.51.100.3"][2] == N4 * PER_FLOW, w

    assert len([k for k in member if k[0] == "v6"]) == N6, "IPv6 flows lost"
    assert len([k for k in member if k[0] == "v4"]) == N4, "IPv4 flows lost"
    split = [k for k, macs in member.items() if len(macs) != 1]
    assert not split, "flows over two members: %s" % split[:5]

    ctl6 = {x["prefix"]: x for x in lst}
    assert ctl6[PREFIX6]["type"] == "ecmp" and ctl6[PREFIX6]["via"] == "%s,%s" % (LL_A, LL_B), lst
    m = {x["via"]: x for x in ctl6["2001:db8:300::/48"]["members"]}
    assert m[LL_B]["weight"] == 3 and m[LL_B]["buckets"] == 48 and m[LL_B]["port"] == "wan", m
    assert m["2001:db8:2::5"]["weight"] == 1 and m["2001:db8:2::5"]["type"] == "unresolved", m
    rows = table(g6_after)
    assert g6_after["count"] == 2 and len(rows) == 4, g6_after
    assert sorted(r["buckets"] for r in rows if r["weight"] == 3) == [48], g6_after



def _start_limited(tmp, cfg, prefix):
    """pktgate on cfg (no traffic), its output merged."""
    vdevs, _ = pgtest.pcap_vdevs(tmp, cfg, {})
    conf = os.path.join(tmp, "c.yaml")
    with open(conf, "w") as f:
        f.write(cfg.text())
    return subprocess.Popen([pgtest.PKTGATE] + pgtest.eal_args(prefix, vdevs)
                            + ["--", "-c", conf], cwd=tmp, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, universal_newlines=True)


@case
def ecmp_limits_from_config():
    """limits.ipv6_ecmp_groups / ipv6_ecmp_group_members (and the IPv4
    pair) size the group tables: a raised limit shows in /pktgate/nhgroups6
    and lets a route over 20 gateways in (16 by default); a lowered one
    refuses a config with more IPv6 member sets at start, naming it; an
    out-of-range value is refused naming the field."""
    pgtest.EAL_MEM_MB = max(pgtest.EAL_MEM_MB, 512)     # IPv6 TRIE copies
    tmp = tempfile.mkdtemp(prefix="pg-ecmplim-")
    try:
        cfg = cfg_groups()
        sock = os.path.join(tmp, "ctl.sock")
        cfg.extra = ("control: {socket: %s}\nlimits: {ipv6_ecmp_groups: 2048, "
                     "ipv6_ecmp_group_members: 32, ipv4_ecmp_groups: 8}\n" % sock)
        prefix = pgtest.unique_prefix("pgecmplim")
        proc = _start_limited(tmp, cfg, prefix)
        tel = None
        try:
            tel = pgtest.wait_for_socket(prefix, proc)
            g6 = tel.query("/pktgate/nhgroups6")
            g4 = tel.query("/pktgate/nhgroups")
            assert wait_until(lambda: os.path.exists(sock))
            vias = " ".join("via 2001:db8:2::%x" % (0x10 + i) for i in range(20))
            rep20 = ctl_request(sock, "route add 2001:db8:400::/48 " + vias)
            rep20v4 = ctl_request(sock, "route add 10.80.0.0/16 " + " ".join(
                "via 198.51.100.%d" % (10 + i) for i in range(20)))
            g6_after = tel.query("/pktgate/nhgroups6")
        finally:
            if tel is not None:
                tel.close()
            out = _stop(proc, prefix)
        assert proc.returncode == 0, out[-2000:]
        assert (g6["max_groups"], g6["max_group_members"]) == (2048, 32), g6
        assert (g4["max_groups"], g4["max_group_members"]) == (8, 16), g4
        assert rep20.get("ok"), rep20
        assert g6_after["count"] == 2 and len(g6_after["via"]) == 2 + 20, g6_after
        assert not rep20v4.get("ok") and \
            "20 next hops: must be 1..16 (max_group_members)" in rep20v4["error"], rep20v4

        # Two IPv6 member sets in the config, room for one.
        cfg = cfg_groups()
        cfg.routes.append(("2001:db8:500::/48", "vias", [LL_A, "%s weight 2" % LL_B]))
        cfg.extra = "limits: {ipv6_ecmp_groups: 1}\n"
        prefix = pgtest.unique_prefix("pgecmplim")
        proc = _start_limited(tmp, cfg, prefix)
        try:
            out, _ = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
            pgtest.cleanup_prefix(prefix)
        assert proc.returncode != 0 and "routes: more ECMP member sets than max_groups 1" \
            in out, out[-2000:]

        bad = os.path.join(tmp, "bad.yaml")
        for key, val, rng in (("ipv6_ecmp_groups", 40000, "1..32767"),
                              ("ipv6_ecmp_group_members", 1, "2..32"),
                              ("ipv4_ecmp_group_members", 33, "2..32")):
            cfg = cfg_groups()
            cfg.extra = "limits: {%s: %d}\n" % (key, val)
            with open(bad, "w") as f:
                f.write(cfg.text())
            p = subprocess.run([pgtest.PKTGATE, "--check-config", bad], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True)
            want = "limits.%s: %d is out of range (%s)" % (key, val, rng)
            assert p.returncode != 0 and want in p.stdout, (want, p.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    main()
