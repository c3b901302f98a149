// Index opening: shards (local or remote), layout version and analysis settings checks, the gazetteer.
#include "index_reader.hpp"

#include "common/analysis_setup.hpp"
#include "common/data_dir.hpp"
#include "common/errors.hpp"
#include "common/places.hpp"
#include "common/schema.hpp"
#include "common/shard_layout.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <mutex>

namespace dateline::searcher {

namespace schema = common::schema;

std::vector<std::string> index_shard_specs(const std::vector<std::string>& specs) {
    std::vector<std::string> out;
    for (const auto& spec : specs) {
        std::size_t start = 0;
        while (start <= spec.size()) {
            const std::size_t comma = spec.find(',', start);
            const std::string part = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            // A stub database (a sharded index directory, or a stub file) stands for the shards it lists.
            const std::string stub = part.empty() || part.starts_with("tcp:") ? std::string() : common::stub_file_of(part);
            if (!stub.empty()) {
                for (std::string& shard : common::read_stub(stub)) out.push_back(std::move(shard));
            } else if (!part.empty()) {
                out.push_back(part);
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

namespace {

Xapian::Database open_shard(const std::string& spec) {
    try {
        if (spec.starts_with("tcp:")) {
            const std::string rest = spec.substr(4);
            const auto colon = rest.rfind(':');
            unsigned port = 0;
            if (colon == std::string::npos ||
                std::from_chars(rest.data() + colon + 1, rest.data() + rest.size(), port).ec != std::errc{} || port == 0 ||
                port > 65535) {
                throw common::UsageError("bad remote shard '" + spec + "'; expected tcp:HOST:PORT");
            }
            // 10 s to answer a search; 5 s to connect.
            return Xapian::Remote::open(rest.substr(0, colon), port, 10000, 5000);
        }
        return Xapian::Database(spec);
    } catch (const Xapian::DatabaseOpeningError& e) {
        throw common::EnvironmentError("cannot open index '" + spec + "': " + e.get_msg() +
                                       " (create it with: dateline-index --db " + spec + " INPUT...)");
    } catch (const Xapian::Error& e) {
        throw common::EnvironmentError("cannot open index '" + spec + "': " + e.get_description());
    }
}

/// A loaded gazetteer and the protected words derived from it. Loading takes a moment and the HTTP
/// server opens one index per thread, so each data directory is loaded once per process.
struct LoadedGazetteer {
    std::shared_ptr<const PlaceDirectory> directory;
    std::shared_ptr<const common::ProtectedWords> protected_words;
};

LoadedGazetteer load_gazetteer(const std::optional<std::filesystem::path>& dir) {
    static std::mutex mutex;
    static std::map<std::string, LoadedGazetteer> cache;
    const std::string key = dir ? dir->string() : std::string();
    const std::lock_guard lock(mutex);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
    // The default gazetteer is shared with the indexer's analyzer in processes that do both.
    const common::Gazetteer gazetteer = dir ? common::Gazetteer::load(*dir) : *common::shared_gazetteer();
    LoadedGazetteer loaded{make_gazetteer_directory(gazetteer),
                           std::make_shared<const common::ProtectedWords>(gazetteer.protected_words())};
    cache.emplace(key, loaded);
    return loaded;
}

/// The word table, read once per process for each file and analysis (the server opens one index per thread).
std::shared_ptr<const Translator> load_translator(const IndexOpenOptions& options, const std::shared_ptr<const common::Analyzer>& analyzer) {
    if (!options.use_translations) return nullptr;
    std::optional<std::filesystem::path> path = options.translations;
    // DATELINE_TRANSLATIONS names another table, or "none".
    if (const char* env = std::getenv("DATELINE_TRANSLATIONS"); !path && env != nullptr && *env != '\0') {
        if (std::string_view(env) == "none") return nullptr;
        path = env;
    }
    if (!path) {
        path = Translator::find(options.data_dir ? std::vector<std::filesystem::path>{*options.data_dir}
                                                 : common::data_search_path());
    }
    if (!path) return nullptr;
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Translator>> cache;
    const std::string key = path->string() + '\n' + options.translator.description() + '\n' + analyzer->settings().to_json();
    const std::lock_guard lock(mutex);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
    auto loaded = Translator::load(*path, *analyzer, options.translator);
    cache.emplace(key, loaded);
    return loaded;
}

}  // namespace

OpenIndex open_index(const std::vector<std::string>& specs, const IndexOpenOptions& options) {
    OpenIndex index;
    index.shards = index_shard_specs(specs);
    if (index.shards.empty()) throw common::UsageError("no index given: --db DIR (or tcp:HOST:PORT)");
    std::string settings_json;
    index.place_rank_terms = true;
    index.sample_terms = true;
    index.group_values = true;
    for (const auto& spec : index.shards) {
        Xapian::Database shard = open_shard(spec);
        const std::string version = shard.get_metadata(std::string(schema::k_meta_version));
        if (version.empty()) {
            throw common::EnvironmentError("'" + spec + "' is not a dateline index (no " + std::string(schema::k_meta_version) +
                                           " metadata)");
        }
        common::check_layout_version(spec, version, common::IndexAccess::read);
        if (shard.get_metadata(std::string(schema::k_meta_place_ranks)) != "1") index.place_rank_terms = false;
        if (shard.get_metadata(std::string(schema::k_meta_sample_buckets)) != std::to_string(schema::k_sample_buckets)) {
            index.sample_terms = false;
        }
        if (shard.get_metadata(std::string(schema::k_meta_group_values)) != "1") index.group_values = false;
        const std::string analysis = shard.get_metadata(std::string(schema::k_meta_analysis));
        if (settings_json.empty()) {
            settings_json = analysis;
        } else if (analysis != settings_json) {
            throw common::EnvironmentError("shard '" + spec + "' was built with other analysis settings than '" + index.shards.front() +
                                           "'; all shards must come from the same dateline version");
        }
        index.database.add_database(shard);
        // add_database shares the shard's internals: reopening the combined handle reopens these too.
        index.local_shards.push_back(shard);
    }
    const bool any_remote = std::any_of(index.shards.begin(), index.shards.end(), [](const std::string& s) { return s.starts_with("tcp:"); });
    if (any_remote) index.local_shards.clear();
    common::AnalyzerSettings settings = common::AnalyzerSettings::from_json(settings_json);
    // What this process analyses with: the stored settings, with this installation's place names.
    common::AnalyzerSettings here = settings;
    // The analyzer must protect the same words from stemming as the indexer did.
    std::shared_ptr<const common::ProtectedWords> protected_words;
    if (settings.protected_words.starts_with("gazetteer:")) {
        LoadedGazetteer loaded;
        try {
            loaded = load_gazetteer(options.data_dir);
        } catch (const common::EnvironmentError& e) {
            throw common::EnvironmentError("index '" + index.shards.front() +
                                           "' was built with the gazetteer's place names, which this search needs too: " + e.what());
        }
        protected_words = loaded.protected_words;
        index.places = loaded.directory;
        here.protected_words = protected_words->identity();
    } else if (!settings.protected_words.starts_with("builtin:")) {
        throw common::EnvironmentError("index '" + index.shards.front() + "' protects words from stemming with '" +
                                       settings.protected_words + "', which this build does not know; expected one of: builtin, gazetteer");
    } else if (options.use_gazetteer) {
        try {
            index.places = load_gazetteer(options.data_dir).directory;
        } catch (const common::EnvironmentError&) {
            // An index built without the gazetteer is searchable without it: places by id and ISO code.
        }
    }
    common::check_index_compatible(index.shards.front(), "", settings, here, common::IndexAccess::read);
    if (!index.places) index.places = make_code_directory();
    index.analyzer = std::make_shared<const common::Analyzer>(settings, protected_words);
    index.translator = load_translator(options, index.analyzer);
    return index;
}

}  // namespace dateline::searcher
