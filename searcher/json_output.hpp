// The JSON shapes of search, related-article and completion responses, shared by dateline-search --json
// and the HTTP API: the one place they are written (documented in docs/SEARCH.md).
#pragma once

#include "searcher.hpp"

#include <nlohmann/json.hpp>

namespace dateline::searcher {

/// A search response (docs/SEARCH.md, "JSON").
nlohmann::json to_json(const SearchRequest& request, const SearchResponse& response);

/// Related articles of request.id: {"id", "results": [...as in a search...], "took_ms"}.
nlohmann::json to_json(const RelatedRequest& request, const SearchResponse& response);

/// Completions: {"prefix", "completions": [{"text", "kind", "place_id"?, "count"}], "took_ms"}.
nlohmann::json to_json(const SuggestRequest& request, const SuggestResponse& response);

/// One result, as listed in "results".
nlohmann::json hit_json(const SearchHit& hit, bool explain);

}  // namespace dateline::searcher
