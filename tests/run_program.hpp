// The one way the tests run a real program (dateline-index, dateline-search): its exit status and output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace dateline::testing {

/// What a run of a program gave.
struct ProgramRun {
    /// The exit status; -1 when the program did not exit normally (a signal).
    int status = -1;
    std::string out;
};

/// `arg` quoted for the shell, whatever it holds.
inline std::string shell_quoted(const std::string& arg) {
    std::string q = "'";
    for (const char c : arg) {
        if (c == '\'') {
            q += "'\\''";
        } else {
            q.push_back(c);
        }
    }
    return q + "'";
}

/// Runs `program` with `args`; `out` is its standard output, then its standard error unless `with_stderr` is
/// false (the two interleaved as written). Throws std::runtime_error when the program cannot be started.
inline ProgramRun run_program(const std::string& program, const std::vector<std::string>& args, bool with_stderr = true) {
    std::string command = shell_quoted(program);
    for (const auto& a : args) command += " " + shell_quoted(a);
    command += with_stderr ? " 2>&1" : " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
    ProgramRun ran;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) ran.out.append(buf, n);
    const int status = ::pclose(pipe);
    ran.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ran;
}

}  // namespace dateline::testing
