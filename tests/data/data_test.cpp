// ember::data: TensorDataset through the DataLoader (batching, drop_last, worker threads that keep
// request order, errors from workers), the samplers (sequential, random with manual_seed,
// distributed shares that wrap), Normalize, and the MNIST reader on a two-image IDX file pair
// written here; make_tempfile/make_tempdir that clean up after themselves.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/tempfile.h"
#include "data/data.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
using namespace ember::data;

// Example i is (data [i, 10 i], target i).
struct NumberDataset : datasets::Dataset<NumberDataset> {
  explicit NumberDataset(size_t n, bool slow_early = false, std::optional<size_t> throw_at = std::nullopt)
      : n(n), slow_early(slow_early), throw_at(throw_at) {}
  Example<> get(size_t i) override {
    EMBER_CHECK(!throw_at || i != *throw_at, ValueError, "example ", i, " is broken");
    // Early examples are slow, so workers finish later requests first.
    if (slow_early && i < 4) std::this_thread::sleep_for(std::chrono::milliseconds(30));
    double v = static_cast<double>(i);
    return {make1d({v, 10 * v}, kFloat64), make1d({v}, kFloat64).squeeze()};
  }
  std::optional<size_t> size() const override { return n; }
  size_t n;
  bool slow_early;
  std::optional<size_t> throw_at;
};

std::vector<double> batch_targets(const Example<>& batch) { return values(batch.target); }

TEST(DataLoaderTest, SequentialBatchesAndDropLast) {
  auto loader = make_data_loader<samplers::SequentialSampler>(NumberDataset(7).map(transforms::Stack<>()),
                                                              DataLoaderOptions(3));
  std::vector<std::vector<double>> targets;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.data.size(1), 2);
    targets.push_back(batch_targets(batch));
  }
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0], (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(targets[2], (std::vector<double>{6}));

  auto dropping = make_data_loader<samplers::SequentialSampler>(NumberDataset(7).map(transforms::Stack<>()),
                                                                DataLoaderOptions(3).drop_last(true));
  size_t batches = 0;
  for (auto& batch : *dropping) {
    EXPECT_EQ(batch.data.size(0), 3);
    ++batches;
  }
  EXPECT_EQ(batches, 2u);
}

TEST(DataLoaderTest, WorkersKeepRequestOrder) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      NumberDataset(12, /*slow_early=*/true).map(transforms::Stack<>()), DataLoaderOptions(2).workers(3));
  std::vector<double> seen;
  for (auto& batch : *loader) {
    auto t = batch_targets(batch);
    seen.insert(seen.end(), t.begin(), t.end());
  }
  std::vector<double> want(12);
  for (size_t i = 0; i < want.size(); ++i) want[i] = static_cast<double>(i);
  EXPECT_EQ(seen, want);
}

TEST(DataLoaderTest, WorkerErrorsReachTheCaller) {
  auto threaded = make_data_loader<samplers::SequentialSampler>(
      NumberDataset(6, false, /*throw_at=*/3).map(transforms::Stack<>()), DataLoaderOptions(2).workers(2));
  try {
    for (auto& batch : *threaded) (void)batch;
    FAIL() << "expected the worker's error";
  } catch (const WorkerException& e) {
    EXPECT_NE(std::string(e.what()).find("example 3 is broken"), std::string::npos) << e.what();
    EXPECT_THROW(std::rethrow_exception(e.original_exception), ember::ValueError);
  }
  // Without workers the dataset's own error arrives unwrapped.
  auto inline_loader = make_data_loader<samplers::SequentialSampler>(
      NumberDataset(6, false, 3).map(transforms::Stack<>()), DataLoaderOptions(2));
  EXPECT_THROW_MSG(
      {
        for (auto& batch : *inline_loader) (void)batch;
      },
      ember::ValueError, "example 3 is broken");
}

TEST(SamplerTest, RandomSamplerIsASeededPermutation) {
  manual_seed(7);
  samplers::RandomSampler first(10);
  auto a = first.next(10);
  manual_seed(7);
  samplers::RandomSampler second(10);
  auto b = second.next(10);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  std::vector<size_t> sorted = *a;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_FALSE(first.next(1).has_value());
  first.reset();
  EXPECT_TRUE(first.next(1).has_value());
}

TEST(SamplerTest, DistributedSequentialSharesWrap) {
  // 10 examples over 3 replicas: shares of ceil(10 / 3) = 4; the last one wraps to 0 and 1.
  samplers::DistributedSequentialSampler last(10, 3, 2);
  EXPECT_EQ(*last.next(10), (std::vector<size_t>{8, 9, 0, 1}));
  samplers::DistributedSequentialSampler middle(10, 3, 1);
  EXPECT_EQ(*middle.next(3), (std::vector<size_t>{4, 5, 6}));
  EXPECT_EQ(*middle.next(3), (std::vector<size_t>{7}));
  // Without duplicates the shares are floor(10 / 3) = 3.
  samplers::DistributedSequentialSampler exact(10, 3, 2, /*allow_duplicates=*/false);
  EXPECT_EQ(*exact.next(10), (std::vector<size_t>{6, 7, 8}));
}

TEST(TransformTest, NormalizePerChannel) {
  Tensor image = ember::ones({2, 1, 2}, TensorOptions(kFloat32));
  transforms::Normalize<> normalize({0.5, 0.25}, {2.0, 0.5});
  EXPECT_TRUE(all_close(normalize(image), {0.25, 0.25, 1.5, 1.5}));
}

void write_be32(std::ofstream& out, uint32_t v) {
  unsigned char b[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                        static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
  out.write(reinterpret_cast<const char*>(b), 4);
}

TEST(MnistTest, ReadsIdxFilesAndNamesBadOnes) {
  TempDir dir = make_tempdir();
  const std::string images_path = dir.name + "/t10k-images-idx3-ubyte";
  const std::string labels_path = dir.name + "/t10k-labels-idx1-ubyte";
  {
    std::ofstream images(images_path, std::ios::binary);
    write_be32(images, 2051);
    write_be32(images, 2);
    write_be32(images, 28);
    write_be32(images, 28);
    for (int i = 0; i < 2 * 28 * 28; ++i) images.put(static_cast<char>(i < 28 * 28 ? 0 : 255));
    std::ofstream labels(labels_path, std::ios::binary);
    write_be32(labels, 2049);
    write_be32(labels, 2);
    labels.put(3);
    labels.put(7);
  }
  datasets::MNIST mnist(dir.name, datasets::MNIST::Mode::kTest);
  EXPECT_EQ(*mnist.size(), 2u);
  EXPECT_FALSE(mnist.is_train());
  Example<> second = mnist.get(1);
  EXPECT_EQ(second.data.sizes(), (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(second.data.min().item<float>(), 1.0f);
  EXPECT_EQ(second.target.item<int64_t>(), 7);
  EXPECT_THROW(mnist.get(2), ember::IndexError);
  EXPECT_THROW_MSG(datasets::MNIST(dir.name, datasets::MNIST::Mode::kTrain), ember::RuntimeError,
                   "train-images-idx3-ubyte");
  std::remove(images_path.c_str());
  std::remove(labels_path.c_str());
}

TEST(TempFileTest, FilesAndDirectoriesRemoveThemselves) {
  std::string file_name, dir_name;
  {
    TempFile file = make_tempfile("ember-test-");
    file_name = file.name;
    EXPECT_NE(file_name.find("ember-test-"), std::string::npos);
    EXPECT_EQ(::access(file_name.c_str(), F_OK), 0);
    TempFile moved = std::move(file);
    EXPECT_EQ(moved.name, file_name);
    TempDir dir = make_tempdir();
    dir_name = dir.name;
    struct stat st;
    ASSERT_EQ(::stat(dir_name.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
  }
  EXPECT_NE(::access(file_name.c_str(), F_OK), 0);
  EXPECT_NE(::access(dir_name.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace ember_test
