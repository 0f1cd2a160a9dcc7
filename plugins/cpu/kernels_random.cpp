// In-place random fills: uniform_, normal_, random_.from, bernoulli_.float.
//
// Element k (row-major position) is a pure function of (seed, offset, k) through the SDK's
// shared Philox convention (<ember/sdk/random.h>): the same seed gives the same tensor for any
// thread count, memory layout, and on any device that follows the convention.
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <limits>
#include <type_traits>

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllDTypes;
using ember::sdk::kFloatingDTypes;
using ember::sdk::random_block;

template <typename T>
T from_double(double v) {
  return static_cast<T>(static_cast<ember::sdk::compute_t<T>>(v));
}

// uniform_: from + (to - from) * u, u in [0, 1).
void uniform(KernelArgs& a) {
  using Op = ops::uniform_;
  TensorView self = a.tensor(Op::self);
  const double lo = a.double_(Op::from_), hi = a.double_(Op::to_);
  const ember::sdk::GeneratorState gen = a.generator(Op::generator);
  dispatch<kFloatingDTypes>(self.dtype(), "uniform_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise_indexed<T>(self, [=](int64_t k) {
      ember::sdk::Philox4x32 r = random_block(gen.seed, gen.offset, static_cast<uint64_t>(k));
      if constexpr (std::is_same<T, double>::value) {
        return lo + (hi - lo) * ember::sdk::uniform_double(r.x[0], r.x[1]);
      } else {
        using C = ember::sdk::compute_t<T>;
        return static_cast<T>(static_cast<C>(lo) + static_cast<C>(hi - lo) * ember::sdk::uniform_float(r.x[0]));
      }
    });
  });
}

// normal_: Box-Muller on two 53-bit uniforms.
void normal(KernelArgs& a) {
  using Op = ops::normal_;
  TensorView self = a.tensor(Op::self);
  const double mean = a.double_(Op::mean), stddev = a.double_(Op::std);
  EMBER_SDK_CHECK(stddev >= 0.0, EMBER_ERROR_VALUE, "normal expects std >= 0.0, but found std ", stddev);
  const ember::sdk::GeneratorState gen = a.generator(Op::generator);
  dispatch<kFloatingDTypes>(self.dtype(), "normal_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise_indexed<T>(self, [=](int64_t k) {
      ember::sdk::Philox4x32 r = random_block(gen.seed, gen.offset, static_cast<uint64_t>(k));
      const double u1 = ember::sdk::uniform_double(r.x[0], r.x[1]);
      const double u2 = ember::sdk::uniform_double(r.x[2], r.x[3]);
      const double radius = std::sqrt(-2.0 * std::log(1.0 - u1));  // 1 - u1 in (0, 1]: finite
      return from_double<T>(mean + stddev * radius * std::cos(2.0 * M_PI * u2));
    });
  });
}

// The largest integer a dtype represents exactly, contiguous from 0 (PyTorch's default `to`).
template <typename T>
int64_t random_default_max() {
  if constexpr (std::is_same<T, bool>::value) return 1;
  else if constexpr (std::is_same<T, ember::sdk::Half>::value) return int64_t(1) << 11;
  else if constexpr (std::is_same<T, ember::sdk::BFloat16>::value) return int64_t(1) << 8;
  else if constexpr (std::is_same<T, float>::value) return int64_t(1) << 24;
  else if constexpr (std::is_same<T, double>::value) return int64_t(1) << 53;
  else return static_cast<int64_t>(std::numeric_limits<T>::max());
}

// random_.from: integers uniform in [from, to) (to None: the dtype's default range).
void random_from(KernelArgs& a) {
  using Op = ops::random__from;
  TensorView self = a.tensor(Op::self);
  const int64_t from = a.int_(Op::from_);
  const std::optional<int64_t> to = a.optional_int(Op::to_);
  const ember::sdk::GeneratorState gen = a.generator(Op::generator);
  dispatch<kAllDTypes>(self.dtype(), "random_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    uint64_t range = 0;  // 0 means the full 2^64 range
    if (to) {  // from < to (meta checked)
      range = static_cast<uint64_t>(*to) - static_cast<uint64_t>(from);
    } else if (!(std::is_same<T, int64_t>::value && from == std::numeric_limits<int64_t>::min())) {
      const int64_t to_inclusive = random_default_max<T>();
      EMBER_SDK_CHECK(from <= to_inclusive, EMBER_ERROR_VALUE, "random_ expects 'from' <= ", to_inclusive,
                      " for this dtype, but got from=", from);
      range = static_cast<uint64_t>(to_inclusive) - static_cast<uint64_t>(from) + 1;
    }
    pointwise_indexed<T>(self, [=](int64_t k) {
      const uint64_t bits = ember::sdk::random_u64(random_block(gen.seed, gen.offset, static_cast<uint64_t>(k)));
      const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(from) + (range ? bits % range : bits));
      if constexpr (std::is_same<T, bool>::value) return v != 0;
      else if constexpr (is_floating_v<T>) return from_double<T>(static_cast<double>(v));
      else return static_cast<T>(v);
    });
  });
}

// bernoulli_.float: 1 with probability p, else 0.
void bernoulli(KernelArgs& a) {
  using Op = ops::bernoulli__float;
  TensorView self = a.tensor(Op::self);
  const double p = a.double_(Op::p);
  EMBER_SDK_CHECK(p >= 0.0 && p <= 1.0, EMBER_ERROR_VALUE, "bernoulli_ expects p to be in [0, 1], but got p=", p);
  const ember::sdk::GeneratorState gen = a.generator(Op::generator);
  dispatch<kAllDTypes>(self.dtype(), "bernoulli_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise_indexed<T>(self, [=](int64_t k) {
      ember::sdk::Philox4x32 r = random_block(gen.seed, gen.offset, static_cast<uint64_t>(k));
      const bool one = ember::sdk::uniform_double(r.x[0], r.x[1]) < p;
      if constexpr (std::is_same<T, bool>::value) return one;
      else return from_double<T>(one ? 1.0 : 0.0);
    });
  });
}

}  // namespace

void register_random_kernels(Registrar& reg) {
  reg.kernel<ops::uniform_>(kDevice, kFloatingDTypes, uniform);
  reg.kernel<ops::normal_>(kDevice, kFloatingDTypes, normal);
  reg.kernel<ops::random__from>(kDevice, kAllDTypes, random_from);
  reg.kernel<ops::bernoulli__float>(kDevice, kAllDTypes, bernoulli);
}

}  // namespace ember_cpu
