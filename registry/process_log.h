// The process log: messages from the runtime and from plugins (host->log), kept in memory so
// that `ember info` and tests can show them.
//
// Warnings and errors are also written to stderr, once per distinct (source, message) pair, so a
// plugin that warns on every call does not flood the terminal. The log keeps the most recent
// kMaxLogEntries entries. Thread-safe: one mutex guards everything.
#pragma once

#include <string>
#include <vector>

#include "core/export.h"

namespace ember {

enum class LogLevel : int { Debug = 0, Info = 1, Warning = 2, Error = 3 };

struct LogEntry {
  LogLevel level;
  std::string source;  // "ember" or a plugin name
  std::string message;
};

constexpr size_t kMaxLogEntries = 1000;

EMBER_API void log_message(LogLevel level, const std::string& source, const std::string& message);
EMBER_API std::vector<LogEntry> log_entries();
EMBER_API const char* log_level_name(LogLevel level);  // "debug", "info", "warning", "error"

}  // namespace ember
