// oneDNN plumbing shared by the matmul, convolution, normalization and pooling kernels: one CPU engine, a stream per
// calling thread, OpenMP thread count set per calling thread, and a bounded cache of primitives
// keyed by everything that shapes them.
//
// Thread-safety: engine() is created once (thread-safe static); streams are thread_local;
// PrimitiveCache is guarded by its own mutex, and oneDNN primitives may be executed from
// several threads at once (each execution gets its own scratchpad).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <dnnl.hpp>

#include "parallel.h"

namespace ember_cpu {

dnnl::engine& onednn_engine();
// The calling thread's stream.
dnnl::stream& onednn_stream();

// The OpenMP team size for one primitive of `flops` work, held for the object's lifetime:
// small products lose more to waking a team than they gain (measured on 16 cores: a 64^3
// matmul takes 4.6 us on one thread, 7.3 us on 16), so about one thread per MFLOP, up to the
// intra-op thread count; and one thread when another application thread holds the team
// (TeamClaim, parallel.h). Applied to the calling thread's OpenMP state (OpenMP keeps the team
// size per thread) before the primitive is created and executed; part of every cache key,
// since oneDNN may plan its work split for it.
class OnednnThreads {
 public:
  explicit OnednnThreads(double flops);
  int threads() const { return threads_; }

 private:
  std::optional<TeamClaim> claim_;
  int threads_ = 1;
};

using PrimitiveKey = std::vector<int64_t>;

// A process-wide cache of T (a primitive plus whatever goes with it) by key.
template <typename T>
class PrimitiveCache {
 public:
  std::shared_ptr<const T> get_or_create(const PrimitiveKey& key, const std::function<T()>& create) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = entries_.find(key);
      if (it != entries_.end()) return it->second;
    }
    // Created outside the lock: primitive creation is slow, and two threads creating the same
    // primitive at once only waste a little work.
    auto created = std::make_shared<const T>(create());
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= kCapacity) entries_.clear();  // shapes churn rarely; keep it simple
    return entries_.emplace(key, created).first->second;
  }

 private:
  static constexpr size_t kCapacity = 1024;
  std::mutex mutex_;
  std::map<PrimitiveKey, std::shared_ptr<const T>> entries_;
};

// Per-thread buffers of at least `bytes`, 64-byte aligned, for the normalization and pooling
// primitives (scratchpads, dense copies of statistics); slot k (0..7) is reused by every call on
// the thread.
char* onednn_buffer(int slot, size_t bytes);

// A memory of `bytes` u8 for DNNL_ARG_SCRATCHPAD of a primitive created with
// scratchpad_mode::user, in the calling thread's buffer `slot`.
dnnl::memory onednn_scratchpad(int slot, size_t bytes);

// dims/strides of a view as oneDNN types.
inline dnnl::memory::dims to_dims(const int64_t* v, int n) { return dnnl::memory::dims(v, v + n); }

}  // namespace ember_cpu
