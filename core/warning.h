// Warnings: messages that are not errors ("the .grad of a non-leaf tensor is being accessed"),
// delivered to a replaceable handler, as c10::Warning.
//
//   EMBER_WARN("x is deprecated; use y");         // from library code
//   struct Capture : ember::WarningHandler { void process(...) override { ... } };
//   ember::Warning::set_warning_handler(&capture);  // this thread only
//
// The handler is per thread (as libtorch 1.13): set_warning_handler affects the calling thread,
// and nullptr restores the default handler, which writes "Warning: <msg> (<location>)" to stderr.
// The caller keeps a handler alive while it is installed. WarnAlways switches on, for the calling
// thread, warnings that EMBER_WARN_ONCE would otherwise give only once per process.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace ember {

struct SourceLocation {
  const char* function;
  const char* file;
  uint32_t line;
};

class EMBER_API WarningHandler {
 public:
  virtual ~WarningHandler() = default;
  // verbatim: the message is to be shown as is, without location.
  virtual void process(const SourceLocation& location, const std::string& msg, bool verbatim);
};

class EMBER_API Warning {
 public:
  static void warn(const SourceLocation& location, const std::string& msg, bool verbatim = false);
  static void set_warning_handler(WarningHandler* handler);
  static WarningHandler* get_warning_handler();
  static void set_warnAlways(bool enabled);
  static bool get_warnAlways();

  // Switches warn-always on or off for the guard's lifetime (this thread).
  class EMBER_API WarnAlways {
   public:
    explicit WarnAlways(bool enabled = true);
    ~WarnAlways();
    WarnAlways(const WarnAlways&) = delete;
    WarnAlways& operator=(const WarnAlways&) = delete;

   private:
    bool previous_;
  };
};

// Installs handler for the guard's lifetime (this thread).
class EMBER_API WarningHandlerGuard {
 public:
  explicit WarningHandlerGuard(WarningHandler* handler);
  ~WarningHandlerGuard();
  WarningHandlerGuard(const WarningHandlerGuard&) = delete;
  WarningHandlerGuard& operator=(const WarningHandlerGuard&) = delete;

 private:
  WarningHandler* previous_;
};

}  // namespace ember

#define EMBER_WARN(...) \
  ::ember::Warning::warn({__func__, __FILE__, static_cast<uint32_t>(__LINE__)}, ::ember::detail::str(__VA_ARGS__))

// Warns the first time this line runs in the process (every time under WarnAlways).
#define EMBER_WARN_ONCE(...)                                                    \
  do {                                                                          \
    static bool ember_warned_once_ = false;                                     \
    if (!ember_warned_once_ || ::ember::Warning::get_warnAlways()) {            \
      ember_warned_once_ = true;                                                \
      EMBER_WARN(__VA_ARGS__);                                                  \
    }                                                                           \
  } while (0)
