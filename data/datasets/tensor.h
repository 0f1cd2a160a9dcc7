// TensorDataset: the rows of one tensor (dimension 0) as TensorExamples.
#pragma once

#include <vector>

#include "data/datasets/base.h"
#include "generated/functions.h"

namespace ember {
namespace data {
namespace datasets {

struct TensorDataset : public Dataset<TensorDataset, TensorExample> {
  // The tensors are stacked along a new dimension 0.
  explicit TensorDataset(const std::vector<Tensor>& tensors) : TensorDataset(ember::stack(tensors)) {}
  explicit TensorDataset(Tensor tensor) : tensor(std::move(tensor)) {}

  TensorExample get(size_t index) override { return tensor[static_cast<int64_t>(index)]; }
  std::optional<size_t> size() const override { return static_cast<size_t>(tensor.size(0)); }

  Tensor tensor;
};

}  // namespace datasets
}  // namespace data
}  // namespace ember
