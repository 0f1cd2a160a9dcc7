# The multi-process test worker (tests/distributed/worker): one rank of a scenario, started by
# the distributed tests through `ember launch` (and mpirun for the mpi backend).
file(GLOB ember_dist_worker_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/worker/*.cpp)
add_executable(ember_dist_worker ${ember_dist_worker_sources})
target_link_libraries(ember_dist_worker PRIVATE ember::ember)
target_include_directories(ember_dist_worker PRIVATE ${PROJECT_SOURCE_DIR})
add_dependencies(ember_distributed_tests ember_dist_worker)
foreach(plugin ember_gloo ember_mpi ember_nccl)
  if(TARGET ${plugin})
    add_dependencies(ember_distributed_tests ${plugin})
  endif()
endforeach()
target_compile_definitions(ember_distributed_tests PRIVATE EMBER_DIST_WORKER_PATH="$<TARGET_FILE:ember_dist_worker>")
