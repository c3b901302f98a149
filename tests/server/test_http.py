#!/usr/bin/env python3
"""HTTP integration tests of dateline-serve: start the real server on a free loopback port over an index of
sample_corpus/, then check every route, error path, CORS header, write, reopen and the static-file guard.

Usage: test_http.py --serve BIN --index BIN --search BIN --corpus DIR --web-root DIR --group NAME
Groups (one CTest test each, so that ctest -j runs them in parallel): api, errors, writes, cors, static,
pages, follow (period terms, feeds, exports), cli. Only the Python standard library is used.
"""

import argparse
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

TOKEN = "test-token-0123456789abcdef"
ALLOWED_ORIGIN = "https://news.example"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        check(self.header("Content-Type", ) is not None and "application/json" in self.header("Content-Type"),
              "expected a JSON response, got Content-Type %r: %s" % (self.header("Content-Type"), self.text[:200]))
        return json.loads(self.text)


class Server:
    """A dateline-serve process on a free loopback port."""

    def __init__(self, args, db, extra=()):
        log_dir = tempfile.mkdtemp(prefix="dateline-serve-log.")
        atexit.register(shutil.rmtree, log_dir, True)  # kept until the end: failure messages quote it
        self.stderr_path = os.path.join(log_dir, "stderr.log")
        self.stderr_file = open(self.stderr_path, "w")
        cmd = [args.serve, "--db", db, "--listen", "127.0.0.1:0", "--threads", "4", *extra]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr_file, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.process.kill()
            raise Failure("dateline-serve did not start: %r; stderr: %s" % (line, self.log()))
        self.port = int(match.group(1))

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            # http.client sends the path exactly as given: traversal attempts reach the server unchanged.
            conn.putrequest(method, path, skip_accept_encoding=True)
            headers = dict(headers or {})
            if body is not None:
                if isinstance(body, str):
                    body = body.encode("utf-8")
                headers.setdefault("Content-Length", str(len(body)))
            for key, value in headers.items():
                conn.putheader(key, value)
            conn.endheaders()
            if body is not None:
                conn.send(body)
            resp = conn.getresponse()
            return Response(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def log(self):
        if not self.stderr_file.closed:
            self.stderr_file.flush()
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr_file.close()
        return self.process.returncode


def qs(**params):
    return urllib.parse.urlencode(params)


def expect_error(resp, status, *fragments):
    check(resp.status == status, "expected status %d, got %d: %s" % (status, resp.status, resp.text[:300]))
    body = resp.json()
    check(isinstance(body.get("error"), dict), "error body lacks 'error' object: %s" % resp.text[:300])
    check(body["error"].get("status") == status, "error.status is %r, expected %d" % (body["error"].get("status"), status))
    message = body["error"].get("message", "")
    for fragment in fragments:
        check(fragment in message, "error message %r lacks %r" % (message, fragment))
    return message


def build_index(args, work, name="db"):
    db = os.path.join(work, name)
    inputs = [os.path.join(args.corpus, f) for f in ("articles_en.jsonl", "articles_fr.jsonl")]
    out = subprocess.run([args.index, "--db", db, "--quiet", *inputs], capture_output=True, text=True)
    if out.returncode != 0:
        raise Failure("dateline-index failed (%d): %s" % (out.returncode, out.stderr))
    return db


# ---------------------------------------------------------------------------------------------------------
# Groups. Each is a list of (name, function(server, context)).

def api_tests(args, srv, ctx):
    def health():
        r = srv.get("/api/health")
        check(r.status == 200, "status %d" % r.status)
        j = r.json()
        check(j["status"] == "ok" and j["documents"] >= 40, "health: %s" % j)

    def stats():
        j = srv.get("/api/stats").json()
        check(j["documents"] >= 40, "documents %s" % j.get("documents"))
        check(j["date_range"]["from"].startswith("2015") and j["date_range"]["to"] >= "2025", "date range %s" % j["date_range"])
        check(j["languages"]["en"] >= 18 and j["languages"]["fr"] >= 22, "languages %s" % j["languages"])
        check(j["index_size_bytes"] > 10000, "index size %s" % j["index_size_bytes"])
        check(j["last_update"] and re.match(r"\d{4}-\d\d-\d\dT", j["last_update"]), "last_update %r" % j["last_update"])

    def search_same_json_as_cli():
        r = srv.get("/api/search?" + qs(q="Vladivostok"))
        check(r.status == 200, "status %d: %s" % (r.status, r.text[:200]))
        api = r.json()
        check(api["total"] >= 1 and api["results"], "no results for Vladivostok")
        check(any("vladivostok" in h["id"] for h in api["results"]), "Vladivostok article missing")
        cli = subprocess.run([args.search, "--db", ctx["db"], "--json", "Vladivostok"], capture_output=True, text=True)
        check(cli.returncode == 0, "dateline-search failed: %s" % cli.stderr)
        cli_json = json.loads(cli.stdout)
        for j in (api, cli_json):
            j.pop("took_ms", None)
        check(api == cli_json, "API JSON differs from dateline-search --json:\nAPI %s\nCLI %s" %
              (json.dumps(api)[:600], json.dumps(cli_json)[:600]))

    def search_facets():
        j = srv.get("/api/search?" + qs(q="", size=0)).json()
        years = j["facets"]["years"]
        check(years and years[0]["value"] == "2015", "years facet %s" % years[:3])
        # Counts are results: a group of near-duplicates once per value, so no count exceeds the total and
        # every result is under some year (or undated).
        total = j["total"]
        dated = sum(y["count"] for y in years)
        check(dated + j["facets"]["undated"] >= total, "year counts add up to %d of %d" % (dated, total))
        check(all(y["count"] <= total for y in years), "a year counts more than the %d results: %s" % (total, years))
        # Without collapsing every article counts.
        every = srv.get("/api/search?" + qs(q="", size=0, collapse="false")).json()
        dated = sum(y["count"] for y in every["facets"]["years"])
        check(dated >= 40, "year counts add up to %d" % dated)
        langs = {l["value"]: l["count"] for l in every["facets"]["languages"]}
        check(langs.get("fr", 0) >= 22, "languages facet %s" % langs)

    def search_filters():
        j = srv.get("/api/search?" + qs(q="Kim", lang="fr", size=50)).json()
        check(j["results"] and all(h["lang"] == "fr" for h in j["results"]), "lang=fr gave %s" % [h["lang"] for h in j["results"]])
        j = srv.get("/api/search?" + qs(q="", **{"from": "2019", "to": "2019"}, size=50)).json()
        check(j["results"] and all(h["date"].startswith("2019") for h in j["results"]), "from/to 2019 gave %s" %
              [h["date"] for h in j["results"]])
        j = srv.get("/api/search?" + qs(q="", sort="date", size=20)).json()
        days = [h["date"][:10] for h in j["results"] if h["date"]]
        check(days == sorted(days, reverse=True), "sort=date not newest first: %s" % days)

    def search_drill_months():
        j = srv.get("/api/search?" + qs(q="", drill="2024", size=0)).json()
        months = j["facets"].get("months")
        check(months, "drill=2024 gave no months facet: %s" % list(j["facets"].keys()))
        check(all(m["value"].startswith("2024-") for m in months), "months %s" % months)

    def search_place():
        # Filtering on a place of the places facet finds as many articles as the facet counted.
        # Facets count every article; collapse=false counts near-duplicates in the total too.
        places = srv.get("/api/search?" + qs(q="", size=0)).json()["facets"]["places"]
        check(places, "the index has no places facet (is the gazetteer installed?)")
        top = places[0]
        j = srv.get("/api/search?" + qs(q="", place=top["value"], size=0, collapse="false")).json()
        check(j["total"] == top["count"], "place=%s matched %d, facet said %d" % (top["value"], j["total"], top["count"]))

    def paging():
        p1 = srv.get("/api/search?" + qs(q="", size=5, page=1)).json()
        p2 = srv.get("/api/search?" + qs(q="", size=5, page=2)).json()
        check(len(p1["results"]) == 5 and len(p2["results"]) == 5, "page sizes")
        check(p2["offset"] == 5 and p2["results"][0]["rank"] == 6, "page 2 starts at rank %s" % p2["results"][0]["rank"])
        check(not {h["id"] for h in p1["results"]} & {h["id"] for h in p2["results"]}, "pages overlap")

    def suggest():
        j = srv.get("/api/suggest?" + qs(q="Vladi")).json()
        texts = [s["text"] for s in j["completions"]]
        check(any(t.lower().startswith("vladivostok") for t in texts), "suggestions for Vladi: %s" % texts)
        j = srv.get("/api/suggest?" + qs(q="")).json()
        check(j["completions"] == [], "empty prefix gave %s" % j["completions"])
        r = srv.get("/api/suggest?" + qs(q="Vladi", format="opensearch"))
        check(r.status == 200 and json.loads(r.text)[0] == "Vladi", "opensearch suggestions %s" % r.text[:200])

    def article():
        j = srv.get("/api/articles/en-2019-kim-putin-vladivostok").json()
        check(j["id"] == "en-2019-kim-putin-vladivostok" and "Vladivostok" in j["title"] and len(j["body"]) > 200, "article %s" % str(j)[:200])
        check(j["places"] and all(p.get("label") for p in j["places"]), "places without labels: %s" % j["places"])
        fr = srv.get("/api/articles/en-2019-kim-putin-vladivostok?ui=fr").json()
        check(any(p["label"] == "Corée du Nord" for p in fr["places"]), "French place labels: %s" % fr["places"])
        expect_error(srv.get("/api/articles/no-such-article"), 404, "no article with id 'no-such-article'")

    def article_has_the_fields_of_its_search_result():
        # The article route says of an article what a search result says, without the search's own fields.
        hits = srv.get("/api/search?" + qs(q="Vladivostok Kim", size=20, ui="fr")).json()["results"]
        hit = next(h for h in hits if h["id"] == "en-2019-kim-putin-vladivostok")
        j = srv.get("/api/articles/en-2019-kim-putin-vladivostok?ui=fr").json()
        search_only = {"rank", "score", "weight", "similar", "extract", "snippet_html", "title_html"}
        check(set(j) == set(hit) - search_only | {"body"}, "article keys %s" % sorted(j))
        for key in set(j) - {"body", "partial"}:
            check(j[key] == hit[key], "article %s %r differs from the search result's %r" % (key, j[key], hit[key]))

    def related():
        r = srv.get("/api/articles/en-2019-kim-putin-vladivostok/related?size=3")
        check(r.status == 200, "status %d: %s" % (r.status, r.text[:200]))
        ids = [h["id"] for h in r.json()["results"]]
        check(ids and "en-2019-kim-putin-vladivostok" not in ids and len(ids) <= 3, "related ids %s" % ids)
        expect_error(srv.get("/api/articles/no-such-article/related"), 404, "no article with id")

    def cache():
        path = "/api/search?" + qs(q="Putin Kim", size=3)
        first = srv.get(path)
        second = srv.get(path)
        check(second.header("X-Cache") == "hit", "a repeated search is not answered from the cache")
        check(first.json()["results"] == second.json()["results"], "the cached answer differs")
        check(srv.get("/api/stats").json()["cache"]["hits"] >= 1, "cache hits not counted")

    def search_slots():
        slots = srv.get("/api/stats").json()["search_slots"]
        check(slots["slots"] >= 2 and slots["waiting"] == 0, "search slots at rest: %s" % slots)
        # One slot: concurrent searches wait their turn, and all are answered as when alone.
        one = Server(args, ctx["db"], ["--search-slots", "1", "--no-access-log"])
        try:
            queries = ["Putin Kim", "Vladivostok", "Corée du Nord", "cyclone", "Port Louis", "élection", "North Korea", "Maurice"]
            alone = {q: one.get("/api/search?" + qs(q=q, size=5)).json()["results"] for q in queries}
            answers = {}
            errors = []

            def ask(q):
                try:
                    r = one.get("/api/search?" + qs(q=q, size=5))
                    if r.status != 200:
                        errors.append("%s: %d" % (q, r.status))
                    else:
                        answers[q] = r.json()["results"]
                except Exception as e:  # noqa: BLE001 (any failure fails the test below)
                    errors.append("%s: %s" % (q, e))

            threads = [threading.Thread(target=ask, args=(q,)) for q in queries * 2]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            check(not errors, "concurrent searches through one slot failed: %s" % errors)
            check(answers == alone, "concurrent answers differ from the answers alone")
            check(one.get("/api/stats").json()["search_slots"] == {"slots": 1, "waiting": 0}, "one slot at rest")
        finally:
            one.stop()

    def opensearch():
        r = srv.get("/opensearch.xml")
        check(r.status == 200 and "OpenSearchDescription" in r.text and "/?q={searchTerms}" in r.text, r.text[:300])

    def access_log():
        srv.get("/api/search?" + qs(q="secretword"))
        time.sleep(0.2)
        log = srv.log()
        check(re.search(r"^\d{4}-\d\d-\d\dT[\d:.]+Z GET /api/search 200 [\d.]+ms$", log, re.M), "no access log line: %s" % log[-500:])
        check("secretword" not in log, "the access log holds query text")

    return [health, stats, search_same_json_as_cli, search_facets, search_filters, search_drill_months, search_place, paging,
            suggest, article, article_has_the_fields_of_its_search_result, related, cache, search_slots, opensearch, access_log]


def error_tests(args, srv, ctx):
    def bad(path, status, *fragments):
        def run():
            expect_error(srv.get(path), status, *fragments)
        run.__name__ = "error " + path[:60]
        return run

    long_query = "a" * 2000
    tests = [
        bad("/api/search?" + qs(q="x", size=1000), 400, "bad size '1000'", "0 to 100"),
        bad("/api/search?" + qs(q="x", size="ten"), 400, "bad size 'ten'"),
        bad("/api/search?" + qs(q="x", page=0), 400, "bad page '0'"),
        bad("/api/search?" + qs(q="x", page=200, size=100), 400, "beyond the first 10000 results"),
        bad("/api/search?" + qs(q="x", frobnicate=1), 400, "unknown parameter 'frobnicate'"),
        bad("/api/search?q=a&q=b", 400, "parameter 'q' is given more than once"),
        bad("/api/search?" + qs(q=long_query), 400, "query is 2000 bytes long; at most 1000"),
        bad("/api/search?" + qs(q="x", sort="sideways"), 400, "unknown sort order 'sideways'"),
        bad("/api/search?" + qs(q="x", lang="de"), 400, "unknown language 'de'"),
        bad("/api/search?" + qs(q="x", **{"from": "yesterday"}), 400, "yesterday"),
        bad("/api/search?" + qs(q="x", facets="maybe"), 400, "bad facets value 'maybe'"),
        bad("/api/search?" + qs(q="x", drill="24"), 400, "bad drill '24'"),
        bad("/api/suggest?" + qs(q="x", size=99), 400, "bad size '99'"),
        bad("/api/suggest?" + qs(q="x", format="xml"), 400, "bad format 'xml'"),
        bad("/api/suggest?" + qs(q=long_query), 400, "query is 2000 bytes long"),
        bad("/api/articles/x/related?size=0", 400, "bad size '0'"),
        bad("/api/nope", 404, "no API route GET /api/nope"),
        bad("/no-such-file.js", 404, "no such file"),
    ]

    def method_not_allowed():
        r = srv.request("PATCH", "/api/search", body="")
        expect_error(r, 405, "method PATCH is not allowed on /api/search")
        check(r.header("Allow"), "405 without Allow header")
        expect_error(srv.request("POST", "/api/search", body="{}"), 405, "method POST is not allowed")
        # Allow lists the methods of the routes that take the path (HEAD with GET, OPTIONS for preflights).
        for method, path, allowed in [("PATCH", "/api/search", "GET, HEAD, OPTIONS"),
                                      ("POST", "/api/articles/x", "GET, HEAD, PUT, DELETE, OPTIONS"),
                                      ("GET", "/api/articles", "POST, OPTIONS"),
                                      ("PUT", "/", "GET, HEAD"),
                                      ("OPTIONS", "/style.css", "GET, HEAD")]:
            r = srv.request(method, path, body="" if method in ("POST", "PUT", "PATCH") else None)
            expect_error(r, 405, "method %s is not allowed on %s; allowed: %s" % (method, path, allowed))
            check(r.header("Allow") == allowed, "%s %s: Allow %r" % (method, path, r.header("Allow")))

    def unknown_api_route():
        # Any method on a path no route takes is a 404 that lists the API's routes.
        routes = "/api/search, /api/suggest, /api/articles/ID/related, /api/articles/ID, /api/articles, /api/export, /api/stats, /api/health"
        expect_error(srv.get("/api/nope"), 404, "no API route GET /api/nope; routes: " + routes)
        expect_error(srv.request("PUT", "/api/nope", body=""), 404, "no API route PUT /api/nope; routes: " + routes)
        expect_error(srv.get("/api"), 404, "no API route GET /api;")

    def hostile_query_is_not_a_crash():
        for q in ['"unbalanced', "((((", "AND OR NOT", "date:nonsense", "\u00e9t\u00e9*", "a*"]:
            r = srv.get("/api/search?" + qs(q=q))
            check(r.status in (200, 400), "query %r gave %d" % (q, r.status))
            r.json()

    def invalid_utf8_query():
        r = srv.get("/api/search?q=%C3%28%FF")
        check(r.status in (200, 400), "invalid UTF-8 gave %d" % r.status)
        r.json()

    def uri_too_long():
        r = srv.get("/api/search?q=" + "a" * 20000)
        check(r.status == 414, "status %d" % r.status)
        expect_error(r, 414)

    return tests + [method_not_allowed, unknown_api_route, hostile_query_is_not_a_crash, invalid_utf8_query, uri_too_long]


def write_tests(args, srv, ctx):
    auth = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
    article = {"title": "Dodo sighting reported in Curepipe botanical garden", "body": "Residents of Curepipe said on Tuesday "
               "that they had seen a large flightless bird in the botanical garden. Naturalists were sceptical.",
               "date": "2026-03-01", "lang": "en", "source": "test"}

    def put_requires_token():
        r = srv.request("PUT", "/api/articles/t1", body=json.dumps(article), headers={"Content-Type": "application/json"})
        expect_error(r, 401, "missing credentials")
        check("Bearer" in (r.header("WWW-Authenticate") or ""), "401 without WWW-Authenticate")
        r = srv.request("PUT", "/api/articles/t1", body=json.dumps(article), headers={"Authorization": "Bearer wrong-token-xxxxxxxxxx"})
        expect_error(r, 401, "invalid token")
        r = srv.request("PUT", "/api/articles/t1", body=json.dumps(article), headers={"Authorization": "Basic " + TOKEN})
        expect_error(r, 401, "missing credentials")
        r = srv.request("DELETE", "/api/articles/en-2019-kim-putin-vladivostok", headers={"Authorization": "Bearer " + TOKEN[:-1]})
        expect_error(r, 401, "invalid token")
        r = srv.request("POST", "/api/articles", body="{}\n")
        expect_error(r, 401)

    def put_then_search():
        start = time.monotonic()
        r = srv.request("PUT", "/api/articles/t1", body=json.dumps(article), headers=auth)
        check(r.status == 200, "PUT status %d: %s" % (r.status, r.text[:300]))
        check(r.json()["indexed"] == 1, r.text)
        # Searchable within a second of the answer.
        while True:
            j = srv.get("/api/search?" + qs(q="dodo Curepipe")).json()
            if any(h["id"] == "t1" for h in j["results"]):
                break
            check(time.monotonic() - start < 1.0, "the new article is not searchable after 1 s")
            time.sleep(0.05)
        check(srv.get("/api/articles/t1").json()["title"] == article["title"], "GET after PUT")

    def put_replaces():
        changed = dict(article, title="Dodo sighting was a cassowary, zoo says")
        r = srv.request("PUT", "/api/articles/t1", body=json.dumps(changed), headers=auth)
        check(r.status == 200, "status %d" % r.status)
        time.sleep(0.1)
        check(srv.get("/api/articles/t1").json()["title"] == changed["title"], "title not replaced")
        j = srv.get("/api/search?" + qs(q="cassowary")).json()
        check([h["id"] for h in j["results"]] == ["t1"], "replacement: %s" % [h["id"] for h in j["results"]])

    def put_bad_bodies():
        expect_error(srv.request("PUT", "/api/articles/t2", body="{not json", headers=auth), 400, "not valid JSON")
        expect_error(srv.request("PUT", "/api/articles/t2", body="[1,2]", headers=auth), 400, "must be a JSON object")
        expect_error(srv.request("PUT", "/api/articles/t2", body=json.dumps(dict(article, id="other")), headers=auth), 400,
                     "differs from the id in the URL 't2'")
        expect_error(srv.request("PUT", "/api/articles/t2", body=json.dumps({"date": "2024-01-01"}), headers=auth), 400,
                     "neither 'title' nor 'body'")
        # 100,000 nested arrays (issue 19.1): refused with the limit named; the server lives on.
        deep = '{"title": "t", "extra": ' + "[" * 100000 + "]" * 100000 + "}"
        expect_error(srv.request("PUT", "/api/articles/t2", body=deep, headers=auth), 400,
                     "JSON nested deeper than 256 levels (the limit)")
        r = srv.request("POST", "/api/articles", body=deep + "\n", headers=auth)
        expect_error(r, 400, "body:1: error: JSON nested deeper than 256 levels (the limit)")
        check(srv.get("/api/search?" + qs(q="Mahebourg")).status == 200, "server answers after deep bodies")

    def body_too_large():
        big = json.dumps(dict(article, body="x" * (300 * 1024)))
        r = srv.request("PUT", "/api/articles/big", body=big, headers=auth)
        expect_error(r, 413, "at most 262144 bytes")

    def bulk_post():
        lines = [json.dumps(dict(article, id="b1", title="Bulk one: Mahebourg waterfront")),
                 "{broken json",
                 json.dumps(dict(article, id="b2", title="Bulk two: Mahebourg regatta"))]
        r = srv.request("POST", "/api/articles", body="\n".join(lines) + "\n", headers=dict(auth, **{"Content-Type": "application/x-ndjson"}))
        check(r.status == 200, "status %d: %s" % (r.status, r.text[:300]))
        j = r.json()
        check(j["indexed"] == 2, "indexed %s" % j)
        check(any(m.startswith("body:2: error: malformed JSON") for m in j["messages"]), "messages %s" % j["messages"])
        time.sleep(0.1)
        ids = {h["id"] for h in srv.get("/api/search?" + qs(q="Mahebourg")).json()["results"]}
        check({"b1", "b2"} <= ids, "bulk articles not found: %s" % ids)
        expect_error(srv.request("POST", "/api/articles", body="\n \n", headers=auth), 400, "empty request body")
        expect_error(srv.request("POST", "/api/articles", body="{oops\n", headers=auth), 400, "body:1: error: malformed JSON")

    def delete():
        r = srv.request("DELETE", "/api/articles/b1", headers=auth)
        check(r.status == 200 and r.json()["deleted"] == "b1", "DELETE %d %s" % (r.status, r.text))
        expect_error(srv.get("/api/articles/b1"), 404)
        expect_error(srv.request("DELETE", "/api/articles/b1", headers=auth), 404, "no article with id 'b1'")

    def id_with_slash_and_unicode():
        odd_id = "https://news.example.mu/2026/été?x=1"
        path = "/api/articles/" + urllib.parse.quote(odd_id, safe="")
        r = srv.request("PUT", path, body=json.dumps(article), headers=auth)
        check(r.status == 200, "PUT odd id: %d %s" % (r.status, r.text[:200]))
        r = srv.get(path)
        check(r.status == 200 and r.json()["id"] == odd_id, "GET odd id: %d %s" % (r.status, r.text[:200]))

    def xss_title_is_escaped():
        evil = dict(article, title='<script>alert("pwned")</script> Evil <img src=x onerror=alert(1)> headline', body="Zanzibar evil body text.")
        r = srv.request("PUT", "/api/articles/evil", body=json.dumps(evil), headers=auth)
        check(r.status == 200, "PUT evil %d" % r.status)
        time.sleep(0.1)
        for path in ("/?" + qs(q="Zanzibar"), "/article?id=evil"):
            html = srv.get(path).text
            check("<script>alert" not in html and "<img src=x" not in html, "unescaped markup in %s" % path)
            check("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html, "escaped title missing in %s" % path)

    def markup_escaped_once():
        # Title and snippet go to the page as the searcher rendered them for the API: escaped once, matches in <mark>.
        marked = dict(article, title='Zanzibar <b>ferry</b> & "harbour" news', body="Zanzibar <i>dhow</i> & spice traders met on Tuesday.")
        r = srv.request("PUT", "/api/articles/marked", body=json.dumps(marked), headers=auth)
        check(r.status == 200, "PUT marked %d" % r.status)
        start = time.monotonic()
        while not (hits := [h for h in srv.get("/api/search?" + qs(q="Zanzibar dhow")).json()["results"] if h["id"] == "marked"]):
            check(time.monotonic() - start < 1.0, "the article is not searchable after 1 s")
            time.sleep(0.05)
        hit = hits[0]
        title = "<mark>Zanzibar</mark> &lt;b&gt;ferry&lt;/b&gt; &amp; &quot;harbour&quot; news"
        snippet = "<mark>Zanzibar</mark> &lt;i&gt;<mark>dhow</mark>&lt;/i&gt; &amp; spice traders met on Tuesday."
        check(hit["title_html"] == title and hit["snippet_html"] == snippet, "API: %r %r" % (hit["title_html"], hit["snippet_html"]))
        html = srv.get("/?" + qs(q="Zanzibar dhow")).text
        check(title in html and snippet in html, "the page does not show the API's title_html and snippet_html")
        html = srv.get("/article?id=marked").text
        check("Zanzibar &lt;b&gt;ferry&lt;/b&gt; &amp; &quot;harbour&quot; news" in html, "article page title")
        check("Zanzibar &lt;i&gt;dhow&lt;/i&gt; &amp; spice" in html, "article page body")
        for path in ("/?" + qs(q="Zanzibar dhow"), "/article?id=marked"):
            html = srv.get(path).text
            check("&amp;lt;" not in html and "&amp;amp;" not in html and "&amp;quot;" not in html, "escaped twice in %s" % path)

    def external_commit_is_seen():
        # Another process (dateline-index) commits to the served index: readers reopen within a second.
        extra = os.path.join(ctx["work"], "extra.jsonl")
        with open(extra, "w") as f:
            f.write(json.dumps(dict(article, id="ext1", title="Quatre Bornes library reopens after repairs")) + "\n")
        out = subprocess.run([args.index, "--db", ctx["db"], "--quiet", extra], capture_output=True, text=True)
        check(out.returncode == 0, "dateline-index: %s" % out.stderr)
        start = time.monotonic()
        while not any(h["id"] == "ext1" for h in srv.get("/api/search?" + qs(q="Quatre Bornes library")).json()["results"]):
            check(time.monotonic() - start < 1.5, "external commit not visible after 1.5 s")
            time.sleep(0.05)

    def concurrent_reads_during_writes():
        # Issue 19.6: 3 writers and 8 readers; no search may fail because of a write (it got 503
        # DatabaseModifiedError), including the slowest one, every article counted for the facets.
        # The 11 clients share one address and the server has 4 workers: when all are busy, the connection
        # guard may refuse a request ("too many connections from this address", its job, tested under
        # hardening); such a request is sent again, since what is checked here is reads against writes.
        errors = []
        writing = threading.Event()
        writing.set()

        def admitted(send):
            for _ in range(50):
                r = send()
                if not (r.status == 503 and "too many connections from this address" in r.text):
                    return r
                time.sleep(0.02)
            return r

        def reader(n):
            queries = [qs(q="Kim"), qs(q=""), qs(q="Concurrent"), qs(q="", lang="fr")]
            i = n
            while writing.is_set():
                q = queries[i % len(queries)]
                r = admitted(lambda: srv.get("/api/search?" + q))
                i += 1
                if r.status != 200:
                    errors.append((r.status, r.text[:200]))

        def writer(w):
            for i in range(8):
                body = json.dumps(dict(article, title="Concurrent %d %d" % (w, i)))
                r = admitted(lambda: srv.request("PUT", "/api/articles/c%d-%d" % (w, i), body=body, headers=auth))
                if r.status != 200:
                    errors.append(("put", r.status, r.text[:200]))

        readers = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
        writers = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
        for t in readers + writers:
            t.start()
        for t in writers:
            t.join()
        writing.clear()
        for t in readers:
            t.join()
        check(not errors, "failures during concurrent reads and writes: %s" % errors[:5])
        j = srv.get("/api/search?" + qs(q="Concurrent", size=50)).json()
        check(sum(1 for h in j["results"] if h["id"].startswith("c")) == 24, "the 24 written articles: %s" % j["total"])

    def near_duplicate_is_folded():
        # A copy of an article written through the API joins its near-duplicate group, as with dateline-index.
        original = srv.get("/api/articles/en-2019-kim-putin-vladivostok").json()
        copy = {"title": original["title"], "body": original["body"] + " (Updated.)", "date": original["date"], "lang": "en",
                "source": "copycat"}
        r = srv.request("PUT", "/api/articles/dup1", body=json.dumps(copy), headers=auth)
        check(r.status == 200, "PUT copy %d" % r.status)
        time.sleep(0.1)
        j = srv.get("/api/search?" + qs(q="Russky Island Far Eastern Federal University")).json()
        ids = [h["id"] for h in j["results"]]
        check(not ("dup1" in ids and "en-2019-kim-putin-vladivostok" in ids), "the copy is not folded: %s" % ids)
        check(any(h["similar"] >= 1 for h in j["results"]), "no result counts the copy as similar: %s" % j["results"][:2])

    def write_responses_carry_warnings_and_ids():
        # Issue 19.10: the warnings dateline-index prints are in the write response, with the record's line.
        odd = dict(article, date="31/31/2026", lang="de")
        r = srv.request("PUT", "/api/articles/warned", body=json.dumps(odd), headers=auth)
        check(r.status == 200, "PUT %d %s" % (r.status, r.text[:200]))
        check(r.json()["messages"] == ["body: warning: unreadable date '31/31/2026'; article indexed without a date",
                                       "body: warning: unknown language 'de'; expected one of: en, fr; detecting instead"],
              "PUT messages: %s" % r.json()["messages"])
        lines = [json.dumps({"title": "Bulk without id: Flic en Flac lagoon", "body": "b"}), "{broken",
                 json.dumps({"title": "Bulk with url", "body": "b", "url": "https://news.example.mu/flic", "date": "someday"})]
        r = srv.request("POST", "/api/articles", body="\n".join(lines) + "\n", headers=auth)
        j = r.json()
        check(r.status == 200 and j["indexed"] == 2, "POST %d %s" % (r.status, r.text[:300]))
        check(len(j["ids"]) == 2 and j["ids"][1] == "https://news.example.mu/flic", "ids: %s" % j.get("ids"))
        check(j["messages"][0].startswith("body:2: error: malformed JSON"), "messages: %s" % j["messages"])
        check(j["messages"][1:] == ["body:3: warning: unreadable date 'someday'; article indexed without a date"], "messages: %s" % j["messages"])
        for assigned in j["ids"]:
            got = srv.get("/api/articles/" + urllib.parse.quote(assigned, safe=""))
            check(got.status == 200 and got.json()["id"] == assigned, "GET %s: %d" % (assigned, got.status))

    def id_ending_in_related():
        # An id ending in "/related" (slash encoded) is an article; /api/articles/ID/related its related articles.
        r = srv.request("PUT", "/api/articles/notes%2Frelated", body=json.dumps(article), headers=auth)
        check(r.status == 200 and r.json()["id"] == "notes/related", "PUT %d %s" % (r.status, r.text[:200]))
        r = srv.get("/api/articles/notes%2Frelated")
        check(r.status == 200 and r.json()["id"] == "notes/related", "GET %d %s" % (r.status, r.text[:200]))
        expect_error(srv.get("/api/articles/notes/related"), 404, "no article with id 'notes'")
        check(srv.get("/api/articles/notes%2Frelated/related").status == 200, "related of 'notes/related'")

    def form_encoded_body_limit():
        # httplib's own 8 KB cap on form-encoded bodies gave 413 quoting max_body_bytes; the one limit is max_body_bytes.
        form = dict(auth, **{"Content-Type": "application/x-www-form-urlencoded"})
        r = srv.request("PUT", "/api/articles/form1", body=json.dumps(dict(article, body="y " * 6000)), headers=form)
        check(r.status == 200, "9 KB form-encoded body: %d %s" % (r.status, r.text[:200]))
        r = srv.request("PUT", "/api/articles/form2", body=json.dumps(dict(article, body="y" * (300 * 1024))), headers=form)
        expect_error(r, 413, "at most 262144 bytes")

    def write_method_on_read_route():
        # 405 at once, with or without a body (without one, httplib waited for a body until its deadline: 400).
        for body in ("x", None):
            start = time.monotonic()
            expect_error(srv.request("PUT", "/api/search", body=body), 405, "method PUT is not allowed on /api/search")
            check(time.monotonic() - start < 2, "405 took %.1f s" % (time.monotonic() - start))
        expect_error(srv.request("POST", "/api/suggest"), 405)

    def token_never_logged():
        log = srv.log()
        check(TOKEN not in log and TOKEN[:-1] not in log, "the token appears in the log")
        check("Authorization" not in log and "Bearer" not in log, "the Authorization header appears in the log")

    return [put_requires_token, put_then_search, put_replaces, put_bad_bodies, body_too_large, bulk_post, delete,
            id_with_slash_and_unicode, xss_title_is_escaped, markup_escaped_once, external_commit_is_seen, concurrent_reads_during_writes,
            near_duplicate_is_folded, write_responses_carry_warnings_and_ids, id_ending_in_related, form_encoded_body_limit,
            write_method_on_read_route, token_never_logged]


def _still_open(sock):
    """Whether the server has neither closed nor reset `sock`."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def hardening_tests(args, srv, ctx):
    """Clients that send too much, too slowly or too many requests at once (issue 19). The server runs with
    header_timeout_ms 1000, max_body_bytes 256 KiB, 4 workers, at most 2 connections per client address."""
    article = {"title": "Chunked ferry timetable for Rodrigues", "body": "The Rodrigues ferry timetable was sent in chunks.",
               "date": "2026-03-02", "lang": "en", "source": "test"}

    def connect(source="127.0.0.1"):
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=5, source_address=(source, 0))
        return sock

    def read_until_closed(sock, limit=5.0):
        """Everything the server sends until it closes the connection (or `limit` seconds pass)."""
        data = b""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        return data

    def rss_kib():
        with open("/proc/%d/status" % srv.process.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def send_chunks(sock, megabytes):
        """Sends `megabytes` MB of 64 KiB chunks; stops when the server closes the connection."""
        chunk = b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n"
        try:
            for _ in range(megabytes * 16):
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    def chunked_put_without_token_is_refused_before_the_body():
        before = rss_kib()
        sock = connect()
        sock.sendall(b"PUT /api/articles/c1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n")
        send_chunks(sock, 64)
        reply = read_until_closed(sock)
        sock.close()
        check(reply.startswith(b"HTTP/1.1 401"), "expected 401, got %r" % reply[:100])
        grown = rss_kib() - before
        check(grown < 16 * 1024, "RSS grew by %d KiB while an unauthorised chunked body was sent" % grown)

    def chunked_put_over_the_limit_is_refused():
        before = rss_kib()
        sock = connect()
        sock.sendall(("PUT /api/articles/c2 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n" % TOKEN).encode())
        send_chunks(sock, 64)
        reply = read_until_closed(sock)
        sock.close()
        check(reply.startswith(b"HTTP/1.1 413") and b"at most 262144 bytes" in reply, "expected 413, got %r" % reply[:300])
        grown = rss_kib() - before
        check(grown < 16 * 1024, "RSS grew by %d KiB while an oversized chunked body was sent" % grown)

    def chunked_put_within_the_limit_is_indexed():
        body = json.dumps(article).encode()
        sock = connect()
        sock.sendall(("PUT /api/articles/c3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n"
                      "Connection: close\r\n\r\n" % TOKEN).encode())
        for part in (body[:10], body[10:]):
            sock.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        reply = read_until_closed(sock)
        sock.close()
        check(reply.startswith(b"HTTP/1.1 200") and b'"indexed":1' in reply, "chunked PUT: %r" % reply[:300])

    def large_content_length_is_refused_unread():
        sock = connect()
        sock.sendall(("PUT /api/articles/c4 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 300000000\r\n\r\n" % TOKEN).encode())
        start = time.monotonic()
        reply = read_until_closed(sock, 3.0)
        sock.close()
        check(reply.startswith(b"HTTP/1.1 413"), "expected 413, got %r" % reply[:200])
        check(time.monotonic() - start < 1.0, "the refusal waited for the body")

    def many_headers_are_refused():
        before = rss_kib()
        sock = connect()
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        try:
            for block in range(200):
                sock.sendall(b"".join(b"X-Filler-%d: %d\r\n" % (block * 1000 + i, i) for i in range(1000)))
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = read_until_closed(sock)
        sock.close()
        check(reply.startswith(b"HTTP/1.1 431"), "expected 431, got %r" % reply[:200])
        grown = rss_kib() - before
        check(grown < 8 * 1024, "RSS grew by %d KiB with too many headers" % grown)
        headers = "".join("X-Small-%d: 1\r\n" % i for i in range(150))
        sock = connect()
        sock.sendall(("GET /api/health HTTP/1.1\r\nHost: x\r\n%s\r\n" % headers).encode())
        reply = read_until_closed(sock)
        sock.close()
        check(reply.startswith(b"HTTP/1.1 431") and b"too many headers" in reply, "150 headers: %r" % reply[:300])
        r = srv.get("/api/health", headers={"X-Small-%d" % i: "1" for i in range(50)})
        check(r.status == 200, "50 headers: %d" % r.status)

    def pipelined_requests_all_answered():
        sock = connect()
        sock.sendall(b"".join(b"GET /api/health?n=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(2)) +
                     b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = read_until_closed(sock)
        sock.close()
        check(reply.count(b"HTTP/1.1 200") == 3, "%d responses to 3 pipelined requests: %r" % (reply.count(b"HTTP/1.1 "), reply[:200]))

    def slow_headers_time_out():
        sock = connect()
        start = time.monotonic()
        closed = False
        for byte in b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 40:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - start > 3:
                break
        reply = read_until_closed(sock, 1.0) if not closed else b""
        sock.close()
        check(closed or reply.startswith(b"HTTP/1.1 408"), "a client dripping headers was not cut off: %r" % reply[:200])
        check(time.monotonic() - start < 3, "cut off only after %.1f s" % (time.monotonic() - start))

    def served_while_slow_clients_hold_sockets():
        slow = []
        try:
            for _ in range(50):
                sock = connect()
                sock.sendall(b"G")
                slow.append(sock)
            time.sleep(0.1)
            start = time.monotonic()
            sock = connect("127.0.0.2")
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = read_until_closed(sock, 2.0)
            sock.close()
            elapsed = time.monotonic() - start
            check(reply.startswith(b"HTTP/1.1 200"), "no answer while 50 slow sockets are open: %r" % reply[:100])
            check(elapsed < 1.0, "answered after %.2f s" % elapsed)
            # Refused with a 503, or closed at once (the server closing with the client's byte unread may reset).
            start = time.monotonic()
            for s in slow:
                read_until_closed(s, max(0.01, 0.5 - (time.monotonic() - start)))
            held = sum(1 for s in slow if s.fileno() >= 0 and _still_open(s))
            check(held <= 4, "%d of 50 slow sockets from one address hold a worker" % held)
        finally:
            for s in slow:
                s.close()

    return [chunked_put_without_token_is_refused_before_the_body, chunked_put_over_the_limit_is_refused, chunked_put_within_the_limit_is_indexed,
            large_content_length_is_refused_unread, many_headers_are_refused, pipelined_requests_all_answered, slow_headers_time_out,
            served_while_slow_clients_hold_sockets]


def cors_tests(args, srv, ctx):
    def allowed_origin_read():
        r = srv.get("/api/search?q=Kim", headers={"Origin": ALLOWED_ORIGIN})
        check(r.header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN, "ACAO %r" % r.header("Access-Control-Allow-Origin"))
        check("Origin" in (r.header("Vary") or ""), "no Vary: Origin")

    def other_origin_read():
        r = srv.get("/api/search?q=Kim", headers={"Origin": "https://evil.example"})
        check(r.status == 200 and r.header("Access-Control-Allow-Origin") is None, "ACAO for an unlisted origin: %r" %
              r.header("Access-Control-Allow-Origin"))

    def preflight_write_allowed():
        r = srv.request("OPTIONS", "/api/articles/x", headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "PUT",
                                                              "Access-Control-Request-Headers": "authorization, content-type"})
        check(r.status == 204, "preflight status %d" % r.status)
        check(r.header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN, "ACAO %r" % r.header("Access-Control-Allow-Origin"))
        check("PUT" in r.header("Access-Control-Allow-Methods") and "Authorization" in r.header("Access-Control-Allow-Headers"), "methods")

    def preflight_lists_the_methods_of_the_path():
        for path, method, allowed in [("/api/articles/x", "DELETE", "GET, PUT, DELETE"), ("/api/articles", "POST", "POST"),
                                      ("/api/search", "GET", "GET")]:
            r = srv.request("OPTIONS", path, headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": method})
            check(r.status == 204 and r.header("Access-Control-Allow-Methods") == allowed, "preflight %s %s: %d %r" %
                  (method, path, r.status, r.header("Access-Control-Allow-Methods")))

    def shared_files_only():
        # The API, the widget and the OpenSearch description are for other sites; the pages and other files are not.
        for path, shared in [("/widget.js", True), ("/opensearch.xml", True), ("/api/nope", True), ("/style.css", False),
                             ("/?q=Kim", False), ("/article?id=en-2019-kim-putin-vladivostok", False)]:
            r = srv.get(path, headers={"Origin": ALLOWED_ORIGIN})
            acao = r.header("Access-Control-Allow-Origin")
            check(acao == (ALLOWED_ORIGIN if shared else None), "%s: Access-Control-Allow-Origin %r" % (path, acao))

    def preflight_write_refused():
        r = srv.request("OPTIONS", "/api/articles/x", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"})
        expect_error(r, 403, "origin 'https://evil.example' may not call DELETE")
        check(r.header("Access-Control-Allow-Origin") is None, "ACAO on a refused preflight")

    def write_from_unlisted_origin():
        r = srv.request("DELETE", "/api/articles/en-2019-kim-putin-vladivostok",
                        headers={"Origin": "https://evil.example", "Authorization": "Bearer " + TOKEN})
        expect_error(r, 403, "may not write")

    def wildcard_never_on_writes():
        srv2 = Server(args, ctx["db"], ["--allow-origin", "*", "--token-file", ctx["token_file"], "--no-access-log"])
        try:
            r = srv2.get("/api/search?q=Kim", headers={"Origin": "https://anyone.example"})
            check(r.header("Access-Control-Allow-Origin") == "*", "wildcard read ACAO %r" % r.header("Access-Control-Allow-Origin"))
            r = srv2.request("OPTIONS", "/api/articles/x", headers={"Origin": "https://anyone.example", "Access-Control-Request-Method": "PUT"})
            check(r.status == 403 and r.header("Access-Control-Allow-Origin") is None, "wildcard on a write preflight: %d %r" %
                  (r.status, r.header("Access-Control-Allow-Origin")))
            r = srv2.request("PUT", "/api/articles/x", body="{}", headers={"Origin": "https://anyone.example", "Authorization": "Bearer " + TOKEN})
            check(r.status == 403 and r.header("Access-Control-Allow-Origin") is None, "wildcard on a write: %d" % r.status)
        finally:
            srv2.stop()

    def writes_disabled_without_token():
        srv2 = Server(args, ctx["db"], ["--no-access-log"])
        try:
            expect_error(srv2.request("PUT", "/api/articles/x", body="{}", headers={"Authorization": "Bearer " + TOKEN}), 403,
                         "writes are disabled")
        finally:
            srv2.stop()

    return [allowed_origin_read, other_origin_read, preflight_write_allowed, preflight_lists_the_methods_of_the_path, shared_files_only,
            preflight_write_refused, write_from_unlisted_origin,
            wildcard_never_on_writes, writes_disabled_without_token]


def static_tests(args, srv, ctx):
    def assets():
        for path, kind in (("/widget.js", "javascript"), ("/example.html", "text/html"), ("/style.css", "text/css")):
            r = srv.get(path)
            check(r.status == 200 and kind in r.header("Content-Type"), "%s: %d %s" % (path, r.status, r.header("Content-Type")))
        check("customElements.define('dateline-search'" in srv.get("/widget.js").text, "widget.js content")

    def gzip_widget():
        r = srv.get("/widget.js", headers={"Accept-Encoding": "gzip"})
        check(r.header("Content-Encoding") == "gzip", "widget.js not gzipped: %r" % r.header("Content-Encoding"))
        check(len(r.body) <= 25 * 1024, "widget.js is %d bytes gzipped; goal 25 kB" % len(r.body))
        print("     widget.js: %d bytes gzipped" % len(r.body))

    traversals = ["/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
                  "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/sub/../../../etc/passwd", "/sub/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                  "/..%5c..%5cetc%5cpasswd", "/%252e%252e/%252e%252e/etc/passwd", "/./widget.js", "//etc/passwd",
                  "/leak.txt", "/leakdir/passwd", "/sub/", "/sub", "/.hidden", "/widget.js%00.html", "/etc/passwd"]

    def traversal():
        for path in traversals:
            r = srv.get(path)
            check(r.status in (400, 404), "%s answered %d" % (path, r.status))
            check("root:" not in r.text and "secret-outside" not in r.text, "%s leaked a file" % path)
            if r.status == 404:
                r.json()

    def inside_subdirectory_ok():
        r = srv.get("/sub/inside.txt")
        check(r.status == 200 and r.text.strip() == "inside", "file in a subdirectory: %d" % r.status)

    return [assets, gzip_widget, traversal, inside_subdirectory_ok]


def page_tests(args, srv, ctx):
    def home():
        r = srv.get("/")
        check(r.status == 200 and "text/html" in r.header("Content-Type"), "status %d" % r.status)
        check('<form class="dl-search"' in r.text and "<svg" in r.text, "home page lacks the form or the timeline")
        check("default-src" in (r.header("Content-Security-Policy") or ""), "no CSP")

    def results_and_paging():
        html = srv.get("/?" + qs(q="Kim", size=2)).text
        check('class="dl-hits"' in html, "no result list")
        m = re.search(r'<a href="([^"]+)" rel="next"', html)
        check(m, "no next-page link")
        next_url = m.group(1).replace("&amp;", "&")
        check("page=2" in next_url, "next link %s" % next_url)
        html2 = srv.get(next_url).text
        check('<ol class="dl-hits" start="3">' in html2, "page 2 does not start at 3")
        check('rel="prev"' in html2, "page 2 lacks a previous link")

    def highlight():
        html = srv.get("/?" + qs(q="Vladivostok")).text
        check("<mark>" in html, "no highlighted match")

    def year_drill_and_filter():
        html = srv.get("/?" + qs(q="")).text
        m = re.search(r'<a href="([^"]*drill=2024[^"]*)"', html)
        check(m, "no year link in the histogram")
        html = srv.get(m.group(1).replace("&amp;", "&")).text
        m = re.search(r'<a href="([^"]*from=2024-(\d\d)[^"]*)"', html)
        check(m, "no month link after drilling into 2024")
        html = srv.get(m.group(1).replace("&amp;", "&")).text
        check('class="dl-chip"' in html, "no filter chip after choosing a month")
        m = re.search(r'<a href="([^"]*drill=2024[^"]*from=2024&amp;to=2024[^"]*|[^"]*from=2024&amp;to=2024[^"]*)" class="dl-timeline-year"', html)
        check(m, "no 'only 2024' link")

    def place_filter():
        html = srv.get("/?" + qs(q="Kim")).text
        m = re.search(r'<a href="([^"]*place=[^"&]+[^"]*)" class="dl-facet-item"', html)
        check(m, "no place facet link")
        html = srv.get(m.group(1).replace("&amp;", "&")).text
        check('class="dl-chip"' in html and 'aria-current="true"' in html, "place filter not active")

    def french_ui():
        html = srv.get("/?" + qs(q="Kim"), headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).text
        check('<html lang="fr">' in html and "résultats" in html, "Accept-Language fr not honoured")
        html = srv.get("/?" + qs(q="Kim", ui="fr")).text
        check('<html lang="fr">' in html, "?ui=fr not honoured")
        html = srv.get("/?" + qs(q="Kim", ui="en"), headers={"Accept-Language": "fr"}).text
        check('<html lang="en">' in html, "?ui=en does not override Accept-Language")

    def sample_xss_article():
        html = srv.get("/?" + qs(q="ministry website hackers")).text
        check("<script>alert(1)</script>" not in html, "the sample article's <script> title is not escaped")
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in html, "the escaped title is missing")

    def did_you_mean_and_similar():
        html = srv.get("/?" + qs(q="Pyongyng")).text
        check(re.search(r'class="dl-didyoumean">Did you mean <a href="/\?q=pyongyang"', html, re.I), "no 'did you mean' link for Pyongyng")
        html = srv.get("/?" + qs(q="mutual defence treaty")).text
        m = re.search(r'<a class="dl-similar" href="([^"]+)">1 similar article</a>', html)
        check(m and "collapse=false" in m.group(1), "no 'N similar' link for the wire pair")
        html = srv.get(m.group(1).replace("&amp;", "&")).text
        check("en-2024-wire-putin-kim-treaty-v2" in html and "id=en-2024-wire-putin-kim-treaty&" in html, "collapse=false does not list both")

    def article_page():
        r = srv.get("/article?" + qs(id="en-2019-kim-putin-vladivostok", q="Kim"))
        check(r.status == 200 and "dl-article-title" in r.text and "dl-related" in r.text, "article page %d" % r.status)
        check('href="/?q=Kim"' in r.text, "no back link to the results")
        r = srv.get("/article?" + qs(id="nope"))
        check(r.status == 404 and "text/html" in r.header("Content-Type"), "unknown article page %d" % r.status)

    def articles_missing_a_word():
        # The head (every word) first, then the best articles missing a word under their own heading, in
        # both UI languages; the API says where the tail begins.
        j = srv.get("/api/search?" + qs(q="Kim Putin Vladivostok")).json()
        head = j["total_all"]
        check(head is not None and 0 < head < len(j["results"]), "total_all %r for %d results" % (head, len(j["results"])))
        check(j["total"] == head and j["partial_from"] == head + 1, "total %r, partial_from %r" % (j["total"], j["partial_from"]))
        check([h["partial"] for h in j["results"]] == [h["rank"] > head for h in j["results"]], "partial flags")
        html = srv.get("/?" + qs(q="Kim Putin Vladivostok")).text
        check('<h2 class="dl-partial">Articles missing a word</h2>' in html, "no heading before the articles missing a word")
        check(re.search(r'class="dl-count" role="status">%d results with every word<' % head, html), "the count does not say what it counts")
        check('<ol class="dl-hits" start="%d">' % (head + 1) in html, "the tail does not continue the numbering")
        html = srv.get("/?" + qs(q="Kim Putin Vladivostok", ui="fr")).text
        check('<h2 class="dl-partial">Articles où il manque un mot</h2>' in html, "no French heading for the tail")
        html = srv.get("/?" + qs(q="Kim Putin Vladivostok xyzzyq")).text
        check('class="dl-relaxed"' in html and 'class="dl-partial"' not in html, "no article has every word: note, no heading")

    def translations_line():
        # An English query also searches its words in French: the page says which, in the reader's language,
        # with a link that searches the words alone (translate=0), which then finds no French article.
        html = srv.get("/?" + qs(q="school closures")).text
        m = re.search(r'<p class="dl-translations" lang="en">Also searched in French: <span lang="fr">école, fermeture</span>'
                      r' · <a href="([^"]+)">search only as typed</a></p>', html)
        check(m, "no 'Also searched in French' line for 'school closures'")
        check("fr-2020-macron-fermeture-ecoles" in html, "the French article is not in the results")
        typed = srv.get(m.group(1).replace("&amp;", "&")).text
        check("translate=0" in m.group(1) and 'class="dl-translations"' not in typed, "translate=0 still translates")
        check("fr-2020-macron-fermeture-ecoles" not in typed, "translate=0 still finds the French article")
        html = srv.get("/?" + qs(q="school closures", ui="fr")).text
        check('Aussi recherché en français : <span lang="fr">école, fermeture</span>' in html, "no French UI line")
        j = srv.get("/api/search?" + qs(q="school closures")).json()
        check(j["translations"] == {"school": ["école"], "closures": ["fermeture"]} and j["translated_into"] == ["fr"],
              "API translations %r %r" % (j.get("translations"), j.get("translated_into")))
        j = srv.get("/api/search?" + qs(q="school closures", translate="0")).json()
        check(j["translations"] == {} and j["translated_into"] == [], "translate=0 in the API: %r" % j.get("translations"))
        expect_error(srv.get("/api/search?" + qs(q="x", translate="maybe")), 400, "bad translate 'maybe'")

    def bad_page_params():
        r = srv.get("/?" + qs(q="Kim", page="x"))
        check(r.status == 400 and "dl-error" in r.text and "bad page" in r.text, "bad page param %d" % r.status)

    return [home, results_and_paging, highlight, year_drill_and_filter, place_filter, french_ui, sample_xss_article,
            did_you_mean_and_similar, article_page, articles_missing_a_word, translations_line, bad_page_params]


ATOM = "{http://www.w3.org/2005/Atom}"


def follow_tests(args, srv, ctx):
    """Period terms in the API and the page, the Atom feed of a search and the export of its results."""
    import csv
    import io
    import xml.etree.ElementTree as ET

    auth = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
    # Titles that CSV and XML must carry intact: commas, quotes, a line break, markup.
    tricky = [
        ("exp-1", 'Zanzibar cloves, "the red gold", fetch record prices\nat the Stone Town auction', "2026-02-01"),
        ("exp-2", "Zanzibar <script>alert('x')</script> & <b>spice</b> traders, again", "2026-02-02"),
        ("exp-3", 'Zanzibar ferry: ""quoted"" , commas ,, and a trailing quote"', "2026-02-03"),
    ]

    def put_tricky():
        for ident, title, date in tricky:
            body = {"title": title, "body": "Traders in Zanzibar said the clove harvest was late this year. " * 3, "date": date, "lang": "en",
                    "source": "test"}
            r = srv.request("PUT", "/api/articles/" + ident, body=json.dumps(body), headers=auth)
            check(r.status == 200, "PUT %s: %d %s" % (ident, r.status, r.text[:200]))
        deadline = time.monotonic() + 5
        while srv.get("/api/search?" + qs(q="Zanzibar", facets="false")).json()["total"] < 3:
            check(time.monotonic() < deadline, "the written articles are not searchable")
            time.sleep(0.05)

    def feed(path, headers=None):
        r = srv.get(path, headers=headers)
        check(r.status in (200, 304), "feed status %d: %s" % (r.status, r.text[:200]))
        return r

    def api_terms():
        j = srv.get("/api/search?" + qs(q="North Korea Russia", terms="1")).json()
        years = [y for y in j["facets"]["years"] if y["count"] > 0]
        check(len(years) >= 2 and all(y.get("terms") for y in years), "years without terms: %s" % years)
        for y in years:
            for t in y["terms"]:
                check(set(t) >= {"term", "word", "lang", "weight"}, "term fields: %s" % t)
                check(t["term"] not in ("north", "korea", "russia", "the", "le"), "query word or stopword as a term: %s" % t)
        lists = [tuple(t["term"] for t in y["terms"]) for y in years]
        check(len(set(lists)) == len(lists), "two years with the same terms: %s" % lists)
        j = srv.get("/api/search?" + qs(q="North Korea Russia")).json()
        check(all("terms" not in y for y in j["facets"]["years"]), "terms without terms=1")
        expect_error(srv.get("/api/search?" + qs(q="x", terms="maybe")), 400, "terms")

    def page_terms_follow_download():
        html = srv.get("/?" + qs(q="North Korea Russia", ui="en")).text
        m = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', html)
        check(m and m.group(1).startswith("/feed?q=North%20Korea%20Russia"), "no alternate link to the feed")
        check('class="dl-follow-link"' in html and ">Follow</a>" in html, "no visible Follow link")
        check('class="dl-download-link"' in html and ">Download these results</a>" in html, "no Download link")
        check('<dl class="dl-periods">' in html and 'class="dl-period-term"' in html, "no period terms under the timeline")
        fr = srv.get("/?" + qs(q="North Korea Russia", ui="fr")).text
        check(">Suivre</a>" in fr and ">Télécharger ces résultats</a>" in fr, "French page lacks Suivre / Télécharger")
        off = srv.get("/?" + qs(q="North Korea Russia", terms="0")).text
        check('class="dl-periods"' not in off, "terms=0 still shows period terms")
        # The page's feed link answers a valid feed.
        r = feed(m.group(1).replace("&amp;", "&"))
        check(r.status == 200 and "application/atom+xml" in (r.header("Content-Type") or ""), "feed content type")

    def feed_fields():
        r = feed("/feed?" + qs(q="North Korea", lang="en"))
        root = ET.fromstring(r.body)
        check(root.tag == ATOM + "feed", "root is %s" % root.tag)
        for name in ("id", "title", "updated", "author"):
            check(root.find(ATOM + name) is not None, "feed lacks <%s>" % name)
        rels = {l.get("rel"): l.get("href") for l in root.findall(ATOM + "link")}
        check(rels.get("self", "").endswith("/feed?q=North%20Korea&lang=en&sort=date"), "self link %s" % rels)
        entries = root.findall(ATOM + "entry")
        check(len(entries) >= 3, "few entries: %d" % len(entries))
        dates = [e.find(ATOM + "updated").text for e in entries]
        check(dates == sorted(dates, reverse=True), "entries not newest first: %s" % dates)
        for e in entries:
            for name in ("id", "title", "updated", "link", "summary"):
                check(e.find(ATOM + name) is not None, "entry lacks <%s>" % name)
            check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", e.find(ATOM + "updated").text), "updated not RFC 3339")
        cats = [c.get("term") for e in entries for c in e.findall(ATOM + "category")]
        check("KP" in cats, "places are not categories: %s" % cats)
        ids = [e.find(ATOM + "id").text for e in entries]
        check(len(set(ids)) == len(ids), "entry ids repeat")
        # The same entries as the API's date-ordered search with the same filters.
        j = srv.get("/api/search?" + qs(q="North Korea", lang="en", sort="date", size=20)).json()
        check([h["title"] for h in j["results"]] == [e.find(ATOM + "title").text for e in entries], "feed differs from the search")

    def feed_conditional_get():
        path = "/feed?" + qs(q="Zanzibar")
        r = feed(path)
        etag, modified = r.header("ETag"), r.header("Last-Modified")
        check(etag and modified, "no validators: %s" % r.headers)
        check(feed(path, {"If-None-Match": etag}).status == 304, "If-None-Match did not give 304")
        check(feed(path, {"If-None-Match": '"other", ' + etag}).status == 304, "a list of tags did not give 304")
        check(feed(path, {"If-Modified-Since": modified}).status == 304, "If-Modified-Since did not give 304")
        check(feed(path, {"If-None-Match": '"stale"'}).status == 200, "a stale tag gave 304")
        # A new matching article: a new tag, and the old one no longer answers 304.
        body = {"title": "Zanzibar clove auction closes early", "body": "Zanzibar traders closed the clove auction early.", "date": "2026-03-01",
                "lang": "en", "source": "test"}
        check(srv.request("PUT", "/api/articles/exp-4", body=json.dumps(body), headers=auth).status == 200, "PUT")
        deadline = time.monotonic() + 5
        while True:
            r = feed(path, {"If-None-Match": etag})
            if r.status == 200:
                break
            check(time.monotonic() < deadline, "still 304 after a new article matched")
            time.sleep(0.05)
        check(r.header("ETag") != etag, "same ETag after a new article")
        check(ET.fromstring(r.body).find(ATOM + "entry/" + ATOM + "title").text == body["title"], "newest entry is not the new article")

    def feed_escapes_markup():
        r = feed("/feed?" + qs(q="Zanzibar"))
        check(b"<script>" not in r.body and b"<b>" not in r.body, "markup of a title reached the feed unescaped")
        titles = [e.find(ATOM + "title").text for e in ET.fromstring(r.body).findall(ATOM + "entry")]
        for _, title, _ in tricky:
            check(title in titles, "title not carried intact: %r in %r" % (title, titles))

    def export_csv_round_trip():
        total = srv.get("/api/search?" + qs(q="Zanzibar")).json()["total"]
        r = srv.get("/api/export?" + qs(q="Zanzibar", format="csv"))
        check(r.status == 200 and (r.header("Content-Type") or "").startswith("text/csv"), "status %d %s" % (r.status, r.header("Content-Type")))
        check((r.header("Transfer-Encoding") or "") == "chunked", "export not streamed (chunked)")
        check(r.header("X-Total-Count") == str(total) and r.header("X-Export-Cut") == "false", "export headers: %s" % r.headers)
        check(b"\r\n" in r.body, "CSV lines do not end with CRLF")
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
        check(rows[0] == ["rank", "id", "date", "lang", "source", "title", "url", "places", "place_ids", "score"], "header %s" % rows[0])
        check(len(rows) - 1 == total, "%d rows for %d results" % (len(rows) - 1, total))
        by_id = {row[1]: row for row in rows[1:]}
        for ident, title, date in tricky:
            check(ident in by_id, "%s missing from the export" % ident)
            check(by_id[ident][5] == title, "title did not round-trip: %r != %r" % (by_id[ident][5], title))
            check(by_id[ident][2].startswith(date), "date %r" % by_id[ident][2])
        check([int(row[0]) for row in rows[1:]] == list(range(1, total + 1)), "ranks are not 1..total")
        float(rows[1][9])

    def export_jsonl_counts():
        for params in ({"q": "North Korea"}, {"q": ""}, {"q": "élections", "lang": "fr"}, {"q": "Zanzibar"}):
            total = srv.get("/api/search?" + qs(**params)).json()["total"]
            r = srv.get("/api/export?" + qs(format="jsonl", **params))
            check(r.status == 200, "status %d" % r.status)
            lines = r.body.decode("utf-8").splitlines()
            check(len(lines) == total, "%s: %d lines for a total of %d" % (params, len(lines), total))
            objects = [json.loads(line) for line in lines]
            check(len({o["id"] for o in objects}) == total, "ids repeat in the export")
            for o in objects:
                check(set(o) == {"rank", "id", "date", "lang", "source", "title", "url", "places", "score"}, "fields %s" % sorted(o))

    def export_errors():
        expect_error(srv.get("/api/export?" + qs(q="x", format="xml")), 400, "unknown export format 'xml'; expected one of: csv, jsonl")
        expect_error(srv.get("/api/export?" + qs(q="x", bogus="1")), 400, "unknown parameter 'bogus'")
        expect_error(srv.get("/feed?" + qs(q="x", sort="sideways")), 400, "sideways")

    return [put_tricky, api_terms, page_terms_follow_download, feed_fields, feed_conditional_get, feed_escapes_markup, export_csv_round_trip,
            export_jsonl_counts, export_errors]


def cli_tests(args, work, ctx):
    def run(*cmd):
        return subprocess.run([args.serve, *cmd], capture_output=True, text=True, timeout=30)

    def no_db():
        out = run()
        check(out.returncode == 2 and "missing --db DIR" in out.stderr, "no --db: %d %s" % (out.returncode, out.stderr))

    def missing_index():
        out = run("--db", os.path.join(work, "absent"))
        check(out.returncode == 1 and "cannot open index" in out.stderr, "missing index: %d %s" % (out.returncode, out.stderr))

    def bad_listen():
        out = run("--db", ctx["db"], "--listen", "localhost")
        check(out.returncode == 2 and "bad listen address 'localhost'" in out.stderr, "%d %s" % (out.returncode, out.stderr))

    def short_token():
        path = os.path.join(work, "short")
        with open(path, "w") as f:
            f.write("abc\n")
        out = run("--db", ctx["db"], "--token-file", path)
        check(out.returncode == 2 and "at least 16" in out.stderr and "abc" not in out.stderr, "%d %s" % (out.returncode, out.stderr))

    def bad_origin():
        out = run("--db", ctx["db"], "--allow-origin", "news.example")
        check(out.returncode == 2 and "bad allowed origin 'news.example'" in out.stderr, "%d %s" % (out.returncode, out.stderr))

    def config_file():
        path = os.path.join(work, "serve.json")
        with open(path, "w") as f:
            json.dump({"db": ctx["db"], "listen": "127.0.0.1:0", "threads": 2, "allow_origins": [ALLOWED_ORIGIN],
                       "limits": {"max_page_size": 5}}, f)
        srv = Server(args, ctx["db"], ["--config", path, "--no-access-log"])
        try:
            expect_error(srv.get("/api/search?size=6"), 400, "bad size '6'", "0 to 5")
            check(srv.get("/api/search?q=Kim", headers={"Origin": ALLOWED_ORIGIN}).header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN, "origin")
        finally:
            srv.stop()
        with open(path, "w") as f:
            json.dump({"db": ctx["db"], "colour": "blue"}, f)
        out = run("--config", path)
        check(out.returncode == 2 and "unknown key 'colour'" in out.stderr, "%d %s" % (out.returncode, out.stderr))
        for connections, message in (({"max_headerz": 5}, "connections: unknown key 'max_headerz'; expected one of: body_timeout_ms"),
                                     ({"header_timeout_ms": 5}, "connections.header_timeout_ms: expected an integer from 100 to 600000, got 5")):
            with open(path, "w") as f:
                json.dump({"db": ctx["db"], "connections": connections}, f)
            out = run("--config", path)
            check(out.returncode == 2 and message in out.stderr, "%d %s" % (out.returncode, out.stderr))

    def graceful_shutdown():
        srv = Server(args, ctx["db"], [])
        # A request in flight when SIGTERM arrives is still answered.
        result = {}

        def slow_client():
            result["r"] = srv.get("/api/search?" + qs(q="", size=100))

        t = threading.Thread(target=slow_client)
        t.start()
        time.sleep(0.01)
        code = srv.stop(signal.SIGTERM)
        t.join()
        check(code == 0, "exit status %s after SIGTERM" % code)
        check("stopped" in srv.log(), "no 'stopped' line")
        check(result.get("r") is None or result["r"].status == 200, "in-flight request failed")
        srv = Server(args, ctx["db"], [])
        check(srv.stop(signal.SIGINT) == 0, "exit status after SIGINT")

    return [no_db, missing_index, bad_listen, short_token, bad_origin, config_file, graceful_shutdown]


def make_web_root(args, work):
    """A web root with the real assets plus traps: a symlink out of the root, a directory, a hidden file."""
    root = os.path.join(work, "web")
    os.makedirs(os.path.join(root, "sub"))
    for name in ("widget.js", "example.html", "style.css"):
        shutil.copy(os.path.join(args.web_root, name), root)
    with open(os.path.join(root, "sub", "inside.txt"), "w") as f:
        f.write("inside\n")
    with open(os.path.join(root, ".hidden"), "w") as f:
        f.write("hidden\n")
    outside = os.path.join(work, "outside")
    os.makedirs(outside)
    with open(os.path.join(outside, "passwd"), "w") as f:
        f.write("secret-outside\n")
    os.symlink(os.path.join(outside, "passwd"), os.path.join(root, "leak.txt"))
    os.symlink(outside, os.path.join(root, "leakdir"))
    return root


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("serve", "index", "search", "corpus", "web-root", "group"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dateline-http.")
    passed = failed = 0
    server = None
    try:
        db = build_index(args, work)
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        ctx = {"db": db, "work": work, "token_file": token_file}
        if args.group == "cli":
            tests = cli_tests(args, work, ctx)
        else:
            extra = ["--token-file", token_file, "--allow-origin", ALLOWED_ORIGIN, "--web-root", make_web_root(args, work)]
            if args.group == "writes":
                extra += ["--config", os.path.join(work, "limits.json")]
                with open(os.path.join(work, "limits.json"), "w") as f:
                    json.dump({"limits": {"max_body_bytes": 256 * 1024}}, f)
            if args.group == "hardening":
                extra += ["--config", os.path.join(work, "hardening.json")]
                with open(os.path.join(work, "hardening.json"), "w") as f:
                    json.dump({"limits": {"max_body_bytes": 256 * 1024},
                               "connections": {"header_timeout_ms": 1000, "max_connections_per_client": 2}}, f)
            server = Server(args, db, extra)
            groups = {"hardening": hardening_tests, "api": api_tests, "errors": error_tests, "writes": write_tests, "cors": cors_tests, "static": static_tests,
                      "pages": page_tests, "follow": follow_tests}
            if args.group not in groups:
                print("unknown group %r; expected one of: %s, cli" % (args.group, ", ".join(groups)))
                return 2
            tests = groups[args.group](args, server, ctx)
        for test in tests:
            name = test.__name__.replace("_", " ")
            try:
                test()
                passed += 1
                print("ok   %s" % name)
            except Exception as e:  # a test's failure or crash is reported and the next test runs
                failed += 1
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
        if server:
            if server.process.poll() is not None:
                failed += 1
                print("FAIL the server died: %s" % server.log()[-2000:])
            code = server.stop()
            if code != 0:
                failed += 1
                print("FAIL server exit status %s after SIGTERM" % code)
            server = None
    except Failure as e:
        failed += 1
        print("FAIL setup: %s" % e)
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("%s: %d passed, %d failed" % (args.group, passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
