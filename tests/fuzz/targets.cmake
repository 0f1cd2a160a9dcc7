# The fuzz targets (see cmake/EmberFuzzing.cmake for how they are built and run). Included by
# tests/fuzz/tests.cmake in test builds and by the top-level CMakeLists.txt in fuzzing builds.
ember_add_fuzz_target(config SOURCES ${CMAKE_CURRENT_LIST_DIR}/config_fuzzer.cpp LIBS ember::ember)
ember_add_fuzz_target(schema SOURCES ${CMAKE_CURRENT_LIST_DIR}/schema_fuzzer.cpp LIBS ember::ember)
ember_add_fuzz_target(ops_yaml SOURCES ${CMAKE_CURRENT_LIST_DIR}/ops_yaml_fuzzer.cpp LIBS ember_codegen_core)
ember_add_fuzz_target(plugin_file SOURCES ${CMAKE_CURRENT_LIST_DIR}/plugin_file_fuzzer.cpp LIBS ember::ember)
ember_add_fuzz_target(plugin_table SOURCES ${CMAKE_CURRENT_LIST_DIR}/plugin_table_fuzzer.cpp LIBS ember::ember
                      DEPENDS ember_cpu)
ember_add_fuzz_target(tensor_api SOURCES ${CMAKE_CURRENT_LIST_DIR}/tensor_api_fuzzer.cpp LIBS ember::ember
                      DEPENDS ember_cpu)
ember_add_fuzz_target(script SOURCES ${CMAKE_CURRENT_LIST_DIR}/script_fuzzer.cpp LIBS ember::ember
                      DEPENDS ember_cpu)
ember_add_fuzz_target(archive SOURCES ${CMAKE_CURRENT_LIST_DIR}/archive_fuzzer.cpp LIBS ember::ember
                      DEPENDS ember_cpu)
