# One INTERFACE target carrying the project's warning and sanitizer flags; every target links it.
add_library(dateline_warnings INTERFACE)
target_compile_options(dateline_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports false -Wrestrict warnings inside std::string concatenation ("h" + std::string) at -O2
# (GCC bug 105651, fixed in 13): with DATELINE_WERROR they failed the Release build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(dateline_warnings INTERFACE -Wno-restrict)
endif()
if(DATELINE_WERROR)
  target_compile_options(dateline_warnings INTERFACE -Werror)
endif()
# GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(dateline_warnings INTERFACE -Wno-restrict)
endif()
if(DATELINE_SANITIZE)
  target_compile_options(dateline_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(dateline_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(DATELINE_TSAN)
  if(DATELINE_SANITIZE)
    message(FATAL_ERROR "DATELINE_TSAN and DATELINE_SANITIZE cannot be combined (ThreadSanitizer excludes AddressSanitizer)")
  endif()
  target_compile_options(dateline_warnings INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(dateline_warnings INTERFACE -fsanitize=thread)
endif()
if(DATELINE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DATELINE_FUZZ needs clang (libFuzzer): CXX=clang++-14 (scripts/fuzz does it)")
  endif()
  # Everything is instrumented for coverage and checked; the fuzz programs alone link libFuzzer's main.
  target_compile_options(dateline_warnings INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(dateline_warnings INTERFACE -fsanitize=address,undefined)
endif()
