#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Write the seed corpus of fuzz_fwd (corpus/fwd/): one input per kind of
frame, in the target's input format (see fuzz_fwd.c), addressed to the
fuzz target's fixed config so that every stage is reached.

    /usr/bin/python3 tests/fuzz/make_corpus.py tests/fuzz/corpus/fwd
"""
import os
import struct
import sys

from scapy.all import (ARP, ICMP, IP, IPOption_RR, IPv6, TCP, UDP, Dot1Q,
                       Ether, Raw, raw)

LAN_MAC = "02:00:00:00:00:01"
HOST_MAC = "02:00:00:00:00:aa"
OURS = "192.0.2.1"
HOST = "192.0.2.10"


def eth(dst=LAN_MAC):
    return Ether(dst=dst, src=HOST_MAC)


def frame(pkt, flags=0, seg=0):
    """One frame record: length, flags, segment size, bytes."""
    b = raw(pkt) if not isinstance(pkt, bytes) else pkt
    return struct.pack(">HBB", len(b), flags, seg) + b


def seed(port, *frames):
    return bytes([port]) + b"".join(frames)


def udp(dst, ttl=64, **kw):
    return eth() / IP(src=HOST, dst=dst, ttl=ttl, **kw) / UDP(sport=1234, dport=53) / Raw(b"x" * 18)


SEEDS = {
    "udp_forward": seed(0, frame(udp("203.0.113.5"))),
    "udp_forward_lan_route": seed(0, frame(udp("203.0.113.200"))),
    "tcp_forward": seed(0, frame(eth() / IP(src=HOST, dst="10.1.2.3") / TCP(sport=1, dport=80, flags="S"))),
    "icmp_echo": seed(0, frame(eth() / IP(src=HOST, dst=OURS) / ICMP(id=7, seq=1) / Raw(b"ping" * 8))),
    "icmp_echo_zero": seed(0, frame(eth() / IP(src=HOST, dst=OURS) / ICMP(id=0, seq=0))),
    "icmp_echo_chained": seed(0, frame(eth() / IP(src=HOST, dst=OURS) / ICMP(id=9, seq=2) / Raw(b"j" * 3000))),
    "icmp_echo_segments": seed(0, frame(eth() / IP(src=HOST, dst=OURS) / ICMP(id=9, seq=3) / Raw(b"s" * 100), flags=4, seg=4)),
    "arp_request": seed(0, frame(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                                 ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, pdst=OURS))),
    "arp_reply": seed(0, frame(eth() / ARP(op=2, hwsrc=HOST_MAC, psrc=HOST, pdst=OURS))),
    "ip_options": seed(0, frame(eth() / IP(src=HOST, dst="203.0.113.7", options=[IPOption_RR()]) / UDP() / Raw(b"o" * 8))),
    "vlan": seed(0, frame(eth() / Dot1Q(vlan=5) / IP(src=HOST, dst="203.0.113.5") / UDP())),
    "ipv6": seed(0, frame(eth() / IPv6(src="2001:db8::10", dst="2001:db8::1") / UDP())),
    "ttl_1": seed(0, frame(udp("203.0.113.5", ttl=1))),
    "no_route": seed(0, frame(udp("8.8.8.8"))),
    "no_neighbor": seed(0, frame(udp("192.0.2.77"))),
    "broadcast": seed(0, frame(udp("192.0.2.255"))),
    "fragment": seed(0, frame(eth() / IP(src=HOST, dst=OURS, flags="MF") / ICMP() / Raw(b"f" * 16))),
    "cksum_good_flag": seed(0, frame(udp("203.0.113.5"), flags=2)),
    "cksum_bad_flag": seed(0, frame(udp("203.0.113.5"), flags=1)),
    "from_wan": seed(1, frame(Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:99") /
                              IP(src="203.0.113.9", dst="192.0.2.20") / UDP())),
    # byte 0 = 2: the second table (default route, /31 wan, /32 port route)
    "table2_default_route": seed(2, frame(udp("8.8.8.8")), frame(udp("203.0.113.7")),
                                 frame(udp("10.1.1.1"))),
    "table2_from_wan": seed(3, frame(Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:99") /
                                     IP(src="198.51.100.1", dst="198.51.100.0") / ICMP())),
    # byte 0 = 4: ARP learning on (replies consumed, misses reported)
    "learning_arp_reply": seed(4, frame(eth() / ARP(op=2, hwsrc=HOST_MAC, psrc=HOST, pdst=OURS))),
    "learning_miss": seed(4, frame(udp("192.0.2.77")), frame(udp("172.16.0.9")),
                          frame(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                                ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, pdst=OURS))),
    "mixed_burst": seed(0, *[frame(udp("203.0.113.%d" % (i + 1))) for i in range(20)],
                        frame(eth() / IP(src=HOST, dst=OURS) / ICMP()),
                        frame(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                              ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, pdst=OURS)),
                        frame(b"\x02\x00\x00\x00\x00\x01" + b"\x00" * 4)),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "fwd")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
