# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by bench.sh and coldplug.sh: the benchmark's tree and config, so
# that both measure the same host.
# bench_tree ROOT MKFAKESYS WORK: ROOT gets the fake sysfs and /etc/gpupass.conf.
bench_tree() {
	_root=$1 _mkfakesys=$2 _work=$3
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
	}' > "$_work/spec"
	"$_mkfakesys" "$_root" < "$_work/spec"

	# 64 rules: 60 that select nothing (IDs of cards not in this machine), and four
	# that claim a few cards with their functions: a plausible large config.
	mkdir -p "$_root/etc"
	awk 'BEGIN {
		for (i = 0; i < 60; i++) printf "claim 10de:%04x optional\n", 6912 + i
		print "claim 1002:6608 with=functions"
		print "claim 0000:02:03.0 with=functions expect=1002:6624"
		print "claim 0000:4e:00.0 driver=pci-stub"
		print "claim 1002:661f with=group"
	}' > "$_root/etc/gpupass.conf"
}
