#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# completions/gpupass, sourced as bash-completion would, asked what it
# completes (COMP_WORDS/COMP_CWORD/COMP_LINE set as readline sets them) for a
# verb, options, PCI addresses and mdev UUIDs from a fake sysfs (GPUPASS_SYSFS).
# Usage: run.sh GPUPASS.  Last line: "completion: N passed, N failed".
set -u
gpupass=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

# The fake sysfs: three PCI functions, one mdev.
for d in 0000:00:02.0 0000:01:00.0 0000:01:00.1; do
	mkdir -p "$work/sys/bus/pci/devices/$d"
done
mkdir -p "$work/sys/bus/mdev/devices/fff6f017-3417-4ad3-b05e-17ae3e1a4615"
export GPUPASS_SYSFS=$work/sys
# The binary under test as "gpupass", as the completion calls COMP_WORDS[0].
mkdir -p "$work/bin" && ln -s "$gpupass" "$work/bin/gpupass"
PATH=$work/bin:$PATH
COMP_WORDBREAKS=${COMP_WORDBREAKS:-$' \t\n"\'><=;|&(:'}
# shellcheck source=completions/gpupass
. "$here/../../completions/gpupass"

# expect LINE WANT...: complete at the end of LINE; every WANT must be offered.
# "!WORD" must not be.  Words are split as readline splits them (':' apart).
expect() {
	local line=$1 w ok=0 got
	shift
	COMP_LINE=$line COMP_POINT=${#line}
	read -ra COMP_WORDS <<< "${line//:/ : }"
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	[[ $line == *: ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_gpupass
	got=" ${COMPREPLY[*]} "
	for w in "$@"; do
		if [[ $w == !* ]]; then
			[[ $got != *" ${w#!} "* ]] && continue
		elif [[ $got == *" $w "* ]]; then
			continue
		fi
		echo "FAIL '$line': want $w, got:$got"
		ok=1
	done
	if ((ok == 0)); then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

expect "gpupass st" status '!list'
expect "gpupass " apply plan status list release xml check modules protected mdev
expect "gpupass status --j" --json
expect "gpupass status --" --json --root --sysfs --config --debug --help '!--dry-run' '!--all'
expect "gpupass release --" --all --dry-run '!--json'
expect "gpupass --" --root --sysfs --json --early
expect "gpupass release " 0000:00:02.0 0000:01:00.0 0000:01:00.1
# readline keeps "0000:01:" of the word: the matches are what follows its last ':'.
expect "gpupass release 0000:01:" 00.0 00.1 '!0000:01:00.0' '!02.0'
expect "gpupass xml fff" fff6f017-3417-4ad3-b05e-17ae3e1a4615
expect "gpupass mdev " list start remove
expect "gpupass mdev remove " fff6f017-3417-4ad3-b05e-17ae3e1a4615
expect "gpupass apply --late 0000:00:0" 02.0
expect "gpupass apply 0000" '!0000:00:02.0'
GPUPASS_SYSFS=/nonexistent expect "gpupass --sysfs $work/sys release 0000:00" 00:02.0 '!0000:00:02.0'

echo "completion: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
