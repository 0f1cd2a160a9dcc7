// Tensors from C++ data.
#include "ops/creation.h"

#include "core/device_runtime.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {

namespace {
template <typename T>
Tensor host_tensor(const std::vector<T>& values, IntArrayRef sizes, ScalarType natural, const TensorOptions& options) {
  Tensor host = new_tensor(sizes, natural, Device("cpu"));
  std::memcpy(host.data_ptr(), values.data(), values.size() * sizeof(T));
  Tensor out = host.to(TensorOptions(options.dtype_or(natural)).device(options.device_or_default()));
  if (options.requires_grad()) out.requires_grad_(true);
  return out;
}
template <typename T>
Tensor nested(std::initializer_list<std::initializer_list<T>> rows, ScalarType natural, const TensorOptions& options) {
  std::vector<T> flat;
  size_t cols = rows.size() ? rows.begin()->size() : 0;
  for (const auto& r : rows) {
    EMBER_CHECK(r.size() == cols, ValueError, "[tensor] expected sequence of length ", cols, " at dim 1 (got ", r.size(), ")");
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return host_tensor(flat, {static_cast<int64_t>(rows.size()), static_cast<int64_t>(cols)}, natural, options);
}
}  // namespace

namespace {
ScalarType float_natural() { return default_dtype(); }
}  // namespace

Tensor tensor(std::initializer_list<double> values, const TensorOptions& options) {
  std::vector<double> v(values);
  return host_tensor(v, {static_cast<int64_t>(v.size())}, kFloat64, TensorOptions(options.dtype_or(float_natural()))
                                                                          .device(options.device_opt())
                                                                          .requires_grad(options.requires_grad()));
}
Tensor tensor(std::initializer_list<std::initializer_list<double>> values, const TensorOptions& options) {
  return nested(values, kFloat64, TensorOptions(options.dtype_or(float_natural()))
                                      .device(options.device_opt())
                                      .requires_grad(options.requires_grad()));
}
Tensor tensor(std::initializer_list<int64_t> values, const TensorOptions& options) {
  std::vector<int64_t> v(values);
  return host_tensor(v, {static_cast<int64_t>(v.size())}, kInt64, options);
}
Tensor tensor(std::initializer_list<std::initializer_list<int64_t>> values, const TensorOptions& options) {
  return nested(values, kInt64, options);
}
Tensor tensor(std::initializer_list<int> values, const TensorOptions& options) {
  std::vector<int64_t> v(values.begin(), values.end());
  return host_tensor(v, {static_cast<int64_t>(v.size())}, kInt64, options);
}
Tensor tensor(std::initializer_list<std::initializer_list<int>> values, const TensorOptions& options) {
  std::vector<int64_t> flat;
  size_t cols = values.size() ? values.begin()->size() : 0;
  for (const auto& r : values) {
    EMBER_CHECK(r.size() == cols, ValueError, "[tensor] expected sequence of length ", cols, " at dim 1 (got ", r.size(), ")");
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return host_tensor(flat, {static_cast<int64_t>(values.size()), static_cast<int64_t>(cols)}, kInt64, options);
}
Tensor tensor(std::initializer_list<bool> values, const TensorOptions& options) {
  std::vector<uint8_t> v(values.begin(), values.end());
  return host_tensor(v, {static_cast<int64_t>(v.size())}, kBool, options);
}

Tensor scalar_tensor(const Scalar& value, const TensorOptions& options) {
  ScalarType natural = value.is_floating_point() ? default_dtype() : value.type();
  return ember::full({}, value, TensorOptions(options.dtype_or(natural)).device(options.device_opt()));
}

Tensor tensor_from_doubles(const std::vector<double>& values, IntArrayRef sizes, const TensorOptions& options) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  EMBER_CHECK(n == static_cast<int64_t>(values.size()), ValueError, "[tensor] ", values.size(),
              " values do not fill a tensor of size ", sizes);
  return host_tensor(values, sizes, kFloat64, options);
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
