// Query building: two QueryParser readings on the shared analysis, field processors, relaxation and boosts.
#include "query_builder.hpp"

#include "common/dates.hpp"
#include "common/errors.hpp"
#include "common/language.hpp"
#include "common/schema.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <unordered_map>

namespace dateline::searcher {

namespace schema = common::schema;
using common::Lang;

namespace {

using QP = Xapian::QueryParser;

/// Full syntax first; on a syntax error, the same without boolean operators; then no syntax at all.
constexpr std::array<unsigned, 3> k_flag_levels = {
    QP::FLAG_BOOLEAN | QP::FLAG_PHRASE | QP::FLAG_LOVEHATE | QP::FLAG_WILDCARD | QP::FLAG_PURE_NOT,
    QP::FLAG_PHRASE | QP::FLAG_LOVEHATE | QP::FLAG_WILDCARD,
    0,
};

/// Longest place name tried in query words, in words ("Democratic Republic of Congo").
constexpr std::size_t k_max_place_words = 5;
/// Most words of a run between two phrase-boosted words (stopwords in between: "Corée du Nord").
constexpr std::size_t k_max_phrase_gap = 3;

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

/// How much more often the archive must use a word as a name than as an ordinary word for the word, typed
/// in lower case, to name a place (mostly_a_name).
constexpr Xapian::doccount k_name_use_ratio = 3;

Xapian::Query scaled(Xapian::Query q, double factor) {
    if (q.empty() || factor == 1.0) return q;
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, factor);
}

Xapian::Query any_of(const std::vector<Xapian::Query>& parts) {
    if (parts.empty()) return {};
    if (parts.size() == 1) return parts.front();
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

/// A filter no article passes. Not Query::MatchNothing: that is the empty query, which the QueryParser
/// and OP_AND drop as if there were no filter at all.
Xapian::Query no_article() { return Xapian::Query(schema::place_term("\x7f")); }

Xapian::Query value_range(std::string_view lo, std::string_view hi) {
    if (lo.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::k_slot_date, std::string(hi));
    if (hi.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::k_slot_date, std::string(lo));
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::k_slot_date, std::string(lo), std::string(hi));
}

/// "YYYYMMDD" → {y, m, d} when it is a date, else std::nullopt.
std::optional<std::array<int, 3>> ymd_of(std::string_view s) {
    if (s.size() != 8 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    const int y = std::stoi(std::string(s.substr(0, 4)));
    const int m = std::stoi(std::string(s.substr(4, 2)));
    const int d = std::stoi(std::string(s.substr(6, 2)));
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return std::array<int, 3>{y, m, d};
}

/// Articles dated from `lo` to `hi` ("YYYYMMDD", inclusive; either may be empty: open). As the fewest year,
/// month and day terms covering the range (2019..2020 → Y2019 OR Y2020), clamped to the archive's dates:
/// boolean terms are intersected with the words by skipping, where a value range checks the date of every
/// candidate (it doubled the cost of filtered searches). A value range when the dates are not plain days.
Xapian::Query date_filter(std::string_view lo, std::string_view hi, const Xapian::Database& db) {
    std::string first(lo);
    std::string last(hi);
    try {
        if (first.empty()) first = db.get_value_lower_bound(schema::k_slot_date);
        if (last.empty()) last = db.get_value_upper_bound(schema::k_slot_date);
    } catch (const Xapian::Error&) {
        return value_range(lo, hi);
    }
    if (first.empty() || last.empty()) return no_article();  // no dated article at all
    const auto a = ymd_of(first);
    const auto b = ymd_of(last);
    if (!a || !b) return value_range(lo, hi);
    if (first > last) return no_article();
    auto ymd = [](int y, int m, int d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
        return std::string(buf);
    };
    std::vector<Xapian::Query> terms;
    int y = (*a)[0];
    int m = (*a)[1];
    int d = (*a)[2];
    // Walk from the first day: a whole year when it fits, else a whole month, else a day.
    while (ymd(y, m, d) <= last && terms.size() <= 2000) {
        if (m == 1 && d == 1 && ymd(y, 12, 31) <= last) {
            terms.emplace_back(schema::year_term(std::to_string(y)));
            ++y;
            continue;
        }
        if (d == 1 && ymd(y, m, common::days_in_month(y, m)) <= last) {
            terms.emplace_back(schema::month_term(ymd(y, m, 1)));
        } else {
            terms.emplace_back(schema::day_term(ymd(y, m, d)));
            if (d < common::days_in_month(y, m)) {
                ++d;
                continue;
            }
        }
        d = 1;
        if (++m > 12) {
            m = 1;
            ++y;
        }
    }
    if (terms.size() > 2000) return value_range(lo, hi);
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

/// Problems the field processors meet while the QueryParser runs. They are collected, not thrown, so
/// that no exception unwinds through Xapian's parser; build() throws the first error afterwards.
struct ParseState {
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    /// Places of place:/lieu: filters, for highlighting and the salience boost.
    std::vector<PlaceRef> places;
    void clear() {
        errors.clear();
        warnings.clear();
        places.clear();
    }
    void warn(std::string message) {
        if (std::find(warnings.begin(), warnings.end(), message) == warnings.end()) warnings.push_back(std::move(message));
    }
};

constexpr std::string_view k_date_forms = "expected YYYY, YYYY-MM or YYYY-MM-DD, or a range FROM..TO";

/// date:2024, date:2024-06, date:2024-06-15 → the year, month or day filter term.
class DateField : public Xapian::FieldProcessor {
  public:
    explicit DateField(ParseState& state) : m_state(state) {}
    Xapian::Query operator()(const std::string& value) override {
        try {
            const std::string ymd = date_bound(value, false, "date");
            const std::size_t digits = std::count_if(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (digits == 4) return Xapian::Query(schema::year_term(ymd));
            if (digits == 6) return Xapian::Query(schema::month_term(ymd));
            return Xapian::Query(schema::day_term(ymd));
        } catch (const common::UsageError&) {
            m_state.errors.push_back("bad date '" + value + "' in 'date:" + value + "'; " + std::string(k_date_forms));
            return Xapian::Query::MatchNothing;
        }
    }

  private:
    ParseState& m_state;
};

/// date:2019..2024, date:2024-06..2024-07, date:..2024, date:2019.. → a range of the date value slot.
class DateRange : public Xapian::RangeProcessor {
  public:
    DateRange(ParseState& state, const Xapian::Database& db)
        : Xapian::RangeProcessor(schema::k_slot_date, "date:"), m_state(state), m_db(db) {}
    Xapian::Query operator()(const std::string& begin, const std::string& end) override {
        const std::string whole = "date:" + begin + ".." + end;
        if (begin.empty() && end.empty()) {
            m_state.errors.push_back("empty date range in '" + whole + "'; " + std::string(k_date_forms));
            return Xapian::Query::MatchNothing;
        }
        std::string lo;
        std::string hi;
        for (const auto& [text, upper, out] : {std::tuple{&begin, false, &lo}, std::tuple{&end, true, &hi}}) {
            if (text->empty()) continue;
            try {
                *out = date_bound(*text, upper, "date");
            } catch (const common::UsageError&) {
                m_state.errors.push_back("bad date '" + *text + "' in '" + whole + "'; " + std::string(k_date_forms));
                return Xapian::Query::MatchNothing;
            }
        }
        if (!lo.empty() && !hi.empty() && lo > hi) {
            m_state.errors.push_back("date range '" + whole + "' ends before it starts");
            return Xapian::Query::MatchNothing;
        }
        return date_filter(lo, hi, m_db);
    }

  private:
    ParseState& m_state;
    const Xapian::Database& m_db;
};

/// lang:fr, langue:en → the language filter term.
class LangField : public Xapian::FieldProcessor {
  public:
    LangField(ParseState& state, std::string field) : m_state(state), m_field(std::move(field)) {}
    Xapian::Query operator()(const std::string& value) override {
        const auto lang = common::parse_lang(value);
        if (!lang) {
            m_state.errors.push_back("unknown language '" + value + "' in '" + m_field + ":" + value + "'; expected one of: en, fr");
            return Xapian::Query::MatchNothing;
        }
        return Xapian::Query(schema::lang_term(common::lang_code(*lang)));
    }

  private:
    ParseState& m_state;
    std::string m_field;
};

/// source:NAME → the source filter (schema::source_filter).
class SourceField : public Xapian::FieldProcessor {
  public:
    Xapian::Query operator()(const std::string& value) override { return schema::source_filter(value); }
};

/// The filter for a place name, code or id (place:/lieu: in the text, or a places filter beside it),
/// noting the place in `found`; an empty query when the directory does not know it.
Xapian::Query place_filter(const PlaceDirectory& places, std::string_view name, std::vector<PlaceRef>& found) {
    const std::vector<PlaceRef> refs = places.resolve(name);
    if (refs.empty()) return {};
    found.push_back(refs.front());
    return Xapian::Query(refs.front().filter_term());
}

/// place:"North Korea", lieu:Corée, place:KP, place:gn2013348 → the place's filter term.
class PlaceField : public Xapian::FieldProcessor {
  public:
    PlaceField(ParseState& state, const PlaceDirectory& places, std::string field)
        : m_state(state), m_places(places), m_field(std::move(field)) {}
    Xapian::Query operator()(const std::string& value) override {
        Xapian::Query filter = place_filter(m_places, value, m_state.places);
        if (filter.empty()) {
            m_state.warn("unknown place '" + value + "' in '" + m_field + ":" + value + "': no article matches it");
            return no_article();
        }
        return filter;
    }

  private:
    ParseState& m_state;
    const PlaceDirectory& m_places;
    std::string m_field;
};

/// A stopper owned by the caller (not released to the QueryParser: a reading switches between two).
std::unique_ptr<Xapian::SimpleStopper> make_stopper(std::initializer_list<Lang> langs) {
    auto stopper = std::make_unique<Xapian::SimpleStopper>();
    for (const Lang lang : langs) {
        for (const auto& w : lang == Lang::fr ? common::french_stopwords() : common::english_stopwords()) stopper->add(std::string(w));
    }
    return stopper;
}

// ---- Lexing: the query's plain words, as typed, for boosts, place names, spelling and highlighting.

struct LexWord {
    std::string folded;
    bool capitalized = false;
    bool accented = false;
    bool stop = false;
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct Lexed {
    /// Runs of plain words not separated by syntax (operators, brackets, quotes, fields, excluded words).
    std::vector<std::vector<LexWord>> runs;
    std::vector<std::string> wildcard_prefixes;
    bool has_text = false;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// The tokens of `tokens` (the whole text's) inside the byte range [begin, end).
std::span<const common::Token> tokens_within(const std::vector<common::Token>& tokens, std::size_t begin, std::size_t end) {
    const auto first = std::find_if(tokens.begin(), tokens.end(), [&](const common::Token& t) { return t.begin >= begin; });
    const auto last = std::find_if(first, tokens.end(), [&](const common::Token& t) { return t.end > end; });
    return {first, last};
}

/// Reads the query's syntax around its tokens (`tokens`, from the analyzer, made once for the whole text).
Lexed lex(std::string_view s, const std::vector<common::Token>& tokens) {
    Lexed out;
    std::vector<LexWord> run;
    auto end_run = [&] {
        if (!run.empty()) out.runs.push_back(std::move(run));
        run.clear();
    };
    auto skip_quoted = [&](std::size_t open) {
        const std::size_t close = s.find('"', open + 1);
        return close == std::string_view::npos ? s.size() : close + 1;
    };
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (is_space(c)) {
            ++i;
            continue;
        }
        if (c == '"') {
            end_run();
            const std::size_t next = skip_quoted(i);
            for (const auto& t : tokens_within(tokens, i + 1, next)) {
                if (t.kind != common::TokenKind::compound) out.has_text = true;
            }
            i = next;
            continue;
        }
        if (c == '(' || c == ')') {
            end_run();
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && !is_space(s[j]) && s[j] != '(' && s[j] != ')' && s[j] != '"') ++j;
        std::string_view chunk = s.substr(i, j - i);
        std::size_t offset = i;
        if (const std::size_t colon = chunk.find(':'); colon != std::string_view::npos && colon > 0) {
            const std::string field = common::ascii_lower(chunk.substr(0, colon));
            if (contains(k_query_text_fields, field) || contains(k_query_filter_fields, field)) {
                end_run();
                if (contains(k_query_text_fields, field)) out.has_text = true;
                if (colon + 1 == chunk.size() && j < s.size() && s[j] == '"') j = skip_quoted(j);
                i = j;
                continue;
            }
        }
        if (common::is_query_operator(chunk) || chunk.starts_with("NEAR/") || chunk.starts_with("ADJ/") || chunk[0] == '-') {
            end_run();
            i = j;
            continue;
        }
        if (chunk[0] == '+') {
            chunk.remove_prefix(1);
            ++offset;
        }
        if (!chunk.empty() && chunk.back() == '*') {
            end_run();
            while (!chunk.empty() && chunk.back() == '*') chunk.remove_suffix(1);
            const auto prefix = tokens_within(tokens, offset, offset + chunk.size());
            if (!prefix.empty()) {
                out.wildcard_prefixes.push_back(prefix.back().folded);
                out.has_text = true;
            }
            i = j;
            continue;
        }
        for (const auto& t : tokens_within(tokens, offset, j)) {
            if (t.kind == common::TokenKind::compound) continue;  // its parts follow
            LexWord w;
            w.folded = t.folded;
            w.capitalized = t.capitalized;
            w.accented = t.lower != t.folded;
            w.stop = common::is_stopword(t.folded);
            w.begin = t.begin;
            w.end = t.end;
            run.push_back(std::move(w));
            out.has_text = true;
        }
        i = j;
    }
    end_run();
    return out;
}

// ---- Rewriting parsed queries.

/// The term of a single-term query, or "".
std::string leaf_term(const Xapian::Query& q) {
    if (q.get_type() != Xapian::Query::LEAF_TERM) return {};
    const auto it = q.get_unique_terms_begin();
    return it == q.get_unique_terms_end() ? std::string() : *it;
}

std::vector<Xapian::Query> subqueries(const Xapian::Query& q) {
    std::vector<Xapian::Query> out;
    out.reserve(q.get_num_subqueries());
    for (std::size_t k = 0; k < q.get_num_subqueries(); ++k) out.push_back(q.get_subquery(k));
    return out;
}

/// Operators whose first subquery is the part that decides what matches (the rest filters or boosts).
bool is_positive_chain(Xapian::Query::op op) {
    return op == Xapian::Query::OP_AND_NOT || op == Xapian::Query::OP_FILTER || op == Xapian::Query::OP_AND_MAYBE;
}

/// Applies `f` to the conjunction (or disjunction) of plain words of a parsed reading: the query itself,
/// or the first subquery of AND_NOT / FILTER / AND_MAYBE chains.
template <typename F>
Xapian::Query rewrite_words(const Xapian::Query& q, const F& f) {
    const auto op = q.get_type();
    if (is_positive_chain(op) && q.get_num_subqueries() == 2) {
        Xapian::Query first = rewrite_words(q.get_subquery(0), f);
        return Xapian::Query(op, first, q.get_subquery(1));
    }
    return f(q);
}

/// The words of a string of words separated by single spaces.
std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const std::size_t space = s.find(' ');
        if (space != 0) out.push_back(s.substr(0, space));
        if (space == std::string_view::npos) break;
        s.remove_prefix(space + 1);
    }
    return out;
}

/// A place named by query words, with the stem terms those words give in each reading.
struct PlaceSpan {
    std::vector<std::string> folded_words;
    PlaceRef place;
    /// The place's names in either language, the typed one included ("north korea", "coree du nord"...), as
    /// the text has them: each name's words as a phrase, all of them one synonym, weighed as one concept
    /// whatever the language of the article.
    Xapian::Query names;
};

/// The names (folded words joined by one space) as a synonym of their phrases. A name of one word that the
/// analyzer protects is its name term, which the indexer writes only where the word is a name (capitalised):
/// "Aurora" is not the aurora of a physics abstract.
Xapian::Query name_phrases(const std::vector<std::string>& names, const common::Analyzer& analyzer) {
    std::vector<Xapian::Query> phrases;
    for (const auto& name : names) {
        std::vector<Xapian::Query> words;
        for (const auto& w : split_words(name)) words.emplace_back(std::string(schema::k_prefix_word) + std::string(w));
        if (words.empty()) continue;
        if (words.size() == 1) {
            phrases.push_back(analyzer.is_protected(name) ? Xapian::Query(std::string(schema::k_prefix_stem) + name) : words.front());
        } else {
            phrases.emplace_back(Xapian::Query::OP_PHRASE, words.begin(), words.end(), static_cast<Xapian::termcount>(words.size()));
        }
    }
    if (phrases.size() <= 1) return phrases.empty() ? Xapian::Query() : phrases.front();
    return Xapian::Query(Xapian::Query::OP_SYNONYM, phrases.begin(), phrases.end());
}

/// In one reading, lets the words naming a place also match the place's names (as phrases, one synonym) and
/// the articles about the place, whatever their language. With OR: (north OR korea OR russia) → (north OR
/// korea OR ("north korea" SYN "coree du nord"…) OR XCKP) OR (russia OR (russia SYN russie) OR XCRU). With
/// AND, a name of several words is matched as one of the place's names: (("north korea" SYN "coree du
/// nord"…) OR XCKP) AND (russia OR (russia SYN russie) OR XCRU). The place term weighs nothing (the place
/// boost weighs places).
Xapian::Query expand_places(const Xapian::Query& reading, Lang lang, const std::vector<PlaceSpan>& spans,
                            const common::Analyzer& analyzer) {
    if (spans.empty()) return reading;
    return rewrite_words(reading, [&](const Xapian::Query& q) {
        const auto op = q.get_type();
        std::vector<Xapian::Query> children;
        if (op == Xapian::Query::OP_AND || op == Xapian::Query::OP_OR) {
            children = subqueries(q);
        } else if (op == Xapian::Query::LEAF_TERM || op == Xapian::Query::OP_PHRASE) {
            children = {q};  // one word, or one hyphenated name
        } else {
            return q;
        }
        for (const PlaceSpan& span : spans) {
            // The name's words as this reading has them. A function word of either language may be missing:
            // a query in the other language stops both languages' ("du" in the English reading of "Afrique du Sud").
            std::vector<std::size_t> at;
            bool complete = true;
            for (const auto& w : span.folded_words) {
                if (common::is_stopword_in(w, lang)) continue;
                const std::string term = std::string(schema::k_prefix_stem) + analyzer.stem_folded(w, lang);
                const auto it = std::find_if(children.begin(), children.end(), [&](const Xapian::Query& c) { return leaf_term(c) == term; });
                if (it == children.end()) {
                    if (common::is_stopword(w)) continue;
                    complete = false;
                    break;
                }
                const auto k = static_cast<std::size_t>(it - children.begin());
                if (std::find(at.begin(), at.end(), k) == at.end()) at.push_back(k);
            }
            if (!complete || at.empty()) {
                // A hyphenated name ("États-Unis") is one phrase of its folded words.
                std::vector<std::string> words = span.folded_words;
                std::sort(words.begin(), words.end());
                words.erase(std::unique(words.begin(), words.end()), words.end());
                const auto it = std::find_if(children.begin(), children.end(), [&](const Xapian::Query& c) {
                    return c.get_type() == Xapian::Query::OP_PHRASE &&
                           std::equal(words.begin(), words.end(), c.get_unique_terms_begin(), c.get_unique_terms_end());
                });
                if (it == children.end()) continue;
                at = {static_cast<std::size_t>(it - children.begin())};
            }
            std::sort(at.begin(), at.end());
            std::vector<Xapian::Query> group;
            for (const std::size_t k : at) group.push_back(children[k]);
            const Xapian::Query words = group.size() == 1 ? group.front() : Xapian::Query(op == Xapian::Query::OP_OR ? Xapian::Query::OP_OR : Xapian::Query::OP_AND, group.begin(), group.end());
            const Xapian::Query place(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(span.place.filter_term()), 0.0);
            // The typed words keep their own weight: an article in the query's language that names the
            // place as typed ranks above one that names it in the other language, as a concept it is equal.
            std::vector<Xapian::Query> alternatives = {words};
            if (!span.names.empty()) {
                alternatives.push_back(span.names);
                // Among the articles with every word, a name of several words is one of the place's names,
                // not its words anywhere ("north" and "korea" apart), so that either language finds the same.
                if (op == Xapian::Query::OP_AND && span.folded_words.size() > 1) alternatives.erase(alternatives.begin());
            }
            alternatives.push_back(place);
            const Xapian::Query either(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
            for (auto k = at.rbegin(); k != at.rend(); ++k) children.erase(children.begin() + static_cast<std::ptrdiff_t>(*k));
            children.insert(children.begin() + static_cast<std::ptrdiff_t>(at.front()), either);
        }
        if (children.size() == 1) return children.front();
        return Xapian::Query(op == Xapian::Query::OP_OR ? op : Xapian::Query::OP_AND, children.begin(), children.end());
    });
}

/// The word-level parts of a parsed reading: the children of its disjunction of plain words (or the
/// query itself when it is one part).
std::vector<Xapian::Query> word_parts_of(const Xapian::Query& reading) {
    std::vector<Xapian::Query> parts;
    rewrite_words(reading, [&](const Xapian::Query& q) {
        if (q.get_type() == Xapian::Query::OP_OR) {
            parts = subqueries(q);
        } else {
            parts = {q};
        }
        return q;
    });
    return parts;
}

/// Applies `f` to the single terms of a reading's conjunction or disjunction of words (see rewrite_words),
/// and with `nested`, to those of its AND/OR children too (a place name's words).
template <typename F>
Xapian::Query map_word_leaves(const Xapian::Query& reading, const F& f, bool nested) {
    auto map_children = [&](const Xapian::Query& q, bool deeper) {
        std::vector<Xapian::Query> children;
        for (const auto& child : subqueries(q)) {
            const auto cop = child.get_type();
            if (cop == Xapian::Query::LEAF_TERM) {
                children.push_back(f(child));
            } else if (deeper && (cop == Xapian::Query::OP_AND || cop == Xapian::Query::OP_OR)) {
                std::vector<Xapian::Query> inner;
                for (const auto& g : subqueries(child)) inner.push_back(g.get_type() == Xapian::Query::LEAF_TERM ? f(g) : g);
                children.emplace_back(cop, inner.begin(), inner.end());
            } else {
                children.push_back(child);
            }
        }
        return Xapian::Query(q.get_type(), children.begin(), children.end());
    };
    return rewrite_words(reading, [&](const Xapian::Query& q) {
        const auto op = q.get_type();
        if (op == Xapian::Query::LEAF_TERM) return f(q);
        if (op != Xapian::Query::OP_AND && op != Xapian::Query::OP_OR) return q;
        return map_children(q, nested);
    });
}

/// In one reading, lets a place name typed in lower case also match the documents that use the word as an
/// ordinary word ("aurora" in a physics abstract is indexed apart from Aurora, Colorado): its name term and
/// its common-use stem as one synonym, weighed by their joint frequency, so that a common word whose stem
/// is rare ("pari", bets) does not outweigh the name ("paris").
Xapian::Query add_common_uses(const Xapian::Query& reading, Lang lang, const std::unordered_set<std::string>& capitalized,
                              const common::Analyzer& analyzer, const Xapian::Database& db) {
    const std::string prefix(schema::k_prefix_stem);
    auto widen = [&](const Xapian::Query& leaf) -> Xapian::Query {
        const std::string term = leaf_term(leaf);
        if (!term.starts_with(prefix) || term.size() <= prefix.size() || (term[prefix.size()] >= 'A' && term[prefix.size()] <= 'Z')) return leaf;
        const std::string word = term.substr(prefix.size());
        if (!analyzer.is_protected(word) || capitalized.count(word) > 0) return leaf;
        const std::string common = prefix + analyzer.common_use_stem(word, lang);
        if (common == term || db.get_termfreq(common) == 0) return leaf;
        const std::array<Xapian::Query, 2> both = {leaf, Xapian::Query(common)};
        return Xapian::Query(Xapian::Query::OP_SYNONYM, both.begin(), both.end());
    };
    return map_word_leaves(reading, widen, true);
}

/// In one reading, lets each translated word (its stem term, a key of `translations`) also match its
/// translations: the term OR their weighted synonym. With AND, an article that has a word or its
/// translation has that word: the head holds the articles with every word in either language.
Xapian::Query add_translations(const Xapian::Query& reading, const std::unordered_map<std::string, Xapian::Query>& translations) {
    if (translations.empty()) return reading;
    auto widen = [&](const Xapian::Query& leaf) -> Xapian::Query {
        const auto it = translations.find(leaf_term(leaf));
        if (it == translations.end()) return leaf;
        return Xapian::Query(Xapian::Query::OP_OR, leaf, it->second);
    };
    return map_word_leaves(reading, widen, false);
}

/// In the all-words reading, a year typed among the words ("cbo deficit 1996") is present in an article
/// dated that year too: readers name the year of the story, which its text need not contain.
Xapian::Query add_year_dates(const Xapian::Query& reading, const std::vector<std::string>& years) {
    if (years.empty()) return reading;
    auto widen = [&](const Xapian::Query& leaf) -> Xapian::Query {
        const std::string term = leaf_term(leaf);
        if (std::find(years.begin(), years.end(), term) == years.end()) return leaf;
        return Xapian::Query(Xapian::Query::OP_OR, leaf, Xapian::Query(schema::year_term(term)));
    };
    return map_word_leaves(reading, widen, false);
}

void collect_highlight(const Xapian::Query& q, const common::Analyzer& analyzer, HighlightTerms& out) {
    const std::string stem_prefix(schema::k_prefix_stem);
    const std::string title_stem_prefix(schema::k_prefix_title_stem);
    const std::string title_prefix(schema::k_prefix_title);
    const std::string exact_prefix(schema::k_prefix_exact);
    for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it) {
        const std::string& term = *it;
        if (term.empty()) continue;
        const char c = term[0];
        if (c < 'A' || c > 'Z') {
            // A word of a phrase matched exactly; its inflections are marked too ("nord-coréens").
            out.words.insert(term);
            out.stems.insert(analyzer.stem_folded(term, Lang::en));
            out.stems.insert(analyzer.stem_folded(term, Lang::fr));
        } else if (term.starts_with(title_stem_prefix)) {
            out.stems.insert(term.substr(title_stem_prefix.size()));
        } else if (term.starts_with(stem_prefix)) {
            out.stems.insert(term.substr(stem_prefix.size()));
        } else if (term.starts_with(exact_prefix)) {
            out.exact.insert(term.substr(exact_prefix.size()));
        } else if (term.starts_with(title_prefix) && term.size() > 1 && (term[1] < 'A' || term[1] > 'Z')) {
            out.words.insert(term.substr(title_prefix.size()));
        }
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------

std::string_view match_mode_name(MatchMode mode) noexcept {
    switch (mode) {
        case MatchMode::all_words: return "all";
        case MatchMode::any_word: return "any";
    }
    return "all";
}

std::string date_bound(std::string_view text, bool upper, std::string_view what) {
    auto bad = [&]() -> std::string {
        throw common::UsageError("bad " + std::string(what) + " '" + std::string(text) + "'; expected YYYY, YYYY-MM or YYYY-MM-DD");
    };
    auto number = [&](std::size_t at, std::size_t len) {
        int v = 0;
        for (std::size_t k = at; k < at + len; ++k) {
            if (text[k] < '0' || text[k] > '9') return -1;
            v = v * 10 + (text[k] - '0');
        }
        return v;
    };
    if (text.size() != 4 && text.size() != 7 && text.size() != 10) return bad();
    const int year = number(0, 4);
    if (year < 1000) return bad();
    std::string out(text.substr(0, 4));
    if (text.size() == 4) return out + (upper ? "1231" : "0101");
    const int month = text[4] == '-' ? number(5, 2) : -1;
    if (month < 1 || month > 12) return bad();
    out += text.substr(5, 2);
    static constexpr std::array<int, 12> k_days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int month_days = month == 2 && !leap ? 28 : k_days[static_cast<std::size_t>(month - 1)];
    if (text.size() == 7) return out + (upper ? std::to_string(month_days) : std::string("01"));
    const int day = text[7] == '-' ? number(8, 2) : -1;
    if (day < 1 || day > month_days) return bad();
    return out + std::string(text.substr(8, 2));
}

Xapian::Query constant_weight(double weight, const Xapian::Query& which) {
    auto* fixed = new Xapian::FixedWeightPostingSource(weight);
    return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(fixed->release()), which);
}

std::string sanitize_query(std::string_view raw, std::size_t max_bytes, std::vector<std::string>& warnings) {
    common::Utf8Repair repaired = common::repair_utf8(raw);
    if (repaired.decoded_as_latin1) {
        warnings.emplace_back("the query was not UTF-8; it was read as Latin-1");
    } else if (repaired.replaced > 0) {
        warnings.push_back("the query was not valid UTF-8; " + std::to_string(repaired.replaced) +
                           " invalid byte sequence(s) were ignored");
    }
    std::string text = std::move(repaired.text);
    for (char& c : text) {
        if ((static_cast<unsigned char>(c) < 0x20) || c == 0x7f) c = ' ';
    }
    if (text.size() > max_bytes) {
        std::string_view cut = common::truncate_utf8(text, max_bytes);
        if (const std::size_t space = cut.rfind(' '); space != std::string_view::npos && space > max_bytes / 2) {
            cut = cut.substr(0, space);
        }
        warnings.push_back("the query is longer than " + std::to_string(max_bytes) + " bytes; only its first " +
                           std::to_string(cut.size()) + " bytes were searched");
        text.resize(cut.size());
    }
    return text;
}

namespace {
Xapian::Query boosted(const BuiltQuery& b, bool positional, const Xapian::Query& only = {}) {
    // The filter goes inside, the boosts outside: with "(text AND_MAYBE phrase) FILTER filter", Xapian
    // 1.4.22 gives the phrase's weight to articles with the words but not the phrase (as with an OR of
    // boosts, see boost_parts). tests/searcher/test_ranking.cpp checks every result's weight against
    // the sum of its parts, with a filter and without.
    Xapian::Query q = b.matches();
    if (!only.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, only);
    if (b.has_text) {
        for (const auto& part : b.boost_parts) {
            if (positional || !part.positional) q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, part.query);
        }
    }
    return q;
}
}  // namespace

Xapian::Query BuiltQuery::full() const { return boosted(*this, true); }

Xapian::Query BuiltQuery::without_positional() const { return boosted(*this, false); }

Xapian::Query BuiltQuery::full_within(const Xapian::Query& only) const { return boosted(*this, true, only); }

bool BuiltQuery::has_positional_boosts() const {
    return has_text && std::any_of(boost_parts.begin(), boost_parts.end(), [](const Boost& b) { return b.positional; });
}

Xapian::Query BuiltQuery::matches() const {
    // A query of its own, not a copy of Query::MatchAll: copies of that one static object from several threads
    // change its reference count at once (Xapian's counts are not atomic), which frees it under a server's
    // concurrent searches (query.h says so).
    const Xapian::Query q = text.empty() ? Xapian::Query(std::string()) : text;
    return filter.empty() ? q : Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
}

// ---------------------------------------------------------------------------------------------------------

struct QueryBuilder::Impl {
    struct Reading {
        Lang lang;
        Xapian::QueryParser parser;
        /// Its language's stopwords; and both languages' (for a query written in the other language).
        std::unique_ptr<Xapian::SimpleStopper> own_stopwords;
        std::unique_ptr<Xapian::SimpleStopper> all_stopwords;
    };

    const OpenIndex& index;
    const QueryOptions options;
    ParseState state;
    std::vector<Reading> readings;

    Impl(const OpenIndex& idx, const QueryOptions& opts) : index(idx), options(opts) {
        for (const Lang lang : {Lang::en, Lang::fr}) {
            Reading r{lang, Xapian::QueryParser(), make_stopper({lang}), make_stopper({Lang::en, Lang::fr})};
            Xapian::QueryParser& qp = r.parser;
            qp.set_database(index.database);
            qp.set_default_op(Xapian::Query::OP_AND);
            qp.set_stemmer(Xapian::Stem(new common::QueryStemmer(index.analyzer, lang)));
            // STEM_SOME: free words match stems (Z), phrases match the positional folded words. The query is
            // lower-cased by normalize_query, so no word escapes stemming for being capitalised.
            qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
            qp.set_stopper(r.own_stopwords.get());
            qp.set_max_expansion(options.max_wildcard_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                 QP::FLAG_WILDCARD | QP::FLAG_PARTIAL);
            for (const auto field : k_query_text_fields) qp.add_prefix(std::string(field), std::string(schema::k_prefix_title));
            qp.add_rangeprocessor((new DateRange(state, index.database))->release());
            qp.add_boolean_prefix("date", (new DateField(state))->release());
            for (const char* field : {"lang", "langue"}) qp.add_boolean_prefix(field, (new LangField(state, field))->release());
            qp.add_boolean_prefix("source", (new SourceField)->release());
            for (const char* field : {"place", "lieu"}) {
                qp.add_boolean_prefix(field, (new PlaceField(state, *index.places, field))->release(), "place");
            }
            readings.push_back(std::move(r));
        }
    }

    /// Parses with the most syntax the text allows; `degraded` is set when syntax had to be dropped.
    Xapian::Query parse(Reading& r, const std::string& normalized, const Lexed& lexed, Xapian::Query::op default_op,
                        Lang query_lang, std::string& syntax_error) {
        r.parser.set_default_op(default_op);
        // A query written in the other language: its function words are not words of this reading ("the",
        // "of" read as French words matched every English article and weighed in every long query).
        r.parser.set_stopper(query_lang != Lang::unknown && query_lang != r.lang ? r.all_stopwords.get() : r.own_stopwords.get());
        for (const unsigned flags : k_flag_levels) {
            try {
                return r.parser.parse_query(normalized, flags);
            } catch (const Xapian::QueryParserError& e) {
                if (syntax_error.empty()) syntax_error = e.get_msg();
            }
        }
        // Even without syntax the parser refused: search for the plain words.
        std::vector<Xapian::Query> words;
        for (const auto& run : lexed.runs) {
            for (const auto& w : run) {
                if (!w.stop) words.emplace_back(std::string(schema::k_prefix_stem) + index.analyzer->stem_folded(w.folded, r.lang));
            }
        }
        if (words.empty()) return {};
        return Xapian::Query(default_op, words.begin(), words.end());
    }
    Xapian::Query place_boost(const std::vector<std::string>& place_ids) const {
        if (place_ids.empty() || options.place_boost <= 0) return {};
        std::vector<Xapian::Query> sources;
        for (std::size_t k = 0; k < schema::k_place_slot_count; ++k) {
            // The indexer writes an article's places most salient first, one per slot and rank term.
            const double weight = options.place_boost *
                                  (1.0 - (2.0 / 3.0) * static_cast<double>(k) / static_cast<double>(schema::k_place_slot_count - 1));
            if (index.place_rank_terms) {
                // A constant weight for the articles with a place at this rank. Xapian checks the (short) term
                // lists for each candidate, and the fixed source at no cost; the slots' values were read for
                // every candidate, eight B-tree lookups each: half the matching cost of "Trump Iran".
                std::vector<Xapian::Query> ranked;
                for (const auto& id : place_ids) ranked.emplace_back(schema::place_rank_term(k, id));
                sources.push_back(constant_weight(weight, any_of(ranked)));
            } else {
                auto* source = new Xapian::ValueMapPostingSource(schema::k_slot_place_first + static_cast<Xapian::valueno>(k));
                for (const auto& id : place_ids) source->add_mapping(id, weight);
                source->set_default_weight(0.0);
                sources.emplace_back(source->release());
            }
        }
        return Xapian::Query(Xapian::Query::OP_OR, sources.begin(), sources.end());
    }

    // ---- The steps of build(), in order.

    /// The plain words: all of them for spelling (out.words), and the first max_boost_words, by run, for
    /// the boosts and place names (returned).
    std::vector<std::vector<LexWord>> collect_words(const Lexed& lexed, BuiltQuery& out) const {
        std::vector<std::vector<LexWord>> runs;
        std::size_t budget = options.max_boost_words;
        for (const auto& run : lexed.runs) {
            for (const auto& w : run) {
                const bool numeric = std::all_of(w.folded.begin(), w.folded.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
                if (!w.stop && !numeric) out.words.push_back({w.folded, w.begin, w.end, w.capitalized, w.accented});
            }
            out.content_words += static_cast<std::size_t>(std::count_if(run.begin(), run.end(), [](const LexWord& w) { return !w.stop; }));
            if (budget == 0) continue;
            const std::size_t n = std::min(budget, run.size());
            runs.emplace_back(run.begin(), run.begin() + static_cast<std::ptrdiff_t>(n));
            budget -= n;
        }
        return runs;
    }

    /// Whether the archive uses a word typed in lower case mostly as a name: a protected word (the indexer
    /// keeps its use as a name apart from its use as an ordinary word, "aurora") whose name term is at
    /// least k_name_use_ratio times as frequent as its common use, and in as many articles ("china": 356
    /// articles of the ~43k archive name China, 1 uses the word for porcelain). Such a word names a place even when the gazetteer also lists it as an
    /// ordinary word, as if typed with a capital.
    bool mostly_a_name(const std::string& folded) const {
        if (!index.analyzer->is_protected(folded)) return false;
        const std::string prefix(schema::k_prefix_stem);
        const Xapian::doccount as_name = index.database.get_termfreq(prefix + folded);
        if (as_name == 0) return false;
        Xapian::doccount as_word = 0;
        for (const Lang lang : {Lang::en, Lang::fr}) {
            const std::string common = prefix + index.analyzer->common_use_stem(folded, lang);
            if (common != prefix + folded) as_word += index.database.get_termfreq(common);
        }
        return as_name >= k_name_use_ratio * std::max<Xapian::doccount>(as_word, 1);
    }

    /// Places named by the words of each run, the longest name first (out.places); their spans.
    std::vector<PlaceSpan> find_places(const std::vector<std::vector<LexWord>>& runs, BuiltQuery& out) const {
        std::vector<PlaceSpan> spans;
        for (const auto& run : runs) {
            std::size_t i = 0;
            while (i < run.size()) {
                bool found = false;
                for (std::size_t len = std::min(k_max_place_words, run.size() - i); len >= 1 && !found; --len) {
                    if (run[i].stop || run[i + len - 1].stop) continue;
                    const std::string_view words = std::string_view(out.sanitized).substr(run[i].begin, run[i + len - 1].end - run[i].begin);
                    const auto place = index.places->named_in_query(words, run[i].capitalized || (len == 1 && mostly_a_name(run[i].folded)));
                    if (!place) continue;
                    PlaceSpan span;
                    std::string typed;
                    for (std::size_t k = i; k < i + len; ++k) {
                        span.folded_words.push_back(run[k].folded);
                        typed += (typed.empty() ? "" : " ") + run[k].folded;
                    }
                    span.place = *place;
                    // The name as typed is one of them, unless it is a single word matched only as typed
                    // ("U.S." would be "us"): the words themselves stand for it.
                    std::vector<std::string> names = index.places->names(place->id);
                    if (len > 1 && std::find(names.begin(), names.end(), typed) == names.end()) names.push_back(typed);
                    // A place with no other name ("Paris", "Ukraine") needs none: its words are its name.
                    if (std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n != typed; })) {
                        span.names = scaled(name_phrases(names, *index.analyzer), options.place_name_weight);
                    }
                    const bool seen = std::any_of(out.places.begin(), out.places.end(), [&](const QueryPlace& p) { return p.place == *place; });
                    if (!seen) out.places.push_back({std::string(words), *place, {}});
                    spans.push_back(std::move(span));
                    i += len;
                    found = true;
                }
                if (!found) ++i;
            }
        }
        return spans;
    }

    /// The languages a query's words are translated from: the query's language when its function words
    /// say it; else the language whose word table knows more of its words, a word with diacritics counting
    /// for French; both when it is a draw. Names and places, alike in both languages, say nothing. Only
    /// into a language the index has articles in.
    std::vector<Lang> translation_sources(const std::vector<std::vector<LexWord>>& runs, const std::unordered_set<std::string>& place_words,
                                          Lang query_lang) const {
        // Into a language the index has articles in (an English-only archive needs no French).
        std::vector<Lang> sources;
        for (const Lang from : {Lang::en, Lang::fr}) {
            const Lang into = from == Lang::en ? Lang::fr : Lang::en;
            if (index.database.get_termfreq(schema::lang_term(common::lang_code(into))) > 0) sources.push_back(from);
        }
        if (query_lang != Lang::unknown) {
            if (std::find(sources.begin(), sources.end(), query_lang) == sources.end()) return {};
            return {query_lang};
        }
        std::size_t known_en = 0;
        std::size_t known_fr = 0;
        for (const auto& run : runs) {
            for (const auto& w : run) {
                if (w.stop || place_words.count(w.folded) > 0 || index.analyzer->is_protected(w.folded)) continue;
                const std::vector<std::string> word = {w.folded};
                known_en += !w.accented && index.translator->lookup_words(Lang::en, *index.analyzer, word) != nullptr;
                known_fr += w.accented || index.translator->lookup_words(Lang::fr, *index.analyzer, word) != nullptr;
            }
        }
        if (known_en != known_fr) std::erase(sources, known_en > known_fr ? Lang::fr : Lang::en);
        return sources;
    }

    /// The translations of the plain words (out.translations): for each translated word's stem term in
    /// its language's reading, the weighted synonym of its translations. An expression of the table
    /// ("prime minister") translates as a whole; names, places, numbers and function words are not
    /// translated, nor a capitalised word inside the query (a name the table may know as a word: "Trump"),
    /// nor a capitalised first word that another capitalised word follows ("Wall Street", "Bas-Rhin").
    /// `translated_terms`: the stem terms of the one-word translations searched.
    std::unordered_map<std::string, Xapian::Query> find_translations(const std::vector<std::vector<LexWord>>& runs,
                                                                     const std::vector<PlaceSpan>& spans, Lang query_lang,
                                                                     BuiltQuery& out, std::unordered_set<std::string>& translated_terms) const {
        std::unordered_map<std::string, Xapian::Query> by_term;
        if (!index.translator) return by_term;
        const common::Analyzer& analyzer = *index.analyzer;
        std::unordered_set<std::string> place_words;
        for (const auto& span : spans) place_words.insert(span.folded_words.begin(), span.folded_words.end());
        const std::string prefix(schema::k_prefix_stem);
        auto exists = [&](const std::string& term) { return index.database.get_termfreq(term) > 0; };
        // Whether an article of `lang` has `term` (a match that stops at the first).
        auto in_language = [&](const std::string& term, Lang lang) {
            Xapian::Enquire enquire(index.database);
            enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), Xapian::Query(schema::lang_term(common::lang_code(lang)))));
            enquire.set_weighting_scheme(Xapian::BoolWeight());
            return enquire.get_mset(0, 0, 1).get_matches_lower_bound() > 0;
        };
        // The stems the query searches at full weight: a translation spelt as one of them adds nothing
        // ("debate" → "débat": one stem in both languages). When the query's language is known, the other
        // reading's stems are not among them: a translation spelt as one ("nationale" → "national", English
        // stem "nation", the English reading's stem of "nationale" too) is a translation like any other, in
        // the head as well (an English article with "national debt" has every word of "dette nationale").
        std::unordered_set<std::string> own_stems;
        for (const auto& run : runs) {
            for (const auto& w : run) {
                for (const Lang lang : {Lang::en, Lang::fr}) {
                    if (query_lang == Lang::unknown || lang == query_lang) own_stems.insert(analyzer.stem_folded(w.folded, lang));
                }
            }
        }
        for (const Lang from : translation_sources(runs, place_words, query_lang)) {
            for (std::size_t r = 0; r < runs.size(); ++r) {
                const auto& run = runs[r];
                // The words that may be translated, as indexes into the run (function words between them are
                // skipped by the table's keys, as by its expressions: "taux de chômage").
                std::vector<std::size_t> words;
                for (std::size_t k = 0; k < run.size(); ++k) {
                    const LexWord& w = run[k];
                    if (w.stop) continue;
                    const bool numeric = std::any_of(w.folded.begin(), w.folded.end(), [](char c) { return c >= '0' && c <= '9'; });
                    // A capital inside the query, or a capitalised first word that a capitalised word follows
                    // (a name: "Bas-Rhin", "Wall Street", not "bas" → low, "wall" → mur).
                    const bool next_capital = k + 1 < run.size() && run[k + 1].capitalized;
                    const bool inner_capital = w.capitalized && (r > 0 || k > 0 || next_capital);
                    if (numeric || inner_capital || analyzer.is_protected(w.folded) || place_words.count(w.folded) > 0) {
                        words.push_back(std::string::npos);  // breaks expressions
                    } else {
                        words.push_back(k);
                    }
                }
                std::size_t i = 0;
                while (i < words.size()) {
                    if (words[i] == std::string::npos) {
                        ++i;
                        continue;
                    }
                    std::size_t len = std::min(index.translator->max_key_words(), words.size() - i);
                    const std::vector<TranslationTarget>* targets = nullptr;
                    for (; len >= 1; --len) {
                        if (std::any_of(words.begin() + static_cast<std::ptrdiff_t>(i), words.begin() + static_cast<std::ptrdiff_t>(i + len),
                                        [](std::size_t k) { return k == std::string::npos; })) {
                            continue;
                        }
                        std::vector<std::string> folded;
                        for (std::size_t k = i; k < i + len; ++k) folded.push_back(run[words[k]].folded);
                        targets = index.translator->lookup_words(from, analyzer, folded);
                        if (targets != nullptr) break;
                    }
                    if (targets == nullptr) {
                        ++i;
                        continue;
                    }
                    std::vector<Xapian::Query> queries;
                    const std::size_t begin = run[words[i]].begin;
                    const std::size_t end = run[words[i + len - 1]].end;
                    QueryTranslation shown{std::string(out.sanitized.substr(begin, end - begin)), from, {}, begin, end};
                    std::vector<std::string> typed;
                    for (std::size_t k = i; k < i + len; ++k) {
                        if (!common::is_stopword_in(run[words[k]].folded, from)) typed.push_back(run[words[k]].folded);
                    }
                    // Chosen among the translations the archive has: `séisme`'s best candidate, "seism", is in
                    // no English article, and must not keep out "earthquake". A stem the query searches already
                    // ("débat" for `debate`) counts when the other language's articles have it: its term is in
                    // the archive anyway, from the query's own language (Zseism, from "séisme").
                    const Lang into = from == Lang::en ? Lang::fr : Lang::en;
                    auto in_archive = [&](const TranslationTarget& t) {
                        if (t.stem.empty()) return std::all_of(t.words.begin(), t.words.end(), exists);
                        if (!exists(prefix + t.stem)) return false;
                        return own_stems.count(t.stem) == 0 || in_language(prefix + t.stem, into);
                    };
                    for (const TranslationTarget* t : index.translator->choose(*targets, in_archive)) {
                        // An expression written alike in both languages: the query has its words already. A
                        // word written alike ("national") is left out by its stem below when it is one.
                        if ((t->same_word || t->words == typed) && t->stem.empty()) continue;
                        if (!t->stem.empty()) {
                            if (own_stems.count(t->stem) > 0) continue;
                            queries.emplace_back(prefix + t->stem);
                            translated_terms.insert(prefix + t->stem);
                        } else {
                            queries.emplace_back(Xapian::Query::OP_PHRASE, t->words.begin(), t->words.end(), t->window);
                        }
                        shown.targets.push_back(t->label);
                    }
                    if (!queries.empty()) {
                        // Only in articles of the other language: a translation spelt like a word of the query's
                        // language ("sort", of "what sort of", is a French stem too) must not match there.
                        const Xapian::Query synonym = queries.size() == 1 ? queries.front()
                                                                           : Xapian::Query(Xapian::Query::OP_SYNONYM, queries.begin(), queries.end());
                        const Xapian::Query group = scaled(Xapian::Query(Xapian::Query::OP_FILTER, synonym,
                                                                         Xapian::Query(schema::lang_term(common::lang_code(into)))),
                                                           options.translation_weight);
                        for (std::size_t k = i; k < i + len; ++k) by_term.emplace(prefix + analyzer.stem_folded(run[words[k]].folded, from), group);
                        out.translations.push_back(std::move(shown));
                    }
                    i += len;
                }
            }
        }
        return by_term;
    }

    /// The readings, each parsed twice: plain words OR-ed (what the list holds: out.text), and AND-ed (its
    /// head: out.all_words). Operators, phrases, +required and -excluded words and filters mean the same in
    /// both. `years`: typed_years(), present in the head for the articles dated that year. `translation_weight`:
    /// of the other reading's forms in the other language's articles (0: not translating), but for those that
    /// are `translated_terms` (they weigh as translations already). Throws the first error of a field processor.
    void parse_readings(const Lexed& lexed, const std::vector<PlaceSpan>& spans, Lang query_lang,
                        const std::unordered_map<std::string, Xapian::Query>& translations, double translation_weight,
                        const std::unordered_set<std::string>& translated_terms, const std::vector<std::string>& years,
                        BuiltQuery& out) {
        const common::Analyzer& analyzer = *index.analyzer;
        state.clear();
        std::string syntax_error;
        std::unordered_set<std::string> capitalized;
        for (const auto& run : lexed.runs) {
            for (const auto& w : run) {
                if (w.capitalized) capitalized.insert(w.folded);
            }
        }
        auto widen = [&](const Xapian::Query& q, Lang lang) {
            return add_translations(add_common_uses(expand_places(q, lang, spans, analyzer), lang, capitalized, analyzer, index.database),
                                    translations);
        };
        std::vector<Xapian::Query> any_readings;
        std::vector<Xapian::Query> all_readings;
        std::vector<std::string> seen;
        // Each distinct word-level part, and whether the reading of the query's language has it.
        std::vector<std::pair<Xapian::Query, bool>> parts;
        std::vector<std::string> seen_parts;
        for (auto& reading : readings) {
            Xapian::Query any = parse(reading, out.normalized, lexed, Xapian::Query::OP_OR, query_lang, syntax_error);
            if (any.empty()) continue;
            any = widen(any, reading.lang);
            std::string description = any.get_description();
            if (std::find(seen.begin(), seen.end(), description) != seen.end()) continue;
            seen.push_back(std::move(description));
            all_readings.push_back(
                add_year_dates(widen(parse(reading, out.normalized, lexed, Xapian::Query::OP_AND, query_lang, syntax_error), reading.lang), years));
            const bool own = query_lang == Lang::unknown || query_lang == reading.lang;
            for (auto& part : word_parts_of(any)) {
                std::string d = part.get_description();
                if (const auto at = std::find(seen_parts.begin(), seen_parts.end(), d); at != seen_parts.end()) {
                    parts[static_cast<std::size_t>(at - seen_parts.begin())].second |= own;
                    continue;
                }
                seen_parts.push_back(std::move(d));
                parts.emplace_back(std::move(part), own);
            }
            any_readings.push_back(std::move(any));
        }
        if (!state.errors.empty()) throw common::UsageError(state.errors.front());
        if (!syntax_error.empty()) {
            out.warnings.push_back("query syntax error (" + syntax_error + "); searched for the words without the operators");
        }
        for (auto& w : state.warnings) out.warnings.push_back(std::move(w));
        // Readings that are plain disjunctions of words (no filter, exclusion or required word written in the
        // text) are one disjunction of their distinct parts: the same articles, each word weighed once.
        const bool plain = std::all_of(any_readings.begin(), any_readings.end(), [](const Xapian::Query& r) { return !is_positive_chain(r.get_type()); });
        // A query whose language is known counts the words of its own reading; the other reading's forms of
        // them (another stem, "injur" beside "injuri") only add a share of their weight, except in articles
        // of the other language when translating: there such a form is the word as that language writes it
        // (a name, a word spelt alike but stemmed apart: "globalization"), and weighs as a translation
        // (cross-language MRR@10 EN→FR 0.628 → 0.675, FR→EN 0.566 → 0.601; docs/BENCHMARKS.md).
        const std::string other_lang_term = schema::lang_term(common::lang_code(query_lang == Lang::en ? Lang::fr : Lang::en));
        const Xapian::Query other_lang(other_lang_term);
        const double cross_weight =
            query_lang != Lang::unknown && index.database.get_termfreq(other_lang_term) > 0 ? translation_weight : 0.0;
        std::vector<Xapian::Query> weighed;
        for (const auto& [part, own] : parts) {
            if (own) out.word_parts.push_back(part);
            const bool translated = std::any_of(part.get_terms_begin(), part.get_terms_end(),
                                                [&](const std::string& t) { return translated_terms.count(t) > 0; });
            if (own || cross_weight <= 0 || translated) {
                weighed.push_back(own ? part : scaled(part, options.other_reading_weight));
            } else {
                weighed.push_back(Xapian::Query(Xapian::Query::OP_OR,
                                                scaled(Xapian::Query(Xapian::Query::OP_AND_NOT, part, other_lang), options.other_reading_weight),
                                                scaled(Xapian::Query(Xapian::Query::OP_FILTER, part, other_lang), cross_weight)));
            }
        }
        if (options.weigh_each_word_once && any_readings.size() > 1 && plain) {
            out.text = any_of(weighed);
            out.readings = {out.text};
        } else {
            out.text = any_of(any_readings);
            out.readings = std::move(any_readings);
        }
        if (Xapian::Query all = any_of(all_readings); all.get_description() != out.text.get_description()) out.all_words = std::move(all);
        collect_highlight(out.text, analyzer, out.highlight);
    }

    /// The phrase and proximity boosts of the words of each run (short queries only), and the exact
    /// accented forms.
    void add_word_boosts(const std::vector<std::vector<LexWord>>& runs, const std::vector<common::Token>& tokens, BuiltQuery& out) const {
        std::vector<Xapian::Query> phrases;
        std::vector<Xapian::Query> near;
        for (const auto& run : runs) {
            std::vector<std::size_t> content;
            for (std::size_t k = 0; k < run.size(); ++k) {
                if (!run[k].stop) content.push_back(k);
            }
            for (std::size_t c = 0; c + 1 < content.size(); ++c) {
                const std::size_t a = content[c];
                const std::size_t b = content[c + 1];
                if (b - a > k_max_phrase_gap) continue;
                // The two content words in order, the stopwords between them as a window ("Corée du Nord": coree,
                // then nord within 3): a stopword's positions, read for every candidate, would cost the most.
                const std::array<Xapian::Query, 2> terms = {Xapian::Query(run[a].folded), Xapian::Query(run[b].folded)};
                phrases.emplace_back(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(b - a + 1));
            }
            if (content.size() >= 2) {
                std::vector<Xapian::Query> terms;
                for (const std::size_t k : content) terms.emplace_back(run[k].folded);
                const auto window = static_cast<Xapian::termcount>(std::max<std::size_t>(8, 2 * content.size() + 2));
                near.emplace_back(Xapian::Query::OP_NEAR, terms.begin(), terms.end(), window);
            }
        }
        auto& boosts = out.boost_parts;
        if (out.words.size() <= options.max_phrase_boost_words) {
            for (const auto& phrase : phrases) boosts.push_back({"phrase", scaled(phrase, options.phrase_boost), true});
            for (const auto& n : near) boosts.push_back({"proximity", scaled(n, options.proximity_boost), true});
        }
        if (out.has_text) {
            const std::vector<std::string> exact = common::Analyzer::exact_terms(tokens);
            if (!exact.empty()) {
                boosts.push_back({"exact forms", scaled(Xapian::Query(Xapian::Query::OP_OR, exact.begin(), exact.end()), options.exact_form_boost)});
                for (const auto& e : exact) out.highlight.exact.insert(e.substr(schema::k_prefix_exact.size()));
            }
        }
    }

    /// The filters given beside the text (out.filter); the places they name.
    std::vector<PlaceRef> apply_filters(const QueryFilters& filters, BuiltQuery& out) const {
        std::vector<Xapian::Query> filter_parts;
        std::vector<PlaceRef> places;
        if (!filters.from.empty() || !filters.to.empty()) {
            const std::string lo = filters.from.empty() ? std::string() : date_bound(filters.from, false, "from date");
            const std::string hi = filters.to.empty() ? std::string() : date_bound(filters.to, true, "to date");
            if (!lo.empty() && !hi.empty() && lo > hi) {
                throw common::UsageError("the from date '" + filters.from + "' is after the to date '" + filters.to + "'");
            }
            filter_parts.push_back(date_filter(lo, hi, index.database));
        }
        if (!filters.places.empty()) {
            std::vector<Xapian::Query> any_place;
            for (const auto& name : filters.places) {
                if (Xapian::Query q = place_filter(*index.places, name, places); !q.empty()) {
                    any_place.push_back(std::move(q));
                } else {
                    out.warnings.push_back("unknown place '" + name + "': no article matches it");
                }
            }
            filter_parts.push_back(any_place.empty() ? no_article() : any_of(any_place));
        }
        if (!filters.lang.empty()) {
            const auto lang = common::parse_lang(filters.lang);
            if (!lang) throw common::UsageError("unknown language '" + filters.lang + "'; expected one of: en, fr");
            filter_parts.emplace_back(schema::lang_term(common::lang_code(*lang)));
        }
        if (!filters.source.empty()) filter_parts.emplace_back(schema::source_filter(filters.source));
        if (!filter_parts.empty()) {
            out.filter = filter_parts.size() == 1 ? filter_parts.front()
                                                   : Xapian::Query(Xapian::Query::OP_AND, filter_parts.begin(), filter_parts.end());
        }
        return places;
    }

    /// The years among the query's plain words (four digits, 1800 to 2199), once each; none when the year
    /// boost is off.
    std::vector<std::string> typed_years(const std::vector<std::vector<LexWord>>& runs) const {
        std::vector<std::string> years;
        if (options.year_boost <= 0) return years;
        for (const auto& run : runs) {
            for (const auto& w : run) {
                const std::string& y = w.folded;
                if (y.size() != 4 || !std::all_of(y.begin(), y.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
                if (y < "1800" || y > "2199" || std::find(years.begin(), years.end(), y) != years.end()) continue;
                years.push_back(y);
            }
        }
        return years;
    }

    /// The years typed (typed_years()) make the articles dated those years weigh more: a constant, like the
    /// place boost, added to the articles that match anyway (and in the head, add_year_dates).
    void add_year_boost(const std::vector<std::string>& typed, BuiltQuery& out) const {
        if (typed.empty()) return;
        std::vector<Xapian::Query> years;
        for (const std::string& y : typed) years.emplace_back(schema::year_term(y));
        out.boost_parts.push_back({"year", constant_weight(options.year_boost, Xapian::Query(Xapian::Query::OP_OR, years.begin(), years.end()))});
    }

    /// Places named in words or filters weigh by how central they are to each article; their names are
    /// highlighted whole.
    void add_place_boost(const std::vector<PlaceRef>& filter_places, BuiltQuery& out) const {
        std::vector<std::string> boost_ids;
        auto add_place = [&](const PlaceRef& p) {
            if (std::find(boost_ids.begin(), boost_ids.end(), p.id) == boost_ids.end()) boost_ids.push_back(p.id);
            for (const auto& name : index.places->names(p.id)) {
                // Names come as their folded words joined by one space: no need to analyse them again.
                std::vector<std::string> words;
                for (const auto w : split_words(name)) words.emplace_back(w);
                auto& names = out.highlight.phrases;
                if (!words.empty() && std::find(names.begin(), names.end(), words) == names.end()) names.push_back(std::move(words));
            }
        };
        for (const auto& p : out.places) add_place(p.place);
        for (const auto& p : filter_places) add_place(p);
        if (Xapian::Query places = place_boost(boost_ids); !places.empty()) out.boost_parts.push_back({"places", std::move(places)});
    }
};

QueryBuilder::QueryBuilder(const OpenIndex& index, QueryOptions options)
    : m_impl(std::make_unique<Impl>(index, options)), m_options(options) {}

QueryBuilder::~QueryBuilder() = default;

Xapian::Query QueryBuilder::place_boost(const std::vector<std::string>& place_ids) const { return m_impl->place_boost(place_ids); }

BuiltQuery QueryBuilder::build(std::string_view text, const QueryFilters& filters, bool translate) {
    const common::Analyzer& analyzer = *m_impl->index.analyzer;
    BuiltQuery out;
    out.sanitized = sanitize_query(text, m_options.max_query_bytes, out.warnings);
    // Tokenized once: the syntax around the words, the QueryParser's text and the exact forms read these.
    const std::vector<common::Token> tokens = analyzer.tokenize(out.sanitized);
    const Lexed lexed = lex(out.sanitized, tokens);
    out.has_text = lexed.has_text;
    out.highlight.prefixes = lexed.wildcard_prefixes;
    out.normalized = analyzer.normalize_query(out.sanitized, tokens, {k_query_filter_fields.begin(), k_query_filter_fields.end()});

    const std::vector<std::vector<LexWord>> runs = m_impl->collect_words(lexed, out);
    const std::vector<PlaceSpan> spans = m_impl->find_places(runs, out);
    // The query's language, when its function words (or CLD2, reliably) say so.
    const Lang query_lang = common::detect_query_language(out.sanitized).lang;
    std::unordered_set<std::string> translated_terms;
    const auto translations = translate && m_options.translation_weight > 0
                                  ? m_impl->find_translations(runs, spans, query_lang, out, translated_terms)
                                  : std::unordered_map<std::string, Xapian::Query>();
    // Read once from every word (not only the first max_boost_words): the head and the boost agree.
    const std::vector<std::string> years = m_impl->typed_years(lexed.runs);
    m_impl->parse_readings(lexed, spans, query_lang, translations, translate ? m_options.translation_weight : 0.0, translated_terms, years,
                           out);
    m_impl->add_word_boosts(runs, tokens, out);
    m_impl->add_year_boost(years, out);
    std::vector<PlaceRef> places = m_impl->state.places;  // of place:/lieu: in the text
    for (auto& p : m_impl->apply_filters(filters, out)) places.push_back(std::move(p));
    m_impl->add_place_boost(places, out);
    return out;
}

}  // namespace dateline::searcher
