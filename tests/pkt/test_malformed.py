#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed traffic: thousands of bad frames, crafted and random, mixed
with good ones. pktgate must forward or answer exactly the good ones (byte
for byte), never crash, and account for every frame: rx = forwarded +
local + sum of drop reasons, each drop under the reason expected.

The expectation for each frame comes from `verdict()`, a reference model
of the data path written from the RFCs and docs/architecture.md (not from
pktgate's code): the checks in RFC 1812 order, the route table of
base_config() as a longest-prefix match, and the bytes an answer or a
forwarded frame must have. Each crafted class also states the drop reason
it is built for, and the model must agree (so a model bug shows as a test
bug, not as a pass).

The random frames come from a seeded RNG (SEED, or PG_TEST_SEED in the
environment): a failure names the seed and the case, and reruns the same.

usage: test_malformed.py PKTGATE [case-name-substring...]
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgtest import (GW_IP, GW_MAC, HOST_IP, HOST_MAC, ICMP, IP, IPv6,  # noqa: E402
                    LAN_IP, LAN_MAC, STRANGER_MAC, TCP, UDP, WAN_IP, WAN_MAC,
                    Dot1Q, Drop, Ether, Fwd, IPOption_NOP, IPOption_RR, Pkt,
                    Raw, Reply, base_config, case, main, run_and_check)

SEED = int(os.environ.get("PG_TEST_SEED", "20261127"))
# The model below is of validation and forwarding: ICMP errors are off
# here and the ports' mtu lets the longest good datagram (9010 bytes) through;
# both have their own cases in test_icmp_errors.py.
CFG = base_config(icmp={"rate": 0})
for _p in CFG.ports:
    _p.mtu = 9100

# Largest first segment pktgate's mbufs hold (RTE_MBUF_DEFAULT_DATAROOM):
# net_pcap chains longer frames.
SEG = 2048

# ---------------------------------------------------------------------------
# IPv6: the one place to change when pktgate learns IPv6. Today every IPv6
# frame (ethertype 0x86dd) is dropped as unsupported_ethertype; once IPv6
# forwarding lands, return its verdict here (e.g. a model of the IPv6 checks
# and routes) and the IPv6 frames below are checked against it.


def ipv6_verdict(frame, port):
    return Drop("unsupported_ethertype")


# ---------------------------------------------------------------------------
# Reference model


def mac_b(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip_b(s):
    return bytes(int(x) for x in s.split("."))


def ip_i(s):
    return struct.unpack("!I", ip_b(s))[0]


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def ones_sum(data):
    data = bytes(data)
    if len(data) % 2:
        data += b"\0"
    return fold(sum(struct.unpack("!%dH" % (len(data) // 2), data)))


PORTS = {p.name: (mac_b(p.mac), ip_b(p.ip)) for p in CFG.ports}


def routes():
    """(prefix, len, kind, port, mac) as pktgate must install them for
    base_config (docs/decisions/0002-fib-host-routes.md); precedence for
    one prefix: local > static > neighbor > connected."""
    rank = {"local": 3, "static": 2, "neighbor": 1, "connected": 0}
    nbr = {ip: (mac, port) for ip, mac, port in CFG.neighbors}
    table = {}

    def add(prefix, plen, origin, kind, port, mac=None):
        key = (ip_i(prefix) & (0xffffffff << (32 - plen)) & 0xffffffff, plen)
        if key not in table or rank[origin] > rank[table[key][0]]:
            table[key] = (origin, kind, port, mac)
    for p in CFG.ports:
        add(p.ip, 32, "local", "local", p.name)
        add(p.ip, p.plen, "connected", "unresolved", p.name)
        net = ip_i(p.ip) & (0xffffffff << (32 - p.plen)) & 0xffffffff
        bcast = net | (0xffffffff >> p.plen)
        add("%d.%d.%d.%d" % tuple(struct.pack("!I", bcast)), 32, "local", "local", p.name)
    for ip, mac, port in CFG.neighbors:
        add(ip, 32, "neighbor", "forward", port, mac)
    for prefix, kind, val in CFG.routes:
        pfx, plen = prefix.split("/")
        if kind == "via":
            if val in nbr:
                add(pfx, int(plen), "static", "forward", nbr[val][1], nbr[val][0])
            else:
                # The gateway's port: the connected subnet it lies in.
                port = next(p.name for p in CFG.ports
                            if (ip_i(val) ^ ip_i(p.ip)) >> (32 - p.plen) == 0)
                add(pfx, int(plen), "static", "unresolved", port)
        else:
            add(pfx, int(plen), "static", "unresolved", val)
    return table


ROUTES = routes()


def lookup(dst):
    for plen in range(32, -1, -1):
        key = (dst & (0xffffffff << (32 - plen)) & 0xffffffff, plen)
        if key in ROUTES:
            return ROUTES[key][1:]
    return None


MARTIAN = {0, 127} | set(range(224, 256))


def arp_verdict(f, port):
    mac, ip = PORTS[port]
    if len(f) < 42:
        return Drop("runt")
    hrd, pro, hln, pln, op = struct.unpack("!HHBBH", f[14:22])
    sha, tpa = f[22:28], f[38:42]
    if hrd != 1 or pro != 0x0800 or hln != 6 or pln != 4:
        return Drop("bad_arp")
    if sha[0] & 1 or sha == bytes(6):
        return Drop("bad_arp")
    if op != 1 or tpa != ip:
        return Drop("arp_not_ours")
    b = bytearray(f)
    b[0:6], b[6:12] = sha, mac
    b[20:22] = b"\x00\x02"
    b[32:38], b[38:42] = sha, f[28:32]
    b[22:28], b[28:32] = mac, ip
    return Reply(port, bytes(b))


def echo_verdict(f, port, hlen, tlen):
    ip = f[14:]
    if ip[9] != 1:
        return Drop("not_ours_local")
    if struct.unpack("!H", ip[6:8])[0] & 0x3fff:    # MF or an offset
        return Drop("not_ours_local")
    if tlen < hlen + 8 or 14 + hlen + 8 > min(len(f), SEG):
        return Drop("bad_icmp")
    if ones_sum(ip[hlen:tlen]) != 0xffff:
        return Drop("bad_icmp")
    if ip[hlen] != 8 or ip[hlen + 1] != 0:
        return Drop("not_ours_local")
    b = bytearray(f)
    o = 14 + hlen
    b[0:6], b[6:12] = f[6:12], PORTS[port][0]
    b[26:30], b[30:34] = f[30:34], f[26:30]
    b[22] = 64
    b[24:26] = b"\0\0"
    b[24:26] = struct.pack("!H", ~ones_sum(b[14:14 + hlen]) & 0xffff)
    b[o] = 0
    # the checksum, adjusted for type 8 -> 0 (RFC 1624)
    hc = struct.unpack("!H", f[o + 2:o + 4])[0]
    c = ~fold((~hc & 0xffff) + (~0x0800 & 0xffff)) & 0xffff
    if c == 0 and f[o + 4:o + 8] == bytes(4) and \
            (14 + tlen > min(len(f), SEG) or not any(f[o + 8:14 + tlen])):
        c = 0xffff      # an all-zero message: only 0xffff verifies
    b[o + 2:o + 4] = struct.pack("!H", c)
    assert ones_sum(b[o:14 + tlen]) == 0xffff, "model: echo reply checksum"
    return Reply(port, bytes(b))


def verdict(frame, port):
    """What pktgate must do with `frame` arriving on `port`."""
    f = bytes(frame)
    mac, _ = PORTS[port]
    if len(f) < 14:
        return Drop("runt")
    if f[0:6] != mac and not f[0] & 1:
        return Drop("bad_l2")
    et = struct.unpack("!H", f[12:14])[0]
    if et == 0x86dd:
        return ipv6_verdict(f, port)
    if et == 0x0806:
        return arp_verdict(f, port)
    if et != 0x0800:
        return Drop("unsupported_ethertype")
    ip = f[14:]
    if len(ip) < 20:
        return Drop("runt")
    if ip[0] >> 4 != 4:
        return Drop("bad_version")
    hlen = (ip[0] & 0xf) * 4
    if hlen < 20:
        return Drop("bad_ihl")
    if hlen > min(len(ip), SEG - 14):
        return Drop("runt")
    if ones_sum(ip[:hlen]) != 0xffff:
        return Drop("bad_checksum")
    tlen = struct.unpack("!H", ip[2:4])[0]
    if tlen < hlen or tlen > len(ip):
        return Drop("bad_length")
    if ip[12] in MARTIAN:
        return Drop("martian_src")
    if ip[16] in MARTIAN:
        return Drop("not_ours_local" if ip[16:20] == b"\xff" * 4 else "martian_dst")
    nh = lookup(struct.unpack("!I", ip[16:20])[0])
    if nh is None:
        return Drop("no_route")
    kind, out, nh_mac = nh
    if kind == "local":
        if ip[16:20] != PORTS[out][1]:
            return Drop("not_ours_local")     # a subnet broadcast
        return echo_verdict(f, port, hlen, tlen)
    if f[0] & 1:
        return Drop("l2_multicast")
    if ip[8] <= 1:
        return Drop("ttl_exceeded")
    if kind == "unresolved":
        return Drop("no_neighbor")
    b = bytearray(f)
    b[0:6], b[6:12] = mac_b(nh_mac), PORTS[out][0]
    b[22] -= 1
    # A recompute: of the two spellings of a valid sum (0x0000, 0xffff) it
    # never gives 0xffff, nor may an incremental update (RFC 1624 sec. 3).
    b[24:26] = struct.pack("!H", ~ones_sum(b[14:24] + b"\0\0" + b[26:14 + hlen]) & 0xffff)
    return Fwd(out, bytes(b), options=hlen > 20)


# ---------------------------------------------------------------------------
# Frames


def eth(dst=LAN_MAC, src=HOST_MAC, **kw):
    return Ether(dst=dst, src=src, **kw)


def udp(dst="203.0.113.7", src=HOST_IP, payload=b"malformed-test", **ipkw):
    return bytes(eth() / IP(src=src, dst=dst, **ipkw) / UDP(sport=4000, dport=5000)
                 / Raw(payload))


def tcp(dst="203.0.113.8", src=HOST_IP, **ipkw):
    return bytes(eth() / IP(src=src, dst=dst, **ipkw) / TCP(sport=4001, dport=80, flags="S"))


def echo(dst=LAN_IP, payload=b"ping-payload", ident=7, seq=1, **ipkw):
    return bytes(eth() / IP(src=HOST_IP, dst=dst, **ipkw) / ICMP(id=ident, seq=seq)
                 / Raw(payload))


def arp(op=1, sha=HOST_MAC, spa=HOST_IP, tha="00:00:00:00:00:00", tpa=LAN_IP,
        hrd=1, pro=0x0800, hln=6, pln=4, dmac="ff:ff:ff:ff:ff:ff", smac=HOST_MAC):
    return (mac_b(dmac) + mac_b(smac) + b"\x08\x06"
            + struct.pack("!HHBBH", hrd, pro, hln, pln, op)
            + mac_b(sha) + ip_b(spa) + mac_b(tha) + ip_b(tpa))


def fix_ip_cksum(b):
    b = bytearray(b)
    hlen = max((b[14] & 0xf) * 4, 20)
    b[24:26] = b"\0\0"
    b[24:26] = struct.pack("!H", ~ones_sum(b[14:14 + hlen]) & 0xffff)
    return bytes(b)


def set_field(frame, off, fmt, value, fix=True):
    b = bytearray(frame)
    struct.pack_into(fmt, b, off, value)
    return fix_ip_cksum(b) if fix else bytes(b)


def rbytes(rng, n):
    """n random bytes from the seeded generator."""
    return bytes(rng.randrange(256) for _ in range(n))


def good_frames(rng, n):
    """Frames that must come out: forwarded both ways, IP options,
    fragments in transit, answered echo requests and ARP requests."""
    makers = [
        lambda: udp("203.0.113.%d" % rng.randint(1, 254), ttl=rng.randint(2, 255)),
        lambda: tcp("203.0.113.%d" % rng.randint(1, 254)),
        lambda: udp(HOST_IP, payload=rbytes(rng, rng.randint(0, 64))),
        lambda: udp("203.0.113.9", options=[IPOption_NOP()] * rng.choice((4, 8, 40))),
        lambda: udp("203.0.113.10", options=[IPOption_RR()]),
        lambda: udp("203.0.113.11", flags="MF", frag=rng.randint(0, 100)),
        lambda: echo(ident=rng.randint(0, 65535), seq=rng.randint(0, 65535),
                     payload=rbytes(rng, rng.randint(0, 200))),
        lambda: echo(dst=WAN_IP),                # the other port's address
        lambda: echo(ident=0, seq=0, payload=b""),
        lambda: echo(ident=0, seq=0, payload=bytes(32)),
        lambda: arp(),
        lambda: arp(dmac=LAN_MAC),
        lambda: udp("203.0.113.12", payload=b"pad") + rbytes(rng, rng.randint(1, 30)),
    ]
    return [("good", rng.choice(makers)(), None) for _ in range(n)]


def crafted_frames(rng):
    """(class, frame, reason the class is built for) for every class of
    bad frame."""
    out = []

    def add(cls, frames, reason):
        out.extend((cls, f, reason) for f in frames)

    u, a, e = udp(), arp(), echo()
    opt = udp("203.0.113.9", options=[IPOption_NOP()] * 8)
    # Truncated at every length from nothing to a full header.
    add("truncated udp", [u[:n] for n in range(0, 34)], "runt")
    add("truncated udp", [u[:n] for n in range(34, 42)], "bad_length")
    add("truncated arp", [a[:n] for n in range(0, 14)] + [a[:n] for n in range(14, 42)], "runt")
    add("truncated options", [opt[:n] for n in range(34, 14 + 28)], "runt")
    add("truncated echo", [e[:n] for n in range(34, len(e))], "bad_length")
    add("runt", [rbytes(rng, rng.randint(1, 13)) for _ in range(30)], "runt")
    # IPv4 header fields
    add("bad version", [set_field(u, 14, "!B", v << 4 | 5) for v in range(16) if v != 4],
        "bad_version")
    add("bad ihl", [set_field(u, 14, "!B", 0x40 | i, fix=False) for i in range(5)], "bad_ihl")
    add("ihl beyond frame", [set_field(u[:14 + 20], 14, "!B", 0x40 | i) for i in range(6, 16)],
        "runt")
    add("bad total length", [set_field(u, 16, "!H", t) for t in range(0, 20)]
        + [set_field(u, 16, "!H", len(u) - 14 + k) for k in (1, 2, 100, 65535 - len(u) + 14)],
        "bad_length")
    add("bad checksum", [set_field(u, 24, "!H", c, fix=False)
                         for c in rng.sample(range(65536), 60)
                         if ones_sum(set_field(u, 24, "!H", c, fix=False)[14:34]) != 0xffff],
        "bad_checksum")
    add("bad checksum options", [set_field(opt, 24 + 2 * k, "!H", 0x1234, fix=False)
                                 for k in range(1)], "bad_checksum")
    add("martian src", [udp(src=s) for s in ("0.1.2.3", "127.0.0.1", "224.0.0.1",
                                             "240.1.1.1", "255.255.255.255")], "martian_src")
    add("martian dst", [udp(dst=d) for d in ("0.0.0.1", "127.0.0.2", "224.0.0.5",
                                             "239.1.2.3", "240.0.0.1")], "martian_dst")
    add("limited broadcast", [udp(dst="255.255.255.255")], "not_ours_local")
    add("ttl", [udp(ttl=t) for t in (0, 1)] + [udp("192.0.2.77", ttl=1)], "ttl_exceeded")
    add("no route", [udp(dst="%d.1.2.3" % o) for o in (1, 8, 11, 100, 172, 198, 223)],
        "no_route")
    add("no neighbor", [udp(dst=d) for d in ("192.0.2.77", "192.0.2.0", "10.9.1.1",
                                             "100.64.0.1", "198.51.100.3")], "no_neighbor")
    add("l2 multicast", [bytes(eth(dst=d) / IP(src=HOST_IP, dst="203.0.113.7") / UDP())
                         for d in ("ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01")],
        "l2_multicast")
    add("bad l2", [bytes(eth(dst=d) / IP(src=HOST_IP, dst="203.0.113.7") / UDP())
                   for d in (STRANGER_MAC, WAN_MAC, "00:00:00:00:00:00")], "bad_l2")
    # To us but not an echo request, or a broken one.
    add("local not icmp", [udp(LAN_IP), tcp(LAN_IP), udp("192.0.2.255"),
                           echo("198.51.100.255")], "not_ours_local")
    add("icmp not echo", [bytes(eth() / IP(src=HOST_IP, dst=LAN_IP) / ICMP(type=t, code=c))
                          for t, c in ((0, 0), (3, 1), (8, 1), (13, 0), (255, 255))],
        "not_ours_local")
    add("icmp fragment", [echo(flags="MF"), echo(frag=10)], "not_ours_local")
    bad_sum = []
    for _ in range(20):
        b = bytearray(echo(payload=rbytes(rng, rng.randint(0, 40))))
        o = 34 + rng.randrange(len(b) - 34)
        b[o] ^= 1 << rng.randrange(8)
        if b[34] == 8 and b[35] == 0:         # still an echo request, bad sum
            bad_sum.append(bytes(b))
    add("icmp bad checksum", bad_sum, "bad_icmp")
    add("icmp too short", [set_field(echo(payload=b""), 16, "!H", 20 + k) for k in range(8)],
        "bad_icmp")
    # ARP, field by field
    add("arp bad", [arp(hrd=6), arp(pro=0x86dd), arp(hln=8), arp(pln=16),
                    arp(sha="ff:ff:ff:ff:ff:ff"), arp(sha="01:00:5e:00:00:01"),
                    arp(sha="00:00:00:00:00:00")], "bad_arp")
    add("arp not ours", [arp(op=2), arp(op=0), arp(op=3), arp(tpa="192.0.2.2"),
                         arp(tpa=WAN_IP), arp(tpa="192.0.2.255")], "arp_not_ours")
    # Ethertypes we do not handle
    add("vlan", [bytes(eth() / Dot1Q(vlan=v) / IP(src=HOST_IP, dst="203.0.113.7") / UDP())
                 for v in (0, 1, 100, 4095)]
        + [bytes(eth(type=0x88a8) / Raw(b"\x00\x0a\x81\x00\x00\x14\x08\x00" + u[14:]))],
        "unsupported_ethertype")
    ets = [t for t in rng.sample(range(65536), 40) if t not in (0x0800, 0x0806, 0x86dd)]
    add("unknown ethertype", [u[:12] + struct.pack("!H", t) + u[14:] for t in ets],
        "unsupported_ethertype")
    # Over-long frames: forwarded whole when good; bad ones still dropped.
    add("over-long bad checksum", [set_field(udp(payload=bytes(n)), 24, "!H", 0, fix=False)
                                   for n in (1600, 5000, 9000)], "bad_checksum")
    add("over-long bad length", [set_field(udp(payload=bytes(n)), 16, "!H", 20 + n + 9)
                                 for n in (1600, 3000)], "bad_length")
    # IPv6: see ipv6_verdict()
    v6 = [bytes(eth() / IPv6(src="2001:db8::10", dst="2001:db8:1::1", hlim=h) / UDP()
                / Raw(b"v6")) for h in (0, 1, 64)]
    v6 += [bytes(eth(dst="33:33:ff:00:00:01") / IPv6(src="fe80::1", dst="ff02::1:ff00:1")
                 / Raw(b"\x87\x00" + bytes(22)))]
    v6 += [v6[0][:n] for n in (14, 20, 40, 53)]
    out.extend(("ipv6", f, None) for f in v6)
    return out


def overlong_good(rng):
    return [("over-long good", udp("203.0.113.%d" % (n % 250 + 1), payload=bytes(n)), None)
            for n in (1500, 1501, 2100, 4000, 8982)]


def mutate(rng, frame):
    """A good frame with a few random bytes changed, cut or extended."""
    b = bytearray(frame)
    what = rng.randrange(4)
    if what == 0:       # flip bytes in the headers
        for _ in range(rng.randint(1, 3)):
            if b:
                b[rng.randrange(min(len(b), 60))] = rng.randrange(256)
    elif what == 1:     # flip a byte anywhere, then repair the IP checksum
        if len(b) > 14:
            b[rng.randrange(14, len(b))] = rng.randrange(256)
        if len(b) >= 34 and b[12:14] == b"\x08\x00":
            b = bytearray(fix_ip_cksum(b)) if (b[14] & 0xf) * 4 <= len(b) - 14 else b
    elif what == 2:     # cut
        b = b[:rng.randrange(len(b) + 1)]
    else:               # append garbage (padding pktgate must keep)
        b += rbytes(rng, rng.randint(1, 40))
    return bytes(b)


def to_pkts(frames, port="lan"):
    """Pkt objects with the model's verdict; a crafted class must get the
    reason it was built for."""
    pkts = []
    for i, (cls, f, reason) in enumerate(frames):
        v = verdict(f, port)
        if reason is not None:
            assert isinstance(v, Drop) and v.reason == reason, \
                "test bug: class '%s' frame %d: model says %s, class says %s" % (
                    cls, i, getattr(v, "reason", type(v).__name__), reason)
        elif cls != "ipv6" and not cls.startswith("random"):
            assert not isinstance(v, Drop), "test bug: good frame '%s' #%d dropped as %s" % (
                cls, i, v.reason)
        pkts.append(Pkt("%s #%d" % (cls, i), f, v, port=port))
    return pkts


def from_wan(rng, n):
    """Traffic entering on the WAN side: good, broken and ARP."""
    out = []
    for _ in range(n):
        f = bytes(Ether(dst=WAN_MAC, src=GW_MAC)
                  / IP(src="203.0.113.%d" % rng.randint(1, 254), dst=HOST_IP)
                  / UDP(sport=53, dport=4000) / Raw(b"from-wan"))
        out.append(("random wan", mutate(rng, f) if rng.random() < 0.5 else f, None))
    out.append(("wan arp", arp(tpa=WAN_IP, sha=GW_MAC, spa=GW_IP, smac=GW_MAC), None))
    out.append(("wan echo", bytes(Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=GW_IP, dst=WAN_IP)
                                  / ICMP() / Raw(b"x" * 10)), None))
    return out


def summary(pkts):
    kinds = {}
    for p in pkts:
        k = type(p.expect).__name__ if not isinstance(p.expect, Drop) else p.expect.reason
        kinds[k] = kinds.get(k, 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(kinds.items()))


def run(pkts, tag):
    print("  seed %d: %d frames: %s" % (SEED, len(pkts), summary(pkts)))
    run_and_check(pkts, CFG, tag=tag)


@case
def malformed_crafted_classes():
    """Every crafted class of bad frame (with the reason it must get),
    shuffled among good frames of every kind."""
    rng = random.Random(SEED)
    frames = crafted_frames(rng) + good_frames(rng, 300) + overlong_good(rng)
    rng.shuffle(frames)
    run(to_pkts(frames), "malformed-crafted")


@case
def malformed_random_mutations():
    """Good frames of every kind with random bytes changed, cut or
    extended, plus random bytes behind our MAC: the model decides each."""
    rng = random.Random(SEED + 1)
    frames = []
    for cls, f, _ in good_frames(rng, 1600):
        frames.append(("random " + cls, mutate(rng, f), None))
    for _ in range(200):
        body = rbytes(rng, rng.randint(0, 80))
        et = rng.choice((b"\x08\x00", b"\x08\x06", b"\x86\xdd", rbytes(rng, 2)))
        frames.append(("random bytes", mac_b(LAN_MAC) + mac_b(HOST_MAC) + et + body, None))
    frames += good_frames(rng, 200)
    rng.shuffle(frames)
    pkts = to_pkts(frames) + to_pkts(from_wan(rng, 300), port="wan")
    run(pkts, "malformed-random")


if __name__ == "__main__":
    main()
