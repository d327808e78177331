#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Ansible role (contrib/ansible/roles/gpupass) for real, on the systems
# of the full-system suite (run.sh).  Two modes:
#
#   ansible.sh setup ROOT OUT
#     Before the boots, over the chroot connection (community.general.chroot)
#     on ROOT (a Debian 12 root with python3 and the .deb installed), in its
#     own mount namespace with /proc, /dev, a fresh read-only sysfs and tmpfs
#     on /run and /tmp (in-ns.sh, as run.sh's in_root):
#       1. first run: the drop-in written (checked by gpupass check first),
#          gpupass-verify.service enabled, the initramfs rebuilt by the
#          root's own generator (the handler): changed=3
#       2. second run: changed=0, the initramfs untouched
#       3. --check: changed=0
#       4. a bad rule: the host fails with gpupass check's message, the
#          drop-in unchanged
#       5. --check with a new rule: reported changed, nothing written
#     The drop-in the first run writes is the suite's config: the boots then
#     show the role's rules claimed at boot.
#
#   ansible.sh assert GPUPASS CAPTURE ok|fail OUT
#     The role's status assertion (tasks/verify.yml, what runs after the
#     role's reboot) on the local connection, with gpupass_command
#     "GPUPASS --root CAPTURE": a capture taken in a booted guest, so the
#     assertion judges that boot's status.  ok: the play passes; fail: the
#     host fails with the role's message.
#
# Prints "PASS TEXT" or "FAIL TEXT<tab>WHY" per check, then "DONE"; logs in OUT.
# Needs ansible-playbook (Debian's ansible: community.general), as root.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/system/ansible
export ANSIBLE_ROLES_PATH="$top/contrib/ansible/roles" ANSIBLE_NOCOLOR=1 \
	ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0

ok() { # text condition...
	t=$1
	shift
	if "$@"; then echo "PASS $t"; else printf 'FAIL %s\t%s\n' "$t" "$why"; fi
}
recap() { # log -> "changed=N failed=N" of the recap line
	sed -n 's/^[a-z]* *: .*\(changed=[0-9]*\).*\(failed=[0-9]*\).*/\1 \2/p' "$1"
}
recap_is() { # log want
	got=$(recap "$1")
	why="recap '$got', want '$2' (see $1)"
	[ "$got" = "$2" ]
}
mtime() { stat -c %Y.%y "$@" 2> /dev/null; }

# play LOG VARS-JSON [ansible-playbook options...]: setup.yml on $root.
play() {
	log=$out/$1
	vars=$2
	shift 2
	"$top/tests/system/in-ns.sh" "$root" \
		ansible-playbook -i "$out/inventory" -e "$vars" "$@" "$here/setup.yml" \
		> "$log" 2>&1
}

setup() {
	root=$1
	printf 'system ansible_connection=community.general.chroot ansible_host=%s ansible_python_interpreter=/usr/bin/python3\n' \
		"$root" > "$out/inventory"
	# The suite's config (run.sh's TEST_CONF), as inventory variables.
	rules='{"gpupass_rules": [{"selector": "1234:1111 8086:2668"}],
		"gpupass_extra_lines": ["sriov 0000:01:00.0 vfs=2"],
		"gpupass_dropin": "/etc/gpupass.d/50-systest.conf"}'
	dropin=$root/etc/gpupass.d/50-systest.conf
	initrd=$(mtime "$root"/boot/initrd.img-*)

	play first.log "$rules"
	ok "first run: the drop-in, the verify unit, the initramfs rebuilt (changed=3)" \
		recap_is "$out/first.log" "changed=3 failed=0"
	why="$dropin: $(tr '\n' '|' < "$dropin" 2> /dev/null)"
	ok "first run: the drop-in has the rules" \
		sh -c "grep -qx 'claim 1234:1111 8086:2668' '$dropin' && grep -qx 'sriov 0000:01:00.0 vfs=2' '$dropin'"
	why="no multi-user.target.wants/gpupass-verify.service"
	ok "first run: gpupass-verify.service enabled" \
		test -L "$root/etc/systemd/system/multi-user.target.wants/gpupass-verify.service"
	why="the initramfs was not rebuilt (mtime $initrd)"
	ok "first run: the handler rebuilt the initramfs with the root's generator" \
		test "$(mtime "$root"/boot/initrd.img-*)" != "$initrd"
	initrd=$(mtime "$root"/boot/initrd.img-*)
	cp "$dropin" "$out/dropin.first"

	play second.log "$rules"
	ok "second run: nothing changed (changed=0)" recap_is "$out/second.log" "changed=0 failed=0"
	why="the initramfs was rebuilt again"
	ok "second run: the initramfs untouched" test "$(mtime "$root"/boot/initrd.img-*)" = "$initrd"

	play check.log "$rules" --check
	ok "--check run: changed=0" recap_is "$out/check.log" "changed=0 failed=0"

	play bad.log '{"gpupass_rules": [{"selector": "10de:zz"}],
		"gpupass_dropin": "/etc/gpupass.d/50-systest.conf"}'
	ok "a bad rule: the host fails" recap_is "$out/bad.log" "changed=0 failed=1"
	why="no \"bad selector '10de:zz'\" in $out/bad.log"
	ok "a bad rule: gpupass check says why" grep -q "bad selector '10de:zz'" "$out/bad.log"
	why="the drop-in changed: $(diff "$out/dropin.first" "$dropin" | tr '\n' '|')"
	ok "a bad rule: the drop-in left as it was" cmp -s "$out/dropin.first" "$dropin"

	play check2.log '{"gpupass_rules": [{"address": "0000:00:06.0", "expect": "1af4:1005"}],
		"gpupass_dropin": "/etc/gpupass.d/50-systest.conf"}' --check
	why="recap '$(recap "$out/check2.log")'"
	ok "--check with a new rule: reported changed" sh -c "grep -q '^system *: .*changed=[1-9]' '$out/check2.log'"
	why="the drop-in changed: $(diff "$out/dropin.first" "$dropin" | tr '\n' '|')"
	ok "--check with a new rule: nothing written" cmp -s "$out/dropin.first" "$dropin"
	why="the initramfs was rebuilt"
	ok "--check with a new rule: the initramfs untouched" test "$(mtime "$root"/boot/initrd.img-*)" = "$initrd"
}

verify() { # gpupass capture ok|fail
	echo 'system ansible_connection=local ansible_python_interpreter=/usr/bin/python3' > "$out/inventory"
	log=$out/assert-$3.log
	ansible-playbook -i "$out/inventory" -e "{\"gpupass_command\": \"$1 --root $2\"}" \
		"$here/verify.yml" > "$log" 2>&1
	case $3 in
	ok) ok "the role's status assertion passes on the guest's capture" \
		recap_is "$log" "changed=0 failed=0" ;;
	fail)
		ok "the role's status assertion fails the host on the guest's capture" \
			recap_is "$log" "changed=0 failed=1"
		why="no 'is not clean' message in $log"
		ok "the role's status assertion says what is not satisfied" \
			grep -q "gpupass status on system is not clean" "$log"
		;;
	esac
}

mode=${1:-}
case $mode in
setup) [ $# = 3 ] || mode= ;;
assert) [ $# = 5 ] || mode= ;;
esac
[ -n "$mode" ] || { echo "usage: ansible.sh setup ROOT OUT | assert GPUPASS CAPTURE ok|fail OUT" >&2; exit 2; }
command -v ansible-playbook > /dev/null || { echo "FAIL ansible: ansible-playbook is missing: tests/deps.sh all"; exit 1; }
case $mode in
setup) out=$3 ;;
assert) out=$5 ;;
esac
mkdir -p "$out"
case $mode in
setup) setup "$2" ;;
assert) verify "$2" "$3" "$4" ;;
esac
echo DONE
