// Fuzz target: a JSON document (one article object, or an array of them) read by the json reader.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dateline::fuzz::read_as(dateline::indexer::InputFormat::json, "x.json", dateline::fuzz::as_text(data, size));
    return 0;
}
