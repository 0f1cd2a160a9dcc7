// NVRTC compilation and the on-disk kernel cache (jit_compiler.h).
#include "jit_compiler.h"

#include <nvrtc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <ember/sdk/error.h>

namespace ember_cuda {
namespace {

namespace fs = std::filesystem;
using ember::sdk::detail::concat;

void check_nvrtc(nvrtcResult r, const char* what) {
  if (r != NVRTC_SUCCESS) throw ember::sdk::RuntimeError(concat("NVRTC ", what, " failed: ", nvrtcGetErrorString(r)));
}

// The architecture NVRTC compiles for: `arch` itself when NVRTC knows it, else PTX for the newest
// one it knows (the driver then compiles the PTX for the GPU).
std::pair<int, bool> target_for(int arch) {
  int count = 0;
  if (nvrtcGetNumSupportedArchs(&count) != NVRTC_SUCCESS || count <= 0) return {arch, false};
  std::vector<int> archs(static_cast<size_t>(count));
  if (nvrtcGetSupportedArchs(archs.data()) != NVRTC_SUCCESS) return {arch, false};
  if (std::find(archs.begin(), archs.end(), arch) != archs.end()) return {arch, false};
  return {*std::max_element(archs.begin(), archs.end()), true};
}

uint64_t fnv1a(const std::string& s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string cache_file_name(const std::string& key) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(fnv1a(key, 14695981039346656037ull)),
                static_cast<unsigned long long>(fnv1a(key, 0x84222325cbf29ce4ull)));
  return buf;
}

bool read_file(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return !out->empty();
}

void write_file_atomically(const fs::path& p, const std::string& data) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  std::ostringstream tmp_name;
  tmp_name << p.string() << ".tmp." << std::hex << std::hash<std::thread::id>()(std::this_thread::get_id()) << "."
           << std::rand();
  const fs::path tmp(tmp_name.str());
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return;
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, p, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace

std::string nvrtc_version() {
  int major = 0, minor = 0;
  if (nvrtcVersion(&major, &minor) != NVRTC_SUCCESS) return "?";
  return concat(major, ".", minor);
}

std::string kernel_cache_dir() {
  static const std::string dir = [] {
    const char* env = std::getenv("EMBER_CUDA_KERNEL_CACHE");
    if (env != nullptr) {
      std::string v = env;
      if (v.empty() || v == "0" || v == "off" || v == "OFF") return std::string();
      return v;
    }
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
      return (fs::path(xdg) / "ember" / "cuda-kernels").string();
    if (const char* home = std::getenv("HOME"); home && *home)
      return (fs::path(home) / ".cache" / "ember" / "cuda-kernels").string();
    return std::string();
  }();
  return dir;
}

CompiledProgram compile_program_uncached(const std::string& source, const std::string& name, int arch) {
  const auto [target, as_ptx] = target_for(arch);
  nvrtcProgram prog = nullptr;
  check_nvrtc(nvrtcCreateProgram(&prog, source.c_str(), (name + ".cu").c_str(), 0, nullptr, nullptr),
              "nvrtcCreateProgram");
  struct Destroy {
    nvrtcProgram* p;
    ~Destroy() { nvrtcDestroyProgram(p); }
  } destroy{&prog};
  const std::string arch_option = concat("--gpu-architecture=", as_ptx ? "compute_" : "sm_", target);
  const char* options[] = {arch_option.c_str(), "-std=c++17", "--device-as-default-execution-space"};
  nvrtcResult r = nvrtcCompileProgram(prog, 3, options);
  if (r != NVRTC_SUCCESS) {
    size_t log_size = 0;
    nvrtcGetProgramLogSize(prog, &log_size);
    std::string log(log_size, '\0');
    if (log_size) nvrtcGetProgramLog(prog, log.data());
    throw ember::sdk::RuntimeError(concat("NVRTC could not compile kernel program '", name, "' for sm_", arch, ": ",
                                          nvrtcGetErrorString(r), "\n", log));
  }
  CompiledProgram out;
  out.is_ptx = as_ptx;
  size_t size = 0;
  if (as_ptx) {
    check_nvrtc(nvrtcGetPTXSize(prog, &size), "nvrtcGetPTXSize");
    out.image.resize(size);
    check_nvrtc(nvrtcGetPTX(prog, out.image.data()), "nvrtcGetPTX");
  } else {
    check_nvrtc(nvrtcGetCUBINSize(prog, &size), "nvrtcGetCUBINSize");
    out.image.resize(size);
    check_nvrtc(nvrtcGetCUBIN(prog, out.image.data()), "nvrtcGetCUBIN");
  }
  return out;
}

CompiledProgram compile_program(const std::string& source, const std::string& name, int arch) {
  const std::string dir = kernel_cache_dir();
  if (dir.empty()) return compile_program_uncached(source, name, arch);
  const std::string key = concat(nvrtc_version(), "|", arch, "|", name, "|", source);
  const fs::path file = fs::path(dir) / (cache_file_name(key) + ".bin");
  CompiledProgram cached;
  if (read_file(file, &cached.image) && cached.image.size() > 1) {
    cached.is_ptx = cached.image.back() == 'P';
    cached.image.pop_back();
    cached.from_disk_cache = true;
    return cached;
  }
  CompiledProgram fresh = compile_program_uncached(source, name, arch);
  write_file_atomically(file, fresh.image + (fresh.is_ptx ? 'P' : 'C'));
  return fresh;
}

}  // namespace ember_cuda
