// KeyValueMap: the data and the c10d semantics of set/add/compare_set/delete shared by the
// in-process HashStore and the TCPStore server. Not synchronized: its owner locks around it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "distributed/store.h"

namespace ember {
namespace distributed {

class KeyValueMap {
 public:
  void set(const std::string& key, Bytes value) { data_[key] = std::move(value); }
  // nullptr when absent.
  const Bytes* find(const std::string& key) const {
    auto it = data_.find(key);
    return it == data_.end() ? nullptr : &it->second;
  }
  bool contains_all(const std::vector<std::string>& keys) const {
    for (const auto& k : keys)
      if (!data_.count(k)) return false;
    return true;
  }
  // Throws ValueError when the stored value is not an integer.
  int64_t add(const std::string& key, int64_t delta);
  Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired);
  bool erase(const std::string& key) { return data_.erase(key) > 0; }
  int64_t size() const { return static_cast<int64_t>(data_.size()); }

 private:
  std::map<std::string, Bytes> data_;
};

// The integer add() keeps as text; throws ValueError naming the key when it is not one.
int64_t parse_store_integer(const std::string& key, const Bytes& value);

}  // namespace distributed
}  // namespace ember
