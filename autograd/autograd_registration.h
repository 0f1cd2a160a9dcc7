// The Autograd-key kernels of the built-in operators (generated/autograd_kernels_N.cpp) and the
// boxed autograd fallback for every other non-composite op. Called once at start-up, by the
// runtime, with the handles register_builtin_ops() returned (ops.yaml order).
#pragma once

#include "dispatcher/dispatcher.h"

namespace ember {
namespace autograd {

void register_autograd_kernels(Dispatcher& d, const OperatorHandle* builtin_ops);

}  // namespace autograd
}  // namespace ember
