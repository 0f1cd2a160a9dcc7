# cmake -DTOOL=<ember-conformance> -DPLUGIN=<libember_sim_wrong_add.so> -DJUNIT=<file> -P this
#
# Passes only when the conformance suite rejects a plugin whose add.out is wrong: a non-zero exit
# status, add.out reported as FAIL (in the table and in the JUnit XML), and the plugin's correct
# kernels still reported as PASS (the failure is pinned on the right op).
execute_process(COMMAND ${TOOL} --plugin ${PLUGIN} --junit ${JUNIT}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(status EQUAL 0)
  message(FATAL_ERROR "ember-conformance exited 0 for a plugin whose add.out computes self - other")
endif()
if(NOT out MATCHES "\n  add\\.out +[^\n]* FAIL ")
  message(FATAL_ERROR "add.out is not reported as FAIL")
endif()
foreach(op mul\\.out tanh\\.out fill_\\.Scalar _copy_same_device_)
  if(NOT out MATCHES "\n  ${op} +[^\n]* PASS ")
    message(FATAL_ERROR "${op} is not reported as PASS")
  endif()
endforeach()
file(READ ${JUNIT} junit)
if(NOT junit MATCHES "name=\"add\\.out\"[^>]*>[ \n]*<failure")
  message(FATAL_ERROR "the JUnit XML does not record add.out as a failure")
endif()
