// KeyValueMap (see key_value_map.h).
#include "distributed/key_value_map.h"

#include <cerrno>
#include <cstdlib>

#include "core/error.h"

namespace ember {
namespace distributed {

int64_t parse_store_integer(const std::string& key, const Bytes& value) {
  std::string text(value.begin(), value.end());
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  EMBER_CHECK(!text.empty() && errno == 0 && end && *end == '\0', ValueError, "[Store] add: the value of key '", key,
              "' is not an integer: '", text, "'");
  return v;
}

int64_t KeyValueMap::add(const std::string& key, int64_t delta) {
  int64_t value = delta;
  auto it = data_.find(key);
  if (it != data_.end()) value += parse_store_integer(key, it->second);
  data_[key] = to_bytes(std::to_string(value));
  return value;
}

Bytes KeyValueMap::compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) {
  auto it = data_.find(key);
  if (it == data_.end()) {
    if (!expected.empty()) return expected;
    data_[key] = desired;
    return desired;
  }
  if (it->second == expected) it->second = desired;
  return it->second;
}

}  // namespace distributed
}  // namespace ember
