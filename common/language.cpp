// Language detection: CLD2 (Debian libcld2) restricted to English/French, function-word vote for short text.
#include "language.hpp"

#include "errors.hpp"
#include "stopwords.hpp"
#include "text.hpp"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>

namespace dateline::common {

std::string_view lang_code(Lang lang) noexcept {
    switch (lang) {
        case Lang::en: return "en";
        case Lang::fr: return "fr";
        case Lang::unknown: break;
    }
    return "";
}

std::optional<Lang> parse_lang(std::string_view text) {
    const std::string s = fold_for_match(text);
    if (s == "en" || s == "eng" || s == "english" || s == "anglais" || s.starts_with("en-") || s.starts_with("en_")) {
        return Lang::en;
    }
    if (s == "fr" || s == "fra" || s == "fre" || s == "french" || s == "francais" || s.starts_with("fr-") ||
        s.starts_with("fr_")) {
        return Lang::fr;
    }
    return std::nullopt;
}

Lang parse_lang_option(std::string_view text) {
    if (text == "auto") return Lang::unknown;
    if (text == "en") return Lang::en;
    if (text == "fr") return Lang::fr;
    throw UsageError("unknown language '" + std::string(text) + "'; expected one of: en, fr, auto");
}

namespace {

// Counts English and French function words among the first words of the text.
LanguageGuess vote_function_words(std::string_view text) {
    std::size_t en = 0;
    std::size_t fr = 0;
    std::size_t words = 0;
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        ++words;
        const std::string folded = fold_for_match(word);
        if (is_english_stopword(folded)) ++en;
        if (is_french_stopword(folded)) ++fr;
        word.clear();
    };
    for (std::size_t i = 0; i < text.size() && words < 400; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool word_byte = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (word_byte) {
            word.push_back(static_cast<char>(c));
        } else {
            // French elisions (l', d', qu') are strong French evidence.
            if ((c == '\'') && (word == "l" || word == "d" || word == "qu" || word == "L" || word == "D")) ++fr;
            flush();
        }
    }
    flush();
    LanguageGuess guess;
    if (en == fr) return guess;
    guess.lang = en > fr ? Lang::en : Lang::fr;
    guess.confidence = static_cast<double>(std::max(en, fr)) / static_cast<double>(en + fr);
    guess.method = "stopwords";
    return guess;
}

/// Last resort for short headlines with no function word ("Brexit talks stall", "Pénurie d'essence"):
/// French writes é è ê à ç ù œ; a headline of several words with none of them is taken as English.
LanguageGuess vote_diacritics(std::string_view text) {
    static constexpr std::string_view k_french_marks[] = {"é", "è", "ê", "à", "ç", "ù", "œ", "É", "È", "À", "Ç", "î", "ô", "û", "â"};
    LanguageGuess guess;
    guess.method = "diacritics";
    guess.confidence = 0.5;
    for (const auto mark : k_french_marks) {
        if (text.find(mark) != std::string_view::npos) {
            guess.lang = Lang::fr;
            return guess;
        }
    }
    std::size_t words = 0;
    bool in_word = false;
    for (const char c : text) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letter && !in_word) ++words;
        in_word = letter;
    }
    if (words >= 3 && is_ascii(text)) {
        guess.lang = Lang::en;
        return guess;
    }
    return {};
}

/// CLD2's guess when it says it is reliable and gives English or French at least 30%.
LanguageGuess reliable_cld2(std::string_view text, int& en, int& fr) {
    CLD2::Language top3[3];
    int percent3[3] = {0, 0, 0};
    int normalized_score3[3];
    int text_bytes = 0;
    bool reliable = false;
    CLD2::DetectLanguageSummary(text.data(), static_cast<int>(text.size()), true, top3, percent3, &text_bytes,
                                &reliable);
    (void)normalized_score3;
    en = 0;
    fr = 0;
    for (int i = 0; i < 3; ++i) {
        if (top3[i] == CLD2::ENGLISH) en += percent3[i];
        if (top3[i] == CLD2::FRENCH) fr += percent3[i];
    }
    LanguageGuess guess;
    if (reliable && en != fr && std::max(en, fr) >= 30) {
        guess.lang = en > fr ? Lang::en : Lang::fr;
        guess.confidence = static_cast<double>(std::max(en, fr)) / 100.0;
        guess.method = "cld2";
    }
    return guess;
}

}  // namespace

LanguageGuess detect_language(std::string_view utf8_text) {
    const std::string_view text = truncate_utf8(utf8_text, 64 * 1024);
    if (text.empty()) return {};
    int en = 0;
    int fr = 0;
    if (LanguageGuess cld2 = reliable_cld2(text, en, fr); cld2.lang != Lang::unknown) return cld2;
    LanguageGuess vote = vote_function_words(text);
    if (vote.lang != Lang::unknown) return vote;
    if (en != fr && std::max(en, fr) > 0) {
        LanguageGuess guess;
        guess.lang = en > fr ? Lang::en : Lang::fr;
        guess.confidence = static_cast<double>(std::max(en, fr)) / 100.0;
        guess.method = "cld2";
        return guess;
    }
    return vote_diacritics(text);
}

LanguageGuess detect_query_language(std::string_view utf8_query) {
    const std::string_view text = truncate_utf8(utf8_query, 64 * 1024);
    if (text.empty()) return {};
    if (LanguageGuess vote = vote_function_words(text); vote.lang != Lang::unknown) return vote;
    int en = 0;
    int fr = 0;
    return reliable_cld2(text, en, fr);
}

}  // namespace dateline::common
