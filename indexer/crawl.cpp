// The crawler: discovery (robots.txt, sitemaps, feeds), polite parallel fetching, extraction through the
// format table's readers, and writing articles and crawl state in the same commits.
#include "crawl.hpp"

#include "feed_source.hpp"
#include "fingerprint.hpp"
#include "formats.hpp"
#include "http_fetch.hpp"
#include "index_writer.hpp"
#include "publisher_names.hpp"
#include "robots.hpp"
#include "scraped_source.hpp"
#include "sitemap.hpp"
#include "url_policy.hpp"

#include "common/errors.hpp"
#include "common/hash.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <limits>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace dateline::indexer {

namespace schema = common::schema;

namespace {

using clock = std::chrono::steady_clock;

/// Sitemap files read per crawl at most (a sitemap index may point at many; a loop of indexes ends here).
constexpr std::size_t k_max_sitemaps = 1000;
/// Pages listed per crawl at most: a hostile sitemap index (1,000 sitemaps of 50,000 URLs) must not exhaust
/// memory. Further URLs are left out with a warning.
constexpr std::size_t k_max_listed_pages = 2'000'000;
/// Scraped (plain text) pages of a site held to learn its template before any of them is read, as
/// dateline-index learns it from a folder's pages.
constexpr std::size_t k_chrome_sample_pages = 200;

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string hex64(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

/// Politeness per site: at most `parallel` requests in flight, starts at least `delay` apart, and a hold
/// after 429/503 (Retry-After or back-off) that every request to the site waits for.
class HostGate {
  public:
    HostGate(unsigned parallel, double delay) : m_parallel(std::max(1u, parallel)), m_default_delay(delay) {}

    void set_delay(const std::string& site, double seconds) {
        std::lock_guard lock(m_mutex);
        m_hosts[site].delay = seconds;
    }
    double delay(const std::string& site) {
        std::lock_guard lock(m_mutex);
        return host(site).delay;
    }

    /// Waits for the site's turn; false when `stop` said so while waiting.
    template <typename Stop>
    bool acquire(const std::string& site, const Stop& stop) {
        std::unique_lock lock(m_mutex);
        while (true) {
            if (stop()) return false;
            Host& h = host(site);
            const auto now = clock::now();
            // The delay counts from the last start, so that a delay learned later (Crawl-delay) applies at once.
            const auto ready = std::max(h.last_start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(h.delay)), h.hold_until);
            if (h.in_flight < m_parallel && now >= ready) {
                ++h.in_flight;
                h.last_start = now;
                return true;
            }
            // Short slices: the stop flag is set from a signal handler, which cannot notify.
            const auto slice = now + std::chrono::milliseconds(100);
            m_changed.wait_until(lock, h.in_flight < m_parallel ? std::min(ready, slice) : slice);
        }
    }

    /// The request is done; `hold` seconds more before the site's next request (429/503), if any.
    void release(const std::string& site, double hold = 0.0) {
        std::lock_guard lock(m_mutex);
        Host& h = host(site);
        --h.in_flight;
        if (hold > 0) {
            h.hold_until = std::max(h.hold_until, clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(hold)));
        }
        m_changed.notify_all();
    }

  private:
    struct Host {
        unsigned in_flight = 0;
        clock::time_point last_start{};
        clock::time_point hold_until{};
        double delay = 0.0;
    };
    Host& host(const std::string& site) {
        auto [it, added] = m_hosts.try_emplace(site);
        if (added) it->second.delay = m_default_delay;
        return it->second;
    }
    unsigned m_parallel;
    double m_default_delay;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<std::string, Host> m_hosts;
};

/// A page to fetch, with what the sitemaps and feeds said of it.
struct Candidate {
    std::string url;
    std::string site;
    std::optional<common::NewsDate> date;     // publication date (news sitemap, feed item)
    std::optional<common::NewsDate> lastmod;  // sitemap lastmod
    std::string title;                        // news:title or the feed item's title
    std::string lang;                         // news:language
    bool from_feed = false;
    std::optional<CrawlRecord> record;        // the state of the last crawl
};

/// The outcome of fetching one URL through redirects and retries.
struct Fetched {
    HttpResponse response;
    std::string final_url;
    /// Why the fetch stopped without an answer worth reading (a redirect refused, too many, given up).
    std::string refusal;
    bool refusal_is_error = false;
    std::size_t requests = 0;
};

/// What the crawl shares between the main thread and the fetching threads (read-only while they run).
struct CrawlContext {
    const CrawlOptions& options;
    UrlPolicy policy;
    std::map<std::string, RobotsRules> robots;  // by site
    HostGate gate;
    std::function<bool()> stopping;
};

/// GETs `url` politely: each hop checked against the policy and robots.txt, 429/503 retried after
/// Retry-After or an exponential back-off, network failures retried too.
Fetched fetch(CrawlContext& ctx, HttpClient& client, const std::string& url, const Validators& validators, std::size_t max_bytes) {
    Fetched out;
    out.final_url = url;
    int redirects = 0;
    int attempt = 0;
    while (true) {
        const auto parsed = parse_web_url(out.final_url);
        if (!parsed) {
            out.refusal = "not a URL";
            return out;
        }
        if (const std::string why = ctx.policy.refusal(*parsed); !why.empty()) {
            out.refusal = why;
            return out;
        }
        const auto rules = ctx.robots.find(parsed->site());
        if (rules != ctx.robots.end() && !rules->second.allowed(parsed->path)) {
            out.refusal = "robots.txt: " + rules->second.deciding_rule(parsed->path);
            return out;
        }
        const std::string site = parsed->site();
        if (!ctx.gate.acquire(site, ctx.stopping)) {
            out.refusal = "interrupted";
            return out;
        }
        out.response = client.get(parsed->url, validators, max_bytes);
        ++out.requests;
        const long status = out.response.status;
        const bool busy = status == 429 || status == 503;
        // A connection that failed may work next time; a page that timed out would most likely time out again.
        const bool network = out.response.failure == FetchFailure::transport;
        if ((busy || network) && attempt < ctx.options.max_retries) {
            // Retry-After when the server says it, else 2^n times the delay (at least 1 s).
            const double backoff = std::max(1.0, ctx.gate.delay(site)) * std::pow(2.0, attempt);
            const double wait = busy && out.response.retry_after ? *out.response.retry_after : backoff;
            if (wait > ctx.options.max_retry_after_seconds) {
                ctx.gate.release(site, ctx.options.max_retry_after_seconds);
                out.refusal = "answered " + std::to_string(status) + " with Retry-After " + std::to_string(static_cast<long>(wait)) +
                              " s, longer than " + std::to_string(static_cast<long>(ctx.options.max_retry_after_seconds)) + " s; left for the next run";
                out.refusal_is_error = true;
                return out;
            }
            ctx.gate.release(site, busy ? wait : 0.0);
            if (network) std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait, 5.0)));
            ++attempt;
            continue;
        }
        ctx.gate.release(site);
        const bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        if (!redirect) return out;
        if (out.response.location.empty()) return out;
        if (++redirects > ctx.options.max_redirects) {
            out.refusal = "more than " + std::to_string(ctx.options.max_redirects) + " redirects";
            out.refusal_is_error = true;
            return out;
        }
        const auto target = resolve_web_url(out.final_url, out.response.location);
        if (!target) {
            out.refusal = "redirect to an unreadable URL " + quote_value(out.response.location);
            return out;
        }
        if (const std::string why = ctx.policy.refusal(*target); !why.empty()) {
            out.refusal = "redirect to " + target->url + " refused: " + why;
            return out;
        }
        // The validators stay: the record they come from describes the page this URL led to last time.
        out.final_url = target->url;
        attempt = 0;
    }
}

std::string reason_of(const HttpResponse& r) {
    if (r.failure != FetchFailure::none) return r.error;
    return "HTTP status " + std::to_string(r.status);
}

/// The media type of a Content-Type header, lower case, without parameters.
std::string media_type(std::string_view content_type) {
    std::string type(content_type.substr(0, content_type.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    for (char& c : type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return type;
}

/// Progress on stderr: a redrawn line on a terminal, a line every 10 s otherwise.
class CrawlProgress {
  public:
    explicit CrawlProgress(bool quiet) : m_quiet(quiet), m_tty(isatty(STDERR_FILENO) != 0), m_start(clock::now()), m_last(m_start) {}
    void update(const CrawlSummary& s, std::size_t done, std::size_t total, bool final = false) {
        if (m_quiet || (!final && !m_tty && total == 0)) return;
        const auto now = clock::now();
        if (!final && std::chrono::duration<double>(now - m_last).count() < (m_tty ? 0.25 : 10.0)) return;
        if (final && !m_tty) return;
        m_last = now;
        const double elapsed = std::max(1e-3, std::chrono::duration<double>(now - m_start).count());
        const double rate = static_cast<double>(done) / elapsed;
        char eta[32] = "";
        if (total > done && rate > 0) std::snprintf(eta, sizeof eta, "  ETA %.0fs", static_cast<double>(total - done) / rate);
        char line[320];
        std::snprintf(line, sizeof line, "%s%zu/%zu pages  %zu fetched  %zu indexed  %zu unchanged  %zu skipped  %zu errors  %.1f pages/s%s%s",
                      m_tty ? "\r" : "progress: ", done, total, s.pages_fetched, s.articles_indexed, s.pages_unchanged, s.skipped,
                      s.errors, rate, eta, m_tty ? "  " : "\n");
        std::cerr << line << (m_tty && final ? "\n" : "") << std::flush;
    }
    /// A notice printed on a terminal first ends the progress line.
    void before_notice() {
        if (m_tty && !m_quiet) std::cerr << "\r\033[K";
    }

  private:
    bool m_quiet;
    bool m_tty;
    clock::time_point m_start;
    clock::time_point m_last;
};

/// A page fetched by a worker, for the main thread.
/// A page read through its format's reader, its articles built, ready to be written by the writer thread.
struct PreparedPage {
    std::vector<BuiltDocument> built;
    std::vector<std::string> ids;
    /// Articles of the page left out, with the reason (dated before --since).
    std::vector<std::string> skips;
    /// Why the page gave no article; empty when it gave some (or all were left out).
    std::string not_article;
};

/// The reader of a page answered 200: html or scraped by its Content-Type (by its content when it has none);
/// `automatic` for any other type.
InputFormat page_format(const HttpResponse& r, const std::string& final_url) {
    const std::string type = media_type(r.content_type);
    if (type == "text/html" || type == "application/xhtml+xml") return InputFormat::html;
    if (type == "text/plain") return InputFormat::scraped;
    if (type.empty()) {
        const auto parsed = parse_web_url(final_url);
        const InputFormat detected = detect_format(std::string_view(r.body).substr(0, 4096), parsed ? parsed->path : final_url);
        if (detected == InputFormat::html || detected == InputFormat::scraped) return detected;
    }
    return InputFormat::automatic;
}

/// Reads a page with its format's reader (as dateline-index add reads a file) and builds its articles, filling
/// what the page does not say from the sitemap or feed. Thread-safe: the fetching threads prepare HTML pages,
/// so that analysis runs in parallel with the writer.
PreparedPage prepare_page(const Candidate& c, const std::string& final_url, const std::string& body, InputFormat format,
                          std::shared_ptr<const ChromeModels> chrome, const CrawlOptions& options, const DocumentBuilder& builder,
                          Diagnostics& diagnostics) {
    PreparedPage out;
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    Diagnostics page_diagnostics(errors, warnings);
    SourceOptions source_options;
    source_options.source_name = options.source_name;
    source_options.chrome = std::move(chrome);
    InputFile file{final_url, final_url, c.site, final_url};
    std::vector<common::Article> articles;
    std::istringstream in(body);
    try {
        make_source(format, source_options)->read(in, file, [&](common::Article&& a) { articles.push_back(std::move(a)); }, page_diagnostics);
    } catch (const common::Error& e) {
        errors.push_back(final_url + ": error: " + e.what());
    }
    for (const std::string& w : warnings) {
        const auto at = w.find("warning: ");
        diagnostics.warning(final_url, 0, at == std::string::npos ? w : w.substr(at + 9));
    }
    if (articles.empty()) {
        std::string why = errors.empty() ? std::string("no article in the page") : errors.front();
        if (const auto at = why.find("error: "); at != std::string::npos) why = why.substr(at + 7);
        if (why.ends_with("; skipped")) why.resize(why.size() - 9);
        out.not_article = why;
        return out;
    }
    for (common::Article& article : articles) {
        // What the sitemap or feed said fills what the page does not say.
        if (article.url.empty()) article.url = final_url;
        if (article.title.empty()) article.title = c.title;
        if (!article.date && c.date) article.date = c.date;
        if (article.lang == common::Lang::unknown && !c.lang.empty()) set_stated_language(article, c.lang, file, 0, diagnostics);
        if (!options.source_name.empty()) article.source = options.source_name;
        if (article.source.empty()) article.source = url_host(article.url);
        if (article.source.empty()) article.source = url_host(final_url);
        if (options.since && article.date && article.date->unix_seconds() < options.since->unix_seconds()) {
            out.skips.push_back("article dated " + article.date->iso() + ", before --since " + options.since->iso());
            continue;
        }
        out.built.push_back(builder.build(article));
        out.ids.push_back(article.id);
    }
    return out;
}

struct PageResult {
    std::size_t candidate = 0;
    Fetched fetched;
    /// For an answer 200: the body's hash and reader, and the page prepared when a fetching thread could.
    std::string hash;
    InputFormat format = InputFormat::automatic;
    std::optional<PreparedPage> prepared;
};

/// A bounded queue from the fetching threads to the writer.
class ResultQueue {
  public:
    explicit ResultQueue(std::size_t capacity) : m_capacity(capacity) {}
    void push(PageResult r) {
        std::unique_lock lock(m_mutex);
        m_room.wait(lock, [&] { return m_items.size() < m_capacity || m_abandoned; });
        if (m_abandoned) return;
        m_items.push_back(std::move(r));
        m_ready.notify_one();
    }
    /// Nullopt once every producer is done and the queue is empty.
    /// The next page; a page numbered -1 after 200 ms without one (time to redraw the progress line).
    std::optional<PageResult> pop(std::size_t producers) {
        std::unique_lock lock(m_mutex);
        m_ready.wait_for(lock, std::chrono::milliseconds(200), [&] { return !m_items.empty() || m_done >= producers; });
        if (m_items.empty()) {
            if (m_done >= producers) return std::nullopt;
            PageResult tick;
            tick.candidate = static_cast<std::size_t>(-1);
            return tick;
        }
        PageResult r = std::move(m_items.front());
        m_items.pop_front();
        m_room.notify_one();
        return r;
    }
    void producer_done() {
        std::lock_guard lock(m_mutex);
        ++m_done;
        m_ready.notify_all();
    }
    /// The writer stops taking: producers no longer wait for room.
    void abandon() {
        std::lock_guard lock(m_mutex);
        m_abandoned = true;
        m_room.notify_all();
    }

  private:
    std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_room;
    std::deque<PageResult> m_items;
    std::size_t m_done = 0;
    bool m_abandoned = false;
};

/// A scraped page held until its site's template is learned.
struct HeldPage {
    std::size_t candidate;
    std::string final_url;
    std::string text;
    HttpResponse headers;  // validators; body moved to `text`
};

}  // namespace

std::string CrawlRecord::to_json() const {
    nlohmann::json j;
    j["url"] = url;
    if (!etag.empty()) j["etag"] = etag;
    if (!last_modified.empty()) j["last_modified"] = last_modified;
    if (!content_hash.empty()) j["hash"] = content_hash;
    j["last_seen"] = last_seen;
    if (!article_id.empty()) j["id"] = article_id;
    // Validators come from servers: invalid UTF-8 in them must not make the dump throw.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<CrawlRecord> CrawlRecord::from_json(std::string_view json) {
    const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object() || !j.contains("url") || !j["url"].is_string()) return std::nullopt;
    CrawlRecord r;
    r.url = j["url"].get<std::string>();
    const auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string(); };
    r.etag = text("etag");
    r.last_modified = text("last_modified");
    r.content_hash = text("hash");
    r.article_id = text("id");
    if (j.contains("last_seen") && j["last_seen"].is_number_integer()) r.last_seen = j["last_seen"].get<std::int64_t>();
    return r;
}

CrawlSummary crawl(const std::string& db_path, const std::vector<std::string>& start_urls, const CrawlOptions& options,
                   Diagnostics& diagnostics, std::ostream& notices) {
    const auto start = clock::now();
    CrawlSummary summary;
    const std::size_t errors_before = diagnostics.errors();
    const std::size_t warnings_before = diagnostics.warnings();
    CrawlContext ctx{options, {}, {}, HostGate(options.parallel_per_host, options.delay_seconds), {}};
    ctx.policy.allow_private = options.allow_private;
    std::atomic<bool> stop{false};
    ctx.stopping = [&] { return stop.load() || (options.cancel && options.cancel->load()); };
    CrawlProgress progress(options.quiet);
    std::mutex notice_mutex;
    const auto skip = [&](const std::string& url, const std::string& reason) {
        ++summary.skipped;
        if (options.quiet) return;
        std::lock_guard lock(notice_mutex);
        progress.before_notice();
        notices << url << ": skipped: " << reason << '\n';
    };
    const auto notice = [&](const std::string& url, const std::string& what) {
        if (options.quiet) return;
        std::lock_guard lock(notice_mutex);
        progress.before_notice();
        notices << url << ": " << what << '\n';
    };

    // The start URLs name the allowed sites; --allow-host adds more.
    std::vector<WebUrl> seeds;
    for (const std::string& text : start_urls) {
        const auto url = parse_web_url(text);
        if (!url) throw common::UsageError("cannot read URL " + quote_value(text) + "; expected an http or https URL");
        if (url->scheme != "http" && url->scheme != "https") {
            throw common::UsageError("URL " + quote_value(text) + " has scheme '" + url->scheme + "'; expected http or https");
        }
        ctx.policy.allowed_sites.insert(url->site());
        seeds.push_back(*url);
    }
    for (const std::string& host : options.allowed_hosts) {
        const auto as_url = parse_web_url("http://" + host + "/");
        if (!as_url) throw common::UsageError("cannot read host " + quote_value(host) + " of --allow-host");
        ctx.policy.allowed_sites.insert(as_url->site());
    }

    for (const WebUrl& seed : seeds) {
        if (const std::string why = ctx.policy.refusal(seed); !why.empty()) throw common::UsageError("cannot crawl " + seed.url + ": " + why);
    }

    ArticleWriter db(db_path, options.shards, options.shard_key);
    auto load_record = [&](const std::string& url) -> std::optional<CrawlRecord> {
        const std::string value = db.get_metadata(schema::crawl_key(url));
        if (value.empty()) return std::nullopt;
        auto record = CrawlRecord::from_json(value);
        if (record && record->url != url) return std::nullopt;  // a hashed key shared by two long URLs
        return record;
    };

    HttpOptions http;
    http.user_agent = options.user_agent;
    http.timeout_seconds = options.timeout_seconds;
    http.connect_timeout_seconds = std::min(options.timeout_seconds, 10.0);
    http.allow_private = options.allow_private;
    http.resolve = options.resolve;
    HttpClient client(http);
    std::size_t requests = 0;
    const auto fetch_counted = [&](const std::string& url, std::size_t max_bytes) {
        Fetched f = fetch(ctx, client, url, {}, max_bytes);
        requests += f.requests;
        if (f.response.status == 200) summary.bytes += f.response.body.size();
        return f;
    };

    // robots.txt of every allowed site, before anything else is fetched there.
    std::vector<std::string> robots_sitemaps;
    for (const std::string& site : ctx.policy.allowed_sites) {
        const std::string scheme = std::any_of(seeds.begin(), seeds.end(), [&](const WebUrl& u) { return u.site() == site && u.scheme == "https"; }) ? "https" : "http";
        const std::string url = scheme + "://" + site + "/robots.txt";
        Fetched f = fetch_counted(url, 512 * 1024);
        RobotsRules rules;
        if (!f.refusal.empty()) {
            if (f.refusal == "interrupted") break;
            // A refused address or host: nothing of the site will be fetched either; say so once, here.
            skip(url, f.refusal);
            rules = RobotsRules::disallow_all();
        } else if (f.response.status == 200) {
            rules = RobotsRules::parse(f.response.body, options.robots_token);
        } else if (f.response.status >= 400 && f.response.status < 500) {
            // RFC 9309 2.3.1.3: "unavailable" robots.txt, everything allowed.
        } else {
            // RFC 9309 2.3.1.4: "unreachable" robots.txt, nothing allowed.
            diagnostics.error(url, 0, "robots.txt unreachable (" + reason_of(f.response) + "); the site is not crawled this time");
            rules = RobotsRules::disallow_all();
        }
        if (rules.crawl_delay() && *rules.crawl_delay() > options.delay_seconds) ctx.gate.set_delay(site, *rules.crawl_delay());
        for (const std::string& s : rules.sitemaps()) robots_sitemaps.push_back(s);
        ctx.robots[site] = std::move(rules);
    }

    // Discovery: start URLs are sitemaps, feeds, site roots (their robots.txt sitemaps, else /sitemap.xml)
    // or article pages.
    std::vector<Candidate> candidates;
    std::map<std::string, std::size_t> candidate_index;
    bool listed_too_many = false;
    const auto add_candidate = [&](const std::string& raw, const std::string& base, Candidate c) {
        const auto url = resolve_web_url(base, raw);
        if (!url) {
            skip(raw, "not a URL");
            return;
        }
        if (const std::string why = ctx.policy.refusal(*url); !why.empty()) {
            skip(url->url, why);
            return;
        }
        c.url = url->url;
        c.site = url->site();
        if (candidates.size() >= k_max_listed_pages && !candidate_index.count(c.url)) {
            if (candidates.size() == k_max_listed_pages && !listed_too_many) {
                listed_too_many = true;
                diagnostics.warning(base, 0, "more than " + std::to_string(k_max_listed_pages) + " pages listed; the rest are left out");
            }
            return;
        }
        auto [it, added] = candidate_index.try_emplace(c.url, candidates.size());
        if (!added) {
            // Listed twice (a sitemap and a feed): keep what each says.
            Candidate& known = candidates[it->second];
            known.from_feed = known.from_feed || c.from_feed;
            if (!known.date) known.date = c.date;
            if (!known.lastmod) known.lastmod = c.lastmod;
            if (known.title.empty()) known.title = c.title;
            if (known.lang.empty()) known.lang = c.lang;
            return;
        }
        candidates.push_back(std::move(c));
    };
    std::deque<std::string> sitemap_queue;
    std::set<std::string> sitemaps_seen;
    const auto read_feed = [&](const std::string& url, const std::string& body) {
        FeedSource feed;
        std::istringstream in(body);
        InputFile file{url, url, parse_web_url(url)->site(), url};
        std::size_t items = 0;
        feed.read(in, file, [&](common::Article&& item) {
            ++items;
            if (item.url.empty()) return;
            Candidate c;
            c.date = item.date;
            c.title = item.title;
            c.from_feed = true;
            add_candidate(item.url, url, std::move(c));
        }, diagnostics);
        notice(url, "feed: " + std::to_string(items) + " items");
    };
    const auto read_sitemap = [&](const std::string& url, const std::string& body) {
        const Sitemap map = parse_sitemap(body);
        if (!map.error.empty()) {
            diagnostics.error(url, 0, "not a readable sitemap: " + map.error);
            return;
        }
        if (map.skipped > 0) diagnostics.warning(url, 0, std::to_string(map.skipped) + " entries without <loc> or past the 50,000 of a sitemap left out");
        for (const std::string& child : map.sitemaps) {
            const auto resolved = resolve_web_url(url, child);
            if (resolved) sitemap_queue.push_back(resolved->url);
        }
        for (const SitemapEntry& e : map.entries) {
            Candidate c;
            if (!e.lastmod.empty()) c.lastmod = common::parse_news_date(e.lastmod);
            if (!e.news_publication_date.empty()) c.date = common::parse_news_date(e.news_publication_date);
            c.title = e.news_title;
            c.lang = e.news_language;
            add_candidate(e.url, url, std::move(c));
        }
        notice(url, map.index ? "sitemap index: " + std::to_string(map.sitemaps.size()) + " sitemaps"
                              : "sitemap: " + std::to_string(map.entries.size()) + " URLs");
    };
    for (const WebUrl& seed : seeds) {
        if (ctx.stopping()) break;
        if (seed.path == "/") {
            // A site root: the sitemaps robots.txt names (gathered above), else the conventional one.
            const auto rules = ctx.robots.find(seed.site());
            if (rules != ctx.robots.end() && rules->second.sitemaps().empty()) sitemap_queue.push_back(seed.scheme + "://" + seed.site() + "/sitemap.xml");
            continue;
        }
        sitemap_queue.push_back(seed.url);
    }
    for (const std::string& s : robots_sitemaps) {
        if (const auto url = parse_web_url(s)) {
            const bool from_root = std::any_of(seeds.begin(), seeds.end(), [&](const WebUrl& u) { return u.path == "/" && u.site() == url->site(); });
            if (from_root) sitemap_queue.push_back(url->url);
        }
    }
    while (!sitemap_queue.empty() && !ctx.stopping()) {
        const std::string url = sitemap_queue.front();
        sitemap_queue.pop_front();
        if (!sitemaps_seen.insert(url).second) continue;
        if (sitemaps_seen.size() > k_max_sitemaps) {
            diagnostics.warning(url, 0, "more than " + std::to_string(k_max_sitemaps) + " sitemaps and feeds; the rest are not read");
            break;
        }
        Fetched f = fetch_counted(url, k_max_sitemap_bytes);
        if (!f.refusal.empty()) {
            if (f.refusal_is_error) {
                diagnostics.error(url, 0, f.refusal);
            } else if (f.refusal != "interrupted") {
                skip(url, f.refusal);
            }
            continue;
        }
        if (f.response.status != 200) {
            diagnostics.error(url, 0, "cannot read: " + reason_of(f.response));
            continue;
        }
        const std::string& body = f.response.body;
        const bool is_seed = std::any_of(seeds.begin(), seeds.end(), [&](const WebUrl& u) { return u.url == url; });
        if (is_gzip(body) || looks_like_sitemap(body)) {
            read_sitemap(f.final_url, body);
        } else if (sniff_feed(body) == ContentMatch::certain) {
            read_feed(f.final_url, body);
        } else if (is_seed) {
            // A start URL that is neither: an article page.
            add_candidate(url, url, Candidate{});
        } else {
            diagnostics.error(url, 0, "neither a sitemap nor a feed (" + (f.response.content_type.empty() ? std::string("no Content-Type") : f.response.content_type) + ")");
        }
    }
    summary.pages_listed = candidates.size();

    // New articles first: feed items, then the most recent dates; pages without a date last.
    std::vector<std::size_t> order(candidates.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto when = [&](const Candidate& c) -> std::int64_t {
        if (c.date) return c.date->unix_seconds();
        if (c.lastmod) return c.lastmod->unix_seconds();
        return std::numeric_limits<std::int64_t>::min();
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (candidates[a].from_feed != candidates[b].from_feed) return candidates[a].from_feed;
        return when(candidates[a]) > when(candidates[b]);
    });
    std::vector<std::size_t> to_fetch;
    for (const std::size_t i : order) {
        Candidate& c = candidates[i];
        c.record = load_record(c.url);
        const auto parsed = parse_web_url(c.url);
        const auto rules = ctx.robots.find(c.site);
        if (rules != ctx.robots.end() && !rules->second.allowed(parsed->path)) {
            skip(c.url, "disallowed by robots.txt (" + rules->second.deciding_rule(parsed->path) + ")");
            continue;
        }
        const auto dated = c.date ? c.date : c.lastmod;
        if (options.since && dated && dated->unix_seconds() < options.since->unix_seconds()) {
            skip(c.url, "dated " + dated->iso() + ", before --since " + options.since->iso());
            continue;
        }
        if (c.record && c.lastmod && c.record->last_seen >= c.lastmod->unix_seconds()) {
            // The sitemap says the page has not changed since the last visit: no request at all.
            ++summary.pages_unchanged;
            ++summary.pages_not_requested;
            continue;
        }
        if (options.max_pages && to_fetch.size() >= options.max_pages) {
            skip(c.url, "beyond --max-pages " + std::to_string(options.max_pages) + "; left for the next run");
            continue;
        }
        to_fetch.push_back(i);
    }

    // Fetching threads: enough to keep every site at its parallel limit, within reason.
    const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(16, options.parallel_per_host * std::max<std::size_t>(1, ctx.policy.allowed_sites.size())));
    ResultQueue results(64);
    std::mutex task_mutex;
    std::size_t next_task = 0;
    std::atomic<std::size_t> worker_requests{0};
    std::vector<std::thread> pool;
    std::exception_ptr worker_error;
    std::mutex worker_error_mutex;
    const DocumentBuilder builder(make_index_analyzer(), options.builder);
    for (std::size_t w = 0; w < workers && !to_fetch.empty(); ++w) {
        pool.emplace_back([&] {
            try {
                HttpClient worker_client(http);
                while (!ctx.stopping()) {
                    std::size_t task = 0;
                    {
                        std::lock_guard lock(task_mutex);
                        if (next_task >= to_fetch.size()) break;
                        task = to_fetch[next_task++];
                    }
                    const Candidate& c = candidates[task];
                    Validators validators;
                    if (c.record) validators = {c.record->etag, c.record->last_modified};
                    PageResult result;
                    result.candidate = task;
                    result.fetched = fetch(ctx, worker_client, c.url, validators, options.max_page_bytes);
                    worker_requests += result.fetched.requests;
                    const HttpResponse& r = result.fetched.response;
                    if (result.fetched.refusal.empty() && r.failure == FetchFailure::none && r.status == 200) {
                        result.hash = hex64(common::fnv1a64(r.body));
                        result.format = page_format(r, result.fetched.final_url);
                        const bool same = c.record && c.record->content_hash == result.hash;
                        // HTML pages stand alone; scraped ones wait for their site's template (the writer's).
                        if (result.format == InputFormat::html && !same) {
                            result.prepared = prepare_page(c, result.fetched.final_url, r.body, result.format, nullptr, options, builder, diagnostics);
                        }
                    }
                    results.push(std::move(result));
                }
            } catch (...) {
                std::lock_guard lock(worker_error_mutex);
                worker_error = std::current_exception();
                stop = true;
            }
            results.producer_done();
        });
    }

    // The writer: this thread. Articles and the crawl state of their pages are committed together.
    auto chrome = std::make_shared<ChromeModels>();
    std::map<std::string, std::vector<HeldPage>> held;  // scraped pages by site, until the template is learned
    std::set<std::string> learned_sites;
    std::exception_ptr writer_error;
    std::size_t done = 0;
    try {
        std::size_t in_batch = 0;
        auto commit = [&] {
            db.commit();
            in_batch = 0;
        };
        const auto count_write = [&] {
            if (++in_batch >= options.batch_size) commit();
        };
        const auto save = [&](const CrawlRecord& r) { db.set_metadata(schema::crawl_key(r.url), r.to_json()); };
        const auto new_record = [&](const Candidate& c, const HttpResponse& r, std::string hash) {
            CrawlRecord record;
            record.url = c.url;
            record.etag = r.etag;
            record.last_modified = r.last_modified;
            record.content_hash = std::move(hash);
            record.last_seen = now_seconds();
            return record;
        };

        // Writes a prepared page's articles with the page's state.
        const auto write_page = [&](const Candidate& c, PreparedPage& page, const HttpResponse& headers, const std::string& hash) {
            CrawlRecord record = new_record(c, headers, hash);
            if (!page.not_article.empty()) skip(c.url, "not an article: " + page.not_article);
            for (const std::string& why : page.skips) skip(c.url, why);
            for (std::size_t k = 0; k < page.built.size(); ++k) {
                db.write(page.built[k]);
                record.article_id = page.ids[k];
                ++summary.articles_indexed;
            }
            save(record);
            count_write();
        };
        const auto index_page = [&](const Candidate& c, const std::string& final_url, const std::string& body, InputFormat format,
                                    const HttpResponse& headers) {
            PreparedPage page = prepare_page(c, final_url, body, format, chrome, options, builder, diagnostics);
            write_page(c, page, headers, hex64(common::fnv1a64(body)));
        };
        const auto release_held = [&](const std::string& site) {
            auto it = held.find(site);
            if (it == held.end()) return;
            chrome->group(site).finish();
            learned_sites.insert(site);
            for (const HeldPage& page : it->second) index_page(candidates[page.candidate], page.final_url, page.text, InputFormat::scraped, page.headers);
            held.erase(it);
        };

        const std::size_t producers = pool.size();
        while (true) {
            if (ctx.stopping() && !stop) {
                summary.interrupted = true;
                stop = true;
            }
            if (stop) results.abandon();
            auto item = results.pop(producers);
            if (!item) break;
            if (item->candidate == static_cast<std::size_t>(-1)) {
                progress.update(summary, done, to_fetch.size());
                continue;
            }
            if (stop) continue;
            ++done;
            const Candidate& c = candidates[item->candidate];
            Fetched& f = item->fetched;
            HttpResponse& r = f.response;
            if (!f.refusal.empty()) {
                if (f.refusal == "interrupted") continue;
                if (f.refusal_is_error) {
                    diagnostics.error(c.url, 0, f.refusal);
                } else {
                    skip(c.url, f.refusal);
                }
            } else if (r.failure == FetchFailure::too_large) {
                skip(c.url, "size: " + r.error);
            } else if (r.failure != FetchFailure::none) {
                diagnostics.error(c.url, 0, r.error);
            } else if (r.status == 304 && c.record) {
                ++summary.pages_unchanged;
                CrawlRecord record = *c.record;
                record.last_seen = now_seconds();
                if (!r.etag.empty()) record.etag = r.etag;
                save(record);
                count_write();
            } else if (r.status == 404 || r.status == 410) {
                if (c.record) {
                    ++summary.gone;
                    if (options.sync) {
                        bool deleted = false;
                        if (!c.record->article_id.empty()) {
                            if (db.remove(c.record->article_id)) {
                                deleted = true;
                                ++summary.deleted;
                            }
                        }
                        db.set_metadata(schema::crawl_key(c.url), "");
                        count_write();
                        notice(c.url, "gone (HTTP " + std::to_string(r.status) + ")" +
                                          (deleted ? "; deleted its article " + c.record->article_id : std::string("; its state forgotten")));
                    } else {
                        notice(c.url, "gone (HTTP " + std::to_string(r.status) + ")" +
                                          (c.record->article_id.empty() ? std::string() : "; its article " + c.record->article_id + " is kept (--sync deletes it)"));
                    }
                } else {
                    skip(c.url, "HTTP status " + std::to_string(r.status));
                }
            } else if (r.status != 200) {
                if (r.status >= 500 || r.status == 429) {
                    diagnostics.error(c.url, 0, "HTTP status " + std::to_string(r.status) + (r.status == 429 || r.status == 503 ? " after " + std::to_string(options.max_retries) + " retries" : std::string()));
                } else {
                    skip(c.url, "HTTP status " + std::to_string(r.status));
                }
            } else {
                ++summary.pages_fetched;
                summary.bytes += r.body.size();
                const std::string& hash = item->hash;
                const InputFormat format = item->format;
                if (c.record && !c.record->content_hash.empty() && c.record->content_hash == hash) {
                    // Same content, although the server did not answer the conditional request with 304.
                    ++summary.pages_unchanged;
                    CrawlRecord record = *c.record;
                    record.last_seen = now_seconds();
                    record.etag = r.etag;
                    record.last_modified = r.last_modified;
                    save(record);
                    count_write();
                } else if (format == InputFormat::automatic) {
                    const std::string type = media_type(r.content_type);
                    skip(c.url, "type: " + (type.empty() ? std::string("content") : "'" + type + "'") + " is not a page dateline reads (HTML or text)");
                    save(new_record(c, r, hash));
                    count_write();
                } else if (format == InputFormat::scraped && !learned_sites.count(c.site)) {
                    // Held until the site's template is learned from its pages, as for a folder of pages.
                    chrome->group(c.site).add_page(common::repair_utf8(r.body).text);
                    HttpResponse headers = r;
                    headers.body.clear();
                    auto& pages = held[c.site];
                    pages.push_back(HeldPage{item->candidate, f.final_url, std::move(r.body), std::move(headers)});
                    if (pages.size() >= k_chrome_sample_pages) release_held(c.site);
                } else if (item->prepared) {
                    write_page(c, *item->prepared, r, hash);
                } else {
                    index_page(c, f.final_url, r.body, format, r);
                }
            }
            progress.update(summary, done, to_fetch.size());
        }
        if (!stop || summary.interrupted) {
            // Pages held for template learning: learned from what was fetched (interrupted: still indexed).
            while (!held.empty()) release_held(held.begin()->first);
        }
        // Explicit commit: the destructor would cancel.
        db.finish();
    } catch (...) {
        writer_error = std::current_exception();
        stop = true;
        results.abandon();
        db.cancel();
    }
    for (std::thread& t : pool) t.join();
    if (writer_error) {
        try {
            std::rethrow_exception(writer_error);
        } catch (const Xapian::Error& e) {
            throw common::EnvironmentError("cannot write to index '" + db_path + "': " + e.get_description());
        }
    }
    if (worker_error) std::rethrow_exception(worker_error);
    if (options.cancel && options.cancel->load()) summary.interrupted = true;
    progress.update(summary, done, to_fetch.size(), true);
    summary.requests = requests + worker_requests.load();
    summary.errors = diagnostics.errors() - errors_before;
    summary.warnings = diagnostics.warnings() - warnings_before;
    summary.seconds = std::chrono::duration<double>(clock::now() - start).count();
    return summary;
}

}  // namespace dateline::indexer
