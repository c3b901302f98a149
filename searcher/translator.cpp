// Reading the English<->French word table: every row gives evidence for its translations in its own
// direction, and (weaker) for the reverse pair in the other direction; the best few per stem key are kept, and
// per form where the form's lemmas are not every word of its stem key.
#include "translator.hpp"

#include "common/errors.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <map>

namespace dateline::searcher {

using common::Lang;

namespace {

/// News queries are mostly nouns and names: a verb reading ("rate" → "estimer") counts less.
double pos_weight(std::string_view pos) {
    if (pos == "vblex") return 0.6;
    if (pos == "adj") return 0.8;
    return 1.0;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
    std::vector<std::string_view> out;
    while (true) {
        const std::size_t at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) break;
        s.remove_prefix(at + sep.size());
    }
    return out;
}

/// A lemma analysed in its language: content words, stems and span; nullopt when it has no content word
/// or is not a plain expression ("... ago", numbers).
struct Analysed {
    std::vector<std::string> folded;  // content words
    std::string key;
    unsigned window = 1;
};

/// A plain word: letters only (ASCII or not), so that its one token is its case- and accent-folded form.
bool plain_word(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b >= 0x80 || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    });
}

/// The folded form of a word of letters that folds to ASCII letters ("Élevé" → "eleve"), the one token the
/// tokenizer would make of it; "" for anything else.
std::string plain_folded(std::string_view word) {
    if (!plain_word(word)) return {};
    std::string folded = common::is_ascii(word) ? common::ascii_lower(word) : common::fold_word(word);
    if (!std::all_of(folded.begin(), folded.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return {};
    return folded;
}

std::optional<Analysed> analyse(const common::Analyzer& analyzer, std::string_view lemma, Lang lang) {
    if (lemma.find("...") != std::string_view::npos || lemma.find('(') != std::string_view::npos) return std::nullopt;
    Analysed out;
    if (std::string plain = plain_folded(lemma); !plain.empty()) {
        // Most rows: the tokenizer's work (ICU word breaks) would give this one token.
        out.folded.push_back(std::move(plain));
        if (common::is_stopword_in(out.folded.front(), lang)) return std::nullopt;
        out.key = Translator::key_of(analyzer, out.folded, lang);
        if (out.key.empty()) return std::nullopt;
        return out;
    }
    const std::vector<common::Token> tokens = analyzer.tokenize(lemma);
    Xapian::termpos first = 0;
    Xapian::termpos last = 0;
    std::size_t words = 0;
    for (const auto& t : tokens) {
        if (t.kind == common::TokenKind::compound) continue;  // its parts follow
        if (t.kind == common::TokenKind::number) return std::nullopt;
        ++words;
        if (common::is_stopword_in(t.folded, lang)) continue;
        out.folded.push_back(t.folded);
        if (first == 0) first = t.position;
        last = t.position;
    }
    // Function words around one word make an idiom, not that word: "that one" (celui) is not "one", "as
    // well" (aussi) not "well", "sans importance" (unimportant) not "importance". Read as the word, they
    // put "celui" among the translations of `one`; measured in docs/BENCHMARKS.md (sixteenth session).
    if (out.folded.empty() || (words > 1 && out.folded.size() == 1)) return std::nullopt;
    out.key = Translator::key_of(analyzer, out.folded, lang);
    if (out.key.empty()) return std::nullopt;
    out.window = static_cast<unsigned>(last - first + 1);
    return out;
}

struct Candidate {
    TranslationTarget target;
    double best_contribution = 0.0;
};

}  // namespace

std::string TranslatorOptions::description() const {
    return std::to_string(max_targets) + ' ' + std::to_string(min_share) + ' ' + std::to_string(max_candidates) + ' ' +
           std::to_string(freedict_weight) + ' ' + std::to_string(reverse_weight);
}

std::string Translator::key_of(const common::Analyzer& analyzer, const std::vector<std::string>& folded, Lang lang) {
    std::string key;
    for (const auto& w : folded) {
        if (w.empty() || common::is_stopword_in(w, lang)) continue;
        if (std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) return {};
        if (!key.empty()) key += ' ';
        key += analyzer.stem_folded(w, lang);
    }
    return key;
}

std::optional<std::filesystem::path> Translator::find(const std::vector<std::filesystem::path>& dirs) {
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(dir / "translations.tsv", ec)) return dir / "translations.tsv";
    }
    return std::nullopt;
}

std::shared_ptr<const Translator> Translator::load(const std::filesystem::path& path, const common::Analyzer& analyzer,
                                                   const TranslatorOptions& options) {
    std::ifstream in(path);
    if (!in) throw common::EnvironmentError("cannot read the translation table '" + path.string() + "'");
    // Per source language: source → target key → candidate. A one-word source by its folded form (so that
    // "vent" and "vente", one stem, stay apart until a lookup by stem pools them), an expression by its key.
    std::array<std::unordered_map<std::string, std::map<std::string, Candidate>>, 2> evidence;
    // Per language: a folded form → the folded lemmas it is a form of (the form rows).
    std::array<std::unordered_map<std::string, std::vector<std::string>>, 2> lemmas_of;
    std::shared_ptr<Translator> out(new Translator());
    out->m_path = path;
    out->m_options = options;
    // Per language: a one-word source → its key (its stem).
    std::array<std::unordered_map<std::string, std::string>, 2> keys;
    auto add = [&](Lang from, const Analysed& source, const Analysed& target, std::string_view label, double score) {
        const std::size_t l = from == Lang::fr ? 1 : 0;
        const bool one_word = source.folded.size() == 1;
        if (one_word) keys[l].emplace(source.folded.front(), source.key);
        Candidate& c = evidence[l][one_word ? source.folded.front() : source.key][target.key];
        if (c.target.label.empty()) {
            c.target.words = target.folded;
            if (target.folded.size() == 1) c.target.stem = target.key;
            c.target.window = target.window;
            c.target.same_word = source.folded == target.folded;
        }
        c.target.score += score;
        if (score > c.best_contribution) {
            c.best_contribution = score;
            c.target.label = std::string(label);
        }
        out->m_max_key_words = std::max(out->m_max_key_words, source.folded.size());
    };
    std::string line;
    std::size_t line_number = 0;
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (line[0] == '#') {
            if (out->m_description.empty()) out->m_description = line.substr(std::min(line.size(), line.find_first_not_of("# ")));
            continue;
        }
        const std::vector<std::string_view> fields = split(line, "\t");
        const bool form = fields[0] == "form-en" || fields[0] == "form-fr";
        if (fields.size() < 4 || (!form && fields[0] != "en-fr" && fields[0] != "fr-en")) {
            throw common::EnvironmentError("translation table '" + path.string() + "', line " + std::to_string(line_number) +
                                           ": expected 'en-fr', 'fr-en', 'form-en' or 'form-fr', then a word, a part of speech "
                                           "and targets (or its lemma), tab-separated");
        }
        const Lang from = fields[0] == "en-fr" || fields[0] == "form-en" ? Lang::en : Lang::fr;
        if (form) {
            // A form of a lemma ("children" of child, "ventes" of vente): looked up as its lemmas.
            // The table lists them after every translation: a lemma without one is passed over unread.
            // Plain words only (a form with an apostrophe or a hyphen is left out).
            std::string lemma = plain_folded(fields[3]);
            if (lemma.empty() || evidence[from == Lang::fr ? 1 : 0].count(lemma) == 0) continue;
            std::string surface = plain_folded(fields[1]);
            if (!surface.empty() && surface != lemma) lemmas_of[from == Lang::fr ? 1 : 0][std::move(surface)].push_back(std::move(lemma));
            continue;
        }
        const Lang to = from == Lang::en ? Lang::fr : Lang::en;
        const auto source = analyse(analyzer, fields[1], from);
        if (!source) continue;
        const double weight = (fields.size() > 4 && fields[4] == "freedict" ? options.freedict_weight : 1.0) * pos_weight(fields[2]);
        const std::vector<std::string_view> targets = split(fields[3], " | ");
        for (std::size_t k = 0; k < targets.size(); ++k) {
            const auto target = analyse(analyzer, targets[k], to);
            if (!target) continue;
            const double score = weight / static_cast<double>(k + 1);
            add(from, *source, *target, targets[k], score);
            add(to, *target, *source, fields[1], options.reverse_weight * score);
        }
        ++rows;
    }
    if (rows == 0) throw common::EnvironmentError("the translation table '" + path.string() + "' has no translations");
    for (const Lang lang : {Lang::en, Lang::fr}) {
        const auto& sources = evidence[lang == Lang::fr ? 1 : 0];
        // The candidates of several sources pooled: the best few of their summed evidence.
        auto merge = [&](const std::vector<const std::string*>& ids) {
            std::map<std::string, Candidate> pooled;
            for (const std::string* id : ids) {
                for (const auto& [key, c] : sources.at(*id)) {
                    auto [it, fresh] = pooled.emplace(key, c);
                    if (fresh) continue;
                    Candidate& p = it->second;
                    p.target.score += c.target.score;
                    p.target.same_word = p.target.same_word || c.target.same_word;
                    if (c.best_contribution > p.best_contribution) {
                        p.best_contribution = c.best_contribution;
                        p.target.label = c.target.label;
                    }
                }
            }
            std::vector<TranslationTarget> best;
            for (auto& [key, c] : pooled) best.push_back(std::move(c.target));
            std::stable_sort(best.begin(), best.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
            // The share of the best is applied by choose(), among the candidates the archive has.
            best.resize(std::min(best.size(), std::max(options.max_candidates, options.max_targets)));
            best.shrink_to_fit();
            return best;
        };
        // By key: every source of one stem key together (an expression is its own key).
        const auto& key_of_word = keys[lang == Lang::fr ? 1 : 0];
        std::unordered_map<std::string, std::vector<const std::string*>> by_key;
        for (const auto& [id, candidates] : sources) {
            const auto key = key_of_word.find(id);
            by_key[key == key_of_word.end() ? id : key->second].push_back(&id);
        }
        Table& table = lang == Lang::fr ? out->m_fr_en : out->m_en_fr;
        table.reserve(by_key.size());
        for (const auto& [key, ids] : by_key) {
            if (!key.empty()) table.emplace(key, merge(ids));
        }
        // By form: the form's own lemmas and the words of its stem key that are forms of one of them too
        // ("pump" pools the word "pumping", a form of pump, whose "pompage" finds the article), where these
        // are not every word of the key. The other words of the key are homographs of the stem: "ventes" (of
        // vente) leaves out vent, wind; "bas" leaves out base; "mois" the Spanish Moisés a pivot left behind.
        // Measured against pooling every word of the key (the lookup by key alone), development sets EN->FR
        // 0.620 -> 0.620, FR->EN 0.492 -> 0.518, held-out unchanged (docs/BENCHMARKS.md).
        auto& words = lang == Lang::fr ? out->m_fr_words : out->m_en_words;
        std::map<std::vector<const std::string*>, std::uint32_t> lists;
        auto& forms = lemmas_of[lang == Lang::fr ? 1 : 0];
        for (const auto& [id, candidates] : sources) {
            if (id.find(' ') == std::string::npos) forms[id];  // a lemma is a form of itself
        }
        auto by_address = [](const std::string* a, const std::string* b) { return std::less<const std::string*>()(a, b); };
        for (const auto& [surface, lemmas] : forms) {
            const auto known = key_of_word.find(surface);
            const std::string key = known != key_of_word.end() ? known->second : key_of(analyzer, {surface}, lang);
            if (key.empty()) continue;
            std::vector<const std::string*> own;
            if (const auto it = sources.find(surface); it != sources.end()) own.push_back(&it->first);
            for (const auto& lemma : lemmas) {
                if (const auto it = sources.find(lemma); it != sources.end()) own.push_back(&it->first);
            }
            if (own.empty()) continue;
            const auto same_key = by_key.find(key);
            if (same_key != by_key.end()) {
                const std::size_t lemma_count = own.size();
                auto is_lemma = [&](const std::string& word) {
                    return std::any_of(own.begin(), own.begin() + static_cast<std::ptrdiff_t>(lemma_count),
                                       [&](const std::string* lemma) { return *lemma == word; });
                };
                for (const std::string* other : same_key->second) {
                    const auto other_forms = forms.find(*other);
                    if (other_forms != forms.end() && std::any_of(other_forms->second.begin(), other_forms->second.end(), is_lemma)) {
                        own.push_back(other);
                    }
                }
            }
            std::sort(own.begin(), own.end(), by_address);
            own.erase(std::unique(own.begin(), own.end()), own.end());
            if (same_key != by_key.end()) {
                std::vector<const std::string*> pooled = same_key->second;
                std::sort(pooled.begin(), pooled.end(), by_address);
                if (pooled == own) continue;  // the lookup by key gives the same
            }
            // Every form of a verb has the same lemmas: one list for them all.
            const auto [list, fresh] = lists.emplace(own, out->m_word_lists.size());
            if (fresh) out->m_word_lists.push_back(merge(own));
            words.emplace(surface, list->second);
        }
    }
    return out;
}

const std::vector<TranslationTarget>* Translator::lookup(Lang from, std::string_view key) const {
    const Table& t = table(from);
    const auto it = t.find(std::string(key));
    return it == t.end() ? nullptr : &it->second;
}

const std::vector<TranslationTarget>* Translator::lookup_words(Lang from, const common::Analyzer& analyzer,
                                                               const std::vector<std::string>& folded) const {
    if (folded.size() == 1) {
        const auto& words = from == Lang::fr ? m_fr_words : m_en_words;
        if (const auto it = words.find(folded.front()); it != words.end()) return &m_word_lists[it->second];
    }
    return lookup(from, key_of(analyzer, folded, from));
}

std::vector<const TranslationTarget*> Translator::choose(const std::vector<TranslationTarget>& candidates,
                                                         const std::function<bool(const TranslationTarget&)>& usable) const {
    std::vector<const TranslationTarget*> out;
    double floor = 0.0;
    for (const auto& t : candidates) {  // best first
        if (out.size() >= m_options.max_targets) break;
        if (usable && !usable(t)) continue;
        if (out.empty()) {
            floor = t.score * m_options.min_share;
        } else if (t.score < floor) {
            break;
        }
        out.push_back(&t);
    }
    return out;
}

std::size_t Translator::size(Lang from) const noexcept { return table(from).size(); }

}  // namespace dateline::searcher
