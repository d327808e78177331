#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gpupass capture round trip: for each fixture case's fake tree, capture it,
# unpack the archive, and run plan, check, status --json and list --json on
# both: the outputs must be the same (the tree's path replaced); a case's
# "before" run is made on the tree first, so its records are in the capture.  Also: the
# capture changes nothing in the captured tree, and tar reads the archive.
# Cases whose point is a file a capture cannot carry (a FIFO, an unreadable
# or oversized file, a link out of the tree) are listed in SKIP with why.
# Usage: run.sh GPUPASS MKFAKESYS [CASE...]; prints "capture: N passed, N failed".
set -u
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
gpupass=$(abspath "$1") mkfakesys=$(abspath "$2")
shift 2
cd "$(dirname "$0")/../.." || exit 1
fx=$PWD/tests/fixtures
GPUPASS_SRC=$PWD MKFAKESYS=$mkfakesys
export GPUPASS_SRC MKFAKESYS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
# What a capture holds by design differs from these trees:
#   fifo-*: a FIFO where a file should be is left out (and said), so the
#     capture reads "missing" where the tree reads "not a regular file"
#   dropins-symlinks: drop-ins that are dangling or looping links, left out
#   list, list-json: names from the tree's pci.ids, which a capture leaves out
#   check-chroot*, storage-chroot*: the tree is a chroot (its / is not
#     /proc/1/root's); an unpacked capture never is, so the chroot's answers
#     (devices not checked, the fstab listed as traces for the boot) differ
SKIP=" fifo-config fifo-status dropins-symlinks list list-json check-chroot check-chroot-kernels storage-chroot storage-chroot-nomount storage-chroot-vda "

snapshot() { # dir -> listing of every path, type, size, mtime, link target
	(cd "$1" && find . -printf '%p %y %s %T@ %l\n' | sort)
}

outputs() { # root -> the four verbs' stdout, stderr and status
	for v in plan check "status --json" "list --json"; do
		echo "== $v"
		# shellcheck disable=SC2086 # $v is words by design
		(cd "$1" && timeout 30 "$gpupass" --root "$1" $v 2>&1; echo "rc=$?") |
			sed "s|$1|ROOT|g"
	done
}

[ $# -gt 0 ] || set -- "$fx"/*/
for c in "$@"; do
	c=${c%/}
	name=${c##*/}
	[ -f "$fx/$name/sys.spec" ] || continue
	case $SKIP in *" $name "*) continue ;; esac
	tree=$work/$name cap=$work/$name.cap
	mkdir -p "$tree" "$cap"
	"$mkfakesys" "$tree" < "$fx/$name/sys.spec"
	[ -d "$fx/$name/root" ] && cp -R "$fx/$name/root/." "$tree/"
	[ -f "$fx/$name/setup" ] && (cd "$tree" && sh "$fx/$name/setup") > /dev/null 2>&1
	# The fixture's run made first ("apply" before "status"), as
	# tests/fixtures/run.sh does: the records it leaves are captured too.
	# shellcheck disable=SC2046 # the file holds arguments
	[ -f "$fx/$name/before" ] && (cd "$tree" && timeout 30 "$gpupass" --root "$tree" \
		$(cat "$fx/$name/before")) > /dev/null 2>&1
	snapshot "$tree" > "$work/before"
	ok=0
	"$gpupass" --root "$tree" capture "$work/$name.tar" 2> "$work/err" || {
		echo "  capture failed:"; sed 's/^/    /' "$work/err"; ok=1
	}
	snapshot "$tree" > "$work/after"
	diff -u "$work/before" "$work/after" > "$work/diff" || {
		echo "  capture changed the tree:"; sed 's/^/    /' "$work/diff"; ok=1
	}
	tar -xf "$work/$name.tar" -C "$cap" || ok=1
	outputs "$tree" > "$work/tree.out"
	outputs "$cap" > "$work/cap.out"
	diff -u "$work/tree.out" "$work/cap.out" > "$work/diff" || {
		echo "  outputs differ (- tree, + capture):"; sed 's/^/    /' "$work/diff"; ok=1
	}
	if [ $ok -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL capture $name"
	fi
	rm -rf "$tree" "$cap" "$work/$name.tar"
done
# Names and link targets past ustar's 100 and 255 bytes (pax records): a
# bridge chain 30 deep, a 200-byte device name; tar gives them back whole.
if [ $# -eq 0 ] || [ "${1##*/}" = long-names ]; then
	t=$work/long
	chain=pci0000:00 i=0
	while [ $i -lt 30 ]; do chain="$chain/0000:00:1c.$((i % 8))" i=$((i + 1)); done
	long=$(printf '%0200d' 0)
	mkdir -p "$t/sys/class/block/$long/slaves" "$t/etc" "$work/long.cap"
	ln -s "../../devices/$chain/nvme/nvme0n1" "$t/sys/class/block/nvme0n1"
	ln -s "../../../../devices/$chain/nvme/nvme1n1" "$t/sys/class/block/$long/slaves/nvme1n1"
	"$gpupass" --root "$t" capture "$work/long.tar" && tar -xf "$work/long.tar" -C "$work/long.cap"
	if [ "$(readlink "$work/long.cap/sys/class/block/nvme0n1")" = "../../devices/$chain/nvme/nvme0n1" ] &&
		[ -L "$work/long.cap/sys/class/block/$long/slaves/nvme1n1" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL capture long-names"
	fi
fi
echo "capture: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
