// PrefixStore: a namespace inside another store (c10d's PrefixStore). Every key is stored as
// "<prefix>/<key>"; groups use one each so their rendezvous keys never collide.
// Ownership: shares the underlying store. Thread-safety: as the underlying store.
#pragma once

#include <memory>

#include "distributed/store.h"

namespace ember {
namespace distributed {

class EMBER_API PrefixStore : public Store {
 public:
  PrefixStore(std::string prefix, std::shared_ptr<Store> store);

  void set(const std::string& key, const Bytes& value) override;
  Bytes get(const std::string& key, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t add(const std::string& key, int64_t delta) override;
  Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) override;
  bool delete_key(const std::string& key) override;
  bool check(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, Milliseconds timeout = kUseStoreTimeout) override;
  // Counts the underlying store's keys (c10d does the same: keys are not enumerable).
  int64_t num_keys() override;
  std::string describe() const override;
  using Store::set;

  const std::shared_ptr<Store>& underlying() const { return store_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string join(const std::string& key) const { return prefix_ + "/" + key; }
  std::vector<std::string> join(const std::vector<std::string>& keys) const;
  // The underlying store's timeout unless this store's was changed.
  Milliseconds effective(Milliseconds timeout) const { return timeout.count() < 0 ? this->timeout() : timeout; }

  std::string prefix_;
  std::shared_ptr<Store> store_;
};

}  // namespace distributed
}  // namespace ember
