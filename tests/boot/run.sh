#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# QEMU boot tests: build one base image per flavour (dracut with systemd,
# dracut with its shell init, initramfs-tools) from an installed tree, then boot
# every scenario under scenarios/ in each flavour and check from inside the
# guest which driver every device ended on.  See README.md.
#
# Usage: run.sh [-j JOBS] [-f FLAVOUR]... [--rebuild] [TEST...]
#   TEST     a scenario (scenarios/NAME), SCENARIO/FLAVOUR, "images" (what the
#            base images hold) or "build-checks" (host-only and build-time
#            config checks); default: all of them
#   -f       only this flavour (repeatable): dracut-systemd dracut-shell initramfs-tools
#   -j       guests booted at once (default 2)
#   --rebuild  rebuild the base images even if nothing changed
# Last line: "N passed, N failed"; exit status 1 on any failure.

set -u -o pipefail
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

JOBS=2
flavours=()
tests=()
while (($#)); do
	case $1 in
	-j) JOBS=$2; shift ;;
	-f) flavours+=("$2"); shift ;;
	--rebuild) export REBUILD=1 ;;
	-h | --help) sed -n '/^# Usage/,/^# Last line/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option $1; see $0 --help" ;;
	*) tests+=("$1") ;;
	esac
	shift
done
((${#flavours[@]})) || read -ra flavours <<< "$FLAVOURS_ALL"
for f in "${flavours[@]}"; do
	[[ " $FLAVOURS_ALL " == *" $f "* ]] || die "unknown flavour $f (one of: $FLAVOURS_ALL)"
done
if ((${#tests[@]} == 0)); then
	tests=(build-checks images)
	for d in "$BOOT_DIR"/scenarios/*/; do
		d=${d%/}
		tests+=("${d##*/}")
	done
fi

check_host
lock_cache
T0=$(now)
RUN=$CACHE/run
rm -rf "$RUN"
mkdir -p "$RUN/results" "$LOGS"

# result NAME SECONDS [PROBLEM...]: record and print one test result.
result() {
	local name=$1 secs=$2
	shift 2
	if (($#)); then
		printf 'FAIL %s (%s s)\n' "$name" "$secs"
		printf '     %s\n' "$@"
		echo FAIL > "$RUN/results/${name//\//.}"
	else
		printf 'PASS %s (%s s)\n' "$name" "$secs"
		echo PASS > "$RUN/results/${name//\//.}"
	fi
}

# Wait until fewer than JOBS background jobs run.
throttle() {
	while (($(jobs -rp | wc -l) >= JOBS)); do
		wait -n
	done
}

# Which (scenario, flavour) pairs to boot, and which flavours to build.
boots=()
want_images=0 want_build_checks=0
for t in "${tests[@]}"; do
	case $t in
	images) want_images=1 ;;
	build-checks) want_build_checks=1 ;;
	*/*)
		[[ -d $BOOT_DIR/scenarios/${t%%/*} ]] || die "no scenario ${t%%/*}"
		[[ " $FLAVOURS_ALL " == *" ${t#*/} "* ]] || die "unknown flavour ${t#*/} (one of: $FLAVOURS_ALL)"
		boots+=("$t")
		;;
	*)
		[[ -d $BOOT_DIR/scenarios/$t ]] || die "no scenario $t (see $BOOT_DIR/scenarios)"
		for f in "${flavours[@]}"; do
			if [[ -f $BOOT_DIR/scenarios/$t/flavours ]] &&
				! grep -qx "$f" "$BOOT_DIR/scenarios/$t/flavours"; then
				continue
			fi
			boots+=("$t/$f")
		done
		;;
	esac
done
need=" "
((want_images)) && need+="${flavours[*]} "
for b in "${boots[@]}"; do
	[[ $need == *" ${b#*/} "* ]] || need+="${b#*/} "
done

echo "kernel $KVER; installing the tree into $CACHE/root"
install_tree "$CACHE/root"

# Base images: all at once (dracut ~7 s, mkinitramfs ~20 s on 2 cores).
for f in $need; do
	(
		t0=$(now)
		if how=$(build_base "$CACHE/root" "$f"); then
			echo "image $f: $how"
		else
			echo "image $f: BUILD FAILED after $(elapsed "$t0") s, see $CACHE/$f.build.log"
			: > "$RUN/$f.failed"
		fi
	) &
done
wait

# images: what each base image holds.
image_listing() { # flavour -> paths, one per line; initramfs-tools: extracted into $RUN/$1.x
	local img=$CACHE/$1.img
	case $1 in
	dracut-*) lsinitrd "$img" 2> /dev/null | awk '{ print $NF }' ;;
	initramfs-tools)
		rm -rf "$RUN/$1.x"
		unmkinitramfs "$img" "$RUN/$1.x" &&
			(cd "$RUN/$1.x" && find . | sed 's|^\./||; s|^main/||')
		;;
	esac
}

check_image() { # flavour
	local f=$1 t0 list p x problems=()
	t0=$(now)
	list=$(image_listing "$f")
	for p in 'usr/sbin/gpupass$' 'libkmod\.so\.2' '/vfio-pci\.ko' '/vfio_iommu_type1\.ko' \
		'/pci-stub\.ko' '^etc/gpupass\.conf$' '^etc/gpupass\.d$' '^etc/gpupass\.initrd-hash$' \
		'^etc/gpupass\.protected$' '/bochs\.ko' '/radeon\.ko' '/snd-hda-intel\.ko'; do
		grep -qE "$p" <<< "$list" || problems+=("image lacks $p")
	done
	case $f in
	dracut-*)
		grep -q 'hooks/pre-udev/10-gpupass-pre-udev\.sh$' <<< "$list" ||
			problems+=("no pre-udev hook")
		x=$(grep -c 'lib/systemd/systemd$' <<< "$list")
		[[ $f == dracut-systemd && $x == 0 ]] && problems+=("no systemd in the systemd flavour")
		[[ $f == dracut-shell && $x != 0 ]] && problems+=("systemd in the shell-init flavour")
		;;
	initramfs-tools)
		# The ORDER file mkinitramfs generated: gpupass must run before udev.
		x=$RUN/$f.x/scripts/init-top/ORDER
		[[ -f $x ]] || x=$RUN/$f.x/main/scripts/init-top/ORDER
		local g u
		g=$(grep -n '^/scripts/init-top/gpupass ' "$x" | cut -d: -f1)
		u=$(grep -n '^/scripts/init-top/udev ' "$x" | cut -d: -f1)
		if [[ -z $g || -z $u ]] || ((g > u)); then
			problems+=("scripts/init-top/ORDER does not run gpupass before udev:"
				"$(grep '^/scripts' "$x" 2> /dev/null | tr '\n' ' ')")
		fi
		rm -rf "$RUN/$f.x"
		;;
	esac
	result "images/$f" "$(elapsed "$t0")" "${problems[@]}"
}

if ((want_images)); then
	for f in "${flavours[@]}"; do
		if [[ -e $RUN/$f.failed ]]; then
			result "images/$f" 0 "base image build failed, see $CACHE/$f.build.log"
		else
			check_image "$f"
		fi
	done
fi

# build-checks: a config with a bad line, a driver= module and gpupass.d files,
# built host-only by dracut and by mkinitramfs; and a rule-less config built
# host-only, which must leave gpupass out.
build_check_root() {
	local r=$CACHE/root-build-checks
	rm -rf "$r"
	cp -a "$CACHE/root" "$r"
	printf '%s\n' "# build-checks config" "claim 0000:00:04.0 bogus-option" \
		"claim 1234:1111 driver=uio_pci_generic" > "$r/etc/gpupass.conf"
	echo "claim 8086:2668" > "$r/etc/gpupass.d/20-b.conf"
	echo "# a comment only" > "$r/etc/gpupass.d/10-a.conf"
	echo "$r"
}

expected_hash() { # root
	cat "$1/etc/gpupass.conf" "$1/etc/gpupass.d/10-a.conf" "$1/etc/gpupass.d/20-b.conf" |
		sha256sum | cut -d' ' -f1
}

build_check_dracut() { # name root must-include(0/1)
	local name=$1 root=$2 with=$3 t0 img log dir list problems=() hash
	t0=$(now)
	img=$RUN/$name.img log=$LOGS/$name.log dir=$RUN/$name.dracut
	mkdir -p "$dir/conf.d"
	: > "$dir/dracut.conf"
	cp -a /usr/lib/dracut "$dir/base"
	cp -a "$root/usr/lib/dracut/modules.d/90gpupass" "$dir/base/modules.d/"
	if ! GPUPASS_ROOT=$root dracutbasedir=$dir/base dracut --hostonly --force --kver "$KVER" \
		--conf "$dir/dracut.conf" --confdir "$dir/conf.d" --no-compress "$img" > "$log" 2>&1; then
		problems+=("dracut failed, see $log")
	fi
	list=$(lsinitrd "$img" 2> /dev/null | awk '{ print $NF }')
	if ((with)); then
		grep -q 'usr/sbin/gpupass$' <<< "$list" || problems+=("gpupass left out")
		grep -q '/uio_pci_generic\.ko' <<< "$list" || problems+=("driver= module left out")
		grep -q '^etc/gpupass\.d/20-b\.conf$' <<< "$list" || problems+=("gpupass.d left out")
		grep -qF '/etc/gpupass.conf:2: ' "$log" || problems+=("build log lacks the check warning")
		hash=$(lsinitrd -f etc/gpupass.initrd-hash "$img" 2> /dev/null)
		[[ $hash == "$(expected_hash "$root")" ]] || problems+=("initrd-hash '$hash' is wrong")
	else
		grep -q 'usr/sbin/gpupass$' <<< "$list" && problems+=("gpupass included without rules")
	fi
	rm -rf "$dir" "$img"
	result "build-checks/$name" "$(elapsed "$t0")" "${problems[@]}"
}

build_check_itools() { # root
	local root=$1 t0 img log conf x problems=() hash
	t0=$(now)
	img=$RUN/itools-check.img log=$LOGS/initramfs-tools-check.log conf=$RUN/itools-conf
	cp -a /etc/initramfs-tools "$conf"
	# MODULES=list: only what the hooks add, to keep this build short.
	sed -i 's/^MODULES=.*/MODULES=list/' "$conf/initramfs.conf"
	mkdir -p "$conf/hooks" "$conf/scripts/init-top"
	cp -a "$root/usr/share/initramfs-tools/hooks/gpupass" "$conf/hooks/"
	cp -a "$root/usr/share/initramfs-tools/scripts/init-top/gpupass" "$conf/scripts/init-top/"
	GPUPASS_ROOT=$root mkinitramfs -d "$conf" -o "$img" "$KVER" > "$log" 2>&1 ||
		problems+=("mkinitramfs failed, see $log")
	x=$RUN/itools-check.x
	unmkinitramfs "$img" "$x" 2> /dev/null
	[[ -d $x/main ]] && x=$x/main
	[[ -x $x/usr/sbin/gpupass ]] || problems+=("gpupass left out")
	find "$x" -name 'uio_pci_generic.ko*' | grep -q . || problems+=("driver= module left out")
	[[ -f $x/etc/gpupass.d/20-b.conf ]] || problems+=("gpupass.d left out")
	grep -qF 'W: gpupass: /etc/gpupass.conf:2: ' "$log" || problems+=("build log lacks the check warning")
	hash=$(cat "$x/etc/gpupass.initrd-hash" 2> /dev/null)
	[[ $hash == "$(expected_hash "$root")" ]] || problems+=("initrd-hash '$hash' is wrong")
	rm -rf "$RUN/itools-check.x" "$conf" "$img"
	result "build-checks/initramfs-tools" "$(elapsed "$t0")" "${problems[@]}"
}

# boot_test SCENARIO/FLAVOUR: boot the base image with the scenario's config
# appended, check the guest's report against the scenario's expect file.
boot_test() {
	local name=$1 s=${1%%/*} f=${1#*/} dir img log rc t0 problems=()
	dir=$BOOT_DIR/scenarios/$s
	log=$LOGS/$s.$f.log
	t0=$(now)
	if [[ -e $RUN/$f.failed ]]; then
		result "$name" 0 "base image build failed, see $CACHE/$f.build.log"
		return
	fi
	img=$RUN/$s.$f.img
	scenario_image "$CACHE/$f.img" "$dir/gpupass.conf" "$img"
	boot "$img" "$(words "$dir/cmdline")" "$dir/qemu" "$log"
	rc=$?
	rm -f "$img"
	((rc == 124)) && problems+=("timed out after $BOOT_TIMEOUT s")
	((rc != 0 && rc != 124)) && problems+=("qemu exited with $rc: $(head -c 300 "$log.qemu")")
	mapfile -t -O "${#problems[@]}" problems < <(check_log "$log" "$dir/expect")
	((${#problems[@]})) && problems+=("log: $log")
	result "$name" "$(elapsed "$t0")" "${problems[@]}"
}

if ((want_build_checks)); then
	bc_root=$(build_check_root)
	throttle
	build_check_dracut dracut-hostonly-rules "$bc_root" 1 &
	throttle
	build_check_dracut dracut-hostonly-norules "$CACHE/root" 0 &
	throttle
	build_check_itools "$bc_root" &
fi
for b in "${boots[@]}"; do
	throttle
	boot_test "$b" &
done
wait

pass=$(grep -lx PASS "$RUN"/results/* 2> /dev/null | wc -l)
fail=$(grep -lx FAIL "$RUN"/results/* 2> /dev/null | wc -l)
echo "whole run: $(elapsed "$T0") s, logs in $LOGS"
echo "$pass passed, $fail failed"
((fail == 0 && pass > 0))
