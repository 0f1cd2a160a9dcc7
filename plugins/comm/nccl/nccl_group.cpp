// NcclGroup and NcclWork (see nccl_group.h); the watchdog is in nccl_watchdog.cpp.
#include "nccl_group.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <ember/sdk/error.h>

#include "nccl_common.h"
#include "nccl_ops.h"

namespace ember_nccl {

namespace {

using Clock = std::chrono::steady_clock;
using ember::sdk::Error;
using ember::sdk::detail::concat;

// Non-blocking communicators answer ncclInProgress until a call has been queued (or set-up has
// finished); waits for that by the deadline, then aborts.
ncclResult_t settle(ncclComm_t comm, Clock::time_point deadline) {
  ncclResult_t state = ncclInProgress;
  for (;;) {
    ncclCommGetAsyncError(comm, &state);
    if (state != ncclInProgress || Clock::now() >= deadline) return state;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

}  // namespace

NcclWork::~NcclWork() { cudaEventDestroy(end_); }  // needs no current device; must not throw

void NcclWork::wait(int64_t timeout_ms, ember_stream stream) {
  if (stream == nullptr) {  // a blocking wait (no stream to order)
    Work::wait(timeout_ms, stream);
    return;
  }
  if (finished()) {
    throw_if_failed();
    return;
  }
  DeviceGuard guard(device_);
  check_cuda(cudaStreamWaitEvent(reinterpret_cast<cudaStream_t>(stream), end_, 0), "cudaStreamWaitEvent");
}

NcclGroup::NcclGroup(const ember::sdk::GroupSpec& spec) : ProcessGroup(spec), store_(spec.store) {
  if (!store_.valid())
    throw ember::sdk::ValueError("the nccl backend needs a store to share NCCL's unique id (MASTER_ADDR/MASTER_PORT)");
  int devices = 0;
  const cudaError_t e = cudaGetDeviceCount(&devices);
  if (e != cudaSuccess || devices == 0)
    throw Error(EMBER_ERROR_DEVICE, concat("the nccl backend found no CUDA device (", e == cudaSuccess ? "0 devices" :
                                           cudaGetErrorString(e), ")"));
  watchdog_ = std::thread([this] { watch(); });
}

NcclGroup::~NcclGroup() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  watchdog_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& p : pending_) p.work->finish_error(EMBER_ERROR_DISTRIBUTED, "the group was destroyed");
  pending_.clear();
  int previous = 0;
  cudaGetDevice(&previous);
  for (auto& [device, c] : comms_) {
    cudaSetDevice(device);  // errors ignored: a destructor must not throw
    if (c->comm) {
      // Give queued operations a bounded time to finish, then abort rather than hang.
      const auto deadline = Clock::now() + std::min(std::chrono::milliseconds(timeout_ms()), std::chrono::milliseconds(30000));
      while (cudaStreamQuery(c->stream) == cudaErrorNotReady && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      bool clean = cudaStreamQuery(c->stream) == cudaSuccess;
      if (clean) {
        const ncclResult_t r = ncclCommFinalize(c->comm);
        clean = (r == ncclSuccess || r == ncclInProgress) && settle(c->comm, deadline) == ncclSuccess;
      }
      if (clean) ncclCommDestroy(c->comm);
      else ncclCommAbort(c->comm);
    }
    cudaFree(c->scratch);
    cudaEventDestroy(c->ready);
    cudaStreamDestroy(c->stream);
  }
  cudaSetDevice(previous);
}

NcclGroup::Comm& NcclGroup::comm_for(int device, int64_t timeout_ms) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = comms_.find(device);
    if (it != comms_.end()) return *it->second;
  }
  DeviceGuard guard(device);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // Every rank creates its communicators in the same order (its first operation on each of its
  // devices), so the k-th communicator's id is under the same key everywhere.
  const std::string key = concat("nccl_unique_id/", comms_created_++);
  ncclUniqueId id;
  if (rank() == 0) {
    check_nccl(ncclGetUniqueId(&id), nullptr, "ncclGetUniqueId");
    store_.set(key, std::string(reinterpret_cast<const char*>(&id), sizeof id));
  } else {
    const std::string bytes = store_.get(key, timeout_ms);
    if (bytes.size() != sizeof id)
      throw Error(EMBER_ERROR_DISTRIBUTED, concat("the NCCL unique id from rank 0 has ", bytes.size(), " bytes, expected ",
                                                  sizeof id, " (ranks built against different NCCL versions?)"));
    std::memcpy(&id, bytes.data(), sizeof id);
  }
  auto c = std::make_unique<Comm>();
  c->device = device;
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  check_nccl(ncclCommInitRankConfig(&c->comm, world_size(), id, rank(), &config), nullptr,
             concat("creating the NCCL communicator of group '", name(), "' on cuda:", device));
  const ncclResult_t state = settle(c->comm, deadline);
  if (state != ncclSuccess) {
    std::string why = state == ncclInProgress
                          ? concat("not every rank joined within ", timeout_ms, " ms")
                          : concat(ncclGetErrorString(state), " (", ncclGetLastError(c->comm), ")");
    ncclCommAbort(c->comm);
    throw Error(state == ncclInProgress ? EMBER_ERROR_TIMEOUT : EMBER_ERROR_DISTRIBUTED,
                concat("the NCCL communicator of group '", name(), "' on cuda:", device, " (rank ", rank(), " of ",
                       world_size(), ") could not be set up: ", why));
  }
  int lowest = 0, highest = 0;
  cudaDeviceGetStreamPriorityRange(&lowest, &highest);
  check_cuda(cudaStreamCreateWithPriority(&c->stream, cudaStreamNonBlocking, highest), "cudaStreamCreateWithPriority");
  check_cuda(cudaEventCreateWithFlags(&c->ready, cudaEventDisableTiming), "cudaEventCreate");
  check_cuda(cudaMalloc(&c->scratch, 4), "cudaMalloc");
  check_cuda(cudaMemset(c->scratch, 0, 4), "cudaMemset");
  std::lock_guard<std::mutex> lock(mutex_);
  Comm& ref = *c;
  comms_[device] = std::move(c);
  return ref;
}

std::shared_ptr<ember::sdk::Work> NcclGroup::start(const ember_collective_desc& desc) {
  const std::string what = ember::sdk::describe_collective(desc);
  check_not_aborted(what.c_str());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.empty())
      throw Error(EMBER_ERROR_DISTRIBUTED,
                  concat(what, " on group '", name(), "': the group is unusable after an earlier failure: ", failure_));
  }
  // The device: the tensors' (the host checked they share one); a barrier uses the current one.
  int device = 0;
  if (desc.num_inputs > 0) device = desc.inputs[0].device_index;
  else if (desc.num_outputs > 0) device = desc.outputs[0].device_index;
  else cudaGetDevice(&device);
  Comm& c = comm_for(device, desc.timeout_ms);
  DeviceGuard guard(device);
  cudaEvent_t end = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);  // the watchdog may abort the communicator meanwhile
    if (!c.comm) throw Error(EMBER_ERROR_DISTRIBUTED, concat(what, " on group '", name(), "': ", failure_));
    check_cuda(cudaEventRecord(c.ready, reinterpret_cast<cudaStream_t>(desc.stream)), "cudaEventRecord");
    check_cuda(cudaStreamWaitEvent(c.stream, c.ready, 0), "cudaStreamWaitEvent");
    enqueue(desc, c.comm, c.stream, rank(), world_size(), c.scratch);
    const ncclResult_t state = settle(c.comm, Clock::now() + std::chrono::milliseconds(desc.timeout_ms));
    check_nccl(state == ncclInProgress ? ncclSuccess : state, c.comm, what);
    check_cuda(cudaEventCreateWithFlags(&end, cudaEventDisableTiming), "cudaEventCreate");
    check_cuda(cudaEventRecord(end, c.stream), "cudaEventRecord");
  }
  auto work = std::make_shared<NcclWork>(what, desc.timeout_ms, device, end);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back({work, &c});
  }
  cv_.notify_all();
  return work;
}

}  // namespace ember_nccl
