// bench-analysis: single-core throughput of the shared analysis on a JSON Lines corpus (title, body, lang):
// tokenization alone, the index terms (Xapian::Document), and place extraction. Prints one JSON object.
#include "common/analysis.hpp"
#include "common/analysis_setup.hpp"
#include "common/places.hpp"
#include "common/schema.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

using namespace dateline;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: bench-analysis FILE.jsonl [MAX_ARTICLES]\n";
        return 2;
    }
    const std::size_t max_articles = argc > 2 ? std::stoul(argv[2]) : static_cast<std::size_t>(-1);
    struct Text {
        std::string title, body;
        common::Lang lang;
    };
    std::vector<Text> texts;
    std::size_t bytes = 0;
    std::ifstream in(argv[1]);
    for (std::string line; texts.size() < max_articles && std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        Text t{j.value("title", ""), j.value("body", ""), common::parse_lang(j.value("lang", "")).value_or(common::Lang::en)};
        bytes += t.title.size() + t.body.size();
        texts.push_back(std::move(t));
    }
    const auto analyzer = common::make_current_analyzer();
    const common::PlaceExtractor places(*common::shared_gazetteer(), analyzer);
    using clock = std::chrono::steady_clock;
    auto seconds = [](clock::time_point a) { return std::chrono::duration<double>(clock::now() - a).count(); };

    std::size_t tokens = 0;
    auto t0 = clock::now();
    for (const auto& t : texts) tokens += analyzer->tokenize(t.title).size() + analyzer->tokenize(t.body).size();
    const double tokenize_s = seconds(t0);

    std::size_t terms = 0;
    t0 = clock::now();
    for (const auto& t : texts) {
        const auto title = analyzer->tokenize(t.title);
        const auto body = analyzer->tokenize(t.body);
        const auto uses = analyzer->common_uses({&title, &body});
        Xapian::Document doc;
        common::FieldOptions field;
        field.word_prefix = "";
        field.stem_prefix = dateline::common::schema::k_prefix_stem;
        const auto end = analyzer->index_tokens(doc, title, t.lang, field, 0, &uses);
        analyzer->index_tokens(doc, body, t.lang, field, end + 100, &uses);
        terms += doc.termlist_count();
    }
    const double terms_s = seconds(t0);

    std::size_t found = 0;
    t0 = clock::now();
    for (const auto& t : texts) {
        const auto title = analyzer->tokenize(t.title);
        const auto body = analyzer->tokenize(t.body);
        found += places.extract(t.title, title, t.body, body, t.lang).places.size();
    }
    const double places_s = seconds(t0);

    const double mb = static_cast<double>(bytes) / 1e6;
    nlohmann::json out = {{"articles", texts.size()},
                          {"mb", mb},
                          {"tokens", tokens},
                          {"tokenize_mb_s", mb / tokenize_s},
                          {"index_terms_mb_s", mb / terms_s},
                          {"tokenize_and_places_mb_s", mb / places_s},
                          {"terms", terms},
                          {"places", found}};
    std::cout << out.dump() << '\n';
    return 0;
}
