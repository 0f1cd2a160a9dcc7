// MpiGroup (see mpi_group.h).
#include "mpi_group.h"

#include <climits>

#include <ember/sdk/error.h>

#include "mpi_ops.h"
#include "mpi_runtime.h"

namespace ember_mpi {

namespace {

using ember::sdk::Error;
using ember::sdk::detail::concat;

// Send and recv: posted at start; MPI progresses them inside the waiter's or querier's tests.
class P2PWork : public ember::sdk::Work {
 public:
  P2PWork(std::string what, int64_t timeout_ms, MPI_Request request, std::shared_ptr<MpiGroup::State> state)
      : Work(std::move(what), timeout_ms), request_(request), state_(std::move(state)) {}

  void wait(int64_t timeout_ms, ember_stream stream) override {
    const auto deadline = timeout_ms < 0 ? this->deadline()
                                         : std::min(this->deadline(), Clock::now() + std::chrono::milliseconds(timeout_ms));
    progress(deadline);
    Work::wait(0, stream);
  }
  bool query() override {
    progress(Clock::now());
    return finished();
  }

 private:
  void progress(Clock::time_point deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished()) return;
    try {
      if (poll_until(&request_, deadline, description()) == PollResult::kDone) {
        finish_ok();
      } else if (Clock::now() >= this->deadline()) {
        std::string message = concat(description(), " did not complete by its deadline (the peer did not post the "
                                                    "matching ", description().rfind("send", 0) == 0 ? "recv" : "send", ")");
        state_->fail(message);
        finish_error(EMBER_ERROR_TIMEOUT, message);
      }
    } catch (const Error& e) {
      finish_error(e.code(), e.message());
    }
  }
  std::mutex mutex_;
  MPI_Request request_;
  std::shared_ptr<MpiGroup::State> state_;
};

}  // namespace

void MpiGroup::State::fail(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex);
  if (failure.empty()) failure = why;
}

std::string MpiGroup::State::failure_text() {
  std::lock_guard<std::mutex> lock(mutex);
  return failure;
}

MpiGroup::MpiGroup(const ember::sdk::GroupSpec& spec) : ProcessGroup(spec), state_(std::make_shared<State>()) {
  ensure_initialized();
  const int mpi_rank = ember_mpi::world_rank(), mpi_size = ember_mpi::world_size();  // not the group's
  // ember's ranks must be MPI's: a job started without mpirun (or with RANK set otherwise) is
  // a configuration mistake that would deadlock in the first collective.
  const int32_t my_global = spec.global_ranks.empty() ? spec.rank : spec.global_ranks[static_cast<size_t>(spec.rank)];
  if (my_global != mpi_rank)
    throw ember::sdk::ValueError(concat("ember's rank ", my_global, " is MPI rank ", mpi_rank, " of ", mpi_size,
                                        ": run the mpi backend under `mpirun -np N` and let it assign the ranks "
                                        "(leave RANK and WORLD_SIZE unset)"));
  for (int32_t g : spec.global_ranks)
    if (g < 0 || g >= mpi_size)
      throw ember::sdk::ValueError(concat("group '", spec.name, "' names rank ", g, ", but MPI_COMM_WORLD has ",
                                          mpi_size, " ranks (run with `mpirun -np N`)"));
  std::lock_guard<std::mutex> lock(mpi_mutex());
  if (spec.world_size == mpi_size) {
    check(MPI_Comm_dup(MPI_COMM_WORLD, &state_->comm), "MPI_Comm_dup");
  } else {
    // Only the members call this (MPI_Comm_create_group is collective over the group alone).
    MPI_Group world_group, members;
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    MPI_Group_incl(world_group, spec.world_size, spec.global_ranks.data(), &members);
    int code = MPI_Comm_create_group(MPI_COMM_WORLD, members, /*tag=*/0, &state_->comm);
    MPI_Group_free(&members);
    MPI_Group_free(&world_group);
    check(code, concat("creating the communicator of group '", spec.name, "'"));
  }
  MPI_Comm_set_errhandler(state_->comm, MPI_ERRORS_RETURN);
  queue_ = std::make_unique<ember::sdk::WorkQueue>(1);
}

MpiGroup::~MpiGroup() {
  const bool broken = !state_->failure_text().empty() || aborted();
  // A collective stuck on a peer cannot be cancelled: leave its worker and communicator alone.
  queue_->stop(/*detach=*/broken);
  if (broken) return;
  std::lock_guard<std::mutex> lock(mpi_mutex());
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && state_->comm != MPI_COMM_NULL) MPI_Comm_free(&state_->comm);
}

void MpiGroup::on_abort(const std::string& reason) { state_->fail("the group was aborted: " + reason); }

std::shared_ptr<ember::sdk::Work> MpiGroup::start(const ember_collective_desc& desc) {
  const std::string what = ember::sdk::describe_collective(desc);
  check_not_aborted(what.c_str());
  const std::string failure = state_->failure_text();
  if (!failure.empty())
    throw Error(EMBER_ERROR_DISTRIBUTED,
                concat(what, " on group '", name(), "': the group is unusable after an earlier failure: ", failure));
  if (desc.kind == EMBER_COLLECTIVE_SEND || desc.kind == EMBER_COLLECTIVE_RECV) return start_p2p(desc, what);
  OpArgs args = make_op_args(desc, concat(what, " on group '", name(), "' (rank ", rank(), ")"));
  auto work = std::make_shared<ember::sdk::Work>(what, desc.timeout_ms);
  std::shared_ptr<State> state = state_;
  const int rank = this->rank(), world = world_size();
  queue_->push([state, args = std::move(args), work, rank, world] {
    try {
      run_collective(state->comm, rank, world, args);
      work->finish_ok();
    } catch (const Error& e) {
      if (e.code() == EMBER_ERROR_TIMEOUT || e.code() == EMBER_ERROR_DISTRIBUTED) state->fail(e.message());
      work->finish_error(e.code(), e.message());
    } catch (const std::exception& e) {
      work->finish_error(EMBER_ERROR_RUNTIME, concat(args.what, ": ", e.what()));
    }
  });
  return work;
}

std::shared_ptr<ember::sdk::Work> MpiGroup::start_p2p(const ember_collective_desc& desc, const std::string& what) {
  const bool is_send = desc.kind == EMBER_COLLECTIVE_SEND;
  const ember_tensor_view& v = is_send ? desc.inputs[0] : desc.outputs[0];
  const size_t nbytes = ember::sdk::view_nbytes(v);
  const MPI_Datatype type = datatype_of(v.dtype);
  const size_t count = nbytes / ember::sdk::element_size(v.dtype);
  if (count > static_cast<size_t>(INT_MAX))
    throw ember::sdk::ValueError(concat(what, ": ", count, " elements is more than MPI's int counts allow"));
  MPI_Request request = MPI_REQUEST_NULL;
  {
    std::lock_guard<std::mutex> lock(mpi_mutex());
    int code = is_send ? MPI_Isend(v.data, static_cast<int>(count), type, desc.peer, desc.tag, state_->comm, &request)
                       : MPI_Irecv(v.data, static_cast<int>(count), type, desc.peer, desc.tag, state_->comm, &request);
    check(code, concat(what, " on group '", name(), "'"));
  }
  return std::make_shared<P2PWork>(concat(what, is_send ? " to rank " : " from rank ", global_rank(desc.peer)),
                                   desc.timeout_ms, request, state_);
}

}  // namespace ember_mpi
