# Installation: `cmake --install build --prefix P` gives an SDK prefix for find_package(ember):
#   P/lib/libember.so, P/lib/ember/plugins/libember_*.so, P/bin/ember, P/bin/ember-conformance,
#   P/include/ember/... (core headers, umbrella <ember/ember.h>), P/include/ember/plugin_abi.h,
#   P/include/ember/sdk/... (plugin SDK), P/lib/cmake/ember/ (package config).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Exported as ember::ember and ember::plugin_sdk, the names the in-tree aliases use, so that
# ember_add_plugin() (which links ember::plugin_sdk) works the same in and out of tree.
set_target_properties(ember_plugin_sdk PROPERTIES EXPORT_NAME plugin_sdk)
install(TARGETS ember ember_plugin_sdk EXPORT emberTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ember_cpu LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/ember/plugins)
# The tools find libember next to them in any prefix, not only in the system's library path.
set_target_properties(ember_cli ember_conformance PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
install(TARGETS ember_cli ember_conformance RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(dir core dispatcher registry ops autograd nn data script distributed)
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember/${dir}
    FILES_MATCHING PATTERN "*.h" PATTERN "sdk" EXCLUDE)
endforeach()
install(FILES include/ember/ember.h include/ember/torch_compat.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember)
install(DIRECTORY ${EMBER_GEN_DIR}/generated/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember/generated
  FILES_MATCHING PATTERN "*.h")
install(DIRECTORY registry/sdk/include/ember/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember)
install(DIRECTORY ${EMBER_GEN_DIR}/sdk/ember/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember)
install(FILES cmake/EmberPluginFunctions.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ember)

install(EXPORT emberTargets NAMESPACE ember:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ember)
configure_package_config_file(cmake/emberConfig.cmake.in ${PROJECT_BINARY_DIR}/emberConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ember)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/emberConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/emberConfig.cmake ${PROJECT_BINARY_DIR}/emberConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ember)
