// Tensor handle methods that are not operators: metadata, item(), scalar wrapping.
#include "core/tensor.h"

#include <iostream>

#include "core/device_runtime.h"
#include "core/stream.h"

namespace ember {

void Tensor::throw_undefined() {
  EMBER_FAIL(ValueError, "[Tensor] the tensor is undefined (default-constructed or reset)");
}

static int64_t wrap_dim_for(const char* op, int64_t dim, int64_t ndim) {
  int64_t n = ndim > 0 ? ndim : 1;
  EMBER_CHECK(dim >= -n && dim < n, IndexError, "[", op, "] dimension out of range (expected to be in range of [",
              -n, ", ", n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

int64_t Tensor::size(int64_t dim) const {
  int64_t d = wrap_dim_for("size", dim, this->dim());
  return this->dim() == 0 ? 1 : sizes()[static_cast<size_t>(d)];
}

int64_t Tensor::stride(int64_t dim) const {
  int64_t d = wrap_dim_for("stride", dim, this->dim());
  return this->dim() == 0 ? 1 : strides()[static_cast<size_t>(d)];
}

Scalar Tensor::item() const {
  EMBER_CHECK(numel() == 1, ValueError, "[item] a Tensor with ", numel(), " elements cannot be converted to Scalar");
  const DeviceTypeInfo& info = device_type_info(device().type());
  alignas(8) unsigned char host[8] = {0};
  if (info.host_accessible) {
    std::memcpy(host, data_ptr(), element_size());
  } else {
    // The destination is host memory: the "cpu" device, whatever the default device is.
    copy_bytes(host, Device("cpu"), data_ptr(), device(), element_size());
  }
  return EMBER_DISPATCH_ALL_TYPES(scalar_type(), "item", [&]() -> Scalar {
    scalar_t v;
    std::memcpy(&v, host, sizeof(scalar_t));
    if constexpr (std::is_same<scalar_t, Half>::value || std::is_same<scalar_t, BFloat16>::value) {
      return Scalar(static_cast<double>(static_cast<float>(v)));
    } else {
      return Scalar(v);
    }
  });
}

void Tensor::record_stream(const Stream& s) const {
  TensorImpl* impl = checked();
  EMBER_CHECK(s.device() == impl->device(), ValueError, "[record_stream] the tensor is on ", impl->device(),
              ", the stream on ", s.device());
  StorageImpl* storage = impl->storage();
  if (storage == nullptr || storage->data() == nullptr) return;
  device_runtime(impl->device()).record_stream(impl->device().index(), storage->data(), s.handle());
}

bool Tensor::is_pinned() const {
  StorageImpl* storage = checked()->storage();
  return storage != nullptr && storage->is_pinned();
}

Device default_pinned_memory_device() {
  for (int i = 0; i < device_type_count(); ++i) {
    const DeviceTypeInfo& info = device_type_info(static_cast<DeviceTypeId>(i));
    if (info.name != "cpu" && info.device_count > 0 && info.runtime->has_pinned_memory())
      return Device(static_cast<DeviceTypeId>(i), 0);
  }
  EMBER_FAIL(RuntimeError, "[pin_memory] no loaded device type has pinned host memory (pinned memory comes from an "
                           "accelerator's plugin; `ember info` lists the devices)");
}

void Tensor::set_data(const Tensor& new_data) const {
  EMBER_CHECK(new_data.defined(), ValueError, "[set_data] expected a defined tensor, got an undefined one");
  checked()->set_data_from(*new_data.impl());
}

}  // namespace ember
