// Scraped pages: line shapes, the per-source chrome model, and extraction of title, date and body.
#include "scraped_source.hpp"

#include "diagnostics.hpp"
#include "publisher_names.hpp"

#include "common/hash.hpp"
#include "common/dates.hpp"
#include "common/text.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace dateline::indexer {

namespace {

/// Lines longer than this are never template (templates are short), and are not remembered while learning.
constexpr std::size_t k_max_template_line_bytes = 200;
/// A paragraph of article text has at least this many words (and ends like a sentence, unless very long);
/// headlines, even long ones, do not end with a full stop.
constexpr std::size_t k_paragraph_words = 12;
constexpr std::size_t k_long_paragraph_words = 25;

bool space_byte(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && space_byte(s.front())) s.remove_prefix(1);
    while (!s.empty() && space_byte(s.back())) s.remove_suffix(1);
    // Non-breaking spaces (U+00A0) pad scraped lines too.
    while (s.starts_with("\xC2\xA0")) s.remove_prefix(2);
    while (s.ends_with("\xC2\xA0")) s.remove_suffix(2);
    return s;
}

std::size_t count_words(std::string_view s) {
    std::size_t words = 0;
    bool in_word = false;
    for (char c : s) {
        const bool sp = space_byte(c);
        if (!sp && !in_word) ++words;
        in_word = !sp;
    }
    return words;
}

/// Ends like a sentence: . ! ? … or a closing quote or bracket after one.
bool ends_sentence(std::string_view s) {
    while (!s.empty()) {
        const char c = s.back();
        if (c == '"' || c == '\'' || c == ')') {
            s.remove_suffix(1);
            continue;
        }
        if (s.ends_with("\xC2\xBB") || s.ends_with("\xE2\x80\x9D") || s.ends_with("\xE2\x80\x99")) {  // » ” ’
            s.remove_suffix(s.ends_with("\xC2\xBB") ? 2 : 3);
            s = trim(s);
            continue;
        }
        break;
    }
    return s.ends_with('.') || s.ends_with('!') || s.ends_with('?') || s.ends_with("\xE2\x80\xA6");  // …
}

bool is_temperature(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t digits_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == digits_start || i - digits_start > 3) return false;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        const std::size_t frac = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == frac) return false;
    }
    while (i < s.size() && s[i] == ' ') ++i;
    bool degree = false;
    for (std::string_view sign : {std::string_view("\xC2\xB0"), std::string_view("\xC2\xBA")}) {  // ° º
        if (s.substr(i).starts_with(sign)) {
            i += sign.size();
            degree = true;
            break;
        }
    }
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) return degree;
    return i + 1 == s.size() && (s[i] == 'C' || s[i] == 'F');
}

bool is_number_line(std::string_view s) {
    if (s.size() > 20) return false;
    bool digit = false;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            digit = true;
        } else if (!(c == ' ' || c == ',' || c == '.' || c == ':' || c == '/' || c == '-' || c == '%' || c == '+')) {
            return false;
        }
    }
    return digit;
}

/// Lower-case particles allowed inside a name ("Saint-Pierre de la Réunion", "Isle of Man").
constexpr auto k_name_particles =
    std::to_array<std::string_view>({"de", "du", "des", "la", "le", "les", "of", "the", "sur", "en", "d'", "l'", "and", "et"});

bool is_name_line(std::string_view s) {
    if (s.size() < 2 || s.size() > 40) return false;
    const std::size_t words = count_words(s);
    if (words == 0 || words > 4) return false;
    const char last = s.back();
    if (last == '.' || last == '!' || last == '?' || last == ':' || last == ';' || last == ',') return false;
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    const auto n = static_cast<int32_t>(s.size());
    bool word_start = true;
    bool first_word = true;
    int32_t word_begin = 0;
    for (int32_t i = 0; i < n;) {
        const int32_t at = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) return false;
        if (c == ' ') {
            word_start = true;
            continue;
        }
        if (u_isdigit(c)) return false;
        if (!(u_isalpha(c) || c == '-' || c == '\'' || c == 0x2019 || c == '.')) return false;
        if (word_start) {
            word_begin = at;
            word_start = false;
            if (!u_isupper(c) && !u_istitle(c)) {
                // A lower-case particle inside the name; find the word's end.
                std::size_t e = static_cast<std::size_t>(word_begin);
                while (e < s.size() && s[e] != ' ') ++e;
                const std::string_view word = s.substr(static_cast<std::size_t>(word_begin), e - static_cast<std::size_t>(word_begin));
                if (first_word || std::find(k_name_particles.begin(), k_name_particles.end(), word) == k_name_particles.end()) {
                    return false;
                }
            }
            first_word = false;
        }
    }
    return true;
}

/// The segments of a header line between separators: '|', '·', '•', '—' anywhere; '–', '/', '-' only between
/// spaces, since dates ("04/02/2020") and names ("Rose-Hill") hold them too. One segment when none.
std::vector<std::string_view> chrome_segments(std::string_view line) {
    std::vector<std::string_view> segments;
    std::size_t start = 0;
    std::size_t i = 0;
    auto cut = [&](std::size_t at, std::size_t width) {
        segments.push_back(trim(line.substr(start, at - start)));
        start = at + width;
        i = start;
    };
    while (i < line.size()) {
        const std::string_view rest = line.substr(i);
        const bool spaced = i > 0 && line[i - 1] == ' ';
        if (rest.starts_with('|')) {
            cut(i, 1);
        } else if (rest.starts_with("\xC2\xB7")) {  // ·
            cut(i, 2);
        } else if (rest.starts_with("\xE2\x80\xA2") || rest.starts_with("\xE2\x80\x94")) {  // • —
            cut(i, 3);
        } else if (spaced && rest.starts_with("\xE2\x80\x93 ")) {  // –
            cut(i, 3);
        } else if (spaced && (rest.starts_with("/ ") || rest.starts_with("- "))) {
            cut(i, 1);
        } else {
            ++i;
        }
    }
    segments.push_back(trim(line.substr(start)));
    std::erase_if(segments, [](std::string_view s) { return s.empty(); });
    return segments;
}

/// The three numbers of a numeric date segment ("04/02/2020", "4.2.2020"), year last; nothing otherwise.
std::optional<std::array<int, 3>> numeric_date(std::string_view s) {
    std::array<int, 3> parts{};
    std::size_t at = 0;
    char separator = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        const std::size_t begin = at;
        int v = 0;
        // At most the 4 digits a part may have: a longer run is refused before it can overflow.
        while (at < s.size() && s[at] >= '0' && s[at] <= '9' && at - begin < 5) v = v * 10 + (s[at++] - '0');
        const std::size_t digits = at - begin;
        if (digits == 0 || digits > (k == 2 ? 4U : 2U) || (k == 2 && digits != 4)) return std::nullopt;
        parts[k] = v;
        if (k < 2) {
            if (at >= s.size() || !(s[at] == '/' || s[at] == '.' || s[at] == '-') || (separator && s[at] != separator)) return std::nullopt;
            separator = s[at++];
        }
    }
    if (at != s.size()) return std::nullopt;
    return parts;
}

/// The date a segment states: a date alone ("mardi 4 février 2020", "4 Feb 2020") or after a label
/// ("Updated: February 5, 2020"). Numeric dates are read in `order`.
std::optional<common::NewsDate> segment_date(std::string_view segment, NumericDateOrder order) {
    segment = trim(segment);
    if (const auto colon = segment.find(": "); colon != std::string_view::npos) {
        if (auto labelled = segment_date(segment.substr(colon + 2), order)) return labelled;
    }
    if (const auto numbers = numeric_date(segment)) {
        switch (order) {
            case NumericDateOrder::day_first: break;  // parse_news_date's reading
            case NumericDateOrder::month_first: {
                common::NewsDate date;
                date.year = (*numbers)[2];
                date.month = (*numbers)[0];
                date.day = (*numbers)[1];
                return date.valid() ? std::optional(date) : std::nullopt;
            }
            case NumericDateOrder::mixed: return std::nullopt;
        }
    }
    return common::parse_news_date(segment);
}

/// A line holding a date among other chrome: separators, one segment a date, not a sentence.
bool is_dated_chrome_line(std::string_view line) {
    if (line.size() > k_max_template_line_bytes || count_words(line) > 20 || ends_sentence(line)) return false;
    const auto segments = chrome_segments(line);
    return segments.size() >= 2 && std::any_of(segments.begin(), segments.end(), [](std::string_view s) {
               return segment_date(s, NumericDateOrder::day_first).has_value();
           });
}

/// One non-empty line of a page (lines a scraper hard-wrapped are joined again).
struct Line {
    std::string text;  // trimmed
    std::size_t number = 0;  // 1-based line number in the file
    std::size_t block = 0;   // blocks are separated by blank lines
    std::size_t words = 0;
    LineShape shape = LineShape::text;
    std::uint64_t hash = 0;
};

/// True when `next` continues the hard-wrapped sentence of `previous`: a long line cut without final
/// punctuation, followed by a line starting in lower case.
bool continues(const Line& previous, std::string_view next) {
    if (previous.words < 8 || ends_sentence(previous.text) || previous.text.ends_with(':')) return false;
    const auto* p = reinterpret_cast<const uint8_t*>(next.data());
    const auto n = static_cast<int32_t>(next.size());
    int32_t i = 0;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    return c >= 0 && u_islower(c);
}

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    std::size_t block = 0;
    std::size_t number = 0;
    bool blank_before = false;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        ++number;
        const std::string_view line = trim(text.substr(at, end - at));
        if (line.empty()) {
            blank_before = true;
        } else {
            if (blank_before && !lines.empty()) ++block;
            if (!blank_before && !lines.empty() && continues(lines.back(), line)) {
                Line& previous = lines.back();
                previous.text += ' ';
                previous.text += line;
                previous.words += count_words(line);
                previous.shape = LineShape::text;
                previous.hash = previous.text.size() <= k_max_template_line_bytes ? common::fnv1a64(previous.text) : 0;
            } else {
                Line l;
                l.text = std::string(line);
                l.number = number;
                l.block = block;
                l.words = count_words(line);
                l.shape = line_shape(line);
                l.hash = line.size() <= k_max_template_line_bytes ? common::fnv1a64(line) : 0;
                lines.push_back(std::move(l));
            }
            blank_before = false;
        }
        if (end == text.size()) break;
        at = end + 1;
    }
    return lines;
}

ChromeRole shape_role(LineShape shape) {
    switch (shape) {
        case LineShape::temperature: return ChromeRole::temperature;
        case LineShape::date: return ChromeRole::date;
        case LineShape::number: return ChromeRole::number;
        case LineShape::text:
        case LineShape::name: break;
    }
    return ChromeRole::recurring;
}

std::uint16_t slot_key(ChromeRole before, ChromeRole after) {
    return static_cast<std::uint16_t>(static_cast<unsigned>(before) * 16U + static_cast<unsigned>(after));
}

/// Folded words of a file name's slug ("2019-02-28-trump-kim-hanoi.txt" → trump, kim, hanoi).
std::vector<std::string> slug_words(std::string_view file_name) {
    const auto slash = file_name.find_last_of('/');
    if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
    const auto dot = file_name.find('.');
    if (dot != std::string_view::npos) file_name = file_name.substr(0, dot);
    std::vector<std::string> words;
    std::string cur;
    for (char c : common::fold_for_match(file_name)) {
        if (c >= 'a' && c <= 'z') {
            cur.push_back(c);
        } else {
            if (cur.size() >= 3) words.push_back(cur);
            cur.clear();
        }
    }
    if (cur.size() >= 3) words.push_back(cur);
    return words;
}

std::size_t slug_overlap(std::string_view line, const std::vector<std::string>& slug) {
    if (slug.empty()) return 0;
    const std::string folded = common::fold_for_match(line);
    std::size_t hits = 0;
    for (const auto& w : slug) {
        if (folded.find(w) != std::string::npos) ++hits;
    }
    return hits;
}

bool is_paragraph(const Line& line) {
    return (line.words >= k_paragraph_words && ends_sentence(line.text)) || line.words >= k_long_paragraph_words;
}

/// Small lines inside the article that are furniture by their look: "- Advertisement -", "Share:", "spot_img".
bool inline_furniture(const Line& line) {
    if (line.shape == LineShape::temperature || line.shape == LineShape::number || line.shape == LineShape::date) return true;
    if (line.words > 5 || ends_sentence(line.text)) return false;
    const auto first = static_cast<unsigned char>(line.text.front());
    const bool starts_with_mark = first < 0x80 && !((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
                                                    (first >= '0' && first <= '9') || first == '"' || first == '\'');
    return starts_with_mark || line.text.find('_') != std::string_view::npos || line.text.ends_with(':');
}

/// Paragraphs from kept lines: lines of one block joined by spaces, blocks by blank lines.
std::string join_body(const std::vector<Line>& lines, const std::vector<bool>& keep, std::size_t from) {
    std::string body;
    std::size_t block = 0;
    bool any = false;
    for (std::size_t i = from; i < lines.size(); ++i) {
        if (!keep[i]) continue;
        if (any) body += lines[i].block == block ? " " : "\n\n";
        body += lines[i].text;
        block = lines[i].block;
        any = true;
    }
    return body;
}

}  // namespace

LineShape line_shape(std::string_view raw) {
    const std::string_view line = trim(raw);
    if (line.empty()) return LineShape::text;
    if (is_temperature(line)) return LineShape::temperature;
    if (is_number_line(line)) return LineShape::number;
    if (line.size() <= 100 && count_words(line) <= 8 && common::looks_like_date(line)) return LineShape::date;
    if (is_dated_chrome_line(line)) return LineShape::date;
    if (is_name_line(line)) return LineShape::name;
    return LineShape::text;
}

void ChromeModel::add_page(std::string_view text) {
    std::vector<LineSignature> page;
    for (const Line& line : split_lines(text)) {
        if (line.shape == LineShape::date) {
            for (std::string_view segment : chrome_segments(line.text)) {
                if (const auto numbers = numeric_date(segment)) {
                    m_day_first_dates += (*numbers)[0] > 12 ? 1 : 0;
                    m_month_first_dates += (*numbers)[1] > 12 ? 1 : 0;
                }
            }
        }
        if (line.hash == 0 && line.shape == LineShape::text) {
            page.push_back({0, LineShape::text});  // a long paragraph: only its place matters
        } else {
            page.push_back({line.hash, line.shape});
        }
    }
    m_pages.push_back(std::move(page));
    m_finished = false;
}

void ChromeModel::finish() {
    m_line_pages.clear();
    m_shape_pages.clear();
    m_template_slots.clear();
    for (const auto& page : m_pages) {
        std::unordered_set<std::uint64_t> lines;
        std::array<bool, 8> shapes{};
        for (const auto& sig : page) {
            if (sig.hash != 0) lines.insert(sig.hash);
            shapes[static_cast<std::size_t>(sig.shape)] = true;
        }
        for (auto h : lines) ++m_line_pages[h];
        for (std::size_t s = 0; s < shapes.size(); ++s) {
            if (shapes[s]) ++m_shape_pages[static_cast<std::uint8_t>(s)];
        }
    }
    m_finished = true;
    // Slots: name-like lines by the roles of their neighbours, counted once per page, with their values.
    struct SlotStats {
        std::size_t pages = 0;
        std::size_t occurrences = 0;
        std::unordered_set<std::uint64_t> values;
    };
    std::unordered_map<std::uint16_t, SlotStats> slots;
    auto role_of = [&](const LineSignature& sig) {
        if (sig.shape != LineShape::text && sig.shape != LineShape::name && template_shape(sig.shape)) return shape_role(sig.shape);
        if (sig.hash != 0) {
            const auto it = m_line_pages.find(sig.hash);
            const std::size_t df = it == m_line_pages.end() ? 0 : it->second;
            if (df >= std::max<std::size_t>(3, static_cast<std::size_t>(std::ceil(0.2 * static_cast<double>(m_pages.size()))))) {
                return ChromeRole::recurring;
            }
        }
        return ChromeRole::content;
    };
    for (const auto& page : m_pages) {
        std::unordered_set<std::uint16_t> seen;
        for (std::size_t i = 0; i < page.size(); ++i) {
            if (page[i].shape != LineShape::name) continue;
            const ChromeRole before = i == 0 ? ChromeRole::edge : role_of(page[i - 1]);
            const ChromeRole after = i + 1 == page.size() ? ChromeRole::edge : role_of(page[i + 1]);
            if (before == ChromeRole::content || after == ChromeRole::content) continue;
            const std::uint16_t key = slot_key(before, after);
            SlotStats& stats = slots[key];
            if (seen.insert(key).second) ++stats.pages;
            ++stats.occurrences;
            if (stats.values.size() < 4096) stats.values.insert(page[i].hash);
        }
    }
    for (const auto& [key, stats] : slots) {
        if (2 * stats.pages >= m_pages.size() && 2 * stats.values.size() <= stats.occurrences) m_template_slots.insert(key);
    }
}

bool ChromeModel::recurring_line(std::string_view line) const {
    const std::string_view t = trim(line);
    if (!m_finished || t.empty() || t.size() > k_max_template_line_bytes) return false;
    const auto it = m_line_pages.find(common::fnv1a64(t));
    if (it == m_line_pages.end()) return false;
    const auto needed = std::max<std::size_t>(3, static_cast<std::size_t>(std::ceil(0.2 * static_cast<double>(m_pages.size()))));
    return it->second >= needed;
}

bool ChromeModel::template_shape(LineShape shape) const {
    if (!m_finished || shape == LineShape::text || shape == LineShape::name) return false;
    const auto it = m_shape_pages.find(static_cast<std::uint8_t>(shape));
    if (it == m_shape_pages.end()) return false;
    return it->second >= std::max<std::size_t>(3, static_cast<std::size_t>(std::ceil(0.3 * static_cast<double>(m_pages.size()))));
}

bool ChromeModel::template_slot(ChromeRole before, ChromeRole after) const {
    return m_template_slots.count(slot_key(before, after)) > 0;
}

NumericDateOrder ChromeModel::numeric_date_order() const noexcept {
    if (m_month_first_dates == 0) return NumericDateOrder::day_first;
    return m_day_first_dates == 0 ? NumericDateOrder::month_first : NumericDateOrder::mixed;
}

const ChromeModel* ChromeModels::find(const std::string& name) const {
    const auto it = m_models.find(name);
    return it != m_models.end() && it->second.learned() ? &it->second : nullptr;
}

ScrapedPage extract_scraped_page(std::string_view text, const ChromeModel* model, std::string_view file_name) {
    ScrapedPage page;
    const std::vector<Line> lines = split_lines(text);
    if (lines.empty()) return page;
    const std::size_t n = lines.size();
    std::vector<bool> chrome(n, false);
    std::size_t title_index = n;   // n: no title
    std::size_t body_start = 0;

    // The first paragraph of article text.
    std::size_t first_paragraph = n;
    for (std::size_t i = 0; i < n; ++i) {
        if (is_paragraph(lines[i])) {
            first_paragraph = i;
            break;
        }
    }

    if (model && model->learned()) {
        std::vector<ChromeRole> role(n, ChromeRole::content);
        for (std::size_t i = 0; i < n; ++i) {
            if (model->template_shape(lines[i].shape)) {
                role[i] = shape_role(lines[i].shape);
            } else if (model->recurring_line(lines[i].text)) {
                role[i] = ChromeRole::recurring;
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            chrome[i] = role[i] != ChromeRole::content;
            if (!chrome[i] && lines[i].shape == LineShape::name) {
                const ChromeRole before = i == 0 ? ChromeRole::edge : role[i - 1];
                const ChromeRole after = i + 1 == n ? ChromeRole::edge : role[i + 1];
                chrome[i] = model->template_slot(before, after);
            }
        }
        // The headline is the first line that is not template, unless it is already article text.
        for (std::size_t i = 0; i < n; ++i) {
            if (chrome[i]) continue;
            const bool paragraph = is_paragraph(lines[i]);
            const bool more = std::any_of(chrome.begin() + static_cast<std::ptrdiff_t>(i) + 1, chrome.end(), [](bool c) { return !c; });
            if (!paragraph && more) {
                title_index = i;
                body_start = i + 1;
            } else {
                body_start = i;
            }
            break;
        }
    } else {
        // Alone: everything before the first paragraph is page furniture except the headline.
        const std::size_t lead_end = first_paragraph == n ? std::min<std::size_t>(n, 1) : first_paragraph;
        std::vector<bool> shaped(n, false);
        for (std::size_t i = 0; i < lead_end; ++i) {
            const LineShape s = lines[i].shape;
            shaped[i] = s == LineShape::temperature || s == LineShape::date || s == LineShape::number;
        }
        const std::vector<std::string> slug = slug_words(file_name);
        std::size_t best_score = 0;
        for (std::size_t i = 0; i < lead_end; ++i) {
            const bool next_to_shape = (i > 0 && shaped[i - 1]) || (i + 1 < lead_end && shaped[i + 1]);
            const bool weather_or_place = lines[i].shape == LineShape::name && next_to_shape && i < 4;
            chrome[i] = true;
            if (shaped[i] || weather_or_place || lines[i].text.ends_with(':')) continue;
            const std::size_t score = lines[i].words + 3 * slug_overlap(lines[i].text, slug);
            if (score >= best_score) {
                best_score = score;
                title_index = i;
            }
        }
        if (title_index < n) chrome[title_index] = false;
        body_start = lead_end;
        if (first_paragraph == n && n == 1) {
            // A one-line page: a brief with no headline.
            chrome[0] = false;
            title_index = n;
            body_start = 0;
        }
        for (std::size_t i = body_start; i < n; ++i) chrome[i] = inline_furniture(lines[i]);
    }

    // After the last paragraph of article text, the trailing blocks (related links, comment prompts)
    // are furniture: the article ends at the first template or non-sentence line past it.
    std::size_t last_paragraph = n;
    for (std::size_t i = n; i-- > body_start;) {
        if (!chrome[i] && is_paragraph(lines[i])) {
            last_paragraph = i;
            break;
        }
    }
    if (last_paragraph < n) {
        bool ended = false;
        for (std::size_t i = last_paragraph + 1; i < n; ++i) {
            if (!ended && !chrome[i] && ends_sentence(lines[i].text) && lines[i].words >= 3) continue;
            ended = true;
            chrome[i] = true;
        }
    }

    if (title_index < n) page.title = std::string(lines[title_index].text);
    std::vector<bool> keep(n, false);
    for (std::size_t i = body_start; i < n; ++i) keep[i] = !chrome[i] && i != title_index;
    page.body = join_body(lines, keep, body_start);
    for (std::size_t i = 0; i < n; ++i) {
        if (chrome[i] || (i < body_start && i != title_index)) page.chrome_lines.emplace_back(lines[i].text);
    }
    // The page date. A date-shaped line is read whole, else by its segments (the date beside the weather).
    const NumericDateOrder order = model && model->learned() ? model->numeric_date_order() : NumericDateOrder::day_first;
    struct Stated {
        std::string text;
        common::NewsDate date;
    };
    auto dates_of = [&](const std::string& line) {
        std::vector<Stated> found;
        if (const auto whole = segment_date(line, order)) {
            found.push_back({line, *whole});
        } else {
            for (std::string_view segment : chrome_segments(line)) {
                if (const auto date = segment_date(segment, order)) found.push_back({std::string(segment), *date});
            }
        }
        return found;
    };
    auto same_day = [](const common::NewsDate& a, const common::NewsDate& b) {
        return a.year == b.year && a.month == b.month && a.day == b.day;
    };
    // Pass 0: the template of the page head, all of its dates; 1: the first template date line; 2: any date line.
    for (int pass = 0; pass < 3 && page.date_text.empty(); ++pass) {
        std::vector<std::pair<Stated, std::size_t>> stated;  // with the line number
        std::size_t unreadable = n;
        for (std::size_t i = 0; i < n; ++i) {
            const bool removed = chrome[i] || (i < body_start && i != title_index);
            if (lines[i].shape != LineShape::date || (pass == 0 && !(removed && i < body_start)) || (pass == 1 && !removed)) {
                continue;
            }
            auto found = dates_of(lines[i].text);
            if (found.empty() && unreadable == n) unreadable = i;
            for (auto& f : found) stated.emplace_back(std::move(f), lines[i].number);
            if (pass > 0 && (!found.empty() || unreadable == i)) break;
        }
        if (stated.empty()) {
            if (unreadable < n) {
                // Reported as an unreadable date, as before.
                page.date_text = lines[unreadable].text;
                page.date_line = lines[unreadable].number;
            }
            continue;
        }
        page.date_text = stated.front().first.text;
        page.date_line = stated.front().second;
        const auto other = std::find_if(stated.begin(), stated.end(),
                                        [&](const auto& s) { return !same_day(s.first.date, stated.front().first.date); });
        if (other == stated.end()) {
            page.date = stated.front().first.date;
        } else {
            page.date_refusal = "two different dates in the page template, " + quote_value(stated.front().first.text) +
                                " and " + quote_value(other->first.text);
        }
    }
    return page;
}

void ScrapedSource::read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) {
    const auto content = read_document(in, file, diagnostics);
    if (!content) return;
    const ChromeModel* model = m_chrome ? m_chrome->find(file.source_name) : nullptr;
    ScrapedPage page = extract_scraped_page(*content, model, file.path);
    if (page.title.empty() && page.body.empty()) {
        diagnostics.error(file.display_name, 0, "no article text found in the page; skipped");
        return;
    }
    common::Article article;
    article.id = file.relative_path;
    article.title = std::move(page.title);
    article.body = std::move(page.body);
    if (page.date) {
        article.date = page.date;
    } else if (!page.date_refusal.empty()) {
        diagnostics.warning(file.display_name, page.date_line, page.date_refusal + "; article indexed without a date");
    } else {
        set_stated_date(article, page.date_text, file, page.date_line, diagnostics);
    }
    // The site's brand line (a copyright line, or one naming the source group): lines of the learned template
    // only, so that a line of one page's text is never taken for the publisher.
    for (const std::string& line : page.chrome_lines) {
        if (!model || !model->recurring_line(line)) continue;
        if (std::string name = publisher_from_brand_line(line, file.source_name); !name.empty()) {
            article.source = std::move(name);
            break;
        }
    }
    article.origin = file.display_name;
    sink(std::move(article));
}

ContentMatch sniff_scraped(std::string_view content) {
    const bool markup_or_json = content.starts_with("<") || content.starts_with("{") || content.starts_with("[");
    return markup_or_json ? ContentMatch::possible : ContentMatch::likely;
}

}  // namespace dateline::indexer
