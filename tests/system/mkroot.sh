#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build (once, cached) a minimal Debian 12 root for one initramfs generator:
#   mkroot.sh GENERATOR DIR     GENERATOR: initramfs-tools or dracut
# mmdebstrap --variant=minbase with a kernel, systemd, udev and the tools the
# test unit uses.  The mirror is the host's own deb822 Debian sources file, so
# no mirror name is written here.  The root is written to DIR.tmp and renamed
# to DIR when complete; DIR.stamp holds a hash of this script and the package
# list and
# the hooks, so a change rebuilds it.
set -eu -o pipefail
gen=$1 dir=$2
sources=${GPUPASS_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
[[ -r $sources ]] || sources=/etc/apt/sources.list
# jq: the test unit's JSON checks; pciutils: lspci in failure reports;
# zstd: initramfs-tools' default compression; python3: the Ansible role
# (tests/system/ansible.sh) runs its modules on it.
pkgs="linux-image-amd64,systemd-sysv,udev,kmod,jq,pciutils,zstd,procps,python3"
case $gen in
initramfs-tools) pkgs="$pkgs,initramfs-tools" ;;
dracut) pkgs="$pkgs,dracut,dracut-core" ;;
*) echo "mkroot.sh: unknown generator $gen (initramfs-tools or dracut)" >&2; exit 2 ;;
esac
# The customize hooks (mmdebstrap runs each with the root as $1): a host
# name, the root on the virtio disk, a root login without a password (a test
# guest, never networked), the serial getty masked so that it does not fight
# the test unit over ttyS0.
# shellcheck disable=SC2016 # $1 is for mmdebstrap's hook shell
hooks=('echo gpupass-test > "$1/etc/hostname"'
	'echo "/dev/vda / ext4 defaults 0 1" > "$1/etc/fstab"'
	'chroot "$1" passwd -d root'
	'ln -sf /dev/null "$1/etc/systemd/system/serial-getty@ttyS0.service"')
stamp=$(printf '%s\n' "$gen $pkgs" "${hooks[@]}" | sha256sum | cut -d' ' -f1)
if [[ -d $dir && -f $dir.stamp && $(< "$dir.stamp") == "$stamp" ]]; then
	echo "reused"
	exit 0
fi
rm -rf "$dir" "$dir.tmp" "$dir.stamp"
mkdir -p "$(dirname "$dir")"
args=()
for h in "${hooks[@]}"; do
	args+=(--customize-hook="$h")
done
mmdebstrap --variant=minbase --include="$pkgs" "${args[@]}" bookworm "$dir.tmp" "$sources"
mv "$dir.tmp" "$dir"
echo "$stamp" > "$dir.stamp"
