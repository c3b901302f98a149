// Feed reading with libxml2's parser: never loads external entities or DTDs, never touches the network.
#include "feed_source.hpp"

#include "html_source.hpp"
#include "publisher_names.hpp"

#include "common/dates.hpp"
#include "common/text.hpp"

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <string_view>

namespace dateline::indexer {

namespace {

constexpr std::string_view k_ns_atom = "http://www.w3.org/2005/Atom";
constexpr std::string_view k_ns_content = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view k_ns_dc = "http://purl.org/dc/elements/1.1/";

struct DocDeleter {
    void operator()(xmlDoc* doc) const noexcept { xmlFreeDoc(doc); }
};
struct ContextDeleter {
    void operator()(xmlParserCtxt* ctxt) const noexcept { xmlFreeParserCtxt(ctxt); }
};
struct XmlCharDeleter {
    void operator()(xmlChar* s) const noexcept { xmlFree(s); }
};
struct BufferDeleter {
    void operator()(xmlBuffer* b) const noexcept { xmlBufferFree(b); }
};

std::string take_string(xmlChar* s) {
    const std::unique_ptr<xmlChar, XmlCharDeleter> owned(s);
    return s ? std::string(reinterpret_cast<const char*>(s)) : std::string();
}

std::string_view name_of(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

std::string_view ns_of(const xmlNode* node) {
    return node->ns && node->ns->href ? std::string_view(reinterpret_cast<const char*>(node->ns->href)) : std::string_view();
}

bool is(const xmlNode* node, std::string_view name, std::string_view ns = {}) {
    return node->type == XML_ELEMENT_NODE && name_of(node) == name && (ns.empty() || ns_of(node) == ns);
}

std::string property(const xmlNode* node, const char* name) {
    return take_string(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
}

/// Appends the text of `node`'s children to `out` as xmlNodeGetContent() gives it, entity references expanded,
/// but stops at `budget` bytes in all: returns false when the text is longer (`out` then holds its start).
bool append_content(const xmlNode* node, std::string& out, std::size_t budget, std::size_t depth = 0) {
    // The parser bounds element nesting; entities that reference entities add levels, bounded here too.
    if (depth > 2 * k_max_nesting_depth) return false;
    for (const xmlNode* c = node->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const std::string_view text = c->content ? reinterpret_cast<const char*>(c->content) : "";
            if (out.size() + text.size() > budget) {
                out.append(text.substr(0, budget - out.size()));
                return false;
            }
            out.append(text);
        } else if (c->type == XML_ELEMENT_NODE) {
            if (!append_content(c, out, budget, depth + 1)) return false;
        } else if (c->type == XML_ENTITY_REF_NODE) {
            // Each reference expands the entity's whole text again: what a "billion laughs" feed multiplies.
            const xmlEntity* entity = xmlGetDocEntity(c->doc, c->name);
            if (entity && !append_content(reinterpret_cast<const xmlNode*>(entity), out, budget, depth + 1)) return false;
        }
    }
    return true;
}

/// What is left of the text one feed item may expand to; `cut` once a field needed more.
struct TextBudget {
    std::size_t left = 0;
    bool cut = false;
};

/// The text of a node, entity references expanded, charged to `budget`; empty (and `budget.cut` set) when
/// it expands to more than is left.
std::string content_of(const xmlNode* node, TextBudget& budget) {
    std::string out;
    if (!append_content(node, out, budget.left)) {
        budget.cut = true;
        budget.left = 0;
        return {};
    }
    budget.left -= out.size();
    return out;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

/// Markup or entity references in a text field mean it holds HTML ("<p>...", "&eacute;").
bool looks_like_html(std::string_view s) {
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        const char c = s[i];
        const char n = s[i + 1];
        if (c == '<' && ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || n == '/' || n == '!')) return true;
        if (c == '&') {
            std::size_t e = i + 1;
            if (e < s.size() && s[e] == '#') ++e;
            const std::size_t start = e;
            while (e < s.size() && e - start < 10 && ((s[e] >= 'a' && s[e] <= 'z') || (s[e] >= 'A' && s[e] <= 'Z') ||
                                                       (s[e] >= '0' && s[e] <= '9'))) {
                ++e;
            }
            if (e > start && e < s.size() && s[e] == ';') return true;
        }
    }
    return false;
}

/// The text of a feed field: HTML converted, plain text with its paragraphs kept.
std::string field_text(std::string_view raw) {
    return looks_like_html(raw) ? html_to_text(raw) : plain_text_paragraphs(raw);
}

/// A title on one line, whatever markup or line breaks it had.
std::string one_line(std::string text) {
    for (std::size_t at = text.find("\n\n"); at != std::string::npos; at = text.find("\n\n", at)) text.replace(at, 2, " ");
    return text;
}

/// Atom text constructs: type="text" (default), "html", or "xhtml" (inline markup in a <div>).
std::string atom_text(const xmlNode* node, TextBudget& budget) {
    const std::string type = property(node, "type");
    if (type == "xhtml") {
        const std::unique_ptr<xmlBuffer, BufferDeleter> buffer(xmlBufferCreate());
        for (const xmlNode* child = node->children; child; child = child->next) {
            xmlNodeDump(buffer.get(), node->doc, const_cast<xmlNode*>(child), 0, 0);
        }
        return html_to_text(std::string_view(reinterpret_cast<const char*>(xmlBufferContent(buffer.get())),
                                             static_cast<std::size_t>(xmlBufferLength(buffer.get()))));
    }
    const std::string raw = content_of(node, budget);
    if (type == "html" || type == "text/html") return html_to_text(raw);
    return plain_text_paragraphs(raw);
}

/// One item or entry, as read from the feed.
struct FeedItem {
    std::string title;
    std::string id;
    std::string link;
    std::string date;
    std::string lead;  // description / summary
    std::string text;  // content:encoded / content
    std::string lang;
    /// The publisher the item names for itself (RSS <source>, Atom <source><title>): aggregated feeds.
    std::string publisher;
    long line = 0;
    /// What its fields may still expand to; cut: a field expanded (through entity references) to more.
    TextBudget budget;
    /// What the budget started with: less than k_max_entity_expansion_bytes once the feed's total ran short.
    std::size_t allowance = 0;
    /// Elements in it nest to libxml2's limit: with its error, the item the parse stopped in.
    bool reaches_depth_limit = false;
};

/// Whether elements below `node`, at nesting `depth`, reach k_max_nesting_depth (the parser built none deeper).
bool reaches_depth_limit(const xmlNode* node, std::size_t depth) {
    if (depth >= k_max_nesting_depth) return true;
    for (const xmlNode* c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && reaches_depth_limit(c, depth + 1)) return true;
    }
    return false;
}

std::size_t depth_of(const xmlNode* node) {
    std::size_t depth = 0;
    for (const xmlNode* p = node; p && p->type == XML_ELEMENT_NODE; p = p->parent) ++depth;
    return depth;
}

FeedItem read_rss_item(const xmlNode* item, std::size_t allowance) {
    FeedItem out;
    out.budget.left = allowance;
    out.line = xmlGetLineNo(item);
    for (const xmlNode* c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const bool plain = ns_of(c).empty() || ns_of(c) == "http://purl.org/rss/1.0/";
        if (plain && name_of(c) == "title") {
            out.title = one_line(field_text(content_of(c, out.budget)));
        } else if (plain && name_of(c) == "link") {
            out.link = trimmed(content_of(c, out.budget));
        } else if (plain && name_of(c) == "guid") {
            out.id = trimmed(content_of(c, out.budget));
        } else if (plain && name_of(c) == "pubDate") {
            out.date = trimmed(content_of(c, out.budget));
        } else if (plain && name_of(c) == "description") {
            out.lead = field_text(content_of(c, out.budget));
        } else if (is(c, "encoded", k_ns_content)) {
            out.text = html_to_text(content_of(c, out.budget));
        } else if (is(c, "date", k_ns_dc) && out.date.empty()) {
            out.date = trimmed(content_of(c, out.budget));
        } else if (plain && name_of(c) == "source") {
            out.publisher = one_line(field_text(content_of(c, out.budget)));
        } else if (is(c, "language", k_ns_dc)) {
            out.lang = trimmed(content_of(c, out.budget));
        } else if (is(c, "link", k_ns_atom) && out.link.empty()) {
            out.link = trimmed(property(c, "href"));
        }
    }
    return out;
}

FeedItem read_atom_entry(const xmlNode* entry, std::size_t allowance) {
    FeedItem out;
    out.budget.left = allowance;
    out.line = xmlGetLineNo(entry);
    std::string published;
    std::string updated;
    out.lang = take_string(xmlNodeGetLang(entry));
    for (const xmlNode* c = entry->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || ns_of(c) != k_ns_atom) continue;
        const std::string_view name = name_of(c);
        if (name == "title") {
            out.title = one_line(atom_text(c, out.budget));
        } else if (name == "id") {
            out.id = trimmed(content_of(c, out.budget));
        } else if (name == "link") {
            const std::string rel = property(c, "rel");
            if ((rel.empty() || rel == "alternate") && out.link.empty()) out.link = trimmed(property(c, "href"));
        } else if (name == "published") {
            published = trimmed(content_of(c, out.budget));
        } else if (name == "updated") {
            updated = trimmed(content_of(c, out.budget));
        } else if (name == "summary") {
            out.lead = atom_text(c, out.budget);
        } else if (name == "content") {
            if (property(c, "src").empty()) out.text = atom_text(c, out.budget);
        } else if (name == "source") {
            for (const xmlNode* s = c->children; s; s = s->next) {
                if (is(s, "title", k_ns_atom)) out.publisher = one_line(atom_text(s, out.budget));
            }
        }
    }
    out.date = published.empty() ? updated : published;
    return out;
}

/// The XML declaration's encoding, lower case ("" when absent).
std::string declared_encoding(std::string_view head) {
    if (!head.starts_with("<?xml")) return {};
    const auto end = head.find("?>");
    const std::string_view decl = head.substr(0, end);
    const auto at = decl.find("encoding");
    if (at == std::string_view::npos) return {};
    const auto quote = decl.find_first_of("\"'", at);
    if (quote == std::string_view::npos) return {};
    const auto close = decl.find(decl[quote], quote + 1);
    if (close == std::string_view::npos) return {};
    return common::ascii_lower(decl.substr(quote + 1, close - quote - 1));
}

}  // namespace

int untrusted_xml_options() noexcept {
    return XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
}

void init_xml_parser() {
    // Once per process, before any parsing (libxml2's documented requirement for threaded programs).
    static const bool initialised = [] {
        xmlInitParser();
        // libxml2's own nesting limit (unless XML_PARSE_HUGE, which we never pass), made the house one.
        xmlParserMaxDepth = static_cast<unsigned>(k_max_nesting_depth);
        return true;
    }();
    (void)initialised;
}

FeedSource::FeedSource() { init_xml_parser(); }

void FeedSource::read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) {
    auto content = read_document(in, file, diagnostics, /*repair_utf8=*/false);
    if (!content) return;
    std::size_t start = content->starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const std::string encoding = declared_encoding(std::string_view(*content).substr(start, 200));
    if ((encoding.empty() || encoding == "utf-8" || encoding == "utf8") && !common::is_valid_utf8(*content)) {
        // Declared (or defaulted to) UTF-8 but is not: repair rather than let the parser stop at the first bad byte.
        auto repaired = common::repair_utf8(*content);
        diagnostics.warning(file.display_name, 0, utf8_repair_warning(repaired));
        *content = std::move(repaired.text);
    }
    const std::unique_ptr<xmlParserCtxt, ContextDeleter> ctxt(xmlNewParserCtxt());
    if (!ctxt) {
        diagnostics.error(file.display_name, 0, "out of memory creating the XML parser");
        return;
    }
    const int options = untrusted_xml_options();
    const std::unique_ptr<xmlDoc, DocDeleter> doc(xmlCtxtReadMemory(ctxt.get(), content->data(), static_cast<int>(content->size()),
                                                                    nullptr, nullptr, options));
    const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    const xmlError* error = xmlCtxtGetLastError(ctxt.get());
    if (!root) {
        diagnostics.error(file.display_name, error ? static_cast<std::size_t>(error->line) : 0,
                          "not a readable XML feed" + (error && error->message ? ": " + trimmed(error->message) : std::string()));
        return;
    }
    // libxml2 stops at its nesting limit: the item open there is cut short, and what follows it is never read.
    const bool too_deep = error && error->code == XML_ERR_INTERNAL_ERROR && error->message &&
                          std::string_view(error->message).starts_with("Excessive depth");
    if (too_deep) {
        diagnostics.error(file.display_name, static_cast<std::size_t>(error->line),
                          "XML elements nested deeper than " + std::to_string(k_max_nesting_depth) +
                              " levels (the limit); the item there is skipped and the rest of the feed is not read");
    } else if (!ctxt->wellFormed) {
        diagnostics.warning(file.display_name, error ? static_cast<std::size_t>(error->line) : 0,
                            "malformed XML" + (error && error->message ? " (" + trimmed(error->message) + ")" : std::string()) +
                                "; the items before the damage are read");
    }

    std::vector<FeedItem> items;
    std::string feed_lang;
    // The feed's own title and site link: the publisher of its items, named as the site names itself.
    std::string feed_title;
    std::string feed_link;
    TextBudget lang_budget{.left = 1024};
    TextBudget title_budget{.left = 4096};
    // Each item's fields may expand to k_max_entity_expansion_bytes, the whole feed's to k_max_feed_text_bytes.
    std::size_t feed_left = k_max_feed_text_bytes;
    auto add_item = [&](auto reader, const xmlNode* node) {
        const std::size_t allowance = std::min(k_max_entity_expansion_bytes, feed_left);
        items.push_back(reader(node, allowance));
        items.back().allowance = allowance;
        items.back().reaches_depth_limit = reaches_depth_limit(node, depth_of(node));
        feed_left -= allowance - items.back().budget.left;
    };
    const std::string_view root_name = name_of(root);
    if (root_name == "rss" || root_name == "RDF") {
        // RSS 2.0: rss/channel/item; RSS 1.0: rdf:RDF/item, with the channel as a sibling.
        for (const xmlNode* c = root->children; c; c = c->next) {
            if (is(c, "channel")) {
                for (const xmlNode* i = c->children; i; i = i->next) {
                    if (is(i, "item")) add_item(read_rss_item, i);
                    if ((is(i, "language") || is(i, "language", k_ns_dc)) && feed_lang.empty()) feed_lang = trimmed(content_of(i, lang_budget));
                    const bool plain = ns_of(i).empty() || ns_of(i) == "http://purl.org/rss/1.0/";
                    if (plain && is(i, "title") && feed_title.empty()) feed_title = one_line(field_text(content_of(i, title_budget)));
                    if (plain && is(i, "link") && feed_link.empty()) feed_link = trimmed(content_of(i, title_budget));
                }
            } else if (is(c, "item")) {
                add_item(read_rss_item, c);
            }
        }
    } else if (root_name == "feed" && ns_of(root) == k_ns_atom) {
        for (const xmlNode* c = root->children; c; c = c->next) {
            if (is(c, "entry", k_ns_atom)) add_item(read_atom_entry, c);
            if (is(c, "title", k_ns_atom) && feed_title.empty()) feed_title = one_line(atom_text(c, title_budget));
            if (is(c, "link", k_ns_atom) && feed_link.empty() && (property(c, "rel").empty() || property(c, "rel") == "alternate")) {
                feed_link = trimmed(property(c, "href"));
            }
        }
    } else {
        diagnostics.error(file.display_name, static_cast<std::size_t>(xmlGetLineNo(root)),
                          "XML root element " + quote_value(root_name) + " is not a feed; expected one of: rss, rdf:RDF, feed (Atom)");
        return;
    }
    if (items.empty()) diagnostics.warning(file.display_name, 0, "feed has no items");

    if (too_deep && !items.empty() && items.back().reaches_depth_limit) {
        items.pop_back();  // the item being read where the parse stopped, reported above
    }
    for (FeedItem& item : items) {
        const std::size_t line = item.line > 0 ? static_cast<std::size_t>(item.line) : 0;
        if (item.budget.cut) {
            diagnostics.error(file.display_name, line,
                              item.allowance < k_max_entity_expansion_bytes ? "the feed's text expands to more than " + std::to_string(k_max_feed_text_bytes >> 20) +
                                                   " MiB (the limit, reached at this item); item skipped"
                                             : "feed item's text expands to more than " +
                                                   std::to_string(k_max_entity_expansion_bytes >> 20) +
                                                   " MiB through XML entity references (the limit); skipped");
            continue;
        }
        common::Article article;
        article.title = std::move(item.title);
        // The full text when the feed gives it; the description is then only its lead.
        article.body = !item.text.empty() ? std::move(item.text) : std::move(item.lead);
        if (article.title.empty() && article.body.empty()) {
            diagnostics.error(file.display_name, line, "feed item has neither a title nor any text; skipped");
            continue;
        }
        article.url = item.link;
        article.id = !item.id.empty() ? item.id : item.link;
        article.source = !item.publisher.empty() ? std::move(item.publisher)
                                                 : publisher_from_feed_title(feed_title, !feed_link.empty() ? feed_link : item.link);
        // libxml2 passes the bytes of a feed whose declared encoding it does not know (encoding="UVF-8", found by
        // fuzz:read_feed) through unchecked: text that is not UTF-8 is repaired here, as in every other reader.
        for (std::string* text : {&article.title, &article.body, &article.url, &article.id, &article.source}) {
            if (common::is_valid_utf8(*text)) continue;
            const common::Utf8Repair repaired = common::repair_utf8(*text);
            diagnostics.warning(file.display_name, line, utf8_repair_warning(repaired));
            *text = repaired.text;
        }
        set_stated_language(article, !item.lang.empty() ? item.lang : feed_lang, file, line, diagnostics);
        set_stated_date(article, item.date, file, line, diagnostics);
        article.origin = file.display_name + ":" + std::to_string(line);
        sink(std::move(article));
    }
}

ContentMatch sniff_feed(std::string_view content) {
    if (!content.starts_with("<")) return ContentMatch::none;
    const std::string root = markup_root(content);
    if (root == "rss" || root == "feed" || root == "rdf:rdf" || root == "rdf") return ContentMatch::certain;
    return root.empty() ? ContentMatch::possible : ContentMatch::none;
}

}  // namespace dateline::indexer
