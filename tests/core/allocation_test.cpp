// Resources: a tensor too large for the device is an OutOfMemoryError that names the bytes and
// the device; a shape whose size x itemsize (or size x stride) does not fit in int64 is a
// ValueError raised before any allocation; creation from empty data is well defined.
// Regression tests for issue 14 (items 1 and 6).
#include <climits>
#include <vector>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

constexpr int64_t k2p40 = int64_t{1} << 40;
constexpr int64_t k2p62 = int64_t{1} << 62;

TEST(Allocation, TooLargeForTheDeviceIsAnOutOfMemoryErrorNamingBytesAndDevice) {
  // 2^47 bytes (128 TiB): a valid size that no allocator here can provide.
  int64_t n = int64_t{1} << 45;
  EXPECT_THROW_MSG(ember::empty({n}, TensorOptions(kFloat32)), OutOfMemoryError, "allocating 140737488355328 bytes on cpu");
  try {
    ember::empty({n, 2}, TensorOptions(kFloat64));
    FAIL() << "expected OutOfMemoryError";
  } catch (const OutOfMemoryError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("562949953421312"), std::string::npos) << what;  // the bytes asked for (2^49)
    EXPECT_NE(what.find("cpu"), std::string::npos) << what;              // the device
    EXPECT_NE(what.find("out of memory"), std::string::npos) << what;
  }
  // OutOfMemoryError is a RuntimeError (as PyTorch's torch.cuda.OutOfMemoryError).
  EXPECT_THROW(ember::zeros({n}), RuntimeError);
  // Nothing was left half-made: ordinary allocations still work.
  EXPECT_TRUE(matches(ember::ones({2}), {2}, kFloat32, {1, 1}));
}

TEST(Allocation, SizeTimesItemsizeOverflowIsCaughtBeforeAllocating) {
  EXPECT_THROW_MSG(ember::empty({k2p40, k2p40}), ValueError, "[empty] the number of elements of a tensor of size");
  EXPECT_THROW_MSG(ember::empty({k2p62, 4}), ValueError, "overflows int64");
  // Fits as elements, not as bytes (2^62 float64 elements are 2^65 bytes).
  EXPECT_THROW_MSG(ember::empty({k2p62}, TensorOptions(kFloat64)), ValueError,
                   "[empty] storage size calculation overflowed with sizes=[4611686018427387904]");
  EXPECT_THROW_MSG(ember::zeros({INT64_MAX, 2}), ValueError, "overflows int64");
  EXPECT_THROW_MSG(ember::full({k2p62, 2}, 1.5), ValueError, "overflows int64");
  // An empty tensor whose other dims multiply past int64: its contiguous strides would overflow.
  EXPECT_THROW_MSG(ember::empty({0, k2p40, k2p40}), ValueError, "overflow int64");
  EXPECT_TRUE(matches(ember::empty({0, k2p40}), {0, k2p40}, kFloat32, {}));
}

TEST(Allocation, SizeTimesStrideOverflowIsCaughtForViewsAndBlobs) {
  float data[4] = {1, 2, 3, 4};
  using Dims = std::vector<int64_t>;
  EXPECT_THROW_MSG(ember::from_blob(data, Dims{2, 2}, Dims{k2p62, 1}), ValueError,
                   "[from_blob] storage size calculation overflowed");
  EXPECT_THROW_MSG(ember::from_blob(data, Dims{k2p62, 4}), ValueError, "");
  EXPECT_THROW_MSG(ember::from_blob(data, Dims{2}, Dims{-1}), ValueError, "[from_blob] negative size or stride");
  EXPECT_TRUE(matches(ember::from_blob(data, Dims{2}, Dims{2}), {2}, kFloat32, {1, 3}));
  EXPECT_TRUE(matches(ember::from_blob(data, Dims{0, 3}, Dims{k2p62, 1}), {0, 3}, kFloat32, {}));
  // A view: expand of a 1-element tensor to 2^62 x 4 elements.
  EXPECT_THROW_MSG(ember::ones({1, 1}).expand({k2p62, 4}), ValueError, "overflows int64");
}

TEST(Allocation, NewBoolTensorsStartFalse) {
  // A recycled block full of 0xff bytes must not become a bool tensor holding 255s (loading such
  // a bool is undefined behaviour; the tensor-API fuzzer found copies reading them).
  for (int round = 0; round < 4; ++round) {
    { Tensor bytes = ember::full({64}, 255, TensorOptions(kUInt8)); }
    Tensor flags = ember::empty({64}, TensorOptions(kBool));
    const uint8_t* raw = static_cast<const uint8_t*>(flags.data_ptr());
    for (int i = 0; i < 64; ++i) ASSERT_EQ(raw[i], 0) << i;
    EXPECT_TRUE(matches(flags.to(kFloat32).sum(), {}, kFloat32, {0}));
  }
}

TEST(Allocation, TensorFromEmptyDataIsWellDefined) {
  // tensor_from_doubles of no values used to memcpy from a null pointer.
  Tensor e = ember::tensor_from_doubles({}, {0}, TensorOptions(kFloat32));
  EXPECT_TRUE(matches(e, {0}, kFloat32, {}));
  EXPECT_TRUE(matches(ember::tensor_from_doubles({}, {2, 0, 3}, TensorOptions(kInt64)), {2, 0, 3}, kInt64, {}));
  EXPECT_THROW_MSG(ember::tensor_from_doubles({}, {k2p62, k2p62}, TensorOptions(kFloat32)), ValueError, "overflows int64");
  EXPECT_THROW_MSG(ember::tensor_from_doubles({1.0}, {-1}, TensorOptions(kFloat32)), ValueError, "negative dimension");
  EXPECT_TRUE(matches(ember::tensor(std::vector<double>{}), {0}, kFloat32, {}));
}

// An op whose output size asks for more memory than there is: ember's OutOfMemoryError before
// any host-side bookkeeping grows with it (upsample built its taps in std::vectors, found by the
// tensor_api fuzz target as an allocation past its limit; seed regression_upsample_huge_output).
TEST(Allocation, UpsampleToAnImpossibleSizeIsATypedError) {
  Tensor x = ember::zeros({1, 1, 2});
  EXPECT_THROW(ember::upsample_linear1d(x, {k2p40}, false), OutOfMemoryError);
  EXPECT_THROW(ember::upsample_nearest1d(x, {k2p40}), OutOfMemoryError);
  EXPECT_THROW_MSG(ember::upsample_linear1d(x, {INT64_MAX}, false), ValueError, "is too large");
  EXPECT_TRUE(matches(ember::upsample_linear1d(make(std::vector<double>{1, 3}, {1, 1, 2}), {4}, true), {1, 1, 4}, kFloat32,
                      {1, 5.0 / 3, 7.0 / 3, 3}));
}

// Reflect / replicate / circular padding to an impossible extent: ember's OutOfMemoryError (or a
// ValueError past int64), not a growing std::vector (found by the tensor_api fuzz target).
TEST(Allocation, PaddingToAnImpossibleExtentIsATypedError) {
  Tensor x = ember::zeros({1, 1, 2, 2});
  EXPECT_THROW(ember::replication_pad2d(x, {0, 0, 0, k2p40}), OutOfMemoryError);
  EXPECT_THROW_MSG(ember::replication_pad2d(x, {0, 0, INT64_MAX, INT64_MAX}), ValueError, "overflows int64");
  EXPECT_THROW_MSG(ember::replication_pad2d(x, {0, 0, INT64_MIN, 0}), ValueError, "overflows int64");
  EXPECT_TRUE(matches(ember::replication_pad1d(make(std::vector<double>{1, 2}, {1, 1, 2}), {1, 2}), {1, 1, 5}, kFloat32,
                      {1, 1, 2, 2, 2}));
}

}  // namespace
}  // namespace ember_test
