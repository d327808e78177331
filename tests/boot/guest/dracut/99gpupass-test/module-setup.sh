#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TEST ONLY, never installed: runs /gpupass-test/probe.sh (brought by the
# per-scenario cpio) once udev has settled.

# shellcheck disable=SC2154 # initdir, moddir: set by dracut

# called by dracut
check() {
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut
install() {
    inst_hook initqueue/settled 99 "$moddir/gpupass-test-probe.sh"
    # The systemd path starts dracut-initqueue.service only when this exists;
    # without a real root device nothing else asks for it.
    mkdir -p "$initdir/lib/dracut"
    : > "$initdir/lib/dracut/need-initqueue"
}
