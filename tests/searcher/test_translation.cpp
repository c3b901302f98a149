// Cross-language search: the word table read by stem, queries that also search their words' translations,
// the original language first, and the switch that turns it off. The tests' table is tests/data/translations.tsv
// (DATELINE_TRANSLATIONS, set by CTest).
#include "search_fixture.hpp"

#include "searcher/json_output.hpp"
#include "searcher/translator.hpp"

#include "common/errors.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

using namespace dateline;
using common::Lang;

namespace {

std::vector<std::string> labels(const std::vector<searcher::TranslationTarget>* targets) {
    std::vector<std::string> out;
    if (targets != nullptr) {
        for (const auto& t : *targets) out.push_back(t.label);
    }
    return out;
}

/// The translations chosen for `words`, every candidate being usable.
std::vector<std::string> lookup(const searcher::Translator& t, const common::Analyzer& analyzer, Lang from,
                                std::vector<std::string> words) {
    std::vector<std::string> out;
    if (const auto* candidates = t.lookup_words(from, analyzer, words)) {
        for (const auto* target : t.choose(*candidates)) out.push_back(target->label);
    }
    return out;
}

/// The word table of `rows` (the file's lines), written to a temporary file and read.
std::shared_ptr<const searcher::Translator> table_of(const std::string& rows, const common::Analyzer& analyzer) {
    test::TempDir dir("dateline-translation");
    return searcher::Translator::load(dir.write("words.tsv", rows), analyzer);
}

std::size_t rank_of(const searcher::SearchResponse& r, const std::string& id) {
    const auto ids = test::hit_ids(r);
    const auto it = std::find(ids.begin(), ids.end(), id);
    return it == ids.end() ? 0 : static_cast<std::size_t>(it - ids.begin()) + 1;
}

/// A searcher over `articles` and six English filler articles, translating with the word table `rows`.
class TableIndex {
  public:
    TableIndex(std::string_view name, std::vector<common::Article> articles, const std::string& rows) : m_dir(name) {
        test::add_filler_articles(articles, 6, "2024-05-02");
        test::index_articles(m_dir / "db", articles);
        searcher::IndexOpenOptions options;
        options.translations = m_dir.write("words.tsv", rows);
        m_searcher.emplace(searcher::open_index({m_dir / "db"}, options));
    }
    searcher::SearchResponse search(const std::string& query) {
        searcher::SearchRequest request;
        request.query = query;
        return m_searcher->search(request);
    }

  private:
    test::TempDir m_dir;
    std::optional<searcher::Searcher> m_searcher;
};

searcher::SearchResponse search(const std::string& query, bool translate = true) {
    searcher::SearchRequest request;
    request.query = query;
    request.translate = translate;
    request.limit = 50;
    return test::sample_searcher().search(request);
}

}  // namespace

TEST_CASE("word table: looked up by stem, inflected forms, both directions, the best few", "[translation]") {
    const common::Analyzer analyzer;
    const auto t = table_of("# a test table\n"
                            "en-fr\telection\t-\tchoix\tfreedict\n"
                            "en-fr\telection\tn\télection\tapertium\n"
                            "fr-en\télection\tn\telection\tapertium\n"
                            "en-fr\tearthquake\t-\tséisme | tremblement de terre\tfreedict\n"
                            "en-fr\tchild\tn\tenfant\tapertium\n"
                            "en-fr\tnational\tadj\tnational\tapertium\n"
                            "en-fr\tnational\t-\tnationalisme\tfreedict\n"
                            "form-en\tchildren\tn\tchild\tapertium\n"
                            "en-fr\t... ago\t-\til y a ...\tfreedict\n",
                            analyzer);
    CHECK(t->description() == "a test table");
    // By stem: "elections" finds "election"; the agreeing sources outweigh freedict's first sense.
    CHECK(lookup(*t, analyzer, Lang::en, {"elections"}) == std::vector<std::string>{"élection"});
    // A row read backwards: "élection" → "election" from the en-fr rows and its own.
    CHECK(lookup(*t, analyzer, Lang::fr, {"elections"}) == std::vector<std::string>{"election"});
    // Expressions by their words' stems; the targets keep their order of evidence.
    CHECK(lookup(*t, analyzer, Lang::en, {"earthquakes"}) == std::vector<std::string>{"séisme", "tremblement de terre"});
    const auto* quake = t->lookup(Lang::en, searcher::Translator::key_of(analyzer, {"earthquake"}, Lang::en));
    REQUIRE(quake != nullptr);
    CHECK(quake->at(1).words == std::vector<std::string>{"tremblement", "terre"});
    CHECK(quake->at(1).window == 3);
    CHECK(quake->at(0).stem == analyzer.stem_folded("seisme", Lang::fr));
    // An irregular form finds its lemma's translations.
    CHECK(lookup(*t, analyzer, Lang::en, {"children"}) == std::vector<std::string>{"enfant"});
    // A word written alike in both languages keeps its place (it outranks a rarer translation), flagged.
    const auto* national_candidates = t->lookup(Lang::en, "nation");
    REQUIRE(national_candidates != nullptr);
    const auto national = t->choose(*national_candidates);
    REQUIRE_FALSE(national.empty());
    CHECK(national.front()->label == "national");
    CHECK(national.front()->same_word);
    CHECK(national.size() == 1);  // "nationalisme" is the same French stem
    // A candidate that is not usable (not in the archive) leaves the choice to the next.
    const auto* quake_candidates = t->lookup(Lang::en, searcher::Translator::key_of(analyzer, {"earthquake"}, Lang::en));
    REQUIRE(quake_candidates != nullptr);
    const auto phrase_only = t->choose(*quake_candidates, [](const searcher::TranslationTarget& c) { return c.stem.empty(); });
    REQUIRE(phrase_only.size() == 1);
    CHECK(phrase_only.front()->label == "tremblement de terre");
    // Rows that are not expressions of words are skipped.
    CHECK(lookup(*t, analyzer, Lang::en, {"ago"}).empty());
}

TEST_CASE("word table: a form is looked up as its lemmas and their forms, not as homographs of its stem", "[translation]") {
    const common::Analyzer analyzer;
    const auto t = table_of("fr-en\tvent\tn\twind\tapertium\n"
                            "fr-en\tvente\tn\tsale\tapertium\n"
                            "en-fr\tpump\tn\tpompe\tapertium\n"
                            "en-fr\tpumping\tn\tpompage\tapertium\n"
                            "fr-en\tpartage\tn\tdivision\tapertium\n"
                            "fr-en\tpartager\tvblex\tshare\tapertium\n"
                            "form-fr\tventes\tn\tvente\tapertium\n"
                            "form-fr\tpartage\tvblex\tpartager\tapertium\n"
                            "form-fr\tpartagés\tvblex\tpartager\tapertium\n"
                            "form-en\tpumps\tn\tpump\tapertium\n"
                            "form-en\tpumping\tvblex\tpump\tapertium\n",
                            analyzer);
    // "vent" and "vente" share a stem: by key they pool, as before...
    REQUIRE(analyzer.stem_folded("ventes", Lang::fr) == analyzer.stem_folded("vent", Lang::fr));
    CHECK(labels(t->lookup(Lang::fr, analyzer.stem_folded("vent", Lang::fr))).size() == 2);
    // ...but "ventes", a form of vente only, is not wind.
    CHECK(lookup(*t, analyzer, Lang::fr, {"ventes"}) == std::vector<std::string>{"sale"});
    CHECK(lookup(*t, analyzer, Lang::fr, {"vente"}) == std::vector<std::string>{"sale"});
    // A form of two lemmas counts both; an accented form is found folded.
    CHECK(lookup(*t, analyzer, Lang::fr, {"partage"}).size() == 2);
    // "partagés" (of partager) pools the word "partage" too, which is also a form of partager.
    CHECK(lookup(*t, analyzer, Lang::fr, {"partages"}).size() == 2);
    // A word of the stem that is a form of the lemma ("pumping" of pump) brings its own translations.
    const auto pump = lookup(*t, analyzer, Lang::en, {"pumps"});
    CHECK(std::find(pump.begin(), pump.end(), "pompage") != pump.end());
    CHECK(std::find(pump.begin(), pump.end(), "pompe") != pump.end());
    // A word the analysers do not know falls back to its stem key.
    CHECK(lookup(*t, analyzer, Lang::fr, {"venteux"}).empty() == (t->lookup(Lang::fr, analyzer.stem_folded("venteux", Lang::fr)) == nullptr));
}

TEST_CASE("word table: function words around one word are an idiom, not a translation of that word", "[translation]") {
    const common::Analyzer analyzer;
    const auto t = table_of("fr-en\tcelui\t-\tthat | that one\tfreedict\n"
                            "fr-en\taussi\t-\tas well | also | too\tfreedict\n"
                            "en-fr\tone\t-\tun | quelqu'un\tfreedict\n"
                            "en-fr\tunimportant\tadj\tsans importance\tapertium\n"
                            "en-fr\tthe day after\t-\tle lendemain\tfreedict\n"
                            "en-fr\tearthquake\t-\ttremblement de terre\tfreedict\n",
                            analyzer);
    // "that one" read backwards is not a translation of `one`, nor "as well" of `well`.
    CHECK(lookup(*t, analyzer, Lang::en, {"one"}) == std::vector<std::string>{"quelqu'un"});
    CHECK(lookup(*t, analyzer, Lang::en, {"well"}).empty());
    // "sans importance" (unimportant) is not `importance`, and "the day after" is not `day`.
    CHECK(lookup(*t, analyzer, Lang::fr, {"importance"}).empty());
    CHECK(lookup(*t, analyzer, Lang::en, {"day"}).empty());
    // Such a row is left out whole: no translation of `lendemain` nor of `unimportant` either.
    CHECK(lookup(*t, analyzer, Lang::fr, {"lendemain"}).empty());
    CHECK(lookup(*t, analyzer, Lang::en, {"unimportant"}).empty());
    // Expressions of two content words or more keep their function words between them.
    CHECK(lookup(*t, analyzer, Lang::en, {"earthquake"}) == std::vector<std::string>{"tremblement de terre"});
    CHECK(lookup(*t, analyzer, Lang::fr, {"tremblement", "de", "terre"}) == std::vector<std::string>{"earthquake"});
}

TEST_CASE("word table: a malformed line names the file and the line", "[translation]") {
    test::TempDir dir("dateline-translation-bad");
    const std::string table = dir.write("words.tsv", "# header\nen-fr\tfire\tn\tincendie\tapertium\nen-fr fire incendie\n");
    const common::Analyzer analyzer;
    CHECK_THROWS_WITH(searcher::Translator::load(table, analyzer),
                      Catch::Contains("translation table '" + table + "', line 3"));
    CHECK_THROWS_AS(searcher::Translator::load(dir / "missing.tsv", analyzer), common::EnvironmentError);
}

TEST_CASE("an English query finds the French article through its words' translations", "[translation]") {
    const auto on = search("school closures");
    const auto off = search("school closures", false);
    CHECK(rank_of(on, "fr-2020-macron-fermeture-ecoles") == 1);
    CHECK(rank_of(off, "fr-2020-macron-fermeture-ecoles") == 0);
    REQUIRE(on.translations.size() == 2);
    CHECK(on.translations[0].words == "school");
    CHECK(on.translations[0].from == Lang::en);
    CHECK(on.translations[0].targets == std::vector<std::string>{"école"});
    CHECK(on.translations[1].words == "closures");
    CHECK(on.translations[1].targets == std::vector<std::string>{"fermeture"});
    CHECK(off.translations.empty());
    // The words were found in French: they are not "corrected" towards English words of the archive.
    CHECK_FALSE(on.did_you_mean);
    // The article has both words in French: it is in the head, and the translated words are marked.
    REQUIRE(on.total_all);
    CHECK(*on.total_all >= 1);
    const auto& hit = on.hits.front();
    CHECK(searcher::title_html(hit).find("<mark>fermeture</mark>") != std::string::npos);
    // The JSON lists them.
    searcher::SearchRequest request;
    request.query = "school closures";
    const auto json = searcher::to_json(request, on);
    CHECK(json["translations"]["school"] == nlohmann::json::array({"école"}));
    CHECK(json["translated_into"] == nlohmann::json::array({"fr"}));
}

TEST_CASE("a French query finds the English article, and expressions translate whole", "[translation]") {
    const auto r = search("traité de défense mutuelle");
    CHECK(rank_of(r, "en-2024-wire-putin-kim-treaty") >= 1);
    CHECK(rank_of(r, "en-2024-wire-putin-kim-treaty") <= 3);
    CHECK(rank_of(search("traité de défense mutuelle", false), "en-2024-wire-putin-kim-treaty") == 0);
    // "national holiday" is one entry of the table: its words are not translated one by one.
    const auto q = test::sample_query("national holiday");
    REQUIRE(q.translations.size() == 1);
    CHECK(q.translations[0].words == "national holiday");
    CHECK(q.translations[0].targets == std::vector<std::string>{"fête nationale"});
    CHECK(q.text.get_description().find("(fete PHRASE 2 nationale)") != std::string::npos);
}

TEST_CASE("the query language ranks first, and names, places and numbers are not translated", "[translation]") {
    // Two articles alike but for their language: the one in the query's language comes first, and the other
    // is found too.
    test::TempDir dir("dateline-translation-order");
    const std::string db = dir / "db";
    test::index_articles(db, {test::make_article("en-crowd", "A crowd gathers at the harbour", "A large crowd gathered at the harbour on Sunday.",
                                                 "2024-05-01", Lang::en),
                              test::make_article("fr-foule", "Une foule se rassemble sur le port", "Une foule nombreuse s'est rassemblée sur le port dimanche.",
                                                 "2024-05-01", Lang::fr)});
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest request;
    request.query = "crowd";
    auto r = s.search(request);
    CHECK(test::hit_ids(r) == std::vector<std::string>{"en-crowd", "fr-foule"});
    REQUIRE(r.hits.size() == 2);
    CHECK(r.hits[0].weight > r.hits[1].weight);
    request.query = "foule";
    r = s.search(request);
    CHECK(test::hit_ids(r) == std::vector<std::string>{"fr-foule", "en-crowd"});
    // Translations match articles of the other language only: a French article that uses the English word
    // ("Flood", a band's name, the same stem in French) is not found through the translation of "inondation".
    test::TempDir other("dateline-translation-filter");
    const std::string db2 = other / "db";
    test::index_articles(db2, {test::make_article("fr-inondation", "Inondation au port", "Une inondation a touché le port.", "2024-05-01", Lang::fr),
                               test::make_article("en-flood", "Flood hits the harbour", "A flood hit the harbour.", "2024-05-01", Lang::en),
                               test::make_article("fr-groupe", "Le groupe Flood en concert", "Le groupe de rock Flood joue au port samedi.", "2024-05-01", Lang::fr)});
    searcher::Searcher s2(searcher::open_index({db2}));
    request.query = "inondation";
    CHECK(test::hit_ids(s2.search(request)) == std::vector<std::string>{"fr-inondation", "en-flood"});
    // A word naming a place, a number, a capitalised name inside the query: as typed only.
    CHECK(test::sample_query("fire in Paris 2019").translations.size() == 1);
    CHECK(test::sample_query("Notre-Dame Fire").translations.empty());
    // A capitalised first word that a capitalised word follows is a name too ("School Fire Brigade" is not a
    // school); alone, or followed by a lower-case word, it is the query's first word.
    CHECK(test::sample_query("School Fire Brigade").translations.empty());
    CHECK(test::sample_query("School closures").translations.size() == 2);
}

TEST_CASE("no translation into a language the index has no article in", "[translation]") {
    test::TempDir dir("dateline-translation-english");
    const std::string db = dir / "db";
    test::index_articles(db, {test::make_article("en-1", "School closures extended", "Schools stay closed.", "2024-05-01", Lang::en)});
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest english;
    english.query = "school closures";
    CHECK(s.build_query(english).translations.empty());
    // French words are still translated into English.
    searcher::SearchRequest french_request;
    french_request.query = "fermeture des écoles";
    const auto french = s.build_query(french_request);
    REQUIRE(french.translations.size() == 2);
    CHECK(french.translations[0].from == Lang::fr);
    CHECK(french.translations[0].targets == std::vector<std::string>{"closure"});
}

TEST_CASE("a word spelt alike in the other language counts there as a translation, in the head too", "[translation]") {
    // "président" is Zpresident in French and Zpresid in English, the English stem of its translation
    // "president" too. The English article with both words of "le président et la guerre" has every word.
    TableIndex index("dateline-translation-alike",
                     {test::make_article("en-war", "The president and the war", "The president spoke about the war on Sunday.", "2024-05-01", Lang::en),
                      test::make_article("fr-port", "Le président visite le port", "Le président a visité le port dimanche.", "2024-05-01", Lang::fr)},
                     "fr-en\tguerre\tn\twar\tapertium\nfr-en\tprésident\tn\tpresident\tapertium\n");
    const auto r = index.search("le président et la guerre");
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits.front().article.id == "en-war");
    CHECK_FALSE(r.hits.front().partial);
    REQUIRE(r.total_all);
    CHECK(*r.total_all == 1);
    REQUIRE(r.translations.size() == 2);
    CHECK(r.translations[0].targets == std::vector<std::string>{"president"});
}

TEST_CASE("the other reading's form of a word weighs as a translation in the other language's articles", "[translation]") {
    // A name the two stemmers cut differently ("Khomri": Zkhomri in English, Zkhomr in French) is, in a
    // French article, the word itself: an English query weighs it there as a translation (0.8), not as a
    // stray form of the other reading (0.2), which it remains in English articles.
    test::TempDir dir("dateline-translation-reading");
    const std::string db = dir / "db";
    std::vector<common::Article> articles = {
        test::make_article("fr-khomri", "Myriam Khomri au ministère", "Myriam Khomri a présenté son texte au ministère.", "2016-05-01", Lang::fr),
        test::make_article("en-law", "The law is passed", "The law was passed on Sunday.", "2016-05-01", Lang::en),
    };
    test::add_filler_articles(articles, 6, "2016-05-02", Lang::fr);
    test::index_articles(db, articles);
    searcher::Searcher s(searcher::open_index({db}));
    searcher::SearchRequest request;
    request.query = "the khomri law";
    request.limit = 10;
    auto weight_of = [&](bool translate) {
        request.translate = translate;
        const auto r = s.search(request);
        for (const auto& hit : r.hits) {
            if (hit.article.id == "fr-khomri") return hit.weight;
        }
        return 0.0;
    };
    const double on = weight_of(true);
    const double off = weight_of(false);
    REQUIRE(off > 0);
    CHECK(on == Approx(off * 4).epsilon(0.01));
}

TEST_CASE("a place name typed in lower case names the place when the archive uses it mostly as a name", "[translation][places]") {
    // "china" is also an ordinary word (porcelain): typed in lower case it names China when the archive's
    // articles name China more often than they use the word, not otherwise.
    auto places_of = [](const std::vector<common::Article>& articles, const std::string& query) {
        test::TempDir dir("dateline-name-use");
        const std::string db = dir / "db";
        test::index_articles(db, articles);
        searcher::Searcher s(searcher::open_index({db}));
        searcher::SearchRequest request;
        request.query = query;
        std::vector<std::string> ids;
        for (const auto& p : s.search(request).places) ids.push_back(p.place.id);
        return ids;
    };
    std::vector<common::Article> news;
    std::vector<common::Article> antiques;
    for (int k = 0; k < 4; ++k) {
        const std::string n = std::to_string(k);
        news.push_back(test::make_article("news" + n, "Trade with China", "China and Japan signed a trade deal, day " + n + ".", "2024-05-01", Lang::en));
        antiques.push_back(test::make_article("antique" + n, "An auction of fine china", "The fine china and the silver were sold, lot " + n + ".",
                                              "2024-05-01", Lang::en));
    }
    news.push_back(test::make_article("plates", "Plates", "A set of fine china plates was sold.", "2024-05-02", Lang::en));
    antiques.push_back(test::make_article("trade", "Trade", "China signed a trade deal.", "2024-05-02", Lang::en));
    CHECK(places_of(news, "china") == std::vector<std::string>{"CN"});
    CHECK(places_of(antiques, "china").empty());
    // Typed with a capital, it is the place in both.
    CHECK(places_of(antiques, "China") == std::vector<std::string>{"CN"});
}

TEST_CASE("a translation the archive lacks does not keep out one it has", "[translation]") {
    // Three Apertium pivots give `séisme` → "seism", freedict gives "earthquake": the English articles say
    // "earthquake", and "seism" (in no English article; its term Zseism is the French articles' "séisme")
    // must not push it below the share of the best.
    TableIndex index("dateline-translation-archive",
                     {test::make_article("en-quake", "Earthquake shakes the coast", "A strong earthquake shook the coast on Sunday.", "2024-05-01", Lang::en),
                      test::make_article("fr-seisme", "Séisme au large du port", "Un séisme a secoué le port dimanche.", "2024-05-01", Lang::fr)},
                     "fr-en\tséisme\tn\tseism\tapertium\n"
                     "fr-en\tséisme\tn\tseism\tapertium\n"
                     "fr-en\tséisme\tn\tseism\tapertium\n"
                     "fr-en\tséisme\tn\tearthquake\tfreedict\n");
    const auto r = index.search("séisme");
    REQUIRE(r.translations.size() == 1);
    CHECK(r.translations[0].targets == std::vector<std::string>{"earthquake"});
    // The query's own language first.
    CHECK(rank_of(r, "fr-seisme") == 1);
    CHECK(rank_of(r, "en-quake") == 2);
}
