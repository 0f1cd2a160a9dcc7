// Test support for calling a device plugin directly, without the ember core: a fake
// ember_host_api (statuses, logging, a registrar that records device types and kernels),
// LoadedPlugin (dlopen + entry + init), TestTensor (host tensors with arbitrary strides) and
// Args (builds ember_value arrays and owns everything they point to).
//
// Ownership: a LoadedPlugin keeps its library loaded for the whole process (plugins are never
// unloaded); statuses returned by kernels are freed by LoadedPlugin::call.
// Thread-safety: calls into a LoadedPlugin may come from many threads; registration is
// single-threaded (inside the constructor).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ember/plugin_abi.h>
#include <ember/sdk/half.h>

// The fake host's status object (opaque to plugins).
struct ember_status {
  int32_t code;
  std::string message;
};

namespace ember_test {

using Half = ember::Half;
using BFloat16 = ember::BFloat16;

struct RegisteredKernel {
  std::string op;
  std::string device;
  uint32_t dtypes = 0;
  ember_kernel_fn fn = nullptr;
  void* ctx = nullptr;
};

// What a plugin registered during init.
struct Registry {
  std::vector<ember_device_type_desc> devices;
  std::map<std::string, RegisteredKernel> kernels;  // by op name
  std::vector<std::string> defined_ops;
  std::vector<std::string> fallback_requests;
};

// Result of one kernel call: EMBER_OK or the status code, with the message.
struct CallResult {
  int32_t code = EMBER_OK;
  std::string message;
  bool ok() const { return code == EMBER_OK; }
};

// A host table whose registration callbacks record into a Registry. Log lines are kept.
ember_host_api make_fake_host(int32_t intra_op_threads);
// Calls a registered kernel with a call context whose scratch is plain host memory.
ember_status* call_kernel(const RegisteredKernel& k, const std::vector<ember_value>& args);
std::vector<std::string> logged_lines();

class LoadedPlugin {
 public:
  // Loads `path` (copying it to a private file first when `private_copy` is set, so one process
  // can hold several independent instances, e.g. with different thread counts), checks the
  // entry, runs init with `options`. Failures are reported through error().
  LoadedPlugin(const std::string& path, int32_t intra_op_threads,
               std::vector<std::pair<std::string, std::string>> options = {}, bool private_copy = false);

  bool loaded() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const ember_plugin_api* api() const { return api_; }
  const Registry& registry() const { return *registry_; }
  bool has_kernel(const std::string& op) const { return registry_->kernels.count(op) != 0; }
  CallResult call(const std::string& op, const std::vector<ember_value>& args) const;

 private:
  std::string error_;
  const ember_plugin_api* api_ = nullptr;
  // Kept until exit, as the real host keeps a plugin's kernels: the kernels' contexts are owned by
  // whoever holds the registration (the ABI has no way to free one), and the library stays mapped.
  Registry* registry_;
  ember_host_api host_{};
};

// The plugin under test (EMBER_CPU_PLUGIN env var, else the build's path); loaded once.
const LoadedPlugin& cpu_plugin();
std::string cpu_plugin_path();

size_t dtype_size(int32_t dtype);

// A host tensor: shared storage plus sizes/strides/offset (elements), like a core Tensor.
class TestTensor {
 public:
  TestTensor() = default;
  TestTensor(std::vector<int64_t> sizes, int32_t dtype);  // contiguous, zero-filled

  template <typename T>
  static TestTensor from(std::vector<int64_t> sizes, const std::vector<T>& values, int32_t dtype) {
    TestTensor t(std::move(sizes), dtype);
    for (size_t i = 0; i < values.size() && i < static_cast<size_t>(t.numel()); ++i) t.set_linear<T>(i, values[i]);
    return t;
  }

  int32_t dtype() const { return dtype_; }
  int64_t ndim() const { return static_cast<int64_t>(sizes_.size()); }
  const std::vector<int64_t>& sizes() const { return sizes_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  int64_t numel() const;
  void* data() const { return storage_->data() + offset_ * dtype_size(dtype_); }
  ember_tensor_view view() const;

  // Views sharing storage.
  TestTensor transposed(int64_t d0, int64_t d1) const;
  TestTensor expanded(std::vector<int64_t> sizes) const;  // numpy broadcasting, stride 0
  TestTensor sliced(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  TestTensor as_strided(std::vector<int64_t> sizes, std::vector<int64_t> strides, int64_t offset) const;
  // A fresh contiguous tensor with the same values (storage not shared).
  TestTensor contiguous() const;

  // Element i in row-major order of the logical shape, read/written as T.
  template <typename T> T get_linear(int64_t i) const { return *reinterpret_cast<T*>(element_ptr(i)); }
  template <typename T> void set_linear(int64_t i, T v) const { *reinterpret_cast<T*>(element_ptr(i)) = v; }
  // All elements converted to double (any dtype).
  std::vector<double> to_doubles() const;
  template <typename T> std::vector<T> values() const {
    std::vector<T> out(static_cast<size_t>(numel()));
    for (int64_t i = 0; i < numel(); ++i) out[i] = get_linear<T>(i);
    return out;
  }

 private:
  char* element_ptr(int64_t linear) const;

  std::shared_ptr<std::vector<char>> storage_;
  std::vector<int64_t> sizes_, strides_;
  int64_t offset_ = 0;
  int32_t dtype_ = EMBER_DTYPE_FLOAT32;
};

// Builds an argument array; owns the lists and strings the values point into.
class Args {
 public:
  Args& tensor(const TestTensor& t);
  Args& tensors(const std::vector<TestTensor>& ts);
  Args& none();
  Args& i(int64_t v);
  Args& d(double v);
  Args& b(bool v);
  Args& str(const std::string& s);
  Args& ints(const std::vector<int64_t>& v);
  Args& generator(uint64_t seed, uint64_t offset);
  const std::vector<ember_value>& values() const { return values_; }
  operator const std::vector<ember_value>&() const { return values_; }  // NOLINT

 private:
  std::vector<ember_value> values_;
  std::deque<TestTensor> tensors_;  // copies the views point into (a deque never moves them)
  std::deque<std::vector<int64_t>> int_lists_;
  std::deque<std::vector<ember_tensor_view>> view_lists_;
  std::deque<std::string> strings_;
};

// Content versions the fake host reports (ember_call_context.content_version) for kernel calls
// made on this thread while the guard lives: argument index -> (storage id, version). Any other
// argument, and every argument without a guard, is untracked (the callback returns 0).
class ScopedContentVersions {
 public:
  explicit ScopedContentVersions(std::map<int32_t, std::pair<uint64_t, uint64_t>> versions);
  ~ScopedContentVersions();
  ScopedContentVersions(const ScopedContentVersions&) = delete;
  ScopedContentVersions& operator=(const ScopedContentVersions&) = delete;

 private:
  std::map<int32_t, std::pair<uint64_t, uint64_t>> previous_;
};

// A private copy of the CPU plugin with `onednn: false`: the plain loops, as the reference the
// oneDNN paths are compared with.
const LoadedPlugin& loop_plugin();
// Float32 values in [-1, 1) from a fixed generator: the same seed gives the same tensor.
TestTensor random_f32(std::vector<int64_t> shape, uint32_t seed);

}  // namespace ember_test
