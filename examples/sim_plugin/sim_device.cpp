// The "sim" device type: 64-byte aligned host memory that the core must treat as device memory.
//
// Every allocation is recorded (base, size, device index), so that copy_bytes can refuse a range
// that is not sim memory of the device it names: a real accelerator would fault or corrupt memory
// there, and the simulator turns that into a clear error instead. This is what makes sim useful
// for testing the core's transfer paths.
//
// Thread-safety: the allocation table is guarded by one mutex; every callback may be called from
// many threads at once. Errors come back as statuses (ember::sdk::guarded), never as exceptions.
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "sim_plugin.h"

namespace sim {
namespace {

using ember::sdk::detail::concat;

constexpr size_t kAlignment = 64;

struct Allocation {
  size_t nbytes;
  int32_t device_index;
};

struct DeviceState {
  int device_count = 1;
  int32_t type_id = -1;
  std::mutex mutex;
  std::map<const char*, Allocation> live;  // keyed by base address
};

DeviceState& state() {
  // Leaked on purpose: tensors may be freed during static destruction, after a static would die.
  static DeviceState* s = new DeviceState();
  return *s;
}

void check_index(int32_t index, const char* what) {
  EMBER_SDK_CHECK(index >= 0 && index < state().device_count, EMBER_ERROR_INDEX, what, ": sim device index ", index,
                  " is out of range (", state().device_count, " device(s))");
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
  EMBER_SDK_CHECK(inside, EMBER_ERROR_VALUE, "copy_bytes: the ", role, " range [", p, ", +", nbytes,
                  ") is not memory of sim:", index);
}

ember_status* sim_allocate(void*, int32_t index, size_t nbytes, void** out_ptr) {
  return ember::sdk::guarded("[sim] ", [&] {
    *out_ptr = nullptr;
    check_index(index, "allocate");
    // aligned_alloc needs a multiple of the alignment; zero bytes still get a distinct block so
    // that empty tensors have distinct storages, as on the CPU.
    size_t rounded = nbytes == 0 ? kAlignment : (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    EMBER_SDK_CHECK(rounded >= nbytes, EMBER_ERROR_OUT_OF_MEMORY, "cannot allocate ", nbytes, " bytes");
    void* p = std::aligned_alloc(kAlignment, rounded);
    if (p == nullptr) throw ember::sdk::OutOfMemory(concat("out of memory: failed to allocate ", nbytes, " bytes on sim:", index));
    DeviceState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.live[static_cast<const char*>(p)] = Allocation{nbytes, index};
    *out_ptr = p;
  });
}

void sim_deallocate(void*, int32_t index, void* ptr) {
  if (ptr == nullptr) return;
  DeviceState& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.live.find(static_cast<const char*>(ptr));
    if (it == s.live.end() || it->second.device_index != index) {
      // deallocate cannot return an error; freeing an unknown pointer would corrupt the heap.
      ember::sdk::log(ember::sdk::LogLevel::Error,
                      concat("deallocate: ", ptr, " is not a live allocation of sim:", index, " (ignored)"));
      return;
    }
    s.live.erase(it);
  }
  std::free(ptr);
}

ember_status* sim_copy_bytes(void*, int32_t kind, void* dst, int32_t dst_index, const void* src, int32_t src_index,
                             size_t nbytes) {
  return ember::sdk::guarded("[sim] ", [&] {
    if (nbytes == 0) return;
    switch (kind) {
      case 0:  // host -> device
        check_range(dst, nbytes, dst_index, "destination");
        break;
      case 1:  // device -> host
        check_range(src, nbytes, src_index, "source");
        break;
      case 2:  // device -> device (also between two sim devices: they share the host's memory)
        check_range(dst, nbytes, dst_index, "destination");
        check_range(src, nbytes, src_index, "source");
        break;
      default:
        throw ember::sdk::ValueError(concat("copy_bytes: unknown copy kind ", kind, " (expected 0, 1 or 2)"));
    }
    std::memmove(dst, src, nbytes);
  });
}

ember_status* sim_synchronize(void*, int32_t index) {
  // Kernels run synchronously on the calling thread, so there is never queued work; the index
  // is still checked, as a real device would.
  return ember::sdk::guarded("[sim] ", [&] { check_index(index, "synchronize"); });
}

}  // namespace

void register_sim_device(ember::sdk::Registrar& reg, int device_count) {
  state().device_count = device_count;
  ember_device_type_desc desc{};
  desc.struct_size = sizeof(ember_device_type_desc);
  desc.name = kDeviceName;
  desc.device_count = device_count;
  desc.host_accessible = 0;  // the point of sim: every transfer goes through sim_copy_bytes
  desc.ctx = nullptr;
  desc.allocate = &sim_allocate;
  desc.deallocate = &sim_deallocate;
  desc.copy_bytes = &sim_copy_bytes;
  desc.synchronize = &sim_synchronize;
  state().type_id = reg.device_type(desc);
}

int32_t sim_device_type_id() { return state().type_id; }

}  // namespace sim
