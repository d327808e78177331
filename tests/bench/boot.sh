#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make bench: the early run at boot.  In the QEMU guest of the boot tests
# (tests/boot/lib.sh: the same kernel, machine and devices as the id-claim
# scenario, initramfs-tools), the wall time of init-top/gpupass, process start
# included, beside a busybox-sh script doing the same job in its place
# (tests/bench/boot/initramfs-tools/scripts/shell/gpupass: modprobe vfio-pci, driver_override and
# drivers_probe for the card and its audio function).  Two image variants
# (lib.sh: "bench" and "bench-shell") differ only in that script; both have
# init-top scripts that stamp the kernel log right before and right after it,
# and the difference of the kernel's timestamps is the figure: taken in the
# guest, not from the host.  Medians over BENCH_BOOTS boots of each (default
# 5), booted in turns, up to five pairs per hold of the machine's QEMU lock
# (/tmp/gpupass-qemu.lock).  TCG makes absolute times meaningless: the ratio
# is the figure (target <= 0.5).  Each boot must also end with both devices on
# vfio-pci, or it does not count.
# Usage: [BENCH_BOOTS=N] boot.sh   (N=0: skip)

set -u -o pipefail
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/../boot/lib.sh"

BOOTS=${BENCH_BOOTS:-5}
QEMU_LOCK=${GPUPASS_QEMU_LOCK:-/tmp/gpupass-qemu.lock}
SCEN=$TOP/tests/bench/boot
if ((BOOTS == 0)); then
	echo "early run at boot: skipped (BENCH_BOOTS=0)"
	exit 0
fi
check_host
lock_cache
out=$CACHE/bench-boot
rm -rf "$out"
mkdir -p "$out"

install_tree "$CACHE/root"
for v in bench bench-shell; do
	build_base "$CACHE/root" initramfs-tools "$v" > /dev/null ||
		die "image initramfs-tools.$v: build failed, see $CACHE/initramfs-tools.$v.build.log"
done

# The stamps must be right around the script under test: check the order
# mkinitramfs generated.
for v in bench bench-shell; do
	x=$out/$v.x
	unmkinitramfs "$CACHE/initramfs-tools.$v.img" "$x" || die "cannot unpack initramfs-tools.$v.img"
	o=$x/main/scripts/init-top/ORDER
	[[ -f $o ]] || o=$x/scripts/init-top/ORDER
	seq=$(sed -n 's|^/scripts/init-top/\([^ ]*\) .*|\1|p' "$o" | tr '\n' ' ')
	[[ $seq == *"gpupas-bench-start gpupass gpupass-bench-end "* ]] ||
		die "initramfs-tools.$v.img: init-top runs '$seq', not the stamps right around gpupass"
	rm -rf "$x"
done

# stamp LOG WHAT: the kernel timestamp (s) of "gpupass-bench: WHAT".
stamp() {
	sed -n "s/^GPUPASS-KMSG \[ *\([0-9.]*\)\] gpupass-bench: $2\$/\1/p" "$1" | head -n1
}

# one_boot KIND(bench|bench-shell) I: boot, check, and append "microseconds"
# to $out/KIND.us (and gpupass's timers to $out/timings).
one_boot() {
	local v=$1 i=$2 img log s e problems
	img=$out/$v.$i.img log=$out/$v.$i.log
	scenario_image "$CACHE/initramfs-tools.$v.img" "$SCEN/gpupass.conf" "$img"
	boot "$img" "$(words "$SCEN/cmdline")" "$SCEN/qemu" "$log"
	rm -f "$img"
	# The shell image has no gpupass: no status.json, no hash.
	problems=$(check_log "$log" "$SCEN/expect" | grep -v -e '^/run/gpupass/status.json missing' \
		-e '^/etc/gpupass.initrd-hash missing')
	s=$(stamp "$log" start) e=$(stamp "$log" end)
	if [[ $problems || -z $s || -z $e ]]; then
		echo "boot $v #$i does not count (log: $log): ${problems:-no stamps}" >&2
		return 1
	fi
	LC_ALL=C awk -v s="$s" -v e="$e" 'BEGIN { printf "%d\n", (e - s) * 1000000 + 0.5 }' >> "$out/$v.us"
	sed -n 's/^GPUPASS-KMSG \[ *[0-9.]*\] gpupass-bench: timings //p' "$log" >> "$out/timings"
}

# Up to 5 pairs (~5-8 min on 2 cores) per hold of the lock.
exec 8> "$QEMU_LOCK"
for ((i = 1; i <= BOOTS; i++)); do
	((i % 5 == 1)) && flock 8
	one_boot bench "$i"
	one_boot bench-shell "$i"
	((i % 5 == 0 || i == BOOTS)) && flock -u 8
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
summary() { # file -> "median min max n"
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%d %d %d %d\n", v[int((NR + 1) / 2)], v[1], v[NR], NR }'
}
[[ -s $out/bench.us && -s $out/bench-shell.us ]] || die "no boot counted, see $out"
read -r g gmin gmax gn < <(summary "$out/bench.us")
read -r sh smin smax sn < <(summary "$out/bench-shell.us")
LC_ALL=C awk -v g="$g" -v a="$gmin" -v b="$gmax" -v gn="$gn" -v s="$sh" -v c="$smin" -v d="$smax" -v sn="$sn" 'BEGIN {
	printf "early run at boot (initramfs-tools, QEMU TCG, id-claim devices): init-top/gpupass median %.1f ms (%.1f-%.1f, %d boots); busybox-sh loop median %.1f ms (%.1f-%.1f, %d boots)\n",
		g / 1000, a / 1000, b / 1000, gn, s / 1000, c / 1000, d / 1000, sn
	printf "ratio gpupass / shell loop: %.2f (target <= 0.50)\n", g / s
}'
t=""
for k in config enumerate modules bind total; do
	m=$(sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p" "$out/timings" | median)
	t+=" $k ${m:-?}"
done
echo "gpupass's own timers at boot, median us (status.json timings_us):$t"
