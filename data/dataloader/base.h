// DataLoaderBase: what stateless and stateful DataLoaders share. With workers, batch requests
// go to worker threads through a DataShuttle, up to max_jobs in flight, and results come back in
// request order when enforce_ordering is set (an OrderedSequencer); without workers, the loader
// thread calls the dataset itself. A worker's exception reaches the caller as WorkerException.
//
// Only one iterator may be in flight at a time: begin() while jobs are outstanding throws.
// Thread-safety: a DataLoader is used from one thread; its workers are internal.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "data/dataloader_options.h"
#include "data/detail/data_shuttle.h"
#include "data/detail/sequencers.h"
#include "data/iterator.h"
#include "data/worker_exception.h"

namespace ember {
namespace data {

template <typename Dataset, typename Batch, typename BatchRequest>
class DataLoaderBase {
 public:
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;

  DataLoaderBase(DataLoaderOptions options, std::unique_ptr<Dataset> main_thread_dataset = nullptr)
      : options_(std::move(options)), main_thread_dataset_(std::move(main_thread_dataset)) {}

  DataLoaderBase(const DataLoaderBase&) = delete;
  DataLoaderBase& operator=(const DataLoaderBase&) = delete;

  virtual ~DataLoaderBase() { join(); }

  // Starts an epoch.
  Iterator<Batch> begin() {
    EMBER_CHECK(shuttle_.in_flight_jobs() == 0, RuntimeError,
                "Attempted to get a new DataLoader iterator while another iterator is not yet exhausted");
    reset();
    return Iterator<Batch>(std::make_unique<detail::ValidIterator<Batch>>([this] { return this->next(); }));
  }

  Iterator<Batch> end() { return Iterator<Batch>(std::make_unique<detail::SentinelIterator<Batch>>()); }

  // Stops the workers (the destructor calls it).
  void join() {
    if (joined_) return;
    shuttle_.drain();
    for (size_t w = 0; w < workers_.size(); ++w) shuttle_.push_job(Job::quit());
    for (std::thread& worker : workers_) worker.join();
    joined_ = true;
  }

  const FullDataLoaderOptions& options() const noexcept { return options_; }

 protected:
  struct Job {
    static Job quit() { return Job{0, std::nullopt, true}; }
    size_t sequence_number;
    std::optional<BatchRequest> request;
    bool quit_worker;
  };

  struct Result {
    size_t sequence_number;
    std::optional<Batch> batch;  // nullopt: a stateful dataset's epoch ended
    std::exception_ptr exception;
  };

  // The next batch request, or nullopt when the epoch has no more.
  virtual std::optional<BatchRequest> get_batch_request() = 0;

  virtual void reset() {
    shuttle_.drain();
    sequence_number_ = 0;
    sequencer_ = new_sequencer();
    prefetch();
  }

  // Pushes up to requested_jobs requests to the workers.
  void prefetch(size_t requested_jobs) {
    for (size_t r = 0; r < requested_jobs; ++r) {
      std::optional<BatchRequest> request = get_batch_request();
      if (!request) break;
      shuttle_.push_job(Job{sequence_number_++, std::move(request), false});
    }
  }
  void prefetch() { prefetch(options_.max_jobs); }

  std::optional<Batch> next() {
    if (options_.workers > 0) {
      while (std::optional<Result> result = pop_result()) {
        if (result->exception) throw WorkerException(result->exception);
        if (result->batch) {
          prefetch(1);
          return std::move(result->batch);
        }
      }
      return std::nullopt;
    }
    if (std::optional<BatchRequest> request = get_batch_request())
      return main_thread_dataset_->get_batch(std::move(*request));
    return std::nullopt;
  }

  // The body of each worker thread: serves jobs from the shuttle until told to quit.
  template <typename WorkerDataset>
  void worker_thread(WorkerDataset& dataset) {
    while (true) {
      Job job = shuttle_.pop_job();
      if (job.quit_worker) break;
      Result result{job.sequence_number, std::nullopt, nullptr};
      try {
        result.batch = dataset.get_batch(std::move(*job.request));
      } catch (...) {
        result.exception = std::current_exception();
      }
      shuttle_.push_result(std::move(result));
    }
  }

  std::optional<Result> pop_result() {
    auto produce = [this] { return shuttle_.pop_result(options_.timeout); };
    return sequencer_->next(produce);
  }

  std::unique_ptr<detail::sequencers::Sequencer<Result>> new_sequencer() {
    if (options_.enforce_ordering)
      return std::make_unique<detail::sequencers::OrderedSequencer<Result>>(options_.max_jobs);
    return std::make_unique<detail::sequencers::NoSequencer<Result>>();
  }

  const FullDataLoaderOptions options_;
  // The dataset the loader thread uses without workers (and, for stateful loaders, the one the
  // workers share).
  std::unique_ptr<Dataset> main_thread_dataset_;
  size_t sequence_number_ = 0;
  std::vector<std::thread> workers_;
  detail::DataShuttle<Job, Result> shuttle_;
  std::unique_ptr<detail::sequencers::Sequencer<Result>> sequencer_;
  bool joined_ = false;
};

}  // namespace data
}  // namespace ember
