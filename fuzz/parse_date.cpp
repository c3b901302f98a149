// Fuzz target: date parsing (ISO 8601, RFC 822, English and French written dates, day-first numeric) and what
// the indexer derives from a date (ISO text, the sortable value, seconds since the epoch).
#include "fuzz_support.hpp"

#include "common/dates.hpp"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = dateline::fuzz::as_text(data, size);
    static_cast<void>(dateline::common::looks_like_date(text));
    const std::optional<dateline::common::NewsDate> date = dateline::common::parse_news_date(text);
    if (!date) return 0;
    // A date read is a real one, and its ISO form (what the index stores) reads back as the same day.
    const std::string iso = date->iso();
    const std::optional<dateline::common::NewsDate> again = dateline::common::parse_news_date(iso);
    if (!date->valid() || !again || again->year != date->year || again->month != date->month || again->day != date->day) {
        std::fprintf(stderr, "date read from the input does not survive its ISO form '%s'\n", iso.c_str());
        std::abort();
    }
    static_cast<void>(date->yyyymmdd());
    static_cast<void>(date->unix_seconds());
    return 0;
}
