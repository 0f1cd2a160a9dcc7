// CPU plugin: the convolution weight cache (plugins/cpu/conv_weight_cache.h) and the Winograd
// path it enables for 3x3 stride-1 convolutions: results against a float64 reference on the
// first call (cache filled), on later calls (cache hits), after the weights change in place
// (fingerprint mismatch), when they change on every call (training: the cache steps aside),
// with the host's content versions standing in for the fingerprint (ABI 2.2), and with the cache
// turned off; the option's error path. Direct-algorithm shapes (5x5, 1x1, a
// 3-channel stem) keep their reordered weights in the same cache.
#include <gtest/gtest.h>

#include <cmath>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

struct Conv {
  int64_t n, c, h, o, k, pad;
};

// out[n, o, y, x] in double, stride 1.
std::vector<double> reference_conv(const Conv& s, const TestTensor& x, const TestTensor& w) {
  const int64_t oh = s.h + 2 * s.pad - s.k + 1;
  std::vector<double> xv = x.to_doubles(), wv = w.to_doubles(), out(static_cast<size_t>(s.n * s.o * oh * oh), 0.0);
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t o = 0; o < s.o; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < oh; ++xx) {
          double acc = 0;
          for (int64_t c = 0; c < s.c; ++c)
            for (int64_t ky = 0; ky < s.k; ++ky)
              for (int64_t kx = 0; kx < s.k; ++kx) {
                const int64_t iy = y - s.pad + ky, ix = xx - s.pad + kx;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.h) continue;
                acc += xv[((b * s.c + c) * s.h + iy) * s.h + ix] * wv[((o * s.c + c) * s.k + ky) * s.k + kx];
              }
          out[((b * s.o + o) * oh + y) * oh + xx] = acc;
        }
  return out;
}

void expect_conv(const LoadedPlugin& plugin, const Conv& s, const TestTensor& x, const TestTensor& w, const std::string& what) {
  const int64_t oh = s.h + 2 * s.pad - s.k + 1;
  TestTensor out({s.n, s.o, oh, oh}, EMBER_DTYPE_FLOAT32);
  CallResult r = plugin.call("convolution.out", Args()
                                                    .tensor(x)
                                                    .tensor(w)
                                                    .none()
                                                    .ints({1, 1})
                                                    .ints({s.pad, s.pad})
                                                    .ints({1, 1})
                                                    .b(false)
                                                    .ints({0, 0})
                                                    .i(1)
                                                    .tensor(out));
  ASSERT_TRUE(r.ok()) << what << ": " << r.message;
  const std::vector<double> want = reference_conv(s, x, w), got = out.to_doubles();
  // Sums of c * k * k products of values in [-1, 1): allow a few float roundings of that size.
  const double tol = 4e-6 * static_cast<double>(s.c * s.k * s.k);
  for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], tol) << what << " at " << i;
}

// 3x3 stride 1 (Winograd when oneDNN has it), then the direct algorithm's cached reorders:
// 5x5, 1x1, and a 3-channel 7x7 stem (whose input stays NCHW).
const Conv kShapes[] = {{1, 64, 14, 64, 3, 1}, {2, 32, 9, 48, 3, 1}, {1, 16, 8, 16, 3, 0},
                        {1, 32, 10, 48, 5, 2}, {2, 16, 9, 32, 1, 0},  {2, 3, 16, 16, 7, 3}};

TEST(CpuConvWeightCache, CachedWeightsGiveTheSameResultsOnEveryCall) {
  for (const Conv& s : kShapes) {
    TestTensor x = random_f32({s.n, s.c, s.h, s.h}, 1), w = random_f32({s.o, s.c, s.k, s.k}, 2);
    for (int call = 0; call < 3; ++call) expect_conv(cpu_plugin(), s, x, w, "call " + std::to_string(call));
  }
}

TEST(CpuConvWeightCache, WeightsChangedInPlaceAreSeen) {
  for (const Conv& s : {kShapes[0], kShapes[3], kShapes[5]}) {
    TestTensor x = random_f32({s.n, s.c, s.h, s.h}, 3), w = random_f32({s.o, s.c, s.k, s.k}, 4);
    expect_conv(cpu_plugin(), s, x, w, "first");
    expect_conv(cpu_plugin(), s, x, w, "cached");
    // One weight changes (same address, same shape): the fingerprint differs, the cache refills.
    const int64_t i = w.numel() / 2 + 3;
    w.set_linear<float>(i, w.get_linear<float>(i) + 0.5f);
    expect_conv(cpu_plugin(), s, x, w, "after an in-place change");
    expect_conv(cpu_plugin(), s, x, w, "cached again");
  }
}

TEST(CpuConvWeightCache, WeightsChangingEveryCallStayCorrect) {
  const Conv s = kShapes[1];
  TestTensor x = random_f32({s.n, s.c, s.h, s.h}, 5), w = random_f32({s.o, s.c, s.k, s.k}, 6);
  for (int step = 0; step < 5; ++step) {  // like an optimizer step between forwards
    for (int64_t i = 0; i < w.numel(); i += 7) w.set_linear<float>(i, w.get_linear<float>(i) * 0.99f + 0.001f);
    expect_conv(cpu_plugin(), s, x, w, "step " + std::to_string(step));
  }
}

// With a content version for the weight argument (index 1 of convolution.out) the kernel trusts
// the host: the same (storage id, version) as when it fingerprinted the bytes means unchanged,
// so the fingerprint is skipped. A write the host did not see (which a real host never lets
// happen while it reports the storage as tracked) shows that: the old weights stay in use until
// the version moves. A new storage id at the same address, or no version at all, is checked.
TEST(CpuConvWeightCache, ContentVersionsStandInForTheFingerprint) {
  uint64_t storage_id = 9000;
  for (const Conv& s : {kShapes[0], kShapes[3]}) {  // Winograd (or direct), direct with cached reorders
    ++storage_id;
    TestTensor x = random_f32({s.n, s.c, s.h, s.h}, 11), w = random_f32({s.o, s.c, s.k, s.k}, 12);
    const TestTensor original = w.contiguous();
    {
      ScopedContentVersions versions({{1, {storage_id, 1}}});
      expect_conv(cpu_plugin(), s, x, w, "first, version 1");
      expect_conv(cpu_plugin(), s, x, w, "cached, version 1");
      const int64_t i = w.numel() / 3;
      w.set_linear<float>(i, w.get_linear<float>(i) + 0.75f);  // behind the host's back
      expect_conv(cpu_plugin(), s, x, original, "unseen change, version 1: the cached weights");
    }
    {
      ScopedContentVersions versions({{1, {storage_id, 2}}});
      expect_conv(cpu_plugin(), s, x, w, "version 2: the change is seen");
      expect_conv(cpu_plugin(), s, x, w, "cached, version 2");
    }
    const int64_t j = w.numel() / 4;
    w.set_linear<float>(j, w.get_linear<float>(j) - 0.5f);
    {
      ScopedContentVersions versions({{1, {storage_id + 1000, 2}}});
      expect_conv(cpu_plugin(), s, x, w, "another storage at the same address: fingerprinted");
    }
    w.set_linear<float>(j, w.get_linear<float>(j) + 0.25f);
    expect_conv(cpu_plugin(), s, x, w, "untracked: fingerprinted");
  }
}

// Training makes a weight volatile (two changes: the cache steps aside); once its content
// version stays put for kSettledCalls calls (evaluation after training) it is cached again,
// which the unseen change below shows (the kernel trusts the version, as in the test above).
TEST(CpuConvWeightCache, WeightsThatSettleAfterTrainingAreCachedAgain) {
  const Conv s = kShapes[0];
  const uint64_t storage_id = 7777;
  TestTensor x = random_f32({s.n, s.c, s.h, s.h}, 13), w = random_f32({s.o, s.c, s.k, s.k}, 14);
  uint64_t version = 1;
  for (int step = 0; step < 4; ++step, ++version) {  // training: a new version every step
    ScopedContentVersions versions({{1, {storage_id, version}}});
    w.set_linear<float>(step * 5, w.get_linear<float>(step * 5) + 0.125f);
    expect_conv(cpu_plugin(), s, x, w, "training step " + std::to_string(step));
  }
  ScopedContentVersions settled({{1, {storage_id, version}}});
  for (int call = 0; call < 6; ++call) expect_conv(cpu_plugin(), s, x, w, "evaluation call " + std::to_string(call));
  const TestTensor before = w.contiguous();
  w.set_linear<float>(3, w.get_linear<float>(3) + 0.5f);  // behind the host's back
  expect_conv(cpu_plugin(), s, x, before, "cached again: the unseen change is not seen");
}

TEST(CpuConvWeightCache, CacheOffAndBadBudget) {
  LoadedPlugin off(cpu_plugin_path(), 2, {{"weight_cache_mb", "0"}}, /*private_copy=*/true);
  ASSERT_TRUE(off.loaded()) << off.error();
  const Conv s = kShapes[0];
  TestTensor x = random_f32({s.n, s.c, s.h, s.h}, 7), w = random_f32({s.o, s.c, s.k, s.k}, 8);
  expect_conv(off, s, x, w, "cache off");
  LoadedPlugin bad(cpu_plugin_path(), 2, {{"weight_cache_mb", "-1"}}, /*private_copy=*/true);
  ASSERT_FALSE(bad.loaded());
  EXPECT_NE(bad.error().find("weight_cache_mb"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace ember_test
