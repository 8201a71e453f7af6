#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Forwarding: every frame that must be routed comes out of the right port
rewritten exactly (destination MAC of the next hop, source MAC of the
egress port, TTL - 1, header checksum right, everything else unchanged),
in order within each flow, and the summary counters add up exactly
(rx = forwarded + local + drops).

usage: test_forward.py PKTGATE [case-name-substring...]
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgtest import (ARP, GW_IP, GW_MAC, HOST_IP, HOST_MAC, ICMP, IP,  # noqa: E402
                    LAN_IP, LAN_LEN, LAN_MAC, STRANGER_MAC, TCP, UDP, WAN_IP,
                    WAN_LEN, WAN_MAC, Config, Drop, Ether, IPOption,
                    IPOption_NOP, IPOption_RR, Pkt, Port, Raw,
                    arp_reply, base_config, case, drop_expect, echo_reply, fwd,
                    main, pad_to, route_lookup, route_table, run_and_check)

CFG = base_config()
# Runs with more ICMP errors than the default burst (100 per lcore): a bucket
# that never runs dry keeps their count independent of timing.
ICMP_ALL = {"rate": 1000, "burst": 100000}


def udp(dst, src=HOST_IP, ttl=64, dmac=LAN_MAC, smac=HOST_MAC, sport=4000,
        dport=5000, payload=b"forward-me", **ipkw):
    return (Ether(dst=dmac, src=smac) / IP(src=src, dst=dst, ttl=ttl, **ipkw)
            / UDP(sport=sport, dport=dport) / Raw(payload))


def from_wan(dst, **kw):
    return udp(dst, src="203.0.113.50", dmac=WAN_MAC, smac=GW_MAC, **kw)


@case
def forward_basic():
    pk = []

    def to_wan(name, f):
        pk.append(Pkt(name, f, fwd(f, CFG, "wan", GW_MAC)))

    def to_lan(name, f, mac=HOST_MAC):
        pk.append(Pkt(name, f, fwd(f, CFG, "lan", mac), port="wan"))

    to_wan("via route", udp("203.0.113.7"))
    to_wan("via route, first address", udp("203.0.113.0"))
    to_wan("via route, last address", udp("203.0.113.255"))
    to_wan("to the neighbor itself", udp(GW_IP))
    to_wan("TTL 2 leaves with 1", udp("203.0.113.8", ttl=2))
    to_wan("TTL 255", udp("203.0.113.9", ttl=255))
    to_wan("DF, TOS, id", udp("203.0.113.10", flags="DF", tos=0xb8, id=0xbeef))
    to_wan("first fragment", udp("203.0.113.11", flags="MF", id=77))
    f = (Ether(dst=LAN_MAC, src=HOST_MAC)
         / IP(src=HOST_IP, dst="203.0.113.11", frag=185, id=77, proto=17) / Raw(b"z" * 64))
    to_wan("later fragment", f)
    to_wan("TCP", Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.12")
           / TCP(sport=33000, dport=443, flags="S", seq=12345))
    to_wan("ICMP echo through", Ether(dst=LAN_MAC, src=HOST_MAC)
           / IP(src=HOST_IP, dst="203.0.113.13") / ICMP(id=9, seq=9) / Raw(b"ping"))
    to_wan("GRE", Ether(dst=LAN_MAC, src=HOST_MAC)
           / IP(src=HOST_IP, dst="203.0.113.14", proto=47) / Raw(b"\0\0\x08\0" + b"g" * 30))
    to_wan("ESP", Ether(dst=LAN_MAC, src=HOST_MAC)
           / IP(src=HOST_IP, dst="203.0.113.15", proto=50) / Raw(b"e" * 40))
    to_wan("from a host that is no neighbor", udp("203.0.113.16", src="192.0.2.200",
                                                    smac=STRANGER_MAC))
    # Ethernet padding (IP total length below the frame) is kept as it is
    f = udp("203.0.113.18", payload=b"")
    f = Ether(bytes(f) + bytes(range(60 - len(bytes(f)))))
    to_wan("Ethernet padding", f)
    to_wan("source in 100.64/10 (not martian)", udp("203.0.113.19", src="100.64.0.1"))
    to_lan("wan to lan neighbor", from_wan(HOST_IP))
    to_lan("wan to lan, TTL 2", from_wan(HOST_IP, ttl=2, sport=1))
    # hairpin: in and out of lan
    f = udp(HOST_IP, src="192.0.2.200", smac=STRANGER_MAC)
    pk.append(Pkt("hairpin lan to lan", f, fwd(f, CFG, "lan", HOST_MAC)))
    run_and_check(pk, CFG, tag="fwd-basic")


@case
def forward_ttl_checksum_sweep():
    """The TTL decrement patches the header checksum incrementally: compare
    with scapy's full recomputation for checksums around every wrap."""
    base = IP(src=HOST_IP, dst="203.0.113.77", ttl=64, id=0, proto=17, len=60)
    raw = bytearray(bytes(base))
    raw[10:12] = b"\0\0"
    words = sum(struct.unpack("!10H", bytes(raw)))   # id word is 0

    def cksum(ident):
        s = words + ident
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return ~s & 0xffff
    targets = {0x0000, 0x0001, 0x00ff, 0x0100, 0xfeff, 0xff00, 0xfefe, 0xff01,
               0xfffe, 0xfdff, 0x7fff, 0x8000}
    ids = [i for i in range(65536) if cksum(i) in targets]
    rnd = random.Random(4)
    ids += [rnd.randrange(65536) for _ in range(200)]
    pk = []
    for n, ident in enumerate(ids):
        for ttl in (2, 64, 255):
            f = udp("203.0.113.77", id=ident, ttl=ttl, payload=b"c" * 32)
            pk.append(Pkt("id %#x ttl %d" % (ident, ttl), f, fwd(f, CFG, "wan", GW_MAC)))
    run_and_check(pk, CFG, tag="fwd-cksum")


@case
def forward_ip_options_unchanged():
    opts = [
        [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()],
        [IPOption_RR(pointer=4, routers=["0.0.0.0"] * 4)],
        [IPOption(b"\x94\x04\x00\x00")],                     # router alert
        [IPOption(b"\x44\x0c\x05\x00" + b"\0" * 8)],         # timestamp
        [IPOption_RR(pointer=4, routers=["0.0.0.0"] * 9)],   # 39 bytes: IHL 15
    ]
    pk = []
    for i, o in enumerate(opts):
        f = udp("203.0.113.%d" % (40 + i), options=o, payload=b"opt%d" % i)
        ihl = bytes(f)[14] & 0xf
        assert ihl > 5
        e = fwd(f, CFG, "wan", GW_MAC)
        assert e.options and bytes(f)[34:14 + ihl * 4] == e.frame[34:14 + ihl * 4]
        pk.append(Pkt("options %d (IHL %d)" % (i, ihl), f, e))
    f = from_wan(HOST_IP, options=[IPOption_NOP()] * 8)
    pk.append(Pkt("options wan to lan", f, fwd(f, CFG, "lan", HOST_MAC), port="wan"))
    # and plain packets between them do not count as ip_options
    for i in range(3):
        f = udp("203.0.113.60", payload=b"plain%d" % i)
        pk.append(Pkt("plain %d" % i, f, fwd(f, CFG, "wan", GW_MAC)))
    run_and_check(pk, CFG, tag="fwd-options")


@case
def forward_frame_sizes():
    """Every frame size from 42 (no padding) and 60 up to 1514, both ways."""
    pk = []
    for size in [42, 50, 59] + list(range(60, 1515)):
        f = pad_to(udp("203.0.113.%d" % (size % 250 + 1), payload=b""), size)
        assert len(bytes(f)) == size
        pk.append(Pkt("size %d" % size, f, fwd(f, CFG, "wan", GW_MAC)))
    for size in (60, 64, 128, 512, 1024, 1500, 1514):
        f = pad_to(from_wan(HOST_IP, payload=b""), size)
        pk.append(Pkt("wan size %d" % size, f, fwd(f, CFG, "lan", HOST_MAC), port="wan"))
    run_and_check(pk, CFG, tag="fwd-sizes")


@case
def forward_jumbo_multi_segment():
    """Frames longer than one mbuf (multi-segment) are forwarded whole
    (the WAN port's mtu: 9004 lets the largest through)."""
    cfg = base_config()
    cfg.port("wan").mtu = 9004
    pk = []
    for size in (1518, 2000, 2048, 2100, 4000, 9000, 9018):
        f = pad_to(udp("203.0.113.21", payload=b""), size)
        pk.append(Pkt("size %d" % size, f, fwd(f, cfg, "wan", GW_MAC)))
    run_and_check(pk, cfg, tag="fwd-jumbo")


@case
def forward_order_one_flow():
    """1500 frames of one flow (sequence number in the payload) leave in the
    order they came; a second flow from the other port alongside."""
    pk = []
    for i in range(1500):
        f = udp("203.0.113.99", sport=7777, dport=7777, payload=struct.pack("!I", i) * 4)
        pk.append(Pkt("seq %d" % i, f, fwd(f, CFG, "wan", GW_MAC)))
        if i % 3 == 0:
            f = from_wan(HOST_IP, sport=8888, payload=struct.pack("!I", i) * 4)
            pk.append(Pkt("wan seq %d" % i, f, fwd(f, CFG, "lan", HOST_MAC), port="wan"))
    res = run_and_check(pk, CFG, tag="fwd-order")
    seqs = [struct.unpack("!I", fr[42:46])[0] for fr in res.out["wan"]]
    assert seqs == list(range(1500)), "wan output order differs from input order"


# ---------------------------------------------------------------------------
# Many flows over nested routes; the expectation comes from an independent
# longest-prefix match over every route pktgate must hold.

WAN_NBRS = {"198.51.100.%d" % i: "02:00:00:00:01:%02x" % i for i in range(2, 7)}
LAN_NBRS = {"192.0.2.10": HOST_MAC, "192.0.2.11": "02:00:00:00:00:11"}
LPM_ROUTES = [
    ("10.0.0.0/8", "via", "198.51.100.3"),
    ("10.1.0.0/16", "via", "198.51.100.4"),
    ("10.1.2.0/24", "via", "198.51.100.5"),
    ("10.1.2.3/32", "via", "198.51.100.6"),
    ("10.1.2.128/25", "via", "192.0.2.11"),
    ("172.16.0.0/12", "via", "192.0.2.11"),
    ("172.16.5.0/24", "via", "198.51.100.3"),
    ("172.16.5.5/32", "via", "198.51.100.9"),      # gateway without neighbor
    ("198.18.0.0/15", "via", "198.51.100.7"),      # gateway without neighbor
    ("10.1.3.0/24", "port", "wan"),                # no neighbor for these IPs
    ("100.100.100.100/32", "port", "lan"),
    ("203.0.113.0/24", "via", "198.51.100.2"),
]


# the default route, as pktgate should take it, and spelled as two /1
DEFAULT_0 = [("0.0.0.0/0", "via", "198.51.100.2")]
DEFAULT_1 = [("0.0.0.0/1", "via", "198.51.100.2"), ("128.0.0.0/1", "via", "198.51.100.2")]


def lpm_config(default):
    nb = [(ip, mac, "wan") for ip, mac in WAN_NBRS.items()]
    nb += [(ip, mac, "lan") for ip, mac in LAN_NBRS.items()]
    return Config(ports=[Port("lan", "net_pcap0", LAN_IP, LAN_LEN, LAN_MAC),
                         Port("wan", "net_pcap1", WAN_IP, WAN_LEN, WAN_MAC)],
                  neighbors=nb, routes=default + LPM_ROUTES, icmp=ICMP_ALL)


def many_flows(default, tag):
    cfg = lpm_config(default)
    table = route_table(cfg)
    rnd = random.Random(1234)
    pools = [
        lambda: "10.1.2.3",
        lambda: "10.1.2.%d" % rnd.randrange(256),
        lambda: "10.1.%d.%d" % (rnd.randrange(256), rnd.randrange(256)),
        lambda: "10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        lambda: "172.%d.%d.%d" % (rnd.randrange(16, 32), rnd.randrange(256), rnd.randrange(256)),
        lambda: "172.16.5.%d" % rnd.randrange(256),
        lambda: "198.%d.%d.%d" % (rnd.randrange(18, 20), rnd.randrange(256), rnd.randrange(256)),
        lambda: "192.0.2.%d" % rnd.choice([1, 10, 11, 12, 99, 255]),
        lambda: rnd.choice(["198.51.100.1", "198.51.100.255"]),
        lambda: "198.51.100.%d" % rnd.randrange(2, 10),
        lambda: "100.100.100.100",
        lambda: "%d.%d.%d.%d" % (rnd.choice([1, 8, 11, 45, 99, 128, 185, 203, 223]),
                                 rnd.randrange(256), rnd.randrange(256), rnd.randrange(1, 255)),
    ]
    dests = set()
    while len(dests) < 500:
        dests.add(rnd.choice(pools)())
    dests = sorted(dests)
    pk = []
    kinds = {}
    for i in range(2000):
        d = dests[i % 500] if i < 500 else rnd.choice(dests)
        size = rnd.randrange(60, 1515)
        f = pad_to(udp(d, src="192.0.2.%d" % rnd.randrange(10, 12), sport=1024 + i % 50,
                       payload=struct.pack("!I", i)), size)
        act = route_lookup(table, d)
        kinds[act[0]] = kinds.get(act[0], 0) + 1
        if act[0] == "fwd":
            e = fwd(f, cfg, act[1], act[2])
        elif act[0] == "local":
            e = Drop("not_ours_local")      # UDP to us
        else:
            e = drop_expect(act[0], f, cfg, "lan")   # and the ICMP error back
        pk.append(Pkt("%s #%d" % (d, i), f, e))
    # every kind of outcome is in the mix, and most frames are forwarded
    assert set(kinds) >= {"fwd", "no_neighbor", "local"}, kinds
    assert kinds["fwd"] > (1500 if default else 1000), kinds
    assert default or kinds.get("no_route", 0) > 100, kinds
    run_and_check(pk, cfg, tag=tag)


@case
def forward_many_flows_lpm():
    """2000 frames to 500 destinations over /8, /16, /24, /25 and /32 routes,
    connected subnets and neighbors (no default route: misses are no_route)."""
    many_flows([], "fwd-lpm")


@case
def forward_many_flows_lpm_default_as_two_halves():
    """The same with a default route written as 0.0.0.0/1 + 128.0.0.0/1."""
    many_flows(DEFAULT_1, "fwd-lpm-halves")


@case
def forward_many_flows_lpm_default():
    """The same with 0.0.0.0/0: longest prefix wins, the default is last."""
    many_flows(DEFAULT_0, "fwd-lpm-default")


@case
def forward_default_route_is_last_resort():
    """With 0.0.0.0/0, nothing is no_route; more specific routes still win."""
    cfg = base_config(routes=[("0.0.0.0/0", "via", GW_IP),
                              ("8.0.0.0/8", "via", HOST_IP)])
    pk = []
    for d, port, mac in [("8.8.8.8", "lan", HOST_MAC), ("9.9.9.9", "wan", GW_MAC),
                         ("223.255.255.254", "wan", GW_MAC), ("1.0.0.1", "wan", GW_MAC)]:
        f = udp(d, src="192.0.2.200", smac=STRANGER_MAC)
        pk.append(Pkt(d, f, fwd(f, cfg, port, mac)))
    f = udp("192.0.2.99")              # connected beats the default
    pk.append(Pkt("connected, no neighbor", f, drop_expect("no_neighbor", f, cfg, "lan")))
    run_and_check(pk, cfg, tag="fwd-default")


@case
def accounting_everything_mixed():
    """Forwarded, answered and dropped frames from both ports at once: each
    frame checked and rx = forwarded + local + drops, per port too."""
    rnd = random.Random(99)
    cfg = base_config(icmp=ICMP_ALL)
    pk = []
    for i in range(600):
        k = rnd.randrange(8)
        if k == 0:
            f = udp("203.0.113.%d" % rnd.randrange(256), payload=b"m%d" % i)
            pk.append(Pkt("fwd %d" % i, f, fwd(f, CFG, "wan", GW_MAC)))
        elif k == 1:
            f = from_wan(HOST_IP, payload=b"m%d" % i)
            pk.append(Pkt("rev %d" % i, f, fwd(f, CFG, "lan", HOST_MAC), port="wan"))
        elif k == 2:
            f = (Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst=LAN_IP)
                 / ICMP(id=i, seq=i) / Raw(b"e"))
            pk.append(Pkt("echo %d" % i, f, echo_reply(f, CFG, "lan")))
        elif k == 3:
            f = (Ether(dst="ff:ff:ff:ff:ff:ff", src=GW_MAC)
                 / ARP(op=1, hwsrc=GW_MAC, psrc=GW_IP, pdst=WAN_IP))
            pk.append(Pkt("arp %d" % i, f, arp_reply(f, CFG, "wan"), port="wan"))
        elif k == 4:
            f = udp("8.8.%d.8" % (i % 256))
            pk.append(Pkt("no route %d" % i, f, drop_expect("no_route", f, cfg, "lan")))
        elif k == 5:
            f = from_wan(HOST_IP, ttl=1, payload=b"%d" % i)
            pk.append(Pkt("ttl %d" % i, f, drop_expect("ttl_exceeded", f, cfg, "wan"),
                          port="wan"))
        elif k == 6:
            pk.append(Pkt("bad_l2 %d" % i, udp("203.0.113.1", dmac="02:00:00:00:00:77"),
                          Drop("bad_l2")))
        else:
            f = udp("192.0.2.%d" % rnd.randrange(100, 200))
            pk.append(Pkt("no nbr %d" % i, f, drop_expect("no_neighbor", f, cfg, "lan")))
    res = run_and_check(pk, cfg, tag="accounting")
    s = res.summary
    assert sum(x["rx"] for x in s["lcore"].values()) == s["rx"], s["lines"]
    assert sum(x["tx"] for x in s["lcore"].values()) == s["tx"], s["lines"]
    assert sum(p["rx"] for p in s["port"].values()) == s["rx"]
    assert sum(p["rx_drops"] for p in s["port"].values()) == s["drops"]


if __name__ == "__main__":
    main()
