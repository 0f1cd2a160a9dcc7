# The examples, end to end (included by tests/CMakeLists.txt).
#
#   examples.out_of_tree   what a user and a vendor do with an installed ember: `cmake --install`
#                          this build into a temporary prefix; configure and build
#                          examples/sim_plugin and examples/app against it only (find_package(ember),
#                          CMAKE_PREFIX_PATH); run the app on cpu and on the sim device with an
#                          EMBER_CONFIG that loads the freshly built plugin by path; run the
#                          installed ember-conformance on it (out_of_tree.cmake). It installs every
#                          installed target, so run it after a full build; ~10 s on two cores.
#   examples.custom_op, examples.app_*, examples.ember_demo
#                          the in-tree builds of the examples and `ember demo`.
if(TARGET ember_sim)
  add_test(NAME examples.out_of_tree
           COMMAND ${CMAKE_COMMAND}
                   -DEMBER_BUILD_DIR=${PROJECT_BINARY_DIR}
                   -DEMBER_SOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/examples_out_of_tree
                   -DGENERATOR=${CMAKE_GENERATOR}
                   -DCCACHE=${CCACHE_PROGRAM}
                   -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
                   "-DSANITIZE_FLAGS=${ember_sanitize_flags}"
                   -P ${CMAKE_CURRENT_LIST_DIR}/out_of_tree.cmake)
  set_tests_properties(examples.out_of_tree PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
endif()

# The in-tree builds of the examples and `ember demo` (what `make demo` shows), with the
# built-in configuration (cpu, and sim from the default plugin directory).
if(TARGET ember_example_custom_op AND TARGET ember_sim)
  # Exits non-zero unless the missing-kernel error appears on sim and the Composite kernel
  # then gives the cpu kernel's values there.
  add_test(NAME examples.custom_op COMMAND ember_example_custom_op)
  add_test(NAME examples.app_cpu COMMAND ember_example_app cpu)
  # sim lacks mm and sum kernels: the app runs them through the CPU fallback the config asks for.
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/examples_sim_fallback.yaml
       "plugins:\n  - name: cpu\n  - name: sim\ndevices:\n  sim: {fallback: cpu}\n")
  add_test(NAME examples.app_sim_with_cpu_fallback COMMAND ember_example_app sim)
  set_tests_properties(examples.app_sim_with_cpu_fallback PROPERTIES
                       ENVIRONMENT EMBER_CONFIG=${CMAKE_CURRENT_BINARY_DIR}/examples_sim_fallback.yaml)
  add_test(NAME examples.ember_demo COMMAND ember_cli demo)
  set_tests_properties(examples.ember_demo PROPERTIES
                       PASS_REGULAR_EXPRESSION "cpu and sim agree: max \\|cpu - sim\\| = 0"
                       FAIL_REGULAR_EXPRESSION "DISAGREE|error")
endif()
