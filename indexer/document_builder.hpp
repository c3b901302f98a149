// Turns an Article into a Xapian::Document: terms from the shared analysis, filters, values, stored data.
#pragma once

#include "fingerprint.hpp"

#include "common/analysis.hpp"
#include "common/article.hpp"
#include "common/places.hpp"

#include <xapian.h>

#include <memory>

namespace dateline::indexer {

/// A document ready for the database writer.
struct BuiltDocument {
    /// The unique id term ("Q" + article id).
    std::string id_term;
    Xapian::Document document;
    /// Near-duplicate signature of the body (empty when the text is too short); see fingerprint.hpp.
    Fingerprint fingerprint;
};

/// How the builder decides what the text does not say.
struct DocumentBuilderOptions {
    /// Language for articles whose input does not state one; Lang::unknown means detect.
    common::Lang default_lang = common::Lang::unknown;
    /// Title words count this many times in the body's ranking terms (title boost).
    Xapian::termcount title_weight = 3;
    /// Places at least this salient (0..1) in a full-length story become the article's places: filter terms
    /// and facet values. Lower, passing mentions of a long article are not what it is about; a short story's
    /// floor is lower (common::ArticlePlaces::salience_floor).
    double min_place_salience = common::k_min_place_salience;
};

/// Builds documents. Thread-safe (const after construction).
class DocumentBuilder {
  public:
    DocumentBuilder(std::shared_ptr<const common::Analyzer> analyzer, DocumentBuilderOptions options);

    /// Completes the article (language detection, id when missing, places) and builds its document.
    BuiltDocument build(common::Article& article) const;

    /// The id used when the input gives none: the canonical URL, else a hash of source + title + date.
    static std::string derive_id(const common::Article& article);

  private:
    std::shared_ptr<const common::Analyzer> m_analyzer;
    DocumentBuilderOptions m_options;
    /// Finds the places of articles whose input does not list them (the gazetteer of this installation).
    std::shared_ptr<const common::PlaceExtractor> m_places;
};

/// Gives a document's source slot the label the index records for its source id (schema::
/// k_meta_source_label_prefix), so that all the articles of a publisher hold one value: the facet counts
/// values, and two labels of one id would count a near-duplicate group twice. The first label written is
/// recorded; a name written with capitals or spaces later replaces a recorded one without ("islandpost" →
/// "The Island Post"), in the articles already written too. Call in the database's one writer, before
/// writing `document`.
void use_recorded_source_label(Xapian::WritableDatabase& db, Xapian::Document& document);

}  // namespace dateline::indexer
