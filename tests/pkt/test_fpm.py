#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""pktgate as FRR's forwarding plane, driven by a fake zebra: a TCP client
that speaks FPM (frames of netlink messages built with struct.pack, as
zebra 8.4's dplane_fpm_nl sends them, docs/frr.md) to a running pktgate
that replays a pcap forever on its LAN port. Routes must appear in
/pktgate/routes with origin fpm, packets must follow them (WAN pcap out),
a reconnect with a partial replay must remove the rest after the quiet
period, garbage must reset the connection and leave the routes alone.

usage: test_fpm.py PKTGATE [case-name-substring...]
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from scapy.layers.inet6 import IPv6  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (GW_IP, GW_MAC, HOST_IP, HOST_MAC, IP, LAN_IP, LAN_LEN,  # noqa: E402
                    LAN_MAC, UDP, WAN_IP, WAN_LEN, WAN_MAC, Config, Ether, Port, Raw,
                    base_config, case, cleanup_prefix,
                    eal_args, main, parse_summary, read_pcap, unique_prefix,
                    wait_for_socket, wait_until, write_pcap)

GW2_IP, GW2_MAC = "198.51.100.3", "02:00:00:00:00:98"
HOST6, GW6 = "2001:db8:1::10", "2001:db8:2::2"
QUIET_MS = 1000

# --- netlink / FPM encoding (linux/rtnetlink.h, linux/nexthop.h)
RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWNEXTHOP = 24, 25, 104
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_NH_ID = 1, 4, 5, 6, 30
NHA_ID, NHA_OIF, NHA_GATEWAY = 1, 5, 6
AF_INET, AF_INET6 = 2, 10
PROTO_CONNECTED, PROTO_STATIC = 2, 196


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def ip4(s):
    return socket.inet_aton(s)


def nlmsg(t, body, flags=0x501):
    return struct.pack("=IHHII", 16 + len(body), t, flags, 0, 0) + body


def route(t, prefix, gw=None, oif=None, nh_id=None, proto=PROTO_STATIC, family=AF_INET,
          rtype=None):
    net, plen = prefix.split("/")
    dst = ip4(net) if family == AF_INET else socket.inet_pton(socket.AF_INET6, net)
    if rtype is None:                  # unicast on NEW, 0 on DEL, as zebra
        rtype = 1 if t == RTM_NEWROUTE else 0
    body = struct.pack("=BBBBBBBBI", family, int(plen), 0, 0, 254, proto, 0, rtype, 0)
    body += attr(RTA_DST, dst) + attr(RTA_PRIORITY, struct.pack("=I", 20))
    if nh_id is not None:
        body += attr(RTA_NH_ID, struct.pack("=I", nh_id))
    if gw is not None:
        body += attr(RTA_GATEWAY, ip4(gw) if family == AF_INET
                     else socket.inet_pton(socket.AF_INET6, gw))
    if oif is not None:
        body += attr(RTA_OIF, struct.pack("=I", oif))
    return nlmsg(t, body)


def nexthop(nh_id, gw, oif, family=AF_INET):
    body = struct.pack("=BBBBI", family, 0, 11, 0, 0)
    body += attr(NHA_ID, struct.pack("=I", nh_id))
    body += attr(NHA_GATEWAY, ip4(gw) if family == AF_INET
                 else socket.inet_pton(socket.AF_INET6, gw))
    body += attr(NHA_OIF, struct.pack("=I", oif))
    return nlmsg(RTM_NEWNEXTHOP, body)


RTA_MULTIPATH, NHA_GROUP = 9, 2


def group(nh_id, members, weights=None):
    """An ECMP next-hop object: family 0, NHA_GROUP {u32 id, u8 weight-1,
    u8, u16} per member, as zebra 8.4 sends it."""
    weights = weights or [1] * len(members)
    body = struct.pack("=BBBBI", 0, 0, 11, 0, 0)
    body += attr(NHA_ID, struct.pack("=I", nh_id))
    body += attr(NHA_GROUP, b"".join(struct.pack("=IBBH", m, w - 1, 0, 0)
                                     for m, w in zip(members, weights)))
    return nlmsg(RTM_NEWNEXTHOP, body)


def multipath_route(prefix, hops, family=AF_INET):
    """RTM_NEWROUTE with RTA_MULTIPATH (zebra's `no fpm use-next-hop-groups`):
    rtnexthop{len, flags, hops = weight-1, ifindex} + a nested RTA_GATEWAY
    per hop; hops: (gw, oif) or (gw, oif, weight)."""
    net, plen = prefix.split("/")
    body = struct.pack("=BBBBBBBBI", family, int(plen), 0, 0, 254, PROTO_STATIC, 0, 1, 0)
    body += attr(RTA_DST, ip4(net) if family == AF_INET
                 else socket.inet_pton(socket.AF_INET6, net))
    body += attr(RTA_PRIORITY, struct.pack("=I", 20))
    mp = b""
    for hop in hops:
        gw, oif, w = hop if len(hop) == 3 else hop + (1,)
        gwa = attr(RTA_GATEWAY, ip4(gw) if family == AF_INET
                   else socket.inet_pton(socket.AF_INET6, gw))
        mp += struct.pack("=HBBi", 8 + len(gwa), 0, w - 1, oif) + gwa
    body += attr(RTA_MULTIPATH, mp)
    return nlmsg(RTM_NEWROUTE, body)


def frame(*msgs):
    body = b"".join(msgs)
    return struct.pack("!BBH", 1, 1, 4 + len(body)) + body


class Zebra:
    """The client side of an FPM connection."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=5)

    def send(self, data, split=False):
        if split:          # byte by byte: frames reassembled across reads
            for i in range(len(data)):
                self.s.sendall(data[i:i + 1])
        else:
            self.s.sendall(data)

    def closed_by_peer(self, timeout=10):
        """True once pktgate closed its end (EOF or reset)."""
        self.s.settimeout(timeout)
        try:
            return self.s.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def traffic():
    """Per replay round: one packet into each FPM prefix, many for nobody
    (no_route): what reaches the WAN pcap stays small."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    pkts = [e / IP(src=HOST_IP, dst="10.77.1.1", ttl=64) / UDP() / Raw(b"a" * 40),
            e / IP(src=HOST_IP, dst="10.88.1.1", ttl=64) / UDP() / Raw(b"b" * 40)]
    return pkts + [e / IP(src=HOST_IP, dst="8.8.8.8") / UDP() / Raw(b"c" * 40)] * 400


def traffic6():
    """IPv6: one packet into the FPM prefix per round, the rest to nobody."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    return ([e / IPv6(src=HOST6, dst="2001:db8:77::1", hlim=64) / UDP() / Raw(b"a" * 40)] +
            [e / IPv6(src=HOST6, dst="2001:db8:99::1") / UDP() / Raw(b"c" * 40)] * 400)


def config6():
    """Both ports with IPv6: the live IPv6 table exists."""
    return Config(
        ports=[Port("lan", "net_pcap0", LAN_IP, LAN_LEN, LAN_MAC, ip6="2001:db8:1::1/64"),
               Port("wan", "net_pcap1", WAN_IP, WAN_LEN, WAN_MAC, ip6="2001:db8:2::1/64")],
        neighbors=[(HOST_IP, HOST_MAC, "lan"), (GW_IP, GW_MAC, "wan"),
                   (HOST6, HOST_MAC, "lan"), (GW6, GW_MAC, "wan")])


class Running:
    def __init__(self, v6=False):
        self.tmp = tempfile.mkdtemp(prefix="pg-fpm-")
        self.prefix = unique_prefix("pgfpm")
        self.port = free_port()
        cfg = config6() if v6 else base_config(
            routes=[("203.0.113.0/24", "via", GW_IP)],
            neighbors=[(HOST_IP, HOST_MAC, "lan"), (GW_IP, GW_MAC, "wan"),
                       (GW2_IP, GW2_MAC, "wan")])
        self.cfg = cfg
        text = cfg.text() + ("fpm:\n  listen: \"127.0.0.1:%d\"\n  resync_quiet_ms: %d\n"
                             % (self.port, QUIET_MS))
        inp = os.path.join(self.tmp, "in.pcap")
        empty = os.path.join(self.tmp, "empty.pcap")
        write_pcap(inp, traffic6() if v6 else traffic())
        write_pcap(empty, [])
        q = pgtest.TOPOLOGY["queues"]      # as test_telemetry.py: q of each
        self.outs = [os.path.join(self.tmp, "out_wan_q%d.pcap" % i) for i in range(q)]
        lan = "net_pcap0," + ",".join(["rx_pcap=%s" % inp] * q) + ",infinite_rx=1"
        wan = ("net_pcap1," + ",".join(["rx_pcap=%s" % empty] * q) + ","
               + ",".join("tx_pcap=%s" % o for o in self.outs))
        conf = os.path.join(self.tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(text)
        self.out = open(os.path.join(self.tmp, "stdout"), "w+")
        self.err = open(os.path.join(self.tmp, "stderr"), "w+")
        mem = pgtest.EAL_MEM_MB
        if v6:
            pgtest.EAL_MEM_MB = 512    # the IPv6 table's two TRIE copies
        cmd = [pgtest.PKTGATE] + eal_args(self.prefix, [lan, wan]) + ["--", "-c", conf]
        pgtest.EAL_MEM_MB = mem
        self.proc = subprocess.Popen(cmd, cwd=self.tmp, stdout=self.out, stderr=self.err)
        self.tel = None
        try:
            self.tel = wait_for_socket(self.prefix, self.proc)
        except BaseException:
            print(self.log()[-2000:])
            self.close()
            raise

    def q(self, cmd):
        return self.tel.query(cmd)

    def routes(self):
        return [r for r in self.q("/pktgate/routes,0")["routes"]]

    def routes6(self):
        return [r for r in self.q("/pktgate/routes6,0")["routes"]]

    def log(self):
        self.out.flush()
        self.err.flush()
        with open(self.out.name) as a, open(self.err.name) as b:
            return a.read() + b.read()

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        rc = self.proc.wait(timeout=20)
        return rc, self.log()

    def close(self):
        if self.tel is not None:
            self.tel.close()
        if self.proc.poll() is None:
            self.proc.kill()           # only our own child, by its handle
            self.proc.wait()
        self.out.close()
        self.err.close()
        cleanup_prefix(self.prefix)
        shutil.rmtree(self.tmp, ignore_errors=True)


def fpm_when(r, pred):
    """/pktgate/fpm once pred(it) holds (None on timeout). Its counters are
    published at the end of a control tick, after the table changed: wait
    for them too, never read them once a route is seen."""
    return wait_until(lambda: (lambda f: f if pred(f) else None)(r.q("/pktgate/fpm")))


def has_route(r, text):
    return wait_until(lambda: text in r.routes())


def no_route_for(r, prefix):
    return wait_until(lambda: not any(x.startswith(prefix + " ") for x in r.routes()))


def close_all(r, z):
    """End of a case: the fake zebra's socket, then pktgate."""
    if z is not None:
        z.close()
    r.close()


def has_route6(r, text):
    return wait_until(lambda: text in r.routes6())


def no_route6_for(r, prefix):
    return wait_until(lambda: not any(x.startswith(prefix + " ") for x in r.routes6()))


@case
def fpm_routes_resync_garbage():
    r = Running()
    z = None
    try:
        f = r.q("/pktgate/fpm")
        assert f["enabled"] == 1 and f["connected"] == 0, f
        assert f["listen"] == "127.0.0.1:%d" % r.port, f

        # --- zebra connects: next-hop object, then routes (one frame each)
        z = Zebra(r.port)
        assert wait_until(lambda: r.q("/pktgate/fpm")["connected"] == 1), "not connected"
        z.send(frame(nexthop(7, GW_IP, 5)))
        z.send(frame(route(RTM_NEWROUTE, "10.77.0.0/16", nh_id=7)))
        # without next-hop groups: gateway + OIF; split across reads
        z.send(frame(route(RTM_NEWROUTE, "10.88.0.0/16", gw=GW2_IP, oif=5)), split=True)
        # zebra's connected route for our own subnet: ignored
        z.send(frame(route(RTM_NEWROUTE, "198.51.100.0/24", oif=5, proto=PROTO_CONNECTED)))
        # a gateway no port reaches, IPv6, an unknown next-hop id
        z.send(frame(route(RTM_NEWROUTE, "10.99.0.0/16", gw="172.16.0.1", oif=9),
                     route(RTM_NEWROUTE, "2001:db8::/32", oif=5, family=AF_INET6),
                     route(RTM_NEWROUTE, "10.66.0.0/16", nh_id=4242)))
        # a prefix the config has: static wins, fpm waits behind it
        z.send(frame(route(RTM_NEWROUTE, "203.0.113.0/24", gw=GW2_IP, oif=5)))
        assert has_route(r, "10.77.0.0/16 via 198.51.100.2 port wan fpm"), r.routes()
        assert has_route(r, "10.88.0.0/16 via 198.51.100.3 port wan fpm"), r.routes()
        rt = r.routes()
        assert "198.51.100.0/24 port wan unresolved connected" in rt, rt
        assert "203.0.113.0/24 via 198.51.100.2 port wan static" in rt, rt
        for p in ("10.99.0.0/16", "10.66.0.0/16"):
            assert not any(x.startswith(p) for x in rt), rt
        f = fpm_when(r, lambda f: f["frames"] == 6)
        assert f, r.q("/pktgate/fpm")
        assert f["nexthops"] == 1 and f["nexthops_added"] == 1, f
        assert f["routes_added"] == 3 and f["errors"] == 0, f
        ign = f["ignored"]
        assert ign["connected_own"] == 1 and ign["no_port"] == 1, ign
        assert ign["no_ipv6"] == 1 and ign["unknown_nexthop"] == 1, ign
        assert f["peer"].startswith("127.0.0.1:"), f

        # --- packets follow: forwarded grows while the routes are there
        s1 = r.q("/pktgate/stats")
        assert wait_until(lambda: r.q("/pktgate/stats")["forwarded"] > s1["forwarded"] + 100)

        # --- an update in one frame (DEL then NEW): a replace
        z.send(frame(route(RTM_DELROUTE, "10.77.0.0/16"),
                     route(RTM_NEWROUTE, "10.77.0.0/16", gw=GW2_IP, oif=5)))
        assert has_route(r, "10.77.0.0/16 via 198.51.100.3 port wan fpm"), r.routes()
        f = fpm_when(r, lambda f: f["frames"] == 7)
        assert f and f["routes_deleted"] == 0 and f["routes_added"] == 4, r.q("/pktgate/fpm")

        # --- zebra replaces a route by a blackhole: not installable, so the
        # old route goes (traffic must not follow what zebra no longer has)
        z.send(frame(route(RTM_NEWROUTE, "10.66.0.0/16", gw=GW_IP, oif=5)))
        assert has_route(r, "10.66.0.0/16 via 198.51.100.2 port wan fpm"), r.routes()
        z.send(frame(route(RTM_NEWROUTE, "10.66.0.0/16", rtype=6)))
        assert no_route_for(r, "10.66.0.0/16"), r.routes()
        f = fpm_when(r, lambda f: f["frames"] == 9)
        assert f and f["ignored"]["type"] == 1 and f["routes_deleted"] == 1, \
            r.q("/pktgate/fpm")

        # --- garbage: connection reset, routes untouched
        before = r.routes()
        z.send(b"\x09\x01\x00\x08garb")
        assert z.closed_by_peer(), "pktgate kept a connection that sent garbage"
        z.close()
        f = fpm_when(r, lambda f: f["connected"] == 0)
        assert f and f["resets"] == 1 and "version 9" in f["last_error"], f
        assert r.routes() == before
        assert "version 9" in r.log() and "connection reset" in r.log()
        # a truncated message inside a well-formed frame header
        z = Zebra(r.port)
        msg = route(RTM_NEWROUTE, "10.55.0.0/16", gw=GW_IP)
        z.send(frame(msg[:-3]))
        assert z.closed_by_peer()
        z.close()
        f = fpm_when(r, lambda f: f["resets"] == 2)
        assert f and "truncated" in f["last_error"], f
        assert not any(x.startswith("10.55.") for x in r.routes())

        # --- zebra restarts: partial replay, the rest goes after the quiet period
        z = Zebra(r.port)
        z.send(frame(route(RTM_NEWROUTE, "10.88.0.0/16", gw=GW2_IP, oif=5)))
        assert no_route_for(r, "10.77.0.0/16"), r.routes()
        f = fpm_when(r, lambda f: f["stale_removed"] >= 1)
        assert f and f["resync_pending"] == 0, f
        # 10.77 went, and 203.0.113.0/24's waiting fpm route (stale too)
        assert f["stale_removed"] == 2 and f["routes_deleted"] == 1, f
        rt = r.routes()
        assert "10.88.0.0/16 via 198.51.100.3 port wan fpm" in rt, rt
        assert "203.0.113.0/24 via 198.51.100.2 port wan static" in rt, rt
        assert "zebra connected" in r.log() and "stale routes removed" in r.log()

        # --- a connection that goes before its replay is over removes nothing
        z.close()
        n = r.q("/pktgate/fpm")["connections"]
        z = Zebra(r.port)
        assert wait_until(lambda: r.q("/pktgate/fpm")["connections"] == n + 1)
        z.close()
        f = fpm_when(r, lambda f: f["connected"] == 0)
        assert f and f["resync_pending"] == 0, f
        time.sleep(2.5 * QUIET_MS / 1000.0)    # would have removed 10.88 by now
        assert "10.88.0.0/16 via 198.51.100.3 port wan fpm" in r.routes(), r.routes()
        assert r.q("/pktgate/fpm")["stale_removed"] == 2
        assert "resync abandoned" in r.log()

        # --- a delete
        z = Zebra(r.port)
        z.send(frame(route(RTM_DELROUTE, "10.88.0.0/16")))
        assert no_route_for(r, "10.88.0.0/16"), r.routes()

        # --- a withdraw of several prefixes in one frame: one table change;
        # one of them never installed (the bulk refuses it): one by one
        z.send(frame(*[route(RTM_NEWROUTE, "10.9%d.0.0/16" % i, gw=GW_IP, oif=5)
                       for i in range(4)]))
        assert has_route(r, "10.93.0.0/16 via 198.51.100.2 port wan fpm"), r.routes()
        z.send(frame(route(RTM_DELROUTE, "10.90.0.0/16"), route(RTM_DELROUTE, "10.91.0.0/16")))
        assert no_route_for(r, "10.90.0.0/16") and no_route_for(r, "10.91.0.0/16"), r.routes()
        z.send(frame(route(RTM_DELROUTE, "10.92.0.0/16"), route(RTM_DELROUTE, "10.99.0.0/16"),
                     route(RTM_DELROUTE, "10.93.0.0/16")))
        assert no_route_for(r, "10.92.0.0/16") and no_route_for(r, "10.93.0.0/16"), r.routes()
        # 10.77 and 10.88 before, then the four (10.99 not counted)
        f = fpm_when(r, lambda f: f["routes_deleted"] == 2 + 4)
        assert f, r.q("/pktgate/fpm")
        z.close()

        # --- what went out of the WAN port: forwards to the FPM gateways only
        rc, log = r.stop()
        assert rc == 0, log
        s = parse_summary(log)
        assert s["drop"].get("no_route", 0) > 0, s
        frames = [fr for o in r.outs for fr in read_pcap(o)]
        print("    %d frames forwarded to the WAN pcap" % len(frames))
        assert frames, "nothing forwarded"
        macs = {}
        for fr in frames:       # raw bytes: scapy is slow for thousands of them
            mac = lambda b: ":".join("%02x" % x for x in b)  # noqa: E731
            dst_ip = socket.inet_ntoa(fr[30:34])
            assert mac(fr[6:12]) == WAN_MAC and fr[12:14] == b"\x08\x00", fr.hex()
            assert dst_ip in ("10.77.1.1", "10.88.1.1") and fr[22] == 63, fr.hex()
            macs.setdefault(dst_ip, set()).add(mac(fr[0:6]))
        assert macs.get("10.77.1.1") == {GW_MAC, GW2_MAC}, macs
        assert macs.get("10.88.1.1") == {GW2_MAC}, macs
    finally:
        close_all(r, z)


@case
def fpm_ecmp_groups():
    """NHA_GROUP and RTA_MULTIPATH routes become one shared next-hop group
    in the table (docs/decisions/0010-ecmp.md), not their first member."""
    r = Running()
    z = None
    try:
        z = Zebra(r.port)
        assert wait_until(lambda: r.q("/pktgate/fpm")["connected"] == 1), "not connected"
        z.send(frame(nexthop(7, GW_IP, 5), nexthop(8, GW2_IP, 5), group(20, [7, 8])))
        z.send(frame(route(RTM_NEWROUTE, "10.77.0.0/16", nh_id=20)))
        z.send(frame(multipath_route("10.88.0.0/16", [(GW2_IP, 5), (GW_IP, 5)])))
        assert has_route(r, "10.77.0.0/16 ecmp group 0 fpm"), r.routes()
        assert has_route(r, "10.88.0.0/16 ecmp group 0 fpm"), r.routes()
        # the batch holds the group until its routes are in: wait for that
        g = wait_until(lambda: (lambda g: g if g["routes"] == [2, 2] else None)(
            r.q("/pktgate/nhgroups"))) or r.q("/pktgate/nhgroups")
        assert g["count"] == 1 and g["via"] == [GW_IP, GW2_IP], g
        assert g["routes"] == [2, 2] and g["state"] == ["resolved"] * 2, g
        f = fpm_when(r, lambda f: f["frames"] == 3)
        assert f and f["ecmp_truncated"] == 0 and f["routes_added"] == 2, r.q("/pktgate/fpm")
        # traffic() sends one flow into each prefix: each flow on one member
        assert wait_until(lambda: sum(r.q("/pktgate/nhgroups")["packets"]) > 100), \
            r.q("/pktgate/nhgroups")
        # back to one next hop: the group goes with its last route
        z.send(frame(route(RTM_NEWROUTE, "10.77.0.0/16", nh_id=7),
                     route(RTM_NEWROUTE, "10.88.0.0/16", gw=GW2_IP, oif=5)))
        assert has_route(r, "10.77.0.0/16 via 198.51.100.2 port wan fpm"), r.routes()
        assert has_route(r, "10.88.0.0/16 via 198.51.100.3 port wan fpm"), r.routes()
        assert wait_until(lambda: r.q("/pktgate/nhgroups")["count"] == 0), \
            r.q("/pktgate/nhgroups")
        rc, log = r.stop()
        assert rc == 0, log[-2000:]
    finally:
        close_all(r, z)


@case
def fpm_ipv6_routes():
    """IPv6 routes go to the live IPv6 table with origin fpm: a global
    gateway names its port, a link-local one needs an OIF that is a mirror
    interface (none here: counted no_oif), our connected prefix stays the table's, a delete
    stops the traffic (ip6_no_route), and a resync removes what zebra did
    not send again."""
    r = Running(v6=True)
    z = None
    try:
        z = Zebra(r.port)
        assert wait_until(lambda: r.q("/pktgate/fpm")["connected"] == 1), "not connected"
        z.send(frame(route(RTM_NEWROUTE, "2001:db8:77::/48", gw=GW6, family=AF_INET6),
                     route(RTM_NEWROUTE, "2001:db8:66::/48", gw="fe80::22", oif=5,
                           family=AF_INET6),
                     route(RTM_NEWROUTE, "2001:db8:2::/64", oif=5, proto=PROTO_CONNECTED,
                           family=AF_INET6),
                     route(RTM_NEWROUTE, "2001:db8:55::/48", gw="2001:db8:9::1",
                           family=AF_INET6)))
        assert has_route6(r, "2001:db8:77::/48 via %s port wan fpm" % GW6), r.routes6()
        f = fpm_when(r, lambda f: f["frames"] == 1)
        assert f and f["routes_added"] == 1 and f["errors"] == 0, r.q("/pktgate/fpm")
        ign = f["ignored"]
        assert ign["no_oif"] == 1 and ign["connected_own"] == 1 and ign["no_port"] == 1, ign
        rt = r.routes6()
        for p in ("2001:db8:66::/48", "2001:db8:55::/48"):
            assert not any(x.startswith(p + " ") for x in rt), rt
        assert not any(x.startswith("2001:db8:2::/64 ") and "fpm" in x for x in rt), rt
        # packets follow the route
        s1 = r.q("/pktgate/stats")
        assert wait_until(lambda: r.q("/pktgate/stats")["forwarded"] > s1["forwarded"] + 20)

        # a delete: the traffic stops (ip6_no_route grows, forwarded does not)
        z.send(frame(route(RTM_DELROUTE, "2001:db8:77::/48", family=AF_INET6)))
        assert no_route6_for(r, "2001:db8:77::/48"), r.routes6()
        f = fpm_when(r, lambda f: f["routes_deleted"] == 1)
        assert f, r.q("/pktgate/fpm")
        time.sleep(0.3)         # packets in flight before the change
        s2 = r.q("/pktgate/stats")
        assert wait_until(lambda: r.q("/pktgate/stats")["ip6_no_route"] >
                          s2["ip6_no_route"] + 100)
        assert r.q("/pktgate/stats")["forwarded"] == s2["forwarded"]

        # resync: two routes, zebra restarts and sends one again
        z.send(frame(route(RTM_NEWROUTE, "2001:db8:44::/48", gw=GW6, family=AF_INET6),
                     route(RTM_NEWROUTE, "2001:db8:45::/48", gw=GW6, family=AF_INET6)))
        assert has_route6(r, "2001:db8:45::/48 via %s port wan fpm" % GW6), r.routes6()
        z.close()
        z = Zebra(r.port)
        z.send(frame(route(RTM_NEWROUTE, "2001:db8:44::/48", gw=GW6, family=AF_INET6)))
        f = fpm_when(r, lambda f: f["stale_removed"] >= 1)
        assert f and f["stale_removed"] == 1 and f["resync_pending"] == 0, f
        rt = r.routes6()
        assert "2001:db8:44::/48 via %s port wan fpm" % GW6 in rt, rt
        assert not any(x.startswith("2001:db8:45::/48 ") for x in rt), rt
        z.close()
        rc, log = r.stop()
        assert rc == 0, log[-2000:]
    finally:
        close_all(r, z)


def rows(g):
    """A telemetry column table as (via, weight, buckets, routes) rows."""
    return sorted(zip(g["via"], g["weight"], g["buckets"], g["routes"]))


@case
def fpm_ipv6_ecmp_weights():
    """IPv6 RTA_MULTIPATH and IPv6 NHA_GROUP routes become groups of the
    IPv6 table (no ecmp_truncated), the same members and weights one
    shared group; weights (weight - 1 on the wire) give the buckets, for
    IPv4 NHA_GROUP too; traffic into the IPv6 group is forwarded and
    counted per member."""
    gw6b = "2001:db8:2::3"
    r = Running(v6=True)
    z = None
    try:
        z = Zebra(r.port)
        assert wait_until(lambda: r.q("/pktgate/fpm")["connected"] == 1), "not connected"
        z.send(frame(multipath_route("2001:db8:77::/48", [(GW6, 5, 1), (gw6b, 5, 2)],
                                     family=AF_INET6)))
        assert has_route6(r, "2001:db8:77::/48 ecmp group 0 fpm"), r.routes6()
        z.send(frame(nexthop(31, GW6, 5, family=AF_INET6),
                     nexthop(32, gw6b, 5, family=AF_INET6), group(40, [31, 32], [1, 2]),
                     route(RTM_NEWROUTE, "2001:db8:78::/48", nh_id=40, family=AF_INET6),
                     nexthop(7, GW_IP, 5), nexthop(8, GW2_IP, 5), group(20, [7, 8], [3, 1]),
                     route(RTM_NEWROUTE, "10.77.0.0/16", nh_id=20)))
        assert has_route6(r, "2001:db8:78::/48 ecmp group 0 fpm"), r.routes6()
        assert has_route(r, "10.77.0.0/16 ecmp group 0 fpm"), r.routes()
        # the batch holds the group until its routes are in: wait for that
        g6 = wait_until(lambda: (lambda g: g if g["routes"] == [2, 2] else None)(
            r.q("/pktgate/nhgroups6"))) or r.q("/pktgate/nhgroups6")
        assert g6["count"] == 1, g6
        assert rows(g6) == [(GW6, 1, 21, 2), (gw6b, 2, 43, 2)], g6
        g4 = wait_until(lambda: (lambda g: g if g["routes"] == [1, 1] else None)(
            r.q("/pktgate/nhgroups"))) or r.q("/pktgate/nhgroups")
        assert g4["count"] == 1 and rows(g4) == [(GW_IP, 3, 48, 1), (GW2_IP, 1, 16, 1)], g4
        f = fpm_when(r, lambda f: f["frames"] == 2)
        assert f and f["ecmp_truncated"] == 0 and f["routes_added"] == 3, r.q("/pktgate/fpm")
        # traffic6() sends one flow into 2001:db8:77::/48: forwarded, on one member
        assert wait_until(lambda: sum(r.q("/pktgate/nhgroups6")["packets"]) > 50), \
            r.q("/pktgate/nhgroups6")
        assert len([p for p in r.q("/pktgate/nhgroups6")["packets"] if p]) == 1
        # a single hop again: the group goes with its last route
        z.send(frame(route(RTM_NEWROUTE, "2001:db8:77::/48", gw=GW6, family=AF_INET6),
                     route(RTM_DELROUTE, "2001:db8:78::/48", family=AF_INET6)))
        assert wait_until(lambda: r.q("/pktgate/nhgroups6")["count"] == 0), \
            r.q("/pktgate/nhgroups6")
        assert has_route6(r, "2001:db8:77::/48 via %s port wan fpm" % GW6), r.routes6()
        rc, log = r.stop()
        assert rc == 0, log[-2000:]
    finally:
        close_all(r, z)


if __name__ == "__main__":
    sys.exit(main())
