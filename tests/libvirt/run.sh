#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The libvirt hook script (libvirt/qemu-hook.sh) as libvirt runs it: its
# arguments, the domain XML on stdin, a clean stdout, the exit status, the
# log on stderr and through logger.  gpupass runs against the fake tree of a
# fixture (tests/fixtures/hook-*), and logger is a stand-in that records.
# Usage: run.sh GPUPASS MKFAKESYS
set -u
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
gpupass=$(abspath "$1") mkfakesys=$(abspath "$2")
here=$(cd "$(dirname "$0")" && pwd)
hook=$here/../../libvirt/qemu-hook.sh
fixtures=$here/../fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

check() { # name condition-result message
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $1"
	else
		fail=$((fail + 1)); echo "FAIL $1: $3"
	fi
}

# run CASE ARGS...: the hook on fixture CASE's tree and stdin; sets rc, out, err, logged.
run() {
	c=$fixtures/$1 root=$work/$1
	shift
	rm -rf "${root:?}" "${work:?}/bin"
	mkdir -p "$root" "$work/bin"
	"$mkfakesys" "$root" < "$c/sys.spec"
	cp -R "$c/root/." "$root/"
	printf '#!/bin/sh\nexec "%s" --root "%s" "$@"\n' "$gpupass" "$root" > "$work/bin/gpupass"
	printf '#!/bin/sh\necho "logger $*" >> "%s/logged"\ncat >> "%s/logged"\n' "$work" "$work" \
		> "$work/bin/logger"
	chmod +x "$work/bin/gpupass" "$work/bin/logger"
	: > "$work/logged"
	GPUPASS=$work/bin/gpupass PATH=$work/bin:$PATH sh "$hook" "$@" < "$c/stdin" \
		> "$work/out" 2> "$work/err"
	rc=$?
	out=$(cat "$work/out") err=$(cat "$work/err") logged=$(cat "$work/logged")
}

run hook-prepare-bound win11 prepare begin -
check "prepare, devices on vfio-pci: exit 0" "$rc" "exit $rc"
[ -z "$out" ]
check "prepare: nothing on stdout (libvirt reads it as the domain XML)" $? "stdout: $out"
echo "$err" | grep -q 'already bound to vfio-pci'
check "prepare: gpupass's messages on stderr" $? "stderr: $err"
echo "$logged" | grep -q '^logger -t gpupass-hook' && echo "$logged" | grep -q 'claiming 0000:00:03.0'
check "prepare: the same messages to logger" $? "logger got: $logged"

run hook-prepare win11 prepare begin -
check "prepare, a claim that fails: exit 1, libvirt does not start the domain" \
	"$([ "$rc" -eq 1 ]; echo $?)" "exit $rc"

run hook-release win11 release end shutdown
[ "$rc" -eq 0 ] && [ -z "$out" ] && echo "$err" | grep -q 'giving 2 PCI devices back'
check "release end: devices given back, exit 0, stdout empty" $? "exit $rc, stdout '$out', stderr '$err'"

run hook-prepare-bound win11 started begin -
[ "$rc" -eq 0 ] && [ -z "$out$err$logged" ]
check "started begin: nothing done, nothing said" $? "exit $rc, '$out' '$err' '$logged'"

run hook-malformed win11 prepare begin -
[ "$rc" -eq 1 ] && echo "$err" | grep -q 'cannot read the domain XML'
check "prepare, malformed XML: exit 1 with the reason" $? "exit $rc, stderr '$err'"

# A domain name that looks like an option reaches gpupass as the name.
run hook-unmanaged --router prepare begin -
echo "$err" | grep -q 'domain --router: 0000:00:1d.0: no gpupass rule selects it'
check "prepare: arguments passed after --" $? "stderr '$err'"

GPUPASS=$work/none sh "$hook" win11 prepare begin - < /dev/null > "$work/out" 2> "$work/err"
rc=$?
[ "$rc" -eq 0 ] && grep -q 'not installed' "$work/err"
check "gpupass not installed: exit 0, said on stderr" $? "exit $rc"

echo "libvirt hook: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
