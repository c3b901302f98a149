// HTML article pages (gumbo): title, date, language, canonical id and the article text without site chrome;
// also the HTML-to-text conversion and the markup root the feed reader uses (HTML in items, sniffing).
#pragma once

#include "source.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dateline::indexer {

/// The text of an HTML fragment or page: paragraphs (block elements, <br>) separated by blank lines,
/// whitespace collapsed, entities decoded; scripts, styles, forms, navigation, asides, ads, share bars,
/// comments and similar boilerplate left out. `utf8` must be valid UTF-8.
std::string html_to_text(std::string_view utf8);

/// What one HTML page says about its article, before it becomes an Article.
struct HtmlPage {
    /// Elements nest deeper than k_max_nesting_depth: nothing else is read from the page.
    bool too_deep = false;
    std::string title;
    std::string body;
    /// Canonical URL (link rel=canonical, og:url, JSON-LD url); empty when the page gives none.
    std::string canonical_url;
    /// Language code as the page states it (<html lang>, JSON-LD inLanguage, og:locale); may be unknown.
    std::string lang;
    /// The publisher's name as the page states it (og:site_name, else JSON-LD publisher.name); may be empty.
    std::string publisher;
    /// Publication date candidates in order of trust: JSON-LD datePublished, article:published_time,
    /// <time datetime>; each with where it came from (for messages).
    struct DateCandidate {
        std::string value;
        std::string origin;
    };
    std::vector<DateCandidate> dates;
};

/// Extracts title, body, canonical URL, language, publisher and date candidates from a page (valid UTF-8).
/// The title comes from og:title, else the <h1>, else JSON-LD headline, else <title> without its
/// " | Site" suffix; the body from articleBody / <article> / <main> / the element holding most paragraph
/// text, without the title heading and boilerplate.
HtmlPage extract_html_page(std::string_view utf8);

/// Removes a site-name suffix or prefix from a page title: "Headline | Site" → "Headline". The known
/// site name (og:site_name) is removed after any of " | ", " - ", " – ", " — ", " :: "; without it only a
/// short, name-like last part after " | " is removed.
std::string strip_site_name(std::string_view title, std::string_view site_name);

/// One HTML page per file: one article.
class HtmlSource : public Source {
  public:
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override;
};

/// The name of the first element of markup, lower case ("html", "rss", "rdf:rdf"), skipping the XML
/// declaration, comments and a doctype ("html" for an HTML doctype); empty when `text` does not start with
/// markup (after white space) or its prologue is cut off.
std::string markup_root(std::string_view text);

/// HTML content: likely for any markup (a page or a fragment; a feed's root is claimed by the feed format),
/// possible for other text (a page without tags, when the name says HTML), none for JSON ('{', '[').
ContentMatch sniff_html(std::string_view content);

}  // namespace dateline::indexer
