// JSON serialisation of search, related-article and completion responses.
#include "json_output.hpp"

#include "common/text.hpp"

#include <algorithm>

namespace dateline::searcher {

namespace {

/// Request text comes from users: JSON must stay valid UTF-8 whatever they sent.
std::string valid_utf8(const std::string& s) { return common::is_valid_utf8(s) ? s : common::repair_utf8(s).text; }

nlohmann::json valid_utf8(const std::vector<std::string>& list) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : list) arr.push_back(valid_utf8(s));
    return arr;
}

nlohmann::json facet_json(const std::vector<FacetCount>& counts) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : counts) {
        nlohmann::json item{{"value", c.value}, {"count", c.count}};
        if (!c.label.empty()) item["label"] = c.label;
        if (!c.terms.empty()) {
            auto& terms = item["terms"] = nlohmann::json::array();
            for (const auto& t : c.terms) {
                nlohmann::json term{{"term", t.term}, {"word", t.word}, {"lang", std::string(common::lang_code(t.lang))}, {"weight", t.weight}};
                if (!t.label.empty()) term["label"] = t.label;
                terms.push_back(std::move(term));
            }
        }
        arr.push_back(std::move(item));
    }
    return arr;
}

nlohmann::json results_json(const std::vector<SearchHit>& hits, bool explain) {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& hit : hits) results.push_back(hit_json(hit, explain));
    return results;
}

}  // namespace

nlohmann::json hit_json(const SearchHit& hit, bool explain) {
    const auto& a = hit.article;
    nlohmann::json r;
    r["rank"] = hit.rank;
    r["id"] = a.id;
    r["title"] = a.display_title();
    r["title_html"] = title_html(hit);
    r["date"] = a.date ? nlohmann::json(a.date->iso()) : nlohmann::json(nullptr);
    r["lang"] = std::string(common::lang_code(a.lang));
    r["source"] = a.source;
    r["url"] = a.url;
    r["score"] = hit.score;
    r["weight"] = hit.weight;
    r["similar"] = hit.similar;
    r["partial"] = hit.partial;
    auto& places = r["places"] = nlohmann::json::array();
    for (std::size_t k = 0; k < a.places.size(); ++k) {
        const auto& p = a.places[k];
        nlohmann::json place{{"id", p.id}, {"country", p.country}, {"salience", p.salience}};
        place["label"] = place_label(hit, k);
        places.push_back(std::move(place));
    }
    r["extract"] = hit.extract;
    r["snippet_html"] = snippet_html(hit);
    if (explain) {
        auto& parts = r["explain"] = nlohmann::json::array();
        for (const auto& part : hit.explanation) parts.push_back({{"name", part.name}, {"weight", part.weight}});
    }
    return r;
}

nlohmann::json to_json(const SearchRequest& request, const SearchResponse& response) {
    nlohmann::json j;
    j["query"] = valid_utf8(request.query);
    j["offset"] = request.offset;
    j["limit"] = request.limit;
    j["sort"] = std::string(sort_order_name(response.sort));
    j["total"] = response.total;
    j["total_exact"] = response.total_exact;
    j["total_all"] = response.total_all ? nlohmann::json(*response.total_all) : nlohmann::json(nullptr);
    j["partial_from"] = response.partial_from ? nlohmann::json(*response.partial_from) : nlohmann::json(nullptr);
    j["match"] = std::string(match_mode_name(response.match));
    j["relaxed"] = response.relaxed;
    j["did_you_mean"] = response.did_you_mean ? nlohmann::json(valid_utf8(*response.did_you_mean)) : nlohmann::json(nullptr);
    j["warnings"] = valid_utf8(response.warnings);
    auto& named = j["query_places"] = nlohmann::json::array();
    for (const auto& p : response.places) named.push_back({{"id", p.place.id}, {"label", p.label}, {"words", valid_utf8(p.words)}});
    // {"unemployment": ["chômage"]}, and the languages translated into (["fr"]).
    auto& translations = j["translations"] = nlohmann::json::object();
    auto& into = j["translated_into"] = nlohmann::json::array();
    for (const auto& t : response.translations) {
        auto& targets = translations[valid_utf8(t.words)];
        if (targets.is_null()) targets = nlohmann::json::array();
        for (const auto& target : t.targets) targets.push_back(valid_utf8(target));
        const std::string lang(common::lang_code(t.from == common::Lang::en ? common::Lang::fr : common::Lang::en));
        if (std::find(into.begin(), into.end(), lang) == into.end()) into.push_back(lang);
    }
    j["took_ms"] = response.elapsed_ms;
    j["results"] = results_json(response.hits, request.explain);
    if (response.facets) {
        const Facets& f = *response.facets;
        nlohmann::json facets;
        facets["exact"] = response.facets_exact;
        // A sample was counted: the counts are estimates of the whole from this share of the matches.
        if (f.share < 1.0) facets["share"] = f.share;
        for (const FacetSpec& spec : k_facets) facets[std::string(spec.name)] = facet_json(f.*spec.counts);
        if (!f.months.empty()) facets["months"] = facet_json(f.months);
        if (!f.days.empty()) facets["days"] = facet_json(f.days);
        facets["undated"] = f.undated;
        j["facets"] = std::move(facets);
    }
    if (request.explain) j["explain"]["query"] = response.query_description;
    return j;
}

nlohmann::json to_json(const RelatedRequest& request, const SearchResponse& response) {
    nlohmann::json j;
    j["id"] = valid_utf8(request.id);
    j["results"] = results_json(response.hits, false);
    j["took_ms"] = response.elapsed_ms;
    return j;
}

nlohmann::json to_json(const SuggestRequest& request, const SuggestResponse& response) {
    nlohmann::json j;
    j["prefix"] = valid_utf8(request.prefix);
    auto& completions = j["completions"] = nlohmann::json::array();
    for (const auto& c : response.completions) {
        nlohmann::json item{{"text", c.text}, {"kind", c.kind}, {"count", c.count}};
        if (!c.place_id.empty()) item["place_id"] = c.place_id;
        completions.push_back(std::move(item));
    }
    j["took_ms"] = response.elapsed_ms;
    return j;
}

}  // namespace dateline::searcher
