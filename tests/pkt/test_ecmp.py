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

usage: test_ecmp.py PKTGATE [case-name-substring...]
"""
import collections
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (GW_IP, GW_MAC, HOST_IP, HOST_MAC, IP, LAN_MAC, UDP,  # noqa: E402
                    Ether, Raw, base_config, case, ctl_request, main, read_pcap,
                    wait_until)

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


if __name__ == "__main__":
    main()
