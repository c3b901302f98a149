#!/usr/bin/env python3
"""A news site on loopback for dateline-index crawl, made from sample_corpus/ pages (tests and benchmarks).

Serves robots.txt (a disallowed folder, Crawl-delay, a Sitemap line), a sitemap index pointing at a gzipped
sitemap and a Google News sitemap, an RSS feed, the sample HTML pages and scraped text pages, and the
troublemakers: a disallowed page, a redirect, a 404, a slow page, a huge page, a page answering 429 with
Retry-After once, and a URL on another host. Answers ETag/Last-Modified and 304 to conditional requests.
Every request is logged as one JSON line (start and end times, path, status, conditional headers).

With --pages N it serves a synthetic site of N article pages instead (copies of the sample HTML pages made
unique), for scripts/bench-crawl.

    crawl_site.py --corpus sample_corpus [--pages N] [--port 0] [--log FILE]   # prints "PORT" then serves
"""
import argparse
import email.utils
import gzip
import hashlib
import html
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = email.utils.formatdate(1733000000, usegmt=True)


class Site:
    """The pages of the test site: path -> (content type, body bytes), and the special paths."""

    def __init__(self, corpus, host, pages=0):
        self.host = host
        self.base = f"http://{host}"
        self.pages = {}
        self.busy_left = 1
        self.lock = threading.Lock()
        html_dir = os.path.join(corpus, "html")
        scraped_dir = os.path.join(corpus, "scraped", "islandpost")
        self.html_files = sorted(f for f in os.listdir(html_dir) if f.endswith(".html"))
        self.scraped_files = sorted(f for f in os.listdir(scraped_dir) if f.endswith(".txt"))
        self.read = lambda d, f: open(os.path.join(d, f), "rb").read()
        if pages:
            self._synthetic(html_dir, pages)
        else:
            self._small(html_dir, scraped_dir)

    def _small(self, html_dir, scraped_dir):
        b = self.base
        h = self.html_files
        s = self.scraped_files
        # /en/: the HTML pages but the last two; /busy.html: one answering 429 first; /private/: disallowed.
        self.en = [f"/en/{f}" for f in h[:-2]]
        for f, path in zip(h[:-2], self.en):
            self.pages[path] = ("text/html; charset=utf-8", self.read(html_dir, f))
        self.pages["/busy.html"] = ("text/html; charset=utf-8", self.read(html_dir, h[-2]))
        self.pages["/private/secret.html"] = ("text/html; charset=utf-8", self.read(html_dir, h[-1]))
        # /islandpost/: scraped pages; the last one is reached only through the redirect /old/story.txt.
        self.scraped = [f"/islandpost/{f}" for f in s]
        for f, path in zip(s, self.scraped):
            self.pages[path] = ("text/plain; charset=utf-8", self.read(scraped_dir, f))
        huge = b"<html><head><title>Huge</title></head><body><article><h1>Huge</h1>" + b"<p>padding text</p>" * 200000 + b"</article></body></html>"
        self.pages["/huge.html"] = ("text/html", huge)
        self.pages["/slow.html"] = ("text/html", self.read(html_dir, h[-1]))
        self.pages["/image.png"] = ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        # Files and their expected fate, for the test.
        self.expected_html = h[:-1]          # /en/ pages and /busy.html
        self.expected_scraped = s            # every scraped page, the redirect's target included
        self.disallowed_html = h[-1]
        self.robots = ("User-agent: otherbot\nDisallow: /\n\n"
                       "User-agent: *\nDisallow: /private/\nAllow: /private/public\nCrawl-delay: 0.2\n\n"
                       f"Sitemap: {b}/sitemap_index.xml\n")
        self.pages["/sitemap_index.xml"] = ("application/xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"<sitemap><loc>{b}/sitemaps/pages.xml.gz</loc></sitemap>\n"
            f"<sitemap><loc>{b}/sitemaps/news.xml</loc></sitemap>\n</sitemapindex>\n").encode())
        # The slow page first among the undated pages: the other requests go on while it hangs.
        urls = [f"<url><loc>{b}/slow.html</loc></url>"]
        for k, path in enumerate(self.en):
            lastmod = "<lastmod>2024-12-01T10:00:00+00:00</lastmod>" if k % 2 == 0 else ""
            urls.append(f"<url><loc>{b}{path}</loc>{lastmod}</url>")
        for path in self.scraped[3:-1]:
            urls.append(f"<url><loc>{b}{path}</loc></url>")
        for path in ["/busy.html", "/private/secret.html", "/old/story.txt", "/gone.html", "/huge.html",
                     "/image.png"]:
            urls.append(f"<url><loc>{b}{path}</loc></url>")
        urls.append("<url><loc>http://elsewhere.example/page.html</loc></url>")
        pages_xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                     + "\n".join(urls) + "\n</urlset>\n")
        self.pages["/sitemaps/pages.xml.gz"] = ("application/gzip", gzip.compress(pages_xml.encode(), mtime=0))
        news = []
        for path, f in zip(self.scraped[:3], s[:3]):
            day = f[:10]
            lang = "fr" if any(w in f for w in ("sommet", "maree", "chef-junte")) else "en"
            news.append(f"<url><loc>{b}{path}</loc><news:news><news:publication><news:name>The Island Post</news:name>"
                        f"<news:language>{lang}</news:language></news:publication>"
                        f"<news:publication_date>{day}</news:publication_date><news:title>News title {html.escape(f)}</news:title>"
                        "</news:news></url>")
        self.pages["/sitemaps/news.xml"] = ("application/xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(news) + "\n</urlset>\n").encode())
        items = "".join(f"<item><title>{html.escape(p)}</title><link>{b}{p}</link><pubDate>Mon, 02 Dec 2024 08:00:00 GMT</pubDate></item>"
                        for p in [self.scraped[3], self.scraped[4], self.en[0]])
        self.pages["/feed.xml"] = ("application/rss+xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>The Island Post</title>'
            f"<link>{b}/</link><language>en</language>{items}</channel></rss>\n").encode())
        self.pages["/"] = ("text/html", b"<html><head><title>The Island Post</title></head><body><h1>Home</h1></body></html>")

    def _synthetic(self, html_dir, count):
        """`count` article pages, copies of the sample HTML pages made unique, listed in sitemaps of 5,000."""
        self.templates = [self.read(html_dir, f).decode() for f in self.html_files]
        self.count = count
        self.robots = f"User-agent: *\nDisallow: /private/\nSitemap: {self.base}/sitemap_index.xml\n"
        chunks = range(0, count, 5000)
        self.pages["/sitemap_index.xml"] = ("application/xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"<sitemap><loc>{self.base}/sitemaps/{k // 5000}.xml.gz</loc></sitemap>\n" for k in chunks)
            + "</sitemapindex>\n").encode())
        for k in chunks:
            urls = "".join(f"<url><loc>{self.base}/a/{n}.html</loc></url>\n" for n in range(k, min(count, k + 5000)))
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                    + urls + "</urlset>\n")
            self.pages[f"/sitemaps/{k // 5000}.xml.gz"] = ("application/gzip", gzip.compress(body.encode(), mtime=0))

    def synthetic_page(self, n):
        page = self.templates[n % len(self.templates)]
        url = f"{self.base}/a/{n}.html"
        page = page.replace('rel="canonical" href="', f'rel="canonical" href="{url}" data-was="')
        page = page.replace('property="og:url" content="', f'property="og:url" content="{url}" data-was="')
        page = page.replace("</article>", f"<p>Archive copy number {n} of this report, kept for reference.</p></article>", 1)
        return page.encode()


def make_handler(site, log, log_lock):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm each kept-alive request waited for the
        # client's delayed ACK (40 ms), which made the site, not the crawler, the bottleneck.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_GET(self):
            start = time.time()
            status = self.answer()
            entry = {"start": start, "end": time.time(), "host": self.headers.get("Host"), "path": self.path, "status": status,
                     "if_none_match": self.headers.get("If-None-Match"), "if_modified_since": self.headers.get("If-Modified-Since"),
                     "user_agent": self.headers.get("User-Agent")}
            if log:
                with log_lock:
                    log.write(json.dumps(entry) + "\n")
                    log.flush()

        def send(self, status, body=b"", content_type="text/plain", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return status

        def answer(self):
            path = self.path
            if path == "/robots.txt":
                return self.send(200, site.robots.encode())
            if path == "/gone.html":
                return self.send(404, b"not found")
            if path == "/old/story.txt":
                return self.send(301, b"", headers=[("Location", site.scraped[-1])])
            if path == "/busy.html":
                with site.lock:
                    busy = site.busy_left > 0
                    site.busy_left -= 1
                if busy:
                    return self.send(429, b"slow down", headers=[("Retry-After", "1")])
            if path == "/slow.html":
                time.sleep(3)
            page = site.pages.get(path)
            if page is None and path.startswith("/a/") and path.endswith(".html") and hasattr(site, "count"):
                n = path[3:-5]
                if n.isdigit() and int(n) < site.count:
                    page = ("text/html; charset=utf-8", site.synthetic_page(int(n)))
            if page is None:
                return self.send(404, b"not found")
            content_type, body = page
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            validators = [("ETag", etag), ("Last-Modified", LAST_MODIFIED)]
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", content_type, validators)
            return self.send(200, body, content_type, validators)

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a timeout, an aborted huge page, a killed crawl) is no error of the site."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def start_site(corpus, pages=0, port=0, log_path=None):
    """Starts the site in a background thread; returns (server, site, log file or None)."""
    server = QuietServer(("127.0.0.1", port), None)
    server.daemon_threads = True
    site = Site(corpus, f"127.0.0.1:{server.server_address[1]}", pages)
    log = open(log_path, "a", encoding="utf-8") if log_path else None
    server.RequestHandlerClass = make_handler(site, log, threading.Lock())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, site, log


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--pages", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log")
    args = parser.parse_args()
    server, _, _ = start_site(args.corpus, args.pages, args.port, args.log)
    print(server.server_address[1], flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
