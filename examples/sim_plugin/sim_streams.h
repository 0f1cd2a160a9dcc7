// sim's streams: each stream is a FIFO of jobs run in order by its own worker thread, so that
// sim behaves like an asynchronous accelerator (kernels and copies return before they run) and
// exercises every stream, event and ordering contract of the ABI without a GPU.
//
// Each device has a default stream (the ABI's NULL stream), created on first use; more come
// from stream_create. A job that throws leaves a sticky error on its stream (as a CUDA error
// stays with its context), reported by the next synchronize, copy or query of that device.
//
// Ownership: stream objects are never deleted: stream_destroy retires one (drains its queue and
// stops its worker), and the object stays, because jobs queued elsewhere (stream-ordered frees,
// event waits) may still ask it how far it got; the device state keeps retired streams reachable
// (so leak checkers see them as owned). Default streams live for the process.
// Threads: every function is thread-safe; workers sleep on a condition variable when idle (no
// spinning).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sim {

class SimStream {
 public:
  explicit SimStream(int32_t device_index);
  ~SimStream();  // retires the stream
  // Drains the queue, then stops the worker; later enqueues run the job on the caller's thread.
  void retire();
  SimStream(const SimStream&) = delete;
  SimStream& operator=(const SimStream&) = delete;

  int32_t device_index() const { return device_index_; }
  // Queues a job; returns its sequence number (1, 2, ...).
  uint64_t enqueue(std::function<void()> job);
  // The sequence number of the last job queued so far (0: none).
  uint64_t last_enqueued();
  // Blocks until job `sequence` has run (and every job before it).
  void wait_for(uint64_t sequence);
  bool has_completed(uint64_t sequence);
  // Blocks until every job queued so far has run.
  void synchronize() { wait_for(last_enqueued()); }
  // The first error a job raised on this stream ("" if none); cleared by take_error.
  std::string take_error();

 private:
  void run();

  const int32_t device_index_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable job_done_;
  std::deque<std::function<void()>> queue_;
  uint64_t enqueued_ = 0;
  uint64_t completed_ = 0;
  bool stopping_ = false;
  bool retired_ = false;
  std::string error_;
  std::thread worker_;
};

// A recorded point in a stream: done when the stream has completed `sequence`. The time is
// stamped by the worker when it reaches the point (for elapsed times).
struct SimEvent {
  int32_t device_index = 0;
  SimStream* stream = nullptr;  // null: never recorded (complete)
  uint64_t sequence = 0;
  std::mutex mutex;
  std::chrono::steady_clock::time_point reached{};
};

}  // namespace sim
