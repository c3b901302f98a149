// Query building: the query syntax on the shared analysis (input → Xapian query description), filters,
// relaxation, and hostile input.
#include "search_fixture.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace dateline;
using common::Lang;

namespace {

using test::sample_searcher;

searcher::BuiltQuery build(const std::string& text) { return test::sample_query(text); }

/// What the head of the list requires: every plain word (the query itself when it has one word).
std::string head_of(const std::string& text) {
    const searcher::BuiltQuery b = build(text);
    return (b.all_words.empty() ? b.text : b.all_words).get_description();
}

struct Row {
    const char* input;
    const char* expected;
};

}  // namespace

TEST_CASE("query text → Xapian query", "[query]") {
    // The English and the French reading are OR-ed when they differ; words naming a place also match
    // the place's term (weight 0), so that "North Korea" finds "la Corée du Nord".
    const Row rows[] = {
        // English and French stems differ: either matches.
        {"summit", "Query((Zsummit@1 OR Zsumm@1))"},
        {"Summits", "Query(Zsummit@1)"},
        {"kim", "Query(Zkim@1)"},
        {"élections", "Query(Zelect@1)"},
        {"elections", "Query(Zelect@1)"},
        {"l'armée", "Query(Zarme@1)"},
        // Words naming a place also match articles about it, whatever their language (its term, weighing
        // nothing), and the place's names in either language as one synonym; a name only as typed ("U.S.")
        // and the words of a place with no other name ("Ukraine") stand for themselves.
        {"d’Ukraine", "Query((Zukraine@1 OR 0 * XCUA))"},
        {"Russia's", "Query((Zrussia@1 OR ((federation PHRASE 3 de PHRASE 3 russie) SYNONYM Zrussia SYNONYM (russian PHRASE 2 "
                     "federation) SYNONYM Zrussie) OR 0 * XCRU))"},
        {"U.S.", "Query((Zus@1 OR ((etats PHRASE 2 unis) SYNONYM (united PHRASE 2 states) SYNONYM (united PHRASE 4 states "
                 "PHRASE 4 of PHRASE 4 america) SYNONYM (etats PHRASE 3 unis PHRASE 3 amerique)) OR 0 * XCUS))"},
        {"\"north korea\"", "Query((north@1 PHRASE 2 korea@2))"},
        {"\"Corée du Nord\"", "Query((coree@1 PHRASE 3 du@2 PHRASE 3 nord@3))"},
        // With every word, a name of several words is one of the place's names, not its words anywhere.
        {"north korea", "Query((((coree PHRASE 3 du PHRASE 3 nord) SYNONYM (democratic PHRASE 5 people PHRASE 5 republic PHRASE 5 "
                        "of PHRASE 5 korea) SYNONYM (nord PHRASE 2 coree) SYNONYM (north PHRASE 2 korea) SYNONYM (republique "
                        "PHRASE 5 democratique PHRASE 5 populaire PHRASE 5 de PHRASE 5 coree) SYNONYM (republique PHRASE 5 "
                        "populaire PHRASE 5 democratique PHRASE 5 de PHRASE 5 coree)) OR 0 * XCKP))"},
        {"kim OR putin", "Query((Zkim@1 OR Zputin@2))"},
        {"kim -putin", "Query((Zkim@1 AND_NOT Zputin@2))"},
        {"kim NOT putin", "Query((Zkim@1 AND_NOT Zputin@2))"},
        {"kim NEAR putin", "Query((kim@1 NEAR 11 putin@2))"},
        {"kor*", "Query(WILDCARD SYNONYM kor)"},
        {"title:kim", "Query(ZSkim@1)"},
        {"titre:sommet", "Query(ZSsommet@1)"},
        {"kim lang:fr", "Query((Zkim@1 FILTER Lfr))"},
        {"kim langue:english", "Query((Zkim@1 FILTER Len))"},
        {"kim source:Le-Quotidien", "Query((Zkim@1 FILTER (XSRCquotidien OR XSRCle-quotidien)))"},
        {"kim source:islandpost", "Query((Zkim@1 FILTER XSRCislandpost))"},
        {"kim source:\"The Island Post\"", "Query((Zkim@1 FILTER (XSRCislandpost OR XSRCthe island post)))"},
        {"kim date:2024", "Query((Zkim@1 FILTER Y2024))"},
        {"kim date:2024-06", "Query((Zkim@1 FILTER M202406))"},
        {"kim date:2024-06-15", "Query((Zkim@1 FILTER D20240615))"},
        {"kim date:2019..2024", "Query((Zkim@1 FILTER (Y2019 OR Y2020 OR Y2021 OR Y2022 OR Y2023 OR Y2024)))"},
        {"kim date:2024-06..2024-07", "Query((Zkim@1 FILTER (M202406 OR M202407)))"},
        {"kim date:2024-02..2024-02", "Query((Zkim@1 FILTER M202402))"},
        {"kim date:2023-12-30..2024-02-02",
         "Query((Zkim@1 FILTER (D20231230 OR D20231231 OR M202401 OR D20240201 OR D20240202)))"},
        {"kim place:KP", "Query((Zkim@1 FILTER XCKP))"},
        {"kim lieu:\"Corée du Nord\"", "Query((Zkim@1 FILTER XCKP))"},
        {"kim place:\"North Korea\"", "Query((Zkim@1 FILTER XCKP))"},
        {"kim place:DPRK", "Query((Zkim@1 FILTER XCKP))"},
        {"kim place:kp", "Query((Zkim@1 FILTER XCKP))"},
    };
    for (const auto& row : rows) {
        INFO("query: " << row.input);
        CHECK(head_of(row.input) == row.expected);
    }
}

TEST_CASE("a city filter uses its place term, a country its country term", "[query][places]") {
    CHECK(head_of("kim place:Vladivostok") == "Query((Zkim@1 FILTER XPgn2013348))");
    CHECK(head_of("kim place:RU") == "Query((Zkim@1 FILTER XCRU))");
}

TEST_CASE("filters beside the text", "[query]") {
    searcher::SearchRequest request;
    request.query = "kim";
    request.from = "2019";
    request.to = "2020-06";
    request.lang = "fr";
    request.source = "Wire";
    request.places = {"Corée du Nord", "RU"};
    const auto built = sample_searcher().build_query(request);
    const std::string dates = "(Y2019 OR M202001 OR M202002 OR M202003 OR M202004 OR M202005 OR M202006)";
    CHECK(built.filter.get_description() == "Query((" + dates + " AND (XCKP OR XCRU) AND Lfr AND XSRCwire))");
    const std::string full = built.full().get_description();
    // Filtered inside the boosts (see "every result weighs the sum of its parts" in test_ranking.cpp).
    CHECK_THAT(full, Catch::StartsWith("Query(((Zkim@1 FILTER (" + dates + " AND (XCKP OR XCRU) AND Lfr AND XSRCwire)) AND_MAYBE "));
}

TEST_CASE("date filters as year, month and day terms select what the date value range selects", "[query][dates]") {
    // Open ends run to the archive's first and last dates; the terms must select exactly the articles the
    // date slot's value range would.
    searcher::Searcher& s = sample_searcher();
    const Xapian::Database& db = s.index().database;
    const std::string first = db.get_value_lower_bound(common::schema::k_slot_date);
    const std::string last = db.get_value_upper_bound(common::schema::k_slot_date);
    REQUIRE(first < last);
    struct Range {
        std::string from, to;  // request forms
        std::string lo, hi;    // value bounds ("" open)
    };
    const std::vector<Range> ranges = {
        {"2019", "2020-06", "20190101", "20200630"},
        {"2024-06-15", "", "20240615", ""},
        {"", "2019", "", "20191231"},
        {"2015-04-30", "2015-05-01", "20150430", "20150501"},
        {"2016-02-29", "2024-02-28", "20160229", "20240228"},
        {first.substr(0, 4) + "-" + first.substr(4, 2) + "-" + first.substr(6, 2), "", first, ""},
        {"", last.substr(0, 4) + "-" + last.substr(4, 2) + "-" + last.substr(6, 2), "", last},
        {"2030", "", "20300101", ""},
    };
    for (const Range& r : ranges) {
        INFO("from '" << r.from << "' to '" << r.to << "'");
        searcher::SearchRequest request;
        request.from = r.from;
        request.to = r.to;
        request.collapse = false;
        const auto response = s.search(request);
        Xapian::Query range = r.lo.empty() ? Xapian::Query(Xapian::Query::OP_VALUE_LE, common::schema::k_slot_date, r.hi)
                              : r.hi.empty() ? Xapian::Query(Xapian::Query::OP_VALUE_GE, common::schema::k_slot_date, r.lo)
                                             : Xapian::Query(Xapian::Query::OP_VALUE_RANGE, common::schema::k_slot_date, r.lo, r.hi);
        Xapian::Enquire enquire(db);
        enquire.set_query(range);
        const Xapian::MSet expected = enquire.get_mset(0, 0, db.get_doccount());
        CHECK(response.total_exact);
        CHECK(response.total == expected.get_matches_lower_bound());
    }
}

TEST_CASE("bad filter values are usage errors naming the part", "[query][errors]") {
    struct ErrorRow {
        const char* query;
        std::string from;
        std::string lang;
        const char* message;
    };
    const ErrorRow rows[] = {
        {"date:abc", "", "", "bad date 'abc' in 'date:abc'; expected YYYY, YYYY-MM or YYYY-MM-DD, or a range FROM..TO"},
        {"summit date:2024-13", "", "", "bad date '2024-13' in 'date:2024-13'; expected YYYY, YYYY-MM or YYYY-MM-DD, or a range FROM..TO"},
        {"date:2024-02-30", "", "", "bad date '2024-02-30' in 'date:2024-02-30'"},
        {"date:2019..soon", "", "", "bad date 'soon' in 'date:2019..soon'"},
        {"date:2024..2019", "", "", "date range 'date:2024..2019' ends before it starts"},
        {"lang:xx", "", "", "unknown language 'xx' in 'lang:xx'; expected one of: en, fr"},
        {"summit", "June", "", "bad from date 'June'; expected YYYY, YYYY-MM or YYYY-MM-DD"},
        {"summit", "", "de", "unknown language 'de'; expected one of: en, fr"},
    };
    for (const auto& row : rows) {
        INFO("query: " << row.query << " from: " << row.from << " lang: " << row.lang);
        searcher::SearchRequest request;
        request.query = row.query;
        request.from = row.from;
        request.lang = row.lang;
        CHECK_THROWS_AS(sample_searcher().search(request), common::UsageError);
        CHECK_THROWS_WITH(sample_searcher().search(request), Catch::Contains(row.message));
    }
    searcher::SearchRequest reversed;
    reversed.from = "2024";
    reversed.to = "2019";
    CHECK_THROWS_WITH(sample_searcher().search(reversed), "the from date '2024' is after the to date '2019'");
    CHECK_THROWS_WITH(searcher::parse_sort_order("sideways"), "unknown sort order 'sideways'; expected one of: relevance, date, recent");
    searcher::SearchRequest half_life;
    half_life.sort = searcher::SortOrder::recent;
    half_life.half_life_days = 0;
    CHECK_THROWS_WITH(sample_searcher().search(half_life), "half-life 0.000000 is not a positive number of days");
}

TEST_CASE("an unknown place is a warning, and matches nothing", "[query][places]") {
    searcher::SearchRequest request;
    request.query = "summit place:Xyzzyland";
    const auto in_text = sample_searcher().search(request);
    CHECK(in_text.total == 0);
    REQUIRE(in_text.warnings.size() == 1);
    CHECK(in_text.warnings[0] == "unknown place 'Xyzzyland' in 'place:Xyzzyland': no article matches it");

    request.query = "summit";
    request.places = {"Xyzzyland"};
    const auto option = sample_searcher().search(request);
    CHECK(option.total == 0);
    CHECK_THAT(option.warnings, Catch::VectorContains(std::string("unknown place 'Xyzzyland': no article matches it")));
}

TEST_CASE("matching: the head has every word, the list any of them", "[query]") {
    const auto built = build("kim putin jong");
    CHECK(built.all_words.get_description() == "Query((Zkim@1 AND Zputin@2 AND Zjong@3))");
    CHECK(built.text.get_description() == "Query((Zkim@1 OR Zputin@2 OR Zjong@3))");
    CHECK(built.word_parts.size() == 3);
    CHECK(built.content_words == 3);
    // Filters, exclusions, required words and phrases keep their meaning in both.
    CHECK(build("kim putin jong -trump lang:en").text.get_description() ==
          "Query((((Zkim@1 OR Zputin@2 OR Zjong@3) FILTER Len) AND_NOT Ztrump@4))");
    CHECK(build("kim AND putin").all_words.empty());
    CHECK(build("kim AND putin").text.get_description() == "Query((Zkim@1 AND Zputin@2))");
    CHECK(build("\"kim jong\" putin").text.get_description() == "Query(((kim@1 PHRASE 2 jong@2) OR Zputin@3))");
    // A place name is one part: its words or its place term.
    CHECK(build("North Korea Russia").word_parts.size() == 2);
}

TEST_CASE("ranked list: the articles with every word, then those missing a word", "[query][ranking]") {
    searcher::SearchRequest request;
    request.query = "Kim Putin Vladivostok xyzzyq";
    request.facets = false;
    const auto none = sample_searcher().search(request);
    CHECK(none.relaxed);
    CHECK(none.match == searcher::MatchMode::any_word);
    REQUIRE(none.total_all);
    CHECK(*none.total_all == 0);
    CHECK_FALSE(none.partial_from);
    REQUIRE_FALSE(none.hits.empty());
    CHECK(test::hit_ids(none).front() == "en-2019-kim-putin-vladivostok");
    CHECK(none.hits.front().partial);

    // Two articles have all three words; the page goes on with the best of those missing one.
    request.query = "Kim Putin Vladivostok";
    request.facets = true;
    const auto some = sample_searcher().search(request);
    CHECK_FALSE(some.relaxed);
    CHECK(some.match == searcher::MatchMode::all_words);
    REQUIRE(some.total_all);
    const std::size_t head = *some.total_all;
    CHECK(some.total == head);
    CHECK(some.facets->collapsed == head);
    REQUIRE(some.partial_from);
    CHECK(*some.partial_from == head + 1);
    REQUIRE(some.hits.size() > head);
    for (const auto& hit : some.hits) {
        INFO(hit.article.id << " rank " << hit.rank);
        CHECK(hit.partial == (hit.rank > head));
    }
    CHECK(some.hits[head - 1].weight > some.hits[head].weight);

    // Without facets the same list and the same head.
    request.facets = false;
    const auto unfaceted = sample_searcher().search(request);
    CHECK(test::hit_ids(unfaceted) == test::hit_ids(some));
    CHECK(unfaceted.total_all == some.total_all);

    // Paging: the second page starts where the first ended, across the head's end.
    request.limit = head + 1;
    const auto first = sample_searcher().search(request);
    request.offset = head + 1;
    request.limit = 3;
    const auto second = sample_searcher().search(request);
    std::vector<std::string> joined = test::hit_ids(first);
    for (const auto& id : test::hit_ids(second)) joined.push_back(id);
    std::vector<std::string> whole = test::hit_ids(some);
    whole.resize(std::min(whole.size(), joined.size()));
    joined.resize(whole.size());
    CHECK(joined == whole);

    // A long query is ranked by how well articles match, without a head.
    request.query = "Kim Jong Un Putin summit Vladivostok railway station Russky island";
    request.offset = 0;
    request.limit = 10;
    const auto long_query = sample_searcher().search(request);
    CHECK_FALSE(long_query.total_all);
    CHECK_FALSE(long_query.partial_from);
    CHECK(test::hit_ids(long_query).front() == "en-2019-kim-putin-vladivostok");
}

TEST_CASE("boosts: phrases of adjacent words, proximity, exact forms", "[query][ranking]") {
    const auto built = build("Corée du Nord sanctions");
    std::vector<std::string> names;
    for (const auto& part : built.boost_parts) names.push_back(part.name);
    CHECK_THAT(names, Catch::VectorContains(std::string("phrase")));
    CHECK_THAT(names, Catch::VectorContains(std::string("proximity")));
    CHECK_THAT(names, Catch::VectorContains(std::string("exact forms")));
    const std::string boost = built.full().get_description();
    CHECK_THAT(boost, Catch::Contains("(coree PHRASE 3 nord)"));
    CHECK_THAT(boost, Catch::Contains("(nord PHRASE 2 sanctions)"));
    CHECK_THAT(boost, Catch::Contains("Ecorée"));
    // A long, paragraph-like query keeps its exact forms but no phrase or proximity boosts: its common word
    // pairs would outweigh its rare words.
    const auto paragraph = build("Le gouvernement a annoncé jeudi un plan de soutien aux éleveurs du massif pyrénéen "
                                 "face aux attaques des ours, pour un montant de dix millions d'euros");
    std::vector<std::string> long_names;
    for (const auto& part : paragraph.boost_parts) long_names.push_back(part.name);
    CHECK_THAT(long_names, !Catch::VectorContains(std::string("phrase")));
    CHECK_THAT(long_names, !Catch::VectorContains(std::string("proximity")));
    CHECK_THAT(long_names, Catch::VectorContains(std::string("exact forms")));
    // A query without words has no boosts to apply.
    CHECK(build("lang:fr").has_text == false);
    CHECK(build("").full().get_description() == "Query(<alldocuments>)");
}

TEST_CASE("hostile queries never crash and stay bounded", "[query][hostile]") {
    const std::string long_query = [] {
        std::string q;
        while (q.size() < 10000) q += "korea ";
        return q;
    }();
    const std::string deep = std::string(600, '(') + "korea";
    const std::string latin1 = "caf\xe9 korea";
    const std::string invalid = "korea \xff\xfe\x80 north";
    struct HostileRow {
        std::string query;
        const char* warning;  ///< expected warning prefix, or "" for none
    };
    const HostileRow rows[] = {
        {"\"north korea", ""},
        {"north (korea", ""},
        {"north korea)", ""},
        {"AND", "query syntax error"},
        {"OR OR", "query syntax error"},
        {"NOT", "query syntax error"},
        {"korea AND", "query syntax error"},
        {"NEAR", ""},
        {"))((", ""},
        {"*", ""},
        {"a*", ""},
        {"-", ""},
        {"+", ""},
        {"\"", ""},
        {"title:", ""},
        {"place:", ""},
        {"date:", ""},
        {"::::", ""},
        {std::string("korea\0north", 11), ""},
        {long_query, "the query is longer than 1024 bytes; only its first "},
        {deep, ""},
        {latin1, "the query was not UTF-8; it was read as Latin-1"},
        {invalid, "the query was not "},
    };
    for (const auto& row : rows) {
        INFO("query: " << row.query.substr(0, 60));
        searcher::SearchRequest request;
        request.query = row.query;
        searcher::SearchResponse response;
        REQUIRE_NOTHROW(response = sample_searcher().search(request));
        if (*row.warning) {
            REQUIRE_FALSE(response.warnings.empty());
            CHECK_THAT(response.warnings.front(), Catch::StartsWith(row.warning));
        }
    }
}

TEST_CASE("a wildcard matching every word expands to a bounded set", "[query][hostile]") {
    // 200 most frequent terms at most, whatever the vocabulary.
    searcher::SearchRequest request;
    request.query = "a*";
    const auto response = sample_searcher().search(request);
    CHECK(response.total > 0);
}

TEST_CASE("place directories: codes and ids without a gazetteer, names with one", "[query][places]") {
    const auto codes = searcher::make_code_directory();
    struct Row {
        const char* input;
        const char* id;
        const char* country;
        bool is_country;
    };
    const Row rows[] = {
        {"KP", "KP", "KP", true},
        {"kp", "KP", "KP", true},
        {"gn2013348", "gn2013348", "", false},
        {"x-chagos", "x-chagos", "", false},
        {"RU.48", "RU.48", "RU", false},
    };
    for (const auto& row : rows) {
        INFO(row.input);
        const auto refs = codes->resolve(row.input);
        REQUIRE(refs.size() == 1);
        CHECK(refs[0].id == row.id);
        CHECK(refs[0].country == row.country);
        CHECK(refs[0].is_country == row.is_country);
    }
    CHECK(codes->resolve("North Korea").empty());
    CHECK(codes->resolve("gn12x").empty());
    CHECK_FALSE(codes->named_in_query("North Korea", true));
    CHECK(codes->label("KP", common::Lang::fr) == "KP");
    CHECK(codes->resolve("KP")[0].filter_term() == "XCKP");
    CHECK(codes->resolve("gn2013348")[0].filter_term() == "XPgn2013348");

    const auto& places = *sample_searcher().index().places;
    REQUIRE(places.kind() == "gazetteer");  // data/gazetteer.tsv is committed
    CHECK(places.resolve("Corée du Nord").at(0).id == "KP");
    CHECK(places.resolve("DPRK").at(0).id == "KP");
    CHECK(places.label("KP", common::Lang::fr) == "Corée du Nord");
    // Ordinary words name places only when capitalized.
    CHECK_FALSE(places.named_in_query("nice", false));
    CHECK(places.named_in_query("Nice", true));
    CHECK_FALSE(places.named_in_query("us", false));
    CHECK(places.named_in_query("russie", false).value().id == "RU");
}

TEST_CASE("readings: a query's own function words, the other language's forms at a share", "[query]") {
    // English function words are not French words of an English query: "the", "of" matched every English
    // article in the French reading and weighed in every long query.
    const auto en = build("the relationship of blood and oxygen").text.get_description();
    CHECK(en.find("Zthe") == std::string::npos);
    CHECK(en.find("Zof@") == std::string::npos);
    const auto fr = build("la crise de la dette").text.get_description();
    CHECK(fr.find("Zla@") == std::string::npos);
    CHECK(fr.find("Zde@") == std::string::npos);
    // The other reading's own forms of the words weigh a share ("président": Zpresident in French,
    // Zpresid in English)...
    searcher::SearchRequest untranslated;
    untranslated.query = "le président de la République";
    untranslated.translate = false;
    const auto scaled = test::sample_searcher().build_query(untranslated).text.get_description();
    CHECK(scaled.find("0.2000000000000000111 * Zpresid@") != std::string::npos);
    CHECK(scaled.find(" Zpresident@") != std::string::npos);
    // ...except, when translating, in the other language's articles, where they are the word as that
    // language writes it: there they weigh as a translation.
    const auto translated = build("le président de la République").text.get_description();
    CHECK(translated.find("0.2000000000000000111 * (Zpresid@2 AND_NOT Len) OR 0.80000000000000004441 * (Zpresid@2 FILTER Len)") !=
          std::string::npos);
    // A query without function words is of no known language: both readings weigh in full.
    CHECK(build("président Macron").text.get_description().find("0.2 *") == std::string::npos);
}

TEST_CASE("a place name typed in lower case also finds the word's common use", "[query][places]") {
    // "aurora" in a physics abstract is indexed apart from Aurora, Colorado (a protected name).
    test::TempDir dir("dateline-search-common-use");
    const std::string db = dir / "db";
    std::vector<common::Article> articles = {
        test::make_article("sky", "Night sky", "the aurora was seen over the fjord, an auroral display of rare strength.", "2020-01-01", Lang::en),
        test::make_article("city", "Council vote", "Police in Aurora said the council met on Monday in Aurora.", "2020-01-02", Lang::en),
    };
    test::add_filler_articles(articles, 10, "2020-01-03");
    test::index_articles(db, articles);
    searcher::Searcher s(searcher::open_index({db}));
    REQUIRE(s.index().analyzer->is_protected("aurora"));  // the committed gazetteer has Aurora, Colorado
    searcher::SearchRequest request;
    request.query = "aurora";
    auto ids = test::hit_ids(s.search(request));
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::string>{"city", "sky"});
    // Capitalised, it names the place.
    request.query = "Aurora";
    CHECK(test::hit_ids(s.search(request)) == std::vector<std::string>{"city"});
}

TEST_CASE("a place named in either language finds the same articles", "[query][places]") {
    // North Korea and Corée du Nord, Russia and Russie, United States and États-Unis (hyphenated: one phrase),
    // Mauritius and Maurice: the head (the articles with every word) is the same set whichever language
    // the place is named in, and it holds articles of both languages.
    searcher::Searcher& s = sample_searcher();
    auto head = [&](const std::string& text) {
        searcher::SearchRequest request;
        request.query = text;
        request.limit = 100;
        const auto r = s.search(request);
        std::set<std::string> ids;
        std::set<common::Lang> langs;
        for (const auto& hit : r.hits) {
            if (hit.partial) continue;
            ids.insert(hit.article.id);
            langs.insert(hit.article.lang);
        }
        return std::pair{ids, langs};
    };
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"North Korea Russia", "Corée du Nord Russie"}, {"United States", "États-Unis"}, {"Mauritius", "Maurice"}};
    for (const auto& [en, fr] : pairs) {
        INFO(en << " / " << fr);
        const auto [en_ids, en_langs] = head(en);
        const auto [fr_ids, fr_langs] = head(fr);
        CHECK_FALSE(en_ids.empty());
        CHECK(en_ids == fr_ids);
        CHECK(en_langs == std::set<common::Lang>{Lang::en, Lang::fr});
    }
    // The query's own language first: the best English article for the English name, French for French.
    searcher::SearchRequest request;
    request.query = "North Korea Russia";
    CHECK(s.search(request).hits.front().article.lang == Lang::en);
    request.query = "Corée du Nord Russie";
    CHECK(s.search(request).hits.front().article.lang == Lang::fr);
}

TEST_CASE("a query without text shares no Xapian object between threads", "[query][threads]") {
    // Every copy of the static Query::MatchAll changes its one reference count, unlocked: the server's
    // concurrent empty searches corrupted it and crashed (issue 19, load test). Each query owns its match-all leaf.
    const Xapian::Query matches = build("").matches();
    CHECK(matches.get_description() == "Query(<alldocuments>)");
    CHECK(matches.internal.get() != Xapian::Query::MatchAll.internal.get());
}
