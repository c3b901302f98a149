// Opening an index for searching: local directories and remote shards, version check, analyzer and place
// directory rebuilt as the index was built.
#pragma once

#include "place_directory.hpp"
#include "translator.hpp"

#include "common/analysis.hpp"

#include <xapian.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dateline::searcher {

/// An index opened for searching: one or more shards combined, and the analysis they were built with.
struct OpenIndex {
    Xapian::Database database;
    std::shared_ptr<const common::Analyzer> analyzer;
    /// Place names and labels: the gazetteer when one is installed, else ids and ISO codes only.
    std::shared_ptr<const PlaceDirectory> places;
    /// The shard specs, as given.
    std::vector<std::string> shards;
    /// Handles on each shard when all are local directories (for their revisions); empty otherwise.
    std::vector<Xapian::Database> local_shards;
    /// Every shard's articles carry place rank terms (schema::k_meta_place_ranks).
    bool place_rank_terms = false;
    /// Every shard's articles carry their sample term (schema::k_prefix_sample): facets of a query matching
    /// more than SearchTuning::facet_exact_limit articles may count a uniform sample of them.
    bool sample_terms = false;
    /// Every shard's grouped articles carry their group values (schema::k_slot_group_values): counting a
    /// near-duplicate group once per value needs no second match on remote shards.
    bool group_values = false;
    /// The English<->French word table for translating queries; null when none is installed.
    std::shared_ptr<const Translator> translator;
};

/// How open_index finds what it needs besides the shards.
struct IndexOpenOptions {
    /// Directory holding gazetteer.tsv; unset: common::Gazetteer::default_search_path().
    std::optional<std::filesystem::path> data_dir;
    /// Use the gazetteer for place names when one is found (an index whose analysis needs the
    /// gazetteer's protected words loads it regardless).
    bool use_gazetteer = true;
    /// The word table for query translation; unset: $DATELINE_TRANSLATIONS (a file, or "none"), else
    /// translations.tsv beside the gazetteer (data_dir, or common::data_search_path()) when there is one.
    std::optional<std::filesystem::path> translations;
    /// Load a word table (queries are translated only when there is one).
    bool use_translations = true;
    TranslatorOptions translator;
};

/// The shards `specs` name, as open_index reads them: commas split, stub databases expanded. A stub that
/// lists another set of shards since an index was opened (a year's shard added by `dateline-index
/// --shard-by year`) gives another list: readers that stay open compare it to OpenIndex::shards and open
/// the index again. Throws common::EnvironmentError for a stub that cannot be read.
std::vector<std::string> index_shard_specs(const std::vector<std::string>& specs);

/// Opens shards given as local directories or "tcp:HOST:PORT" (a xapian-tcpsrv); a spec may also
/// list several shards separated by commas, and a stub database (a sharded index directory written by
/// `dateline-index --shards N`, or a stub file with `auto PATH` / `remote HOST:PORT` lines) stands for the
/// shards it lists (common::read_stub), each then checked and reported on its own. Each shard must carry dateline metadata of this build's
/// layout version and the same analysis settings. Throws common::UsageError for a malformed spec and
/// common::EnvironmentError naming the shard (or the missing gazetteer) otherwise.
OpenIndex open_index(const std::vector<std::string>& specs, const IndexOpenOptions& options = {});

}  // namespace dateline::searcher
