// make_data_loader: a DataLoader for a dataset, as libtorch's torch::data::make_data_loader.
//
//   auto loader = ember::data::make_data_loader(dataset.map(Stack<>()), DataLoaderOptions(64).workers(2));
//   for (auto& batch : *loader) { ... }
//
// A stateless dataset needs a sampler: given, or Sampler(dataset.size()) (a RandomSampler by
// default; the dataset must then be sized). A stateful dataset takes none.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "data/dataloader/stateful.h"
#include "data/dataloader/stateless.h"
#include "data/samplers/samplers.h"

namespace ember {
namespace data {

template <typename Sampler = samplers::RandomSampler, typename Dataset,
          typename = std::enable_if_t<!Dataset::is_stateful>>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset, Sampler sampler,
                                                                         DataLoaderOptions options) {
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(std::move(dataset), std::move(sampler),
                                                                 std::move(options));
}

template <typename Sampler = samplers::RandomSampler, typename Dataset,
          typename = std::enable_if_t<!Dataset::is_stateful && std::is_constructible<Sampler, size_t>::value>>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset,
                                                                         DataLoaderOptions options = {}) {
  const std::optional<size_t> size = dataset.size();
  EMBER_CHECK(size.has_value(), ValueError, "Expected the dataset to be sized in order to construct the Sampler");
  return make_data_loader(std::move(dataset), Sampler(*size), std::move(options));
}

template <typename Dataset, typename = std::enable_if_t<Dataset::is_stateful>>
std::unique_ptr<StatefulDataLoader<Dataset>> make_data_loader(Dataset dataset, DataLoaderOptions options = {}) {
  return std::make_unique<StatefulDataLoader<Dataset>>(std::move(dataset), std::move(options));
}

}  // namespace data
}  // namespace ember
