// ensure_operators_registered (core/runtime_hook.h): the built-in operators and their autograd
// kernels, registered once, on the dispatcher's first lookup or at start-up, whichever is first.
// It lives here, above ops/ and autograd/, so that the dispatcher depends on neither.
#include <atomic>
#include <mutex>

#include "autograd/autograd_registration.h"
#include "core/runtime_hook.h"
#include "ops/builtin_ops.h"

namespace ember {
namespace detail {

void ensure_operators_registered() {
  static std::atomic<bool> ready{false};
  if (ready.load(std::memory_order_acquire)) return;
  static std::mutex* once_mutex = new std::mutex();  // leaked: lookups may happen during exit
  static thread_local bool in_progress = false;
  if (in_progress) return;  // a lookup made by the registration itself
  std::lock_guard<std::mutex> lock(*once_mutex);
  if (ready.load(std::memory_order_relaxed)) return;
  in_progress = true;
  try {
    std::vector<OperatorHandle> builtins = register_builtin_ops();
    autograd::register_autograd_kernels(Dispatcher::singleton(), builtins.data());
  } catch (...) {
    in_progress = false;
    throw;
  }
  in_progress = false;
  ready.store(true, std::memory_order_release);
}

}  // namespace detail
}  // namespace ember
