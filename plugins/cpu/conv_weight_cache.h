// A process-wide cache of weights in a primitive's own memory format (reordered, or
// Winograd-transformed), keyed by the source tensor's address and the format, valid while the
// source's contents are unchanged: every lookup compares a fingerprint of the source bytes
// (vec_kernels.h fingerprint, one read of the weights, cheaper than a reorder) with the one taken
// when the entry was made. The fingerprint itself is skipped when the host vouches that the bytes
// are unchanged (ABI 2.2 content versions: the same storage id and version as when it was last
// taken), which makes a cached lookup free of any pass over the weights. Weights that keep
// changing (training) are marked volatile after two changes and bypass the cache (their
// convolutions take the direct algorithm, reordered per call). A volatile source whose content
// version then stays the same for kSettledCalls calls (training ended: evaluation) is cached
// again; without content versions a volatile source stays volatile (proving it settled would
// cost the reads the cache saves).
//
// Entries are immutable; a changed source gets a new entry, so a thread still executing with
// the old one keeps it alive (shared_ptr). Memory is bounded by the `weight_cache_mb` option;
// least recently used entries are evicted, and an entry larger than the whole budget is never
// made.
//
// Thread-safety: all members may be called from any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <ember/sdk/tensor_view.h>

namespace ember_cpu {

class ConvWeightCache {
 public:
  // The host's content version of a source tensor (KernelArgs::content_version).
  using SourceVersion = ember::sdk::KernelArgs::ContentVersion;
  struct Entry {
    uint64_t fingerprint = 0;
    size_t bytes = 0;
    std::unique_ptr<char, void (*)(void*)> data{nullptr, nullptr};
  };

  // The entry for (source, format_key) if its fingerprint still matches `fingerprint`; else,
  // when the budget allows, a new entry filled by fill(buffer); else nullptr (the caller uses
  // its own buffer).
  std::shared_ptr<const Entry> get(const void* source, const std::vector<int64_t>& format_key, uint64_t fingerprint,
                                   size_t bytes, const std::function<void(char*)>& fill);
  // True when `source` changed contents more than once since it was first cached, unless its
  // content version (null: unknown) has since stayed the same for kSettledCalls calls.
  bool is_volatile(const void* source, const SourceVersion* version);
  static constexpr int kSettledCalls = 3;
  // The fingerprint of the `bytes` bytes at source if one was remembered at the same content
  // version (so they are unchanged since), else nullopt.
  std::optional<uint64_t> known_fingerprint(const void* source, size_t bytes, const SourceVersion& version);
  void remember_fingerprint(const void* source, size_t bytes, const SourceVersion& version, uint64_t fingerprint);
  size_t budget_bytes() const { return budget_; }
  void set_budget_bytes(size_t bytes) { budget_ = bytes; }

 private:
  struct Key {
    const void* source;
    std::vector<int64_t> format;
    bool operator<(const Key& o) const { return source != o.source ? source < o.source : format < o.format; }
  };
  struct Slot {
    std::shared_ptr<const Entry> entry;
    uint64_t last_use = 0;
  };
  void evict_for(size_t bytes);  // mutex_ held

  std::mutex mutex_;
  std::map<Key, Slot> slots_;
  std::map<const void*, int> changes_;  // fingerprint mismatches per source
  struct Settling {
    SourceVersion version{};
    int calls = 0;  // consecutive calls at `version`
  };
  std::map<const void*, Settling> settling_;  // volatile sources seen with a content version
  struct Known {
    SourceVersion version{};
    uint64_t fingerprint;
  };
  std::map<std::pair<const void*, size_t>, Known> known_;  // bounded: cleared when it reaches kMaxKnown
  size_t used_ = 0;
  size_t budget_ = size_t(128) << 20;
  uint64_t tick_ = 0;
};

ConvWeightCache& conv_weight_cache();

}  // namespace ember_cpu
