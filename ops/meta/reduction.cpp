// Meta functions of reductions: the reduced dims, keepdim shapes and result dtypes.
#include "ops/meta.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace meta {

namespace {

// Marks the reduced dims; none or empty means all dims (PyTorch's convention).
std::vector<bool> reduced_dims(const Tensor& self, const std::optional<IntArrayRef>& dim, const char* op) {
  int64_t nd = self.dim();
  std::vector<bool> mask(static_cast<size_t>(nd), false);
  if (!dim || dim->empty()) {
    std::fill(mask.begin(), mask.end(), true);
    return mask;
  }
  for (int64_t d : *dim) {
    int64_t w = wrap_dim(d, nd, op);
    if (nd == 0) continue;
    EMBER_CHECK(!mask[static_cast<size_t>(w)], ValueError, "[", op, "] dim ", w, " appears multiple times in the list of dims");
    mask[static_cast<size_t>(w)] = true;
  }
  return mask;
}

DimVector reduced_shape(const Tensor& self, const std::vector<bool>& mask, bool keepdim) {
  DimVector out;
  for (int64_t d = 0; d < self.dim(); ++d) {
    if (!mask[static_cast<size_t>(d)]) out.push_back(self.sizes()[d]);
    else if (keepdim) out.push_back(1);
  }
  return out;
}

MetaResult reduction(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim, ScalarType out_dtype,
                     ScalarType compute, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = self.device();
  std::vector<bool> mask = reduced_dims(self, dim, op);
  m.outputs[0].sizes = reduced_shape(self, mask, keepdim);
  DimVector dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) dims.push_back(static_cast<int64_t>(d));
  m.set_dims(std::move(dims));
  m.outputs[0].dtype = out_dtype;
  m.compute_dtype = compute;
  m.cast_inputs = compute != self.scalar_type();
  return m;
}

void check_nonempty(const Tensor& self, const std::optional<IntArrayRef>& dim, const char* op) {
  if (self.numel() != 0) return;
  auto mask = reduced_dims(self, dim, op);
  for (int64_t d = 0; d < self.dim(); ++d)
    EMBER_CHECK(!mask[static_cast<size_t>(d)] || self.sizes()[d] != 0, IndexError, "[", op,
                "] Expected reduction dim ", d, " to have non-zero size.");
  EMBER_CHECK(self.dim() != 0 || self.numel() != 0, IndexError, "[", op, "] cannot reduce an empty tensor");
}

}  // namespace

MetaResult sum_op(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType t = dtype ? *dtype : (is_integral(self.scalar_type(), true) ? kInt64 : self.scalar_type());
  return reduction(self, dim, keepdim, t, t, "sum");
}

MetaResult mean_op(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType t = dtype ? *dtype : self.scalar_type();
  EMBER_CHECK(is_floating_point(t), TypeError,
              "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ", t);
  return reduction(self, dim, keepdim, t, t, "mean");
}

MetaResult prod_op(const Tensor& self, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType t = dtype ? *dtype : (is_integral(self.scalar_type(), true) ? kInt64 : self.scalar_type());
  int64_t d[1] = {dim};
  MetaResult m = reduction(self, IntArrayRef(d, 1), keepdim, t, t, "prod");
  m.set_dim(wrap_dim(dim, self.dim(), "prod"));
  return m;
}

MetaResult minmax_op(const Tensor& self, IntArrayRef dim, bool keepdim) {
  check_nonempty(self, dim, "amax");
  return reduction(self, dim, keepdim, self.scalar_type(), self.scalar_type(), "amax");
}

MetaResult minmax_dim_op(const Tensor& self, int64_t dim, bool keepdim) {
  int64_t d[1] = {dim};
  check_nonempty(self, IntArrayRef(d, 1), "max");
  MetaResult m = reduction(self, IntArrayRef(d, 1), keepdim, self.scalar_type(), self.scalar_type(), "max");
  m.num_outputs = 2;
  m.outputs[1].sizes = m.outputs[0].sizes;
  m.outputs[1].dtype = kInt64;
  m.set_dim(wrap_dim(dim, self.dim(), "max"));
  return m;
}

MetaResult arg_reduce_op(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  MetaResult m;
  m.device = self.device();
  m.op_name = "argmax";
  if (dim) {
    int64_t d[1] = {*dim};
    check_nonempty(self, IntArrayRef(d, 1), "argmax");
    m = reduction(self, IntArrayRef(d, 1), keepdim, kInt64, self.scalar_type(), "argmax");
  } else {
    EMBER_CHECK(self.numel() > 0, IndexError, "[argmax] Expected reduction dim to be specified for input.numel() == 0.");
    if (keepdim) m.outputs[0].sizes = DimVector(static_cast<size_t>(self.dim()), 1);
    m.outputs[0].dtype = kInt64;
    m.compute_dtype = self.scalar_type();
  }
  m.set_dim(dim ? std::optional<int64_t>(wrap_dim(*dim, self.dim(), "argmax")) : std::nullopt);
  return m;
}

MetaResult var_op(const Tensor& self, const std::optional<IntArrayRef>& dim, const std::optional<Scalar>& correction,
                  bool keepdim) {
  EMBER_CHECK(is_floating_point(self.scalar_type()), TypeError,
              "std and var only support floating point and complex dtypes, got ", self.scalar_type());
  (void)correction;
  return reduction(self, dim, keepdim, self.scalar_type(), self.scalar_type(), "var");
}

MetaResult bool_reduce_op(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim) {
  MetaResult m = reduction(self, dim, keepdim, kBool, self.scalar_type(), "all");
  m.cast_inputs = false;
  return m;
}

MetaResult softmax_op(const Tensor& self, int64_t dim, bool half_to_float) {
  EMBER_CHECK(!half_to_float, NotImplementedError, "[softmax] half_to_float=True is not supported on ember");
  EMBER_CHECK(is_floating_point(self.scalar_type()), TypeError, "[softmax] expected a floating tensor, got ",
              self.scalar_type());
  MetaResult m;
  m.set_dim(wrap_dim(dim, self.dim(), "softmax"));
  m.op_name = "softmax";
  m.device = self.device();
  m.outputs[0].sizes = DimVector(self.sizes());
  m.outputs[0].dtype = self.scalar_type();
  m.compute_dtype = self.scalar_type();
  return m;
}

}  // namespace meta
}  // namespace ember
