// Allocation helpers the core's op implementations share (not public API).
// Thread-safe: every call creates new tensors.
#pragma once

#include "core/tensor.h"

namespace ember {

// A new contiguous tensor of `sizes` on `device`, allocated by the device's allocator.
EMBER_API Tensor new_tensor(IntArrayRef sizes, ScalarType dtype, Device device);
// t, a tensor this call allocated and filled in place, with its version counter back at 0.
EMBER_API Tensor fresh_version(Tensor t);
// A view of base's storage with the given geometry (shares storage and version counter), tracked
// as a view of base (Tensor::is_view, _base; autograd's in-place-on-view rules): what view ops
// return.
EMBER_API Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset);
// The same, untracked: an alias for internal use (detach, saved outputs, a kernel's scratch view)
// that autograd must not treat as a view.
EMBER_API Tensor make_untracked_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides,
                                     int64_t storage_offset);

namespace detail {
// Records a new view of base (set by autograd, which owns the rules; null: views are untracked).
using ViewTracker = void (*)(TensorImpl& view, TensorImpl& base);
EMBER_API ViewTracker& view_tracker();
}  // namespace detail
// Reallocates t (an out= argument) to `sizes` when its shape differs; keeps dtype and device.
EMBER_API void resize_output(const Tensor& t, IntArrayRef sizes);

// Dim wrapping as PyTorch: -1 is the last dim; a 0-d tensor accepts dims -1 and 0.
EMBER_API int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);

}  // namespace ember
