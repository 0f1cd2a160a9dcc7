// Tensors from C++ data.
#include "ops/creation.h"

#include "core/checked_arith.h"
#include "core/device_runtime.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {

Tensor scalar_tensor(const Scalar& value, const TensorOptions& options) {
  ScalarType natural = value.is_floating_point() ? default_dtype() : value.type();
  return ember::full({}, value, TensorOptions(options.dtype_or(natural)).device(options.device_opt()));
}

Tensor tensor_from_doubles(const std::vector<double>& values, IntArrayRef sizes, const TensorOptions& options) {
  for (int64_t s : sizes) EMBER_CHECK(s >= 0, ValueError, "[tensor] negative dimension ", s, " in size ", sizes);
  int64_t n = checked_numel(sizes, "tensor");
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
    EMBER_CHECK(i == 0 || checked_mul(st, std::max<int64_t>(sizes[i], 1), &st), ValueError,
                "[from_blob] storage size calculation overflowed with sizes=", sizes);
  }
  return from_blob(data, sizes, strides, options, std::move(deleter));
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& options,
                 std::function<void(void*)> deleter) {
  ScalarType dtype = options.dtype_or_default();
  Device device = options.device_or_default();
  EMBER_CHECK(sizes.size() == strides.size(), ValueError, "[from_blob] mismatch in length of strides and shape");
  // The number of elements the blob must hold: 1 + the highest index, 0 for an empty tensor.
  int64_t extent = 1;
  bool empty = false, fits = true;
  for (size_t i = 0; i < sizes.size(); ++i) {
    EMBER_CHECK(sizes[i] >= 0 && strides[i] >= 0, ValueError, "[from_blob] negative size or stride");
    int64_t span = 0;
    empty = empty || sizes[i] == 0;
    fits = fits && checked_mul(std::max<int64_t>(sizes[i] - 1, 0), strides[i], &span) && checked_add(extent, span, &extent);
  }
  EMBER_CHECK(fits, ValueError, "[from_blob] storage size calculation overflowed with sizes=", sizes, " and strides=",
              strides);
  size_t nbytes = empty ? 0 : checked_nbytes(extent, element_size(dtype), sizes, "from_blob");
  auto storage = StorageImpl::borrow(data, nbytes, device, std::move(deleter));
  auto impl = make_intrusive<TensorImpl>(std::move(storage), dtype, device);
  impl->set_sizes_and_strides(sizes, strides, 0);
  Tensor out(std::move(impl));
  if (options.requires_grad()) out.requires_grad_(true);
  return out;
}

}  // namespace ember
