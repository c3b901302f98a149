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

// Stored form: a one-line JSON object of the fields, a newline, then the body as is. The body is most
// of the bytes; reading it needs no JSON unescaping, which keeps result pages cheap. Data written as one
// JSON object with a "body" member (earlier builds) is still read.
std::string Article::to_stored_json() const {
    nlohmann::json j;
    j["id"] = id;
    j["title"] = title;
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
    // A compact dump has no raw newline: the first one ends the header.
    std::string out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    if (is_valid_utf8(body)) {
        out += body;
    } else {
        out += repair_utf8(body).text;
    }
    return out;
}

Article Article::from_stored_json(std::string_view data) {
    const std::size_t newline = data.find('\n');
    const std::string_view header = data.substr(0, newline);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(header);
    } catch (const nlohmann::json::exception& e) {
        throw EnvironmentError("stored article data is not valid JSON: " + std::string(e.what()));
    }
    if (!j.is_object()) throw EnvironmentError("stored article data is not a JSON object");
    Article a;
    a.id = j.value("id", "");
    a.title = j.value("title", "");
    if (newline != std::string_view::npos) {
        a.body = std::string(data.substr(newline + 1));
    } else if (const auto it = j.find("body"); it != j.end() && it->is_string()) {
        a.body = std::move(it->get_ref<std::string&>());
    }
    if (const auto it = j.find("date"); it != j.end() && it->is_string()) a.date = parse_news_date(it->get<std::string>());
    a.url = j.value("url", "");
    a.source = j.value("source", "");
    a.lang = parse_lang(j.value("lang", "")).value_or(Lang::unknown);
    if (const auto it = j.find("places"); it != j.end() && it->is_array()) {
        for (const auto& p : *it) {
            if (p.is_object()) a.places.push_back({p.value("id", ""), p.value("country", ""), p.value("salience", 0.0)});
        }
    }
    a.dateline_place = j.value("dateline", "");
    return a;
}

}  // namespace dateline::common
