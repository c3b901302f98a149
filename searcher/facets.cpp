// Facet counting with ValueCountMatchSpy over the facet value slots of common/schema.
#include "facets.hpp"

#include "state_cache.hpp"

#include "common/dates.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

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
        if (!value.empty()) out.push_back({value, count, {}});
    }
    // Labels cost a gazetteer lookup each: only the values shown get one.
    const auto by_count = [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; };
    if (out.size() > top) {
        std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(top), out.end(),
                          [&](const FacetCount& a, const FacetCount& b) {
                              return a.count != b.count ? a.count > b.count : a.value < b.value;
                          });
        out.resize(top);
    } else {
        std::stable_sort(out.begin(), out.end(), by_count);
    }
    for (auto& facet : out) facet.label = label(facet.value);
    return out;
}

}  // namespace

// ---- Columns: facet values in memory, for indexes whose shards are all local.

/// The slots held as columns, in column order: year, language, source, the place slots, the country slots,
/// the collapse key.
constexpr std::size_t k_column_year = 0;
constexpr std::size_t k_column_lang = 1;
constexpr std::size_t k_column_source = 2;
constexpr std::size_t k_column_place_first = 3;
constexpr std::size_t k_column_country_first = k_column_place_first + schema::k_place_slot_count;
constexpr std::size_t k_column_collapse = k_column_country_first + schema::k_country_slot_count;
constexpr std::size_t k_column_count = k_column_collapse + 1;

class FacetColumns {
  public:
    explicit FacetColumns(const Xapian::Database& db) : m_values(1) {
        // Value 0 of the dictionary stands for "no value".
        const std::size_t size = static_cast<std::size_t>(db.get_lastdocid()) + 1;
        std::unordered_map<std::string, std::uint32_t> ids;
        for (std::size_t c = 0; c < k_column_count; ++c) {
            auto& column = m_columns[c];
            column.assign(size, 0);
            const Xapian::valueno slot = slot_of(c);
            // One sequential walk of the slot's value stream: cheap, unlike a lookup per document.
            for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
                const std::string value = *it;
                auto [pos, added] = ids.emplace(value, static_cast<std::uint32_t>(m_values.size()));
                if (added) m_values.push_back(value);
                if (it.get_docid() < size) column[it.get_docid()] = pos->second;
            }
        }
    }

    static Xapian::valueno slot_of(std::size_t column) {
        if (column == k_column_year) return schema::k_slot_year;
        if (column == k_column_lang) return schema::k_slot_lang;
        if (column == k_column_source) return schema::k_slot_source;
        if (column < k_column_country_first) return schema::k_slot_place_first + static_cast<Xapian::valueno>(column - k_column_place_first);
        if (column == k_column_collapse) return schema::k_slot_collapse;
        return schema::k_slot_country_first + static_cast<Xapian::valueno>(column - k_column_country_first);
    }

    /// Interned value of `docid` in `column` (0: none).
    std::uint32_t at(std::size_t column, Xapian::docid docid) const {
        const auto& c = m_columns[column];
        return docid < c.size() ? c[docid] : 0;
    }
    const std::string& value(std::uint32_t id) const { return m_values[id]; }
    std::size_t value_count() const noexcept { return m_values.size(); }

  private:
    std::vector<std::string> m_values;
    std::array<std::vector<std::uint32_t>, k_column_count> m_columns;
};

namespace {

/// Records the docid of every match (local databases only: a custom spy cannot run in xapian-tcpsrv).
class MatchRecorder : public Xapian::MatchSpy {
  public:
    void operator()(const Xapian::Document& doc, double) override { docids.push_back(doc.get_docid()); }
    std::vector<Xapian::docid> docids;
};

}  // namespace

std::shared_ptr<const FacetColumns> facet_columns(const OpenIndex& index) {
    // One local database only: with several, Xapian hands match spies each shard's own docids, which
    // cannot be told apart.
    if (index.local_shards.size() != 1 || index.shards.size() != 1) return nullptr;
    std::string shards;
    for (const auto& spec : index.shards) shards += spec + '\n';
    std::string state = shards;
    try {
        for (const auto& shard : index.local_shards) state += std::to_string(shard.get_revision()) + ' ';
    } catch (const Xapian::Error&) {
        return nullptr;  // a backend without revisions: the spies will do
    }
    // Columns per index state (the shards and their revisions), a few kept for Searchers whose handles lag
    // behind a commit.
    static StateCache<FacetColumns> cache(4);
    static std::mutex requests_mutex;
    static std::map<std::string, std::size_t> requests;
    const std::lock_guard lock(requests_mutex);
    if (auto columns = cache.find(state)) return columns;
    if (++requests[shards] < 2) return nullptr;
    return cache.store(state, std::make_shared<const FacetColumns>(index.database));
}

struct FacetCounter::Spies {
    /// With columns.
    MatchRecorder recorder;
    /// Without columns.
    std::optional<Xapian::ValueCountMatchSpy> years;
    std::optional<Xapian::ValueCountMatchSpy> languages;
    std::optional<Xapian::ValueCountMatchSpy> sources;
    // Match spies cannot be copied or moved: a deque builds them in place and never moves them.
    std::deque<Xapian::ValueCountMatchSpy> places;
    std::deque<Xapian::ValueCountMatchSpy> countries;
    std::optional<Xapian::ValueCountMatchSpy> collapse;
    /// Drill-downs, either way.
    std::optional<Xapian::ValueCountMatchSpy> months;
    std::optional<Xapian::ValueCountMatchSpy> days;
};

FacetCounter::FacetCounter(FacetRequest request, std::shared_ptr<const FacetColumns> columns)
    : m_request(std::move(request)), m_columns(std::move(columns)), m_spies(std::make_unique<Spies>()) {
    if (!m_request.year.empty()) {
        parse_year(m_request.year);
        m_spies->months.emplace(schema::k_slot_month);
    }
    if (!m_request.month.empty()) {
        parse_month(m_request.month);
        m_spies->days.emplace(schema::k_slot_day);
    }
    if (m_columns) return;
    if (m_request.collapsed) m_spies->collapse.emplace(schema::k_slot_collapse);
    m_spies->years.emplace(schema::k_slot_year);
    m_spies->languages.emplace(schema::k_slot_lang);
    m_spies->sources.emplace(schema::k_slot_source);
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
    if (m_columns) {
        enquire.add_matchspy(&m_spies->recorder);
    } else {
        enquire.add_matchspy(&*m_spies->years);
        enquire.add_matchspy(&*m_spies->languages);
        enquire.add_matchspy(&*m_spies->sources);
        if (m_spies->collapse) enquire.add_matchspy(&*m_spies->collapse);
        for (auto& spy : m_spies->places) enquire.add_matchspy(&spy);
        for (auto& spy : m_spies->countries) enquire.add_matchspy(&spy);
    }
    if (m_spies->months) enquire.add_matchspy(&*m_spies->months);
    if (m_spies->days) enquire.add_matchspy(&*m_spies->days);
}

Facets FacetCounter::read(const PlaceDirectory& places) const {
    // The counts per value of each facet, from the columns or from the spies.
    std::size_t counted = 0;
    std::size_t collapsed = 0;
    std::map<std::string, std::size_t> years;
    std::map<std::string, std::size_t> languages;
    std::map<std::string, std::size_t> sources;
    // An article's places are one per slot, so adding the slots' counts counts each article once per place.
    std::map<std::string, std::size_t> place_counts;
    std::map<std::string, std::size_t> country_counts;
    if (m_columns) {
        const FacetColumns& columns = *m_columns;
        const std::vector<Xapian::docid>& docids = m_spies->recorder.docids;
        counted = docids.size();
        if (m_request.collapsed) {
            // Articles without a key, and one per distinct key: a scratch mark per value id, reset after.
            thread_local std::vector<std::uint8_t> seen;
            if (seen.size() < columns.value_count()) seen.resize(columns.value_count(), 0);
            std::vector<std::uint32_t> keys;
            for (const Xapian::docid did : docids) {
                const std::uint32_t key = columns.at(k_column_collapse, did);
                if (key == 0) {
                    ++collapsed;
                } else if (!seen[key]) {
                    seen[key] = 1;
                    keys.push_back(key);
                }
            }
            collapsed += keys.size();
            for (const std::uint32_t key : keys) seen[key] = 0;
        }
        // Counts per value id in one scratch array per facet; only the ids touched are read back and reset,
        // so a query costs its matches, not the size of the value dictionary.
        thread_local std::array<std::vector<std::uint32_t>, 5> by_id;  // year, language, source, places, countries
        std::array<std::vector<std::uint32_t>, 5> touched;
        for (auto& v : by_id) {
            if (v.size() < columns.value_count()) v.resize(columns.value_count(), 0);
        }
        auto count = [&](std::size_t facet, std::uint32_t id) {
            if (by_id[facet][id]++ == 0) touched[facet].push_back(id);
        };
        for (const Xapian::docid did : docids) {
            count(0, columns.at(k_column_year, did));
            count(1, columns.at(k_column_lang, did));
            count(2, columns.at(k_column_source, did));
            for (std::size_t c = k_column_place_first; c < k_column_country_first; ++c) count(3, columns.at(c, did));
            for (std::size_t c = k_column_country_first; c < k_column_collapse; ++c) count(4, columns.at(c, did));
        }
        std::array<std::map<std::string, std::size_t>*, 5> maps = {&years, &languages, &sources, &place_counts, &country_counts};
        for (std::size_t f = 0; f < by_id.size(); ++f) {
            std::vector<std::uint32_t>& ids = touched[f];
            std::erase(ids, 0u);  // "no value"
            if (f >= 3 && ids.size() > m_request.top) {
                // Places and countries: only the top ones are shown; the rest need no string at all.
                // Same order as the maps give top_of(): count, then value.
                std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(m_request.top), ids.end(),
                                  [&](std::uint32_t a, std::uint32_t b) {
                                      const auto ca = by_id[f][a];
                                      const auto cb = by_id[f][b];
                                      return ca != cb ? ca > cb : columns.value(a) < columns.value(b);
                                  });
                for (std::size_t k = 0; k < m_request.top; ++k) (*maps[f])[columns.value(ids[k])] += by_id[f][ids[k]];
            } else {
                for (const std::uint32_t id : ids) (*maps[f])[columns.value(id)] += by_id[f][id];
            }
            for (const std::uint32_t id : touched[f]) by_id[f][id] = 0;
            by_id[f][0] = 0;
        }
    } else {
        counted = static_cast<std::size_t>(m_spies->years->get_total());
        if (m_spies->collapse) {
            // The spy counts the documents with a key, per key; the others each stay a result of their own.
            std::size_t keyed = 0;
            for (auto it = m_spies->collapse->values_begin(); it != m_spies->collapse->values_end(); ++it) {
                if ((*it).empty()) continue;
                keyed += static_cast<std::size_t>(it.get_termfreq());
                ++collapsed;
            }
            collapsed += counted - std::min(counted, keyed);
        }
        years = counts_of(*m_spies->years);
        languages = counts_of(*m_spies->languages);
        sources = counts_of(*m_spies->sources);
        for (const auto& spy : m_spies->places) {
            for (const auto& [value, count] : counts_of(spy)) place_counts[value] += count;
        }
        for (const auto& spy : m_spies->countries) {
            for (const auto& [value, count] : counts_of(spy)) country_counts[value] += count;
        }
    }

    Facets out;
    out.counted = counted;
    out.collapsed = collapsed;
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
        for (int d = 1; d <= common::days_in_month(year, month); ++d) {
            const std::string value = m_request.month + "-" + two_digits(d);
            const auto it = days.find(value);
            out.days.push_back({value, it == days.end() ? 0 : it->second, {}});
        }
    }
    auto no_label = [](const std::string&) { return std::string(); };
    auto place_label = [&](const std::string& id) { return places.label(id, m_request.label_lang); };
    out.languages = top_of(languages, 10, no_label);
    out.sources = top_of(sources, m_request.top, no_label);
    out.places = top_of(place_counts, m_request.top, place_label);
    out.countries = top_of(country_counts, m_request.top, place_label);
    return out;
}

}  // namespace dateline::searcher
