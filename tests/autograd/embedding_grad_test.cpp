// The embedding op's gradient honours padding_idx and scale_grad_by_freq (PyTorch's meaning),
// at the op level, not only through nn::functional.
#include <gtest/gtest.h>

#include <ember/ember.h>

namespace {

TEST(EmbeddingGrad, PaddingRowGetsNoGradient) {
  ember::Tensor w = ember::ones({4, 2}).requires_grad_();
  ember::Tensor idx = ember::tensor({0, 1, 1, 3});
  ember::Tensor out = ember::embedding(w, idx, /*padding_idx=*/1, false, false);
  EXPECT_DOUBLE_EQ(out.sum().item<double>(), 8.0);  // the forward still reads the padding row
  out.sum().backward();
  // Rows 0 and 3 occur once, row 1 is padding, row 2 is unused.
  const double expected[4] = {1, 0, 0, 1};
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 0; c < 2; ++c) EXPECT_DOUBLE_EQ(w.grad()[r][c].item<double>(), expected[r]) << r << "," << c;
}

TEST(EmbeddingGrad, ScaleGradByFrequencyDividesByCount) {
  ember::Tensor w = ember::ones({3, 1}).requires_grad_();
  ember::Tensor idx = ember::tensor({2, 2, 2, 0});
  ember::embedding(w, idx, -1, /*scale_grad_by_freq=*/true, false).sum().backward();
  EXPECT_DOUBLE_EQ(w.grad()[0][0].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(w.grad()[1][0].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(w.grad()[2][0].item<double>(), 1.0);  // 3 occurrences, each scaled by 1/3
}

}  // namespace
