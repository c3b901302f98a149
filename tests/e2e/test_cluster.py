#!/usr/bin/env python3
"""scripts/cluster end to end: 3 shards of the sample corpus served by stock xapian-tcpsrv answer as one database
(ids, order, scores, facets, totals, snippets, through dateline-search), status and down by pids, and a replica
(xapian-replicate-server / xapian-replicate) that dateline-serve reads sees a new article without a restart. Then an
index sharded by year: an article of a new year makes a new shard on the primary, which the cluster's follower
serves and replicates, so that dateline-serve on the replica and on the remote stub finds it without a restart."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

QUERIES = ["North Korea", "Corée du Nord", "\"Corée du Nord\"", "Kim Putin summit", "élections", "title:kim",
           "kim -putin", "vladivostok date:2015..2020", "lang:fr", "school closures", "Pyongyng", ""]


def fail(message):
    print("test_cluster: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def search(args, db, query, sort="relevance"):
    out = subprocess.run([args.search, "--db", db, "--json", "--limit", "50", "--sort", sort, "--", query],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        fail("dateline-search --db %s %r: %s" % (db, query, out.stderr.strip()))
    return json.loads(out.stdout)


def answer(d):
    """What must be equal: totals, facets, and per hit its id, score, snippet and title marks (hits of equal
    score may come in another order: compared sorted by score, then id)."""
    hits = sorted(((round(h["score"], 6), h["id"], h["snippet_html"], h["title_html"]) for h in d["results"]),
                  key=lambda h: (-h[0], h[1]))
    return {"total": d["total"], "total_exact": d["total_exact"], "match": d["match"], "did_you_mean": d["did_you_mean"],
            "facets": d["facets"], "hits": hits}


def start_serve(args, db, log_path):
    """dateline-serve --db DB on a free port: (process, URL of /api/search?q=zanzibar)."""
    log = open(log_path, "w")
    serve = subprocess.Popen([args.serve, "--db", db, "--listen", "127.0.0.1:0", "--threads", "2"],
                             stdout=subprocess.PIPE, stderr=log, text=True)
    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", serve.stdout.readline())
    if not match:
        fail("dateline-serve did not start on " + db)
    return serve, "http://127.0.0.1:%s/api/search?q=zanzibar" % match.group(1)


def total(url):
    with urllib.request.urlopen(url, timeout=20) as r:
        return json.load(r)["total"]


def write_probe(path, date):
    with open(path, "w") as f:
        f.write(json.dumps({"id": "replication-probe", "title": "Zanzibar ferry resumes", "lang": "en",
                            "body": "The ferry to Zanzibar resumed on Monday.", "date": date}) + "\n")


def wait_for(urls, written, what):
    while any(total(url) != 1 for url in urls):
        if time.monotonic() - written > 60:
            fail("%s did not find the new article within 60 s" % what)
        time.sleep(0.1)
    print("test_cluster: %s found the new article %.1f s after the primary's commit" % (what, time.monotonic() - written))


def stop(args, state, serves):
    """Stops the servers and the cluster; fails when a recorded process outlives 'down'."""
    for serve in serves:
        serve.terminate()
        serve.wait(timeout=30)
    pids = []
    if os.path.exists(os.path.join(state, "pids")):
        with open(os.path.join(state, "pids")) as f:
            pids = [int(line.split()[0]) for line in f if line.strip()]
    down = subprocess.run([args.cluster, "down", "--state", state], capture_output=True, text=True)
    still = [pid for pid in pids if os.path.exists("/proc/%d" % pid) and "Z" not in open("/proc/%d/stat" % pid).read().split()[2]]
    if down.returncode != 0 or still:
        fail("cluster down left processes running: %s (%s)" % (still, down.stderr))
    if subprocess.run([args.cluster, "status", "--state", state], capture_output=True).returncode != 3:
        fail("cluster status after down does not say 'down' (exit 3)")


def year_shards(args, work):
    """An index sharded by year behind the cluster: a new year's shard is served and replicated by the follower."""
    state = os.path.join(work, "state-years")
    index = os.path.join(work, "years")
    first = os.path.join(work, "first.jsonl")
    with open(first, "w") as f:
        for year in ("2019", "2024"):
            f.write(json.dumps({"id": "story-" + year, "title": "Ferry timetable " + year, "lang": "en",
                                "body": "The island ferry changed its timetable.", "date": year + "-03-01"}) + "\n")
    subprocess.run([args.index, "add", "--db", index, "--shard-by", "year", "--quiet", first], check=True, timeout=60)
    up = subprocess.run([args.cluster, "up", "--db", index, "--replica", "--state", state], capture_output=True, text=True,
                        timeout=120)
    if up.returncode != 0:
        fail("cluster up (years): " + up.stderr)
    serves = []
    try:
        for db in (os.path.join(state, "replica"), os.path.join(state, "cluster.stub")):
            serves.append(start_serve(args, db, os.path.join(work, "serve-%d.log" % len(serves))))
        urls = [url for _, url in serves]
        if any(total(url) != 0 for url in urls):
            fail("the year cluster finds the probe before it is written")
        probe = os.path.join(work, "probe-2031.jsonl")
        write_probe(probe, "2031-01-05")
        subprocess.run([args.index, "add", "--db", index, "--quiet", probe], check=True, timeout=60,
                       env=dict(os.environ, XAPIAN_MAX_CHANGESETS="10"))
        if not os.path.isdir(os.path.join(index, "year-2031")):
            fail("the primary has no year-2031 shard")
        wait_for(urls, time.monotonic(), "dateline-serve on the replica and on the remote stub (a new year's shard)")
        with open(os.path.join(state, "cluster.stub")) as f:
            if sum(line.startswith("remote ") for line in f) != 4:
                fail("the remote stub does not list 4 shards (undated, 2019, 2024, 2031)")
    finally:
        stop(args, state, [serve for serve, _ in serves])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cluster", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--search", required=True)
    p.add_argument("--serve", required=True)
    p.add_argument("--corpus", required=True)
    args = p.parse_args()
    for tool in ("xapian-tcpsrv", "xapian-replicate", "xapian-replicate-server"):
        if shutil.which(tool) is None:
            print("test_cluster: %s not installed (xapian-tools): skipped" % tool)
            sys.exit(77)
    work = tempfile.mkdtemp(prefix="dateline-cluster-test.")
    state = os.path.join(work, "state")
    env = dict(os.environ, DATELINE_INDEX=args.index)
    serve = None
    try:
        one = os.path.join(work, "one")
        subprocess.run([args.index, "--db", one, "--shards", "1", "--quiet", args.corpus], check=True, timeout=120)
        index = os.path.join(work, "index")
        up = subprocess.run([args.cluster, "up", "--db", index, "--shards", "3", "--input", args.corpus, "--replica",
                             "--state", state], env=env, capture_output=True, text=True, timeout=120)
        if up.returncode != 0:
            fail("cluster up: " + up.stderr)
        stub = os.path.join(state, "cluster.stub")
        with open(stub) as f:
            remotes = [line for line in f if line.startswith("remote 127.0.0.1:")]
        if len(remotes) != 3:
            fail("the stub lists %d remote shards, expected 3" % len(remotes))
        status = subprocess.run([args.cluster, "status", "--state", state], capture_output=True, text=True)
        # 3 xapian-tcpsrv, the replication server, 3 xapian-replicate and the follower.
        if status.returncode != 0 or status.stdout.count("running (pid") != 8:
            fail("cluster status: %s" % status.stdout)

        for query in QUERIES:
            for sort in ("relevance", "recent"):
                reference = answer(search(args, one, query, sort))
                for db in (index, stub, os.path.join(state, "replica")):
                    if answer(search(args, db, query, sort)) != reference:
                        fail("%r (sort %s) on %s differs from one database" % (query, sort, db))
        print("test_cluster: %d queries: one database = local stub = 3 xapian-tcpsrv = replica" % (len(QUERIES) * 2))

        # dateline-serve on the replica, then an article written to the primary.
        serve, url = start_serve(args, os.path.join(state, "replica"), os.path.join(work, "serve.log"))
        if total(url) != 0:
            fail("the replica finds the probe before it is written")
        probe = os.path.join(work, "probe.jsonl")
        write_probe(probe, "2026-12-05")
        subprocess.run([args.index, "--db", index, "--quiet", probe], check=True, timeout=60,
                       env=dict(os.environ, XAPIAN_MAX_CHANGESETS="10"))
        wait_for([url], time.monotonic(), "dateline-serve on the replica")
    finally:
        stop(args, state, [serve] if serve is not None else [])
    try:
        year_shards(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("test_cluster: PASS")


if __name__ == "__main__":
    main()
