// HashStore (see hash_store.h).
#include "distributed/hash_store.h"

namespace ember {
namespace distributed {

void HashStore::set(const std::string& key, const Bytes& value) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    map_.set(key, value);
  }
  changed_.notify_all();
}

Bytes HashStore::get(const std::string& key, Milliseconds timeout) {
  wait({key}, timeout);
  std::lock_guard<std::mutex> lock(mutex_);
  const Bytes* v = map_.find(key);
  if (!v) fail_timeout({key}, resolve(timeout));  // deleted between the wait and now
  return *v;
}

int64_t HashStore::add(const std::string& key, int64_t delta) {
  int64_t value;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    value = map_.add(key, delta);
  }
  changed_.notify_all();
  return value;
}

Bytes HashStore::compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) {
  Bytes value;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    value = map_.compare_set(key, expected, desired);
  }
  changed_.notify_all();
  return value;
}

bool HashStore::delete_key(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return map_.erase(key);
}

bool HashStore::check(const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  return map_.contains_all(keys);
}

void HashStore::wait(const std::vector<std::string>& keys, Milliseconds timeout) {
  const Milliseconds limit = resolve(timeout);
  std::unique_lock<std::mutex> lock(mutex_);
  if (!changed_.wait_for(lock, limit, [&] { return map_.contains_all(keys); })) fail_timeout(keys, limit);
}

int64_t HashStore::num_keys() {
  std::lock_guard<std::mutex> lock(mutex_);
  return map_.size();
}

}  // namespace distributed
}  // namespace ember
