# In-tree build of the example application (included by examples/CMakeLists.txt): the same
# source as the out-of-tree build (tests/examples builds that one against an installed prefix).
add_executable(ember_example_app ${CMAKE_CURRENT_LIST_DIR}/app.cpp)
set_target_properties(ember_example_app PROPERTIES OUTPUT_NAME example_app)
target_link_libraries(ember_example_app PRIVATE ember::ember)
