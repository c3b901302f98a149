// The JSON shape of search responses, shared by dateline-search --json and the HTTP API.
#pragma once

#include "searcher.hpp"

#include <nlohmann/json.hpp>

namespace dateline::searcher {

/// The documented, stable JSON form of a response (see docs/API.md).
nlohmann::json to_json(const SearchRequest& request, const SearchResponse& response);

}  // namespace dateline::searcher
