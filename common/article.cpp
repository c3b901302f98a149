// Article helpers: display title and the stored (document data) JSON form.
#include "article.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <nlohmann/json.hpp>

namespace dateline::common {

std::string Article::display_title() const {
    if (!title.empty()) return title;
    // Untitled briefs: the first dozen words of the body.
    std::string out;
    std::size_t words = 0;
    bool in_word = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space) {
            if (in_word && ++words == 12) {
                out += "…";
                return out;
            }
            in_word = false;
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
        } else {
            in_word = true;
            out.push_back(c);
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string Article::to_stored_json() const {
    nlohmann::json j;
    j["id"] = id;
    j["title"] = title;
    j["body"] = body;
    if (date) j["date"] = date->iso();
    if (!url.empty()) j["url"] = url;
    if (!source.empty()) j["source"] = source;
    j["lang"] = std::string(lang_code(lang));
    if (!places.empty()) {
        auto& arr = j["places"] = nlohmann::json::array();
        for (const auto& p : places) {
            arr.push_back({{"id", p.id}, {"country", p.country}, {"salience", p.salience}});
        }
    }
    if (!dateline_place.empty()) j["dateline"] = dateline_place;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Article Article::from_stored_json(std::string_view json) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json);
    } catch (const nlohmann::json::exception& e) {
        throw EnvironmentError("stored article data is not valid JSON: " + std::string(e.what()));
    }
    Article a;
    a.id = j.value("id", "");
    a.title = j.value("title", "");
    a.body = j.value("body", "");
    if (j.contains("date")) a.date = parse_news_date(j["date"].get<std::string>());
    a.url = j.value("url", "");
    a.source = j.value("source", "");
    a.lang = parse_lang(j.value("lang", "")).value_or(Lang::unknown);
    if (j.contains("places")) {
        for (const auto& p : j["places"]) {
            a.places.push_back({p.value("id", ""), p.value("country", ""), p.value("salience", 0.0)});
        }
    }
    a.dateline_place = j.value("dateline", "");
    return a;
}

}  // namespace dateline::common
