// StatelessDataLoader: batches of a dataset that answers any request (indices from a sampler).
// Each worker thread gets its own copy of the dataset (copied once, when the loader is made);
// without workers the loader keeps the dataset and calls it itself.
#pragma once

#include <utility>

#include "data/dataloader/base.h"

namespace ember {
namespace data {

template <typename Dataset, typename Sampler>
class StatelessDataLoader
    : public DataLoaderBase<Dataset, typename Dataset::BatchType, typename Sampler::BatchRequestType> {
 public:
  using super = DataLoaderBase<Dataset, typename Dataset::BatchType, typename Sampler::BatchRequestType>;
  using typename super::BatchRequestType;

  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : super(std::move(options)), sampler_(std::move(sampler)) {
    for (size_t w = 0; w < this->options_.workers; ++w) {
      // The lambda owns the worker's copy of the dataset.
      this->workers_.emplace_back([this, dataset]() mutable { this->worker_thread(dataset); });
    }
    if (this->options_.workers == 0) this->main_thread_dataset_ = std::make_unique<Dataset>(std::move(dataset));
  }

  ~StatelessDataLoader() override { this->join(); }

 private:
  void reset() override {
    sampler_.reset();
    super::reset();
  }

  std::optional<BatchRequestType> get_batch_request() override {
    auto indices = sampler_.next(this->options_.batch_size);
    if (!indices || (indices->size() < this->options_.batch_size && this->options_.drop_last)) return std::nullopt;
    return indices;
  }

  Sampler sampler_;
};

}  // namespace data
}  // namespace ember
