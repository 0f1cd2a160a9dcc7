# Test builds: every fuzz target replays its seed corpus under ctest (tests/CMakeLists.txt
# includes this file for the tests/fuzz directory).
if(NOT EMBER_BUILD_FUZZERS)
  include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
endif()
