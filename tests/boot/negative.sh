#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shows that the boot tests can fail: builds the images with the gpupass hook
# removed, then with it running after udev, and runs the race scenarios
# (id-claim, amd-radeon) against each.  Then, with the hotplug rule masked
# (no-hotplug-rule: the images are the normal ones), the hotplug scenarios.
# Every one of those boots must FAIL.
# Rebuilds the base images twice, and once more on the next normal run.
#
# Usage: negative.sh [-f FLAVOUR]... [SCENARIO...]   (default: id-claim amd-radeon)
#        HOTPLUG_SCENARIOS="..." for the last pass (default: hotplug-rescan hotplug-add)
# Last line: "N passed, N failed" (a pass is a mutated run that failed).

set -u -o pipefail
here=$(dirname "$0")
args=() scenarios=()
while (($#)); do
	case $1 in
	-f) args+=(-f "$2"); shift ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done
((${#scenarios[@]})) || scenarios=(id-claim amd-radeon)

pass=0 fail=0
# negative HOW SCENARIO...: run them mutated; a pass when every boot failed.
negative() {
	local how=$1 out p f
	shift
	echo "=== gpupass mutated: $how"
	out=$(GPUPASS_TEST_MUTATE=$how "$here/run.sh" "${args[@]}" "$@" 2>&1)
	printf '%s\n' "$out" | sed -n '/^\(PASS\|FAIL\|     \)/p'
	p=$(printf '%s\n' "$out" | grep -c '^PASS ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	if ((p == 0 && f > 0)); then
		echo "ok: all $f boots failed with $how"
		pass=$((pass + 1))
	else
		echo "NOT OK: $p of $((p + f)) boots passed with $how"
		fail=$((fail + 1))
	fi
}

for how in removed late; do
	negative "$how" "${scenarios[@]}"
done
read -ra hotplug <<< "${HOTPLUG_SCENARIOS:-hotplug-rescan hotplug-add}"
negative no-hotplug-rule "${hotplug[@]}"
echo "$pass passed, $fail failed"
((fail == 0))
