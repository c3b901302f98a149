// RSS 2.0 / RSS 1.0 (RDF) and Atom feeds (libxml2, no network, no external entities): one article per item.
#pragma once

#include "source.hpp"

namespace dateline::indexer {

/// Reads a feed: each RSS <item> or Atom <entry> is one article. Title, link, guid/id, pubDate /
/// dc:date / published / updated, and the text from content:encoded / <content>, else description /
/// <summary>; HTML in them goes through html_to_text(). The feed's language (<language>, xml:lang)
/// applies to its items. Malformed XML is recovered as far as possible, with a warning.
class FeedSource : public Source {
  public:
    FeedSource();
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override;
};

/// libxml2's options for untrusted XML, feeds and sitemaps alike: no entity substitution, no DTD loading, no
/// network (external entities are never read), recovery from malformed markup, no messages on stderr.
int untrusted_xml_options() noexcept;

/// Prepares libxml2 once per process (its requirement for threaded programs) and sets its nesting limit to
/// k_max_nesting_depth. Called by every reader of XML before it parses.
void init_xml_parser();

/// Feed content: certain when the markup's root is <rss>, <rdf:RDF> or <feed>; possible when markup's
/// prologue hides the root within the first bytes (the name decides: .xml, .rss, .atom).
ContentMatch sniff_feed(std::string_view content);

}  // namespace dateline::indexer
