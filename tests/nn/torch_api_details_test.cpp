// libtorch API details the frontend matches: an optional tensor argument holding an undefined
// tensor means None (layer_norm and group_norm without affine tensors), registering an undefined
// parameter that asks for grad warns, dtype names in messages are libtorch's ("int"), and
// ctc_loss refuses lengths that are not integers.
#include "support/captured_warnings.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace F = ember::nn::functional;

TEST(TorchApiDetails, UndefinedOptionalTensorsAreNone) {
  Tensor x = ember::tensor(std::vector<double>{1, 2, 3, 6}).reshape({2, 2}).to(kFloat32);
  Tensor y = ember::layer_norm(x, {2}, Tensor(), Tensor(), 0.0);
  // Each row normalized: (v - mean) / std (biased): rows [1,2] and [3,6] -> [-1, 1].
  EXPECT_TRUE(all_close(y.reshape({4}), {-1, 1, -1, 1}, Tol{1e-5, 1e-5}));
  // The functional's default eps (1e-5): 0.5 / sqrt(0.25 + 1e-5) and 1.5 / sqrt(2.25 + 1e-5).
  EXPECT_TRUE(all_close(F::layer_norm(x, F::LayerNormFuncOptions({2})).reshape({4}), {-0.999980001, 0.999980001, -0.999997778, 0.999997778},
                        Tol{1e-6, 1e-6}));
  Tensor g = ember::group_norm(x, 1, Tensor(), Tensor(), 0.0);
  EXPECT_TRUE(all_close(g.reshape({4}), {-1, 1, -1, 1}, Tol{1e-5, 1e-5}));
}

TEST(TorchApiDetails, RegisteringAnUndefinedParameterThatWantsGradWarns) {
  struct M : nn::Module {};
  M m;
  CapturedWarnings w;
  WarningHandlerGuard guard(&w);
  m.register_parameter("none", Tensor(), /*requires_grad=*/false);
  EXPECT_TRUE(w.messages.empty());
  m.register_parameter("none2", Tensor());
  ASSERT_EQ(w.messages.size(), 1u);
  EXPECT_NE(w.messages[0].find("Ignoring the `requires_grad=true` function parameter"), std::string::npos);
  EXPECT_EQ(m.parameters().size(), 0u);
}

TEST(TorchApiDetails, DtypesInMessagesAreLibtorchsNames) {
  EXPECT_STREQ(cpp_type_name(kInt32), "int");
  EXPECT_STREQ(cpp_type_name(kInt64), "long int");
  EXPECT_STREQ(cpp_type_name(kFloat16), "c10::Half");
  EXPECT_THROW_MSG(F::affine_grid(ember::zeros({1, 2, 3}, TensorOptions(kInt32)), {1, 1, 2, 2}), TypeError,
                   "Expected theta to have floating point type, but got int");
}

TEST(TorchApiDetails, CtcLossLengthsMustBeIntegers) {
  Tensor log_probs = ember::zeros({5, 1, 3}).log_softmax(2);
  Tensor targets = ember::tensor(std::vector<int64_t>{1, 2});
  Tensor lengths_in = ember::tensor(std::vector<int64_t>{5}), lengths_t = ember::tensor(std::vector<int64_t>{2});
  EXPECT_THROW_MSG(F::ctc_loss(log_probs, targets, lengths_in.to(kFloat32), lengths_t), TypeError,
                   "input_lengths must be integral");
  EXPECT_THROW_MSG(F::ctc_loss(log_probs, targets, lengths_in, lengths_t.to(kFloat32)), TypeError,
                   "target_lengths must be integral");
  // Targets too short for their lengths: a clear error, not a failed narrow.
  Tensor lp3 = ember::zeros({5, 2, 3}).log_softmax(2);
  Tensor two = ember::tensor(std::vector<int64_t>{5, 5});
  EXPECT_THROW_MSG(F::ctc_loss(lp3, ember::ones({2, 2}, TensorOptions(kInt64)), two, ember::tensor(std::vector<int64_t>{3, 1})),
                   ValueError, "Expected tensor to have size at least 3 at dimension 1, but got size 2");
  EXPECT_THROW_MSG(F::ctc_loss(lp3, ember::ones({3}, TensorOptions(kInt64)), two, ember::tensor(std::vector<int64_t>{3, 1})),
                   ValueError, "Expected tensor to have size at least 4 at dimension 0, but got size 3");
  // Uniform log-probabilities over 3 classes: the loss is finite and positive.
  double loss = F::ctc_loss(log_probs, targets, lengths_in, lengths_t).item().to<double>();
  EXPECT_GT(loss, 0.0);
  EXPECT_TRUE(std::isfinite(loss));
}

}  // namespace
}  // namespace ember_test
