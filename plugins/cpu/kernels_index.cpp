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

// The sub-view of t with dim fixed at i (t.select(dim, i)). An empty t may have no memory at
// all (a null address, which must not be offset): its sub-views are empty too and keep it.
OwnedView select_view(const TensorView& t, int64_t dim, int64_t i) {
  OwnedView v(t);
  char* base = static_cast<char*>(t.data_ptr());
  v.view.data = t.numel() == 0 ? base : base + i * t.stride(dim) * static_cast<int64_t>(t.element_size());
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

// cat.out. Inputs already have out's dtype; 1-d empty tensors are skipped as in PyTorch.
void cat(KernelArgs& a) {
  using Op = ops::cat_out;
  ember::sdk::TensorList tensors = a.tensor_list(Op::tensors);
  TensorView out = a.tensor(Op::out);
  if (out.numel() == 0) return;
  const int64_t dim = a.int_(Op::dim);
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

// index_select.out (index int32/int64, 0-d or 1-d).
void index_select(KernelArgs& a) {
  using Op = ops::index_select_out;
  TensorView self = a.tensor(Op::self), index = a.tensor(Op::index), out = a.tensor(Op::out);
  const int64_t dim = a.int_(Op::dim);
  std::vector<int64_t> indices = read_indices(index, "index_select");
  const int64_t size = self.ndim() ? self.size(dim) : 1;
  for (int64_t i : indices)
    EMBER_SDK_CHECK(i >= 0 && i < size, EMBER_ERROR_INDEX, "index out of range in self");
  if (self.ndim() == 0) {
    copy_same_dtype(out, self);
    return;
  }
  if (out.numel() == 0) return;  // empty slices (self [3, 0], say): nothing to copy
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

// gather.out: out[p] = self[p with index[p] at dim].
void gather(KernelArgs& a) {
  using Op = ops::gather_out;
  TensorView self = a.tensor(Op::self), index = a.tensor(Op::index), out = a.tensor(Op::out);
  const int64_t dim = a.int_(Op::dim);
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

// scatter_.src / scatter_.value / scatter_add_.
template <typename Op, ScatterMode kMode>
void scatter(KernelArgs& a) {
  TensorView self = a.tensor(Op::self), index = a.tensor(Op::index);
  const int64_t dim = a.int_(Op::dim);
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
      const T value = a.scalar(Op::value).template to<T>();
      for_each_index_position(index, index, self, dim, [&](int64_t p, int64_t, int64_t self_off) {
        dst[self_off + indices[p] * self_dim_stride] = value;
      });
    } else {
      TensorView src = a.tensor(Op::src);
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

// masked_fill_.Scalar (mask: bool, broadcast to self).
void masked_fill(KernelArgs& a) {
  using Op = ops::masked_fill__Scalar;
  TensorView self = a.tensor(Op::self), mask = a.tensor(Op::mask);
  ember::sdk::Scalar value = a.scalar(Op::value);
  dispatch(self.dtype(), "masked_fill", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    pointwise<T, T, bool>(self, {self, mask}, [v](T x, bool m) { return m ? v : x; });
  });
}

}  // namespace

void register_index_kernels(Registrar& reg) {
  reg.kernel<ops::cat_out>(kDevice, kAllDTypes, cat);
  reg.kernel<ops::index_select_out>(kDevice, kAllDTypes, index_select);
  reg.kernel<ops::gather_out>(kDevice, kAllDTypes, gather);
  reg.kernel<ops::scatter__src>(kDevice, kAllDTypes, scatter<ops::scatter__src, ScatterMode::Src>);
  reg.kernel<ops::scatter__value>(kDevice, kAllDTypes, scatter<ops::scatter__value, ScatterMode::Value>);
  reg.kernel<ops::scatter_add_>(kDevice, kAllDTypes, scatter<ops::scatter_add_, ScatterMode::Add>);
  reg.kernel<ops::masked_fill__Scalar>(kDevice, kAllDTypes, masked_fill);
}

}  // namespace ember_cpu
