// Rendezvous stores (c10d's Store): a key-value map the ranks of a job share, used to exchange
// addresses, count arrivals and report failures. Implementations: TCPStore (a server in one
// process, clients everywhere), FileStore (a file on a shared file system), HashStore (one
// process, for tests) and PrefixStore (a namespace inside another store).
//
//   auto store = std::make_shared<ember::distributed::TCPStore>("127.0.0.1", 29500, /*world*/ 2, is_rank0);
//   store->set("addr/1", "10.0.0.2:4000");
//   std::string a = store->get_string("addr/0");  // waits up to timeout()
//
// Semantics as c10d's: get waits for the key; add keeps integers as decimal text (0 when
// absent); compare_set sets when the value equals `expected` (or the key is absent and
// `expected` is empty) and returns the value afterwards (`expected` when the key is absent and
// `expected` is not empty). Every blocking call has a deadline: the given timeout, or the
// store's timeout when it is kUseStoreTimeout; a missed deadline is a TimeoutError naming the
// keys and the store. A store that cannot be reached is a DistributedError naming its address.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/export.h"

namespace ember {
namespace distributed {

using Bytes = std::vector<uint8_t>;
using Milliseconds = std::chrono::milliseconds;

constexpr Milliseconds kDefaultStoreTimeout{300000};  // c10d's default: 300 s
constexpr Milliseconds kUseStoreTimeout{-1};

class EMBER_API Store {
 public:
  explicit Store(Milliseconds timeout = kDefaultStoreTimeout);
  virtual ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  virtual void set(const std::string& key, const Bytes& value) = 0;
  // Waits for key, then returns its value.
  virtual Bytes get(const std::string& key, Milliseconds timeout = kUseStoreTimeout) = 0;
  virtual int64_t add(const std::string& key, int64_t delta) = 0;
  virtual Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) = 0;
  // True when the key existed.
  virtual bool delete_key(const std::string& key) = 0;
  // True when every key exists now; never waits.
  virtual bool check(const std::vector<std::string>& keys) = 0;
  // Waits until every key exists.
  virtual void wait(const std::vector<std::string>& keys, Milliseconds timeout = kUseStoreTimeout) = 0;
  virtual int64_t num_keys() = 0;
  // "TCPStore(127.0.0.1:29500)": names the store in messages.
  virtual std::string describe() const = 0;

  Milliseconds timeout() const { return Milliseconds(timeout_ms_.load()); }
  void set_timeout(Milliseconds timeout);

  // Text conveniences.
  void set(const std::string& key, const std::string& value);
  std::string get_string(const std::string& key, Milliseconds timeout = kUseStoreTimeout);

 protected:
  // kUseStoreTimeout -> timeout(); anything else is used as given.
  Milliseconds resolve(Milliseconds timeout) const { return timeout.count() < 0 ? this->timeout() : timeout; }
  // Throws the TimeoutError of a wait on keys that did not all appear.
  [[noreturn]] void fail_timeout(const std::vector<std::string>& keys, Milliseconds timeout) const;

 private:
  std::atomic<int64_t> timeout_ms_;
};

EMBER_API Bytes to_bytes(const std::string& s);
EMBER_API std::string to_string(const Bytes& b);

}  // namespace distributed
}  // namespace ember
