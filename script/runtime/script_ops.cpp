// Registration of the script operators (see script_ops.h).
#include "script/runtime/script_ops.h"

#include <mutex>
#include <unordered_map>

namespace ember {
namespace script {

namespace {
std::mutex& script_ops_mutex() {
  static std::mutex m;
  return m;
}
std::unordered_map<const OperatorEntry*, int>& script_op_set() {
  static auto* set = new std::unordered_map<const OperatorEntry*, int>();
  return *set;
}
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
  std::lock_guard<std::mutex> lock(script_ops_mutex());
  script_op_set().emplace(op.entry(), static_cast<int>(script_op_set().size()));
  return op;
}

int script_op_order(const OperatorEntry* op) {
  std::lock_guard<std::mutex> lock(script_ops_mutex());
  auto it = script_op_set().find(op);
  return it == script_op_set().end() ? -1 : it->second;
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
