// The place extractor: longest match of folded token n-grams over the gazetteer's name index,
// disambiguation by surface cues and article context, salience, the dateline's place; and its JSON.
#include "places.hpp"

#include "gazetteer_data.hpp"
#include "stopwords.hpp"
#include "text.hpp"

#include <nlohmann/json.hpp>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <span>
#include <unordered_map>
#include <unordered_set>

namespace dateline::common {
namespace {

/// Capitalized words that may stand before a place without making it part of a name ("Eastern Ukraine").
constexpr auto k_place_modifiers = std::to_array<std::string_view>(
    {"basse", "bas", "central", "centrale", "east", "eastern", "greater", "grand", "grande", "haut", "haute",
     "lower", "north", "northern", "nord", "ouest", "south", "southern", "sud", "upper", "west", "western"});

/// Generic words of first-level division names, folded: with place modifiers alone they name no one country's.
constexpr auto k_division_words = std::to_array<std::string_view>(
    {"county", "department", "departement", "district", "division", "province", "region", "state", "territory"});

/// Words (lower case, accents kept) after which a capitalized word is very likely a place.
constexpr auto k_locatives = std::to_array<std::string_view>(
    {"at", "au", "depuis", "from", "in", "near", "près", "to", "vers", "à"});

/// Month and weekday names, English and French, folded. Some are also towns (March, Cambridgeshire); in news
/// they are nearly always the date.
constexpr auto k_month_names = std::to_array<std::string_view>(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
     "septembre", "octobre", "novembre", "decembre"});
constexpr auto k_weekday_names = std::to_array<std::string_view>(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi", "mercredi",
     "jeudi", "vendredi", "samedi", "dimanche"});

/// Titles written before a person's name, abbreviated with a dot in English and French news ("Mr. Bush",
/// "Sen. Cannon", "Sens. Vitter", "M. Bayrou", "Mgr Kaboré"), folded. A place's name right after one is a
/// surname; a town named like one ("Sens") is the title when a dot and a name follow.
constexpr auto k_honorifics = std::to_array<std::string_view>(
    {"adm", "capt", "col", "dr", "gen", "gov", "lt", "m", "me", "messrs", "mgr", "mlle", "mme", "mr", "mrs", "ms",
     "pr", "pres", "prof", "rep", "reps", "rev", "sen", "sens", "sgt", "sr"});

/// Abbreviated months: a date only next to a number ("Oct. 7", "7 Sept").
constexpr auto k_month_abbreviations = std::to_array<std::string_view>(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "janv", "fev",
     "avr", "juil"});

/// The region of a "CITY, Region, date -" dateline as wires abbreviate it (U.S. states, Canadian
/// provinces), keyed by its lower-case letters ("N.Y." → "ny", "Tenn." → "tenn"): GeoNames division ids.
/// Full names ("Texas", "Ontario") are found in the gazetteer.
struct RegionAbbreviation {
    std::string_view key;
    std::string_view id;
};
constexpr auto k_region_abbreviations = std::to_array<RegionAbbreviation>({
    {"ala", "US.AL"}, {"ariz", "US.AZ"}, {"ark", "US.AR"}, {"calif", "US.CA"}, {"colo", "US.CO"},
    {"conn", "US.CT"}, {"dc", "US.DC"}, {"del", "US.DE"}, {"fla", "US.FL"}, {"ga", "US.GA"}, {"ill", "US.IL"},
    {"ind", "US.IN"}, {"kan", "US.KS"}, {"kans", "US.KS"}, {"ky", "US.KY"}, {"la", "US.LA"}, {"md", "US.MD"},
    {"mass", "US.MA"}, {"mich", "US.MI"}, {"minn", "US.MN"}, {"miss", "US.MS"}, {"mo", "US.MO"},
    {"mont", "US.MT"}, {"neb", "US.NE"}, {"nebr", "US.NE"}, {"nev", "US.NV"}, {"nh", "US.NH"}, {"nj", "US.NJ"},
    {"nm", "US.NM"}, {"ny", "US.NY"}, {"nc", "US.NC"}, {"nd", "US.ND"}, {"okla", "US.OK"}, {"ore", "US.OR"},
    {"pa", "US.PA"}, {"ri", "US.RI"}, {"sc", "US.SC"}, {"sd", "US.SD"}, {"tenn", "US.TN"}, {"tex", "US.TX"},
    {"vt", "US.VT"}, {"va", "US.VA"}, {"wash", "US.WA"}, {"wva", "US.WV"}, {"wis", "US.WI"}, {"wisc", "US.WI"},
    {"wyo", "US.WY"}, {"alta", "CA.01"}, {"bc", "CA.02"}, {"man", "CA.03"}, {"nb", "CA.04"}, {"ns", "CA.07"},
    {"ont", "CA.08"}, {"que", "CA.10"}, {"sask", "CA.11"},
});

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view w) {
    return std::find(words.begin(), words.end(), w) != words.end();
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

std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

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
    /// A dateline's place written without a region ("GENEVA, June 22 (Reuters) -").
    bool bare_dateline = false;
    bool in_lead = false;
    /// Only accepted if the article's other places support it (a small town, "Nice" opening a sentence).
    bool needs_support = false;
    /// Support needed only because the place is small (not because its name is an ordinary word).
    bool small_only = false;
    /// Right after a locative preposition ("à Béziers", "in Mobile").
    bool locative = false;
    /// Only the article's other places may support it, not a locative ("in March") nor the language's
    /// default country: a month or weekday name, an ordinary word in text written in capitals.
    bool strict = false;
    /// The region of a "CITY, Region, date -" dateline whose city is known (the city is the dateline's place).
    bool dateline_region = false;
    /// The folded word of a one-word match; empty otherwise.
    std::string word;
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
    /// Capitalization says nothing here: a title in Title Case or in capitals, a text in capitals.
    bool caps_zone = false;
    /// Written in capitals: every word looks like a name or an abbreviation ("SELLS CAR LOAN BACKED BONDS").
    bool all_caps = false;
};

/// Whether the field is written in capitals: at least two words, nine in ten of them without a lower-case
/// letter.
bool is_all_caps_field(const FieldText& f) {
    std::size_t caps = 0;
    std::size_t other = 0;
    for (const std::uint32_t w : f.words) {
        const Token& t = f.tokens[w];
        if (t.kind != TokenKind::word) continue;
        if (is_all_caps(f.text.substr(t.begin, t.end - t.begin))) {
            ++caps;
        } else if (++other * 10 > f.words.size()) {
            return false;
        }
    }
    return caps >= 2 && other * 10 <= caps + other;
}

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
                if (m == 1) match.word = first.folded;
                surface_checks(f, it->second, match);
                if (!match.alive.empty()) {
                    // A name found but taken for part of a person's name still consumes its words.
                    context_checks(f, match);
                    if (!match.alive.empty()) region_after(f, match);
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
        m_story_begin = d.story_begin;
        const std::vector<NameEntry> regions = dateline_regions(body, d);
        std::optional<Match> city = name_match(body, d.begin, d.end);
        bool city_known = false;
        if (city) {
            std::erase_if(city->alive, [](const NameEntry& e) { return (e.flags & k_entry_demonym) != 0; });
            if (!regions.empty()) {
                // "PARIS, Texas": the city of that name in the region; none known, the region stands alone.
                std::erase_if(city->alive, [&](const NameEntry& e) { return !within(e.place, regions); });
            }
            city_known = !city->alive.empty();
            city->bare_dateline = d.region_end <= d.region_begin;
            if (city_known) m_matches.push_back(std::move(*city));
        }
        if (regions.empty()) return;
        std::optional<Match> region = name_match(body, d.region_begin, d.region_end);
        if (!region) {  // an abbreviation the name index does not hold ("Tenn.")
            region.emplace();
            region->field = TextField::body;
            region->dateline = true;
            region->in_lead = true;
        }
        region->begin = d.region_begin;
        region->end = d.region_end;
        region->alive = regions;
        // Beside a known city, the region says where the city lies and weighs as one more mention; without
        // one, it is the dateline's place.
        region->dateline_region = city_known;
        region->in_lead = !city_known;
        if (m_options.explain) {
            region->all_candidates.clear();
            for (const NameEntry& e : regions) region->all_candidates.push_back(m_data.places[e.place].id);
        }
        m_matches.push_back(std::move(*region));
    }

    /// Chooses a place for every match; the ones that need support are decided last, against the others.
    void resolve() {
        // One sense per article: a word read as the surname of a person's name ("President Bush", "Mr.
        // Obama", "Mike Ferrari") is that name where it stands alone ("Bush said"), unless the article
        // supports the town like any small place's (its country named, a locative before it).
        for (Match& m : m_matches) {
            if (m.rejected || m.needs_support || m.dateline || m.word.empty() || !m_name_words.contains(m.word)) continue;
            const bool towns_only = std::all_of(m.alive.begin(), m.alive.end(), [&](const NameEntry& e) {
                const Place& p = m_data.places[e.place];
                return (e.flags & k_entry_demonym) == 0 && p.kind == PlaceKind::city && p.population < 1000000;
            });
            if (!towns_only) continue;
            m.needs_support = true;
            m.small_only = true;
            m.why_support = "'" + m.word + "' is a surname elsewhere in the article";
        }
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
            // The region of "YAKIMA, Wash." is where the dateline's city lies, not a second dateline.
            if (m.dateline && !m.dateline_region && !t.dateline_bonus) {
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
                mention.metonym = (e.flags & k_entry_metonym) != 0;
                mention.demonym = (e.flags & k_entry_demonym) != 0 && !mention.metonym;
                // A demonym or a metonym names the country indirectly: it weighs half a name.
                const bool indirect = (e.flags & k_entry_demonym) != 0;
                credit(e.place, m, indirect, 1.0);
                const std::int32_t country = m_data.country_of[e.place];
                if (country >= 0 && static_cast<std::uint32_t>(country) != e.place) {
                    credit(static_cast<std::uint32_t>(country), m, indirect, 0.5);
                }
                // The city names the dateline's place; its region only when the city is unknown.
                if (m.dateline && dateline && (!m.dateline_region || dateline->place_id.empty())) {
                    dateline->place_id = mention.id;
                }
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
        out.body_words = body.words.size();
        return out;
    }

  private:
    /// The words of the body between two byte offsets as a dateline match, with every place the name may
    /// denote, or none when the gazetteer does not know them as one name. A leading article is skipped
    /// ("THE HAGUE").
    std::optional<Match> name_match(const FieldText& body, std::size_t begin, std::size_t end) const {
        std::string key;
        std::size_t first = 0;
        std::size_t count = 0;
        for (std::size_t k = 0; k < body.words.size(); ++k) {
            const Token& t = body.tokens[body.words[k]];
            if (t.begin < begin) continue;
            if (t.end > end) break;
            if (count == 0 && contains(k_leading_articles, t.folded)) continue;
            if (count == 0) first = k;
            if (count > 0) key.push_back(' ');
            key += t.folded;
            ++count;
        }
        if (count == 0) return std::nullopt;
        const auto it = m_data.names.find(std::string_view(key));
        if (it == m_data.names.end()) return std::nullopt;
        Match match;
        match.field = TextField::body;
        match.first = first;
        match.last = first + count - 1;
        match.begin = begin;
        match.end = end;
        match.dateline = true;
        match.in_lead = true;
        match.alive = it->second;
        if (m_options.explain) {
            for (const NameEntry& e : it->second) match.all_candidates.push_back(m_data.places[e.place].id);
        }
        return match;
    }

    /// The divisions or countries the region of a "CITY, Region, date -" dateline may be: a wire's
    /// abbreviation ("Tenn.", "N.Y."), else a region or country the gazetteer knows by that name ("Texas",
    /// "Ontario", "England"). Empty when there is no region or it is unknown.
    std::vector<NameEntry> dateline_regions(const FieldText& body, const Dateline& d) const {
        std::vector<NameEntry> out;
        if (d.region_end <= d.region_begin) return out;
        std::string letters;
        for (const char c : body.text.substr(d.region_begin, d.region_end - d.region_begin)) {
            if (c >= 'A' && c <= 'Z') letters.push_back(static_cast<char>(c - 'A' + 'a'));
            else if (c >= 'a' && c <= 'z') letters.push_back(c);
        }
        for (const RegionAbbreviation& a : k_region_abbreviations) {
            if (a.key != letters) continue;
            if (const auto it = m_data.by_id.find(a.id); it != m_data.by_id.end()) out.push_back(NameEntry{it->second, 0});
            return out;
        }
        if (const std::optional<Match> m = name_match(body, d.region_begin, d.region_end)) {
            for (const NameEntry& e : m->alive) {
                const PlaceKind kind = m_data.places[e.place].kind;
                if ((e.flags & k_entry_demonym) == 0 && (kind == PlaceKind::region || kind == PlaceKind::country)) {
                    out.push_back(e);
                }
            }
        }
        return out;
    }

    /// "Santa Clara, Calif.," and "Hollis, N.H.,": a town followed by the wire abbreviation of its state or
    /// province is the town of that name there. Keeps only the readings in that region, which need no other
    /// support; when there are none, the match becomes the region, named by its abbreviation.
    void region_after(const FieldText& f, Match& m) const {
        const std::string_view rest = f.text.substr(m.end);
        if (!rest.starts_with(", ")) return;
        std::string letters;
        std::size_t k = 2;
        bool dotted = false;
        for (; k < rest.size() && k < 10; ++k) {
            const char c = rest[k];
            if (c >= 'A' && c <= 'Z') letters.push_back(static_cast<char>(c - 'A' + 'a'));
            else if (c >= 'a' && c <= 'z') letters.push_back(c);
            else if (c == '.') dotted = true;
            else break;
        }
        // "Calif." or "N.H.": a dot, then the end of the segment.
        if (!dotted || letters.empty() || rest[2] < 'A' || rest[2] > 'Z') return;
        if (k < rest.size() && rest[k] != ',' && rest[k] != ' ' && rest[k] != '\n') return;
        for (const RegionAbbreviation& a : k_region_abbreviations) {
            if (a.key != letters) continue;
            const auto it = m_data.by_id.find(a.id);
            if (it == m_data.by_id.end()) return;
            const std::vector<NameEntry> region{NameEntry{it->second, 0}};
            std::vector<NameEntry> there;
            for (const NameEntry& e : m.alive) {
                if ((e.flags & k_entry_demonym) == 0 && within(e.place, region)) there.push_back(e);
            }
            if (there.empty()) {
                // A town the gazetteer does not know there (small towns are not in it): the region stands alone.
                const std::size_t begin = m.end + 2;
                m.begin = begin;
                m.end = begin + (k - 2);
                there = region;
            }
            m.alive = std::move(there);
            m.needs_support = false;
            m.strict = false;
            return;
        }
    }

    /// Whether place `p` is one of `regions` or lies in one of them.
    bool within(std::uint32_t p, const std::vector<NameEntry>& regions) const {
        for (const NameEntry& r : regions) {
            if (r.place == p || m_data.region_of[p] == static_cast<std::int32_t>(r.place) ||
                m_data.country_of[p] == static_cast<std::int32_t>(r.place)) {
                return true;
            }
        }
        return false;
    }

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
                // French adjectives of nationality are written in lower case; English ones never are, nor is
                // a metonym in either language ("la maison blanche" is any white house).
                if (!any_capitalized && (m_lang == Lang::en || (e.flags & k_entry_metonym) != 0)) {
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
        // A place word that is also a first name still makes a person's name ("Mayor Marion Barry").
        if (is_stopword(other.folded) || is_place_modifier(other.folded) ||
            (is_place_word(other.folded) && m_data.person_words.count(other.folded) == 0)) {
            return nullptr;
        }
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

    /// Whether a title stands right before word `word`, then an optional dot and spaces ("Mr. Bush", "Mme
    /// Diallo"): the word is a surname.
    static bool honorific_before(const FieldText& f, std::size_t word) {
        if (word == 0) return false;
        const Token& self = f.tokens[f.words[word]];
        const Token& prev = f.tokens[f.words[word - 1]];
        if (!prev.capitalized || prev.kind == TokenKind::number || self.begin <= prev.end) return false;
        std::string_view gap = f.text.substr(prev.end, self.begin - prev.end);
        if (gap.starts_with('.')) gap.remove_prefix(1);
        if (gap.empty() || gap.find_first_not_of(' ') != std::string_view::npos) return false;
        return contains(k_honorifics, prev.folded);
    }

    /// Whether word `word` is a title abbreviated with a dot before a capitalized word ("Sens. David Vitter").
    static bool is_honorific(const FieldText& f, std::size_t word) {
        const Token& self = f.tokens[f.words[word]];
        if (!contains(k_honorifics, self.folded) || word + 1 >= f.words.size()) return false;
        const Token& next = f.tokens[f.words[word + 1]];
        if (!next.capitalized || next.begin <= self.end + 1) return false;
        const std::string_view gap = f.text.substr(self.end, next.begin - self.end);
        return gap[0] == '.' && gap.find_first_not_of(' ', 1) == std::string_view::npos;
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
        // After a name of several words too: "Prince George's County" is not the Canadian town.
        const Token* after = !f.caps_zone ? capitalized_neighbour(f, m.last, false) : nullptr;
        const Token* article = single ? article_before(f, m.first) : nullptr;
        // The matched words, for names written with an article.
        std::string key;
        for (std::size_t w = m.first; w <= m.last; ++w) {
            if (!key.empty()) key.push_back(' ');
            key += f.tokens[f.words[w]].folded;
        }
        const bool has_article = article_stands_before(f, m.first);
        if (single && is_date(f, m.first)) {
            m.alive.clear();
            if (m_options.explain) {
                m.reason = "rejected: '" + std::string(f.text.substr(tok.begin, date_end(f, m.first) - tok.begin)) +
                           "' is a date";
            }
            return;
        }
        const bool calendar = single && (contains(k_month_names, folded) || contains(k_weekday_names, folded));
        // In capitals, an ordinary word looks like a name ("CHINA SALES WEAK") and like an abbreviation ("CAR
        // LOAN", not the Central African Republic): only a dotted one ("U.S.") keeps its own evidence.
        const bool abbreviation = std::any_of(m.alive.begin(), m.alive.end(),
                                              [](const NameEntry& e) { return (e.flags & k_entry_capitals) != 0; });
        const bool caps_word = f.all_caps && single && tok.kind != TokenKind::acronym &&
                               (abbreviation || cw != m_data.common_words.end() || person || is_stopword(folded));
        // In text written in lower case, a short word in capitals is an acronym ("the GAO report"), not the
        // town of that name (Gao, Mali), unless the article names its country; countries keep their evidence.
        const bool shouted = !f.caps_zone && single && tok.kind == TokenKind::word && folded.size() <= 4 &&
                             is_all_caps(f.text.substr(tok.begin, tok.end - tok.begin)) &&
                             std::none_of(m.alive.begin(), m.alive.end(), [&](const NameEntry& e) {
                                 return m_data.places[e.place].kind == PlaceKind::country;
                             });
        // A function word opening a sentence is that word ("Un sondage...", "Most of..."), not a town of that name.
        // The story's first word after a dateline opens a sentence too ("OMAHA, Neb., March 8 - Police said").
        const bool opens = tok.sentence_start || f.caps_zone || (f.field == TextField::body && tok.begin == m_story_begin);
        const bool function_word = single && opens && is_stopword(folded);
        // "Mr. Bush", "Sen. Cannon": a surname; "Sens. David Vitter": the title, not Sens (Yonne).
        const bool titled = single && honorific_before(f, m.first);
        const bool title = single && is_honorific(f, m.first);
        if (titled) m_name_words.insert(std::string(folded));
        std::vector<NameEntry> kept;
        std::string why;
        for (const NameEntry& e : m.alive) {
            const Place& p = m_data.places[e.place];
            const bool demonym = (e.flags & k_entry_demonym) != 0;
            const bool is_country = p.kind == PlaceKind::country;
            if ((titled || title) && !demonym) {
                why = titled ? "a person's name after the title '" + f.tokens[f.words[m.first - 1]].lower + "'"
                             : "'" + tok.lower + "' is a title before a person's name";
                continue;
            }
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
                m_name_words.insert(std::string(folded));
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
        if (calendar || caps_word || shouted) {
            m.needs_support = true;
            m.strict = true;
            m.why_support = calendar       ? "'" + tok.lower + "' names a month or a day"
                            : shouted      ? "'" + std::string(f.text.substr(tok.begin, tok.end - tok.begin)) + "' is written like an acronym"
                            : abbreviation ? "'" + tok.lower + "' is an abbreviation or a word in text written in capitals"
                                           : "'" + tok.lower + "' is an ordinary word in text written in capitals";
            return;
        }
        // A division named by generic words alone ("Eastern District", "Central Region", "Northern") is any
        // country's: the article must name which ("New York's Eastern District" is not American Samoa's).
        bool generic = true;
        for (std::size_t w = m.first; w <= m.last && generic; ++w) {
            const std::string_view word = f.tokens[f.words[w]].folded;
            generic = is_place_modifier(word) || contains(k_division_words, word);
        }
        if (generic && std::all_of(m.alive.begin(), m.alive.end(), [&](const NameEntry& e) {
                return m_data.places[e.place].kind == PlaceKind::region;
            })) {
            m.needs_support = true;
            m.strict = true;
            m.why_support = "'" + key + "' is a generic name of a division";
            return;
        }
        // Ordinary words and small towns need support unless every remaining reading is big enough.
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
            // An ordinary word capitalized mid-sentence is often a name of something else ("the Bush
            // administration", "The Deal"): a small town of that name needs support too.
            const bool small = p.kind == PlaceKind::city && p.population < (single ? 100000u : 50000u) &&
                               (opens || m.alive.size() > 1 || person || common || (m_lang == Lang::en && p.population < 50000));
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
        if (m.locative && !m.strict) return "a locative preposition stands before it";
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

    /// Whether word `word`, a month's name or abbreviation, is a date: a number right after it ("March 31",
    /// "Oct. 7", "May 1987") or a day right before it ("31 March", "12 mars").
    static bool is_date(const FieldText& f, std::size_t word) {
        const Token& t = f.tokens[f.words[word]];
        if (!contains(k_month_names, t.folded) && !contains(k_month_abbreviations, t.folded)) return false;
        return date_end(f, word) > t.end || day_before(f, word) || (contains(k_month_names, t.folded) && word_follows(f, word));
    }

    /// Whether a lower-case word that is not a function word follows word `word` after one space: a month so
    /// written is the date of a thing ("March delivery", "May sales"), where a town is followed by a comma, a
    /// capitalized or a function word ("March and Wisbech"). Not in capitals, where every word looks capitalized.
    static bool word_follows(const FieldText& f, std::size_t word) {
        if (f.caps_zone || word + 1 >= f.words.size()) return false;
        const Token& t = f.tokens[f.words[word]];
        const Token& next = f.tokens[f.words[word + 1]];
        return next.kind == TokenKind::word && !next.capitalized && !is_stopword(next.folded) &&
               next.begin == t.end + 1 && f.text[t.end] == ' ';
    }

    /// The end of the number after word `word` when only a space or a dot separates them; else the word's end.
    static std::size_t date_end(const FieldText& f, std::size_t word) {
        const Token& t = f.tokens[f.words[word]];
        if (word + 1 >= f.words.size()) return t.end;
        const Token& next = f.tokens[f.words[word + 1]];
        if (next.kind != TokenKind::number || next.begin < t.end || next.begin - t.end > 2) return t.end;
        for (const char c : f.text.substr(t.end, next.begin - t.end)) {
            if (c != ' ' && c != '.') return t.end;
        }
        return next.end;
    }

    /// Whether a day of the month (1..31) stands right before word `word`, separated by one space.
    static bool day_before(const FieldText& f, std::size_t word) {
        if (word == 0) return false;
        const Token& t = f.tokens[f.words[word]];
        const Token& prev = f.tokens[f.words[word - 1]];
        if (prev.kind != TokenKind::number || t.begin != prev.end + 1 || f.text[prev.end] != ' ') return false;
        const std::string_view digits = prev.folded;
        if (digits.empty() || digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string_view::npos) return false;
        const int day = std::stoi(std::string(digits));
        return day >= 1 && day <= 31;
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
                    // Wires write the region after a little-known town ("GENEVA, Ill."): a dateline without one is
                    // the best-known place of that name, which the story's countries sway less.
                    double bonus = m.bare_dateline ? 0.5 : 1.5;
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
    /// Folded words found last in a longer name, where a surname stands ("bush" of "President Bush", "Mr.
    /// Bush"); not first ("Curepipe Athletic" is a club of Curepipe).
    std::unordered_set<std::string> m_name_words;
    /// Where the story starts after a dateline, or npos.
    std::size_t m_story_begin = std::string_view::npos;
};

FieldText prepare(TextField field, std::string_view text, std::span<const Token> tokens) {
    FieldText f{field, text, tokens, {}, false, false};
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
    title_text.all_caps = is_all_caps_field(title_text);
    title_text.caps_zone = title_text.all_caps || is_title_case(title_text);
    FieldText body_text = prepare(TextField::body, body, body_tokens);
    body_text.all_caps = is_all_caps_field(body_text);
    body_text.caps_zone = body_text.all_caps;

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

double ArticlePlaces::salience_floor(double min_salience) const {
    const double share = std::min(1.0, static_cast<double>(body_words) / static_cast<double>(k_short_story_words));
    return std::max(min_salience / 3.0, min_salience * share);
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
                               {"in_title", p.in_title},
                               {"about", places.about(p)}});
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
                             {"metonym", m.metonym},
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
