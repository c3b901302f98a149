// The crawler: keeps an index fresh from a live site. robots.txt, sitemaps (indexes, gzip, news extension) and
// feeds say what to fetch; article pages go through the same extraction as local HTML and scraped pages and
// the same writer; a crawl state in the index makes the next run conditional and incremental.
#pragma once

#include "diagnostics.hpp"
#include "document_builder.hpp"

#include "common/dates.hpp"
#include "common/shard_layout.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dateline::indexer {

/// Settings of one crawl.
struct CrawlOptions {
    /// The User-Agent header; robots.txt groups are matched on the product token `robots_token`.
    std::string user_agent = "dateline";
    std::string robots_token = "dateline";
    /// Sites (host or host:port) that may be fetched besides those of the start URLs.
    std::vector<std::string> allowed_hosts;
    /// Fetch from private, loopback and link-local addresses too (a crawl of an intranet, the tests).
    bool allow_private = false;
    /// Seconds between the starts of two requests to one site; a robots.txt Crawl-delay that is longer wins.
    double delay_seconds = 1.0;
    /// Shards of a new index (see IndexOptions::shards); an existing index keeps its layout.
    std::size_t shards = 0;
    /// Routing of a new index's articles (see IndexOptions::shard_key); an existing index keeps its own.
    std::optional<common::ShardKey> shard_key;
    /// Requests in flight to one site at most.
    unsigned parallel_per_host = 2;
    double timeout_seconds = 30.0;
    /// Bodies over this are aborted and the page skipped (sitemaps may have up to 50 MiB).
    std::size_t max_page_bytes = 10 * 1024 * 1024;
    int max_redirects = 5;
    /// Retries of a request answered 429 or 503 (or failing to connect), with back-off.
    int max_retries = 3;
    /// A Retry-After longer than this gives the page up for this run, in seconds.
    double max_retry_after_seconds = 120.0;
    /// Pages published (or, lacking a date, modified) before this are not fetched: limits a first crawl.
    std::optional<common::NewsDate> since;
    /// Delete the articles of pages that now answer 404 or 410 (always reported).
    bool sync = false;
    /// Most article pages fetched in this run (0: no limit).
    std::size_t max_pages = 0;
    /// Pages per commit: a crash loses at most one batch, whose pages the next run fetches again.
    std::size_t batch_size = 100;
    /// --source: the source (publisher) name of every article.
    std::string source_name;
    DocumentBuilderOptions builder;
    /// libcurl CURLOPT_RESOLVE entries ("host:port:address").
    std::vector<std::string> resolve;
    /// No progress line and no notices (skipped URLs, unchanged pages); errors are still shown.
    bool quiet = false;
    /// Set by the caller (SIGINT) to stop: what was fetched is committed.
    const std::atomic<bool>* cancel = nullptr;
};

/// What a crawl did.
struct CrawlSummary {
    /// HTTP requests made, of every kind (robots.txt, sitemaps, feeds, pages, retries, redirects).
    std::size_t requests = 0;
    /// Article pages known from sitemaps and feeds (after de-duplication).
    std::size_t pages_listed = 0;
    /// Pages answered 200 with a body.
    std::size_t pages_fetched = 0;
    /// Pages not indexed again: answered 304, the same content, or a lastmod no newer than the last visit.
    std::size_t pages_unchanged = 0;
    /// Of those, pages that were not requested at all (sitemap lastmod).
    std::size_t pages_not_requested = 0;
    std::size_t articles_indexed = 0;
    /// URLs skipped with a reason (robots, host, address, --since, type, size, not an article, status).
    std::size_t skipped = 0;
    /// Known pages that now answer 404 or 410, and those of them whose article --sync deleted.
    std::size_t gone = 0;
    std::size_t deleted = 0;
    /// Failures: timeouts, network errors, server errors after retries, unreadable sitemaps.
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::uint64_t bytes = 0;
    bool interrupted = false;
    double seconds = 0.0;
};

/// Crawls from `start_urls` (site roots, sitemaps, sitemap indexes or feeds) into the index at `db_path`.
/// Skipped URLs are reported as `URL: skipped: reason` notices on `notices` (unless quiet); failures go to
/// `diagnostics` as errors. Throws common::UsageError for start URLs that cannot be crawled at all and
/// common::EnvironmentError when the index cannot be opened or written.
CrawlSummary crawl(const std::string& db_path, const std::vector<std::string>& start_urls, const CrawlOptions& options,
                   Diagnostics& diagnostics, std::ostream& notices);

/// The state of one crawled URL, stored in the index metadata (schema::crawl_key).
struct CrawlRecord {
    std::string url;
    std::string etag;
    std::string last_modified;
    /// FNV-1a of the body, 16 hex digits.
    std::string content_hash;
    /// When the page was last fetched or confirmed unchanged, seconds since the epoch.
    std::int64_t last_seen = 0;
    /// The article the page gave; empty when it gave none (not an article, before --since).
    std::string article_id;

    std::string to_json() const;
    /// Nullopt for a value that is not a record.
    static std::optional<CrawlRecord> from_json(std::string_view json);
};

}  // namespace dateline::indexer
