// Fuzz target: an HTML page (gumbo), its article text and metadata read by the html reader.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dateline::fuzz::read_as(dateline::indexer::InputFormat::html, "x.html", dateline::fuzz::as_text(data, size));
    return 0;
}
