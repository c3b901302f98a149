// Fuzz target: an RSS or Atom feed (libxml2, no network, no external entities) read by the feed reader.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dateline::fuzz::read_as(dateline::indexer::InputFormat::feed, "x.xml", dateline::fuzz::as_text(data, size));
    return 0;
}
