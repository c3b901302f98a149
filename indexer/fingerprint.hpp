// Near-duplicate detection: a 64-bit simhash of an article's content words (the value slot), MinHash LSH
// band terms over its word 3-shingles (the candidate lookup), and the writer-side search that groups an
// article with an earlier near-duplicate (the collapse key).
#pragma once

#include "common/analysis.hpp"

#include <xapian.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dateline::indexer {

/// Texts with fewer content words (or 3-shingles) get no fingerprint: short briefs look alike by chance.
inline constexpr std::size_t k_min_fingerprint_words = 20;
/// Words per shingle of the MinHash bands.
inline constexpr std::size_t k_shingle_words = 3;
/// MinHash LSH: k_bands band terms, each hashing k_rows_per_band minimum hashes. Two texts whose shingle
/// sets have Jaccard similarity J share at least one band with probability 1 - (1 - J^3)^6: 0.997 for
/// J = 0.85 (one sentence in ten rewritten), 0.05 for J = 0.2.
inline constexpr std::size_t k_bands = 6;
inline constexpr std::size_t k_rows_per_band = 3;
/// Candidates sharing a band are near-duplicates when their simhashes are at most this many bits apart
/// (cosine similarity of content words above about 0.88; tuned on OrangeSum, see fingerprint.cpp).
inline constexpr int k_near_duplicate_bits = 10;

/// The near-duplicate signature of one text.
struct Fingerprint {
    /// Simhash of the content words; 0 when the text is too short (then there is no signature at all).
    std::uint64_t simhash = 0;
    /// MinHash band values (24 bits each).
    std::array<std::uint32_t, k_bands> bands{};

    bool empty() const noexcept { return simhash == 0; }
};

/// The signature of analysed text: simhash over content words (folded, not English or French function
/// words, compounds skipped as their parts count), each occurrence voting once; MinHash bands over the
/// 3-shingles of all its folded words. Empty for texts with fewer than k_min_fingerprint_words content words.
Fingerprint make_fingerprint(const std::vector<common::Token>& tokens);

/// Simhash part alone (0 for short texts).
std::uint64_t simhash(const std::vector<common::Token>& tokens);

/// Number of differing bits.
int hamming_distance(std::uint64_t a, std::uint64_t b) noexcept;

/// 16 lower-case hex digits (the value of schema::k_slot_simhash), and back (0 if malformed).
std::string fingerprint_hex(std::uint64_t simhash);
std::uint64_t parse_fingerprint_hex(std::string_view hex) noexcept;

/// The LSH band terms: schema::k_prefix_simhash_band + band number + 6 hex digits.
std::array<std::string, k_bands> band_terms(const Fingerprint& fingerprint);

/// Adds the simhash value and the band terms to a document (nothing for an empty fingerprint).
void add_fingerprint(Xapian::Document& doc, const Fingerprint& fingerprint);

/// Finds, for each new article, the group of an earlier near-duplicate. Articles written by this run are
/// kept in memory (simhash, bands and group, about 100 bytes each, at most `memory_limit` of them; beyond,
/// the committed ones are forgotten and found in the database instead). Articles of earlier runs are
/// found through a reader opened on the committed database, so that lookups never make the writer flush.
class NearDuplicateFinder {
  public:
    /// `db_path`: the database the writer commits to.
    explicit NearDuplicateFinder(std::string db_path, std::size_t memory_limit = 500000);
    /// A sharded index: `shard_paths` are its shard databases in stub order (a group may span shards, so
    /// earlier articles are looked up in all of them at once).
    explicit NearDuplicateFinder(std::vector<std::string> shard_paths, std::size_t memory_limit = 500000);

    /// The collapse key of the closest earlier near-duplicate, or "" when none.
    std::string find(const Fingerprint& fingerprint);
    /// Records an article just written, with its collapse key.
    void add(const Fingerprint& fingerprint, const std::string& collapse_key);
    /// A commit happened; `last_docid` is the writer's highest document id.
    void committed(Xapian::docid last_docid);
    /// Every shard committed all that was added; `last_docids` are their highest document ids, in order.
    void committed(const std::vector<Xapian::docid>& last_docids);
    /// A shard was added to the index (empty, committed): it is looked up with the others from now on.
    void add_shard(const std::string& shard_path);
    /// True when the articles kept in memory reached the limit: the caller should commit every shard and
    /// call committed(), which forgets them (they are then found in the database).
    bool memory_full() const noexcept { return m_entries.size() >= m_memory_limit; }

  private:
    struct Entry {
        std::uint64_t simhash;
        std::string collapse_key;
    };
    void clear_memory();
    /// Looks in the database (retrying once on a discarded revision); keeps the closest match.
    void find_stored(const Fingerprint& fingerprint, int& best, std::string& best_key);
    void search_stored(const Fingerprint& fingerprint, int& best, std::string& best_key);
    void open_reader();

    std::vector<std::string> m_shard_paths;
    std::size_t m_memory_limit;
    /// All shards as one database (Xapian interleaves their document ids).
    Xapian::Database m_reader;
    bool m_reader_open = false;
    /// Per shard: documents with smaller (shard) ids are looked up in the database; the others are in memory.
    std::vector<Xapian::docid> m_memory_floor;
    std::vector<Entry> m_entries;
    std::array<std::unordered_map<std::uint32_t, std::vector<std::uint32_t>>, k_bands> m_bands;
};

}  // namespace dateline::indexer
