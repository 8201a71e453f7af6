# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Client of pktgate's DPDK telemetry socket, shared by pktgate-exporter and
pktgate-top. Standard library only.

The socket is DPDK's telemetry v2 socket (SOCK_SEQPACKET, one JSON reply per
command) of the running pktgate: <runtime dir>/<file-prefix>/dpdk_telemetry.v2
where the runtime dir is /var/run/dpdk for root, else
$XDG_RUNTIME_DIR/dpdk (or /tmp/dpdk). Telemetry runs on its own thread in
pktgate: asking never touches a worker lcore.

snapshot() reads everything once and returns plain dicts. Commands that the
running pktgate does not have (an older build, a feature not merged yet) are
skipped: their part of the snapshot is None and their name is in
snap["missing"].
"""

import json
import os
import socket
import time

DEFAULT_FILE_PREFIX = "pktgate"     # the prefix of config/systemd/pktgate.default
SOCKET_NAME = "dpdk_telemetry.v2"

# /pktgate/stats keys that are not drop reasons (used only when pktgate has
# no /pktgate/info, which names the reasons itself).
STATS_NON_REASON_KEYS = {"rx", "tx", "forwarded", "local", "ip_options", "drops",
                         "mbufs_in_use", "ctl_tx", "consumed"}


class TelemetryError(Exception):
    """The socket is gone, refused, or answered something unreadable."""


def runtime_dir():
    """Where EAL puts its runtime files (as rte_eal_get_runtime_dir())."""
    if os.geteuid() == 0:
        return "/var/run/dpdk"
    return os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")


def socket_path(file_prefix=DEFAULT_FILE_PREFIX, path=None):
    """The telemetry socket of the pktgate started with --file-prefix
    file_prefix; an explicit path wins."""
    if path:
        return path
    return os.path.join(runtime_dir(), file_prefix, SOCKET_NAME)


class Client:
    """One connection to the telemetry socket, opened on first use and again
    after any error (pktgate restarted, socket replaced)."""

    def __init__(self, path, timeout=2.0):
        self.path = path
        self.timeout = timeout
        self.sock = None
        self.info = {}
        self.commands = set()
        self.max_len = 16384

    def _connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(self.timeout)
        try:
            s.connect(self.path)
            # The server speaks first: {"version", "pid", "max_output_len"}.
            info = json.loads(s.recv(65536).decode())
        except (OSError, ValueError) as e:
            s.close()
            raise TelemetryError("%s: %s" % (self.path, e)) from None
        if not isinstance(info, dict):
            s.close()
            raise TelemetryError("%s: unexpected greeting %r" % (self.path, info))
        self.sock = s
        self.info = info
        self.max_len = int(info.get("max_output_len", 16384))
        self.commands = set(self._ask("/") or [])

    def _ask(self, cmd):
        try:
            self.sock.send(cmd.encode())
            raw = self.sock.recv(self.max_len + 4096)
        except OSError as e:
            self.close()
            raise TelemetryError("%s: %s: %s" % (self.path, cmd, e)) from None
        if not raw:
            self.close()
            raise TelemetryError("%s: connection closed" % self.path)
        try:
            reply = json.loads(raw.decode())
        except ValueError as e:
            self.close()
            raise TelemetryError("%s: %s: bad reply: %s" % (self.path, cmd, e)) from None
        # An unknown command or a bad parameter answers {"<cmd>": null}.
        return reply.get(cmd.split(",", 1)[0]) if isinstance(reply, dict) else None

    def query(self, cmd):
        """The value a command answers (None for an error reply)."""
        if self.sock is None:
            self._connect()
        return self._ask(cmd)

    def has(self, cmd):
        """Whether the connected process offers cmd (connects if needed)."""
        if self.sock is None:
            self._connect()
        return cmd in self.commands

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.commands = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def rows(table):
    """A column table ({"col": [v, ...], ...}) as a list of row dicts; scalar
    entries of the table are left out."""
    cols = {k: v for k, v in (table or {}).items() if isinstance(v, list)}
    n = max((len(v) for v in cols.values()), default=0)
    return [{k: v[i] for k, v in cols.items() if i < len(v)} for i in range(n)]


def _optional(client, cmd, missing):
    if not client.has(cmd):
        missing.append(cmd)
        return None
    return client.query(cmd)


def drop_reasons(snap):
    """Names of the drop reasons, in pktgate's order."""
    info = snap.get("info") or {}
    if isinstance(info.get("drop_reasons"), list):
        return info["drop_reasons"]
    return [k for k, v in (snap.get("stats") or {}).items()
            if k not in STATS_NON_REASON_KEYS and isinstance(v, int)]


def snapshot(client):
    """Everything pktgate tells, read once. Raises TelemetryError when the
    socket cannot be reached or /pktgate/stats is not there (not a pktgate)."""
    missing = []
    t0 = time.monotonic()
    if not client.has("/pktgate/stats"):
        raise TelemetryError("%s: no /pktgate/stats (not a pktgate, or still "
                             "starting)" % client.path)
    snap = {"time": t0, "dpdk": client.info.get("version", ""),
            "pid": client.info.get("pid"), "missing": missing}
    snap["info"] = _optional(client, "/pktgate/info", missing)
    snap["stats"] = client.query("/pktgate/stats")
    if snap["stats"] is None:
        raise TelemetryError("%s: /pktgate/stats answered an error" % client.path)

    # Ports: the table, the detail of each (port id, device counters) and
    # DPDK's own /ethdev/stats for bytes, which pktgate does not count.
    ports = rows(_optional(client, "/pktgate/ports", missing))
    ethdev = client.has("/ethdev/stats")
    for i, p in enumerate(ports):
        p["index"] = i
        # The detail's counters win over the table's: read just before the
        # device's, so that rates of the two agree more closely.
        p.update(client.query("/pktgate/ports,%d" % i) or {})
        if ethdev and "port_id" in p:
            es = client.query("/ethdev/stats,%d" % p["port_id"]) or {}
            # Some PMDs count packets but not bytes (net_null): zero bytes
            # for a non-zero packet count means "not counted", not zero.
            for k, pk in (("ibytes", "ipackets"), ("obytes", "opackets")):
                if isinstance(es.get(k), int) and (es[k] or not es.get(pk)):
                    p["ethdev_" + k] = es[k]
    snap["ports"] = ports if "/pktgate/ports" not in missing else None

    # Lcores: the table names them; each worker's dict has its loop time.
    table = _optional(client, "/pktgate/lcores", missing)
    lcores = rows(table)
    for lc in lcores:
        if lc.get("role") == "control":
            continue
        one = client.query("/pktgate/lcores,%d" % lc["lcore"]) or {}
        lc.update({k: v for k, v in one.items() if k not in lc})
    snap["lcores"] = lcores if table is not None else None

    rings = _optional(client, "/pktgate/rings", missing)
    snap["rings"] = rows(rings) if rings is not None else None
    snap["mode"] = (rings or {}).get("mode") or (snap["info"] or {}).get("mode")
    routes = _optional(client, "/pktgate/routes", missing)
    snap["routes"] = routes.get("count") if isinstance(routes, dict) else None
    neigh = _optional(client, "/pktgate/neighbors", missing)
    snap["neighbors"] = neigh.get("count") if isinstance(neigh, dict) else None
    # ARP resolver counters (pktgate with dynamic neighbors)
    snap["arp"] = {k: v for k, v in (neigh or {}).items()
                   if k in ("incomplete", "arp_requests", "learned", "expired", "failed")
                   and isinstance(v, int)}
    acl = _optional(client, "/pktgate/acl", missing)
    # Rules come in pages of page_size: fetch the rest into the same columns.
    if isinstance(acl, dict) and isinstance(acl.get("page_size"), int):
        off = acl["page_size"]
        while acl["page_size"] > 0 and off < acl.get("n_rules", 0):
            page = client.query("/pktgate/acl,%d" % off) or {}
            for k in ("port", "direction", "rule", "text", "action", "hits"):
                if isinstance(acl.get(k), list) and isinstance(page.get(k), list):
                    acl[k] += page[k]
            off += acl["page_size"]
    snap["acl"] = acl_rules(acl)
    snap["duration"] = time.monotonic() - t0
    return snap


def acl_rules(reply):
    """Per-rule hits from /pktgate/acl as [(labels, hits)], or None when there
    is no such command. One place to adapt if the command changes.

    The command (lib/telemetry/telemetry.c) answers a column table, one row
    per rule: port, direction, rule (index in its list), text, action, hits;
    and apart from it, one row per list: list_port, list_direction,
    list_default (action), list_default_hits, list_rules. The list rows
    give one more series per list, rule "default". Rules come in pages: see
    snapshot()."""
    if reply is None:
        return None
    if not isinstance(reply, dict):
        return []
    rules = rows({k: v for k, v in reply.items() if not k.startswith("list_")})
    lists = rows({k[5:]: v for k, v in reply.items() if k.startswith("list_")})
    out = []
    for i, r in enumerate(rules):
        if not isinstance(r.get("hits"), int):
            continue
        labels = {k: str(v) for k, v in r.items() if k != "hits"}
        labels.setdefault("rule", str(i))
        out.append((labels, r["hits"]))
    for li in lists:
        if isinstance(li.get("default_hits"), int):
            out.append(({"port": str(li.get("port", "")),
                         "direction": str(li.get("direction", "")), "rule": "default",
                         "text": "default", "action": str(li.get("default", ""))},
                        li["default_hits"]))
    return out


def wait_for(client, timeout):
    """True once pktgate answers /pktgate/stats, False after timeout seconds
    (EAL opens the socket before pktgate registers its commands)."""
    end = time.monotonic() + timeout
    while True:
        try:
            if client.has("/pktgate/stats"):
                return True
            client.close()
        except TelemetryError:
            pass
        if time.monotonic() >= end:
            return False
        time.sleep(0.2)
