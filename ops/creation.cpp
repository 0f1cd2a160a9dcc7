// Tensors from C++ data.
#include "ops/creation.h"

#include "core/device_runtime.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {

Tensor scalar_tensor(const Scalar& value, const TensorOptions& options) {
  ScalarType natural = value.is_floating_point() ? default_dtype() : value.type();
  return ember::full({}, value, TensorOptions(options.dtype_or(natural)).device(options.device_opt()));
}

Tensor tensor_from_doubles(const std::vector<double>& values, IntArrayRef sizes, const TensorOptions& options) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  EMBER_CHECK(n == static_cast<int64_t>(values.size()), ValueError, "[tensor] ", values.size(),
              " values do not fill a tensor of size ", sizes);
  Tensor out = ember::tensor(values, TensorOptions(options.dtype_or(kFloat64)).device(options.device_opt()));
  out = out.view(sizes);
  if (options.requires_grad()) out.requires_grad_(true);
  return out;
}

Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options, std::function<void(void*)> deleter) {
  DimVector strides(sizes.size());
  int64_t st = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = st;
    st *= std::max<int64_t>(sizes[i], 1);
  }
  return from_blob(data, sizes, strides, options, std::move(deleter));
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& options,
                 std::function<void(void*)> deleter) {
  ScalarType dtype = options.dtype_or_default();
  Device device = options.device_or_default();
  int64_t extent = 1;
  for (size_t i = 0; i < sizes.size(); ++i) extent += (sizes[i] - 1) * strides[i];
  auto storage = StorageImpl::borrow(data, static_cast<size_t>(extent) * element_size(dtype), device, std::move(deleter));
  auto impl = make_intrusive<TensorImpl>(std::move(storage), dtype, device);
  impl->set_sizes_and_strides(sizes, strides, 0);
  return Tensor(std::move(impl));
}

}  // namespace ember
