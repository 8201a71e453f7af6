#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""IPv6: forwarding (MACs rewritten, hop limit - 1), every IPv6 drop reason
with the ICMPv6 error it owes the sender,
Neighbor Discovery (NS -> NA to a unicast address, to the solicited-node
group, DAD) and ICMPv6 echo, each output frame compared byte for byte with
the one scapy builds, and rx = forwarded + local + drops exactly.

usage: test_ipv6.py PKTGATE [case-name-substring...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgtest import (GW_MAC, HOST_IP, HOST_MAC, IP, LAN_IP, LAN_LEN,  # noqa: E402
                    LAN_MAC, STRANGER_MAC, UDP, TCP, WAN_IP, WAN_LEN, WAN_MAC,
                    Config, Drop, Ether, IcmpErr, IPv6, Fwd, Pkt, Port, Raw, Reply,
                    case, fwd, inet_cksum, main, pad_to, run_and_check)
from scapy.layers.inet6 import (ICMPv6DestUnreach, ICMPv6EchoReply,  # noqa: E402
                                ICMPv6EchoRequest, ICMPv6PacketTooBig,
                                ICMPv6TimeExceeded,
                                ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA,
                                ICMPv6ND_RS, ICMPv6NDOptDstLLAddr, IPv6ExtHdrFragment,
                                ICMPv6NDOptSrcLLAddr, in6_getnsma,
                                in6_getnsmac)
from scapy.pton_ntop import inet_pton  # noqa: E402
import pgtest  # noqa: E402
import socket  # noqa: E402

LAN6, WAN6 = "2001:db8:1::1", "2001:db8:2::1"
LAN_LL = "fe80::ff:fe00:1"          # modified EUI-64 of 02:00:00:00:00:01
WAN_LL = "fe80::ff:fe00:2"
HOST6 = "2001:db8:1::10"            # LAN host, a static neighbor
HOST_LL = "fe80::10"
GW_LL = "fe80::99"                  # the WAN gateway, a link-local neighbor
FAR = "2001:db8:100::5"             # behind the gateway
ALL_NODES_MAC = "33:33:00:00:00:01"


def cfg6():
    return Config(
        ports=[Port("lan", "net_pcap0", LAN_IP, LAN_LEN, LAN_MAC, ip6=LAN6 + "/64"),
               Port("wan", "net_pcap1", WAN_IP, WAN_LEN, WAN_MAC, ip6=WAN6 + "/64")],
        neighbors=[(HOST_IP, HOST_MAC, "lan"), ("198.51.100.2", GW_MAC, "wan"),
                   (HOST6, HOST_MAC, "lan"), (GW_LL, GW_MAC, "wan")],
        routes=[("203.0.113.0/24", "via", "198.51.100.2"),
                ("2001:db8:100::/48", "via", GW_LL),
                ("2001:db8:200::/48", "via", "2001:db8:2::3"),   # no neighbor
                ("2001:db8:300::/48", "port", "lan")])


CFG = cfg6()
# Two IPv4 table copies (live updates) and the IPv6 TRIE (32 MiB first
# level) next to the mbufs and pipeline rings do not fit 256 MiB.
pgtest.EAL_MEM_MB = 512


def u6(dst, src=HOST6, hlim=64, dmac=LAN_MAC, smac=HOST_MAC, payload=b"ipv6-payload",
       sport=4000, dport=5000):
    return (Ether(dst=dmac, src=smac) / IPv6(src=src, dst=dst, hlim=hlim)
            / UDP(sport=sport, dport=dport) / Raw(payload))


def fwd6(frame, out_port, nh_mac):
    raw = bytes(frame)
    p = Ether(raw)
    p.dst, p.src = nh_mac, CFG.port(out_port).mac
    p[IPv6].hlim -= 1
    exp = bytes(p)
    assert len(exp) == len(raw)
    diff = [i for i in range(len(raw)) if raw[i] != exp[i] and not (i < 12 or i == 21)]
    assert not diff, "scapy changed bytes %s" % diff[:8]
    return Fwd(out_port, exp)


def echo6(dst, src=HOST6, smac=HOST_MAC, dmac=LAN_MAC, seq=1, ident=0x77,
          payload=b"0123456789abcdef" * 2, hlim=64, **kw):
    return (Ether(dst=dmac, src=smac) / IPv6(src=src, dst=dst, hlim=hlim, **kw)
            / ICMPv6EchoRequest(id=ident, seq=seq, data=payload))


def echo6_reply(frame, in_port):
    p = Ether(bytes(frame))
    p.dst, p.src = p.src, CFG.port(in_port).mac
    p[IPv6].src, p[IPv6].dst = p[IPv6].dst, p[IPv6].src
    p[IPv6].hlim = 64
    req = p[ICMPv6EchoRequest]
    rep = ICMPv6EchoReply(id=req.id, seq=req.seq, data=req.data)
    extra = bytes(frame)[14 + 40 + p[IPv6].plen:]     # Ethernet padding
    p[IPv6].remove_payload()
    p[IPv6].add_payload(rep)
    exp = bytes(p) + extra
    assert len(exp) == len(bytes(frame))
    return Reply(in_port, exp)


def ns(target, src=HOST6, dst=None, smac=HOST_MAC, dmac=None, slla=True, hlim=255,
       code=0):
    """A Neighbor Solicitation; by default to the target's solicited-node
    group."""
    if dst is None:
        dst = in6_getnsma(inet_pton(socket.AF_INET6, target))
        dst = socket.inet_ntop(socket.AF_INET6, dst)
    if dmac is None:
        dmac = in6_getnsmac(inet_pton(socket.AF_INET6, dst)) if dst.startswith("ff") \
            else CFG.port("lan").mac
    p = (Ether(dst=dmac, src=smac) / IPv6(src=src, dst=dst, hlim=hlim)
         / ICMPv6ND_NS(tgt=target, code=code))
    if slla:
        p = p / ICMPv6NDOptSrcLLAddr(lladdr=smac)
    return p


def na_for(frame, in_port):
    """The Neighbor Advertisement pktgate must send for a solicitation."""
    p = Ether(bytes(frame))
    our = CFG.port(in_port).mac
    dad = p[IPv6].src == "::"
    tgt = p[ICMPv6ND_NS].tgt
    exp = (Ether(dst=ALL_NODES_MAC if dad else p.src, src=our)
           / IPv6(src=tgt, dst="ff02::1" if dad else p[IPv6].src, hlim=255)
           / ICMPv6ND_NA(R=1, S=0 if dad else 1, O=1, tgt=tgt)
           / ICMPv6NDOptDstLLAddr(lladdr=our))
    return Reply(in_port, bytes(exp))


# drop reason -> the ICMPv6 error it owes the sender (RFC 4443 3.1, 3.3):
# (icmp counter, scapy class, code); the icmp counters are shared with IPv4
ICMP6_FOR_DROP = {"ip6_hop_limit": ("time_exceeded", ICMPv6TimeExceeded, 0),
                  "ip6_no_route": ("net_unreachable", ICMPv6DestUnreach, 0),
                  "ip6_no_neighbor": ("host_unreachable", ICMPv6DestUnreach, 3),
                  # shared with IPv4's "fragmentation needed"
                  "ip6_too_big": ("frag_needed", ICMPv6PacketTooBig, 0)}
ICMP6_MAX_QUOTE = 1280 - 48      # RFC 4443 2.4 (c): the error fits the minimum MTU


def drop6(reason, frame, cfg=CFG, mtu=None):
    """Drop(reason) with the ICMPv6 error pktgate owes the sender, built by
    scapy: from the ingress port's global address, hop limit 64, quoting
    the packet up to 1280 bytes, back along the route to the source (for
    Packet Too Big, with the egress `mtu`). Only sources that are the
    static LAN host HOST6 get one here (the route back); the other
    outcomes are stated by test ipv6_icmp_errors."""
    if reason not in ICMP6_FOR_DROP or not cfg.icmp_on():
        return Drop(reason)
    raw = bytes(frame)
    assert Ether(raw)[IPv6].src == HOST6, "drop6 models the route back to HOST6 only"
    plen = int.from_bytes(raw[18:20], "big")
    kind, cls, code = ICMP6_FOR_DROP[reason]
    extra = {} if mtu is None else {"mtu": mtu}
    err = (Ether(dst=HOST_MAC, src=LAN_MAC) / IPv6(src=LAN6, dst=HOST6, hlim=64)
           / cls(code=code, **extra) / Raw(raw[14:14 + min(40 + plen, ICMP6_MAX_QUOTE)]))
    return Drop(reason, IcmpErr("lan", bytes(err), kind))


def drops(reason, frames, port="lan"):
    return [Pkt("%s #%d" % (reason, i), f, drop6(reason, f), port=port)
            for i, f in enumerate(frames)]


def canary(tag):
    f = u6(FAR, payload=tag.encode())
    return Pkt(tag, f, fwd6(f, "wan", GW_MAC))


@case
def ipv6_forwarded():
    pk = []
    for i in range(12):
        f = u6(FAR, sport=1000 + i)
        pk.append(Pkt("lan->far %d" % i, f, fwd6(f, "wan", GW_MAC)))
        f = u6(HOST6, src=FAR, dmac=WAN_MAC, smac=GW_MAC, sport=2000 + i)
        pk.append(Pkt("far->host %d" % i, f, fwd6(f, "lan", HOST_MAC), port="wan"))
    f = u6(FAR, hlim=2)
    pk.append(Pkt("hop limit 2 leaves with 1", f, fwd6(f, "wan", GW_MAC)))
    f = Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST6, dst=FAR) / TCP(sport=1, dport=80)
    pk.append(Pkt("tcp", f, fwd6(f, "wan", GW_MAC)))
    f = echo6("2001:db8:100::9")
    pk.append(Pkt("icmpv6 echo through", f, fwd6(f, "wan", GW_MAC)))
    f = Ether(bytes(u6(FAR, payload=b"")) + b"\0" * 6)     # Ethernet padding
    pk.append(Pkt("padded frame", f, fwd6(f, "wan", GW_MAC)))
    f = pad_to(u6(FAR, payload=b""), 1514)
    pk.append(Pkt("1514-byte frame", f, fwd6(f, "wan", GW_MAC)))
    f = u6("2001:db8:2::7")
    pk.append(Pkt("to a connected wan host: no neighbor", f, drop6("ip6_no_neighbor", f)))
    # IPv4 next to IPv6 in one burst
    f = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.5") / UDP()
    pk.append(Pkt("ipv4 still forwarded", f, fwd(f, CFG, "wan", GW_MAC)))
    res = run_and_check(pk, CFG, tag="v6fwd")
    r = next(Ether(x) for x in res.out["wan"] if IPv6 in Ether(x))
    assert r.dst == GW_MAC and r.src == WAN_MAC and r[IPv6].hlim == 63


@case
def ipv6_firewall():
    """The ingress port's acl list applies to IPv6 too: rules with IPv6
    prefixes, protocol and ports; IPv4 rules do not touch IPv6 frames."""
    cfg = cfg6()
    cfg.extra = ("acl:\n  - port: lan\n    default: allow\n    rules:\n"
                 "      - {action: deny, src: '2001:db8:1::/64', proto: udp, dport: 53}\n"
                 "      - {action: deny, dst: '2001:db8:100::9/128'}\n"
                 "      - {action: deny, src: 192.0.2.0/24, proto: udp}\n")
    pk = []
    f = u6(FAR, dport=53)
    pk.append(Pkt("udp/53 from the lan prefix", f, Drop("acl_deny")))
    f = u6(FAR, dport=54)
    pk.append(Pkt("udp/54 passes", f, fwd6(f, "wan", GW_MAC)))
    f = u6("2001:db8:100::9", dport=80)
    pk.append(Pkt("denied destination", f, Drop("acl_deny")))
    f = echo6("2001:db8:100::8")
    pk.append(Pkt("icmpv6 to another one passes", f, fwd6(f, "wan", GW_MAC)))
    f = u6(FAR, sport=7, dport=9)
    pk.append(Pkt("an IPv4 rule does not match IPv6", f, fwd6(f, "wan", GW_MAC)))
    f = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.5") / UDP()
    pk.append(Pkt("ipv4 udp from the lan: denied", f, Drop("acl_deny")))
    f = u6(HOST6, src=FAR, dmac=WAN_MAC, smac=GW_MAC, dport=53)
    pk.append(Pkt("wan has no list", f, fwd6(f, "lan", HOST_MAC), port="wan"))
    run_and_check(pk, cfg, tag="v6acl")


@case
def ipv6_drops():
    pk = [canary("canary-1")]
    f = bytearray(bytes(u6(FAR)))
    f[14] = 0x45
    pk += drops("ip6_bad_version", [bytes(f)])
    f = bytearray(bytes(u6(FAR)))
    f[18:20] = (200).to_bytes(2, "big")       # payload length beyond the frame
    pk += drops("ip6_truncated", [bytes(f)])
    pk += drops("runt", [bytes(u6(FAR))[:14 + 30]])
    pk += drops("ip6_martian_src", [u6(FAR, src="::1"), u6(FAR, src="ff02::1"),
                                    u6(FAR, src="::"), u6(LAN6, src="::")])
    pk += drops("ip6_link_local", [u6(FAR, src=HOST_LL), u6("fe80::1234"),
                                   u6("fe80::1234", src=HOST_LL)])
    pk += drops("ip6_multicast_dst", [
        u6("ff0e::1", dmac="33:33:00:00:00:01"),
        u6("ff02::1", dmac=ALL_NODES_MAC),                 # all-nodes, but UDP
        echo6("ff02::1", dmac=ALL_NODES_MAC),              # no echo to multicast
        u6("ff02::1:ff00:1", dmac="33:33:ff:00:00:01"),    # our group, but UDP
    ])
    pk += drops("ip6_l2_multicast", [u6(FAR, dmac=ALL_NODES_MAC),
                                     u6(FAR, dmac="ff:ff:ff:ff:ff:ff")])
    pk += drops("bad_l2", [u6(FAR, dmac="33:33:ff:12:34:56"),   # not our group
                           u6("ff02::2", dmac="33:33:00:00:00:02")])
    pk += drops("ip6_hop_limit", [u6(FAR, hlim=1), u6(FAR, hlim=0)])
    pk += drops("ip6_no_route", [u6("3fff::1"), u6("2001:db8:9::1")])
    pk += drops("ip6_no_neighbor", [u6("2001:db8:200::1"), u6("2001:db8:1::99"),
                                    u6("2001:db8:300::1")])
    pk += drops("ip6_not_ours_local", [
        u6(LAN6), u6(LAN_LL, src=HOST_LL),
        Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST6, dst=LAN6) / ICMPv6EchoReply(),
    ])
    f = bytearray(bytes(echo6(LAN6)))
    f[-1] ^= 0x5a
    pk += drops("icmp6_bad", [bytes(f)])
    bad_opt = bytearray(bytes(ns(LAN6)))
    bad_opt[14 + 40 + 24 + 1] = 0                    # option length 0
    bad_sum = bytearray(bytes(ns(LAN6)))
    bad_sum[-1] ^= 1
    pk += drops("nd_bad", [
        ns(LAN6, hlim=64), bytes(bad_sum), ns(LAN6, code=1), bytes(bad_opt),
        ns(LAN6, src="::", slla=True),                # DAD with a source address option
        ns("ff02::1", dst=LAN6, dmac=LAN_MAC),       # multicast target
    ])
    pk += drops("nd_not_ours", [
        ns("2001:db8:1::77", dst=LAN6, dmac=LAN_MAC),  # not our address
        ns(WAN6, dst=LAN6, dmac=LAN_MAC),            # ours, but on the other port
        Ether(dst=ALL_NODES_MAC, src=HOST_MAC) / IPv6(src=HOST_LL, dst="ff02::1", hlim=255)
        / ICMPv6ND_NA(tgt=HOST_LL),
        Ether(dst=ALL_NODES_MAC, src=HOST_MAC) / IPv6(src=HOST_LL, dst="ff02::1", hlim=255)
        / ICMPv6ND_RA(),
        Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST_LL, dst=LAN_LL, hlim=255)
        / ICMPv6ND_RS(),
    ])
    pk.append(canary("canary-2"))
    run_and_check(pk, CFG, tag="v6drops")


@case
def neighbor_discovery():
    pk = []
    f = ns(LAN6)
    pk.append(Pkt("NS to the solicited-node group", f, na_for(f, "lan")))
    f = ns(LAN6, dst=LAN6, dmac=LAN_MAC, src="2001:db8:1::11")
    pk.append(Pkt("NS unicast (NUD)", f, na_for(f, "lan")))
    f = ns(LAN6, dst=LAN6, dmac=LAN_MAC, slla=False, src="2001:db8:1::12")
    pk.append(Pkt("NS unicast without options", f, na_for(f, "lan")))
    f = ns(LAN_LL, src=HOST_LL)
    pk.append(Pkt("NS for our link-local address", f, na_for(f, "lan")))
    f = ns(LAN6, src="::", slla=False)
    pk.append(Pkt("DAD probe", f, na_for(f, "lan")))
    f = ns(WAN6, src=GW_LL, smac=GW_MAC)
    f[Ether].dst = in6_getnsmac(inet_pton(socket.AF_INET6, f[IPv6].dst))
    pk.append(Pkt("NS on wan", f, na_for(f, "wan"), port="wan"))
    f = ns(LAN6, smac=STRANGER_MAC, src="2001:db8:1::200")
    pk.append(Pkt("NS from an unknown host", f, na_for(f, "lan")))
    f = ns(LAN6, src="2001:db8:1::13") / Raw(b"\x0e\x01" + b"\0" * 6)  # unknown option
    f[IPv6].plen = None
    f = Ether(bytes(f))
    pk.append(Pkt("NS with an unknown option", f, na_for(f, "lan")))
    res = run_and_check(pk, CFG, tag="nd")
    na = Ether(res.out["lan"][0])
    assert na[IPv6].src == LAN6 and na[IPv6].dst == HOST6 and na[IPv6].hlim == 255
    a = na[ICMPv6ND_NA]
    assert (a.R, a.S, a.O, a.tgt) == (1, 1, 1, LAN6)
    assert na[ICMPv6NDOptDstLLAddr].lladdr == LAN_MAC
    dad = Ether(pk[4].expect.frame)
    assert dad.dst == ALL_NODES_MAC and dad[IPv6].dst == "ff02::1" and dad[ICMPv6ND_NA].S == 0


@case
def icmpv6_echo():
    pk = []
    f = echo6(LAN6)
    pk.append(Pkt("echo to lan global", f, echo6_reply(f, "lan")))
    f = echo6(WAN6, seq=2)
    pk.append(Pkt("echo to wan address via lan", f, echo6_reply(f, "lan")))
    f = echo6(LAN_LL, src=HOST_LL, seq=3)
    pk.append(Pkt("echo link-local to link-local", f, echo6_reply(f, "lan")))
    f = echo6(LAN6, src=HOST_LL, seq=4)
    pk.append(Pkt("echo from link-local to global", f, echo6_reply(f, "lan")))
    f = echo6(LAN6, seq=5, hlim=1)
    pk.append(Pkt("echo with hop limit 1 is still ours", f, echo6_reply(f, "lan")))
    f = echo6(LAN6, seq=6, payload=b"odd" * 7)
    pk.append(Pkt("echo odd length", f, echo6_reply(f, "lan")))
    f = echo6(LAN6, seq=7, payload=b"", tc=0x28, fl=0x12345)
    pk.append(Pkt("echo with traffic class and flow label", f, echo6_reply(f, "lan")))
    f = Ether(bytes(echo6(LAN6, seq=8, payload=b"")) + b"\0" * 4)
    pk.append(Pkt("echo with trailing padding", f, echo6_reply(f, "lan")))
    for size in (1514, 2000, 9000):
        f = echo6(LAN6, seq=size, payload=b"\xa5" * (size - 62))
        pk.append(Pkt("echo %d bytes" % size, f, echo6_reply(f, "lan")))
    f = echo6(WAN6, src=FAR, smac=GW_MAC, dmac=WAN_MAC, seq=20)
    pk.append(Pkt("echo on wan", f, echo6_reply(f, "wan"), port="wan"))
    res = run_and_check(pk, CFG, tag="echo6")
    r = Ether(res.out["lan"][0])
    assert r.dst == HOST_MAC and r.src == LAN_MAC and r[IPv6].src == LAN6
    assert r[IPv6].dst == HOST6 and r[IPv6].hlim == 64 and r[ICMPv6EchoReply].seq == 1
    raw = res.out["lan"][0]
    phdr = raw[22:54] + len(raw[54:]).to_bytes(4, "big") + b"\0\0\0\x3a"
    assert inet_cksum(phdr + raw[54:]) == 0, "echo reply checksum does not verify"


@case
def ipv6_icmp_errors():
    """ICMPv6 errors (RFC 4443 2.4): sent about an informational message
    (echo request), not about an ICMPv6 error or a non-first fragment
    (suppressed), not to a source without a resolvable route back
    (no_route_back); icmp: {rate: 0} sends none and counts none."""
    pk = []
    f = echo6(FAR, hlim=1)
    pk.append(Pkt("echo request, hop limit 1", f, drop6("ip6_hop_limit", f)))
    f = (Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST6, dst=FAR, hlim=1)
         / ICMPv6DestUnreach() / Raw(b"q" * 48))
    pk.append(Pkt("about an ICMPv6 error", f, Drop("ip6_hop_limit", "suppressed")))
    f = (Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST6, dst="3fff::1")
         / IPv6ExtHdrFragment(offset=100, m=0, id=7) / Raw(b"f" * 16))
    pk.append(Pkt("non-first fragment", f, Drop("ip6_no_route", "suppressed")))
    f = (Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST6, dst="3fff::1")
         / IPv6ExtHdrFragment(offset=0, m=1, id=8) / UDP() / Raw(b"g" * 16))
    pk.append(Pkt("first fragment", f, drop6("ip6_no_route", f)))
    f = u6(FAR, src="2001:db8:1::55", hlim=1)     # connected, not a neighbor
    pk.append(Pkt("source unresolved", f, Drop("ip6_hop_limit", "no_route_back")))
    f = u6("2001:db8:200::1", src="3fff::9")      # no route to the source
    pk.append(Pkt("source unrouted", f, Drop("ip6_no_neighbor", "no_route_back")))
    pk.append(canary("after the errors"))
    run_and_check(pk, CFG, tag="icmp6err")

    c = cfg6()
    c.icmp = {"rate": 0}
    pk = [Pkt(r, f, Drop(r)) for r, f in (("ip6_hop_limit", u6(FAR, hlim=1)),
                                          ("ip6_no_route", u6("3fff::1")),
                                          ("ip6_no_neighbor", u6("2001:db8:200::1")))]
    run_and_check(pk, c, tag="icmp6off")


def sized6(size, dst=FAR, **kw):
    """A UDP packet to `dst` of `size` bytes of IPv6 (header + payload)."""
    f = pad_to(u6(dst, payload=b"", **kw), 14 + size)
    assert 40 + int.from_bytes(bytes(f)[18:20], "big") == size == len(bytes(f)) - 14
    return f


def too_big(f, mtu):
    """ip6_too_big with its Packet Too Big, taken apart byte by byte (not
    by scapy): type 2 code 0, the MTU, the quote, the checksum."""
    d = drop6("ip6_too_big", f, mtu=mtu)
    e, raw = d.icmp.frame, bytes(f)
    quote = raw[14:14 + min(len(raw) - 14, ICMP6_MAX_QUOTE)]
    assert e[54:56] == b"\x02\x00" and int.from_bytes(e[58:62], "big") == mtu, e[54:62]
    assert e[62:] == quote and len(e) - 14 <= 1280, len(e)
    phdr = e[22:54] + len(e[54:]).to_bytes(4, "big") + b"\0\0\0\x3a"
    assert inet_cksum(phdr + e[54:]) == 0, "Packet Too Big checksum does not verify"
    return d


def mtu6_config(mtu=1400, icmp=None):
    c = cfg6()
    c.port("wan").mtu = mtu
    c.icmp = icmp
    return c


@case
def ipv6_packet_too_big():
    """ports[].mtu applies to IPv6: a WAN MTU of 1400 passes a 1400-byte
    packet and drops a 1401-byte one as ip6_too_big, answered with ICMPv6
    Packet Too Big carrying 1400 and as much of the packet as keeps the
    error within 1280 bytes (RFC 4443 3.2); hop limit is judged first, an
    unresolved next hop before the MTU. The LAN keeps the default 1500."""
    cfg = mtu6_config()
    pk = [canary("canary-1")]
    for size in (1280, 1399, 1400):
        f = sized6(size)
        pk.append(Pkt("%d bytes fit" % size, f, fwd6(f, "wan", GW_MAC)))
    for size in (1401, 1500):
        f = sized6(size)
        pk.append(Pkt("%d bytes too big" % size, f, too_big(f, 1400)))
    # a chained jumbo frame: the quote stops at 1232 bytes, the chain goes
    f = sized6(9000)
    pk.append(Pkt("9000 bytes too big", f, too_big(f, 1400)))
    # an echo request is informational: it gets its error too
    f = echo6(FAR, payload=b"e" * 1400)
    pk.append(Pkt("echo too big", f, too_big(f, 1400)))
    f = sized6(1401, hlim=1)
    pk.append(Pkt("hop limit first", f, drop6("ip6_hop_limit", f)))
    f = sized6(1401, dst="2001:db8:200::1")
    pk.append(Pkt("unresolved next hop first", f, drop6("ip6_no_neighbor", f)))
    # about an ICMPv6 error: none (RFC 4443 2.4 (e.1))
    f = (Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src=HOST6, dst=FAR)
         / ICMPv6DestUnreach() / Raw(b"q" * 1400))
    pk.append(Pkt("about an ICMPv6 error", f, Drop("ip6_too_big", "suppressed")))
    f = pad_to(u6(FAR, src="2001:db8:1::55", payload=b""), 14 + 1500)
    pk.append(Pkt("source unresolved", f, Drop("ip6_too_big", "no_route_back")))
    # wan -> lan: 1500 bytes fit the LAN's default
    f = pad_to(u6(HOST6, src=FAR, dmac=WAN_MAC, smac=GW_MAC, payload=b""), 14 + 1500)
    pk.append(Pkt("lan 1500", f, fwd6(f, "lan", HOST_MAC), port="wan"))
    # IPv4 keeps its own rules on the same port
    f = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.5") / UDP()
    pk.append(Pkt("ipv4 beside it", f, fwd(f, cfg, "wan", GW_MAC)))
    pk.append(canary("canary-2"))
    run_and_check(pk, cfg, tag="v6ptb")

    c = mtu6_config(icmp={"rate": 0})
    f = sized6(1401)
    run_and_check([Pkt("icmp off", f, Drop("ip6_too_big"))], c, tag="v6ptb-off")


@case
def ipv6_packet_too_big_rate_limit():
    """Packet Too Big takes its tokens from the same per-lcore bucket as
    every ICMP error (icmp: {rate: 1, burst: 3}): of 10 too-big packets of
    one flow, 3 get one, 7 count as rate_limited (deterministic, as in
    test_icmp_errors.py icmp_rate_limit: refilling a token takes a second);
    every one is dropped and counted."""
    cfg = mtu6_config(icmp={"rate": 1, "burst": 3})
    pk = []
    for i in range(10):
        f = sized6(1401 + i)
        exp = too_big(f, 1400) if i < 3 else Drop("ip6_too_big", "rate_limited")
        pk.append(Pkt("too big %d" % i, f, exp))
    pk.append(canary("canary"))
    run_and_check(pk, cfg, tag="v6ptb-rate")


@case
def ipv6_off_port_unchanged():
    """A port without ipv6 keeps dropping IPv6 as an unsupported ethertype,
    while the other port forwards it."""
    c = cfg6()
    c.ports[1] = Port("wan", "net_pcap1", WAN_IP, WAN_LEN, WAN_MAC)
    c.neighbors = [n for n in c.neighbors if ":" not in n[0] or n[2] == "lan"]
    c.routes = [r for r in c.routes if ":" not in r[0] or r[1] == "port"]
    f = u6("2001:db8:300::1", src=FAR, dmac=WAN_MAC, smac=GW_MAC)
    pk = [Pkt("v6 on a port without ipv6", f, Drop("unsupported_ethertype"), port="wan"),
          Pkt("v6 group frame there", u6("ff02::1", dmac="33:33:00:00:00:01",
                                         smac=GW_MAC), Drop("unsupported_ethertype"),
              port="wan")]
    f = u6(HOST6, src="2001:db8:1::20")
    pk.append(Pkt("v6 on lan", f, fwd6(f, "lan", HOST_MAC)))
    run_and_check(pk, c, tag="v6off")


@case
def ipv6_mixed_many_flows():
    """Many IPv6 and IPv4 flows interleaved with ND and echo: order per
    flow kept (pipeline mode spreads them over lcores)."""
    pk = []
    for i in range(64):
        f = u6("2001:db8:100::%x" % (i % 8 + 1), sport=3000 + i % 5)
        pk.append(Pkt("v6 %d" % i, f, fwd6(f, "wan", GW_MAC)))
        if i % 4 == 0:
            f = echo6(LAN6, seq=i)
            pk.append(Pkt("echo %d" % i, f, echo6_reply(f, "lan")))
        if i % 8 == 0:
            f = ns(LAN6)
            pk.append(Pkt("ns %d" % i, f, na_for(f, "lan")))
            f = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.%d" % i) / UDP()
            pk.append(Pkt("v4 %d" % i, f, fwd(f, CFG, "wan", GW_MAC)))
    run_and_check(pk, CFG, tag="v6mixed")


@case
def ipv6_flows_spread_in_pipeline():
    """Pipeline mode hashes IPv6 flows (addresses, next header, ports) over
    the forwarding lcores: 32 flows must not all land on one of them."""
    import pgtest
    pk = []
    for i in range(32):
        f = u6("2001:db8:100::%x" % (i + 1), sport=5000 + i)
        pk.append(Pkt("flow %d" % i, f, fwd6(f, "wan", GW_MAC)))
    res = run_and_check(pk, CFG, tag="v6spread")
    if not pgtest.TOPOLOGY_NAME.startswith("pipeline"):
        return
    fwd_lcores = [v for v in res.summary["lcore"].values() if v["role"] != "rx"]
    assert len(fwd_lcores) >= 2 and all(v["tx"] > 0 for v in fwd_lcores), \
        res.summary["lines"]


@case
def ipv6_telemetry():
    """/pktgate/routes6, /pktgate/neighbors6 and the port detail show the
    IPv6 side; /pktgate/routes (IPv4) is unchanged by it."""
    import signal
    import subprocess
    import tempfile
    import shutil
    import pgtest
    tmp = tempfile.mkdtemp(prefix="pg-tel6-")
    prefix = pgtest.unique_prefix("pgtel6")
    proc = tel = None
    try:
        vdevs, _ = pgtest.pcap_vdevs(tmp, CFG, {})
        conf = os.path.join(tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(CFG.text())
        proc = subprocess.Popen([pgtest.PKTGATE] + pgtest.eal_args(prefix, vdevs)
                                + ["--", "-c", conf], cwd=tmp,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        tel = pgtest.wait_for_socket(prefix, proc)
        r6 = tel.query("/pktgate/routes6")
        want = {"2001:db8:1::1/128 local lan local",
                LAN_LL + "/128 local lan local",
                "2001:db8:1::/64 port lan unresolved connected",
                "2001:db8:1::10/128 via 2001:db8:1::10 port lan neighbor",
                "2001:db8:100::/48 via fe80::99 port wan static",
                "2001:db8:200::/48 port wan unresolved static (gateway unresolved)",
                "2001:db8:300::/48 port lan unresolved static"}
        assert want <= set(r6["routes"]), r6
        assert r6["count"] == 10 and len(r6["routes"]) == 10, r6
        n6 = tel.query("/pktgate/neighbors6")
        assert n6["count"] == 2 and n6["ip"] == [HOST6, GW_LL], n6
        assert n6["port"] == ["lan", "wan"] and n6["mac"] == [HOST_MAC, GW_MAC], n6
        lan = tel.query("/pktgate/ports,lan")
        assert lan["ipv6"] == "2001:db8:1::1/64" and lan["ipv6_link_local"] == LAN_LL, lan
        r4 = tel.query("/pktgate/routes")
        assert all(":" not in x for x in r4["routes"]) and r4["count"] == 9, r4
    finally:
        if tel is not None:
            tel.close()
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=20)
        pgtest.cleanup_prefix(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
