// The command-line programs' exit statuses and what each kind of failure prints.
#pragma once

#include "errors.hpp"

#include <boost/program_options.hpp>
#include <xapian.h>

#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::common {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;
/// Finished, but some records were skipped (dateline-index).
inline constexpr int k_exit_partial = 3;
/// Stopped by Ctrl-C after committing what was read (dateline-index).
inline constexpr int k_exit_interrupted = 130;

/// Call from `catch (...)` at the top of main(): prints the failure as `program: ...` on standard error
/// and returns the exit status (usage errors 2 with a hint to --help, everything else 1).
inline int report_current_exception(std::string_view program) {
    const std::string name(program);
    try {
        throw;
    } catch (const boost::program_options::error& e) {
        std::cerr << name << ": " << e.what() << "\nTry '" << name << " --help'.\n";
        return k_exit_usage;
    } catch (const UsageError& e) {
        std::cerr << name << ": " << e.what() << "\nTry '" << name << " --help'.\n";
        return k_exit_usage;
    } catch (const Error& e) {
        std::cerr << name << ": error: " << e.what() << '\n';
        return k_exit_failure;
    } catch (const Xapian::Error& e) {
        std::cerr << name << ": database error: " << e.get_description() << '\n';
        return k_exit_failure;
    } catch (const std::exception& e) {
        std::cerr << name << ": error: " << e.what() << '\n';
        return k_exit_failure;
    }
}

/// Parses a (sub)command's `args` with its options `desc` and the repeatable positional argument `positional`
/// (into `values`). True when --help was asked: the help is printed and the command is done.
inline bool parse_command(const std::vector<std::string>& args, const boost::program_options::options_description& desc,
                          const char* positional, std::vector<std::string>& values) {
    namespace po = boost::program_options;
    po::options_description hidden;
    hidden.add_options()(positional, po::value(&values));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add(positional, -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (!vm.count("help")) return false;
    std::cout << desc << '\n';
    return true;
}

}  // namespace dateline::common
