// Allocation helpers the core's op implementations share (not public API).
// Thread-safe: every call creates new tensors.
#pragma once

#include "core/tensor.h"

namespace ember {

// A new contiguous tensor of `sizes` on `device`, allocated by the device's allocator.
EMBER_API Tensor new_tensor(IntArrayRef sizes, ScalarType dtype, Device device);
// t, a tensor this call allocated and filled in place, with its version counter back at 0.
EMBER_API Tensor fresh_version(Tensor t);
// A view of base's storage with the given geometry (shares storage and version counter).
EMBER_API Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset);
// Reallocates t (an out= argument) to `sizes` when its shape differs; keeps dtype and device.
EMBER_API void resize_output(const Tensor& t, IntArrayRef sizes);

// Dim wrapping as PyTorch: -1 is the last dim; a 0-d tensor accepts dims -1 and 0.
EMBER_API int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);

}  // namespace ember
