// The `ember` command-line tool's commands. Each returns the process exit code:
// 0 success, 1 an error (printed to stderr), 2 a usage error.
#pragma once

#include <ostream>
#include <string>

#include "core/tensor.h"

namespace ember {
namespace cli {

void print_usage(std::ostream& os);
int run_info(bool show_log);
int run_ops(const std::string& device);  // empty: every device
int run_demo();
// The script compiler (script_command.cpp): prints graphs or code; runs a function.
int run_script(const std::string& path, const std::string& fn, bool code, bool optimized);
int run_program(const std::string& path, const std::string& fn);
// Part of the demo: trains a small CNN on synthetic shapes (demo_training.cpp).
void show_training();                          // tools/ember/demo.cpp
// Part of the demo: myfun as a script function, its graph, code and trace (demo_script.cpp).
void show_script(const Tensor& x);

}  // namespace cli
}  // namespace ember
