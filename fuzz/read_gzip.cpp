// Fuzz target: a whole input file as the indexer opens it (gzip or not, zlib), its format detected from its
// first bytes and name, then read by that format's reader.
#include "fuzz_support.hpp"

#include "indexer/diagnostics.hpp"

#include "common/errors.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // An in-memory file: the reader opens inputs by path, as it does on disk.
    static const int fd = ::memfd_create("dateline-fuzz-input", 0);
    if (fd < 0 || ::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
        std::perror("memfd");
        std::abort();
    }
    dateline::indexer::InputFile file = dateline::fuzz::fuzz_input_file("fuzz.gz");
    file.path = "/proc/self/fd/" + std::to_string(fd);
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    dateline::indexer::Diagnostics diagnostics(errors, warnings);
    try {
        dateline::indexer::read_input(file, dateline::indexer::SourceOptions{},
                                      [](dateline::common::Article&& article) { dateline::fuzz::check_article(article); }, diagnostics);
    } catch (const dateline::common::Error&) {
        // A corrupt gzip stream after the first records: dateline-index reports it for the file and goes on.
    }
    return 0;
}
