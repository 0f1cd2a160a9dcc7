// Errors for plugin code: ember::sdk::Error carries an ember_status_code and a message, and the
// SDK turns it into an ember_status at the C boundary (kernel trampolines, init, device
// callbacks), so plugin code simply throws.
//
// Messages follow ember's `[op] expected X, got Y` form. A kernel usually leaves out the
// `[op] ` prefix: the kernel trampoline adds it (a message that already starts with '[' is kept).
//
// Value types; no shared state; thread-safe. Header-only; depends only on plugin_abi.h.
#pragma once

#include <exception>
#include <sstream>
#include <string>
#include <utility>

#include <ember/plugin_abi.h>

#if defined(__GNUC__)
#define EMBER_SDK_LIKELY(x) __builtin_expect(!!(x), 1)
#define EMBER_SDK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define EMBER_SDK_COLD __attribute__((cold, noinline))
#define EMBER_SDK_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define EMBER_SDK_LIKELY(x) (x)
#define EMBER_SDK_UNLIKELY(x) (x)
#define EMBER_SDK_COLD
#define EMBER_SDK_ALWAYS_INLINE inline
#endif

// Every SDK symbol is hidden: two plugins built against different SDK versions must never bind
// to each other's inline functions or globals, even when built without -fvisibility=hidden.
#if defined(__GNUC__) && !defined(_WIN32)
#define EMBER_SDK_NAMESPACE_BEGIN namespace ember { namespace sdk __attribute__((visibility("hidden"))) {
#else
#define EMBER_SDK_NAMESPACE_BEGIN namespace ember { namespace sdk {
#endif
#define EMBER_SDK_NAMESPACE_END } }

EMBER_SDK_NAMESPACE_BEGIN

class Error : public std::exception {
 public:
  Error(ember_status_code code, std::string message) : code_(code), message_(std::move(message)) {}
  ember_status_code code() const noexcept { return code_; }
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const noexcept { return message_; }

 private:
  ember_status_code code_;
  std::string message_;
};

// One class per status code, so that plugin code can also catch them by kind.
struct RuntimeError : Error {
  explicit RuntimeError(std::string m) : Error(EMBER_ERROR_RUNTIME, std::move(m)) {}
};
struct ValueError : Error {
  explicit ValueError(std::string m) : Error(EMBER_ERROR_VALUE, std::move(m)) {}
};
struct TypeError : Error {
  explicit TypeError(std::string m) : Error(EMBER_ERROR_TYPE, std::move(m)) {}
};
struct IndexError : Error {
  explicit IndexError(std::string m) : Error(EMBER_ERROR_INDEX, std::move(m)) {}
};
struct NotImplemented : Error {
  explicit NotImplemented(std::string m) : Error(EMBER_ERROR_NOT_IMPLEMENTED, std::move(m)) {}
};
struct OutOfMemory : Error {
  explicit OutOfMemory(std::string m) : Error(EMBER_ERROR_OUT_OF_MEMORY, std::move(m)) {}
};

namespace detail {

template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  (void)(os << ... << parts);
  return os.str();
}

// Out of line and cold so that a check costs one predictable branch on the hot path.
template <typename... Parts>
[[noreturn]] EMBER_SDK_COLD void fail(ember_status_code code, const Parts&... parts) {
  throw Error(code, concat(parts...));
}

}  // namespace detail

EMBER_SDK_NAMESPACE_END

// EMBER_SDK_CHECK(n > 0, EMBER_ERROR_VALUE, "expected n > 0, got ", n);
#define EMBER_SDK_CHECK(cond, code, ...)                                  \
  do {                                                                    \
    if (EMBER_SDK_UNLIKELY(!(cond))) ::ember::sdk::detail::fail((code), __VA_ARGS__); \
  } while (0)
