# The CPU plugin's vector kernels come in one table per instruction set, picked at run time
# (plugins/cpu/vec/isa.h). These entries run the op tests, the plugin kernel tests, the torch
# parity tests and the conformance suite once per instruction set this machine supports, with
# the path forced (EMBER_CPU_ISA for the test binaries, --option isa= for the conformance tool):
#   isa_<isa>.ops | .plugins | .nn | .torch_parity | .conformance
# Included by tests/CMakeLists.txt after every test target exists.
try_run(ember_isa_run ember_isa_compiled ${CMAKE_CURRENT_BINARY_DIR}/isa_detect
        ${CMAKE_CURRENT_LIST_DIR}/detect_isa.cpp RUN_OUTPUT_VARIABLE ember_isa_output)
if(NOT ember_isa_compiled OR NOT ember_isa_run EQUAL 0)
  set(ember_isa_output "scalar")
endif()
string(REGEX MATCHALL "[a-z0-9]+" EMBER_TEST_ISAS "${ember_isa_output}")
message(STATUS "ember: CPU plugin instruction sets tested: ${EMBER_TEST_ISAS}")

foreach(isa ${EMBER_TEST_ISAS})
  foreach(area ops plugins nn)
    if(TARGET ember_${area}_tests)
      add_test(NAME isa_${isa}.${area} COMMAND ember_${area}_tests)
      set_tests_properties(isa_${isa}.${area} PROPERTIES ENVIRONMENT "EMBER_CPU_ISA=${isa}" TIMEOUT 600)
    endif()
  endforeach()
  if(TARGET ember_cpu_torch_parity)
    add_test(NAME isa_${isa}.torch_parity COMMAND ember_cpu_torch_parity)
    set_tests_properties(isa_${isa}.torch_parity PROPERTIES ENVIRONMENT "EMBER_CPU_ISA=${isa}" TIMEOUT 600)
  endif()
  add_test(NAME isa_${isa}.conformance
           COMMAND ember_conformance --plugin $<TARGET_FILE:ember_cpu> --option isa=${isa}
                   --junit ${CMAKE_CURRENT_BINARY_DIR}/conformance_cpu_${isa}.xml)
  set_tests_properties(isa_${isa}.conformance PROPERTIES TIMEOUT 600)
endforeach()
