// Comparisons (eq, ne, lt, le, gt, ge), logical and/or/xor/not, bitwise and/or/xor/not, and
// where. Inputs share one dtype (already broadcast); outputs are bool, except where's and the
// bitwise ops', which have the inputs' dtype.
//
// Stateless kernels; thread-safe.
#include <type_traits>

#include "cpu_plugin.h"
#include "loops.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::KernelArgs;
using ember::sdk::kAllDTypes;

enum class Cmp { Eq, Ne, Lt, Le, Gt, Ge };

// eq/ne/lt/le/gt/ge.Tensor_out: bool out, inputs of one (promoted) dtype.
template <typename Op, Cmp kCmp>
void compare(KernelArgs& a) {
  static constexpr const char* kNames[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  const TensorView out = a.tensor(Op::out), lhs = a.tensor(Op::self), rhs = a.tensor(Op::other);
  dispatch(lhs.dtype(), kNames[static_cast<int>(kCmp)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    pointwise<bool, T, T>(out, {lhs, rhs}, [](T x, T y) {
      C xc = C(x), yc = C(y);
      switch (kCmp) {
        case Cmp::Eq: return xc == yc;
        case Cmp::Ne: return xc != yc;
        case Cmp::Lt: return xc < yc;
        case Cmp::Le: return xc <= yc;
        case Cmp::Gt: return xc > yc;
        default: return xc >= yc;
      }
    });
  });
}

template <typename T>
inline bool truthy(T v) {
  return static_cast<ember::sdk::compute_t<T>>(v) != 0;  // NaN counts as true, as in PyTorch
}

enum class Logic { And, Or, Xor };

// logical_and/or/xor.out: bool out.
template <typename Op, Logic kLogic>
void logical(KernelArgs& a) {
  static constexpr const char* kNames[] = {"logical_and", "logical_or", "logical_xor"};
  const TensorView out = a.tensor(Op::out), lhs = a.tensor(Op::self), rhs = a.tensor(Op::other);
  dispatch(lhs.dtype(), kNames[static_cast<int>(kLogic)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<bool, T, T>(out, {lhs, rhs}, [](T x, T y) {
      bool xb = truthy(x), yb = truthy(y);
      return kLogic == Logic::And ? (xb && yb) : kLogic == Logic::Or ? (xb || yb) : (xb != yb);
    });
  });
}

// logical_not.out: any input dtype, bool out.
void logical_not(KernelArgs& a) {
  using Op = ops::logical_not_out;
  const TensorView out = a.tensor(Op::out), self = a.tensor(Op::self);
  dispatch(self.dtype(), "logical_not", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<bool, T>(out, {self}, [](T x) { return !truthy(x); });
  });
}

// Integer and bool dtypes: the bitwise ops' mask (meta refuses the others).
constexpr uint32_t kBitwiseDTypes = ember::sdk::kIntegralDTypes | ember::sdk::dtype_bit(EMBER_DTYPE_BOOL);

// bitwise_and/or/xor.Tensor_out: out has the inputs' (promoted) dtype; on bool the logical op.
template <typename Op, Logic kLogic>
void bitwise(KernelArgs& a) {
  static constexpr const char* kNames[] = {"bitwise_and", "bitwise_or", "bitwise_xor"};
  const TensorView out = a.tensor(Op::out), lhs = a.tensor(Op::self), rhs = a.tensor(Op::other);
  dispatch<kBitwiseDTypes>(out.dtype(), kNames[static_cast<int>(kLogic)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<T, T, T>(out, {lhs, rhs}, [](T x, T y) {
      return static_cast<T>(kLogic == Logic::And ? (x & y) : kLogic == Logic::Or ? (x | y) : (x ^ y));
    });
  });
}

// bitwise_not.out: ~x on integers (two's complement, as PyTorch), !x on bool.
void bitwise_not(KernelArgs& a) {
  using Op = ops::bitwise_not_out;
  const TensorView out = a.tensor(Op::out), self = a.tensor(Op::self);
  dispatch<kBitwiseDTypes>(out.dtype(), "bitwise_not", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same<T, bool>::value) {
      pointwise<bool, bool>(out, {self}, [](bool x) { return !x; });
    } else {
      pointwise<T, T>(out, {self}, [](T x) { return static_cast<T>(~x); });
    }
  });
}

// where.self_out (condition: bool).
void where(KernelArgs& a) {
  using Op = ops::where_self_out;
  const TensorView out = a.tensor(Op::out);
  dispatch(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<T, bool, T, T>(out, {a.tensor(Op::condition), a.tensor(Op::self), a.tensor(Op::other)},
                             [](bool c, T x, T y) { return c ? x : y; });
  });
}

}  // namespace

void register_compare_kernels(Registrar& reg) {
  reg.kernel<ops::eq_Tensor_out>(kDevice, kAllDTypes, compare<ops::eq_Tensor_out, Cmp::Eq>);
  reg.kernel<ops::ne_Tensor_out>(kDevice, kAllDTypes, compare<ops::ne_Tensor_out, Cmp::Ne>);
  reg.kernel<ops::lt_Tensor_out>(kDevice, kAllDTypes, compare<ops::lt_Tensor_out, Cmp::Lt>);
  reg.kernel<ops::le_Tensor_out>(kDevice, kAllDTypes, compare<ops::le_Tensor_out, Cmp::Le>);
  reg.kernel<ops::gt_Tensor_out>(kDevice, kAllDTypes, compare<ops::gt_Tensor_out, Cmp::Gt>);
  reg.kernel<ops::ge_Tensor_out>(kDevice, kAllDTypes, compare<ops::ge_Tensor_out, Cmp::Ge>);
  reg.kernel<ops::logical_and_out>(kDevice, kAllDTypes, logical<ops::logical_and_out, Logic::And>);
  reg.kernel<ops::logical_or_out>(kDevice, kAllDTypes, logical<ops::logical_or_out, Logic::Or>);
  reg.kernel<ops::logical_xor_out>(kDevice, kAllDTypes, logical<ops::logical_xor_out, Logic::Xor>);
  reg.kernel<ops::logical_not_out>(kDevice, kAllDTypes, logical_not);
  reg.kernel<ops::bitwise_and_Tensor_out>(kDevice, kBitwiseDTypes, bitwise<ops::bitwise_and_Tensor_out, Logic::And>);
  reg.kernel<ops::bitwise_or_Tensor_out>(kDevice, kBitwiseDTypes, bitwise<ops::bitwise_or_Tensor_out, Logic::Or>);
  reg.kernel<ops::bitwise_xor_Tensor_out>(kDevice, kBitwiseDTypes, bitwise<ops::bitwise_xor_Tensor_out, Logic::Xor>);
  reg.kernel<ops::bitwise_not_out>(kDevice, kBitwiseDTypes, bitwise_not);
  reg.kernel<ops::where_self_out>(kDevice, kAllDTypes, where);
}

}  // namespace ember_cpu
