// NcclGroup's watchdog and failure handling (see nccl_group.h).
#include <chrono>

#include <ember/sdk/error.h>

#include "nccl_common.h"
#include "nccl_group.h"

namespace ember_nccl {

using ember::sdk::detail::concat;

void NcclGroup::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // Idle: sleep until a work arrives. Busy: look at the events every 200 us (a blocking host
    // wait sees completion that much later at most).
    if (pending_.empty()) cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    else cv_.wait_for(lock, std::chrono::microseconds(200));
    if (stopping_) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<Pending> still;
    NcclWork* failed = nullptr;
    ember_status_code code = EMBER_OK;
    std::string message;
    for (auto& p : pending_) {
      const cudaError_t state = failed ? cudaErrorNotReady : cudaEventQuery(p.work->end());
      if (state == cudaSuccess) {
        p.work->finish_ok();
        continue;
      }
      if (state != cudaErrorNotReady) {
        p.work->finish_error(EMBER_ERROR_DEVICE, concat(p.work->description(), " on group '", name(), "' failed on rank ",
                                                        rank(), ": ", cudaGetErrorString(state)));
        continue;
      }
      still.push_back(p);
      if (failed) continue;
      ncclResult_t async = ncclSuccess;
      if (p.comm->comm) ncclCommGetAsyncError(p.comm->comm, &async);
      if (async != ncclSuccess && async != ncclInProgress) {
        const char* last = ncclGetLastError(p.comm->comm);
        failed = p.work.get();
        code = EMBER_ERROR_DISTRIBUTED;
        message = concat(p.work->description(), " on group '", name(), "' failed on rank ", rank(), ": NCCL ",
                         ncclGetErrorString(async), last && *last ? std::string(" (") + last + ")" : std::string());
      } else if (now >= p.work->deadline()) {
        failed = p.work.get();
        code = EMBER_ERROR_TIMEOUT;
        message = concat(p.work->description(), " on group '", name(), "' did not complete by its deadline (",
                         timeout_ms(), " ms) on rank ", rank(),
                         " (a rank did not join it, or ranks called different collectives or sizes); the NCCL "
                         "communicators were aborted");
      }
    }
    pending_.swap(still);
    if (failed) {
      failed->finish_error(code, message);
      fail_all_locked("an earlier operation failed: " + message);
    }
  }
}

void NcclGroup::fail_all_locked(const std::string& reason) {
  if (failure_.empty()) failure_ = reason;
  // Abort makes the kernels of every queued NCCL operation exit, so streams waiting on their
  // end events go on (with unspecified tensor contents, as the works' errors say).
  for (auto& [device, c] : comms_)
    if (c->comm) {
      ncclCommAbort(c->comm);
      c->comm = nullptr;
    }
  for (auto& p : pending_)
    p.work->finish_error(EMBER_ERROR_DISTRIBUTED, concat(p.work->description(), " on group '", name(), "': ", reason));
  pending_.clear();
}

void NcclGroup::on_abort(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_all_locked("the group was aborted: " + reason);
}

}  // namespace ember_nccl
