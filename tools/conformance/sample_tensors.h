// Building blocks of the sample functions (op_samples_*.cpp): tensors with chosen values and
// memory layouts, written straight into cpu storage (no kernel runs, so samples are valid inputs
// for the CPU plugin's own conformance run).
//
// Ownership: a SampleBuilder collects the samples of one (op, dtype) and hands them over with
// take(). Not thread-safe (one builder per call); its random stream is seeded from the op name
// and dtype, so the same call always yields the same samples.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tools/conformance/op_samples.h"

namespace ember {
namespace conformance {

// What values a tensor holds, per dtype (bool tensors get random true/false unless noted).
enum class Values {
  Any,            // floats in [-3, 3]; signed integers in [-5, 5]; uint8 in [0, 10]
  WithZeros,      // Any, with every fourth element 0 (relu, sign, abs at 0)
  SmallIntegers,  // integers in [-2, 2] (uint8 [0, 4]) in any dtype: ties and zeros are common
  Positive,       // floats in [0.25, 4]; integers in [1, 5]; bool true
  NonZero,        // floats +-[0.5, 3]; integers +-[1, 5] (uint8 [1, 10]); bool true
  NearOne,        // floats in [0.5, 1.5]; integers in [-2, 2] (products stay small)
  Distinct,       // distinct integers (-n/2 .. n/2, uint8 0 .. n-1): no ties for arg-reductions
  MostlyNonZero,  // SmallIntegers with one element in ten 0 (all/any)
  Unit,           // floats in [-0.9, 0.9] (asin, acos); integers in [-1, 1]; uint8 [0, 1]
};

// How a tensor's elements sit in memory; the logical shape is the same for all.
enum class Layout {
  Contiguous,
  Transposed,  // dims stored in reverse order (a permuted view)
  Sliced,      // every other element of a wider last dim, storage offset 1
  Expanded,    // dim 0 broadcast with stride 0 (inputs only: its elements alias)
};

using Shape = std::vector<int64_t>;

class SampleBuilder {
 public:
  SampleBuilder(const std::string& op, ScalarType dtype);

  ScalarType dtype() const { return dtype_; }
  bool floating() const { return is_floating_point(dtype_); }

  // A cpu tensor of the builder's dtype (or another) with the given shape, values and layout.
  Tensor tensor(const Shape& sizes, Values values = Values::Any, Layout layout = Layout::Contiguous);
  Tensor tensor_of(ScalarType dtype, const Shape& sizes, Values values = Values::Any, Layout layout = Layout::Contiguous);
  // An out= argument the core resizes: shape [0].
  Tensor out(ScalarType dtype);
  Tensor out() { return out(dtype_); }
  // Indices (int64, or int32 where an op allows it) in [0, high).
  Tensor indices(const Shape& sizes, int64_t high, Layout layout = Layout::Contiguous, ScalarType dtype = kInt64);
  // int64 indices with no repeats along dim: each line along dim is a prefix of a permutation of
  // [0, high) (scatter's result is undefined for repeated indices).
  Tensor unique_indices(const Shape& sizes, int64_t dim, int64_t high);
  Tensor mask(const Shape& sizes, Layout layout = Layout::Contiguous);

  // A Scalar argument: `floating` for floating dtypes, `integral` otherwise (bool: integral != 0;
  // uint8: |integral|, since negative scalars are out of its range).
  IValue scalar(double floating, int64_t integral) const;

  void add(std::string label, std::vector<IValue> args);
  void add_random(std::string label, std::vector<IValue> args, const Moments& distribution);
  void skip(std::string reason) { set_.skip_reason = std::move(reason); }
  void set_tolerance_scale(double scale) { set_.tolerance_scale = scale; }
  OpSampleSet take() { return std::move(set_); }

  std::mt19937_64& rng() { return rng_; }

 private:
  double value(ScalarType dtype, Values values, int64_t i, int64_t n, const std::vector<int64_t>& permutation);

  ScalarType dtype_;
  std::mt19937_64 rng_;
  OpSampleSet set_;
};

// "[4, 1]".
std::string shape_label(const Shape& sizes);
// A non-tensor argument for a sample's label: "None", "trunc", "2", "0.5", "True".
std::string value_label(const IValue& v);

}  // namespace conformance
}  // namespace ember
