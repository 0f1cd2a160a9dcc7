// Tests of the conformance suite's building blocks (tools/conformance): the per-op sample
// library covers every backend operator of ops.yaml and its samples run on the CPU; the
// comparisons catch what they must (wrong values, writes outside a view, NaN handling, integer
// wrap-around); tensor mirroring keeps layouts and aliasing.
#include <cmath>
#include <cstring>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/device_runtime.h"
#include "dispatcher/dispatcher.h"
#include "generated/op_info.h"
#include "ops/backend/backend_kernel.h"
#include "registry/runtime.h"
#include "tools/conformance/compare.h"
#include "tools/conformance/host_values.h"
#include "tools/conformance/op_samples.h"

namespace ember {
namespace conformance {
namespace {

std::vector<std::string> backend_ops() {
  std::vector<std::string> names;
  for (size_t i = 0; i < num_op_infos(); ++i) {
    const OpInfo& info = op_infos()[i];
    if (std::strcmp(info.dispatch, "backend") != 0) continue;
    std::string name = info.name;
    names.push_back(name.rfind("aten::", 0) == 0 ? name.substr(6) : name);
  }
  return names;
}

HostTensor host_of(std::vector<double> values, ScalarType dtype) {
  HostTensor h;
  h.dtype = dtype;
  h.bytes.resize(values.size() * element_size(dtype));
  for (size_t i = 0; i < values.size(); ++i) write_element(h.bytes.data() + i * element_size(dtype), dtype, values[i]);
  h.sizes = {static_cast<int64_t>(values.size())};
  h.strides = {1};
  return h;
}

TEST(ConformanceSamples, EveryBackendOpOfOpsYamlHasSamples) {
  std::vector<std::string> ops = backend_ops();
  ASSERT_GT(ops.size(), 50u);
  for (const std::string& op : ops) EXPECT_TRUE(has_samples(op)) << op << " has no sample function";
}

// float32, unless the op's CPU kernel does not take it (the bitwise ops take integers and bool):
// then int64, else its first dtype.
ScalarType sample_dtype(const OperatorHandle& handle) {
  const structured::BackendOp* backend = structured::find_backend_op(*handle.entry());
  const BackendKernel* k = backend ? backend->kernel(Device(kCPU).type()) : nullptr;
  auto takes = [&](ScalarType t) { return k == nullptr || ((k->dtypes >> static_cast<int>(t)) & 1u); };
  if (takes(kFloat32)) return kFloat32;
  if (takes(kInt64)) return kInt64;
  for (int d = 0; d < 32; ++d)
    if ((k->dtypes >> d) & 1u) return static_cast<ScalarType>(d);
  return kFloat32;
}

TEST(ConformanceSamples, EveryBackendOpHasSamplesThatRunOnCpu) {
  for (const std::string& op : backend_ops()) {
    const OperatorHandle handle = Dispatcher::singleton().find_or_throw(op);
    OpSampleSet set = samples_for(op, sample_dtype(handle));
    ASSERT_FALSE(set.samples.empty()) << op << ": " << set.skip_reason;
    int ran = 0;
    for (const OpSample& sample : set.samples) {
      ASSERT_EQ(sample.args.size(), handle.schema().arguments().size()) << op << " '" << sample.label << "'";
      Stack stack(sample.args.begin(), sample.args.end());
      try {
        handle.call_boxed(&stack);
        ++ran;
      } catch (const Error&) {
        // Some samples probe the core's argument checks (reductions over an empty dim).
      }
    }
    EXPECT_GT(ran, 0) << op << ": no sample runs on the CPU";
  }
}

TEST(ConformanceSamples, SamplesAreDeterministic) {
  OpSampleSet a = samples_for("add.out", kFloat32), b = samples_for("add.out", kFloat32);
  ASSERT_EQ(a.samples.size(), b.samples.size());
  const HostTensor x = fetch_to_host(a.samples[0].args[0].to_tensor());
  const HostTensor y = fetch_to_host(b.samples[0].args[0].to_tensor());
  EXPECT_EQ(x.bytes, y.bytes);
}

TEST(ConformanceSamples, PointwiseSamplesCoverLayoutsAndShapes) {
  std::set<std::string> labels;
  for (const OpSample& s : samples_for("mul.out", kFloat64).samples) labels.insert(s.label);
  for (const char* expected : {"broadcast [4, 1] [1, 5]", "transposed [5, 4]", "sliced [3, 6] offset 1", "0-d",
                               "empty [0, 3]", "strided out [4, 6]", "out aliases an input [4, 5]"})
    EXPECT_EQ(labels.count(expected), 1u) << expected;
  // A transposed sample is really not contiguous.
  for (const OpSample& s : samples_for("mul.out", kFloat64).samples) {
    if (s.label == "transposed [5, 4]") {
      EXPECT_FALSE(s.args[0].to_tensor().is_contiguous());
    }
  }
}

TEST(ConformanceSamples, UnreachableDtypesAreSkippedWithAReason) {
  OpSampleSet set = samples_for("tanh.out", kInt32);
  EXPECT_TRUE(set.samples.empty());
  EXPECT_NE(set.skip_reason.find("float32"), std::string::npos) << set.skip_reason;
}

TEST(ConformanceSamples, RandomOpsCarryADistribution) {
  OpSampleSet set = samples_for("uniform_", kFloat32);
  ASSERT_FALSE(set.samples.empty());
  ASSERT_TRUE(set.samples[0].distribution.has_value());
  EXPECT_DOUBLE_EQ(set.samples[0].distribution->mean, 1.0);
}

TEST(ConformanceCompare, FindsTheFirstWrongElement) {
  Comparison c = compare_storages(host_of({1, 2, 3.5}, kFloat32), host_of({1, 2, 3}, kFloat64), "out");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.mismatch.find("out[2] = 3.5, expected 3"), std::string::npos) << c.mismatch;
  EXPECT_DOUBLE_EQ(c.max_abs_error, 0.5);
}

TEST(ConformanceCompare, RoundsTheReferenceToTheResultDtypeFirst) {
  // 1/3 in float64 rounds to the float16 result exactly; and int64 300 wraps to uint8 44.
  EXPECT_TRUE(compare_storages(host_of({round_to_dtype(1.0 / 3, kFloat16)}, kFloat16), host_of({1.0 / 3}, kFloat64), "x").ok);
  EXPECT_TRUE(compare_storages(host_of({44}, kUInt8), host_of({300}, kInt64), "x").ok);
  EXPECT_FALSE(compare_storages(host_of({43}, kUInt8), host_of({300}, kInt64), "x").ok);
}

TEST(ConformanceCompare, NanMatchesOnlyNanAndInfinitiesMatchExactly) {
  EXPECT_TRUE(compare_storages(host_of({NAN}, kFloat32), host_of({NAN}, kFloat64), "x").ok);
  EXPECT_FALSE(compare_storages(host_of({0}, kFloat32), host_of({NAN}, kFloat64), "x").ok);
  EXPECT_TRUE(compare_storages(host_of({INFINITY}, kFloat32), host_of({INFINITY}, kFloat64), "x").ok);
  EXPECT_FALSE(compare_storages(host_of({-INFINITY}, kFloat32), host_of({INFINITY}, kFloat64), "x").ok);
}

TEST(ConformanceCompare, ReportsWritesOutsideTheView) {
  HostTensor actual = host_of({1, 2, 9, 4}, kFloat32), expected = host_of({1, 2, 3, 4}, kFloat32);
  for (HostTensor* t : {&actual, &expected}) {
    t->sizes = {2};
    t->strides = {3};  // the view is elements 0 and 3
  }
  Comparison c = compare_storages(actual, expected, "self");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.mismatch.find("outside the view"), std::string::npos) << c.mismatch;
}

TEST(ConformanceCompare, ChecksMoments) {
  Moments uniform{0.5, 1.0 / 12, 0, 1};
  std::vector<double> good, shifted;
  for (int i = 0; i < 1000; ++i) {
    good.push_back((i + 0.5) / 1000);
    shifted.push_back((i + 0.5) / 1000 * 0.5);
  }
  EXPECT_EQ(check_moments(uniform, moments_of(good), 1000, kFloat32), "");
  EXPECT_NE(check_moments(uniform, moments_of(shifted), 1000, kFloat32), "");
  EXPECT_NE(check_moments(uniform, moments_of({2.0}), 1, kFloat32), "") << "a value out of range";
}

TEST(ConformanceMirror, KeepsLayoutAndAliasing) {
  OpSampleSet set = samples_for("add.out", kFloat32);
  const OpSample* aliased = nullptr;
  for (const OpSample& s : set.samples)
    if (s.label == "out aliases an input [4, 5]") aliased = &s;
  ASSERT_NE(aliased, nullptr);
  TensorMirror mirror(Device("cpu"), /*widen=*/true);
  Tensor self = mirror.mirror(aliased->args[0]).to_tensor();
  Tensor out = mirror.mirror(aliased->args[3]).to_tensor();
  EXPECT_EQ(self.scalar_type(), kFloat64);
  EXPECT_EQ(self.impl()->storage(), out.impl()->storage()) << "arguments sharing memory must still share it";

  for (const OpSample& s : set.samples) {
    if (s.label != "sliced [3, 6] offset 1") continue;
    const Tensor original = s.args[0].to_tensor();
    const Tensor copy = TensorMirror(Device("cpu"), false).mirror(original);
    EXPECT_EQ(copy.strides(), original.strides());
    EXPECT_EQ(copy.storage_offset(), 1);
    EXPECT_EQ(fetch_to_host(copy).values(), fetch_to_host(original).values());
  }
}

}  // namespace
}  // namespace conformance
}  // namespace ember
