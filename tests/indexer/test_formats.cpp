// Format detection and bad input: every broken case gives its file:line message, is counted, and the run goes on.
#include "indexer/diagnostics.hpp"
#include "indexer/formats.hpp"
#include "indexer/index_writer.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;
using indexer::InputFormat;

namespace {

/// Indexes `inputs` into a fresh database under `dir`; returns the summary and what was reported.
struct Run {
    indexer::IndexSummary summary;
    std::string messages;
    std::size_t errors = 0;
    std::size_t warnings = 0;
};

Run index(const TempDir& dir, const std::vector<std::string>& inputs, indexer::SourceOptions source = {}) {
    std::ostringstream out;
    indexer::Diagnostics diagnostics(out);
    indexer::IndexOptions options;
    options.quiet = false;
    Run run;
    run.summary = indexer::index_inputs(dir / "db", inputs, source, options, diagnostics);
    run.messages = out.str();
    run.errors = diagnostics.errors();
    run.warnings = diagnostics.warnings();
    return run;
}

std::string stored(const TempDir& dir, const std::string& id) {
    const Xapian::Database db(dir / "db");
    const auto it = db.postlist_begin("Q" + id);
    REQUIRE(it != db.postlist_end("Q" + id));
    return db.get_document(*it).get_data();
}

std::string gzip(std::string_view data) {
    uLongf size = compressBound(static_cast<uLong>(data.size())) + 64;
    std::string out(size, '\0');
    z_stream z{};
    deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

/// What zlib can decompress of `data` (members one after another) before it ends or breaks: the oracle of
/// what a truncated file still holds.
std::string gunzip_readable(std::string_view data) {
    std::string out;
    z_stream z{};
    inflateInit2(&z, 15 + 32);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::array<char, 4096> chunk;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        z.avail_out = static_cast<uInt>(chunk.size());
        const int ret = inflate(&z, Z_NO_FLUSH);
        out.append(chunk.data(), chunk.size() - z.avail_out);
        if (ret == Z_STREAM_END && z.avail_in > 0) {
            inflateReset(&z);
        } else if (ret != Z_OK) {
            break;
        }
    }
    inflateEnd(&z);
    return out;
}

/// JSON Lines records `first`..`last` with varied words, so that they compress little.
std::string varied_records(int first, int last) {
    static constexpr std::array<std::string_view, 10> k_words{"harbour", "quay", "cargo", "sugar", "ship", "crane", "tide", "dock", "pilot", "berth"};
    std::string out;
    unsigned seed = 12345;
    for (int k = first; k <= last; ++k) {
        std::string body;
        for (int w = 0; w < 300; ++w) {
            seed = seed * 1103515245 + 12345;
            body += std::string(k_words[(seed >> 16) % k_words.size()]) + std::to_string((seed >> 8) % 97) + " ";
        }
        out += R"({"id":"z)" + std::to_string(k) + R"(","title":"Zipped story )" + std::to_string(k) + R"(","body":")" + body + "\"}\n";
    }
    return out;
}

}  // namespace

TEST_CASE("a truncated gzip file keeps every complete record before the damage", "[formats][bad-input]") {
    // Issue 19.9: 7 complete lines readable, 1 indexed; a valid member then a truncated one: 24 readable, 1 indexed.
    const TempDir dir;
    const std::string whole = gzip(varied_records(1, 10));
    const std::string cut = whole.substr(0, whole.size() * 3 / 4);
    const std::string second = gzip(varied_records(101, 110));
    const std::string members = gzip(varied_records(11, 30)) + second.substr(0, second.size() / 2);
    dir.write("in/a-truncated.jsonl.gz", cut);
    dir.write("in/b-members.jsonl.gz", members);
    const auto complete_lines = [](const std::string& data) {
        const std::string text = gunzip_readable(data);
        return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    };
    const std::size_t expected = complete_lines(cut) + complete_lines(members);
    REQUIRE(complete_lines(cut) >= 5);
    REQUIRE(complete_lines(members) >= 22);
    const Run run = index(dir, {dir / "in"});
    INFO(run.messages);
    const std::string p = dir / "in" + "/";
    CHECK_THAT(run.messages, Catch::Contains(p + "a-truncated.jsonl.gz: error: compressed data is corrupt or truncated (unexpected end of file); the " +
                                             std::to_string(complete_lines(cut)) + " article(s) read before it are indexed"));
    CHECK_THAT(run.messages, Catch::Contains(p + "b-members.jsonl.gz: error: compressed data is corrupt or truncated (unexpected end of file); the " +
                                             std::to_string(complete_lines(members)) + " article(s) read before it are indexed"));
    CHECK(run.errors == 2);
    CHECK(Xapian::Database(dir / "db").get_doccount() == expected);
}

TEST_CASE("formats are detected from the content first, then the name", "[formats]") {
    struct Row {
        const char* head;
        const char* name;
        InputFormat format;
    };
    const Row rows[] = {
        {R"({"id":"a","title":"t"})" "\n" R"({"id":"b"})", "x.txt", InputFormat::jsonl},
        {"\xEF\xBB\xBF{\"id\":\"a\"}\n", "x", InputFormat::jsonl},
        {"{\n  \"title\": \"t\",\n  \"article\": \"b\"\n}", "1.json", InputFormat::json},
        {"{\"title\": \"one line, no newline\"}", "a.jsonl", InputFormat::jsonl},
        {"{\"title\": \"one line, no newline\"}", "a.json", InputFormat::json},
        {"[{\"title\": \"t\"}]", "x", InputFormat::json},
        {"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>", "feed", InputFormat::feed},
        {"<?xml version=\"1.0\"?>\n<!-- generated -->\n<feed xmlns=\"http://www.w3.org/2005/Atom\">", "x", InputFormat::feed},
        {"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">", "x", InputFormat::feed},
        {"<!DOCTYPE html>\n<html lang=\"fr\">", "page", InputFormat::html},
        {"<!doctype HTML><title>x</title>", "page", InputFormat::html},
        {"<html><body><p>x</p>", "page", InputFormat::html},
        {"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", "page.xhtml", InputFormat::html},
        {"<div class=\"story\"><p>A fragment.</p></div>", "x", InputFormat::html},
        {"26.2 C\nPort Louis\nThursday, July 25, 2024\n", "page.txt", InputFormat::scraped},
        {"Just some text.", "story.html", InputFormat::html},
        {"Just some text.", "story", InputFormat::scraped},
        // A broken first line does not make JSON Lines scraped text (issue 19.7): the records after it, or the name, decide.
        {"this is not json\n{\"id\":\"a\"}\n{\"id\":\"b\"}\n", "x", InputFormat::jsonl},
        {"{\"id\": broken\n{\"id\":\"a\"}\n", "x", InputFormat::jsonl},
        {"this is not json at all", "x.jsonl", InputFormat::jsonl},
        {"{\n  \"items\": [\n    {\"id\": \"a\"}\n  ]\n}\n", "x", InputFormat::json},
    };
    for (const auto& row : rows) {
        INFO(row.head);
        CHECK(indexer::detect_format(row.head, row.name) == row.format);
    }
}

TEST_CASE("format names", "[formats]") {
    CHECK(indexer::parse_input_format("rss") == InputFormat::feed);
    CHECK(indexer::parse_input_format("atom") == InputFormat::feed);
    CHECK(indexer::parse_input_format("text") == InputFormat::scraped);
    try {
        indexer::parse_input_format("xml");
        FAIL("no exception");
    } catch (const common::UsageError& e) {
        CHECK(std::string(e.what()) == "unknown format 'xml'; expected one of: auto, jsonl, json, html, feed, scraped");
    }
}

TEST_CASE("plain text keeps its paragraphs and joins wrapped lines", "[formats]") {
    CHECK(indexer::plain_text_paragraphs("  One line\n  wrapped here.\n\n\n Second   paragraph. \r\n") ==
          "One line wrapped here.\n\nSecond paragraph.");
    CHECK(indexer::plain_text_paragraphs("") == "");
    CHECK(indexer::plain_text_paragraphs("\n\n \n") == "");
}

TEST_CASE("content that is not text is recognised", "[formats]") {
    CHECK(indexer::unreadable_content(std::string("ab\0cd", 5)) == "binary data (NUL bytes), not text");
    CHECK(indexer::unreadable_content("\xFF\xFEh\0i\0") == "UTF-16 text; convert the file to UTF-8");
    CHECK(indexer::unreadable_content("\xFE\xFF\0h") == "UTF-16 text; convert the file to UTF-8");
    CHECK(indexer::unreadable_content("plain text").empty());
    // Random bytes without a NUL were indexed as an article (issue 19.7); 8-bit text with a stray control byte is text.
    std::string noise;
    for (unsigned k = 1; k < 2000; ++k) noise += static_cast<char>(1 + (k * 167) % 255);
    CHECK(indexer::unreadable_content(noise) == "binary data (control bytes), not text");
    CHECK(indexer::unreadable_content("Caf\xE9 cr\xE8me\f\x1B page two, and a long enough line of text after it.").empty());
}

TEST_CASE("a JSON Lines file keeps every readable record, whatever its first line or a NUL", "[formats][bad-input]") {
    // Issue 19.7: a bad first line made the file one scraped article; a NUL on line 2 skipped the whole file.
    const TempDir dir;
    std::string records;
    for (int k = 1; k <= 3; ++k) records += R"({"id":"r)" + std::to_string(k) + R"(","title":"Record )" + std::to_string(k) + R"(","body":"Text."})" "\n";
    dir.write("in/01-bad-first-line.jsonl", "this is not json\n" + records);
    dir.write("in/02-nul-line-2.jsonl", R"({"id":"n1","title":"First","body":"Text."})" "\n" + std::string("{\"id\":\"n2\0\"}\n", 13) +
                                            R"({"id":"n3","title":"Third","body":"Text."})" "\n");
    std::string noise;
    for (unsigned k = 1; k < 3000; ++k) noise += static_cast<char>(1 + (k * 167) % 255);
    dir.write("in/03-noise", noise);
    const Run run = index(dir, {dir / "in"});
    INFO(run.messages);
    const std::string p = dir / "in" + "/";
    CHECK_THAT(run.messages, Catch::Contains(p + "01-bad-first-line.jsonl:1: error: malformed JSON"));
    CHECK_THAT(run.messages, Catch::Contains(p + "02-nul-line-2.jsonl:2: error: malformed JSON"));
    CHECK_THAT(run.messages, Catch::Contains(p + "03-noise: error: binary data (control bytes), not text; skipped"));
    CHECK(run.errors == 3);
    const Xapian::Database db(dir / "db");
    for (const char* id : {"r1", "r2", "r3", "n1", "n3"}) {
        INFO(id);
        CHECK(db.term_exists(std::string("Q") + id));
    }
    CHECK(db.get_doccount() == 5);
}

TEST_CASE("bad input: each case is reported at file:line, counted, and the run goes on", "[formats][bad-input]") {
    const TempDir dir;
    const std::string in = dir / "in";
    // A good record first and last: nothing around a bad one is lost.
    dir.write("in/01-good.jsonl", R"({"id":"good-1","title":"Good story","body":"Text of a good story."})" "\n");
    dir.write("in/02-malformed.jsonl", R"({"id":"m1","title":"Fine","body":"Fine."})" "\n"
                                       R"({"id":"m2","title":"Broken",)" "\n"
                                       R"({"id":"m3","title":"Fine too","body":"Fine."})" "\n");
    dir.write("in/03-bad-utf8.jsonl", "{\"id\":\"u1\",\"title\":\"Caf\xC3\xA9 \xFF\",\"body\":\"Text.\"}\n");
    dir.write("in/04-latin1.txt", "Un titre d'\xE9t\xE9\n\nLe caf\xE9 de la place a rouvert ses portes mardi matin apr\xE8s "
                                  "trois mois de travaux, au grand plaisir des habitants du quartier.\n");
    dir.write("in/05-empty.jsonl", "");
    dir.write("in/06-binary.dat", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0junk", 16));
    dir.write("in/07-truncated.html", "<html lang=\"en\"><head><title>Cut off | Site</title></head><body><article>"
                                      "<h1>Cut off</h1><p>The first paragraph is complete.</p><p>The second one is cu");
    dir.write("in/08-object.json", "{\n  \"title\": \"Object\",\n  \"article\": \"x\"\n  \"date\": \"2020-01-01\"\n}\n");
    dir.write("in/09-bad-date.jsonl", R"({"id":"d1","title":"Undated","body":"Text.","date":"Juillet 2024"})" "\n");
    dir.write("in/10-corrupt.jsonl.gz", gzip(R"({"id":"gz1","title":"Zipped","body":"Text."})" "\n").substr(0, 30));
    dir.write("in/11-utf16.txt", std::string("\xFF\xFE" "a\0b\0", 6));
    dir.write("in/12-broken-feed.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><language>en</language>"
                                       "<item><title>Kept item</title><guid>f1</guid><description>Text of the kept item."
                                       "</description></item><item><title>Cut</ti");
    dir.write("in/13-no-text.jsonl", R"({"id":"n1","title":"","body":""})" "\n");
    dir.write("in/99-good.jsonl", R"({"id":"good-2","title":"Last story","body":"Text of the last story."})" "\n");

    const Run run = index(dir, {in});
    INFO(run.messages);
    const std::string p = in + "/";
    CHECK_THAT(run.messages, Catch::Contains(p + "02-malformed.jsonl:2: error: malformed JSON: parse error at line 1, column 29: "
                                                    "syntax error while parsing object key - unexpected end of input; expected "
                                                    "string literal in '{\"id\":\"m2\",\"title\":\"Broken\",'"));
    CHECK_THAT(run.messages, Catch::Contains(p + "03-bad-utf8.jsonl:1: warning: invalid UTF-8; 1 byte sequence(s) replaced by U+FFFD"));
    CHECK_THAT(run.messages, Catch::Contains(p + "04-latin1.txt: warning: not UTF-8; decoded as Latin-1 (Windows-1252)"));
    CHECK_THAT(run.messages, Catch::Contains(p + "05-empty.jsonl: warning: empty file"));
    CHECK_THAT(run.messages, Catch::Contains(p + "06-binary.dat: error: binary data (NUL bytes), not text; skipped"));
    CHECK_THAT(run.messages, Catch::Contains(p + "08-object.json:4: error: malformed JSON: parse error at line 4, column 8: "
                                                    "syntax error while parsing object - unexpected string literal; expected '}'"));
    CHECK_THAT(run.messages, Catch::Contains(p + "09-bad-date.jsonl:1: warning: unreadable date 'Juillet 2024'; article indexed without a date"));
    CHECK_THAT(run.messages, Catch::Contains(p + "10-corrupt.jsonl.gz: error: compressed data is corrupt or truncated ("));
    CHECK_THAT(run.messages, Catch::Contains(p + "11-utf16.txt: error: UTF-16 text; convert the file to UTF-8; skipped"));
    CHECK_THAT(run.messages, Catch::Contains(p + "12-broken-feed.xml:1: warning: malformed XML"));
    CHECK_THAT(run.messages, Catch::Contains(p + "13-no-text.jsonl:1: error: record has neither 'title' nor 'body' text; skipped"));
    CHECK(run.errors == 6);
    CHECK(run.warnings == 5);
    CHECK(run.summary.errors == 6);
    CHECK(run.summary.warnings == 5);
    CHECK_FALSE(run.summary.interrupted);

    const Xapian::Database db(dir / "db");
    for (const char* id : {"good-1", "m1", "m3", "u1", "d1", "f1", "good-2"}) {
        INFO(id);
        CHECK(db.term_exists(std::string("Q") + id));
    }
    CHECK_FALSE(db.term_exists("Qm2"));
    CHECK(stored(dir, "u1").find("Café \xEF\xBF\xBD") != std::string::npos);
    CHECK(stored(dir, "04-latin1.txt").find("Un titre d'été") != std::string::npos);
    const std::string truncated = stored(dir, "07-truncated.html");
    CHECK(truncated.find("The first paragraph is complete.") != std::string::npos);
    CHECK(truncated.find("The second one is cu") != std::string::npos);
    CHECK(db.get_document(*db.postlist_begin("Qd1")).termlist_count() > 0);
    CHECK(db.term_exists(std::string(common::schema::k_term_no_date)));
    CHECK(db.get_doccount() == 10);
}

TEST_CASE("feeds never read external entities", "[formats][bad-input]") {
    const TempDir dir;
    dir.write("secret.txt", "TOP-SECRET-CONTENT");
    dir.write("in/xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://" + (dir / "secret.txt") +
                                "\">]>\n<rss version=\"2.0\"><channel><item><title>Entity &xxe; here</title><guid>x1</guid>"
                                "<description>Body &xxe; text.</description></item></channel></rss>\n");
    const Run run = index(dir, {dir / "in"});
    INFO(run.messages);
    CHECK(Xapian::Database(dir / "db").get_doccount() == 1);
    CHECK(stored(dir, "x1").find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("a 50 MB article is truncated with a warning and indexed", "[formats][bad-input]") {
    const TempDir dir;
    std::string body;
    body.reserve(50u << 20);
    const std::string sentence = "The harbour authority said on Monday that the new quay would open next year. ";
    while (body.size() < (50u << 20)) body += sentence;
    dir.write("in/huge.jsonl", R"({"id":"huge","title":"Huge","body":")" + body + "\"}\n");
    const Run run = index(dir, {dir / "in"});
    CHECK_THAT(run.messages, Catch::Contains("warning: article 'huge' has a body of 52428" ));
    CHECK_THAT(run.messages, Catch::Contains("bytes; truncated to 4194304"));
    CHECK(run.errors == 0);
    const std::string data = stored(dir, "huge");
    CHECK(data.size() < (5u << 20));
}
