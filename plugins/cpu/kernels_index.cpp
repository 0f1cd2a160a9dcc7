// Joining and indexing: cat, index_select, gather, scatter_ (src / value), scatter_add_ and
// masked_fill_. Indices are validated in one serial pass before anything is written, so an
// out-of-range index leaves the output untouched and the error always names the first bad
// index (PyTorch's wording: "index 7 is out of bounds for dimension 0 with size 3").
// scatter runs serially: duplicate indices then resolve deterministically (last write wins,
// adds happen in index order).
//
// Stateless kernels; thread-safe.
#include <type_traits>

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::KernelArgs;
using ember::sdk::kAllDTypes;
using ember::sdk::StridedCounter;

constexpr uint32_t kIndexDTypes = ember::sdk::dtype_bit(EMBER_DTYPE_INT32) | ember::sdk::dtype_bit(EMBER_DTYPE_INT64);

// The sub-view of t with dim fixed at i (t.select(dim, i)).
OwnedView select_view(const TensorView& t, int64_t dim, int64_t i) {
  OwnedView v(t);
  v.view.data = static_cast<char*>(t.data_ptr()) + i * t.stride(dim) * static_cast<int64_t>(t.element_size());
  for (int32_t d = static_cast<int32_t>(dim); d + 1 < t.ndim(); ++d) {
    v.sizes[d] = v.sizes[d + 1];
    v.strides[d] = v.strides[d + 1];
  }
  v.view.ndim = t.ndim() - 1;
  return v;
}

// All index values as int64 (row-major over the index view).
std::vector<int64_t> read_indices(const TensorView& index, const char* op) {
  std::vector<int64_t> values(static_cast<size_t>(index.numel()));
  OwnedView dense = OwnedView::contiguous(values.data(), EMBER_DTYPE_INT64, index.sizes().data(), index.ndim());
  dispatch<kIndexDTypes>(index.dtype(), op, [&](auto tag) {
    using I = typename decltype(tag)::type;
    pointwise<int64_t, I>(dense.get(), {index}, [](I v) { return static_cast<int64_t>(v); });
  });
  return values;
}

[[noreturn]] void out_of_bounds(int64_t index, int64_t dim, int64_t size) {
  throw ember::sdk::IndexError(ember::sdk::detail::concat("index ", index, " is out of bounds for dimension ", dim,
                                                          " with size ", size));
}

void check_bounds(const std::vector<int64_t>& indices, int64_t dim, int64_t size) {
  for (int64_t i : indices)
    if (i < 0 || i >= size) out_of_bounds(i, dim, size);
}

// cat.out (tensors 0, dim 1, out 2). Inputs already have out's dtype; 1-d empty tensors are
// skipped as in PyTorch.
void cat(KernelArgs& a) {
  ember::sdk::TensorList tensors = a.tensor_list(0);
  TensorView out = a.tensor(2);
  if (out.numel() == 0) return;
  const int64_t dim = wrap_dim(a.int_(1), out.ndim());
  int64_t offset = 0;
  for (int64_t t = 0; t < tensors.size(); ++t) {
    TensorView in = tensors[t];
    // An empty input adds nothing (legacy 1-d [0] inputs may not even have out's rank).
    if (in.numel() == 0) continue;
    const int64_t extent = in.size(dim);
    OwnedView slot(out);
    slot.view.data = static_cast<char*>(out.data_ptr()) + offset * out.stride(dim) * static_cast<int64_t>(out.element_size());
    slot.sizes[dim] = extent;
    copy_same_dtype(slot.get(), in);
    offset += extent;
  }
}

// index_select.out (self 0, dim 1, index 2 (int32/int64, 0-d or 1-d), out 3).
void index_select(KernelArgs& a) {
  TensorView self = a.tensor(0), index = a.tensor(2), out = a.tensor(3);
  const int64_t dim = wrap_dim(a.int_(1), self.ndim());
  std::vector<int64_t> indices = read_indices(index, "index_select");
  const int64_t size = self.ndim() ? self.size(dim) : 1;
  for (int64_t i : indices)
    EMBER_SDK_CHECK(i >= 0 && i < size, EMBER_ERROR_INDEX, "index out of range in self");
  if (self.ndim() == 0) {
    copy_same_dtype(out, self);
    return;
  }
  const int64_t count = static_cast<int64_t>(indices.size());
  const int64_t slice = self.numel() / std::max<int64_t>(1, size);
  parallel_for(0, count, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, slice)), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      OwnedView src = select_view(self, dim, indices[i]);
      OwnedView dst = select_view(out, dim, i);
      copy_same_dtype(dst.get(), src.get());
    }
  });
}

// Walks the index grid with element offsets into index, `a` and `b` (b's stride at dim is 0:
// the index value supplies that coordinate).
template <typename F>
void for_each_index_position(const TensorView& index, const TensorView& a, const TensorView& b, int64_t dim,
                             const F& f) {
  const int32_t nd = index.ndim();
  int64_t b_strides[kMaxDims];
  for (int32_t d = 0; d < nd; ++d) b_strides[d] = d == dim ? 0 : b.stride(d);
  StridedCounter<2> it(nd, index.sizes().data(), {a.strides().data(), b_strides});
  const int64_t n = index.numel();
  for (int64_t p = 0; p < n; ++p, it.next()) f(p, it.offset(0), it.offset(1));
}

// gather.out (self 0, dim 1, index 2, sparse_grad 3, out 4): out[p] = self[p with index[p] at dim].
void gather(KernelArgs& a) {
  TensorView self = a.tensor(0), index = a.tensor(2), out = a.tensor(4);
  const int64_t dim = wrap_dim(a.int_(1), self.ndim());
  std::vector<int64_t> indices = read_indices(index, "gather");
  const int64_t size = self.ndim() ? self.size(dim) : 1;
  check_bounds(indices, dim, size);
  if (self.ndim() == 0) {
    if (!indices.empty()) copy_same_dtype(out, self);
    return;
  }
  const int64_t self_dim_stride = self.stride(dim);
  dispatch(self.dtype(), "gather", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = self.data<T>();
    T* dst = out.data<T>();
    for_each_index_position(index, out, self, dim, [&](int64_t p, int64_t out_off, int64_t self_off) {
      dst[out_off] = src[self_off + indices[p] * self_dim_stride];
    });
  });
}

enum class ScatterMode { Src, Value, Add };

// scatter_.src / scatter_.value / scatter_add_ (self 0, dim 1, index 2, src-or-value 3).
template <ScatterMode kMode>
void scatter(KernelArgs& a) {
  TensorView self = a.tensor(0), index = a.tensor(2);
  const int64_t dim = wrap_dim(a.int_(1), self.ndim());
  std::vector<int64_t> indices = read_indices(index, "scatter");
  const int64_t size = self.ndim() ? self.size(dim) : 1;
  check_bounds(indices, dim, size);
  if (indices.empty()) return;
  const int64_t self_dim_stride = self.ndim() ? self.stride(dim) : 0;
  dispatch(self.dtype(), kMode == ScatterMode::Add ? "scatter_add" : "scatter", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    T* dst = self.data<T>();
    if constexpr (kMode == ScatterMode::Value) {
      const T value = a.scalar(3).to<T>();
      for_each_index_position(index, index, self, dim, [&](int64_t p, int64_t, int64_t self_off) {
        dst[self_off + indices[p] * self_dim_stride] = value;
      });
    } else {
      TensorView src = a.tensor(3);
      const T* s = src.data<T>();
      for_each_index_position(index, src, self, dim, [&](int64_t p, int64_t src_off, int64_t self_off) {
        T& target = dst[self_off + indices[p] * self_dim_stride];
        if constexpr (kMode == ScatterMode::Add) {
          if constexpr (std::is_same<T, bool>::value) target = target || s[src_off];
          else target = static_cast<T>(C(target) + C(s[src_off]));
        } else {
          target = s[src_off];
        }
      });
    }
  });
}

// masked_fill_.Scalar (self 0, mask 1 (bool, broadcast to self), value 2).
void masked_fill(KernelArgs& a) {
  TensorView self = a.tensor(0), mask = a.tensor(1);
  ember::sdk::Scalar value = a.scalar(2);
  dispatch(self.dtype(), "masked_fill", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    pointwise<T, T, bool>(self, {self, mask}, [v](T x, bool m) { return m ? v : x; });
  });
}

}  // namespace

void register_index_kernels(Registrar& reg) {
  reg.kernel("cat.out", kDevice, kAllDTypes, cat);
  reg.kernel("index_select.out", kDevice, kAllDTypes, index_select);
  reg.kernel("gather.out", kDevice, kAllDTypes, gather);
  reg.kernel("scatter_.src", kDevice, kAllDTypes, scatter<ScatterMode::Src>);
  reg.kernel("scatter_.value", kDevice, kAllDTypes, scatter<ScatterMode::Value>);
  reg.kernel("scatter_add_", kDevice, kAllDTypes, scatter<ScatterMode::Add>);
  reg.kernel("masked_fill_.Scalar", kDevice, kAllDTypes, masked_fill);
}

}  // namespace ember_cpu
