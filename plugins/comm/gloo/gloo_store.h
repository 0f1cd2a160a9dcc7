// gloo's rendezvous store over the host's ember_store (through ember::sdk::Store), so that
// gloo::rendezvous::Context::connectFullMesh exchanges addresses through ember's store. Every
// wait uses the group's timeout; a missed deadline throws gloo::IoException with the store's
// message, which gloo reports and the plugin turns into a status.
// Thread-safety: as the host's store.
#pragma once

#include <gloo/common/error.h>
#include <gloo/rendezvous/store.h>

#include <chrono>
#include <string>
#include <vector>

#include <ember/sdk/store.h>

namespace ember_gloo {

class GlooStore : public gloo::rendezvous::Store {
 public:
  GlooStore(ember::sdk::Store store, int64_t timeout_ms) : store_(store), timeout_ms_(timeout_ms) {}

  void set(const std::string& key, const std::vector<char>& data) override {
    store_.set(key, std::string(data.begin(), data.end()));
  }
  std::vector<char> get(const std::string& key) override {
    std::string v = store_.get(key, timeout_ms_);
    return std::vector<char>(v.begin(), v.end());
  }
  void wait(const std::vector<std::string>& keys) override { store_.wait(keys, timeout_ms_); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override {
    store_.wait(keys, timeout.count());
  }

 private:
  ember::sdk::Store store_;
  int64_t timeout_ms_;
};

}  // namespace ember_gloo
