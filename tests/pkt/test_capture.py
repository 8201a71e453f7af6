#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Capture with dpdk-dumpcap from a running pktgate: pktgate (a hugepage
primary, as multi-process needs) replays 4 known frames forever into its
LAN port; dpdk-dumpcap attaches as a secondary process and writes a pcapng
that must hold those frames (received) and pktgate's echo replies (sent),
minus what its capture filter leaves out, and nothing else.

Needs root and free hugepages (tools/setup.sh reserves them): without root
the test is skipped; as root without hugepages it FAILS, since a green run
must mean that capture was really tried.

usage: test_capture.py PKTGATE [case-name-substring...]
"""
import collections
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (Ether, Running, Skip, case, drop_expect, echo_reply, main,  # noqa: E402
                    null_wan_config, replay_mix, wait_until)
from scapy.utils import PcapNgReader  # noqa: E402

NEED_MB = 300        # -m 256 of pktgate plus the secondary's own share


config, traffic = null_wan_config, replay_mix     # 2 forwarded, 1 answered, 1 no_route


def require_hugepages():
    if os.geteuid() != 0:
        raise Skip("needs root (a hugepage primary and dpdk-dumpcap)")
    mounted = any(line.split()[2] == "hugetlbfs" for line in open("/proc/mounts"))
    mem = {}
    for line in open("/proc/meminfo"):
        k, v = line.split(":", 1)
        mem[k] = int(v.split()[0])
    free_mb = mem.get("HugePages_Free", 0) * mem.get("Hugepagesize", 0) // 1024
    if not mounted or free_mb < NEED_MB:
        raise AssertionError(
            "capture needs a hugepage primary: hugetlbfs %s, %d MB of hugepages free, "
            "%d needed. Run tools/setup.sh as root (setup_hugepages) or "
            "echo 512 > /proc/sys/vm/nr_hugepages and mount -t hugetlbfs nodev "
            "/dev/hugepages" % ("mounted" if mounted else "NOT mounted", free_mb, NEED_MB))
    dumpcap = shutil.which("dpdk-dumpcap")
    assert dumpcap, "dpdk-dumpcap not found (Debian package dpdk)"
    return dumpcap


def read_pcapng(path):
    with PcapNgReader(path) as r:
        return [bytes(x) for x in r]


def pcapng_bytes(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


@case
def dumpcap_captures_lan_both_ways():
    """Port 0 (lan), both directions, with a capture filter that leaves out
    the no-route frame: exactly the three other frames in, the echo reply
    and the ICMP net unreachable about the no-route frame out (the filter
    sees the error's own addresses, not the quoted ones), and nothing
    else."""
    tool = require_hugepages()
    frames = [bytes(f) for f in traffic()]
    reply = echo_reply(traffic()[2], config(), "lan").frame
    unreach = drop_expect("no_route", traffic()[3], config(), "lan").icmp.frame
    r = Running(config(), frames, tag="pgcap", huge=True)
    tmp = tempfile.mkdtemp(prefix="pg-cap-")
    out = os.path.join(tmp, "lan.pcapng")
    log = open(os.path.join(tmp, "dumpcap.log"), "w+")
    dc = None
    try:
        assert wait_until(lambda: r.q("/pktgate/stats")["rx"] > 1000), "no traffic"
        cmd = [tool, "--file-prefix=%s" % r.prefix, "-i", "0", "-w", out,
               "-f", "not host 8.8.8.8"]
        dc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        # ~500 frames written (pcapng blocks of ~100-400 bytes each)
        grew = wait_until(lambda: pcapng_bytes(out) > 100000 or dc.poll() is not None,
                          timeout=30)
        log.seek(0)
        assert grew and dc.poll() is None, "%s: exit %s, %d bytes\n%s" % (
            " ".join(cmd), dc.poll(), pcapng_bytes(out), log.read())
        # Stop pktgate first, dumpcap follows its primary out. The other
        # order (dumpcap stopping while workers run its callback) can crash
        # pktgate on DPDK 22.11: see docs/monitoring.md.
        rc, sout, err = r.stop()
        assert rc == 0, "pktgate exit %d\n%s" % (rc, err[-2000:])
        dc.wait(timeout=30)
        log.seek(0)
        got = read_pcapng(out)
        c = collections.Counter(got)
        assert len(got) >= 400, "%d frames captured\n%s" % (len(got), log.read())
        want = {frames[0], frames[1], frames[2], reply, unreach}
        unknown = [g for g in c if g not in want]
        assert not unknown, "frames the filter should have left out or pktgate never " \
            "saw: %s" % [Ether(u).summary() for u in unknown[:3]]
        for f in sorted(want):
            assert c[f] > 0, "not captured: %s (%s)" % (Ether(f).summary(), dict(c))
    finally:
        if dc is not None and dc.poll() is None:
            dc.kill()                   # our own child, by its handle
            dc.wait()
        log.close()
        r.close()
        if pgtest.KEEP:
            print("  (kept %s)" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
