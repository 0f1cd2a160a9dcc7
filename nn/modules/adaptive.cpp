#include "nn/modules/adaptive.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "nn/modules/container/sequential.h"
#include "ops/indexing.h"

namespace ember {
namespace nn {

AdaptiveLogSoftmaxWithLossImpl::AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions options_)
    : options(std::move(options_)) {
  reset();
}

void AdaptiveLogSoftmaxWithLossImpl::reset() {
  const std::vector<int64_t>& given = options.cutoffs();
  bool valid = !given.empty() && std::is_sorted(given.begin(), given.end()) && given.front() > 0 &&
               given.back() <= options.n_classes() - 1 && std::set<int64_t>(given.begin(), given.end()).size() == given.size();
  EMBER_CHECK(valid, ValueError,
              "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each "
              "value is between 1 and n_classes-1");
  cutoffs = given;
  cutoffs.push_back(options.n_classes());
  shortlist_size = cutoffs[0];
  n_clusters = static_cast<int64_t>(cutoffs.size()) - 1;
  head_size = shortlist_size + n_clusters;
  head = register_module("head", Linear(LinearOptions(options.in_features(), head_size).bias(options.head_bias())));
  tail = register_module("tail", ModuleList());
  for (int64_t i = 0; i < n_clusters; ++i) {
    const int64_t hsz = static_cast<int64_t>(
        std::floor(static_cast<double>(options.in_features()) / std::pow(options.div_value(), static_cast<double>(i + 1))));
    const int64_t osz = cutoffs[static_cast<size_t>(i) + 1] - cutoffs[static_cast<size_t>(i)];
    tail->push_back(Sequential(Linear(LinearOptions(options.in_features(), hsz).bias(false)),
                               Linear(LinearOptions(hsz, osz).bias(false))));
  }
}

void AdaptiveLogSoftmaxWithLossImpl::reset_parameters() {
  head->reset_parameters();
  for (const auto& cluster : *tail) {
    for (const auto& layer : *cluster->as<SequentialImpl>()) layer.get<LinearImpl>().reset_parameters();
  }
}

void AdaptiveLogSoftmaxWithLossImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "AdaptiveLogSoftmaxWithLoss";
}

ASMoutput AdaptiveLogSoftmaxWithLossImpl::forward(const Tensor& input_, const Tensor& target_) {
  const int64_t targ_dim = target_.dim();
  if (targ_dim == 1) {
    EMBER_CHECK(input_.size(0) == target_.size(0), ValueError,
                "Input and target should have the same size in the batch dimension.");
    EMBER_CHECK(input_.dim() == 2, ValueError, "1D target tensor expects 2D input tensors, but found inputs with size ",
                input_.sizes());
  } else if (targ_dim == 0) {
    EMBER_CHECK(input_.dim() == 1, ValueError, "0D target tensor expects 1D input tensors, but found inputs with size ",
                input_.sizes());
  } else {
    EMBER_FAIL(ValueError, "0D or 1D target tensor expected, multi-target not supported");
  }
  const bool batched = targ_dim > 0;
  Tensor input = batched ? input_ : input_.unsqueeze(0);
  Tensor target = batched ? target_ : target_.unsqueeze(0);
  const int64_t batch = target.size(0);
  Tensor output = ember::zeros({batch}, input.options());
  Tensor gather_inds = ember::zeros({batch}, target.options());
  int64_t used_rows = 0;
  std::vector<int64_t> bounds{0};
  bounds.insert(bounds.end(), cutoffs.begin(), cutoffs.end());
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    const int64_t low = bounds[i], high = bounds[i + 1];
    Tensor mask = (target >= low).logical_and(target < high);
    Tensor rows = mask.nonzero().reshape({-1});
    if (rows.numel() == 0) continue;
    if (i == 0) {
      gather_inds = gather_inds.scatter(0, rows, target.masked_select(mask));
    } else {
      Tensor relative = target.masked_select(mask) - low;
      Tensor cluster_output = tail[i - 1]->as<SequentialImpl>()->forward(input.index_select(0, rows));
      gather_inds = gather_inds.scatter(0, rows, shortlist_size + static_cast<int64_t>(i) - 1);
      Tensor local = ember::log_softmax(cluster_output, 1, std::nullopt).gather(1, relative.unsqueeze(1)).squeeze(1);
      output = output.scatter(0, rows, local);
    }
    used_rows += rows.numel();
  }
  EMBER_CHECK(used_rows == batch, ValueError, "Target values should be in [0, ", options.n_classes() - 1,
              "], but values in range [", target.amin().item<int64_t>(), ", ", target.amax().item<int64_t>(),
              "] were found. ");
  Tensor head_logprob = ember::log_softmax(head(input), 1, std::nullopt);
  output = output + head_logprob.gather(1, gather_inds.unsqueeze(1)).squeeze(1);
  const double loss = (-output).mean().item<double>();
  return ASMoutput(batched ? output : output.squeeze(0), loss);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::_get_full_log_prob(const Tensor& input, const Tensor& head_output) {
  Tensor head_logprob = ember::log_softmax(head_output, 1, std::nullopt);
  std::vector<Tensor> parts{head_logprob.narrow(1, 0, shortlist_size)};
  for (int64_t i = 0; i < n_clusters; ++i) {
    Tensor cluster = ember::log_softmax(tail[static_cast<size_t>(i)]->as<SequentialImpl>()->forward(input), 1, std::nullopt);
    parts.push_back(cluster + head_logprob.select(1, shortlist_size + i).unsqueeze(1));
  }
  return ember::cat(parts, 1);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::log_prob(const Tensor& input) { return _get_full_log_prob(input, head(input)); }

Tensor AdaptiveLogSoftmaxWithLossImpl::predict(const Tensor& input) {
  Tensor head_output = head(input);
  Tensor output = head_output.argmax(1);
  Tensor outside = output >= shortlist_size;
  if (!outside.any().item<bool>()) return output;
  if (outside.all().item<bool>()) return _get_full_log_prob(input, head_output).argmax(1);
  Tensor rows = outside.nonzero().reshape({-1});
  Tensor picked = _get_full_log_prob(input.index_select(0, rows), head_output.index_select(0, rows)).argmax(1);
  return output.scatter(0, rows, picked);
}

}  // namespace nn
}  // namespace ember
