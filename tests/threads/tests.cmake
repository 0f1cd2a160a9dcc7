# Tests that run threads (tests/threads/*_test.cpp build ember_threads_tests through
# tests/CMakeLists.txt), and the list `make check-tsan` runs under ThreadSanitizer.
add_dependencies(ember_threads_tests ember_regtest_fallback_device ember_regtest_claims_first
                 ember_regtest_claims_second ember_regtest_init_fails ember_regtest_fake_cpu)

# Every test that starts threads: this directory's, and those elsewhere, by gtest filter. A new
# test with threads joins this list (check-tsan runs exactly what it names, label `threads`).
set(ember_thread_tests
  "ember_threads_tests:*"
  "ember_dispatcher_tests:RegistrationThreads.*:DispatchKeys.GuardsRestoreThreadLocalState"
  "ember_registry_tests:Runtime.ImplicitInitializationIsANoOpOnceStarted"
  "ember_plugins_tests:Backends/CpuThreads.*:CpuThreadsOption.*")
set(ember_thread_test_binaries)
foreach(entry ${ember_thread_tests})
  string(FIND "${entry}" ":" colon)
  string(SUBSTRING "${entry}" 0 ${colon} binary)
  math(EXPR filter_start "${colon} + 1")
  string(SUBSTRING "${entry}" ${filter_start} -1 filter)
  list(APPEND ember_thread_test_binaries ${binary})
  if(EMBER_SANITIZE MATCHES "thread")
    add_test(NAME tsan.${binary} COMMAND ${binary} --gtest_filter=${filter})
    set_tests_properties(tsan.${binary} PROPERTIES LABELS threads TIMEOUT 900)
  endif()
endforeach()
list(REMOVE_DUPLICATES ember_thread_test_binaries)
add_custom_target(ember_thread_tests)
add_dependencies(ember_thread_tests ${ember_thread_test_binaries})
