// Comparison helpers and masks: isnan/isinf/isfinite, isclose/allclose/equal, nonzero,
// masked_select, type_as; and resize_ (metadata plus, when growing, new storage).
#include <cstring>
#include <limits>

#include "core/device_runtime.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/indexing.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
Tensor all_false(const Tensor& self) { return ember::zeros(self.sizes(), TensorOptions(kBool).device(self.device())); }
}  // namespace

Tensor isnan(const Tensor& self) { return is_floating_point(self.scalar_type()) ? self != self : all_false(self); }
Tensor isinf(const Tensor& self) { return is_floating_point(self.scalar_type()) ? self.abs() == kInf : all_false(self); }
Tensor isposinf(const Tensor& self) { return is_floating_point(self.scalar_type()) ? self == kInf : all_false(self); }
Tensor isneginf(const Tensor& self) { return is_floating_point(self.scalar_type()) ? self == -kInf : all_false(self); }
Tensor isfinite(const Tensor& self) {
  if (!is_floating_point(self.scalar_type())) return ember::ones(self.sizes(), TensorOptions(kBool).device(self.device()));
  return (self == self).logical_and(self.abs() != kInf);
}

Tensor isclose(const Tensor& self, const Tensor& other, double rtol, double atol, bool equal_nan) {
  EMBER_CHECK(self.scalar_type() == other.scalar_type(), TypeError, "[isclose] ", self.scalar_type(), " did not match ",
              other.scalar_type());
  EMBER_CHECK(rtol >= 0, ValueError, "[isclose] rtol must be greater than or equal to zero, but got ", rtol);
  EMBER_CHECK(atol >= 0, ValueError, "[isclose] atol must be greater than or equal to zero, but got ", atol);
  Tensor close = self == other;
  if (self.scalar_type() == kBool) return close;
  if (equal_nan && is_floating_point(self.scalar_type())) close = close.logical_or(self.isnan().logical_and(other.isnan()));
  if (rtol == 0 && atol == 0) return close;
  // In floating point (integers promote to the default dtype), as PyTorch.
  Tensor a = is_floating_point(self.scalar_type()) ? self : self.to(default_dtype());
  Tensor b = is_floating_point(other.scalar_type()) ? other : other.to(default_dtype());
  Tensor allowed = (b * rtol).abs() + atol;
  Tensor actual = (a - b).abs();
  return close.logical_or(actual.isfinite().logical_and(actual <= allowed));
}

bool allclose(const Tensor& self, const Tensor& other, double rtol, double atol, bool equal_nan) {
  return ember::isclose(self, other, rtol, atol, equal_nan).all().item<bool>();
}

bool equal(const Tensor& self, const Tensor& other) {
  EMBER_CHECK(self.device() == other.device(), ValueError, "[equal] Expected both tensors on the same device, got ",
              self.device(), " and ", other.device());
  EMBER_CHECK(self.scalar_type() == other.scalar_type(), TypeError, "[equal] Expected object of scalar type ",
              self.scalar_type(), " but got scalar type ", other.scalar_type(), " for argument 'other'");
  if (!(self.sizes() == other.sizes())) return false;
  if (self.numel() == 0) return true;
  return (self == other).all().item<bool>();
}

Tensor nonzero(const Tensor& self) {
  Tensor host = self.to(Device("cpu")).contiguous();
  const int64_t n = host.numel(), ndim = host.dim();
  std::vector<int64_t> flat_hits;
  EMBER_DISPATCH_ALL_TYPES(host.scalar_type(), "nonzero", [&] {
    const scalar_t* data = host.data_ptr<scalar_t>();
    for (int64_t i = 0; i < n; ++i)
      if (static_cast<double>(data[i]) != 0.0) flat_hits.push_back(i);
  });
  const int64_t hits = static_cast<int64_t>(flat_hits.size());
  Tensor out = new_tensor({hits, ndim}, kInt64, Device("cpu"));
  int64_t* o = out.data_ptr<int64_t>();
  IntArrayRef sizes = host.sizes();
  for (int64_t h = 0; h < hits; ++h) {
    int64_t rest = flat_hits[static_cast<size_t>(h)];
    for (int64_t d = ndim; d-- > 0;) {
      o[h * ndim + d] = rest % sizes[static_cast<size_t>(d)];
      rest /= sizes[static_cast<size_t>(d)];
    }
  }
  return self.is_cpu() ? out : out.to(self.device());
}

Tensor masked_select(const Tensor& self, const Tensor& mask) {
  EMBER_CHECK(mask.scalar_type() == kBool || mask.scalar_type() == kUInt8, TypeError,
              "[masked_select] expected a bool mask, got ", mask.scalar_type());
  // Broadcast self and mask together, then take the masked elements in row-major order.
  Tensor a = self, m = mask;
  int64_t n = std::max(a.dim(), m.dim());
  DimVector shape(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t sa = i < n - a.dim() ? 1 : a.size(i - (n - a.dim()));
    int64_t sm = i < n - m.dim() ? 1 : m.size(i - (n - m.dim()));
    EMBER_CHECK(sa == sm || sa == 1 || sm == 1, ValueError, "[masked_select] the shape of the mask ", mask.sizes(),
                " does not broadcast with self ", self.sizes());
    shape[static_cast<size_t>(i)] = sa == 1 ? sm : sa;
  }
  Tensor flat_mask = m.to(kBool).expand(shape).reshape({-1});
  Tensor positions = ember::nonzero(flat_mask).select(1, 0);
  return a.expand(shape).reshape({-1}).index_select(0, positions);
}

Tensor type_as(const Tensor& self, const Tensor& other) { return self.to(other.options()); }

Tensor resize_(const Tensor& self, IntArrayRef size, std::optional<MemoryFormat>) {
  EMBER_CHECK(!self.requires_grad(), RuntimeError, "[resize_] cannot resize variables that require grad");
  int64_t numel = 1;
  for (int64_t s : size) {
    EMBER_CHECK(s >= 0, ValueError, "[resize_] Trying to create tensor with negative dimension ", s, ": ", size);
    numel *= s;
  }
  if (self.sizes() == size) return self;
  TensorImpl* impl = self.impl();
  size_t needed = static_cast<size_t>(numel + impl->storage_offset()) * impl->itemsize();
  StorageImpl* old = impl->storage();
  if (old->nbytes() < needed) {
    // Grow, keeping the bytes already there (as PyTorch's resize_).
    auto grown = StorageImpl::allocate(needed, impl->device());
    if (old->nbytes() > 0) copy_bytes(grown->data(), impl->device(), old->data(), impl->device(), old->nbytes());
    impl->set_storage(std::move(grown));
  }
  impl->set_sizes_contiguous(size);
  return self;
}

Tensor resize_as_(const Tensor& self, const Tensor& the_template, std::optional<MemoryFormat> memory_format) {
  return ember::resize_(self, the_template.sizes(), memory_format);
}

}  // namespace native
}  // namespace ember
