# Plugin tests, included by tests/CMakeLists.txt after it created ember_plugins_tests from
# tests/plugins/*_test.cpp. The CPU kernel tests call libember_cpu.so directly through a fake host
# (plugin_test_support.cpp), so they need no core; the SDK test plugin exercises the SDK itself.
# When libtorch is installed, cpu_torch_parity.cpp also compares every kernel family with PyTorch.
ember_add_plugin(sdk_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sdk_test_plugin.cpp
                 OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/plugins)
target_sources(ember_plugins_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/plugin_test_support.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fake_host_dims.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cpu_kernel_harness.cpp)
target_include_directories(ember_plugins_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../../registry/sdk/include
                           ${EMBER_GEN_DIR}/sdk)
target_compile_definitions(ember_plugins_tests PRIVATE
  EMBER_CPU_PLUGIN_PATH="$<TARGET_FILE:ember_cpu>"
  EMBER_SDK_TEST_PLUGIN_PATH="$<TARGET_FILE:ember_sdk_test>")
target_link_libraries(ember_plugins_tests PRIVATE ${CMAKE_DL_LIBS})
add_dependencies(ember_plugins_tests ember_cpu ember_sdk_test)

find_package(Torch QUIET PATHS /usr/lib/x86_64-linux-gnu/cmake/Torch)
if(Torch_FOUND)
  add_executable(ember_cpu_torch_parity
    ${CMAKE_CURRENT_LIST_DIR}/cpu_torch_parity.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cpu_torch_parity_backward.cpp
    ${CMAKE_CURRENT_LIST_DIR}/plugin_test_support.cpp
    ${CMAKE_CURRENT_LIST_DIR}/fake_host_dims.cpp)
  target_include_directories(ember_cpu_torch_parity PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../../registry/sdk/include
                             ${EMBER_GEN_DIR}/sdk)
  add_dependencies(ember_cpu_torch_parity ember_generated)
  target_compile_definitions(ember_cpu_torch_parity PRIVATE EMBER_CPU_PLUGIN_PATH="$<TARGET_FILE:ember_cpu>")
  target_link_libraries(ember_cpu_torch_parity PRIVATE ${TORCH_LIBRARIES} GTest::gtest GTest::gtest_main ${CMAKE_DL_LIBS})
  add_dependencies(ember_cpu_torch_parity ember_cpu)
  gtest_discover_tests(ember_cpu_torch_parity DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endif()
