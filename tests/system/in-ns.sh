#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# in-ns.sh ROOT COMMAND...: COMMAND in a mount namespace of its own in which
# the Debian root ROOT has /proc, the host's /dev, a fresh read-only sysfs
# (nothing may write the host's /sys) and tmpfs on /run and /tmp; the mounts
# go with the namespace.  COMMAND chroots into ROOT itself (run.sh's in_root)
# or has a tool do it (ansible.sh: the chroot connection).
[ $# -ge 2 ] || { echo "usage: in-ns.sh ROOT COMMAND..." >&2; exit 2; }
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private /bin/sh -c '
	r=$1; shift
	mount -t proc proc "$r/proc" &&
	mount --rbind /dev "$r/dev" &&
	mount -t sysfs -o ro sysfs "$r/sys" &&
	mount -t tmpfs tmpfs "$r/run" &&
	mount -t tmpfs tmpfs "$r/tmp" || exit 1
	exec "$@"' sh "$@"
