// PluginDeviceRuntime: the C device table behind the core's DeviceRuntime (see plugin_device.h).
#include "registry/plugin_device.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "ops/backend/status.h"

namespace ember {
namespace {

// A host-side event for devices without events: a timestamp taken when recorded (a synchronous
// device has finished everything queued before by then).
struct HostEvent {
  std::chrono::steady_clock::time_point when{};
};

class PluginDeviceRuntime final : public DeviceRuntime {
 public:
  PluginDeviceRuntime(const ember_device_type_desc& desc, std::string name, std::string plugin)
      : name_(std::move(name)), plugin_(std::move(plugin)) {
    std::memset(&d_, 0, sizeof d_);
    std::memcpy(&d_, &desc, std::min(desc.struct_size, sizeof d_));
    d_.struct_size = sizeof d_;
    d_.name = name_.c_str();
    context_ = "[" + name_ + "] (plugin '" + plugin_ + "')";
  }

  void* allocate(int32_t index, size_t nbytes, StreamHandle stream) override {
    void* p = nullptr;
    ember_status* status = guard([&] { return d_.allocate(d_.ctx, index, nbytes, static_cast<ember_stream>(stream), &p); });
    if (status) {
      // Every failure names the size and the device; out of memory becomes OutOfMemoryError.
      std::string context = "[empty] allocating " + std::to_string(nbytes) + " bytes on " + name_ + ":" +
                            std::to_string(index) + " failed (plugin '" + plugin_ + "')";
      throw_if_error(status, context.c_str());
    }
    EMBER_CHECK(p != nullptr, PluginError, context_, " allocate returned no memory for ", nbytes, " bytes");
    return p;
  }
  void deallocate(int32_t index, void* ptr) noexcept override { d_.deallocate(d_.ctx, index, ptr); }

  void copy(CopyKind kind, void* dst, int32_t dst_index, const void* src, int32_t src_index, size_t n) override {
    check(guard([&] { return d_.copy_bytes(d_.ctx, static_cast<ember_copy_kind>(kind), dst, dst_index, src, src_index, n); }),
          "copy");
  }
  void copy_async(CopyKind kind, void* dst, int32_t dst_index, const void* src, int32_t src_index, size_t n,
                  StreamHandle stream) override {
    if (d_.copy_async == nullptr) return copy(kind, dst, dst_index, src, src_index, n);
    check(guard([&] {
            return d_.copy_async(d_.ctx, static_cast<ember_copy_kind>(kind), dst, dst_index, src, src_index, n,
                                 static_cast<ember_stream>(stream));
          }),
          "copy_async");
  }
  void synchronize(int32_t index) override {
    if (d_.synchronize) check(guard([&] { return d_.synchronize(d_.ctx, index); }), "synchronize");
  }

  bool supports_streams() const override { return d_.stream_create != nullptr; }
  StreamHandle stream_create(int32_t index, int32_t priority) override {
    if (!d_.stream_create) return nullptr;
    ember_stream s = nullptr;
    check(guard([&] { return d_.stream_create(d_.ctx, index, priority, &s); }), "stream_create");
    return s;
  }
  void stream_destroy(int32_t index, StreamHandle stream) noexcept override {
    if (d_.stream_destroy && stream) d_.stream_destroy(d_.ctx, index, static_cast<ember_stream>(stream));
  }
  void stream_synchronize(int32_t index, StreamHandle stream) override {
    if (d_.stream_synchronize) {
      check(guard([&] { return d_.stream_synchronize(d_.ctx, index, static_cast<ember_stream>(stream)); }),
            "stream_synchronize");
    } else {
      synchronize(index);
    }
  }
  bool stream_query(int32_t index, StreamHandle stream) override {
    if (!d_.stream_query) return true;
    int32_t done = 0;
    check(guard([&] { return d_.stream_query(d_.ctx, index, static_cast<ember_stream>(stream), &done); }),
          "stream_query");
    return done != 0;
  }

  EventHandle event_create(int32_t index, bool timing) override {
    if (!has_events()) return new HostEvent();
    ember_event e = nullptr;
    check(guard([&] { return d_.event_create(d_.ctx, index, timing ? 1 : 0, &e); }), "event_create");
    return e;
  }
  void event_destroy(int32_t index, EventHandle event) noexcept override {
    if (!has_events()) {
      delete static_cast<HostEvent*>(event);
    } else if (d_.event_destroy && event) {
      d_.event_destroy(d_.ctx, index, static_cast<ember_event>(event));
    }
  }
  void event_record(int32_t index, EventHandle event, StreamHandle stream) override {
    if (!has_events()) {
      stream_synchronize(index, stream);  // a device with streams but no events: wait, then stamp
      static_cast<HostEvent*>(event)->when = std::chrono::steady_clock::now();
      return;
    }
    check(guard([&] {
            return d_.event_record(d_.ctx, index, static_cast<ember_event>(event), static_cast<ember_stream>(stream));
          }),
          "event_record");
  }
  void stream_wait_event(int32_t index, StreamHandle stream, EventHandle event) override {
    if (!has_events() || !d_.stream_wait_event) return;  // recorded events are already complete
    check(guard([&] {
            return d_.stream_wait_event(d_.ctx, index, static_cast<ember_stream>(stream),
                                        static_cast<ember_event>(event));
          }),
          "stream_wait_event");
  }
  bool event_query(int32_t index, EventHandle event) override {
    if (!has_events() || !d_.event_query) return true;
    int32_t done = 0;
    check(guard([&] { return d_.event_query(d_.ctx, index, static_cast<ember_event>(event), &done); }),
          "event_query");
    return done != 0;
  }
  void event_synchronize(int32_t index, EventHandle event) override {
    if (!has_events() || !d_.event_synchronize) return;
    check(guard([&] { return d_.event_synchronize(d_.ctx, index, static_cast<ember_event>(event)); }),
          "event_synchronize");
  }
  double event_elapsed_ms(int32_t index, EventHandle start, EventHandle end) override {
    if (!has_events()) {
      auto* a = static_cast<HostEvent*>(start);
      auto* b = static_cast<HostEvent*>(end);
      return std::chrono::duration<double, std::milli>(b->when - a->when).count();
    }
    EMBER_CHECK(d_.event_elapsed_ms != nullptr, NotImplementedError, context_, " events have no timing");
    double ms = 0;
    check(guard([&] {
            return d_.event_elapsed_ms(d_.ctx, index, static_cast<ember_event>(start), static_cast<ember_event>(end),
                                       &ms);
          }),
          "event_elapsed_ms");
    return ms;
  }

  void* host_allocate(size_t nbytes) override {
    if (!has_pinned_memory()) {
      size_t rounded = (std::max<size_t>(nbytes, 1) + 63) / 64 * 64;
      void* p = std::aligned_alloc(64, rounded);
      EMBER_CHECK(p != nullptr, OutOfMemoryError, context_, " out of memory: failed to allocate ", nbytes,
                  " bytes of host memory");
      return p;
    }
    void* p = nullptr;
    check(guard([&] { return d_.host_allocate(d_.ctx, nbytes, &p); }), "host_allocate");
    return p;
  }
  void host_deallocate(void* ptr) noexcept override {
    if (!has_pinned_memory()) return std::free(ptr);
    d_.host_deallocate(d_.ctx, ptr);
  }
  bool has_pinned_memory() const override { return d_.host_allocate && d_.host_deallocate; }

  DeviceProperties properties(int32_t index) override {
    DeviceProperties p;
    p.name = name_ + ":" + std::to_string(index);
    if (!d_.get_properties) return p;
    ember_device_properties raw{};
    raw.struct_size = sizeof raw;
    check(guard([&] { return d_.get_properties(d_.ctx, index, &raw); }), "get_properties");
    raw.name[sizeof raw.name - 1] = '\0';
    raw.capability[sizeof raw.capability - 1] = '\0';
    if (raw.name[0]) p.name = raw.name;
    p.total_memory = raw.total_memory;
    p.capability = raw.capability;
    p.multiprocessor_count = raw.multiprocessor_count;
    return p;
  }
  MemoryStats memory_stats(int32_t index) override {
    MemoryStats m;
    if (!d_.get_memory_stats) return m;
    ember_memory_stats raw{};
    raw.struct_size = sizeof raw;
    check(guard([&] { return d_.get_memory_stats(d_.ctx, index, &raw); }), "get_memory_stats");
    m.allocated_bytes = raw.allocated_bytes;
    m.reserved_bytes = raw.reserved_bytes;
    m.peak_allocated_bytes = raw.peak_allocated_bytes;
    m.peak_reserved_bytes = raw.peak_reserved_bytes;
    m.num_allocations = raw.num_allocations;
    m.num_frees = raw.num_frees;
    m.num_device_allocations = raw.num_device_allocations;
    m.num_device_frees = raw.num_device_frees;
    m.num_ooms = raw.num_ooms;
    return m;
  }
  void reset_peak_memory_stats(int32_t index) override {
    if (d_.reset_peak_memory_stats) d_.reset_peak_memory_stats(d_.ctx, index);
  }
  void record_stream(int32_t index, void* ptr, StreamHandle stream) override {
    if (d_.record_stream) {
      check(guard([&] { return d_.record_stream(d_.ctx, index, ptr, static_cast<ember_stream>(stream)); }),
            "record_stream");
    }
  }
  void empty_cache(int32_t index) override {
    if (d_.empty_cache) check(guard([&] { return d_.empty_cache(d_.ctx, index); }), "empty_cache");
  }

 private:
  bool has_events() const { return d_.event_create && d_.event_record && d_.event_destroy; }

  // A C++ exception through the C boundary is a plugin bug; keep the process alive anyway.
  template <typename F>
  ember_status* guard(F&& f) const {
    try {
      return f();
    } catch (...) {
      return make_status(EMBER_ERROR_ABI, "the plugin let a C++ exception escape (a bug in the plugin)");
    }
  }
  void check(ember_status* status, const char* what) const {
    if (status) throw_if_error(status, (context_ + " " + what).c_str());
  }

  ember_device_type_desc d_;
  std::string name_;
  std::string plugin_;
  std::string context_;
};

}  // namespace

std::string plugin_device_table_problem(const ember_device_type_desc& desc) {
  constexpr size_t kRequired = offsetof(ember_device_type_desc, synchronize) + sizeof(desc.synchronize);
  if (desc.struct_size < kRequired)
    return "its device table is " + std::to_string(desc.struct_size) + " bytes, shorter than the " +
           std::to_string(kRequired) + " bytes of ABI 2.0's required fields";
  if (!desc.allocate || !desc.deallocate || !desc.copy_bytes) return "it lacks allocate, deallocate or copy_bytes";
  if (desc.device_count < 0) return "it has a negative device_count (" + std::to_string(desc.device_count) + ")";
  auto pair_problem = [](bool a, bool b, const char* what) -> std::string {
    return a == b ? "" : std::string("it sets only one of ") + what;
  };
  std::string p = pair_problem(desc.host_allocate != nullptr, desc.host_deallocate != nullptr,
                               "host_allocate/host_deallocate");
  if (p.empty()) p = pair_problem(desc.stream_create != nullptr, desc.stream_destroy != nullptr,
                                  "stream_create/stream_destroy");
  if (p.empty()) p = pair_problem(desc.event_create != nullptr, desc.event_destroy != nullptr,
                                  "event_create/event_destroy");
  if (p.empty() && desc.event_create && !desc.event_record) p = "it has event_create but no event_record";
  return p;
}

std::unique_ptr<DeviceRuntime> make_plugin_device_runtime(const ember_device_type_desc& desc,
                                                          const std::string& device_name, const std::string& plugin) {
  return std::make_unique<PluginDeviceRuntime>(desc, device_name, plugin);
}

}  // namespace ember
