// data::detail::DataShuttle<Job, Result>: jobs from a DataLoader to its workers and results back,
// counting the jobs in flight so that pop_result knows when nothing more will come.
// Thread-safe: the loader thread pushes jobs and pops results, workers the reverse.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>

#include "data/detail/queue.h"

namespace ember {
namespace data {
namespace detail {

template <typename Job, typename Result>
class DataShuttle {
 public:
  void push_job(Job job) {
    new_jobs_.push(std::move(job));
    ++in_flight_jobs_;
  }
  void push_result(Result result) { results_.push(std::move(result)); }
  Job pop_job() { return new_jobs_.pop(); }

  // The next result, or nullopt when no job is in flight.
  std::optional<Result> pop_result(std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    if (in_flight_jobs_ == 0) return std::nullopt;
    Result result = results_.pop(timeout);
    --in_flight_jobs_;
    return result;
  }

  // Forgets every queued job and result (results of running jobs may still arrive; they are
  // dropped by the next drain).
  void drain() {
    new_jobs_.clear();
    results_.clear();
    in_flight_jobs_ = 0;
  }

  size_t in_flight_jobs() const noexcept { return in_flight_jobs_; }

 private:
  std::atomic<size_t> in_flight_jobs_{0};
  Queue<Job> new_jobs_;
  Queue<Result> results_;
};

}  // namespace detail
}  // namespace data
}  // namespace ember
