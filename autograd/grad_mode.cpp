// Thread-local grad mode.
#include "autograd/grad_mode.h"

namespace ember {

namespace {
thread_local bool t_grad_enabled EMBER_TLS_FAST = true;
thread_local bool t_inference EMBER_TLS_FAST = false;
}  // namespace

bool GradMode::is_enabled() { return t_grad_enabled; }
void GradMode::set_enabled(bool enabled) { t_grad_enabled = enabled; }

InferenceMode::InferenceMode(bool enabled)
    : previous_grad_(t_grad_enabled), previous_inference_(t_inference),
      previous_excluded_(tls_local_dispatch_key_set().excluded) {
  if (!enabled) return;
  t_grad_enabled = false;
  t_inference = true;
  tls_local_dispatch_key_set().excluded |= DispatchKeySet::functionality(FunctionalityKey::Autograd);
}
InferenceMode::~InferenceMode() {
  t_grad_enabled = previous_grad_;
  t_inference = previous_inference_;
  tls_local_dispatch_key_set().excluded = previous_excluded_;
}
bool InferenceMode::is_enabled() { return t_inference; }

}  // namespace ember
