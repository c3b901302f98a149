// Analyzer construction with the gazetteer's protected names.
#include "analysis_setup.hpp"

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

}  // namespace dateline::common
