// Search parameters: parsing, limits, mapping onto SearchRequest, and query strings for links.
#include "http_params.hpp"

#include "http_html.hpp"

#include "searcher/facets.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

namespace dateline::server {

namespace {

using common::UsageError;

const std::set<std::string>& api_names() {
    static const std::set<std::string> names = {"q",    "from", "to",     "place",    "lang",  "source", "sort",
                                                 "page", "size", "facets", "collapse", "drill", "ui", "translate", "terms"};
    return names;
}

template <typename Names>
std::string list(const Names& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

bool parse_facets(std::string_view value) {
    if (value == "" || value == "true" || value == "1" || value == "yes" || value == "all") return true;
    if (value == "false" || value == "0" || value == "no" || value == "none") return false;
    // The facets of the searcher's table, and the timeline's drill-downs.
    static const std::set<std::string, std::less<>> known = [] {
        std::set<std::string, std::less<>> names = {"months", "days"};
        for (const searcher::FacetSpec& spec : searcher::k_facets) names.emplace(spec.name);
        return names;
    }();
    // A list of facet names asks for facets; the searcher counts all of them in one pass.
    std::size_t start = 0;
    while (start <= value.size()) {
        const std::size_t comma = value.find(',', start);
        const std::string_view name = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (!known.count(name)) {
            throw UsageError("bad facets value '" + shown(value) +
                             "'; expected true, false, or a comma-separated list of: " + list(known));
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return true;
}

/// true, 1 or nothing; false or 0.
bool parse_switch(std::string_view name, std::string_view value) {
    if (value == "true" || value == "1" || value.empty()) return true;
    if (value == "false" || value == "0") return false;
    throw UsageError("bad " + std::string(name) + " '" + shown(value) + "'; expected true or false (1 or 0)");
}

}  // namespace

std::string shown(std::string_view value) {
    const std::string_view cut = common::truncate_utf8(value, 100);
    return std::string(cut) + (cut.size() < value.size() ? "…" : "");
}

std::size_t parse_count(std::string_view name, std::string_view value, std::size_t min, std::size_t max) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || n < min || n > max) {
        throw UsageError("bad " + std::string(name) + " '" + shown(value) + "'; expected an integer from " + std::to_string(min) +
                         " to " + std::to_string(max));
    }
    return n;
}

SearchParams parse_search_params(const QueryParams& params, const RequestLimits& limits, ParamStrictness strictness) {
    SearchParams p;
    std::set<std::string> seen;
    for (const auto& [name, value] : params) {
        if (!api_names().count(name)) {
            if (strictness == ParamStrictness::api) {
                throw UsageError("unknown parameter '" + shown(name) + "'; expected one of: " + list(api_names()));
            }
            continue;
        }
        if (!seen.insert(name).second) throw UsageError("parameter '" + shown(name) + "' is given more than once");
        if (name == "q") {
            if (value.size() > limits.max_query_bytes) {
                throw UsageError("query is " + std::to_string(value.size()) + " bytes long; at most " +
                                 std::to_string(limits.max_query_bytes) + " are accepted");
            }
            p.q = value;
        } else if (name == "from") {
            p.from = value;
        } else if (name == "to") {
            p.to = value;
        } else if (name == "place") {
            if (value.size() > 100) throw UsageError("place id is too long; at most 100 bytes");
            p.place = value;
        } else if (name == "lang") {
            p.lang = value;
        } else if (name == "source") {
            if (value.size() > 200) throw UsageError("source name is too long; at most 200 bytes");
            p.source = value;
        } else if (name == "sort") {
            if (!value.empty()) searcher::parse_sort_order(value);
            p.sort = value;
        } else if (name == "page") {
            p.page = parse_count("page", value, 1, limits.max_result_window);
        } else if (name == "size") {
            p.size = parse_count("size", value, 0, limits.max_page_size);
        } else if (name == "facets") {
            p.facets = parse_facets(value);
        } else if (name == "collapse") {
            p.collapse = parse_switch(name, value);
        } else if (name == "translate") {
            p.translate = parse_switch(name, value);
        } else if (name == "terms") {
            p.terms = parse_switch(name, value);
        } else if (name == "drill") {
            // The binding is captured by an explicit name: clang 14 (the fuzz build) captures no structured binding.
            const auto digits = [&drill = value](std::size_t from, std::size_t n) {
                return std::all_of(drill.begin() + static_cast<std::ptrdiff_t>(from), drill.begin() + static_cast<std::ptrdiff_t>(from + n),
                                   [](char c) { return c >= '0' && c <= '9'; });
            };
            const bool year = value.size() == 4 && digits(0, 4);
            const bool month = value.size() == 7 && digits(0, 4) && value[4] == '-' && digits(5, 2) && value.substr(5) >= "01" &&
                               value.substr(5) <= "12";
            if (!value.empty() && !year && !month) throw UsageError("bad drill '" + shown(value) + "'; expected a year (YYYY) or a month (YYYY-MM)");
            p.drill = value;
        } else if (name == "ui") {
            if (value != "en" && value != "fr" && !value.empty()) throw UsageError("bad ui '" + shown(value) + "'; expected one of: en, fr");
            p.ui = value;
        }
    }
    if ((p.page - 1) * p.size + p.size > limits.max_result_window) {
        throw UsageError("page " + std::to_string(p.page) + " of size " + std::to_string(p.size) + " is beyond the first " +
                         std::to_string(limits.max_result_window) + " results; narrow the search instead");
    }
    return p;
}

searcher::SearchRequest to_search_request(const SearchParams& params, common::Lang ui_lang) {
    searcher::SearchRequest request;
    request.query = params.q;
    request.from = params.from;
    request.to = params.to;
    request.lang = params.lang;
    request.source = params.source;
    if (!params.place.empty()) request.places.push_back(params.place);
    // The searcher itself lists newest first when there are no words to rank by.
    if (!params.sort.empty()) request.sort = searcher::parse_sort_order(params.sort);
    request.offset = (params.page - 1) * params.size;
    request.limit = params.size;
    request.facets = params.facets;
    request.collapse = params.collapse;
    request.translate = params.translate;
    request.period_terms = params.terms.value_or(false);
    if (params.drill.size() == 4) request.facet_year = params.drill;
    if (params.drill.size() == 7) {
        request.facet_year = params.drill.substr(0, 4);
        request.facet_month = params.drill;
    }
    request.ui_lang = ui_lang;
    return request;
}

std::string to_query_string(const SearchParams& p) {
    std::string out;
    auto add = [&](std::string_view name, std::string_view value) {
        if (value.empty()) return;
        out += out.empty() ? "" : "&";
        out += name;
        out += '=';
        out += url_encode(value);
    };
    add("q", p.q);
    add("from", p.from);
    add("to", p.to);
    add("place", p.place);
    add("lang", p.lang);
    add("source", p.source);
    add("sort", p.sort);
    if (p.page != 1) add("page", std::to_string(p.page));
    if (p.size != 10) add("size", std::to_string(p.size));
    if (!p.facets) add("facets", "false");
    if (!p.collapse) add("collapse", "false");
    if (!p.translate) add("translate", "0");
    if (p.terms) add("terms", *p.terms ? "1" : "0");
    add("drill", p.drill);
    add("ui", p.ui);
    return out;
}

std::string ui_language_from_header(std::string_view header) {
    double best_q = 0.0;
    std::string best = "en";
    std::size_t start = 0;
    while (start < header.size()) {
        std::size_t comma = header.find(',', start);
        if (comma == std::string_view::npos) comma = header.size();
        std::string_view item = header.substr(start, comma - start);
        start = comma + 1;
        double q = 1.0;
        if (const auto semi = item.find(';'); semi != std::string_view::npos) {
            std::string_view param = item.substr(semi + 1);
            item = item.substr(0, semi);
            const auto qpos = param.find("q=");
            if (qpos != std::string_view::npos) {
                param = param.substr(qpos + 2);
                const std::string qtext(param.substr(0, param.find_first_of(" ;")));
                try {
                    q = std::stod(qtext);
                } catch (const std::exception&) {
                    q = 0.0;
                }
            }
        }
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        std::string lang(item.substr(0, item.find('-')));
        lang = common::ascii_lower(lang);
        if ((lang == "en" || lang == "fr") && q > best_q) {
            best_q = q;
            best = lang;
        }
    }
    return best;
}

}  // namespace dateline::server
