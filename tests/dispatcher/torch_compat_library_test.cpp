// The libtorch spellings of operator registration, as a ported program writes them through
// <ember/torch_compat.h>: TORCH_LIBRARY / TORCH_LIBRARY_IMPL, TORCH_FN, MAKE_TORCH_LIBRARY(_IMPL),
// c10::DispatchKey, torch::CppFunction, c10::Dispatcher::findSchemaOrThrow, callOp / callOpUnboxed
// and torch::autograd::autogradNotImplementedFallback(); and libtorch's printed module names.
#include <ember/torch_compat.h>

#include "support/ember_test_support.h"

namespace {

torch::Tensor mul_add(const torch::Tensor& a, const torch::Tensor& b, double alpha) { return a * b + alpha; }

TORCH_LIBRARY(embertest_compat, m) { m.def("mul_add(Tensor a, Tensor b, float alpha) -> Tensor"); }
TORCH_LIBRARY_IMPL(embertest_compat, CPU, m) { m.impl("mul_add", TORCH_FN(mul_add)); }
TORCH_LIBRARY_IMPL(embertest_compat, Autograd, m) {
  m.impl("mul_add", torch::autograd::autogradNotImplementedFallback());
}
TORCH_LIBRARY_IMPL(embertest_compat, ADInplaceOrView, m) {
  m.impl("mul_add", torch::autograd::autogradNotImplementedInplaceOrViewFallback());
}

void boxed_first(const c10::OperatorHandle&, std::vector<c10::IValue>* stack) {
  torch::Tensor x = (*stack)[stack->size() - 2].to_tensor();
  stack->resize(stack->size() - 2);
  stack->emplace_back(x);
}

TEST(TorchCompatLibrary, StaticRegistrationAndTypedCalls) {
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("embertest_compat::mul_add", "");
  auto a = torch::tensor({1., 2.}, torch::kFloat32);
  auto b = torch::tensor({3., 4.}, torch::kFloat32);
  auto r = callOpUnboxed<torch::Tensor, const torch::Tensor&, const torch::Tensor&, double>(op, a, b, 0.5);
  EXPECT_TRUE(torch::allclose(r, torch::tensor({3.5, 8.5}, torch::kFloat32)));

  auto stack = callOp(op, a, b, 1.0);
  ASSERT_EQ(stack.size(), 1u);
  EXPECT_TRUE(torch::allclose(stack[0].to_tensor(), torch::tensor({4., 9.}, torch::kFloat32)));

  auto g = torch::tensor({1.}, torch::kFloat32).set_requires_grad(true);
  auto out = callOpUnboxed<torch::Tensor, const torch::Tensor&, const torch::Tensor&, double>(op, g, g, 0.0);
  EXPECT_THROW_MSG(out.backward(), torch::NotImplementedError, "is not implemented");
}

TEST(TorchCompatLibrary, ScopedLibrariesWithDispatchKeys) {
  auto m = MAKE_TORCH_LIBRARY(embertest_compat_scoped);
  m.def("first(Tensor a, Tensor b) -> Tensor");
  auto m_cpu = MAKE_TORCH_LIBRARY_IMPL(embertest_compat_scoped, CPU);
  m_cpu.impl("first", c10::DispatchKey::CPU, torch::CppFunction::makeFromBoxedFunction<&boxed_first>());
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("embertest_compat_scoped::first", "");
  auto x = torch::tensor({7.}, torch::kFloat32);
  auto r = op.typed<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>().call(x, torch::zeros({1}));
  EXPECT_EQ(r.unsafeGetTensorImpl(), x.unsafeGetTensorImpl());
}

TEST(TorchCompatLibrary, ModulesPrintWithLibtorchNames) {
  std::ostringstream os;
  os << torch::nn::Linear(2, 3);
  EXPECT_EQ(os.str(), "torch::nn::Linear(in_features=2, out_features=3, bias=true)");
}

}  // namespace
