// The fuzz targets' shared sample index and helpers.
#include "fuzz_support.hpp"

#include "indexer/diagnostics.hpp"
#include "indexer/index_writer.hpp"

#include "common/text.hpp"

#include <unicode/utf8.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <unistd.h>

namespace dateline::fuzz {

namespace {

std::vector<std::filesystem::path>& directories_to_remove() {
    static std::vector<std::filesystem::path> dirs;
    return dirs;
}

void remove_directories() {
    for (const auto& dir : directories_to_remove()) {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
}

}  // namespace

void check_article(const common::Article& article) {
    // The analysis and the stored JSON expect valid UTF-8 from every reader (invalid bytes are repaired).
    const std::pair<const char*, const std::string*> fields[] = {
        {"id", &article.id}, {"title", &article.title}, {"body", &article.body}, {"url", &article.url}, {"source", &article.source}};
    for (const auto& [name, text] : fields) {
        if (!common::is_valid_utf8(*text)) {
            std::size_t at = 0;
            while (at < text->size()) {
                const std::size_t start = at;
                UChar32 c;
                U8_NEXT(text->data(), at, text->size(), c);
                if (c < 0) {
                    at = start;
                    break;
                }
            }
            std::fprintf(stderr, "reader produced invalid UTF-8 in the %s of article '%s' at byte %zu:", name, article.id.c_str(), at);
            for (const char c : text->substr(at >= 40 ? at - 40 : 0, 80)) std::fprintf(stderr, " %02x", static_cast<unsigned char>(c));
            std::fprintf(stderr, "\n");
            std::abort();
        }
    }
}

std::string temp_directory(std::string_view name) {
    const char* base = std::filesystem::is_directory("/dev/shm") && ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nullptr;
    std::string pattern = (base ? std::string(base) : std::filesystem::temp_directory_path().string()) + "/dateline-fuzz-" +
                          std::string(name) + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory " + pattern);
    static std::once_flag registered;
    std::call_once(registered, [] { std::atexit(remove_directories); });
    directories_to_remove().emplace_back(pattern);
    return pattern;
}

const std::string& sample_index() {
    static const std::string path = [] {
        std::string db = temp_directory("index") + "/db";
        std::ostringstream messages;
        indexer::Diagnostics diagnostics(messages, true);
        indexer::IndexOptions options;
        options.quiet = true;
        options.threads = 1;
        indexer::index_inputs(db, {DATELINE_SAMPLE_CORPUS}, indexer::SourceOptions{}, options, diagnostics);
        return db;
    }();
    return path;
}

void read_as(indexer::InputFormat format, std::string_view name, std::string_view content) {
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    indexer::Diagnostics diagnostics(errors, warnings);
    const std::unique_ptr<indexer::Source> reader = indexer::make_source(format, indexer::SourceOptions{});
    std::istringstream in{std::string(content)};
    reader->read(in, fuzz_input_file(name), [](common::Article&& article) { check_article(article); }, diagnostics);
}

indexer::InputFile fuzz_input_file(std::string_view name) {
    return indexer::InputFile{std::string(name), std::string(name), "fuzz", std::string(name)};
}

std::vector<std::string> split_fields(std::string_view text, std::size_t count) {
    std::vector<std::string> fields;
    while (fields.size() + 1 < count) {
        const std::size_t end = text.find('\n');
        if (end == std::string_view::npos) break;
        fields.emplace_back(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    fields.emplace_back(text);
    fields.resize(std::max(count, fields.size()));
    return fields;
}

}  // namespace dateline::fuzz
