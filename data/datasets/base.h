// Dataset bases, as libtorch's torch::data::datasets:
//
//   BatchDataset<Self, Batch, BatchRequest>  get_batch(request) -> Batch; size() (nullopt when
//                                            unknown); map(transform) -> MapDataset.
//   Dataset<Self, Example>                   get(index) -> Example; get_batch(indices) collects
//                                            get() into a std::vector<Example>.
//   StreamDataset<Self, Batch>               a BatchDataset whose request is a batch size.
//
// A dataset whose Batch is std::optional<...> is stateful (is_stateful): it says itself when an
// epoch ends (datasets/stateful.h). Self is the deriving class (map() copies or moves it).
// Thread-safety: a DataLoader gives each worker its own copy of a stateless dataset; share one
// across workers with make_shared_dataset (datasets/shared.h), which must then be thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/array_ref.h"
#include "data/example.h"

namespace ember {
namespace data {
namespace datasets {

template <typename SourceDataset, typename AppliedTransform>
class MapDataset;
template <typename DatasetType, typename TransformType>
MapDataset<DatasetType, TransformType> map(DatasetType dataset, TransformType transform);

namespace detail {
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace detail

template <typename Self, typename Batch = std::vector<Example<>>, typename BatchRequest = ArrayRef<size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;
  constexpr static bool is_stateful = detail::is_optional<BatchType>::value;

  virtual ~BatchDataset() = default;

  virtual Batch get_batch(BatchRequest request) = 0;
  // The number of examples, when known.
  virtual std::optional<size_t> size() const = 0;

  template <typename TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) & {
    return datasets::map(static_cast<Self&>(*this), std::move(transform));
  }
  template <typename TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) && {
    return datasets::map(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

template <typename Self, typename SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;

  virtual ExampleType get(size_t index) = 0;

  std::vector<ExampleType> get_batch(ArrayRef<size_t> indices) override {
    std::vector<ExampleType> batch;
    batch.reserve(indices.size());
    for (size_t i : indices) batch.push_back(get(i));
    return batch;
  }
};

template <typename Self, typename Batch = std::vector<Example<>>>
using StreamDataset = BatchDataset<Self, Batch, /*BatchRequest=*/size_t>;

}  // namespace datasets
}  // namespace data
}  // namespace ember
