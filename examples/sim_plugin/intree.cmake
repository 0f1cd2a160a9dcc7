# In-tree build of the sim plugin (included by examples/CMakeLists.txt): the same sources as the
# out-of-tree build, into the default plugin directory (build/lib/ember/plugins), where the
# embedded default configuration loads `sim` as an optional plugin.
include(${CMAKE_CURRENT_LIST_DIR}/sources.cmake)
ember_add_plugin(sim SOURCES ${EMBER_SIM_PLUGIN_SOURCES})
