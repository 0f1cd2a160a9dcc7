// mm, bmm and addmm through cuBLAS (cublasGemmEx / cublasGemmStridedBatchedEx), for float16,
// bfloat16, float32 and float64 (integer matmul is not supported on CUDA, as in PyTorch).
//
// Row-major C = A B is computed as column-major C^T = B^T A^T, so a row-major matrix is passed
// untransposed and a transposed view (unit row stride) as "T", without copies; other strides go
// through a dense copy. float32 uses CUBLAS_COMPUTE_32F (no TF32) unless allow_tf32 is on
// (option, or ember::cuda::set_allow_tf32): then CUBLAS_COMPUTE_32F_FAST_TF32. 16-bit inputs
// accumulate in float. Each (device, thread) has its own cuBLAS handle with a 32 MiB workspace
// (PyTorch's default size on Hopper), set on every call together with the call's stream.
//
// libcublas is opened on the first matmul, not when the plugin loads: it maps over 150 MB and
// takes about 0.2 s, which every ember process would otherwise pay.
//
// Thread-safety: handles are thread-local; kernels may run on many threads.
#include <cublas_v2.h>
#include <dlfcn.h>

#include <mutex>

#include <vector>

#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "dense.h"
#include "elementwise.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::kFloatingDTypes;

constexpr size_t kWorkspaceBytes = size_t(32) << 20;

// The cuBLAS functions the plugin calls, resolved from libcublas on first use.
struct CublasApi {
  decltype(&cublasCreate_v2) create = nullptr;
  decltype(&cublasSetStream_v2) set_stream = nullptr;
  decltype(&cublasSetWorkspace_v2) set_workspace = nullptr;
  // The 32-bit-size C entry points (the C++ headers also overload them with 64-bit sizes).
  cublasStatus_t (*gemm)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*, const void*,
                         cudaDataType, int, const void*, cudaDataType, int, const void*, void*, cudaDataType, int,
                         cublasComputeType_t, cublasGemmAlgo_t) = nullptr;
  cublasStatus_t (*gemm_batched)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                                 const void*, cudaDataType, int, long long, const void*, cudaDataType, int, long long,
                                 const void*, void*, cudaDataType, int, long long, int, cublasComputeType_t,
                                 cublasGemmAlgo_t) = nullptr;
  decltype(&cublasGetStatusName) status_name = nullptr;
  decltype(&cublasGetStatusString) status_string = nullptr;
};

const CublasApi& cublas() {
  static CublasApi api;
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string lib = concat("libcublas.so.", CUBLAS_VER_MAJOR);
    void* h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      const char* e = dlerror();
      error = concat("cuBLAS could not be loaded (", lib, "): ", e ? e : "unknown error");
      return;
    }
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      if (fn == nullptr && error.empty()) error = concat("cuBLAS (", lib, ") has no symbol ", name);
    };
    sym(api.create, "cublasCreate_v2");
    sym(api.set_stream, "cublasSetStream_v2");
    sym(api.set_workspace, "cublasSetWorkspace_v2");
    sym(api.gemm, "cublasGemmEx");
    sym(api.gemm_batched, "cublasGemmStridedBatchedEx");
    sym(api.status_name, "cublasGetStatusName");
    sym(api.status_string, "cublasGetStatusString");
  });
  if (!error.empty()) throw ember::sdk::Error(EMBER_ERROR_DEVICE, error);
  return api;
}

[[noreturn]] void throw_cublas(cublasStatus_t s, const char* what, int device) {
  throw ember::sdk::Error(s == CUBLAS_STATUS_ALLOC_FAILED ? EMBER_ERROR_OUT_OF_MEMORY : EMBER_ERROR_DEVICE,
                          concat("cuBLAS error on cuda:", device, " during ", what, ": ", cublas().status_name(s), " (",
                                 cublas().status_string(s), ")"));
}

#define EMBER_CUBLAS_CHECK(expr, what, device)                     \
  do {                                                             \
    cublasStatus_t ember_cublas_s_ = (expr);                       \
    if (ember_cublas_s_ != CUBLAS_STATUS_SUCCESS) throw_cublas(ember_cublas_s_, (what), (device)); \
  } while (0)

struct Handle {
  cublasHandle_t handle = nullptr;
  void* workspace = nullptr;
};

// This thread's handle for device (created on first use; lives with the thread... and is leaked at
// thread exit on purpose: destroying it may run after the CUDA context is gone).
cublasHandle_t handle_for(int device, cudaStream_t stream) {
  thread_local std::vector<Handle> handles;
  if (handles.size() <= static_cast<size_t>(device)) handles.resize(static_cast<size_t>(device) + 1);
  Handle& h = handles[static_cast<size_t>(device)];
  if (h.handle == nullptr) {
    EMBER_CUBLAS_CHECK(cublas().create(&h.handle), "cublasCreate", device);
    EMBER_CUDA_CHECK(cudaMalloc(&h.workspace, kWorkspaceBytes), "allocating the cuBLAS workspace", device);
  }
  EMBER_CUBLAS_CHECK(cublas().set_stream(h.handle, stream), "cublasSetStream", device);
  EMBER_CUBLAS_CHECK(cublas().set_workspace(h.handle, h.workspace, kWorkspaceBytes), "cublasSetWorkspace", device);
  return h.handle;
}

cudaDataType_t cuda_type(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_FLOAT16: return CUDA_R_16F;
    case EMBER_DTYPE_BFLOAT16: return CUDA_R_16BF;
    case EMBER_DTYPE_FLOAT32: return CUDA_R_32F;
    default: return CUDA_R_64F;
  }
}

cublasComputeType_t compute_type(int32_t dtype) {
  if (dtype == EMBER_DTYPE_FLOAT64) return CUBLAS_COMPUTE_64F;
  if (dtype == EMBER_DTYPE_FLOAT32 && config().allow_tf32.load(std::memory_order_relaxed))
    return CUBLAS_COMPUTE_32F_FAST_TF32;
  return CUBLAS_COMPUTE_32F;
}

// How cuBLAS reads a row-major [rows, cols] matrix with the given strides as the column-major
// transpose: untransposed (ld = row stride) or transposed (ld = col stride); ok false otherwise.
struct GemmOperand {
  const void* data;
  cublasOperation_t op;
  int64_t ld;
  bool ok;
};
GemmOperand layout(const void* data, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride) {
  if ((cols == 1 || col_stride == 1) && (rows == 1 || row_stride >= std::max<int64_t>(1, cols)))
    return {data, CUBLAS_OP_N, rows == 1 ? std::max<int64_t>(1, cols) : row_stride, true};
  if ((rows == 1 || row_stride == 1) && (cols == 1 || col_stride >= std::max<int64_t>(1, rows)))
    return {data, CUBLAS_OP_T, cols == 1 ? std::max<int64_t>(1, rows) : col_stride, true};
  return {data, CUBLAS_OP_N, 0, false};
}

// One matrix (the last two dims of t): its layout, through a dense copy when its strides need one.
GemmOperand matrix(const KernelArgs& a, const TensorView& t) {
  const int32_t nd = t.ndim();
  GemmOperand o = layout(t.data_ptr(), t.size(nd - 2), t.size(nd - 1), t.stride(nd - 2), t.stride(nd - 1));
  if (o.ok) return o;
  return layout(dense_input(a, t), t.size(nd - 2), t.size(nd - 1), t.size(nd - 1), 1);
}

// C[b] = alpha * A[b] B[b] + beta * C[b] for row-major A [m, k], B [k, n], C [m, n] (C dense rows).
void gemm(const KernelArgs& a, int32_t dtype, int64_t batch, int64_t m, int64_t n, int64_t k, const GemmOperand& A,
          int64_t stride_a, const GemmOperand& B, int64_t stride_b, void* C, int64_t ldc, int64_t stride_c, double alpha,
          double beta, const char* op) {
  const int device = a.device_index();
  DeviceScope scope(device);
  cudaStream_t stream = to_cuda(a.stream());
  cublasHandle_t h = handle_for(device, stream);
  const cudaDataType_t t = cuda_type(dtype);
  const float alpha_f = static_cast<float>(alpha), beta_f = static_cast<float>(beta);
  const void* pa = dtype == EMBER_DTYPE_FLOAT64 ? static_cast<const void*>(&alpha) : &alpha_f;
  const void* pb = dtype == EMBER_DTYPE_FLOAT64 ? static_cast<const void*>(&beta) : &beta_f;
  EMBER_SDK_CHECK(m <= INT32_MAX && n <= INT32_MAX && k <= INT32_MAX && batch <= INT32_MAX, EMBER_ERROR_NOT_IMPLEMENTED,
                  op, ": matrix dimensions above 2^31 are not supported by cuBLAS");
  // Column-major: C^T (n x m) = B^T (n x k) A^T (k x m).
  if (batch == 1) {
    EMBER_CUBLAS_CHECK(cublas().gemm(h, B.op, A.op, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), pa,
                                    B.data, t, static_cast<int>(B.ld), A.data, t, static_cast<int>(A.ld), pb, C, t,
                                    static_cast<int>(ldc), compute_type(dtype), CUBLAS_GEMM_DEFAULT),
                       op, device);
  } else {
    EMBER_CUBLAS_CHECK(cublas().gemm_batched(h, B.op, A.op, static_cast<int>(n), static_cast<int>(m),
                                                  static_cast<int>(k), pa, B.data, t, static_cast<int>(B.ld), stride_b,
                                                  A.data, t, static_cast<int>(A.ld), stride_a, pb, C, t,
                                                  static_cast<int>(ldc), stride_c, static_cast<int>(batch),
                                                  compute_type(dtype), CUBLAS_GEMM_DEFAULT),
                       op, device);
  }
  after_library_call(stream, device, op);
}

double scalar_value(const ember::sdk::Scalar& s, int32_t dtype) {
  return dtype == EMBER_DTYPE_FLOAT64 ? s.to<double>() : static_cast<double>(s.to<float>());
}

// Whether cuBLAS can write a [m, n] result straight into out: its rows dense (ldc = row stride).
struct Result {
  static bool direct(const TensorView& out, int64_t m, int64_t n) {
    return (n == 1 || out.stride(1) == 1) && (m == 1 || out.stride(0) >= std::max<int64_t>(1, n));
  }
};

// c = alpha * m1 @ m2 + beta * c.
void matmul_2d(const KernelArgs& a, const TensorView& m1, const TensorView& m2, int32_t dtype, void* c, int64_t ldc,
               double alpha, double beta, const char* op) {
  const int64_t m = m1.size(0), k = m1.size(1), n = m2.size(1);
  if (m == 0 || n == 0) return;
  gemm(a, dtype, 1, m, n, k, matrix(a, m1), 0, matrix(a, m2), 0, c, ldc, 0, alpha, beta, op);
}

void mm(KernelArgs& a) {
  using Op = ops::mm_out;
  TensorView m1 = a.tensor(Op::self), m2 = a.tensor(Op::mat2), out = a.tensor(Op::out);
  const int64_t m = m1.size(0), n = m2.size(1);
  if (m == 0 || n == 0) return;
  if (Result::direct(out, m, n)) {
    matmul_2d(a, m1, m2, out.dtype(), out.data_ptr(), m == 1 ? std::max<int64_t>(1, n) : out.stride(0), 1.0, 0.0, "mm");
    return;
  }
  DenseOutput c(a, out);
  matmul_2d(a, m1, m2, out.dtype(), c.data(), n, 1.0, 0.0, "mm");
  c.commit();
}

// addmm: out = beta * self + alpha * (mat1 @ mat2); self is broadcast to out (the core's views).
// With beta == 0 self is not read (its NaNs do not propagate), as in PyTorch.
void addmm(KernelArgs& a) {
  using Op = ops::addmm_out;
  TensorView self = a.tensor(Op::self), m1 = a.tensor(Op::mat1), m2 = a.tensor(Op::mat2), out = a.tensor(Op::out);
  const double beta = scalar_value(a.scalar(Op::beta), out.dtype());
  const double alpha = scalar_value(a.scalar(Op::alpha), out.dtype());
  const int64_t m = m1.size(0), n = m2.size(1);
  if (m == 0 || n == 0) return;
  const bool direct = Result::direct(out, m, n);
  DenseOutput staged(a, out);
  void* c = direct ? out.data_ptr() : staged.data();
  const int64_t ldc = direct ? (m == 1 ? std::max<int64_t>(1, n) : out.stride(0)) : n;
  if (beta != 0.0) {
    // c = self (broadcast to [m, n]); the product then accumulates into it with beta.
    int64_t self_strides[2] = {0, 0};
    if (self.ndim() == 2) {
      self_strides[0] = self.size(0) == 1 ? 0 : self.stride(0);
      self_strides[1] = self.size(1) == 1 ? 0 : self.stride(1);
    } else if (self.ndim() == 1) {
      self_strides[1] = self.size(0) == 1 ? 0 : self.stride(0);
    }
    const int64_t c_strides[2] = {ldc, 1};
    const int32_t bits = bit_copy_dtype(out.dtype());
    Operand src{self.data_ptr(), bits, self_strides};
    Operand dst{c, bits, c_strides};
    const int64_t sizes[2] = {m, n};
    run_elementwise_raw(a, convert_op, 0, 2, sizes, dst, &src, 1, KernelScalars());
  }
  // k == 0 is cuBLAS's too: C = beta * C (not read when beta is 0).
  matmul_2d(a, m1, m2, out.dtype(), c, ldc, alpha, beta, "addmm");
  if (!direct) staged.commit();
}

void bmm(KernelArgs& a) {
  using Op = ops::bmm_out;
  TensorView m1 = a.tensor(Op::self), m2 = a.tensor(Op::mat2), out = a.tensor(Op::out);
  const int64_t b = m1.size(0), m = m1.size(1), k = m1.size(2), n = m2.size(2);
  if (b == 0 || m == 0 || n == 0) return;
  DenseOutput c(a, out);
  if (k == 0) {
    DeviceScope scope(a.device_index());
    EMBER_CUDA_CHECK(cudaMemsetAsync(c.data(), 0, static_cast<size_t>(b * m * n) * out.element_size(), to_cuda(a.stream())),
                     "cudaMemsetAsync", a.device_index());
    c.commit();
    return;
  }
  // Each operand: its batch stride and matrix layout, through a dense copy when they do not fit.
  auto batched = [&](const TensorView& t, int64_t* batch_stride) {
    GemmOperand o = layout(t.data_ptr(), t.size(1), t.size(2), t.stride(1), t.stride(2));
    if (o.ok && (t.size(0) == 1 || t.stride(0) > 0)) {
      *batch_stride = t.size(0) == 1 ? 0 : t.stride(0);
      return o;
    }
    *batch_stride = t.size(1) * t.size(2);
    return layout(dense_input(a, t), t.size(1), t.size(2), t.size(2), 1);
  };
  int64_t sa = 0, sb = 0;
  const GemmOperand A = batched(m1, &sa), B = batched(m2, &sb);
  gemm(a, out.dtype(), b, m, n, k, A, sa, B, sb, c.data(), n, m * n, 1.0, 0.0, "bmm");
  c.commit();
}

}  // namespace

void register_blas_kernels(Registrar& reg) {
  reg.kernel<ops::mm_out>(kDevice, kFloatingDTypes, mm);
  reg.kernel<ops::bmm_out>(kDevice, kFloatingDTypes, bmm);
  reg.kernel<ops::addmm_out>(kDevice, kFloatingDTypes, addmm);
}

}  // namespace ember_cuda
