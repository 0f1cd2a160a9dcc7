// Helpers that derivative formulas in ops.yaml and the engine call (as PyTorch's
// FunctionsManual). Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/tensor.h"

namespace ember {
namespace autograd {

// Sums grad down to `sizes` (undoing broadcasting): leading dims and size-1 dims are summed.
EMBER_API Tensor sum_to(const Tensor& grad, IntArrayRef sizes);
// grad of sum/mean over dims: broadcast back to the input's shape.
EMBER_API Tensor sum_backward(const Tensor& grad, IntArrayRef input_sizes, std::optional<IntArrayRef> dim, bool keepdim);
EMBER_API Tensor mean_backward(const Tensor& grad, IntArrayRef input_sizes, std::optional<IntArrayRef> dim, bool keepdim);
EMBER_API Tensor prod_backward(const Tensor& grad, const Tensor& input, const Tensor& result, int64_t dim, bool keepdim);
EMBER_API Tensor var_backward(const Tensor& grad, const Tensor& self, std::optional<IntArrayRef> dim,
                              const std::optional<Scalar>& correction, bool keepdim);
// grad flowing to the selected elements of amax/amin/max.dim (ties share it evenly as PyTorch).
EMBER_API Tensor amax_backward(const Tensor& grad, const Tensor& self, const Tensor& result, IntArrayRef dim, bool keepdim);
EMBER_API Tensor index_reduce_backward(const Tensor& grad, const Tensor& self, int64_t dim, const Tensor& indices,
                                       bool keepdim);
EMBER_API Tensor unsqueeze_to(const Tensor& t, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim);

EMBER_API Tensor pow_backward_self(const Tensor& grad, const Tensor& self, const Tensor& exponent);
EMBER_API Tensor pow_backward_exponent(const Tensor& grad, const Tensor& self, const Tensor& exponent, const Tensor& result);
EMBER_API Tensor div_backward_other(const Tensor& grad, const Tensor& self, const Tensor& other,
                                    const std::optional<std::string>& rounding_mode);
EMBER_API Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                                const std::optional<Scalar>& max);
EMBER_API Tensor gelu_backward(const Tensor& grad, const Tensor& self, const std::string& approximate);
EMBER_API Tensor maximum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool for_self, bool is_max);

EMBER_API Tensor mm_mat1_backward(const Tensor& grad, const Tensor& mat2, const Scalar& alpha);
EMBER_API Tensor mm_mat2_backward(const Tensor& grad, const Tensor& mat1, const Scalar& alpha);

// Views.
EMBER_API Tensor permute_backward(const Tensor& grad, IntArrayRef dims);
EMBER_API Tensor select_backward(const Tensor& grad, IntArrayRef input_sizes, int64_t dim, int64_t index);
EMBER_API Tensor slice_backward(const Tensor& grad, IntArrayRef input_sizes, int64_t dim, std::optional<int64_t> start,
                                std::optional<int64_t> end, int64_t step);
EMBER_API Tensor squeeze_backward(const Tensor& grad, IntArrayRef input_sizes);
EMBER_API Tensor as_strided_backward(const Tensor& grad, const Tensor& self, IntArrayRef size, IntArrayRef stride,
                                     std::optional<int64_t> storage_offset);
EMBER_API Tensor cat_backward(const Tensor& grad, TensorList tensors, int64_t dim, size_t index);
EMBER_API Tensor index_select_backward(const Tensor& grad, IntArrayRef input_sizes, int64_t dim, const Tensor& index);
EMBER_API Tensor masked_fill_backward(const Tensor& grad, const Tensor& mask);

}  // namespace autograd
}  // namespace ember
