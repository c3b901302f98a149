// The shared analysis pipeline: ICU tokenization with news-text rules, Snowball stemming, accent folding.
#include "analysis.hpp"

#include "errors.hpp"
#include "hash.hpp"
#include "schema.hpp"
#include "stopwords.hpp"
#include "text.hpp"

#include <libstemmer.h>
#include <nlohmann/json.hpp>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>
#include <unordered_map>

namespace dateline::common {
namespace {

/// Longest folded token that becomes a term; longer "words" are noise (base64, URLs) and Xapian
/// limits terms to 245 bytes.
constexpr std::size_t k_max_term_bytes = 64;

constexpr auto k_elisions = std::to_array<std::string_view>(
    {"c", "d", "j", "jusqu", "l", "lorsqu", "m", "n", "puisqu", "qu", "quoiqu", "s", "t"});

constexpr auto k_query_operators = std::to_array<std::string_view>({"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"});

bool is_apostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0x02BC || c == 0x2018; }
bool is_hyphen(UChar32 c) { return c == 0x2D || c == 0x2010 || c == 0x2011; }
bool is_digit(UChar32 c) { return u_isdigit(c) != 0; }
bool is_upper_icu(UChar32 c) { return u_isupper(c) || u_istitle(c); }
bool is_word_char_icu(UChar32 c) {
    if (is_apostrophe(c)) return false;  // U+02BC is a letter to Unicode, an apostrophe to French typists
    const int8_t type = u_charType(c);
    return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || type == U_DECIMAL_DIGIT_NUMBER ||
           type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

/// U+0080..U+024F (Latin-1 Supplement, Latin Extended-A and B: French and most European names), decided
/// once per process with the same ICU calls as any other character: word character or not, upper case or
/// not, case-folded and accent-folded forms. Case folding and accent stripping work code point by code
/// point and no two of these compose under NFC, so a token of ASCII and these folds by concatenation,
/// without ICU or a cache lookup (tests/common/test_analysis.cpp compares both ways).
struct LatinTable {
    static constexpr UChar32 k_begin = 0x80;
    static constexpr UChar32 k_end = 0x250;
    struct Entry {
        bool word = false;
        bool upper = false;
        std::string lower;
        std::string folded;
    };
    std::array<Entry, k_end - k_begin> entries;

    LatinTable() {
        for (UChar32 c = k_begin; c < k_end; ++c) {
            Entry& e = entries[static_cast<std::size_t>(c - k_begin)];
            e.word = is_word_char_icu(c);
            e.upper = is_upper_icu(c);
            char utf8[U8_MAX_LENGTH];
            int32_t length = 0;
            U8_APPEND_UNSAFE(utf8, length, c);
            e.lower = fold_case(std::string_view(utf8, static_cast<std::size_t>(length)));
            e.folded = fold_accents(e.lower);
        }
    }
    static bool covers(UChar32 c) { return c >= k_begin && c < k_end; }
    const Entry& operator[](UChar32 c) const { return entries[static_cast<std::size_t>(c - k_begin)]; }
};
const LatinTable& latin_table() {
    static const LatinTable table;
    return table;
}

constexpr std::array<bool, 0x80> k_ascii_word = [] {
    std::array<bool, 0x80> t{};
    for (int c = 0; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return t;
}();
bool is_ascii_word(uint8_t byte) { return byte < 0x80 && k_ascii_word[byte]; }

[[gnu::noinline]] bool is_word_char_beyond_ascii(UChar32 c) {
    if (LatinTable::covers(c)) return latin_table()[c].word;
    return is_word_char_icu(c);
}
inline bool is_word_char(UChar32 c) {
    if (static_cast<uint32_t>(c) < 0x80) return k_ascii_word[static_cast<std::size_t>(c)];
    return is_word_char_beyond_ascii(c);
}
bool is_upper_char(UChar32 c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z';
    if (LatinTable::covers(c)) return latin_table()[c].upper;
    return is_upper_icu(c);
}

/// Case- and accent-folds `surface` into `lower` and `folded` with the Latin table; false (outputs
/// unspecified) when a code point lies outside it or the text is not valid UTF-8.
bool fold_latin(std::string_view surface, std::string& lower, std::string& folded) {
    lower.clear();
    folded.clear();
    const LatinTable& table = latin_table();
    const auto* p = reinterpret_cast<const uint8_t*>(surface.data());
    const auto n = static_cast<int32_t>(surface.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) return false;
        if (c < 0x80) {
            const char ch = ascii_lower(static_cast<char>(c));
            lower.push_back(ch);
            folded.push_back(ch);
            continue;
        }
        if (!LatinTable::covers(c)) return false;
        const LatinTable::Entry& e = table[c];
        lower += e.lower;
        folded += e.folded;
    }
    return true;
}
bool is_sentence_end(UChar32 c) { return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == ':'; }

/// A stemmer of the Snowball C library, owned by one thread (its output buffer is reused).
class SnowballStemmer {
  public:
    explicit SnowballStemmer(const std::string& algorithm)
        : m_stemmer(sb_stemmer_new(algorithm.c_str(), "UTF_8")) {
        if (!m_stemmer) throw EnvironmentError("Snowball has no stemmer named '" + algorithm + "'");
    }
    std::string stem(std::string_view word) {
        const sb_symbol* out =
            sb_stemmer_stem(m_stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
        if (out == nullptr) return std::string(word);  // out of memory inside Snowball: keep the word
        return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(m_stemmer.get())));
    }

  private:
    struct Deleter {
        void operator()(sb_stemmer* s) const noexcept { sb_stemmer_delete(s); }
    };
    std::unique_ptr<sb_stemmer, Deleter> m_stemmer;
};

SnowballStemmer& thread_stemmer(const std::string& algorithm) {
    thread_local std::unordered_map<std::string, std::unique_ptr<SnowballStemmer>> stemmers;
    auto it = stemmers.find(algorithm);
    if (it == stemmers.end()) it = stemmers.emplace(algorithm, std::make_unique<SnowballStemmer>(algorithm)).first;
    return *it->second;
}

/// Case and accent folding of one token's surface text, cached per thread (word frequencies are Zipfian).
struct Forms {
    std::string lower;
    std::string folded;
};
/// The stems of one word: of the accented form, and of the unaccented form when it differs.
struct StemPair {
    std::string accented;
    std::string plain;
};

struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
const Forms& token_forms(std::string_view surface) {
    thread_local std::unordered_map<std::string, Forms, TransparentHash, std::equal_to<>> cache;
    if (auto it = cache.find(surface); it != cache.end()) return it->second;
    if (cache.size() > 200000) cache.clear();
    Forms forms;
    forms.lower = fold_case(surface);
    forms.folded = fold_accents(forms.lower);
    return cache.emplace(std::string(surface), std::move(forms)).first->second;
}

bool has_digit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// One run of word characters inside a chunk, and the connector that follows it.
struct Run {
    std::size_t begin = 0;
    std::size_t end = 0;
    UChar32 connector = 0;  // apostrophe, '.', ',', hyphen, or 0 at the end of the chunk
    std::size_t cp_count = 0;
    bool digits = true;  // only 0-9 (runs are never empty)
    bool ascii = true;
};

class Tokenizer {
  public:
    /// Tokens go to `sink` when given, else into the vector that run() returns.
    explicit Tokenizer(std::string_view text, TokenSink* sink = nullptr)
        : m_text(text), m_bytes(reinterpret_cast<const uint8_t*>(text.data())), m_n(static_cast<int32_t>(text.size())),
          m_sink(sink) {}

    std::vector<Token> run() {
        if (!m_sink) m_tokens.reserve(static_cast<std::size_t>(m_n) / 6 + 8);  // about one token per six bytes of news text
        int32_t i = 0;
        while (i < m_n) {
            const int32_t start = i;
            if (const uint8_t byte = m_bytes[i]; byte < 0x80 && !k_ascii_word[byte]) {
                // ASCII spaces and punctuation, the separators of most words, without decoding.
                ++i;
                if (is_sentence_end(byte)) m_sentence_start = true;
                if (byte == '\n' && i < m_n && m_bytes[i] == '\n') m_sentence_start = true;
                continue;
            }
            UChar32 c;
            U8_NEXT(m_bytes, i, m_n, c);
            if (c < 0) continue;
            if (!is_word_char(c)) {
                if (is_sentence_end(c)) m_sentence_start = true;
                if (c == '\n' && i < m_n && m_text[static_cast<std::size_t>(i)] == '\n') m_sentence_start = true;
                continue;
            }
            i = chunk(start);
        }
        return std::move(m_tokens);
    }

  private:
    UChar32 peek(int32_t at, int32_t* next = nullptr) const {
        if (at >= m_n) return -1;
        UChar32 c;
        U8_NEXT(m_bytes, at, m_n, c);
        if (next) *next = at;
        return c;
    }

    /// Reads one chunk (runs of word characters joined by connectors) starting at `start`; returns the end.
    int32_t chunk(int32_t start) {
        std::vector<Run>& runs = m_runs;
        runs.clear();
        int32_t i = start;
        while (true) {
            Run run;
            run.begin = static_cast<std::size_t>(i);
            int32_t next = i;
            UChar32 c;
            while (true) {
                // ASCII letters and digits (most of a word) without decoding.
                while (i < m_n && is_ascii_word(m_bytes[i])) {
                    run.digits = run.digits && m_bytes[i] <= '9';
                    ++i;
                    ++run.cp_count;
                }
                next = i;
                c = peek(i, &next);
                if (c < 0 || !is_word_char(c)) break;
                i = next;
                ++run.cp_count;
                run.digits = false;
                run.ascii = false;
            }
            run.end = static_cast<std::size_t>(i);
            // Decide whether the character after the run joins it to the next run.
            int32_t after = next;
            // Only these characters can join two runs: the character after any other is not looked at.
            const bool connector = is_apostrophe(c) || is_hyphen(c) || c == '.' || c == ',';
            const UChar32 following = connector ? peek(after) : -1;
            const bool next_is_word = following >= 0 && is_word_char(following);
            bool joins = false;
            if (connector && next_is_word) {
                if (is_apostrophe(c) || is_hyphen(c)) {
                    joins = true;
                } else if ((c == '.' || c == ',') && run.digits && is_digit(following)) {
                    joins = true;
                } else if (c == '.' && run.cp_count == 1 && !is_digit(following) && single_letter_then_dot(after)) {
                    joins = true;
                }
            }
            if (joins) {
                run.connector = c;
                runs.push_back(run);
                i = after;
                continue;
            }
            runs.push_back(run);
            // A dotted acronym keeps its final dot ("U.S."), which does not end the sentence.
            if (c == '.' && runs.size() >= 2 && run.cp_count == 1 && runs[runs.size() - 2].connector == '.' &&
                runs[runs.size() - 2].cp_count == 1) {
                i = next;
                emit(runs, static_cast<std::size_t>(start), static_cast<std::size_t>(i));
                return i;
            }
            break;
        }
        emit(runs, static_cast<std::size_t>(start), static_cast<std::size_t>(i));
        return i;
    }

    bool single_letter_then_dot(int32_t at) const {
        int32_t next = at;
        const UChar32 c = peek(at, &next);
        if (c < 0 || !is_word_char(c)) return false;
        const UChar32 after = peek(next);
        return after == '.' || after < 0 || !is_word_char(after);
    }

    std::string_view slice(std::size_t b, std::size_t e) const { return m_text.substr(b, e - b); }

    /// Hands a finished token to the sink or keeps it.
    void deliver(Token&& tok) {
        if (m_sink) {
            m_sink->token(tok);
        } else {
            m_tokens.push_back(std::move(tok));
        }
    }

    /// Gives a whole chunk's one token its place: the chunk's bytes, the next position, the sentence start.
    void place_whole(Token& tok, std::size_t chunk_begin, std::size_t chunk_end) {
        tok.begin = chunk_begin;
        tok.end = chunk_end;
        tok.compound_part = false;
        tok.position = ++m_position;
        tok.sentence_start = m_sentence_start;
        m_sentence_start = false;
    }

    /// Splits a chunk at hyphens into parts and turns each part into one token.
    void emit(const std::vector<Run>& runs, std::size_t chunk_begin, std::size_t chunk_end) {
        if (runs.size() == 1 && runs[0].ascii && m_sink) {
            // One run of ASCII letters or digits: its folded form begins with its first bytes, lower-cased,
            // so the sink can decline the forms before they are made.
            const Run& r = runs[0];
            const std::size_t head_size = std::min<std::size_t>(r.end - r.begin, 2);
            const char head[2] = {ascii_lower(static_cast<char>(m_bytes[r.begin])),
                                  head_size > 1 ? ascii_lower(static_cast<char>(m_bytes[r.begin + 1])) : '\0'};
            if (!m_sink->wants_forms(std::string_view(head, head_size))) {
                Token& tok = m_scratch;
                tok.lower.clear();
                tok.folded.clear();
                tok.kind = r.digits ? TokenKind::number : TokenKind::word;
                tok.capitalized = is_upper_char(m_bytes[r.begin]);
                place_whole(tok, chunk_begin, chunk_end);
                m_sink->token(tok);
                return;
            }
        }
        if (std::none_of(runs.begin(), runs.end() - 1, [](const Run& r) { return is_hyphen(r.connector); })) {
            // One part (most chunks): made in place (in the vector, or in a token reused for the sink).
            Token& tok = m_sink ? m_scratch : m_tokens.emplace_back();
            if (!part_token(runs, tok)) {
                if (!m_sink) m_tokens.pop_back();
                return;
            }
            place_whole(tok, chunk_begin, chunk_end);
            if (m_sink) m_sink->token(tok);
            return;
        }
        std::vector<Token>& made = m_made;
        made.clear();
        std::size_t part_begin = 0;
        for (std::size_t k = 0; k < runs.size(); ++k) {
            if (is_hyphen(runs[k].connector) || k + 1 == runs.size()) {
                Token tok;
                if (part_token(std::span<const Run>(runs).subspan(part_begin, k + 1 - part_begin), tok)) {
                    made.push_back(std::move(tok));
                }
                part_begin = k + 1;
            }
        }
        if (made.empty()) return;
        const bool sentence_start = m_sentence_start;
        m_sentence_start = false;
        if (made.size() == 1) {
            made[0].begin = chunk_begin;
            made[0].end = chunk_end;
            made[0].position = ++m_position;
            made[0].sentence_start = sentence_start;
            deliver(std::move(made[0]));
            return;
        }
        Token whole;
        whole.kind = TokenKind::compound;
        whole.begin = chunk_begin;
        whole.end = chunk_end;
        whole.position = m_position + 1;
        whole.capitalized = made[0].capitalized;
        whole.sentence_start = sentence_start;
        for (const Token& t : made) {
            whole.lower += t.lower;
            whole.folded += t.folded;
        }
        deliver(std::move(whole));
        for (Token& t : made) {
            t.position = ++m_position;
            t.compound_part = true;
            t.sentence_start = sentence_start && &t == &made[0];
            deliver(std::move(t));
        }
    }

    /// Applies elision, possessive, acronym and number rules to the runs of one hyphen-free part: fills
    /// `tok` (but its position fields) and returns true, or false when the part makes no token.
    bool part_token(std::span<const Run> runs, Token& tok) {
        if (runs.empty()) return false;
        // French elision: a leading l', d', qu', jusqu'... is dropped (l'armée → armée).
        while (runs.size() > 1 && is_apostrophe(runs[0].connector)) {
            const std::string head = fold_for_match(slice(runs[0].begin, runs[0].end));
            if (!std::binary_search(k_elisions.begin(), k_elisions.end(), head)) break;
            runs = runs.subspan(1);
        }
        // English possessive: Russia's → Russia.
        if (runs.size() > 1 && is_apostrophe(runs[runs.size() - 2].connector)) {
            const std::string tail = fold_for_match(slice(runs.back().begin, runs.back().end));
            if (tail == "s") runs = runs.first(runs.size() - 1);
        }
        const std::size_t b = runs.front().begin;
        const std::size_t e = runs.back().end;
        tok.begin = b;
        tok.end = e;
        const UChar32 first = m_bytes[b] < 0x80 ? UChar32{m_bytes[b]} : peek(static_cast<int32_t>(b));
        tok.capitalized = first >= 0 && is_upper_char(first);
        const bool dotted = runs.size() > 1 && std::all_of(runs.begin(), runs.end() - 1, [](const Run& r) {
                                return r.connector == '.' && r.cp_count == 1;
                            }) && runs.back().cp_count == 1;
        const bool numeric = std::all_of(runs.begin(), runs.end(), [](const Run& r) { return r.digits; });
        // The surface adds only ASCII connectors to the runs' text.
        const bool ascii = std::all_of(runs.begin(), runs.end(), [](const Run& r) { return r.ascii; });
        // One run (most words): its text is the surface, no copy needed.
        std::string built;
        std::string_view surface;
        if (runs.size() == 1) {
            tok.kind = numeric ? TokenKind::number : TokenKind::word;
            surface = slice(b, e);
        } else if (numeric) {
            tok.kind = TokenKind::number;
            for (std::size_t k = 0; k < runs.size(); ++k) {
                built += slice(runs[k].begin, runs[k].end);
                if (k + 1 < runs.size()) {
                    const bool thousands = runs[k].connector == ',' && runs[k + 1].end - runs[k + 1].begin == 3 &&
                                           (k + 1 == runs.size() - 1 || runs[k + 1].connector == ',');
                    if (!thousands) built += '.';
                }
            }
            surface = built;
        } else if (dotted) {
            tok.kind = TokenKind::acronym;
            for (const Run& r : runs) built += slice(r.begin, r.end);
            surface = built;
        } else {
            tok.kind = TokenKind::word;
            for (std::size_t k = 0; k < runs.size(); ++k) {
                built += slice(runs[k].begin, runs[k].end);
                if (k + 1 < runs.size()) built += is_apostrophe(runs[k].connector) ? "'" : ".";
            }
            surface = built;
        }
        if (ascii) {
            // ASCII (most tokens): folding is A-Z → a-z, no accents to remove, no cache lookup needed.
            tok.lower.resize(surface.size());
            tok.folded.resize(surface.size());
            for (std::size_t k = 0; k < surface.size(); ++k) {
                const char c = surface[k];
                tok.lower[k] = tok.folded[k] = ascii_lower(c);
            }
        } else if (!fold_latin(surface, tok.lower, tok.folded)) {
            const Forms& forms = token_forms(surface);
            tok.lower = forms.lower;
            tok.folded = forms.folded;
        }
        return !tok.folded.empty();
    }

    std::string_view m_text;
    const uint8_t* m_bytes;
    int32_t m_n;
    std::vector<Token> m_tokens;
    std::vector<Run> m_runs;   // scratch, reused across chunks
    std::vector<Token> m_made;  // scratch, reused across chunks
    TokenSink* m_sink = nullptr;
    Token m_scratch;  // the token handed to the sink, its strings' buffers reused
    Xapian::termpos m_position = 0;
    bool m_sentence_start = true;
};

const std::string& algorithm_for(const AnalyzerSettings& s, Lang lang) {
    return lang == Lang::fr ? s.stemmer_fr : s.stemmer_en;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------

ProtectedWords::ProtectedWords(std::unordered_set<std::string> folded_words, std::string source_name)
    : m_source(std::move(source_name)) {
    for (const auto& w : folded_words) m_words.insert(w);
    m_identity = compute_identity();
}

bool ProtectedWords::contains(std::string_view folded) const { return m_words.find(folded) != m_words.end(); }

std::string ProtectedWords::compute_identity() const {
    std::vector<std::string_view> sorted(m_words.begin(), m_words.end());
    std::sort(sorted.begin(), sorted.end());
    std::uint64_t h = k_fnv1a_offset;
    for (const auto word : sorted) h = fnv1a64("\xFF", fnv1a64(word, h));
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return m_source + ":" + buf;
}

ProtectedWords ProtectedWords::builtin() {
    // Place names whose stems collide with ordinary words (paris/pari, corée/cor) or that should
    // never be inflected; replaced by the gazetteer's names when one is loaded.
    return ProtectedWords({"paris", "coree", "korea", "russie", "russia", "moscou", "moscow", "pyongyang",
                           "france", "ukraine", "vietnam", "maurice", "mauritius", "reunion", "inde", "india",
                           "chine", "china", "washington", "kiev", "kyiv", "seoul", "hanoi", "vladivostok",
                           "madagascar", "japon", "japan", "londres", "london", "marseille", "nice"},
                          "builtin");
}

std::string AnalyzerSettings::to_json() const {
    nlohmann::json j;
    j["version"] = version;
    j["stemmer_en"] = stemmer_en;
    j["stemmer_fr"] = stemmer_fr;
    j["protected_words"] = protected_words;
    j["folding"] = "icu-casefold+nfd-strip-marks";
    j["tokenizer"] = "dateline-1";
    return j.dump();
}

AnalyzerSettings AnalyzerSettings::from_json(std::string_view json) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json);
    } catch (const nlohmann::json::exception& e) {
        throw EnvironmentError("index analysis settings are not valid JSON: " + std::string(e.what()));
    }
    AnalyzerSettings s;
    try {
        s.version = j.at("version").get<int>();
        s.stemmer_en = j.at("stemmer_en").get<std::string>();
        s.stemmer_fr = j.at("stemmer_fr").get<std::string>();
        s.protected_words = j.value("protected_words", std::string("builtin"));
    } catch (const nlohmann::json::exception& e) {
        throw EnvironmentError("index analysis settings are incomplete: " + std::string(e.what()));
    }
    return s;
}

AnalyzerSettings AnalyzerSettings::current() {
    AnalyzerSettings s;
    s.version = schema::k_index_version;
    return s;
}

Analyzer::Analyzer(AnalyzerSettings settings, std::shared_ptr<const ProtectedWords> protected_words)
    : m_settings(std::move(settings)), m_protected(std::move(protected_words)) {
    if (!m_protected) m_protected = std::make_shared<const ProtectedWords>(ProtectedWords::builtin());
    m_settings.protected_words = m_protected->identity();
    // Fail now, not in the middle of indexing, if a stemmer is missing.
    (void)thread_stemmer(m_settings.stemmer_en);
    (void)thread_stemmer(m_settings.stemmer_fr);
}

std::vector<Token> Analyzer::tokenize(std::string_view utf8) const { return Tokenizer(utf8).run(); }
void Analyzer::tokenize(std::string_view utf8, TokenSink& sink) const { Tokenizer(utf8, &sink).run(); }

bool Analyzer::is_protected(std::string_view folded) const { return m_protected->contains(folded); }

std::string Analyzer::common_stem(std::string stem) const {
    if (!is_protected(stem)) return stem;
    // The stem of an ordinary word equals a protected name ("les paris" → "paris", "réunions" → "reunion"):
    // it must not be the name's term. A plural s is dropped when that gives a free stem; otherwise the
    // stem is marked, so that inflected forms still find each other but never the name.
    if (stem.size() > 3 && stem.back() == 's' && !is_protected(std::string_view(stem).substr(0, stem.size() - 1))) {
        stem.pop_back();
        return stem;
    }
    stem.push_back('_');
    return stem;
}

std::string Analyzer::stem(std::string_view lower, Lang lang) const {
    const std::string folded = fold_accents(lower);
    if (has_digit(folded) || is_protected(folded)) return folded;
    return common_stem(fold_accents(thread_stemmer(algorithm_for(m_settings, lang)).stem(lower)));
}

std::string Analyzer::common_use_stem(std::string_view folded, Lang lang) const {
    if (has_digit(folded)) return std::string(folded);
    return common_stem(fold_accents(thread_stemmer(algorithm_for(m_settings, lang)).stem(folded)));
}

std::string fold_word(std::string_view utf8) {
    std::string lower;
    std::string folded;
    if (fold_latin(utf8, lower, folded)) return folded;
    return fold_accents(fold_case(utf8));
}

std::string Analyzer::stem_folded(std::string_view folded, Lang lang) const {
    if (has_digit(folded) || is_protected(folded)) return std::string(folded);
    return common_stem(fold_accents(thread_stemmer(algorithm_for(m_settings, lang)).stem(folded)));
}

std::unordered_set<std::string> Analyzer::common_uses(const std::vector<const std::vector<Token>*>& fields) const {
    std::unordered_set<std::string> lower_seen;
    std::unordered_set<std::string> proper_seen;
    for (const auto* tokens : fields) {
        for (const Token& tok : *tokens) {
            if (tok.kind != TokenKind::word || !is_protected(tok.folded)) continue;
            if (!tok.capitalized) {
                lower_seen.insert(tok.folded);
            } else if (!tok.sentence_start) {
                proper_seen.insert(tok.folded);
            }
        }
    }
    for (const auto& w : proper_seen) lower_seen.erase(w);
    return lower_seen;
}

Xapian::termpos Analyzer::index_text(Xapian::Document& doc, std::string_view utf8, Lang lang,
                                     const FieldOptions& field, Xapian::termpos first_position) const {
    return index_tokens(doc, tokenize(utf8), lang, field, first_position);
}

void Analyzer::stems_of(const Token& tok, Lang lang, bool common_use, std::string_view& first, std::string_view& second) const {
    first = {};
    second = {};
    if (is_stopword_in(tok.folded, lang)) return;
    if ((tok.kind != TokenKind::word && tok.kind != TokenKind::compound) || (tok.capitalized && is_protected(tok.folded) && !common_use)) {
        first = tok.folded;
        return;
    }
    // Stems per (stemmer, word), cached per thread: word frequencies are Zipfian and Snowball is not free.
    using StemCache = std::unordered_map<std::string, StemPair, TransparentHash, std::equal_to<>>;
    thread_local std::unordered_map<std::string, StemCache> stem_caches;
    const std::string& algorithm = algorithm_for(m_settings, lang);
    StemCache& stem_cache = stem_caches[algorithm];
    if (stem_cache.size() > 200000) stem_cache.clear();
    auto it = stem_cache.find(tok.lower);
    if (it == stem_cache.end()) {
        SnowballStemmer& stemmer = thread_stemmer(algorithm);
        StemPair pair;
        pair.accented = common_stem(fold_accents(stemmer.stem(tok.lower)));
        // Stemming unaccented input can give another stem; a query typed without accents uses that one.
        if (tok.lower != tok.folded) pair.plain = common_stem(stemmer.stem(tok.folded));
        if (pair.plain == pair.accented) pair.plain.clear();
        it = stem_cache.emplace(tok.lower, std::move(pair)).first;
    }
    first = it->second.accented;
    second = it->second.plain;
}

std::vector<std::string> Analyzer::index_stems(const Token& tok, Lang lang, bool common_use) const {
    std::string_view first;
    std::string_view second;
    stems_of(tok, lang, common_use, first, second);
    std::vector<std::string> out;
    for (const std::string_view stem : {first, second}) {
        if (!stem.empty()) out.emplace_back(stem);
    }
    return out;
}

Xapian::termpos Analyzer::index_tokens(Xapian::Document& doc, const std::vector<Token>& tokens, Lang lang,
                                       const FieldOptions& field, Xapian::termpos first_position,
                                       const std::unordered_set<std::string>* common_uses) const {
    Xapian::termpos last = first_position;
    const std::string word_prefix(field.word_prefix);
    const std::string stem_prefix(field.stem_prefix);
    std::string term;
    for (const Token& tok : tokens) {
        if (tok.folded.size() > k_max_term_bytes) continue;
        const Xapian::termpos pos = first_position + tok.position;
        last = std::max(last, pos);
        term.assign(word_prefix).append(tok.folded);
        if (field.positions && tok.kind != TokenKind::compound) {
            doc.add_posting(term, pos, field.wdf_inc);
        } else {
            doc.add_term(term, field.wdf_inc);
        }
        std::string_view first;
        std::string_view second;
        stems_of(tok, lang, tok.sentence_start && common_uses && common_uses->count(tok.folded) > 0, first, second);
        if (first.empty()) continue;  // a stopword
        if (tok.lower != tok.folded && field.exact_forms && tok.kind != TokenKind::compound) {
            doc.add_term(std::string(schema::k_prefix_exact).append(tok.lower), field.wdf_inc);
        }
        for (const std::string_view stem : {first, second}) {
            if (stem.empty()) continue;
            term.assign(stem_prefix).append(stem);
            doc.add_term(term, field.wdf_inc);
        }
    }
    return last;
}

std::string Analyzer::normalize_query(std::string_view utf8, const std::vector<std::string>& verbatim_fields) const {
    return normalize_query(utf8, tokenize(utf8), verbatim_fields);
}

std::string Analyzer::normalize_query(std::string_view utf8, const std::vector<Token>& tokens,
                                      const std::vector<std::string>& verbatim_fields) const {
    std::string out;
    out.reserve(utf8.size());
    std::size_t copied = 0;  // bytes of `utf8` already handled
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Token& tok = tokens[k];
        if (tok.begin < copied) continue;  // a part of a compound already written
        out.append(utf8.substr(copied, tok.begin - copied));
        const std::string_view surface = utf8.substr(tok.begin, tok.end - tok.begin);
        copied = tok.end;
        const bool is_field = tok.end < utf8.size() && utf8[tok.end] == ':' && tok.kind == TokenKind::word;
        if (is_field) {
            out.append(surface);
            const std::string name = fold_for_match(surface);
            if (std::find(verbatim_fields.begin(), verbatim_fields.end(), name) != verbatim_fields.end()) {
                // Copy the field's value unchanged: up to the closing quote, or the next space.
                std::size_t end = tok.end + 1;
                if (end < utf8.size() && utf8[end] == '"') {
                    const std::size_t close = utf8.find('"', end + 1);
                    end = close == std::string_view::npos ? utf8.size() : close + 1;
                } else {
                    while (end < utf8.size() && utf8[end] != ' ' && utf8[end] != '\t' && utf8[end] != ')') ++end;
                }
                out.append(utf8.substr(tok.end, end - tok.end));
                copied = end;
            }
            continue;
        }
        if (tok.kind == TokenKind::word &&
            is_query_operator(surface)) {
            out.append(surface);
            continue;
        }
        if (tok.kind == TokenKind::compound) {
            // Parts joined by hyphens: the QueryParser turns them into a phrase, matching the indexed parts.
            bool first = true;
            for (std::size_t p = k + 1; p < tokens.size() && tokens[p].compound_part && tokens[p].begin < tok.end; ++p) {
                if (!first) out.push_back('-');
                out.append(tokens[p].folded);
                first = false;
            }
            continue;
        }
        out.append(tok.folded);
    }
    if (copied < utf8.size()) out.append(utf8.substr(copied));
    return out;
}

std::vector<std::string> Analyzer::exact_terms(std::string_view utf8) const { return exact_terms(tokenize(utf8)); }

std::vector<std::string> Analyzer::exact_terms(const std::vector<Token>& tokens) {
    std::vector<std::string> terms;
    for (const Token& tok : tokens) {
        if (tok.lower != tok.folded && tok.kind != TokenKind::compound) {
            std::string term = std::string(schema::k_prefix_exact) + tok.lower;
            if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(std::move(term));
        }
    }
    return terms;
}

QueryStemmer::QueryStemmer(std::shared_ptr<const Analyzer> analyzer, Lang lang)
    : m_analyzer(std::move(analyzer)), m_lang(lang) {}

std::string QueryStemmer::operator()(const std::string& word) {
    return m_analyzer->stem_folded(fold_accents(fold_case(word)), m_lang);
}

std::string QueryStemmer::get_description() const {
    return "dateline::QueryStemmer(" + std::string(lang_code(m_lang)) + ")";
}

bool is_query_operator(std::string_view word) noexcept {
    return std::find(k_query_operators.begin(), k_query_operators.end(), word) != k_query_operators.end();
}

}  // namespace dateline::common
