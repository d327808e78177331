#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run what `make check` built: unit tests and fixtures (with early/gpupass,
# the dynamic variant, and under ASan+UBSan), then each fuzz target for
# FUZZ_SMOKE_SECONDS (5) on its seeds.
# Ends with one line "N passed, N failed" over everything.
# Usage: run-checks.sh UNIT...
set -u
cd "$(dirname "$0")/.." || exit 1
b=tests/.build
pass=0 fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
export CMOCKA_MESSAGE_OUTPUT=stdout

count() { # passed failed
	pass=$((pass + $1)); fail=$((fail + $2))
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)..."; a
# crash or sanitizer report (exit status without a FAILED line) counts as one failure.
run_unit() { # binary
	out=$("$1" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^\[ *(FAILED|ERROR) *\]|runtime error|Sanitizer' || true
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	p=${p:-0} f=${f:-0}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "unit $1: $p passed, $f failed"
	count "$p" "$f"
}

run_fixtures() { # gpupass-binary label
	out=$(tests/fixtures/run.sh "$1" "$b/mkfakesys" 2>&1)
	printf '%s\n' "$out" | grep -v -e '^PASS ' -e '^fixtures: '
	p=$(printf '%s\n' "$out" | sed -n 's/^fixtures: \([0-9]*\) passed.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^fixtures: [0-9]* passed, \([0-9]*\) failed/\1/p')
	echo "fixtures ($2): ${p:-0} passed, ${f:-1} failed"
	count "${p:-0}" "${f:-1}"
}

# A test script over early/gpupass that ends with "LABEL: N passed, N failed".
run_script() { # label script
	out=$("$2" early/gpupass "$b/mkfakesys" 2>&1)
	printf '%s\n' "$out" | grep -v "^$1: "
	p=$(printf '%s\n' "$out" | sed -n "s/^$1: \([0-9]*\) passed.*/\1/p")
	f=$(printf '%s\n' "$out" | sed -n "s/^$1: [0-9]* passed, \([0-9]*\) failed/\1/p")
	echo "$1: ${p:-0} passed, ${f:-1} failed"
	count "${p:-0}" "${f:-1}"
}

# One result per fuzz target: a smoke run, so the harnesses cannot rot.
run_fuzz() { # seconds
	out=$(tests/fuzz/run.sh -s "$1" 2>&1)
	printf '%s\n' "$out" | grep -v '^fuzz: '
	p=$(printf '%s\n' "$out" | sed -n 's/^fuzz: \([0-9]*\) passed.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^fuzz: [0-9]* passed, \([0-9]*\) failed/\1/p')
	echo "fuzz ($1 s each): ${p:-0} passed, ${f:-1} failed"
	count "${p:-0}" "${f:-1}"
}

for u in "$@"; do run_unit "$b/test_$u"; done
# early/gpupass is what make built: static unless STATIC=0.
if file -b early/gpupass | grep -q 'statically linked'; then
	run_fixtures early/gpupass "early/gpupass, static"
else
	run_fixtures early/gpupass "early/gpupass, dynamic"
fi
run_fixtures "$b/dynamic/gpupass" "dynamic variant"
# The bash completion (completions/gpupass) asks the binary for verbs and options.
run_completion() { # gpupass-binary
	out=$(tests/completion/run.sh "$1" 2>&1)
	printf '%s\n' "$out" | grep -v '^completion: '
	p=$(printf '%s\n' "$out" | sed -n 's/^completion: \([0-9]*\) passed.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^completion: [0-9]* passed, \([0-9]*\) failed/\1/p')
	echo "completion: ${p:-0} passed, ${f:-1} failed"
	count "${p:-0}" "${f:-1}"
}
run_completion early/gpupass
# What gpupass-verify.service runs, on fake trees; capture round trips (each
# fixture tree and its unpacked capture give the same plan, check, status).
run_script verify tests/verify/run.sh
run_script capture tests/capture/run.sh
for u in "$@"; do run_unit "$b/asan/test_$u"; done
run_fixtures "$b/asan/gpupass" "asan+ubsan"
run_script "libvirt hook" tests/libvirt/run.sh
run_fuzz "${FUZZ_SMOKE_SECONDS:-5}"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
