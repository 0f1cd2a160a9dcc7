// Streams, events, guards, pinned memory and asynchronous copies through the core API, on the
// sim device (whose kernels and copies run asynchronously on per-stream worker threads, so
// missing synchronization shows up as wrong values) and on the synchronous cpu device.
//
// Each test case runs in its own process (ctest), so each starts the runtime with two sim devices.
#include <gtest/gtest.h>

#include <vector>

#include <ember/ember.h>

#include "core/stream.h"
#include "registry/runtime.h"

namespace ember {
namespace {

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!is_initialized()) {
      init_from_string(
          "plugins:\n  - name: cpu\n  - name: sim\n    options: {devices: 2}\n");
    }
    if (find_device_type("sim") == kInvalidDeviceType) GTEST_SKIP() << "the sim plugin is not built";
  }
  static Device sim(int index = 0) { return Device(find_device_type("sim"), static_cast<int16_t>(index)); }
};

std::vector<float> values(const Tensor& t) {
  Tensor c = t.to(Device("cpu")).contiguous();
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}

TEST_F(StreamTest, CpuHasOnlyTheDefaultStreamAndSynchronousEvents) {
  Stream s = Stream::create(Device("cpu"));
  EXPECT_TRUE(s.is_default());
  EXPECT_TRUE(s.query());
  Event start(true), end(true);
  start.record(Device("cpu"));
  Tensor x = ones({1000}) * 2;
  end.record(Device("cpu"));
  EXPECT_TRUE(end.query());
  EXPECT_GE(start.elapsed_time(end), 0.0);
}

TEST_F(StreamTest, OpsUnderAStreamGuardRunOnThatStreamInOrder) {
  Stream s = Stream::create(sim());
  ASSERT_FALSE(s.is_default());
  EXPECT_TRUE(current_stream(sim()).is_default());
  Tensor x;
  {
    StreamGuard guard(s);
    EXPECT_EQ(current_stream(sim()), s);
    x = ones({4096}, TensorOptions(sim()));
    for (int i = 0; i < 20; ++i) x = x + x;  // each add depends on the previous one
  }
  EXPECT_TRUE(current_stream(sim()).is_default());
  s.synchronize();
  EXPECT_TRUE(s.query());
  std::vector<float> v = values(x);
  EXPECT_EQ(v.front(), 1048576.0f);
  EXPECT_EQ(v.back(), 1048576.0f);
}

TEST_F(StreamTest, AnEventOrdersWorkAcrossStreams) {
  Stream producer = Stream::create(sim()), consumer = Stream::create(sim());
  Tensor a = zeros({1 << 16}, TensorOptions(sim()));
  synchronize(sim());
  Event ready;
  {
    StreamGuard g(producer);
    for (int i = 0; i < 10; ++i) a.add_(1);
    ready.record(producer);
  }
  Tensor b;
  {
    StreamGuard g(consumer);
    ready.block(consumer);
    a.record_stream(consumer);
    b = a * 3;
  }
  consumer.synchronize();
  std::vector<float> v = values(b);
  EXPECT_EQ(v[0], 30.0f);
  EXPECT_EQ(v[v.size() - 1], 30.0f);
}

TEST_F(StreamTest, NonBlockingCopiesFromAndToPinnedMemory) {
  Tensor host = arange(0, 1 << 16, TensorOptions(kFloat32)).pin_memory();
  ASSERT_TRUE(host.is_pinned());
  EXPECT_FALSE(arange(0, 4).is_pinned());
  Tensor on_sim = host.to(sim(), /*non_blocking=*/true);
  Tensor back = empty({1 << 16}, TensorOptions(kFloat32).pinned_memory(true));
  ASSERT_TRUE(back.is_pinned());
  back.copy_(on_sim * 2, /*non_blocking=*/true);
  synchronize(sim());
  const float* p = back.data_ptr<float>();
  EXPECT_EQ(p[0], 0.0f);
  EXPECT_EQ(p[12345], 24690.0f);
  EXPECT_EQ(p[(1 << 16) - 1], 2.0f * ((1 << 16) - 1));
}

TEST_F(StreamTest, PinMemoryOfANonCpuTensorIsAnError) {
  EXPECT_THROW(ones({2}, TensorOptions(sim())).pin_memory(), ValueError);
}

TEST_F(StreamTest, MemoryIsReturnedOnceQueuedWorkIsDone) {
  DeviceRuntime& rt = device_runtime(sim());
  synchronize(sim());
  uint64_t before = rt.memory_stats(0).allocated_bytes;
  {
    Tensor t = ones({1 << 18}, TensorOptions(sim()));
    EXPECT_GE(rt.memory_stats(0).allocated_bytes, before + (1u << 20));
  }
  synchronize(sim());  // frees are stream-ordered
  EXPECT_EQ(rt.memory_stats(0).allocated_bytes, before);
  EXPECT_GE(rt.memory_stats(0).peak_allocated_bytes, before + (1u << 20));
  EXPECT_FALSE(rt.properties(0).name.empty());
}

TEST_F(StreamTest, PeerCopyBetweenTwoDevices) {
  Tensor a = arange(0, 1000, TensorOptions(kFloat32)).to(sim(0));
  Tensor b = a.to(sim(1));
  EXPECT_EQ(b.device(), sim(1));
  std::vector<float> v = values(b);
  EXPECT_EQ(v[999], 999.0f);
  // A tensor on sim:1 used while the current device is sim:0: ops run on the tensor's device.
  DeviceGuard g(sim(0));
  Tensor c = b + 1;
  EXPECT_EQ(c.device(), sim(1));
  EXPECT_EQ(values(c)[0], 1.0f);
}

TEST_F(StreamTest, DeviceGuardSetsAndRestoresTheCurrentDevice) {
  EXPECT_EQ(current_device_index(sim().type()), 0);
  {
    DeviceGuard g(sim(1));
    EXPECT_EQ(current_device_index(sim().type()), 1);
  }
  EXPECT_EQ(current_device_index(sim().type()), 0);
  EXPECT_THROW(set_current_device_index(sim().type(), 2), IndexError);
}

TEST_F(StreamTest, TimingEventsOnAnAsynchronousDevice) {
  Event start(true), end(true);
  start.record(sim());
  Tensor x = ones({1 << 16}, TensorOptions(sim()));
  for (int i = 0; i < 5; ++i) x = x * 2;
  end.record(sim());
  end.synchronize();
  EXPECT_TRUE(end.query());
  EXPECT_GE(start.elapsed_time(end), 0.0);
  Event untimed;
  untimed.record(sim());
  EXPECT_THROW(untimed.elapsed_time(end), ValueError);
  Event never;
  EXPECT_TRUE(never.query());  // an event never recorded is complete
}

TEST_F(StreamTest, RecordStreamOfATensorOnAnotherDeviceIsAnError) {
  Tensor t = ones({4}, TensorOptions(sim(0)));
  EXPECT_THROW(t.record_stream(Stream::create(sim(1))), ValueError);
}

// A 0-d cpu tensor may join an op on another device (as in PyTorch). sim's kernels refuse any
// tensor that is not sim's and sim does not read host scalars (reads_host_scalars = 0), so the
// core must copy the value to the device first: before, the kernel got the cpu tensor.
TEST_F(StreamTest, AZeroDimCpuTensorJoinsAnOpOnAnotherDevice) {
  Tensor x = ones({5}, TensorOptions(sim())) * 2;  // a number: wrapped on sim itself
  Tensor half = ember::tensor(0.5f);                // a 0-d cpu tensor
  ASSERT_TRUE(half.device().is_cpu());
  Tensor y = x * half;
  EXPECT_EQ(y.device(), sim());
  EXPECT_EQ(values(y), std::vector<float>(5, 1.0f));
  Tensor z = ember::tensor(3.0).add(x, 2);  // a float64 0-d cpu tensor first: the result is float32 on sim
  EXPECT_EQ(z.device(), sim());
  EXPECT_EQ(z.scalar_type(), kFloat32);
  EXPECT_EQ(values(z), std::vector<float>(5, 7.0f));
  x.mul_(ember::tensor(int64_t{3}));
  EXPECT_EQ(values(x), std::vector<float>(5, 6.0f));
  // Only a 0-d cpu tensor may join.
  EXPECT_THROW(x * ones({1}), ValueError);
}

}  // namespace
}  // namespace ember
