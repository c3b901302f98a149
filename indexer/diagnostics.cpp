// Diagnostics: formatted, counted reports of bad input.
#include "diagnostics.hpp"

#include "common/text.hpp"

#include <ostream>

namespace dateline::indexer {

void Diagnostics::print(std::string_view kind, std::string_view file, std::size_t line, std::string_view message) {
    std::lock_guard lock(m_mutex);
    std::string text(file);
    if (line > 0) text += ':' + std::to_string(line);
    text.append(": ").append(kind).append(": ").append(message);
    if (m_collected_warnings && kind == "warning") {
        m_collected_warnings->push_back(std::move(text));
    } else if (m_collected) {
        m_collected->push_back(std::move(text));
    } else {
        *m_out << text << '\n';
    }
}

void Diagnostics::error(std::string_view file, std::size_t line, std::string_view message) {
    ++m_errors;
    print("error", file, line, message);
}

void Diagnostics::warning(std::string_view file, std::size_t line, std::string_view message) {
    ++m_warnings;
    if (!m_quiet) print("warning", file, line, message);
}

std::string quote_value(std::string_view value, std::size_t max) {
    const std::string repaired = common::repair_utf8(common::truncate_utf8(value, max)).text;
    std::string out = "'";
    for (char c : repaired) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';
        } else {
            out += c;
        }
    }
    out += '\'';
    if (value.size() > max) out += "…";
    return out;
}

}  // namespace dateline::indexer
