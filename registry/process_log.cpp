// The process log (see process_log.h).
#include "registry/process_log.h"

#include <cstdio>
#include <deque>
#include <mutex>
#include <set>
#include <utility>

namespace ember {
namespace {

struct ProcessLog {
  std::mutex mutex;
  std::deque<LogEntry> entries;
  std::set<std::pair<std::string, std::string>> printed;  // warnings already shown on stderr
};

ProcessLog& process_log() {
  static ProcessLog* log = new ProcessLog();  // leaked: plugins may log from their shutdown at exit
  return *log;
}

}  // namespace

void log_message(LogLevel level, const std::string& source, const std::string& message) {
  ProcessLog& log = process_log();
  std::lock_guard<std::mutex> lock(log.mutex);
  log.entries.push_back({level, source, message});
  if (log.entries.size() > kMaxLogEntries) log.entries.pop_front();
  if (level >= LogLevel::Warning && log.printed.insert({source, message}).second) {
    std::fprintf(stderr, "ember: %s: [%s] %s\n", log_level_name(level), source.c_str(), message.c_str());
  }
}

std::vector<LogEntry> log_entries() {
  ProcessLog& log = process_log();
  std::lock_guard<std::mutex> lock(log.mutex);
  return std::vector<LogEntry>(log.entries.begin(), log.entries.end());
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "unknown";
}

}  // namespace ember
