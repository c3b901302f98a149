// Measures language detection on labelled lines "lang<TAB>corpus<TAB>kind<TAB>text" read from standard input:
// dateline's detect_language (CLD2 + function words) against libexttextcat (all its languages, and en+fr only).
// Prints one JSON object: per detector, per (lang, corpus, kind): count, correct, seconds, bytes, confusions.
#include "common/language.hpp"

#include <libexttextcat/textcat.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Tally {
    std::size_t count = 0;
    std::size_t correct = 0;
    std::size_t bytes = 0;
    double seconds = 0.0;
    std::map<std::string, std::size_t> got;
};

struct TextcatDeleter {
    void operator()(void* h) const { textcat_Done(h); }
};
using TextcatHandle = std::unique_ptr<void, TextcatDeleter>;

/// First candidate of textcat's "[fr--utf8][ca--utf8]" answer as a code ("fr"), or "UNKNOWN"/"SHORT".
std::string first_candidate(const char* answer) {
    std::string s = answer ? answer : "";
    if (s.empty() || s[0] != '[') return s.empty() ? "UNKNOWN" : s;
    const auto end = s.find(']');
    std::string id = s.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    const auto dash = id.find("--");
    return dash == std::string::npos ? id : id.substr(0, dash);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string data_dir = argc > 1 ? argv[1] : BENCH_TEXTCAT_DATA;
    const std::string enfr_conf = argc > 2 ? argv[2] : "/tmp/bench-langid-enfr.conf";
    {
        std::ofstream conf(enfr_conf);
        conf << "en.lm en--utf8\nfr.lm fr--utf8\n";
    }
    TextcatHandle all(special_textcat_Init((data_dir + "fpdb.conf").c_str(), data_dir.c_str()));
    TextcatHandle enfr(special_textcat_Init(enfr_conf.c_str(), data_dir.c_str()));
    if (!all || !enfr) {
        std::cerr << "bench-langid: cannot load libexttextcat fingerprints from " << data_dir << '\n';
        return 1;
    }
    std::map<std::string, std::map<std::string, Tally>> tallies;  // detector -> group -> tally
    auto timed = [](auto&& fn) {
        const auto t0 = std::chrono::steady_clock::now();
        std::string got = fn();
        return std::pair{got, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
    };
    std::string line;
    while (std::getline(std::cin, line)) {
        std::vector<std::string> f;
        std::size_t pos = 0;
        for (int i = 0; i < 3; ++i) {
            const auto tab = line.find('\t', pos);
            if (tab == std::string::npos) break;
            f.push_back(line.substr(pos, tab - pos));
            pos = tab + 1;
        }
        if (f.size() != 3) continue;
        const std::string text = line.substr(pos);
        const std::string group = f[0] + "/" + f[1] + "/" + f[2];
        const std::vector<std::pair<std::string, std::function<std::string()>>> detectors = {
            {"dateline", [&] { return std::string(dateline::common::lang_code(dateline::common::detect_language(text).lang)); }},
            {"exttextcat-all", [&] { return first_candidate(textcat_Classify(all.get(), text.data(), text.size())); }},
            {"exttextcat-enfr", [&] { return first_candidate(textcat_Classify(enfr.get(), text.data(), text.size())); }},
        };
        for (const auto& [name, fn] : detectors) {
            auto [got, secs] = timed(fn);
            if (got.empty()) got = "unknown";
            Tally& t = tallies[name][group];
            ++t.count;
            t.correct += got == f[0];
            t.bytes += text.size();
            t.seconds += secs;
            ++t.got[got];
        }
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [det, groups] : tallies) {
        for (const auto& [group, t] : groups) {
            nlohmann::json confusions = nlohmann::json::object();
            for (const auto& [lang, n] : t.got) confusions[lang] = n;
            out[det][group] = {{"count", t.count}, {"correct", t.correct}, {"bytes", t.bytes},
                               {"seconds", t.seconds}, {"answers", confusions}};
        }
    }
    std::cout << out.dump(1) << '\n';
    return 0;
}
