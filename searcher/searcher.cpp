// Search: running built queries with collapse, facets and sorting; relaxation, spelling, recency,
// snippets, explanations, related articles.
#include "searcher.hpp"

#include "spelling.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/shard_layout.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace dateline::searcher {

namespace schema = common::schema;

namespace {

/// Requests asking for more results than this are refused (deep paging belongs to an export tool).
constexpr std::size_t k_max_limit = 10000;
constexpr std::size_t k_max_offset = 100000;
/// Spelling: words of a query examined at most.
constexpr std::size_t k_max_spelling_words = 8;
/// Related articles: distinctive stems taken from the article.
constexpr Xapian::termcount k_related_terms = 20;

using schema::id_term;

/// "YYYYMMDD" → days since 1970-01-01, or std::nullopt.
std::optional<std::int64_t> days_of(std::string_view ymd) {
    if (ymd.size() != 8 || !std::all_of(ymd.begin(), ymd.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    const int y = std::stoi(std::string(ymd.substr(0, 4)));
    const int m = std::stoi(std::string(ymd.substr(4, 2)));
    const int d = std::stoi(std::string(ymd.substr(6, 2)));
    return common::days_from_civil(y, m, d);
}

common::Lang label_lang(common::Lang lang) { return lang == common::Lang::unknown ? common::Lang::en : lang; }

/// Months (or days) are counted when asked, or when the date filter lies within one year (or month).
FacetRequest facet_request(const SearchRequest& request) {
    FacetRequest f;
    f.year = request.facet_year;
    f.month = request.facet_month;
    f.top = request.facet_top;
    f.label_lang = label_lang(request.ui_lang);
    const std::string& from = request.from;
    const std::string& to = request.to;
    if (f.year.empty() && from.size() >= 4 && to.size() >= 4 && from.compare(0, 4, to, 0, 4) == 0) f.year = from.substr(0, 4);
    if (f.month.empty() && from.size() >= 7 && to.size() >= 7 && from.compare(0, 7, to, 0, 7) == 0) f.month = from.substr(0, 7);
    return f;
}

}  // namespace

SortOrder parse_sort_order(std::string_view name) {
    if (name == "relevance") return SortOrder::relevance;
    if (name == "date") return SortOrder::date;
    if (name == "recent") return SortOrder::recent;
    throw common::UsageError("unknown sort order '" + std::string(name) + "'; expected one of: relevance, date, recent");
}

std::string_view sort_order_name(SortOrder order) noexcept {
    switch (order) {
        case SortOrder::relevance: return "relevance";
        case SortOrder::date: return "date";
        case SortOrder::recent: return "recent";
    }
    return "relevance";
}

Searcher::Searcher(OpenIndex index, SearchTuning tuning)
    : m_index(std::move(index)),
      m_tuning(std::move(tuning)),
      m_weight(make_weight(m_tuning.weighting)),
      m_builder(m_index, m_tuning.query),
      m_completer(m_index) {}

Searcher::~Searcher() = default;

BuiltQuery Searcher::build_query(const SearchRequest& request) {
    QueryFilters filters;
    filters.from = request.from;
    filters.to = request.to;
    filters.places = request.places;
    filters.lang = request.lang;
    filters.source = request.source;
    return m_builder.build(request.query, filters, request.translate);
}

bool Searcher::has_head(const BuiltQuery& query) const noexcept {
    return query.has_text && !query.all_words.empty() && query.content_words <= m_tuning.all_words_head_max_words;
}

std::optional<common::Article> Searcher::find_article(const std::string& id) const {
    const std::string term = id_term(id);
    const Xapian::Database& db = m_index.database;
    auto post = db.postlist_begin(term);
    if (post == db.postlist_end(term)) return std::nullopt;
    return common::Article::from_stored_json(db.get_document(*post).get_data());
}

void Searcher::explain_hit(const BuiltQuery& query, SearchHit& hit, bool positional) const {
    // Each part's weight for this article alone: the weights of separate terms add up (BM25 with k2 = 0,
    // and every other scheme of ranking.hpp), so the parts explain the total.
    const Xapian::Query only_this(id_term(hit.article.id));
    auto weight_of = [&](const Xapian::Query& part) {
        Xapian::Enquire enquire(m_index.database);
        enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, part, only_this));
        enquire.set_weighting_scheme(*m_weight);
        const Xapian::MSet mset = enquire.get_mset(0, 1);
        return mset.empty() ? 0.0 : mset.begin().get_weight();
    };
    // The text is an OR of the readings: each reading the article matches adds its terms' weights, and a
    // term of both readings counts twice (listed once, with both weights).
    auto add = [&](const std::string& name, double w) {
        const auto same = std::find_if(hit.explanation.begin(), hit.explanation.end(), [&](const auto& e) { return e.name == name; });
        if (same != hit.explanation.end()) {
            same->weight += w;
        } else {
            hit.explanation.push_back({name, w});
        }
    };
    // One reading is the text itself (none: no text).
    const bool both = query.readings.size() > 1;
    for (const Xapian::Query& reading : query.readings) {
        if (both && weight_of(reading) <= 0) continue;  // this reading does not match the article
        if (reading.get_type() == Xapian::Query::OP_OR) {
            // A disjunction of word-level parts (and of groups of them, a place name's words): a part that
            // is not a plain term weighs as a whole (a scaled form of the other reading, a name and its
            // common use as synonyms), named by the terms of it the article has.
            std::vector<Xapian::Query> pending{reading};
            while (!pending.empty()) {
                const Xapian::Query q = std::move(pending.back());
                pending.pop_back();
                if (q.get_type() == Xapian::Query::OP_OR) {
                    for (std::size_t k = q.get_num_subqueries(); k-- > 0;) pending.push_back(q.get_subquery(k));
                    continue;
                }
                const double w = weight_of(q);
                if (w <= 0) continue;
                std::string name;
                for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) {
                    if (weight_of(Xapian::Query(*t)) <= 0) continue;
                    name += (name.empty() ? "" : "+") + *t;
                }
                add(name, w);
            }
            continue;
        }
        for (auto t = reading.get_unique_terms_begin(); t != reading.get_unique_terms_end(); ++t) {
            if (const double w = weight_of(Xapian::Query(*t)); w > 0) add(*t, w);
        }
    }
    for (const auto& boost : query.boost_parts) {
        if ((boost.positional && !positional) || boost.tier) continue;
        // One line per kind of boost: the phrases of a query add up.
        if (const double w = weight_of(boost.query); w > 0) add(boost.name, w);
    }
}

namespace {

/// The filter of the newest years of `timeline` (ascending, as Facets::years) whose counts add up to twice
/// `needed` and ten more, and of every later year up to `last_year` (the index's newest: a sampled timeline
/// may miss a sparse year); nullopt when that takes every year (no filter would spare any work).
std::optional<Xapian::Query> newest_years(const std::vector<FacetCount>& timeline, std::size_t needed, const std::string& last_year) {
    std::size_t counted = 0;
    for (auto it = timeline.rbegin(); it != timeline.rend(); ++it) {
        counted += it->count;
        if (counted < 2 * needed + 10) continue;
        if (std::none_of(std::next(it), timeline.rend(), [](const FacetCount& y) { return y.count > 0; })) return std::nullopt;
        const int first = std::stoi(it->value);
        const int last = last_year.size() == 4 && std::all_of(last_year.begin(), last_year.end(), [](char c) { return c >= '0' && c <= '9'; })
                             ? std::max(first, std::stoi(last_year))
                             : std::stoi(timeline.back().value);
        std::vector<Xapian::Query> years;
        for (int y = first; y <= last; ++y) years.emplace_back(schema::year_term(std::to_string(y)));
        return Xapian::Query(Xapian::Query::OP_OR, years.begin(), years.end());
    }
    return std::nullopt;
}

/// The articles of a rescoring window, by docid, as a filter over local databases. Each shard's clone lists
/// that shard's own docids (the shard found by its uuid), where an OR of the window's id terms looks every
/// term up in every shard: with 28 year shards, 11 of the 15 ms of `réforme retraites`. Xapian's remote
/// protocol cannot run it: remote shards get the id terms.
class WindowDocids : public Xapian::PostingSource {
  public:
    /// `docids[s]`: the sorted docids of shard s (its own), whose uuid is `uuids[s]`.
    WindowDocids(std::shared_ptr<const std::vector<std::vector<Xapian::docid>>> docids, std::shared_ptr<const std::vector<std::string>> uuids)
        : m_docids(std::move(docids)), m_uuids(std::move(uuids)) {}
    Xapian::PostingSource* clone() const override { return new WindowDocids(m_docids, m_uuids); }
    void init(const Xapian::Database& db) override {
        static const std::vector<Xapian::docid> none;
        m_list = &none;
        const std::string uuid = db.get_uuid();
        for (std::size_t s = 0; s < m_uuids->size(); ++s) {
            if ((*m_uuids)[s] == uuid) m_list = &(*m_docids)[s];
        }
        m_started = false;
        m_pos = 0;
    }
    Xapian::doccount get_termfreq_min() const override { return static_cast<Xapian::doccount>(m_list->size()); }
    Xapian::doccount get_termfreq_est() const override { return get_termfreq_min(); }
    Xapian::doccount get_termfreq_max() const override { return get_termfreq_min(); }
    void next(double) override {
        if (m_started) ++m_pos;
        m_started = true;
    }
    void skip_to(Xapian::docid did, double) override {
        const auto from = m_list->begin() + static_cast<std::ptrdiff_t>(m_started ? m_pos : 0);
        m_pos = static_cast<std::size_t>(std::lower_bound(from, m_list->end(), did) - m_list->begin());
        m_started = true;
    }
    bool at_end() const override { return m_started && m_pos >= m_list->size(); }
    Xapian::docid get_docid() const override { return (*m_list)[m_pos]; }

  private:
    std::shared_ptr<const std::vector<std::vector<Xapian::docid>>> m_docids;
    std::shared_ptr<const std::vector<std::string>> m_uuids;
    const std::vector<Xapian::docid>* m_list = nullptr;
    std::size_t m_pos = 0;
    bool m_started = false;
};

/// The window filter of `window` over local `shards`; nullopt when the shards cannot be told apart by uuid.
std::optional<Xapian::Query> window_docids(const Xapian::MSet& window, const std::vector<Xapian::Database>& shards) {
    auto uuids = std::make_shared<std::vector<std::string>>();
    for (const auto& shard : shards) {
        uuids->push_back(shard.get_uuid());
        if (uuids->back().empty() || std::count(uuids->begin(), uuids->end(), uuids->back()) > 1) return std::nullopt;
    }
    const std::size_t n = shards.size();
    auto docids = std::make_shared<std::vector<std::vector<Xapian::docid>>>(n);
    for (auto it = window.begin(); it != window.end(); ++it) {
        const common::ShardDocid at = common::split_docid(*it, n);
        (*docids)[at.shard].push_back(at.docid);
    }
    for (auto& list : *docids) std::sort(list.begin(), list.end());
    return Xapian::Query((new WindowDocids(std::move(docids), std::move(uuids)))->release());
}

/// "N similar" for the hits of a page whose group keys are `keys` (one per hit, "" for an article alone): the
/// matches of `matches` per key, counted by a built-in spy that xapian-tcpsrv runs, in one round trip.
/// `sample_terms`: the index's articles carry their group's sample term, and the spy counts the matches of the
/// groups' buckets, every key there: a filter on the keys' values would make Xapian walk the key slot of
/// every article of the shard (100 ms for `inflation` over four remote shards of a million articles).
void count_similar(const Xapian::Database& db, const Xapian::Query& matches, const std::vector<std::string>& keys, bool sample_terms,
                   std::vector<SearchHit>& hits) {
    std::vector<Xapian::Query> groups;
    for (const std::string& key : keys) {
        if (key.empty()) continue;
        if (sample_terms) {
            groups.emplace_back(schema::sample_term(key));
        } else {
            groups.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::k_slot_collapse, key, key);
        }
    }
    if (groups.empty()) return;
    Xapian::Enquire e(db);
    e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, matches, Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end())));
    e.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::ValueCountMatchSpy members(schema::k_slot_collapse);
    e.add_matchspy(&members);
    e.get_mset(0, 0, db.get_doccount());
    std::unordered_map<std::string, Xapian::doccount> count;
    for (auto it = members.values_begin(); it != members.values_end(); ++it) count[*it] = it.get_termfreq();
    for (std::size_t k = 0; k < hits.size() && k < keys.size(); ++k) {
        if (keys[k].empty()) continue;
        const auto it = count.find(keys[k]);
        hits[k].similar = it == count.end() || it->second == 0 ? 0 : it->second - 1;
    }
}

}  // namespace

bool Searcher::count(const SearchRequest& request, const BuiltQuery& query, SearchResponse& response) {
    // Every match, without weights, boosts or collapsing (the boosts only weigh: they read positions for
    // phrases, which the ranking does only for articles that can still reach the first page). With
    // collapsing asked, the counter counts each group of near-duplicates once per value, as `total` does.
    const Xapian::Database& db = m_index.database;
    FacetRequest wanted = facet_request(request);
    wanted.collapsed = request.collapse;
    wanted.group_values = m_index.group_values;
    FacetCounter counter(std::move(wanted), m_tuning.facet_columns ? facet_columns(m_index) : nullptr, m_index.local_shards.empty());
    Xapian::Query matches = query.matches();
    // Too many matches to check them all in time: count the articles of the first sample buckets only, a
    // uniform sample (buckets come from a hash of the id) of about facet_exact_limit of them, and scale.
    std::size_t buckets = schema::k_sample_buckets;
    if (m_tuning.facet_exact_limit > 0 && m_index.sample_terms) {
        Xapian::Enquire probe(db);
        probe.set_query(matches);
        probe.set_weighting_scheme(Xapian::BoolWeight());
        // No document checked: the estimate comes from the terms' frequencies (cheap on any backend).
        const Xapian::doccount estimated = probe.get_mset(0, 0).get_matches_estimated();
        if (estimated > m_tuning.facet_exact_limit) {
            buckets = std::max<std::size_t>(1, schema::k_sample_buckets * m_tuning.facet_exact_limit / estimated);
            std::vector<Xapian::Query> sample;
            for (std::size_t b = 0; b < buckets; ++b) sample.emplace_back(schema::sample_bucket_term(b));
            matches = Xapian::Query(Xapian::Query::OP_FILTER, matches, Xapian::Query(Xapian::Query::OP_OR, sample.begin(), sample.end()));
        }
    }
    const bool sampled = buckets < schema::k_sample_buckets;
    // Local shards counted from the columns: a match per shard, whose spy knows the shard and so places its
    // docids without reading a value (one match over the stub hands spies the shards' own docids, which only
    // the article's id, read for every match, could place: 1.5 to 4 times the counting time at a million).
    const std::vector<Xapian::Database> one = {db};
    const bool by_shard = counter.by_shard() && m_index.local_shards.size() > 1;
    const std::vector<Xapian::Database>& parts = by_shard ? m_index.local_shards : one;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(m_tuning.time_limit_seconds);
    bool checked_all = true;
    Xapian::doccount estimated = 0;
    for (std::size_t s = 0; s < parts.size(); ++s) {
        Xapian::Enquire counting(parts[s]);
        counting.set_query(matches);
        counting.set_weighting_scheme(Xapian::BoolWeight());
        if (m_tuning.time_limit_seconds > 0) {
            // What is left of the request's limit (a shard that comes after it is not checked at all).
            const double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
            counting.set_time_limit(std::max(left, 1e-6));
        }
        counter.attach(counting, s, parts.size());
        const Xapian::MSet part = counting.get_mset(0, 0, parts[s].get_doccount());
        // The time limit is what can cut checking short; then the bounds differ.
        checked_all = checked_all && part.get_matches_lower_bound() == part.get_matches_upper_bound();
        estimated += part.get_matches_estimated();
    }
    response.facets = counter.read(*m_index.places, CountingMatch{db, matches, checked_all});
    const bool counted_all = checked_all && !sampled;
    response.facets_exact = counted_all;
    response.total_exact = counted_all;
    if (sampled && checked_all) {
        response.facets->share = static_cast<double>(buckets) / static_cast<double>(schema::k_sample_buckets);
        scale_facets(*response.facets, 1.0 / response.facets->share);
        response.total = request.collapse ? response.facets->collapsed : response.facets->counted;
    } else {
        response.total = counted_all ? (request.collapse ? response.facets->collapsed : response.facets->counted) : estimated;
    }
    return counted_all;
}

Xapian::Query Searcher::feedback(const BuiltQuery& query, bool collapse) const {
    // The stems that weigh most in the first articles (each article's share of a stem, wdf over length,
    // times its idf over the whole index), RM3-style: they add weight to the articles that also match the
    // query, in proportion to their score, and find no article by themselves. Computed from term lists
    // and index-wide statistics, so that it does not depend on how the archive is sharded.
    const Xapian::Database& db = m_index.database;
    Xapian::Enquire first(db);
    first.set_query(query.without_positional());
    first.set_weighting_scheme(*m_weight);
    if (collapse) first.set_collapse_key(schema::k_slot_collapse);
    const Xapian::MSet top = first.get_mset(0, static_cast<Xapian::doccount>(m_tuning.feedback_docs));
    if (top.empty()) return {};
    std::unordered_map<std::string, double> score;
    std::unordered_set<std::string> own;
    for (auto t = query.text.get_unique_terms_begin(); t != query.text.get_unique_terms_end(); ++t) own.insert(*t);
    const double doccount = static_cast<double>(db.get_doccount());
    const double best = top.begin().get_weight();
    for (auto it = top.begin(); it != top.end(); ++it) {
        const Xapian::docid docid = *it;
        const double length = std::max(1.0, static_cast<double>(db.get_doclength(docid)));
        const double doc_share = best > 0 ? it.get_weight() / best : 1.0;
        for (auto t = db.termlist_begin(docid); t != db.termlist_end(docid); ++t) {
            const std::string& term = *t;
            if (!term.starts_with(schema::k_prefix_stem) || term.starts_with(schema::k_prefix_title_stem) || own.count(term)) continue;
            const Xapian::doccount tf = db.get_termfreq(term);
            // In one article only, or in a tenth of the archive: finds nothing or everything.
            if (tf < 2 || static_cast<double>(tf) > doccount / 10) continue;
            score[term] += doc_share * (static_cast<double>(t.get_wdf()) / length) * std::log(doccount / static_cast<double>(tf));
        }
    }
    std::vector<std::pair<double, std::string>> ranked;
    ranked.reserve(score.size());
    for (auto& [term, w] : score) ranked.emplace_back(w, term);
    const std::size_t keep = std::min(ranked.size(), m_tuning.feedback_terms);
    if (keep == 0) return {};
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
                      [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
    std::vector<Xapian::Query> terms;
    const double top_score = ranked.front().first;
    for (std::size_t k = 0; k < keep; ++k) {
        terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(ranked[k].second), m_tuning.feedback_weight * ranked[k].first / top_score);
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

void Searcher::run(const SearchRequest& request, const BuiltQuery& built, SearchResponse& response) {
    const Xapian::Database& db = m_index.database;
    response.sort = request.sort == SortOrder::relevance && !built.has_text ? SortOrder::date : request.sort;
    // In date order relevance only orders the articles of one day, and Xapian weighs every match when it
    // sorts by a value first: phrase and proximity boosts would read the positions of every match (1.8
    // times the instructions of the relevance order for three queries of the benchmark mix). Left out.
    const bool positional = response.sort != SortOrder::date;
    const bool rerank = response.sort == SortOrder::recent && request.limit > 0;
    const std::size_t first = rerank ? 0 : request.offset;
    const std::size_t wanted = rerank ? std::max(request.offset + request.limit, m_tuning.recent_rerank) : request.limit;

    // The head: the articles with every word, when the query is short enough to mean them all. `total`
    // and the facets count the head, or every match when there is no head or it is empty.
    const bool head = has_head(built);
    BuiltQuery strict;
    // The head's articles for counting them: every word is also a match of the whole list (the AND of a
    // reading's words within the OR of them), so the words alone find the same articles with half the work.
    BuiltQuery strict_matches;
    if (head) {
        // The same weights as in the whole list (pages agree), for the articles with every word.
        strict = built;
        strict.text = Xapian::Query(Xapian::Query::OP_FILTER, built.text, built.all_words);
        strict_matches.text = built.all_words;
        strict_matches.filter = built.filter;
    }
    bool counted_all = false;
    std::optional<std::size_t> head_size;
    bool head_exact = true;
    if (request.facets) {
        if (head) {
            counted_all = count(request, strict_matches, response);
            head_size = response.total;
            head_exact = counted_all;
            if (response.total == 0) counted_all = count(request, built, response);
        } else {
            counted_all = count(request, built, response);
        }
    } else if (head) {
        // How many articles have every word, as far as this page needs to know.
        Xapian::Enquire e(db);
        e.set_query(strict_matches.matches());
        e.set_weighting_scheme(Xapian::BoolWeight());
        if (request.collapse) e.set_collapse_key(schema::k_slot_collapse);
        const auto needed = static_cast<Xapian::doccount>(first + wanted);
        const Xapian::MSet found = e.get_mset(0, needed);
        // Fewer than the page needs: exactly that many. Else the page lies inside the head, whose size
        // is only estimated (and where its tail begins is not known).
        head_exact = found.size() < needed;
        head_size = head_exact ? found.size() : found.get_matches_estimated();
    }
    if (head) {
        response.total_all = head_size;
        response.match = *head_size > 0 ? MatchMode::all_words : MatchMode::any_word;
        response.relaxed = *head_size == 0;
        if (*head_size > 0 && head_exact) response.partial_from = *head_size + 1;
    } else {
        response.match = built.all_words.empty() ? MatchMode::all_words : MatchMode::any_word;
    }

    // What ranks: the head alone when the page lies in it (or in date order, which lists what is counted),
    // else every match, the head first by a weight above any other article's.
    const bool head_only = head && *head_size > 0 && (response.sort == SortOrder::date || first + wanted <= *head_size);
    BuiltQuery query = head_only ? strict : built;
    const bool tail = !head_only;
    // Coordination and feedback weigh the same in the head whether it ranks alone or first: pages agree.
    if (m_tuning.coordination > 0 && query.word_parts.size() > 1) {
        std::vector<Xapian::Query> parts;
        for (const auto& part : query.word_parts) parts.push_back(constant_weight(m_tuning.coordination, part));
        query.boost_parts.push_back({"words matched", Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end())});
    }
    if (m_tuning.feedback_docs > 0 && built.has_text && built.content_words >= m_tuning.feedback_min_words && response.sort != SortOrder::date) {
        // From the first articles of the list: the head's when it is not empty.
        const BuiltQuery& source = head && *head_size > 0 ? strict : built;
        if (Xapian::Query more = feedback(source, request.collapse); !more.empty()) query.boost_parts.push_back({"feedback", std::move(more)});
    }
    const bool tiers = tail && head && *head_size > 0;
    double head_weight = 0.0;
    if (tiers) {
        Xapian::Enquire e(db);
        e.set_query(positional ? query.full() : query.without_positional());
        e.set_weighting_scheme(*m_weight);
        head_weight = e.get_mset(0, 0).get_max_possible() + 1.0;
        query.boost_parts.push_back({"all words", constant_weight(head_weight, built.all_words), false, true});
    }
    const Xapian::Query full = positional ? query.full() : query.without_positional();
    response.query_description = full.get_description();

    auto ranking = [&](const Xapian::Query& q, bool collapse) {
        Xapian::Enquire e(db);
        e.set_query(q);
        e.set_weighting_scheme(*m_weight);
        if (collapse) e.set_collapse_key(schema::k_slot_collapse);
        if (response.sort == SortOrder::date) e.set_sort_by_value_then_relevance(schema::k_slot_date, true);
        if (m_tuning.time_limit_seconds > 0) e.set_time_limit(m_tuning.time_limit_seconds);
        return e;
    };
    // Rescoring window: phrase and proximity boosts read word positions for every candidate Xapian checks,
    // and with their weight in reach it checks nearly every match (642 for "élection président Macron").
    // The rest of the query ranks first; the boosts then weigh its best `rescore_window` articles, named
    // by their docids over local databases, by their id terms (a filter remote shards understand) otherwise.
    // Results past the window keep no boost, so the window is used only when the page lies inside it.
    const std::size_t window = m_tuning.rescore_window;
    std::optional<Xapian::MSet> first_stage;
    Xapian::Query ranked = full;
    // Only when the counting found many more matches than the window holds: with fewer, the first stage
    // cannot skip much and two passes cost more than one (measured: 111 matches for a window of 100 cost
    // 6 M instructions more, 309 the same, 642 to 1114 saved 2.5 to 11.5 M).
    const bool more_than_window = tail || !counted_all || !response.facets || response.facets->counted > 4 * window;
    if (window > 0 && more_than_window && query.has_positional_boosts() && response.sort == SortOrder::relevance &&
        first + wanted <= window) {
        first_stage = ranking(query.without_positional(), request.collapse).get_mset(0, static_cast<Xapian::doccount>(window));
        // Local databases: the window's docids. Remote shards: its articles' id terms.
        std::optional<Xapian::Query> within;
        if (!m_index.local_shards.empty()) within = window_docids(*first_stage, m_index.local_shards);
        if (!within) {
            std::vector<Xapian::Query> ids;
            ids.reserve(first_stage->size());
            // Asked for all at once: a remote shard answers them in one exchange, not one round trip each.
            if (!first_stage->empty()) first_stage->fetch(first_stage->begin(), first_stage->end());
            for (auto it = first_stage->begin(); it != first_stage->end(); ++it) {
                std::string id = it.get_document().get_value(schema::k_slot_id_term);
                if (id.empty()) {  // an index written before the id slot: no window
                    ids.clear();
                    first_stage.reset();
                    break;
                }
                ids.emplace_back(std::move(id));
            }
            if (first_stage && !ids.empty()) within = Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end());
        }
        if (first_stage) ranked = first_stage->empty() ? Xapian::Query::MatchNothing : query.full_within(*within);
    }
    // Date order: the newest articles are in the newest years. When the timeline just counted says which
    // years hold the page, the ranking checks those years' matches only: Xapian sorts by value without
    // skipping any match (51 ms for the 743,735 of `date:2000..2030` at a million articles, under 1 ms for
    // one year's). Every article of those years comes before every other one in this order, and a group of
    // near-duplicates is listed by its newest article, which lies in them if any does: a full page from them
    // is the page. The counts are only a guide (groups span years, samples estimate): a page they do not fill
    // is ranked over every match.
    std::optional<Xapian::MSet> recent_years;
    if (response.sort == SortOrder::date && response.facets && !first_stage && !rerank && wanted > 0) {
        if (const auto years = newest_years(response.facets->years, first + wanted, db.get_value_upper_bound(schema::k_slot_year))) {
            Xapian::MSet page = ranking(Xapian::Query(Xapian::Query::OP_FILTER, ranked, *years), request.collapse)
                                    .get_mset(static_cast<Xapian::doccount>(first), static_cast<Xapian::doccount>(wanted));
            if (page.size() == wanted) recent_years = std::move(page);
        }
    }
    // The window holds one article per collapse key already; "N similar" comes from the first stage.
    const Xapian::MSet mset = recent_years ? *recent_years
                                           : ranking(ranked, request.collapse && !first_stage)
                                                 .get_mset(static_cast<Xapian::doccount>(first), static_cast<Xapian::doccount>(wanted));
    const Xapian::MSet& matched = first_stage ? *first_stage : mset;
    if (tiers && !request.facets) {
        response.total_exact = true;  // fewer than the page needed
        response.total = *head_size;
    } else if (!counted_all) {
        // Counted in part (a sample, or cut by the time limit) or not at all: exact when the ranking saw
        // every match; else the count's estimate, which agrees with the facets (a sample's groups, scaled),
        // and Xapian's only without one. Ranked over some years only, the ranking saw some matches only.
        const bool saw_all = !recent_years && matched.get_matches_lower_bound() == matched.get_matches_upper_bound();
        if (saw_all || !response.facets) {
            response.total_exact = saw_all;
            response.total = saw_all ? matched.get_matches_lower_bound() : matched.get_matches_estimated();
        }
    }
    std::unordered_map<Xapian::docid, Xapian::doccount> similar;
    if (first_stage && request.collapse) {
        for (auto it = first_stage->begin(); it != first_stage->end(); ++it) similar.emplace(*it, it.get_collapse_count());
    }

    struct Candidate {
        Xapian::MSetIterator it;
        double score = 0.0;
        bool partial = false;
    };
    std::vector<Candidate> candidates;
    // fetch() without arguments crashes in Xapian 1.4.22 when the MSet starts past 0: name the range.
    if (request.limit > 0) mset.fetch(mset.begin(), mset.end());
    // The head's constant is not part of an article's weight; the head stays first in every order.
    auto is_partial = [&](const Xapian::MSetIterator& it) { return head && (*head_size == 0 || (tiers && it.get_weight() < head_weight)); };
    auto weight_of = [&](const Xapian::MSetIterator& it) { return tiers && !is_partial(it) ? it.get_weight() - head_weight : it.get_weight(); };
    for (auto it = mset.begin(); it != mset.end(); ++it) candidates.push_back({it, weight_of(it), is_partial(it)});
    std::size_t begin = 0;
    if (rerank) {
        // Relevance relative to the best result, blended with freshness halving every half-life.
        std::optional<std::int64_t> reference;
        if (!request.reference_date.empty()) {
            reference = days_of(date_bound(request.reference_date, false, "reference date"));
        } else {
            reference = days_of(db.get_value_upper_bound(schema::k_slot_date));
        }
        double best = 0.0;
        for (const auto& c : candidates) best = std::max(best, c.score);
        const double share = std::clamp(m_tuning.recency_share, 0.0, 1.0);
        for (auto& c : candidates) {
            const auto day = days_of(c.it.get_document().get_value(schema::k_slot_date));
            double freshness = 0.0;
            if (day && reference) {
                // Distance from the reference date: an article after it is as fresh as one as long before.
                const double age = static_cast<double>(*reference > *day ? *reference - *day : *day - *reference);
                freshness = std::exp2(-age / request.half_life_days);
            }
            const double relevance = best > 0 ? c.score / best : 0.0;
            c.score = (1.0 - share) * relevance + share * freshness;
        }
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Candidate& a, const Candidate& b) { return a.partial != b.partial ? b.partial : a.score > b.score; });
        begin = std::min(request.offset, candidates.size());
    }
    const std::size_t end = std::min(candidates.size(), begin + request.limit);

    Highlighter highlighter(*m_index.analyzer, query.highlight);
    const HighlightTerms no_terms;
    Highlighter lead_only(*m_index.analyzer, no_terms);
    response.hits.clear();
    // Remote shards: Xapian 1.4's remote match loses the collapse count of a group whose articles are all in
    // one remote shard (measured: 0 where one database says 1), so the page's groups are counted apart.
    const bool recount_similar = request.collapse && std::any_of(m_index.shards.begin(), m_index.shards.end(),
                                                                 [](const std::string& spec) { return spec.starts_with("tcp:"); });
    std::vector<std::string> group_keys;
    for (std::size_t k = begin; k < end; ++k) {
        const Candidate& c = candidates[k];
        SearchHit hit;
        const Xapian::Document doc = c.it.get_document();
        hit.article = common::Article::from_stored_json(doc.get_data());
        if (recount_similar) group_keys.push_back(doc.get_value(schema::k_slot_collapse));
        hit.weight = weight_of(c.it);
        hit.score = c.score;
        hit.rank = rerank ? request.offset + (k - begin) + 1 : c.it.get_rank() + 1;
        hit.partial = c.partial;
        if (first_stage) {
            const auto s = similar.find(*c.it);
            hit.similar = s == similar.end() ? 0 : s->second;
        } else {
            hit.similar = request.collapse ? c.it.get_collapse_count() : 0;
        }
        for (const auto& p : hit.article.places) hit.place_labels.push_back(m_index.places->label(p.id, label_lang(request.ui_lang)));
        const common::Lang lang = hit.article.lang;
        hit.title = highlighter.mark_all(hit.article.display_title(), lang);
        hit.snippet = request.snippets ? highlighter.snippet(hit.article.body, lang, m_tuning.snippets)
                                       : lead_only.snippet(hit.article.body, lang, m_tuning.snippets);
        hit.extract = render_text(hit.snippet, false);
        if (request.explain) explain_hit(query, hit, positional);
        response.hits.push_back(std::move(hit));
    }
    if (recount_similar) count_similar(db, full, group_keys, m_index.sample_terms, response.hits);
}

SearchResponse Searcher::search(const SearchRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    if (request.limit > k_max_limit) {
        throw common::UsageError("limit " + std::to_string(request.limit) + " is too large; at most " + std::to_string(k_max_limit));
    }
    if (request.offset > k_max_offset) {
        throw common::UsageError("offset " + std::to_string(request.offset) + " is too large; at most " + std::to_string(k_max_offset));
    }
    if (!(request.half_life_days > 0) || !std::isfinite(request.half_life_days)) {
        throw common::UsageError("half-life " + std::to_string(request.half_life_days) + " is not a positive number of days");
    }
    if (!request.reference_date.empty()) date_bound(request.reference_date, false, "reference date");

    SearchResponse response;
    const BuiltQuery query = build_query(request);
    run(request, query, response);
    if (request.period_terms && response.facets && query.has_text) {
        // The periods of the timeline count the head when it has articles, else every match.
        PeriodSearch period;
        period.matches = query.matches();
        if (has_head(query) && response.total_all.value_or(0) > 0) {
            period.matches = Xapian::Query(Xapian::Query::OP_FILTER, period.matches, query.all_words);
        }
        period.query = &query;
        period.weight = m_weight.get();
        period.collapse = request.collapse;
        period.ui_lang = label_lang(request.ui_lang);
        find_period_terms(m_index, period, *response.facets, [this](const std::string& folded) { return m_completer.printed_form(folded, true); },
                          m_tuning.period_terms);
    }
    const std::size_t strict_total = response.total_all.value_or(response.total);
    // Spelling: when the query finds little, or a word it has never appears in the archive (stemming
    // may still have found articles: "Poutin" matches "Poutine").
    const auto unknown_word = [&] {
        return std::any_of(query.words.begin(), query.words.end(), [&](const QueryWord& w) { return m_index.database.get_termfreq(w.folded) == 0; });
    };
    if (request.spelling && query.has_text && !query.words.empty() && (strict_total < m_tuning.spelling_below || unknown_word())) {
        std::string corrected = query.sanitized;
        bool changed = false;
        const std::size_t n = std::min(query.words.size(), k_max_spelling_words);
        // From the last word back, so that earlier byte ranges stay valid.
        for (std::size_t k = n; k-- > 0;) {
            const QueryWord& w = query.words[k];
            // A word the word table translated is a word of its language, not a typo ("school" of "school
            // closures", whose articles are French).
            const bool translated = std::any_of(query.translations.begin(), query.translations.end(),
                                                [&](const QueryTranslation& t) { return w.begin >= t.begin && w.end <= t.end; });
            if (translated) continue;
            if (const auto fix = correct_word(m_index.database, w.folded)) {
                // With its accents, and capitalized if the user capitalized: "électoin" → "élection".
                const std::string& printed = m_completer.printed_form(fix->word, w.accented);
                corrected.replace(w.begin, w.end - w.begin, w.capitalized ? printed : common::fold_case(printed));
                changed = true;
            }
        }
        if (changed) response.did_you_mean = std::move(corrected);
    }
    response.places = query.places;
    response.translations = query.translations;
    for (auto& p : response.places) p.label = m_index.places->label(p.place.id, label_lang(request.ui_lang));
    response.warnings = query.warnings;
    response.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return response;
}

std::optional<SearchResponse> Searcher::related(const RelatedRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    if (request.limit > k_max_limit) {
        throw common::UsageError("limit " + std::to_string(request.limit) + " is too large; at most " + std::to_string(k_max_limit));
    }
    const Xapian::Database& db = m_index.database;
    const std::string term = id_term(request.id);
    auto post = db.postlist_begin(term);
    if (post == db.postlist_end(term)) return std::nullopt;
    const Xapian::docid docid = *post;
    const Xapian::Document doc = db.get_document(docid);
    const common::Article article = common::Article::from_stored_json(doc.get_data());

    // The article's most distinctive stems (body and title share the Z space; ZS duplicates the title),
    // by tf-idf over the whole index. Not Enquire::get_eset, which weighs with the statistics of the
    // article's own shard, so that related articles do not depend on how the archive is sharded.
    std::vector<std::pair<double, std::string>> scored;
    const double doccount = static_cast<double>(db.get_doccount());
    for (auto t = db.termlist_begin(docid); t != db.termlist_end(docid); ++t) {
        const std::string stem = *t;
        if (!stem.starts_with(schema::k_prefix_stem) || stem.starts_with(schema::k_prefix_title_stem)) continue;
        const Xapian::doccount tf = db.get_termfreq(stem);
        if (tf < 2) continue;  // in this article only: finds nothing else
        const double idf = std::log(doccount / static_cast<double>(tf));
        scored.emplace_back((1.0 + std::log(static_cast<double>(t.get_wdf()))) * idf, stem);
    }
    const std::size_t keep = std::min<std::size_t>(scored.size(), k_related_terms);
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end(),
                      [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::vector<Xapian::Query> terms;
    for (std::size_t k = 0; k < keep; ++k) terms.emplace_back(scored[k].second);
    std::vector<std::string> place_ids;
    for (const auto& p : article.places) place_ids.push_back(p.id);
    SearchResponse response;
    response.total_exact = true;
    if (terms.empty()) return response;  // no word shared with any other article
    Xapian::Query query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    if (const Xapian::Query boost = m_builder.place_boost(place_ids); !boost.empty()) {
        query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, boost);
    }
    // Not the article itself, nor its near-duplicates (same collapse key).
    std::vector<Xapian::Query> excluded{Xapian::Query(term)};
    if (const std::string key = doc.get_value(schema::k_slot_collapse); !key.empty()) {
        excluded.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::k_slot_collapse, key, key);
    }
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));

    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(*m_weight);
    enquire.set_collapse_key(schema::k_slot_collapse);
    if (m_tuning.time_limit_seconds > 0) enquire.set_time_limit(m_tuning.time_limit_seconds);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit));
    mset.fetch(mset.begin(), mset.end());

    response.total = mset.size();
    response.query_description = query.get_description();
    const HighlightTerms no_terms;
    Highlighter lead_only(*m_index.analyzer, no_terms);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        SearchHit hit;
        hit.article = common::Article::from_stored_json(it.get_document().get_data());
        hit.weight = it.get_weight();
        hit.score = hit.weight;
        hit.rank = it.get_rank() + 1;
        hit.similar = it.get_collapse_count();
        hit.title.text = hit.article.display_title();
        for (const auto& p : hit.article.places) hit.place_labels.push_back(m_index.places->label(p.id, label_lang(request.ui_lang)));
        hit.snippet = lead_only.snippet(hit.article.body, hit.article.lang, m_tuning.snippets);
        hit.extract = render_text(hit.snippet, false);
        response.hits.push_back(std::move(hit));
    }
    response.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return response;
}

SuggestResponse Searcher::suggest(const SuggestRequest& request) { return m_completer.complete(request); }

}  // namespace dateline::searcher
