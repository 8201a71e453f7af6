#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs inside the tools/vm/pg-vm.sh guest (which has /dev/vhost-net):
#   tools/vm/pg-vm.sh run tools/vm/guest-punt.sh WORKTREE test
#       pkt-punt's cases over virtio_user (PG_PUNT_BACKEND=virtio_user)
#   tools/vm/pg-vm.sh run tools/vm/guest-punt.sh WORKTREE bench [ROUNDS] [SECONDS] [PATHS] [BACKENDS]
#       tools/punt-bench.py, net_tap against virtio_user, alternating,
#       PATHS (default punt,rst,inject; docs/decisions/0008-exception-path.md)
# WORKTREE: a built pktgate tree (build/app/pktgate/pktgate), seen
# read-only through the guest's root. Output: console and guest.log.
WT=${1:?worktree}
MODE=${2:-test}
PKTGATE=$WT/build/app/pktgate/pktgate
cd /tmp || exit 1
echo "== $(uname -r), $(nproc) vCPUs, $(grep -m1 'model name' /proc/cpuinfo)"
echo "== $(ls -l /dev/vhost-net)"
case $MODE in
test)
	PG_PUNT_BACKEND=virtio_user /usr/bin/python3 "$WT/tests/pkt/test_punt.py" "$PKTGATE"
	echo "== test_punt.py (virtio_user) rc=$?"
	;;
bench)
	/usr/bin/python3 "$WT/tools/punt-bench.py" "$PKTGATE" --rounds "${3:-3}" \
		--seconds "${4:-5}" --backends "${6:-tap,virtio_user}" --paths "${5:-punt,rst,inject}"
	echo "== punt-bench rc=$?"
	;;
*)
	echo "unknown mode $MODE"
	;;
esac
