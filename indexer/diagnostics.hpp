// Reporting of bad input: "file:line: error: what" on stderr, counted for the end-of-run summary.
#pragma once

#include <atomic>
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::indexer {

/// Collects and prints diagnostics about the input. Thread-safe.
class Diagnostics {
  public:
    /// Messages go to `out` (stderr in the programs); `quiet` silences warnings, never errors.
    explicit Diagnostics(std::ostream& out, bool quiet = false) : m_out(&out), m_quiet(quiet) {}
    /// Error messages are collected into `errors` ("file:line: error: what"), warnings dropped.
    explicit Diagnostics(std::vector<std::string>& errors) : m_collected(&errors), m_quiet(true) {}
    /// Errors and warnings collected apart ("file:line: warning: what"): for callers that answer with them
    /// (the HTTP write routes).
    Diagnostics(std::vector<std::string>& errors, std::vector<std::string>& warnings)
        : m_collected(&errors), m_collected_warnings(&warnings), m_quiet(false) {}

    /// A record that was skipped. `line` 0 means "the whole file".
    void error(std::string_view file, std::size_t line, std::string_view message);
    /// Something was repaired or ignored but the record was kept.
    void warning(std::string_view file, std::size_t line, std::string_view message);

    std::size_t errors() const noexcept { return m_errors.load(); }
    std::size_t warnings() const noexcept { return m_warnings.load(); }

  private:
    void print(std::string_view kind, std::string_view file, std::size_t line, std::string_view message);

    std::ostream* m_out = nullptr;
    std::vector<std::string>* m_collected = nullptr;
    std::vector<std::string>* m_collected_warnings = nullptr;
    bool m_quiet;
    std::mutex m_mutex;
    std::atomic<std::size_t> m_errors{0};
    std::atomic<std::size_t> m_warnings{0};
};

/// Shortens a value for quoting in a message: at most `max` bytes, control characters escaped.
std::string quote_value(std::string_view value, std::size_t max = 60);

}  // namespace dateline::indexer
