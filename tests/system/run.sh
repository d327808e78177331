#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Full-system boot tests: the .deb installed with dpkg on a minimal Debian 12
# root, the system's own generator building the initramfs, QEMU booting the
# disk through switch_root to multi-user.target, and the admin's journey
# (guest/gpupass-systest) checked step by step.  See README.md.
#
# Usage: run.sh [-g GENERATOR]... [-b BOOT]... [--rebuild]
#   -g         only this generator (repeatable): initramfs-tools dracut
#   -b         only this boot (repeatable): journey second off (second needs
#              journey's disk); install: none, only the systems (the package,
#              the Ansible role's plays) and their checks
#   --rebuild  rebuild the cached roots and systems too
# Environment: GPUPASS_DEB=FILE  test this .deb instead of building one;
#   GPUPASS_SYSTEST_MUTATE=nohook  the package without its boot hooks (the
#   suite must fail: nothing is claimed at boot); =verify-quiet  its
#   gpupass-verify never fails (the verify, degraded and role checks must).
# Last line: "N passed, N failed"; exit status 1 on any failure.

set -u -o pipefail
SYS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SYS_DIR/../.." && pwd)
CACHE=$TOP/tests/.cache/system
MUTATE=${GPUPASS_SYSTEST_MUTATE:-}
# A given package or a mutation gets its own systems (and may run beside the
# plain suite: the lock below is per work directory).
WORK=$CACHE/work${MUTATE:+-mutated-$MUTATE}${GPUPASS_DEB:+-given}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-420}
QEMU_LOCK=/tmp/gpupass-qemu.lock
GENERATORS_ALL="initramfs-tools dracut"
# The drivers that race gpupass for the cards, put into the image as plymouth
# or an admin's config would.
RACE_DRIVERS="bochs snd-hda-intel"

now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { LC_ALL=C awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
die() { echo "$*" >&2; exit 1; }

gens=()
boots=()
while (($#)); do
	case $1 in
	-g) gens+=("$2"); shift ;;
	-b) boots+=("$2"); shift ;;
	--rebuild) export REBUILD=1 ;;
	-h | --help) sed -n '/^# Usage/,/^# Last line/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument $1; see $0 --help" ;;
	esac
	shift
done
((${#gens[@]})) || read -ra gens <<< "$GENERATORS_ALL"
((${#boots[@]})) || boots=(journey second off)
want() { [[ " ${boots[*]} " == *" $1 "* ]]; }
for g in "${gens[@]}"; do
	[[ " $GENERATORS_ALL " == *" $g "* ]] || die "unknown generator $g (one of: $GENERATORS_ALL)"
done
[[ $(id -u) == 0 ]] || die "run.sh needs root: chroot, unshare, dpkg in the test roots"
for t in mmdebstrap qemu-system-x86_64 mke2fs debugfs dpkg-buildpackage dpkg-deb unshare flock jq timeout \
	ansible-playbook; do
	command -v "$t" > /dev/null || die "$t is missing: run tests/deps.sh all"
done

mkdir -p "$CACHE" "$WORK"
exec 8> "$WORK/.lock"
flock 8
T0=$(now)
pass=0 fail=0

# result NAME [PROBLEM...]
result() {
	local name=$1 x
	shift
	local -a probs=()
	for x in "$@"; do
		[[ $x ]] && probs+=("$x")
	done
	set -- "${probs[@]}"
	if (($#)); then
		printf 'FAIL %s\n' "$name"
		printf '     %s\n' "$@"
		fail=$((fail + 1))
	else
		printf 'PASS %s\n' "$name"
		pass=$((pass + 1))
	fi
}

# The package: built from the tree (make check is the package build's own
# test: nocheck here), reused while the packaged files are unchanged.
build_deb() {
	local hash deb=$CACHE/gpupass.deb t0
	if [[ ${GPUPASS_DEB:-} ]]; then
		cp "$GPUPASS_DEB" "$WORK/gpupass.deb"
		return 0
	fi
	exec 6> "$CACHE/.deb.lock"
	flock 6
	hash=$(cd "$TOP" && git ls-files -z --cached --others --exclude-standard -- . ':!tests' |
		xargs -0 sha256sum 2> /dev/null | sha256sum | cut -d' ' -f1)
	if [[ -s $deb && -f $deb.stamp && $(< "$deb.stamp") == "$hash" ]]; then
		echo "package: reused"
		return 0
	fi
	t0=$(now)
	rm -f "$deb" "$deb.stamp" "$CACHE"/pkg/gpupass_*
	if ! make -s -C "$TOP" pkg-tree PKGDIR="$CACHE/pkg" > "$CACHE/deb.log" 2>&1 ||
		! (cd "$CACHE/pkg/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
			>> "$CACHE/deb.log" 2>&1; then
		die "building the package failed, see $CACHE/deb.log"
	fi
	cp "$CACHE"/pkg/gpupass_*_amd64.deb "$deb"
	echo "$hash" > "$deb.stamp"
	echo "package: built in $(elapsed "$t0") s"
}

# The package without its boot hooks: what the suite must catch.
mutate_deb() {
	local d=$WORK/mutated-deb
	rm -rf "$d"
	dpkg-deb -R "${GPUPASS_DEB:-$CACHE/gpupass.deb}" "$d"
	case $MUTATE in
	nohook)
		rm -f "$d/usr/share/initramfs-tools/scripts/init-top/gpupass"
		sed -i '/inst_hook pre-udev/d' "$d/usr/lib/dracut/modules.d/90gpupass/module-setup.sh"
		sed -i '/init-top\/gpupass/d' "$d/DEBIAN/md5sums"
		;;
	verify-quiet)
		# shellcheck disable=SC2016 # a literal $rc
		sed -i 's/^exit \$rc$/exit 0/' "$d/usr/libexec/gpupass/gpupass-verify"
		grep -q '^exit 0$' "$d/usr/libexec/gpupass/gpupass-verify" || die "verify-quiet: no 'exit \$rc' line"
		;;
	*) die "unknown mutation $MUTATE" ;;
	esac
	dpkg-deb -b "$d" "$WORK/gpupass.deb" > /dev/null
	echo "MUTATED package: $MUTATE" >&2
}

# in_root ROOT COMMAND...: COMMAND chrooted in ROOT, in its own mount
# namespace: /proc, the host's /dev, a fresh read-only sysfs (nothing may
# write the host's /sys), a tmpfs on /run.  Never the host's own /.
in_root() {
	local root=$1
	shift
	"$SYS_DIR/in-ns.sh" "$root" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

kver_of() { # root
	find "$1/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1
}

# The config: written by the Ansible role after the package is installed
# (ansible.sh setup, from inventory variables, as a fleet would): the
# secondary card and its audio function by IDs (the boot display has the
# same IDs: refused), two VFs of the nvme PF, in /etc/gpupass.d/50-systest.conf.

# make_system GEN: a copy of the cached root with the test unit, the package
# installed with dpkg (its trigger runs the generator), the role run on it
# (the config; its handler rebuilds the initramfs), a disk image.  Cached
# under $WORK/GEN while the package, the role and the root are the same.
make_system() {
	local gen=$1 root=$CACHE/root-$1 sys=$WORK/$1 hash t0 kver
	hash=$( { sha256sum "$WORK/gpupass.deb" "$0" "$SYS_DIR"/guest/* "$SYS_DIR/mkroot.sh" \
		"$SYS_DIR/ansible.sh" "$SYS_DIR"/ansible/* "$SYS_DIR/in-ns.sh"; cat "$root.stamp"; echo "$RACE_DRIVERS";
		find "$TOP/contrib/ansible/roles" -type f -print0 | sort -z | xargs -0 cat; } |
		sha256sum | cut -d' ' -f1)
	if [[ ${REBUILD:-0} != 1 && -f $sys/stamp && $(< "$sys/stamp") == "$hash" ]]; then
		echo "$gen system: reused"
		return 0
	fi
	t0=$(now)
	rm -rf "$sys"
	mkdir -p "$sys"
	cp -a "$root" "$sys/root"
	local r=$sys/root
	install -m 0755 "$SYS_DIR/guest/journey.sh" "$r/usr/local/sbin/gpupass-systest"
	install -m 0644 "$SYS_DIR/guest/gpupass-systest.service" "$r/etc/systemd/system/"
	mkdir -p "$r/etc/systemd/system/default.target.wants"
	ln -sf ../gpupass-systest.service "$r/etc/systemd/system/default.target.wants/"
	# Where node_exporter's textfile collector and node-feature-discovery
	# read (their packages make these): gpupass-verify writes there.
	mkdir -p "$r/var/lib/prometheus/node-exporter" \
		"$r/etc/kubernetes/node-feature-discovery/features.d"
	case $gen in
	initramfs-tools) tr ' ' '\n' <<< "$RACE_DRIVERS" >> "$r/etc/initramfs-tools/modules" ;;
	dracut) echo "add_drivers+=\" $RACE_DRIVERS \"" > "$r/etc/dracut.conf.d/50-systest.conf" ;;
	esac
	cp "$WORK/gpupass.deb" "$r/root/gpupass.deb"
	kver=$(kver_of "$r")
	local before
	before=$(stat -c %Y "$r/boot/initrd.img-$kver" 2> /dev/null)
	sleep 1
	if ! in_root "$r" dpkg -i /root/gpupass.deb > "$sys/dpkg.log" 2>&1; then
		echo "$gen system: dpkg -i failed, see $sys/dpkg.log"
		return 1
	fi
	rm -f "$r/root/gpupass.deb"
	# What the package did to the system, for the checks.
	# shellcheck disable=SC2016 # a dpkg-query format
	in_root "$r" dpkg-query -W -f='${Conffiles}\n' gpupass > "$sys/conffiles" 2>&1
	echo "$before $(stat -c %Y "$r/boot/initrd.img-$kver")" > "$sys/initrd-mtimes"
	"$SYS_DIR/ansible.sh" setup "$r" "$sys/ansible" > "$sys/ansible.out" 2>&1
	echo "$kver" > "$sys/kver"
	cp "$r/boot/vmlinuz-$kver" "$sys/vmlinuz"
	cp "$r/boot/initrd.img-$kver" "$sys/initrd"
	make_disk "$sys" "$sys/disk.img" || return 1
	# A role run that failed is run again next time, not cached.
	grep -qx DONE "$sys/ansible.out" && ! grep -q '^FAIL' "$sys/ansible.out" &&
		echo "$hash" > "$sys/stamp"
	echo "$gen system: built in $(elapsed "$t0") s"
}

make_disk() { # sys img
	rm -f "$2"
	mke2fs -q -t ext4 -L root -d "$1/root" "$2" 2G > "$1/mke2fs.log" 2>&1 ||
		{ echo "mke2fs failed, see $1/mke2fs.log"; return 1; }
}

# The devices of tests/boot's scenarios: the boot display (bochs-drm's card),
# a secondary card with an audio function in one slot (one IOMMU group), a
# virtio-rng that the second boot's new rule claims, an nvme PF with SR-IOV
# behind a root port; the root disk on virtio-blk.
qemu_devices() { # disk
	echo -device intel-iommu,intremap=on \
		-device VGA,bus=pcie.0,addr=02.0 \
		-device secondary-vga,bus=pcie.0,addr=04.0,multifunction=on \
		-device intel-hda,bus=pcie.0,addr=04.1 -device hda-duplex,audiodev=snd0 \
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=05.0 \
		-device nvme-subsys,id=subsys0 \
		-device nvme,serial=deadbeef,subsys=subsys0,bus=rp1,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2 \
		-device virtio-rng-pci,bus=pcie.0,addr=06.0 \
		-drive "file=$1,if=none,id=disk0,format=raw" \
		-device virtio-blk-pci,drive=disk0,bus=pcie.0,addr=07.0
}

# The machine-wide QEMU lock, held for one generator's boots (3-6 minutes)
# so that the suite does not queue behind other runs for every boot.
qemu_lock() {
	local t0
	t0=$(now)
	exec 7> "$QEMU_LOCK"
	flock 7
	echo "  (waited $(elapsed "$t0") s for the QEMU lock)"
}
qemu_unlock() { exec 7>&-; }

# boot SYS INITRD DISK APPEND LOG: one guest (under the QEMU lock).
boot() {
	local sys=$1 initrd=$2 disk=$3 append=$4 log=$5 rc t0
	local -a dev
	read -ra dev <<< "$(qemu_devices "$disk")"
	t0=$(now)
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 \
		-M q35,kernel-irqchip=split -accel tcg -m 1024 -smp 1 \
		-display none -vga none -monitor none -net none -no-reboot \
		-serial "file:$log.raw" -audiodev none,id=snd0 \
		-kernel "$sys/vmlinuz" -initrd "$initrd" \
		-append "root=/dev/vda rw console=ttyS0 intel_iommu=on panic=-1 $append" \
		"${dev[@]}" < /dev/null > "$log.qemu" 2>&1
	rc=$?
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log.raw" 2> /dev/null | tr -d '\r' > "$log"
	rm -f "$log.raw"
	echo "  boot $(basename "$log" .log): $(elapsed "$t0") s (qemu status $rc)"
	return "$rc"
}

# Reading a guest log.
dev_line() { grep -m1 "^SYS-DEV $2 $3 " "$1" | cut -d' ' -f4-; }
out_of() { sed -n "s/^SYS-OUT $2 //p" "$1"; }
rc_of() { sed -n "s/^SYS-RC $2 //p" "$1"; }
json_of() { out_of "$1" "$2" | jq -c . 2> /dev/null; }
kmsg_time() { # log pattern [last]: kernel time of the first (last) matching line
	grep '^SYS-KMSG ' "$1" | grep -E -- "$2" | sed -n 's/^SYS-KMSG \[ *\([0-9.]*\)\].*/\1/p' |
		if [[ ${3:-} ]]; then tail -n1; else head -n1; fi
}
lt() { LC_ALL=C awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }

# want_dev LOG LABEL ADDR EXPECTED -> problem text or nothing
want_dev() {
	local got
	got=$(dev_line "$1" "$2" "$3")
	[[ $got == "$4" ]] || echo "$2: $3 want '$4', got '${got:-no line}'"
}
want_rc() { # log label rc
	local got
	got=$(rc_of "$1" "$2")
	[[ $got == "$3" ]] || echo "$2: want exit status $3, got '${got:-none}'; output: $(out_of "$1" "$2" | head -n5 | tr '\n' '|')"
}
want_out() { # log label fixed-string: one output line contains it
	out_of "$1" "$2" | grep -qF -- "$3" ||
		echo "$2: no output line contains '$3'; output: $(out_of "$1" "$2" | head -n8 | tr '\n' '|')"
}
want_line() { # log label line: one output line is exactly it
	out_of "$1" "$2" | grep -qxF -- "$3" ||
		echo "$2: no output line is '$3'; output: $(out_of "$1" "$2" | head -n8 | tr '\n' '|')"
}
want_no_out() { # log label fixed-string
	local l
	l=$(out_of "$1" "$2" | grep -F -m1 -- "$3")
	[[ -z $l ]] || echo "$2: output has '$l'"
}
want_json() { # log label jq-expression
	json_of "$1" "$2" | jq -e "$3" > /dev/null 2>&1 ||
		echo "$2: status --json fails: $3; got: $(json_of "$1" "$2" | head -c 600)"
}
want_kmsg() { # log fixed-string
	grep '^SYS-KMSG ' "$1" | grep -qF -- "$2" || echo "kernel log lacks: $2"
}
want_no_kmsg() { # log fixed-string
	local l
	l=$(grep '^SYS-KMSG ' "$1" | grep -F -m1 -- "$2")
	[[ -z $l ]] || echo "kernel log has: ${l#SYS-KMSG }"
}
ended() { # log
	grep -q '^SYS-END' "$1" && return 0
	echo "the journey never ended: $(grep -m1 -E 'Kernel panic|emergency|Timed out|Failed to start' "$1" || echo "no SYS-END, see $1")"
}

# The claim at boot, before the graphics driver.
CARD=0000:00:04.0 AUDIO=0000:00:04.1 BOOTVGA=0000:00:02.0 RNG=0000:00:06.0
PF=0000:01:00.0 VF1=0000:01:00.1 VF2=0000:01:00.2

check_install() { # gen
	local sys=$WORK/$1 p=()
	grep -qx ' */etc/gpupass.conf [0-9a-f]*' "$sys/conffiles" ||
		p+=("/etc/gpupass.conf is not a conffile: $(tr '\n' ' ' < "$sys/conffiles")")
	local a b
	read -r a b < "$sys/initrd-mtimes"
	[[ $b && $a != "$b" ]] || p+=("dpkg -i did not rebuild the initramfs (mtime $a -> $b)")
	# The package activates update-initramfs; initramfs-tools or Debian's
	# dracut (interest update-initramfs) answers it.
	grep -qE '^Processing triggers for (initramfs-tools|dracut) ' "$sys/dpkg.log" ||
		p+=("dpkg -i ran no update-initramfs trigger")
	[[ -L $sys/root/etc/systemd/system/multi-user.target.wants/gpupass-late.service ]] ||
		p+=("gpupass-late.service is not enabled by the package")
	result "$1/install: a conffile, the later-stage unit enabled, the initramfs rebuilt by the trigger" "${p[@]}"
	# The hooks judge the image being built, not the build host (issue 12, 3.):
	# no warning about this machine's IOMMU, kernel or devices.
	local w
	w=$(grep -iE 'gpupass' "$sys/dpkg.log" | grep -iE 'iommu|module|kernel|no PCI device' | head -n3)
	result "$1/hooks-target: the hooks' check names the image's kernel, not the build host's" \
		"${w:+the check of the hooks judged the build host: $w}"
}

# results_of PREFIX FILE: ansible.sh's "PASS TEXT" / "FAIL TEXT<tab>WHY"
# lines as results; a run that did not reach its DONE line fails too.
results_of() {
	local st text
	while read -r st text; do
		case $st in
		PASS) result "$1: $text" ;;
		FAIL) result "$1: ${text%%$'\t'*}" "${text#*$'\t'}" ;;
		esac
	done < "$2"
	grep -qx DONE "$2" || result "$1: ansible.sh ran to its end" "$(tail -n3 "$2" | tr '\n' '|')"
}

# What a fleet sees of a boot (gpupass-verify.service, its textfile and NFD
# feature file, the system's state) and the guest's capture, judged on the
# host: plan and status on it equal the guest's, and the role's status
# assertion on it says WANT (ok or fail).
# Whole lines: the textfile's HELP line also holds "gpupass_satisfied 1".
# check_fleet GEN LOG DISK BOOT want-state want-verify want-satisfied(0|1)
#   want-claimed(N) want-role(ok|fail)
check_fleet() {
	local gen=$1 log=$2 disk=$3 name=$4 state=$5 verify=$6 sat=$7 claimed=$8 role=$9 p=() cap
	local nfd=false
	[[ $sat == 1 ]] && nfd=true
	p+=("$(want_line "$log" system-state "$state")")
	p+=("$(want_line "$log" verify-active "$verify")")
	p+=("$(want_line "$log" prom "gpupass_satisfied $sat")")
	p+=("$(want_line "$log" nfd "gpupass.satisfied=$nfd")")
	p+=("$(want_line "$log" nfd "gpupass.claimed=$claimed")")
	result "$gen/$name-verify: gpupass-verify.service $verify, the system $state, gpupass_satisfied $sat, NFD satisfied=$nfd claimed=$claimed" "${p[@]}"
	if [[ -n ${PROMTOOL:-$(command -v promtool)} ]]; then
		local lint
		lint=$(out_of "$log" prom | "${PROMTOOL:-promtool}" check metrics 2>&1) || true
		result "$gen/$name-metrics: promtool check metrics is clean" "$lint"
	fi
	p=()
	cap=$WORK/$gen.$name.capture
	rm -rf "$cap" "$cap.tar"
	mkdir -p "$cap"
	p+=("$(want_rc "$log" capture 0)")
	if debugfs -R "dump /root/cap.tar $cap.tar" "$disk" > /dev/null 2>&1 && tar -xf "$cap.tar" -C "$cap"; then
		local g=$WORK/$gen/root/usr/sbin/gpupass
		"$g" --root "$cap" plan > "$cap.plan" 2>&1
		"$g" --root "$cap" status > "$cap.status" 2>&1
		cmp -s "$cap.plan" <(out_of "$log" plan) ||
			p+=("plan on the capture differs from the guest's: $(diff <(out_of "$log" plan) "$cap.plan" | head -n6 | tr '\n' '|')")
		cmp -s "$cap.status" <(out_of "$log" status) ||
			p+=("status on the capture differs from the guest's: $(diff <(out_of "$log" status) "$cap.status" | head -n6 | tr '\n' '|')")
	else
		p+=("no /root/cap.tar on the guest's disk, or not a tar")
	fi
	result "$gen/$name-capture: plan and status on the guest's capture are the guest's" "${p[@]}"
	"$SYS_DIR/ansible.sh" assert "$WORK/$gen/root/usr/sbin/gpupass" "$cap" "$role" \
		"$WORK/$gen/ansible-$name" > "$cap.role" 2>&1
	results_of "$gen/$name-role" "$cap.role"
}

check_journey() { # gen log
	local gen=$1 log=$2 p=() t
	t=$(ended "$log"); [[ $t ]] && { result "$gen/journey: the guest ran the journey" "$t"; return; }
	result "$gen/journey: booted to multi-user.target, the journey ran"

	# 1. Claimed at boot, before the graphics driver; the boot display refused.
	p=()
	p+=("$(want_dev "$log" boot $CARD "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_dev "$log" boot $AUDIO "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_dev "$log" boot $BOOTVGA "driver=bochs-drm override=(null)")")
	p+=("$(want_kmsg "$log" "gpupass: $CARD [1234:1111]: bound to vfio-pci (was unbound)")")
	p+=("$(want_kmsg "$log" "gpupass: $AUDIO [8086:2668]: bound to vfio-pci (was unbound)")")
	local tg tb ts tj tc
	tg=$(kmsg_time "$log" "gpupass: $CARD .*bound to vfio-pci")
	tb=$(kmsg_time "$log" "Initialized bochs-drm .* for $BOOTVGA")
	ts=$(kmsg_time "$log" 'EXT4-fs \(vda\): mounted filesystem')
	tj=$(sed -n 's/^SYS-TIME start //p' "$log")
	lt "$tg" "$tb" || p+=("gpupass claimed $CARD at ${tg:-never}, not before bochs-drm initialised the boot display (${tb:-never})")
	lt "$tb" "$ts" || p+=("bochs-drm (${tb:-never}) was not in the initramfs: it initialised after the root was mounted (${ts:-never}); no race")
	# bochs-drm never initialised the claimed card before the journey (release gives it back later).
	tc=$(kmsg_time "$log" "Initialized bochs-drm .* for $CARD")
	lt "$tc" "$tj" && p+=("bochs-drm initialised $CARD at $tc, before the journey started ($tj)")
	result "$gen/boot: claimed in the initramfs before bochs-drm initialised the boot display" "${p[@]}"
	# The boot display refused as the boot display.  The image's list of the
	# disks' controllers (gpupass protected, run by the hooks) must be the
	# target's: built in a chroot it named the build host's root disk.
	p=()
	p+=("$(want_kmsg "$log" "gpupass: $BOOTVGA [1234:1111]: is the boot display")")
	p+=("$(want_no_kmsg "$log" "holds / (in /etc/fstab)")")
	# Coldplug's replayed ADDs (udevadm trigger, in the initramfs and after
	# switch_root) ran the hotplug rule for it: judged at boot, not again.
	p+=("$(want_no_kmsg "$log" "$BOOTVGA [1234:1111]: added again")")
	p+=("$(want_no_out "$log" status "added again, by hotplug")")
	result "$gen/boot-display: refused as the boot display (the image's disk list is the target's), once: coldplug's replays say nothing" "${p[@]}"

	# 2. status --json after switch_root says what the early run did.
	p=()
	p+=("$(want_json "$log" status-json '.boot.recorded and .boot.mode == "early" and .initramfs_stale == false and .satisfied')")
	p+=("$(want_json "$log" status-json '[.rules[0].devices[] | select(.state == "claimed" and .boot_result == "bound" and .driver == "vfio-pci") | .address] | sort == ["0000:00:04.0","0000:00:04.1"]')")
	p+=("$(want_json "$log" status-json '[.rules[0].devices[] | select(.state == "refused") | .address] == ["0000:00:02.0"]')")
	p+=("$(want_rc "$log" status 0)")
	p+=("$(want_line "$log" enabled enabled)")
	result "$gen/status: the boot's record after switch_root, every rule satisfied" "${p[@]}"
	p=()
	p+=("$(want_rc "$log" check-user 0)")
	p+=("$(want_no_out "$log" check-user "in a chroot")")
	result "$gen/check-user: gpupass check as an ordinary user judges the devices (no chroot taken for the kernel's refusal of /proc/1/root)" "${p[@]}"

	# 3. xml
	p=()
	p+=("$(want_rc "$log" xml 0)")
	p+=("$(want_out "$log" xml "<hostdev mode='subsystem' type='pci' managed='no'>")")
	p+=("$(want_out "$log" xml "<address domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>")")
	result "$gen/xml: the libvirt hostdev of the claimed card" "${p[@]}"

	# 4. release on a real kernel: back on the host drivers.
	p=()
	p+=("$(want_rc "$log" release 0)")
	p+=("$(want_dev "$log" release $CARD "driver=bochs-drm override=(null)")")
	p+=("$(want_dev "$log" release $AUDIO "driver=snd_hda_intel override=(null)")")
	p+=("$(want_out "$log" release "bochs-drm")")
	p+=("$(want_out "$log" release "snd_hda_intel")")
	result "$gen/release: the card and its audio back on bochs-drm and snd_hda_intel" "${p[@]}"

	# 5. apply claims again.
	p=()
	p+=("$(want_out "$log" apply "gpupass: $CARD [1234:1111]: bound to vfio-pci (was bochs-drm)")")
	p+=("$(want_out "$log" apply "gpupass: $AUDIO [8086:2668]: bound to vfio-pci (was snd_hda_intel)")")
	p+=("$(want_dev "$log" apply $CARD "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_dev "$log" apply $AUDIO "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_dev "$log" apply $BOOTVGA "driver=bochs-drm override=(null)")")
	p+=("$(want_rc "$log" status-after-apply 0)")
	result "$gen/apply: claimed again at run time" "${p[@]}"

	# 6. The later stage: the shipped udev rule and unit made the VFs, and
	# make them again when the PF's driver comes back.
	p=()
	p+=("$(want_line "$log" late-active active)")
	p+=("$(want_dev "$log" boot $PF "driver=nvme override=(null)")")
	p+=("$(want_dev "$log" boot $VF1 "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_dev "$log" boot $VF2 "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_kmsg "$log" "gpupass: sriov $PF: 2 VFs on vfio-pci: made 2 VFs, on vfio-pci")")
	result "$gen/sriov: VFs on vfio-pci after switch_root, by the shipped rule and unit" "${p[@]}"
	p=()
	p+=("$(want_dev "$log" vfs-removed $VF1 "absent")")
	# status: the devices' state now, an sriov rule counts (issue 12, 3.)
	p+=("$(want_rc "$log" status-vfs-removed 1)")
	p+=("$(want_json "$log" status-vfs-removed '.satisfied == false')")
	p+=("$(want_out "$log" status-vfs-removed-text "sriov 0000:01:00.0 vfs=2 (-> vfio-pci): NOT SATISFIED")")
	result "$gen/sriov-status: with the VFs removed, status says the sriov rule is not satisfied" "${p[@]}"
	p=()
	p+=("$(want_line "$log" verify-vfs-removed failed)")
	p+=("$(want_line "$log" system-vfs-removed degraded)")
	p+=("$(want_line "$log" prom-vfs-removed "sriov 0")")
	p+=("$(want_line "$log" verify-pf-rebound active)")
	p+=("$(want_line "$log" system-pf-rebound running)")
	p+=("$(want_line "$log" prom-pf-rebound "sriov 1")")
	result "$gen/verify-again: gpupass-verify.service run again fails (degraded, the sriov gauge 0) with the VFs gone, passes once they are back" "${p[@]}"
	p=()
	p+=("$(want_dev "$log" pf-unbound $PF "driver=none override=(null)")")
	p+=("$(want_dev "$log" pf-rebound $PF "driver=nvme override=(null)")")
	p+=("$(want_dev "$log" pf-rebound $VF1 "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_dev "$log" pf-rebound $VF2 "driver=vfio-pci override=vfio-pci")")
	local n
	n=$(grep -c "^SYS-KMSG .*gpupass: sriov $PF: 2 VFs on vfio-pci: made 2 VFs, on vfio-pci" "$log")
	[[ $n == 2 ]] || p+=("the later stage made the VFs $n times, not 2 (at boot, on the PF's rebind)")
	p+=("$(want_rc "$log" status-pf-rebound 0)")
	result "$gen/sriov-rebind: the PF's driver unbound and bound: the shipped rule made the VFs again" "${p[@]}"

	# 7. A config edit: status says the initramfs is stale, with the command;
	# a run-time apply claims the new device and the warning stays.
	local cmd
	case $gen in
	initramfs-tools) cmd="update-initramfs -u" ;;
	dracut) cmd="dracut -f" ;;
	esac
	p=()
	p+=("$(want_rc "$log" status-edited 1)")
	p+=("$(want_out "$log" status-edited "$cmd")")
	p+=("$(want_json "$log" status-edited-json '.initramfs_stale == true')")
	result "$gen/stale: the config edit makes status say the initramfs is stale, with '$cmd'" "${p[@]}"
	p=()
	p+=("$(want_dev "$log" apply-edited $RNG "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_rc "$log" status-edited-applied 1)")
	p+=("$(want_out "$log" status-edited-applied "$cmd")")
	p+=("$(want_json "$log" status-edited-applied-json '.initramfs_stale == true and .boot.mode == "early"')")
	result "$gen/stale-after-apply: a run-time apply keeps the boot record and the stale warning" "${p[@]}"
}

check_second() { # gen log
	local gen=$1 log=$2 p=() t
	t=$(ended "$log"); [[ $t ]] && { result "$gen/second-boot: the rebuilt initramfs applies the new rule" "$t"; return; }
	p+=("$(want_dev "$log" boot $RNG "driver=vfio-pci override=vfio-pci")")
	# (was unbound) with initramfs-tools; in dracut's systemd initrd
	# virtio-pci is loaded before the pre-udev hook runs: (was virtio-pci).
	p+=("$(want_kmsg "$log" "gpupass: $RNG [1af4:1005]: bound to vfio-pci (was ")")
	p+=("$(want_dev "$log" boot $CARD "driver=vfio-pci override=vfio-pci")")
	p+=("$(want_json "$log" status-json '.initramfs_stale == false and .boot.mode == "early"')")
	p+=("$(want_rc "$log" status 0)")
	p+=("$(want_line "$log" system-state running)")
	p+=("$(want_line "$log" verify-active active)")
	result "$gen/second-boot: the initramfs rebuilt offline claims the new device at boot, status current" "${p[@]}"
}

check_off() { # gen log
	local gen=$1 log=$2 p=() t
	t=$(ended "$log"); [[ $t ]] && { result "$gen/off: gpupass=off claims nothing" "$t"; return; }
	p+=("$(want_dev "$log" boot $CARD "driver=bochs-drm override=(null)")")
	p+=("$(want_dev "$log" boot $AUDIO "driver=snd_hda_intel override=(null)")")
	p+=("$(want_no_kmsg "$log" "bound to vfio-pci")")
	p+=("$(want_out "$log" status "boot: gpupass was disabled by gpupass=off")")
	p+=("$(want_json "$log" status-json '.boot.disabled == true')")
	p+=("$(want_json "$log" status-json '[.rules[0].devices[] | select(.driver == "vfio-pci")] | length == 0')")
	result "$gen/off: gpupass=off claims nothing, status says it was disabled" "${p[@]}"
}

# rebuild_offline GEN DISK: the guest's edited config into the system tree,
# the generator run on the host (in the chroot), the new initramfs written
# into DISK's /boot with debugfs; prints the initrd's path.  The cached tree
# gets its own config and initramfs back afterwards.  The result is reused
# while the system and the edited config are the same.
rebuild_offline() {
	local gen=$1 disk=$2 sys=$WORK/$1 r=$WORK/$1/root kver t0 hash
	kver=$(< "$sys/kver")
	t0=$(now)
	debugfs -R "dump /etc/gpupass.conf $WORK/$gen.conf.edited" "$disk" > /dev/null 2>&1 || return 1
	hash=$(cat "$sys/stamp" "$WORK/$gen.conf.edited" | sha256sum | cut -d' ' -f1)
	if [[ ${REBUILD:-0} == 1 || ! -s $WORK/$gen.initrd2 || ! -f $WORK/$gen.initrd2.stamp ||
		$(< "$WORK/$gen.initrd2.stamp") != "$hash" ]]; then
		rm -f "$WORK/$gen.initrd2.stamp"
		rebuild_in_root "$gen" "$kver" || return 1
		echo "$hash" > "$WORK/$gen.initrd2.stamp"
		echo "  $gen: rebuilt offline in $(elapsed "$t0") s" >&2
	else
		echo "  $gen: offline rebuild reused" >&2
	fi
	debugfs -w -R "rm /boot/initrd.img-$kver" "$disk" > /dev/null 2>&1
	debugfs -w -R "write $WORK/$gen.initrd2 /boot/initrd.img-$kver" "$disk" > /dev/null 2>&1 || return 1
	echo "$WORK/$gen.initrd2"
}

rebuild_in_root() { # gen kver
	local gen=$1 kver=$2 sys=$WORK/$1 r=$WORK/$1/root
	cp -a "$r/etc/gpupass.conf" "$WORK/$gen.conf.orig"
	cp "$WORK/$gen.conf.edited" "$r/etc/gpupass.conf"
	case $gen in
	initramfs-tools) in_root "$r" update-initramfs -u -k "$kver" ;;
	dracut) in_root "$r" dracut -f --kver "$kver" "/boot/initrd.img-$kver" ;;
	esac > "$WORK/$gen.rebuild.log" 2>&1 || return 1
	cp "$r/boot/initrd.img-$kver" "$WORK/$gen.initrd2"
	cp -a "$WORK/$gen.conf.orig" "$r/etc/gpupass.conf"
	cp "$sys/initrd" "$r/boot/initrd.img-$kver"
}

build_deb
if [[ $MUTATE ]]; then
	mutate_deb
elif [[ -z ${GPUPASS_DEB:-} ]]; then
	cp "$CACHE/gpupass.deb" "$WORK/gpupass.deb"
fi
exec 6>&-
for gen in "${gens[@]}"; do
	echo "=== $gen"
	t0=$(now)
	if ! out=$("$SYS_DIR/mkroot.sh" "$gen" "$CACHE/root-$gen" 2>&1 | tee "$CACHE/mkroot-$gen.log" | tail -n1); then
		result "$gen: base root" "mkroot.sh failed, see $CACHE/mkroot-$gen.log"
		continue
	fi
	echo "$gen root: $out ($(elapsed "$t0") s)"
	make_system "$gen" || { result "$gen: system with the package" "see $WORK/$gen"; continue; }
	sys=$WORK/$gen
	check_install "$gen"
	results_of "$gen/ansible" "$sys/ansible.out"
	logs=$WORK/logs-$gen
	mkdir -p "$logs"
	qemu_lock
	# First boot: the admin's journey.
	if want journey || want second; then
		cp --sparse=always "$sys/disk.img" "$WORK/$gen.boot1.img"
		boot "$sys" "$sys/initrd" "$WORK/$gen.boot1.img" "systest=journey" "$logs/journey.log"
		check_journey "$gen" "$logs/journey.log"
		check_fleet "$gen" "$logs/journey.log" "$WORK/$gen.boot1.img" journey running active 1 2 ok
	fi
	# Second boot: the edited config, the initramfs rebuilt offline.
	if ! want second; then
		:
	elif initrd2=$(rebuild_offline "$gen" "$WORK/$gen.boot1.img"); then
		boot "$sys" "$initrd2" "$WORK/$gen.boot1.img" "systest=second" "$logs/second.log"
		check_second "$gen" "$logs/second.log"
	else
		result "$gen/second-boot: the rebuilt initramfs applies the new rule" "the offline rebuild failed, see $WORK/$gen.rebuild.log"
	fi
	# A boot with gpupass=off, from the pristine disk.
	if want off; then
		cp --sparse=always "$sys/disk.img" "$WORK/$gen.boot3.img"
		boot "$sys" "$sys/initrd" "$WORK/$gen.boot3.img" "systest=off gpupass=off" "$logs/off.log"
		check_off "$gen" "$logs/off.log"
		check_fleet "$gen" "$logs/off.log" "$WORK/$gen.boot3.img" off degraded failed 0 0 fail
	fi
	qemu_unlock
	rm -f "$WORK/$gen".boot*.img
done
echo "system tests: $(elapsed "$T0") s"
echo "$pass passed, $fail failed"
((fail == 0))
