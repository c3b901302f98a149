#!/usr/bin/env bash
# End-to-end tests of the real programs: help, usage errors, bad input, indexing sample_corpus, searching.
# Usage: test_cli.sh DATELINE_INDEX DATELINE_SEARCH SAMPLE_CORPUS_DIR
set -u
INDEX=$1 SEARCH=$2 CORPUS=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/dateline-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS OUTPUT PATTERN...
    local name=$1 want=$2 got=$3 out=$4; shift 4
    local ok=1
    [ "$got" = "$want" ] || { echo "FAIL $name: exit status $got, expected $want"; ok=0; }
    for pat in "$@"; do
        grep -qF -- "$pat" <<<"$out" || { echo "FAIL $name: output lacks: $pat"; ok=0; }
    done
    if [ $ok = 1 ]; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "---- output:"; echo "$out" | head -20; fi
}
run() { out=$("$@" 2>&1); status=$?; }

run "$INDEX" --help;                   check "index --help" 0 $status "$out" "Usage: dateline-index" "analyze" "delete"
run "$INDEX" add --help;               check "index add --help" 0 $status "$out" "--db" "--lang" "--field" "--sync"
run "$SEARCH" --help;                  check "search --help" 0 $status "$out" "Usage: dateline-search" "--json"
run "$INDEX" --version;                check "index --version" 0 $status "$out" "dateline-index" "Xapian 1.4"
run "$SEARCH" --version;               check "search --version" 0 $status "$out" "dateline-search"
run "$INDEX" "$CORPUS/articles_en.jsonl"; check "index without --db" 2 $status "$out" "missing --db DIR"
run "$INDEX" --db "$work/db" --lang fre "$CORPUS/articles_en.jsonl"
check "index bad --lang" 2 $status "$out" "unknown language 'fre'; expected one of: en, fr, auto"
run "$INDEX" frobnicate;               check "index unknown command" 2 $status "$out" "unknown command 'frobnicate'"
run "$INDEX" --db "$work/db" "$work/nope.jsonl"
check "index missing input" 1 $status "$out" "$work/nope.jsonl: error: no such file or directory"
run "$SEARCH" "Kim";                   check "search without --db" 2 $status "$out" "missing --db DIR"
run "$SEARCH" --db "$work/absent" Kim; check "search missing index" 1 $status "$out" "cannot open index '$work/absent'"
run "$SEARCH" --db "$work/absent" --sort sideways Kim
check "search bad --sort" 2 $status "$out" "unknown sort order 'sideways'; expected one of: relevance, date, recent"

# A malformed line is reported with file:line, skipped and counted; the rest is indexed.
bad="$work/bad.jsonl"
printf '%s\n' '{"id":"a1","title":"Port Louis harbour reopens","body":"The harbour reopened on Monday.","date":"2024-02-01","lang":"en"}' \
    '{"id":"a2","title":"broken", "body": ' \
    '{"id":"a3","title":"Le port rouvre","body":"Le port de Port-Louis a rouvert lundi.","date":"not a date","lang":"fr"}' > "$bad"
run "$INDEX" --db "$work/bad-db" "$bad"
check "malformed JSON line" 3 $status "$out" "$bad:2: error: malformed JSON" "$bad:3: warning: unreadable date 'not a date'" \
    "indexed 2 articles from 1 files" "1 errors (records skipped)"
run "$SEARCH" --db "$work/bad-db" --json harbour
check "rest of the file indexed" 0 $status "$out" '"id": "a1"'

# Index the sample corpus and search it in both languages.
run "$INDEX" --db "$work/db" "$CORPUS"/*.jsonl
check "index sample corpus" 0 $status "$out" "indexed "
run "$SEARCH" --db "$work/db" --json --limit 1 Kim Putin Vladivostok summit
check "English query ranks its article first" 0 $status "$out" '"id": "en-2019-kim-putin-vladivostok"'
run "$SEARCH" --db "$work/db" --json --limit 1 "flèche Notre-Dame incendie"
check "French query ranks its article first" 0 $status "$out" '"id": "fr-2019-incendie-notre-dame"'
run "$SEARCH" --db "$work/db" --json --limit 1 "fleche notre dame incendie"
check "French query without accents" 0 $status "$out" '"id": "fr-2019-incendie-notre-dame"'
run "$SEARCH" --db "$work/db" --json --limit 1 --lang fr "l'armée nord-coréenne Koursk"
check "elided French query" 0 $status "$out" '"lang": "fr"'
# The articles with every word, then those missing one, under their own heading; not said when the page
# lies inside the head.
run "$SEARCH" --db "$work/db" --limit 4 Kim Putin Vladivostok
check "head and tail" 0 $status "$out" "results with every word; then articles missing a word" "-- articles missing a word --"
run "$SEARCH" --db "$work/db" --limit 1 Kim Putin Vladivostok
check "page inside the head" 0 $status "$out" "results with every word"
if grep -qF "missing a word" <<<"$out"; then failed=$((failed+1)); echo "FAIL page inside the head mentions missing words"; fi

count() { "$SEARCH" --db "$1" --json --limit 0 "" | sed -n 's/^  "total": \([0-9]*\),*/\1/p'; }
before=$(count "$work/db")
run "$INDEX" --db "$work/db" --force "$CORPUS/articles_en.jsonl"
after=$(count "$work/db")
if [ -n "$before" ] && [ "$before" = "$after" ]; then passed=$((passed+1)); echo "ok   re-indexing replaces ($after documents)"
else failed=$((failed+1)); echo "FAIL re-indexing replaces: $before documents before, $after after"; fi

run "$INDEX" --db "$work/db" "$CORPUS/articles_en.jsonl"
check "unchanged file skipped" 0 $status "$out" "1 unchanged files skipped"

run "$INDEX" delete --db "$work/db" en-2019-kim-putin-vladivostok
check "delete" 0 $status "$out" "deleted 1 of 1 articles"
run "$SEARCH" --db "$work/db" --json Vladivostok summit Kim Putin
if grep -q '"id": "en-2019-kim-putin-vladivostok"' <<<"$out"; then failed=$((failed+1)); echo "FAIL deleted article still found"
else passed=$((passed+1)); echo "ok   deleted article gone"; fi

# --sync: the index mirrors the inputs read again; without it, a run only adds and replaces.
mkdir -p "$work/cms"
story() { printf '{"id":"%s","title":"%s","body":"%s","date":"2024-03-01","lang":"en"}\n' "$1" "$2" "$2, the port authority said."; }
{ story s1 "Lighthouse keeper retires"; story s2 "Ferry timetable to Rodrigues changes"; story s3 "Harbour dredging begins"; } > "$work/cms/export.jsonl"
story v1 "Customs strike ends at the quay" > "$work/cms/old.jsonl"
run "$INDEX" --db "$work/sync-db" "$work/cms"
check "sync: first run" 0 $status "$out" "indexed 4 articles from 2 files"
{ story s1 "Lighthouse keeper retires"; story s3 "Harbour dredging begins"; } > "$work/cms/export.jsonl"
run "$INDEX" --db "$work/sync-db" "$work/cms"
check "sync: the default run keeps a removed record" 0 $status "$out" "indexed 2 articles from 1 files"
run "$SEARCH" --db "$work/sync-db" --json timetable
check "sync: kept article still found" 0 $status "$out" '"id": "s2"'
rm "$work/cms/old.jsonl"
run "$INDEX" --db "$work/sync-db" --sync "$work/cms"
check "sync: removed record and vanished file deleted" 0 $status "$out" \
    "$work/cms/export.jsonl: deleted 1 articles it no longer holds: s2" \
    "$(cd "$work/cms" && pwd -P)/old.jsonl: vanished; deleted 1 articles and its record: v1" \
    "indexed 2 articles from 1 files in" "deleted 2 articles no longer in their files (1 files vanished)"
run "$SEARCH" --db "$work/sync-db" --json timetable
if grep -q '"id": "s2"' <<<"$out"; then failed=$((failed+1)); echo "FAIL sync: deleted article still found"
else passed=$((passed+1)); echo "ok   sync: deleted article gone"; fi
run "$SEARCH" --db "$work/sync-db" --json dredging
check "sync: the others stay" 0 $status "$out" '"id": "s3"'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
