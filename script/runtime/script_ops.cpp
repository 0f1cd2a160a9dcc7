// Registration of the script operators (see script_ops.h).
#include "script/runtime/script_ops.h"

#include <mutex>

namespace ember {
namespace script {

namespace {
void run_script_op(void* ctx, const OperatorHandle&, DispatchKeySet, Stack* stack) {
  reinterpret_cast<ScriptOpFn>(ctx)(*stack);
}
}  // namespace

OperatorHandle register_script_op(const char* schema, ScriptOpFn fn) {
  Dispatcher& d = Dispatcher::singleton();
  OperatorHandle op = d.define(schema);
  KernelFunction k;
  k.boxed = &run_script_op;
  k.boxed_ctx = reinterpret_cast<void*>(fn);
  k.provider = "script";
  d.register_kernel(op, DispatchTarget::composite_explicit(), k, /*allow_override=*/true);
  return op;
}

void ensure_script_ops() {
  static std::once_flag once;
  std::call_once(once, [] {
    detail::register_scalar_ops();
    detail::register_list_ops();
    detail::register_dict_string_ops();
    detail::register_tensor_ops();
  });
}

}  // namespace script
}  // namespace ember
