// Tier 2: a device type's allocate / copy_bytes / synchronize (see device_checks.h).
#include "tools/conformance/device_checks.h"

#include <cstdint>
#include <cstring>
#include <functional>

#include "core/device_runtime.h"
#include "core/error.h"
#include "ember/ember.h"

namespace ember {
namespace conformance {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// Runs one check; an ember::Error (a status the plugin returned) or a failed expectation is a FAIL.
CheckResult run_check(const std::string& name, const std::function<std::string()>& body) {
  CheckResult c;
  c.tier = "device";
  c.name = name;
  std::string failure;
  try {
    failure = body();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    c.outcome = Outcome::Fail;
    c.message = failure;
    c.details.push_back(failure);
  }
  return c;
}

// A device buffer freed when it goes out of scope.
class DeviceBuffer {
 public:
  DeviceBuffer(DeviceRuntime& rt, int32_t index, size_t nbytes, StreamHandle stream = nullptr)
      : rt_(rt), index_(index), ptr_(rt.allocate(index, nbytes, stream)) {}
  ~DeviceBuffer() {
    if (ptr_) rt_.deallocate(index_, ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return ptr_; }
  unsigned char* bytes() const { return static_cast<unsigned char*>(ptr_); }

 private:
  DeviceRuntime& rt_;
  int32_t index_;
  void* ptr_ = nullptr;
};

// Host memory from the device's pinned allocator (plain memory where it has none).
class HostBuffer {
 public:
  HostBuffer(DeviceRuntime& rt, size_t nbytes) : rt_(rt), ptr_(static_cast<unsigned char*>(rt.host_allocate(nbytes))) {}
  ~HostBuffer() { rt_.host_deallocate(ptr_); }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  unsigned char* get() const { return ptr_; }

 private:
  DeviceRuntime& rt_;
  unsigned char* ptr_;
};

std::vector<unsigned char> pattern(size_t nbytes, unsigned seed) {
  std::vector<unsigned char> p(nbytes);
  uint32_t x = 2463534242u ^ seed;
  for (size_t i = 0; i < nbytes; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = static_cast<unsigned char>(x);
  }
  return p;
}

std::string first_difference(const std::vector<unsigned char>& got, const std::vector<unsigned char>& want) {
  for (size_t i = 0; i < want.size(); ++i)
    if (got[i] != want[i])
      return "byte " + std::to_string(i) + " is " + std::to_string(got[i]) + ", expected " + std::to_string(want[i]);
  return "";
}

// Streams, events and asynchronous copies: checked for every device; a device without streams
// must still honour the contracts trivially (everything is complete when a call returns).
void add_stream_checks(std::vector<CheckResult>& checks, DeviceRuntime& rt, const DeviceTypeInfo& info, int32_t index) {
  const std::string dev = info.name + ":" + std::to_string(index);
  checks.push_back(run_check(dev + ": asynchronous copies on one stream keep their order", [&]() -> std::string {
    // Several rounds through one buffer on a new stream: each copy must see the previous one.
    StreamHandle s = rt.stream_create(index, 0);
    struct Destroy {
      DeviceRuntime& rt; int32_t index; StreamHandle s;
      ~Destroy() { rt.stream_destroy(index, s); }
    } destroy{rt, index, s};
    HostBuffer host_in(rt, 4 * kMiB), host_out(rt, 4 * kMiB);
    DeviceBuffer a(rt, index, kMiB, s), b(rt, index, kMiB, s);
    for (int round = 0; round < 4; ++round) {
      std::vector<unsigned char> p = pattern(kMiB, 100u + static_cast<unsigned>(round));
      std::memcpy(host_in.get() + round * kMiB, p.data(), kMiB);
    }
    for (int round = 0; round < 4; ++round) {
      rt.copy_async(CopyKind::HostToDevice, a.get(), index, host_in.get() + round * kMiB, index, kMiB, s);
      rt.copy_async(CopyKind::DeviceToDevice, b.get(), index, a.get(), index, kMiB, s);
      rt.copy_async(CopyKind::DeviceToHost, host_out.get() + round * kMiB, index, b.get(), index, kMiB, s);
    }
    rt.stream_synchronize(index, s);
    if (!rt.stream_query(index, s)) return "stream_query says work is pending after stream_synchronize";
    std::vector<unsigned char> got(host_out.get(), host_out.get() + 4 * kMiB);
    std::vector<unsigned char> want(host_in.get(), host_in.get() + 4 * kMiB);
    return first_difference(got, want);
  }));
  checks.push_back(run_check(dev + ": an event orders work across two streams", [&]() -> std::string {
    StreamHandle producer = rt.stream_create(index, 0);
    StreamHandle consumer = rt.stream_create(index, 0);
    struct Destroy {
      DeviceRuntime& rt; int32_t index; StreamHandle a, b;
      ~Destroy() { rt.stream_destroy(index, a); rt.stream_destroy(index, b); }
    } destroy{rt, index, producer, consumer};
    const size_t n = 8 * kMiB;
    HostBuffer in(rt, n), out(rt, n);
    std::vector<unsigned char> p = pattern(n, 55u);
    std::memcpy(in.get(), p.data(), n);
    DeviceBuffer a(rt, index, n, producer);
    EventHandle e = rt.event_create(index, false);
    struct DestroyEvent {
      DeviceRuntime& rt; int32_t index; EventHandle e;
      ~DestroyEvent() { rt.event_destroy(index, e); }
    } destroy_event{rt, index, e};
    rt.copy_async(CopyKind::HostToDevice, a.get(), index, in.get(), index, n, producer);
    rt.event_record(index, e, producer);
    rt.stream_wait_event(index, consumer, e);
    rt.record_stream(index, a.get(), consumer);
    rt.copy_async(CopyKind::DeviceToHost, out.get(), index, a.get(), index, n, consumer);
    rt.stream_synchronize(index, consumer);
    rt.event_synchronize(index, e);
    if (!rt.event_query(index, e)) return "event_query says the event is pending after event_synchronize";
    return first_difference(std::vector<unsigned char>(out.get(), out.get() + n), p);
  }));
  checks.push_back(run_check(dev + ": timing events measure a non-negative time", [&]() -> std::string {
    EventHandle start = rt.event_create(index, true), end = rt.event_create(index, true);
    struct Destroy {
      DeviceRuntime& rt; int32_t index; EventHandle a, b;
      ~Destroy() { rt.event_destroy(index, a); rt.event_destroy(index, b); }
    } destroy{rt, index, start, end};
    DeviceBuffer a(rt, index, kMiB), b(rt, index, kMiB);
    rt.event_record(index, start, nullptr);
    rt.copy_async(CopyKind::DeviceToDevice, b.get(), index, a.get(), index, kMiB, nullptr);
    rt.event_record(index, end, nullptr);
    rt.event_synchronize(index, end);
    double ms = rt.event_elapsed_ms(index, start, end);
    return ms >= 0 && ms < 60000 ? "" : "elapsed time " + std::to_string(ms) + " ms";
  }));
  checks.push_back(run_check(dev + ": memory statistics and properties are readable", [&]() -> std::string {
    // Frees of earlier checks are ordered on streams: let them retire first, or the count could
    // drop by their size while the new block is served.
    rt.synchronize(index);
    MemoryStats before = rt.memory_stats(index);
    DeviceBuffer a(rt, index, kMiB);
    MemoryStats during = rt.memory_stats(index);
    DeviceProperties props = rt.properties(index);
    if (props.name.empty()) return "the device has no name";
    if (during.allocated_bytes != 0 || before.allocated_bytes != 0) {
      // A device that reports statistics must count the block it just served.
      if (during.allocated_bytes < before.allocated_bytes + kMiB)
        return "allocated_bytes went from " + std::to_string(before.allocated_bytes) + " to " +
               std::to_string(during.allocated_bytes) + " after allocating 1 MiB";
      if (during.reserved_bytes < during.allocated_bytes) return "reserved_bytes < allocated_bytes";
    }
    rt.empty_cache(index);
    return "";
  }));
  if (info.device_count > 1 && index == 0) {
    checks.push_back(run_check(info.name + ": peer copy between device 0 and 1", [&]() -> std::string {
      std::vector<unsigned char> sent = pattern(kMiB, 9u), received(kMiB, 0);
      DeviceBuffer a(rt, 0, kMiB), b(rt, 1, kMiB);
      rt.copy(CopyKind::HostToDevice, a.get(), 0, sent.data(), 0, kMiB);
      rt.copy(CopyKind::Peer, b.get(), 1, a.get(), 0, kMiB);
      rt.copy(CopyKind::DeviceToHost, received.data(), 1, b.get(), 1, kMiB);
      return first_difference(received, sent);
    }));
  }
}

// A device that declares reads_host_scalars gets 0-d host tensors in its pointwise kernels: the
// results must be the CPU's. Numbers (wrapped on the host) and a 0-d cpu tensor, in each input
// position, on float32 and int64, in-place too.
std::string host_scalar_results(Device dev) {
  std::string problems;
  auto expect_same = [&](const char* what, const Tensor& got, const Tensor& want) {
    if (got.device() != dev) {
      problems += std::string(what) + ": result on " + got.device().str() + "; ";
      return;
    }
    Tensor g = got.to(Device(kCPU));
    if (g.scalar_type() != want.scalar_type() || !ember::equal(g, want)) problems += std::string(what) + ": differs from the cpu; ";
  };
  for (ScalarType dt : {kFloat32, kInt64}) {
    const Tensor a = ember::arange(0, 12, 1, TensorOptions(dt)).reshape({3, 4});
    const Tensor d = a.to(dev);
    const Tensor half = ember::tensor(0.5), two = ember::tensor(int64_t{2});
    try {
      expect_same("x * 3", d * 3, a * 3);
      expect_same("x + 0-d cpu float64", d + half, a + half);
      expect_same("0-d cpu int64 - x", two - d, two - a);
      expect_same("x.t() * number", d.t() * 2, a.t() * 2);
      Tensor di = d.clone(), ai = a.clone();
      expect_same("x.mul_(0-d cpu)", di.mul_(two), ai.mul_(two));
      expect_same("where(c, x, number)", where(d.gt(4), d, 7), where(a.gt(4), a, 7));
    } catch (const NotImplementedError&) {
      // An op this plugin has no kernel for: the kernel tier reports it.
    }
  }
  return problems;
}

}  // namespace

std::vector<CheckResult> check_device_type(const std::string& device_type) {
  std::vector<CheckResult> checks;
  const DeviceTypeId id = find_device_type(device_type);
  const DeviceTypeInfo& info = device_type_info(id);
  DeviceRuntime& rt = *info.runtime;
  checks.push_back(run_check(device_type + ": has at least one device", [&]() -> std::string {
    return info.device_count >= 1 ? "" : "device_count is " + std::to_string(info.device_count);
  }));
  for (int32_t index = 0; index < info.device_count; ++index) {
    const std::string dev = device_type + ":" + std::to_string(index);
    checks.push_back(run_check(dev + ": allocate 0 bytes", [&]() -> std::string {
      DeviceBuffer empty(rt, index, 0);
      return "";
    }));
    checks.push_back(run_check(dev + ": allocate 1 MiB, 64-byte aligned", [&]() -> std::string {
      DeviceBuffer buffer(rt, index, kMiB);
      if (!buffer.get()) return "allocate returned success and a NULL pointer";
      const auto address = reinterpret_cast<uintptr_t>(buffer.get());
      if (address % 64 != 0) return "pointer " + std::to_string(address) + " is not 64-byte aligned";
      return "";
    }));
    checks.push_back(run_check(dev + ": copy 1 MiB host -> device -> device -> host", [&]() -> std::string {
      const std::vector<unsigned char> sent = pattern(kMiB, static_cast<unsigned>(index));
      std::vector<unsigned char> received(kMiB, 0);
      DeviceBuffer a(rt, index, kMiB), b(rt, index, kMiB);
      rt.copy(CopyKind::HostToDevice, a.get(), index, sent.data(), index, kMiB);
      rt.copy(CopyKind::DeviceToDevice, b.get(), index, a.get(), index, kMiB);
      rt.copy(CopyKind::DeviceToHost, received.data(), index, b.get(), index, kMiB);
      return first_difference(received, sent);
    }));
    checks.push_back(run_check(dev + ": copy 5 bytes at odd offsets", [&]() -> std::string {
      // Offsets that are not element-aligned: the core copies views, which start anywhere.
      const std::vector<unsigned char> sent = pattern(64, 7u + static_cast<unsigned>(index));
      std::vector<unsigned char> received(5, 0);
      DeviceBuffer buffer(rt, index, 64);
      unsigned char* base = buffer.bytes();
      rt.copy(CopyKind::HostToDevice, base + 3, index, sent.data() + 11, index, 5);
      rt.copy(CopyKind::DeviceToDevice, base + 41, index, base + 3, index, 5);
      rt.copy(CopyKind::DeviceToHost, received.data(), index, base + 41, index, 5);
      return first_difference(received, std::vector<unsigned char>(sent.begin() + 11, sent.begin() + 16));
    }));
    checks.push_back(run_check(dev + ": synchronize", [&]() -> std::string {
      rt.synchronize(index);
      return "";
    }));
    add_stream_checks(checks, rt, info, index);
    if (info.reads_host_scalars) {
      checks.push_back(run_check(dev + ": pointwise kernels read 0-d host tensors (reads_host_scalars)",
                                 [&]() -> std::string { return host_scalar_results(Device(id, static_cast<int16_t>(index))); }));
    }
  }
  return checks;
}

}  // namespace conformance
}  // namespace ember
