// The host half of ember_call_context (plugin_abi.h): what one plugin kernel call is given
// (device, stream, scratch memory, output resizing, status reporting, content versions) and what the host does
// when the kernel returns (release scratch, raise a reported error, emit warnings).
//
// A HostCall lives on the caller's stack for one kernel call and is confined to that thread.
// The context is built inline (a few stores: the 1-element-add path pays for it on every call);
// scratch, resize and report go through out-of-line callbacks.
#pragma once

#include <ember/plugin_abi.h>

#include "core/stream.h"
#include "core/tensor.h"

namespace ember {

class HostCall {
 public:
  // Returns the tensor behind args[arg_index] (null if it is not a tensor argument) and sets
  // *written when the kernel writes it (an output).
  using TensorOfArg = const Tensor* (*)(void* owner, int32_t arg_index, bool* written);

  // values: the kernel's argument array, rewritten in place by resize_output.
  HostCall(Device device, ember_value* values, int32_t num_values, TensorOfArg tensor_of_arg, void* owner)
      : values_(values), num_values_(num_values), tensor_of_arg_(tensor_of_arg), owner_(owner), device_(device) {
    ctx_.struct_size = sizeof(ember_call_context);
    ctx_.device_type = device.type();
    ctx_.device_index = device.index();
    ctx_.stream = static_cast<ember_stream>(detail::current_stream_handle(device));
    ctx_.host_data = this;
    ctx_.scratch = &scratch_callback;
    ctx_.resize_output = &resize_callback;
    ctx_.report = &report_callback;
    ctx_.content_version = &content_version_callback;
  }
  ~HostCall() {
    if (num_scratch_ || reported_) release();
  }
  HostCall(const HostCall&) = delete;
  HostCall& operator=(const HostCall&) = delete;

  const ember_call_context* context() const { return &ctx_; }

  // After the kernel returned successfully: releases scratch, emits reported warnings, and
  // throws the first reported error (context starts its message).
  void finish(const char* context) {
    if (needs_finish()) finish_slow(context);
  }
  // Whether finish has anything to do (so a caller builds its context string only then).
  bool needs_finish() const { return num_scratch_ || reported_; }

 private:
  static void* scratch_callback(const ember_call_context* call, size_t nbytes, ember_status** status);
  static ember_status* resize_callback(const ember_call_context* call, int32_t arg_index, const int64_t* sizes,
                                       int32_t ndim);
  static void report_callback(const ember_call_context* call, ember_status* status);
  static int32_t content_version_callback(const ember_call_context* call, int32_t arg_index, uint64_t* storage_id,
                                          uint64_t* version);
  void finish_slow(const char* context);
  void release() noexcept;

  static constexpr int kMaxScratch = 8;
  ember_call_context ctx_;
  ember_value* values_;
  int32_t num_values_;
  TensorOfArg tensor_of_arg_;
  void* owner_;
  Device device_;
  int num_scratch_ = 0;
  void* scratch_[kMaxScratch];
  ember_status* reported_ = nullptr;  // the first error reported
  bool has_warnings_ = false;
};

}  // namespace ember
