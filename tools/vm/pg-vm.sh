#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A throw-away KVM guest with vhost_net, to measure and test the
# virtio-user exception path (docs/decisions/0008-exception-path.md) on a
# host (or container) that has /dev/kvm but no /dev/vhost-net.
#
# Debian packages only: the guest kernel is Debian's linux-image (apt-get
# download, never installed on the host), the initramfs is busybox-static
# plus that kernel's modules; the root filesystem is the host's own /,
# shared read-only over 9p, so pktgate, DPDK, python3 and scapy in the
# guest are exactly the host's. The guest has no network device at all.
# It runs one script, writes its output into the shared folder and powers
# off. Nothing built here is committed: everything lives under $PG_VM_DIR.
#
#   tools/vm/pg-vm.sh build              # kernel + initramfs into $PG_VM_DIR
#   tools/vm/pg-vm.sh run SCRIPT [ARG..] # boot, run SCRIPT as root, power off
#
# SCRIPT runs with / read-only, /tmp and /run tmpfs, 1 GiB of 2 MiB
# hugepages mounted on /dev/hugepages, vhost_net loaded; its stdout and
# stderr go to the console and to $PG_VM_DIR/share/guest.log; the folder
# $PG_VM_DIR/share is writable in the guest as /mnt/share (results).
# Needs: root, /dev/kvm, apt-get; installs qemu-system-x86 and
# busybox-static if missing.
set -euo pipefail

VM_DIR=${PG_VM_DIR:-/tmp/pg-vm}
SMP=${PG_VM_SMP:-2}
MEM=${PG_VM_MEM:-4G}
# kvm (hardware virtualization) or tcg (emulation: slow, but boots where
# /dev/kvm cannot run a stock kernel, e.g. a kvm_pvm host).
ACCEL=${PG_VM_ACCEL:-kvm}
# -cpu host minus IA32_ARCH_CAPABILITIES: some nested KVM hosts refuse that
# MSR ("failed to set MSR 0x10a") and qemu aborts.
if [ "$ACCEL" = kvm ]; then CPU=${PG_VM_CPU:-host,-arch-capabilities}
else ACCEL=tcg,thread=multi; CPU=${PG_VM_CPU:-max}; fi
# Modules the guest loads, dependencies first (resolved below).
MODULES=(virtio_pci 9pnet_virtio 9p vhost_net tun tap veth)

die() { echo "pg-vm: $*" >&2; exit 1; }

ensure_packages() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	[ -x /bin/busybox ] && /bin/busybox --list | grep -qx switch_root ||
		missing+=(busybox-static)
	if [ ${#missing[@]} -gt 0 ]; then
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
}

# The .ko files of $MODULES and their dependencies, dependencies first
# (from each module's .modinfo "depends=": the package ships no
# modules.dep, and depmod may not be installed).
module_order() {
	/usr/bin/python3 - "$1" "${MODULES[@]}" <<'EOF'
import os, re, sys
root, wanted = sys.argv[1], sys.argv[2:]
path = {}
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".ko"):
            path[f[:-3].replace("-", "_")] = os.path.join(d, f)
builtin = set()
with open(os.path.join(root, "modules.builtin")) as f:
    for line in f:
        builtin.add(os.path.basename(line.strip())[:-3].replace("-", "_"))
order, seen = [], set()
def visit(m):
    m = m.replace("-", "_")
    if m in seen or m in builtin:
        return
    seen.add(m)
    if m not in path:
        sys.exit("module %s not found" % m)
    data = open(path[m], "rb").read()
    dep = re.search(rb"depends=([^\0]*)\0", data)
    for d in (dep.group(1).decode().split(",") if dep and dep.group(1) else []):
        visit(d)
    order.append(path[m])
for m in wanted:
    visit(m)
print("\n".join(order))
EOF
}

build() {
	ensure_packages
	mkdir -p "$VM_DIR/share"
	cd "$VM_DIR"
	local pkg kver
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	[ -n "$pkg" ] || die "no linux-image-* behind linux-image-amd64"
	if [ ! -d "kroot/boot" ] || [ ! -f "kroot/.$pkg" ]; then
		rm -rf kroot ./*.deb
		apt-get download "$pkg"
		mkdir -p kroot
		dpkg-deb -x ./"$pkg"_*.deb kroot
		touch "kroot/.$pkg"
	fi
	kver=${pkg#linux-image-}
	cp "kroot/boot/vmlinuz-$kver" vmlinuz

	rm -rf initrd && mkdir -p initrd/{bin,dev,proc,sys,mod,newroot}
	cp /bin/busybox initrd/bin/busybox
	local n=0 ko
	for ko in $(module_order "kroot/lib/modules/$kver"); do
		n=$((n + 1))
		cp "$ko" "initrd/mod/$(printf %02d $n)-$(basename "$ko")"
	done
	cat > initrd/init <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mod/*.ko; do insmod "$m" || echo "pg-vm: insmod $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose rootfs /newroot ||
	{ echo "pg-vm: cannot mount the host's root"; poweroff -f; }
mount -t tmpfs -o mode=1777 tmp /newroot/tmp
mount -t tmpfs run /newroot/run
mount -t tmpfs mnt /newroot/mnt
mkdir -p /newroot/mnt/share
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 share /newroot/mnt/share
mount --move /dev /newroot/dev
mkdir -p /newroot/dev/hugepages /newroot/dev/pts /newroot/dev/shm
mount -t hugetlbfs none /newroot/dev/hugepages
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs shm /newroot/dev/shm
mount --move /sys /newroot/sys
mount --move /proc /newroot/proc
exec switch_root /newroot /bin/sh -c '
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
	mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
	ip link set lo up
	echo "pg-vm: guest up, kernel $(uname -r), $(nproc) CPUs, /dev/vhost-net: $(ls /dev/vhost-net)"
	cd /mnt/share && /bin/sh /mnt/share/guest.sh $(cat /mnt/share/guest.args) 2>&1 |
		tee /mnt/share/guest.log
	echo "pg-vm: done"
	sync
	exec /bin/busybox poweroff -f'
EOF
	chmod +x initrd/init
	(cd initrd && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) > initrd.gz
	echo "pg-vm: built $VM_DIR/vmlinuz ($kver) and initrd.gz ($n modules)"
}

run() {
	[ $# -ge 1 ] || die "usage: $0 run SCRIPT [ARG..]"
	[ -f "$VM_DIR/initrd.gz" ] || build
	case $ACCEL in kvm) [ -w /dev/kvm ] || die "/dev/kvm is not usable (PG_VM_ACCEL=tcg emulates)";; esac
	cp "$1" "$VM_DIR/share/guest.sh"
	shift
	echo "$*" > "$VM_DIR/share/guest.args"
	rm -f "$VM_DIR/share/guest.log"
	# -nic none: the guest reaches nothing outside itself.
	exec qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
		-nographic -no-reboot -nic none -serial mon:stdio \
		-kernel "$VM_DIR/vmlinuz" -initrd "$VM_DIR/initrd.gz" \
		-append "console=ttyS0 panic=-1 ${PG_VM_QUIET-quiet} hugepagesz=2M hugepages=512" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=rootfs \
		-fsdev local,id=share,path="$VM_DIR/share",security_model=none \
		-device virtio-9p-pci,fsdev=share,mount_tag=share
}

case "${1:-}" in
build) build ;;
run) shift; run "$@" ;;
*) die "usage: $0 build | run SCRIPT [ARG..]" ;;
esac
