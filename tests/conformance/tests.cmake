# The plugin conformance suite on the in-tree plugins, included by tests/CMakeLists.txt after it
# created ember_conformance_tests from tests/conformance/*_test.cpp (unit tests of the sample
# library and the comparisons).
#
#   conformance.cpu                   the CPU plugin conforms (kernels against float64 references)
#   conformance.sim                   the example sim plugin conforms (kernels against the CPU)
#   conformance.gloo / .mpi / .nccl   the comm plugins: collectives on 2 and 3 ranks (tier 4)
#   conformance.sim_wrong_add_fails   a sim built with add.out computing self - other: the suite
#                                     must exit non-zero and report add.out as FAIL
# Each run also writes JUnit XML next to the tests (conformance_<plugin>.xml).
target_link_libraries(ember_conformance_tests PRIVATE ember_op_samples)

add_test(NAME conformance.cpu
         COMMAND ember_conformance --plugin $<TARGET_FILE:ember_cpu> --junit ${CMAKE_CURRENT_BINARY_DIR}/conformance_cpu.xml)
set_tests_properties(conformance.cpu PROPERTIES TIMEOUT 300)

if(TARGET ember_sim)
  add_test(NAME conformance.sim
           COMMAND ember_conformance --plugin $<TARGET_FILE:ember_sim> --junit ${CMAKE_CURRENT_BINARY_DIR}/conformance_sim.xml)
  set_tests_properties(conformance.sim PROPERTIES TIMEOUT 120)

  # The broken variant: the example's sources with a fault compiled in (sim_kernels.cpp).
  include(${PROJECT_SOURCE_DIR}/examples/sim_plugin/sources.cmake)
  ember_add_plugin(sim_wrong_add SOURCES ${EMBER_SIM_PLUGIN_SOURCES} OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/plugins)
  target_compile_definitions(ember_sim_wrong_add PRIVATE EMBER_SIM_INJECT_WRONG_ADD)
  add_test(NAME conformance.sim_wrong_add_fails
           COMMAND ${CMAKE_COMMAND} -DTOOL=$<TARGET_FILE:ember_conformance> -DPLUGIN=$<TARGET_FILE:ember_sim_wrong_add>
                   -DJUNIT=${CMAKE_CURRENT_BINARY_DIR}/conformance_sim_wrong_add.xml
                   -P ${CMAKE_CURRENT_LIST_DIR}/expect_wrong_add_rejected.cmake)
  set_tests_properties(conformance.sim_wrong_add_fails PROPERTIES TIMEOUT 120)
endif()

# Comm plugins: tier 4 runs every collective on every dtype with 2 and 3 ranks (child processes;
# mpirun for mpi); nccl is reported as skipped without its device.
foreach(comm gloo mpi nccl)
  if(TARGET ember_${comm})
    add_test(NAME conformance.${comm}
             COMMAND ember_conformance --plugin $<TARGET_FILE:ember_${comm}> --junit ${CMAKE_CURRENT_BINARY_DIR}/conformance_${comm}.xml)
    set_tests_properties(conformance.${comm} PROPERTIES TIMEOUT 300)
  endif()
endforeach()
