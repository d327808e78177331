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
# The base images to build: FLAVOUR, or FLAVOUR.VARIANT for a scenario
# whose "image" file names a variant (lib.sh, build_base).
need=" "
if ((want_images)); then
	for f in "${flavours[@]}"; do
		need+="$f $(image_name "$f" without-gpupass) "
	done
fi
for b in "${boots[@]}"; do
	i=$(image_name "${b#*/}" "$(words "$BOOT_DIR/scenarios/${b%%/*}/image")")
	[[ $need == *" $i "* ]] || need+="$i "
done

echo "kernel $KVER; installing the tree into $CACHE/root"
install_tree "$CACHE/root"
# The mdev images hold the test mdev parent built for $KVER (cached).
if [[ $need == *.mdev\ * ]]; then
	mdev_parent_build || die "cannot build the test mdev parent (tests/mdev-parent/build.sh $KVER)"
fi

# Base images: all at once (dracut ~7 s, mkinitramfs ~20 s on 2 cores).
for f in $need; do
	(
		t0=$(now)
		if how=$(build_base "$CACHE/root" "${f%%.*}" "$(image_variant "$f")"); then
			echo "image $f: $how"
		else
			echo "image $f: BUILD FAILED after $(elapsed "$t0") s, see $CACHE/$f.build.log"
			: > "$RUN/$f.failed"
		fi
	) &
done
wait

# images: what each base image holds.
image_listing() { # image name -> paths, one per line; initramfs-tools: extracted into $RUN/$1.x
	local img=$CACHE/$1.img
	case ${1%%.*} in
	dracut-*) lsinitrd "$img" 2> /dev/null | awk '{ print $NF }' ;;
	initramfs-tools)
		rm -rf "$RUN/$1.x"
		unmkinitramfs "$img" "$RUN/$1.x" &&
			(cd "$RUN/$1.x" && find . | sed 's|^\./||; s|^main/||')
		;;
	esac
}

# static_problems FILE LABEL: a line when FILE is not a static ELF executable.
static_problems() {
	local what
	what=$(file -b "$1" 2> /dev/null)
	[[ $what == ELF*"statically linked"* ]] || echo "$2 is not statically linked: ${what:-missing}"
}

check_image() { # flavour
	local f=$1 t0 list p x base problems=()
	t0=$(now)
	base=$(image_listing "$(image_name "$f" without-gpupass)" | LC_ALL=C sort -u)
	rm -rf "$RUN/$(image_name "$f" without-gpupass).x"
	list=$(image_listing "$f")
	for p in 'usr/sbin/gpupass$' '/vfio-pci\.ko' '/vfio_iommu_type1\.ko' \
		'/pci-stub\.ko' '^etc/gpupass\.conf$' '^etc/gpupass\.d$' \
		'^etc/gpupass\.protected$' '/bochs\.ko' '/radeon\.ko' '/snd-hda-intel\.ko'; do
		grep -qE "$p" <<< "$list" || problems+=("image lacks $p")
	done
	# gpupass is one static file: of what the image holds more than the same
	# image built without gpupass (its binary, config, modules, hook), no
	# shared library; and the build warned about none.  (The generators put
	# libkmod in by themselves, for kmod and udev; dracut's systemd flavour
	# json-c too.)
	[[ $base ]] || problems+=("no listing of the image built without gpupass")
	x=$(LC_ALL=C comm -13 <(echo "$base") <(LC_ALL=C sort -u <<< "$list") |
		grep -E '\.so(\.[0-9.]*)?$' | tr '\n' ' ')
	[[ -z $x ]] || problems+=("gpupass brought shared libraries into the image: $x")
	grep -q 'gpupass: libkmod' "$CACHE/$f.build.log" &&
		problems+=("build log: $(grep -m1 'gpupass: libkmod' "$CACHE/$f.build.log")")
	case $f in
	dracut-*)
		lsinitrd -f usr/sbin/gpupass "$CACHE/$f.img" > "$RUN/$f.gpupass" 2> /dev/null
		x=$RUN/$f.gpupass
		;;
	initramfs-tools)
		x=$RUN/$f.x/usr/sbin/gpupass
		[[ -e $x ]] || x=$RUN/$f.x/main/usr/sbin/gpupass
		;;
	esac
	mapfile -t -O "${#problems[@]}" problems < <(static_problems "$x" "the image's gpupass")
	rm -f "$RUN/$f.gpupass"
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
		x=$(image_name "$f" without-gpupass)
		if [[ -e $RUN/$f.failed || -e $RUN/$x.failed ]]; then
			result "images/$f" 0 "base image build failed, see $CACHE/$f.build.log and $CACHE/$x.build.log"
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
	# The vendor layer: one file of its own, one that /etc's 20-b.conf replaces.
	mkdir -p "$r/usr/lib/gpupass.d"
	echo "# vendor defaults" > "$r/usr/lib/gpupass.d/15-vendor.conf"
	echo "claim 1234:9999 optional" > "$r/usr/lib/gpupass.d/20-b.conf"
	# A fake sysfs with a PCI device and no IOMMU groups, and the host's module
	# trees (only read, by libkmod): the hooks' check then judges a system, and
	# host_problems sees whether it judged the running kernel instead of the
	# image's.  Never the host's /sys.
	make -s -C "$TOP" tests/.build/mkfakesys >> "$CACHE/make.log" 2>&1 &&
		"$TOP/tests/.build/mkfakesys" "$r" <<< "device 0000:00:04.0 1234:1111 030000 driver=bochs-drm" > /dev/null
	mkdir -p "$r/lib"
	ln -s /lib/modules "$r/lib/modules"
	echo "$r"
}

# host_problems LOG: the hooks' check judged the build host, not the image's
# kernel ($KVER): the running kernel's IOMMU state or module tree.
host_problems() {
	grep -m1 'the IOMMU is off' "$1" | sed 's/^/build log judges the running kernel: /'
	[[ $(uname -r) == "$KVER" ]] ||
		grep -m1 -F "kernel $(uname -r) " "$1" | sed 's/^/build log names the running kernel: /'
}

# config_problems ROOT TREE: what is wrong with the config the image TREE
# holds: the merged layers of ROOT packed as etc/gpupass.conf and
# etc/gpupass.d/NAME, so that gpupass (the early run) fingerprints them as
# 'gpupass fingerprint' does on ROOT.  (It replaced /etc/gpupass.initrd-hash.)
config_problems() {
	local want got
	want=$("$1/usr/sbin/gpupass" --root "$1" fingerprint 2> /dev/null)
	got=$("$1/usr/sbin/gpupass" --root "$2" fingerprint 2> /dev/null)
	[[ $want =~ ^[0-9a-f]{64}$ && $got == "$want" ]] ||
		echo "the image's config fingerprints as '$got', the root's as '$want'"
	[[ -f $2/etc/gpupass.d/15-vendor.conf ]] || echo "/usr/lib/gpupass.d/15-vendor.conf left out"
	grep -qx 'claim 8086:2668' "$2/etc/gpupass.d/20-b.conf" 2> /dev/null ||
		echo "etc/gpupass.d/20-b.conf is not /etc's (the later layer must win)"
}

build_check_dracut() { # name root must-include(0/1)
	local name=$1 root=$2 with=$3 t0 img log dir list problems=()
	t0=$(now)
	img=$RUN/$name.img log=$LOGS/$name.log dir=$RUN/$name.dracut
	build_dracut_hostonly "$root" "$img" "$dir" > "$log" 2>&1 ||
		problems+=("dracut failed, see $log")
	list=$(lsinitrd "$img" 2> /dev/null | awk '{ print $NF }')
	if ((with)); then
		grep -q 'usr/sbin/gpupass$' <<< "$list" || problems+=("gpupass left out")
		grep -q '/uio_pci_generic\.ko' <<< "$list" || problems+=("driver= module left out")
		grep -q '^etc/gpupass\.d/20-b\.conf$' <<< "$list" || problems+=("gpupass.d left out")
		grep -qF '/etc/gpupass.conf:2: ' "$log" || problems+=("build log lacks the check warning")
		mapfile -t -O "${#problems[@]}" problems < <(host_problems "$log")
		mkdir -p "$dir/x"
		(cd "$dir/x" && cpio -id --quiet 'etc/gpupass*' < "$img" 2> /dev/null)
		mapfile -t -O "${#problems[@]}" problems < <(config_problems "$root" "$dir/x")
	else
		grep -q 'usr/sbin/gpupass$' <<< "$list" && problems+=("gpupass included without rules")
	fi
	rm -rf "$dir" "$img"
	result "build-checks/$name" "$(elapsed "$t0")" "${problems[@]}"
}

build_check_itools() { # root
	local root=$1 t0 img log conf x problems=()
	t0=$(now)
	img=$RUN/itools-check.img log=$LOGS/initramfs-tools-check.log conf=$RUN/itools-conf
	build_itools_list "$root" "$img" "$conf" > "$log" 2>&1 ||
		problems+=("mkinitramfs failed, see $log")
	x=$RUN/itools-check.x
	unmkinitramfs "$img" "$x" 2> /dev/null
	[[ -d $x/main ]] && x=$x/main
	[[ -x $x/usr/sbin/gpupass ]] || problems+=("gpupass left out")
	find "$x" -name 'uio_pci_generic.ko*' | grep -q . || problems+=("driver= module left out")
	[[ -f $x/etc/gpupass.d/20-b.conf ]] || problems+=("gpupass.d left out")
	grep -qF 'W: gpupass: /etc/gpupass.conf:2: ' "$log" || problems+=("build log lacks the check warning")
	mapfile -t -O "${#problems[@]}" problems < <(host_problems "$log")
	mapfile -t -O "${#problems[@]}" problems < <(config_problems "$root" "$x")
	rm -rf "$RUN/itools-check.x" "$conf" "$img"
	result "build-checks/initramfs-tools" "$(elapsed "$t0")" "${problems[@]}"
}

# build-checks/*-dynamic: the dynamic variant (make STATIC=0, as
# tests/.build/dynamic/gpupass) installed instead, built host-only: its
# libraries come with it (libpci as its ELF dependency, libkmod through the
# hook, which only then copies it), without a warning.
dynamic_root() {
	local r=$CACHE/root-dynamic
	make -s -C "$TOP" tests/.build/dynamic/gpupass >> "$CACHE/make.log" 2>&1 || return 1
	rm -rf "$r"
	cp -a "$CACHE/root" "$r"
	install -m 0755 "$TOP/tests/.build/dynamic/gpupass" "$r/usr/sbin/gpupass"
	echo "claim 1234:1111" > "$r/etc/gpupass.conf"
	echo "$r"
}

build_check_dynamic() { # generator(dracut|initramfs-tools) root
	local gen=$1 root=$2 t0 img log dir x list p problems=()
	t0=$(now)
	img=$RUN/$gen-dynamic.img log=$LOGS/$gen-dynamic.log dir=$RUN/$gen-dynamic.d x=$RUN/$gen-dynamic.x
	mkdir -p "$dir"
	case $gen in
	dracut)
		build_dracut_hostonly "$root" "$img" "$dir/dracut" > "$log" 2>&1 ||
			problems+=("dracut failed, see $log")
		lsinitrd -f usr/sbin/gpupass "$img" > "$dir/gpupass" 2> /dev/null
		list=$(lsinitrd "$img" 2> /dev/null | awk '{ print $NF }')
		;;
	initramfs-tools)
		build_itools_list "$root" "$img" "$dir/conf" > "$log" 2>&1 ||
			problems+=("mkinitramfs failed, see $log")
		unmkinitramfs "$img" "$x" 2> /dev/null
		[[ -d $x/main ]] && x=$x/main
		cp "$x/usr/sbin/gpupass" "$dir/gpupass" 2> /dev/null
		list=$(cd "$x" && find . | sed 's|^\./||')
		;;
	esac
	[[ $(file -b "$dir/gpupass" 2> /dev/null) == ELF*"dynamically linked"* ]] ||
		problems+=("the image's gpupass is not the dynamic variant")
	for p in '/libpci\.so\.3' '/libkmod\.so\.2'; do
		grep -qE "$p" <<< "$list" || problems+=("image lacks $p")
	done
	grep -q 'gpupass: libkmod' "$log" && problems+=("build log: $(grep -m1 'gpupass: libkmod' "$log")")
	rm -rf "$dir" "$RUN/$gen-dynamic.x" "$img"
	result "build-checks/$gen-dynamic" "$(elapsed "$t0")" "${problems[@]}"
}

# boot_test SCENARIO/FLAVOUR: boot the base image with the scenario's config
# appended, check the guest's report against the scenario's expect file.
boot_test() {
	local name=$1 s=${1%%/*} f=${1#*/} dir img log rc t0 base problems=()
	dir=$BOOT_DIR/scenarios/$s
	log=$LOGS/$s.$f.log
	t0=$(now)
	base=$(image_name "$f" "$(words "$dir/image")")
	if [[ -e $RUN/$base.failed ]]; then
		result "$name" 0 "base image build failed, see $CACHE/$base.build.log"
		return
	fi
	img=$RUN/$s.$f.img
	scenario_image "$CACHE/$base.img" "$dir/gpupass.conf" "$img"
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
	if dyn_root=$(dynamic_root); then
		throttle
		build_check_dynamic dracut "$dyn_root" &
		throttle
		build_check_dynamic initramfs-tools "$dyn_root" &
	else
		result build-checks/dynamic 0 "make tests/.build/dynamic/gpupass failed, see $CACHE/make.log"
	fi
fi
for b in "${boots[@]}"; do
	throttle
	boot_test "$b" &
done
wait
# A boot test that died before its result (a bug in the runner) fails.
for b in "${boots[@]}"; do
	[[ -e $RUN/results/${b//\//.} ]] || result "$b" 0 "no result: the test itself failed, see above"
done

pass=$(grep -lx PASS "$RUN"/results/* 2> /dev/null | wc -l)
fail=$(grep -lx FAIL "$RUN"/results/* 2> /dev/null | wc -l)
echo "whole run: $(elapsed "$T0") s, logs in $LOGS"
echo "$pass passed, $fail failed"
((fail == 0 && pass > 0))
