// _softmax and _log_softmax over one dim, numerically stable (the row max is subtracted before
// exp). The tensor is seen as [outer, D, inner] with D the softmax dim: rows (inner == 1) are
// handled one by one, otherwise blocks of adjacent inner positions are processed together so
// the loops run along dense memory. 16-bit floats are computed in float; float32 uses the
// vector kernels (vec/vec_kernels.h) for max, exp and the sums.
//
// Stateless kernels; thread-safe.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu_plugin.h"
#include "vector_math.h"
#include "tensor_utils.h"
#include "vec/vec_kernels.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

// float32 rows: max, exp(x - max) with its sum, then one scale (or one shift for log) — the
// vector kernels, two passes over a row that stays in cache.
template <bool kLog>
void softmax_rows_f32(const float* in, float* out, int64_t outer, int64_t dim_size) {
  const VecKernels& v = vec();
  parallel_for(0, outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, dim_size)), [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      const float* x = in + o * dim_size;
      float* y = out + o * dim_size;
      const float max_v = v.max(x, dim_size);
      if (kLog) {
        // (x - max) - log(sum), each rounded to float as PyTorch does: rounding max + log(sum)
        // first would cost up to an ulp of max.
        const double sum = v.exp_shift_sum(x, max_v, nullptr, dim_size);
        v.add_scalar(x, -max_v, y, dim_size);
        v.add_scalar(y, -static_cast<float>(std::log(sum)), y, dim_size);
      } else {
        const double sum = v.exp_shift_sum(x, max_v, y, dim_size);
        v.scale(y, static_cast<float>(1.0 / sum), y, dim_size);
      }
    }
  });
}

// float32 over an inner dim: blocks of kBlock adjacent inner positions; each of the D rows of
// a block is shifted by the block's maxima and exponentiated by the vector kernel.
template <bool kLog>
void softmax_inner_f32(const float* in, float* out, int64_t outer, int64_t dim_size, int64_t inner) {
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const VecKernels& v = vec();
  parallel_for(0, outer * blocks, std::max<int64_t>(1, kGrainSize / (dim_size * kBlock)), [&](int64_t b, int64_t e) {
    float max_v[kBlock], row[kBlock];
    double sum[kBlock];
    std::vector<float> scratch(kLog ? 0 : static_cast<size_t>(dim_size * kBlock));
    for (int64_t u = b; u < e; ++u) {
      const int64_t o = u / blocks;
      const int64_t i0 = (u % blocks) * kBlock;
      const int64_t w = std::min(kBlock, inner - i0);
      const float* x = in + o * dim_size * inner + i0;
      float* y = out + o * dim_size * inner + i0;
      for (int64_t i = 0; i < w; ++i) max_v[i] = -std::numeric_limits<float>::infinity();
      for (int64_t k = 0; k < dim_size; ++k)
        for (int64_t i = 0; i < w; ++i) max_v[i] = std::max(max_v[i], x[k * inner + i]);  // a NaN shows in the sum
      for (int64_t i = 0; i < w; ++i) sum[i] = 0;
      for (int64_t k = 0; k < dim_size; ++k) {
        float* ex = kLog ? row : scratch.data() + k * kBlock;
        for (int64_t i = 0; i < w; ++i) ex[i] = x[k * inner + i] - max_v[i];
        v.exp(ex, ex, w);
        for (int64_t i = 0; i < w; ++i) sum[i] += ex[i];
      }
      if (kLog) {
        for (int64_t i = 0; i < w; ++i) row[i] = static_cast<float>(std::log(sum[i]));
        for (int64_t k = 0; k < dim_size; ++k)
          for (int64_t i = 0; i < w; ++i) y[k * inner + i] = (x[k * inner + i] - max_v[i]) - row[i];
      } else {
        for (int64_t i = 0; i < w; ++i) row[i] = static_cast<float>(1.0 / sum[i]);
        for (int64_t k = 0; k < dim_size; ++k)
          for (int64_t i = 0; i < w; ++i) y[k * inner + i] = scratch[k * kBlock + i] * row[i];
      }
    }
  });
}

template <typename T, bool kLog>
void softmax_dense(const T* in, T* out, int64_t outer, int64_t dim_size, int64_t inner) {
  using C = ember::sdk::compute_t<T>;
  if constexpr (std::is_same<T, float>::value) {
    if (inner == 1) softmax_rows_f32<kLog>(in, out, outer, dim_size);
    else softmax_inner_f32<kLog>(in, out, outer, dim_size, inner);
    return;
  }
  if (inner == 1) {
    parallel_for(0, outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, dim_size)), [&](int64_t b, int64_t e) {
      std::vector<C> scratch(static_cast<size_t>(dim_size));
      for (int64_t o = b; o < e; ++o) {
        const T* x = in + o * dim_size;
        T* y = out + o * dim_size;
        C max_v = -std::numeric_limits<C>::infinity();
        for (int64_t k = 0; k < dim_size; ++k) max_v = std::max(max_v, C(x[k]));
        C sum = 0;
        if (kLog) {
          for (int64_t k = 0; k < dim_size; ++k) sum += std::exp(C(x[k]) - max_v);
          const C shift = max_v + std::log(sum);
          for (int64_t k = 0; k < dim_size; ++k) y[k] = static_cast<T>(C(x[k]) - shift);
        } else {
          // One exp per element: keep them, then scale.
          for (int64_t k = 0; k < dim_size; ++k) {
            scratch[k] = std::exp(C(x[k]) - max_v);
            sum += scratch[k];
          }
          const C inv = C(1) / sum;
          for (int64_t k = 0; k < dim_size; ++k) y[k] = static_cast<T>(scratch[k] * inv);
        }
      }
    });
    return;
  }
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t units = outer * blocks;
  parallel_for(0, units, std::max<int64_t>(1, kGrainSize / (dim_size * kBlock)), [&](int64_t b, int64_t e) {
    C max_v[kBlock], sum[kBlock];
    std::vector<C> scratch(kLog ? 0 : static_cast<size_t>(dim_size * kBlock));
    for (int64_t u = b; u < e; ++u) {
      const int64_t o = u / blocks;
      const int64_t i0 = (u % blocks) * kBlock;
      const int64_t w = std::min(kBlock, inner - i0);
      const T* x = in + o * dim_size * inner + i0;
      T* y = out + o * dim_size * inner + i0;
      for (int64_t i = 0; i < w; ++i) max_v[i] = -std::numeric_limits<C>::infinity();
      for (int64_t k = 0; k < dim_size; ++k)
        for (int64_t i = 0; i < w; ++i) max_v[i] = std::max(max_v[i], C(x[k * inner + i]));
      for (int64_t i = 0; i < w; ++i) sum[i] = 0;
      if (kLog) {
        for (int64_t k = 0; k < dim_size; ++k)
          for (int64_t i = 0; i < w; ++i) sum[i] += std::exp(C(x[k * inner + i]) - max_v[i]);
        for (int64_t i = 0; i < w; ++i) sum[i] = max_v[i] + std::log(sum[i]);
        for (int64_t k = 0; k < dim_size; ++k)
          for (int64_t i = 0; i < w; ++i) y[k * inner + i] = static_cast<T>(C(x[k * inner + i]) - sum[i]);
      } else {
        for (int64_t k = 0; k < dim_size; ++k)
          for (int64_t i = 0; i < w; ++i) {
            const C ex = std::exp(C(x[k * inner + i]) - max_v[i]);
            scratch[k * kBlock + i] = ex;
            sum[i] += ex;
          }
        for (int64_t i = 0; i < w; ++i) sum[i] = C(1) / sum[i];
        for (int64_t k = 0; k < dim_size; ++k)
          for (int64_t i = 0; i < w; ++i) y[k * inner + i] = static_cast<T>(scratch[k * kBlock + i] * sum[i]);
      }
    }
  });
}

// _softmax.out and _log_softmax.out (meta refused half_to_float).
template <typename Op, bool kLog>
void softmax(KernelArgs& a) {
  TensorView self = a.tensor(Op::self);
  TensorView out = a.tensor(Op::out);
  const int64_t ndim = self.ndim();
  const int64_t dim = a.int_(Op::dim);
  const int64_t dim_size = ndim ? self.size(dim) : 1;
  const int64_t outer = ndim ? product(self.sizes().data(), 0, dim) : 1;
  const int64_t inner = ndim ? product(self.sizes().data(), dim + 1, ndim) : 1;
  if (outer * dim_size * inner == 0) return;
  ember::sdk::dispatch<kFloatingDTypes>(out.dtype(), kLog ? "_log_softmax" : "_softmax", [&](auto tag) {
    using T = typename decltype(tag)::type;
    DenseInput<T> input(self);
    DenseOutput<T> output(out);
    softmax_dense<T, kLog>(input.data(), output.data(), outer, dim_size, inner);
    output.commit();
  });
}

}  // namespace

void register_softmax_kernels(Registrar& reg) {
  reg.kernel<ops::_softmax_out>(kDevice, kFloatingDTypes, softmax<ops::_softmax_out, false>);
  reg.kernel<ops::_log_softmax_out>(kDevice, kFloatingDTypes, softmax<ops::_log_softmax_out, true>);
}

}  // namespace ember_cpu
