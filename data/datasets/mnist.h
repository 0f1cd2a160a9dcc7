// MNIST: the MNIST digits from the original IDX files in a directory, as libtorch's
// torch::data::datasets::MNIST. Images are float32 [N, 1, 28, 28] scaled to [0, 1], targets
// int64 [N]. The files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte) are read whole at construction; a missing or malformed file is a
// RuntimeError naming it and the problem (wrong magic number, image size, or image and label
// counts that differ). Unlike libtorch, any example count is accepted, not only 60000 / 10000.
#pragma once

#include <string>

#include "data/datasets/base.h"

namespace ember {
namespace data {
namespace datasets {

class EMBER_API MNIST : public Dataset<MNIST> {
 public:
  enum class Mode { kTrain, kTest };

  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);

  Example<> get(size_t index) override;
  std::optional<size_t> size() const override;
  bool is_train() const noexcept;
  const Tensor& images() const { return images_; }
  const Tensor& targets() const { return targets_; }

 private:
  Tensor images_, targets_;
  bool train_;
};

}  // namespace datasets
}  // namespace data
}  // namespace ember
