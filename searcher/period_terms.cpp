// Period terms: query expansion over each period's best matches, compared across the periods.
#include "period_terms.hpp"

#include "common/dates.hpp"
#include "common/schema.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cmath>
#include <list>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace dateline::searcher {

namespace schema = common::schema;

namespace {

/// Searches whose period terms are kept, over all index states.
constexpr std::size_t k_cached_searches = 256;

/// Keeps the words of a period's languages: folded, unprefixed, no digit, at least 3 bytes, neither a
/// stopword nor a month or weekday name, nor one of the query's words or stems.
class PeriodWordDecider : public Xapian::ExpandDecider {
  public:
    PeriodWordDecider(const common::Analyzer& analyzer, const std::unordered_set<std::string>& words,
                      const std::unordered_set<std::string>& stems)
        : m_analyzer(analyzer), m_words(words), m_stems(stems) {}

    bool operator()(const std::string& term) const override {
        if (term.size() < 3) return false;
        // Prefixed terms (filters, stems, title words, exact forms) begin with a capital letter.
        if (term[0] >= 'A' && term[0] <= 'Z') return false;
        if (std::any_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
        if (common::is_stopword(term) || common::is_date_word(term) || m_words.count(term)) return false;
        for (const common::Lang lang : {common::Lang::en, common::Lang::fr}) {
            if (m_stems.count(m_analyzer.stem_folded(term, lang))) return false;
        }
        return true;
    }

  private:
    const common::Analyzer& m_analyzer;
    const std::unordered_set<std::string>& m_words;
    const std::unordered_set<std::string>& m_stems;
};

/// The terms of each period, by period value ("2019", "2024-06").
using PeriodWords = std::map<std::string, std::vector<PeriodTerm>>;

/// An LRU map from (index state, search) to its period terms. Thread-safe.
class PeriodCache {
  public:
    std::optional<PeriodWords> find(const std::string& key) {
        const std::lock_guard lock(m_mutex);
        const auto it = m_index.find(key);
        if (it == m_index.end()) return std::nullopt;
        m_entries.splice(m_entries.begin(), m_entries, it->second);
        return it->second->second;
    }

    void store(const std::string& key, PeriodWords words) {
        const std::lock_guard lock(m_mutex);
        if (m_index.count(key)) return;
        m_entries.emplace_front(key, std::move(words));
        m_index.emplace(key, m_entries.begin());
        if (m_entries.size() > k_cached_searches) {
            m_index.erase(m_entries.back().first);
            m_entries.pop_back();
        }
    }

  private:
    std::mutex m_mutex;
    std::list<std::pair<std::string, PeriodWords>> m_entries;  ///< most recently used first
    std::unordered_map<std::string, std::list<std::pair<std::string, PeriodWords>>::iterator> m_index;
};

PeriodCache& period_cache() {
    static PeriodCache cache;
    return cache;
}

/// The shards and their revisions; empty when they have none (remote shards).
std::string index_state(const OpenIndex& index) {
    if (index.local_shards.empty()) return {};
    std::string state;
    for (const auto& spec : index.shards) state += spec + '\n';
    try {
        for (const auto& shard : index.local_shards) state += std::to_string(shard.get_revision()) + ' ';
    } catch (const Xapian::Error&) {
        return {};
    }
    return state;
}

/// A period: its facet entry and the term that filters its articles.
struct Period {
    FacetCount* count;
    std::string filter_term;
};

/// A candidate word of one period.
struct Candidate {
    double weight = 0.0;
    common::Lang lang = common::Lang::unknown;
};

/// The query's own words and stems, its translations' and its places' names: never a period's terms.
void query_words(const OpenIndex& index, const BuiltQuery& query, std::unordered_set<std::string>& words,
                 std::unordered_set<std::string>& stems) {
    for (auto t = query.text.get_unique_terms_begin(); t != query.text.get_unique_terms_end(); ++t) {
        const std::string& term = *t;
        if (term.starts_with(schema::k_prefix_title_stem)) {
            stems.insert(term.substr(schema::k_prefix_title_stem.size()));
        } else if (term.starts_with(schema::k_prefix_stem)) {
            stems.insert(term.substr(schema::k_prefix_stem.size()));
        } else if (term.starts_with(schema::k_prefix_title)) {
            words.insert(term.substr(schema::k_prefix_title.size()));
        } else if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z')) {
            words.insert(term);
        }
    }
    const HighlightTerms& h = query.highlight;
    stems.insert(h.stems.begin(), h.stems.end());
    words.insert(h.words.begin(), h.words.end());
    for (const auto& phrase : h.phrases) words.insert(phrase.begin(), phrase.end());
    for (const QueryWord& w : query.words) words.insert(w.folded);
    // A place the query names, in both languages ("Corée", "Nord" for North Korea).
    for (const QueryPlace& p : query.places) {
        for (const common::Lang lang : {common::Lang::en, common::Lang::fr}) {
            for (const auto& tok : index.analyzer->tokenize(index.places->label(p.place.id, lang))) words.insert(tok.folded);
        }
    }
}

/// Whether `term` is the whole of hyphenated words ("etatsunis" of "États-Unis", "longterm"), which the
/// indexer writes without positions besides its parts: no word a reader would recognise.
bool compound_whole(const Xapian::Database& db, const std::string& term) {
    const Xapian::PostingIterator post = db.postlist_begin(term);
    if (post == db.postlist_end(term)) return false;
    return db.positionlist_begin(*post, term) == db.positionlist_end(*post, term);
}

/// The candidate words of one period, by folded word.
std::unordered_map<std::string, Candidate> candidates_of(const Xapian::Database& db, const PeriodSearch& search, const Period& period,
                                                         const PeriodWordDecider& decider, const PeriodTermOptions& options) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, search.matches, Xapian::Query(period.filter_term)));
    enquire.set_weighting_scheme(*search.weight);
    if (search.collapse) enquire.set_collapse_key(schema::k_slot_collapse);
    const Xapian::MSet top = enquire.get_mset(0, static_cast<Xapian::doccount>(options.documents));
    std::unordered_map<std::string, Candidate> out;
    if (top.empty()) return out;
    top.fetch(top.begin(), top.end());
    // One relevance set per language: each expansion draws the words of one language, and the words of the
    // language most of the period's articles are written in weigh most.
    Xapian::RSet english;
    Xapian::RSet french;
    for (auto it = top.begin(); it != top.end(); ++it) {
        (it.get_document().get_value(schema::k_slot_lang) == common::lang_code(common::Lang::fr) ? french : english).add_document(*it);
    }
    const double all = static_cast<double>(top.size());
    for (const auto& [rset, lang] : {std::pair{&english, common::Lang::en}, std::pair{&french, common::Lang::fr}}) {
        if (rset->empty()) continue;
        // Common in the language's articles: "yesterday" in English ones, "depuis" in French ones.
        const double in_lang = static_cast<double>(db.get_termfreq(schema::lang_term(common::lang_code(lang))));
        const auto common_limit = std::max(options.common_floor, static_cast<Xapian::doccount>(options.common_share * in_lang));
        // Exact term frequencies: the weights of one database and of any sharding of it agree.
        const Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(options.candidates), *rset,
                                                   Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
        if (eset.empty()) continue;
        const double best = eset.begin().get_weight();
        const double share = static_cast<double>(rset->size()) / all;
        for (auto t = eset.begin(); t != eset.end(); ++t) {
            if (db.get_termfreq(*t) > common_limit || compound_whole(db, *t)) continue;
            const double w = best > 0 ? t.get_weight() / best * share : 0.0;
            Candidate& c = out[*t];
            if (w > c.weight) c.lang = lang;
            c.weight += w;
        }
    }
    return out;
}

/// Whether the first letter of `word` is a capital (its case-folded form differs there).
bool capitalised(const std::string& word) {
    if (word.empty()) return false;
    const auto lead = static_cast<unsigned char>(word[0]);
    const std::size_t n = std::min(word.size(), lead < 0x80 ? std::size_t{1} : lead < 0xE0 ? std::size_t{2} : lead < 0xF0 ? std::size_t{3} : std::size_t{4});
    return common::fold_case(word.substr(0, n)) != word.substr(0, n);
}

/// The translation of `folded` (a word of `lang`) into the other language, or "".
std::string translation_of(const OpenIndex& index, const std::string& folded, common::Lang lang) {
    if (!index.translator) return {};
    const auto* targets = index.translator->lookup_words(lang, *index.analyzer, {folded});
    if (!targets) return {};
    for (const TranslationTarget* t : index.translator->choose(*targets)) {
        if (!t->same_word) return t->label;
    }
    return {};
}

PeriodWords compute(const OpenIndex& index, const PeriodSearch& search, std::vector<Period>& periods, const PrintedForm& printed,
                    const PeriodTermOptions& options) {
    std::unordered_set<std::string> words;
    std::unordered_set<std::string> stems;
    query_words(index, *search.query, words, stems);
    const PeriodWordDecider decider(*index.analyzer, words, stems);
    std::vector<std::unordered_map<std::string, Candidate>> found;
    found.reserve(periods.size());
    std::unordered_map<std::string, std::size_t> periods_with;
    for (const Period& p : periods) {
        found.push_back(candidates_of(index.database, search, p, decider, options));
        for (const auto& [term, c] : found.back()) ++periods_with[term];
    }
    PeriodWords out;
    const double n = static_cast<double>(periods.size());
    for (std::size_t k = 0; k < periods.size(); ++k) {
        std::vector<std::pair<double, const std::string*>> ranked;
        for (const auto& [term, c] : found[k]) {
            // Found in every period: it marks the search, not this period (still above nothing).
            const double spread = n > 1 ? std::log((n + 1) / static_cast<double>(periods_with[term])) / std::log(n + 1) : 1.0;
            ranked.emplace_back(c.weight * spread, &term);
        }
        std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : *a.second < *b.second; });
        std::vector<PeriodTerm>& terms = out[periods[k].count->value];
        for (const auto& [weight, term] : ranked) {
            if (terms.size() >= options.terms || weight <= 0) break;
            PeriodTerm t;
            t.term = *term;
            t.lang = found[k].at(*term).lang;
            t.word = printed ? printed(*term) : *term;
            // A word the titles print capitalised is mostly a name ("Hollande", "Boris"): its dictionary
            // translation would mislead ("Dutch", "boron"), so it keeps no label.
            if (t.lang != search.ui_lang && !capitalised(t.word)) t.label = translation_of(index, *term, t.lang);
            t.weight = weight / ranked.front().first;
            terms.push_back(std::move(t));
        }
    }
    return out;
}

}  // namespace

void find_period_terms(const OpenIndex& index, const PeriodSearch& search, Facets& facets, const PrintedForm& printed,
                       const PeriodTermOptions& options) {
    if (search.query == nullptr || search.weight == nullptr) return;
    // The years, and the months when the timeline is drilled into a year: each compared with its peers.
    std::vector<std::vector<Period>> groups(2);
    for (FacetCount& y : facets.years) {
        if (y.count > 0) groups[0].push_back({&y, schema::year_term(y.value)});
    }
    for (FacetCount& m : facets.months) {
        if (m.count > 0 && m.value.size() == 7) groups[1].push_back({&m, schema::month_term(m.value.substr(0, 4) + m.value.substr(5, 2))});
    }
    const std::string state = options.cached ? index_state(index) : std::string();
    for (std::vector<Period>& periods : groups) {
        if (periods.empty()) continue;
        std::string key;
        if (!state.empty()) {
            key = state + '\x1f' + search.matches.serialise() + '\x1f' + (search.collapse ? "c" : "-") +
                  std::string(common::lang_code(search.ui_lang)) + '\x1f' + std::to_string(options.documents) + ',' +
                  std::to_string(options.terms) + ',' + std::to_string(options.candidates) + ',' + std::to_string(options.common_share) + ',' +
                  std::to_string(options.common_floor);
            for (const Period& p : periods) key += '\x1f' + p.count->value;
        }
        std::optional<PeriodWords> words = key.empty() ? std::nullopt : period_cache().find(key);
        if (!words) {
            words = compute(index, search, periods, printed, options);
            if (!key.empty()) period_cache().store(key, *words);
        }
        for (Period& p : periods) {
            if (auto it = words->find(p.count->value); it != words->end()) p.count->terms = it->second;
        }
    }
}

}  // namespace dateline::searcher
