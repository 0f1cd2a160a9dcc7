// The "cuda" device type: one device per GPU, the caching allocator (allocator.h), synchronous
// and asynchronous copies (host, device, peer), streams from the per-device pools (streams.h),
// CUDA events, cached pinned host memory (host_allocator.h), properties and memory statistics.
//
// Synchronous copies follow the ABI: ordered after all work queued on the devices involved, and
// complete on return (cudaDeviceSynchronize, then the copy). Asynchronous copies are queued on
// the given stream of the non-host side (the source's for peer copies); a pinned host block used
// by one is not reused before it completes. Peer access is enabled on first use where the
// hardware allows it; otherwise CUDA stages peer copies through the host.
//
// Every synchronization point also raises an error that a kernel recorded on the device
// (device_errors.h). Thread-safety: every callback may be called from many threads at once.
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

#include "allocator.h"
#include "cuda_common.h"
#include "cuda_plugin.h"
#include "device_errors.h"
#include "host_allocator.h"
#include "streams.h"

namespace ember_cuda {
namespace {

int g_device_count = 0;
std::vector<int> g_arch;
int32_t g_device_type_id = -1;

void check_index(int32_t index) {
  EMBER_SDK_CHECK(index >= 0 && index < g_device_count, EMBER_ERROR_INDEX, "cuda device index ", index,
                  " is out of range (", g_device_count, " device(s))");
}

// Enables access from `from` to `to`'s memory once per pair, where possible.
void ensure_peer_access(int from, int to) {
  static std::mutex mutex;
  static std::set<std::pair<int, int>> done;
  std::lock_guard<std::mutex> lock(mutex);
  if (!done.insert({from, to}).second) return;
  int can = 0;
  if (cudaDeviceCanAccessPeer(&can, from, to) != cudaSuccess || !can) {
    (void)cudaGetLastError();
    return;  // cudaMemcpyPeer stages through the host
  }
  DeviceScope scope(from);
  cudaError_t e = cudaDeviceEnablePeerAccess(to, 0);
  if (e != cudaSuccess && e != cudaErrorPeerAccessAlreadyEnabled) throw_cuda_error(e, "cudaDeviceEnablePeerAccess", from);
  (void)cudaGetLastError();
}

void synchronize_device(int index) {
  DeviceScope scope(index);
  EMBER_CUDA_CHECK(cudaDeviceSynchronize(), "cudaDeviceSynchronize", index);
  raise_device_error_if_any(index);
}

ember_status* cuda_allocate(void*, int32_t index, size_t nbytes, ember_stream stream, void** out_ptr) {
  return ember::sdk::guarded("[cuda] ", [&] {
    *out_ptr = nullptr;
    check_index(index);
    *out_ptr = allocator(index).allocate(nbytes, to_cuda(stream));
  });
}

void cuda_deallocate(void*, int32_t index, void* ptr) {
  if (index < 0 || index >= g_device_count) return;
  allocator(index).free(ptr);
}

ember_status* cuda_copy_bytes(void*, ember_copy_kind kind, void* dst, int32_t dst_index, const void* src,
                              int32_t src_index, size_t nbytes) {
  return ember::sdk::guarded("[cuda] copy: ", [&] {
    if (nbytes == 0) return;
    check_index(dst_index);
    check_index(src_index);
    switch (kind) {
      case EMBER_COPY_HOST_TO_DEVICE: {
        synchronize_device(dst_index);
        EMBER_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyHostToDevice), "cudaMemcpy (host to device)", dst_index);
        break;
      }
      case EMBER_COPY_DEVICE_TO_HOST: {
        synchronize_device(src_index);
        EMBER_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToHost), "cudaMemcpy (device to host)", src_index);
        break;
      }
      case EMBER_COPY_DEVICE_TO_DEVICE: {
        EMBER_SDK_CHECK(dst_index == src_index, EMBER_ERROR_VALUE, "a device-to-device copy names two devices (cuda:",
                        src_index, " -> cuda:", dst_index, ")");
        synchronize_device(src_index);
        EMBER_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToDevice), "cudaMemcpy (device to device)",
                         src_index);
        synchronize_device(src_index);
        break;
      }
      case EMBER_COPY_PEER: {
        synchronize_device(src_index);
        synchronize_device(dst_index);
        ensure_peer_access(dst_index, src_index);
        DeviceScope scope(src_index);
        EMBER_CUDA_CHECK(cudaMemcpyPeer(dst, dst_index, src, src_index, nbytes), "cudaMemcpyPeer", src_index);
        synchronize_device(src_index);
        synchronize_device(dst_index);
        break;
      }
      default:
        throw ember::sdk::ValueError(concat("unknown copy kind ", static_cast<int>(kind)));
    }
  });
}

ember_status* cuda_copy_async(void*, ember_copy_kind kind, void* dst, int32_t dst_index, const void* src,
                              int32_t src_index, size_t nbytes, ember_stream stream) {
  return ember::sdk::guarded("[cuda] copy_async: ", [&] {
    if (nbytes == 0) return;
    check_index(dst_index);
    check_index(src_index);
    cudaStream_t s = to_cuda(stream);
    switch (kind) {
      case EMBER_COPY_HOST_TO_DEVICE: {
        DeviceScope scope(dst_index);
        raise_device_error_if_any(dst_index);
        EMBER_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyHostToDevice, s), "cudaMemcpyAsync (host to device)",
                         dst_index);
        record_host_use(src, dst_index, s);
        break;
      }
      case EMBER_COPY_DEVICE_TO_HOST: {
        DeviceScope scope(src_index);
        raise_device_error_if_any(src_index);
        EMBER_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToHost, s), "cudaMemcpyAsync (device to host)",
                         src_index);
        record_host_use(dst, src_index, s);
        break;
      }
      case EMBER_COPY_DEVICE_TO_DEVICE: {
        DeviceScope scope(src_index);
        EMBER_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, s),
                         "cudaMemcpyAsync (device to device)", src_index);
        break;
      }
      case EMBER_COPY_PEER: {
        ensure_peer_access(src_index, dst_index);
        DeviceScope scope(src_index);
        EMBER_CUDA_CHECK(cudaMemcpyPeerAsync(dst, dst_index, src, src_index, nbytes, s), "cudaMemcpyPeerAsync",
                         src_index);
        break;
      }
      default:
        throw ember::sdk::ValueError(concat("unknown copy kind ", static_cast<int>(kind)));
    }
  });
}

ember_status* cuda_synchronize(void*, int32_t index) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    synchronize_device(index);
  });
}

ember_status* cuda_stream_create(void*, int32_t index, int32_t priority, ember_stream* out) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    *out = to_ember(pool_stream(index, priority));
  });
}

void cuda_stream_destroy(void*, int32_t, ember_stream) {}  // pool streams live for the process

ember_status* cuda_stream_synchronize(void*, int32_t index, ember_stream stream) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    DeviceScope scope(index);
    EMBER_CUDA_CHECK(cudaStreamSynchronize(to_cuda(stream)), "cudaStreamSynchronize", index);
    raise_device_error_if_any(index);
  });
}

ember_status* cuda_stream_query(void*, int32_t index, ember_stream stream, int32_t* done) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    DeviceScope scope(index);
    cudaError_t q = cudaStreamQuery(to_cuda(stream));
    if (q != cudaSuccess && q != cudaErrorNotReady) throw_cuda_error(q, "cudaStreamQuery", index);
    *done = q == cudaSuccess ? 1 : 0;
  });
}

ember_status* cuda_event_create(void*, int32_t index, int32_t flags, ember_event* out) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    DeviceScope scope(index);
    cudaEvent_t e = nullptr;
    EMBER_CUDA_CHECK(cudaEventCreateWithFlags(&e, (flags & 1) ? cudaEventDefault : cudaEventDisableTiming),
                     "cudaEventCreate", index);
    *out = reinterpret_cast<ember_event>(e);
  });
}

void cuda_event_destroy(void*, int32_t, ember_event event) {
  if (event == nullptr) return;
  (void)cudaEventDestroy(reinterpret_cast<cudaEvent_t>(event));
}

ember_status* cuda_event_record(void*, int32_t index, ember_event event, ember_stream stream) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    DeviceScope scope(index);
    EMBER_CUDA_CHECK(cudaEventRecord(reinterpret_cast<cudaEvent_t>(event), to_cuda(stream)), "cudaEventRecord", index);
  });
}

ember_status* cuda_stream_wait_event(void*, int32_t index, ember_stream stream, ember_event event) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    DeviceScope scope(index);
    EMBER_CUDA_CHECK(cudaStreamWaitEvent(to_cuda(stream), reinterpret_cast<cudaEvent_t>(event), 0),
                     "cudaStreamWaitEvent", index);
  });
}

ember_status* cuda_event_query(void*, int32_t index, ember_event event, int32_t* done) {
  return ember::sdk::guarded("[cuda] ", [&] {
    cudaError_t q = cudaEventQuery(reinterpret_cast<cudaEvent_t>(event));
    if (q != cudaSuccess && q != cudaErrorNotReady) throw_cuda_error(q, "cudaEventQuery", index);
    *done = q == cudaSuccess ? 1 : 0;
  });
}

ember_status* cuda_event_synchronize(void*, int32_t index, ember_event event) {
  return ember::sdk::guarded("[cuda] ", [&] {
    EMBER_CUDA_CHECK(cudaEventSynchronize(reinterpret_cast<cudaEvent_t>(event)), "cudaEventSynchronize", index);
    raise_device_error_if_any(index);
  });
}

ember_status* cuda_event_elapsed_ms(void*, int32_t index, ember_event start, ember_event end, double* out_ms) {
  return ember::sdk::guarded("[cuda] ", [&] {
    float ms = 0;
    EMBER_CUDA_CHECK(cudaEventElapsedTime(&ms, reinterpret_cast<cudaEvent_t>(start), reinterpret_cast<cudaEvent_t>(end)),
                     "cudaEventElapsedTime", index);
    *out_ms = ms;
  });
}

ember_status* cuda_host_allocate(void*, size_t nbytes, void** out) {
  return ember::sdk::guarded("[cuda] ", [&] { *out = host_allocate(nbytes); });
}

void cuda_host_deallocate(void*, void* ptr) { host_free(ptr); }

ember_status* cuda_get_properties(void*, int32_t index, ember_device_properties* out) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    cudaDeviceProp prop{};
    EMBER_CUDA_CHECK(cudaGetDeviceProperties(&prop, index), "cudaGetDeviceProperties", index);
    // The driver's name (256 bytes) is cut to the ABI's field; the precision says so to gcc.
    std::snprintf(out->name, sizeof out->name, "%.*s", static_cast<int>(sizeof out->name - 1), prop.name);
    out->total_memory = prop.totalGlobalMem;
    std::snprintf(out->capability, sizeof out->capability, "%d.%d", prop.major, prop.minor);
    out->multiprocessor_count = prop.multiProcessorCount;
  });
}

ember_status* cuda_get_memory_stats(void*, int32_t index, ember_memory_stats* out) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    ember_memory_stats s = allocator(index).stats();
    const size_t size = out->struct_size < sizeof s ? out->struct_size : sizeof s;
    std::memcpy(out, &s, size);
    out->struct_size = size;
  });
}

void cuda_reset_peak(void*, int32_t index) {
  if (index >= 0 && index < g_device_count) allocator(index).reset_peak_stats();
}

ember_status* cuda_record_stream(void*, int32_t index, void* ptr, ember_stream stream) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    allocator(index).record_stream(ptr, to_cuda(stream));
  });
}

ember_status* cuda_empty_cache(void*, int32_t index) {
  return ember::sdk::guarded("[cuda] ", [&] {
    check_index(index);
    allocator(index).empty_cache();
  });
}

}  // namespace

int device_count() { return g_device_count; }
int device_arch(int device) { return g_arch[static_cast<size_t>(device)]; }
int32_t cuda_device_type_id() { return g_device_type_id; }

void register_device(Registrar& reg, int count) {
  g_device_count = count;
  g_arch.assign(static_cast<size_t>(count), 0);
  for (int d = 0; d < count; ++d) {
    int major = 0, minor = 0;
    EMBER_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, d), "cudaDeviceGetAttribute", d);
    EMBER_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, d), "cudaDeviceGetAttribute", d);
    g_arch[static_cast<size_t>(d)] = major * 10 + minor;
  }
  init_allocators(count);
  init_stream_pools(count);
  init_device_error_records(count);

  ember_device_type_desc desc{};
  desc.struct_size = sizeof(ember_device_type_desc);
  desc.name = kDevice;
  desc.device_count = count;
  desc.host_accessible = 0;
  desc.ctx = nullptr;
  desc.allocate = &cuda_allocate;
  desc.deallocate = &cuda_deallocate;
  desc.copy_bytes = &cuda_copy_bytes;
  desc.synchronize = &cuda_synchronize;
  desc.stream_create = &cuda_stream_create;
  desc.stream_destroy = &cuda_stream_destroy;
  desc.stream_synchronize = &cuda_stream_synchronize;
  desc.stream_query = &cuda_stream_query;
  desc.event_create = &cuda_event_create;
  desc.event_destroy = &cuda_event_destroy;
  desc.event_record = &cuda_event_record;
  desc.stream_wait_event = &cuda_stream_wait_event;
  desc.event_query = &cuda_event_query;
  desc.event_synchronize = &cuda_event_synchronize;
  desc.event_elapsed_ms = &cuda_event_elapsed_ms;
  desc.copy_async = &cuda_copy_async;
  desc.host_allocate = &cuda_host_allocate;
  desc.host_deallocate = &cuda_host_deallocate;
  desc.get_properties = &cuda_get_properties;
  desc.get_memory_stats = &cuda_get_memory_stats;
  desc.reset_peak_memory_stats = &cuda_reset_peak;
  desc.record_stream = &cuda_record_stream;
  desc.empty_cache = &cuda_empty_cache;
  desc.reads_host_scalars = 1;  // the elementwise engine passes their values in the kernel's parameters
  g_device_type_id = reg.device_type(desc);
}

}  // namespace ember_cuda
