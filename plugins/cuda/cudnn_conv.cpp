// convolution and convolution_backward through cuDNN 9 (its convolution API), 1-d to 3-d,
// grouped, dilated, and transposed (whose forward is cuDNN's backward-data and whose backward is a
// forward convolution and a backward-filter with the roles of input and grad swapped).
//
// Each pass runs through cuDNN's graph API with an execution plan cached per problem
// (cudnn_conv_plans.h: the v7-style calls below cost ~170 us of host time each in cuDNN 9); the
// v7-style API remains for problems the graph API has no plan for, and for every call with
// EMBER_CUDNN_LEGACY_API=1.
//
// Algorithms (v7-style path): by default cuDNN's heuristics (cudnnGet*Algorithm_v7), first choice that fits; with
// cudnn_benchmark on, cudnnFind*AlgorithmEx times them once per shape and the fastest is kept;
// with cudnn_deterministic on, only deterministic algorithms are taken. The choice is cached per
// (kind, dtype, shapes, convolution parameters, math mode). float32 uses FMA math unless
// allow_tf32 is on (then tensor-op math, TF32), 16-bit types tensor-op math. Workspaces come from
// the call's scratch memory (stream-ordered). The bias is added with cudnnAddTensor; grad_bias
// is a sum over (N, spatial) by the reduction engine.
//
// Thread-safety: one cuDNN handle per (device, thread); the algorithm cache is under a mutex.
#include <cudnn.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "cudnn_conv_plans.h"
#include "dense.h"
#include "launcher.h"
#include "reduce.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::kFloatingDTypes;

[[noreturn]] void throw_cudnn(cudnnStatus_t s, const char* what, int device) {
  throw ember::sdk::Error(s == CUDNN_STATUS_ALLOC_FAILED ? EMBER_ERROR_OUT_OF_MEMORY : EMBER_ERROR_DEVICE,
                          concat("cuDNN error on cuda:", device, " during ", what, ": ", cudnnGetErrorString(s)));
}
#define EMBER_CUDNN_CHECK(expr, what, device)                                             \
  do {                                                                                    \
    cudnnStatus_t ember_cudnn_s_ = (expr);                                                \
    if (ember_cudnn_s_ != CUDNN_STATUS_SUCCESS) throw_cudnn(ember_cudnn_s_, (what), (device)); \
  } while (0)

cudnnHandle_t handle_for(int device, cudaStream_t stream) {
  thread_local std::vector<cudnnHandle_t> handles;  // leaked at thread exit on purpose (see blas.cpp)
  if (handles.size() <= static_cast<size_t>(device)) handles.resize(static_cast<size_t>(device) + 1, nullptr);
  cudnnHandle_t& h = handles[static_cast<size_t>(device)];
  if (h == nullptr) EMBER_CUDNN_CHECK(cudnnCreate(&h), "cudnnCreate", device);
  EMBER_CUDNN_CHECK(cudnnSetStream(h, stream), "cudnnSetStream", device);
  return h;
}

// The v7-style descriptors of a problem, made per call.
struct Descriptors {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  int device;
  explicit Descriptors(const ConvProblem& p, int dev) : device(dev) {
    const cudnnDataType_t t = cudnn_type(p.dtype);
    auto tensor = [&](cudnnTensorDescriptor_t* d, const std::vector<int>& dims) {
      EMBER_CUDNN_CHECK(cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor", device);
      std::vector<int> strides(dims.size());
      int s = 1;
      for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
        strides[static_cast<size_t>(i)] = s;
        s *= std::max(dims[static_cast<size_t>(i)], 1);
      }
      EMBER_CUDNN_CHECK(cudnnSetTensorNdDescriptor(*d, t, static_cast<int>(dims.size()), dims.data(), strides.data()),
                        "cudnnSetTensorNdDescriptor", device);
    };
    tensor(&x, p.x);
    tensor(&y, p.y);
    EMBER_CUDNN_CHECK(cudnnCreateFilterDescriptor(&w), "cudnnCreateFilterDescriptor", device);
    EMBER_CUDNN_CHECK(cudnnSetFilterNdDescriptor(w, t, CUDNN_TENSOR_NCHW, static_cast<int>(p.w.size()), p.w.data()),
                      "cudnnSetFilterNdDescriptor", device);
    EMBER_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv), "cudnnCreateConvolutionDescriptor", device);
    const cudnnDataType_t acc = p.dtype == EMBER_DTYPE_FLOAT64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
    EMBER_CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(conv, p.nsp, p.pad.data(), p.stride.data(), p.dilation.data(),
                                                      CUDNN_CROSS_CORRELATION, acc),
                      "cudnnSetConvolutionNdDescriptor", device);
    EMBER_CUDNN_CHECK(cudnnSetConvolutionGroupCount(conv, p.groups), "cudnnSetConvolutionGroupCount", device);
    EMBER_CUDNN_CHECK(cudnnSetConvolutionMathType(conv, p.math), "cudnnSetConvolutionMathType", device);
  }
  ~Descriptors() {
    if (x) cudnnDestroyTensorDescriptor(x);
    if (y) cudnnDestroyTensorDescriptor(y);
    if (w) cudnnDestroyFilterDescriptor(w);
    if (conv) cudnnDestroyConvolutionDescriptor(conv);
  }
  Descriptors(const Descriptors&) = delete;
  Descriptors& operator=(const Descriptors&) = delete;
};

struct Choice {
  int algo = 0;
  size_t workspace = 0;
};

std::mutex g_cache_mutex;
std::map<std::tuple<int, bool, bool, std::vector<int>>, Choice>& algo_cache() {
  static auto* c = new std::map<std::tuple<int, bool, bool, std::vector<int>>, Choice>();
  return *c;
}

// Picks (and caches) the algorithm of a pass. In benchmark mode the timed search needs real
// buffers: the caller's (x, w, y are the pass's operands; outputs get overwritten later anyway).
Choice choose(const KernelArgs& a, cudnnHandle_t h, const ConvProblem& p, const Descriptors& d, Pass pass, void* x,
              void* w, void* y) {
  const bool benchmark = config().cudnn_benchmark.load(std::memory_order_relaxed);
  const bool deterministic = config().cudnn_deterministic.load(std::memory_order_relaxed);
  const auto key = std::make_tuple(static_cast<int>(pass), benchmark, deterministic, p.key());
  {
    std::lock_guard<std::mutex> lock(g_cache_mutex);
    auto it = algo_cache().find(key);
    if (it != algo_cache().end()) return it->second;
  }
  const int device = a.device_index();
  constexpr int kMax = 16;
  int found = 0;
  Choice best;
  bool have = false;
  auto consider = [&](int algo, cudnnStatus_t status, cudnnDeterminism_t det, size_t memory) {
    if (have || status != CUDNN_STATUS_SUCCESS) return;
    if (deterministic && det != CUDNN_DETERMINISTIC) return;
    best.algo = algo;
    best.workspace = memory;
    have = true;
  };
  if (pass == Pass::Forward) {
    cudnnConvolutionFwdAlgoPerf_t perf[kMax];
    if (benchmark) {
      size_t ws_size = size_t(256) << 20;
      void* ws = a.scratch(ws_size);
      EMBER_CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithmEx(h, d.x, x, d.w, w, d.conv, d.y, y, kMax, &found, perf, ws,
                                                               ws_size),
                        "cudnnFindConvolutionForwardAlgorithmEx", device);
    } else {
      EMBER_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.conv, d.y, kMax, &found, perf),
                        "cudnnGetConvolutionForwardAlgorithm_v7", device);
    }
    for (int i = 0; i < found; ++i) consider(perf[i].algo, perf[i].status, perf[i].determinism, perf[i].memory);
    if (have && !benchmark)
      EMBER_CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.conv, d.y,
                                                                static_cast<cudnnConvolutionFwdAlgo_t>(best.algo),
                                                                &best.workspace),
                        "cudnnGetConvolutionForwardWorkspaceSize", device);
  } else if (pass == Pass::BackwardData) {
    cudnnConvolutionBwdDataAlgoPerf_t perf[kMax];
    if (benchmark) {
      size_t ws_size = size_t(256) << 20;
      void* ws = a.scratch(ws_size);
      EMBER_CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithmEx(h, d.w, w, d.y, y, d.conv, d.x, x, kMax, &found,
                                                                    perf, ws, ws_size),
                        "cudnnFindConvolutionBackwardDataAlgorithmEx", device);
    } else {
      EMBER_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w, d.y, d.conv, d.x, kMax, &found, perf),
                        "cudnnGetConvolutionBackwardDataAlgorithm_v7", device);
    }
    for (int i = 0; i < found; ++i) consider(perf[i].algo, perf[i].status, perf[i].determinism, perf[i].memory);
    if (have && !benchmark)
      EMBER_CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.conv, d.x,
                                                                     static_cast<cudnnConvolutionBwdDataAlgo_t>(best.algo),
                                                                     &best.workspace),
                        "cudnnGetConvolutionBackwardDataWorkspaceSize", device);
  } else {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[kMax];
    if (benchmark) {
      size_t ws_size = size_t(256) << 20;
      void* ws = a.scratch(ws_size);
      EMBER_CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithmEx(h, d.x, x, d.y, y, d.conv, d.w, w, kMax, &found,
                                                                      perf, ws, ws_size),
                        "cudnnFindConvolutionBackwardFilterAlgorithmEx", device);
    } else {
      EMBER_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, d.x, d.y, d.conv, d.w, kMax, &found, perf),
                        "cudnnGetConvolutionBackwardFilterAlgorithm_v7", device);
    }
    for (int i = 0; i < found; ++i) consider(perf[i].algo, perf[i].status, perf[i].determinism, perf[i].memory);
    if (have && !benchmark)
      EMBER_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterWorkspaceSize(
                            h, d.x, d.y, d.conv, d.w, static_cast<cudnnConvolutionBwdFilterAlgo_t>(best.algo),
                            &best.workspace),
                        "cudnnGetConvolutionBackwardFilterWorkspaceSize", device);
  }
  EMBER_SDK_CHECK(have, EMBER_ERROR_NOT_IMPLEMENTED, "cuDNN has no ", deterministic ? "deterministic " : "",
                  "algorithm for this convolution (", ember::sdk::dtype_name(p.dtype), ")");
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  algo_cache()[key] = best;
  return best;
}

// An unbatched input ([C, H, W] for a 2-d convolution: one dim fewer than the weight) is a batch
// of one to cuDNN; its output, gradients and bias follow it.
bool is_unbatched(const TensorView& x, const TensorView& w) { return x.ndim() == w.ndim() - 1; }

// cuDNN's dims of t: [1] in front when unbatched; a 1-d problem lifted to 2-d.
std::vector<int> dims_of(const TensorView& t, bool lift, bool unbatched) {
  std::vector<int> d;
  if (unbatched) d.push_back(1);
  const int32_t channel_dim = unbatched ? 0 : 1;
  for (int32_t i = 0; i < t.ndim(); ++i) {
    EMBER_SDK_CHECK(t.size(i) <= INT32_MAX, EMBER_ERROR_NOT_IMPLEMENTED, "convolution dims above 2^31");
    d.push_back(static_cast<int>(t.size(i)));
    if (lift && i == channel_dim) d.push_back(1);  // [N, C, L] -> [N, C, 1, L]
  }
  return d;
}

std::vector<int> params_of(ember::sdk::IntList list, size_t n, int fill, bool lift) {
  std::vector<int> v;
  if (lift) v.push_back(fill == 0 ? 0 : 1);
  for (size_t i = 0; i < n; ++i)
    v.push_back(list.empty() ? fill : static_cast<int>(list.size() == 1 ? list[0] : list[static_cast<int64_t>(i)]));
  return v;
}

cudnnMathType_t math_for(int32_t dtype) {
  if (dtype == EMBER_DTYPE_FLOAT32)
    return config().allow_tf32.load(std::memory_order_relaxed) ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
  if (dtype == EMBER_DTYPE_FLOAT64) return CUDNN_DEFAULT_MATH;
  return CUDNN_TENSOR_OP_MATH;
}

// The problem of a (non-transposed) convolution x * w -> y. For a transposed convolution the
// caller passes its output as x and its input as y (cuDNN's backward-data roles).
ConvProblem problem(const TensorView& x, const TensorView& w, const TensorView& y, const KernelArgs& a, int stride_i,
                    int padding_i, int dilation_i, int groups_i) {
  ConvProblem p;
  p.dtype = x.dtype();
  const size_t nsp = static_cast<size_t>(w.ndim() - 2);
  EMBER_SDK_CHECK(nsp >= 1 && nsp <= 3, EMBER_ERROR_VALUE, "expected a 3-d, 4-d or 5-d weight, got ", w.ndim(), " dims");
  const bool unbatched = is_unbatched(x, w);
  EMBER_SDK_CHECK(unbatched || x.ndim() == w.ndim(), EMBER_ERROR_VALUE, "expected a ", w.ndim(), "-d or ", w.ndim() - 1,
                  "-d input for a ", w.ndim(), "-d weight, got ", x.ndim(), " dims");
  const bool lift = nsp == 1;
  p.nsp = lift ? 2 : static_cast<int>(nsp);
  p.x = dims_of(x, lift, unbatched);
  p.w = dims_of(w, lift, false);
  p.y = dims_of(y, lift, unbatched);
  p.stride = params_of(a.int_list(stride_i), nsp, 1, lift);
  p.pad = params_of(a.int_list(padding_i), nsp, 0, lift);
  p.dilation = params_of(a.int_list(dilation_i), nsp, 1, lift);
  p.groups = static_cast<int>(a.int_(groups_i));
  p.math = math_for(p.dtype);
  return p;
}

// One cuDNN pass: y = conv(x, w) (Forward), x = conv^T(w, y) (BackwardData), w = grad(x, y)
// (BackwardFilter); the buffers are dense.
void run_pass(const KernelArgs& a, const ConvProblem& p, Pass pass, void* x, void* w, void* y, double beta = 0.0) {
  const int device = a.device_index();
  DeviceScope scope(device);
  cudaStream_t stream = to_cuda(a.stream());
  cudnnHandle_t h = handle_for(device, stream);
  // The graph API's cached plans first (cudnn_conv_plans.h); EMBER_CUDNN_LEGACY_API=1 keeps
  // every call on the v7-style API below (for comparisons and as a way around a cuDNN problem).
  static const bool legacy_only = [] {
    const char* v = std::getenv("EMBER_CUDNN_LEGACY_API");
    return v != nullptr && *v != '\0' && *v != '0';
  }();
  if (!legacy_only && beta == 0.0 && run_conv_with_plan(a, h, p, pass, x, w, y)) return;
  Descriptors d(p, device);
  const Choice c = choose(a, h, p, d, pass, x, w, y);
  void* ws = c.workspace ? a.scratch(c.workspace) : nullptr;
  const double one_d = 1.0, beta_d = beta;
  const float one_f = 1.0f, beta_f = static_cast<float>(beta);
  const void* alpha = p.dtype == EMBER_DTYPE_FLOAT64 ? static_cast<const void*>(&one_d) : &one_f;
  const void* bta = p.dtype == EMBER_DTYPE_FLOAT64 ? static_cast<const void*>(&beta_d) : &beta_f;
  const char* what = pass == Pass::Forward ? "cudnnConvolutionForward"
                     : pass == Pass::BackwardData ? "cudnnConvolutionBackwardData"
                                                  : "cudnnConvolutionBackwardFilter";
  cudnnStatus_t s;
  if (pass == Pass::Forward)
    s = cudnnConvolutionForward(h, alpha, d.x, x, d.w, w, d.conv, static_cast<cudnnConvolutionFwdAlgo_t>(c.algo), ws,
                                c.workspace, bta, d.y, y);
  else if (pass == Pass::BackwardData)
    s = cudnnConvolutionBackwardData(h, alpha, d.w, w, d.y, y, d.conv, static_cast<cudnnConvolutionBwdDataAlgo_t>(c.algo),
                                     ws, c.workspace, bta, d.x, x);
  else
    s = cudnnConvolutionBackwardFilter(h, alpha, d.x, x, d.y, y, d.conv,
                                       static_cast<cudnnConvolutionBwdFilterAlgo_t>(c.algo), ws, c.workspace, bta, d.w, w);
  EMBER_CUDNN_CHECK(s, what, device);
  after_library_call(stream, device, what);
}

void* dense_mut(const KernelArgs& a, const TensorView& t) { return const_cast<void*>(dense_input(a, t)); }

void convolution(KernelArgs& a) {
  using Op = ops::convolution_out;
  TensorView input = a.tensor(Op::input), weight = a.tensor(Op::weight), out = a.tensor(Op::out);
  const std::optional<TensorView> bias = a.optional_tensor(Op::bias);
  const bool transposed = a.bool_(Op::transposed);
  if (out.numel() == 0) return;
  DenseOutput y(a, out);
  if (input.numel() == 0 || weight.numel() == 0) {
    DeviceScope scope(a.device_index());
    EMBER_CUDA_CHECK(cudaMemsetAsync(y.data(), 0, static_cast<size_t>(out.numel()) * out.element_size(), to_cuda(a.stream())),
                     "cudaMemsetAsync", a.device_index());
  } else if (!transposed) {
    const ConvProblem p = problem(input, weight, out, a, Op::stride, Op::padding, Op::dilation, Op::groups);
    run_pass(a, p, Pass::Forward, dense_mut(a, input), dense_mut(a, weight), y.data());
  } else {
    const ConvProblem p = problem(out, weight, input, a, Op::stride, Op::padding, Op::dilation, Op::groups);
    run_pass(a, p, Pass::BackwardData, y.data(), dense_mut(a, weight), dense_mut(a, input));
  }
  if (bias) {
    const int device = a.device_index();
    DeviceScope scope(device);
    cudaStream_t stream = to_cuda(a.stream());
    cudnnHandle_t h = handle_for(device, stream);
    const cudnnDataType_t t = cudnn_type(out.dtype());
    std::vector<int> ydims = dims_of(out, weight.ndim() == 3, is_unbatched(out, weight));
    std::vector<int> bdims(ydims.size(), 1);
    bdims[1] = ydims[1];
    cudnnTensorDescriptor_t yd = nullptr, bd = nullptr;
    EMBER_CUDNN_CHECK(cudnnCreateTensorDescriptor(&yd), "cudnnCreateTensorDescriptor", device);
    EMBER_CUDNN_CHECK(cudnnCreateTensorDescriptor(&bd), "cudnnCreateTensorDescriptor", device);
    auto set = [&](cudnnTensorDescriptor_t d, const std::vector<int>& dims) {
      std::vector<int> strides(dims.size());
      int s = 1;
      for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
        strides[static_cast<size_t>(i)] = s;
        s *= dims[static_cast<size_t>(i)];
      }
      return cudnnSetTensorNdDescriptor(d, t, static_cast<int>(dims.size()), dims.data(), strides.data());
    };
    cudnnStatus_t s = set(yd, ydims);
    if (s == CUDNN_STATUS_SUCCESS) s = set(bd, bdims);
    const double one_d = 1.0;
    const float one_f = 1.0f;
    const void* one = out.dtype() == EMBER_DTYPE_FLOAT64 ? static_cast<const void*>(&one_d) : &one_f;
    if (s == CUDNN_STATUS_SUCCESS) s = cudnnAddTensor(h, one, bd, dense_input(a, *bias), one, yd, y.data());
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyTensorDescriptor(bd);
    EMBER_CUDNN_CHECK(s, "cudnnAddTensor (convolution bias)", device);
  }
  y.commit();
}

void convolution_backward(KernelArgs& a) {
  using Op = ops::convolution_backward_out;
  TensorView grad = a.tensor(Op::grad_output), input = a.tensor(Op::input), weight = a.tensor(Op::weight);
  const bool transposed = a.bool_(Op::transposed);
  const ember::sdk::IntList mask = a.int_list(Op::output_mask);
  EMBER_SDK_CHECK(mask.size() == 3, EMBER_ERROR_VALUE, "output_mask must have 3 elements, got ", mask.size());
  const bool empty = grad.numel() == 0 || input.numel() == 0 || weight.numel() == 0;
  auto zero = [&](const TensorView& t, void* data) {
    DeviceScope scope(a.device_index());
    EMBER_CUDA_CHECK(cudaMemsetAsync(data, 0, static_cast<size_t>(t.numel()) * t.element_size(), to_cuda(a.stream())),
                     "cudaMemsetAsync", a.device_index());
  };
  if (mask[0] != 0) {
    TensorView gi_t = a.tensor(Op::out0);
    DenseOutput gi(a, gi_t);
    if (gi_t.numel() > 0) {
      if (empty) {
        zero(gi_t, gi.data());
      } else if (!transposed) {
        const ConvProblem p = problem(input, weight, grad, a, Op::stride, Op::padding, Op::dilation, Op::groups);
        run_pass(a, p, Pass::BackwardData, gi.data(), dense_mut(a, weight), dense_mut(a, grad));
      } else {
        // The transposed forward was backward-data(weight, input): its input grad is a forward pass.
        const ConvProblem p = problem(grad, weight, input, a, Op::stride, Op::padding, Op::dilation, Op::groups);
        run_pass(a, p, Pass::Forward, dense_mut(a, grad), dense_mut(a, weight), gi.data());
      }
    }
    gi.commit();
  }
  if (mask[1] != 0) {
    TensorView gw_t = a.tensor(Op::out1);
    DenseOutput gw(a, gw_t);
    if (gw_t.numel() > 0) {
      if (empty) {
        zero(gw_t, gw.data());
      } else if (!transposed) {
        const ConvProblem p = problem(input, weight, grad, a, Op::stride, Op::padding, Op::dilation, Op::groups);
        run_pass(a, p, Pass::BackwardFilter, dense_mut(a, input), gw.data(), dense_mut(a, grad));
      } else {
        const ConvProblem p = problem(grad, weight, input, a, Op::stride, Op::padding, Op::dilation, Op::groups);
        run_pass(a, p, Pass::BackwardFilter, dense_mut(a, grad), gw.data(), dense_mut(a, input));
      }
    }
    gw.commit();
  }
  if (mask[2] != 0) {
    // grad_bias[c] = sum of grad over every dim but the channel's (0 when unbatched, else 1).
    const int32_t channel_dim = is_unbatched(grad, weight) ? 0 : 1;
    uint64_t dims = 0;
    for (int32_t d = 0; d < grad.ndim(); ++d)
      if (d != channel_dim) dims |= 1ull << d;
    run_reduce(a, ReduceKind::Sum, grad, dims, a.tensor(Op::out2));
  }
}

}  // namespace

void register_conv_kernels(Registrar& reg) {
  reg.kernel<ops::convolution_out>(kDevice, kFloatingDTypes, convolution);
  reg.kernel<ops::convolution_backward_out>(kDevice, kFloatingDTypes, convolution_backward);
}

}  // namespace ember_cuda
