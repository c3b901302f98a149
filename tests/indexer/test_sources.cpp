// Per-format extraction on the sample corpus, checked against its ground truth (tests/data/sample_truth.jsonl),
// and the format-specific details: HTML boilerplate and entities, feed text fields, incremental runs.
#include "indexer/diagnostics.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/feed_source.hpp"
#include "indexer/formats.hpp"
#include "indexer/html_source.hpp"
#include "indexer/index_writer.hpp"
#include "indexer/scraped_source.hpp"
#include "indexer/source.hpp"

#include "common/schema.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;

namespace {

struct TruthRow {
    std::string file;
    std::string id;
    std::string format;
    std::string title;
    std::string date;
    std::string lang;
};

std::vector<TruthRow> load_truth() {
    std::ifstream in(DATELINE_SAMPLE_TRUTH);
    REQUIRE(in);
    std::vector<TruthRow> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto j = nlohmann::json::parse(line);
        rows.push_back({j.at("file"), j.at("id"), j.at("format"), j.at("title"), j.at("date"), j.at("lang")});
    }
    return rows;
}

/// Reads inputs the way dateline-index does (chrome learned first), then completes each article as the
/// document builder does (language detection, derived ids).
std::vector<common::Article> read_all(const std::vector<std::string>& inputs, indexer::Diagnostics& diagnostics,
                                      indexer::SourceOptions options = {}) {
    const auto files = indexer::resolve_inputs(inputs, options, diagnostics);
    options.chrome = indexer::learn_chrome(files, options, [](const indexer::InputFile&) { return true; });
    std::vector<common::Article> articles;
    for (const auto& f : files) {
        indexer::read_input(f, options, [&](common::Article&& a) { articles.push_back(std::move(a)); }, diagnostics);
    }
    const indexer::DocumentBuilder builder(indexer::make_index_analyzer(), {});
    for (auto& a : articles) (void)builder.build(a);
    return articles;
}

std::string date_of(const common::Article& a) { return a.date ? a.date->iso().substr(0, 10) : std::string(); }

}  // namespace

TEST_CASE("every sample corpus article is read with the ground truth's id, title, date and language", "[sources]") {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    const auto articles = read_all({DATELINE_SAMPLE_CORPUS}, diagnostics);
    INFO("diagnostics: " << messages.str());
    CHECK(diagnostics.errors() == 0);
    CHECK(diagnostics.warnings() == 0);

    const auto truth = load_truth();
    REQUIRE(truth.size() == 71);
    CHECK(articles.size() == truth.size());
    std::map<std::string, const common::Article*> by_id;
    for (const auto& a : articles) {
        CHECK(by_id.emplace(a.id, &a).second);  // ids are unique
    }
    for (const auto& row : truth) {
        INFO("file " << row.file << ", id " << row.id);
        const auto it = by_id.find(row.id);
        REQUIRE(it != by_id.end());
        const common::Article& a = *it->second;
        CHECK(a.title == row.title);
        CHECK(date_of(a) == row.date);
        CHECK(common::lang_code(a.lang) == row.lang);
        CHECK_FALSE(a.origin.empty());
        if (row.id != "en-2015-gurib-fakim-sworn-in") CHECK_FALSE(a.body.empty());  // the empty-body fixture
    }
}

TEST_CASE("the format of every sample corpus file is detected from its content", "[sources][formats]") {
    const auto truth = load_truth();
    std::map<std::string, std::string> formats;
    for (const auto& row : truth) formats[row.file] = row.format;
    for (const auto& [file, format] : formats) {
        INFO(file);
        std::ifstream in(std::string(DATELINE_SAMPLE_CORPUS) + "/" + file, std::ios::binary);
        std::string head(4096, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in.gcount()));
        // Detection must not lean on the name: give it none.
        const auto detected = indexer::detect_format(head, "");
        const std::string expected = format == "rss" || format == "atom" ? "feed" : format;
        CHECK(indexer::format_name(detected) == expected);
    }
}

TEST_CASE("HTML pages: text without page furniture, entities decoded, broken markup survived", "[sources][html]") {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    const auto articles = read_all({std::string(DATELINE_SAMPLE_CORPUS) + "/html"}, diagnostics);
    REQUIRE(articles.size() == 8);
    for (const auto& a : articles) {
        INFO(a.origin);
        for (const char* furniture : {"Advertisement", "Share on", "Partager sur", "Most read", "Les plus lus", "newsletter",
                                      "Subscribe", "Abonnez-vous", "gtag", "font-family", "Seychelles tuna", "Privacy policy",
                                      "Mentions légales", "Home", "Accueil", "By Observer", "Par Service", "Published", "Publié"}) {
            CHECK(a.body.find(furniture) == std::string::npos);
        }
        CHECK(a.body.find(a.title) == std::string::npos);  // the <h1> is the title, not the first paragraph
        CHECK(a.body.find('<') == std::string::npos);
        CHECK(a.body.find("&nbsp;") == std::string::npos);
        CHECK(a.url == a.id);
        CHECK(a.body.find("\n\n") != std::string::npos);  // paragraphs kept
    }
    auto find = [&](std::string_view needle) -> const common::Article& {
        for (const auto& a : articles) {
            if (a.origin.find(needle) != std::string::npos) return a;
        }
        FAIL("no article from " << needle);
        return articles.front();
    };
    CHECK(find("chagos").body.find("Foreign, Commonwealth & Development Office") != std::string::npos);
    const auto& koursk = find("koursk");
    CHECK(koursk.body.find("soldats nord-coréens") != std::string::npos);  // &eacute;
    CHECK(koursk.body.find("KIEV, 5 novembre (AFP)") == 0);
    // The third paragraph of the Senegal page is never closed: the fourth must still follow it.
    const auto& senegal = find("senegal");
    CHECK(std::count(senegal.body.begin(), senegal.body.end(), '\n') >= 8);
    CHECK(find("ceremonie").title.find("d\u2019ouverture") != std::string::npos);
    CHECK(find("lee-jae-myung").date->iso() == "2025-06-04T09:30:00+04:00");  // article:published_time only
    CHECK(find("putin-in-hanoi").date->iso() == "2024-06-20T15:00:00+07:00");  // <time datetime> only
}

TEST_CASE("HTML title fallbacks and site-name suffixes", "[sources][html]") {
    using indexer::strip_site_name;
    CHECK(strip_site_name("Putin courts Vietnam | The Island Post", "The Island Post") == "Putin courts Vietnam");
    CHECK(strip_site_name("Putin courts Vietnam - The Island Post", "the island post") == "Putin courts Vietnam");
    CHECK(strip_site_name("The Island Post | Putin courts Vietnam", "The Island Post") == "Putin courts Vietnam");
    CHECK(strip_site_name("Putin courts Vietnam | The Island Post", "") == "Putin courts Vietnam");
    CHECK(strip_site_name("Kim - Putin summit ends", "") == "Kim - Putin summit ends");
    CHECK(strip_site_name("Q&A | Why the treaty matters to the region and to its islands", "") ==
          "Q&A | Why the treaty matters to the region and to its islands");

    const auto h1_only = indexer::extract_html_page(
        "<html><head><title>Fallback | Site</title></head><body><main><h1>The &quot;real&quot; headline</h1>"
        "<p>First paragraph.</p><p>Second one.</p></main></body></html>");
    CHECK(h1_only.title == "The \"real\" headline");
    CHECK(h1_only.body == "First paragraph.\n\nSecond one.");
    const auto title_only = indexer::extract_html_page(
        "<html><head><title>Only a title | Some Site</title></head><body><div><p>Text here.</p></div></body></html>");
    CHECK(title_only.title == "Only a title");
    CHECK(title_only.body == "Text here.");
    const auto teasers = indexer::extract_html_page(
        "<body><article class='teaser'><p>Short teaser.</p></article>"
        "<article><h1>Main</h1><p>The long main story text, longer than the teaser by far.</p></article>"
        "<div class='related-posts'><p>Other story</p></div></body>");
    CHECK(teasers.title == "Main");
    CHECK(teasers.body == "The long main story text, longer than the teaser by far.");
}

TEST_CASE("feeds: item text from content:encoded, escaped HTML or plain text, guid and Atom id as ids", "[sources][feeds]") {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    const auto articles = read_all({std::string(DATELINE_SAMPLE_CORPUS) + "/feeds"}, diagnostics);
    REQUIRE(articles.size() == 9);
    std::map<std::string, const common::Article*> by_id;
    for (const auto& a : articles) {
        by_id[a.id] = &a;
        INFO(a.id);
        CHECK(a.body.find('<') == std::string::npos);
        CHECK(a.body.find("&lt;") == std::string::npos);
        CHECK(a.body.find("\n\n") != std::string::npos);
        CHECK(a.origin.find(".xml:") != std::string::npos);  // file:line of the item
        CHECK(a.lang_from_input);
    }
    // content:encoded wins over the lead paragraph in description.
    const auto* troops = by_id.at("islandpost:2024-10-23:us-confirms-north-korean-troops-russia");
    CHECK(troops->body.find("Defense Secretary Lloyd Austin") != std::string::npos);
    CHECK(troops->url == "https://news.example.mu/en/world/2024/10/23/us-confirms-north-korean-troops-russia");
    // Plain-text description keeps its paragraphs.
    const auto* invasion = by_id.at("islandpost:2022-02-24:russia-launches-invasion-ukraine");
    CHECK(std::count(invasion->body.begin(), invasion->body.end(), '\n') == 10);
    // Atom: <summary> only.
    const auto* euro = by_id.at("tag:le-quotidien.example,2016-07-11:euro-2016-finale-portugal-france");
    CHECK(euro->body.find("Eder") != std::string::npos);
    CHECK(euro->date->iso() == "2016-07-11T01:30:00+04:00");
}

TEST_CASE("re-running skips unchanged files, re-reads changed ones, replaces without duplicates", "[sources][incremental]") {
    const TempDir dir;
    dir.write("in/a.jsonl", R"({"id":"a1","title":"First story","body":"Alpha text about Port Louis.","date":"2024-06-01"}
{"id":"a2","title":"Second story","body":"Beta text.","date":"2024-06-02"}
)");
    dir.write("in/b.jsonl", R"({"id":"b1","title":"Third story","body":"Gamma text.","date":"2024-06-03"})");
    const std::string db = dir / "db";
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    auto first = indexer::index_inputs(db, {dir / "in"}, {}, options, diagnostics);
    CHECK(first.files_read == 2);
    CHECK(first.articles_indexed == 3);

    auto second = indexer::index_inputs(db, {dir / "in"}, {}, options, diagnostics);
    CHECK(second.files_read == 0);
    CHECK(second.files_unchanged == 2);
    CHECK(second.articles_indexed == 0);

    // Changing a file (content and size) makes it read again; its articles are replaced, not added.
    dir.write("in/a.jsonl", R"({"id":"a1","title":"First story, updated","body":"Alpha text, corrected.","date":"2024-06-01"}
{"id":"a2","title":"Second story","body":"Beta text.","date":"2024-06-02"}
)");
    auto third = indexer::index_inputs(db, {dir / "in"}, {}, options, diagnostics);
    CHECK(third.files_read == 1);
    CHECK(third.files_unchanged == 1);
    CHECK(third.articles_indexed == 2);
    {
        Xapian::Database index(db);
        CHECK(index.get_doccount() == 3);
        const auto post = index.postlist_begin("Qa1");
        REQUIRE(post != index.postlist_end("Qa1"));
        CHECK(index.get_document(*post).get_data().find("corrected") != std::string::npos);
        CHECK(index.get_termfreq("louis") == 0);
    }
    // --force reads everything again, still without duplicates.
    options.force = true;
    auto forced = indexer::index_inputs(db, {dir / "in"}, {}, options, diagnostics);
    CHECK(forced.files_read == 2);
    CHECK(Xapian::Database(db).get_doccount() == 3);

    // A cancelled run stops before reading and says so; the next run in the same process starts afresh
    // (the stop state was one global flag, never reset).
    std::atomic<bool> cancel{true};
    options.cancel = &cancel;
    auto cancelled = indexer::index_inputs(db, {dir / "in"}, {}, options, diagnostics);
    CHECK(cancelled.interrupted);
    CHECK(cancelled.articles_indexed == 0);
    cancel = false;
    auto after_cancel = indexer::index_inputs(db, {dir / "in"}, {}, options, diagnostics);
    CHECK_FALSE(after_cancel.interrupted);
    CHECK(after_cancel.files_read == 2);
    options.cancel = nullptr;

    // Deleting by id.
    CHECK(indexer::delete_articles(db, {"a2", "no-such-id"}) == 1);
    CHECK(Xapian::Database(db).get_doccount() == 2);
    CHECK(messages.str().empty());
}

TEST_CASE("one-article files without an id take their path, records without one get a stable hash", "[sources]") {
    const TempDir dir;
    dir.write("export/parsed/10000.json", R"({"title": "Rennes : un accident", "heading": "Chapeau", "article": "Texte.", "date": "2017-11-18"})");
    dir.write("export/list.jsonl", R"({"title":"Brief","body":"Text.","date":"2020-01-01"})");
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::SourceOptions options;
    options.fields.add("body=article");
    const auto articles = read_all({dir / "export"}, diagnostics, options);
    REQUIRE(articles.size() == 2);
    std::map<std::string, const common::Article*> by_title;
    for (const auto& a : articles) by_title[a.title] = &a;
    CHECK(by_title.at("Rennes : un accident")->id == "parsed/10000.json");
    CHECK(by_title.at("Rennes : un accident")->body == "Texte.");
    const std::string hashed = by_title.at("Brief")->id;
    CHECK(hashed.size() == 17);
    CHECK(hashed[0] == 'h');
    CHECK(read_all({dir / "export"}, diagnostics, options).size() == 2);
    CHECK(indexer::DocumentBuilder::derive_id(*by_title.at("Brief")) == hashed);
}
