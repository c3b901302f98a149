// Period terms: the words of each year of a search's timeline differ by year, are words (no stopword,
// date, number or query word), and are the same on one database and on shards, remote ones included.
#include "search_fixture.hpp"

#include "common/dates.hpp"
#include "common/stopwords.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace dateline;

namespace {

/// Period value → its words (folded), in order.
std::map<std::string, std::vector<std::string>> period_words(const std::vector<searcher::FacetCount>& periods) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& p : periods) {
        for (const auto& t : p.terms) out[p.value].push_back(t.term);
    }
    return out;
}

searcher::SearchResponse search_terms(searcher::Searcher& s, const std::string& query, const std::string& facet_year = {},
                                      common::Lang ui = common::Lang::en) {
    searcher::SearchRequest request;
    request.query = query;
    request.period_terms = true;
    request.facet_year = facet_year;
    request.ui_lang = ui;
    return s.search(request);
}

}  // namespace

TEST_CASE("each year of a search gets its own words, none a stopword, date, number or query word", "[period-terms]") {
    searcher::Searcher& s = test::sample_searcher();
    for (const std::string query : {"North Korea Russia", "élections", "sanctions", "Corée du Nord"}) {
        INFO("query '" << query << "'");
        const auto r = search_terms(s, query);
        REQUIRE(r.facets);
        const auto words = period_words(r.facets->years);
        // Every year with results has words; years without none.
        std::size_t with_results = 0;
        for (const auto& y : r.facets->years) {
            if (y.count > 0) ++with_results;
            if (y.count == 0) CHECK(y.terms.empty());
        }
        CHECK(words.size() == with_results);
        REQUIRE(words.size() >= 2);
        // Different years, different words: no year's list repeats another's.
        std::set<std::vector<std::string>> distinct;
        for (const auto& [year, list] : words) distinct.insert(list);
        CHECK(distinct.size() == words.size());
        const searcher::BuiltQuery built = test::sample_query(query);
        for (const auto& y : r.facets->years) {
            for (const auto& t : y.terms) {
                INFO("year " << y.value << " term '" << t.term << "'");
                CHECK_FALSE(common::is_stopword(t.term));
                CHECK_FALSE(common::is_date_word(t.term));
                CHECK(t.term.find_first_of("0123456789") == std::string::npos);
                CHECK_FALSE(t.term.empty());
                CHECK_FALSE((t.term[0] >= 'A' && t.term[0] <= 'Z'));
                CHECK_FALSE(t.word.empty());
                CHECK(t.weight > 0);
                CHECK(t.weight <= 1.0);
                for (const auto& w : built.words) CHECK(t.term != w.folded);
                for (const common::Lang lang : {common::Lang::en, common::Lang::fr}) {
                    CHECK(built.highlight.stems.count(s.index().analyzer->stem_folded(t.term, lang)) == 0);
                }
            }
        }
    }
}

TEST_CASE("period terms: the query's place names in both languages are not terms", "[period-terms]") {
    const auto r = search_terms(test::sample_searcher(), "North Korea");
    REQUIRE(r.facets);
    for (const auto& y : r.facets->years) {
        for (const auto& t : y.terms) {
            CHECK(t.term != "coree");
            CHECK(t.term != "nord");
            CHECK(t.term != "korea");
        }
    }
}

TEST_CASE("period terms: months once drilled into a year, only when asked", "[period-terms]") {
    searcher::Searcher& s = test::sample_searcher();
    const auto drilled = search_terms(s, "North Korea Russia", "2024");
    REQUIRE(drilled.facets);
    std::size_t months_with_words = 0;
    for (const auto& m : drilled.facets->months) months_with_words += m.terms.empty() ? 0 : 1;
    CHECK(months_with_words >= 2);

    searcher::SearchRequest plain;
    plain.query = "North Korea Russia";
    const auto r = s.search(plain);
    REQUIRE(r.facets);
    for (const auto& y : r.facets->years) CHECK(y.terms.empty());
}

TEST_CASE("period terms: a French word is labelled in English for an English reader when the word table has it", "[period-terms]") {
    searcher::Searcher& s = test::sample_searcher();
    if (!s.index().translator) {
        WARN("no word table: labels not tested");
        return;
    }
    const auto r = search_terms(s, "North Korea Russia");
    REQUIRE(r.facets);
    std::size_t labelled = 0;
    for (const auto& y : r.facets->years) {
        for (const auto& t : y.terms) {
            if (t.lang == common::Lang::en) CHECK(t.label.empty());
            if (!t.label.empty()) ++labelled;
        }
    }
    CHECK(labelled > 0);
}

TEST_CASE("period terms are the same on one database and on shards, local and remote", "[period-terms][shards]") {
    const std::string corpus = DATELINE_SAMPLE_CORPUS;
    static test::TempDir dir("dateline-period-terms");
    const std::string combined = dir / "db";
    test::index_files(combined, {corpus + "/articles_en.jsonl", corpus + "/articles_fr.jsonl"});
    searcher::Searcher one(searcher::open_index({combined}));
    searcher::Searcher local(searcher::open_index({test::sample_en_db(), test::sample_fr_db()}));
    std::optional<test::TcpServer> en;
    std::optional<test::TcpServer> fr;
    std::optional<searcher::Searcher> remote;
    if (test::have_tcpsrv()) {
        en.emplace(test::sample_en_db());
        fr.emplace(test::sample_fr_db());
        remote.emplace(searcher::open_index({en->spec(), fr->spec()}));
    } else {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): remote shards not tested");
    }
    for (const std::string query : {"North Korea Russia", "élections", "sanctions"}) {
        INFO("query '" << query << "'");
        const auto a = search_terms(one, query, "2024");
        const auto b = search_terms(local, query, "2024");
        REQUIRE(a.facets);
        REQUIRE(b.facets);
        CHECK_FALSE(period_words(a.facets->years).empty());
        CHECK(period_words(b.facets->years) == period_words(a.facets->years));
        CHECK(period_words(b.facets->months) == period_words(a.facets->months));
        if (remote) {
            const auto c = search_terms(*remote, query, "2024");
            REQUIRE(c.facets);
            CHECK(period_words(c.facets->years) == period_words(a.facets->years));
            CHECK(period_words(c.facets->months) == period_words(a.facets->months));
        }
    }
}
