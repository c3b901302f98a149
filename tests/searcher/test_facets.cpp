// Facets: counts checked against a brute-force count over every document of the index.
#include "search_fixture.hpp"

#include "common/schema.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace dateline;
using common::Lang;
namespace schema = common::schema;

namespace {

using Counts = std::map<std::string, std::size_t>;

/// Brute force: every document that matches `query` (no collapse, no limit), its values counted.
struct BruteForce {
    Counts years, months, days, langs, sources, places, countries;
    std::size_t matches = 0;
    std::size_t undated = 0;
};

BruteForce brute_force(const Xapian::Database& db, const Xapian::Query& query) {
    BruteForce out;
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const Xapian::Document doc = it.get_document();
        ++out.matches;
        auto count = [&](Counts& c, Xapian::valueno slot) {
            const std::string v = doc.get_value(slot);
            if (!v.empty()) ++c[v];
            return !v.empty();
        };
        if (!count(out.years, schema::k_slot_year)) ++out.undated;
        count(out.months, schema::k_slot_month);
        count(out.days, schema::k_slot_day);
        count(out.langs, schema::k_slot_lang);
        count(out.sources, schema::k_slot_source);
        for (std::size_t k = 0; k < schema::k_place_slot_count; ++k) count(out.places, schema::k_slot_place_first + static_cast<Xapian::valueno>(k));
        for (std::size_t k = 0; k < schema::k_country_slot_count; ++k) {
            count(out.countries, schema::k_slot_country_first + static_cast<Xapian::valueno>(k));
        }
    }
    return out;
}

/// Facet counts as a map, zero counts left out (the histograms list empty years too).
Counts as_map(const std::vector<searcher::FacetCount>& counts) {
    Counts out;
    for (const auto& c : counts) {
        if (c.count > 0) out[c.value] = c.count;
    }
    return out;
}

/// The most frequent `n` of a brute-force count must be the facet's values (ties may pick either).
void check_top(const Counts& brute, const std::vector<searcher::FacetCount>& facet, std::size_t n) {
    CHECK(facet.size() == std::min(n, brute.size()));
    for (const auto& f : facet) {
        INFO("value " << f.value);
        REQUIRE(brute.count(f.value) == 1);
        CHECK(brute.at(f.value) == f.count);
    }
    if (!facet.empty()) {
        for (const auto& [value, count] : brute) {
            bool listed = false;
            for (const auto& f : facet) listed = listed || f.value == value;
            if (!listed) CHECK(count <= facet.back().count);
        }
    }
}

const std::string& places_db() {
    static test::TempDir dir("dateline-search-facets");
    static const std::string db = [] {
        const std::string path = dir / "db";
        std::vector<common::Article> articles;
        const std::vector<std::vector<common::ArticlePlaceRef>> place_sets = {
            {{"KP", "KP", 1}, {"RU", "RU", 0.5}},
            {{"gn2013348", "RU", 1}, {"RU", "RU", 0.8}, {"KP", "KP", 0.4}},
            {{"RU", "RU", 1}},
            {{"MU", "MU", 1}, {"gn934154", "MU", 0.9}},
            {},
        };
        for (int k = 0; k < 40; ++k) {
            const bool fr = k % 3 == 0;
            articles.push_back(test::make_article(
                "a" + std::to_string(k), fr ? "Sommet numéro " + std::to_string(k) : "Summit number " + std::to_string(k),
                fr ? "Le sommet s'est tenu hier." : "The summit was held yesterday.",
                k % 7 == 6 ? "" : std::to_string(2015 + k % 5) + "-0" + std::to_string(1 + k % 9) + "-1" + std::to_string(k % 10),
                fr ? Lang::fr : Lang::en, k % 2 ? "wire" : "island", place_sets[static_cast<std::size_t>(k) % place_sets.size()]));
        }
        test::index_articles(path, std::move(articles));
        return path;
    }();
    return db;
}

}  // namespace

TEST_CASE("facet counts equal a brute-force count over all documents", "[facets]") {
    // Both counting paths: in-memory columns (local shards) and Xapian's spies (as on remote shards).
    for (const bool columns : {true, false}) {
    for (const auto* db : {&test::sample_db(), &places_db()}) {
        searcher::SearchTuning tuning;
        tuning.facet_columns = columns;
        searcher::Searcher s(searcher::open_index({*db}), tuning);
        for (const std::string query : {"", "summit", "Kim", "sommet OR summit", "lang:fr", "Corée du Nord"}) {
            INFO("db " << *db << " query '" << query << "'");
            searcher::SearchRequest request;
            request.query = query;
            request.collapse = false;
            request.facet_top = 5;
            const auto r = s.search(request);
            REQUIRE(r.facets);
            // The facets count the head (every word) when the query has one and it is not empty.
            auto built = s.build_query(request);
            if (s.has_head(built) && r.match == searcher::MatchMode::all_words) built.text = built.all_words;
            const BruteForce brute = brute_force(s.index().database, built.full());
            CHECK(r.total_exact);
            CHECK(r.facets_exact);
            CHECK(r.total == brute.matches);
            CHECK(as_map(r.facets->years) == brute.years);
            CHECK(r.facets->undated == brute.undated);
            check_top(brute.langs, r.facets->languages, 10);
            check_top(brute.sources, r.facets->sources, 5);
            check_top(brute.places, r.facets->places, 5);
            check_top(brute.countries, r.facets->countries, 5);
        }
    }
    }
}

TEST_CASE("columns are built from the second request and rebuilt after a commit", "[facets]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_articles(db, {test::make_article("a", "Summit", "Leaders met.", "2020-01-01", Lang::en, "test", {{"KP", "KP", 1}})});
    const searcher::OpenIndex index = searcher::open_index({db});
    CHECK_FALSE(searcher::facet_columns(index));  // a one-shot command does not pay for them
    const auto columns = searcher::facet_columns(index);
    REQUIRE(columns);
    CHECK(searcher::facet_columns(index) == columns);
    test::index_articles(db, {test::make_article("b", "Summit", "Leaders met again.", "2021-01-01", Lang::fr, "test", {{"RU", "RU", 1}})});
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest request;
    request.query = "summit";
    for (int k = 0; k < 2; ++k) {
        const auto r = s.search(request);
        REQUIRE(r.facets);
        CHECK(as_map(r.facets->years) == Counts{{"2020", 1}, {"2021", 1}});
        CHECK(as_map(r.facets->places) == Counts{{"KP", 1}, {"RU", 1}});
    }
    CHECK(searcher::facet_columns(s.index()) != columns);
}

TEST_CASE("years list the empty years between the first and the last", "[facets]") {
    searcher::Searcher s(searcher::open_index({places_db()}));
    searcher::SearchRequest request;
    request.query = "summit";
    const auto r = s.search(request);
    REQUIRE(r.facets);
    std::vector<std::string> years;
    for (const auto& y : r.facets->years) years.push_back(y.value);
    CHECK(years == std::vector<std::string>{"2015", "2016", "2017", "2018", "2019"});
}

TEST_CASE("drill down: months of a year, days of a month", "[facets]") {
    searcher::Searcher s(searcher::open_index({places_db()}));
    searcher::SearchRequest request;
    request.facet_year = "2016";
    request.facet_month = "2016-02";
    const auto r = s.search(request);
    REQUIRE(r.facets);
    REQUIRE(r.facets->months.size() == 12);
    CHECK(r.facets->months.front().value == "2016-01");
    REQUIRE(r.facets->days.size() == 29);  // a leap year
    CHECK(r.facets->days.back().value == "2016-02-29");
    const BruteForce brute = brute_force(s.index().database, Xapian::Query::MatchAll);
    Counts months_2016;
    for (const auto& [m, c] : brute.months) {
        if (m.starts_with("2016-")) months_2016[m] = c;
    }
    CHECK(as_map(r.facets->months) == months_2016);
    Counts days;
    for (const auto& [d, c] : brute.days) {
        if (d.starts_with("2016-02-")) days[d] = c;
    }
    CHECK(as_map(r.facets->days) == days);

    // A date filter within one year counts its months without asking.
    searcher::SearchRequest within;
    within.from = "2017-01";
    within.to = "2017-12";
    const auto w = s.search(within);
    REQUIRE(w.facets);
    CHECK(w.facets->months.size() == 12);

    searcher::SearchRequest bad;
    bad.facet_year = "24";
    CHECK_THROWS_WITH(s.search(bad), "bad facet year '24'; expected YYYY");
    bad.facet_year.clear();
    bad.facet_month = "2024-13";
    CHECK_THROWS_WITH(s.search(bad), "bad facet month '2024-13'; expected YYYY-MM");
}

TEST_CASE("place facets sum the place slots and carry labels", "[facets][places]") {
    searcher::Searcher s(searcher::open_index({places_db()}));
    searcher::SearchRequest request;
    request.ui_lang = Lang::fr;
    const auto r = s.search(request);
    REQUIRE(r.facets);
    REQUIRE_FALSE(r.facets->places.empty());
    // RU is a place of 3 of every 5 articles (24 of 40), KP of 2 of 5 (16), Vladivostok of 1 of 5 (8).
    CHECK(r.facets->places[0].value == "RU");
    CHECK(r.facets->places[0].count == 24);
    Counts countries = as_map(r.facets->countries);
    CHECK(countries["RU"] == 24);
    CHECK(countries["KP"] == 16);
    CHECK(countries["MU"] == 8);
    if (s.index().places->kind() == "gazetteer") {
        CHECK(r.facets->places[0].label == "Russie");
    } else {
        CHECK(r.facets->places[0].label == "RU");
    }
}

TEST_CASE("without facets the total is an estimate that says so", "[facets]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    searcher::SearchRequest request;
    request.query = "Kim";
    request.facets = false;
    request.limit = 1;
    const auto r = s.search(request);
    CHECK_FALSE(r.facets);
    CHECK(r.total > 0);
    request.facets = true;
    const auto exact = s.search(request);
    CHECK(exact.total_exact);
}
