// The built-in operators: ops.yaml's schemas, tags, composite kernels and structured wrappers.
// register_builtin_ops() is generated (build/gen/generated/register_ops.cpp) and called once by
// the runtime (core/runtime_hook.h: ensure_operators_registered); it returns the operators'
// handles in ops.yaml order, which the autograd registration takes. Not thread-safe by itself.
#pragma once

#include <vector>

#include "dispatcher/dispatcher.h"

namespace ember {

std::vector<OperatorHandle> register_builtin_ops();

}  // namespace ember
