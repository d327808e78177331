#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the static archives the static gpupass links, with musl, for size:
# libpci (pciutils 3.9.0, no zlib/DNS/hwdb/libkmod), libkmod (kmod 30, with
# xz and zstd modules), liblzma (xz 5.4.1, decoders only), libzstd (1.5.4,
# decompression only), from the Debian 12 sources that
# static/fetch.sh unpacks.  Installed into CACHE/prefix (include/, lib/).
#
# Usage: build.sh [--stamp]
#   Does nothing when CACHE/prefix/.stamp holds the hash of this build's
#   inputs (static/sources.pin, static/*.sh, static/config/, the compiler,
#   KMOD_COMPRESSION); else fetches what is missing and builds everything
#   again (~1 min on 2 cores).  --stamp prints that hash and exits.
# Environment: STATIC_CACHE (static/.cache), MUSL_CC (musl-gcc), JOBS (2),
#   KMOD_COMPRESSION ("xz zstd"; "" builds a libkmod that reads only
#   uncompressed modules: the boot test's negative check).
# Exit status: 0 up to date or built, 1 failed (said on stderr, with the log).

set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${STATIC_CACHE:-$here/.cache}
CC=${MUSL_CC:-musl-gcc}
JOBS=${JOBS:-2}
KMOD_COMPRESSION=${KMOD_COMPRESSION-xz zstd}
# musl has no kernel headers (linux/, asm/): take the system's, after musl's own.
KHDRS=(-idirafter "/usr/include/$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)"
	-idirafter /usr/include)
# Each function and object in its own section, so that the final link
# (--gc-sections) keeps only what gpupass reaches; no .eh_frame (C, no
# exceptions).  Not -fno-pie, which gpupass's own objects have: xz's
# configure links its test programs with the compiler's default, PIE.
SIZE=(-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables)

# (fd 3: this script's stderr, also from where the build's output goes to the log)
exec 3>&2
die() {
	echo "static/build.sh: $*" >&3
	exit 1
}

inputs_hash() {
	{
		echo "$CC kmod-compression=$KMOD_COMPRESSION"
		"$CC" --version 2>&1 | head -n1
		stat -c '%s %Y' "$("$CC" -print-file-name=libc.a)" 2>&1
		cd "$here" && find sources.pin fetch.sh build.sh config -type f -print0 |
			LC_ALL=C sort -z | xargs -0 sha256sum
	} | sha256sum | cut -d' ' -f1
}

# compile OBJDIR FLAGS... -- SOURCES...: JOBS at a time; fails if any does.
compile() {
	local objdir=$1 f rc=0 flags=() pids=()
	shift
	while [[ $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	mkdir -p "$objdir"
	for f; do
		"$CC" "${flags[@]}" -c "$f" -o "$objdir/$(basename "${f%.c}").o" &
		pids+=($!)
		if ((${#pids[@]} >= JOBS)); then
			wait "${pids[0]}" || rc=1
			pids=("${pids[@]:1}")
		fi
	done
	for f in "${pids[@]}"; do
		wait "$f" || rc=1
	done
	return "$rc"
}

# zstd: the decompressor and what it shares, nothing else; the size options
# zstd documents for decoder-only builds (lib/README.md), no legacy formats,
# no assembly (its x86-64 Huffman loop is 3 KiB of speed we do not need).
build_zstd() {
	local s=$src/libzstd/lib
	compile "$build/zstd" "${SIZE[@]}" -DHUF_FORCE_DECOMPRESS_X1 \
		-DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT -DZSTD_NO_INLINE -DZSTD_STRIP_ERROR_STRINGS \
		-DDYNAMIC_BMI2=0 -DZSTD_LEGACY_SUPPORT=0 -DZSTD_DISABLE_ASM -DZSTD_TRACE=0 -- \
		"$s"/common/{debug,entropy_common,error_private,fse_decompress,xxhash,zstd_common}.c \
		"$s"/decompress/{huf_decompress,zstd_ddict,zstd_decompress,zstd_decompress_block}.c
	ar rcs "$prefix/lib/libzstd.a" "$build"/zstd/*.o
	cp "$s/zstd.h" "$s/zstd_errors.h" "$prefix/include/"
}

# xz: liblzma only, decoders only, the small variant, no threads.
build_xz() {
	mkdir -p "$build/xz"
	cd "$build/xz" # (no subshell: the ERR trap would report a failure twice)
	"$src/xz-utils/configure" --prefix="$prefix" CC="$CC" CFLAGS="${SIZE[*]}" \
		--disable-shared --enable-static --disable-encoders --enable-small \
		--disable-threads --disable-xz --disable-xzdec --disable-lzmadec \
		--disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc \
		--disable-nls --disable-microlzma --disable-lzip-decoder \
		--disable-symbol-versions --disable-rpath
	make -j"$JOBS" -C src/liblzma
	make -C src/liblzma install
	cd "$here"
	rm -f "$prefix"/lib/liblzma.la
}

# kmod: libkmod's C files and the shared/ helpers they use, with the config.h
# its configure would write (static/config/kmod-config.h); no autotools.
build_kmod() {
	local s=$src/kmod defs=()
	[[ " $KMOD_COMPRESSION " == *" xz "* ]] || defs+=(-DGPUPASS_KMOD_NO_XZ)
	[[ " $KMOD_COMPRESSION " == *" zstd "* ]] || defs+=(-DGPUPASS_KMOD_NO_ZSTD)
	compile "$build/kmod" -std=gnu11 "${SIZE[@]}" -D_GNU_SOURCE "${defs[@]}" \
		-include "$here/config/kmod-config.h" -DSYSCONFDIR='"/etc"' \
		-I"$s" -I"$prefix/include" "${KHDRS[@]}" -- \
		"$s"/libkmod/libkmod{,-builtin,-list,-config,-index,-module,-file,-elf,-signature}.c \
		"$s"/shared/{array,hash,scratchbuf,strbuf,util}.c
	ar rcs "$prefix/lib/libkmod.a" "$build"/kmod/*.o
	cp "$s/libkmod/libkmod.h" "$prefix/include/"
}

# pciutils: libpci.a with its own Makefile, in a copy of the tree; pci.ids
# where Debian keeps it.
build_pci() {
	cp -a "$src/pciutils" "$build/pci"
	make -C "$build/pci" clean # (objects of a by-hand build in the sources are not ours)
	make -j"$JOBS" -C "$build/pci" install-lib SHARED=no ZLIB=no DNS=no HWDB=no LIBKMOD=no \
		CC="$CC ${KHDRS[*]}" OPT="${SIZE[*]}" PREFIX="$prefix" IDSDIR=/usr/share/misc
}

main() {
	local hash t0 part
	hash=$(inputs_hash)
	if [[ ${1:-} == --stamp ]]; then
		echo "$hash"
		return 0
	fi
	mkdir -p "$cache"
	cache=$(cd "$cache" && pwd)
	src=$cache/src build=$cache/build prefix=$cache/prefix.new log=$cache/build.log
	[[ -f $cache/prefix/.stamp && $(< "$cache/prefix/.stamp") == "$hash" ]] && return 0
	# One build at a time (make and the boot tests' make may start two);
	# the second finds the first one's stamp.
	exec 8> "$cache/.lock"
	flock 8
	[[ -f $cache/prefix/.stamp && $(< "$cache/prefix/.stamp") == "$hash" ]] && return 0
	command -v "$CC" > /dev/null || die "$CC not found: install musl-tools (tests/deps.sh build)"
	t0=$EPOCHREALTIME
	"$here/fetch.sh" "$cache"
	echo "static: building libzstd, liblzma, libkmod, libpci with $CC (log: $log)"
	rm -rf "$build" "$prefix"
	mkdir -p "$build" "$prefix/include" "$prefix/lib"
	: > "$log"
	# Any failing command stops the build (set -eE) and says which part.
	trap 'die "building $part failed; see $log"' ERR
	for part in zstd xz kmod pci; do
		echo "=== $part" >> "$log"
		"build_$part" >> "$log" 2>&1
	done
	trap - ERR
	echo "$hash" > "$prefix/.stamp"
	rm -rf "$cache/prefix" "$build"
	rm -rf "$prefix/lib/pkgconfig" # (paths of prefix.new; the Makefile passes -I and -L)
	mv "$prefix" "$cache/prefix"
	LC_ALL=C awk -v a="$t0" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "static: archives built in %.0f s\n", b - a }'
}

main "$@"
