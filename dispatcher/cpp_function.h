// DispatchKey and CppFunction: libtorch's vocabulary for "where a kernel goes" and "a kernel of any
// form, not yet registered", used by Library's TORCH_LIBRARY-style API (dispatcher/library.h).
//
//   CppFunction(fn)                        a lambda, functor or function pointer (typed kernel)
//   CppFunction(EMBER_FN(fn))              a function known at compile time (TORCH_FN)
//   CppFunction::makeFromBoxedFunction<&f>()   f(const OperatorHandle&, Stack*) or
//                                          f(const OperatorHandle&, DispatchKeySet, Stack*)
//   CppFunction::makeFallthrough()         pass the call on to the next key (fallback only)
//   dispatch(DispatchKey::CPU, fn)         a CppFunction that carries its own key
//
// A CppFunction owns the callable it wraps until a Library registers it; registered kernels live
// for the process (registrations are permanent). Move-only; not synchronized (one thread builds it).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "dispatcher/boxing.h"

namespace ember {

// Where a kernel is registered, in libtorch's names. ember has one Autograd key for every device
// and does ADInplaceOrView's work (version counters, view bookkeeping) inside its Autograd kernels:
// see dispatch_target_of.
enum class DispatchKey : uint8_t {
  Undefined,
  CPU,
  CUDA,
  Autograd,
  AutogradCPU,
  AutogradCUDA,
  ADInplaceOrView,
  CompositeImplicitAutograd,
  CompositeExplicitAutograd,
};
EMBER_API const char* dispatch_key_name(DispatchKey k);

// A function known at compile time, as a type: EMBER_FN(f) (libtorch's TORCH_FN).
template <auto F>
struct CompileTimeFunctionPointer {
  static constexpr auto value = F;
};
#define EMBER_FN(f) ::ember::CompileTimeFunctionPointer<&f>()

class EMBER_API CppFunction {
 public:
  // What registering the function does.
  enum class Role : uint8_t {
    Kernel,            // a kernel (or fallback) for the target key
    Fallthrough,       // the key passes calls on (fallback registrations only)
    InplaceOrViewWork  // libtorch's ADInplaceOrView fallback: ember's Autograd kernels already do it
  };

  // A typed kernel from any callable whose parameters are the C++ API types of the schema.
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, CppFunction>>>
  explicit CppFunction(F&& fn) {
    init_typed(std::function<typename CallableSig<std::decay_t<F>>::type>(std::forward<F>(fn)));
  }
  template <auto F>
  explicit CppFunction(CompileTimeFunctionPointer<F>) {
    init_typed(std::function<std::remove_pointer_t<decltype(F)>>(F));
  }

  template <void (*F)(const OperatorHandle&, Stack*)>
  static CppFunction makeFromBoxedFunction() {
    return from_boxed([](void*, const OperatorHandle& op, DispatchKeySet, Stack* s) { F(op, s); }, nullptr);
  }
  template <void (*F)(const OperatorHandle&, DispatchKeySet, Stack*)>
  static CppFunction makeFromBoxedFunction() {
    return from_boxed([](void*, const OperatorHandle& op, DispatchKeySet ks, Stack* s) { F(op, ks, s); }, nullptr);
  }
  static CppFunction makeFallthrough();
  // A boxed kernel; ctx is passed to fn on every call and is not owned.
  static CppFunction from_boxed(BoxedKernelFn fn, void* ctx);
  static CppFunction with_role(Role role);

  CppFunction(CppFunction&&) noexcept;
  CppFunction& operator=(CppFunction&&) noexcept;
  ~CppFunction();

  Role role() const { return role_; }
  // The key set by dispatch(key, fn), if any.
  const std::optional<DispatchKey>& dispatch_key() const { return dispatch_key_; }
  void set_dispatch_key(DispatchKey k) { dispatch_key_ = k; }
  // Typed kernels: the number of parameters (checked against the schema); -1 for boxed ones.
  int num_args() const { return num_args_; }
  // The kernel, with provider as its provider; the CppFunction keeps owning its contexts.
  KernelFunction kernel(const char* provider) const;
  // Called once the dispatcher holds the kernel: its contexts now live for the process.
  void release_to_registration();

 private:
  CppFunction() = default;
  template <typename T> struct CallableSig : CallableSig<decltype(&T::operator())> {};
  template <typename C, typename R, typename... A> struct CallableSig<R (C::*)(A...) const> { using type = R(A...); };
  template <typename C, typename R, typename... A> struct CallableSig<R (C::*)(A...)> { using type = R(A...); };
  template <typename R, typename... A> struct CallableSig<R (*)(A...)> { using type = R(A...); };
  template <typename R, typename... A> struct CallableSig<R(A...)> { using type = R(A...); };

  template <typename Ret, typename... Args>
  static Ret trampoline(void* ctx, DispatchKeySet, Args... args) {
    return (*static_cast<std::function<Ret(Args...)>*>(ctx))(std::forward<Args>(args)...);
  }
  template <typename Ret, typename... Args>
  void init_typed(std::function<Ret(Args...)> fn) {
    auto* stored = new std::function<Ret(Args...)>(std::move(fn));
    owned_ctx_ = std::unique_ptr<void, void (*)(void*)>(
        stored, [](void* p) { delete static_cast<std::function<Ret(Args...)>*>(p); });
    kernel_ = detail::make_kernel<Ret, Args...>(&trampoline<Ret, Args...>, stored, "");
    owned_boxed_ctx_ = std::unique_ptr<void, void (*)(void*)>(kernel_.boxed_ctx, [](void* p) {
      delete static_cast<typename detail::BoxedWrapper<Ret, Args...>::Ctx*>(p);
    });
    num_args_ = static_cast<int>(sizeof...(Args));
  }

  KernelFunction kernel_;
  std::unique_ptr<void, void (*)(void*)> owned_ctx_{nullptr, [](void*) {}};
  std::unique_ptr<void, void (*)(void*)> owned_boxed_ctx_{nullptr, [](void*) {}};
  int num_args_ = -1;
  Role role_ = Role::Kernel;
  std::optional<DispatchKey> dispatch_key_;
};

// A CppFunction bound to a key: m.impl("op", dispatch(DispatchKey::CPU, fn)).
template <typename F>
CppFunction dispatch(DispatchKey k, F&& fn) {
  CppFunction f = [&] {
    if constexpr (std::is_same_v<std::decay_t<F>, CppFunction>) return std::move(fn);
    else return CppFunction(std::forward<F>(fn));
  }();
  f.set_dispatch_key(k);
  return f;
}

}  // namespace ember
