// Source names: the publisher's own name from each input format (HTML, feeds, scraped brand lines), then the
// host of the article's URL, then the folder; --source over all. Table-driven, plus the sample corpus.
#include "indexer/diagnostics.hpp"
#include "indexer/formats.hpp"
#include "indexer/html_source.hpp"
#include "indexer/publisher_names.hpp"
#include "indexer/source.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace dateline;
using dateline::testing::TempDir;

namespace {

/// The source of every article read from `inputs` as dateline-index reads them (chrome learned first), by
/// the path of its file relative to its input.
std::map<std::string, std::vector<std::string>> sources_of(const std::vector<std::string>& inputs, indexer::SourceOptions options = {}) {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    const auto files = indexer::resolve_inputs(inputs, options, diagnostics);
    options.chrome = indexer::learn_chrome(files, options, [](const indexer::InputFile&) { return true; });
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& f : files) {
        indexer::read_input(f, options, [&](common::Article&& a) { out[f.relative_path].push_back(a.source); }, diagnostics);
    }
    INFO(messages.str());
    CHECK(diagnostics.errors() == 0);
    return out;
}

std::string html_page(std::string_view head) {
    return "<!DOCTYPE html><html lang=\"en\"><head><title>Rain closes schools | Site</title>" + std::string(head) +
           "</head><body><article><h1>Rain closes schools</h1><p>Heavy rain closed every school of the island on "
           "Tuesday, the authorities said, and asked people to stay at home.</p></article></body></html>";
}

std::string scraped_page(int n, std::string_view brand) {
    static const char* const k_titles[] = {"Harbour dredging starts next month", "New ferry link to Rodrigues announced",
                                           "Sugar harvest ends early after dry winter", "Market vendors move to new hall"};
    return "27.4 C\nPort Louis\nFriday, May " + std::to_string(n + 1) + ", 2025\n\nRead in French\n\n" + k_titles[n] +
           "\n\nThe works were announced on Thursday by the ministry, which said the first phase would take about six "
           "months and cost less than planned.\n\n" + k_titles[n] + ": officials said the schedule could still change.\n\n" +
           std::string(brand) + "\n\nLatest Articles\n";
}

/// A row of a rule of two texts: the texts, and what the rule gives.
struct RuleRow {
    const char* first;
    const char* second;
    const char* expected;
};

template <typename Rule>
void check_rows(const std::vector<RuleRow>& rows, const Rule& rule) {
    for (const RuleRow& row : rows) {
        INFO(row.first << " / " << row.second);
        CHECK(rule(row.first, row.second) == row.expected);
    }
}

}  // namespace

TEST_CASE("the host of an article's URL", "[sources]") {
    struct Row {
        const char* url;
        const char* host;
    };
    for (const Row& row : std::vector<Row>{
             {"https://news.example.mu/en/world/2024/x", "news.example.mu"},
             {"https://www.le-quotidien.example/", "le-quotidien.example"},
             {"HTTP://WWW.Example.COM:8080/a?b#c", "example.com"},
             {"https://user:pw@site.example/x", "site.example"},
             {"https://example.org", "example.org"},
             {"tag:le-quotidien.example,2025:x", ""},
             {"islandpost:2024-10-23:x", ""},
             {"/relative/path", ""},
             {"https://intranet/x", ""},
             {"", ""},
         }) {
        INFO(row.url);
        CHECK(indexer::url_host(row.url) == row.host);
    }
}

TEST_CASE("the publisher in a feed's title: the part naming the site's host, else the first", "[sources]") {
    // Title, the feed's link, the publisher.
    check_rows({
             {"The Island Post - English edition", "https://news.example.mu/en/", "The Island Post"},
             {"Le Quotidien de l'océan Indien - À la une", "https://www.le-quotidien.example/", "Le Quotidien de l'océan Indien"},
             {"World news | The Guardian", "https://www.theguardian.com/world", "The Guardian"},
             {"BBC News - World", "https://www.bbc.co.uk/news/world", "BBC News"},
             {"NYT > World News", "https://www.nytimes.com/section/world", "NYT"},
             {"Actualités : Le Mauricien", "https://www.lemauricien.com/", "Le Mauricien"},
             {"Le Mauricien", "", "Le Mauricien"},
             {"Sport \xE2\x80\x94 L'Express", "https://lexpress.mu/sport", "L'Express"},
             {"Latest headlines", "https://feeds.example.org/", "Latest headlines"},
             {"2024 - 2025", "", "2024 - 2025"},
             {"", "", ""},
         },
         indexer::publisher_from_feed_title);
}

TEST_CASE("the publisher in a scraped site's brand line: a copyright line, or a line naming the site", "[sources]") {
    // Line, the site's source group (folder), the publisher.
    check_rows({
             {"\xC2\xA9 2025 The Harbour Star. All rights reserved.", "pages", "The Harbour Star"},
             {"Copyright \xC2\xA9 2019-2025 Island Post Ltd", "pages", "Island Post Ltd"},
             {"(c) 2024 Le Défi Media Group | Tous droits réservés", "pages", "Le Défi Media Group"},
             {"Copyright 2024, Indian Ocean Observer", "pages", "Indian Ocean Observer"},
             {"\xC2\xA9 2025", "pages", ""},
             {"The Island Post", "islandpost", "The Island Post"},
             {"THE ISLAND POST", "islandpost", "THE ISLAND POST"},
             {"The Island Post", "harbourstar", ""},
             {"Latest Articles", "islandpost", ""},
             {"Read in French", "pages", ""},
             {"", "islandpost", ""},
         },
         indexer::publisher_from_brand_line);
}

TEST_CASE("an HTML page's publisher: og:site_name, else JSON-LD publisher.name", "[sources]") {
    struct Row {
        const char* head;
        const char* publisher;
    };
    for (const Row& row : std::vector<Row>{
             {R"(<meta property="og:site_name" content=" The  Island Post ">)", "The Island Post"},
             {R"(<meta property="og:site_name" content="Indian Ocean Observer"><script type="application/ld+json">)"
              R"({"@type":"NewsArticle","publisher":{"@type":"Organization","name":"IOO Media"}}</script>)",
              "Indian Ocean Observer"},
             {R"(<script type="application/ld+json">{"@type":"NewsArticle","publisher":{"@type":"NewsMediaOrganization","name":"Le Quotidien"}}</script>)",
              "Le Quotidien"},
             {R"(<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","publisher":[{"@id":"#org"},{"name":"Island Post"}]}]}</script>)",
              "Island Post"},
             {R"(<script type="application/ld+json">{"@type":"NewsArticle","publisher":"Wire Agency"}</script>)", "Wire Agency"},
             {R"(<script type="application/ld+json">{"@type":"NewsArticle","publisher":{"@id":"#org"}}</script>)", ""},
             {"", ""},
         }) {
        INFO(row.head);
        CHECK(indexer::extract_html_page(html_page(row.head)).publisher == row.publisher);
    }
}

TEST_CASE("a feed's items are published by the feed's site, or by the source an item names", "[sources]") {
    TempDir dir("dateline-publishers");
    dir.write("in/rss.xml", R"(<?xml version="1.0"?><rss version="2.0"><channel>
<title>World news | The Guardian</title><link>https://www.theguardian.com/world</link>
<item><title>One</title><link>https://www.theguardian.com/world/1</link><description>First story text.</description></item>
<item><title>Two</title><link>https://other.example/2</link><source url="https://other.example/rss">Other Times</source><description>Second story text.</description></item>
</channel></rss>)");
    dir.write("in/atom.xml", R"(<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Le Quotidien de l'océan Indien - À la une</title><link rel="self" href="https://feeds.example/q.atom"/>
<link rel="alternate" href="https://www.le-quotidien.example/"/><id>tag:q,2016:feed</id><updated>2025-02-28T12:30:00Z</updated>
<entry><title>Un</title><id>tag:q,2025:1</id><updated>2025-02-28T12:30:00Z</updated><summary>Premier article.</summary></entry>
<entry><title>Deux</title><id>tag:q,2025:2</id><updated>2025-02-28T12:30:00Z</updated><source><title>Agence Presse</title></source><summary>Second article.</summary></entry>
</feed>)");
    const auto sources = sources_of({dir / "in"});
    CHECK(sources.at("rss.xml") == std::vector<std::string>{"The Guardian", "Other Times"});
    CHECK(sources.at("atom.xml") == std::vector<std::string>{"Le Quotidien de l'océan Indien", "Agence Presse"});
}

TEST_CASE("a scraped site's publisher is its learned brand line, else its folder", "[sources]") {
    TempDir dir("dateline-publishers");
    for (int n = 0; n < 4; ++n) {
        const std::string name = "2025-05-0" + std::to_string(n + 1) + ".txt";
        dir.write("in/pages/" + name, scraped_page(n, "\xC2\xA9 2025 The Harbour Star. All rights reserved."));
        dir.write("in/harbourstar/" + name, scraped_page(n, "THE HARBOUR STAR"));
        dir.write("in/plain/" + name, scraped_page(n, "Follow us"));
    }
    // One page is no template: its copyright line is not learned.
    dir.write("in/single/2025-05-01.txt", scraped_page(0, "\xC2\xA9 2025 The Harbour Star. All rights reserved."));
    const auto sources = sources_of({dir / "in"});
    CHECK(sources.at("pages/2025-05-01.txt") == std::vector<std::string>{"The Harbour Star"});
    CHECK(sources.at("pages/2025-05-04.txt") == std::vector<std::string>{"The Harbour Star"});
    CHECK(sources.at("harbourstar/2025-05-02.txt") == std::vector<std::string>{"THE HARBOUR STAR"});
    CHECK(sources.at("plain/2025-05-03.txt") == std::vector<std::string>{"plain"});
    CHECK(sources.at("single/2025-05-01.txt") == std::vector<std::string>{"single"});
}

TEST_CASE("a source is --source, else the publisher's name, else the URL's host, else the folder", "[sources]") {
    TempDir dir("dateline-publishers");
    dir.write("in/export/a.jsonl",
              R"({"id":"1","title":"Named","body":"Text one.","source":"Island Post","url":"https://news.example.mu/1"})" "\n"
              R"({"id":"2","title":"Hosted","body":"Text two.","url":"https://www.lexpress.example/2"})" "\n"
              R"({"id":"3","title":"Bare","body":"Text three."})" "\n"
              R"({"id":"4","title":"Published","body":"Text four.","publisher":{"@type":"Organization","name":"Défi Media"},"url":"https://defimedia.example/4"})" "\n");
    dir.write("in/site/page.html", html_page(R"(<link rel="canonical" href="https://www.page.example/x">)"));
    auto sources = sources_of({dir / "in"});
    CHECK(sources.at("export/a.jsonl") == std::vector<std::string>{"Island Post", "lexpress.example", "export", "Défi Media"});
    CHECK(sources.at("site/page.html") == std::vector<std::string>{"page.example"});

    indexer::SourceOptions options;
    options.source_name = "Archive Desk";
    sources = sources_of({dir / "in"}, options);
    CHECK(sources.at("export/a.jsonl") == std::vector<std::string>(4, "Archive Desk"));
    CHECK(sources.at("site/page.html") == std::vector<std::string>{"Archive Desk"});
}

TEST_CASE("the source names of the sample corpus, per input format", "[sources]") {
    const auto sources = sources_of({DATELINE_SAMPLE_CORPUS});
    std::map<std::string, std::map<std::string, std::size_t>> by_format;
    for (const auto& [path, names] : sources) {
        const std::string format = path.ends_with(".jsonl") ? "jsonl"
                                   : path.ends_with(".html") ? "html"
                                   : path.starts_with("feeds/") ? path.substr(6)
                                                                : "scraped";
        for (const auto& name : names) ++by_format[format][name];
    }
    using Names = std::map<std::string, std::size_t>;
    CHECK(by_format["jsonl"] == Names{{"islandpost", 15}, {"le-quotidien", 20}, {"wire", 5}});
    CHECK(by_format["html"] == Names{{"Indian Ocean Observer", 2}, {"Le Quotidien de l'océan Indien", 4}, {"The Island Post", 2}});
    CHECK(by_format["islandpost-rss.xml"] == Names{{"The Island Post", 6}});
    CHECK(by_format["le-quotidien-atom.xml"] == Names{{"Le Quotidien de l'océan Indien", 3}});
    CHECK(by_format["scraped"] == Names{{"islandpost", 14}});
}
