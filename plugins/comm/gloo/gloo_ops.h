// One collective on a gloo context, described without pointers into the host's arguments (the
// worker thread runs it after start() returned). Runs on the calling thread; throws whatever
// gloo throws (gloo::IoException for network failures and timeouts, gloo::EnforceNotMet for
// broken invariants) or ember::sdk::Error.
#pragma once

#include <gloo/context.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <ember/plugin_abi.h>

namespace ember_gloo {

struct Buffer {
  void* data;
  size_t nbytes;
};

struct OpArgs {
  int32_t kind = 0;
  int32_t reduce_op = 0;
  int32_t root = 0;
  int32_t peer = 0;
  uint32_t tag = 0;        // gloo's tag: the sequence number and a hash of the arguments
  int64_t timeout_ms = 0;
  int32_t dtype = 0;
  size_t element_size = 1;
  std::vector<Buffer> inputs;
  std::vector<Buffer> outputs;
};

// Copies what run_collective needs out of the host's descriptor; tag as above.
OpArgs make_op_args(const ember_collective_desc& desc);

// Runs a collective kind (not send/recv) on ctx.
void run_collective(const std::shared_ptr<gloo::Context>& ctx, const OpArgs& args);

}  // namespace ember_gloo
