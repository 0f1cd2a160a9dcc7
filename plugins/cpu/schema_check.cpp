// Compile-time check that the argument positions the CPU kernels read (written as plain indices
// next to each kernel, e.g. "add.out (self 0, other 1, alpha 2, out 3)") still match ops.yaml.
// Active when the generated <ember/sdk/ops.h> is on the include path (the in-tree build always
// has it); a vendor build without it compiles this file to nothing. The kernel harness checks
// the other direction at run time: every backend op in ops.yaml has a "cpu" kernel.
#if __has_include(<ember/sdk/ops.h>)
#include <ember/sdk/ops.h>

namespace ember_cpu {
namespace {

namespace ops = ember::sdk::ops;

// num_args, and the position of the last argument the kernel writes (its out, or self).
template <typename Op>
constexpr bool shape_is(int num_args) { return Op::num_args == num_args; }

static_assert(shape_is<ops::fill__Scalar>(2) && ops::fill__Scalar::value == 1, "fill_.Scalar");
static_assert(shape_is<ops::arange_start_out>(4) && ops::arange_start_out::out == 3, "arange.start_out");
static_assert(shape_is<ops::linspace_out>(4) && ops::linspace_out::steps == 2 && ops::linspace_out::out == 3, "linspace.out");
static_assert(shape_is<ops::eye_m_out>(3) && ops::eye_m_out::m == 1 && ops::eye_m_out::out == 2, "eye.m_out");
static_assert(shape_is<ops::uniform_>(4) && ops::uniform_::generator == 3, "uniform_");
static_assert(shape_is<ops::normal_>(4) && ops::normal_::std == 2 && ops::normal_::generator == 3, "normal_");
static_assert(shape_is<ops::random__from>(4) && ops::random__from::generator == 3, "random_.from");
static_assert(shape_is<ops::bernoulli__float>(3) && ops::bernoulli__float::p == 1 && ops::bernoulli__float::generator == 2, "bernoulli_.float");
static_assert(shape_is<ops::_copy_same_device_>(2) && ops::_copy_same_device_::src == 1, "_copy_same_device_");
static_assert(shape_is<ops::add_out>(4) && ops::add_out::alpha == 2 && ops::add_out::out == 3, "add.out");
static_assert(shape_is<ops::sub_out>(4) && ops::sub_out::alpha == 2 && ops::sub_out::out == 3, "sub.out");
static_assert(shape_is<ops::mul_out>(3) && ops::mul_out::out == 2, "mul.out");
static_assert(shape_is<ops::div_out_mode>(4) && ops::div_out_mode::rounding_mode == 2 && ops::div_out_mode::out == 3, "div.out_mode");
static_assert(shape_is<ops::pow_Tensor_Tensor_out>(3) && ops::pow_Tensor_Tensor_out::out == 2, "pow");
static_assert(shape_is<ops::maximum_out>(3) && shape_is<ops::minimum_out>(3), "maximum/minimum");
static_assert(shape_is<ops::where_self_out>(4) && ops::where_self_out::condition == 0 && ops::where_self_out::out == 3, "where");
static_assert(shape_is<ops::clamp_out>(4) && ops::clamp_out::out == 3, "clamp.out");
static_assert(shape_is<ops::eq_Tensor_out>(3) && shape_is<ops::ne_Tensor_out>(3) && shape_is<ops::lt_Tensor_out>(3) &&
                  shape_is<ops::le_Tensor_out>(3) && shape_is<ops::gt_Tensor_out>(3) && shape_is<ops::ge_Tensor_out>(3),
              "comparisons");
static_assert(shape_is<ops::logical_and_out>(3) && shape_is<ops::logical_or_out>(3) && shape_is<ops::logical_xor_out>(3) &&
                  shape_is<ops::logical_not_out>(2),
              "logical");
static_assert(shape_is<ops::neg_out>(2) && shape_is<ops::abs_out>(2) && shape_is<ops::sign_out>(2) && shape_is<ops::exp_out>(2) &&
                  shape_is<ops::log_out>(2) && shape_is<ops::sqrt_out>(2) && shape_is<ops::rsqrt_out>(2) &&
                  shape_is<ops::sin_out>(2) && shape_is<ops::cos_out>(2) && shape_is<ops::tanh_out>(2) &&
                  shape_is<ops::sigmoid_out>(2) && shape_is<ops::relu_out>(2) && shape_is<ops::silu_out>(2),
              "unary");
static_assert(shape_is<ops::gelu_out>(3) && ops::gelu_out::approximate == 1 && ops::gelu_out::out == 2, "gelu.out");
static_assert(shape_is<ops::sum_IntList_out>(5) && ops::sum_IntList_out::out == 4, "sum.IntList_out");
static_assert(shape_is<ops::mean_out>(5) && ops::mean_out::out == 4, "mean.out");
static_assert(shape_is<ops::prod_int_out>(5) && ops::prod_int_out::out == 4, "prod.int_out");
static_assert(shape_is<ops::amax_out>(4) && shape_is<ops::amin_out>(4) && ops::amax_out::out == 3, "amax/amin");
static_assert(shape_is<ops::max_dim_max>(5) && shape_is<ops::min_dim_min>(5), "max.dim_max/min.dim_min");
static_assert(shape_is<ops::argmax_out>(4) && shape_is<ops::argmin_out>(4) && ops::argmax_out::out == 3, "argmax/argmin");
static_assert(shape_is<ops::var_correction_out>(5) && ops::var_correction_out::correction == 2 &&
                  ops::var_correction_out::keepdim == 3 && ops::var_correction_out::out == 4,
              "var.correction_out");
static_assert(shape_is<ops::all_dims_out>(4) && shape_is<ops::any_dims_out>(4) && ops::all_dims_out::out == 3, "all/any");
static_assert(shape_is<ops::_softmax_out>(4) && shape_is<ops::_log_softmax_out>(4) && ops::_softmax_out::out == 3, "softmax");
static_assert(shape_is<ops::mm_out>(3) && shape_is<ops::bmm_out>(3) && ops::mm_out::out == 2, "mm/bmm");
static_assert(shape_is<ops::addmm_out>(6) && ops::addmm_out::beta == 3 && ops::addmm_out::alpha == 4 && ops::addmm_out::out == 5,
              "addmm.out");
static_assert(shape_is<ops::convolution_out>(10) && ops::convolution_out::transposed == 6 && ops::convolution_out::groups == 8 &&
                  ops::convolution_out::out == 9,
              "convolution.out");
static_assert(shape_is<ops::native_batch_norm_out>(11) && ops::native_batch_norm_out::training == 5 &&
                  ops::native_batch_norm_out::eps == 7 && ops::native_batch_norm_out::save_invstd == 10,
              "native_batch_norm.out");
static_assert(shape_is<ops::native_layer_norm_out>(8) && ops::native_layer_norm_out::eps == 4 && ops::native_layer_norm_out::out2 == 7,
              "native_layer_norm.out");
static_assert(shape_is<ops::max_pool2d_with_indices_out>(8) && ops::max_pool2d_with_indices_out::ceil_mode == 5 &&
                  ops::max_pool2d_with_indices_out::indices == 7,
              "max_pool2d_with_indices.out");
static_assert(shape_is<ops::avg_pool2d_out>(8) && ops::avg_pool2d_out::divisor_override == 6 && ops::avg_pool2d_out::out == 7,
              "avg_pool2d.out");
static_assert(shape_is<ops::_adaptive_avg_pool2d_out>(3) && ops::_adaptive_avg_pool2d_out::out == 2, "_adaptive_avg_pool2d.out");
static_assert(shape_is<ops::cat_out>(3) && ops::cat_out::out == 2, "cat.out");
static_assert(shape_is<ops::index_select_out>(4) && ops::index_select_out::index == 2 && ops::index_select_out::out == 3, "index_select");
static_assert(shape_is<ops::gather_out>(5) && ops::gather_out::index == 2 && ops::gather_out::out == 4, "gather.out");
static_assert(shape_is<ops::scatter__src>(4) && ops::scatter__src::src == 3, "scatter_.src");
static_assert(shape_is<ops::scatter__value>(4) && ops::scatter__value::value == 3, "scatter_.value");
static_assert(shape_is<ops::scatter_add_>(4) && ops::scatter_add_::src == 3, "scatter_add_");
static_assert(shape_is<ops::masked_fill__Scalar>(3) && ops::masked_fill__Scalar::value == 2, "masked_fill_.Scalar");

}  // namespace
}  // namespace ember_cpu
#endif
