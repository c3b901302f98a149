#!/usr/bin/env bash
# The install test (issue 24): installs the build under a temporary prefix, moves the installed tree elsewhere,
# then indexes, searches and serves the sample corpus with the installed programs alone. An installed program
# must find its data in share/dateline beside its bin/ and never in the source tree; DATELINE_DATA_DIR overrides.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
corpus=$source/sample_corpus

tmp=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
unset DATELINE_DATA_DIR DATELINE_WEB_ROOT

cmake --install "$build" --prefix "$tmp/installed" >/dev/null
# A relocated tree: nothing may depend on the prefix given at install time.
mv "$tmp/installed" "$tmp/moved"
prefix=$tmp/moved
data=$prefix/share/dateline
for f in bin/dateline-index bin/dateline-search bin/dateline-serve share/dateline/gazetteer.tsv \
         share/dateline/places-curated.tsv share/dateline/web/widget.js share/dateline/web/example.html \
         share/dateline/web/style.css share/doc/dateline/DEPLOY.md; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
if [ -f "$source/data/translations.tsv" ] && [ ! -f "$data/translations.tsv" ]; then
    fail "data/translations.tsv exists but was not installed"
fi

# Index and search with the installed programs.
"$prefix/bin/dateline-index" --db "$tmp/db" --quiet "$corpus" >"$tmp/index.out" 2>&1 || fail "indexing failed: $(cat "$tmp/index.out")"
"$prefix/bin/dateline-search" --db "$tmp/db" Vladivostok >"$tmp/search.out" || fail "search failed"
grep -q "en-2019-kim-putin-vladivostok" "$tmp/search.out" || fail "search did not find en-2019-kim-putin-vladivostok: $(cat "$tmp/search.out")"

# Serve: the API, and the widget from the installed web directory (marked so that a copy from elsewhere shows).
echo "// installed copy" >>"$data/web/widget.js"
# Created here: the background job opens its redirections later, and the loop below reads them at once.
: >"$tmp/serve.out"
: >"$tmp/serve.err"
"$prefix/bin/dateline-serve" --db "$tmp/db" --listen 127.0.0.1:0 --no-access-log >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
url=
for _ in $(seq 100); do
    url=$(sed -n 's|^dateline-serve: listening on \(http://[^ ]*/\).*|\1|p' "$tmp/serve.out")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "dateline-serve exited: $(cat "$tmp/serve.err")"
    sleep 0.1
done
[ -n "$url" ] || fail "dateline-serve did not start: $(cat "$tmp/serve.err")"
curl -fsS "${url}api/search?q=Vladivostok" | grep -q '"en-2019-kim-putin-vladivostok"' || fail "served search did not find the article"
curl -fsS "${url}api/health" >/dev/null || fail "/api/health failed"
curl -fsS "${url}widget.js" | tail -n 1 | grep -qx "// installed copy" || fail "widget.js was not served from $data/web"
kill -TERM "$server_pid"
wait "$server_pid" || fail "dateline-serve did not stop cleanly on SIGTERM: $(cat "$tmp/serve.err")"
server_pid=

# Without its installed data the program fails, naming only the installed directory (not the source tree).
mkdir "$tmp/elsewhere"
mv "$data/gazetteer.tsv" "$data/places-curated.tsv" "$tmp/elsewhere/"
status=0
"$prefix/bin/dateline-index" --db "$tmp/db2" --quiet "$corpus" 2>"$tmp/missing.err" || status=$?
[ "$status" = 1 ] || fail "expected exit status 1 without the gazetteer, got $status"
grep -qF "no gazetteer found (gazetteer.tsv); tried: '$data'; set DATELINE_DATA_DIR" "$tmp/missing.err" ||
    fail "unexpected message without the gazetteer: $(cat "$tmp/missing.err")"

# DATELINE_DATA_DIR still overrides.
DATELINE_DATA_DIR=$tmp/elsewhere "$prefix/bin/dateline-search" --db "$tmp/db" Vladivostok >"$tmp/search2.out" ||
    fail "search with DATELINE_DATA_DIR failed"
grep -q "en-2019-kim-putin-vladivostok" "$tmp/search2.out" || fail "search with DATELINE_DATA_DIR did not find the article"
echo "install test: ok ($prefix)"
