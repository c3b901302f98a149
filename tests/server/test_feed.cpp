// The Atom feed of a search, parsed back with libxml2: fields, order, escaping; its validators.
#include "server/http_feed.hpp"

#include "common/dates.hpp"

#include <catch2/catch.hpp>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <vector>

using namespace dateline;

namespace {

struct DocFree {
    void operator()(xmlDoc* d) const noexcept { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Doc parse(const std::string& xml) {
    return Doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "feed.xml", nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

std::string name_of(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::vector<const xmlNode*> children(const xmlNode* parent, const std::string& name) {
    std::vector<const xmlNode*> out;
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && name_of(c) == name) out.push_back(c);
    }
    return out;
}

std::string text_of(const xmlNode* n) {
    xmlChar* t = xmlNodeGetContent(n);
    std::string out = t ? reinterpret_cast<const char*>(t) : "";
    xmlFree(t);
    return out;
}

std::string attribute(const xmlNode* n, const char* name) {
    xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
    std::string out = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    return out;
}

searcher::SearchHit hit(std::string id, std::string title, std::string date, std::string url, std::vector<std::string> places) {
    searcher::SearchHit h;
    h.article.id = std::move(id);
    h.article.title = std::move(title);
    h.article.date = common::parse_news_date(date);
    h.article.url = std::move(url);
    h.article.source = "The Island Post";
    for (const auto& p : places) {
        h.article.places.push_back({p, p, 1.0});
        h.place_labels.push_back("label of " + p);
    }
    h.extract = "Kim & Putin <met> in \"Vladivostok\"";
    return h;
}

server::FeedContext context() {
    server::FeedContext ctx;
    ctx.site_name = "Test <site>";
    ctx.base_url = "http://news.example:8080";
    ctx.params.q = "Kim & \"Putin\"";
    ctx.params.lang = "en";
    return ctx;
}

searcher::SearchResponse two_hits() {
    searcher::SearchResponse r;
    r.hits.push_back(hit("a/1?x=<y>", "<script>alert('x')</script> & Kim \"meets\" Putin", "2024-06-19T08:00:00+04:00",
                         "https://news.example/a1", {"KP", "RU"}));
    r.hits.push_back(hit("b2", "Summit\x01 in Vladivostok", "2019-04-25", "javascript:alert(1)", {}));
    return r;
}

}  // namespace

TEST_CASE("the feed of a search is Atom that libxml2 reads back field by field", "[feed]") {
    const server::AtomFeed feed = server::render_atom_feed(context(), two_hits());
    const Doc doc = parse(feed.body);
    REQUIRE(doc);
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    REQUIRE(root);
    CHECK(name_of(root) == "feed");
    REQUIRE(root->ns);
    CHECK(std::string(reinterpret_cast<const char*>(root->ns->href)) == "http://www.w3.org/2005/Atom");
    REQUIRE(children(root, "id").size() == 1);
    CHECK(text_of(children(root, "id")[0]) == "http://news.example:8080/feed?q=Kim%20%26%20%22Putin%22&lang=en&sort=date");
    CHECK(text_of(children(root, "title")[0]) == "Test <site> — search: Kim & \"Putin\"");
    CHECK(text_of(children(root, "updated")[0]) == "2024-06-19T04:00:00Z");
    CHECK(text_of(children(children(root, "author")[0], "name")[0]) == "Test <site>");
    const auto links = children(root, "link");
    REQUIRE(links.size() == 2);
    CHECK(attribute(links[0], "rel") == "self");
    CHECK(attribute(links[0], "href") == "http://news.example:8080/feed?q=Kim%20%26%20%22Putin%22&lang=en&sort=date");
    CHECK(attribute(links[1], "rel") == "alternate");
    CHECK(attribute(links[1], "type") == "text/html");

    const auto entries = children(root, "entry");
    REQUIRE(entries.size() == 2);
    const xmlNode* first = entries[0];
    CHECK(text_of(children(first, "id")[0]) == "http://news.example:8080/article?id=a%2F1%3Fx%3D%3Cy%3E");
    // Markup in a title is text, carried exactly.
    CHECK(text_of(children(first, "title")[0]) == "<script>alert('x')</script> & Kim \"meets\" Putin");
    CHECK(text_of(children(first, "updated")[0]) == "2024-06-19T04:00:00Z");
    CHECK(text_of(children(first, "published")[0]) == "2024-06-19T04:00:00Z");
    CHECK(attribute(children(first, "link")[0], "href") == "https://news.example/a1");
    CHECK(text_of(children(children(first, "author")[0], "name")[0]) == "The Island Post");
    CHECK(text_of(children(first, "summary")[0]) == "Kim & Putin <met> in \"Vladivostok\"");
    const auto categories = children(first, "category");
    REQUIRE(categories.size() == 2);
    CHECK(attribute(categories[0], "term") == "KP");
    CHECK(attribute(categories[0], "label") == "label of KP");
    CHECK(attribute(categories[1], "term") == "RU");
    CHECK(feed.body.find("<script>") == std::string::npos);

    const xmlNode* second = entries[1];
    // A control character XML cannot carry is dropped; a link that is not http(s) is replaced by the article page.
    CHECK(text_of(children(second, "title")[0]) == "Summit in Vladivostok");
    CHECK(attribute(children(second, "link")[0], "href") == "http://news.example:8080/article?id=b2");
    CHECK(text_of(children(second, "updated")[0]) == "2019-04-25T00:00:00Z");
    CHECK(children(second, "category").empty());
}

TEST_CASE("the feed in French, and an empty feed, are valid Atom too", "[feed]") {
    server::FeedContext ctx = context();
    ctx.ui = common::Lang::fr;
    ctx.params.q.clear();
    const server::AtomFeed feed = server::render_atom_feed(ctx, {});
    const Doc doc = parse(feed.body);
    REQUIRE(doc);
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    CHECK(attribute(root, "lang") == "fr");
    CHECK(text_of(children(root, "title")[0]) == "Test <site> — recherche : tous les articles");
    CHECK(children(root, "entry").empty());
    CHECK(text_of(children(root, "updated")[0]) == "1970-01-01T00:00:00Z");
    CHECK_FALSE(feed.last_modified);
}

TEST_CASE("feed validators: the ETag follows the entries, 304 for a matching If-None-Match or If-Modified-Since", "[feed]") {
    const server::AtomFeed feed = server::render_atom_feed(context(), two_hits());
    REQUIRE(feed.etag.size() == 18);
    CHECK(feed.etag.front() == '"');
    REQUIRE(feed.last_modified);
    CHECK(server::http_date(*feed.last_modified) == "Wed, 19 Jun 2024 04:00:00 GMT");
    CHECK(server::render_atom_feed(context(), two_hits()).etag == feed.etag);
    searcher::SearchResponse changed = two_hits();
    changed.hits.pop_back();
    CHECK(server::render_atom_feed(context(), changed).etag != feed.etag);
    server::FeedContext other = context();
    other.params.lang = "fr";
    CHECK(server::render_atom_feed(other, two_hits()).etag != feed.etag);

    CHECK(server::feed_not_modified(feed, feed.etag, ""));
    CHECK(server::feed_not_modified(feed, "\"x\", W/" + feed.etag, ""));
    CHECK(server::feed_not_modified(feed, "*", ""));
    CHECK_FALSE(server::feed_not_modified(feed, "\"x\"", ""));
    // If-None-Match wins over If-Modified-Since.
    CHECK_FALSE(server::feed_not_modified(feed, "\"x\"", "Wed, 19 Jun 2024 04:00:00 GMT"));
    CHECK(server::feed_not_modified(feed, "", "Wed, 19 Jun 2024 04:00:00 GMT"));
    CHECK(server::feed_not_modified(feed, "", "Thu, 20 Jun 2024 00:00:00 GMT"));
    CHECK_FALSE(server::feed_not_modified(feed, "", "Wed, 19 Jun 2024 03:59:59 GMT"));
    CHECK_FALSE(server::feed_not_modified(feed, "", "not a date"));
    CHECK_FALSE(server::feed_not_modified(feed, "", ""));
}
