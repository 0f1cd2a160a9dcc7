// Samples for reductions (sum, mean, prod, amax/amin, max/min.dim, argmax/argmin, var, all/any)
// and softmax: a shared list of (shape, layout, dims, keepdim) cases, filtered by what each op's
// `dim` argument can express (a list, a single dim, or an optional one).
//
// Integer sums and products pass `dtype` explicitly: without it the core widens integer inputs
// to int64 first, and the kernel would never see the narrower dtype the plugin claims.
#include <optional>

#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

struct ReduceCase {
  std::string label;
  Shape shape;
  Layout layout = Layout::Contiguous;
  std::optional<std::vector<int64_t>> dims;  // nullopt: all dims (dim=None)
  bool keepdim = false;
  bool large = false;  // beyond what Distinct values and products can hold
};

const std::vector<ReduceCase>& reduce_cases() {
  static const std::vector<ReduceCase> cases = {
      {"all dims [3, 4, 5]", {3, 4, 5}, Layout::Contiguous, std::nullopt},
      {"dim 1 [3, 4, 5]", {3, 4, 5}, Layout::Contiguous, std::vector<int64_t>{1}},
      {"dims [0, 2] keepdim [3, 4, 5]", {3, 4, 5}, Layout::Contiguous, std::vector<int64_t>{0, 2}, true},
      {"dim -1 transposed [4, 6]", {4, 6}, Layout::Transposed, std::vector<int64_t>{-1}},
      {"dim 0 sliced [5, 3]", {5, 3}, Layout::Sliced, std::vector<int64_t>{0}},
      {"dim 0 keepdim expanded [3, 4]", {3, 4}, Layout::Expanded, std::vector<int64_t>{0}, true},
      {"0-d", {}, Layout::Contiguous, std::nullopt},
      {"0-d dim 0", {}, Layout::Contiguous, std::vector<int64_t>{0}},
      {"empty [0, 4] dim 1", {0, 4}, Layout::Contiguous, std::vector<int64_t>{1}},
      {"empty [0, 4] dim 0", {0, 4}, Layout::Contiguous, std::vector<int64_t>{0}},
      {"large [129, 257] dim 1", {129, 257}, Layout::Contiguous, std::vector<int64_t>{1}, false, true},
      {"large transposed [129, 257] all dims", {129, 257}, Layout::Transposed, std::nullopt, false, true},
  };
  return cases;
}

IValue dims_value(const std::optional<std::vector<int64_t>>& dims) {
  return dims ? IValue(*dims) : IValue();
}

// Ops whose dim is an `int[1]?` (sum, mean, var, all, any) or `int[1]` (amax, amin).
void list_dim_reduction(const FunctionSchema& schema, SampleBuilder& b, Values values, ScalarType out_dtype,
                        bool pass_dtype, bool dims_required) {
  for (const ReduceCase& c : reduce_cases()) {
    std::map<std::string, IValue> given;
    given["self"] = b.tensor(c.shape, values, c.layout);
    given["dim"] = dims_required && !c.dims ? IValue(std::vector<int64_t>{}) : dims_value(c.dims);
    given["keepdim"] = IValue(c.keepdim);
    if (pass_dtype) given["dtype"] = IValue(b.dtype());
    given["out"] = b.out(out_dtype);
    b.add(c.label, complete_arguments(schema, given));
  }
}

// Ops whose dim is one `int` (prod, max.dim, min.dim, softmax) or an `int?` (argmax, argmin).
void single_dim_reduction(const FunctionSchema& schema, SampleBuilder& b, Values values,
                          const std::vector<std::pair<std::string, ScalarType>>& outs, bool optional_dim,
                          bool allow_large, bool pass_dtype) {
  for (const ReduceCase& c : reduce_cases()) {
    if (c.large && !allow_large) continue;
    if (c.dims && c.dims->size() != 1) continue;
    if (!c.dims && !optional_dim) continue;
    if (values == Values::Distinct && c.layout == Layout::Expanded) continue;  // stride 0 repeats values
    std::map<std::string, IValue> given;
    given["self"] = b.tensor(c.shape, values, c.layout);
    given["dim"] = c.dims ? IValue((*c.dims)[0]) : optional_dim ? IValue() : IValue(int64_t{0});
    if (schema.argument_index("keepdim") >= 0) given["keepdim"] = IValue(c.keepdim);
    if (schema.argument_index("half_to_float") >= 0) given["half_to_float"] = IValue(false);
    if (pass_dtype) given["dtype"] = IValue(b.dtype());
    for (const auto& [name, dtype] : outs) given[name] = b.out(dtype);
    b.add(c.label, complete_arguments(schema, given));
  }
}

void sum_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(10);
  list_dim_reduction(s, b, Values::Any, b.dtype(), !b.floating(), false);
}

void mean_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("mean needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(10);
  list_dim_reduction(s, b, Values::Any, b.dtype(), false, false);
}

void var_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("var needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(10);
  list_dim_reduction(s, b, Values::Any, b.dtype(), false, false);
  // Corrections other than the default (1), on one shape.
  for (int64_t correction : {0, 2}) {
    std::map<std::string, IValue> given{{"self", b.tensor({4, 6})},
                                        {"dim", IValue(std::vector<int64_t>{1})},
                                        {"correction", IValue(correction)},
                                        {"out", b.out()}};
    b.add("dim 1 [4, 6] correction=" + std::to_string(correction), complete_arguments(s, given));
  }
}

void amax_amin_samples(const FunctionSchema& s, SampleBuilder& b) {
  list_dim_reduction(s, b, Values::Any, b.dtype(), false, true);
}

void all_any_samples(const FunctionSchema& s, SampleBuilder& b) {
  list_dim_reduction(s, b, Values::MostlyNonZero, kBool, false, false);
}

void prod_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(10);
  // Products of many terms leave the range of 16-bit floats and small integers: no large cases.
  single_dim_reduction(s, b, Values::NearOne, {{"out", b.dtype()}}, false, false, !b.floating());
}

void max_min_dim_samples(const FunctionSchema& s, SampleBuilder& b) {
  // Distinct values: the index of the maximum is then unambiguous on every device.
  const std::string values_name = s.arguments()[3].name, indices_name = s.arguments()[4].name;
  single_dim_reduction(s, b, Values::Distinct, {{values_name, b.dtype()}, {indices_name, kInt64}}, false, false, false);
}

void arg_reduce_samples(const FunctionSchema& s, SampleBuilder& b) {
  single_dim_reduction(s, b, Values::Distinct, {{"out", kInt64}}, true, false, false);
}

void softmax_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("softmax needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(4);
  single_dim_reduction(s, b, Values::Any, {{"out", b.dtype()}}, false, true, false);
}

}  // namespace

void register_reduction_samples(SampleRegistry& r) {
  r["sum.IntList_out"] = &sum_samples;
  r["mean.out"] = &mean_samples;
  r["var.correction_out"] = &var_samples;
  r["prod.int_out"] = &prod_samples;
  r["amax.out"] = &amax_amin_samples;
  r["amin.out"] = &amax_amin_samples;
  r["max.dim_max"] = &max_min_dim_samples;
  r["min.dim_min"] = &max_min_dim_samples;
  r["argmax.out"] = &arg_reduce_samples;
  r["argmin.out"] = &arg_reduce_samples;
  r["all.dims_out"] = &all_any_samples;
  r["any.dims_out"] = &all_any_samples;
  r["_softmax.out"] = &softmax_samples;
  r["_log_softmax.out"] = &softmax_samples;
}

}  // namespace conformance
}  // namespace ember
