// Analyzer construction with the gazetteer's protected names, and the index compatibility check.
#include "analysis_setup.hpp"

#include "errors.hpp"
#include "schema.hpp"

#include <mutex>

namespace dateline::common {

std::shared_ptr<const Gazetteer> shared_gazetteer() {
    static std::mutex mutex;
    static std::shared_ptr<const Gazetteer> gazetteer;
    std::lock_guard lock(mutex);
    if (!gazetteer) gazetteer = std::make_shared<const Gazetteer>(Gazetteer::load_default());
    return gazetteer;
}

namespace {

std::shared_ptr<const ProtectedWords> gazetteer_words() {
    static std::mutex mutex;
    static std::shared_ptr<const ProtectedWords> words;
    std::lock_guard lock(mutex);
    if (!words) words = std::make_shared<const ProtectedWords>(shared_gazetteer()->protected_words());
    return words;
}

}  // namespace

std::shared_ptr<const Analyzer> make_current_analyzer() {
    return std::make_shared<const Analyzer>(AnalyzerSettings::current(), gazetteer_words());
}

void check_layout_version(std::string_view index, std::string_view version, IndexAccess access) {
    if (version.empty() || version == std::to_string(schema::k_index_version)) return;
    const std::string ours = std::to_string(schema::k_index_version);
    // An upgrade that changes the layout: the old index can keep serving while the new one is built beside it.
    const std::string how = "re-index into a new directory with this version (dateline-index --db NEW_DIR INPUT..., or "
                            "dateline-reindex where the Debian package is installed), then switch to it (docs/DEPLOY.md, Upgrades)";
    if (access == IndexAccess::read) {
        throw EnvironmentError("index '" + std::string(index) + "' has layout version " + std::string(version) +
                               " but this dateline reads version " + ours + "; " + how);
    }
    throw EnvironmentError("index '" + std::string(index) + "' has layout version " + std::string(version) +
                           "; this dateline-index writes version " + ours + ": " + how);
}

void check_index_compatible(std::string_view index, std::string_view version, const AnalyzerSettings& stored,
                            const AnalyzerSettings& current, IndexAccess access) {
    check_layout_version(index, version, access);
    const std::string name(index);
    if (stored.version != schema::k_index_version) {
        throw EnvironmentError("index analysis version " + std::to_string(stored.version) + " is not supported by this build (" +
                               std::to_string(schema::k_index_version) + ")");
    }
    if (stored.protected_words != current.protected_words) {
        if (access == IndexAccess::read) {
            throw EnvironmentError("index '" + name + "' was built with another gazetteer (" + stored.protected_words +
                                   "; this installation has " + current.protected_words +
                                   "): its place names are stemmed differently; re-index it");
        }
        throw EnvironmentError("index '" + name + "' was built with another gazetteer (" + stored.protected_words +
                               "; this installation has " + current.protected_words +
                               "): adding articles would mix two ways of stemming place names, and searches would refuse the "
                               "index; re-index into a new directory, or restore the gazetteer it was built with");
    }
    if (stored.stemmer_en != current.stemmer_en || stored.stemmer_fr != current.stemmer_fr) {
        throw EnvironmentError("index '" + name + "' was built with the stemmers " + stored.stemmer_en + "/" + stored.stemmer_fr +
                               "; this build uses " + current.stemmer_en + "/" + current.stemmer_fr + ": re-index into a new directory");
    }
}

}  // namespace dateline::common
