// Run-time registration of custom operators from C++ (the researcher's API):
//
//   ember::Library lib("myops");
//   lib.def("scale(Tensor x, float s) -> Tensor");                 // becomes myops::scale
//   lib.impl("scale", "cpu", [](const Tensor& x, double s) { ... });   // per device type
//   lib.impl("scale", "Composite", [](const Tensor& x, double s) { return x * s; });
//   auto y = ember::op<Tensor(const Tensor&, double)>("myops::scale").call(x, 2.0);
//
// and libtorch's static form of the same (TORCH_LIBRARY / TORCH_LIBRARY_IMPL in
// <ember/torch_compat.h> are these macros):
//
//   EMBER_LIBRARY(myops, m) { m.def("scale(Tensor x, float s) -> Tensor"); }
//   EMBER_LIBRARY_IMPL(myops, CPU, m) { m.impl("scale", EMBER_FN(scale_cpu)); }
//   EMBER_LIBRARY_IMPL(myops, Autograd, m) { m.impl("scale", autograd::not_implemented_fallback()); }
//
// Kernels are C++ callables taking the C++ API types of the schema (docs/CONVENTIONS.md), or
// CppFunctions (dispatcher/cpp_function.h). An IMPL library may register kernels for an operator
// that is not defined yet (static initializers of different files run in no fixed order): they are
// kept and registered when the operator is defined. Registrations are permanent (never
// unregistered). Thread-safe against concurrent calls.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "dispatcher/cpp_function.h"

namespace ember {

class EMBER_API Library {
 public:
  // DEF: defines operators of its namespace (TORCH_LIBRARY); IMPL: registers kernels for one key
  // (TORCH_LIBRARY_IMPL); FRAGMENT: defines more operators of a namespace (TORCH_LIBRARY_FRAGMENT).
  enum Kind { DEF, IMPL, FRAGMENT };

  explicit Library(std::string ns) : ns_(std::move(ns)) {}
  Library(Kind kind, std::string ns, std::optional<DispatchKey> key, const char* file = "", uint32_t line = 0);

  // Defines an operator; the library's namespace is used when the schema has none.
  // (Not in an IMPL library.)
  Library& def(const std::string& schema);
  // Defines an operator and registers fn as its CompositeImplicitAutograd kernel (or at fn's key).
  template <typename F>
  Library& def(const std::string& schema, F&& fn) {
    def(schema);
    return impl(name_of(schema), std::forward<F>(fn));
  }

  // A typed kernel for target ("cpu", "sim", "Composite", "CompositeExplicit", "Autograd").
  template <typename F>
  Library& impl(const std::string& op, const std::string& target, F&& fn) {
    return register_function(op, DispatchTarget::device(target), to_function(std::forward<F>(fn)));
  }
  // libtorch's forms: at the given key, at the function's own key (dispatch(key, fn)), at the
  // library's key (IMPL), or else as CompositeImplicitAutograd.
  template <typename F>
  Library& impl(const std::string& op, DispatchKey key, F&& fn) {
    CppFunction f = to_function(std::forward<F>(fn));
    f.set_dispatch_key(key);
    return impl_function(op, std::move(f));
  }
  template <typename F>
  Library& impl(const std::string& op, F&& fn) {
    return impl_function(op, to_function(std::forward<F>(fn)));
  }
  // A boxed kernel: it reads its arguments from the end of the stack and replaces them by results.
  Library& impl_boxed(const std::string& op, const std::string& target,
                      std::function<void(const OperatorHandle&, Stack&)> fn);
  // IMPL libraries: the kernel used at the library's key by every operator that has none of its
  // own (a boxed CppFunction, or CppFunction::makeFallthrough()).
  Library& fallback(CppFunction&& fn);

  const std::string& ns() const { return ns_; }
  Kind kind() const { return kind_; }

 private:
  template <typename F>
  static CppFunction to_function(F&& fn) {
    if constexpr (std::is_same_v<std::decay_t<F>, CppFunction>) return std::move(fn);
    else return CppFunction(std::forward<F>(fn));
  }
  Library& impl_function(const std::string& op, CppFunction&& fn);
  Library& register_function(const std::string& op, DispatchTarget target, CppFunction&& fn);
  // The operator name of a schema or name ("f.overload(Tensor x) -> Tensor" -> "f.overload").
  static std::string name_of(const std::string& schema);
  const char* provider() const;
  std::string qualify(const std::string& op) const;
  std::string where() const;

  Kind kind_ = FRAGMENT;
  std::string ns_;
  std::optional<DispatchKey> key_;
  const char* file_ = "";
  uint32_t line_ = 0;
};

// A typed handle on any operator: ember::op<Tensor(const Tensor&, double)>("myops::scale").call(x, 2.0).
template <typename Sig>
TypedOperatorHandle<Sig> op(const std::string& name) {
  return TypedOperatorHandle<Sig>(Dispatcher::singleton().find_or_throw(name));
}

// Calls any operator boxed with its arguments (defaults filled in from the schema) and returns
// its results: ember::call_boxed("myops::scale", {x, 2.0}).
EMBER_API Stack call_boxed(const std::string& name, Stack args);

namespace detail {
// Runs a static library block at load time (EMBER_LIBRARY and friends).
class EMBER_API LibraryInit {
 public:
  LibraryInit(Library::Kind kind, void (*init)(Library&), const char* ns, std::optional<DispatchKey> key,
              const char* file, uint32_t line);

 private:
  Library lib_;
};
}  // namespace detail

}  // namespace ember

#define EMBER_LIBRARY_CONCAT_(a, b) a##b
#define EMBER_LIBRARY_CONCAT(a, b) EMBER_LIBRARY_CONCAT_(a, b)

// Defines the operators of namespace ns: EMBER_LIBRARY(myops, m) { m.def("..."); }
#define EMBER_LIBRARY(ns, m)                                                                         \
  static void EMBER_LIBRARY_init_##ns(::ember::Library&);                                            \
  static const ::ember::detail::LibraryInit EMBER_LIBRARY_static_init_##ns(                          \
      ::ember::Library::DEF, &EMBER_LIBRARY_init_##ns, #ns, std::nullopt, __FILE__, __LINE__);       \
  void EMBER_LIBRARY_init_##ns(::ember::Library& m)

// More operators of namespace ns, from another file.
#define EMBER_LIBRARY_FRAGMENT(ns, m) EMBER_LIBRARY_FRAGMENT_UID_(ns, m, __COUNTER__)
#define EMBER_LIBRARY_FRAGMENT_UID_(ns, m, uid)                                                      \
  static void EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_fragment_init_##ns##_, uid)(::ember::Library&);     \
  static const ::ember::detail::LibraryInit EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_fragment_static_##ns##_, uid)( \
      ::ember::Library::FRAGMENT, &EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_fragment_init_##ns##_, uid), #ns, \
      std::nullopt, __FILE__, __LINE__);                                                             \
  void EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_fragment_init_##ns##_, uid)(::ember::Library & m)

// Kernels of namespace ns's operators for one key (a DispatchKey name): EMBER_LIBRARY_IMPL(myops, CPU, m).
#define EMBER_LIBRARY_IMPL(ns, k, m) EMBER_LIBRARY_IMPL_UID_(ns, k, m, __COUNTER__)
#define EMBER_LIBRARY_IMPL_UID_(ns, k, m, uid)                                                       \
  static void EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_impl_init_##ns##_##k##_, uid)(::ember::Library&);   \
  static const ::ember::detail::LibraryInit EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_impl_static_##ns##_##k##_, uid)( \
      ::ember::Library::IMPL, &EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_impl_init_##ns##_##k##_, uid), #ns,   \
      ::ember::DispatchKey::k, __FILE__, __LINE__);                                                  \
  void EMBER_LIBRARY_CONCAT(EMBER_LIBRARY_impl_init_##ns##_##k##_, uid)(::ember::Library & m)

// The same as values, for a library that lives in a scope: auto m = EMBER_MAKE_LIBRARY(myops);
#define EMBER_MAKE_LIBRARY(ns) ::ember::Library(::ember::Library::DEF, #ns, std::nullopt, __FILE__, __LINE__)
#define EMBER_MAKE_LIBRARY_IMPL(ns, k) \
  ::ember::Library(::ember::Library::IMPL, #ns, ::ember::DispatchKey::k, __FILE__, __LINE__)
