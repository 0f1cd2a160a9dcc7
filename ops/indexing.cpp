// Tensor::index / index_put_ (ops/indexing.h): basic indices become views (select, slice,
// unsqueeze), advanced indices one index_select over the indexed dims flattened into one.
#include "ops/indexing.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "ops/tensor_operators.h"
#include "core/warning.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace indexing {

Slice::Slice(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
  step_ = step.value_or(1);
  EMBER_CHECK(step_ != 0, ValueError, "[Slice] slice step cannot be zero");
  start_ = start ? *start : step_ < 0 ? INDEX_MAX : 0;
  stop_ = stop ? *stop : step_ < 0 ? INDEX_MIN : INDEX_MAX;
}

std::ostream& operator<<(std::ostream& os, const Slice& slice) {
  return os << slice.start() << ":" << slice.stop() << ":" << slice.step();
}

TensorIndex::TensorIndex(const char* ellipsis) : type_(TensorIndexType::Ellipsis) {
  EMBER_CHECK(std::string(ellipsis) == "...", ValueError, "Expected \"...\" to represent an ellipsis index, but got \"",
              ellipsis, "\"");
}

std::ostream& operator<<(std::ostream& os, const TensorIndex& index) {
  switch (index.type()) {
    case TensorIndexType::None: return os << "None";
    case TensorIndexType::Ellipsis: return os << "...";
    case TensorIndexType::Integer: return os << index.integer();
    case TensorIndexType::Boolean: return os << (index.boolean() ? "true" : "false");
    case TensorIndexType::Slice: return os << index.slice();
    case TensorIndexType::Tensor: return os << index.tensor();
  }
  return os;
}

std::ostream& operator<<(std::ostream& os, const std::vector<TensorIndex>& indices) {
  os << "(";
  for (size_t i = 0; i < indices.size(); ++i) os << (i ? ", " : "") << indices[i];
  return os << ")";
}

}  // namespace indexing

namespace {

using indexing::TensorIndex;
using indexing::TensorIndexType;

// The view that the basic indices select, and the advanced index tensor of each of its dims
// (undefined where there is none).
struct BasicResult {
  Tensor view;
  std::vector<Tensor> advanced;
  bool has_advanced = false;
};

void set_advanced(BasicResult& r, int64_t dim, Tensor index) {
  if (static_cast<int64_t>(r.advanced.size()) <= dim) r.advanced.resize(static_cast<size_t>(dim) + 1);
  r.advanced[static_cast<size_t>(dim)] = std::move(index);
  r.has_advanced = true;
}

bool is_mask(const Tensor& t) { return t.scalar_type() == kBool || t.scalar_type() == kUInt8; }

// How many dims of the indexed tensor an index consumes.
int64_t dims_consumed(const TensorIndex& index) {
  switch (index.type()) {
    case TensorIndexType::Integer:
    case TensorIndexType::Slice: return 1;
    case TensorIndexType::Tensor: return is_mask(index.tensor()) ? index.tensor().dim() : 1;
    default: return 0;
  }
}

Tensor mask_to_bool(const Tensor& mask) {
  if (mask.scalar_type() == kBool) return mask;
  EMBER_WARN("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.");
  return mask.to(kBool);
}

// self[..., i, ...] at dim of the view being built (real_dim: the dim of the indexed tensor).
void select_integer(BasicResult& r, int64_t dim, int64_t& real_dim, int64_t i) {
  int64_t size = r.view.size(dim);
  EMBER_CHECK(i >= -size && i < size, IndexError, "index ", i, " is out of bounds for dimension ", real_dim,
              " with size ", size);
  r.view = r.view.select(dim, i);
  ++real_dim;
}

// The advanced index a boolean scalar stands for: [0] when true, [] when false.
Tensor bool_index(bool value, Device device) {
  return value ? ember::zeros({1}, TensorOptions(kInt64).device(device))
               : ember::empty({0}, TensorOptions(kInt64).device(device));
}

// api: the TensorIndex API (Tensor::index), where a 0-d integer tensor is an integer, as in
// libtorch's applySlicing; otherwise ATen's index.Tensor list, where every tensor is advanced.
enum class IndexApi { TensorIndex, AtenList };

BasicResult apply_basic(const Tensor& self, ArrayRef<TensorIndex> indices, const char* op,
                        IndexApi api = IndexApi::TensorIndex) {
  EMBER_CHECK(!indices.empty(), IndexError, "Passing an empty index list to Tensor::", op, "() is not valid syntax");
  int64_t consumed = 0;
  int ellipses = 0;
  for (const TensorIndex& index : indices) {
    consumed += dims_consumed(index);
    ellipses += index.is_ellipsis();
  }
  EMBER_CHECK(ellipses <= 1, IndexError, "an index can only have a single ellipsis ('...')");
  EMBER_CHECK(self.dim() > 0 || consumed == 0, IndexError,
              "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
              "convert a 0-dim tensor to a number");
  EMBER_CHECK(consumed <= self.dim(), IndexError, "too many indices for tensor of dimension ", self.dim());

  BasicResult r;
  r.view = self;
  int64_t dim = 0;       // position in the view being built
  int64_t real_dim = 0;  // position in self, for messages
  int64_t remaining = consumed;
  for (const TensorIndex& index : indices) {
    switch (index.type()) {
      case TensorIndexType::None:
        r.view = r.view.unsqueeze(dim++);
        break;
      case TensorIndexType::Ellipsis: {
        int64_t skip = r.view.dim() - dim - remaining;
        dim += skip;
        real_dim += skip;
        break;
      }
      case TensorIndexType::Integer:
        select_integer(r, dim, real_dim, index.integer());
        --remaining;
        break;
      case TensorIndexType::Slice: {
        const indexing::Slice& s = index.slice();
        EMBER_CHECK(s.step() > 0, ValueError, "step must be greater than zero");
        r.view = r.view.slice(dim++, s.start(), s.stop(), s.step());
        ++real_dim;
        --remaining;
        break;
      }
      case TensorIndexType::Boolean:
        // As a 0-d bool tensor (numpy's rule): a new dim with an advanced index of one element or
        // none, so that several booleans broadcast into one dim and the result is a copy.
        r.view = r.view.unsqueeze(dim);
        set_advanced(r, dim++, bool_index(index.boolean(), self.device()));
        break;
      case TensorIndexType::Tensor: {
        const Tensor& t = index.tensor();
        if (api == IndexApi::TensorIndex && t.dim() == 0 && !is_mask(t) && is_integral(t.scalar_type(), false)) {
          select_integer(r, dim, real_dim, t.item().to<int64_t>());
          --remaining;
          break;
        }
        if (is_mask(t)) {
          Tensor mask = mask_to_bool(t);
          if (mask.dim() == 0) {
            r.view = r.view.unsqueeze(dim);
            set_advanced(r, dim++, bool_index(mask.item().to<bool>(), self.device()));
            break;
          }
          for (int64_t j = 0; j < mask.dim(); ++j) {
            EMBER_CHECK(mask.size(j) == r.view.size(dim + j), IndexError, "The shape of the mask ", mask.sizes(),
                        " at index ", j, " does not match the shape of the indexed tensor ", r.view.sizes(), " at index ",
                        dim + j);
          }
          Tensor nz = ember::nonzero(mask);
          for (int64_t j = 0; j < mask.dim(); ++j) set_advanced(r, dim + j, nz.select(1, j));
          dim += mask.dim();
          real_dim += mask.dim();
          remaining -= mask.dim();
        } else {
          EMBER_CHECK(is_integral(t.scalar_type(), false), IndexError,
                      "tensors used as indices must be long, int, byte or bool tensors");
          set_advanced(r, dim++, t);
          ++real_dim;
          --remaining;
        }
        break;
      }
    }
  }
  if (r.has_advanced) r.advanced.resize(static_cast<size_t>(r.view.dim()));
  return r;
}

DimVector broadcast_shape(const std::vector<Tensor>& tensors) {
  DimVector shape;
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    size_t n = std::max<size_t>(shape.size(), static_cast<size_t>(t.dim()));
    DimVector out(n);
    for (size_t i = 0; i < n; ++i) {
      int64_t a = i < n - shape.size() ? 1 : shape[i - (n - shape.size())];
      int64_t b = i < n - static_cast<size_t>(t.dim()) ? 1 : t.sizes()[i - (n - static_cast<size_t>(t.dim()))];
      EMBER_CHECK(a == b || a == 1 || b == 1, IndexError, "shape mismatch: indexing tensors could not be broadcast together");
      out[i] = a == 1 ? b : a;
    }
    shape = out;
  }
  return shape;
}

// Everything advanced indexing needs: the indexed dims, the other dims, the linear index into
// the indexed dims (of the broadcast index shape) and the shape of the result.
struct AdvancedPlan {
  std::vector<int64_t> indexed;  // dims with an index tensor, ascending
  std::vector<int64_t> others;   // the rest, ascending
  DimVector index_shape;         // broadcast shape of the index tensors
  std::vector<Tensor> wrapped;   // per indexed dim: int64, non-negative, index_shape
  Tensor linear;                 // int64, index_shape: position in the indexed dims, row-major
  int64_t indexed_numel = 1;     // product of the indexed dims' sizes
  bool moved = false;            // the index dims go where the first indexed dim was
  DimVector result_shape;
};

AdvancedPlan plan_advanced(const Tensor& src, const std::vector<Tensor>& indices) {
  AdvancedPlan p;
  for (int64_t d = 0; d < src.dim(); ++d) {
    bool has = d < static_cast<int64_t>(indices.size()) && indices[static_cast<size_t>(d)].defined();
    (has ? p.indexed : p.others).push_back(d);
  }
  EMBER_INTERNAL_ASSERT(!p.indexed.empty());
  p.index_shape = broadcast_shape(indices);
  for (size_t j = 0; j < p.indexed.size(); ++j) {
    int64_t d = p.indexed[j];
    int64_t size = src.size(d);
    Tensor idx = indices[static_cast<size_t>(d)];
    EMBER_CHECK(idx.device() == src.device(), ValueError, "indices should be on the same device as the indexed tensor (",
                src.device(), "), got ", idx.device());
    if (idx.scalar_type() != kInt64) idx = idx.to(kInt64);
    if (idx.numel() > 0) {
      Tensor bad = (idx >= size).logical_or(idx < -size);
      if (bad.any().item<bool>()) {
        int64_t value = idx.masked_select(bad)[0].item<int64_t>();
        EMBER_CHECK(size != 0, IndexError, "index ", value, " is out of bounds for dimension with size 0");
        EMBER_FAIL(IndexError, "index ", value, " is out of bounds for dimension ", d, " with size ", size);
      }
      idx = ember::where(idx < 0, idx + size, idx);
    }
    idx = idx.expand(p.index_shape);
    p.wrapped.push_back(idx);
    p.linear = p.linear.defined() ? p.linear * size + idx : idx;
    p.indexed_numel *= size;
  }
  bool adjacent = true;
  for (size_t j = 1; j < p.indexed.size(); ++j) adjacent = adjacent && p.indexed[j] == p.indexed[j - 1] + 1;
  p.moved = adjacent && p.indexed.front() > 0;
  // Result: [others before the first indexed dim], index_shape, [the other others] when moved;
  // else index_shape, others.
  size_t before = 0;
  if (p.moved)
    while (before < p.others.size() && p.others[before] < p.indexed.front()) ++before;
  for (size_t i = 0; i < before; ++i) p.result_shape.push_back(src.size(p.others[i]));
  for (int64_t s : p.index_shape) p.result_shape.push_back(s);
  for (size_t i = before; i < p.others.size(); ++i) p.result_shape.push_back(src.size(p.others[i]));
  return p;
}

// Permutes a result-shaped tensor (or its inverse) between the result layout and
// [index_shape..., others...].
std::vector<int64_t> result_to_front(const AdvancedPlan& p, size_t before) {
  size_t nb = p.index_shape.size();
  std::vector<int64_t> perm;
  for (size_t i = 0; i < nb; ++i) perm.push_back(static_cast<int64_t>(before + i));
  for (size_t i = 0; i < before; ++i) perm.push_back(static_cast<int64_t>(i));
  for (size_t i = before + nb; i < p.result_shape.size(); ++i) perm.push_back(static_cast<int64_t>(i));
  return perm;
}

size_t others_before(const AdvancedPlan& p) {
  size_t before = 0;
  if (p.moved)
    while (before < p.others.size() && p.others[before] < p.indexed.front()) ++before;
  return before;
}

std::vector<int64_t> invert(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  return inv;
}

// src as [indexed_numel, others...] (indexed dims first, flattened).
Tensor flatten_indexed(const Tensor& src, const AdvancedPlan& p) {
  std::vector<int64_t> perm(p.indexed.begin(), p.indexed.end());
  perm.insert(perm.end(), p.others.begin(), p.others.end());
  DimVector shape{p.indexed_numel};
  for (int64_t d : p.others) shape.push_back(src.size(d));
  return src.permute(perm).reshape(shape);
}

Tensor advanced_index(const Tensor& src, const std::vector<Tensor>& indices) {
  AdvancedPlan p = plan_advanced(src, indices);
  Tensor flat = flatten_indexed(src, p);
  Tensor picked = flat.index_select(0, p.linear.reshape({-1}));
  DimVector front_shape(p.index_shape);
  for (int64_t d : p.others) front_shape.push_back(src.size(d));
  Tensor out = picked.reshape(front_shape);
  if (p.moved) out = out.permute(invert(result_to_front(p, others_before(p))));
  return out;
}

bool broadcastable_to(IntArrayRef from, IntArrayRef to) {
  if (from.size() > to.size()) {
    for (size_t i = 0; i < from.size() - to.size(); ++i)
      if (from[i] != 1) return false;
    from = from.slice(from.size() - to.size(), to.size());
  }
  size_t off = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[off + i]) return false;
  return true;
}

Tensor expand_values(const Tensor& values, IntArrayRef shape, ScalarType dtype) {
  EMBER_CHECK(broadcastable_to(values.sizes(), shape), ValueError, "shape mismatch: value tensor of shape ",
              values.sizes(), " cannot be broadcast to indexing result of shape ", shape);
  Tensor v = values;
  if (v.dim() > static_cast<int64_t>(shape.size())) {
    // Leading size-1 dims beyond the result's rank: drop them.
    v = v.reshape(IntArrayRef(v.sizes().end() - shape.size(), shape.size()));
  }
  if (v.scalar_type() != dtype) v = v.to(dtype);
  return v.expand(shape);
}

// Grad mode is autograd's (a layer above ops), so it is not consulted: under no_grad the
// differentiable path merely records nothing.
bool needs_autograd(const Tensor& self, const Tensor& values) { return self.requires_grad() || values.requires_grad(); }

// Writes values ([index numel, others...]) into dst at the planned positions, in place, through
// a flat view of dst's storage.
void scatter_into_storage(const Tensor& dst, const AdvancedPlan& p, const Tensor& front_values, bool accumulate) {
  // Storage offset of every written element: the indexed dims' part from the linear index, the
  // others' part from their strides.
  Tensor offsets = ember::zeros(p.index_shape, TensorOptions(kInt64).device(dst.device()));
  for (size_t j = 0; j < p.indexed.size(); ++j) offsets = offsets + p.wrapped[j] * dst.stride(p.indexed[j]);
  DimVector full_shape(p.index_shape);
  size_t nb = full_shape.size();
  for (int64_t d : p.others) full_shape.push_back(dst.size(d));
  DimVector view_shape(p.index_shape);
  for (size_t i = 0; i < p.others.size(); ++i) view_shape.push_back(1);
  offsets = offsets.reshape(view_shape) + dst.storage_offset();
  for (size_t i = 0; i < p.others.size(); ++i) {
    int64_t d = p.others[i];
    DimVector shape(full_shape.size(), 1);
    shape[nb + i] = dst.size(d);
    offsets = offsets + ember::arange(dst.size(d), TensorOptions(kInt64).device(dst.device())).reshape(shape) * dst.stride(d);
  }
  offsets = offsets.expand(full_shape).reshape({-1});
  int64_t storage_numel = static_cast<int64_t>(dst.impl()->storage()->nbytes() / dst.element_size());
  Tensor storage_view = make_untracked_view(dst, {storage_numel}, {1}, 0);
  Tensor vals = front_values.reshape({-1});
  if (accumulate) storage_view.scatter_add_(0, offsets, vals);
  else storage_view.scatter_(0, offsets, vals);
}

}  // namespace

namespace {
Tensor index_by(const Tensor& self, ArrayRef<TensorIndex> indices, IndexApi api);
}  // namespace

Tensor index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices) {
  EMBER_CHECK(static_cast<int64_t>(indices.size()) <= self.dim(), IndexError, "too many indices for tensor of dimension ",
              self.dim(), " (got ", indices.size(), ")");
  std::vector<TensorIndex> list;
  for (const auto& i : indices) {
    if (i && i->defined()) list.emplace_back(*i);
    else list.emplace_back(indexing::Slice());
  }
  return index_by(self, list, IndexApi::AtenList);
}

namespace {
Tensor index_by(const Tensor& self, ArrayRef<TensorIndex> indices, IndexApi api) {
  BasicResult r = apply_basic(self, indices, "index", api);
  if (!r.has_advanced) {
    // A result that is self itself (x[...]) is still a new view, as in PyTorch.
    return r.view.is_same(self) ? self.alias() : r.view;
  }
  return advanced_index(r.view, r.advanced);
}
}  // namespace

namespace {
Tensor& put_basic(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor& values) {
  BasicResult r = apply_basic(self, indices, "index_put_");
  if (!r.has_advanced) {
    Tensor v = expand_values(values, r.view.sizes(), r.view.scalar_type());
    r.view.copy_(v);
    return const_cast<Tensor&>(self);
  }
  AdvancedPlan p = plan_advanced(r.view, r.advanced);
  Tensor v = expand_values(values, p.result_shape, self.scalar_type());
  if (p.moved) v = v.permute(result_to_front(p, others_before(p)));
  if (!needs_autograd(self, values)) {
    scatter_into_storage(r.view, p, v.contiguous(), false);
    return const_cast<Tensor&>(self);
  }
  // Differentiable: compute the updated view out of place, then copy it in.
  Tensor updated = index_put(r.view, std::vector<std::optional<Tensor>>(r.advanced.begin(), r.advanced.end()),
                             values, false);
  r.view.copy_(updated);
  return const_cast<Tensor&>(self);
}
}  // namespace

Tensor& index_put_(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                   bool accumulate) {
  std::vector<Tensor> adv(static_cast<size_t>(self.dim()));
  EMBER_CHECK(static_cast<int64_t>(indices.size()) <= self.dim(), IndexError, "too many indices for tensor of dimension ",
              self.dim(), " (got ", indices.size(), ")");
  bool any = false;
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] && indices[i]->defined()) {
      adv[i] = *indices[i];
      any = true;
    }
  }
  if (!any) {
    Tensor v = expand_values(values, self.sizes(), self.scalar_type());
    if (accumulate) self.add_(v);
    else self.copy_(v);
    return self;
  }
  // Masks among the indices expand into one index tensor per masked dim.
  std::vector<TensorIndex> list;
  for (const Tensor& t : adv) list.emplace_back(t.defined() ? TensorIndex(t) : TensorIndex(indexing::Slice()));
  BasicResult r = apply_basic(self, list, "index_put_", IndexApi::AtenList);
  AdvancedPlan p = plan_advanced(r.view, r.advanced);
  Tensor v = expand_values(values, p.result_shape, self.scalar_type());
  if (p.moved) v = v.permute(result_to_front(p, others_before(p)));
  if (!needs_autograd(self, values)) {
    scatter_into_storage(self, p, v.contiguous(), accumulate);
    return self;
  }
  self.copy_(index_put(self, indices, values, accumulate));
  return self;
}

Tensor index_put(const Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                 bool accumulate) {
  std::vector<Tensor> adv(static_cast<size_t>(self.dim()));
  for (size_t i = 0; i < indices.size() && i < adv.size(); ++i)
    if (indices[i] && indices[i]->defined()) adv[i] = *indices[i];
  std::vector<TensorIndex> list;
  for (const Tensor& t : adv) list.emplace_back(t.defined() ? TensorIndex(t) : TensorIndex(indexing::Slice()));
  BasicResult r = apply_basic(self, list, "index_put_", IndexApi::AtenList);
  if (!r.has_advanced) {
    Tensor v = expand_values(values, self.sizes(), self.scalar_type());
    return accumulate ? self + v : v.clone();
  }
  AdvancedPlan p = plan_advanced(r.view, r.advanced);
  Tensor v = expand_values(values, p.result_shape, self.scalar_type());
  if (p.moved) v = v.permute(result_to_front(p, others_before(p)));
  Tensor flat = flatten_indexed(self, p);  // [indexed_numel, others...]
  int64_t rows = p.linear.numel();
  Tensor flat2 = flat.reshape({p.indexed_numel, -1});
  int64_t cols = flat2.size(1);
  Tensor idx2 = p.linear.reshape({rows, 1}).expand({rows, cols});
  Tensor v2 = v.reshape({rows, cols});
  Tensor out2 = accumulate ? flat2.scatter_add(0, idx2, v2) : flat2.scatter(0, idx2, v2);
  std::vector<int64_t> perm(p.indexed.begin(), p.indexed.end());
  perm.insert(perm.end(), p.others.begin(), p.others.end());
  DimVector permuted_shape;
  for (int64_t d : perm) permuted_shape.push_back(self.size(d));
  return out2.reshape(permuted_shape).permute(invert(perm));
}

Tensor Tensor::index(ArrayRef<indexing::TensorIndex> indices) const { return index_by(*this, indices, IndexApi::TensorIndex); }

Tensor& Tensor::index_put_(const std::vector<std::optional<Tensor>>& indices, const Tensor& values, bool accumulate) const {
  return ember::index_put_(const_cast<Tensor&>(*this), indices, values, accumulate);
}

Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& values) const {
  return put_basic(*this, indices, values);
}

Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& value) const {
  return put_basic(*this, indices, scalar_to_tensor(value, device()).to(scalar_type()));
}

Tensor Tensor::operator[](const Tensor& index) const { return this->index({indexing::TensorIndex(index)}); }

}  // namespace ember
