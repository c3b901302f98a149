// Fuzz target: scraped page text (single-page shape rules: chrome, title, dateline) read by the scraped reader.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dateline::fuzz::read_as(dateline::indexer::InputFormat::scraped, "x.txt", dateline::fuzz::as_text(data, size));
    return 0;
}
