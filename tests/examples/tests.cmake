# End to end: what a user and a vendor do with an installed ember (included by tests/CMakeLists.txt).
#
#   examples.out_of_tree   `cmake --install` this build into a temporary prefix; configure and build
#                          examples/sim_plugin and examples/app against it (find_package(ember),
#                          CMAKE_PREFIX_PATH); run the app on cpu and on the sim device with an
#                          EMBER_CONFIG that loads the freshly built sim plugin by path; run the
#                          installed ember-conformance on that plugin. See out_of_tree.cmake.
#
# It needs the whole build (the install step installs every target), so it depends on nothing
# in particular and runs after `cmake --build`; it takes under a minute on two cores.
if(TARGET ember_sim)
  add_test(NAME examples.out_of_tree
           COMMAND ${CMAKE_COMMAND}
                   -DEMBER_BUILD_DIR=${PROJECT_BINARY_DIR}
                   -DEMBER_SOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/examples_out_of_tree
                   -DGENERATOR=${CMAKE_GENERATOR}
                   -DCCACHE=${CCACHE_PROGRAM}
                   -P ${CMAKE_CURRENT_LIST_DIR}/out_of_tree.cmake)
  set_tests_properties(examples.out_of_tree PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
endif()
