// StoreAdapter: ember_store over a Store (see store_adapter.h).
#include "distributed/store_adapter.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/error.h"
#include "ops/backend/status.h"

namespace ember {
namespace distributed {

ember_status* status_from_current_exception() noexcept {
  try {
    throw;
  } catch (const TimeoutError& e) {
    return make_status(EMBER_ERROR_TIMEOUT, e.what());
  } catch (const DistributedError& e) {
    return make_status(EMBER_ERROR_DISTRIBUTED, e.what());
  } catch (const ValueError& e) {
    return make_status(EMBER_ERROR_VALUE, e.what());
  } catch (const TypeError& e) {
    return make_status(EMBER_ERROR_TYPE, e.what());
  } catch (const std::bad_alloc&) {
    return make_status(EMBER_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return make_status(EMBER_ERROR_RUNTIME, e.what());
  } catch (...) {
    return make_status(EMBER_ERROR_RUNTIME, "unknown exception");
  }
}

namespace {

Store& store_of(void* ctx) { return *static_cast<StoreAdapter*>(ctx)->store(); }

Milliseconds to_timeout(int64_t ms) { return ms < 0 ? kUseStoreTimeout : Milliseconds(ms); }

// Copies bytes into memory the plugin releases with free_value.
void hand_out(const Bytes& value, uint8_t** out, size_t* out_len) {
  auto* p = static_cast<uint8_t*>(std::malloc(value.empty() ? 1 : value.size()));
  if (!p) throw std::bad_alloc();
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  *out = p;
  *out_len = value.size();
}

std::vector<std::string> key_list(const char* const* keys, int32_t n) {
  std::vector<std::string> out;
  for (int32_t i = 0; i < n; ++i) out.emplace_back(keys[i] ? keys[i] : "");
  return out;
}

ember_status* c_set(void* ctx, const char* key, const uint8_t* value, size_t len) {
  try {
    store_of(ctx).set(key, Bytes(value, value + len));
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

ember_status* c_get(void* ctx, const char* key, int64_t timeout_ms, uint8_t** out, size_t* out_len) {
  try {
    hand_out(store_of(ctx).get(key, to_timeout(timeout_ms)), out, out_len);
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

ember_status* c_add(void* ctx, const char* key, int64_t delta, int64_t* out) {
  try {
    *out = store_of(ctx).add(key, delta);
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

ember_status* c_wait(void* ctx, const char* const* keys, int32_t n, int64_t timeout_ms) {
  try {
    store_of(ctx).wait(key_list(keys, n), to_timeout(timeout_ms));
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

ember_status* c_compare_set(void* ctx, const char* key, const uint8_t* expected, size_t expected_len,
                            const uint8_t* desired, size_t desired_len, uint8_t** out, size_t* out_len) {
  try {
    Bytes e(expected, expected + expected_len), d(desired, desired + desired_len);
    hand_out(store_of(ctx).compare_set(key, e, d), out, out_len);
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

ember_status* c_delete(void* ctx, const char* key, int32_t* out_deleted) {
  try {
    *out_deleted = store_of(ctx).delete_key(key) ? 1 : 0;
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

void c_free(void*, uint8_t* value) { std::free(value); }

ember_status* c_check(void* ctx, const char* const* keys, int32_t n, int32_t* out_all) {
  try {
    *out_all = store_of(ctx).check(key_list(keys, n)) ? 1 : 0;
    return nullptr;
  } catch (...) {
    return status_from_current_exception();
  }
}

}  // namespace

StoreAdapter::StoreAdapter(std::shared_ptr<Store> store) : store_(std::move(store)) {
  EMBER_CHECK(store_ != nullptr, ValueError, "[StoreAdapter] the store is null");
  std::memset(&table_, 0, sizeof table_);
  table_.struct_size = sizeof table_;
  table_.ctx = this;
  table_.set = &c_set;
  table_.get = &c_get;
  table_.add = &c_add;
  table_.wait = &c_wait;
  table_.compare_set = &c_compare_set;
  table_.delete_key = &c_delete;
  table_.free_value = &c_free;
  table_.check = &c_check;
}

}  // namespace distributed
}  // namespace ember
