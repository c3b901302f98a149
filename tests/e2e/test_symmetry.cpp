// The symmetry test: for sampled words of every sample article, the accented, unaccented, capitalised,
// elided and inflected forms all find that article, through the real indexer and searcher.
#include "indexer/index_writer.hpp"
#include "searcher/searcher.hpp"

#include "common/analysis.hpp"
#include "common/errors.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace dateline;

namespace {

using dateline::testing::TempDir;

struct SampleArticle {
    std::string id;
    std::string body;
    common::Lang lang = common::Lang::unknown;
};

std::vector<SampleArticle> read_jsonl_articles() {
    std::vector<SampleArticle> out;
    for (const char* name : {"articles_en.jsonl", "articles_fr.jsonl"}) {
        std::ifstream in(fs::path(DATELINE_SAMPLE_CORPUS) / name);
        std::string line;
        while (std::getline(in, line)) {
            const auto j = nlohmann::json::parse(line);
            out.push_back({j.value("id", ""), j.value("body", ""),
                           std::string(name).find("_fr") != std::string::npos ? common::Lang::fr : common::Lang::en});
        }
    }
    return out;
}

bool finds(searcher::Searcher& s, const std::string& query, const std::string& id) {
    searcher::SearchRequest request;
    request.query = query;
    request.limit = 200;
    request.facets = false;
    request.collapse = false;  // a syndicated copy must be findable itself, not only as "1 similar"
    for (const auto& hit : s.search(request).hits) {
        if (hit.article.id == id) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("every form of sampled words finds its article", "[e2e][symmetry]") {
    TempDir dir;
    const std::string db = (dir.path() / "db").string();
    std::ostringstream diag_out;
    indexer::Diagnostics diagnostics(diag_out, true);
    indexer::IndexOptions options;
    options.quiet = true;
    const std::vector<std::string> inputs = {std::string(DATELINE_SAMPLE_CORPUS) + "/articles_en.jsonl",
                                             std::string(DATELINE_SAMPLE_CORPUS) + "/articles_fr.jsonl"};
    const auto summary = indexer::index_inputs(db, inputs, {}, options, diagnostics);
    REQUIRE(summary.articles_indexed >= 40);
    searcher::Searcher s(searcher::open_index({db}));
    const common::Analyzer analyzer;

    std::size_t checked = 0;
    for (const auto& article : read_jsonl_articles()) {
        // Sample up to six distinct content words per article: long enough, not stopwords, not names
        // protected from stemming (a capitalised query for them means the place, by design).
        std::vector<std::string> sampled;
        for (const auto& tok : analyzer.tokenize(article.body)) {
            if (sampled.size() == 6) break;
            if (tok.kind != common::TokenKind::word || tok.compound_part || tok.folded.size() < 6) continue;
            if (common::is_stopword(tok.folded) || analyzer.is_protected(tok.folded)) continue;
            if (tok.folded.find('\'') != std::string::npos) continue;
            const std::string surface = article.body.substr(tok.begin, tok.end - tok.begin);
            if (std::find(sampled.begin(), sampled.end(), surface) == sampled.end()) sampled.push_back(surface);
        }
        for (const std::string& word : sampled) {
            const std::string lower = common::fold_case(word);
            std::vector<std::string> forms = {word, lower, common::fold_accents(lower)};
            // Capitalised (sentence start) form.
            if (!lower.empty() && lower[0] >= 'a' && lower[0] <= 'z') {
                std::string cap = lower;
                cap[0] = static_cast<char>(cap[0] - 'a' + 'A');
                forms.push_back(cap);
            }
            if (article.lang == common::Lang::fr) {
                forms.push_back("l'" + lower);
                forms.push_back("l\u2019" + common::fold_accents(lower));
                forms.push_back("d'" + lower);
            } else {
                forms.push_back(lower + "'s");
            }
            for (const auto& form : forms) {
                INFO("article " << article.id << ", word '" << word << "', form '" << form << "'");
                CHECK(finds(s, form, article.id));
                ++checked;
            }
        }
    }
    CHECK(checked > 500);
}

TEST_CASE("inflected forms find each other in both languages", "[e2e][symmetry]") {
    TempDir dir;
    const std::string db = (dir.path() / "db").string();
    const std::string input = (dir.path() / "inflections.jsonl").string();
    {
        std::ofstream out(input);
        out << R"({"id":"fr1","title":"Les élections législatives","body":"Les armées et les sanctions économiques.","lang":"fr"})" "\n"
            << R"({"id":"en1","title":"Leaders hold summits","body":"The elections and the troops were discussed.","lang":"en"})" "\n";
    }
    std::ostringstream diag_out;
    indexer::Diagnostics diagnostics(diag_out, true);
    indexer::IndexOptions options;
    options.quiet = true;
    indexer::index_inputs(db, {input}, {}, options, diagnostics);
    searcher::Searcher s(searcher::open_index({db}));
    struct Row {
        const char* query;
        const char* id;
    };
    const std::vector<Row> rows = {
        {"élection", "fr1"}, {"election", "fr1"}, {"Élections", "fr1"}, {"armée", "fr1"},      {"l'armée", "fr1"},
        {"sanction", "fr1"}, {"économique", "fr1"}, {"summit", "en1"},  {"election", "en1"},  {"troop", "en1"},
        {"leader's", "en1"},
    };
    for (const auto& row : rows) {
        INFO(row.query);
        CHECK(finds(s, row.query, row.id));
    }
}

TEST_CASE("an index built with another gazetteer is refused for reading and for appending, by one check", "[e2e][schema]") {
    // Appending after the gazetteer was regenerated mixed two ways of stemming place names, and searches then
    // refused the whole index: the writer checks what the reader checks.
    TempDir dir;
    const std::string db = (dir.path() / "db").string();
    {
        Xapian::WritableDatabase w = indexer::open_writable_index(db);
        auto settings = common::AnalyzerSettings::from_json(w.get_metadata("dateline.analysis"));
        REQUIRE(settings.protected_words.starts_with("gazetteer:"));
        settings.protected_words = "gazetteer:0000000000000000";
        w.set_metadata("dateline.analysis", settings.to_json());
        w.commit();
    }
    CHECK_THROWS_WITH(searcher::open_index({db}), Catch::Contains("was built with another gazetteer (gazetteer:0000000000000000") &&
                                                      Catch::Contains("re-index it"));
    CHECK_THROWS_WITH(indexer::open_writable_index(db), Catch::Contains("was built with another gazetteer (gazetteer:0000000000000000") &&
                                                            Catch::Contains("re-index into a new directory"));
    CHECK_THROWS_AS(indexer::open_writable_index(db), common::EnvironmentError);
}

TEST_CASE("an index of another layout version is refused with a clear message", "[e2e][schema]") {
    TempDir dir;
    const std::string db = (dir.path() / "db").string();
    {
        Xapian::WritableDatabase w = indexer::open_writable_index(db);
        w.set_metadata("dateline.version", "999");
        w.commit();
    }
    // Both name the re-index commands (issue 24: an upgrade that needs a re-index says so).
    const auto reindex = Catch::Contains("re-index into a new directory with this version (dateline-index --db NEW_DIR INPUT..., or "
                                         "dateline-reindex where the Debian package is installed)");
    CHECK_THROWS_WITH(searcher::open_index({db}), Catch::Contains("has layout version 999 but this dateline reads version") && reindex);
    CHECK_THROWS_WITH(indexer::open_writable_index(db), Catch::Contains("has layout version 999; this dateline-index writes version") && reindex);
    const std::string plain = (dir.path() / "plain").string();
    {
        Xapian::WritableDatabase w(plain, Xapian::DB_CREATE);
        w.add_document(Xapian::Document());
        w.commit();
    }
    CHECK_THROWS_WITH(searcher::open_index({plain}), Catch::Contains("is not a dateline index"));
    CHECK_THROWS_WITH(indexer::open_writable_index(plain), Catch::Contains("not made by dateline-index"));
}
