#!/usr/bin/env python3
"""dateline-index crawl against a loopback news site made from sample_corpus/ (tests/indexer/crawl_site.py).

Checks: exactly the allowed articles are indexed, with the titles, dates, languages and sources a local
`dateline-index add` of the same files gives; site chrome is not searchable; every skipped URL is reported
with its reason; Crawl-delay and the parallel limit hold and 429 waits for Retry-After (the server's log
timestamps); the second run fetches nothing unchanged (304s); --sync deletes a page gone 404; a run killed
with SIGKILL resumes; a private address (also behind a name) and other hosts are refused unless allowed.

    test_crawl.py --index dateline-index --search dateline-search --corpus sample_corpus
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crawl_site import start_site  # noqa: E402

failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(name)


def run(cmd, timeout=60):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def log_entries(path, since=0):
    with open(path, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f]
    return entries[since:], len(entries)


def articles(search, db):
    """Every article of an index: id -> (title, date, lang, source)."""
    code, out = run([search, "--db", db, "--json", "-n", "1000", "--from", "1000"])
    if code != 0:
        raise RuntimeError(out)
    return {r["id"]: (r["title"], r.get("date"), r.get("lang"), r.get("source")) for r in json.loads(out)["results"]}


def total(search, db, query):
    code, out = run([search, "--db", db, "--json", query])
    return json.loads(out)["total"] if code == 0 else -1


def total_in(search, db):
    code, out = run([search, "--db", db, "--json", "--from", "1000"])
    return json.loads(out)["total"] if code == 0 else -1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--search", required=True)
    parser.add_argument("--corpus", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dateline-crawl.")
    log = os.path.join(work, "requests.log")
    server, site, _ = start_site(args.corpus, log_path=log)
    base = site.base
    db = os.path.join(work, "db")
    # --delay 0: the 0.2 s between requests must come from robots.txt's Crawl-delay.
    # --shards 3: a sharded index (articles routed by id, crawl state in the first shard); --since below: one database.
    crawl = [args.index, "crawl", "--db", db, "--shards", "3", "--allow-private", "--delay", "0", "--parallel", "2", "--timeout", "1.5",
             "--max-page-mb", "1", "--retries", "2", "--contact", "https://example.org/dateline-test", base + "/", base + "/feed.xml"]

    # ---- First crawl.
    code, out = run(crawl)
    entries, seen = log_entries(log)
    check("first crawl exits 3 (the slow page timed out)", code == 3, f"exit {code}\n{out}")
    for pattern in [f"{base}/private/secret.html: skipped: disallowed by robots.txt (Disallow: /private/)",
                    f"{base}/huge.html: skipped: size: larger than the limit of 1048576 bytes; transfer aborted",
                    f"{base}/gone.html: skipped: HTTP status 404",
                    f"{base}/image.png: skipped: type: 'image/png' is not a page dateline reads",
                    f"{base}/slow.html: error: timed out",
                    "http://elsewhere.example/page.html: skipped: host 'elsewhere.example' is not among the allowed hosts",
                    f"{base}/sitemaps/pages.xml.gz: sitemap: 24 URLs", f"{base}/sitemaps/news.xml: sitemap: 3 URLs",
                    f"{base}/feed.xml: feed: 3 items"]:
        check(f"reported: {pattern[len(base):] if pattern.startswith(base) else pattern[:40]}", pattern in out, out)
    check("the user agent names dateline and the contact",
          all(e["user_agent"].startswith("dateline/") and "https://example.org/dateline-test" in e["user_agent"] for e in entries))
    shard_dirs = sorted(d for d in os.listdir(db) if d.startswith("shard-"))
    check("a new crawl index with --shards 3 has three shards, each with articles",
          shard_dirs == ["shard-000", "shard-001", "shard-002"] and os.path.exists(os.path.join(db, "XAPIANDB")) and
          all(total_in(args.search, os.path.join(db, d)) > 0 for d in shard_dirs), f"{os.listdir(db)}")
    check("the disallowed page is never requested", not any(e["path"].startswith("/private/") for e in entries))

    # The same files indexed locally: the crawl must find the same articles, titles, dates and languages.
    ref = os.path.join(work, "ref")
    files = [os.path.join(args.corpus, "html", f) for f in site.expected_html]
    files += [os.path.join(args.corpus, "scraped", "islandpost", f) for f in site.expected_scraped]
    code, out_ref = run([args.index, "add", "--db", ref, "-q"] + files)
    check("reference index built", code == 0, out_ref)
    crawled = articles(args.search, db)
    expected = articles(args.search, ref)
    check("exactly the allowed articles are indexed", len(crawled) == len(expected) == len(files),
          f"{len(crawled)} crawled, {len(expected)} expected")
    crawled_by_title = {v[0]: (k, v) for k, v in crawled.items()}
    for ref_id, (title, date, lang, source) in expected.items():
        got = crawled_by_title.get(title)
        if got is None:
            check(f"crawled: {title[:50]}", False, "title not found")
            continue
        cid, (_, cdate, clang, csource) = got
        # Scraped pages have no URL locally (their source is the folder); crawled, the URL's host names them.
        want_source = source if ref_id.startswith("http") else "127.0.0.1"
        check(f"crawled: {title[:50]}", (cdate, clang, csource) == (date, lang, want_source),
              f"{(cdate, clang, csource)} != {(date, lang, want_source)}")
    for chrome in ["Download The App", "spot_img", "Must Read", "Read in French"]:
        check(f"site chrome not searchable: {chrome}", total(args.search, db, f'"{chrome}"') == 0)
    check("article text is searchable", total(args.search, db, '"Le Bourget"') == 1)

    # Politeness: Crawl-delay between request starts, at most 2 in flight, 429 waits for Retry-After.
    ordered = sorted(entries, key=lambda e: e["start"])
    gaps = [(b["start"] - a["start"], a["path"], b["path"]) for a, b in zip(ordered, ordered[1:])]
    # The server sees the crawler's requests with its own scheduling jitter (a busy machine, a sanitizer build):
    # single gaps may shrink, the span cannot. Without the delay the span would be a few milliseconds a request.
    span = ordered[-1]["start"] - ordered[0]["start"]
    close = [g for g in gaps if g[0] < 0.1]
    check("Crawl-delay 0.2 s holds between requests", span >= 0.2 * len(gaps) * 0.97 and len(close) <= len(gaps) // 10,
          f"{len(gaps)} gaps over {span:.2f} s; under 0.1 s: {close}")
    # The crawler gives up the slow page at its 1.5 s timeout; the server sleeps on for 3 s.
    ends = [min(e["end"], e["start"] + 1.5) if e["path"] == "/slow.html" else e["end"] for e in entries]
    events = sorted([(e["start"], 1) for e in entries] + [(end, -1) for end in ends])
    in_flight = peak = 0
    for _, delta in events:
        in_flight += delta
        peak = max(peak, in_flight)
    check("at most 2 requests in flight, and 2 reached", peak == 2, f"peak {peak}")
    busy = [e for e in entries if e["path"] == "/busy.html"]
    check("429 then retried after Retry-After: 1", [e["status"] for e in busy] == [429, 200] and busy[1]["start"] - busy[0]["end"] >= 0.95,
          str(busy))
    check("the redirect is followed", [e["status"] for e in entries if e["path"] == "/old/story.txt"] == [301])

    # ---- Second crawl: nothing unchanged is fetched again.
    code, out = run(crawl)
    entries, seen = log_entries(log, seen)
    page_paths = {"/en/" + f for f in site.html_files} | {"/islandpost/" + f for f in site.scraped_files} | {"/busy.html"}
    refetched = [e["path"] for e in entries if e["path"] in page_paths and e["status"] == 200]
    not_modified = [e for e in entries if e["status"] == 304]
    check("second crawl fetches no unchanged page", refetched == [], str(refetched))
    check("second crawl sends conditional requests answered 304", len(not_modified) >= 10 and all(e["if_none_match"] for e in not_modified),
          f"{len(not_modified)} 304s")
    check("pages with an old sitemap lastmod are not requested at all",
          not any(e["path"] == site.en[0] for e in entries) and "not requested" in out, out)
    check("second crawl indexes nothing", ", 0 articles indexed" in out, out)
    print(f"second crawl: {len(entries)} requests ({len(not_modified)} answered 304)")

    # ---- A page gone: reported; --sync deletes its article.
    gone_path = site.scraped[5]
    gone_title = crawled_by_title and [t for t, (k, _) in crawled_by_title.items() if k.endswith(gone_path)][0]
    del site.pages[gone_path]
    code, out = run(crawl)
    check("a page now 404 is reported, its article kept without --sync",
          f"{base}{gone_path}: gone (HTTP 404); its article {base}{gone_path} is kept (--sync deletes it)" in out and
          gone_title in [v[0] for v in articles(args.search, db).values()], out)
    code, out = run(crawl + ["--sync"])
    check("--sync deletes the article of a page gone 404",
          f"{base}{gone_path}: gone (HTTP 404); deleted its article" in out and
          gone_title not in [v[0] for v in articles(args.search, db).values()], out)
    _, seen = log_entries(log)

    # ---- Killed with SIGKILL mid-crawl, then resumed: every article, nothing fetched twice that was committed.
    db2 = os.path.join(work, "db2")
    killed = [a if a != db else db2 for a in crawl] + ["--batch", "1"]
    p = subprocess.Popen(killed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        new, _ = log_entries(log, seen)
        if sum(1 for e in new if e["path"] in page_paths and e["status"] == 200) >= 8:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    time.sleep(0.2)
    _, seen = log_entries(log)
    code, out = run(killed)
    resumed = articles(args.search, db2)
    check("a crawl killed with SIGKILL resumes to the same articles", len(resumed) == len(files) - 1, f"{len(resumed)} articles\n{out}")
    entries, seen = log_entries(log, seen)
    refetched = [e for e in entries if e["path"] in page_paths and e["status"] == 200]
    check("the resumed crawl does not fetch again what was committed before the kill",
          0 < len(refetched) < len(files), f"{len(refetched)} pages fetched again")

    # ---- --since: a first crawl limited by date; Ctrl-C commits what was fetched and exits 130.
    db4 = os.path.join(work, "db4")
    since = [a if a != db else db4 for a in crawl if a not in ("--shards", "3")] + ["--shards", "1", "--since", "2024-01-01"]
    code, out = run(since)
    dated = articles(args.search, db4)
    check("--since keeps the articles dated from then on, and says why it skipped the others",
          dated and all(v[1] >= "2024-01-01" for v in dated.values()) and len(dated) < len(files) - 1 and
          ", before --since 2024-01-01" in out, f"{sorted(v[1] for v in dated.values())}\n{out}")
    check("--shards 1 makes one database", not os.path.exists(os.path.join(db4, "XAPIANDB")) and os.path.exists(os.path.join(db4, "iamglass")),
          str(os.listdir(db4)))
    _, seen = log_entries(log)
    p = subprocess.Popen([a if a != db else os.path.join(work, "db5") for a in crawl], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while time.time() < deadline and sum(1 for e in log_entries(log, seen)[0] if e["path"] in page_paths) < 4:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    err = p.communicate(timeout=30)[1]
    check("Ctrl-C stops the crawl with status 130, what was fetched committed",
          p.returncode == 130 and "interrupted: what was fetched is committed" in err and 0 < len(articles(args.search, os.path.join(work, "db5"))),
          f"exit {p.returncode}\n{err}")

    # ---- Refusals: a literal private address, a name resolving to one, and the same allowed.
    port = base.rsplit(":", 1)[1]
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), base + "/"])
    check("a private address is refused without --allow-private (exit 2)",
          code == 2 and "cannot crawl " + base + "/: address 127.0.0.1 is private, loopback or link-local (--allow-private allows it)" in out, out)
    _, seen = log_entries(log)
    public = f"http://news.example.org:{port}/"
    resolve = ["--resolve", f"news.example.org:{port}:127.0.0.1"]
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), "--delay", "0"] + resolve + [public])
    new, seen = log_entries(log, seen)
    check("a name resolving to a private address is refused after resolution",
          code == 3 and "resolves to 127.0.0.1, a private, loopback or link-local address" in out and new == [], f"{out}\n{new}")
    elsewhere = f"elsewhere.example:{port}"
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), "--delay", "0", "--allow-private", "--allow-host", elsewhere,
                     "--resolve", f"{elsewhere}:127.0.0.1", f"http://{elsewhere}/islandpost/{site.scraped_files[0]}", base + "/feed.xml"])
    new, seen = log_entries(log, seen)
    check("another host is fetched when allowed", code == 0 and any(e["host"] == elsewhere and e["status"] == 200 for e in new), out)
    code, out = run([args.index, "crawl", base + "/"])
    check("crawl without --db is a usage error", code == 2 and "missing --db DIR" in out, out)
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3")])
    check("crawl without a URL is a usage error", code == 2 and "no URL given: name a site root, a sitemap or a feed" in out, out)
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), "--since", "someday", base + "/"])
    check("an unreadable --since is a usage error", code == 2 and "cannot read --since date 'someday'; expected e.g. 2024-01-31" in out, out)
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), "--parallel", "0", base + "/"])
    check("--parallel 0 is a usage error", code == 2 and "--parallel must be at least 1" in out, out)
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), "not a url"])
    check("a URL that cannot be read is a usage error", code == 2 and "cannot read URL 'not a url'; expected an http or https URL" in out, out)
    code, out = run([args.index, "crawl", "--db", os.path.join(work, "db3"), "file:///etc/passwd"])
    check("a file: URL is refused (exit 2)", code == 2 and "has scheme 'file'; expected http or https" in out, out)

    server.shutdown()
    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        return 1
    subprocess.run(["rm", "-rf", work])
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
