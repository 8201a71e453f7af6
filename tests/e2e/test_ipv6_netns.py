#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""IPv6 end to end through real kernels: namespaces A (2001:db8:1::10/64)
and B (2001:db8:2::2/64), each joined to pktgate by a veth pair that
pktgate opens with net_af_packet, each with pktgate as its default router.
The kernels find pktgate by Neighbor Discovery (pktgate answers their
solicitations); pktgate knows them as static neighbors. `ping -6` goes
from A to B and back through pktgate (hop limit - 1), and to pktgate's
global and link-local addresses. The WAN port's mtu is 1400 (the veths
carry 1500): a bigger packet from A gets ICMPv6 Packet Too Big, and A's
kernel fragments the next ones to fit. Everything created here is deleted
again, also on failure. With PG_E2E_NEIGHBORS=dynamic no IPv6 neighbor is
configured: pktgate learns both hosts by Neighbor Discovery (its own
solicitations, and theirs for its addresses).

Needs root (exit 77, meson's SKIP, otherwise).
usage: test_ipv6_netns.py PKTGATE [case-name-substring...]
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import (Config, Port, case, link_local, main,  # noqa: E402
                    parse_summary, unique_prefix)
from netns_util import (mac_of, ping, sh, start_pktgate, stop_pktgate,  # noqa: E402
                        teardown)

pgtest.EAL_MEM_MB = 512     # room for the IPv6 TRIE, see test_ipv6.py
TAG = "%d" % os.getpid()
NS_A, NS_B = "pg-e2e6-a-" + TAG, "pg-e2e6-b-" + TAG
DENIED_PORT = 23                  # lan's ACL denies TCP to it
IF_A, IF_B = "pg6a" + TAG, "pg6b" + TAG          # root-namespace ends
PEER_A, PEER_B = "pg6na" + TAG, "pg6nb" + TAG    # namespace ends
A6, B6 = "2001:db8:1::10", "2001:db8:2::2"
WAN_MTU = 1400
DYNAMIC = os.environ.get("PG_E2E_NEIGHBORS", "static") == "dynamic"
LAN6, WAN6 = "2001:db8:1::1", "2001:db8:2::1"


class Env:
    def __init__(self):
        self.proc = self.tel = None
        self.tmp = tempfile.mkdtemp(prefix="pg-e2e6-")
        self.prefix = unique_prefix("pge2e6")

    def setup(self):
        for ns, rif, pif, ip, gw in ((NS_A, IF_A, PEER_A, A6, LAN6),
                                     (NS_B, IF_B, PEER_B, B6, WAN6)):
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "add", rif, "type", "veth", "peer", "name", pif, "netns", ns)
            # the root ends are pktgate's: no kernel IPv6 on them
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % rif, check=False)
            sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", ns=ns)
            sh("sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0", ns=ns)
            sh("ethtool", "-K", rif, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off")
            sh("ethtool", "-K", pif, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off", ns=ns)
            sh("ip", "link", "set", rif, "up")
            sh("ip", "link", "set", "lo", "up", ns=ns)
            sh("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % pif, ns=ns)
            sh("ip", "-6", "addr", "add", ip + "/64", "dev", pif, "nodad", ns=ns)
            sh("ip", "link", "set", pif, "up", ns=ns)
            sh("ip", "-6", "route", "add", "default", "via", gw, "dev", pif, ns=ns)
        self.mac = {"lan": mac_of(IF_A), "wan": mac_of(IF_B),
                    "a": mac_of(PEER_A, NS_A), "b": mac_of(PEER_B, NS_B)}
        cfg = Config(ports=[Port("lan", "net_af_packet0", "192.0.2.1", 24, self.mac["lan"],
                                 ip6=LAN6 + "/64"),
                            Port("wan", "net_af_packet1", "198.51.100.1", 24,
                                 self.mac["wan"], ip6=WAN6 + "/64", mtu=WAN_MTU)],
                     neighbors=[] if DYNAMIC else [(A6, self.mac["a"], "lan"),
                                                   (B6, self.mac["b"], "wan")],
                     routes=[],
                     arp={"retry_ms": 200} if DYNAMIC else None)
        # the firewall: telnet from the lan side is denied, the rest allowed
        cfg.extra = ("acl:\n  - port: lan\n    rules:\n"
                     "      - {action: deny, proto: tcp, dport: %d}\n" % DENIED_PORT)
        conf = os.path.join(self.tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        q = pgtest.TOPOLOGY["queues"]
        vdevs = ["net_af_packet0,iface=%s,qpairs=%d" % (IF_A, q),
                 "net_af_packet1,iface=%s,qpairs=%d" % (IF_B, q)]
        start_pktgate(self, [pgtest.PKTGATE] + pgtest.eal_args(self.prefix, vdevs, log_levels=())
                      + ["--", "-c", conf, "--duration", "240"])

    def close(self):
        teardown(self, (NS_A, NS_B), (IF_A, IF_B))


ENV = None


def env():
    if ENV is None or ENV.tel is None:
        raise AssertionError("environment not set up (see the first failure)")
    return ENV


def ping6(ns, dst, count=5):
    return ping(ns, dst, count, family="-6")


@case
def e2e6_setup():
    global ENV
    ENV = Env()
    ENV.setup()


@case
def ping6_pktgate_global():
    env()
    out = ping6(NS_A, LAN6)
    assert "ttl=64" in out, out
    # the kernel learnt pktgate's MAC from our Neighbor Advertisement
    p = sh("ip", "-6", "neigh", "show", LAN6, ns=NS_A)
    assert env().mac["lan"] in p.stdout.lower() and "router" in p.stdout, p.stdout


@case
def ping6_pktgate_link_local():
    e = env()
    out = ping6(NS_A, "%s%%%s" % (link_local(e.mac["lan"]), PEER_A), count=3)
    assert "ttl=64" in out, out


@case
def ping6_a_to_b_and_back():
    env()
    out = ping6(NS_A, B6)
    assert "ttl=63" in out, "one hop must take one off the hop limit:\n" + out
    ping6(NS_B, A6, count=3)
    ping6(NS_A, WAN6, count=3)           # pktgate's other address, via lan


CONNECT = """
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
    print("connected")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("timeout" if isinstance(e, socket.timeout) else "error %s" % e)
"""


def tcp_connect(ns, dst, port):
    return sh("/usr/bin/python3", "-c", CONNECT, dst, str(port), ns=ns,
              timeout=20).stdout.strip()


@case
def tcp_to_a_denied_port_is_dropped_by_the_acl():
    """Nothing listens on B: a SYN that pktgate forwards comes back as B's
    RST ("refused"); one to the port lan's ACL denies never reaches B
    ("timeout") and is counted as acl_deny."""
    e = env()
    before = e.tel.query("/pktgate/stats").get("acl_deny", 0)
    assert tcp_connect(NS_A, B6, DENIED_PORT + 1) == "refused"
    assert tcp_connect(NS_A, B6, DENIED_PORT) == "timeout"
    after = e.tel.query("/pktgate/stats")
    assert after["acl_deny"] - before >= 1, after
    # the other direction has no list: B reaches A's closed port
    assert tcp_connect(NS_B, A6, DENIED_PORT) == "refused"


@case
def packet_too_big_reaches_the_kernel():
    """1448-byte echo requests (payload 1400) to B: the first is too big
    for the WAN port and answered with Packet Too Big; A's kernel takes
    the MTU (RFC 8201: its route to B shows mtu 1400) and fragments the
    following ones, which pktgate forwards and B answers."""
    e = env()
    before = e.tel.query("/pktgate/stats")
    p = sh("ping", "-6", "-c", "4", "-i", "0.3", "-W", "2", "-s", "1400", B6, ns=NS_A,
           check=False, timeout=30)
    m = re.search(r"(\d+) received", p.stdout)
    got = int(m.group(1)) if m else 0
    assert got >= 2, "ping -s 1400 %s: %d answered\n%s%s" % (B6, got, p.stdout, p.stderr)
    r = sh("ip", "-6", "route", "get", B6, ns=NS_A)
    assert "mtu %d" % WAN_MTU in r.stdout, r.stdout
    after = e.tel.query("/pktgate/stats")
    assert after["ip6_too_big"] - before.get("ip6_too_big", 0) >= 1, after
    assert after["icmp_frag_needed"] - before.get("icmp_frag_needed", 0) >= 1, after


@case
def e2e6_telemetry_and_summary():
    e = env()
    s = e.tel.query("/pktgate/stats")
    assert s["forwarded"] >= 8 and s["local"] >= 11, s
    nb = e.tel.query("/pktgate/neighbors6")
    if DYNAMIC:
        # both hosts learned, by pktgate's solicitation or by theirs (A's
        # link-local one too: it solicited our link-local address)
        got = dict(zip(nb["ip"], zip(nb["mac"], nb["port"], nb["state"])))
        assert got[A6] == (e.mac["a"], "lan", "learned"), nb
        assert got[B6] == (e.mac["b"], "wan", "learned"), nb
        assert set(nb["state"]) == {"learned"} and nb["incomplete"] == 0, nb
        assert nb["learned"] == len(nb["ip"]) and nb["nd_solicits"] >= 1, nb
    else:
        assert nb["state"] == ["static", "static"], nb
    rc, out, _ = stop_pktgate(e)
    assert rc == 0, out
    s = parse_summary(out)
    assert s is not None and s["rx"] == s["forwarded"] + s["local"] + s["drops"], out
    # what the kernels send besides (MLD reports, router solicitations) is
    # dropped by name, never forwarded
    assert s["drop"].get("ip6_no_route", 0) == 0, s["lines"]


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("not root: network namespaces need root")
        print("0 passed, 0 failed")
        sys.exit(77)
    for tool in ("ip", "ethtool", "ping"):
        if shutil.which(tool) is None:
            sys.exit("missing %s (packages iproute2, ethtool, iputils-ping)" % tool)
    try:
        main()
    finally:
        if ENV is not None:
            ENV.close()
