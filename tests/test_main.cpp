// The Catch2 main shared by every test binary.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

int main(int argc, char* argv[]) {
    // Queries are translated with the small word table of tests/data, as CTest sets it: a test binary run by
    // hand gets the same (not data/translations.tsv, which scripts/setup --dictionaries makes from packages).
    ::setenv("DATELINE_TRANSLATIONS", DATELINE_TEST_TRANSLATIONS, 0);
    return Catch::Session().run(argc, argv);
}
