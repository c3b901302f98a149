# One INTERFACE target carrying the project's warning and sanitizer flags; every target links it.
add_library(dateline_warnings INTERFACE)
target_compile_options(dateline_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough)
if(DATELINE_WERROR)
  target_compile_options(dateline_warnings INTERFACE -Werror)
endif()
if(DATELINE_SANITIZE)
  target_compile_options(dateline_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(dateline_warnings INTERFACE -fsanitize=address,undefined)
endif()
