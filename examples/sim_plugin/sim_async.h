// Asynchronous sim kernels: a kernel registered through on_stream() returns at once; its work
// runs later on the call's stream (the context's stream, or the device's default stream), in
// order with copies and other kernels there, as on a GPU.
//
// The host's argument array lives only for the call, so the wrapper copies it (every view's
// sizes and strides, lists, strings) into a packet owned by the queued job. Argument checks
// that need no data (devices) run at call time, so a misrouted call still fails at once; what
// fails inside the job is reported by the next synchronize or copy of the device.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim_plugin.h"
#include "sim_streams.h"

namespace sim {

// The stream behind a context's handle (NULL: the device's default stream); throws for an
// unknown handle or a handle of another device.
SimStream* resolve_stream(int32_t device_index, ember_stream handle);

// A deep copy of a call's arguments.
class PackedArgs {
 public:
  explicit PackedArgs(const ember::sdk::KernelArgs& a);
  ember::sdk::KernelArgs args() const {
    return ember::sdk::KernelArgs(nullptr, values_.data(), static_cast<int32_t>(values_.size()));
  }

 private:
  void pack_view(ember_tensor_view& v);
  std::vector<ember_value> values_;
  std::vector<std::unique_ptr<std::vector<int64_t>>> ints_;
  std::vector<std::unique_ptr<std::vector<double>>> doubles_;
  std::vector<std::unique_ptr<std::vector<ember_tensor_view>>> views_;
  std::vector<std::unique_ptr<std::string>> strings_;
};

// Checks that every tensor argument is a sim tensor of the call's device.
void expect_sim_arguments(const ember::sdk::KernelArgs& a);

template <typename F>
auto on_stream(F fn) {
  return [fn](ember::sdk::KernelArgs& a) {
    expect_sim_arguments(a);
    SimStream* stream = resolve_stream(a.device_index(), a.stream());
    auto packed = std::make_shared<PackedArgs>(a);
    stream->enqueue([fn, packed] {
      ember::sdk::KernelArgs args = packed->args();
      fn(args);
    });
  };
}

}  // namespace sim
