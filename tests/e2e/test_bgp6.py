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
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import (Config, Port, case, link_local, main, unique_prefix,  # noqa: E402
                    wait_for_socket)
from netns_util import mac_of, need, ping, remove_stale, sh, teardown  # noqa: E402
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


class Env:
    """Three namespaces, their veths, pktgate and two FRRs; close() undoes it."""

    def __init__(self):
        self.proc = None
        self.tel = None
        self.frrs = []
        self.tmp = tempfile.mkdtemp(prefix="pg-bgp6-")
        self.prefix = unique_prefix("pgbgp6")

    def link(self, a, ns_a, b, ns_b):
        """veth a (in ns_a) <-> b (in ns_b), both up, offloads off. The box's
        ends are pktgate's (af_packet): no kernel IPv6 on them, or that
        kernel would answer ND there beside pktgate."""
        sh("ip", "link", "add", a, "netns", ns_a, "type", "veth", "peer", "name", b,
           "netns", ns_b)
        for ifn, ns in ((a, ns_a), (b, ns_b)):
            sh("ethtool", "-K", ifn, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off", ns=ns)
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=%d"
               % (ifn, ns == NS_BOX), ns=ns)
            sh("ip", "link", "set", ifn, "up", ns=ns)

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
        self.link(IF_WAN, NS_BOX, IF_WAN_P, NS_PEER)
        self.link(IF_LAN, NS_BOX, IF_LAN_F, NS_FAR)
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
        self.out = open(os.path.join(self.tmp, "stdout"), "w+")
        self.err = open(os.path.join(self.tmp, "stderr"), "w+")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", NS_BOX, pgtest.PKTGATE] + eal
            + ["--", "-c", conf, "--duration", "240"],
            cwd=self.tmp, stdout=self.out, stderr=self.err)
        try:
            self.tel = wait_for_socket(self.prefix, self.proc)
        except AssertionError:
            self.err.seek(0)
            raise AssertionError("pktgate did not come up:\n" + self.err.read()[-3000:])

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

    def q(self, cmd):
        return self.tel.query(cmd)

    def fpm_routes6(self):
        """The routes of /pktgate/routes6 of origin fpm, all pages."""
        out, off = [], 0
        while True:
            r = self.q("/pktgate/routes6,%d" % off)
            out += [x for x in r["routes"] if " fpm" in x]
            off += r["page_size"]
            if off >= r["count"]:
                return out

    def logs(self):
        out = [f.logs() for f in self.frrs]
        for name in ("stdout", "stderr"):
            try:
                with open(os.path.join(self.tmp, name)) as fh:
                    out.append("--- pktgate %s\n%s" % (name, fh.read()[-3000:]))
            except OSError:
                pass
        return "\n".join(out)

    def close(self):
        for f in self.frrs:
            f.stop()
        teardown(self, (NS_PEER, NS_BOX, NS_FAR), ())


def udp_through(count, expect):
    """Send `count` datagrams from the far side to [TARGET]:9999 (through
    pktgate); return how many the peer saw on its wire (a packet socket on
    its veth: the peer kernel's routing plays no part)."""
    cap = subprocess.Popen(
        ["ip", "netns", "exec", NS_PEER, "/usr/bin/python3", "-c", r"""
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
s.bind((sys.argv[1], 0)); s.settimeout(0.2)
print("ready", flush=True)
n, end = 0, time.time() + float(sys.argv[3])
want = socket.inet_pton(socket.AF_INET6, sys.argv[2])
while time.time() < end and n < int(sys.argv[4]):
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    # IPv6, next header UDP, to TARGET, port 9999
    if f[14 + 6] == 17 and f[38:54] == want and struct.unpack("!H", f[56:58])[0] == 9999:
        n += 1
print(n, flush=True)
""", IF_WAN_P, TARGET, "3" if expect == 0 else "15", str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        assert cap.stdout.readline().strip() == "ready", cap.stderr.read()
        sh("/usr/bin/python3", "-c", r"""
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"bgp6-%03d" % i, (sys.argv[1], 9999))
    time.sleep(0.01)
""", TARGET, str(count), ns=NS_FAR)
        out, err = cap.communicate(timeout=30)
    finally:
        if cap.poll() is None:
            cap.kill()
            cap.wait()
    assert cap.returncode == 0, err
    return int(out.strip())


ENV = None


def env():
    return need(ENV)


@case
def bgp6_setup():
    global ENV
    ENV = Env()
    ENV.setup()
    e = ENV
    f = wait_until(lambda: (lambda f: f if f["connected"] else None)(e.q("/pktgate/fpm")))
    assert f, "zebra did not connect over FPM\n" + e.logs()


@case
def bgp6_session_up_through_the_exception_path():
    e = env()
    addr = sh("ip", "-6", "-o", "addr", "show", "dev", TAP_WAN, ns=NS_BOX).stdout
    assert WAN6 + "/64" in addr, addr

    def up():
        p = e.box.vtysh("show bgp ipv6 unicast summary json", check=False)
        return PEER6 in p.stdout and '"state":"Established"' in p.stdout.replace(" ", "")
    assert wait_until(up, 60), e.box.vtysh("show bgp summary").stdout + e.logs()
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
    # the first echo asks pktgate to solicit the peer's link-local (and the
    # far host, for the answer): ping() forgives one loss
    out = ping(NS_FAR, TARGET, count=4, family="-6")
    assert "ttl=63" in out, out
    routes = e.fpm_routes6()
    want = {"%s via %s port wan fpm" % (p, e.peer_ll) for p in PREFIXES}
    assert set(routes) == want, sorted(set(routes) ^ want)[:10]
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
    f = e.q("/pktgate/fpm")
    assert f["routes_deleted"] >= N_PREFIXES, f
    before = e.q("/pktgate/stats")
    n = udp_through(20, expect=0)
    assert n == 0, "peer still saw %d datagrams to %s" % (n, TARGET)
    after = e.q("/pktgate/stats")
    assert after["ip6_no_route"] - before["ip6_no_route"] >= 20, (before, after)
    assert after["forwarded"] == before["forwarded"], (before, after)


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("skip: needs root (network namespaces)")
        sys.exit(77)
    if not frr_lab.frr_installed():
        print("skip: FRR is not installed (%s/zebra, bgpd, vtysh)" % frr_lab.FRR)
        sys.exit(77)
    for tool in ("ip", "ethtool", "ping"):
        if shutil.which(tool) is None:
            sys.exit("missing %s (packages iproute2, ethtool, iputils-ping)" % tool)
    remove_stale(r"pg-bgp6-(?:peer|box|far)-(\d+)")
    try:
        main()
    finally:
        if ENV is not None:
            ENV.close()
