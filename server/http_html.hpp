// HtmlWriter: builds HTML with every piece of text and every attribute value escaped; the only way the
// server's pages are made.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace dateline::server {

/// Percent-encodes a URL query value or path segment (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view value);

/// True for an absolute http(s) URL, the only kind of article URL a page links to.
bool is_web_url(std::string_view url);

/// An HTML attribute; its value is escaped when written.
using HtmlAttribute = std::pair<std::string_view, std::string_view>;

/// Appends HTML to a string. Tag and attribute names are code literals; text and attribute values are
/// escaped. `markup()` takes trusted markup made by the program (never data as it came).
class HtmlWriter {
  public:
    /// <tag a="v" ...>
    HtmlWriter& open(std::string_view tag, std::initializer_list<HtmlAttribute> attributes = {});
    /// </tag>
    HtmlWriter& close(std::string_view tag);
    /// <tag a="v" ...>text</tag>
    HtmlWriter& element(std::string_view tag, std::initializer_list<HtmlAttribute> attributes, std::string_view text);
    /// <tag a="v" ...> with no end tag (input, meta, link, br).
    HtmlWriter& empty(std::string_view tag, std::initializer_list<HtmlAttribute> attributes = {});
    /// Escaped text.
    HtmlWriter& text(std::string_view text);
    /// Trusted markup from the program itself: its own literals, and the searcher's render_html (title_html,
    /// snippet_html), which escapes the text and adds only <mark> elements.
    HtmlWriter& markup(std::string_view trusted);

    const std::string& str() const noexcept { return m_out; }
    std::string take() noexcept { return std::move(m_out); }

  private:
    void attributes(std::initializer_list<HtmlAttribute> attributes);
    std::string m_out;
};

}  // namespace dateline::server
