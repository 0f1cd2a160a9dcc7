// Small tensor helpers shared by the CPU kernels: views the plugin builds itself (sub-views for
// cat, reshaped views), and contiguous staging buffers for kernels whose inner loops want dense
// memory (convolution, pooling, normalization, matmul fallbacks). Dims need no wrapping here:
// meta hands kernels normalized dims.
//
// Stateless; thread-safe. Buffers are owned by the object that made them.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include <ember/sdk/dtype_dispatch.h>
#include <ember/sdk/tensor_view.h>

#include "loops.h"

namespace ember_cpu {

using ember::sdk::IntList;
using ember::sdk::KernelArgs;
using ember::sdk::Scalar;

// A tensor view whose sizes and strides the plugin owns (sub-views, reshapes).
struct OwnedView {
  ember_tensor_view view{};
  int64_t sizes[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};

  OwnedView() = default;
  explicit OwnedView(const TensorView& t) {
    view = t.raw();
    for (int32_t d = 0; d < t.ndim(); ++d) {
      sizes[d] = t.sizes()[d];
      strides[d] = t.strides()[d];
    }
    view.sizes = sizes;
    view.strides = strides;
  }
  OwnedView(const OwnedView& o) : view(o.view) {
    std::memcpy(sizes, o.sizes, sizeof sizes);
    std::memcpy(strides, o.strides, sizeof strides);
    view.sizes = sizes;
    view.strides = strides;
  }
  OwnedView& operator=(const OwnedView&) = delete;

  // A contiguous view of `data` with the given shape.
  static OwnedView contiguous(void* data, int32_t dtype, const int64_t* shape, int32_t ndim) {
    OwnedView v;
    v.view.data = data;
    v.view.dtype = dtype;
    v.view.ndim = ndim;
    int64_t stride = 1;
    for (int32_t d = ndim - 1; d >= 0; --d) {
      v.sizes[d] = shape[d];
      v.strides[d] = stride;
      stride *= shape[d];
    }
    v.view.sizes = v.sizes;
    v.view.strides = v.strides;
    return v;
  }
  TensorView get() const { return TensorView(view); }
};

// Same-dtype strided copy dst <- src (same shape); memcpy when both are dense.
inline void copy_same_dtype(const TensorView& dst, const TensorView& src) {
  const int64_t numel = dst.numel();
  if (numel == 0) return;
  const size_t esize = dst.element_size();
  if (dst.is_contiguous() && src.is_contiguous()) {
    auto* d = static_cast<char*>(dst.data_ptr());
    const auto* s = static_cast<const char*>(src.data_ptr());
    parallel_for(0, numel, kGrainSize * 4, [&](int64_t b, int64_t e) {
      std::memcpy(d + b * esize, s + b * esize, (e - b) * esize);
    });
    return;
  }
  switch (esize) {
    case 1: pointwise<uint8_t, uint8_t>(dst, {src}, [](uint8_t v) { return v; }); break;
    case 2: pointwise<uint16_t, uint16_t>(dst, {src}, [](uint16_t v) { return v; }); break;
    case 4: pointwise<uint32_t, uint32_t>(dst, {src}, [](uint32_t v) { return v; }); break;
    default: pointwise<uint64_t, uint64_t>(dst, {src}, [](uint64_t v) { return v; }); break;
  }
}

// The elements of a view as a dense array of type C (converted from the view's storage type
// T); no copy when T == C and the view is already contiguous.
template <typename T, typename C = T>
class DenseInput {
 public:
  explicit DenseInput(const TensorView& t) {
    if (std::is_same<T, C>::value && t.is_contiguous()) {
      ptr_ = reinterpret_cast<const C*>(t.data_ptr());
      return;
    }
    const int64_t numel = t.numel();
    buffer_.resize(static_cast<size_t>(numel));
    OwnedView dense = OwnedView::contiguous(buffer_.data(), ember::sdk::dtype_of<C>, t.sizes().data(), t.ndim());
    pointwise<C, T>(dense.get(), {t}, [](T v) { return static_cast<C>(v); });
    ptr_ = buffer_.data();
  }
  const C* data() const { return ptr_; }

 private:
  const C* ptr_ = nullptr;
  std::vector<C> buffer_;
};

// A dense T array to compute an output in; writes back to the view on commit() when the view
// is not contiguous.
template <typename T>
class DenseOutput {
 public:
  explicit DenseOutput(const TensorView& t) : view_(t) {
    if (t.is_contiguous()) {
      ptr_ = t.data<T>();
    } else {
      buffer_.resize(static_cast<size_t>(t.numel()));
      ptr_ = buffer_.data();
    }
  }
  T* data() const { return ptr_; }
  void commit() {
    if (buffer_.empty()) return;
    OwnedView dense = OwnedView::contiguous(buffer_.data(), view_.dtype(), view_.sizes().data(), view_.ndim());
    copy_same_dtype(view_, dense.get());
  }

 private:
  TensorView view_;
  T* ptr_ = nullptr;
  std::vector<T> buffer_;
};

// The elements of any-dtype view, in row-major order, as doubles (per-channel parameters and
// statistics: small vectors whose dtype may differ from the main input's).
inline std::vector<double> to_double_vector(const TensorView& t) {
  std::vector<double> values(static_cast<size_t>(t.numel()));
  OwnedView dense = OwnedView::contiguous(values.data(), EMBER_DTYPE_FLOAT64, t.sizes().data(), t.ndim());
  ember::sdk::dispatch(t.dtype(), "to_double", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<double, T>(dense.get(), {t}, [](T v) { return static_cast<double>(static_cast<ember::sdk::compute_t<T>>(v)); });
  });
  return values;
}

// Writes row-major values into a floating view of any dtype.
inline void store_double_vector(const TensorView& t, const std::vector<double>& values) {
  OwnedView dense = OwnedView::contiguous(const_cast<double*>(values.data()), EMBER_DTYPE_FLOAT64, t.sizes().data(), t.ndim());
  ember::sdk::dispatch<ember::sdk::kFloatingDTypes>(t.dtype(), "store", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<T, double>(t, {dense.get()}, [](double v) { return static_cast<T>(static_cast<ember::sdk::compute_t<T>>(v)); });
  });
}

// Number of elements of a shape.
inline int64_t product(const int64_t* sizes, int64_t begin, int64_t end) {
  int64_t p = 1;
  for (int64_t d = begin; d < end; ++d) p *= sizes[d];
  return p;
}

}  // namespace ember_cpu
