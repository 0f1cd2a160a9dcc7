// CapturedWarnings: a WarningHandler that keeps every warning's message, for tests that check
// what ember warns (install it with WarningHandlerGuard). Not synchronized: one test thread.
#pragma once

#include <string>
#include <vector>

#include "core/warning.h"

namespace ember_test {

struct CapturedWarnings : ember::WarningHandler {
  void process(const ember::SourceLocation&, const std::string& msg, bool) override { messages.push_back(msg); }
  bool contains(const std::string& s) const {
    for (const auto& m : messages)
      if (m.find(s) != std::string::npos) return true;
    return false;
  }
  std::vector<std::string> messages;
};

}  // namespace ember_test
