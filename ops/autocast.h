// Automatic mixed precision (autocast), as PyTorch's torch.autocast.
//
// Inside an AutocastGuard for a device type, ops on that device's tensors run in the precision
// PyTorch's op lists give them:
//   lower precision  matmul-like ops (mm, matmul, linear, conv2d, addmm, bmm, ...): floating
//                    inputs other than float64 are cast to the autocast dtype (float16 or bfloat16)
//   float32          ops that lose accuracy in 16 bits (exp, log, pow, softmax, losses, norms,
//                    ... on cuda; mse_loss, prod, ... on cpu): such inputs are cast to float32
//   float32 dtype    sum, prod, softmax, log_softmax, cumsum, cumprod (cuda): called with
//                    dtype=float32 when the caller gave none
//   promote          cat, stack, addcmul, dot, ... (cuda): inputs are cast to their widest
//                    floating dtype
//   banned           binary_cross_entropy (cuda): a TypeError that names the safe alternative
// Other ops run unchanged. The lists are PyTorch 1.13's (aten/src/ATen/autocast_mode.cpp): cpu
// has its own, every other device type uses cuda's. Casts are ordinary differentiable ops, so
// autograd sends float32 gradients back to float32 leaves.
//
// Mechanism: an enabled guard puts kAutocastFunctionality in the thread-local include set;
// one boxed fallback at that key applies the policy and redispatches below Autocast, with
// Autocast excluded while a listed op runs (its inner ops are not cast again), and left on for
// unlisted ops (a composite's inner ops are). PyTorch's cache of casted weights is not kept:
// each call casts again.
//
// Thread-safety: the autocast state is thread-local, as PyTorch's.
#pragma once

#include <optional>
#include <string>

#include "core/device.h"
#include "core/dispatch_key_set.h"
#include "core/dtype.h"
#include "core/export.h"

namespace ember {

// The functionality bit of autocast: above Autograd, Tracer and Profiler (48..50), as in PyTorch,
// so the casts it inserts are recorded by autograd and the tracer. Named here rather than in
// core/dispatch_key_set.h's enum only to keep this change from recompiling every file; the
// value is reserved (dispatcher.cpp names it "Autocast").
constexpr FunctionalityKey kAutocastFunctionality = static_cast<FunctionalityKey>(51);

enum class AutocastPolicy : uint8_t { None, LowerPrecision, Float32, Float32SetDtype, Promote, Banned };

// The policy of an op (base name without namespace or overload: "mm", "softmax") on a device type
// (by name; "cpu" has its own lists, any other name gets cuda's). Needs no registered device.
EMBER_API AutocastPolicy autocast_policy(const std::string& op_name, const std::string& device_type);

EMBER_API bool is_autocast_enabled(const std::string& device_type);
// The dtype autocast casts to on device_type: the guard's, else float16 (bfloat16 on cpu).
EMBER_API ScalarType autocast_dtype(const std::string& device_type);

// Enables (or, with enabled = false, disables) autocast for one device type on this thread until
// destruction, which restores the previous state. dtype must be float16 or bfloat16 (ValueError
// otherwise); device_type must be registered (ValueError naming it otherwise).
class EMBER_API AutocastGuard {
 public:
  explicit AutocastGuard(const std::string& device_type, std::optional<ScalarType> dtype = std::nullopt,
                         bool enabled = true);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  DeviceTypeId device_;
  bool saved_enabled_;
  ScalarType saved_dtype_;
};

}  // namespace ember
