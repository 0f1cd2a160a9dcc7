// Bodies of Tensor methods declared in core/tensor.h that call operators (select, copy_, full):
// they live with the operators so that core/ does not depend on the layer above it
// (scripts/check_layers.py keeps the include graph pointing one way).
#include <iostream>

#include "core/device_runtime.h"
#include "core/stream.h"
#include "core/storage.h"
#include "core/tensor.h"
#include "generated/functions.h"

namespace ember {

Tensor Tensor::operator[](int64_t index) const { return select(0, index); }

Tensor Tensor::pin_memory(std::optional<Device> accelerator) const {
  EMBER_CHECK(device().is_cpu(), ValueError, "[pin_memory] only CPU tensors can be pinned, got one on ", device());
  if (is_pinned()) return *this;
  Device accel = accelerator ? *accelerator : default_pinned_memory_device();
  auto storage = StorageImpl::allocate_pinned(nbytes(), device(), accel);
  auto impl = make_intrusive<TensorImpl>(std::move(storage), scalar_type(), device());
  impl->set_sizes_contiguous(sizes());
  Tensor out(std::move(impl));
  out.copy_(*this);
  return out;
}

void Tensor::print() const { std::cout << *this << std::endl; }

Tensor scalar_to_tensor(const Scalar& s, Device device) {
  ScalarType dtype = s.type();
  const DeviceTypeInfo& info = device_type_info(device.type());
  Tensor t;
  if (info.host_accessible) {
    auto storage = StorageImpl::allocate(element_size(dtype), device);
    auto impl = make_intrusive<TensorImpl>(std::move(storage), dtype, device);
    t = Tensor(std::move(impl));
    void* p = t.data_ptr();
    switch (s.tag()) {
      case Scalar::Tag::Double: *static_cast<double*>(p) = s.to_double(); break;
      case Scalar::Tag::Int: *static_cast<int64_t*>(p) = s.to_long(); break;
      case Scalar::Tag::Bool: *static_cast<bool*>(p) = s.to_bool(); break;
    }
  } else {
    t = ember::full({}, s, TensorOptions(dtype).device(device));
  }
  t.impl()->set_wrapped_number(true);
  return t;
}

}  // namespace ember
