// Program cache and kernel launches (launcher.h).
#include "launcher.h"

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "device_errors.h"
#include "jit_compiler.h"

namespace ember_cuda {
namespace {

struct KeyHash {
  size_t operator()(const ProgramKey& k) const {
    uint64_t h = k.family;
    h = h * 0x9E3779B97F4A7C15ull ^ k.a;
    h = h * 0x9E3779B97F4A7C15ull ^ k.b;
    h = h * 0x9E3779B97F4A7C15ull ^ k.c;
    h = h * 0x9E3779B97F4A7C15ull ^ static_cast<uint32_t>(k.arch);
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

struct Cache {
  std::shared_mutex mutex;
  std::unordered_map<ProgramKey, std::unique_ptr<Program>, KeyHash> programs;
  std::mutex build_mutex;  // one compilation at a time per process keeps memory use flat
  std::mutex family_mutex;
  std::vector<std::string> families;
};

Cache& cache() {
  static Cache* c = new Cache();  // leaked: programs stay loaded for the process
  return *c;
}

}  // namespace

uint32_t family_id(const char* name) {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.family_mutex);
  for (size_t i = 0; i < c.families.size(); ++i)
    if (c.families[i] == name) return static_cast<uint32_t>(i + 1);
  c.families.emplace_back(name);
  return static_cast<uint32_t>(c.families.size());
}

const Program& get_program(const ProgramKey& key, const char* name, std::initializer_list<const char*> kernel_names,
                           const std::function<std::string()>& make_source) {
  Cache& c = cache();
  {
    std::shared_lock<std::shared_mutex> lock(c.mutex);
    auto it = c.programs.find(key);
    if (it != c.programs.end()) return *it->second;
  }
  std::lock_guard<std::mutex> build(c.build_mutex);
  {
    std::shared_lock<std::shared_mutex> lock(c.mutex);
    auto it = c.programs.find(key);
    if (it != c.programs.end()) return *it->second;
  }
  EMBER_SDK_CHECK(kernel_names.size() <= static_cast<size_t>(kMaxKernelsPerProgram), EMBER_ERROR_RUNTIME,
                  "too many kernels in program ", name);
  const std::string source = make_source();
  CompiledProgram compiled = compile_program(source, name, key.arch);
  auto program = std::make_unique<Program>();
  cudaError_t e = cudaLibraryLoadData(&program->library, compiled.image.data(), nullptr, nullptr, 0, nullptr, nullptr, 0);
  if (e != cudaSuccess) throw_cuda_error(e, concat("loading kernel program ", name).c_str(), -1);
  for (const char* k : kernel_names) {
    e = cudaLibraryGetKernel(&program->kernels[program->num_kernels], program->library, k);
    if (e != cudaSuccess) throw_cuda_error(e, concat("finding kernel ", k, " in program ", name).c_str(), -1);
    ++program->num_kernels;
  }
  std::unique_lock<std::shared_mutex> lock(c.mutex);
  auto [it, inserted] = c.programs.emplace(key, std::move(program));
  return *it->second;
}

void launch(cudaKernel_t k, dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream, void** args, int device,
            const char* op) {
  DeviceScope scope(device);  // the NULL stream is the current device's
  raise_device_error_if_any(device);
  cudaError_t e = cudaLaunchKernel(reinterpret_cast<const void*>(k), grid, block, args, shared_bytes, stream);
  if (EMBER_SDK_UNLIKELY(e != cudaSuccess)) throw_cuda_error(e, concat("launching the ", op, " kernel").c_str(), device);
  if (EMBER_SDK_UNLIKELY(config().launch_blocking.load(std::memory_order_relaxed))) {
    e = cudaStreamSynchronize(stream);
    if (e != cudaSuccess) throw_cuda_error(e, concat("the ", op, " kernel (launch blocking)").c_str(), device);
    raise_device_error_if_any(device);
  }
}

void after_library_call(cudaStream_t stream, int device, const char* op) {
  if (EMBER_SDK_UNLIKELY(config().launch_blocking.load(std::memory_order_relaxed))) {
    cudaError_t e = cudaStreamSynchronize(stream);
    if (e != cudaSuccess) throw_cuda_error(e, concat(op, " (launch blocking)").c_str(), device);
  }
}

}  // namespace ember_cuda
