// Sample calls for gradcheck of every differentiable operator (tests/autograd/
// gradcheck_all_ops_test.cpp), keyed by "name.overload" as in ops.yaml.
//
// A sample names some arguments; the rest take their schema defaults (or None). Tensors are small
// float64 tensors (indices int64, masks bool) with values that keep the op smooth around them:
// positive bases for log/sqrt/pow, no ties for max/maximum, nothing near clamp's bounds or the
// jumps of floor division. Samples cover broadcasting; the test adds a non-contiguous variant of
// every sample itself. In-place ops (add_.Tensor) use their functional op's samples ("add.Tensor")
// unless they have their own; samples whose self would have to broadcast are skipped for them.
//
// Adding an op with `derivatives:` to ops.yaml? Add its samples here: the test fails for a
// differentiable op without any.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/ember_test_support.h"

namespace ember_test {
namespace grad_samples {

using ember::IValue;
using Shape = std::vector<int64_t>;

struct GradSample {
  std::string label;
  std::map<std::string, IValue> args;  // by schema argument name
  std::vector<size_t> outputs;         // outputs to check; empty: every floating output
};

inline uint64_t& seed_counter() {
  static uint64_t s = 1;
  return s;
}
inline int64_t count(const Shape& s) {
  int64_t n = 1;
  for (int64_t v : s) n *= v;
  return n;
}
// Values in [lo, hi).
inline Tensor U(const Shape& s, double lo = -2, double hi = 2) {
  return make(pseudo_random(count(s), lo, hi, seed_counter()++), s, ember::kFloat64);
}
// Values with 0.3 <= |x| <= 2: away from abs/sign's kink and from 0 for division.
inline Tensor NZ(const Shape& s) {
  std::vector<double> v = pseudo_random(count(s), 0.3, 2, seed_counter()++);
  std::vector<double> sign = pseudo_random(count(s), 0, 1, seed_counter()++);
  for (size_t i = 0; i < v.size(); ++i) v[i] *= sign[i] < 0.5 ? -1 : 1;
  return make(v, s, ember::kFloat64);
}
inline Tensor P(const Shape& s) { return U(s, 0.5, 2); }  // positive
inline Tensor I(const std::vector<double>& values, const Shape& s) { return make(values, s, ember::kInt64); }
inline Tensor B(const std::vector<double>& values, const Shape& s) { return make(values, s, ember::kBool); }

using Args = std::map<std::string, IValue>;
inline GradSample S(std::string label, Args args, std::vector<size_t> outputs = {}) {
  return {std::move(label), std::move(args), std::move(outputs)};
}

inline std::vector<GradSample> binary(const char* other = "other", bool nonzero_other = false) {
  auto o = [&](const Shape& s) { return nonzero_other ? NZ(s) : U(s); };
  return {S("same shape", {{"self", U({2, 3})}, {other, o({2, 3})}}),
          S("broadcast", {{"self", U({3, 4})}, {other, o({4})}}),
          S("broadcast both", {{"self", U({3, 1})}, {other, o({1, 2})}}),
          S("0-d other", {{"self", U({2, 2})}, {other, o({})}})};
}

inline std::vector<GradSample> unary(std::function<Tensor(const Shape&)> make_input) {
  return {S("2-d", {{"self", make_input({2, 3})}}), S("0-d", {{"self", make_input({})}}),
          S("1-d", {{"self", make_input({5})}})};
}

inline std::vector<GradSample> random_inplace() { return {S("2-d", {{"self", U({2, 3})}})}; }

inline const std::map<std::string, std::function<std::vector<GradSample>()>>& table() {
  using ember::Scalar;
  static const auto* t = new std::map<std::string, std::function<std::vector<GradSample>()>>{
      // ---- factories, copies, random ops (gradient zero or identity) ----
      {"fill_.Scalar", [] { return std::vector<GradSample>{S("2-d", {{"self", U({2, 3})}, {"value", Scalar(2.5)}})}; }},
      {"uniform_", random_inplace},
      {"normal_", random_inplace},
      {"random_.from", [] { return std::vector<GradSample>{S("2-d", {{"self", U({2, 3})}, {"from", 0}, {"to", 5}})}; }},
      {"bernoulli_.float", random_inplace},
      {"copy_",
       [] {
         return std::vector<GradSample>{S("same shape", {{"self", U({2, 3})}, {"src", U({2, 3})}}),
                                        S("broadcast src", {{"self", U({2, 3})}, {"src", U({3})}})};
       }},
      {"_copy_same_device_", [] { return std::vector<GradSample>{S("same shape", {{"self", U({2, 3})}, {"src", U({2, 3})}})}; }},
      {"clone", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"_to_copy", [] { return std::vector<GradSample>{S("float64", {{"self", U({2, 3})}, {"dtype", ember::kFloat64}})}; }},
      // ---- views ----
      {"as_strided",
       [] {
         return std::vector<GradSample>{
             S("window", {{"self", U({3, 3})}, {"size", IValue(Shape{2, 2})}, {"stride", IValue(Shape{1, 2})},
                          {"storage_offset", 1}}),
             S("overlapping", {{"self", U({3, 3})}, {"size", IValue(Shape{3, 2})}, {"stride", IValue(Shape{1, 1})}})};
       }},
      {"view", [] { return std::vector<GradSample>{S("flatten", {{"self", U({2, 3})}, {"size", IValue(Shape{3, -1})}})}; }},
      {"permute", [] { return std::vector<GradSample>{S("3-d", {{"self", U({2, 3, 2})}, {"dims", IValue(Shape{2, 0, 1})}})}; }},
      {"transpose.int", [] { return std::vector<GradSample>{S("2-d", {{"self", U({2, 3})}, {"dim0", 0}, {"dim1", -1}})}; }},
      {"transpose_", [] { return std::vector<GradSample>{S("3-d", {{"self", U({2, 3, 2})}, {"dim0", 0}, {"dim1", 1}})}; }},
      {"t_", [] { return std::vector<GradSample>{S("2-d", {{"self", U({2, 3})}}), S("1-d", {{"self", U({3})}})}; }},
      {"expand",
       [] {
         return std::vector<GradSample>{S("size-1 dim", {{"self", U({3, 1})}, {"size", IValue(Shape{3, 4})}}),
                                        S("new leading dims", {{"self", U({2})}, {"size", IValue(Shape{3, -1})}})};
       }},
      {"slice.Tensor",
       [] {
         return std::vector<GradSample>{S("step 1", {{"self", U({4, 3})}, {"dim", 0}, {"start", 1}, {"end", 3}}),
                                        S("step 2", {{"self", U({3, 5})}, {"dim", 1}, {"start", -4}, {"step", 2}})};
       }},
      {"select.int",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({3, 4})}, {"dim", 1}, {"index", 2}}),
                                        S("negative index", {{"self", U({3, 4})}, {"dim", 0}, {"index", -1}})};
       }},
      {"squeeze", [] { return std::vector<GradSample>{S("two size-1 dims", {{"self", U({1, 3, 1})}})}; }},
      {"squeeze.dim", [] { return std::vector<GradSample>{S("size-1 dim", {{"self", U({3, 1})}, {"dim", -1}})}; }},
      {"unsqueeze", [] { return std::vector<GradSample>{S("middle", {{"self", U({2, 3})}, {"dim", 1}})}; }},
      {"alias", [] { return unary([](const Shape& s) { return U(s); }); }},
      // ---- pointwise ----
      {"add.Tensor",
       [] {
         auto v = binary();
         v.push_back(S("alpha", {{"self", U({2, 3})}, {"other", U({3})}, {"alpha", Scalar(2.5)}}));
         return v;
       }},
      {"sub.Tensor",
       [] {
         auto v = binary();
         v.push_back(S("alpha", {{"self", U({2, 3})}, {"other", U({2, 3})}, {"alpha", Scalar(-1.5)}}));
         return v;
       }},
      {"mul.Tensor", [] { return binary(); }},
      {"div.Tensor", [] { return binary("other", true); }},
      {"div.Tensor_mode",
       [] {
         auto v = binary("other", true);
         v.push_back(S("trunc", {{"self", U({2, 3}, -5, 5)}, {"other", NZ({3})}, {"rounding_mode", "trunc"}}));
         v.push_back(S("floor", {{"self", U({2, 3}, -5, 5)}, {"other", NZ({2, 3})}, {"rounding_mode", "floor"}}));
         return v;
       }},
      {"pow.Tensor_Tensor",
       [] {
         return std::vector<GradSample>{S("same shape", {{"self", P({2, 3})}, {"exponent", U({2, 3})}}),
                                        S("broadcast", {{"self", P({3, 1})}, {"exponent", U({2})}})};
       }},
      {"pow_.Tensor", [] { return std::vector<GradSample>{S("same shape", {{"self", P({2, 3})}, {"exponent", U({2, 3})}})}; }},
      {"pow.Tensor_Scalar",
       [] {
         return std::vector<GradSample>{S("square", {{"self", U({2, 3})}, {"exponent", Scalar(int64_t(2))}}),
                                        S("cube", {{"self", U({4})}, {"exponent", Scalar(int64_t(3))}}),
                                        S("sqrt", {{"self", P({2, 2})}, {"exponent", Scalar(0.5)}}),
                                        S("negative", {{"self", P({3})}, {"exponent", Scalar(-1.5)}}),
                                        S("zero", {{"self", U({3})}, {"exponent", Scalar(int64_t(0))}})};
       }},
      {"maximum", [] { return binary(); }},
      {"minimum", [] { return binary(); }},
      {"where.self",
       [] {
         return std::vector<GradSample>{
             S("broadcast", {{"condition", B({1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1}, {3, 4})}, {"self", U({3, 4})}, {"other", U({4})}}),
             S("condition broadcasts", {{"condition", B({1, 0, 1}, {3, 1})}, {"self", U({3, 2})}, {"other", U({3, 2})}})};
       }},
      {"clamp",
       [] {
         // Values sit at least 0.1 away from the bounds.
         Tensor x = make({-1.9, -1.2, -0.6, -0.2, 0.25, 0.7, 1.3, 1.8}, {2, 4}, ember::kFloat64);
         return std::vector<GradSample>{S("min and max", {{"self", x}, {"min", Scalar(-1.0)}, {"max", Scalar(1.0)}}),
                                        S("min", {{"self", x.clone()}, {"min", Scalar(0.0)}}),
                                        S("max", {{"self", x.clone()}, {"max", Scalar(-0.4)}})};
       }},
      {"neg", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"abs", [] { return unary(NZ); }},
      {"sign", [] { return unary(NZ); }},
      {"exp", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"log", [] { return unary(P); }},
      {"sqrt", [] { return unary(P); }},
      {"rsqrt", [] { return unary(P); }},
      {"sin", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"cos", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"tanh", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"erf", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"sigmoid", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"relu", [] { return unary(NZ); }},
      {"silu", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"gelu",
       [] {
         return std::vector<GradSample>{S("erf", {{"self", U({2, 3})}}),
                                        S("tanh", {{"self", U({2, 3})}, {"approximate", "tanh"}})};
       }},
      // ---- more pointwise math ----
      {"log1p", [] { return unary(P); }},
      {"expm1", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"log2", [] { return unary(P); }},
      {"log10", [] { return unary(P); }},
      {"exp2", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"erf", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"erfc", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"tan", [] { return unary([](const Shape& s) { return U(s, -1, 1); }); }},
      {"asin", [] { return unary([](const Shape& s) { return U(s, -0.8, 0.8); }); }},
      {"acos", [] { return unary([](const Shape& s) { return U(s, -0.8, 0.8); }); }},
      {"atan", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"sinh", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"cosh", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"asinh", [] { return unary([](const Shape& s) { return U(s); }); }},
      {"reciprocal", [] { return unary(NZ); }},
      // Away from the integers, where the rounding ops jump.
      {"floor", [] { return unary([](const Shape& s) { return U(s, 0.1, 0.9); }); }},
      {"ceil", [] { return unary([](const Shape& s) { return U(s, 0.1, 0.9); }); }},
      {"round", [] { return unary([](const Shape& s) { return U(s, 0.1, 0.4); }); }},
      {"trunc", [] { return unary([](const Shape& s) { return U(s, 0.1, 0.9); }); }},
      {"frac", [] { return unary([](const Shape& s) { return U(s, 0.1, 0.9); }); }},
      {"atan2.Tensor", [] { return binary("other", true); }},
      // Quotients in (0.1, 0.9): away from the jumps of trunc and floor.
      {"fmod.Tensor",
       [] {
         return std::vector<GradSample>{S("same shape", {{"self", U({2, 3}, 0.5, 2)}, {"other", U({2, 3}, 2.5, 3.5)}}),
                                        S("broadcast", {{"self", U({3, 2}, 0.5, 2)}, {"other", U({2}, 2.5, 3.5)}})};
       }},
      {"remainder.Tensor",
       [] {
         return std::vector<GradSample>{S("same shape", {{"self", U({2, 3}, 0.5, 2)}, {"other", U({2, 3}, 2.5, 3.5)}}),
                                        S("broadcast", {{"self", U({3, 2}, 0.5, 2)}, {"other", U({2}, 2.5, 3.5)}})};
       }},
      // ---- reductions ----
      {"sum",
       [] { return std::vector<GradSample>{S("2-d", {{"self", U({2, 3})}}), S("0-d", {{"self", U({})}})}; }},
      {"sum.dim_IntList",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({2, 3})}, {"dim", IValue(Shape{1})}}),
                                        S("dims keepdim", {{"self", U({2, 3, 2})}, {"dim", IValue(Shape{0, -1})}, {"keepdim", true}}),
                                        S("all dims", {{"self", U({2, 3})}, {"dim", IValue()}})};
       }},
      {"mean",
       [] { return std::vector<GradSample>{S("2-d", {{"self", U({2, 3})}}), S("0-d", {{"self", U({})}})}; }},
      {"mean.dim",
       [] {
         return std::vector<GradSample>{S("dim 0", {{"self", U({2, 3})}, {"dim", IValue(Shape{0})}}),
                                        S("keepdim", {{"self", U({2, 3, 2})}, {"dim", IValue(Shape{1, 2})}, {"keepdim", true}})};
       }},
      {"prod.dim_int",
       [] {
         return std::vector<GradSample>{
             S("dim 1", {{"self", NZ({2, 3})}, {"dim", 1}}),
             S("keepdim", {{"self", NZ({3, 2})}, {"dim", 0}, {"keepdim", true}}),
             S("one zero", {{"self", make({1.5, 0, -2, 0.5, 1.2, -0.7}, {2, 3}, ember::kFloat64)}, {"dim", 1}}),
             S("two zeros", {{"self", make({0, 0, -2, 0.5, 1.2, -0.7}, {2, 3}, ember::kFloat64)}, {"dim", 1}})};
       }},
      {"norm.ScalarOpt_dim",
       [] {
         return std::vector<GradSample>{
             S("p 2 dim 1", {{"self", U({3, 4})}, {"p", Scalar(2.0)}, {"dim", IValue(Shape{1})}}),
             S("p 1 keepdim", {{"self", NZ({3, 4})}, {"p", Scalar(int64_t(1))}, {"dim", IValue(Shape{0})}, {"keepdim", true}}),
             S("p 3 two dims", {{"self", NZ({2, 3, 2})}, {"p", Scalar(3.0)}, {"dim", IValue(Shape{0, 2})}}),
             S("p None is 2", {{"self", U({2, 3})}, {"p", IValue()}, {"dim", IValue(Shape{-1})}}),
             S("p inf", {{"self", U({3, 4})}, {"p", Scalar(std::numeric_limits<double>::infinity())}, {"dim", IValue(Shape{1})}})};
       }},
      {"amax",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({3, 4})}, {"dim", IValue(Shape{1})}}),
                                        S("all keepdim", {{"self", U({2, 3})}, {"dim", IValue(Shape{})}, {"keepdim", true}})};
       }},
      {"amin",
       [] {
         return std::vector<GradSample>{S("dim 0", {{"self", U({3, 4})}, {"dim", IValue(Shape{0})}}),
                                        S("all", {{"self", U({2, 3})}})};
       }},
      {"max.dim",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({3, 4})}, {"dim", 1}}),
                                        S("keepdim", {{"self", U({3, 4})}, {"dim", 0}, {"keepdim", true}})};
       }},
      {"min.dim",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({3, 4})}, {"dim", 1}}),
                                        S("keepdim", {{"self", U({3, 4})}, {"dim", -1}, {"keepdim", true}})};
       }},
      {"var.correction",
       [] {
         return std::vector<GradSample>{S("all", {{"self", U({2, 3})}}),
                                        S("dim 1", {{"self", U({3, 4})}, {"dim", IValue(Shape{1})}}),
                                        S("correction 0 keepdim",
                                          {{"self", U({3, 4})}, {"dim", IValue(Shape{0})}, {"correction", Scalar(int64_t(0))},
                                           {"keepdim", true}})};
       }},
      {"_softmax",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({2, 4})}, {"dim", 1}, {"half_to_float", false}}),
                                        S("dim 0", {{"self", U({3, 2})}, {"dim", 0}, {"half_to_float", false}})};
       }},
      {"_log_softmax",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({2, 4})}, {"dim", 1}, {"half_to_float", false}}),
                                        S("dim 0", {{"self", U({3, 2})}, {"dim", 0}, {"half_to_float", false}})};
       }},
      // ---- linear algebra ----
      {"mm", [] { return std::vector<GradSample>{S("2x3 @ 3x4", {{"self", U({2, 3})}, {"mat2", U({3, 4})}})}; }},
      {"mv", [] { return std::vector<GradSample>{S("3x4 @ 4", {{"self", U({3, 4})}, {"vec", U({4})}})}; }},
      {"bmm", [] { return std::vector<GradSample>{S("batch 2", {{"self", U({2, 2, 3})}, {"mat2", U({2, 3, 2})}})}; }},
      {"addmm",
       [] {
         return std::vector<GradSample>{
             S("broadcast self", {{"self", U({4})}, {"mat1", U({2, 3})}, {"mat2", U({3, 4})}}),
             S("beta alpha", {{"self", U({2, 4})}, {"mat1", U({2, 3})}, {"mat2", U({3, 4})}, {"beta", Scalar(0.5)},
                              {"alpha", Scalar(-2.0)}})};
       }},
      // ---- neural-network ops ----
      {"convolution",
       [] {
         Shape zero2{0, 0}, one2{1, 1};
         return std::vector<GradSample>{
             S("3x3, bias", {{"input", U({1, 2, 4, 4})}, {"weight", U({3, 2, 3, 3})}, {"bias", U({3})},
                             {"stride", IValue(one2)}, {"padding", IValue(one2)}, {"dilation", IValue(one2)},
                             {"transposed", false}, {"output_padding", IValue(zero2)}, {"groups", 1}}),
             S("stride 2, groups 2", {{"input", U({2, 2, 5, 5})}, {"weight", U({2, 1, 2, 2})}, {"bias", IValue()},
                                      {"stride", IValue(Shape{2, 2})}, {"padding", IValue(zero2)},
                                      {"dilation", IValue(one2)}, {"transposed", false},
                                      {"output_padding", IValue(zero2)}, {"groups", 2}})};
       }},
      {"native_batch_norm",
       [] {
         return std::vector<GradSample>{
             S("training", {{"input", U({3, 2, 2})}, {"weight", U({2})}, {"bias", U({2})}, {"running_mean", IValue()},
                            {"running_var", IValue()}, {"training", true}, {"momentum", 0.1}, {"eps", 1e-5}},
               {0}),
             S("eval", {{"input", U({3, 2, 2})}, {"weight", U({2})}, {"bias", U({2})}, {"running_mean", U({2})},
                        {"running_var", P({2})}, {"training", false}, {"momentum", 0.1}, {"eps", 1e-5}},
               {0})};
       }},
      {"native_layer_norm",
       [] {
         return std::vector<GradSample>{S("last dim", {{"input", U({3, 4})}, {"normalized_shape", IValue(Shape{4})},
                                                       {"weight", U({4})}, {"bias", U({4})}, {"eps", 1e-5}},
                                          {0}),
                                        S("no affine", {{"input", U({2, 2, 3})}, {"normalized_shape", IValue(Shape{2, 3})},
                                                        {"weight", IValue()}, {"bias", IValue()}, {"eps", 1e-5}},
                                          {0})};
       }},
      {"max_pool2d_with_indices",
       [] {
         return std::vector<GradSample>{S("2x2", {{"self", U({1, 2, 4, 4})}, {"kernel_size", IValue(Shape{2, 2})}}, {0}),
                                        S("3x3 stride 2 pad 1",
                                          {{"self", U({1, 1, 5, 5})}, {"kernel_size", IValue(Shape{3, 3})},
                                           {"stride", IValue(Shape{2, 2})}, {"padding", IValue(Shape{1, 1})}},
                                          {0})};
       }},
      {"avg_pool2d",
       [] {
         return std::vector<GradSample>{
             S("2x2", {{"self", U({1, 2, 4, 4})}, {"kernel_size", IValue(Shape{2, 2})}}),
             S("3x3 pad 1", {{"self", U({1, 1, 5, 5})}, {"kernel_size", IValue(Shape{3, 3})}, {"stride", IValue(Shape{2, 2})},
                             {"padding", IValue(Shape{1, 1})}, {"count_include_pad", false}})};
       }},
      {"_adaptive_avg_pool2d",
       [] {
         return std::vector<GradSample>{S("to 2x2", {{"self", U({1, 2, 5, 4})}, {"output_size", IValue(Shape{2, 2})}}),
                                        S("to 1x1", {{"self", U({2, 1, 3, 3})}, {"output_size", IValue(Shape{1, 1})}})};
       }},
      {"binary_cross_entropy",
       [] {
         return std::vector<GradSample>{
             S("mean", {{"self", U({2, 3}, 0.1, 0.9)}, {"target", U({2, 3}, 0, 1)}}),
             S("sum, weight", {{"self", U({4}, 0.1, 0.9)}, {"target", U({4}, 0, 1)}, {"weight", P({4})}, {"reduction", 2}}),
             S("none, [N, 1] input with an [N] target",
               {{"self", U({3, 1}, 0.1, 0.9)}, {"target", U({3}, 0, 1)}, {"reduction", 0}})};
       }},
      {"nll_loss_forward",
       [] {
         Tensor target = I({3, 0, 1}, {3});
         return std::vector<GradSample>{
             S("mean", {{"self", U({3, 4})}, {"target", target}, {"weight", IValue()}, {"reduction", 1}, {"ignore_index", -100}},
               {0}),
             S("sum, weight", {{"self", U({3, 4})}, {"target", target.clone()}, {"weight", P({4})}, {"reduction", 2},
                               {"ignore_index", -100}},
               {0}),
             S("none, ignore_index", {{"self", U({3, 4})}, {"target", target.clone()}, {"weight", IValue()}, {"reduction", 0},
                                      {"ignore_index", 1}},
               {0}),
             S("1-d input", {{"self", U({4})}, {"target", I({2}, {})}, {"weight", IValue()}, {"reduction", 1},
                             {"ignore_index", -100}},
               {0})};
       }},
      // ---- backward ops of the neural-network ops, losses ----
      {"threshold_backward",
       [] {
         return std::vector<GradSample>{S("threshold 0", {{"grad_output", U({2, 3})}, {"self", NZ({2, 3})}, {"threshold", Scalar(0.0)}}),
                                        S("broadcast grad", {{"grad_output", U({3})}, {"self", NZ({2, 3})}, {"threshold", Scalar(0.0)}})};
       }},
      {"gelu_backward",
       [] {
         return std::vector<GradSample>{S("erf", {{"grad_output", U({2, 3})}, {"self", U({2, 3})}}),
                                        S("tanh", {{"grad_output", U({2, 3})}, {"self", U({2, 3})}, {"approximate", "tanh"}})};
       }},
      {"silu_backward", [] { return std::vector<GradSample>{S("2-d", {{"grad_output", U({2, 3})}, {"self", U({2, 3})}})}; }},
      {"sigmoid_backward",
       [] { return std::vector<GradSample>{S("2-d", {{"grad_output", U({2, 3})}, {"output", U({2, 3}, 0.1, 0.9)}})}; }},
      {"tanh_backward",
       [] { return std::vector<GradSample>{S("2-d", {{"grad_output", U({2, 3})}, {"output", U({2, 3}, -0.9, 0.9)}})}; }},
      {"_softmax_backward_data",
       [] {
         return std::vector<GradSample>{
             S("dim 1", {{"grad_output", U({2, 4})}, {"output", U({2, 4}, 0.1, 0.9)}, {"dim", 1}, {"input_dtype", ember::kFloat64}}),
             S("dim 0", {{"grad_output", U({3, 2})}, {"output", U({3, 2}, 0.1, 0.9)}, {"dim", 0}, {"input_dtype", ember::kFloat64}})};
       }},
      {"_log_softmax_backward_data",
       [] {
         return std::vector<GradSample>{
             S("dim 1", {{"grad_output", U({2, 4})}, {"output", U({2, 4}, -3, -0.1)}, {"dim", 1}, {"input_dtype", ember::kFloat64}}),
             S("dim 0", {{"grad_output", U({3, 2})}, {"output", U({3, 2}, -3, -0.1)}, {"dim", 0}, {"input_dtype", ember::kFloat64}})};
       }},
      {"max_pool2d_with_indices_backward",
       [] {
         Shape two{2, 2}, zero{0, 0}, one{1, 1};
         return std::vector<GradSample>{
             S("2x2", {{"grad_output", U({1, 2, 2, 2})}, {"self", U({1, 2, 4, 4})}, {"kernel_size", IValue(two)},
                       {"stride", IValue(two)}, {"padding", IValue(zero)}, {"dilation", IValue(one)}, {"ceil_mode", false},
                       {"indices", I({0, 3, 9, 15, 5, 6, 10, 12}, {1, 2, 2, 2})}}),
             S("3x3 stride 2 pad 1, repeats", {{"grad_output", U({1, 1, 3, 3})}, {"self", U({1, 1, 5, 5})},
                                               {"kernel_size", IValue(Shape{3, 3})}, {"stride", IValue(two)},
                                               {"padding", IValue(one)}, {"dilation", IValue(one)}, {"ceil_mode", false},
                                               {"indices", I({0, 2, 4, 11, 12, 12, 20, 22, 24}, {1, 1, 3, 3})}})};
       }},
      {"avg_pool2d_backward",
       [] {
         Shape two{2, 2};
         return std::vector<GradSample>{
             S("2x2", {{"grad_output", U({1, 2, 2, 2})}, {"self", U({1, 2, 4, 4})}, {"kernel_size", IValue(two)},
                       {"stride", IValue(two)}, {"padding", IValue(Shape{0, 0})}, {"ceil_mode", false},
                       {"count_include_pad", true}, {"divisor_override", IValue()}}),
             S("3x3 pad 1", {{"grad_output", U({1, 1, 3, 3})}, {"self", U({1, 1, 5, 5})}, {"kernel_size", IValue(Shape{3, 3})},
                             {"stride", IValue(two)}, {"padding", IValue(Shape{1, 1})}, {"ceil_mode", false},
                             {"count_include_pad", false}, {"divisor_override", IValue()}})};
       }},
      {"_adaptive_avg_pool2d_backward",
       [] {
         return std::vector<GradSample>{S("from 5x4 to 2x2", {{"grad_output", U({1, 2, 2, 2})}, {"self", U({1, 2, 5, 4})}})};
       }},
      {"convolution_backward",
       [] {
         Shape zero2{0, 0}, one2{1, 1};
         return std::vector<GradSample>{
             S("3x3, all gradients",
               {{"grad_output", U({1, 3, 4, 4})}, {"input", U({1, 2, 4, 4})}, {"weight", U({3, 2, 3, 3})},
                {"bias_sizes", IValue(Shape{3})}, {"stride", IValue(one2)}, {"padding", IValue(one2)},
                {"dilation", IValue(one2)}, {"transposed", false}, {"output_padding", IValue(zero2)}, {"groups", 1},
                {"output_mask", IValue(std::vector<bool>{true, true, true})}}),
             S("stride 2, groups 2, no bias",
               {{"grad_output", U({2, 2, 2, 2})}, {"input", U({2, 2, 5, 5})}, {"weight", U({2, 1, 2, 2})},
                {"bias_sizes", IValue()}, {"stride", IValue(Shape{2, 2})}, {"padding", IValue(zero2)},
                {"dilation", IValue(one2)}, {"transposed", false}, {"output_padding", IValue(zero2)}, {"groups", 2},
                {"output_mask", IValue(std::vector<bool>{true, true, false})}})};
       }},
      {"native_batch_norm_backward",
       [] {
         std::vector<bool> all{true, true, true};
         return std::vector<GradSample>{
             S("train", {{"grad_out", U({3, 2, 2})}, {"input", U({3, 2, 2})}, {"weight", U({2})}, {"running_mean", IValue()},
                         {"running_var", IValue()}, {"save_mean", U({2})}, {"save_invstd", P({2})}, {"train", true},
                         {"eps", 1e-5}, {"output_mask", IValue(all)}}),
             S("eval", {{"grad_out", U({3, 2, 2})}, {"input", U({3, 2, 2})}, {"weight", U({2})}, {"running_mean", U({2})},
                        {"running_var", P({2})}, {"save_mean", IValue()}, {"save_invstd", IValue()}, {"train", false},
                        {"eps", 1e-5}, {"output_mask", IValue(all)}}),
             S("train, no weight, input only",
               {{"grad_out", U({4, 3})}, {"input", U({4, 3})}, {"weight", IValue()}, {"running_mean", IValue()},
                {"running_var", IValue()}, {"save_mean", U({3})}, {"save_invstd", P({3})}, {"train", true}, {"eps", 1e-5},
                {"output_mask", IValue(std::vector<bool>{true, false, false})}})};
       }},
      {"native_layer_norm_backward",
       [] {
         return std::vector<GradSample>{
             S("last dim", {{"grad_out", U({3, 4})}, {"input", U({3, 4})}, {"normalized_shape", IValue(Shape{4})},
                            {"mean", U({3, 1})}, {"rstd", P({3, 1})}, {"weight", U({4})}, {"bias", U({4})},
                            {"output_mask", IValue(std::vector<bool>{true, true, true})}}),
             S("two dims, no affine", {{"grad_out", U({2, 2, 3})}, {"input", U({2, 2, 3})}, {"normalized_shape", IValue(Shape{2, 3})},
                                       {"mean", U({2, 1, 1})}, {"rstd", P({2, 1, 1})}, {"weight", IValue()}, {"bias", IValue()},
                                       {"output_mask", IValue(std::vector<bool>{true, false, false})}})};
       }},
      {"nll_loss_forward",
       [] {
         return std::vector<GradSample>{
             S("mean", {{"self", U({3, 4})}, {"target", I({0, 3, 1}, {3})}, {"weight", IValue()}, {"reduction", 1},
                        {"ignore_index", -100}},
               {0}),
             S("sum, weight, ignore_index", {{"self", U({3, 4})}, {"target", I({0, 3, 1}, {3})}, {"weight", P({4})},
                                             {"reduction", 2}, {"ignore_index", 1}},
               {0}),
             S("none", {{"self", U({3, 4})}, {"target", I({2, 0, 1}, {3})}, {"weight", P({4})}, {"reduction", 0},
                        {"ignore_index", -100}},
               {0}),
             S("one sample", {{"self", U({4})}, {"target", I({2}, {})}, {"weight", IValue()}, {"reduction", 1},
                              {"ignore_index", -100}},
               {0})};
       }},
      {"nll_loss_backward",
       [] {
         return std::vector<GradSample>{
             S("mean", {{"grad_output", U({})}, {"self", U({3, 4})}, {"target", I({0, 3, 1}, {3})}, {"weight", P({4})},
                        {"reduction", 1}, {"ignore_index", -100}, {"total_weight", P({})}}),
             S("none", {{"grad_output", U({3})}, {"self", U({3, 4})}, {"target", I({0, 3, 1}, {3})}, {"weight", IValue()},
                        {"reduction", 0}, {"ignore_index", 3}, {"total_weight", P({})}})};
       }},
      // ---- joining and indexing ----
      {"cat",
       [] {
         return std::vector<GradSample>{
             S("dim 0", {{"tensors", IValue(std::vector<Tensor>{U({2, 3}), U({1, 3})})}}),
             S("dim -1, three", {{"tensors", IValue(std::vector<Tensor>{U({2, 1}), U({2, 3}), U({2, 2})})}, {"dim", -1}})};
       }},
      {"index_select",
       [] {
         return std::vector<GradSample>{
             S("dim 0, repeats", {{"self", U({3, 4})}, {"dim", 0}, {"index", I({2, 0, 2}, {3})}}),
             S("dim 1", {{"self", U({3, 4})}, {"dim", 1}, {"index", I({3, 1}, {2})}})};
       }},
      {"gather",
       [] {
         return std::vector<GradSample>{
             S("dim 1", {{"self", U({3, 4})}, {"dim", 1}, {"index", I({0, 3, 1, 1, 2, 0}, {3, 2})}}),
             S("dim 0", {{"self", U({3, 2})}, {"dim", 0}, {"index", I({2, 0, 0, 1}, {2, 2})}})};
       }},
      {"scatter.src",
       [] {
         return std::vector<GradSample>{S("dim 1", {{"self", U({3, 4})},
                                                    {"dim", 1},
                                                    {"index", I({0, 2, 3, 1, 1, 0}, {3, 2})},
                                                    {"src", U({3, 3})}})};
       }},
      {"scatter.value",
       [] {
         return std::vector<GradSample>{
             S("dim 0", {{"self", U({3, 4})}, {"dim", 0}, {"index", I({2, 0, 1, 1}, {1, 4})}, {"value", Scalar(1.5)}})};
       }},
      {"scatter_add",
       [] {
         return std::vector<GradSample>{S("dim 1, repeats", {{"self", U({3, 4})},
                                                             {"dim", 1},
                                                             {"index", I({0, 0, 3, 1, 2, 2}, {3, 2})},
                                                             {"src", U({3, 2})}})};
       }},
      {"masked_fill.Scalar",
       [] {
         return std::vector<GradSample>{
             S("broadcast mask", {{"self", U({3, 4})}, {"mask", B({1, 0, 0, 1}, {1, 4})}, {"value", Scalar(-1.0)}})};
       }},
  };
  return *t;
}

// The samples for op ("add_.Tensor"): its own, else its functional form's ("add.Tensor").
inline std::vector<GradSample> samples_for(const std::string& op) {
  const auto& t = table();
  auto it = t.find(op);
  if (it == t.end()) {
    std::string name = op.substr(0, op.find('.')), overload = op.find('.') == std::string::npos ? "" : op.substr(op.find('.'));
    if (!name.empty() && name.back() == '_') it = t.find(name.substr(0, name.size() - 1) + overload);
  }
  return it == t.end() ? std::vector<GradSample>{} : it->second();
}

}  // namespace grad_samples
}  // namespace ember_test
