// Samples of the multi-tensor optimizer steps (_fused_sgd_, _fused_adam_, _fused_adamw_): lists
// of contiguous parameters of several shapes (one above the CPU plugin's parallel grain, one
// empty), first and later steps, each option that changes the formula.
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {

namespace {

const std::vector<Shape> kParamShapes = {{4, 3}, {7}, {129, 257}, {0, 3}, {}};

std::vector<Tensor> list_of(SampleBuilder& b, Values values) {
  std::vector<Tensor> out;
  for (const Shape& s : kParamShapes) out.push_back(b.tensor(s, values));
  return out;
}

void sgd_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("optimizer steps take floating-point parameters only");
  auto add = [&](const std::string& label, double momentum, double dampening, double weight_decay, bool nesterov,
                 bool maximize, bool first) {
    std::vector<Tensor> bufs = momentum != 0 ? list_of(b, Values::Any) : std::vector<Tensor>{};
    b.add(label, complete_arguments(s, {{"self", IValue(list_of(b, Values::Any))},
                                        {"grads", IValue(list_of(b, Values::Any))},
                                        {"momentum_buffer_list", IValue(std::move(bufs))},
                                        {"weight_decay", IValue(weight_decay)},
                                        {"momentum", IValue(momentum)},
                                        {"lr", IValue(0.1)},
                                        {"dampening", IValue(dampening)},
                                        {"nesterov", IValue(nesterov)},
                                        {"maximize", IValue(maximize)},
                                        {"is_first_step", IValue(first)}}));
  };
  add("no momentum, weight decay", 0, 0, 0.01, false, false, false);
  add("momentum 0.9, first step", 0.9, 0, 0, false, false, true);
  add("momentum 0.9, later step", 0.9, 0, 0, false, false, false);
  add("momentum, dampening 0.25, weight decay, maximize", 0.5, 0.25, 0.1, false, true, false);
  add("nesterov, first step", 0.9, 0, 0.01, true, false, true);
  add("nesterov, later step", 0.9, 0, 0.01, true, false, false);
}

void adam_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("optimizer steps take floating-point parameters only");
  auto add = [&](const std::string& label, double weight_decay, bool amsgrad, bool maximize, int64_t step) {
    std::vector<Tensor> vmax = amsgrad ? list_of(b, Values::Positive) : std::vector<Tensor>{};
    std::vector<int64_t> steps;
    for (size_t i = 0; i < kParamShapes.size(); ++i) steps.push_back(step + static_cast<int64_t>(i) * 7);
    b.add(label, complete_arguments(s, {{"self", IValue(list_of(b, Values::Any))},
                                        {"grads", IValue(list_of(b, Values::Any))},
                                        {"exp_avgs", IValue(list_of(b, Values::Any))},
                                        {"exp_avg_sqs", IValue(list_of(b, Values::Positive))},
                                        {"max_exp_avg_sqs", IValue(std::move(vmax))},
                                        {"state_steps", IValue(steps)},
                                        {"lr", IValue(0.01)},
                                        {"beta1", IValue(0.9)},
                                        {"beta2", IValue(0.999)},
                                        {"weight_decay", IValue(weight_decay)},
                                        {"eps", IValue(1e-8)},
                                        {"amsgrad", IValue(amsgrad)},
                                        {"maximize", IValue(maximize)}}));
  };
  add("first step", 0, false, false, 1);
  add("later steps, weight decay 0.1", 0.1, false, false, 3);
  add("amsgrad, maximize", 0.01, true, true, 2);
}

}  // namespace

void register_optim_samples(SampleRegistry& r) {
  r["_fused_sgd_"] = &sgd_samples;
  r["_fused_adam_"] = &adam_samples;
  r["_fused_adamw_"] = &adam_samples;
}

}  // namespace conformance
}  // namespace ember
