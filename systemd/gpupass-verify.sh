#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What gpupass-verify.service runs once per boot, after the later stage:
# 'gpupass status' into the journal, and its exit status as the unit's, so a
# rule that is not satisfied (or a stale initramfs) leaves the unit failed and
# 'systemctl is-system-running' says "degraded".  Also, when switched on:
#   GPUPASS_TEXTFILE  status --format=prometheus for node_exporter's textfile
#                     collector.  "auto" (the default): Debian's
#                     /var/lib/prometheus/node-exporter/gpupass.prom when that
#                     directory exists; a path: there; empty: off.
#   GPUPASS_NFD_FILE  a node-feature-discovery local feature file
#                     (gpupass.satisfied=true|false, gpupass.claimed=N,
#                     gpupass.claimed.VENDOR=N).  "auto" (the default):
#                     /etc/kubernetes/node-feature-discovery/features.d/gpupass
#                     when that directory exists; a path: there; empty: off.
# Both are set in /etc/default/gpupass and replaced atomically (a temporary
# file in the same directory, then mv), so a collector never reads half a file.
#   GPUPASS_SETTLE_TIMEOUT  seconds to wait for udev's queue (default 60).
# Tests: GPUPASS (the binary) and GPUPASS_ROOT (its --root, and where "auto"
# looks; no udev wait then) point it at a fake tree.
# Exit status: gpupass status's; 1 as well when a file cannot be written.
set -u
gpupass=${GPUPASS:-/usr/sbin/gpupass}
root=${GPUPASS_ROOT:-}
textfile=${GPUPASS_TEXTFILE-auto}
nfd=${GPUPASS_NFD_FILE-auto}

# "auto": the default path under the root when its directory is there.
resolve() { # setting default-path
	case $1 in
	auto) if [ -d "$root$(dirname "$2")" ]; then echo "$root$2"; fi ;;
	*) echo "$1" ;;
	esac
}

# Replace $1 with stdin, atomically; 1 (said on stderr) when it cannot.
write_atomic() { # file
	tmp=$(mktemp "$(dirname "$1")/.gpupass.XXXXXX") || {
		echo "gpupass-verify: cannot write $1 (its directory is missing or read-only); fix $1's directory or the setting in /etc/default/gpupass" >&2
		return 1
	}
	if cat > "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$1"; then
		return 0
	fi
	rm -f "$tmp"
	echo "gpupass-verify: cannot write $1; fix $1's directory or the setting in /etc/default/gpupass" >&2
	return 1
}

# The feature labels, from the metrics: claimed devices in all and per vendor.
nfd_features() { # satisfied(true|false)
	echo "gpupass.satisfied=$1"
	awk '/^gpupass_device_claimed\{/ && $NF == 1 {
		n++
		v = $0; sub(/.*vendor="/, "", v); v = substr(v, 1, 4)
		name = v == "10de" ? "nvidia" : v == "1002" ? "amd" : v == "8086" ? "intel" : v
		per[name]++
	}
	END {
		print "gpupass.claimed=" n + 0
		for (name in per) print "gpupass.claimed." name "=" per[name] | "sort"
	}'
}

# The boot's coldplug first (bounded): a PF or mdev parent whose driver
# bound late gets its VFs or mdevs from the udev rule's later-stage run, and
# that is what is judged, not a race with it.  Not for a --root tree.
if [ -z "$root" ] && command -v udevadm > /dev/null; then
	udevadm settle --timeout="${GPUPASS_SETTLE_TIMEOUT:-60}" ||
		echo "gpupass-verify: udev events still queued after ${GPUPASS_SETTLE_TIMEOUT:-60} s; judging the state now" >&2
fi
set -- ${root:+--root "$root"}
"$gpupass" "$@" status
status=$?
rc=$status
textfile=$(resolve "$textfile" /var/lib/prometheus/node-exporter/gpupass.prom)
nfd=$(resolve "$nfd" /etc/kubernetes/node-feature-discovery/features.d/gpupass)
[ -n "$textfile$nfd" ] || exit $rc
metrics=$("$gpupass" "$@" status --format=prometheus 2> /dev/null)
if [ -z "$metrics" ]; then
	echo "gpupass-verify: 'gpupass status --format=prometheus' printed nothing; files not written" >&2
	exit 1
fi
if [ -n "$textfile" ]; then
	printf '%s\n' "$metrics" | write_atomic "$textfile" || rc=1
fi
if [ -n "$nfd" ]; then
	satisfied=false
	[ $status -eq 0 ] && satisfied=true
	printf '%s\n' "$metrics" | nfd_features $satisfied | write_atomic "$nfd" || rc=1
fi
exit $rc
