// Autocast: the thread-local state, PyTorch 1.13's op lists and the boxed fallback at
// kAutocastFunctionality that applies them (see autocast.h).
#include "ops/autocast.h"

#include <mutex>
#include <unordered_map>

#include "core/error.h"
#include "core/runtime_hook.h"
#include "core/tensor.h"
#include "dispatcher/dispatcher.h"

namespace ember {
namespace {

// Per device type: enabled bit and dtype. Undefined dtype means "the device's default".
struct AutocastState {
  uint32_t enabled_mask = 0;
  ScalarType dtype[kMaxDeviceTypes];
  AutocastState() {
    for (auto& d : dtype) d = ScalarType::Undefined;
  }
};
thread_local AutocastState tls_autocast;

constexpr DispatchKeySet kAutocastKey = DispatchKeySet::functionality(kAutocastFunctionality);

using PolicyTable = std::unordered_map<std::string, AutocastPolicy>;

void add(PolicyTable& t, AutocastPolicy p, std::initializer_list<const char*> names) {
  for (const char* n : names) t.emplace(n, p);
}

// aten/src/ATen/autocast_mode.cpp, PyTorch 1.13, CUDA (used for every device type but cpu).
const PolicyTable& cuda_policies() {
  static const PolicyTable t = [] {
    PolicyTable m;
    add(m, AutocastPolicy::LowerPrecision,
        {"_convolution", "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d",
         "conv_transpose3d", "convolution", "cudnn_convolution", "cudnn_convolution_transpose", "prelu", "addmm",
         "addmv", "addr", "matmul", "einsum", "mm", "mv", "linear", "addbmm", "baddbmm", "bmm", "chain_matmul",
         "linalg_multi_dot", "_thnn_fused_lstm_cell", "_thnn_fused_gru_cell", "lstm_cell", "gru_cell",
         "rnn_tanh_cell", "rnn_relu_cell"});
    add(m, AutocastPolicy::Float32,
        {"acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p", "reciprocal", "rsqrt",
         "sinh", "tan", "pow", "softplus", "layer_norm", "native_layer_norm", "group_norm", "frobenius_norm",
         "nuclear_norm", "cosine_similarity", "poisson_nll_loss", "cosine_embedding_loss", "nll_loss", "nll_loss2d",
         "hinge_embedding_loss", "kl_div", "l1_loss", "smooth_l1_loss", "huber_loss", "mse_loss",
         "margin_ranking_loss", "multilabel_margin_loss", "soft_margin_loss", "triplet_margin_loss",
         "multi_margin_loss", "binary_cross_entropy_with_logits", "dist", "pdist", "cdist", "renorm", "logsumexp",
         "upsample_nearest1d", "_upsample_nearest_exact1d", "upsample_nearest2d", "_upsample_nearest_exact2d",
         "upsample_nearest3d", "_upsample_nearest_exact3d", "upsample_linear1d", "upsample_bilinear2d",
         "upsample_trilinear3d", "upsample_bicubic2d", "norm", "cross_entropy_loss"});
    add(m, AutocastPolicy::Float32SetDtype,
        {"prod", "softmax", "log_softmax", "cumprod", "cumsum", "linalg_vector_norm", "linalg_matrix_norm", "sum"});
    add(m, AutocastPolicy::Promote,
        {"addcdiv", "addcmul", "atan2", "bilinear", "cross", "dot", "grid_sampler", "index_put", "scatter_add",
         "tensordot", "cat", "stack"});
    add(m, AutocastPolicy::Banned, {"binary_cross_entropy"});
    return m;
  }();
  return t;
}

// The same file's CPU lists (bfloat16).
const PolicyTable& cpu_policies() {
  static const PolicyTable t = [] {
    PolicyTable m;
    add(m, AutocastPolicy::LowerPrecision,
        {"conv1d", "conv2d", "conv3d", "bmm", "mm", "baddbmm", "addmm", "addbmm", "linear", "_convolution", "matmul",
         "conv_tbc", "mkldnn_rnn_layer", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "prelu"});
    add(m, AutocastPolicy::Float32,
        {"avg_pool3d", "binary_cross_entropy", "grid_sampler", "polar", "prod", "quantile", "nanquantile", "stft",
         "cdist", "trace", "view_as_complex", "cholesky", "cholesky_inverse", "cholesky_solve", "inverse",
         "lu_solve", "orgqr", "ormqr", "pinverse", "max_pool3d", "max_unpool2d", "max_unpool3d",
         "adaptive_avg_pool3d", "reflection_pad1d", "reflection_pad2d", "replication_pad1d", "replication_pad2d",
         "replication_pad3d", "mse_loss", "ctc_loss", "kl_div", "multilabel_margin_loss", "fft_fft", "fft_ifft",
         "fft_fft2", "fft_ifft2", "fft_fftn", "fft_ifftn", "fft_rfft", "fft_irfft", "fft_rfft2", "fft_irfft2",
         "fft_rfftn", "fft_irfftn", "fft_hfft", "fft_ihfft", "linalg_cond", "linalg_matrix_rank", "linalg_solve",
         "linalg_cholesky", "linalg_svdvals", "linalg_eigvals", "linalg_eigvalsh", "linalg_inv", "linalg_householder_product",
         "linalg_tensorinv", "linalg_tensorsolve", "fake_quantize_per_tensor_affine", "geqrf", "_lu_with_info", "qr",
         "svd", "triangular_solve", "fractional_max_pool2d", "fractional_max_pool3d", "adaptive_max_pool3d",
         "multilabel_margin_loss_forward", "linalg_qr", "linalg_cholesky_ex", "linalg_svd", "linalg_eig",
         "linalg_eigh", "linalg_lstsq", "linalg_inv_ex"});
    add(m, AutocastPolicy::Promote, {"stack", "cat", "index_copy"});
    return m;
  }();
  return t;
}

DeviceTypeId checked_device_type(const std::string& device_type) {
  detail::ensure_runtime_initialized();  // device types come from plugins
  DeviceTypeId id = find_device_type(device_type);
  EMBER_CHECK(id != kInvalidDeviceType, ValueError, "[autocast] unknown device type '", device_type, "'");
  return id;
}

AutocastPolicy policy_for(const std::string& op_name, const std::string& device_type) {
  const PolicyTable& t = device_type == "cpu" ? cpu_policies() : cuda_policies();
  auto it = t.find(op_name);
  return it == t.end() ? AutocastPolicy::None : it->second;
}

bool enabled_for(DeviceTypeId d) { return d != kInvalidDeviceType && ((tls_autocast.enabled_mask >> d) & 1u); }

ScalarType dtype_for(DeviceTypeId d) {
  ScalarType t = tls_autocast.dtype[d];
  if (t != ScalarType::Undefined) return t;
  return device_type_name(d) == "cpu" ? ScalarType::BFloat16 : ScalarType::Float16;
}

// PyTorch's is_eligible: a defined floating tensor on the autocast device, float64 left alone.
bool eligible(const Tensor& t, DeviceTypeId device) {
  return t.defined() && t.is_floating_point() && t.scalar_type() != ScalarType::Float64 &&
         t.device().type() == device;
}

// Applies fn to every tensor (and tensor-list element) argument on the stack.
template <typename Fn>
void for_each_tensor_arg(const FunctionSchema& s, Stack* stack, Fn fn) {
  size_t base = stack->size() - s.arguments().size();
  for (size_t i = 0; i < s.arguments().size(); ++i) {
    IValue& v = (*stack)[base + i];
    if (v.is_tensor()) {
      Tensor t = v.to_tensor();
      if (fn(t)) v = IValue(std::move(t));
    } else if (v.is_tensor_list()) {
      std::vector<Tensor> list = v.to_tensor_list();
      bool changed = false;
      for (Tensor& t : list) changed = fn(t) || changed;
      if (changed) v = IValue(std::move(list));
    }
  }
}

void cast_args(const FunctionSchema& s, Stack* stack, DeviceTypeId device, ScalarType to) {
  for_each_tensor_arg(s, stack, [&](Tensor& t) {
    if (!eligible(t, device) || t.scalar_type() == to) return false;
    t = t.to(to);
    return true;
  });
}

// promote_types over the eligible arguments: float32 if any is float32 or float16 meets bfloat16.
ScalarType widest_floating(const FunctionSchema& s, Stack* stack, DeviceTypeId device) {
  ScalarType widest = ScalarType::Undefined;
  for_each_tensor_arg(s, stack, [&](Tensor& t) {
    if (!eligible(t, device)) return false;
    ScalarType d = t.scalar_type();
    widest = (widest == ScalarType::Undefined || widest == d) ? d : ScalarType::Float32;
    return false;
  });
  return widest;
}

// sum/softmax/...: dtype=float32 when the caller left dtype unset and the first tensor is eligible.
void set_float32_dtype(const FunctionSchema& s, Stack* stack, DeviceTypeId device) {
  size_t base = stack->size() - s.arguments().size();
  int dtype_index = -1;
  bool first_eligible = false, seen_tensor = false;
  for (size_t i = 0; i < s.arguments().size(); ++i) {
    const Argument& a = s.arguments()[i];
    if (a.name == "dtype" && a.type.base == BaseType::ScalarType) dtype_index = static_cast<int>(i);
    const IValue& v = (*stack)[base + i];
    if (!seen_tensor && v.is_tensor()) {
      seen_tensor = true;
      first_eligible = eligible(v.to_tensor(), device);
    }
  }
  if (!first_eligible) return;
  if (dtype_index < 0) {  // an op of this name without a dtype argument: cast its inputs instead
    cast_args(s, stack, device, ScalarType::Float32);
    return;
  }
  IValue& d = (*stack)[base + static_cast<size_t>(dtype_index)];
  if (d.is_none()) d = IValue(ScalarType::Float32);
}

// In-place and out= overloads keep their dtypes, as in PyTorch (only functional overloads are listed).
bool writes_an_argument(const FunctionSchema& s) {
  for (const Argument& a : s.arguments())
    if (a.alias && a.alias->is_write) return true;
  return false;
}

void autocast_fallback(void*, const OperatorHandle& op, DispatchKeySet ks, Stack* stack) {
  const DispatchKeySet below = ks & DispatchKeySet::below(kAutocastFunctionality);
  const DeviceTypeId device = ks.highest_backend();
  const FunctionSchema& s = op.schema();
  AutocastPolicy policy = enabled_for(device) ? policy_for(s.name(), device_type_name(device)) : AutocastPolicy::None;
  if (policy == AutocastPolicy::None || writes_an_argument(s)) {
    op.redispatch_boxed(below, stack);
    return;
  }
  ExcludeDispatchKeyGuard no_autocast(kAutocastKey);
  switch (policy) {
    case AutocastPolicy::LowerPrecision: cast_args(s, stack, device, dtype_for(device)); break;
    case AutocastPolicy::Float32: cast_args(s, stack, device, ScalarType::Float32); break;
    case AutocastPolicy::Float32SetDtype: set_float32_dtype(s, stack, device); break;
    case AutocastPolicy::Promote: {
      ScalarType to = widest_floating(s, stack, device);
      if (to != ScalarType::Undefined) cast_args(s, stack, device, to);
      break;
    }
    case AutocastPolicy::Banned:
      EMBER_FAIL(TypeError, "[autocast] ", s.qualified_name(), " on ", device_type_name(device),
                 " is unsafe to autocast (its input may come from a float16 sigmoid whose rounding it cannot "
                 "undo); use binary_cross_entropy_with_logits, which is safe, or leave the autocast region");
    case AutocastPolicy::None: break;
  }
  op.redispatch_boxed(below, stack);
}

void register_autocast_fallback_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    KernelFunction k;
    k.boxed = &autocast_fallback;
    k.provider = "autocast";
    Dispatcher::singleton().register_fallback(DispatchTarget::key(kAutocastFunctionality), k);
  });
}

void sync_include_set() {
  LocalDispatchKeySet& tls = tls_local_dispatch_key_set();
  if (tls_autocast.enabled_mask) tls.included |= kAutocastKey;
  else tls.included -= kAutocastKey;
}

}  // namespace

AutocastPolicy autocast_policy(const std::string& op_name, const std::string& device_type) {
  return policy_for(op_name, device_type);
}

bool is_autocast_enabled(const std::string& device_type) { return enabled_for(checked_device_type(device_type)); }

ScalarType autocast_dtype(const std::string& device_type) { return dtype_for(checked_device_type(device_type)); }

AutocastGuard::AutocastGuard(const std::string& device_type, std::optional<ScalarType> dtype, bool enabled)
    : device_(checked_device_type(device_type)) {
  EMBER_CHECK(!dtype || *dtype == ScalarType::Float16 || *dtype == ScalarType::BFloat16, ValueError,
              "[autocast] dtype must be float16 or bfloat16, got ", *dtype);
  register_autocast_fallback_once();
  saved_enabled_ = enabled_for(device_);
  saved_dtype_ = tls_autocast.dtype[device_];
  if (dtype) tls_autocast.dtype[device_] = *dtype;
  if (enabled) tls_autocast.enabled_mask |= (1u << device_);
  else tls_autocast.enabled_mask &= ~(1u << device_);
  sync_include_set();
}

AutocastGuard::~AutocastGuard() {
  tls_autocast.dtype[device_] = saved_dtype_;
  if (saved_enabled_) tls_autocast.enabled_mask |= (1u << device_);
  else tls_autocast.enabled_mask &= ~(1u << device_);
  sync_include_set();
}

}  // namespace ember
