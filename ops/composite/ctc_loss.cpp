// ctc_loss: Connectionist Temporal Classification (Graves et al. 2006) as a composite. The
// forward variables alpha[n, s] over the blank-extended targets l' (blank, l1, blank, l2, ...,
// blank) are updated once per time step with a masked log-sum-exp of alpha[s], alpha[s-1] and
// alpha[s-2] (the last only between different labels); samples whose input has ended keep their
// alpha. The loss of sample n is -log(exp(alpha[2S]) + exp(alpha[2S - 1])) at its last step.
// Differentiable through its parts: every log-sum-exp is written so that impossible paths
// (-inf) give zero gradients, never NaN.
#include <limits>

#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace native {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log(sum(exp(x))) over the last dim of x, ignoring -inf entries; -inf when all are.
Tensor masked_logsumexp(const Tensor& x) {
  Tensor finite = x != kNegInf;
  Tensor any = finite.any(-1, true);
  Tensor zero = ember::zeros({}, x.options());
  Tensor safe = ember::where(finite, x, zero);
  Tensor m = ember::where(finite, safe, ember::full({}, kNegInf, x.options())).amax({-1}, true).detach();
  m = ember::where(any, m, zero);
  Tensor s = (ember::where(finite, (safe - m).exp(), zero)).sum({-1}, true);
  Tensor lse = m + ember::where(any, s, ember::ones({}, x.options())).log();
  return ember::where(any, lse, ember::full({}, kNegInf, x.options())).squeeze(-1);
}

Tensor ctc_impl(const Tensor& log_probs, const Tensor& targets, const std::vector<int64_t>& input_lengths,
                const std::vector<int64_t>& target_lengths, int64_t blank, int64_t reduction, bool zero_infinity) {
  EMBER_CHECK(log_probs.dim() == 3 || log_probs.dim() == 2, ValueError,
              "[ctc_loss] log_probs must be [T, N, C] (or [T, C] unbatched), got ", log_probs.sizes());
  const bool batched = log_probs.dim() == 3;
  Tensor lp = batched ? log_probs : log_probs.unsqueeze(1);
  const int64_t T = lp.size(0), N = lp.size(1), C = lp.size(2);
  EMBER_CHECK(blank >= 0 && blank < C, IndexError, "[ctc_loss] blank must be in label range");
  EMBER_CHECK(static_cast<int64_t>(input_lengths.size()) == N, ValueError, "[ctc_loss] input_lengths must be of size batch_size");
  EMBER_CHECK(static_cast<int64_t>(target_lengths.size()) == N, ValueError, "[ctc_loss] target_lengths must be of size batch_size");
  int64_t max_target = 0;
  for (int64_t len : target_lengths) max_target = std::max(max_target, len);
  // Targets as [N, max_target]: padded rows, or the concatenated 1-d form split by length.
  Tensor tgt = targets.to(kInt64);
  if (!batched && tgt.dim() == 1 && N == 1 && tgt.size(0) >= max_target) tgt = tgt.unsqueeze(0);
  Tensor padded;
  if (tgt.dim() == 2) {
    EMBER_CHECK(tgt.size(0) == N, ValueError, "[ctc_loss] Expected tensor to have size ", N,
                " at dimension 0, but got size ", tgt.size(0), " for argument #2 'targets'");
    EMBER_CHECK(tgt.size(1) >= max_target, ValueError, "[ctc_loss] Expected tensor to have size at least ", max_target,
                " at dimension 1, but got size ", tgt.size(1), " for argument #2 'targets'");
    padded = tgt.narrow(1, 0, max_target);
  } else {
    int64_t total = 0;
    for (int64_t len : target_lengths) {
      EMBER_CHECK(len >= 0, ValueError, "[ctc_loss] target_lengths must be non-negative, got ", len);
      total += len;
    }
    EMBER_CHECK(tgt.dim() == 1 && tgt.size(0) >= total, ValueError, "[ctc_loss] Expected tensor to have size at least ",
                total, " at dimension 0, but got size ", tgt.dim() == 1 ? tgt.size(0) : -1, " for argument #2 'targets'");
    std::vector<Tensor> rows;
    int64_t offset = 0;
    for (int64_t n = 0; n < N; ++n) {
      Tensor row = tgt.narrow(0, offset, target_lengths[static_cast<size_t>(n)]);
      offset += target_lengths[static_cast<size_t>(n)];
      rows.push_back(ember::constant_pad_nd(row, {0, max_target - row.size(0)}, blank));
    }
    padded = ember::stack(rows, 0);
  }
  for (int64_t n = 0; n < N; ++n) {
    EMBER_CHECK(input_lengths[static_cast<size_t>(n)] <= T, ValueError, "[ctc_loss] Expected input_lengths to have value at most ",
                T, ", but got value ", input_lengths[static_cast<size_t>(n)]);
  }
  const int64_t S = 2 * max_target + 1;
  TensorOptions longs = TensorOptions(kInt64).device(lp.device());
  // Extended labels [N, S]: blank at even positions.
  Tensor blanks = ember::full({N, max_target}, blank, longs);
  Tensor ext = ember::constant_pad_nd(ember::stack({blanks, padded}, 2).reshape({N, 2 * max_target}), {0, 1}, blank);
  // alpha[s-2] may be skipped into s when l'_s is a label different from l'_{s-2}.
  Tensor shifted = ember::constant_pad_nd(ext, {2, 0}, blank).narrow(1, 0, S);
  Tensor skip_ok = (ext != blank).logical_and(ext != shifted);
  Tensor s_index = ember::arange(S, longs).unsqueeze(0);
  Tensor lengths = ember::tensor(input_lengths).to(lp.device());
  Tensor tlengths = ember::tensor(target_lengths).to(lp.device());
  Tensor neg_inf = ember::full({}, kNegInf, lp.options());

  // t = 0: only the first blank and the first label can start a path.
  Tensor emit0 = lp.select(0, 0).gather(1, ext);
  Tensor alpha = ember::where(s_index < 2, emit0, neg_inf);
  for (int64_t t = 1; t < T; ++t) {
    Tensor prev1 = ember::constant_pad_nd(alpha, {1, 0}, kNegInf).narrow(1, 0, S);
    Tensor prev2 = ember::where(skip_ok, ember::constant_pad_nd(alpha, {2, 0}, kNegInf).narrow(1, 0, S), neg_inf);
    Tensor combined = masked_logsumexp(ember::stack({alpha, prev1, prev2}, 2));
    Tensor next = combined + lp.select(0, t).gather(1, ext);
    alpha = ember::where((lengths > t).unsqueeze(1), next, alpha);
  }
  // The paths end in the last label or the blank after it.
  Tensor last = (tlengths * 2).unsqueeze(1);
  Tensor end_blank = alpha.gather(1, last);
  Tensor end_label = ember::where(last > 0, alpha.gather(1, (last - 1).clamp_min(0)), neg_inf);
  Tensor loss = -masked_logsumexp(ember::cat({end_blank, end_label}, 1));  // [N]
  if (zero_infinity) loss = ember::where(loss.isinf(), ember::zeros({}, loss.options()), loss);
  if (reduction == 1) return (loss / tlengths.clamp_min(1).to(loss.scalar_type())).mean();
  if (reduction == 2) return loss.sum();
  EMBER_CHECK(reduction == 0, ValueError, "[ctc_loss] ", reduction, " is not a valid value for reduction");
  return batched ? loss : loss.squeeze(0);
}

// Lengths given as a tensor: integers only (a float length is a mistake, not something to round).
std::vector<int64_t> to_vector(const Tensor& t, const char* name) {
  EMBER_CHECK(is_integral(t.scalar_type(), false), TypeError, "[ctc_loss] ", name, " must be integral, got ",
              t.scalar_type());
  Tensor host = t.to(Device("cpu")).to(kInt64).contiguous().reshape({-1});
  const int64_t* p = host.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + host.numel());
}

}  // namespace

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths, IntArrayRef target_lengths,
                int64_t blank, int64_t reduction, bool zero_infinity) {
  return ctc_impl(log_probs, targets, input_lengths.vec(), target_lengths.vec(), blank, reduction, zero_infinity);
}

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths, const Tensor& target_lengths,
                int64_t blank, int64_t reduction, bool zero_infinity) {
  return ctc_impl(log_probs, targets, to_vector(input_lengths, "input_lengths"), to_vector(target_lengths, "target_lengths"), blank, reduction, zero_infinity);
}

}  // namespace native
}  // namespace ember
