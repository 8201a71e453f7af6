#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The control socket and pktgate-ctl against a running pktgate: pktgate
replays a pcap forever (net_pcap infinite_rx=1) into a net_null sink with
its control socket in a temp dir; pktgate-ctl asks every command (human
and --json output, exit codes, error messages), a raw client sends
over-long lines, garbage and pipelined requests, and start-up handles
stale, live and foreign files at the socket path.

usage: PKTGATE_CTL=path/to/pktgate-ctl test_ctl.py PKTGATE [case-name-substring...]
"""
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtest  # noqa: E402
from pgtest import (DROP_REASONS, GW_IP, GW_MAC, HOST_IP, HOST_MAC, ICMP, IP,  # noqa: E402
                    LAN_IP, LAN_LEN, UDP, LAN_MAC, WAN_IP, WAN_LEN, WAN_MAC, Config,
                    Ether, IPv6, Port, Raw, base_config, case,
                    cleanup_prefix, eal_args, main, unique_prefix, wait_until,
                    write_pcap)

CTL = os.environ.get("PKTGATE_CTL")
if CTL:
    CTL = os.path.abspath(CTL)
EXTRA_ROUTES = 200      # more than one page (128) of route list


def config(sock=None, extra=""):
    routes = [("203.0.113.0/24", "via", GW_IP), ("10.9.0.0/16", "port", "lan")]
    routes += [("10.200.%d.%d/30" % (i // 64, (i % 64) * 4), "via", GW_IP)
               for i in range(EXTRA_ROUTES)]
    text = base_config(routes=routes, wan_dev="net_null0").text()
    if sock is not None:
        text += "control: {socket: %s}\n" % sock
    return text + extra


def traffic():
    """Per replay round: 1 forwarded, 1 echo answered, 1 no_route."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    return [e / IP(src=HOST_IP, dst="203.0.113.5") / UDP() / Raw(b"a" * 50),
            e / IP(src=HOST_IP, dst=LAN_IP) / ICMP(id=1, seq=1) / Raw(b"c" * 20),
            e / IP(src=HOST_IP, dst="8.8.8.8") / UDP() / Raw(b"d" * 50)]


class Running:
    """pktgate on an infinite replay, control socket at tmp/run/ctl.sock."""

    def __init__(self, conf_text=None, wait=True, frames=None, extra=""):
        self.tmp = tempfile.mkdtemp(prefix="pg-ctl-")
        self.sock = os.path.join(self.tmp, "run", "ctl.sock")
        self.prefix = unique_prefix("pgctl")
        inp = os.path.join(self.tmp, "in.pcap")
        write_pcap(inp, traffic() if frames is None else frames)
        q = pgtest.TOPOLOGY["queues"]
        lan = "net_pcap0," + ",".join(["rx_pcap=%s" % inp] * q) + ",infinite_rx=1"
        self.conf = os.path.join(self.tmp, "c.yaml")
        with open(self.conf, "w") as f:
            f.write(conf_text if conf_text is not None else config(self.sock, extra))
        self.out = open(os.path.join(self.tmp, "stdout"), "w+")
        self.err = open(os.path.join(self.tmp, "stderr"), "w+")
        self.cmd = ([pgtest.PKTGATE] + eal_args(self.prefix, [lan, "net_null0,no-rx=1"])
                    + ["--", "-c", self.conf])
        self.proc = None
        self.rc = None

    def start(self, wait=True):
        self.proc = subprocess.Popen(self.cmd, cwd=self.tmp, stdout=self.out,
                                     stderr=self.err)
        if wait:
            end = time.time() + 30
            while time.time() < end:
                assert self.proc.poll() is None, \
                    "pktgate exited early (rc %s)\n%s" % (self.proc.returncode, self.stderr())
                if ctl(["-s", self.sock, "version"], check=False).returncode == 0:
                    return self
                time.sleep(0.05)
            raise AssertionError("control socket %s did not answer\n%s"
                                 % (self.sock, self.stderr()))
        return self

    def ctl(self, *words, **kw):
        return ctl(["-s", self.sock] + list(words), **kw)

    def stderr(self):
        self.err.seek(0)
        return self.err.read()[-3000:]

    def wait_exit(self, timeout=30):
        self.rc = self.proc.wait(timeout=timeout)
        return self.rc

    def stop(self, timeout=20):
        self.proc.send_signal(signal.SIGINT)
        return self.wait_exit(timeout)

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()          # only our own child, by its handle
            self.proc.wait()
        self.out.close()
        self.err.close()
        cleanup_prefix(self.prefix)
        shutil.rmtree(self.tmp, ignore_errors=True)


def ctl(args, check=True, timeout=30, cwd=None, user=None):
    p = subprocess.run([CTL] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=timeout, cwd=cwd, user=user)
    p.where = "pktgate-ctl %s -> rc %d\nstdout:\n%s\nstderr:\n%s" % (
        " ".join(args), p.returncode, p.stdout, p.stderr)
    if check:
        assert p.returncode == 0, p.where
    return p


def kv(stdout):
    """The human view's 'key  value' lines (top level and indented)."""
    d = {}
    for line in stdout.splitlines():
        w = line.split()
        if len(w) == 2:
            d[w[0]] = w[1]
    return d


def rows(stdout, header):
    """Table rows (split on whitespace) after the header line."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if line.split() == header:
            return [x.split() for x in lines[i + 1:] if x and not x.startswith("(")]
    raise AssertionError("no table with header %s in:\n%s" % (header, stdout))


def expect_error(p, needle, code=1):
    assert p.returncode == code, "expected exit %d\n%s" % (code, p.where)
    assert p.stdout == "", p.where
    assert p.stderr.startswith("pktgate-ctl: ") and needle in p.stderr, \
        "stderr lacks %r\n%s" % (needle, p.where)


Raw_client = pgtest.CtlClient


def fill_ctl_slots(path, n, tries=5):
    """n clients that each got an answer, i.e. hold a slot of the control
    socket each. A refused one (slots freed only a tick later): all go,
    pktgate-ctl gets through once, and again."""
    for _ in range(tries):
        many = [Raw_client(path) for _ in range(n)]
        answers = []
        for c in many:
            try:
                c.send(b"version\n")
            except OSError:
                pass                   # refused and closed: its reply tells
            answers.append(c.reply())
        if all(a.get("version") for a in answers):
            return many
        for c in many:
            c.close()
        assert all(a.get("version") or a == {
            "ok": False, "error": "too many clients (max %d), try again" % n}
            for a in answers), answers
        assert wait_until(lambda: ctl(["-s", path, "version"], check=False).returncode == 0)
    raise AssertionError("%d clients never held a slot each" % n)


@case
def ctl_every_command():
    r = Running().start()
    try:
        # --- the socket: 0600 in a 0700 directory we created
        st = os.stat(r.sock)
        assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
        assert stat.S_IMODE(os.stat(os.path.dirname(r.sock)).st_mode) == 0o700

        # --- stats: human and JSON
        s = wait_until(lambda: (lambda d: d if int(d.get("rx", 0)) > 1000 and
                                int(d.get("no_route", 0)) > 0 else None)(
            kv(r.ctl("stats").stdout)))
        assert s, r.ctl("stats").where
        for k in ("rx", "tx", "forwarded", "local", "drops", "mbufs_in_use"):
            assert int(s[k]) >= 0, s
        assert int(s["forwarded"]) > 0 and int(s["local"]) > 0, s
        j = json.loads(r.ctl("--json", "stats").stdout)
        assert j["ok"] is True and j["rx"] >= int(s["rx"]), j
        assert sorted(j["drop"]) == sorted(DROP_REASONS), j["drop"]
        assert j["drops"] == sum(j["drop"].values()), j
        assert j["drop"]["no_route"] > 0, j
        overload = {"ring_full"} if pgtest.TOPOLOGY_NAME.startswith("pipeline") else set()
        assert all(v == 0 for k, v in j["drop"].items()
                   if k not in {"no_route"} | overload), j["drop"]

        # --- ports
        p = r.ctl("ports")
        d = kv(p.stdout)
        assert "lan" in p.stdout and "net_pcap0" in p.stdout and "net_null0" in p.stdout, p.where
        assert d.get("ipv4") in ("192.0.2.1/24", "198.51.100.1/24"), p.where
        pj = json.loads(r.ctl("--json", "ports").stdout)["ports"]
        assert [x["name"] for x in pj] == ["lan", "wan"], pj
        assert [x["device"] for x in pj] == ["net_pcap0", "net_null0"], pj
        assert [x["ipv4"] for x in pj] == ["192.0.2.1/24", "198.51.100.1/24"], pj
        assert pj[0]["rx"] > 0 and pj[0]["hw_ipackets"] > 0 and pj[1]["tx"] > 0, pj
        q = pgtest.TOPOLOGY["queues"]
        assert [x["tx_queues"] for x in pj] == [q, q], pj

        # --- route list: count, the table, paging
        n = 3 * 2 + 2 + 2 + EXTRA_ROUTES   # local, connected, bcast; neighbors; static
        p = r.ctl("route", "list")
        d = kv(p.stdout)
        assert d["count"] == str(n) and d["offset"] == "0" and d["page_size"] == "128", p.where
        t = rows(p.stdout, ["prefix", "via", "port", "type", "origin"])
        assert len(t) == 128, len(t)
        assert "(%d more: add the offset 128 to see the next page)" % (n - 128) in p.stdout
        allr = t + rows(r.ctl("route", "list", "128").stdout,
                        ["prefix", "via", "port", "type", "origin"])
        assert len(allr) == n and len({x[0] for x in allr}) == n, len(allr)
        for want in (["203.0.113.0/24", GW_IP, "wan", "forward", "static"],
                     ["10.9.0.0/16", "-", "lan", "unresolved", "static"],
                     ["192.0.2.1/32", "-", "lan", "local", "local"],
                     ["192.0.2.0/24", "-", "lan", "unresolved", "connected"],
                     [GW_IP + "/32", GW_IP, "wan", "forward", "neighbor"]):
            assert want in allr, "route list lacks %s" % want
        rj = json.loads(r.ctl("--json", "route", "list", str(n - 1)).stdout)
        assert rj["count"] == n and rj["offset"] == n - 1 and len(rj["routes"]) == 1, rj
        past = json.loads(r.ctl("--json", "route", "list", str(n + 5)).stdout)
        assert past["routes"] == [], past
        assert "routes: none" in r.ctl("route", "list", str(n)).stdout

        # --- neighbor list
        p = r.ctl("neighbor", "list")
        assert kv(p.stdout)["count"] == "2", p.where
        assert rows(p.stdout, ["ip", "mac", "port", "state"]) == [
            [HOST_IP, HOST_MAC, "lan", "static"], [GW_IP, GW_MAC, "wan", "static"]], p.where
        nj = json.loads(r.ctl("--json", "neighbor", "list", "1").stdout)
        assert [x["ip"] for x in nj["neighbors"]] == [GW_IP], nj

        # --- config check: good (relative name: pktgate-ctl makes it absolute),
        # bad file, and a runtime check against this process's devices
        good = r.ctl("config", "check", "c.yaml", check=False, cwd=r.tmp)
        assert good.returncode == 0, good.where
        d = kv(good.stdout)
        assert d["file"] == r.conf and d["ports"] == "2" and d["routes"] == str(2 + EXTRA_ROUTES), \
            good.where
        bad = os.path.join(r.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write(config().replace("ipv4: 192.0.2.1/24", "ipv4: 192.0.2.1/40"))
        expect_error(r.ctl("config", "check", bad, check=False),
                     "config check: %s: ports[0].ipv4" % bad)
        nodev = os.path.join(r.tmp, "nodev.yaml")
        with open(nodev, "w") as f:
            f.write(config().replace("device: net_null0", "device: net_pcap7"))
        expect_error(r.ctl("config", "check", nodev, check=False),
                     "ports[1].device: unknown DPDK device 'net_pcap7'")
        fifo = os.path.join(r.tmp, "fifo.yaml")
        os.mkfifo(fifo)
        expect_error(r.ctl("config", "check", fifo, check=False),
                     "config check: %s: not a regular file" % fifo)
        expect_error(r.ctl("config", "check", "/dev/zero", check=False),
                     "config check: /dev/zero: not a regular file")
        expect_error(r.ctl("config", "check", "/nonexistent.yaml", check=False),
                     "config check: /nonexistent.yaml: cannot open: No such file or directory")

        # --- errors: unknown, malformed, refused by the table, not wired yet
        expect_error(r.ctl("bogus", "command", check=False),
                     "unknown command 'bogus' (try 'help')")
        expect_error(r.ctl("route", "add", "10.0.0.0/8", "via", "192.0.2.1", check=False),
                     "route add: via 192.0.2.1: that is our own address")
        expect_error(r.ctl("route", "add", "10.0.0.0/8", "via", "203.0.113.9", check=False),
                     "route add: via 203.0.113.9: not in the subnet of any port")
        expect_error(r.ctl("route", "add", "192.0.2.1/32", "port", "wan", check=False),
                     "route add: route 192.0.2.1/32: is our own address")
        expect_error(r.ctl("route", "add", "10.0.0.0/8", "port", "dmz", check=False),
                     "route add: port dmz: no such port")
        expect_error(r.ctl("neighbor", "add", "203.0.113.7", "02:00:00:00:00:07",
                           check=False), "neighbor add: neighbor 203.0.113.7: not in the "
                     "subnet of any port")
        expect_error(r.ctl("neighbor", "del", "198.51.100.77", check=False),
                     "neighbor del: neighbor 198.51.100.77: no such neighbor")
        expect_error(r.ctl("route", "load", "/nonexistent", check=False),
                     "route load: /nonexistent: No such file or directory")
        expect_error(r.ctl("acl", "reload", "/x.acl", check=False),
                     "acl reload: /x.acl: cannot open: No such file or directory")
        bad = os.path.join(r.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("acl:\n  - port: lan\n    rules:\n      - {action: drop}\n")
        p = r.ctl("acl", "reload", bad, check=False)
        assert p.returncode == 1 and "action" in p.stderr, p.where
        expect_error(r.ctl("route", "add", "10.0.0.1/8", "via", GW_IP, check=False),
                     "route add: host bits set in '10.0.0.1/8' (did you mean 10.0.0.0/8?)")
        expect_error(r.ctl("route", "list", "x", check=False),
                     "route list: invalid OFFSET 'x'")
        p = r.ctl("--json", "route", "del", "10.0.0.0/8", check=False)
        assert p.returncode == 1 and json.loads(p.stdout) == {
            "ok": False, "error": "route del: route 10.0.0.0/8: no such static route"}, p.where

        # --- help and version
        p = r.ctl("help")
        t = {" ".join(x[:-1]): x[-1] for x in rows(p.stdout, ["usage", "available"])}
        assert t["route list [OFFSET]"] == "true" and t["stats"] == "true", t
        assert t["route del PREFIX"] == "true" and t["acl reload FILE"] == "true", t
        v = kv(r.ctl("version").stdout)
        assert v["version"] == "0.1.0", v

        # --- the client's own usage and connection errors
        expect_error(ctl([], check=False), "no command given", code=2)
        expect_error(ctl(["-s", r.sock, "route", "add", "a b"], check=False),
                     "argument 'a b' is empty or holds whitespace", code=2)
        expect_error(ctl(["-s", r.sock, "--timeout", "x", "stats"], check=False),
                     "--timeout", code=2)
        missing = os.path.join(r.tmp, "nope.sock")
        expect_error(ctl(["-s", missing, "stats"], check=False),
                     "cannot connect to %s: No such file or directory" % missing, code=2)
        p = ctl(["--help"])
        assert p.stdout.startswith("usage: pktgate-ctl"), p.where
        p = ctl(["--version"])
        assert p.stdout == "pktgate-ctl 0.1.0\n", p.where

        # --- the last word: SIGINT, exit 0, the socket file is gone
        assert r.stop() == 0, r.stderr()
        assert not os.path.exists(r.sock), "socket file left behind"
        assert not os.path.exists(os.path.dirname(r.sock)), "the directory we made is left"
        expect_error(ctl(["-s", r.sock, "stats"], check=False), "cannot connect", code=2)
    finally:
        r.close()


@case
def ctl_raw_protocol():
    """Over-long lines, garbage, pipelined requests, half-close, idle and
    non-reading clients: the server answers each and keeps serving."""
    r = Running().start()
    try:
        c = Raw_client(r.sock)
        c.send(b"A" * 5000)
        assert c.reply() == {"ok": False, "error": "request too long (max 4095 bytes)"}
        # the rest of that line is skipped, the connection stays usable
        c.send(b"B" * 3000 + b"\nversion\n")
        v = c.reply()
        assert v["ok"] is True and v["version"] == "0.1.0", v
        c.send(b"\x00\xff junk\n")
        assert c.reply() == {"ok": False,
                             "error": "byte 0x00 at column 1 is not printable ASCII"}
        c.send(b"stats \xff\n")
        assert c.reply() == {"ok": False,
                             "error": "byte 0xff at column 7 is not printable ASCII"}
        c.send(b"\n")
        assert c.reply() == {"ok": False, "error": "empty request (try 'help')"}
        # several requests in one write, answered in order
        c.send(b"version\r\nstats\nroute list 1\nneighbor list\nbogus\n")
        got = [c.reply() for _ in range(5)]
        assert got[0]["version"] == "0.1.0" and "rx" in got[1], got
        assert got[2]["offset"] == 1 and len(got[3]["neighbors"]) == 2, got
        assert got[4] == {"ok": False, "error": "unknown command 'bogus' (try 'help')"}, got
        # many big replies in a row: the server waits for us to read
        # (backpressure) and loses nothing, in order
        c.send(b"".join(b"route list %d\n" % i for i in range(300)))
        offs = [c.reply() for _ in range(300)]
        assert [x["offset"] for x in offs] == list(range(300)), [x.get("offset") for x in offs]
        assert all(len(x["routes"]) == max(0, min(128, x["count"] - x["offset"]))
                   for x in offs), "route list pages have the wrong length"
        # exactly the limit: 4095 bytes and the newline is one request
        c.send(b"stats" + b" " * (4095 - 5) + b"\n")
        assert c.reply()["ok"] is True
        c.close()

        # a last line without newline, then half-close: still answered
        c = Raw_client(r.sock)
        c.send(b"version")
        c.s.shutdown(socket.SHUT_WR)
        assert c.reply()["ok"] is True
        assert c.s.recv(10) == b"", "connection not closed after the last reply"
        c.close()

        # clients that connect and say nothing, or ask and never read:
        # the others are still served
        idle = [Raw_client(r.sock) for _ in range(3)]
        hog = Raw_client(r.sock)
        hog.s.setblocking(False)
        try:
            for _ in range(2000):
                hog.s.send(b"route list\n")
        except BlockingIOError:
            pass                       # its buffers are full: fine
        p = r.ctl("-t", "10", "stats")
        assert int(kv(p.stdout)["rx"]) > 0, p.where
        for x in idle + [hog]:
            x.close()

        # more clients than slots: the extra ones are told so, not hung.
        # The 16 must hold every slot first: a tick that polled before
        # the clients above hung up and accepts after the 16 connected
        # still counts their slots as taken, refuses some of the 16 and
        # frees the slots a tick later (for a 17th that would then hang).
        many = fill_ctl_slots(r.sock, 16)
        extra = Raw_client(r.sock)
        assert extra.reply() == {"ok": False, "error": "too many clients (max 16), try again"}
        extra.close()
        for x in many:
            x.close()
        assert wait_until(lambda: r.ctl("version", check=False).returncode == 0)

        # a peer that is neither root nor pktgate's user is refused, even if
        # the socket's mode is opened up by hand
        if os.geteuid() == 0:
            for d in (r.tmp, os.path.dirname(r.sock)):
                os.chmod(d, 0o755)
            os.chmod(r.sock, 0o666)
            # a copy it can run wherever the build tree is (CI: under /root)
            mine = os.path.join(r.tmp, "pktgate-ctl")
            shutil.copy(CTL, mine)
            os.chmod(mine, 0o755)
            p = subprocess.run([mine, "-s", r.sock, "stats"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True,
                               timeout=30, user=65534)
            p.where = "pktgate-ctl stats as uid 65534 -> rc %d\n%s%s" % (
                p.returncode, p.stdout, p.stderr)
            expect_error(p, "permission denied: uid 65534 may not use this socket")
        assert r.stop() == 0, r.stderr()
    finally:
        r.close()


@case
def ctl_socket_path_at_start():
    """A stale socket file is replaced; a live one, or a file that is not
    a socket, stops pktgate at start with one line naming the path; with
    enabled: false there is no socket."""
    r = Running()
    try:
        os.makedirs(os.path.dirname(r.sock), mode=0o700)
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(r.sock)
        stale.close()                  # the file stays, nobody listens
        r.start()
        assert "removed stale socket %s" % r.sock in r.stderr(), r.stderr()
        assert r.stop() == 0 and not os.path.exists(r.sock)
        # not ours: the directory stays
        assert os.path.isdir(os.path.dirname(r.sock))
    finally:
        r.close()

    r = Running()
    live = None
    try:
        os.makedirs(os.path.dirname(r.sock), mode=0o700)
        live = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        live.bind(r.sock)
        live.listen(1)
        r.start(wait=False)
        assert r.wait_exit() == 1, r.stderr()
        assert ("pktgate: control socket %s: another process is listening on it"
                % r.sock) in r.stderr(), r.stderr()
        assert os.path.exists(r.sock), "a live socket was removed"
    finally:
        if live is not None:
            live.close()
        r.close()

    r = Running()
    try:
        os.makedirs(os.path.dirname(r.sock), mode=0o700)
        with open(r.sock, "w") as f:
            f.write("not a socket\n")
        r.start(wait=False)
        assert r.wait_exit() == 1, r.stderr()
        assert ("pktgate: control socket %s: exists and is not a socket (not removed)"
                % r.sock) in r.stderr(), r.stderr()
        with open(r.sock) as f:
            assert f.read() == "not a socket\n"
    finally:
        r.close()

    r = Running(config(extra="control: {enabled: false}\n"))
    try:
        r.cmd += ["--duration", "0.5"]
        r.start(wait=False)
        assert r.wait_exit() == 0, r.stderr()
        assert "pktgate.ctl" not in r.stderr(), r.stderr()
    finally:
        r.close()


def _stats(c):
    c.send(b"stats\n")
    rep = c.reply()
    assert rep["ok"], rep
    return rep


def _decided(st):
    """Frames the forwarding stages gave a verdict: forwarded, or dropped
    for their route."""
    return st["forwarded"] + st["drop"]["no_route"] + st["drop"]["no_neighbor"]


def _change(c, line):
    c.send(line.encode() + b"\n")
    rep = c.reply()
    assert rep["ok"], "%s -> %s" % (line, rep)


def _stop_and_balance(r):
    """Stop pktgate; its summary must account for every frame."""
    assert r.stop() == 0, r.stderr()
    r.out.seek(0)
    summary = pgtest.parse_summary(r.out.read())
    assert summary["rx"] == summary["forwarded"] + summary["local"] + summary["drops"], \
        summary["lines"]


def _window(c, line, decided, n=300):
    """Stats before and after the frames of one window after a change:
    until the forwarding lcores decided n frames (they may not run for a
    while on a loaded 2-CPU host; 10 s at most)."""
    _change(c, line)
    a = _stats(c)
    end = time.time() + 10
    while True:
        time.sleep(0.05)
        b = _stats(c)
        if decided(b) - decided(a) >= n or time.time() > end:
            return a, b


@case
def ctl_changes_tables_under_traffic():
    """Routes and neighbors change 60 times while the replay runs. A change
    returns only once every worker uses the new table, so from then on no
    packet may meet the old one: in each window after a change, the 8.8.8.8
    frames are all forwarded (route via a known neighbor), all no_route
    (route gone) or all no_neighbor (route via a gateway not known), and
    the other reasons stay still. At the end every frame is accounted for.
    (Mbuf leaks are watched where traffic can stop: the soak and the
    finite-replay tests; here the ring and mempool-cache occupancy moves
    by thousands between two reads.)"""
    # Only frames to 8.8.8.x: every verdict in a window is theirs.
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    r = Running(frames=[e / IP(src=HOST_IP, dst="8.8.8.%d" % i) / UDP(sport=1000 + i) /
                        Raw(b"d" * 50) for i in range(1, 9)]).start()
    c = Raw_client(r.sock)
    try:
        gw2 = "198.51.100.77"
        states = [
            ("route add 8.8.0.0/16 via %s" % GW_IP, "fwd"),
            ("route del 8.8.0.0/16", "no_route"),
            ("route add 8.8.8.0/24 via %s" % gw2, "no_neighbor"),
            ("neighbor add %s 02:00:00:00:00:77" % gw2, "fwd"),
            ("neighbor del %s" % gw2, "no_neighbor"),
            ("route del 8.8.8.0/24", "no_route"),
        ]
        for rnd in range(10):
            for line, want in states:
                a, b = _window(c, line, _decided)
                d = {k: b["drop"][k] - a["drop"][k] for k in ("no_route", "no_neighbor")}
                fwd = b["forwarded"] - a["forwarded"]
                rx = b["rx"] - a["rx"]
                where = "round %d, after '%s': %s fwd %d rx %d" % (rnd, line, d, fwd, rx)
                assert _decided(b) - _decided(a) >= 300, "no traffic: " + where
                if want == "fwd":
                    assert d == {"no_route": 0, "no_neighbor": 0}, where
                else:
                    other = "no_neighbor" if want == "no_route" else "no_route"
                    assert d[want] > 0 and d[other] == 0, where
        # The firewall swaps the same way: a deny list in, then none.
        deny = os.path.join(r.tmp, "deny.yaml")
        with open(deny, "w") as f:
            f.write("acl:\n  - port: lan\n    default: deny\n    rules: []\n")
        clear = os.path.join(r.tmp, "clear.yaml")
        with open(clear, "w") as f:
            f.write("acl: []\n")
        for rnd in range(3):
            for line, want in (("acl reload " + deny, "acl_deny"),
                               ("acl reload " + clear, "no_route")):
                a, b = _window(c, line, lambda st: st["drops"])
                d = {k: b["drop"][k] - a["drop"][k] for k in ("no_route", "acl_deny")}
                other = "no_route" if want == "acl_deny" else "acl_deny"
                assert d[want] >= 300 and d[other] == 0, "after '%s': %s" % (line, d)
        p = r.ctl("route", "list")
        assert not any(x[0].startswith("8.8.") for x in rows(p.stdout, [
            "prefix", "via", "port", "type", "origin"])), p.stdout
        _stop_and_balance(r)
    finally:
        c.close()
        r.close()


HOST6, GW6 = "2001:db8:1::10", "2001:db8:2::2"


def config6(sock):
    return Config(
        ports=[Port("lan", "net_pcap0", LAN_IP, LAN_LEN, LAN_MAC, ip6="2001:db8:1::1/64"),
               Port("wan", "net_null0", WAN_IP, WAN_LEN, WAN_MAC, ip6="2001:db8:2::1/64")],
        neighbors=[(HOST_IP, HOST_MAC, "lan"), (GW_IP, GW_MAC, "wan"),
                   (HOST6, HOST_MAC, "lan"), (GW6, GW_MAC, "wan")],
        routes=[("203.0.113.0/24", "via", GW_IP)]).text() + "control: {socket: %s}\n" % sock


def _decided6(st):
    return st["forwarded"] + st["drop"]["ip6_no_route"] + st["drop"]["ip6_no_neighbor"]


@case
def ctl_changes_ipv6_tables_under_traffic():
    """ctl_changes_tables_under_traffic for the IPv6 table: routes (via a
    global and a link-local gateway, which names its port) and neighbors
    change while IPv6 frames to 2001:db8:88::x replay; in each window after
    a change every one of them gets the new verdict (forwarded,
    ip6_no_route or ip6_no_neighbor). Then the replies and errors of the
    IPv6 commands, a route load mixing both families, and the books."""
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    frames = [e / IPv6(src=HOST6, dst="2001:db8:88::%x" % i) / UDP(sport=1000 + i) /
              Raw(b"d" * 50) for i in range(1, 9)]
    mem = pgtest.EAL_MEM_MB
    pgtest.EAL_MEM_MB = 512    # two IPv6 TRIE copies of 32 MiB first level each
    r = Running(conf_text=None, frames=frames)
    pgtest.EAL_MEM_MB = mem
    with open(r.conf, "w") as f:
        f.write(config6(r.sock))
    r.start()
    c = Raw_client(r.sock)
    try:
        states = [
            ("route add 2001:db8:88::/48 via %s" % GW6, "fwd"),
            ("route del 2001:db8:88::/48", "ip6_no_route"),
            ("route add 2001:db8:88::/64 via 2001:db8:2::77", "ip6_no_neighbor"),
            ("neighbor add 2001:db8:2::77 02:00:00:00:00:77", "fwd"),
            ("neighbor del 2001:db8:2::77", "ip6_no_neighbor"),
            ("route add 2001:db8:88::/64 via fe80::77 port wan", "ip6_no_neighbor"),
            ("neighbor add fe80::77 02:00:00:00:00:78 port wan", "fwd"),
            ("neighbor del fe80::77 port wan", "ip6_no_neighbor"),
            ("route del 2001:db8:88::/64", "ip6_no_route"),
        ]
        for rnd in range(5):
            for line, want in states:
                a, b = _window(c, line, _decided6)
                d = {k: b["drop"][k] - a["drop"][k] for k in ("ip6_no_route",
                                                              "ip6_no_neighbor")}
                fwd = b["forwarded"] - a["forwarded"]
                where = "round %d, after '%s': %s fwd %d" % (rnd, line, d, fwd)
                assert _decided6(b) - _decided6(a) >= 300, "no traffic: " + where
                if want == "fwd":
                    assert d == {"ip6_no_route": 0, "ip6_no_neighbor": 0} and fwd > 0, where
                else:
                    other = "ip6_no_neighbor" if want == "ip6_no_route" else "ip6_no_route"
                    assert d[want] > 0 and d[other] == 0 and fwd == 0, where

        # Replies and errors.
        p = r.ctl("--json", "route", "add", "2001:db8:99::/48", "via", GW6)
        # 2x2 local, 2 connected, 2 neighbor host routes, this one
        assert json.loads(p.stdout)["routes"] == 9, p.stdout
        expect_error(r.ctl("route", "add", "2001:db8:99::/48", "via", "fe80::1", check=False),
                     "via fe80::1: a link-local address needs a port")
        expect_error(r.ctl("route", "add", "2001:db8:99::/48", "via", "2001:db8:7::1",
                           check=False), "via 2001:db8:7::1: not in the prefix of any port")
        expect_error(r.ctl("route", "del", "2001:db8:98::/48", check=False),
                     "route 2001:db8:98::/48: no such static route")
        expect_error(r.ctl("neighbor", "add", "2001:db8:1::1", "02:00:00:00:00:05",
                           check=False), "neighbor 2001:db8:1::1: that is our own address")
        expect_error(r.ctl("neighbor", "del", "fe80::5", check=False),
                     "neighbor fe80::5: no such neighbor (link-local: name its port)")
        p = r.ctl("--json", "neighbor", "add", "2001:db8:1::20", "02:00:00:00:00:20")
        assert json.loads(p.stdout)["neighbors"] == 3, p.stdout
        p = r.ctl("--json", "neighbor", "list")
        ns = json.loads(p.stdout)
        assert ns["count"] == 5 and {"ip": "2001:db8:1::20", "mac": "02:00:00:00:00:20",
                                     "port": "lan", "state": "static"} in ns["neighbors"], ns
        # A route load with both families: one bad IPv6 line, nothing in.
        load = os.path.join(r.tmp, "mixed.txt")
        with open(load, "w") as f:
            f.write("10.77.0.0/16 via %s\n2001:db8:77::/48 via %s\n"
                    "2001:db8:78::/48 via fe80::9\n" % (GW_IP, GW6))
        expect_error(r.ctl("route", "load", load, check=False),
                     "line 3: via fe80::9: a link-local address needs a port")
        p = r.ctl("--json", "route", "list")
        got = [x["prefix"] for x in json.loads(p.stdout)["routes"]]
        assert "10.77.0.0/16" not in got and "2001:db8:77::/48" not in got, got
        with open(load, "w") as f:
            f.write("10.77.0.0/16 via %s\n2001:db8:77::/48 via %s\n"
                    "2001:db8:78::/48 via fe80::9 port wan\n" % (GW_IP, GW6))
        p = r.ctl("--json", "route", "load", load)
        rep = json.loads(p.stdout)
        assert rep["loaded"] == 3 and rep["routes6"] == 12, rep
        p = r.ctl("--json", "route", "list")
        rl = json.loads(p.stdout)["routes"]
        assert {"prefix": "2001:db8:78::/48", "via": "fe80::9", "port": "wan",
                "type": "unresolved", "origin": "static"} in rl, rl
        assert {"prefix": "2001:db8:77::/48", "via": GW6, "port": "wan",
                "type": "forward", "origin": "static"} in rl, rl
        assert "10.77.0.0/16" in [x["prefix"] for x in rl], rl
        _stop_and_balance(r)
    finally:
        c.close()
        r.close()


def _members(c, prefix):
    """route list's ECMP route @p prefix as {via: (port, weight, buckets)},
    or None when the prefix has no route."""
    rl = json.loads(c.ctl("--json", "route", "list").stdout)["routes"]
    for x in rl:
        if x["prefix"] == prefix:
            assert x["type"] == "ecmp", x
            return {m["via"]: (m["port"], m["weight"], m["buckets"]) for m in x["members"]}
    return None


@case
def ctl_ecmp_ports_and_route_load():
    """An IPv4 ECMP `route add` whose per-via `port` agrees with the
    gateway's subnet is taken, one that contradicts it is refused naming
    the gateway and both ports. `route load` takes the multi-via / weighted
    lines `route add` takes, both families; a bad line anywhere (named by
    its number) leaves the routes and the group tables as they were."""
    mem = pgtest.EAL_MEM_MB
    pgtest.EAL_MEM_MB = 512    # two IPv6 TRIE copies, as above
    r = Running(conf_text=None)
    pgtest.EAL_MEM_MB = mem
    with open(r.conf, "w") as f:
        f.write(config6(r.sock))
    r.start()
    tel = None
    try:
        tel = pgtest.wait_for_socket(r.prefix, r.proc, ready_cmd="/pktgate/nhgroups")

        def groups():
            return (tel.query("/pktgate/nhgroups")["count"],
                    tel.query("/pktgate/nhgroups6")["count"])

        r.ctl("route", "add", "10.70.0.0/16", "via", GW_IP, "port", "wan",
              "via", "198.51.100.3", "port", "wan", "weight", "3")
        assert _members(r, "10.70.0.0/16") == {GW_IP: ("wan", 1, 16),
                                               "198.51.100.3": ("wan", 3, 48)}
        expect_error(r.ctl("route", "add", "10.71.0.0/16", "via", GW_IP, "port", "lan",
                           "via", "198.51.100.3", check=False),
                     "route add: via %s port lan: not in the subnet of that port (wan's)"
                     % GW_IP)
        expect_error(r.ctl("route", "add", "10.71.0.0/16", "via", "198.51.100.3",
                           "via", GW_IP, "port", "dmz", check=False),
                     "route add: port dmz: no such port")
        assert _members(r, "10.71.0.0/16") is None
        assert groups() == (1, 0), groups()

        load = os.path.join(r.tmp, "ecmp.routes")
        good = ["10.72.0.0/16 via %s via 198.51.100.3 weight 2" % GW_IP,
                "2001:db8:72::/48 via fe80::1 port wan via fe80::2 port wan weight 3",
                "10.73.0.0/16 via %s port wan via 198.51.100.4 port wan  # agrees" % GW_IP,
                "10.70.0.0/16 via 198.51.100.3 weight 3 via %s   # the same group" % GW_IP,
                "2001:db8:73::/48 via %s via fe80::1 port wan" % GW6]
        bad = [(2, "2001:db8:72::/48 via fe80::1 via fe80::2 port wan",
                "line 2: via fe80::1: a link-local address needs a port"),
               (3, "10.73.0.0/16 via %s port lan via 198.51.100.4" % GW_IP,
                "line 3: via %s port lan: not in the subnet of that port (wan's)" % GW_IP),
               (5, "2001:db8:73::/48 via %s via 2001:db8:7::1" % GW6,
                "line 5: via 2001:db8:7::1: not in the prefix of any port"),
               (5, "10.74.0.0/16 via %s via 10.99.0.1" % GW_IP,
                "line 5: via 10.99.0.1: not in the subnet of any port"),
               (4, "10.74.0.0/16 via %s weight 0 via 198.51.100.3" % GW_IP,
                "line 4: route add: invalid weight '0' (1..256)")]
        for lineno, line, msg in bad:
            lines = list(good)
            lines[lineno - 1] = line
            with open(load, "w") as f:
                f.write("\n".join(lines) + "\n")
            expect_error(r.ctl("route", "load", load, check=False), "%s %s" % (load, msg))
            for pfx in ("10.72.0.0/16", "10.73.0.0/16", "2001:db8:72::/48",
                        "2001:db8:73::/48"):
                assert _members(r, pfx) is None, (line, pfx)
            assert _members(r, "10.70.0.0/16") == {GW_IP: ("wan", 1, 16),
                                                   "198.51.100.3": ("wan", 3, 48)}, line
            assert groups() == (1, 0), (line, groups())

        with open(load, "w") as f:
            f.write("# ECMP lines as route add takes them\n" + "\n".join(good) + "\n")
        rep = json.loads(r.ctl("--json", "route", "load", load).stdout)
        assert rep["loaded"] == 5, rep
        # 64 buckets 1:2 -> 21/43 (largest remainder); 1:3 -> 16/48.
        assert _members(r, "10.72.0.0/16") == {GW_IP: ("wan", 1, 21),
                                               "198.51.100.3": ("wan", 2, 43)}
        assert _members(r, "10.73.0.0/16") == {GW_IP: ("wan", 1, 32),
                                               "198.51.100.4": ("wan", 1, 32)}
        assert _members(r, "10.70.0.0/16") == {GW_IP: ("wan", 1, 16),
                                               "198.51.100.3": ("wan", 3, 48)}
        assert _members(r, "2001:db8:72::/48") == {"fe80::1": ("wan", 1, 16),
                                                   "fe80::2": ("wan", 3, 48)}
        assert _members(r, "2001:db8:73::/48") == {GW6: ("wan", 1, 32),
                                                   "fe80::1": ("wan", 1, 32)}
        assert groups() == (3, 2), groups()
        _stop_and_balance(r)
    finally:
        if tel is not None:
            tel.close()
        r.close()


@case
def nd_resolves_ipv6_next_hops():
    """Dynamic ND (arp.dynamic on, IPv6 on): frames to 2001:db8:200::/48 via
    2001:db8:2::3 (no neighbor) replay on lan while 2001:db8:2::3's Neighbor
    Advertisement and 2001:db8:2::4's Neighbor Solicitation for us (with a
    source link-layer option) replay on wan. pktgate drops the first frames
    (ip6_no_neighbor, no ICMPv6 error: neighbor_pending), sends a Neighbor
    Solicitation for 2001:db8:2::3 to its solicited-node group out of wan
    (byte for byte, checksum included), learns the advertisement and
    forwards from then on (rewritten for the learned MAC, hop limit 63); 2001:db8:2::4 is learned from its solicitation."""
    from scapy.layers.inet6 import (ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                                    ICMPv6NDOptSrcLLAddr)
    tmp = tempfile.mkdtemp(prefix="pg-nd-")
    prefix = unique_prefix("pgnd")
    sock = os.path.join(tmp, "ctl.sock")
    gw, gw_mac, gw2, gw2_mac = "2001:db8:2::3", "02:00:00:00:00:33", "2001:db8:2::4", \
        "02:00:00:00:00:44"
    lan_in, wan_in, wan_out = (os.path.join(tmp, x) for x in ("lan.pcap", "wan.pcap",
                                                             "wan_out.pcap"))
    e = Ether(dst=LAN_MAC, src=HOST_MAC)
    data = e / IPv6(src=HOST6, dst="2001:db8:200::1", hlim=64) / UDP(sport=7, dport=9) / \
        Raw(b"v" * 40)
    write_pcap(lan_in, [data])
    na = (Ether(dst=WAN_MAC, src=gw_mac) /
          IPv6(src=gw, dst="2001:db8:2::1", hlim=255) /
          ICMPv6ND_NA(tgt=gw, R=1, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=gw_mac))
    ns = (Ether(dst="33:33:ff:00:00:01", src=gw2_mac) /
          IPv6(src=gw2, dst="ff02::1:ff00:1", hlim=255) /
          ICMPv6ND_NS(tgt="2001:db8:2::1") / ICMPv6NDOptSrcLLAddr(lladdr=gw2_mac))
    write_pcap(wan_in, [na, ns])
    cfg = Config(
        ports=[Port("lan", "net_pcap0", LAN_IP, LAN_LEN, LAN_MAC, ip6="2001:db8:1::1/64"),
               Port("wan", "net_pcap1", WAN_IP, WAN_LEN, WAN_MAC, ip6="2001:db8:2::1/64")],
        neighbors=[(HOST_IP, HOST_MAC, "lan"), (HOST6, HOST_MAC, "lan")],
        routes=[("2001:db8:200::/48", "via", gw)],
        arp={"dynamic": "true", "retry_ms": 100})
    conf = os.path.join(tmp, "c.yaml")
    with open(conf, "w") as f:
        f.write(cfg.text() + "control: {socket: %s}\n" % sock)
    q = pgtest.TOPOLOGY["queues"]
    rq = pgtest.TOPOLOGY.get("rx_queues", q)
    lan = "net_pcap0," + ",".join(["rx_pcap=%s" % lan_in] * q) + ",infinite_rx=1"
    wan_outs = ["%s.%d" % (wan_out, i) for i in range(q)]
    wan = ("net_pcap1," + ",".join(["rx_pcap=%s" % wan_in] * rq) + "," +
           ",".join("tx_pcap=%s" % o for o in wan_outs) + ",infinite_rx=1")
    mem = pgtest.EAL_MEM_MB
    pgtest.EAL_MEM_MB = 512
    cmd = [pgtest.PKTGATE] + eal_args(prefix, [lan, wan]) + ["--", "-c", conf]
    pgtest.EAL_MEM_MB = mem
    out = open(os.path.join(tmp, "stdout"), "w+")
    err = open(os.path.join(tmp, "stderr"), "w+")
    proc = subprocess.Popen(cmd, cwd=tmp, stdout=out, stderr=err)
    try:
        def learned():
            p = ctl(["-s", sock, "--json", "stats"], check=False)
            return p.returncode == 0 and json.loads(p.stdout)["forwarded"] > 0
        assert wait_until(learned, 30), "nothing forwarded after ND\n" + open(
            os.path.join(tmp, "stderr")).read()[-2000:]
        p = ctl(["-s", sock, "--json", "neighbor", "list"])
        nb = json.loads(p.stdout)["neighbors"]
        assert {"ip": gw, "mac": gw_mac, "port": "wan", "state": "learned"} in nb, nb
        assert {"ip": gw2, "mac": gw2_mac, "port": "wan", "state": "learned"} in nb, nb
        st = json.loads(ctl(["-s", sock, "--json", "stats"]).stdout)
        assert st["drop"]["ip6_no_neighbor"] >= 1, st
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        got = [f for o in wan_outs if os.path.exists(o) for f in pgtest.read_pcap(o)]
        want_ns = bytes(Ether(dst="33:33:ff:00:00:03", src=WAN_MAC) /
                        IPv6(src="2001:db8:2::1", dst="ff02::1:ff00:3", hlim=255) /
                        ICMPv6ND_NS(tgt=gw) / ICMPv6NDOptSrcLLAddr(lladdr=WAN_MAC))
        assert want_ns in got, [Ether(f).summary() for f in got[:10]]
        fwd = bytes(Ether(dst=gw_mac, src=WAN_MAC) /
                    IPv6(src=HOST6, dst="2001:db8:200::1", hlim=63) / UDP(sport=7, dport=9) /
                    Raw(b"v" * 40))
        assert fwd in got, [Ether(f).summary() for f in got[:10]]
        # Nothing else: solicitations, forwarded frames, our advertisements
        # answering 2001:db8:2::4.
        for f in set(got):
            x = Ether(f)
            assert f == fwd or (ICMPv6ND_NS in x and x[ICMPv6ND_NS].tgt == gw) or \
                (ICMPv6ND_NA in x and x[IPv6].dst == gw2), x.summary()
        out.seek(0)
        summary = pgtest.parse_summary(out.read())
        assert summary["rx"] == summary["forwarded"] + summary["local"] + summary["drops"], \
            summary["lines"]
    finally:
        if proc.poll() is None:
            proc.kill()          # only our own child, by its handle
            proc.wait()
        out.close()
        err.close()
        cleanup_prefix(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


@case
def ctl_route_load_grows_tbl8_room():
    """`route load` of more /24s with routes longer than /24 than the
    table's start room (limits.ipv4_tbl8_groups: 64) goes in whole: the
    copies grow. Past limits.ipv4_tbl8_groups_max (1024) a load is refused
    whole, naming the limit, and the table keeps what it had."""
    mem = pgtest.EAL_MEM_MB
    pgtest.EAL_MEM_MB = 512    # growing builds a third table (32 MiB tbl24) for a moment
    r = Running(extra="limits: {ipv4_tbl8_groups: 64, ipv4_tbl8_groups_max: 1024}\n")
    pgtest.EAL_MEM_MB = mem
    r.start()
    try:
        n0 = json.loads(r.ctl("--json", "route", "list", "0").stdout)["count"]
        ok = os.path.join(r.tmp, "long.routes")
        with open(ok, "w") as f:
            for i in range(600):
                f.write("10.%d.%d.7/32 via %s\n" % (100 + i // 256, i % 256, GW_IP))
        j = json.loads(r.ctl("--json", "route", "load", ok).stdout)
        assert j["ok"] and j["loaded"] == 600 and j["routes"] == n0 + 600, j
        rj = json.loads(r.ctl("--json", "route", "list", str(n0 + 599)).stdout)
        assert rj["count"] == n0 + 600, rj
        big = os.path.join(r.tmp, "more.routes")
        with open(big, "w") as f:
            for i in range(500):
                f.write("10.%d.%d.9/32 port wan\n" % (110 + i // 256, i % 256))
        p = r.ctl("route", "load", big, check=False)
        assert p.returncode == 1 and "table full" in p.stderr and \
            "all 1024 tbl8 groups in use" in p.stderr, p.where
        rj = json.loads(r.ctl("--json", "route", "list", "0").stdout)
        assert rj["count"] == n0 + 600, rj
    finally:
        r.close()


if __name__ == "__main__":
    if not CTL or not os.access(CTL, os.X_OK):
        sys.exit("set PKTGATE_CTL to the pktgate-ctl binary")
    main()
