// Derivative helpers used by the formulas in ops.yaml (see functions.h). Only ember ops touch
// tensor data here, so every helper is differentiable again.
#include "autograd/functions.h"

#include <algorithm>

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace autograd {

namespace {

// The reduced dims of a reduction over `dim` (None or empty: every dim), wrapped and sorted.
std::vector<int64_t> reduced_dims(std::optional<IntArrayRef> dim, int64_t ndim) {
  std::vector<int64_t> dims;
  if (!dim || dim->empty()) {
    for (int64_t d = 0; d < ndim; ++d) dims.push_back(d);
    return dims;
  }
  for (int64_t d : *dim) dims.push_back(wrap_dim(d, ndim, "backward"));
  std::sort(dims.begin(), dims.end());
  dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
  return dims;
}

int64_t count_of(IntArrayRef sizes, const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    if (d < static_cast<int64_t>(sizes.size())) n *= sizes[static_cast<size_t>(d)];
  return n;
}

}  // namespace

Tensor sum_to(const Tensor& grad, IntArrayRef sizes) {
  if (grad.sizes() == sizes) return grad;
  int64_t lead = grad.dim() - static_cast<int64_t>(sizes.size());
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (int64_t i = 0; i < static_cast<int64_t>(sizes.size()); ++i)
    if (sizes[static_cast<size_t>(i)] == 1 && grad.size(lead + i) != 1) dims.push_back(lead + i);
  Tensor r = dims.empty() ? grad : grad.sum(IntArrayRef(dims), true);
  if (lead > 0 || r.sizes() != sizes) r = r.reshape(sizes);
  return r;
}

Tensor maybe_multiply(const Tensor& t, const Scalar& s) {
  bool is_one = s.is_floating_point() ? s.to_double() == 1.0 : s.to_long() == 1;
  return is_one ? t : t * s;
}

std::vector<std::vector<int64_t>> to_args_sizes(TensorList tensors) {
  std::vector<std::vector<int64_t>> out;
  out.reserve(tensors.size());
  for (const Tensor& t : tensors) out.push_back(t.sizes().vec());
  return out;
}

std::vector<ScalarType> to_args_scalartypes(TensorList tensors) {
  std::vector<ScalarType> out;
  out.reserve(tensors.size());
  for (const Tensor& t : tensors) out.push_back(t.scalar_type());
  return out;
}

// ---- pointwise -----------------------------------------------------------------------------------

Tensor div_self_backward(const Tensor& grad, const Tensor& other, const std::optional<std::string>& rounding_mode) {
  if (rounding_mode) return zeros_like(grad);
  return grad / other;
}

Tensor div_other_backward(const Tensor& grad, const Tensor& self, const Tensor& other,
                          const std::optional<std::string>& rounding_mode) {
  if (rounding_mode) return zeros_like(grad);
  return -grad * ((self / other) / other);
}

Tensor pow_backward(const Tensor& grad, const Tensor& self, const Scalar& exponent) {
  double e = exponent.to_double();
  if (e == 0.0) return zeros_like(self);
  Tensor d = e == 1.0 ? ember::ones_like(self) : self.pow(exponent.is_floating_point() ? Scalar(e - 1.0) : Scalar(exponent.to_long() - 1));
  return grad * (d * exponent);
}

Tensor pow_backward_self(const Tensor& grad, const Tensor& self, const Tensor& exponent) {
  Tensor d = exponent * self.pow(exponent - 1);
  return where(exponent == 0, 0, grad * d);
}

Tensor pow_backward_exponent(const Tensor& grad, const Tensor& self, const Tensor& exponent, const Tensor& result) {
  Tensor zero_base = logical_and(self == 0, exponent >= 0);
  return grad * where(zero_base, 0, result * self.log());
}

Tensor maximum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool for_self) {
  Tensor g = where(self == other, grad / 2, grad);
  return for_self ? g.masked_fill(self < other, 0) : g.masked_fill(self > other, 0);
}

Tensor minimum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool for_self) {
  Tensor g = where(self == other, grad / 2, grad);
  return for_self ? g.masked_fill(self > other, 0) : g.masked_fill(self < other, 0);
}

Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                      const std::optional<Scalar>& max) {
  if (!min && !max) return grad;
  Tensor pass = min && max ? logical_and(self >= *min, self <= *max) : min ? self >= *min : self <= *max;
  return where(pass, grad, 0);
}

// ---- reductions ----------------------------------------------------------------------------------

Tensor unsqueeze_to(const Tensor& t, std::optional<IntArrayRef> dim, int64_t input_dim, bool keepdim) {
  if (keepdim || input_dim == 0) return t;
  Tensor r = t;
  for (int64_t d : reduced_dims(dim, input_dim)) r = r.unsqueeze(d);
  return r;
}

Tensor sum_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim) {
  int64_t ndim = static_cast<int64_t>(sizes.size());
  return unsqueeze_to(grad, dim, ndim, keepdim).expand(sizes);
}

Tensor mean_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim) {
  int64_t n = count_of(sizes, reduced_dims(dim, static_cast<int64_t>(sizes.size())));
  return sum_backward(grad, sizes, dim, keepdim) / static_cast<double>(n);
}

Tensor prod_backward(const Tensor& grad, const Tensor& self, const Tensor& result, int64_t dim, bool keepdim) {
  if (self.dim() == 0) return grad;
  int64_t d = wrap_dim(dim, self.dim(), "prod_backward");
  Tensor g = keepdim ? grad : grad.unsqueeze(d);
  bool has_zeros;
  {
    NoGradGuard no_grad;
    has_zeros = (self == 0).any().item<bool>();
  }
  // Without zeros: d prod / d x_i = prod / x_i.
  if (!has_zeros) return g * (keepdim ? result : result.unsqueeze(d)) / self;
  // With zeros: the product of the other elements of each line, computed directly so that it is
  // exact (and differentiable) however many zeros a line has. n x n per line.
  int64_t n = self.size(d);
  Tensor x = self.transpose(d, -1).unsqueeze(-2);                // [..., 1, n]: x_k
  std::vector<int64_t> square = x.sizes().vec();
  square[square.size() - 2] = n;
  Tensor positions = arange(Scalar(n), TensorOptions(kInt64).device(self.device()));
  Tensor diagonal = positions.unsqueeze(1) == positions.unsqueeze(0);  // [n, n]: i == k
  Tensor others = where(diagonal, 1, x.expand(square)).prod(-1);        // [..., n]: prod over k != i
  return g * others.transpose(d, -1);
}

Tensor amax_amin_backward(const Tensor& grad, const Tensor& self, const Tensor& result, IntArrayRef dim, bool keepdim) {
  std::optional<IntArrayRef> dims(dim);
  Tensor g = unsqueeze_to(grad, dims, self.dim(), keepdim);
  Tensor r = unsqueeze_to(result, dims, self.dim(), keepdim);
  Tensor mask = (self == r).to(grad.scalar_type());
  std::vector<int64_t> rd = reduced_dims(dims, self.dim());
  Tensor count = self.dim() == 0 ? mask : mask.sum(IntArrayRef(rd), true);
  return g * mask / count;
}

Tensor value_selecting_reduction_backward(const Tensor& grad, int64_t dim, const Tensor& indices, IntArrayRef sizes,
                                          bool keepdim) {
  if (sizes.empty()) return grad.reshape(sizes);
  int64_t d = wrap_dim(dim, static_cast<int64_t>(sizes.size()), "max_backward");
  Tensor g = keepdim ? grad : grad.unsqueeze(d);
  Tensor idx = keepdim ? indices : indices.unsqueeze(d);
  return zeros(sizes, grad.options()).scatter(d, idx, g);
}

Tensor var_backward(const Tensor& grad, const Tensor& self, std::optional<IntArrayRef> dim,
                    const std::optional<Scalar>& correction, bool keepdim) {
  double c = correction ? correction->to_double() : 1.0;
  std::vector<int64_t> rd = reduced_dims(dim, self.dim());
  double n = static_cast<double>(count_of(self.sizes(), rd));
  Tensor g = unsqueeze_to(grad, dim, self.dim(), keepdim);
  Tensor centered = self.dim() == 0 ? self - self : self - self.mean(IntArrayRef(rd), true);
  return g * centered * (2.0 / (n - c));
}

// ---- joining and indexing ------------------------------------------------------------------------

std::vector<Tensor> cat_backward(const Tensor& grad, const std::vector<std::vector<int64_t>>& sizes, int64_t dim) {
  std::vector<Tensor> out;
  out.reserve(sizes.size());
  int64_t d = wrap_dim(dim, grad.dim(), "cat_backward");
  int64_t offset = 0;
  for (const auto& s : sizes) {
    // Legacy empty inputs ([0]) took no part in the concatenation.
    if (s.size() == 1 && s[0] == 0 && grad.dim() != 1) {
      out.push_back(zeros(IntArrayRef(s), grad.options()));
      continue;
    }
    int64_t n = s[static_cast<size_t>(d)];
    out.push_back(grad.narrow(d, offset, n));
    offset += n;
  }
  return out;
}

Tensor index_select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, const Tensor& index) {
  if (sizes.empty()) return grad.reshape(sizes);
  int64_t d = wrap_dim(dim, static_cast<int64_t>(sizes.size()), "index_select_backward");
  std::vector<int64_t> shape(static_cast<size_t>(grad.dim()), 1);
  shape[static_cast<size_t>(d)] = index.numel();
  Tensor idx = index.reshape(shape).expand(grad.sizes()).contiguous();
  return zeros(sizes, grad.options()).scatter_add(d, idx, grad);
}

Tensor gather_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, const Tensor& index) {
  if (sizes.empty()) return grad.reshape(sizes);
  return zeros(sizes, grad.options()).scatter_add(dim, index, grad);
}

Tensor scatter_src_backward(const Tensor& grad, int64_t dim, const Tensor& index, IntArrayRef src_sizes) {
  Tensor g = grad.gather(dim, index);
  for (int64_t d = 0; d < g.dim(); ++d) {
    int64_t missing = src_sizes[static_cast<size_t>(d)] - g.size(d);
    if (missing <= 0) continue;
    std::vector<int64_t> shape = g.sizes().vec();
    shape[static_cast<size_t>(d)] = missing;
    g = cat({g, zeros(shape, g.options())}, d);
  }
  return g;
}

// ---- views ---------------------------------------------------------------------------------------

Tensor permute_backward(const Tensor& grad, IntArrayRef dims) {
  int64_t n = static_cast<int64_t>(dims.size());
  std::vector<int64_t> inverse(dims.size());
  for (int64_t i = 0; i < n; ++i) inverse[static_cast<size_t>(wrap_dim(dims[static_cast<size_t>(i)], n, "permute"))] = i;
  return grad.permute(inverse);
}

Tensor slice_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, std::optional<int64_t> start,
                      std::optional<int64_t> end, int64_t step) {
  int64_t d = wrap_dim(dim, static_cast<int64_t>(sizes.size()), "slice_backward");
  int64_t n = sizes[static_cast<size_t>(d)];
  int64_t s = start.value_or(0), e = end.value_or(INT64_MAX);
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = std::min(std::max<int64_t>(s, 0), n);
  e = std::min(std::max<int64_t>(e, s), n);
  if (step == 1) {
    // [zeros | grad | zeros] along d.
    std::vector<Tensor> parts;
    auto pad = [&](int64_t len) {
      std::vector<int64_t> shape = sizes.vec();
      shape[static_cast<size_t>(d)] = len;
      parts.push_back(zeros(shape, grad.options()));
    };
    if (s > 0) pad(s);
    parts.push_back(grad);
    if (e < n) pad(n - e);
    return parts.size() == 1 ? grad : cat(parts, d);
  }
  std::vector<int64_t> shape(sizes.size(), 1);
  int64_t count = grad.size(d);
  shape[static_cast<size_t>(d)] = count;
  Tensor positions = arange(Scalar(s), Scalar(s + count * step), Scalar(step), TensorOptions(kInt64).device(grad.device()));
  Tensor idx = positions.reshape(shape).expand(grad.sizes()).contiguous();
  return zeros(sizes, grad.options()).scatter(d, idx, grad);
}

Tensor select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t index) {
  int64_t d = wrap_dim(dim, static_cast<int64_t>(sizes.size()), "select_backward");
  int64_t n = sizes[static_cast<size_t>(d)];
  if (index < 0) index += n;
  return slice_backward(grad.unsqueeze(d), sizes, d, index, index + 1, 1);
}

Tensor as_strided_backward(const Tensor& grad, IntArrayRef sizes, IntArrayRef strides, int64_t offset, IntArrayRef size,
                           IntArrayRef stride, std::optional<int64_t> storage_offset) {
  int64_t out_offset = storage_offset.value_or(offset);
  // The storage span that the input and the view cover, [lo, hi].
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  auto cover = [&](IntArrayRef sz, IntArrayRef st, int64_t off) {
    int64_t first = off, last = off;
    for (size_t i = 0; i < sz.size(); ++i) {
      if (sz[i] == 0) return;
      last += (sz[i] - 1) * st[i];
    }
    lo = std::min(lo, first);
    hi = std::max(hi, last);
  };
  cover(sizes, strides, offset);
  cover(size, stride, out_offset);
  if (lo > hi) return zeros(sizes, grad.options());
  int64_t span = hi - lo + 1;
  Tensor positions = arange(Scalar(span), TensorOptions(kInt64).device(grad.device())).as_strided(size, stride, out_offset - lo);
  Tensor storage = zeros({span}, grad.options()).scatter_add(0, positions.reshape({-1}), grad.reshape({-1}));
  return storage.as_strided(sizes, strides, offset - lo);
}

}  // namespace autograd
}  // namespace ember
