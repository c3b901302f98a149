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

/// Source labels: all the articles of a publisher hold one slot value, its id with one label, in every shard
/// of an index, as in one database (the facet counts values, and two labels of one id would count a
/// near-duplicate group twice). The first label written is recorded (schema::k_meta_source_label_prefix); a
/// name written with capitals or spaces later replaces a recorded one without ("islandpost" → "The Island
/// Post"), in the articles already written too. The writer decides each article's label before writing it
/// (choose_source_label, from the label the whole index records) and records a change in every shard
/// (record_source_label).
struct SourceLabelChange {
    /// Empty: nothing to record.
    std::string source_id;
    std::string label;
    /// Articles written before carry another label: relabel them.
    bool relabel = false;
};

/// The source id of a document ("" when it has no source).
std::string source_id_of(const Xapian::Document& document);
/// The label `db` (one shard) records for a source id, "" when none.
std::string recorded_source_label(const Xapian::Database& db, const std::string& source_id);
/// Of two labels recorded for one id (by two shards), the one that wins: a written name, else the first.
std::string better_source_label(const std::string& a, const std::string& b);
/// Gives `document` the `recorded` label of its source id (the whole index's, "" when none), or returns the
/// change its own label makes to the record.
SourceLabelChange choose_source_label(const std::string& recorded, Xapian::Document& document);
/// Records `change` in `db` (one shard) and relabels the articles it holds of that id. Returns whether
/// articles were changed.
bool record_source_label(Xapian::WritableDatabase& db, const SourceLabelChange& change);

}  // namespace dateline::indexer
