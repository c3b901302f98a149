// Near-duplicate signatures (simhash + MinHash bands) and the band-term lookup of near-duplicates.
//
// Tuning on OrangeSum (36,152 articles; truth: the pairs of list_of_duplicates.txt's groups, leaving out its
// two 55- and 83-member groups, which share a title, "Coronavirus: le point sur la pandémie", not a text):
// - simhash bands alone (the 64 bits cut into bands, pigeonhole lookup) cannot hold a one-sentence edit:
//   the sample corpus's wire pair (1 sentence of 11 rewritten, content-word cosine 0.97) is 4 to 11 bits
//   apart depending on the features and hash, while daily bulletins built on one template are as close;
// - MinHash bands (6 x 3 over word 3-shingles) for candidates, then simhash distance <= 10 bits on content
//   words: precision 0.895, recall 0.902 (threshold 8: 0.931 / 0.894; 12: 0.870 / 0.905). The "false"
//   pairs read are re-posted stories with an edited headline (word Jaccard 0.5 to 0.9), which the
//   title-based list does not group, so the true precision is higher.
#include "fingerprint.hpp"

#include "common/hash.hpp"
#include "common/schema.hpp"
#include "common/shard_layout.hpp"
#include "common/stopwords.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>

namespace dateline::indexer {

namespace schema = common::schema;

namespace {

/// Candidates read from the database per band term: a band shared by very many old articles is noise.
constexpr std::size_t k_max_stored_candidates_per_band = 64;
constexpr std::uint32_t k_band_mask = 0xFFFFFF;

/// splitmix64's finaliser: spreads FNV's weak low bits over all 64.
constexpr std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/// One seed per MinHash function. Seeds in arithmetic progression (seed * j) make the functions
/// correlated (every third one disagreed on the same pair); scrambled seeds make them independent.
constexpr auto k_minhash_seeds = [] {
    std::array<std::uint64_t, k_bands * k_rows_per_band> seeds{};
    for (std::size_t j = 0; j < seeds.size(); ++j) seeds[j] = mix((j + 1) * 0x9e3779b97f4a7c15ULL);
    return seeds;
}();

}  // namespace

std::uint64_t simhash(const std::vector<common::Token>& tokens) {
    std::array<std::int32_t, 64> votes{};
    std::size_t words = 0;
    for (const auto& t : tokens) {
        if (t.kind == common::TokenKind::compound || common::is_stopword(t.folded)) continue;
        ++words;
        const std::uint64_t h = mix(common::fnv1a64(t.folded));
        for (unsigned bit = 0; bit < 64; ++bit) votes[bit] += ((h >> bit) & 1U) ? 1 : -1;
    }
    if (words < k_min_fingerprint_words) return 0;
    std::uint64_t value = 0;
    for (unsigned bit = 0; bit < 64; ++bit) {
        if (votes[bit] > 0) value |= std::uint64_t{1} << bit;
    }
    // 0 means "no fingerprint"; a real text hashing to 0 is vanishingly rare and simply stays ungrouped.
    return value;
}

Fingerprint make_fingerprint(const std::vector<common::Token>& tokens) {
    Fingerprint fp;
    fp.simhash = simhash(tokens);
    if (fp.simhash == 0) return fp;
    std::vector<std::uint64_t> words;
    words.reserve(tokens.size());
    for (const auto& t : tokens) {
        if (t.kind != common::TokenKind::compound) words.push_back(common::fnv1a64(t.folded));
    }
    constexpr std::size_t k_hashes = k_bands * k_rows_per_band;
    std::array<std::uint64_t, k_hashes> minimum;
    minimum.fill(~std::uint64_t{0});
    for (std::size_t i = 0; i + k_shingle_words <= words.size(); ++i) {
        std::uint64_t shingle = 0;
        for (std::size_t k = 0; k < k_shingle_words; ++k) shingle = mix(shingle ^ words[i + k]);
        for (std::size_t j = 0; j < k_hashes; ++j) {
            const std::uint64_t h = mix(shingle ^ k_minhash_seeds[j]);
            if (h < minimum[j]) minimum[j] = h;
        }
    }
    for (std::size_t b = 0; b < k_bands; ++b) {
        std::uint64_t h = b;
        for (std::size_t r = 0; r < k_rows_per_band; ++r) h = mix(h ^ minimum[b * k_rows_per_band + r]);
        fp.bands[b] = static_cast<std::uint32_t>(h) & k_band_mask;
    }
    return fp;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) noexcept { return std::popcount(a ^ b); }

std::string fingerprint_hex(std::uint64_t value) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
    return buf;
}

std::uint64_t parse_fingerprint_hex(std::string_view hex) noexcept {
    if (hex.size() != 16) return 0;
    std::uint64_t v = 0;
    for (char c : hex) {
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= static_cast<std::uint64_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= static_cast<std::uint64_t>(c - 'a' + 10);
        } else {
            return 0;
        }
    }
    return v;
}

std::array<std::string, k_bands> band_terms(const Fingerprint& fp) {
    std::array<std::string, k_bands> terms;
    for (std::size_t band = 0; band < k_bands; ++band) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%zu%06x", band, static_cast<unsigned>(fp.bands[band] & k_band_mask));
        terms[band] = std::string(schema::k_prefix_simhash_band) + buf;
    }
    return terms;
}

void add_fingerprint(Xapian::Document& doc, const Fingerprint& fp) {
    if (fp.empty()) return;
    doc.add_value(schema::k_slot_simhash, fingerprint_hex(fp.simhash));
    for (const auto& term : band_terms(fp)) doc.add_boolean_term(term);
}

NearDuplicateFinder::NearDuplicateFinder(std::string db_path, std::size_t memory_limit)
    : NearDuplicateFinder(std::vector<std::string>{std::move(db_path)}, memory_limit) {}

NearDuplicateFinder::NearDuplicateFinder(std::vector<std::string> shard_paths, std::size_t memory_limit)
    : m_shard_paths(std::move(shard_paths)), m_memory_limit(memory_limit), m_memory_floor(m_shard_paths.size(), 1) {
    try {
        for (std::size_t s = 0; s < m_shard_paths.size(); ++s) {
            Xapian::Database shard(m_shard_paths[s]);
            m_memory_floor[s] = shard.get_lastdocid() + 1;
            m_reader.add_database(shard);
        }
        m_reader_open = true;
    } catch (const Xapian::Error&) {
        // Nothing committed yet: every earlier article of the run is in memory.
        m_reader = Xapian::Database();
        std::fill(m_memory_floor.begin(), m_memory_floor.end(), 1);
    }
}

void NearDuplicateFinder::open_reader() {
    Xapian::Database reader;
    for (const std::string& path : m_shard_paths) reader.add_database(Xapian::Database(path));
    m_reader = reader;
    m_reader_open = true;
}

std::string NearDuplicateFinder::find(const Fingerprint& fp) {
    if (fp.empty()) return {};
    int best = k_near_duplicate_bits + 1;
    std::string best_key;
    for (std::size_t band = 0; band < k_bands; ++band) {
        const auto it = m_bands[band].find(fp.bands[band]);
        if (it == m_bands[band].end()) continue;
        for (std::uint32_t index : it->second) {
            const Entry& e = m_entries[index];
            const int d = hamming_distance(fp.simhash, e.simhash);
            if (d < best) {
                best = d;
                best_key = e.collapse_key;
            }
        }
    }
    const bool any_stored = std::any_of(m_memory_floor.begin(), m_memory_floor.end(), [](Xapian::docid f) { return f > 1; });
    if (m_reader_open && any_stored) {
        // Articles of earlier runs (or forgotten from memory): through their band terms in the database.
        find_stored(fp, best, best_key);
    }
    return best_key;
}

void NearDuplicateFinder::find_stored(const Fingerprint& fp, int& best, std::string& best_key) {
    for (int attempt = 0;; ++attempt) {
        try {
            search_stored(fp, best, best_key);
            return;
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt > 0) throw;
            m_reader.reopen();
        }
    }
}

void NearDuplicateFinder::search_stored(const Fingerprint& fp, int& best, std::string& best_key) {
    for (const std::string& term : band_terms(fp)) {
        std::size_t seen = 0;
        for (auto it = m_reader.postlist_begin(term); it != m_reader.postlist_end(term); ++it) {
            const std::size_t n = m_shard_paths.size();
            const common::ShardDocid at = common::split_docid(*it, n);
            if (at.docid >= m_memory_floor[at.shard]) {
                // Postings come in docid order: with one shard the rest are all in memory.
                if (n == 1) break;
                continue;
            }
            if (++seen > k_max_stored_candidates_per_band) break;
            const Xapian::Document doc = m_reader.get_document(*it, Xapian::DOC_ASSUME_VALID);
            const int d = hamming_distance(fp.simhash, parse_fingerprint_hex(doc.get_value(schema::k_slot_simhash)));
            if (d < best) {
                best = d;
                // An article with no key is alone in its group: its id term is the group's key.
                best_key = doc.get_value(schema::k_slot_collapse);
                if (best_key.empty()) {
                    auto id = doc.termlist_begin();
                    id.skip_to(std::string(schema::k_prefix_id));
                    if (id != doc.termlist_end() && (*id).starts_with(schema::k_prefix_id)) best_key = *id;
                }
            }
        }
    }
}

void NearDuplicateFinder::add_shard(const std::string& shard_path) {
    m_shard_paths.push_back(shard_path);
    // Nothing of the run is stored in it yet: its articles are all in memory.
    m_memory_floor.push_back(1);
    // The combined database numbers documents by the count of shards: it is opened again with the new one.
    try {
        open_reader();
    } catch (const Xapian::Error&) {
        m_reader_open = false;
    }
}

void NearDuplicateFinder::add(const Fingerprint& fp, const std::string& collapse_key) {
    if (fp.empty()) return;
    const auto index = static_cast<std::uint32_t>(m_entries.size());
    m_entries.push_back({fp.simhash, collapse_key});
    for (std::size_t band = 0; band < k_bands; ++band) m_bands[band][fp.bands[band]].push_back(index);
}

void NearDuplicateFinder::clear_memory() {
    m_entries.clear();
    m_entries.shrink_to_fit();
    for (auto& band : m_bands) band.clear();
}

void NearDuplicateFinder::committed(Xapian::docid last_docid) { committed(std::vector<Xapian::docid>{last_docid}); }

void NearDuplicateFinder::committed(const std::vector<Xapian::docid>& last_docids) {
    if (m_entries.size() >= m_memory_limit) {
        // Memory is full: what is committed is found in the database from now on.
        clear_memory();
        for (std::size_t s = 0; s < m_memory_floor.size() && s < last_docids.size(); ++s) m_memory_floor[s] = last_docids[s] + 1;
    }
    // Always move the reader to the new revision: glass discards a revision two commits later, and a
    // reader left on it would fail with DatabaseModifiedError.
    try {
        if (m_reader_open) {
            m_reader.reopen();
        } else {
            open_reader();
        }
    } catch (const Xapian::Error&) {
        m_reader_open = false;
    }
}

}  // namespace dateline::indexer
