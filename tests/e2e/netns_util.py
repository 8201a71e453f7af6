# SPDX-License-Identifier: BSD-3-Clause
"""Shell helpers shared by the e2e tests (namespaces, veths)."""
import json
import os
import re
import shutil
import signal
import subprocess

from pgtest import cleanup_prefix, wait_for_socket


def sh(*cmd, check=True, timeout=30, ns=None):
    if ns is not None:
        cmd = ("ip", "netns", "exec", ns) + cmd
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" % (" ".join(cmd), p.returncode,
                                                   p.stdout, p.stderr))
    return p


def mac_of(ifname, ns=None):
    p = sh(*(("ip", "-j") + (("-n", ns) if ns else ()) + ("link", "show", ifname)))
    return json.loads(p.stdout)[0]["address"]


def ping(ns, dst, count=5, family="-4"):
    """ping from namespace ns; all but the first answer must come (the
    first may wait for ARP or Neighbor Discovery). Returns ping's output."""
    p = sh("ping", family, "-c", str(count), "-i", "0.2", "-W", "2", dst, ns=ns,
           check=False, timeout=count * 3 + 10)
    m = re.search(r"(\d+) packets transmitted, (\d+) received", p.stdout)
    assert p.returncode == 0 and m, "ping %s %s from %s failed:\n%s%s" % (
        family, dst, ns, p.stdout, p.stderr)
    sent, got = int(m.group(1)), int(m.group(2))
    assert got >= sent - 1, "ping %s %s: %d of %d answered\n%s" % (
        family, dst, got, sent, p.stdout)
    return p.stdout


def need(env):
    """The environment the first case of a test set up, or the reason the
    later cases cannot run."""
    if env is None or env.tel is None:
        raise AssertionError("environment not set up (see the first failure)")
    return env


def remove_stale(pattern):
    """Namespaces left by an earlier run of a test that was killed (SIGKILL
    skips cleanup). pattern matches a namespace name with the PID of the
    run that made it as group 1; removed when that process is gone."""
    p = sh("ip", "netns", "list", check=False)
    for line in p.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(pattern, name)
        if m and int(m.group(1)) != os.getpid() and not os.path.exists(
                "/proc/" + m.group(1)):
            print("removing stale namespace %s" % name)
            sh("ip", "netns", "del", name, check=False)


def start_pktgate(env, cmd, ns=None):
    """Run pktgate (cmd: its command line) in env.tmp, inside namespace ns
    if given, its stdout and stderr in the files env.tmp/stdout and
    env.tmp/stderr; return once its telemetry answers. Sets env.proc,
    env.out, env.err and env.tel (env has tmp and prefix)."""
    if ns is not None:
        cmd = ["ip", "netns", "exec", ns] + list(cmd)
    env.out = open(os.path.join(env.tmp, "stdout"), "w+")
    env.err = open(os.path.join(env.tmp, "stderr"), "w+")
    env.proc = subprocess.Popen(cmd, cwd=env.tmp, stdout=env.out, stderr=env.err)
    try:
        env.tel = wait_for_socket(env.prefix, env.proc)
    except (AssertionError, OSError) as e:      # OSError: it died while we asked
        env.err.seek(0)
        raise AssertionError("pktgate did not come up (%s):\n%s" % (e, env.err.read()[-3000:]))


def stop_pktgate(env):
    """SIGINT pktgate (by its PID) and wait for it; return (exit code,
    stdout, stderr). teardown() still closes the files."""
    if env.tel is not None:
        env.tel.close()
        env.tel = None
    env.proc.send_signal(signal.SIGINT)
    rc = env.proc.wait(timeout=30)
    env.out.seek(0)
    env.err.seek(0)
    return rc, env.out.read(), env.err.read()


def teardown(env, namespaces, ifaces):
    """Undo an e2e environment: pktgate (SIGINT by its PID, then kill),
    namespaces, veths left by a broken setup, the EAL runtime directory
    and the temp files. env has proc, tel, prefix, tmp, and maybe out/err."""
    if env.tel is not None:
        env.tel.close()
    if env.proc is not None and env.proc.poll() is None:
        env.proc.send_signal(signal.SIGINT)
        try:
            env.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            env.proc.kill()
            env.proc.wait()
    for ns in namespaces:
        sh("ip", "netns", "del", ns, check=False)
    for rif in ifaces:   # gone with their peers, unless setup broke early
        if os.path.exists("/sys/class/net/" + rif):
            sh("ip", "link", "del", rif, check=False)
    cleanup_prefix(env.prefix)
    for f in ("out", "err"):
        if hasattr(env, f):
            getattr(env, f).close()
    shutil.rmtree(env.tmp, ignore_errors=True)
