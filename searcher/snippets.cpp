// Snippet making over the stored text with the shared tokenizer, and HTML / terminal rendering.
#include "snippets.hpp"

#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <unordered_set>

namespace dateline::searcher {

using common::Lang;

namespace {

constexpr std::string_view k_ellipsis = "…";
constexpr std::string_view k_bold = "\033[1m";
constexpr std::string_view k_reset = "\033[0m";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

/// Characters that neither whitespace collapsing nor an escape (html_char, plain_char) touch: copied in runs.
bool is_plain(char c) {
    return !is_space(c) && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' && c != '\033';
}

/// Appends `text` with whitespace runs as one space; `pending_space` carries a run across calls.
template <typename Escape>
void append_collapsed(std::string& out, std::string_view text, bool& pending_space, const Escape& escape) {
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (is_space(c)) {
            pending_space = true;
            ++i;
            continue;
        }
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        if (!is_plain(c)) {
            escape(out, c);
            ++i;
            continue;
        }
        std::size_t end = i + 1;
        while (end < text.size() && is_plain(text[end])) ++end;
        out.append(text, i, end - i);
        i = end;
    }
}

template <typename Escape>
std::string render(const MarkedText& t, std::string_view open, std::string_view close, const Escape& escape,
                   bool ellipsis_before = true) {
    std::string out;
    out.reserve(t.text.size() + 16 * t.marks.size() + 8);
    if (t.cut_before && ellipsis_before) out += k_ellipsis;
    bool pending_space = t.cut_before && ellipsis_before;
    std::size_t at = 0;
    for (const auto& [b, e] : t.marks) {
        if (b < at || e > t.text.size()) continue;
        append_collapsed(out, std::string_view(t.text).substr(at, b - at), pending_space, escape);
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        out += open;
        append_collapsed(out, std::string_view(t.text).substr(b, e - b), pending_space, escape);
        out += close;
        at = e;
    }
    append_collapsed(out, std::string_view(t.text).substr(at), pending_space, escape);
    if (t.cut_after) {
        out += ' ';
        out += k_ellipsis;
    }
    return out;
}

void html_char(std::string& out, char c) { common::append_html_escaped(out, c); }

void plain_char(std::string& out, char c) {
    // Terminal output: no escape sequence from the text itself.
    out.push_back(c == '\033' ? ' ' : c);
}

template <typename Escape>
std::string render(const Snippet& s, std::string_view open, std::string_view close, const Escape& escape) {
    std::string out;
    for (std::size_t k = 0; k < s.passages.size(); ++k) {
        if (k > 0) out.push_back(' ');
        // One ellipsis between two passages: the previous one ends with it.
        out += render(s.passages[k], open, close, escape, k == 0);
    }
    return out;
}

}  // namespace

void Highlighter::KeySet::add(std::string_view s, bool starts_with) {
    if (s.size() >= 2 || !starts_with) {
        set(key(s));
        return;
    }
    // A one-byte beginning: any second byte, or none.
    const std::size_t base = key(s) & ~std::size_t{0xFF};
    for (std::size_t b1 = 0; b1 < 0x100; ++b1) set(base | b1);
}

Highlighter::Highlighter(const common::Analyzer& analyzer, const HighlightTerms& terms)
    : m_analyzer(analyzer), m_terms(terms) {
    // Phrases worth trying at a token, by first word (a lone stopword is never marked).
    for (const auto& phrase : terms.phrases) {
        if (phrase.empty() || (phrase.size() == 1 && common::is_stopword(phrase[0]))) continue;
        m_phrases_by_head[phrase[0]].push_back(&phrase);
        m_folded_keys.add(phrase[0], false);
        for (std::size_t k = 1; k < phrase.size(); ++k) m_phrase_keys.add(phrase[k], false);
    }
    for (const auto& stem : terms.stems) {
        // Snowball strips suffixes and at most rewrites the last letters ("chevaux" → "cheval", "happy" →
        // "happi"): a word stems to `stem` only if it starts with all of it but its last two bytes.
        std::string head = stem.substr(0, std::max<std::size_t>(2, stem.size() > 2 ? stem.size() - 2 : 0));
        m_folded_keys.add(head, true);
        if (std::find(m_stem_heads.begin(), m_stem_heads.end(), head) == m_stem_heads.end()) m_stem_heads.push_back(std::move(head));
    }
    for (const auto& w : terms.words) m_folded_keys.add(w, false);
    for (const auto& p : terms.prefixes) {
        if (!p.empty()) m_folded_keys.add(p, true);
    }
    for (const auto& e : terms.exact) m_lower_keys.add(e, false);
}

bool Highlighter::stem_matches(std::string_view lower, std::string_view folded, Lang lang) {
    if (m_terms.stems.empty()) return false;
    if (std::none_of(m_stem_heads.begin(), m_stem_heads.end(), [&](const std::string& h) { return folded.starts_with(h); })) {
        return false;
    }
    // Words recur within an article and across the results of a page: each is stemmed once.
    std::string key(lower);
    key.push_back(static_cast<char>('0' + static_cast<int>(lang)));
    if (const auto it = m_stem_cache.find(key); it != m_stem_cache.end()) return it->second;
    bool found = false;
    for (const Lang l : {Lang::en, Lang::fr}) {
        if (lang != Lang::unknown && l != lang) continue;
        if (m_terms.stems.count(m_analyzer.stem(lower, l)) || m_terms.stems.count(m_analyzer.stem_folded(folded, l))) {
            found = true;
            break;
        }
    }
    m_stem_cache.emplace(std::move(key), found);
    return found;
}

bool Highlighter::matches(const common::Token& token, Lang lang) {
    bool found = m_terms.words.count(token.folded) || m_terms.exact.count(token.lower);
    for (const auto& prefix : m_terms.prefixes) {
        if (found) break;
        found = !prefix.empty() && token.folded.starts_with(prefix);
    }
    found = found || stem_matches(token.lower, token.folded, lang);
    // Stopwords are never marked (checked last: most words do not match at all).
    return found && !(token.kind == common::TokenKind::word && common::is_stopword(token.folded));
}

Highlighter::Tokens Highlighter::tokenize(std::string_view text) const {
    // Keeps every token's place, and the forms of those that may match or continue a phrase.
    class Collector : public common::TokenSink {
      public:
        Collector(const Highlighter& h, Tokens& out) : m_h(h), m_out(out) {}
        // An ASCII head is both the folded and the lower-case form's.
        bool wants_forms(std::string_view head) const override { return m_h.may_keep(head, head); }
        void token(const common::Token& t) override {
            Slot& slot = m_out.slots.emplace_back();
            slot.begin = t.begin;
            slot.end = t.end;
            slot.kind = t.kind;
            slot.sentence_start = t.sentence_start;
            if (!t.folded.empty() && m_h.may_keep(t.folded, t.lower)) {
                slot.candidate = static_cast<std::int32_t>(m_out.candidates.size());
                m_out.candidates.push_back(t);
            }
        }

      private:
        const Highlighter& m_h;
        Tokens& m_out;
    };
    Tokens out;
    out.slots.reserve(text.size() / 6 + 8);  // about one token per six bytes of news text
    Collector collector(*this, out);
    m_analyzer.tokenize(text, collector);
    return out;
}

std::vector<Highlighter::Hit> Highlighter::match(const Tokens& tokens, std::string_view text, Lang lang) {
    std::vector<Hit> out;
    if (m_terms.empty()) return out;
    std::size_t covered_until = 0;  // a phrase or a compound marked whole covers the tokens inside it
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Slot& slot = tokens.slots[k];
        if (slot.candidate < 0 || slot.begin < covered_until) continue;
        const common::Token& t = tokens.candidates[static_cast<std::size_t>(slot.candidate)];
        if (!may_match(t)) continue;  // a later word of a phrase only
        const auto heads = t.kind != common::TokenKind::compound ? m_phrases_by_head.find(t.folded) : m_phrases_by_head.end();
        if (heads != m_phrases_by_head.end()) {
            // The longest phrase starting here; compound wholes are skipped, their parts compared.
            std::size_t best = tokens.size();
            for (const auto* candidate : heads->second) {
                const std::vector<std::string>& phrase = *candidate;
                std::size_t j = k;
                std::size_t p = 0;
                std::size_t last = k;
                while (p < phrase.size() && j < tokens.size()) {
                    if (tokens.slots[j].kind == common::TokenKind::compound) {
                        ++j;
                        continue;
                    }
                    if (tokens.folded(j) != phrase[p]) break;
                    last = j;
                    ++p;
                    ++j;
                }
                if (p == phrase.size() && (best == tokens.size() || tokens.slots[last].end > tokens.slots[best].end)) best = last;
            }
            if (best != tokens.size()) {
                out.push_back({k, t.begin, tokens.slots[best].end, t.folded});
                covered_until = tokens.slots[best].end;
                continue;
            }
        }
        if (!matches(t, lang)) continue;
        // Parts of one hyphenated word read as one mark: <mark>nord-coréenne</mark>.
        if (!out.empty() && out.back().end + 1 == t.begin && text[out.back().end] == '-') {
            out.back().end = t.end;
            out.back().key += t.folded;
            continue;
        }
        out.push_back({k, t.begin, t.end, t.folded});
        if (t.kind == common::TokenKind::compound) covered_until = t.end;
    }
    return out;
}

std::vector<std::pair<std::size_t, std::size_t>> Highlighter::find(std::string_view text, Lang lang) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    if (m_terms.empty()) return out;
    for (const auto& hit : match(tokenize(text), text, lang)) out.emplace_back(hit.begin, hit.end);
    return out;
}

MarkedText Highlighter::mark_all(std::string_view text, Lang lang) {
    MarkedText out;
    out.text = std::string(text);
    out.marks = find(text, lang);
    return out;
}

Snippet Highlighter::snippet(std::string_view body, Lang lang, const SnippetOptions& options) {
    Snippet out;
    // Without terms only the lead is wanted: a little more than a passage is enough.
    // Passages come from the first `first_scan_bytes` when the query matches there (news puts the subject
    // first); only an article whose start does not match is read further, up to `max_scan_bytes`.
    std::string_view scan = common::truncate_utf8(
        body, m_terms.empty() ? options.passage_bytes * 2 : std::min(options.first_scan_bytes, options.max_scan_bytes));
    Tokens scanned = tokenize(scan);
    std::vector<Hit> found = match(scanned, scan, lang);
    if (found.empty() && !m_terms.empty() && scan.size() < body.size() && scan.size() < options.max_scan_bytes) {
        scan = common::truncate_utf8(body, options.max_scan_bytes);
        scanned = tokenize(scan);
        found = match(scanned, scan, lang);
    }
    const std::vector<Slot>& tokens = scanned.slots;
    if (tokens.empty()) return out;
    out.matches = found.size();

    // Token index of the last token ending at or before `limit`, and of the first starting at or after it.
    auto last_ending_by = [&](std::size_t limit) {
        auto it = std::upper_bound(tokens.begin(), tokens.end(), limit, [](std::size_t v, const Slot& t) { return v < t.end; });
        return it == tokens.begin() ? std::size_t{0} : static_cast<std::size_t>(it - tokens.begin() - 1);
    };
    auto first_starting_at = [&](std::size_t from) {
        auto it = std::lower_bound(tokens.begin(), tokens.end(), from, [](const Slot& t, std::size_t v) { return t.begin < v; });
        return it == tokens.end() ? tokens.size() - 1 : static_cast<std::size_t>(it - tokens.begin());
    };
    auto make_passage = [&](std::size_t first_token, std::size_t last_token) {
        MarkedText p;
        // From the start of the text, and to its end when only punctuation follows the last word.
        const std::size_t b = first_token == 0 ? 0 : tokens[first_token].begin;
        std::size_t e = std::max(tokens[last_token].end, b);
        if (last_token + 1 == tokens.size() && scan.size() == body.size()) e = body.size();
        p.text = std::string(scan.substr(b, e - b));
        for (const auto& m : found) {
            if (m.begin >= b && m.end <= e) p.marks.emplace_back(m.begin - b, m.end - b);
        }
        p.cut_before = b > 0;
        p.cut_after = e < body.size();
        return p;
    };

    if (found.empty()) {
        out.passages.push_back(make_passage(0, last_ending_by(options.passage_bytes)));
        return out;
    }

    // Windows anchored before each match (the first 200), scored by distinct matches, then by matches.
    struct Window {
        std::size_t first = 0;
        std::size_t last = 0;
        std::size_t begin = 0;
        std::size_t end = 0;
        std::size_t score = 0;
    };
    std::vector<Window> windows;
    const std::size_t anchors = std::min<std::size_t>(found.size(), 200);
    for (std::size_t a = 0; a < anchors; ++a) {
        const std::size_t lead = options.passage_bytes / 4;
        const std::size_t start = found[a].begin > lead ? found[a].begin - lead : 0;
        Window w;
        w.first = std::min(first_starting_at(start), found[a].token);
        // Start at the sentence when it begins a little earlier.
        for (std::size_t k = w.first; k > 0 && k + 12 > w.first; --k) {
            if (tokens[k].sentence_start) {
                w.first = k;
                break;
            }
        }
        w.begin = tokens[w.first].begin;
        w.last = std::max(last_ending_by(w.begin + options.passage_bytes), found[a].token);
        w.end = tokens[w.last].end;
        std::unordered_set<std::string_view> distinct;
        std::size_t count = 0;
        for (std::size_t m = a; m < found.size() && found[m].end <= w.end; ++m) {
            if (found[m].begin < w.begin) continue;
            distinct.insert(found[m].key);
            ++count;
        }
        w.score = distinct.size() * 1000 + count;
        windows.push_back(w);
    }
    const std::size_t wanted = body.size() > options.long_body_bytes ? options.max_passages : 1;
    std::vector<Window> chosen;
    while (chosen.size() < wanted) {
        const Window* best = nullptr;
        for (const auto& w : windows) {
            const bool overlaps = std::any_of(chosen.begin(), chosen.end(), [&](const Window& c) { return w.begin < c.end && c.begin < w.end; });
            if (overlaps) continue;
            if (best == nullptr || w.score > best->score) best = &w;
        }
        if (best == nullptr) break;
        chosen.push_back(*best);
    }
    std::sort(chosen.begin(), chosen.end(), [](const Window& a, const Window& b) { return a.begin < b.begin; });
    for (const auto& w : chosen) out.passages.push_back(make_passage(w.first, w.last));
    return out;
}

void append_html_escaped(std::string& out, std::string_view text) {
    for (const char c : text) html_char(out, c);
}

std::string render_html(const MarkedText& text) { return render(text, "<mark>", "</mark>", html_char); }
std::string render_html(const Snippet& snippet) { return render(snippet, "<mark>", "</mark>", html_char); }

std::string render_text(const MarkedText& text, bool bold) {
    return bold ? render(text, k_bold, k_reset, plain_char) : render(text, "", "", plain_char);
}
std::string render_text(const Snippet& snippet, bool bold) {
    return bold ? render(snippet, k_bold, k_reset, plain_char) : render(snippet, "", "", plain_char);
}

}  // namespace dateline::searcher
