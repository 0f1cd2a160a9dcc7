// Comm plugins in C++: the process-group backend table (ember_process_group_backend_desc) over
// three classes a plugin implements or uses.
//
//   class MyBackend : public ember::sdk::ProcessGroupBackend {
//     std::unique_ptr<ember::sdk::ProcessGroup> create(const ember::sdk::GroupSpec& spec) override;
//   };
//   reg.process_group_backend(ember::sdk::make_process_group_backend_desc("mine", "cpu", new MyBackend));
//
// - Work: one operation's completion (success or a code and message), waited for without spinning
//   (a condition variable), with completion callbacks. Backends call finish_ok/finish_error once.
// - ProcessGroup: a backend's group; start() returns a Work at once. abort() records a reason
//   that later starts fail with (check_not_aborted) and lets the backend close connections.
// - WorkQueue: worker threads draining a FIFO of tasks, sleeping while it is empty.
//
// The trampolines turn every exception into an ember_status ("[<backend>] " prefixed) so no
// exception crosses the C boundary. A work handle holds a shared_ptr to its Work, so a worker
// thread may finish a work the host has already released.
//
// Ownership: the backend object passed to make_process_group_backend_desc lives for the process
// (plugins are never unloaded). Groups are owned by their handle until destroy.
// Thread-safety: Work and WorkQueue are thread-safe; a group's start is called by one thread at
// a time (the host serializes it), everything else may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>
#include <ember/sdk/host.h>
#include <ember/sdk/options.h>
#include <ember/sdk/store.h>

EMBER_SDK_NAMESPACE_BEGIN

inline const char* collective_name(int32_t kind) {
  switch (kind) {
    case EMBER_COLLECTIVE_ALL_REDUCE: return "all_reduce";
    case EMBER_COLLECTIVE_BROADCAST: return "broadcast";
    case EMBER_COLLECTIVE_REDUCE: return "reduce";
    case EMBER_COLLECTIVE_ALL_GATHER: return "all_gather";
    case EMBER_COLLECTIVE_GATHER: return "gather";
    case EMBER_COLLECTIVE_SCATTER: return "scatter";
    case EMBER_COLLECTIVE_REDUCE_SCATTER: return "reduce_scatter";
    case EMBER_COLLECTIVE_ALL_TO_ALL: return "all_to_all";
    case EMBER_COLLECTIVE_BARRIER: return "barrier";
    case EMBER_COLLECTIVE_SEND: return "send";
    case EMBER_COLLECTIVE_RECV: return "recv";
    default: return "<unknown collective>";
  }
}

inline const char* reduce_op_name(int32_t op) {
  switch (op) {
    case EMBER_REDUCE_SUM: return "sum";
    case EMBER_REDUCE_PRODUCT: return "product";
    case EMBER_REDUCE_MIN: return "min";
    case EMBER_REDUCE_MAX: return "max";
    case EMBER_REDUCE_AVG: return "avg";
    default: return "<unknown reduce op>";
  }
}

inline int64_t view_numel(const ember_tensor_view& v) {
  int64_t n = 1;
  for (int32_t d = 0; d < v.ndim; ++d) n *= v.sizes[d];
  return n;
}
inline size_t view_nbytes(const ember_tensor_view& v) {
  return static_cast<size_t>(view_numel(v)) * element_size(v.dtype);
}

// "all_reduce #5 (sum, 1024 x Float)": how messages name an operation.
inline std::string describe_collective(const ember_collective_desc& d) {
  std::string s = collective_name(d.kind);
  if (d.sequence_number) s += " #" + std::to_string(d.sequence_number);
  const ember_tensor_view* t = d.num_inputs > 0 ? &d.inputs[0] : (d.num_outputs > 0 ? &d.outputs[0] : nullptr);
  s += " (";
  if (d.kind == EMBER_COLLECTIVE_ALL_REDUCE || d.kind == EMBER_COLLECTIVE_REDUCE ||
      d.kind == EMBER_COLLECTIVE_REDUCE_SCATTER)
    s += std::string(reduce_op_name(d.reduce_op)) + ", ";
  if (t) s += std::to_string(view_numel(*t)) + " x " + dtype_name(t->dtype);
  else s += "no tensors";
  s += ")";
  return s;
}

class Work {
 public:
  using Clock = std::chrono::steady_clock;

  // description names the operation in messages; timeout_ms is its deadline from now.
  Work(std::string description, int64_t timeout_ms)
      : description_(std::move(description)), deadline_(Clock::now() + std::chrono::milliseconds(timeout_ms)) {}
  virtual ~Work() = default;
  Work(const Work&) = delete;
  Work& operator=(const Work&) = delete;

  const std::string& description() const { return description_; }
  Clock::time_point deadline() const { return deadline_; }

  void finish_ok() { finish(EMBER_OK, std::string()); }
  void finish_error(ember_status_code code, std::string message) { finish(code, std::move(message)); }

  bool finished() const {
    std::lock_guard<std::mutex> lock(m_);
    return done_;
  }
  // Blocks until finished or timeout_ms passed (< 0: until the work's deadline, then until
  // finished: a backend always finishes a work by its deadline). Returns whether it finished.
  bool wait_for(int64_t timeout_ms) const {
    std::unique_lock<std::mutex> lock(m_);
    if (timeout_ms < 0) {
      cv_.wait(lock, [&] { return done_; });
      return true;
    }
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return done_; });
  }
  // EMBER_OK (and "") on success; valid once finished.
  ember_status_code code() const {
    std::lock_guard<std::mutex> lock(m_);
    return code_;
  }
  std::string message() const {
    std::lock_guard<std::mutex> lock(m_);
    return message_;
  }
  // Throws the work's error; returns on success. Call once finished.
  void throw_if_failed() const {
    std::lock_guard<std::mutex> lock(m_);
    if (code_ != EMBER_OK) throw Error(code_, message_);
  }

  // Runs callback(arg) once finished (now, on this thread, if it already is).
  void on_complete(ember_work_callback callback, void* arg) {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!done_) {
        callbacks_.emplace_back(callback, arg);
        return;
      }
    }
    callback(arg);
  }

  // The host's wait (ember_process_group_backend_desc::work_wait). Host backends block; device
  // backends override it to make `stream` wait instead.
  virtual void wait(int64_t timeout_ms, ember_stream stream) {
    (void)stream;
    if (!wait_for(timeout_ms)) {
      throw Error(EMBER_ERROR_TIMEOUT,
                  detail::concat(description_, " did not finish within the wait's ", timeout_ms, " ms"));
    }
    throw_if_failed();
  }
  // work_query: never blocks. Device backends override it to look at their events.
  virtual bool query() { return finished(); }

 private:
  void finish(ember_status_code code, std::string message) {
    std::vector<std::pair<ember_work_callback, void*>> callbacks;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (done_) return;
      done_ = true;
      code_ = code;
      message_ = std::move(message);
      callbacks.swap(callbacks_);
    }
    cv_.notify_all();
    for (auto& [fn, arg] : callbacks) fn(arg);
  }

  const std::string description_;
  const Clock::time_point deadline_;
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  bool done_ = false;
  ember_status_code code_ = EMBER_OK;
  std::string message_;
  std::vector<std::pair<ember_work_callback, void*>> callbacks_;
};

// Worker threads running tasks in FIFO order; idle workers sleep on a condition variable. The
// queue's state is shared with the workers, so a worker detached by stop(true) may outlive the
// WorkQueue object: it finishes its task and leaves without touching freed memory.
class WorkQueue {
 public:
  explicit WorkQueue(int threads) : shared_(std::make_shared<Shared>()) {
    for (int i = 0; i < (threads > 0 ? threads : 1); ++i) workers_.emplace_back([s = shared_] { run(*s); });
  }
  ~WorkQueue() { stop(); }
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void push(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(shared_->m);
      shared_->tasks.push_back(std::move(task));
    }
    shared_->cv.notify_one();
  }

  // Lets queued tasks finish, then joins. With detach, workers still inside a task are left to
  // finish it and the tasks still queued on their own (used after an abort, when a task may
  // block until its deadline).
  void stop(bool detach = false) {
    {
      std::lock_guard<std::mutex> lock(shared_->m);
      if (shared_->stopping) return;
      shared_->stopping = true;
    }
    shared_->cv.notify_all();
    for (auto& t : workers_) {
      if (!t.joinable()) continue;
      if (detach) t.detach();
      else t.join();
    }
  }

 private:
  struct Shared {
    std::mutex m;
    std::condition_variable cv;
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
  };

  static void run(Shared& s) {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(s.m);
        s.cv.wait(lock, [&] { return s.stopping || !s.tasks.empty(); });
        if (s.tasks.empty()) return;
        task = std::move(s.tasks.front());
        s.tasks.pop_front();
      }
      task();
    }
  }

  std::shared_ptr<Shared> shared_;
  std::vector<std::thread> workers_;
};

// What the host asked for (ember_process_group_spec), copied.
struct GroupSpec {
  Store store;                    // may be invalid for backends with world_info
  int32_t rank = 0;
  int32_t world_size = 1;
  std::vector<int32_t> global_ranks;  // world_size entries
  int32_t device_type = -1;
  int64_t timeout_ms = 0;
  std::string name;
  const Options* options = nullptr;  // valid during create only
};

class ProcessGroup {
 public:
  explicit ProcessGroup(const GroupSpec& spec)
      : rank_(spec.rank), world_size_(spec.world_size), global_ranks_(spec.global_ranks), name_(spec.name),
        timeout_ms_(spec.timeout_ms) {}
  virtual ~ProcessGroup() = default;

  int32_t rank() const { return rank_; }
  int32_t world_size() const { return world_size_; }
  const std::string& name() const { return name_; }
  int64_t timeout_ms() const { return timeout_ms_; }
  // The rank in the default group of this group's rank r (for messages).
  int32_t global_rank(int32_t r) const {
    return r >= 0 && r < static_cast<int32_t>(global_ranks_.size()) ? global_ranks_[r] : r;
  }

  virtual std::shared_ptr<Work> start(const ember_collective_desc& desc) = 0;

  // Records the reason and calls on_abort once (close connections there).
  void abort(const std::string& reason) {
    {
      std::lock_guard<std::mutex> lock(abort_mutex_);
      if (aborted_) return;
      aborted_ = true;
      abort_reason_ = reason;
    }
    on_abort(reason);
  }
  bool aborted() const {
    std::lock_guard<std::mutex> lock(abort_mutex_);
    return aborted_;
  }
  std::string abort_reason() const {
    std::lock_guard<std::mutex> lock(abort_mutex_);
    return abort_reason_;
  }
  // For start(): fails with the abort reason once aborted.
  void check_not_aborted(const char* op) const {
    std::lock_guard<std::mutex> lock(abort_mutex_);
    if (aborted_)
      throw Error(EMBER_ERROR_DISTRIBUTED,
                  detail::concat(op, " on group '", name_, "': the group was aborted: ", abort_reason_));
  }

 protected:
  virtual void on_abort(const std::string& reason) { (void)reason; }

 private:
  const int32_t rank_;
  const int32_t world_size_;
  const std::vector<int32_t> global_ranks_;
  const std::string name_;
  const int64_t timeout_ms_;
  mutable std::mutex abort_mutex_;
  bool aborted_ = false;
  std::string abort_reason_;
};

class ProcessGroupBackend {
 public:
  virtual ~ProcessGroupBackend() = default;
  virtual std::unique_ptr<ProcessGroup> create(const GroupSpec& spec) = 0;
  // Backends whose launcher assigns ranks override both.
  virtual bool has_world_info() const { return false; }
  virtual void world_info(int32_t* rank, int32_t* world_size) { (void)rank; (void)world_size; }
};

namespace detail {

struct BackendContext {
  ProcessGroupBackend* backend;
  std::string prefix;  // "[gloo] "
};
struct GroupHandle {
  std::unique_ptr<ProcessGroup> group;
};
struct WorkHandle {
  std::shared_ptr<Work> work;
};

inline ember_status* pg_create(void* ctx, const ember_process_group_spec* spec, ember_process_group* out) noexcept {
  auto* c = static_cast<BackendContext*>(ctx);
  try {
    GroupSpec s;
    s.store = Store(spec->store);
    s.rank = spec->rank;
    s.world_size = spec->world_size;
    for (int32_t i = 0; i < spec->world_size; ++i) s.global_ranks.push_back(spec->global_ranks ? spec->global_ranks[i] : i);
    s.device_type = spec->device_type;
    s.timeout_ms = spec->timeout_ms;
    s.name = spec->name ? spec->name : "";
    Options options(spec->options ? spec->options->items : nullptr, spec->options ? spec->options->count : 0);
    s.options = &options;
    auto group = c->backend->create(s);
    *out = reinterpret_cast<ember_process_group>(new GroupHandle{std::move(group)});
    return nullptr;
  } catch (...) {
    return status_from_current_exception(c->prefix);
  }
}

inline void pg_destroy(void*, ember_process_group group) noexcept {
  delete reinterpret_cast<GroupHandle*>(group);
}

inline ember_status* pg_start(void* ctx, ember_process_group group, const ember_collective_desc* desc,
                              ember_work* out) noexcept {
  auto* c = static_cast<BackendContext*>(ctx);
  try {
    auto work = reinterpret_cast<GroupHandle*>(group)->group->start(*desc);
    *out = reinterpret_cast<ember_work>(new WorkHandle{std::move(work)});
    return nullptr;
  } catch (...) {
    return status_from_current_exception(c->prefix);
  }
}

inline ember_status* pg_work_wait(void* ctx, ember_work work, int64_t timeout_ms, ember_stream stream) noexcept {
  auto* c = static_cast<BackendContext*>(ctx);
  try {
    reinterpret_cast<WorkHandle*>(work)->work->wait(timeout_ms, stream);
    return nullptr;
  } catch (...) {
    return status_from_current_exception(c->prefix);
  }
}

inline ember_status* pg_work_query(void* ctx, ember_work work, int32_t* done) noexcept {
  auto* c = static_cast<BackendContext*>(ctx);
  try {
    Work& w = *reinterpret_cast<WorkHandle*>(work)->work;
    *done = w.query() ? 1 : 0;
    if (*done) w.throw_if_failed();
    return nullptr;
  } catch (...) {
    return status_from_current_exception(c->prefix);
  }
}

inline void pg_work_release(void*, ember_work work) noexcept { delete reinterpret_cast<WorkHandle*>(work); }

inline void pg_abort(void*, ember_process_group group, const char* reason) noexcept {
  try {
    reinterpret_cast<GroupHandle*>(group)->group->abort(reason ? reason : "aborted");
  } catch (...) {
    // abort is best effort: the group is unusable either way.
  }
}

inline ember_status* pg_work_on_complete(void* ctx, ember_work work, ember_work_callback callback, void* arg) noexcept {
  auto* c = static_cast<BackendContext*>(ctx);
  try {
    reinterpret_cast<WorkHandle*>(work)->work->on_complete(callback, arg);
    return nullptr;
  } catch (...) {
    return status_from_current_exception(c->prefix);
  }
}

inline ember_status* pg_world_info(void* ctx, int32_t* rank, int32_t* world_size) noexcept {
  auto* c = static_cast<BackendContext*>(ctx);
  try {
    c->backend->world_info(rank, world_size);
    return nullptr;
  } catch (...) {
    return status_from_current_exception(c->prefix);
  }
}

}  // namespace detail

// The table for Registrar::process_group_backend. backend must live for the process.
inline ember_process_group_backend_desc make_process_group_backend_desc(const char* name, const char* device_types,
                                                                        ProcessGroupBackend* backend) {
  auto* ctx = new detail::BackendContext{backend, std::string("[") + name + "] "};  // lives as long as the plugin
  ember_process_group_backend_desc d{};
  d.struct_size = sizeof d;
  d.name = name;
  d.device_types = device_types;
  d.ctx = ctx;
  d.create = &detail::pg_create;
  d.destroy = &detail::pg_destroy;
  d.start = &detail::pg_start;
  d.work_wait = &detail::pg_work_wait;
  d.work_query = &detail::pg_work_query;
  d.work_release = &detail::pg_work_release;
  d.abort = &detail::pg_abort;
  d.work_on_complete = &detail::pg_work_on_complete;
  d.world_info = backend->has_world_info() ? &detail::pg_world_info : nullptr;
  return d;
}

EMBER_SDK_NAMESPACE_END
