// The cuda device type through ember's generic API: devices and properties, streams (the
// default stream and the pool, the per-thread current stream), events (ordering across streams,
// timing), synchronous and asynchronous copies with pinned host memory, peer copies, and the
// `ember info` lines. Skipped, with the reason, where no CUDA device is usable.
#include <cstdlib>
#include <thread>

#include "cuda_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST_F(CudaTest, DevicesHavePropertiesAndAnInfoLine) {
  EXPECT_GE(cuda::device_count(), 1);
  DeviceProperties p = device_properties(gpu());
  EXPECT_FALSE(p.name.empty());
  EXPECT_GT(p.total_memory, uint64_t(1) << 30);
  EXPECT_FALSE(p.capability.empty());
  EXPECT_GT(p.multiprocessor_count, 0);
  std::string out;
  const char* cli = std::getenv("EMBER_CLI");  // the device machine runs a copy elsewhere
  FILE* f = popen((std::string(cli && *cli ? cli : EMBER_CLI_PATH) + " info 2>&1").c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, f)) out += buf;
  pclose(f);
  EXPECT_NE(out.find("cuda:0  " + p.name), std::string::npos) << out;
  EXPECT_NE(out.find("capability " + p.capability), std::string::npos) << out;
}

TEST_F(CudaTest, CopiesRoundTripAndOpsRunOnTheDevice) {
  Tensor x = make(iota(1000, -3, 0.25), {10, 100});
  Tensor g = x.to(gpu());
  EXPECT_EQ(g.device(), gpu());
  EXPECT_TRUE(all_close(host_values(g * 2 + 1), [&] {
    std::vector<double> v = iota(1000, -3, 0.25);
    for (double& e : v) e = e * 2 + 1;
    return v;
  }(), Tol{0, 0}));
  EXPECT_EQ(g.sum().item<float>(), x.sum().item<float>());
}

TEST_F(CudaTest, OpsUnderAStreamGuardRunOnThatStreamInOrder) {
  Stream s = Stream::create(gpu());
  ASSERT_FALSE(s.is_default());
  Tensor x;
  {
    StreamGuard guard(s);
    EXPECT_EQ(current_stream(gpu()), s);
    x = ones({1 << 20}, TensorOptions(gpu()));
    for (int i = 0; i < 20; ++i) x = x + x;
  }
  EXPECT_TRUE(current_stream(gpu()).is_default());
  s.synchronize();
  EXPECT_TRUE(s.query());
  std::vector<double> v = host_values(x);
  EXPECT_EQ(v.front(), 1048576.0);
  EXPECT_EQ(v.back(), 1048576.0);
}

TEST_F(CudaTest, AnEventOrdersWorkAcrossStreamsAndTimesIt) {
  Stream producer = Stream::create(gpu()), consumer = Stream::create(gpu());
  Tensor a = zeros({1 << 22}, TensorOptions(gpu()));
  synchronize(gpu());
  Event ready(true), start(true);
  {
    StreamGuard g(producer);
    start.record(producer);
    for (int i = 0; i < 50; ++i) a.add_(1);
    ready.record(producer);
  }
  Tensor b;
  {
    StreamGuard g(consumer);
    ready.block(consumer);
    b = a * 2;  // must see all 50 adds
  }
  consumer.synchronize();
  EXPECT_TRUE(ready.query());
  std::vector<double> v = host_values(b);
  EXPECT_EQ(v.front(), 100.0);
  EXPECT_EQ(v.back(), 100.0);
  EXPECT_GT(start.elapsed_time(ready), 0.0);
}

TEST_F(CudaTest, EachThreadHasItsOwnCurrentStream) {
  Stream mine = Stream::create(gpu());
  StreamGuard guard(mine);
  bool other_default = false;
  std::thread t([&] { other_default = current_stream(gpu()).is_default(); });
  t.join();
  EXPECT_TRUE(other_default);
  EXPECT_EQ(current_stream(gpu()), mine);
}

TEST_F(CudaTest, NonBlockingCopiesWithPinnedMemory) {
  const int64_t n = 1 << 22;
  Tensor host_src = make(iota(n, 0, 1), {n}).pin_memory();
  EXPECT_TRUE(host_src.is_pinned());
  Stream s = Stream::create(gpu());
  Tensor back = empty({n}).pin_memory();
  {
    StreamGuard g(s);
    Tensor on_gpu = host_src.to(gpu(), /*non_blocking=*/true);
    back.copy_(on_gpu * 3, /*non_blocking=*/true);
  }
  s.synchronize();
  const float* p = back.data_ptr<float>();
  EXPECT_EQ(p[0], 0.0f);
  EXPECT_EQ(p[12345], 3.0f * 12345);
  EXPECT_EQ(p[n - 1], 3.0f * static_cast<float>(n - 1));
}

TEST_F(CudaTest, PeerCopiesBetweenTwoGpus) {
  if (cuda::device_count() < 2) GTEST_SKIP() << "needs 2 GPUs, this machine has " << cuda::device_count();
  Tensor a = make(iota(4096, 1, 1), {4096}).to(gpu(0));
  Tensor b = a.to(gpu(1));
  EXPECT_EQ(b.device(), gpu(1));
  EXPECT_TRUE(all_close(host_values(b * 1), iota(4096, 1, 1), Tol{0, 0}));
  Tensor c = (b + 1).to(gpu(0));
  EXPECT_EQ(host_values(c)[4095], 4097.0);
}

TEST_F(CudaTest, SynchronizeWaitsForAllWork) {
  Tensor x = ones({1 << 24}, TensorOptions(gpu()));
  for (int i = 0; i < 10; ++i) x.mul_(1.5);
  cuda::synchronize();
  EXPECT_TRUE(current_stream(gpu()).query());
}

}  // namespace
}  // namespace ember_test
