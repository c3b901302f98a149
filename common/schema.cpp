// Schema helpers: the terms built from values (id, place rank, filters).
#include "schema.hpp"

#include "hash.hpp"
#include "text.hpp"

#include <cstdio>

namespace dateline::common::schema {

namespace {
/// `prefix` + `value`, or `prefix` + "h" + a hash of `value` when that is too long for a Xapian term.
std::string unique_term(std::string_view prefix, std::string_view value) {
    std::string term = std::string(prefix) + std::string(value);
    if (term.size() <= 240) return term;
    const std::uint64_t h = fnv1a64(value);
    char buf[24];
    std::snprintf(buf, sizeof buf, "h%016llx", static_cast<unsigned long long>(h));
    return std::string(prefix) + buf;
}
}  // namespace

std::string id_term(std::string_view id) { return unique_term(k_prefix_id, id); }

std::string origin_term(std::string_view absolute_path) { return unique_term(k_prefix_origin, absolute_path); }

std::string crawl_key(std::string_view url) { return unique_term(k_meta_crawl_prefix, url); }
std::string sample_bucket_term(std::size_t bucket) {
    char digits[8];
    std::snprintf(digits, sizeof digits, "%02zu", bucket % k_sample_buckets);
    return std::string(k_prefix_sample) + digits;
}

std::string sample_term(std::string_view id_term) {
    return sample_bucket_term(static_cast<std::size_t>((fnv1a64(id_term) >> 32) % k_sample_buckets));
}

static_assert(k_slot_country_first + k_country_slot_count < 256, "group_values() writes a slot in one byte");

std::vector<Xapian::valueno> group_value_slots() {
    std::vector<Xapian::valueno> slots{k_slot_year, k_slot_month, k_slot_day, k_slot_lang, k_slot_source};
    for (std::size_t k = 0; k < k_place_slot_count; ++k) slots.push_back(k_slot_place_first + static_cast<Xapian::valueno>(k));
    for (std::size_t k = 0; k < k_country_slot_count; ++k) slots.push_back(k_slot_country_first + static_cast<Xapian::valueno>(k));
    return slots;
}

namespace {
void put_length(std::string& out, std::size_t n) {
    // 7 bits a byte, low first; the high bit says another byte follows.
    while (n >= 0x80) {
        out += static_cast<char>(0x80 | (n & 0x7f));
        n >>= 7;
    }
    out += static_cast<char>(n);
}

std::optional<std::string_view> get_string(std::string_view& in) {
    std::size_t n = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (in.empty() || shift > 28) return std::nullopt;
        const auto b = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        n |= static_cast<std::size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) break;
    }
    if (n > in.size()) return std::nullopt;
    const std::string_view s = in.substr(0, n);
    in.remove_prefix(n);
    return s;
}
}  // namespace

std::string group_values(const Xapian::Document& doc, std::string_view key) {
    std::string out;
    put_length(out, key.size());
    out += key;
    for (const Xapian::valueno slot : group_value_slots()) {
        const std::string value = doc.get_value(slot);
        if (value.empty()) continue;
        out += static_cast<char>(slot);
        put_length(out, value.size());
        out += value;
    }
    return out;
}

std::optional<GroupValues> parse_group_values(std::string_view value) {
    GroupValues out;
    const auto key = get_string(value);
    if (!key || key->empty()) return std::nullopt;
    out.key = std::string(*key);
    while (!value.empty()) {
        const auto slot = static_cast<Xapian::valueno>(static_cast<unsigned char>(value.front()));
        value.remove_prefix(1);
        const auto v = get_string(value);
        if (!v) return std::nullopt;
        out.values.emplace_back(slot, std::string(*v));
    }
    return out;
}

std::string place_rank_term(std::size_t rank, std::string_view id) {
    std::string term(k_prefix_place_rank);
    term += static_cast<char>('0' + rank);
    term += id;
    return term;
}

namespace {
std::string prefixed(std::string_view prefix, std::string_view value) {
    std::string term(prefix);
    term += value;
    return term;
}
}  // namespace

std::string lang_term(std::string_view code) { return prefixed(k_prefix_lang, code); }

std::string day_term(std::string_view yyyymmdd) { return prefixed(k_prefix_day, yyyymmdd.substr(0, 8)); }

std::string month_term(std::string_view yyyymm) { return prefixed(k_prefix_month, yyyymm.substr(0, 6)); }

std::string year_term(std::string_view yyyy) { return prefixed(k_prefix_year, yyyy.substr(0, 4)); }

namespace {
constexpr std::size_t k_max_source_id_bytes = 200;
constexpr char k_source_value_separator = '\x1f';

/// The folded words of a source name: runs of ASCII letters and digits and of non-ASCII characters (letters
/// of other scripts; accents are folded away before), split at everything else ("l'océan" → "l", "ocean").
std::vector<std::string> source_words(std::string_view name) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : fold_for_match(name)) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

bool is_leading_article(std::string_view word) { return word == "the" || word == "le" || word == "la" || word == "les" || word == "l"; }

std::string joined(const std::vector<std::string>& words, std::size_t from) {
    std::string out;
    for (std::size_t k = from; k < words.size(); ++k) out += words[k];
    return std::string(truncate_utf8(out, k_max_source_id_bytes));
}

/// The legacy source term: "XSRC" + the folded name, as indexes written before source ids hold it.
std::string legacy_source_term(std::string_view name) {
    return prefixed(k_prefix_source, truncate_utf8(fold_for_match(name), k_max_source_id_bytes));
}
}  // namespace

std::string source_id(std::string_view name) {
    const std::vector<std::string> words = source_words(name);
    const std::size_t from = words.size() > 1 && is_leading_article(words.front()) ? 1 : 0;
    return joined(words, from);
}

std::vector<std::string> source_terms(std::string_view name) {
    std::vector<std::string> terms;
    const std::string id = source_id(name);
    if (id.empty()) return terms;
    terms.push_back(prefixed(k_prefix_source, id));
    const std::string whole = joined(source_words(name), 0);
    if (whole != id) terms.push_back(prefixed(k_prefix_source, whole));
    return terms;
}

Xapian::Query source_filter(std::string_view name) {
    const std::string id = source_id(name);
    const std::string legacy = legacy_source_term(name);
    if (id.empty() || prefixed(k_prefix_source, id) == legacy) return Xapian::Query(legacy);
    return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(prefixed(k_prefix_source, id)), Xapian::Query(legacy));
}

std::string source_value(std::string_view id, std::string_view label) {
    std::string value(id);
    value += k_source_value_separator;
    value += label;
    return value;
}

bool is_written_source_name(std::string_view label) {
    return label != ascii_lower(label) || label.find(' ') != std::string_view::npos;
}

SourceValue parse_source_value(std::string_view value) {
    const auto separator = value.find(k_source_value_separator);
    if (separator == std::string_view::npos) return {std::string(value), std::string(value)};
    return {std::string(value.substr(0, separator)), std::string(value.substr(separator + 1))};
}

std::string place_term(std::string_view id) { return prefixed(k_prefix_place, id); }

std::string country_term(std::string_view code) { return prefixed(k_prefix_country, code); }

std::string dateline_term(std::string_view id) { return prefixed(k_prefix_dateline, id); }

}  // namespace dateline::common::schema
