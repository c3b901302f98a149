// Tests of the Unicode helpers: UTF-8 repair, Latin-1 decoding, folding, truncation.
#include "common/text.hpp"

#include <catch2/catch.hpp>

using namespace dateline::common;

TEST_CASE("valid UTF-8 is kept as it is", "[text]") {
    const auto r = repair_utf8("Corée du Nord");
    CHECK(r.text == "Corée du Nord");
    CHECK(r.replaced == 0);
    CHECK_FALSE(r.decoded_as_latin1);
}

TEST_CASE("Latin-1 bytes are decoded as Windows-1252", "[text]") {
    const std::string latin1 = "Cor\xe9" "e du Nord, l'arm\xe9" "e";
    const auto r = repair_utf8(latin1);
    CHECK(r.decoded_as_latin1);
    CHECK(r.text == "Corée du Nord, l'armée");
}

TEST_CASE("invalid sequences in UTF-8 text become U+FFFD", "[text]") {
    const std::string bad = "Corée \xff\xfe du Nord éé";
    const auto r = repair_utf8(bad);
    CHECK_FALSE(r.decoded_as_latin1);
    CHECK(r.replaced == 2);
    CHECK(is_valid_utf8(r.text));
}

TEST_CASE("validity checks reject overlongs and surrogates", "[text]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain"));
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));
    CHECK_FALSE(is_valid_utf8("\xe2\x82"));
}

TEST_CASE("case and accent folding", "[text]") {
    CHECK(fold_case("ÉTATS-UNIS") == "états-unis");
    CHECK(fold_for_match("Réunion") == "reunion");
    CHECK(fold_for_match("Œuvre") == "oeuvre");
    CHECK(fold_for_match("São Tomé") == "sao tome");
    CHECK(fold_for_match("e\u0301conomie") == "economie");  // decomposed input
    CHECK(to_nfc("e\u0301") == "\u00e9");
}

TEST_CASE("truncation never cuts a code point", "[text]") {
    CHECK(truncate_utf8("Corée", 4) == "Cor");
    CHECK(truncate_utf8("Corée", 5) == "Coré");
    CHECK(truncate_utf8("abc", 10) == "abc");
}
