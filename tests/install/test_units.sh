#!/usr/bin/env bash
# systemd-analyze verify on the units of packaging/systemd, filled in as CMake fills them, but naming the built
# programs (verify checks that each ExecStart program exists). Exit status 77 (skipped) without systemd-analyze.
# Usage: test_units.sh TEMPLATE_DIR PROGRAM...
set -euo pipefail
templates=$1
shift
if ! command -v systemd-analyze >/dev/null; then
    echo "SKIP: systemd-analyze not found (Debian package systemd)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/units"
for program in "$@"; do ln -s "$program" "$tmp/bin/"; done
units=()
for template in "$templates"/*.in; do
    unit=$tmp/units/$(basename "$template" .in)
    sed -e "s|@DATELINE_BINDIR@|$tmp/bin|g" -e "s|@DATELINE_CONFIG_DIR@|/etc/dateline|g" \
        -e "s|@DATELINE_STATE_DIR@|/var/lib/dateline|g" -e "s|@DATELINE_DOC_DIR@|/usr/share/doc/dateline|g" \
        "$template" >"$unit"
    if grep -n '@[A-Z_]*@' "$unit"; then
        echo "FAIL: $(basename "$template") uses a variable this test does not fill" >&2
        exit 1
    fi
    units+=("$unit")
done
# verify prints its findings on stderr and exits 0 even for some of them: any output is a failure.
status=0
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "${units[@]}" >"$tmp/out" 2>&1 || status=$?
cat "$tmp/out"
if [ "$status" != 0 ] || [ -s "$tmp/out" ]; then
    echo "FAIL: systemd-analyze verify (exit status $status)" >&2
    exit 1
fi
echo "systemd-analyze verify: ok (${#units[@]} units)"
