#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every drop reason of the data path, one pktgate run per reason: crafted
frames that must be dropped for exactly that reason, next to a frame that
must be forwarded (so that a run which drops everything cannot pass).

usage: test_drops.py PKTGATE [case-name-substring...]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgtest import (GW_IP, GW_MAC, HOST_IP, HOST_MAC, ICMP, IP, IPv6,  # noqa: E402
                    LAN_IP, LAN_MAC, TCP, UDP, WAN_IP, WAN_MAC, Dot1Q,
                    Ether, IPOption_NOP, Pkt, Raw, base_config, case,
                    drop_expect, fwd, main, run_and_check)

CFG = base_config()


def udp(dst, src=HOST_IP, ttl=64, dmac=LAN_MAC, smac=HOST_MAC, **ipkw):
    return (Ether(dst=dmac, src=smac) / IP(src=src, dst=dst, ttl=ttl, **ipkw)
            / UDP(sport=4000, dport=5000) / Raw(b"drop-test-payload"))


def canary(tag="canary"):
    """A frame that must be forwarded to the WAN gateway."""
    f = udp("203.0.113.7") / Raw(tag.encode())
    return Pkt(tag, f, fwd(f, CFG, "wan", GW_MAC))


def drops(reason, frames, port="lan"):
    """Frames dropped for reason; those that owe their sender an ICMP error
    (ttl_exceeded, no_route, no_neighbor) expect it too, by pgtest's
    reference rules (test_icmp_errors.py tests the rules one by one)."""
    return [Pkt("%s #%d" % (reason, i), f, drop_expect(reason, f, CFG, port), port=port)
            for i, f in enumerate(frames)]


def ip_bytes(frame):
    return bytearray(bytes(frame))


def fix_ip_cksum(b, ihl=20):
    b[24:26] = b"\0\0"
    s = sum(struct.unpack("!%dH" % (ihl // 2), bytes(b[14:14 + ihl])))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    b[24:26] = struct.pack("!H", ~s & 0xffff)
    return bytes(b)


def arp_raw(op=1, sha=HOST_MAC, spa=HOST_IP, tha="00:00:00:00:00:00",
            tpa=LAN_IP, hrd=1, pro=0x0800, hln=6, pln=4, dmac="ff:ff:ff:ff:ff:ff",
            smac=HOST_MAC):
    """An ARP frame laid out for Ethernet/IPv4 whatever hln/pln claim."""
    def mac(s):
        return bytes(int(x, 16) for x in s.split(":"))

    def ip(s):
        return bytes(int(x) for x in s.split("."))
    return (mac(dmac) + mac(smac) + b"\x08\x06"
            + struct.pack("!HHBBH", hrd, pro, hln, pln, op)
            + mac(sha) + ip(spa) + mac(tha) + ip(tpa))


def run(pkts):
    run_and_check(pkts + [canary()], CFG, tag="drops")


@case
def drop_bad_l2():
    run(drops("bad_l2", [
        udp("203.0.113.7", dmac="02:00:00:00:00:77"),   # someone else's MAC
        udp("203.0.113.7", dmac=WAN_MAC),               # the other port's MAC
        arp_raw(dmac="02:00:00:00:00:77"),              # ARP, unicast elsewhere
    ]) + drops("bad_l2", [udp("203.0.113.7", dmac=LAN_MAC, smac=GW_MAC)], port="wan"))


@case
def drop_runt():
    ok = bytes(udp("203.0.113.7"))
    run(drops("runt", [
        ok[:1],                          # one byte
        ok[:13],                         # not even an Ethernet header
        ok[:14],                         # Ethernet header, no IPv4 header
        ok[:14 + 19],                    # IPv4 header cut
        ok[:14] + b"\x46" + ok[15:14 + 22],  # IHL 6, frame ends in the options
        arp_raw()[:14 + 20],             # ARP cut short
    ]))


@case
def drop_unsupported_ethertype():
    run(drops("unsupported_ethertype", [
        Ether(dst=LAN_MAC, src=HOST_MAC) / IPv6(src="2001:db8::1", dst="2001:db8::2")
        / UDP() / Raw(b"v6"),
        Ether(dst="33:33:00:00:00:01", src=HOST_MAC) / IPv6(dst="ff02::1") / UDP(),
        Ether(dst=LAN_MAC, src=HOST_MAC) / Dot1Q(vlan=10)
        / IP(src=HOST_IP, dst="203.0.113.7") / UDP() / Raw(b"vlan"),
        Ether(dst=LAN_MAC, src=HOST_MAC, type=0x88a8) / Raw(b"\x00\x0a\x08\x00" + b"q" * 40),
        Ether(dst="01:80:c2:00:00:0e", src=HOST_MAC, type=0x88cc) / Raw(b"\x02\x07" * 20),
        Ether(dst=LAN_MAC, src=HOST_MAC, type=0x0805) / Raw(b"x" * 46),
    ]))


@case
def drop_bad_version():
    frames = []
    for v in (6, 0, 5, 15):
        b = ip_bytes(udp("203.0.113.7"))
        b[14] = (v << 4) | 5
        frames.append(fix_ip_cksum(b))
    run(drops("bad_version", frames))


@case
def drop_bad_ihl():
    frames = []
    for ihl in (0, 1, 4):
        b = ip_bytes(udp("203.0.113.7"))
        b[14] = 0x40 | ihl
        frames.append(bytes(b))
    run(drops("bad_ihl", frames))


@case
def drop_bad_checksum():
    good = bytes(udp("203.0.113.7"))
    frames = []
    for delta in (1, 0x100, 0x8000):
        b = bytearray(good)
        c = struct.unpack("!H", b[24:26])[0]
        b[24:26] = struct.pack("!H", (c + delta) & 0xffff)
        frames.append(bytes(b))
    b = bytearray(good)
    b[22] = 63          # TTL changed, checksum left alone
    frames.append(bytes(b))
    opt = bytes(Ether(dst=LAN_MAC, src=HOST_MAC)
                / IP(src=HOST_IP, dst="203.0.113.7", options=[IPOption_NOP()] * 4)
                / UDP() / Raw(b"o"))
    b = bytearray(opt)
    b[14 + 21] ^= 0x01   # flip a bit inside the options
    frames.append(bytes(b))
    run(drops("bad_checksum", frames))


@case
def drop_bad_length():
    frames = [
        udp("203.0.113.7", len=19),     # below the header length
        udp("203.0.113.7", len=0),
        udp("203.0.113.7", len=len(bytes(udp("203.0.113.7"))) - 14 + 1),  # past the frame
        udp("203.0.113.7", len=65535),
        # IHL 6 but total length 22 < 24
        Ether(dst=LAN_MAC, src=HOST_MAC)
        / IP(src=HOST_IP, dst="203.0.113.7", options=[IPOption_NOP()] * 4, len=22)
        / UDP() / Raw(b"o"),
    ]
    run(drops("bad_length", frames))


@case
def drop_martian_src():
    srcs = ["0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254", "224.0.0.1",
            "239.255.255.255", "240.0.0.1", "255.255.255.255"]
    pk = drops("martian_src", [udp("203.0.113.7", src=s) for s in srcs])
    # a martian source to our own address is dropped before the local check
    pk += drops("martian_src", [Ether(dst=LAN_MAC, src=HOST_MAC)
                                / IP(src="127.0.0.1", dst=LAN_IP) / ICMP()])
    run(pk)


@case
def drop_martian_dst():
    dsts = [("0.0.0.0", LAN_MAC), ("0.1.2.3", LAN_MAC), ("127.0.0.1", LAN_MAC),
            ("224.0.0.5", "01:00:5e:00:00:05"), ("239.1.2.3", "01:00:5e:01:02:03"),
            ("240.0.0.1", LAN_MAC), ("254.1.1.1", LAN_MAC)]
    run(drops("martian_dst", [udp(d, dmac=m) for d, m in dsts]))


@case
def drop_l2_multicast():
    """RFC 1812 5.3.4: a unicast datagram that arrived in a link-layer
    broadcast or multicast frame is not forwarded (and not answered when it
    is not for us): a router would otherwise amplify L2 floods."""
    run(drops("l2_multicast", [
        udp("203.0.113.7", dmac="ff:ff:ff:ff:ff:ff"),
        udp("203.0.113.8", dmac="01:00:5e:00:00:07"),
        udp("203.0.113.9", dmac="33:33:00:00:00:01", ttl=1),  # checked before TTL
    ]))


@case
def drop_not_ours_local():
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    frames = [
        udp("255.255.255.255", dmac="ff:ff:ff:ff:ff:ff"),   # limited broadcast
        udp("255.255.255.255", src="192.0.2.200", dmac="ff:ff:ff:ff:ff:ff"),
        udp(LAN_IP),                                         # UDP to us
        udp(WAN_IP),                                         # to our other port
        e / IP(src=HOST_IP, dst=LAN_IP) / TCP(sport=1000, dport=22, flags="S"),
        e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(type=0, id=1, seq=1) / Raw(b"r"),
        e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(type=13) / Raw(b"t" * 12),  # timestamp
        e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(type=3, code=1) / Raw(b"u" * 28),
        e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(type=8, code=1, id=2) / Raw(b"c"),
        # fragments of an echo request are not reassembled
        e / IP(src=HOST_IP, dst=LAN_IP, flags="MF", id=7) / ICMP(id=3) / Raw(b"f" * 16),
        e / IP(src=HOST_IP, dst=LAN_IP, frag=3, id=7, proto=1) / Raw(b"g" * 16),
        udp("192.0.2.255", dmac="ff:ff:ff:ff:ff:ff"),         # subnet broadcast
        e / IP(src=HOST_IP, dst=LAN_IP, proto=47) / Raw(b"gre" * 8),
    ]
    pk = drops("not_ours_local", frames)
    pk += drops("not_ours_local", [udp(WAN_IP, src=GW_IP, dmac=WAN_MAC, smac=GW_MAC)],
                port="wan")
    run(pk)


@case
def drop_ttl_exceeded():
    frames = [
        udp("203.0.113.7", ttl=1),
        udp("203.0.113.7", ttl=0),
        udp(GW_IP, ttl=1),               # to a neighbor
        udp("192.0.2.77", ttl=1),        # TTL is checked before the neighbor
        udp("100.64.1.1", ttl=1),        # via a gateway that is no neighbor
        udp("10.9.1.1", ttl=0),          # port route without a neighbor
    ]
    run(drops("ttl_exceeded", frames))


@case
def drop_no_route():
    pk = drops("no_route", [udp(d) for d in
                            ("8.8.8.8", "1.1.1.1", "172.16.0.1", "198.18.0.1",
                             "203.0.114.1", "10.10.0.1", "223.255.255.255")])
    pk += drops("no_route", [udp("9.9.9.9", src=GW_IP, dmac=WAN_MAC, smac=GW_MAC)],
                port="wan")
    run(pk)


@case
def drop_no_neighbor():
    frames = [udp(d) for d in
              ("192.0.2.77",        # connected subnet (hairpin), not a neighbor
               "198.51.100.50",     # the other connected subnet
               "198.51.100.3",      # the gateway of 100.64/10 itself
               "10.9.1.1",          # port route, no neighbor for that IP
               "10.9.255.255",
               "100.64.1.1",        # via a gateway that is no neighbor
               "100.127.255.254")]
    run(drops("no_neighbor", frames))


@case
def drop_bad_arp():
    run(drops("bad_arp", [
        arp_raw(hln=5),
        arp_raw(pln=6),
        arp_raw(hrd=6),                                   # IEEE 802
        arp_raw(pro=0x86dd),
        arp_raw(sha="01:00:5e:00:00:01"),                 # group sender MAC
        arp_raw(sha="ff:ff:ff:ff:ff:ff"),
        arp_raw(sha="00:00:00:00:00:00"),
        arp_raw(op=2, hln=5, dmac=LAN_MAC),               # a bad reply is bad_arp
    ]))


@case
def drop_arp_not_ours():
    pk = drops("arp_not_ours", [
        arp_raw(tpa="192.0.2.77"),                        # someone else
        arp_raw(tpa=WAN_IP),                              # our other port's IP
        arp_raw(tpa="192.0.2.255"),
        arp_raw(op=2, sha=HOST_MAC, spa=HOST_IP, tha=LAN_MAC, tpa=LAN_IP,
                dmac=LAN_MAC),                            # a reply to us
        arp_raw(op=2, tpa="192.0.2.10"),                  # gratuitous reply
        arp_raw(op=3),                                    # RARP request
        arp_raw(op=1, spa=HOST_IP, tpa=HOST_IP),          # gratuitous request
    ])
    pk += drops("arp_not_ours", [arp_raw(tpa=LAN_IP, sha=GW_MAC, smac=GW_MAC,
                                         spa=GW_IP)], port="wan")
    run(pk)


@case
def drop_bad_icmp():
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    frames = [
        e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(id=1, seq=1, chksum=0x1234) / Raw(b"x" * 32),
        e / IP(src=HOST_IP, dst=WAN_IP) / ICMP(id=1, seq=2, chksum=0) / Raw(b"x" * 32),
        # ICMP shorter than its 8-byte header
        e / IP(src=HOST_IP, dst=LAN_IP, proto=1) / Raw(b"\x08\x00\xf7\xff"),
        e / IP(src=HOST_IP, dst=LAN_IP, proto=1),
    ]
    # payload changed after the checksum was computed
    b = bytearray(bytes(e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(id=5, seq=5) / Raw(b"y" * 20)))
    b[-1] ^= 0xff
    frames.append(bytes(b))
    run(drops("bad_icmp", frames))


@case
def drop_every_reason_in_one_run():
    """All reasons together: the counters must separate them exactly."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    ver = ip_bytes(udp("203.0.113.7"))
    ver[14] = 0x65
    ihl = ip_bytes(udp("203.0.113.7"))
    ihl[14] = 0x44
    cks = ip_bytes(udp("203.0.113.7"))
    cks[24] ^= 0xff
    pk = []
    pk += drops("bad_l2", [udp("203.0.113.7", dmac="02:00:00:00:00:77")])
    pk += drops("runt", [bytes(udp("203.0.113.7"))[:20]])
    pk += drops("unsupported_ethertype", [e / IPv6() / UDP()])
    pk += drops("bad_version", [fix_ip_cksum(ver)])
    pk += drops("bad_ihl", [bytes(ihl)])
    pk += drops("bad_checksum", [bytes(cks)])
    pk += drops("bad_length", [udp("203.0.113.7", len=10)])
    pk += drops("martian_src", [udp("203.0.113.7", src="127.0.0.1")])
    pk += drops("martian_dst", [udp("240.1.1.1")])
    pk += drops("l2_multicast", [udp("203.0.113.7", dmac="ff:ff:ff:ff:ff:ff")])
    pk += drops("ttl_exceeded", [udp("203.0.113.7", ttl=1)])
    pk += drops("no_route", [udp("8.8.4.4")])
    pk += drops("no_neighbor", [udp("192.0.2.99")])
    pk += drops("not_ours_local", [udp(LAN_IP)])
    pk += drops("bad_arp", [arp_raw(hln=8)])
    pk += drops("arp_not_ours", [arp_raw(tpa="192.0.2.99")])
    pk += drops("bad_icmp", [e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(chksum=1)])
    run(pk * 3)


if __name__ == "__main__":
    main()
