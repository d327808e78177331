#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Download and unpack the Debian 12 source packages that static/sources.pin
# names, with a private apt configuration: its own deb-src list, built now
# from the machine's own Debian sources (same URIs, suites, components and
# Signed-By keyring), its own lists and package cache, all under CACHE/apt.
# Nothing is written to the system's apt configuration or state.
#
# Usage: fetch.sh [CACHE]        (default: static/.cache)
# Leaves CACHE/src/PACKAGE/, unpacked by dpkg-source -x (which checks each
# tarball against the .dsc), and CACHE/src/PACKAGE.pin, the pin it came from.
# A package already unpacked from its pinned .dsc is not fetched again.
# Exit status: 0 done, 1 anything failed (said on stderr, with the log).

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-$here/.cache}
pins=$here/sources.pin
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
apt=$cache/apt dl=$cache/dl src=$cache/src log=$cache/fetch.log

die() {
	echo "static/fetch.sh: $*" >&2
	exit 1
}

# pin lines: "PACKAGE VERSION SHA256", comments and blank lines dropped.
pin_lines() {
	sed 's/#.*//' "$pins" | awk 'NF == 3 { print $1, $2, $3 } NF != 0 && NF != 3 { exit 1 }' ||
		die "$pins: every line must be 'PACKAGE VERSION SHA256'"
}

# The .dsc file name of PACKAGE VERSION: the version without its epoch.
dsc_name() {
	printf '%s_%s.dsc\n' "$1" "${2#*:}"
}

# The deb822 stanzas of the machine's Debian sources, as deb-src.  From
# /etc/apt/sources.list.d/debian.sources (deb822, as Debian 12 installs it)
# or, failing that, the one-line /etc/apt/sources.list; only enabled "deb"
# entries; no host name is ours.  Other files of sources.list.d are other
# vendors' archives, which may have no deb-src.
deb_src_stanzas() {
	local f=/etc/apt/sources.list.d/debian.sources
	if [[ -f $f ]]; then
		awk '
		function flush() {
			if (deb && enabled && uris != "")
				printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s\n\n", uris, suites, comps, signed
			deb = 0; enabled = 1; uris = suites = comps = signed = ""; field = ""
		}
		BEGIN { flush() }
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { if (field == "signed-by") signed = signed "\n" $0; next }
		{
			field = tolower(substr($0, 1, index($0, ":") - 1))
			value = substr($0, index($0, ":") + 1)
			sub(/^[ \t]+/, "", value); sub(/[ \t]+$/, "", value)
			if (field == "types") deb = (" " value " ") ~ / deb /
			else if (field == "enabled") enabled = value != "no"
			else if (field == "uris") uris = value
			else if (field == "suites") suites = value
			else if (field == "components") comps = value
			else if (field == "signed-by") signed = "Signed-By: " value
		}
		END { flush() }' "$f"
		return 0
	fi
	[[ -f /etc/apt/sources.list ]] || return 0
	# deb [signed-by=KEYRING ...] URI SUITE COMPONENT...
	awk '
	$1 != "deb" { next }
	{
		signed = ""; i = 2
		if ($2 ~ /^\[/) {
			for (; i <= NF; i++) {
				o = $i; gsub(/[][]/, "", o)
				if (o ~ /^signed-by=/) signed = "Signed-By: " substr(o, 11) "\n"
				if ($i ~ /\]$/) { i++; break }
			}
		}
		comps = ""
		for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
		printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s\n", $i, $(i + 1), comps, signed
	}' /etc/apt/sources.list
}

# apt-get with the private configuration only.
apt_private() {
	apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/sources.list.d" \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
		-o APT::Sandbox::User=root "$@"
}

# True when PACKAGE's pinned .dsc and every file it lists are in $dl.
downloaded() { # package version sha256
	local dsc
	dsc=$dl/$(dsc_name "$1" "$2")
	[[ -f $dsc ]] && [[ $(sha256sum < "$dsc") == "$3  -" ]] || return 1
	awk '/^Files:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $3 }' "$dsc" |
		while read -r f; do [[ -f $dl/$f ]] || exit 1; done
}

download() { # "package=version"...
	local list=$apt/sources.list.d/gpupass-static-src.sources
	mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$dl"
	deb_src_stanzas > "$list"
	[[ -s $list ]] ||
		die "no enabled 'deb' entry in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list to take the deb-src URIs from"
	echo "static: fetching $* (private apt lists in $apt)"
	# A list that fails (a third-party line of sources.list without deb-src)
	# need not stop us: apt-get source says if a package is not found.
	apt_private update >> "$log" 2>&1 ||
		echo "static/fetch.sh: apt-get update (private lists) reported errors, going on; see $log" >&2
	(cd "$dl" && apt_private source --download-only "$@") >> "$log" 2>&1 ||
		{ explain_missing "$@"; die "apt-get source $* failed; see $log"; }
}

# After a failed apt-get source: for each "package=version" the archive's
# Sources no longer list (Debian replaced it, e.g. by a point-release
# update), say what it has now and what to change.  The old version stays on
# snapshot.debian.org, but the build machine cannot resolve that host
# (checked 2026-11-23), so it is not fetched from there automatically.
explain_missing() { # "package=version"...
	local pv pkg ver now
	for pv in "$@"; do
		pkg=${pv%%=*} ver=${pv#*=}
		now=$(apt-cache -o Dir::Etc::SourceList=/dev/null \
			-o Dir::Etc::SourceParts="$apt/sources.list.d" -o Dir::State::Lists="$apt/lists" \
			-o Dir::Cache="$apt/cache" showsrc "$pkg" 2> /dev/null |
			sed -n 's/^Version: //p' | sort -u | paste -sd ' ') || true
		[[ " $now " == *" $ver "* ]] && continue
		cat >&2 << EOF
static/fetch.sh: $pins pins $pkg $ver, which the Debian archive no longer has
  (it has: ${now:-no version at all}).  Either
  - update that line of $pins to a version it has and the SHA-256 of that .dsc
    (a Debian update is usually a security fix: take it):
      cd "\$(mktemp -d)" && apt-get source --download-only $pkg=VERSION && sha256sum ${pkg}_*.dsc
    then run make again (the archives are rebuilt from the new sources); or
  - keep the pin: put the pinned .dsc and the files it lists, from
    https://snapshot.debian.org/package/$pkg/$ver/ , into $dl/
    (fetch.sh then checks the .dsc against the pinned SHA-256 and unpacks it
    with dpkg-source, without asking apt).
EOF
	done
}

unpack() { # package version sha256
	local dsc got
	dsc=$dl/$(dsc_name "$1" "$2")
	[[ -f $dsc ]] || die "$1 $2: apt-get source left no $(dsc_name "$1" "$2"); see $log"
	got=$(sha256sum < "$dsc")
	got=${got%% *}
	[[ $got == "$3" ]] ||
		die "$1 $2: the .dsc's SHA-256 is $got, $pins pins $3; refusing to build from it"
	rm -rf "${src:?}/$1" "$src/$1.pin"
	# Checks every tarball's size and checksums against the .dsc.  The .dsc's
	# own OpenPGP signature needs debian-keyring, not installed here: the
	# pinned SHA-256 above stands for it.
	dpkg-source --no-copy -x "$dsc" "$src/$1" >> "$log" 2>&1 ||
		die "dpkg-source -x $dsc failed; see $log"
	echo "$1 $2 $3" > "$src/$1.pin"
}

main() {
	local pkg ver sha want=() todo=()
	: > "$log"
	mkdir -p "$src"
	while read -r pkg ver sha; do
		[[ -f $src/$pkg.pin && $(< "$src/$pkg.pin") == "$pkg $ver $sha" ]] && continue
		todo+=("$pkg $ver $sha")
		downloaded "$pkg" "$ver" "$sha" || want+=("$pkg=$ver")
	done < <(pin_lines)
	((${#todo[@]})) || return 0
	((${#want[@]} == 0)) || download "${want[@]}"
	for pkg in "${todo[@]}"; do
		# shellcheck disable=SC2086 # "package version sha256", three words
		unpack $pkg
	done
	echo "static: unpacked ${#todo[@]} source package(s) in $src"
}

main
