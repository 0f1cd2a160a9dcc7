# Included by tests/CMakeLists.txt after it created ember_script_tests from tests/script/*_test.cpp.
#
#   script.golden_matches_pytorch   re-runs tests/script/golden/generate.py --check: the expected
#                                   outputs the golden tests compare against are still what
#                                   PyTorch prints (only where Debian's python3-torch is installed)
execute_process(COMMAND /usr/bin/python3 -c "import torch" RESULT_VARIABLE ember_no_python_torch
                OUTPUT_QUIET ERROR_QUIET)
if(ember_no_python_torch EQUAL 0)
  add_test(NAME script.golden_matches_pytorch
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/golden/generate.py --check)
  set_tests_properties(script.golden_matches_pytorch PROPERTIES TIMEOUT 300)
else()
  message(STATUS "python3-torch not found: script.golden_matches_pytorch is not added")
endif()

#   script.archives_match_pytorch    re-runs tests/script/archives/generate.py --check: the kept
#                                    archives PyTorch wrote still load in PyTorch to the outputs
#                                    ember's loader is compared with
#   script.pytorch_loads_ember_archives  ember saves archives (ArchiveForPyTorch tests), then
#                                    PyTorch loads them, runs them and compares with ember's outputs
if(ember_no_python_torch EQUAL 0)
  add_test(NAME script.archives_match_pytorch
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/archives/generate.py --check)
  add_test(NAME script.pytorch_loads_ember_archives
           COMMAND sh -c "$<TARGET_FILE:ember_script_tests> --gtest_filter=ArchiveForPyTorch.* && /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/archives/check_ember_archives.py ${PROJECT_BINARY_DIR}/script_archives")
  set_tests_properties(script.archives_match_pytorch script.pytorch_loads_ember_archives PROPERTIES TIMEOUT 300)
endif()
