// Pointwise kernels: arithmetic, comparisons, logic, where, clamp, unary math, and the
// activations' backward. The core already broadcast the inputs to out's shape (stride-0 dims)
// and cast them to the compute dtype; each kernel picks the catalog op (pointwise_ops.h) and
// its variant, converts its scalars, and runs the elementwise engine.
//
// Stateless kernels; thread-safe.
#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "elementwise.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
namespace pw = pointwise;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;
using ember::sdk::kFloatingDTypes;

template <typename Op>
void binary(Registrar& reg, const PointwiseOp& op) {
  reg.kernel<Op>(kDevice, op.dtypes, [&op](KernelArgs& a) {
    run_elementwise(a, op, 0, a.tensor(Op::out), {a.tensor(Op::self), a.tensor(Op::other)});
  });
}

template <typename Op>
void unary(Registrar& reg, const PointwiseOp& op) {
  reg.kernel<Op>(kDevice, op.dtypes, [&op](KernelArgs& a) {
    run_elementwise(a, op, 0, a.tensor(Op::out), {a.tensor(Op::self)});
  });
}

template <typename Op>
void with_alpha(Registrar& reg, const PointwiseOp& op) {
  reg.kernel<Op>(kDevice, op.dtypes, [&op](KernelArgs& a) {
    TensorView out = a.tensor(Op::out);
    KernelScalars s;
    set_scalar(s, 0, a.scalar(Op::alpha), out.dtype());
    run_elementwise(a, op, 0, out, {a.tensor(Op::self), a.tensor(Op::other)}, s);
  });
}

void div_kernel(KernelArgs& a) {
  using Op = ops::div_out_mode;
  const std::optional<std::string_view> mode = a.optional_str(Op::rounding_mode);
  uint32_t variant = pw::kDivTrue;
  if (mode) {
    if (*mode == "trunc") variant = pw::kDivTrunc;
    else if (*mode == "floor") variant = pw::kDivFloor;
    else
      throw ember::sdk::ValueError(concat("expected rounding_mode to be one of None, 'trunc', or 'floor' but found '",
                                          *mode, "'"));
  }
  TensorView out = a.tensor(Op::out);
  EMBER_SDK_CHECK(variant != pw::kDivTrue || ember::sdk::is_floating(out.dtype()), EMBER_ERROR_TYPE,
                  "true division needs a floating output, got ", ember::sdk::dtype_name(out.dtype()));
  run_elementwise(a, pw::div, variant, out, {a.tensor(Op::self), a.tensor(Op::other)});
}

// Bounds rounded through the storage type, as the CPU's C(bound.to<T>()).
void set_bound(KernelScalars& s, int k, const ember::sdk::Scalar& v, int32_t dtype) {
  if (dtype == EMBER_DTYPE_FLOAT16) s.d[k] = static_cast<float>(v.to<ember::sdk::Half>());
  else if (dtype == EMBER_DTYPE_BFLOAT16) s.d[k] = static_cast<float>(v.to<ember::sdk::BFloat16>());
  else set_scalar(s, k, v, dtype);
}

void clamp_kernel(KernelArgs& a) {
  using Op = ops::clamp_out;
  TensorView out = a.tensor(Op::out);
  const std::optional<ember::sdk::Scalar> lo = a.optional_scalar(Op::min_), hi = a.optional_scalar(Op::max_);
  KernelScalars s;
  uint32_t variant = 0;
  if (lo) {
    set_bound(s, 0, *lo, out.dtype());
    variant |= 1u;
  }
  if (hi) {
    set_bound(s, 1, *hi, out.dtype());
    variant |= 2u;
  }
  run_elementwise(a, pw::clamp, variant, out, {a.tensor(Op::self)}, s);
}

uint32_t gelu_variant(std::string_view approximate) {
  const bool use_tanh = approximate == "tanh";
  EMBER_SDK_CHECK(use_tanh || approximate == "none", EMBER_ERROR_VALUE,
                  "approximate argument must be either none or tanh, got '", approximate, "'");
  return use_tanh ? 1u : 0u;
}

}  // namespace

void register_pointwise_kernels(Registrar& reg) {
  with_alpha<ops::add_out>(reg, pw::add);
  with_alpha<ops::sub_out>(reg, pw::sub);
  binary<ops::mul_out>(reg, pw::mul);
  reg.kernel<ops::div_out_mode>(kDevice, pw::div.dtypes, div_kernel);
  reg.kernel<ops::pow_Tensor_Tensor_out>(kDevice, pw::pow.dtypes, [](KernelArgs& a) {
    using Op = ops::pow_Tensor_Tensor_out;
    run_elementwise(a, pw::pow, 0, a.tensor(Op::out), {a.tensor(Op::self), a.tensor(Op::exponent)});
  });
  binary<ops::maximum_out>(reg, pw::maximum);
  binary<ops::minimum_out>(reg, pw::minimum);
  binary<ops::eq_Tensor_out>(reg, pw::eq);
  binary<ops::ne_Tensor_out>(reg, pw::ne);
  binary<ops::lt_Tensor_out>(reg, pw::lt);
  binary<ops::le_Tensor_out>(reg, pw::le);
  binary<ops::gt_Tensor_out>(reg, pw::gt);
  binary<ops::ge_Tensor_out>(reg, pw::ge);
  binary<ops::logical_and_out>(reg, pw::logical_and);
  binary<ops::logical_or_out>(reg, pw::logical_or);
  binary<ops::logical_xor_out>(reg, pw::logical_xor);
  unary<ops::logical_not_out>(reg, pw::logical_not);
  binary<ops::bitwise_and_Tensor_out>(reg, pw::bitwise_and);
  binary<ops::bitwise_or_Tensor_out>(reg, pw::bitwise_or);
  binary<ops::bitwise_xor_Tensor_out>(reg, pw::bitwise_xor);
  unary<ops::bitwise_not_out>(reg, pw::bitwise_not);
  reg.kernel<ops::where_self_out>(kDevice, pw::where.dtypes, [](KernelArgs& a) {
    using Op = ops::where_self_out;
    run_elementwise(a, pw::where, 0, a.tensor(Op::out),
                    {a.tensor(Op::condition), a.tensor(Op::self), a.tensor(Op::other)});
  });
  reg.kernel<ops::clamp_out>(kDevice, pw::clamp.dtypes, clamp_kernel);
  unary<ops::neg_out>(reg, pw::neg);
  unary<ops::abs_out>(reg, pw::abs);
  unary<ops::sign_out>(reg, pw::sign);
  unary<ops::relu_out>(reg, pw::relu);
  unary<ops::exp_out>(reg, pw::exp);
  unary<ops::log_out>(reg, pw::log);
  unary<ops::sqrt_out>(reg, pw::sqrt);
  unary<ops::rsqrt_out>(reg, pw::rsqrt);
  unary<ops::sin_out>(reg, pw::sin);
  unary<ops::cos_out>(reg, pw::cos);
  unary<ops::tanh_out>(reg, pw::tanh);
  unary<ops::sigmoid_out>(reg, pw::sigmoid);
  unary<ops::silu_out>(reg, pw::silu);
  unary<ops::erf_out>(reg, pw::erf);
  unary<ops::erfc_out>(reg, pw::erfc);
  unary<ops::log1p_out>(reg, pw::log1p);
  unary<ops::expm1_out>(reg, pw::expm1);
  unary<ops::log2_out>(reg, pw::log2);
  unary<ops::log10_out>(reg, pw::log10);
  unary<ops::exp2_out>(reg, pw::exp2);
  unary<ops::tan_out>(reg, pw::tan);
  unary<ops::asin_out>(reg, pw::asin);
  unary<ops::acos_out>(reg, pw::acos);
  unary<ops::atan_out>(reg, pw::atan);
  unary<ops::sinh_out>(reg, pw::sinh);
  unary<ops::cosh_out>(reg, pw::cosh);
  unary<ops::asinh_out>(reg, pw::asinh);
  unary<ops::reciprocal_out>(reg, pw::reciprocal);
  unary<ops::frac_out>(reg, pw::frac);
  unary<ops::floor_out>(reg, pw::floor);
  unary<ops::ceil_out>(reg, pw::ceil);
  unary<ops::round_out>(reg, pw::round);
  unary<ops::trunc_out>(reg, pw::trunc);
  binary<ops::atan2_out>(reg, pw::atan2);
  binary<ops::fmod_out>(reg, pw::fmod);
  binary<ops::remainder_out>(reg, pw::remainder);
  reg.kernel<ops::gelu_out>(kDevice, pw::gelu.dtypes, [](KernelArgs& a) {
    using Op = ops::gelu_out;
    run_elementwise(a, pw::gelu, gelu_variant(a.str(Op::approximate)), a.tensor(Op::out), {a.tensor(Op::self)});
  });

  // Activations' backward: grad_input = f(grad_output, input or output).
  reg.kernel<ops::threshold_backward_grad_input>(kDevice, pw::threshold_backward.dtypes, [](KernelArgs& a) {
    using Op = ops::threshold_backward_grad_input;
    TensorView out = a.tensor(Op::grad_input);
    KernelScalars s;
    set_scalar(s, 0, a.scalar(Op::threshold), out.dtype());
    run_elementwise(a, pw::threshold_backward, 0, out, {a.tensor(Op::grad_output), a.tensor(Op::self)}, s);
  });
  reg.kernel<ops::gelu_backward_grad_input>(kDevice, pw::gelu_backward.dtypes, [](KernelArgs& a) {
    using Op = ops::gelu_backward_grad_input;
    run_elementwise(a, pw::gelu_backward, gelu_variant(a.str(Op::approximate)), a.tensor(Op::grad_input),
                    {a.tensor(Op::grad_output), a.tensor(Op::self)});
  });
  reg.kernel<ops::silu_backward_grad_input>(kDevice, pw::silu_backward.dtypes, [](KernelArgs& a) {
    using Op = ops::silu_backward_grad_input;
    run_elementwise(a, pw::silu_backward, 0, a.tensor(Op::grad_input), {a.tensor(Op::grad_output), a.tensor(Op::self)});
  });
  reg.kernel<ops::sigmoid_backward_grad_input>(kDevice, pw::sigmoid_backward.dtypes, [](KernelArgs& a) {
    using Op = ops::sigmoid_backward_grad_input;
    run_elementwise(a, pw::sigmoid_backward, 0, a.tensor(Op::grad_input),
                    {a.tensor(Op::grad_output), a.tensor(Op::output)});
  });
  reg.kernel<ops::tanh_backward_grad_input>(kDevice, pw::tanh_backward.dtypes, [](KernelArgs& a) {
    using Op = ops::tanh_backward_grad_input;
    run_elementwise(a, pw::tanh_backward, 0, a.tensor(Op::grad_input),
                    {a.tensor(Op::grad_output), a.tensor(Op::output)});
  });
}

}  // namespace ember_cuda
