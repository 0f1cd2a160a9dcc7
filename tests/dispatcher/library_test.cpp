// Custom operators through ember::Library: typed kernels per device, Composite kernels, boxed
// kernels, arity and schema checks, redefinition rules; ember::call_boxed (defaults filled in),
// TypedOperatorHandle / ember::op, and Dispatcher lookups.
#include "generated/op_info.h"
#include "support/ember_test_support.h"
#include "support/test_device_support.h"

namespace ember_test {
namespace {

using namespace ember;

// libtest::scale(Tensor x, float s) -> Tensor, with a cpu kernel and (on the test device) a
// kernel that tags its result through the returned value's first element.
void define_scale() {
  static bool done = [] {
    test_device_type();
    Library lib("libtest");
    lib.def("scale(Tensor x, float s) -> Tensor");
    lib.impl("scale", "cpu", [](const Tensor& x, double s) { return x * s; });
    lib.impl("scale", "dispatchtest", [](const Tensor& x, double s) {
      Tensor out = ember::empty(x.sizes(), TensorOptions(x.scalar_type()).device(x.device()));
      for (int64_t i = 0; i < x.numel(); ++i)
        static_cast<float*>(out.data_ptr())[i] = static_cast<const float*>(x.data_ptr())[i] * static_cast<float>(s) + 1000;
      return out;
    });
    return true;
  }();
  (void)done;
}

TEST(Library, TypedKernelPerDevice) {
  define_scale();
  auto scale = ember::op<Tensor(const Tensor&, double)>("libtest::scale");
  EXPECT_TRUE(matches(scale.call(make1d({1, 2, 3}), 2.0), {3}, kFloat32, {2, 4, 6}));
  Tensor on_dev = ember::empty({2}, TensorOptions(kFloat32).device(test_device()));
  static_cast<float*>(on_dev.data_ptr())[0] = 1;
  static_cast<float*>(on_dev.data_ptr())[1] = 2;
  Tensor r = scale.call(on_dev, 3.0);
  EXPECT_EQ(r.device(), test_device());
  EXPECT_TRUE(all_close(r, {1003, 1006}));
  // The op is found with or without its namespace-qualified spelling only when qualified
  // (aten is the default namespace).
  EXPECT_TRUE(Dispatcher::singleton().find("libtest::scale").has_value());
  EXPECT_FALSE(Dispatcher::singleton().find("scale").has_value());
  EXPECT_EQ(Dispatcher::singleton().find_or_throw("libtest::scale").schema().str(true),
            "libtest::scale(Tensor x, float s) -> Tensor");
  EXPECT_THROW_MSG(Dispatcher::singleton().find_or_throw("libtest::nope"), ValueError, "[dispatcher] unknown operator 'libtest::nope'");
}

TEST(Library, CompositeKernelCoversEveryDeviceAndLosesToADeviceKernel) {
  test_device_type();
  Library lib("libtest_comp");
  lib.def("twice_plus(Tensor x, Scalar c=1) -> Tensor");
  lib.impl("twice_plus", "Composite", [](const Tensor& x, const Scalar& c) { return x + x + c; });
  auto f = ember::op<Tensor(const Tensor&, const Scalar&)>("libtest_comp::twice_plus");
  EXPECT_TRUE(matches(f.call(make1d({1, 2}), 3), {2}, kFloat32, {5, 7}));
  EXPECT_TRUE(matches(f.call(make1d({1, 2}, kInt64), 1), {2}, kInt64, {3, 5}));
  const OperatorEntry& e = *Dispatcher::singleton().find_or_throw("libtest_comp::twice_plus").entry();
  EXPECT_TRUE(e.has_kernel_for(DispatchKeySet::backend(test_device_type())));
  auto devs = e.devices_with_kernels();
  EXPECT_NE(std::find(devs.begin(), devs.end(), "dispatchtest"), devs.end());
  EXPECT_NE(std::find(devs.begin(), devs.end(), "cpu"), devs.end());
  // Composite also serves the Autograd slot (decompositions are differentiable).
  EXPECT_TRUE(e.has_kernel_for(DispatchKeySet::functionality(FunctionalityKey::Autograd)));
  // A kernel for cpu registered later takes the cpu slot.
  lib.impl("twice_plus", "cpu", [](const Tensor& x, const Scalar&) { return x * 100; });
  EXPECT_TRUE(matches(f.call(make1d({1, 2}), 3), {2}, kFloat32, {100, 200}));
  // CompositeExplicit also works as a target.
  lib.def("neg_explicit(Tensor x) -> Tensor");
  lib.impl("neg_explicit", "CompositeExplicit", [](const Tensor& x) { return -x; });
  EXPECT_TRUE(matches(ember::op<Tensor(const Tensor&)>("libtest_comp::neg_explicit").call(make1d({2})), {1}, kFloat32, {-2}));
}

TEST(Library, BoxedKernel) {
  test_device_type();
  Library lib("libtest_boxed");
  lib.def("axpy(int a, int x, int y=7) -> int");
  lib.impl_boxed("axpy", "cpu", [](const OperatorHandle& op, Stack& s) {
    EXPECT_EQ(op.name(), "libtest_boxed::axpy");
    int64_t y = s.back().to_int();
    int64_t x = s[s.size() - 2].to_int();
    int64_t a = s[s.size() - 3].to_int();
    s.resize(s.size() - 3);
    s.emplace_back(a * x + y);
  });
  // No tensor arguments: the default device's kernel runs.
  Stack out = ember::call_boxed("libtest_boxed::axpy", {IValue(int64_t(3)), IValue(int64_t(4)), IValue(int64_t(5))});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to_int(), 17);
  EXPECT_EQ(ember::call_boxed("libtest_boxed::axpy", {IValue(int64_t(3)), IValue(int64_t(4))})[0].to_int(), 19);
  // A typed call reaches the boxed kernel through the boxing adapter.
  EXPECT_EQ((ember::op<int64_t(int64_t, int64_t, int64_t)>("libtest_boxed::axpy").call(2, 3, 1)), 7);
  // A boxed kernel on tensors, returning two values.
  lib.def("split_sum(Tensor x) -> (Tensor, Tensor)");
  lib.impl_boxed("split_sum", "CompositeExplicit", [](const OperatorHandle&, Stack& s) {
    Tensor x = s.back().to_tensor();
    s.pop_back();
    s.emplace_back(ember::sum(x));
    s.emplace_back(ember::amax(x));
  });
  auto [total, biggest] = ember::op<std::tuple<Tensor, Tensor>(const Tensor&)>("libtest_boxed::split_sum").call(make1d({1, 5, 2}));
  EXPECT_TRUE(matches(total, {}, kFloat32, {8}));
  EXPECT_TRUE(matches(biggest, {}, kFloat32, {5}));
}

TEST(Library, ArityAndTargetErrors) {
  test_device_type();
  Library lib("libtest_err");
  lib.def("f(Tensor x, float s) -> Tensor");
  // A kernel with the wrong number of parameters: TypeError naming both counts and the schema.
  EXPECT_THROW_MSG(lib.impl("f", "cpu", [](const Tensor& x) { return x; }), TypeError,
                   "[Library::impl] kernel for libtest_err::f takes 1 arguments but the schema has 2: libtest_err::f(Tensor x, float s) -> Tensor");
  EXPECT_THROW_MSG(lib.impl("f", "cpu", [](const Tensor& x, double, double) { return x; }), TypeError,
                   "takes 3 arguments but the schema has 2");
  EXPECT_THROW_MSG(lib.impl("f", "nodevice", [](const Tensor& x, double) { return x; }), ValueError,
                   "[dispatcher] unknown device type 'nodevice'");
  EXPECT_THROW_MSG(lib.impl("missing_op", "cpu", [](const Tensor& x, double) { return x; }), ValueError,
                   "unknown operator 'libtest_err::missing_op'");
  EXPECT_THROW_MSG(lib.impl_boxed("missing_op", "cpu", [](const OperatorHandle&, Stack&) {}), ValueError,
                   "unknown operator 'libtest_err::missing_op'");
  // Another library may not claim a kernel slot that this one filled.
  lib.impl("f", "cpu", [](const Tensor& x, double) { return x; });
  Library other("libtest_other");
  EXPECT_THROW_MSG(other.impl("libtest_err::f", "cpu", [](const Tensor& x, double) { return x; }), ValueError,
                   "a kernel for libtest_err::f on cpu is already registered by 'library:libtest_err'; 'library:libtest_other' cannot register another");
  // Malformed schema text.
  EXPECT_THROW_MSG(lib.def("g(Tensor x -> Tensor"), SchemaError, "");
}

TEST(Library, RedefinitionRules) {
  Library lib("libtest_redef");
  lib.def("h(Tensor x, int n=2) -> Tensor");
  // The same schema again is a no-op (also from another Library object, or qualified).
  EXPECT_NO_THROW(lib.def("h(Tensor x, int n=2) -> Tensor"));
  EXPECT_NO_THROW(Library("other_ns").def("libtest_redef::h(Tensor x, int n=2) -> Tensor"));
  auto all = Dispatcher::singleton().all_operators();
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const OperatorHandle& h) { return h.name() == "libtest_redef::h"; }), 1);
  // A different schema under the same name is a ValueError that shows both.
  EXPECT_THROW_MSG(lib.def("h(Tensor x, float n=2) -> Tensor"), ValueError,
                   "[define] operator libtest_redef::h is already defined with a different schema");
  EXPECT_THROW_MSG(lib.def("h(Tensor x) -> Tensor"), ValueError, "libtest_redef::h(Tensor x, int n=2) -> Tensor");
  // An overload is a different operator.
  EXPECT_NO_THROW(lib.def("h.other(Tensor x) -> Tensor"));
  EXPECT_TRUE(Dispatcher::singleton().find("libtest_redef::h.other").has_value());
  // Builtins: redefining aten::add.Tensor with its own schema is fine, with another is not.
  EXPECT_NO_THROW(Dispatcher::singleton().define("add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor"));
  EXPECT_THROW_MSG(Dispatcher::singleton().define("add.Tensor(Tensor self, Tensor other) -> Tensor"), ValueError,
                   "aten::add.Tensor is already defined with a different schema");
}

TEST(CallBoxed, FillsDefaultsAndChecksArity) {
  test_device_type();
  Library lib("libtest_boxcall");
  lib.def("affine(Tensor x, float a=2, float b=0.5, *, bool neg=False) -> Tensor");
  lib.impl("affine", "cpu", [](const Tensor& x, double a, double b, bool neg) { return neg ? -(x * a + b) : x * a + b; });
  Tensor x = make1d({1, 2});
  EXPECT_TRUE(all_close(ember::call_boxed("libtest_boxcall::affine", {x})[0].to_tensor(), {2.5, 4.5}));
  EXPECT_TRUE(all_close(ember::call_boxed("libtest_boxcall::affine", {x, 3.0})[0].to_tensor(), {3.5, 6.5}));
  EXPECT_TRUE(all_close(ember::call_boxed("libtest_boxcall::affine", {x, 1.0, 0.0, true})[0].to_tensor(), {-1, -2}));
  // PyTorch-style errors for missing and extra arguments.
  EXPECT_THROW_MSG(ember::call_boxed("libtest_boxcall::affine", {}), TypeError, "[libtest_boxcall::affine] missing argument 'x'");
  EXPECT_THROW_MSG(ember::call_boxed("libtest_boxcall::affine", {x, 1.0, 2.0, false, 5}), TypeError,
                   "[libtest_boxcall::affine] takes 4 arguments but 5 were given");
  EXPECT_THROW_MSG(ember::call_boxed("libtest_boxcall::nope", {}), ValueError, "unknown operator");
  // Builtin ops: aten is implied; defaults such as alpha=1 are filled in.
  Stack r = ember::call_boxed("add.Tensor", {make1d({1, 2}), make1d({10, 20})});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(all_close(r[0].to_tensor(), {11, 22}));
  EXPECT_TRUE(all_close(ember::call_boxed("aten::add.Tensor", {make1d({1}), make1d({1}), 3})[0].to_tensor(), {4}));
  // A tuple-returning builtin leaves one stack entry per result.
  Stack mx = ember::call_boxed("aten::max.dim", {make({1, 5, 3, 2}, {2, 2}), int64_t(1)});
  ASSERT_EQ(mx.size(), 2u);
  EXPECT_TRUE(all_close(mx[0].to_tensor(), {5, 3}));
  EXPECT_TRUE(all_equal(mx[1].to_tensor(), {1, 0}));
  // A factory through the boxed path (defaults for dtype, layout, device, pin_memory).
  Stack z = ember::call_boxed("aten::zeros", {std::vector<int64_t>{2}});
  EXPECT_TRUE(matches(z[0].to_tensor(), {2}, kFloat32, {0, 0}));
  Stack zi = ember::call_boxed("aten::zeros", {std::vector<int64_t>{1}, kInt64});
  EXPECT_EQ(zi[0].to_tensor().scalar_type(), kInt64);
  // A wrongly typed argument is a TypeError from the boxing adapter.
  EXPECT_THROW_MSG(ember::call_boxed("aten::add.Tensor", {make1d({1}), std::string("x")}), TypeError, "expected Tensor, got str");
}

TEST(TypedOperatorHandle, CallsAndRedispatches) {
  auto add = ember::op<Tensor(const Tensor&, const Tensor&, const Scalar&)>("aten::add.Tensor");
  EXPECT_TRUE(all_close(add.call(make1d({1, 2}), make1d({3, 4}), 2), {7, 10}));
  // redispatch with an explicit key set: straight to the cpu slot.
  DispatchKeySet cpu = DispatchKeySet::backend(Device("cpu").type());
  EXPECT_TRUE(all_close(add.redispatch(cpu, make1d({1}), make1d({1}), 1), {2}));
  auto sum = ember::op<Tensor(const Tensor&, std::optional<ScalarType>)>("sum");
  EXPECT_TRUE(matches(sum.call(make1d({1, 2}, kInt32), std::nullopt), {}, kInt64, {3}));
  auto maxd = ember::op<std::tuple<Tensor, Tensor>(const Tensor&, int64_t, bool)>("max.dim");
  auto [v, i] = maxd.call(make({1, 5, 3, 2}, {2, 2}), 0, true);
  EXPECT_TRUE(matches(v, {1, 2}, kFloat32, {3, 5}));
  EXPECT_TRUE(matches(i, {1, 2}, kInt64, {1, 0}));
  auto chunks = ember::op<std::vector<Tensor>(const Tensor&, int64_t, int64_t)>("chunk");
  EXPECT_EQ(chunks.call(make1d(iota(4)), 2, 0).size(), 2u);
  EXPECT_THROW_MSG(ember::op<Tensor(const Tensor&)>("aten::no_such_op"), ValueError, "unknown operator 'aten::no_such_op'");
  // OperatorHandle basics.
  OperatorHandle h = Dispatcher::singleton().find_or_throw("add.Tensor");
  EXPECT_TRUE(h.valid());
  EXPECT_EQ(h.name(), "aten::add.Tensor");
  EXPECT_EQ(h.schema().arguments().size(), 3u);
  EXPECT_FALSE(OperatorHandle().valid());
  EXPECT_GE(Dispatcher::singleton().all_operators().size(), ember::num_op_infos());
}

}  // namespace
}  // namespace ember_test

namespace ember_test {
namespace {

// A typed handle records the C++ signature it was registered with (as c10's CppSignature): a
// lookup or a registration with other parameter types is a TypeError, never a reinterpreted call.
TEST(Library, TypedLookupWithAnotherSignatureIsATypeError) {
  define_scale();
  try {
    auto wrong = ember::op<Tensor(const Tensor&, int64_t)>("libtest::scale");
    (void)wrong;
    FAIL() << "expected TypeError";
  } catch (const TypeError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("libtest::scale"), std::string::npos) << msg;
    EXPECT_NE(msg.find("double"), std::string::npos) << msg;  // the registered signature
    EXPECT_NE(msg.find("long"), std::string::npos) << msg;    // the one asked for
  }
  // The right signature still works afterwards.
  auto scale = ember::op<Tensor(const Tensor&, double)>("libtest::scale");
  EXPECT_TRUE(matches(scale.call(make1d({1, 2}), 2.0), {2}, kFloat32, {2, 4}));
}

TEST(Library, KernelWithAnotherSignatureIsRefused) {
  define_scale();
  Library lib("libtest");
  EXPECT_THROW(lib.impl("scale", "Composite", [](const Tensor& x, int64_t) { return x; }), TypeError);
}

TEST(Library, BuiltinOpLookedUpWithAWrongSignatureIsATypeError) {
  EXPECT_THROW((ember::op<Tensor(const Tensor&, const Tensor&)>("aten::add.Tensor")), TypeError);
  auto add = ember::op<Tensor(const Tensor&, const Tensor&, const Scalar&)>("aten::add.Tensor");
  EXPECT_TRUE(matches(add.call(make1d({1, 2}), make1d({3, 4}), Scalar(2)), {2}, kFloat32, {7, 10}));
}

}  // namespace
}  // namespace ember_test
