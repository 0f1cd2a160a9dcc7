// The "sim" device type: 64-byte aligned host memory that the core must treat as device memory,
// with asynchronous streams (sim_streams.h), events, pinned host memory and statistics.
//
// Every allocation is recorded (base, size, device index, the stream it was allocated for and
// the streams record_stream named), so that copies can refuse a range that is not sim memory of
// the device they name (a real accelerator would fault or corrupt memory there; the simulator
// turns that into a clear error), and so that frees are stream-ordered like a caching
// allocator's: memory returns to the system only after the work queued on its streams ran.
//
// Copies follow CUDA's rules: copy_bytes waits for all work on the device first; copy_async
// from or to pinned memory (host_allocate) is queued; from pageable memory it is staged at call
// time, and into pageable memory it waits for the stream, so callers may reuse host memory as
// soon as the call returns.
//
// Thread-safety: the tables are guarded by one mutex; every callback may be called from many
// threads at once. Errors come back as statuses (ember::sdk::guarded), never as exceptions.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "sim_plugin.h"
#include "sim_streams.h"

namespace sim {
namespace {

using ember::sdk::detail::concat;

constexpr size_t kAlignment = 64;

struct Allocation {
  size_t nbytes;
  int32_t device_index;
  SimStream* stream;                 // the stream it was allocated for
  std::vector<SimStream*> recorded;  // other streams that use it (record_stream)
};

struct DeviceStats {
  uint64_t allocated = 0, peak = 0, allocations = 0, frees = 0;
};

struct DeviceState {
  int device_count = 1;
  int32_t type_id = -1;
  std::mutex mutex;
  std::map<const char*, Allocation> live;  // keyed by base address
  std::map<const char*, size_t> pinned;    // host_allocate blocks: base -> size
  std::vector<SimStream*> default_streams; // per device, created on first use
  std::set<SimStream*> streams;            // every live stream, default ones included
  std::vector<SimStream*> retired;         // destroyed streams, kept (sim_streams.h says why)
  std::vector<DeviceStats> stats;
};

DeviceState& state() {
  // Leaked on purpose: tensors may be freed during static destruction, after a static would die,
  // and default streams' workers must outlive them.
  static DeviceState* s = new DeviceState();
  return *s;
}

void check_index(int32_t index, const char* what) {
  EMBER_SDK_CHECK(index >= 0 && index < state().device_count, EMBER_ERROR_INDEX, what, ": sim device index ", index,
                  " is out of range (", state().device_count, " device(s))");
}

// REQUIRES: state().mutex held.
SimStream* default_stream_locked(int32_t index) {
  DeviceState& s = state();
  SimStream*& d = s.default_streams[static_cast<size_t>(index)];
  if (d == nullptr) {
    d = new SimStream(index);  // lives for the process
    s.streams.insert(d);
  }
  return d;
}

std::vector<SimStream*> streams_of(int32_t index) {
  DeviceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  std::vector<SimStream*> out;
  for (SimStream* st : s.streams)
    if (st->device_index() == index) out.push_back(st);
  return out;
}

// Waits for everything queued on the device; throws the first error a job left behind.
void drain_device(int32_t index) {
  std::string error;
  for (SimStream* st : streams_of(index)) {
    st->synchronize();
    std::string e = st->take_error();
    if (error.empty()) error = e;
  }
  EMBER_SDK_CHECK(error.empty(), EMBER_ERROR_DEVICE, "an asynchronous sim operation failed: ", error);
}

}  // namespace

SimStream* resolve_stream(int32_t index, ember_stream handle) {
  check_index(index, "stream");
  if (handle != nullptr) {
    auto* st = reinterpret_cast<SimStream*>(handle);
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    EMBER_SDK_CHECK(s.streams.count(st) != 0, EMBER_ERROR_VALUE, "unknown sim stream ", static_cast<void*>(handle));
    EMBER_SDK_CHECK(st->device_index() == index, EMBER_ERROR_VALUE, "the stream belongs to sim:", st->device_index(),
                    ", not sim:", index);
    return st;
  }
  DeviceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return default_stream_locked(index);
}

// Throws unless [p, p + nbytes) lies inside one live allocation of device `index`.
void check_range(const void* p, size_t nbytes, int32_t index, const char* role) {
  check_index(index, role);
  const char* begin = static_cast<const char*>(p);
  DeviceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.live.upper_bound(begin);
  bool inside = false;
  if (it != s.live.begin()) {
    --it;
    const char* base = it->first;
    inside = it->second.device_index == index && begin >= base &&
             static_cast<size_t>(begin - base) + nbytes <= it->second.nbytes;
  }
  EMBER_SDK_CHECK(inside, EMBER_ERROR_VALUE, "the ", role, " range [", p, ", +", nbytes, ") is not memory of sim:",
                  index);
}

namespace {

ember_status* sim_allocate(void*, int32_t index, size_t nbytes, ember_stream stream, void** out_ptr) {
  return ember::sdk::guarded("[sim] ", [&] {
    *out_ptr = nullptr;
    SimStream* st = resolve_stream(index, stream);
    // aligned_alloc needs a multiple of the alignment; zero bytes still get a distinct block so
    // that empty tensors have distinct storages, as on the CPU.
    size_t rounded = nbytes == 0 ? kAlignment : (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    EMBER_SDK_CHECK(rounded >= nbytes, EMBER_ERROR_OUT_OF_MEMORY, "cannot allocate ", nbytes, " bytes");
    void* p = std::aligned_alloc(kAlignment, rounded);
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    DeviceStats& stats = s.stats[static_cast<size_t>(index)];
    if (p == nullptr)
      throw ember::sdk::OutOfMemory(concat("out of memory: tried to allocate ", nbytes, " bytes on sim:", index,
                                           "; ", stats.allocated, " bytes allocated"));
    s.live[static_cast<const char*>(p)] = Allocation{nbytes, index, st, {}};
    stats.allocated += nbytes;
    stats.peak = std::max(stats.peak, stats.allocated);
    ++stats.allocations;
    *out_ptr = p;
  });
}

// Stream-ordered: the block is released after the work queued so far on its streams has run.
void sim_deallocate(void*, int32_t index, void* ptr) {
  if (ptr == nullptr) return;
  DeviceState& s = state();
  Allocation a;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.live.find(static_cast<const char*>(ptr));
    if (it == s.live.end() || it->second.device_index != index) {
      // deallocate cannot return an error; freeing an unknown pointer would corrupt the heap.
      ember::sdk::log(ember::sdk::LogLevel::Error,
                      concat("deallocate: ", ptr, " is not a live allocation of sim:", index, " (ignored)"));
      return;
    }
    a = it->second;
  }
  std::vector<std::pair<SimStream*, uint64_t>> waits;
  for (SimStream* other : a.recorded)
    if (other != a.stream) waits.emplace_back(other, other->last_enqueued());
  a.stream->enqueue([ptr, index, nbytes = a.nbytes, waits] {
    for (const auto& w : waits) w.first->wait_for(w.second);
    DeviceState& st = state();
    {
      std::lock_guard<std::mutex> lock(st.mutex);
      st.live.erase(static_cast<const char*>(ptr));
      DeviceStats& stats = st.stats[static_cast<size_t>(index)];
      stats.allocated -= nbytes;
      ++stats.frees;
    }
    std::free(ptr);
  });
}

void check_copy(ember_copy_kind kind, void* dst, int32_t dst_index, const void* src, int32_t src_index, size_t n) {
  switch (kind) {
    case EMBER_COPY_HOST_TO_DEVICE: check_range(dst, n, dst_index, "destination"); break;
    case EMBER_COPY_DEVICE_TO_HOST: check_range(src, n, src_index, "source"); break;
    case EMBER_COPY_DEVICE_TO_DEVICE:
      EMBER_SDK_CHECK(dst_index == src_index, EMBER_ERROR_VALUE, "a device-to-device copy names two devices (sim:",
                      src_index, " -> sim:", dst_index, "); use EMBER_COPY_PEER");
      check_range(dst, n, dst_index, "destination");
      check_range(src, n, src_index, "source");
      break;
    case EMBER_COPY_PEER:
      check_range(dst, n, dst_index, "destination");
      check_range(src, n, src_index, "source");
      break;
    default:
      throw ember::sdk::ValueError(concat("unknown copy kind ", static_cast<int>(kind)));
  }
}

ember_status* sim_copy_bytes(void*, ember_copy_kind kind, void* dst, int32_t dst_index, const void* src,
                             int32_t src_index, size_t nbytes) {
  return ember::sdk::guarded("[sim] copy_bytes: ", [&] {
    if (nbytes == 0) return;
    check_copy(kind, dst, dst_index, src, src_index, nbytes);
    // A synchronous copy is ordered after everything queued on the devices involved.
    if (kind != EMBER_COPY_HOST_TO_DEVICE) drain_device(src_index);
    if (kind != EMBER_COPY_DEVICE_TO_HOST && dst_index != src_index) drain_device(dst_index);
    if (kind == EMBER_COPY_HOST_TO_DEVICE) drain_device(dst_index);
    std::memmove(dst, src, nbytes);
  });
}

bool is_pinned(const void* p) {
  const char* c = static_cast<const char*>(p);
  DeviceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.pinned.upper_bound(c);
  if (it == s.pinned.begin()) return false;
  --it;
  return c >= it->first && static_cast<size_t>(c - it->first) < it->second;
}

ember_status* sim_copy_async(void*, ember_copy_kind kind, void* dst, int32_t dst_index, const void* src,
                             int32_t src_index, size_t nbytes, ember_stream stream) {
  return ember::sdk::guarded("[sim] copy_async: ", [&] {
    if (nbytes == 0) return;
    check_copy(kind, dst, dst_index, src, src_index, nbytes);
    const int32_t side = kind == EMBER_COPY_HOST_TO_DEVICE ? dst_index : src_index;
    SimStream* st = resolve_stream(side, stream);
    if (kind == EMBER_COPY_HOST_TO_DEVICE && !is_pinned(src)) {
      // Pageable source: staged now, so the caller may reuse it at once.
      auto staged = std::make_shared<std::vector<unsigned char>>(static_cast<const unsigned char*>(src),
                                                                 static_cast<const unsigned char*>(src) + nbytes);
      st->enqueue([dst, staged] { std::memcpy(dst, staged->data(), staged->size()); });
      return;
    }
    if (kind == EMBER_COPY_DEVICE_TO_HOST && !is_pinned(dst)) {
      // Pageable destination: the copy completes before the call returns.
      st->enqueue([dst, src, nbytes] { std::memmove(dst, src, nbytes); });
      st->synchronize();
      std::string error = st->take_error();
      EMBER_SDK_CHECK(error.empty(), EMBER_ERROR_DEVICE, "an asynchronous sim operation failed: ", error);
      return;
    }
    st->enqueue([dst, src, nbytes] { std::memmove(dst, src, nbytes); });
  });
}

ember_status* sim_synchronize(void*, int32_t index) {
  return ember::sdk::guarded("[sim] ", [&] {
    check_index(index, "synchronize");
    drain_device(index);
  });
}

ember_status* sim_stream_create(void*, int32_t index, int32_t, ember_stream* out) {
  return ember::sdk::guarded("[sim] ", [&] {
    check_index(index, "stream_create");
    auto* st = new SimStream(index);
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.streams.insert(st);
    *out = reinterpret_cast<ember_stream>(st);
  });
}

void sim_stream_destroy(void*, int32_t index, ember_stream stream) {
  if (stream == nullptr) return;
  auto* st = reinterpret_cast<SimStream*>(stream);
  {
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.streams.count(st) == 0 || st->device_index() != index) {
      ember::sdk::log(ember::sdk::LogLevel::Error, concat("stream_destroy: unknown stream on sim:", index, " (ignored)"));
      return;
    }
    s.streams.erase(st);
    s.retired.push_back(st);
    // Blocks still alive move to the default stream: their frees are ordered there from now on
    // (after this stream's work, which the destructor below drains).
    SimStream* fallback = default_stream_locked(index);
    for (auto& [base, a] : s.live) {
      if (a.stream == st) a.stream = fallback;
      a.recorded.erase(std::remove(a.recorded.begin(), a.recorded.end(), st), a.recorded.end());
    }
  }
  st->retire();  // drains its queue first (pending frees included); the object stays (sim_streams.h)
}

ember_status* sim_stream_synchronize(void*, int32_t index, ember_stream stream) {
  return ember::sdk::guarded("[sim] ", [&] {
    SimStream* st = resolve_stream(index, stream);
    st->synchronize();
    std::string error = st->take_error();
    EMBER_SDK_CHECK(error.empty(), EMBER_ERROR_DEVICE, "an asynchronous sim operation failed: ", error);
  });
}

ember_status* sim_stream_query(void*, int32_t index, ember_stream stream, int32_t* done) {
  return ember::sdk::guarded("[sim] ", [&] {
    SimStream* st = resolve_stream(index, stream);
    *done = st->has_completed(st->last_enqueued()) ? 1 : 0;
  });
}

ember_status* sim_event_create(void*, int32_t index, int32_t, ember_event* out) {
  return ember::sdk::guarded("[sim] ", [&] {
    check_index(index, "event_create");
    auto* e = new SimEvent();
    e->device_index = index;
    *out = reinterpret_cast<ember_event>(e);
  });
}

void sim_event_destroy(void*, int32_t, ember_event event) { delete reinterpret_cast<SimEvent*>(event); }

ember_status* sim_event_record(void*, int32_t index, ember_event event, ember_stream stream) {
  return ember::sdk::guarded("[sim] ", [&] {
    auto* e = reinterpret_cast<SimEvent*>(event);
    EMBER_SDK_CHECK(e != nullptr && e->device_index == index, EMBER_ERROR_VALUE, "event_record: the event is not of sim:",
                    index);
    SimStream* st = resolve_stream(index, stream);
    std::lock_guard<std::mutex> lock(e->mutex);
    e->stream = st;
    e->sequence = st->enqueue([e] {
      std::lock_guard<std::mutex> l(e->mutex);
      e->reached = std::chrono::steady_clock::now();
    });
  });
}

ember_status* sim_stream_wait_event(void*, int32_t index, ember_stream stream, ember_event event) {
  return ember::sdk::guarded("[sim] ", [&] {
    auto* e = reinterpret_cast<SimEvent*>(event);
    SimStream* st = resolve_stream(index, stream);
    SimStream* source;
    uint64_t sequence;
    {
      std::lock_guard<std::mutex> lock(e->mutex);
      source = e->stream;
      sequence = e->sequence;
    }
    if (source == nullptr || source == st) return;  // never recorded, or ordered already
    st->enqueue([source, sequence] { source->wait_for(sequence); });
  });
}

ember_status* sim_event_query(void*, int32_t, ember_event event, int32_t* done) {
  return ember::sdk::guarded("[sim] ", [&] {
    auto* e = reinterpret_cast<SimEvent*>(event);
    std::lock_guard<std::mutex> lock(e->mutex);
    *done = e->stream == nullptr || e->stream->has_completed(e->sequence) ? 1 : 0;
  });
}

ember_status* sim_event_synchronize(void*, int32_t, ember_event event) {
  return ember::sdk::guarded("[sim] ", [&] {
    auto* e = reinterpret_cast<SimEvent*>(event);
    SimStream* source;
    uint64_t sequence;
    {
      std::lock_guard<std::mutex> lock(e->mutex);
      source = e->stream;
      sequence = e->sequence;
    }
    if (source) source->wait_for(sequence);
  });
}

ember_status* sim_event_elapsed_ms(void*, int32_t, ember_event start, ember_event end, double* out_ms) {
  return ember::sdk::guarded("[sim] ", [&] {
    auto* a = reinterpret_cast<SimEvent*>(start);
    auto* b = reinterpret_cast<SimEvent*>(end);
    std::lock_guard<std::mutex> la(a->mutex);
    std::lock_guard<std::mutex> lb(b->mutex);
    EMBER_SDK_CHECK(a->stream && b->stream && a->stream->has_completed(a->sequence) &&
                        b->stream->has_completed(b->sequence),
                    EMBER_ERROR_VALUE, "event_elapsed_ms: both events must be recorded and completed");
    *out_ms = std::chrono::duration<double, std::milli>(b->reached - a->reached).count();
  });
}

ember_status* sim_host_allocate(void*, size_t nbytes, void** out) {
  return ember::sdk::guarded("[sim] ", [&] {
    size_t rounded = (std::max<size_t>(nbytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, rounded);
    if (p == nullptr) throw ember::sdk::OutOfMemory(concat("out of memory: ", nbytes, " bytes of pinned memory"));
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.pinned[static_cast<const char*>(p)] = nbytes;
    *out = p;
  });
}

void sim_host_deallocate(void*, void* ptr) {
  if (ptr == nullptr) return;
  // As cudaFreeHost: queued copies may still use the block, so wait for every device first.
  for (int32_t i = 0; i < state().device_count; ++i) {
    for (SimStream* st : streams_of(i)) st->synchronize();
  }
  {
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.pinned.erase(static_cast<const char*>(ptr));
  }
  std::free(ptr);
}

ember_status* sim_get_properties(void*, int32_t index, ember_device_properties* out) {
  return ember::sdk::guarded("[sim] ", [&] {
    check_index(index, "get_properties");
    std::snprintf(out->name, sizeof out->name, "ember sim device %d", index);
    std::snprintf(out->capability, sizeof out->capability, "sim-async");
    out->total_memory = 0;
    out->multiprocessor_count = 1;
  });
}

ember_status* sim_get_memory_stats(void*, int32_t index, ember_memory_stats* out) {
  return ember::sdk::guarded("[sim] ", [&] {
    check_index(index, "get_memory_stats");
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    const DeviceStats& st = s.stats[static_cast<size_t>(index)];
    out->allocated_bytes = st.allocated;
    out->reserved_bytes = st.allocated;  // no cache: every live block is held from the system
    out->peak_allocated_bytes = st.peak;
    out->peak_reserved_bytes = st.peak;
    out->num_allocations = st.allocations;
    out->num_frees = st.frees;
    out->num_device_allocations = st.allocations;
    out->num_device_frees = st.frees;
  });
}

void sim_reset_peak(void*, int32_t index) {
  DeviceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (index >= 0 && index < s.device_count) s.stats[static_cast<size_t>(index)].peak = s.stats[static_cast<size_t>(index)].allocated;
}

ember_status* sim_record_stream(void*, int32_t index, void* ptr, ember_stream stream) {
  return ember::sdk::guarded("[sim] record_stream: ", [&] {
    SimStream* st = resolve_stream(index, stream);
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.live.find(static_cast<const char*>(ptr));
    EMBER_SDK_CHECK(it != s.live.end() && it->second.device_index == index, EMBER_ERROR_VALUE, ptr,
                    " is not the start of a live allocation of sim:", index);
    if (std::find(it->second.recorded.begin(), it->second.recorded.end(), st) == it->second.recorded.end())
      it->second.recorded.push_back(st);
  });
}

}  // namespace

void register_sim_device(ember::sdk::Registrar& reg, int device_count) {
  DeviceState& s = state();
  s.device_count = device_count;
  s.default_streams.assign(static_cast<size_t>(device_count), nullptr);
  s.stats.assign(static_cast<size_t>(device_count), DeviceStats{});
  ember_device_type_desc desc{};
  desc.struct_size = sizeof(ember_device_type_desc);
  desc.name = kDeviceName;
  desc.device_count = device_count;
  desc.host_accessible = 0;  // the point of sim: every transfer goes through its copies
  desc.ctx = nullptr;
  desc.allocate = &sim_allocate;
  desc.deallocate = &sim_deallocate;
  desc.copy_bytes = &sim_copy_bytes;
  desc.synchronize = &sim_synchronize;
  desc.stream_create = &sim_stream_create;
  desc.stream_destroy = &sim_stream_destroy;
  desc.stream_synchronize = &sim_stream_synchronize;
  desc.stream_query = &sim_stream_query;
  desc.event_create = &sim_event_create;
  desc.event_destroy = &sim_event_destroy;
  desc.event_record = &sim_event_record;
  desc.stream_wait_event = &sim_stream_wait_event;
  desc.event_query = &sim_event_query;
  desc.event_synchronize = &sim_event_synchronize;
  desc.event_elapsed_ms = &sim_event_elapsed_ms;
  desc.copy_async = &sim_copy_async;
  desc.host_allocate = &sim_host_allocate;
  desc.host_deallocate = &sim_host_deallocate;
  desc.get_properties = &sim_get_properties;
  desc.get_memory_stats = &sim_get_memory_stats;
  desc.reset_peak_memory_stats = &sim_reset_peak;
  desc.record_stream = &sim_record_stream;
  s.type_id = reg.device_type(desc);
}

int32_t sim_device_type_id() { return state().type_id; }

}  // namespace sim
