#!/usr/bin/env bash
# Checks the alert rules with promtool (Debian's `prometheus` package): `promtool check rules` on the rule groups of
# alerts.yaml, then `promtool test rules` on alerts-test.yaml. promtool reads plain rule-group files, so the groups are
# taken out of the PrometheusRule's spec first (the lines after "spec:", two spaces less indented) into the work
# directory, beside a copy of the tests. Run by `mvn verify` (exec execution check-alert-rules; -Dpromtool.skip=true
# skips it); without promtool it fails, naming the package.
#
#   k8s/monitoring/promtool.sh [work directory, default $TMPDIR/promtool-check]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-${TMPDIR:-/tmp}/promtool-check}
if ! command -v promtool > /dev/null; then
    echo "promtool is not installed: install Debian's prometheus package (apt-get install prometheus), or skip this check with -Dpromtool.skip=true" >&2
    exit 1
fi
mkdir -p "$work"
awk 'f && NF && !/^  / { print FILENAME ": a line after spec: that is not indented under it: " $0 > "/dev/stderr"; exit 1 }
     f { sub(/^  /, ""); print }
     /^spec:$/ { f = 1 }
     END { if (!f) { print FILENAME ": no spec: line" > "/dev/stderr"; exit 1 } }' \
    "$here/alerts.yaml" > "$work/alerts-rules.yaml"
cp "$here/alerts-test.yaml" "$work/alerts-test.yaml"
cd "$work"
promtool check rules alerts-rules.yaml
promtool test rules alerts-test.yaml
