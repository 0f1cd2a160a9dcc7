// An undefined tensor (or None on the boxed path) where an operator needs a Tensor is a
// TypeError naming the operator and the argument, not a null dereference in the kernel. Found by
// the tensor-API fuzz target (tests/fuzz/tensor_api_fuzzer.cpp); regression tests for issue 14.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(UndefinedArguments, GeneratedFunctionsRefuseUndefinedTensors) {
  Tensor x = make1d({1, 2});
  EXPECT_THROW_MSG(ember::add(Tensor(), x), TypeError,
                   "[aten::add.Tensor] argument 'self' must be a defined Tensor, got an undefined one");
  EXPECT_THROW_MSG(ember::mul(x, Tensor()), TypeError, "[aten::mul.Tensor] argument 'other'");
  EXPECT_THROW_MSG(Tensor().sum(), TypeError, "[aten::sum] argument 'self'");
  EXPECT_THROW_MSG(ember::matmul(x, Tensor()), TypeError, "argument 'other'");
  // An optional tensor may be undefined (linear without bias).
  EXPECT_TRUE(matches(ember::linear(make({1, 2}, {1, 2}), make({3, 4}, {1, 2}), std::nullopt), {1, 1}, kFloat32, {11}));
}

TEST(UndefinedArguments, BoxedCallsRefuseNoneForATensor) {
  Tensor x = make1d({1, 2});
  EXPECT_THROW_MSG(ember::call_boxed("aten::mul.Tensor", {IValue(), x}), TypeError,
                   "[aten::mul.Tensor] argument 'self' must be a Tensor, got None");
  EXPECT_THROW_MSG(ember::call_boxed("aten::cat", {IValue(std::vector<Tensor>{x, Tensor()}), int64_t{0}}), TypeError,
                   "[aten::cat] argument 'tensors' must be a list of defined tensors");
  // None where the schema says Tensor? is fine.
  Stack r = ember::call_boxed("aten::linear", {make({1, 2}, {1, 2}), make({3, 4}, {1, 2}), IValue()});
  EXPECT_TRUE(matches(r[0].to_tensor(), {1, 1}, kFloat32, {11}));
}

}  // namespace
}  // namespace ember_test
