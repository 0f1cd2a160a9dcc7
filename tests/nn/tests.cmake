# Included by tests/CMakeLists.txt after it created ember_nn_tests from tests/nn/*_test.cpp.
#
#   nn.libtorch_reads_ember_archives   ember writes archives of torch::save's format
#                                      (ArchiveForLibtorch.WritesArchives), then a program built
#                                      against Debian's libtorch 1.13 (libtorch_archives/
#                                      libtorch_archives.cpp) loads them with torch::load and
#                                      compares them with what libtorch computes itself. Only
#                                      where libtorch-dev is installed (scripts/install-deps.sh
#                                      installs it).
find_package(Torch QUIET PATHS /usr/lib/x86_64-linux-gnu/cmake/Torch)
if(Torch_FOUND)
  add_executable(ember_libtorch_archives ${CMAKE_CURRENT_LIST_DIR}/libtorch_archives/libtorch_archives.cpp)
  target_link_libraries(ember_libtorch_archives PRIVATE ${TORCH_LIBRARIES})
  add_dependencies(ember_nn_tests ember_libtorch_archives)
  add_test(NAME nn.libtorch_reads_ember_archives
           COMMAND sh -c "$<TARGET_FILE:ember_nn_tests> --gtest_filter=ArchiveForLibtorch.* && $<TARGET_FILE:ember_libtorch_archives> check ${PROJECT_BINARY_DIR}/nn_archives")
  set_tests_properties(nn.libtorch_reads_ember_archives PROPERTIES TIMEOUT 300)
else()
  message(STATUS "libtorch not found: nn.libtorch_reads_ember_archives is not added")
endif()
