// data::Example: one example of a dataset, a datum and its target, as libtorch's
// torch::data::Example. Example<Tensor, example::NoTarget> (TensorExample) has a datum only.
// Plain values; thread-safety is that of the members.
#pragma once

#include <utility>

#include "core/tensor.h"

namespace ember {
namespace data {

namespace example {
using NoTarget = void;
}  // namespace example

template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;

  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}

  Data data;
  Target target;
};

template <>
struct Example<Tensor, example::NoTarget> {
  using DataType = Tensor;
  using TargetType = example::NoTarget;

  Example() = default;
  /* implicit */ Example(Tensor data) : data(std::move(data)) {}  // NOLINT

  operator Tensor&() { return data; }              // NOLINT
  operator const Tensor&() const { return data; }  // NOLINT

  Tensor data;
};

using TensorExample = Example<Tensor, example::NoTarget>;

}  // namespace data
}  // namespace ember
