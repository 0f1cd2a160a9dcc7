// Who owns a kernel's heap state: a kernel that Library::impl rejects frees its callable and its
// boxed context; a fallback that register_fallback replaces stays alive (a concurrent call may
// still run it) and is owned by the dispatcher instead of leaked. Regression tests for issue 14;
// the leaks themselves are what LeakSanitizer reports under `make check-sanitize`, the callable
// count below also fails without it.
#include <memory>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(KernelOwnership, RejectedImplFreesItsCallable) {
  Library lib("own_test");
  lib.def("f(Tensor x) -> Tensor");
  auto token = std::make_shared<int>(7);
  // Each rejected registration copied `token` into its callable; each copy must be destroyed.
  EXPECT_THROW_MSG(lib.impl("f", "nodevice", [token](const Tensor& x) { return x; }), ValueError,
                   "unknown device type 'nodevice'");
  EXPECT_THROW_MSG(lib.impl("f", "cpu", [token](const Tensor& x, double) { return x; }), TypeError,
                   "takes 2 arguments but the schema has 1");
  EXPECT_THROW_MSG(lib.impl_boxed("f", "nodevice", [token](const OperatorHandle&, Stack&) {}), ValueError,
                   "unknown device type 'nodevice'");
  EXPECT_EQ(token.use_count(), 1);
  // An accepted kernel is kept for the life of the process, and it runs.
  lib.impl("f", "cpu", [token](const Tensor& x) { return x * static_cast<double>(*token); });
  EXPECT_EQ(token.use_count(), 2);
  EXPECT_TRUE(matches(ember::op<Tensor(const Tensor&)>("own_test::f").call(make1d({1, 2})), {2}, kFloat32, {7, 14}));
  // Another library cannot take the slot; its callable is freed too.
  Library other("own_test_other");
  EXPECT_THROW(other.impl("own_test::f", "cpu", [token](const Tensor& x) { return x; }), ValueError);
  EXPECT_EQ(token.use_count(), 2);
}

TEST(KernelOwnership, ReplacedFallbacksStayCallableAndOwned) {
  Library lib("own_fb");
  lib.def("g(Tensor x) -> str");
  lib.impl("g", "cpu", [](const Tensor&) { return std::string("cpu"); });
  auto g = ember::op<std::string(const Tensor&)>("own_fb::g");
  Tensor x = make1d({1});  // before Tracer is included: the fallback catches every op
  IncludeDispatchKeyGuard include_tracer(DispatchKeySet::functionality(FunctionalityKey::Tracer));
  auto fallback_named = [](const char* tag) {
    KernelFunction k;
    k.boxed = [](void* ctx, const OperatorHandle& op, DispatchKeySet, Stack* stack) {
      stack->resize(stack->size() - op.schema().arguments().size());
      stack->emplace_back(std::string(static_cast<const char*>(ctx)));
    };
    k.boxed_ctx = const_cast<char*>(tag);
    k.provider = "kernel-ownership-test";
    return k;
  };
  // Each registration replaces the previous fallback; the newest one answers.
  for (const char* tag : {"first", "second", "third"}) {
    Dispatcher::singleton().register_fallback(DispatchTarget::key(FunctionalityKey::Tracer), fallback_named(tag));
    EXPECT_EQ(g.call(x), tag);
  }
  // Back to fall-through (which replaces "third"), as other tests in this process expect.
  Dispatcher::singleton().register_fallthrough(FunctionalityKey::Tracer);
  EXPECT_EQ(g.call(x), "cpu");
  // Not a device type or functionality key: refused before anything is allocated.
  EXPECT_THROW_MSG(Dispatcher::singleton().register_fallback(DispatchTarget::composite(), fallback_named("x")), ValueError,
                   "fallbacks are registered for a device type or a functionality key");
}

}  // namespace
}  // namespace ember_test
