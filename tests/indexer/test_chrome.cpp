// Chrome (site template) removal from scraped pages: learned per source, shape rules for a page alone,
// and the end-to-end promise: template words are not searchable, the weather city is not in the story.
#include "indexer/diagnostics.hpp"
#include "indexer/formats.hpp"
#include "indexer/index_writer.hpp"
#include "indexer/scraped_source.hpp"

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
