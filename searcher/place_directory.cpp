// Place directories: the gazetteer-backed one, and the code-only one used when no gazetteer is installed.
#include "place_directory.hpp"

#include "common/places.hpp"
#include "common/schema.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>

namespace dateline::searcher {

namespace schema = common::schema;

namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
char to_upper_ascii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

/// "KP", "kp" → "KP"; anything else → "".
std::string iso_code(std::string_view text) {
    if (text.size() != 2 || !is_ascii_alpha(text[0]) || !is_ascii_alpha(text[1])) return {};
    return {to_upper_ascii(text[0]), to_upper_ascii(text[1])};
}

/// Ids of the forms the index uses besides ISO codes: "gn524901", "x-chagos", "RU.48".
bool looks_like_id(std::string_view text) {
    if (text.size() > 2 && text.starts_with("gn") &&
        std::all_of(text.begin() + 2, text.end(), [](char c) { return is_ascii_digit(c); })) {
        return true;
    }
    if (text.size() > 2 && text.starts_with("x-")) {
        return std::all_of(text.begin() + 2, text.end(), [](char c) { return is_ascii_alpha(c) || is_ascii_digit(c) || c == '-'; });
    }
    return text.size() > 3 && text[2] == '.' && is_ascii_alpha(text[0]) && is_ascii_alpha(text[1]) &&
           std::all_of(text.begin() + 3, text.end(), [](char c) { return is_ascii_alpha(c) || is_ascii_digit(c); });
}

class CodePlaceDirectory final : public PlaceDirectory {
  public:
    std::vector<PlaceRef> resolve(std::string_view name) const override {
        if (const std::string code = iso_code(name); !code.empty()) return {PlaceRef{code, code, true}};
        if (looks_like_id(name)) {
            // A region id carries its country ("RU.48"); a city's or an area's country is unknown here.
            const std::string country = name[2] == '.' ? iso_code(name.substr(0, 2)) : std::string();
            return {PlaceRef{std::string(name), country, false}};
        }
        return {};
    }
    std::optional<PlaceRef> named_in_query(std::string_view, bool) const override { return std::nullopt; }
    std::string label(std::string_view id, common::Lang) const override { return std::string(id); }
    std::vector<std::string> names(std::string_view) const override { return {}; }
    std::string_view kind() const noexcept override { return "codes"; }
};

class GazetteerPlaceDirectory final : public PlaceDirectory {
  public:
    explicit GazetteerPlaceDirectory(common::Gazetteer gazetteer) : m_gazetteer(std::move(gazetteer)) {}

    std::vector<PlaceRef> resolve(std::string_view name) const override {
        if (const std::string code = iso_code(name); !code.empty()) {
            if (const common::Place* p = m_gazetteer.find(code)) return {ref(*p)};
        }
        if (looks_like_id(name)) {
            if (const common::Place* p = m_gazetteer.find(name)) return {ref(*p)};
        }
        std::vector<PlaceRef> out;
        for (const common::Place* p : m_gazetteer.lookup(name)) {
            PlaceRef r = ref(*p);
            if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
        }
        return out;
    }

    std::optional<PlaceRef> named_in_query(std::string_view words, bool capitalized) const override {
        const std::string folded = common::fold_for_match(words);
        if (folded.size() < 2) return std::nullopt;
        const bool one_word = folded.find(' ') == std::string::npos;
        if (one_word && !capitalized &&
            (folded.size() < 3 || common::is_stopword(folded) || m_gazetteer.is_common_word(folded, common::Lang::unknown))) {
            return std::nullopt;
        }
        const std::vector<const common::Place*> places = m_gazetteer.lookup(words);
        if (places.empty()) return std::nullopt;
        return ref(*places.front());
    }

    std::string label(std::string_view id, common::Lang lang) const override {
        const std::string_view l = m_gazetteer.label(id, lang);
        if (!l.empty()) return std::string(l);
        const std::string_view en = m_gazetteer.label(id, common::Lang::en);
        return en.empty() ? std::string(id) : std::string(en);
    }

    std::vector<std::string> names(std::string_view id) const override { return m_gazetteer.names_of(id); }

    std::string_view kind() const noexcept override { return "gazetteer"; }

  private:
    static PlaceRef ref(const common::Place& p) {
        return PlaceRef{p.id, p.country, p.kind == common::PlaceKind::country};
    }

    common::Gazetteer m_gazetteer;
};

}  // namespace

std::string PlaceRef::filter_term() const {
    return is_country ? schema::country_term(country) : schema::place_term(id);
}

std::shared_ptr<const PlaceDirectory> make_code_directory() { return std::make_shared<const CodePlaceDirectory>(); }

std::shared_ptr<const PlaceDirectory> make_gazetteer_directory(const common::Gazetteer& gazetteer) {
    return std::make_shared<const GazetteerPlaceDirectory>(gazetteer);
}

}  // namespace dateline::searcher
