// Fuzz target: a search on the sample index as the searcher library runs it: query text in Xapian's syntax
// through the QueryBuilder (fields, filters, wildcards, places, translations), the filter parameters, sorting,
// facets, snippets, spelling, and completions of the text. Input: one field per line: query, from, to, place,
// lang, source, sort (0 relevance, 1 date, 2 recent), facet drill-down (YYYY or YYYY-MM).
#include "fuzz_support.hpp"

#include "searcher/searcher.hpp"

#include "common/errors.hpp"

namespace {

dateline::searcher::Searcher& searcher() {
    static dateline::searcher::Searcher s(dateline::searcher::open_index({dateline::fuzz::sample_index()}));
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    static_cast<void>(searcher());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string> fields = dateline::fuzz::split_fields(dateline::fuzz::as_text(data, size), 8);
    dateline::searcher::SearchRequest request;
    request.query = fields[0];
    request.from = fields[1];
    request.to = fields[2];
    if (!fields[3].empty()) request.places.push_back(fields[3]);
    request.lang = fields[4];
    request.source = fields[5];
    request.sort = fields[6] == "1" ? dateline::searcher::SortOrder::date
                   : fields[6] == "2" ? dateline::searcher::SortOrder::recent
                                      : dateline::searcher::SortOrder::relevance;
    if (fields[7].size() > 4) {
        request.facet_month = fields[7];
    } else {
        request.facet_year = fields[7];
    }
    try {
        static_cast<void>(searcher().search(request));
    } catch (const dateline::common::UsageError&) {
        // A bad filter value is the user's mistake, reported with a message (400 from the server).
    }
    dateline::searcher::SuggestRequest suggest;
    suggest.prefix = fields[0];
    static_cast<void>(searcher().suggest(suggest));
    return 0;
}
