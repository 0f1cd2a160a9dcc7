// Reduction kernels: sum, mean, prod, amax/amin, max/min.dim (values and first index),
// argmax/argmin, var (with correction), all/any, through the reduction engine (reduce.h).
// Floating inputs accumulate in double and integers in int64, as the CPU plugin; NaN wins in
// max/min; equal values report the lowest index.
//
// Stateless kernels; thread-safe.
#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "reduce.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;

// One normalized dim (meta wrapped it); a 0-d tensor reduces nothing.
uint64_t single_dim_mask(int64_t dim, int32_t ndim) { return ndim == 0 ? 0 : 1ull << dim; }

template <typename Op, ReduceKind kKind>
void sum_like(Registrar& reg) {
  reg.kernel<Op>(kDevice, reduce_dtypes(kKind), [](KernelArgs& a) {
    TensorView self = a.tensor(Op::self);
    run_reduce(a, kKind, self, reduce_mask_from_dims(*a.optional_int_list(Op::dim)), a.tensor(Op::out));
  });
}

template <typename Op, ReduceKind kKind>
void amax_like(Registrar& reg) {
  reg.kernel<Op>(kDevice, reduce_dtypes(kKind), [](KernelArgs& a) {
    TensorView self = a.tensor(Op::self);
    run_reduce(a, kKind, self, reduce_mask_from_dims(a.int_list(Op::dim)), a.tensor(Op::out));
  });
}

template <typename Op, ReduceKind kKind>
void arg_like(Registrar& reg) {
  reg.kernel<Op>(kDevice, reduce_dtypes(kKind), [](KernelArgs& a) {
    TensorView self = a.tensor(Op::self);
    const std::optional<int64_t> dim = a.optional_int(Op::dim);
    const uint64_t mask = dim ? single_dim_mask(*dim, self.ndim()) : (self.ndim() >= 64 ? ~0ull : (1ull << self.ndim()) - 1);
    run_reduce(a, kKind, self, mask, a.tensor(Op::out));
  });
}

}  // namespace

void register_reduce_kernels(Registrar& reg) {
  sum_like<ops::sum_IntList_out, ReduceKind::Sum>(reg);
  sum_like<ops::mean_out, ReduceKind::Mean>(reg);
  sum_like<ops::all_dims_out, ReduceKind::All>(reg);
  sum_like<ops::any_dims_out, ReduceKind::Any>(reg);
  amax_like<ops::amax_out, ReduceKind::Amax>(reg);
  amax_like<ops::amin_out, ReduceKind::Amin>(reg);
  arg_like<ops::argmax_out, ReduceKind::Argmax>(reg);
  arg_like<ops::argmin_out, ReduceKind::Argmin>(reg);
  reg.kernel<ops::prod_int_out>(kDevice, reduce_dtypes(ReduceKind::Prod), [](KernelArgs& a) {
    using Op = ops::prod_int_out;
    TensorView self = a.tensor(Op::self);
    run_reduce(a, ReduceKind::Prod, self, single_dim_mask(a.int_(Op::dim), self.ndim()), a.tensor(Op::out));
  });
  reg.kernel<ops::max_dim_max>(kDevice, reduce_dtypes(ReduceKind::MaxDim), [](KernelArgs& a) {
    using Op = ops::max_dim_max;
    TensorView self = a.tensor(Op::self), indices = a.tensor(Op::max_values);
    run_reduce(a, ReduceKind::MaxDim, self, single_dim_mask(a.int_(Op::dim), self.ndim()), a.tensor(Op::max_), &indices);
  });
  reg.kernel<ops::min_dim_min>(kDevice, reduce_dtypes(ReduceKind::MinDim), [](KernelArgs& a) {
    using Op = ops::min_dim_min;
    TensorView self = a.tensor(Op::self), indices = a.tensor(Op::min_indices);
    run_reduce(a, ReduceKind::MinDim, self, single_dim_mask(a.int_(Op::dim), self.ndim()), a.tensor(Op::min_), &indices);
  });
  reg.kernel<ops::var_correction_out>(kDevice, reduce_dtypes(ReduceKind::Var), [](KernelArgs& a) {
    using Op = ops::var_correction_out;
    TensorView self = a.tensor(Op::self);
    const std::optional<ember::sdk::Scalar> c = a.optional_scalar(Op::correction);
    run_reduce(a, ReduceKind::Var, self, reduce_mask_from_dims(*a.optional_int_list(Op::dim)),
               a.tensor(Op::out), nullptr, c ? c->to_double() : 1.0);
  });
}

}  // namespace ember_cuda
