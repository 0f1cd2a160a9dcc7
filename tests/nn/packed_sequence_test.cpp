// nn::utils::rnn packing round trips with hand-computed values: pad_sequence, pack_padded_sequence
// (sorted and unsorted), pad_packed_sequence for 1-d steps and for steps with features, with
// total_length and batch_first, and its errors; pack_sequence.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace rnn = ember::nn::utils::rnn;

TEST(PackedSequence, OneDimensionalStepsRoundTrip) {
  Tensor a = make1d({1, 2, 3}), b = make1d({4, 5}), c = make1d({6});
  Tensor padded = rnn::pad_sequence({a, b, c});  // [3 steps, 3 sequences]
  EXPECT_TRUE(matches(padded.reshape({9}), {9}, kFloat32, {1, 4, 6, 2, 5, 0, 3, 0, 0}));
  Tensor lengths = ember::tensor(std::vector<int64_t>{3, 2, 1});
  rnn::PackedSequence packed = rnn::pack_padded_sequence(padded, lengths);
  EXPECT_TRUE(matches(packed.data(), {6}, kFloat32, {1, 4, 6, 2, 5, 3}));
  EXPECT_TRUE(matches(packed.batch_sizes().to(kFloat32), {3}, kFloat32, {3, 2, 1}));

  auto [out, out_lengths] = rnn::pad_packed_sequence(packed);
  EXPECT_TRUE(matches(out.reshape({9}), {9}, kFloat32, {1, 4, 6, 2, 5, 0, 3, 0, 0}));
  EXPECT_TRUE(matches(out_lengths.to(kFloat32), {3}, kFloat32, {3, 2, 1}));

  auto [longer, l2] = rnn::pad_packed_sequence(packed, /*batch_first=*/true, /*padding_value=*/-1, /*total_length=*/4);
  EXPECT_EQ(longer.sizes(), IntArrayRef({3, 4}));
  EXPECT_TRUE(matches(longer.reshape({12}), {12}, kFloat32, {1, 2, 3, -1, 4, 5, -1, -1, 6, -1, -1, -1}));

  for (int64_t total : {int64_t{-1}, int64_t{0}, int64_t{2}})
    EXPECT_THROW_MSG(rnn::pad_packed_sequence(packed, false, 0.0, total), ValueError,
                     "Expected total_length to be at least the length of the longest sequence in input");
}

TEST(PackedSequence, StepsWithFeaturesAndUnsortedLengths) {
  // Two sequences of 2-feature steps: lengths 1 and 2 (unsorted).
  Tensor s0 = ember::tensor(std::vector<double>{1, 2}).reshape({1, 2});
  Tensor s1 = ember::tensor(std::vector<double>{3, 4, 5, 6}).reshape({2, 2});
  Tensor padded = rnn::pad_sequence({s0, s1}, /*batch_first=*/true);  // [2, 2, 2]
  rnn::PackedSequence packed =
      rnn::pack_padded_sequence(padded, ember::tensor(std::vector<int64_t>{1, 2}), true, /*enforce_sorted=*/false);
  EXPECT_TRUE(matches(packed.data().reshape({6}).to(kFloat32), {6}, kFloat32, {3, 4, 1, 2, 5, 6}));
  auto [out, lengths] = rnn::pad_packed_sequence(packed, /*batch_first=*/true);
  EXPECT_EQ(out.sizes(), IntArrayRef({2, 2, 2}));
  EXPECT_TRUE(matches(out.reshape({8}).to(kFloat32), {8}, kFloat32, {1, 2, 0, 0, 3, 4, 5, 6}));
  EXPECT_TRUE(matches(lengths.to(kFloat32), {2}, kFloat32, {1, 2}));

  rnn::PackedSequence from_list = rnn::pack_sequence({s1, s0});
  auto [out2, lengths2] = rnn::pad_packed_sequence(from_list, false, 0.0, 3);
  EXPECT_EQ(out2.sizes(), IntArrayRef({3, 2, 2}));
  EXPECT_TRUE(matches(out2.reshape({12}).to(kFloat32), {12}, kFloat32, {3, 4, 1, 2, 5, 6, 0, 0, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace ember_test
