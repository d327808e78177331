# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# TEST ONLY, sourced by the hotplug scenarios' guest.sh (POSIX sh).

# records ADDR...: one "GPUPASS-GUEST record ADDR RESULT" line per device,
# RESULT what the hotplug run recorded for it in
# /run/gpupass/hotplug/ADDR.json (its own entry comes first), or "none".
records() {
	echo # initramfs-tools may have left "Begin: ... " without its newline
	for a in "$@"; do
		r=/run/gpupass/hotplug/$a.json
		res=none
		if [ -f "$r" ]; then
			res=$(sed -n '/^ *"result": "/{s/^ *"result": "\([a-z]*\)".*/\1/p;q;}' "$r")
		fi
		echo "GPUPASS-GUEST record $a ${res:-unreadable}"
	done
}
