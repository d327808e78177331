#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TEST ONLY, never installed: runs /gpupass-test/probe.sh (brought by the
# per-scenario cpio) once udev has settled; with GPUPASS_TEST_IMAGE set, the
# variant of the image (installkernel, install).

# shellcheck disable=SC2154 # initdir, moddir, kernel, udevdir: set by dracut

# called by dracut
check() {
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut, after 90gpupass's installkernel put the vfio modules in;
# dracut runs depmod on the image once every module is in.
installkernel() {
    # GPUPASS_TEST_IMAGE=mdev (tests/boot/lib.sh): the test mdev parent
    # (tests/mdev-parent, built for this kernel, GPUPASS_TEST_MDEV_KO) and the
    # mdev core it needs; dracut's depmod indexes it, so udev loads it by
    # its alias when it sees QEMU's pci-testdev.
    if [[ ${GPUPASS_TEST_IMAGE:-} == mdev ]]; then
        [[ -f ${GPUPASS_TEST_MDEV_KO:-} ]] || return 1
        hostonly='' instmods mdev vfio || return 1
        inst_simple "$GPUPASS_TEST_MDEV_KO" "/lib/modules/$kernel/extra/gpupass_mdev_test.ko"
        return
    fi
    # GPUPASS_TEST_IMAGE=compressed-modules (tests/boot/lib.sh): the vfio
    # modules compressed as Ubuntu, Fedora and Arch ship them, as the
    # kernel's modules_install does (xz: CRC32, 1 MiB dictionary).  Debian's
    # kernel has no in-kernel decompression, so only libkmod, in gpupass,
    # can load them.
    [[ ${GPUPASS_TEST_IMAGE:-} == compressed-modules ]] || return 0
    local _d _m
    _d=$(find "$initdir" -type d -path "*/modules/$kernel" -print -quit)
    [[ -d $_d ]] || return 1
    for _m in vfio-pci vfio-pci-core; do
        find "$_d" -name "$_m.ko" -exec xz --check=crc32 --lzma2=dict=1MiB -f {} + || return 1
    done
    for _m in vfio vfio_virqfd vfio_iommu_type1 irqbypass; do
        find "$_d" -name "$_m.ko" -exec zstd -q --rm -f {} + || return 1
    done
}

# called by dracut
install() {
    # GPUPASS_TEST_IMAGE=mdev: the shipped udev rule, as the installed tree
    # (GPUPASS_ROOT) holds it, so that udev in the initramfs runs gpupass's
    # later stage when the test parent registers.  On a real system the rule
    # runs on the real root (the product's 90gpupass leaves it out of the
    # initramfs); here the initramfs's udev stands in for it.  Missing (the
    # negative check removes it): left out, the boot tests must then fail.
    # Where make install put it: udev's pkg-config udevdir (bookworm: /lib/udev).
    local _rule=$GPUPASS_ROOT/usr/lib/udev/rules.d/90-gpupass.rules
    [[ -f $_rule ]] || _rule=$GPUPASS_ROOT/lib/udev/rules.d/90-gpupass.rules
    if [[ ${GPUPASS_TEST_IMAGE:-} == mdev && -f $_rule ]]; then
        inst_simple "$_rule" "${udevdir}/rules.d/90-gpupass.rules"
    fi
    inst_hook initqueue/settled 99 "$moddir/gpupass-test-probe.sh"
    # The systemd path starts dracut-initqueue.service only when this exists;
    # without a real root device nothing else asks for it.
    mkdir -p "$initdir/lib/dracut"
    : > "$initdir/lib/dracut/need-initqueue"
}
