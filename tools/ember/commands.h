// The `ember` command-line tool's commands. Each returns the process exit code:
// 0 success, 1 an error (printed to stderr), 2 a usage error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ember {
namespace cli {

void print_usage(std::ostream& os);
int run_info(bool show_log);
int run_ops(const std::string& device);  // empty: every device
int run_demo();
// `ember launch ...` (launch_command.cpp): args are everything after "launch".
int run_launch(const std::vector<std::string>& args);
// Part of the demo: trains a small CNN on synthetic shapes (demo_training.cpp).
void show_training();                          // tools/ember/demo.cpp

}  // namespace cli
}  // namespace ember
