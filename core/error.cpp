// Out-of-line parts of the error machinery.
#include "core/error.h"

namespace ember {
namespace detail {

void throw_internal(const char* file, int line, const char* cond, const std::string& message) {
  std::ostringstream os;
  os << "internal error (a bug in ember; please report it): " << cond << " failed at " << file << ":"
     << line;
  if (!message.empty()) os << ": " << message;
  throw InternalError(os.str());
}

}  // namespace detail
}  // namespace ember
