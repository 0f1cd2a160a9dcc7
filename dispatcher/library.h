// Run-time registration of custom operators from C++ (the researcher's API):
//
//   ember::Library lib("myops");
//   lib.def("scale(Tensor x, float s) -> Tensor");                 // becomes myops::scale
//   lib.impl("scale", "cpu", [](const Tensor& x, double s) { ... });   // per device type
//   lib.impl("scale", "Composite", [](const Tensor& x, double s) { return x * s; });
//   auto y = ember::op<Tensor(const Tensor&, double)>("myops::scale").call(x, 2.0);
//
// Kernels are C++ callables taking the C++ API types of the schema (docs/CONVENTIONS.md).
// Registrations are permanent (never unregistered). Thread-safe against concurrent calls.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dispatcher/boxing.h"

namespace ember {

class EMBER_API Library {
 public:
  explicit Library(std::string ns) : ns_(std::move(ns)) {}

  // Defines an operator; the library's namespace is used when the schema has none.
  Library& def(const std::string& schema);

  // A typed kernel for target ("cpu", "sim", "Composite", "CompositeExplicit", "Autograd").
  template <typename F>
  Library& impl(const std::string& op, const std::string& target, F&& fn) {
    return impl_callable(op, target, std::function<typename CallableSig<std::decay_t<F>>::type>(std::forward<F>(fn)));
  }
  // A boxed kernel: it reads its arguments from the end of the stack and replaces them by results.
  Library& impl_boxed(const std::string& op, const std::string& target,
                      std::function<void(const OperatorHandle&, Stack&)> fn);

  const std::string& ns() const { return ns_; }

 private:
  template <typename T> struct CallableSig : CallableSig<decltype(&T::operator())> {};
  template <typename C, typename R, typename... A> struct CallableSig<R (C::*)(A...) const> { using type = R(A...); };
  template <typename C, typename R, typename... A> struct CallableSig<R (C::*)(A...)> { using type = R(A...); };
  template <typename R, typename... A> struct CallableSig<R (*)(A...)> { using type = R(A...); };

  template <typename Ret, typename... Args>
  static Ret trampoline(void* ctx, DispatchKeySet, Args... args) {
    return (*static_cast<std::function<Ret(Args...)>*>(ctx))(std::forward<Args>(args)...);
  }
  template <typename Ret, typename... Args>
  Library& impl_callable(const std::string& op, const std::string& target, std::function<Ret(Args...)> fn) {
    // The callable and the boxed context live as long as the registration, i.e. for the
    // process; they are freed only when the registration is rejected.
    auto stored = std::make_unique<std::function<Ret(Args...)>>(std::move(fn));
    KernelFunction k = detail::make_kernel<Ret, Args...>(&trampoline<Ret, Args...>, stored.get(), provider());
    std::unique_ptr<typename detail::BoxedWrapper<Ret, Args...>::Ctx> boxed_ctx(
        static_cast<typename detail::BoxedWrapper<Ret, Args...>::Ctx*>(k.boxed_ctx));
    register_checked(op, target, k, sizeof...(Args));
    stored.release();
    boxed_ctx.release();
    return *this;
  }
  void register_checked(const std::string& op, const std::string& target, const KernelFunction& k, size_t num_args);
  const char* provider() const;
  std::string qualify(const std::string& op) const;

  std::string ns_;
};

// A typed handle on any operator: ember::op<Tensor(const Tensor&, double)>("myops::scale").call(x, 2.0).
template <typename Sig>
TypedOperatorHandle<Sig> op(const std::string& name) {
  return TypedOperatorHandle<Sig>(Dispatcher::singleton().find_or_throw(name));
}

// Calls any operator boxed with its arguments (defaults filled in from the schema) and returns
// its results: ember::call_boxed("myops::scale", {x, 2.0}).
EMBER_API Stack call_boxed(const std::string& name, Stack args);

}  // namespace ember
