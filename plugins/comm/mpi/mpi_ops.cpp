// The collectives on MPI (see mpi_ops.h). Every tensor is a count of elements of ember's MPI
// datatype for its dtype; lists of tensors are packed into one contiguous buffer around the call.
#include "mpi_ops.h"

#include <climits>
#include <cstring>
#include <memory>

#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>
#include <ember/sdk/process_group.h>

#include "../common/host_reduce.h"
#include "mpi_runtime.h"

namespace ember_mpi {

namespace {

using ember::sdk::Error;
using ember::sdk::detail::concat;

int element_count(const OpArgs& a, size_t nbytes) {
  const size_t n = nbytes / a.element_size;
  if (n > static_cast<size_t>(INT_MAX))
    throw ember::sdk::ValueError(concat(a.what, ": ", n, " elements is more than MPI's int counts allow"));
  return static_cast<int>(n);
}

// Scratch memory that must outlive a request MPI could not finish: after a timeout MPI may still
// write into it, so it is kept until the process ends instead of freed.
struct Scratch {
  std::shared_ptr<std::vector<uint8_t>> bytes = std::make_shared<std::vector<uint8_t>>();
  uint8_t* resize(size_t n) {
    bytes->resize(n + 1);
    return bytes->data();
  }
};

void keep_forever(const Scratch& s) {
  static std::mutex m;
  static auto* kept = new std::vector<std::shared_ptr<std::vector<uint8_t>>>();  // never freed, by design
  std::lock_guard<std::mutex> lock(m);
  kept->push_back(s.bytes);
}

// Waits for the request by the deadline; a timeout leaves it running and throws.
void finish(MPI_Request* request, const OpArgs& a, const Scratch& scratch) {
  if (poll_until(request, a.deadline, a.what) == PollResult::kDone) return;
  keep_forever(scratch);
  throw Error(EMBER_ERROR_TIMEOUT,
              concat(a.what, " did not complete by its deadline (a rank did not join it, or ranks called different "
                             "collectives or sizes); MPI cannot cancel a collective, so the group is unusable"));
}

void pack(const std::vector<Buffer>& pieces, uint8_t* out) {
  for (const auto& b : pieces) {
    std::memcpy(out, b.data, b.nbytes);
    out += b.nbytes;
  }
}
void unpack(const uint8_t* in, const std::vector<Buffer>& pieces) {
  for (const auto& b : pieces) {
    std::memcpy(b.data, in, b.nbytes);
    in += b.nbytes;
  }
}

}  // namespace

OpArgs make_op_args(const ember_collective_desc& d, const std::string& what) {
  OpArgs a;
  a.kind = d.kind;
  a.reduce_op = d.reduce_op;
  a.root = d.root;
  a.what = what;
  a.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(d.timeout_ms);
  const ember_tensor_view* first = d.num_inputs > 0 ? &d.inputs[0] : (d.num_outputs > 0 ? &d.outputs[0] : nullptr);
  a.dtype = first ? first->dtype : EMBER_DTYPE_UINT8;
  a.element_size = ember::sdk::element_size(a.dtype);
  for (int32_t i = 0; i < d.num_inputs; ++i) a.inputs.push_back({d.inputs[i].data, ember::sdk::view_nbytes(d.inputs[i])});
  for (int32_t i = 0; i < d.num_outputs; ++i)
    a.outputs.push_back({d.outputs[i].data, ember::sdk::view_nbytes(d.outputs[i])});
  return a;
}

void run_collective(MPI_Comm comm, int rank, int world, const OpArgs& a) {
  const MPI_Datatype type = datatype_of(a.dtype);
  MPI_Request request = MPI_REQUEST_NULL;
  Scratch scratch;
  // Posts the operation under the MPI mutex, then waits without holding it.
  auto post = [&](auto&& call) {
    std::lock_guard<std::mutex> lock(mpi_mutex());
    check(call(), a.what);
  };
  switch (a.kind) {
    case EMBER_COLLECTIVE_ALL_REDUCE: {
      const Buffer& b = a.inputs[0];
      const int n = element_count(a, b.nbytes);
      post([&] { return MPI_Iallreduce(MPI_IN_PLACE, b.data, n, type, op_of(a.reduce_op), comm, &request); });
      finish(&request, a, scratch);
      if (a.reduce_op == EMBER_REDUCE_AVG) ember_comm::divide_in_place(b.data, a.dtype, static_cast<size_t>(n), world);
      return;
    }
    case EMBER_COLLECTIVE_BROADCAST: {
      const Buffer& b = a.inputs[0];
      post([&] { return MPI_Ibcast(b.data, element_count(a, b.nbytes), type, a.root, comm, &request); });
      finish(&request, a, scratch);
      return;
    }
    case EMBER_COLLECTIVE_REDUCE: {
      // The root reduces in place; the others keep their tensor (MPI only reads the send buffer).
      const Buffer& b = a.inputs[0];
      const int n = element_count(a, b.nbytes);
      const bool root = rank == a.root;
      post([&] {
        return MPI_Ireduce(root ? MPI_IN_PLACE : b.data, root ? b.data : nullptr, n, type, op_of(a.reduce_op), a.root,
                           comm, &request);
      });
      finish(&request, a, scratch);
      if (root && a.reduce_op == EMBER_REDUCE_AVG) ember_comm::divide_in_place(b.data, a.dtype, static_cast<size_t>(n), world);
      return;
    }
    case EMBER_COLLECTIVE_ALL_GATHER:
    case EMBER_COLLECTIVE_GATHER: {
      const Buffer& in = a.inputs[0];
      const int n = element_count(a, in.nbytes);
      const bool all = a.kind == EMBER_COLLECTIVE_ALL_GATHER;
      const bool receives = all || rank == a.root;
      uint8_t* gathered = scratch.resize(receives ? in.nbytes * static_cast<size_t>(world) : 0);
      post([&] {
        return all ? MPI_Iallgather(in.data, n, type, gathered, n, type, comm, &request)
                   : MPI_Igather(in.data, n, type, receives ? gathered : nullptr, n, type, a.root, comm, &request);
      });
      finish(&request, a, scratch);
      if (receives) unpack(gathered, a.outputs);
      return;
    }
    case EMBER_COLLECTIVE_SCATTER: {
      const Buffer& out = a.outputs[0];
      const int n = element_count(a, out.nbytes);
      uint8_t* packed = scratch.resize(rank == a.root ? out.nbytes * static_cast<size_t>(world) : 0);
      if (rank == a.root) pack(a.inputs, packed);
      post([&] { return MPI_Iscatter(rank == a.root ? packed : nullptr, n, type, out.data, n, type, a.root, comm, &request); });
      finish(&request, a, scratch);
      return;
    }
    case EMBER_COLLECTIVE_REDUCE_SCATTER: {
      const Buffer& out = a.outputs[0];
      const int n = element_count(a, out.nbytes);
      uint8_t* packed = scratch.resize(out.nbytes * static_cast<size_t>(world));
      pack(a.inputs, packed);
      post([&] { return MPI_Ireduce_scatter_block(packed, out.data, n, type, op_of(a.reduce_op), comm, &request); });
      finish(&request, a, scratch);
      if (a.reduce_op == EMBER_REDUCE_AVG) ember_comm::divide_in_place(out.data, a.dtype, static_cast<size_t>(n), world);
      return;
    }
    case EMBER_COLLECTIVE_ALL_TO_ALL: {
      std::vector<int> send_counts, send_displs, recv_counts, recv_displs;
      size_t send_total = 0, recv_total = 0;
      for (const auto& b : a.inputs) {
        send_displs.push_back(element_count(a, send_total));
        send_counts.push_back(element_count(a, b.nbytes));
        send_total += b.nbytes;
      }
      for (const auto& b : a.outputs) {
        recv_displs.push_back(element_count(a, recv_total));
        recv_counts.push_back(element_count(a, b.nbytes));
        recv_total += b.nbytes;
      }
      uint8_t* both = scratch.resize(send_total + recv_total);
      uint8_t* send = both;
      uint8_t* recv = both + send_total;
      pack(a.inputs, send);
      post([&] {
        return MPI_Ialltoallv(send, send_counts.data(), send_displs.data(), type, recv, recv_counts.data(),
                              recv_displs.data(), type, comm, &request);
      });
      finish(&request, a, scratch);
      unpack(recv, a.outputs);
      return;
    }
    case EMBER_COLLECTIVE_BARRIER:
      post([&] { return MPI_Ibarrier(comm, &request); });
      finish(&request, a, scratch);
      return;
  }
  throw ember::sdk::NotImplemented(concat("collective kind ", a.kind, " is not implemented"));
}

}  // namespace ember_mpi
