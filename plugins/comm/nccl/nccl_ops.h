// Enqueues one operation on an NCCL communicator's stream (grouped NCCL calls where the
// operation is several transfers: all_gather, gather, scatter, reduce_scatter, all_to_all).
// The caller has made the communicator's device current and ordered its stream after the
// producer's. Throws ember::sdk::Error.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <ember/plugin_abi.h>

namespace ember_nccl {

// scratch: 4 bytes of device memory of the communicator (barrier's all-reduce).
void enqueue(const ember_collective_desc& desc, ncclComm_t comm, cudaStream_t stream, int rank, int world,
             void* scratch);

}  // namespace ember_nccl
