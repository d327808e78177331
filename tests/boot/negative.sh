#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shows that the boot tests can fail: builds the images with the gpupass hook
# removed, then with it running after udev, and runs the race scenarios
# (id-claim, amd-radeon) against each; then with the udev rule
# (90-gpupass.rules) left out of the installed tree, and runs the mdev
# scenarios, whose images take the rule from there; then with the hotplug rule
# masked (no-hotplug-rule: the images are the normal ones), the hotplug
# scenarios.  Every one of those boots must FAIL.  Rebuilds the base images
# for each mutation, and once more on the
# next normal run.
#
# Usage: negative.sh [-f FLAVOUR]... [-m MUTATION]... [SCENARIO...]
#   -m         only this mutation (repeatable): removed late norule no-hotplug-rule
#   SCENARIO   instead of the default ones, for every mutation
# Last line: "N passed, N failed" (a pass is a mutated run that failed).

set -u -o pipefail
here=$(dirname "$0")
args=() scenarios=() mutations=()
while (($#)); do
	case $1 in
	-f) args+=(-f "$2"); shift ;;
	-m) mutations+=("$2"); shift ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done
((${#mutations[@]})) || mutations=(removed late norule no-hotplug-rule)

pass=0 fail=0
for how in "${mutations[@]}"; do
	if ((${#scenarios[@]})); then
		list=("${scenarios[@]}")
	elif [[ $how == norule ]]; then
		list=(mdev-create mdev-rebind mdev-exhausted)
	elif [[ $how == no-hotplug-rule ]]; then
		list=(hotplug-rescan hotplug-add)
	else
		list=(id-claim amd-radeon)
	fi
	case $how in
	norule) echo "=== udev rule left out" ;;
	no-hotplug-rule) echo "=== hotplug rule masked" ;;
	*) echo "=== gpupass hook $how" ;;
	esac
	out=$(GPUPASS_TEST_MUTATE=$how "$here/run.sh" "${args[@]}" "${list[@]}" 2>&1)
	printf '%s\n' "$out" | sed -n '/^\(PASS\|FAIL\|     \)/p'
	p=$(printf '%s\n' "$out" | grep -c '^PASS ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	if ((p == 0 && f > 0)); then
		echo "ok: all $f boots failed with the mutation $how"
		pass=$((pass + 1))
	else
		echo "NOT OK: $p of $((p + f)) boots passed with the mutation $how"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
((fail == 0))
