// Neural-network and linear-algebra composites: matmul's shape cases, linear, conv2d and
// _convolution, batch_norm (with the running-statistics update), layer_norm, pooling
// wrappers, embedding, dropout, stack.
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_operators.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

Tensor matmul(const Tensor& self, const Tensor& other) {
  int64_t da = self.dim(), db = other.dim();
  EMBER_CHECK(da > 0 && db > 0, ValueError, "[matmul] both arguments to matmul need to be at least 1D, but they are ", da,
              "D and ", db, "D");
  if (da == 1 && db == 1) return self.dot(other);
  if (da == 2 && db == 1) return self.mv(other);
  if (da == 1 && db == 2) return self.unsqueeze(0).mm(other).squeeze(0);
  if (da == 2 && db == 2) return self.mm(other);
  if (da >= 3 && db <= 2) {
    // Fold the batch into rows: [..., n, k] @ [k, m].
    Tensor b = db == 1 ? other.unsqueeze(1) : other;
    DimVector out_shape(self.sizes());
    Tensor flat = self.reshape({-1, self.size(-1)}).mm(b);
    out_shape.back() = b.size(1);
    Tensor r = flat.view(out_shape);
    return db == 1 ? r.squeeze(-1) : r;
  }
  // Batched: broadcast the batch dims, then bmm.
  Tensor a = da == 1 ? self.unsqueeze(0) : self;
  Tensor b = db == 1 ? other.unsqueeze(1) : other;
  IntArrayRef ab(a.sizes().data(), a.sizes().size() - 2), bb(b.sizes().data(), b.sizes().size() - 2);
  DimVector batch = ab.size() >= bb.size() ? DimVector(ab) : DimVector(bb);
  {
    size_t n = std::max(ab.size(), bb.size());
    batch = DimVector(n);
    for (size_t i = 0; i < n; ++i) {
      int64_t x = i < n - ab.size() ? 1 : ab[i - (n - ab.size())];
      int64_t y = i < n - bb.size() ? 1 : bb[i - (n - bb.size())];
      EMBER_CHECK(x == y || x == 1 || y == 1, ValueError, "[matmul] batch dimensions ", ab, " and ", bb, " do not broadcast");
      batch[i] = x == 1 ? y : x;
    }
  }
  int64_t nb = 1;
  for (int64_t v : batch) nb *= v;
  DimVector ea(batch), eb(batch);
  ea.push_back(a.size(-2));
  ea.push_back(a.size(-1));
  eb.push_back(b.size(-2));
  eb.push_back(b.size(-1));
  Tensor r = a.expand(ea).reshape({nb, a.size(-2), a.size(-1)}).bmm(b.expand(eb).reshape({nb, b.size(-2), b.size(-1)}));
  DimVector out(batch);
  out.push_back(a.size(-2));
  out.push_back(b.size(-1));
  r = r.view(out);
  if (da == 1) r = r.squeeze(-2);
  if (db == 1) r = r.squeeze(-1);
  return r;
}

Tensor mv(const Tensor& self, const Tensor& vec) {
  EMBER_CHECK(self.dim() == 2 && vec.dim() == 1, ValueError, "[mv] vector + matrix @ vector expected, got ", self.dim(), ", ",
              vec.dim());
  EMBER_CHECK(self.size(1) == vec.size(0), ValueError, "[mv] size mismatch, got input (", self.size(0), "x", self.size(1),
              "), vec (", vec.size(0), ")");
  return self.mm(vec.unsqueeze(1)).squeeze(1);
}

Tensor dot(const Tensor& self, const Tensor& tensor) {
  EMBER_CHECK(self.dim() == 1 && tensor.dim() == 1, ValueError, "[dot] 1D tensors expected, but got ", self.dim(), "D and ",
              tensor.dim(), "D tensors");
  EMBER_CHECK(self.size(0) == tensor.size(0), ValueError, "[dot] inconsistent tensor size, expected tensor [", self.size(0),
              "] and src [", tensor.size(0), "] to have the same number of elements, but got ", self.size(0), " and ",
              tensor.size(0), " elements respectively");
  return self.unsqueeze(0).mm(tensor.unsqueeze(1)).reshape({});
}

Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias) {
  if (input.dim() == 2 && bias && bias->defined()) return ember::addmm(*bias, input, weight.t());
  Tensor out = ember::matmul(input, weight.t());
  if (bias && bias->defined()) out = ember::add(out, *bias);
  return out;
}

Tensor _convolution(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                    IntArrayRef padding, IntArrayRef dilation, bool transposed, IntArrayRef output_padding, int64_t groups,
                    bool, bool, bool, bool) {
  return ember::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups);
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  int64_t zero[2] = {0, 0};
  return ember::convolution(input, weight, bias, stride, padding, dilation, false, IntArrayRef(zero, 2), groups);
}

Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                  double momentum, double eps, bool) {
  // Training normalizes with the batch statistics and never reads the running ones. Not passing
  // them keeps them out of native_batch_norm's backward node, whose saved copies the in-place
  // update below would otherwise invalidate (a version-counter error at backward).
  const std::optional<Tensor> no_stats;
  auto [out, mean, invstd] = ember::native_batch_norm(input, weight, bias, training ? no_stats : running_mean,
                                                      training ? no_stats : running_var, training, momentum, eps);
  if (training && running_mean && running_var && running_mean->defined() && running_var->defined()) {
    // running = (1 - momentum) * running + momentum * batch stat, with the unbiased variance.
    int64_t n = input.numel() / input.size(1);
    // Detached first: the statistics update is state, not part of the graph (a running_mean that
    // took history here would require grad and keep every step's graph alive), and the
    // arithmetic below then records no autograd nodes and works in place.
    Tensor m = mean.detach();
    Tensor v = invstd.detach().pow(-2.0).sub_(eps).mul_(static_cast<double>(n) / static_cast<double>(n - 1));
    running_mean->mul_(1 - momentum).add_(m.to(running_mean->scalar_type()), momentum);
    running_var->mul_(1 - momentum).add_(v.to(running_var->scalar_type()), momentum);
  }
  return out;
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps, bool) {
  return std::get<0>(ember::native_layer_norm(input, normalized_shape, weight, bias, eps));
}

Tensor max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                  bool ceil_mode) {
  return std::get<0>(ember::max_pool2d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor adaptive_avg_pool2d(const Tensor& self, IntArrayRef output_size) { return ember::_adaptive_avg_pool2d(self, output_size); }

// A lookup through index_select; padding_idx (>= 0; -1 means none) and scale_grad_by_freq only
// change the gradient, as in PyTorch, so they are applied where the graph is recorded.
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq, bool) {
  EMBER_CHECK(weight.dim() == 2, ValueError, "[embedding] 'weight' must be 2-D, got ", weight.dim(), "-D");
  EMBER_CHECK(indices.scalar_type() == kInt64 || indices.scalar_type() == kInt32, TypeError,
              "[embedding] Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ",
              indices.scalar_type(), " instead");
  DimVector shape(indices.sizes());
  shape.push_back(weight.size(1));
  Tensor out = weight.index_select(0, indices.reshape({-1})).view(shape);
  if (!out.requires_grad()) return out;
  DimVector column(indices.sizes());
  column.push_back(1);
  // Positions holding padding_idx take their value from a detached copy: no gradient reaches
  // the padding row.
  if (padding_idx >= 0) out = ember::where(indices.eq(padding_idx).view(column), out.detach(), out);
  if (scale_grad_by_freq) {
    // Each occurrence's gradient is divided by how often its index occurs.
    Tensor flat = indices.reshape({-1}).to(kInt64);
    Tensor ones = ember::ones({flat.numel()}, TensorOptions(weight.scalar_type()).device(weight.device()));
    Tensor counts = ember::zeros({weight.size(0)}, TensorOptions(weight.scalar_type()).device(weight.device()))
                        .scatter_add(0, flat, ones);
    Tensor scale = (1.0 / counts.index_select(0, flat)).view(column);
    out.register_hook([scale](const Tensor& grad) { return grad * scale; });
  }
  return out;
}

Tensor dropout(const Tensor& input, double p, bool train) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[dropout] dropout probability has to be between 0 and 1, but got ", p);
  if (!train || p == 0) return input;
  if (p == 1) return input * ember::zeros_like(input);
  Tensor keep = ember::empty_like(input).bernoulli_(1 - p, std::nullopt);
  return input * keep * (1.0 / (1 - p));
}

Tensor stack(TensorList tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), ValueError, "[stack] stack expects a non-empty TensorList");
  int64_t d = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (size_t i = 0; i < tensors.size(); ++i) {
    EMBER_CHECK(tensors[i].sizes() == tensors[0].sizes(), ValueError, "[stack] stack expects each tensor to be equal size, but got ",
                tensors[0].sizes(), " at entry 0 and ", tensors[i].sizes(), " at entry ", i);
    parts.push_back(tensors[i].unsqueeze(d));
  }
  return ember::cat(parts, d);
}

}  // namespace native
}  // namespace ember
