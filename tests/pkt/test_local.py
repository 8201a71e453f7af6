#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""What pktgate answers itself: ARP requests for a port's address and ICMP
echo requests to its addresses. Each reply is compared byte for byte with
the frame scapy builds for it, and the summary counters exactly.

usage: test_local.py PKTGATE [case-name-substring...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgtest import (ARP, GW_IP, GW_MAC, HOST_IP, HOST_MAC, ICMP, IP,  # noqa: E402
                    LAN_IP, LAN_MAC, STRANGER_MAC, UDP, WAN_IP, WAN_MAC, Consumed, Drop,
                    Ether, IPOption_NOP, Pkt, Raw, arp_reply,
                    base_config, case, echo_reply, fwd, inet_cksum,
                    main, pad_to, run_and_check)

CFG = base_config()


def arp_req(tpa, spa=HOST_IP, sha=HOST_MAC, dmac="ff:ff:ff:ff:ff:ff"):
    return Ether(dst=dmac, src=sha) / ARP(op=1, hwsrc=sha, psrc=spa,
                                          hwdst="00:00:00:00:00:00", pdst=tpa)


def echo(dst, src=HOST_IP, smac=HOST_MAC, dmac=LAN_MAC, ident=0x1234, seq=1,
         payload=b"0123456789abcdef" * 3, ttl=64, **ipkw):
    return (Ether(dst=dmac, src=smac) / IP(src=src, dst=dst, ttl=ttl, **ipkw)
            / ICMP(type=8, id=ident, seq=seq) / Raw(payload))


@case
def arp_request_answered():
    pk = []
    f = arp_req(LAN_IP)
    pk.append(Pkt("arp broadcast request", f, arp_reply(f, CFG, "lan")))
    f = arp_req(LAN_IP, dmac=LAN_MAC)
    pk.append(Pkt("arp unicast request (refresh)", f, arp_reply(f, CFG, "lan")))
    f = pad_to(arp_req(LAN_IP, spa="192.0.2.200", sha=STRANGER_MAC), 60)
    pk.append(Pkt("arp request padded to 60, unknown host", f, arp_reply(f, CFG, "lan")))
    f = arp_req(LAN_IP, spa="0.0.0.0")         # address probe (RFC 5227)
    pk.append(Pkt("arp probe", f, arp_reply(f, CFG, "lan")))
    f = arp_req(WAN_IP, spa=GW_IP, sha=GW_MAC)
    pk.append(Pkt("arp request on wan", f, arp_reply(f, CFG, "wan"), port="wan"))
    run_and_check(pk, CFG, tag="arp")
    # the reply fields, spelled out once (arp_reply() builds them the same way)
    r = Ether(pk[0].expect.frame)
    assert r.dst == HOST_MAC and r.src == LAN_MAC and r.type == 0x0806
    a = r[ARP]
    assert (a.op, a.hwsrc, a.psrc, a.hwdst, a.pdst) == (2, LAN_MAC, LAN_IP, HOST_MAC, HOST_IP)


def arp_rep(spa, sha, tpa=LAN_IP, tha=LAN_MAC, dmac=LAN_MAC):
    return Ether(dst=dmac, src=sha) / ARP(op=2, hwsrc=sha, psrc=spa, hwdst=tha, pdst=tpa)


@case
def arp_reply_consumed():
    """With dynamic ARP (pktgate's default) an ARP reply to our address is
    the resolver's: counted in local and in consumed, nothing sent, so
    tx = forwarded + local - consumed + ctl_tx holds exactly (check()).
    With static neighbors the same frames are arp_not_ours."""
    dyn = base_config()
    dyn.arp = {}
    replies = [arp_rep(HOST_IP, HOST_MAC), arp_rep("192.0.2.200", STRANGER_MAC),
               arp_rep(GW_IP, GW_MAC, tpa=WAN_IP, tha=WAN_MAC, dmac=WAN_MAC)]
    ports = ["lan", "lan", "wan"]
    req = arp_req(LAN_IP)
    fw = Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.9") / UDP()
    for cfg, exp in ((dyn, Consumed()), (CFG, Drop("arp_not_ours"))):
        pk = [Pkt("reply %d" % i, f, exp, port=p) for i, (f, p) in enumerate(zip(replies, ports))]
        pk.append(Pkt("request", req, arp_reply(req, cfg, "lan")))
        pk.append(Pkt("forwarded", fw, fwd(fw, cfg, "wan", GW_MAC)))
        # a reply for an address that is not ours is not the resolver's
        f = arp_rep(HOST_IP, HOST_MAC, tpa="192.0.2.77")
        pk.append(Pkt("reply to another", f, Drop("arp_not_ours")))
        res = run_and_check(pk, cfg, tag="arp-consumed")
        assert res.summary["consumed"] == (3 if cfg is dyn else 0), res.summary["lines"]


@case
def icmp_echo_answered():
    pk = []
    f = echo(LAN_IP)
    pk.append(Pkt("echo to lan address", f, echo_reply(f, CFG, "lan")))
    f = echo(WAN_IP, seq=2)
    pk.append(Pkt("echo to wan address via lan", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=3, ttl=1)
    pk.append(Pkt("echo with TTL 1 is still ours", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=4, payload=b"odd" * 11)
    pk.append(Pkt("echo odd payload length", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=5, payload=b"")
    pk.append(Pkt("echo no payload", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=6, src="192.0.2.200", smac=STRANGER_MAC)
    pk.append(Pkt("echo from a host that is no neighbor", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=7, dmac="ff:ff:ff:ff:ff:ff")
    pk.append(Pkt("echo in an L2 broadcast frame", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=8, tos=0x28, id=4242, flags="DF")
    pk.append(Pkt("echo with DF, TOS and id", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=9, options=[IPOption_NOP()] * 4)
    pk.append(Pkt("echo with IP options", f, echo_reply(f, CFG, "lan")))
    f = pad_to(echo(LAN_IP, seq=10, payload=b""), 1514)
    pk.append(Pkt("echo 1514-byte frame", f, echo_reply(f, CFG, "lan")))
    f = echo(LAN_IP, seq=11, payload=b"p" * 4)
    f = Ether(bytes(f) + b"\0" * (60 - len(bytes(f))))    # Ethernet padding
    pk.append(Pkt("echo with Ethernet padding", f, echo_reply(f, CFG, "lan")))
    for i, (ident, seq) in enumerate([(0xffff, 0xffff), (0xf7ff, 0),
                                      (0x0800, 0xf7ff), (1, 0)]):
        f = echo(LAN_IP, ident=ident, seq=seq, payload=b"")
        pk.append(Pkt("echo checksum edge %d" % i, f, echo_reply(f, CFG, "lan")))
    f = echo(WAN_IP, src=GW_IP, smac=GW_MAC, dmac=WAN_MAC, seq=20)
    pk.append(Pkt("echo on wan", f, echo_reply(f, CFG, "wan"), port="wan"))
    f = echo(LAN_IP, src=GW_IP, smac=GW_MAC, dmac=WAN_MAC, seq=21)
    pk.append(Pkt("echo to lan address via wan", f, echo_reply(f, CFG, "wan"), port="wan"))
    run_and_check(pk, CFG, tag="echo")
    r = Ether(pk[1].expect.frame)
    assert r.dst == HOST_MAC and r.src == LAN_MAC
    assert r[IP].src == WAN_IP and r[IP].dst == HOST_IP and r[IP].ttl == 64
    assert r[ICMP].type == 0 and r[ICMP].code == 0 and r[ICMP].seq == 2


@case
def icmp_echo_checksum_sweep():
    """Echo replies for requests whose ICMP checksum takes many values,
    including the ones next to the 0x0000/0xffff wrap."""
    pk = []
    for ident in list(range(0xf700, 0xf900, 7)) + [0xf7fe, 0xf7ff, 0xf800, 0xffff, 1]:
        f = echo(LAN_IP, ident=ident, seq=0, payload=b"")
        pk.append(Pkt("echo id 0x%04x" % ident, f, echo_reply(f, CFG, "lan")))
    run_and_check(pk, CFG, tag="echo-sweep")


@case
def icmp_echo_all_zero_request():
    f = echo(LAN_IP, ident=0, seq=0, payload=b"")
    res = run_and_check([Pkt("echo id 0 seq 0 empty", f, echo_reply(f, CFG, "lan"))],
                        CFG, tag="echo-zero")
    icmp = res.out["lan"][0][34:]
    assert inet_cksum(icmp) == 0, "reply ICMP checksum does not verify"


@case
def icmp_echo_multi_segment():
    pk = []
    for size in (2000, 4000, 9000):
        f = pad_to(echo(LAN_IP, seq=size, payload=b""), size)
        pk.append(Pkt("echo %d bytes" % size, f, echo_reply(f, CFG, "lan")))
    run_and_check(pk, CFG, tag="echo-jumbo")


@case
def local_mixed_with_forwarding():
    """Replies and forwarded frames interleaved keep their order per port."""
    pk = []
    for i in range(40):
        f = echo(LAN_IP, seq=i)
        pk.append(Pkt("echo %d" % i, f, echo_reply(f, CFG, "lan")))
        f = (Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst="203.0.113.9")
             / ICMP(seq=i) / Raw(b"to the internet"))
        pk.append(Pkt("forwarded %d" % i, f, fwd(f, CFG, "wan", GW_MAC)))
        f = arp_req(LAN_IP, spa="192.0.2.%d" % (100 + i))
        pk.append(Pkt("arp %d" % i, f, arp_reply(f, CFG, "lan")))
        if i % 4 == 0:
            f = bytearray(bytes(echo(LAN_IP, seq=i)))
            f[-1] ^= 0x5a                         # ICMP checksum now wrong
            pk.append(Pkt("bad echo %d" % i, f, Drop("bad_icmp")))
    run_and_check(pk, CFG, tag="local-mixed")


@case
def echo_to_subnet_broadcast():
    """A port's subnet broadcast address is local. A reply, if sent, must
    not carry the broadcast address as its source (RFC 1122 3.2.1.3,
    RFC 1812 4.2.2.11 / 5.3.7)."""
    f = echo("192.0.2.255", dmac="ff:ff:ff:ff:ff:ff")
    from pgtest import run_pktgate
    res = run_pktgate(CFG, {"lan": [bytes(f)]}, tag="bcast-echo")
    s = res.summary
    assert res.rc == 0 and s is not None, res.stderr
    assert s["rx"] == 1 and s["forwarded"] == 0, s["lines"]
    assert s["local"] + s["drops"] == 1, s["lines"]
    for fr in res.out["lan"]:
        r = Ether(fr)
        assert r[IP].src != "192.0.2.255", \
            "echo reply sourced from the broadcast address 192.0.2.255: %r" % r
    assert not res.out["wan"]


if __name__ == "__main__":
    main()
