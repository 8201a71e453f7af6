#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""BGP end to end (issue #7): a peer FRR in a namespace of its own announces
1000 prefixes over eBGP to the FRR beside pktgate; the session runs through
pktgate's exception path; zebra sends the routes to pktgate over FPM;
traffic from the peer side to an address behind a learned prefix is
forwarded by pktgate to the far side; after a withdraw it is not (counted
no_route).

    peer ns                box ns                                    far ns
    FRR (AS 65002)         pktgate + FRR (AS 65001)
    198.51.100.2 --veth-- [wan af_packet] pktgate [lan af_packet] --veth-- 192.0.2.10
                             |  kernel mirrors  |
                          pg-bgp-wan        pg-bgp-lan   (198.51.100.1/24, 192.0.2.1/24)
                          bgpd <- TCP 179 punted, its answers sent out of wan

The peer announces 20.0.0.0/24 .. 20.3.231.0/24 (1000 /24s) with the far
host 192.0.2.10 as next hop (route-map `set ip next-hop`): pktgate's FRR
learns them, zebra resolves the next hop on the LAN port's mirror and
sends them over FPM to pktgate, which forwards to the far host's MAC.

Everything is named with `bgp` and the PID, and deleted afterwards, also
on failure. Needs root and FRR (exit 77, meson's SKIP, otherwise).
usage: test_bgp.py PKTGATE [case-name-substring...]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import Config, Port, case  # noqa: E402
from netns_util import mac_of, need, ping, sh, start_pktgate  # noqa: E402
import frr_lab  # noqa: E402

TAG = "%d" % os.getpid()          # interface names stay within 15 characters
NS_PEER, NS_BOX, NS_FAR = ("pg-bgp-%s-%s" % (n, TAG) for n in ("peer", "box", "far"))
IF_WAN, IF_WAN_P = "bgpw" + TAG, "bgpwp" + TAG      # pktgate wan <-> peer
IF_LAN, IF_LAN_F = "bgpl" + TAG, "bgplf" + TAG      # pktgate lan <-> far
TAP_LAN, TAP_WAN = "pg-bgp-lan", "pg-bgp-wan"      # mirrors, in the box ns only
WAN_IP, PEER_IP = "198.51.100.1", "198.51.100.2"
LAN_IP, FAR_IP = "192.0.2.1", "192.0.2.10"
AS_BOX, AS_PEER = 65001, 65002
N_PREFIXES = 1000
PREFIXES = frr_lab.prefixes(N_PREFIXES)
TARGET = frr_lab.host_in(PREFIXES[-1], 7)      # behind the last prefix: 20.3.231.7
FPM_PORT = 2620


def wait_until(pred, timeout=30.0):
    return pgtest.wait_until(pred, timeout)


class Env(frr_lab.Lab):
    """Three namespaces, their veths, pktgate and two FRRs; close() undoes it."""

    def __init__(self):
        super().__init__("bgp", (NS_PEER, NS_BOX, NS_FAR))

    def link(self, a, ns_a, b, ns_b):
        frr_lab.veth(a, ns_a, b, ns_b)

    def setup(self):
        for ns in (NS_PEER, NS_BOX, NS_FAR):
            sh("ip", "netns", "add", ns)
            sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", ns=ns, check=False)
            sh("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1", ns=ns, check=False)
            sh("ip", "link", "set", "lo", "up", ns=ns)
        self.link(IF_WAN, NS_BOX, IF_WAN_P, NS_PEER)
        self.link(IF_LAN, NS_BOX, IF_LAN_F, NS_FAR)
        sh("ip", "addr", "add", PEER_IP + "/24", "dev", IF_WAN_P, ns=NS_PEER)
        # traffic from the peer side goes through pktgate
        sh("ip", "route", "add", "default", "via", WAN_IP, ns=NS_PEER)
        sh("ip", "addr", "add", FAR_IP + "/24", "dev", IF_LAN_F, ns=NS_FAR)
        sh("ip", "addr", "add", TARGET + "/32", "dev", "lo", ns=NS_FAR)
        sh("ip", "route", "add", "default", "via", LAN_IP, ns=NS_FAR)

        self.mac = {"wan": mac_of(IF_WAN, NS_BOX), "lan": mac_of(IF_LAN, NS_BOX),
                    "peer": mac_of(IF_WAN_P, NS_PEER), "far": mac_of(IF_LAN_F, NS_FAR)}
        cfg = Config(ports=[Port("lan", "net_af_packet0", LAN_IP, 24, self.mac["lan"]),
                            Port("wan", "net_af_packet1", WAN_IP, 24, self.mac["wan"])],
                     neighbors=[(FAR_IP, self.mac["far"], "lan"),
                                (PEER_IP, self.mac["peer"], "wan")])
        conf = os.path.join(self.tmp, "pktgate.yaml")
        text = cfg.text()
        for port, tap in (("lan", TAP_LAN), ("wan", TAP_WAN)):   # the exception path
            text = text.replace("mac: '%s'" % self.mac[port],
                                "mac: '%s', tap: %s" % (self.mac[port], tap))
        with open(conf, "w") as f:
            f.write(text + "fpm:\n  listen: \"127.0.0.1:%d\"\n" % FPM_PORT)
        q = pgtest.TOPOLOGY["queues"]
        vdevs = ["net_af_packet0,iface=%s,qpairs=%d" % (IF_LAN, q),
                 "net_af_packet1,iface=%s,qpairs=%d" % (IF_WAN, q)]
        eal = pgtest.eal_args(self.prefix, vdevs, log_levels=())
        start_pktgate(self, [pgtest.PKTGATE] + eal + ["--", "-c", conf, "--duration", "240"],
                      ns=NS_BOX)

        frr_dir = os.path.join(self.tmp, "frr")
        os.mkdir(frr_dir)
        os.chmod(self.tmp, 0o755)          # the frr user reaches its files
        self.box = frr_lab.Frr(NS_BOX, frr_dir, "box", frr_lab.bgpd_conf(
            AS_BOX, WAN_IP, PEER_IP, AS_PEER), fpm="127.0.0.1 port %d" % FPM_PORT)
        # the peer starts with its announcements held back (deny-all
        # route-map): the test decides when they go out
        self.peer = frr_lab.Frr(NS_PEER, frr_dir, "peer", frr_lab.bgpd_conf(
            AS_PEER, PEER_IP, WAN_IP, AS_BOX, networks=PREFIXES, nexthop=FAR_IP,
            out_deny=True))
        self.frrs = [self.box, self.peer]
        for f in self.frrs:
            f.start()

    def fpm_routes(self):
        return frr_lab.fpm_routes(self.tel)


def udp_through(count, expect):
    """Datagrams from the peer to TARGET:9999 that crossed the far side's
    wire (frr_lab.udp_through())."""
    return frr_lab.udp_through(NS_PEER, NS_FAR, IF_LAN_F, TARGET, count, expect)


ENV = None


def env():
    return need(ENV)


@case
def bgp_setup():
    global ENV
    ENV = Env()
    ENV.setup()
    ENV.wait_fpm_connected()


@case
def bgp_session_up_through_the_exception_path():
    e = env()
    addr = sh("ip", "-4", "-o", "addr", "show", "dev", TAP_WAN, ns=NS_BOX).stdout
    assert WAN_IP + "/24" in addr, addr
    assert wait_until(lambda: frr_lab.established(e.box, PEER_IP), 60), \
        e.box.vtysh("show bgp summary").stdout + e.logs()
    # the session's segments went through pktgate: punted to the WAN
    # mirror, and bgpd's sent out of the WAN port
    t = e.q("/pktgate/punt")
    assert t["wan"]["to_kernel"] >= 3 and t["wan"]["from_kernel"] >= 3, t
    assert t["punt_full"] == 0 and t["wan"]["to_kernel_drops"] == 0, t
    # nothing announced yet (the peer's route-map holds them back)
    assert e.fpm_routes() == [], e.fpm_routes()


@case
def bgp_1000_prefixes_reach_pktgate():
    e = env()
    frr_lab.set_export(e.peer, WAN_IP, permit=True)
    assert wait_until(lambda: len(e.fpm_routes()) == N_PREFIXES, 60), \
        "%d fpm routes of %d\n%s\n%s" % (len(e.fpm_routes()), N_PREFIXES,
                                         e.q("/pktgate/fpm"), e.logs())
    routes = e.fpm_routes()
    # every announced prefix, through the third-party next hop on lan
    want = {"%s via %s port lan fpm" % (p, FAR_IP) for p in PREFIXES}
    assert set(routes) == want, sorted(set(routes) ^ want)[:10]
    f = e.q("/pktgate/fpm")
    assert f["errors"] == 0 and f["resets"] == 0 and f["ignored"]["no_port"] == 0, f


@case
def traffic_to_a_learned_prefix_is_forwarded():
    e = env()
    before = e.q("/pktgate/stats")
    n = udp_through(20, expect=20)
    assert n == 20, "far side saw %d of 20 datagrams to %s\n%s" % (
        n, TARGET, e.q("/pktgate/stats"))
    after = e.q("/pktgate/stats")
    assert after["forwarded"] - before["forwarded"] >= 20, (before, after)
    # and both ways: the far host (TARGET on its loopback) answers
    out = ping(NS_PEER, TARGET, count=3)
    assert "ttl=63" in out, out


@case
def withdraw_stops_forwarding():
    e = env()
    frr_lab.set_export(e.peer, WAN_IP, permit=False)
    assert wait_until(lambda: e.fpm_routes() == [], 60), \
        "%d fpm routes left\n%s" % (len(e.fpm_routes()), e.q("/pktgate/fpm"))
    f = frr_lab.fpm_stats_when(e.tel, lambda f: f["routes_deleted"] >= N_PREFIXES)
    assert f["routes_deleted"] >= N_PREFIXES, f
    before = e.q("/pktgate/stats")
    n = udp_through(20, expect=0)
    assert n == 0, "far side still saw %d datagrams to %s" % (n, TARGET)
    after = e.q("/pktgate/stats")
    assert after["no_route"] - before["no_route"] >= 20, (before, after)
    assert after["forwarded"] == before["forwarded"], (before, after)


@case
def announce_again_forwards_again():
    e = env()
    frr_lab.set_export(e.peer, WAN_IP, permit=True)
    assert wait_until(lambda: len(e.fpm_routes()) == N_PREFIXES, 60), \
        "%d fpm routes" % len(e.fpm_routes())
    assert udp_through(5, expect=5) == 5


if __name__ == "__main__":
    frr_lab.test_main(r"pg-bgp-(?:peer|box|far)-(\d+)", lambda: ENV)
