// CPU plugin: cat, index_select, gather, scatter (and their index errors), the factories
// (arange, linspace, eye), and the random fills: values in range, sensible moments, and
// bit-identical results for 1 and 4 intra-op threads and for any memory layout.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

#define ASSERT_CALL_OK(result)          \
  do {                                  \
    CallResult r_ = (result);           \
    ASSERT_TRUE(r_.ok()) << r_.message; \
  } while (0)

TEST(CpuIndex, CatSkipsLegacyEmptyAndHandlesNegativeDim) {
  TestTensor a = TestTensor::from<int64_t>({2, 2}, {1, 2, 3, 4}, EMBER_DTYPE_INT64);
  TestTensor b = TestTensor::from<int64_t>({2, 1}, {5, 6}, EMBER_DTYPE_INT64);
  TestTensor legacy_empty({0}, EMBER_DTYPE_INT64);
  TestTensor out({2, 3}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("cat.out", Args().tensors({a, legacy_empty, b}).i(-1).tensor(out)));
  EXPECT_EQ(out.values<int64_t>(), (std::vector<int64_t>{1, 2, 5, 3, 4, 6}));
  TestTensor out0({4, 2}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("cat.out", Args().tensors({a, a.transposed(0, 1)}).i(0).tensor(out0)));
  EXPECT_EQ(out0.values<int64_t>(), (std::vector<int64_t>{1, 2, 3, 4, 1, 3, 2, 4}));
}

TEST(CpuIndex, IndexSelectInt32AndInt64Indices) {
  TestTensor x = TestTensor::from<float>({3, 4}, {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, EMBER_DTYPE_FLOAT32);
  TestTensor i64 = TestTensor::from<int64_t>({3}, {2, 0, 2}, EMBER_DTYPE_INT64);
  TestTensor out({3, 4}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("index_select.out", Args().tensor(x).i(0).tensor(i64).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{20, 21, 22, 23, 0, 1, 2, 3, 20, 21, 22, 23}));
  TestTensor i32 = TestTensor::from<int32_t>({2}, {3, 1}, EMBER_DTYPE_INT32);
  TestTensor out1({3, 2}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("index_select.out", Args().tensor(x).i(-1).tensor(i32).tensor(out1)));
  EXPECT_EQ(out1.to_doubles(), (std::vector<double>{3, 1, 13, 11, 23, 21}));
  TestTensor scalar_index = TestTensor::from<int64_t>({}, {1}, EMBER_DTYPE_INT64);
  TestTensor out2({1, 4}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("index_select.out", Args().tensor(x).i(0).tensor(scalar_index).tensor(out2)));
  EXPECT_EQ(out2.to_doubles(), (std::vector<double>{10, 11, 12, 13}));
  TestTensor bad = TestTensor::from<int64_t>({1}, {3}, EMBER_DTYPE_INT64);
  CallResult r = cpu_plugin().call("index_select.out", Args().tensor(x).i(0).tensor(bad).tensor(out2));
  EXPECT_EQ(r.code, EMBER_ERROR_INDEX);
  EXPECT_EQ(r.message, "[index_select] index out of range in self");
}

TEST(CpuIndex, GatherAndScatterWithBoundsErrors) {
  TestTensor x = TestTensor::from<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6}, EMBER_DTYPE_INT32);
  TestTensor index = TestTensor::from<int64_t>({2, 2}, {2, 0, 1, 1}, EMBER_DTYPE_INT64);
  TestTensor out({2, 2}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("gather.out", Args().tensor(x).i(1).tensor(index).b(false).tensor(out)));
  EXPECT_EQ(out.values<int32_t>(), (std::vector<int32_t>{3, 1, 5, 5}));
  TestTensor index0 = TestTensor::from<int64_t>({1, 3}, {1, 0, 1}, EMBER_DTYPE_INT64);
  TestTensor out0({1, 3}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("gather.out", Args().tensor(x).i(0).tensor(index0).b(false).tensor(out0)));
  EXPECT_EQ(out0.values<int32_t>(), (std::vector<int32_t>{4, 2, 6}));

  TestTensor self({3, 3}, EMBER_DTYPE_FLOAT32);
  TestTensor src = TestTensor::from<float>({2, 3}, {1, 2, 3, 4, 5, 6}, EMBER_DTYPE_FLOAT32);
  TestTensor sidx = TestTensor::from<int64_t>({2, 3}, {0, 1, 2, 2, 0, 0}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("scatter_.src", Args().tensor(self).i(0).tensor(sidx).tensor(src)));
  EXPECT_EQ(self.to_doubles(), (std::vector<double>{1, 5, 6, 0, 2, 0, 4, 0, 3}));
  ASSERT_CALL_OK(cpu_plugin().call("scatter_add_", Args().tensor(self).i(0).tensor(sidx).tensor(src)));
  EXPECT_EQ(self.to_doubles(), (std::vector<double>{2, 10, 12, 0, 4, 0, 8, 0, 6}));
  ASSERT_CALL_OK(cpu_plugin().call("scatter_.value", Args().tensor(self).i(1).tensor(sidx).d(-1.5)));
  EXPECT_EQ(self.to_doubles(), (std::vector<double>{-1.5, -1.5, -1.5, -1.5, 4, -1.5, 8, 0, 6}));

  std::vector<double> before = self.to_doubles();
  TestTensor bad = TestTensor::from<int64_t>({2, 3}, {0, 1, 2, 7, 0, 0}, EMBER_DTYPE_INT64);
  CallResult r = cpu_plugin().call("scatter_.src", Args().tensor(self).i(0).tensor(bad).tensor(src));
  EXPECT_EQ(r.code, EMBER_ERROR_INDEX);
  EXPECT_EQ(r.message, "[scatter] index 7 is out of bounds for dimension 0 with size 3");
  EXPECT_EQ(self.to_doubles(), before);  // validated before any write
  r = cpu_plugin().call("scatter_add_", Args().tensor(self).i(0).tensor(bad).tensor(src));
  EXPECT_EQ(r.message, "[scatter_add] index 7 is out of bounds for dimension 0 with size 3");
  TestTensor negative = TestTensor::from<int64_t>({2, 2}, {0, -1, 0, 0}, EMBER_DTYPE_INT64);
  r = cpu_plugin().call("gather.out", Args().tensor(x).i(1).tensor(negative).b(false).tensor(out));
  EXPECT_EQ(r.code, EMBER_ERROR_INDEX);
  EXPECT_EQ(r.message, "[gather] index -1 is out of bounds for dimension 1 with size 3");
}

TEST(CpuFactory, ArangeLinspaceEye) {
  TestTensor f({5}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("arange.start_out", Args().d(1.0).d(2.0).d(0.2).tensor(f)));
  std::vector<double> got = f.to_doubles();
  for (int i = 0; i < 5; ++i) EXPECT_FLOAT_EQ(got[i], static_cast<float>(1.0 + i * 0.2));
  TestTensor l({4}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("arange.start_out", Args().i(10).i(0).i(-3).tensor(l)));
  EXPECT_EQ(l.values<int64_t>(), (std::vector<int64_t>{10, 7, 4, 1}));
  TestTensor ls({7}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("linspace.out", Args().d(-1.0).d(0.3).i(7).tensor(ls)));
  got = ls.to_doubles();
  const double step = 1.3 / 6;
  for (int i = 0; i < 7; ++i) EXPECT_DOUBLE_EQ(got[i], i < 3 ? -1.0 + step * i : 0.3 - step * (6 - i));
  EXPECT_EQ(got[6], 0.3);  // the end is exact
  TestTensor li({5}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("linspace.out", Args().i(0).i(10).i(5).tensor(li)));
  EXPECT_EQ(li.values<int32_t>(), (std::vector<int32_t>{0, 2, 5, 7, 10}));
  TestTensor one({1}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("linspace.out", Args().d(4.0).d(9.0).i(1).tensor(one)));
  EXPECT_EQ(one.to_doubles()[0], 4.0);
  TestTensor e({2, 3}, EMBER_DTYPE_BOOL);
  ASSERT_CALL_OK(cpu_plugin().call("eye.m_out", Args().i(2).i(3).tensor(e)));
  EXPECT_EQ(e.to_doubles(), (std::vector<double>{1, 0, 0, 0, 1, 0}));
}

// Runs every random op on `plugin` into fresh tensors and returns all their bytes.
std::vector<double> random_outputs(const LoadedPlugin& plugin, bool transposed_layout) {
  std::vector<double> all;
  auto target = [&](int32_t dtype) {
    TestTensor t({300, 200}, dtype);
    return transposed_layout ? TestTensor({200, 300}, dtype).transposed(0, 1) : t;
  };
  auto append = [&](const TestTensor& t) {
    std::vector<double> v = t.to_doubles();
    all.insert(all.end(), v.begin(), v.end());
  };
  TestTensor u = target(EMBER_DTYPE_FLOAT32), n = target(EMBER_DTYPE_FLOAT64), r = target(EMBER_DTYPE_INT64),
             b = target(EMBER_DTYPE_FLOAT16), rb = target(EMBER_DTYPE_UINT8);
  EXPECT_TRUE(plugin.call("uniform_", Args().tensor(u).d(-2).d(3).generator(42, 1000)).ok());
  EXPECT_TRUE(plugin.call("normal_", Args().tensor(n).d(1.0).d(2.0).generator(42, 2000)).ok());
  EXPECT_TRUE(plugin.call("random_.from", Args().tensor(r).i(-5).i(5).generator(7, 0)).ok());
  EXPECT_TRUE(plugin.call("bernoulli_.float", Args().tensor(b).d(0.25).generator(9, 4)).ok());
  EXPECT_TRUE(plugin.call("random_.from", Args().tensor(rb).i(0).none().generator(9, 4)).ok());
  for (const TestTensor* t : {&u, &n, &r, &b, &rb}) append(*t);
  return all;
}

TEST(CpuRandom, SameValuesForAnyThreadCountAndLayout) {
  LoadedPlugin one_thread(cpu_plugin_path(), 1, {}, /*private_copy=*/true);
  LoadedPlugin four_threads(cpu_plugin_path(), 4, {}, /*private_copy=*/true);
  LoadedPlugin native_pool(cpu_plugin_path(), 3, {{"thread_pool", "native"}}, /*private_copy=*/true);
  ASSERT_TRUE(one_thread.loaded()) << one_thread.error();
  ASSERT_TRUE(four_threads.loaded()) << four_threads.error();
  ASSERT_TRUE(native_pool.loaded()) << native_pool.error();
  std::vector<double> a = random_outputs(one_thread, false);
  std::vector<double> b = random_outputs(four_threads, false);
  std::vector<double> c = random_outputs(four_threads, true);
  std::vector<double> d = random_outputs(native_pool, false);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "results depend on the thread count";
  EXPECT_TRUE(a == c) << "results depend on the memory layout";
  EXPECT_TRUE(a == d) << "results depend on the thread pool";
}

TEST(CpuRandom, RangesAndMoments) {
  const int64_t count = 200000;
  TestTensor u({count}, EMBER_DTYPE_FLOAT64), n({count}, EMBER_DTYPE_FLOAT32), r({count}, EMBER_DTYPE_INT8);
  TestTensor bern({count}, EMBER_DTYPE_BOOL), full({count}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("uniform_", Args().tensor(u).i(2).i(4).generator(1, 0)));
  ASSERT_CALL_OK(cpu_plugin().call("normal_", Args().tensor(n).d(-1).d(0.5).generator(1, 4 * count)));
  ASSERT_CALL_OK(cpu_plugin().call("random_.from", Args().tensor(r).i(-3).i(3).generator(2, 0)));
  ASSERT_CALL_OK(cpu_plugin().call("bernoulli_.float", Args().tensor(bern).d(0.3).generator(3, 0)));
  ASSERT_CALL_OK(cpu_plugin().call("random_.from", Args().tensor(full).i(INT64_MIN).none().generator(4, 0)));
  auto moments = [](const std::vector<double>& v, double* mean, double* var) {
    double s = 0, sq = 0;
    for (double x : v) s += x;
    *mean = s / v.size();
    for (double x : v) sq += (x - *mean) * (x - *mean);
    *var = sq / v.size();
  };
  double mean, var;
  std::vector<double> uv = u.to_doubles();
  for (double x : uv) ASSERT_TRUE(x >= 2 && x < 4);
  moments(uv, &mean, &var);
  EXPECT_NEAR(mean, 3.0, 0.01);
  EXPECT_NEAR(var, 4.0 / 12, 0.01);
  moments(n.to_doubles(), &mean, &var);
  EXPECT_NEAR(mean, -1.0, 0.01);
  EXPECT_NEAR(var, 0.25, 0.01);
  std::vector<double> rv = r.to_doubles();
  for (double x : rv) ASSERT_TRUE(x >= -3 && x < 3);
  moments(rv, &mean, &var);
  EXPECT_NEAR(mean, -0.5, 0.02);
  moments(bern.to_doubles(), &mean, &var);
  EXPECT_NEAR(mean, 0.3, 0.01);
  int negatives = 0;
  for (int64_t x : full.values<int64_t>()) negatives += x < 0;
  EXPECT_NEAR(negatives / static_cast<double>(count), 0.5, 0.01);  // the full 64-bit range
  // A different offset gives different numbers.
  TestTensor u2({count}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("uniform_", Args().tensor(u2).i(2).i(4).generator(1, 4 * count)));
  EXPECT_NE(u.to_doubles(), u2.to_doubles());
}

// Many application threads calling into the pool at once: no deadlock, correct results, with
// either parallel_for backend.
class CpuThreads : public ::testing::TestWithParam<const char*> {};

TEST_P(CpuThreads, ConcurrentCallersShareThePool) {
  LoadedPlugin plugin(cpu_plugin_path(), 4, {{"thread_pool", GetParam()}}, /*private_copy=*/true);
  // A plugin built without OpenMP (the ThreadSanitizer build: EMBER_CPU_OPENMP=OFF) refuses the
  // openmp pool at init, as documented; that build has only the native pool to test.
  if (!plugin.loaded() && std::string(GetParam()) == "openmp" &&
      plugin.error().find("this build of the plugin has no OpenMP") != std::string::npos)
    GTEST_SKIP() << plugin.error();
  ASSERT_TRUE(plugin.loaded()) << plugin.error();
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      TestTensor a({400, 500}, EMBER_DTYPE_FLOAT32), out({400, 500}, EMBER_DTYPE_FLOAT32), s({}, EMBER_DTYPE_FLOAT32);
      for (int iter = 0; iter < 20; ++iter) {
        if (!plugin.call("fill_.Scalar", Args().tensor(a).i(t + 1)).ok()) ++failures[t];
        if (!plugin.call("add.out", Args().tensor(a).tensor(a).i(1).tensor(out)).ok()) ++failures[t];
        if (!plugin.call("sum.IntList_out", Args().tensor(out).none().b(false).none().tensor(s)).ok()) ++failures[t];
        if (s.values<float>()[0] != 2.0f * (t + 1) * 200000) ++failures[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

INSTANTIATE_TEST_SUITE_P(Backends, CpuThreads, ::testing::Values("openmp", "native"));

TEST(CpuThreadsOption, RejectsUnknownPool) {
  LoadedPlugin plugin(cpu_plugin_path(), 2, {{"thread_pool", "tbb"}}, /*private_copy=*/true);
  EXPECT_FALSE(plugin.loaded());
  EXPECT_NE(plugin.error().find("expected openmp or native, got 'tbb'"), std::string::npos) << plugin.error();
}

}  // namespace
}  // namespace ember_test
