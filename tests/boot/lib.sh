# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # variables are for the scripts sourcing this
#
# Shared by run.sh and demo.sh: install the tree, build the test images, boot
# them in QEMU and check what the guest reported.  Host side only (bash); what
# runs in the guest is under guest/ and is POSIX sh.

BOOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BOOT_DIR/../.." && pwd)
CACHE=$TOP/tests/.cache
# negative.sh's runs keep their logs apart from the real ones.
LOGS=$CACHE/logs${GPUPASS_TEST_MUTATE:+-mutated-$GPUPASS_TEST_MUTATE}
KVER=$(linux-version list | linux-version sort --reverse | head -n1)
KERNEL=/boot/vmlinuz-$KVER
FLAVOURS_ALL="dracut-systemd dracut-shell initramfs-tools"
# A boot takes 16-50 s; four guests on two cores (two runs at once) doubled that.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-240}

# Kernel arguments of every test boot.  root= names nothing: the probe powers
# the guest off before any root is mounted, and dracut's shell path stops in
# its cmdline hook without one.  radeon's console take-over hangs TCG guests
# unless fbdev emulation is off.
BASE_APPEND="console=ttyS0 panic=-1 root=/dev/gpupass-test-noroot rd.shell=0 rd.emergency=poweroff drm_kms_helper.fbdev_emulation=0"

# The drivers that race gpupass for the emulated devices.
RACE_DRIVERS="bochs radeon snd-hda-intel"

now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { LC_ALL=C awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

die() {
	echo "$*" >&2
	exit 1
}

# One boot-test run at a time: they share the images and the installed tree
# under $CACHE.  The lock goes when the process exits.
lock_cache() {
	mkdir -p "$CACHE"
	exec 9> "$CACHE/.lock"
	if ! flock -n 9; then
		echo "waiting for another boot-test run (demo.sh or run.sh) to finish..." >&2
		flock 9
	fi
}

check_host() {
	[[ $KVER ]] || die "no kernel under /lib/modules: run tests/boot/setup-deps.sh"
	[[ -r $KERNEL ]] || die "cannot read $KERNEL: run tests/boot/setup-deps.sh"
	local t
	for t in qemu-system-x86_64 dracut mkinitramfs unmkinitramfs lsinitrd cpio timeout make jq flock file xz zstd; do
		command -v "$t" > /dev/null || die "$t is missing: run tests/boot/setup-deps.sh"
	done
}

# install_tree DESTDIR: build gpupass and install it, the dracut module, the
# initramfs-tools hooks and the example config into DESTDIR, as a package would.
install_tree() {
	local dest=$1
	make -s -C "$TOP" early/gpupass > "$CACHE/make.log" 2>&1 ||
		die "make failed, see $CACHE/make.log"
	rm -rf "$dest"
	make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr >> "$CACHE/make.log" 2>&1 ||
		die "make install failed, see $CACHE/make.log"
	# Stripped as a package's build strips it (dh_strip), so that the images
	# hold what a distribution ships (mkinitramfs copies binaries as they are).
	strip --remove-section=.comment --remove-section=.note "$dest/usr/sbin/gpupass" ||
		die "strip $dest/usr/sbin/gpupass failed"
	[[ ${GPUPASS_TEST_MUTATE:-} ]] && mutate_tree "$dest" "$GPUPASS_TEST_MUTATE"
	return 0
}

# mutate_tree DESTDIR HOW: break the installed hooks on purpose, for
# negative.sh, which shows that the boot tests catch it.
#   removed  no hook at all: gpupass never runs at boot
#   late     gpupass runs after udev (dracut: initqueue/settled; initramfs-tools:
#            init-top after udev), when the host drivers have bound the cards
#   dynamic  the dynamic variant (make STATIC=0) installed: "run.sh images"
#            must fail, the hooks then bring its libraries
#   norule   the udev rule (90-gpupass.rules) left out: the mdev scenarios,
#            whose images take it from the installed tree, must fail
#   no-hotplug-rule  the hotplug rule masked: scenario_image puts
#            /etc/udev/rules.d/70-gpupass-claim.rules -> /dev/null into each
#            scenario's cpio (a file of that name in /etc masks the one gpupass
#            writes to /run), so the hotplug scenarios must fail
mutate_tree() {
	local ms=$1/usr/lib/dracut/modules.d/90gpupass/module-setup.sh
	local top=$1/usr/share/initramfs-tools/scripts/init-top/gpupass
	case $2 in
	removed)
		sed -i '/inst_hook pre-udev/d' "$ms"
		rm -f "$top"
		;;
	late)
		sed -i 's|inst_hook pre-udev 10|inst_hook initqueue/settled 10|' "$ms"
		sed -i 's|^PREREQ=""|PREREQ="udev"|' "$top"
		;;
	norule)
		rm -f "$1/usr/lib/udev/rules.d/90-gpupass.rules" "$1/lib/udev/rules.d/90-gpupass.rules"
		;;
	dynamic)
		make -s -C "$TOP" tests/.build/dynamic/gpupass > /dev/null 2>&1 ||
			die "make tests/.build/dynamic/gpupass failed"
		install -m 0755 "$TOP/tests/.build/dynamic/gpupass" "$1/usr/sbin/gpupass"
		;;
	no-hotplug-rule) ;; # scenario_image does it
	*) die "unknown mutation $2" ;;
	esac
	echo "MUTATED installed tree: $2" >&2
}

# Base image variants, each built apart as FLAVOUR.VARIANT:
#   compressed-modules  (a scenario's "image" file names it) the vfio modules
#                       as .ko.xz and .ko.zst, which Debian's kernel cannot
#                       decompress: libkmod does.  dracut: the test-only
#                       module (guest/dracut/99gpupass-test) compresses them.
#                       initramfs-tools: mkinitramfs decompresses every
#                       .ko.xz/.ko.zst it packs, but only when xz and zstd
#                       are installed; the test hook compresses them and
#                       mkinitramfs runs with those two hidden (as on a
#                       machine without them), so they stay compressed.
#   without-gpupass     the same image without gpupass's dracut module or
#                       hooks: what the generator puts in by itself, which the
#                       images checks subtract to see what gpupass adds.
#   mdev                the test mdev parent (tests/mdev-parent, built for
#                       $KVER by mdev_parent_build), mdev.ko and vfio.ko, and
#                       the installed tree's udev rule 90-gpupass.rules, which
#                       the product installs on the real root only: the
#                       initramfs's udevd stands in for the real root's.
#   bench, bench-shell  (initramfs-tools; tests/bench/boot.sh) init-top
#                       scripts that stamp the kernel log around
#                       init-top/gpupass; bench-shell has no gpupass but a
#                       busybox-sh loop doing its job as init-top/gpupass.
IMAGE_VARIANTS="compressed-modules without-gpupass mdev bench bench-shell"
BENCH_ITOOLS=$TOP/tests/bench/boot/initramfs-tools

# mdev_parent_build: build (or reuse) the test mdev parent for $KVER and
# export its path as GPUPASS_TEST_MDEV_KO, which the test-only dracut module
# and initramfs-tools hook read.  Once per run, before the images are built.
mdev_parent_build() {
	GPUPASS_TEST_MDEV_KO=$("$TOP/tests/mdev-parent/build.sh" "$KVER") || return 1
	export GPUPASS_TEST_MDEV_KO
}

image_name() { # flavour [variant]
	local v=${2//[[:space:]]/}
	echo "$1${v:+.$v}"
}

image_variant() { # image name -> variant, or nothing
	[[ $1 == *.* ]] && echo "${1#*.}"
	return 0
}

# A fingerprint of everything that goes into a base image, so that an
# unchanged image is reused between runs.
inputs_hash() { # root flavour [variant]
	local -a dirs=("$1" "$BOOT_DIR/guest/dracut" "$BOOT_DIR/guest/initramfs-tools")
	[[ ${3:-} == without-gpupass || ${3:-} == bench-shell ]] && dirs=("${dirs[@]:1}")
	[[ ${3:-} == bench* ]] && dirs+=("$BENCH_ITOOLS")
	{
		echo "$KVER $2 ${3:-} $RACE_DRIVERS"
		cat "$BOOT_DIR/lib.sh"
		[[ ${3:-} != mdev ]] || cat "$GPUPASS_TEST_MDEV_KO"
		find "${dirs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	} | sha256sum | cut -d' ' -f1
}

# stage_dracut ROOT DIR: in DIR, a copy of /usr/lib/dracut ("base", for
# dracutbasedir=) holding ROOT's installed 90gpupass, and an empty
# dracut.conf and conf.d, so that the host's dracut.conf does not leak in.
stage_dracut() {
	local root=$1 dir=$2
	rm -rf "$dir"
	mkdir -p "$dir/conf.d"
	: > "$dir/dracut.conf"
	cp -a /usr/lib/dracut "$dir/base"
	[[ $root ]] && cp -a "$root/usr/lib/dracut/modules.d/90gpupass" "$dir/base/modules.d/"
	return 0
}

# dracut_staged ROOT DIR ARGS...: dracut from DIR (stage_dracut), taking the
# binary and the config from ROOT; nothing under /etc or /usr is touched.
dracut_staged() {
	local root=$1 dir=$2
	shift 2
	GPUPASS_ROOT=$root dracutbasedir=$dir/base dracut --force --kver "$KVER" \
		--conf "$dir/dracut.conf" --confdir "$dir/conf.d" "$@"
}

# build_dracut ROOT FLAVOUR IMG [WORKDIR]: a test image, built with
# GPUPASS_TEST_IMAGE (a variant) passed on to the test-only 99gpupass-test.
build_dracut() {
	local root=$1 flavour=$2 img=$3 dir=${4:-$CACHE/dracut-$2} add="gpupass gpupass-test"
	if [[ ${GPUPASS_TEST_IMAGE:-} == without-gpupass ]]; then
		stage_dracut "" "$dir"
		add=gpupass-test
	else
		stage_dracut "$root" "$dir"
	fi
	cp -a "$BOOT_DIR/guest/dracut/99gpupass-test" "$dir/base/modules.d/"
	# Uncompressed: gzip takes a minute here and saves no boot time under TCG.
	local -a args=(--no-hostonly --add "$add" --add-drivers "$RACE_DRIVERS" --no-compress)
	[[ $flavour == dracut-shell ]] && args+=(--omit "systemd systemd-initrd dracut-systemd")
	GPUPASS_TEST_IMAGE=${GPUPASS_TEST_IMAGE:-} dracut_staged "$root" "$dir" "${args[@]}" "$img"
}

# build_dracut_hostonly ROOT IMG WORKDIR: dracut --hostonly as an admin's
# system runs it, with nothing of the tests in (the build checks).
build_dracut_hostonly() {
	stage_dracut "$1" "$3"
	dracut_staged "$1" "$3" --hostonly --no-compress "$2"
}

# stage_itools ROOT CONF: CONF a copy of /etc/initramfs-tools (for
# mkinitramfs -d) with ROOT's installed hook and init-top script in its
# hooks/ and scripts/ (mkinitramfs reads both CONFDIR and
# /usr/share/initramfs-tools), or none when ROOT is empty.
stage_itools() {
	local root=$1 conf=$2 f
	rm -rf "$conf"
	cp -a /etc/initramfs-tools "$conf"
	mkdir -p "$conf/hooks" "$conf/scripts/init-top" "$conf/scripts/init-premount"
	[[ $root ]] || return 0
	for f in hooks/gpupass scripts/init-top/gpupass; do
		# (negative.sh removes the script on purpose)
		[[ -e $root/usr/share/initramfs-tools/$f ]] || continue
		cp -a "$root/usr/share/initramfs-tools/$f" "$conf/$f"
	done
}

# build_itools ROOT IMG [WORKDIR]: a test image, mkinitramfs -d a staged
# copy; GPUPASS_TEST_IMAGE (a variant) is passed on to the test hook.
build_itools() {
	local root=$1 img=$2 conf=${3:-$CACHE/initramfs-tools-conf} v=${GPUPASS_TEST_IMAGE:-}
	case $v in
	without-gpupass | bench-shell) stage_itools "" "$conf" ;;
	*) stage_itools "$root" "$conf" ;;
	esac
	cp -a "$BOOT_DIR/guest/initramfs-tools/hooks/gpupass-test" "$conf/hooks/"
	cp -a "$BOOT_DIR/guest/initramfs-tools/scripts/init-premount/gpupass-test" \
		"$conf/scripts/init-premount/"
	# tests/bench/boot.sh's stamps, and for bench-shell its shell loop as
	# init-top/gpupass.
	[[ $v == bench* ]] && cp -a "$BENCH_ITOOLS"/scripts/init-top/* "$conf/scripts/init-top/"
	[[ $v == bench-shell ]] && cp -a "$BENCH_ITOOLS/scripts/shell/gpupass" "$conf/scripts/init-top/"
	if [[ $v != compressed-modules ]]; then
		GPUPASS_TEST_IMAGE=$v GPUPASS_ROOT=$root mkinitramfs -d "$conf" -o "$img" "$KVER"
		return
	fi
	# mkinitramfs sets its own PATH and decompresses every .ko.xz/.ko.zst
	# when it finds xz and zstd there: as on a machine without them, hide
	# them from it, in a mount namespace of its own (an empty, non-executable
	# file bound over each; nothing outside that process sees it).  The test
	# hook compresses with copies of them.
	mkdir -p "$conf/tools"
	cp /usr/bin/xz /usr/bin/zstd "$conf/tools/"
	install -m 0644 /dev/null "$conf/tools/none"
	# shellcheck disable=SC2016 # expanded by that sh
	GPUPASS_TEST_IMAGE=$v GPUPASS_TEST_TOOLS=$conf/tools GPUPASS_ROOT=$root unshare -m sh -c \
		'mount --bind "$1/none" /usr/bin/xz && mount --bind "$1/none" /usr/bin/zstd &&
		exec mkinitramfs -d "$2" -o "$3" "$4"' sh "$conf/tools" "$conf" "$img" "$KVER"
}

# build_itools_list ROOT IMG WORKDIR: mkinitramfs with MODULES=list (only
# what the hooks add: short), nothing of the tests in (the build checks).
build_itools_list() {
	stage_itools "$1" "$3"
	sed -i 's/^MODULES=.*/MODULES=list/' "$3/initramfs.conf"
	GPUPASS_ROOT=$1 mkinitramfs -d "$3" -o "$2" "$KVER"
}

# build_base ROOT FLAVOUR [VARIANT]: the flavour's base image in
# $CACHE/FLAVOUR[.VARIANT].img, reused when nothing that goes into it changed
# (REBUILD=1 forces).  Prints "built in N s" or "reused".
build_base() {
	local root=$1 flavour=$2 variant=${3:-} name img hash t0
	name=$(image_name "$flavour" "$variant")
	img=$CACHE/$name.img
	if [[ $variant ]]; then
		[[ " $IMAGE_VARIANTS " == *" $variant "* ]] || { echo "unknown image variant $variant"; return 1; }
		[[ $flavour == initramfs-tools || $variant != bench* ]] ||
			{ echo "variant $variant is for initramfs-tools only"; return 1; }
	fi
	hash=$(inputs_hash "$root" "$flavour" "$variant")
	if [[ ${REBUILD:-0} != 1 && -s $img && -f $img.stamp && $(< "$img.stamp") == "$hash" ]]; then
		echo "reused"
		return 0
	fi
	rm -f "$img" "$img.stamp"
	t0=$(now)
	case $flavour in
	dracut-*) GPUPASS_TEST_IMAGE=$variant build_dracut "$root" "$flavour" "$img.tmp" "$CACHE/dracut-$name" ;;
	initramfs-tools) GPUPASS_TEST_IMAGE=$variant build_itools "$root" "$img.tmp" "$CACHE/$name-conf" ;;
	esac > "$CACHE/$name.build.log" 2>&1 || return 1
	mv "$img.tmp" "$img"
	echo "$hash" > "$img.stamp"
	echo "built in $(elapsed "$t0") s"
}

# scenario_image BASE CONF OUT: BASE with a cpio appended that carries the
# probe, and CONF as /etc/gpupass.conf (an empty one when CONF is missing; the
# image's own when CONF is "").
scenario_image() {
	local base=$1 conf=$2 out=$3 tree
	tree=$(mktemp -d "$CACHE/cpio.XXXXXX")
	mkdir -p "$tree/etc" "$tree/gpupass-test"
	chmod 0755 "$tree/etc" "$tree/gpupass-test"
	if [[ -f $conf ]]; then
		install -m 0644 "$conf" "$tree/etc/gpupass.conf"
	elif [[ $conf ]]; then
		install -m 0644 /dev/null "$tree/etc/gpupass.conf"
	fi
	install -m 0755 "$BOOT_DIR/guest/probe.sh" "$tree/gpupass-test/probe.sh"
	install -m 0644 "$BOOT_DIR/guest/records.sh" "$tree/gpupass-test/records.sh"
	if [[ ${GPUPASS_TEST_MUTATE:-} == no-hotplug-rule ]]; then
		mkdir -p "$tree/etc/udev/rules.d"
		ln -s /dev/null "$tree/etc/udev/rules.d/70-gpupass-claim.rules"
	fi
	# A scenario's own guest step, which the probe runs first (sriov-nvme: the later stage).
	if [[ $conf && -f $(dirname "$conf")/guest.sh ]]; then
		install -m 0755 "$(dirname "$conf")/guest.sh" "$tree/gpupass-test/guest.sh"
	fi
	{
		cat "$base"
		# The kernel reads the next archive only from a 4-byte boundary;
		# it skips zeros between archives.
		head -c $(((4 - $(stat -c %s "$base") % 4) % 4)) /dev/zero
		(cd "$tree" && find etc/* gpupass-test 2> /dev/null | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet)
	} > "$out"
	rm -rf "$tree"
}

# Words of a scenario file, without comments.
words() { # file
	[[ -f $1 ]] && sed 's/#.*//' "$1" | tr -s ' \t\n' ' '
	return 0
}

# boot IMG APPEND QEMU_ARGS_FILE LOG: one guest, serial console to LOG
# (escape codes and CRs stripped).  Returns qemu's status (124: timed out).
# A scenario with a host.sh gets a QMP monitor socket: host.sh is sourced in a
# subshell beside the guest with HOST_QMP (the socket) and HOST_SERIAL (the
# console file) set, and wait_serial and qmp below at hand (hotplug-add).
boot() {
	local img=$1 append=$2 qemu_file=$3 log=$4 rc host=${3%/*}/host.sh hostpid=
	local -a dev mon=()
	read -ra dev <<< "$(words "$qemu_file")"
	rm -f "$log.raw" "$log.qmp"
	if [[ -f $host ]]; then
		mon=(-qmp "unix:$log.qmp,server=on,wait=off")
		# shellcheck disable=SC1090,SC2034 # the scenario's own file; it reads the two
		(HOST_QMP=$log.qmp HOST_SERIAL=$log.raw; . "$host") > "$log.host" 2>&1 &
		hostpid=$!
	fi
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 \
		-M q35,kernel-irqchip=split -accel tcg -m 1024 -smp 1 \
		-display none -vga none -monitor none -net none -no-reboot \
		-serial "file:$log.raw" -audiodev none,id=snd0 \
		-kernel "$KERNEL" -initrd "$img" -append "$BASE_APPEND $append" \
		"${mon[@]}" "${dev[@]}" < /dev/null > "$log.qemu" 2>&1
	rc=$?
	if [[ $hostpid ]]; then
		kill "$hostpid" 2> /dev/null
		wait "$hostpid" 2> /dev/null
	fi
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log.raw" 2> /dev/null | tr -d '\r' > "$log"
	rm -f "$log.raw" "$log.qmp"
	return "$rc"
}

# line_has LOG PREFIX "KEY=VALUE...": the probe's line starting with PREFIX
# has each key=value; prints what is wrong, returns 1 if anything is.
line_has() {
	local line tok bad=0
	line=$(grep -m1 "^$2 " "$1")
	if [[ -z $line ]]; then
		echo "no line '$2 ...' from the probe"
		return 1
	fi
	for tok in $3; do
		if [[ " $line " != *" $tok "* ]]; then
			echo "${2#GPUPASS-* }: want $tok, got: ${line#"$2" }"
			bad=1
		fi
	done
	return "$bad"
}

# wait_serial SERIAL TEXT SECONDS: until the guest's console has printed TEXT.
wait_serial() {
	local i
	for ((i = 0; i < $3 * 2; i++)); do
		grep -qF -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.5
	done
	return 1
}

# qmp SOCKET COMMAND...: send each QMP command (JSON) to the guest's monitor,
# after the capabilities handshake; print the replies.  Fails on an error reply.
qmp() {
	python3 - "$@" << 'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())  # the greeting
bad = 0
for cmd in ['{"execute": "qmp_capabilities"}'] + sys.argv[2:]:
    f.write(cmd + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            break
    print(cmd, "->", json.dumps(r))
    bad |= "error" in r
sys.exit(1 if bad else 0)
PY
}

# check_log LOG EXPECT: prints one line per failed expectation; returns 1 if any.
#   dev ADDR key=value...  the probe's line for ADDR has each key=value
#   log TEXT               a "gpupass:" kernel log line contains TEXT
#   nolog TEXT             no kernel log line at all contains TEXT
#   status JQ              jq -e JQ holds for the guest's "gpupass status --json"
#   guest TEXT             the scenario's guest.sh printed the line "GPUPASS-GUEST TEXT"
#   mdev UUID key=value... the probe's line for mdev UUID has each key=value
#                          (type=, parent=: where /sys/bus/mdev/devices/UUID points)
#   nomdev UUID            no mdev UUID at the end
#   mtype PARENT TYPE key=value...  the probe's line for the mdev type TYPE of
#                          PARENT has each key=value (available=, device_api=)
#   json TAG JQ            jq -e JQ holds for the lines guest.sh printed as
#                          "GPUPASS-JSON TAG ..." (e.g. gpupass mdev list --json)
check_log() {
	local log=$1 expect=$2 bad=0 kind addr rest line tok
	if ! grep -q '^GPUPASS-TEST-END' "$log"; then
		echo "no GPUPASS-TEST-END: the guest hung, panicked or the probe never ran"
		grep -m1 -E 'Kernel panic|Entering emergency|Could not boot|Timed out' "$log"
		return 1
	fi
	grep -q '^GPUPASS-STATUS-JSON present' "$log" ||
		{ echo "/run/gpupass/status.json missing: gpupass apply --early did not run"; bad=1; }
	tok=$(sed -n -E 's/^GPUPASS-FINGERPRINT ([0-9a-f]{64})$/\1/p' "$log")
	if [[ -z $tok ]]; then
		echo "'gpupass fingerprint' in the guest printed no sha256"; bad=1
	elif ! sed -n 's/^GPUPASS-SJSON //p' "$log" | jq -e --arg h "$tok" '.boot.config_sha256 == $h' > /dev/null 2>&1; then
		echo "the boot record's config_sha256 is not the image's config fingerprint ($tok)"; bad=1
	fi
	while read -r kind rest; do
		case $kind in
		'' | '#'*) continue ;;
		dev)
			read -r addr rest <<< "$rest"
			line=$(grep -m1 "^GPUPASS-DEV $addr " "$log")
			if [[ -z $line ]]; then
				echo "$addr: no such device in the guest"
				bad=1
				continue
			fi
			for tok in $rest; do
				if [[ " $line " != *" $tok "* ]]; then
					echo "$addr: want $tok, got: ${line#GPUPASS-DEV }"
					bad=1
				fi
			done
			;;
		log)
			grep '^GPUPASS-KMSG .*gpupass: ' "$log" | grep -qF -- "$rest" ||
				{ echo "kernel log lacks: $rest"; bad=1; }
			;;
		nolog)
			line=$(grep '^GPUPASS-KMSG ' "$log" | grep -F -m1 -- "$rest")
			[[ -z $line ]] || { echo "kernel log has: ${line#GPUPASS-KMSG }"; bad=1; }
			;;
		status)
			sed -n 's/^GPUPASS-SJSON //p' "$log" | jq -e "$rest" > /dev/null 2>&1 ||
				{ echo "gpupass status --json in the guest fails: $rest"; bad=1; }
			;;
		guest)
			grep -qxF -- "GPUPASS-GUEST $rest" "$log" ||
				{ echo "the guest did not print: GPUPASS-GUEST $rest"; bad=1; }
			;;
		mdev)
			read -r addr rest <<< "$rest"
			line_has "$log" "GPUPASS-MDEV $addr" "$rest" || bad=1
			;;
		mtype)
			read -r addr tok rest <<< "$rest"
			line_has "$log" "GPUPASS-MTYPE $addr $tok" "$rest" || bad=1
			;;
		nomdev)
			! grep -q "^GPUPASS-MDEV $rest " "$log" ||
				{ echo "mdev $rest: still in /sys/bus/mdev/devices"; bad=1; }
			;;
		json)
			read -r tok rest <<< "$rest"
			grep "^GPUPASS-JSON $tok " "$log" | sed "s/^GPUPASS-JSON $tok //" |
				jq -e "$rest" > /dev/null 2>&1 ||
				{ echo "the guest's $tok JSON fails: $rest"; bad=1; }
			;;
		*)
			echo "$expect: unknown expectation '$kind'"
			bad=1
			;;
		esac
	done < "$expect"
	return "$bad"
}
