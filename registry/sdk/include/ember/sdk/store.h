// Store: a C++ view of the host's rendezvous store (ember_store, plugin_abi.h) for comm plugins.
//
//   ember::sdk::Store store(spec->store);
//   store.set("addr/" + std::to_string(rank), my_address);
//   std::string peer = store.get("addr/0");          // waits up to the store's default timeout
//
// Every call goes to the host; a failed call throws ember::sdk::Error with the host's status
// code and message (EMBER_ERROR_TIMEOUT naming the keys, EMBER_ERROR_DISTRIBUTED naming the
// store's address when it cannot be reached).
//
// Ownership: borrows the host's table, which outlives the groups created with it.
// Thread-safety: as the host's store, every call may come from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ember/plugin_abi.h>
#include <ember/sdk/error.h>
#include <ember/sdk/host.h>

EMBER_SDK_NAMESPACE_BEGIN

namespace detail {

// Turns a status the host returned into an exception with the same code (and frees it).
inline void throw_host_status(ember_status* status, const std::string& context) {
  if (!status) return;
  const ember_host_api& h = host();
  int32_t code = h.status_code ? h.status_code(status) : EMBER_ERROR_RUNTIME;
  std::string message = h.status_message ? h.status_message(status) : "unknown error";
  if (h.status_free) h.status_free(status);
  throw Error(static_cast<ember_status_code>(code), context.empty() ? message : context + ": " + message);
}

}  // namespace detail

class Store {
 public:
  Store() = default;
  explicit Store(const ember_store* store) : store_(store) {}

  bool valid() const { return store_ != nullptr; }
  const ember_store* raw() const { return store_; }

  void set(const std::string& key, const std::string& value) const {
    detail::throw_host_status(
        store_->set(store_->ctx, key.c_str(), reinterpret_cast<const uint8_t*>(value.data()), value.size()), "");
  }

  // Waits for key (timeout_ms < 0: the store's default).
  std::string get(const std::string& key, int64_t timeout_ms = -1) const {
    uint8_t* value = nullptr;
    size_t len = 0;
    detail::throw_host_status(store_->get(store_->ctx, key.c_str(), timeout_ms, &value, &len), "");
    std::string out(reinterpret_cast<const char*>(value), len);
    store_->free_value(store_->ctx, value);
    return out;
  }

  int64_t add(const std::string& key, int64_t delta) const {
    int64_t out = 0;
    detail::throw_host_status(store_->add(store_->ctx, key.c_str(), delta, &out), "");
    return out;
  }

  void wait(const std::vector<std::string>& keys, int64_t timeout_ms = -1) const {
    std::vector<const char*> raw;
    raw.reserve(keys.size());
    for (const auto& k : keys) raw.push_back(k.c_str());
    detail::throw_host_status(
        store_->wait(store_->ctx, raw.data(), static_cast<int32_t>(raw.size()), timeout_ms), "");
  }

  // True when every key exists now; never waits.
  bool check(const std::vector<std::string>& keys) const {
    std::vector<const char*> raw;
    for (const auto& k : keys) raw.push_back(k.c_str());
    int32_t all = 0;
    detail::throw_host_status(store_->check(store_->ctx, raw.data(), static_cast<int32_t>(raw.size()), &all), "");
    return all != 0;
  }

  bool delete_key(const std::string& key) const {
    int32_t deleted = 0;
    detail::throw_host_status(store_->delete_key(store_->ctx, key.c_str(), &deleted), "");
    return deleted != 0;
  }

 private:
  const ember_store* store_ = nullptr;
};

EMBER_SDK_NAMESPACE_END
