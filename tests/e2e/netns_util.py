# SPDX-License-Identifier: BSD-3-Clause
"""Shell helpers shared by the e2e tests (namespaces, veths)."""
import json
import subprocess


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
