// Work and Future: the handles every collective returns at once (c10d's Work and its future).
//
//   auto work = group->all_reduce(t);      // started; t is in use until the work finishes
//   ...                                    // overlap other computation
//   work->wait();                          // throws the error, if any
//
// Work::wait blocks the calling thread for host backends (gloo, mpi); for device backends (nccl)
// it makes the caller's current stream wait and returns. A failed operation's error names the
// operation, the group and, when a peer died or ranks disagreed, the rank (see ProcessGroup).
// A Work may be dropped before it finishes: the tensors are then kept until it does.
//
// Thread-safety: a Work or Future may be used from several threads at once.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "distributed/types.h"

namespace ember {
namespace distributed {

class Future;
namespace detail {
class BackendGroup;
struct WorkState;
}  // namespace detail

class EMBER_API Work {
 public:
  ~Work();
  Work(const Work&) = delete;
  Work& operator=(const Work&) = delete;

  // Never blocks: true once the operation finished (successfully or not).
  bool is_completed();
  // Finished without an error.
  bool is_success();
  // The error once finished (null while running or on success).
  std::exception_ptr exception();
  // Waits for the operation (kDefaultTimeout: its own deadline), then throws its error. A
  // timeout here is a TimeoutError; the operation keeps running until its own deadline.
  bool wait(Milliseconds timeout = kDefaultTimeout);
  // The output tensors (all_reduce: the tensor reduced in place; all_gather: the outputs).
  std::vector<Tensor> result() const;
  // A future completed with result() (or the error) when the operation finishes.
  std::shared_ptr<Future> get_future();
  // "all_reduce #5 (sum, 1024 x Float) on group 'default'".
  const std::string& description() const;

 private:
  friend class detail::BackendGroup;
  explicit Work(std::shared_ptr<detail::WorkState> state);
  std::exception_ptr failure_after_finish();
  std::shared_ptr<detail::WorkState> state_;
};

// A value that becomes available later (c10d's ivalue::Future over tensors).
class EMBER_API Future : public std::enable_shared_from_this<Future> {
 public:
  Future() = default;
  bool completed() const;
  // Waits, then throws the error if there is one.
  void wait();
  std::vector<Tensor> value();
  std::exception_ptr exception() const;
  // Runs fn once completed: now, on this thread, if it already is; else on the completing thread.
  void add_done_callback(std::function<void(Future&)> fn);
  // A future of fn's result, run when this one completes; an exception from fn (or this
  // future's error) becomes its error.
  std::shared_ptr<Future> then(std::function<std::vector<Tensor>(Future&)> fn);

  void set_result(std::vector<Tensor> value);
  void set_error(std::exception_ptr error);

 private:
  void complete(std::vector<Tensor> value, std::exception_ptr error);
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::vector<Tensor> value_;
  std::exception_ptr error_;
  std::vector<std::function<void(Future&)>> callbacks_;
};

}  // namespace distributed
}  // namespace ember
