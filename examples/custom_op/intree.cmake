# In-tree build of the custom-op example (included by examples/CMakeLists.txt): the same source
# as the out-of-tree build, linked against the ember target of this build.
add_executable(ember_example_custom_op ${CMAKE_CURRENT_LIST_DIR}/custom_op.cpp)
set_target_properties(ember_example_custom_op PROPERTIES OUTPUT_NAME example_custom_op)
target_link_libraries(ember_example_custom_op PRIVATE ember::ember)
