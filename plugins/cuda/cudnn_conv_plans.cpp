// See cudnn_conv_plans.h.
#include "cudnn_conv_plans.h"

#include <algorithm>
#include <map>
#include <memory>

#include "launcher.h"

namespace ember_cuda {
namespace {

// Owns one backend descriptor.
class Descriptor {
 public:
  explicit Descriptor(cudnnBackendDescriptorType_t type) {
    if (cudnnBackendCreateDescriptor(type, &d_) != CUDNN_STATUS_SUCCESS) d_ = nullptr;
  }
  ~Descriptor() {
    if (d_) cudnnBackendDestroyDescriptor(d_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  cudnnBackendDescriptor_t get() const { return d_; }
  explicit operator bool() const { return d_ != nullptr; }

 private:
  cudnnBackendDescriptor_t d_ = nullptr;
};
using DescriptorPtr = std::shared_ptr<Descriptor>;

// Building a plan: each step may fail (the graph API has no engine for a problem); the first
// failure ends the attempt and the caller falls back to the v7-style path.
struct Builder {
  bool ok = true;
  std::vector<DescriptorPtr> keep;  // everything the plan refers to stays alive with it

  DescriptorPtr make(cudnnBackendDescriptorType_t type) {
    auto d = std::make_shared<Descriptor>(type);
    if (!*d) ok = false;
    keep.push_back(d);
    return d;
  }
  void set(const DescriptorPtr& d, cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count,
           const void* value) {
    if (ok && cudnnBackendSetAttribute(d->get(), name, type, count, value) != CUDNN_STATUS_SUCCESS) ok = false;
  }
  void finalize(const DescriptorPtr& d) {
    if (ok && cudnnBackendFinalize(d->get()) != CUDNN_STATUS_SUCCESS) ok = false;
  }
};

std::vector<int64_t> to64(const std::vector<int>& v) { return std::vector<int64_t>(v.begin(), v.end()); }

DescriptorPtr tensor(Builder& b, const std::vector<int>& dims, cudnnDataType_t type, int64_t uid, int64_t alignment) {
  const std::vector<int64_t> d = to64(dims);
  std::vector<int64_t> strides(d.size());
  int64_t s = 1;
  for (size_t i = d.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(d[i], 1);
  }
  DescriptorPtr t = b.make(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  b.set(t, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &type);
  b.set(t, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, static_cast<int64_t>(d.size()), d.data());
  b.set(t, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, static_cast<int64_t>(strides.size()), strides.data());
  b.set(t, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid);
  b.set(t, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &alignment);
  b.finalize(t);
  return t;
}

constexpr int64_t kUidX = 'x', kUidW = 'w', kUidY = 'y';

// The operation graph of one pass (null when cuDNN refuses it).
DescriptorPtr operation_graph(Builder& b, cudnnHandle_t handle, const ConvProblem& p, Pass pass,
                              int64_t alignment) {
  const cudnnDataType_t data_type = cudnn_type(p.dtype);
  const bool f64 = data_type == CUDNN_DATA_DOUBLE;
  const cudnnDataType_t compute = f64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
  DescriptorPtr x = tensor(b, p.x, data_type, kUidX, alignment);
  DescriptorPtr w = tensor(b, p.w, data_type, kUidW, alignment);
  DescriptorPtr y = tensor(b, p.y, data_type, kUidY, alignment);

  DescriptorPtr conv = b.make(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR);
  const int64_t nsp = p.nsp;
  const std::vector<int64_t> pad = to64(p.pad), stride = to64(p.stride), dilation = to64(p.dilation);
  const cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
  b.set(conv, CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &compute);
  b.set(conv, CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode);
  b.set(conv, CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &nsp);
  b.set(conv, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, nsp, pad.data());
  b.set(conv, CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, nsp, pad.data());
  b.set(conv, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, nsp, stride.data());
  b.set(conv, CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, nsp, dilation.data());
  b.finalize(conv);

  const double one_d = 1.0, zero_d = 0.0;
  const float one_f = 1.0f, zero_f = 0.0f;
  const cudnnBackendAttributeType_t scalar = f64 ? CUDNN_TYPE_DOUBLE : CUDNN_TYPE_FLOAT;
  const void* one = f64 ? static_cast<const void*>(&one_d) : &one_f;
  const void* zero = f64 ? static_cast<const void*>(&zero_d) : &zero_f;
  cudnnBackendDescriptor_t xd = x->get(), wd = w->get(), yd = y->get(), cd = conv->get();
  // The operation's descriptor type and attribute names, per pass: x, w, y, conv, alpha, beta.
  struct OpAttributes {
    cudnnBackendDescriptorType_t type;
    cudnnBackendAttributeName_t x, w, y, conv, alpha, beta;
  };
  static const OpAttributes kOps[] = {
      {CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X,
       CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y,
       CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA,
       CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA},
      {CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DX,
       CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_W, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DY,
       CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_CONV_DESC, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_ALPHA,
       CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_BETA},
      {CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_FILTER_DESCRIPTOR, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_X,
       CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_DW, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_DY,
       CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_CONV_DESC, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_ALPHA,
       CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_BETA},
  };
  const OpAttributes& names = kOps[static_cast<int>(pass)];
  DescriptorPtr op = b.make(names.type);
  b.set(op, names.x, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &xd);
  b.set(op, names.w, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &wd);
  b.set(op, names.y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &yd);
  b.set(op, names.conv, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cd);
  b.set(op, names.alpha, scalar, 1, one);
  b.set(op, names.beta, scalar, 1, zero);
  b.finalize(op);

  DescriptorPtr graph = b.make(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
  cudnnBackendDescriptor_t od = op->get();
  b.set(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &od);
  b.set(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
  b.finalize(graph);
  return b.ok ? graph : nullptr;
}

// The engine configurations cuDNN's heuristics list for `graph` in `mode`, best first.
std::vector<DescriptorPtr> heuristic_configs(Builder& b, const DescriptorPtr& graph, cudnnBackendHeurMode_t mode) {
  Builder local;
  DescriptorPtr heur = local.make(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
  cudnnBackendDescriptor_t gd = graph->get();
  local.set(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &gd);
  local.set(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &mode);
  local.finalize(heur);
  int64_t count = 0;
  if (!local.ok || cudnnBackendGetAttribute(heur->get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0,
                                            &count, nullptr) != CUDNN_STATUS_SUCCESS || count <= 0)
    return {};
  std::vector<DescriptorPtr> configs;
  std::vector<cudnnBackendDescriptor_t> raw;
  for (int64_t i = 0; i < count; ++i) {
    configs.push_back(std::make_shared<Descriptor>(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
    if (!*configs.back()) return {};
    raw.push_back(configs.back()->get());
  }
  int64_t got = 0;
  if (cudnnBackendGetAttribute(heur->get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &got,
                               raw.data()) != CUDNN_STATUS_SUCCESS)
    return {};
  configs.resize(static_cast<size_t>(std::min(got, count)));
  for (const auto& c : configs) b.keep.push_back(c);
  return configs;
}

// The configuration's cuDNN modes, read once per call.
struct Modes {
  bool deterministic = config().cudnn_deterministic.load(std::memory_order_relaxed);
  bool benchmark = config().cudnn_benchmark.load(std::memory_order_relaxed);
};

// Whether an engine configuration keeps the caller's numerics (see the header).
bool acceptable(const DescriptorPtr& config, const ConvProblem& p, const Modes& modes) {
  Descriptor engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
  if (!engine) return false;
  cudnnBackendDescriptor_t ed = engine.get();
  int64_t n = 0;
  if (cudnnBackendGetAttribute(config->get(), CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n, &ed) !=
      CUDNN_STATUS_SUCCESS)
    return false;
  cudnnBackendNumericalNote_t notes[CUDNN_NUMERICAL_NOTE_TYPE_COUNT];
  int64_t count = 0;
  if (cudnnBackendGetAttribute(ed, CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, CUDNN_TYPE_NUMERICAL_NOTE,
                               CUDNN_NUMERICAL_NOTE_TYPE_COUNT, &count, notes) != CUDNN_STATUS_SUCCESS)
    return false;
  for (int64_t i = 0; i < count; ++i) {
    if (notes[i] == CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS) return false;
    if (notes[i] == CUDNN_NUMERICAL_NOTE_TENSOR_CORE && p.math != CUDNN_TENSOR_OP_MATH) return false;
    if (notes[i] == CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC && modes.deterministic) return false;
  }
  return true;
}

struct Plan {
  std::vector<DescriptorPtr> keep;
  DescriptorPtr plan;  // null: no plan for this problem
  int64_t workspace = 0;
};

constexpr int64_t kMaxWorkspace = int64_t(1) << 30;
constexpr size_t kMaxTimed = 8;

void execute(cudnnHandle_t handle, const Plan& plan, void* x, void* w, void* y, void* workspace, const char* what,
             int device) {
  Descriptor pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  EMBER_SDK_CHECK(bool(pack), EMBER_ERROR_DEVICE, "cuDNN could not create a variant pack on cuda:", device);
  const int64_t uids[3] = {kUidX, kUidW, kUidY};
  void* pointers[3] = {x, w, y};
  cudnnStatus_t s = cudnnBackendSetAttribute(pack.get(), CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 3, uids);
  if (s == CUDNN_STATUS_SUCCESS)
    s = cudnnBackendSetAttribute(pack.get(), CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 3, pointers);
  if (s == CUDNN_STATUS_SUCCESS)
    s = cudnnBackendSetAttribute(pack.get(), CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace);
  if (s == CUDNN_STATUS_SUCCESS) s = cudnnBackendFinalize(pack.get());
  if (s == CUDNN_STATUS_SUCCESS) s = cudnnBackendExecute(handle, plan.plan->get(), pack.get());
  if (s != CUDNN_STATUS_SUCCESS)
    throw ember::sdk::Error(EMBER_ERROR_DEVICE,
                            concat("cuDNN error on cuda:", device, " during ", what, ": ", cudnnGetErrorString(s)));
}

// Times a finalized plan on the call's buffers (`ws`: at least its workspace): the median of
// three runs after one warm-up.
float time_plan(const KernelArgs& a, cudnnHandle_t handle, const Plan& plan, void* x, void* w, void* y, void* ws) {
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  cudaEvent_t start = nullptr, end = nullptr;
  EMBER_CUDA_CHECK(cudaEventCreate(&start), "cudaEventCreate", device);
  EMBER_CUDA_CHECK(cudaEventCreate(&end), "cudaEventCreate", device);
  std::vector<float> times;
  try {
    execute(handle, plan, x, w, y, ws, "timing a convolution plan", device);
    for (int i = 0; i < 3; ++i) {
      EMBER_CUDA_CHECK(cudaEventRecord(start, stream), "cudaEventRecord", device);
      execute(handle, plan, x, w, y, ws, "timing a convolution plan", device);
      EMBER_CUDA_CHECK(cudaEventRecord(end, stream), "cudaEventRecord", device);
      EMBER_CUDA_CHECK(cudaEventSynchronize(end), "cudaEventSynchronize", device);
      float ms = 0;
      EMBER_CUDA_CHECK(cudaEventElapsedTime(&ms, start, end), "cudaEventElapsedTime", device);
      times.push_back(ms);
    }
  } catch (const ember::sdk::Error&) {
    times.assign(1, 1e30f);  // an engine that fails to run is never chosen
  }
  cudaEventDestroy(start);
  cudaEventDestroy(end);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::shared_ptr<const Plan> build_plan(const KernelArgs& a, cudnnHandle_t handle, const ConvProblem& p,
                                       Pass pass, const Modes& modes, int64_t alignment, void* x, void* w, void* y) {
  auto result = std::make_shared<Plan>();
  Builder b;
  DescriptorPtr graph = operation_graph(b, handle, p, pass, alignment);
  if (!graph) return result;
  std::vector<std::shared_ptr<Plan>> candidates;
  for (cudnnBackendHeurMode_t mode : {CUDNN_HEUR_MODE_A, CUDNN_HEUR_MODE_FALLBACK}) {
    for (const DescriptorPtr& config : heuristic_configs(b, graph, mode)) {
      if (!acceptable(config, p, modes)) continue;
      Builder pb;
      DescriptorPtr plan = pb.make(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
      cudnnBackendDescriptor_t cd = config->get();
      pb.set(plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
      pb.set(plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cd);
      pb.finalize(plan);
      int64_t workspace = 0, n = 0;
      if (!pb.ok || cudnnBackendGetAttribute(plan->get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1,
                                             &n, &workspace) != CUDNN_STATUS_SUCCESS ||
          workspace < 0 || workspace > kMaxWorkspace)
        continue;
      auto candidate = std::make_shared<Plan>();
      candidate->plan = plan;
      candidate->workspace = workspace;
      candidates.push_back(candidate);
      if (!modes.benchmark || candidates.size() >= kMaxTimed) break;
    }
    if (!candidates.empty()) break;
  }
  if (candidates.empty()) return result;
  std::shared_ptr<Plan> best = candidates.front();
  if (modes.benchmark && candidates.size() > 1) {
    // One workspace for all candidates (scratch memory lives until the call ends).
    int64_t largest = 0;
    for (const auto& c : candidates) largest = std::max(largest, c->workspace);
    void* ws = largest ? a.scratch(static_cast<size_t>(largest)) : nullptr;
    float best_ms = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
      const float ms = time_plan(a, handle, *candidates[i], x, w, y, ws);
      if (i == 0 || ms < best_ms) {
        best_ms = ms;
        best = candidates[i];
      }
    }
  }
  best->keep = std::move(b.keep);
  return best;
}

// The largest power of two (up to 16) dividing every pointer: what the plan may assume.
int64_t alignment_of(const void* x, const void* w, const void* y) {
  const auto bits = reinterpret_cast<uintptr_t>(x) | reinterpret_cast<uintptr_t>(w) | reinterpret_cast<uintptr_t>(y);
  int64_t a = 16;
  while (a > 1 && (bits & static_cast<uintptr_t>(a - 1)) != 0) a /= 2;
  return a;
}

std::vector<int64_t> cache_key(cudnnHandle_t handle, const ConvProblem& p, Pass pass, const Modes& modes,
                               int64_t alignment) {
  std::vector<int64_t> k = {static_cast<int64_t>(reinterpret_cast<uintptr_t>(handle)), static_cast<int64_t>(pass),
                            alignment, modes.deterministic, modes.benchmark};
  for (int v : p.key()) k.push_back(v);
  return k;
}

}  // namespace

bool run_conv_with_plan(const KernelArgs& a, cudnnHandle_t handle, const ConvProblem& p, Pass pass, void* x,
                        void* w, void* y) {
  thread_local std::map<std::vector<int64_t>, std::shared_ptr<const Plan>> plans;
  const Modes modes;
  const int64_t alignment = alignment_of(x, w, y);
  const std::vector<int64_t> key = cache_key(handle, p, pass, modes, alignment);
  auto it = plans.find(key);
  if (it == plans.end()) it = plans.emplace(key, build_plan(a, handle, p, pass, modes, alignment, x, w, y)).first;
  const Plan& plan = *it->second;
  if (!plan.plan) return false;
  const int device = a.device_index();
  void* ws = plan.workspace ? a.scratch(static_cast<size_t>(plan.workspace)) : nullptr;
  const char* what = pass == Pass::Forward        ? "convolution forward (execution plan)"
                     : pass == Pass::BackwardData ? "convolution backward data (execution plan)"
                                                      : "convolution backward filter (execution plan)";
  execute(handle, plan, x, w, y, ws, what, device);
  after_library_call(to_cuda(a.stream()), device, what);
  return true;
}

}  // namespace ember_cuda
