// Sample inputs for every backend operator of ops.yaml (`dispatch: backend`), for the plugin
// conformance suite (ember-conformance) and for tests that want to run an op on many inputs.
//
//   OpSampleSet set = samples_for("add.out", kFloat16);
//   for (const OpSample& s : set.samples) { Stack args = s.args; op.call_boxed(&args); ... }
//
// A sample is one call: the op's arguments in schema order, out= and in-place tensors included,
// as cpu tensors (move them to another device keeping their layout: TensorMirror). The samples
// for a dtype are the calls whose *kernel* computes in that dtype (the dtype the plugin's dtype
// mask is checked against), covering broadcasting, non-contiguous inputs and outputs (transposed
// and sliced views with offsets), 0-d and empty tensors, a size above the CPU plugin's parallel
// grain, and the op's interesting non-tensor arguments (alpha, rounding modes, dims, keepdim,
// strides and paddings, ...). Values are chosen so that results are well defined: no integer
// overflow or division by zero, distinct values where ties would make indices ambiguous.
//
// Pointwise ops (tag `pointwise` in ops.yaml) are generated from their schema; the other families
// have one function each (op_samples_*.cpp). Generation is deterministic (fixed seeds).
//
// Thread-safety: samples_for may be called from several threads; the registry is immutable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "tools/conformance/compare.h"

namespace ember {
namespace conformance {

struct OpSample {
  std::string label;         // "broadcast [4, 1] [1, 5]", "transposed", "0-d", "empty", ...
  std::vector<IValue> args;  // in schema order, on cpu
  // Random ops: the distribution the written tensor must follow. Their results are compared by
  // statistics and by determinism (the same seed gives the same values), never element-wise.
  std::optional<Moments> distribution;
};

struct OpSampleSet {
  std::vector<OpSample> samples;
  std::string skip_reason;      // set when there are no samples for this dtype, and why
  double tolerance_scale = 1;   // > 1 for ops that accumulate many terms (matmul, reductions)
};

// The samples of op (name with overload, "add.out"; "ns::name.overload" outside aten) whose
// kernel computes in dtype. An op without a sample function gives an empty set with a skip reason.
// Throws ember::Error when the op is not defined.
OpSampleSet samples_for(const std::string& op, ScalarType dtype);

// Whether op has a sample function; the ops that do, sorted.
bool has_samples(const std::string& op);
std::vector<std::string> ops_with_samples();

// Random ops take their Generator from here, so a sample can be rerun with the same seed.
constexpr uint64_t kSampleSeed = 20240611;

}  // namespace conformance
}  // namespace ember
