// The Store base class: timeouts and the text conveniences (see store.h).
#include "distributed/store.h"

#include "core/error.h"

namespace ember {
namespace distributed {

Store::Store(Milliseconds timeout) : timeout_ms_(timeout.count()) {
  EMBER_CHECK(timeout.count() > 0, ValueError, "[Store] the timeout must be positive, got ", timeout.count(), " ms");
}

Store::~Store() = default;

void Store::set_timeout(Milliseconds timeout) {
  EMBER_CHECK(timeout.count() > 0, ValueError, "[Store] the timeout must be positive, got ", timeout.count(), " ms");
  timeout_ms_.store(timeout.count());
}

void Store::set(const std::string& key, const std::string& value) { set(key, to_bytes(value)); }

std::string Store::get_string(const std::string& key, Milliseconds timeout) { return to_string(get(key, timeout)); }

void Store::fail_timeout(const std::vector<std::string>& keys, Milliseconds timeout) const {
  std::string list;
  for (const auto& k : keys) list += (list.empty() ? "'" : ", '") + k + "'";
  EMBER_FAIL(TimeoutError, "[", describe(), "] timed out after ", timeout.count(), " ms waiting for key",
             keys.size() == 1 ? " " : "s ", list);
}

Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string to_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace distributed
}  // namespace ember
