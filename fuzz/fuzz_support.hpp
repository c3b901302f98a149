// What the fuzz targets share: a sample index built once per process, the readers' input file, input splitting.
#pragma once

#include "indexer/formats.hpp"
#include "indexer/source.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::fuzz {

/// The fuzzer's input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// An index of the sample corpus (DATELINE_SAMPLE_CORPUS), built on first use in a temporary directory
/// (under /dev/shm when there is one: writes are not synced to a disk) that is removed at exit.
const std::string& sample_index();

/// A fresh temporary directory, removed at exit.
std::string temp_directory(std::string_view name);

/// The input file the readers are given (its name is what messages quote).
indexer::InputFile fuzz_input_file(std::string_view name);

/// Aborts (a finding) when an article a reader produced breaks what the later stages rely on: valid UTF-8.
void check_article(const common::Article& article);

/// Reads `content` with the reader of `format` as the file `name`, and checks what every reader promises: no
/// exception for bad content, articles with valid UTF-8 text. Aborts when a promise is broken.
void read_as(indexer::InputFormat format, std::string_view name, std::string_view content);

/// `text` cut at each '\n' into at least `count` fields (missing ones empty; the last keeps the rest).
std::vector<std::string> split_fields(std::string_view text, std::size_t count);

}  // namespace dateline::fuzz
