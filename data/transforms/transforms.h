// Transforms applied by dataset.map(...), as libtorch's torch::data::transforms:
//
//   BatchTransform<In, Out>   apply_batch(In batch) -> Out (what map() calls)
//   Transform<In, Out>        apply(In example) -> Out, on every example of a std::vector batch
//   Lambda / BatchLambda      the same from a function
//   Collation / Collate       a batch (std::vector<T>) reduced to one T
//   Stack<Example<>>          stacks the data and the targets of a batch (Stack<TensorExample>: data)
//   TensorTransform<Target>   a function of an example's data tensor; the target passes through
//   TensorLambda, Normalize   ... from a function; (x - mean) / stddev per channel (dimension 0)
//
// Transforms are copied into each DataLoader worker's dataset; their apply must be safe to call
// from the worker that owns the copy.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "data/example.h"
#include "generated/functions.h"
#include "ops/creation.h"

namespace ember {
namespace data {
namespace transforms {

template <typename InputBatch, typename OutputBatch>
class BatchTransform {
 public:
  using InputBatchType = InputBatch;
  using OutputBatchType = OutputBatch;
  virtual ~BatchTransform() = default;
  virtual OutputBatch apply_batch(InputBatch input_batch) = 0;
};

template <typename Input, typename Output>
class Transform : public BatchTransform<std::vector<Input>, std::vector<Output>> {
 public:
  using InputType = Input;
  using OutputType = Output;

  virtual Output apply(Input input) = 0;

  std::vector<Output> apply_batch(std::vector<Input> input_batch) override {
    std::vector<Output> output;
    output.reserve(input_batch.size());
    for (auto&& input : input_batch) output.push_back(apply(std::move(input)));
    return output;
  }
};

template <typename Input, typename Output>
class BatchLambda : public BatchTransform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit BatchLambda(FunctionType function) : function_(std::move(function)) {}
  Output apply_batch(Input input_batch) override { return function_(std::move(input_batch)); }

 private:
  FunctionType function_;
};

template <typename Input, typename Output = Input>
class Lambda : public Transform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit Lambda(FunctionType function) : function_(std::move(function)) {}
  Output apply(Input input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

template <typename BatchType, typename T = std::vector<BatchType>>
using Collation = BatchTransform<T, BatchType>;

template <typename BatchType, typename T = std::vector<BatchType>>
using Collate = BatchLambda<T, BatchType>;

template <typename T = Example<>>
struct Stack;

template <>
struct Stack<Example<>> : public Collation<Example<>> {
  Example<> apply_batch(std::vector<Example<>> examples) override {
    std::vector<Tensor> data, targets;
    data.reserve(examples.size());
    targets.reserve(examples.size());
    for (auto& example : examples) {
      data.push_back(std::move(example.data));
      targets.push_back(std::move(example.target));
    }
    return {ember::stack(data), ember::stack(targets)};
  }
};

template <>
struct Stack<TensorExample> : public Collation<TensorExample> {
  TensorExample apply_batch(std::vector<TensorExample> examples) override {
    std::vector<Tensor> data;
    data.reserve(examples.size());
    for (auto& example : examples) data.push_back(std::move(example.data));
    return ember::stack(data);
  }
};

template <typename Target = Tensor>
class TensorTransform : public Transform<Example<Tensor, Target>, Example<Tensor, Target>> {
 public:
  using E = Example<Tensor, Target>;
  virtual Tensor operator()(Tensor input) = 0;
  E apply(E input) override {
    input.data = (*this)(std::move(input.data));
    return input;
  }
};

template <typename Target = Tensor>
class TensorLambda : public TensorTransform<Target> {
 public:
  using FunctionType = std::function<Tensor(Tensor)>;
  explicit TensorLambda(FunctionType function) : function_(std::move(function)) {}
  Tensor operator()(Tensor input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

// (input - mean) / stddev, with one value for all channels or one per channel (dimension 0 of a
// [C, H, W] image; a [H, W] image is one channel).
template <typename Target = Tensor>
struct Normalize : public TensorTransform<Target> {
  Normalize(ArrayRef<double> mean, ArrayRef<double> stddev)
      : mean(ember::tensor(mean, TensorOptions(kFloat32)).unsqueeze(1).unsqueeze(2)),
        stddev(ember::tensor(stddev, TensorOptions(kFloat32)).unsqueeze(1).unsqueeze(2)) {}
  Tensor operator()(Tensor input) override { return input.sub(mean).div(stddev); }

  Tensor mean, stddev;
};

}  // namespace transforms
}  // namespace data
}  // namespace ember
