#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: gpupass plan against lspci -n on one fake tree of 10,000 PCI
# functions with 64 rules.  Prints the median wall time of each, their ratio,
# the stripped binary size and gpupass's peak RSS; with DYNAMIC set (make
# bench sets it), the same size and RSS of that dynamic variant too, and with
# DYNAMIC_DEB the size of the dynamic variant built with Debian's flags.  Figures,
# not a pass/fail test: targets for the static binary (make's default) are
# ratio <= 1.2, size <= 400 KiB (stretch 300 KiB), RSS <= 1 MiB.
# Usage: [DYNAMIC=GPUPASS-DYNAMIC] [DYNAMIC_DEB=GPUPASS] bench.sh GPUPASS MKFAKESYS [RUNS]
set -eu
gpupass=$1 mkfakesys=$2 runs=${3:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root

# shellcheck source=tests/bench/tree.sh
. "$(dirname "$0")/tree.sh"
bench_tree "$root" "$mkfakesys" "$work"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

time_runs() { # command...
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N)
		echo $(((e - s) / 1000))
		i=$((i + 1))
	done | median
}

lspci_cmd() { lspci -n -A linux-sysfs -O "sysfs.path=$root/sys/bus/pci"; }
plan_cmd() { "$gpupass" --root "$root" plan; }

devs=$(lspci_cmd | wc -l)
claims=$(plan_cmd 2>/dev/null | grep -c '^claim' || true)
t_plan=$(time_runs plan_cmd)
t_lspci=$(time_runs lspci_cmd)
stripped_size() { strip -o "$work/stripped" "$1" && wc -c < "$work/stripped"; }
size=$(stripped_size "$gpupass")
linkage=$(file -b "$gpupass" | sed -n 's/.*\(statically linked\|dynamically linked\).*/\1/p')
# Peak RSS (ru_maxrss) varies with how many shared library pages the kernel
# maps around each fault, so take the median of several runs.
rss_of() { for i in 1 2 3 4 5 6 7; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n1; done | median; }
rss=$(rss_of "$gpupass" --root "$root" plan)
rss_version=$(rss_of "$gpupass" --version)
rss_lspci=$(rss_of lspci -n -A linux-sysfs -O "sysfs.path=$root/sys/bus/pci")

echo "tree: $devs PCI functions, 64 rules, $claims devices planned for claiming"
echo "gpupass plan: median $t_plan us over $runs runs"
echo "lspci -n:     median $t_lspci us over $runs runs"
awk -v a="$t_plan" -v b="$t_lspci" 'BEGIN { printf "ratio plan/lspci: %.2f (target <= 1.20)\n", a / b }'
awk -v s="$size" -v l="$linkage" 'BEGIN { printf "stripped binary (%s): %d bytes = %.1f KiB (target <= 400 KiB, stretch 300 KiB)\n", l, s, s / 1024 }'
awk -v r="$rss" -v v="$rss_version" -v l="$rss_lspci" 'BEGIN { printf "peak RSS: %d KiB = %.2f MiB (target <= 1 MiB); gpupass --version: %d KiB; lspci -n: %d KiB\n", r, r / 1024, v, l }'
if [ -n "${DYNAMIC:-}" ]; then
	dsize=$(stripped_size "$DYNAMIC")
	drss=$(rss_of "$DYNAMIC" --root "$root" plan)
	awk -v s="$dsize" -v r="$drss" 'BEGIN { printf "dynamic variant (make STATIC=0, its default -Os): stripped %d bytes = %.1f KiB (target < 100 KiB), peak RSS of plan %d KiB = %.2f MiB\n", s, s / 1024, r, r / 1024 }'
fi
if [ -n "${DYNAMIC_DEB:-}" ]; then
	dsize=$(stripped_size "$DYNAMIC_DEB")
	awk -v s="$dsize" 'BEGIN { printf "dynamic variant with Debian'"'"'s flags (dpkg-buildflags, hardening=+all: -O2, stack protector, fortify, PIE, relro, now): stripped %d bytes = %.1f KiB\n", s, s / 1024 }'
fi
