#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rebuild the seed corpora tests/fuzz/corpus/TARGET/ from the fixtures:
#   config    each fixture case's etc/gpupass.conf and gpupass.d/ files (after
#             its setup), and each QEMU boot scenario's gpupass.conf
#   cmdline   each proc/cmdline and boot scenario cmdline, and the switches
#             early/policy/cmdline.h documents that none of them uses
#   selector  each selector of those configs (claim words) and command lines
#   bootrec   each status.json and late.json a fixture case leaves in its fake
#             root: written by its setup, or by the binary's run (apply, --late)
#   jsonread  the same records, and a few documents for what records never
#             hold (every escape, numbers, nesting, top-level scalars)
# Every case runs as tests/fixtures/run.sh runs it: against its own fake root.
# A seed is named after the case it comes from; a content seen before, or one
# over 8 KiB, is left out.  The corpus folders are rewritten as a whole.
# Usage: seeds.sh GPUPASS MKFAKESYS   (make fuzz-seeds)
set -u
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ $# -eq 2 ] || { echo "usage: seeds.sh GPUPASS MKFAKESYS" >&2; exit 2; }
gpupass=$(abspath "$1") mkfakesys=$(abspath "$2")
cd "$(dirname "$0")/../.." || exit 1
GPUPASS_SRC=$PWD
MKFAKESYS=$mkfakesys
export GPUPASS_SRC MKFAKESYS
out=$PWD/tests/fuzz/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets="config cmdline selector bootrec jsonread"

for t in $targets; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
	: > "$work/$t.sums"
done

seed() { # target name file
	[ -f "$3" ] && [ "$(wc -c < "$3")" -le 8192 ] || return 0
	sum=$(sha1sum < "$3" | cut -c1-40)
	grep -qx "$sum" "$work/$1.sums" && return 0
	echo "$sum" >> "$work/$1.sums"
	file=$2 n=1
	while [ -e "$out/$1/$file" ]; do
		n=$((n + 1)) file=$2-$n
	done
	cp "$3" "$out/$1/$file"
}

# The selector words of a config file: claim's words with ':' or '.' and no '='.
# Regular files only: a case's FIFO would hang the read.
config_selectors() {
	[ -f "$1" ] || return 0
	sed 's/#.*//; s/\r$//' "$1" |
		awk '$1 == "claim" { for (i = 2; i <= NF; i++) if ($i ~ /[:.]/ && $i !~ /=/) print $i }'
}

# The selectors of gpupass.claim= and gpupass.skip= in a command line file.
cmdline_selectors() {
	[ -f "$1" ] || return 0
	tr -s ' \t' '\n' < "$1" | sed -n 's/^\(rd\.\)\{0,1\}gpupass\.\(claim\|skip\)=//p' | tr ',' '\n'
}

case_seeds() { # case-dir
	c=$1 name=$(basename "$1") root="$work/root"
	rm -rf "$root"
	mkdir -p "$root"
	[ -f "$c/sys.spec" ] && "$mkfakesys" "$root" < "$c/sys.spec"
	[ -d "$c/root" ] && cp -R "$c/root/." "$root/"
	[ -f "$c/setup" ] && (cd "$root" && sh "$c/setup")
	seed config "$name.conf" "$root/etc/gpupass.conf"
	for f in "$root"/etc/gpupass.d/*; do
		seed config "$name-${f##*/}" "$f"
		config_selectors "$f" >> "$work/selectors"
	done
	config_selectors "$root/etc/gpupass.conf" >> "$work/selectors"
	seed cmdline "$name" "$root/proc/cmdline"
	cmdline_selectors "$root/proc/cmdline" >> "$work/selectors"
	# shellcheck disable=SC2046 # args are words by design, as in tests/fixtures/run.sh
	(cd "$root" && timeout -k 5 30 "$gpupass" --root "$root" $(cat "$c/args")) \
		> /dev/null 2>&1
	for f in status late; do
		seed bootrec "$name-$f.json" "$root/run/gpupass/$f.json"
		seed jsonread "$name-$f.json" "$root/run/gpupass/$f.json"
	done
}

for c in tests/fixtures/*/; do
	[ -f "$c/args" ] && case_seeds "$PWD/$c"
done
for s in tests/boot/scenarios/*/; do
	name=boot-$(basename "$s")
	seed config "$name.conf" "$s/gpupass.conf"
	seed cmdline "$name" "$s/cmdline"
	config_selectors "$s/gpupass.conf" >> "$work/selectors"
	cmdline_selectors "$s/cmdline" >> "$work/selectors"
done
# The documented switches (early/policy/cmdline.h) no case above uses.
printf 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro rd.gpupass=0 gpupass.debug\n' > "$work/doc"
seed cmdline doc-rd-off-debug "$work/doc"
printf 'quiet "gpupass.claim=10de:1b80,0000:02:00.0" rd.gpupass.debug=no\n' > "$work/doc"
seed cmdline doc-quoted-claim "$work/doc"

# What the records never hold, for the reader alone.
printf '["\\"\\\\\\/\\b\\f\\n\\r\\t", "\\u00e9\\u20AC\\ud83d\\ude00\\u0000", "\303\251"]\n' > "$work/doc"
seed jsonread doc-escapes.json "$work/doc"
printf '[0, -0, -9223372036854775808, 9223372036854775807, 1.5, -2.5e-3, 1E+400]\n' > "$work/doc"
seed jsonread doc-numbers.json "$work/doc"
printf '{"a": {"b": [[{"c": null}], [], {}]}, "a": true, "": false}\n' > "$work/doc"
seed jsonread doc-nesting.json "$work/doc"
printf ' "top" \r\n' > "$work/doc"
seed jsonread doc-scalar.json "$work/doc"

sort -u "$work/selectors" | while read -r s; do
	printf '%s' "$s" > "$work/sel"
	seed selector "$(printf '%s' "$s" | tr ':.*' '-_x')" "$work/sel"
done
for t in $targets; do
	echo "tests/fuzz/corpus/$t: $(find "$out/$t" -type f | wc -l) seeds"
done
