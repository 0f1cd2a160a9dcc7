// OpDef: one validated ops.yaml entry, as the code generator's emitters see it.
//
// Built by ops_loader.cpp, read-only afterwards. Plain values; no threads in the generator.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "dispatcher/schema.h"

namespace ember {
namespace codegen {

enum class DispatchKind { Backend, Composite, CompositeExplicit, Delegate };

struct OpDef {
  FunctionSchema schema;
  int line = 0;   // 1-based line of the entry in ops.yaml
  int index = 0;  // position in ops.yaml: register_builtin_ops() keeps handles in this order
  bool function_variant = true;
  bool method_variant = false;
  DispatchKind dispatch = DispatchKind::Composite;
  std::string kernel;       // the native function of a Composite / CompositeExplicit op
  std::string structured;   // the meta function of a structured backend op
  std::string delegate;     // structured_delegate as written: "add.out"
  int delegate_index = -1;  // the op structured_delegate names (resolved by the loader)
  // key -> formula, in order. A key names one input ("self"), an output (forward-mode, not yet
  // generated), or several inputs that one formula serves ("input, weight, bias": see
  // derivative_key_names and autograd_plan.h's GradGroup).
  std::vector<std::pair<std::string, std::string>> derivatives;
  int derivatives_line = 0;
  std::string backward_name;  // the backward node's name when it is not the default (autograd_plan.h)
  int backward_name_line = 0;
  std::vector<std::string> tags;
  std::string doc;
  std::string unique_name;  // see unique_op_name()

  bool is_structured_backend() const { return dispatch == DispatchKind::Backend; }
  // "ops.yaml:12 add.Tensor": how generated code points back at the entry.
  std::string label() const { return "ops.yaml:" + std::to_string(line) + " " + schema.name_with_overload(); }
};

// The names a `derivatives:` key lists: "input, weight, bias" -> {input, weight, bias}; a plain
// key -> itself. Spaces around names are dropped; an empty name stays (the loader refuses it).
inline std::vector<std::string> derivative_key_names(const std::string& key) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t comma = key.find(',', start);
    std::string part = key.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = part.find_first_not_of(" \t"), e = part.find_last_not_of(" \t");
    names.push_back(b == std::string::npos ? std::string() : part.substr(b, e - b + 1));
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
}

// The per-op C++ name used where every op needs its own symbol (redispatch functions, wrappers,
// SDK descriptors): the op name, plus '_' and the overload when there is one. add.Tensor ->
// add_Tensor, add.out -> add_out, fill_.Scalar -> fill__Scalar, relu -> relu. The loader
// rejects two ops that map to one name.
inline std::string unique_op_name(const FunctionSchema& s) {
  return s.overload().empty() ? s.name() : s.name() + "_" + s.overload();
}

// Whether an op writes into its `self` argument without being an out= op (add_.Tensor,
// fill_.Scalar): the in-place form of the structured wrappers.
inline bool writes_self(const FunctionSchema& s) {
  int self = s.argument_index("self");
  if (self < 0 || s.is_out()) return false;
  const Argument& a = s.arguments()[self];
  return a.type.is_tensor() && a.alias && a.alias->is_write;
}

// Whether an op updates Tensor[] arguments in place and returns nothing (_fused_sgd_): every
// written argument is a tensor list. Its structured wrapper has no outputs; the kernel writes
// into the lists' tensors.
inline bool writes_lists(const FunctionSchema& s) {
  if (s.is_out() || !s.returns().empty()) return false;
  bool any = false;
  for (const Argument& a : s.arguments()) {
    if (!a.write_alias()) continue;
    if (!a.type.is_tensor_list()) return false;
    any = true;
  }
  return any;
}

inline const char* dispatch_kind_name(DispatchKind k) {
  switch (k) {
    case DispatchKind::Backend: return "backend";
    case DispatchKind::Composite: return "Composite";
    case DispatchKind::CompositeExplicit: return "CompositeExplicit";
    case DispatchKind::Delegate: return "structured_delegate";
  }
  return "";
}

}  // namespace codegen
}  // namespace ember
