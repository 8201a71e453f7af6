# SPDX-License-Identifier: BSD-3-Clause
"""Shared harness of the pkt (and e2e) tests: pcap in -> pktgate -> pcap out.

Every test builds input frames with scapy, states per frame what must
happen to it (Fwd: forwarded and rewritten, Reply: answered by pktgate,
Drop: dropped for a named reason), runs pktgate once on net_pcap vdevs with
--idle-exit, and check() compares the output pcaps byte for byte and the
final `summary:` counters exactly against what the expectations add up to.

The worker layout comes from one place, TOPOLOGY (environment variable
PG_TEST_TOPOLOGY, default "rtc1"), so that the same tests run with more
workers or another worker mode by adding an entry to TOPOLOGIES.

Only the standard library and Debian's python3-scapy are used: run with
/usr/bin/python3.
"""

import collections
import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

os.environ.setdefault("SCAPY_USE_LIBPCAP", "no")
import logging  # noqa: E402
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether,  # noqa: E402,F401
                       IPOption, IPv6, Raw)
from scapy.layers.inet import IPOption_NOP, IPOption_RR  # noqa: E402,F401

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Where pktgate is (argv[1] when run by meson) and how its workers are laid out

PKTGATE = None


def set_pktgate(path):
    global PKTGATE
    PKTGATE = os.path.abspath(path)


# queues: TX queues per port the layout uses (= net_pcap tx_pcap count per
# vdev); rx_queues: RX queues (rx_pcap count), the same unless given. Input goes to RX queue 0, the other RX queues read an
# empty pcap; all TX queue files of a port are read back and concatenated.
TOPOLOGIES = {
    # one run-to-completion worker (the default)
    "rtc1": dict(eal=["-l", "0,1"], lcores=[1], queues=1, workers_extra={}),
    # two run-to-completion workers, both threads on CPU 1
    "rtc2": dict(eal=["--lcores", "0@0,1@1,2@1"], lcores=[1, 2], queues=2,
                 workers_extra={}),
    # pipeline: lcore 1 receives and spreads flows over forwarding lcores
    # 2 and 3 by ring; four lcores squeezed onto two CPUs (correctness only)
    "pipeline": dict(eal=["--lcores", "0@0,1@1,2@1,3@1"], lcores=[1, 2, 3],
                     queues=2, rx_queues=1,
                     workers_extra={"mode": "pipeline", "ring_size": 4096}),
    # pipeline with two RX lcores (1, 2: queue 0 and 1 of each port) and two
    # forwarding lcores (3, 4): four rings; five lcores on two CPUs
    "pipeline2rx": dict(eal=["--lcores", "0@0,1@1,2@1,3@1,4@1"], lcores=[1, 2, 3, 4],
                        queues=2, rx_queues=2,
                        workers_extra={"mode": "pipeline", "rx_lcores": 2,
                                       "ring_size": 2048}),
}
TOPOLOGY_NAME = os.environ.get("PG_TEST_TOPOLOGY", "rtc1")
if TOPOLOGY_NAME not in TOPOLOGIES:
    sys.exit("PG_TEST_TOPOLOGY=%s unknown (have: %s)"
             % (TOPOLOGY_NAME, ", ".join(sorted(TOPOLOGIES))))
TOPOLOGY = TOPOLOGIES[TOPOLOGY_NAME]

IDLE_MS = int(os.environ.get("PG_TEST_IDLE_MS", "400"))
# EAL memory (MiB, --no-huge): a test may raise it for bigger tables (the
# IPv6 TRIE's first level alone is 32 MiB).
EAL_MEM_MB = 256
KEEP = os.environ.get("PG_TEST_KEEP") == "1"   # keep temp dirs to debug

# ---------------------------------------------------------------------------
# The network of most tests

LAN_MAC = "02:00:00:00:00:01"
WAN_MAC = "02:00:00:00:00:02"
LAN_IP, LAN_LEN = "192.0.2.1", 24
WAN_IP, WAN_LEN = "198.51.100.1", 24
HOST_MAC = "02:00:00:00:00:10"      # a LAN host that is a static neighbor
HOST_IP = "192.0.2.10"
GW_MAC = "02:00:00:00:00:99"        # the WAN gateway, a static neighbor
GW_IP = "198.51.100.2"
STRANGER_MAC = "02:00:00:00:00:aa"  # a LAN host pktgate does not know


class Port:
    def __init__(self, name, device, ip, plen, mac, ip6=None, mtu=None):
        self.name, self.device, self.ip, self.plen, self.mac = \
            name, device, ip, plen, mac
        self.ip6 = ip6     # "addr/len" or None: IPv6 off on the port
        self.mtu = mtu     # None: pktgate's default (1500)
        self.extra = ""    # more keys of the port's flow mapping (", tap: x")


def link_local(mac):
    """fe80:: with the modified EUI-64 of mac (RFC 4291 appendix A): the
    link-local address pktgate (and a kernel by default) gives a port."""
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 2
    iid = bytes(b[:3] + [0xff, 0xfe] + b[3:])
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))


def yq(v):
    """IPv6 text in YAML flow style: quoted (it holds ':')."""
    return "'%s'" % v if ":" in v else v


class Config:
    """A pktgate config; text() renders it as YAML."""

    # Learning neighbors by ARP races a pcap replay (all frames arrive at
    # once, the resolver answers within a tick): packet tests use the
    # configured neighbors only unless a case asks for arp settings.
    STATIC_ONLY = {"dynamic": "false"}

    def __init__(self, ports, neighbors=(), routes=(), raw_workers=None, arp=None,
                 icmp=None):
        self.ports = list(ports)
        self.neighbors = list(neighbors)   # (ip, mac, port)
        self.routes = list(routes)         # (prefix, "via"|"port", value)
        self.raw_workers = raw_workers
        self.arp = dict(self.STATIC_ONLY if arp is None else arp)
        self.extra = ""                    # more top-level YAML (e.g. acl:)
        self.icmp = icmp                   # {"rate": n, "burst": n} or None: defaults

    def icmp_on(self):
        return self.icmp is None or self.icmp.get("rate", 1) != 0

    def port(self, name):
        for p in self.ports:
            if p.name == name:
                return p
        raise KeyError(name)

    def text(self):
        out = ["ports:"]
        for p in self.ports:
            out.append("  - {name: %s, device: %s, ipv4: %s/%d, mac: '%s'%s%s%s}"
                       % (p.name, p.device, p.ip, p.plen, p.mac,
                          ", ipv6: '%s'" % p.ip6 if p.ip6 else "",
                          ", mtu: %d" % p.mtu if p.mtu is not None else "", p.extra))
        if self.neighbors:
            out.append("neighbors:")
            for ip, mac, port in self.neighbors:
                out.append("  - {ip: %s, mac: '%s', port: %s}" % (yq(ip), mac, port))
        if self.routes:
            out.append("routes:")
            for prefix, kind, val in self.routes:
                out.append("  - {prefix: %s, %s: %s}" % (yq(prefix), kind, yq(val)))
        out.append("workers:")
        if self.raw_workers is not None:
            out.extend(self.raw_workers)
        else:
            out.append("  lcores: [%s]" % ", ".join(str(x) for x in TOPOLOGY["lcores"]))
            for k, v in TOPOLOGY["workers_extra"].items():
                out.append("  %s: %s" % (k, v))
        if self.arp:
            out.append("arp:")
            for k, v in self.arp.items():
                out.append("  %s: %s" % (k, v))
        if self.icmp is not None:
            out.append("icmp: {%s}" % ", ".join("%s: %s" % kv for kv in self.icmp.items()))
        return "\n".join(out) + "\n" + self.extra


def base_config(routes=None, neighbors=None, lan_dev="net_pcap0", wan_dev="net_pcap1",
                icmp=None):
    return Config(
        icmp=icmp,
        ports=[Port("lan", lan_dev, LAN_IP, LAN_LEN, LAN_MAC),
               Port("wan", wan_dev, WAN_IP, WAN_LEN, WAN_MAC)],
        neighbors=neighbors if neighbors is not None else [
            (HOST_IP, HOST_MAC, "lan"), (GW_IP, GW_MAC, "wan")],
        routes=routes if routes is not None else [
            ("203.0.113.0/24", "via", GW_IP),
            ("10.9.0.0/16", "port", "lan"),
            ("100.64.0.0/10", "via", "198.51.100.3"),  # gateway is no neighbor
        ])

# ---------------------------------------------------------------------------
# pcap files (own reader/writer: exact bytes, no scapy padding games)


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            fr = bytes(fr)
            f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                                len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise AssertionError("%s: truncated pcap (%d bytes)" % (path, len(data)))
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        e = ">"
    else:
        raise AssertionError("%s: not a pcap file" % path)
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if incl != orig:
            raise AssertionError("%s: frame %d captured short (%d of %d)"
                                 % (path, len(frames), incl, orig))
        frames.append(data[off:off + incl])
        off += incl
    if off != len(data):
        raise AssertionError("%s: trailing garbage" % path)
    return frames

# ---------------------------------------------------------------------------
# Expectations


class Fwd:
    """Forwarded out of `port` as exactly `frame`."""

    def __init__(self, port, frame, options=False):
        self.port, self.frame, self.options = port, bytes(frame), options


class Reply:
    """Answered by pktgate (ARP or ICMP echo): `frame` goes out of `port`."""

    def __init__(self, port, frame):
        self.port, self.frame = port, bytes(frame)


class IcmpErr:
    """The ICMP error pktgate sends about a dropped datagram: `frame` out of
    `port`, counted as ICMP counter `kind` (see icmp_error())."""

    def __init__(self, port, frame, kind):
        self.port, self.frame, self.kind = port, bytes(frame), kind


class Drop:
    """Dropped for `reason`. icmp: None when no ICMP error is considered
    (not a reason that owes one, or errors off), an IcmpErr when one is
    sent, or the ICMP counter that says why none is ("suppressed",
    "rate_limited", "no_route_back")."""

    def __init__(self, reason, icmp=None):
        self.reason, self.icmp = reason, icmp


class Consumed:
    """Taken by the control plane with nothing sent (an ARP reply the
    dynamic resolver reads): counted in local and in consumed."""


class Pkt:
    """One input frame, the port it enters on, and what must happen to it."""

    def __init__(self, name, frame, expect, port="lan"):
        self.name, self.frame, self.expect, self.port = \
            name, bytes(frame), expect, port
        self.flow = flow_of(self.frame)


def flow_of(frame):
    """What output order is kept within: an IPv4 5-tuple (TCP/UDP ports
    when the datagram is not a fragment, as RSS hashes), the same for IPv6
    (addresses, next header, TCP/UDP ports right after the fixed header),
    or one class per ethertype. pktgate may reorder across flows (it answers ARP in an
    earlier stage of a burst than ICMP; pipeline mode spreads flows over
    lcores), never inside one."""
    if len(frame) >= 34 and frame[12:14] == b"\x08\x00":
        key = ("ip", frame[26:30], frame[30:34], frame[23])
        ihl = (frame[14] & 0xf) * 4
        frag = struct.unpack("!H", frame[20:22])[0] & 0x3fff
        if frame[23] in (6, 17) and not frag and len(frame) >= 14 + ihl + 4:
            key += (frame[14 + ihl:14 + ihl + 4],)
        return key
    if len(frame) >= 54 and frame[12:14] == b"\x86\xdd":
        key = ("ip6", frame[22:38], frame[38:54], frame[20])
        if frame[20] in (6, 17) and len(frame) >= 58:
            key += (frame[54:58],)
        return key
    return ("type", frame[12:14])


DROP_REASONS = ["bad_l2", "runt", "unsupported_ethertype", "bad_version",
                "bad_ihl", "bad_checksum", "bad_length", "martian_src",
                "martian_dst", "l2_multicast", "ttl_exceeded", "no_route",
                "no_neighbor", "not_ours_local", "bad_arp", "arp_not_ours",
                "bad_icmp", "tx_full", "ring_full",
                # IPv6 forwarding, Neighbor Discovery, ICMPv6 echo
                "ip6_bad_version", "ip6_truncated", "ip6_martian_src",
                "ip6_link_local", "ip6_multicast_dst", "ip6_l2_multicast",
                "ip6_hop_limit", "ip6_no_route", "ip6_no_neighbor",
                "ip6_not_ours_local", "icmp6_bad", "nd_bad", "nd_not_ours",
                # firewall
                "acl_deny",
                # ICMP errors and the egress MTU
                "frag_needed", "mtu_exceeded",
                # exception path to the kernel (lib/punt)
                "punt_full",
                # IPv6 egress MTU
                "ip6_too_big"]

# ICMP error counters (summary: icmp NAME N); the first four count errors sent
ICMP_SENT = ["time_exceeded", "net_unreachable", "host_unreachable", "frag_needed"]
ICMP_COUNTERS = ICMP_SENT + ["rate_limited", "suppressed", "no_route_back", "tx_full",
                             "neighbor_pending"]
# drop reason -> the ICMP error it owes the sender: (kind, type, code)
ICMP_FOR_DROP = {"ttl_exceeded": ("time_exceeded", 11, 0),
                 "no_route": ("net_unreachable", 3, 0),
                 "no_neighbor": ("host_unreachable", 3, 1),
                 "frag_needed": ("frag_needed", 3, 4)}
ICMP_QUERY_TYPES = {0, 8, 9, 10, 13, 14, 15, 16, 17, 18}
ICMP_MAX_QUOTE = 576 - 28     # RFC 1812 4.3.2.3: the error stays within 576 bytes


def ip_cksum_ok(hdr):
    """True when an IPv4 header's one's complement sum is 0xffff."""
    if len(hdr) % 2:
        hdr += b"\0"
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def inet_cksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def port_mac(cfg, port):
    return cfg.port(port).mac


def forwarded(frame, cfg, out_port, nh_mac):
    """The frame pktgate must send for `frame` routed to nh_mac via out_port,
    rebuilt by scapy: MACs rewritten, TTL - 1, header checksum recomputed."""
    raw = bytes(frame)
    p = Ether(raw)
    p.dst = nh_mac
    p.src = port_mac(cfg, out_port)
    p[IP].ttl -= 1
    del p[IP].chksum
    exp = bytes(p)
    # Guard against scapy normalising something else.
    assert len(exp) == len(raw), "scapy changed the frame length"
    ihl = (raw[14] & 0xf) * 4
    diff = [i for i in range(len(raw)) if raw[i] != exp[i]
            and not (i < 12 or i == 22 or i in (24, 25))]
    assert not diff, "scapy changed bytes %s" % diff[:8]
    assert ip_cksum_ok(exp[14:14 + ihl]), "expected frame has a bad checksum"
    return exp


def fwd(frame, cfg, out_port, nh_mac):
    raw = bytes(frame)
    return Fwd(out_port, forwarded(raw, cfg, out_port, nh_mac),
               options=(raw[14] & 0xf) > 5)


def echo_reply(frame, cfg, in_port):
    """ICMP echo reply pktgate must send for an echo request to us."""
    raw = bytes(frame)
    p = Ether(raw)
    p.dst, p.src = p.src, port_mac(cfg, in_port)
    p[IP].src, p[IP].dst = p[IP].dst, p[IP].src
    p[IP].ttl = 64
    del p[IP].chksum
    p[ICMP].type = 0
    del p[ICMP].chksum
    exp = bytes(p)
    assert len(exp) == len(raw)
    return Reply(in_port, exp)


def arp_reply(frame, cfg, in_port):
    raw = bytes(frame)
    p = Ether(raw)
    our = cfg.port(in_port)
    a = p[ARP]
    p.dst, p.src = a.hwsrc, our.mac
    a.op = 2
    a.hwdst, a.pdst = a.hwsrc, a.psrc
    a.hwsrc, a.psrc = our.mac, our.ip
    exp = bytes(p)
    assert len(exp) == len(raw)
    return Reply(in_port, exp)


def pad_to(pkt, size):
    """Append a payload so that the frame is exactly `size` bytes (IP length
    fields follow, since scapy computes them)."""
    have = len(bytes(pkt))
    assert have <= size, "frame already %d > %d" % (have, size)
    return pkt / Raw(b"\xa5" * (size - have)) if size > have else pkt

# ---------------------------------------------------------------------------
# A reference route table (independent of pktgate's) and the ICMP errors


def route_table(cfg):
    """(network, action) for every route pktgate must hold; action:
    ("local",), ("fwd", port, mac) or ("no_neighbor",)."""
    nbr = {ip: (port, mac) for ip, mac, port in cfg.neighbors}
    t = []
    for p in cfg.ports:
        net = ipaddress.ip_network("%s/%d" % (p.ip, p.plen), strict=False)
        t.append((ipaddress.ip_network(p.ip + "/32"), ("local",)))
        t.append((net, ("no_neighbor",)))
        t.append((ipaddress.ip_network("%s/32" % net.broadcast_address), ("local",)))
    for ip, (port, mac) in nbr.items():
        t.append((ipaddress.ip_network(ip + "/32"), ("fwd", port, mac)))
    for prefix, kind, val in cfg.routes:
        net = ipaddress.ip_network(prefix)
        if kind == "via" and val in nbr:
            t.append((net, ("fwd",) + nbr[val]))
        else:
            t.append((net, ("no_neighbor",)))
    # per prefix the first entry wins, as above: local, then neighbor, then
    # static (a static route for a neighbor's /32 would win over it; none here)
    seen, out = set(), []
    for net, act in t:
        if net not in seen:
            seen.add(net)
            out.append((net, act))
    return out


def route_lookup(table, ip):
    """Longest match of ip in a route_table(); ("no_route",) on a miss."""
    a = ipaddress.ip_address(ip)
    best = None
    for net, act in table:
        if a in net and (best is None or net.prefixlen > best[0].prefixlen):
            best = (net, act)
    return best[1] if best else ("no_route",)


def _mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def _ip_bytes(s):
    return bytes(int(x) for x in s.split("."))


def icmp_error(frame, cfg, in_port, kind, out_port, nh_mac, mtu=0):
    """The exact frame of the ICMP error pktgate sends about `frame`, which
    arrived on in_port: built here from bytes (no scapy), so it checks
    pktgate independently. Precedence 6 (TOS 0xc0), id 0, DF, TTL 64,
    source = the ingress port's address; the quote is the datagram up to
    576 - 28 bytes; out of out_port to nh_mac (the route back)."""
    raw = bytes(frame)
    tlen = struct.unpack("!H", raw[16:18])[0]
    quote = raw[14:14 + min(tlen, ICMP_MAX_QUOTE)]
    typ, code = {k: (t, c) for k, t, c in ICMP_FOR_DROP.values()}[kind]
    icmp = struct.pack("!BBHI", typ, code, 0, mtu) + quote
    icmp = icmp[:2] + struct.pack("!H", inet_cksum(icmp)) + icmp[4:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 28 + len(quote), 0, 0x4000, 64, 1, 0,
                      _ip_bytes(cfg.port(in_port).ip), raw[26:30])
    iph = iph[:10] + struct.pack("!H", inet_cksum(iph)) + iph[12:]
    eth = _mac_bytes(nh_mac) + _mac_bytes(port_mac(cfg, out_port)) + b"\x08\x00"
    return IcmpErr(out_port, eth + iph + icmp, kind)


def drop_expect(reason, frame, cfg, in_port, mtu=0):
    """Drop(reason) with the ICMP outcome pktgate's rules give (RFC 1812
    4.3.2.7, the route back): the reference model the generic drop tests
    use; test_icmp_errors.py states each rule's outcome explicitly. The
    rate limit is not modelled: keep errors per run within icmp.burst."""
    if reason not in ICMP_FOR_DROP or not cfg.icmp_on():
        return Drop(reason)
    if reason == "no_neighbor" and cfg.arp.get("dynamic", "true") != "false":
        return Drop(reason, "neighbor_pending")
    raw = bytes(frame)
    ihl = (raw[14] & 0xf) * 4
    src, dst = raw[26:30], raw[30:34]
    frag_off = struct.unpack("!H", raw[20:22])[0] & 0x1fff
    if (raw[0] & 1 or dst[0] >= 224 or src[0] in (0, 127) or src[0] >= 224 or frag_off
            or (raw[23] == 1 and (len(raw) <= 14 + ihl
                                  or raw[14 + ihl] not in ICMP_QUERY_TYPES))):
        return Drop(reason, "suppressed")
    act = route_lookup(route_table(cfg), ".".join(str(b) for b in src))
    if act[0] == "local":
        return Drop(reason, "suppressed")
    if act[0] != "fwd":
        return Drop(reason, "no_route_back")
    kind = ICMP_FOR_DROP[reason][0]
    return Drop(reason, icmp_error(raw, cfg, in_port, kind, act[1], act[2], mtu))

# ---------------------------------------------------------------------------
# Running pktgate


_run_seq = 0


def unique_prefix(tag="pgt"):
    global _run_seq
    _run_seq += 1
    return "%s%d_%d" % (tag, os.getpid(), _run_seq)


def cleanup_prefix(prefix):
    shutil.rmtree("/var/run/dpdk/%s" % prefix, ignore_errors=True)
    # hugepage files a killed primary left behind (EAL names them <prefix>map_N)
    try:
        for f in os.listdir("/dev/hugepages"):
            if f.startswith(prefix + "map_"):
                os.unlink(os.path.join("/dev/hugepages", f))
    except OSError:
        pass


class Result:
    def __init__(self):
        self.rc = None
        self.stdout = ""
        self.stderr = ""
        self.out = {}          # port name -> list of frames sent
        self.summary = None    # parsed summary lines


def parse_summary(stdout):
    s = {"drop": {}, "icmp": {}, "port": {}, "lcore": {}, "ring": {}, "lines": []}
    for line in stdout.splitlines():
        if not line.startswith("summary:"):
            continue
        s["lines"].append(line)
        w = line.split()[1:]
        if w[0] == "port":
            s["port"][w[1]] = {w[i]: int(w[i + 1]) for i in range(2, len(w) - 1, 2)}
        elif w[0] == "drop":
            s["drop"][w[1]] = int(w[2])
        elif w[0] == "icmp":
            s["icmp"][w[1]] = int(w[2])
        elif w[0] == "lcore":
            s["lcore"][int(w[1])] = {"role": w[2], "rx": int(w[4]), "tx": int(w[6])}
        elif w[0] == "ring":
            s["ring"][w[1]] = {w[i]: w[i + 1] for i in range(2, len(w) - 1, 2)}
        else:
            s["elapsed"] = float(w[0])
            for i in range(2, len(w) - 1, 2):
                s[w[i]] = int(w[i + 1])
    if "rx" not in s:
        return None
    return s


def eal_args(prefix, extra_vdevs=(), log_levels=("pmd.net.pcap:error",), huge=False):
    """EAL options of a test run: --no-huge unless huge (a hugepage primary,
    which secondary processes such as dpdk-dumpcap can attach to). A
    secondary must map the primary's memory at the same addresses; EAL's
    default, just below the libraries, is often taken in the secondary
    (always under ASan, whose layout differs): a fixed base far from both."""
    return (TOPOLOGY["eal"] + (["--base-virtaddr", "0x200000000000"] if huge
                               else ["--no-huge"])
            + ["-m", str(EAL_MEM_MB), "--no-pci", "--file-prefix", prefix]
            + [a for lv in log_levels for a in ("--log-level", lv)]
            + [a for v in extra_vdevs for a in ("--vdev", v)])


def pcap_vdevs(tmp, cfg, inputs):
    """net_pcap vdev strings for every port of cfg whose device is
    net_pcapN; inputs: port name -> frames. Returns (vdevs, outfiles)."""
    q = TOPOLOGY["queues"]
    rq = TOPOLOGY.get("rx_queues", q)
    empty = os.path.join(tmp, "empty.pcap")
    write_pcap(empty, [])
    vdevs, outs = [], {}
    for p in cfg.ports:
        if not p.device.startswith("net_pcap"):
            continue
        inp = os.path.join(tmp, "in_%s.pcap" % p.name)
        write_pcap(inp, inputs.get(p.name, []))
        args = [p.device]
        outs[p.name] = []
        for i in range(rq):
            args.append("rx_pcap=%s" % (inp if i == 0 else empty))
        for i in range(q):
            o = os.path.join(tmp, "out_%s_q%d.pcap" % (p.name, i))
            outs[p.name].append(o)
            args.append("tx_pcap=%s" % o)
        vdevs.append(",".join(args))
    return vdevs, outs


def run_pktgate(cfg, inputs=None, args=None, vdevs_extra=(), timeout=60,
                tag="run", wrap=()):
    """Run pktgate on net_pcap ports fed from inputs (port -> frames) until
    it is idle; return a Result with output frames and parsed summary.
    wrap: a command prefix (e.g. ip netns exec NS)."""
    inputs = inputs or {}
    tmp = tempfile.mkdtemp(prefix="pg-%s-" % tag)
    prefix = unique_prefix()
    res = Result()
    try:
        vdevs, outs = pcap_vdevs(tmp, cfg, inputs)
        conf = os.path.join(tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        cmd = (list(wrap) + [PKTGATE] + eal_args(prefix, list(vdevs) + list(vdevs_extra))
               + ["--", "-c", conf]
               + (args if args is not None else ["--idle-exit", str(IDLE_MS)]))
        res.cmd = cmd
        p = subprocess.run(cmd, cwd=tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout,
                           universal_newlines=True)
        res.rc, res.stdout, res.stderr = p.returncode, p.stdout, p.stderr
        res.summary = parse_summary(p.stdout)
        for name, files in outs.items():
            res.out[name] = []
            for fn in files:
                if os.path.exists(fn):
                    res.out[name].extend(read_pcap(fn))
        return res
    finally:
        cleanup_prefix(prefix)
        if KEEP:
            print("  (kept %s)" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def describe(res):
    return ("command: %s\nrc=%s\nstdout:\n%s\nstderr (tail):\n%s"
            % (" ".join(res.cmd), res.rc, res.stdout,
               "\n".join(res.stderr.splitlines()[-15:])))


def hexdiff(a, b):
    n = max(len(a), len(b))
    d = [i for i in range(n) if i >= len(a) or i >= len(b) or a[i] != b[i]]
    return "len %d vs %d, %d bytes differ, first at %s: got %s want %s" % (
        len(a), len(b), len(d), d[:6],
        a[d[0]:d[0] + 8].hex() if d else "", b[d[0]:d[0] + 8].hex() if d else "")


def check(res, pkts, cfg=None):
    """Assert the run did exactly what pkts expect: each output frame, the
    order of frames per (input port, output port), and every counter of
    the final summary (unknown drop reasons must be zero)."""
    errs = []
    if res.rc != 0:
        raise AssertionError("pktgate exit code %s\n%s" % (res.rc, describe(res)))
    s = res.summary
    if s is None:
        raise AssertionError("no summary line\n" + describe(res))

    # --- frames
    want = collections.defaultdict(lambda: collections.defaultdict(list))
    names = {}
    for p in pkts:
        e = p.expect
        if isinstance(e, (Fwd, Reply)):
            want[e.port][(p.port, p.flow)].append(e.frame)
            names.setdefault(e.frame, p.name)
        elif isinstance(e, Drop) and isinstance(e.icmp, IcmpErr):
            # errors leave in their own TX buffers: ordered among
            # themselves per flow, not against forwarded frames
            want[e.icmp.port][(p.port, ("icmp",) + p.flow)].append(e.icmp.frame)
            names.setdefault(e.icmp.frame, "ICMP error about " + p.name)
    ports = set(res.out) | set(want)
    for op in sorted(ports):
        got = res.out.get(op, [])
        exp_all = [f for ip in want[op] for f in want[op][ip]]
        cg, ce = collections.Counter(got), collections.Counter(exp_all)
        missing = list((ce - cg).elements())
        extra = list((cg - ce).elements())
        for f in missing[:10]:
            near = min(extra, key=lambda g: (len(g) != len(f), sum(
                x != y for x, y in zip(g, f))), default=None)
            errs.append("port %s: missing frame of '%s'%s" % (
                op, names.get(f, "?"),
                "; closest extra: " + hexdiff(near, f) if near is not None else ""))
        if len(missing) > 10:
            errs.append("port %s: ... %d more missing" % (op, len(missing) - 10))
        for f in extra[:5]:
            errs.append("port %s: unexpected frame %s" % (op, Ether(f).summary()))
        if len(extra) > 5:
            errs.append("port %s: ... %d more unexpected" % (op, len(extra) - 5))
        if not missing and not extra:
            for (ip, _), seq in want[op].items():
                mine = set(seq)
                order = [f for f in got if f in mine]
                if order != seq:
                    bad = next(i for i, (a, b) in enumerate(zip(order, seq)) if a != b)
                    errs.append("port %s: a flow from %s out of order at #%d ('%s')"
                                % (op, ip, bad, names.get(seq[bad], "?")))

    # --- counters
    exp = {"rx": len(pkts), "tx": 0, "forwarded": 0, "local": 0, "drops": 0,
           "ip_options": 0, "consumed": 0}
    drops = collections.Counter()
    icmp = collections.Counter()
    port_exp = collections.defaultdict(lambda: collections.Counter())
    for p in pkts:
        e = p.expect
        port_exp[p.port]["rx"] += 1
        if isinstance(e, Drop):
            assert e.reason in DROP_REASONS, e.reason
            drops[e.reason] += 1
            exp["drops"] += 1
            port_exp[p.port]["rx_drops"] += 1
            if isinstance(e.icmp, IcmpErr):
                # the error is extra TX; the datagram stays a drop
                icmp[e.icmp.kind] += 1
                exp["tx"] += 1
                port_exp[e.icmp.port]["tx"] += 1
            elif e.icmp is not None:
                assert e.icmp in ICMP_COUNTERS, e.icmp
                icmp[e.icmp] += 1
        elif isinstance(e, Consumed):
            exp["local"] += 1
            exp["consumed"] += 1
        else:
            exp["tx"] += 1
            port_exp[e.port]["tx"] += 1
            if isinstance(e, Fwd):
                exp["forwarded"] += 1
                exp["ip_options"] += int(e.options)
            else:
                exp["local"] += 1
    for k, v in exp.items():
        if s.get(k) != v:
            errs.append("summary %s = %s, expected %d" % (k, s.get(k), v))
    # drop reasons and ICMP counters: every known one exact, no unknown one
    for kind, names, want in (("drop", DROP_REASONS, drops), ("icmp", ICMP_COUNTERS, icmp)):
        for r in names:
            if s[kind].get(r, 0) != want[r]:
                errs.append("summary %s %s = %d, expected %d"
                            % (kind, r, s[kind].get(r, 0), want[r]))
        for r in s[kind]:
            if r not in names:
                errs.append("summary has unknown %s counter %s" % (kind, r))
    for name, c in port_exp.items():
        got = s["port"].get(name)
        if got is None:
            errs.append("summary has no port %s" % name)
            continue
        for k in ("rx", "tx", "rx_drops", "tx_drops"):
            if got.get(k) != c[k]:
                errs.append("summary port %s %s = %s, expected %d"
                            % (name, k, got.get(k), c[k]))
    # the accounting identity, stated on its own
    if s["rx"] != s["forwarded"] + s["local"] + s["drops"]:
        errs.append("rx %d != forwarded %d + local %d + drops %d" % (
            s["rx"], s["forwarded"], s["local"], s["drops"]))
    sent = sum(s["icmp"].get(k, 0) for k in ICMP_SENT) - s["icmp"].get("tx_full", 0)
    # punted packets are local but leave by the kernel interface, not TX;
    # consumed ones (ARP replies the resolver reads) do not leave at all
    answered = s["local"] - s.get("punted", 0) - s["consumed"]
    if s["tx"] != s["forwarded"] + answered + s.get("ctl_tx", 0) + sent:
        errs.append("tx %d != forwarded %d + local %d - punted %d - consumed %d + ctl_tx %d + "
                    "ICMP errors sent %d" % (s["tx"], s["forwarded"], s["local"],
                                             s.get("punted", 0), s["consumed"],
                                             s.get("ctl_tx", 0), sent))
    if errs:
        raise AssertionError("\n".join(errs) + "\n" + describe(res))


def run_and_check(pkts, cfg=None, tag="run"):
    cfg = cfg or base_config()
    inputs = collections.defaultdict(list)
    for p in pkts:
        inputs[p.port].append(p.frame)
    res = run_pktgate(cfg, inputs, tag=tag)
    check(res, pkts, cfg)
    return res

# ---------------------------------------------------------------------------
# Telemetry (raw SOCK_SEQPACKET client)


class Telemetry:
    def __init__(self, prefix, timeout=5.0):
        self.path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout)
        self.sock.connect(self.path)
        self.info = json.loads(self.sock.recv(65536).decode())
        self.max_len = self.info.get("max_output_len", 16384)

    def query(self, cmd):
        """Send cmd ("/x/y" or "/x/y,param"); return the value under the
        command's key (None for an error reply)."""
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.max_len + 1024).decode())
        key = cmd.split(",", 1)[0]
        if key not in reply:
            raise AssertionError("reply to %s lacks key %s: %r" % (cmd, key, reply))
        return reply[key]

    def close(self):
        self.sock.close()


def wait_until(pred, timeout=10.0):
    """Poll pred() until it returns something true (returned) or timeout
    passes (then its last value). For counters that move while pktgate
    runs: a pass never depends on timing, only a failure waits."""
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


def wait_for_socket(prefix, proc, timeout=20.0, ready_cmd="/pktgate/stats"):
    """Connect once the socket is there and ready_cmd answers (EAL opens the
    socket before pktgate registers its commands)."""
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    end = time.time() + timeout
    tel = None
    try:
        while time.time() < end:
            if proc.poll() is not None:
                raise AssertionError("pktgate exited early (rc %s)" % proc.returncode)
            if tel is None and os.path.exists(path):
                try:
                    tel = Telemetry(prefix)
                except OSError:
                    tel = None
            if tel is not None and tel.query(ready_cmd) is not None:
                t, tel = tel, None
                return t
            time.sleep(0.05)
        raise AssertionError("telemetry on %s did not answer %s" % (path, ready_cmd))
    finally:
        if tel is not None:
            tel.close()



def replay_mix(fwd_dsts=("203.0.113.5", "203.0.113.6"), payloads=(50, 150, 20, 250)):
    """The frames the live tests replay forever (telemetry, monitoring,
    capture), per round: 2 forwarded lan -> wan (to fwd_dsts), 1 ICMP echo
    answered on lan, 1 dropped as no_route (to 8.8.8.8); payload sizes in
    that order."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    return [e / IP(src=HOST_IP, dst=fwd_dsts[0]) / UDP() / Raw(b"a" * payloads[0]),
            e / IP(src=HOST_IP, dst=fwd_dsts[1]) / UDP() / Raw(b"b" * payloads[1]),
            e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(id=1, seq=1) / Raw(b"c" * payloads[2]),
            e / IP(src=HOST_IP, dst="8.8.8.8") / UDP() / Raw(b"d" * payloads[3])]


def null_wan_config():
    """LAN on net_pcap0, WAN on net_null0, 203.0.113.0/24 via the gateway:
    what replay_mix() needs."""
    return base_config(routes=[("203.0.113.0/24", "via", GW_IP)], wan_dev="net_null0")


class Running:
    """pktgate replaying `frames` forever into its LAN port (net_pcap
    infinite_rx=1), WAN on net_null; telemetry connected; stopped by SIGINT.
    huge=True: a hugepage primary (for dpdk-dumpcap).
    per_queue: a list of frames per RX queue instead (a flow on one queue
    stays on one worker). wan_out: the WAN port is net_pcap1 writing one
    pcap per TX queue (self.outs) for the config's wan port."""

    def __init__(self, cfg, frames, extra_args=(), tag="pgrun", huge=False,
                 per_queue=None, wan_out=False):
        self.tmp = tempfile.mkdtemp(prefix="pg-%s-" % tag)
        self.prefix = unique_prefix(tag)
        self.cfg = cfg
        q = TOPOLOGY["queues"]
        # Absolute: a secondary process re-opens the vdev's rx_pcap by name.
        self.input = os.path.join(self.tmp, "in.pcap")
        inputs = [self.input] * q
        if per_queue is not None:
            inputs = [os.path.join(self.tmp, "in_q%d.pcap" % i) for i in range(q)]
            for path, fr in zip(inputs, per_queue):
                write_pcap(path, fr)
        else:
            write_pcap(self.input, frames)
        lan = "net_pcap0," + ",".join("rx_pcap=%s" % p for p in inputs) + ",infinite_rx=1"
        wan = "net_null0,no-rx=1"
        self.outs = []
        if wan_out:
            empty = os.path.join(self.tmp, "empty.pcap")
            write_pcap(empty, [])
            self.outs = [os.path.join(self.tmp, "out_wan_q%d.pcap" % i) for i in range(q)]
            wan = ("net_pcap1," + ",".join(["rx_pcap=%s" % empty] * q) + ","
                   + ",".join("tx_pcap=%s" % o for o in self.outs))
        conf = os.path.join(self.tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        self.out = open(os.path.join(self.tmp, "stdout"), "w+")
        self.err = open(os.path.join(self.tmp, "stderr"), "w+")
        cmd = ([PKTGATE] + eal_args(self.prefix, [lan, wan], huge=huge)
               + ["--", "-c", conf] + list(extra_args))
        self.proc = subprocess.Popen(cmd, cwd=self.tmp, stdout=self.out, stderr=self.err)
        self.tel = None
        try:
            self.tel = wait_for_socket(self.prefix, self.proc)
        except BaseException:
            self.close()
            raise

    def q(self, cmd):
        return self.tel.query(cmd)

    def output(self):
        """stdout and stderr so far."""
        self.out.seek(0)
        self.err.seek(0)
        return self.out.read(), self.err.read()

    def stop(self, sig=signal.SIGINT, timeout=20):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout)
        out, err = self.output()
        return rc, out, err

    def close(self):
        if self.tel is not None:
            self.tel.close()
        if self.proc.poll() is None:
            self.proc.kill()           # only our own child, by its handle
            self.proc.wait()
        self.out.close()
        self.err.close()
        cleanup_prefix(self.prefix)
        if KEEP:
            print("  (kept %s)" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


class CtlClient:
    """A raw client of pktgate's control socket: lines out, JSON replies in."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def reply(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            assert d, "server closed the connection; got %r" % self.buf
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line.decode())

    def close(self):
        self.s.close()


def ctl_request(path, line):
    """One request on the control socket at path; its reply."""
    c = CtlClient(path)
    try:
        c.send(line.encode() + b"\n")
        return c.reply()
    finally:
        c.close()


# ---------------------------------------------------------------------------
# A tiny runner: `case` registers, main() runs, prints "N passed, M failed"


_cases = []


class Skip(Exception):
    pass


def case(fn):
    _cases.append(fn)
    return fn


def known_bug(why):
    """Mark a case that shows a known pktgate bug: while it fails it is
    reported as "xfail" (not a failure); once it passes it is reported as
    a failure ("XPASS") so that the marker gets removed with the fix."""
    def deco(fn):
        fn.known_bug = why
        return fn
    return deco


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        sys.exit("usage: %s PKTGATE [case-name-substring...]" % sys.argv[0])
    set_pktgate(argv[0])
    if not os.access(PKTGATE, os.X_OK):
        sys.exit("%s: not executable" % PKTGATE)
    only = argv[1:]
    # meson stops a test with SIGTERM: turn it into an exception so that
    # finally blocks clean up.
    signal.signal(signal.SIGTERM, _on_sigterm)
    passed = failed = skipped = xfailed = 0
    print("pktgate %s, topology %s" % (PKTGATE, TOPOLOGY_NAME))
    t_all = time.time()
    for fn in _cases:
        if only and not any(o in fn.__name__ for o in only):
            continue
        t0 = time.time()
        bug = getattr(fn, "known_bug", None)
        err = None
        try:
            fn()
        except Skip as e:
            skipped += 1
            print("skip - %s: %s" % (fn.__name__, e))
            continue
        except Exception as e:  # noqa: BLE001
            err = e
        dt = time.time() - t0
        if err is not None and bug is not None:
            xfailed += 1
            print("xfail - %s (%.1fs): known bug: %s" % (fn.__name__, dt, bug))
            print("    " + (str(err).splitlines() or [repr(err)])[0])
        elif err is not None:
            failed += 1
            print("FAIL - %s (%.1fs)" % (fn.__name__, dt))
            if isinstance(err, AssertionError):
                for line in str(err).splitlines():
                    print("    " + line)
            else:
                traceback.print_exception(type(err), err, err.__traceback__,
                                          file=sys.stdout)
        elif bug is not None:
            failed += 1
            print("FAIL - %s (%.1fs): XPASS, the known bug seems fixed (%s): "
                  "remove @known_bug" % (fn.__name__, dt, bug))
        else:
            passed += 1
            print("ok   - %s (%.1fs)" % (fn.__name__, dt))
        sys.stdout.flush()
    print("total %.1fs" % (time.time() - t_all))
    if skipped or xfailed:
        print("%d skipped, %d known bugs (xfail)" % (skipped, xfailed))
    print("%d passed, %d failed" % (passed, failed))
    if passed + failed + xfailed == 0 and skipped:
        sys.exit(77)
    sys.exit(1 if failed else 0)
