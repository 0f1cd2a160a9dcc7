// Grad mode and the guards that switch it: NoGradGuard (no graph is recorded),
// AutoGradMode(bool), and InferenceMode (no graph, and the Autograd key is skipped entirely).
// State is thread-local; guards restore the previous state when they go out of scope.
#pragma once

#include "core/export.h"
#include "dispatcher/dispatcher.h"

namespace ember {

struct EMBER_API GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

class EMBER_API AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : previous_(GradMode::is_enabled()) { GradMode::set_enabled(enabled); }
  ~AutoGradMode() { GradMode::set_enabled(previous_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool previous_;
};

class EMBER_API NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

// As torch::InferenceMode: nothing is recorded and autograd's dispatch key is skipped, so
// calls cost what they would without autograd.
class EMBER_API InferenceMode {
 public:
  explicit InferenceMode(bool enabled = true);
  ~InferenceMode();
  static bool is_enabled();

 private:
  bool previous_grad_;
  bool previous_inference_;
  DispatchKeySet previous_excluded_;
};

}  // namespace ember
