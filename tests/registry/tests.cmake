# Helper plugins for the registry tests (tests/registry/broken_plugins/), included by
# tests/CMakeLists.txt after it created ember_registry_tests from tests/registry/*_test.cpp.
#
# Each one breaks one rule of the plugin ABI (or misbehaves at run time) and uses only the C ABI
# header. They are built as libember_regtest_<name>.so into EMBER_TEST_PLUGIN_DIR (the tests get
# that directory as a compile definition and load the plugins by path), away from the default
# plugin directory so that nothing loads them by accident.
set(ember_registry_test_plugin_dir ${CMAKE_CURRENT_BINARY_DIR}/plugins)

function(ember_add_registry_test_plugin name source)
  ember_add_plugin(regtest_${name}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/broken_plugins/${source}
    OUTPUT_DIRECTORY ${ember_registry_test_plugin_dir})
  add_dependencies(ember_registry_tests ember_regtest_${name})
endfunction()

foreach(plugin no_entry abi_major_99 refuses_host truncated_table init_fails init_throws unknown_op
               misbehaving_kernels fake_cpu fallback_device call_context_kernels)
  ember_add_registry_test_plugin(${plugin} ${plugin}.cpp)
endforeach()
# A 1.x plugin: one that returns its old table, one that refuses the 2.0 host as the 1.0 SDK did.
ember_add_registry_test_plugin(abi_1x abi_1x.cpp)
ember_add_registry_test_plugin(abi_1x_refuses abi_1x.cpp)
target_compile_definitions(ember_regtest_abi_1x_refuses PRIVATE REFUSES)
# One source, two plugins: the second claims the kernel the first registered.
ember_add_registry_test_plugin(claims_first claims_kernel.cpp)
target_compile_definitions(ember_regtest_claims_first PRIVATE CLAIMS_FIRST)
ember_add_registry_test_plugin(claims_second claims_kernel.cpp)
# A well-formed plugin whose dependency the dynamic loader cannot find: its library is built in a
# directory no search path or RPATH names, so dlopen fails with its own message.
add_library(ember_regtest_gone SHARED ${CMAKE_CURRENT_LIST_DIR}/broken_plugins/gone_dependency.cpp)
set_target_properties(ember_regtest_gone PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/unlisted_libs OUTPUT_NAME ember_regtest_gone)
ember_add_registry_test_plugin(missing_dependency missing_dependency.cpp)
target_link_libraries(ember_regtest_missing_dependency PRIVATE ember_regtest_gone)
set_target_properties(ember_regtest_missing_dependency PROPERTIES SKIP_BUILD_RPATH ON)
