// Reading the English<->French word table: every row gives evidence for its translations in its own
// direction, and (weaker) for the reverse pair in the other direction; the best few per stem key are kept.
#include "translator.hpp"

#include "common/errors.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <array>
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

std::optional<Analysed> analyse(const common::Analyzer& analyzer, std::string_view lemma, Lang lang) {
    if (lemma.find("...") != std::string_view::npos || lemma.find('(') != std::string_view::npos) return std::nullopt;
    Analysed out;
    if (plain_word(lemma) && common::is_ascii(lemma)) {
        // Most rows: the tokenizer's work (ICU word breaks) would give this one token.
        out.folded.push_back(common::ascii_lower(lemma));
        if (common::is_stopword_in(out.folded.front(), lang)) return std::nullopt;
        out.key = Translator::key_of(analyzer, out.folded, lang);
        if (out.key.empty()) return std::nullopt;
        return out;
    }
    const std::vector<common::Token> tokens = analyzer.tokenize(lemma);
    Xapian::termpos first = 0;
    Xapian::termpos last = 0;
    for (const auto& t : tokens) {
        if (t.kind == common::TokenKind::compound) continue;  // its parts follow
        if (t.kind == common::TokenKind::number) return std::nullopt;
        if (common::is_stopword_in(t.folded, lang)) continue;
        out.folded.push_back(t.folded);
        if (first == 0) first = t.position;
        last = t.position;
    }
    if (out.folded.empty()) return std::nullopt;
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
    return std::to_string(max_targets) + ' ' + std::to_string(min_share) + ' ' + std::to_string(freedict_weight) + ' ' +
           std::to_string(reverse_weight);
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
    // Per source language: source key → target key → candidate.
    std::array<std::unordered_map<std::string, std::map<std::string, Candidate>>, 2> evidence;
    std::shared_ptr<Translator> out(new Translator());
    out->m_path = path;
    auto add = [&](Lang from, const Analysed& source, const Analysed& target, std::string_view label, double score) {
        Candidate& c = evidence[from == Lang::fr ? 1 : 0][source.key][target.key];
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
            // An inflected form whose stem is not its lemma's ("children" → "child"): looked up as its lemma
            // when its own key has no translation.
            const auto surface = analyse(analyzer, fields[1], from);
            const auto lemma = analyse(analyzer, fields[3], from);
            if (surface && lemma && surface->key != lemma->key) {
                (from == Lang::fr ? out->m_fr_forms : out->m_en_forms).emplace(surface->key, lemma->key);
            }
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
    for (std::size_t lang = 0; lang < evidence.size(); ++lang) {
        Table& table = lang == 1 ? out->m_fr_en : out->m_en_fr;
        table.reserve(evidence[lang].size());
        for (auto& [source_key, candidates] : evidence[lang]) {
            std::vector<TranslationTarget> best;
            for (auto& [key, c] : candidates) best.push_back(std::move(c.target));
            std::stable_sort(best.begin(), best.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
            const double floor = best.front().score * options.min_share;
            std::size_t keep = 0;
            while (keep < best.size() && keep < options.max_targets && best[keep].score >= floor) ++keep;
            best.resize(keep);
            best.shrink_to_fit();
            table.emplace(source_key, std::move(best));
        }
        evidence[lang].clear();
    }
    // Only forms of words the table translates, and not translated themselves, are of use.
    for (const Lang lang : {Lang::en, Lang::fr}) {
        auto& forms = lang == Lang::fr ? out->m_fr_forms : out->m_en_forms;
        const Table& table = lang == Lang::fr ? out->m_fr_en : out->m_en_fr;
        std::erase_if(forms, [&](const auto& f) { return table.count(f.first) > 0 || table.count(f.second) == 0; });
    }
    return out;
}

const std::vector<TranslationTarget>* Translator::lookup(Lang from, std::string_view key) const {
    const Table& t = table(from);
    auto it = t.find(std::string(key));
    if (it == t.end()) {
        const auto& forms = from == Lang::fr ? m_fr_forms : m_en_forms;
        if (const auto form = forms.find(std::string(key)); form != forms.end()) it = t.find(form->second);
    }
    return it == t.end() ? nullptr : &it->second;
}

std::size_t Translator::size(Lang from) const noexcept { return table(from).size(); }

}  // namespace dateline::searcher
