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

# 10,000 functions: buses 01..4f, 32 slots of 4 functions (a GPU and its audio
# function then two more), each slot in its own IOMMU group, all bound; every
# card has its own device ID (1002:6601...), as on a real host.
# (awk: decimal constants, mawk reads 0x... as 0.)
awk 'BEGIN {
	n = 0; g = 0
	for (bus = 1; n < 10000; bus++)
		for (dev = 0; dev < 32 && n < 10000; dev++) {
			g++
			for (fn = 0; fn < 4 && n < 10000; fn++) {
				cls = fn == 0 ? "030000" : fn == 1 ? "040300" : "020000"
				drv = fn == 0 ? "radeon" : fn == 1 ? "snd_hda_intel" : "e1000e"
				id = fn == 0 ? "1002:" sprintf("%04x", 26112 + g % 4096) : fn == 1 ? "1002:aab0" : "8086:10d3"
				printf "device 0000:%02x:%02x.%d %s %s driver=%s group=%d\n", bus, dev, fn, id, cls, drv, g
				n++
			}
		}
	print "driver vfio-pci"
}' > "$work/spec"
"$mkfakesys" "$root" < "$work/spec"

# 64 rules: 60 that select nothing (IDs of cards not in this machine), and four
# that claim a few cards with their functions: a plausible large config.
mkdir -p "$root/etc"
awk 'BEGIN {
	for (i = 0; i < 60; i++) printf "claim 10de:%04x optional\n", 6912 + i
	print "claim 1002:6608 with=functions"
	print "claim 0000:02:03.0 with=functions expect=1002:6624"
	print "claim 0000:4e:00.0 driver=pci-stub"
	print "claim 1002:661f with=group"
}' > "$root/etc/gpupass.conf"

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
