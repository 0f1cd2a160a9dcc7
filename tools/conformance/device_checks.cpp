// Tier 2: a device type's allocate / copy_bytes / synchronize (see device_checks.h).
#include "tools/conformance/device_checks.h"

#include <cstdint>
#include <cstring>
#include <functional>

#include "core/device_runtime.h"
#include "core/error.h"

namespace ember {
namespace conformance {
namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr int32_t kHostToDevice = 0, kDeviceToHost = 1, kDeviceToDevice = 2;

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
  DeviceBuffer(const ember_device_type_desc& desc, int32_t index, size_t nbytes) : desc_(desc), index_(index) {
    throw_if_error(desc.allocate(desc.ctx, index, nbytes, &ptr_), "allocate");
  }
  ~DeviceBuffer() {
    if (ptr_) desc_.deallocate(desc_.ctx, index_, ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return ptr_; }

 private:
  const ember_device_type_desc& desc_;
  int32_t index_;
  void* ptr_ = nullptr;
};

void copy(const ember_device_type_desc& d, int32_t kind, void* dst, int32_t dst_index, const void* src, int32_t src_index,
          size_t nbytes, const char* what) {
  throw_if_error(d.copy_bytes(d.ctx, kind, dst, dst_index, src, src_index, nbytes), what);
}

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

}  // namespace

std::vector<CheckResult> check_device_type(const std::string& device_type) {
  std::vector<CheckResult> checks;
  const DeviceTypeId id = find_device_type(device_type);
  const DeviceTypeInfo& info = device_type_info(id);
  const ember_device_type_desc& d = info.desc;
  checks.push_back(run_check(device_type + ": has at least one device", [&]() -> std::string {
    return d.device_count >= 1 ? "" : "device_count is " + std::to_string(d.device_count);
  }));
  for (int32_t index = 0; index < d.device_count; ++index) {
    const std::string dev = device_type + ":" + std::to_string(index);
    checks.push_back(run_check(dev + ": allocate 0 bytes", [&]() -> std::string {
      DeviceBuffer empty(d, index, 0);
      return "";
    }));
    checks.push_back(run_check(dev + ": allocate 1 MiB, 64-byte aligned", [&]() -> std::string {
      DeviceBuffer buffer(d, index, kMiB);
      if (!buffer.get()) return "allocate returned success and a NULL pointer";
      const auto address = reinterpret_cast<uintptr_t>(buffer.get());
      if (address % 64 != 0) return "pointer " + std::to_string(address) + " is not 64-byte aligned";
      return "";
    }));
    checks.push_back(run_check(dev + ": copy 1 MiB host -> device -> device -> host", [&]() -> std::string {
      const std::vector<unsigned char> sent = pattern(kMiB, static_cast<unsigned>(index));
      std::vector<unsigned char> received(kMiB, 0);
      DeviceBuffer a(d, index, kMiB), b(d, index, kMiB);
      copy(d, kHostToDevice, a.get(), index, sent.data(), 0, kMiB, "copy host -> device");
      copy(d, kDeviceToDevice, b.get(), index, a.get(), index, kMiB, "copy device -> device");
      if (d.synchronize) throw_if_error(d.synchronize(d.ctx, index), "synchronize");
      copy(d, kDeviceToHost, received.data(), 0, b.get(), index, kMiB, "copy device -> host");
      if (d.synchronize) throw_if_error(d.synchronize(d.ctx, index), "synchronize");
      return first_difference(received, sent);
    }));
    checks.push_back(run_check(dev + ": copy 5 bytes at odd offsets", [&]() -> std::string {
      // Offsets that are not element-aligned: the core copies views, which start anywhere.
      const std::vector<unsigned char> sent = pattern(64, 7u + static_cast<unsigned>(index));
      std::vector<unsigned char> received(5, 0);
      DeviceBuffer buffer(d, index, 64);
      auto* base = static_cast<unsigned char*>(buffer.get());
      copy(d, kHostToDevice, base + 3, index, sent.data() + 11, 0, 5, "copy host -> device at offset 3");
      copy(d, kDeviceToDevice, base + 41, index, base + 3, index, 5, "copy device -> device at offset 41");
      copy(d, kDeviceToHost, received.data(), 0, base + 41, index, 5, "copy device -> host from offset 41");
      if (d.synchronize) throw_if_error(d.synchronize(d.ctx, index), "synchronize");
      return first_difference(received, std::vector<unsigned char>(sent.begin() + 11, sent.begin() + 16));
    }));
    checks.push_back(run_check(dev + ": synchronize", [&]() -> std::string {
      if (d.synchronize) throw_if_error(d.synchronize(d.ctx, index), "synchronize");
      return "";
    }));
  }
  return checks;
}

}  // namespace conformance
}  // namespace ember
