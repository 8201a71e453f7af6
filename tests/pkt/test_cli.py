#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Command line and configuration errors (exit 2 and one line on stderr
naming the field), and the clean stops: --duration and --idle-exit with no
traffic (exit 0 and a summary).

usage: test_cli.py PKTGATE [case-name-substring...]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (base_config, case, cleanup_prefix, eal_args, main,  # noqa: E402
                    pcap_vdevs, unique_prefix)

GOOD = base_config().text()


def run_raw(args, conf_text=None, timeout=60, with_ports=True):
    """Run pktgate with EAL args + `--` + args; {conf} in args is replaced by
    the path of a file holding conf_text. Returns CompletedProcess."""
    tmp = tempfile.mkdtemp(prefix="pg-cli-")
    prefix = unique_prefix()
    try:
        conf = os.path.join(tmp, "c.yaml")
        if conf_text is not None:
            with open(conf, "w") as f:
                f.write(conf_text)
        vdevs = pcap_vdevs(tmp, base_config(), {})[0] if with_ports else []
        args = [a.replace("{conf}", conf) for a in args]
        cmd = [pgtest.PKTGATE] + eal_args(prefix, vdevs) + args
        t0 = time.time()
        p = subprocess.run(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
        p.elapsed = time.time() - t0
        p.cmd = cmd
        return p
    finally:
        cleanup_prefix(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


def pktgate_lines(stderr):
    return [x for x in stderr.splitlines() if x.startswith("pktgate:")]


def expect_conf_error(text, field, reason=None, before_eal=True):
    p = run_raw(["--", "-c", "{conf}", "--idle-exit", "200"], text)
    where = "config:\n%s\nstderr:\n%s" % (text, p.stderr)
    assert p.returncode == 2, "exit %d, expected 2\n%s" % (p.returncode, where)
    assert "summary:" not in p.stdout, where
    lines = pktgate_lines(p.stderr)
    assert len(lines) == 1, "expected one 'pktgate:' error line\n" + where
    line = lines[0]
    if before_eal:
        # nothing else at all: the config is read before EAL starts
        assert p.stderr == line + "\n", "more than one line on stderr\n" + where
    assert field in line, "error line does not name %r: %s" % (field, line)
    if reason:
        assert reason in line, "error line lacks %r: %s" % (reason, line)


def replace(old, new, text=GOOD):
    assert old in text, old
    return text.replace(old, new, 1)


@case
def config_error_ipv4():
    expect_conf_error(replace("ipv4: 192.0.2.1/24", "ipv4: 192.0.2.1"),
                      "ports[0].ipv4", "missing /len")
    expect_conf_error(replace("ipv4: 198.51.100.1/24", "ipv4: 198.51.100.300/24"),
                      "ports[1].ipv4")
    expect_conf_error(replace("ipv4: 198.51.100.1/24", "ipv4: 192.0.2.5/24"),
                      "ports[1].ipv4", "overlaps")


@case
def config_error_mac():
    expect_conf_error(replace("mac: '02:00:00:00:00:02'", "mac: '02:00:00:00:02'"),
                      "ports[1].mac")
    expect_conf_error(replace("mac: '02:00:00:00:00:01'", "mac: 'ff:ff:ff:ff:ff:ff'"),
                      "ports[0].mac")


@case
def config_error_neighbors():
    expect_conf_error(replace("port: wan}", "port: dmz}"), "neighbors[1].port", "dmz")
    expect_conf_error(replace("{ip: 198.51.100.2,", "{ip: 198.51.200.2,"),
                      "neighbors[1].ip", "outside")


@case
def config_error_routes():
    expect_conf_error(replace("via: 198.51.100.2}", "via: 192.168.7.1}"),
                      "routes[0].via")
    expect_conf_error(replace("prefix: 10.9.0.0/16", "prefix: 10.9.0.1/16"),
                      "routes[1].prefix", "host bits")
    expect_conf_error(replace("prefix: 10.9.0.0/16", "prefix: 10.9.0.0/33"),
                      "routes[1].prefix")
    expect_conf_error(replace("10.9.0.0/16, port: lan}", "10.9.0.0/16, port: lan, via: 192.0.2.10}"),
                      "routes[1]", "exactly one")
    expect_conf_error(replace("10.9.0.0/16, port: lan}", "10.9.0.0/16, port: nowhere}"),
                      "routes[1].port")


@case
def config_error_workers_and_keys():
    lcores = "lcores: [%s]" % ", ".join(str(x) for x in pgtest.TOPOLOGY["lcores"])
    expect_conf_error(replace(lcores, "lcores: []"), "workers.lcores")
    expect_conf_error(replace(lcores, "lcores: [x]"), "workers.lcores[0]")
    expect_conf_error(replace(lcores, "lcores: [1, 1]"), "workers.lcores[1]", "duplicate")
    expect_conf_error(replace("device: net_pcap0,", "device: net_pcap0, colour: red,"),
                      "ports[0]", "colour")
    expect_conf_error(replace("  - {name: wan, device: net_pcap1,", "  - {name: wan,"),
                      "ports[1].device", "missing")
    expect_conf_error(GOOD + "frobnicate: 1\n", "frobnicate")
    expect_conf_error("ports: [\n", "YAML")


@case
def config_error_each_class():
    """One bad config per class of error the library reports (the unit tests
    cover each rule; this proves each class reaches the user as exit 2 and
    one line naming the field)."""
    lcores = "lcores: [%s]" % ", ".join(str(x) for x in pgtest.TOPOLOGY["lcores"])
    for text, field, reason in [
        ("", "empty config", None),
        ("# only a comment\n", "empty config", None),
        ("\x00\x01binary\xff", "YAML syntax error", "line 1"),
        ("- a\n- b\n", "expected a mapping", None),
        (replace("device: net_pcap0,", "device: net_pcap0, rx_queues: many,"),
         "ports[0].rx_queues", "many"),
        (replace("device: net_pcap0,", "device: net_pcap0, rx_desc: 100000,"),
         "ports[0].rx_desc", "100000"),
        (replace("device: net_pcap0,", "device: net_pcap0, name: x,"),
         "ports[0].name", "duplicate key"),
        (replace("name: wan,", "name: lan,"), "ports[1].name", "duplicate"),
        (replace("name: wan,", "name: 'w an',"), "ports[1].name", "w an"),
        (replace("neighbors:\n", "neighbors:\n  - {ip: 192.0.2.10, "
                 "mac: '02:00:00:00:00:10', port: lan}\n"), "neighbors[1].ip", "duplicate"),
        (replace("mac: '02:00:00:00:00:10'", "mac: '01:00:00:00:00:10'"),
         "neighbors[0].mac", "multicast"),
        (replace("routes:\n", "routes:\n  - {prefix: 10.9.0.0/16, port: wan}\n"),
         "routes[2].prefix", "duplicate"),
        (replace(lcores, lcores + "\n  mode: turbo"), "workers.mode", "turbo"),
        (replace(lcores, lcores + "\n  ring_size: 1024"), "workers.ring_size",
         "only with mode: pipeline"),
        (replace(lcores, "lcores: [1, 2]\n  mode: pipeline\n  ring_size: 1000"),
         "workers.ring_size", "power of two"),
        (replace(lcores, "lcores: [*x]"), "workers.lcores", "alias"),
    ]:
        expect_conf_error(text, field, reason)


@case
def config_error_missing_file():
    p = run_raw(["--", "-c", "/nonexistent/pktgate.yaml"])
    assert p.returncode == 2, p.stderr
    lines = pktgate_lines(p.stderr)
    assert len(lines) == 1 and "/nonexistent/pktgate.yaml" in lines[0], p.stderr


@case
def config_error_unknown_device():
    # the device check needs EAL, so EAL's own log lines come first
    expect_conf_error(replace("device: net_pcap1", "device: net_pcap7"),
                      "ports[1].device", "net_pcap7", before_eal=False)
    expect_conf_error(replace("device: net_pcap0", "device: 0000:99:00.0"),
                      "ports[0].device", before_eal=False)


@case
def config_error_lcores_at_runtime():
    # lcore 0 is the main lcore; lcore 63 is not enabled
    text = GOOD.split("workers:")[0] + "workers:\n  lcores: [0]\n"
    expect_conf_error(text, "workers.lcores[0]", "main lcore", before_eal=False)
    text = GOOD.split("workers:")[0] + "workers:\n  lcores: [63]\n"
    expect_conf_error(text, "workers.lcores[0]", "not enabled", before_eal=False)


@case
def check_config_mode():
    tmp = tempfile.mkdtemp(prefix="pg-cli-")
    try:
        good, bad = os.path.join(tmp, "good.yaml"), os.path.join(tmp, "bad.yaml")
        with open(good, "w") as f:
            f.write(GOOD)
        with open(bad, "w") as f:
            f.write(replace("ipv4: 192.0.2.1/24", "ipv4: 192.0.2.1/40"))
        p = subprocess.run([pgtest.PKTGATE, "--check-config", good], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
        assert p.returncode == 0 and "OK" in p.stdout, p.stdout + p.stderr
        p = subprocess.run([pgtest.PKTGATE, "--check-config", bad], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
        assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
        assert "ports[0].ipv4" in p.stderr, p.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case
def bad_cli():
    bad = [
        (["-c", "{conf}"], "missing '--'"),                 # no separator
        (["--", "--frobnicate", "-c", "{conf}"], "--frobnicate"),
        (["--", "-c", "{conf}", "--duration", "abc"], "--duration"),
        (["--", "-c", "{conf}", "--duration", "-1"], "--duration"),
        (["--", "-c", "{conf}", "--idle-exit", "1.5"], "--idle-exit"),
        (["--", "-c", "{conf}", "--idle-exit", "-3"], "--idle-exit"),
        (["--", "-c", "{conf}", "--stats-interval", "x"], "--stats-interval"),
        (["--", "-c"], "-c"),
        (["--", "--duration", "1"], "-c"),
    ]
    for args, word in bad:
        p = run_raw(args, GOOD)
        where = "args %s\nstderr:\n%s" % (args, p.stderr)
        assert p.returncode == 2, "exit %d\n%s" % (p.returncode, where)
        first = p.stderr.splitlines()[0] if p.stderr else ""
        assert first.startswith("pktgate:") and word in first, where
        assert "summary:" not in p.stdout, where


@case
def bad_eal_args():
    p = subprocess.run([pgtest.PKTGATE, "--no-huge", "-m", "256", "--file-prefix",
                        unique_prefix(), "--lcores", "0-x", "--", "-c", "/dev/null"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    # /dev/null is no valid config: that is reported first (before EAL)
    assert p.returncode == 2, p.stderr
    prefix = unique_prefix()
    tmp = tempfile.mkdtemp(prefix="pg-cli-")
    try:
        conf = os.path.join(tmp, "c.yaml")
        with open(conf, "w") as f:
            f.write(GOOD)
        p = subprocess.run([pgtest.PKTGATE, "--no-huge", "-m", "256", "--file-prefix",
                            prefix, "--lcores", "0-x", "--", "-c", conf],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=30)
        assert p.returncode == 2, p.stderr
        assert any("EAL" in x for x in pktgate_lines(p.stderr)), p.stderr
    finally:
        cleanup_prefix(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


@case
def help_and_version():
    for a in (["--help"], ["-h"]):
        p = subprocess.run([pgtest.PKTGATE] + a, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
        assert p.returncode == 0 and "usage:" in p.stdout, p.stdout + p.stderr
    p = subprocess.run([pgtest.PKTGATE, "--version"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
    assert p.returncode == 0 and p.stdout.startswith("pktgate "), p.stdout + p.stderr


@case
def duration_stops_without_traffic():
    p = run_raw(["--", "-c", "{conf}", "--duration", "1.5"], GOOD)
    where = "stdout:\n%s\nstderr:\n%s" % (p.stdout, p.stderr)
    assert p.returncode == 0, "exit %d\n%s" % (p.returncode, where)
    assert "stopping (duration)" in p.stdout, where
    s = pgtest.parse_summary(p.stdout)
    assert s is not None and s["rx"] == 0 and s["tx"] == 0 and s["drops"] == 0, where
    assert 1.4 <= s["elapsed"] < 5, "elapsed %s" % s["elapsed"]
    assert 1.4 <= p.elapsed < 20, "took %.1fs" % p.elapsed
    assert set(s["port"]) == {"lan", "wan"}, where


@case
def idle_exit_without_traffic():
    p = run_raw(["--", "-c", "{conf}", "--idle-exit", "300"], GOOD)
    where = "stdout:\n%s\nstderr:\n%s" % (p.stdout, p.stderr)
    assert p.returncode == 0 and "stopping (idle)" in p.stdout, where
    s = pgtest.parse_summary(p.stdout)
    assert s is not None and s["rx"] == 0 and 0.25 <= s["elapsed"] < 3, where


if __name__ == "__main__":
    main()
