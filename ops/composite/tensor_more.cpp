// Tensor helpers the nn catalogue builds on: flip, repeat, cumsum, tril/triu, logsumexp, norm,
// square, addcmul/addcdiv, one_hot, var_mean/std_mean. Written with other ops, so every device
// has them and autograd differentiates them through their parts (norm has its own formula).
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/checked_arith.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

Tensor flip(const Tensor& self, IntArrayRef dims) {
  Tensor out = self;
  std::vector<bool> seen(static_cast<size_t>(std::max<int64_t>(self.dim(), 1)), false);
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, self.dim(), "flip");
    EMBER_CHECK(!seen[static_cast<size_t>(w)], ValueError, "[flip] dim ", w, " appears multiple times in the list of dims");
    seen[static_cast<size_t>(w)] = true;
    int64_t n = self.size(w);
    if (n <= 1) continue;
    Tensor reversed = ember::arange(n - 1, -1, -1, TensorOptions(kInt64).device(self.device()));
    out = out.index_select(w, reversed);
  }
  return out.is_same(self) ? self.clone() : out;
}

Tensor repeat(const Tensor& self, IntArrayRef repeats) {
  EMBER_CHECK(static_cast<int64_t>(repeats.size()) >= self.dim(), ValueError,
              "[repeat] Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  // Add leading dims, then view each dim d as [1, n_d], expand to [r_d, n_d] and merge.
  DimVector padded(repeats.size() - static_cast<size_t>(self.dim()), 1);
  for (int64_t s : self.sizes()) padded.push_back(s);
  Tensor x = self.reshape(padded);
  DimVector interleaved, expanded, final_shape;
  for (size_t i = 0; i < repeats.size(); ++i) {
    EMBER_CHECK(repeats[i] >= 0, ValueError, "[repeat] Trying to create tensor with negative dimension ", repeats[i]);
    interleaved.push_back(1);
    interleaved.push_back(padded[i]);
    expanded.push_back(repeats[i]);
    expanded.push_back(padded[i]);
    int64_t size = 0;
    EMBER_CHECK(checked_mul(repeats[i], padded[i], &size), ValueError, "[repeat] repeating a dim of size ", padded[i],
                " ", repeats[i], " times gives more elements than int64 can count");
    final_shape.push_back(size);
  }
  return x.reshape(interleaved).expand(expanded).reshape(final_shape);
}

Tensor cumsum(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  ScalarType t = dtype ? *dtype : is_integral(self.scalar_type(), true) ? kInt64 : self.scalar_type();
  Tensor x = self.to(t);
  if (x.dim() == 0) return x.clone();
  int64_t d = wrap_dim(dim, x.dim(), "cumsum");
  int64_t n = x.size(d);
  // x @ U with U[i, j] = 1 for i <= j: column j sums the elements up to j.
  Tensor upper = ember::ones({n, n}, TensorOptions(t).device(x.device())).triu();
  Tensor moved = x.transpose(d, -1);
  return ember::matmul(moved, upper).transpose(d, -1);
}

namespace {
Tensor triangle_mask(const Tensor& self, int64_t diagonal, bool lower) {
  EMBER_CHECK(self.dim() >= 2, ValueError, "[", lower ? "tril" : "triu", "] input tensor must have at least 2 dimensions");
  int64_t rows = self.size(-2), cols = self.size(-1);
  TensorOptions o = TensorOptions(kInt64).device(self.device());
  Tensor r = ember::arange(rows, o).unsqueeze(1);
  Tensor c = ember::arange(cols, o).unsqueeze(0);
  return lower ? (c - r) <= diagonal : (c - r) >= diagonal;
}
}  // namespace

Tensor tril(const Tensor& self, int64_t diagonal) {
  return ember::where(triangle_mask(self, diagonal, true), self, ember::zeros({}, self.options()));
}
Tensor triu(const Tensor& self, int64_t diagonal) {
  return ember::where(triangle_mask(self, diagonal, false), self, ember::zeros({}, self.options()));
}

namespace {
// Drops the (size-1) reduced dims that keepdim kept; no dims means all of them.
Tensor drop_reduced_dims(const Tensor& t, IntArrayRef dims) {
  if (dims.empty()) return t.reshape({});
  std::vector<int64_t> wrapped;
  for (int64_t d : dims) wrapped.push_back(wrap_dim(d, t.dim(), "reduction"));
  std::sort(wrapped.rbegin(), wrapped.rend());
  wrapped.erase(std::unique(wrapped.begin(), wrapped.end()), wrapped.end());
  Tensor out = t;
  for (int64_t d : wrapped) out = out.squeeze(d);
  return out;
}
}  // namespace

Tensor logsumexp(const Tensor& self, IntArrayRef dim, bool keepdim) {
  Tensor x = is_floating_point(self.scalar_type()) ? self : self.to(default_dtype());
  if (x.numel() == 0) return x.exp().sum(dim, keepdim).log();
  // Subtracting the (detached, finite) maximum keeps exp in range.
  Tensor m = x.amax(dim, true).detach();
  m = ember::where(m.isinf(), ember::zeros({}, m.options()), m);
  Tensor out = (x - m).exp().sum(dim, true).log() + m;
  return keepdim ? out : drop_reduced_dims(out, dim);
}

Tensor norm(const Tensor& self, const std::optional<Scalar>& p, IntArrayRef dim, bool keepdim) {
  EMBER_CHECK(is_floating_point(self.scalar_type()), TypeError, "[norm] norm(): input dtype should be floating point, got ",
              self.scalar_type());
  double q = p ? p->to_double() : 2.0;
  Tensor a = self.abs();
  if (std::isinf(q)) return q > 0 ? a.amax(dim, keepdim) : a.amin(dim, keepdim);
  if (q == 0) return (a != 0).to(self.scalar_type()).sum(dim, keepdim);
  if (q == 1) return a.sum(dim, keepdim);
  if (q == 2) return (a * a).sum(dim, keepdim).sqrt();
  return a.pow(q).sum(dim, keepdim).pow(1.0 / q);
}

Tensor norm(const Tensor& self, const Scalar& p) { return ember::norm(self, p, IntArrayRef(), false); }

Tensor square(const Tensor& self) { return self * self; }

Tensor addcmul(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  return self + tensor1 * tensor2 * value;
}
Tensor addcmul_(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  return self.add_(tensor1 * tensor2, value);
}
Tensor addcdiv(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  EMBER_CHECK(!(is_integral(tensor1.scalar_type(), true) && is_integral(tensor2.scalar_type(), true)), TypeError,
              "[addcdiv] Integer division with addcdiv is no longer supported; use floating-point tensors");
  return self + tensor1 / tensor2 * value;
}
Tensor addcdiv_(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  EMBER_CHECK(!(is_integral(tensor1.scalar_type(), true) && is_integral(tensor2.scalar_type(), true)), TypeError,
              "[addcdiv] Integer division with addcdiv is no longer supported; use floating-point tensors");
  return self.add_(tensor1 / tensor2, value);
}

Tensor one_hot(const Tensor& self, int64_t num_classes) {
  EMBER_CHECK(self.scalar_type() == kInt64, TypeError,
              "[one_hot] one_hot is only applicable to index tensor (int64), got ", self.scalar_type());
  if (self.numel() == 0) {
    EMBER_CHECK(num_classes > 0, ValueError, "[one_hot] Can not infer total number of classes from empty tensor.");
  } else {
    EMBER_CHECK(self.amin().item<int64_t>() >= 0, ValueError, "[one_hot] Class values must be non-negative.");
    int64_t biggest = self.amax().item<int64_t>();
    if (num_classes == -1) num_classes = biggest + 1;
    EMBER_CHECK(biggest < num_classes, ValueError, "[one_hot] Class values must be smaller than num_classes.");
  }
  DimVector shape(self.sizes());
  shape.push_back(num_classes);
  Tensor out = ember::zeros(shape, TensorOptions(kInt64).device(self.device()));
  return out.scatter(-1, self.unsqueeze(-1), 1);
}

std::tuple<Tensor, Tensor> var_mean(const Tensor& self, std::optional<IntArrayRef> dim, const std::optional<Scalar>& correction,
                                    bool keepdim) {
  return {ember::var(self, dim, correction, keepdim), ember::mean(self, dim, keepdim)};
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& self, std::optional<IntArrayRef> dim, const std::optional<Scalar>& correction,
                                    bool keepdim) {
  return {ember::var(self, dim, correction, keepdim).sqrt(), ember::mean(self, dim, keepdim)};
}

Tensor random_(const Tensor& self, int64_t to, const std::optional<Generator>& generator) {
  return self.random_(0, to, generator);
}
Tensor random_(const Tensor& self, const std::optional<Generator>& generator) {
  return self.random_(0, std::nullopt, generator);
}

Tensor max(const Tensor& self, const Tensor& other) { return ember::maximum(self, other); }
Tensor min(const Tensor& self, const Tensor& other) { return ember::minimum(self, other); }

std::tuple<Tensor, Tensor, Tensor, Tensor> embedding_bag(const Tensor& weight, const Tensor& indices, const Tensor& offsets,
                                                         bool scale_grad_by_freq, int64_t mode, bool sparse,
                                                         const std::optional<Tensor>& per_sample_weights,
                                                         bool include_last_offset) {
  return ember::embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
                              include_last_offset, std::nullopt);
}

Tensor _reshape_alias(const Tensor& self, IntArrayRef size, IntArrayRef stride) {
  return self.as_strided(size, stride, self.storage_offset());
}

}  // namespace native
}  // namespace ember
