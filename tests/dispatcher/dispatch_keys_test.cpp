// Dispatch key sets and kernel-table resolution: the key set of a call (union over tensor
// arguments, plus the thread-local include set, minus the exclude set and fall-through keys),
// priority (functionality keys over backends, the highest backend slot among backends), the
// include/exclude guards, fallbacks and fall-through registration, and the missing-kernel error.
#include <thread>

#include "support/ember_test_support.h"
#include "support/test_device_support.h"

namespace ember_test {
namespace {

using namespace ember;

const DispatchKeySet kTracer = DispatchKeySet::functionality(FunctionalityKey::Tracer);
const DispatchKeySet kProfiler = DispatchKeySet::functionality(FunctionalityKey::Profiler);

DispatchKeySet cpu_key() { return DispatchKeySet::backend(Device("cpu").type()); }
DispatchKeySet testdev_key() { return DispatchKeySet::backend(test_device_type()); }

Tensor on_test_device(const std::vector<double>& v) {
  Tensor t = ember::empty({static_cast<int64_t>(v.size())}, TensorOptions(kFloat32).device(test_device()));
  for (size_t i = 0; i < v.size(); ++i) write_raw(static_cast<float*>(t.data_ptr()) + i, kFloat32, v[i]);
  return t;
}

// dtest::which(Tensor a, Tensor? b=None) -> str names the kernel that ran.
std::string tracer_kernel(void*, DispatchKeySet ks, const Tensor& a, const std::optional<Tensor>& b) {
  auto op = ember::op<std::string(const Tensor&, const std::optional<Tensor>&)>("dtest::which");
  return "tracer>" + op.redispatch(ks & DispatchKeySet::below(FunctionalityKey::Tracer), a, b);
}

void define_which() {
  static bool done = [] {
    test_device_type();
    Library lib("dtest");
    lib.def("which(Tensor a, Tensor? b=None) -> str");
    lib.impl("which", "cpu", [](const Tensor&, const std::optional<Tensor>&) { return std::string("cpu"); });
    lib.impl("which", "dispatchtest", [](const Tensor&, const std::optional<Tensor>&) { return std::string("dispatchtest"); });
    Dispatcher::singleton().register_kernel(Dispatcher::singleton().find_or_throw("dtest::which"),
                                            DispatchTarget::key(FunctionalityKey::Tracer),
                                            detail::make_kernel(&tracer_kernel, nullptr, "dispatch-keys-test"));
    return true;
  }();
  (void)done;
}

std::string which(const Tensor& a, const std::optional<Tensor>& b = std::nullopt) {
  return ember::op<std::string(const Tensor&, const std::optional<Tensor>&)>("dtest::which").call(a, b);
}

TEST(DispatchKeys, TensorKeySets) {
  Tensor c = make1d({1, 2});
  EXPECT_EQ(c.key_set(), cpu_key());
  Tensor d = on_test_device({1});
  EXPECT_EQ(d.key_set(), testdev_key());
  EXPECT_GT(test_device_type(), Device("cpu").type());  // registered later: a higher slot
  Tensor g = make1d({1});
  g.requires_grad_(true);
  EXPECT_TRUE(g.key_set().has(FunctionalityKey::Autograd));
  EXPECT_TRUE(g.key_set().has_backend(Device("cpu").type()));
  // Views carry their base's backend key; made in grad mode, the Autograd key too, so that ops
  // on them see a history their base may get later through another view (view_tracking.h).
  EXPECT_EQ(d.view({1, 1}).key_set(), testdev_key() | DispatchKeySet::functionality(FunctionalityKey::Autograd));
  NoGradGuard no_grad;
  EXPECT_EQ(d.view({1, 1}).key_set(), testdev_key());
}

TEST(DispatchKeys, CallKeySetIsUnionPlusIncludedMinusExcluded) {
  define_which();
  const OperatorEntry& e = *Dispatcher::singleton().find_or_throw("dtest::which").entry();
  EXPECT_EQ(e.dispatch_key_set(cpu_key() | testdev_key()), cpu_key() | testdev_key());
  {
    IncludeDispatchKeyGuard inc(kTracer);
    EXPECT_EQ(e.dispatch_key_set(cpu_key()), cpu_key() | kTracer);
    ExcludeDispatchKeyGuard exc(kTracer | cpu_key());
    EXPECT_EQ(e.dispatch_key_set(cpu_key() | testdev_key()), testdev_key());
  }
  // A functionality key with no kernel and no fallback for this op falls through: it is masked
  // out of the call's key set, so the call reaches the backend. (Profiler has nothing here.)
  {
    IncludeDispatchKeyGuard inc(kProfiler);
    EXPECT_EQ(e.dispatch_key_set(cpu_key()), cpu_key());
  }
  // The boxed key set: tensors, optional tensors and tensor lists on the stack.
  Stack stack = {IValue(make1d({1})), IValue(on_test_device({1}))};
  EXPECT_EQ(e.key_set_of_stack(stack), cpu_key() | testdev_key());
  Stack none_b = {IValue(on_test_device({1})), IValue()};
  EXPECT_EQ(e.key_set_of_stack(none_b), testdev_key());
  Stack short_stack = {IValue(make1d({1}))};
  EXPECT_THROW_MSG(e.key_set_of_stack(short_stack), ValueError, "[dtest::which] expected 2 arguments on the stack, got 1");
}

TEST(DispatchKeys, Priority) {
  define_which();
  Tensor c = make1d({1}), d = on_test_device({1});
  EXPECT_EQ(which(c), "cpu");
  EXPECT_EQ(which(d), "dispatchtest");
  // Among backends the highest slot wins (as the key set's highest bit decides).
  EXPECT_EQ(which(c, d), "dispatchtest");
  EXPECT_EQ(which(d, c), "dispatchtest");
  // Functionality keys outrank backends; the Tracer kernel redispatches below itself.
  {
    IncludeDispatchKeyGuard inc(kTracer);
    EXPECT_EQ(which(c), "tracer>cpu");
    EXPECT_EQ(which(c, d), "tracer>dispatchtest");
    {
      ExcludeDispatchKeyGuard exc(kTracer);
      EXPECT_EQ(which(c), "cpu");
    }
    EXPECT_EQ(which(c), "tracer>cpu");
  }
  EXPECT_EQ(which(c), "cpu");
  // Boxed calls resolve the same way.
  Stack s = {IValue(c), IValue(d)};
  Dispatcher::singleton().find_or_throw("dtest::which").call_boxed(&s);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].to_string_ref(), "dispatchtest");
  IncludeDispatchKeyGuard inc(kTracer);
  Stack s2 = {IValue(c), IValue()};
  Dispatcher::singleton().find_or_throw("dtest::which").call_boxed(&s2);
  EXPECT_EQ(s2[0].to_string_ref(), "tracer>cpu");
}

TEST(DispatchKeys, GuardsRestoreThreadLocalState) {
  LocalDispatchKeySet& tls = tls_local_dispatch_key_set();
  LocalDispatchKeySet before = tls;
  {
    IncludeDispatchKeyGuard a(kTracer);
    EXPECT_TRUE(tls.included.has(FunctionalityKey::Tracer));
    {
      IncludeDispatchKeyGuard b(kProfiler | kTracer);
      EXPECT_TRUE(tls.included.has(FunctionalityKey::Profiler));
      ExcludeDispatchKeyGuard c(kTracer);
      EXPECT_TRUE(tls.excluded.has(FunctionalityKey::Tracer));
      // Another thread starts from its own (empty) state.
      std::thread([] {
        EXPECT_TRUE(tls_local_dispatch_key_set().included.empty());
        EXPECT_TRUE(tls_local_dispatch_key_set().excluded.empty());
      }).join();
    }
    EXPECT_FALSE(tls.included.has(FunctionalityKey::Profiler));
    EXPECT_TRUE(tls.included.has(FunctionalityKey::Tracer));  // still a's
    EXPECT_TRUE(tls.excluded.empty());
  }
  EXPECT_EQ(tls.included, before.included);
  EXPECT_EQ(tls.excluded, before.excluded);
  // Guards restore on exceptions too.
  try {
    IncludeDispatchKeyGuard g(kTracer);
    EMBER_FAIL(ValueError, "boom");
  } catch (const ValueError&) {
  }
  EXPECT_EQ(tls.included, before.included);
}

TEST(DispatchKeys, FallbackAndFallthrough) {
  test_device_type();
  Library lib("dtest_ft");
  lib.def("f(Tensor x) -> str");
  lib.impl("f", "cpu", [](const Tensor&) { return std::string("cpu"); });
  auto f = ember::op<std::string(const Tensor&)>("dtest_ft::f");
  Tensor x = make1d({1});
  IncludeDispatchKeyGuard inc(kProfiler);
  EXPECT_EQ(f.call(x), "cpu");  // no Profiler kernel or fallback: fall through
  // A boxed fallback for Profiler now catches every op without its own Profiler kernel.
  KernelFunction fallback;
  fallback.boxed = [](void*, const OperatorHandle& op, DispatchKeySet, Stack* stack) {
    stack->resize(stack->size() - op.schema().arguments().size());  // pop the arguments
    stack->emplace_back(std::string("profiler-fallback:") + op.name());
  };
  fallback.provider = "dispatch-keys-test";
  Dispatcher::singleton().register_fallback(DispatchTarget::key(FunctionalityKey::Profiler), fallback);
  EXPECT_EQ(f.call(x), "profiler-fallback:dtest_ft::f");
  // An op-specific Profiler kernel wins over the fallback.
  lib.impl("f", "cpu", [](const Tensor&) { return std::string("cpu"); });  // same provider: allowed
  Library("dtest_ft").def("g(Tensor x) -> str");
  lib.impl("g", "cpu", [](const Tensor&) { return std::string("g-cpu"); });
  Dispatcher::singleton().register_kernel(
      Dispatcher::singleton().find_or_throw("dtest_ft::g"), DispatchTarget::key(FunctionalityKey::Profiler),
      detail::make_kernel(+[](void*, DispatchKeySet, const Tensor&) { return std::string("g-profiler"); }, nullptr, "t"));
  EXPECT_EQ(ember::op<std::string(const Tensor&)>("dtest_ft::g").call(x), "g-profiler");
  // Registering Profiler as fall-through makes ops without a Profiler kernel skip it again.
  Dispatcher::singleton().register_fallthrough(FunctionalityKey::Profiler);
  EXPECT_EQ(f.call(x), "cpu");
  EXPECT_EQ(ember::op<std::string(const Tensor&)>("dtest_ft::g").call(x), "g-profiler");
  // Builtin ops run normally with a fall-through key included.
  EXPECT_TRUE(all_close(make1d({1, 2}) + make1d({3, 4}), {4, 6}));
}

TEST(DispatchKeys, MissingKernelErrorNamesOpDeviceAndAvailableDevices) {
  test_device_type();
  Library lib("dtest_missing");
  lib.def("devonly(Tensor x) -> Tensor");
  lib.impl("devonly", "dispatchtest", [](const Tensor& x) { return x; });
  lib.def("nowhere(Tensor x) -> Tensor");
  // A cpu tensor reaches an op that only the test device implements.
  EXPECT_THROW_MSG(ember::op<Tensor(const Tensor&)>("dtest_missing::devonly").call(make1d({1})), NotImplementedError,
                   "[dtest_missing::devonly] no kernel for device type 'cpu'; available for: dispatchtest "
                   "(`ember ops --device cpu` lists what it supports)");
  EXPECT_TRUE(ember::op<Tensor(const Tensor&)>("dtest_missing::devonly").call(on_test_device({1})).defined());
  EXPECT_THROW_MSG(ember::op<Tensor(const Tensor&)>("dtest_missing::nowhere").call(make1d({1})), NotImplementedError,
                   "[dtest_missing::nowhere] no kernel for device type 'cpu'; available for: none");
  // A builtin structured op on a device without kernels names the backend op and lists cpu.
  try {
    ember::neg(on_test_device({1, 2}));
    ADD_FAILURE() << "neg on the test device did not throw";
  } catch (const NotImplementedError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("[aten::neg.out] no kernel for device type 'dispatchtest'; available for: "), std::string::npos) << m;
    EXPECT_NE(m.find("cpu"), std::string::npos) << m;
  }
  // Boxed calls report the same.
  Stack s = {IValue(make1d({1}))};
  EXPECT_THROW_MSG(Dispatcher::singleton().find_or_throw("dtest_missing::nowhere").call_boxed(&s), NotImplementedError,
                   "no kernel for device type 'cpu'");
  // Table queries agree.
  const OperatorEntry& e = *Dispatcher::singleton().find_or_throw("dtest_missing::devonly").entry();
  EXPECT_FALSE(e.has_kernel_for(cpu_key()));
  EXPECT_TRUE(e.has_kernel_for(testdev_key()));
  EXPECT_EQ(e.devices_with_kernels(), std::vector<std::string>{"dispatchtest"});
  EXPECT_NE(e.dump_table().find("dtest_missing::devonly"), std::string::npos);
  EXPECT_NE(e.dump_table().find("library:dtest_missing"), std::string::npos);
}

}  // namespace
}  // namespace ember_test
