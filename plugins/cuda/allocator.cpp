// The caching device allocator (allocator.h says what it does).
#include "allocator.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include "cuda_common.h"

namespace ember_cuda {

size_t round_block_size(size_t nbytes) {
  if (nbytes < kMinBlockSize) return kMinBlockSize;
  return kMinBlockSize * ((nbytes + kMinBlockSize - 1) / kMinBlockSize);
}

size_t segment_size_for(size_t rounded) {
  if (rounded <= kSmallSize) return kSmallBuffer;
  if (rounded < kMinLargeAlloc) return kLargeBuffer;
  return kRoundLarge * ((rounded + kRoundLarge - 1) / kRoundLarge);
}

namespace {

struct Block {
  size_t size = 0;
  cudaStream_t stream = nullptr;
  bool small = false;
  void* ptr = nullptr;
  bool allocated = false;
  Block* prev = nullptr;  // neighbours inside the segment (nullptr at its ends)
  Block* next = nullptr;
  std::vector<cudaStream_t> stream_uses;  // other streams that use the block (record_stream)
  int event_count = 0;                    // outstanding events before the block may be reused
};

struct BlockOrder {
  bool operator()(const Block* a, const Block* b) const {
    if (a->stream != b->stream) return reinterpret_cast<uintptr_t>(a->stream) < reinterpret_cast<uintptr_t>(b->stream);
    if (a->size != b->size) return a->size < b->size;
    return reinterpret_cast<uintptr_t>(a->ptr) < reinterpret_cast<uintptr_t>(b->ptr);
  }
};

std::string format_size(uint64_t bytes) {
  char buf[64];
  if (bytes < 1024) std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  else if (bytes < (uint64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.2f KiB", bytes / 1024.0);
  else if (bytes < (uint64_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / 1073741824.0);
  return buf;
}

}  // namespace

struct CachingAllocator::Impl {
  int device;
  std::mutex mutex;
  std::set<Block*, BlockOrder> pools[2];  // [0] small, [1] large: free blocks only
  std::unordered_map<void*, Block*> active;
  std::deque<std::pair<cudaEvent_t, Block*>> pending;  // frees waiting for other streams
  std::vector<cudaEvent_t> spare_events;
  ember_memory_stats st{};

  std::set<Block*, BlockOrder>& pool_of(bool small) { return pools[small ? 0 : 1]; }

  Block* find_free(bool small, cudaStream_t stream, size_t size) {
    Block key;
    key.stream = stream;
    key.size = size;
    key.ptr = nullptr;
    auto& pool = pool_of(small);
    auto it = pool.lower_bound(&key);
    if (it == pool.end() || (*it)->stream != stream) return nullptr;
    Block* b = *it;
    pool.erase(it);
    return b;
  }

  // Merges src (a free neighbour of dst) into dst.
  void merge(Block* dst, Block* src) {
    if (src == nullptr || src->allocated || src->event_count > 0) return;
    pool_of(src->small).erase(src);
    if (src == dst->prev) {
      dst->ptr = src->ptr;
      dst->prev = src->prev;
      if (dst->prev) dst->prev->next = dst;
    } else {
      dst->next = src->next;
      if (dst->next) dst->next->prev = dst;
    }
    dst->size += src->size;
    delete src;
  }

  void free_block(Block* b) {
    merge(b, b->prev);
    merge(b, b->next);
    pool_of(b->small).insert(b);
  }

  cudaEvent_t take_event() {
    if (!spare_events.empty()) {
      cudaEvent_t e = spare_events.back();
      spare_events.pop_back();
      return e;
    }
    cudaEvent_t e = nullptr;
    EMBER_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "creating an allocator event", device);
    return e;
  }

  // Returns to the pools the blocks whose other streams have finished with them.
  void process_events() {
    for (auto it = pending.begin(); it != pending.end();) {
      cudaError_t q = cudaEventQuery(it->first);
      if (q == cudaErrorNotReady) {
        ++it;
        continue;
      }
      if (q != cudaSuccess) throw_cuda_error(q, "cudaEventQuery (allocator)", device);
      Block* b = it->second;
      spare_events.push_back(it->first);
      it = pending.erase(it);
      if (--b->event_count == 0) free_block(b);
    }
  }

  void synchronize_events() {
    for (auto& [event, block] : pending) {
      EMBER_CUDA_CHECK(cudaEventSynchronize(event), "cudaEventSynchronize (allocator)", device);
      spare_events.push_back(event);
      if (--block->event_count == 0) free_block(block);
    }
    pending.clear();
  }

  // cudaFree of every segment that is one free block.
  void release_cached() {
    synchronize_events();
    for (auto& pool : pools) {
      for (auto it = pool.begin(); it != pool.end();) {
        Block* b = *it;
        if (b->prev == nullptr && b->next == nullptr) {
          EMBER_CUDA_CHECK(cudaFree(b->ptr), "cudaFree (allocator)", device);
          st.reserved_bytes -= b->size;
          ++st.num_device_frees;
          it = pool.erase(it);
          delete b;
        } else {
          ++it;
        }
      }
    }
  }

  [[noreturn]] void throw_oom(size_t nbytes) {
    ++st.num_ooms;
    size_t free_bytes = 0, total_bytes = 0;
    if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) (void)cudaGetLastError();
    throw ember::sdk::OutOfMemory(concat(
        "CUDA out of memory. Tried to allocate ", format_size(nbytes), ". cuda:", device, " has a total capacity of ",
        format_size(total_bytes), " of which ", format_size(free_bytes), " is free. Of the allocated memory ",
        format_size(st.allocated_bytes), " is allocated by ember, and ",
        format_size(st.reserved_bytes - st.allocated_bytes), " is reserved by ember but unallocated."));
  }

  void* malloc_segment(size_t bytes, size_t requested) {
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, bytes);
    if (e == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      release_cached();
      e = cudaMalloc(&p, bytes);
    }
    if (e == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      throw_oom(requested);
    }
    if (e != cudaSuccess) throw_cuda_error(e, "cudaMalloc", device);
    ++st.num_device_allocations;
    st.reserved_bytes += bytes;
    st.peak_reserved_bytes = std::max(st.peak_reserved_bytes, st.reserved_bytes);
    return p;
  }
};

CachingAllocator::CachingAllocator(int device) : impl_(new Impl()) { impl_->device = device; }
CachingAllocator::~CachingAllocator() = default;

void* CachingAllocator::allocate(size_t nbytes, cudaStream_t stream) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  DeviceScope scope(m.device);
  if (!m.pending.empty()) m.process_events();
  const size_t size = round_block_size(nbytes);
  EMBER_SDK_CHECK(size >= nbytes, EMBER_ERROR_OUT_OF_MEMORY, "cannot allocate ", nbytes, " bytes");
  const bool small = size <= kSmallSize;
  Block* b = m.find_free(small, stream, size);
  if (b == nullptr) {
    const size_t seg = segment_size_for(size);
    b = new Block();
    try {
      b->ptr = m.malloc_segment(seg, nbytes);
    } catch (...) {
      delete b;
      throw;
    }
    b->size = seg;
    b->stream = stream;
    b->small = small;
  }
  const size_t rest = b->size - size;
  if (small ? rest >= kMinBlockSize : rest > kSmallSize) {
    Block* r = new Block();
    r->size = rest;
    r->stream = b->stream;
    r->small = small;
    r->ptr = static_cast<char*>(b->ptr) + size;
    r->prev = b;
    r->next = b->next;
    if (b->next) b->next->prev = r;
    b->next = r;
    b->size = size;
    m.pool_of(small).insert(r);
  }
  b->allocated = true;
  m.active[b->ptr] = b;
  m.st.allocated_bytes += b->size;
  m.st.peak_allocated_bytes = std::max(m.st.peak_allocated_bytes, m.st.allocated_bytes);
  ++m.st.num_allocations;
  return b->ptr;
}

void CachingAllocator::free(void* ptr) noexcept {
  if (ptr == nullptr) return;
  Impl& m = *impl_;
  try {
    std::lock_guard<std::mutex> lock(m.mutex);
    auto it = m.active.find(ptr);
    if (it == m.active.end()) {
      ember::sdk::log(ember::sdk::LogLevel::Error,
                      concat("deallocate: ", ptr, " is not a live allocation of cuda:", m.device, " (ignored)"));
      return;
    }
    Block* b = it->second;
    m.active.erase(it);
    b->allocated = false;
    m.st.allocated_bytes -= b->size;
    ++m.st.num_frees;
    if (!b->stream_uses.empty()) {
      DeviceScope scope(m.device);
      for (cudaStream_t s : b->stream_uses) {
        cudaEvent_t e = m.take_event();
        EMBER_CUDA_CHECK(cudaEventRecord(e, s), "cudaEventRecord (allocator)", m.device);
        m.pending.emplace_back(e, b);
        ++b->event_count;
      }
      b->stream_uses.clear();
      return;
    }
    m.free_block(b);
  } catch (const std::exception& e) {
    ember::sdk::log(ember::sdk::LogLevel::Error, concat("deallocate on cuda:", m.device, ": ", e.what()));
  }
}

void CachingAllocator::record_stream(void* ptr, cudaStream_t stream) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  auto it = m.active.find(ptr);
  EMBER_SDK_CHECK(it != m.active.end(), EMBER_ERROR_VALUE, "record_stream: ", ptr,
                  " is not the start of a live allocation of cuda:", m.device);
  Block* b = it->second;
  if (stream == b->stream) return;
  if (std::find(b->stream_uses.begin(), b->stream_uses.end(), stream) == b->stream_uses.end())
    b->stream_uses.push_back(stream);
}

void CachingAllocator::empty_cache() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  DeviceScope scope(m.device);
  m.release_cached();
}

ember_memory_stats CachingAllocator::stats() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  ember_memory_stats s = m.st;
  s.struct_size = sizeof(ember_memory_stats);
  return s;
}

void CachingAllocator::reset_peak_stats() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  m.st.peak_allocated_bytes = m.st.allocated_bytes;
  m.st.peak_reserved_bytes = m.st.reserved_bytes;
}

size_t CachingAllocator::block_size(void* ptr) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  auto it = m.active.find(ptr);
  return it == m.active.end() ? 0 : it->second->size;
}

namespace {
std::vector<CachingAllocator*>& allocators() {
  static std::vector<CachingAllocator*>* v = new std::vector<CachingAllocator*>();  // leaked on purpose
  return *v;
}
}  // namespace

void init_allocators(int count) {
  for (int d = 0; d < count; ++d) allocators().push_back(new CachingAllocator(d));
}

CachingAllocator& allocator(int device) { return *allocators()[static_cast<size_t>(device)]; }

}  // namespace ember_cuda
