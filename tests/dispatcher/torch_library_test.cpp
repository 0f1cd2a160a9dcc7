// libtorch-style operator registration: EMBER_LIBRARY / EMBER_LIBRARY_FRAGMENT / EMBER_LIBRARY_IMPL
// blocks (an IMPL block may come before its operator is defined), the scoped EMBER_MAKE_LIBRARY
// forms, CppFunction in its forms (typed, EMBER_FN, boxed, dispatch(key, fn)), Dispatcher::
// findSchemaOrThrow(...).typed<...>(), autograd::not_implemented_fallback() with every kind of
// schema (non-tensor returns, tuples, in-place, optional and list arguments, alias annotations)
// and the registration errors.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

Tensor triple_cpu(const Tensor& x) { return x * 3; }

// The IMPL block runs first (static initializers of one file run in order): its kernel waits
// for the operator and is registered when the DEF block defines it.
EMBER_LIBRARY_IMPL(embertest_static, CPU, m) { m.impl("triple", EMBER_FN(triple_cpu)); }

EMBER_LIBRARY(embertest_static, m) { m.def("triple(Tensor x) -> Tensor"); }

EMBER_LIBRARY_FRAGMENT(embertest_static, m) {
  // def with a kernel: CompositeImplicitAutograd, so differentiable through its decomposition.
  m.def("square_plus(Tensor x, float c) -> Tensor", [](const Tensor& x, double c) { return x * x + c; });
}

void boxed_negate(const OperatorHandle&, Stack* stack) {
  Tensor x = stack->back().to_tensor();
  stack->pop_back();
  stack->emplace_back(x.neg());
}

TEST(TorchLibrary, StaticBlocksRegisterInAnyOrder) {
  auto triple = Dispatcher::singleton().findSchemaOrThrow("embertest_static::triple", "").typed<Tensor(const Tensor&)>();
  EXPECT_TRUE(matches(triple.call(make1d({1, -2, 4})), {3}, kFloat32, {3, -6, 12}));

  auto sq = Dispatcher::singleton().findSchemaOrThrow("embertest_static::square_plus", "");
  Tensor x = make1d({1, 2, 3}).set_requires_grad(true);
  Tensor y = sq.typed<Tensor(const Tensor&, double)>().call(x, 0.5);
  EXPECT_TRUE(matches(y, {3}, kFloat32, {1.5, 4.5, 9.5}));
  y.sum().backward();  // the decomposition's derivative: 2x
  EXPECT_TRUE(matches(x.grad(), {3}, kFloat32, {2, 4, 6}));
}

TEST(TorchLibrary, FindSchemaOrThrowTakesTheOverloadApart) {
  OperatorHandle add = Dispatcher::singleton().findSchemaOrThrow("aten::add", "Tensor");
  EXPECT_EQ(add.name(), "aten::add.Tensor");
  Stack s{make1d({1, 2}), make1d({10, 20}), Scalar(2)};
  add.callBoxed(&s);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_TRUE(matches(s[0].to_tensor(), {2}, kFloat32, {21, 42}));
  EXPECT_THROW_MSG(Dispatcher::singleton().findSchemaOrThrow("aten::add", "NoSuchOverload"), ValueError,
                   "unknown operator 'aten::add.NoSuchOverload'");
}

TEST(TorchLibrary, ScopedLibrariesAndEveryFormOfKernel) {
  auto m = EMBER_MAKE_LIBRARY(embertest_forms);
  m.def("negate(Tensor x) -> Tensor");
  m.def("plus_one(Tensor x) -> Tensor");
  m.def("minus_one(Tensor x) -> Tensor");
  auto m_cpu = EMBER_MAKE_LIBRARY_IMPL(embertest_forms, CPU);
  m_cpu.impl("negate", CppFunction::makeFromBoxedFunction<&boxed_negate>());
  m_cpu.impl("plus_one", [](const Tensor& x) { return x + 1; });
  // A kernel that names its own key wins over the library's default (CompositeImplicitAutograd).
  m.impl("minus_one", dispatch(DispatchKey::CPU, [](const Tensor& x) { return x - 1; }));

  auto call1 = [](const char* name, const Tensor& x) {
    return Dispatcher::singleton().findSchemaOrThrow(name, "").typed<Tensor(const Tensor&)>().call(x);
  };
  EXPECT_TRUE(matches(call1("embertest_forms::negate", make1d({1, -2})), {2}, kFloat32, {-1, 2}));
  EXPECT_TRUE(matches(call1("embertest_forms::plus_one", make1d({1, -2})), {2}, kFloat32, {2, -1}));
  EXPECT_TRUE(matches(call1("embertest_forms::minus_one", make1d({1, -2})), {2}, kFloat32, {0, -3}));
  const OperatorEntry& e = *Dispatcher::singleton().find_or_throw("embertest_forms::minus_one").entry();
  EXPECT_NE(e.dump_table().find("library:embertest_forms"), std::string::npos) << e.dump_table();
}

TEST(TorchLibrary, RegistrationErrors) {
  auto m = EMBER_MAKE_LIBRARY(embertest_errors);
  m.def("f(Tensor x, Tensor y) -> Tensor");
  auto m_cpu = EMBER_MAKE_LIBRARY_IMPL(embertest_errors, CPU);
  EXPECT_THROW_MSG(m_cpu.def("g(Tensor x) -> Tensor"), ValueError, "cannot define an operator inside an IMPL library");
  EXPECT_THROW_MSG(m_cpu.impl("f", [](const Tensor& x) { return x; }), TypeError, "takes 1 arguments but the schema has 2");
  EXPECT_THROW_MSG(m.impl("f", DispatchKey::AutogradCPU, [](const Tensor& x, const Tensor&) { return x; }),
                   NotImplementedError, "one Autograd key for every device");
  EXPECT_THROW_MSG(m.impl("f", DispatchKey::ADInplaceOrView, [](const Tensor& x, const Tensor&) { return x; }),
                   NotImplementedError, "only autograd::not_implemented_inplace_or_view_fallback()");
  EXPECT_THROW_MSG(m.impl("f", DispatchKey::Autograd, autograd::not_implemented_inplace_or_view_fallback()),
                   ValueError, "belongs at ADInplaceOrView");
  // A plain (non-IMPL) library still refuses kernels for operators nobody defined.
  EXPECT_THROW_MSG(m.impl("undefined_op", DispatchKey::CPU, [](const Tensor& x) { return x; }), ValueError,
                   "unknown operator 'embertest_errors::undefined_op'");
  // Fallbacks: only IMPL libraries, only boxed kernels, fall-through only at functionality keys.
  EXPECT_THROW_MSG(m.fallback(CppFunction::makeFallthrough()), ValueError, "only an IMPL library registers fallbacks");
  EXPECT_THROW_MSG(m_cpu.fallback(CppFunction([](const Tensor& x) { return x; })), TypeError,
                   "a fallback must be a boxed kernel");
  EXPECT_THROW_MSG(m_cpu.fallback(CppFunction::makeFallthrough()), NotImplementedError,
                   "only supported at a functionality key");
  // The typed lookup checks the C++ signature the kernels were registered with.
  m_cpu.impl("f", [](const Tensor& x, const Tensor& y) { return x + y; });
  EXPECT_THROW_MSG(Dispatcher::singleton().findSchemaOrThrow("embertest_errors::f", "").typed<Tensor(const Tensor&)>(),
                   TypeError, "looked up as a typed operator");
}

TEST(TorchLibrary, ImplBeforeDefWaitsForTheDefinition) {
  auto m_cpu = EMBER_MAKE_LIBRARY_IMPL(embertest_late, CPU);
  m_cpu.impl("late", [](const Tensor& x) { return x * 10; });
  EXPECT_FALSE(Dispatcher::singleton().find("embertest_late::late").has_value());
  auto m = EMBER_MAKE_LIBRARY(embertest_late);
  m.def("late(Tensor x) -> Tensor");
  auto late = ember::op<Tensor(const Tensor&)>("embertest_late::late");
  EXPECT_TRUE(matches(late.call(make1d({1, 2})), {1 + 1}, kFloat32, {10, 20}));
  // A waiting kernel whose arity does not match the definition is refused when it is defined.
  m_cpu.impl("late2", [](const Tensor& x) { return x; });
  EXPECT_THROW_MSG(m.def("late2(Tensor x, Tensor y) -> Tensor"), TypeError, "takes 1 arguments but the schema has 2");
}

// ---- autograd::not_implemented_fallback -----------------------------------------------------

// Defines ns::name with schema, its CPU kernel fn and the not-implemented Autograd kernels.
template <typename F>
OperatorHandle define_without_derivative(const std::string& ns, const std::string& schema, F fn) {
  Library m(Library::DEF, ns, std::nullopt);
  m.def(schema);
  std::string name = schema.substr(0, schema.find('('));
  Library(Library::IMPL, ns, DispatchKey::CPU).impl(name, fn);
  Library(Library::IMPL, ns, DispatchKey::Autograd).impl(name, autograd::not_implemented_fallback());
  Library(Library::IMPL, ns, DispatchKey::ADInplaceOrView).impl(name, autograd::not_implemented_inplace_or_view_fallback());
  return Dispatcher::singleton().findSchemaOrThrow(ns + "::" + name, "");
}

Tensor leaf(double v) { return make1d({v}).set_requires_grad(true); }

TEST(NotImplementedFallback, OutOfPlaceOutputsRefuseBackward) {
  OperatorHandle h = define_without_derivative("embertest_ni", "sum2(Tensor a, Tensor b) -> Tensor",
                                               [](const Tensor& a, const Tensor& b) { return a + b; });
  auto op = h.typed<Tensor(const Tensor&, const Tensor&)>();
  Tensor out = op.call(leaf(1), make1d({2}));
  EXPECT_TRUE(matches(out.detach(), {1}, kFloat32, {3}));
  ASSERT_TRUE(out.grad_fn() != nullptr);
  EXPECT_THROW_MSG(out.backward(), NotImplementedError, "the derivative for 'embertest_ni::sum2' is not implemented");
  // No input requires grad: no history at all.
  Tensor plain = op.call(make1d({1}), make1d({2}));
  EXPECT_TRUE(plain.grad_fn() == nullptr);
  EXPECT_THROW_MSG(plain.backward(), RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn");
  // Grad mode off: no history either.
  NoGradGuard no_grad;
  EXPECT_TRUE(op.call(leaf(1), make1d({2})).grad_fn() == nullptr);
}

TEST(NotImplementedFallback, NonTensorAndTupleReturns) {
  OperatorHandle h1 = define_without_derivative("embertest_ni", "twelve(Tensor a, Tensor b) -> int",
                                                [](const Tensor&, const Tensor&) { return int64_t{12}; });
  EXPECT_EQ((h1.typed<int64_t(const Tensor&, const Tensor&)>().call(leaf(1), make1d({1}))), 12);

  using Triple = std::tuple<Tensor, Tensor, int64_t>;
  OperatorHandle h2 = define_without_derivative("embertest_ni", "diff_sum(Tensor a, Tensor b) -> (Tensor, Tensor, int)",
                                                [](const Tensor& a, const Tensor& b) { return Triple(a - b, a + b, 7); });
  auto [d, s, n] = h2.typed<Triple(const Tensor&, const Tensor&)>().call(leaf(5), make1d({2}));
  EXPECT_TRUE(matches(d.detach(), {1}, kFloat32, {3}));
  EXPECT_TRUE(matches(s.detach(), {1}, kFloat32, {7}));
  EXPECT_EQ(n, 7);
  EXPECT_EQ(d.grad_fn(), s.grad_fn());  // one node for the call
  EXPECT_THROW_MSG(s.backward(), NotImplementedError, "is not implemented");

  OperatorHandle h3 = define_without_derivative(
      "embertest_ni", "both(Tensor a, Tensor b) -> Tensor[]",
      [](const Tensor& a, const Tensor& b) { return std::vector<Tensor>{a + b, a - b}; });
  std::vector<Tensor> v = h3.typed<std::vector<Tensor>(const Tensor&, const Tensor&)>().call(leaf(5), make1d({2}));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(matches(v[1].detach(), {1}, kFloat32, {3}));
  EXPECT_THROW_MSG(v[0].backward(), NotImplementedError, "is not implemented");
}

TEST(NotImplementedFallback, InPlaceOpsAreCheckedAndBumpVersions) {
  OperatorHandle h = define_without_derivative(
      "embertest_ni", "add_both_(Tensor(a!) self, Tensor(b!) other) -> (Tensor(a!), Tensor(b!))",
      [](const Tensor& self, const Tensor& other) {
        other.add_(self);
        self.add_(other);
        return std::tuple<Tensor, Tensor>(self, other);
      });
  auto op = h.typed<std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&)>();
  EXPECT_THROW_MSG(op.call(leaf(1), make1d({1})), RuntimeError,
                   "a leaf Variable that requires grad is being used in an in-place operation");
  EXPECT_THROW_MSG(op.call(make1d({1}), leaf(1)), RuntimeError,
                   "a leaf Variable that requires grad is being used in an in-place operation");
  Tensor c = leaf(1).clone();
  Tensor d = leaf(2).clone();
  auto vc = c._version();
  auto vd = d._version();
  auto [c2, d2] = op.call(c, d);
  EXPECT_EQ(c2.unsafeGetTensorImpl(), c.unsafeGetTensorImpl());
  EXPECT_EQ(d2.unsafeGetTensorImpl(), d.unsafeGetTensorImpl());
  EXPECT_GT(c._version(), vc);
  EXPECT_GT(d._version(), vd);
  EXPECT_TRUE(matches(c.detach(), {1}, kFloat32, {4}));  // d = 2 + 1, c = 1 + 3
  EXPECT_TRUE(matches(d.detach(), {1}, kFloat32, {3}));
  EXPECT_THROW_MSG(c.backward(), NotImplementedError, "is not implemented");
}

TEST(NotImplementedFallback, OptionalAndListArguments) {
  OperatorHandle h1 = define_without_derivative(
      "embertest_ni", "maybe_add(Tensor self, Tensor? other) -> Tensor",
      [](const Tensor& self, const std::optional<Tensor>& other) { return other ? self + *other : self.clone(); });
  auto op1 = h1.typed<Tensor(const Tensor&, const std::optional<Tensor>&)>();
  EXPECT_TRUE(matches(op1.call(leaf(1), make1d({2})).detach(), {1}, kFloat32, {3}));
  EXPECT_TRUE(matches(op1.call(leaf(1), std::nullopt).detach(), {1}, kFloat32, {1}));

  OperatorHandle h2 = define_without_derivative("embertest_ni", "add_all(Tensor self, Tensor[] others) -> Tensor",
                                                [](const Tensor& self, TensorList others) {
                                                  Tensor r = self.clone();
                                                  for (const Tensor& t : others) r.add_(t);
                                                  return r;
                                                });
  std::vector<Tensor> others{make1d({2}), leaf(3)};
  Tensor out = h2.typed<Tensor(const Tensor&, TensorList)>().call(make1d({1}), others);
  EXPECT_TRUE(matches(out.detach(), {1}, kFloat32, {6}));
  EXPECT_THROW_MSG(autograd::grad({out}, {others[0]}), RuntimeError, "One of the differentiated Tensors does not require grad");
  EXPECT_THROW_MSG(autograd::grad({out}, {others[1]}), NotImplementedError, "is not implemented");
}

TEST(NotImplementedFallback, AliasAnnotationsAreChecked) {
  OperatorHandle two = define_without_derivative(
      "embertest_ni", "two_views(Tensor(a) self, Tensor(b) other) -> (Tensor(a), Tensor(b))",
      [](const Tensor& a, const Tensor& b) { return std::tuple<Tensor, Tensor>(a, b); });
  EXPECT_THROW_MSG((two.typed<std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&)>().call(leaf(1), make1d({1}))),
                   RuntimeError, "Expected only a single output in the operator schema to have a non-write alias annotation");
  OperatorHandle second = define_without_derivative(
      "embertest_ni", "second_view(Tensor self, Tensor(b) other) -> (Tensor, Tensor(b))",
      [](const Tensor& a, const Tensor& b) { return std::tuple<Tensor, Tensor>(a.clone(), b); });
  EXPECT_THROW_MSG((second.typed<std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&)>().call(leaf(1), make1d({1}))),
                   RuntimeError, "can only create view relationships between the first input and the first output");
  // A view of the first input through the first output is accepted.
  OperatorHandle first = define_without_derivative("embertest_ni", "first_view(Tensor(a) self, Tensor other) -> Tensor(a)",
                                                   [](const Tensor& a, const Tensor&) { return a.view({-1}); });
  Tensor base = make1d({1, 2});
  Tensor v = first.typed<Tensor(const Tensor&, const Tensor&)>().call(base, make1d({1}));
  EXPECT_EQ(v.data_ptr(), base.data_ptr());
}

TEST(NotImplementedFallback, ViewOutputsAreTrackedAndRefuseInplaceChanges) {
  OperatorHandle h = define_without_derivative("embertest_ni", "view_op(Tensor(a) self) -> Tensor(a)",
                                               [](const Tensor& a) { return a.alias(); });
  auto op = h.typed<Tensor(const Tensor&)>();
  Tensor b = make1d({1});
  Tensor v = op.call(b);
  EXPECT_TRUE(v.is_view());
  EXPECT_EQ(v._base().unsafeGetTensorImpl(), b.unsafeGetTensorImpl());
  Tensor b1 = leaf(1).clone();
  Tensor v1 = op.call(b1);
  EXPECT_TRUE(v1._base().is_same(b1));
  Tensor t = leaf(1);
  EXPECT_THROW_MSG(v1.add_(t), RuntimeError,
                   "Mutating the view embertest_ni::view_op which does not have a derivative implemented is forbidden.");
  EXPECT_TRUE(matches(b1.detach(), {1}, kFloat32, {1}));  // refused before anything was written
  b1.add_(t);  // the base itself may change, but the view cannot take its new history
  EXPECT_THROW_MSG(v1.grad_fn(), RuntimeError, "which does not have a derivative implemented is forbidden");

  OperatorHandle hl = define_without_derivative(
      "embertest_ni", "views_op(Tensor(a) self, Tensor other) -> Tensor[](a)",
      [](const Tensor& a, const Tensor&) { return std::vector<Tensor>{a.alias(), a.alias()}; });
  Tensor a = make1d({1});
  auto outs = hl.typed<std::vector<Tensor>(const Tensor&, const Tensor&)>().call(a, make1d({1}));
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_TRUE(outs[1].is_view());
  EXPECT_TRUE(outs[1]._base().is_same(a));
}

TEST(NotImplementedFallback, InplaceOpsOnViews) {
  OperatorHandle h = define_without_derivative("embertest_ni", "add_one_(Tensor(a!) self, Tensor other) -> Tensor(a!)",
                                               [](const Tensor& self, const Tensor& other) { return self.add_(other); });
  auto op = h.typed<Tensor(const Tensor&, const Tensor&)>();
  Tensor base = leaf(1).clone();
  Tensor view = base.view({-1});
  Tensor t = make1d({1});
  Tensor v_nograd;
  {
    NoGradGuard no_grad;
    v_nograd = base.view({-1});
    op.call(v_nograd, t);
  }
  EXPECT_THROW_MSG(op.call(v_nograd, t), RuntimeError, "A view was created in no_grad mode");
  Tensor r = op.call(view, t);
  EXPECT_EQ(r.unsafeGetTensorImpl(), view.unsafeGetTensorImpl());
  EXPECT_EQ(r.grad_fn()->name(), "AsStridedBackward0");
  EXPECT_EQ(base.grad_fn()->name(), "CopySlices");
  EXPECT_TRUE(matches(base.detach(), {1}, kFloat32, {3}));
  EXPECT_THROW_MSG(base.sum().backward(), NotImplementedError, "the derivative for 'embertest_ni::add_one_' is not implemented");
}

}  // namespace
}  // namespace ember_test
