// Shared pieces of the CUDA plugin's tests: a fixture that skips, saying why, where no CUDA
// device is usable (CI), and helpers to move tensors and compare with the CPU.
// Header-only; thread-safe (no shared state beyond ember's runtime).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include <ember/ember.h>

#include "core/accelerator.h"
#include "core/stream.h"
#include "registry/runtime.h"
#include "support/ember_test_support.h"

namespace ember_test {

// Why cuda is not usable, from the runtime's report of the plugin.
inline std::string cuda_unavailable_reason() {
  for (const auto& p : ember::runtime_report().plugins) {
    if (p.name != "cuda") continue;
    std::string why = p.reason;
    for (const auto& d : p.details) why += "; " + d;
    return why.empty() ? "the cuda plugin reported no devices" : why;
  }
  return "the cuda plugin is not in the configuration (or was not built)";
}

class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ember::cuda::is_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  }
  static ember::Device gpu(int index = 0) { return ember::Device(ember::find_device_type("cuda"), static_cast<int16_t>(index)); }
  static ember::Device host() { return ember::Device("cpu"); }
};

// Values of any tensor (copied to the CPU first).
inline std::vector<double> host_values(const ember::Tensor& t) { return values(t.to(ember::Device("cpu")).contiguous()); }

// For results that sum many products (matmul, convolution, their gradients), where elements near
// zero carry the rounding of the large terms: max |got - want| <= rel * max |want|.
inline ::testing::AssertionResult close_scaled(const std::vector<double>& got, const std::vector<double>& want, double rel) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "sizes differ: " << got.size() << " vs " << want.size();
  double max_ref = 0, max_diff = 0;
  size_t worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(want[i]));
    const double d = std::fabs(got[i] - want[i]);
    if (!(d <= max_diff)) {
      max_diff = d;
      worst = i;
    }
  }
  if (max_diff <= rel * max_ref) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max |diff| " << max_diff << " at [" << worst << "] (got " << got[worst]
                                       << ", expected " << want[worst] << ") exceeds " << rel << " * max |want| "
                                       << max_ref;
}

}  // namespace ember_test
