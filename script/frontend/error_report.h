// Errors of the script compiler, printed as PyTorch's TorchScript prints them.
//
//   ErrorReport(range) << "undefined value " << name;   // then: throw report.error();
//
// what() of the thrown CompileError is "\n<message>:\n<highlighted range>", followed, when the
// function was being compiled because another one called it, by
// "'h' is being compiled since it was called from 'g'" and the call site. Syntax errors from the
// lexer and parser read "<what> but found '<token>' here:\n<highlighted range>".
// The compile call stack is thread-local, so independent compilations may run in parallel.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "script/frontend/source_range.h"

namespace ember {
namespace script {

class EMBER_API CompileError : public RuntimeError {
 public:
  explicit CompileError(const std::string& message) : RuntimeError(message) {}
  const char* kind() const noexcept override { return "CompileError"; }
};

class EMBER_API ErrorReport {
 public:
  explicit ErrorReport(SourceRange range);
  template <typename T>
  ErrorReport& operator<<(const T& part) {
    message_ << part;
    return *this;
  }
  const SourceRange& range() const { return range_; }
  std::string message() const { return message_.str(); }
  std::string what() const;  // the full text described above
  CompileError error() const { return CompileError(what()); }

  // The functions being compiled on this thread, outermost first, each with the range of the
  // call (or statement) it is compiling now. Push/pop with CallStackEntry.
  struct Frame {
    std::string function;
    SourceRange pending;
  };
  class EMBER_API CallStackEntry {
   public:
    CallStackEntry(const std::string& function, const SourceRange& range);
    ~CallStackEntry();
    CallStackEntry(const CallStackEntry&) = delete;
    CallStackEntry& operator=(const CallStackEntry&) = delete;
  };
  static void update_pending_range(const SourceRange& range);

 private:
  SourceRange range_;
  std::ostringstream message_;
  std::vector<Frame> stack_;  // copied at construction
};

// "expected <what> but found '<found>' here:\n<highlight>" (the lexer's and parser's form).
[[noreturn]] EMBER_API void syntax_error(const std::string& what, const std::string& found, const SourceRange& range);
// "<message>:\n<highlight>" without the leading newline (the lexer's indentation errors).
[[noreturn]] EMBER_API void plain_error(const std::string& message, const SourceRange& range);

}  // namespace script
}  // namespace ember
