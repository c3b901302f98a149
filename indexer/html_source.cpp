// HTML article pages through gumbo (an HTML5 parser): metadata, main text, boilerplate removal; markup sniffing.
#include "html_source.hpp"

#include "json_source.hpp"
#include "publisher_names.hpp"

#include "common/dates.hpp"
#include "common/text.hpp"

#include <gumbo.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <memory>

namespace dateline::indexer {

namespace {

/// Gumbo's memory, each block linked into a list so that the whole tree is freed in one loop:
/// gumbo_destroy_output() recurses once per level of nesting, and a deep enough page overflows the stack.
class GumboArena {
  public:
    GumboArena() = default;
    GumboArena(const GumboArena&) = delete;
    GumboArena& operator=(const GumboArena&) = delete;
    ~GumboArena() {
        while (m_head.next != &m_head) release(m_head.next);
    }

    static void* allocate(void* arena, std::size_t size) {
        auto* self = static_cast<GumboArena*>(arena);
        auto* block = static_cast<Block*>(std::malloc(sizeof(Block) + size));
        if (block == nullptr) return nullptr;
        block->prev = &self->m_head;
        block->next = self->m_head.next;
        self->m_head.next->prev = block;
        self->m_head.next = block;
        return block + 1;
    }
    static void deallocate(void*, void* pointer) {
        if (pointer != nullptr) release(static_cast<Block*>(pointer) - 1);
    }

  private:
    /// Header of each block; its alignment keeps the memory after it aligned as malloc's.
    struct alignas(std::max_align_t) Block {
        Block* prev;
        Block* next;
    };
    static void release(Block* block) {
        block->prev->next = block->next;
        block->next->prev = block->prev;
        std::free(block);
    }
    Block m_head{&m_head, &m_head};
};

/// Owns a gumbo parse tree.
class GumboTree {
  public:
    explicit GumboTree(std::string_view utf8) {
        GumboOptions options = kGumboDefaultOptions;
        options.allocator = &GumboArena::allocate;
        options.deallocator = &GumboArena::deallocate;
        options.userdata = &m_arena;
        options.max_errors = k_max_html_parse_errors;
        m_output = gumbo_parse_with_options(&options, utf8.data(), utf8.size());
    }
    // No gumbo_destroy_output(): the arena frees the tree.
    const GumboNode* root() const { return m_output ? m_output->root : nullptr; }
    const GumboNode* document() const { return m_output ? m_output->document : nullptr; }

  private:
    GumboArena m_arena;
    GumboOutput* m_output = nullptr;
};

/// Nesting deeper than this is not walked (pathological pages must not exhaust the stack).
constexpr int k_max_depth = static_cast<int>(k_max_nesting_depth);

bool is_element(const GumboNode* node) {
    return node != nullptr && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

const GumboVector& children_of(const GumboNode* node) {
    return node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
}

/// Whether elements nest deeper than `limit` below `node`; without recursion, whatever the depth.
bool nested_deeper_than(const GumboNode* node, std::size_t limit) {
    std::vector<std::pair<const GumboNode*, std::size_t>> pending{{node, 0}};
    while (!pending.empty()) {
        const auto [at, depth] = pending.back();
        pending.pop_back();
        if (depth > limit) return true;
        if (at->type != GUMBO_NODE_DOCUMENT && !is_element(at)) continue;
        const GumboVector& children = children_of(at);
        for (unsigned k = 0; k < children.length; ++k) pending.emplace_back(static_cast<const GumboNode*>(children.data[k]), depth + 1);
    }
    return false;
}

std::string_view attribute(const GumboNode* node, const char* name) {
    if (!is_element(node)) return {};
    const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
    return a ? std::string_view(a->value) : std::string_view();
}

/// Words of class and id attribute values that mark page furniture, matched against whole parts of the
/// names ("ad-inline" has the part "ad"; "header" and "download" do not).
constexpr auto k_boilerplate_parts = std::to_array<std::string_view>({
    "ad", "ads", "adv", "advert", "advertisement", "advertising", "adslot", "author", "banner", "breadcrumb",
    "breadcrumbs", "byline", "comment", "comments", "cookie", "cookies", "disqus", "footer", "kicker",
    "label", "masthead", "menu", "meta", "nav", "navbar", "newsletter", "outbrain", "paywall", "popup", "promo",
    "promotion", "pubdate", "related", "share", "sharing", "sidebar", "social", "sponsor", "sponsored", "sr",
    "subscribe", "subscription", "taboola", "tags", "toolbar", "widget",
});

bool boilerplate_name(std::string_view value) {
    const std::string v = common::ascii_lower(value);
    std::size_t i = 0;
    while (i < v.size()) {
        while (i < v.size() && !((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9'))) ++i;
        std::size_t e = i;
        while (e < v.size() && ((v[e] >= 'a' && v[e] <= 'z') || (v[e] >= '0' && v[e] <= '9'))) ++e;
        const std::string_view part = std::string_view(v).substr(i, e - i);
        if (!part.empty() &&
            std::find(k_boilerplate_parts.begin(), k_boilerplate_parts.end(), part) != k_boilerplate_parts.end()) {
            return true;
        }
        if (part.starts_with("advert")) return true;
        i = e;
    }
    return false;
}

/// Elements whose content is never article text.
bool skipped_element(const GumboNode* node) {
    switch (node->v.element.tag) {
        case GUMBO_TAG_SCRIPT:
        case GUMBO_TAG_STYLE:
        case GUMBO_TAG_NOSCRIPT:
        case GUMBO_TAG_TEMPLATE:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_HEADER:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_BUTTON:
        case GUMBO_TAG_SELECT:
        case GUMBO_TAG_TEXTAREA:
        case GUMBO_TAG_INPUT:
        case GUMBO_TAG_IFRAME:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_EMBED:
        case GUMBO_TAG_SVG:
        case GUMBO_TAG_MATH:
        case GUMBO_TAG_CANVAS:
        case GUMBO_TAG_AUDIO:
        case GUMBO_TAG_VIDEO:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_HEAD:
        case GUMBO_TAG_TITLE:
        case GUMBO_TAG_META:
        case GUMBO_TAG_LINK:
            return true;
        default: break;
    }
    if (gumbo_get_attribute(&node->v.element.attributes, "hidden") != nullptr) return true;
    if (attribute(node, "aria-hidden") == "true") return true;
    const std::string role = common::ascii_lower(attribute(node, "role"));
    if (role == "navigation" || role == "banner" || role == "contentinfo" || role == "complementary" ||
        role == "search" || role == "dialog") {
        return true;
    }
    return boilerplate_name(attribute(node, "class")) || boilerplate_name(attribute(node, "id"));
}

/// Elements that start and end a paragraph of text.
bool block_element(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_P:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_SECTION:
        case GUMBO_TAG_ARTICLE:
        case GUMBO_TAG_MAIN:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_TR:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_TH:
        case GUMBO_TAG_BR:
        case GUMBO_TAG_HR:
        case GUMBO_TAG_FIGCAPTION:
        case GUMBO_TAG_ADDRESS:
        case GUMBO_TAG_BODY:
            return true;
        default: return false;
    }
}

bool is_space_byte(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

/// Collects text into paragraphs, collapsing white space.
class TextCollector {
  public:
    /// `skip` is an element (the title heading) left out of the text.
    explicit TextCollector(const GumboNode* skip = nullptr) : m_skip(skip) {}

    void walk(const GumboNode* node, int depth = 0) {
        if (depth > k_max_depth) return;
        switch (node->type) {
            case GUMBO_NODE_TEXT:
            case GUMBO_NODE_CDATA:
            case GUMBO_NODE_WHITESPACE: append(node->v.text.text); return;
            case GUMBO_NODE_COMMENT: return;
            case GUMBO_NODE_DOCUMENT: break;
            case GUMBO_NODE_ELEMENT:
            case GUMBO_NODE_TEMPLATE:
                if (node == m_skip || skipped_element(node)) return;
                break;
        }
        const bool block = node->type != GUMBO_NODE_DOCUMENT && block_element(node->v.element.tag);
        if (block) end_paragraph();
        const GumboVector& children = children_of(node);
        for (unsigned k = 0; k < children.length; ++k) walk(static_cast<const GumboNode*>(children.data[k]), depth + 1);
        if (block) end_paragraph();
    }

    std::string take() {
        end_paragraph();
        return std::move(m_text);
    }

  private:
    void append(std::string_view text) {
        for (char c : text) {
            if (is_space_byte(c)) {
                m_pending_space = !m_paragraph.empty();
            } else {
                if (m_pending_space) m_paragraph.push_back(' ');
                m_pending_space = false;
                m_paragraph.push_back(c);
            }
        }
    }
    void end_paragraph() {
        m_pending_space = false;
        if (m_paragraph.empty()) return;
        if (!m_text.empty()) m_text += "\n\n";
        m_text += m_paragraph;
        m_paragraph.clear();
    }

    const GumboNode* m_skip;
    std::string m_text;
    std::string m_paragraph;
    bool m_pending_space = false;
};

std::string text_of(const GumboNode* node, const GumboNode* skip = nullptr) {
    TextCollector collector(skip);
    collector.walk(node);
    return collector.take();
}

/// Text content without boilerplate filtering, white space collapsed to single spaces (titles, JSON-LD).
std::string plain_text_of(const GumboNode* node, int depth = 0) {
    if (depth > k_max_depth) return {};
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA || node->type == GUMBO_NODE_WHITESPACE) {
        return node->v.text.text;
    }
    if (!is_element(node)) return {};
    std::string out;
    const GumboVector& children = node->v.element.children;
    for (unsigned k = 0; k < children.length; ++k) {
        out += plain_text_of(static_cast<const GumboNode*>(children.data[k]), depth + 1);
    }
    return out;
}

std::string collapse_spaces(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (is_space_byte(c)) {
            space = !out.empty();
        } else {
            if (space) out.push_back(' ');
            space = false;
            out.push_back(c);
        }
    }
    // Non-breaking spaces at the ends (U+00A0) are spaces too.
    while (out.starts_with("\xC2\xA0")) out.erase(0, 2);
    while (out.ends_with("\xC2\xA0")) out.resize(out.size() - 2);
    return out;
}

/// Depth-first visit of every element, with a depth cap.
template <typename Visit>
void for_each_element(const GumboNode* node, Visit&& visit, int depth = 0) {
    if (depth > k_max_depth) return;
    if (is_element(node)) visit(node);
    if (node->type != GUMBO_NODE_DOCUMENT && !is_element(node)) return;
    const GumboVector& children = children_of(node);
    for (unsigned k = 0; k < children.length; ++k) {
        for_each_element(static_cast<const GumboNode*>(children.data[k]), visit, depth + 1);
    }
}

/// Bytes of paragraph (<p>) text directly or indirectly inside `node`, without boilerplate.
std::size_t paragraph_bytes(const GumboNode* node, int depth = 0) {
    if (depth > k_max_depth || !is_element(node) || skipped_element(node)) return 0;
    if (node->v.element.tag == GUMBO_TAG_P) return collapse_spaces(plain_text_of(node)).size();
    std::size_t total = 0;
    const GumboVector& children = node->v.element.children;
    for (unsigned k = 0; k < children.length; ++k) total += paragraph_bytes(static_cast<const GumboNode*>(children.data[k]), depth + 1);
    return total;
}

/// Without semantic markup: the element whose own <p> children hold the most text, outside boilerplate.
const GumboNode* largest_text_block(const GumboNode* root) {
    const GumboNode* best = nullptr;
    std::size_t best_bytes = 0;
    auto visit = [&](auto&& self, const GumboNode* node, int depth) -> void {
        if (depth > k_max_depth || !is_element(node) || skipped_element(node)) return;
        std::size_t own = 0;
        const GumboVector& children = node->v.element.children;
        for (unsigned k = 0; k < children.length; ++k) {
            const auto* child = static_cast<const GumboNode*>(children.data[k]);
            if (is_element(child) && child->v.element.tag == GUMBO_TAG_P && !skipped_element(child)) {
                own += collapse_spaces(plain_text_of(child)).size();
            }
            self(self, child, depth + 1);
        }
        if (own > best_bytes) {
            best_bytes = own;
            best = node;
        }
    };
    visit(visit, root, 0);
    return best;
}

bool has_token(std::string_view list, std::string_view token) {
    const std::string l = common::ascii_lower(list);
    std::size_t i = 0;
    while (i < l.size()) {
        while (i < l.size() && is_space_byte(l[i])) ++i;
        std::size_t e = i;
        while (e < l.size() && !is_space_byte(l[e])) ++e;
        if (std::string_view(l).substr(i, e - i) == token) return true;
        i = e;
    }
    return false;
}

bool is_absolute_url(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

/// The Article-like object of JSON-LD (NewsArticle, Article, BlogPosting...), searched through arrays and @graph.
const nlohmann::json* find_article_object(const nlohmann::json& value, int depth = 0) {
    if (depth > 8) return nullptr;
    if (value.is_array()) {
        for (const auto& item : value) {
            if (const auto* found = find_article_object(item, depth + 1)) return found;
        }
        return nullptr;
    }
    if (!value.is_object()) return nullptr;
    auto is_article_type = [](const nlohmann::json& type) {
        auto one = [](const nlohmann::json& t) {
            if (!t.is_string()) return false;
            const std::string s = t.get<std::string>();
            return s.find("Article") != std::string::npos || s == "BlogPosting" || s == "LiveBlogPosting";
        };
        if (type.is_array()) return std::any_of(type.begin(), type.end(), one);
        return one(type);
    };
    if (const auto type = value.find("@type"); type != value.end() && is_article_type(*type)) return &value;
    if (const auto graph = value.find("@graph"); graph != value.end()) return find_article_object(*graph, depth + 1);
    return nullptr;
}

std::string json_string(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) {
        // mainEntityOfPage: {"@id": "https://..."}
        if (const auto id = it->find("@id"); id != it->end() && id->is_string()) return id->get<std::string>();
    }
    return {};
}

/// gumbo writes a numeric character reference whose digits overflow its code point (`&#x1F60aCCCCCCCC...;`, found
/// by fuzz:read_html) as bytes that are not UTF-8: what it gives is repaired like any input text.
void repair_gumbo_text(std::string& text) {
    if (!common::is_valid_utf8(text)) text = common::repair_utf8(text).text;
}

}  // namespace

std::string html_to_text(std::string_view utf8) {
    if (utf8.empty()) return {};
    const GumboTree tree(utf8);
    if (!tree.document()) return {};
    std::string text = text_of(tree.document());
    repair_gumbo_text(text);
    return text;
}

std::string strip_site_name(std::string_view title_view, std::string_view site_name) {
    std::string title = collapse_spaces(title_view);
    static constexpr auto k_separators =
        std::to_array<std::string_view>({" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", " \xC2\xB7 "});
    if (!site_name.empty()) {
        const std::string site = common::fold_for_match(collapse_spaces(site_name));
        for (std::string_view sep : k_separators) {
            const auto last = title.rfind(sep);
            if (last != std::string::npos && last > 0 &&
                common::fold_for_match(std::string_view(title).substr(last + sep.size())) == site) {
                return title.substr(0, last);
            }
            const auto first = title.find(sep);
            if (first != std::string::npos && common::fold_for_match(std::string_view(title).substr(0, first)) == site &&
                first + sep.size() < title.size()) {
                return title.substr(first + sep.size());
            }
        }
    }
    // No known site name: "Headline | Site Name" where the last part is short and name-like.
    const auto bar = title.rfind(" | ");
    if (bar != std::string::npos && bar > 0) {
        const std::string_view tail = std::string_view(title).substr(bar + 3);
        const std::size_t words = static_cast<std::size_t>(std::count(tail.begin(), tail.end(), ' ')) + 1;
        if (words <= 6 && tail.size() < bar) return title.substr(0, bar);
    }
    return title;
}

HtmlPage extract_html_page(std::string_view utf8) {
    HtmlPage page;
    const GumboTree tree(utf8);
    const GumboNode* root = tree.root();
    if (!root) return page;
    if (nested_deeper_than(tree.document(), k_max_nesting_depth)) {
        page.too_deep = true;
        return page;
    }

    std::string og_title;
    std::string og_url;
    std::string og_locale;
    std::string site_name;
    std::string doc_title;
    std::string canonical;
    std::string content_language;
    std::vector<HtmlPage::DateCandidate> meta_dates;
    std::vector<HtmlPage::DateCandidate> time_dates;
    std::vector<const GumboNode*> articles;
    std::vector<const GumboNode*> headings;
    const GumboNode* main_element = nullptr;
    const GumboNode* article_body = nullptr;
    const nlohmann::json* ld_article = nullptr;
    std::vector<nlohmann::json> ld_documents;
    ld_documents.reserve(8);

    for_each_element(root, [&](const GumboNode* node) {
        const GumboTag tag = node->v.element.tag;
        if (tag == GUMBO_TAG_HTML) {
            page.lang = std::string(attribute(node, "lang"));
            if (page.lang.empty()) page.lang = std::string(attribute(node, "xml:lang"));
        } else if (tag == GUMBO_TAG_META) {
            const std::string property = common::ascii_lower(attribute(node, "property"));
            const std::string name = common::ascii_lower(attribute(node, "name"));
            const std::string itemprop = common::ascii_lower(attribute(node, "itemprop"));
            const std::string http_equiv = common::ascii_lower(attribute(node, "http-equiv"));
            const std::string content(attribute(node, "content"));
            if (property == "og:title" && og_title.empty()) og_title = content;
            if (property == "og:url" && og_url.empty()) og_url = content;
            if (property == "og:site_name" && site_name.empty()) site_name = content;
            if (property == "og:locale" && og_locale.empty()) og_locale = content;
            if (http_equiv == "content-language" && content_language.empty()) content_language = content;
            if (property == "article:published_time" || name == "article:published_time") {
                meta_dates.push_back({content, "article:published_time"});
            } else if (itemprop == "datepublished") {
                meta_dates.push_back({content, "itemprop=datePublished"});
            } else if (name == "date" || name == "pubdate" || name == "publishdate" || name == "dc.date.issued" ||
                       name == "dcterms.created" || name == "sailthru.date") {
                meta_dates.push_back({content, "meta name=" + name});
            }
        } else if (tag == GUMBO_TAG_LINK) {
            if (has_token(attribute(node, "rel"), "canonical") && canonical.empty()) canonical = std::string(attribute(node, "href"));
        } else if (tag == GUMBO_TAG_TITLE) {
            if (doc_title.empty()) doc_title = collapse_spaces(plain_text_of(node));
        } else if (tag == GUMBO_TAG_SCRIPT) {
            if (common::ascii_lower(attribute(node, "type")) == "application/ld+json" && ld_documents.size() < 8) {
                // Malformed or too deeply nested JSON-LD is ignored, as the page has other metadata.
                try {
                    ld_documents.push_back(parse_json(plain_text_of(node), /*ignore_comments=*/true));
                } catch (const JsonOverLimit&) {
                } catch (const nlohmann::json::exception&) {
                }
            }
        } else if (tag == GUMBO_TAG_TIME) {
            const std::string_view datetime = attribute(node, "datetime");
            const bool published = common::ascii_lower(attribute(node, "itemprop")) == "datepublished" ||
                                   gumbo_get_attribute(&node->v.element.attributes, "pubdate") != nullptr;
            if (!datetime.empty()) {
                time_dates.insert(published ? time_dates.begin() : time_dates.end(), {std::string(datetime), "<time datetime>"});
            } else if (published) {
                time_dates.insert(time_dates.begin(), {collapse_spaces(plain_text_of(node)), "<time>"});
            }
        } else if (tag == GUMBO_TAG_ARTICLE) {
            articles.push_back(node);
        } else if (tag == GUMBO_TAG_MAIN || common::ascii_lower(attribute(node, "role")) == "main") {
            if (!main_element) main_element = node;
        } else if (tag == GUMBO_TAG_H1) {
            headings.push_back(node);
        }
        if (!article_body && common::ascii_lower(attribute(node, "itemprop")) == "articlebody") article_body = node;
    });
    for (const auto& doc : ld_documents) {
        if ((ld_article = find_article_object(doc)) != nullptr) break;
    }

    // The element holding the article text.
    const GumboNode* content = article_body;
    if (!content && !articles.empty()) {
        // Pages list teasers of other stories in <article> elements too: take the one with most text.
        content = *std::max_element(articles.begin(), articles.end(), [](const GumboNode* a, const GumboNode* b) {
            return paragraph_bytes(a) < paragraph_bytes(b);
        });
    }
    if (!content) content = main_element;
    if (!content) content = largest_text_block(root);
    if (!content) {
        for_each_element(root, [&](const GumboNode* node) {
            if (!content && node->v.element.tag == GUMBO_TAG_BODY) content = node;
        });
    }

    // The title heading: the first <h1> inside the content, else the first on the page.
    const GumboNode* title_heading = nullptr;
    for (const GumboNode* h : headings) {
        for (const GumboNode* p = h; p != nullptr; p = p->parent) {
            if (p == content) {
                title_heading = h;
                break;
            }
        }
        if (title_heading) break;
    }
    if (!title_heading && !headings.empty()) title_heading = headings.front();

    if (!og_title.empty()) {
        page.title = strip_site_name(og_title, site_name);
    } else if (title_heading) {
        page.title = collapse_spaces(plain_text_of(title_heading));
    }
    if (page.title.empty() && ld_article) page.title = collapse_spaces(json_string(*ld_article, "headline"));
    if (page.title.empty()) page.title = strip_site_name(doc_title, site_name);

    if (content) page.body = text_of(content, title_heading);

    if (is_absolute_url(canonical)) {
        page.canonical_url = canonical;
    } else if (is_absolute_url(og_url)) {
        page.canonical_url = og_url;
    } else if (ld_article) {
        for (const char* key : {"url", "mainEntityOfPage", "@id"}) {
            const std::string url = json_string(*ld_article, key);
            if (is_absolute_url(url)) {
                page.canonical_url = url;
                break;
            }
        }
    }

    page.publisher = collapse_spaces(site_name);
    if (page.publisher.empty() && ld_article) page.publisher = collapse_spaces(publisher_of_json(*ld_article));

    if (page.lang.empty() && ld_article) page.lang = json_string(*ld_article, "inLanguage");
    if (page.lang.empty()) page.lang = content_language;
    if (page.lang.empty()) page.lang = og_locale;

    if (ld_article) {
        for (const char* key : {"datePublished", "dateCreated"}) {
            const std::string value = json_string(*ld_article, key);
            if (!value.empty()) page.dates.push_back({value, std::string("JSON-LD ") + key});
        }
    }
    page.dates.insert(page.dates.end(), meta_dates.begin(), meta_dates.end());
    page.dates.insert(page.dates.end(), time_dates.begin(), time_dates.end());
    for (std::string* text : {&page.title, &page.body, &page.canonical_url, &page.lang, &page.publisher}) repair_gumbo_text(*text);
    for (HtmlPage::DateCandidate& date : page.dates) repair_gumbo_text(date.value);
    return page;
}

void HtmlSource::read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) {
    const auto content = read_document(in, file, diagnostics);
    if (!content) return;
    HtmlPage page = extract_html_page(*content);
    if (page.too_deep) {
        diagnostics.error(file.display_name, 0,
                          "HTML elements nested deeper than " + std::to_string(k_max_nesting_depth) + " levels (the limit); skipped");
        return;
    }
    if (page.title.empty() && page.body.empty()) {
        diagnostics.error(file.display_name, 0, "no article text found in the HTML page; skipped");
        return;
    }
    common::Article article;
    article.title = std::move(page.title);
    article.body = std::move(page.body);
    article.url = page.canonical_url;
    article.id = page.canonical_url.empty() ? file.relative_path : page.canonical_url;
    article.source = std::move(page.publisher);
    set_stated_language(article, page.lang, file, 0, diagnostics);
    for (const auto& candidate : page.dates) {
        if (auto date = common::parse_news_date(candidate.value)) {
            article.date = date;
            break;
        }
        diagnostics.warning(file.display_name, 0,
                            "unreadable date " + quote_value(candidate.value) + " in " + candidate.origin +
                                (&candidate == &page.dates.back() ? "; article indexed without a date" : "; trying the next date given"));
    }
    article.origin = file.display_name;
    sink(std::move(article));
}

std::string markup_root(std::string_view text) {
    const std::string_view s = text;
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
        if (i >= s.size() || s[i] != '<') return {};
        if (s.substr(i).starts_with("<?")) {
            const auto end = s.find("?>", i);
            if (end == std::string_view::npos) return {};
            i = end + 2;
        } else if (s.substr(i).starts_with("<!--")) {
            const auto end = s.find("-->", i);
            if (end == std::string_view::npos) return {};
            i = end + 3;
        } else if (s.substr(i).starts_with("<!")) {
            const std::string decl = common::ascii_lower(s.substr(i, 15));
            if (decl.starts_with("<!doctype html")) return "html";
            const auto end = s.find('>', i);
            if (end == std::string_view::npos) return {};
            i = end + 1;
        } else {
            std::size_t e = i + 1;
            while (e < s.size() && s[e] != ' ' && s[e] != '>' && s[e] != '/' && s[e] != '\n' && s[e] != '\t' && s[e] != '\r') ++e;
            return common::ascii_lower(s.substr(i + 1, e - i - 1));
        }
    }
}

ContentMatch sniff_html(std::string_view content) {
    if (content.starts_with("<")) return ContentMatch::likely;
    if (content.starts_with("{") || content.starts_with("[")) return ContentMatch::none;
    return ContentMatch::possible;
}

}  // namespace dateline::indexer
