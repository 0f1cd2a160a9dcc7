// Porting aid for libtorch programs: `#include <ember/torch_compat.h>` instead of <torch/torch.h>
// gives ember's whole C++ API under libtorch's names as well:
//
//   - the namespaces torch, at and c10 as aliases of ember (torch::nn::Linear is
//     ember::nn::Linear, at::Tensor is ember::Tensor);
//   - the TORCH_* macros: TORCH_CHECK (and its _VALUE/_INDEX/_TYPE/_NOT_IMPLEMENTED forms),
//     TORCH_INTERNAL_ASSERT, TORCH_WARN, TORCH_WARN_ONCE, AT_ERROR, TORCH_MODULE, TORCH_ARG;
//   - operator registration: TORCH_LIBRARY, TORCH_LIBRARY_FRAGMENT, TORCH_LIBRARY_IMPL,
//     MAKE_TORCH_LIBRARY(_IMPL), TORCH_FN (ember's EMBER_LIBRARY... of dispatcher/library.h),
//     torch::autograd::autogradNotImplementedFallback(), and ATen's test helpers makeStack,
//     callOp and callOpUnboxed;
//   - modules print (and Module::name() reads) with libtorch's "torch::nn::" prefix.
//
// A program that reopens `namespace torch { ... }` must rename it to ember (an alias cannot be
// reopened). docs/PORTING.md lists what else differs from libtorch 1.13.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <variant>

#include <ember/ember.h>

#include "core/irange.h"
#include "core/str.h"
#include "core/tempfile.h"
#include "core/warning.h"

namespace torch = ::ember;
namespace at = ::ember;
namespace c10 = ::ember;

namespace ember {

// c10's vocabulary types are the standard ones.
using std::get_if;
using std::holds_alternative;
using std::make_optional;
using std::make_unique;
using std::nullopt;
using std::nullopt_t;
using std::optional;
using std::variant;
using std::visit;
using Dtype = ScalarType;

// libtorch keeps dtypes as caffe2::TypeMeta in a few signatures; ember's ScalarType plays both parts.
inline ScalarType get_default_dtype() { return default_dtype(); }
inline ScalarType get_default_dtype_as_scalartype() { return default_dtype(); }
inline ScalarType typeMetaToScalarType(ScalarType t) { return t; }
inline ScalarType scalarTypeToTypeMeta(ScalarType t) { return t; }

namespace detail {
// TORCH_CHECK's message: the given parts, or libtorch's default that names the condition.
template <typename... Args>
std::string check_message(const char* condition, const Args&... args) {
  if constexpr (sizeof...(Args) == 0) {
    return str("Expected ", condition, " to be true, but got false.");
  } else {
    return str(args...);
  }
}
}  // namespace detail
}  // namespace ember

#define EMBER_COMPAT_CHECK_(Kind, cond, ...)                                                        \
  do {                                                                                             \
    if (EMBER_UNLIKELY(!(cond)))                                                                   \
      ::ember::detail::throw_error<::ember::Kind>(::ember::detail::check_message(#cond, ##__VA_ARGS__)); \
  } while (0)

#define TORCH_CHECK(cond, ...) EMBER_COMPAT_CHECK_(RuntimeError, cond, ##__VA_ARGS__)
#define TORCH_CHECK_VALUE(cond, ...) EMBER_COMPAT_CHECK_(ValueError, cond, ##__VA_ARGS__)
#define TORCH_CHECK_INDEX(cond, ...) EMBER_COMPAT_CHECK_(IndexError, cond, ##__VA_ARGS__)
#define TORCH_CHECK_TYPE(cond, ...) EMBER_COMPAT_CHECK_(TypeError, cond, ##__VA_ARGS__)
#define TORCH_CHECK_NOT_IMPLEMENTED(cond, ...) EMBER_COMPAT_CHECK_(NotImplementedError, cond, ##__VA_ARGS__)
#define TORCH_INTERNAL_ASSERT(cond, ...) EMBER_INTERNAL_ASSERT(cond, ##__VA_ARGS__)
#define TORCH_INTERNAL_ASSERT_DEBUG_ONLY(cond, ...) EMBER_INTERNAL_ASSERT(cond, ##__VA_ARGS__)
#define AT_ERROR(...) EMBER_FAIL(RuntimeError, ##__VA_ARGS__)
#define TORCH_WARN(...) EMBER_WARN(__VA_ARGS__)
#define TORCH_WARN_ONCE(...) EMBER_WARN_ONCE(__VA_ARGS__)
#define TORCH_MODULE(Name) EMBER_MODULE(Name)
#define TORCH_ARG(T, name) EMBER_ARG(T, name)
#define TORCH_LIBRARY(ns, m) EMBER_LIBRARY(ns, m)
#define TORCH_LIBRARY_FRAGMENT(ns, m) EMBER_LIBRARY_FRAGMENT(ns, m)
#define TORCH_LIBRARY_IMPL(ns, k, m) EMBER_LIBRARY_IMPL(ns, k, m)
#define MAKE_TORCH_LIBRARY(ns) EMBER_MAKE_LIBRARY(ns)
#define MAKE_TORCH_LIBRARY_IMPL(ns, k) EMBER_MAKE_LIBRARY_IMPL(ns, k)
#define TORCH_FN(f) EMBER_FN(f)

namespace ember {
namespace detail {
// A ported program prints its modules with libtorch's names ("torch::nn::Linear(...)").
inline const bool torch_compat_module_names = (nn::set_module_name_prefix("torch::nn::"), true);
}  // namespace detail

namespace autograd {
inline CppFunction autogradNotImplementedFallback() { return not_implemented_fallback(); }
inline CppFunction autogradNotImplementedInplaceOrViewFallback() { return not_implemented_inplace_or_view_fallback(); }
}  // namespace autograd

}  // namespace ember

// ATen's operator test helpers (ATen/core/boxing/impl/test_helpers.h), global as there.
template <typename... Args>
::ember::Stack makeStack(Args&&... args) {
  ::ember::Stack s;
  s.reserve(sizeof...(Args));
  (s.emplace_back(std::forward<Args>(args)), ...);
  return s;
}
template <typename... Args>
::ember::Stack callOp(const ::ember::OperatorHandle& op, Args... args) {
  ::ember::Stack s = makeStack(std::move(args)...);
  op.callBoxed(&s);
  return s;
}
template <typename Result, typename... Args>
Result callOpUnboxed(const ::ember::OperatorHandle& op, Args... args) {
  return op.typed<Result(Args...)>().call(std::forward<Args>(args)...);
}
