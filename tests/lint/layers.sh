#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# early/ is layered top-down: each folder may include its own headers and
# those of the folders before it in LAYERS, never one after it, and every
# project include names its layer ("pci/devices.h").  Prints one line per
# offending include; exit 1 when there is any.
set -u
cd "$(dirname "$0")/../.." || exit 1
LAYERS="base pci policy boot late verbs"

rank() { # layer -> its position in LAYERS, or nothing
	i=0
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo "$i"; return; }
		i=$((i + 1))
	done
}

bad=0
for f in early/*/*.c early/*/*.h; do
	own=${f#early/}
	own=${own%%/*}
	mine=$(rank "$own")
	if [ -z "$mine" ]; then
		echo "$f: folder '$own' is not a layer (LAYERS in tests/lint/layers.sh, Makefile)"
		bad=1
		continue
	fi
	# shellcheck disable=SC2013 # an include name is one word
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		layer=${inc%%/*}
		theirs=$(rank "$layer")
		if [ "$layer" = "$inc" ] || [ -z "$theirs" ]; then
			echo "$f: #include \"$inc\" names no layer (write \"LAYER/$inc\")"
			bad=1
		elif [ "$theirs" -gt "$mine" ]; then
			echo "$f: #include \"$inc\" reaches up from $own to $layer"
			bad=1
		fi
	done
done
exit "$bad"
