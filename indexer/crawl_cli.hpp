// dateline-index crawl: the command line of the crawler (indexer/crawl.hpp).
#pragma once

#include <atomic>
#include <string>
#include <vector>

namespace dateline::indexer {

/// Runs `dateline-index crawl ARGS...`; `interrupted` is the program's Ctrl-C flag. Returns the exit status.
int crawl_command(const std::vector<std::string>& args, const std::atomic<bool>& interrupted);

}  // namespace dateline::indexer
