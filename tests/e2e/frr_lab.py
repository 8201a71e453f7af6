# SPDX-License-Identifier: BSD-3-Clause
"""FRR instances side by side, each in a network namespace of its own, run
by hand (no systemd, no /etc/frr): Debian's FRR 8.4 daemons with their own
config files, pid files, zserv socket and vty directory in a directory the
frr user owns (docs/frr.md). Shared by tests/e2e/test_bgp.py,
tests/e2e/test_bgp6.py and tools/bench/bgp_converge.py; the last part
holds what the two tests share beside FRR (veths, UDP across pktgate,
the FPM routes pktgate shows, their __main__).

An instance is zebra + bgpd; `fpm` loads zebra's dplane_fpm_nl and points
it at pktgate. Prefixes to announce are `network` statements of a generated
bgpd.conf (`no bgp network import-check`: no RIB route needed), optionally
with a third-party next hop set by an outbound route-map.
"""
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pgtest
from netns_util import remove_stale, sh, teardown

FRR = "/usr/lib/frr"


def frr_installed():
    return all(os.access(os.path.join(FRR, d), os.X_OK) for d in ("zebra", "bgpd")) \
        and shutil.which("vtysh") is not None


def prefixes(n, first="20.0.0.0"):
    """n distinct /24s, consecutive from `first` (20.0.0.0/24, 20.0.1.0/24,
    ...; 1M of them end at 35.255.255.0/24)."""
    base = int(ipaddress.IPv4Address(first))
    return ["%s/24" % ipaddress.IPv4Address(base + (i << 8)) for i in range(n)]


def prefixes6(n, first="2001:db8:1000::", plen=48):
    """n distinct IPv6 prefixes of length plen, consecutive from `first`
    (2001:db8:1000::/48, 2001:db8:1001::/48, ...)."""
    base = int(ipaddress.IPv6Address(first))
    return ["%s/%d" % (ipaddress.IPv6Address(base + (i << (128 - plen))), plen)
            for i in range(n)]


def host_in(prefix, host=1):
    """An address inside prefix (its network address + host), IPv4 or IPv6."""
    net = ipaddress.ip_network(prefix)
    return str(net.network_address + host)


def bgpd_conf(asn, router_id, neighbor, remote_as, networks=(), nexthop=None,
              shutdown=False, out_deny=False, hostname=None, afi="ipv4"):
    """A bgpd.conf for one eBGP neighbor. networks: prefixes to originate.
    nexthop: announce them with this next hop (third-party next hop, by an
    outbound route-map). shutdown: the neighbor starts administratively down
    (`no neighbor X shutdown` brings it up). out_deny: the outbound
    route-map starts as deny-all (see set_export()). afi "ipv6": the
    session carries IPv6 unicast only (neighbor: the peer's IPv6 address;
    networks and nexthop IPv6), activated explicitly as FRR wants it."""
    lines = ["hostname %s" % (hostname or "bgp%d" % asn),
             "log timestamp precision 3",
             "router bgp %d" % asn,
             " bgp router-id %s" % router_id]
    if afi != "ipv4":
        # before the neighbor: it would get IPv4 unicast too, by default
        lines.append(" no bgp default ipv4-unicast")
    lines += [" no bgp ebgp-requires-policy",
              " no bgp network import-check",
              " bgp log-neighbor-changes",
              " neighbor %s remote-as %d" % (neighbor, remote_as),
              # fast session setup and failure detection in tests
              " neighbor %s timers 3 9" % neighbor,
              " neighbor %s timers connect 1" % neighbor,
              " neighbor %s advertisement-interval 0" % neighbor]
    if shutdown:
        lines.append(" neighbor %s shutdown" % neighbor)
    lines.append(" address-family %s unicast" % afi)
    if afi != "ipv4":
        lines.append("  neighbor %s activate" % neighbor)
    lines += ["  network %s" % p for p in networks]
    lines.append("  neighbor %s route-map PG-OUT out" % neighbor)
    lines.append(" exit-address-family")
    if out_deny:
        lines.append("route-map PG-OUT deny 5")
    lines.append("route-map PG-OUT permit 10")
    if nexthop:
        lines.append((" set ip next-hop %s" if afi == "ipv4"
                      else " set ipv6 next-hop global %s") % nexthop)
    # route-map changes apply at `clear bgp ... soft out`, not on a timer
    lines.append("bgp route-map delay-timer 0")
    return "\n".join(lines) + "\n"


class Frr:
    """zebra + bgpd in namespace ns; files under dir/name. fpm: "A port P"
    for zebra's `fpm address` (loads dplane_fpm_nl), or None."""

    def __init__(self, ns, top, name, bgpd_conf_text, fpm=None, zebra_extra="", cpus=None):
        self.ns, self.name = ns, name
        self.cpus = cpus             # "0": pin the daemons there (taskset)
        self.dir = os.path.join(top, name)
        self.procs = []
        os.makedirs(self.dir)
        zc = "hostname %s\nlog timestamp precision 3\n" % name
        if fpm:
            zc += "fpm address %s\n" % fpm
        zc += zebra_extra
        self.write("zebra.conf", zc)
        self.write("bgpd.conf", bgpd_conf_text)
        os.chmod(top, 0o755)
        sh("chown", "-R", "frr:frr", self.dir)
        self.fpm = fpm

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def path(self, name):
        return os.path.join(self.dir, name)

    def _spawn(self, daemon, args):
        common = ["-u", "frr", "-g", "frr", "-P", "0", "-z", self.path("zserv.api"),
                  "--vty_socket", self.dir, "-f", self.path(daemon + ".conf"),
                  "-i", self.path(daemon + ".pid"),
                  "--log", "file:" + self.path(daemon + ".log")]
        log = open(self.path(daemon + ".out"), "w")
        pin = ("taskset", "-c", self.cpus) if self.cpus else ()
        p = subprocess.Popen(("ip", "netns", "exec", self.ns) + pin
                             + (os.path.join(FRR, daemon),) + tuple(args + common),
                             stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
                             # a session of its own, as a service has: with
                             # sched_autogroup, processes of one session share
                             # one group's CPU weight (a busy bgpd on CPU 0
                             # would shrink pktgate's worker's share on CPU 1)
                             start_new_session=True)
        log.close()
        self.procs.append((daemon, p))
        return p

    def start_zebra(self):
        self._spawn("zebra", ["-M", "dplane_fpm_nl"] if self.fpm else [])
        # bgpd gives up on a zserv socket that is not there yet (it
        # retries, but slowly): wait for it
        end = time.time() + 10
        while time.time() < end and not os.path.exists(self.path("zserv.api")):
            time.sleep(0.05)

    def start_bgpd(self):
        self._spawn("bgpd", [])

    def start(self):
        self.start_zebra()
        self.start_bgpd()

    def vtysh(self, *cmds, check=True, timeout=60):
        args = ["vtysh", "--vty_socket", self.dir]
        for c in cmds:
            args += ["-c", c]
        return sh(*args, ns=self.ns, check=check, timeout=timeout)

    def bgp_conf(self, *cmds, asn):
        """Configuration commands under `router bgp asn`."""
        return self.vtysh("conf t", "router bgp %d" % asn, *cmds)

    def logs(self, tail=3000):
        out = []
        for f in sorted(os.listdir(self.dir)):
            if f.endswith((".log", ".out")):
                try:
                    with open(self.path(f)) as fh:
                        text = fh.read()
                except OSError:
                    continue
                if text:
                    out.append("--- %s/%s\n%s" % (self.name, f, text[-tail:]))
        return "\n".join(out)

    def stop(self):
        for _, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for _, p in reversed(self.procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()                 # our own child, by its handle
                p.wait()
        self.procs = []


def established(frr, neighbor, afi="ipv4"):
    """Is frr's BGP session with neighbor up (for address family afi)?"""
    p = frr.vtysh("show bgp %s unicast summary json" % afi, check=False)
    try:
        j = json.loads(p.stdout)
    except ValueError:
        return False
    j = j.get(afi + "Unicast", j)        # the AF's object, wrapped or not
    return j.get("peers", {}).get(neighbor, {}).get("state") == "Established"


def set_export(frr, neighbor, permit, afi="ipv4"):
    """Announce (permit) or withdraw (deny) everything to neighbor: remove
    or add the deny-all entry in front of the outbound route-map, then
    re-send (`clear bgp AFI unicast X soft out`). The update (or withdraw)
    goes out when this returns."""
    return frr.vtysh("conf t", ("no " if permit else "") + "route-map PG-OUT deny 5",
                     "end", "clear bgp %s unicast %s soft out" % (afi, neighbor))


# ---- what the BGP e2e tests share beside FRR ----------------------------------------

def veth(a, ns_a, b, ns_b, no_ipv6=()):
    """veth a (in ns_a) <-> b (in ns_b), both up, offloads off (or UDP and
    TCP through net_af_packet are lost). An end in a namespace of no_ipv6
    gets no kernel IPv6: pktgate's ends, where that kernel would answer
    Neighbor Discovery beside pktgate."""
    sh("ip", "link", "add", a, "netns", ns_a, "type", "veth", "peer", "name", b,
       "netns", ns_b)
    for ifn, ns in ((a, ns_a), (b, ns_b)):
        sh("ethtool", "-K", ifn, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
           "gro", "off", ns=ns)
        if ns in no_ipv6:
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % ifn, ns=ns)
        sh("ip", "link", "set", ifn, "up", ns=ns)


# Counts the UDP datagrams to argv[2] (IPv4 or IPv6), port 9999, on the
# wire of interface argv[1] for up to argv[3] seconds or argv[4] datagrams.
_WIRE_COUNT = r"""
import socket, struct, sys, time
v6 = ":" in sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd if v6 else 0x0800))
s.bind((sys.argv[1], 0)); s.settimeout(0.2)
print("ready", flush=True)
want = socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, sys.argv[2])
# next header / protocol, destination address, UDP destination port
proto, dst, dport = (20, 38, 56) if v6 else (23, 30, 36)
n, end = 0, time.time() + float(sys.argv[3])
while time.time() < end and n < int(sys.argv[4]):
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    if (f[proto] == 17 and f[dst:dst + len(want)] == want
            and struct.unpack("!H", f[dport:dport + 2])[0] == 9999):
        n += 1
print(n, flush=True)
"""


def udp_through(ns_from, ns_wire, ifname, target, count, expect):
    """Send `count` datagrams from namespace ns_from to target:9999 (IPv4
    or IPv6; through pktgate); return how many crossed the wire of ifname
    in ns_wire (a packet socket there, so that the routing of that
    namespace plays no part). expect 0: listen 3 s, else up to 15 s."""
    cap = subprocess.Popen(
        ["ip", "netns", "exec", ns_wire, "/usr/bin/python3", "-c", _WIRE_COUNT,
         ifname, target, "3" if expect == 0 else "15", str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        assert cap.stdout.readline().strip() == "ready", cap.stderr.read()
        sh("/usr/bin/python3", "-c", r"""
import socket, sys, time
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET,
                  socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"bgp-%03d" % i, (sys.argv[1], 9999))
    time.sleep(0.01)
""", target, str(count), ns=ns_from)
        out, err = cap.communicate(timeout=30)
    finally:
        if cap.poll() is None:
            cap.kill()
            cap.wait()
    assert cap.returncode == 0, err
    return int(out.strip())


def fpm_routes(tel, cmd="/pktgate/routes"):
    """The routes of origin fpm in /pktgate/routes (or /pktgate/routes6),
    all pages."""
    out, off = [], 0
    while True:
        r = tel.query("%s,%d" % (cmd, off))
        out += [x for x in r["routes"] if " fpm" in x]
        off += r["page_size"]
        if off >= r["count"]:
            return out


def fpm_stats_when(tel, pred, timeout=10.0):
    """/pktgate/fpm once pred(it) holds, else the last one: pktgate
    publishes these counters once per control tick, after the table
    changes they count, so a reader can see a change in /pktgate/routes
    before its count here."""
    return pgtest.wait_until(lambda: (lambda f: f if pred(f) else None)(
        tel.query("/pktgate/fpm")), timeout) or tel.query("/pktgate/fpm")


class Lab:
    """What a BGP e2e environment holds: pktgate's run (proc, tel, out/err
    files in tmp, EAL prefix), the FRRs, the namespaces; a test's Env
    adds its setup(). close() undoes it all, also after a broken setup."""

    def __init__(self, tag, namespaces):
        self.proc = None
        self.tel = None
        self.frrs = []
        self.namespaces = namespaces
        self.tmp = tempfile.mkdtemp(prefix="pg-%s-" % tag)
        self.prefix = pgtest.unique_prefix("pg" + tag)

    def q(self, cmd):
        return self.tel.query(cmd)

    def logs(self):
        """The tails of the FRR daemons' logs and of pktgate's stdout and
        stderr: what a failure shows."""
        out = [f.logs() for f in self.frrs]
        for name in ("stdout", "stderr"):
            try:
                with open(os.path.join(self.tmp, name)) as fh:
                    out.append("--- pktgate %s\n%s" % (name, fh.read()[-3000:]))
            except OSError:
                pass
        return "\n".join(out)

    def wait_fpm_connected(self):
        f = pgtest.wait_until(lambda: (lambda f: f if f["connected"] else None)(
            self.q("/pktgate/fpm")), 30)
        assert f, "zebra did not connect over FPM\n" + self.logs()

    def close(self):
        for f in self.frrs:
            f.stop()
        teardown(self, self.namespaces, ())


def test_main(stale_pattern, get_env):
    """The __main__ of a BGP e2e test: exit 77 (meson's SKIP) without root
    or FRR, remove the namespaces of killed runs (stale_pattern, see
    remove_stale()), run the cases, and close get_env() (if any) whatever
    happened."""
    if os.geteuid() != 0:
        print("skip: needs root (network namespaces)")
        sys.exit(77)
    if not frr_installed():
        print("skip: FRR is not installed (%s/zebra, bgpd, vtysh)" % FRR)
        sys.exit(77)
    for tool in ("ip", "ethtool", "ping"):
        if shutil.which(tool) is None:
            sys.exit("missing %s (packages iproute2, ethtool, iputils-ping)" % tool)
    remove_stale(stale_pattern)
    try:
        pgtest.main()
    finally:
        if get_env() is not None:
            get_env().close()
