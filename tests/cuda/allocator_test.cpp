// The caching allocator through ember's API: sizes round to 512 bytes, freed blocks are reused
// without cudaMalloc (split and merged within segments), record_stream delays reuse, empty_cache
// gives the memory back, statistics and the summary, the out-of-memory error's contents, and
// memory returning to its baseline after a training loop.
#include "cuda_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST_F(CudaTest, SizesRoundTo512BytesAndStatisticsCount) {
  cuda::synchronize();
  const MemoryStats before = cuda::memory_stats();
  {
    Tensor t = empty({3}, TensorOptions(gpu()));  // 12 bytes -> one 512-byte block
    MemoryStats s = cuda::memory_stats();
    EXPECT_EQ(s.allocated_bytes - before.allocated_bytes, 512u);
    EXPECT_EQ(s.num_allocations - before.num_allocations, 1u);
    EXPECT_GE(s.reserved_bytes, s.allocated_bytes);
  }
  MemoryStats after = cuda::memory_stats();
  EXPECT_EQ(after.allocated_bytes, before.allocated_bytes);
  EXPECT_EQ(after.num_frees - before.num_frees, 1u);
}

TEST_F(CudaTest, FreedBlocksAreReusedWithoutCudaMalloc) {
  { Tensor warm = empty({1 << 18}, TensorOptions(gpu())); }  // 1 MiB: the small pool's limit
  { Tensor warm = empty({3 << 20}, TensorOptions(gpu())); }  // 12 MiB: a large segment
  const MemoryStats s0 = cuda::memory_stats();
  for (int i = 0; i < 20; ++i) {
    Tensor a = empty({1 << 18}, TensorOptions(gpu()));
    Tensor b = empty({3 << 20}, TensorOptions(gpu()));
    Tensor c = empty({100}, TensorOptions(gpu()));  // split from a cached small segment
  }
  const MemoryStats s1 = cuda::memory_stats();
  EXPECT_EQ(s1.num_device_allocations, s0.num_device_allocations);
  EXPECT_EQ(s1.reserved_bytes, s0.reserved_bytes);
  EXPECT_EQ(s1.num_allocations - s0.num_allocations, 60u);
}

TEST_F(CudaTest, EmptyCacheReturnsUnusedSegmentsAndPeakResets) {
  cuda::empty_cache();
  const MemoryStats base = cuda::memory_stats();
  { Tensor big = empty({64 << 20}, TensorOptions(gpu())); }  // 256 MiB
  MemoryStats cached = cuda::memory_stats();
  EXPECT_GE(cached.reserved_bytes - base.reserved_bytes, uint64_t(256) << 20);
  EXPECT_GE(cached.peak_allocated_bytes, uint64_t(256) << 20);
  cuda::empty_cache();
  MemoryStats emptied = cuda::memory_stats();
  EXPECT_EQ(emptied.reserved_bytes, base.reserved_bytes);
  EXPECT_GT(emptied.num_device_frees, cached.num_device_frees);
  cuda::reset_peak_memory_stats();
  EXPECT_EQ(cuda::max_memory_allocated(), cuda::memory_allocated());
  const std::string summary = cuda::memory_summary();
  EXPECT_NE(summary.find("allocated memory"), std::string::npos) << summary;
  EXPECT_NE(summary.find("reserved memory"), std::string::npos) << summary;
}

TEST_F(CudaTest, RecordStreamDelaysReuseUntilThatStreamsWorkIsDone) {
  Stream side = Stream::create(gpu());
  Tensor x = ones({1 << 20}, TensorOptions(gpu()));
  void* address = nullptr;
  {
    Tensor y = empty({1 << 20}, TensorOptions(gpu()));
    address = y.data_ptr();
    {
      StreamGuard g(side);
      for (int i = 0; i < 200; ++i) y.copy_(x * 2);  // long work on `side` that uses y
    }
    y.record_stream(side);
  }  // y is freed while `side` may still use it
  Tensor z = empty({1 << 20}, TensorOptions(gpu()));
  if (!side.query()) EXPECT_NE(z.data_ptr(), address) << "a block in use on another stream was handed out";
  side.synchronize();
}

TEST_F(CudaTest, OutOfMemoryFreesTheCacheRetriesThenSaysWhatWasAsked) {
  const uint64_t total = device_properties(gpu()).total_memory;
  { Tensor cached = empty({64 << 20}, TensorOptions(gpu())); }  // leaves 256 MiB cached
  const MemoryStats before = cuda::memory_stats();
  try {
    Tensor huge = empty({static_cast<int64_t>(total)}, TensorOptions(gpu()));  // 4x the device
    FAIL() << "allocating " << 4 * total << " bytes succeeded";
  } catch (const OutOfMemoryError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("CUDA out of memory. Tried to allocate"), std::string::npos) << m;
    EXPECT_NE(m.find("total capacity of"), std::string::npos) << m;
    EXPECT_NE(m.find("is free"), std::string::npos) << m;
    EXPECT_NE(m.find("is allocated by ember"), std::string::npos) << m;
    EXPECT_NE(m.find("reserved by ember but unallocated"), std::string::npos) << m;
  }
  const MemoryStats after = cuda::memory_stats();
  EXPECT_EQ(after.num_ooms, before.num_ooms + 1);
  EXPECT_LT(after.reserved_bytes, before.reserved_bytes);  // the cache was freed before the retry
  Tensor fine = ones({1024}, TensorOptions(gpu()));       // the device still works
  EXPECT_EQ(fine.sum().item<float>(), 1024.0f);
}

TEST_F(CudaTest, MemoryReturnsToItsBaselineAfterATrainingLoop) {
  namespace nn = ember::nn;
  cuda::synchronize();
  const uint64_t baseline = cuda::memory_allocated();
  {
    manual_seed(0);
    nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(3, 8, 3).padding(1)), nn::BatchNorm2d(8), nn::ReLU(),
                         nn::MaxPool2d(2), nn::Flatten(), nn::Linear(8 * 8 * 8, 10));
    model->to(gpu());
    ember::optim::Adam opt(model->parameters(), ember::optim::AdamOptions(1e-3));
    for (int step = 0; step < 5; ++step) {
      Tensor x = randn({16, 3, 16, 16}, TensorOptions(gpu()));
      Tensor y = randint(0, 10, {16}, TensorOptions(kInt64).device(gpu()));
      opt.zero_grad();
      Tensor loss = nn::functional::cross_entropy(model->forward(x), y);
      loss.backward();
      opt.step();
      EXPECT_TRUE(std::isfinite(loss.item<double>()));
    }
    EXPECT_GT(cuda::memory_allocated(), baseline);
  }
  cuda::synchronize();
  EXPECT_EQ(cuda::memory_allocated(), baseline) << cuda::memory_summary();
}

}  // namespace
}  // namespace ember_test
