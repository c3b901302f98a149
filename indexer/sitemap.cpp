// Sitemap reading: zlib for gzip, libxml2 with the feed reader's settings for untrusted XML.
#include "sitemap.hpp"

#include "feed_source.hpp"
#include "html_source.hpp"

#include "common/errors.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>

#include <memory>

namespace dateline::indexer {

namespace {

constexpr std::string_view k_ns_sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";
constexpr std::string_view k_ns_news = "http://www.google.com/schemas/sitemap-news/0.9";

struct DocDeleter {
    void operator()(xmlDoc* doc) const noexcept { xmlFreeDoc(doc); }
};
struct ContextDeleter {
    void operator()(xmlParserCtxt* ctxt) const noexcept { xmlFreeParserCtxt(ctxt); }
};

std::string_view name_of(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }
std::string_view ns_of(const xmlNode* node) {
    return node->ns && node->ns->href ? std::string_view(reinterpret_cast<const char*>(node->ns->href)) : std::string_view();
}
/// An element of the sitemap namespace (or of none: some generators forget it).
bool is_sitemap_element(const xmlNode* node, std::string_view name) {
    return node->type == XML_ELEMENT_NODE && name_of(node) == name && (ns_of(node).empty() || ns_of(node) == k_ns_sitemap);
}

/// The text of an element, trimmed (entity references are not substituted: XML_PARSE_NOENT is never set).
std::string text_of(const xmlNode* node) {
    xmlChar* raw = xmlNodeGetContent(node);
    std::string s = raw ? reinterpret_cast<const char*>(raw) : "";
    xmlFree(raw);
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

void read_news(const xmlNode* news, SitemapEntry& entry) {
    for (const xmlNode* c = news->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || ns_of(c) != k_ns_news) continue;
        if (name_of(c) == "title") {
            entry.news_title = text_of(c);
        } else if (name_of(c) == "publication_date") {
            entry.news_publication_date = text_of(c);
        } else if (name_of(c) == "publication") {
            for (const xmlNode* p = c->children; p; p = p->next) {
                if (p->type == XML_ELEMENT_NODE && ns_of(p) == k_ns_news && name_of(p) == "language") entry.news_language = text_of(p);
            }
        }
    }
}

}  // namespace

bool is_gzip(std::string_view content) noexcept {
    return content.size() >= 2 && static_cast<unsigned char>(content[0]) == 0x1f && static_cast<unsigned char>(content[1]) == 0x8b;
}

std::string gunzip(std::string_view content, std::size_t limit) {
    z_stream stream{};
    // 15 + 16: a gzip header and trailer around the deflate data.
    if (inflateInit2(&stream, 15 + 16) != Z_OK) throw common::BadInputError("cannot start gzip decompression");
    const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
    stream.avail_in = static_cast<uInt>(content.size());
    std::string out;
    char buffer[64 * 1024];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            throw common::BadInputError(std::string("corrupt gzip data") + (stream.msg ? std::string(": ") + stream.msg : std::string()));
        }
        out.append(buffer, sizeof buffer - stream.avail_out);
        if (out.size() > limit) throw common::BadInputError("gzip data expands beyond " + std::to_string(limit) + " bytes");
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) throw common::BadInputError("gzip data cut short");
    }
    return out;
}

bool looks_like_sitemap(std::string_view content) {
    const std::string root = markup_root(content);
    return root == "urlset" || root == "sitemapindex" || root.ends_with(":urlset") || root.ends_with(":sitemapindex");
}

Sitemap parse_sitemap(std::string_view content) {
    Sitemap out;
    std::string inflated;
    if (is_gzip(content)) {
        try {
            inflated = gunzip(content, k_max_sitemap_bytes);
        } catch (const common::Error& e) {
            out.error = e.what();
            return out;
        }
        content = inflated;
    }
    if (content.size() > k_max_sitemap_bytes) {
        out.error = "larger than the protocol's " + std::to_string(k_max_sitemap_bytes) + " bytes";
        return out;
    }
    init_xml_parser();
    const std::unique_ptr<xmlParserCtxt, ContextDeleter> ctxt(xmlNewParserCtxt());
    if (!ctxt) {
        out.error = "out of memory creating the XML parser";
        return out;
    }
    const std::unique_ptr<xmlDoc, DocDeleter> doc(xmlCtxtReadMemory(ctxt.get(), content.data(), static_cast<int>(content.size()),
                                                                    nullptr, nullptr, untrusted_xml_options()));
    const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (!root) {
        out.error = "not readable XML";
        return out;
    }
    if (is_sitemap_element(root, "sitemapindex")) {
        out.index = true;
        for (const xmlNode* s = root->children; s; s = s->next) {
            if (!is_sitemap_element(s, "sitemap")) continue;
            std::string loc;
            for (const xmlNode* c = s->children; c; c = c->next) {
                if (is_sitemap_element(c, "loc")) loc = text_of(c);
            }
            if (loc.empty() || out.sitemaps.size() >= k_max_sitemap_urls) {
                ++out.skipped;
                continue;
            }
            out.sitemaps.push_back(std::move(loc));
        }
        return out;
    }
    if (!is_sitemap_element(root, "urlset")) {
        out.error = "root element <" + std::string(name_of(root)) + "> is neither <urlset> nor <sitemapindex>";
        return out;
    }
    for (const xmlNode* u = root->children; u; u = u->next) {
        if (!is_sitemap_element(u, "url")) continue;
        SitemapEntry entry;
        entry.line = static_cast<std::size_t>(xmlGetLineNo(u));
        for (const xmlNode* c = u->children; c; c = c->next) {
            if (is_sitemap_element(c, "loc")) {
                entry.url = text_of(c);
            } else if (is_sitemap_element(c, "lastmod")) {
                entry.lastmod = text_of(c);
            } else if (c->type == XML_ELEMENT_NODE && ns_of(c) == k_ns_news && name_of(c) == "news") {
                read_news(c, entry);
            }
        }
        if (entry.url.empty() || out.entries.size() >= k_max_sitemap_urls) {
            ++out.skipped;
            continue;
        }
        out.entries.push_back(std::move(entry));
    }
    return out;
}

}  // namespace dateline::indexer
