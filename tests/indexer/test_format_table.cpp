// The format table is the one list of input formats: every row's names, extensions and sniffing reach
// --format, detection, chrome learning and dateline-index's help, with no second list to forget.
#include "indexer/formats.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include "tests/run_program.hpp"
#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace dateline;
using indexer::ContentMatch;
using indexer::InputFormat;

namespace {

InputFormat format_at(std::size_t row) { return static_cast<InputFormat>(row + 1); }

testing::ProgramRun run_index(const std::vector<std::string>& args) { return testing::run_program(DATELINE_INDEX_BIN, args); }

}  // namespace

TEST_CASE("the format table: names, aliases and extensions are unique and parse back to their row", "[formats][format-table]") {
    const auto rows = indexer::input_formats();
    REQUIRE(rows.size() >= 5);
    std::set<std::string_view> names{"auto"};
    std::vector<std::string_view> extensions;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const auto& row = rows[k];
        INFO("format " << row.name);
        CHECK(names.insert(row.name).second);
        CHECK(indexer::parse_input_format(row.name) == format_at(k));
        CHECK(indexer::format_name(format_at(k)) == row.name);
        CHECK(&indexer::input_format_row(format_at(k)) == &row);
        CHECK_FALSE(row.summary.empty());
        REQUIRE(row.sniff != nullptr);
        REQUIRE(row.reader != nullptr);
        CHECK(row.reader(indexer::SourceOptions{}) != nullptr);
        for (const std::string_view alias : row.aliases) {
            INFO("alias " << alias);
            CHECK(names.insert(alias).second);
            CHECK(indexer::parse_input_format(alias) == format_at(k));
        }
        for (const std::string_view extension : row.extensions) {
            INFO("extension " << extension);
            CHECK(extension.starts_with("."));
            CHECK(common::ascii_lower(extension) == extension);
            extensions.push_back(extension);
        }
    }
    // One extension ending with another would make the first row in the table take both.
    for (std::size_t a = 0; a < extensions.size(); ++a) {
        for (std::size_t b = 0; b < extensions.size(); ++b) {
            if (a != b) CHECK_FALSE(extensions[a].ends_with(extensions[b]));
        }
    }
    // The named values are the rows of the same name.
    CHECK(indexer::format_name(InputFormat::jsonl) == "jsonl");
    CHECK(indexer::format_name(InputFormat::json) == "json");
    CHECK(indexer::format_name(InputFormat::html) == "html");
    CHECK(indexer::format_name(InputFormat::feed) == "feed");
    CHECK(indexer::format_name(InputFormat::scraped) == "scraped");
    CHECK(indexer::format_name(InputFormat::automatic) == "auto");
    CHECK_THROWS_AS(indexer::make_source(InputFormat::automatic, {}), common::UsageError);
}

TEST_CASE("every extension of every format is detected as that format", "[formats][format-table]") {
    const auto rows = indexer::input_formats();
    // Content that leaves the choice open: a one-line JSON object without a newline, markup whose root the
    // first bytes do not show, plain text.
    const std::vector<std::string> open_contents = {R"({"title": "one line, no newline"})", "<?xml version=\"1.0\"?>",
                                                    "<!-- a comment cut off", "Just some text."};
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const auto& row = rows[k];
        INFO("format " << row.name);
        for (const std::string_view extension : row.extensions) {
            INFO("extension " << extension);
            std::string shouted(extension);
            for (char& c : shouted) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
            CHECK(indexer::format_for_name("dir/story" + std::string(extension)) == format_at(k));
            CHECK(indexer::format_for_name("dir/story" + shouted + ".gz") == format_at(k));
        }
        if (row.extensions.empty()) continue;
        // Where the row's sniff allows the content and no row is certain of it, the name decides.
        std::size_t decided = 0;
        for (const std::string& content : open_contents) {
            INFO("content " << content);
            bool someone_certain = false;
            for (const auto& other : rows) someone_certain = someone_certain || other.sniff(content) == ContentMatch::certain;
            if (someone_certain || row.sniff(content) == ContentMatch::none) continue;
            for (const std::string_view extension : row.extensions) {
                INFO("extension " << extension);
                CHECK(indexer::detect_format(content, "story" + std::string(extension)) == format_at(k));
                CHECK(indexer::detect_format(content, "story" + std::string(extension) + ".gz") == format_at(k));
            }
            ++decided;
        }
        CHECK(decided > 0);
    }
    CHECK(indexer::format_for_name("story.txt") == InputFormat::automatic);
    CHECK(indexer::format_for_name("story") == InputFormat::automatic);
}

TEST_CASE("dateline-index add --help lists every format, and --format takes every name and alias", "[formats][format-table][cli]") {
    const testing::ProgramRun help = run_index({"add", "--help"});
    CHECK(help.status == 0);
    INFO(help.out);
    std::string values = "auto";
    for (const auto& row : indexer::input_formats()) {
        INFO("format " << row.name);
        values += ", " + std::string(row.name);
        CHECK_THAT(help.out, Catch::Contains("  " + std::string(row.name)));
        CHECK_THAT(help.out, Catch::Contains(std::string(row.summary)));
        for (const std::string_view alias : row.aliases) CHECK_THAT(help.out, Catch::Contains(", " + std::string(alias)));
        for (const std::string_view extension : row.extensions) CHECK_THAT(help.out, Catch::Contains(std::string(extension)));
    }
    CHECK_THAT(help.out, Catch::Contains(values + " (default:"));

    const testing::TempDir dir("dateline-format-table");
    for (const auto& row : indexer::input_formats()) {
        std::vector<std::string_view> names{row.name};
        names.insert(names.end(), row.aliases.begin(), row.aliases.end());
        for (const std::string_view name : names) {
            INFO("--format " << name);
            // A usage error would exit with 2 before looking for the input.
            const testing::ProgramRun ran = run_index({"--db", dir / "db", "--format", std::string(name), dir / "absent"});
            CHECK(ran.status == 1);
            CHECK_THAT(ran.out, Catch::Contains("absent: error: no such file or directory"));
        }
    }
    const testing::ProgramRun bad = run_index({"--db", dir / "db", "--format", "xml", dir / "absent"});
    CHECK(bad.status == 2);
    CHECK_THAT(bad.out, Catch::Contains("unknown format 'xml'; expected one of: " + values + "\n"));
}
