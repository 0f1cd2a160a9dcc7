// Samples for the factory kernels (arange, linspace, eye: no tensor input, the out tensor gives
// dtype and device) and the random fills (uniform_, normal_, random_.from, bernoulli_), whose
// samples carry the distribution their output must follow instead of reference values.
#include "core/generator.h"
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

void arange_samples(const FunctionSchema& s, SampleBuilder& b) {
  auto add = [&](const std::string& label, IValue start, IValue end, IValue step) {
    b.add(label, complete_arguments(s, {{"start", start}, {"end", end}, {"step", step}, {"out", b.out()}}));
  };
  auto i = [](int64_t v) { return IValue(v); };
  add("0 .. 10 step 1", i(0), i(10), i(1));
  add("10 .. 0 step -3", i(10), i(0), i(-3));
  add("-5 .. 5 step 2", i(-5), i(5), i(2));
  add("empty: 0 .. 0", i(0), i(0), i(1));
  if (b.floating()) {
    add("1.5 .. 4 step 0.5", IValue(1.5), IValue(4.0), IValue(0.5));
    add("-1 .. 1 step 0.25", IValue(-1.0), IValue(1.0), IValue(0.25));
  }
  // Long ranges only where every value is representable (no wrap-around, no rounding to ties).
  if (b.dtype() == kFloat32 || b.dtype() == kFloat64 || b.dtype() == kInt32 || b.dtype() == kInt64)
    add("large 0 .. 40000", i(0), i(40000), i(1));
}

void linspace_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(2);
  auto add = [&](const std::string& label, double start, double end, int64_t steps) {
    b.add(label, complete_arguments(s, {{"start", IValue(start)}, {"end", IValue(end)}, {"steps", IValue(steps)}, {"out", b.out()}}));
  };
  if (b.floating()) {
    add("0 .. 1, 5 steps", 0, 1, 5);
    add("3 .. -3, 7 steps", 3, -3, 7);
    add("large 0 .. 1, 40000 steps", 0, 1, 40000);
  } else {
    add("0 .. 10, 6 steps", 0, 10, 6);
    // Negative ends are out of uint8's range (PyTorch raises for them).
    if (b.dtype() == kUInt8) add("20 .. 0, 5 steps", 20, 0, 5);
    else add("10 .. -10, 5 steps", 10, -10, 5);
  }
  add("2 .. -2, 1 step", 2, -2, 1);
  add("0 steps", 0, 1, 0);
}

void eye_samples(const FunctionSchema& s, SampleBuilder& b) {
  auto add = [&](int64_t n, int64_t m) {
    b.add(std::to_string(n) + " x " + std::to_string(m),
          complete_arguments(s, {{"n", IValue(n)}, {"m", IValue(m)}, {"out", b.out()}}));
  };
  add(3, 3);
  add(2, 4);
  add(4, 1);
  add(0, 3);
  add(200, 200);
}

// The same layouts for every random op; `args` makes the op's arguments for one self tensor.
template <typename MakeArgs>
void random_cases(SampleBuilder& b, const Moments& distribution, const MakeArgs& args) {
  b.add_random("[64, 64]", args(b.tensor({64, 64})), distribution);
  b.add_random("transposed [64, 64]", args(b.tensor({64, 64}, Values::Any, Layout::Transposed)), distribution);
  b.add_random("sliced [48, 40] offset 1", args(b.tensor({48, 40}, Values::Any, Layout::Sliced)), distribution);
  b.add_random("0-d", args(b.tensor({})), distribution);
  b.add_random("empty [0, 4]", args(b.tensor({0, 4})), distribution);
}

IValue sample_generator() { return IValue(Generator(kSampleSeed)); }

void uniform_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("uniform_ needs a floating dtype (the core rejects others)");
  // U(-1, 3): mean 1, variance 4^2 / 12.
  random_cases(b, Moments{1.0, 16.0 / 12.0, -1.0, 3.0}, [&](Tensor self) {
    return complete_arguments(s, {{"self", self}, {"from", IValue(-1.0)}, {"to", IValue(3.0)}, {"generator", sample_generator()}});
  });
}

void normal_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("normal_ needs a floating dtype (the core rejects others)");
  // N(2, 0.5^2); a value beyond 8 standard deviations would be a bug, not bad luck.
  random_cases(b, Moments{2.0, 0.25, 2.0 - 4.0, 2.0 + 4.0}, [&](Tensor self) {
    return complete_arguments(s, {{"self", self}, {"mean", IValue(2.0)}, {"std", IValue(0.5)}, {"generator", sample_generator()}});
  });
}

void random_from_samples(const FunctionSchema& s, SampleBuilder& b) {
  // Integers uniform in [from, to): [0, 2) for bool, else [0, 10): variance (n^2 - 1) / 12.
  const int64_t to = b.dtype() == kBool ? 2 : 10;
  const double n = static_cast<double>(to);
  random_cases(b, Moments{(n - 1) / 2, (n * n - 1) / 12, 0, n - 1}, [&](Tensor self) {
    return complete_arguments(s, {{"self", self}, {"from", IValue(int64_t{0})}, {"to", IValue(to)}, {"generator", sample_generator()}});
  });
}

void bernoulli_samples(const FunctionSchema& s, SampleBuilder& b) {
  random_cases(b, Moments{0.3, 0.21, 0, 1}, [&](Tensor self) {
    return complete_arguments(s, {{"self", self}, {"p", IValue(0.3)}, {"generator", sample_generator()}});
  });
}

}  // namespace

void register_factory_samples(SampleRegistry& r) {
  r["arange.start_out"] = &arange_samples;
  r["linspace.out"] = &linspace_samples;
  r["eye.m_out"] = &eye_samples;
  r["uniform_"] = &uniform_samples;
  r["normal_"] = &normal_samples;
  r["random_.from"] = &random_from_samples;
  r["bernoulli_.float"] = &bernoulli_samples;
}

}  // namespace conformance
}  // namespace ember
