// The crawler's rules without a network: robots.txt matching (RFC 9309), sitemap reading (indexes, gzip, the
// news extension, hostile input), the URL and address policy, and the crawl state record. The crawl itself
// runs against a loopback site in tests/indexer/test_crawl.py.
#include "indexer/crawl.hpp"
#include "indexer/robots.hpp"
#include "indexer/sitemap.hpp"
#include "indexer/url_policy.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <catch2/catch.hpp>

#include <zlib.h>

#include <string>
#include <vector>

using namespace dateline;
using indexer::RobotsRules;

namespace {

std::string gzip_of(const std::string& text) {
    z_stream s{};
    REQUIRE(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&s, text.size()) + 32, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    s.avail_in = static_cast<uInt>(text.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

}  // namespace

TEST_CASE("robots patterns: prefix, star, dollar and percent-encoding", "[crawl][robots]") {
    struct Row {
        const char* pattern;
        const char* path;
        bool matches;
    };
    const std::vector<Row> rows = {
        {"/", "/anything", true},
        {"/fish", "/fish.html", true},
        {"/fish", "/Fish.html", false},  // paths are case-sensitive
        {"/fish/", "/fish", false},
        {"/*.php", "/folder/index.php?x=1", true},
        {"/*.php$", "/index.php", true},
        {"/*.php$", "/index.php?x=1", false},
        {"/fish*", "/fishheads/yummy.html", true},
        {"/a*b*c", "/axxbyyc", true},
        {"/a*b*c$", "/axxbyycd", false},
        {"/%7Ejoe/", "/~joe/index.html", true},   // %7E is the unreserved '~'
        {"/~joe/", "/%7ejoe/index.html", true},
        {"/a%2fb", "/a%2Fb", true},               // escapes compare with upper-case hex
        {"/a%2Fb", "/a/b", false},                // an escaped '/' is not a '/'
        {"*", "/x", true},
        {"/x$", "/x", true},
    };
    for (const Row& row : rows) {
        INFO(row.pattern << " vs " << row.path);
        CHECK(indexer::robots_pattern_matches(row.pattern, row.path) == row.matches);
    }
}

TEST_CASE("robots rules: the longest match decides, Allow wins a tie", "[crawl][robots]") {
    const RobotsRules rules = RobotsRules::parse("User-agent: *\n"
                                                 "Disallow: /private/\n"
                                                 "Allow: /private/public\n"
                                                 "Disallow: /*.pdf$\n"
                                                 "Allow: /page\n"
                                                 "Disallow: /page\n"
                                                 "Disallow:\n",
                                                 "dateline");
    CHECK(rules.allowed("/news/a.html"));
    CHECK_FALSE(rules.allowed("/private/x.html"));
    CHECK(rules.allowed("/private/public/x.html"));
    CHECK_FALSE(rules.allowed("/docs/report.pdf"));
    CHECK(rules.allowed("/docs/report.pdf?download=1"));
    CHECK(rules.allowed("/page"));  // equal length: Allow
    CHECK(rules.deciding_rule("/private/x") == "Disallow: /private/");
    CHECK(rules.deciding_rule("/news/") == "");
    CHECK(rules.allowed("/robots.txt"));
}

TEST_CASE("robots groups: the crawler's own group, else star, merged when repeated", "[crawl][robots]") {
    const std::string text = "# comment\n"
                             "User-agent: OtherBot\n"
                             "Disallow: /\n"
                             "\n"
                             "User-agent: Dateline/2.0\n"
                             "User-agent: somebot\n"
                             "Disallow: /drafts/ # trailing comment\n"
                             "Crawl-delay: 2.5\n"
                             "\n"
                             "User-agent: *\n"
                             "Disallow: /everything-for-others\n"
                             "Crawl-delay: 10\n"
                             "\n"
                             "Sitemap: https://example.org/sitemap.xml\n"
                             "user-agent: DATELINE\n"
                             "disallow: /tmp/\n";
    const RobotsRules mine = RobotsRules::parse(text, "dateline");
    CHECK_FALSE(mine.allowed("/drafts/a"));
    CHECK_FALSE(mine.allowed("/tmp/a"));  // the second group naming us is merged
    CHECK(mine.allowed("/everything-for-others"));
    REQUIRE(mine.crawl_delay());
    CHECK(*mine.crawl_delay() == Approx(2.5));
    CHECK(mine.sitemaps() == std::vector<std::string>{"https://example.org/sitemap.xml"});

    const RobotsRules others = RobotsRules::parse(text, "anotherbot");
    CHECK_FALSE(others.allowed("/everything-for-others"));
    CHECK(others.allowed("/drafts/a"));
    CHECK(*others.crawl_delay() == Approx(10));

    const RobotsRules none = RobotsRules::parse("User-agent: otherbot\nDisallow: /\n", "dateline");
    CHECK(none.allowed("/anything"));
    CHECK_FALSE(none.crawl_delay());
}

TEST_CASE("robots input that is not rules is ignored, never fatal", "[crawl][robots][bad-input]") {
    const RobotsRules junk = RobotsRules::parse(std::string("\xEF\xBB\xBF") + "<html>not robots</html>\nDisallow: /before-any-group\n"
                                                "User-agent: *\nCrawl-delay: soon\nCrawl-delay: -1\nnonsense line\nDisallow: /x\n" +
                                                    std::string(600 * 1024, 'a') + "\nDisallow: /beyond-the-limit\n",
                                                "dateline");
    CHECK(junk.allowed("/before-any-group"));
    CHECK_FALSE(junk.allowed("/x"));
    CHECK_FALSE(junk.crawl_delay());
    CHECK(junk.allowed("/beyond-the-limit"));
    CHECK_FALSE(RobotsRules::disallow_all().allowed("/a"));
    CHECK(RobotsRules::disallow_all().allowed("/robots.txt"));
    CHECK(RobotsRules().allowed("/a"));
    // Many stars cannot make matching explode.
    const RobotsRules stars = RobotsRules::parse("User-agent: *\nDisallow: /" + std::string(2000, '*') + "x$\n", "dateline");
    CHECK(stars.allowed("/" + std::string(5000, 'a')));
}

TEST_CASE("sitemaps: URL sets with lastmod and the news extension", "[crawl][sitemap]") {
    const std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n"
        "<url><loc> https://example.org/a.html </loc><lastmod>2024-12-01T10:00:00+00:00</lastmod></url>\n"
        "<url><loc>https://example.org/b.html</loc><news:news><news:publication><news:name>Le Quotidien</news:name>"
        "<news:language>fr</news:language></news:publication><news:publication_date>2024-11-05T13:20:00+04:00</news:publication_date>"
        "<news:title>Troupes nord-cor\xC3\xA9" "ennes &amp; Koursk</news:title></news:news></url>\n"
        "<url><lastmod>2024-01-01</lastmod></url>\n"
        "</urlset>\n";
    for (const std::string& content : {xml, gzip_of(xml)}) {
        const indexer::Sitemap map = indexer::parse_sitemap(content);
        REQUIRE(map.error.empty());
        CHECK_FALSE(map.index);
        REQUIRE(map.entries.size() == 2);
        CHECK(map.skipped == 1);
        CHECK(map.entries[0].url == "https://example.org/a.html");
        CHECK(map.entries[0].lastmod == "2024-12-01T10:00:00+00:00");
        CHECK(map.entries[1].news_title == "Troupes nord-cor\xC3\xA9" "ennes & Koursk");
        CHECK(map.entries[1].news_language == "fr");
        CHECK(map.entries[1].news_publication_date == "2024-11-05T13:20:00+04:00");
    }
    CHECK(indexer::looks_like_sitemap(xml));
    CHECK_FALSE(indexer::looks_like_sitemap("<rss version=\"2.0\"></rss>"));
}

TEST_CASE("sitemap indexes list their sitemaps", "[crawl][sitemap]") {
    const indexer::Sitemap map = indexer::parse_sitemap(
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        "<sitemap><loc>https://example.org/s1.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>"
        "<sitemap><loc>/relative.xml</loc></sitemap><sitemap></sitemap></sitemapindex>");
    REQUIRE(map.error.empty());
    CHECK(map.index);
    CHECK(map.sitemaps == std::vector<std::string>{"https://example.org/s1.xml.gz", "/relative.xml"});
    CHECK(map.skipped == 1);
}

TEST_CASE("hostile sitemaps are refused with a reason, nothing crashes", "[crawl][sitemap][bad-input]") {
    CHECK(indexer::parse_sitemap("").error == "not readable XML");
    CHECK(indexer::parse_sitemap("<html><body>hi</body></html>").error == "root element <html> is neither <urlset> nor <sitemapindex>");
    // Truncated gzip, and a gzip bomb: 60 MiB of zeros compress to ~60 KiB.
    const std::string gz = gzip_of("<urlset><url><loc>https://example.org/</loc></url></urlset>");
    CHECK(indexer::parse_sitemap(gz.substr(0, gz.size() / 2)).error.find("gzip data cut short") != std::string::npos);
    const indexer::Sitemap bomb = indexer::parse_sitemap(gzip_of(std::string(60 * 1024 * 1024, ' ')));
    CHECK(bomb.error == "gzip data expands beyond 52428800 bytes");
    CHECK_THROWS_AS(indexer::gunzip("\x1f\x8bnot gzip at all", 1000), common::BadInputError);
    // External entities are never read, entity expansion is not substituted.
    const indexer::Sitemap xxe = indexer::parse_sitemap(
        "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<urlset><url><loc>https://example.org/&x;</loc></url></urlset>");
    REQUIRE(xxe.entries.size() == 1);
    CHECK(xxe.entries[0].url.find("root:") == std::string::npos);
    // Deep nesting stops at libxml2's limit (set to the house one) instead of the stack.
    std::string deep = "<urlset>";
    for (int k = 0; k < 5000; ++k) deep += "<url>";
    const indexer::Sitemap nested = indexer::parse_sitemap(deep);
    CHECK(nested.entries.empty());
}

TEST_CASE("URL parsing normalises, resolves references and drops fragments", "[crawl][url]") {
    const auto url = indexer::parse_web_url("HTTP://News.Example.ORG:80/a/b.html?x=1#top");
    REQUIRE(url);
    CHECK(url->scheme == "http");
    CHECK(url->host == "news.example.org");
    CHECK(url->port == 0);
    CHECK(url->path == "/a/b.html?x=1");
    CHECK(url->url == "http://news.example.org/a/b.html?x=1");
    CHECK(url->site() == "news.example.org");
    CHECK(indexer::parse_web_url("http://127.0.0.1:8080/")->site() == "127.0.0.1:8080");
    CHECK(indexer::parse_web_url("http://[::1]:81/x")->host == "::1");
    CHECK(indexer::resolve_web_url("https://example.org/news/a.html", "../b.html")->url == "https://example.org/b.html");
    CHECK(indexer::resolve_web_url("https://example.org/news/a.html", "//cdn.example.org/c")->url == "https://cdn.example.org/c");
    CHECK(indexer::resolve_web_url("https://example.org/news/a.html", "file:///etc/passwd")->scheme == "file");
    CHECK_FALSE(indexer::parse_web_url("not a url"));
    CHECK_FALSE(indexer::parse_web_url(""));
}

TEST_CASE("private, loopback and link-local addresses are refused", "[crawl][url]") {
    struct Row {
        const char* address;
        bool refused;
    };
    const std::vector<Row> rows = {
        {"127.0.0.1", true},    {"127.8.9.10", true},    {"10.1.2.3", true},      {"172.16.0.1", true},
        {"172.31.255.255", true}, {"172.32.0.1", false}, {"192.168.1.1", true},   {"169.254.169.254", true},
        {"100.64.0.1", true},   {"0.0.0.0", true},       {"224.0.0.1", true},     {"255.255.255.255", true},
        {"8.8.8.8", false},     {"93.184.216.34", false}, {"::1", true},          {"::", true},
        {"fe80::1", true},      {"fd00::1", true},       {"ff02::1", true},       {"::ffff:127.0.0.1", true},
        {"::ffff:10.0.0.1", true}, {"64:ff9b::a00:1", true}, {"::ffff:8.8.8.8", false}, {"2001:4860:4860::8888", false},
    };
    for (const Row& row : rows) {
        INFO(row.address);
        CHECK(indexer::is_private_address(std::string_view(row.address)) == row.refused);
    }
}

TEST_CASE("the URL policy: http and https on the allowed hosts only", "[crawl][url]") {
    indexer::UrlPolicy policy;
    policy.allowed_sites = {"news.example.org", "127.0.0.1:8080"};
    const auto refusal = [&](const char* url) { return policy.refusal(*indexer::parse_web_url(url)); };
    CHECK(refusal("https://news.example.org/a.html") == "");
    CHECK(refusal("ftp://news.example.org/a") == "scheme 'ftp' is not http or https");
    CHECK(refusal("file:///etc/passwd").find("scheme 'file' is not http or https") == 0);
    CHECK(refusal("https://evil.example.org/") ==
          "host 'evil.example.org' is not among the allowed hosts (127.0.0.1:8080, news.example.org; add it with --allow-host)");
    CHECK(refusal("http://news.example.org:8081/").find("host 'news.example.org:8081' is not among") == 0);
    CHECK(refusal("http://127.0.0.1:8080/") == "address 127.0.0.1 is private, loopback or link-local (--allow-private allows it)");
    policy.allow_private = true;
    CHECK(refusal("http://127.0.0.1:8080/") == "");
}

TEST_CASE("crawl records round-trip, and bad ones are refused", "[crawl][state]") {
    indexer::CrawlRecord r;
    r.url = "https://example.org/a";
    r.etag = "\"abc\"";
    r.last_modified = "Sat, 30 Nov 2024 20:53:20 GMT";
    r.content_hash = "0123456789abcdef";
    r.last_seen = 1733000000;
    r.article_id = "https://example.org/a";
    const auto back = indexer::CrawlRecord::from_json(r.to_json());
    REQUIRE(back);
    CHECK(back->etag == r.etag);
    CHECK(back->last_modified == r.last_modified);
    CHECK(back->content_hash == r.content_hash);
    CHECK(back->last_seen == r.last_seen);
    CHECK(back->article_id == r.article_id);
    CHECK_FALSE(indexer::CrawlRecord::from_json("not json"));
    CHECK_FALSE(indexer::CrawlRecord::from_json("{\"etag\": \"x\"}"));
    r.etag = "\xff\xfe";  // a server's invalid bytes do not make the record unwritable
    CHECK(indexer::CrawlRecord::from_json(r.to_json()));
    const std::string long_url = "https://example.org/" + std::string(400, 'a');
    CHECK(common::schema::crawl_key(long_url).size() < 245);
    CHECK(common::schema::crawl_key("https://example.org/a") == "dateline.crawl:https://example.org/a");
}
