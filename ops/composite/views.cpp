// View ops: new geometry over the same storage. They work on every device because they never
// touch data. (ops.yaml: as_strided, view, reshape, permute, transpose, expand, slice, ...)
#include "core/checked_arith.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {
// PyTorch's computeStride: strides for viewing `old` geometry as `shape` without a copy, or
// nothing when the memory layout does not allow it.
std::optional<DimVector> view_strides(IntArrayRef old_sizes, IntArrayRef old_strides, IntArrayRef shape) {
  DimVector strides(shape.size());
  if (old_sizes.empty()) {
    for (auto& s : strides) s = 1;
    return strides;
  }
  int64_t numel = 1;
  for (int64_t s : old_sizes) numel *= s;
  if (numel == 0) {
    if (old_sizes == shape) return DimVector(old_strides);
    int64_t st = 1;
    for (size_t i = shape.size(); i-- > 0;) {
      strides[i] = st;
      if (i > 0 && !checked_mul(st, std::max<int64_t>(shape[i], 1), &st)) return std::nullopt;
    }
    return strides;
  }
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = static_cast<int64_t>(old_sizes.size()) - 1; tensor_d >= 0; tensor_d--) {
    tensor_numel *= old_sizes[static_cast<size_t>(tensor_d)];
    // A size-1 dim may carry any stride (as_strided allows INT64_MAX), so these products can
    // overflow; a geometry whose strides do not fit in int64 is treated as not viewable.
    int64_t chunk_stride = 0;
    bool chunk_fits = checked_mul(tensor_numel, chunk_base_stride, &chunk_stride);
    if (tensor_d == 0 || (old_sizes[static_cast<size_t>(tensor_d - 1)] != 1 &&
                          (!chunk_fits || old_strides[static_cast<size_t>(tensor_d - 1)] != chunk_stride))) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[static_cast<size_t>(view_d)] == 1)) {
        if (!checked_mul(view_numel, chunk_base_stride, &strides[static_cast<size_t>(view_d)])) return std::nullopt;
        view_numel *= shape[static_cast<size_t>(view_d)];
        view_d--;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[static_cast<size_t>(tensor_d - 1)];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return strides;
}

// Resolves one -1 and checks the element count (PyTorch's infer_size).
DimVector infer_size(IntArrayRef shape, int64_t numel, const char* op) {
  DimVector out(shape);
  int64_t known = 1;
  bool known_fits = true;  // a product past int64 cannot match numel (unless a later dim is 0)
  int infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      EMBER_CHECK(infer < 0, ValueError, "[", op, "] only one dimension can be inferred");
      infer = static_cast<int>(i);
    } else {
      EMBER_CHECK(shape[i] >= 0, ValueError, "[", op, "] invalid shape dimension ", shape[i]);
      if (shape[i] == 0) {
        known = 0;
        known_fits = true;
      } else if (known != 0 && !checked_mul(known, shape[i], &known)) {
        known_fits = false;
      }
    }
  }
  EMBER_CHECK(known_fits, ValueError, "[", op, "] shape '", shape, "' is invalid for input of size ", numel);
  if (infer >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, ValueError, "[", op, "] shape '", shape, "' is invalid for input of size ", numel);
    out[static_cast<size_t>(infer)] = numel / known;
  } else {
    EMBER_CHECK(known == numel, ValueError, "[", op, "] shape '", shape, "' is invalid for input of size ", numel);
  }
  return out;
}
}  // namespace

namespace {
// A list of views of an empty tensor (chunk, split, unbind) has at most this many: its length is
// not bounded by any memory the tensor holds (chunk(t, 2^40) of an empty dim would loop 2^40
// times and then run out of memory), so a count no program could use is refused instead.
constexpr int64_t kMaxEmptyViews = int64_t{1} << 16;

void check_empty_view_count(const Tensor& self, int64_t count, const char* op) {
  EMBER_CHECK(self.numel() != 0 || count <= kMaxEmptyViews, ValueError, "[", op, "] splitting an empty tensor into ",
              count, " pieces would create that many empty views; at most ", kMaxEmptyViews, " are allowed");
}
}  // namespace

Tensor as_strided(const Tensor& self, IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset) {
  EMBER_CHECK(size.size() == stride.size(), ValueError, "[as_strided] mismatch in length of strides and shape");
  int64_t offset = storage_offset ? *storage_offset : self.storage_offset();
  EMBER_CHECK(offset >= 0, ValueError, "[as_strided] Tensor: invalid storage offset ", offset);
  // The highest element index, checked for overflow also for an empty view (whose bounds are
  // not checked): every later index arithmetic on the view (select, slice, narrow) stays below
  // it, so none of it can overflow either. The byte count matters only for a non-empty view.
  int64_t max_index = offset;
  bool empty = false;
  bool fits = true;
  for (size_t i = 0; i < size.size(); ++i) {
    EMBER_CHECK(size[i] >= 0 && stride[i] >= 0, ValueError, "[as_strided] negative size or stride");
    if (size[i] == 0) empty = true;
    int64_t extent = 0;
    fits = fits && checked_mul(std::max<int64_t>(size[i] - 1, 0), stride[i], &extent) &&
           checked_add(max_index, extent, &max_index);
  }
  int64_t need_bytes = 0;
  fits = fits && checked_add(max_index, 1, &need_bytes) &&
         (empty || checked_mul(need_bytes, static_cast<int64_t>(self.element_size()), &need_bytes));
  EMBER_CHECK(fits, ValueError, "[as_strided] storage size calculation overflowed with sizes=", size, ", strides=", stride,
              " and storage offset ", offset);
  if (!empty) {
    size_t need = static_cast<size_t>(need_bytes);
    EMBER_CHECK(need <= self.impl()->storage()->nbytes(), ValueError, "[as_strided] setStorage: sizes ", size, ", strides ",
                stride, ", storage offset ", offset, " requiring a storage size of ", need,
                " are out of bounds for storage of size ", self.impl()->storage()->nbytes());
  }
  return make_view(self, size, stride, offset);
}

Tensor view(const Tensor& self, IntArrayRef size) {
  DimVector shape = infer_size(size, self.numel(), "view");
  auto strides = view_strides(self.sizes(), self.strides(), shape);
  EMBER_CHECK(strides.has_value(), ValueError,
              "[view] view size is not compatible with input tensor's size and stride (at least one dimension spans across two "
              "contiguous subspaces). Use .reshape(...) instead.");
  return make_view(self, shape, *strides, self.storage_offset());
}

Tensor reshape(const Tensor& self, IntArrayRef shape) {
  DimVector sizes = infer_size(shape, self.numel(), "reshape");
  if (view_strides(self.sizes(), self.strides(), sizes)) return self.view(sizes);
  return self.clone().view(sizes);
}

Tensor view_as(const Tensor& self, const Tensor& other) { return self.view(other.sizes()); }
Tensor reshape_as(const Tensor& self, const Tensor& other) { return self.reshape(other.sizes()); }

Tensor permute(const Tensor& self, IntArrayRef dims) {
  int64_t nd = self.dim();
  EMBER_CHECK(static_cast<int64_t>(dims.size()) == nd, ValueError, "[permute] number of dims don't match in permute: got ",
              dims.size(), " for a ", nd, "-D tensor");
  DimVector sizes(static_cast<size_t>(nd)), strides(static_cast<size_t>(nd));
  std::vector<bool> seen(static_cast<size_t>(nd), false);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t d = wrap_dim(dims[static_cast<size_t>(i)], nd, "permute");
    EMBER_CHECK(!seen[static_cast<size_t>(d)], ValueError, "[permute] repeated dim in permute");
    seen[static_cast<size_t>(d)] = true;
    sizes[static_cast<size_t>(i)] = self.sizes()[static_cast<size_t>(d)];
    strides[static_cast<size_t>(i)] = self.strides()[static_cast<size_t>(d)];
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor transpose(const Tensor& self, int64_t dim0, int64_t dim1) {
  int64_t nd = self.dim();
  if (nd == 0) return make_view(self, self.sizes(), self.strides(), self.storage_offset());
  int64_t a = wrap_dim(dim0, nd, "transpose"), b = wrap_dim(dim1, nd, "transpose");
  DimVector sizes(self.sizes()), strides(self.strides());
  std::swap(sizes[static_cast<size_t>(a)], sizes[static_cast<size_t>(b)]);
  std::swap(strides[static_cast<size_t>(a)], strides[static_cast<size_t>(b)]);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor t(const Tensor& self) {
  EMBER_CHECK(self.dim() <= 2, ValueError, "[t] t() expects a tensor with <= 2 dimensions, but self is ", self.dim(), "D");
  return self.dim() < 2 ? self.transpose(0, 0) : self.transpose(0, 1);
}

Tensor expand(const Tensor& self, IntArrayRef size, bool) {
  int64_t nd = static_cast<int64_t>(size.size());
  EMBER_CHECK(nd >= self.dim(), ValueError, "[expand] the number of sizes provided (", nd,
              ") must be greater or equal to the number of dimensions in the tensor (", self.dim(), ")");
  DimVector sizes(static_cast<size_t>(nd)), strides(static_cast<size_t>(nd));
  int64_t offset = nd - self.dim();
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t target = size[static_cast<size_t>(i)];
    if (i < offset) {
      EMBER_CHECK(target >= 0, ValueError, "[expand] The expanded size of the tensor (", target,
                  ") isn't allowed in a leading, non-existing dimension ", i);
      sizes[static_cast<size_t>(i)] = target;
      strides[static_cast<size_t>(i)] = 0;
      continue;
    }
    int64_t cur = self.sizes()[static_cast<size_t>(i - offset)];
    if (target == -1) target = cur;
    EMBER_CHECK(target >= 0, ValueError, "[expand] The expanded size of the tensor (", target, ") must be non-negative");
    EMBER_CHECK(cur == target || cur == 1, ValueError, "[expand] The expanded size of the tensor (", target,
                ") must match the existing size (", cur, ") at non-singleton dimension ", i, ".  Target sizes: ", size,
                ".  Tensor sizes: ", self.sizes());
    sizes[static_cast<size_t>(i)] = target;
    strides[static_cast<size_t>(i)] = cur == target ? self.strides()[static_cast<size_t>(i - offset)] : 0;
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor expand_as(const Tensor& self, const Tensor& other) { return self.expand(other.sizes()); }

Tensor slice(const Tensor& self, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  EMBER_CHECK(self.dim() > 0, IndexError, "[slice] slice() cannot be applied to a 0-dim tensor.");
  EMBER_CHECK(step > 0, ValueError, "[slice] slice step must be positive");
  int64_t d = wrap_dim(dim, self.dim(), "slice");
  int64_t n = self.sizes()[static_cast<size_t>(d)];
  int64_t s = start.value_or(0), e = end.value_or(INT64_MAX);
  if (s < 0) s += n;  // n >= 0 and s < 0: no overflow
  if (e < 0) e += n;
  s = std::min(std::max<int64_t>(s, 0), n);
  e = std::min(std::max<int64_t>(e, s), n);
  const size_t du = static_cast<size_t>(d);
  DimVector sizes(self.sizes()), strides(self.strides());
  sizes[du] = (e - s) / step + ((e - s) % step != 0);  // ceil without overflowing for a huge step
  int64_t offset = 0;
  // The stride of a dim of size <= 1 is never used to address anything: keep it when
  // stride * step does not fit (a huge step picks one element).
  if (!checked_mul(strides[du], step, &strides[du])) {
    EMBER_CHECK(sizes[du] <= 1, ValueError, "[slice] stride ", self.strides()[du], " times step ", step,
                " overflows int64");
    strides[du] = self.strides()[du];
  }
  EMBER_CHECK(checked_mul(s, self.strides()[du], &offset) && checked_add(self.storage_offset(), offset, &offset),
              ValueError, "[slice] the storage offset of the slice starting at ", s, " overflows int64");
  return make_view(self, sizes, strides, offset);
}

Tensor select(const Tensor& self, int64_t dim, int64_t index) {
  EMBER_CHECK(self.dim() > 0, IndexError, "[select] select() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, self.dim(), "select");
  int64_t n = self.sizes()[static_cast<size_t>(d)];
  EMBER_CHECK(index >= -n && index < n, IndexError, "[select] index ", index, " is out of bounds for dimension ", d,
              " with size ", n);
  if (index < 0) index += n;
  DimVector sizes(self.sizes()), strides(self.strides());
  int64_t offset = 0;
  EMBER_CHECK(checked_mul(index, strides[static_cast<size_t>(d)], &offset) &&
                  checked_add(self.storage_offset(), offset, &offset),
              ValueError, "[select] the storage offset of index ", index, " overflows int64");
  sizes.erase(static_cast<size_t>(d));
  strides.erase(static_cast<size_t>(d));
  return make_view(self, sizes, strides, offset);
}

Tensor narrow(const Tensor& self, int64_t dim, int64_t start, int64_t length) {
  EMBER_CHECK(self.dim() > 0, IndexError, "[narrow] narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, self.dim(), "narrow");
  int64_t n = self.size(d);
  if (start < 0) start += n;
  EMBER_CHECK(start >= 0 && length >= 0 && length <= n - start, IndexError, "[narrow] start (", start, ") + length (", length,
              ") exceeds dimension size (", n, ").");
  return self.slice(d, start, start + length, 1);
}

Tensor squeeze(const Tensor& self) {
  DimVector sizes, strides;
  for (int64_t i = 0; i < self.dim(); ++i) {
    if (self.sizes()[static_cast<size_t>(i)] == 1) continue;
    sizes.push_back(self.sizes()[static_cast<size_t>(i)]);
    strides.push_back(self.strides()[static_cast<size_t>(i)]);
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor squeeze(const Tensor& self, int64_t dim) {
  int64_t d = wrap_dim(dim, self.dim(), "squeeze");
  if (self.dim() == 0 || self.sizes()[static_cast<size_t>(d)] != 1)
    return make_view(self, self.sizes(), self.strides(), self.storage_offset());
  DimVector sizes(self.sizes()), strides(self.strides());
  sizes.erase(static_cast<size_t>(d));
  strides.erase(static_cast<size_t>(d));
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor unsqueeze(const Tensor& self, int64_t dim) {
  int64_t d = wrap_dim(dim, self.dim() + 1, "unsqueeze");
  DimVector sizes(self.sizes()), strides(self.strides());
  // The new dim has size 1, so its stride addresses nothing: PyTorch's size * stride, or 1
  // where that product does not fit (an empty view may carry any stride).
  int64_t st = 1;
  if (d < self.dim() && !checked_mul(self.sizes()[static_cast<size_t>(d)], self.strides()[static_cast<size_t>(d)], &st)) st = 1;
  sizes.insert(static_cast<size_t>(d), 1);
  strides.insert(static_cast<size_t>(d), st);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor flatten(const Tensor& self, int64_t start_dim, int64_t end_dim) {
  if (self.dim() == 0) return self.reshape({1});
  int64_t s = wrap_dim(start_dim, self.dim(), "flatten"), e = wrap_dim(end_dim, self.dim(), "flatten");
  EMBER_CHECK(s <= e, ValueError, "[flatten] flatten() has invalid args: start_dim cannot come after end_dim");
  if (s == e) return self.alias();
  DimVector shape;
  int64_t prod = 1;
  for (int64_t i = 0; i < self.dim(); ++i) {
    if (i < s || i > e) shape.push_back(self.size(i));
    else {
      prod *= self.size(i);
      if (i == e) shape.push_back(prod);
    }
  }
  return self.reshape(shape);
}

Tensor unflatten(const Tensor& self, int64_t dim, IntArrayRef sizes) {
  int64_t d = wrap_dim(dim, self.dim(), "unflatten");
  EMBER_CHECK(!sizes.empty(), ValueError, "[unflatten] sizes must be non-empty");
  DimVector shape;
  for (int64_t i = 0; i < d; ++i) shape.push_back(self.size(i));
  DimVector inner = infer_size(sizes, self.size(d), "unflatten");
  for (int64_t v : inner) shape.push_back(v);
  for (int64_t i = d + 1; i < self.dim(); ++i) shape.push_back(self.size(i));
  return self.view(shape);
}

std::vector<Tensor> split(const Tensor& self, int64_t split_size, int64_t dim) {
  EMBER_CHECK(self.dim() > 0, ValueError, "[split] split expects at least a 1-dimensional tensor");
  EMBER_CHECK(split_size >= 0, ValueError, "[split] split expects split_size be non-negative, but got split_size=", split_size);
  int64_t d = wrap_dim(dim, self.dim(), "split");
  int64_t n = self.size(d);
  EMBER_CHECK(split_size > 0 || n == 0, ValueError, "[split] split_size can only be 0 if dimension size is 0");
  std::vector<Tensor> out;
  if (n == 0) {
    out.push_back(self.alias());
    return out;
  }
  check_empty_view_count(self, n / split_size + (n % split_size != 0), "split");
  for (int64_t s = 0; s < n; s += split_size) out.push_back(self.narrow(d, s, std::min(split_size, n - s)));
  return out;
}

std::vector<Tensor> split_with_sizes(const Tensor& self, IntArrayRef split_sizes, int64_t dim) {
  int64_t d = wrap_dim(dim, self.dim(), "split_with_sizes");
  int64_t total = 0;
  bool fits = true;
  for (int64_t s : split_sizes) fits = fits && checked_add(total, s, &total);
  EMBER_CHECK(fits && total == self.size(d), ValueError, "[split_with_sizes] expects split_sizes to sum exactly to ", self.size(d),
              " (input tensor's size at dimension ", d, "), but got split_sizes=", split_sizes);
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : split_sizes) {
    out.push_back(self.narrow(d, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& self, int64_t chunks, int64_t dim) {
  EMBER_CHECK(chunks > 0, ValueError, "[chunk] chunk expects `chunks` to be greater than 0, got: ", chunks);
  int64_t d = wrap_dim(dim, self.dim(), "chunk");
  int64_t n = self.size(d);
  int64_t split_size = n / chunks + (n % chunks != 0);  // ceil without overflowing for huge chunks
  if (n == 0) {
    // PyTorch returns `chunks` empty views here; a count no program could use is refused
    // instead of looping (chunk(t, 2^40) would hang and then run out of memory).
    check_empty_view_count(self, chunks, "chunk");
    std::vector<Tensor> out;
    out.reserve(static_cast<size_t>(chunks));
    for (int64_t i = 0; i < chunks; ++i) out.push_back(self.alias());
    return out;
  }
  return self.split(split_size, d);
}

std::vector<Tensor> unbind(const Tensor& self, int64_t dim) {
  int64_t d = wrap_dim(dim, self.dim(), "unbind");
  check_empty_view_count(self, self.size(d), "unbind");
  std::vector<Tensor> out;
  for (int64_t i = 0; i < self.size(d); ++i) out.push_back(self.select(d, i));
  return out;
}

Tensor alias(const Tensor& self) { return make_view(self, self.sizes(), self.strides(), self.storage_offset()); }

// In-place view ops: self takes the geometry of the out-of-place view (its data stays where it
// is). The version moves, as for any in-place op, so that a tensor saved for backward is not
// used with its new shape.
namespace {
Tensor take_geometry(const Tensor& self, const Tensor& view) {
  self.impl()->set_sizes_and_strides(view.sizes(), view.strides(), view.storage_offset());
  self.impl()->bump_version();
  return self;
}
}  // namespace

Tensor transpose_(const Tensor& self, int64_t dim0, int64_t dim1) { return take_geometry(self, native::transpose(self, dim0, dim1)); }
Tensor t_(const Tensor& self) { return take_geometry(self, native::t(self)); }
Tensor squeeze_(const Tensor& self) { return take_geometry(self, native::squeeze(self)); }
Tensor squeeze_(const Tensor& self, int64_t dim) { return take_geometry(self, native::squeeze(self, dim)); }
Tensor unsqueeze_(const Tensor& self, int64_t dim) { return take_geometry(self, native::unsqueeze(self, dim)); }

}  // namespace native
}  // namespace ember
