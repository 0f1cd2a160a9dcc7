// Host side of the reductions (reduce.h).
#include "reduce.h"

#include <algorithm>
#include <cstring>

#include "launcher.h"

namespace ember_cuda {
namespace {

constexpr int kMaxDims = 16;   // R_MAXD
constexpr int kThreads = 256;  // R_THREADS

// Mirrors r_params in kernels/reduce.cuh.
struct Params {
  const void* in;
  void* out;
  void* out2;
  void* partial;
  int64_t n_out;
  int64_t r_len;
  int64_t chunk_len;
  int64_t n_chunks;
  double correction;
  int32_t out_ndim;
  int32_t pad;
  int64_t out_sizes[kMaxDims];
  int64_t in_strides_out[kMaxDims];
  int64_t out_strides[kMaxDims];
  int64_t out2_strides[kMaxDims];
  int64_t red_sizes[kMaxDims];
  int64_t red_strides[kMaxDims];
};

const char* kind_name(ReduceKind k) {
  static const char* const names[] = {"sum", "mean", "prod", "amax", "amin", "max", "min",
                                      "argmax", "argmin", "var", "all", "any"};
  return names[static_cast<int>(k)];
}

int64_t next_pow2(int64_t v) {
  int64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

uint64_t reduce_mask_from_dims(ember::sdk::IntList dims) {
  uint64_t mask = 0;
  for (int64_t d : dims) mask |= 1ull << d;
  return mask;
}

void run_reduce(const KernelArgs& a, ReduceKind kind, const TensorView& self, uint64_t mask, const TensorView& out,
                const TensorView* out2, double correction) {
  Params p;
  std::memset(&p, 0, sizeof p);
  const int ndim = self.ndim();
  EMBER_SDK_CHECK(ndim <= 64, EMBER_ERROR_VALUE, "too many dims");
  int64_t n_out = 1, r_len = 1;
  // Kept dims and reduced dims, innermost first, merged where contiguous for every tensor.
  int out_nd = 0, red_nd = 0;
  int kept_total = 0;
  for (int d = 0; d < ndim; ++d)
    if (!((mask >> d) & 1u)) ++kept_total;
  int kept_seen = kept_total;
  for (int d = ndim - 1; d >= 0; --d) {
    const int64_t size = self.size(d);
    if ((mask >> d) & 1u) {
      r_len *= size;
      if (size == 1) continue;
      if (red_nd > 0 && p.red_strides[red_nd - 1] * p.red_sizes[red_nd - 1] == self.stride(d)) {
        p.red_sizes[red_nd - 1] *= size;
        continue;
      }
      EMBER_SDK_CHECK(red_nd < kMaxDims, EMBER_ERROR_NOT_IMPLEMENTED, "reductions over more than ", kMaxDims,
                      " non-mergeable dims");
      p.red_sizes[red_nd] = size;
      p.red_strides[red_nd] = self.stride(d);
      ++red_nd;
      continue;
    }
    --kept_seen;
    const int od = out.ndim() == ndim ? d : kept_seen;
    const int64_t os = out.stride(od);
    const int64_t os2 = out2 ? out2->stride(out2->ndim() == ndim ? d : kept_seen) : 0;
    n_out *= size;
    if (size == 1) continue;
    if (out_nd > 0) {
      const int q = out_nd - 1;
      if (p.in_strides_out[q] * p.out_sizes[q] == self.stride(d) && p.out_strides[q] * p.out_sizes[q] == os &&
          p.out2_strides[q] * p.out_sizes[q] == os2) {
        p.out_sizes[q] *= size;
        continue;
      }
    }
    EMBER_SDK_CHECK(out_nd < kMaxDims, EMBER_ERROR_NOT_IMPLEMENTED, "reductions with more than ", kMaxDims,
                    " non-mergeable kept dims");
    p.out_sizes[out_nd] = size;
    p.in_strides_out[out_nd] = self.stride(d);
    p.out_strides[out_nd] = os;
    p.out2_strides[out_nd] = os2;
    ++out_nd;
  }
  if (n_out == 0) return;
  if (red_nd == 0) {  // nothing (or only size-1 dims) reduced: r runs over one element
    p.red_sizes[0] = 1;
    p.red_strides[0] = 0;
    red_nd = 1;
  }

  // Layout: lanes along r when r's innermost dim is dense (or the outputs' is not).
  const int64_t red_inner_stride = p.red_strides[0];
  const int64_t out_inner_stride = out_nd > 0 ? p.in_strides_out[0] : INT64_MAX;
  const bool inner = out_nd == 0 || red_inner_stride == 1 ||
                     (out_inner_stride != 1 && red_inner_stride != 0 && red_inner_stride < out_inner_stride);
  const size_t esize = self.element_size();
  int vec = 1;
  if (inner && red_nd == 1 && red_inner_stride == 1 && r_len > 1) {
    vec = static_cast<int>(std::min<size_t>(8, 16 / esize));
    bool ok = r_len % vec == 0 && reinterpret_cast<uintptr_t>(self.data_ptr()) % (esize * vec) == 0;
    for (int d = 0; d < out_nd && ok; ++d) ok = p.in_strides_out[d] % vec == 0;
    if (!ok) vec = 1;
  }
  int lanes, slots;
  if (inner) {
    lanes = static_cast<int>(std::min<int64_t>(kThreads, next_pow2((r_len + vec - 1) / vec)));
    slots = kThreads / lanes;
  } else {
    lanes = static_cast<int>(std::min<int64_t>(8, next_pow2(r_len)));
    slots = kThreads / lanes;
  }
  const int64_t groups = (n_out + slots - 1) / slots;
  // Chunks: only for few output groups; at least 32 loads per lane and chunk.
  const int64_t per_chunk_min = int64_t(lanes) * vec * 32;
  int64_t chunks = 1;
  if (groups < 128 && r_len > per_chunk_min) {
    chunks = std::min<int64_t>((1024 + groups - 1) / groups, (r_len + per_chunk_min - 1) / per_chunk_min);
  }
  int64_t chunk_len = (r_len + chunks - 1) / chunks;
  const int64_t align = int64_t(lanes) * vec;
  chunk_len = std::max<int64_t>(align, (chunk_len + align - 1) / align * align);
  chunks = std::max<int64_t>(1, (r_len + chunk_len - 1) / chunk_len);
  EMBER_SDK_CHECK(chunks <= 65535 && groups <= 0x7FFFFFFF, EMBER_ERROR_NOT_IMPLEMENTED, "reduction too large");

  const int32_t in_dtype = self.dtype(), out_dtype = out.dtype();
  p.in = self.data_ptr();
  p.out = out.data_ptr();
  p.out2 = out2 ? out2->data_ptr() : nullptr;
  p.n_out = n_out;
  p.r_len = r_len;
  p.chunk_len = chunk_len;
  p.n_chunks = chunks;
  p.correction = correction;
  p.out_ndim = out_nd;
  if (chunks > 1) p.partial = a.scratch(static_cast<size_t>(n_out * chunks) * reduce_accumulator_size(kind, in_dtype));

  static const uint32_t family = family_id("reduce");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(kind) | static_cast<uint32_t>(in_dtype) << 8 | static_cast<uint32_t>(out_dtype) << 16;
  key.b = (inner ? 1u : 0u) | static_cast<uint32_t>(vec) << 4 | static_cast<uint32_t>(red_nd) << 12;
  key.arch = device_arch(a.device_index());
  const Program& program = get_program(key, "reduce", {"r_main", "r_finish"}, [&] {
    ReduceSpec s;
    s.kind = kind;
    s.in = in_dtype;
    s.out = out_dtype;
    s.inner = inner;
    s.vec = vec;
    s.red_ndim = red_nd;
    return reduce_source(s);
  });
  cudaStream_t stream = to_cuda(a.stream());
  void* args[] = {&p};
  const dim3 block = inner ? dim3(lanes, slots) : dim3(slots, lanes);
  launch(program.kernel(0), dim3(static_cast<unsigned>(groups), static_cast<unsigned>(chunks)), block, 0, stream, args,
         a.device_index(), kind_name(kind));
  if (chunks > 1)
    launch(program.kernel(1), dim3(static_cast<unsigned>(n_out)), dim3(kThreads), 0, stream, args, a.device_index(),
           kind_name(kind));
}

}  // namespace ember_cuda
