// The gazetteer: loading data/gazetteer.tsv and data/places-curated.tsv, the name index, look-ups, labels
// and the words the analyzer must not stem.
#include "places.hpp"

#include "data_dir.hpp"
#include "errors.hpp"
#include "gazetteer_data.hpp"
#include "stopwords.hpp"
#include "text.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace dateline::common {
namespace {

/// Score taken from a division when a city of the same name lies in it.
constexpr double k_city_of_region_penalty = 3.0;

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
        if (kind != "alias" && kind != "demonym" && kind != "metonym") {
            throw EnvironmentError(curated_path.string() + ":" + std::to_string(line_no) + ": error: unknown kind '" +
                                   std::string(kind) + "'; expected one of: alias, demonym, metonym, place, person");
        }
        const std::uint32_t index = place_index(f[0], curated_path, line_no);
        if (kind == "metonym") {
            for (const std::string_view n : list) names[index].emplace_back(n, k_entry_demonym | k_entry_metonym);
            return;
        }
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
    data->text_names.resize(n_places);
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
            const Place& place = data->places[i];
            const bool label = name == place.name_en || name == place.name_fr;
            if ((flags & (k_entry_demonym | k_entry_capitals)) == 0 && (label || n_tokens > 1)) {
                auto& text_names = data->text_names[i];
                if (std::find(text_names.begin(), text_names.end(), key) == text_names.end()) text_names.push_back(key);
            }
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
    for (auto& named : data->names) {
        // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambdas below.
        auto& entries = named.second;
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

std::vector<std::filesystem::path> Gazetteer::default_search_path() { return data_search_path(); }

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
    for (const NameEntry& e : it->second) {
        if ((e.flags & k_entry_metonym) == 0) out.push_back(&m_data->places[e.place]);
    }
    return out;
}

std::vector<std::string> Gazetteer::names_of(std::string_view id) const {
    const auto it = m_data->by_id.find(id);
    if (it == m_data->by_id.end()) return {};
    return m_data->text_names[it->second];
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

}  // namespace dateline::common
