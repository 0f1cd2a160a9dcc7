#include "data/datasets/mnist.h"

#include <cstring>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "generated/functions.h"

namespace ember {
namespace data {
namespace datasets {

namespace {

constexpr uint32_t kImageMagic = 2051;
constexpr uint32_t kLabelMagic = 2049;
constexpr int64_t kSide = 28;

class IdxFile {
 public:
  explicit IdxFile(std::string path) : path_(std::move(path)), in_(path_, std::ios::binary) {
    EMBER_CHECK(in_.is_open(), RuntimeError, "[MNIST] cannot open '", path_, "': ", std::strerror(errno));
  }
  // IDX headers are big-endian 32-bit integers.
  uint32_t header(const char* field) {
    unsigned char b[4];
    read(b, 4, field);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
  }
  void expect(const char* field, uint32_t expected) {
    uint32_t got = header(field);
    EMBER_CHECK(got == expected, RuntimeError, "[MNIST] '", path_, "': expected ", field, " ", expected, ", got ", got);
  }
  void read(void* out, size_t n, const char* field) {
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
    EMBER_CHECK(in_.gcount() == static_cast<std::streamsize>(n), RuntimeError, "[MNIST] '", path_,
                "' is truncated: reading ", field, " needs ", n, " bytes");
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
};

std::string join(const std::string& root, const char* name) {
  return root.empty() || root.back() == '/' ? root + name : root + "/" + name;
}

}  // namespace

MNIST::MNIST(const std::string& root, Mode mode) : train_(mode == Mode::kTrain) {
  const bool train = train_;
  IdxFile images(join(root, train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte"));
  images.expect("magic number", kImageMagic);
  uint32_t count = images.header("image count");
  images.expect("row count", kSide);
  images.expect("column count", kSide);
  Tensor raw = ember::empty({static_cast<int64_t>(count), 1, kSide, kSide}, TensorOptions(kUInt8));
  images.read(raw.data_ptr(), raw.numel(), "pixels");
  images_ = raw.to(kFloat32).div_(255);

  IdxFile labels(join(root, train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte"));
  labels.expect("magic number", kLabelMagic);
  uint32_t label_count = labels.header("label count");
  EMBER_CHECK(label_count == count, RuntimeError, "[MNIST] '", labels.path(), "' has ", label_count,
              " labels, but '", images.path(), "' has ", count, " images");
  Tensor raw_labels = ember::empty({static_cast<int64_t>(count)}, TensorOptions(kUInt8));
  labels.read(raw_labels.data_ptr(), raw_labels.numel(), "labels");
  targets_ = raw_labels.to(kInt64);
}

Example<> MNIST::get(size_t index) {
  EMBER_CHECK(index < static_cast<size_t>(images_.size(0)), IndexError, "[MNIST] index ", index,
              " is out of range for ", images_.size(0), " examples");
  return {images_[static_cast<int64_t>(index)], targets_[static_cast<int64_t>(index)]};
}

std::optional<size_t> MNIST::size() const { return static_cast<size_t>(images_.size(0)); }

bool MNIST::is_train() const noexcept { return train_; }

}  // namespace datasets
}  // namespace data
}  // namespace ember
