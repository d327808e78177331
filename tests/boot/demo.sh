#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gpupass's main job, shown end to end: install gpupass with a config that
# claims a secondary graphics card and its HDMI-audio function, build a dracut
# image the way a distribution would (the config goes in at build time), boot
# it in QEMU next to a boot display, and show the gpupass kernel-log lines and
# the driver every display and audio device ended on.
#
# Usage: demo.sh      exit status 0 when the card and its audio are on vfio-pci
# Takes about a minute; needs what setup-deps.sh installs.

set -u -o pipefail
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

scenario=$BOOT_DIR/scenarios/id-claim
root=$CACHE/demo-root
img=$CACHE/demo.img
log=$LOGS/demo.log

check_host
lock_cache
mkdir -p "$LOGS"

echo "== 1. install gpupass (make install DESTDIR=$root) with this /etc/gpupass.conf:"
install_tree "$root"
install -m 0644 "$scenario/gpupass.conf" "$root/etc/gpupass.conf"
sed 's/^/     /' "$root/etc/gpupass.conf"

echo "== 2. build a dracut image (kernel $KVER) with bochs, radeon and snd-hda-intel in it"
t0=$(now)
build_dracut "$root" dracut-systemd "$img.base" "$CACHE/dracut-demo" > "$log.build" 2>&1 ||
	die "dracut failed, see $log.build"
echo "     built in $(elapsed "$t0") s; what gpupass put in (one static binary, no library):"
lsinitrd "$img.base" | awk '/^[-l]/ && /gpupass|vfio-pci\.ko|pci-stub\.ko/ &&
	!/gpupass-test/ { print "     " $9 }'
grep -E 'gpupass:' "$log.build" | sed 's/^/     build: /'

echo "== 3. boot it: boot display VGA at 00:02.0; at 00:04.0 a second card and its audio"
t0=$(now)
# Only the probe is appended: the config is the one packed at build time.
scenario_image "$img.base" "" "$img"
boot "$img" "$(words "$scenario/cmdline")" "$scenario/qemu" "$log"
rc=$?
rm -f "$img"
echo "     guest ran $(elapsed "$t0") s (qemu status $rc); serial console in $log"

echo "== 4. the kernel log of that boot, gpupass lines:"
grep '^GPUPASS-KMSG .*gpupass: ' "$log" | sed 's/^GPUPASS-KMSG /     /'

echo "== 5. display and audio devices, and the driver each ended on after udev settled:"
grep '^GPUPASS-DEV ' "$log" | awk '$4 ~ /class=0(3|4)/ {
	drv = $5; sub(/driver=/, "", drv); id = $3; sub(/id=/, "", id)
	printf "     %s [%s] %s%s\n", $2, id, drv, ($7 == "boot_vga=1" ? "  (boot display)" : "")
}'

if problems=$(check_log "$log" "$scenario/expect"); then
	echo "== OK: the second card and its audio are on vfio-pci; bochs-drm never bound the card"
	exit 0
fi
echo "== FAILED:"
printf '%s\n' "$problems" | sed 's/^/     /'
exit 1
