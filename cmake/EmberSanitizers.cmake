# Sanitizer builds: -DEMBER_SANITIZE=address,undefined (ASan + UBSan + LeakSanitizer) or
# -DEMBER_SANITIZE=thread (TSan), for the whole tree: libember, plugins, tests, tools.
# `make check-sanitize` and `make check-tsan` configure them with clang 14 (docs/RELIABILITY.md).
#
# What this changes besides the flags:
#   - UBSan does not recover (-fno-sanitize-recover=undefined): the first report fails the test.
#   - Plugins keep undefined symbols: a sanitized MODULE refers to the sanitizer runtime that the
#     executable carries, so ember_add_plugin drops -Wl,--no-undefined (EMBER_PLUGIN_ALLOW_UNDEFINED).
#   - Under TSan the CPU plugin is built without OpenMP (EMBER_CPU_OPENMP=OFF) and uses its own
#     std::thread pool, which TSan sees: libgomp is not TSan-instrumented, so its barriers would
#     look like races. oneDNN (linked to libgomp by Debian) is run single-threaded through
#     OMP_NUM_THREADS=1 in check-tsan.
#   - Code is built at -O1 with line tables, which keeps stack traces exact and builds fast.
set(EMBER_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address,undefined | thread (empty: none)")
option(EMBER_CPU_OPENMP "Run the CPU plugin's parallel loops on OpenMP (else on its own thread pool)" ON)
set(EMBER_PLUGIN_ALLOW_UNDEFINED OFF)

if(EMBER_SANITIZE)
  string(REPLACE "," ";" ember_sanitizers "${EMBER_SANITIZE}")
  foreach(s ${ember_sanitizers})
    if(NOT s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "ember: EMBER_SANITIZE lists '${s}'; supported: address, undefined, leak, thread")
    endif()
  endforeach()
  if("thread" IN_LIST ember_sanitizers AND ("address" IN_LIST ember_sanitizers OR "leak" IN_LIST ember_sanitizers))
    message(FATAL_ERROR "ember: ThreadSanitizer cannot be combined with AddressSanitizer or LeakSanitizer")
  endif()
  string(REPLACE ";" "," ember_sanitize_list "${ember_sanitizers}")
  set(ember_sanitize_flags -fsanitize=${ember_sanitize_list} -fno-omit-frame-pointer)
  if("undefined" IN_LIST ember_sanitizers)
    list(APPEND ember_sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set(ember_sanitize_debug -gline-tables-only)
  else()
    set(ember_sanitize_debug -g1)
  endif()
  add_compile_options(${ember_sanitize_flags} -O1 ${ember_sanitize_debug})
  add_link_options(${ember_sanitize_flags})
  set(EMBER_PLUGIN_ALLOW_UNDEFINED ON)
  if("thread" IN_LIST ember_sanitizers)
    set(EMBER_CPU_OPENMP OFF CACHE BOOL "" FORCE)
  endif()
  message(STATUS "ember: sanitizers ${ember_sanitize_list}")
endif()
