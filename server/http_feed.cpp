// Atom feeds of searches, written with libxml2's xmlTextWriter (it escapes text and attributes).
#include "http_feed.hpp"

#include "http_html.hpp"

#include "common/dates.hpp"
#include "common/errors.hpp"
#include "common/hash.hpp"
#include "common/text.hpp"

#include <libxml/xmlwriter.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace dateline::server {

namespace {

struct BufferFree {
    void operator()(xmlBuffer* b) const noexcept { xmlBufferFree(b); }
};
struct WriterFree {
    void operator()(xmlTextWriter* w) const noexcept { xmlFreeTextWriter(w); }
};

/// RFC 3339 in UTC: "2024-06-15T08:00:00Z".
std::string rfc3339(std::int64_t seconds) {
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

/// Text that XML can carry: valid UTF-8 without the control characters XML 1.0 forbids.
std::string xml_text(std::string_view s) {
    std::string text = common::is_valid_utf8(s) ? std::string(s) : common::repair_utf8(s).text;
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
        out += c;
    }
    return out;
}

/// Writes through libxml2, turning its error returns into an exception.
class AtomWriter {
  public:
    AtomWriter() : m_buffer(xmlBufferCreate()) {
        if (!m_buffer) throw common::EnvironmentError("libxml2: cannot allocate a buffer for the feed");
        m_writer.reset(xmlNewTextWriterMemory(m_buffer.get(), 0));
        if (!m_writer) throw common::EnvironmentError("libxml2: cannot create the feed writer");
        check(xmlTextWriterSetIndent(m_writer.get(), 1));
        check(xmlTextWriterStartDocument(m_writer.get(), "1.0", "UTF-8", nullptr));
    }
    void open(const char* name) { check(xmlTextWriterStartElement(m_writer.get(), x(name))); }
    void attribute(const char* name, std::string_view value) {
        check(xmlTextWriterWriteAttribute(m_writer.get(), x(name), x(xml_text(value).c_str())));
    }
    void close() { check(xmlTextWriterEndElement(m_writer.get())); }
    void element(const char* name, std::string_view text) {
        check(xmlTextWriterWriteElement(m_writer.get(), x(name), x(xml_text(text).c_str())));
    }
    /// <link rel="REL" type="TYPE" href="HREF"/>
    void link(std::string_view rel, std::string_view type, std::string_view href) {
        open("link");
        attribute("rel", rel);
        if (!type.empty()) attribute("type", type);
        attribute("href", href);
        close();
    }
    std::string finish() {
        check(xmlTextWriterEndDocument(m_writer.get()));
        m_writer.reset();  // flushes into the buffer
        return std::string(reinterpret_cast<const char*>(xmlBufferContent(m_buffer.get())), static_cast<std::size_t>(xmlBufferLength(m_buffer.get())));
    }

  private:
    static void check(int rc) {
        if (rc < 0) throw common::EnvironmentError("libxml2: writing the feed failed");
    }
    std::unique_ptr<xmlBuffer, BufferFree> m_buffer;
    std::unique_ptr<xmlTextWriter, WriterFree> m_writer;
};

std::string_view trim(std::string_view s) {
    const std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

std::string http_date(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    // Day and month names in English whatever the locale (strftime's %a and %b follow LC_TIME).
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

AtomFeed render_atom_feed(const FeedContext& ctx, const searcher::SearchResponse& response) {
    const bool fr = ctx.ui == common::Lang::fr;
    SearchParams page = ctx.params;
    page.sort = "date";
    page.page = 1;
    const std::string query_string = to_query_string(page);
    const std::string feed_url = ctx.base_url + "/feed" + (query_string.empty() ? "" : "?" + query_string);
    const std::string page_url = ctx.base_url + "/" + (query_string.empty() ? "" : "?" + query_string);

    AtomFeed feed;
    std::uint64_t tag = common::fnv1a64(feed_url);
    for (const searcher::SearchHit& hit : response.hits) {
        const common::Article& a = hit.article;
        if (a.date) feed.last_modified = std::max(feed.last_modified.value_or(0), a.date->unix_seconds());
        tag = common::fnv1a64(a.id + '\x1f' + (a.date ? a.date->iso() : std::string()) + '\x1f' + a.display_title(), tag);
    }
    feed.etag = "\"" + hex64(tag) + "\"";

    AtomWriter w;
    w.open("feed");
    w.attribute("xmlns", "http://www.w3.org/2005/Atom");
    w.attribute("xml:lang", fr ? "fr" : "en");
    // The feed's id is its own address: the same search is the same feed.
    w.element("id", feed_url);
    const std::string subject = page.q.empty() ? std::string(fr ? "tous les articles" : "all articles") : page.q;
    w.element("title", ctx.site_name + (fr ? " — recherche : " : " — search: ") + subject);
    w.element("subtitle", fr ? "Les articles les plus récents de cette recherche" : "The newest articles of this search");
    w.element("updated", rfc3339(feed.last_modified.value_or(0)));
    w.open("author");
    w.element("name", ctx.site_name);
    w.close();
    w.element("generator", "dateline");
    w.link("self", "application/atom+xml", feed_url);
    w.link("alternate", "text/html", page_url);
    for (const searcher::SearchHit& hit : response.hits) {
        const common::Article& a = hit.article;
        const std::string article_page = ctx.base_url + "/article?id=" + url_encode(a.id);
        w.open("entry");
        w.element("id", article_page);
        w.element("title", a.display_title());
        const std::string when = rfc3339(a.date ? a.date->unix_seconds() : 0);
        w.element("updated", when);
        if (a.date) w.element("published", when);
        w.link("alternate", "text/html", is_web_url(a.url) ? a.url : article_page);
        if (!a.source.empty()) {
            w.open("author");
            w.element("name", a.source);
            w.close();
        }
        if (!hit.extract.empty()) w.element("summary", hit.extract);
        for (std::size_t k = 0; k < a.places.size(); ++k) {
            w.open("category");
            w.attribute("term", a.places[k].id);
            w.attribute("label", searcher::place_label(hit, k));
            w.close();
        }
        w.close();
    }
    w.close();
    feed.body = w.finish();
    return feed;
}

bool feed_not_modified(const AtomFeed& feed, std::string_view if_none_match, std::string_view if_modified_since) {
    if (!if_none_match.empty()) {
        // A list of entity tags, weak ones compared weakly (RFC 9110 13.1.2).
        std::size_t start = 0;
        while (start <= if_none_match.size()) {
            std::size_t end = if_none_match.find(',', start);
            if (end == std::string_view::npos) end = if_none_match.size();
            std::string_view tag = trim(if_none_match.substr(start, end - start));
            if (tag.starts_with("W/")) tag.remove_prefix(2);
            if (tag == "*" || tag == feed.etag) return true;
            start = end + 1;
        }
        return false;
    }
    if (!if_modified_since.empty() && feed.last_modified) {
        const auto since = common::parse_news_date(if_modified_since);
        return since && since->unix_seconds() >= *feed.last_modified;
    }
    return false;
}

}  // namespace dateline::server
