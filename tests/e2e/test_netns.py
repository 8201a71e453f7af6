#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""End to end through real kernels: two network namespaces, each joined to
pktgate by a veth pair whose root-namespace end pktgate opens with
net_af_packet. Namespace A (192.0.2.10/24, gateway 192.0.2.1) and B
(198.51.100.2/24, gateway 198.51.100.1, plus 203.0.113.1/32 on its
loopback) resolve pktgate by ARP; pktgate knows them as static neighbors,
or, with PG_E2E_NEIGHBORS=dynamic, learns them by ARP itself (no neighbor
in the config: the first packet to each is dropped while it asks).
ping, UDP and TCP go through it; telemetry and the final summary must show
the forwarding. The WAN port's mtu is 1400 (the veths carry 1500): TCP
from A to B only works if pktgate's "fragmentation needed" reaches A's
kernel (path MTU discovery), and ping shows the other ICMP errors.
Everything created here is deleted again, also on failure.

Needs root (exit 77, meson's SKIP, otherwise).
usage: test_netns.py PKTGATE [case-name-substring...]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pkt"))
import pgtest  # noqa: E402
from pgtest import (Config, Port, case, main,  # noqa: E402
                    parse_summary, unique_prefix)
from netns_util import (mac_of, need, ping, remove_stale, sh,  # noqa: E402
                        start_pktgate, stop_pktgate, teardown)

TAG = "%d" % os.getpid()          # interface names stay within 15 characters
NS_A, NS_B = "pg-e2e-a-" + TAG, "pg-e2e-b-" + TAG
IF_A, IF_B = "pgea" + TAG, "pgeb" + TAG          # root-namespace ends
PEER_A, PEER_B = "pgna" + TAG, "pgnb" + TAG      # namespace ends
A_IP, B_IP = "192.0.2.10", "198.51.100.2"
LAN_IP, WAN_IP = "192.0.2.1", "198.51.100.1"
B_LOOP = "203.0.113.1"
DYNAMIC = os.environ.get("PG_E2E_NEIGHBORS", "static") == "dynamic"
WAN_MTU = 1400


class Env:
    """Namespaces, veths and a running pktgate; close() undoes it all."""

    def __init__(self):
        self.proc = None
        self.tel = None
        self.tmp = tempfile.mkdtemp(prefix="pg-e2e-")
        self.prefix = unique_prefix("pge2e")

    def setup(self):
        for ns, rif, pif, ip, gw in ((NS_A, IF_A, PEER_A, A_IP, LAN_IP),
                                     (NS_B, IF_B, PEER_B, B_IP, WAN_IP)):
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "add", rif, "type", "veth", "peer", "name", pif, "netns", ns)
            # no IPv6 chatter from either end, no offloads (or UDP/TCP is lost)
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % rif, check=False)
            sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", ns=ns, check=False)
            sh("ethtool", "-K", rif, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off")
            sh("ethtool", "-K", pif, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
               "gro", "off", ns=ns)
            sh("ip", "link", "set", rif, "up")
            sh("ip", "link", "set", "lo", "up", ns=ns)
            sh("ip", "addr", "add", ip + "/24", "dev", pif, ns=ns)
            sh("ip", "link", "set", pif, "up", ns=ns)
            sh("ip", "route", "add", "default", "via", gw, ns=ns)
        sh("ip", "addr", "add", B_LOOP + "/32", "dev", "lo", ns=NS_B)

        # af_packet cannot give the veth another MAC: tell pktgate the real one
        self.mac = {"lan": mac_of(IF_A), "wan": mac_of(IF_B),
                    "a": mac_of(PEER_A, NS_A), "b": mac_of(PEER_B, NS_B)}
        cfg = Config(ports=[Port("lan", "net_af_packet0", LAN_IP, 24, self.mac["lan"]),
                            Port("wan", "net_af_packet1", WAN_IP, 24, self.mac["wan"],
                                 mtu=WAN_MTU)],
                     neighbors=[] if DYNAMIC else [(A_IP, self.mac["a"], "lan"),
                                                   (B_IP, self.mac["b"], "wan")],
                     routes=[("203.0.113.0/24", "via", B_IP)],
                     # short timers so that expiry is seen within the test
                     arp={"reachable": 2, "retry_ms": 200} if DYNAMIC else None)
        conf = os.path.join(self.tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        q = pgtest.TOPOLOGY["queues"]
        vdevs = ["net_af_packet0,iface=%s,qpairs=%d" % (IF_A, q),
                 "net_af_packet1,iface=%s,qpairs=%d" % (IF_B, q)]
        eal = pgtest.eal_args(self.prefix, vdevs, log_levels=())
        start_pktgate(self, [pgtest.PKTGATE] + eal + ["--", "-c", conf, "--duration", "240"])

    def close(self):
        teardown(self, (NS_A, NS_B), (IF_A, IF_B))


ENV = None


def env():
    return need(ENV)


@case
def e2e_setup():
    global ENV
    ENV = Env()
    ENV.setup()


@case
def ping_pktgate_lan_address():
    env()
    out = ping(NS_A, LAN_IP)
    assert "ttl=64" in out, out


@case
def ping_pktgate_wan_address_from_lan():
    env()
    ping(NS_A, WAN_IP, count=3)


@case
def ping_a_to_b_and_back():
    env()
    out = ping(NS_A, B_IP)
    assert "ttl=63" in out, "one hop must take one off the TTL:\n" + out
    ping(NS_B, A_IP, count=3)
    ping(NS_A, B_LOOP, count=3)          # via the static route


@case
def udp_a_to_b():
    env()
    recv = subprocess.Popen(
        ["ip", "netns", "exec", NS_B, "/usr/bin/python3", "-c", r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", 9999)); s.settimeout(10)
print("ready", flush=True)
got = []
while len(got) < 20:
    data, peer = s.recvfrom(4096)
    got.append(data)
    print(peer[0], len(data), data[:12].decode(), flush=True)
"""], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        assert recv.stdout.readline().strip() == "ready", recv.stderr.read()
        sh("/usr/bin/python3", "-c", r"""
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b"datagram-%03d" % i + b"x" * (i * 70), ("198.51.100.2", 9999))
    time.sleep(0.01)
""", ns=NS_A)
        out, err = recv.communicate(timeout=20)
    finally:
        if recv.poll() is None:
            recv.kill()
            recv.wait()
    lines = out.splitlines()
    assert recv.returncode == 0 and len(lines) == 20, "got %d of 20 datagrams\n%s%s" % (
        len(lines), out, err)
    for i, line in enumerate(lines):
        assert line == "%s %d datagram-%03d" % (A_IP, 12 + i * 70, i), line


@case
def tcp_a_to_b():
    env()
    size = 400000
    srv = subprocess.Popen(
        ["ip", "netns", "exec", NS_B, "/usr/bin/python3", "-c", r"""
import hashlib, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.2", 9998)); s.listen(1); s.settimeout(15)
print("ready", flush=True)
c, peer = s.accept(); c.settimeout(15)
h, n = hashlib.sha256(), 0
while True:
    d = c.recv(65536)
    if not d:
        break
    h.update(d); n += len(d)
c.sendall(h.hexdigest().encode()); c.close()
print(peer[0], n, h.hexdigest(), flush=True)
"""], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        assert srv.stdout.readline().strip() == "ready", srv.stderr.read()
        p = sh("/usr/bin/python3", "-c", r"""
import hashlib, socket
data = bytes(i * 7 % 251 for i in range(SIZE))
c = socket.create_connection(("198.51.100.2", 9998), timeout=15)
c.sendall(data); c.shutdown(socket.SHUT_WR)
reply = c.recv(100).decode()
print(hashlib.sha256(data).hexdigest(), reply)
""".replace("SIZE", str(size)), ns=NS_A, timeout=40)
        out, err = srv.communicate(timeout=30)
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()
    mine, theirs = p.stdout.split()
    assert mine == theirs, "TCP payload corrupted: %s vs %s" % (mine, theirs)
    assert out.split()[:2] == [A_IP, str(size)], out + err
    # full-size segments (1500 bytes, DF) did not fit the WAN mtu: it got
    # through because pktgate told A (path MTU discovery, RFC 1191)
    s = env().tel.query("/pktgate/stats")
    assert s["frag_needed"] >= 1 and s["icmp_frag_needed"] >= 1, s


@case
def icmp_errors_reach_the_kernel():
    """What ping in namespace A makes of pktgate's ICMP errors: each comes
    from pktgate's LAN address (the port the probe came in on)."""
    env()
    for args, dst, text in (
            (["-t", "1"], B_IP, "Time to live exceeded"),
            ([], "9.9.9.9", "Destination Net Unreachable"),
            # no neighbor: static neighbors only give host unreachable; with
            # dynamic ARP pktgate asks and stays silent (neighbor_pending)
            ([], "198.51.100.77", None if DYNAMIC else "Destination Host Unreachable"),
            # 1372 + 28 > 1400; B_LOOP: TCP above taught A the MTU to B_IP only
            (["-M", "do", "-s", "1373"], B_LOOP,
             "Frag needed and DF set (mtu = %d)" % WAN_MTU)):
        p = sh(*(["ping", "-c", "1", "-W", "2"] + args + [dst]), ns=NS_A, check=False,
               timeout=15)
        if text is None:
            assert "From " not in p.stdout, p.stdout
            continue
        want = "From %s icmp_seq=1 %s" % (LAN_IP, text)
        assert want in p.stdout, "ping %s %s: no '%s'\n%s%s" % (
            " ".join(args), dst, want, p.stdout, p.stderr)
    s = env().tel.query("/pktgate/stats")
    for k in ("time_exceeded", "net_unreachable", "frag_needed",
              "neighbor_pending" if DYNAMIC else "host_unreachable"):
        assert s["icmp_" + k] >= 1, (k, s)


@case
def telemetry_shows_forwarding():
    e = env()
    s = e.tel.query("/pktgate/stats")
    assert s["forwarded"] > 0 and s["local"] > 0, s
    assert s["rx"] >= s["forwarded"] + s["local"], s
    nb = e.tel.query("/pktgate/neighbors")
    assert sorted(zip(nb["ip"], nb["port"])) == [(A_IP, "lan"), (B_IP, "wan")], nb
    macs = dict(zip(nb["ip"], (m.lower() for m in nb["mac"])))
    assert macs == {A_IP: e.mac["a"], B_IP: e.mac["b"]}, nb
    if DYNAMIC:
        assert nb["state"] == ["learned", "learned"], nb
        # B was asked for (a packet needed it); A asked for us first
        assert nb["arp_requests"] >= 1 and nb["learned"] == 2, nb
        assert 1 <= s["ctl_tx"] <= nb["arp_requests"], (s, nb)
    else:
        assert nb["state"] == ["static", "static"], nb
    pt = e.tel.query("/pktgate/ports")
    assert pt["device"] == ["net_af_packet0", "net_af_packet1"], pt
    assert pt["rx"][0] > 0 and pt["rx"][1] > 0 and pt["tx"][0] > 0 and pt["tx"][1] > 0, pt
    assert [m.lower() for m in pt["mac"]] == [e.mac["lan"], e.mac["wan"]], pt


def neighbor_expires_when_silent():
    """A learned neighbor that stops answering leaves the table (after its
    reachable time and three unanswered probes); once back, the next packet
    for it makes pktgate ask again and forwarding resumes."""
    e = env()
    sh("ip", "link", "set", PEER_B, "down", ns=NS_B)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            nb = e.tel.query("/pktgate/neighbors")
            if B_IP not in nb["ip"]:
                break
            time.sleep(0.2)
        assert B_IP not in nb["ip"] and nb["expired"] >= 1, nb
        assert nb["ip"] == [A_IP], nb
        r = e.tel.query("/pktgate/routes")
        assert any(l.startswith("203.0.113.0/24") and "unresolved" in l
                   for l in r["routes"]), r
    finally:
        sh("ip", "link", "set", PEER_B, "up", ns=NS_B)
        sh("ip", "route", "replace", "default", "via", WAN_IP, ns=NS_B)
    # A's pings find B again (the first ones go while it is asked for)
    p = sh("ping", "-c", "10", "-i", "0.2", "-W", "2", B_IP, ns=NS_A, check=False,
           timeout=40)
    m = re.search(r"(\d+) packets transmitted, (\d+) received", p.stdout)
    assert m and int(m.group(2)) >= 5, p.stdout
    nb = e.tel.query("/pktgate/neighbors")
    assert B_IP in nb["ip"] and nb["learned"] >= 3, nb


if DYNAMIC:
    case(neighbor_expires_when_silent)


@case
def sigint_stops_cleanly():
    e = env()
    rc, out, err = stop_pktgate(e)
    assert rc == 0, "exit %d\n%s" % (rc, err[-3000:])
    assert "stopping (signal)" in out, out
    s = parse_summary(out)
    assert s is not None and s["forwarded"] > 0 and s["local"] > 0, out
    assert s["rx"] == s["forwarded"] + s["local"] + s["drops"], s["lines"]
    sent = sum(s["icmp"].get(k, 0) for k in pgtest.ICMP_SENT) - s["icmp"].get("tx_full", 0)
    # ICMP errors are extra TX; the ARP replies the resolver consumed are in
    # local but not sent (`consumed`), its ARP requests are sent (`ctl_tx`)
    assert s["tx"] == s["forwarded"] + s["local"] - s["consumed"] + s["ctl_tx"] + sent, \
        s["lines"]
    assert (s["consumed"] > 0) == DYNAMIC, s["lines"]
    # pings 5+3+5+3+3, 20 datagrams, a TCP stream: both ways
    assert s["port"]["lan"]["rx"] > 40 and s["port"]["wan"]["rx"] > 40, s["lines"]


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("not root: network namespaces need root")
        print("0 passed, 0 failed")
        sys.exit(77)
    for tool in ("ip", "ethtool", "ping"):
        if shutil.which(tool) is None:
            sys.exit("missing %s (packages iproute2, ethtool, iputils-ping)" % tool)
    remove_stale(r"pg-e2e-[ab]-(\d+)")
    try:
        main()
    finally:
        if ENV is not None:
            ENV.close()
