// Fuzz target: JSON Lines records (one article object per line; bad lines skipped) read by the jsonl reader.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dateline::fuzz::read_as(dateline::indexer::InputFormat::jsonl, "x.jsonl", dateline::fuzz::as_text(data, size));
    return 0;
}
