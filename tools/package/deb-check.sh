#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 pktgate authors
#
# Build the Debian package from a copy of the tree and check it:
#
#   tools/package/deb-check.sh [OUT_DIR]
#
# The copy (tracked and untracked-but-not-ignored files, so uncommitted work
# is what gets packaged) lives in a temporary directory: the build leaves
# nothing in the checkout. Then: `dpkg -c`, the paths every package must
# hold, and lintian (errors fail, warnings are printed). The .deb is copied
# to OUT_DIR when given. Needs dpkg-dev, debhelper, fakeroot, lintian and
# the Build-Depends of debian/control (tools/setup.sh installs them all).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-}
# What a package without them would be broken without.
REQUIRED_PATHS="./usr/bin/pktgate ./lib/systemd/system/pktgate.service
./etc/default/pktgate ./usr/share/doc/pktgate/examples/nic.yaml
./usr/share/doc/pktgate/copyright"

say() { printf '\n==> deb: %s\n' "$*"; }

TMP=$(mktemp -d /tmp/pktgate-deb.XXXXXX)
trap 'rm -rf -- "$TMP"' EXIT
mkdir "$TMP/src"

say "copying the tree to $TMP/src"
cd "$ROOT"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Files deleted in the work tree but still in the index: skip them.
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar --null -T - -cf - | tar -xf - -C "$TMP/src"
else
	tar --exclude='./build*' -cf - . | tar -xf - -C "$TMP/src"
fi

say "dpkg-buildpackage -b -us -uc (the log's end is shown on failure)"
start=$(date +%s)
if ! (cd "$TMP/src" && dpkg-buildpackage -b -us -uc) >"$TMP/build.log" 2>&1; then
	tail -40 "$TMP/build.log"
	echo "deb: dpkg-buildpackage failed" >&2
	exit 1
fi
deb=$(ls "$TMP"/pktgate_*.deb)
say "built $(basename "$deb") in $(($(date +%s) - start)) s"

dpkg -c "$deb"
missing=0
listing=$(dpkg -c "$deb" | awk '{print $6}')
for p in $REQUIRED_PATHS; do
	if ! grep -qxF "$p" <<<"$listing"; then
		echo "deb: MISSING $p" >&2
		missing=1
	fi
done
[ "$missing" = 0 ] || exit 1
say "all required paths present"

# ${shlibs:Depends} must have found the DPDK libraries the binaries link.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
if ! grep -q 'librte-eal23' <<<"$depends"; then
	echo "deb: Depends lacks the DPDK runtime (librte-eal23)" >&2
	exit 1
fi

# The unit must not be enabled by the package (an unconfigured router must
# not forward): the postinst must carry dh_installsystemd's --no-enable
# snippet, not the one that enables on first install. (Its "start" is
# skipped by deb-systemd-invoke for a disabled unit.)
dpkg-deb -e "$deb" "$TMP/control"
if ! grep -q 'deb-systemd-helper debian-installed' "$TMP/control/postinst" ||
		grep -q 'new installations run enable' "$TMP/control/postinst"; then
	echo "deb: postinst would enable pktgate.service on install" >&2
	exit 1
fi
say "unit installed disabled (no enable on install)"

say "lintian (E: fails, W:/I: are printed only)"
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
[ -z "$lintian_out" ] || echo "$lintian_out"
if grep -q '^E: ' <<<"$lintian_out"; then
	echo "deb: lintian reported errors" >&2
	exit 1
fi
echo "lintian: no errors"

if [ -n "$OUT" ]; then
	mkdir -p "$OUT"
	cp "$deb" "$OUT/"
	say "copied to $OUT/$(basename "$deb")"
fi
