// Chrome (site template) removal from scraped pages: learned per source, shape rules for a page alone,
// and the end-to-end promise: template words are not searchable, the weather city is not in the story.
#include "indexer/diagnostics.hpp"
#include "indexer/formats.hpp"
#include "indexer/index_writer.hpp"
#include "indexer/scraped_source.hpp"

#include "common/dates.hpp"
#include "common/schema.hpp"
#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;
using indexer::ChromeModel;
using indexer::LineShape;

namespace {

const std::string k_scraped_dir = std::string(DATELINE_SAMPLE_CORPUS) + "/scraped/islandpost";

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::filesystem::path> scraped_pages() {
    std::vector<std::filesystem::path> pages;
    for (const auto& e : std::filesystem::directory_iterator(k_scraped_dir)) pages.push_back(e.path());
    std::sort(pages.begin(), pages.end());
    return pages;
}

ChromeModel learn(const std::vector<std::string>& pages) {
    ChromeModel model;
    for (const auto& p : pages) model.add_page(p);
    model.finish();
    return model;
}

/// The lines the sample corpus README lists as the scraped site's template (weather cities apart).
const char* const k_template_lines[] = {"Download The App:", "Read in French", "Read in English", "Must Read",
                                        "- Advertisement -spot_img", "More Articles", "Please enter your comment!",
                                        "Please enter your name here", "Latest Articles"};

/// A made-up site with another template, other words and another language: nothing is tied to one site.
std::string other_site_page(int k, const std::string& city, const std::string& headline) {
    static const char* const days[] = {"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"};
    // 2 June 2025 was a Monday.
    const int day = 2 + k;
    std::ostringstream page;
    page << (17 + k) << "°C\n" << city << "\n" << days[k % 7] << " " << day << " juin 2025\n\n"
         << "Suivez-nous sur les réseaux\nPublicité\n\n" << headline << "\n\n"
         << "Le conseil municipal a voté mardi soir un budget de " << (100 + k)
         << " millions de roupies pour la rénovation des routes et des écoles de la ville, après un long débat.\n\n"
         << "Les travaux commenceront dès le mois prochain et devraient durer " << (2 + k)
         << " ans, selon le maire, qui promet de limiter la gêne pour les habitants.\n\n"
         << "À lire aussi\nLaisser un commentaire\nVotre adresse ne sera pas publiée.\n";
    return page.str();
}


/// Sites whose page date shares a header line with other chrome (weather city, temperature, masthead),
/// written for these tests: each layout is one site of 5 pages with different dates and temperatures.
struct DatedChromeSite {
    const char* name;  // the directory, so the source group
    const char* lang;
    /// The header line holding the page date of `date` (k: the page, for the varying weather).
    std::string (*header)(const common::NewsDate& date, int k);
    bool dated;  // false: two different dates in the header, the page date is refused
};

common::NewsDate news_date(int y, int m, int d) {
    common::NewsDate date;
    date.year = y;
    date.month = m;
    date.day = d;
    return date;
}
const common::NewsDate k_page_dates[] = {news_date(2020, 2, 4), news_date(2020, 2, 13), news_date(2021, 3, 21),
                                         news_date(2019, 11, 8), news_date(2022, 7, 30)};
const char* const k_weather_cities[] = {"Curepipe", "Port Louis", "Rose-Hill", "Mahébourg", "Curepipe"};
const char* const k_temperatures[] = {"19.5", "27", "24.1", "31", "22.8"};

int weekday(const common::NewsDate& d) {  // 0 = Monday; 1970-01-01 was a Thursday
    return static_cast<int>(((common::days_from_civil(d.year, d.month, d.day) % 7) + 7 + 3) % 7);
}
std::string two_digits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
const char* const k_en_weekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char* const k_fr_weekdays[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
const char* const k_en_months[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                                   "October", "November", "December"};
const char* const k_fr_months[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                                   "octobre", "novembre", "décembre"};
std::string en_long(const common::NewsDate& d) {
    return std::string(k_en_weekdays[weekday(d)]) + ", " + k_en_months[d.month - 1] + " " + std::to_string(d.day) + ", " +
           std::to_string(d.year);
}
std::string fr_long(const common::NewsDate& d) {
    return std::string(k_fr_weekdays[weekday(d)]) + " " + std::to_string(d.day) + " " + k_fr_months[d.month - 1] + " " +
           std::to_string(d.year);
}
std::string weather(int k, const char* gap) { return std::string(k_weather_cities[k]) + " " + k_temperatures[k] + gap + "°C"; }

const DatedChromeSite k_dated_chrome_sites[] = {
    // The layout: weather, then the French date with its weekday after a bar.
    {"courrier-sud", "fr", [](const common::NewsDate& d, int k) { return weather(k, " ") + "  |  " + fr_long(d); }, true},
    // The English date first, then the weather after a middle dot.
    {"island-daily", "en", [](const common::NewsDate& d, int k) { return en_long(d) + " · " + weather(k, ""); }, true},
    // A masthead, a short English date without weekday and the weather, between em dashes.
    {"lagoon-weekly", "en",
     [](const common::NewsDate& d, int k) {
         return "Lagoon Weekly — " + std::to_string(d.day) + " " + std::string(k_en_months[d.month - 1]).substr(0, 3) + " " +
                std::to_string(d.year) + " — " + weather(k, " ");
     },
     true},
    // French, capitalised weekday first, then the weather after an em dash.
    {"echo-des-iles", "fr",
     [](const common::NewsDate& d, int k) {
         std::string date = fr_long(d);
         date[0] = static_cast<char>(date[0] - 'a' + 'A');
         return date + " — " + weather(k, " ");
     },
     true},
    // Day-first numeric dates between slashes used as separators (13/02, 21/03, 30/07: no doubt about the order).
    {"edition-nord", "fr",
     [](const common::NewsDate& d, int k) {
         return "Édition du Nord / " + two_digits(d.day) + "/" + two_digits(d.month) + "/" + std::to_string(d.year) + " / " +
                weather(k, " ");
     },
     true},
    // Two different dates in the header (published and updated): which one is the page's is a guess, refused.
    {"harbour-times", "en",
     [](const common::NewsDate& d, int k) {
         common::NewsDate next = d;
         next.day += 1;
         return en_long(d) + " | Updated: " + std::string(k_en_months[next.month - 1]) + " " + std::to_string(next.day) + ", " +
                std::to_string(next.year) + " | " + weather(k, "");
     },
     false},
};

const char* const k_en_headlines[] = {"Council votes a budget for roads and schools", "Schools reopen after the works",
                                      "A new bus line for the town centre", "The central market closes for repairs",
                                      "The public beach will be extended"};
const char* const k_fr_headlines[] = {"Le conseil vote un budget pour les routes", "Les écoles rouvrent après les travaux",
                                      "Une nouvelle ligne de bus pour le centre", "Le marché central ferme pour travaux",
                                      "La plage publique sera agrandie"};

/// The words of a page around its header, in one language: menus, two paragraphs (the first naming another
/// date, which is not the page's), footer.
struct PageWords {
    const char* menus;
    const char* const* headlines;
    const char* budget[3];  // before the amount, between amount and years, after the years
    const char* footer;
};
const PageWords k_fr_words = {
    "Accueil\nActualités\nSports\n", k_fr_headlines,
    {"Le conseil municipal a voté mardi soir un budget de ",
     " millions de roupies pour la rénovation des routes et des écoles, après la réunion du 12 mars 2019 restée sans "
     "accord.\n\nLes travaux commenceront dès le mois prochain et devraient durer ",
     " ans, selon le maire, qui promet de limiter la gêne pour les habitants du quartier."},
    "Partager cet article\nLaisser un commentaire\n"};
const PageWords k_en_words = {
    "Home\nNews\nSports\n", k_en_headlines,
    {"The town council voted a budget of ",
     " million rupees on Tuesday evening to repair roads and schools, after the meeting on 12 March 2019 ended without "
     "an agreement.\n\nWork will start next month and should last ",
     " years, according to the mayor, who promised to keep the disruption for residents as small as possible."},
    "Share this article\nLeave a comment\n"};

/// Page k of a site: the dated header line, then the page words of its language.
std::string dated_chrome_page(const DatedChromeSite& site, int k) {
    const PageWords& words = std::string_view(site.lang) == "fr" ? k_fr_words : k_en_words;
    std::ostringstream page;
    page << site.header(k_page_dates[k], k) << "\n\n" << words.menus << "\n" << words.headlines[k] << "\n\n"
         << words.budget[0] << (100 + k) << words.budget[1] << (2 + k) << words.budget[2] << "\n\n" << words.footer;
    return page.str();
}

}  // namespace

TEST_CASE("line shapes", "[chrome]") {
    struct Row {
        const char* line;
        LineShape shape;
    };
    const Row rows[] = {
        {"26.2 C", LineShape::temperature},     {"18°C", LineShape::temperature},
        {"-3 °F", LineShape::temperature},      {"24,0 C", LineShape::temperature},
        {"Thursday, July 25, 2024", LineShape::date}, {"Jeudi 25 juillet 2024", LineShape::date},
        {"Friday, July 25, 2024", LineShape::date},   // date-shaped even though the weekday is wrong
        {"12:30", LineShape::number},           {"1,234", LineShape::number},
        {"Port Louis", LineShape::name},        {"Rose-Hill", LineShape::name},
        {"Curepipe", LineShape::name},          {"Saint-Pierre de la Réunion", LineShape::name},
        {"Must Read", LineShape::name},         {"Download The App:", LineShape::text},
        {"Read in French", LineShape::text},    {"World adopts Paris climate agreement", LineShape::text},
        {"C", LineShape::text},                 {"Paris", LineShape::name},                 {"2024 Olympics", LineShape::text},
    };
    for (const auto& row : rows) {
        INFO(row.line);
        CHECK(indexer::line_shape(row.line) == row.shape);
    }
}

TEST_CASE("the template is learned from a site's pages: recurring lines, shapes, the weather-city slot", "[chrome]") {
    std::vector<std::string> pages;
    for (const auto& p : scraped_pages()) pages.push_back(slurp(p));
    REQUIRE(pages.size() == 14);
    const ChromeModel model = learn(pages);
    REQUIRE(model.learned());
    for (const char* line : k_template_lines) {
        INFO(line);
        CHECK(model.recurring_line(line));
    }
    CHECK(model.template_shape(LineShape::temperature));
    CHECK(model.template_shape(LineShape::date));
    CHECK_FALSE(model.template_shape(LineShape::number));
    // Rose-Hill is on 2 pages only, yet it sits where the weather city always sits.
    CHECK_FALSE(model.recurring_line("Rose-Hill"));
    CHECK(model.template_slot(indexer::ChromeRole::temperature, indexer::ChromeRole::date));
    CHECK_FALSE(model.recurring_line("World adopts Paris climate agreement after two weeks of talks"));
    // Too few pages: nothing is learned.
    CHECK_FALSE(learn({pages[0], pages[1]}).learned());
}

TEST_CASE("scraped pages: headline, page date and paragraphs, without template or weather city", "[chrome]") {
    std::vector<std::string> pages;
    const auto paths = scraped_pages();
    for (const auto& p : paths) pages.push_back(slurp(p));
    const ChromeModel model = learn(pages);
    for (std::size_t k = 0; k < pages.size(); ++k) {
        INFO(paths[k].filename().string());
        const auto learned = indexer::extract_scraped_page(pages[k], &model);
        const auto alone = indexer::extract_scraped_page(pages[k], nullptr, paths[k].string());
        for (const auto* page : {&learned, &alone}) {
            CHECK_FALSE(page->title.empty());
            CHECK_FALSE(page->date_text.empty());
            CHECK(page->date_line == 3);
            for (const char* line : k_template_lines) CHECK(page->body.find(line) == std::string::npos);
            CHECK(page->body.find(" C\n") == std::string::npos);
            // Only the Caudan story is about Port Louis; no story mentions Curepipe or Rose-Hill.
            CHECK(page->body.find("Curepipe") == std::string::npos);
            CHECK(page->body.find("Rose-Hill") == std::string::npos);
            if (paths[k].string().find("port-louis") == std::string::npos) {
                CHECK(page->body.find("Port Louis") == std::string::npos);
            } else {
                CHECK(page->body.find("Port Louis") != std::string::npos);
                CHECK_FALSE(page->body.starts_with("Port Louis"));
            }
            CHECK(page->body.find("\n\n") != std::string::npos);
            CHECK(page->chrome_lines.size() >= 12);
        }
        // Alone, the shape rules find the same article as the learned template.
        CHECK(alone.title == learned.title);
        CHECK(alone.body == learned.body);
        CHECK(alone.date_text == learned.date_text);
    }
}

TEST_CASE("another site's template is learned just the same: nothing is tied to one site's strings", "[chrome]") {
    const char* const cities[] = {"Antananarivo", "Toamasina", "Antananarivo", "Mahajanga", "Antananarivo", "Toamasina"};
    const char* const headlines[] = {"Budget voté pour les routes", "La mairie rénove ses écoles",
                                     "Travaux : deux ans de chantier", "Un débat long mais utile",
                                     "Routes et écoles : le plan", "Le maire promet moins de gêne"};
    std::vector<std::string> pages;
    for (int k = 0; k < 6; ++k) pages.push_back(other_site_page(k, cities[k], headlines[k]));
    const ChromeModel model = learn(pages);
    REQUIRE(model.learned());
    for (int k = 0; k < 6; ++k) {
        INFO("page " << k);
        const auto page = indexer::extract_scraped_page(pages[static_cast<std::size_t>(k)], &model);
        CHECK(page.title == headlines[k]);
        CHECK(page.date_text.find("juin 2025") != std::string::npos);
        CHECK(page.body.starts_with("Le conseil municipal"));
        CHECK(page.body.ends_with("pour les habitants."));
        for (const char* chrome : {"Suivez-nous", "Publicité", "lire aussi", "commentaire", "publiée", cities[k], "°C"}) {
            CHECK(page.body.find(chrome) == std::string::npos);
        }
    }
}

TEST_CASE("indexed scraped pages: template words are unsearchable, the weather city is not in the text", "[chrome]") {
    const TempDir dir;
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    const auto summary = indexer::index_inputs(dir / "db", {std::string(DATELINE_SAMPLE_CORPUS) + "/scraped"}, {}, options, diagnostics);
    INFO(messages.str());
    CHECK(summary.articles_indexed == 14);
    CHECK(diagnostics.errors() == 0);
    CHECK(diagnostics.warnings() == 0);
    Xapian::Database db(dir / "db");
    // Positional words (E/S/Z prefixes follow the same analysis).
    for (const char* word : {"advertisement", "comment", "download", "app", "spot", "img", "spot_img", "latest", "must",
                             "curepipe", "rosehill", "hill"}) {
        INFO(word);
        CHECK(db.get_termfreq(word) == 0);
        CHECK(db.get_termfreq(std::string("S") + word) == 0);
    }
    for (const char* stem : {"Zadvertis", "Zcomment", "Zdownload", "Zapp"}) {
        INFO(stem);
        CHECK(db.get_termfreq(stem) == 0);
    }
    // Port Louis: only the one story about it.
    CHECK(db.get_termfreq("louis") == 1);
}

TEST_CASE("a single page alone is cleaned by shape rules, a page with no template keeps everything", "[chrome]") {
    const auto brief = indexer::extract_scraped_page(
        "CUREPIPE – The municipal market will close for renovation from Monday, the town council said on Friday.\n", nullptr);
    CHECK(brief.title.empty());
    CHECK(brief.body.starts_with("CUREPIPE"));
    const auto plain = indexer::extract_scraped_page(
        "A headline without chrome\n\nThe first paragraph of a story that has no site template around it at all.\n\n"
        "A second paragraph, shorter.\n",
        nullptr);
    CHECK(plain.title == "A headline without chrome");
    CHECK(plain.body == "The first paragraph of a story that has no site template around it at all.\n\nA second paragraph, shorter.");
    CHECK(plain.chrome_lines.empty());
    const auto wrapped = indexer::extract_scraped_page(
        "31.0 C\nPort Louis\nMonday, June 9, 2025\n\nTitle of a hard-wrapped story\n\n"
        "This paragraph was wrapped by the scraper at a fixed width, so its\nlines must be joined again with a space "
        "before it is indexed as one paragraph.\n\n- Advertisement -\n\nMore Articles\n",
        nullptr);
    CHECK(wrapped.title == "Title of a hard-wrapped story");
    CHECK(wrapped.body ==
          "This paragraph was wrapped by the scraper at a fixed width, so its lines must be joined again with a space "
          "before it is indexed as one paragraph.");
    CHECK(wrapped.date_text == "Monday, June 9, 2025");
}

TEST_CASE("indexed pages whose date shares a header line with chrome: date, title, language, the line unsearchable",
          "[chrome]") {
    const TempDir dir;
    std::size_t fr_pages = 0;
    std::size_t en_pages = 0;
    for (const auto& site : k_dated_chrome_sites) {
        std::filesystem::create_directories(dir.path() / "scraped" / site.name);
        for (int k = 0; k < 5; ++k) {
            std::ofstream(dir.path() / "scraped" / site.name / ("page-" + std::to_string(k) + ".txt")) << dated_chrome_page(site, k);
            ++(std::string_view(site.lang) == "fr" ? fr_pages : en_pages);
        }
    }
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    const auto summary = indexer::index_inputs(dir / "db", {dir / "scraped"}, {}, options, diagnostics);
    INFO(messages.str());
    CHECK(summary.articles_indexed == 30);
    CHECK(diagnostics.errors() == 0);
    Xapian::Database db(dir / "db");
    CHECK(db.get_termfreq(common::schema::lang_term("fr")) == fr_pages);
    CHECK(db.get_termfreq(common::schema::lang_term("en")) == en_pages);
    // Every page's date, read from the header; the refusing site's pages are undated, none is wrong.
    std::size_t found = 0;
    std::size_t refused = 0;
    std::size_t wrong = 0;
    for (const auto& site : k_dated_chrome_sites) {
        for (int k = 0; k < 5; ++k) {
            const std::string id = std::string(site.name) + "/page-" + std::to_string(k) + ".txt";
            Xapian::PostingIterator doc = db.postlist_begin("");
            std::string date;
            bool seen = false;
            for (; doc != db.postlist_end(""); ++doc) {
                const Xapian::Document d = db.get_document(*doc);
                if (d.get_value(common::schema::k_slot_id_term).ends_with(id)) {
                    date = d.get_value(common::schema::k_slot_date);
                    seen = true;
                }
            }
            INFO(id);
            REQUIRE(seen);
            if (date.empty()) {
                ++refused;
            } else if (site.dated && date == k_page_dates[k].yyyymmdd()) {
                ++found;
            } else {
                ++wrong;
            }
        }
    }
    CHECK(found == 25);
    CHECK(refused == 5);
    CHECK(wrong == 0);
    // The header line's words are chrome: never searchable.
    for (const char* word : {"curepipe", "louis", "rosehill", "hill", "mahebourg", "lagoon", "weekly", "updated", "edition",
                             "nord", "c"}) {
        INFO(word);
        CHECK(db.get_termfreq(word) == 0);
        CHECK(db.get_termfreq(std::string("S") + word) == 0);
    }
}

TEST_CASE("a page date between separators in learned chrome: headline, date and body of each page", "[chrome]") {
    for (const auto& site : k_dated_chrome_sites) {
        std::vector<std::string> pages;
        for (int k = 0; k < 5; ++k) pages.push_back(dated_chrome_page(site, k));
        const ChromeModel model = learn(pages);
        REQUIRE(model.learned());
        const PageWords& words = std::string_view(site.lang) == "fr" ? k_fr_words : k_en_words;
        for (int k = 0; k < 5; ++k) {
            INFO(site.name << " page " << k);
            const auto page = indexer::extract_scraped_page(pages[static_cast<std::size_t>(k)], &model);
            CHECK(page.title == words.headlines[k]);
            CHECK(page.body.starts_with(words.budget[0]));
            CHECK(page.date_line == 1);
            if (site.dated) {
                REQUIRE(page.date.has_value());
                CHECK(*page.date == k_page_dates[k]);
                CHECK(page.date_refusal.empty());
            } else {
                CHECK_FALSE(page.date.has_value());
                CHECK(page.date_refusal.find("two different dates") != std::string::npos);
            }
            for (const char* chrome : {k_weather_cities[k], "°C", "Sports", "Weekly", "Updated"}) CHECK(page.body.find(chrome) == std::string::npos);
        }
    }
}
