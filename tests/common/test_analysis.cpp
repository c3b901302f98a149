// Tests of the shared analysis pipeline: tokenization rules, stemming, folding, query normalization.
#include "common/analysis.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

#include <catch2/catch.hpp>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <string>
#include <vector>

using dateline::common::Analyzer;
using dateline::common::Lang;
using dateline::common::Token;
using dateline::common::TokenKind;

namespace {

const Analyzer& analyzer() {
    static const Analyzer a;
    return a;
}

/// Folded forms of the tokens that are not compound wholes.
std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    for (const Token& t : analyzer().tokenize(text)) {
        if (t.kind != TokenKind::compound) out.push_back(t.folded);
    }
    return out;
}

std::vector<std::string> terms_of(const std::string& text, Lang lang) {
    Xapian::Document doc;
    dateline::common::FieldOptions field;
    field.word_prefix = "";
    field.stem_prefix = "Z";
    analyzer().index_text(doc, text, lang, field);
    return {doc.termlist_begin(), doc.termlist_end()};
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("tokenizer rules, one row per rule", "[analysis]") {
    struct Row {
        const char* rule;
        std::string input;
        std::vector<std::string> expected;
    };
    const std::vector<Row> rows = {
        {"plain words are case-folded", "North Korea", {"north", "korea"}},
        {"accents are folded in the positional form", "Corée économie Réunion", {"coree", "economie", "reunion"}},
        {"elision with ASCII apostrophe", "l'armée", {"armee"}},
        {"elision with typographic apostrophe", "l\u2019arm\u00e9e", {"armee"}},
        {"elision with modifier letter apostrophe", "d\u02bcUkraine", {"ukraine"}},
        {"elision qu'", "qu'elle", {"elle"}},
        {"elision jusqu'", "jusqu'à Moscou", {"a", "moscou"}},
        {"elision lorsqu' puisqu' quoiqu'", "lorsqu'il puisqu'on quoiqu'elle", {"il", "on", "elle"}},
        {"elisions c' j' m' n' s' t'", "c'est j'ai m'a n'a s'est t'as", {"est", "ai", "a", "a", "est", "as"}},
        {"English possessive", "Russia's army", {"russia", "army"}},
        {"possessive with typographic apostrophe", "Russia\u2019s army", {"russia", "army"}},
        {"inner apostrophe kept", "aujourd'hui", {"aujourd'hui"}},
        {"dotted acronym", "U.S. troops", {"us", "troops"}},
        {"long dotted acronym", "the D.P.R.K. said", {"the", "dprk", "said"}},
        {"plain acronym equals dotted", "US DPRK", {"us", "dprk"}},
        {"thousands separator removed", "1,000 soldiers", {"1000", "soldiers"}},
        {"decimal kept whole", "3.5%", {"3.5"}},
        {"French decimal comma", "3,5 %", {"3.5"}},
        {"year kept whole", "in 2024", {"in", "2024"}},
        {"hyphenated parts", "nord-coréen", {"nord", "coreen"}},
        {"hyphenated place", "Port-Louis", {"port", "louis"}},
        {"English hyphenated", "cease-fire", {"cease", "fire"}},
        {"ligature expanded", "cœur", {"coeur"}},
        {"German sharp s folds", "Straße", {"strasse"}},
        {"punctuation only", "... -- !!", {}},
        {"empty", "", {}},
    };
    for (const auto& row : rows) {
        INFO(row.rule << ": " << row.input);
        CHECK(words(row.input) == row.expected);
    }
}

TEST_CASE("Latin letters fold, case and accents, as ICU folds them", "[analysis]") {
    // The tokenizer folds U+0080..U+024F from a table; every such letter, alone, between ASCII letters and
    // in words that mix them, must give what fold_case / fold_for_match give for the same text.
    using dateline::common::fold_case;
    using dateline::common::fold_for_match;
    auto check = [](const std::string& text) {
        for (const Token& t : analyzer().tokenize(text)) {
            const std::string surface = text.substr(t.begin, t.end - t.begin);
            INFO("text '" << text << "', token '" << surface << "'");
            CHECK(t.lower == fold_case(surface));
            CHECK(t.folded == fold_for_match(surface));
        }
    };
    std::size_t letters = 0;
    for (UChar32 c = 0x80; c < 0x250; ++c) {
        char utf8[U8_MAX_LENGTH];
        int32_t length = 0;
        U8_APPEND_UNSAFE(utf8, length, c);
        const std::string letter(utf8, static_cast<std::size_t>(length));
        check(letter);
        check("ab" + letter + "cd");
        check("Xy" + letter + letter + "Z");
        if (!analyzer().tokenize(letter).empty()) ++letters;
        // Capitalized: the first letter upper or title case, as ICU says.
        const auto tokens = analyzer().tokenize(letter + "ab");
        if (!tokens.empty() && tokens.front().begin == 0) {
            CHECK(tokens.front().capitalized == (u_isupper(c) || u_istitle(c)));
        }
    }
    CHECK(letters > 400);  // the table is exercised, not skipped
    for (const std::string word : {"Straße", "STRASSE", "İstanbul", "Œuvre", "ÆSCHYLUS", "Ǆemal", "ǅemal", "Ŝtéfàn",
                                   "Ĳsselmeer", "ŉ", "Łódź", "Ærøskøbing", "Mỹ Tho", "Ελλάδα", "e\u0301te"}) {
        check(word);
    }
    CHECK(words("Straße") == std::vector<std::string>{"strasse"});
    CHECK(words("ŒUVRE Cœur") == std::vector<std::string>{"oeuvre", "coeur"});
}

TEST_CASE("hyphenated words are findable as the whole and by the parts", "[analysis]") {
    const auto tokens = analyzer().tokenize("nord-coréen");
    REQUIRE(tokens.size() == 3);
    CHECK(tokens[0].kind == TokenKind::compound);
    CHECK(tokens[0].folded == "nordcoreen");
    CHECK(tokens[1].position == tokens[0].position);
    CHECK(tokens[2].position == tokens[1].position + 1);
    const auto terms = terms_of("Un soldat nord-coréen", Lang::fr);
    CHECK(has(terms, "nordcoreen"));
    CHECK(has(terms, "nord"));
    CHECK(has(terms, "coreen"));
}

TEST_CASE("token offsets cover the source text, elision and possessive included", "[analysis]") {
    const std::string text = "Hier, l'armée de Russia's ally";
    const auto tokens = analyzer().tokenize(text);
    REQUIRE(tokens.size() == 5);
    CHECK(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin) == "l'armée");
    CHECK(text.substr(tokens[3].begin, tokens[3].end - tokens[3].begin) == "Russia's");
    CHECK(tokens[0].sentence_start);
    CHECK_FALSE(tokens[1].sentence_start);
    CHECK(tokens[0].capitalized);
}

namespace {

/// Keeps the tokens a sink receives; wants the forms of heads in `wanted` (all when empty).
class RecordingSink : public dateline::common::TokenSink {
  public:
    explicit RecordingSink(std::vector<std::string> wanted) : m_wanted(std::move(wanted)) {}
    bool wants_forms(std::string_view head) const override {
        asked.emplace_back(head);
        return m_wanted.empty() || has(m_wanted, std::string(head));
    }
    void token(const Token& t) override { tokens.push_back(t); }
    std::vector<Token> tokens;
    mutable std::vector<std::string> asked;

  private:
    std::vector<std::string> m_wanted;
};

}  // namespace

TEST_CASE("a token sink gets the vector's tokens, with forms only where it wants them", "[analysis]") {
    // One of each kind of chunk: plain ASCII, capitalised, accented, elided, possessive, dotted acronym,
    // decimal and thousands numbers, a one-letter word, a compound, sentence ends, a paragraph break.
    const std::string text = "Hier, l'armée de Russia's ally: U.S. troops (3.5 km) et 1,000 a Corée-du-Nord!\n\n"
                             "Economy. Cœur ÉTAT co 42 coréen";
    const std::vector<Token> expected = analyzer().tokenize(text);
    REQUIRE(expected.size() > 15);

    RecordingSink all({});
    analyzer().tokenize(text, all);
    REQUIRE(all.tokens.size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
        INFO("token " << k << " '" << expected[k].lower << "'");
        CHECK(all.tokens[k].lower == expected[k].lower);
        CHECK(all.tokens[k].folded == expected[k].folded);
    }

    RecordingSink few({"co", "a"});
    analyzer().tokenize(text, few);
    REQUIRE(few.tokens.size() == expected.size());
    // Asked exactly for the one-run ASCII tokens, with their folded form's first one or two bytes.
    std::vector<std::string> plain_heads;
    for (std::size_t k = 0; k < expected.size(); ++k) {
        const Token& want = expected[k];
        const Token& got = few.tokens[k];
        INFO("token " << k << " '" << want.lower << "'");
        CHECK(got.begin == want.begin);
        CHECK(got.end == want.end);
        CHECK(got.position == want.position);
        CHECK(got.kind == want.kind);
        CHECK(got.capitalized == want.capitalized);
        CHECK(got.sentence_start == want.sentence_start);
        CHECK(got.compound_part == want.compound_part);
        const std::string surface = text.substr(want.begin, want.end - want.begin);
        // A compound's parts are runs of a larger chunk: they come with their forms, unasked.
        const bool one_ascii_run = !want.compound_part && std::all_of(surface.begin(), surface.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        });
        if (one_ascii_run) plain_heads.push_back(want.folded.substr(0, 2));
        if (one_ascii_run && want.folded.substr(0, 2) != "co" && want.folded != "a") {
            CHECK(got.lower.empty());
            CHECK(got.folded.empty());
        } else {
            CHECK(got.lower == want.lower);
            CHECK(got.folded == want.folded);
        }
    }
    CHECK(few.asked == plain_heads);
}

TEST_CASE("singular and plural share a stem in both languages", "[analysis]") {
    struct Row {
        const char* a;
        const char* b;
        Lang lang;
    };
    const std::vector<Row> rows = {
        {"élections", "élection", Lang::fr},
        {"armées", "armée", Lang::fr},
        {"sanctions", "sanction", Lang::fr},
        {"summits", "summit", Lang::en},
        {"elections", "election", Lang::en},
        {"troops", "troop", Lang::en},
    };
    for (const auto& row : rows) {
        INFO(row.a << " / " << row.b);
        CHECK(analyzer().stem(dateline::common::fold_case(row.a), row.lang) ==
              analyzer().stem(dateline::common::fold_case(row.b), row.lang));
    }
}

TEST_CASE("accent folding happens after stemming, and unaccented input finds the same stem", "[analysis]") {
    // The stem of the accented word, folded, is indexed; so is the stem of the unaccented word when it differs.
    for (const char* word : {"économie", "armée", "élections", "Corée", "général", "défense"}) {
        INFO(word);
        const std::string lower = dateline::common::fold_case(word);
        const std::string folded = dateline::common::fold_accents(lower);
        const auto terms = terms_of(word, Lang::fr);
        CHECK(has(terms, "Z" + analyzer().stem_folded(folded, Lang::fr)));
        CHECK(has(terms, "Z" + analyzer().stem(lower, Lang::fr)));
    }
}

TEST_CASE("place names are protected from stemming, and common uses are not the name", "[analysis]") {
    CHECK(analyzer().stem("paris", Lang::en) == "paris");
    CHECK(analyzer().stem("paris", Lang::fr) == "paris");
    CHECK(analyzer().stem_folded("coree", Lang::fr) == "coree");
    const auto city = terms_of("Le maire de Paris a parlé.", Lang::fr);
    CHECK(has(city, "Zparis"));
    const auto bets = terms_of("Les jeunes multiplient les paris sportifs.", Lang::fr);
    CHECK_FALSE(has(bets, "Zparis"));
    CHECK(has(bets, "Zpari"));
    // A bets article whose title starts with "Paris": the document context says it is a common word.
    const auto title = analyzer().tokenize("Paris sportifs : la ruée");
    const auto body = analyzer().tokenize("Les paris en ligne séduisent.");
    const auto uses = analyzer().common_uses({&title, &body});
    Xapian::Document doc;
    dateline::common::FieldOptions field;
    field.word_prefix = "";
    field.stem_prefix = "Z";
    analyzer().index_tokens(doc, title, Lang::fr, field, 0, &uses);
    const std::vector<std::string> terms(doc.termlist_begin(), doc.termlist_end());
    CHECK_FALSE(has(terms, "Zparis"));
    // "réunion" (a meeting) and "réunions" find each other, never the island's name term.
    const auto meeting = terms_of("Trois réunions ont eu lieu.", Lang::fr);
    CHECK_FALSE(has(meeting, "Zreunion"));
    CHECK(has(meeting, "Z" + analyzer().stem_folded("reunions", Lang::fr)));
    CHECK(analyzer().stem_folded("reunion", Lang::fr) == "reunion");
}

TEST_CASE("exact accented forms are indexed for ranking", "[analysis]") {
    const auto terms = terms_of("La Corée", Lang::fr);
    CHECK(has(terms, "Ecorée"));
    CHECK_FALSE(has(terms, "Ela"));
    CHECK(analyzer().exact_terms("Corée du Nord") == std::vector<std::string>{"Ecorée"});
    CHECK(analyzer().exact_terms("coree").empty());
}

TEST_CASE("stopwords get positions but no stem terms", "[analysis]") {
    const auto terms = terms_of("the summit of the leaders", Lang::en);
    CHECK(has(terms, "the"));
    CHECK_FALSE(has(terms, "Zthe"));
    CHECK(has(terms, "Zsummit"));
}

TEST_CASE("query normalization keeps the syntax and rewrites the words", "[analysis][query]") {
    struct Row {
        std::string input;
        std::string expected;
    };
    const std::vector<Row> rows = {
        {"l'armée", "armee"},
        {"Russia's sanctions", "russia sanctions"},
        {"U.S. AND Corée", "us AND coree"},
        {"\"Corée du Nord\" -Séoul", "\"coree du nord\" -seoul"},
        {"title:Élection", "title:election"},
        {"date:2019..2024 Corée", "date:2019..2024 coree"},
        {"nord-coréen", "nord-coreen"},
        {"Pyong*", "pyong*"},
        {"(Kim OR Poutine) NEAR Moscou", "(kim OR poutine) NEAR moscou"},
        {"1,000", "1000"},
        {"", ""},
    };
    for (const auto& row : rows) {
        INFO(row.input);
        CHECK(analyzer().normalize_query(row.input, {"date"}) == row.expected);
    }
}

TEST_CASE("analysis settings round-trip through the index metadata form", "[analysis]") {
    const auto settings = dateline::common::AnalyzerSettings::current();
    const auto back = dateline::common::AnalyzerSettings::from_json(settings.to_json());
    CHECK(back.version == dateline::common::schema::k_index_version);
    CHECK(back.stemmer_fr == "french");
    CHECK_THROWS_AS(dateline::common::AnalyzerSettings::from_json("not json"), dateline::common::EnvironmentError);
    CHECK_THROWS_WITH(dateline::common::AnalyzerSettings::from_json("{}"), Catch::Contains("incomplete"));
}

TEST_CASE("a 1 MB article is analysed whole", "[analysis]") {
    std::string text;
    while (text.size() < 1024 * 1024) text += "La Corée du Nord et la Russie signent un traité. ";
    const auto tokens = analyzer().tokenize(text);
    CHECK(tokens.size() > 100000);
    CHECK(tokens.back().end <= text.size());
}

TEST_CASE("language detection on articles, titles and queries", "[analysis][language]") {
    using dateline::common::detect_language;
    CHECK(detect_language("La Russie et la Corée du Nord ont signé un traité de défense mutuelle à Pyongyang.").lang == Lang::fr);
    CHECK(detect_language("Russia and North Korea signed a mutual defence treaty in Pyongyang on Wednesday.").lang == Lang::en);
    CHECK(detect_language("Les élections législatives à Maurice").lang == Lang::fr);
    CHECK(detect_language("The election results in Mauritius").lang == Lang::en);
    CHECK(detect_language("").lang == Lang::unknown);
    // Headlines without function words fall back on French diacritics, or their absence.
    CHECK(detect_language("Brexit talks stall again").lang == Lang::en);
    CHECK(detect_language("Pénurie record").lang == Lang::fr);
    CHECK(detect_language("Brexit").lang == Lang::unknown);
    CHECK(dateline::common::parse_lang("FR") == Lang::fr);
    CHECK_FALSE(dateline::common::parse_lang("de").has_value());
    CHECK_THROWS_WITH(dateline::common::parse_lang_option("fre"),
                      "unknown language 'fre'; expected one of: en, fr, auto");
    // Queries: their function words first (CLD2 takes this French query for English), no guess from accents.
    using dateline::common::detect_query_language;
    CHECK(detect_language("chômage district de columbia baisse mars").lang == Lang::en);
    CHECK(detect_query_language("chômage district de columbia baisse mars").lang == Lang::fr);
    CHECK(detect_query_language("the unemployment rate in november").lang == Lang::en);
    CHECK(detect_query_language("Pénurie record").lang == Lang::unknown);
    CHECK(detect_query_language("Brexit").lang == Lang::unknown);
    CHECK(detect_query_language("").lang == Lang::unknown);
}

TEST_CASE("article id terms: plain ids as they are, long ids hashed within Xapian's term limit", "[schema]") {
    using dateline::common::schema::id_term;
    CHECK(id_term("en-2019-kim-putin-vladivostok") == "Qen-2019-kim-putin-vladivostok");
    const std::string long_url = "https://news.example.mu/" + std::string(400, 'a');
    CHECK(id_term(long_url).size() <= 245);
    CHECK(id_term(long_url) == id_term(long_url));
    CHECK(id_term(long_url) != id_term(long_url + "b"));
}
