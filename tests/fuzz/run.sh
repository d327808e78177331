#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the libFuzzer targets that tests/fuzz/fuzz.mk built, one after the other
# at nice 19, each for SECONDS from its seeds (tests/fuzz/corpus/TARGET/, only
# read) with its dictionary (tests/fuzz/TARGET.dict).
#   run.sh SECONDS [TARGET...]     make fuzz: the inputs found are kept in
#                                  tests/.build/fuzz/TARGET/corpus, where the
#                                  next run starts from them
#   run.sh -s SECONDS [TARGET...]  make check: the inputs found are thrown away
# No TARGET: every tests/fuzz/fuzz_TARGET.c.  One line per target (seconds,
# CPU seconds: less than those at nice 19 on a busy machine, executions,
# exec/s, corpus, crashes); a crash, leak, timeout or sanitizer
# report fails its target and prints the report's summary, the reproducer and
# how to rerun it.  Ends with "fuzz: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
b=tests/.build/fuzz
smoke=0
if [ "${1:-}" = -s ]; then
	smoke=1
	shift
fi
case ${1:-} in
'' | *[!0-9]*)
	echo "usage: run.sh [-s] SECONDS [TARGET...]" >&2
	exit 2
	;;
esac
secs=$1
shift
if [ $# -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		t=${f##*/fuzz_}
		set -- "$@" "${t%.c}"
	done
fi
pass=0 fail=0

stat() { # name log: libFuzzer's final "stat::NAME: VALUE", or "?"
	v=$(sed -n "s/^stat::$1: *//p" "$2" | tail -n1)
	echo "${v:-?}"
}

# Prints the target's line; returns non-zero when it failed.
run_target() { # target
	t=$1 bin=$b/fuzz_$1 dir=$b/$1
	if [ ! -x "$bin" ]; then
		echo "fuzz $t: $bin is not built (make fuzz-build), failed"
		return 1
	fi
	keep=$dir/corpus
	[ "$smoke" -eq 1 ] && keep=$dir/smoke && rm -rf "$keep"
	mkdir -p "$keep"
	# The first folder gets the new inputs; the seeds are only read.
	set -- -max_total_time="$secs" -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/" \
		"$keep" "tests/fuzz/corpus/$t"
	[ -f "tests/fuzz/$t.dict" ] && set -- -dict="tests/fuzz/$t.dict" "$@"
	# A selector is at most 47 bytes: longer inputs only test the length check.
	[ "$t" = selector ] && set -- -max_len=64 "$@"
	start=$(date +%s)
	timeout -k 5 $((secs + 60)) nice -n 19 \
		/usr/bin/time -o "$dir/cpu" -f '%U %S' "$bin" "$@" > "$dir/log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	# time(1) puts "Command exited with non-zero status N" before the figures.
	cpu=$(tail -n1 "$dir/cpu" 2> /dev/null | awk '{ printf "%.0f", $1 + $2 }')
	[ "$smoke" -eq 1 ] && rm -rf "$keep"
	runs=$(stat number_of_executed_units "$dir/log")
	corpus=$(sed -n 's/^#[0-9].* corp: \([0-9]*\)\/.*/\1/p' "$dir/log" | tail -n1)
	artifact=$(sed -n 's/.*Test unit written to //p' "$dir/log" | head -n1)
	crashes=0
	[ "$rc" -ne 0 ] || [ -n "$artifact" ] && crashes=1
	echo "fuzz $t: $took s (cpu ${cpu:-?} s), $runs runs ($(stat average_exec_per_sec "$dir/log")/s)," \
		"corpus ${corpus:-?} (+$(stat new_units_added "$dir/log") new), $crashes crashes"
	[ "$crashes" -eq 0 ] && return 0
	grep -m1 -e '^SUMMARY' -e 'runtime error' -e '^fuzz: ' "$dir/log" | sed 's/^/  /'
	echo "  exit status $rc; the whole report: $dir/log"
	if [ -n "$artifact" ]; then
		echo "  reproducer: $artifact"
		echo "  rerun: $bin $artifact   (FUZZ_LOG=1 shows gpupass's messages)"
		echo "  minimize: $bin -minimize_crash=1 -runs=100000 $artifact"
	fi
	return 1
}

mkdir -p "$b"
for t in "$@"; do
	if run_target "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
