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

/// Feed content: certain when the markup's root is <rss>, <rdf:RDF> or <feed>; possible when markup's
/// prologue hides the root within the first bytes (the name decides: .xml, .rss, .atom).
ContentMatch sniff_feed(std::string_view content);

}  // namespace dateline::indexer
