# cmake -DEMBER_BUILD_DIR=... -DEMBER_SOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... [-DCCACHE=...] -P this
#
# The out-of-tree workflow end to end (tests/examples/tests.cmake): install, build the sim plugin
# and the app against the installed prefix only, run them, check the printed values.
cmake_minimum_required(VERSION 3.22)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} failed (${status}):\n${out}\n${err}")
  endif()
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect text pattern)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "expected output matching '${pattern}', got:\n${text}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. The SDK prefix a vendor or application developer starts from.
run("cmake --install" ${CMAKE_COMMAND} --install ${EMBER_BUILD_DIR} --prefix ${prefix})
foreach(f lib/cmake/ember/emberConfig.cmake lib/cmake/ember/EmberPluginFunctions.cmake include/ember/ember.h
          include/ember/plugin_abi.h include/ember/sdk/plugin.h include/ember/sdk/ops.h lib/ember/plugins/libember_cpu.so
          bin/ember-conformance)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "the install lacks ${f}")
  endif()
endforeach()

# 2. Configure and build the examples against the prefix only (no access to the source tree's
#    headers: each example's CMakeLists.txt sees what find_package(ember) gives).
set(configure_args -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
if(CCACHE)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
endif()
# The compiler of the ember build, and in a sanitizer build its flags (an instrumented libember
# needs instrumented users; their plugins then link without --no-undefined).
if(CXX_COMPILER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(SANITIZE_FLAGS)
  string(REPLACE ";" " " flags "${SANITIZE_FLAGS}")
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}"
       "-DCMAKE_MODULE_LINKER_FLAGS=${flags}" "-DCMAKE_SHARED_LINKER_FLAGS=${flags}" -DEMBER_PLUGIN_ALLOW_UNDEFINED=ON)
endif()
foreach(example sim_plugin app)
  run("configure examples/${example}" ${CMAKE_COMMAND} -S ${EMBER_SOURCE_DIR}/examples/${example} -B ${WORK_DIR}/${example}
      ${configure_args})
  run("build examples/${example}" ${CMAKE_COMMAND} --build ${WORK_DIR}/${example} -j 2)
endforeach()
set(plugin ${WORK_DIR}/sim_plugin/libember_sim.so)
if(NOT EXISTS ${plugin})
  message(FATAL_ERROR "the out-of-tree build did not produce ${plugin}")
endif()

# 3. Run the app with a configuration that loads the freshly built plugin by path; sim runs the
#    matrix product and the sum through the CPU fallback it asks for with `fallback: cpu`.
file(WRITE ${WORK_DIR}/ember.yaml
"plugins:
  - name: cpu
  - path: ${plugin}
    options: {fallback: cpu}
devices:
  default: cpu
")
set(env ${CMAKE_COMMAND} -E env EMBER_CONFIG=${WORK_DIR}/ember.yaml)
foreach(device cpu sim)
  run("app ${device}" ${env} ${WORK_DIR}/app/app ${device})
  message("app ${device}:\n${last_output}")
  expect("${last_output}" "ember [0-9.]+ on ${device}")
  expect("${last_output}" "tensor\\(\\[\\[0\\.2449, 0\\.7616\\],\n +\\[0\\.9780, 0\\.0624\\]\\]")
  expect("${last_output}" "tensor\\(\\[\\[-2\\.5000, -3\\.0000\\],\n +\\[ 2\\.2500,  4\\.0000\\]\\]")
  expect("${last_output}" "all results match")
endforeach()
expect("${last_output}" "device='sim:0'")

# 4. The installed conformance suite accepts the vendor's plugin.
run("installed ember-conformance" ${prefix}/bin/ember-conformance --plugin ${plugin})
expect("${last_output}" "plugin sim \\([^)]*\\) CONFORMS")
message("ember-conformance on the out-of-tree sim plugin:\n${last_output}")
