// `code`: a function's graph printed back as source in the script dialect, as PyTorch's
// `.code` shows it (what TorchScript archives store):
//
//   def forward(self,
//       input: Tensor) -> Tensor:
//     if bool(torch.gt(torch.sum(input), 0)):
//       weight = self.weight
//       output = torch.mv(weight, input)
//     else:
//       weight0 = self.weight
//       output = torch.add(weight0, input)
//     return output
//
// Values used once, in evaluation order, are inlined into their use; trailing arguments equal
// to their defaults are dropped; long expressions are split into temporaries (_0, _1, ...);
// loop-carried values and if outputs become variables. What it prints compiles again to an
// equivalent graph. Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "script/ir/ir.h"

namespace ember {
namespace script {

class Function;

// `def name(args) -> R:` and the body, 2-space indented, ending in a newline. For a method
// (self first) the first parameter has no annotation.
// With `tensor_constants`, tensor constants print as CONSTANTS.cN, N their index in the vector
// (appended when new), as archives' code does; without, as their text. `graph`, when given, is
// printed instead of fn's own (a rewritten copy of it) under fn's name and signature.
EMBER_API std::string print_code(const Function& fn, std::vector<IValue>* tensor_constants = nullptr,
                                 const Graph* graph = nullptr);
EMBER_API std::string print_code(const Graph& g, const std::string& name, const std::vector<std::string>& arg_names,
                                 bool is_method);

}  // namespace script
}  // namespace ember
