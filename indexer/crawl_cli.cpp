// dateline-index crawl: options, the run and its summary line.
#include "crawl_cli.hpp"

#include "crawl.hpp"
#include "index_writer.hpp"

#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/language.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace dateline::indexer {

namespace po = boost::program_options;

int crawl_command(const std::vector<std::string>& args, const std::atomic<bool>& interrupted) {
    std::string db;
    std::string lang = "auto";
    std::string contact;
    std::string since;
    std::string shard_by;
    std::vector<std::string> urls;
    CrawlOptions options;
    options.cancel = &interrupted;
    double max_page_mb = 10.0;
    po::options_description desc(
        "Usage: dateline-index crawl --db DIR [OPTIONS] URL...\n\n"
        "Fetch a site's articles over HTTP(S) and index them. Each URL is a site root (its robots.txt\n"
        "Sitemap lines, else /sitemap.xml), a sitemap or sitemap index (gzipped too, Google News extension\n"
        "read), a feed (RSS/Atom), or an article page. robots.txt is honoured (group 'dateline', else '*');\n"
        "only the sites of the URLs (and --allow-host) are fetched, never private or loopback addresses\n"
        "unless --allow-private. Pages go through the same extraction as local HTML and scraped pages.\n"
        "The crawl state is kept in the index: the next run sends conditional requests and indexes only\n"
        "what changed. Every skipped URL is reported with its reason (docs/CRAWL.md).\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("db,d", po::value(&db)->value_name("DIR"), "database directory (created if missing)")
        ("contact", po::value(&contact)->value_name("URL"), "a URL or e-mail address for site owners, sent in the User-Agent")
        ("delay", po::value(&options.delay_seconds)->value_name("SECONDS"), "seconds between requests to one site (default: 1; a longer robots.txt Crawl-delay wins)")
        ("parallel", po::value(&options.parallel_per_host)->value_name("N"), "requests in flight to one site at most (default: 2)")
        ("timeout", po::value(&options.timeout_seconds)->value_name("SECONDS"), "time limit of one request (default: 30)")
        ("max-page-mb", po::value(&max_page_mb)->value_name("MB"), "pages larger than this are skipped, their transfer aborted (default: 10)")
        ("max-redirects", po::value(&options.max_redirects)->value_name("N"), "redirects followed per URL (default: 5)")
        ("retries", po::value(&options.max_retries)->value_name("N"), "retries after 429/503 or a network error, with back-off (default: 3)")
        ("max-pages", po::value(&options.max_pages)->value_name("N"), "article pages fetched in this run at most (default: no limit)")
        ("since", po::value(&since)->value_name("DATE"), "skip pages published (or modified) before DATE, e.g. 2024-01-01")
        ("sync", po::bool_switch(&options.sync), "delete the articles of pages that now answer 404 or 410")
        ("allow-host", po::value(&options.allowed_hosts)->value_name("HOST[:PORT]"), "also fetch from this site (repeatable)")
        ("allow-private", po::bool_switch(&options.allow_private), "allow private, loopback and link-local addresses")
        ("resolve", po::value(&options.resolve)->value_name("HOST:PORT:ADDR"), "use ADDR for HOST:PORT instead of DNS (repeatable)")
        ("source,s", po::value(&options.source_name)->value_name("NAME"), "source (publisher) name of every article (default: the page's, else the URL's host)")
        ("lang,l", po::value(&lang)->value_name("en|fr|auto"), "language of pages that do not state one (default: auto = detect)")
        ("shards", po::value(&options.shards)->value_name("N"), "a new index: N shard databases (default: one per core, at most 4; 1: one database); an existing index keeps its shards")
        ("shard-by", po::value(&shard_by)->value_name("id|year"), "a new index: route articles to shards by id (default) or by year (one shard per year); an existing index keeps its routing")
        ("batch", po::value(&options.batch_size)->value_name("N"), "pages per commit (default: 100)")
        ("quiet,q", po::bool_switch(&options.quiet), "no progress and no notices (errors are still shown)");
    if (common::parse_command(args, desc, "url", urls)) return common::k_exit_ok;
    if (db.empty()) throw common::UsageError("missing --db DIR: the database to write");
    if (urls.empty()) throw common::UsageError("no URL given: name a site root, a sitemap or a feed");
    if (options.batch_size == 0) throw common::UsageError("--batch must be at least 1");
    options.shard_key = indexer::parse_shard_key(shard_by);
    if (options.shards == 0 && !std::filesystem::exists(db) && options.shard_key != common::ShardKey::year) {
        options.shards = indexer::default_new_index_shards();
    }
    if (options.parallel_per_host == 0) throw common::UsageError("--parallel must be at least 1");
    if (!(options.delay_seconds >= 0)) throw common::UsageError("--delay must be 0 or more seconds");
    if (!(options.timeout_seconds > 0)) throw common::UsageError("--timeout must be more than 0 seconds");
    if (!(max_page_mb > 0)) throw common::UsageError("--max-page-mb must be more than 0");
    if (options.max_retries < 0 || options.max_redirects < 0) throw common::UsageError("--retries and --max-redirects must be 0 or more");
    options.max_page_bytes = static_cast<std::size_t>(max_page_mb * 1024 * 1024);
    if (!since.empty()) {
        options.since = common::parse_news_date(since);
        if (!options.since) throw common::UsageError("cannot read --since date " + quote_value(since) + "; expected e.g. 2024-01-31");
    }
    options.builder.default_lang = common::parse_lang_option(lang);
    options.user_agent = std::string("dateline/") + DATELINE_VERSION + " (search indexer" +
                         (contact.empty() ? std::string() : "; +" + contact) + ")";

    Diagnostics diagnostics(std::cerr, options.quiet);
    const CrawlSummary s = crawl(db, urls, options, diagnostics, std::cerr);
    char line[640];
    std::snprintf(line, sizeof line,
                  "crawled %zu pages listed with %zu requests in %.1f s (%.1f pages/s, %.1f MB): %zu fetched, %zu articles indexed, "
                  "%zu unchanged (%zu not requested), %zu skipped, %zu gone%s, %zu errors, %zu warnings%s\n",
                  s.pages_listed, s.requests, s.seconds, s.seconds > 0 ? static_cast<double>(s.pages_fetched + s.pages_unchanged - s.pages_not_requested) / s.seconds : 0.0,
                  static_cast<double>(s.bytes) / 1e6, s.pages_fetched, s.articles_indexed, s.pages_unchanged, s.pages_not_requested, s.skipped, s.gone,
                  options.sync ? (" (" + std::to_string(s.deleted) + " articles deleted)").c_str() : "", s.errors, s.warnings,
                  s.interrupted ? "; interrupted: what was fetched is committed" : "");
    std::cerr << line;
    if (s.interrupted) return common::k_exit_interrupted;
    if (s.errors > 0) return common::k_exit_partial;
    return common::k_exit_ok;
}

}  // namespace dateline::indexer
