#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled.  Nothing here makes an
# mdev: the shipped udev rule did, when the test parent registered.  What an
# admin runs next: the libvirt element (on one line) and the JSON list.
echo "GPUPASS-GUEST xml $(gpupass xml 5a1c0b7e-0c4d-4e0a-9f3e-1d2b3c4d5e01 2>&1 | tr '\n' ' ' | sed 's/  */ /g; s/ $//')"
gpupass mdev list --json | sed 's/^/GPUPASS-JSON mdev-list /'
