#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what the QEMU boot tests (run.sh, demo.sh, negative.sh) need on a
# fresh Debian 12.  The package list lives in one place, tests/deps.sh; this
# name stays because the boot tests' messages and README point here.
# Idempotent and instant when everything is there.  Run as root.
set -eu
exec "$(dirname "$0")/../deps.sh" all
