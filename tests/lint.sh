#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks every shell script (POSIX sh where the shebang says sh, which
# is all that runs in the initramfs), clang-format on the C, the layers of
# early/.  One result per file.
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0

result() { # ok name
	if [ "$1" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $2"; fi
}

scripts=$(git ls-files 2>/dev/null | while read -r f; do
	case $f in
	*.sh | .ci/run | */initramfs-tools/hooks/* | */initramfs-tools/scripts/*/* | initramfs-tools/hooks/* | \
	initramfs-tools/scripts/*/* | tests/fixtures/*/setup | completions/*) echo "$f" ;;
	esac
done)
for f in $scripts; do
	[ -f "$f" ] || continue
	shellcheck -x "$f"
	result $? "shellcheck $f"
done
for f in $(git ls-files 'early/*.[ch]' 'tests/*.c' 'tests/unit/*.[ch]' 'tests/fuzz/*.[ch]'); do
	clang-format --dry-run -Werror "$f" 2> /dev/null
	result $? "clang-format $f (run make format)"
done
# early/ includes only downward, every include names its layer.
tests/lint/layers.sh
result $? "tests/lint/layers.sh: an include breaks the layers of early/"
# status --format=prometheus fixtures pass promtool (when installed).
tests/lint/metrics.sh
result $? "tests/lint/metrics.sh: promtool check metrics"
# The systemd units pass systemd-analyze verify.
tests/lint/units.sh
result $? "tests/lint/units.sh: systemd-analyze verify"
# The Ansible role, when ansible-lint is installed (tests/deps.sh all).
if command -v ansible-lint > /dev/null; then
	(cd contrib/ansible && ansible-lint -q --nocolor > /dev/null 2>&1)
	result $? "ansible-lint contrib/ansible (run it there to see why)"
	ANSIBLE_ROLES_PATH=$PWD/contrib/ansible/roles ansible-lint -q --nocolor \
		tests/system/ansible/*.yml > /dev/null 2>&1
	result $? "ansible-lint tests/system/ansible (the role's test plays)"
fi
# Man pages render without groff warnings.
for m in docs/*.[0-9]; do
	out=$(MANWIDTH=80 man -l --warnings=all "$m" 2>&1 > /dev/null)
	[ -z "$out" ]
	result $? "man -l $m: $out"
done
# The docs name every verb --help lists and every claim option the parser takes.
for v in $(early/gpupass --help | sed -n '/^Verbs:/,/^$/s/^  \([a-z]*\).*/\1/p'); do
	grep -q "^\.B.* $v\b\|^\.B $v$\|^\.BI $v " docs/gpupass.8
	result $? "docs/gpupass.8 does not document the verb '$v'"
done
for o in driver= with= expect= allow-boot-vga allow-storage allow-unresolved-storage allow-any-class optional; do
	grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" docs/gpupass.conf.5 && grep -q -- "$o" conf/gpupass.conf
	result $? "option '$o' missing from docs/gpupass.conf.5 or conf/gpupass.conf"
done
echo "lint: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
