// Ranking: phrase and proximity, exact forms, places named in the query, recency, near-duplicate collapse.
#include "search_fixture.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace dateline;
using common::Lang;

namespace {

std::size_t rank_of(const searcher::SearchResponse& r, const std::string& id) {
    for (const auto& hit : r.hits) {
        if (hit.article.id == id) return hit.rank;
    }
    return 0;
}

searcher::SearchResponse run(searcher::Searcher& s, const std::string& query, std::size_t limit = 100) {
    searcher::SearchRequest request;
    request.query = query;
    request.limit = limit;
    request.facets = false;
    return s.search(request);
}

/// Articles about places, hand-made so that places do not depend on the extractor.
const std::string& places_db() {
    static test::TempDir dir("dateline-search-places");
    static const std::string db = [] {
        const std::string path = dir / "db";
        const std::string text = "Diplomats met on Monday. Talks about North Korea continued with envoys from several countries.";
        test::index_articles(path, {
            test::make_article("central", "Envoys meet", text, "2024-03-01", Lang::en, "test", {{"KP", "KP", 1.0}, {"RU", "RU", 0.5}}),
            test::make_article("peripheral", "Envoys meet", text, "2024-03-01", Lang::en, "test",
                               {{"FR", "FR", 1.0}, {"GB", "GB", 0.9}, {"DE", "DE", 0.8}, {"IT", "IT", 0.7}, {"KP", "KP", 0.2}}),
            test::make_article("none", "Envoys meet", text, "2024-03-01", Lang::en, "test", {{"FR", "FR", 1.0}}),
            test::make_article("fr-only", "Les émissaires se réunissent",
                               "Les diplomates se sont réunis lundi. Les discussions sur la Corée du Nord se poursuivent.",
                               "2024-03-02", Lang::fr, "test", {{"KP", "KP", 1.0}}),
        });
        return path;
    }();
    return db;
}

}  // namespace

TEST_CASE("an article with the phrase outranks one with the words scattered", "[ranking]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    const auto r = run(s, "North Korea");
    const std::size_t phrase = rank_of(r, "en-2019-kim-putin-vladivostok");
    const std::size_t scattered = rank_of(r, "en-2018-curepipe-football-new-coach");
    REQUIRE(phrase > 0);
    REQUIRE(scattered > 0);
    CHECK(phrase < scattered);
}

TEST_CASE("the exact accented form ranks first", "[ranking]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_articles(db, {
        test::make_article("plain", "Vote", "Le resultat de l'election est tombe hier soir, dit le depute.", "2024-01-01", Lang::fr),
        test::make_article("accented", "Vote", "Le résultat de l'élection est tombé hier soir, dit le député.", "2024-01-01", Lang::fr),
    });
    searcher::Searcher s(searcher::open_index({db}));
    const auto accented = run(s, "élection");
    REQUIRE(accented.hits.size() == 2);
    CHECK(accented.hits[0].article.id == "accented");
}

TEST_CASE("articles whose central place the query names rank higher, and words naming a place match it in any language",
          "[ranking][places]") {
    searcher::Searcher s(searcher::open_index({places_db()}));
    REQUIRE(s.index().places->kind() == "gazetteer");  // data/gazetteer.tsv is committed
    const auto r = run(s, "North Korea");
    REQUIRE(r.places.size() == 1);
    CHECK(r.places[0].place.id == "KP");
    const auto ids = test::hit_ids(r);
    // Same text: the article about North Korea first, then the one mentioning it among other places, then none.
    REQUIRE(ids.size() == 4);
    CHECK(rank_of(r, "central") < rank_of(r, "peripheral"));
    CHECK(rank_of(r, "peripheral") < rank_of(r, "none"));
    // The French article matches the English name through its place.
    CHECK(rank_of(r, "fr-only") > 0);
    // And the French name finds the English articles.
    const auto fr = run(s, "Corée du Nord");
    CHECK(rank_of(fr, "central") > 0);
    CHECK(rank_of(fr, "fr-only") > 0);
}

TEST_CASE("a page in date order is the same when the timeline narrows its ranking to the newest years", "[ranking][facets]") {
    // With facets the ranking may check the newest years' matches only (enough of them by the timeline);
    // without facets there is no timeline and every match is ranked: the pages must be the same, with the
    // same "similar" counts, exact or sampled, collapsed or not, on every page.
    searcher::SearchTuning sampling;
    sampling.facet_exact_limit = 12;
    for (const auto& tuning : {searcher::SearchTuning{}, sampling}) {
        searcher::Searcher s(searcher::open_index({test::sample_db()}), tuning);
        for (const std::string query : {"", "lang:en", "Korea", "date:2015..2030"}) {
            for (const bool collapse : {true, false}) {
                for (const auto& [offset, limit] : {std::pair{0, 1}, std::pair{0, 3}, std::pair{2, 5}, std::pair{7, 4}, std::pair{15, 10}}) {
                    INFO(query << " collapse " << collapse << " offset " << offset << " limit " << limit << " sampled " << tuning.facet_exact_limit);
                    searcher::SearchRequest request;
                    request.query = query;
                    request.sort = searcher::SortOrder::date;
                    request.collapse = collapse;
                    request.offset = static_cast<std::size_t>(offset);
                    request.limit = static_cast<std::size_t>(limit);
                    request.facets = true;
                    const auto narrowed = s.search(request);
                    request.facets = false;
                    const auto whole = s.search(request);
                    CHECK(test::hit_ids(narrowed) == test::hit_ids(whole));
                    std::vector<std::size_t> similar_narrowed;
                    std::vector<std::size_t> similar_whole;
                    for (const auto& h : narrowed.hits) similar_narrowed.push_back(h.similar);
                    for (const auto& h : whole.hits) similar_whole.push_back(h.similar);
                    CHECK(similar_narrowed == similar_whole);
                }
            }
        }
    }
}

TEST_CASE("sort by date, and recency blended with relevance", "[ranking][recency]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    searcher::SearchRequest request;
    request.query = "Kim Putin";
    request.facets = false;
    request.limit = 20;

    request.sort = searcher::SortOrder::date;
    const auto by_date = s.search(request);
    REQUIRE(by_date.hits.size() >= 3);
    for (std::size_t k = 1; k < by_date.hits.size(); ++k) {
        CHECK(by_date.hits[k - 1].article.date->yyyymmdd() >= by_date.hits[k].article.date->yyyymmdd());
    }

    request.sort = searcher::SortOrder::relevance;
    const auto by_relevance = s.search(request);

    // A tiny half-life: freshness decides; a huge one: relevance decides.
    request.sort = searcher::SortOrder::recent;
    request.half_life_days = 1;
    const auto fresh = s.search(request);
    CHECK(fresh.hits.front().article.date->yyyymmdd() == by_date.hits.front().article.date->yyyymmdd());
    request.half_life_days = 1e9;
    const auto relevant = s.search(request);
    CHECK(test::hit_ids(relevant) == test::hit_ids(by_relevance));

    // Ages from a reference date: from 2019-05-01, the April 2019 summit is the freshest.
    request.half_life_days = 30;
    request.reference_date = "2019-05-01";
    const auto then = s.search(request);
    CHECK(then.hits.front().article.id == "en-2019-kim-putin-vladivostok");
    // Paging after reranking: page 2 continues page 1.
    request.limit = 2;
    request.offset = 2;
    const auto page2 = s.search(request);
    REQUIRE(page2.hits.size() == 2);
    CHECK(page2.hits[0].article.id == then.hits[2].article.id);
    CHECK(page2.hits[0].rank == 3);
}

TEST_CASE("a query without words lists the newest first", "[ranking]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    searcher::SearchRequest request;
    request.lang = "fr";
    request.facets = false;
    const auto r = s.search(request);
    CHECK(r.sort == searcher::SortOrder::date);
    REQUIRE(r.hits.size() >= 2);
    CHECK(r.hits[0].article.date->yyyymmdd() >= r.hits[1].article.date->yyyymmdd());
}

TEST_CASE("near-duplicates collapse into one result with a count", "[ranking][collapse]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    // A wire story long enough to be fingerprinted, run three times under different headlines.
    const std::string body =
        "Officials signed the harbour agreement on Tuesday after long talks in the capital. The deal sets the fees "
        "that shipping companies pay for each container landed at the port, and it commits the government to "
        "dredging the channel before the next monsoon season. Dock workers' unions, who had threatened to strike, "
        "said they would study the text before giving their verdict at a meeting next week.";
    std::vector<common::Article> articles = {
        test::make_article("wire-1", "Harbour agreement signed", body, "2024-05-01", Lang::en),
        test::make_article("wire-2", "Harbour agreement signed today", body, "2024-05-01", Lang::en),
        test::make_article("wire-3", "Harbour agreement is signed", body, "2024-05-02", Lang::en),
        test::make_article("other", "Harbour agreement criticised", "Critics said the harbour agreement was rushed.", "2024-05-03",
                           Lang::en),
    };
    // Unrelated articles, so that the harbour words are distinctive.
    for (int k = 0; k < 6; ++k) {
        articles.push_back(test::make_article("filler-" + std::to_string(k), "Cricket scores", "The cricket team won its match by " +
                                              std::to_string(k + 2) + " wickets.", "2024-04-01", Lang::en));
    }
    // The three wires share their text: the indexer groups them under the first one's id.
    test::index_articles(db, std::move(articles));
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest request;
    request.query = "harbour agreement";
    request.facet_top = 20;
    const auto collapsed = s.search(request);
    CHECK(collapsed.total == 2);
    CHECK(collapsed.total_exact);
    REQUIRE(collapsed.hits.size() == 2);
    const auto& group = collapsed.hits[0].article.id.starts_with("wire") ? collapsed.hits[0] : collapsed.hits[1];
    CHECK(group.similar == 2);
    // Facets count results: the group once, as the total does.
    REQUIRE(collapsed.facets);
    REQUIRE(collapsed.facets->languages.size() == 1);
    CHECK(collapsed.facets->languages[0].count == 2);

    request.collapse = false;
    const auto all = s.search(request);
    CHECK(all.total == 4);
    CHECK(all.hits.size() == 4);
    REQUIRE(all.facets);
    REQUIRE(all.facets->languages.size() == 1);
    CHECK(all.facets->languages[0].count == 4);

    // The count after collapsing is exact both ways facets are counted: by the built-in spies (the first
    // search of a process) and from the in-memory columns (later ones).
    request.collapse = true;
    const auto again = s.search(request);
    CHECK(again.total == 2);
    CHECK(again.total_exact);
    CHECK(test::hit_ids(again) == test::hit_ids(collapsed));

    // Related articles exclude the article and its near-duplicates.
    searcher::RelatedRequest related;
    related.id = "wire-1";
    const auto rel = s.related(related);
    REQUIRE(rel);
    CHECK(test::hit_ids(*rel) == std::vector<std::string>{"other"});
    related.id = "no-such-article";
    CHECK_FALSE(s.related(related));
}

TEST_CASE("related articles of a sample article", "[related]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    searcher::RelatedRequest request;
    request.id = "en-2019-kim-putin-vladivostok";
    request.limit = 3;
    const auto r = s.related(request);
    REQUIRE(r);
    const auto ids = test::hit_ids(*r);
    CHECK(ids.size() == 3);
    CHECK(std::find(ids.begin(), ids.end(), request.id) == ids.end());
    CHECK(ids.front() == "en-2023-kim-putin-vostochny");
}

TEST_CASE("explain lists term and boost weights", "[ranking][explain]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    searcher::SearchRequest request;
    request.query = "North Korea";
    request.limit = 1;
    request.explain = true;
    const auto r = s.search(request);
    REQUIRE(r.hits.size() == 1);
    std::vector<std::string> names;
    double sum = 0;
    for (const auto& part : r.hits[0].explanation) {
        names.push_back(part.name);
        sum += part.weight;
    }
    CHECK_THAT(names, Catch::VectorContains(std::string("Zkorea")));
    CHECK_THAT(names, Catch::VectorContains(std::string("phrase")));
    CHECK(sum == Approx(r.hits[0].weight).epsilon(0.05));
}

TEST_CASE("a year among the query's words ranks the articles dated that year higher, a date filter adds no year boost", "[ranking]") {
    test::TempDir dir("dateline-search-years");
    const std::string path = dir / "db";
    const std::string text = "The budget office revised its deficit forecast, the fourth year of decline.";
    test::index_articles(path, {
        test::make_article("y2019", "Deficit forecast revised", text, "2019-08-16", Lang::en, "test", {}),
        test::make_article("y2023", "Deficit forecast revised", text, "2023-08-16", Lang::en, "test", {}),
        test::make_article("mentions-2019", "Deficit forecast revised", text + " It was lower in 2019.", "2023-08-17", Lang::en,
                           "test", {}),
    });
    searcher::Searcher s(searcher::open_index({path}));
    // The year the reader names weighs more than the word in another year's text.
    const auto r2019 = run(s, "deficit forecast 2019");
    CHECK(rank_of(r2019, "y2019") == 1);
    CHECK(rank_of(r2019, "mentions-2019") == 2);
    CHECK(rank_of(run(s, "deficit forecast 2023"), "y2023") < rank_of(run(s, "deficit forecast 2023"), "y2019"));
    // Explained as its own part, and off when its weight is 0.
    searcher::SearchRequest request;
    request.query = "deficit forecast 2019";
    request.explain = true;
    request.facets = false;
    const auto explained = s.search(request);
    REQUIRE_FALSE(explained.hits.empty());
    std::vector<std::string> names;
    for (const auto& part : explained.hits[0].explanation) names.push_back(part.name);
    CHECK_THAT(names, Catch::VectorContains(std::string("year")));
    searcher::SearchTuning off;
    off.query.year_boost = 0;
    searcher::Searcher without(searcher::open_index({path}), off);
    CHECK(rank_of(run(without, "deficit forecast 2019"), "mentions-2019") == 1);
    // date:2019 filters; it adds no boost (every article it keeps has that year).
    request.query = "deficit date:2019";
    const auto filtered = s.search(request);
    REQUIRE_FALSE(filtered.hits.empty());
    for (const auto& part : filtered.hits.front().explanation) CHECK(part.name != "year");
}

TEST_CASE("every result weighs the sum of its parts, and no phrase weight without the phrase, filtered or not", "[ranking][explain]") {
    // Xapian 1.4.22 on a glass database gave "text AND_MAYBE (phrase OR near)" the phrase's weight for an
    // article with the words near but not adjacent, after an article with "film" and only "awards"
    // (reduced from a BBC article, "film award"). The boosts are now one AND_MAYBE each.
    test::TempDir dir("dateline-search-phrase");
    const std::string db = dir / "db";
    std::string filler;
    for (int k = 0; k < 20; ++k) filler += "word" + std::to_string(k) + " ";
    test::index_articles(db, {
        test::make_article("awards", "Season", "A film about the awards season.", "2005-01-01", Lang::en),
        test::make_article("near", "Festival", "The film opened. " + filler + "The award for film direction went to her.",
                           "2005-01-02", Lang::en),
        test::make_article("phrase", "Festival", "The film award went to her.", "2005-01-03", Lang::en),
    });
    // The same with a filter outside the boosts, "(text AND_MAYBE phrase) FILTER dates": the filter is now
    // inside them. And with the rescoring window, whose article filter is one more.
    for (const std::size_t window : {0, 100}) {
    searcher::SearchTuning tuning;
    tuning.rescore_window = window;
    searcher::Searcher s(searcher::open_index({db}), tuning);
    for (const bool facets : {true, false}) {
    for (const bool filtered : {true, false}) {
        searcher::SearchRequest request;
        request.query = "film award";
        request.limit = 10;
        request.explain = true;
        request.facets = facets;
        if (filtered) {
            request.from = "2005";
            request.to = "2005";
        }
        const auto r = s.search(request);
        REQUIRE(r.hits.size() == 3);
        for (const auto& hit : r.hits) {
            double sum = 0;
            bool phrase = false;
            for (const auto& part : hit.explanation) {
                sum += part.weight;
                phrase = phrase || part.name == "phrase";
            }
            INFO(hit.article.id << " facets " << facets << " filtered " << filtered << " window " << window);
            CHECK(sum == Approx(hit.weight).epsilon(0.01));
            CHECK(phrase == (hit.article.id == "phrase"));
        }
        CHECK(r.hits.front().article.id == "phrase");
    }
    }
    }
    // In date order the phrase and proximity boosts are left out (Xapian weighs every match when it sorts by
    // date first, and they would read every match's positions): newest first, each weighing its parts.
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest request;
    request.query = "film award";
    request.sort = searcher::SortOrder::date;
    request.explain = true;
    const auto r = s.search(request);
    CHECK(test::hit_ids(r) == std::vector<std::string>{"phrase", "near", "awards"});
    CHECK(r.query_description.find("PHRASE") == std::string::npos);
    for (const auto& hit : r.hits) {
        double sum = 0;
        for (const auto& part : hit.explanation) {
            sum += part.weight;
            CHECK(part.name != "phrase");
            CHECK(part.name != "proximity");
        }
        INFO(hit.article.id);
        CHECK(sum == Approx(hit.weight).epsilon(0.01));
    }
}

TEST_CASE("an article matching both readings is explained by both: its parts add up", "[ranking][explain]") {
    // "président" is Zpresid in the English reading and Zpresident in the French one. A French article with
    // "présider" (Zpresid) and "présidente" (Zpresident) matches both readings; their OR weighs it as their
    // sum, "macron" twice. The explanation listed each term once and fell short of the score (seen on the
    // archive: "élection président Macron", a score 5.2 above the sum of its parts).
    test::TempDir dir("dateline-search-readings");
    const std::string db = dir / "db";
    std::vector<common::Article> articles = {
        test::make_article("both", "Conseil", "La présidente va présider le conseil. Macron était absent.", "2020-01-01", Lang::fr),
        test::make_article("one", "Élysée", "Le président a parlé. Macron répond.", "2020-01-02", Lang::fr),
    };
    for (int k = 0; k < 20; ++k) {  // articles without the words, so that the words stay rare
        articles.push_back(test::make_article("other" + std::to_string(k), "Météo", "Il pleut sur la ville, jour " + std::to_string(k) + ".",
                                              "2020-01-03", Lang::fr));
    }
    test::index_articles(db, articles);
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest request;
    request.query = "président macron";
    request.explain = true;
    const auto r = s.search(request);
    REQUIRE(r.hits.size() == 2);
    for (const auto& hit : r.hits) {
        double sum = 0;
        for (const auto& part : hit.explanation) sum += part.weight;
        INFO(hit.article.id);
        CHECK(sum == Approx(hit.weight).epsilon(0.01));
    }
}

TEST_CASE("sample corpus: place words and filters work across languages", "[ranking][places]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    REQUIRE(s.index().places->kind() == "gazetteer");  // data/gazetteer.tsv is committed
    // "North Korea Russia" finds the French story of the Vostochny meeting, after the English ones.
    const auto en = run(s, "North Korea Russia");
    const std::size_t french = rank_of(en, "fr-2023-vostotchny-kim-poutine");
    CHECK(french > 0);
    CHECK(rank_of(en, "en-2023-kim-putin-vostochny") < french);
    // "Russie" finds English articles about Russia.
    CHECK(rank_of(run(s, "Russie"), "en-2019-kim-putin-vladivostok") > 0);
    // The same filter, whatever the language of the name.
    searcher::SearchRequest request;
    request.facets = false;
    request.limit = 100;
    request.query = "place:\"North Korea\"";
    const auto by_en = test::hit_ids(s.search(request));
    request.query = "lieu:\"Corée du Nord\"";
    const auto by_fr = test::hit_ids(s.search(request));
    request.query = "";
    request.places = {"KP"};
    const auto by_code = test::hit_ids(s.search(request));
    CHECK_FALSE(by_en.empty());
    CHECK(by_fr == by_en);
    CHECK(by_code == by_en);
}

TEST_CASE("rescoring window: phrase boosts weigh the best candidates, and inside the window the full ranking", "[ranking]") {
    // "film" and "award" apart in short articles, the phrase in a longer one: the words alone rank the
    // short ones first, the phrase boost lifts the longer one above them.
    test::TempDir dir("dateline-search-window");
    const std::string db = dir / "db";
    std::string filler;
    for (int k = 0; k < 4; ++k) filler += "word" + std::to_string(k) + " ";
    std::vector<common::Article> articles;
    for (int k = 0; k < 9; ++k) {
        articles.push_back(test::make_article("apart" + std::to_string(k), "Cinema",
                                              "A film, then an award.",
                                              "2005-01-0" + std::to_string(k + 1), Lang::en));
    }
    articles.push_back(test::make_article("phrase", "Festival", filler + "The film award went to her. " + filler, "2005-02-01", Lang::en));
    test::add_filler_articles(articles, 40, "2005-03-01");  // articles without the words, so that the words stay rare
    test::index_articles(db, articles);

    auto ranked_on = [](const std::vector<std::string>& shards, std::size_t window, std::size_t limit) {
        searcher::SearchTuning tuning;
        tuning.rescore_window = window;
        // A phrase boost strong enough to lift the longer article over the short ones (the default, 0.3,
        // is tuned on judged collections; this test is about the window, not the weight).
        tuning.query.phrase_boost = 1.0;
        tuning.query.proximity_boost = 0.5;
        searcher::Searcher s(searcher::open_index(shards), tuning);
        searcher::SearchRequest request;
        request.query = "film award";
        request.limit = limit;
        return s.search(request);
    };
    auto ranked = [&](std::size_t window, std::size_t limit) { return ranked_on({db}, window, limit); };
    const auto every = ranked(0, 10);  // boosts weigh every match
    REQUIRE(every.hits.size() == 10);
    CHECK(every.hits.front().article.id == "phrase");
    // A window holding every match ranks exactly as without one: same articles, order and weights.
    const auto wide = ranked(100, 10);
    REQUIRE(wide.hits.size() == every.hits.size());
    CHECK(wide.total == every.total);
    for (std::size_t k = 0; k < wide.hits.size(); ++k) {
        CHECK(wide.hits[k].article.id == every.hits[k].article.id);
        CHECK(wide.hits[k].weight == Approx(every.hits[k].weight));
    }
    // A window of 2 holds the two best by the words alone: the phrase article is not among them.
    const auto narrow = ranked(2, 2);
    REQUIRE(narrow.hits.size() == 2);
    CHECK(narrow.total == 10);
    for (const auto& hit : narrow.hits) CHECK(hit.article.id != "phrase");
    // A window of 3 is not used for 10 matches (no more than 4 windows' worth): the boosts weigh them all.
    CHECK(ranked(3, 3).hits.front().article.id == "phrase");
    // A page past the window is ranked without one.
    const auto deep = ranked(2, 5);
    REQUIRE(deep.hits.size() == 5);
    CHECK(deep.hits.front().article.id == "phrase");

    // The same on two remote shards: the window's id terms are a filter xapian-tcpsrv runs.
    if (!test::have_tcpsrv()) {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): the window on remote shards is not tested");
        return;
    }
    std::vector<common::Article> halves[2];
    for (std::size_t k = 0; k < articles.size(); ++k) halves[k % 2].push_back(articles[k]);
    test::index_articles(dir / "a", halves[0]);
    test::index_articles(dir / "b", halves[1]);
    const test::TcpServer a(dir / "a");
    const test::TcpServer b(dir / "b");
    const auto remote_narrow = ranked_on({a.spec(), b.spec()}, 2, 2);
    REQUIRE(remote_narrow.hits.size() == 2);
    CHECK(remote_narrow.total == 10);
    for (const auto& hit : remote_narrow.hits) CHECK(hit.article.id != "phrase");
    const auto remote_wide = ranked_on({a.spec(), b.spec()}, 100, 10);
    REQUIRE(remote_wide.hits.size() == every.hits.size());
    CHECK(remote_wide.hits.front().article.id == "phrase");
    for (std::size_t k = 0; k < remote_wide.hits.size(); ++k) CHECK(remote_wide.hits[k].weight == Approx(every.hits[k].weight));
}

TEST_CASE("the place boost weighs the same from the place rank terms as from the place slots", "[ranking][places]") {
    // The sample index carries rank terms; a copy without the metadata that says so is searched through
    // the place slots, as an index written before them is.
    const std::string& db = test::sample_db();
    {
        const Xapian::Database index(db);
        CHECK(index.get_metadata(std::string(common::schema::k_meta_place_ranks)) == "1");
        // Every place in a slot has its rank term.
        std::size_t checked = 0;
        for (auto it = index.postlist_begin(""); it != index.postlist_end(""); ++it) {
            const Xapian::Document doc = index.get_document(*it);
            for (std::size_t k = 0; k < common::schema::k_place_slot_count; ++k) {
                const std::string id = doc.get_value(common::schema::k_slot_place_first + static_cast<Xapian::valueno>(k));
                if (id.empty()) continue;
                auto term = doc.termlist_begin();
                term.skip_to(common::schema::place_rank_term(k, id));
                CHECK((term != doc.termlist_end() && *term == common::schema::place_rank_term(k, id)));
                ++checked;
            }
        }
        CHECK(checked > 20);
    }
    test::TempDir dir("dateline-search-slots");
    const std::string slots_db = dir / "db";
    std::filesystem::copy(db, slots_db, std::filesystem::copy_options::recursive);
    {
        Xapian::WritableDatabase w(slots_db);
        w.set_metadata(std::string(common::schema::k_meta_place_ranks), "");
        w.commit();
    }
    searcher::Searcher by_terms(searcher::open_index({db}));
    searcher::Searcher by_slots(searcher::open_index({slots_db}));
    CHECK(by_terms.index().place_rank_terms);
    CHECK_FALSE(by_slots.index().place_rank_terms);
    std::size_t boosted = 0;
    for (const std::string query : {"North Korea Russia", "Corée du Nord", "Port Louis harbour strike", "Maurice cyclone",
                                    "Mauritius", "Russie", "sommet Vladivostok"}) {
        const auto a = run(by_terms, query, 20);
        const auto b = run(by_slots, query, 20);
        INFO(query);
        // The first rank's term ("XR0KP"); the slots' sources never use them (the head's constant is a
        // FixedWeightPostingSource too: not a sign of the rank terms).
        const std::string first_rank = std::string(common::schema::k_prefix_place_rank) + "0";
        if (a.query_description.find(first_rank) != std::string::npos) ++boosted;
        CHECK(b.query_description.find(first_rank) == std::string::npos);
        REQUIRE(a.hits.size() == b.hits.size());
        for (std::size_t k = 0; k < a.hits.size(); ++k) {
            CHECK(a.hits[k].article.id == b.hits[k].article.id);
            CHECK(a.hits[k].weight == Approx(b.hits[k].weight));
        }
    }
    if (by_terms.index().places->kind() == "gazetteer") CHECK(boosted >= 5);
}

TEST_CASE("sample corpus: the rescoring window changes no first page", "[ranking]") {
    auto search = [](std::size_t window, const std::string& query, bool collapse) {
        searcher::SearchTuning tuning;
        tuning.rescore_window = window;
        searcher::Searcher s(searcher::open_index({test::sample_db()}), tuning);
        searcher::SearchRequest request;
        request.query = query;
        request.limit = 10;
        request.collapse = collapse;
        return s.search(request);
    };
    for (const std::string query : {"North Korea Russia", "Corée du Nord", "Port Louis harbour strike", "sommet Vladivostok",
                                    "\"cyclone warning\" Mauritius", "élection présidentielle"}) {
        for (const bool collapse : {true, false}) {
            const auto every = search(0, query, collapse);
            const auto window = search(100, query, collapse);
            INFO(query << " collapse " << collapse);
            CHECK(window.total == every.total);
            REQUIRE(window.hits.size() == every.hits.size());
            for (std::size_t k = 0; k < window.hits.size(); ++k) {
                CHECK(window.hits[k].article.id == every.hits[k].article.id);
                CHECK(window.hits[k].weight == Approx(every.hits[k].weight));
                CHECK(window.hits[k].similar == every.hits[k].similar);
            }
        }
    }
}

TEST_CASE("weighting schemes by name, with clear errors", "[ranking]") {
    const std::pair<const char*, const char*> good[] = {
        {"bm25", "BM25Weight"}, {"bm25 1.2 0.75", "BM25Weight"}, {"bm25+ 1 0.5 1", "BM25PlusWeight"}, {"pl2 1", "PL2Weight"},
        {"pl2+", "PL2PlusWeight"}, {"inl2 2", "InL2Weight"}, {"ifb2", "IfB2Weight"}, {"ineb2", "IneB2Weight"},
        {"bb2", "BB2Weight"}, {"dlh", "DLHWeight"}, {"dph", "DPHWeight"}, {"lm 1000", "LMWeight"}, {"tfidf", "TfIdfWeight"},
        {"trad 1", "TradWeight"}, {"  bm25   1.2  ", "BM25Weight"},
    };
    for (const auto& [spec, cls] : good) {
        INFO(spec);
        CHECK_THAT(searcher::make_weight(spec)->name(), Catch::Contains(cls));
    }
    const std::pair<const char*, const char*> bad[] = {
        {"bm99", "unknown weighting scheme 'bm99'; expected one of: bm25, bm25+, tfidf, trad, pl2, pl2+, inl2, ifb2, ineb2, bb2, dlh, dph, lm"},
        {"", "empty weighting scheme; expected a name such as bm25, then its parameters"},
        {"bm25 x", "bad parameter 'x' in weighting scheme 'bm25 x'; expected a number at least 0"},
        {"bm25 -1", "bad parameter '-1' in weighting scheme 'bm25 -1'; expected a number at least 0"},
        {"dph 1", "weighting scheme 'dph' takes at most 0 parameter(s); got 'dph 1'"},
    };
    for (const auto& [spec, message] : bad) {
        INFO(spec);
        CHECK_THROWS_WITH(searcher::make_weight(spec), message);
        CHECK_THROWS_AS(searcher::make_weight(spec), common::UsageError);
    }
    // A Searcher refuses a bad scheme when it is made, not at its first search.
    searcher::SearchTuning tuning;
    tuning.weighting = "bm99";
    CHECK_THROWS_AS(searcher::Searcher(searcher::open_index({test::sample_db()}), tuning), common::UsageError);
}
