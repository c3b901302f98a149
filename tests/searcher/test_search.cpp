// Searcher smoke tests: the sample corpus opens and answers.
#include "search_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dateline;

TEST_CASE("the sample corpus is searchable", "[search]") {
    searcher::Searcher s(searcher::open_index({test::sample_db()}));
    searcher::SearchRequest request;
    request.query = "North Korea";
    const auto response = s.search(request);
    CHECK(response.total > 0);
}
