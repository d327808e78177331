#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# 'systemd-analyze verify' on the shipped units, with their ExecStart= paths
# pointed at this tree (early/gpupass, systemd/gpupass-verify.sh) so that
# the check needs nothing installed.  Skipped (exit 0, said on stderr) without
# systemd-analyze.  Usage: units.sh; exit 1 when a unit has a complaint.
set -u
cd "$(dirname "$0")/../.." || exit 1
if ! command -v systemd-analyze > /dev/null; then
	echo "units.sh: systemd-analyze not found, units not checked" >&2
	exit 0
fi
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
rc=0
for u in systemd/*.service; do
	sed -e "s|/usr/libexec/gpupass/gpupass-verify|$PWD/systemd/gpupass-verify.sh|" \
		-e "s|/usr/sbin/gpupass|$PWD/early/gpupass|" "$u" > "$d/${u##*/}"
	out=$(systemd-analyze verify --man=no "$d/${u##*/}" 2>&1) || rc=1
	if [ -n "$out" ]; then
		echo "$u: $out" >&2
		rc=1
	fi
done
exit $rc
