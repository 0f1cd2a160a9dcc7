// See vec_loops.h.
#include "vec_loops.h"

#include <type_traits>

#include <ember/sdk/dtype.h>

#include "../loops.h"

namespace ember_cpu {
namespace {

using ember::sdk::BFloat16;
using ember::sdk::Half;
using ember::sdk::TensorView;

constexpr int64_t kStage = 512;  // elements staged per table call for strided or 16-bit runs

// Calls call(inputs, output, n) over one 1-D run of N - 1 inputs and the output (ptrs[0]),
// strides in bytes.
template <typename T, int N, typename Call>
void run_1d(char* const* ptrs, const int64_t* strides, int64_t n, const Call& call) {
  if constexpr (std::is_same<T, float>::value) {
    bool dense = true;
    for (int k = 0; k < N; ++k) dense &= strides[k] == static_cast<int64_t>(sizeof(float));
    if (dense) {
      const float* ins[N > 1 ? N - 1 : 1];
      for (int k = 1; k < N; ++k) ins[k - 1] = reinterpret_cast<const float*>(ptrs[k]);
      call(ins, reinterpret_cast<float*>(ptrs[0]), n);
      return;
    }
  }
  float in_buffer[N - 1][kStage];
  float out_buffer[kStage];
  const float* ins[N - 1];
  for (int k = 0; k < N - 1; ++k) ins[k] = in_buffer[k];
  for (int64_t b = 0; b < n; b += kStage) {
    const int64_t m = n - b < kStage ? n - b : kStage;
    for (int k = 1; k < N; ++k) {
      const char* p = ptrs[k] + b * strides[k];
      for (int64_t i = 0; i < m; ++i) in_buffer[k - 1][i] = static_cast<float>(*reinterpret_cast<const T*>(p + i * strides[k]));
    }
    call(ins, out_buffer, m);
    char* o = ptrs[0] + b * strides[0];
    for (int64_t i = 0; i < m; ++i) *reinterpret_cast<T*>(o + i * strides[0]) = static_cast<T>(out_buffer[i]);
  }
}

template <typename T, int N, typename Call>
void map(const TensorView& out, const TensorView* ins, int64_t grain, const Call& call) {
  const int64_t numel = out.numel();
  if (numel == 0) return;
  char* base[N];
  base[0] = static_cast<char*>(out.data_ptr());
  bool contiguous = out.is_contiguous();
  for (int k = 1; k < N; ++k) {
    base[k] = static_cast<char*>(ins[k - 1].data_ptr());
    contiguous &= ins[k - 1].is_contiguous();
  }
  if (contiguous) {
    int64_t dense[N];
    for (int k = 0; k < N; ++k) dense[k] = sizeof(T);
    if (numel <= grain) {  // one chunk: straight to the loop (tiny tensors pay per call)
      run_1d<T, N>(base, dense, numel, call);
      return;
    }
    parallel_for(0, numel, grain, [&](int64_t b, int64_t e) {
      char* ptrs[N];
      for (int k = 0; k < N; ++k) ptrs[k] = base[k] + b * static_cast<int64_t>(sizeof(T));
      run_1d<T, N>(ptrs, dense, e - b, call);
    });
    return;
  }
  const int64_t* strides[N];
  int64_t elem_sizes[N];
  strides[0] = out.strides().data();
  for (int k = 1; k < N; ++k) strides[k] = ins[k - 1].strides().data();
  for (int k = 0; k < N; ++k) elem_sizes[k] = sizeof(T);
  LoopGeometry<N> geometry(out.ndim(), out.sizes().data(), strides, elem_sizes);
  parallel_for(0, numel, grain, [&](int64_t b, int64_t e) {
    for_each_run<N>(geometry, base, b, e,
                    [&](char* const* ptrs, const int64_t* s, int64_t n) { run_1d<T, N>(ptrs, s, n, call); });
  });
}

// Runs map<T, N> for out's dtype when it is one of the float types.
template <int N, typename Call>
bool map_floats(const TensorView& out, const TensorView* ins, int64_t grain, const Call& call) {
  switch (out.dtype()) {
    case EMBER_DTYPE_FLOAT32: map<float, N>(out, ins, grain, call); return true;
    case EMBER_DTYPE_FLOAT16: map<Half, N>(out, ins, grain, call); return true;
    case EMBER_DTYPE_BFLOAT16: map<BFloat16, N>(out, ins, grain, call); return true;
    default: return false;
  }
}

}  // namespace

bool vec_unary(const TensorView& out, const TensorView& in, VecKernels::Unary f, int64_t grain) {
  return map_floats<2>(out, &in, grain, [f](const float* const* x, float* y, int64_t n) { f(x[0], y, n); });
}

bool vec_binary(const TensorView& out, const TensorView& a, const TensorView& b, VecKernels::Binary f, int64_t grain) {
  const TensorView ins[2] = {a, b};
  return map_floats<3>(out, ins, grain, [f](const float* const* x, float* y, int64_t n) { f(x[0], x[1], y, n); });
}

bool vec_pow_scalar(const TensorView& out, const TensorView& x, float e, int64_t grain) {
  const auto f = vec().pow_scalar;
  return map_floats<2>(out, &x, grain, [f, e](const float* const* in, float* y, int64_t n) { f(in[0], e, y, n); });
}

}  // namespace ember_cpu
