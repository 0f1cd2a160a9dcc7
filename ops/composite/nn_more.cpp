// More nn composites: group_norm, instance_norm (batch_norm over [1, N * C, ...], as PyTorch),
// embedding_bag (sum / mean / max of each bag's rows), bilinear, and the recurrent cells
// (rnn_tanh_cell, rnn_relu_cell, lstm_cell, gru_cell) with PyTorch's gate order.
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace native {

Tensor group_norm(const Tensor& input, int64_t num_groups, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps, bool) {
  EMBER_CHECK(input.dim() >= 2, ValueError, "[group_norm] Expected at least 2 dimensions for input tensor but received ",
              input.dim());
  const int64_t n = input.size(0), c = input.size(1);
  EMBER_CHECK(num_groups > 0 && c % num_groups == 0, ValueError,
              "[group_norm] Expected number of channels in input to be divisible by num_groups, but got input of shape ",
              input.sizes(), " and num_groups=", num_groups);
  for (const std::optional<Tensor>* p : {&weight, &bias}) {
    if (*p && (*p)->defined())
      EMBER_CHECK((*p)->numel() == c, ValueError, "[group_norm] Expected weight and bias to be a vector of size equal to the number of channels in input, but got weight of shape ",
                  (*p)->sizes(), " and input of shape ", input.sizes());
  }
  Tensor x = input.reshape({n, num_groups, -1});
  Tensor mean = x.mean({-1}, true);
  Tensor var = ember::var(x, IntArrayRef(-1), Scalar(int64_t(0)), true);
  Tensor y = ((x - mean) / (var + eps).sqrt()).reshape(input.sizes());
  DimVector shape(static_cast<size_t>(input.dim()), 1);
  shape[1] = c;
  if (weight && weight->defined()) y = y * weight->reshape(shape);
  if (bias && bias->defined()) y = y + bias->reshape(shape);
  return y;
}

Tensor instance_norm(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                     const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var,
                     bool use_input_stats, double momentum, double eps, bool cudnn_enabled) {
  EMBER_CHECK(use_input_stats || (running_mean && running_var && running_mean->defined() && running_var->defined()),
              ValueError, "[instance_norm] Expected running_mean and running_var to be defined when use_input_stats is false");
  EMBER_CHECK(input.dim() >= 2, ValueError, "[instance_norm] expected at least 2-d input, got ", input.sizes());
  const int64_t b = input.size(0), c = input.size(1);
  DimVector shape(input.sizes());
  shape[0] = 1;
  shape[1] = b * c;
  auto repeated = [&](const std::optional<Tensor>& t) -> std::optional<Tensor> {
    if (!t || !t->defined()) return std::nullopt;
    return t->repeat({b});
  };
  std::optional<Tensor> mean_r = repeated(running_mean), var_r = repeated(running_var);
  Tensor out = ember::batch_norm(input.contiguous().view(shape), repeated(weight), repeated(bias), mean_r, var_r,
                                 use_input_stats, momentum, eps, cudnn_enabled);
  // The running statistics: the mean of the per-instance ones.
  if (use_input_stats && running_mean && running_mean->defined()) {
    // Detached sources: the buffers must not join the graph (ops/ cannot use autograd's guards).
    running_mean->copy_(mean_r->view({b, c}).mean({0}, false).detach());
    running_var->copy_(var_r->view({b, c}).mean({0}, false).detach());
  }
  return out.view(input.sizes());
}

std::tuple<Tensor, Tensor, Tensor, Tensor> embedding_bag(const Tensor& weight, const Tensor& indices, const Tensor& offsets,
                                                         bool scale_grad_by_freq, int64_t mode, bool sparse,
                                                         const std::optional<Tensor>& per_sample_weights,
                                                         bool include_last_offset, std::optional<int64_t> padding_idx) {
  EMBER_CHECK(weight.dim() == 2, ValueError, "[embedding_bag] weight has to be a 2D Tensor, but got Tensor of dimension ",
              weight.dim());
  EMBER_CHECK(indices.dim() == 1, ValueError, "[embedding_bag] input has to be 1D Tensor, but got Tensor of dimension ",
              indices.dim());
  EMBER_CHECK(offsets.dim() == 1, ValueError, "[embedding_bag] offsets has to be a 1D Tensor, but got Tensor of dimension ",
              offsets.dim());
  EMBER_CHECK(mode >= 0 && mode <= 2, ValueError, "[embedding_bag] mode has to be one of sum (0), mean (1) or max (2)");
  const bool weighted = per_sample_weights && per_sample_weights->defined();
  EMBER_CHECK(!weighted || mode == 0, NotImplementedError,
              "[embedding_bag] embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='",
              mode == 1 ? "mean" : "max", "'). Please open a feature request on GitHub.");
  (void)scale_grad_by_freq;
  (void)sparse;
  const int64_t rows = weight.size(0), dim = weight.size(1), count = indices.numel();
  // Bag of every index position, from the offsets (on the host).
  Tensor host_offsets = offsets.to(Device("cpu")).to(kInt64).contiguous();
  const int64_t* off = host_offsets.data_ptr<int64_t>();
  const int64_t num_offsets = host_offsets.numel();
  const int64_t bags = include_last_offset ? std::max<int64_t>(num_offsets - 1, 0) : num_offsets;
  EMBER_CHECK(num_offsets == 0 || off[0] == 0, ValueError, "[embedding_bag] offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ",
              off[0]);
  std::vector<int64_t> bag_of(static_cast<size_t>(count), 0);
  for (int64_t b = 0; b < bags; ++b) {
    int64_t end = b + 1 < num_offsets ? off[b + 1] : count;
    if (b == bags - 1 && !include_last_offset) end = count;
    EMBER_CHECK(off[b] <= end && end <= count, ValueError, "[embedding_bag] offsets must be non-decreasing and at most ",
                count, ", got ", off[b], " then ", end);
    for (int64_t i = off[b]; i < end; ++i) bag_of[static_cast<size_t>(i)] = b;
  }
  TensorOptions longs = TensorOptions(kInt64).device(weight.device());
  Tensor offset2bag = ember::tensor(bag_of).to(weight.device());
  Tensor idx = indices.to(kInt64);
  Tensor keep = padding_idx ? (idx != *padding_idx) : ember::ones({count}, TensorOptions(kBool).device(weight.device()));
  Tensor emb = weight.index_select(0, idx);  // [count, dim]
  if (weighted) emb = emb * per_sample_weights->unsqueeze(1);
  emb = ember::where(keep.unsqueeze(1), emb, ember::zeros({}, emb.options()));
  Tensor counts = ember::zeros({bags}, longs).scatter_add(0, offset2bag, keep.to(kInt64));
  Tensor output, max_indices;
  if (mode == 0 || mode == 1) {
    output = ember::zeros({bags, dim}, weight.options())
                 .scatter_add(0, offset2bag.unsqueeze(1).expand({count, dim}), emb);
    if (mode == 1) output = output / counts.clamp_min(1).unsqueeze(1).to(output.scalar_type());
    max_indices = ember::zeros({bags}, longs);
  } else {
    std::vector<Tensor> values, picks;
    for (int64_t b = 0; b < bags; ++b) {
      Tensor members = (offset2bag == b).logical_and(keep).nonzero().reshape({-1});
      if (members.numel() == 0) {
        values.push_back(ember::zeros({dim}, weight.options()));
        // An empty bag: zeros, and index 0 as PyTorch's CPU kernel reports (its CUDA kernel says -1).
        picks.push_back(ember::zeros({dim}, longs));
        continue;
      }
      auto [v, arg] = emb.index_select(0, members).max(0);
      values.push_back(v);
      picks.push_back(idx.index_select(0, members).index_select(0, arg));
    }
    output = bags > 0 ? ember::stack(values, 0) : ember::zeros({0, dim}, weight.options());
    max_indices = bags > 0 ? ember::stack(picks, 0) : ember::zeros({0, dim}, longs);
  }
  (void)rows;
  return {output, offset2bag, counts, max_indices};
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const std::optional<Tensor>& bias) {
  EMBER_CHECK(weight.dim() == 3, ValueError, "[bilinear] weight must be [out, in1, in2], got ", weight.sizes());
  EMBER_CHECK(input1.size(-1) == weight.size(1), ValueError, "[bilinear] input1 size does not match weight size: got ",
              input1.size(-1), " but expected ", weight.size(1));
  EMBER_CHECK(input2.size(-1) == weight.size(2), ValueError, "[bilinear] input2 size does not match weight size: got ",
              input2.size(-1), " but expected ", weight.size(2));
  const int64_t out = weight.size(0), in1 = weight.size(1), in2 = weight.size(2);
  Tensor t = ember::matmul(input1, weight.permute({1, 0, 2}).reshape({in1, out * in2}));  // [*, out * in2]
  DimVector shape(IntArrayRef(t.sizes().data(), t.sizes().size() - 1));
  shape.push_back(out);
  shape.push_back(in2);
  Tensor y = (t.reshape(shape) * input2.unsqueeze(-2)).sum({-1});
  if (bias && bias->defined()) y = y + *bias;
  return y;
}

Tensor rnn_tanh_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                     const std::optional<Tensor>& b_ih, const std::optional<Tensor>& b_hh) {
  return (ember::linear(input, w_ih, b_ih) + ember::linear(hx, w_hh, b_hh)).tanh();
}
Tensor rnn_relu_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                     const std::optional<Tensor>& b_ih, const std::optional<Tensor>& b_hh) {
  return (ember::linear(input, w_ih, b_ih) + ember::linear(hx, w_hh, b_hh)).relu();
}
namespace {
// The `count` gates of a recurrent cell, from the [N, count * hidden] product with its weights:
// a weight whose row count is not a multiple of count is PyTorch's error (chunk would give fewer,
// or unequal, gates).
std::vector<Tensor> gate_chunks(const Tensor& gates, int64_t count, const char* op) {
  std::vector<Tensor> g;
  if (gates.dim() == 2 && gates.size(1) % count == 0) g = gates.chunk(count, 1);
  EMBER_CHECK(static_cast<int64_t>(g.size()) == count, ValueError, "[", op, "] the weights give gate values of size ",
              gates.sizes(), "; expected [batch, ", count, " * hidden_size] (weight_ih and weight_hh must have ", count,
              " * hidden_size rows)");
  return g;
}
}  // namespace

std::tuple<Tensor, Tensor> lstm_cell(const Tensor& input, TensorList hx, const Tensor& w_ih, const Tensor& w_hh,
                                     const std::optional<Tensor>& b_ih, const std::optional<Tensor>& b_hh) {
  EMBER_CHECK(hx.size() == 2, ValueError, "[lstm_cell] lstm_cell expects two hidden states (h, c), got ", hx.size());
  Tensor gates = ember::linear(input, w_ih, b_ih) + ember::linear(hx[0], w_hh, b_hh);
  std::vector<Tensor> g = gate_chunks(gates, 4, "lstm_cell");
  Tensor c = g[1].sigmoid() * hx[1] + g[0].sigmoid() * g[2].tanh();
  Tensor h = g[3].sigmoid() * c.tanh();
  return {h, c};
}
Tensor gru_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                const std::optional<Tensor>& b_ih, const std::optional<Tensor>& b_hh) {
  std::vector<Tensor> gi = gate_chunks(ember::linear(input, w_ih, b_ih), 3, "gru_cell");
  std::vector<Tensor> gh = gate_chunks(ember::linear(hx, w_hh, b_hh), 3, "gru_cell");
  Tensor r = (gi[0] + gh[0]).sigmoid();
  Tensor z = (gi[1] + gh[1]).sigmoid();
  Tensor n = (gi[2] + r * gh[2]).tanh();
  return (1 - z) * n + z * hx;
}

}  // namespace native
}  // namespace ember
