// Work and Future (see work.h).
#include "distributed/work.h"

#include <thread>

#include "core/error.h"
#include "core/stream.h"
#include "distributed/backend_group.h"
#include "ops/backend/status.h"

namespace ember {
namespace distributed {

using detail::WorkState;

Work::Work(std::shared_ptr<WorkState> state) : state_(std::move(state)) {}
Work::~Work() = default;

const std::string& Work::description() const { return state_->description; }

std::vector<Tensor> Work::result() const { return state_->outputs.empty() ? state_->inputs : state_->outputs; }

// Called once the backend says the work finished: reads its error (if any) and explains it.
std::exception_ptr Work::failure_after_finish() {
  WorkState& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.finished) return s.error;
  }
  int32_t done = 0;
  ember_status* st = s.desc->work_query(s.desc->ctx, s.handle, &done);
  std::exception_ptr error;
  if (st) {
    int32_t code = status_code(st);
    std::string message = status_message(st);
    free_status(st);
    error = s.explainer ? s.explainer->explain(s.op, code, message) : nullptr;
    if (!error) {
      try {
        throw_if_error(make_status(code, message.c_str()), "");
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.finished) {
    s.finished = true;
    s.error = error;
  }
  return s.error;
}

bool Work::is_completed() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->finished) return true;
  }
  int32_t done = 0;
  ember_status* st = state_->desc->work_query(state_->desc->ctx, state_->handle, &done);
  free_status(st);
  if (!done) return false;
  failure_after_finish();
  return true;
}

bool Work::is_success() { return is_completed() && !exception(); }

std::exception_ptr Work::exception() {
  if (!is_completed()) return nullptr;
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->error;
}

bool Work::wait(Milliseconds timeout) {
  WorkState& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.finished) {
      if (s.error) std::rethrow_exception(s.error);
      return true;
    }
  }
  ember_stream stream = s.host_device ? nullptr : reinterpret_cast<ember_stream>(ember::detail::current_stream_handle(s.device));
  // Waiting "until the operation's deadline" still has a bound: a backend must end every work by
  // its deadline, and one that does not is reported 2 s later instead of hanging the caller.
  if (timeout.count() < 0) {
    constexpr Milliseconds kBackendGrace{2000};
    auto left = std::chrono::duration_cast<Milliseconds>(s.deadline - std::chrono::steady_clock::now());
    timeout = std::max(left, Milliseconds(0)) + kBackendGrace;
  }
  ember_status* st = s.desc->work_wait(s.desc->ctx, s.handle, timeout.count(), stream);
  if (!st) {
    if (s.host_device) {
      std::lock_guard<std::mutex> lock(s.mutex);
      s.finished = true;
    }
    return true;
  }
  std::string message = status_message(st);
  free_status(st);
  int32_t done = 0;
  free_status(s.desc->work_query(s.desc->ctx, s.handle, &done));
  if (!done) {
    // Our wait gave up, the operation did not: it is still running and keeps its tensors.
    EMBER_FAIL(TimeoutError, "[wait] ", s.description, " did not finish within the wait's ", timeout.count(),
               " ms; it is still running (", message, ")");
  }
  std::exception_ptr error = failure_after_finish();
  if (error) std::rethrow_exception(error);
  return true;
}

namespace {
struct FutureLink {
  std::shared_ptr<WorkState> state;
  std::shared_ptr<Future> future;
};
}  // namespace

std::shared_ptr<Future> Work::get_future() {
  auto future = std::make_shared<Future>();
  auto* link = new FutureLink{state_, future};
  auto complete = [](void* arg) {
    std::unique_ptr<FutureLink> l(static_cast<FutureLink*>(arg));
    Work w(l->state);  // a view of the same state, to read the error
    std::exception_ptr error = w.failure_after_finish();
    if (error) l->future->set_error(error);
    else l->future->set_result(l->state->outputs.empty() ? l->state->inputs : l->state->outputs);
    w.state_.reset();
  };
  const auto* d = state_->desc;
  if (d->work_on_complete) {
    throw_if_error(d->work_on_complete(d->ctx, state_->handle, complete, link), "[get_future]");
  } else {
    // A backend without completion callbacks: a thread waits for it (it sleeps in work_wait).
    std::thread([link, complete] {
      const auto* desc = link->state->desc;
      free_status(desc->work_wait(desc->ctx, link->state->handle, -1, nullptr));
      complete(link);
    }).detach();
  }
  return future;
}

// ---- Future ----------------------------------------------------------------------------------

bool Future::completed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

void Future::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(lock, [&] { return done_; });
  if (error_) std::rethrow_exception(error_);
}

std::vector<Tensor> Future::value() {
  wait();
  std::lock_guard<std::mutex> lock(mutex_);
  return value_;
}

std::exception_ptr Future::exception() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

void Future::add_done_callback(std::function<void(Future&)> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!done_) {
      callbacks_.push_back(std::move(fn));
      return;
    }
  }
  fn(*this);
}

std::shared_ptr<Future> Future::then(std::function<std::vector<Tensor>(Future&)> fn) {
  auto next = std::make_shared<Future>();
  add_done_callback([next, fn = std::move(fn)](Future& self) {
    if (self.exception()) {
      next->set_error(self.exception());
      return;
    }
    try {
      next->set_result(fn(self));
    } catch (...) {
      next->set_error(std::current_exception());
    }
  });
  return next;
}

void Future::set_result(std::vector<Tensor> value) { complete(std::move(value), nullptr); }
void Future::set_error(std::exception_ptr error) { complete({}, std::move(error)); }

void Future::complete(std::vector<Tensor> value, std::exception_ptr error) {
  std::vector<std::function<void(Future&)>> callbacks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EMBER_CHECK(!done_, RuntimeError, "[Future] already completed");
    done_ = true;
    value_ = std::move(value);
    error_ = std::move(error);
    callbacks.swap(callbacks_);
  }
  done_cv_.notify_all();
  for (auto& cb : callbacks) cb(*this);
}

}  // namespace distributed
}  // namespace ember
