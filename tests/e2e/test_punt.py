#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""End to end through the exception path (docs/punt.md): pktgate runs in
namespace G (its port on a veth end there, net_af_packet) with a kernel
mirror interface for that port; a peer in namespace P connects by TCP to
pktgate's port address. The SYN, the data and the FIN are punted to G's
kernel, where a listening socket bound to that address answers; what G's
kernel sends leaves by the port. ARP both ways: pktgate answers the peer's
requests inline; the kernel's own requests go out, and the peer's replies
are punted to the kernel. Telemetry /pktgate/punt and the final summary
must show the traffic. A second run (the port with IPv6 too) checks that
pktgate-ctl's neighbor add/del reach the mirror's kernel table. Everything
created here is deleted again.

Needs root (exit 77, meson's SKIP, otherwise).
usage: PKTGATE_CTL=path/to/pktgate-ctl test_punt.py PKTGATE [case-name-substring...]
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import (Config, Port, case, main,  # noqa: E402
                    parse_summary, unique_prefix)
from netns_util import (mac_of, ping, sh, start_pktgate, stop_pktgate,  # noqa: E402
                        teardown)

TAG = "%d" % os.getpid()
NS_G, NS_P = "pg-punt-g-" + TAG, "pg-punt-p-" + TAG
IF_G, IF_P = "pgpg" + TAG, "pgpp" + TAG      # veth ends in G and P
TAP = "pg-punt-m"                             # in G only: no clash between runs
G_IP, P_IP = "10.213.7.1", "10.213.7.2"
G_IP6 = "2001:db8:7::1"
PORT = 179
CTL = os.environ.get("PKTGATE_CTL")

SERVER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
print("listening", flush=True)
c, a = s.accept()
data = c.recv(100)
c.sendall(data.upper())
c.close()
print("served", a[0], flush=True)
"""

CLIENT = r"""
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
c.sendall(b"hello bgp")
print(c.recv(100).decode(), flush=True)
"""


class Env:
    def __init__(self, ip6=False):
        self.proc = None
        self.tel = None
        self.ip6 = ip6           # the port (and so its mirror) with IPv6
        self.tmp = tempfile.mkdtemp(prefix="pg-punt-e2e-")
        self.prefix = unique_prefix("pgpunt")
        self.sock = os.path.join(self.tmp, "ctl.sock")

    def setup(self):
        sh("ip", "netns", "add", NS_G)
        sh("ip", "netns", "add", NS_P)
        sh("ip", "link", "add", IF_G, "netns", NS_G, "type", "veth", "peer", "name", IF_P,
           "netns", NS_P)
        for ns, ifn in ((NS_G, IF_G), (NS_P, IF_P)):
            # no IPv6 chatter; with ip6, G's kernel keeps it for the mirror
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % (
                ifn if self.ip6 and ns == NS_G else "all"), ns=ns, check=False)
            sh("ethtool", "-K", ifn, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off", ns=ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)
            sh("ip", "link", "set", ifn, "up", ns=ns)
        sh("ip", "addr", "add", P_IP + "/24", "dev", IF_P, ns=NS_P)
        mac = mac_of(IF_G, NS_G)
        cfg = Config(ports=[Port("lan", "net_af_packet0", G_IP, 24, mac,
                                 ip6=G_IP6 + "/64" if self.ip6 else None)], arp={})
        cfg.ports[0].extra = ", tap: %s" % TAP
        cfg.extra = "control: {socket: %s}\n" % self.sock
        conf = os.path.join(self.tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        q = pgtest.TOPOLOGY["queues"]
        mem = pgtest.EAL_MEM_MB
        if self.ip6:           # a live IPv6 table: two TRIE copies
            pgtest.EAL_MEM_MB = 512
        eal = pgtest.eal_args(self.prefix, ["net_af_packet0,iface=%s,qpairs=%d" % (IF_G, q)],
                              log_levels=())
        pgtest.EAL_MEM_MB = mem
        start_pktgate(self, [pgtest.PKTGATE] + eal + ["--", "-c", conf, "--duration", "120"],
                      ns=NS_G)

    def ctl(self, *args):
        return sh(CTL, "-s", self.sock, *args)

    def kernel_neigh(self, ip):
        """G's kernel's entry for ip on the mirror ('' when it has none)."""
        return sh("ip", "neigh", "show", ip, "dev", TAP, ns=NS_G).stdout.strip()

    def close(self):
        teardown(self, (NS_G, NS_P), ())


@case
def tcp_through_the_exception_path():
    env = Env()
    try:
        env.setup()
        addr = sh("ip", "-4", "-o", "addr", "show", "dev", TAP, ns=NS_G).stdout
        assert G_IP + "/24" in addr, addr
        link = sh("ip", "-o", "link", "show", "dev", TAP, ns=NS_G).stdout
        assert mac_of(IF_G, NS_G) in link and "UP" in link, link
        # pktgate answers the peer's ARP and ping inline
        ping(NS_P, G_IP, count=3)
        server = subprocess.Popen(["ip", "netns", "exec", NS_G, "/usr/bin/python3", "-c",
                                   SERVER, G_IP, str(PORT)],
                                  stdout=subprocess.PIPE, universal_newlines=True)
        try:
            assert server.stdout.readline().strip() == "listening"
            cli = sh("/usr/bin/python3", "-c", CLIENT, G_IP, str(PORT), ns=NS_P,
                     timeout=30)
            assert cli.stdout.strip() == "HELLO BGP", cli.stdout
            out, _ = server.communicate(timeout=10)
            assert out.strip() == "served " + P_IP, out
        finally:
            if server.poll() is None:
                server.kill()      # our own child, by its handle
                server.wait()
        tel = env.tel.query("/pktgate/punt")
        lan = tel["lan"]
        assert tel["enabled"] == 1 and lan["tap"] == TAP, tel
        # SYN, ACK, data, FIN, ... in; SYN-ACK, data, FIN, ... out
        assert lan["to_kernel"] >= 4 and lan["from_kernel"] >= 4, tel
        assert tel["punted"] == lan["to_kernel"] + lan["to_kernel_drops"], tel
        assert tel["punt_full"] == 0 and lan["from_kernel_drops"] == 0, tel
        # the kernel resolved the peer by its own ARP (reply punted to it)
        neigh = sh("ip", "neigh", "show", P_IP, "dev", TAP, ns=NS_G).stdout
        assert mac_of(IF_P, NS_P) in neigh, neigh
        rc, out, err = stop_pktgate(env)
        assert rc == 0, err[-2000:]
        s = parse_summary(out)
        # at least what telemetry saw: G's kernel may still send (and be
        # answered) between that snapshot and the SIGINT
        assert s["punted"] >= tel["punted"] and s["ctl_tx"] >= lan["from_kernel"], (
            tel, s["lines"])
        assert s["rx"] == s["forwarded"] + s["local"] + s["drops"], s["lines"]
    finally:
        env.close()
    for ns in (NS_G, NS_P):
        assert ns not in sh("ip", "netns", "list").stdout


@case
def ctl_neighbors_reach_the_kernel():
    """neighbor add copies the neighbor into the mirror's kernel table as
    REACHABLE (IPv4, IPv6 inside the port's prefix, and link-local on the
    port the command names), neighbor del takes it out again."""
    if CTL is None:
        raise AssertionError("PKTGATE_CTL is not set (the pktgate-ctl to use)")
    mac = "02:00:00:00:77:77"
    env = Env(ip6=True)
    try:
        env.setup()
        # a link-local neighbor names its port
        added = (("10.213.7.77",), ("2001:db8:7::77",), ("fe80::77", "port", "lan"))
        for ip, *port in added:
            assert env.kernel_neigh(ip) == "", "before: " + env.kernel_neigh(ip)
            env.ctl("neighbor", "add", ip, mac, *port)
            got = env.kernel_neigh(ip)
            assert got == "%s lladdr %s REACHABLE" % (ip, mac), got
        nb = env.tel.query("/pktgate/neighbors6")
        assert sorted(nb["ip"]) == ["2001:db8:7::77", "fe80::77"], nb
        for ip, *port in added:
            env.ctl("neighbor", "del", ip, *port)
            got = env.kernel_neigh(ip)
            assert mac not in got and "REACHABLE" not in got, got
        assert env.tel.query("/pktgate/neighbors")["count"] == 0
        rc, _, err = stop_pktgate(env)
        assert rc == 0, err[-2000:]
        assert "refused" not in err and "not removed" not in err, err[-2000:]
    finally:
        env.close()


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("skip: needs root (network namespaces)")
        sys.exit(77)
    main()
