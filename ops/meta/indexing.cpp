// Meta functions of joining, indexing, filling, copying, ranges and random fills.
#include <cmath>

#include "ops/meta.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace meta {

namespace {
MetaResult in_place(const Tensor& self, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = self.device();
  m.outputs[0].sizes = DimVector(self.sizes());
  m.outputs[0].dtype = self.scalar_type();
  m.compute_dtype = self.scalar_type();
  return m;
}
void check_index_dtype(const Tensor& index, const char* op) {
  EMBER_CHECK(index.scalar_type() == kInt64 || index.scalar_type() == kInt32, TypeError, "[", op,
              "] Expected dtype int32/int64 for index, got ", index.scalar_type());
}
}  // namespace

MetaResult cat_op(TensorList tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), ValueError, "[cat] expected a non-empty list of Tensors");
  const Tensor* ref = nullptr;
  ScalarType dtype = ScalarType::Undefined;
  for (const Tensor& t : tensors) {
    EMBER_CHECK(t.defined(), ValueError, "[cat] got an undefined tensor");
    dtype = dtype == ScalarType::Undefined ? t.scalar_type() : promote_types(dtype, t.scalar_type());
    if (!(t.dim() == 1 && t.size(0) == 0) && !ref) ref = &t;  // legacy: 1-D empty tensors are skipped
  }
  MetaResult m;
  m.op_name = "cat";
  m.device = tensors[0].device();
  for (const Tensor& t : tensors)
    EMBER_CHECK(t.device() == m.device, ValueError, "[cat] Expected all tensors to be on the same device, but found ", m.device,
                " and ", t.device());
  m.compute_dtype = dtype;
  m.cast_inputs = true;
  m.outputs[0].dtype = dtype;
  if (!ref) {  // only legacy 1-D empty tensors: nothing is copied along any dim
    m.outputs[0].sizes = DimVector({0});
    m.set_dim(0);
    return m;
  }
  EMBER_CHECK(ref->dim() > 0, ValueError, "[cat] zero-dimensional tensor cannot be concatenated");
  int64_t d = wrap_dim(dim, ref->dim(), "cat");
  DimVector out(ref->sizes());
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (t.dim() == 1 && t.size(0) == 0) continue;
    EMBER_CHECK(t.dim() == ref->dim(), ValueError, "[cat] Tensors must have same number of dimensions: got ", ref->dim(), " and ",
                t.dim());
    for (int64_t k = 0; k < t.dim(); ++k)
      EMBER_CHECK(k == d || t.size(k) == ref->size(k), ValueError, "[cat] Sizes of tensors must match except in dimension ", d,
                  ". Expected size ", ref->size(k), " but got size ", t.size(k), " for tensor number ", i, " in the list.");
    total += t.size(d);
  }
  out[static_cast<size_t>(d)] = total;
  m.outputs[0].sizes = std::move(out);
  m.set_dim(d);
  return m;
}

MetaResult index_select_op(const Tensor& self, int64_t dim, const Tensor& index) {
  EMBER_CHECK(index.dim() <= 1, ValueError, "[index_select] Index is supposed to be a vector, got ", index.dim(), "-D");
  check_index_dtype(index, "index_select");
  int64_t d = wrap_dim(dim, self.dim(), "index_select");
  MetaResult m;
  m.op_name = "index_select";
  m.device = common_device({&self, &index}, "index_select");
  DimVector out(self.sizes());
  if (self.dim() > 0) out[static_cast<size_t>(d)] = index.numel();
  m.outputs[0].sizes = std::move(out);
  m.outputs[0].dtype = self.scalar_type();
  m.compute_dtype = self.scalar_type();
  m.set_dim(d);
  return m;
}

MetaResult gather_op(const Tensor& self, int64_t dim, const Tensor& index, bool) {
  EMBER_CHECK(index.scalar_type() == kInt64, TypeError, "[gather] Expected dtype int64 for index, got ", index.scalar_type());
  int64_t d = wrap_dim(dim, self.dim(), "gather");
  EMBER_CHECK(index.dim() == self.dim() || (index.dim() <= 1 && self.dim() <= 1), ValueError,
              "[gather] Index tensor must have the same number of dimensions as input tensor");
  for (int64_t k = 0; k < index.dim(); ++k)
    EMBER_CHECK(k == d || index.size(k) <= self.size(k), ValueError, "[gather] Size does not match at dimension ", k,
                " expected index ", index.sizes(), " to be smaller than self ", self.sizes(), " apart from dimension ", d);
  MetaResult m;
  m.op_name = "gather";
  m.device = common_device({&self, &index}, "gather");
  m.outputs[0].sizes = DimVector(index.sizes());
  m.outputs[0].dtype = self.scalar_type();
  m.compute_dtype = self.scalar_type();
  m.set_dim(d);
  return m;
}

MetaResult scatter_op(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  EMBER_CHECK(index.scalar_type() == kInt64, TypeError, "[scatter] Expected dtype int64 for index, got ", index.scalar_type());
  EMBER_CHECK(src.scalar_type() == self.scalar_type(), TypeError, "[scatter] Expected self.dtype to be equal to src.dtype, got ",
              self.scalar_type(), " and ", src.scalar_type());
  int64_t d = wrap_dim(dim, self.dim(), "scatter");
  EMBER_CHECK(index.dim() == self.dim() || index.numel() == 0, ValueError,
              "[scatter] Index tensor must have the same number of dimensions as self tensor");
  for (int64_t k = 0; k < index.dim() && index.numel() > 0; ++k) {
    EMBER_CHECK(index.size(k) <= src.size(k), ValueError, "[scatter] Expected index ", index.sizes(),
                " to be smaller than src ", src.sizes(), " in every dimension");
    EMBER_CHECK(k == d || index.size(k) <= self.size(k), ValueError, "[scatter] Expected index ", index.sizes(),
                " to be smaller than self ", self.sizes(), " apart from dimension ", d);
  }
  MetaResult m = in_place(self, "scatter");
  m.device = common_device({&self, &index, &src}, "scatter");
  m.set_dim(d);
  return m;
}

MetaResult scatter_op(const Tensor& self, int64_t dim, const Tensor& index, const Scalar&) {
  EMBER_CHECK(index.scalar_type() == kInt64, TypeError, "[scatter] Expected dtype int64 for index, got ", index.scalar_type());
  int64_t d = wrap_dim(dim, self.dim(), "scatter");
  for (int64_t k = 0; k < index.dim() && index.numel() > 0; ++k)
    EMBER_CHECK(k == d || index.size(k) <= self.size(k), ValueError, "[scatter] Expected index ", index.sizes(),
                " to be smaller than self ", self.sizes(), " apart from dimension ", d);
  MetaResult m = in_place(self, "scatter");
  m.device = common_device({&self, &index}, "scatter");
  m.set_dim(d);
  return m;
}

MetaResult masked_fill_op(const Tensor& self, const Tensor& mask, const Scalar&) {
  EMBER_CHECK(mask.scalar_type() == kBool, TypeError, "[masked_fill] only supports boolean masks, but got mask with dtype ",
              mask.scalar_type());
  DimVector b = broadcast_shapes(self.sizes(), mask.sizes());
  EMBER_CHECK(b.ref() == self.sizes(), ValueError, "[masked_fill] mask of shape ", mask.sizes(),
              " cannot be broadcast to self of shape ", self.sizes());
  MetaResult m = in_place(self, "masked_fill");
  m.device = common_device({&self, &mask}, "masked_fill");
  // self reaches structured::run as output 0, not as a tensor input, so the mask bits count
  // from mask: nothing to exclude.
  m.broadcast_inputs = true;
  return m;
}

MetaResult fill_op(const Tensor& self, const Scalar&) { return in_place(self, "fill_"); }

MetaResult copy_op(const Tensor& self, const Tensor& src) {
  DimVector b = broadcast_shapes(self.sizes(), src.sizes());
  EMBER_CHECK(b.ref() == self.sizes(), ValueError, "[copy_] source of shape ", src.sizes(), " cannot be broadcast to ", self.sizes());
  EMBER_CHECK(self.device() == src.device(), ValueError, "[copy_] expected src on ", self.device(), ", got ", src.device());
  MetaResult m = in_place(self, "copy_");
  m.broadcast_inputs = true;  // src to self's shape (self is output 0, not a tensor input)
  m.compute_dtype = src.scalar_type();  // the kernel converts; its dtype mask is checked on src
  return m;
}

MetaResult arange_op(const Scalar& start, const Scalar& end, const Scalar& step) {
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_CHECK(st != 0, ValueError, "[arange] step must be nonzero");
  EMBER_CHECK(std::isfinite(s) && std::isfinite(e), ValueError, "[arange] unsupported range: ", s, " -> ", e);
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), ValueError, "[arange] upper bound and larger bound inconsistent with step sign");
  // The element count in double, as PyTorch; one past int64 (or inf: e - s overflowed) is refused.
  const double size_d = std::ceil((e - s) / st);
  EMBER_CHECK(size_d >= 0 && size_d < 9223372036854775808.0, ValueError,
              "[arange] invalid size, possible overflow? (", s, " -> ", e, " in steps of ", st, ")");
  MetaResult m;
  m.op_name = "arange";
  m.outputs[0].sizes = DimVector({static_cast<int64_t>(size_d)});
  m.device_from_outputs = true;  // dtype and device come from the out tensor
  return m;
}

MetaResult linspace_op(const Scalar&, const Scalar&, int64_t steps) {
  EMBER_CHECK(steps >= 0, ValueError, "[linspace] number of steps must be non-negative");
  MetaResult m;
  m.op_name = "linspace";
  m.outputs[0].sizes = DimVector({steps});
  m.device_from_outputs = true;
  return m;
}

MetaResult eye_op(int64_t n, int64_t mcols) {
  EMBER_CHECK(n >= 0 && mcols >= 0, ValueError, "[eye] n and m must be greater or equal to 0, got ", n, " and ", mcols);
  MetaResult m;
  m.op_name = "eye";
  m.outputs[0].sizes = DimVector({n, mcols});
  m.device_from_outputs = true;
  return m;
}

MetaResult random_op(const Tensor& self, double a, double b, const std::optional<Generator>&) {
  EMBER_CHECK(is_floating_point(self.scalar_type()), TypeError, "[random] expected a floating tensor, got ", self.scalar_type());
  EMBER_CHECK(std::isfinite(a) && std::isfinite(b), ValueError, "[random] parameters must be finite");
  return in_place(self, "uniform_");
}
MetaResult random_op(const Tensor& self, int64_t from, std::optional<int64_t> to, const std::optional<Generator>&) {
  if (to) EMBER_CHECK(from < *to, ValueError, "[random_] expects 'from' to be less than 'to', but got from=", from, " >= to=", *to);
  return in_place(self, "random_");
}
MetaResult random_op(const Tensor& self, double p, const std::optional<Generator>&) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[bernoulli_] Expected p_in >= 0 && p_in <= 1 to be true, but got ", p);
  return in_place(self, "bernoulli_");
}

}  // namespace meta
}  // namespace ember
