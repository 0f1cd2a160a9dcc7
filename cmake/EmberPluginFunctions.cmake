# ember_add_plugin(<name> SOURCES <files...>)
#
# Builds libember_<name>.so as a MODULE against the plugin SDK only, with hidden symbols so that
# the one exported entry point is all the core sees, and with no undefined symbols allowed (a
# missing dependency fails at link time, not at load time). Used in-tree and, through the
# installed emberConfig.cmake, by out-of-tree vendor plugins. A sanitizer build sets
# EMBER_PLUGIN_ALLOW_UNDEFINED (cmake/EmberSanitizers.cmake): its plugins refer to the sanitizer
# runtime that the executable carries, so they cannot be linked with --no-undefined.
function(ember_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  set(target ember_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME ember_${name}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED EMBER_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${EMBER_PLUGIN_OUTPUT_DIR})
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
  target_link_libraries(${target} PRIVATE ember::plugin_sdk)
  if(NOT EMBER_PLUGIN_ALLOW_UNDEFINED)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
endfunction()
