# SPDX-License-Identifier: GPL-2.0-or-later
# make check: unit tests (cmocka), fixture tests (real binary on fake sysfs
# trees), both again under ASan+UBSan; one summary line at the end.
check: early/gpupass
	@tests/run-checks.sh

.PHONY: check
