// The ranking model: weighting schemes by name (Xapian's built-in classes only).
#include "ranking.hpp"

#include "common/errors.hpp"

#include <charconv>
#include <functional>
#include <vector>

namespace dateline::searcher {

namespace {

std::vector<std::string_view> words_of(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

}  // namespace

std::unique_ptr<Xapian::Weight> make_weight(std::string_view spec) {
    const std::vector<std::string_view> words = words_of(spec);
    if (words.empty()) throw common::UsageError("empty weighting scheme; expected a name such as bm25, then its parameters");
    const std::string_view name = words.front();
    std::vector<double> params;
    for (std::size_t k = 1; k < words.size(); ++k) {
        double v = 0;
        const auto [end, ec] = std::from_chars(words[k].data(), words[k].data() + words[k].size(), v);
        if (ec != std::errc() || end != words[k].data() + words[k].size() || v < 0) {
            throw common::UsageError("bad parameter '" + std::string(words[k]) + "' in weighting scheme '" + std::string(spec) +
                                     "'; expected a number at least 0");
        }
        params.push_back(v);
    }
    auto param = [&](std::size_t k, double fallback) { return k < params.size() ? params[k] : fallback; };
    using Make = std::unique_ptr<Xapian::Weight> (*)(const std::function<double(std::size_t, double)>&);
    struct Scheme {
        std::string_view name;
        std::size_t max_params;
        Make make;
    };
    // k2 = 0 (no query-length term) and k3 = 1 for BM25: the weights of separate terms add up, which
    // explanations rely on; min_normlen 0.5 is Xapian's default. Defaults are Xapian's.
    static const Scheme k_table[] = {
        {"bm25", 2, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::BM25Weight>(p(0, 1.0), 0, 1, p(1, 0.5), 0.5); }},
        {"bm25+", 3, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::BM25PlusWeight>(p(0, 1.0), 0, 1, p(1, 0.5), 0.5, p(2, 1.0)); }},
        {"tfidf", 0, [](const auto&) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::TfIdfWeight>(); }},
        {"trad", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::TradWeight>(p(0, 1.0)); }},
        {"pl2", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::PL2Weight>(p(0, 1.0)); }},
        {"pl2+", 2, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::PL2PlusWeight>(p(0, 1.0), p(1, 0.8)); }},
        {"inl2", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::InL2Weight>(p(0, 1.0)); }},
        {"ifb2", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::IfB2Weight>(p(0, 1.0)); }},
        {"ineb2", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::IneB2Weight>(p(0, 1.0)); }},
        {"bb2", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::BB2Weight>(p(0, 1.0)); }},
        {"dlh", 0, [](const auto&) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::DLHWeight>(); }},
        {"dph", 0, [](const auto&) -> std::unique_ptr<Xapian::Weight> { return std::make_unique<Xapian::DPHWeight>(); }},
        // Dirichlet smoothing with parameter mu (Xapian's first smoothing parameter in that mode).
        {"lm", 1, [](const auto& p) -> std::unique_ptr<Xapian::Weight> {
             return std::make_unique<Xapian::LMWeight>(0.0, Xapian::Weight::DIRICHLET_SMOOTHING, p(0, 2000.0), 0.0);
         }},
    };
    for (const Scheme& scheme : k_table) {
        if (scheme.name != name) continue;
        if (params.size() > scheme.max_params) {
            throw common::UsageError("weighting scheme '" + std::string(name) + "' takes at most " + std::to_string(scheme.max_params) +
                                     " parameter(s); got '" + std::string(spec) + "'");
        }
        return scheme.make(param);
    }
    std::string known;
    for (const Scheme& scheme : k_table) known += (known.empty() ? "" : ", ") + std::string(scheme.name);
    throw common::UsageError("unknown weighting scheme '" + std::string(name) + "'; expected one of: " + known);
}

}  // namespace dateline::searcher
