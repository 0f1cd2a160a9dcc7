// Installing plugin kernels (see kernel_adapter.h).
#include "registry/kernel_adapter.h"

#include <mutex>
#include <set>

#include "core/error.h"
#include "ops/backend/backend_kernel.h"
#include "ops/backend/kernel_call.h"

namespace ember {

void install_plugin_kernel(const OperatorHandle& op, const PluginKernelInfo& info) {
  // Lives as long as the tables that point at it: forever (kernels are never removed).
  auto* kernel = new BackendKernel();
  kernel->fn = info.fn;
  kernel->ctx = info.ctx;
  kernel->dtypes = info.dtypes;
  kernel->provider = info.plugin;
  kernel->device = info.device;
  if (structured::BackendOp* table = structured::find_backend_op(*op.entry())) {
    table->set_kernel(info.device, kernel);
    return;
  }
  KernelFunction k;
  k.boxed = &structured::backend_kernel_boxed_entry;
  k.boxed_ctx = kernel;
  k.provider = info.plugin;
  Dispatcher::singleton().register_kernel(op, DispatchTarget::device(info.device), k);
}

std::string plugin_kernel_schema_problem(const FunctionSchema& schema) {
  for (size_t r = 0; r < schema.returns().size(); ++r) {
    if (schema.aliased_argument_of_return(r) < 0) {
      return "operator " + schema.full_name() +
             " returns a new value; plugin kernels only write into their arguments, so register the kernel for "
             "its out= or in-place form (a return must be Tensor(a!) aliasing an argument)";
    }
  }
  return "";
}

const char* intern_string(const std::string& s) {
  static std::mutex* mutex = new std::mutex();
  static std::set<std::string>* strings = new std::set<std::string>();  // leaked: pointers handed out forever
  std::lock_guard<std::mutex> lock(*mutex);
  return strings->insert(s).first->c_str();
}

}  // namespace ember
