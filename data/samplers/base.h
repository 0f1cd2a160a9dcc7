// Samplers: where a DataLoader's batch requests come from, as libtorch's torch::data::samplers.
// next(batch_size) returns the next request (indices, by default) or nullopt at the end of an
// epoch; reset(new_size) starts the next epoch, optionally over a new dataset size; save / load
// checkpoint the position through archives (ember::save(sampler, file) works).
// Thread-safety: a sampler is used by the loader thread only.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "nn/serialize/archive.h"

namespace ember {
namespace data {
namespace samplers {

template <typename BatchRequest = std::vector<size_t>>
class Sampler {
 public:
  using BatchRequestType = BatchRequest;

  virtual ~Sampler() = default;
  virtual void reset(std::optional<size_t> new_size) = 0;
  virtual std::optional<BatchRequest> next(size_t batch_size) = 0;
  virtual void save(serialize::OutputArchive& archive) const = 0;
  virtual void load(serialize::InputArchive& archive) = 0;
};

template <typename BatchRequest>
serialize::OutputArchive& operator<<(serialize::OutputArchive& archive, const Sampler<BatchRequest>& sampler) {
  sampler.save(archive);
  return archive;
}

template <typename BatchRequest>
serialize::InputArchive& operator>>(serialize::InputArchive& archive, Sampler<BatchRequest>& sampler) {
  sampler.load(archive);
  return archive;
}

// A batch request of a custom type reports its size.
struct CustomBatchRequest {
  CustomBatchRequest() = default;
  CustomBatchRequest(const CustomBatchRequest&) = default;
  CustomBatchRequest(CustomBatchRequest&&) noexcept = default;
  CustomBatchRequest& operator=(const CustomBatchRequest&) = default;
  CustomBatchRequest& operator=(CustomBatchRequest&&) noexcept = default;
  virtual ~CustomBatchRequest() = default;
  virtual size_t size() const = 0;
};

}  // namespace samplers
}  // namespace data
}  // namespace ember
