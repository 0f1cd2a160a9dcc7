// HostCall's callbacks (see call_context.h). They run inside plugin code: nothing may throw.
#include "ops/backend/call_context.h"

#include <string>

#include "ops/tensor_factory.h"
#include "core/warning.h"
#include "ops/backend/status.h"

namespace ember {

namespace {
HostCall* host_call(const ember_call_context* call) { return static_cast<HostCall*>(call->host_data); }
}  // namespace

void* HostCall::scratch_callback(const ember_call_context* call, size_t nbytes, ember_status** status) {
  HostCall* self = host_call(call);
  if (status) *status = nullptr;
  try {
    EMBER_CHECK(self->num_scratch_ < kMaxScratch, RuntimeError, "at most ", kMaxScratch,
                " scratch blocks per kernel call");
    void* p = device_runtime(self->device_).allocate(self->device_.index(), nbytes,
                                                     static_cast<StreamHandle>(call->stream));
    self->scratch_[self->num_scratch_++] = p;
    return p;
  } catch (const OutOfMemoryError& e) {
    if (status) *status = make_status(EMBER_ERROR_OUT_OF_MEMORY, e.what());
  } catch (const std::exception& e) {
    if (status) *status = make_status(EMBER_ERROR_RUNTIME, e.what());
  } catch (...) {
    if (status) *status = make_status(EMBER_ERROR_RUNTIME, "scratch allocation failed");
  }
  return nullptr;
}

ember_status* HostCall::resize_callback(const ember_call_context* call, int32_t arg_index, const int64_t* sizes,
                                        int32_t ndim) {
  HostCall* self = host_call(call);
  try {
    EMBER_CHECK(arg_index >= 0 && arg_index < self->num_values_, IndexError, "resize_output: argument ", arg_index,
                " is out of range (", self->num_values_, " arguments)");
    bool written = false;
    const Tensor* t = self->tensor_of_arg_ ? self->tensor_of_arg_(self->owner_, arg_index, &written) : nullptr;
    EMBER_CHECK(t != nullptr && written && t->defined() && self->values_[arg_index].tag == EMBER_VALUE_TENSOR, ValueError,
                "resize_output: argument ", arg_index, " is not an output tensor of this call");
    EMBER_CHECK(ndim >= 0 && (ndim == 0 || sizes != nullptr), ValueError, "resize_output: bad sizes");
    for (int32_t d = 0; d < ndim; ++d)
      EMBER_CHECK(sizes[d] >= 0, ValueError, "resize_output: negative size ", sizes[d], " in dimension ", d);
    resize_output(*t, IntArrayRef(sizes, static_cast<size_t>(ndim)));
    ember_tensor_view& v = self->values_[arg_index].u.tensor;
    TensorImpl* impl = t->impl();
    v.data = impl->numel() == 0 ? nullptr : impl->data();
    v.sizes = impl->sizes().data();
    v.strides = impl->strides().data();
    v.ndim = static_cast<int32_t>(impl->dim());
    return nullptr;
  } catch (const Error& e) {
    return make_status(EMBER_ERROR_VALUE, e.what());
  } catch (const std::exception& e) {
    return make_status(EMBER_ERROR_RUNTIME, e.what());
  } catch (...) {
    return make_status(EMBER_ERROR_RUNTIME, "resize_output failed");
  }
}

int32_t HostCall::content_version_callback(const ember_call_context* call, int32_t arg_index, uint64_t* storage_id,
                                           uint64_t* version) {
  HostCall* self = host_call(call);
  uint64_t id = 0, v = 0;
  bool written = false;
  const Tensor* t = self->tensor_of_arg_ && arg_index >= 0 && arg_index < self->num_values_
                        ? self->tensor_of_arg_(self->owner_, arg_index, &written)
                        : nullptr;
  const StorageImpl* storage = t != nullptr && t->defined() ? t->impl()->storage() : nullptr;
  const bool tracked = storage != nullptr && storage->writes_tracked();
  if (tracked) {
    id = storage->id();
    v = storage->version();
  }
  if (storage_id) *storage_id = id;
  if (version) *version = v;
  return tracked ? 1 : 0;
}

void HostCall::report_callback(const ember_call_context* call, ember_status* status) {
  if (status == nullptr) return;
  HostCall* self = host_call(call);
  try {
    if (status_code(status) == EMBER_WARNING) {
      // A kernel's warning goes to the warning handler, as the core's own warnings do.
      EMBER_WARN(status_message(status));
      free_status(status);
      self->has_warnings_ = true;
      return;
    }
  } catch (...) {
    free_status(status);
    return;
  }
  if (self->reported_ == nullptr) {
    self->reported_ = status;
  } else {
    free_status(status);
  }
}

void HostCall::release() noexcept {
  DeviceRuntime* rt = nullptr;
  try {
    rt = &device_runtime(device_);
  } catch (...) {
  }
  for (int i = 0; i < num_scratch_; ++i)
    if (rt) rt->deallocate(device_.index(), scratch_[i]);
  num_scratch_ = 0;
  if (reported_) free_status(reported_);
  reported_ = nullptr;
}

void HostCall::finish_slow(const char* context) {
  ember_status* reported = reported_;
  reported_ = nullptr;
  release();
  throw_if_error(reported, context);
}

}  // namespace ember
