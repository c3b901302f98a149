// Facet counting with ValueCountMatchSpy over the facet value slots of common/schema.
#include "facets.hpp"

#include "state_cache.hpp"

#include "common/dates.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>

namespace dateline::searcher {

namespace schema = common::schema;

const std::array<FacetSpec, 5> k_facets = {{
    {"years", schema::k_slot_year, 1, FacetSpec::Listing::timeline, false, &Facets::years},
    {"places", schema::k_slot_place_first, schema::k_place_slot_count, FacetSpec::Listing::top_n, true, &Facets::places},
    {"countries", schema::k_slot_country_first, schema::k_country_slot_count, FacetSpec::Listing::top_n, true, &Facets::countries},
    {"languages", schema::k_slot_lang, 1, FacetSpec::Listing::top_ten, false, &Facets::languages},
    {"sources", schema::k_slot_source, 1, FacetSpec::Listing::top_n, false, &Facets::sources},
}};

namespace {

/// The timeline facet (years): the drill-downs and the undated count hang on it.
constexpr std::size_t k_years = 0;

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

/// Every year from the first to the last with matches, ascending, 0 between; `undated` gets the matches
/// (of `counted`) without a year.
std::vector<FacetCount> timeline(const std::map<std::string, std::size_t>& years, std::size_t& undated, std::size_t counted) {
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
    undated = counted - std::min(counted, dated);
    std::vector<FacetCount> out;
    for (int y = first; first != 0 && y <= last; ++y) {
        const auto it = years.find(std::to_string(y));
        out.push_back({std::to_string(y), it == years.end() ? 0 : it->second, {}});
    }
    return out;
}

}  // namespace

// ---- Columns: facet values in memory, for indexes whose shards are all local.

/// The slots held as columns: those of each facet of k_facets in order, then the collapse key.
struct ColumnLayout {
    /// The first column of each facet; facet f has columns first[f] .. first[f + 1] - 1.
    std::array<std::size_t, k_facets.size() + 1> first{};
    std::vector<Xapian::valueno> slots;
    std::size_t collapse = 0;
    ColumnLayout() {
        for (std::size_t f = 0; f < k_facets.size(); ++f) {
            first[f] = slots.size();
            for (std::size_t k = 0; k < k_facets[f].slot_count; ++k) slots.push_back(k_facets[f].first_slot + static_cast<Xapian::valueno>(k));
        }
        first[k_facets.size()] = slots.size();
        collapse = slots.size();
        slots.push_back(schema::k_slot_collapse);
    }
};

const ColumnLayout& column_layout() {
    static const ColumnLayout layout;
    return layout;
}

class FacetColumns {
  public:
    explicit FacetColumns(const Xapian::Database& db) : m_values(1), m_columns(column_layout().slots.size()) {
        // Value 0 of the dictionary stands for "no value".
        const std::size_t size = static_cast<std::size_t>(db.get_lastdocid()) + 1;
        std::unordered_map<std::string, std::uint32_t> ids;
        for (std::size_t c = 0; c < m_columns.size(); ++c) {
            auto& column = m_columns[c];
            column.assign(size, 0);
            const Xapian::valueno slot = column_layout().slots[c];
            // One sequential walk of the slot's value stream: cheap, unlike a lookup per document.
            for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
                const std::string value = *it;
                auto [pos, added] = ids.emplace(value, static_cast<std::uint32_t>(m_values.size()));
                if (added) m_values.push_back(value);
                if (it.get_docid() < size) column[it.get_docid()] = pos->second;
            }
        }
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
    std::vector<std::vector<std::uint32_t>> m_columns;
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
    /// Without columns: one per slot of each facet. Match spies cannot be copied or moved: deques build
    /// them in place and never move them.
    std::array<std::deque<Xapian::ValueCountMatchSpy>, k_facets.size()> facets;
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
    for (std::size_t f = 0; f < k_facets.size(); ++f) {
        for (std::size_t k = 0; k < k_facets[f].slot_count; ++k) {
            m_spies->facets[f].emplace_back(k_facets[f].first_slot + static_cast<Xapian::valueno>(k));
        }
    }
}

FacetCounter::~FacetCounter() = default;

void FacetCounter::attach(Xapian::Enquire& enquire) {
    // The spies stay owned here: Enquire keeps pointers, valid for the lifetime of this counter.
    if (m_columns) {
        enquire.add_matchspy(&m_spies->recorder);
    } else {
        for (auto& spies : m_spies->facets) {
            for (auto& spy : spies) enquire.add_matchspy(&spy);
        }
        if (m_spies->collapse) enquire.add_matchspy(&*m_spies->collapse);
    }
    if (m_spies->months) enquire.add_matchspy(&*m_spies->months);
    if (m_spies->days) enquire.add_matchspy(&*m_spies->days);
}

Facets FacetCounter::read(const PlaceDirectory& places) const {
    // The counts per value of each facet, from the columns or from the spies. An article's places are one
    // per slot, so adding the slots' counts counts each article once per place.
    std::size_t counted = 0;
    std::size_t collapsed = 0;
    std::array<std::map<std::string, std::size_t>, k_facets.size()> counts;
    // Only the top values of these are listed: the others need no string at all.
    auto listed = [&](std::size_t f) {
        return k_facets[f].listing == FacetSpec::Listing::top_n ? m_request.top : std::numeric_limits<std::size_t>::max();
    };
    if (m_columns) {
        const FacetColumns& columns = *m_columns;
        const ColumnLayout& layout = column_layout();
        const std::vector<Xapian::docid>& docids = m_spies->recorder.docids;
        counted = docids.size();
        if (m_request.collapsed) {
            // Articles without a key, and one per distinct key: a scratch mark per value id, reset after.
            thread_local std::vector<std::uint8_t> seen;
            if (seen.size() < columns.value_count()) seen.resize(columns.value_count(), 0);
            std::vector<std::uint32_t> keys;
            for (const Xapian::docid did : docids) {
                const std::uint32_t key = columns.at(layout.collapse, did);
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
        thread_local std::array<std::vector<std::uint32_t>, k_facets.size()> by_id;
        std::array<std::vector<std::uint32_t>, k_facets.size()> touched;
        for (auto& v : by_id) {
            if (v.size() < columns.value_count()) v.resize(columns.value_count(), 0);
        }
        for (const Xapian::docid did : docids) {
            for (std::size_t f = 0; f < k_facets.size(); ++f) {
                for (std::size_t c = layout.first[f]; c < layout.first[f + 1]; ++c) {
                    const std::uint32_t id = columns.at(c, did);
                    if (by_id[f][id]++ == 0) touched[f].push_back(id);
                }
            }
        }
        for (std::size_t f = 0; f < k_facets.size(); ++f) {
            std::vector<std::uint32_t>& ids = touched[f];
            std::erase(ids, 0u);  // "no value"
            const std::size_t top = std::min(listed(f), ids.size());
            if (ids.size() > top) {
                // Same order as the maps give top_of(): count, then value.
                std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(top), ids.end(),
                                  [&](std::uint32_t a, std::uint32_t b) {
                                      const auto ca = by_id[f][a];
                                      const auto cb = by_id[f][b];
                                      return ca != cb ? ca > cb : columns.value(a) < columns.value(b);
                                  });
            }
            for (std::size_t k = 0; k < top; ++k) counts[f][columns.value(ids[k])] += by_id[f][ids[k]];
            for (const std::uint32_t id : touched[f]) by_id[f][id] = 0;
            by_id[f][0] = 0;
        }
    } else {
        counted = static_cast<std::size_t>(m_spies->facets[k_years].front().get_total());
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
        for (std::size_t f = 0; f < k_facets.size(); ++f) {
            for (const auto& spy : m_spies->facets[f]) {
                for (const auto& [value, count] : counts_of(spy)) counts[f][value] += count;
            }
        }
    }

    Facets out;
    out.counted = counted;
    out.collapsed = collapsed;
    auto no_label = [](const std::string&) { return std::string(); };
    auto place_label = [&](const std::string& id) { return places.label(id, m_request.label_lang); };
    for (std::size_t f = 0; f < k_facets.size(); ++f) {
        const FacetSpec& spec = k_facets[f];
        if (spec.listing == FacetSpec::Listing::timeline) {
            out.*spec.counts = timeline(counts[f], out.undated, counted);
            continue;
        }
        const std::size_t top = spec.listing == FacetSpec::Listing::top_ten ? 10 : m_request.top;
        out.*spec.counts = spec.place_labels ? top_of(counts[f], top, place_label) : top_of(counts[f], top, no_label);
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
    return out;
}

}  // namespace dateline::searcher
