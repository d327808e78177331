#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The metrics fixtures (status --format=prometheus) pass 'promtool check
# metrics': names, HELP/TYPE, units and label syntax as Prometheus wants them.
# promtool comes with Debian's prometheus package (~19 MB with the server, so
# not in tests/deps.sh): taken from $PROMTOOL or PATH; without it this says
# so and passes, and the fixtures still pin the exact output.
# Usage: metrics.sh (from anywhere); exit 1 on the first complaint.
set -u
cd "$(dirname "$0")/../.." || exit 1
promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ -z "$promtool" ]; then
	echo "metrics.sh: promtool not found (Debian: prometheus; or PROMTOOL=), not checked" >&2
	exit 0
fi
rc=0
for c in tests/fixtures/*/; do
	grep -q 'format=prometheus' "$c/args" 2> /dev/null || continue
	if ! out=$("$promtool" check metrics < "$c/expected.out" 2>&1); then
		echo "promtool check metrics $c/expected.out: $out" >&2
		rc=1
	fi
done
exit $rc
