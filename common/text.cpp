// ICU-backed Unicode helpers: validation, repair, normalization and folding of UTF-8 text.
#include "text.hpp"

#include "errors.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>

namespace dateline::common {
namespace {

const icu::Normalizer2& nfc_normalizer() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status) || n == nullptr) {
        throw EnvironmentError(std::string("ICU NFC normalizer unavailable: ") + u_errorName(status));
    }
    return *n;
}

const icu::Normalizer2& nfd_normalizer() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status) || n == nullptr) {
        throw EnvironmentError(std::string("ICU NFD normalizer unavailable: ") + u_errorName(status));
    }
    return *n;
}

std::string to_utf8(const icu::UnicodeString& s) {
    std::string out;
    s.toUTF8String(out);
    return out;
}

void append_utf8(std::string& out, UChar32 c) {
    char buf[U8_MAX_LENGTH];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(buf, len, U8_MAX_LENGTH, c, error);
    if (!error) out.append(buf, static_cast<std::size_t>(len));
}

}  // namespace

bool is_ascii(std::string_view s) noexcept {
    for (unsigned char c : s) {
        if (c >= 0x80) return false;
    }
    return true;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

bool is_valid_utf8(std::string_view bytes) {
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    const auto n = static_cast<int32_t>(bytes.size());
    int32_t i = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) return false;
    }
    return true;
}

Utf8Repair repair_utf8(std::string_view bytes) {
    Utf8Repair result;
    if (is_valid_utf8(bytes)) {
        result.text.assign(bytes);
        return result;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    const auto n = static_cast<int32_t>(bytes.size());
    // Count how many non-ASCII sequences are valid: a Latin-1 file has almost none.
    std::size_t valid_multibyte = 0;
    std::size_t invalid = 0;
    for (int32_t i = 0; i < n;) {
        const int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) {
            ++invalid;
        } else if (i - start > 1) {
            ++valid_multibyte;
        }
    }
    if (invalid > 0 && valid_multibyte * 10 < invalid) {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString decoded(bytes.data(), static_cast<int32_t>(bytes.size()), "windows-1252");
        (void)status;
        if (!decoded.isBogus()) {
            result.text = to_utf8(decoded);
            result.decoded_as_latin1 = true;
            return result;
        }
    }
    result.text.reserve(bytes.size());
    for (int32_t i = 0; i < n;) {
        const int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) {
            append_utf8(result.text, 0xFFFD);
            ++result.replaced;
        } else {
            result.text.append(bytes.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
        }
    }
    return result;
}

std::string to_nfc(std::string_view utf8) {
    const icu::Normalizer2& nfc = nfc_normalizer();
    const auto src = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    UErrorCode status = U_ZERO_ERROR;
    if (nfc.isNormalized(src, status) && U_SUCCESS(status)) return std::string(utf8);
    status = U_ZERO_ERROR;
    const icu::UnicodeString out = nfc.normalize(src, status);
    if (U_FAILURE(status)) throw EnvironmentError(std::string("ICU normalization failed: ") + u_errorName(status));
    return to_utf8(out);
}

std::string fold_case(std::string_view utf8) {
    if (is_ascii(utf8)) {
        // ASCII-only text: Unicode case folding of A-Z is exactly a-z, no ICU round trip needed.
        return ascii_lower(utf8);
    }
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    s.foldCase(U_FOLD_CASE_DEFAULT);
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString out = nfc_normalizer().normalize(s, status);
    if (U_FAILURE(status)) throw EnvironmentError(std::string("ICU normalization failed: ") + u_errorName(status));
    return to_utf8(out);
}

std::string fold_accents(std::string_view lower_utf8) {
    if (is_ascii(lower_utf8)) return std::string(lower_utf8);
    const icu::Normalizer2& nfd = nfd_normalizer();
    const auto* p = reinterpret_cast<const uint8_t*>(lower_utf8.data());
    const auto n = static_cast<int32_t>(lower_utf8.size());
    std::string out;
    out.reserve(lower_utf8.size());
    icu::UnicodeString decomposition;
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) continue;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            continue;
        }
        switch (c) {  // Ligatures have no canonical decomposition; news text spells them out when folded.
            case 0x0153: out += "oe"; continue;  // œ
            case 0x0152: out += "OE"; continue;  // Œ
            case 0x00E6: out += "ae"; continue;  // æ
            case 0x00C6: out += "AE"; continue;  // Æ
            default: break;
        }
        if (nfd.getDecomposition(c, decomposition)) {
            for (int32_t j = 0; j < decomposition.length();) {
                const UChar32 d = decomposition.char32At(j);
                j += U16_LENGTH(d);
                if (u_getCombiningClass(d) == 0 && u_charType(d) != U_NON_SPACING_MARK) append_utf8(out, d);
            }
        } else if (u_charType(c) != U_NON_SPACING_MARK) {
            append_utf8(out, c);
        }
    }
    return out;
}

std::string fold_for_match(std::string_view utf8) { return fold_accents(fold_case(utf8)); }

std::string_view truncate_utf8(std::string_view utf8, std::size_t max_bytes) noexcept {
    if (utf8.size() <= max_bytes) return utf8;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80) --cut;
    return utf8.substr(0, cut);
}

void append_html_escaped(std::string& out, char c) {
    switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
    }
}

}  // namespace dateline::common
