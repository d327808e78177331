#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The role for real: ansible-playbook over the chroot connection against a
# copy of a Debian 12 root (mkbase.sh) with gpupass installed (make install):
#   1. first run: the drop-in written, checked by 'gpupass check', the
#      initramfs rebuilt by the root's update-initramfs (the rules are in the
#      new image), gpupass-verify.service enabled
#   2. second run: changed=0 (idempotent), the initramfs not rebuilt
#   3. --check run: changed=0
#   4. a bad rule: the play fails on the host, the drop-in stays as it was
#   5. --check with a new rule: reported changed, nothing written
# The chroot gets its own mount namespace with /proc only: no sysfs, so the
# hooks' gpupass check skips the system checks and nothing reaches the host's
# /sys.  Run as root from the top of the tree: contrib/ansible/tests/run.sh
# (make test-ansible).  Needs ansible (community.general), ansible-lint,
# mmdebstrap; BASE= an existing root with python3 to copy instead; LOGS=1
# prints the end of each run's log.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top"
base=${BASE:-$top/tests/.cache/ansible/base}
[ -n "${BASE:-}" ] || contrib/ansible/tests/mkbase.sh "$base"
work=$(mktemp -d /var/tmp/gpupass-ansible.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
cp -a "$base" "$root"
make -s install DESTDIR="$root" PREFIX=/usr > /dev/null
printf 'testroot ansible_connection=community.general.chroot ansible_host=%s\n' "$root" \
	> "$work/inventory"
pass=0 fail=0
ok() { # name condition...
	n=$1
	shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL ansible: $n"; fi
}
recap() { # log -> "changed=N failed=N" of the recap line
	sed -n 's/^testroot *: .*\(changed=[0-9]*\).*\(failed=[0-9]*\).*/\1 \2/p' "$1"
}
play() { # log extra-vars-json [ansible-playbook options...]
	log=$work/$1
	vars=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner sh
	env ANSIBLE_ROLES_PATH="$top/contrib/ansible/roles" ANSIBLE_NOCOLOR=1 \
		unshare --mount --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec "$@"' "$root" \
		ansible-playbook -i "$work/inventory" -e "$vars" "$@" \
		contrib/ansible/tests/test.yml > "$log" 2>&1 || true
}
rules='{"gpupass_rules": [{"address": "0000:01:00.0", "expect": "10de:2204", "with": "functions"}]}'
dropin=$root/etc/gpupass.d/50-ansible.conf

play first.log "$rules"
ok "first run: changed, not failed" [ "$(recap "$work/first.log")" = "changed=3 failed=0" ]
ok "first run: the drop-in" grep -qx 'claim 0000:01:00.0 expect=10de:2204 with=functions' "$dropin"
ok "first run: the initramfs holds it" sh -c "lsinitramfs '$root'/boot/initrd.img-* | grep -q 'etc/gpupass.d/50-ansible.conf'"
ok "first run: gpupass-verify.service enabled" [ -L "$root/etc/systemd/system/multi-user.target.wants/gpupass-verify.service" ]
initrd=$(ls -l --time-style=+%s.%N "$root"/boot/initrd.img-*)

play second.log "$rules"
ok "second run: changed=0" [ "$(recap "$work/second.log")" = "changed=0 failed=0" ]
ok "second run: initramfs not rebuilt" [ "$(ls -l --time-style=+%s.%N "$root"/boot/initrd.img-*)" = "$initrd" ]

play check.log "$rules" --check
ok "check mode: changed=0" [ "$(recap "$work/check.log")" = "changed=0 failed=0" ]

cp "$dropin" "$work/dropin.before"
play bad.log '{"gpupass_rules": [{"selector": "10de:zz"}]}'
ok "bad rule: the host fails" [ "$(recap "$work/bad.log" | cut -d' ' -f2)" = "failed=1" ]
ok "bad rule: gpupass check said why" grep -q "bad selector '10de:zz'" "$work/bad.log"
ok "bad rule: the drop-in unchanged" cmp -s "$work/dropin.before" "$dropin"

play check2.log '{"gpupass_rules": [{"address": "0000:02:00.0", "expect": "1002:73bf"}]}' --check
ok "check mode, new rule: reports changed" sh -c "recap() { :; }; grep -q 'changed=[1-9]' '$work/check2.log'"
ok "check mode, new rule: nothing written" cmp -s "$work/dropin.before" "$dropin"

ok "ansible-lint" ansible-lint -q contrib/ansible/roles/gpupass contrib/ansible/site.yml

for l in first second check bad check2; do echo "$l: $(recap "$work/$l.log")"; done
if [ "$fail" -ne 0 ] || [ -n "${LOGS:-}" ]; then
	for l in "$work"/*.log; do echo "== $l"; tail -40 "$l"; done
fi
echo "ansible: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
