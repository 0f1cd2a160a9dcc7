#include "core/warning.h"

#include <iostream>

namespace ember {

namespace {
WarningHandler& default_handler() {
  static WarningHandler handler;
  return handler;
}
thread_local WarningHandler* current_handler = nullptr;
thread_local bool warn_always = false;
}  // namespace

void WarningHandler::process(const SourceLocation& location, const std::string& msg, bool verbatim) {
  std::cerr << "Warning: " << msg;
  if (!verbatim && location.file != nullptr)
    std::cerr << " (" << (location.function ? location.function : "?") << " at " << location.file << ":"
              << location.line << ")";
  std::cerr << "\n";
}

void Warning::warn(const SourceLocation& location, const std::string& msg, bool verbatim) {
  get_warning_handler()->process(location, msg, verbatim);
}

void Warning::set_warning_handler(WarningHandler* handler) { current_handler = handler; }

WarningHandler* Warning::get_warning_handler() {
  return current_handler != nullptr ? current_handler : &default_handler();
}

void Warning::set_warnAlways(bool enabled) { warn_always = enabled; }
bool Warning::get_warnAlways() { return warn_always; }

Warning::WarnAlways::WarnAlways(bool enabled) : previous_(warn_always) { warn_always = enabled; }
Warning::WarnAlways::~WarnAlways() { warn_always = previous_; }

WarningHandlerGuard::WarningHandlerGuard(WarningHandler* handler) : previous_(Warning::get_warning_handler()) {
  Warning::set_warning_handler(handler);
}
WarningHandlerGuard::~WarningHandlerGuard() { Warning::set_warning_handler(previous_); }

}  // namespace ember
