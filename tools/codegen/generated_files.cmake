# The files ember_codegen writes, for the top-level CMakeLists.txt.
#
# Set EMBER_GEN_DIR (e.g. ${CMAKE_BINARY_DIR}/gen) before including this file. Keep the lists in
# step with emit_all() in tools/codegen/emit_api_headers.cpp (kNumFunctionShards = 4,
# kNumAutogradShards = 4).
#
#   EMBER_GENERATED_SOURCES       .cpp files compiled into libember
#   EMBER_GENERATED_HEADERS       generated/*.h (include dir: ${EMBER_GEN_DIR})
#   EMBER_SDK_GENERATED_HEADERS   sdk/ember/sdk/ops.h (include dir: ${EMBER_GEN_DIR}/sdk)
#
# ember_codegen rewrites a file only when its text changes, so outputs may stay older than
# ops.yaml; ember_add_codegen_command() therefore tracks a stamp file, lists the sources as
# BYPRODUCTS, and touches the stamp after each run.
if(NOT DEFINED EMBER_GEN_DIR)
  message(FATAL_ERROR "generated_files.cmake: set EMBER_GEN_DIR first")
endif()

set(EMBER_GENERATED_SOURCES
  ${EMBER_GEN_DIR}/generated/functions_0.cpp
  ${EMBER_GEN_DIR}/generated/functions_1.cpp
  ${EMBER_GEN_DIR}/generated/functions_2.cpp
  ${EMBER_GEN_DIR}/generated/functions_3.cpp
  ${EMBER_GEN_DIR}/generated/structured_kernels.cpp
  ${EMBER_GEN_DIR}/generated/register_ops.cpp
  ${EMBER_GEN_DIR}/generated/op_info.cpp
  ${EMBER_GEN_DIR}/generated/autograd_kernels_0.cpp
  ${EMBER_GEN_DIR}/generated/autograd_kernels_1.cpp
  ${EMBER_GEN_DIR}/generated/autograd_kernels_2.cpp
  ${EMBER_GEN_DIR}/generated/autograd_kernels_3.cpp
)
set(EMBER_GENERATED_HEADERS
  ${EMBER_GEN_DIR}/generated/functions.h
  ${EMBER_GEN_DIR}/generated/tensor_methods.h
  ${EMBER_GEN_DIR}/generated/redispatch.h
  ${EMBER_GEN_DIR}/generated/native_functions.h
  ${EMBER_GEN_DIR}/generated/op_info.h
)
set(EMBER_SDK_GENERATED_HEADERS
  ${EMBER_GEN_DIR}/sdk/ember/sdk/ops.h
)
set(EMBER_CODEGEN_STAMP ${EMBER_GEN_DIR}/codegen.stamp)

# ember_add_codegen_command(<ops.yaml> <target-name>): runs ember_codegen when ops.yaml or the
# generator changes, and adds a custom target that the core and SDK targets can depend on.
function(ember_add_codegen_command ops_yaml target_name)
  add_custom_command(
    OUTPUT ${EMBER_CODEGEN_STAMP}
    BYPRODUCTS ${EMBER_GENERATED_SOURCES} ${EMBER_GENERATED_HEADERS} ${EMBER_SDK_GENERATED_HEADERS}
    COMMAND $<TARGET_FILE:ember_codegen> --ops ${ops_yaml} --out ${EMBER_GEN_DIR}
    COMMAND ${CMAKE_COMMAND} -E touch ${EMBER_CODEGEN_STAMP}
    DEPENDS ember_codegen ${ops_yaml}
    COMMENT "Generating C++ from ops.yaml"
    VERBATIM)
  add_custom_target(${target_name} DEPENDS ${EMBER_CODEGEN_STAMP})
endfunction()
