// Facet counting over the facet value slots of common/schema: in-memory columns or built-in ValueCountMatchSpy,
// near-duplicate groups counted once per value.
#include "facets.hpp"

#include "state_cache.hpp"

#include "common/dates.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/shard_layout.hpp"

#include <algorithm>
#include <cmath>
#include <array>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <sys/mman.h>

namespace dateline::searcher {

namespace schema = common::schema;

const std::array<FacetSpec, 5> k_facets = {{
    {"years", schema::k_slot_year, 1, FacetSpec::Listing::timeline, false, &Facets::years},
    {"places", schema::k_slot_place_first, schema::k_place_slot_count, FacetSpec::Listing::top_n, true, &Facets::places},
    {"countries", schema::k_slot_country_first, schema::k_country_slot_count, FacetSpec::Listing::top_n, true, &Facets::countries},
    {"languages", schema::k_slot_lang, 1, FacetSpec::Listing::top_ten, false, &Facets::languages},
    {"sources", schema::k_slot_source, 1, FacetSpec::Listing::top_n, false, &Facets::sources, true},
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
        if (!value.empty()) out.push_back({value, count, {}, {}});
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

/// Source counts by id from counts by slot value (schema::source_value), and the label of each id: a written
/// name before a slug (as the indexer relabels within a shard), then the one most articles carry (an index
/// holds one per id unless shards or an earlier layout disagree: a shard of an early year may have met the
/// publisher under its slug only).
std::map<std::string, std::size_t> counts_by_source_id(const std::map<std::string, std::size_t>& by_value,
                                                       std::map<std::string, std::string>& labels) {
    std::map<std::string, std::size_t> by_id;
    std::map<std::string, std::size_t> label_count;
    for (const auto& [value, count] : by_value) {
        schema::SourceValue source = schema::parse_source_value(value);
        if (source.id.empty()) continue;
        by_id[source.id] += count;
        const auto known = labels.find(source.id);
        const bool written = schema::is_written_source_name(source.label);
        const bool known_written = known != labels.end() && schema::is_written_source_name(known->second);
        if (known == labels.end() || (written && !known_written) || (written == known_written && count > label_count[source.id])) {
            label_count[source.id] = count;
            labels[source.id] = std::move(source.label);
        }
    }
    return by_id;
}

/// Every year from the first to the last with matches, ascending, 0 between.
std::vector<FacetCount> timeline(const std::map<std::string, std::size_t>& years) {
    int first = 0;
    int last = 0;
    for (const auto& [value, count] : years) {
        if (value.size() != 4 || !all_digits(value)) continue;
        const int y = std::stoi(value);
        if (first == 0) first = y;
        last = y;
    }
    std::vector<FacetCount> out;
    for (int y = first; first != 0 && y <= last; ++y) {
        const auto it = years.find(std::to_string(y));
        out.push_back({std::to_string(y), it == years.end() ? 0 : it->second, {}, {}});
    }
    return out;
}

// ---- Counting a group of near-duplicates once per value.
//
// Collapsing lists one result per collapse key among the matches, so the search filtered on a value has one
// result per group with a matching article that has the value. Per-article counts become those results by
// taking off, for each group with several matching articles, the value's repeats within the group: only
// the articles of such groups are looked at again.

/// `count` less `n`, never below zero (a count always includes the occurrences taken off).
template <typename Count>
void take_off(Count& count, std::size_t n) {
    count -= static_cast<Count>(std::min(static_cast<std::size_t>(count), n));
}

/// What is read of an article of a group.
struct GroupedSlots {
    bool facets = true;       ///< every facet's slots
    bool drill_downs = true;  ///< months and days
};

/// An article of a group of near-duplicates: its collapse key and the values it has.
struct GroupedArticle {
    std::string key;
    std::vector<std::pair<Xapian::valueno, std::string>> values;  ///< only the slots that have one

    GroupedArticle(std::string collapse_key, std::vector<std::pair<Xapian::valueno, std::string>> slot_values)
        : key(std::move(collapse_key)), values(std::move(slot_values)) {}
    GroupedArticle(std::string collapse_key, const Xapian::Document& doc, GroupedSlots slots) : key(std::move(collapse_key)) {
        auto read = [&](Xapian::valueno slot) {
            std::string value = doc.get_value(slot);
            if (value.empty()) return false;
            values.emplace_back(slot, std::move(value));
            return true;
        };
        if (slots.drill_downs) {
            read(schema::k_slot_month);
            read(schema::k_slot_day);
        }
        if (!slots.facets) return;
        // The indexer fills a facet's slots in order (places by salience): the first empty one ends them.
        for (const FacetSpec& spec : k_facets) {
            for (std::size_t k = 0; k < spec.slot_count && read(spec.first_slot + static_cast<Xapian::valueno>(k)); ++k) {
            }
        }
    }
    const std::string& value(Xapian::valueno slot) const {
        static const std::string none;
        for (const auto& [s, v] : values) {
            if (s == slot) return v;
        }
        return none;
    }
};

/// Counts each group of `grouped` (its articles next to each other) once per value of slots first_slot ..
/// first_slot + slot_count - 1 in `counts`: a group with a value n + 1 times (in all its articles' slots)
/// counts n too many. Values missing from `counts` are left alone ("" unless the caller counts it).
void count_groups_once(std::map<std::string, std::size_t>& counts, const std::vector<const GroupedArticle*>& grouped,
                       Xapian::valueno first_slot, std::size_t slot_count) {
    const bool count_none = counts.count("") > 0;
    std::vector<std::string_view> values;
    for (std::size_t i = 0; i < grouped.size();) {
        std::size_t end = i;
        values.clear();
        for (; end < grouped.size() && grouped[end]->key == grouped[i]->key; ++end) {
            for (std::size_t k = 0; k < slot_count; ++k) {
                const std::string& value = grouped[end]->value(first_slot + static_cast<Xapian::valueno>(k));
                if (!value.empty() || count_none) values.push_back(value);
            }
        }
        std::sort(values.begin(), values.end());
        for (std::size_t v = 0; v < values.size();) {
            std::size_t same = v + 1;
            while (same < values.size() && values[same] == values[v]) ++same;
            if (same - v > 1) {
                if (const auto it = counts.find(std::string(values[v])); it != counts.end()) take_off(it->second, same - v - 1);
            }
            v = same;
        }
        i = end;
    }
}

}  // namespace

// ---- Columns: facet values in memory, for indexes whose shards are all local.

/// The slots held as columns, in the order counting reads them: the collapse key, the facets of one slot,
/// those of several (their rarely filled last slots at the end), then the drill-downs'. With the hot columns in
/// the row's first cache line (all but an article's fifth and sixth countries), a match costs one line from
/// memory: at a million articles, 7% of the query mix's mean time and 12% of its p99 (the collapse key sat in
/// the second line, read by every match).
/// Each facet's columns share a dictionary of values (group f for facet f), and so do each of the others (a
/// group each): counting scratch arrays are as small as a facet's values.
struct ColumnLayout {
    /// Facet f has columns begin[f] .. end[f] - 1.
    std::array<std::size_t, k_facets.size()> begin{};
    std::array<std::size_t, k_facets.size()> end{};
    std::vector<Xapian::valueno> slots;
    /// The dictionary of each column, and how many dictionaries there are.
    std::vector<std::size_t> group;
    std::size_t groups = 0;
    std::size_t collapse = 0;
    std::size_t month = 0;
    std::size_t day = 0;
    ColumnLayout() {
        auto add = [&](Xapian::valueno slot, std::size_t g) {
            slots.push_back(slot);
            group.push_back(g);
            return slots.size() - 1;
        };
        collapse = add(schema::k_slot_collapse, k_facets.size());
        for (const bool several : {false, true}) {
            for (std::size_t f = 0; f < k_facets.size(); ++f) {
                if ((k_facets[f].slot_count > 1) != several) continue;
                begin[f] = slots.size();
                for (std::size_t k = 0; k < k_facets[f].slot_count; ++k) add(k_facets[f].first_slot + static_cast<Xapian::valueno>(k), f);
                end[f] = slots.size();
            }
        }
        // The drill-downs' values, for counting a group once per month or day without reading its documents.
        month = add(schema::k_slot_month, k_facets.size() + 1);
        day = add(schema::k_slot_day, k_facets.size() + 2);
        groups = k_facets.size() + 3;
    }
};

const ColumnLayout& column_layout() {
    static const ColumnLayout layout;
    return layout;
}

class FacetColumns {
  public:
    /// Values per article in one row of whole cache lines (20 slots: two lines, ColumnLayout puts what counting
    /// reads in the first): counting reads every value of a matching article, and the articles of a
    /// near-duplicate group lie far apart, so one line per article rather than one per slot (as columns would
    /// need) is what counting costs.
    static constexpr std::size_t k_line = 64 / sizeof(std::uint32_t);

    /// The rows of `db`'s docids: one database, or the local shards a stub combines (Xapian's docids of the
    /// combination: the counting match of each shard maps its own docids back, FacetCounter::attach).
    explicit FacetColumns(const Xapian::Database& db)
        : m_values(column_layout().groups, std::vector<std::string>(1)),
          m_width((column_layout().slots.size() + k_line - 1) / k_line * k_line),
          m_size(static_cast<std::size_t>(db.get_lastdocid()) + 1),
          m_rows(allocate_rows(m_size * m_width)) {
        // Value 0 of each dictionary stands for "no value".
        std::vector<std::unordered_map<std::string, std::uint32_t>> dictionaries(column_layout().groups);
        for (std::size_t c = 0; c < column_layout().slots.size(); ++c) {
            const Xapian::valueno slot = column_layout().slots[c];
            auto& ids = dictionaries[column_layout().group[c]];
            auto& values = m_values[column_layout().group[c]];
            // One sequential walk of the slot's value stream: cheap, unlike a lookup per document.
            for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
                const std::string value = *it;
                auto [pos, added] = ids.emplace(value, static_cast<std::uint32_t>(values.size()));
                if (added) values.push_back(value);
                if (it.get_docid() < m_size) m_rows[it.get_docid() * m_width + c] = pos->second;
            }
        }
    }

    /// The interned values of `docid`, indexed by the layout's columns (0: none); all 0 past the last docid.
    const std::uint32_t* row(Xapian::docid docid) const {
        return docid < m_size ? m_rows.get() + docid * m_width : m_empty_row.data();
    }
    /// Asks the memory for `docid`'s row ahead of its use: the matches' rows lie far apart.
    void prefetch(Xapian::docid docid) const { __builtin_prefetch(row(docid)); }
    /// Interned value of `docid` in `column` (0: none).
    std::uint32_t at(std::size_t column, Xapian::docid docid) const { return row(docid)[column]; }
    /// The value of `id` in dictionary `group` (ColumnLayout::group), and the size of that dictionary.
    const std::string& value(std::size_t group, std::uint32_t id) const { return m_values[group][id]; }
    std::size_t value_count(std::size_t group) const noexcept { return m_values[group].size(); }

  private:
    struct FreeRows {
        void operator()(std::uint32_t* p) const { std::free(p); }
    };
    /// `n` zeroed ids on huge pages where the system allows (a million rows is 64 MB: with 4 KB pages nearly
    /// every match's row would also miss the TLB).
    static std::uint32_t* allocate_rows(std::size_t n) {
        constexpr std::size_t huge = std::size_t{2} << 20;
        // Below one huge page (a small index), rows aligned on cache lines are enough.
        const std::size_t wanted = std::max<std::size_t>(n * sizeof(std::uint32_t), 1);
        const std::size_t align = wanted >= huge ? huge : 64;
        const std::size_t bytes = (wanted + align - 1) / align * align;
        void* p = std::aligned_alloc(align, bytes);
        if (p == nullptr) throw std::bad_alloc();
        if (align == huge) ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without it, ordinary pages
        std::memset(p, 0, bytes);
        return static_cast<std::uint32_t*>(p);
    }
    std::vector<std::vector<std::string>> m_values;
    std::size_t m_width;
    std::size_t m_size;
    std::unique_ptr<std::uint32_t[], FreeRows> m_rows;
    std::vector<std::uint32_t> m_empty_row = std::vector<std::uint32_t>(m_width, 0);
};

namespace {

/// Records the docid of every match in the combined database (local databases only: a custom spy cannot
/// run in xapian-tcpsrv). A match over shard `shard` of `shard_count` alone sees that shard's own docids.
class MatchRecorder : public Xapian::MatchSpy {
  public:
    void operator()(const Xapian::Document& doc, double) override {
        docids.push_back(common::combined_docid(doc.get_docid(), shard, shard_count));
    }
    std::size_t shard = 0;
    std::size_t shard_count = 1;
    std::vector<Xapian::docid> docids;
};

/// Records the articles that have a collapse key, with their facet values, during the match (local shards
/// only): the values come from the match's value streams, much cheaper than reading documents afterwards.
class GroupRecorder : public Xapian::MatchSpy {
  public:
    explicit GroupRecorder(bool drill_downs) : m_slots{.facets = true, .drill_downs = drill_downs} {}
    void operator()(const Xapian::Document& doc, double) override {
        std::string key = doc.get_value(schema::k_slot_collapse);
        if (!key.empty()) articles.emplace_back(std::move(key), doc, m_slots);
    }
    std::vector<GroupedArticle> articles;

  private:
    GroupedSlots m_slots;
};

}  // namespace

std::shared_ptr<const FacetColumns> facet_columns(const OpenIndex& index) {
    // Local databases only (a custom spy cannot run in xapian-tcpsrv).
    if (index.local_shards.empty() || index.local_shards.size() != index.shards.size()) return nullptr;
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
    /// Counting after collapsing: with a remote shard the collapse keys' counts (built-in), else the
    /// articles with a key and their values (which also give the keys' counts).
    std::optional<Xapian::ValueCountMatchSpy> collapse;
    /// With the collapse keys' counts, when the index records them: each grouped article's values.
    std::optional<Xapian::ValueCountMatchSpy> group_values;
    std::optional<GroupRecorder> groups;
    /// Drill-downs, either way.
    std::optional<Xapian::ValueCountMatchSpy> months;
    std::optional<Xapian::ValueCountMatchSpy> days;
};

FacetCounter::FacetCounter(FacetRequest request, std::shared_ptr<const FacetColumns> columns, bool remote)
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
    if (m_request.collapsed && remote) {
        m_spies->collapse.emplace(schema::k_slot_collapse);
        if (m_request.group_values) m_spies->group_values.emplace(schema::k_slot_group_values);
    } else if (m_request.collapsed) {
        m_spies->groups.emplace(m_spies->months || m_spies->days);
    }
    for (std::size_t f = 0; f < k_facets.size(); ++f) {
        for (std::size_t k = 0; k < k_facets[f].slot_count; ++k) {
            m_spies->facets[f].emplace_back(k_facets[f].first_slot + static_cast<Xapian::valueno>(k));
        }
    }
}

FacetCounter::~FacetCounter() = default;

void FacetCounter::attach(Xapian::Enquire& enquire, std::size_t shard, std::size_t shard_count) {
    // The spies stay owned here: Enquire keeps pointers, valid for the lifetime of this counter. They add up
    // the matches of every Enquire they are attached to.
    if (m_columns) {
        m_spies->recorder.shard = shard;
        m_spies->recorder.shard_count = shard_count;
        enquire.add_matchspy(&m_spies->recorder);
    } else {
        for (auto& spies : m_spies->facets) {
            for (auto& spy : spies) enquire.add_matchspy(&spy);
        }
        if (m_spies->collapse) enquire.add_matchspy(&*m_spies->collapse);
        if (m_spies->group_values) enquire.add_matchspy(&*m_spies->group_values);
        if (m_spies->groups) enquire.add_matchspy(&*m_spies->groups);
    }
    if (m_spies->months) enquire.add_matchspy(&*m_spies->months);
    if (m_spies->days) enquire.add_matchspy(&*m_spies->days);
}

Facets FacetCounter::read(const PlaceDirectory& places, const CountingMatch& match) const {
    // The counts per value of each facet, from the columns or from the spies. An article's places are one
    // per slot, so adding the slots' counts counts each article once per place.
    std::size_t counted = 0;
    std::size_t collapsed = 0;
    std::size_t undated = 0;
    std::array<std::map<std::string, std::size_t>, k_facets.size()> counts;
    // The articles of the groups with several matches (read here, or recorded by the spy), for the
    // drill-downs (and the spies).
    std::vector<GroupedArticle> read_back;
    std::vector<const GroupedArticle*> grouped;
    const bool drill_down = m_spies->months || m_spies->days;
    // Only the top values of these are listed: the others need no string at all.
    auto listed = [&](std::size_t f) {
        return k_facets[f].listing == FacetSpec::Listing::top_n ? m_request.top : std::numeric_limits<std::size_t>::max();
    };
    if (m_columns) {
        const FacetColumns& columns = *m_columns;
        const ColumnLayout& layout = column_layout();
        const std::vector<Xapian::docid>& docids = m_spies->recorder.docids;
        counted = docids.size();
        // Counts per value id in one scratch array per facet; only the ids touched are read back and reset,
        // so a query costs its matches, not the size of the value dictionary.
        thread_local std::array<std::vector<std::uint32_t>, k_facets.size()> by_id;
        std::array<std::vector<std::uint32_t>, k_facets.size()> touched;
        for (std::size_t f = 0; f < k_facets.size(); ++f) {
            if (by_id[f].size() < columns.value_count(f)) by_id[f].resize(columns.value_count(f), 0);
        }
        // Collapsing: articles without a key count one each, and each distinct key once; the number of
        // matches per key in a scratch array reset after.
        thread_local std::vector<std::uint32_t> group_size;
        const std::size_t keys_group = layout.group[layout.collapse];
        if (m_request.collapsed && group_size.size() < columns.value_count(keys_group)) group_size.resize(columns.value_count(keys_group), 0);
        std::vector<std::uint32_t> keys;  // distinct, in the order first met
        std::vector<std::pair<std::uint32_t, Xapian::docid>> keyed;
        // One pass, one row (one cache line) per match, asked for a few matches ahead.
        constexpr std::size_t ahead = 16;
        for (std::size_t i = 0; i < docids.size(); ++i) {
            if (i + ahead < docids.size()) columns.prefetch(docids[i + ahead]);
            const Xapian::docid did = docids[i];
            const std::uint32_t* row = columns.row(did);
            if (m_request.collapsed) {
                if (const std::uint32_t key = row[layout.collapse]; key == 0) {
                    ++collapsed;
                } else {
                    if (group_size[key]++ == 0) keys.push_back(key);
                    keyed.emplace_back(key, did);
                }
            }
            for (std::size_t f = 0; f < k_facets.size(); ++f) {
                const bool several = layout.end[f] - layout.begin[f] > 1;
                for (std::size_t c = layout.begin[f]; c < layout.end[f]; ++c) {
                    const std::uint32_t id = row[c];
                    // A facet of several slots is filled in order: the first empty one ends it.
                    if (id == 0 && several) break;
                    if (by_id[f][id]++ == 0) touched[f].push_back(id);
                }
            }
        }
        collapsed += keys.size();
        // (key, docid) of the articles of groups with several matches, a group's articles together: a
        // counting sort by key (groups in the order first met), linear in the matches.
        std::vector<std::pair<std::uint32_t, Xapian::docid>> in_groups;
        if (!keyed.empty()) {
            std::size_t members = 0;
            for (const std::uint32_t key : keys) {
                const std::uint32_t n = group_size[key];
                // From here group_size holds where the key's next member goes, shifted by one (0: not grouped).
                group_size[key] = n > 1 ? static_cast<std::uint32_t>(members + 1) : 0;
                if (n > 1) members += n;
            }
            in_groups.resize(members);
            for (const auto& member : keyed) {
                if (std::uint32_t& next = group_size[member.first]; next != 0) in_groups[next++ - 1] = member;
            }
            for (const std::uint32_t key : keys) group_size[key] = 0;
        }
        if (!in_groups.empty()) {
            // Before the top values are chosen: counting groups once can change which they are. Id 0 ("no
            // value") counts the undated. A value seen again in a group (same stamp) is a repeat: no sort.
            thread_local std::array<std::vector<std::uint32_t>, k_facets.size()> stamp_of;
            thread_local std::uint32_t stamp = 0;
            for (std::size_t f = 0; f < k_facets.size(); ++f) {
                if (stamp_of[f].size() < columns.value_count(f)) stamp_of[f].resize(columns.value_count(f), 0);
            }
            // Members of a group lie far apart: their rows are asked for `ahead` members in advance.
            for (std::size_t m = 0; m < std::min(ahead, in_groups.size()); ++m) columns.prefetch(in_groups[m].second);
            for (std::size_t i = 0; i < in_groups.size();) {
                if (++stamp == 0) {
                    for (auto& stamps : stamp_of) std::fill(stamps.begin(), stamps.end(), 0);
                    stamp = 1;
                }
                const std::uint32_t key = in_groups[i].first;
                for (; i < in_groups.size() && in_groups[i].first == key; ++i) {
                    if (i + ahead < in_groups.size()) columns.prefetch(in_groups[i + ahead].second);
                    const std::uint32_t* row = columns.row(in_groups[i].second);
                    for (std::size_t f = 0; f < k_facets.size(); ++f) {
                        const bool several = layout.end[f] - layout.begin[f] > 1;
                        for (std::size_t c = layout.begin[f]; c < layout.end[f]; ++c) {
                            const std::uint32_t id = row[c];
                            if (id == 0 && several) break;
                            if (std::uint32_t& seen = stamp_of[f][id]; seen == stamp) {
                                take_off(by_id[f][id], 1);
                            } else {
                                seen = stamp;
                            }
                        }
                    }
                }
            }
            if (drill_down) {
                for (const auto& [key, did] : in_groups) {
                    std::vector<std::pair<Xapian::valueno, std::string>> values;
                    for (const auto& [column, slot] : {std::pair{layout.month, schema::k_slot_month}, std::pair{layout.day, schema::k_slot_day}}) {
                        if (const std::uint32_t id = columns.at(column, did); id != 0) values.emplace_back(slot, columns.value(layout.group[column], id));
                    }
                    read_back.emplace_back(columns.value(keys_group, key), std::move(values));
                }
                for (const GroupedArticle& article : read_back) grouped.push_back(&article);
            }
        }
        undated = by_id[k_years][0];
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
                                      return ca != cb ? ca > cb : columns.value(f, a) < columns.value(f, b);
                                  });
            }
            for (std::size_t k = 0; k < top; ++k) counts[f][columns.value(f, ids[k])] += by_id[f][ids[k]];
            for (const std::uint32_t id : touched[f]) by_id[f][id] = 0;
            by_id[f][0] = 0;
        }
    } else {
        counted = static_cast<std::size_t>(m_spies->facets[k_years].front().get_total());
        // Keys matched more than once, in ascending order.
        std::vector<std::string> shared_keys;
        if (m_spies->groups) {
            // The recorder saw every article with a key: one result per distinct key, the others one each.
            std::vector<const GroupedArticle*> keyed;
            for (const GroupedArticle& article : m_spies->groups->articles) keyed.push_back(&article);
            std::sort(keyed.begin(), keyed.end(), [](const GroupedArticle* a, const GroupedArticle* b) { return a->key < b->key; });
            for (auto group = keyed.begin(); group != keyed.end();) {
                const auto end = std::find_if(group, keyed.end(), [&](const GroupedArticle* a) { return a->key != (*group)->key; });
                ++collapsed;
                // Only the groups with several matches are counted again.
                if (end - group > 1) grouped.insert(grouped.end(), group, end);
                group = end;
            }
            collapsed += counted - std::min(counted, keyed.size());
        } else if (m_spies->collapse) {
            // The spy counts the documents with a key, per key; the others each stay a result of their own.
            std::size_t keyed = 0;
            for (auto it = m_spies->collapse->values_begin(); it != m_spies->collapse->values_end(); ++it) {
                if ((*it).empty()) continue;
                keyed += static_cast<std::size_t>(it.get_termfreq());
                ++collapsed;
                if (it.get_termfreq() > 1) shared_keys.push_back(*it);
            }
            collapsed += counted - std::min(counted, keyed);
        }
        for (std::size_t f = 0; f < k_facets.size(); ++f) {
            for (const auto& spy : m_spies->facets[f]) {
                for (const auto& [value, count] : counts_of(spy)) counts[f][value] += count;
            }
        }
        std::size_t dated = 0;
        for (const auto& [value, count] : counts[k_years]) dated += count;
        undated = counted - std::min(counted, dated);
        if (!shared_keys.empty() && m_spies->group_values) {
            // The values of every matching grouped article came back with the match, each distinct record
            // with the number of articles that have it: the articles of the shared groups, as many times.
            for (auto it = m_spies->group_values->values_begin(); it != m_spies->group_values->values_end(); ++it) {
                std::optional<schema::GroupValues> record = schema::parse_group_values(*it);
                if (!record || !std::binary_search(shared_keys.begin(), shared_keys.end(), record->key)) continue;
                for (Xapian::doccount n = it.get_termfreq(); n > 0; --n) read_back.emplace_back(record->key, record->values);
            }
            for (const GroupedArticle& article : read_back) grouped.push_back(&article);
            std::sort(grouped.begin(), grouped.end(), [](const GroupedArticle* a, const GroupedArticle* b) { return a->key < b->key; });
        } else if (!shared_keys.empty() && match.complete) {
            // A remote shard runs built-in spies only, and they cannot pair a key with a value: a second match
            // finds the articles with a key in the range of the shared ones (a built-in value range), each
            // item carrying its key (collapsing at most doccount per key keeps them all), and reads the
            // documents of those whose key is shared. Not after a time limit cut the count short: it would
            // find articles the spies never saw.
            Xapian::Enquire members(match.database);
            members.set_query(Xapian::Query(Xapian::Query::OP_FILTER, match.query,
                                            Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::k_slot_collapse, shared_keys.front(),
                                                          shared_keys.back())));
            members.set_weighting_scheme(Xapian::BoolWeight());
            const Xapian::doccount all = match.database.get_doccount();
            members.set_collapse_key(schema::k_slot_collapse, all);
            const Xapian::MSet found = members.get_mset(0, all);
            auto shared = [&](const Xapian::MSetIterator& it) {
                return std::binary_search(shared_keys.begin(), shared_keys.end(), it.get_collapse_key());
            };
            // Ask for every document first, then read them: one round trip to each remote shard, not one each.
            for (auto it = found.begin(); it != found.end(); ++it) {
                if (shared(it)) found.fetch(it);
            }
            for (auto it = found.begin(); it != found.end(); ++it) {
                if (shared(it)) read_back.emplace_back(it.get_collapse_key(), it.get_document(), GroupedSlots{.drill_downs = drill_down});
            }
            // The items come in docid order: a group's articles together for count_groups_once.
            for (const GroupedArticle& article : read_back) grouped.push_back(&article);
            std::sort(grouped.begin(), grouped.end(), [](const GroupedArticle* a, const GroupedArticle* b) { return a->key < b->key; });
        }
        if (!grouped.empty()) {
            // The undated count as the value "" of the years.
            counts[k_years][""] = undated;
            for (std::size_t f = 0; f < k_facets.size(); ++f) count_groups_once(counts[f], grouped, k_facets[f].first_slot, k_facets[f].slot_count);
            undated = counts[k_years][""];
            counts[k_years].erase("");
        }
    }

    Facets out;
    out.counted = counted;
    out.collapsed = collapsed;
    out.undated = undated;
    auto no_label = [](const std::string&) { return std::string(); };
    auto place_label = [&](const std::string& id) { return places.label(id, m_request.label_lang); };
    for (std::size_t f = 0; f < k_facets.size(); ++f) {
        const FacetSpec& spec = k_facets[f];
        if (spec.listing == FacetSpec::Listing::timeline) {
            out.*spec.counts = timeline(counts[f]);
            continue;
        }
        const std::size_t top = spec.listing == FacetSpec::Listing::top_ten ? 10 : m_request.top;
        if (spec.source_values) {
            std::map<std::string, std::string> labels;
            const auto by_id = counts_by_source_id(counts[f], labels);
            out.*spec.counts = top_of(by_id, top, [&](const std::string& id) { return labels[id] == id ? std::string() : labels[id]; });
            continue;
        }
        out.*spec.counts = spec.place_labels ? top_of(counts[f], top, place_label) : top_of(counts[f], top, no_label);
    }
    if (m_spies->months) {
        auto months = counts_of(*m_spies->months);
        count_groups_once(months, grouped, schema::k_slot_month, 1);
        for (int m = 1; m <= 12; ++m) {
            const std::string value = m_request.year + "-" + two_digits(m);
            const auto it = months.find(value);
            out.months.push_back({value, it == months.end() ? 0 : it->second, {}, {}});
        }
    }
    if (m_spies->days) {
        auto days = counts_of(*m_spies->days);
        count_groups_once(days, grouped, schema::k_slot_day, 1);
        const auto [year, month] = parse_month(m_request.month);
        for (int d = 1; d <= common::days_in_month(year, month); ++d) {
            const std::string value = m_request.month + "-" + two_digits(d);
            const auto it = days.find(value);
            out.days.push_back({value, it == days.end() ? 0 : it->second, {}, {}});
        }
    }
    return out;
}

void scale_facets(Facets& facets, double factor) {
    const auto scale = [factor](std::size_t n) { return static_cast<std::size_t>(std::llround(static_cast<double>(n) * factor)); };
    for (auto* list : {&facets.years, &facets.months, &facets.days, &facets.places, &facets.countries, &facets.languages, &facets.sources}) {
        for (FacetCount& c : *list) c.count = scale(c.count);
    }
    facets.undated = scale(facets.undated);
    facets.counted = scale(facets.counted);
    facets.collapsed = scale(facets.collapsed);
}

}  // namespace dateline::searcher
