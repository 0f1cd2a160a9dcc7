// StatefulDataset: a dataset that decides itself what each batch holds and when an epoch ends
// (get_batch returns nullopt), given only a batch size. reset() starts a new epoch; save / load
// checkpoint its position through archives (so ember::save(dataset, file) works).
#pragma once

#include <optional>
#include <vector>

#include "data/datasets/base.h"
#include "nn/serialize/archive.h"

namespace ember {
namespace data {
namespace datasets {

template <typename Self, typename Batch = std::vector<Example<>>, typename BatchRequest = size_t>
class StatefulDataset : public BatchDataset<Self, std::optional<Batch>, BatchRequest> {
 public:
  virtual void reset() = 0;
  virtual void save(serialize::OutputArchive& archive) const = 0;
  virtual void load(serialize::InputArchive& archive) = 0;
};

template <typename... Args>
serialize::OutputArchive& operator<<(serialize::OutputArchive& archive, const StatefulDataset<Args...>& dataset) {
  dataset.save(archive);
  return archive;
}

template <typename... Args>
serialize::InputArchive& operator>>(serialize::InputArchive& archive, StatefulDataset<Args...>& dataset) {
  dataset.load(archive);
  return archive;
}

}  // namespace datasets
}  // namespace data
}  // namespace ember
