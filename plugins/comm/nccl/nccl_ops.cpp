// NCCL calls for each collective kind (see nccl_ops.h). NCCL has collectives for all_reduce,
// broadcast, reduce, all_gather and reduce_scatter on one flat buffer; ember passes lists of
// separate tensors, so the list forms are built from grouped broadcasts, reduces and
// point-to-point transfers, which need no scratch buffer and no copies.
#include "nccl_ops.h"

#include <ember/sdk/process_group.h>

#include "nccl_common.h"

namespace ember_nccl {

namespace {

size_t count_of(const ember_tensor_view& v) { return static_cast<size_t>(ember::sdk::view_numel(v)); }

// ncclGroupStart/End around fn; End flushes the grouped calls.
template <typename F>
void grouped(ncclComm_t comm, const std::string& what, F&& fn) {
  check_nccl(ncclGroupStart(), comm, what);
  try {
    fn();
  } catch (...) {
    ncclGroupEnd();
    throw;
  }
  check_nccl(ncclGroupEnd(), comm, what);
}

void copy_on(cudaStream_t stream, void* dst, const void* src, size_t nbytes) {
  if (dst != src && nbytes) check_cuda(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, stream), "cudaMemcpyAsync");
}

}  // namespace

void enqueue(const ember_collective_desc& d, ncclComm_t comm, cudaStream_t stream, int rank, int world, void* scratch) {
  const std::string what = ember::sdk::describe_collective(d);
  const ember_tensor_view* first = d.num_inputs > 0 ? &d.inputs[0] : (d.num_outputs > 0 ? &d.outputs[0] : nullptr);
  const int32_t dtype = first ? first->dtype : EMBER_DTYPE_FLOAT32;
  const ncclDataType_t type = first ? nccl_type(dtype) : ncclFloat32;
  switch (d.kind) {
    case EMBER_COLLECTIVE_ALL_REDUCE: {
      void* p = d.inputs[0].data;
      check_nccl(ncclAllReduce(p, p, count_of(d.inputs[0]), type, nccl_op(d.reduce_op, dtype), comm, stream), comm, what);
      return;
    }
    case EMBER_COLLECTIVE_BROADCAST: {
      void* p = d.inputs[0].data;
      check_nccl(ncclBroadcast(p, p, count_of(d.inputs[0]), type, d.root, comm, stream), comm, what);
      return;
    }
    case EMBER_COLLECTIVE_REDUCE: {
      void* p = d.inputs[0].data;  // the receive buffer is ignored on non-root ranks
      check_nccl(ncclReduce(p, p, count_of(d.inputs[0]), type, nccl_op(d.reduce_op, dtype), d.root, comm, stream), comm,
                 what);
      return;
    }
    case EMBER_COLLECTIVE_ALL_GATHER: {
      const size_t n = count_of(d.inputs[0]);
      grouped(comm, what, [&] {
        for (int r = 0; r < world; ++r) {
          const void* send = r == rank ? d.inputs[0].data : d.outputs[r].data;
          check_nccl(ncclBroadcast(send, d.outputs[r].data, n, type, r, comm, stream), comm, what);
        }
      });
      return;
    }
    case EMBER_COLLECTIVE_GATHER: {
      const size_t n = count_of(d.inputs[0]);
      const size_t nbytes = ember::sdk::view_nbytes(d.inputs[0]);
      grouped(comm, what, [&] {
        if (rank == d.root) {
          for (int r = 0; r < world; ++r)
            if (r != rank) check_nccl(ncclRecv(d.outputs[r].data, n, type, r, comm, stream), comm, what);
        } else {
          check_nccl(ncclSend(d.inputs[0].data, n, type, d.root, comm, stream), comm, what);
        }
      });
      if (rank == d.root) copy_on(stream, d.outputs[rank].data, d.inputs[0].data, nbytes);
      return;
    }
    case EMBER_COLLECTIVE_SCATTER: {
      const size_t n = count_of(d.outputs[0]);
      const size_t nbytes = ember::sdk::view_nbytes(d.outputs[0]);
      grouped(comm, what, [&] {
        if (rank == d.root) {
          for (int r = 0; r < world; ++r)
            if (r != rank) check_nccl(ncclSend(d.inputs[r].data, n, type, r, comm, stream), comm, what);
        } else {
          check_nccl(ncclRecv(d.outputs[0].data, n, type, d.root, comm, stream), comm, what);
        }
      });
      if (rank == d.root) copy_on(stream, d.outputs[0].data, d.inputs[rank].data, nbytes);
      return;
    }
    case EMBER_COLLECTIVE_REDUCE_SCATTER: {
      // Rank r's piece is a reduce of everyone's inputs[r] rooted at r (receive buffers are
      // ignored on the other ranks).
      const size_t n = count_of(d.outputs[0]);
      const ncclRedOp_t op = nccl_op(d.reduce_op, dtype);
      grouped(comm, what, [&] {
        for (int r = 0; r < world; ++r) {
          void* recv = r == rank ? d.outputs[0].data : d.inputs[r].data;
          check_nccl(ncclReduce(d.inputs[r].data, recv, n, type, op, r, comm, stream), comm, what);
        }
      });
      return;
    }
    case EMBER_COLLECTIVE_ALL_TO_ALL: {
      grouped(comm, what, [&] {
        for (int r = 0; r < world; ++r) {
          if (r == rank) continue;
          check_nccl(ncclSend(d.inputs[r].data, count_of(d.inputs[r]), type, r, comm, stream), comm, what);
          check_nccl(ncclRecv(d.outputs[r].data, count_of(d.outputs[r]), type, r, comm, stream), comm, what);
        }
      });
      copy_on(stream, d.outputs[rank].data, d.inputs[rank].data, ember::sdk::view_nbytes(d.inputs[rank]));
      return;
    }
    case EMBER_COLLECTIVE_BARRIER:
      check_nccl(ncclAllReduce(scratch, scratch, 1, ncclFloat32, ncclSum, comm, stream), comm, what);
      return;
    case EMBER_COLLECTIVE_SEND:
      check_nccl(ncclSend(d.inputs[0].data, count_of(d.inputs[0]), type, d.peer, comm, stream), comm, what);
      return;
    case EMBER_COLLECTIVE_RECV:
      check_nccl(ncclRecv(d.outputs[0].data, count_of(d.outputs[0]), type, d.peer, comm, stream), comm, what);
      return;
  }
  throw ember::sdk::NotImplemented(ember::sdk::detail::concat("collective kind ", d.kind, " is not implemented"));
}

}  // namespace ember_nccl
