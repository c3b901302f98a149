// JSON serialisation of search responses.
#include "json_output.hpp"

namespace dateline::searcher {

namespace {

nlohmann::json facet_json(const std::vector<FacetCount>& counts) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : counts) arr.push_back({{"value", c.value}, {"count", c.count}});
    return arr;
}

}  // namespace

nlohmann::json to_json(const SearchRequest& request, const SearchResponse& response) {
    nlohmann::json j;
    j["query"] = request.query;
    j["total"] = response.total;
    j["total_exact"] = response.total_exact;
    j["relaxed"] = response.relaxed;
    j["offset"] = request.offset;
    j["limit"] = request.limit;
    j["took_ms"] = response.elapsed_ms;
    auto& results = j["results"] = nlohmann::json::array();
    for (const auto& hit : response.hits) {
        const auto& a = hit.article;
        nlohmann::json r;
        r["rank"] = hit.rank;
        r["id"] = a.id;
        r["title"] = a.display_title();
        r["date"] = a.date ? nlohmann::json(a.date->iso()) : nlohmann::json(nullptr);
        r["lang"] = std::string(common::lang_code(a.lang));
        r["source"] = a.source;
        r["url"] = a.url;
        r["score"] = hit.weight;
        r["extract"] = hit.extract;
        auto& places = r["places"] = nlohmann::json::array();
        for (const auto& p : a.places) places.push_back({{"id", p.id}, {"country", p.country}, {"salience", p.salience}});
        results.push_back(std::move(r));
    }
    if (request.facets) {
        j["facets"]["years"] = facet_json(response.years);
        j["facets"]["languages"] = facet_json(response.languages);
        j["facets"]["sources"] = facet_json(response.sources);
    }
    return j;
}

}  // namespace dateline::searcher
