// The collectives on gloo (see gloo_ops.h). Element size is what gloo needs from the type
// parameter of its option setters, so buffers are passed as unsigned integers of the element's
// width and the reduction is ember's own function for the real dtype.
#include "gloo_ops.h"

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/alltoallv.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/gather.h>
#include <gloo/reduce.h>
#include <gloo/scatter.h>

#include <chrono>
#include <cstring>

#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>
#include <ember/sdk/process_group.h>

#include "../common/host_reduce.h"

namespace ember_gloo {

namespace {

using ember::sdk::view_nbytes;

uint32_t fnv1a(uint32_t h, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

// Calls fn(TypeOfWidth*) with the element's width: gloo sizes its buffers by sizeof(T).
template <typename F>
void with_width(size_t element_size, F&& fn) {
  switch (element_size) {
    case 1: fn(static_cast<uint8_t*>(nullptr)); return;
    case 2: fn(static_cast<uint16_t*>(nullptr)); return;
    case 4: fn(static_cast<uint32_t*>(nullptr)); return;
    case 8: fn(static_cast<uint64_t*>(nullptr)); return;
  }
  throw ember::sdk::TypeError("unsupported element size");
}

size_t count(const Buffer& b, size_t element_size) { return b.nbytes / element_size; }

void all_reduce_buffer(const std::shared_ptr<gloo::Context>& ctx, const OpArgs& a, void* data, size_t nbytes) {
  if (nbytes == 0) return;
  auto fn = ember_comm::reduce_function(a.dtype, a.reduce_op);
  with_width(a.element_size, [&](auto* type) {
    using T = std::remove_pointer_t<decltype(type)>;
    gloo::AllreduceOptions opts(ctx);
    opts.setOutput(static_cast<T*>(data), nbytes / a.element_size);
    opts.setReduceFunction(fn);
    opts.setTag(a.tag);
    opts.setTimeout(std::chrono::milliseconds(a.timeout_ms));
    gloo::allreduce(opts);
  });
  if (a.reduce_op == EMBER_REDUCE_AVG) ember_comm::divide_in_place(data, a.dtype, nbytes / a.element_size, ctx->size);
}

}  // namespace

OpArgs make_op_args(const ember_collective_desc& d) {
  OpArgs a;
  a.kind = d.kind;
  a.reduce_op = d.reduce_op;
  a.root = d.root;
  a.peer = d.peer;
  a.timeout_ms = d.timeout_ms;
  const ember_tensor_view* first = d.num_inputs > 0 ? &d.inputs[0] : (d.num_outputs > 0 ? &d.outputs[0] : nullptr);
  a.dtype = first ? first->dtype : EMBER_DTYPE_UINT8;
  a.element_size = ember::sdk::element_size(a.dtype);
  for (int32_t i = 0; i < d.num_inputs; ++i) a.inputs.push_back({d.inputs[i].data, view_nbytes(d.inputs[i])});
  for (int32_t i = 0; i < d.num_outputs; ++i) a.outputs.push_back({d.outputs[i].data, view_nbytes(d.outputs[i])});
  // The tag: the low 16 bits of the sequence number (unique among operations in flight) and 16
  // bits of a hash of what this rank was asked to do. Ranks that disagree use different slots, so
  // their data never meets: the mismatch times out instead of corrupting memory or aborting.
  uint32_t h = 2166136261u;
  h = fnv1a(h, &d.kind, sizeof d.kind);
  h = fnv1a(h, &d.reduce_op, sizeof d.reduce_op);
  h = fnv1a(h, &d.root, sizeof d.root);
  h = fnv1a(h, &a.dtype, sizeof a.dtype);
  size_t in_bytes = 0, out_bytes = 0;
  for (const auto& b : a.inputs) in_bytes += b.nbytes;
  for (const auto& b : a.outputs) out_bytes += b.nbytes;
  // Rooted collectives give the root more tensors than the others; hash what every rank shares.
  const size_t shared = d.kind == EMBER_COLLECTIVE_GATHER || d.kind == EMBER_COLLECTIVE_ALL_GATHER ? in_bytes
                        : d.kind == EMBER_COLLECTIVE_SCATTER                                         ? out_bytes
                        : d.kind == EMBER_COLLECTIVE_ALL_TO_ALL || d.kind == EMBER_COLLECTIVE_BARRIER ? 0
                        : d.kind == EMBER_COLLECTIVE_REDUCE_SCATTER                                 ? out_bytes
                                                                                                    : in_bytes;
  h = fnv1a(h, &shared, sizeof shared);
  a.tag = (static_cast<uint32_t>(d.sequence_number & 0xFFFFu) << 16) | ((h ^ (h >> 16)) & 0xFFFFu);
  return a;
}

void run_collective(const std::shared_ptr<gloo::Context>& ctx, const OpArgs& a) {
  const auto timeout = std::chrono::milliseconds(a.timeout_ms);
  const int world = ctx->size, rank = ctx->rank;
  switch (a.kind) {
    case EMBER_COLLECTIVE_ALL_REDUCE:
      all_reduce_buffer(ctx, a, a.inputs[0].data, a.inputs[0].nbytes);
      return;

    case EMBER_COLLECTIVE_BROADCAST: {
      if (a.inputs[0].nbytes == 0) return;
      with_width(a.element_size, [&](auto* type) {
        using T = std::remove_pointer_t<decltype(type)>;
        gloo::BroadcastOptions opts(ctx);
        opts.setOutput(static_cast<T*>(a.inputs[0].data), count(a.inputs[0], a.element_size));
        opts.setRoot(a.root);
        opts.setTag(a.tag);
        opts.setTimeout(timeout);
        gloo::broadcast(opts);
      });
      return;
    }

    case EMBER_COLLECTIVE_REDUCE: {
      const Buffer& b = a.inputs[0];
      if (b.nbytes == 0) return;
      // Non-root ranks keep their tensor: gloo uses the output as scratch, so give it a copy.
      std::vector<uint8_t> scratch(rank == a.root ? 0 : b.nbytes);
      void* out = rank == a.root ? b.data : scratch.data();
      auto fn = ember_comm::reduce_function(a.dtype, a.reduce_op);
      with_width(a.element_size, [&](auto* type) {
        using T = std::remove_pointer_t<decltype(type)>;
        gloo::ReduceOptions opts(ctx);
        opts.setInput(static_cast<T*>(b.data), count(b, a.element_size));
        opts.setOutput(static_cast<T*>(out), count(b, a.element_size));
        opts.setRoot(a.root);
        opts.setReduceFunction(fn);
        opts.setTag(a.tag);
        opts.setTimeout(timeout);
        gloo::reduce(opts);
      });
      if (rank == a.root && a.reduce_op == EMBER_REDUCE_AVG)
        ember_comm::divide_in_place(b.data, a.dtype, count(b, a.element_size), world);
      return;
    }

    case EMBER_COLLECTIVE_ALL_GATHER:
    case EMBER_COLLECTIVE_GATHER: {
      const Buffer& in = a.inputs[0];
      if (in.nbytes == 0) return;
      const bool all = a.kind == EMBER_COLLECTIVE_ALL_GATHER;
      const bool receives = all || rank == a.root;
      std::vector<uint8_t> gathered(receives ? in.nbytes * static_cast<size_t>(world) : 0);
      with_width(a.element_size, [&](auto* type) {
        using T = std::remove_pointer_t<decltype(type)>;
        const size_t n = count(in, a.element_size);
        if (all) {
          gloo::AllgatherOptions opts(ctx);
          opts.setInput(static_cast<T*>(in.data), n);
          opts.setOutput(reinterpret_cast<T*>(gathered.data()), n * static_cast<size_t>(world));
          opts.setTag(a.tag);
          opts.setTimeout(timeout);
          gloo::allgather(opts);
        } else {
          gloo::GatherOptions opts(ctx);
          opts.setInput(static_cast<T*>(in.data), n);
          if (receives) opts.setOutput(reinterpret_cast<T*>(gathered.data()), n * static_cast<size_t>(world));
          opts.setRoot(a.root);
          opts.setTag(a.tag);
          opts.setTimeout(timeout);
          gloo::gather(opts);
        }
      });
      if (receives)
        for (int r = 0; r < world; ++r)
          std::memcpy(a.outputs[static_cast<size_t>(r)].data, gathered.data() + static_cast<size_t>(r) * in.nbytes, in.nbytes);
      return;
    }

    case EMBER_COLLECTIVE_SCATTER: {
      const Buffer& out = a.outputs[0];
      if (out.nbytes == 0) return;
      with_width(a.element_size, [&](auto* type) {
        using T = std::remove_pointer_t<decltype(type)>;
        gloo::ScatterOptions opts(ctx);
        if (rank == a.root) {
          std::vector<T*> ptrs;
          for (const auto& b : a.inputs) ptrs.push_back(static_cast<T*>(b.data));
          opts.setInputs(ptrs, count(out, a.element_size));
        }
        opts.setOutput(static_cast<T*>(out.data), count(out, a.element_size));
        opts.setRoot(a.root);
        opts.setTag(a.tag);
        opts.setTimeout(timeout);
        gloo::scatter(opts);
      });
      return;
    }

    case EMBER_COLLECTIVE_REDUCE_SCATTER: {
      // gloo has no buffer-based reduce-scatter: all-reduce the concatenation, keep our piece.
      const Buffer& out = a.outputs[0];
      if (out.nbytes == 0) return;
      std::vector<uint8_t> all(out.nbytes * static_cast<size_t>(world));
      for (int r = 0; r < world; ++r)
        std::memcpy(all.data() + static_cast<size_t>(r) * out.nbytes, a.inputs[static_cast<size_t>(r)].data, out.nbytes);
      all_reduce_buffer(ctx, a, all.data(), all.size());
      std::memcpy(out.data, all.data() + static_cast<size_t>(rank) * out.nbytes, out.nbytes);
      return;
    }

    case EMBER_COLLECTIVE_ALL_TO_ALL: {
      std::vector<int64_t> send_counts, recv_counts;
      size_t send_total = 0, recv_total = 0;
      for (const auto& b : a.inputs) send_counts.push_back(static_cast<int64_t>(b.nbytes / a.element_size)), send_total += b.nbytes;
      for (const auto& b : a.outputs) recv_counts.push_back(static_cast<int64_t>(b.nbytes / a.element_size)), recv_total += b.nbytes;
      std::vector<uint8_t> send(send_total + 1), recv(recv_total + 1);
      size_t pos = 0;
      for (const auto& b : a.inputs) std::memcpy(send.data() + pos, b.data, b.nbytes), pos += b.nbytes;
      with_width(a.element_size, [&](auto* type) {
        using T = std::remove_pointer_t<decltype(type)>;
        gloo::AlltoallvOptions opts(ctx);
        opts.setInput(reinterpret_cast<T*>(send.data()), send_counts);
        opts.setOutput(reinterpret_cast<T*>(recv.data()), recv_counts);
        opts.setTag(a.tag);
        opts.setTimeout(timeout);
        gloo::alltoallv(opts);
      });
      pos = 0;
      for (const auto& b : a.outputs) std::memcpy(b.data, recv.data() + pos, b.nbytes), pos += b.nbytes;
      return;
    }

    case EMBER_COLLECTIVE_BARRIER: {
      gloo::BarrierOptions opts(ctx);
      opts.setTag(a.tag);
      opts.setTimeout(timeout);
      gloo::barrier(opts);
      return;
    }
  }
  throw ember::sdk::NotImplemented(ember::sdk::detail::concat("collective kind ", a.kind, " is not implemented"));
}

}  // namespace ember_gloo
