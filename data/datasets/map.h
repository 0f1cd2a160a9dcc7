// MapDataset: a dataset whose batches are another dataset's passed through a transform's
// apply_batch (dataset.map(transform) makes one). Over a stateful dataset the batch stays
// optional, and reset / save / load reach the source. Owns its source and transform.
#pragma once

#include <type_traits>
#include <utility>

#include "data/datasets/base.h"

namespace ember {
namespace serialize {
class OutputArchive;
class InputArchive;
}  // namespace serialize

namespace data {
namespace datasets {

namespace detail {
template <bool Condition, typename T>
using optional_if_t = std::conditional_t<Condition, std::optional<T>, T>;
}  // namespace detail

template <typename SourceDataset, typename AppliedTransform>
class MapDataset
    : public BatchDataset<MapDataset<SourceDataset, AppliedTransform>,
                          detail::optional_if_t<SourceDataset::is_stateful, typename AppliedTransform::OutputBatchType>,
                          typename SourceDataset::BatchRequestType> {
 public:
  using DatasetType = SourceDataset;
  using TransformType = AppliedTransform;
  using BatchRequestType = typename SourceDataset::BatchRequestType;
  using OutputBatchType =
      detail::optional_if_t<SourceDataset::is_stateful, typename AppliedTransform::OutputBatchType>;

  MapDataset(SourceDataset dataset, AppliedTransform transform)
      : dataset_(std::move(dataset)), transform_(std::move(transform)) {}

  OutputBatchType get_batch(BatchRequestType indices) override {
    if constexpr (SourceDataset::is_stateful) {
      auto batch = dataset_.get_batch(std::move(indices));
      if (!batch) return std::nullopt;
      return transform_.apply_batch(std::move(*batch));
    } else {
      return transform_.apply_batch(dataset_.get_batch(std::move(indices)));
    }
  }

  std::optional<size_t> size() const noexcept override { return dataset_.size(); }

  // Stateful sources only.
  void reset() { dataset_.reset(); }
  void save(serialize::OutputArchive& archive) const { dataset_.save(archive); }
  void load(serialize::InputArchive& archive) { dataset_.load(archive); }

  const SourceDataset& dataset() noexcept { return dataset_; }
  const AppliedTransform& transform() noexcept { return transform_; }

 private:
  SourceDataset dataset_;
  AppliedTransform transform_;
};

template <typename DatasetType, typename TransformType>
MapDataset<DatasetType, TransformType> map(DatasetType dataset, TransformType transform) {
  using SourceBatch = std::conditional_t<DatasetType::is_stateful, typename DatasetType::BatchType::value_type,
                                         typename DatasetType::BatchType>;
  static_assert(std::is_same<SourceBatch, typename TransformType::InputBatchType>::value,
                "BatchType type of dataset does not match input type of transform");
  return {std::move(dataset), std::move(transform)};
}

}  // namespace datasets
}  // namespace data
}  // namespace ember
