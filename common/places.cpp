// The gazetteer (TSV loading, name index) and the place matcher: longest match of folded token n-grams,
// disambiguation by surface cues and article context, salience, datelines.
#include "places.hpp"

#include "errors.hpp"
#include "stopwords.hpp"
#include "text.hpp"

#include <nlohmann/json.hpp>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <span>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace dateline::common {
namespace {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

/// A name of the index denotes this place.
struct NameEntry {
    std::uint32_t place = 0;
    std::uint8_t flags = 0;
};
constexpr std::uint8_t k_entry_demonym = 1;   ///< "Russian", "nord-coréenne"
constexpr std::uint8_t k_entry_capitals = 2;  ///< matches only when written in capitals ("US", "U.S.")
constexpr std::uint8_t k_entry_lower_first = 4;  ///< the name starts with a lower-case word ("golfe Persique")

constexpr std::uint8_t k_word_en = 1;
constexpr std::uint8_t k_word_fr = 2;

/// Score taken from a division when a city of the same name lies in it.
constexpr double k_city_of_region_penalty = 3.0;

/// Longest name, in tokens, the matcher tries.
constexpr std::size_t k_max_name_tokens = 8;

/// Articles dropped from the start of a name: "The Hague" is found in "in the Hague" and "La Haye" in "de La Haye".
constexpr auto k_leading_articles = std::to_array<std::string_view>({"the", "le", "la", "les"});

/// Capitalized words that may stand before a place without making it part of a name ("Eastern Ukraine").
constexpr auto k_place_modifiers = std::to_array<std::string_view>(
    {"basse", "bas", "central", "centrale", "east", "eastern", "greater", "grand", "grande", "haut", "haute",
     "lower", "north", "northern", "nord", "ouest", "south", "southern", "sud", "upper", "west", "western"});

/// Words (lower case, accents kept) after which a capitalized word is very likely a place.
constexpr auto k_locatives = std::to_array<std::string_view>(
    {"at", "au", "depuis", "from", "in", "near", "près", "to", "vers", "à"});

std::uint8_t lang_mask(Lang lang) {
    switch (lang) {
        case Lang::en: return k_word_en;
        case Lang::fr: return k_word_fr;
        case Lang::unknown: break;
    }
    return k_word_en | k_word_fr;
}

/// Whether the place's English or French name starts with `article` ("le" for "Le Havre", "Le Caire").
bool name_has_article(const Place& p, std::string_view article) {
    for (const std::string& name : {p.name_en, p.name_fr}) {
        if (name.size() > article.size() && name[article.size()] == ' ' &&
            fold_for_match(std::string_view(name).substr(0, article.size())) == article) {
            return true;
        }
    }
    return false;
}

/// Whether one of the place's names is an article and then `key` (folded words joined by spaces): "Le
/// François" for "francois", "The Hague" for "hague". Such a name is written with its article.
bool named_with_article(const Place& p, std::string_view key) {
    for (const std::string& name : {p.name_en, p.name_fr}) {
        for (const std::string_view article : {"le ", "la ", "les ", "the ", "l'", "l\u2019"}) {
            if (name.size() <= article.size() || fold_for_match(std::string_view(name).substr(0, article.size())) != article) continue;
            std::string rest;
            for (const char c : fold_for_match(std::string_view(name).substr(article.size()))) {
                rest.push_back(c == '-' ? ' ' : c);
            }
            if (rest == key) return true;
        }
    }
    return false;
}

bool is_place_modifier(std::string_view folded) {
    return std::find(k_place_modifiers.begin(), k_place_modifiers.end(), folded) != k_place_modifiers.end();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) break;
        start = at + 1;
    }
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw EnvironmentError("cannot open gazetteer file '" + path.string() + "'");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw EnvironmentError("cannot read gazetteer file '" + path.string() + "'");
    return std::move(buf).str();
}

/// A name written in capitals of at most five letters, or dotted ("US", "U.S.", "RDC").
bool is_capitals_name(std::string_view name) {
    std::size_t letters = 0;
    for (const char c : name) {
        if (c >= 'A' && c <= 'Z') {
            ++letters;
        } else if (c != '.') {
            return false;
        }
    }
    return letters >= 2 && (letters <= 5 || name.find('.') != std::string_view::npos);
}

/// True if the name's first word, after an article the key drops, starts in lower case ("golfe Persique",
/// "le golfe", "russe"), as against "Golfe", "Le Havre".
bool starts_lower_case(std::string_view name) {
    for (const std::string_view article : {"the ", "le ", "la ", "les ", "The ", "Le ", "La ", "Les ", "l'",
                                           "l\xE2\x80\x99", "d'", "d\xE2\x80\x99"}) {
        if (name.starts_with(article) && name.size() > article.size()) {
            name.remove_prefix(article.size());
            break;
        }
    }
    const auto* p = reinterpret_cast<const uint8_t*>(name.data());
    const auto n = static_cast<int32_t>(name.size());
    int32_t i = 0;
    UChar32 c = -1;
    if (n > 0) U8_NEXT(p, i, n, c);
    return c >= 0 && u_islower(c);
}

/// Expands the demonym notation "mauricien(ne)(s)" into its forms.
std::vector<std::string> expand_forms(std::string_view pattern) {
    const std::size_t paren = pattern.find('(');
    if (paren == std::string_view::npos) return {std::string(pattern)};
    std::vector<std::string> forms{std::string(pattern.substr(0, paren))};
    std::size_t at = paren;
    while (at < pattern.size() && pattern[at] == '(') {
        const std::size_t close = pattern.find(')', at);
        if (close == std::string_view::npos) break;
        const std::string_view suffix = pattern.substr(at + 1, close - at - 1);
        const std::size_t n = forms.size();
        for (std::size_t k = 0; k < n; ++k) forms.push_back(forms[k] + std::string(suffix));
        at = close + 1;
    }
    return forms;
}

/// The byte gap between two tokens of one name may hold spaces, hyphens, apostrophes and elided articles
/// ("Côte d'Ivoire"), a dot after a short abbreviation ("St. Petersburg") or a comma before an acronym
/// ("Washington, D.C."), but no other punctuation and no line break.
bool joinable(std::string_view text, const Token& left, const Token& right) {
    if (right.begin < left.end) return false;
    const std::string_view gap = text.substr(left.end, right.begin - left.end);
    if (gap.size() > 8) return false;
    for (const char c : gap) {
        switch (c) {
            case '.':
                if (left.folded.size() > 3) return false;
                break;
            case ',':
                if (right.kind != TokenKind::acronym) return false;
                break;
            case '\n': case '\r': case ';': case ':': case '(': case ')': case '[': case ']': case '"': case '/':
            case '!': case '?': case '|':
                return false;
            default: break;
        }
    }
    return true;
}

/// True if `s` has an upper-case letter and no lower-case one.
bool is_all_caps(std::string_view s) {
    bool upper = false;
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    const auto n = static_cast<int32_t>(s.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) continue;
        if (c < 0x80) {
            if (c >= 'a' && c <= 'z') return false;
            if (c >= 'A' && c <= 'Z') upper = true;
            continue;
        }
        if (u_islower(c)) return false;
        if (u_isupper(c) || u_istitle(c)) upper = true;
    }
    return upper;
}

/// Ranking prior of a place before any context: countries first, then cities by population (log10);
/// a region ranks as a city of 100,000 to 700,000 (from 0.1 to 30 million inhabitants) since a bare
/// name is more often its chief city's.
double prior(const Place& p) {
    const double pop = static_cast<double>(std::max<std::uint64_t>(p.population, 1));
    switch (p.kind) {
        case PlaceKind::country: return 8.0 + std::log10(pop + 10.0) / 100.0;
        case PlaceKind::region: return 5.0 + std::log10(pop + 10.0) / 10.0;
        case PlaceKind::city:
        case PlaceKind::area: break;
    }
    return std::clamp(std::log10(pop), 3.5, 7.7);
}

/// The prior of `place` as one reading of a name whose readings are `entries`: a division named after its
/// chief city ("Pyongyang", "Port Louis") yields to the city.
double name_prior(const Gazetteer::Data& data, const std::vector<NameEntry>& entries, std::uint32_t place);

std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Gazetteer

struct Gazetteer::Data {
    std::vector<Place> places;
    StringMap<std::uint32_t> by_id;
    /// Name key (folded tokens joined by one space) → the places it may denote, highest prior first.
    StringMap<std::vector<NameEntry>> names;
    /// First token of a name key → most tokens of a key starting with it (the n-gram bound).
    StringMap<std::uint8_t> first_tokens;
    /// The same for the keys that may start with a lower-case word (demonyms, "golfe Persique"). Most
    /// lower-case words of a text are function words that start no such key: one lookup in a small table.
    StringMap<std::uint8_t> lower_first_tokens;
    /// Bit (length, capped at 31) of row (first byte) is set if some lower_first_tokens key has that shape:
    /// rules out function words ("de", "et", "les") without hashing them.
    std::array<std::uint32_t, 256> lower_first_shapes{};

    bool may_start_lower(std::string_view folded) const noexcept {
        return !folded.empty() && (lower_first_shapes[static_cast<unsigned char>(folded[0])] &
                                   (1u << std::min<std::size_t>(folded.size(), 31))) != 0;
    }
    /// Folded ordinary words: k_word_en | k_word_fr.
    StringMap<std::uint8_t> common_words;
    /// Folded words that are also first names or surnames.
    StringSet person_words;
    /// Place index → its country's place index (itself for a country), or -1.
    std::vector<std::int32_t> country_of;
    /// Place index → its region's place index, or -1.
    std::vector<std::int32_t> region_of;
    std::vector<double> priors;
};

namespace {

/// The analyzer that tokenizes place names. Tokenization does not depend on analyzer settings, so one
/// default analyzer serves every lookup (building one per lookup cost more than the lookup itself).
const Analyzer& name_analyzer() {
    static const Analyzer analyzer;
    return analyzer;
}

/// The name key of `name`: its folded tokens as the analyzer makes them (compound parts, not wholes),
/// without a leading article, joined by single spaces. Returns the number of tokens (0: no key).
std::size_t name_key(const Analyzer& analyzer, std::string_view name, std::string& key) {
    key.clear();
    std::size_t count = 0;
    // Fast path for the common case, a name that folds to plain letters, digits, spaces and hyphens: the
    // tokenizer would split it exactly there (loading the gazetteer tokenizes some 60,000 names).
    const std::string folded = fold_for_match(name);
    if (std::all_of(folded.begin(), folded.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' || c == '-';
        })) {
        std::vector<std::string_view> words;
        std::size_t at = 0;
        while (at < folded.size()) {
            while (at < folded.size() && (folded[at] == ' ' || folded[at] == '-')) ++at;
            const std::size_t start = at;
            while (at < folded.size() && folded[at] != ' ' && folded[at] != '-') ++at;
            if (at > start) words.push_back(std::string_view(folded).substr(start, at - start));
        }
        std::size_t skip = 0;
        if (words.size() > 1 &&
            std::find(k_leading_articles.begin(), k_leading_articles.end(), words[0]) != k_leading_articles.end()) {
            skip = 1;
        }
        for (std::size_t k = skip; k < words.size(); ++k) {
            if (count > 0) key.push_back(' ');
            key += words[k];
            ++count;
        }
        return count;
    }
    const std::vector<Token> tokens = analyzer.tokenize(name);
    std::size_t skip = 0;
    std::size_t non_compound = 0;
    for (const Token& t : tokens) non_compound += t.kind != TokenKind::compound;
    for (const Token& t : tokens) {
        if (t.kind == TokenKind::compound) continue;
        if (count == 0 && skip == 0 && non_compound > 1 &&
            std::find(k_leading_articles.begin(), k_leading_articles.end(), t.folded) != k_leading_articles.end()) {
            skip = 1;
            continue;
        }
        if (count > 0) key.push_back(' ');
        key += t.folded;
        ++count;
    }
    return count;
}

/// Reads the rows of a tab-separated data file: calls `row(line_number, fields)` for each non-comment line.
template <class RowFn>
void for_each_row(const std::string& text, const std::filesystem::path& path, std::size_t columns, RowFn row) {
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + start, end - start);
        start = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#' || line.starts_with("id\t")) continue;
        const std::vector<std::string_view> fields = split(line, '\t');
        if (fields.size() != columns) {
            throw EnvironmentError(path.string() + ":" + std::to_string(line_no) + ": error: expected " +
                                   std::to_string(columns) + " tab-separated fields, found " +
                                   std::to_string(fields.size()));
        }
        row(line_no, fields);
    }
}

std::uint64_t parse_population(std::string_view s, const std::filesystem::path& path, std::size_t line_no) {
    std::uint64_t v = 0;
    if (s.empty()) return 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
        throw EnvironmentError(path.string() + ":" + std::to_string(line_no) + ": error: bad population '" +
                               std::string(s) + "'");
    }
    return v;
}

std::optional<double> parse_degrees(std::string_view s) {
    if (s.empty()) return std::nullopt;
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<PlaceKind> parse_kind(std::string_view s) {
    if (s == "country") return PlaceKind::country;
    if (s == "region") return PlaceKind::region;
    if (s == "city") return PlaceKind::city;
    if (s == "area" || s == "place") return PlaceKind::area;
    return std::nullopt;
}

}  // namespace

std::string_view place_kind_name(PlaceKind kind) noexcept {
    switch (kind) {
        case PlaceKind::country: return "country";
        case PlaceKind::region: return "region";
        case PlaceKind::city: return "city";
        case PlaceKind::area: return "area";
    }
    return "area";
}

Gazetteer Gazetteer::load(const std::filesystem::path& dir) {
    const std::filesystem::path main_path = dir / "gazetteer.tsv";
    const std::filesystem::path curated_path = dir / "places-curated.tsv";
    const std::string main_text = read_file(main_path);
    const std::string curated_text = read_file(curated_path);

    auto data = std::make_shared<Data>();
    // Names to index, per place, as views into the two file buffers (alive until the end of load).
    std::vector<std::vector<std::pair<std::string_view, std::uint8_t>>> names;
    std::vector<std::string> expanded;  // demonym forms made from the "(ne)(s)" notation
    // Sized for the generated gazetteer (about 27,000 places and 60,000 names): no rehashing while loading.
    data->places.reserve(32768);
    names.reserve(32768);
    data->by_id.reserve(32768);
    data->names.reserve(65536);
    data->first_tokens.reserve(32768);
    data->lower_first_tokens.reserve(1024);
    data->common_words.reserve(4096);

    auto add_place = [&](Place place, const std::filesystem::path& path, std::size_t line_no) {
        const auto index = static_cast<std::uint32_t>(data->places.size());
        if (!data->by_id.emplace(place.id, index).second) {
            throw EnvironmentError(path.string() + ":" + std::to_string(line_no) + ": error: duplicate place id '" +
                                   place.id + "'");
        }
        data->places.push_back(std::move(place));
        names.emplace_back();
        return index;
    };
    auto place_index = [&](std::string_view id, const std::filesystem::path& path, std::size_t line_no) {
        const auto it = data->by_id.find(id);
        if (it == data->by_id.end()) {
            throw EnvironmentError(path.string() + ":" + std::to_string(line_no) + ": error: unknown place id '" +
                                   std::string(id) + "'");
        }
        return it->second;
    };

    for_each_row(main_text, main_path, 10, [&](std::size_t line_no, const std::vector<std::string_view>& f) {
        if (f[1] == "word") {
            std::uint8_t mask = 0;
            for (const std::string_view lang : split(f[7], '|')) {
                if (lang == "en") mask |= k_word_en;
                if (lang == "fr") mask |= k_word_fr;
            }
            data->common_words[std::string(f[0])] |= mask;
            return;
        }
        const std::optional<PlaceKind> kind = parse_kind(f[1]);
        if (!kind) {
            throw EnvironmentError(main_path.string() + ":" + std::to_string(line_no) + ": error: unknown kind '" +
                                   std::string(f[1]) + "'; expected one of: country, region, city, word");
        }
        Place p;
        p.id = f[0];
        p.kind = *kind;
        p.country = f[2];
        p.region = f[3];
        p.population = parse_population(f[4], main_path, line_no);
        p.name_en = f[5];
        p.name_fr = f[6].empty() ? f[5] : f[6];
        p.latitude = parse_degrees(f[8]);
        p.longitude = parse_degrees(f[9]);
        const std::uint32_t index = add_place(std::move(p), main_path, line_no);
        names[index].emplace_back(f[5], 0);
        names[index].emplace_back(f[6], 0);
        if (!f[7].empty()) {
            for (const std::string_view alias : split(f[7], '|')) names[index].emplace_back(alias, 0);
        }
    });

    // Demonym forms must outlive the loop: reserve so that views into `expanded` stay valid.
    expanded.reserve(std::count(curated_text.begin(), curated_text.end(), '(') * 4 + 16);
    for_each_row(curated_text, curated_path, 7, [&](std::size_t line_no, const std::vector<std::string_view>& f) {
        const std::string_view kind = f[1];
        std::vector<std::string_view> list;
        if (!f[6].empty()) list = split(f[6], '|');
        if (kind == "person") {
            for (const std::string_view w : list) data->person_words.insert(fold_for_match(w));
            return;
        }
        if (kind == "place") {
            Place p;
            p.id = f[0];
            p.kind = PlaceKind::area;
            p.country = f[2];
            p.population = parse_population(f[3], curated_path, line_no);
            p.name_en = f[4];
            p.name_fr = f[5].empty() ? f[4] : f[5];
            const std::uint32_t index = add_place(std::move(p), curated_path, line_no);
            names[index].emplace_back(f[4], 0);
            names[index].emplace_back(f[5], 0);
            for (const std::string_view n : list) names[index].emplace_back(n, 0);
            return;
        }
        if (kind != "alias" && kind != "demonym") {
            throw EnvironmentError(curated_path.string() + ":" + std::to_string(line_no) + ": error: unknown kind '" +
                                   std::string(kind) + "'; expected one of: alias, demonym, place, person");
        }
        const std::uint32_t index = place_index(f[0], curated_path, line_no);
        if (kind == "demonym") {
            for (const std::string_view pattern : list) {
                for (std::string& form : expand_forms(pattern)) {
                    expanded.push_back(std::move(form));
                    names[index].emplace_back(expanded.back(), k_entry_demonym);
                }
            }
            return;
        }
        Place& p = data->places[index];
        if (!f[3].empty()) p.population = parse_population(f[3], curated_path, line_no);
        if (!f[4].empty()) p.name_en = f[4];
        if (!f[5].empty()) p.name_fr = f[5];
        for (const std::string_view n : list) names[index].emplace_back(n, 0);
    });

    // Links to countries and regions, and priors.
    const std::size_t n_places = data->places.size();
    data->country_of.assign(n_places, -1);
    data->region_of.assign(n_places, -1);
    data->priors.resize(n_places);
    for (std::size_t i = 0; i < n_places; ++i) {
        const Place& p = data->places[i];
        if (!p.country.empty()) {
            if (const auto it = data->by_id.find(p.country); it != data->by_id.end()) {
                data->country_of[i] = static_cast<std::int32_t>(it->second);
            }
        }
        if (!p.region.empty()) {
            if (const auto it = data->by_id.find(p.region); it != data->by_id.end()) {
                data->region_of[i] = static_cast<std::int32_t>(it->second);
            }
        } else if (p.kind == PlaceKind::region) {
            data->region_of[i] = static_cast<std::int32_t>(i);
        }
        data->priors[i] = prior(p);
    }

    // The name index.
    const Analyzer& analyzer = name_analyzer();
    std::string key;
    for (std::size_t i = 0; i < n_places; ++i) {
        auto& list = names[i];
        // Labels and aliases often repeat: index each distinct spelling once.
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        for (const auto& [name, entry_flags] : list) {
            if (name.empty()) continue;
            const std::size_t n_tokens = name_key(analyzer, name, key);
            if (n_tokens == 0 || n_tokens > k_max_name_tokens) continue;
            std::uint8_t flags = entry_flags;
            if (is_capitals_name(name)) flags |= k_entry_capitals;
            if (starts_lower_case(name)) flags |= k_entry_lower_first;
            auto& entries = data->names[key];
            const auto same = std::find_if(entries.begin(), entries.end(),
                                           [&](const NameEntry& e) { return e.place == i; });
            if (same == entries.end()) {
                entries.push_back(NameEntry{static_cast<std::uint32_t>(i), flags});
            } else {
                // One spelling that needs no capitals, or that is a name rather than a demonym ("Suisse"
                // is both), is enough; so is one spelling that starts in lower case ("île Maurice").
                const std::uint8_t lower = (same->flags | flags) & k_entry_lower_first;
                same->flags = static_cast<std::uint8_t>((same->flags & flags) | lower);
            }
            const std::string_view first = std::string_view(key).substr(0, key.find(' '));
            const auto n = static_cast<std::uint8_t>(n_tokens);
            auto [it, inserted] = data->first_tokens.try_emplace(std::string(first), n);
            if (!inserted) it->second = std::max(it->second, n);
            if ((flags & (k_entry_demonym | k_entry_lower_first)) != 0) {
                auto [lit, linserted] = data->lower_first_tokens.try_emplace(std::string(first), n);
                if (!linserted) lit->second = std::max(lit->second, n);
                data->lower_first_shapes[static_cast<unsigned char>(first[0])] |=
                    1u << std::min<std::size_t>(first.size(), 31);
            }
        }
    }
    for (auto& [k, entries] : data->names) {
        // A region that bears its own country's name is that country to a reader: GeoNames divides Réunion,
        // Martinique, Luxembourg or Mexico into first-level regions, one of them named like the country.
        // Keeping both readings let one article name the place twice, once as each, and facets list it twice.
        std::vector<std::uint32_t> countries;
        for (const NameEntry& e : entries) {
            if (data->places[e.place].kind == PlaceKind::country) countries.push_back(e.place);
        }
        if (!countries.empty()) {
            std::erase_if(entries, [&](const NameEntry& e) {
                const std::int32_t c = data->country_of[e.place];
                return data->places[e.place].kind == PlaceKind::region && c >= 0 &&
                       std::find(countries.begin(), countries.end(), static_cast<std::uint32_t>(c)) != countries.end();
            });
        }
        std::stable_sort(entries.begin(), entries.end(), [&](const NameEntry& a, const NameEntry& b) {
            return name_prior(*data, entries, a.place) > name_prior(*data, entries, b.place);
        });
    }
    return Gazetteer(std::move(data));
}

std::vector<std::filesystem::path> Gazetteer::default_search_path() {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("DATELINE_DATA_DIR"); env != nullptr && *env != '\0') dirs.emplace_back(env);
#ifdef DATELINE_SOURCE_DATA_DIR
    dirs.emplace_back(DATELINE_SOURCE_DATA_DIR);
#endif
#ifdef DATELINE_INSTALL_DATA_DIR
    dirs.emplace_back(DATELINE_INSTALL_DATA_DIR);
#endif
    return dirs;
}

Gazetteer Gazetteer::load_default() {
    const std::vector<std::filesystem::path> dirs = default_search_path();
    std::string tried;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(dir / "gazetteer.tsv", ec)) return load(dir);
        if (!tried.empty()) tried += ", ";
        tried += "'" + dir.string() + "'";
    }
    throw EnvironmentError("no gazetteer found (gazetteer.tsv); tried: " + (tried.empty() ? "nothing" : tried) +
                           "; set DATELINE_DATA_DIR to the directory holding it");
}

std::size_t Gazetteer::size() const noexcept { return m_data->places.size(); }

const Place* Gazetteer::find(std::string_view id) const {
    const auto it = m_data->by_id.find(id);
    return it == m_data->by_id.end() ? nullptr : &m_data->places[it->second];
}

std::vector<const Place*> Gazetteer::lookup(std::string_view name) const {
    std::vector<const Place*> out;
    std::string key;
    if (name_key(name_analyzer(), name, key) == 0) return out;
    const auto it = m_data->names.find(key);
    if (it == m_data->names.end()) return out;
    for (const NameEntry& e : it->second) out.push_back(&m_data->places[e.place]);
    return out;
}

std::string_view Gazetteer::label(std::string_view id, Lang lang) const {
    const Place* p = find(id);
    if (p == nullptr) return {};
    return lang == Lang::fr ? p->name_fr : p->name_en;
}

bool Gazetteer::is_common_word(std::string_view folded, Lang lang) const {
    const auto it = m_data->common_words.find(folded);
    return it != m_data->common_words.end() && (it->second & lang_mask(lang)) != 0;
}

ProtectedWords Gazetteer::protected_words() const {
    std::unordered_set<std::string> words;
    for (const auto& [key, entries] : m_data->names) {
        bool eligible = false;
        bool big = false;  // a country or a city of a million: its name wins over the ordinary word ("paris")
        for (const NameEntry& e : entries) {
            if ((e.flags & k_entry_demonym) != 0) continue;
            const Place& p = m_data->places[e.place];
            eligible |= p.kind == PlaceKind::country || p.kind == PlaceKind::area ||
                        p.population >= k_protected_min_population;
            big |= p.kind == PlaceKind::country || (p.kind == PlaceKind::city && p.population >= 1000000);
        }
        if (!eligible) continue;
        const bool single = key.find(' ') == std::string::npos;
        for (const std::string_view word : split(key, ' ')) {
            if (word.size() < 3 || is_stopword(word) || std::all_of(word.begin(), word.end(), [](char c) {
                    return c >= '0' && c <= '9';
                })) {
                continue;
            }
            if (m_data->common_words.find(word) != m_data->common_words.end() && !(single && big)) continue;
            words.emplace(word);
        }
    }
    return ProtectedWords(std::move(words), "gazetteer");
}

namespace {

double name_prior(const Gazetteer::Data& data, const std::vector<NameEntry>& entries, std::uint32_t place) {
    double p = data.priors[place];
    if (data.places[place].kind == PlaceKind::region &&
        std::any_of(entries.begin(), entries.end(), [&](const NameEntry& e) {
            return data.places[e.place].kind == PlaceKind::city &&
                   data.region_of[e.place] == static_cast<std::int32_t>(place);
        })) {
        p -= k_city_of_region_penalty;
    }
    return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Datelines

namespace {

/// Length of a dash (hyphen, en dash, em dash) at `at`, or 0.
std::size_t dash_at(std::string_view s, std::size_t at) {
    if (at >= s.size()) return 0;
    if (s[at] == '-') return at + 1 < s.size() && s[at + 1] == '-' ? 2 : 1;
    if (s.compare(at, 3, "\xE2\x80\x93") == 0 || s.compare(at, 3, "\xE2\x80\x94") == 0) return 3;
    return 0;
}

std::size_t skip_spaces(std::string_view s, std::size_t at) {
    while (at < s.size() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\r' || s[at] == '\n')) ++at;
    return at;
}

}  // namespace

std::optional<Dateline> find_dateline(std::string_view body) {
    constexpr std::size_t k_max_place_bytes = 48;
    constexpr std::size_t k_max_date_bytes = 40;
    constexpr std::size_t k_max_agency_bytes = 40;
    std::size_t at = 0;
    if (body.starts_with("\xEF\xBB\xBF")) at = 3;
    at = skip_spaces(body, at);
    const std::size_t begin = at;
    const auto* bytes = reinterpret_cast<const uint8_t*>(body.data());
    const auto n = static_cast<int32_t>(std::min(body.size(), begin + k_max_place_bytes + 1));
    bool has_lower = false;
    std::size_t letters = 0;
    auto i = static_cast<int32_t>(begin);
    // The place: up to a comma, an opening bracket or a dash that follows a space.
    while (true) {
        if (i >= n) return std::nullopt;
        const auto pos = static_cast<std::size_t>(i);
        const char c = body[pos];
        if (c == ',' || c == '(') break;
        if (pos > begin && body[pos - 1] == ' ' && dash_at(body, pos) != 0) break;
        if (dash_at(body, pos) == 3) break;
        if (c == '\n' || c == '.' || c == ':' || c == ';' || c == '"' || c == '!' || c == '?' ||
            (c >= '0' && c <= '9')) {
            return std::nullopt;
        }
        UChar32 cp;
        U8_NEXT(bytes, i, n, cp);
        if (cp < 0) return std::nullopt;
        if (u_isalpha(cp)) {
            ++letters;
            if (u_islower(cp)) has_lower = true;
        }
    }
    std::size_t end = static_cast<std::size_t>(i);
    while (end > begin && body[end - 1] == ' ') --end;
    if (letters < 2) return std::nullopt;
    std::size_t k = static_cast<std::size_t>(i);
    if (body[k] == ',') {  // ", 12 mars", ", June 19"
        const std::size_t limit = std::min(body.size(), k + k_max_date_bytes);
        ++k;
        while (k < limit && body[k] != '(' && !(body[k - 1] == ' ' && dash_at(body, k) != 0) && dash_at(body, k) != 3) {
            if (body[k] == '\n') return std::nullopt;
            ++k;
        }
        if (k >= limit) return std::nullopt;
    }
    k = skip_spaces(body, k);
    bool agency = false;
    if (k < body.size() && body[k] == '(') {
        const std::size_t close = body.find(')', k);
        if (close == std::string_view::npos || close - k > k_max_agency_bytes ||
            body.substr(k, close - k).find('\n') != std::string_view::npos) {
            return std::nullopt;
        }
        agency = true;
        k = skip_spaces(body, close + 1);
    }
    const std::size_t dash = dash_at(body, k);
    if (dash == 0) return std::nullopt;
    if (has_lower && !agency) return std::nullopt;
    Dateline d;
    d.text = std::string(body.substr(begin, end - begin));
    d.begin = begin;
    d.end = end;
    d.story_begin = skip_spaces(body, k + dash);
    return d;
}

// ---------------------------------------------------------------------------------------------------------
// Extraction

namespace {

/// One name found in the text, from match to decision.
struct Match {
    TextField field = TextField::body;
    /// Positions in the field's list of non-compound tokens.
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t begin = 0;
    std::size_t end = 0;
    /// Places the name may still denote after the surface checks.
    std::vector<NameEntry> alive;
    bool dateline = false;
    bool in_lead = false;
    /// Only accepted if the article's other places support it (a small town, "Nice" opening a sentence).
    bool needs_support = false;
    /// Support needed only because the place is small (not because its name is an ordinary word).
    bool small_only = false;
    /// Right after a locative preposition ("à Béziers", "in Mobile").
    bool locative = false;
    bool rejected = false;
    std::string why_support;
    /// Index into `alive` of the chosen place.
    std::size_t chosen = 0;
    std::string reason;
    std::vector<std::string> all_candidates;
};

/// Per-place evidence from the article's mentions, for disambiguation.
struct Evidence {
    std::unordered_map<std::int32_t, int> country;  // country place index → mentions
    std::unordered_map<std::int32_t, int> region;   // region place index → mentions
    std::int32_t dateline_country = -1;
};

/// One field (title or body) prepared for matching.
struct FieldText {
    TextField field;
    std::string_view text;
    std::span<const Token> tokens;
    /// Indices of non-compound tokens (compound wholes are skipped; their parts are matched).
    std::vector<std::uint32_t> words;
    /// Capitalization says nothing here: a title in Title Case or in capitals.
    bool caps_zone = false;
};

bool is_title_case(const FieldText& f) {
    std::size_t words = 0;
    std::size_t capitalized = 0;
    bool any_lower = false;
    for (const std::uint32_t w : f.words) {
        const Token& t = f.tokens[w];
        if (t.kind != TokenKind::word) continue;
        if (!t.capitalized) any_lower = true;
        if (t.folded.size() < 4 || is_stopword(t.folded)) continue;
        ++words;
        capitalized += t.capitalized;
    }
    if (!any_lower) return words > 0;  // every word capitalized, or all capitals
    return words >= 3 && capitalized * 10 >= words * 7;
}

class Run {
  public:
    Run(const Gazetteer::Data& data, const PlaceExtractorOptions& options, Lang lang)
        : m_data(data), m_options(options), m_lang(lang) {}

    void scan(const FieldText& f, std::size_t from_byte, std::size_t lead_end) {
        std::string key;
        std::array<std::size_t, k_max_name_tokens + 1> key_len{};
        const std::size_t n = f.words.size();
        std::size_t i = 0;
        while (i < n && f.tokens[f.words[i]].begin < from_byte) ++i;
        while (i < n) {
            const Token& first = f.tokens[f.words[i]];
            const bool upper = first.capitalized || first.kind == TokenKind::acronym;
            if (!upper && !m_data.may_start_lower(first.folded)) {
                ++i;
                continue;
            }
            const auto& table = upper ? m_data.first_tokens : m_data.lower_first_tokens;
            const auto ft = table.find(std::string_view(first.folded));
            if (ft == table.end()) {
                ++i;
                continue;
            }
            // Keys of 1..max tokens starting here, as prefixes of one buffer.
            key.assign(first.folded);
            key_len[1] = key.size();
            std::size_t max_tokens = 1;
            for (std::size_t m = 2; m <= ft->second && i + m - 1 < n; ++m) {
                const Token& prev = f.tokens[f.words[i + m - 2]];
                const Token& next = f.tokens[f.words[i + m - 1]];
                if (!joinable(f.text, prev, next)) break;
                key.push_back(' ');
                key += next.folded;
                key_len[m] = key.size();
                max_tokens = m;
            }
            std::size_t advanced = 0;
            std::optional<Match> first_rejection;
            for (std::size_t m = max_tokens; m >= 1; --m) {
                const auto it = m_data.names.find(std::string_view(key.data(), key_len[m]));
                if (it == m_data.names.end()) continue;
                Match match;
                match.field = f.field;
                match.first = i;
                match.last = i + m - 1;
                match.begin = f.tokens[f.words[i]].begin;
                match.end = f.tokens[f.words[i + m - 1]].end;
                match.in_lead = f.field == TextField::body && match.begin < lead_end;
                surface_checks(f, it->second, match);
                if (!match.alive.empty()) {
                    // A name found but taken for part of a person's name still consumes its words.
                    context_checks(f, match);
                    match.rejected = match.alive.empty();
                    if (!match.rejected || m_options.explain) m_matches.push_back(std::move(match));
                    advanced = m;
                    break;
                }
                if (m_options.explain && !first_rejection) first_rejection = std::move(match);
            }
            if (advanced == 0 && first_rejection) {
                first_rejection->rejected = true;
                m_matches.push_back(std::move(*first_rejection));
            }
            i += std::max<std::size_t>(advanced, 1);
        }
    }

    void add_dateline(const FieldText& body, const Dateline& d) {
        std::string key;
        std::size_t first = 0;
        std::size_t count = 0;
        for (std::size_t k = 0; k < body.words.size(); ++k) {
            const Token& t = body.tokens[body.words[k]];
            if (t.begin < d.begin) continue;
            if (t.end > d.end) break;
            if (count == 0 && std::find(k_leading_articles.begin(), k_leading_articles.end(), t.folded) !=
                                  k_leading_articles.end()) {
                continue;
            }
            if (count == 0) first = k;
            if (count > 0) key.push_back(' ');
            key += t.folded;
            ++count;
        }
        if (count == 0) return;
        const auto it = m_data.names.find(std::string_view(key));
        if (it == m_data.names.end()) return;
        Match match;
        match.field = TextField::body;
        match.first = first;
        match.last = first + count - 1;
        match.begin = d.begin;
        match.end = d.end;
        match.dateline = true;
        match.in_lead = true;
        for (const NameEntry& e : it->second) {
            if ((e.flags & k_entry_demonym) == 0) match.alive.push_back(e);
        }
        if (match.alive.empty()) return;
        if (m_options.explain) {
            for (const NameEntry& e : it->second) match.all_candidates.push_back(m_data.places[e.place].id);
        }
        m_matches.push_back(std::move(match));
    }

    /// Chooses a place for every match; the ones that need support are decided last, against the others.
    void resolve() {
        // Round 1: evidence from strong matches whose places all lie in one country (or region).
        Evidence ev;
        for (const Match& m : m_matches) {
            if (m.rejected || m.needs_support) continue;
            add_unanimous(m, ev, +1);
        }
        for (Match& m : m_matches) {
            if (m.rejected || m.needs_support) continue;
            add_unanimous(m, ev, -1);
            choose(m, ev);
            add_unanimous(m, ev, +1);
        }
        // Round 2: evidence from every strong match's chosen place; decide the weak ones.
        Evidence strong;
        for (const Match& m : m_matches) {
            if (!m.rejected && !m.needs_support) add_chosen(m, strong, +1);
        }
        for (Match& m : m_matches) {
            if (m.rejected || !m.needs_support) continue;
            choose(m, strong);
            const std::uint32_t p = m.alive[m.chosen].place;
            const std::string_view support = support_for(p, strong, m);
            if (support.empty()) {
                m.rejected = true;
                if (m_options.explain) {
                    m.reason = "rejected: " + m.why_support + ", and no other place of " + country_label(p) +
                               " in the article, no locative before it";
                }
            } else if (m_options.explain) {
                m.reason += "; accepted although " + m.why_support + ": " + std::string(support);
            }
        }
        // A place accepted once is the same place where its name recurs ("à Béziers ... Béziers a ...").
        std::vector<std::uint32_t> accepted;
        for (const Match& m : m_matches) {
            if (!m.rejected) accepted.push_back(m.alive[m.chosen].place);
        }
        for (Match& m : m_matches) {
            if (!m.rejected || !m.needs_support) continue;
            const std::uint32_t p = m.alive[m.chosen].place;
            if (std::find(accepted.begin(), accepted.end(), p) == accepted.end()) continue;
            m.rejected = false;
            if (m_options.explain) m.reason += "; accepted: the same name is accepted elsewhere in the article";
        }
    }

    ArticlePlaces finish(const FieldText& title, const FieldText& body, std::optional<Dateline> dateline) {
        ArticlePlaces out;
        struct Tally {
            std::uint32_t place;
            double raw = 0;
            int mentions = 0;
            bool in_title = false;
            bool title_bonus = false;
            bool lead_bonus = false;
            bool dateline_bonus = false;
        };
        std::vector<Tally> tallies;
        auto tally = [&](std::uint32_t place) -> Tally& {
            for (Tally& t : tallies) {
                if (t.place == place) return t;
            }
            tallies.push_back(Tally{place});
            return tallies.back();
        };
        auto credit = [&](std::uint32_t place, const Match& m, bool demonym, double share) {
            Tally& t = tally(place);
            t.raw += share * (demonym ? 0.5 : 1.0);
            ++t.mentions;
            if (m.field == TextField::title) {
                t.in_title = true;
                if (!t.title_bonus) t.raw += 3.0 * share;
                t.title_bonus = true;
            }
            if (m.dateline && !t.dateline_bonus) {
                t.raw += 3.0 * share;
                t.dateline_bonus = true;
            }
            if (m.in_lead && !t.lead_bonus) {
                t.raw += 1.0 * share;
                t.lead_bonus = true;
            }
        };
        for (const Match& m : m_matches) {
            const FieldText& f = m.field == TextField::title ? title : body;
            PlaceMention mention;
            mention.field = m.field;
            mention.begin = m.begin;
            mention.end = m.end;
            mention.surface = std::string(f.text.substr(m.begin, m.end - m.begin));
            mention.dateline = m.dateline;
            if (m_options.explain) {
                mention.candidates = m.all_candidates;
                mention.reason = m.reason;
            }
            if (!m.rejected) {
                const NameEntry& e = m.alive[m.chosen];
                mention.id = m_data.places[e.place].id;
                mention.demonym = (e.flags & k_entry_demonym) != 0;
                credit(e.place, m, mention.demonym, 1.0);
                const std::int32_t country = m_data.country_of[e.place];
                if (country >= 0 && static_cast<std::uint32_t>(country) != e.place) {
                    credit(static_cast<std::uint32_t>(country), m, mention.demonym, 0.5);
                }
                if (m.dateline && dateline) dateline->place_id = mention.id;
            } else if (!m_options.explain) {
                continue;
            }
            out.mentions.push_back(std::move(mention));
        }
        double top = 0;
        for (const Tally& t : tallies) top = std::max(top, t.raw);
        for (const Tally& t : tallies) {
            const Place& p = m_data.places[t.place];
            ArticlePlace ap;
            ap.id = p.id;
            ap.country = p.country;
            ap.salience = top > 0 ? std::round(t.raw / top * 1000.0) / 1000.0 : 0.0;
            ap.mentions = t.mentions;
            ap.in_title = t.in_title;
            out.places.push_back(std::move(ap));
        }
        std::sort(out.places.begin(), out.places.end(), [](const ArticlePlace& a, const ArticlePlace& b) {
            if (a.salience != b.salience) return a.salience > b.salience;
            if (a.mentions != b.mentions) return a.mentions > b.mentions;
            return a.id < b.id;
        });
        if (dateline && !dateline->place_id.empty()) out.dateline = std::move(dateline);
        return out;
    }

  private:
    /// Checks that need only the matched words: capitals, lower-case demonyms.
    void surface_checks(const FieldText& f, const std::vector<NameEntry>& entries, Match& m) {
        bool any_capitalized = false;
        for (std::size_t k = m.first; k <= m.last; ++k) any_capitalized |= f.tokens[f.words[k]].capitalized;
        const std::string_view surface = f.text.substr(m.begin, m.end - m.begin);
        const Token& first = f.tokens[f.words[m.first]];
        const bool acronym = m.first == m.last && first.kind == TokenKind::acronym;
        const bool lower_first = !first.capitalized && first.kind != TokenKind::acronym;
        std::string_view why;
        for (const NameEntry& e : entries) {
            if (m_options.explain) m.all_candidates.push_back(m_data.places[e.place].id);
            if (lower_first && (e.flags & (k_entry_demonym | k_entry_lower_first)) == 0) {
                // "des Moines" is not Des Moines.
                why = "starts with a lower-case word";
                continue;
            }
            if ((e.flags & k_entry_capitals) != 0) {
                if (!acronym && !is_all_caps(surface)) {
                    why = "an abbreviation not written in capitals";
                    continue;
                }
            } else if ((e.flags & k_entry_demonym) != 0) {
                // French adjectives of nationality are written in lower case; English ones never are.
                if (!any_capitalized && m_lang == Lang::en) {
                    why = "a lower-case word in English text";
                    continue;
                }
            } else if (!any_capitalized) {
                why = "not capitalized";
                continue;
            }
            m.alive.push_back(e);
        }
        if (m.alive.empty() && m_options.explain) m.reason = "rejected: " + std::string(why);
    }

    bool is_place_word(std::string_view folded) const {
        return m_data.names.find(folded) != m_data.names.end();
    }

    /// A capitalized word right next to the match, that is neither a place word, a function word nor a
    /// place modifier: the match is then likely part of a person's or an organisation's name.
    const Token* capitalized_neighbour(const FieldText& f, std::size_t word, bool before) const {
        if (before ? word == 0 : word + 1 >= f.words.size()) return nullptr;
        const Token& self = f.tokens[f.words[word]];
        const Token& other = f.tokens[f.words[before ? word - 1 : word + 1]];
        const Token& left = before ? other : self;
        const Token& right = before ? self : other;
        if (!other.capitalized || right.sentence_start || other.kind != TokenKind::word) return nullptr;
        if (right.begin < left.end) return nullptr;
        for (const char c : f.text.substr(left.end, right.begin - left.end)) {
            if (c != ' ' && c != '-') return nullptr;
        }
        if (right.begin == left.end) return nullptr;
        if (is_stopword(other.folded) || is_place_modifier(other.folded) || is_place_word(other.folded)) return nullptr;
        return &other;
    }

    /// The word right before word `word` when only spaces separate them ("à Paris", "Le Pen"), else null.
    static const Token* word_just_before(const FieldText& f, std::size_t word) {
        if (word == 0) return nullptr;
        const Token& self = f.tokens[f.words[word]];
        const Token& prev = f.tokens[f.words[word - 1]];
        if (self.begin <= prev.end || f.text.substr(prev.end, self.begin - prev.end).find_first_not_of(' ') != std::string_view::npos) {
            return nullptr;
        }
        return &prev;
    }

    /// "le", "la" or "les" right before word `word` ("Marine Le Pen", "le Nice" of football), when it can be
    /// part of a name: capitalized mid-sentence, or any article in French text (which names towns without
    /// one). Null otherwise.
    const Token* article_before(const FieldText& f, std::size_t word) const {
        const Token* prev = word_just_before(f, word);
        if (prev == nullptr || prev->kind != TokenKind::word || prev->folded == "the" ||
            std::find(k_leading_articles.begin(), k_leading_articles.end(), prev->folded) == k_leading_articles.end()) {
            return nullptr;
        }
        const bool name_particle = prev->capitalized && !prev->sentence_start && !f.caps_zone;
        return name_particle || m_lang == Lang::fr ? prev : nullptr;
    }

    /// Whether an article stands right before word `word`: "le", "la", "les", "the", a French contraction
    /// of one ("au", "aux", "du", "des") or an elided "l'" ("au Havre", "The Hague", "L'Aquila").
    static bool article_stands_before(const FieldText& f, std::size_t word) {
        const std::string_view before = f.text.substr(0, f.tokens[f.words[word]].begin);
        for (const std::string_view elided : {"l'", "L'", "l\u2019", "L\u2019"}) {
            if (before.ends_with(elided)) return true;
        }
        const Token* prev = word_just_before(f, word);
        constexpr auto k_articles = std::to_array<std::string_view>({"au", "aux", "des", "du", "la", "le", "les", "the"});
        return prev != nullptr && std::find(k_articles.begin(), k_articles.end(), prev->folded) != k_articles.end();
    }

    /// Checks that need the neighbouring words: person and organisation names, sentence-initial ordinary
    /// words, small towns.
    void context_checks(const FieldText& f, Match& m) {
        const bool single = m.first == m.last;
        const Token& tok = f.tokens[f.words[m.first]];
        const std::string_view folded = tok.folded;
        const bool person = single && m_data.person_words.count(folded) != 0;
        const auto cw = m_data.common_words.find(folded);
        const bool common = single && cw != m_data.common_words.end() && (cw->second & lang_mask(m_lang)) != 0;
        const Token* before = !f.caps_zone && single ? capitalized_neighbour(f, m.first, true) : nullptr;
        const Token* after = !f.caps_zone && single ? capitalized_neighbour(f, m.last, false) : nullptr;
        const Token* article = single ? article_before(f, m.first) : nullptr;
        // The matched words, for names written with an article.
        std::string key;
        for (std::size_t w = m.first; w <= m.last; ++w) {
            if (!key.empty()) key.push_back(' ');
            key += f.tokens[f.words[w]].folded;
        }
        const bool has_article = article_stands_before(f, m.first);
        // A function word opening a sentence is that word ("Un sondage...", "Most of..."), not a town of that name.
        const bool function_word = single && (tok.sentence_start || f.caps_zone) && is_stopword(folded);
        std::vector<NameEntry> kept;
        std::string why;
        for (const NameEntry& e : m.alive) {
            const Place& p = m_data.places[e.place];
            const bool demonym = (e.flags & k_entry_demonym) != 0;
            const bool is_country = p.kind == PlaceKind::country;
            if (function_word && !demonym && !(is_country && p.population >= 1000000)) {
                why = "'" + tok.lower + "' is a function word opening a sentence";
                continue;
            }
            // A town whose name carries an article is written with it: "François" alone is a first name,
            // not Le François (Martinique); "William Hague" is not The Hague. (Countries often lose theirs:
            // "Netherlands", "Gambia".)
            if (!has_article && !demonym && p.kind == PlaceKind::city && named_with_article(p, key)) {
                why = "'" + std::string(f.text.substr(tok.begin, f.tokens[f.words[m.last]].end - tok.begin)) +
                      "' without the article of its name";
                continue;
            }
            // A town's name after an article it does not carry ("Le Havre" does) is part of a person's or a
            // club's name: "Marine Le Pen", "le Paris Saint-Germain".
            if (article && !demonym && p.kind == PlaceKind::city && !name_has_article(p, article->folded)) {
                why = "part of the name '" + std::string(f.text.substr(article->begin, tok.end - article->begin)) + "'";
                continue;
            }
            if (before && !demonym && (person || !is_country)) {
                why = "part of the name '" + std::string(f.text.substr(before->begin, tok.end - before->begin)) + "'";
                continue;
            }
            const bool small = p.kind == PlaceKind::city && p.population < 100000;
            if (after && !demonym && (person || common || small)) {
                why = "part of the name '" + std::string(f.text.substr(tok.begin, after->end - tok.begin)) + "'";
                continue;
            }
            kept.push_back(e);
        }
        if (kept.empty()) {
            m.alive.clear();
            if (m_options.explain) m.reason = "rejected: " + why;
            return;
        }
        m.alive = std::move(kept);
        // Ordinary words and small towns need support unless every remaining reading is big enough.
        const bool opens = tok.sentence_start || f.caps_zone;
        bool word_reading = false;
        for (const NameEntry& e : m.alive) {
            const Place& p = m_data.places[e.place];
            const bool demonym = (e.flags & k_entry_demonym) != 0;
            if (demonym || p.kind == PlaceKind::area) return;
            // Small countries and territories named by an ordinary word ("Réunion du conseil...") are
            // treated like towns; "China" or "Turkey" opening a sentence is the country.
            if (p.kind == PlaceKind::country) {
                if (common && opens && p.population < 1000000) {
                    word_reading = true;
                    continue;
                }
                return;
            }
            const bool big_city = p.kind == PlaceKind::city && p.population >= 1000000;
            // A small town needs support, unless its name is unambiguous and written mid-sentence.
            const bool small = p.kind == PlaceKind::city && p.population < (single ? 100000u : 50000u) &&
                               (opens || m.alive.size() > 1 || person);
            if (common && !big_city && (opens || p.kind == PlaceKind::region)) {
                word_reading = true;
                continue;
            }
            if (small) continue;
            return;
        }
        m.needs_support = true;
        m.small_only = !word_reading;
        if (const Token* prev = word_just_before(f, m.first)) {
            m.locative = std::find(k_locatives.begin(), k_locatives.end(), prev->lower) != k_locatives.end();
        }
        if (common && opens) {
            m.why_support = "'" + tok.lower + "' is an ordinary word and " +
                            (f.caps_zone ? std::string("the title is capitalized") : std::string("opens a sentence"));
        } else if (common) {
            m.why_support = "'" + tok.lower + "' is an ordinary word";
        } else {
            m.why_support = "a small place";
        }
    }

    void add_unanimous(const Match& m, Evidence& ev, int delta) const {
        std::int32_t country = -2;
        std::int32_t region = -2;
        for (const NameEntry& e : m.alive) {
            const std::int32_t c = m_data.country_of[e.place];
            const std::int32_t r = m_data.region_of[e.place];
            country = country == -2 || country == c ? c : -1;
            region = region == -2 || region == r ? r : -1;
        }
        if (country >= 0) ev.country[country] += delta;
        if (region >= 0) ev.region[region] += delta;
        if (m.dateline && country >= 0) ev.dateline_country = delta > 0 ? country : -1;
    }

    void add_chosen(const Match& m, Evidence& ev, int delta) const {
        const std::uint32_t p = m.alive[m.chosen].place;
        const std::int32_t c = m_data.country_of[p];
        const std::int32_t r = m_data.region_of[p];
        if (c >= 0) ev.country[c] += delta;
        if (r >= 0) ev.region[r] += delta;
        if (m.dateline && c >= 0) ev.dateline_country = c;
    }

    /// What supports reading the match as place `p`, or "" if nothing does.
    std::string_view support_for(std::uint32_t p, const Evidence& ev, const Match& m) const {
        const std::int32_t c = m_data.country_of[p];
        const std::int32_t r = m_data.region_of[p];
        if (c < 0) return "a place of no single country";
        if (const auto it = ev.country.find(c); it != ev.country.end() && it->second > 0) {
            return "its country is named elsewhere in the article";
        }
        if (const auto it = ev.region.find(r); r >= 0 && it != ev.region.end() && it->second > 0) {
            return "other places of its region are named";
        }
        if (ev.dateline_country == c) return "the dateline is in its country";
        if (m.locative) return "a locative preposition stands before it";
        // A French article names French towns without saying "France"; an English one has no such default.
        if (m.small_only && m_lang == Lang::fr && m_data.places[static_cast<std::size_t>(c)].id == "FR") {
            return "a French town in French text";
        }
        return {};
    }

    std::string country_label(std::uint32_t p) const {
        const std::int32_t c = m_data.country_of[p];
        return c >= 0 ? m_data.places[static_cast<std::size_t>(c)].id : m_data.places[p].id;
    }

    /// Scores each remaining reading: prior + support from the article's other places.
    void choose(Match& m, const Evidence& ev) {
        double best = -1e9;
        std::string best_reason;
        for (std::size_t k = 0; k < m.alive.size(); ++k) {
            const std::uint32_t p = m.alive[k].place;
            const Place& place = m_data.places[p];
            const std::int32_t c = m_data.country_of[p];
            const std::int32_t r = m_data.region_of[p];
            double score = m_data.priors[p];
            std::string why;
            if (m_options.explain) {
                why = place.id + " " + format_number(score) + " (" + std::string(place_kind_name(place.kind)) +
                      (place.population > 0 ? ", population " + std::to_string(place.population) : std::string()) + ")";
            }
            if (const double named = name_prior(m_data, m.alive, p); named != score) {
                // A division named after its chief city ("Pyongyang", "Kharkiv"): the city is meant.
                score = named;
                if (m_options.explain) why += " - 3.0 (a city of that name lies in it)";
            }
            if (c >= 0) {
                if (const auto it = ev.country.find(c); it != ev.country.end() && it->second > 0) {
                    double bonus = 1.5;
                    if (place.kind == PlaceKind::region) bonus += 0.5 * std::min(it->second - 1, 2);
                    score += bonus;
                    if (m_options.explain) {
                        why += " + " + format_number(bonus) + " (" + m_data.places[static_cast<std::size_t>(c)].id +
                               " elsewhere in the article)";
                    }
                }
                if (ev.dateline_country == c && !m.dateline) {
                    score += 1.0;
                    if (m_options.explain) why += " + 1.0 (dateline country)";
                }
            }
            if (r >= 0) {
                if (const auto it = ev.region.find(r); it != ev.region.end() && it->second > 0) {
                    score += 2.5;
                    if (m_options.explain) {
                        why += " + 2.5 (other places of " + m_data.places[static_cast<std::size_t>(r)].id + ")";
                    }
                }
            }
            if (score > best) {
                best = score;
                m.chosen = k;
                best_reason = why;
            } else if (m_options.explain) {
                best_reason += "; beats " + why;
            }
        }
        if (m_options.explain) {
            // Candidates in the order considered, the chosen one first.
            m.reason = m.alive.size() == 1 ? "only reading: " + best_reason : "best: " + best_reason;
            if (m.dateline) m.reason = "dateline; " + m.reason;
        }
    }

    const Gazetteer::Data& m_data;
    const PlaceExtractorOptions& m_options;
    Lang m_lang;
    std::vector<Match> m_matches;
};

FieldText prepare(TextField field, std::string_view text, std::span<const Token> tokens) {
    FieldText f{field, text, tokens, {}, false};
    f.words.reserve(f.tokens.size());
    for (std::size_t k = 0; k < f.tokens.size(); ++k) {
        if (f.tokens[k].kind != TokenKind::compound) f.words.push_back(static_cast<std::uint32_t>(k));
    }
    return f;
}

}  // namespace

PlaceExtractor::PlaceExtractor(Gazetteer gazetteer, std::shared_ptr<const Analyzer> analyzer,
                               PlaceExtractorOptions options)
    : m_gazetteer(std::move(gazetteer)), m_analyzer(std::move(analyzer)), m_options(options) {
    if (!m_analyzer) m_analyzer = std::make_shared<const Analyzer>();
}

ArticlePlaces PlaceExtractor::extract(std::string_view title, std::string_view body, Lang lang) const {
    const std::vector<Token> title_tokens = m_analyzer->tokenize(title);
    const std::vector<Token> body_tokens = m_analyzer->tokenize(body);
    return extract(title, title_tokens, body, body_tokens, lang);
}

ArticlePlaces PlaceExtractor::extract(std::string_view title, std::span<const Token> title_tokens,
                                      std::string_view body, std::span<const Token> body_tokens, Lang lang) const {
    const Gazetteer::Data& data = *m_gazetteer.m_data;
    FieldText title_text = prepare(TextField::title, title, title_tokens);
    title_text.caps_zone = is_title_case(title_text);
    const FieldText body_text = prepare(TextField::body, body, body_tokens);

    Run run(data, m_options, lang);
    run.scan(title_text, 0, 0);
    std::optional<Dateline> dateline = find_dateline(body);
    std::size_t story_begin = 0;
    if (dateline) {
        run.add_dateline(body_text, *dateline);
        story_begin = dateline->story_begin;
    }
    // The lead: the first paragraph of the story, bounded.
    std::size_t lead_end = body.find("\n\n", story_begin);
    if (lead_end == std::string_view::npos) lead_end = body.size();
    lead_end = std::min(lead_end, story_begin + m_options.lead_bytes);
    run.scan(body_text, story_begin, lead_end);
    run.resolve();
    return run.finish(title_text, body_text, std::move(dateline));
}

std::string places_to_json(const ArticlePlaces& places, const Gazetteer& gazetteer, Lang lang) {
    nlohmann::json j;
    j["places"] = nlohmann::json::array();
    for (const ArticlePlace& p : places.places) {
        const Place* place = gazetteer.find(p.id);
        j["places"].push_back({{"id", p.id},
                               {"country", p.country},
                               {"kind", place ? place_kind_name(place->kind) : std::string_view()},
                               {"label", gazetteer.label(p.id, lang)},
                               {"salience", p.salience},
                               {"mentions", p.mentions},
                               {"in_title", p.in_title}});
    }
    if (places.dateline) {
        j["dateline"] = {{"text", places.dateline->text},
                         {"place", places.dateline->place_id},
                         {"begin", places.dateline->begin},
                         {"end", places.dateline->end}};
    } else {
        j["dateline"] = nullptr;
    }
    j["mentions"] = nlohmann::json::array();
    for (const PlaceMention& m : places.mentions) {
        nlohmann::json mj = {{"id", m.id},
                             {"surface", m.surface},
                             {"field", m.field == TextField::title ? "title" : "body"},
                             {"begin", m.begin},
                             {"end", m.end},
                             {"demonym", m.demonym},
                             {"dateline", m.dateline}};
        if (!m.candidates.empty() || !m.reason.empty()) {
            mj["candidates"] = m.candidates;
            mj["reason"] = m.reason;
        }
        j["mentions"].push_back(std::move(mj));
    }
    return j.dump();
}

}  // namespace dateline::common
