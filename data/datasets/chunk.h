// ChunkDataset: a stateful dataset over data stored in chunks (files, shards), as libtorch's.
// Preloader threads take chunk indices from the chunk sampler (cross_chunk_shuffle_count at a
// time), read those chunks through the ChunkDataReader, optionally preprocess them, and deal
// their examples (in the example sampler's order) into a cache of batches; get_batch hands the
// batches out and returns nullopt when every chunk has been read and the cache is empty.
//
//   auto ds = make_shared_dataset<ChunkDataset<MyReader, SequentialSampler, RandomSampler>>(
//       reader, SequentialSampler(0), RandomSampler(0), ChunkDatasetOptions(/*preloaders=*/2, /*batch=*/32));
//   auto loader = make_data_loader(ds, DataLoaderOptions(32));
//
// reset() (each epoch) restarts the preloaders and the chunk sampler, unless a checkpoint was
// just loaded: save / load write and read the chunk sampler, so a loaded epoch resumes at its
// chunk. Thread-safety: get_batch may be called from several DataLoader workers; the cache and
// the samplers are guarded by their own mutexes.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "data/datasets/stateful.h"
#include "data/samplers/samplers.h"
#include "data/worker_exception.h"

namespace ember {
namespace data {
namespace datasets {

template <typename ExampleType_, typename ChunkType_ = std::vector<ExampleType_>>
class ChunkDataReader {
 public:
  using ChunkType = ChunkType_;
  using ExampleType = ExampleType_;
  using BatchType = ChunkType_;

  virtual ~ChunkDataReader() = default;
  virtual ChunkType read_chunk(size_t chunk_index) = 0;
  virtual size_t chunk_count() = 0;
  // Called at the start of every epoch (except one resumed from a checkpoint).
  virtual void reset() = 0;
};

struct ChunkDatasetOptions {
  ChunkDatasetOptions() = delete;
  ChunkDatasetOptions(size_t preloader_count, size_t batch_size, size_t cache_size = 2048,
                      size_t cross_chunk_shuffle_count = 1)
      : preloader_count_(preloader_count),
        batch_size_(batch_size),
        cache_size_(cache_size),
        cross_chunk_shuffle_count_(cross_chunk_shuffle_count) {
    EMBER_CHECK(preloader_count_ > 0, ValueError, "Preloader count is 0. At least one preloader needs to be specified.");
    EMBER_CHECK(batch_size_ > 0, ValueError, "Batch size is 0. A positive batch size needs to be specified.");
    EMBER_CHECK(cache_size_ > 0, ValueError, "Cache size is 0. A positive cache size needs to be specified.");
    EMBER_CHECK(cache_size_ >= batch_size_, ValueError,
                "Cache size is less than batch size. Cache needs to be large enough to hold at least one batch.");
    EMBER_CHECK(cross_chunk_shuffle_count_ > 0, ValueError, "cross_chunk_shuffle_count needs to be greater than 0.");
  }

  EMBER_ARG(size_t, preloader_count);
  EMBER_ARG(size_t, batch_size);
  EMBER_ARG(size_t, cache_size) = 2048;  // examples the cache holds before preloaders wait
  EMBER_ARG(size_t, cross_chunk_shuffle_count) = 1;
};

namespace detail {

// The cache between preloaders and get_batch: a queue of batches (or a preloader's exception),
// with at most capacity examples queued. stop() releases every waiter.
template <typename UnwrappedBatch, typename ExampleSampler>
class BatchDataBuffer {
 public:
  BatchDataBuffer(size_t batch_size, ExampleSampler& example_sampler, size_t capacity)
      : batch_size_(batch_size), example_sampler_(example_sampler), capacity_(capacity) {}

  // The next batch; nullopt once stopped and drained. Rethrows a preloader's exception.
  std::optional<UnwrappedBatch> get_batch() {
    std::unique_lock<std::mutex> lock(mutex_);
    can_read_.wait(lock, [this] {
      return queued_examples_ >= batch_size_ || stopped_ || (!queue_.empty() && queue_.front().exception);
    });
    if (queue_.empty()) return std::nullopt;
    Entry entry = std::move(queue_.front());
    queue_.pop();
    if (entry.exception) throw WorkerException(entry.exception);
    queued_examples_ -= entry.batch.size();
    lock.unlock();
    can_write_.notify_all();
    return std::move(entry.batch);
  }

  // Deals data's examples into batches, topping up the last queued batch first.
  void add_chunk_data(UnwrappedBatch data) {
    std::unique_lock<std::mutex> lock(mutex_);
    can_write_.wait(lock, [this] { return queued_examples_ < capacity_ || stopped_; });
    if (stopped_) return;
    const size_t total = data.size();
    size_t remaining = total;
    example_sampler_.reset(total);
    auto fill = [&](size_t count, UnwrappedBatch& batch) {
      auto indices = example_sampler_.next(count);
      EMBER_INTERNAL_ASSERT(indices && indices->size() == count, "the example sampler returned too few indices");
      for (size_t i : *indices) {
        EMBER_CHECK(i < total, IndexError, "[ChunkDataset] the example sampler returned index ", i, " for a chunk of ",
                    total, " examples");
        batch.push_back(std::move(data[i]));
      }
      remaining -= count;
    };
    if (!queue_.empty() && !queue_.back().exception && queue_.back().batch.size() < batch_size_)
      fill(std::min(remaining, batch_size_ - queue_.back().batch.size()), queue_.back().batch);
    while (remaining > 0) {
      Entry entry;
      entry.batch.reserve(std::min(remaining, batch_size_));
      fill(std::min(remaining, batch_size_), entry.batch);
      queue_.push(std::move(entry));
    }
    queued_examples_ += total;
    lock.unlock();
    can_read_.notify_all();
  }

  void add_chunk_data(std::exception_ptr exception) {
    std::unique_lock<std::mutex> lock(mutex_);
    can_write_.wait(lock, [this] { return queued_examples_ < capacity_ || stopped_; });
    if (stopped_) return;
    Entry entry;
    entry.exception = exception;
    queue_.push(std::move(entry));
    lock.unlock();
    can_read_.notify_all();
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    can_write_.notify_all();
    can_read_.notify_all();
  }

 private:
  struct Entry {
    UnwrappedBatch batch;
    std::exception_ptr exception;
  };

  const size_t batch_size_;
  ExampleSampler& example_sampler_;
  const size_t capacity_;
  std::queue<Entry> queue_;
  size_t queued_examples_ = 0;
  bool stopped_ = false;
  std::mutex mutex_;
  std::condition_variable can_read_, can_write_;
};

}  // namespace detail

template <typename ChunkReader, typename ChunkSampler = samplers::RandomSampler,
          typename ExampleSampler = samplers::RandomSampler>
class ChunkDataset final
    : public StatefulDataset<ChunkDataset<ChunkReader, ChunkSampler, ExampleSampler>, typename ChunkReader::BatchType,
                             size_t> {
 public:
  using BatchType = std::optional<typename ChunkReader::BatchType>;
  using UnwrappedBatchType = typename ChunkReader::BatchType;
  using BatchRequestType = size_t;
  using ChunkSamplerType = ChunkSampler;
  using ExampleSamplerType = ExampleSampler;

  ChunkDataset(ChunkReader chunk_reader, ChunkSampler chunk_sampler, ExampleSampler example_sampler,
               ChunkDatasetOptions options,
               std::function<void(UnwrappedBatchType&)> preprocessing_policy = {})
      : chunk_reader_(std::move(chunk_reader)),
        chunk_sampler_(std::move(chunk_sampler)),
        example_sampler_(std::move(example_sampler)),
        options_(std::move(options)),
        preprocessing_policy_(std::move(preprocessing_policy)) {}

  ~ChunkDataset() override { stop_preloaders(); }

  // The next batch of batch_size examples (the last may be smaller), or nullopt at the end of
  // the epoch. batch_size must be the options' batch size; reset() must have been called.
  BatchType get_batch(size_t batch_size) override {
    EMBER_CHECK(batch_buffer_ != nullptr, RuntimeError, "Dataset needs to call reset() before calling get_batch().");
    EMBER_CHECK(batch_size == options_.batch_size(), ValueError,
                "The requested batch size does not match with the initialized batch size.\n The requested batch size is ",
                batch_size, ", while the dataset is created with batch size equal to ", options_.batch_size());
    return batch_buffer_->get_batch();
  }

  BatchType get_batch() { return get_batch(options_.batch_size()); }

  // Starts an epoch: stops the previous epoch's preloaders and starts new ones.
  void reset() override {
    stop_preloaders();
    if (!resume_from_checkpoint_) {
      chunk_reader_.reset();
      chunk_sampler_.reset(chunk_reader_.chunk_count());
    }
    resume_from_checkpoint_ = false;
    batch_buffer_ = std::make_unique<detail::BatchDataBuffer<UnwrappedBatchType, ExampleSampler>>(
        options_.batch_size(), example_sampler_, options_.cache_size());
    quit_preloaders_ = false;
    running_preloaders_ = options_.preloader_count();
    for (size_t i = 0; i < options_.preloader_count(); ++i) preloaders_.emplace_back([this] { preload(); });
  }

  std::optional<size_t> size() const override { return std::nullopt; }

  // The chunk sampler (its position is the epoch's progress, give or take the prefetched chunks).
  ChunkSampler& chunk_sampler() { return chunk_sampler_; }

  void save(serialize::OutputArchive& archive) const override {
    std::lock_guard<std::mutex> lock(chunk_sampler_mutex_);
    chunk_sampler_.save(archive);
  }

  void load(serialize::InputArchive& archive) override {
    std::lock_guard<std::mutex> lock(chunk_sampler_mutex_);
    chunk_sampler_.load(archive);
    resume_from_checkpoint_ = true;
  }

 private:
  void preload() {
    while (!quit_preloaders_) {
      try {
        std::vector<size_t> chunk_indices;
        {
          std::lock_guard<std::mutex> lock(chunk_sampler_mutex_);
          auto next = chunk_sampler_.next(options_.cross_chunk_shuffle_count());
          if (!next) break;
          chunk_indices = std::move(*next);
        }
        if (chunk_indices.empty()) break;
        UnwrappedBatchType data = chunk_reader_.read_chunk(chunk_indices[0]);
        for (size_t i = 1; i < chunk_indices.size(); ++i) {
          UnwrappedBatchType more = chunk_reader_.read_chunk(chunk_indices[i]);
          std::move(more.begin(), more.end(), std::back_inserter(data));
        }
        if (preprocessing_policy_) preprocessing_policy_(data);
        if (!data.empty()) batch_buffer_->add_chunk_data(std::move(data));
      } catch (...) {
        batch_buffer_->add_chunk_data(std::current_exception());
      }
    }
    std::lock_guard<std::mutex> lock(chunk_sampler_mutex_);
    if (--running_preloaders_ == 0) batch_buffer_->stop();  // the last one out ends the epoch
  }

  void stop_preloaders() {
    quit_preloaders_ = true;
    if (batch_buffer_) batch_buffer_->stop();
    for (std::thread& t : preloaders_) t.join();
    preloaders_.clear();
  }

  ChunkReader chunk_reader_;
  ChunkSampler chunk_sampler_;
  ExampleSampler example_sampler_;
  ChunkDatasetOptions options_;
  std::function<void(UnwrappedBatchType&)> preprocessing_policy_;
  std::unique_ptr<detail::BatchDataBuffer<UnwrappedBatchType, ExampleSampler>> batch_buffer_;
  std::vector<std::thread> preloaders_;
  std::atomic<bool> quit_preloaders_{false};
  size_t running_preloaders_ = 0;  // guarded by chunk_sampler_mutex_
  bool resume_from_checkpoint_ = false;
  mutable std::mutex chunk_sampler_mutex_;
};

}  // namespace datasets
}  // namespace data
}  // namespace ember
