#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian 12 root the role's test runs against (once, cached): minbase with
# a kernel, initramfs-tools, systemd and python3 (Ansible's modules run on
# it).  The mirror is the host's own sources file, as tests/system does.
# Usage: mkbase.sh DIR   (DIR.stamp: a hash of this script; a change rebuilds)
set -eu
dir=$1
sources=${GPUPASS_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
[ -r "$sources" ] || sources=/etc/apt/sources.list
pkgs=linux-image-amd64,initramfs-tools,zstd,systemd-sysv,udev,kmod,python3
stamp=$(sha256sum < "$0" | cut -d' ' -f1)
if [ -d "$dir" ] && [ "$(cat "$dir.stamp" 2> /dev/null)" = "$stamp" ]; then
	exit 0
fi
rm -rf "$dir" "$dir.tmp" "$dir.stamp"
mkdir -p "$(dirname "$dir")"
# shellcheck disable=SC2016 # $1 is the hook's argument, expanded by mmdebstrap
mmdebstrap --quiet --variant=minbase --include="$pkgs" \
	--customize-hook='echo "/dev/vda / ext4 defaults 0 1" > "$1/etc/fstab"' \
	bookworm "$dir.tmp" "$sources"
mv "$dir.tmp" "$dir"
echo "$stamp" > "$dir.stamp"
