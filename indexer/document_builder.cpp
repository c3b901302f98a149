// Document building: analysis of title and body, language, date, source and place terms and values.
#include "document_builder.hpp"

#include "common/analysis_setup.hpp"
#include "common/hash.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace dateline::indexer {

namespace schema = common::schema;

namespace {

std::string hex64(std::uint64_t v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

DocumentBuilder::DocumentBuilder(std::shared_ptr<const common::Analyzer> analyzer, DocumentBuilderOptions options)
    : m_analyzer(std::move(analyzer)), m_options(options),
      m_places(std::make_shared<const common::PlaceExtractor>(*common::shared_gazetteer(), m_analyzer)) {}

std::string DocumentBuilder::derive_id(const common::Article& article) {
    if (!article.url.empty()) return article.url;
    std::uint64_t h = common::fnv1a64(article.source);
    h = common::fnv1a64("\x1f", h);
    h = common::fnv1a64(article.title.empty() ? article.body : article.title, h);
    h = common::fnv1a64("\x1f", h);
    h = common::fnv1a64(article.date ? article.date->iso() : std::string(), h);
    return "h" + hex64(h);
}

BuiltDocument DocumentBuilder::build(common::Article& article) const {
    if (article.id.empty()) article.id = derive_id(article);
    if (article.lang == common::Lang::unknown) article.lang = m_options.default_lang;
    if (article.lang == common::Lang::unknown) {
        // Detection reads the title and the start of the body: enough for CLD2, cheap on long articles.
        std::string sample = article.title;
        sample += "\n";
        sample += common::truncate_utf8(article.body, 4096);
        article.lang = common::detect_language(sample).lang;
    }
    const common::Lang stem_lang = article.lang == common::Lang::unknown ? common::Lang::en : article.lang;

    BuiltDocument built;
    Xapian::Document& doc = built.document;
    built.id_term = schema::id_term(article.id);
    doc.add_boolean_term(built.id_term);
    doc.add_value(schema::k_slot_id_term, built.id_term);

    const std::vector<common::Token> title_tokens = m_analyzer->tokenize(article.title);
    const std::vector<common::Token> body_tokens = m_analyzer->tokenize(article.body);
    const auto common_uses = m_analyzer->common_uses({&title_tokens, &body_tokens});
    if (article.places.empty()) {
        const common::ArticlePlaces found = m_places->extract(article.title, title_tokens, article.body, body_tokens, stem_lang);
        for (const auto& place : found.places) {
            if (found.about(place, m_options.min_place_salience)) article.places.push_back({place.id, place.country, place.salience});
        }
        if (found.dateline && article.dateline_place.empty()) article.dateline_place = found.dateline->place_id;
    }
    // Near-duplicates are found by the body's fingerprint (syndicated copies often edit the headline).
    built.fingerprint = make_fingerprint(body_tokens);
    add_fingerprint(doc, built.fingerprint);

    common::FieldOptions title_field;
    title_field.word_prefix = schema::k_prefix_title;
    title_field.stem_prefix = schema::k_prefix_title_stem;
    title_field.exact_forms = false;
    m_analyzer->index_tokens(doc, title_tokens, stem_lang, title_field, 0, &common_uses);

    // Title and body share the unprefixed space; the title counts more, and a gap of positions keeps
    // phrases from spanning the title and the first sentence.
    common::FieldOptions main_field;
    main_field.word_prefix = schema::k_prefix_word;
    main_field.stem_prefix = schema::k_prefix_stem;
    main_field.wdf_inc = m_options.title_weight;
    const Xapian::termpos title_end = m_analyzer->index_tokens(doc, title_tokens, stem_lang, main_field, 0, &common_uses);
    main_field.wdf_inc = 1;
    m_analyzer->index_tokens(doc, body_tokens, stem_lang, main_field, title_end + 100, &common_uses);

    if (article.lang != common::Lang::unknown) {
        const std::string code(common::lang_code(article.lang));
        doc.add_boolean_term(schema::lang_term(code));
        doc.add_value(schema::k_slot_lang, code);
    }
    if (article.date) {
        const common::NewsDate& d = *article.date;
        const std::string ymd = d.yyyymmdd();
        doc.add_boolean_term(schema::day_term(ymd));
        doc.add_boolean_term(schema::month_term(ymd));
        doc.add_boolean_term(schema::year_term(ymd));
        doc.add_value(schema::k_slot_date, ymd);
        doc.add_value(schema::k_slot_year, ymd.substr(0, 4));
        doc.add_value(schema::k_slot_month, ymd.substr(0, 4) + "-" + ymd.substr(4, 2));
        doc.add_value(schema::k_slot_day, ymd.substr(0, 4) + "-" + ymd.substr(4, 2) + "-" + ymd.substr(6, 2));
        doc.add_value(schema::k_slot_timestamp, Xapian::sortable_serialise(static_cast<double>(d.unix_seconds())));
    } else {
        doc.add_boolean_term(std::string(schema::k_term_no_date));
    }
    if (const std::string source_id = schema::source_id(article.source); !source_id.empty()) {
        for (const std::string& term : schema::source_terms(article.source)) doc.add_boolean_term(term);
        doc.add_value(schema::k_slot_source, schema::source_value(source_id, article.source));
    }
    for (std::size_t k = 0; k < article.places.size(); ++k) {
        const auto& place = article.places[k];
        doc.add_boolean_term(schema::place_term(place.id));
        if (!place.country.empty()) doc.add_boolean_term(schema::country_term(place.country));
        if (k < schema::k_place_slot_count) {
            doc.add_value(schema::k_slot_place_first + static_cast<Xapian::valueno>(k), place.id);
            doc.add_boolean_term(schema::place_rank_term(k, place.id));
        }
    }
    {
        std::vector<std::string> countries;
        for (const auto& place : article.places) {
            if (!place.country.empty() && std::find(countries.begin(), countries.end(), place.country) == countries.end()) {
                countries.push_back(place.country);
            }
        }
        for (std::size_t k = 0; k < countries.size() && k < schema::k_country_slot_count; ++k) {
            doc.add_value(schema::k_slot_country_first + static_cast<Xapian::valueno>(k), countries[k]);
        }
    }
    if (!article.dateline_place.empty()) {
        doc.add_boolean_term(schema::dateline_term(article.dateline_place));
        doc.add_value(schema::k_slot_dateline, article.dateline_place);
    }
    // No collapse key: the writer gives one to the articles of a near-duplicate group only.
    doc.set_data(article.to_stored_json());
    return built;
}

std::string source_id_of(const Xapian::Document& document) {
    const std::string value = document.get_value(schema::k_slot_source);
    return value.empty() ? std::string() : schema::parse_source_value(value).id;
}

std::string recorded_source_label(const Xapian::Database& db, const std::string& source_id) {
    return db.get_metadata(std::string(schema::k_meta_source_label_prefix) + source_id);
}

std::string better_source_label(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty() || schema::is_written_source_name(a) || !schema::is_written_source_name(b)) return a;
    return b;
}

SourceLabelChange choose_source_label(const std::string& recorded, Xapian::Document& document) {
    const std::string value = document.get_value(schema::k_slot_source);
    if (value.empty()) return {};
    const schema::SourceValue source = schema::parse_source_value(value);
    if (recorded == source.label) return {};
    if (!recorded.empty() && (schema::is_written_source_name(recorded) || !schema::is_written_source_name(source.label))) {
        document.add_value(schema::k_slot_source, schema::source_value(source.id, recorded));
        // The label's second term too ("theislandpost" for an article named "Island Post"): a source: filter
        // finds what the facet counts under the label.
        for (const std::string& term : schema::source_terms(recorded)) document.add_boolean_term(term);
        return {};
    }
    return {source.id, source.label, !recorded.empty()};
}

bool record_source_label(Xapian::WritableDatabase& db, const SourceLabelChange& change) {
    if (change.source_id.empty()) return false;
    db.set_metadata(std::string(schema::k_meta_source_label_prefix) + change.source_id, change.label);
    if (!change.relabel) return false;
    // Relabel the articles written with the name replaced. The id term's posting list may also hold articles
    // of another id through their second term ("theislandpost"): only this id's are changed.
    const std::string value = schema::source_value(change.source_id, change.label);
    const std::string term = std::string(schema::k_prefix_source) + change.source_id;
    const std::vector<Xapian::docid> docids(db.postlist_begin(term), db.postlist_end(term));
    bool changed = false;
    for (const Xapian::docid docid : docids) {
        Xapian::Document earlier = db.get_document(docid);
        const std::string earlier_value = earlier.get_value(schema::k_slot_source);
        if (earlier_value == value || schema::parse_source_value(earlier_value).id != change.source_id) continue;
        earlier.add_value(schema::k_slot_source, value);
        for (const std::string& label_term : schema::source_terms(change.label)) earlier.add_boolean_term(label_term);
        // Its group's record names the source too.
        if (const std::string key = earlier.get_value(schema::k_slot_collapse); !key.empty()) {
            earlier.add_value(schema::k_slot_group_values, schema::group_values(earlier, key));
        }
        db.replace_document(docid, earlier);
        changed = true;
    }
    return changed;
}

}  // namespace dateline::indexer
