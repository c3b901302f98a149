// Shards: two local databases, and two remote ones served by xapian-tcpsrv, answer as one database does.
#include "search_fixture.hpp"

#include "indexer/diagnostics.hpp"
#include "indexer/index_writer.hpp"

#include "common/schema.hpp"
#include "common/shard_layout.hpp"

#include "searcher/facets.hpp"
#include "searcher/json_output.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace dateline;

namespace {

/// The English and French JSONL files in one database: the reference.
const std::string& combined_db() {
    static test::TempDir dir("dateline-search-combined");
    static const std::string db = [] {
        const std::string path = dir / "db";
        const std::string corpus = DATELINE_SAMPLE_CORPUS;
        test::index_files(path, {corpus + "/articles_en.jsonl", corpus + "/articles_fr.jsonl"});
        return path;
    }();
    return db;
}

/// Indexes the English and French JSONL files into `path` with `options` (quiet).
std::string index_sample(const std::string& path, indexer::IndexOptions options) {
    const std::string corpus = DATELINE_SAMPLE_CORPUS;
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    options.quiet = true;
    indexer::index_inputs(path, {corpus + "/articles_en.jsonl", corpus + "/articles_fr.jsonl"}, {}, options, diagnostics);
    return path;
}

/// The English and French JSONL files as a sharded index of three shards (dateline-index --shards 3).
const std::string& sharded_db() {
    static test::TempDir dir("dateline-search-sharded");
    static const std::string db = [] {
        indexer::IndexOptions options;
        options.shards = 3;
        return index_sample(dir / "db", options);
    }();
    return db;
}

/// The same articles sharded by year (dateline-index --shard-by year): a shard per year and one of undated articles.
const std::string& year_sharded_db() {
    static test::TempDir dir("dateline-search-year-sharded");
    static const std::string db = [] {
        indexer::IndexOptions options;
        options.shard_key = common::ShardKey::year;
        return index_sample(dir / "db", options);
    }();
    return db;
}

/// id -> the hit's snippet text and marked title, to compare answers whose equal weights may come in another order.
std::map<std::string, std::string> snippets(const searcher::SearchResponse& r) {
    std::map<std::string, std::string> out;
    for (const auto& hit : r.hits) {
        std::string marked = hit.title.text;
        for (const auto& [begin, end] : hit.title.marks) marked += " " + std::to_string(begin) + "-" + std::to_string(end);
        for (const auto& passage : hit.snippet.passages) {
            marked += "\n" + passage.text;
            for (const auto& [begin, end] : passage.marks) marked += " " + std::to_string(begin) + "-" + std::to_string(end);
        }
        out[hit.article.id] = hit.extract + "\n" + marked;
    }
    return out;
}

/// id -> its "N similar" (the other matching articles of its near-duplicate group).
std::map<std::string, std::size_t> similar_counts(const searcher::SearchResponse& r) {
    std::map<std::string, std::size_t> out;
    for (const auto& hit : r.hits) out[hit.article.id] = hit.similar;
    return out;
}

/// (weight, id) pairs, so that results with equal weights compare whatever their docid order.
std::vector<std::pair<long long, std::string>> ranked(const searcher::SearchResponse& r) {
    std::vector<std::pair<long long, std::string>> out;
    for (const auto& hit : r.hits) out.emplace_back(std::llround(hit.weight * 1e6), hit.article.id);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    return out;
}

std::vector<std::pair<std::string, std::size_t>> counts(const std::vector<searcher::FacetCount>& facet) {
    std::vector<std::pair<std::string, std::size_t>> out;
    for (const auto& f : facet) out.emplace_back(f.value, f.count);
    std::sort(out.begin(), out.end());
    return out;
}

/// Every facet's counts and the undated count of `b` are those of `a`.
void check_same_facets(const searcher::SearchResponse& a, const searcher::SearchResponse& b) {
    REQUIRE(a.facets);
    REQUIRE(b.facets);
    CHECK(counts(b.facets->years) == counts(a.facets->years));
    CHECK(counts(b.facets->months) == counts(a.facets->months));
    CHECK(counts(b.facets->languages) == counts(a.facets->languages));
    CHECK(counts(b.facets->sources) == counts(a.facets->sources));
    CHECK(counts(b.facets->places) == counts(a.facets->places));
    CHECK(counts(b.facets->countries) == counts(a.facets->countries));
    CHECK(b.facets->undated == a.facets->undated);
}

/// Runs the same requests on `shards` and on the combined database and compares everything.
void compare_with_combined(const std::vector<std::string>& shards) {
    searcher::Searcher one(searcher::open_index({combined_db()}));
    searcher::Searcher many(searcher::open_index(shards));
    REQUIRE(many.index().database.get_doccount() == one.index().database.get_doccount());
    for (const std::string query : {"North Korea", "Kim Putin summit", "Kim Jong Un met Putin at the summit in Vladivostok on Russky island", "Corée du Nord", "élections", "\"Corée du Nord\"", "school closures", "traité de défense mutuelle",
                                    "title:kim", "kim -putin", "vladivostok date:2015..2020", "lang:fr", "", "Pyongyng"}) {
        for (const auto sort : {searcher::SortOrder::relevance, searcher::SortOrder::date, searcher::SortOrder::recent}) {
            INFO("query '" << query << "' sort " << searcher::sort_order_name(sort));
            searcher::SearchRequest request;
            request.query = query;
            request.sort = sort;
            request.limit = 50;
            request.facet_year = "2024";
            const auto a = one.search(request);
            const auto b = many.search(request);
            CHECK(b.total == a.total);
            CHECK(b.total_exact == a.total_exact);
            CHECK(b.match == a.match);
            CHECK(b.did_you_mean == a.did_you_mean);
            if (sort == searcher::SortOrder::date) {
                CHECK(test::hit_ids(b).size() == test::hit_ids(a).size());
            } else {
                CHECK(ranked(b) == ranked(a));
            }
            CHECK(snippets(b) == snippets(a));
            // "N similar": Xapian's remote match loses the count of a group held by one remote shard.
            CHECK(similar_counts(b) == similar_counts(a));
            check_same_facets(a, b);
        }
    }
    searcher::SuggestRequest suggest;
    for (const std::string prefix : {"pyo", "north k", "cor"}) {
        suggest.prefix = prefix;
        const auto a = one.suggest(suggest);
        const auto b = many.suggest(suggest);
        std::vector<std::string> ta;
        std::vector<std::string> tb;
        for (const auto& c : a.completions) ta.push_back(c.text + "/" + std::to_string(c.count));
        for (const auto& c : b.completions) tb.push_back(c.text + "/" + std::to_string(c.count));
        CHECK(tb == ta);
    }
    searcher::RelatedRequest related;
    related.id = "en-2019-kim-putin-vladivostok";
    const auto ra = one.related(related);
    const auto rb = many.related(related);
    REQUIRE(ra);
    REQUIRE(rb);
    CHECK(ranked(*rb) == ranked(*ra));
}

}  // namespace

TEST_CASE("two local shards answer as one database", "[shards]") {
    compare_with_combined({test::sample_en_db(), test::sample_fr_db()});
    // A comma-separated list is the same.
    compare_with_combined({test::sample_en_db() + "," + test::sample_fr_db()});
}

TEST_CASE("two remote shards (xapian-tcpsrv) answer as one database", "[shards][remote]") {
    if (!test::have_tcpsrv()) {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): remote shards not tested");
        return;
    }
    test::TcpServer en(test::sample_en_db());
    test::TcpServer fr(test::sample_fr_db());
    compare_with_combined({en.spec(), fr.spec()});
    // A local and a remote shard together.
    compare_with_combined({test::sample_en_db(), fr.spec()});
}

TEST_CASE("a sharded index (3 shards) answers as one database, as a local stub and as a stub of remote shards", "[shards][remote]") {
    const std::vector<std::string> shards = common::read_stub(sharded_db() + "/XAPIANDB");
    REQUIRE(shards.size() == 3);
    // The index directory itself (its stub), and the shards named one by one.
    compare_with_combined({sharded_db()});
    compare_with_combined(shards);
    if (!test::have_tcpsrv()) {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): remote shards not tested");
        return;
    }
    // Three stock xapian-tcpsrv, one per shard, listed by a stub file as scripts/cluster writes it.
    test::TcpServer a(shards[0]);
    test::TcpServer b(shards[1]);
    test::TcpServer c(shards[2]);
    test::TempDir dir("dateline-search-stub");
    const std::string stub = dir.write("cluster.stub", "remote " + a.address() + "\nremote " + b.address() + "\nremote " + c.address() + "\n");
    compare_with_combined({stub});
}

TEST_CASE("an index sharded by year answers as one database as a stub of remote shards, near-duplicates in one shard", "[shards][remote][year]") {
    if (!test::have_tcpsrv()) {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): remote shards not tested");
        return;
    }
    // The wire pair (2024) is in one shard here: each remote shard collapses it on its own.
    std::vector<std::unique_ptr<test::TcpServer>> servers;
    std::string stub;
    for (const std::string& shard : common::read_stub(year_sharded_db() + "/XAPIANDB")) {
        servers.push_back(std::make_unique<test::TcpServer>(shard));
        stub += "remote " + servers.back()->address() + "\n";
    }
    test::TempDir dir("dateline-search-year-stub");
    compare_with_combined({dir.write("cluster.stub", stub)});
}

TEST_CASE("the local shards of a sharded index count facets with the in-memory columns, as one database", "[shards][facets]") {
    // A counting match per shard: its spy places the shard's own docids in the combination's rows.
    const searcher::OpenIndex sharded = searcher::open_index({sharded_db()});
    searcher::facet_columns(sharded);
    REQUIRE(searcher::facet_columns(sharded));
    compare_with_combined({sharded_db()});
    // Any local databases a stub combines, whatever put each article where: the columns count them as the
    // spies do (which read every match's values through Xapian).
    const std::vector<std::string> unrouted = {test::sample_en_db(), test::sample_fr_db()};
    searcher::facet_columns(searcher::open_index(unrouted));
    REQUIRE(searcher::facet_columns(searcher::open_index(unrouted)));
    searcher::Searcher columns(searcher::open_index(unrouted));
    searcher::SearchTuning spies_only;
    spies_only.facet_columns = false;
    searcher::Searcher spies(searcher::open_index(unrouted), spies_only);
    for (const std::string query : {"", "summit", "Corée du Nord", "lang:fr", "Kim Putin summit"}) {
        for (const bool collapse : {true, false}) {
            INFO("query '" << query << "' collapse " << collapse);
            searcher::SearchRequest request;
            request.query = query;
            request.collapse = collapse;
            request.facet_year = "2024";
            const auto a = spies.search(request);
            const auto b = columns.search(request);
            CHECK(b.total == a.total);
            check_same_facets(a, b);
            CHECK(b.facets->counted == a.facets->counted);
            CHECK(b.facets->collapsed == a.facets->collapsed);
        }
    }
}

TEST_CASE("an index sharded by year answers as one database, its facets counted with the in-memory columns", "[shards][facets][year]") {
    // Match spies see each shard's own docids; the columns place them again through the article's year.
    const searcher::OpenIndex by_year = searcher::open_index({year_sharded_db()});
    REQUIRE(by_year.shards.size() > 5);
    searcher::facet_columns(by_year);
    REQUIRE(searcher::facet_columns(by_year));
    compare_with_combined({year_sharded_db()});
}

TEST_CASE("a remote shard that is down or hung gives a clear error within the time limit, never a hang", "[shards][remote]") {
    if (!test::have_tcpsrv()) {
        WARN("xapian-tcpsrv not installed (apt-get install xapian-tools): shard failures not tested");
        return;
    }
    const std::vector<std::string> shards = common::read_stub(sharded_db() + "/XAPIANDB");
    searcher::SearchRequest request;
    request.query = "Kim Putin summit";
    request.facet_year = "2024";
    using clock = std::chrono::steady_clock;
    {
        auto down = std::make_unique<test::TcpServer>(shards[1]);
        test::TcpServer up(shards[0]);
        searcher::Searcher s(searcher::open_index({up.spec(), down->spec(), shards[2]}));
        CHECK(s.search(request).total > 0);
        down.reset();  // the machine went away
        const auto start = clock::now();
        CHECK_THROWS_AS(s.search(request), Xapian::NetworkError);
        CHECK(clock::now() - start < std::chrono::seconds(11));
    }
    {
        test::TcpServer hung(shards[1]);
        searcher::Searcher s(searcher::open_index({shards[0], hung.spec(), shards[2]}));
        hung.freeze();
        const auto start = clock::now();
        // Xapian's remote timeout (10 s, set when the shard is opened) ends the wait.
        CHECK_THROWS_AS(s.search(request), Xapian::NetworkError);
        CHECK(clock::now() - start < std::chrono::seconds(15));
    }
    // Opening a cluster whose shard is down names it.
    int port = 0;
    {
        test::TcpServer gone(shards[1]);
        port = std::stoi(gone.address().substr(gone.address().rfind(':') + 1));
    }
    CHECK_THROWS_WITH(searcher::open_index({shards[0], "tcp:127.0.0.1:" + std::to_string(port)}),
                      Catch::StartsWith("cannot open index 'tcp:127.0.0.1:" + std::to_string(port) + "'"));
}

TEST_CASE("beyond the exact limit, facets count a uniform sample, flagged, the same on one database and on shards", "[shards][facets]") {
    searcher::SearchTuning exact;
    searcher::SearchTuning sampling;
    sampling.facet_exact_limit = 12;
    searcher::SearchRequest request;
    request.query = "";
    request.collapse = false;
    request.limit = 5;
    const auto whole = searcher::Searcher(searcher::open_index({combined_db()}), exact).search(request);
    REQUIRE(whole.facets_exact);
    REQUIRE(whole.total > 12);
    CHECK(to_json(request, whole)["facets"].count("share") == 0);

    searcher::Searcher one(searcher::open_index({combined_db()}), sampling);
    const auto sampled = one.search(request);
    CHECK_FALSE(sampled.facets_exact);
    REQUIRE(sampled.facets);
    const double share = sampled.facets->share;
    const auto buckets = static_cast<std::size_t>(std::lround(share * common::schema::k_sample_buckets));
    CHECK(buckets >= 1);
    CHECK(buckets < common::schema::k_sample_buckets);
    const auto json = to_json(request, sampled);
    CHECK(json["facets"]["exact"] == false);
    CHECK(json["facets"]["share"] == Approx(share));
    // The hits are not sampled.
    CHECK(test::hit_ids(sampled) == test::hit_ids(whole));

    // The counts are those of the articles of the first `buckets` sample buckets, scaled by 1 / share.
    const Xapian::Database db(combined_db());
    std::map<std::string, std::size_t> years;
    std::size_t in_sample = 0;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        const Xapian::Document doc = db.get_document(*it);
        bool sampled_doc = false;
        for (std::size_t b = 0; b < buckets; ++b) {
            const std::string term = common::schema::sample_bucket_term(b);
            auto t = doc.termlist_begin();
            t.skip_to(term);
            if (t != doc.termlist_end() && *t == term) sampled_doc = true;
        }
        if (!sampled_doc) continue;
        ++in_sample;
        const std::string year = doc.get_value(common::schema::k_slot_year);
        if (!year.empty()) ++years[year];
    }
    CHECK(in_sample > 0);
    CHECK(in_sample < whole.total);
    CHECK(sampled.facets->counted == static_cast<std::size_t>(std::llround(static_cast<double>(in_sample) / share)));
    // The total comes from the ranking match when it saw every match (here), else it is this estimate.
    CHECK(sampled.total == whole.total);
    for (const auto& year : sampled.facets->years) {
        INFO("year " << year.value);
        CHECK(year.count == static_cast<std::size_t>(std::llround(static_cast<double>(years[year.value]) / share)));
    }

    // The sample is chosen by id, so every layout counts the same articles.
    auto same = [&](const std::vector<std::string>& specs) {
        const auto other = searcher::Searcher(searcher::open_index(specs), sampling).search(request);
        CHECK(other.facets->share == share);
        CHECK(other.facets->counted == sampled.facets->counted);
        CHECK(counts(other.facets->years) == counts(sampled.facets->years));
        CHECK(counts(other.facets->places) == counts(sampled.facets->places));
        CHECK(counts(other.facets->languages) == counts(sampled.facets->languages));
    };
    same({sharded_db()});
    if (test::have_tcpsrv()) {
        const std::vector<std::string> shards = common::read_stub(sharded_db() + "/XAPIANDB");
        test::TcpServer a(shards[0]);
        test::TcpServer b(shards[1]);
        test::TcpServer c(shards[2]);
        same({a.spec(), b.spec(), c.spec()});
    }
}

TEST_CASE("a bad remote shard spec is a usage error, an unreachable one an environment error", "[shards]") {
    CHECK_THROWS_WITH(searcher::open_index({"tcp:localhost"}), "bad remote shard 'tcp:localhost'; expected tcp:HOST:PORT");
    CHECK_THROWS_WITH(searcher::open_index({"tcp:localhost:99999"}), "bad remote shard 'tcp:localhost:99999'; expected tcp:HOST:PORT");
    CHECK_THROWS_WITH(searcher::open_index({}), Catch::Contains("no index given"));
}
