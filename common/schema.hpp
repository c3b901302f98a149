// The one definition of every Xapian term prefix, value slot and metadata key dateline uses.
#pragma once

#include <xapian.h>

#include <array>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

namespace dateline::common::schema {

/// Version of the index layout and analysis. Bump when terms or values change meaning;
/// the searcher refuses an index whose version differs.
inline constexpr int k_index_version = 1;

// ---- Term prefixes (Xapian convention: single capitals, or X + capitals for multi-letter ones).
/// Positional terms: case- and accent-folded words of title and body (phrases, wildcards).
inline constexpr std::string_view k_prefix_word = "";
/// Stems (accent-folded after stemming), no positions: the main matching terms.
inline constexpr std::string_view k_prefix_stem = "Z";
/// Exact lower-case accented form of words that carry diacritics, no positions: ranks exact forms first.
inline constexpr std::string_view k_prefix_exact = "E";
/// Positional folded words of the title only (`title:` queries).
inline constexpr std::string_view k_prefix_title = "S";
/// Stems of title words (`title:` queries).
inline constexpr std::string_view k_prefix_title_stem = "ZS";
/// Unique article id (boolean).
inline constexpr std::string_view k_prefix_id = "Q";
/// Language code, e.g. "Lfr" (boolean filter, `lang:`).
inline constexpr std::string_view k_prefix_lang = "L";
/// Publication date as YYYYMMDD, YYYYMM and YYYY (boolean filters).
inline constexpr std::string_view k_prefix_day = "D";
inline constexpr std::string_view k_prefix_month = "M";
inline constexpr std::string_view k_prefix_year = "Y";
/// Source (publisher) id, see source_id() (boolean filter, `source:`). Indexes written before source ids
/// hold "XSRC" + the folded name instead; source_filter() matches both.
inline constexpr std::string_view k_prefix_source = "XSRC";
/// Place id, e.g. "XPKP" or "XPgn1871859" (boolean filter, `place:`/`lieu:`).
inline constexpr std::string_view k_prefix_place = "XP";
/// Country ISO 3166-1 alpha-2 code of every place of the article (boolean filter).
inline constexpr std::string_view k_prefix_country = "XC";
/// The article's dateline place id.
inline constexpr std::string_view k_prefix_dateline = "XDL";
/// A place by its rank among the article's places: "XR" + rank digit (0: the most salient; up to
/// k_place_slot_count - 1, the place slots' order) + place id, e.g. "XR0KP" (boolean). The place boost
/// weighs these with constant-weight posting sources instead of reading eight value slots per candidate.
/// Written since the index metadata k_meta_place_ranks appeared; see place_rank_term().
inline constexpr std::string_view k_prefix_place_rank = "XR";
/// Locality-sensitive hash bands of the content fingerprint (near-duplicate candidates).
inline constexpr std::string_view k_prefix_simhash_band = "XH";
/// The input file an article was last read from: "XF" + the file's absolute path (see origin_term()).
/// `dateline-index --sync` deletes the articles of a re-read file that it no longer holds by this term.
/// Articles written by the HTTP server's CMS routes or read from standard input carry none.
inline constexpr std::string_view k_prefix_origin = "XF";
/// Sample bucket of the article (boolean): "XK" + two decimal digits, 00 .. k_sample_buckets - 1, from a hash
/// of its near-duplicate group's key, its own id term when alone (sample_term()): a group is sampled whole.
/// A query matching too many articles for exact facets counts those of the first k buckets only: a uniform
/// sample of k / k_sample_buckets of the groups, with any backend (it is a filter).
/// Written since the index metadata k_meta_sample_buckets appeared.
inline constexpr std::string_view k_prefix_sample = "XK";
inline constexpr std::size_t k_sample_buckets = 64;
/// Documents without a date carry this term so they can be found and counted.
inline constexpr std::string_view k_term_no_date = "XNODATE";

// ---- Value slots.
/// Publication date as "YYYYMMDD" (sortable; Xapian::DateRangeProcessor format).
inline constexpr Xapian::valueno k_slot_date = 0;
/// Facet values: "YYYY", "YYYY-MM", "YYYY-MM-DD".
inline constexpr Xapian::valueno k_slot_year = 1;
inline constexpr Xapian::valueno k_slot_month = 2;
inline constexpr Xapian::valueno k_slot_day = 3;
/// Language code ("en", "fr").
inline constexpr Xapian::valueno k_slot_lang = 4;
/// Source: source_value(id, label), "islandpost" "\x1f" "The Island Post"; in indexes written before source
/// ids, the name as given in the input (parse_source_value() reads both).
inline constexpr Xapian::valueno k_slot_source = 5;
/// Near-duplicate group key (collapse key): the id of the first article of the group.
inline constexpr Xapian::valueno k_slot_collapse = 6;
/// 64-bit content fingerprint (simhash), 16 hex digits.
inline constexpr Xapian::valueno k_slot_simhash = 7;
/// Publication time as Xapian::sortable_serialise(seconds since the epoch, UTC).
inline constexpr Xapian::valueno k_slot_timestamp = 8;
/// Dateline place id.
inline constexpr Xapian::valueno k_slot_dateline = 9;
/// The article's id term (id_term(id)): a search names the articles of its rescoring window with these
/// terms, a filter every shard understands, remote ones included (Xapian 1.4 has no docid-set query).
/// Indexes written before it have no such value: the searcher then ranks without a window.
inline constexpr Xapian::valueno k_slot_id_term = 10;
/// The facet values of an article in a near-duplicate group, with the group's key (group_values()): a
/// built-in ValueCountMatchSpy on it tells which values each group's matching articles have, so that remote
/// shards count a group once per value without a second match reading documents. Empty for an article
/// alone. Written since the index metadata k_meta_group_values appeared.
inline constexpr Xapian::valueno k_slot_group_values = 11;
/// Place facets: the article's most salient places, one per slot, so that the stock
/// ValueCountMatchSpy (usable against remote shards) counts each place once per article.
inline constexpr std::size_t k_place_slot_count = 8;
inline constexpr Xapian::valueno k_slot_place_first = 20;
/// Country facets: the countries of the article's places, one per slot.
inline constexpr std::size_t k_country_slot_count = 6;
inline constexpr Xapian::valueno k_slot_country_first = 40;

// ---- Metadata keys.
/// Index layout version (decimal integer).
inline constexpr std::string_view k_meta_version = "dateline.version";
/// Analysis settings as JSON (languages, stemmers, folding, protected-word source).
inline constexpr std::string_view k_meta_analysis = "dateline.analysis";
/// Prefix of keys recording indexed files for incremental runs: key + absolute path → "size:mtime" (mtime
/// as seconds.nanoseconds), written once the file was read whole; with --sync, once the articles it no longer
/// holds are deleted.
inline constexpr std::string_view k_meta_file_prefix = "dateline.file:";
/// Appended to a file's record by a run without --sync when the file no longer held some of the articles it
/// gave before: runs without --sync take the file as unchanged, a run with --sync reads it again.
inline constexpr std::string_view k_meta_file_unsynced = " unsynced";
/// "1" when every article read from a file carries its origin term (k_prefix_origin): set when the index is
/// created, by a build that writes them. In an index without it, `--sync` warns that articles indexed by an
/// earlier build are kept until their file is read again.
inline constexpr std::string_view k_meta_origins = "dateline.origins";
/// Prefix of keys recording the label of a source id: key + source_id → the name its articles' slot values
/// carry (one per id, so that the source facet counts a publisher as one value).
inline constexpr std::string_view k_meta_source_label_prefix = "dateline.source:";
/// Time of the last change to the articles of the database (or shard) by a dateline writer, ISO 8601 UTC; the
/// first shard (or the one database) is stamped by every indexing run and crawl, changed or not.
inline constexpr std::string_view k_meta_last_update = "dateline.last_update";
/// "1" when every article of the index carries its place rank terms (k_prefix_place_rank): set when the
/// index is created, by a build that writes them. An index without it is searched through the place slots.
inline constexpr std::string_view k_meta_place_ranks = "dateline.place_ranks";
/// Prefix of the crawl state (dateline-index crawl): crawl_key(url) → a JSON record of the page's last fetch
/// (its URL, ETag, Last-Modified, content hash, last seen, article id), written in the commit of the article.
inline constexpr std::string_view k_meta_crawl_prefix = "dateline.crawl:";

/// The number of sample buckets (k_sample_buckets, decimal) when every article of the index carries its
/// sample term (k_prefix_sample): set when the index is created, by a build that writes them.
inline constexpr std::string_view k_meta_sample_buckets = "dateline.sample_buckets";

/// "1" when every article of the index in a near-duplicate group carries its group values
/// (k_slot_group_values): set when the index is created, by a build that writes them.
inline constexpr std::string_view k_meta_group_values = "dateline.group_values";

/// In every shard of an index sharded by year (`dateline-index --shard-by year`): the year of the articles
/// the shard holds ("2019"), or "undated" for the shard of articles without a date, which is created with the
/// index and listed first. An index whose first shard lacks it routes its articles by id.
inline constexpr std::string_view k_meta_shard_year = "dateline.shard_year";
/// The k_meta_shard_year value of the shard of undated articles.
inline constexpr std::string_view k_shard_year_undated = "undated";
/// How many commits changed the articles of the database (or shard): counted with k_meta_last_update.
inline constexpr std::string_view k_meta_writes = "dateline.writes";
/// In a shard compacted by `dateline-index compact`: its k_meta_writes when it was compacted, so that a
/// shard not written since (a past year's) is not compacted again.
inline constexpr std::string_view k_meta_compacted = "dateline.compacted";

/// The unique-id term of an article: "Q" + id, or, for ids too long for a Xapian term (over 239 bytes,
/// e.g. long URLs), "Q" + "h" + a 64-bit hash of the id. Every lookup by id goes through this.
std::string id_term(std::string_view id);

/// The origin term of an input file, from its absolute path: "XF" + path, or, for paths too long for a
/// Xapian term, "XF" + "h" + a 64-bit hash of the path (as id_term does).
std::string origin_term(std::string_view absolute_path);

/// The metadata key of a crawled URL's state: k_meta_crawl_prefix + URL, or the prefix + "h" + a 64-bit hash
/// of the URL for URLs too long for a key (the record holds the URL itself).
std::string crawl_key(std::string_view url);
/// The sample term of the articles of the group whose key is `id_term` (an article alone: its own id term):
/// "XK" + the bucket (two digits), the bucket taken
/// from the high half of common::fnv1a64(id_term) so that it does not follow the shard (the low half's modulo).
std::string sample_term(std::string_view id_term);
/// The sample term of bucket `bucket` (< k_sample_buckets).
std::string sample_bucket_term(std::size_t bucket);

/// The slots whose values group_values() records: the facets' (year, language, source, places, countries)
/// and the drill-downs' (month, day).
std::vector<Xapian::valueno> group_value_slots();
/// The k_slot_group_values value of `doc` in the group whose key is `key`: the key and the non-empty values
/// of group_value_slots(), each with its slot, length-prefixed.
std::string group_values(const Xapian::Document& doc, std::string_view key);
/// A group_values() value read back; nullopt when it is not one.
struct GroupValues {
    std::string key;
    std::vector<std::pair<Xapian::valueno, std::string>> values;
};
std::optional<GroupValues> parse_group_values(std::string_view value);

/// The place rank term of place `id` at `rank` (< k_place_slot_count) among an article's places.
std::string place_rank_term(std::size_t rank, std::string_view id);

// ---- Filter terms: the indexer writes them and the searcher looks for them through these builders only.
/// "L" + language code: lang_term("fr") = "Lfr".
std::string lang_term(std::string_view code);
/// Date terms of a day "YYYYMMDD", a month "YYYYMM" and a year "YYYY" ("D20240615", "M202406", "Y2024").
std::string day_term(std::string_view yyyymmdd);
std::string month_term(std::string_view yyyymm);
std::string year_term(std::string_view yyyy);
/// The stable id of a source (publisher) name as written anywhere (input, `source:`, `--source`, a facet
/// link): case and accents folded, a leading article dropped ("The", "Le", "La", "Les", "L'"), the words
/// joined without separators, cut to 200 bytes: "The Island Post", "ISLAND POST", "island-post" and
/// "islandpost" are all "islandpost"; "Le Quotidien de l'océan Indien" is "quotidiendeloceanindien".
/// Idempotent. Empty when the name has no letter or digit.
std::string source_id(std::string_view name);
/// The source terms of an article from `name`: "XSRC" + source_id(name), and, when a leading article was
/// dropped, "XSRC" + the words joined with it ("theislandpost"), so that `source:TheIslandPost` finds it too.
std::vector<std::string> source_terms(std::string_view name);
/// The filter of `source:NAME` (and of a facet link, whose NAME is an id): the article's id term, and the
/// term indexes written before source ids hold ("XSRC" + folded name).
Xapian::Query source_filter(std::string_view name);
/// The source slot value: id, U+001F, label (the name as the publisher writes it).
std::string source_value(std::string_view id, std::string_view label);
/// A source slot value read back. An index written before source ids holds the name alone: id and label are
/// then that name (source_filter() of it matches the terms of that index).
struct SourceValue {
    std::string id;
    std::string label;
};
SourceValue parse_source_value(std::string_view value);
/// A source label as a publisher writes its name ("The Island Post"), not a slug or a host ("islandpost",
/// "news.example.mu"): such a label wins over the others of its id, in a shard (when it is written) and
/// across shards (when facets are counted).
bool is_written_source_name(std::string_view label);
/// "XP" + place id, "XC" + country code, "XDL" + the dateline's place id.
std::string place_term(std::string_view id);
std::string country_term(std::string_view code);
std::string dateline_term(std::string_view id);

}  // namespace dateline::common::schema
