// Templates that move between the unboxed (typed C++) and boxed (IValue stack) conventions.
//
// Used by generated code and by run-time registration (Library::impl). A typed kernel
// `Ret(void* ctx, DispatchKeySet, Args...)` gets a boxed wrapper built by make_boxed; a typed call
// of a kernel that only has a boxed entry goes through call_boxed_from_unboxed. Parameter types
// are those of the C++ API: const Tensor&, const Scalar&, IntArrayRef, std::optional<...>, ...
#pragma once

#include <tuple>
#include <type_traits>

#include "dispatcher/dispatcher.h"

namespace ember {
namespace detail {

// ---- argument key sets ---------------------------------------------------------------------
inline DispatchKeySet key_set_of(const Tensor& t) { return t.defined() ? t.impl()->key_set() : DispatchKeySet(); }
// For a non-optional Tensor argument of a generated function: an undefined tensor is a
// TypeError naming the operator and the argument (kernels dereference their tensors).
[[noreturn]] EMBER_API void undefined_tensor_argument(const OperatorEntry& op, const char* argument);
inline DispatchKeySet key_set_of_defined(const Tensor& t, const OperatorEntry& op, const char* argument) {
  if (EMBER_UNLIKELY(!t.defined())) undefined_tensor_argument(op, argument);
  return t.impl()->key_set();
}
inline DispatchKeySet key_set_of(const std::optional<Tensor>& t) {
  return t && t->defined() ? t->impl()->key_set() : DispatchKeySet();
}
inline DispatchKeySet key_set_of(TensorList ts) {
  DispatchKeySet ks;
  for (const Tensor& t : ts) ks |= key_set_of(t);
  return ks;
}
inline DispatchKeySet key_set_of(const std::vector<Tensor>& ts) { return key_set_of(TensorList(ts)); }
template <typename T>
DispatchKeySet key_set_of(const T&) { return DispatchKeySet(); }
template <typename... Args>
DispatchKeySet key_set_of_all(const Args&... args) {
  return (DispatchKeySet() | ... | key_set_of(args));
}

// ---- IValue -> C++ ---------------------------------------------------------------------------
template <typename T> struct Unbox;
// Structural schema types (Any, type variables, tuples, dicts, classes) arrive as IValues.
template <> struct Unbox<IValue> {
  static const IValue& get(const IValue& v) { return v; }
};
template <> struct Unbox<Tensor> {
  static Tensor get(const IValue& v) { return v.is_none() ? Tensor() : v.to_tensor(); }
};
template <> struct Unbox<std::optional<Tensor>> {
  static std::optional<Tensor> get(const IValue& v) { return v.to_optional_tensor(); }
};
template <> struct Unbox<Scalar> { static Scalar get(const IValue& v) { return v.to_scalar(); } };
template <> struct Unbox<double> { static double get(const IValue& v) { return v.to_double(); } };
template <> struct Unbox<int64_t> { static int64_t get(const IValue& v) { return v.to_int(); } };
template <> struct Unbox<bool> { static bool get(const IValue& v) { return v.to_bool(); } };
template <> struct Unbox<ScalarType> { static ScalarType get(const IValue& v) { return v.to_scalar_type(); } };
template <> struct Unbox<Device> { static Device get(const IValue& v) { return v.to_device(); } };
template <> struct Unbox<Generator> { static Generator get(const IValue& v) { return v.to_generator(); } };
// Layout and MemoryFormat travel as ints on the stack, as in PyTorch (IValue(Layout) etc.).
template <> struct Unbox<Layout> { static Layout get(const IValue& v) { return static_cast<Layout>(v.to_int()); } };
template <> struct Unbox<MemoryFormat> {
  static MemoryFormat get(const IValue& v) { return static_cast<MemoryFormat>(v.to_int()); }
};
template <> struct Unbox<std::string> { static const std::string& get(const IValue& v) { return v.to_string_ref(); } };
template <> struct Unbox<IntArrayRef> { static IntArrayRef get(const IValue& v) { return IntArrayRef(v.to_int_list()); } };
template <> struct Unbox<ArrayRef<double>> {
  static ArrayRef<double> get(const IValue& v) { return ArrayRef<double>(v.to_double_list()); }
};
template <> struct Unbox<std::vector<bool>> {
  static const std::vector<bool>& get(const IValue& v) { return v.to_bool_list(); }
};
template <> struct Unbox<TensorList> { static TensorList get(const IValue& v) { return TensorList(v.to_tensor_list()); } };
template <> struct Unbox<std::vector<Tensor>> {
  static const std::vector<Tensor>& get(const IValue& v) { return v.to_tensor_list(); }
};
template <typename T> struct Unbox<std::optional<T>> {
  static std::optional<T> get(const IValue& v) {
    if (v.is_none()) return std::nullopt;
    return Unbox<T>::get(v);
  }
};

// ---- C++ -> IValue results -------------------------------------------------------------------
template <typename R> struct PushResult {
  static void push(Stack& s, R&& r) { s.emplace_back(std::forward<R>(r)); }
};
template <typename... Ts> struct PushResult<std::tuple<Ts...>> {
  static void push(Stack& s, std::tuple<Ts...>&& r) {
    std::apply([&](auto&&... e) { (s.emplace_back(std::move(e)), ...); }, std::move(r));
  }
};
template <typename R> struct PopResult {
  static R pop(Stack& s) { return Unbox<R>::get(s.back()); }
};
template <> struct PopResult<void> { static void pop(Stack&) {} };
template <typename... Ts> struct PopResult<std::tuple<Ts...>> {
  static std::tuple<Ts...> pop(Stack& s) {
    size_t base = s.size() - sizeof...(Ts);
    return pop_at(s, base, std::index_sequence_for<Ts...>());
  }
  template <size_t... I>
  static std::tuple<Ts...> pop_at(Stack& s, size_t base, std::index_sequence<I...>) {
    return std::tuple<Ts...>(Unbox<Ts>::get(s[base + I])...);
  }
};

template <typename T> using Bare = std::remove_cv_t<std::remove_reference_t<T>>;

// ---- unboxed kernel -> boxed wrapper --------------------------------------------------------
template <typename Ret, typename... Args>
struct BoxedWrapper {
  using Fn = Ret (*)(void*, DispatchKeySet, Args...);
  struct Ctx {
    Fn fn;
    void* ctx;
  };
  static void call(void* raw, const OperatorHandle&, DispatchKeySet ks, Stack* stack) {
    auto* c = static_cast<Ctx*>(raw);
    constexpr size_t n = sizeof...(Args);
    EMBER_INTERNAL_ASSERT(stack->size() >= n, "boxed call with too few arguments");
    size_t base = stack->size() - n;
    invoke(c, ks, stack, base, std::index_sequence_for<Args...>());
  }
  template <size_t... I>
  static void invoke(Ctx* c, DispatchKeySet ks, Stack* stack, size_t base, std::index_sequence<I...>) {
    if constexpr (std::is_void_v<Ret>) {
      c->fn(c->ctx, ks, Unbox<Bare<Args>>::get((*stack)[base + I])...);
      stack->resize(base);
    } else {
      Ret r = c->fn(c->ctx, ks, Unbox<Bare<Args>>::get((*stack)[base + I])...);
      stack->resize(base);
      PushResult<Ret>::push(*stack, std::move(r));
    }
  }
};

// Builds a table entry for a typed kernel. The boxed context is allocated once and lives for
// the process (kernels are never unregistered).
template <typename Ret, typename... Args>
KernelFunction make_kernel(Ret (*fn)(void*, DispatchKeySet, Args...), void* ctx, const char* provider) {
  using W = BoxedWrapper<Ret, Args...>;
  KernelFunction k;
  k.unboxed = reinterpret_cast<void*>(fn);
  k.ctx = ctx;
  k.boxed = &W::call;
  k.boxed_ctx = new typename W::Ctx{fn, ctx};
  k.signature = CppSignature::of<Ret(Args...)>();
  k.provider = provider;
  return k;
}

// ---- typed call of a kernel that has only a boxed entry --------------------------------------
template <typename Ret, typename... Args>
Ret call_boxed_from_unboxed(const OperatorEntry& op, const KernelFunction& k, DispatchKeySet ks,
                            const Args&... args) {
  Stack stack;
  stack.reserve(sizeof...(Args));
  (stack.emplace_back(args), ...);
  k.boxed(k.boxed_ctx, OperatorHandle(const_cast<OperatorEntry*>(&op)), ks, &stack);
  return PopResult<Bare<Ret>>::pop(stack);
}

}  // namespace detail

// The typed call used by generated functions: the unboxed fast path when the kernel has one.
template <typename Ret, typename... Args>
inline Ret call_op(const OperatorEntry& op, DispatchKeySet ks, Args... args) {
  const KernelFunction& k = op.lookup(ks);
  if (EMBER_LIKELY(k.unboxed != nullptr)) {
    return reinterpret_cast<Ret (*)(void*, DispatchKeySet, Args...)>(k.unboxed)(k.ctx, ks, args...);
  }
  return detail::call_boxed_from_unboxed<Ret>(op, k, ks, args...);
}

// Typed calls of any operator by signature: op.typed<Tensor(const Tensor&, double)>().call(x, 2.0).
template <typename Sig> class TypedOperatorHandle;
template <typename Ret, typename... Args>
class TypedOperatorHandle<Ret(Args...)> {
 public:
  // Checks Ret(Args...) against the operator's kernels (a TypeError naming both on a mismatch).
  explicit TypedOperatorHandle(OperatorHandle op) : op_(op) {
    op_.entry()->check_cpp_signature(CppSignature::of<Ret(Args...)>(), "looked up as a typed operator");
  }
  Ret call(Args... args) const {
    DispatchKeySet ks = op_.entry()->dispatch_key_set(detail::key_set_of_all(args...));
    return call_op<Ret, Args...>(*op_.entry(), ks, args...);
  }
  Ret redispatch(DispatchKeySet ks, Args... args) const { return call_op<Ret, Args...>(*op_.entry(), ks, args...); }

 private:
  OperatorHandle op_;
};

template <typename Sig>
TypedOperatorHandle<Sig> OperatorHandle::typed() const {
  return TypedOperatorHandle<Sig>(*this);
}

}  // namespace ember
