#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd/gpupass-verify.sh (what gpupass-verify.service runs) on fake trees
# built from fixture cases: its exit status (the unit fails when gpupass
# status is not 0), the node_exporter textfile (exactly the status-prometheus
# fixture's output), the node-feature-discovery file, "auto" and "off", and
# a file that cannot be written.
# Usage: run.sh GPUPASS MKFAKESYS; prints "verify: N passed, N failed".
set -u
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
gpupass=$(abspath "$1") mkfakesys=$(abspath "$2")
cd "$(dirname "$0")/../.." || exit 1
fx=$PWD/tests/fixtures verify=$PWD/systemd/gpupass-verify.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
prom=var/lib/prometheus/node-exporter nfd=etc/kubernetes/node-feature-discovery/features.d

tree() { # fixture-case -> path of a fresh fake root
	r=$(mktemp -d "$work/root.XXXXXX")
	"$mkfakesys" "$r" < "$fx/$1/sys.spec"
	cp -R "$fx/$1/root/." "$r/"
	[ -f "$fx/$1/setup" ] && (cd "$r" && sh "$fx/$1/setup")
	echo "$r"
}

# Run the script on ROOT with the VAR=value settings given; its status in $rc.
run() { # root [VAR=value...]
	r=$1
	shift
	env GPUPASS="$gpupass" GPUPASS_ROOT="$r" "$@" sh "$verify" > "$work/out" 2> "$work/err"
	rc=$?
}

ok() { # name condition...
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL verify: $name"
		sed 's/^/    /' "$work/err"
	fi
}

# Satisfied, both collectors' directories there: both files, exit 0.
r=$(tree status-ok)
mkdir -p "$r/$prom" "$r/$nfd"
run "$r"
ok "satisfied: exit 0" [ "$rc" -eq 0 ]
ok "satisfied: status in the journal" grep -q 'rules satisfied' "$work/out"
ok "satisfied: gpupass_satisfied 1" grep -qx 'gpupass_satisfied 1' "$r/$prom/gpupass.prom"
printf 'gpupass.satisfied=true\ngpupass.claimed=2\ngpupass.claimed.amd=1\ngpupass.claimed.intel=1\n' > "$work/want"
ok "satisfied: NFD features" cmp -s "$work/want" "$r/$nfd/gpupass"
ok "satisfied: no temporary file left" [ -z "$(find "$r/$prom" "$r/$nfd" -name '.gpupass.*')" ]

# Not satisfied: exit 1 (the unit fails), the textfile is the fixture's output.
r=$(tree status-prometheus)
mkdir -p "$r/$prom" "$r/$nfd"
run "$r"
ok "not satisfied: exit 1" [ "$rc" -eq 1 ]
ok "not satisfied: textfile = status-prometheus fixture" cmp -s "$fx/status-prometheus/expected.out" "$r/$prom/gpupass.prom"
printf 'gpupass.satisfied=false\ngpupass.claimed=1\ngpupass.claimed.amd=1\n' > "$work/want"
ok "not satisfied: NFD features" cmp -s "$work/want" "$r/$nfd/gpupass"

# "auto" without the directories writes nothing; "" turns a file off.
r=$(tree status-ok)
run "$r"
ok "auto, no directories: exit 0" [ "$rc" -eq 0 ]
ok "auto, no directories: nothing written" [ ! -e "$r/var/lib/prometheus" ] && [ ! -e "$r/etc/kubernetes" ]
mkdir -p "$r/$prom" "$r/$nfd"
run "$r" GPUPASS_TEXTFILE= GPUPASS_NFD_FILE="$work/features"
ok "off: no textfile" [ ! -e "$r/$prom/gpupass.prom" ]
ok "explicit path: NFD file there" grep -qx 'gpupass.satisfied=true' "$work/features"

# A file that cannot be written fails the unit, and says where.
r=$(tree status-ok)
run "$r" GPUPASS_TEXTFILE="$work/missing/gpupass.prom" GPUPASS_NFD_FILE=
ok "unwritable: exit 1" [ "$rc" -eq 1 ]
ok "unwritable: says which file" grep -q "cannot write $work/missing/gpupass.prom" "$work/err"

echo "verify: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
