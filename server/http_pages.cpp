// Rendering of the results page, the article page and the OpenSearch description, through HtmlWriter.
#include "http_pages.hpp"

#include "http_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace dateline::server {

namespace {

using common::Lang;
using searcher::FacetCount;
using searcher::SearchHit;
using searcher::SearchResponse;

/// Interface text in one language.
struct UiText {
    const char* lang_code;
    const char* other_lang_code;
    const char* other_lang_name;
    const char* search_label;
    const char* search_placeholder;
    const char* search_button;
    const char* results_one;
    const char* results_many;
    const char* about;
    const char* no_results;
    const char* no_results_hint;
    const char* relaxed;
    const char* partial;
    const char* with_every_word;
    const char* did_you_mean;
    const char* also_searched;
    const char* only_as_typed;
    const char* similar_one;
    const char* similar_many;
    const char* previous;
    const char* next;
    const char* page_of;
    const char* pages_label;
    const char* filters_label;
    const char* remove_filter;
    const char* clear_all;
    const char* timeline;
    const char* timeline_years_label;
    const char* timeline_months_label;
    const char* all_years;
    const char* only_year;
    const char* places;
    const char* languages;
    const char* sources;
    const char* lang_en;
    const char* lang_fr;
    const char* undated;
    const char* related;
    const char* no_related;
    const char* back;
    const char* original;
    const char* error_heading;
    const char* not_found;
    const char* footer_api;
    const char* periods_heading;
    const char* follow;
    const char* follow_title;
    const char* download;
    const char* download_title;
    const char* months[12];
};

constexpr UiText k_en = {
    .lang_code = "en",
    .other_lang_code = "fr",
    .other_lang_name = "Français",
    .search_label = "Search the archive",
    .search_placeholder = "Search news: Kim Putin, Vladivostok, date:2019…",
    .search_button = "Search",
    .results_one = "result",
    .results_many = "results",
    .about = "about",
    .no_results = "No article matches this search.",
    .no_results_hint = "Check the spelling, use fewer words, or remove a filter.",
    .relaxed = "No article has every word; showing those that match best.",
    .partial = "Articles missing a word",
    .with_every_word = "with every word",
    .did_you_mean = "Did you mean",
    .also_searched = "Also searched in %1:",
    .only_as_typed = "search only as typed",
    .similar_one = "similar article",
    .similar_many = "similar articles",
    .previous = "Previous",
    .next = "Next",
    .page_of = "Page %1 of %2",
    .pages_label = "Pages",
    .filters_label = "Active filters",
    .remove_filter = "Remove filter",
    .clear_all = "Clear all filters",
    .timeline = "Timeline",
    .timeline_years_label = "Results per year; choose a year to see its months",
    .timeline_months_label = "Results per month of %1; choose a month to filter",
    .all_years = "All years",
    .only_year = "Only %1",
    .places = "Places",
    .languages = "Language",
    .sources = "Sources",
    .lang_en = "English",
    .lang_fr = "French",
    .undated = "undated",
    .related = "Related articles",
    .no_related = "No related article found.",
    .back = "Back to the results",
    .original = "Read the original",
    .error_heading = "Something went wrong",
    .not_found = "No article has this id.",
    .footer_api = "JSON API",
    .periods_heading = "%1: what the articles were about",
    .follow = "Follow",
    .follow_title = "Atom feed of this search: new articles as they are published",
    .download = "Download these results",
    .download_title = "Every result of this search as CSV (at most 100,000)",
    .months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
};

constexpr UiText k_fr = {
    .lang_code = "fr",
    .other_lang_code = "en",
    .other_lang_name = "English",
    .search_label = "Rechercher dans les archives",
    .search_placeholder = "Rechercher : Kim Poutine, Vladivostok, date:2019…",
    .search_button = "Rechercher",
    .results_one = "résultat",
    .results_many = "résultats",
    .about = "environ",
    .no_results = "Aucun article ne correspond à cette recherche.",
    .no_results_hint = "Vérifiez l’orthographe, utilisez moins de mots ou retirez un filtre.",
    .relaxed = "Aucun article ne contient tous les mots ; voici ceux qui s’en approchent le plus.",
    .partial = "Articles où il manque un mot",
    .with_every_word = "avec tous les mots",
    .did_you_mean = "Essayez avec",
    .also_searched = "Aussi recherché en %1 :",
    .only_as_typed = "chercher seulement les mots tapés",
    .similar_one = "article similaire",
    .similar_many = "articles similaires",
    .previous = "Précédente",
    .next = "Suivante",
    .page_of = "Page %1 sur %2",
    .pages_label = "Pages",
    .filters_label = "Filtres actifs",
    .remove_filter = "Retirer le filtre",
    .clear_all = "Retirer tous les filtres",
    .timeline = "Chronologie",
    .timeline_years_label = "Résultats par année ; choisissez une année pour voir ses mois",
    .timeline_months_label = "Résultats par mois en %1 ; choisissez un mois pour filtrer",
    .all_years = "Toutes les années",
    .only_year = "Seulement %1",
    .places = "Lieux",
    .languages = "Langue",
    .sources = "Sources",
    .lang_en = "anglais",
    .lang_fr = "français",
    .undated = "sans date",
    .related = "Articles liés",
    .no_related = "Aucun article lié.",
    .back = "Retour aux résultats",
    .original = "Lire l’original",
    .error_heading = "Une erreur est survenue",
    .not_found = "Aucun article n’a cet identifiant.",
    .footer_api = "API JSON",
    .periods_heading = "%1 : de quoi parlaient les articles",
    .follow = "Suivre",
    .follow_title = "Flux Atom de cette recherche : les nouveaux articles dès leur parution",
    .download = "Télécharger ces résultats",
    .download_title = "Tous les résultats de cette recherche en CSV (100 000 au plus)",
    .months = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
};

const char* const k_month_names_en[12] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
const char* const k_month_names_fr[12] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                          "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

const UiText& ui_text(Lang lang) { return lang == Lang::fr ? k_fr : k_en; }

/// Replaces %1 and %2 in a UI string.
std::string format(std::string_view pattern, std::string_view a, std::string_view b = {}) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && (pattern[i + 1] == '1' || pattern[i + 1] == '2')) {
            out += pattern[i + 1] == '1' ? a : b;
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

/// 1234567 → "1,234,567" (en) or "1 234 567" with narrow no-break spaces (fr).
std::string format_count(std::size_t n, Lang lang) {
    std::string digits = std::to_string(n);
    std::string out;
    const char* sep = lang == Lang::fr ? "\u202f" : ",";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
        out += digits[i];
    }
    return out;
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return -1;
        v = std::min(v * 10 + (c - '0'), 100'000'000);  // saturates: no date part is that long
    }
    return s.empty() ? -1 : v;
}

/// "2024-06-19..." → "19 June 2024" / "19 juin 2024"; "2024-06" → "June 2024"; "2024" unchanged.
std::string format_date(std::string_view iso, Lang lang) {
    const int year = iso.size() >= 4 ? to_int(iso.substr(0, 4)) : -1;
    const int month = iso.size() >= 7 ? to_int(iso.substr(5, 2)) : -1;
    const int day = iso.size() >= 10 ? to_int(iso.substr(8, 2)) : -1;
    if (year < 0) return std::string(iso);
    if (month < 1 || month > 12) return std::to_string(year);
    const char* name = lang == Lang::fr ? k_month_names_fr[month - 1] : k_month_names_en[month - 1];
    if (day < 1) return std::string(name) + " " + std::to_string(year);
    if (lang == Lang::fr) return (day == 1 ? std::string("1er") : std::to_string(day)) + " " + name + " " + std::to_string(year);
    return std::to_string(day) + " " + name + " " + std::to_string(year);
}

std::string language_name(std::string_view code, const UiText& t) {
    if (code == "en") return t.lang_en;
    if (code == "fr") return t.lang_fr;
    return std::string(code);
}

/// The Atom feed of the search of `p` (newest first: no sort, page or size of its own).
std::string feed_href(const SearchParams& p) {
    SearchParams f = p;
    f.sort.clear();
    f.page = 1;
    f.size = 10;
    f.terms.reset();
    f.drill.clear();
    const std::string qs = to_query_string(f);
    return "/feed" + (qs.empty() ? std::string() : "?" + qs);
}

/// Every result of the search of `p` as CSV.
std::string export_href(const SearchParams& p) {
    SearchParams f = p;
    f.page = 1;
    f.size = 10;
    f.terms.reset();
    f.drill.clear();
    const std::string qs = to_query_string(f);
    return "/api/export?" + (qs.empty() ? std::string() : qs + "&") + "format=csv";
}

std::string search_href(const SearchParams& p) {
    const std::string qs = to_query_string(p);
    return qs.empty() ? "/" : "/?" + qs;
}

std::string article_href(const std::string& id, const SearchParams& search) {
    std::string qs = to_query_string(search);
    return "/article?id=" + url_encode(id) + (qs.empty() ? "" : "&" + qs);
}

/// Labels of the place ids of the places facet (in the request's language), falling back to the id.
std::map<std::string, std::string> place_labels(const searcher::Facets* facets) {
    std::map<std::string, std::string> labels;
    if (!facets) return labels;
    for (const FacetCount& p : facets->places) {
        if (!p.value.empty()) labels[p.value] = p.label.empty() ? p.value : p.label;
    }
    return labels;
}

/// The date of an article as the pages show it: ISO 8601, empty when undated.
std::string iso_date(const common::Article& article) { return article.date ? article.date->iso() : std::string(); }

/// `feed_href`: the Atom feed of the page's search, announced to browsers and feed readers (none: "").
void write_head(HtmlWriter& w, const PageContext& ctx, const std::string& title, const std::string& feed_href = {}) {
    const UiText& t = ui_text(ctx.ui);
    w.markup("<!doctype html>\n");
    w.open("html", {{"lang", t.lang_code}});
    w.open("head");
    w.empty("meta", {{"charset", "utf-8"}});
    w.empty("meta", {{"name", "viewport"}, {"content", "width=device-width, initial-scale=1"}});
    w.element("title", {}, title);
    w.empty("link", {{"rel", "stylesheet"}, {"href", "/style.css"}});
    w.empty("link", {{"rel", "search"}, {"type", "application/opensearchdescription+xml"}, {"title", ctx.site_name}, {"href", "/opensearch.xml"}});
    if (!feed_href.empty()) w.empty("link", {{"rel", "alternate"}, {"type", "application/atom+xml"}, {"title", title}, {"href", feed_href}});
    w.close("head");
    w.open("body", {{"class", "dl-page"}});
}

void write_header(HtmlWriter& w, const PageContext& ctx) {
    const UiText& t = ui_text(ctx.ui);
    const SearchParams& p = ctx.params;
    w.open("header", {{"class", "dl-header"}});
    SearchParams home;
    home.ui = p.ui;
    w.element("a", {{"class", "dl-brand"}, {"href", search_href(home)}}, ctx.site_name);
    w.open("form", {{"class", "dl-search"}, {"action", "/"}, {"method", "get"}, {"role", "search"}});
    w.element("label", {{"for", "dl-q"}, {"class", "dl-visually-hidden"}}, t.search_label);
    w.empty("input", {{"id", "dl-q"}, {"name", "q"}, {"type", "search"}, {"value", p.q}, {"placeholder", t.search_placeholder},
                      {"autocomplete", "off"}, {"maxlength", "1000"}});
    // A new query keeps the filters (they show as chips and can be removed) but starts at page 1.
    for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"from", &p.from}, {"to", &p.to}, {"place", &p.place},
                                      {"lang", &p.lang}, {"source", &p.source}, {"sort", &p.sort}, {"ui", &p.ui}}) {
        if (!value->empty()) w.empty("input", {{"type", "hidden"}, {"name", name}, {"value", *value}});
    }
    w.element("button", {{"type", "submit"}}, t.search_button);
    w.close("form");
    SearchParams switched = p;
    switched.ui = t.other_lang_code;
    w.open("nav", {{"class", "dl-ui-switch"}, {"aria-label", t.other_lang_name}});
    w.element("a", {{"href", search_href(switched)}, {"hreflang", t.other_lang_code}, {"lang", t.other_lang_code}}, t.other_lang_name);
    w.close("nav");
    w.close("header");
}

void write_footer(HtmlWriter& w, const PageContext& ctx) {
    const UiText& t = ui_text(ctx.ui);
    w.open("footer", {{"class", "dl-footer"}});
    w.text(ctx.site_name + " · ");
    w.element("a", {{"href", "/api/search" + (ctx.params.q.empty() ? std::string() : "?q=" + url_encode(ctx.params.q))}}, t.footer_api);
    w.close("footer");
    w.close("body");
    w.close("html");
    w.markup("\n");
}

/// One bar of the timeline.
struct Bar {
    std::string label;
    std::string tick;
    std::size_t count = 0;
    std::string href;
    bool active = false;
};

void write_histogram(HtmlWriter& w, const std::vector<Bar>& bars, const std::string& aria_label, const UiText& t, Lang lang) {
    if (bars.empty()) return;
    std::size_t max_count = 1;
    for (const Bar& b : bars) max_count = std::max(max_count, b.count);
    const double width = 320.0;
    const double chart_height = 96.0;
    const double slot = width / static_cast<double>(bars.size());
    const double gap = slot > 6 ? 2.0 : 0.5;
    char buf[64];
    auto num = [&](double v) {
        std::snprintf(buf, sizeof buf, "%.1f", v);
        return std::string(buf);
    };
    w.open("svg", {{"class", "dl-histogram"}, {"viewBox", "0 0 320 116"}, {"role", "group"}, {"aria-label", aria_label},
                   {"xmlns", "http://www.w3.org/2000/svg"}});
    // Ticks: every bar when few, else about eight evenly spaced ones.
    const std::size_t tick_every = bars.size() <= 12 ? 1 : (bars.size() + 7) / 8;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        const double h = b.count == 0 ? 0.0 : std::max(2.0, chart_height * static_cast<double>(b.count) / static_cast<double>(max_count));
        const double x = slot * static_cast<double>(i) + gap / 2;
        const std::string title =
            b.label + ": " + format_count(b.count, lang) + " " + (b.count == 1 ? t.results_one : t.results_many);
        const std::string cls = std::string("dl-bar") + (b.active ? " dl-bar-active" : "");
        if (b.count > 0 && !b.href.empty()) {
            w.open("a", {{"href", b.href}, {"aria-label", title}});
            // A full-height transparent target makes small bars easy to click.
            w.open("rect", {{"class", "dl-bar-target"}, {"x", num(x)}, {"y", "0"}, {"width", num(slot - gap)}, {"height", num(chart_height)}});
            w.close("rect");
            w.open("rect", {{"class", cls}, {"x", num(x)}, {"y", num(chart_height - h)}, {"width", num(slot - gap)}, {"height", num(h)}});
            w.element("title", {}, title);
            w.close("rect");
            w.close("a");
        } else {
            w.open("rect", {{"class", "dl-bar dl-bar-empty"}, {"x", num(x)}, {"y", num(chart_height - 1)}, {"width", num(slot - gap)}, {"height", "1"}});
            w.element("title", {}, title);
            w.close("rect");
        }
        if (i % tick_every == 0) {
            w.element("text", {{"class", "dl-tick"}, {"x", num(x + (slot - gap) / 2)}, {"y", "112"}, {"text-anchor", "middle"}}, b.tick);
        }
    }
    w.close("svg");
}

/// Under the bars, readable without hovering: each period with its words ("2019: Vladivostok, summit"),
/// a word of the other language followed by its translation; the period links to its drill-down (a year)
/// or its filter (a month).
void write_period_terms(HtmlWriter& w, const PageContext& ctx, const std::vector<FacetCount>& periods, bool months) {
    const UiText& t = ui_text(ctx.ui);
    const bool any = std::any_of(periods.begin(), periods.end(), [](const FacetCount& c) { return !c.terms.empty(); });
    if (!any) return;
    w.open("dl", {{"class", "dl-periods"}});
    for (const FacetCount& c : periods) {
        if (c.terms.empty()) continue;
        const std::string label = months ? format_date(c.value, ctx.ui) : c.value;
        SearchParams to = ctx.params;
        to.page = 1;
        if (months) {
            to.from = c.value;
            to.to = c.value;
        } else {
            to.drill = c.value;
        }
        w.open("dt");
        w.element("a", {{"href", search_href(to)}, {"title", format(t.periods_heading, label)}}, label);
        w.close("dt");
        w.open("dd");
        for (std::size_t k = 0; k < c.terms.size(); ++k) {
            const searcher::PeriodTerm& term = c.terms[k];
            if (k) w.text(", ");
            w.element("span", {{"class", "dl-period-term"}, {"lang", std::string(common::lang_code(term.lang))}}, term.word);
            if (!term.label.empty()) w.text(" (" + term.label + ")");
        }
        w.close("dd");
    }
    w.close("dl");
}

/// The timeline of a search whose facets are `facets` (none: an empty timeline).
void write_timeline(HtmlWriter& w, const PageContext& ctx, const searcher::Facets* facets) {
    const UiText& t = ui_text(ctx.ui);
    const SearchParams& p = ctx.params;
    w.open("section", {{"class", "dl-facet dl-timeline"}, {"aria-labelledby", "dl-timeline-h"}});
    w.element("h2", {{"id", "dl-timeline-h"}}, t.timeline);
    if (!p.drill.empty()) {
        const std::string year = p.drill.substr(0, 4);
        SearchParams up = p;
        up.drill.clear();
        w.open("p", {{"class", "dl-timeline-nav"}});
        w.element("a", {{"href", search_href(up)}, {"class", "dl-timeline-up"}}, std::string("← ") + t.all_years);
        w.text(" ");
        SearchParams only = p;
        only.from = year;
        only.to = year;
        only.page = 1;
        w.element("a", {{"href", search_href(only)}, {"class", "dl-timeline-year"}, {"aria-label", format(t.only_year, year)}},
                  format(t.only_year, year));
        w.close("p");
        std::map<int, std::size_t> by_month;
        if (facets) {
            for (const FacetCount& m : facets->months) {
                if (m.value.size() >= 7 && m.value.substr(0, 4) == year) by_month[to_int(m.value.substr(5, 2))] = m.count;
            }
        }
        std::vector<Bar> bars;
        for (int month = 1; month <= 12; ++month) {
            const std::string ym = year + (month < 10 ? "-0" : "-") + std::to_string(month);
            Bar b;
            b.label = format_date(ym, ctx.ui);
            b.tick = std::string(t.months[month - 1]).substr(0, ctx.ui == Lang::fr && month >= 6 && month <= 7 ? 4 : 3);
            b.count = by_month.count(month) ? by_month[month] : 0;
            SearchParams f = p;
            f.from = ym;
            f.to = ym;
            f.page = 1;
            b.href = search_href(f);
            b.active = p.from == ym && p.to == ym;
            bars.push_back(std::move(b));
        }
        write_histogram(w, bars, format(t.timeline_months_label, year), t, ctx.ui);
        if (facets) write_period_terms(w, ctx, facets->months, true);
    } else if (facets && !facets->years.empty()) {
        std::map<int, std::size_t> by_year;
        for (const FacetCount& y : facets->years) {
            const int year = to_int(y.value);
            if (year > 0) by_year[year] = y.count;
        }
        std::vector<Bar> bars;
        if (!by_year.empty()) {
            // A continuous axis: years without articles show as gaps. Very long spans keep the last 80 years.
            const int last = by_year.rbegin()->first;
            const int first = std::max(by_year.begin()->first, last - 79);
            for (int year = first; year <= last; ++year) {
                const std::string y = std::to_string(year);
                Bar b;
                b.label = y;
                b.tick = last - first >= 12 ? "'" + y.substr(2) : y;
                b.count = by_year.count(year) ? by_year[year] : 0;
                SearchParams d = p;
                d.drill = y;
                b.href = search_href(d);
                b.active = !p.from.empty() && p.from.substr(0, 4) <= y && !p.to.empty() && p.to.substr(0, 4) >= y;
                bars.push_back(std::move(b));
            }
        }
        write_histogram(w, bars, t.timeline_years_label, t, ctx.ui);
        write_period_terms(w, ctx, facets->years, false);
    }
    w.close("section");
}

void write_facet_list(HtmlWriter& w, const PageContext& ctx, const std::vector<FacetCount>& values, const char* heading,
                      const char* id, std::string SearchParams::*field, const std::map<std::string, std::string>& labels) {
    if (values.empty()) return;
    const SearchParams& p = ctx.params;
    w.open("section", {{"class", "dl-facet"}, {"aria-labelledby", id}});
    w.element("h2", {{"id", id}}, heading);
    w.open("ul", {{"class", "dl-facet-list"}});
    std::size_t shown = 0;
    for (const FacetCount& v : values) {
        const std::string& value = v.value;
        if (value.empty() || ++shown > 15) continue;
        const bool active = p.*field == value;
        SearchParams next = p;
        next.*field = active ? std::string() : value;
        next.page = 1;
        const auto label_it = labels.find(value);
        const std::string label = label_it != labels.end() ? label_it->second : v.label.empty() ? value : v.label;
        w.open("li");
        w.open("a", {{"href", search_href(next)}, {"class", active ? "dl-facet-item dl-active" : "dl-facet-item"},
                     {active ? "aria-current" : "", "true"}});
        w.element("span", {{"class", "dl-facet-label"}}, label);
        w.element("span", {{"class", "dl-facet-count"}}, format_count(v.count, ctx.ui));
        w.close("a");
        w.close("li");
    }
    w.close("ul");
    w.close("section");
}

void write_chips(HtmlWriter& w, const PageContext& ctx, const std::map<std::string, std::string>& places) {
    const UiText& t = ui_text(ctx.ui);
    const SearchParams& p = ctx.params;
    struct Chip {
        std::string label;
        SearchParams without;
    };
    std::vector<Chip> chips;
    if (!p.from.empty() || !p.to.empty()) {
        SearchParams without = p;
        without.from.clear();
        without.to.clear();
        std::string label;
        if (p.from == p.to) {
            label = format_date(p.from, ctx.ui);
        } else {
            label = (p.from.empty() ? std::string("…") : format_date(p.from, ctx.ui)) + " – " + (p.to.empty() ? std::string("…") : format_date(p.to, ctx.ui));
        }
        chips.push_back({label, without});
    }
    if (!p.place.empty()) {
        SearchParams without = p;
        without.place.clear();
        const auto it = places.find(p.place);
        chips.push_back({it != places.end() ? it->second : p.place, without});
    }
    if (!p.lang.empty()) {
        SearchParams without = p;
        without.lang.clear();
        chips.push_back({language_name(p.lang, t), without});
    }
    if (!p.source.empty()) {
        SearchParams without = p;
        without.source.clear();
        chips.push_back({p.source, without});
    }
    if (chips.empty()) return;
    w.open("ul", {{"class", "dl-chips"}, {"aria-label", t.filters_label}});
    for (Chip& chip : chips) {
        chip.without.page = 1;
        w.open("li");
        w.open("a", {{"class", "dl-chip"}, {"href", search_href(chip.without)}, {"title", t.remove_filter}});
        w.text(chip.label);
        w.element("span", {{"class", "dl-chip-x"}, {"aria-label", t.remove_filter}}, "×");
        w.close("a");
        w.close("li");
    }
    if (chips.size() > 1) {
        SearchParams none;
        none.q = p.q;
        none.ui = p.ui;
        none.size = p.size;
        none.sort = p.sort;
        w.open("li");
        w.element("a", {{"class", "dl-chip dl-chip-clear"}, {"href", search_href(none)}}, t.clear_all);
        w.close("li");
    }
    w.close("ul");
}

void write_hit(HtmlWriter& w, const PageContext& ctx, const SearchHit& hit, const std::map<std::string, std::string>& places) {
    const UiText& t = ui_text(ctx.ui);
    const common::Article& article = hit.article;
    w.open("li", {{"class", "dl-hit"}});
    w.open("h2", {{"class", "dl-hit-title"}});
    w.open("a", {{"href", article_href(article.id, ctx.params)}});
    // The title with the query's words marked, escaped once by the searcher's render_html.
    if (const std::string marked = searcher::title_html(hit); !marked.empty()) {
        w.markup(marked);
    } else {
        const std::string title = article.display_title();
        w.text(title.empty() ? article.id : title);
    }
    w.close("a");
    w.close("h2");
    w.open("p", {{"class", "dl-meta"}});
    const std::string date = iso_date(article);
    if (!date.empty()) {
        w.element("time", {{"datetime", date.substr(0, 10)}}, format_date(date, ctx.ui));
    } else {
        w.element("span", {}, t.undated);
    }
    if (!article.source.empty()) w.text(" · ").text(article.source);
    const std::string lang(common::lang_code(article.lang));
    if (!lang.empty()) {
        w.text(" · ");
        w.element("span", {{"class", "dl-lang"}, {"lang", lang}}, lang == "fr" ? "FR" : lang == "en" ? "EN" : lang);
    }
    w.close("p");
    // The passages with the query's words marked, escaped once by the searcher's render_html.
    if (const std::string snippet = searcher::snippet_html(hit); !snippet.empty()) {
        w.open("p", {{"class", "dl-snippet"}, {"lang", lang}});
        w.markup(snippet);
        w.close("p");
    } else if (!hit.extract.empty()) {
        w.element("p", {{"class", "dl-snippet"}, {"lang", lang}}, hit.extract);
    }
    if (!article.places.empty() || hit.similar) {
        w.open("p", {{"class", "dl-hit-extra"}});
        std::size_t n = 0;
        for (std::size_t k = 0; k < article.places.size(); ++k) {
            const std::string& pid = article.places[k].id;
            if (pid.empty() || ++n > 4) continue;
            SearchParams f = ctx.params;
            f.place = pid;
            f.page = 1;
            std::string label = searcher::place_label(hit, k);
            if (label.empty()) {
                const auto it = places.find(pid);
                label = it != places.end() ? it->second : pid;
            }
            w.element("a", {{"class", "dl-place"}, {"href", search_href(f)}}, label);
            w.text(" ");
        }
        if (hit.similar) {
            // The same search without folding near-duplicates shows them.
            SearchParams all = ctx.params;
            all.collapse = false;
            w.element("a", {{"class", "dl-similar"}, {"href", search_href(all)}},
                      format_count(hit.similar, ctx.ui) + " " + (hit.similar == 1 ? t.similar_one : t.similar_many));
        }
        w.close("p");
    }
    w.close("li");
}

void write_pager(HtmlWriter& w, const PageContext& ctx, std::size_t total) {
    const UiText& t = ui_text(ctx.ui);
    const SearchParams& p = ctx.params;
    if (p.size == 0 || total <= p.size) return;
    const std::size_t pages = (total + p.size - 1) / p.size;
    w.open("nav", {{"class", "dl-pager"}, {"aria-label", t.pages_label}});
    if (p.page > 1) {
        SearchParams prev = p;
        prev.page = p.page - 1;
        w.element("a", {{"href", search_href(prev)}, {"rel", "prev"}, {"class", "dl-pager-prev"}}, std::string("← ") + t.previous);
    }
    w.open("ol", {{"class", "dl-pager-pages"}});
    std::size_t last_shown = 0;
    for (std::size_t n = 1; n <= pages; ++n) {
        const bool near = n == 1 || n == pages || (n + 2 >= p.page && n <= p.page + 2);
        if (!near) continue;
        if (last_shown && n > last_shown + 1) w.element("li", {{"class", "dl-pager-gap"}, {"aria-hidden", "true"}}, "…");
        last_shown = n;
        SearchParams to = p;
        to.page = n;
        w.open("li");
        if (n == p.page) {
            w.element("span", {{"aria-current", "page"}, {"class", "dl-pager-current"}}, format_count(n, ctx.ui));
        } else {
            w.element("a", {{"href", search_href(to)}, {"aria-label", format(t.page_of, std::to_string(n), std::to_string(pages))}},
                      format_count(n, ctx.ui));
        }
        w.close("li");
    }
    w.close("ol");
    if (p.page < pages) {
        SearchParams next = p;
        next.page = p.page + 1;
        w.element("a", {{"href", search_href(next)}, {"rel", "next"}, {"class", "dl-pager-next"}}, std::string(t.next) + " →");
    }
    w.close("nav");
}

}  // namespace

std::string render_search_page(const PageContext& ctx, const SearchPageData& data) {
    const UiText& t = ui_text(ctx.ui);
    const SearchParams& p = ctx.params;
    HtmlWriter w;
    write_head(w, ctx, p.q.empty() ? ctx.site_name : p.q + " — " + ctx.site_name, p.q.empty() ? std::string() : feed_href(p));
    write_header(w, ctx);
    const SearchResponse* r = data.response ? &*data.response : nullptr;
    const searcher::Facets* facets = r && r->facets ? &*r->facets : nullptr;
    const std::map<std::string, std::string> places = place_labels(facets);
    w.open("main", {{"class", "dl-main"}});
    w.open("div", {{"class", "dl-results"}});
    write_chips(w, ctx, places);
    if (!data.error.empty()) {
        w.open("div", {{"class", "dl-error"}, {"role", "alert"}});
        w.element("h2", {}, t.error_heading);
        w.element("p", {}, data.error);
        w.close("div");
    } else if (r) {
        const std::size_t total = r->total;
        const bool exact = r->total_exact;
        w.open("p", {{"class", "dl-count"}, {"role", "status"}});
        if (total == 0) {
            w.text(t.no_results);
        } else {
            w.text((exact ? std::string() : std::string(t.about) + " ") + format_count(total, ctx.ui) + " " +
                   (total == 1 ? t.results_one : t.results_many));
            // The list goes on past them with the articles missing a word.
            if (r->partial_from.value_or(0) > 0) w.text(std::string(" ") + t.with_every_word);
        }
        w.close("p");
        if (!p.q.empty()) {
            w.open("p", {{"class", "dl-follow"}});
            w.element("a", {{"href", feed_href(p)}, {"class", "dl-follow-link"}, {"type", "application/atom+xml"}, {"title", t.follow_title}}, t.follow);
            if (total > 0) {
                w.text(" · ");
                w.element("a", {{"href", export_href(p)}, {"class", "dl-download-link"}, {"download", ""}, {"title", t.download_title}}, t.download);
            }
            w.close("p");
        }
        const std::string correction = r->did_you_mean.value_or(std::string());
        if (!correction.empty() && correction != p.q) {
            SearchParams corrected = p;
            corrected.q = correction;
            corrected.page = 1;
            w.open("p", {{"class", "dl-didyoumean"}});
            w.text(std::string(t.did_you_mean) + " ");
            w.open("a", {{"href", search_href(corrected)}});
            w.element("strong", {}, correction);
            w.close("a");
            // French puts a (narrow no-break) space before a question mark; English does not.
            w.text(ctx.ui == Lang::fr ? "\u202f?" : "?");
            w.close("p");
        }
        // The translations searched besides the words ("Also searched in French: chômage, séisme"), one line
        // per language translated into, and a link to search the words alone.
        for (const Lang into : {Lang::fr, Lang::en}) {
            std::string words;
            for (const auto& tr : r->translations) {
                if (tr.from == into) continue;
                for (const auto& target : tr.targets) words += (words.empty() ? "" : ", ") + target;
            }
            if (words.empty()) continue;
            SearchParams typed = p;
            typed.translate = false;
            typed.page = 1;
            w.open("p", {{"class", "dl-translations"}, {"lang", ctx.ui == Lang::fr ? "fr" : "en"}});
            w.text(format(t.also_searched, into == Lang::fr ? t.lang_fr : t.lang_en) + " ");
            w.element("span", {{"lang", into == Lang::fr ? "fr" : "en"}}, words);
            w.text(" · ");
            w.open("a", {{"href", search_href(typed)}});
            w.text(t.only_as_typed);
            w.close("a");
            w.close("p");
        }
        if (r->relaxed) w.element("p", {{"class", "dl-relaxed"}}, t.relaxed);
        if (total == 0) w.element("p", {{"class", "dl-hint"}}, t.no_results_hint);
        if (!r->hits.empty()) {
            // The articles missing a word follow the head under their own heading (a new list: an <ol>
            // holds only items).
            const std::size_t partial_from = r->partial_from.value_or(0);
            bool open = false;
            for (const SearchHit& hit : r->hits) {
                const std::size_t rank = hit.rank;
                if (partial_from > 0 && rank == partial_from) {
                    if (open) w.close("ol");
                    open = false;
                    w.element("h2", {{"class", "dl-partial"}}, t.partial);
                }
                if (!open) {
                    w.open("ol", {{"class", "dl-hits"}, {"start", std::to_string(rank)}});
                    open = true;
                }
                write_hit(w, ctx, hit, places);
            }
            if (open) w.close("ol");
        }
        write_pager(w, ctx, total);
    }
    w.close("div");
    w.open("aside", {{"class", "dl-facets"}});
    if (r) {
        write_timeline(w, ctx, facets);
        if (facets) {
            write_facet_list(w, ctx, facets->places, t.places, "dl-places-h", &SearchParams::place, places);
            const std::map<std::string, std::string> names = {{"en", t.lang_en}, {"fr", t.lang_fr}};
            write_facet_list(w, ctx, facets->languages, t.languages, "dl-langs-h", &SearchParams::lang, names);
            write_facet_list(w, ctx, facets->sources, t.sources, "dl-sources-h", &SearchParams::source, {});
        }
    }
    w.close("aside");
    w.close("main");
    write_footer(w, ctx);
    return w.take();
}

std::string render_article_page(const PageContext& ctx, const common::Article& article, const std::vector<std::string>& place_labels,
                                const std::optional<SearchResponse>& related) {
    const UiText& t = ui_text(ctx.ui);
    HtmlWriter w;
    const std::string title = article.display_title();
    write_head(w, ctx, title + " — " + ctx.site_name);
    write_header(w, ctx);
    w.open("main", {{"class", "dl-main dl-article-main"}});
    const std::string lang(common::lang_code(article.lang));
    w.open("article", {{"class", "dl-article"}, {lang.empty() ? "" : "lang", lang}});
    w.open("p", {{"class", "dl-back"}});
    w.element("a", {{"href", search_href(ctx.params)}}, std::string("← ") + t.back);
    w.close("p");
    w.element("h1", {{"class", "dl-article-title"}}, title);
    w.open("p", {{"class", "dl-meta"}});
    if (article.date) {
        w.element("time", {{"datetime", article.date->iso()}}, format_date(article.date->iso(), ctx.ui));
    } else {
        w.text(t.undated);
    }
    if (!article.source.empty()) w.text(" · " + article.source);
    if (!lang.empty()) w.text(" · " + language_name(lang, t));
    w.close("p");
    if (!article.places.empty()) {
        w.open("p", {{"class", "dl-hit-extra"}});
        for (std::size_t k = 0; k < article.places.size(); ++k) {
            SearchParams f;
            f.place = article.places[k].id;
            f.ui = ctx.params.ui;
            const std::string& label = k < place_labels.size() && !place_labels[k].empty() ? place_labels[k] : article.places[k].id;
            w.element("a", {{"class", "dl-place"}, {"href", search_href(f)}}, label);
            w.text(" ");
        }
        w.close("p");
    }
    w.open("div", {{"class", "dl-article-body"}});
    // Paragraphs are separated by blank lines in the stored body.
    std::size_t start = 0;
    const std::string& body = article.body;
    while (start < body.size()) {
        std::size_t end = body.find("\n\n", start);
        if (end == std::string::npos) end = body.size();
        std::string_view para(body.data() + start, end - start);
        while (!para.empty() && (para.front() == '\n' || para.front() == ' ')) para.remove_prefix(1);
        if (!para.empty()) w.element("p", {}, para);
        start = end + 2;
    }
    w.close("div");
    if (is_web_url(article.url)) {
        w.open("p", {{"class", "dl-original"}});
        w.element("a", {{"href", article.url}, {"rel", "noopener noreferrer nofollow"}}, t.original);
        w.close("p");
    }
    w.close("article");
    w.open("aside", {{"class", "dl-related"}, {"aria-labelledby", "dl-related-h"}});
    w.element("h2", {{"id", "dl-related-h"}}, t.related);
    if (related && !related->hits.empty()) {
        w.open("ul", {{"class", "dl-related-list"}});
        for (const SearchHit& hit : related->hits) {
            const common::Article& other = hit.article;
            const std::string other_title = other.display_title();
            w.open("li");
            w.element("a", {{"href", article_href(other.id, ctx.params)}}, other_title.empty() ? other.id : other_title);
            if (const std::string date = iso_date(other); !date.empty()) {
                w.text(" ");
                w.element("time", {{"datetime", date.substr(0, 10)}, {"class", "dl-meta"}}, format_date(date, ctx.ui));
            }
            w.close("li");
        }
        w.close("ul");
    } else {
        w.element("p", {}, t.no_related);
    }
    w.close("aside");
    w.close("main");
    write_footer(w, ctx);
    return w.take();
}

std::string render_message_page(const PageContext& ctx, const std::string& heading, const std::string& message) {
    HtmlWriter w;
    write_head(w, ctx, heading + " — " + ctx.site_name);
    write_header(w, ctx);
    w.open("main", {{"class", "dl-main dl-article-main"}});
    w.open("div", {{"class", "dl-error"}, {"role", "alert"}});
    w.element("h1", {}, heading);
    w.element("p", {}, message);
    w.close("div");
    w.close("main");
    write_footer(w, ctx);
    return w.take();
}

std::string render_opensearch(const std::string& site_name, const std::string& base_url) {
    // XML shares HTML's escaping rules for text and attribute values.
    HtmlWriter w;
    w.markup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open("OpenSearchDescription", {{"xmlns", "http://a9.com/-/spec/opensearch/1.1/"}});
    w.element("ShortName", {}, site_name);
    w.element("Description", {}, site_name + " news archive search");
    w.element("InputEncoding", {}, "UTF-8");
    w.empty("Url", {{"type", "text/html"}, {"method", "get"}, {"template", base_url + "/?q={searchTerms}"}});
    w.close("Url");
    w.empty("Url", {{"type", "application/x-suggestions+json"}, {"method", "get"}, {"template", base_url + "/api/suggest?q={searchTerms}&format=opensearch"}});
    w.close("Url");
    w.empty("Url", {{"type", "application/json"}, {"method", "get"}, {"template", base_url + "/api/search?q={searchTerms}"}});
    w.close("Url");
    w.close("OpenSearchDescription");
    w.markup("\n");
    return w.take();
}

}  // namespace dateline::server
