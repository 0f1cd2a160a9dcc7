// In-place random fills: uniform_, normal_, random_.from, bernoulli_.float, following the ABI's
// Philox convention (ember/sdk/random.h): element k of the output, in logical row-major order,
// comes from one Philox4x32-10 block with key = seed and counter = offset + k, and the
// arithmetic after it is the CPU plugin's, with products and sums rounded separately. So a seed
// gives bit-identical tensors on cpu and cuda for uniform_, random_ and bernoulli_; normal_
// goes through log and cos in double, where the CUDA and glibc results can differ in the last
// bit (rarely visible after rounding to the output dtype).
//
// Stateless kernels; thread-safe.
#include <limits>

#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "elementwise.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
namespace pw = pointwise;

void run_random(const KernelArgs& a, const PointwiseOp& op, const TensorView& self, KernelScalars& s,
                const ember::sdk::GeneratorState& gen) {
  s.i[2] = static_cast<int64_t>(gen.seed);
  s.i[3] = static_cast<int64_t>(gen.offset);
  Operand o;
  o.data = self.data_ptr();
  o.dtype = self.dtype();
  o.strides = self.strides().data();
  run_elementwise_raw(a, op, 0, self.ndim(), self.sizes().data(), o, &o, 1, s);
}

void uniform(KernelArgs& a) {
  using Op = ops::uniform_;
  const double lo = a.double_(Op::from_), hi = a.double_(Op::to_);
  KernelScalars s;
  s.d[0] = lo;
  s.d[1] = hi - lo;
  run_random(a, pw::uniform, a.tensor(Op::self), s, a.generator(Op::generator));
}

void normal(KernelArgs& a) {
  using Op = ops::normal_;
  const double mean = a.double_(Op::mean), stddev = a.double_(Op::std);
  EMBER_SDK_CHECK(stddev >= 0.0, EMBER_ERROR_VALUE, "normal expects std >= 0.0, but found std ", stddev);
  KernelScalars s;
  s.d[0] = mean;
  s.d[1] = stddev;
  run_random(a, pw::normal, a.tensor(Op::self), s, a.generator(Op::generator));
}

// The largest integer a dtype represents exactly, contiguous from 0 (PyTorch's default `to`).
int64_t random_default_max(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_BOOL: return 1;
    case EMBER_DTYPE_FLOAT16: return int64_t(1) << 11;
    case EMBER_DTYPE_BFLOAT16: return int64_t(1) << 8;
    case EMBER_DTYPE_FLOAT32: return int64_t(1) << 24;
    case EMBER_DTYPE_FLOAT64: return int64_t(1) << 53;
    case EMBER_DTYPE_UINT8: return 255;
    case EMBER_DTYPE_INT8: return 127;
    case EMBER_DTYPE_INT16: return 32767;
    case EMBER_DTYPE_INT32: return 2147483647;
    default: return std::numeric_limits<int64_t>::max();
  }
}

void random_from(KernelArgs& a) {
  using Op = ops::random__from;
  TensorView self = a.tensor(Op::self);
  const int64_t from = a.int_(Op::from_);
  const std::optional<int64_t> to = a.optional_int(Op::to_);
  uint64_t range = 0;  // 0: the full 2^64 range
  if (to) {
    EMBER_SDK_CHECK(from < *to, EMBER_ERROR_VALUE, "random_ expects 'from' to be less than 'to', but got from=", from,
                    " >= to=", *to);
    range = static_cast<uint64_t>(*to) - static_cast<uint64_t>(from);
  } else if (!(self.dtype() == EMBER_DTYPE_INT64 && from == std::numeric_limits<int64_t>::min())) {
    const int64_t to_inclusive = random_default_max(self.dtype());
    EMBER_SDK_CHECK(from <= to_inclusive, EMBER_ERROR_VALUE, "random_ expects 'from' <= ", to_inclusive,
                    " for this dtype, but got from=", from);
    range = static_cast<uint64_t>(to_inclusive) - static_cast<uint64_t>(from) + 1;
  }
  KernelScalars s;
  s.i[0] = from;
  s.i[1] = static_cast<int64_t>(range);
  run_random(a, pw::random_from, self, s, a.generator(Op::generator));
}

void bernoulli(KernelArgs& a) {
  using Op = ops::bernoulli__float;
  const double p = a.double_(Op::p);
  EMBER_SDK_CHECK(p >= 0.0 && p <= 1.0, EMBER_ERROR_VALUE, "bernoulli_ expects p to be in [0, 1], but got p=", p);
  KernelScalars s;
  s.d[0] = p;
  run_random(a, pw::bernoulli, a.tensor(Op::self), s, a.generator(Op::generator));
}

}  // namespace

void register_random_kernels(Registrar& reg) {
  reg.kernel<ops::uniform_>(kDevice, pw::uniform.dtypes, uniform);
  reg.kernel<ops::normal_>(kDevice, pw::normal.dtypes, normal);
  reg.kernel<ops::random__from>(kDevice, pw::random_from.dtypes, random_from);
  reg.kernel<ops::bernoulli__float>(kDevice, pw::bernoulli.dtypes, bernoulli);
}

}  // namespace ember_cuda
