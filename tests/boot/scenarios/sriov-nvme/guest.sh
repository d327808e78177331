#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled, i.e. once the nvme driver
# has bound the PF: the later stage, as the installed udev rule
# (udev/90-gpupass.rules) runs it for the PF's bind event on a real system.
gpupass apply --late --early 0000:01:00.0
