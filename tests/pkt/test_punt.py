#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The exception path (docs/punt.md): a port with a kernel interface.

pktgate runs in a network namespace of its own (pg-punt-pkt-PID), so that
its kernel interface and the port's addresses never touch the machine's
network: what pktgate punts reaches that namespace's kernel, whose answers
(a TCP RST to a SYN for a closed port, an ICMP port unreachable) come back
out of the port's pcap. Needs root (ip netns).

PG_PUNT_BACKEND=virtio_user runs the mirror cases over virtio_user
(needs /dev/vhost-net: tools/vm/pg-vm.sh runs them in a guest that has
it); the default is net_tap. virtio_user_needs_vhost_net runs either way."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (HOST_IP, HOST_MAC, LAN_IP, LAN_MAC, WAN_IP, case,  # noqa: E402
                    main)
from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, IPv6, Raw  # noqa: E402

TAP = "pg-punt-pkt"
BACKEND = os.environ.get("PG_PUNT_BACKEND", "tap")
VHOST_NET = "/dev/vhost-net"

# The fake zebra's encoders, without test_fpm's cases.
_n_cases = len(pgtest._cases)
import test_fpm as fpm  # noqa: E402
del pgtest._cases[_n_cases:]


class Netns:
    """A namespace for one pktgate run, deleted afterwards."""

    def __init__(self, sysctls=()):
        self.name = "pg-punt-pkt-%d" % os.getpid()
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        subprocess.run(["ip", "-n", self.name, "link", "set", "lo", "up"], check=True)
        for kv in sysctls:
            subprocess.run(["ip", "netns", "exec", self.name, "sysctl", "-qw", kv],
                           check=True)

    def close(self):
        subprocess.run(["ip", "netns", "del", self.name], check=False)


def mirror_config(ring_size=None, backend=None):
    cfg = pgtest.base_config()
    cfg.port("lan").extra = ", kernel_mirror: true, tap: %s" % TAP
    cfg.port("wan").extra = ", tap: %s-w" % TAP
    punt = ["backend: %s" % (backend or BACKEND)]
    if ring_size is not None:
        punt.append("ring_size: %d" % ring_size)
    cfg.extra += "punt: {%s}\n" % ", ".join(punt)
    return cfg


def run_in_netns(cfg, frames, idle_ms=1500, sysctls=()):
    """pktgate in its own namespace (with sysctls "key=value" set there
    first), lan fed with frames; returns a pgtest.Result (output frames
    per port, parsed summary)."""
    ns = Netns(sysctls)
    try:
        return pgtest.run_pktgate(cfg, {"lan": frames}, args=["--idle-exit", str(idle_ms)],
                                  tag="punt", wrap=["ip", "netns", "exec", ns.name])
    finally:
        ns.close()


def from_host(l3):
    return bytes(Ether(src=HOST_MAC, dst=LAN_MAC) / l3)


def identity(s):
    assert s["rx"] == s["forwarded"] + s["local"] + s["drops"], s["lines"]
    assert s["tx"] == (s["forwarded"] + s["local"] - s["punted"] - s.get("consumed", 0)
                       + s["ctl_tx"]), s["lines"]


@case
def syn_reaches_the_kernel_and_its_rst_leaves_by_the_port():
    """A SYN to our address on a closed port: punted, the namespace's
    kernel answers RST, which leaves by lan. A UDP datagram to the WAN
    address arriving on lan goes to lan's mirror (the kernel, which has
    the address on wan's mirror, takes it: weak host model), answered by
    ICMP port unreachable. Echo and ARP stay
    answered inline (not punted)."""
    frames = [
        from_host(IP(src=HOST_IP, dst=LAN_IP) / TCP(sport=40000, dport=179, flags="S",
                                                    seq=1000)),
        from_host(IP(src=HOST_IP, dst=WAN_IP) / UDP(sport=40001, dport=9) / Raw(b"x" * 8)),
        from_host(IP(src=HOST_IP, dst=LAN_IP) / ICMP(id=7, seq=1)),
        bytes(Ether(src=HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
              ARP(op=1, hwsrc=HOST_MAC, psrc=HOST_IP, pdst=LAN_IP)),
    ]
    res = run_in_netns(mirror_config(), frames)
    assert res.rc == 0, pgtest.describe(res)
    s = res.summary
    assert s["punted"] == 2 and s["local"] == 4 and s["drops"] == 0, s["lines"]
    out = [Ether(f) for f in res.out["lan"]]
    rst = [p for p in out if TCP in p]
    unreach = [p for p in out if ICMP in p and p[ICMP].type == 3]
    echo = [p for p in out if ICMP in p and p[ICMP].type == 0]
    arp = [p for p in out if ARP in p]
    assert len(rst) == 1, [p.summary() for p in out]
    r = rst[0]
    assert (r[Ether].src, r[Ether].dst) == (LAN_MAC, HOST_MAC), r.summary()
    assert (r[IP].src, r[IP].dst, r[TCP].sport, r[TCP].dport) == \
        (LAN_IP, HOST_IP, 179, 40000), r.summary()
    assert r[TCP].flags & 0x04 and r[TCP].ack == 1001, r.summary()
    assert len(unreach) == 1 and unreach[0][ICMP].code == 3, [p.summary() for p in out]
    assert unreach[0][IP].src == WAN_IP and unreach[0][IP].dst == HOST_IP
    assert len(echo) == 1 and len(arp) == 1, [p.summary() for p in out]
    # the kernel's two answers came through the control thread
    assert s["ctl_tx"] == len(out) - 2 >= 2, s["lines"]
    assert s["port"]["lan"]["tx"] == len(out), s["lines"]
    assert not res.out["wan"], "nothing leaves by wan"
    identity(s)


def ipv6_mirror_config(lan6, neighbor6):
    """mirror_config() with IPv6 on lan and an IPv6 neighbor there. One rtc
    worker whatever the topology: the punt code is the same in both modes."""
    cfg = mirror_config()
    cfg.port("lan").ip6 = lan6 + "/64"
    cfg.neighbors.append((neighbor6, HOST_MAC, "lan"))
    cfg.raw_workers = ["  lcores: [%d]" % pgtest.TOPOLOGY["lcores"][0]]
    return cfg


def run_ipv6_in_netns(cfg, frames, sysctls=()):
    # The live IPv6 table keeps two TRIE copies of 32 MiB first level
    # each: 512 MB as for the other IPv6 tests.
    mem = pgtest.EAL_MEM_MB
    pgtest.EAL_MEM_MB = 512
    try:
        return run_in_netns(cfg, frames, sysctls=sysctls)
    finally:
        pgtest.EAL_MEM_MB = mem


def one_rst6(res, src, dst, sport, dport):
    """The kernel's one TCP RST among what left by lan (with its own MLD
    reports and router solicitations), from src:sport to dst:dport."""
    assert res.rc == 0, pgtest.describe(res)
    s = res.summary
    assert s["punted"] == 1 and s["drops"] == 0, s["lines"]
    rst = [Ether(f) for f in res.out["lan"] if TCP in Ether(f)]
    assert len(rst) == 1, [Ether(f).summary() for f in res.out["lan"]]
    r = rst[0]
    assert (r[IPv6].src, r[IPv6].dst, r[TCP].sport, r[TCP].dport) == \
        (src, dst, sport, dport), r.summary()
    assert r[TCP].flags & 0x04 and r[Ether].dst == HOST_MAC, r.summary()
    assert r[Ether].src == LAN_MAC, r.summary()
    identity(s)


@case
def tcp_over_ipv6_reaches_the_kernel():
    """The mirror of a port with ipv6 carries the IPv6 address too (no
    DAD delay) and the configured IPv6 neighbor: a SYN to our IPv6
    address is answered by the kernel's RST out of lan."""
    lan6, host6 = "2001:db8:1::1", "2001:db8:1::10"
    frames = [from_host(IPv6(src=host6, dst=lan6) / TCP(sport=40002, dport=179, flags="S",
                                                        seq=5))]
    res = run_ipv6_in_netns(ipv6_mirror_config(lan6, host6), frames)
    one_rst6(res, lan6, host6, 179, 40002)


@case
def tcp_to_our_link_local_reaches_the_kernel():
    """The mirror's link-local address is pktgate's (EUI-64 of the port's
    MAC), usable at once, whatever the host's addr_gen_mode: here the
    namespace's default is random link-locals (3), as hosts with
    stable-privacy or random addresses have. A SYN from a link-local
    neighbor (configured with its port: the kernel gets it too) to lan's
    link-local address, as a BGP session between link-local addresses
    begins, is answered by the kernel's RST from that address."""
    lan_ll, host_ll = pgtest.link_local(LAN_MAC), "fe80::10"
    frames = [from_host(IPv6(src=host_ll, dst=lan_ll) / TCP(sport=40003, dport=179,
                                                            flags="S", seq=9))]
    res = run_ipv6_in_netns(ipv6_mirror_config("2001:db8:1::1", host_ll), frames,
                            sysctls=["net.ipv6.conf.default.addr_gen_mode=3"])
    one_rst6(res, lan_ll, host_ll, 179, 40003)


@case
def without_mirror_the_same_packets_are_dropped():
    """The port without kernel interface: not_ours_local as before."""
    frames = [from_host(IP(src=HOST_IP, dst=LAN_IP) / TCP(sport=40000, dport=179,
                                                          flags="S"))]
    res = pgtest.run_pktgate(pgtest.base_config(), {"lan": frames})
    assert res.rc == 0, pgtest.describe(res)
    s = res.summary
    assert s["drop"].get("not_ours_local") == 1 and s["punted"] == 0, s["lines"]
    assert not res.out["lan"]


@case
def a_full_ring_drops_and_counts_punt_full():
    """punt.ring_size 4 (3 usable slots) and 1000 SYNs that arrive in
    bursts of 32 while the control thread drains once a millisecond: the
    worker never waits, what does not fit is punt_full; every SYN is
    either punted or counted."""
    n = 1000
    frames = [from_host(IP(src=HOST_IP, dst=LAN_IP) / TCP(sport=20000 + i, dport=179,
                                                          flags="S"))
              for i in range(n)]
    res = run_in_netns(mirror_config(ring_size=4), frames)
    assert res.rc == 0, pgtest.describe(res)
    s = res.summary
    full = s["drop"].get("punt_full", 0)
    assert full >= 1, s["lines"]
    assert s["punted"] >= 3 and s["punted"] + full == n, s["lines"]
    assert s["drops"] == full and s["port"]["lan"]["rx_drops"] == full, s["lines"]
    rst = [f for f in res.out["lan"] if TCP in Ether(f)]
    assert 1 <= len(rst) <= s["punted"], (len(rst), s["lines"])
    identity(s)


def check_config_error(port_extra, top_extra, want, wan_extra=""):
    cfg = pgtest.base_config()
    cfg.port("lan").extra = port_extra
    cfg.port("wan").extra = wan_extra
    cfg.extra += top_extra
    tmp = tempfile.mkdtemp(prefix="pg-punt-conf-")
    try:
        path = os.path.join(tmp, "c.yaml")
        with open(path, "w") as f:
            f.write(cfg.text())
        p = subprocess.run([pgtest.PKTGATE, "--check-config", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
        assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
        assert want in p.stderr, (want, p.stderr)
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case
def config_errors_name_the_field():
    check_config_error(", tap: a-name-much-too-long", "",
                       "ports[0].tap: 'a-name-much-too-long' must be 1..15 characters")
    check_config_error(", kernel_mirror: false, tap: x", "",
                       "ports[0].tap: given with kernel_mirror: false")
    check_config_error(", kernel_mirror: yes", "",
                       "ports[0].kernel_mirror: expected true, false, tap or virtio_user, "
                       "got 'yes'")
    check_config_error(", kernel_mirror: true", "punt: {backend: vhost-net}\n",
                       "punt.backend: expected tap or virtio_user, got 'vhost-net'")
    check_config_error(", tap: 'a/b'", "", "ports[0].tap: 'a/b' may only contain")
    check_config_error(", kernel_mirror: true", "punt: {ring_size: 100}\n",
                       "punt.ring_size: 100 is not a power of two")
    check_config_error(", kernel_mirror: true", "punt: {ring_size: 2}\n", "punt.ring_size")


@case
def virtio_user_needs_vhost_net():
    """kernel_mirror: virtio_user on a host without /dev/vhost-net (no
    vhost_net module, as in CI): pktgate does not start, and says so in
    one line naming the port and the device. With the device (e.g. in the
    tools/vm guest): the same config starts and the kernel answers a
    SYN through the virtio_user mirror."""
    cfg = pgtest.base_config()
    cfg.port("lan").extra = ", kernel_mirror: virtio_user, tap: %s" % TAP
    syn = from_host(IP(src=HOST_IP, dst=LAN_IP) / TCP(sport=40000, dport=179, flags="S"))
    ns = Netns()
    try:
        res = pgtest.run_pktgate(cfg, {"lan": [syn]}, args=["--idle-exit", "1500"],
                                 tag="punt", wrap=["ip", "netns", "exec", ns.name])
    finally:
        ns.close()
    if os.path.exists(VHOST_NET):
        assert res.rc == 0, pgtest.describe(res)
        s = res.summary
        assert s["punted"] == 1 and s["ctl_tx"] == 1, s["lines"]
        rst = [Ether(f) for f in res.out["lan"]]
        assert len(rst) == 1 and TCP in rst[0] and rst[0][TCP].flags & 0x04, \
            [p.summary() for p in rst]
        print("  (%s present: the virtio_user mirror answered)" % VHOST_NET)
        return
    assert res.rc != 0, pgtest.describe(res)
    ours = [ln for ln in res.stderr.splitlines() if ln.startswith("pktgate:")]
    assert ours == ["pktgate: ports[0] 'lan': the virtio_user kernel mirror needs "
                    "/dev/vhost-net: No such file or directory (modprobe vhost_net, "
                    "or punt.backend: tap)"], res.stderr


@case
def default_name_and_duplicates():
    check_config_error(", kernel_mirror: true", "",
                       "ports[1].tap: duplicate kernel interface 'pg-lan' (also ports[0])",
                       wan_extra=", tap: pg-lan")


ZEBRA = r"""
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(bytes.fromhex(sys.argv[2]))
time.sleep(60)
"""


@case
def fpm_routes_out_of_a_mirror_interface():
    """zebra names our mirror interfaces as routes' OIF (their kernel
    ifindex in pktgate's namespace): a route without gateway goes out of
    the mirrored port (without the mapping: no_port); one with a gateway
    goes out of the OIF's port; our own subnet stays connected_own; an
    OIF that is no mirror stays no_port."""
    ns = Netns()
    tmp = tempfile.mkdtemp(prefix="pg-punt-fpm-")
    prefix = pgtest.unique_prefix("pgpuntf")
    proc = tel = zebra = None
    try:
        cfg = mirror_config()
        cfg.extra += 'fpm:\n  listen: "127.0.0.1:2620"\n'
        vdevs, _ = pgtest.pcap_vdevs(tmp, cfg, {})
        conf = os.path.join(tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        proc = subprocess.Popen(["ip", "netns", "exec", ns.name, pgtest.PKTGATE]
                                + pgtest.eal_args(prefix, vdevs)
                                + ["--", "-c", conf, "--duration", "60"],
                                cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tel = pgtest.wait_for_socket(prefix, proc)
        ifx = {}
        for name in (TAP, TAP + "-w"):
            out = subprocess.run(["ip", "-n", ns.name, "-o", "link", "show", name],
                                 stdout=subprocess.PIPE, universal_newlines=True).stdout
            ifx[name] = int(out.split(":")[0])
        data = fpm.frame(
            fpm.route(fpm.RTM_NEWROUTE, "10.77.0.0/16", oif=ifx[TAP]),
            fpm.route(fpm.RTM_NEWROUTE, "10.88.0.0/16", gw="198.51.100.3",
                      oif=ifx[TAP + "-w"]),
            fpm.route(fpm.RTM_NEWROUTE, "192.0.2.0/24", oif=ifx[TAP],
                      proto=fpm.PROTO_CONNECTED),
            fpm.route(fpm.RTM_NEWROUTE, "10.66.0.0/16", oif=4242))
        zebra = subprocess.Popen(["ip", "netns", "exec", ns.name, "/usr/bin/python3", "-c",
                                  ZEBRA, "2620", data.hex()])
        f = pgtest.wait_until(lambda: (lambda x: x if x["routes_added"] >= 2 and
                                       x["ignored"]["no_port"] >= 1 and
                                       x["ignored"]["connected_own"] >= 1 else None)(
                                           tel.query("/pktgate/fpm")))
        routes = tel.query("/pktgate/routes,0")["routes"]
        assert f is not None, (tel.query("/pktgate/fpm"), routes)
        r77 = [r for r in routes if r.startswith("10.77.0.0/16 ")]
        r88 = [r for r in routes if r.startswith("10.88.0.0/16 ")]
        assert len(r77) == 1 and " lan" in r77[0] and "fpm" in r77[0], routes
        assert len(r88) == 1 and " port wan " in r88[0] and "fpm" in r88[0], routes
        assert "192.0.2.0/24 port lan unresolved connected" in routes, routes
        assert f["routes_added"] == 2 and f["ignored"]["no_port"] == 1, f
        assert not [r for r in routes if r.startswith("10.66.")], routes
    finally:
        for p in (zebra, proc):
            if p is not None and p.poll() is None:
                p.kill()           # our own children, by their handles
                p.wait()
        if tel is not None:
            tel.close()
        ns.close()
        pgtest.cleanup_prefix(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("skip: needs root (network namespaces)")
        sys.exit(77)
    main()
