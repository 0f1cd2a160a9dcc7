// The Autograd kernels a custom operator without a derivative registers (libtorch's
// autogradNotImplementedFallback and autogradNotImplementedInplaceOrViewFallback):
//
//   EMBER_LIBRARY_IMPL(myops, Autograd, m) { m.impl("f", autograd::not_implemented_fallback()); }
//
// not_implemented_fallback() runs the op below Autograd and, when grad mode is on and an input
// requires grad, gives its differentiable outputs a NotImplementedBackward (backward through them
// raises "the derivative for 'myops::f' is not implemented"); written arguments get the in-place
// checks (leaves that require grad are refused) and a new history. It is what ember's Autograd
// fallback does for every op without a derivative, plus libtorch's checks of the schema's alias
// annotations: at most one non-write alias among the outputs and among the inputs, and a view
// relationship only between the first input and the first output.
//
// not_implemented_inplace_or_view_fallback() is accepted at ADInplaceOrView and registers nothing:
// ember's Autograd kernels do ADInplaceOrView's work. Both are stateless; thread-safe.
#pragma once

#include "dispatcher/cpp_function.h"

namespace ember {
namespace autograd {

EMBER_API CppFunction not_implemented_fallback();
EMBER_API CppFunction not_implemented_inplace_or_view_fallback();

}  // namespace autograd
}  // namespace ember
