// Value tests of the nn catalogue (activations, losses, distances, convolutions, pooling,
// padding, upsampling, grid sampling, normalization, embedding bags, recurrent cells and small
// tensor utilities) against PyTorch.
//
// tests/ops/generate_nn_catalogue_cases.py calls each operator through torch.ops.aten with
// seeded inputs and writes the inputs and PyTorch's outputs to tests/ops/data/
// nn_catalogue_cases.txt (its header describes the format). Here every case is rebuilt from the
// operator's schema alone: the arguments the case names, the schema defaults for the rest, one
// boxed call through the dispatcher, and each recorded output compared for shape, dtype and
// values. Operators whose results are random (random_, dropout and rrelu in training) cannot
// match PyTorch's generator and are checked for their defining properties below instead.
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "dispatcher/default_value.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

// Checked by property (their values come from a random generator), not against PyTorch's output.
const char* const kRandomOps[] = {"random_", "random_.to"};

#define EMBER_CATALOGUE_OPS                                                                                          \
  "flip", "repeat", "cumsum", "tril", "triu", "logsumexp", "norm.ScalarOpt_dim", "norm.Scalar", "square",          \
      "addcmul", "addcmul_", "addcdiv", "addcdiv_", "one_hot", "var_mean.correction", "std_mean.correction",       \
      "max.other", "min.other", "_reshape_alias", "bitwise_and.Tensor", "bitwise_or.Tensor", "bitwise_xor.Tensor",  \
      "bitwise_not", "elu", "elu_", "selu", "selu_", "celu", "celu_", "hardtanh", "hardtanh_", "relu6", "relu6_",  \
      "leaky_relu", "leaky_relu_", "softplus", "softshrink", "hardshrink", "threshold", "threshold_", "glu",       \
      "log_sigmoid", "mish", "mish_", "hardswish", "hardswish_", "hardsigmoid", "hardsigmoid_", "rrelu", "rrelu_", \
      "prelu", "feature_dropout", "alpha_dropout", "feature_alpha_dropout", "l1_loss", "smooth_l1_loss",           \
      "huber_loss", "kl_div", "binary_cross_entropy", "hinge_embedding_loss", "multi_margin_loss",                 \
      "multilabel_margin_loss", "soft_margin_loss", "cosine_embedding_loss", "margin_ranking_loss",                 \
      "triplet_margin_loss", "poisson_nll_loss", "ctc_loss.IntList", "ctc_loss.Tensor", "cosine_similarity",       \
      "pairwise_distance", "pdist", "cdist", "conv1d", "conv3d", "conv_transpose1d", "conv_transpose2d.input",     \
      "conv_transpose3d.input", "max_pool1d", "max_pool1d_with_indices", "max_pool3d", "max_pool3d_with_indices",  \
      "avg_pool1d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool3d", "adaptive_max_pool1d",             \
      "adaptive_max_pool2d", "adaptive_max_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",              \
      "max_unpool2d", "max_unpool3d", "constant_pad_nd", "reflection_pad1d", "reflection_pad2d",                   \
      "reflection_pad3d", "replication_pad1d", "replication_pad2d", "replication_pad3d", "_pad_circular",          \
      "upsample_nearest1d", "upsample_nearest2d", "upsample_nearest3d", "_upsample_nearest_exact1d",               \
      "_upsample_nearest_exact2d", "_upsample_nearest_exact3d", "upsample_linear1d", "upsample_bilinear2d",        \
      "upsample_bicubic2d", "upsample_trilinear3d", "pixel_shuffle", "pixel_unshuffle", "im2col", "col2im",        \
      "affine_grid_generator", "grid_sampler", "group_norm", "instance_norm", "embedding_bag",                     \
      "embedding_bag.padding_idx", "bilinear", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"
const char* const kCatalogueOps[] = {EMBER_CATALOGUE_OPS};
EMBER_TESTED_OPS(EMBER_CATALOGUE_OPS, "random_", "random_.to");

// ---- the case file -----------------------------------------------------------------------------

// One value of the file, before it meets a schema (an int may become a float argument).
struct Value {
  enum Kind { kTensor, kInt, kFloat, kBool, kNone, kStr, kDtype, kInts, kFloats, kTensors } kind = kNone;
  Tensor tensor;
  double number = 0;
  std::string text;
  std::vector<double> numbers;
  std::vector<Tensor> tensors;
};

struct Case {
  std::string op, label;
  std::optional<Tol> tol;
  std::vector<std::pair<std::string, Value>> args;
  std::vector<std::pair<size_t, Tensor>> outputs;
};

ScalarType dtype_named(const std::string& name) {
  static const std::map<std::string, ScalarType> m = {{"float32", kFloat32}, {"float64", kFloat64},
                                                      {"int64", kInt64},     {"int32", kInt32},
                                                      {"bool", kBool},       {"uint8", kUInt8}};
  auto it = m.find(name);
  if (it == m.end()) throw std::runtime_error("unknown dtype " + name);
  return it->second;
}

class Tokens {
 public:
  explicit Tokens(std::istream& in) : in_(in) {}
  std::string word() {
    std::string w;
    if (!(in_ >> w)) throw std::runtime_error("unexpected end of the case file");
    return w;
  }
  double number() {
    std::string w = word();
    char* end = nullptr;
    double v = std::strtod(w.c_str(), &end);  // also reads nan, inf, -inf
    if (end == w.c_str() || *end) throw std::runtime_error("not a number: " + w);
    return v;
  }
  int64_t count() { return static_cast<int64_t>(number()); }
  bool next(std::string* w) { return static_cast<bool>(in_ >> *w); }
  void skip_line() { std::getline(in_, line_); }

 private:
  std::istream& in_;
  std::string line_;
};

Tensor read_tensor(Tokens& t) {
  ScalarType dtype = dtype_named(t.word());
  int64_t ndim = t.count();
  std::vector<int64_t> sizes;
  int64_t n = 1;
  for (int64_t i = 0; i < ndim; ++i) {
    sizes.push_back(t.count());
    n *= sizes.back();
  }
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = t.number();
  return make(v, sizes, dtype);
}

Value read_value(Tokens& t) {
  Value v;
  std::string kind = t.word();
  if (kind == "tensor") {
    v.kind = Value::kTensor;
    v.tensor = read_tensor(t);
  } else if (kind == "int" || kind == "float" || kind == "bool") {
    v.kind = kind == "int" ? Value::kInt : kind == "float" ? Value::kFloat : Value::kBool;
    v.number = t.number();
  } else if (kind == "none") {
    v.kind = Value::kNone;
  } else if (kind == "str" || kind == "dtype") {
    v.kind = kind == "str" ? Value::kStr : Value::kDtype;
    v.text = t.word();
  } else if (kind == "ints" || kind == "floats") {
    v.kind = kind == "ints" ? Value::kInts : Value::kFloats;
    for (int64_t i = 0, n = t.count(); i < n; ++i) v.numbers.push_back(t.number());
  } else if (kind == "tensors") {
    v.kind = Value::kTensors;
    for (int64_t i = 0, n = t.count(); i < n; ++i) {
      if (t.word() != "tensor") throw std::runtime_error("tensors: expected tensor");
      v.tensors.push_back(read_tensor(t));
    }
  } else {
    throw std::runtime_error("unknown value kind " + kind);
  }
  return v;
}

const std::vector<Case>& cases() {
  static const std::vector<Case>* all = [] {
    auto* out = new std::vector<Case>;
    const std::string path = std::string(EMBER_SOURCE_DIR) + "/tests/ops/data/nn_catalogue_cases.txt";
    std::ifstream f(path);
    if (!f) throw std::runtime_error("cannot open " + path);
    Tokens t(f);
    std::string w;
    while (t.next(&w)) {
      if (w[0] == '#') {
        t.skip_line();
        continue;
      }
      if (w != "case") throw std::runtime_error(path + ": expected 'case', got " + w);
      Case c;
      c.op = t.word();
      c.label = t.word();
      for (std::string key = t.word(); key != "end"; key = t.word()) {
        if (key == "tol") {
          double r = t.number();
          c.tol = Tol{r, t.number()};
        } else if (key == "arg") {
          std::string name = t.word();
          c.args.emplace_back(name, read_value(t));
        } else if (key == "out") {
          size_t index = static_cast<size_t>(t.count());
          Value v = read_value(t);
          if (v.kind != Value::kTensor) throw std::runtime_error(c.op + ": outputs must be tensors");
          c.outputs.emplace_back(index, v.tensor);
        } else {
          throw std::runtime_error(c.op + ": unknown key " + key);
        }
      }
      out->push_back(std::move(c));
    }
    return out;
  }();
  return *all;
}

// ---- building and checking a call --------------------------------------------------------------

IValue to_ivalue(const Value& v, const Argument& a) {
  const BaseType base = a.type.base;
  switch (v.kind) {
    case Value::kTensor: return IValue(v.tensor.clone());  // a fresh copy: in-place ops write it
    case Value::kTensors: {
      std::vector<Tensor> list;
      for (const Tensor& t : v.tensors) list.push_back(t.clone());
      return IValue(list);
    }
    case Value::kInt:
      if (base == BaseType::Float) return IValue(v.number);
      return IValue(static_cast<int64_t>(v.number));
    case Value::kFloat: return IValue(v.number);
    case Value::kBool: return IValue(v.number != 0);
    case Value::kNone: return IValue();
    case Value::kStr: return IValue(v.text);
    case Value::kDtype: return IValue(dtype_named(v.text));
    case Value::kInts: {
      std::vector<int64_t> ints;
      for (double d : v.numbers) ints.push_back(static_cast<int64_t>(d));
      return IValue(ints);
    }
    case Value::kFloats: return IValue(v.numbers);
  }
  return IValue();
}

Tol tolerance(const Case& c, ScalarType dtype) {
  if (c.tol) return *c.tol;
  if (dtype == kFloat64) return {1e-9, 1e-11};
  if (dtype == kFloat32) return {1e-4, 1e-5};
  return {0, 0};
}

void check_case(const Case& c) {
  SCOPED_TRACE(c.op + " [" + c.label + "]");
  OperatorHandle op = Dispatcher::singleton().find_or_throw("aten::" + c.op);
  const FunctionSchema& s = op.schema();
  std::map<std::string, const Value*> given;
  for (const auto& [name, v] : c.args) {
    ASSERT_GE(s.argument_index(name), 0) << "the case names an argument the schema lacks: " << name;
    given[name] = &v;
  }
  Stack stack;
  for (const Argument& a : s.arguments()) {
    auto it = given.find(a.name);
    if (it != given.end()) {
      stack.push_back(to_ivalue(*it->second, a));
    } else {
      ASSERT_TRUE(a.default_text.has_value()) << "the case does not give " << a.name << ", which has no default";
      stack.push_back(default_value(a));
    }
  }
  // An in-place op must return its self argument.
  const int self = s.argument_index("self");
  const bool inplace = s.is_inplace() && self >= 0;
  const void* self_data = inplace ? stack[static_cast<size_t>(self)].to_tensor().data_ptr() : nullptr;
  try {
    op.call_boxed(&stack);
  } catch (const std::exception& e) {
    FAIL() << "raised " << e.what();
  }
  if (inplace) {
    ASSERT_FALSE(stack.empty());
    EXPECT_EQ(stack[0].to_tensor().data_ptr(), self_data) << "the in-place op did not return self";
  }
  for (const auto& [index, want] : c.outputs) {
    ASSERT_LT(index, stack.size());
    ASSERT_TRUE(stack[index].is_tensor()) << "output " << index << " is not a tensor";
    const Tensor got = stack[index].to_tensor();
    EXPECT_TRUE(matches(got, want.sizes().vec(), want.scalar_type(), values(want), tolerance(c, want.scalar_type())))
        << "output " << index;
  }
}

std::vector<std::string> ops_with_cases() {
  std::vector<std::string> names;
  for (const Case& c : cases())
    if (std::find(names.begin(), names.end(), c.op) == names.end()) names.push_back(c.op);
  return names;
}

class NnCatalogue : public ::testing::TestWithParam<std::string> {};

TEST_P(NnCatalogue, MatchesPyTorch) {
  int n = 0;
  for (const Case& c : cases()) {
    if (c.op != GetParam()) continue;
    check_case(c);
    ++n;
  }
  EXPECT_GT(n, 0);
}

std::string param_name(const ::testing::TestParamInfo<std::string>& p) {
  std::string n = p.param;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Ops, NnCatalogue, ::testing::ValuesIn(ops_with_cases()), param_name);

// The listed operators and the case file agree: no listed op without cases, no cases of an
// unlisted op (a case added to the generator must be listed, a listed op must have cases).
TEST(NnCatalogueCases, EveryListedOperatorHasCases) {
  std::set<std::string> listed(std::begin(kCatalogueOps), std::end(kCatalogueOps));
  std::vector<std::string> with_cases = ops_with_cases();
  std::set<std::string> have(with_cases.begin(), with_cases.end());
  for (const std::string& name : listed) EXPECT_TRUE(have.count(name)) << name << " has no cases";
  for (const std::string& name : have) EXPECT_TRUE(listed.count(name)) << name << " has cases but is not listed";
  for (const char* name : kRandomOps) EXPECT_FALSE(have.count(name)) << name;
  EXPECT_GE(cases().size(), 250u);
}

// grid_sampler's argument checks.
TEST(NnCatalogueLimits, GridSamplerRejectsBadModesAndShapes) {
  Tensor in4 = ember::zeros({1, 1, 3, 3}), grid4 = ember::zeros({1, 2, 2, 2});
  Tensor in5 = ember::zeros({1, 1, 2, 3, 3}), grid5 = ember::zeros({1, 2, 2, 2, 3});
  EXPECT_THROW(ember::grid_sampler(in4, grid4, 3, 0, false), ValueError);
  EXPECT_THROW(ember::grid_sampler(in4, grid4, 0, 3, false), ValueError);
  EXPECT_THROW(ember::grid_sampler(in5, grid5, 2, 0, false), ValueError);  // bicubic is 2-d only
  EXPECT_THROW(ember::grid_sampler(in5, grid4, 0, 0, false), ValueError);
  EXPECT_THROW(ember::grid_sampler(ember::zeros({3, 3}), grid4, 0, 0, false), ValueError);
}

// ---- random operators, by property ---------------------------------------------------------------

TEST(NnCatalogueRandom, RandomFillsIntegersInTheDtypesRange) {
  manual_seed(11);
  Tensor f = ember::empty({4000}, TensorOptions().dtype(kFloat32));
  f.random_();
  std::vector<double> v = values(f);
  double lo = 1e300, hi = -1e300;
  for (double x : v) {
    EXPECT_EQ(x, std::floor(x));
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  // PyTorch: [0, 2^24] for float32, the integers it represents exactly.
  EXPECT_GE(lo, 0);
  EXPECT_LE(hi, 16777216.0);
  EXPECT_GT(hi - lo, 16777216.0 / 2) << "values should spread over the range";
  Tensor b = ember::empty({2000}, TensorOptions().dtype(kBool));
  b.random_();
  double ones = 0;
  for (double x : values(b)) ones += x;
  EXPECT_GT(ones, 800);
  EXPECT_LT(ones, 1200);
}

TEST(NnCatalogueRandom, RandomToStaysBelowTo) {
  manual_seed(12);
  Tensor t = ember::empty({5000}, TensorOptions().dtype(kInt64));
  t.random_(7);
  std::vector<int> counts(7, 0);
  for (double x : values(t)) {
    ASSERT_GE(x, 0);
    ASSERT_LT(x, 7);
    ++counts[static_cast<size_t>(x)];
  }
  for (int c : counts) EXPECT_GT(c, 5000 / 7 / 2) << "every value in [0, 7) should come up";
  Tensor d = ember::empty({100}, TensorOptions().dtype(kFloat64));
  d.random_(3);
  for (double x : values(d)) EXPECT_TRUE(x == 0 || x == 1 || x == 2) << x;
  // The same seed gives the same numbers.
  manual_seed(12);
  Tensor again = ember::empty({5000}, TensorOptions().dtype(kInt64));
  again.random_(7);
  EXPECT_TRUE(all_equal(again, values(t)));
}

TEST(NnCatalogueRandom, RandomToRejectsAnEmptyRange) {
  Tensor t = ember::empty({4}, TensorOptions().dtype(kInt64));
  EXPECT_THROW(t.random_(0), std::exception);
}

TEST(NnCatalogueRandom, FeatureDropoutZeroesWholeChannelsAndScalesTheRest) {
  manual_seed(13);
  Tensor x = make(pseudo_random(4 * 50 * 6, 0.5, 2, 3), {4, 50, 6}, kFloat64);
  Tensor y = ember::feature_dropout(x, 0.4, true);
  std::vector<double> xv = values(x), yv = values(y);
  int dropped = 0;
  for (int ch = 0; ch < 4 * 50; ++ch) {
    bool zero = yv[static_cast<size_t>(ch * 6)] == 0;
    dropped += zero;
    for (int k = 0; k < 6; ++k) {
      size_t i = static_cast<size_t>(ch * 6 + k);
      const double want = zero ? 0 : xv[i] / 0.6;
      EXPECT_NEAR(yv[i], want, 1e-12) << "channel " << ch;
    }
  }
  EXPECT_GT(dropped, 200 * 0.4 * 0.6);
  EXPECT_LT(dropped, 200 * 0.4 * 1.4);
}

TEST(NnCatalogueRandom, AlphaDropoutKeepsMeanAndVarianceOfItsAffineMap) {
  // PyTorch's alpha dropout: kept x -> a*x + alpha*a*p, dropped -> -alpha*a + alpha*a*p, with
  // alpha = 1.7580993408473766 and a = 1/sqrt((alpha^2 p + 1)(1 - p)).
  const double alpha = 1.7580993408473766, p = 0.3;
  const double a = 1 / std::sqrt((alpha * alpha * p + 1) * (1 - p));
  manual_seed(14);
  Tensor x = make(pseudo_random(3000, -2, 2, 5), {3000}, kFloat64);
  std::vector<double> xv = values(x);
  for (bool feature : {false, true}) {
    // Feature dropout draws one mask value per (sample, channel): rows of 10 here.
    Tensor in = feature ? x.reshape({30, 10, 10}) : x;
    Tensor y = feature ? ember::feature_alpha_dropout(in, p, true) : ember::alpha_dropout(in, p, true);
    std::vector<double> yv = values(y);
    int dropped = 0;
    for (size_t i = 0; i < yv.size(); ++i) {
      const double kept = a * xv[i] + alpha * a * p, gone = -alpha * a + alpha * a * p;
      const bool is_kept = std::fabs(yv[i] - kept) < 1e-12, is_gone = std::fabs(yv[i] - gone) < 1e-12;
      ASSERT_TRUE(is_kept || is_gone) << i << ": " << yv[i];
      dropped += !is_kept;
      if (feature && i % 10) {  // a feature is dropped or kept as a whole
        const bool first_kept = std::fabs(yv[i - i % 10] - (a * xv[i - i % 10] + alpha * a * p)) < 1e-12;
        EXPECT_EQ(is_kept, first_kept) << i;
      }
    }
    EXPECT_GT(dropped, 3000 * p * 0.6);
    EXPECT_LT(dropped, 3000 * p * 1.4);
  }
}

TEST(NnCatalogueRandom, RreluInTrainingDrawsSlopesBetweenTheBounds) {
  manual_seed(15);
  Tensor x = make(pseudo_random(2000, -3, 3, 6), {2000}, kFloat64);
  std::vector<double> xv = values(x);
  for (bool inplace : {false, true}) {
    Tensor in = x.clone();
    Tensor y = inplace ? ember::rrelu_(in, 0.1, 0.4, true) : ember::rrelu(in, 0.1, 0.4, true);
    if (inplace) {
      EXPECT_EQ(y.data_ptr(), in.data_ptr());
    }
    std::vector<double> yv = values(y);
    double lo = 1, hi = 0;
    for (size_t i = 0; i < xv.size(); ++i) {
      if (xv[i] >= 0) {
        EXPECT_EQ(yv[i], xv[i]);
        continue;
      }
      double slope = yv[i] / xv[i];
      ASSERT_GE(slope, 0.1 - 1e-12);
      ASSERT_LE(slope, 0.4 + 1e-12);
      lo = std::min(lo, slope);
      hi = std::max(hi, slope);
    }
    EXPECT_LT(lo, 0.12);
    EXPECT_GT(hi, 0.38);
  }
}

}  // namespace
}  // namespace ember_test
