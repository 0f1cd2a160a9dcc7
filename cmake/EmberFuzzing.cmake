# Fuzz targets (tests/fuzz/, docs/RELIABILITY.md).
#
# Each target defines LLVMFuzzerTestOneInput. With -DEMBER_BUILD_FUZZERS=ON (clang only; `make fuzz`
# configures it with ASan + UBSan) the whole tree gets libFuzzer's coverage instrumentation and
# each target links libFuzzer: build target `ember_fuzzers`, binaries bin/fuzz_<name>. In every
# ordinary test build the same sources link a replay main instead, and ctest runs each target
# over its seed corpus (tests/fuzz/corpus/<name>/ and the folders tests/fuzz/extra_seeds.txt names
# for it), so seeds and saved crash inputs stay tested
# with gcc too.
option(EMBER_BUILD_FUZZERS "Build the libFuzzer targets (clang)" OFF)

if(EMBER_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ember: EMBER_BUILD_FUZZERS needs clang (libFuzzer); configure with CMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_custom_target(ember_fuzzers)
endif()

# ember_add_fuzz_target(<name> SOURCES <files...> LIBS <targets...> [DEPENDS <targets...>])
# -> executable fuzz_<name>; ctest fuzz_corpus.<name> in test builds.
function(ember_add_fuzz_target name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;DEPENDS" ${ARGN})
  set(target fuzz_${name})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests/fuzz)
  if(ARG_DEPENDS)
    add_dependencies(${target} ${ARG_DEPENDS})
  endif()
  if(EMBER_BUILD_FUZZERS)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    add_dependencies(ember_fuzzers ${target})
  else()
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    # Seed folders kept elsewhere for this target (tests/fuzz/extra_seeds.txt).
    set(seed_dirs ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
    file(STRINGS ${PROJECT_SOURCE_DIR}/tests/fuzz/extra_seeds.txt seed_lines REGEX "^${name} ")
    foreach(line ${seed_lines})
      string(REGEX REPLACE "^${name} +" "" dir "${line}")
      list(APPEND seed_dirs ${PROJECT_SOURCE_DIR}/${dir})
    endforeach()
    add_test(NAME fuzz_corpus.${name} COMMAND ${target} ${seed_dirs})
    set_tests_properties(fuzz_corpus.${name} PROPERTIES TIMEOUT 300)
  endif()
endfunction()
