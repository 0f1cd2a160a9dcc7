# CUDA plugin tests.
#   ember_cuda_tests (tests/cuda/*_test.cpp): the plugin through ember's API on a GPU; every test
#     skips with a message where no CUDA device is usable (CI), so they build and run everywhere.
#   ember_cuda_nvrtc_tests (nvrtc_sources.cpp): compiles every kernel source with NVRTC for
#     EMBER_CUDA_ARCHITECTURES. Needs no GPU, so CI checks the kernels' CUDA code too. Built
#     only when the plugin is (a CUDA toolkit was found).
if(TARGET ember_cuda_jit)
  add_executable(ember_cuda_nvrtc_tests ${CMAKE_CURRENT_LIST_DIR}/nvrtc_sources.cpp)
  target_link_libraries(ember_cuda_nvrtc_tests PRIVATE ember_cuda_jit GTest::gtest GTest::gtest_main)
  target_compile_definitions(ember_cuda_nvrtc_tests PRIVATE
    EMBER_CUDA_TEST_ARCHITECTURES="${EMBER_CUDA_ARCHITECTURES}")
  gtest_discover_tests(ember_cuda_nvrtc_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endif()
if(TARGET ember_cuda_tests AND TARGET ember_cuda)
  add_dependencies(ember_cuda_tests ember_cuda)
endif()
