// Sitemaps (sitemaps.org): URL sets with lastmod, sitemap indexes, gzipped files, and the Google News
// extension (news:publication_date, news:title, news:language); read with libxml2 as feeds are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::indexer {

/// One <url> of a URL set.
struct SitemapEntry {
    std::string url;
    /// <lastmod> as written (W3C datetime); empty when absent.
    std::string lastmod;
    /// The news extension's fields; empty when absent.
    std::string news_title;
    std::string news_publication_date;
    std::string news_language;
    /// 1-based line of the <url> element, for messages.
    std::size_t line = 0;
};

/// What a sitemap file holds.
struct Sitemap {
    /// True for a <sitemapindex>: `sitemaps` lists its children, `entries` is empty.
    bool index = false;
    std::vector<SitemapEntry> entries;
    /// The <loc> of each <sitemap> of an index.
    std::vector<std::string> sitemaps;
    /// <url> elements left out (no <loc>), and past the protocol's 50,000 per file.
    std::size_t skipped = 0;
    /// Why the file could not be read as a sitemap ("" when it could).
    std::string error;
};

/// Most URLs one sitemap file may list (sitemaps.org); further ones are left out and counted.
inline constexpr std::size_t k_max_sitemap_urls = 50000;
/// Most bytes a sitemap may have once decompressed (sitemaps.org allows 50 MiB).
inline constexpr std::size_t k_max_sitemap_bytes = 50 * 1024 * 1024;

/// True when `content` starts with the gzip magic bytes.
bool is_gzip(std::string_view content) noexcept;

/// Decompresses gzip `content` up to `limit` bytes. Throws common::BadInputError when the data is corrupt or
/// expands beyond `limit` (a small file may expand to gigabytes).
std::string gunzip(std::string_view content, std::size_t limit);

/// Reads a sitemap or sitemap index (gzipped or not). Never throws for bad content: Sitemap::error says why.
Sitemap parse_sitemap(std::string_view content);

/// True when the markup's root element is <urlset> or <sitemapindex>.
bool looks_like_sitemap(std::string_view content);

}  // namespace dateline::indexer
