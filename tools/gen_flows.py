#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Write a pcap of N IPv4/UDP flows, one frame per flow.

Used by the demo (net_pcap with infinite_rx=1 replays the file in a loop) and
by the benchmarks. Frames are built as raw bytes with struct, so 65536 flows
take well under a second; scapy is only used by --verify, to read a few frames
back and check that it agrees with our IPv4 and UDP checksums.

Flow i goes to destination prefix i % P (P = number of prefixes given), to
the (i // P)-th usable host address of that prefix (wrapping), from source
address --src-ip-base + i, UDP source port --sport-base + i % 16384, UDP
destination port --dport. So consecutive frames hit different routes and
every frame is a different 5-tuple.

--size is the Ethernet frame size on the wire including the 4-byte FCS, as
in RFC 2544 (64..1518); the pcap records hold size - 4 bytes (no FCS), so
--size 1518 gives IPv4 packets of exactly 1500 bytes.

Examples:
  /usr/bin/python3 tools/gen_flows.py --flows 1024 --out flows.pcap \\
      203.0.113.0/24 10.0.0.0/8 100.64.0.0/10 172.16.0.0/12
  /usr/bin/python3 tools/gen_flows.py --flows 65536 --size 1518 \\
      --dst-mac 02:00:00:00:00:01 --out big.pcap --verify 8 10.0.0.0/8
"""

import argparse
import ipaddress
import struct
import sys
import time

ETH_FCS = 4
HDR_ETH, HDR_IP, HDR_UDP = 14, 20, 8
MIN_SIZE, MAX_SIZE = 64, 1518
PCAP_MAGIC_US = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1


def mac_bytes(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise argparse.ArgumentTypeError("MAC must look like 02:00:00:00:00:01")
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError("bad MAC %r" % text) from None


def ip4(text):
    try:
        return int(ipaddress.IPv4Address(text))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def prefix(text):
    try:
        return ipaddress.IPv4Network(text, strict=False)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def frame_size(text):
    v = int(text)
    if not MIN_SIZE <= v <= MAX_SIZE:
        raise argparse.ArgumentTypeError("size must be %d..%d" % (MIN_SIZE, MAX_SIZE))
    return v


def csum_partial(data, acc=0):
    """One's-complement sum of 16-bit big-endian words (data of even length)."""
    acc += sum(struct.unpack("!%dH" % (len(data) // 2), data))
    return acc


def csum_fold(acc):
    while acc >> 16:
        acc = (acc & 0xFFFF) + (acc >> 16)
    return acc


def hosts_of(net):
    """First usable host and number of usable hosts of a prefix."""
    base, n = int(net.network_address), net.num_addresses
    if net.prefixlen <= 30:
        return base + 1, n - 2   # no network or broadcast address
    return base, n


def build(args):
    size = args.size - ETH_FCS                       # bytes in the pcap record
    ip_len = size - HDR_ETH
    udp_len = ip_len - HDR_IP
    payload = bytes((0x20 + i % 95) for i in range(udp_len - HDR_UDP))
    # UDP checksum = pseudo header + header + payload; the payload part is
    # the same in every frame, so sum it once (padded to an even length).
    pay_sum = csum_partial(payload + b"\0" * (len(payload) & 1))
    eth = args.dst_mac + args.src_mac + b"\x08\x00"
    dests = [hosts_of(n) for n in args.prefixes]
    n_dest = len(dests)
    out = []
    rec_hdr = struct.Struct("<IIII")
    ip_hdr = struct.Struct("!BBHHHBBH4s4s")
    udp_hdr = struct.Struct("!HHHH")
    for i in range(args.flows):
        first, count = dests[i % n_dest]
        dst = first + (i // n_dest) % count
        src = (args.src_ip_base + i) & 0xFFFFFFFF
        sport = args.sport_base + i % 16384
        src_b, dst_b = src.to_bytes(4, "big"), dst.to_bytes(4, "big")
        hdr = ip_hdr.pack(0x45, 0, ip_len, i & 0xFFFF, 0x4000, args.ttl, 17, 0,
                          src_b, dst_b)
        ip_ck = 0xFFFF - csum_fold(csum_partial(hdr))
        hdr = hdr[:10] + struct.pack("!H", ip_ck) + hdr[12:]
        acc = pay_sum + (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF)
        acc += 17 + udp_len                                  # pseudo header
        acc += sport + args.dport + udp_len                  # UDP header
        udp_ck = 0xFFFF - csum_fold(acc)
        if udp_ck == 0:
            udp_ck = 0xFFFF                                  # RFC 768
        ts = args.start_ts + i
        out.append(rec_hdr.pack(ts // 1000000, ts % 1000000, size, size))
        out.append(eth)
        out.append(hdr)
        out.append(udp_hdr.pack(sport, args.dport, udp_len, udp_ck))
        out.append(payload)
    return b"".join(out)


def verify(path, n):
    """Read n frames back with scapy and compare checksums with its own."""
    try:
        from scapy.all import IP, UDP, Ether, rdpcap   # noqa: F401
    except ImportError:
        print("gen_flows: --verify needs scapy (apt-get install python3-scapy, "
              "run with /usr/bin/python3)", file=sys.stderr)
        return False
    ok = True
    for k, pkt in enumerate(rdpcap(path, count=n)):
        ip, udp = pkt[IP], pkt[UDP]
        got_ip, got_udp = ip.chksum, udp.chksum
        ref = Ether(bytes(pkt))
        del ref[IP].chksum
        del ref[UDP].chksum
        ref = Ether(bytes(ref))                # scapy recomputes both
        good = got_ip == ref[IP].chksum and got_udp == ref[UDP].chksum
        ok &= good
        print("verify: frame %d %s > %s len %d ip_cksum 0x%04x udp_cksum 0x%04x %s"
              % (k, ip.src, ip.dst, len(pkt), got_ip, got_udp,
                 "ok" if good else "WRONG (scapy: 0x%04x 0x%04x)"
                 % (ref[IP].chksum, ref[UDP].chksum)))
    return ok


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("prefixes", nargs="*", type=prefix, metavar="PREFIX",
                    help="destination prefixes to spread the flows over "
                         "(default: 203.0.113.0/24)")
    ap.add_argument("--flows", type=int, default=1024, help="number of flows = frames (default 1024)")
    ap.add_argument("--size", type=frame_size, default=64,
                    help="frame size incl. FCS, 64..1518 (default 64)")
    ap.add_argument("--dst-mac", type=mac_bytes, default=mac_bytes("02:00:00:00:00:01"),
                    help="destination MAC: the receiving pktgate port (default 02:00:00:00:00:01)")
    ap.add_argument("--src-mac", type=mac_bytes, default=mac_bytes("02:00:00:00:00:02"),
                    help="source MAC (default 02:00:00:00:00:02)")
    ap.add_argument("--src-ip-base", type=ip4, default=ip4("198.18.0.1"),
                    help="source address of flow 0; flow i uses base + i (default 198.18.0.1)")
    ap.add_argument("--sport-base", type=int, default=1024, help="UDP source port of flow 0 (default 1024)")
    ap.add_argument("--dport", type=int, default=9, help="UDP destination port (default 9)")
    ap.add_argument("--ttl", type=int, default=64, help="IPv4 TTL (default 64)")
    ap.add_argument("--out", "-o", required=True, help="pcap file to write")
    ap.add_argument("--verify", type=int, default=0, metavar="N",
                    help="read the first N frames back with scapy and check checksums")
    args = ap.parse_args()
    if not args.prefixes:
        args.prefixes = [prefix("203.0.113.0/24")]
    if args.flows < 1:
        ap.error("--flows must be at least 1")
    if not 0 <= args.ttl <= 255 or not 0 <= args.dport <= 65535 \
            or not 0 <= args.sport_base <= 65535 - 16383:
        ap.error("--ttl, --dport or --sport-base out of range")
    args.start_ts = 1_700_000_000 * 1_000_000

    t0 = time.monotonic()
    body = build(args)
    with open(args.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, 65535,
                            LINKTYPE_ETHERNET))
        f.write(body)
    print("gen_flows: wrote %s: %d flows, %d-byte frames (%d in pcap) to %s in %.2f s"
          % (args.out, args.flows, args.size, args.size - ETH_FCS,
             " ".join(str(p) for p in args.prefixes), time.monotonic() - t0))
    if args.verify > 0 and not verify(args.out, args.verify):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
