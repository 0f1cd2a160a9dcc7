// The operators TorchScript programs need beyond ops.yaml's tensor operators: arithmetic and
// comparisons on int, float, bool and str, list/dict/tuple/str operations on type variables
// (aten::append.t, aten::len.t, aten::__getitem__.t, ...), Tensor <-> number conversions
// (aten::Bool.Tensor, aten::Int.Tensor, aten::tensor.float), and a few prim:: helpers.
//
// They are ordinary operators: defined in the Dispatcher with PyTorch's schemas and a boxed
// CompositeExplicit kernel, so the compiler matches them like any op and the interpreter calls
// them through the boxed dispatcher. ensure_script_ops() registers them once (thread-safe);
// the compiler and interpreter call it before they look anything up.
#pragma once

#include "core/ivalue.h"
#include "dispatcher/dispatcher.h"

namespace ember {
namespace script {

EMBER_API void ensure_script_ops();

// A kernel: reads its arguments from the end of the stack, replaces them by its results.
using ScriptOpFn = void (*)(Stack& stack);
// Defines `schema` (its namespace is taken from the text) with fn as its kernel.
EMBER_API OperatorHandle register_script_op(const char* schema, ScriptOpFn fn);

// The registration position of a script operator, -1 for other operators (the compiler tries
// ops.yaml's overloads first, then these in registration order).
EMBER_API int script_op_order(const OperatorEntry* op);

// The kernel of a script operator that takes and returns no tensors (numbers, strings, lists,
// dicts), which the interpreter may call directly: no dispatch key of any argument could
// route it elsewhere. nullptr for other operators.
EMBER_API ScriptOpFn direct_script_kernel(const OperatorEntry* op);

// Stack helpers for kernels.
inline IValue pop(Stack& s) {
  IValue v = std::move(s.back());
  s.pop_back();
  return v;
}
inline const IValue& peek(const Stack& s, size_t i, size_t n) { return s[s.size() - n + i]; }
inline void drop(Stack& s, size_t n) { s.resize(s.size() - n); }

namespace detail {
// Each file of kernels registers its own group (called by ensure_script_ops).
void register_scalar_ops();
void register_list_ops();
void register_dict_string_ops();
void register_tensor_ops();
}  // namespace detail

}  // namespace script
}  // namespace ember
