// nn::init: fans, gains and the in-place initializers.
#include "nn/init.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace nn {
namespace init {

double calculate_gain(NonlinearityType nonlinearity, double param) {
  if (std::holds_alternative<enumtype::kTanh>(nonlinearity)) return 5.0 / 3.0;
  if (std::holds_alternative<enumtype::kReLU>(nonlinearity)) return std::sqrt(2.0);
  if (std::holds_alternative<enumtype::kLeakyReLU>(nonlinearity)) return std::sqrt(2.0 / (1 + param * param));
  if (std::holds_alternative<enumtype::kSELU>(nonlinearity)) return 3.0 / 4.0;
  return 1.0;  // linear, the convolutions, sigmoid
}

std::tuple<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
  EMBER_CHECK(tensor.dim() >= 2, ValueError,
              "[init] Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got ", tensor.dim(),
              " (shape ", tensor.sizes(), ")");
  int64_t receptive_field = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive_field *= tensor.size(d);
  return {tensor.size(1) * receptive_field, tensor.size(0) * receptive_field};
}

namespace {
int64_t fan(const Tensor& tensor, const FanModeType& mode) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  return std::holds_alternative<enumtype::kFanIn>(mode) ? fan_in : fan_out;
}
}  // namespace

Tensor uniform_(Tensor tensor, double low, double high) {
  NoGradGuard guard;
  tensor.uniform_(low, high);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  NoGradGuard guard;
  tensor.normal_(mean, std);
  return tensor;
}

Tensor constant_(Tensor tensor, Scalar value) {
  NoGradGuard guard;
  tensor.fill_(value);
  return tensor;
}

Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1); }
Tensor zeros_(Tensor tensor) {
  NoGradGuard guard;
  tensor.zero_();
  return tensor;
}

Tensor eye_(Tensor tensor) {
  EMBER_CHECK(tensor.dim() == 2, ValueError, "[init::eye_] only tensors with 2 dimensions are supported, got ", tensor.dim());
  NoGradGuard guard;
  tensor.copy_(ember::eye(tensor.size(0), tensor.size(1), TensorOptions(tensor.scalar_type()).device(tensor.device())));
  return tensor;
}

Tensor dirac_(Tensor tensor) {
  const int64_t d = tensor.dim();
  EMBER_CHECK(d >= 3 && d <= 5, ValueError, "[init::dirac_] Only tensors with 3, 4, or 5 dimensions are supported");
  NoGradGuard guard;
  tensor.zero_();
  const int64_t n = std::min(tensor.size(0), tensor.size(1));
  for (int64_t i = 0; i < n; ++i) {
    Tensor slot = tensor.select(0, i).select(0, i);
    for (int64_t k = 2; k < d; ++k) slot = slot.select(0, tensor.size(k) / 2);
    slot.fill_(1);
  }
  return tensor;
}

Tensor orthogonal_(Tensor tensor, double gain) {
  EMBER_CHECK(tensor.dim() >= 2, ValueError, "[init::orthogonal_] Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() == 0) return tensor;
  NoGradGuard guard;
  const int64_t rows = tensor.size(0), cols = tensor.numel() / rows;
  // QR of the (tall) sample by modified Gram-Schmidt, in float64 on the host.
  const bool wide = rows < cols;
  const int64_t m = wide ? cols : rows, n = wide ? rows : cols;
  Tensor sample = ember::empty({rows, cols}, TensorOptions(kFloat64)).normal_(0, 1, std::nullopt);
  if (wide) sample = sample.t();
  sample = sample.contiguous();
  std::vector<double> a(sample.data_ptr<double>(), sample.data_ptr<double>() + m * n);
  std::vector<double> r_diag(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t k = 0; k < j; ++k) {
      double dot = 0;
      for (int64_t i = 0; i < m; ++i) dot += a[static_cast<size_t>(i * n + k)] * a[static_cast<size_t>(i * n + j)];
      for (int64_t i = 0; i < m; ++i) a[static_cast<size_t>(i * n + j)] -= dot * a[static_cast<size_t>(i * n + k)];
    }
    double norm = 0;
    for (int64_t i = 0; i < m; ++i) norm += a[static_cast<size_t>(i * n + j)] * a[static_cast<size_t>(i * n + j)];
    norm = std::sqrt(norm);
    r_diag[static_cast<size_t>(j)] = norm;
    for (int64_t i = 0; i < m; ++i) a[static_cast<size_t>(i * n + j)] /= norm > 0 ? norm : 1;
  }
  // Gram-Schmidt gives R a positive diagonal already, so sign(diag(R)) is 1 throughout.
  Tensor q = ember::tensor(a, TensorOptions(kFloat64)).reshape({m, n});
  if (wide) q = q.t();
  tensor.copy_((q * gain).reshape(tensor.sizes()));
  return tensor;
}

Tensor sparse_(Tensor tensor, double sparsity, double std) {
  EMBER_CHECK(tensor.dim() == 2, ValueError, "[init::sparse_] Only tensors with 2 dimensions are supported");
  NoGradGuard guard;
  const int64_t rows = tensor.size(0), cols = tensor.size(1);
  const int64_t zeros = static_cast<int64_t>(std::ceil(sparsity * static_cast<double>(rows)));
  tensor.normal_(0, std, std::nullopt);
  // Per column, the rows with the `zeros` smallest of `rows` uniform draws are zeroed.
  Tensor draws = ember::rand({cols, rows}, TensorOptions(kFloat64)).contiguous();
  const double* u = draws.data_ptr<double>();
  std::vector<double> keep(static_cast<size_t>(rows * cols), 1.0);
  std::vector<int64_t> order(static_cast<size_t>(rows));
  for (int64_t c = 0; c < cols; ++c) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return u[c * rows + x] < u[c * rows + y]; });
    for (int64_t k = 0; k < zeros && k < rows; ++k) keep[static_cast<size_t>(order[static_cast<size_t>(k)] * cols + c)] = 0;
  }
  tensor.mul_(ember::tensor(keep, TensorOptions(kFloat64)).reshape({rows, cols}).to(tensor.options()));
  return tensor;
}

Tensor xavier_uniform_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0) return tensor;  // PyTorch: "Initializing zero-element tensors is a no-op"
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  double a = std::sqrt(3.0) * std;
  return init::uniform_(std::move(tensor), -a, a);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0) return tensor;
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return init::normal_(std::move(tensor), 0, std);
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity) {
  int64_t f = fan(tensor, mode);
  if (tensor.numel() == 0) return tensor;
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(f));
  double bound = std::sqrt(3.0) * std;
  return init::uniform_(std::move(tensor), -bound, bound);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity) {
  int64_t f = fan(tensor, mode);
  if (tensor.numel() == 0) return tensor;
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(f));
  return init::normal_(std::move(tensor), 0, std);
}

}  // namespace init
}  // namespace nn
}  // namespace ember
