# The sim plugin's sources, shared by the out-of-tree build (CMakeLists.txt), the in-tree build
# (intree.cmake) and the conformance suite's deliberately broken variant (tests/conformance).
set(EMBER_SIM_PLUGIN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/sim_plugin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_device.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_kernels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_streams.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_async.cpp)
