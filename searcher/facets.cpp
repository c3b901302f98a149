// Facet counting with ValueCountMatchSpy over the facet value slots of common/schema.
#include "facets.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <map>

namespace dateline::searcher {

namespace schema = common::schema;

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// "2024" → 2024, else throws.
int parse_year(std::string_view text) {
    if (text.size() != 4 || !all_digits(text)) {
        throw common::UsageError("bad facet year '" + std::string(text) + "'; expected YYYY");
    }
    return std::stoi(std::string(text));
}

/// "2024-06" → {2024, 6}, else throws.
std::pair<int, int> parse_month(std::string_view text) {
    if (text.size() != 7 || text[4] != '-' || !all_digits(text.substr(0, 4)) || !all_digits(text.substr(5))) {
        throw common::UsageError("bad facet month '" + std::string(text) + "'; expected YYYY-MM");
    }
    const int month = std::stoi(std::string(text.substr(5)));
    if (month < 1 || month > 12) throw common::UsageError("bad facet month '" + std::string(text) + "'; expected YYYY-MM");
    return {std::stoi(std::string(text.substr(0, 4))), month};
}

std::string two_digits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> k_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : k_days[static_cast<std::size_t>(month - 1)];
}

std::map<std::string, std::size_t> counts_of(const Xapian::ValueCountMatchSpy& spy) {
    std::map<std::string, std::size_t> out;
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) out[*it] += static_cast<std::size_t>(it.get_termfreq());
    return out;
}

/// The `top` most frequent values (ties by value), labelled by `label`.
template <typename Label>
std::vector<FacetCount> top_of(const std::map<std::string, std::size_t>& counts, std::size_t top, const Label& label) {
    std::vector<FacetCount> out;
    out.reserve(counts.size());
    for (const auto& [value, count] : counts) {
        if (!value.empty()) out.push_back({value, count, label(value)});
    }
    std::stable_sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
    if (out.size() > top) out.resize(top);
    return out;
}

}  // namespace

struct FacetCounter::Spies {
    Xapian::ValueCountMatchSpy years{schema::k_slot_year};
    std::optional<Xapian::ValueCountMatchSpy> months;
    std::optional<Xapian::ValueCountMatchSpy> days;
    Xapian::ValueCountMatchSpy languages{schema::k_slot_lang};
    Xapian::ValueCountMatchSpy sources{schema::k_slot_source};
    // Match spies cannot be copied or moved: a deque builds them in place and never moves them.
    std::deque<Xapian::ValueCountMatchSpy> places;
    std::deque<Xapian::ValueCountMatchSpy> countries;
};

FacetCounter::FacetCounter(FacetRequest request) : m_request(std::move(request)), m_spies(std::make_unique<Spies>()) {
    if (!m_request.year.empty()) {
        parse_year(m_request.year);
        m_spies->months.emplace(schema::k_slot_month);
    }
    if (!m_request.month.empty()) {
        parse_month(m_request.month);
        m_spies->days.emplace(schema::k_slot_day);
    }
    for (std::size_t k = 0; k < schema::k_place_slot_count; ++k) {
        m_spies->places.emplace_back(schema::k_slot_place_first + static_cast<Xapian::valueno>(k));
    }
    for (std::size_t k = 0; k < schema::k_country_slot_count; ++k) {
        m_spies->countries.emplace_back(schema::k_slot_country_first + static_cast<Xapian::valueno>(k));
    }
}

FacetCounter::~FacetCounter() = default;

void FacetCounter::attach(Xapian::Enquire& enquire) {
    // The spies stay owned here: Enquire keeps pointers, valid for the lifetime of this counter.
    enquire.add_matchspy(&m_spies->years);
    if (m_spies->months) enquire.add_matchspy(&*m_spies->months);
    if (m_spies->days) enquire.add_matchspy(&*m_spies->days);
    enquire.add_matchspy(&m_spies->languages);
    enquire.add_matchspy(&m_spies->sources);
    for (auto& spy : m_spies->places) enquire.add_matchspy(&spy);
    for (auto& spy : m_spies->countries) enquire.add_matchspy(&spy);
}

Facets FacetCounter::read(const PlaceDirectory& places) const {
    Facets out;
    out.counted = static_cast<std::size_t>(m_spies->years.get_total());
    const auto years = counts_of(m_spies->years);
    std::size_t dated = 0;
    int first = 0;
    int last = 0;
    for (const auto& [value, count] : years) {
        dated += count;
        if (value.size() != 4 || !all_digits(value)) continue;
        const int y = std::stoi(value);
        if (first == 0) first = y;
        last = y;
    }
    out.undated = out.counted - std::min(out.counted, dated);
    for (int y = first; first != 0 && y <= last; ++y) {
        const auto it = years.find(std::to_string(y));
        out.years.push_back({std::to_string(y), it == years.end() ? 0 : it->second, {}});
    }
    if (m_spies->months) {
        const auto months = counts_of(*m_spies->months);
        for (int m = 1; m <= 12; ++m) {
            const std::string value = m_request.year + "-" + two_digits(m);
            const auto it = months.find(value);
            out.months.push_back({value, it == months.end() ? 0 : it->second, {}});
        }
    }
    if (m_spies->days) {
        const auto days = counts_of(*m_spies->days);
        const auto [year, month] = parse_month(m_request.month);
        for (int d = 1; d <= days_in_month(year, month); ++d) {
            const std::string value = m_request.month + "-" + two_digits(d);
            const auto it = days.find(value);
            out.days.push_back({value, it == days.end() ? 0 : it->second, {}});
        }
    }
    auto no_label = [](const std::string&) { return std::string(); };
    auto place_label = [&](const std::string& id) { return places.label(id, m_request.label_lang); };
    out.languages = top_of(counts_of(m_spies->languages), 10, no_label);
    out.sources = top_of(counts_of(m_spies->sources), m_request.top, no_label);
    // An article's places are one per slot, so adding the slots' counts counts each article once per place.
    std::map<std::string, std::size_t> place_counts;
    for (const auto& spy : m_spies->places) {
        for (const auto& [value, count] : counts_of(spy)) place_counts[value] += count;
    }
    out.places = top_of(place_counts, m_request.top, place_label);
    std::map<std::string, std::size_t> country_counts;
    for (const auto& spy : m_spies->countries) {
        for (const auto& [value, count] : counts_of(spy)) country_counts[value] += count;
    }
    out.countries = top_of(country_counts, m_request.top, place_label);
    return out;
}

}  // namespace dateline::searcher
