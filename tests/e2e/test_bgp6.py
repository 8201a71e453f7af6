#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""BGP over IPv6 end to end (issue #7 for IPv6): a peer FRR announces 100
IPv6 /48s over an eBGP session between global IPv6 addresses; the session
(TCP 179 over IPv6, and the Neighbor Discovery of the box's kernel) runs
through pktgate's exception path; the FRR beside pktgate installs the
routes via the peer's **link-local** address (what BGP announces next to
the global next hop on a shared link) and zebra sends them over FPM with
the WAN mirror as OIF; pktgate finds the peer's MAC by its own Neighbor
Discovery and forwards IPv6 from the far side to an address behind a
learned prefix; after a withdraw it does not (ip6_no_route).

    far ns                        box ns                              peer ns
                            pktgate + FRR (AS 65001)                  FRR (AS 65002)
    2001:db8:1::10 --veth-- [lan af_packet] pktgate [wan af_packet] --veth-- 2001:db8:b6::2
                              |  kernel mirrors  |                    fe80::(EUI-64)
                         pg-bgp6-lan        pg-bgp6-wan               TARGET on lo
                    (2001:db8:1::1/64)   (2001:db8:b6::1/64)
                                         bgpd <- TCP 179 over IPv6, punted

The peer announces 2001:db8:1000::/48 .. 2001:db8:1063::/48; TARGET,
2001:db8:1063::7, sits on the peer's loopback. No IPv6 neighbor is
configured: pktgate learns the peer's link-local address and the far host
by Neighbor Discovery, the box's kernel the peer's global one by its own
(its solicitations leave by the port, the advertisements are punted).

Everything is named with `bgp6` and the PID, and deleted afterwards, also
on failure. Needs root and FRR (exit 77, meson's SKIP, otherwise).
usage: test_bgp6.py PKTGATE [case-name-substring...]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import Config, Port, case, link_local  # noqa: E402
from netns_util import mac_of, need, ping, sh, start_pktgate  # noqa: E402
import frr_lab  # noqa: E402

pgtest.EAL_MEM_MB = 512     # room for the IPv6 TRIE, see test_ipv6.py
TAG = "%d" % os.getpid()          # interface names stay within 15 characters
NS_PEER, NS_BOX, NS_FAR = ("pg-bgp6-%s-%s" % (n, TAG) for n in ("peer", "box", "far"))
IF_WAN, IF_WAN_P = "bgp6w" + TAG, "bgp6wp" + TAG    # pktgate wan <-> peer
IF_LAN, IF_LAN_F = "bgp6l" + TAG, "bgp6lf" + TAG    # pktgate lan <-> far
TAP_LAN, TAP_WAN = "pg-bgp6-lan", "pg-bgp6-wan"    # mirrors, in the box ns only
WAN6, PEER6 = "2001:db8:b6::1", "2001:db8:b6::2"
LAN6, FAR6 = "2001:db8:1::1", "2001:db8:1::10"
FAR_NET = "2001:db8:1::/64"       # the box announces the far side's subnet
AS_BOX, AS_PEER = 65001, 65002
N_PREFIXES = 100
PREFIXES = frr_lab.prefixes6(N_PREFIXES)
TARGET = frr_lab.host_in(PREFIXES[-1], 7)      # behind the last prefix: 2001:db8:1063::7
FPM_PORT = 2626


def wait_until(pred, timeout=30.0):
    return pgtest.wait_until(pred, timeout)


class Env(frr_lab.Lab):
    """Three namespaces, their veths, pktgate and two FRRs; close() undoes it."""

    def __init__(self):
        super().__init__("bgp6", (NS_PEER, NS_BOX, NS_FAR))

    def setup(self):
        for ns in (NS_PEER, NS_BOX, NS_FAR):
            sh("ip", "netns", "add", ns)
            for k in ("all", "default"):
                sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % k, ns=ns)
                # no duplicate address detection: addresses usable at once
                sh("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % k, ns=ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)
        # the box forms random link-local addresses (as hosts set to
        # stable-privacy or random ones do): pktgate's mirrors must carry
        # pktgate's own all the same
        sh("sysctl", "-qw", "net.ipv6.conf.default.addr_gen_mode=3", ns=NS_BOX)
        # the box's ends are pktgate's (af_packet)
        frr_lab.veth(IF_WAN, NS_BOX, IF_WAN_P, NS_PEER, no_ipv6=(NS_BOX,))
        frr_lab.veth(IF_LAN, NS_BOX, IF_LAN_F, NS_FAR, no_ipv6=(NS_BOX,))
        sh("ip", "-6", "addr", "add", PEER6 + "/64", "dev", IF_WAN_P, "nodad", ns=NS_PEER)
        # no route back to the far side: the peer learns it from the box
        # by BGP, via the box's link-local address
        sh("ip", "-6", "addr", "add", TARGET + "/128", "dev", "lo", ns=NS_PEER)
        sh("ip", "-6", "addr", "add", FAR6 + "/64", "dev", IF_LAN_F, "nodad", ns=NS_FAR)
        sh("ip", "-6", "route", "add", "default", "via", LAN6, "dev", IF_LAN_F, ns=NS_FAR)

        self.mac = {"wan": mac_of(IF_WAN, NS_BOX), "lan": mac_of(IF_LAN, NS_BOX),
                    "peer": mac_of(IF_WAN_P, NS_PEER), "far": mac_of(IF_LAN_F, NS_FAR)}
        self.peer_ll = link_local(self.mac["peer"])
        lan = Port("lan", "net_af_packet0", "192.0.2.1", 24, self.mac["lan"],
                   ip6=LAN6 + "/64")
        wan = Port("wan", "net_af_packet1", "198.51.100.1", 24, self.mac["wan"],
                   ip6=WAN6 + "/64")
        lan.extra, wan.extra = ", tap: " + TAP_LAN, ", tap: " + TAP_WAN   # exception path
        # no neighbors: pktgate learns them by ND (arp.dynamic, the default)
        cfg = Config(ports=[lan, wan], arp={"retry_ms": 200})
        cfg.extra = "fpm:\n  listen: \"127.0.0.1:%d\"\n" % FPM_PORT
        conf = os.path.join(self.tmp, "pktgate.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
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
            AS_BOX, "10.0.0.1", PEER6, AS_PEER, networks=[FAR_NET], afi="ipv6"),
            fpm="127.0.0.1 port %d" % FPM_PORT)
        # the peer holds its announcements back (deny-all route-map) until
        # the test lets them go
        self.peer = frr_lab.Frr(NS_PEER, frr_dir, "peer", frr_lab.bgpd_conf(
            AS_PEER, "10.0.0.2", WAN6, AS_BOX, networks=PREFIXES, out_deny=True,
            afi="ipv6"))
        self.frrs = [self.box, self.peer]
        for f in self.frrs:
            f.start()

    def fpm_routes6(self):
        return frr_lab.fpm_routes(self.tel, "/pktgate/routes6")


def udp_through(count, expect):
    """Datagrams from the far side to [TARGET]:9999 that crossed the peer's
    wire (frr_lab.udp_through())."""
    return frr_lab.udp_through(NS_FAR, NS_PEER, IF_WAN_P, TARGET, count, expect)


ENV = None


def env():
    return need(ENV)


@case
def bgp6_setup():
    global ENV
    ENV = Env()
    ENV.setup()
    ENV.wait_fpm_connected()


@case
def bgp6_session_up_through_the_exception_path():
    e = env()
    addr = sh("ip", "-6", "-o", "addr", "show", "dev", TAP_WAN, ns=NS_BOX).stdout
    assert WAN6 + "/64" in addr, addr
    assert wait_until(lambda: frr_lab.established(e.box, PEER6, "ipv6"), 60), \
        e.box.vtysh("show bgp summary").stdout + e.logs()
    # TCP over IPv6 went through pktgate: punted to the WAN mirror, and
    # bgpd's segments sent out of the WAN port
    t = e.q("/pktgate/punt")
    assert t["wan"]["to_kernel"] >= 3 and t["wan"]["from_kernel"] >= 3, t
    assert t["punt_full"] == 0 and t["wan"]["to_kernel_drops"] == 0, t
    # the box's kernel found the peer by its own ND through pktgate
    n = sh("ip", "-6", "neigh", "show", PEER6, "dev", TAP_WAN, ns=NS_BOX).stdout
    assert e.mac["peer"] in n.lower(), n
    # the way back: the peer installed the box's announcement via the
    # box's link-local, the WAN mirror's, which must be pktgate's own
    # (pktgate answers the peer's solicitations for it)
    box_ll = e.q("/pktgate/ports,wan")["ipv6_link_local"]
    assert box_ll == link_local(e.mac["wan"]), box_ll
    a = sh("ip", "-6", "-o", "addr", "show", "dev", TAP_WAN, "scope", "link", ns=NS_BOX).stdout
    assert box_ll + "/64" in a, a

    def back():
        r = sh("ip", "-6", "route", "show", FAR_NET, ns=NS_PEER).stdout
        return r if "via %s dev %s proto bgp" % (box_ll, IF_WAN_P) in r else None
    assert wait_until(back, 10), sh("ip", "-6", "route", ns=NS_PEER).stdout
    assert e.fpm_routes6() == [], e.fpm_routes6()


@case
def bgp6_prefixes_reach_pktgate_via_link_local():
    e = env()
    frr_lab.set_export(e.peer, WAN6, permit=True, afi="ipv6")
    assert wait_until(lambda: len(e.fpm_routes6()) == N_PREFIXES, 60), \
        "%d fpm routes of %d\n%s\n%s\n%s" % (
            len(e.fpm_routes6()), N_PREFIXES, e.q("/pktgate/fpm"),
            e.box.vtysh("show ipv6 route").stdout, e.logs())
    # zebra's route: via the peer's link-local, out of the WAN mirror
    r = e.box.vtysh("show ipv6 route %s" % PREFIXES[0]).stdout
    assert e.peer_ll in r and TAP_WAN in r, r
    f = e.q("/pktgate/fpm")
    assert f["errors"] == 0 and f["resets"] == 0, f
    # only zebra's connected routes of the mirrors' subnets are left out
    assert all(v == 0 for k, v in f["ignored"].items() if k != "connected_own"), f
    # no packet asked for the peer's link-local yet: unresolved on wan
    want = {"%s port wan unresolved fpm (gateway unresolved)" % p for p in PREFIXES}
    assert set(e.fpm_routes6()) == want, sorted(set(e.fpm_routes6()) ^ want)[:10]


@case
def traffic6_to_a_learned_prefix_is_forwarded():
    e = env()
    # the first packets start the Neighbor Discovery on the way (pktgate
    # solicits the peer's link-local address, the peer the box's) and back
    # (pktgate learned the far host from its solicitation): dropped
    # meanwhile, so these are not counted
    sh("ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", TARGET, ns=NS_FAR, check=False)
    want = {"%s via %s port wan fpm" % (p, e.peer_ll) for p in PREFIXES}
    assert wait_until(lambda: set(e.fpm_routes6()) == want, 10), \
        sorted(set(e.fpm_routes6()) ^ want)[:10]
    out = ping(NS_FAR, TARGET, count=4, family="-6")
    assert "ttl=63" in out, out
    # the answers went back via the box's link-local: pktgate answered the
    # peer's solicitation for it with the port's MAC
    box_ll = link_local(e.mac["wan"])
    n = sh("ip", "-6", "neigh", "show", box_ll, "dev", IF_WAN_P, ns=NS_PEER).stdout
    assert e.mac["wan"] in n.lower(), n
    n6 = e.q("/pktgate/neighbors6")
    rows = list(zip(n6["ip"], n6["mac"], n6["port"], n6["state"]))
    assert (e.peer_ll, e.mac["peer"], "wan", "learned") in rows, n6
    before = e.q("/pktgate/stats")
    n = udp_through(20, expect=20)
    assert n == 20, "peer saw %d of 20 datagrams to %s\n%s" % (
        n, TARGET, e.q("/pktgate/stats"))
    after = e.q("/pktgate/stats")
    assert after["forwarded"] - before["forwarded"] >= 20, (before, after)


@case
def withdraw6_stops_forwarding():
    e = env()
    frr_lab.set_export(e.peer, WAN6, permit=False, afi="ipv6")
    assert wait_until(lambda: e.fpm_routes6() == [], 60), \
        "%d fpm routes left\n%s" % (len(e.fpm_routes6()), e.q("/pktgate/fpm"))
    f = frr_lab.fpm_stats_when(e.tel, lambda f: f["routes_deleted"] >= N_PREFIXES)
    assert f["routes_deleted"] >= N_PREFIXES, f
    before = e.q("/pktgate/stats")
    n = udp_through(20, expect=0)
    assert n == 0, "peer still saw %d datagrams to %s" % (n, TARGET)
    after = e.q("/pktgate/stats")
    assert after["ip6_no_route"] - before["ip6_no_route"] >= 20, (before, after)
    assert after["forwarded"] == before["forwarded"], (before, after)


if __name__ == "__main__":
    frr_lab.test_main(r"pg-bgp6-(?:peer|box|far)-(\d+)", lambda: ENV)
