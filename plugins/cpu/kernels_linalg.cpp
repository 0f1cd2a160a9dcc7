// Matrix products: mm, bmm and addmm (out = beta * self + alpha * mat1 @ mat2).
//
// float32 goes through oneDNN matmul (primitives cached by shape, strides and scales; user-mode
// scratchpad so one primitive can run on several threads at once). Everything else (float64,
// integers, float16/bfloat16, or float32 with `onednn: false`) uses a plain loop that keeps
// four output rows in flight and accumulates in double / int64 / float.
// Operands may be transposed views: a matrix whose rows or columns are dense is passed as is;
// anything else is first copied to a dense buffer. The output is computed densely and copied
// back when the out view is not contiguous.
//
// Stateless kernels (apart from the primitive cache, see onednn_utils.h); thread-safe.
#include <algorithm>
#include <cstring>
#include <vector>

#include <ember/sdk/wrapping.h>

#include "cpu_plugin.h"
#include "onednn_utils.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;

// A batch of matrices [B, R, C] as pointer + element strides.
template <typename T>
struct Matrices {
  const T* data;
  int64_t batch_stride, row_stride, col_stride;
};

template <typename T>
using matmul_acc_t = std::conditional_t<std::is_same<T, double>::value, double,
                                        std::conditional_t<ember::sdk::is_floating_v<T>, float, int64_t>>;

// c[b] = alpha * a[b] @ b[b] + beta * c[b], c dense [B, M, N]. Integer products and sums wrap
// around on overflow, as PyTorch's do (alpha and beta were range-checked by the caller).
template <typename T>
void matmul_loop(Matrices<T> a, const T* b_dense, T* c, int64_t batches, int64_t m, int64_t k, int64_t n,
                 double alpha_d, double beta_d) {
  using Acc = matmul_acc_t<T>;
  using ember::sdk::wrapping_add;
  using ember::sdk::wrapping_mul;
  const Acc alpha = ember::sdk::convert<Acc>(alpha_d), beta = ember::sdk::convert<Acc>(beta_d);
  constexpr int64_t kRows = 4;
  const int64_t row_groups = (m + kRows - 1) / kRows;
  const int64_t work_per_group = std::max<int64_t>(1, kRows * k * n);
  parallel_for(0, batches * row_groups, std::max<int64_t>(1, kGrainSize * 8 / work_per_group), [&](int64_t lo, int64_t hi) {
    std::vector<Acc> acc(static_cast<size_t>(kRows * n));
    for (int64_t unit = lo; unit < hi; ++unit) {
      const int64_t bi = unit / row_groups;
      const int64_t i0 = (unit % row_groups) * kRows;
      const int64_t rows = std::min(kRows, m - i0);
      std::fill(acc.begin(), acc.end(), Acc(0));
      const T* a_batch = a.data + bi * a.batch_stride;
      const T* b_batch = b_dense + bi * k * n;
      for (int64_t kk = 0; kk < k; ++kk) {
        const T* b_row = b_batch + kk * n;
        for (int64_t r = 0; r < rows; ++r) {
          const Acc av = static_cast<Acc>(a_batch[(i0 + r) * a.row_stride + kk * a.col_stride]);
          Acc* acc_row = acc.data() + r * n;
          for (int64_t j = 0; j < n; ++j) acc_row[j] = wrapping_add(acc_row[j], wrapping_mul(av, static_cast<Acc>(b_row[j])));
        }
      }
      for (int64_t r = 0; r < rows; ++r) {
        T* c_row = c + bi * m * n + (i0 + r) * n;
        const Acc* acc_row = acc.data() + r * n;
        for (int64_t j = 0; j < n; ++j) {
          Acc v = wrapping_mul(alpha, acc_row[j]);
          if (beta != Acc(0)) v = wrapping_add(v, wrapping_mul(beta, static_cast<Acc>(c_row[j])));
          c_row[j] = static_cast<T>(v);
        }
      }
    }
  });
}

struct OnednnMatmul {
  dnnl::memory::desc a_md, b_md, c_md;
  dnnl::matmul primitive;
  size_t scratchpad_bytes = 0;
};

PrimitiveCache<OnednnMatmul>& matmul_cache() {
  static auto* cache = new PrimitiveCache<OnednnMatmul>();  // never destroyed (plugin never unloads)
  return *cache;
}

// Below this many multiply-adds the plain loop beats oneDNN (measured on 16 cores: 16^3 is
// even, 8^3 takes 0.4 us in the loop and 1.6 us through oneDNN).
constexpr int64_t kOnednnMinWork = 16 * 16 * 16;

int64_t double_bits(double v) {
  int64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

void matmul_onednn(Matrices<float> a, Matrices<float> b, float* c, bool batched, int64_t batches, int64_t m, int64_t k,
                   int64_t n, double alpha, double beta) {
  using dnnl::memory;
  const OnednnThreads team(2.0 * batches * m * n * k);
  const PrimitiveKey key = {team.threads(), batched, batches, m, k, n, a.batch_stride, a.row_stride, a.col_stride, b.batch_stride,
                            b.row_stride, b.col_stride, double_bits(alpha), double_bits(beta)};
  auto prim = matmul_cache().get_or_create(key, [&] {
    OnednnMatmul p;
    const auto f32 = memory::data_type::f32;
    if (batched) {
      // A size-1 batch may carry any stride; oneDNN's fast kernels want a dense-looking one.
      const int64_t a_bs = batches == 1 ? m * k : a.batch_stride, b_bs = batches == 1 ? k * n : b.batch_stride;
      p.a_md = memory::desc({batches, m, k}, f32, {a_bs, a.row_stride, a.col_stride});
      p.b_md = memory::desc({batches, k, n}, f32, {b_bs, b.row_stride, b.col_stride});
      p.c_md = memory::desc({batches, m, n}, f32, {m * n, n, 1});
    } else {
      p.a_md = memory::desc({m, k}, f32, {a.row_stride, a.col_stride});
      p.b_md = memory::desc({k, n}, f32, {b.row_stride, b.col_stride});
      p.c_md = memory::desc({m, n}, f32, {n, 1});
    }
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (alpha != 1.0) attr.set_output_scales(0, {static_cast<float>(alpha)});
    if (beta != 0.0) {
      dnnl::post_ops ops;
      ops.append_sum(static_cast<float>(beta));
      attr.set_post_ops(ops);
    }
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(p.a_md, p.b_md, p.c_md), attr, onednn_engine());
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::matmul(pd);
    return p;
  });
  dnnl::engine& engine = onednn_engine();
  dnnl::stream& stream = onednn_stream();
  thread_local std::vector<char> scratchpad;
  if (scratchpad.size() < prim->scratchpad_bytes) scratchpad.resize(prim->scratchpad_bytes);
  memory::desc scratch_md({static_cast<int64_t>(prim->scratchpad_bytes)}, memory::data_type::u8, {1});
  prim->primitive.execute(stream, {{DNNL_ARG_SRC, memory(prim->a_md, engine, const_cast<float*>(a.data))},
                                   {DNNL_ARG_WEIGHTS, memory(prim->b_md, engine, const_cast<float*>(b.data))},
                                   {DNNL_ARG_DST, memory(prim->c_md, engine, c)},
                                   {DNNL_ARG_SCRATCHPAD, memory(scratch_md, engine, scratchpad.data())}});
  stream.wait();
}

// A view of a [B, R, C] (or [R, C]) operand with dense rows or dense columns, copying when it
// has neither.
template <typename T>
struct MatrixOperand {
  Matrices<T> m;
  std::vector<T> copy;

  MatrixOperand(const TensorView& t, bool batched) {
    const int32_t nd = t.ndim();
    const int64_t rows = t.size(nd - 2), cols = t.size(nd - 1);
    int64_t rs = t.stride(nd - 2), cs = t.stride(nd - 1);
    int64_t bs = batched ? t.stride(0) : 0;
    // Size-1 dims may carry any stride; give them the dense one.
    if (cols == 1) cs = 1;
    if (rows == 1) rs = cols;
    if (cs == 1 || rs == 1) {
      m = Matrices<T>{t.data<T>(), bs, rs, cs};
      return;
    }
    DenseInput<T> dense(t);
    copy.assign(dense.data(), dense.data() + t.numel());
    m = Matrices<T>{copy.data(), rows * cols, cols, 1};
  }
};

// out = beta * bias + alpha * a @ b, where a is [B?, M, K], b is [B?, K, N]; bias (already
// broadcast to out's shape) is used only when beta != 0, as PyTorch does.
void matmul(const char* name, const TensorView& a, const TensorView& b, const TensorView& out, bool batched,
            double alpha, double beta, const TensorView* bias) {
  const int32_t nd = a.ndim();
  const int64_t batches = batched ? a.size(0) : 1;
  const int64_t m = a.size(nd - 2), k = a.size(nd - 1), n = b.size(nd - 1);
  if (batches * m * n == 0) return;
  if (bias == nullptr) beta = 0;
  ember::sdk::dispatch<kAllButBool>(out.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    DenseOutput<T> result(out);
    if (beta != 0) {
      OwnedView dense = OwnedView::contiguous(result.data(), out.dtype(), out.sizes().data(), out.ndim());
      copy_same_dtype(dense.get(), *bias);
    }
    if (k == 0) {
      // An empty sum: out = beta * bias.
      T* c = result.data();
      for (int64_t i = 0; i < batches * m * n; ++i)
        c[i] = beta == 0 ? T(0)
                         : static_cast<T>(ember::sdk::wrapping_mul(ember::sdk::convert<matmul_acc_t<T>>(beta),
                                                                   static_cast<matmul_acc_t<T>>(c[i])));
      result.commit();
      return;
    }
    MatrixOperand<T> lhs(a, batched);
    if constexpr (std::is_same<T, float>::value) {
      // Tiny products: oneDNN's fixed cost (~1.5 us) exceeds the whole loop below.
      if (config().use_onednn && batches * m * n * k >= kOnednnMinWork) {
        MatrixOperand<T> rhs(b, batched);
        matmul_onednn(lhs.m, rhs.m, result.data(), batched, batches, m, k, n, alpha, beta);
        result.commit();
        return;
      }
    }
    DenseInput<T> rhs(b);  // the loop streams rows of b
    matmul_loop<T>(lhs.m, rhs.data(), result.data(), batches, m, k, n, alpha, beta);
    result.commit();
  });
}

// mm.out.
void mm(KernelArgs& a) {
  using Op = ops::mm_out;
  matmul("mm", a.tensor(Op::self), a.tensor(Op::mat2), a.tensor(Op::out), false, 1.0, 0.0, nullptr);
}

// bmm.out.
void bmm(KernelArgs& a) {
  using Op = ops::bmm_out;
  matmul("bmm", a.tensor(Op::self), a.tensor(Op::mat2), a.tensor(Op::out), true, 1.0, 0.0, nullptr);
}

// addmm.out.
void addmm(KernelArgs& a) {
  using Op = ops::addmm_out;
  TensorView bias = a.tensor(Op::self);
  // PyTorch converts beta and alpha to the output's type: a value out of its range is an error.
  ember::sdk::dispatch<kAllButBool>(a.tensor(Op::out).dtype(), "addmm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    (void)a.scalar(Op::beta).to<ember::sdk::compute_t<T>>();
    (void)a.scalar(Op::alpha).to<ember::sdk::compute_t<T>>();
  });
  matmul("addmm", a.tensor(Op::mat1), a.tensor(Op::mat2), a.tensor(Op::out), false, a.scalar(Op::alpha).to_double(),
         a.scalar(Op::beta).to_double(), &bias);
}

}  // namespace

void register_linalg_kernels(Registrar& reg) {
  reg.kernel<ops::mm_out>(kDevice, kAllButBool, mm);
  reg.kernel<ops::bmm_out>(kDevice, kAllButBool, bmm);
  reg.kernel<ops::addmm_out>(kDevice, kAllButBool, addmm);
}

}  // namespace ember_cpu
