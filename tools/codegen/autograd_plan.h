// AutogradPlan: what the autograd generator makes of ops.yaml's `derivatives:` (see
// docs/AUTOGRAD.md), decided once for emit_autograd.cpp and the OpInfo table.
//
// A *backward function* is one Node subclass (MulBackward0): it belongs to the op that carries
// the formulas (its owner) and serves every op that shares them: the in-place and functional
// members of a structured group use the formulas written on one member of the group (normally
// the functional one). Each op gets one of these Autograd-key kernels:
//
//   Formula      records a node of its backward function, then redispatches below Autograd
//   Out          out= member of a group with formulas: refuses inputs that require grad
//   Passthrough  factories (`factory` tag) and ops whose inputs are all non_differentiable:
//                redispatches below Autograd and records nothing
//   None         no generated kernel: Composite ops differentiate through their
//                decomposition; everything else reaches autograd's boxed fallback
//                (autograd/autograd_fallback.cpp), which records NotImplementedBackward for
//                floating outputs.
//
// Formulas are C++ expressions over `grad`, `grads[i]`, the op's arguments by name (kernel C++
// types; int[] as IntArrayRef), `result` / `resultN` / return names, and `grad_input_mask` in
// formulas of several inputs (GradGroup). `X.sizes()`, `X.scalar_type()`, ... of a tensor X save
// only that metadata, not the tensor. Built once; read-only afterwards.
#pragma once

#include <string>
#include <vector>

#include "tools/codegen/api_plan.h"

namespace ember {
namespace codegen {

enum class AutogradKind { None, Formula, Out, Passthrough };

// One differentiable input of a backward function (a next edge, or a run of them for a list).
struct GradInput {
  std::string name;      // schema argument name
  int arg_index = -1;
  enum Kind { Tensor, OptionalTensor, TensorList } kind = Tensor;
  std::string formula;   // rewritten for the node's apply(); empty for a member of a group
  std::vector<std::string> uses;  // saved items (SavedItem::member) the formula reads
  int group = -1;        // index into BackwardFunction::groups when one formula gives several
};

// One formula for several inputs (`input, weight, bias: f(..., grad_input_mask)`, as PyTorch's
// derivatives.yaml): f returns a tuple with one gradient per member, in the key's order, and may
// read `grad_input_mask` (std::vector<bool>: which members' gradients are wanted). Lets one
// backward kernel produce what separate formulas would each recompute.
struct GradGroup {
  std::vector<size_t> members;  // indices into BackwardFunction::inputs, in the key's order
  std::string formula;          // rewritten for apply()
};

// Something a node keeps from the forward call.
struct SavedItem {
  enum Kind {
    Input,      // a tensor argument: SavedVariable
    InputList,  // a Tensor[] argument: std::vector<SavedVariable>
    Output,     // a forward output: SavedVariable(is_output = true)
    Value,      // a non-tensor argument, by value
    Meta,       // X.sizes(), X.scalar_type(), to_args_sizes(X), ... of a tensor X
  } kind = Input;
  std::string name;      // the argument / output name in formulas ("self", "result", "indices")
  int arg_index = -1;    // Input, InputList, Value, Meta of an input
  int output_index = -1; // Output, Meta of an output
  std::string member;    // the node's member: "self_", "self_sizes_", "alpha_"
  std::string type;      // the member's C++ type
  std::string accessor;  // Meta: "sizes", "scalar_type", ... / "to_args_sizes"
};

struct BackwardFunction {
  const OpDef* owner = nullptr;
  std::string display_name;  // name(): "MulBackward0"
  std::string class_name;    // C++ struct name: display_name, made unique
  std::vector<GradInput> inputs;   // in `derivatives:` order
  std::vector<GradGroup> groups;
  std::vector<SavedItem> saved;
  bool has_list_input = false;
};

struct OpAutograd {
  AutogradKind kind = AutogradKind::None;
  int function = -1;  // Formula: index into AutogradPlan::functions
  bool inplace = false;  // Formula: the op writes its self
  bool inplace_view = false;  // ... its geometry only (tag inplace_view: transpose_), not its data
};

struct AutogradPlan {
  std::vector<BackwardFunction> functions;
  std::vector<OpAutograd> ops;  // parallel to ApiPlan::ops
  std::vector<Diagnostic> errors;
};

AutogradPlan plan_autograd(const ApiPlan& api);

// "formula" / "out" / "passthrough" / "composite" / "fallback" / "none": the OpInfo::autograd field.
const char* autograd_kind_name(const OpDef& op, const OpAutograd& a);

// "max_pool2d_with_indices" -> "MaxPool2DWithIndices" (PyTorch: each _-separated word title-cased).
std::string camel_case_op_name(const std::string& name);

}  // namespace codegen
}  // namespace ember
