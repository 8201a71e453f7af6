#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
"""Wait until a DPDK program's port has sent N packets (EAL telemetry,
/ethdev/stats,<port> opackets). For callgrind_fwd.sh, whose l3fwd run never
ends by itself.

    wait_sent.py FILE_PREFIX PORT_ID N [TIMEOUT_S]

Exit 0 once opackets >= N, 1 on timeout.
"""

import json
import os
import socket
import sys
import time


def main():
    prefix, port, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 900.0
    rt = "/var/run/dpdk" if os.geteuid() == 0 else \
        os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    path = os.path.join(rt, prefix, "dpdk_telemetry.v2")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(2)
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
                s.connect(path)
                s.recv(4096)
                s.send(b"/ethdev/stats,%d" % port)
                stats = json.loads(s.recv(65536).decode())["/ethdev/stats"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if stats["opackets"] >= want:
            return 0
    print("wait_sent: port %d of %s did not send %d packets in %.0f s"
          % (port, prefix, want, timeout), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
