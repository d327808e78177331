#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module: claim PCI devices for vfio-pci (or another driver) in the
# initramfs, before udev starts and before any graphics driver can bind them.
#
# GPUPASS_ROOT, when set, is an installed tree (make install DESTDIR=...) to take
# the gpupass binary and /etc/gpupass.conf from instead of the running system;
# the test suite uses it to build images without installing anything.

# shellcheck disable=SC2154 # initdir, moddir, hostonly, kernel: set by dracut

# Modules every image needs, whatever the config says: the default driver, its
# IOMMU backend, and pci-stub.  Names, not aliases, so instmods finds them.
_gpupass_base_modules="vfio-pci vfio_iommu_type1 pci-stub"

# The binary to copy into the image.
_gpupass_bin() {
    if [[ $GPUPASS_ROOT ]]; then
        printf '%s\n' "$GPUPASS_ROOT/usr/sbin/gpupass"
    else
        command -v gpupass 2> /dev/null || printf '%s\n' /usr/sbin/gpupass
    fi
}

# The config files whose bytes the fingerprint covers, in the order gpupass
# reads them (gpupass.conf, then the drop-ins of /usr/lib, /etc and /run
# merged by name), one per line, as paths inside the root: the binary says,
# so this module never repeats its file order.  Messages about the config
# come from check in install().
_gpupass_config_files() {
    _gpupass_run fingerprint files 2> /dev/null
}

# True when the config has at least one rule, so a host-only image needs us.
_gpupass_has_rules() {
    local _f
    while read -r _f; do
        grep -qE '^[[:space:]]*(claim|mdev|sriov)[[:space:]]' "$GPUPASS_ROOT$_f" && return 0
    done < <(_gpupass_config_files)
    return 1
}

# True when the binary is dynamically linked (ldd lists its libc), false
# for the static build, which needs no library in the image.
_gpupass_dynamic() {
    ldd "$(_gpupass_bin)" 2> /dev/null | grep -q '=>'
}

# Run the binary against the config being packed.  Output goes to dracut's log.
_gpupass_run() {
    local _bin
    _bin=$(_gpupass_bin)
    if [[ $GPUPASS_ROOT ]]; then
        "$_bin" --root "$GPUPASS_ROOT" "$@"
    else
        "$_bin" "$@"
    fi
}

# called by dracut
check() {
    require_binaries "$(_gpupass_bin)" || return 1
    if [[ $hostonly ]]; then
        _gpupass_has_rules || return 255
    fi
    return 0
}

# called by dracut
depends() {
    return 0
}

# called by dracut
installkernel() {
    local _mods
    # An error (older binary, unreadable config) leaves just the base modules.
    _mods=$(_gpupass_run --modules 2> /dev/null) || _mods=
    # hostonly='': the host has not loaded vfio-pci yet on the first install,
    # and the image is what will load it.
    # shellcheck disable=SC2086 # word splitting: one module name per word
    hostonly='' instmods $_gpupass_base_modules $_mods
}

# called by dracut
install() {
    local _f _line _files

    inst_binary "$(_gpupass_bin)" /usr/sbin/gpupass
    # The static build (make's default) is that one file.  The dynamic one
    # (make STATIC=0) dlopen()s libkmod when it loads a module: no ELF
    # dependency tells dracut about it.
    if _gpupass_dynamic; then
        inst_libdir_file "libkmod.so.2*" ||
            dwarn "gpupass: libkmod.so.2 not found, gpupass cannot load modules at boot"
    fi

    # The merged config goes into the image as gpupass.conf and
    # gpupass.d/NAME: the early run reads the same files in the same order,
    # so the fingerprint it records is the one 'gpupass fingerprint' gives
    # for this config now.
    inst_dir /etc/gpupass.d
    _files=$(_gpupass_config_files) ||
        dwarn "gpupass: 'gpupass fingerprint files' failed: the image holds no config, nothing is claimed at boot"
    while read -r _f; do
        case $_f in
            '') ;;
            /etc/gpupass.conf) inst_simple "$GPUPASS_ROOT$_f" /etc/gpupass.conf ;;
            *) inst_simple "$GPUPASS_ROOT$_f" "/etc/gpupass.d/${_f##*/}" ;;
        esac
    done <<< "$_files"

    # The PCI functions that hold this system's disks, as the storage guard
    # traces them now: the early run has nothing mounted to look at.  If
    # gpupass cannot say, the image says so, and the boot fails closed.  In
    # a chroot gpupass traces the chroot's / when it is a mount (the target's
    # disk) and its fstab, never the build host's swaps or command line.
    # dracut --sysroot DIR: the target's disks are not this system's, and
    # gpupass cannot trace another root from outside it: fail closed.
    if [[ ${dracutsysrootdir-} && ${dracutsysrootdir-} != / ]]; then
        echo "unresolved the image was built with dracut --sysroot $dracutsysrootdir: gpupass cannot trace another root's disks from outside it; build it on that system" \
            > "$initdir/etc/gpupass.protected"
    else
        _gpupass_run protected > "$initdir/etc/gpupass.protected" 2> /dev/null ||
            echo "unresolved 'gpupass protected' failed when the image was built" \
                > "$initdir/etc/gpupass.protected"
    fi

    # Show what is wrong with the config now, not at the next boot; a bad
    # line is skipped at boot, so it never fails the build.  Only the
    # problems (stderr): the summary on stdout is noise in a build log.  For
    # the kernel the image is for ($kernel), not the running one.
    while IFS= read -r _line; do
        [[ $_line == gpupass:* ]] || _line="gpupass: $_line"
        dwarn "$_line"
    done < <(_gpupass_run check ${kernel:+--kver "$kernel"} 2>&1 > /dev/null)

    inst_hook pre-udev 10 "$moddir/gpupass-pre-udev.sh"
}
