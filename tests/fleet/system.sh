#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Two full-system boots (QEMU, TCG) of a Debian 12 root with gpupass
# installed (make install) and gpupass-verify.service enabled:
#   bad:  a rule that selects no device: the verify unit fails, the system
#         is "degraded", the textfile says gpupass_satisfied 0 (promtool
#         clean when promtool or $PROMTOOL is there), NFD satisfied=false
#   good: a claim of the emulated secondary-vga (0000:00:05.0): the unit is
#         active, the system "running", NFD claimed=1; 'gpupass capture' in
#         the guest, unpacked on the host, gives the same plan and status
# The root: contrib/ansible/tests/mkbase.sh (cached); the initramfs is built
# in a chroot with /proc and no sysfs; QEMU under the machine-wide lock.
# Usage (root, from anywhere): tests/fleet/system.sh; "fleet-system: N passed, N failed".
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
base=$top/tests/.cache/ansible/base
contrib/ansible/tests/mkbase.sh "$base"
make -s early/gpupass
work=$(mktemp -d /var/tmp/gpupass-fleet.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
cp -a "$base" "$root"
make -s install DESTDIR="$root" PREFIX=/usr > /dev/null
mkdir -p "$root/var/lib/prometheus/node-exporter" \
	"$root/etc/kubernetes/node-feature-discovery/features.d" \
	"$root/etc/systemd/system/multi-user.target.wants"
ln -sf /usr/lib/systemd/system/gpupass-verify.service "$root/etc/systemd/system/multi-user.target.wants/"
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
# After the boot has finished (a transient timer, so is-system-running is
# final): the facts on the serial port as MARK lines, then power off.
cat > "$root/etc/systemd/system/gp-report.service" << 'UNIT'
[Unit]
Description=gpupass fleet test report
After=multi-user.target gpupass-verify.service
[Service]
Type=oneshot
ExecStart=/usr/bin/systemd-run --on-active=5s --unit=gp-final /bin/sh -c 'exec > /dev/ttyS0 2>&1; echo 1 > /proc/sys/kernel/printk; echo "MARK system: $(systemctl is-system-running)"; echo "MARK verify: $(systemctl is-active gpupass-verify.service)"; sed "s/^/MARK nfd: /" /etc/kubernetes/node-feature-discovery/features.d/gpupass; sed "s/^/MARK prom: /" /var/lib/prometheus/node-exporter/gpupass.prom; gpupass capture /root/cap.tar; echo "MARK capture: $?"; gpupass plan 2>&1 | sed "s/^/MARK plan: /"; gpupass status 2>&1 | sed "s/^/MARK status: /"; sync; systemctl poweroff'
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/gp-report.service "$root/etc/systemd/system/multi-user.target.wants/"
pass=0 fail=0
ok() { # name condition...
	n=$1
	shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL fleet-system: $n"; fi
}
mark() { # key -> the MARK lines with that key, prefix and CR removed
	grep -a "^MARK $1: " "$work/serial.log" | sed "s/^MARK $1: //; s/\r\$//"
}

boot() { # config-line
	printf '%s\n' "$1" > "$root/etc/gpupass.conf"
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$0/proc" && mount -t tmpfs tmpfs "$0/run" &&
		chroot "$0" update-initramfs -u -k all' "$root" > "$work/initramfs.log" 2>&1
	rm -f "$work/disk.img" "$work/serial.log"
	mke2fs -q -t ext4 -d "$root" "$work/disk.img" 2G
	flock /tmp/gpupass-qemu.lock timeout 600 qemu-system-x86_64 \
		-M q35,kernel-irqchip=split -accel tcg -m 1024 -smp 1 \
		-device intel-iommu,intremap=on -device secondary-vga,addr=0x5 \
		-kernel "$root"/boot/vmlinuz-* -initrd "$root"/boot/initrd.img-* \
		-append "root=/dev/vda rw console=ttyS0 intel_iommu=on panic=-1" \
		-drive file="$work/disk.img",if=virtio,format=raw \
		-display none -serial file:"$work/serial.log" -no-reboot -monitor none \
		> "$work/qemu.log" 2>&1 || true
}

boot 'claim 0000:05:00.0 expect=10de:2204'
ok "bad: system degraded" [ "$(mark system)" = degraded ]
ok "bad: verify unit failed" [ "$(mark verify)" = failed ]
ok "bad: gpupass_satisfied 0" sh -c "grep -aq '^MARK prom: gpupass_satisfied 0' '$work/serial.log'"
ok "bad: NFD satisfied=false" sh -c "grep -aq '^MARK nfd: gpupass.satisfied=false' '$work/serial.log'"
promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ -n "$promtool" ]; then
	ok "bad: promtool check metrics" sh -c "grep -a '^MARK prom: ' '$work/serial.log' |
		sed 's/^MARK prom: //; s/\r\$//' | '$promtool' check metrics"
fi

boot 'claim 0000:00:05.0 expect=1234:1111'
ok "good: system running" [ "$(mark system)" = running ]
ok "good: verify unit active" [ "$(mark verify)" = active ]
ok "good: NFD claimed=1" sh -c "grep -aq '^MARK nfd: gpupass.claimed=1' '$work/serial.log'"
ok "good: capture in the guest" [ "$(mark capture)" = 0 ]
mkdir -p "$work/cap"
debugfs -R "dump /root/cap.tar $work/cap.tar" "$work/disk.img" > /dev/null 2>&1
tar -xf "$work/cap.tar" -C "$work/cap"
mark plan > "$work/guest.plan"
mark status > "$work/guest.status"
early/gpupass --root "$work/cap" plan > "$work/host.plan" 2>&1 || true
early/gpupass --root "$work/cap" status > "$work/host.status" 2>&1 || true
ok "good: plan on the capture = plan in the guest" cmp -s "$work/guest.plan" "$work/host.plan"
ok "good: status on the capture = status in the guest" cmp -s "$work/guest.status" "$work/host.status"
ok "good: the guest's plan keeps the device" grep -q '^keep   0000:00:05.0' "$work/guest.plan"

[ "$fail" -eq 0 ] || tail -40 "$work/serial.log"
echo "fleet-system: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
