// URL encoding, web URL checks and the HtmlWriter.
#include "http_html.hpp"

#include "common/text.hpp"

#include <cstdio>

namespace dateline::server {

namespace {

using common::append_html_escaped;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string url_encode(std::string_view value) {
    std::string out;
    out.reserve(value.size() * 3 / 2);
    for (char c : value) {
        if (is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            out += buf;
        }
    }
    return out;
}

bool is_web_url(std::string_view url) {
    auto starts = [&](std::string_view scheme) {
        if (url.size() <= scheme.size()) return false;
        for (std::size_t i = 0; i < scheme.size(); ++i) {
            if (common::ascii_lower(url[i]) != scheme[i]) return false;
        }
        return true;
    };
    return starts("http://") || starts("https://");
}

void HtmlWriter::attributes(std::initializer_list<HtmlAttribute> attributes) {
    for (const auto& [name, value] : attributes) {
        // An empty name is an attribute left out (conditional attributes).
        if (name.empty()) continue;
        m_out += ' ';
        m_out += name;
        m_out += "=\"";
        for (char c : value) append_html_escaped(m_out, c);
        m_out += '"';
    }
}

HtmlWriter& HtmlWriter::open(std::string_view tag, std::initializer_list<HtmlAttribute> attrs) {
    m_out += '<';
    m_out += tag;
    attributes(attrs);
    m_out += '>';
    return *this;
}

HtmlWriter& HtmlWriter::close(std::string_view tag) {
    m_out += "</";
    m_out += tag;
    m_out += '>';
    return *this;
}

HtmlWriter& HtmlWriter::element(std::string_view tag, std::initializer_list<HtmlAttribute> attrs, std::string_view content) {
    open(tag, attrs);
    text(content);
    return close(tag);
}

HtmlWriter& HtmlWriter::empty(std::string_view tag, std::initializer_list<HtmlAttribute> attrs) { return open(tag, attrs); }

HtmlWriter& HtmlWriter::text(std::string_view content) {
    for (char c : content) append_html_escaped(m_out, c);
    return *this;
}

HtmlWriter& HtmlWriter::markup(std::string_view trusted) {
    m_out += trusted;
    return *this;
}

}  // namespace dateline::server
