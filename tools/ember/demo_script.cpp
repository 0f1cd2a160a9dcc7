// Part of `ember demo`: the seed's myfun as a script function — compiled from source text, its
// graph and code printed as PyTorch prints them, run by the interpreter and compared with the
// eager result; then the same function traced from C++.
#include <iostream>
#include <sstream>

#include <ember/ember.h>

#include "script/api/compilation_unit.h"
#include "script/ir/code_printer.h"
#include "script/tracer/tracer.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {

void show_script(const Tensor& x) {
  std::cout << "6. The same myfun in the TorchScript dialect (`ember script FILE.py`, `ember run FILE.py`)\n";
  const char* source =
      "def myfun(x):\n"
      "    y = x * x\n"
      "    z = y.tanh()\n"
      "    return z\n";
  std::cout << "  source:\n";
  std::istringstream src(source);
  for (std::string line; std::getline(src, line);) std::cout << "      " << line << "\n";
  script::CompilationUnit cu;
  cu.define(source, "myfun.py");
  script::Function& f = cu.get_function("myfun");
  f.ensure_defined();
  std::cout << "  graph:\n";
  std::istringstream graph(f.graph()->str());
  for (std::string line; std::getline(graph, line);) std::cout << "      " << line << "\n";
  std::cout << "  code:\n";
  std::istringstream code(script::print_code(f));
  for (std::string line; std::getline(code, line);) std::cout << "      " << line << "\n";
  const Tensor scripted = f({x}).to_tensor();
  const Tensor eager = (x * x).tanh();
  const double diff = (scripted - eager).abs().max().item<double>();
  std::cout << "  myfun(x) run by the interpreter " << (diff == 0 ? "equals" : "DIFFERS FROM")
            << " the eager result (max |difference| = " << diff << ")\n";
  EMBER_CHECK(diff == 0, RuntimeError, "[demo] the script myfun differs from the eager one by ", diff);

  script::Traced traced = script::trace(
      "myfun_traced", [](const std::vector<IValue>& in) -> IValue { return (in[0].to_tensor() * in[0].to_tensor()).tanh(); },
      {x}, {"x"});
  std::cout << "  traced from C++ (script::trace), the same operations with the shapes seen:\n";
  std::istringstream trace_graph(traced.function->graph()->str());
  for (std::string line; std::getline(trace_graph, line);) std::cout << "      " << line << "\n";
  std::cout << "\n";
}

}  // namespace cli
}  // namespace ember
