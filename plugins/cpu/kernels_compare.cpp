// Comparisons (eq, ne, lt, le, gt, ge), logical and/or/xor/not, and where. Inputs share one
// dtype (already broadcast); outputs are bool, except where's, which has self's dtype.
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

template <Cmp kCmp>
void compare(KernelArgs& a) {
  static constexpr const char* kNames[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  dispatch(a.tensor(0).dtype(), kNames[static_cast<int>(kCmp)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    pointwise<bool, T, T>(a.tensor(2), {a.tensor(0), a.tensor(1)}, [](T x, T y) {
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

template <Logic kLogic>
void logical(KernelArgs& a) {
  static constexpr const char* kNames[] = {"logical_and", "logical_or", "logical_xor"};
  dispatch(a.tensor(0).dtype(), kNames[static_cast<int>(kLogic)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<bool, T, T>(a.tensor(2), {a.tensor(0), a.tensor(1)}, [](T x, T y) {
      bool xb = truthy(x), yb = truthy(y);
      return kLogic == Logic::And ? (xb && yb) : kLogic == Logic::Or ? (xb || yb) : (xb != yb);
    });
  });
}

// logical_not.out (self 0, out 1): any input dtype, bool out.
void logical_not(KernelArgs& a) {
  dispatch(a.tensor(0).dtype(), "logical_not", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<bool, T>(a.tensor(1), {a.tensor(0)}, [](T x) { return !truthy(x); });
  });
}

// where.self_out (condition 0, self 1, other 2, out 3).
void where(KernelArgs& a) {
  dispatch(a.tensor(3).dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise<T, bool, T, T>(a.tensor(3), {a.tensor(0), a.tensor(1), a.tensor(2)},
                             [](bool c, T x, T y) { return c ? x : y; });
  });
}

}  // namespace

void register_compare_kernels(Registrar& reg) {
  reg.kernel("eq.Tensor_out", kDevice, kAllDTypes, compare<Cmp::Eq>);
  reg.kernel("ne.Tensor_out", kDevice, kAllDTypes, compare<Cmp::Ne>);
  reg.kernel("lt.Tensor_out", kDevice, kAllDTypes, compare<Cmp::Lt>);
  reg.kernel("le.Tensor_out", kDevice, kAllDTypes, compare<Cmp::Le>);
  reg.kernel("gt.Tensor_out", kDevice, kAllDTypes, compare<Cmp::Gt>);
  reg.kernel("ge.Tensor_out", kDevice, kAllDTypes, compare<Cmp::Ge>);
  reg.kernel("logical_and.out", kDevice, kAllDTypes, logical<Logic::And>);
  reg.kernel("logical_or.out", kDevice, kAllDTypes, logical<Logic::Or>);
  reg.kernel("logical_xor.out", kDevice, kAllDTypes, logical<Logic::Xor>);
  reg.kernel("logical_not.out", kDevice, kAllDTypes, logical_not);
  reg.kernel("where.self_out", kDevice, kAllDTypes, where);
}

}  // namespace ember_cpu
