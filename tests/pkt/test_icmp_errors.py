#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ICMP errors (RFC 792, RFC 1191, RFC 1812 4.3.2 and 5.2.7): what pktgate
sends when it drops a datagram for TTL, route, neighbor or MTU, byte for
byte, out of the port of the route back to the sender; the suppression
rules of RFC 1812 4.3.2.7; the egress MTU; the per-lcore rate limit.

Expected error frames come from pgtest.icmp_error(), which builds them
from bytes; each one is also taken apart with scapy here (type, code,
checksums, addresses, quote), so the reference itself is checked.

usage: test_icmp_errors.py PKTGATE [case-name-substring...]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgtest import (GW_MAC, HOST_IP, HOST_MAC, ICMP, IP,  # noqa: E402
                    LAN_IP, LAN_MAC, UDP, WAN_IP, WAN_MAC, Drop, Ether,
                    IPOption_NOP, Pkt, Raw, base_config, case, fwd, icmp_error,
                    main, pad_to, run_and_check, run_pktgate)

CFG = base_config()
FAR = "203.0.113.50"           # a host behind the WAN gateway


def udp(dst, src=HOST_IP, ttl=64, dmac=LAN_MAC, smac=HOST_MAC, payload=b"icmp-err", **ipkw):
    return (Ether(dst=dmac, src=smac) / IP(src=src, dst=dst, ttl=ttl, **ipkw)
            / UDP(sport=4000, dport=5000) / Raw(payload))


def from_wan(dst, src=FAR, **kw):
    return udp(dst, src=src, dmac=WAN_MAC, smac=GW_MAC, **kw)


def checked(err, orig, typ, code, src_ip, mtu=0):
    """Take the expected error apart with scapy: the fields RFC 792/1191/
    1812 ask for, checksums scapy agrees with, and the quote."""
    o = bytes(orig)
    p = Ether(err.frame)
    ip, icmp = p[IP], p[ICMP]
    assert (ip.src, ip.dst, ip.proto, ip.ttl, ip.tos) == (src_ip, IP(o[14:]).src, 1, 64, 0xc0), \
        p.summary()
    assert (icmp.type, icmp.code) == (typ, code), p.summary()
    if typ == 3 and code == 4:
        assert icmp.nexthopmtu == mtu and err.frame[38:40] == b"\0\0", icmp.nexthopmtu
    tlen = struct.unpack("!H", o[16:18])[0]
    quote = o[14:14 + min(tlen, 548)]
    assert bytes(icmp.payload) == quote, "quote differs"
    assert ip.len == 28 + len(quote) <= 576
    # scapy recomputes both checksums the same
    q = Ether(err.frame)
    del q[IP].chksum
    del q[ICMP].chksum
    assert bytes(q) == err.frame, "scapy computes other checksums"
    return err


def err_to(orig, in_port, kind, out_port, nh_mac, typ, code, mtu=0, cfg=CFG):
    e = icmp_error(orig, cfg, in_port, kind, out_port, nh_mac, mtu)
    return checked(e, orig, typ, code, cfg.port(in_port).ip, mtu)


def time_exceeded(orig, in_port="lan", out_port="lan", nh_mac=HOST_MAC, cfg=CFG):
    return Drop("ttl_exceeded",
                err_to(orig, in_port, "time_exceeded", out_port, nh_mac, 11, 0, cfg=cfg))


@case
def icmp_time_exceeded():
    """TTL 1 and 0 expire; the error goes back along the route to the
    source, from the address of the port the datagram came in on."""
    pk = []
    for i, ttl in enumerate((1, 0, 1)):
        f = udp("203.0.113.7", ttl=ttl, payload=b"te%d" % i)
        pk.append(Pkt("lan ttl %d #%d" % (ttl, i), f, time_exceeded(f)))
    f = from_wan(HOST_IP, ttl=1)
    pk.append(Pkt("wan ttl 1", f, time_exceeded(f, "wan", "wan", GW_MAC), port="wan"))
    # the route back, not the ingress port: HOST_IP's packet came in on
    # the WAN port (asymmetric path), its error leaves on the LAN, sourced
    # from the WAN port's address
    f = udp("203.0.113.9", ttl=1, dmac=WAN_MAC, smac=GW_MAC)
    pk.append(Pkt("asymmetric", f, time_exceeded(f, "wan", "lan", HOST_MAC), port="wan"))
    # TTL expires before the neighbor is missed (UNRESOLVED next hops)
    f = udp("100.64.1.1", ttl=1)
    pk.append(Pkt("ttl before neighbor", f, time_exceeded(f)))
    # a multi-segment jumbo frame: the error quotes 548 bytes, the chain goes
    f = pad_to(udp("203.0.113.21", ttl=1, payload=b""), 9018)
    pk.append(Pkt("jumbo ttl 1", f, time_exceeded(f)))
    # options are part of the quoted header
    f = udp("203.0.113.22", ttl=1, options=[IPOption_NOP()] * 8)
    pk.append(Pkt("options ttl 1", f, time_exceeded(f)))
    # an echo request is a query: it gets its error
    f = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst=FAR, ttl=1) / ICMP(id=9, seq=1)
    pk.append(Pkt("echo ttl 1", f, time_exceeded(f)))
    # TTL 2 still leaves (with 1)
    f = udp("203.0.113.7", ttl=2)
    pk.append(Pkt("ttl 2", f, fwd(f, CFG, "wan", GW_MAC)))
    run_and_check(pk, CFG, tag="icmp-te")


@case
def icmp_quote_lengths():
    """RFC 1812 4.3.2.3: as much of the datagram as keeps the error within
    576 bytes; a short datagram is quoted whole (not its Ethernet padding)."""
    pk = []
    for size in (42, 60, 70, 100, 589, 590, 591, 1000, 1514):
        f = pad_to(udp("203.0.113.7", ttl=1, payload=b""), size)
        pk.append(Pkt("size %d" % size, f, time_exceeded(f)))
    # a 28-byte datagram in a 60-byte frame: quote 28 bytes
    f = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst=FAR, ttl=1) / UDP() / Raw(b"\0" * 18)
    b = bytearray(bytes(f))
    b[16:18] = struct.pack("!H", 28)
    b[24:26] = b"\0\0"
    s = sum(struct.unpack("!10H", bytes(b[14:34])))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    b[24:26] = struct.pack("!H", ~s & 0xffff)
    pk.append(Pkt("padded", bytes(b), time_exceeded(bytes(b))))
    run_and_check(pk, CFG, tag="icmp-quote")


@case
def icmp_unreachable():
    """No route: net unreachable (code 0). A route whose next hop does not
    resolve: host unreachable (code 1, RFC 1812 5.2.7.1)."""
    pk = []
    for d in ("8.8.8.8", "172.16.0.1"):
        f = udp(d)
        pk.append(Pkt("no route %s" % d, f, Drop("no_route", err_to(
            f, "lan", "net_unreachable", "lan", HOST_MAC, 3, 0))))
    f = from_wan("9.9.9.9")
    pk.append(Pkt("no route from wan", f, Drop("no_route", err_to(
        f, "wan", "net_unreachable", "wan", GW_MAC, 3, 0)), port="wan"))
    for d in ("192.0.2.77", "100.64.1.1", "10.9.1.1"):
        f = udp(d)
        pk.append(Pkt("no neighbor %s" % d, f, Drop("no_neighbor", err_to(
            f, "lan", "host_unreachable", "lan", HOST_MAC, 3, 1))))
    run_and_check(pk, CFG, tag="icmp-unreach")


def mtu_config():
    cfg = base_config()
    cfg.port("wan").mtu = 1400
    return cfg


@case
def icmp_frag_needed_and_mtu():
    """An egress MTU of 1400: 1400 bytes pass; 1401 with DF is dropped
    with "fragmentation needed" and the MTU (RFC 1191); without DF it is
    dropped as mtu_exceeded (pktgate does not fragment) with no error."""
    cfg = mtu_config()
    pk = []

    def sized(tlen, dst="203.0.113.7", **kw):
        f = pad_to(udp(dst, payload=b"", **kw), 14 + tlen)
        assert struct.unpack("!H", bytes(f)[16:18])[0] == tlen
        return f

    for df in ("DF", 0):
        f = sized(1400, flags=df)
        pk.append(Pkt("1400 %s" % df, f, fwd(f, cfg, "wan", GW_MAC)))
    for tlen in (1401, 1500):
        f = sized(tlen, flags="DF")
        pk.append(Pkt("DF %d" % tlen, f, Drop("frag_needed", err_to(
            f, "lan", "frag_needed", "lan", HOST_MAC, 3, 4, mtu=1400, cfg=cfg))))
        f = sized(tlen)
        pk.append(Pkt("no DF %d" % tlen, f, Drop("mtu_exceeded")))
    # the MTU is judged before the missing neighbor, after the TTL
    f = sized(1401, dst="100.64.1.1", flags="DF")
    pk.append(Pkt("DF unresolved", f, Drop("frag_needed", err_to(
        f, "lan", "frag_needed", "lan", HOST_MAC, 3, 4, mtu=1400, cfg=cfg))))
    f = sized(1401, dst="100.64.1.2")
    pk.append(Pkt("no DF unresolved", f, Drop("mtu_exceeded")))
    f = sized(1401, ttl=1, flags="DF")
    pk.append(Pkt("TTL first", f, time_exceeded(f, cfg=cfg)))
    # the LAN port keeps the default 1500
    f = pad_to(from_wan(HOST_IP, payload=b"", flags="DF"), 14 + 1500)
    pk.append(Pkt("lan 1500", f, fwd(f, cfg, "lan", HOST_MAC), port="wan"))
    run_and_check(pk, cfg, tag="icmp-mtu")


@case
def icmp_suppressed():
    """RFC 1812 4.3.2.7: no error about an ICMP error, a datagram in an L2
    broadcast/multicast frame, a non-initial fragment, or from a source
    that is ours or a broadcast; none either without a forwarding route
    back to the source. The datagram is still counted under its reason."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    pk = []

    def sup(name, f, reason="ttl_exceeded", why="suppressed", port="lan"):
        pk.append(Pkt(name, f, Drop(reason, why), port=port))

    sup("dest unreachable in", e / IP(src=HOST_IP, dst=FAR, ttl=1)
        / ICMP(type=3, code=1) / Raw(bytes(IP(src=FAR, dst=HOST_IP) / UDP())))
    sup("time exceeded in", e / IP(src=HOST_IP, dst=FAR, ttl=1)
        / ICMP(type=11) / Raw(bytes(IP(src=FAR, dst=HOST_IP) / UDP())))
    sup("redirect in, no route", e / IP(src=HOST_IP, dst="8.8.8.8") / ICMP(type=5)
        / Raw(b"r" * 28), reason="no_route")
    sup("unknown ICMP type", e / IP(src=HOST_IP, dst=FAR, ttl=1) / ICMP(type=42) / Raw(b"x"))
    sup("ICMP without a type byte", e / IP(src=HOST_IP, dst=FAR, ttl=1, proto=1))
    sup("L2 broadcast, no route", udp("8.8.8.8", dmac="ff:ff:ff:ff:ff:ff"), reason="no_route")
    sup("L2 multicast, no route", udp("8.8.8.9", dmac="01:00:5e:00:00:01"), reason="no_route")
    sup("non-initial fragment", e / IP(src=HOST_IP, dst=FAR, ttl=1, frag=100, id=5, proto=17)
        / Raw(b"f" * 40))
    sup("last fragment", e / IP(src=HOST_IP, dst=FAR, ttl=1, frag=1, id=6, proto=17)
        / Raw(b"f" * 40))
    sup("source is our address", udp(FAR, src=LAN_IP, ttl=1))
    sup("source is our other address", udp(FAR, src=WAN_IP, ttl=1))
    sup("source is the subnet broadcast", udp(FAR, src="192.0.2.255", ttl=1))
    sup("source is the other subnet broadcast", udp("8.8.8.8", src="198.51.100.255"),
        reason="no_route")
    sup("no route back", udp(FAR, src="1.2.3.4", ttl=1), why="no_route_back")
    sup("route back unresolved", udp(FAR, src="100.64.9.9", ttl=1), why="no_route_back")
    sup("source on the subnet, not a neighbor", udp("8.8.8.8", src="192.0.2.200"),
        reason="no_route", why="no_route_back")
    # martian sources never get this far: dropped (and counted) earlier
    for src in ("0.1.2.3", "127.0.0.1", "224.1.1.1", "255.255.255.255"):
        pk.append(Pkt("martian source %s" % src, udp(FAR, src=src, ttl=1), Drop("martian_src")))
    # the first fragment is quoted and answered
    f = e / IP(src=HOST_IP, dst=FAR, ttl=1, flags="MF", id=7) / UDP() / Raw(b"g" * 40)
    pk.append(Pkt("first fragment", f, time_exceeded(f)))
    f = udp(FAR)
    pk.append(Pkt("canary", f, fwd(f, CFG, "wan", GW_MAC)))
    run_and_check(pk, CFG, tag="icmp-suppressed")


@case
def icmp_rate_limit():
    """icmp: {rate: 1, burst: 3}: of 10 expired datagrams of one flow, the
    first 3 get errors, the other 7 count as rate_limited. Deterministic:
    the bucket starts full, and refilling one token takes a full second of
    TSC time, while the 10 datagrams (one flow: one forwarding lcore in
    every topology) are handled within one or two bursts, microseconds
    apart. Their drops are counted all the same."""
    cfg = base_config(icmp={"rate": 1, "burst": 3})
    pk = []
    for i in range(10):
        f = udp("203.0.113.7", ttl=1, payload=b"seq%d" % i)
        exp = time_exceeded(f, cfg=cfg) if i < 3 else Drop("ttl_exceeded", "rate_limited")
        pk.append(Pkt("expired %d" % i, f, exp))
    f = udp("203.0.113.7")
    pk.append(Pkt("canary", f, fwd(f, cfg, "wan", GW_MAC)))
    run_and_check(pk, cfg, tag="icmp-rate")


@case
def icmp_no_host_unreachable_while_resolving():
    """With dynamic ARP an unresolved next hop is being asked for (the
    datagram is dropped, not held): no Host Unreachable, counted as
    neighbor_pending. The ARP requests pktgate sends meanwhile go out too,
    so this case checks counters and that no ICMP left, not every frame."""
    cfg = base_config()
    cfg.arp = {}                      # pktgate's default: dynamic
    frames = [udp("192.0.2.77", payload=b"p%d" % i) for i in range(3)]
    frames.append(udp("100.64.1.1"))  # via a gateway that is not known yet
    frames.append(udp("203.0.113.7", ttl=1))   # other errors still go
    res = run_pktgate(cfg, {"lan": frames}, tag="icmp-dyn")
    s = res.summary
    assert res.rc == 0 and s is not None, res.stderr[-2000:]
    assert s["drop"] == {"no_neighbor": 4, "ttl_exceeded": 1}, s["lines"]
    assert s["icmp"] == {"neighbor_pending": 4, "time_exceeded": 1}, s["lines"]
    icmp_out = [f for f in res.out["lan"] + res.out["wan"]
                if f[12:14] == b"\x08\x00" and f[23] == 1]
    assert len(icmp_out) == 1 and icmp_out[0][34] == 11, [Ether(f).summary() for f in icmp_out]


@case
def icmp_off():
    """icmp: {rate: 0}: no errors, no ICMP counters; drops as before."""
    cfg = base_config(icmp={"rate": 0})
    pk = [Pkt("ttl", udp("203.0.113.7", ttl=1), Drop("ttl_exceeded")),
          Pkt("no route", udp("8.8.8.8"), Drop("no_route")),
          Pkt("no neighbor", udp("192.0.2.77"), Drop("no_neighbor"))]
    f = pad_to(udp("203.0.113.7", payload=b"", flags="DF"), 1515)
    pk.append(Pkt("DF too big", f, Drop("frag_needed")))
    run_and_check(pk, cfg, tag="icmp-off")


if __name__ == "__main__":
    main()
