// GlooGroup (see gloo_group.h).
#include "gloo_group.h"

#include <gloo/common/error.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/unbound_buffer.h>
#include <gloo/types.h>

#include <chrono>

#include "gloo_ops.h"
#include "gloo_store.h"

namespace ember_gloo {

namespace {

using ember::sdk::Error;
using ember::sdk::detail::concat;

constexpr uint8_t kP2PSlotPrefix = 0x20;  // above gloo's own prefixes (types.h)

// A gloo failure as ember reports it: timeouts keep their code; the rest is a distributed error.
Error translate(const std::string& what, const std::string& group, int rank, const char* gloo_message) {
  std::string m = gloo_message;
  bool timed_out = m.find("Timed out") != std::string::npos || m.find("timeout") != std::string::npos;
  return Error(timed_out ? EMBER_ERROR_TIMEOUT : EMBER_ERROR_DISTRIBUTED,
               concat(what, " on group '", group, "' failed on rank ", rank, ": ", m));
}

// Send and recv: posted at start, completed by whoever waits (gloo completes unbound buffers
// only in waitSend/waitRecv).
class P2PWork : public ember::sdk::Work {
 public:
  P2PWork(std::string what, int64_t timeout_ms, std::unique_ptr<gloo::transport::UnboundBuffer> buffer, bool is_send,
          std::string group, int rank)
      : Work(std::move(what), timeout_ms), buffer_(std::move(buffer)), is_send_(is_send), timeout_ms_(timeout_ms),
        group_(std::move(group)), rank_(rank) {}

  void wait(int64_t timeout_ms, ember_stream stream) override {
    complete(timeout_ms < 0 ? timeout_ms_ : timeout_ms);
    Work::wait(0, stream);
  }

 private:
  void complete(int64_t timeout_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished()) return;
    try {
      auto t = std::chrono::milliseconds(timeout_ms);
      bool ok = is_send_ ? buffer_->waitSend(t) : buffer_->waitRecv(t);
      if (ok) finish_ok();
      else finish_error(EMBER_ERROR_DISTRIBUTED, description() + " was aborted");
    } catch (const gloo::Exception& e) {
      Error err = translate(description(), group_, rank_, e.what());
      finish_error(err.code(), err.message());
    }
  }
  std::mutex mutex_;
  std::unique_ptr<gloo::transport::UnboundBuffer> buffer_;
  bool is_send_;
  int64_t timeout_ms_;
  std::string group_;
  int rank_;
};

}  // namespace

void GlooGroup::State::close_connections() {
  if (!context) return;
  for (int r = 0; r < context->size; ++r) {
    if (r == context->rank) continue;
    try {
      auto& pair = context->getPair(r);
      // Peers see the closed connection at once. An operation here that waits to receive from a
      // dead peer is not woken by the close (Debian's gloo does not export the tcp pair's
      // signalExceptionExternal); it fails at its deadline.
      if (pair) pair->close();
    } catch (...) {
      // Closing is best effort: a pair that fails to close is already broken.
    }
  }
}

GlooGroup::GlooGroup(const ember::sdk::GroupSpec& spec, std::shared_ptr<gloo::transport::Device> device, int threads)
    : ProcessGroup(spec), state_(std::make_shared<State>()) {
  if (!spec.store.valid())
    throw ember::sdk::ValueError("the gloo backend needs a store for its rendezvous (MASTER_ADDR/MASTER_PORT)");
  auto context = std::make_shared<gloo::rendezvous::Context>(spec.rank, spec.world_size);
  context->setTimeout(std::chrono::milliseconds(spec.timeout_ms));
  GlooStore store(spec.store, spec.timeout_ms);
  try {
    context->connectFullMesh(store, device);
  } catch (const gloo::Exception& e) {
    throw translate("the rendezvous", spec.name, spec.rank, e.what());
  }
  state_->context = context;
  queue_ = std::make_unique<ember::sdk::WorkQueue>(threads);
}

GlooGroup::~GlooGroup() {
  bool broken;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    broken = !state_->failure.empty();
  }
  // After a failure or an abort a worker may be blocked until its deadline: do not wait for it.
  queue_->stop(/*detach=*/broken || aborted());
}

void GlooGroup::on_abort(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->failure.empty()) state_->failure = "the group was aborted: " + reason;
  }
  state_->close_connections();
}

std::shared_ptr<ember::sdk::Work> GlooGroup::start(const ember_collective_desc& desc) {
  const std::string what = ember::sdk::describe_collective(desc);
  check_not_aborted(what.c_str());
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (!state_->failure.empty())
      throw Error(EMBER_ERROR_DISTRIBUTED, concat(what, " on group '", name(), "': the group is unusable after an earlier failure: ",
                                                  state_->failure));
  }
  if (desc.kind == EMBER_COLLECTIVE_SEND || desc.kind == EMBER_COLLECTIVE_RECV) return start_p2p(desc, what);
  OpArgs args = make_op_args(desc);
  auto work = std::make_shared<ember::sdk::Work>(what, desc.timeout_ms);
  std::shared_ptr<State> state = state_;
  std::string group = name();
  int rank = this->rank();
  queue_->push([state, args = std::move(args), work, group, rank] {
    try {
      run_collective(state->context, args);
      work->finish_ok();
      return;
    } catch (const gloo::Exception& e) {
      Error err = translate(work->description(), group, rank, e.what());
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        if (state->failure.empty()) state->failure = err.message();
      }
      // A broken connection is closed everywhere so that peers fail fast. A timeout is not: the
      // peers reach their own deadlines about now, and each must still be able to report what
      // it was doing (the host compares the ranks' operations after a timeout).
      if (err.code() != EMBER_ERROR_TIMEOUT) state->close_connections();
      work->finish_error(err.code(), err.message());
    } catch (const Error& e) {
      work->finish_error(e.code(), e.message());
    } catch (const std::exception& e) {
      // gloo::EnforceNotMet: one of gloo's invariants broke; its state is as unknown as after an I/O error.
      std::string message = concat(work->description(), " on group '", group, "' failed on rank ", rank, ": ", e.what());
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        if (state->failure.empty()) state->failure = message;
      }
      state->close_connections();
      work->finish_error(EMBER_ERROR_RUNTIME, message);
    }
  });
  return work;
}

std::shared_ptr<ember::sdk::Work> GlooGroup::start_p2p(const ember_collective_desc& desc, const std::string& what) {
  const bool is_send = desc.kind == EMBER_COLLECTIVE_SEND;
  const ember_tensor_view& v = is_send ? desc.inputs[0] : desc.outputs[0];
  auto buffer = state_->context->createUnboundBuffer(v.data, ember::sdk::view_nbytes(v));
  const uint64_t slot = gloo::Slot::build(kP2PSlotPrefix, static_cast<uint32_t>(desc.tag));
  try {
    if (is_send) buffer->send(desc.peer, slot);
    else buffer->recv(desc.peer, slot);
  } catch (const gloo::Exception& e) {
    throw translate(what, name(), rank(), e.what());
  }
  return std::make_shared<P2PWork>(what, desc.timeout_ms, std::move(buffer), is_send, name(), rank());
}

}  // namespace ember_gloo
