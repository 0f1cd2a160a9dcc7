// The elementwise op catalog (pointwise_ops.h): bodies with the CPU plugin's formulas.
//
// Bodies see x0..x2 in their compute types C0..C2 (float for 16-bit floats), the params p
// (p.d[] / p.i[]: the op's scalars, see elementwise.h), and li, the element's logical index; they
// return a value of the output's compute type CO.
#include "pointwise_ops.h"

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>

namespace ember_cuda {
namespace {

using ember::sdk::detail::concat;
using ember::sdk::dtype_bit;
using ember::sdk::is_floating;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;
using ember::sdk::kFloatingDTypes;

// ---- operand dtypes for a compute dtype ----
void sig_unary(int32_t d, ElementwiseSpec& s) {
  s.nin = 1;
  s.out = d;
  s.in[0] = d;
}
void sig_binary(int32_t d, ElementwiseSpec& s) {
  s.nin = 2;
  s.out = d;
  s.in[0] = s.in[1] = d;
}
void sig_compare(int32_t d, ElementwiseSpec& s) {
  sig_binary(d, s);
  s.out = EMBER_DTYPE_BOOL;
}
void sig_unary_to_bool(int32_t d, ElementwiseSpec& s) {
  sig_unary(d, s);
  s.out = EMBER_DTYPE_BOOL;
}
void sig_where(int32_t d, ElementwiseSpec& s) {
  s.nin = 3;
  s.out = d;
  s.in[0] = EMBER_DTYPE_BOOL;
  s.in[1] = s.in[2] = d;
}

bool is_unsigned(int32_t d) { return d == EMBER_DTYPE_UINT8 || d == EMBER_DTYPE_BOOL; }
int32_t compute_dtype(const ElementwiseSpec& s) { return s.in[0]; }

// ---- arithmetic ----
std::string add_body(const ElementwiseSpec& s, uint32_t) {
  const int32_t d = compute_dtype(s);
  if (d == EMBER_DTYPE_BOOL) return "return x0 || (p.i[0] != 0 && x1);";
  return concat("return e_add_rn(x0, e_mul_rn(", scalar_expr(d, 0), ", x1));");
}
std::string sub_body(const ElementwiseSpec& s, uint32_t) {
  const int32_t d = compute_dtype(s);
  return concat("return e_add_rn(x0, e_mul_rn((C0)(-", scalar_expr(d, 0), "), x1));");
}
std::string mul_body(const ElementwiseSpec& s, uint32_t) {
  return compute_dtype(s) == EMBER_DTYPE_BOOL ? "return x0 && x1;" : "return x0 * x1;";
}
std::string div_body(const ElementwiseSpec& s, uint32_t mode) {
  if (is_floating(compute_dtype(s))) {
    if (mode == pointwise::kDivTrunc) return "return e_trunc(x0 / x1);";
    if (mode == pointwise::kDivFloor) return "return e_floor_divide_f(x0, x1);";
    return "return x0 / x1;";
  }
  if (mode == pointwise::kDivFloor) return "return e_floor_divide_i<C0>(x0, x1, p.err, p.site);";
  return "return e_trunc_divide_i<C0>(x0, x1, p.err, p.site);";
}
std::string pow_body(const ElementwiseSpec& s, uint32_t) {
  if (is_floating(compute_dtype(s))) return "if (x1 == (C0)2) return x0 * x0; return e_pow(x0, x1);";
  return "return e_int_pow<C0>(x0, x1);";
}
std::string maximum_body(const ElementwiseSpec& s, uint32_t) {
  const int32_t d = compute_dtype(s);
  if (d == EMBER_DTYPE_BOOL) return "return x0 || x1;";
  if (is_floating(d)) return "return e_maximum(x0, x1);";
  return "return x0 < x1 ? x1 : x0;";
}
std::string minimum_body(const ElementwiseSpec& s, uint32_t) {
  const int32_t d = compute_dtype(s);
  if (d == EMBER_DTYPE_BOOL) return "return x0 && x1;";
  if (is_floating(d)) return "return e_minimum(x0, x1);";
  return "return x1 < x0 ? x1 : x0;";
}

// ---- comparisons and logic (NaN counts as true) ----
std::string eq_body(const ElementwiseSpec&, uint32_t) { return "return x0 == x1;"; }
std::string ne_body(const ElementwiseSpec&, uint32_t) { return "return x0 != x1;"; }
std::string lt_body(const ElementwiseSpec&, uint32_t) { return "return x0 < x1;"; }
std::string le_body(const ElementwiseSpec&, uint32_t) { return "return x0 <= x1;"; }
std::string gt_body(const ElementwiseSpec&, uint32_t) { return "return x0 > x1;"; }
std::string ge_body(const ElementwiseSpec&, uint32_t) { return "return x0 >= x1;"; }
std::string and_body(const ElementwiseSpec&, uint32_t) { return "return (x0 != 0) && (x1 != 0);"; }
std::string or_body(const ElementwiseSpec&, uint32_t) { return "return (x0 != 0) || (x1 != 0);"; }
std::string xor_body(const ElementwiseSpec&, uint32_t) { return "return (x0 != 0) != (x1 != 0);"; }
std::string not_body(const ElementwiseSpec&, uint32_t) { return "return !(x0 != 0);"; }
// bitwise_*: integer and bool operands (meta refuses floating ones); on bool the logical op.
std::string bitand_body(const ElementwiseSpec&, uint32_t) { return "return x0 & x1;"; }
std::string bitor_body(const ElementwiseSpec&, uint32_t) { return "return x0 | x1;"; }
std::string bitxor_body(const ElementwiseSpec&, uint32_t) { return "return x0 ^ x1;"; }
std::string bitnot_body(const ElementwiseSpec& s, uint32_t) {
  return compute_dtype(s) == EMBER_DTYPE_BOOL ? "return !x0;" : "return ~x0;";
}
std::string where_body(const ElementwiseSpec&, uint32_t) { return "return x0 ? x1 : x2;"; }
// masked_fill_: x0 the mask, x1 self; the value (rounded through self's dtype) in slot 0.
void sig_masked(int32_t d, ElementwiseSpec& s) {
  s.nin = 2;
  s.out = d;
  s.in[0] = EMBER_DTYPE_BOOL;
  s.in[1] = d;
}
std::string masked_fill_body(const ElementwiseSpec& s, uint32_t) {
  return concat("return x0 ? ", scalar_expr(s.out, 0, "CO"), " : x1;");
}

// clamp: p.d/p.i [0] lower, [1] upper (rounded through the storage type); variant bit 0: lower
// given, bit 1: upper given. NaN stays NaN.
std::string clamp_body(const ElementwiseSpec& s, uint32_t variant) {
  const int32_t d = compute_dtype(s);
  std::string b = is_floating(d) ? "if (x0 != x0) return x0; " : "";
  if (variant & 1u) b += concat("{ const C0 lo = ", scalar_expr(d, 0), "; x0 = x0 < lo ? lo : x0; } ");
  if (variant & 2u) b += concat("{ const C0 hi = ", scalar_expr(d, 1), "; x0 = hi < x0 ? hi : x0; } ");
  return b + "return x0;";
}

// ---- unary ----
std::string neg_body(const ElementwiseSpec&, uint32_t) { return "return -x0;"; }
std::string abs_body(const ElementwiseSpec& s, uint32_t) {
  const int32_t d = compute_dtype(s);
  if (is_unsigned(d)) return "return x0;";
  if (is_floating(d)) return "return e_fabs(x0);";
  return "return x0 < 0 ? -x0 : x0;";
}
std::string sign_body(const ElementwiseSpec& s, uint32_t) {
  if (compute_dtype(s) == EMBER_DTYPE_BOOL) return "return x0;";
  return "return (C0)((C0(0) < x0) - (x0 < C0(0)));";
}
std::string relu_body(const ElementwiseSpec&, uint32_t) { return "return x0 < C0(0) ? C0(0) : x0;"; }
std::string exp_body(const ElementwiseSpec&, uint32_t) { return "return e_exp(x0);"; }
std::string log_body(const ElementwiseSpec&, uint32_t) { return "return e_log(x0);"; }
std::string sqrt_body(const ElementwiseSpec&, uint32_t) { return "return e_sqrt(x0);"; }
std::string rsqrt_body(const ElementwiseSpec&, uint32_t) { return "return C0(1) / e_sqrt(x0);"; }
std::string sin_body(const ElementwiseSpec&, uint32_t) { return "return e_sin(x0);"; }
std::string cos_body(const ElementwiseSpec&, uint32_t) { return "return e_cos(x0);"; }
std::string tanh_body(const ElementwiseSpec&, uint32_t) { return "return e_tanh(x0);"; }
std::string sigmoid_body(const ElementwiseSpec&, uint32_t) { return "return C0(1) / (C0(1) + e_exp(-x0));"; }
std::string silu_body(const ElementwiseSpec&, uint32_t) { return "return x0 / (C0(1) + e_exp(-x0));"; }
// The math of kernels_math.cpp in the CPU plugin: floating outputs (integer inputs reach these
// as float, cast by meta), rounding ops that copy integers, and the floating modulo ops.
std::string erf_body(const ElementwiseSpec&, uint32_t) { return "return e_erf(x0);"; }
std::string erfc_body(const ElementwiseSpec&, uint32_t) { return "return e_erfc(x0);"; }
std::string log1p_body(const ElementwiseSpec&, uint32_t) { return "return e_log1p(x0);"; }
std::string expm1_body(const ElementwiseSpec&, uint32_t) { return "return e_expm1(x0);"; }
std::string log2_body(const ElementwiseSpec&, uint32_t) { return "return e_log2(x0);"; }
std::string log10_body(const ElementwiseSpec&, uint32_t) { return "return e_log10(x0);"; }
std::string exp2_body(const ElementwiseSpec&, uint32_t) { return "return e_exp2(x0);"; }
std::string tan_body(const ElementwiseSpec&, uint32_t) { return "return e_tan(x0);"; }
std::string asin_body(const ElementwiseSpec&, uint32_t) { return "return e_asin(x0);"; }
std::string acos_body(const ElementwiseSpec&, uint32_t) { return "return e_acos(x0);"; }
std::string atan_body(const ElementwiseSpec&, uint32_t) { return "return e_atan(x0);"; }
std::string sinh_body(const ElementwiseSpec&, uint32_t) { return "return e_sinh(x0);"; }
std::string cosh_body(const ElementwiseSpec&, uint32_t) { return "return e_cosh(x0);"; }
std::string asinh_body(const ElementwiseSpec&, uint32_t) { return "return e_asinh(x0);"; }
std::string reciprocal_body(const ElementwiseSpec&, uint32_t) { return "return C0(1) / x0;"; }
std::string frac_body(const ElementwiseSpec&, uint32_t) { return "return x0 - e_trunc(x0);"; }
// floor, ceil, round, trunc: integer dtypes are copied.
std::string rounding_body(const ElementwiseSpec& s, const char* fn) {
  return is_floating(compute_dtype(s)) ? concat("return ", fn, "(x0);") : std::string("return x0;");
}
std::string floor_body(const ElementwiseSpec& s, uint32_t) { return rounding_body(s, "e_floor"); }
std::string ceil_body(const ElementwiseSpec& s, uint32_t) { return rounding_body(s, "e_ceil"); }
std::string round_body(const ElementwiseSpec& s, uint32_t) { return rounding_body(s, "e_rint"); }
std::string trunc_body(const ElementwiseSpec& s, uint32_t) { return rounding_body(s, "e_trunc"); }
std::string atan2_body(const ElementwiseSpec&, uint32_t) { return "return e_atan2(x0, x1);"; }
std::string fmod_body(const ElementwiseSpec&, uint32_t) { return "return e_fmod(x0, x1);"; }
// Python's %: the result takes the divisor's sign.
std::string remainder_body(const ElementwiseSpec&, uint32_t) {
  return "C0 r = e_fmod(x0, x1); if (r != C0(0) && ((r < C0(0)) != (x1 < C0(0)))) r += x1; return r;";
}
// variant 1: approximate="tanh".
std::string gelu_body(const ElementwiseSpec&, uint32_t v) { return concat("return e_gelu(x0, ", v ? "true" : "false", ");"); }

// ---- activation backward (x0: grad, x1: input or output) ----
std::string threshold_backward_body(const ElementwiseSpec& s, uint32_t) {
  return concat("return x1 <= ", scalar_expr(compute_dtype(s), 0), " ? C0(0) : x0;");
}
std::string gelu_backward_body(const ElementwiseSpec&, uint32_t v) {
  return concat("return e_gelu_backward(x0, x1, ", v ? "true" : "false", ");");
}
std::string silu_backward_body(const ElementwiseSpec&, uint32_t) {
  return "const C0 s = C0(1) / (C0(1) + e_exp(-x1)); return x0 * s * (C0(1) + x1 * (C0(1) - s));";
}
std::string sigmoid_backward_body(const ElementwiseSpec&, uint32_t) { return "return x0 * (C0(1) - x1) * x1;"; }
std::string tanh_backward_body(const ElementwiseSpec&, uint32_t) { return "return x0 * (C0(1) - x1 * x1);"; }

// ---- fills and factories (x0 is the output itself, unread) ----
std::string fill_body(const ElementwiseSpec& s, uint32_t) { return concat("return ", scalar_expr(s.out, 0, "CO"), ";"); }
// arange: floating outs p.d[0] + li * p.d[1] in double; integer outs p.i[0] + li * p.i[1].
std::string arange_body(const ElementwiseSpec& s, uint32_t) {
  if (is_floating(s.out)) return "return (CO)e_add_rn(p.d[0], e_mul_rn((double)li, p.d[1]));";
  return "return (CO)(p.i[0] + li * p.i[1]);";
}
// linspace: start p.d[0], end p.d[1], step p.d[2] in the step type (the compute type for
// floating outs, double for integers); p.i[0] halfway, p.i[1] steps.
std::string linspace_body(const ElementwiseSpec& s, uint32_t) {
  const char* step = is_floating(s.out) ? "CO" : "double";
  return concat("typedef ", step, " S; const S st = (S)p.d[2]; const S v = li < p.i[0] ? e_add_rn((S)p.d[0], e_mul_rn(st, (S)li))",
                " : e_add_rn((S)p.d[1], -e_mul_rn(st, (S)(p.i[1] - li - 1))); return (CO)v;");
}
std::string eye_body(const ElementwiseSpec&, uint32_t) { return "return (CO)((li / p.i[0]) == (li % p.i[0]) ? 1 : 0);"; }

// ---- random fills: seed p.i[2], offset p.i[3] ----
std::string uniform_body(const ElementwiseSpec& s, uint32_t) {
  if (s.out == EMBER_DTYPE_FLOAT64)
    return "const e_philox r = E_RANDOM_BLOCK(li); return e_add_rn(p.d[0], e_mul_rn(p.d[1], e_uniform_double(r.x[0], r.x[1])));";
  return "const e_philox r = E_RANDOM_BLOCK(li); return e_add_rn((float)p.d[0], e_mul_rn((float)p.d[1], e_uniform_float(r.x[0])));";
}
std::string normal_body(const ElementwiseSpec&, uint32_t) {
  return "const e_philox r = E_RANDOM_BLOCK(li); const double u1 = e_uniform_double(r.x[0], r.x[1]);"
         " const double u2 = e_uniform_double(r.x[2], r.x[3]);"
         " const double radius = sqrt(__dmul_rn(-2.0, log(__dsub_rn(1.0, u1))));"
         " return (CO)__dadd_rn(p.d[0], __dmul_rn(__dmul_rn(p.d[1], radius), cos(__dmul_rn(2.0 * 3.14159265358979323846, u2))));";
}
// random_.from: p.i[0] from, p.i[1] range (0: all 2^64 values).
std::string random_from_body(const ElementwiseSpec& s, uint32_t) {
  std::string b = "const e_philox r = E_RANDOM_BLOCK(li); const u64 bits = ((u64)r.x[0] << 32) | r.x[1];"
                  " const i64 v = (i64)((u64)p.i[0] + (p.i[1] ? bits % (u64)p.i[1] : bits));";
  if (s.out == EMBER_DTYPE_BOOL) return b + " return v != 0;";
  if (is_floating(s.out)) return b + " return (CO)(double)v;";
  return b + " return (CO)v;";
}
std::string bernoulli_body(const ElementwiseSpec& s, uint32_t) {
  return "const e_philox r = E_RANDOM_BLOCK(li); return e_uniform_double(r.x[0], r.x[1]) < p.d[0] ? (CO)1 : (CO)0;";
}

// ---- dtype conversion (ember::sdk::convert; x0 arrives in its compute type) ----
std::string convert_body(const ElementwiseSpec& s, uint32_t) {
  const int32_t to = s.out, from = s.in[0];
  if (to == from) return "return x0;";
  if (to == EMBER_DTYPE_BOOL) return "return x0 != 0;";
  if (is_floating(to)) return "return (CO)x0;";
  if (is_floating(from))
    return ember::sdk::element_size(to) == 8 ? "return (CO)e_trunc64((double)x0);" : "return (CO)e_trunc32((double)x0);";
  return "return (CO)x0;";
}

constexpr uint32_t kFloating = kFloatingDTypes;
constexpr uint32_t kBitwise = ember::sdk::kIntegralDTypes | ember::sdk::dtype_bit(EMBER_DTYPE_BOOL);

}  // namespace

std::string scalar_expr(int32_t dtype, int k, const char* c_type) {
  const bool floating = is_floating(dtype);
  return concat("((", c_type, ")p.", floating ? "d" : "i", "[", k, "])");
}

namespace pointwise {
const PointwiseOp add{"add", add_body, sig_binary, kAllDTypes, 1};
const PointwiseOp sub{"sub", sub_body, sig_binary, kAllButBool, 1};
const PointwiseOp mul{"mul", mul_body, sig_binary, kAllDTypes, 1};
const PointwiseOp div{"div", div_body, sig_binary, kAllButBool, 3};
const PointwiseOp pow{"pow", pow_body, sig_binary, kAllButBool, 1};
const PointwiseOp maximum{"maximum", maximum_body, sig_binary, kAllDTypes, 1};
const PointwiseOp minimum{"minimum", minimum_body, sig_binary, kAllDTypes, 1};
const PointwiseOp eq{"eq", eq_body, sig_compare, kAllDTypes, 1};
const PointwiseOp ne{"ne", ne_body, sig_compare, kAllDTypes, 1};
const PointwiseOp lt{"lt", lt_body, sig_compare, kAllDTypes, 1};
const PointwiseOp le{"le", le_body, sig_compare, kAllDTypes, 1};
const PointwiseOp gt{"gt", gt_body, sig_compare, kAllDTypes, 1};
const PointwiseOp ge{"ge", ge_body, sig_compare, kAllDTypes, 1};
const PointwiseOp logical_and{"logical_and", and_body, sig_compare, kAllDTypes, 1};
const PointwiseOp logical_or{"logical_or", or_body, sig_compare, kAllDTypes, 1};
const PointwiseOp logical_xor{"logical_xor", xor_body, sig_compare, kAllDTypes, 1};
const PointwiseOp logical_not{"logical_not", not_body, sig_unary_to_bool, kAllDTypes, 1};
const PointwiseOp bitwise_and{"bitwise_and", bitand_body, sig_binary, kBitwise, 1};
const PointwiseOp bitwise_or{"bitwise_or", bitor_body, sig_binary, kBitwise, 1};
const PointwiseOp bitwise_xor{"bitwise_xor", bitxor_body, sig_binary, kBitwise, 1};
const PointwiseOp bitwise_not{"bitwise_not", bitnot_body, sig_unary, kBitwise, 1};
const PointwiseOp where{"where", where_body, sig_where, kAllDTypes, 1};
const PointwiseOp masked_fill{"masked_fill_", masked_fill_body, sig_masked, kAllDTypes, 1};
const PointwiseOp clamp{"clamp", clamp_body, sig_unary, kAllButBool, 4};
const PointwiseOp neg{"neg", neg_body, sig_unary, kAllButBool, 1};
const PointwiseOp abs{"abs", abs_body, sig_unary, kAllButBool, 1};
const PointwiseOp sign{"sign", sign_body, sig_unary, kAllDTypes, 1};
const PointwiseOp relu{"relu", relu_body, sig_unary, kAllButBool, 1};
const PointwiseOp exp{"exp", exp_body, sig_unary, kFloating, 1};
const PointwiseOp log{"log", log_body, sig_unary, kFloating, 1};
const PointwiseOp sqrt{"sqrt", sqrt_body, sig_unary, kFloating, 1};
const PointwiseOp rsqrt{"rsqrt", rsqrt_body, sig_unary, kFloating, 1};
const PointwiseOp sin{"sin", sin_body, sig_unary, kFloating, 1};
const PointwiseOp cos{"cos", cos_body, sig_unary, kFloating, 1};
const PointwiseOp tanh{"tanh", tanh_body, sig_unary, kFloating, 1};
const PointwiseOp erf{"erf", erf_body, sig_unary, kFloating, 1};
const PointwiseOp erfc{"erfc", erfc_body, sig_unary, kFloating, 1};
const PointwiseOp log1p{"log1p", log1p_body, sig_unary, kFloating, 1};
const PointwiseOp expm1{"expm1", expm1_body, sig_unary, kFloating, 1};
const PointwiseOp log2{"log2", log2_body, sig_unary, kFloating, 1};
const PointwiseOp log10{"log10", log10_body, sig_unary, kFloating, 1};
const PointwiseOp exp2{"exp2", exp2_body, sig_unary, kFloating, 1};
const PointwiseOp tan{"tan", tan_body, sig_unary, kFloating, 1};
const PointwiseOp asin{"asin", asin_body, sig_unary, kFloating, 1};
const PointwiseOp acos{"acos", acos_body, sig_unary, kFloating, 1};
const PointwiseOp atan{"atan", atan_body, sig_unary, kFloating, 1};
const PointwiseOp sinh{"sinh", sinh_body, sig_unary, kFloating, 1};
const PointwiseOp cosh{"cosh", cosh_body, sig_unary, kFloating, 1};
const PointwiseOp asinh{"asinh", asinh_body, sig_unary, kFloating, 1};
const PointwiseOp reciprocal{"reciprocal", reciprocal_body, sig_unary, kFloating, 1};
const PointwiseOp frac{"frac", frac_body, sig_unary, kFloating, 1};
const PointwiseOp floor{"floor", floor_body, sig_unary, kAllButBool, 1};
const PointwiseOp ceil{"ceil", ceil_body, sig_unary, kAllButBool, 1};
const PointwiseOp round{"round", round_body, sig_unary, kAllButBool, 1};
const PointwiseOp trunc{"trunc", trunc_body, sig_unary, kAllButBool, 1};
const PointwiseOp atan2{"atan2", atan2_body, sig_binary, kFloating, 1};
// Integer fmod/remainder stay on the CPU plugin: their division by zero is an error, which an
// asynchronous kernel cannot raise where the call is made.
const PointwiseOp fmod{"fmod", fmod_body, sig_binary, kFloating, 1};
const PointwiseOp remainder{"remainder", remainder_body, sig_binary, kFloating, 1};
const PointwiseOp sigmoid{"sigmoid", sigmoid_body, sig_unary, kFloating, 1};
const PointwiseOp silu{"silu", silu_body, sig_unary, kFloating, 1};
const PointwiseOp gelu{"gelu", gelu_body, sig_unary, kFloating, 2};
const PointwiseOp threshold_backward{"threshold_backward", threshold_backward_body, sig_binary, kAllButBool, 1};
const PointwiseOp gelu_backward{"gelu_backward", gelu_backward_body, sig_binary, kFloating, 2};
const PointwiseOp silu_backward{"silu_backward", silu_backward_body, sig_binary, kFloating, 1};
const PointwiseOp sigmoid_backward{"sigmoid_backward", sigmoid_backward_body, sig_binary, kFloating, 1};
const PointwiseOp tanh_backward{"tanh_backward", tanh_backward_body, sig_binary, kFloating, 1};
const PointwiseOp fill{"fill_", fill_body, sig_unary, kAllDTypes, 1};
const PointwiseOp arange{"arange", arange_body, sig_unary, kAllButBool, 1};
const PointwiseOp linspace{"linspace", linspace_body, sig_unary, kAllButBool, 1};
const PointwiseOp eye{"eye", eye_body, sig_unary, kAllDTypes, 1};
const PointwiseOp uniform{"uniform_", uniform_body, sig_unary, kFloating, 1};
const PointwiseOp normal{"normal_", normal_body, sig_unary, kFloating, 1};
const PointwiseOp random_from{"random_", random_from_body, sig_unary, kAllDTypes, 1};
const PointwiseOp bernoulli{"bernoulli_", bernoulli_body, sig_unary, kAllDTypes, 1};
}  // namespace pointwise

const PointwiseOp convert_op{"copy_", convert_body, sig_unary, kAllDTypes, 1};

int32_t bit_copy_dtype(int32_t dtype) {
  switch (ember::sdk::element_size(dtype)) {
    case 1: return EMBER_DTYPE_UINT8;
    case 2: return EMBER_DTYPE_INT16;
    case 4: return EMBER_DTYPE_INT32;
    default: return EMBER_DTYPE_INT64;
  }
}

const std::vector<const PointwiseOp*>& all_pointwise_ops() {
  using namespace pointwise;
  static const std::vector<const PointwiseOp*> ops = {
      &add, &sub, &mul, &div, &pow, &maximum, &minimum, &eq, &ne, &lt, &le, &gt, &ge, &logical_and, &logical_or,
      &logical_xor, &logical_not, &bitwise_and, &bitwise_or, &bitwise_xor, &bitwise_not, &where, &masked_fill, &clamp, &neg, &abs, &sign, &relu, &exp, &log, &sqrt, &rsqrt, &sin, &cos,
      &tanh, &erf, &erfc, &log1p, &expm1, &log2, &log10, &exp2, &tan, &asin, &acos, &atan, &sinh, &cosh, &asinh,
      &reciprocal, &frac, &floor, &ceil, &round, &trunc, &atan2, &fmod, &remainder, &sigmoid, &silu, &gelu, &threshold_backward, &gelu_backward, &silu_backward, &sigmoid_backward,
      &tanh_backward, &fill, &arange, &linspace, &eye, &uniform, &normal, &random_from, &bernoulli};
  return ops;
}

}  // namespace ember_cuda
