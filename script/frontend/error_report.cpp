// ErrorReport and the compile call stack (see error_report.h).
#include "script/frontend/error_report.h"

namespace ember {
namespace script {

namespace {
thread_local std::vector<ErrorReport::Frame> tls_call_stack;
}

ErrorReport::ErrorReport(SourceRange range) : range_(std::move(range)), stack_(tls_call_stack) {}

std::string ErrorReport::what() const {
  std::ostringstream os;
  os << "\n" << message_.str() << ":\n";
  range_.print_with_context(os);
  // Innermost first: "'callee' is being compiled since it was called from 'caller'".
  for (size_t i = stack_.size(); i > 1; --i) {
    const Frame& callee = stack_[i - 1];
    const Frame& caller = stack_[i - 2];
    os << "'" << callee.function << "' is being compiled since it was called from '" << caller.function << "'\n";
    caller.pending.print_with_context(os);
  }
  return os.str();
}

ErrorReport::CallStackEntry::CallStackEntry(const std::string& function, const SourceRange& range) {
  tls_call_stack.push_back({function, range});
}

ErrorReport::CallStackEntry::~CallStackEntry() { tls_call_stack.pop_back(); }

void ErrorReport::update_pending_range(const SourceRange& range) {
  if (!tls_call_stack.empty()) tls_call_stack.back().pending = range;
}

void syntax_error(const std::string& what, const std::string& found, const SourceRange& range) {
  std::ostringstream os;
  os << what << " but found '" << found << "' here:\n";
  range.print_with_context(os);
  throw CompileError(os.str());
}

void plain_error(const std::string& message, const SourceRange& range) {
  std::ostringstream os;
  os << message << ":\n";
  range.print_with_context(os);
  throw CompileError(os.str());
}

}  // namespace script
}  // namespace ember
