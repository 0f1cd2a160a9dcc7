// HashStore: a Store inside one process (c10d's HashStore), for tests and for groups whose ranks
// are threads. Waits sleep on a condition variable.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <condition_variable>
#include <mutex>

#include "distributed/key_value_map.h"
#include "distributed/store.h"

namespace ember {
namespace distributed {

class EMBER_API HashStore : public Store {
 public:
  explicit HashStore(Milliseconds timeout = kDefaultStoreTimeout) : Store(timeout) {}

  void set(const std::string& key, const Bytes& value) override;
  Bytes get(const std::string& key, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t add(const std::string& key, int64_t delta) override;
  Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) override;
  bool delete_key(const std::string& key) override;
  bool check(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t num_keys() override;
  std::string describe() const override { return "HashStore"; }
  using Store::set;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  KeyValueMap map_;
};

}  // namespace distributed
}  // namespace ember
