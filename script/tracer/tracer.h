// The tracer: runs C++ code on example inputs and records the operators that run into a Graph,
// giving a script Function (or, for an nn::Module, a script Module with the same parameters).
//
//   auto foo = [](const std::vector<IValue>& in) -> IValue {
//     Tensor y = in[0].to_tensor().mm(in[0].to_tensor());
//     return y + in[1].to_tensor();
//   };
//   Traced t = trace("foo", foo, {x, t}, {"x", "t"});
//   std::cout << t.function->graph()->str();      // aten::mm, aten::add with tensor types
//   cu.register_function(std::move(t.function));  // script code may now call foo(...)
//
// How: while a trace runs, its thread includes the Tracer functionality key, whose boxed
// fallback (above Autograd) adds a node for each operator call, then runs the operator below
// itself. Tensors map to graph values; a tensor the trace has not seen (captured from outside)
// becomes a constant, and so does every non-tensor argument. Operators called inside other
// operators' kernels are not recorded. Calling a script Function while tracing records a
// prim::CallFunction (its control flow is kept) instead of the operators it runs. Converting a
// traced tensor to a number or bool (item()) warns that the trace treats the value as a
// constant. Dead code is removed from the finished graph.
//
// Traces are per thread (one at a time on a thread; nested traces are a RuntimeError); any
// number of threads may trace at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/module.h"
#include "script/api/function.h"
#include "script/api/module.h"

namespace ember {
namespace script {

struct Traced {
  std::unique_ptr<Function> function;  // "__torch__.<name>", arguments named as given
  std::vector<std::string> warnings;   // "TracerWarning: ..." (also in the process log)
};

using TracedFn = std::function<IValue(const std::vector<IValue>& inputs)>;

// Traces fn on inputs: tensors (TypeError for other values, with PyTorch's message). The result
// is a tensor or a tuple of tensors. arg_names name the graph inputs (default x0, x1, ...).
EMBER_API Traced trace(const std::string& name, const TracedFn& fn, const std::vector<IValue>& inputs,
                       std::vector<std::string> arg_names = {});

struct TracedModule {
  Module module;  // its parameters and buffers are the traced module's tensors (shared)
  std::vector<std::string> warnings;
};

// Traces module.forward through fn(module, inputs) into a script Module of class
// "__torch__.<class_name>": parameters and buffers (and submodules, as nested script modules)
// are read through prim::GetAttr from self, so the script module trains the same tensors.
using TracedModuleFn = std::function<IValue(nn::Module& module, const std::vector<IValue>& inputs)>;
EMBER_API TracedModule trace_module(const std::string& class_name, nn::Module& module, const TracedModuleFn& fn,
                                    const std::vector<IValue>& inputs, std::vector<std::string> arg_names = {});

// The type a trace gives a tensor: "Float(2, 2, strides=[2, 1], requires_grad=0, device=cpu)".
EMBER_API TypePtr traced_tensor_type(const Tensor& t);

namespace tracer {
// True while the current thread records a trace (and is not inside a recorded call).
EMBER_API bool is_tracing();
// Records a call of a script function with these arguments and runs it (Function::operator()).
EMBER_API IValue record_call(Function& fn, const std::vector<IValue>& args, const std::function<IValue()>& run);
}  // namespace tracer

}  // namespace script
}  // namespace ember
