// `ember script FILE.py` and `ember run FILE.py`: the script compiler from the shell.
//
//   ember script FILE.py [--fn NAME] [--code] [--optimized]
//       compiles FILE.py and prints the graph of NAME (default: every top-level function, in
//       definition order), or its code with --code; --optimized runs the optimizing passes first
//   ember run FILE.py [--fn NAME]
//       compiles FILE.py and calls NAME (default main) with no arguments; what the program
//       print()s goes to stdout, a result other than None is printed after it
//
// Compile and run-time errors are printed to stderr as PyTorch prints them (exit code 1).
#include <fstream>
#include <iostream>
#include <sstream>

#include "script/api/compilation_unit.h"
#include "script/ir/code_printer.h"
#include "script/passes/passes.h"
#include "script/runtime/values.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {
namespace {

// The file's text; throws ValueError when it cannot be read.
std::string read_source(const std::string& path) {
  std::ifstream in(path);
  EMBER_CHECK(in, ValueError, "cannot read '", path, "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The file name errors and IR comments show: the path as given, like PyTorch's.
std::vector<script::Function*> selected(script::CompilationUnit& cu, const std::string& fn) {
  if (!fn.empty()) return {&cu.get_function(fn)};
  return cu.functions();
}

}  // namespace

int run_script(const std::string& path, const std::string& fn, bool code, bool optimized) {
  try {
    script::CompilationUnit cu;
    cu.define(read_source(path), path);
    for (script::Function* f : selected(cu, fn)) {
      f->ensure_defined();
      if (optimized) script::run_optimizations(*f->graph());
      std::cout << (code ? script::print_code(*f) : f->graph()->str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what();
    if (std::string(e.what()).back() != '\n') std::cerr << "\n";
    return 1;
  }
}

int run_program(const std::string& path, const std::string& fn) {
  try {
    script::CompilationUnit cu;
    cu.define(read_source(path), path);
    IValue result = cu.get_function(fn.empty() ? "main" : fn)({});
    std::cout.flush();
    if (!result.is_none()) {
      std::ostringstream os;
      script::print_value(os, result);
      std::cout << os.str() << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << e.what();
    if (std::string(e.what()).back() != '\n') std::cerr << "\n";
    return 1;
  }
}

}  // namespace cli
}  // namespace ember
