// The `ember` command-line tool's commands. Each returns the process exit code:
// 0 success, 1 an error (printed to stderr), 2 a usage error.
#pragma once

#include <ostream>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace ember {
class Tensor;
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
// `ember launch ...` (launch_command.cpp): args are everything after "launch".
int run_launch(const std::vector<std::string>& args);
// The demo's data set: n noisy 16x16 shapes of 4 classes ([n, 1, 16, 16] float, [n] labels).
std::pair<Tensor, Tensor> make_demo_shapes(int n, uint32_t seed);
// Part of the demo: 2-rank DDP training over gloo, started through `ember launch` (demo_ddp.cpp).
void show_ddp_training();
// One rank of that training (`ember demo-ddp-rank`, started by show_ddp_training).
int run_ddp_demo_rank();

}  // namespace cli
}  // namespace ember
