// ember's error types and the check macros.
//
// User errors (bad shapes, dtypes, arguments, files, plugins) throw a subclass of ember::Error
// through EMBER_CHECK; bugs in ember itself throw InternalError through EMBER_INTERNAL_ASSERT.
// Library code never aborts the process and never prints instead of throwing.
// Messages read "[op] expected X, got Y". Thread-safe: errors are plain values.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/export.h"

namespace ember {

class EMBER_API Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  // Adds context ("while loading plugin 'x'") in front of the message, keeping the type.
  virtual const char* kind() const noexcept { return "Error"; }
};

#define EMBER_DECLARE_ERROR(Name, Base)                                  \
  class EMBER_API Name : public Base {                                   \
   public:                                                               \
    explicit Name(const std::string& message) : Base(message) {}         \
    const char* kind() const noexcept override { return #Name; }         \
  }

EMBER_DECLARE_ERROR(ValueError, Error);           // a bad value: shape, size, option, text
EMBER_DECLARE_ERROR(TypeError, Error);            // a bad dtype or argument type
EMBER_DECLARE_ERROR(IndexError, Error);           // a dim or index out of range
EMBER_DECLARE_ERROR(NotImplementedError, Error);  // no kernel, op or feature for this case
EMBER_DECLARE_ERROR(RuntimeError, Error);         // anything else that went wrong at run time
EMBER_DECLARE_ERROR(InternalError, Error);        // a bug in ember (EMBER_INTERNAL_ASSERT)
EMBER_DECLARE_ERROR(OutOfMemoryError, RuntimeError);  // a device allocator could not provide the memory
EMBER_DECLARE_ERROR(ConfigError, ValueError);     // malformed or invalid configuration YAML
EMBER_DECLARE_ERROR(PluginError, RuntimeError);   // a plugin failed to load, init or run
EMBER_DECLARE_ERROR(SchemaError, ValueError);     // a malformed operator schema or ops.yaml entry
EMBER_DECLARE_ERROR(DeviceError, RuntimeError);   // a device runtime failed (a CUDA error, a lost device)
EMBER_DECLARE_ERROR(TimeoutError, RuntimeError);  // a deadline passed (collectives, stores, synchronize)
EMBER_DECLARE_ERROR(DistributedError, RuntimeError);  // a peer failed or ranks disagree

#undef EMBER_DECLARE_ERROR

namespace detail {
inline void append_all(std::ostringstream&) {}
template <typename T, typename... Rest>
void append_all(std::ostringstream& os, const T& first, const Rest&... rest) {
  os << first;
  append_all(os, rest...);
}
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  append_all(os, args...);
  return os.str();
}
inline std::string str(const std::string& s) { return s; }
inline std::string str(const char* s) { return s; }

template <typename E>
[[noreturn]] __attribute__((noinline, cold)) void throw_error(std::string message) {
  throw E(message);
}
[[noreturn]] EMBER_API void throw_internal(const char* file, int line, const char* cond,
                                           const std::string& message);
}  // namespace detail

}  // namespace ember

#define EMBER_LIKELY(x) __builtin_expect(!!(x), 1)
#define EMBER_UNLIKELY(x) __builtin_expect(!!(x), 0)

// EMBER_CHECK(cond, Kind, message parts...): throws ember::Kind (ValueError, TypeError, ...)
// with the concatenated message parts when cond is false. Parts are only formatted on failure.
#define EMBER_CHECK(cond, Kind, ...)                                                  \
  do {                                                                                \
    if (EMBER_UNLIKELY(!(cond)))                                                      \
      ::ember::detail::throw_error<::ember::Kind>(::ember::detail::str(__VA_ARGS__)); \
  } while (0)

// Throws unconditionally: EMBER_FAIL(Kind, message parts...).
#define EMBER_FAIL(Kind, ...) ::ember::detail::throw_error<::ember::Kind>(::ember::detail::str(__VA_ARGS__))

// For invariants whose failure means a bug in ember, not in the caller's input.
#define EMBER_INTERNAL_ASSERT(cond, ...)                                                     \
  do {                                                                                       \
    if (EMBER_UNLIKELY(!(cond)))                                                             \
      ::ember::detail::throw_internal(__FILE__, __LINE__, #cond, ::ember::detail::str("", ##__VA_ARGS__)); \
  } while (0)
