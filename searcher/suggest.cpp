// Completions: a sorted list of the archive's place names, and a bounded walk of title-word terms.
#include "suggest.hpp"

#include "state_cache.hpp"

#include "common/article.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>

namespace dateline::searcher {

namespace schema = common::schema;

namespace {

/// Title-word terms examined at most for one prefix (a one-letter prefix may have thousands).
constexpr std::size_t k_max_title_terms = 5000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Folded text with whitespace runs as one space, trimmed.
std::string folded_words(std::string_view text) {
    const std::string folded = common::fold_for_match(text);
    std::string out;
    for (const char c : folded) {
        if (is_space(c) || c == '-') {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

/// Title words kept per one- or two-byte prefix.
constexpr std::size_t k_short_prefix_words = 24;
/// Printed forms cached at most (cleared when full).
constexpr std::size_t k_max_printed = 20000;
/// Head words (before the one being completed) a title phrase must continue.
constexpr std::size_t k_phrase_head_words = 2;

/// Titles read at most to find how a word is printed.
constexpr std::size_t k_printed_titles = 8;

/// The word in a title token that may carry an elision or a possessive ("l'Ukraine", "Korea's"), or "".
std::string word_of(std::string_view surface, std::string_view folded) {
    for (std::size_t at = 0; at <= surface.size();) {
        std::size_t next = surface.size();
        std::size_t skip = 0;
        for (const std::string_view apostrophe : {"'", "\u2019"}) {
            const std::size_t found = surface.find(apostrophe, at);
            if (found < next) {
                next = found;
                skip = apostrophe.size();
            }
        }
        const std::string_view piece = surface.substr(at, next - at);
        if (common::fold_for_match(piece) == folded) return std::string(piece);
        if (next == surface.size()) break;
        at = next + skip;
    }
    return {};
}

/// Whether a folded name has a word starting with `tail` ("north korea" has one for "kor").
bool has_word_starting(std::string_view words, std::string_view tail) {
    for (std::size_t at = 0; at < words.size();) {
        if (words.compare(at, tail.size(), tail) == 0) return true;
        const std::size_t space = words.find(' ', at);
        if (space == std::string_view::npos) break;
        at = space + 1;
    }
    return false;
}

}  // namespace

struct Completer::Tables {
    struct PlaceName {
        std::string folded;  ///< a folded name, or the tail of one from a word on ("korea" of "north korea")
        std::string id;
        std::size_t count = 0;
    };
    /// Sorted by folded name.
    std::vector<PlaceName> places;
    /// The most frequent title words of every one- and two-byte prefix: short prefixes would otherwise
    /// walk thousands of terms at each key press.
    std::unordered_map<std::string, std::vector<Word>> short_prefixes;
    /// Printed forms found so far by any Completer (each keeps its own copy of those it used).
    mutable std::mutex printed_mutex;
    mutable std::unordered_map<std::string, std::string> printed;

    explicit Tables(const OpenIndex& index);
};

Completer::Tables::Tables(const OpenIndex& index) {
    const Xapian::Database& db = index.database;
    const std::string place_prefix(schema::k_prefix_place);
    for (auto it = db.allterms_begin(place_prefix); it != db.allterms_end(place_prefix); ++it) {
        const std::string id = (*it).substr(place_prefix.size());
        const auto count = static_cast<std::size_t>(it.get_termfreq());
        for (const auto& name : index.places->names(id)) {
            const std::string words = folded_words(name);
            // The whole name, and its tail from each later word on: "korea" finds "North Korea".
            for (std::size_t at = 0; at < words.size();) {
                places.push_back({words.substr(at), id, count});
                const std::size_t space = words.find(' ', at);
                if (space == std::string::npos) break;
                at = space + 1;
            }
        }
    }
    std::sort(places.begin(), places.end(), [](const PlaceName& a, const PlaceName& b) { return a.folded < b.folded; });

    const std::string title_prefix(schema::k_prefix_title);
    for (auto it = db.allterms_begin(title_prefix); it != db.allterms_end(title_prefix); ++it) {
        const std::string word = (*it).substr(title_prefix.size());
        if (word.empty() || word[0] < '0' || common::is_stopword(word)) continue;  // not a prefix ("ZS...") or a stopword
        const auto count = static_cast<std::size_t>(it.get_termfreq());
        for (const std::size_t len : {std::size_t{1}, std::size_t{2}}) {
            if (word.size() < len) continue;
            auto& list = short_prefixes[word.substr(0, len)];
            list.push_back({word, count});
            // Keep the lists short while walking: drop the least frequent half when it doubles.
            if (list.size() >= 2 * k_short_prefix_words) {
                std::partial_sort(list.begin(), list.begin() + k_short_prefix_words, list.end(),
                                  [](const Word& a, const Word& b) { return a.count > b.count; });
                list.resize(k_short_prefix_words);
            }
        }
    }
    for (auto& [prefix, list] : short_prefixes) {
        std::sort(list.begin(), list.end(), [](const Word& a, const Word& b) { return a.count > b.count; });
        if (list.size() > k_short_prefix_words) list.resize(k_short_prefix_words);
    }
}

Completer::Completer(const OpenIndex& index) : m_index(index) {}

void Completer::refresh() {
    // The index state: its shards, documents and, for local shards, revisions (a replaced article keeps
    // the counts).
    const Xapian::Database& db = m_index.database;
    std::string state;
    for (const auto& spec : m_index.shards) state += spec + '\n';
    state += std::to_string(db.get_lastdocid()) + ' ' + std::to_string(db.get_doccount());
    try {
        for (const auto& shard : m_index.local_shards) state += ' ' + std::to_string(shard.get_revision());
    } catch (const Xapian::Error&) {
        // A backend without revisions: the counts will do.
    }
    if (m_tables && state == m_tables_state) return;

    static StateCache<Tables> cache(4);
    std::shared_ptr<const Tables> tables = cache.find(state);
    // Built outside any lock: two threads may build the same state once, none waits on another's walk.
    if (!tables) tables = cache.store(state, std::make_shared<const Tables>(m_index));
    if (m_tables_state != state) m_printed.clear();
    m_tables = std::move(tables);
    m_tables_state = std::move(state);
}

std::vector<Completer::Word> Completer::title_words(const std::string& prefix, std::size_t n) {
    std::vector<Word> words;
    if (prefix.size() <= 2) {
        if (const auto it = m_tables->short_prefixes.find(prefix); it != m_tables->short_prefixes.end()) words = it->second;
    } else {
        const Xapian::Database& db = m_index.database;
        const std::string term_prefix = std::string(schema::k_prefix_title) + prefix;
        std::size_t scanned = 0;
        for (auto it = db.allterms_begin(term_prefix); it != db.allterms_end(term_prefix) && scanned < k_max_title_terms; ++it, ++scanned) {
            const std::string word = (*it).substr(schema::k_prefix_title.size());
            if (!common::is_stopword(word)) words.push_back({word, static_cast<std::size_t>(it.get_termfreq())});
        }
    }
    const std::size_t keep = std::min(words.size(), n);
    std::partial_sort(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(keep), words.end(),
                      [](const Word& a, const Word& b) { return a.count != b.count ? a.count > b.count : a.folded < b.folded; });
    words.resize(keep);
    return words;
}

const std::string& Completer::printed_form(const std::string& folded, bool accented) {
    const std::string key = accented ? folded + '\x01' : folded;
    if (const auto it = m_printed.find(key); it != m_printed.end()) return it->second;
    if (!m_tables) refresh();  // called for spelling, before any completion
    if (m_printed.size() >= k_max_printed) m_printed.clear();
    {
        const std::lock_guard lock(m_tables->printed_mutex);
        if (const auto it = m_tables->printed.find(key); it != m_tables->printed.end()) return m_printed.emplace(key, it->second).first->second;
    }
    // Forms found in the first few titles with the word, and how often.
    std::vector<std::pair<std::string, std::size_t>> forms;
    const Xapian::Database& db = m_index.database;
    const std::string term = std::string(schema::k_prefix_title) + folded;
    std::size_t seen = 0;
    for (auto post = db.postlist_begin(term); post != db.postlist_end(term) && seen < k_printed_titles; ++post, ++seen) {
        try {
            const common::Article article = common::Article::from_stored_json(db.get_document(*post).get_data());
            for (const auto& t : m_index.analyzer->tokenize(article.title)) {
                if (t.folded != folded || t.kind == common::TokenKind::compound) continue;
                const std::string word = word_of(std::string_view(article.title).substr(t.begin, t.end - t.begin), folded);
                if (word.empty()) continue;
                const auto it = std::find_if(forms.begin(), forms.end(), [&](const auto& f) { return f.first == word; });
                if (it == forms.end()) {
                    forms.emplace_back(word, 1);
                } else {
                    ++it->second;
                }
            }
        } catch (const common::Error&) {
            // Unreadable stored data: other titles, or the folded form, will do.
        }
    }
    std::string printed = folded;
    std::size_t best = 0;
    bool best_accented = false;
    for (const auto& [form, count] : forms) {
        const bool has_accents = common::fold_accents(common::fold_case(form)) != common::fold_case(form);
        const bool better = accented && has_accents != best_accented ? has_accents : count > best;
        if (better) {
            printed = form;
            best = count;
            best_accented = has_accents;
        }
    }
    if (accented && !best_accented) {
        // No title prints it with diacritics: a few articles' text may (lower case: it may start a sentence there).
        const std::string& word_term = folded;
        std::size_t read = 0;
        for (auto post = db.postlist_begin(word_term); post != db.postlist_end(word_term) && read < k_printed_titles / 2; ++post, ++read) {
            try {
                const common::Article article = common::Article::from_stored_json(db.get_document(*post).get_data());
                const auto tokens = m_index.analyzer->tokenize(common::truncate_utf8(article.body, 16 * 1024));
                const auto it = std::find_if(tokens.begin(), tokens.end(), [&](const common::Token& t) {
                    return t.folded == folded && t.lower != t.folded && t.kind != common::TokenKind::compound;
                });
                if (it != tokens.end()) {
                    printed = it->lower;
                    break;
                }
            } catch (const common::Error&) {
                // Unreadable stored data: try the next article.
            }
        }
    }
    {
        const std::lock_guard lock(m_tables->printed_mutex);
        if (m_tables->printed.size() >= k_max_printed) m_tables->printed.clear();
        m_tables->printed.emplace(key, printed);
    }
    return m_printed.emplace(key, std::move(printed)).first->second;
}

SuggestResponse Completer::complete(const SuggestRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    SuggestResponse out;
    const std::string typed = common::repair_utf8(request.prefix).text;
    if (folded_words(typed).empty() || request.limit == 0) return out;
    refresh();

    // The name in the language it was typed in ("Corée du N" → "Corée du Nord"), else in the UI's.
    const common::Lang ui_lang = request.ui_lang == common::Lang::fr ? common::Lang::fr : common::Lang::en;
    const auto place_label = [&](const std::string& id, const std::string& tail) {
        for (const common::Lang lang : {ui_lang, ui_lang == common::Lang::fr ? common::Lang::en : common::Lang::fr}) {
            std::string label = m_index.places->label(id, lang);
            if (has_word_starting(folded_words(label), tail)) return label;
        }
        return m_index.places->label(id, ui_lang);
    };
    // Places whose name (or its tail from a word on) starts with the end of what is typed, the longest end
    // first: "kim vlad" → "kim Vladivostok". A place after other words needs three letters of its name.
    const std::vector<common::Token> tokens = m_index.analyzer->tokenize(typed);
    std::vector<Completion> places;
    std::string place_head;  // what is typed before the place names
    bool places_after_words = false;
    for (const auto& from : tokens) {
        if (from.compound_part) continue;
        const std::string tail = folded_words(std::string_view(typed).substr(from.begin));
        const bool after_words = from.begin > tokens.front().begin;
        if (tail.empty() || (after_words && tail.size() < 3)) continue;
        const std::string head_text = typed.substr(0, from.begin);
        // The most frequent places first; labels only for those listed (a letter matches thousands).
        using PlaceName = Tables::PlaceName;
        const std::vector<PlaceName>& names = m_tables->places;
        std::vector<const PlaceName*> matching;
        for (auto it = std::lower_bound(names.begin(), names.end(), tail,
                                        [](const PlaceName& p, const std::string& w) { return p.folded < w; });
             it != names.end() && it->folded.starts_with(tail); ++it) {
            matching.push_back(&*it);
        }
        std::stable_sort(matching.begin(), matching.end(), [](const PlaceName* a, const PlaceName* b) { return a->count > b->count; });
        for (const PlaceName* p : matching) {
            if (places.size() >= request.limit) break;
            const bool seen = std::any_of(places.begin(), places.end(), [&](const Completion& c) { return c.place_id == p->id; });
            if (!seen) places.push_back({head_text + place_label(p->id, tail), "place", p->id, p->count});
        }
        if (!places.empty()) {
            places_after_words = after_words;
            place_head = head_text;
            break;
        }
    }

    // Title words completing the last word typed; after other words, those that follow them in titles.
    std::vector<Completion> words;
    const bool ends_in_word = !is_space(typed.back());
    if (ends_in_word && !tokens.empty()) {
        const common::Token& last = tokens.back();
        const std::string head_text = typed.substr(0, last.begin);
        std::vector<std::string> head;  // the words before, nearest last
        for (auto t = tokens.rbegin() + 1; t != tokens.rend() && head.size() < k_phrase_head_words; ++t) {
            if (t->kind != common::TokenKind::compound && t->end <= last.begin) head.insert(head.begin(), t->folded);
        }
        std::vector<Word> candidates = title_words(last.folded, request.limit * 2);
        if (!head.empty()) {
            // Titles where the words before are followed by the candidate: frequent title phrases.
            for (auto& c : candidates) {
                std::vector<Xapian::Query> phrase;
                for (const auto& h : head) phrase.emplace_back(std::string(schema::k_prefix_title) + h);
                phrase.emplace_back(std::string(schema::k_prefix_title) + c.folded);
                Xapian::Enquire enquire(m_index.database);
                enquire.set_query(Xapian::Query(Xapian::Query::OP_PHRASE, phrase.begin(), phrase.end(),
                                                static_cast<Xapian::termcount>(phrase.size())));
                enquire.set_weighting_scheme(Xapian::BoolWeight());
                c.count = enquire.get_mset(0, 0, 1000).get_matches_estimated();
            }
            candidates.erase(std::remove_if(candidates.begin(), candidates.end(), [](const Word& c) { return c.count == 0; }),
                             candidates.end());
            std::stable_sort(candidates.begin(), candidates.end(), [](const Word& a, const Word& b) { return a.count > b.count; });
        }
        const bool accented = last.lower != last.folded;
        for (const auto& c : candidates) words.push_back({head_text + printed_form(c.folded, accented), "title", {}, c.count});
    }

    // Places named by everything typed first (half the list at most), then title words, then the rest;
    // a completion already listed (a place and a title word alike) once.
    // A title word that is a listed place's name in the other language is that place again ("Corse"
    // after "Corsica").
    std::vector<std::string> place_names;
    for (const auto& p : places) {
        for (const common::Lang lang : {common::Lang::en, common::Lang::fr}) {
            place_names.push_back(folded_words(place_head + m_index.places->label(p.place_id, lang)));
        }
    }
    const auto add = [&](const Completion& c) {
        if (out.completions.size() >= request.limit) return;
        const std::string key = folded_words(c.text);
        const bool dup = std::any_of(out.completions.begin(), out.completions.end(),
                                     [&](const Completion& o) { return folded_words(o.text) == key; }) ||
                         (c.kind == "title" && std::find(place_names.begin(), place_names.end(), key) != place_names.end());
        if (!dup) out.completions.push_back(c);
    };
    const std::size_t first_places = places_after_words ? 0 : std::min(places.size(), (request.limit + 1) / 2);
    for (std::size_t k = 0; k < first_places; ++k) add(places[k]);
    for (const auto& w : words) add(w);
    for (std::size_t k = first_places; k < places.size(); ++k) add(places[k]);
    out.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace dateline::searcher
