// nn::utils gradient clipping and parameter/vector conversion, as torch::nn::utils's:
//
//   double norm = ember::nn::utils::clip_grad_norm_(model->parameters(), /*max_norm=*/1.0);
//   ember::nn::utils::clip_grad_value_(model->parameters(), 0.5);
//   Tensor flat = ember::nn::utils::parameters_to_vector(model->parameters());
//
// Parameters without a gradient are skipped. Gradients are scaled in place.
#pragma once

#include <initializer_list>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace nn {
namespace utils {

// Scales all gradients so that their total norm_type-norm is at most max_norm; returns the norm
// before clipping. error_if_nonfinite: a NaN or infinite total norm is an error.
EMBER_API double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                                 bool error_if_nonfinite = false);
EMBER_API double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type = 2.0,
                                 bool error_if_nonfinite = false);
EMBER_API double clip_grad_norm_(Tensor parameter, double max_norm, double norm_type = 2.0,
                                 bool error_if_nonfinite = false);
// Clamps every gradient element to [-clip_value, clip_value].
EMBER_API void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
EMBER_API void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value);
EMBER_API void clip_grad_value_(Tensor parameter, double clip_value);

// The parameters flattened and concatenated; and back (each parameter takes its slice's data).
EMBER_API Tensor parameters_to_vector(const std::vector<Tensor>& parameters);
EMBER_API void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters);

}  // namespace utils
}  // namespace nn
}  // namespace ember
