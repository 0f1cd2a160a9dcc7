// StatefulDataLoader: batches of a stateful dataset (datasets/stateful.h), which decides itself
// what each batch holds and when the epoch ends; requests are just the batch size. All workers
// call the one dataset the loader owns, so it must be thread-safe when workers > 0.
#pragma once

#include <memory>
#include <utility>

#include "data/dataloader/base.h"

namespace ember {
namespace data {

template <typename Dataset>
class StatefulDataLoader : public DataLoaderBase<Dataset, typename Dataset::BatchType::value_type,
                                                 typename Dataset::BatchRequestType> {
 public:
  using super =
      DataLoaderBase<Dataset, typename Dataset::BatchType::value_type, typename Dataset::BatchRequestType>;
  using typename super::BatchRequestType;

  StatefulDataLoader(Dataset dataset, DataLoaderOptions options)
      : super(std::move(options), std::make_unique<Dataset>(std::move(dataset))) {
    for (size_t w = 0; w < this->options_.workers; ++w)
      this->workers_.emplace_back([this] { this->worker_thread(*this->main_thread_dataset_); });
  }

  ~StatefulDataLoader() override { this->join(); }

 private:
  void reset() override {
    this->main_thread_dataset_->reset();
    super::reset();
  }

  std::optional<BatchRequestType> get_batch_request() override { return this->options_.batch_size; }
};

}  // namespace data
}  // namespace ember
