#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""pktgate as the forwarding plane of a real FRR (Debian's frr 8.4): zebra
with -M dplane_fpm_nl and staticd run by hand in a network namespace of
their own, next to a pktgate (net_null ports) listening for FPM on the
namespace's loopback. A kernel veth carries the WAN subnet so that zebra
resolves the next hop (docs/frr.md). A static route added with vtysh must
appear in /pktgate/routes with origin fpm, `no ip route` must remove it;
two static routes for one prefix must become an ECMP next-hop group; an
`ipv6 route` must reach the IPv6 table the same way, two of them for one
prefix an IPv6 group.
Every process and the namespace are removed again, by PID and by name.

Needs root and /usr/lib/frr/zebra (exit 77, meson's SKIP, otherwise).
usage: test_frr.py PKTGATE [case-name-substring...]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import (Config, Port, case, cleanup_prefix, eal_args, main,  # noqa: E402
                    unique_prefix, wait_for_socket)
from netns_util import sh  # noqa: E402

FRR = "/usr/lib/frr"
TAG = "%d" % os.getpid()
NS = "pg-frr-" + TAG
VETH, PEER = "pgfw" + TAG, "pgfp" + TAG      # both ends in NS
WAN_NET_IP = "198.51.100.1/24"                # the kernel's view of the WAN port
GW = "198.51.100.2"
GW2 = "198.51.100.3"                          # no neighbor: an unresolved member
WAN_NET_IP6 = "2001:db8:2::1/64"
GW6 = "2001:db8:2::2"
GW6B = "2001:db8:2::3"                        # no neighbor: an unresolved member


def wait_until(pred, timeout=30.0):
    """zebra connects ~3 s after start: longer than the packet tests wait."""
    return pgtest.wait_until(pred, timeout)


class Env:
    def __init__(self):
        self.procs = []           # (name, Popen), stopped in reverse order
        self.tel = None
        self.ns = False
        self.tmp = tempfile.mkdtemp(prefix="pg-frr-")
        self.prefix = unique_prefix("pgfrr")

    def spawn(self, name, cmd, **kw):
        log = open(os.path.join(self.tmp, name + ".out"), "w")
        p = subprocess.Popen(("ip", "netns", "exec", NS) + tuple(cmd), stdout=log,
                             stderr=subprocess.STDOUT, cwd=self.tmp, **kw)
        self.procs.append((name, p))
        return p

    def setup(self):
        sh("ip", "netns", "add", NS)
        self.ns = True
        sh("ip", "link", "set", "lo", "up", ns=NS)
        sh("ip", "link", "add", VETH, "type", "veth", "peer", "name", PEER, ns=NS)
        sh("ip", "addr", "add", WAN_NET_IP, "dev", VETH, ns=NS)
        sh("ip", "addr", "add", WAN_NET_IP6, "dev", VETH, "nodad", ns=NS)
        sh("ip", "link", "set", VETH, "up", ns=NS)
        sh("ip", "link", "set", PEER, "up", ns=NS)
        # pktgate, listening for FPM on the namespace's loopback
        cfg = Config(ports=[Port("lan", "net_null0", "192.0.2.1", 24, "02:00:00:00:00:01",
                                 ip6="2001:db8:1::1/64"),
                            Port("wan", "net_null1", "198.51.100.1", 24,
                                 "02:00:00:00:00:02", ip6=WAN_NET_IP6)],
                     neighbors=[(GW, "02:00:00:00:00:99", "wan"),
                                (GW6, "02:00:00:00:00:99", "wan")])
        conf = os.path.join(self.tmp, "pktgate.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text() + "fpm:\n  listen: \"127.0.0.1:2620\"\n")
        mem = pgtest.EAL_MEM_MB
        pgtest.EAL_MEM_MB = 512        # the IPv6 table's two TRIE copies
        pg = self.spawn("pktgate", [pgtest.PKTGATE] + eal_args(
            self.prefix, ["net_null0,no-rx=1", "net_null1,no-rx=1"]) + ["--", "-c", conf])
        pgtest.EAL_MEM_MB = mem
        self.tel = wait_for_socket(self.prefix, pg)
        # FRR: its files in a directory the frr user owns
        run = os.path.join(self.tmp, "frr")
        os.mkdir(run)
        with open(os.path.join(run, "zebra.conf"), "w") as f:
            f.write("hostname pgfrr\nfpm address 127.0.0.1 port 2620\n")
        with open(os.path.join(run, "staticd.conf"), "w") as f:
            f.write("hostname pgfrr\n")
        os.chmod(self.tmp, 0o755)
        sh("chown", "-R", "frr:frr", run)
        common = ["-u", "frr", "-g", "frr", "-P", "0", "-z", run + "/zserv.api",
                  "--vty_socket", run]
        self.spawn("zebra", [FRR + "/zebra", "-M", "dplane_fpm_nl", "-f",
                             run + "/zebra.conf", "-i", run + "/zebra.pid",
                             "--log", "file:" + run + "/zebra.log"] + common)
        self.spawn("staticd", [FRR + "/staticd", "-f", run + "/staticd.conf",
                               "-i", run + "/staticd.pid",
                               "--log", "file:" + run + "/staticd.log"] + common)
        self.run = run

    def vtysh(self, *cmds):
        args = ["vtysh", "--vty_socket", self.run]
        for c in cmds:
            args += ["-c", c]
        return sh(*args, ns=NS)

    def q(self, cmd):
        return self.tel.query(cmd)

    def routes(self):
        return self.q("/pktgate/routes,0")["routes"]

    def routes6(self):
        return self.q("/pktgate/routes6,0")["routes"]

    def logs(self):
        out = []
        for name in ("pktgate.out", "zebra.out", "staticd.out", "frr/zebra.log"):
            try:
                with open(os.path.join(self.tmp, name)) as f:
                    out.append("--- %s\n%s" % (name, f.read()[-3000:]))
            except OSError:
                pass
        return "\n".join(out)

    def close(self):
        if self.tel is not None:
            self.tel.close()
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGINT if name == "pktgate" else signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()             # our own child, by its handle
                    p.wait()
        if self.ns:
            sh("ip", "netns", "del", NS, check=False)
        cleanup_prefix(self.prefix)
        if os.environ.get("PG_TEST_KEEP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)


@case
def frr_static_route_over_fpm():
    e = Env()
    try:
        e.setup()
        f = wait_until(lambda: (lambda f: f if f["connected"] else None)(e.q("/pktgate/fpm")))
        assert f, "zebra did not connect\n" + e.logs()
        e.vtysh("conf t", "ip route 10.77.0.0/16 " + GW)
        want = "10.77.0.0/16 via %s port wan fpm" % GW
        assert wait_until(lambda: want in e.routes()), \
            "%s not in %s\n%s%s" % (want, e.routes(), e.q("/pktgate/fpm"), e.logs())
        # counters are published after the table changed: wait for them too
        f = wait_until(lambda: (lambda f: f if f["routes_added"] >= 1 else None)(
            e.q("/pktgate/fpm")))
        # FRR 8.4 sends next-hop objects by default, and its connected
        # route for the WAN subnet, which must change nothing
        assert f["nexthops"] >= 1 and f["errors"] == 0 and f["resets"] == 0, f
        assert f["ignored"]["connected_own"] >= 1, f
        assert "198.51.100.0/24 port wan unresolved connected" in e.routes(), e.routes()
        # ECMP: two static routes for one prefix are one multipath route in
        # zebra, an NHA_GROUP over FPM, a next-hop group in pktgate
        e.vtysh("conf t", "ip route 10.78.0.0/16 " + GW, "ip route 10.78.0.0/16 " + GW2)
        assert wait_until(lambda: any(r.startswith("10.78.0.0/16 ecmp group ") and
                                      r.endswith(" fpm") for r in e.routes())), \
            "%s\n%s%s" % (e.routes(), e.q("/pktgate/fpm"), e.logs())
        g = e.q("/pktgate/nhgroups")
        assert g["count"] == 1 and sorted(g["via"]) == [GW, GW2], g
        assert e.q("/pktgate/fpm")["ecmp_truncated"] == 0
        e.vtysh("conf t", "no ip route 10.78.0.0/16 " + GW2)
        want2 = "10.78.0.0/16 via %s port wan fpm" % GW
        assert wait_until(lambda: want2 in e.routes()), "%s\n%s" % (e.routes(), e.logs())
        assert wait_until(lambda: e.q("/pktgate/nhgroups")["count"] == 0)
        e.vtysh("conf t", "no ip route 10.78.0.0/16 " + GW)
        e.vtysh("conf t", "no ip route 10.77.0.0/16 " + GW)
        assert wait_until(lambda: not any(r.startswith("10.77.") for r in e.routes())), \
            "%s\n%s" % (e.routes(), e.logs())
        assert wait_until(lambda: e.q("/pktgate/fpm")["routes_deleted"] >= 1)
        # IPv6: a static route via a global gateway, then its removal
        e.vtysh("conf t", "ipv6 route 2001:db8:77::/48 " + GW6)
        want6 = "2001:db8:77::/48 via %s port wan fpm" % GW6
        assert wait_until(lambda: want6 in e.routes6()), \
            "%s not in %s\n%s%s" % (want6, e.routes6(), e.q("/pktgate/fpm"), e.logs())
        e.vtysh("conf t", "no ipv6 route 2001:db8:77::/48 " + GW6)
        assert wait_until(lambda: not any(r.startswith("2001:db8:77::") for r in e.routes6())), \
            "%s\n%s" % (e.routes6(), e.logs())
        # IPv6 ECMP: two next hops for one prefix, a group of the IPv6 table
        e.vtysh("conf t", "ipv6 route 2001:db8:78::/48 " + GW6,
                "ipv6 route 2001:db8:78::/48 " + GW6B)
        assert wait_until(lambda: any(r.startswith("2001:db8:78::/48 ecmp group ") and
                                      r.endswith(" fpm") for r in e.routes6())), \
            "%s\n%s%s" % (e.routes6(), e.q("/pktgate/fpm"), e.logs())
        g = e.q("/pktgate/nhgroups6")
        assert g["count"] == 1 and sorted(g["via"]) == [GW6, GW6B], g
        assert g["buckets"] == [32, 32], g
        assert e.q("/pktgate/fpm")["ecmp_truncated"] == 0
        e.vtysh("conf t", "no ipv6 route 2001:db8:78::/48 " + GW6B)
        want6 = "2001:db8:78::/48 via %s port wan fpm" % GW6
        assert wait_until(lambda: want6 in e.routes6()), "%s\n%s" % (e.routes6(), e.logs())
        assert wait_until(lambda: e.q("/pktgate/nhgroups6")["count"] == 0)
        e.vtysh("conf t", "no ipv6 route 2001:db8:78::/48 " + GW6)
        assert wait_until(lambda: not any(r.startswith("2001:db8:78::") for r in e.routes6())), \
            "%s\n%s" % (e.routes6(), e.logs())
        f = e.q("/pktgate/fpm")
        assert f["errors"] == 0 and f["resets"] == 0 and f["ignored"]["no_ipv6"] == 0, f
    finally:
        e.close()


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("skip: needs root (network namespaces)")
        sys.exit(77)
    if not os.access(FRR + "/zebra", os.X_OK):
        print("skip: FRR is not installed (%s/zebra)" % FRR)
        sys.exit(77)
    sys.exit(main())
