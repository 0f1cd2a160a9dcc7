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
struct ScriptOpInfo {
  int order;
  ScriptOpFn direct;  // null when the schema mentions tensors
};
std::unordered_map<const OperatorEntry*, ScriptOpInfo>& script_op_set() {
  static auto* set = new std::unordered_map<const OperatorEntry*, ScriptOpInfo>();
  return *set;
}
bool mentions_tensors(const FunctionSchema& s) {
  for (const Argument& a : s.arguments())
    if (a.type.base == BaseType::Tensor || a.type.base == BaseType::Any) return true;
  for (const Argument& a : s.returns())
    if (a.type.base == BaseType::Tensor || a.type.base == BaseType::Any) return true;
  return false;
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
  ScriptOpFn direct = mentions_tensors(op.schema()) ? nullptr : fn;
  script_op_set().emplace(op.entry(), ScriptOpInfo{static_cast<int>(script_op_set().size()), direct});
  return op;
}

int script_op_order(const OperatorEntry* op) {
  std::lock_guard<std::mutex> lock(script_ops_mutex());
  auto it = script_op_set().find(op);
  return it == script_op_set().end() ? -1 : it->second.order;
}

ScriptOpFn direct_script_kernel(const OperatorEntry* op) {
  std::lock_guard<std::mutex> lock(script_ops_mutex());
  auto it = script_op_set().find(op);
  return it == script_op_set().end() ? nullptr : it->second.direct;
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
