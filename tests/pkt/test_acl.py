#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The firewall (acl: in the config): every rule kind on real frames, each
run checking every output frame and counter (acl_deny among the drops, rx =
forwarded + local + drops), next to frames that must pass so that a list
denying everything cannot pass. The last case reads the per-rule hits from
/pktgate/acl while pktgate runs.

usage: test_acl.py PKTGATE [case-name-substring...]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (GW_IP, GW_MAC, HOST_IP, HOST_MAC, ICMP, IP, LAN_IP,  # noqa: E402
                    LAN_MAC, TCP, UDP, WAN_MAC, Drop, Ether, IPOption_NOP, Pkt,
                    Raw, base_config, case, cleanup_prefix, eal_args,
                    echo_reply, fwd, main, parse_summary, pcap_vdevs,
                    run_and_check, unique_prefix, wait_for_socket)

DENY = Drop("acl_deny")


def cfg_with(acl_yaml):
    cfg = base_config()
    cfg.extra = acl_yaml
    return cfg


def lan(l4, src=HOST_IP, dst="203.0.113.7", **ipkw):
    """A frame from the LAN side, routed to the WAN gateway."""
    return Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=src, dst=dst, **ipkw) / l4


def wan(l4, src="203.0.113.9"):
    """A frame from the WAN gateway to the LAN host."""
    return Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=src, dst=HOST_IP) / l4


def out_wan(name, frame, cfg):
    return Pkt(name, frame, fwd(frame, cfg, "wan", GW_MAC))


def out_lan(name, frame, cfg):
    return Pkt(name, frame, fwd(frame, cfg, "lan", HOST_MAC), port="wan")


def deny(name, frame, port="lan"):
    return Pkt(name, frame, DENY, port=port)


PAY = Raw(b"acl-test-payload")


@case
def deny_by_port_proto_prefix():
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    rules:\n"
        "      - {action: deny, proto: tcp, dport: 23}\n"
        "      - {action: deny, proto: 47}\n"
        "      - {action: deny, src: 192.0.2.128/25}\n"
        "      - {action: deny, dst: 203.0.113.128/25, proto: udp, sport: 1000-2000}\n")
    run_and_check([
        deny("tcp 23", lan(TCP(sport=4000, dport=23) / PAY)),
        out_wan("tcp 22", lan(TCP(sport=4000, dport=22) / PAY), cfg),
        out_wan("udp 23 (other proto)", lan(UDP(sport=4000, dport=23) / PAY), cfg),
        deny("gre", lan(Raw(b"\x00\x00\x08\x00" + b"g" * 20), proto=47)),
        deny("src in /25", lan(UDP(sport=1, dport=2) / PAY, src="192.0.2.200")),
        out_wan("src below /25", lan(UDP(sport=1, dport=2) / PAY, src="192.0.2.127"), cfg),
        deny("dst /25 + sport range low edge",
             lan(UDP(sport=1000, dport=9) / PAY, dst="203.0.113.200")),
        deny("dst /25 + sport range high edge",
             lan(UDP(sport=2000, dport=9) / PAY, dst="203.0.113.129")),
        out_wan("dst /25, sport past the range",
                lan(UDP(sport=2001, dport=9) / PAY, dst="203.0.113.200"), cfg),
        out_wan("sport in range, dst outside /25",
                lan(UDP(sport=1500, dport=9) / PAY, dst="203.0.113.100"), cfg),
        # The other port has no list: nothing is filtered there.
        out_lan("tcp 23 on the WAN port", wan(TCP(sport=4000, dport=23) / PAY), cfg),
    ], cfg, tag="acl")


@case
def allow_before_deny():
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    direction: in\n"
        "    rules:\n"
        "      - {action: allow, src: 192.0.2.10/32, proto: udp, dport: 5000}\n"
        "      - {action: deny, proto: udp}\n")
    run_and_check([
        out_wan("allowed first", lan(UDP(sport=1, dport=5000) / PAY), cfg),
        deny("other dport", lan(UDP(sport=1, dport=5001) / PAY)),
        deny("other source", lan(UDP(sport=1, dport=5000) / PAY, src="192.0.2.11")),
        out_wan("tcp is not udp", lan(TCP(sport=1, dport=5000) / PAY), cfg),
    ], cfg, tag="acl")


@case
def default_deny():
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    default: deny\n"
        "    rules:\n"
        "      - {action: allow, proto: tcp, dport: 80}\n"
        "      - {action: allow, proto: icmp, dst: 192.0.2.1}\n")
    echo = (Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst=LAN_IP)
            / ICMP(id=7, seq=1) / Raw(b"ping"))
    arp = (Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC, type=0x0806)
           / Raw(bytes.fromhex("0001080006040001") + bytes.fromhex("020000000010")
                 + bytes([192, 0, 2, 10]) + bytes(6) + bytes([192, 0, 2, 1])))
    res = run_and_check([
        out_wan("tcp 80", lan(TCP(sport=1, dport=80) / PAY), cfg),
        deny("tcp 81", lan(TCP(sport=1, dport=81) / PAY)),
        deny("udp 80", lan(UDP(sport=1, dport=80) / PAY)),
        deny("icmp through", lan(ICMP(id=1, seq=1) / PAY)),
        Pkt("echo to us (allowed)", echo, echo_reply(echo, cfg, "lan")),
        # ARP is not IPv4: the list does not see it.
        Pkt("arp", arp, pgtest.arp_reply(arp, cfg, "lan")),
    ], cfg, tag="acl")
    assert res.summary["drop"].get("acl_deny") == 3, res.summary["drop"]


@case
def tcp_flags():
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    rules:\n"
        "      - {action: deny, proto: tcp, dport: 80, flags: 'syn !ack'}\n")
    run_and_check([
        deny("syn", lan(TCP(sport=1, dport=80, flags="S"))),
        deny("syn+psh (psh not looked at)", lan(TCP(sport=1, dport=80, flags="SP"))),
        out_wan("syn-ack", lan(TCP(sport=1, dport=80, flags="SA")), cfg),
        out_wan("ack", lan(TCP(sport=1, dport=80, flags="A") / PAY), cfg),
        out_wan("syn to 81", lan(TCP(sport=1, dport=81, flags="S")), cfg),
    ], cfg, tag="acl")


@case
def ip_options_ihl_over_5():
    """Ports sit after the options: they must still be matched."""
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    rules:\n"
        "      - {action: deny, proto: tcp, dport: 23}\n"
        "      - {action: deny, proto: udp, sport: 7, dport: 9}\n")
    nops = [IPOption_NOP()] * 4
    rr = [IPOption_NOP()] * 12
    run_and_check([
        deny("ihl 6 tcp 23", lan(TCP(sport=4000, dport=23) / PAY, options=nops)),
        deny("ihl 8 udp 7->9", lan(UDP(sport=7, dport=9) / PAY, options=rr)),
        out_wan("ihl 6 tcp 22", lan(TCP(sport=4000, dport=22) / PAY, options=nops), cfg),
        out_wan("ihl 8 udp 7->10", lan(UDP(sport=7, dport=10) / PAY, options=rr), cfg),
        # In a burst with optioned packets: the plain ones keep their verdicts.
        deny("ihl 5 tcp 23", lan(TCP(sport=4000, dport=23) / PAY)),
        out_wan("ihl 5 tcp 22", lan(TCP(sport=4000, dport=22) / PAY), cfg),
    ], cfg, tag="acl")


@case
def fragments():
    """A non-first fragment has no L4 header: rules on ports never match it
    (even when its payload holds the port's bytes where the header would
    be); rules without ports do."""
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    rules:\n"
        "      - {action: deny, proto: udp, dport: 5000}\n"
        "      - {action: deny, src: 192.0.2.66}\n")
    fake_udp = bytes.fromhex("0fa01388") + b"f" * 20   # 4000 -> 5000
    run_and_check([
        deny("first fragment to 5000",
             lan(UDP(sport=4000, dport=5000) / PAY, flags="MF", frag=0, id=1)),
        out_wan("non-first fragment, 5000 in the payload",
                lan(Raw(fake_udp), proto=17, frag=3, id=1), cfg),
        out_wan("last fragment", lan(Raw(fake_udp), proto=17, frag=100, id=2), cfg),
        deny("non-first fragment, denied by source",
             lan(Raw(fake_udp), proto=17, frag=3, id=3, src="192.0.2.66")),
    ], cfg, tag="acl")


@case
def count_goes_on():
    """count rules count and go on: the next rules still decide."""
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    rules:\n"
        "      - {action: count, proto: udp}\n"
        "      - {action: deny, proto: udp, dport: 5000}\n"
        "      - {action: count, proto: udp, dport: 5000-5001}\n")
    res = run_and_check([
        deny("udp 5000", lan(UDP(sport=1, dport=5000) / PAY)),
        out_wan("udp 5001", lan(UDP(sport=1, dport=5001) / PAY), cfg),
        out_wan("tcp 5000", lan(TCP(sport=1, dport=5000) / PAY), cfg),
    ], cfg, tag="acl")
    assert res.summary["drop"].get("acl_deny") == 1


@case
def out_lists():
    """An out list filters what is routed out of its port, whichever port
    it came in on; packets for us and answers are not filtered by it."""
    cfg = cfg_with(
        "acl:\n"
        "  - port: wan\n"
        "    direction: out\n"
        "    rules:\n"
        "      - {action: deny, proto: tcp, dport: 23}\n"
        "      - {action: deny, dst: 203.0.113.64/26}\n"
        "  - port: lan\n"
        "    direction: out\n"
        "    default: deny\n"
        "    rules:\n"
        "      - {action: allow, proto: udp, sport: 53}\n"
        "  - port: lan\n"
        "    direction: in\n"
        "    rules:\n"
        "      - {action: deny, proto: tcp, dport: 22}\n")
    echo = (Ether(dst=LAN_MAC, src=HOST_MAC) / IP(src=HOST_IP, dst=LAN_IP)
            / ICMP(id=9, seq=2) / Raw(b"ping"))
    run_and_check([
        deny("out wan: tcp 23", lan(TCP(sport=4000, dport=23) / PAY)),
        deny("out wan: dst /26", lan(UDP(sport=1, dport=2) / PAY, dst="203.0.113.70")),
        deny("in lan first: tcp 22", lan(TCP(sport=4000, dport=22) / PAY)),
        out_wan("out wan: tcp 80", lan(TCP(sport=4000, dport=80) / PAY), cfg),
        out_wan("out wan: dst below /26", lan(UDP(sport=1, dport=2) / PAY, dst="203.0.113.63"),
                cfg),
        out_lan("out lan: udp from 53", wan(UDP(sport=53, dport=4000) / PAY), cfg),
        deny("out lan default: tcp", wan(TCP(sport=53, dport=4000) / PAY), port="wan"),
        deny("out lan default: udp from 54", wan(UDP(sport=54, dport=4000) / PAY), port="wan"),
        # To us: not routed out of a port, so no out list applies.
        Pkt("echo to us", echo, echo_reply(echo, cfg, "lan")),
    ], cfg, tag="acl")


def acl_hits_run(cfg, frames):
    """Run pktgate on a finite pcap without --idle-exit, wait until it has
    received every frame, read /pktgate/acl and /pktgate/stats, then SIGINT.
    Returns (acl reply, stats reply, summary)."""
    tmp = tempfile.mkdtemp(prefix="pg-acl-")
    prefix = unique_prefix("pgacl")
    proc = tel = None
    try:
        vdevs, _ = pcap_vdevs(tmp, cfg, {"lan": frames})
        conf = os.path.join(tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(cfg.text())
        out = open(os.path.join(tmp, "stdout"), "w+")
        proc = subprocess.Popen([pgtest.PKTGATE] + eal_args(prefix, vdevs)
                                + ["--", "-c", conf], cwd=tmp, stdout=out,
                                stderr=subprocess.DEVNULL)
        tel = wait_for_socket(prefix, proc)
        end = time.time() + 20
        stats = tel.query("/pktgate/stats")
        while stats["rx"] < len(frames) and time.time() < end:
            time.sleep(0.05)
            stats = tel.query("/pktgate/stats")
        # rx is counted before the stages run: let the last burst finish.
        time.sleep(0.3)
        stats = tel.query("/pktgate/stats")
        acl = tel.query("/pktgate/acl")
        tel.close()
        tel = None
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        out.seek(0)
        return acl, stats, parse_summary(out.read())
    finally:
        if tel is not None:
            tel.close()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        cleanup_prefix(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


@case
def counters_in_telemetry():
    cfg = cfg_with(
        "acl:\n"
        "  - port: lan\n"
        "    default: deny\n"
        "    rules:\n"
        "      - {action: count, proto: udp}\n"
        "      - {action: deny, proto: udp, dport: 5000}\n"
        "      - {action: allow, proto: udp}\n"
        "      - {action: allow, proto: tcp, dport: 22}\n")
    frames = ([lan(UDP(sport=1, dport=5000) / PAY)] * 3      # count, deny
              + [lan(UDP(sport=1, dport=53) / PAY)] * 5      # count, allow
              + [lan(TCP(sport=1, dport=22) / PAY)] * 2      # allow
              + [lan(TCP(sport=1, dport=23) / PAY)] * 4)     # default deny
    acl, stats, summary = acl_hits_run(cfg, frames)
    assert acl["n_lists"] == 1 and acl["n_rules"] == 4, acl
    assert acl["port"] == ["lan"] * 4 and acl["direction"] == ["in"] * 4, acl
    assert acl["rule"] == [0, 1, 2, 3], acl
    assert acl["action"] == ["count", "deny", "allow", "allow"], acl
    assert acl["text"][1] == "deny proto udp dport 5000", acl["text"]
    assert acl["hits"] == [8, 3, 5, 2], acl["hits"]
    assert acl["list_port"] == ["lan"] and acl["list_default"] == ["deny"], acl
    assert acl["list_default_hits"] == [4], acl
    assert acl["list_rules"] == [4], acl
    assert acl["classify"] in ("avx512x32", "avx2", "sse", "scalar"), acl
    assert stats["acl_deny"] == 7, stats
    assert stats["forwarded"] == 7 and stats["drops"] == 7, stats
    s = summary
    assert s["rx"] == len(frames) == s["forwarded"] + s["local"] + s["drops"], s
    assert s["drop"].get("acl_deny") == 7, s["drop"]


if __name__ == "__main__":
    main()
