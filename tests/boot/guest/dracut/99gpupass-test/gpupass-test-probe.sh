#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY: sourced by dracut's initqueue once udev has settled.
if [ -x /gpupass-test/probe.sh ]; then
    /gpupass-test/probe.sh
fi
