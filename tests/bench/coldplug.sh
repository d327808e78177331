#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What the hotplug rule costs at coldplug, on bench.sh's tree (10,000 PCI
# functions, the same 64 rules): how many of the 10,000 ADD events the
# generated rule (/run/udev/rules.d/70-gpupass-claim.rules) sends to gpupass,
# what one such run costs, and what a rule without match keys (one gpupass
# per PCI device, exiting fast or not) would cost instead.  Figures, not a
# pass/fail test; docs/PERFORMANCE.md has the results.
# Usage: coldplug.sh GPUPASS MKFAKESYS [RUNS]
set -eu
gpupass=$1 mkfakesys=$2 runs=${3:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root

# The tree and config of bench.sh.
# shellcheck source=tests/bench/tree.sh
. "$(dirname "$0")/tree.sh"
bench_tree "$root" "$mkfakesys" "$work"

# The rule as apply writes it (the fake tree's drivers never move, so the
# run "fails"; the rule is written all the same).
"$gpupass" --root "$root" apply > /dev/null 2>&1 || true
rules=$root/run/udev/rules.d/70-gpupass-claim.rules
lines=$(grep -c 'GOTO="gpupass_claim"$' "$rules")

# udev's matching, replayed for every device: KERNEL globs and ATTR values,
# as udev compares them (fnmatch); a line's keys must all match.
awk -v sys="$root/sys/bus/pci/devices" '
function attr(dev, name,   v, f) {
	f = sys "/" dev "/" name
	v = ""
	getline v < f
	close(f)
	return v
}
BEGIN { n = 0 }
/GOTO="gpupass_claim"$/ { rule[n++] = $0 }
END {
	cmd = "ls " sys
	while ((cmd | getline dev) > 0) {
		devs++
		for (i = 0; i < n; i++) {
			line = rule[i]; ok = 1
			while (ok && match(line, /(KERNEL|ATTR\{[a-z]+\})=="[^"]*"/)) {
				kv = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
				key = substr(kv, 1, index(kv, "==") - 1)
				pat = substr(kv, index(kv, "==") + 3); pat = substr(pat, 1, length(pat) - 1)
				val = key == "KERNEL" ? dev : attr(dev, substr(key, 6, length(key) - 6))
				gsub(/\./, "\\.", pat); gsub(/\*/, ".*", pat); gsub(/\?/, ".", pat)
				if (val !~ ("^" pat "$")) ok = 0
			}
			if (ok) { hits++; break }
		}
	}
	printf "%d %d\n", devs, hits
}' "$rules" > "$work/hits"
read -r devs hits < "$work/hits"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_runs() { # command...
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N)
		echo $(((e - s) / 1000))
		i=$((i + 1))
	done | median
}
hit=0000:02:03.0 # claim 0000:02:03.0 with=functions
t_hit=$(time_runs "$gpupass" --root "$root" apply --hotplug "$hit")
t_miss=$(time_runs "$gpupass" --root "$root" apply --hotplug 0000:01:00.2)
t_exec=$(time_runs "$gpupass" --version)

echo "tree: $devs PCI functions, 64 rules; the generated rule has $lines match lines"
echo "coldplug: $hits of $devs ADD events run gpupass (the rest stop at the rule's match keys)"
echo "apply --hotplug of a selected device ($hit): median $t_hit us over $runs runs"
echo "apply --hotplug of a device no rule selects: median $t_miss us"
echo "exec of the static binary alone (gpupass --version): median $t_exec us"
awk -v h="$hits" -v th="$t_hit" -v d="$devs" -v tm="$t_miss" -v te="$t_exec" 'BEGIN {
	printf "coldplug cost with the generated rule: %d x %.1f ms = %.2f s of CPU\n", h, th / 1000, h * th / 1e6
	printf "a rule without match keys: %d x %.1f ms = %.0f s (%d x %.1f ms = %.1f s even with a fast exit that only execs)\n",
		d, tm / 1000, d * tm / 1e6, d, te / 1000, d * te / 1e6
}'
