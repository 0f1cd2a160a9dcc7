// Helpers that derivative formulas in ops.yaml and the engine call (as PyTorch's
// FunctionsManual). Each is written with ember ops, so that a gradient computed with
// create_graph=true is itself differentiable (double backward). Stateless; thread-safe.
//
// Conventions: `grad` is the gradient of the op's output; `sizes` are the forward input's sizes;
// dims may be negative (wrapped against the input's rank); gradients may keep a broadcast shape
// (the engine sums them to the input's shape).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "autograd/nn_functions.h"  // helpers of the nn ops' formulas
#include "core/tensor.h"

namespace ember {
namespace autograd {

// Sums grad down to `sizes` (undoing broadcasting): leading dims and size-1 dims are summed.
EMBER_API Tensor sum_to(const Tensor& grad, IntArrayRef sizes);
// t * s, or t itself when s is 1 (alpha and beta of add, sub, addmm).
EMBER_API Tensor maybe_multiply(const Tensor& t, const Scalar& s);
// Metadata of a Tensor[] argument (cat saves these instead of its inputs).
EMBER_API std::vector<std::vector<int64_t>> to_args_sizes(TensorList tensors);
EMBER_API std::vector<ScalarType> to_args_scalartypes(TensorList tensors);

// ---- pointwise ---------------------------------------------------------------------------------
// div with rounding_mode "trunc" / "floor" is piecewise constant: zero gradients.
EMBER_API Tensor div_self_backward(const Tensor& grad, const Tensor& other, const std::optional<std::string>& rounding_mode);
EMBER_API Tensor div_other_backward(const Tensor& grad, const Tensor& self, const Tensor& other,
                                    const std::optional<std::string>& rounding_mode);
// d(self^exponent): exponent * self^(exponent - 1), 0 where exponent is 0.
EMBER_API Tensor pow_backward(const Tensor& grad, const Tensor& self, const Scalar& exponent);
EMBER_API Tensor pow_backward_self(const Tensor& grad, const Tensor& self, const Tensor& exponent);
// d(self^exponent)/d exponent: result * log(self), 0 where self is 0 and exponent >= 0.
EMBER_API Tensor pow_backward_exponent(const Tensor& grad, const Tensor& self, const Tensor& exponent, const Tensor& result);
// maximum / minimum: the gradient goes to the selected input; ties split it in half.
EMBER_API Tensor maximum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool for_self);
EMBER_API Tensor minimum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool for_self);
// clamp: the gradient passes where min <= self <= max.
EMBER_API Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                                const std::optional<Scalar>& max);

// ---- reductions --------------------------------------------------------------------------------
// Reinserts the dims a reduction removed (dims None or empty: all of them), unless keepdim.
EMBER_API Tensor unsqueeze_to(const Tensor& t, std::optional<IntArrayRef> dim, int64_t input_dim, bool keepdim);
// sum / mean over dims: the gradient broadcast back to the input's sizes (mean: divided by the
// number of elements reduced).
EMBER_API Tensor sum_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim);
EMBER_API Tensor mean_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim);
// prod over one dim: result / self, with inputs that contain zeros handled exactly.
EMBER_API Tensor prod_backward(const Tensor& grad, const Tensor& self, const Tensor& result, int64_t dim, bool keepdim);
// amax / amin: the gradient goes to the elements equal to the result, split evenly among ties.
EMBER_API Tensor amax_amin_backward(const Tensor& grad, const Tensor& self, const Tensor& result, IntArrayRef dim,
                                    bool keepdim);
// max.dim / min.dim: the gradient goes to the element each index selected.
EMBER_API Tensor value_selecting_reduction_backward(const Tensor& grad, int64_t dim, const Tensor& indices,
                                                    IntArrayRef sizes, bool keepdim);
EMBER_API Tensor var_backward(const Tensor& grad, const Tensor& self, std::optional<IntArrayRef> dim,
                              const std::optional<Scalar>& correction, bool keepdim);

// ---- joining and indexing ----------------------------------------------------------------------
EMBER_API std::vector<Tensor> cat_backward(const Tensor& grad, const std::vector<std::vector<int64_t>>& sizes, int64_t dim);
// d ||self||_p: sign(self) |self|^(p-1) / norm^(p-1) (p 2: self / norm; inf: split over the
// maxima), 0 where the norm is 0.
EMBER_API Tensor norm_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& p, const Tensor& norm,
                               IntArrayRef dim, bool keepdim);
EMBER_API Tensor index_select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, const Tensor& index);
EMBER_API Tensor gather_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, const Tensor& index);
// scatter / scatter_add's src: the gradient gathered at index; src elements that index does not
// reach (src may be larger than index) get zero.
EMBER_API Tensor scatter_src_backward(const Tensor& grad, int64_t dim, const Tensor& index, IntArrayRef src_sizes);

// ---- views -------------------------------------------------------------------------------------
EMBER_API Tensor permute_backward(const Tensor& grad, IntArrayRef dims);
EMBER_API Tensor select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t index);
EMBER_API Tensor slice_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, std::optional<int64_t> start,
                                std::optional<int64_t> end, int64_t step);
// The input of as_strided had geometry (sizes, strides, offset); the view (size, stride,
// storage_offset). Overlapping views (stride 0) accumulate into the element they share.
EMBER_API Tensor as_strided_backward(const Tensor& grad, IntArrayRef sizes, IntArrayRef strides, int64_t offset,
                                     IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset);

}  // namespace autograd
}  // namespace ember
