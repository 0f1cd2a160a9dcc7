// The one path to a plugin kernel: KernelCall builds a kernel's ember_value arguments, checks
// the call's dtype against the kernel's mask, reserves random numbers, passes the call context
// (ember_call_context: device, current stream, scratch, resize, report, content versions) and turns what comes back
// into ember::Error exceptions.
//
// Both ways of reaching a backend kernel use it: the structured runtime (generated wrappers ->
// structured::run, which adds the prepared inputs and outputs) and the boxed entry
// (call_backend_boxed: plugin-defined operators, the CPU fallback running a cpu kernel, the
// conformance suite), so both agree on every convention of plugin_abi.h:
//   - an empty tensor's view has data NULL;
//   - the dtype mask is checked once, against the call's compute dtype (structured ops), else
//     the first defined tensor argument's dtype, else the first output's;
//   - a generator argument reserves 4 counters per element written by the call;
//   - bool[] arguments travel as int lists of 0/1; an undefined element of a Tensor?[] is a view
//     with data NULL and ndim -1.
//
// A KernelCall lives on the caller's stack for one call; views point into the caller's tensors,
// which must outlive it. Thread-confined.
#pragma once

#include <list>
#include <optional>
#include <vector>

#include <ember/plugin_abi.h>

#include "core/generator.h"
#include "core/scalar.h"
#include "core/tensor.h"
#include "ops/backend/backend_kernel.h"

namespace ember {
namespace structured {

class EMBER_API KernelCall {
 public:
  static constexpr int kMaxArgs = 32;

  KernelCall(const OperatorEntry& op, const BackendKernel& kernel, Device device)
      : op_(op), kernel_(kernel), device_(device) {}
  KernelCall(const KernelCall&) = delete;
  KernelCall& operator=(const KernelCall&) = delete;

  // Appends the next argument (schema order).
  void add_none() { next().tag = EMBER_VALUE_NONE; }
  // A tensor, seen by the kernel with sizes/strides (a broadcast view) when given. written: the
  // kernel writes it (an output), so resize_output may reallocate it and it counts for the
  // random-number reservation.
  void add_tensor(const Tensor& t, bool written, const int64_t* sizes = nullptr, const int64_t* strides = nullptr,
                  int32_t ndim = 0);
  // Tensor[] and Tensor?[] (a null pointer or an undefined tensor is an undefined element).
  void add_tensor_list(const std::vector<const Tensor*>& tensors);
  void add_int(int64_t v) {
    ember_value& e = next();
    e.tag = EMBER_VALUE_INT;
    e.u.i = v;
  }
  void add_double(double v) {
    ember_value& e = next();
    e.tag = EMBER_VALUE_DOUBLE;
    e.u.d = v;
  }
  void add_bool(bool v) {
    ember_value& e = next();
    e.tag = EMBER_VALUE_BOOL;
    e.u.b = v ? 1 : 0;
  }
  void add_scalar(const Scalar& s);
  void add_string(const char* s) {
    ember_value& e = next();
    e.tag = EMBER_VALUE_STRING;
    e.u.str = s;
  }
  void add_int_list(const int64_t* data, size_t size);
  void add_double_list(const double* data, size_t size);
  void add_bool_list(const std::vector<bool>& bits);
  // Counters are reserved in run(), once the written elements are known.
  void add_generator(const Generator& g);
  void add_device(Device d);

  // Checks the dtype mask against kernel_dtype (Undefined: the first defined tensor argument's,
  // else the first output's), runs the kernel and raises what it reported.
  void run(ScalarType kernel_dtype = ScalarType::Undefined);

  int size() const { return count_; }

 private:
  ember_value& next();
  static const Tensor* tensor_of_arg(void* self, int32_t index, bool* written);
  [[noreturn]] void unsupported_dtype(ScalarType dtype) const;

  const OperatorEntry& op_;
  const BackendKernel& kernel_;
  Device device_;
  ember_value values_[kMaxArgs];
  // The tensor behind each tensor argument (null for the others), set by next() for the first
  // count_ entries only: zeroing all kMaxArgs would cost every call. Bit i of written_mask_: the
  // kernel writes argument i.
  const Tensor* tensors_[kMaxArgs];
  uint32_t written_mask_ = 0;
  int count_ = 0;
  ScalarType first_tensor_dtype_ = ScalarType::Undefined;
  ScalarType first_output_dtype_ = ScalarType::Undefined;
  uint64_t written_elements_ = 0;
  int generator_index_ = -1;
  // Only random ops have one; a default-constructed Generator would allocate its state per call.
  std::optional<Generator> generator_;
  // Stable storage for list arguments. std::list, not std::deque: an empty list allocates
  // nothing, and most calls have no list argument (a deque allocates on construction).
  std::list<std::vector<int64_t>> int_storage_;           // bool[] as ints
  std::list<std::vector<ember_tensor_view>> list_storage_;  // Tensor[] views
};

// The boxed entry to a backend kernel: the operator's arguments on the stack in schema order,
// replaced by its results (the written arguments its returns alias). Plugin kernels only write
// into their arguments, so every return must alias one (the registrar checks).
EMBER_API void call_backend_boxed(const BackendKernel& kernel, const OperatorEntry& op, Stack* stack);

// The boxed KernelFunction of a plugin kernel for a non-structured operator (one it defined):
// boxed_ctx is the BackendKernel.
EMBER_API void backend_kernel_boxed_entry(void* ctx, const OperatorHandle& op, DispatchKeySet ks, Stack* stack);

}  // namespace structured
}  // namespace ember
