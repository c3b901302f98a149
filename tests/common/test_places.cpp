// Tests of the gazetteer and the place matcher: names in both languages, the ambiguity traps, datelines.
#include <algorithm>
#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/places.hpp"

using namespace dateline::common;

namespace {

/// The project's gazetteer, loaded once for the whole binary.
const Gazetteer& gazetteer() {
    static const Gazetteer g = Gazetteer::load_default();
    return g;
}

const PlaceExtractor& extractor() {
    static const PlaceExtractor x(gazetteer());
    return x;
}

const PlaceExtractor& explainer() {
    static const PlaceExtractor x(gazetteer(), nullptr, PlaceExtractorOptions{.explain = true});
    return x;
}

std::vector<std::string> ids_of(const ArticlePlaces& places) {
    std::vector<std::string> ids;
    for (const ArticlePlace& p : places.places) ids.push_back(p.id);
    return ids;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

using dateline::testing::TempDir;

/// An article, with places expected among its places and places that must not be.
struct PlaceCase {
    const char* what;
    const char* title;
    const char* body;
    Lang lang;
    std::vector<std::string> present;
    std::vector<std::string> absent;
};

void check_places(const std::vector<PlaceCase>& cases) {
    for (const PlaceCase& c : cases) {
        INFO(c.what << ": " << c.title << " / " << c.body);
        const std::vector<std::string> ids = ids_of(extractor().extract(c.title, c.body, c.lang));
        for (const std::string& id : c.present) {
            INFO("expected " << id);
            CHECK(has(ids, id));
        }
        for (const std::string& id : c.absent) {
            INFO("not expected " << id);
            CHECK_FALSE(has(ids, id));
        }
    }
}

const std::string k_main_header = "id\tkind\tcountry\tadmin1\tpopulation\tname_en\tname_fr\taliases\tlat\tlon\n";
const std::string k_curated_header = "id\tkind\tcountry\tpopulation\tname_en\tname_fr\tnames\n";

}  // namespace

TEST_CASE("every spelling of a place's name finds it", "[places]") {
    struct Row {
        const char* name;
        const char* id;
    };
    const Row rows[] = {
        {"Corée du Nord", "KP"},
        {"North Korea", "KP"},
        {"DPRK", "KP"},
        {"D.P.R.K.", "KP"},
        {"Nord-Corée", "KP"},
        {"coree-du-nord", "KP"},
        {"États-Unis", "US"},
        {"Etats Unis", "US"},
        {"Etats-Unis", "US"},
        {"U.S.", "US"},
        {"USA", "US"},
        {"United States", "US"},
        {"Royaume-Uni", "GB"},
        {"Grande-Bretagne", "GB"},
        {"UK", "GB"},
        {"Moscou", "gn524901"},
        {"Moscow", "gn524901"},
        {"Kiev", "gn703448"},
        {"Kyiv", "gn703448"},
        {"Port Louis", "gn934154"},
        {"Port-Louis", "gn934154"},
        {"Pyongyang", "gn1871859"},
        {"La Réunion", "RE"},
        {"Réunion", "RE"},
        {"Rodrigues", "x-rodrigues"},
        {"Chagos", "x-chagos"},
        {"archipel des Chagos", "x-chagos"},
        {"Kursk region", "RU.41"},
        {"région de Koursk", "RU.41"},
        {"the Gulf", "x-gulf"},
        {"le Golfe", "x-gulf"},
        {"Vatican", "VA"},
        {"Côte d'Ivoire", "CI"},
        {"Côte d’Ivoire", "CI"},
        {"Cote d'Ivoire", "CI"},
        {"russes", "RU"},
        {"nord-coréenne", "KP"},
        {"Mauritian", "MU"},
        {"mauriciennes", "MU"},
        {"Malagasy", "MG"},
        {"réunionnais", "RE"},
    };
    for (const Row& row : rows) {
        INFO(row.name);
        const std::vector<const Place*> found = gazetteer().lookup(row.name);
        REQUIRE_FALSE(found.empty());
        CHECK(found.front()->id == row.id);
    }
    CHECK(gazetteer().lookup("Atlantis of the North").empty());
    // Metonyms are evidence in an article's text only: a reader typing them means the institution.
    for (const char* metonym : {"Nasdaq", "Kremlin", "Fed", "Wall Street", "Bundesbank"}) {
        INFO(metonym);
        for (const Place* p : gazetteer().lookup(metonym)) CHECK(p->kind != PlaceKind::country);
    }
}

TEST_CASE("labels are given in English or French", "[places]") {
    CHECK(gazetteer().label("KP", Lang::en) == "North Korea");
    CHECK(gazetteer().label("KP", Lang::fr) == "Corée du Nord");
    CHECK(gazetteer().label("gn524901", Lang::fr) == "Moscou");
    CHECK(gazetteer().label("gn524901", Lang::unknown) == "Moscow");
    CHECK(gazetteer().label("RU", Lang::en) == "Russia");
    CHECK(gazetteer().label("no-such-place", Lang::en).empty());
    const Place* moscow = gazetteer().find("gn524901");
    REQUIRE(moscow != nullptr);
    CHECK(moscow->kind == PlaceKind::city);
    CHECK(moscow->country == "RU");
    CHECK(moscow->population > 10000000);
    CHECK(moscow->latitude.has_value());
    CHECK(gazetteer().find("ZZ") == nullptr);
}

TEST_CASE("protected words are proper names, not ordinary words", "[places]") {
    const ProtectedWords words = gazetteer().protected_words();
    CHECK(words.source_name() == "gazetteer");
    for (const char* w : {"paris", "moscou", "moscow", "pyongyang", "coree", "russie", "ukraine", "kiev", "maurice"}) {
        INFO(w);
        CHECK(words.contains(w));
    }
    for (const char* w : {"nice", "mobile", "reading", "the", "de", "orange", "tours", "new"}) {
        INFO(w);
        CHECK_FALSE(words.contains(w));
    }
    CHECK(gazetteer().is_common_word("nice", Lang::en));
    CHECK_FALSE(gazetteer().is_common_word("nice", Lang::fr));
    CHECK(gazetteer().is_common_word("tours", Lang::fr));
}

TEST_CASE("places of articles in both languages, with the traps", "[places]") {
    check_places({
        {"French country name",
         "La Corée du Nord tire un missile",
         "Pyongyang a tiré un missile mardi.",
         Lang::fr,
         {"KP", "gn1871859"},
         {"KR"}},
        {"English country name and acronym", "", "The DPRK said North Korea would respond.", Lang::en, {"KP"}, {}},
        {"États-Unis without accent or hyphen",
         "",
         "Les Etats Unis et la Russie ont signé.",
         Lang::fr,
         {"US", "RU"},
         {}},
        {"U.S. in capitals", "", "The U.S. and Britain agreed.", Lang::en, {"US", "GB"}, {}},
        {"'us' is a pronoun", "", "Give us a break, they told us.", Lang::en, {}, {"US"}},
        {"English demonym", "", "Russian troops crossed the border.", Lang::en, {"RU"}, {}},
        {"lower-case English demonym", "", "He ordered russian salad.", Lang::en, {}, {"RU"}},
        {"French demonyms, lower case",
         "",
         "Les troupes russes et le dirigeant nord-coréen.",
         Lang::fr,
         {"RU", "KP"},
         {}},
        {"Nice opening a sentence", "", "Nice weather today. The sun shone.", Lang::en, {}, {"gn2990440", "FR"}},
        {"Nice after a preposition", "", "The festival in Nice drew crowds.", Lang::en, {"gn2990440", "FR"}, {}},
        {"Nice opening a sentence, France named",
         "",
         "Nice is lovely. So are Marseille and Lyon in France.",
         Lang::en,
         {"gn2990440", "gn2995469", "gn2996944", "FR"},
         {}},
        {"Mobile the ordinary word", "", "Mobile phones are everywhere.", Lang::en, {}, {"gn4076598", "US"}},
        {"Reading the ordinary word", "", "Reading the report took hours.", Lang::en, {}, {"gn2639577", "GB"}},
        {"Reading the town", "", "She lives in Reading, a town west of London.", Lang::en, {"gn2639577", "GB"}, {}},
        {"Georgia the country",
         "",
         "Georgia and Russia fought a war; Tbilisi was spared.",
         Lang::en,
         {"GE"},
         {"US.GA"}},
        {"Georgia the US state",
         "",
         "Georgia voters went to the polls in Atlanta, and U.S. officials watched.",
         Lang::en,
         {"US.GA", "US"},
         {"GE"}},
        {"Jordan the person", "", "Yesterday Michael Jordan scored forty points.", Lang::en, {}, {"JO"}},
        {"Jordan the country", "", "Jordan closed its border with Syria.", Lang::en, {"JO", "SY"}, {}},
        {"Chad the first name", "", "The drummer Chad Smith played.", Lang::en, {}, {"TD"}},
        {"Chad the country", "", "Troops were sent to Chad.", Lang::en, {"TD"}, {}},
        {"Niger is not Nigeria", "", "Niger's president met the Nigerian envoy.", Lang::en, {"NE", "NG"}, {}},
        {"Paris the first name", "", "The heiress Paris Hilton arrived.", Lang::en, {}, {"gn2988507", "FR"}},
        {"a city implies its country", "Floods hit Port-Louis", "Heavy rain fell.", Lang::en, {"gn934154", "MU"}, {}},
        {"French town in French text",
         "",
         "À Béziers, un homme paie les impôts de ses voisins.",
         Lang::fr,
         {"gn3032833", "FR"},
         {}},
        {"the Gulf in French", "", "Les monarchies du Golfe ont réagi.", Lang::fr, {"x-gulf"}, {}},
        {"Title Case headline", "Mobile Phone Sales Rise Again", "Sales rose.", Lang::en, {}, {"gn4076598"}},
        {"Kiev and Kyiv are one city",
         "",
         "Kiev, also written Kyiv, is the capital of Ukraine.",
         Lang::en,
         {"gn703448", "UA"},
         {}},
        {"Réunion and Mauritius",
         "",
         "Des Réunionnais et des Mauriciens à Port-Louis.",
         Lang::fr,
         {"RE", "MU", "gn934154"},
         {}},
        {"a meeting is not Réunion", "", "Réunion du conseil municipal demain.", Lang::fr, {}, {"RE"}},
        {"Le Pen is a surname, not Pen in India",
         "Présidentielle : Macron devance Le Pen",
         "Marine Le Pen a réuni ses partisans. Selon Le Pen, la campagne continue.",
         Lang::fr,
         {},
         {"gn1259931", "IN"}},
        {"Le Pen in English text", "", "Marine Le Pen campaigned in Lyon.", Lang::en, {"gn2996944"}, {"gn1259931", "IN"}},
        {"names that carry their article",
         "",
         "Il est passé au Caire puis au Havre. Le Mans et La Rochelle ont voté.",
         Lang::fr,
         {"gn360630", "gn3003796", "gn3003603", "gn3006787"},
         {}},
        {"a club is not its town", "", "Le Paris Saint-Germain a gagné à Marseille.", Lang::fr, {"gn2995469"}, {"gn2988507"}},
        {"a town named with its article is written with it",
         "",
         "François Hollande et François Bayrou sont arrivés au Havre, puis à La Haye. Le François a voté.",
         Lang::fr,
         {"gn3003796", "gn2747373", "gn3570429"},
         {}},
        {"a first name is not the town named with an article",
         "",
         "Le président de l'Assemblée nationale François de Rugy a parlé à Lyon.",
         Lang::fr,
         {"gn2996944"},
         {"gn3570429", "MQ"}},
        {"Hague is not The Hague", "", "Officials met Hague, the former minister, in London.", Lang::en, {"gn2643743"}, {"gn2747373", "NL"}},
        {"a function word opening a sentence",
         "",
         "L'Inde vote. Un sondage donne le parti en tête. Most of the votes are counted.",
         Lang::fr,
         {"IN"},
         {"gn1253786", "gn1253785", "gn3070291"}},
    });
}

TEST_CASE("a city's country is listed with it, and the title weighs most", "[places]") {
    const ArticlePlaces r = extractor().extract("Ukraine: talks resume",
                                                "Delegates met in Moscow. Russia said that Russian and Ukrainian "
                                                "officials would meet again in Moscow.",
                                                Lang::en);
    REQUIRE_FALSE(r.places.empty());
    CHECK(r.places.front().id == "UA");
    CHECK(r.places.front().salience == Approx(1.0));
    CHECK(r.places.front().in_title);
    const auto moscow =
        std::find_if(r.places.begin(), r.places.end(), [](const ArticlePlace& p) { return p.id == "gn524901"; });
    const auto russia =
        std::find_if(r.places.begin(), r.places.end(), [](const ArticlePlace& p) { return p.id == "RU"; });
    REQUIRE(moscow != r.places.end());
    REQUIRE(russia != r.places.end());
    CHECK(moscow->mentions == 2);
    CHECK(moscow->country == "RU");
    CHECK(russia->mentions == 4);  // "Russia", "Russian" and Moscow twice
    CHECK_FALSE(russia->in_title);
    for (const ArticlePlace& p : r.places) {
        CHECK(p.salience > 0.0);
        CHECK(p.salience <= 1.0);
    }
}

TEST_CASE("a region named like its own country is the country, listed once", "[places]") {
    // GeoNames has Réunion, Martinique, Guadeloupe... as regions of France; ISO 3166 as countries. The title's
    // "Réunion" opens a sentence and was read as the region, the body's as the country: two "Réunion".
    const ArticlePlaces r = extractor().extract("Réunion cleans up after cyclone Belal",
                                                "Residents of Réunion spent a second day clearing fallen trees. In "
                                                "Saint-Denis, the capital, crews from mainland France helped.",
                                                Lang::en);
    const std::vector<std::string> ids = ids_of(r);
    CHECK(has(ids, "RE"));
    CHECK_FALSE(has(ids, "RE.RE"));
    for (const PlaceMention& m : r.mentions) {
        if (m.surface == "Réunion") CHECK(m.id == "RE");
    }
    // The same for the others of that kind.
    for (const char* name : {"Martinique", "Guadeloupe", "Mexico", "Taiwan"}) {
        INFO(name);
        const ArticlePlaces one = extractor().extract("", std::string("The storm reached ") + name + " on Monday.", Lang::en);
        REQUIRE(one.places.size() == 1);
        CHECK(one.places.front().id == one.places.front().country);
    }
}

TEST_CASE("mentions carry offsets and the demonym flag", "[places]") {
    const std::string body = "Les troupes russes sont à Moscou.";
    const ArticlePlaces r = extractor().extract("", body, Lang::fr);
    REQUIRE(r.mentions.size() == 2);
    CHECK(r.mentions[0].id == "RU");
    CHECK(r.mentions[0].demonym);
    CHECK(body.substr(r.mentions[0].begin, r.mentions[0].end - r.mentions[0].begin) == "russes");
    CHECK(r.mentions[1].id == "gn524901");
    CHECK_FALSE(r.mentions[1].demonym);
    CHECK(r.mentions[1].surface == "Moscou");
    CHECK(r.mentions[1].field == TextField::body);
}

TEST_CASE("datelines are recognized by their shape", "[places]") {
    struct Row {
        const char* body;
        const char* text;  // nullptr: no dateline
        const char* story;
    };
    const Row rows[] = {
        {"MOSCOW (Reuters) - Russia said", "MOSCOW", "Russia said"},
        {"PARIS, 12 mars (AFP) - Le gouvernement", "PARIS", "Le gouvernement"},
        {"PORT-LOUIS \xE2\x80\x93 Le Premier ministre", "PORT-LOUIS", "Le Premier ministre"},
        {"SEOUL, June 19 (AP) - North Korea", "SEOUL", "North Korea"},
        {"WASHINGTON \xE2\x80\x94 The president", "WASHINGTON", "The president"},
        {"  NEW YORK, Sept. 3 (Reuters) -- Stocks", "NEW YORK", "Stocks"},
        {"Paris (AFP) - Le gouvernement", "Paris", "Le gouvernement"},
        {"Paris - Le gouvernement a dit", nullptr, nullptr},
        {"Le président a dit - bonjour", nullptr, nullptr},
        {"UN REPORT: the figures", nullptr, nullptr},
        {"", nullptr, nullptr},
        {"MOSCOW", nullptr, nullptr},
        {"In 2020 - a year", nullptr, nullptr},
        {"DALLAS, Texas, March 3 - Acme said", "DALLAS", "Acme said"},
        {"ST. PAUL, Minn., Aug 28 - Pilots at", "ST. PAUL", "Pilots at"},
        {"U.S. stocks rose - traders said", nullptr, nullptr},
    };
    for (const Row& row : rows) {
        INFO(row.body);
        const std::optional<Dateline> d = find_dateline(row.body);
        if (row.text == nullptr) {
            CHECK_FALSE(d.has_value());
            continue;
        }
        REQUIRE(d.has_value());
        CHECK(d->text == row.text);
        CHECK(std::string(row.body).substr(d->begin, d->end - d->begin) == row.text);
        CHECK(std::string(row.body).substr(d->story_begin) == row.story);
    }
}

TEST_CASE("a dateline's region is the segment before its date", "[places]") {
    struct Row {
        const char* body;
        const char* region;  // "": none
    };
    const Row rows[] = {
        {"DALLAS, Texas, March 3 - Acme said", "Texas"},
        {"ATHENS, Ga., Nov 12 - The university", "Ga."},
        {"NEWARK, N.J., May 8 - The bank", "N.J."},
        {"MANCHESTER, England, Nov 17 (Reuters) - United", "England"},
        {"LEEDS, England (AP) - Rain", "England"},
        {"PARIS, Texas - A plant", "Texas"},
        {"NEW YORK, March 12 - Bonds", ""},
        {"PARIS, 12 mars (AFP) - Le gouvernement", ""},
        {"MOSCOW (Reuters) - Russia said", ""},
    };
    for (const Row& row : rows) {
        INFO(row.body);
        const std::optional<Dateline> d = find_dateline(row.body);
        REQUIRE(d.has_value());
        CHECK(std::string(row.body).substr(d->region_begin, d->region_end - d->region_begin) == row.region);
    }
}

TEST_CASE("the dateline's region chooses its city", "[places]") {
    struct Row {
        const char* body;
        const char* place;    // the dateline's place
        const char* country;  // expected among the article's places
        const char* absent;   // not expected
    };
    const Row rows[] = {
        {"PARIS, Texas, June 3 - A poultry plant will close by September.", "gn4717560", "US", "FR"},
        {"CAMBRIDGE, Mass., March 22 - A drug maker raised money on Friday.", "gn4931972", "US", "GB"},
        {"LONDON, Ontario, Oct 9 - A bus maker won an order.", "gn6058560", "CA", "GB"},
        {"PORTLAND, Maine, Nov 14 - A paper maker sold two mills.", "gn4975802", "US", "GB"},
        {"BRENTWOOD, Tenn., April 22 - A bank split its stock.", "gn4608408", "US", "GB"},
        {"ARMONK, N.Y., April 17 - A computer maker reported earnings.", "US.NY", "US", "GB"},
    };
    for (const Row& row : rows) {
        INFO(row.body);
        const ArticlePlaces r = extractor().extract("", row.body, Lang::en);
        REQUIRE(r.dateline.has_value());
        const std::vector<std::string> ids = ids_of(r);
        CHECK(r.dateline->place_id == row.place);
        CHECK(has(ids, row.country));
        CHECK_FALSE(has(ids, row.absent));
    }
}

TEST_CASE("month and weekday names are dates, not towns", "[places]") {
    // gn2643071 is March, Cambridgeshire.
    check_places({
        {"month before a day", "", "The dividend is payable April 15 to holders of record March 31.", Lang::en, {},
         {"gn2643071", "GB"}},
        {"day before a month", "", "The board meets on 31 March in Dallas, Texas.", Lang::en, {"US"}, {"gn2643071", "GB"}},
        {"abbreviated month", "", "The notes mature Mar. 15 and pay 7 pct.", Lang::en, {}, {"gn2643071", "GB"}},
        {"month after a locative", "", "The Federal Reserve will meet in March, economists in Chicago said.", Lang::en,
         {"US"}, {"gn2643071", "GB"}},
        {"a town of that name, its region named", "", "Floods hit March and Wisbech in eastern England.", Lang::en,
         {"gn2643071"}, {}},
    });
    const ArticlePlaces r = explainer().extract("", "Holders of record March 31 get the dividend.", Lang::en);
    REQUIRE(r.mentions.size() == 1);
    CHECK(r.mentions[0].reason == "rejected: 'March 31' is a date");
}

TEST_CASE("continents and world regions are places without a country, not towns named after them", "[places]") {
    // gn1730097 is Asia, a town of the Philippines; UG.C is Uganda's Central region.
    check_places({
        {"continent", "", "Vietnam expects to export more rice this year, mainly to Asia and Africa.", Lang::en,
         {"x-asia", "x-africa"}, {"gn1730097", "PH"}},
        {"region of a continent", "", "Gas from Central Asia reaches Europe through the new pipeline.", Lang::en,
         {"x-central-asia", "x-europe"}, {"UG.C", "gn1730097"}},
        {"French names", "", "Les pays d'Afrique de l'Ouest et du Moyen-Orient se réunissent.", Lang::fr,
         {"x-west-africa", "x-middle-east"}, {"HT.11"}},
    });
    const ArticlePlaces r = extractor().extract("", "Exports to Asia rose.", Lang::en);
    REQUIRE(r.places.size() == 1);
    CHECK(r.places[0].country.empty());
}

TEST_CASE("a short story is about every place it names, a long one not about those named in passing", "[places]") {
    const std::string lead = "SINGAPORE, Feb 14 (Reuters) - Singapore's economy grew 8 pct last year, helped by electronics "
                             "exports to the United States, the trade ministry said on Friday.";
    const ArticlePlaces brief = extractor().extract("SINGAPORE ECONOMY GROWS 8 PCT", lead, Lang::en);
    const auto salience_of = [](const ArticlePlaces& a, const std::string& id) {
        for (const ArticlePlace& p : a.places) {
            if (p.id == id) return p.salience;
        }
        return -1.0;
    };
    const auto about = [](const ArticlePlaces& a, const std::string& id) {
        return std::any_of(a.places.begin(), a.places.end(), [&](const ArticlePlace& p) { return p.id == id && a.about(p); });
    };
    REQUIRE(salience_of(brief, "US") > 0.0);
    CHECK(salience_of(brief, "US") < k_min_place_salience);  // named once, in passing...
    CHECK(about(brief, "SG"));
    CHECK(about(brief, "US"));  // ...but in a story of a few sentences
    // The same lead followed by three hundred words of the story: the United States stays a passing mention.
    std::string story = lead + "\n\n";
    for (int k = 0; k < 30; ++k) story += "Manufacturing output rose again as the ministry had forecast in its report. ";
    const ArticlePlaces full = extractor().extract("SINGAPORE ECONOMY GROWS 8 PCT", story, Lang::en);
    CHECK(full.body_words >= k_short_story_words);
    CHECK(about(full, "SG"));
    CHECK_FALSE(about(full, "US"));
    // The floor: a third of the full one at the lowest, the full one from k_short_story_words words.
    ArticlePlaces empty;
    CHECK(empty.salience_floor() == Approx(k_min_place_salience / 3.0));
    empty.body_words = k_short_story_words / 2;
    CHECK(empty.salience_floor() == Approx(k_min_place_salience / 2.0));
    empty.body_words = 5 * k_short_story_words;
    CHECK(empty.salience_floor() == Approx(k_min_place_salience));
}

TEST_CASE("text in capitals needs stronger evidence", "[places]") {
    check_places({
        {"an ordinary word read as an abbreviation",
         "FIRST CAPITAL SELLS CAR LOAN BACKED BONDS",
         "NEW YORK, March 12 - First Capital Corp sold bonds backed by car loans.",
         Lang::en,
         {"US"},
         {"CF"}},
        {"an ordinary word read as a country",
         "TURKEY PRICES EXPECTED TO RISE",
         "Wholesale turkey prices are expected to rise before Thanksgiving, the department said.",
         Lang::en,
         {},
         {"TR"}},
        {"the country, named again in the story",
         "TURKEY, IRAN SIGN GAS DEAL",
         "Turkey and Iran signed a deal on Monday for gas to be piped to Turkey.",
         Lang::en,
         {"TR", "IR"},
         {}},
        {"'TO' in capitals is no locative: Hit is a town of Iraq",
         "STORM TO HIT EAST COAST ON SUNDAY",
         "A winter storm is expected to bring snow to Virginia on Sunday.",
         Lang::en,
         {"US"},
         {"IQ"}},
        {"a month in a headline", "JOBS REPORT FOR MARCH DUE FRIDAY", "Economists expect payrolls to grow.", Lang::en, {},
         {"GB"}},
        {"a dotted abbreviation keeps its evidence", "U.S. ECONOMY GREW 2.4 PCT", "Consumers spent more.", Lang::en, {"US"},
         {}},
        {"a whole story in capitals",
         "",
         "CHINA SALES WERE WEAK AS STORES CUT ORDERS FOR FINE CHINA AND CRYSTAL.",
         Lang::en,
         {},
         {"CN"}},
    });
}

TEST_CASE("the dateline's place is resolved and counts for the article", "[places]") {
    struct Row {
        const char* body;
        Lang lang;
        const char* place;
    };
    const Row rows[] = {
        {"MOSCOW (Reuters) - Officials said on Monday that talks would resume.", Lang::en, "gn524901"},
        {"PARIS, 12 mars (AFP) - Le gouvernement a annoncé des mesures.", Lang::fr, "gn2988507"},
        {"PORT-LOUIS \xE2\x80\x93 Le Premier ministre a parlé.", Lang::fr, "gn934154"},
        {"SEOUL, June 19 (AP) - North Korea fired a missile.", Lang::en, "gn1835848"},
    };
    for (const Row& row : rows) {
        INFO(row.body);
        const ArticlePlaces r = extractor().extract("", row.body, row.lang);
        REQUIRE(r.dateline.has_value());
        CHECK(r.dateline->place_id == row.place);
        const auto it =
            std::find_if(r.mentions.begin(), r.mentions.end(), [](const PlaceMention& m) { return m.dateline; });
        REQUIRE(it != r.mentions.end());
        CHECK(it->id == row.place);
        CHECK(has(ids_of(r), row.place));
    }
    // A dateline that names no known place is not reported.
    CHECK_FALSE(extractor().extract("", "BREAKING (AP) - Something happened.", Lang::en).dateline.has_value());
}

TEST_CASE("explain mode lists rejected matches with their reasons", "[places]") {
    const ArticlePlaces r = explainer().extract("", "Nice weather today. The drummer Chad Smith played.", Lang::en);
    REQUIRE(r.mentions.size() == 2);
    for (const PlaceMention& m : r.mentions) {
        INFO(m.surface);
        CHECK(m.id.empty());
        CHECK(m.reason.rfind("rejected: ", 0) == 0);
        CHECK_FALSE(m.candidates.empty());
    }
    CHECK(r.mentions[0].reason.find("ordinary word") != std::string::npos);
    CHECK(r.mentions[1].reason.find("part of the name 'Chad Smith'") != std::string::npos);
    CHECK(r.places.empty());

    const ArticlePlaces ok = explainer().extract("", "Georgia voters in Atlanta.", Lang::en);
    REQUIRE_FALSE(ok.mentions.empty());
    CHECK(ok.mentions[0].id == "US.GA");
    CHECK(ok.mentions[0].reason.find("other places of US.GA") != std::string::npos);
}

TEST_CASE("metonyms and demonyms name their country", "[places]") {
    check_places({
        {"the Kremlin", "", "The Kremlin said talks would go on.", Lang::en, {"RU"}, {}},
        {"Wall Street and the Fed", "", "Stocks fell on Wall Street as the Federal Reserve met.", Lang::en, {"US"}, {}},
        {"the Fed alone", "", "Bond prices rose after the Fed held rates.", Lang::en, {"US"}, {}},
        {"the Elysee in French", "", "L'Élysée a démenti l'information.", Lang::fr, {"FR"}, {}},
        {"la Maison-Blanche", "", "La Maison-Blanche a réagi jeudi.", Lang::fr, {"US"}, {}},
        {"a metonym is capitalized, in French too", "", "Il a repeint la maison blanche du village.", Lang::fr, {}, {"US"}},
        {"the verb 'fed'", "", "They fed the cattle at dawn.", Lang::en, {}, {"US"}},
        {"a demonym of a smaller country", "", "Only 47 jobs are filled by Jordanians.", Lang::en, {"JO"}, {}},
        {"a French demonym of a smaller country", "", "Des commerçants mauritaniens ont manifesté.", Lang::fr, {"MR"}, {}},
    });
    const ArticlePlaces r = extractor().extract("", "The Kremlin denied it.", Lang::en);
    REQUIRE(r.mentions.size() == 1);
    CHECK(r.mentions[0].metonym);
    CHECK_FALSE(r.mentions[0].demonym);
    CHECK(r.mentions[0].surface == "Kremlin");
}

TEST_CASE("people's names are not towns", "[places]") {
    check_places({
        {"a surname after an abbreviated title", "", "Later, Mr. Obama spoke to reporters.", Lang::en, {}, {"gn1854849", "JP"}},
        {"a surname after a French title", "", "M. Obama a parlé aux journalistes.", Lang::fr, {}, {"gn1854849", "JP"}},
        {"an abbreviated title named like a town",
         "",
         "Louisiana Sens. David Vitter and Mary Landrieu asked for the money.",
         Lang::en,
         {"US.LA"},
         {"gn2975050", "FR"}},
        {"Sens the town", "", "The cathedral of Sens, in France, reopened.", Lang::en, {"gn2975050"}, {}},
        {"a surname alone once the name was given in full",
         "",
         "President Barack Obama arrived on Monday. Obama said the talks went well.",
         Lang::en,
         {},
         {"gn1854849", "JP"}},
        {"the town of that name where the article supports it",
         "",
         "Barack Obama has a namesake town. Obama lies on Wakasa Bay in Japan.",
         Lang::en,
         {"gn1854849", "JP"},
         {}},
        {"a small town named by an ordinary word, mid-sentence", "", "Shares rose a week after The Deal was signed.",
         Lang::en, {}, {"gn2651468", "GB"}},
        {"the same town after a locative", "", "The ferry left from Deal on Monday.", Lang::en, {"gn2651468", "GB"}, {}},
        {"an ordinary-word surname", "", "Today, the Bush administration and Congress meet.", Lang::en, {}, {"gn358600", "EG"}},
        {"first names that are towns of 100,000", "", "As Milton Friedman noted, said Mary Ann Hurley and Nigel Gault.",
         Lang::en, {}, {"gn6074377", "CA", "gn1218667", "TM", "gn970566", "ZA"}},
        {"a first name that is also a place word",
         "",
         "Mayor Marion Barry declared a new era. Barry said the deficit had been halved.",
         Lang::en,
         {},
         {"gn2656235", "GB"}},
        {"a name of several words before a capitalized word",
         "",
         "The drawbridge between Alexandria and Prince George's County was closed.",
         Lang::en,
         {},
         {"gn6113365", "CA"}},
    });
}

TEST_CASE("a month before a lower-case word is a date, a short word in capitals an acronym", "[places]") {
    check_places({
        {"March delivery, Britain named", "", "British gas for March delivery settled higher.", Lang::en, {"GB"},
         {"gn2643071"}},
        {"a March meeting", "", "British officials expect a cut at the March meeting.", Lang::en, {"GB"}, {"gn2643071"}},
        {"March the town", "", "She grew up in March, Cambridgeshire, in England.", Lang::en, {"gn2643071"}, {}},
        {"the GAO report", "", "However, a summary of the GAO report said the accounts held cash.", Lang::en, {},
         {"gn2457163", "ML"}},
        {"Gao the town", "", "French troops entered Gao in northern Mali.", Lang::en, {"gn2457163", "ML"}, {}},
        {"a country in capitals is still the country", "", "Shares of IRAN funds fell.", Lang::en, {"IR"}, {}},
    });
}

TEST_CASE("English text names a little town with its country or region", "[places]") {
    check_places({
        {"a town of 44,000 alone", "", "The Bundesbank left its discount and Lombard rates unchanged.", Lang::en,
         {"DE"}, {"gn4900373", "US"}},
        {"the same town beside its region's city", "", "Lombard, a suburb of Chicago, grew fast.", Lang::en,
         {"gn4900373", "US"}, {}},
        {"the same town after a locative", "", "The plant in Lombard will close.", Lang::en, {"gn4900373"}, {}},
    });
}

TEST_CASE("a town followed by its state's abbreviation is the town of that state", "[places]") {
    check_places({
        {"Santa Clara, Calif.", "", "The Santa Clara, Calif., search business grew.", Lang::en, {"US"}, {"CU"}},
        {"Reading, Pa.", "", "Meridian, based in Reading, Pa., has 15 billion in assets.", Lang::en,
         {"gn5207728", "US"}, {"gn2639577", "GB"}},
        {"a town the gazetteer does not know there", "", "Diamond Casting, a small Hollis, N.H., maker of parts, said so.",
         Lang::en, {"US.NH", "US"}, {"gn5121026"}},
        {"not an abbreviation", "", "The Santa Clara, Cuba, plant closed.", Lang::en, {"CU"}, {}},
    });
}

TEST_CASE("a division named by generic words needs its country named", "[places]") {
    check_places({
        {"a U.S. court district", "", "The U.S. attorney's office for New York's Eastern District opened a case.",
         Lang::en, {"US"}, {"AS.010", "AS"}},
        {"Ghana's Eastern region", "", "Floods hit the Eastern Region of Ghana on Monday.", Lang::en, {"GH"}, {}},
    });
}

TEST_CASE("a dateline without a region is the best-known place of its name", "[places]") {
    check_places({
        {"GENEVA in a story naming the U.S.",
         "",
         "GENEVA, June 22 (Reuters) - U.S. and Japanese negotiators failed to agree on car parts.",
         Lang::en,
         {"gn2660646", "CH", "US", "JP"},
         {"gn4893591"}},
        {"GENEVA with its state", "", "GENEVA, Ill., June 22 - The U.S. plant will close.", Lang::en, {"gn4893591"},
         {"gn2660646", "CH"}},
    });
}

TEST_CASE("places_to_json gives the documented shape", "[places]") {
    const ArticlePlaces r = extractor().extract("", "MOSCOW (Reuters) - Talks in Moscow.", Lang::en);
    const nlohmann::json j = nlohmann::json::parse(places_to_json(r, gazetteer(), Lang::fr));
    REQUIRE(j.at("places").is_array());
    REQUIRE_FALSE(j.at("places").empty());
    CHECK(j["places"][0].at("id") == "gn524901");
    CHECK(j["places"][0].at("label") == "Moscou");
    CHECK(j["places"][0].at("kind") == "city");
    CHECK(j["places"][0].at("salience") == 1.0);
    CHECK(j.at("dateline").at("place") == "gn524901");
    CHECK(j.at("mentions").size() == 2);
    CHECK(j["mentions"][0].at("metonym") == false);
    CHECK(j["mentions"][0].at("demonym") == false);
    const nlohmann::json none = nlohmann::json::parse(places_to_json(ArticlePlaces{}, gazetteer(), Lang::en));
    CHECK(none.at("dateline").is_null());
    CHECK(none.at("places").empty());
}

TEST_CASE("gazetteer errors name the file, the line and the bad value", "[places]") {
    SECTION("missing directory") {
        TempDir dir;
        try {
            (void)Gazetteer::load(dir.path() / "nowhere");
            FAIL("no exception");
        } catch (const EnvironmentError& e) {
            CHECK(std::string(e.what()).find("cannot open gazetteer file '") != std::string::npos);
            CHECK(std::string(e.what()).find("gazetteer.tsv'") != std::string::npos);
        }
    }
    SECTION("wrong number of fields") {
        TempDir dir;
        dir.write("gazetteer.tsv", "# comment\n" + k_main_header + "FR\tcountry\tFR\t\t1\tFrance\tFrance\t\t\t\n");
        dir.write("places-curated.tsv", k_curated_header + "FR\talias\n");
        try {
            (void)Gazetteer::load(dir.path());
            FAIL("no exception");
        } catch (const EnvironmentError& e) {
            CHECK_THAT(e.what(),
                       Catch::EndsWith("places-curated.tsv:2: error: expected 7 tab-separated fields, found 2"));
        }
    }
    SECTION("unknown place id") {
        TempDir dir;
        dir.write("gazetteer.tsv", k_main_header + "FR\tcountry\tFR\t\t1\tFrance\tFrance\t\t\t\n");
        dir.write("places-curated.tsv", k_curated_header + "ZZ\talias\t\t\t\t\tNowhere\n");
        try {
            (void)Gazetteer::load(dir.path());
            FAIL("no exception");
        } catch (const EnvironmentError& e) {
            CHECK_THAT(e.what(), Catch::EndsWith("places-curated.tsv:2: error: unknown place id 'ZZ'"));
        }
    }
    SECTION("unknown kind") {
        TempDir dir;
        dir.write("gazetteer.tsv", k_main_header + "FR\tstate\tFR\t\t1\tFrance\tFrance\t\t\t\n");
        dir.write("places-curated.tsv", k_curated_header);
        try {
            (void)Gazetteer::load(dir.path());
            FAIL("no exception");
        } catch (const EnvironmentError& e) {
            CHECK_THAT(e.what(),
                       Catch::EndsWith("gazetteer.tsv:2: error: unknown kind 'state'; expected one of: country, "
                                       "region, city, word"));
        }
    }
    SECTION("a small valid gazetteer loads and matches") {
        TempDir dir;
        dir.write("gazetteer.tsv", k_main_header + "FR\tcountry\tFR\t\t1\tFrance\tFrance\t\t\t\n" +
                                       "gn1\tcity\tFR\t\t500000\tLyon\tLyon\tLugdunum\t45.75\t4.85\n");
        dir.write("places-curated.tsv", k_curated_header + "FR\tdemonym\t\t\t\t\tFrench|français(e)(s)\n");
        const Gazetteer g = Gazetteer::load(dir.path());
        CHECK(g.size() == 2);
        REQUIRE(g.lookup("Lugdunum").size() == 1);
        CHECK(g.lookup("françaises").front()->id == "FR");
        const ArticlePlaces r = PlaceExtractor(g).extract("", "Les Français de Lyon.", Lang::fr);
        std::vector<std::string> ids = ids_of(r);
        std::sort(ids.begin(), ids.end());
        CHECK(ids == std::vector<std::string>{"FR", "gn1"});
    }
}

TEST_CASE("default search path honours DATELINE_DATA_DIR first", "[places]") {
    TempDir dir;
    ::setenv("DATELINE_DATA_DIR", dir.path().c_str(), 1);
    const std::vector<std::filesystem::path> path = Gazetteer::default_search_path();
    ::unsetenv("DATELINE_DATA_DIR");
    REQUIRE_FALSE(path.empty());
    CHECK(path.front() == dir.path());
}
