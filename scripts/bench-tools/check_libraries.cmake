# Refuses to build a bench tool against dateline libraries older than the headers they are built from: the
# tools compile against the source tree's headers, and a header edited since the library was built changes
# what the two agree on (a struct's layout), after which every measurement is silently wrong (seen: every
# known-item query at rank 0). Headers only: a program's own source (searcher/main.cpp) is not in a library.
# cmake -DDATELINE_SOURCE_DIR=... -DDATELINE_BUILD_DIR=... -P check_libraries.cmake
foreach(part common searcher)
  set(lib "${DATELINE_BUILD_DIR}/${part}/libdateline_${part}.a")
  if(NOT EXISTS "${lib}")
    continue()  # the link says so, for a tool that needs it
  endif()
  # common's library from common's headers; searcher's from common's and searcher's.
  file(GLOB_RECURSE sources "${DATELINE_SOURCE_DIR}/${part}/*.hpp" "${DATELINE_SOURCE_DIR}/${part}/*.h")
  if(part STREQUAL "searcher")
    file(GLOB_RECURSE headers "${DATELINE_SOURCE_DIR}/common/*.hpp" "${DATELINE_SOURCE_DIR}/common/*.h")
    list(APPEND sources ${headers})
  endif()
  file(TIMESTAMP "${lib}" lib_time "%Y%m%d%H%M%S" UTC)
  foreach(source IN LISTS sources)
    file(TIMESTAMP "${source}" source_time "%Y%m%d%H%M%S" UTC)
    if(source_time STRGREATER lib_time)
      message(FATAL_ERROR "${lib} is older than ${source}: bring the dateline build in ${DATELINE_BUILD_DIR} "
                          "up to date first (cmake --build ${DATELINE_BUILD_DIR} --target dateline-search)")
    endif()
  endforeach()
endforeach()
