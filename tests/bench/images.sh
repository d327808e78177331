#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make bench: the bytes gpupass adds to each initramfs flavour.  The boot
# tests' base images (tests/boot/lib.sh, build_base: dracut with systemd,
# dracut with its shell init, initramfs-tools) against the same images built
# without gpupass (their "without-gpupass" variant), both compressed as
# Debian 12 compresses them: mkinitramfs writes its image compressed already
# (initramfs.conf COMPRESS=zstd, "zstd -q -9"); the test dracut images are
# built uncompressed, so this compresses their main archive as dracut 059
# does when nothing is configured, Debian's default: pigz (which dracut-core
# recommends) "-9 -n -T -R", or without pigz "gzip -n -9 --rsyncable" (what
# dracut falls back to); an early (microcode) archive in front stays as it is.
# Both images hold the boot tests' own module (the probe hook, the drivers
# that race gpupass): the difference is gpupass's binary, config, hook and
# modules.  Figures, not a test.
# Usage: images.sh [FLAVOUR...]

set -u -o pipefail
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/../boot/lib.sh"

if (($# == 0)); then
	read -ra f <<< "$FLAVOURS_ALL"
	set -- "${f[@]}"
fi
check_host
lock_cache
work=$(mktemp -d "$CACHE/bench-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

if command -v pigz > /dev/null; then
	dracut_compress="pigz -9 -n -T -R"
else
	dracut_compress="gzip -n -9 --rsyncable"
fi

# compressed_size IMAGE: its size as the generator would have written it.
compressed_size() {
	local img=$1 main early
	case ${img##*/} in
	dracut-*)
		# An early archive (dracut marks it with an "early_cpio" file) is
		# left out of the compression; skipcpio gives what follows it.
		main=$img early=0
		if cpio -t --quiet < "$img" 2> /dev/null | grep -qx early_cpio; then
			main=$work/main.cpio
			/usr/lib/dracut/skipcpio "$img" > "$main" || return 1
			early=$(($(stat -c %s "$img") - $(stat -c %s "$main")))
		fi
		echo $((early + $($dracut_compress -c < "$main" | wc -c)))
		;;
	*) stat -c %s "$img" ;;
	esac
}

install_tree "$CACHE/root"
for f in "$@"; do
	for v in "" without-gpupass; do
		how=$(build_base "$CACHE/root" "$f" "$v") ||
			die "image $(image_name "$f" "$v"): build failed, see $CACHE/$(image_name "$f" "$v").build.log"
	done
done
for f in "$@"; do
	with=$(compressed_size "$CACHE/$f.img") || die "cannot compress $CACHE/$f.img"
	without=$(compressed_size "$CACHE/$(image_name "$f" without-gpupass).img") ||
		die "cannot compress the image without gpupass"
	case $f in
	dracut-*) how=$dracut_compress ;;
	*) how="mkinitramfs, COMPRESS=$(sed -n 's/^COMPRESS=//p' /etc/initramfs-tools/initramfs.conf)" ;;
	esac
	LC_ALL=C awk -v f="$f" -v a="$with" -v b="$without" -v how="$how" 'BEGIN {
		printf "initramfs %s (%s): with gpupass %d bytes, without %d bytes: gpupass adds %d bytes = %.1f KiB\n",
			f, how, a, b, a - b, (a - b) / 1024 }'
done
