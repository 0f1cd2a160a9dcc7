// See conv_weight_cache.h.
#include "conv_weight_cache.h"

#include <cstdlib>

namespace ember_cpu {

namespace {
// Entries used within this many lookups are never evicted: a model whose weights do not all fit
// keeps a stable cached subset instead of evicting its own layers every forward pass.
constexpr uint64_t kProtectedLookups = 512;
// Remembered fingerprints: far more than a model's weights; a stale one is harmless (the storage
// id differs), so the map is simply cleared when full.
constexpr size_t kMaxKnown = 4096;
}  // namespace

ConvWeightCache& conv_weight_cache() {
  static auto* cache = new ConvWeightCache();  // never destroyed (the plugin is never unloaded)
  return *cache;
}

bool ConvWeightCache::is_volatile(const void* source, const SourceVersion* version) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = changes_.find(source);
  if (it == changes_.end() || it->second < 2) return false;
  if (version == nullptr) return true;
  if (settling_.size() >= kMaxKnown && !settling_.count(source)) settling_.clear();  // bounded, as known_
  Settling& s = settling_[source];
  if (s.calls > 0 && s.version == *version) {
    if (++s.calls >= kSettledCalls) {  // settled: give it a fresh start (the next lookup fills)
      changes_.erase(it);
      settling_.erase(source);
      return false;
    }
  } else {
    s.version = *version;
    s.calls = 1;
  }
  return true;
}

std::optional<uint64_t> ConvWeightCache::known_fingerprint(const void* source, size_t bytes,
                                                           const SourceVersion& version) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = known_.find({source, bytes});
  if (it == known_.end() || it->second.version != version) return std::nullopt;
  return it->second.fingerprint;
}

void ConvWeightCache::remember_fingerprint(const void* source, size_t bytes, const SourceVersion& version,
                                           uint64_t fingerprint) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (known_.size() >= kMaxKnown) known_.clear();
  known_[{source, bytes}] = Known{version, fingerprint};
}

void ConvWeightCache::evict_for(size_t bytes) {
  while (used_ + bytes > budget_) {
    auto oldest = slots_.end();
    for (auto it = slots_.begin(); it != slots_.end(); ++it)
      if (tick_ - it->second.last_use > kProtectedLookups && (oldest == slots_.end() || it->second.last_use < oldest->second.last_use))
        oldest = it;
    if (oldest == slots_.end()) return;
    used_ -= oldest->second.entry->bytes;
    slots_.erase(oldest);
  }
}

std::shared_ptr<const ConvWeightCache::Entry> ConvWeightCache::get(const void* source, const std::vector<int64_t>& format_key,
                                                                   uint64_t fingerprint, size_t bytes,
                                                                   const std::function<void(char*)>& fill) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++tick_;
  const Key key{source, format_key};
  auto it = slots_.find(key);
  if (it != slots_.end()) {
    if (it->second.entry->fingerprint == fingerprint) {
      it->second.last_use = tick_;
      return it->second.entry;
    }
    // The source changed: count it, and drop the stale entry.
    used_ -= it->second.entry->bytes;
    slots_.erase(it);
    if (++changes_[source] >= 2) {
      for (auto s = slots_.begin(); s != slots_.end();) {
        if (s->first.source == source) {
          used_ -= s->second.entry->bytes;
          s = slots_.erase(s);
        } else {
          ++s;
        }
      }
      return nullptr;
    }
  } else if (changes_.count(source) && changes_[source] >= 2) {
    return nullptr;
  }
  if (bytes > budget_) return nullptr;
  evict_for(bytes);
  if (used_ + bytes > budget_) return nullptr;
  auto entry = std::make_shared<Entry>();
  entry->fingerprint = fingerprint;
  entry->bytes = bytes;
  entry->data = std::unique_ptr<char, void (*)(void*)>(static_cast<char*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)), &std::free);
  if (!entry->data) return nullptr;
  fill(entry->data.get());
  used_ += bytes;
  slots_[key] = Slot{entry, tick_};
  return entry;
}

}  // namespace ember_cpu
