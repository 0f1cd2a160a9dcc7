// The host's side of ember_store (plugin_abi.h): a C table over a distributed::Store, handed to
// comm plugins when they create a group. Each call catches every exception and returns it as a
// status with the matching code (TimeoutError -> EMBER_ERROR_TIMEOUT, DistributedError ->
// EMBER_ERROR_DISTRIBUTED, ValueError -> EMBER_ERROR_VALUE, others -> EMBER_ERROR_RUNTIME).
//
// Ownership: shares the store; the table stays valid while the adapter lives (the group that
// uses it keeps the adapter). Thread-safety: as the store.
#pragma once

#include <memory>

#include <ember/plugin_abi.h>

#include "distributed/store.h"

namespace ember {
namespace distributed {

class EMBER_API StoreAdapter {
 public:
  explicit StoreAdapter(std::shared_ptr<Store> store);
  StoreAdapter(const StoreAdapter&) = delete;
  StoreAdapter& operator=(const StoreAdapter&) = delete;

  const ember_store* table() const { return &table_; }
  const std::shared_ptr<Store>& store() const { return store_; }

 private:
  std::shared_ptr<Store> store_;
  ember_store table_;
};

// The status for the exception being handled (for C callbacks); never throws.
EMBER_API ember_status* status_from_current_exception() noexcept;

}  // namespace distributed
}  // namespace ember
