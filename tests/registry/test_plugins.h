// Paths of the small plugins built for the registry tests (tests/registry/broken_plugins/), passed
// in by CMake as compile definitions, and helpers to make tensors on their host-memory devices.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "core/device_runtime.h"
#include "core/tensor.h"
#include "dispatcher/dispatcher.h"
#include "registry/runtime.h"

#ifndef EMBER_TEST_PLUGIN_DIR
#error "EMBER_TEST_PLUGIN_DIR must be defined by the build (tests/CMakeLists.txt)"
#endif

namespace ember {
namespace test {

// The registry's test plugins are built as libember_regtest_<name>.so (tests/registry/tests.cmake),
// so their plugin name (derived from the file name) is regtest_<name>.
inline std::string test_plugin_name(const std::string& name) { return "regtest_" + name; }
inline std::string test_plugin(const std::string& name) {
  return std::string(EMBER_TEST_PLUGIN_DIR) + "/libember_" + test_plugin_name(name) + ".so";
}

// misbehaving_kernels, loaded once per process with option scale: 2 (tests share it).
inline const PluginReport& misbehaving_kernels_plugin() {
  static const PluginReport report = load_plugin(test_plugin("misbehaving_kernels"), true, {{"scale", "2"}});
  return report;
}

// A 1-d contiguous tensor on a host-accessible device type, filled with values (as float32) or
// zeros (other dtypes).
inline Tensor host_tensor(const std::vector<float>& values, const std::string& device_type,
                          ScalarType dtype = kFloat32) {
  Device device(find_device_type(device_type), 0);
  size_t nbytes = values.size() * element_size(dtype);
  IntrusivePtr<StorageImpl> storage = StorageImpl::allocate(nbytes, device);
  if (dtype == kFloat32) std::memcpy(storage->data(), values.data(), nbytes);
  else std::memset(storage->data(), 0, nbytes);
  auto impl = make_intrusive<TensorImpl>(storage, dtype, device);
  impl->set_sizes_contiguous({static_cast<int64_t>(values.size())});
  return Tensor(impl);
}

inline std::vector<float> values_of(const Tensor& t) {
  std::vector<float> out(static_cast<size_t>(t.numel()));
  std::memcpy(out.data(), t.data_ptr(), out.size() * sizeof(float));
  return out;
}

// Calls an operator through the boxed path; returns the results.
inline Stack call_op_boxed(const std::string& op, Stack args) {
  Dispatcher::singleton().find_or_throw(op).call_boxed(&args);
  return args;
}

}  // namespace test
}  // namespace ember
