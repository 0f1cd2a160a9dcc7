// Meta functions of the multi-tensor optimizer steps (_fused_sgd_, _fused_adam_, _fused_adamw_).
// They check what the kernels rely on: parallel lists of one length, every tensor defined,
// contiguous, of the parameters' floating dtype and device and of its parameter's shape, and no
// two written tensors overlapping in memory (an update would read what another just wrote).
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "ops/meta.h"

namespace ember {
namespace meta {

namespace {

struct ListCheck {
  const char* op;
  const TensorList& params;
  Device device;
  ScalarType dtype;

  // `list` must hold one tensor per parameter, each like its parameter.
  void same_as_params(const TensorList& list, const char* name) const {
    EMBER_CHECK(list.size() == params.size(), ValueError, "[", op, "] expected ", params.size(), " tensors in ", name,
                " (one per parameter), got ", list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      const Tensor& t = list[i];
      EMBER_CHECK(t.defined(), ValueError, "[", op, "] ", name, "[", i, "] is undefined");
      EMBER_CHECK(t.device() == device, ValueError, "[", op, "] expected all tensors on ", device, ", but ", name, "[", i,
                  "] is on ", t.device());
      EMBER_CHECK(t.scalar_type() == dtype, TypeError, "[", op, "] expected all tensors of dtype ", dtype, ", but ", name,
                  "[", i, "] is ", t.scalar_type());
      EMBER_CHECK(t.sizes() == params[i].sizes(), ValueError, "[", op, "] ", name, "[", i, "] has shape ", t.sizes(),
                  " but its parameter has shape ", params[i].sizes());
      EMBER_CHECK(t.is_contiguous(), ValueError, "[", op, "] ", name, "[", i, "] is not contiguous");
    }
  }
};

ListCheck check_params(const char* op, const TensorList& params) {
  EMBER_CHECK(!params.empty(), ValueError, "[", op, "] expected a non-empty list of parameters");
  EMBER_CHECK(params[0].defined(), ValueError, "[", op, "] self[0] is undefined");
  const ScalarType dtype = params[0].scalar_type();
  EMBER_CHECK(is_floating_point(dtype), TypeError, "[", op, "] expected floating-point parameters, got ", dtype);
  ListCheck check{op, params, params[0].device(), dtype};
  check.same_as_params(params, "self");
  return check;
}

// Written tensors may not overlap one another: sorted byte ranges of each storage, disjoint.
void check_no_overlap(const char* op, std::initializer_list<const TensorList*> lists) {
  struct Range {
    const void* storage;
    uintptr_t begin, end;
  };
  std::vector<Range> ranges;
  for (const TensorList* l : lists)
    for (const Tensor& t : *l) {
      if (t.numel() == 0) continue;
      const uintptr_t begin = reinterpret_cast<uintptr_t>(t.data_ptr());
      ranges.push_back({t.impl()->storage(), begin, begin + t.nbytes()});
    }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.storage != b.storage ? std::less<const void*>()(a.storage, b.storage) : a.begin < b.begin;
  });
  for (size_t i = 1; i < ranges.size(); ++i)
    EMBER_CHECK(ranges[i].storage != ranges[i - 1].storage || ranges[i].begin >= ranges[i - 1].end, ValueError, "[",
                op, "] two of the tensors it updates share memory (a parameter or state tensor given twice?)");
}

MetaResult no_outputs(const ListCheck& c) {
  MetaResult m;
  m.op_name = c.op;
  m.num_outputs = 0;
  m.device = c.device;
  m.compute_dtype = c.dtype;
  return m;
}

}  // namespace

MetaResult fused_sgd_op(TensorList self, TensorList grads, TensorList momentum_buffer_list, double /*weight_decay*/,
                        double momentum, double /*lr*/, double /*dampening*/, bool /*nesterov*/, bool /*maximize*/,
                        bool /*is_first_step*/) {
  const char* op = "_fused_sgd_";
  ListCheck c = check_params(op, self);
  c.same_as_params(grads, "grads");
  const bool uses_buffers = momentum != 0;
  if (uses_buffers || !momentum_buffer_list.empty()) c.same_as_params(momentum_buffer_list, "momentum_buffer_list");
  if (uses_buffers) check_no_overlap(op, {&self, &momentum_buffer_list});
  else check_no_overlap(op, {&self});
  return no_outputs(c);
}

MetaResult fused_adam_op(TensorList self, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs,
                         TensorList max_exp_avg_sqs, IntArrayRef state_steps, double /*lr*/, double beta1,
                         double beta2, double /*weight_decay*/, double /*eps*/, bool amsgrad, bool /*maximize*/) {
  const char* op = "_fused_adam_";
  ListCheck c = check_params(op, self);
  c.same_as_params(grads, "grads");
  c.same_as_params(exp_avgs, "exp_avgs");
  c.same_as_params(exp_avg_sqs, "exp_avg_sqs");
  if (amsgrad || !max_exp_avg_sqs.empty()) c.same_as_params(max_exp_avg_sqs, "max_exp_avg_sqs");
  EMBER_CHECK(state_steps.size() == self.size(), ValueError, "[", op, "] expected ", self.size(),
              " state_steps (one per parameter), got ", state_steps.size());
  for (size_t i = 0; i < state_steps.size(); ++i)
    EMBER_CHECK(state_steps[i] >= 1, ValueError, "[", op, "] state_steps[", i, "] is ", state_steps[i],
                ": steps count from 1 (the bias corrections divide by 1 - beta^step)");
  EMBER_CHECK(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, ValueError, "[", op, "] betas must be in [0, 1), got (",
              beta1, ", ", beta2, ")");
  if (amsgrad) check_no_overlap(op, {&self, &exp_avgs, &exp_avg_sqs, &max_exp_avg_sqs});
  else check_no_overlap(op, {&self, &exp_avgs, &exp_avg_sqs});
  return no_outputs(c);
}

}  // namespace meta
}  // namespace ember
