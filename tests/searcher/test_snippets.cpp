// Snippets: highlighting of stemmed, accent-folded and elided forms, passages, escaping, bounded cost.
#include "search_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dateline;
using common::Lang;

namespace {

using test::sample_searcher;

searcher::BuiltQuery query_of(const std::string& text) { return test::sample_query(text); }

/// The marked words of `text` for `query`, as "<a><b>".
std::string marked(const std::string& query, const std::string& text, Lang lang) {
    const searcher::BuiltQuery q = query_of(query);
    searcher::Highlighter h(*sample_searcher().index().analyzer, q.highlight);
    std::string out;
    for (const auto& [b, e] : h.find(text, lang)) out += "<" + text.substr(b, e - b) + ">";
    return out;
}

}  // namespace

TEST_CASE("highlighting finds inflected, accent-folded and elided forms", "[snippets]") {
    struct Row {
        const char* query;
        const char* text;
        Lang lang;
        const char* expected;
    };
    const Row rows[] = {
        {"élection", "Les élections législatives et l'élection présidentielle.", Lang::fr, "<élections><l'élection>"},
        {"election", "Les élections législatives et l'élection présidentielle.", Lang::fr, "<élections><l'élection>"},
        {"armée", "L'armée nord-coréenne et les armées russes.", Lang::fr, "<L'armée><armées>"},
        // "coree" names South Korea (the most populous "Corée"): its name is marked whole.
        {"coree", "La Corée du Nord et la Corée du Sud.", Lang::fr, "<Corée><Corée du Sud>"},
        {"Corée du Nord", "La Corée du Nord et la Corée du Sud.", Lang::fr, "<Corée du Nord><Corée>"},
        {"North Korea", "North Korea, South Korea and La Corée du Nord.", Lang::unknown, "<North Korea><Korea><Corée du Nord>"},
        {"summits", "The summit ended; two summits later, no deal.", Lang::en, "<summit><summits>"},
        {"Russia's", "Russia and Russia's neighbours.", Lang::en, "<Russia><Russia's>"},
        {"nord-coréen", "Des soldats nord-coréens et un officier nord-coréen.", Lang::fr, "<nord-coréens><nord-coréen>"},
        {"\"cease-fire\"", "A cease-fire was agreed.", Lang::en, "<cease-fire>"},
        {"vlad*", "Vladivostok and Vladimir Putin.", Lang::en, "<Vladivostok><Vladimir>"},
        // A one-letter prefix marks every word it begins (the first-two-bytes prefilter lets them all through).
        {"v*", "Vladivostok, Vélizy and Ivanovo.", Lang::fr, "<Vladivostok><Vélizy>"},
        {"Élysée", "L'Élysée et l'ELYSEE.", Lang::fr, "<L'Élysée><l'ELYSEE>"},
        // Dotted acronyms are marked even when their letters spell a stopword ("us").
        {"U.S.", "The U.S. agreed.", Lang::en, "<U.S.>"},
        {"economie", "L'économie mauricienne.", Lang::fr, "<L'économie>"},
        // Stopwords are never marked, even when the query has them.
        {"the summit of the year", "The summit of the year.", Lang::en, "<summit><year>"},
    };
    for (const auto& row : rows) {
        INFO("query: " << row.query << " text: " << row.text);
        CHECK(marked(row.query, row.text, row.lang) == row.expected);
    }
}

TEST_CASE("snippets: passages around the best matches, escaped HTML, terminal bold", "[snippets]") {
    const searcher::BuiltQuery q = query_of("harbour strike");
    searcher::Highlighter h(*sample_searcher().index().analyzer, q.highlight);
    std::string body = "Opening paragraph without the words. ";
    for (int k = 0; k < 30; ++k) body += "Filler sentence number " + std::to_string(k) + " says nothing at all. ";
    body += "The harbour workers <went> on strike & stayed out. ";
    for (int k = 0; k < 30; ++k) body += "More filler " + std::to_string(k) + " here. ";
    body += "A second strike hit the harbour in May. ";
    for (int k = 0; k < 30; ++k) body += "Closing filler " + std::to_string(k) + ". ";

    const searcher::Snippet s = h.snippet(body, Lang::en);
    REQUIRE(s.passages.size() == 2);
    CHECK(s.matches == 4);
    const std::string html = searcher::render_html(s);
    CHECK_THAT(html, Catch::Contains("The <mark>harbour</mark> workers &lt;went&gt; on <mark>strike</mark> &amp; stayed out."));
    CHECK_THAT(html, Catch::Contains("A second <mark>strike</mark> hit the <mark>harbour</mark> in May."));
    CHECK_THAT(html, Catch::StartsWith("… "));
    CHECK_THAT(html, Catch::EndsWith(" …"));
    CHECK(html.find("<went>") == std::string::npos);
    const std::string bold = searcher::render_text(s, true);
    CHECK_THAT(bold, Catch::Contains("The \033[1mharbour\033[0m workers <went>"));
    const std::string plain = searcher::render_text(s, false);
    CHECK(plain.find('\033') == std::string::npos);

    // A short body gets one passage; no match gives its lead.
    const searcher::Snippet lead = h.snippet("Nothing to see in this short text.", Lang::en);
    REQUIRE(lead.passages.size() == 1);
    CHECK(lead.matches == 0);
    CHECK(searcher::render_html(lead) == "Nothing to see in this short text.");
}

TEST_CASE("titles are marked whole and escaped", "[snippets]") {
    const searcher::BuiltQuery q = query_of("script code");
    searcher::Highlighter h(*sample_searcher().index().analyzer, q.highlight);
    const auto title = h.mark_all("Hackers plant <script>alert(1)</script> code", Lang::en);
    CHECK(searcher::render_html(title) ==
          "Hackers plant &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>code</mark>");
}

TEST_CASE("a 1 MB article: the scan is bounded", "[snippets]") {
    const searcher::BuiltQuery q = query_of("harbour");
    searcher::Highlighter h(*sample_searcher().index().analyzer, q.highlight);
    std::string body;
    while (body.size() < 1024 * 1024) body += "Words after words, with no end in sight. ";
    body += "The harbour at the very end.";
    searcher::SnippetOptions options;
    const searcher::Snippet s = h.snippet(body, Lang::en, options);
    CHECK(s.matches == 0);  // beyond max_scan_bytes
    REQUIRE(s.passages.size() == 1);
    CHECK(s.passages[0].text.size() <= options.passage_bytes);
    CHECK(s.passages[0].cut_after);
}

TEST_CASE("search results carry marked titles and snippets", "[snippets]") {
    searcher::SearchRequest request;
    request.query = "Vladivostok sommet";
    request.limit = 3;
    request.facets = false;
    const auto r = sample_searcher().search(request);
    REQUIRE_FALSE(r.hits.empty());
    const std::string html = searcher::render_html(r.hits[0].snippet);
    CHECK_THAT(html, Catch::Contains("<mark>"));
    CHECK(r.hits[0].extract.find("<mark>") == std::string::npos);
}
