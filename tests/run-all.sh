#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Everything README's test command runs: unit + fixture tests (plain and
# sanitized), lint, and the QEMU boot tests.  Each part prints its own
# "N passed, N failed"; the last line here is the sum.
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0

part() { # label command...
	label=$1; shift
	echo "=== $label"
	"$@" 2>&1 | tee tests/.build/part.log
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' tests/.build/part.log | tail -n1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
	# A part that ends without its summary line has failed as a whole.
	[ -n "$line" ] || { p=0; f=1; echo "$label: no summary line, counted as a failure"; }
	pass=$((pass + p)); fail=$((fail + f))
}

mkdir -p tests/.build
# The unit list is tests.mk's UNITS, so a new unit test runs here too.
# shellcheck disable=SC2046 # one word per unit
part "unit and fixture tests" tests/run-checks.sh $(make -s print-units)
part "lint" tests/lint.sh
if [ -x tests/boot/run.sh ]; then
	part "boot tests (QEMU)" tests/boot/run.sh
fi
# The .deb on real Debian 12 systems booted to multi-user (tests/system).
if [ -x tests/system/run.sh ]; then
	part "system tests (the .deb, QEMU)" tests/system/run.sh
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
