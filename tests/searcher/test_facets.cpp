// Facets: counts checked against a brute-force count over every document of the index, and against the totals
// of the searches filtered on each value (a near-duplicate group counts once, on one database and on shards).
#include "search_fixture.hpp"

#include "common/schema.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace dateline;
using common::Lang;
namespace schema = common::schema;

namespace {

using Counts = std::map<std::string, std::size_t>;

struct BruteForce {
    Counts years, months, days, langs, sources, places, countries;
    std::size_t matches = 0;
    std::size_t undated = 0;
};

/// Brute force: every document that matches `query` (no limit), its values counted per article, or with
/// `collapsed` per group of near-duplicates (a collapse key, or an article without one) once for each value
/// any of its articles has; `matches` counts the articles, or the groups.
BruteForce brute_force(const Xapian::Database& db, const Xapian::Query& query, bool collapsed = false) {
    BruteForce out;
    std::set<std::string> groups;
    std::map<std::string, std::set<std::string>> counted;  // "facet:value" → the groups it counted
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const Xapian::Document doc = it.get_document();
        std::string group = collapsed ? doc.get_value(schema::k_slot_collapse) : std::string();
        if (group.empty()) group = "#" + std::to_string(*it);
        if (groups.insert(group).second) ++out.matches;
        auto count = [&](Counts& c, const char* facet, Xapian::valueno slot) {
            std::string v = doc.get_value(slot);
            // Sources count by id (the slot also holds the label).
            if (slot == schema::k_slot_source && !v.empty()) v = schema::parse_source_value(v).id;
            if (!v.empty() && counted[facet + (":" + v)].insert(group).second) ++c[v];
            return !v.empty();
        };
        if (!count(out.years, "year", schema::k_slot_year) && counted["undated"].insert(group).second) ++out.undated;
        count(out.months, "month", schema::k_slot_month);
        count(out.days, "day", schema::k_slot_day);
        count(out.langs, "lang", schema::k_slot_lang);
        count(out.sources, "source", schema::k_slot_source);
        for (std::size_t k = 0; k < schema::k_place_slot_count; ++k) {
            count(out.places, "place", schema::k_slot_place_first + static_cast<Xapian::valueno>(k));
        }
        for (std::size_t k = 0; k < schema::k_country_slot_count; ++k) {
            count(out.countries, "country", schema::k_slot_country_first + static_cast<Xapian::valueno>(k));
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

/// Two near-duplicate groups whose articles differ in language, date, source and places, articles of
/// their own, and unrelated ones: in one database, and in two shards that each hold one of the groups
/// (the indexer groups near-duplicates within a database). Every article with a place in a country also
/// lists the country, so that filtering on a country (its country term) finds what its place facet counts.
struct GroupedArchive {
    std::string combined;
    std::string first;
    std::string second;
};

const GroupedArchive& grouped_archive() {
    static test::TempDir dir("dateline-search-facet-groups");
    static const GroupedArchive archive = [] {
        // Two stories long enough to be fingerprinted: the indexer groups the articles that share one.
        const std::string wire = "Officials from both countries met at the summit on Tuesday. After long talks in the capital they agreed "
                                 "on the fees that shipping companies pay for each container landed at the port; the governments will also "
                                 "dredge the channel, and the dock workers' unions will study the text and give their verdict next week.";
        const std::string rail = "The summit ended with a promise to rebuild the railway line that crosses the border north of the river. "
                                 "Engineers will survey the bridges this summer, freight trains could run again within two years, and the "
                                 "cost will be shared between the two governments and a regional bank that approved a first loan.";
        // The first shard: one group, spanning two languages, two years and undated, two sources and places.
        std::vector<common::Article> first = {
            test::make_article("wire-1", "Summit agreement signed", wire, "2023-05-02", Lang::en, "wire", {{"KP", "KP", 1}, {"RU", "RU", 0.5}}),
            test::make_article("wire-2", "Summit agreement: the port deal", wire, "2024-05-03", Lang::fr, "agence", {{"RU", "RU", 1}}),
            test::make_article("wire-3", "Summit agreement signed in the capital", wire, "", Lang::en, "wire",
                               {{"gn2013348", "RU", 1}, {"RU", "RU", 0.6}}),
            test::make_article("hanoi", "Summit in Hanoi", "The summit in Hanoi ended early.", "2024-05-03", Lang::en, "wire",
                               {{"VN", "VN", 1}, {"KP", "KP", 0.5}}),
            test::make_article("undated", "Summit notes", "Notes from the summit and the port.", "", Lang::en, "island"),
            test::make_article("cricket-1", "Cricket scores", "The cricket team won its match by six wickets.", "2024-04-01", Lang::en),
        };
        // The second: the other group (two months, two sources), an article of its own in French.
        std::vector<common::Article> second = {
            test::make_article("rail-1", "Railway deal at the summit", rail, "2024-05-03", Lang::en, "island", {{"KP", "KP", 1}}),
            test::make_article("rail-2", "Summit: railway to be rebuilt", rail, "2024-06-01", Lang::en, "wire", {{"KP", "KP", 1}, {"CN", "CN", 0.5}}),
            test::make_article("moscou", "Sommet à Moscou", "Le sommet (summit) s'est tenu à Moscou, près du port.", "2023-05-02", Lang::fr, "agence",
                               {{"RU", "RU", 1}, {"gn524901", "RU", 0.9}}),
            test::make_article("cricket-2", "Cricket scores", "The cricket team lost its match by two runs.", "2024-04-02", Lang::en),
        };
        GroupedArchive out{dir / "combined", dir / "first", dir / "second"};
        std::vector<common::Article> all = first;
        all.insert(all.end(), second.begin(), second.end());
        test::index_articles(out.combined, std::move(all));
        test::index_articles(out.first, std::move(first));
        test::index_articles(out.second, std::move(second));
        return out;
    }();
    return archive;
}

/// The total of `request` filtered on `value` of the facet `facet` (years, months, days: a date range).
std::size_t filtered_total(searcher::Searcher& s, searcher::SearchRequest request, std::string_view facet, const std::string& value) {
    if (facet == "years" || facet == "months" || facet == "days") {
        request.from = value;
        request.to = value;
    } else if (facet == "languages") {
        request.lang = value;
    } else if (facet == "sources") {
        request.source = value;
    } else {
        request.places = {value};
    }
    request.facet_year.clear();
    request.facet_month.clear();
    const auto r = s.search(request);
    CHECK(r.total_exact);
    return r.total;
}

/// With collapsing, every facet value of every query counts what the brute force counts (a group once per
/// value any of its matching articles has), never more than the total, and exactly what the search
/// filtered on that value finds.
void check_groups_count_once(searcher::Searcher& s) {
    // Both groups really are groups: their articles share a collapse key (of 10 articles, 3 + 2 in groups).
    searcher::SearchRequest probe;
    probe.limit = 0;
    const auto everything = s.search(probe);
    REQUIRE(everything.facets);
    REQUIRE(everything.facets->counted == 10);
    REQUIRE(everything.facets->collapsed == 7);
    for (const std::string query : {"", "summit", "agreement", "port", "railway OR agreement"}) {
        INFO("query '" << query << "'");
        searcher::SearchRequest request;
        request.query = query;
        request.limit = 0;
        request.facet_top = 20;
        request.facet_year = "2024";
        request.facet_month = "2024-05";
        const auto r = s.search(request);
        REQUIRE(r.facets);
        CHECK(r.total_exact);
        auto built = s.build_query(request);
        if (s.has_head(built) && r.match == searcher::MatchMode::all_words) built.text = built.all_words;
        const BruteForce brute = brute_force(s.index().database, built.full(), true);
        CHECK(r.total == brute.matches);
        CHECK(r.facets->collapsed == brute.matches);
        CHECK(as_map(r.facets->years) == brute.years);
        CHECK(r.facets->undated == brute.undated);
        Counts months_2024;
        Counts days_2024_05;
        for (const auto& [m, c] : brute.months) {
            if (m.starts_with("2024-")) months_2024[m] = c;
        }
        for (const auto& [d, c] : brute.days) {
            if (d.starts_with("2024-05-")) days_2024_05[d] = c;
        }
        CHECK(as_map(r.facets->months) == months_2024);
        CHECK(as_map(r.facets->days) == days_2024_05);
        CHECK(as_map(r.facets->languages) == brute.langs);
        CHECK(as_map(r.facets->sources) == brute.sources);
        CHECK(as_map(r.facets->places) == brute.places);
        CHECK(as_map(r.facets->countries) == brute.countries);
        CHECK(r.facets->undated <= r.total);
        const std::vector<std::tuple<std::string_view, const std::vector<searcher::FacetCount>*>> listed = {
            {"years", &r.facets->years},       {"months", &r.facets->months},       {"days", &r.facets->days},
            {"languages", &r.facets->languages}, {"sources", &r.facets->sources}, {"places", &r.facets->places},
            {"countries", &r.facets->countries}};
        for (const auto& [facet, counts] : listed) {
            for (const auto& c : *counts) {
                if (c.count == 0) continue;
                INFO(facet << " " << c.value << ": " << c.count << " of " << r.total);
                CHECK(c.count <= r.total);
                CHECK(filtered_total(s, request, facet, c.value) == c.count);
            }
        }
    }
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

TEST_CASE("a near-duplicate group counts once per value, as the search filtered on it", "[facets][collapse]") {
    const GroupedArchive& archive = grouped_archive();
    for (const bool columns : {true, false}) {
        INFO("one database, columns " << columns);
        searcher::SearchTuning tuning;
        tuning.facet_columns = columns;
        searcher::Searcher s(searcher::open_index({archive.combined}), tuning);
        if (columns) {
            // Columns serve from the second request of a process on.
            searcher::facet_columns(s.index());
            REQUIRE(searcher::facet_columns(s.index()));
        }
        check_groups_count_once(s);
    }
    // Two shards, each with one group: local, remote (xapian-tcpsrv, built-in spies only), and one of each.
    std::vector<std::vector<std::string>> shard_sets = {{archive.first, archive.second}};
    std::optional<test::TcpServer> first;
    std::optional<test::TcpServer> second;
    if (test::have_tcpsrv()) {
        first.emplace(archive.first);
        second.emplace(archive.second);
        shard_sets.push_back({first->spec(), second->spec()});
        shard_sets.push_back({archive.first, second->spec()});
    } else {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): remote shards not tested");
    }
    for (const auto& shards : shard_sets) {
        INFO("shards " << shards[0] << " and " << shards[1]);
        searcher::Searcher s(searcher::open_index(shards));
        check_groups_count_once(s);
    }
}

TEST_CASE("a group counts once with collapsing, each of its articles without", "[facets][collapse]") {
    // "agreement": the three articles of one group (en 2023, fr 2024, en undated).
    struct Row {
        bool collapse;
        std::size_t total;
        Counts languages, countries, years;
        std::size_t undated;
    };
    const std::vector<Row> rows = {
        {false, 3, {{"en", 2}, {"fr", 1}}, {{"KP", 1}, {"RU", 3}}, {{"2023", 1}, {"2024", 1}}, 1},
        {true, 1, {{"en", 1}, {"fr", 1}}, {{"KP", 1}, {"RU", 1}}, {{"2023", 1}, {"2024", 1}}, 1},
    };
    searcher::Searcher s(searcher::open_index({grouped_archive().combined}));
    for (const Row& row : rows) {
        INFO("collapse " << row.collapse);
        searcher::SearchRequest request;
        request.query = "agreement";
        request.collapse = row.collapse;
        const auto r = s.search(request);
        REQUIRE(r.facets);
        CHECK(r.total == row.total);
        CHECK(as_map(r.facets->languages) == row.languages);
        CHECK(as_map(r.facets->countries) == row.countries);
        CHECK(as_map(r.facets->years) == row.years);
        CHECK(r.facets->undated == row.undated);
    }
}
