#!/usr/bin/env bash
# Browser tests of dateline-serve in Debian's chromium, driven by playwright-core (never a downloaded browser).
# Usage: run.sh DATELINE_SERVE DATELINE_INDEX SAMPLE_CORPUS_DIR ARTIFACT_DIR
# Exit status: 0 passed, 1 failed, 77 skipped (chromium or node_modules missing: the reason is printed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
chromium=${DATELINE_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "SKIP: no chromium at $chromium (Debian package 'chromium'; scripts/setup installs it)"
    exit 77
fi
if ! command -v node >/dev/null; then
    echo "SKIP: node is not installed"
    exit 77
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
    echo "SKIP: playwright-core is not installed (run: npm ci --prefix tests/browser; scripts/setup does)"
    exit 77
fi
exec node "$here/widget.test.mjs" --serve "$1" --index "$2" --corpus "$3" --artifacts "$4" --chromium "$chromium"
